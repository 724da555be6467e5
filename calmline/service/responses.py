"""Response bodies: one pydantic model per answer, so ``/openapi.json`` documents the real JSON.

The routes still build plain dicts; FastAPI validates them into these models and serialises
them. Every model allows extra keys (``extra="allow"``) so a field added to a route and not yet
documented here is never silently dropped from an answer; ``tests/service/test_openapi.py`` fails
when an operation has no model, and checks that the main answers carry exactly the documented keys.
The practice simulator's models are in :mod:`calmline.service.responses_practice`.
Nested analysis, guidance and report structures are described in docs/formats.md and
docs/service.md and typed here as JSON objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from calmline.service.schemas import ConversationPublic, MessageResult

__all__ = [
    "AccommodationOut",
    "AuditOut",
    "CallbackOut",
    "CaseOut",
    "ClosedOut",
    "CoachOut",
    "ConsistencyGroupOut",
    "ConversationDetail",
    "DeliveryOut",
    "DisputeOut",
    "EscalationOut",
    "HelpdeskEventOut",
    "HelpdeskMessageOut",
    "IncidentOut",
    "InsightsOut",
    "MessageOut",
    "Out",
    "QueueOut",
    "ResolvedOut",
    "RevokedOut",
    "TimerOut",
    "TokenCreatedOut",
    "TokenOut",
    "WellbeingOut",
]

Json = dict[str, Any]


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class MessageOut(Out):
    id: int
    client_id: str = Field(description="The client's id for the message (retries with it never duplicate).")
    role: str = Field(description="customer, agent or system.")
    author: str | None
    text: str
    ts: datetime
    status: str = Field(description="analysed, or pending (the scheduler analyses it later).")
    analysis: Json | None = Field(None, description="Listings only: the turn's stored analysis.")
    guidance: Json | None = Field(None, description="Listings only: the guidance stored with it.")


class ConversationDetail(ConversationPublic, Out):
    """A conversation (the fields of :class:`ConversationPublic`) with its messages and analysis."""

    messages: list[MessageOut]
    analysis: Json | None = Field(description="The whole conversation's analysis (docs/formats.md); None if empty.")
    guidance: Json | None = Field(description="The latest guidance given, if any.")


class ClosedOut(Out):
    id: str
    status: str
    closed_reason: str | None


class CoachOut(Out):
    labels: list[Json] = Field(description="What the draft does: label, score and evidence spans.")
    score: int = Field(description="0-100 under the rubric for this moment.")
    missing: list[Json] = Field(description="Expected moves the draft lacks: move and why.")
    suggestion: str = Field(description="An improved draft (the case number filled in).")
    unfilled: list[Json] = Field(description="Placeholders left in the draft; they earn no credit.")
    case: str


class TimerOut(Out):
    id: int
    kind: str = Field(description="still_here, follow_up or callback.")
    conversation_id: str
    owner: str | None
    note: str
    due_at: datetime
    status: str = Field(description="pending, fired or cancelled.")
    fired_at: datetime | None


class CallbackOut(TimerOut):
    pass


class CaseOut(Out):
    case: str = Field(description="The ticket number, CL-000123.")
    status: str
    resolution: str | None
    resolved_at: datetime | None
    conversation_id: str
    agent: str
    timers: list[TimerOut]


class ResolvedOut(Out):
    case: str
    status: str
    follow_up: TimerOut = Field(description="The follow-up that checks the fix held.")


class EscalationOut(Out):
    id: int
    conversation_id: str
    team: str
    status: str = Field(description="open, claimed or done.")
    to: str
    reason: str
    summary: Json = Field(description="The hand-off summary: issue, promises, what was tried, the feeling.")
    created_by: str
    claimed_by: str | None
    created_at: datetime


class AtRiskOut(Out):
    id: str
    agent: str
    risk: float
    trend: str
    status: str


class QueueOut(Out):
    team: str
    escalations: list[EscalationOut]
    timers: list[TimerOut]
    at_risk: list[AtRiskOut] = Field(description="The 20 riskiest open or escalated conversations.")


class BreakPolicyOut(Out):
    break_after: int
    window_minutes: float
    counts_double_from: float
    in_window: int


class WellbeingOut(Out):
    agent: str
    team: str
    since: datetime
    abusive_messages: int
    severity_total: float
    severity_peak: float
    severe_messages: int
    break_policy: BreakPolicyOut
    suggest_break: bool
    note: str = Field(description="A care note for the agent, never a score.")


class IncidentOut(Out):
    id: int
    message_id: int
    rung: int = Field(description="The boundary-ladder rung reached.")
    reason: str
    evidence: list[Any]
    created_at: datetime


class TokenCreatedOut(Out):
    id: str
    name: str
    role: str
    team: str
    token: str = Field(description="The secret: shown this once, stored only hashed.")


class TokenOut(Out):
    id: str
    name: str
    role: str
    team: str
    created_at: datetime
    revoked_at: datetime | None


class RevokedOut(Out):
    id: str
    revoked_at: datetime


class AuditOut(Out):
    id: int
    actor: str
    role: str
    action: str
    target: str
    detail: Json
    at: datetime


class DeliveryOut(Out):
    id: int
    event: str = Field(description="The alert's event, or note.<helpdesk> for a private note to a helpdesk.")
    status: str = Field(description="pending, sent or failed.")
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    payload: Json


class AccommodationOut(Out):
    id: int
    conversation_id: str
    team: str
    agent: str
    kind: str
    amount: float | None
    currency: str | None
    reason: str
    approved_by: str | None
    status: str = Field(description="recorded, or suggested (from the agent's own words).")
    topic: str | None
    frustration: float | None
    customer_value: float | None
    created_by: str
    created_at: str = Field(description="ISO 8601.")


class ConsistencyGroupOut(Out):
    topic: str
    frustration: str = Field(description="The frustration band of the situation.")
    count: int
    median_amount: float | None
    by_agent: dict[str, float]
    items: list[Json] = Field(description="Each accommodation, with ``outlier`` saying why it stands out (or None).")


class InsightsOut(Out):
    scope: Json = Field(description='{"agent": name} for an agent, {"team": team or None} otherwise.')
    recognition: list[Json]
    wellbeing: list[Json]


class DisputeOut(Out):
    id: int
    conversation_id: str
    message_id: int
    team: str
    kind: str
    label: str | None
    score: float | None
    evidence: list[Any]
    reason_code: str
    reason: str
    expected: str | None
    status: str
    created_by: str
    reviewed_by: str | None
    created_at: datetime


class HelpdeskMessageOut(MessageResult):
    """A helpdesk message's result: the same as POST /conversations/{id}/messages, plus ``edited``."""

    model_config = ConfigDict(extra="allow")
    edited: bool | None = Field(None, description="An edit (message_updated): True when the text changed.")


class HelpdeskEventOut(Out):
    """A helpdesk delivery that was ignored, or a conversation event followed (messages answer MessageResult)."""

    event: str
    ignored: str | None = Field(None, description="Why the delivery was ignored.")
    conversation: str | None = None
    team: str | None = None
    changed: dict[str, str] | None = None
    chatwoot_status: str | None = Field(None, description="The status the helpdesk reported.")
    status: str | None = Field(None, description="The Calmline conversation's status after the event.")
