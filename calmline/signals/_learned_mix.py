"""How the reader's frustration follows the learned layer (kept apart from the hot reader loop).

The stacked negativity (a probability, see :mod:`calmline.models.learned`) can *raise* the
rule frustration up to ``LEARNED_CAP`` times itself: what the rules missed (paraphrases,
words no lexicon lists) now counts, while the rules' intensity scale (LABELS.md) and their
positive-message damping stay as they are. Measured against a plain average on real text and
on the hand-written scale in docs/_pending/learn.md: the average ranked real text about as
well but broke the hand-written intensity order (Spearman 0.69 -> 0.57).
"""

from __future__ import annotations

from collections.abc import Mapping

from calmline.models.learned import LearnedScore

__all__ = ["EMPHASIS_REASON", "LEARNED_CAP", "combine_frustration"]

#: the rules' reason for a happy message whose swearing is emphasis; the learned heads read
#: swear words as negative, so they do not overrule this reading
EMPHASIS_REASON = "positive message with swearing as emphasis (happy words outweigh negative)"

#: a purely learned negativity of 1.0 reads as frustration 0.7 ("clearly frustrated")
LEARNED_CAP = 0.7


def combine_frustration(rule: float, learned: Mapping[str, LearnedScore], reasons: list[str]) -> float:
    """The frustration after the learned layer; adds the learned reason when it raised the score."""
    neg = learned["negative"]
    value = LEARNED_CAP * neg.score
    if value < rule + 0.05 or EMPHASIS_REASON in reasons:
        return rule
    if reasons == ["no sign of negative emotion"]:
        reasons.clear()
    reasons.insert(0, neg.reason)
    del reasons[5:]
    return round(min(1.0, value), 3)  # the precision of the output (TurnAnalysis.to_dict)
