"""The boundary ladder, replayed over a conversation.

Abuse aimed at the agent (the policy's ``climb_labels``; profanity only when it
comes with one of them) moves the ladder to the rung the preset gives for that
strike: ``three_strikes`` is 1, 2, 3, 4 and ``one_warning`` is 3, 4. A threat to
the agent's safety jumps straight to rung 4. Swearing at a situation never climbs;
with ``gentle_on_swearing`` it earns at most a gentle rung 1. The rung never goes
down within a conversation, and every move is logged with its evidence.
"""

from __future__ import annotations

from calmline.playbook.config import LadderPolicy
from calmline.playbook.model import LadderState, LadderStep
from calmline.types import Analysis, Role, Signal, TurnAnalysis

__all__ = ["advance_ladder", "aimed_signals", "replay_ladder", "step_turn"]


def aimed_signals(turn: TurnAnalysis, policy: LadderPolicy) -> list[Signal]:
    """The signals on ``turn`` that are abuse aimed at the agent under ``policy``."""
    aimed = [s for s in turn.signals if s.label in policy.climb_labels]
    if aimed:
        aimed += [s for s in turn.signals if s.label == "abuse.profanity"]
    return aimed


def _tolerated(aimed: list[Signal], seen: dict[str, int], policy: LadderPolicy) -> bool:
    """Whether this turn's only aimed abuse is a kind the policy lets pass a few times.

    Shouting in capitals on its own is usually frustration boiling over, not an attack
    on the agent: by default the first such turn is answered with acknowledgement,
    not a boundary. Any other aimed label in the same turn always counts.
    """
    kinds = {s.label for s in aimed if s.label != "abuse.profanity"}
    return bool(kinds) and all(seen.get(k, 0) <= policy.tolerate.get(k, 0) for k in kinds)


def _is_harm(turn: TurnAnalysis, policy: LadderPolicy) -> Signal | None:
    threat = turn.signal("threat.personal")
    if threat is None:
        return None
    texts = [e.text.lower() for e in threat.evidence] + [turn.turn.text.lower()]
    return threat if any(policy.harm_regex.search(t) for t in texts) else None


def _cite(signals: list[Signal]) -> str:
    return ", ".join(f"{s.label} ({s.score:.2f})" for s in signals)


def step_turn(state: LadderState, turn: TurnAnalysis, policy: LadderPolicy) -> LadderState:
    """The ladder after one more customer turn."""
    aimed = aimed_signals(turn, policy)
    counts = _count_seen(state, turn)
    seen = tuple(sorted(counts.items()))
    harm = _is_harm(turn, policy)
    if harm is not None:
        step = LadderStep(turn.index, 4, f"threat to the agent's safety: {_cite([harm])}", harm.evidence)
        return LadderState(4, (*state.steps, step), state.strikes + 1, True, seen)
    if aimed and _tolerated(aimed, counts, policy):
        aimed = []
    if aimed:
        strikes = state.strikes + 1
        target = policy.sequence[min(strikes, len(policy.sequence)) - 1]
        rung = max(state.rung, target)
        evidence = tuple(e for s in aimed for e in s.evidence)
        step = LadderStep(turn.index, rung, f"abuse aimed at the agent (strike {strikes}): {_cite(aimed)}", evidence)
        return LadderState(rung, (*state.steps, step), strikes, True, seen)
    swearing = turn.signal("abuse.profanity")
    gentle = policy.gentle_on_swearing and state.rung == 0
    if gentle and swearing is not None and (turn.frustration or 0.0) >= policy.gentle_frustration:
        reason = f"swearing at the situation, gentle request per policy: {_cite([swearing])}"
        step = LadderStep(turn.index, 1, reason, swearing.evidence)
        return LadderState(1, (*state.steps, step), state.strikes, True, seen)
    return LadderState(state.rung, state.steps, state.strikes, False, seen)


def _count_seen(state: LadderState, turn: TurnAnalysis) -> dict[str, int]:
    """How many customer turns so far (this one included) carried each label."""
    counts = dict(state.seen)
    for label in turn.labels():
        counts[label] = counts.get(label, 0) + 1
    return counts


def advance_ladder(state: LadderState, turn: TurnAnalysis, policy: LadderPolicy) -> LadderState:
    """The ladder after one more turn of any role."""
    if turn.turn.role is Role.CUSTOMER:
        return step_turn(state, turn, policy)
    if state.active:
        # An agent turn after the abusive one: the next customer turn starts fresh.
        return LadderState(state.rung, state.steps, state.strikes, False, state.seen)
    return state


def replay_ladder(
    analysis: Analysis, policy: LadderPolicy, *, upto: int | None = None, before: LadderState | None = None
) -> LadderState:
    """Replay the turns of ``analysis`` (up to and including index ``upto``).

    ``before``: the ladder after every turn but the last, when the caller already has it
    (the previous turn's ``Guidance.ladder``); then only the last turn is stepped.
    """
    turns = analysis.turns
    if before is not None and upto is None and turns:
        return advance_ladder(before, turns[-1], policy)
    state = LadderState()
    for turn in turns:
        if upto is not None and turn.index > upto:
            break
        state = advance_ladder(state, turn, policy)
    return state


def behaviour(state: LadderState, turn: TurnAnalysis | None, policy: LadderPolicy) -> str:
    """How to name the behaviour of ``turn`` to the customer (``the language`` when unsure)."""
    if turn is not None:
        for s in aimed_signals(turn, policy) + list(turn.signals):
            if s.label in policy.behaviours:
                return policy.behaviours[s.label]
    return "the language"
