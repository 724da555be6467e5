"""The coach's learned care head: does a sentence express care or remorse, in words no pattern lists?

``coach_care`` (trained by ``training/train_coach.py`` on GoEmotions caring and remorse,
Apache-2.0) is a linear model over word n-grams, evaluated with numpy. The coach credits
its finding as specific empathy only where the sentence also shares meaning with the
customer's own words (see :func:`calmline.coach._reflect.closeness`): warmth that could be
sent to anyone stays uncredited. The words that pushed the score are exact (the linear
head's per-word contributions) and go into the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from calmline.errors import ModelError
from calmline.models import LinearModel, load_model

__all__ = ["Care", "care"]


@dataclass(frozen=True, slots=True)
class Care:
    """The head's probability and the words that pushed it, strongest first."""

    p: float
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def _head() -> tuple[LinearModel, float] | None:
    try:
        model = load_model("coach_care")
    except ModelError:
        return None  # a build without the head: the rules work alone
    return model, float(model.meta.get("threshold", 0.5))


def care(sentence: str) -> Care | None:
    """The learned care finding for ``sentence``, or None below the head's threshold (or without the head)."""
    head = _head()
    if head is None:
        return None
    model, threshold = head
    p = model.predict_proba_one(sentence)[1]
    if p < threshold:
        return None
    return Care(p, tuple(f for f, _ in model.top_features(sentence, "care", k=3)))
