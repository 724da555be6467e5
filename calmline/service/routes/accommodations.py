"""Accommodations through the API: record, list, suggest from the agent's words, and the consistency report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import select

from calmline.cases.accommodations import Accommodation, consistency, suggest_from_agent_text
from calmline.cases.models import MessageRow
from calmline.service.deps import ActorDep, ReadSessionDep, SessionDep, require, visible_conversation
from calmline.service.errors import Unprocessable
from calmline.service.responses import AccommodationOut, ConsistencyGroupOut
from calmline.service.schemas import MAX_ID, Name, Reason, Strict

router = APIRouter(tags=["accommodations"])


class AccommodationCreate(Strict):
    kind: Literal["refund", "credit", "waived_fee", "exception"]
    amount: float | None = Field(None, ge=0, le=10_000_000)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    reason: Reason
    approved_by: Name | None = Field(None, description="Who approved it (default: the caller if a supervisor).")
    topic: str | None = Field(None, min_length=1, max_length=200)
    customer_value: float | None = Field(None, ge=0, le=1e12)
    suggestion_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Confirms this suggestion (same conversation) instead of adding a row."
    )


def _public(a: Accommodation) -> dict[str, Any]:
    return {
        "id": a.id,
        "conversation_id": a.conversation_id,
        "team": a.team,
        "agent": a.agent,
        "kind": a.kind,
        "amount": a.amount,
        "currency": a.currency,
        "reason": a.reason,
        "approved_by": a.approved_by,
        "status": a.status,
        "topic": a.topic,
        "frustration": a.frustration,
        "customer_value": a.customer_value,
        "created_by": a.created_by,
        "created_at": a.created_at.isoformat(),
    }


@router.post("/conversations/{conversation_id}/accommodations", status_code=201, response_model=AccommodationOut)
def create_accommodation(
    conversation_id: str, body: AccommodationCreate, actor: ActorDep, s: SessionDep
) -> dict[str, Any]:
    """Record an accommodation with its amount, reason and approver."""
    conv = visible_conversation(s, actor, conversation_id)
    if body.amount is not None and body.currency is None:
        raise Unprocessable("an amount needs its currency (ISO code such as GBP)")
    approver = body.approved_by or (actor.name if actor.role in ("supervisor", "admin") else None)
    values: dict[str, Any] = {
        "kind": body.kind,
        "amount": body.amount,
        "currency": body.currency,
        "reason": body.reason,
        "approved_by": approver,
        "status": "recorded",
        "topic": body.topic,
        "frustration": float((conv.state or {}).get("frustration_peak", 0.0)),
        "customer_value": body.customer_value,
        "created_by": actor.name,
    }
    if body.suggestion_id is not None:
        # confirming a suggestion turns it into the record, so it is neither counted twice nor left pending
        row = s.get(Accommodation, body.suggestion_id)
        if row is None or row.conversation_id != conv.id or row.status != "suggested":
            raise Unprocessable("suggestion_id is not a pending suggestion on this conversation")
        for k, v in values.items():
            setattr(row, k, v)
    else:
        row = Accommodation(conversation_id=conv.id, team=conv.team, agent=conv.agent, **values)
        s.add(row)
    s.commit()
    return _public(row)


@router.post("/conversations/{conversation_id}/accommodations/suggest", response_model=list[AccommodationOut])
def suggest_accommodations(conversation_id: str, actor: ActorDep, s: SessionDep) -> list[dict[str, Any]]:
    """Suggestions from what the agent wrote ("I've refunded £20"); each is recorded once, as a suggestion."""
    conv = visible_conversation(s, actor, conversation_id)
    seen = {
        (a.kind, a.reason)
        for a in s.scalars(select(Accommodation).where(Accommodation.conversation_id == conv.id)).all()
    }
    out = []
    msgs = s.scalars(
        select(MessageRow)
        .where(MessageRow.conversation_id == conv.id, MessageRow.role == "agent")
        .order_by(MessageRow.id)
    )
    for m in msgs:
        hit = suggest_from_agent_text(m.text)
        if hit is None or (hit["kind"], hit["reason"]) in seen:
            continue
        seen.add((hit["kind"], hit["reason"]))
        row = Accommodation(
            conversation_id=conv.id,
            team=conv.team,
            agent=conv.agent,
            kind=hit["kind"],
            amount=hit["amount"],
            currency=hit["currency"],
            reason=hit["reason"],
            status="suggested",
            created_by="calmline",
            frustration=float((conv.state or {}).get("frustration_peak", 0.0)),
        )
        s.add(row)
        out.append(row)
    s.commit()
    return [_public(r) for r in out]


@router.get("/accommodations", response_model=list[AccommodationOut])
def list_accommodations(
    actor: ActorDep,
    s: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    conversation_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> list[dict[str, Any]]:
    """Agents see their own; supervisors their team; admins all (optionally one conversation's)."""
    q = select(Accommodation).order_by(Accommodation.id.desc()).limit(limit)
    if conversation_id is not None:
        q = q.where(Accommodation.conversation_id == conversation_id)
    if actor.role == "agent":
        q = q.where(Accommodation.agent == actor.name, Accommodation.team == actor.team)
    elif actor.role == "supervisor":
        q = q.where(Accommodation.team == actor.team)
    return [_public(a) for a in s.scalars(q).all()]


@router.get("/insights/consistency", tags=["insights"], response_model=list[ConsistencyGroupOut])
def consistency_report(actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    """Similar situations and what each received, outliers flagged both ways (supervisors: their team)."""
    require(actor, "supervisor", "admin")
    q = select(Accommodation).order_by(Accommodation.id).limit(100_000)
    if actor.role == "supervisor":
        q = q.where(Accommodation.team == actor.team)
    return consistency(list(s.scalars(q).all()))
