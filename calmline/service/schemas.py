"""Request and response bodies (Create / Public per resource)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_TEXT = 20_000


def clean_text(value: str) -> str:
    """Unicode stored safely: lone surrogates and NUL bytes (rejected by databases) are replaced."""
    value = value.replace("\x00", "\ufffd")
    return value.encode("utf-8", "replace").decode("utf-8")


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(clean_text)]
Name = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^\x00-\x1f]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConversationCreate(Strict):
    agent: Name | None = Field(None, description="The agent who owns it (default: the caller).")
    team: Name | None = Field(None, description="The team (default: the caller's).")
    channel: Literal["chat", "email"] = "chat"
    external_id: Annotated[str, Field(max_length=200)] | None = None


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
    client_id: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="Your id for this message: a retry with the same id never duplicates it."
    )
    role: Literal["customer", "agent", "system"]
    text: Text
    author: Annotated[str, Field(max_length=200)] | None = None
    ts: datetime | None = None


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
    reason: Annotated[str, Field(max_length=2000)] = ""
    to: Annotated[str, Field(max_length=200)] = "supervisor"


class CallbackCreate(Strict):
    at: datetime = Field(description="The agreed time (ISO 8601; naive means UTC).")
    owner: Name = Field(description="Who calls back.")
    note: Annotated[str, Field(max_length=2000)] = ""


class ResolveRequest(Strict):
    resolution: Annotated[str, Field(max_length=2000)] = ""
    follow_up_in_s: float | None = Field(None, ge=0, description="Override the configured follow-up delay.")


class CloseRequest(Strict):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class TokenCreate(Strict):
    name: Name
    role: Literal["agent", "supervisor", "admin"]
    team: Name = "default"


class InboundMessage(Strict):
    conversation: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The helpdesk's conversation id."
    )
    client_id: Annotated[str, Field(min_length=1, max_length=200)]
    role: Literal["customer", "agent", "system"]
    text: Text
    agent: Name
    team: Name = "default"
    author: Annotated[str, Field(max_length=200)] | None = None
    ts: datetime | None = None
