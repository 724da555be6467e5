"""A word TF-IDF + calibrated linear ensemble evaluated with numpy: the abuse head (issue #13).

The weights are alt-profanity-check's (MIT, PyPI ``alt-profanity-check``: a TF-IDF
vectoriser and five sigmoid-calibrated linear SVMs trained on about 200,000 labelled
texts), exported by ``training/train_learned.py --only abuse`` into ``learned_abuse.npz``,
so the run time needs neither scikit-learn nor joblib. The arithmetic is the library's
own, reproduced exactly (``tests/models/test_abuse_head.py`` compares them):

* tokens: lowercase, ``(?u)\\b\\w\\w+\\b``; those outside the vocabulary are dropped;
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
from typing import Any

import numpy as np
import numpy.typing as npt

from calmline.errors import ModelError

__all__ = ["TfidfEnsemble", "load_tfidf"]

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
#: a word's mean weight must reach this to count as evidence (about the top 2 % of the abuse
#: head's 15,442 words: "idiot" 6.3, "liar" 2.6, "garbage" 2.1; not "attractive" 1.0, "job" 0.5)
STRONG_WEIGHT = 1.5


class TfidfEnsemble:
    """``predict`` gives P(label) per text; ``top_features`` the words that pushed it up."""

    def __init__(self, words: Sequence[str], idf: npt.NDArray[np.float64], folds: npt.NDArray[np.float64]) -> None:
        if folds.ndim != 2 or folds.shape[1] != len(words) + 3 or len(idf) != len(words):
            raise ModelError("abuse head: array shapes do not match the vocabulary")
        self.vocab = {w: i for i, w in enumerate(words)}
        self._vocab1 = {w: i + 1 for i, w in enumerate(words)}  # 0 is "unknown": filter(None, ...) drops it
        self.words = list(words)
        self.idf = idf.astype(np.float64)
        self.W = np.ascontiguousarray(folds[:, : len(words)].T)  # (V, folds)
        self.b, self.A, self.B = folds[:, -3], folds[:, -2], folds[:, -1]
        self.mean_w = self.W.mean(axis=1)

    def _rows(self, text: str) -> tuple[list[int], npt.NDArray[np.float64]]:
        counts = Counter(i for t in _TOKEN.findall(text.lower()) if (i := self.vocab.get(t)) is not None)
        if not counts:
            return [], np.zeros(0)
        ids = list(counts)
        x = np.fromiter(counts.values(), np.float64, len(ids)) * self.idf[ids]
        return ids, x / np.sqrt(x @ x)

    def predict(self, texts: Sequence[str]) -> list[float]:
        """P(label) per text (texts without a known word get the folds' bias-only probability).

        One numpy pass over the batch: the known words of every text go into flat arrays and
        each text's sums are taken with ``np.add.reduceat``.
        """
        if not texts:
            return []
        get1, findall = self._vocab1.get, _TOKEN.findall
        ids: list[int] = []  # word index + 1, in order of first occurrence (as Counter keeps them)
        counts: list[int] = []
        starts: list[int] = []
        for text in texts:
            starts.append(len(ids))
            found = list(filter(None, map(get1, findall(text.lower()))))
            if len(found) == len(set(found)):  # the usual case: every known word once
                ids.extend(found)
                counts.extend([1] * len(found))
            else:
                c = Counter(found)
                ids.extend(c)
                counts.extend(c.values())
        d = np.broadcast_to(self.b, (len(texts), len(self.b))).copy()
        if ids:
            idx = np.asarray(ids) - 1
            x = np.asarray(counts, np.float64) * self.idf[idx]
            first = np.asarray(starts)
            has = np.diff(np.append(first, len(ids))) > 0
            norms = np.sqrt(np.add.reduceat(x * x, first[has]))
            d[has] += np.add.reduceat(self.W[idx] * x[:, None], first[has], axis=0) / norms[:, None]
        p = 1.0 / (1.0 + np.exp(np.clip(self.A * d + self.B, -50, 50)))
        return [float(v) for v in p.mean(axis=1)]

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
