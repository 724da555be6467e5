"""A word TF-IDF + calibrated linear ensemble evaluated with numpy: the abuse head (issue #13).

The weights are alt-profanity-check's (MIT, PyPI ``alt-profanity-check``: a TF-IDF
vectoriser and five sigmoid-calibrated linear SVMs trained on about 200,000 labelled
texts), exported by ``training/train_learned.py --only abuse`` into ``learned_abuse.npz``,
so the run time needs neither scikit-learn nor joblib. The arithmetic is the library's
own, reproduced exactly (``tests/models/test_abuse_head.py`` compares them):

* tokens: lowercase, ``(?u)\\b\\w\\w+\\b`` (written ``\\w{2,}``, the same tokens); those outside the
  vocabulary are dropped;
* ``x = l2norm(count * idf)``;
* per fold ``d = w . x + b`` and ``p = 1 / (1 + exp(A d + B))``; the probability is the fold mean.

Each word's share of the mean decision (``x_j * mean(w_j)``) is exact, so the score says
which words pushed it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from calmline.errors import ModelError

__all__ = ["TfidfEnsemble", "load_tfidf"]

#: scikit-learn's default token pattern ``(?u)\b\w\w+\b``: a greedy run of two or more word
#: characters always spans a whole run, so the word boundaries add nothing but time
_TOKEN = re.compile(r"\w{2,}")
#: joins a batch for one regex scan: a token of its own that no text is expected to hold (checked)
_SEP_WORD = "qqcalmlinebatchsepqq"
_SEP = f" {_SEP_WORD} "
_SEP_ALT = "qqcalmlinebatchsepqx"  # what the separator word becomes inside a text (unknown as well)
#: a word's mean weight must reach this to count as evidence (about the top 2 % of the abuse
#: head's 15,442 words: "idiot" 6.3, "liar" 2.6, "garbage" 2.1; not "attractive" 1.0, "job" 0.5)
STRONG_WEIGHT = 1.5


class TfidfEnsemble:
    """``predict`` gives P(label) per text; ``top_features`` the words that pushed it up."""

    def __init__(self, words: Sequence[str], idf: npt.NDArray[np.float64], folds: npt.NDArray[np.float64]) -> None:
        if folds.ndim != 2 or folds.shape[1] != len(words) + 3 or len(idf) != len(words):
            raise ModelError("abuse head: array shapes do not match the vocabulary")
        self.vocab = {w: i for i, w in enumerate(words)}
        if {_SEP_WORD, _SEP_ALT} & set(words):
            raise ModelError("abuse head: the vocabulary holds the batch separator word")
        # word -> index + 1 (0: unknown), and the batch separator word -> -1
        self._vocab_sep = {**{w: i + 1 for i, w in enumerate(words)}, _SEP_WORD: -1}
        self.words = list(words)
        self.idf = idf.astype(np.float64)
        self.W = np.ascontiguousarray(folds[:, : len(words)].T)  # (V, folds)
        self.b, self.A, self.B = folds[:, -3], folds[:, -2], folds[:, -1]
        self.mean_w = self.W.mean(axis=1)

    def _rows(self, text: str) -> tuple[list[int], npt.NDArray[np.float64]]:
        idx, counts, _ = self._batch_counts((text,))
        if not idx.size:
            return [], np.zeros(0)
        x = counts * self.idf[idx]
        return idx.tolist(), x / np.sqrt(x @ x)

    def predict(self, texts: Sequence[str]) -> list[float]:
        """P(label) per text (texts without a known word get the folds' bias-only probability).

        One numpy pass over the batch: the texts are tokenised together (one regex scan of the
        joined batch), each text's known words are counted in order of first occurrence (as
        ``Counter`` keeps them), and each text's sums are taken with ``np.add.reduceat``.
        """
        if not texts:
            return []
        idx, counts, first = self._batch_counts(texts)
        d = np.broadcast_to(self.b, (len(texts), len(self.b))).copy()
        if idx.size:
            x = counts * self.idf[idx]
            has = np.diff(np.append(first, idx.size)) > 0
            norms = np.sqrt(np.add.reduceat(x * x, first[has]))
            d[has] += np.add.reduceat(self.W[idx] * x[:, None], first[has], axis=0) / norms[:, None]
        p = 1.0 / (1.0 + np.exp(np.clip(self.A * d + self.B, -50, 50)))
        return [float(v) for v in p.mean(axis=1)]

    def _batch_counts(
        self, texts: Sequence[str]
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.intp]]:
        """``(word index, count, start)``: each text's known words by first occurrence, and where each starts."""
        if len(texts) == 1:  # one message (a live read): a plain loop costs less than the numpy grouping below
            counts = Counter(i for t in _TOKEN.findall(texts[0].lower()) if (i := self.vocab.get(t)) is not None)
            return (
                np.fromiter(counts, np.intp, len(counts)),
                np.fromiter(counts.values(), np.float64, len(counts)),
                np.zeros(1, np.intp),
            )
        low = _SEP.join(texts).lower()
        if low.count(_SEP_WORD) != len(texts) - 1:  # a text holds the separator word: it becomes another unknown word
            low = _SEP.join(t.lower().replace(_SEP_WORD, _SEP_ALT) for t in texts)
        toks = _TOKEN.findall(low)
        ids = np.fromiter(map(self._vocab_sep.get, toks, repeat(0)), np.int64, len(toks))  # word + 1; 0 unknown
        msg = np.cumsum(ids < 0)
        known = ids > 0
        n_words = len(self.words)
        key = msg[known] * n_words + (ids[known] - 1)
        uniq, at, counts = np.unique(key, return_index=True, return_counts=True)
        order = np.argsort(at, kind="stable")  # back to first occurrence: the order Counter keeps
        uniq, counts = uniq[order], counts[order]
        first = np.searchsorted(uniq // n_words, np.arange(len(texts)))
        return (uniq % n_words).astype(np.intp), counts.astype(np.float64), first.astype(np.intp)

    def top_features(self, text: str, cls: str = "", k: int = 3) -> list[tuple[str, float]]:
        """The words with the largest positive share of the mean decision, strongest first.

        Words below a quarter of the strongest one's share, and words whose own weight is not
        among the head's strongest (``STRONG_WEIGHT``), are left out. ``cls`` (the label) is
        accepted for the linear models' signature.
        """
        ids, x = self._rows(text)
        if not ids:
            return []
        contrib = x * self.mean_w[ids]
        order = np.argsort(-contrib)[:k]
        floor = max(0.0, 0.25 * float(contrib[order[0]]))  # words that pushed, not ones that merely leaned
        strong = self.mean_w[ids] >= STRONG_WEIGHT
        return [(self.words[ids[j]], round(float(contrib[j]), 4)) for j in order if contrib[j] > floor and strong[j]]


def load_tfidf(name: str) -> tuple[TfidfEnsemble, dict[str, Any]]:
    """The shipped head ``name`` (``learned_abuse``) and its metadata."""
    pkg = resources.files("calmline.models")
    try:
        meta: dict[str, Any] = json.loads(pkg.joinpath(f"{name}.json").read_text(encoding="utf-8"))
        with pkg.joinpath(f"{name}.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as z:
            words = z["words"].tobytes().decode("utf-8").split("\n")
            return TfidfEnsemble(words, z["idf"], z["folds"]), meta
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"model {name!r} is missing or corrupt: {exc}; rebuild it with `make train`") from exc
