"""Request and response bodies (Create / Public per resource)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

#: the largest id an ``INTEGER`` column holds (PostgreSQL int4): bigger ids are rejected, never looked up
MAX_ID = 2**31 - 1
#: the longest follow-up delay accepted (a year)
MAX_FOLLOW_UP_S = 365 * 24 * 3600.0
#: the largest offset a listing accepts (bigger ones overflow the databases' 64-bit OFFSET)
MAX_OFFSET = 1_000_000
#: timestamps a client may send (message ``ts``, callback ``at``), in UTC
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: object) -> object:
    """Unicode stored safely: lone surrogates and NUL bytes (rejected by databases) become U+FFFD.

    Message text and drafts only (run before the string check, which would refuse a lone
    surrogate); their length limit is ``CALMLINE_MAX_TEXT_CHARS``, checked by the routes.
    """
    if not isinstance(value, str):
        return value
    return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))


def sane_time(value: datetime) -> datetime:
    """A client timestamp between 1970 and 2100 (UTC; naive means UTC), else a validation error."""
    try:
        utc = value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00:00+14:00 has no UTC equivalent
        raise ValueError("the time is out of range (1970-2100 UTC)") from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError("the time is out of range (1970-2100 UTC)")
    return value


def no_control(value: str) -> str:
    """Free text other than a message: control characters (but tab and newlines) and lone surrogates are refused."""
    if _CONTROL.search(value):
        raise ValueError("control characters (other than tab and newline) and lone surrogates are not allowed")
    return value


def has_words(value: str) -> str:
    """Message text that says something: whitespace alone is refused, as the CLI and the coach refuse it."""
    if not value.strip():
        raise ValueError("the text is empty or only whitespace")
    return value


Text = Annotated[str, Field(min_length=1), BeforeValidator(clean_text), AfterValidator(has_words)]
#: a timestamp sent by a client (see :func:`sane_time`)
Time = Annotated[datetime, AfterValidator(sane_time)]
Name = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^\x00-\x1f]+$"), AfterValidator(no_control)]
#: free-text fields: no control characters (see :func:`no_control`)
Key = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_control)]
Short = Annotated[str, Field(max_length=200), AfterValidator(no_control)]
Long = Annotated[str, Field(max_length=2000), AfterValidator(no_control)]
Reason = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(no_control)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConversationCreate(Strict):
    agent: Name | None = Field(None, description="The agent who owns it (default: the caller).")
    team: Name | None = Field(None, description="The team (default: the caller's).")
    channel: Literal["chat", "email"] = "chat"
    external_id: Key | None = None


class ConversationPublic(BaseModel):
    id: str
    external_id: str | None
    agent: str
    team: str
    channel: str
    status: str
    closed_reason: str | None
    risk: float
    trend: str
    case: str
    created_at: datetime
    updated_at: datetime


class MessageCreate(Strict):
    client_id: Key = Field(description="Your id for this message: a retry with the same id never duplicates it.")
    role: Literal["customer", "agent", "system"]
    text: Text
    author: Short | None = None
    ts: Time | None = None


class MessageResult(BaseModel):
    message: dict[str, Any]
    analysis: dict[str, Any] | None
    state: dict[str, Any]
    guidance: dict[str, Any] | None
    case: str
    conversation: dict[str, Any]
    incidents: list[dict[str, Any]]
    timers: list[dict[str, Any]]
    duplicate: bool = False


class CoachRequest(Strict):
    draft: Text


class EscalationCreate(Strict):
    reason: Long = ""
    to: Key = "supervisor"


class CallbackCreate(Strict):
    at: Time = Field(description="The agreed time (ISO 8601; naive means UTC; 1970-2100).")
    owner: Name = Field(description="Who calls back.")
    note: Long = ""


class ResolveRequest(Strict):
    resolution: Long = ""
    follow_up_in_s: float | None = Field(
        None, ge=0, le=MAX_FOLLOW_UP_S, description="Override the configured follow-up delay (at most a year)."
    )


class CloseRequest(Strict):
    reason: Reason


class TokenCreate(Strict):
    name: Name
    role: Literal["agent", "supervisor", "admin"]
    team: Name = "default"


class InboundMessage(Strict):
    conversation: Key = Field(description="The helpdesk's conversation id.")
    client_id: Key
    role: Literal["customer", "agent", "system"]
    text: Text
    agent: Name
    team: Name = "default"
    author: Short | None = None
    ts: Time | None = None
