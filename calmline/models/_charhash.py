"""Hashed character n-grams of many tokens at once, in numpy (issue #14).

The reference definition is :func:`calmline.models._features.char_buckets`: a token that
has a letter, does not start with ``<`` and is at most 32 characters long is padded as
``" tok "``, and each character n-gram (``lo..hi``, n-major then position) is hashed
with ``zlib.crc32`` of its UTF-8 bytes. Computing that per n-gram in Python (a slice, an
``encode`` and a ``crc32`` call each) was the largest cost of reading text seen for the
first time. Here the CRC-32 of every n-gram of every ASCII token of a batch is computed
together with the table-driven algorithm, one numpy step per byte position; a longer
n-gram extends the CRC state of the shorter one at the same start. Tokens with other
characters (rare in practice) take the reference path, so the result is identical.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from itertools import compress
from operator import not_

import numpy as np
import numpy.typing as npt

__all__ = ["CHAR_MAX_TOKEN", "has_char_ngrams", "ngram_crc32"]

CHAR_MAX_TOKEN = 32  # longer tokens (hashes, spam) get no char n-grams
# an ASCII token with char n-grams: not "<...>", a letter, at most CHAR_MAX_TOKEN characters
_ASCII_OK = re.compile(r"(?!<)(?=[^A-Za-z]*[A-Za-z])[\x00-\x7f]{1," + str(CHAR_MAX_TOKEN) + "}").fullmatch


def _table() -> npt.NDArray[np.uint32]:
    c = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        c = np.where(c & 1, (c >> np.uint32(1)) ^ np.uint32(0xEDB88320), c >> np.uint32(1)).astype(np.uint32)
    return c


_CRC = _table()
_ONES = np.uint32(0xFFFFFFFF)
_LOW = np.uint32(0xFF)
_EIGHT = np.uint32(8)


def has_char_ngrams(tok: str) -> bool:
    """Whether ``tok`` gets char n-grams at all (the reference rule)."""
    return tok[:1] != "<" and len(tok) <= CHAR_MAX_TOKEN and any(c.isalpha() for c in tok)


def ngram_crc32(
    tokens: Sequence[str], lo: int, hi: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.uint32]]:
    """``(owner, n, crc)`` of every char n-gram of ``tokens``: token index, n-gram length, CRC-32.

    Each token's n-grams are contiguous and in the reference order (``n``, then position),
    so sums over a token's n-grams add in the same order as ``char_buckets``; tokens
    follow each other in no particular order.
    """
    every = range(len(tokens))
    fast = list(compress(every, map(_ASCII_OK, tokens)))
    slow_owner: list[int] = []
    slow_n: list[int] = []
    slow_crc: list[int] = []
    for k in compress(every, map(not_, map(str.isascii, tokens))):
        tok = tokens[k]
        if has_char_ngrams(tok):
            s = " " + tok + " "
            for n in range(lo, hi + 1):
                for i in range(len(s) - n + 1):
                    slow_owner.append(k)
                    slow_n.append(n)
                    slow_crc.append(zlib.crc32(s[i : i + n].encode("utf-8")))
    parts = [_ascii_ngrams(tokens, fast, lo, hi)] if fast else []
    if slow_owner:
        parts.append((np.asarray(slow_owner, np.intp), np.asarray(slow_n, np.intp), np.asarray(slow_crc, np.uint32)))
    if not parts:
        empty = np.zeros(0, np.intp)
        return empty, empty.copy(), np.zeros(0, np.uint32)
    if len(parts) == 1:
        return parts[0]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _ascii_ngrams(
    tokens: Sequence[str], fast: list[int], lo: int, hi: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.uint32]]:
    """``ngram_crc32`` of the ASCII tokens ``tokens[k] for k in fast`` (characters are bytes)."""
    padded = [" " + tokens[k] + " " for k in fast]
    lens = np.fromiter(map(len, padded), np.intp, len(padded))
    buf = np.frombuffer(("".join(padded) + " " * hi).encode("ascii"), np.uint8)
    ends = np.cumsum(lens)
    offs = ends - lens
    per_n = [np.maximum(lens - n + 1, 0) for n in range(lo, hi + 1)]  # n-grams of each length
    total = np.sum(per_n, axis=0)
    out_off = np.cumsum(total) - total  # where each token's n-grams start in the output
    size = int(total.sum())
    out_n = np.empty(size, np.intp)
    out_crc = np.empty(size, np.uint32)
    count = per_n[0]  # the shortest n-grams have the most starts
    owner_i = np.repeat(np.arange(len(fast)), count)
    within = np.arange(owner_i.size) - np.repeat(np.cumsum(count) - count, count)
    starts = within + offs[owner_i]
    state = np.full(starts.size, _ONES, np.uint32)
    block = out_off.copy()  # where the current length's block of each token starts
    for j in range(hi):
        state = _CRC[(state ^ buf[starts + j]) & _LOW] ^ (state >> _EIGHT)
        n = j + 1
        if n >= lo:
            c = per_n[n - lo]
            ok = within < c[owner_i]
            pos = block[owner_i[ok]] + within[ok]
            out_crc[pos] = state[ok] ^ _ONES
            out_n[pos] = n
            block += c
    return np.repeat(np.asarray(fast, np.intp), total), out_n, out_crc
