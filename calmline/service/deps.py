"""Shared dependencies: the service state, a database session per request, the calling actor."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Header, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from calmline.cases import redaction
from calmline.cases.history import HistoryCache
from calmline.cases.models import ConversationRow
from calmline.cases.pipeline import Policy
from calmline.cases.store import Actor, verify_token
from calmline.playbook.config import default_playbook
from calmline.service.errors import Forbidden, NotFound, Unauthorized, Unprocessable
from calmline.service.settings import Settings

T = TypeVar("T")

__all__ = [
    "ActorDep",
    "ReadSessionDep",
    "Services",
    "ServicesDep",
    "SessionDep",
    "actor_for",
    "check_text",
    "require",
    "visible_conversation",
]


@dataclass
class Services:
    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    policy: Policy
    #: read-only sessions (on SQLite: deferred transactions, no process lock); ``factory`` is for writes
    reader: sessionmaker[Session] | None = None
    #: the process's one poller of the events table that every open SSE stream waits on
    sse_hub: Any = None
    #: each conversation's analysis so far (checked against the database before every write)
    history: HistoryCache = field(init=False)

    _pool: ThreadPoolExecutor | None = field(init=False, default=None)
    _heavy: ThreadPoolExecutor | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        playbook = self.policy.playbook or default_playbook()
        self.history = HistoryCache(self.policy.window, ladder=playbook.ladder)

    async def run(self, fn: Callable[..., T], *args: Any, text_chars: int = 0) -> T:
        """Run ``fn(*args)`` in one of ``CALMLINE_MESSAGE_THREADS`` threads.

        Analysing is CPU-bound under the GIL: a few threads finish each message sooner than
        dozens sharing it, and the one holding the database's write lock is not starved.
        A plain executor: the hop costs less than anyio's general-purpose thread runner.
        A message of ``text_chars`` over ``CALMLINE_HEAVY_TEXT_CHARS`` goes to a lane of its own
        (one thread): however many long messages arrive at once, they queue there and never
        occupy the threads ordinary messages need.
        """
        if text_chars > self.settings.heavy_text_chars:
            if self._heavy is None:
                self._heavy = ThreadPoolExecutor(1, thread_name_prefix="calmline-heavy")
            pool = self._heavy
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.settings.message_threads, thread_name_prefix="calmline-messages")
            pool = self._pool
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(fn, *args))

    def external_ref(self, external_id: str) -> str:
        """What is stored (and looked up) for a helpdesk's conversation id.

        The id itself; with redaction on, an id holding personal data (an email, a phone number)
        becomes a keyed hash, so it still matches the next message but is never stored.
        """
        if not self.settings.redact:
            return external_id
        key = self.settings.redact_key or self.settings.inbound_webhook_secret
        return redaction.external_ref(external_id, key, region=self.settings.redact_region)

    def close(self) -> None:
        """Stop the message threads (the app's shutdown calls this)."""
        for pool in (self._pool, self._heavy):
            if pool is not None:
                pool.shutdown(wait=True)
        self._pool = self._heavy = None


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.factory() as s:
        yield s


SessionDep = Annotated[Session, Depends(get_session)]


def get_read_session(services: ServicesDep) -> Iterator[Session]:
    with (services.reader or services.factory)() as s:
        yield s


#: a session for requests that only read (never commit through it)
ReadSessionDep = Annotated[Session, Depends(get_read_session)]


def check_text(services: Services, text: str, what: str = "text") -> None:
    """The one length check of message text and drafts: ``CALMLINE_MAX_TEXT_CHARS`` (422 above)."""
    limit = services.settings.max_text_chars
    if len(text) > limit:
        raise Unprocessable(f"{what} is {len(text)} characters; the limit is {limit} (CALMLINE_MAX_TEXT_CHARS)")


def _verify(services: Services, raw: str) -> Actor:
    with (services.reader or services.factory)() as s:
        row = verify_token(s, raw)
        if row is None:
            raise Unauthorized("unknown or revoked API token")
        return Actor(row.name, row.role, row.team, row.id)


async def actor_for(services: Services, authorization: str | None) -> Actor:
    """The actor an ``Authorization`` header stands for; :class:`Unauthorized` if none.

    Async, with a thread only for the database. Checked against the database on every request
    (no per-process cache): a revoked token stops working at once on every worker.
    """
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("send an API token: 'Authorization: Bearer cl_<id>_<secret>'")
    return await anyio.to_thread.run_sync(_verify, services, authorization[7:].strip())


async def get_actor(services: ServicesDep, authorization: Annotated[str | None, Header()] = None) -> Actor:
    return await actor_for(services, authorization)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise Forbidden(f"this needs the {' or '.join(roles)} role; your token is {actor.role!r}")


def visible_conversation(s: Session, actor: Actor, conversation_id: str, *, lock: bool = False) -> ConversationRow:
    """The conversation if the actor may see it; 404 otherwise (no hint that it exists)."""
    conv = s.get(ConversationRow, conversation_id, with_for_update=lock)
    if conv is None or not actor.can_see(conv):
        raise NotFound(f"no conversation {conversation_id!r} visible to you")
    return conv
