"""The words that pushed a batch of messages towards a binary model's positive class (issue #13, #14).

:meth:`LinearModel.top_features` explains one message; a learned score of every customer turn
says why (``learned_why`` in the JSONL output), so the batch path ranks them for all messages at
once, from the feature rows it has already found, with the same arithmetic: each feature's
contribution ``weight / sqrt(features in the message)`` summed per occurrence in message order,
positive ones ranked by value and then by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from calmline.models._linear import LinearModel

__all__ = ["top_words_batch"]


def top_words_batch(
    model: LinearModel,
    rows: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]],
    n: int,
    want: npt.NDArray[np.bool_],
    k: int = 3,
) -> list[tuple[str, ...] | None]:
    """Per message, the words of ``model.top_features(text, model.classes[1], k)`` where ``want``, else None.

    ``rows``: :meth:`LinearModel.feature_rows` of the batch (each feature occurrence's row and message).
    """
    out: list[tuple[str, ...] | None] = [None] * n
    if not want.any():
        return out
    for m in np.flatnonzero(want).tolist():
        out[m] = ()
    idx, mid = rows
    nf = model.W.shape[0]
    known = idx < nf
    counts = np.bincount(mid[known], minlength=n)
    scale = 1.0 / np.sqrt(np.maximum(counts, 1)) if model.sqrt_norm else np.ones(n)
    sel = known & want[mid]
    i, m = idx[sel], mid[sel]
    contrib = model._W64[i, 0] * scale[m]
    pos = contrib > 0.0
    i, m, contrib = i[pos], m[pos], contrib[pos]
    if not i.size:
        return out
    keys, inv = np.unique(m.astype(np.int64) * (nf + 1) + i, return_inverse=True)
    totals = np.bincount(inv.ravel(), weights=contrib)  # in input order per feature, as the one-message sum
    km, kr = keys // (nf + 1), keys % (nf + 1)
    order = np.lexsort((model._name_rank[kr], -totals, km))
    km_sorted = km[order]
    first = np.searchsorted(km_sorted, km_sorted, side="left")
    top = order[(np.arange(order.size) - first) < k]
    names = model._names
    found: dict[int, list[str]] = {}
    for msg, row in zip(km[top].tolist(), kr[top].tolist(), strict=True):
        found.setdefault(msg, []).append(names[row])
    for msg, words in found.items():
        out[msg] = tuple(words)
    return out
