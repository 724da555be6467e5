"""The valence fast paths (ASCII tokeniser, C-level sums) score exactly like the plain definition (#14)."""

from __future__ import annotations

import math
import random

from calmline.models._valence import (
    _AFTER_BUT,
    _ALPHA,
    _BEFORE_BUT,
    _NEGATED,
    _NEGATORS,
    _QUOTED,
    _TOKEN,
    _WINDOW,
    load_valence,
)


def _reference(text: str, lex: dict[str, float]) -> float:
    low = text.lower()
    toks = _TOKEN.findall(_QUOTED.sub(" ", low) if '"' in low or "\u201c" in low else low)
    hits = [(i, v) for i, t in enumerate(toks) if (v := lex.get(t)) is not None]
    if not hits:
        return 0.0
    vals = [v * _NEGATED if not _NEGATORS.isdisjoint(toks[max(0, i - _WINDOW) : i]) else v for i, v in hits]
    if "but" in toks:
        at = toks.index("but")
        vals = [v * (_BEFORE_BUT if i < at else _AFTER_BUT) for (i, _), v in zip(hits, vals, strict=True)]
    total = sum(vals)
    return total / math.sqrt(total * total + _ALPHA)


def test_scores_equal_the_plain_definition_bit_for_bit() -> None:
    v = load_valence()
    words = sorted(v.words)
    rng = random.Random(14)
    texts = [
        "", "ok", "zzz qqq", "I love it :)", "NOT BAD :P", "this is not good at all", "GOOD :D",
        "ſad ſtuff", "İyi", "KIND regards", "ﬁne", "no, never happy", "great great great :( :(",
    ]  # fmt: skip
    fillers = ["the", "not", "no", "it", ":)", "NEVER", "Ok", "ſ", "é", "!", "but", "BUT", '"', "\u201c", "\u201d"]
    for _ in range(400):
        texts.append(" ".join(rng.choice(words + fillers).upper() if rng.random() < 0.2 else rng.choice(words + fillers)
                              for _ in range(rng.randint(1, 12))))  # fmt: skip
    for t in texts:
        assert repr(v.score(t)) == repr(_reference(t, v.words)), t
