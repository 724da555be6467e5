"""Analyse a stored message: signals, guidance, incidents, timers and events, in one transaction.

A message is stored ``pending`` and committed first; :func:`analyse_message` then moves
it to ``analysed``. Pending messages left by a crash are picked up by :func:`analyse_pending`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calmline.analyze import analyze, extend, replay_states
from calmline.cases import store
from calmline.cases.handoff import handoff_summary, to_conversation
from calmline.cases.models import Case, ConversationRow, Escalation, Incident, MessageRow, utcnow
from calmline.playbook import decide
from calmline.types import Analysis, TurnAnalysis

__all__ = ["Policy", "analyse_message", "analyse_pending", "escalate"]

log = logging.getLogger("calmline.cases")

# An agent promising to look into something: start a still-here timer.
_CHECKING = re.compile(
    r"\b(?:let me|i'?ll|i will|i'm going to|i am going to)\s+(?:just\s+)?(?:check|look|find out|see|investigate|"
    r"confirm|verify|ask)|\b(?:one|a) (?:moment|minute|sec(?:ond)?)\b|\bbear with me\b|\bhold on\b",
    re.IGNORECASE,
)
_ABUSE = ("abuse.", "threat.personal")


@dataclass(frozen=True, slots=True)
class Policy:
    """The workflow knobs the service settings feed in."""

    still_here_s: float = 120.0
    follow_up_delay_s: float = 3 * 24 * 3600.0
    alerts: bool = False
    channel: str = "chat"
    playbook: Any = None
    #: messages read for each analysis (the latest ones): keeps a message's cost flat in long conversations
    window: int = 200


def _guidance(analysis: Any, policy: Policy, now: datetime, channel: str) -> Any:
    return decide(analysis, playbook=policy.playbook, now=now, channel=channel)


def _as_dict(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    import dataclasses

    return dataclasses.asdict(obj)


def _fill(text: str, case: Case, policy: Policy, now: datetime) -> str:
    follow = (now + timedelta(seconds=policy.follow_up_delay_s)).strftime("%A %d %B")
    return text.replace("{ticket}", case.number).replace("{follow_up_date}", follow)


def escalate(
    s: Session, actor: store.Actor, conv: ConversationRow, *, reason: str, to: str, policy: Policy
) -> Escalation:
    """Open an escalation with a hand-off summary and tell the team queue."""
    case = store.case_of(s, conv.id)
    messages = s.scalars(select(MessageRow).where(MessageRow.conversation_id == conv.id).order_by(MessageRow.id)).all()
    incidents = s.scalars(select(Incident).where(Incident.conversation_id == conv.id).order_by(Incident.id)).all()
    summary = handoff_summary(conv.id, case.number, messages, incidents)
    esc = Escalation(
        conversation_id=conv.id, team=conv.team, to=to, reason=reason, summary=summary, created_by=actor.name
    )
    s.add(esc)
    s.flush()
    if conv.status == "open":
        conv.status = "escalated"
    store.audit(s, actor, "escalation.create", f"{conv.id}/escalation/{esc.id}", {"reason": reason, "to": to})
    store.emit(
        s,
        "escalation",
        {"escalation_id": esc.id, "case": case.number, "reason": reason, "to": to, "summary": summary},
        conversation_id=conv.id,
        team=conv.team,
        alerts=policy.alerts,
    )
    return esc


def stored_analysis(conv_id: str, messages: Sequence[MessageRow]) -> Analysis:
    """The analysis of ``messages`` rebuilt from what was stored as each one arrived.

    Reads nothing again unless a message has no stored analysis yet (then everything is read).
    """
    conversation = to_conversation(conv_id, messages)
    stored = [m.analysis for m in messages if isinstance(m.analysis, dict) and "index" in m.analysis]
    if len(stored) != len(messages):
        return analyze(conversation)
    turns = tuple(
        replace(TurnAnalysis.from_dict(d, t), index=i)
        for i, (d, t) in enumerate(zip(stored, conversation.turns, strict=True))
    )
    return Analysis(conversation, turns, replay_states(turns))


def _analysis_of(conv_id: str, history: list[MessageRow]) -> Analysis:
    """The analysis of ``history`` whose last message is new: only that message is read."""
    base = stored_analysis(conv_id, history[:-1])
    return extend(base, to_conversation(conv_id, history[-1:]).turns[0])


def analyse_message(s: Session, msg_id: int, policy: Policy, *, now: datetime | None = None) -> dict[str, Any] | None:
    """Analyse one pending message (no-op if another process got there first); returns the result."""
    now = now or utcnow()
    msg = s.scalar(select(MessageRow).where(MessageRow.id == msg_id).with_for_update())
    if msg is None or msg.status != "pending":
        return None
    conv = s.scalar(select(ConversationRow).where(ConversationRow.id == msg.conversation_id).with_for_update())
    assert conv is not None
    case = store.case_of(s, conv.id)
    history = list(
        reversed(
            s.scalars(
                select(MessageRow)
                .where(MessageRow.conversation_id == conv.id, MessageRow.id <= msg.id)
                .order_by(MessageRow.id.desc())
                .limit(policy.window)
            ).all()
        )
    )
    analysis = _analysis_of(conv.id, history)
    turn = analysis.turns[-1]
    guidance = _guidance(analysis, policy, now, conv.channel)
    gdict = _as_dict(guidance) if guidance is not None else None
    if gdict is not None and isinstance(gdict.get("suggested_reply"), str):
        gdict["suggested_reply"] = _fill(gdict["suggested_reply"], case, policy, now)
    if gdict is not None and gdict.get("escalation"):
        gdict["escalation"]["tell_customer"] = _fill(gdict["escalation"]["tell_customer"], case, policy, now)

    msg.analysis = turn.to_dict()
    msg.guidance = gdict
    msg.status = "analysed"
    abusive = [sig for sig in turn.signals if sig.label.startswith(_ABUSE)]
    msg.abuse_count = len(abusive)
    msg.abuse_severity = max((sig.score for sig in abusive), default=0.0)
    # Analyses of one conversation may finish out of order (several processes, retries of pending
    # messages): only the newest analysed message sets the conversation's state. The row is locked
    # (FOR UPDATE on PostgreSQL; SQLite serialises writers), so the check and the update are atomic.
    if msg.id > (conv.last_analysed_message_id or 0):
        conv.state = analysis.state.to_dict()
        conv.risk = analysis.state.escalation_risk
        conv.trend = analysis.state.frustration_trend
        conv.last_analysed_message_id = msg.id
    conv.updated_at = now

    incidents: list[Incident] = []
    timers: list[dict[str, Any]] = []
    ladder = getattr(guidance, "ladder", None)
    for step in getattr(ladder, "steps", ()):
        if step.turn_index == turn.index:
            inc = Incident(
                conversation_id=conv.id,
                message_id=msg.id,
                agent=conv.agent,
                team=conv.team,
                rung=step.rung,
                reason=step.reason,
                evidence=[e.to_dict() for e in step.evidence],
            )
            s.add(inc)
            incidents.append(inc)
    s.flush()
    team, cid = conv.team, conv.id
    store.emit(s, "message", {"message_id": msg.id, "role": msg.role, "text": msg.text}, conversation_id=cid, team=team)
    if msg.role == "customer":
        store.emit(
            s,
            "signals",
            {"message_id": msg.id, "signals": msg.analysis["signals"], "state": conv.state},
            conversation_id=cid,
            team=team,
        )
        if gdict is not None:
            store.emit(s, "guidance", {"message_id": msg.id, **gdict}, conversation_id=cid, team=team)
    for inc in incidents:
        store.emit(
            s,
            "incident",
            {
                "incident_id": inc.id,
                "rung": inc.rung,
                "reason": inc.reason,
                "evidence": inc.evidence,
                "agent": conv.agent,
            },
            conversation_id=cid,
            team=team,
        )
    if msg.role == "agent":
        store.cancel_timers(s, cid, "still_here")
        if _CHECKING.search(msg.text) and conv.status != "closed":
            t = store.schedule_timer(
                s,
                conv,
                kind="still_here",
                owner=conv.agent,
                due_at=now + timedelta(seconds=policy.still_here_s),
                note="You said you'd check something: tell the customer you're still here.",
            )
            timers.append({"id": t.id, "kind": t.kind, "due_at": t.due_at})
    if incidents and max(i.rung for i in incidents) >= 4 and conv.status != "closed":
        reason = f"ended per boundary policy: {incidents[-1].reason}"
        escalate(s, store.SYSTEM, conv, reason=reason, to="supervisor", policy=policy)
        conv.status, conv.closed_reason = "closed", reason
        store.audit(s, store.SYSTEM, "conversation.close", cid, {"reason": reason})
        store.emit(
            s,
            "boundary.end",
            {"case": case.number, "reason": reason, "agent": conv.agent},
            conversation_id=cid,
            team=team,
            alerts=policy.alerts,
        )
    return result_of(msg, conv, case, incidents, timers)


def result_of(
    msg: MessageRow, conv: ConversationRow, case: Case, incidents: list[Incident], timers: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "message": store.message_public(msg),
        "analysis": msg.analysis,
        "state": conv.state,
        "guidance": msg.guidance,
        "case": case.number,
        "conversation": {"id": conv.id, "status": conv.status, "closed_reason": conv.closed_reason},
        "incidents": [{"id": i.id, "rung": i.rung, "reason": i.reason, "evidence": i.evidence} for i in incidents],
        "timers": timers,
    }


def analyse_pending(factory: sessionmaker[Session], policy: Policy, *, older_than_s: float = 0.0) -> int:
    """Analyse messages left ``pending`` (by a crash); returns how many were analysed here."""
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with factory() as s:
        ids = s.scalars(
            select(MessageRow.id)
            .where(MessageRow.status == "pending", MessageRow.created_at <= cutoff)
            .order_by(MessageRow.id)
        ).all()
    done = 0
    for mid in ids:
        try:
            with factory() as s, s.begin():
                done += analyse_message(s, mid, policy) is not None
        except Exception:  # keep going: one bad message must not block the rest
            log.exception("re-analysing message %s failed", mid)
    return done
