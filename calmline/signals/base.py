"""The detector interface and the context detectors see.

A detector is a small class with a versioned ``name`` (``"abuse.insult.v1"``), the
``labels`` it can emit, and ``detect(message, context)`` returning signals. Changing
what a detector does means registering a ``.v2`` beside it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from calmline.signals._text import Message
from calmline.types import Signal, Span

__all__ = ["Context", "Detector", "make_signal"]


@dataclass(frozen=True, slots=True)
class Context:
    """What a detector may know beyond the message itself.

    Attributes:
        emotion: the emotion model's probabilities for this message.
        offensive: the offensive-language model's probability for this message.
        previous_agent_text: the agent's last message before this one, if any.
        previous_frustration: the customer's frustration on their previous turn.
    """

    emotion: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    offensive: float = 0.0
    previous_agent_text: str | None = None
    previous_frustration: float = 0.0

    @property
    def negativity(self) -> float:
        """Probability mass of the negative emotions."""
        e = self.emotion
        return e.get("anger", 0.0) + e.get("frustration", 0.0) + e.get("disappointment", 0.0)


class Detector(ABC):
    """Base class of every detector."""

    name: ClassVar[str]
    labels: ClassVar[tuple[str, ...]]
    #: Words of which at least one must be among a message's tokens for ``detect`` to
    #: find anything; ``None`` means "always run". Set by ``load``; lets the reader
    #: skip the detector with one set intersection.
    gate: frozenset[str] | None = None

    def load(self) -> None:  # noqa: B027 - optional hook
        """Load lexicons or models; called once before the first ``detect``."""

    @abstractmethod
    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        """Return the signals found in ``message``."""


def make_signal(
    label: str,
    score: float,
    message: Message,
    spans: Iterable[tuple[int, int]],
    source: str,
    explanation: str,
) -> Signal:
    """Build a :class:`Signal`, cutting evidence text from the original message.

    Overlapping spans are merged and surrounding whitespace trimmed, so each piece of
    evidence is shown once.
    """
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        while a < b and message.text[a].isspace():
            a += 1
        while b > a and message.text[b - 1].isspace():
            b -= 1
        if a >= b:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    evidence = tuple(Span(a, b, message.text[a:b]) for a, b in merged)
    return Signal(
        label=label,
        score=max(0.0, min(1.0, score)),
        evidence=evidence,
        source=source,
        explanation=explanation,
    )
