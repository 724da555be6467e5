"""Topics by meaning: TF-IDF over word uni- and bigrams, spherical k-means with numpy, named by top terms."""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

__all__ = ["cluster_topics"]

_WORD = re.compile(r"[a-z][a-z']{2,}")
_STOP_WORDS = """
the and for you your yours that this with have has had are was were but not what when where which
who will would could should can cant can't don't didn't doesn't isn't wasn't won't i'm i've i'll
it's that's there their they them then than just been being from into onto about again also any all
some more most very really still even only here over under after before because while other such our
ours out off let get got getting make made need want like know one two three now today yesterday
tomorrow please thanks thank hello dear regards best via its how why yes did does doing done said
say says told tell back way well going gone able told time times day days week weeks month months
hour hours minute minutes whatever nothing something anything everything sure finally happen
happened okay yeah hi hey sorry fine chat email message
"""
_STOP = frozenset(_STOP_WORDS.split())
_MAX_FEATURES = 4000


def _tokens(text: str) -> list[str]:
    words = [w.strip("'") for w in _WORD.findall(text.lower())]
    words = [w for w in words if len(w) > 2 and w not in _STOP]
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def _seed(ids: Sequence[str]) -> int:
    return int(hashlib.sha256("\n".join(ids).encode()).hexdigest()[:8], 16)


def cluster_topics(ids: Sequence[str], texts: Sequence[str], k: int | None = None) -> tuple[list[int], list[str]]:
    """Cluster ``texts``; return each text's topic index and each topic's readable name.

    Deterministic for the same input (the seed comes from the ids), so a run split over
    processes or a Dask cluster gives the same topics as one process.
    """
    n = len(texts)
    if n == 0:
        return [], []
    docs = [Counter(_tokens(t)) for t in texts]
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    vocab = sorted((t for t, c in df.items() if c >= 2 or n < 5), key=lambda t: (-df[t], t))[:_MAX_FEATURES]
    if not vocab:
        return [0] * n, ["other"]
    index = {t: i for i, t in enumerate(vocab)}
    x = np.zeros((n, len(vocab)), dtype=np.float32)
    for row, d in enumerate(docs):
        for term, count in d.items():
            col = index.get(term)
            if col is not None:
                x[row, col] = (1.0 + math.log(count)) * math.log((1 + n) / (1 + df[term]) + 1.0)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x /= np.where(norms == 0, 1.0, norms)
    k = k or max(1, min(8, round(math.sqrt(n / 2))))
    k = min(k, n)
    rng = np.random.default_rng(_seed(ids))
    centres = _init(x, k, rng)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(30):
        new = np.argmax(x @ centres.T, axis=1)
        if _ > 0 and np.array_equal(new, labels):
            break
        labels = new
        fit = (x * centres[labels]).sum(axis=1)  # each text's similarity to its own centre
        fit[~x.any(axis=1)] = np.inf
        for c in range(k):
            members = x[labels == c]
            if len(members):
                centre = members.sum(axis=0)
                centres[c] = centre / max(float(np.linalg.norm(centre)), 1e-9)
            else:  # an emptied topic restarts from the text that fits its own topic worst
                worst = int(np.argmin(fit))
                centres[c] = x[worst]
                fit[worst] = np.inf
    names = [_name(x[labels == c], vocab) for c in range(k)]
    return [int(v) for v in labels], names


def _init(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ on cosine distance."""
    n = x.shape[0]
    nonzero = np.flatnonzero(x.any(axis=1))
    chosen = [int(nonzero[rng.integers(len(nonzero))]) if len(nonzero) else int(rng.integers(n))]
    dist = 1.0 - x @ x[chosen[0]]
    empty = ~x.any(axis=1)  # texts with no kept term never seed a topic
    for _ in range(1, k):
        weights = np.clip(dist, 0.0, None) ** 2
        weights[empty] = 0.0
        total = float(weights.sum())
        nxt = int(rng.choice(n, p=weights / total)) if total > 0 else int(rng.integers(n))
        chosen.append(nxt)
        dist = np.minimum(dist, 1.0 - x @ x[nxt])
    return x[chosen].copy()


def _name(members: np.ndarray, vocab: Sequence[str]) -> str:
    if not len(members):
        return "other"
    weight = members.sum(axis=0)
    terms: list[str] = []
    for i in np.argsort(-weight, kind="stable"):
        if weight[i] <= 0 or len(terms) == 3:
            break
        term = vocab[int(i)]
        if any(term in t or t in term for t in terms):
            continue
        terms.append(term)
    return ", ".join(terms) or "other"
