"""The store: every write the service makes, each inside the caller's session.

Functions take a :class:`~sqlalchemy.orm.Session` and an :class:`Actor`; the caller owns
the transaction, so a mutation, its audit entry and its events commit together.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from calmline.cases.models import (
    ApiToken,
    AuditEntry,
    Case,
    ConversationRow,
    Delivery,
    Event,
    MessageRow,
    Timer,
    table,
    utcnow,
)

__all__ = [
    "ALERT_EVENTS",
    "ROLES",
    "Actor",
    "DuplicateName",
    "add_message",
    "audit",
    "create_conversation",
    "create_token",
    "emit",
    "emit_many",
    "hash_secret",
    "message_public",
    "schedule_timer",
    "verify_token",
]

ROLES = ("agent", "supervisor", "admin")
#: Events that become outbound webhook alerts when alerts are configured.
ALERT_EVENTS = frozenset({"escalation", "boundary.end", "follow_up.due"})
TOKEN_PREFIX = "cl"
#: the longest token id (the ``api_tokens.id`` column)
TOKEN_ID_MAX = 16


# Statements on the per-message path, built once (values are parameters, so they compile once).
_INSERT_AUDIT = insert(table(AuditEntry))
_INSERT_EVENT = insert(table(Event))
_TIMERS = table(Timer)
_CANCEL_TIMERS = (
    update(_TIMERS)
    .where(
        _TIMERS.c.conversation_id == bindparam("conversation"),
        _TIMERS.c.kind == bindparam("timer_kind"),
        _TIMERS.c.status == "pending",
    )
    .values(status="cancelled")
)


class DuplicateName(ValueError):
    """A live token with this name already exists in this team (names identify people within a team)."""


class Owned(Protocol):
    """What access checks read of a conversation (an ORM row or a Core ``Row``)."""

    @property
    def agent(self) -> str: ...
    @property
    def team(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a token's name, role and team (``system`` for the scheduler)."""

    name: str
    role: str
    team: str = "default"
    token_id: str | None = None

    def can_see(self, conv: Owned) -> bool:
        """Agents see their own conversations (name and team), supervisors their team's, admins all."""
        if self.role == "admin":
            return True
        if self.role == "supervisor":
            return conv.team == self.team
        return conv.agent == self.name and conv.team == self.team


SYSTEM = Actor("system", "admin", "default")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    s: Session, *, name: str, role: str, team: str = "default", unique: bool = False
) -> tuple[ApiToken, str]:
    """A new token; returns the row and the full token string, shown once and stored only hashed.

    ``unique``: refuse (:class:`DuplicateName`) if the team already has a live token of that name
    (the API does: a name identifies one person in a team; the demo re-seeding its own people does not).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    taken = (
        None
        if not unique
        else s.scalar(
            select(ApiToken.id)
            .where(ApiToken.name == name, ApiToken.team == team, ApiToken.revoked_at.is_(None))
            .limit(1)
        )
    )
    if taken is not None:
        raise DuplicateName(f"team {team!r} already has a live token named {name!r} (id {taken}); revoke it first")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = ApiToken(id=token_id, name=name, role=role, team=team, secret_hash=hash_secret(secret))
    s.add(row)
    return row, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def verify_token(s: Session, raw: str) -> ApiToken | None:
    """The live token matching ``raw`` (``cl_<id>_<secret>``), or ``None``; constant-time compare."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    if not (parts[1].isascii() and parts[1].isprintable()) or len(parts[1]) > TOKEN_ID_MAX:
        return None  # never looked up (PostgreSQL refuses a NUL byte in a parameter)
    row = s.get(ApiToken, parts[1])
    if row is None or row.revoked_at is not None:
        return None
    return row if hmac.compare_digest(row.secret_hash, hash_secret(parts[2])) else None


def connection_of(s: Session | Connection) -> Connection:
    """The connection to run Core statements on (a session's, in its transaction)."""
    return s if isinstance(s, Connection) else s.connection()


def audit(
    s: Session | Connection, actor: Actor, action: str, target: str, detail: dict[str, Any] | None = None
) -> None:
    """Record a mutation: who, when, what (written at once, on the session's connection)."""
    connection_of(s).execute(
        _INSERT_AUDIT,
        {"actor": actor.name, "role": actor.role, "action": action, "target": target, "detail": detail or {}},
    )


def emit(
    s: Session, type: str, data: dict[str, Any], *, conversation_id: str | None, team: str, alerts: bool = False
) -> None:
    """Publish a live update (read by the SSE streams); alert events also queue a webhook when ``alerts``."""
    s.add(Event(type=type, data=data, conversation_id=conversation_id, team=team))
    if alerts and type in ALERT_EVENTS:
        payload = {"event": type, "conversation_id": conversation_id, "team": team, **data}
        if conversation_id is not None:  # the helpdesk's own id too (e.g. chatwoot:{account}:{conversation})
            ext = s.scalar(select(ConversationRow.external_id).where(ConversationRow.id == conversation_id))
            payload.setdefault("external_id", ext)
        s.add(Delivery(event=type, payload=payload))


def emit_many(
    s: Session | Connection, events: Sequence[tuple[str, dict[str, Any]]], *, conversation_id: str | None, team: str
) -> None:
    """Publish several live updates of one conversation in one statement (no alerts: use :func:`emit`)."""
    if events:
        connection_of(s).execute(
            _INSERT_EVENT,
            [{"type": t, "data": d, "conversation_id": conversation_id, "team": team} for t, d in events],
        )


def create_conversation(
    s: Session, actor: Actor, *, agent: str, team: str, channel: str = "chat", external_id: str | None = None
) -> tuple[ConversationRow, Case]:
    """A conversation and its case (the case number is the customer's reference)."""
    conv = ConversationRow(id=uuid.uuid4().hex[:16], agent=agent, team=team, channel=channel, external_id=external_id)
    s.add(conv)
    s.flush()
    case = Case(conversation_id=conv.id)
    s.add(case)
    s.flush()
    audit(s, actor, "conversation.create", conv.id, {"agent": agent, "team": team, "case": case.number})
    return conv, case


def case_of(s: Session, conversation_id: str) -> Case:
    case = s.scalar(select(Case).where(Case.conversation_id == conversation_id))
    if case is None:  # pragma: no cover - every conversation gets one
        raise LookupError(conversation_id)
    return case


def message_public(m: MessageRow, *, full: bool = False) -> dict[str, Any]:
    """A message as the API shows it; ``full`` adds its stored analysis and guidance."""
    out: dict[str, Any] = {
        "id": m.id,
        "client_id": m.client_id,
        "role": m.role,
        "author": m.author,
        "text": m.text,
        "ts": m.ts,
        "status": m.status,
    }
    if full:
        out["analysis"], out["guidance"] = m.analysis, m.guidance
    return out


def find_message(s: Session, conversation_id: str, client_id: str) -> MessageRow | None:
    return s.scalar(
        select(MessageRow).where(MessageRow.conversation_id == conversation_id, MessageRow.client_id == client_id)
    )


def add_message(
    s: Session,
    actor: Actor,
    conv: ConversationRow,
    *,
    client_id: str,
    role: str,
    text: str,
    author: str | None = None,
    ts: datetime | None = None,
) -> MessageRow:
    """Store a message as ``pending`` (the caller commits before analysing: nothing acknowledged is lost)."""
    msg = MessageRow(
        conversation_id=conv.id, client_id=client_id, role=role, text=text, author=author, ts=ts or utcnow()
    )
    s.add(msg)
    s.flush()
    audit(s, actor, "message.create", f"{conv.id}/{msg.id}", {"client_id": client_id, "role": role})
    return msg


def schedule_timer(
    s: Session,
    conv: ConversationRow,
    *,
    kind: str,
    due_at: datetime,
    owner: str | None = None,
    note: str = "",
) -> Timer:
    timer = Timer(kind=kind, conversation_id=conv.id, team=conv.team, owner=owner, note=note, due_at=due_at)
    s.add(timer)
    s.flush()
    return timer


def cancel_timers(s: Session | Connection, conversation_id: str, kind: str) -> int:
    """Cancel the pending timers of ``kind`` (e.g. a still-here timer once the agent writes again)."""
    result = connection_of(s).execute(_CANCEL_TIMERS, {"conversation": conversation_id, "timer_kind": kind})
    return int(getattr(result, "rowcount", 0) or 0)


def wellbeing(s: Session, agent: str, *, team: str, since: datetime, severe_from: float = 2.0) -> dict[str, Any]:
    """Abuse an agent (of ``team``) received since ``since``: counts and severity, framed as care.

    ``severe_messages`` counts those at or above ``severe_from`` (the care policy's double weight).
    """
    q = (
        select(
            func.count(MessageRow.id),
            func.coalesce(func.sum(MessageRow.abuse_severity), 0.0),
            func.coalesce(func.max(MessageRow.abuse_severity), 0.0),
            func.count(MessageRow.id).filter(MessageRow.abuse_severity >= severe_from),
        )
        .join(ConversationRow, ConversationRow.id == MessageRow.conversation_id)
        .where(
            ConversationRow.agent == agent,
            ConversationRow.team == team,
            MessageRow.abuse_count > 0,
            MessageRow.created_at >= since,
        )
    )
    count, total, peak, severe = s.execute(q).one()
    return {
        "agent": agent,
        "team": team,
        "since": since,
        "abusive_messages": int(count),
        "severity_total": round(float(total), 3),
        "severity_peak": round(float(peak), 3),
        "severe_messages": int(severe or 0),
    }


def shift_start(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)
