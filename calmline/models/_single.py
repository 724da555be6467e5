"""One message through several linear models at once, in pure Python (issue #14).

For a batch, :func:`~calmline.models._linear.predict_proba_many` evaluates every model
with a few numpy calls over all the messages' tokens. For one message those calls cost
more than the arithmetic: numpy's per-call overhead, paid per model and per array, was
most of a single read. Here the message is tokenised once; each token's id and char
n-gram sum in every model come from one cache, filled for tokens not seen before by the
batch path's own vectorised hashing (:func:`~calmline.models._linear.char_fill`); and each
model's logits are float sums taken in the batch path's order, so the probabilities
(rounded to float32, as the batch path's are) agree with it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from functools import reduce
from operator import add

import numpy as np

from calmline.models import _linear
from calmline.models._features import _SEP, batch_tokens
from calmline.models._linear import FloatArray, LinearModel, Words, char_fill, predict_and_explain, predict_proba_many

__all__ = ["SingleScorer", "predict_all_explained", "predict_proba_all", "single_scorer"]


def predict_all_explained(
    models: Sequence[LinearModel], texts: Sequence[str], explain: Sequence[int]
) -> tuple[list[FloatArray], dict[int, Words]]:
    """:func:`predict_proba_all`, and for a batch the words of the models at ``explain``
    (:func:`~calmline.models._linear.predict_and_explain`); one message's are left to ``top_features``."""
    if len(texts) == 1 and not isinstance(texts, str):
        return predict_proba_all(models, texts), {}
    return predict_and_explain(models, texts, explain)


def predict_proba_all(models: Sequence[LinearModel], texts: Sequence[str]) -> list[FloatArray]:
    """``[m.predict_proba(texts) for m in models]``: one message through :class:`SingleScorer`, more in one batch."""
    if len(texts) == 1 and not isinstance(texts, str):
        return [np.asarray([row], np.float32) for row in single_scorer(models).predict(texts[0])]
    return predict_proba_many(models, texts)


#: per token, per model: (token id, char n-gram sums per output, char n-gram count)
_Entry = tuple[tuple[int, tuple[float, ...], float], ...]


class SingleScorer:
    """``predict_proba_many(models, [text])`` as Python floats, without numpy's per-call cost."""

    def __init__(self, models: Sequence[LinearModel]) -> None:
        self.models = tuple(models)
        self._tokens: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def predict(self, text: str) -> list[tuple[float, ...]]:
        """Per model, the class probabilities of ``text`` (float32 values, as the batch path gives)."""
        toks = batch_tokens((text,))
        locks = [m._lock for m in self.models]
        with self._lock:
            for lock in locks:
                lock.acquire()
            try:
                entries = self._entries(toks)
                return [self._proba(j, m, entries) for j, m in enumerate(self.models)]
            finally:
                for lock in reversed(locks):
                    lock.release()

    def _entries(self, toks: list[str]) -> list[_Entry]:
        cache = self._tokens
        if len(cache) > _linear._CHUNK_CACHE_MAX:
            cache.clear()
        for m in self.models:  # the token tables, also for a message with no token at all
            if not m._compiled:
                m._compile()
        new = [t for t in dict.fromkeys(toks) if t not in cache]
        if new:
            for m in self.models:
                if m.char_W is not None and len(m._char_tok) > _linear._CHUNK_CACHE_MAX:
                    m._char_reset()
            char_fill(self.models, new)  # the batch path's hashing: identical sums
            for t in new:
                cache[t] = tuple(_token_entry(m, t) for m in self.models)
        return list(map(cache.__getitem__, toks))

    @staticmethod
    def _proba(j: int, m: LinearModel, entries: list[_Entry]) -> tuple[float, ...]:
        mine = [e[j] for e in entries]
        tids = [e[0] for e in mine]
        rows = m.rows_of(tids)
        zero = m._zero
        k = m._k_out
        if k == 1:
            zs = [reduce(add, map(m._col0.__getitem__, rows), 0.0)]
        else:
            zs = np.add.reduce(m._W64.take(rows, 0), 0).tolist() if rows else [0.0] * k
        if m.sqrt_norm:
            root = math.sqrt(max(len(rows) - rows.count(zero), 1))
            zs = [z / root for z in zs]
        if m.char_W is not None:
            count = reduce(add, [e[2] for e in mine], 0.0)
            scale = 1.0 / math.sqrt(max(count, 1.0))
            zs = [z + reduce(add, [e[1][c] for e in mine], 0.0) * scale for c, z in enumerate(zs)]
        zs = [z + b for z, b in zip(zs, m._bias, strict=True)]
        if k == 1:
            p = 1.0 / (1.0 + math.exp(-zs[0])) if zs[0] > -709.0 else 0.0
            return (_f32(1.0 - p), _f32(p))
        top = max(zs)
        es = [math.exp(z - top) for z in zs]
        total = reduce(add, es, 0.0)
        return tuple(_f32(e / total) for e in es)


def _f32(x: float) -> float:
    return float(np.float32(x))


def _token_entry(m: LinearModel, tok: str) -> tuple[int, tuple[float, ...], float]:
    tid = m._tok_ids.get(tok, m._unk)
    if m.char_W is None or tok == _SEP:
        return tid, (0.0,) * m._k_out, 0.0
    i = m._char_token_id(tok)
    return tid, tuple(float(x) for x in m._char_sum[i]), float(m._char_cnt[i])


_SCORERS: dict[tuple[int, ...], tuple[tuple[LinearModel, ...], SingleScorer]] = {}


def single_scorer(models: Sequence[LinearModel]) -> SingleScorer:
    """The shared scorer of these models (one token cache per set of models)."""
    key = tuple(map(id, models))
    got = _SCORERS.get(key)
    if got is None or got[0] != tuple(models):
        if len(_SCORERS) > 16:
            _SCORERS.clear()
        got = _SCORERS[key] = (tuple(models), SingleScorer(models))
    return got[1]
