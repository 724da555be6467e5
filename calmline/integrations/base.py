"""The helpdesk adapter interface: verify a delivery, parse it into normalised events, post notes back.

An adapter knows one helpdesk's wire format and nothing of Calmline's store: the route turns its
:class:`InboundEvent` into the same ``post_message`` pipeline the generic inbound webhook uses, and
its :meth:`Adapter.note_request` into an HTTP request sent by :class:`NoteSender` off the request thread.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from calmline.integrations.signing import SignatureError

__all__ = ["Adapter", "InboundEvent", "NoteRequest", "NoteSender", "Ref", "SignatureError"]

log = logging.getLogger("calmline.integrations")


@dataclass(frozen=True, slots=True)
class Ref:
    """Where a conversation lives in the helpdesk: integration, account and the helpdesk's conversation id."""

    integration: str
    account: str
    conversation: str

    @property
    def external_id(self) -> str:
        """The key stored on Calmline's conversation (unique per integration and account)."""
        return f"{self.integration}:{self.account}:{self.conversation}"


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One delivery, normalised.

    ``kind``: ``message`` (store and analyse ``text`` as ``role``), ``conversation`` (follow the
    ``agent``/``team``/``status`` that are set) or ``ignored`` (``reason`` says why).
    """

    kind: Literal["message", "conversation", "ignored"]
    event: str
    reason: str = ""
    ref: Ref | None = None
    message_id: str = ""
    role: Literal["customer", "agent"] = "customer"
    text: str = ""
    author: str | None = None
    ts: float | None = None
    agent: str | None = None
    team: str | None = None
    status: str | None = None
    changed: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class NoteRequest:
    url: str
    headers: dict[str, str]
    body: bytes


class Adapter(Protocol):
    """What a helpdesk integration provides."""

    name: str

    def verify(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
        """Raise :class:`SignatureError` (``missing`` set when unsigned) unless the delivery is authentic and fresh."""

    def parse(self, payload: Any) -> InboundEvent:
        """The normalised event; ``ValueError`` for a payload of a known event that is malformed."""

    def note_request(self, ref: Ref, text: str) -> NoteRequest | None:
        """The request that posts ``text`` as a private note, or ``None`` when outbound is not configured."""


Post = Callable[[NoteRequest], int]


def http_post(req: NoteRequest, timeout: float = 10.0) -> int:
    """POST ``req``; the HTTP status (network errors raise ``OSError``)."""
    r = urllib.request.Request(req.url, data=req.body, headers=req.headers, method="POST")
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


class NoteSender:
    """Sends notes on a small pool of threads, never on the request's: a helpdesk outage never fails an inbound
    delivery. Each note is tried ``attempts`` times with doubling backoff, then dropped with an error log.
    4xx other than 408/429 is not retried (the request itself is wrong)."""

    def __init__(self, post: Post = http_post, *, attempts: int = 3, backoff_s: float = 1.0, threads: int = 2) -> None:
        self.post, self.attempts, self.backoff_s, self.threads = post, attempts, backoff_s, threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="calmline-notes")
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0

    def submit(self, req: NoteRequest) -> None:
        self._pool.submit(self._send, req)

    def _send(self, req: NoteRequest) -> None:
        delay = self.backoff_s
        for attempt in range(1, self.attempts + 1):
            try:
                status = self.post(req)
            except Exception as exc:
                status, why = 0, repr(exc)
            else:
                why = f"HTTP {status}"
            if 200 <= status < 300:
                with self._lock:
                    self.sent += 1
                return
            if 400 <= status < 500 and status not in (408, 429):
                break
            if attempt < self.attempts:
                log.warning("note to %s failed (%s), attempt %d; retrying", req.url, why, attempt)
                time.sleep(delay)
                delay *= 2
        with self._lock:
            self.failed += 1
        log.error("note to %s dropped after %d attempt(s): %s", req.url, attempt, why)

    def flush(self) -> None:
        """Wait for every submitted note (tests, shutdown)."""
        self._pool.shutdown(wait=True)
        self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="calmline-notes")


def json_body(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()
