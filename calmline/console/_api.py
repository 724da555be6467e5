"""Read-only JSON the console's views need beyond the REST API: who am I, the queue by risk, a replay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from calmline.cases.handoff import to_conversation
from calmline.cases.models import Case, ConversationRow, Event, Incident, MessageRow, case_number, utcnow
from calmline.cases.store import message_public
from calmline.coach import coach
from calmline.console.disputes import Dispute, public
from calmline.service.deps import ActorDep, ReadSessionDep, ServicesDep, require, visible_conversation

router = APIRouter(prefix="/console/api")

#: weights of the queue priority; every row shows its parts so the order explains itself
WEIGHTS = {"frustration": 0.4, "abuse": 0.25, "threats": 0.2, "waiting": 0.15}
WAIT_FULL_S = 300.0  # waiting this long counts fully
ABUSE_FULL = 2


@router.get("/cursor")
def cursor(actor: ActorDep, s: ReadSessionDep) -> dict[str, int]:
    """The newest event id of the caller's team: a live stream started after it skips the backlog.

    Per team: the installation's newest id would tell an agent how busy other teams are.
    """
    q = select(func.coalesce(func.max(Event.id), 0))
    if actor.role != "admin":
        q = q.where(Event.team == actor.team)
    return {"last_event_id": int(s.scalar(q) or 0)}


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    """The token's name, role and team (the console picks its views from them)."""
    return {"name": actor.name, "role": actor.role, "team": actor.team}


def priority(state: dict[str, Any], waiting_s: float) -> tuple[float, dict[str, float]]:
    """The queue order: frustration, abuse, threats and waiting time, each 0-1, weighted."""
    parts = {
        "frustration": float(state.get("frustration_last") or 0.0),
        "abuse": min(float(state.get("abuse_count") or 0) / ABUSE_FULL, 1.0),
        "threats": min(float(state.get("threat_count") or 0), 1.0),
        "waiting": min(waiting_s / WAIT_FULL_S, 1.0),
    }
    return round(sum(WEIGHTS[k] * v for k, v in parts.items()), 3), {k: round(v, 3) for k, v in parts.items()}


@router.get("/queue")
def queue(actor: ActorDep, s: ReadSessionDep) -> dict[str, Any]:
    """Open and escalated conversations sorted by priority, and today's boundary incidents."""
    require(actor, "supervisor", "admin")
    q = select(ConversationRow).where(ConversationRow.status.in_(("open", "escalated")))
    if actor.role == "supervisor":
        q = q.where(ConversationRow.team == actor.team)
    # The riskiest first, so the cap keeps what matters (the exact order by priority comes below).
    convs = list(s.scalars(q.order_by(ConversationRow.risk.desc(), ConversationRow.updated_at).limit(500)).all())
    ids = [c.id for c in convs]
    last_ids = (
        select(func.max(MessageRow.id)).where(MessageRow.conversation_id.in_(ids)).group_by(MessageRow.conversation_id)
    )
    last = {m.conversation_id: m for m in s.scalars(select(MessageRow).where(MessageRow.id.in_(last_ids)))}
    numbers = {
        cid: case_number(n)
        for n, cid in s.execute(select(Case.id, Case.conversation_id).where(Case.conversation_id.in_(ids)))
    }
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for c in convs:
        m = last.get(c.id)
        waiting = (now - m.ts).total_seconds() if m is not None and m.role == "customer" else 0.0
        score, parts = priority(c.state or {}, max(waiting, 0.0))
        rows.append(
            {
                "id": c.id,
                "case": numbers[c.id],
                "agent": c.agent,
                "team": c.team,
                "status": c.status,
                "risk": round(c.risk, 3),
                "trend": c.trend,
                "priority": score,
                "parts": parts,
                "abuse_count": int((c.state or {}).get("abuse_count") or 0),
                "threat_count": int((c.state or {}).get("threat_count") or 0),
                "waiting_s": round(max(waiting, 0.0)),
                "last_role": m.role if m else None,
                "last_text": (m.text[:140] if m else ""),
            }
        )
    rows.sort(key=lambda r: (-float(r["priority"]), -float(r["waiting_s"])))
    iq = select(Incident).where(Incident.created_at >= now - timedelta(hours=24)).order_by(Incident.id.desc())
    if actor.role == "supervisor":
        iq = iq.where(Incident.team == actor.team)
    incidents = [
        {
            "id": i.id,
            "conversation_id": i.conversation_id,
            "agent": i.agent,
            "rung": i.rung,
            "reason": i.reason,
            "evidence": i.evidence,
            "created_at": i.created_at,
        }
        for i in s.scalars(iq.limit(50)).all()
    ]
    return {"team": actor.team, "conversations": rows, "incidents": incidents, "weights": WEIGHTS}


@router.get("/replay/{conversation_id}")
def replay(conversation_id: str, actor: ActorDep, services: ServicesDep, s: ReadSessionDep) -> dict[str, Any]:
    """Every message with its stored signals and guidance, and each agent reply coached as of its moment."""
    conv = visible_conversation(s, actor, conversation_id)
    msgs = list(s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)))
    turns = []
    for i, m in enumerate(msgs):
        review = None
        if m.role == "agent" and i > 0:
            r = coach(
                m.text, to_conversation(conv.id, msgs[:i]), playbook=services.policy.playbook, channel=conv.channel
            )
            review = dict(r.to_dict()) if hasattr(r, "to_dict") else None
        turns.append({**message_public(m, full=True), "index": i, "coach": review})
    disputes = s.scalars(select(Dispute).where(Dispute.conversation_id == conv.id).order_by(Dispute.id)).all()
    return {
        "id": conv.id,
        "agent": conv.agent,
        "status": conv.status,
        "closed_reason": conv.closed_reason,
        "turns": turns,
        "disputes": [public(d) for d in disputes],
    }
