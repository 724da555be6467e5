"""Wellbeing (care, not a score), boundary incidents, and admin: tokens and the audit log."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from calmline.cases import store
from calmline.cases.models import ApiToken, AuditEntry, ConversationRow, Incident, utcnow
from calmline.cases.pipeline import policy_playbook
from calmline.service.deps import ActorDep, ReadSessionDep, ServicesDep, SessionDep, require, visible_conversation
from calmline.service.errors import Conflict, Forbidden, NotFound
from calmline.service.responses import (
    AuditOut,
    IncidentOut,
    RevokedOut,
    TokenCreatedOut,
    TokenOut,
    WellbeingOut,
)
from calmline.service.schemas import TokenCreate

router = APIRouter()


def _care(services: Any, s: Any, agent: str, team: str, since: datetime) -> dict[str, Any]:
    care = policy_playbook(services.policy).care  # the break policy lives in the playbook
    if services.settings.break_after is not None:
        care = dataclasses.replace(care, break_after=services.settings.break_after)
    w = store.wellbeing(s, agent, team=team, since=since, severe_from=care.counts_double_from)
    n = w["abusive_messages"]
    window_start = max(since, utcnow() - timedelta(minutes=care.window_minutes))
    recent = store.wellbeing(s, agent, team=team, since=window_start, severe_from=care.counts_double_from)
    suggest = care.suggest_break(recent["abusive_messages"], recent["severe_messages"])
    w["break_policy"] = {
        "break_after": care.break_after,
        "window_minutes": care.window_minutes,
        "counts_double_from": care.counts_double_from,
        "in_window": recent["abusive_messages"] + recent["severe_messages"],
    }
    if n == 0:
        note = "No abusive messages this shift."
    elif suggest:
        note = (
            f"{n} abusive message{'s' if n != 1 else ''} this shift, and that takes a toll. "
            "Take a short break before your next conversation; a supervisor can pick up anything urgent."
        )
    else:
        plural = "s" if n != 1 else ""
        note = f"{n} abusive message{plural} this shift. It's not about you; take a breather if you need one."
    return {**w, "suggest_break": suggest, "note": note}


@router.get("/wellbeing/{agent}", tags=["wellbeing"], response_model=WellbeingOut)
def agent_wellbeing(
    agent: str,
    actor: ActorDep,
    services: ServicesDep,
    s: ReadSessionDep,
    hours: Annotated[float | None, Query(gt=0, le=24 * 7)] = None,
) -> dict[str, Any]:
    """Abuse an agent received this shift.

    Visible to that agent and their supervisors only; never a performance score.
    """
    if actor.role == "supervisor":
        if (
            not s.scalar(
                select(ConversationRow.id)
                .where(ConversationRow.agent == agent, ConversationRow.team == actor.team)
                .limit(1)
            )
            and agent != actor.name
        ):
            raise NotFound(f"no agent {agent!r} in your team")
    elif actor.name != agent:
        raise Forbidden("wellbeing is visible only to the agent and their supervisors")
    since = utcnow() - timedelta(hours=hours or services.settings.shift_hours)
    return _care(services, s, agent, actor.team, since)


@router.get("/wellbeing", tags=["wellbeing"], response_model=list[WellbeingOut])
def team_wellbeing(actor: ActorDep, services: ServicesDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    """The team's agents, alphabetically (not ranked): who might need a break."""
    require(actor, "supervisor")
    since = utcnow() - timedelta(hours=services.settings.shift_hours)
    agents = sorted(set(s.scalars(select(ConversationRow.agent).where(ConversationRow.team == actor.team)).all()))
    return [_care(services, s, a, actor.team, since) for a in agents]


@router.get("/conversations/{conversation_id}/incidents", tags=["incidents"], response_model=list[IncidentOut])
def conversation_incidents(conversation_id: str, actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    """Boundary incidents logged with evidence and ladder rung."""
    conv = visible_conversation(s, actor, conversation_id)
    rows = s.scalars(select(Incident).where(Incident.conversation_id == conv.id).order_by(Incident.id)).all()
    return [
        {
            "id": i.id,
            "message_id": i.message_id,
            "rung": i.rung,
            "reason": i.reason,
            "evidence": i.evidence,
            "created_at": i.created_at,
        }
        for i in rows
    ]


@router.post("/admin/tokens", status_code=201, tags=["admin"], response_model=TokenCreatedOut)
def create_token(body: TokenCreate, actor: ActorDep, s: SessionDep) -> dict[str, Any]:
    """A new API token; the secret is shown once and stored only hashed."""
    require(actor, "admin")
    try:
        row, token = store.create_token(s, name=body.name, role=body.role, team=body.team, unique=True)
    except store.DuplicateName as exc:
        raise Conflict(str(exc)) from exc
    store.audit(s, actor, "token.create", row.id, {"name": body.name, "role": body.role, "team": body.team})
    s.commit()
    return {"id": row.id, "name": row.name, "role": row.role, "team": row.team, "token": token}


@router.get("/admin/tokens", tags=["admin"], response_model=list[TokenOut])
def list_tokens(actor: ActorDep, s: ReadSessionDep) -> list[dict[str, Any]]:
    require(actor, "admin")
    return [
        {
            "id": t.id,
            "name": t.name,
            "role": t.role,
            "team": t.team,
            "created_at": t.created_at,
            "revoked_at": t.revoked_at,
        }
        for t in s.scalars(select(ApiToken).order_by(ApiToken.created_at)).all()
    ]


@router.delete("/admin/tokens/{token_id}", tags=["admin"], response_model=RevokedOut)
def revoke_token(token_id: str, actor: ActorDep, services: ServicesDep, s: SessionDep) -> dict[str, Any]:
    require(actor, "admin")
    row = s.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id!r}")
    row.revoked_at = row.revoked_at or utcnow()
    store.audit(s, actor, "token.revoke", row.id)
    s.commit()
    return {"id": row.id, "revoked_at": row.revoked_at}


@router.get("/admin/audit", tags=["admin"], response_model=list[AuditOut])
def audit_log(
    actor: ActorDep, s: ReadSessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    """Every mutation: who, when, what (newest first)."""
    require(actor, "admin")
    rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [
        {
            "id": a.id,
            "actor": a.actor,
            "role": a.role,
            "action": a.action,
            "target": a.target,
            "detail": a.detail,
            "at": a.at,
        }
        for a in rows
    ]
