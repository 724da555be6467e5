"""Lexicon valence of a text: one input of the learned negativity's stack (issue #13).

The word valences are VADER's lexicon (Hutto & Gilbert 2014; PyPI ``vaderSentiment``
3.3.2, MIT licence), exported by ``training/train_learned.py`` into ``valence.json``
with its attribution. Only the lexicon is used, in a much smaller computation than
VADER's: the valences of the known words and emoticons, a word within three after a
negator counts ``-0.74`` times, words before the first "but" count half and words after it
one and a half times (VADER's contrast rule), and the sum ``s`` is squashed to
``s / sqrt(s^2 + 15)`` in [-1, 1] (VADER's normalisation). Politeness ("thanks", "please",
"appreciate") carries no valence: support customers thank before they complain; nor do words in
double quotes (a title, the agent's words quoted back, scare quotes). Measured in ``make bench``
as part of the stack.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from calmline.errors import ModelError

__all__ = ["Valence", "load_valence"]

_TOKEN = re.compile(r"[a-z']+|[:;=][-~]?[()dpo/\\|]", re.I)
# the same on lower-cased ASCII text, where ignoring case changes nothing: the engine's case
# folding made it about twice as slow
_TOKEN_ASCII = re.compile(_TOKEN.pattern)
_NEGATORS = frozenset(
    {"not", "no", "never", "isn't", "don't", "doesn't", "didn't", "can't", "won't", "wasn't", "aren't", "nothing",
     "nobody", "cannot", "without", "isnt", "dont", "doesnt", "didnt", "cant", "wont", "wasnt", "arent"}
)  # fmt: skip
_NEGATED = -0.74  # VADER's own factor for a negated word
_WINDOW = 3
_ALPHA = 15.0
_BEFORE_BUT, _AFTER_BUT = 0.5, 1.5  # VADER's own factors
_QUOTED = re.compile('["\u201c][^"\u201c\u201d\n]{1,80}["\u201d]')


class Valence:
    """``score(text)`` in [-1, 1]: negative words pull down, positive ones up."""

    def __init__(self, words: dict[str, float]) -> None:
        self.words = words

    def score(self, text: str) -> float:
        lex = self.words
        low = text.lower()
        if '"' in low or "\u201c" in low:  # quoted words are someone else's (a title, the agent's promise)
            low = _QUOTED.sub(" ", low)
        toks = (_TOKEN_ASCII if low.isascii() else _TOKEN).findall(low)
        if lex.keys().isdisjoint(toks):
            return 0.0
        if _NEGATORS.isdisjoint(toks) and "but" not in toks:
            # the known words' values in order (a 0.0 left out changes no sum): C-level loops
            total = sum(filter(None, map(lex.get, toks)))
        else:
            hits = [(i, v) for i, t in enumerate(toks) if (v := lex.get(t)) is not None]
            vals = [v * _NEGATED if not _NEGATORS.isdisjoint(toks[max(0, i - _WINDOW) : i]) else v for i, v in hits]
            if "but" in toks:  # VADER's contrast rule: what comes after "but" weighs three times what comes before
                at = toks.index("but")
                vals = [v * (_BEFORE_BUT if i < at else _AFTER_BUT) for (i, _), v in zip(hits, vals, strict=True)]
            total = sum(vals)
        return total / math.sqrt(total * total + _ALPHA)


#: politeness that support customers write before a complaint ("thanks, but ...", "please, I need ..."):
#: it says nothing about how they feel, so it carries no valence here
_POLITENESS = frozenset({"thank", "thanks", "thx", "ty", "please", "appreciate", "appreciated"})


@lru_cache(maxsize=1)
def load_valence() -> Valence:
    """The shipped lexicon (``valence.json``)."""
    try:
        meta = json.loads(resources.files("calmline.models").joinpath("valence.json").read_text("utf-8"))
        return Valence({str(k): float(v) for k, v in meta["words"].items() if k not in _POLITENESS})
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"valence lexicon missing or corrupt: {exc}; rebuild it with `make train`") from exc
