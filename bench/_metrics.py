"""Small, dependency-light metrics (numpy only), checked against hand-computed values in
``tests/bench/test_bench_smoke.py``.

Conventions: precision is NaN when nothing is predicted positive, AUC is NaN when one
class is empty, Spearman is NaN when either side is constant.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

__all__ = ["auc", "binary_report", "prf", "rankdata", "spearman"]

FloatArray = npt.NDArray[np.float64]


def rankdata(values: npt.ArrayLike) -> FloatArray:
    """1-based ranks, ties get the average of the ranks they span (like scipy's default)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("rankdata expects a 1-D sequence")
    order = np.argsort(x, kind="mergesort")
    _, inverse, counts = np.unique(x[order], return_inverse=True, return_counts=True)
    ends = np.cumsum(counts).astype(np.float64)
    avg = ends - (counts - 1) / 2.0  # mean of positions ends-count+1 .. ends
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = avg[inverse]
    return ranks


def auc(y: npt.ArrayLike, score: npt.ArrayLike) -> float:
    """Area under the ROC curve (Mann-Whitney U / (n_pos * n_neg)); ties count one half."""
    yy = np.asarray(y).astype(bool)
    s = np.asarray(score, dtype=np.float64)
    if yy.shape != s.shape:
        raise ValueError("y and score differ in length")
    n_pos = int(yy.sum())
    n_neg = len(yy) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    r = rankdata(s)
    u = float(r[yy].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def spearman(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Spearman's rho: Pearson correlation of the average ranks."""
    ra, rb = rankdata(a), rankdata(b)
    if ra.shape != rb.shape:
        raise ValueError("a and b differ in length")
    ra -= ra.mean()
    rb -= rb.mean()
    den = math.sqrt(float((ra * ra).sum()) * float((rb * rb).sum()))
    return float((ra * rb).sum()) / den if den > 0 else math.nan


def prf(y: npt.ArrayLike, pred: npt.ArrayLike) -> tuple[float, float, float]:
    """(precision, recall, F1) for the positive class."""
    yy = np.asarray(y).astype(bool)
    pp = np.asarray(pred).astype(bool)
    tp = int((yy & pp).sum())
    fp = int((~yy & pp).sum())
    fn = int((yy & ~pp).sum())
    p = tp / (tp + fp) if tp + fp else math.nan
    r = tp / (tp + fn) if tp + fn else math.nan
    if tp:
        return p, r, 2 * p * r / (p + r)
    f1 = 0.0 if (fp + fn) else math.nan
    return p, r, f1


def binary_report(y: npt.ArrayLike, score: npt.ArrayLike, threshold: float = 0.5) -> dict[str, float]:
    """n, positives, P/R/F1 at ``score >= threshold`` and AUC of the continuous score."""
    s = np.asarray(score, dtype=np.float64)
    yy = np.asarray(y).astype(int)
    p, r, f1 = prf(yy, s >= threshold)
    return {"n": len(yy), "pos": int(yy.sum()), "precision": p, "recall": r, "f1": f1, "auc": auc(yy, s)}
