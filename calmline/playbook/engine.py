"""``decide``: the pure function from an analysis to the agent's next moves.

Nothing here reads files or clocks: the playbook, the time ``now`` and the channel
come in as arguments, so the same analysis always gives the same guidance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calmline.playbook._conditions import Context, evaluate
from calmline.playbook._facts import Facts, extract_facts
from calmline.playbook.config import Playbook, default_playbook
from calmline.playbook.ladder import behaviour, replay_ladder
from calmline.playbook.model import MOVE_IDS, Escalation, Guidance, LadderState, Move
from calmline.playbook.reply import compose_reply, render, reply_values
from calmline.types import Analysis, Conversation, Role, TurnAnalysis

__all__ = ["Plan", "decide", "prepare"]


_FOLLOW_ON = (
    "I'm passing everything you've told us to {to}, so you won't need to explain any of it again, "
    "and they will contact you within {{timeframe}}.",
    "I'm handing this latest message to {to} as well, and they will come back to you within {{timeframe}}.",
    "I'm escalating this update to {to} too, so it is in front of them when they contact you within {{timeframe}}.",
)


def _fired_before(rule_when: tuple[str, ...], customers: list[TurnAnalysis], analysis: Analysis, repeats: int) -> bool:
    """Whether an escalation rule already held at an earlier customer turn (it was offered then)."""
    earlier = customers[:-1]
    for c in rule_when:
        if c.startswith("label:") and any(t.signal(c[6:]) is not None for t in earlier):
            return True
        # turn indices count from the conversation's start; ``states`` from the first turn read (a window)
        state = analysis.states[earlier[-1].index - analysis.turns[0].index] if earlier else None
        if c == "repeated_contact" and state is not None and state.label_counts.get("customer.repeating", 0) >= repeats:
            return True
    return False


def _escalation(playbook: Playbook, conds: dict[str, list[str]], values: dict[str, str]) -> Escalation | None:
    for rule in playbook.escalation:
        hit = [c for c in rule.when if c in conds]
        if hit:
            reasons = tuple(r for c in hit for r in conds[c])
            try:
                tell = " ".join(render(t, values, playbook.placeholders | {"amount"}) for t in rule.tell)
            except Exception:  # an unknown value: fall back to the rule's words unfilled
                tell = " ".join(rule.tell)
            return Escalation(rule.id, rule.to, tell, reasons)
    return None


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything ``decide`` works out before ranking: shared with the coach."""

    analysis: Analysis
    playbook: Playbook
    facts: Facts
    ladder: LadderState
    conditions: dict[str, list[str]]
    values: dict[str, str]
    escalation: Escalation | None


def prepare(
    analysis: Analysis | Conversation,
    *,
    playbook: Playbook | None = None,
    now: datetime | None = None,
    channel: str = "chat",
    ladder_before: LadderState | None = None,
) -> Plan:
    """Evaluate the conditions, ladder, escalation and reply values for the next agent turn.

    ``ladder_before``: the ladder after every turn but the last (see :func:`decide`).
    """
    if isinstance(analysis, Conversation):
        from calmline.analyze import analyze

        analysis = analyze(analysis)
    pb = playbook or default_playbook()
    turns = analysis.turns
    if now is None and turns:
        now = turns[-1].turn.ts
    customers = [t for t in turns if t.turn.role is Role.CUSTOMER]
    facts = extract_facts(customers[-1:], earlier=customers[:-1])
    ladder = replay_ladder(analysis, pb.ladder, before=ladder_before)
    conds = evaluate(Context(analysis, pb, facts, ladder, now, channel))
    last_customer = customers[-1] if customers else None
    values = reply_values(
        facts,
        channel=channel,
        refund=last_customer is not None and last_customer.signal("request.refund") is not None,
        over_limit="refund_over_limit" in conds,
        resolved="resolved" in conds,
        behaviour=behaviour(ladder, last_customer, pb.ladder),
    )
    if "no_problem" in conds:
        values["open_ask"] = "what you need"  # an open question that presumes nothing went wrong
    else:  # only a message with some trouble in it is asked what went wrong
        values["trouble_topic"] = values["topic"]
        if "subject" in values:
            values["trouble_subject"] = values["subject"]
    if "label:customer.repeating" in conds:
        values["keep_paraphrase"] = "yes"  # they have explained before: show it was heard
    escalation = _escalation(pb, conds, values)
    if escalation is not None:
        conds["escalation"] = [f"rule {escalation.rule}: to {escalation.to}", *escalation.reasons]
        values["tell"] = escalation.tell_customer
        rule = next(r for r in pb.escalation if r.id == escalation.rule)
        if _fired_before(rule.when, customers, analysis, pb.thresholds.repeated_contact):
            # Already offered at an earlier turn: confirm it rather than repeat it.
            values["tell"] = _FOLLOW_ON[len(customers) % len(_FOLLOW_ON)].format(to=escalation.to)
    return Plan(analysis, pb, facts, ladder, conds, values, escalation)


def decide(
    analysis: Analysis | Conversation,
    *,
    playbook: Playbook | None = None,
    now: datetime | None = None,
    channel: str = "chat",
    ladder_before: LadderState | None = None,
) -> Guidance:
    """Recommend the agent's next moves after the last turn of ``analysis``.

    Args:
        analysis: the analysed conversation (a :class:`Conversation` is analysed first).
        playbook: the playbook to follow (default: the shipped one).
        now: the current time for time awareness (default: the last turn's timestamp).
        channel: ``chat`` or ``email``; sets the waiting-time limits.
        ladder_before: the boundary ladder after every turn but the last, under the same
            playbook (the previous turn's ``Guidance.ladder``): a live conversation then
            steps the ladder one turn instead of replaying it. Same result either way.

    Returns:
        The ranked moves with their reasons, one suggested reply, the ladder and escalation.
    """
    plan = prepare(analysis, playbook=playbook, now=now, channel=channel, ladder_before=ladder_before)
    pb, conds, values, ladder, escalation = plan.playbook, plan.conditions, plan.values, plan.ladder, plan.escalation
    analysis, turns = plan.analysis, plan.analysis.turns
    moves = []
    for rule in pb.moves:
        hits = [t for t in rule.when if t.condition in conds]
        score = max(0.0, min(1.0, sum(t.weight for t in hits)))
        if score >= pb.thresholds.min_score:
            why = tuple(r for t in hits if t.weight > 0 for r in conds[t.condition])
            moves.append(Move(rule.id, score, why, rule.title))
    moves.sort(key=lambda m: (-m.score, MOVE_IDS.index(m.id)))
    ranked = tuple(moves[: pb.thresholds.max_moves])
    ids = [m.id for m in ranked]
    if ladder.active and ladder.rung >= 4:
        chosen = ["boundary"]
    elif "checking_overdue" in conds and "still_here" in ids:
        # the overdue update is the reply; abuse in this very message still gets its boundary first
        chosen = ["boundary", "still_here"] if ladder.active and "boundary" in ids else ["still_here"]
    else:
        chosen = ids[: pb.thresholds.reply_moves]
        if "boundary" in ids and "boundary" not in chosen:
            chosen = ["boundary", *chosen[:-1]]
    index = turns[-1].index if turns else -1
    agents = [t.turn.text for t in turns if t.turn.role is Role.AGENT]
    reply = compose_reply(
        pb,
        chosen,
        values,
        seed=f"{analysis.conversation.id}:{sum(t.turn.role is Role.CUSTOMER for t in turns)}",
        previous_agent_texts=agents,
        rung=ladder.rung if ladder.active else 0,
        fog="intimidation" in conds,
    )
    return Guidance(index, ranked, reply, ladder, escalation)
