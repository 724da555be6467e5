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
from functools import cached_property

__all__ = ["INNER_MASK", "Message", "normalise"]

_QUOTE_MAP = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'", "`": "'"})
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


def normalise(text: str) -> str:
    """Lower-case ``text`` and undo leetspeak inside words, keeping its length."""
    low = text.lower()
    if len(low) != len(text):  # a few characters (e.g. 'İ') grow when lowered
        low = "".join(c.lower()[:1] or c for c in text)
    if not low.isascii() or "`" in low:
        low = low.translate(_QUOTE_MAP)
    if any(ch in low for ch in "0134573@$!|"):
        low = _LEETY.sub(_deleet, low)
    if " " in low:
        low = _SPACED.sub(_collapse, low)
    return low


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
    """

    __slots__ = ("__dict__", "norm", "text", "truncated")

    def __init__(self, text: str, *, max_chars: int = 20_000) -> None:
        self.truncated = len(text) > max_chars
        self.text = text[:max_chars] if self.truncated else text
        self.norm = normalise(self.text)

    @cached_property
    def tokens(self) -> list[tuple[int, int, str]]:
        """Word tokens as ``(start, end, normalised_text)``."""
        return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(self.norm)]

    @cached_property
    def token_set(self) -> frozenset[str]:
        """The distinct normalised tokens, also split on apostrophes and hyphens."""
        norm = self.norm
        out = set(_WORD.findall(norm))
        if "'" in norm or "-" in norm:
            out.update(_JOINED.findall(norm))
        if INNER_MASK.search(norm):
            out.update(tok for _, _, tok in self.tokens)
        return frozenset(out)

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Character ranges inside quotation marks or after a reported-speech verb."""
        ranges = [(m.start(), m.end()) for m in _QUOTED.finditer(self.norm)] if '"' in self.norm else []
        for m in _REPORTED.finditer(self.norm):
            ranges.append((m.start(), self.clause_end(m.end())))
        return sorted(ranges)

    @cached_property
    def _breaks(self) -> list[int]:
        return [m.end() for m in _CLAUSE_BREAK.finditer(self.norm)]

    def clause_start(self, pos: int) -> int:
        """Where the clause containing ``pos`` starts."""
        i = bisect_right(self._breaks, pos)
        return self._breaks[i - 1] if i else 0

    def clause_end(self, pos: int) -> int:
        """Where the clause containing ``pos`` ends."""
        for b in self._breaks:
            if b > pos:
                return b
        return len(self.norm)

    def is_quoted(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies in quoted or reported speech."""
        if '"' not in self.norm and not self._has_reporting:
            return False
        return any(a <= start and end <= b for a, b in self.quoted)

    @cached_property
    def _has_reporting(self) -> bool:
        return _REPORTED.search(self.norm) is not None

    def before(self, pos: int, *, words: int = 4) -> str:
        """The normalised text of up to ``words`` words before ``pos`` within its clause."""
        start = self.clause_start(pos)
        chunk = self.norm[start:pos]
        parts = chunk.split()
        return " ".join(parts[-words:])
