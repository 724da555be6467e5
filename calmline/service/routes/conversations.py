"""Conversations: create, list (status, agent, risk), get with the full analysis, close."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from calmline.cases import store
from calmline.cases.models import Case, ConversationRow, MessageRow
from calmline.cases.pipeline import stored_analysis
from calmline.service.deps import ActorDep, ReadSessionDep, ServicesDep, SessionDep, require, visible_conversation
from calmline.service.errors import Conflict, Forbidden
from calmline.service.responses import ClosedOut, ConversationDetail
from calmline.service.schemas import MAX_OFFSET, CloseRequest, ConversationCreate, ConversationPublic

router = APIRouter(tags=["conversations"])


def public(conv: ConversationRow, case: Case) -> ConversationPublic:
    return ConversationPublic(
        id=conv.id,
        external_id=conv.external_id,
        agent=conv.agent,
        team=conv.team,
        channel=conv.channel,
        status=conv.status,
        closed_reason=conv.closed_reason,
        risk=round(conv.risk, 3),
        trend=conv.trend,
        case=case.number,
        created_at=conv.created_at,
        updated_at=conv.updated_at,
    )


@router.post("/conversations", status_code=201, response_model=ConversationPublic)
def create_conversation(
    body: ConversationCreate, actor: ActorDep, services: ServicesDep, s: SessionDep
) -> ConversationPublic:
    """Open a conversation (and its case). Agents open their own; supervisors assign within their team.

    ``external_id`` (the helpdesk's id) is unique within the team: another team's conversation
    with the same id is a different conversation, and its existence is never revealed.
    """
    agent, team = body.agent or actor.name, body.team or actor.team
    if actor.role == "agent" and (agent != actor.name or team != actor.team):
        raise Forbidden("agents open conversations for themselves in their own team")
    if actor.role == "supervisor" and team != actor.team:
        raise Forbidden("supervisors open conversations in their own team")
    external = services.external_ref(body.external_id) if body.external_id else None
    taken = Conflict(f"team {team!r} already has a conversation with this external_id")
    if external and s.scalar(
        select(ConversationRow.id).where(ConversationRow.team == team, ConversationRow.external_id == external)
    ):
        raise taken
    try:
        conv, case = store.create_conversation(
            s, actor, agent=agent, team=team, channel=body.channel, external_id=external
        )
        store.emit(
            s, "conversation", {"id": conv.id, "agent": agent, "case": case.number}, conversation_id=conv.id, team=team
        )
        s.commit()
    except IntegrityError as exc:  # a concurrent create with the same (team, external_id) won
        s.rollback()
        raise taken from exc
    return public(conv, case)


@router.get("/conversations", response_model=list[ConversationPublic])
def list_conversations(
    actor: ActorDep,
    s: ReadSessionDep,
    status: Annotated[Literal["open", "escalated", "resolved", "closed"] | None, Query()] = None,
    agent: Annotated[str | None, Query(max_length=120)] = None,
    min_risk: Annotated[float | None, Query(ge=0, le=1, alias="risk")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[ConversationPublic]:
    """Conversations visible to you, riskiest first; ``risk`` is a minimum escalation risk."""
    q = select(ConversationRow, Case).join(Case, Case.conversation_id == ConversationRow.id)
    if actor.role == "agent":  # the same name in another team is another person
        q = q.where(ConversationRow.agent == actor.name, ConversationRow.team == actor.team)
    elif actor.role == "supervisor":
        q = q.where(ConversationRow.team == actor.team)
    if status:
        q = q.where(ConversationRow.status == status)
    if agent:
        q = q.where(ConversationRow.agent == agent)
    if min_risk is not None:
        q = q.where(ConversationRow.risk >= min_risk)
    q = q.order_by(ConversationRow.risk.desc(), ConversationRow.updated_at.desc()).limit(limit).offset(offset)
    return [public(c, k) for c, k in s.execute(q).all()]


@router.get("/conversations/{conversation_id}", response_model=ConversationDetail, response_model_exclude_unset=True)
def get_conversation(conversation_id: str, actor: ActorDep, s: ReadSessionDep) -> dict[str, Any]:
    """The conversation with its messages and the full analysis (every turn's signals and the state)."""
    conv = visible_conversation(s, actor, conversation_id)
    case = store.case_of(s, conv.id)
    msgs = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    analysis = stored_analysis(conv.id, msgs).to_dict(include_text=True) if msgs else None
    last_guidance = next((m.guidance for m in reversed(msgs) if m.guidance), None)
    return {
        **public(conv, case).model_dump(mode="json"),
        "messages": [store.message_public(m) for m in msgs],
        "analysis": analysis,
        "guidance": last_guidance,
    }


@router.post("/conversations/{conversation_id}/close", response_model=ClosedOut)
def close_conversation(conversation_id: str, body: CloseRequest, actor: ActorDep, s: SessionDep) -> dict[str, Any]:
    """Close a conversation with its reason (e.g. ended per the boundary policy)."""
    conv = visible_conversation(s, actor, conversation_id, lock=True)
    if conv.status == "closed":
        raise Conflict(f"conversation already closed: {conv.closed_reason}")
    conv.status, conv.closed_reason = "closed", body.reason
    store.audit(s, actor, "conversation.close", conv.id, {"reason": body.reason})
    store.emit(s, "conversation.closed", {"reason": body.reason}, conversation_id=conv.id, team=conv.team)
    s.commit()
    return {"id": conv.id, "status": conv.status, "closed_reason": conv.closed_reason}


__all__ = ["public", "require", "router"]
