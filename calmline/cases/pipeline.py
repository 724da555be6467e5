"""Analyse a stored message: signals, guidance, incidents, timers and events, in one transaction.

A message is stored ``pending`` and committed first; :func:`analyse_message` then moves
it to ``analysed``. Pending messages left by a crash are picked up by :func:`analyse_pending`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from calmline.analyze import analyze, default_reader, extend
from calmline.cases import store
from calmline.cases.handoff import handoff_summary, to_conversation
from calmline.cases.history import from_stored, message_turn, with_state
from calmline.cases.models import ConversationRow, Escalation, Incident, MessageRow, Timer, table, utcnow
from calmline.playbook import decide
from calmline.playbook.config import Playbook, default_playbook, with_still_here
from calmline.playbook.model import LadderState
from calmline.service import metrics
from calmline.types import Analysis, Conversation, ConversationState, Role, Turn, TurnAnalysis

__all__ = [
    "STILL_HERE_NOTE",
    "Plan",
    "Policy",
    "analyse_message",
    "analyse_pending",
    "apply_plan",
    "escalate",
    "incident_steps",
    "message_events",
    "message_result",
    "message_values",
    "plan_message",
    "still_here_due",
    "warm_up",
]

log = logging.getLogger("calmline.cases")

# An agent promising to look into something: start a still-here timer.
_ABUSE = ("abuse.", "threat.personal")


@dataclass(frozen=True, slots=True)
class Policy:
    """The workflow knobs the service settings feed in."""

    #: overrides the playbook's ``timing.still_here_after`` on every channel; None: the playbook decides
    still_here_s: float | None = None
    follow_up_delay_s: float = 3 * 24 * 3600.0
    alerts: bool = False
    channel: str = "chat"
    playbook: Any = None
    #: messages read for each analysis (the latest ones): keeps a message's cost flat in long conversations
    window: int = 200


def _as_dict(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "to_dict"):
        return dict(obj.to_dict())
    import dataclasses

    return dataclasses.asdict(obj)


def _fill(text: str, case_number: str, policy: Policy, now: datetime) -> str:
    follow = (now + timedelta(seconds=policy.follow_up_delay_s)).strftime("%A %d %B")
    return text.replace("{ticket}", case_number).replace("{follow_up_date}", follow)


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
    return from_stored(conv_id, [(m.analysis, message_turn(m)) for m in messages])[0]


def _analysis_of(conv: ConversationRow, history: list[MessageRow], window: int) -> Analysis:
    """The analysis of ``history`` (the newest messages) whose last message is new: only that one is read.

    When older messages left the window and the conversation's stored state is the one after the
    message before the new one, the analysis carries on from that state (it counts every turn).
    """
    base = stored_analysis(conv.id, history[:-1])
    if len(history) >= window > 1 and conv.last_analysed_message_id == history[-2].id and conv.state:
        base = with_state(base, ConversationState.from_dict(conv.state))
    return extend(base, to_conversation(conv.id, history[-1:]).turns[0])


@dataclass(frozen=True, slots=True)
class Plan:
    """What analysing one new message decided, before anything is written.

    Attributes:
        analysis: the conversation's analysis with the new message as its last turn.
        guidance: the guidance after it (``None`` if the playbook has none to give).
        guidance_dict: ``guidance`` as stored and returned, placeholders filled in.
    """

    analysis: Analysis
    guidance: Any
    guidance_dict: dict[str, Any] | None

    @property
    def turn(self) -> TurnAnalysis:
        return self.analysis.turns[-1]


def plan_message(
    analysis: Analysis,
    policy: Policy,
    *,
    case_number: str,
    now: datetime,
    channel: str,
    ladder_before: LadderState | None = None,
) -> Plan:
    """Guidance for the last turn of ``analysis`` (pure computation: no database).

    ``ladder_before``: the boundary ladder after the turns before the last one, if known.
    """
    pb = policy_playbook(policy)  # one clock: the timers below read the same playbook
    guidance = decide(analysis, playbook=pb, now=now, channel=channel, ladder_before=ladder_before)
    gdict = _as_dict(guidance) if guidance is not None else None
    if gdict is not None and isinstance(gdict.get("suggested_reply"), str):
        gdict["suggested_reply"] = _fill(gdict["suggested_reply"], case_number, policy, now)
    if gdict is not None and gdict.get("escalation"):
        gdict["escalation"]["tell_customer"] = _fill(gdict["escalation"]["tell_customer"], case_number, policy, now)
    return Plan(analysis, guidance, gdict)


def warm_up(policy: Policy) -> None:
    """Load what the first message would otherwise load (lexicons, models, playbook, coach)."""
    conversation = Conversation(
        id="warm-up",
        turns=(
            Turn(role=Role.CUSTOMER, text="I've asked three times, where is my refund?!"),
            Turn(role=Role.AGENT, text="I'm sorry, let me check that for you now."),
            Turn(role=Role.CUSTOMER, text="You idiots never read anything."),
        ),
    )
    plan_message(analyze(conversation), policy, case_number="CL-000000", now=utcnow(), channel=policy.channel)
    default_reader().compile_patterns()  # every lexicon regex and branch, so that no request pays for compiling one


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
    analysis = _analysis_of(conv, history, policy.window)
    plan = plan_message(analysis, policy, case_number=case.number, now=now, channel=conv.channel)
    return apply_plan(s, msg, conv, case.number, plan, policy, now=now)


class ConversationLike(Protocol):
    """The conversation columns :func:`apply_plan` reads: an ORM row or a Core ``Row`` both fit."""

    @property
    def id(self) -> str: ...
    @property
    def agent(self) -> str: ...
    @property
    def team(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def closed_reason(self) -> str | None: ...
    @property
    def state(self) -> dict[str, Any]: ...
    @property
    def last_analysed_message_id(self) -> int | None: ...


_MESSAGES, _CONVERSATIONS, _INCIDENTS, _TIMERS = (table(m) for m in (MessageRow, ConversationRow, Incident, Timer))
# Built once: values go in as parameters, so each statement compiles once and is cached.
_INSERT_MESSAGE = insert(_MESSAGES).returning(_MESSAGES.c.id)
_UPDATE_MESSAGE = update(_MESSAGES).where(_MESSAGES.c.id == bindparam("message_id"))
_UPDATE_CONVERSATION = update(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("conversation"))
_INSERT_INCIDENT = insert(_INCIDENTS).returning(_INCIDENTS.c.id)
_INSERT_TIMER = insert(_TIMERS).returning(_TIMERS.c.id)


def apply_plan(
    s: Session, msg: MessageRow, conv: ConversationLike, case_number: str, plan: Plan, policy: Policy, *, now: datetime
) -> dict[str, Any]:
    """Write what ``plan`` decided for ``msg`` in the caller's transaction (the conversation row locked); returns
    the result.

    ``msg`` is inserted if it has no id yet (the unique ``(conversation, client_id)`` constraint
    raises for a duplicate), else updated; it is marked analysed and the conversation state,
    incidents, events, still-here timers and a boundary end follow from the plan. Written with
    Core statements (this runs for every message); ``msg`` and ``conv`` objects are read, not changed.
    """
    analysis, gdict = plan.analysis, plan.guidance_dict
    conn = s.connection()
    values = message_values(plan)
    stored = values["analysis"]
    if msg.id is None:
        row = {
            "conversation_id": conv.id,
            "client_id": msg.client_id,
            "role": msg.role,
            "author": msg.author,
            "text": msg.text,
            "ts": msg.ts,
            "created_at": now,
            **values,
        }
        msg_id = conn.execute(_INSERT_MESSAGE, row).scalar_one()
    else:
        msg_id = msg.id
        conn.execute(_UPDATE_MESSAGE, {"message_id": msg_id, **values})
    for key, value in (("id", msg_id), ("status", "analysed"), ("analysis", stored), ("guidance", gdict)):
        set_committed_value(msg, key, value)  # the caller's object shows what was stored, without a second write

    team, cid = conv.team, conv.id
    status, closed_reason, state = conv.status, conv.closed_reason, conv.state
    change: dict[str, Any] = {"updated_at": now}
    # Analyses of one conversation may finish out of order (several processes, retries of pending
    # messages): only the newest analysed message sets the conversation's state. The row is locked
    # (FOR UPDATE on PostgreSQL; SQLite serialises writers), so the check and the update are atomic.
    if msg_id > (conv.last_analysed_message_id or 0):
        state = analysis.state.to_dict()
        change.update(
            state=state,
            risk=analysis.state.escalation_risk,
            trend=analysis.state.frustration_trend,
            last_analysed_message_id=msg_id,
        )
    conn.execute(_UPDATE_CONVERSATION, {"conversation": cid, **change})

    incidents: list[dict[str, Any]] = []
    for step in incident_steps(plan):
        inc = {"rung": step.rung, "reason": step.reason, "evidence": [e.to_dict() for e in step.evidence]}
        row = {"conversation_id": cid, "message_id": msg_id, "agent": conv.agent, "team": team, "created_at": now}
        inc_id = conn.execute(_INSERT_INCIDENT, {**row, **inc}).scalar_one()
        incidents.append({"id": inc_id, **inc})
    events = [(kind, {"message_id": msg_id, **data}) for kind, data in message_events(msg, stored, state, gdict)]
    for inc in incidents:
        i_id, rung, reason, evidence = inc["id"], inc["rung"], inc["reason"], inc["evidence"]
        event = {"incident_id": i_id, "rung": rung, "reason": reason, "evidence": evidence, "agent": conv.agent}
        events.append(("incident", event))
    store.emit_many(conn, events, conversation_id=cid, team=team)

    timers: list[dict[str, Any]] = []
    if msg.role == "agent":
        store.cancel_timers(conn, cid, "still_here")
        if status != "closed" and (due := still_here_due(msg, policy, now, getattr(conv, "channel", None))) is not None:
            timer_id = conn.execute(
                _INSERT_TIMER,
                {
                    "kind": "still_here",
                    "conversation_id": cid,
                    "team": team,
                    "owner": conv.agent,
                    "note": STILL_HERE_NOTE,
                    "due_at": due,
                    "created_at": now,
                },
            ).scalar_one()
            timers.append({"id": timer_id, "kind": "still_here", "due_at": due})
    if incidents and max(i["rung"] for i in incidents) >= 4 and status != "closed":
        closed_reason = f"ended per boundary policy: {incidents[-1]['reason']}"
        status = _end_per_policy(s, cid, case_number, closed_reason, policy)
    conversation = {"id": cid, "status": status, "closed_reason": closed_reason}
    return message_result(msg, state, conversation, case_number, incidents, timers)


STILL_HERE_NOTE = "You said you'd check something: tell the customer you're still here."


def message_values(plan: Plan) -> dict[str, Any]:
    """The analysed message's columns that follow from ``plan`` (its stored analysis, guidance, abuse)."""
    turn = plan.turn
    abusive = [sig for sig in turn.signals if sig.label.startswith(_ABUSE)]
    return {
        "analysis": turn.to_dict(),
        "guidance": plan.guidance_dict,
        "status": "analysed",
        "abuse_count": len(abusive),
        # a threat to the agent's safety is the most severe abuse there is (the care policy counts it double)
        "abuse_severity": max((1.0 if sig.label == "threat.personal" else sig.score for sig in abusive), default=0.0),
    }


def incident_steps(plan: Plan) -> list[Any]:
    """The boundary ladder's steps taken at the new message (each is logged as an incident)."""
    ladder = getattr(plan.guidance, "ladder", None)
    index = plan.turn.index
    return [step for step in getattr(ladder, "steps", ()) if step.turn_index == index]


def message_events(
    msg: MessageRow, stored: dict[str, Any], state: dict[str, Any], gdict: dict[str, Any] | None
) -> list[tuple[str, dict[str, Any]]]:
    """The live updates of an analysed message, without the ``message_id`` that leads each one's data."""
    events: list[tuple[str, dict[str, Any]]] = [("message", {"role": msg.role, "text": msg.text})]
    if msg.role == "customer":
        events.append(("signals", {"signals": stored["signals"], "state": state}))
        if gdict is not None:
            events.append(("guidance", gdict))
    return events


def still_here_due(msg: MessageRow, policy: Policy, now: datetime, channel: str | None = None) -> datetime | None:
    """When a still-here reminder is due if agent message ``msg`` promises to check something, else ``None``.

    One clock: the promise is recognised by the playbook's ``timing.check_phrases`` and the
    limit is its ``timing.still_here_after`` for the channel, the same ones guidance uses.
    """
    timing = policy_playbook(policy).timing
    if msg.role != "agent" or not timing.check_regex.search(msg.text.lower()):
        return None
    limit = timing.still_here_after.get(channel or policy.channel, timing.still_here_after["chat"])
    return now + timedelta(seconds=limit)


_RUN: dict[tuple[int, float | None], Playbook] = {}


def policy_playbook(policy: Policy) -> Playbook:
    """The playbook this service runs: its own file or the default, with the still-here setting applied."""
    base = policy.playbook or default_playbook()
    key = (id(base), policy.still_here_s)
    pb = _RUN.get(key)
    if pb is None:
        pb = _RUN[key] = with_still_here(base, policy.still_here_s)
    return pb


def _end_per_policy(s: Session, cid: str, case_number: str, reason: str, policy: Policy) -> str:
    """Close the conversation after the ladder's last rung: escalate to a supervisor, audit, alert."""
    conv = s.get(ConversationRow, cid, populate_existing=True)  # fresh: Core statements changed it
    assert conv is not None
    escalate(s, store.SYSTEM, conv, reason=reason, to="supervisor", policy=policy)
    conv.status, conv.closed_reason = "closed", reason
    store.audit(s, store.SYSTEM, "conversation.close", cid, {"reason": reason})
    store.emit(
        s,
        "boundary.end",
        {"case": case_number, "reason": reason, "agent": conv.agent},
        conversation_id=cid,
        team=conv.team,
        alerts=policy.alerts,
    )
    return "closed"


def result_of(
    msg: MessageRow, conv: ConversationLike, case_number: str, incidents: list[Incident], timers: list[dict[str, Any]]
) -> dict[str, Any]:
    """The answer for a message as stored (a retry, or one whose analysis failed)."""
    conversation = {"id": conv.id, "status": conv.status, "closed_reason": conv.closed_reason}
    found = [{"id": i.id, "rung": i.rung, "reason": i.reason, "evidence": i.evidence} for i in incidents]
    return message_result(msg, conv.state, conversation, case_number, found, timers)


def message_result(
    msg: MessageRow,
    state: dict[str, Any],
    conversation: dict[str, Any],
    case_number: str,
    incidents: list[dict[str, Any]],
    timers: list[dict[str, Any]],
) -> dict[str, Any]:
    """The API's answer for a posted message (``MessageResult``)."""
    return {
        "message": store.message_public(msg),
        "analysis": msg.analysis,
        "state": state,
        "guidance": msg.guidance,
        "case": case_number,
        "conversation": conversation,
        "incidents": incidents,
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
                analysed = analyse_message(s, mid, policy) is not None
            done += analysed
            metrics.MESSAGES_ANALYSED.labels(when="deferred").inc(analysed)
        except Exception:  # keep going: one bad message must not block the rest
            log.exception("re-analysing message %s failed", mid)
    return done
