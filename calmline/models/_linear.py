"""Numpy-only runtime for Calmline's small linear text models.

A :class:`LinearModel` scores texts with the features of
:mod:`calmline.models._features` (the featuriser training uses too): a bias plus the
weights of its word n-grams, and optionally of hashed character n-grams, per class.
:func:`predict_proba_many` scores a batch with several models sharing one
tokenisation; :mod:`calmline.models._single` does the same for one message without
numpy's per-call cost. Models load from ``.npz`` + ``.json`` files in the package.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from io import BytesIO
from itertools import pairwise, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from calmline.errors import ModelError
from calmline.models._charhash import ngram_crc32
from calmline.models._features import (
    _NEG_SCOPE,
    _NEGATORS,
    _NOT,
    _SCOPE_CLOSERS,
    _SEP,
    FEATURIZER_VERSION,
    SUPPORTED_FEATURIZER_VERSIONS,
    batch_tokens,
    char_buckets,
    feature_strings,
)

__all__ = ["FEATURIZER_VERSION", "LinearModel", "load_model", "predict_and_explain", "predict_proba_many"]

#: tokens kept in each model's char-id cache and in the shared token table before they start afresh
_CHUNK_CACHE_MAX = 200_000


FloatArray = npt.NDArray[np.float32]


@dataclass(eq=False)
class LinearModel:
    """A linear bag-of-n-grams classifier evaluated with numpy only."""

    name: str
    version: str
    classes: tuple[str, ...]
    vocab: dict[str, int]
    W: FloatArray  # (n_features, k_out); k_out == 1 for a sigmoid (binary) model
    b: FloatArray  # (k_out,)
    meta: dict[str, Any]
    negation: bool = True
    sqrt_norm: bool = True
    char_W: FloatArray | None = None  # (n_buckets, k_out): hashed char n-grams (featuriser v2)
    char_ngrams: tuple[int, int] = (2, 5)
    _W_ext: FloatArray = field(init=False, repr=False)
    _compiled: bool = field(init=False, repr=False)
    _uni_row: npt.NDArray[np.intp] = field(init=False, repr=False)
    _not_row: npt.NDArray[np.intp] = field(init=False, repr=False)
    _tok_ids: dict[str, int] = field(init=False, repr=False)
    _unk: int = field(init=False, repr=False)
    _sep_id: int = field(init=False, repr=False)
    _n_tok: int = field(init=False, repr=False)
    _neg_mask: npt.NDArray[np.bool_] = field(init=False, repr=False)
    _closer: npt.NDArray[np.bool_] = field(init=False, repr=False)
    _bi_codes: npt.NDArray[np.int64] = field(init=False, repr=False)
    _bi_rows: npt.NDArray[np.intp] = field(init=False, repr=False)
    _bi_first: npt.NDArray[np.bool_] = field(init=False, repr=False)
    _bi_second: npt.NDArray[np.bool_] = field(init=False, repr=False)
    _k_out: int = field(init=False, repr=False)
    _zero: int = field(init=False, repr=False)
    _uni_list: list[int] = field(init=False, repr=False)
    _not_list: list[int] = field(init=False, repr=False)
    _bi_get: Callable[[tuple[int, int], int], int] = field(init=False, repr=False)
    _neg_ids: frozenset[int] = field(init=False, repr=False)
    _closer_ids: frozenset[int] = field(init=False, repr=False)
    _col0: list[float] = field(init=False, repr=False)
    _names: list[str] = field(init=False, repr=False)
    _name_rank: npt.NDArray[np.intp] = field(init=False, repr=False)  # row -> its feature's rank by name
    _W64: npt.NDArray[np.float64] = field(init=False, repr=False)
    _bias: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # the per-model token and chunk caches below are filled lazily: one thread at a time
        self._lock = threading.RLock()
        k_out = self.W.shape[1]
        if self.b.shape != (k_out,):
            raise ValueError("bias shape does not match W")
        if k_out == 1:
            if len(self.classes) != 2:
                raise ValueError("a one-column model must have two classes")
        elif k_out != len(self.classes):
            raise ValueError("W columns do not match classes")
        if len(self.vocab) != self.W.shape[0]:
            raise ValueError("vocabulary size does not match W")
        # a zero row (index n_features) for tokens without a feature
        self._W_ext = np.vstack([self.W, np.zeros((1, k_out), np.float32)])
        self._compiled = False  # token tables are built on first use
        self._k_out = int(k_out)
        self._bias = [float(x) for x in self.b]
        if self.char_W is not None:
            if self.char_W.ndim != 2 or self.char_W.shape[1] != k_out:
                raise ValueError("char_W shape does not match W")
            self._char_reset()

    # ----------------------------------------------------------- char n-grams
    def _char_reset(self) -> None:
        # per-token cache: token -> row of (_char_sum, _char_cnt); row 0 = no n-grams
        self._char_tok: dict[str, int] = {_SEP: 0}
        self._char_sum = np.zeros((1024, self._k_out), np.float64)
        self._char_cnt = np.zeros(1024, np.float64)
        self._char_used = 1

    def _char_token_id(self, tok: str) -> int:
        i = self._char_tok.get(tok)
        if i is None:
            assert self.char_W is not None
            lo, hi = self.char_ngrams
            b = char_buckets(tok, self.char_W.shape[0], lo, hi)
            if b:
                i = self._char_used
                if i == self._char_cnt.shape[0]:
                    self._char_sum = np.concatenate((self._char_sum, np.zeros_like(self._char_sum)))
                    self._char_cnt = np.concatenate((self._char_cnt, np.zeros_like(self._char_cnt)))
                self._char_sum[i] = self.char_W[list(b)].astype(np.float64).sum(axis=0)
                self._char_cnt[i] = len(b)
                self._char_used = i + 1
            else:
                i = 0
            self._char_tok[tok] = i
        return i

    def _char_ids(self, toks: Sequence[str]) -> npt.NDArray[np.intp]:
        """The char ids of ``toks``, hashing the n-grams of tokens not seen yet."""
        cid = np.fromiter(map(self._char_tok.get, toks, repeat(-1)), np.intp, len(toks))
        miss = np.flatnonzero(cid < 0)
        if miss.size:
            char_fill([self], sorted({toks[j] for j in miss.tolist()}))
            cid[miss] = [self._char_token_id(toks[j]) for j in miss.tolist()]
        return cid

    def _char_batch(
        self, toks: list[str], msg: npt.NDArray[np.intp], n: int, cid: npt.NDArray[np.intp] | None = None
    ) -> npt.NDArray[np.float64]:
        """Char n-gram part of the logits, shape (n, k_out) (``cid``: the tokens' char ids, if known)."""
        if cid is None:
            if len(self._char_tok) > _CHUNK_CACHE_MAX:
                self._char_reset()
            cid = self._char_ids(toks)
        cnt = np.bincount(msg, weights=self._char_cnt[cid], minlength=n)
        scale = 1.0 / np.sqrt(np.maximum(cnt, 1.0))
        out = np.empty((n, self._k_out), np.float64)
        for c in range(self._k_out):
            out[:, c] = np.bincount(msg, weights=self._char_sum[cid, c], minlength=n) * scale
        return out

    def _char_add(
        self,
        toks: Sequence[str],
        owner: npt.NDArray[np.intp],
        lengths: npt.NDArray[np.intp],
        crc: npt.NDArray[np.uint32],
    ) -> None:
        """Give ``toks`` (the ones not seen yet) char ids from their n-gram CRCs (see :func:`char_fill`)."""
        assert self.char_W is not None and self._k_out == 1
        lo, hi = self.char_ngrams
        if lengths.size and (lengths.min() < lo or lengths.max() > hi):
            keep = (lengths >= lo) & (lengths <= hi)
            owner, crc = owner[keep], crc[keep]
        tab = self._char_tok
        ids = [0] * len(toks)  # no n-grams: row 0
        if owner.size:
            # each token's n-grams are contiguous and in the reference order (see ngram_crc32)
            first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
            sums = np.add.reduceat(self.char_W[crc % self.char_W.shape[0], 0].astype(np.float64), first)
            counts = np.diff(np.append(first, owner.size))
            seg_tok = owner[first]
            fresh = np.fromiter((toks[k] not in tab for k in seg_tok.tolist()), bool, seg_tok.size)
            seg_tok, sums, counts = seg_tok[fresh], sums[fresh], counts[fresh]
            used, k = self._char_used, int(seg_tok.size)
            while used + k > self._char_cnt.shape[0]:
                self._char_sum = np.concatenate((self._char_sum, np.zeros_like(self._char_sum)))
                self._char_cnt = np.concatenate((self._char_cnt, np.zeros_like(self._char_cnt)))
            self._char_sum[used : used + k, 0] = sums
            self._char_cnt[used : used + k] = counts
            self._char_used = used + k
            for t, i in zip(seg_tok.tolist(), range(used, used + k), strict=True):
                ids[t] = i
        for t, i in zip(toks, ids, strict=True):
            tab.setdefault(t, i)

    @property
    def n_features(self) -> int:
        return int(self.W.shape[0])

    # ---------------------------------------------------------------- batch
    def _compile(self) -> None:
        """Token-id tables for the vectorised batch path (built from the vocab).

        Every feature is a unigram ``tok``, a negated unigram ``NOT_tok`` or a
        bigram ``"a b"`` (tokens never contain spaces), so a batch needs one
        dict lookup per token; bigrams are matched as integer codes in numpy.
        """
        nf = self.W.shape[0]
        tokens: dict[str, int] = {}
        uni: list[tuple[int, int]] = []
        neg: list[tuple[int, int]] = []
        bi: list[tuple[int, int, int]] = []
        for f, r in self.vocab.items():
            if " " in f:
                x, y = f.split(" ", 1)
                bi.append((tokens.setdefault(x, len(tokens)), tokens.setdefault(y, len(tokens)), r))
            elif f.startswith(_NOT):
                neg.append((tokens.setdefault(f[len(_NOT) :], len(tokens)), r))
            else:
                uni.append((tokens.setdefault(f, len(tokens)), r))
        for w in sorted(_NEGATORS | _SCOPE_CLOSERS):
            tokens.setdefault(w, len(tokens))
        n_tok = len(tokens) + 1  # id len(tokens) = unknown token
        zero = nf  # _W_ext[nf] is a zero row

        def table(pairs: list[tuple[int, int]]) -> npt.NDArray[np.intp]:
            t = np.full(n_tok, zero, np.intp)
            if pairs:
                ids, rows = zip(*pairs, strict=True)
                t[list(ids)] = rows
            return t

        self._tok_ids = tokens
        self._unk = n_tok - 1
        self._sep_id = tokens[_SEP]
        self._n_tok = n_tok
        self._uni_row = table(uni)
        self._not_row = table(neg)
        neg_mask = np.zeros(n_tok, bool)
        neg_mask[[tokens[w] for w in _NEGATORS]] = True
        closer = np.zeros(n_tok, bool)
        closer[[tokens[w] for w in _SCOPE_CLOSERS]] = True
        self._neg_mask = neg_mask
        self._closer = closer
        codes = np.array([x * n_tok + y for x, y, _ in bi], np.int64)
        order = np.argsort(codes, kind="stable")
        self._bi_codes = codes[order]
        self._bi_rows = np.array([r for _, _, r in bi], np.intp)[order]
        self._bi_first = np.zeros(n_tok, bool)
        self._bi_first[[x for x, _, _ in bi]] = True
        self._bi_second = np.zeros(n_tok, bool)
        self._bi_second[[y for _, y, _ in bi]] = True
        # pure-Python tables for the single-message path (calmline.models._single)
        self._zero = zero
        self._uni_list = self._uni_row.tolist()
        self._not_list = self._not_row.tolist()
        self._bi_get = {(x, y): r for x, y, r in bi}.get
        self._neg_ids = frozenset(tokens[w] for w in _NEGATORS)
        self._closer_ids = frozenset(tokens[w] for w in _SCOPE_CLOSERS)
        w_ext = self._W_ext.astype(np.float64)
        self._col0 = w_ext[:, 0].tolist()
        self._names = sorted(self.vocab, key=self.vocab.__getitem__)  # row -> feature string
        self._name_rank = np.argsort(np.argsort(np.array(self._names, dtype=object), kind="stable"), kind="stable")
        self._W64 = w_ext
        self._compiled = True

    def decision_function(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Raw scores, shape (n, k_out); safe to call from several threads."""
        with self._lock:
            return self._decision_function(texts)

    def _decision_function(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Raw scores (logits), shape (n, k_out)."""
        if isinstance(texts, str):
            raise TypeError("predict on a sequence of strings, not one string")
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.W.shape[1]), np.float64)
        return self._decision_from_tokens(batch_tokens(texts), n)

    def feature_rows(
        self, toks: list[str], tid: npt.NDArray[np.intp] | None = None
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Every feature occurrence of a batch's tokens: its row (``n_features`` for none) and its message."""
        if not self._compiled:
            self._compile()
        nt = len(toks)
        if tid is None:
            tid = np.fromiter(map(self._tok_ids.get, toks, repeat(self._unk)), np.intp, nt)
        msg = np.cumsum(tid == self._sep_id)  # message of each token
        rows_u = self._uni_row[tid]
        if self.negation:
            negpos = np.flatnonzero(self._neg_mask[tid])
            if negpos.size:
                closer = self._closer[tid]
                alive = np.ones(negpos.size, bool)
                for o in range(1, _NEG_SCOPE + 1):
                    p = negpos + o
                    alive &= p < nt
                    alive[alive] &= ~closer[p[alive]]
                    q = p[alive]
                    rows_u[q] = self._not_row[tid[q]]
        parts_r = [rows_u]
        parts_m = [msg]
        if nt > 1 and self._bi_codes.size:
            # only pairs whose two tokens both occur in some bigram are searched (most are not)
            at = np.flatnonzero(self._bi_first[tid[:-1]] & self._bi_second[tid[1:]])
            codes = tid[at] * self._n_tok + tid[at + 1]
            pos = np.searchsorted(self._bi_codes, codes)
            np.minimum(pos, self._bi_codes.size - 1, out=pos)
            hit = self._bi_codes[pos] == codes
            parts_r.append(self._bi_rows[pos[hit]])
            parts_m.append(msg[at[hit] + 1])
        return np.concatenate(parts_r), np.concatenate(parts_m)

    def _decision_from_tokens(
        self,
        toks: list[str],
        n: int,
        tid: npt.NDArray[np.intp] | None = None,
        cid: npt.NDArray[np.intp] | None = None,
        rows: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Raw scores of ``n`` messages given their tokens from :func:`batch_tokens`.

        ``tid``/``cid``: the tokens' ids and char-n-gram ids, when already looked up;
        ``rows``: :meth:`feature_rows` of the tokens, when already worked out.
        """
        nf, k_out = self.W.shape
        idx, mid = rows if rows is not None else self.feature_rows(toks, tid)
        gathered = self._W_ext[idx]
        sums = np.empty((n, k_out), np.float64)
        for c in range(k_out):
            sums[:, c] = np.bincount(mid, weights=gathered[:, c], minlength=n)
        if self.sqrt_norm:
            counts = np.bincount(mid[idx < nf], minlength=n)
            sums /= np.sqrt(np.maximum(counts, 1))[:, None]
        if self.char_W is not None:
            sums += self._char_batch(toks, mid[: len(toks)], n, cid)
        sums += self.b
        return sums

    def predict_proba(self, texts: Sequence[str]) -> FloatArray:
        """Class probabilities, shape (n, len(classes)), float32, rows sum to 1."""
        return self._proba(self.decision_function(texts))

    def _proba(self, z: npt.NDArray[np.float64]) -> FloatArray:
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1).astype(np.float32)
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z.astype(np.float32)

    def predict(self, texts: Sequence[str]) -> list[str]:
        proba = self.predict_proba(texts)
        return [self.classes[i] for i in proba.argmax(axis=1).tolist()]

    # -------------------------------------------------------- explanations
    def rows_of(self, tids: list[int]) -> list[int]:
        """The feature rows of one message's token ids: its unigrams (negated within a negator's
        scope) then its bigrams; ``self._zero`` for a unigram with no feature (bigrams without one
        are left out). The features of :func:`~calmline.models._features.feature_strings`, as rows."""
        if not self._compiled:
            self._compile()
        rows = list(map(self._uni_list.__getitem__, tids))
        if self.negation and not self._neg_ids.isdisjoint(tids):
            n, neg_ids, closers, not_list = len(tids), self._neg_ids, self._closer_ids, self._not_list
            for s, t in enumerate(tids):
                if t in neg_ids:
                    for i in range(s + 1, min(s + 1 + _NEG_SCOPE, n)):
                        if tids[i] in closers:
                            break
                        rows[i] = not_list[tids[i]]
        zero = self._zero
        rows.extend(r for r in map(self._bi_get, pairwise(tids), repeat(zero)) if r != zero)
        return rows

    def top_features(self, text: str, cls: str, k: int = 5) -> list[tuple[str, float]]:
        """Features of ``text`` that pushed it towards ``cls``, strongest first.

        The value is the feature's contribution to the logit of ``cls`` relative
        to the other classes (centred over classes for softmax models, the
        signed logit for binary models), after the message's normalisation.
        A binary model reads the message's feature rows from its token tables
        (:meth:`rows_of`), as the single-message scorer does, not feature strings.
        """
        try:
            c = self.classes.index(cls)
        except ValueError:
            raise KeyError(f"unknown class {cls!r}; classes are {self.classes}") from None
        if self._k_out == 1:
            return self._top_binary(text, 1.0 if c == 1 else -1.0, k)
        get = self.vocab.get
        names = feature_strings(text, self.negation)
        found = [(f, i) for f, i in ((f, get(f)) for f in names) if i is not None]
        if not found:
            return []
        scale = 1.0 / math.sqrt(len(found)) if self.sqrt_norm else 1.0
        totals: dict[str, float] = {}
        for f, i in found:
            row = self.W[i]
            totals[f] = totals.get(f, 0.0) + (float(row[c]) - float(row.mean())) * scale
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(f, v) for f, v in ranked if v > 0][:k]

    def _top_binary(self, text: str, sign: float, k: int) -> list[tuple[str, float]]:
        """``top_features`` of a one-column model: the signed logit, summed per feature in feature order."""
        if not self._compiled:
            self._compile()
        get, unk, zero = self._tok_ids.get, self._unk, self._zero
        rows = [r for r in self.rows_of([get(t, unk) for t in batch_tokens((text,))]) if r != zero]
        if not rows:
            return []
        scale = 1.0 / math.sqrt(len(rows)) if self.sqrt_norm else 1.0
        col = self._col0
        totals: dict[int, float] = {}
        # only features that pushed towards the class can rank (a feature's occurrences push alike)
        for r in [r for r in rows if sign * col[r] > 0.0]:
            totals[r] = totals.get(r, 0.0) + sign * col[r] * scale
        names = self._names
        ranked = sorted(((names[r], v) for r, v in totals.items()), key=lambda kv: (-kv[1], kv[0]))
        return ranked[:k]


def predict_proba_many(models: Sequence[LinearModel], texts: Sequence[str]) -> list[FloatArray]:
    """``[m.predict_proba(texts) for m in models]``, tokenising the texts once for all of them.

    The models' token ids and char n-gram ids come from one table for all of them
    (:class:`_TokenTable`): one dict lookup per token of the batch; a token no model has
    seen is looked up in each model once, and its char n-grams are hashed once for all.
    """
    return predict_and_explain(models, texts)[0]


#: per message, the words of ``top_features(text, positive class, 3)``, or None where not worked out
Words = list[tuple[str, ...] | None]


def predict_and_explain(
    models: Sequence[LinearModel], texts: Sequence[str], explain: Sequence[int] = ()
) -> tuple[list[FloatArray], dict[int, Words]]:
    """:func:`predict_proba_many`, and for the one-column models at the indices ``explain``, per message
    the words that pushed it towards its positive class, where that class's probability is about 0.5 or
    more (:func:`~calmline.models._words.top_words_batch`: exactly ``top_features``, in a few numpy calls
    for the batch)."""
    from calmline.models._words import top_words_batch

    if isinstance(texts, str):
        raise TypeError("predict on a sequence of strings, not one string")
    n = len(texts)
    if n == 0:
        return [m.predict_proba(texts) for m in models], {j: [] for j in explain}
    toks = batch_tokens(texts)
    locks = [m._lock for m in models]
    for lock in locks:
        lock.acquire()
    try:
        for m in models:
            if not m._compiled:
                m._compile()
            if m.char_W is not None and len(m._char_tok) > _CHUNK_CACHE_MAX:
                m._char_reset()
        ids = _token_table(models).lookup(toks)
        probs, words = [], {}
        for j, m in enumerate(models):
            rows = m.feature_rows(toks, ids[2 * j])
            cid = ids[2 * j + 1] if m.char_W is not None else None
            p = m._proba(m._decision_from_tokens(toks, n, ids[2 * j], cid, rows))
            probs.append(p)
            if j in explain and m._k_out == 1:
                words[j] = top_words_batch(m, rows, n, p[:, 1] >= _WORDS_FROM, k=3)
        return probs, words
    finally:
        for lock in reversed(locks):
            lock.release()


#: words are worked out for messages whose positive class is at least this (a learned score names its
#: words from 0.5 of the rounded probability; below, ``top_words_batch`` leaves None, worked out on demand)
_WORDS_FROM = 0.4999


_TABLES: dict[tuple[int, ...], _TokenTable] = {}


class _TokenTable:
    """token -> a column holding every model's token id and char id (rows ``2k`` and ``2k + 1``).

    Filled on first sight of a token; rebuilt when a model's char-id cache is reset (its
    char ids change) and when it grows past the cache limit.
    """

    def __init__(self, models: Sequence[LinearModel]) -> None:
        self.models = list(models)
        self.char_tables = [m._char_tok if m.char_W is not None else None for m in models]
        self.cols: dict[str, int] = {}
        self.table = np.zeros((2 * len(models), 1024), np.int32)  # ids < 2**31: vocabularies, char caches

    def valid(self, models: Sequence[LinearModel]) -> bool:
        return (
            self.models == list(models)
            and len(self.cols) <= _CHUNK_CACHE_MAX
            and all(
                (m._char_tok if m.char_W is not None else None) is t
                for m, t in zip(models, self.char_tables, strict=True)
            )
        )

    def lookup(self, toks: list[str]) -> npt.NDArray[np.intp]:
        """Shape ``(2 * n_models, len(toks))``: each model's token ids and char ids (0 without char n-grams)."""
        cols = np.fromiter(map(self.cols.get, toks, repeat(-1)), np.intp, len(toks))
        miss = np.flatnonzero(cols < 0)
        if miss.size:
            self._add(list(dict.fromkeys(toks[j] for j in miss.tolist())))
            cols[miss] = [self.cols[toks[j]] for j in miss.tolist()]
        return self.table[:, cols].astype(np.intp)

    def _add(self, new: list[str]) -> None:
        char_fill(self.models, new)
        used, k = len(self.cols), len(new)
        while used + k > self.table.shape[1]:
            self.table = np.concatenate((self.table, np.zeros_like(self.table)), axis=1)
        block = self.table[:, used : used + k]
        for j, m in enumerate(self.models):
            block[2 * j] = np.fromiter(map(m._tok_ids.get, new, repeat(m._unk)), np.int32, k)
            if m.char_W is not None:
                block[2 * j + 1] = m._char_ids(new)
        self.cols.update(zip(new, range(used, used + k), strict=True))


def _token_table(models: Sequence[LinearModel]) -> _TokenTable:
    key = tuple(id(m) for m in models)
    table = _TABLES.get(key)
    if table is None or not table.valid(models):
        table = _TokenTable(models)
        if len(_TABLES) > 16:
            _TABLES.clear()
        _TABLES[key] = table
    return table


def char_fill(models: Sequence[LinearModel], tokens: Sequence[str]) -> None:
    """Char n-gram ids for the distinct ``tokens`` in every char model that has not seen them yet.

    One vectorised CRC pass (:func:`~calmline.models._charhash.ngram_crc32`) over the
    n-gram lengths of all the models, shared by them; a model whose outputs are not one
    column keeps the per-token path. Identical sums to :func:`char_buckets` per token.
    """
    ms = [m for m in models if m.char_W is not None and m._k_out == 1]
    todo = [t for t in tokens if any(t not in m._char_tok for m in ms)] if ms else []
    if not todo:
        return
    lo = min(m.char_ngrams[0] for m in ms)
    hi = max(m.char_ngrams[1] for m in ms)
    owner, lengths, crc = ngram_crc32(todo, lo, hi)
    for m in ms:
        m._char_add(todo, owner, lengths, crc)


# ---------------------------------------------------------------- storage
def encode_vocab(features: Iterable[str]) -> npt.NDArray[np.uint8]:
    """Vocabulary (row order) as one newline-joined UTF-8 blob."""
    blob = "\n".join(features).encode("utf-8")
    return np.frombuffer(blob, dtype=np.uint8).copy()


def decode_vocab(blob: npt.NDArray[np.uint8]) -> dict[str, int]:
    words = blob.tobytes().decode("utf-8").split("\n") if blob.size else []
    return dict(zip(words, range(len(words)), strict=True))


def model_from_bytes(npz_bytes: bytes, meta: dict[str, Any]) -> LinearModel:
    """Build a model from the bytes of its .npz file and its parsed .json meta."""
    feat = meta.get("featurizer", {})
    if feat.get("version") not in SUPPORTED_FEATURIZER_VERSIONS:
        raise ValueError(
            f"model {meta.get('name')!r} needs featurizer version {feat.get('version')}, "
            f"this runtime supports {SUPPORTED_FEATURIZER_VERSIONS}"
        )
    char = feat.get("char")
    if char is not None and feat["version"] < 2:
        raise ValueError("char n-gram features need featurizer version 2")
    with np.load(BytesIO(npz_bytes), allow_pickle=False) as z:
        vocab = decode_vocab(z["vocab"])
        W = np.ascontiguousarray(z["W"], dtype=np.float32)
        b = np.ascontiguousarray(z["b"], dtype=np.float32)
        char_W = np.ascontiguousarray(z["char_W"], dtype=np.float32) if char is not None else None
    extra: dict[str, Any] = {}
    if char is not None:
        assert char_W is not None
        if char_W.shape[0] != int(char["n_buckets"]):
            raise ValueError("char_W rows do not match n_buckets")
        extra = {"char_W": char_W, "char_ngrams": (int(char["ngram_min"]), int(char["ngram_max"]))}
    return LinearModel(
        name=str(meta["name"]),
        version=str(meta["version"]),
        classes=tuple(str(c) for c in meta["classes"]),
        vocab=vocab,
        W=W,
        b=b,
        meta=meta,
        negation=bool(feat.get("negation", False)),
        sqrt_norm=feat.get("norm", "none") == "sqrt",
        **extra,
    )


@functools.lru_cache(maxsize=16)
def load_model(name: str) -> LinearModel:
    """Load a shipped model (``"emotion"``, ``"offensive"``) from the package."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ModelError(f"bad model name {name!r}")
    pkg = resources.files("calmline.models")
    npz = pkg.joinpath(f"{name}.npz")
    js = pkg.joinpath(f"{name}.json")
    if not (npz.is_file() and js.is_file()):
        raise ModelError(f"no shipped model named {name!r}; reinstall calmline or rebuild it with `make train`")
    try:
        meta: dict[str, Any] = json.loads(js.read_text(encoding="utf-8"))
        return model_from_bytes(npz.read_bytes(), meta)
    except (ValueError, KeyError, OSError) as exc:
        raise ModelError(f"model {name!r} is corrupt or of an unsupported version: {exc}") from exc


def _sigmoid_pair(z: float) -> tuple[float, float]:
    """``(1 - p, p)`` for the logit ``z``, computed without overflow."""
    if z >= 0:
        p = 1.0 / (1.0 + math.exp(-z))
    else:
        e = math.exp(z)
        p = e / (1.0 + e)
    return (1.0 - p, p)
