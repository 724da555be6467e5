"""Text preparation shared by every detector.

:class:`Message` holds the original text and a *normalised* copy of exactly the same
length (lower-cased, curly quotes straightened, leetspeak undone inside words), so a
match found in the normalised text has the same offsets in the original: evidence
spans never drift. It also knows which regions are quoted or reported speech and
where each clause starts, which the detectors use to skip quotes and negations.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import add, itemgetter
from typing import Any

from calmline.signals._alternation import Alternation

__all__ = ["INNER_MASK", "Message", "normalise", "prepare_messages"]

_QUOTE_MAP = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
_QUOTES = tuple((chr(k), v) for k, v in _QUOTE_MAP.items())
#: full-width forms ("ＹＯＵ ＩＤＩＯＴ") read as the ASCII they stand for, one character for one
_WIDE = re.compile("[\uff01-\uff5e]")
_WIDE_MAP = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_LEET_MAP = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)
# A word that may hide leetspeak: letters mixed with digits or symbols, e.g. sh1t, b!tch, @ss, 1d10t.
_LEETY = re.compile(r"(?<![a-z0-9@$!|])[a-z0-9@$!|]*(?:[a-z][0-9@$!|]|[0-9@$!|][a-z])[a-z0-9@$!|]*")
# Four or more letters spaced out one by one: "s t u p i d", "f.u.c.k".
_SPACED = re.compile(r"\b(?:[a-z][ .]){3,}[a-z]\b")
_PLAIN_ALNUM = re.compile(r"^(?:\d+[a-z]+|[a-z]+\d+)!*$")
_TOKEN = re.compile(r"[^\W_]+(?:[*#]+[^\W_]*|['\-][^\W_]+)*|[*#]+[^\W_]+", re.UNICODE)
#: a mask character inside a word (f*ck, sh#t), as opposed to a #hashtag
INNER_MASK = re.compile(r"[a-z][*#%]")
_WORD = re.compile(r"[^\W_]+")
_JOINED = re.compile(r"\b[^\W_]+(?:['\-][^\W_]+)+")
_CLAUSE_BREAK = re.compile(r"[.!?;:\n]+|,|\b(?:but|and|although|though|however|because|so|while|whereas)\b")
# Quoted regions: "...", “...” (straightened), and *...* is not a quote.
_QUOTED = re.compile(r'"[^"\n]{1,300}"')
_REPORTED = re.compile(
    r"\b(?:(?:called|call|calling|calls)\s+(?:me|us|him|her|them|my \w+)"
    r"|(?:said|says|told me|tells me|told us|telling me|wrote|accused me of being|labelled me|labeled me)\b"
    r"|(?:your|the|a|an|another|other|last|first|previous)\s+(?:colleague|agent|rep|guy|woman|man|lady|person|advisor|adviser|bot|manager)\s+(?:said|called|told|wrote))"
)


# ``_CLAUSE_BREAK`` in two parts: punctuation (a character class first, which the regex
# engine scans for quickly) and the conjunctions (only when one is among the tokens).
# Matches of the two never overlap (punctuation vs. letters), so the ends of
# ``_CLAUSE_BREAK.finditer`` are the ends of both, merged.
_BREAK_PUNCT = re.compile(r"[.!?;:\n]+|,")
_BREAK_WORD = re.compile(r"\b(?:but|and|although|though|however|because|so|while|whereas)\b")
_BREAK_WORDS = frozenset(("but", "and", "although", "though", "however", "because", "so", "while", "whereas"))


def _clause_breaks(norm: str, tokens: frozenset[str]) -> list[int]:
    """``[m.end() for m in _CLAUSE_BREAK.finditer(norm)]`` (``tokens``: the tokens of ``norm``)."""
    ends = [m.end() for m in _BREAK_PUNCT.finditer(norm)]
    if not tokens.isdisjoint(_BREAK_WORDS):  # a whole-word match is a token
        ends.extend(m.end() for m in _BREAK_WORD.finditer(norm))
        ends.sort()
    return ends


_REPORTED_ALT: list[Alternation] = []  # built on first use


def _reported() -> Alternation:
    """``_REPORTED`` as an alternation that skips branches whose words are absent (same matches)."""
    if not _REPORTED_ALT:
        _REPORTED_ALT.append(Alternation([_REPORTED]))
    return _REPORTED_ALT[0]


def normalise(text: str) -> str:
    """Lower-case ``text`` and undo leetspeak inside words, keeping its length."""
    return _normalise_pieces(_lower(text))[0]


def _lower(text: str) -> str:
    """Lower-case with straight quotes, same length as ``text``."""
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. 'İ') grow when lowered
        low = "".join(c.lower()[:1] or c for c in text)
    if not low.isascii() or "`" in low:
        low = _straighten(low)
    return low


def _straighten(low: str) -> str:
    """``low.translate(_QUOTE_MAP)``, with one C-level ``replace`` per quote actually present, and
    full-width forms as ASCII (both keep the length)."""
    for a, b in _QUOTES:
        if a in low:
            low = low.replace(a, b)
    if _WIDE.search(low):
        low = low.translate(_WIDE_MAP)
    return low


# Leetspeak, tokens and masks never span a space, and a space is a
# non-word character for ``\b`` and the lookbehinds, so all of them can be worked
# out piece by piece (pieces: the lower-cased text split on " "); chat text repeats
# its pieces, so a small cache serves almost every one. Spaced-out letters
# ("s t u p i d") span spaces: those messages take the whole-text path.
#: piece -> (normalised piece, its tokens for ``token_set``; ``_MASKED`` marks an inner mask)
_Piece = tuple[str, tuple[str, ...]]
_PIECE_CACHE_MAX = 50_000
#: longer pieces (URLs, runs without spaces) are worked out each time: the caches stay small
_PIECE_CACHE_CHARS = 48
_LEET_CHARS = frozenset("0134573@$!|")
_MASKED = "\x00masked"  # never a token: tokens are runs of letters, digits, ' - * #
#: a necessary condition for ``_SPACED``: three single letters in a row
_SPACED_HINT = re.compile(r"[ .][a-z][ .][a-z][ .]")
_norm_of = itemgetter(0)
_toks_of = itemgetter(1)


class _PieceCache(dict[str, _Piece]):
    def __missing__(self, piece: str) -> _Piece:
        if len(self) > _PIECE_CACHE_MAX:
            self.clear()
        norm = _LEETY.sub(_deleet, piece) if not _LEET_CHARS.isdisjoint(piece) else piece
        toks = set(_WORD.findall(norm))
        if "'" in norm or "-" in norm:
            toks.update(_JOINED.findall(norm))
        if INNER_MASK.search(norm):
            toks.add(_MASKED)
        entry = (norm, tuple(toks))
        if len(piece) <= _PIECE_CACHE_CHARS:
            self[piece] = entry
        return entry


_PIECES = _PieceCache()


class _PieceTokens(dict[str, tuple[str, ...]]):
    """normalised piece -> its ``_TOKEN`` tokens (strings only)."""

    def __missing__(self, piece: str) -> tuple[str, ...]:
        if len(self) > _PIECE_CACHE_MAX:
            self.clear()
        toks = tuple(_TOKEN.findall(piece))
        if len(piece) <= _PIECE_CACHE_CHARS:
            self[piece] = toks
        return toks


_PIECE_TOKENS = _PieceTokens()


def _normalise_pieces(low: str) -> tuple[str, list[_Piece] | None]:
    """The normalised text of lower-cased ``low`` and its pieces (``None``: spaced letters collapsed)."""
    pieces = list(map(_PIECES.__getitem__, low.split(" ")))
    if len(pieces) == 1:
        return pieces[0][0], pieces
    norm = " ".join(map(_norm_of, pieces))
    if _SPACED_HINT.search(norm):
        spaced = _SPACED.sub(_collapse, norm)
        if spaced != norm:
            return spaced, None
    return norm, pieces


def _collapse(m: re.Match[str]) -> str:
    """ "s t u p i d" becomes "stupid" padded with spaces, keeping the length."""
    text = m.group(0)
    if text[0] in "ai" and len(text) >= 11:  # "a s t u p i d": keep the article apart
        return text[:2] + _collapse_run(text[2:])
    return _collapse_run(text)


def _collapse_run(text: str) -> str:
    letters = text[::2]
    return letters + " " * (len(text) - len(letters))


def _deleet(m: re.Match[str]) -> str:
    word = m.group(0)
    letters = sum(c.isalpha() for c in word)
    if letters < 2 or _PLAIN_ALNUM.match(word):  # 30mins, 4pm, covid19, order codes
        return word
    body = word.rstrip("!")  # "idiot!!" keeps its exclamation marks
    return body.translate(_LEET_MAP) + word[len(body) :]


class Message:
    """A customer or agent message prepared for the detectors.

    Attributes:
        text: the original text (possibly truncated to ``max_chars``).
        norm: the normalised text, same length as ``text``.
        truncated: whether the original was longer than ``max_chars``.
        token_set: the distinct normalised tokens, also split on apostrophes and hyphens.
        masked: whether a mask character follows a letter inside a word (``f*ck``).
        tokens: word tokens as ``(start, end, normalised_text)`` (computed on first use).
        quoted: character ranges inside quotation marks or after a reported-speech
            verb (computed on first use).
    """

    # The lazy attributes are plain slots filled by ``__getattr__`` on first use:
    # later reads are ordinary slot reads (no descriptor call, no lock).
    __slots__ = (
        "__dict__",
        "_breaks",
        "_has_reporting",
        "_quoted_reach",
        "masked",
        "norm",
        "quoted",
        "text",
        "token_set",
        "tokens",
        "truncated",
    )

    text: str
    norm: str
    truncated: bool
    token_set: frozenset[str]
    masked: bool
    tokens: list[tuple[int, int, str]]
    quoted: list[tuple[int, int]]
    _breaks: list[int]
    _has_reporting: bool
    _quoted_reach: tuple[list[int], list[int]]

    def __init__(self, text: str, *, max_chars: int = 20_000) -> None:
        self.truncated = truncated = len(text) > max_chars
        if truncated:
            text = text[:max_chars]
        self.text = text
        norm, pieces = _normalise_pieces(_lower(text))
        self._set_tokens(norm, None if pieces is None else chain.from_iterable(map(_toks_of, pieces)))

    def _set_tokens(self, norm: str, toks: Iterable[str] | None) -> None:
        """Set ``norm``, ``token_set`` and ``masked`` from the pieces' tokens (``None``: from ``norm``)."""
        self.norm = norm
        if toks is None:
            out = set(_WORD.findall(norm))
            if "'" in norm or "-" in norm:
                out.update(_JOINED.findall(norm))
            if INNER_MASK.search(norm):
                out.add(_MASKED)
            token_set = frozenset(out)
        else:
            token_set = frozenset(toks)
        if _MASKED in token_set:
            self.masked = True
            # with a mask somewhere, every ``_TOKEN`` token counts too (they never span a space)
            token_set = token_set.difference((_MASKED,)).union(
                chain.from_iterable(map(_PIECE_TOKENS.__getitem__, norm.split(" ")))
            )
        else:
            self.masked = False
        self.token_set = token_set

    def __getattr__(self, name: str) -> Any:
        # only called for an unset slot: compute it once
        if name == "tokens":
            value: Any = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(self.norm)]
        elif name == "quoted":
            norm = self.norm
            ranges = [(m.start(), m.end()) for m in _QUOTED.finditer(norm)] if '"' in norm else []
            for a, b in _reported().spans(norm, self.token_set):
                ranges.append((a, self.clause_end(b)))
            value = sorted(ranges)
        elif name == "_breaks":
            value = _clause_breaks(self.norm, self.token_set)
        elif name == "_quoted_reach":
            starts: list[int] = []
            reach: list[int] = []
            furthest = -1
            for a, b in self.quoted:
                furthest = max(furthest, b)
                starts.append(a)
                reach.append(furthest)
            value = (starts, reach)
        elif name == "_has_reporting":
            value = _reported().search(self.norm, self.token_set)
        else:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        setattr(self, name, value)
        return value

    def clause_start(self, pos: int) -> int:
        """Where the clause containing ``pos`` starts."""
        breaks = self._breaks
        i = bisect_right(breaks, pos)
        return breaks[i - 1] if i else 0

    def clause_end(self, pos: int) -> int:
        """Where the clause containing ``pos`` ends."""
        breaks = self._breaks
        i = bisect_right(breaks, pos)
        return breaks[i] if i < len(breaks) else len(self.norm)

    def is_quoted(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies in quoted or reported speech."""
        if '"' not in self.norm and not self._has_reporting:
            return False
        # ``quoted`` is sorted by start: of the ranges starting at or before ``start``,
        # does the one reaching furthest cover ``end``? (a bisection, not a scan)
        starts, reach = self._quoted_reach
        i = bisect_right(starts, start)
        return i > 0 and reach[i - 1] >= end

    def before(self, pos: int, *, words: int = 4) -> str:
        """The normalised text of up to ``words`` words before ``pos`` within its clause.

        Reads a window that grows until it holds ``words`` whole words (or reaches the
        clause start), so the cost does not grow with the clause's length.
        """
        start = self.clause_start(pos)
        if words <= 0:
            return ""
        norm = self.norm
        width = 32 * words
        while True:
            lo = pos - width
            if lo <= start:
                return " ".join(norm[start:pos].split()[-words:])
            parts = norm[lo:pos].rsplit(None, words)
            if len(parts) > words:  # parts[0] may be a cut word; the last ``words`` are whole
                return " ".join(parts[-words:])
            width *= 4


def prepare_messages(texts: Sequence[str], *, max_chars: int = 20_000) -> list[Message]:
    """``[Message(t, max_chars=max_chars) for t in texts]``, with the work done once for the batch.

    Lower-casing stays per message; straightening quotes and the piece lookups run on
    the whole batch joined by spaces (both work character by character or piece by
    piece, and keep lengths), so each message's normalised text is a slice.
    """
    if not texts:
        return []
    cut = [t if len(t) <= max_chars else t[:max_chars] for t in texts]
    lows = [t.lower() for t in cut]
    low_all = " ".join(lows)
    if list(map(len, lows)) != list(map(len, cut)):  # some characters grew: lower them one by one
        lows = [low if len(low) == len(t) else _lower(t) for low, t in zip(lows, cut, strict=True)]
        low_all = " ".join(lows)
    if not low_all.isascii() or "`" in low_all:
        low_all = _straighten(low_all)
    pieces = list(map(_PIECES.__getitem__, low_all.split(" ")))
    norm_all = " ".join(map(_norm_of, pieces))
    # per message, with C-level loops: its slice of the normalised text, its range of
    # pieces, and the union of their tokens
    lens = list(map(len, cut))
    starts = list(accumulate([n + 1 for n in lens], initial=0))
    norms = list(map(norm_all.__getitem__, map(slice, starts, map(add, starts, lens))))
    n_pieces = [c + 1 for c in map(str.count, cut, repeat(" "))]
    first = list(accumulate(n_pieces, initial=0))
    piece_toks = list(map(_toks_of, pieces))
    all_toks = list(chain.from_iterable(piece_toks))  # the tokens of the batch, piece after piece
    tok_at = list(accumulate(map(len, piece_toks), initial=0))  # where each piece's tokens start
    bounds = list(map(tok_at.__getitem__, first))
    token_sets = list(map(frozenset, map(all_toks.__getitem__, map(slice, bounds, bounds[1:]))))
    out: list[Message] = []
    new = Message.__new__
    for text, norm, toks in zip(cut, norms, token_sets, strict=False):
        msg = new(Message)
        msg.text = text
        msg.norm = norm
        msg.token_set = toks
        msg.masked = False
        out.append(msg)
    for msg, t in zip(out, texts, strict=True):
        msg.truncated = len(t) > max_chars
    redone: set[int] = set()
    if _SPACED_HINT.search(norm_all):  # messages that may hold spaced-out letters
        for m in _SPACED_HINT.finditer(norm_all):
            for i in range(bisect_right(starts, m.start()) - 1, bisect_right(starts, m.end() - 1)):
                norm = norms[i]
                if i not in redone and n_pieces[i] > 1 and norm != (collapsed := _SPACED.sub(_collapse, norm)):
                    out[i]._set_tokens(collapsed, None)
                    redone.add(i)
    for i in compress(range(len(out)), map(frozenset.__contains__, token_sets, repeat(_MASKED))):
        if i not in redone:
            out[i]._set_tokens(norms[i], token_sets[i])  # a mask inside a word: add the full tokens
    return out
