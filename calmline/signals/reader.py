"""Reading one customer message: models, detectors and the frustration score together.

:class:`Reader` owns the loaded detectors and models. ``read`` handles one message;
``read_many`` evaluates the models for a whole batch at once (much faster) and then
runs the rule detectors message by message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

from calmline import registry
from calmline.models import load_model
from calmline.signals._text import Message
from calmline.signals.base import Context, Detector
from calmline.signals.detectors import DEFAULT_DETECTORS
from calmline.signals.detectors.tone import is_happy, tone_words
from calmline.types import Signal

__all__ = ["FRUSTRATION_WEIGHTS", "Reader", "Reading", "TextModel"]


class TextModel(Protocol):
    """What the reader needs of a text classifier (the shipped models, or a test fake)."""

    @property
    def classes(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> Any: ...

    def predict_proba_one(self, text: str) -> tuple[float, ...]: ...


#: How much each signal pushes the frustration score (noisy-or weights).
FRUSTRATION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "threat.personal": 0.75,
        "abuse.insult": 0.6,
        "abuse.harassment": 0.5,
        "abuse.yelling": 0.45,
        "threat.legal": 0.45,
        "threat.public": 0.45,
        "customer.sarcasm": 0.45,
        "customer.repeating": 0.45,
        "customer.waiting": 0.4,
        "threat.churn": 0.35,
        "request.manager": 0.4,
        "abuse.profanity": 0.3,
        "request.refund": 0.2,
    }
)
# Emotion-model probability mass counted as frustration.
_EMOTION_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"anger": 1.0, "frustration": 0.9, "disappointment": 0.75, "anxiety": 0.35, "confusion": 0.15}
)
_ANGRY_LABELS = frozenset({"abuse.insult", "threat.personal", "abuse.harassment", "abuse.yelling"})
_FRUSTRATED_LABELS = frozenset(
    {"customer.repeating", "customer.waiting", "customer.sarcasm", "threat.legal", "threat.public", "request.manager"}
)
_ANGRY_EMOJI = re.compile("[😡🤬😠👿💢🖕]")
_SAD_EMOJI = re.compile("[😞😢😭😔☹🙁😩😫]")


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader found in one message."""

    signals: tuple[Signal, ...]
    frustration: float
    emotion: str
    emotion_scores: Mapping[str, float]
    reasons: tuple[str, ...]


class Reader:
    """Runs the detectors and models over customer messages.

    Args:
        detectors: registered detector names to run (default: all built-ins).
        max_chars: longer messages are read up to this many characters.
    """

    def __init__(
        self,
        detectors: Sequence[str] | None = None,
        *,
        max_chars: int = 20_000,
        emotion_model: TextModel | None = None,
        offensive_model: TextModel | None = None,
    ) -> None:
        names = (*DEFAULT_DETECTORS, *registry.plugins()) if detectors is None else tuple(detectors)
        self.detectors: list[Detector] = [registry.get(n)() for n in names]
        for d in self.detectors:
            d.load()
        self.emotion_model: TextModel = emotion_model or load_model("emotion")
        self.offensive_model: TextModel = offensive_model or load_model("offensive")
        self.max_chars = max_chars
        self._classes = tuple(self.emotion_model.classes)
        self._off_index = (
            list(self.offensive_model.classes).index("offensive") if "offensive" in self.offensive_model.classes else -1
        )
        self._negative_words = tone_words()["negative"]

    @property
    def names(self) -> list[str]:
        """The versioned names of the detectors this reader runs."""
        return [d.name for d in self.detectors]

    def read(
        self,
        text: str,
        *,
        previous_agent_text: str | None = None,
        previous_frustration: float = 0.0,
    ) -> Reading:
        """Read one customer message."""
        message = Message(text, max_chars=self.max_chars)
        emo = self.emotion_model.predict_proba_one(message.text)
        off = self.offensive_model.predict_proba_one(message.text)[self._off_index]
        return self.finish(message, emo, off, previous_agent_text, previous_frustration)

    def score_models(self, texts: Sequence[str]) -> list[tuple[Message, list[float], float]]:
        """Prepare a batch of messages and evaluate the models on all of them at once."""
        messages = [Message(t, max_chars=self.max_chars) for t in texts]
        if not messages:
            return []
        plain = [m.text for m in messages]
        emo = self.emotion_model.predict_proba(plain).tolist()
        off = self.offensive_model.predict_proba(plain)[:, self._off_index].tolist()
        return list(zip(messages, emo, off, strict=True))

    def read_many(self, texts: Sequence[str]) -> list[Reading]:
        """Read a batch of unrelated customer messages (models evaluated once for the batch)."""
        return [self.finish(m, e, o) for m, e, o in self.score_models(texts)]

    def finish(
        self,
        message: Message,
        emo: Sequence[float],
        offensive: float,
        previous_agent_text: str | None = None,
        previous_frustration: float = 0.0,
    ) -> Reading:
        """Run the detectors on a prepared message whose model scores are known."""
        scores = dict(zip(self._classes, map(float, emo), strict=True))
        context = Context(
            emotion=scores,
            offensive=float(offensive),
            previous_agent_text=previous_agent_text,
            previous_frustration=previous_frustration,
        )
        signals: list[Signal] = []
        tokens = message.token_set
        for d in self.detectors:
            if d.gate is None or not tokens.isdisjoint(d.gate):
                signals.extend(d.detect(message, context))
        frustration, reasons = self._frustration(message, context, signals)
        emotion = self._emotion(scores, signals, frustration)
        return Reading(tuple(signals), frustration, emotion, MappingProxyType(scores), tuple(reasons))

    def _frustration(self, message: Message, context: Context, signals: list[Signal]) -> tuple[float, list[str]]:
        parts: list[tuple[float, str]] = []
        emotion = context.emotion
        model = 0.0
        top, top_p = "", -1.0
        for k, w in _EMOTION_WEIGHTS.items():
            p = emotion.get(k, 0.0)
            model += p * w
            if p > top_p:
                top, top_p = k, p
        if model > 0.05:
            parts.append((0.8 * model, f"emotion model: {top} {top_p:.2f}"))
        for s in signals:
            w = FRUSTRATION_WEIGHTS.get(s.label, 0.0)
            if w:
                parts.append((w * s.score, f"{s.label} {s.score:.2f}"))
        toks = message.token_set
        neg = toks & self._negative_words  # type: ignore[operator]
        if neg:
            parts.append((min(0.45, 0.12 * len(neg)), f"negative words: {', '.join(sorted(neg)[:4])}"))
        text = message.text
        if text.isascii():
            pass
        elif _ANGRY_EMOJI.search(text):
            parts.append((0.5, "angry emoji"))
        elif _SAD_EMOJI.search(text):
            parts.append((0.3, "upset emoji"))
        abuse_kinds = sum(1 for s in signals if s.label.startswith("abuse.") or s.label == "threat.personal")
        if abuse_kinds >= 2:
            parts.append((0.3 * (abuse_kinds - 1), f"{abuse_kinds} kinds of abuse stacked"))
        keep = 1.0
        for p, _ in parts:
            keep *= 1.0 - min(p, 0.98)
        value = 1.0 - keep
        reasons = [r for _, r in sorted(parts, key=lambda x: -x[0])]
        if is_happy(message, context) and not any(s.label in _ANGRY_LABELS for s in signals):
            value *= 0.3
            reasons.insert(0, "positive message (happy words outweigh negative)")
        if not reasons:
            reasons = ["no sign of negative emotion"]
        return round(min(1.0, value), 4), reasons[:5]

    def _emotion(self, scores: Mapping[str, float], signals: list[Signal], frustration: float) -> str:
        labels = {s.label for s in signals}
        top = max(scores, key=scores.__getitem__) if scores else "neutral"
        if labels & _ANGRY_LABELS and frustration >= 0.5:
            return "anger"
        if top in ("neutral", "satisfaction") and frustration >= 0.45:
            return "frustration" if labels & _FRUSTRATED_LABELS or frustration >= 0.6 else top
        if top in ("anger", "frustration", "disappointment") and frustration < 0.15:
            return "neutral"
        return top
