"""Conversation state over the turns: frustration trend, escalation risk and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from calmline.types import ConversationState, Signal

__all__ = ["RISK_WEIGHTS", "StateTracker"]

#: How much each label seen so far adds to escalation risk (noisy-or weights).
RISK_WEIGHTS = MappingProxyType(
    {
        "threat.personal": 0.7,
        "threat.legal": 0.55,
        "request.manager": 0.55,
        "abuse.harassment": 0.45,
        "threat.public": 0.45,
        "abuse.insult": 0.35,
        "threat.churn": 0.35,
        "customer.repeating": 0.3,
        "abuse.yelling": 0.2,
        "customer.waiting": 0.2,
        "request.refund": 0.15,
        "customer.sarcasm": 0.15,
        "abuse.profanity": 0.1,
    }
)
_TREND_DELTA = 0.15
_RECENT = 4


@dataclass
class StateTracker:
    """Accumulates customer turns and produces a :class:`ConversationState` after each.

    It keeps only what the state needs (the last four frustrations, the peak, counts), so a
    tracker can also :meth:`resume` from a stored state instead of replaying the conversation.
    """

    #: the frustration of the last few customer turns (the trend looks at four)
    frustrations: list[float] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    abuse: int = 0
    threats: int = 0
    peak: float = 0.0
    customer_turns: int = 0

    @classmethod
    def resume(cls, state: ConversationState, recent: Sequence[float]) -> StateTracker:
        """The tracker after the turns ``state`` describes; ``recent``: the frustration of the last
        (up to four) customer turns, oldest first."""
        return cls(
            list(recent[-_RECENT:]),
            Counter(state.label_counts),
            state.abuse_count,
            state.threat_count,
            state.frustration_peak,
            state.customer_turns,
        )

    def add(self, frustration: float | None, signals: tuple[Signal, ...]) -> None:
        """Add a turn (``frustration`` is ``None`` for agent and system turns) without computing the state."""
        if frustration is not None:
            f = self.frustrations
            f.append(frustration)
            if len(f) > _RECENT:
                del f[0]
            if frustration > self.peak or not self.customer_turns:
                self.peak = frustration
            self.customer_turns += 1
            for s in signals:
                self.counts[s.label] += 1
                if s.label.startswith("abuse."):
                    self.abuse += 1
                elif s.label.startswith("threat."):
                    self.threats += 1

    def update(self, frustration: float | None, signals: tuple[Signal, ...]) -> ConversationState:
        """Add a turn and return the state after it."""
        self.add(frustration, signals)
        return self.state()

    def trend(self) -> str:
        """``rising``, ``falling`` or ``steady``: the last two customer turns against the two before."""
        f = self.frustrations
        if len(f) < 2:
            return "steady"
        recent = f[-2:] if len(f) >= 4 else f[-1:]
        before = f[-4:-2] if len(f) >= 4 else f[:-1]
        delta = sum(recent) / len(recent) - sum(before) / len(before)
        if delta > _TREND_DELTA:
            return "rising"
        if delta < -_TREND_DELTA:
            return "falling"
        return "steady"

    def state(self) -> ConversationState:
        f = self.frustrations
        last = f[-1] if f else 0.0
        peak = self.peak if f else 0.0
        trend = self.trend()
        parts: list[tuple[float, str]] = []
        if last > 0.2:
            # the text comes from the value as stored (3 decimals), so a state rebuilt from
            # stored turns reads the same as the live one
            parts.append((0.5 * last, f"current frustration {round(last, 3):.2f}"))
        for label, n in self.counts.items():
            w = RISK_WEIGHTS.get(label, 0.0)
            if w:
                parts.append((min(0.95, w * (1 + 0.25 * (n - 1))), f"{label} x{n}" if n > 1 else label))
        if trend == "rising":
            parts.append((0.2, "frustration rising"))
        keep = 1.0
        for p, _ in parts:
            keep *= 1.0 - p
        risk = 1.0 - keep
        if trend == "falling" and f:
            risk *= 0.8
        parts.sort(key=_weight, reverse=True)
        return ConversationState(
            frustration_trend=trend,
            frustration_last=last,
            frustration_peak=peak,
            escalation_risk=round(risk, 4),
            risk_reasons=tuple(r for _, r in parts[:5]),
            abuse_count=self.abuse,
            threat_count=self.threats,
            label_counts=MappingProxyType(dict(self.counts)),
            customer_turns=self.customer_turns,
        )


def _weight(part: tuple[float, str]) -> float:
    return part[0]
