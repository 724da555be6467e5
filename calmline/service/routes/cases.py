"""Cases (ticket numbers like ``CL-000123``), resolution with a scheduled follow-up, escalations, callbacks."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlalchemy import select, update

from calmline.cases import store
from calmline.cases.models import Case, ConversationRow, Escalation, Timer, utcnow
from calmline.cases.pipeline import escalate
from calmline.service.deps import ActorDep, ReadSessionDep, ServicesDep, SessionDep, require, visible_conversation
from calmline.service.errors import Conflict, NotFound
from calmline.service.responses import CallbackOut, CaseOut, EscalationOut, QueueOut, ResolvedOut
from calmline.service.schemas import MAX_ID, CallbackCreate, EscalationCreate, ResolveRequest

router = APIRouter(tags=["cases"])
EscalationId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _rowcount(result: Any) -> int:
    """Rows changed by an UPDATE (a ``CursorResult``; typed loosely by SQLAlchemy)."""
    return int(result.rowcount)


_NUMBER = re.compile(r"^CL-(\d{1,12})$", re.IGNORECASE)


def _case(s: Any, actor: store.Actor, number: str) -> tuple[Case, ConversationRow]:
    m = _NUMBER.match(number.strip())
    case = s.get(Case, int(m.group(1))) if m and 1 <= int(m.group(1)) <= MAX_ID else None
    conv = s.get(ConversationRow, case.conversation_id) if case else None
    if case is None or conv is None or not actor.can_see(conv):
        raise NotFound(f"no case {number!r} visible to you (case numbers look like CL-000123)")
    return case, conv


def _timer(t: Timer) -> dict[str, Any]:
    return {
        "id": t.id,
        "kind": t.kind,
        "conversation_id": t.conversation_id,
        "owner": t.owner,
        "note": t.note,
        "due_at": t.due_at,
        "status": t.status,
        "fired_at": t.fired_at,
    }


@router.get("/cases/{number}", response_model=CaseOut)
def get_case(number: str, actor: ActorDep, s: ReadSessionDep) -> dict[str, Any]:
    case, conv = _case(s, actor, number)
    timers = s.scalars(select(Timer).where(Timer.conversation_id == conv.id).order_by(Timer.id)).all()
    return {
        "case": case.number,
        "status": case.status,
        "resolution": case.resolution,
        "resolved_at": case.resolved_at,
        "conversation_id": conv.id,
        "agent": conv.agent,
        "timers": [_timer(t) for t in timers],
    }


@router.post("/cases/{number}/resolve", response_model=ResolvedOut)
def resolve_case(
    number: str, body: ResolveRequest, actor: ActorDep, services: ServicesDep, s: SessionDep
) -> dict[str, Any]:
    """Resolve a case and schedule the follow-up that checks the fix held."""
    case, conv = _case(s, actor, number)
    delay = services.settings.follow_up_delay_s if body.follow_up_in_s is None else body.follow_up_in_s
    timer = resolve(s, actor, case, conv, resolution=body.resolution, delay_s=delay)
    if timer is None:
        s.rollback()
        raise Conflict(f"case {case.number} is already resolved")
    s.commit()
    return {"case": case.number, "status": case.status, "follow_up": _timer(timer)}


def resolve(
    s: Any, actor: store.Actor, case: Case, conv: ConversationRow, *, resolution: str, delay_s: float
) -> Timer | None:
    """Resolve ``case`` and schedule its follow-up in ``s`` (the caller commits); ``None`` if already resolved.

    The API's resolve and a helpdesk's "resolved" (Chatwoot's status change) both come here.
    """
    now = utcnow()
    # Conditional update: of concurrent resolves exactly one changes the row (and schedules the follow-up).
    won = _rowcount(
        s.execute(
            update(Case)
            .where(Case.id == case.id, Case.status != "resolved")
            .values(status="resolved", resolution=resolution, resolved_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if won != 1:
        return None
    case.status, case.resolution, case.resolved_at = "resolved", resolution, now
    conv.status = "resolved" if conv.status != "closed" else conv.status
    timer = store.schedule_timer(
        s,
        conv,
        kind="follow_up",
        owner=conv.agent,
        due_at=now + timedelta(seconds=delay_s),
        note=f"Check the fix for case {case.number} held and the customer is satisfied.",
    )
    store.cancel_timers(s, conv.id, "still_here")
    store.audit(s, actor, "case.resolve", case.number, {"follow_up_timer": timer.id, "delay_s": delay_s})
    store.emit(
        s,
        "case.resolved",
        {"case": case.number, "follow_up_at": timer.due_at.isoformat()},
        conversation_id=conv.id,
        team=conv.team,
    )
    return timer


def reopen(s: Any, actor: store.Actor, case: Case, conv: ConversationRow) -> bool:
    """Reopen a resolved case (its pending follow-up cancelled) in ``s``; ``False`` if it is not resolved.

    A closed conversation stays closed (closing is final: a new message needs a new conversation).
    """
    won = _rowcount(
        s.execute(
            update(Case)
            .where(Case.id == case.id, Case.status == "resolved")
            .values(status="open", resolved_at=None)
            .execution_options(synchronize_session=False)
        )
    )
    if won != 1:
        return False
    case.status, case.resolved_at = "open", None
    if conv.status == "resolved":
        conv.status = "open"
    store.cancel_timers(s, conv.id, "follow_up")
    store.audit(s, actor, "case.reopen", case.number)
    store.emit(s, "case.reopened", {"case": case.number}, conversation_id=conv.id, team=conv.team)
    return True


def _esc(e: Escalation) -> dict[str, Any]:
    return {
        "id": e.id,
        "conversation_id": e.conversation_id,
        "team": e.team,
        "status": e.status,
        "to": e.to,
        "reason": e.reason,
        "summary": e.summary,
        "created_by": e.created_by,
        "claimed_by": e.claimed_by,
        "created_at": e.created_at,
    }


@router.post("/conversations/{conversation_id}/escalations", status_code=201, response_model=EscalationOut)
def create_escalation(
    conversation_id: str, body: EscalationCreate, actor: ActorDep, services: ServicesDep, s: SessionDep
) -> dict[str, Any]:
    """Escalate with a hand-off summary so the next person does not make the customer repeat themselves."""
    conv = visible_conversation(s, actor, conversation_id, lock=True)
    esc = escalate(s, actor, conv, reason=body.reason, to=body.to, policy=services.policy)
    s.commit()
    return _esc(esc)


def _visible_escalation(s: Any, actor: store.Actor, escalation_id: int) -> tuple[Escalation, ConversationRow]:
    esc = s.get(Escalation, escalation_id)
    conv = s.get(ConversationRow, esc.conversation_id) if esc else None
    if esc is None or conv is None or not actor.can_see(conv):
        raise NotFound(f"no escalation {escalation_id} visible to you")
    return esc, conv


@router.get("/escalations/{escalation_id}", response_model=EscalationOut)
def get_escalation(escalation_id: EscalationId, actor: ActorDep, s: ReadSessionDep) -> dict[str, Any]:
    return _esc(_visible_escalation(s, actor, escalation_id)[0])


@router.post("/escalations/{escalation_id}/claim", response_model=EscalationOut)
def claim_escalation(escalation_id: EscalationId, actor: ActorDep, s: SessionDep) -> dict[str, Any]:
    """A supervisor takes the escalation."""
    require(actor, "supervisor", "admin")
    esc, conv = _visible_escalation(s, actor, escalation_id)
    # Conditional update: of concurrent claims exactly one wins; the others get 409.
    won = _rowcount(
        s.execute(
            update(Escalation)
            .where(Escalation.id == esc.id, Escalation.status == "open")
            .values(status="claimed", claimed_by=actor.name)
            .execution_options(synchronize_session=False)
        )
    )
    if won != 1:
        s.rollback()
        s.refresh(esc)
        raise Conflict(f"escalation {esc.id} is {esc.status} (claimed by {esc.claimed_by})")
    esc.status, esc.claimed_by = "claimed", actor.name
    store.audit(s, actor, "escalation.claim", f"escalation/{esc.id}")
    store.emit(
        s, "escalation.claimed", {"escalation_id": esc.id, "by": actor.name}, conversation_id=conv.id, team=conv.team
    )
    s.commit()
    return _esc(esc)


@router.post("/escalations/{escalation_id}/callbacks", status_code=201, response_model=CallbackOut)
def create_callback(
    escalation_id: EscalationId, body: CallbackCreate, actor: ActorDep, s: SessionDep
) -> dict[str, Any]:
    """Nobody free: agree a callback time and owner; a reminder fires at that time."""
    esc, conv = _visible_escalation(s, actor, escalation_id)
    at = body.at if body.at.tzinfo else body.at.replace(tzinfo=UTC)
    timer = store.schedule_timer(
        s, conv, kind="callback", owner=body.owner, due_at=at, note=body.note or f"Call back about escalation {esc.id}."
    )
    store.audit(s, actor, "callback.create", f"escalation/{esc.id}", {"at": at.isoformat(), "owner": body.owner})
    store.emit(
        s,
        "callback",
        {"escalation_id": esc.id, **_timer(timer), "due_at": at.isoformat()},
        conversation_id=conv.id,
        team=conv.team,
    )
    s.commit()
    return _timer(timer)


@router.get("/queue", response_model=QueueOut)
def supervisor_queue(actor: ActorDep, s: ReadSessionDep) -> dict[str, Any]:
    """The team's queue: open escalations, pending callbacks and timers, riskiest open conversations."""
    require(actor, "supervisor", "admin")
    team = actor.team
    escs = s.scalars(
        select(Escalation).where(Escalation.team == team, Escalation.status != "done").order_by(Escalation.id)
    ).all()
    timers = s.scalars(select(Timer).where(Timer.team == team, Timer.status == "pending").order_by(Timer.due_at)).all()
    risky = s.scalars(
        select(ConversationRow)
        .where(ConversationRow.team == team, ConversationRow.status.in_(("open", "escalated")))
        .order_by(ConversationRow.risk.desc())
        .limit(20)
    ).all()
    return {
        "team": team,
        "escalations": [_esc(e) for e in escs],
        "timers": [_timer(t) for t in timers],
        "at_risk": [
            {"id": c.id, "agent": c.agent, "risk": round(c.risk, 3), "trend": c.trend, "status": c.status}
            for c in risky
        ],
    }
