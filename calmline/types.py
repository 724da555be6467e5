"""Plain, frozen data exchanged between Calmline's layers.

Detectors produce :class:`Signal` objects, :func:`calmline.analyze` wraps them in
:class:`TurnAnalysis` and :class:`Analysis`; the playbook, the coach, the CLI and the
service only read these objects. ``to_dict`` gives the documented JSON shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = [
    "CUSTOMER_LABELS",
    "EMOTIONS",
    "LABEL_MEANINGS",
    "Analysis",
    "Conversation",
    "ConversationState",
    "LearnedWhy",
    "Role",
    "Signal",
    "Span",
    "Turn",
    "TurnAnalysis",
]

#: The customer signal labels, a contract read by other tools (see docs/labels.md).
CUSTOMER_LABELS: tuple[str, ...] = (
    "abuse.insult",
    "abuse.profanity",
    "abuse.yelling",
    "abuse.harassment",
    "threat.personal",
    "threat.legal",
    "threat.public",
    "threat.churn",
    "request.manager",
    "request.refund",
    "customer.repeating",
    "customer.waiting",
    "customer.sarcasm",
)

#: What each customer label means, in one line (``calmline labels``; the full contract is docs/labels.md).
LABEL_MEANINGS: dict[str, str] = {
    "abuse.insult": (
        "Name-calling or demeaning remarks aimed at the agent or staff, a bot agent included"
        " (not criticism of a product or bot)."
    ),
    "abuse.profanity": "Swearing, including masked, leetspeak, spaced-out and abbreviated forms (not minced oaths).",
    "abuse.yelling": "Shouting in text: several words in capitals or hostile runs of '!!!' / '???'.",
    "abuse.harassment": "Sexual, sexist, racist or other identity-based remarks or advances aimed at the agent.",
    "threat.personal": "Intimidation of the agent: harm, their job, their whereabouts, exposing them.",
    "threat.legal": "Lawyers, suing, regulators, ombudsmen or chargebacks raised as a threat.",
    "threat.public": "Going public: social media, reviews, the press, posting the chat.",
    "threat.churn": "A stated intent to cancel, close the account, not renew or switch provider.",
    "request.manager": "Asks for a supervisor, someone senior, an escalation or another person.",
    "request.refund": "Asks for money back, compensation, a credit or a fee removed, or chases one owed.",
    "customer.repeating": "Says they already explained or sent something, or contacted support several times.",
    "customer.waiting": "Complains of waiting: hold or queue time, no reply or callback, a delay of days or weeks.",
    "customer.sarcasm": "Praise or thanks that means the opposite ('thanks for nothing').",
}

#: The dominant-emotion values of a customer turn.
EMOTIONS: tuple[str, ...] = (
    "frustration",
    "anger",
    "disappointment",
    "anxiety",
    "confusion",
    "satisfaction",
    "neutral",
)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return _EMPTY


class Role(StrEnum):
    """Who wrote a turn."""

    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a conversation."""

    role: Role
    text: str
    ts: datetime | None = None
    author: str | None = None
    id: str | None = None
    meta: Mapping[str, Any] = field(default_factory=_empty)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role.value, "text": self.text}
        if self.ts is not None:
            out["ts"] = _iso(self.ts)
        if self.author is not None:
            out["author"] = self.author
        if self.id is not None:
            out["id"] = self.id
        out.update(self.meta)
        return out


@dataclass(frozen=True, slots=True)
class Conversation:
    """An ordered list of turns with an identifier and free-form metadata."""

    id: str
    turns: tuple[Turn, ...]
    metadata: Mapping[str, Any] = field(default_factory=_empty)

    @classmethod
    def from_texts(cls, *pairs: tuple[str, str], id: str = "conversation") -> Conversation:
        """Build a conversation from ``(role, text)`` pairs, mainly for tests and notebooks."""
        return cls(id=id, turns=tuple(Turn(role=Role(r), text=t) for r, t in pairs))


@dataclass(frozen=True, slots=True)
class Span:
    """Evidence: a character range of the turn's text (``text[start:end]``)."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Signal:
    """One judgement about a turn, with the evidence and the reason for it.

    Attributes:
        label: one of :data:`CUSTOMER_LABELS` (or a coach label for agent drafts).
        score: confidence 0..1.
        evidence: the character spans that triggered it.
        source: the versioned name of the detector (``"abuse.insult.v1"``).
        explanation: one line saying why.
    """

    label: str
    score: float
    evidence: tuple[Span, ...]
    source: str
    explanation: str

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Signal:
        """Rebuild a signal from :meth:`to_dict` output (e.g. one stored in a database)."""
        return cls(
            label=str(d["label"]),
            score=float(d["score"]),
            evidence=_spans(d.get("evidence", ())),
            source=str(d.get("source", "")),
            explanation=str(d.get("explanation", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "score": round(self.score, 3),
            "evidence": [s.to_dict() for s in self.evidence],
            "source": self.source,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class LearnedWhy:
    """Why a learned score is what it is: its one-line reason and the words that pushed it, as spans."""

    reason: str
    evidence: tuple[Span, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LearnedWhy:
        return cls(str(d.get("reason", "")), _spans(d.get("evidence", ())))

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "evidence": [s.to_dict() for s in self.evidence]}


def _spans(rows: Any) -> tuple[Span, ...]:
    return tuple(Span(int(e["start"]), int(e["end"]), str(e["text"])) for e in rows)


@dataclass(frozen=True, slots=True)
class TurnAnalysis:
    """What Calmline read in one turn. Customer-only fields are ``None`` on other roles."""

    index: int
    turn: Turn
    signals: tuple[Signal, ...] = ()
    frustration: float | None = None
    emotion: str | None = None
    emotion_scores: Mapping[str, float] = field(default_factory=_empty)
    frustration_reasons: tuple[str, ...] = ()
    #: the learned layer's stacked scores (``abuse``, ``negative``, ``sarcasm``, ``complaint``), 0..1
    learned: Mapping[str, float] = field(default_factory=_empty)
    #: per learned score, its reason and the words that pushed it (spans of the turn's text)
    learned_why: Mapping[str, LearnedWhy] = field(default_factory=_empty)

    def labels(self) -> frozenset[str]:
        """The set of signal labels on this turn."""
        return frozenset(s.label for s in self.signals)

    def signal(self, label: str) -> Signal | None:
        """The signal with ``label``, or ``None``."""
        for s in self.signals:
            if s.label == label:
                return s
        return None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], turn: Turn) -> TurnAnalysis:
        """Rebuild a turn's analysis from :meth:`to_dict` output and the turn it belongs to."""
        frustration = d.get("frustration")
        return cls(
            index=int(d["index"]),
            turn=turn,
            signals=tuple(Signal.from_dict(s) for s in d.get("signals", ())),
            frustration=None if frustration is None else float(frustration),
            emotion=d.get("emotion"),
            frustration_reasons=tuple(d.get("frustration_reasons", ())),
            learned={str(k): float(v) for k, v in (d.get("learned") or {}).items()},
            learned_why={str(k): LearnedWhy.from_dict(v) for k, v in (d.get("learned_why") or {}).items()},
        )

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "role": self.turn.role.value}
        if include_text:
            out["text"] = self.turn.text
        if self.turn.id is not None:
            out["id"] = self.turn.id
        if self.turn.ts is not None:
            out["ts"] = _iso(self.turn.ts)
        if self.frustration is not None:
            out["frustration"] = round(self.frustration, 3)
            out["emotion"] = self.emotion
            out["frustration_reasons"] = list(self.frustration_reasons)
        if self.learned:
            out["learned"] = {k: round(v, 3) for k, v in self.learned.items()}
        if self.learned_why:
            out["learned_why"] = {k: v.to_dict() for k, v in self.learned_why.items()}
        out["signals"] = [s.to_dict() for s in self.signals]
        for key, value in self.turn.meta.items():  # the input's own fields travel through untouched
            out.setdefault(key, value)
        return out


@dataclass(frozen=True, slots=True)
class ConversationState:
    """The conversation as it stands after a turn.

    Attributes:
        frustration_trend: ``rising``, ``falling`` or ``steady`` over recent customer turns.
        frustration_last: the last customer turn's frustration (0 before any).
        frustration_peak: the highest customer frustration so far.
        escalation_risk: 0..1, how likely this conversation needs a supervisor.
        risk_reasons: why the risk is what it is, most important first.
        abuse_count: abuse signals (``abuse.*``) seen so far.
        threat_count: threat signals (``threat.*``) seen so far.
        label_counts: how many customer turns carried each label.
        customer_turns: customer turns so far.
    """

    frustration_trend: str = "steady"
    frustration_last: float = 0.0
    frustration_peak: float = 0.0
    escalation_risk: float = 0.0
    risk_reasons: tuple[str, ...] = ()
    abuse_count: int = 0
    threat_count: int = 0
    label_counts: Mapping[str, int] = field(default_factory=_empty)
    customer_turns: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "frustration_trend": self.frustration_trend,
            "frustration_last": round(self.frustration_last, 3),
            "frustration_peak": round(self.frustration_peak, 3),
            "escalation_risk": round(self.escalation_risk, 3),
            "risk_reasons": list(self.risk_reasons),
            "abuse_count": self.abuse_count,
            "threat_count": self.threat_count,
            "label_counts": dict(self.label_counts),
            "customer_turns": self.customer_turns,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ConversationState:
        """The state ``to_dict`` wrote (its scores rounded to three decimals)."""
        return cls(
            frustration_trend=str(d.get("frustration_trend", "steady")),
            frustration_last=float(d.get("frustration_last", 0.0)),
            frustration_peak=float(d.get("frustration_peak", 0.0)),
            escalation_risk=float(d.get("escalation_risk", 0.0)),
            risk_reasons=tuple(d.get("risk_reasons", ())),
            abuse_count=int(d.get("abuse_count", 0)),
            threat_count=int(d.get("threat_count", 0)),
            label_counts=MappingProxyType({str(k): int(v) for k, v in dict(d.get("label_counts", {})).items()}),
            customer_turns=int(d.get("customer_turns", 0)),
        )


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of a whole conversation: one entry per turn and the final state.

    ``states[i]`` is the state after turn ``i``; ``state`` is the last one.
    """

    conversation: Conversation
    turns: tuple[TurnAnalysis, ...]
    states: tuple[ConversationState, ...]

    @property
    def state(self) -> ConversationState:
        return self.states[-1] if self.states else ConversationState()

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.conversation.id,
            "turns": [t.to_dict(include_text=include_text) for t in self.turns],
            "state": self.state.to_dict(),
        }
        for key, value in self.conversation.metadata.items():  # unknown input fields travel through
            out.setdefault(key, value)
        return out


def _iso(ts: datetime) -> str:
    text = ts.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
