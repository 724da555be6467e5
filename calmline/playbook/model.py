"""Plain, frozen data produced by the playbook engine.

:func:`calmline.playbook.decide` returns a :class:`Guidance`: the ranked next
:class:`Move` objects with their reasons, one suggested reply, the boundary-ladder
state (:class:`LadderState`, a log of :class:`LadderStep`) and an optional
:class:`Escalation`. ``to_dict`` gives the documented JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calmline.types import Span

__all__ = ["MOVE_IDS", "Escalation", "Guidance", "LadderState", "LadderStep", "Move"]

#: The stable move identifiers, in the order a reply is composed.
MOVE_IDS: tuple[str, ...] = (
    "boundary",
    "condolences",
    "appreciate",
    "acknowledge",
    "own_it",
    "paraphrase",
    "clarify",
    "bad_news_staged",
    "alternative",
    "hold_permission",
    "still_here",
    "escalate",
    "next_steps",
    "ticket_contact",
    "close",
    "follow_up",
)


@dataclass(frozen=True, slots=True)
class Move:
    """One recommended next move.

    Attributes:
        id: a stable move id from :data:`MOVE_IDS`.
        score: how strongly it is recommended, 0..1.
        why: the reasons, each citing the signal label, score and evidence or the state.
        title: a short human description of the move.
    """

    id: str
    score: float
    why: tuple[str, ...]
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"move": self.id, "score": round(self.score, 3), "why": list(self.why)}


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One logged step of the boundary ladder.

    Attributes:
        turn_index: the customer turn that moved the ladder.
        rung: the rung after this turn (1..4).
        reason: why it moved.
        evidence: the spans of the customer's text that triggered it.
    """

    turn_index: int
    rung: int
    reason: str
    evidence: tuple[Span, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "turn_index": self.turn_index,
            "rung": self.rung,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class LadderState:
    """The boundary ladder after replaying a conversation.

    Attributes:
        rung: the current rung, 0 (no boundary needed yet) to 4 (end and escalate).
        steps: every move of the ladder, in order.
        strikes: how many turns carried abuse aimed at the agent.
        active: whether the last customer turn itself moved the ladder.
        seen: how many customer turns carried each label so far (for tolerated kinds).
    """

    rung: int = 0
    steps: tuple[LadderStep, ...] = ()
    strikes: int = 0
    active: bool = False
    seen: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"rung": self.rung, "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True, slots=True)
class Escalation:
    """Where the conversation should go and what to tell the customer.

    Attributes:
        rule: the id of the escalation rule that fired.
        to: who it goes to.
        tell_customer: what to say about it, including a callback when nobody is free.
        reasons: the signals and state behind it.
    """

    rule: str
    to: str
    tell_customer: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "to": self.to, "tell_customer": self.tell_customer, "why": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class Guidance:
    """What the agent should do next.

    Attributes:
        turn_index: the last turn the guidance looked at (``-1`` for an empty conversation).
        moves: the recommended moves, best first.
        suggested_reply: one reply grounded in this conversation (placeholders such
            as ``{ticket}`` stand where a fact is unknown).
        ladder: the boundary ladder state.
        escalation: the escalation that applies, or ``None``.
    """

    turn_index: int
    moves: tuple[Move, ...]
    suggested_reply: str
    ladder: LadderState
    escalation: Escalation | None = None

    def move_ids(self) -> list[str]:
        """The ids of the recommended moves, best first."""
        return [m.id for m in self.moves]

    def to_dict(self) -> dict[str, Any]:
        return {
            "moves": [m.to_dict() for m in self.moves],
            "suggested_reply": self.suggested_reply,
            "ladder": self.ladder.to_dict(),
            "escalation": None if self.escalation is None else self.escalation.to_dict(),
        }
