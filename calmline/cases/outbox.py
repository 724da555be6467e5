"""The alert outbox: send queued webhook alerts concurrently, retry them for a period, list and replay them.

Every alert is a :class:`~calmline.cases.models.Delivery` row. An attempt first *claims* its row with
one conditional ``UPDATE`` that pushes ``next_attempt_at`` out by a lease longer than the HTTP
timeout, so at most one attempt of a delivery runs at a time, across threads and processes. The
``Idempotency-Key`` (also the ``webhook-id``) is the same on every attempt: a receiver that got an
alert whose answer timed out drops the retry. A failed attempt is retried with exponential backoff
(capped) until ``retry_s`` after the alert was created; only then is it ``failed``, and an admin can
list it and replay it (``GET /admin/deliveries``, ``POST /admin/deliveries/{id}/replay``, or
``calmline alerts``).

Private notes to a helpdesk (Chatwoot, Zendesk) go through the same outbox: their rows have the
event ``note.<helpdesk>`` and a payload naming the helpdesk conversation and the text, and are sent
by the :data:`NoteBuilder` the app configured for that helpdesk (its URL and credentials come from
the settings at send time, never from the database), with the same claim, backoff, retry period,
``Idempotency-Key`` and admin replay as the alerts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from calmline.cases.models import Delivery, utcnow
from calmline.integrations.base import NoteRequest
from calmline.integrations.signing import sign_headers
from calmline.service import metrics

__all__ = [
    "NOTE_PREFIX",
    "STATUSES",
    "NoteBuilder",
    "Poster",
    "deliver_due",
    "describe",
    "http_post",
    "list_deliveries",
    "replay",
]

log = logging.getLogger("calmline.scheduler")
Poster = Callable[[str, bytes, dict[str, str]], int]
STATUSES = ("pending", "sent", "failed")
#: the event of a helpdesk note's delivery is ``note.<helpdesk>``
NOTE_PREFIX = "note."
#: builds the HTTP request of a note from its delivery payload (``None``: this helpdesk is not configured)
NoteBuilder = Callable[[dict[str, Any]], NoteRequest | None]


def http_post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0, method: str = "POST") -> int:
    import httpx

    return httpx.request(method, url, content=body, headers=headers, timeout=timeout).status_code


def _request(
    row: Delivery,
    did: int,
    key: str,
    *,
    url: str | None,
    secret: str | None,
    notes: Mapping[str, NoteBuilder],
    legacy: bool,
) -> tuple[str, str, bytes, dict[str, str]] | None:
    """``(method, url, body, headers)`` of one attempt; ``None`` when its destination is not configured any more."""
    if row.event.startswith(NOTE_PREFIX):
        build = notes.get(row.event.removeprefix(NOTE_PREFIX))
        req = build(dict(row.payload)) if build else None
        if req is None:
            return None
        headers = {**req.headers, "Idempotency-Key": key, "X-Calmline-Delivery": str(did)}
        return req.method, req.url, req.body, headers
    if not url:
        return None
    body = json.dumps({"id": did, **row.payload}, default=str).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Calmline-Event": row.event,
        "X-Calmline-Delivery": str(did),
        "Idempotency-Key": key,
    }
    if secret:
        headers.update(sign_headers(secret, key, body, legacy=legacy))
    return "POST", url, body, headers


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)  # SQLite hands datetimes back naive


def _claim(factory: sessionmaker[Session], did: int, now: datetime, lease_s: float) -> Delivery | None:
    """Take the delivery for one attempt, or ``None`` if it is not due or someone else holds it."""
    with factory() as s, s.begin():
        claimed = s.execute(
            update(Delivery)
            .where(Delivery.id == did, Delivery.status == "pending", Delivery.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(seconds=lease_s), attempts=Delivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(claimed, "rowcount", 0)) != 1:
            return None
        row = s.get(Delivery, did)
        if row is not None:
            s.expunge(row)
        return row


def _attempt(
    factory: sessionmaker[Session],
    did: int,
    *,
    url: str | None,
    secret: str | None,
    post: Poster,
    notes: Mapping[str, NoteBuilder],
    send: Callable[[str, str, bytes, dict[str, str]], int],
    now: datetime,
    lease_s: float,
    backoff_s: float,
    max_backoff_s: float,
    retry_s: float,
    max_attempts: int | None,
    legacy_signature: bool,
) -> bool:
    row = _claim(factory, did, now, lease_s)
    if row is None:
        return False
    key = f"calmline-delivery-{did}"  # the same on every attempt: receivers drop repeats by it
    error: str | None = None
    try:
        request = _request(row, did, key, url=url, secret=secret, notes=notes, legacy=legacy_signature)
        if request is None:
            raise LookupError(f"nothing configured to send {row.event!r}")
        method, target, body, headers = request
        status = post(target, body, headers) if method == "POST" else send(method, target, body, headers)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except Exception as exc:  # network errors and timeouts are retried, under the same key
        error = f"{type(exc).__name__}: {exc}"
    attempts = row.attempts
    with factory() as s, s.begin():
        if error is None:
            s.execute(update(Delivery).where(Delivery.id == did).values(status="sent", last_error=None))
            outcome = "sent"
        else:
            deadline = _aware(row.created_at) + timedelta(seconds=retry_s)
            delay = min(backoff_s * 2 ** (attempts - 1), max_backoff_s)
            retry_at = min(now + timedelta(seconds=delay), deadline)
            gave_up = now >= deadline or (max_attempts is not None and attempts >= max_attempts)
            outcome = "failed" if gave_up else "retry"
            s.execute(  # not if a later attempt took the row after this one's lease ran out
                update(Delivery)
                .where(Delivery.id == did, Delivery.status == "pending", Delivery.attempts == attempts)
                .values(status="failed" if gave_up else "pending", last_error=error, next_attempt_at=retry_at)
            )
            log.warning(
                "alert %d attempt %d failed: %s",
                did,
                attempts,
                error,
                extra={"event": "webhook_failed", "delivery": did, "gave_up": gave_up},
            )
    metrics.WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()
    return error is None


def deliver_due(
    factory: sessionmaker[Session],
    *,
    url: str | None,
    secret: str | None = None,
    post: Poster = http_post,
    now: datetime | None = None,
    max_attempts: int | None = None,
    backoff_s: float = 2.0,
    max_backoff_s: float = 3600.0,
    retry_s: float = 24 * 3600.0,
    lease_s: float = 60.0,
    concurrency: int = 1,
    limit: int = 20,
    legacy_signature: bool = True,
    notes: Mapping[str, NoteBuilder] | None = None,
    send: Callable[[str, str, bytes, dict[str, str]], int] | None = None,
) -> list[int]:
    """Send the alerts due at ``now``, ``concurrency`` at a time; returns the ids sent.

    Alerts go to ``url`` (none without it); helpdesk notes (``note.<name>``) only for the helpdesks
    in ``notes``, POSTed by ``post`` or sent with another method (PUT) by ``send``.

    A failure retries after ``backoff_s`` doubling per attempt (at most ``max_backoff_s``) until
    ``retry_s`` after the alert was created (or ``max_attempts``, when given); then it is ``failed``.
    ``lease_s`` must outlast ``post``'s timeout: it is how long a claimed attempt keeps others off.
    """
    notes = dict(notes or {})
    kinds = [Delivery.event == NOTE_PREFIX + name for name in notes]
    if url:
        kinds.append(~Delivery.event.startswith(NOTE_PREFIX, autoescape=True))
    if not kinds:
        return []
    now = now or utcnow()

    def other(method: str, target: str, body: bytes, headers: dict[str, str]) -> int:
        return http_post(target, body, headers, method=method)

    with factory() as s:
        ids = list(
            s.scalars(
                select(Delivery.id)
                .where(Delivery.status == "pending", Delivery.next_attempt_at <= now, or_(*kinds))
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            ).all()
        )

    def one(did: int) -> bool:
        return _attempt(
            factory,
            did,
            url=url,
            secret=secret,
            post=post,
            notes=notes,
            send=send or other,
            now=now,
            lease_s=lease_s,
            backoff_s=backoff_s,
            max_backoff_s=max_backoff_s,
            retry_s=retry_s,
            max_attempts=max_attempts,
            legacy_signature=legacy_signature,
        )

    if concurrency <= 1 or len(ids) <= 1:
        done = [one(did) for did in ids]
    else:  # each task claims its row just before its attempt, so the lease starts with the attempt
        with ThreadPoolExecutor(min(concurrency, len(ids)), thread_name_prefix="calmline-alert") as pool:
            done = list(pool.map(one, ids))
    return [did for did, ok in zip(ids, done, strict=True) if ok]


def describe(d: Delivery) -> dict[str, Any]:
    """A delivery as the admin API and the CLI show it."""
    return {
        "id": d.id,
        "event": d.event,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": _aware(d.next_attempt_at),
        "last_error": d.last_error,
        "created_at": _aware(d.created_at),
        "payload": d.payload,
    }


def list_deliveries(s: Session, *, status: str | None = None, limit: int = 100, offset: int = 0) -> list[Delivery]:
    """Deliveries, newest first, optionally of one status."""
    q = select(Delivery).order_by(Delivery.id.desc()).limit(limit).offset(offset)
    if status is not None:
        q = q.where(Delivery.status == status)
    return list(s.scalars(q).all())


def replay(s: Session, delivery_id: int, now: datetime | None = None) -> tuple[Delivery, str] | None:
    """Make a delivery pending and due now (the caller commits); ``(row, previous status)``, or ``None`` if unknown.

    The retry period still counts from its creation, so a replay of an old alert is one more
    attempt: if the receiver still fails, it is ``failed`` again, with the new error.
    """
    row = s.get(Delivery, delivery_id)
    if row is None:
        return None
    before = row.status
    row.status, row.next_attempt_at = "pending", now or utcnow()
    return row, before
