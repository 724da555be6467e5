"""Build analyses by hand, so playbook and coach tests do not depend on trained models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calmline.types import Analysis, Conversation, ConversationState, Role, Signal, Span, Turn, TurnAnalysis

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
Item = tuple[str, str] | tuple[str, str, dict[str, str]] | tuple[str, str, dict[str, str], float]


def signal(label: str, evidence: str, text: str, score: float = 0.9) -> Signal:
    """A signal whose evidence is the first occurrence of ``evidence`` in ``text``."""
    i = text.find(evidence)
    assert i >= 0, f"{evidence!r} not in {text!r}"
    return Signal(label, score, (Span(i, i + len(evidence), evidence),), f"{label}.v1", "test")


def build(*items: Item, cid: str = "c1", gaps: list[float] | None = None, emotion: str = "frustration") -> Analysis:
    """``items`` are ``(role, text[, {label: evidence}[, frustration]])``; ``gaps`` are seconds between turns."""
    turns, tas, states = [], [], []
    ts = T0
    counts: dict[str, int] = {}
    for i, item in enumerate(items):
        role, text = item[0], item[1]
        labels: dict[str, str] = item[2] if len(item) > 2 else {}  # type: ignore[misc]
        frustration: float = item[3] if len(item) > 3 else 0.0  # type: ignore[misc]
        if i and gaps:
            ts = ts + timedelta(seconds=gaps[i - 1])
        elif i:
            ts = ts + timedelta(seconds=20)
        turn = Turn(Role(role), text, ts=ts)
        sigs = tuple(signal(lab, ev, text) for lab, ev in labels.items())
        customer = role == "customer"
        for lab in labels:
            counts[lab] = counts.get(lab, 0) + 1
        tas.append(TurnAnalysis(i, turn, sigs, frustration if customer else None, emotion if customer else None))
        turns.append(turn)
        states.append(ConversationState(frustration_last=frustration, label_counts=dict(counts)))
    return Analysis(Conversation(cid, tuple(turns)), tuple(tas), tuple(states))


#: What an agent types over each placeholder before sending a suggested reply.
AGENT_FILLS = {
    "ticket": "CL-000123",
    "timeframe": "two working days",
    "callback_time": "3pm tomorrow",
    "follow_up_date": "Friday",
    "option": "send a replacement today",
    "policy": "refunds above £100 need a manager's approval",
}


def filled(reply: str) -> str:
    """``reply`` as the agent sends it: every placeholder filled in."""
    for name, value in AGENT_FILLS.items():
        reply = reply.replace("{" + name + "}", value)
    return reply
