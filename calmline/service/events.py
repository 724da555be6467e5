"""Live updates as Server-Sent Events, per conversation and per team queue.

Events live in the database (``events`` table), so a stream sees what any server
process wrote, and a client resumes with ``Last-Event-ID`` after a disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from calmline.cases.models import ApiToken, Event
from calmline.service.deps import (
    ActorDep,
    ReadSessionDep,
    Services,
    ServicesDep,
    require,
    visible_conversation,
)
from calmline.service.errors import Forbidden
from calmline.service.schemas import MAX_ID

router = APIRouter(tags=["events"])
log = logging.getLogger("calmline.service")


def _fetch(services: Services, *, conversation_id: str | None, team: str | None, after: int) -> list[Event]:
    with (services.reader or services.factory)() as s:  # polled often: never queue on the write lock
        q = select(Event).where(Event.id > after).order_by(Event.id).limit(200)
        q = q.where(Event.conversation_id == conversation_id) if conversation_id else q.where(Event.team == team)
        return list(s.scalars(q).all())


def _format(e: Event) -> str:
    data = json.dumps(
        {
            "id": e.id,
            "type": e.type,
            "conversation_id": e.conversation_id,
            "at": e.created_at.isoformat(),
            "data": e.data,
        },
        default=str,
        ensure_ascii=False,
    )
    return f"id: {e.id}\nevent: {e.type}\ndata: {data}\n\n"


class Hub:
    """One poller per process for every open stream: idle streams cost nothing but a waiting task.

    Each ``CALMLINE_SSE_POLL_S`` it reads the newest event id and the number of revoked tokens
    (two indexed aggregates), and wakes the streams only when one changed: a stream then reads
    its own events, or re-checks its token and ends if it was revoked. It stops when no stream waits.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self.latest, self.revoked = -1, -1
        self.changed = asyncio.Event()
        self.streams = 0
        self.task: asyncio.Task[None] | None = None

    def _probe(self) -> tuple[int, int]:
        with (self.services.reader or self.services.factory)() as s:
            latest = s.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0
            revoked = s.scalar(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_not(None))) or 0
            return int(latest), int(revoked)

    async def _run(self) -> None:
        while self.streams > 0:
            try:
                latest, revoked = await run_in_threadpool(self._probe)
            except Exception:  # a database hiccup: the streams wait for the next probe
                log.exception("polling the events table failed")
                latest, revoked = self.latest, self.revoked
            if (latest, revoked) != (self.latest, self.revoked):
                self.latest, self.revoked = latest, revoked
                self.changed.set()
                self.changed = asyncio.Event()
            await asyncio.sleep(self.services.settings.sse_poll_s)
        self.task = None

    async def wait(self, seen: tuple[int, int], timeout: float) -> tuple[int, int]:
        """Wait until the newest event id or the revocation count differ from ``seen`` (or ``timeout``)."""
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.get_loop() is not loop:  # none yet, or one of a finished loop
            self.changed = asyncio.Event()
            self.task = loop.create_task(self._run())
        if (self.latest, self.revoked) == seen:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout)
        return self.latest, self.revoked


def hub_of(services: Services) -> Hub:
    if services.sse_hub is None:
        services.sse_hub = Hub(services)
    hub: Hub = services.sse_hub
    return hub


def _live(services: Services, token_id: str | None) -> bool:
    if token_id is None:
        return True
    with (services.reader or services.factory)() as s:
        row = s.get(ApiToken, token_id)
        return row is not None and row.revoked_at is None


async def _stream(
    services: Services,
    *,
    conversation_id: str | None,
    team: str | None,
    after: int,
    follow: bool,
    max_s: float,
    token_id: str | None = None,
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_s
    hub = hub_of(services)
    hub.streams += 1
    try:
        yield ": calmline stream\n\n"
        seen = (hub.latest, hub.revoked)
        while True:
            events = await run_in_threadpool(_fetch, services, conversation_id=conversation_id, team=team, after=after)
            for e in events:
                after = e.id
                yield _format(e)
            if not follow or loop.time() > deadline:
                return
            if len(events) == 200:
                continue  # more backlog
            now = await hub.wait(seen, deadline - loop.time())
            if now[1] != seen[1] and not await run_in_threadpool(_live, services, token_id):
                yield "event: revoked\ndata: {}\n\n"  # the token was revoked: end the stream now
                return
            seen = now
    finally:
        hub.streams -= 1


def _start(services: Services, after: int | None, last_event_id: str | None) -> int:
    if after is not None:
        return after
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit() and len(last_event_id) <= 10:
        return min(int(last_event_id), MAX_ID)
    return 0


_Follow = Annotated[bool, Query(description="Keep the stream open for new events (false: send the backlog and end).")]
_Max = Annotated[float, Query(gt=0, le=3600, description="Close a followed stream after this many seconds.")]


@router.get("/conversations/{conversation_id}/events", response_class=StreamingResponse)
def conversation_events(
    conversation_id: str,
    actor: ActorDep,
    services: ServicesDep,
    s: ReadSessionDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    follow: _Follow = True,
    max_s: _Max = 600.0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """message, signals, guidance, timer.due, escalation, incident... for one conversation."""
    conv = visible_conversation(s, actor, conversation_id)
    s.close()
    gen = _stream(
        services,
        conversation_id=conv.id,
        team=None,
        after=_start(services, after, last_event_id),
        follow=follow,
        max_s=max_s,
        token_id=actor.token_id,
    )
    return StreamingResponse(gen, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/teams/{team}/events", response_class=StreamingResponse)
def team_events(
    team: str,
    actor: ActorDep,
    services: ServicesDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    follow: _Follow = True,
    max_s: _Max = 600.0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Everything in a team's queue (supervisors of that team and admins)."""
    require(actor, "supervisor", "admin")
    if actor.role == "supervisor" and actor.team != team:
        raise Forbidden("supervisors follow their own team's queue")
    gen = _stream(
        services,
        conversation_id=None,
        team=team,
        after=_start(services, after, last_event_id),
        follow=follow,
        max_s=max_s,
        token_id=actor.token_id,
    )
    return StreamingResponse(gen, media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


__all__ = ["router"]
