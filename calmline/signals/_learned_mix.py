"""How the reader's frustration follows the learned layer (kept apart from the hot reader loop)."""

from __future__ import annotations

from collections.abc import Mapping

from calmline.models.learned import LearnedScore
from calmline.types import Signal

__all__ = ["combine_frustration"]

#: weight of the stacked learned negativity against the rule frustration
LEARNED_WEIGHT = 0.5


def combine_frustration(
    rule: float, learned: Mapping[str, LearnedScore], reasons: list[str], signals: list[Signal]
) -> float:
    """The frustration after the learned layer; appends the learned reason when it moved the score."""
    neg = learned["negative"]
    value = (1 - LEARNED_WEIGHT) * rule + LEARNED_WEIGHT * neg.score
    if abs(value - rule) >= 0.05:
        reasons.append(neg.reason)
    return round(min(1.0, max(0.0, value)), 4)
