"""Disputes: an agent or supervisor says a signal or a score is wrong, with a reason.

Stored beside the cases (same declarative ``Base``, table ``disputes``, migration ``0002``),
listed for supervisors, and exported as JSONL so the detectors can be retrained on them.

    POST /conversations/{id}/disputes   anyone who can see the conversation
    GET  /disputes                      supervisors (their team) and admins
    GET  /disputes/export.jsonl         the same rows, one JSON object a line, with the message text
    POST /disputes/{id}/review          a supervisor accepts or rejects a dispute
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import AfterValidator, Field
from sqlalchemy import Float, ForeignKey, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from calmline.cases import store
from calmline.cases.models import Base, ConversationRow, MessageRow, RedactedJSON, RedactedText, utcnow
from calmline.service.deps import ActorDep, ReadSessionDep, SessionDep, require, visible_conversation
from calmline.service.errors import Conflict, NotFound, ServiceError
from calmline.service.responses import DisputeOut
from calmline.service.schemas import MAX_ID, Short, Strict, no_control
from calmline.service.schemas import Reason as ReasonText

__all__ = ["Dispute", "DisputeCreate", "DisputeReview", "router"]

Kind = Literal["signal", "frustration", "risk", "coach"]
Reason = Literal["wrong_label", "wrong_words", "score_too_high", "score_too_low", "missed", "other"]


class Dispute(Base):
    """One disagreement with a judgement: which message, which label or score, and why."""

    __tablename__ = "disputes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    team: Mapped[str] = mapped_column(String(120), index=True, default="default")
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(RedactedText, default=None)  # free text when reason_code is "missed"
    score: Mapped[float | None] = mapped_column(Float, default=None)
    evidence: Mapped[list[Any]] = mapped_column(RedactedJSON, default=list)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(RedactedText)
    expected: Mapped[str | None] = mapped_column(RedactedText, default=None)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    created_by: Mapped[str] = mapped_column(String(120))
    reviewed_by: Mapped[str | None] = mapped_column(String(120), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Label = Annotated[str, Field(max_length=120), AfterValidator(no_control)]


class DisputeCreate(Strict):
    message_id: int = Field(ge=1, le=MAX_ID, description="The message whose signal or score is disputed.")
    kind: Kind = "signal"
    label: Annotated[str, Field(max_length=120), AfterValidator(no_control)] | None = Field(
        None, description="The disputed signal's label."
    )
    score: float | None = Field(None, ge=0, le=100)
    reason_code: Reason = "other"
    reason: ReasonText
    expected: Short | None = Field(None, description="What it should have been (a label, or a score).")


class DisputeReview(Strict):
    status: Literal["accepted", "rejected"]


router = APIRouter(tags=["disputes"])


def public(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.id,
        "conversation_id": d.conversation_id,
        "message_id": d.message_id,
        "team": d.team,
        "kind": d.kind,
        "label": d.label,
        "score": d.score,
        "evidence": d.evidence,
        "reason_code": d.reason_code,
        "reason": d.reason,
        "expected": d.expected,
        "status": d.status,
        "created_by": d.created_by,
        "reviewed_by": d.reviewed_by,
        "created_at": d.created_at,
    }


def _signal(msg: MessageRow, label: str | None) -> dict[str, Any] | None:
    for sig in (msg.analysis or {}).get("signals", []):
        if sig.get("label") == label:
            return dict(sig)
    return None


@router.post("/conversations/{conversation_id}/disputes", status_code=201, response_model=DisputeOut)
def create_dispute(conversation_id: str, body: DisputeCreate, actor: ActorDep, s: SessionDep) -> dict[str, Any]:
    """Dispute a signal (or a frustration, risk or coach score) on one message, with a reason."""
    conv = visible_conversation(s, actor, conversation_id)
    msg = s.get(MessageRow, body.message_id)
    if msg is None or msg.conversation_id != conv.id:
        raise NotFound(f"no message {body.message_id} in conversation {conv.id}")
    evidence: list[Any] = []
    score = body.score
    if body.kind == "signal":
        if not body.label:
            raise ServiceError("say which signal you dispute: 'label' is required when kind is 'signal'")
        sig = _signal(msg, body.label)
        if sig is None and body.reason_code != "missed":
            found = [x.get("label") for x in (msg.analysis or {}).get("signals", [])]
            raise ServiceError(
                f"message {msg.id} has no signal {body.label!r} (it has: {', '.join(found) or 'none'});"
                " use reason_code 'missed' for a signal that should have been found"
            )
        if sig is not None:
            evidence, score = list(sig.get("evidence", [])), float(sig.get("score", 0.0))
    elif body.kind == "frustration" and score is None:
        score = (msg.analysis or {}).get("frustration")
    d = Dispute(
        conversation_id=conv.id,
        message_id=msg.id,
        team=conv.team,
        kind=body.kind,
        label=body.label,
        score=score,
        evidence=evidence,
        reason_code=body.reason_code,
        reason=body.reason,
        expected=body.expected,
        created_by=actor.name,
    )
    s.add(d)
    s.flush()
    store.audit(s, actor, "dispute.create", f"{conv.id}/dispute/{d.id}", {"kind": body.kind, "label": body.label})
    store.emit(
        s,
        "dispute",
        {"dispute_id": d.id, "kind": d.kind, "label": d.label, "by": actor.name},
        conversation_id=conv.id,
        team=conv.team,
    )
    s.commit()
    return public(d)


def _visible(s: Session, actor: store.Actor, status: str | None) -> list[Dispute]:
    require(actor, "supervisor", "admin")
    q = select(Dispute).order_by(Dispute.id.desc())
    if actor.role == "supervisor":
        q = q.where(Dispute.team == actor.team)
    if status:
        q = q.where(Dispute.status == status)
    return list(s.scalars(q).all())


_Status = Annotated[Literal["open", "accepted", "rejected"] | None, Query()]


@router.get("/disputes", response_model=list[DisputeOut])
def list_disputes(actor: ActorDep, s: ReadSessionDep, status: _Status = None) -> list[dict[str, Any]]:
    """Disputes of your team (supervisors) or all (admins), newest first."""
    return [public(d) for d in _visible(s, actor, status)]


def _training_row(d: Dispute, msg: MessageRow | None, conv: ConversationRow | None) -> dict[str, Any]:
    return {
        "dispute_id": d.id,
        "text": msg.text if msg else None,
        "role": msg.role if msg else None,
        "conversation_id": d.conversation_id,
        "message_id": d.message_id,
        "channel": conv.channel if conv else None,
        "kind": d.kind,
        "label": d.label,
        "predicted_score": d.score,
        "evidence": d.evidence,
        "reason_code": d.reason_code,
        "reason": d.reason,
        "expected": d.expected,
        "status": d.status,
        "created_by": d.created_by,
        "created_at": d.created_at.isoformat(),
    }


@router.get("/disputes/export.jsonl", response_class=StreamingResponse)
def export_disputes(actor: ActorDep, s: ReadSessionDep, status: _Status = None) -> StreamingResponse:
    """One JSON object a line: the message text, the disputed judgement and the reason (for retraining)."""
    rows = _visible(s, actor, status)
    msgs = {m.id: m for m in s.scalars(select(MessageRow).where(MessageRow.id.in_({d.message_id for d in rows})))}
    convs = {
        c.id: c
        for c in s.scalars(select(ConversationRow).where(ConversationRow.id.in_({d.conversation_id for d in rows})))
    }
    lines = [
        json.dumps(_training_row(d, msgs.get(d.message_id), convs.get(d.conversation_id)), ensure_ascii=False) + "\n"
        for d in rows
    ]

    def body() -> Iterator[str]:
        yield from lines

    return StreamingResponse(
        body(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="calmline-disputes.jsonl"'},
    )


@router.post("/disputes/{dispute_id}/review", response_model=DisputeOut)
def review_dispute(
    dispute_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: DisputeReview, actor: ActorDep, s: SessionDep
) -> dict[str, Any]:
    """A supervisor accepts (the judgement was wrong) or rejects (it stands) a dispute."""
    require(actor, "supervisor", "admin")
    d = s.get(Dispute, dispute_id)
    if d is None or (actor.role == "supervisor" and d.team != actor.team):
        raise NotFound(f"no dispute {dispute_id} visible to you")
    # Conditional update: of concurrent reviews exactly one wins; the others get 409.
    won = s.execute(
        update(Dispute)
        .where(Dispute.id == d.id, Dispute.status == "open")
        .values(status=body.status, reviewed_by=actor.name)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(won, "rowcount", 0)) != 1:
        s.rollback()
        s.refresh(d)
        raise Conflict(f"dispute {d.id} is already {d.status}")
    d.status, d.reviewed_by = body.status, actor.name
    store.audit(s, actor, "dispute.review", f"dispute/{d.id}", {"status": body.status})
    s.commit()
    return public(d)
