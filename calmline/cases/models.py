"""SQLAlchemy 2 models: what the service remembers.

Times are stored as naive UTC (SQLite has no time zones) and read back as aware UTC.
The schema itself is owned by the Alembic migrations in ``calmline/cases/migrations``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from calmline.cases.redaction import redact, redact_data

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Case",
    "ConversationRow",
    "Delivery",
    "Escalation",
    "Event",
    "Incident",
    "MessageRow",
    "RedactedJSON",
    "RedactedText",
    "Reminder",
    "Timer",
    "case_number",
    "redact_on_write",
    "table",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def case_number(case_id: int) -> str:
    """The human-friendly ticket number of a case (``CL-000123``)."""
    return f"CL-{case_id:06d}"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, stored naive UTC, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


_REDACT = "calmline_redact"


def redact_on_write(engine: Engine) -> None:
    """Redact every free-text column (:class:`RedactedText`, :class:`RedactedJSON`) this engine writes."""
    setattr(engine.dialect, _REDACT, True)


class RedactedText(TypeDecorator[str]):
    """Free text that may hold personal data: redacted on the way in when the engine redacts.

    One place for every ORM and Core write (reasons, notes, resolutions, closing reasons...), so a
    new write path cannot forget it; the stored type is plain text.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return redact(value) if value and getattr(dialect, _REDACT, False) else value


class RedactedJSON(TypeDecorator[Any]):
    """JSON whose strings may hold personal data (event data, audit details, alert payloads)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return redact_data(value) if value and getattr(dialect, _REDACT, False) else value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str] = mapped_column(String(120), default="default")
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("uq_conversations_team_external", "team", "external_ref", unique=True),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: the helpdesk's id, unique per team (column ``external_ref``, migration 0005); with redaction
    #: on, an id that holds personal data is stored as a keyed hash (see ``redaction.external_ref``)
    external_id: Mapped[str | None] = mapped_column("external_ref", String(200), default=None)
    agent: Mapped[str] = mapped_column(String(120), index=True)
    team: Mapped[str] = mapped_column(String(120), index=True, default="default")
    channel: Mapped[str] = mapped_column(String(16), default="chat")
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    closed_reason: Mapped[str | None] = mapped_column(RedactedText, default=None)
    risk: Mapped[float] = mapped_column(Float, default=0.0)
    trend: Mapped[str] = mapped_column(String(16), default="steady")
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: the newest message whose analysis set ``state``/``risk``/``trend`` (older ones finishing late do not)
    last_analysed_message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: how many messages the conversation holds and the newest one's id: kept by a database
    #: trigger on every message insert (migration 0004), never written by the application
    message_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_message_id: Mapped[int | None] = mapped_column(Integer, default=None)


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "client_id", name="uq_messages_client"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(String(200), default=None)
    text: Mapped[str] = mapped_column(Text)
    ts: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    guidance: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    abuse_count: Mapped[int] = mapped_column(Integer, default=0)
    abuse_severity: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(RedactedText, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        return case_number(self.id)


class Escalation(Base):
    __tablename__ = "escalations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    team: Mapped[str] = mapped_column(String(120), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    to: Mapped[str] = mapped_column(RedactedText, default="supervisor")
    reason: Mapped[str] = mapped_column(RedactedText, default="")
    summary: Mapped[dict[str, Any]] = mapped_column(RedactedJSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(120))
    claimed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Timer(Base):
    """A reminder due at a time: ``follow_up``, ``still_here`` or ``callback``; fired exactly once."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    team: Mapped[str] = mapped_column(String(120), default="default")
    owner: Mapped[str | None] = mapped_column(String(120), default=None)
    note: Mapped[str] = mapped_column(RedactedText, default="")
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    fired_at: Mapped[datetime | None] = mapped_column(default=None)
    fired_by: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """The one reminder a fired timer produced (unique per timer: a second firing cannot commit)."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    timer_id: Mapped[int] = mapped_column(ForeignKey("timers.id"), unique=True)
    fired_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Incident(Base):
    """A boundary incident: abuse aimed at the agent moved the ladder."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    agent: Mapped[str] = mapped_column(String(120), index=True)
    team: Mapped[str] = mapped_column(String(120), default="default")
    rung: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(RedactedJSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """A live update, read by the SSE streams (works across processes and restarts)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    team: Mapped[str] = mapped_column(String(120), index=True, default="default")
    type: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(RedactedJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """An outbound webhook alert waiting to be sent, with retries and backoff."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(RedactedJSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(RedactedText, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def table(model: type[Base]) -> Table:
    """A model's Core table, for the hot paths that skip the ORM's unit of work."""
    return cast(Table, model.__table__)
