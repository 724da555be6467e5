"""Match a pattern's regex trying only the branches that can match a message (the prefilter at run time).

:mod:`calmline.signals._prefilter` works out, from each branch's syntax, the words every
match of it contains and the literal strings every match starts with; an
:class:`Alternation` uses them to drop the branches a message's tokens rule out and to
try the rest only where a match can start, with the same matches as the whole regex.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator

from calmline.signals import _rxcache
from calmline.signals._prefilter import (
    _AFFIXES,
    _branches,
    _pattern_heads,
    is_affix_clause,
    token_clauses,
    with_affixes,
)

__all__ = ["Alternation", "compile_all"]

#: every Alternation alive (weakly held), for :func:`compile_all`
_LIVE: weakref.WeakSet[Alternation] = weakref.WeakSet()


class Alternation:
    """``(?:p1)|(?:p2)|...`` that scans only the alternatives able to match a message.

    Each pattern is split into its top-level branches; a branch whose word clauses
    (:func:`token_clauses`) miss the message's tokens cannot match anywhere in it,
    and dropping it from the alternation changes no match: at every position the
    first alternative that matches is still the one chosen. Each branch is compiled
    on first use and kept; :meth:`matches` tries the live ones without joining them.
    """

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        _LIVE.add(self)
        self.sources: list[str] = []
        self._rx: list[re.Pattern[str] | None] = []
        clauses: list[tuple[frozenset[str], ...]] = []
        #: per branch: literal strings one of which every match starts with (None: unknown)
        self.heads: list[frozenset[str] | None] = []
        for p in patterns:
            branches = _branches(p.pattern, p.flags)
            if branches is None:
                self.sources.append(p.pattern)
                self._rx.append(p)
                clauses.append(token_clauses(p))
                self.heads.append(_pattern_heads(p.pattern, p.flags))
                continue
            for source, cl, heads in branches:
                self.sources.append(source)
                self._rx.append(None)  # compiled on first use
                clauses.append(cl)
                self.heads.append(heads)
                _AFFIXES.register(cl)
        self.flags = {p.flags for p in patterns}
        self._flags = next(iter(self.flags)) if len(self.flags) == 1 else 0
        self.clauses = clauses
        #: per branch: the word clause indexed (or None), the other word clauses, the affix clauses
        self.first_clause: list[frozenset[str] | None] = []
        self.rest: list[tuple[frozenset[str], ...]] = []
        self.affix: list[tuple[frozenset[str], ...]] = []
        first: dict[str, set[int]] = {}
        always: set[int] = set()
        for i, cl in enumerate(clauses):
            words = [c for c in cl if not is_affix_clause(c)]
            self.first_clause.append(words[0] if words else None)
            self.rest.append(tuple(words[1:]))
            # affix clauses cost a pass over the tokens' prefixes and suffixes: only worth it
            # for a branch that has no word clause to be selected by
            self.affix.append(() if words else tuple(c for c in cl if is_affix_clause(c)))
            if words:
                for w in words[0]:
                    first.setdefault(w, set()).add(i)
            else:
                always.add(i)
        self._first = {w: frozenset(ix) for w, ix in first.items()}
        self.first_words = frozenset(first)
        self.always = frozenset(always)
        self._all = tuple(range(len(self.sources)))
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}

    def branch(self, i: int) -> re.Pattern[str]:
        """The compiled regex of branch ``i``."""
        rx = self._rx[i]
        if rx is None:
            rx = self._rx[i] = _rxcache.compile(self.sources[i], self._flags)
        return rx

    @property
    def branches(self) -> list[re.Pattern[str]]:
        return [self.branch(i) for i in self._all]

    def _join(self, live: tuple[int, ...]) -> re.Pattern[str]:
        if len(live) == 1:
            return self.branch(live[0])
        if len(self.flags) != 1:
            raise ValueError("an alternation of patterns with different flags")
        return _rxcache.compile("|".join(f"(?:{self.sources[i]})" for i in live), self._flags)

    @property
    def pattern(self) -> str:
        return self.regex(self._all).pattern

    def live(self, toks: frozenset[str]) -> tuple[int, ...]:
        """Indices of the branches that may match a message with these tokens."""
        hit = toks & self.first_words
        if hit:
            first = self._first
            cand = self.always.union(*[first[w] for w in hit])
        else:
            cand = self.always
        if not cand:
            return ()
        rest, affix = self.rest, self.affix
        out: list[int] = []
        aug: frozenset[str] | None = None
        for i in sorted(cand):
            if rest[i] and not all(not toks.isdisjoint(c) for c in rest[i]):
                continue
            if affix[i]:
                if aug is None:
                    aug = with_affixes(toks)
                if not all(not aug.isdisjoint(c) for c in affix[i]):
                    continue
            out.append(i)
        return tuple(out)

    def regex(self, live: tuple[int, ...]) -> re.Pattern[str]:
        """The alternation of the branches ``live`` (compiled on first use and kept)."""
        rx = self._compiled.get(live)
        if rx is None:
            if len(self._compiled) > 4096:
                self._compiled.clear()
            rx = self._compiled[live] = self._join(live)
        return rx

    def finditer(self, norm: str) -> Iterator[re.Match[str]]:
        """All matches, as the full alternation finds them."""
        return self.regex(self._all).finditer(norm)

    def matches(self, norm: str, live: tuple[int, ...]) -> list[re.Match[str]]:
        """``list(self.regex(live).finditer(norm))``, compiling nothing but each branch once.

        At any position the alternation's match is its first branch that matches there, so
        the live branches are tried one by one (each compiled on first use and kept; a set
        of live branches never seen before compiles nothing, which kept compiling in the
        middle of reading when every message was new):

        * when every live branch's matches start with one of a few literal strings (after
          zero-width assertions such as ``\\b``), the branches are tried, with ``match``,
          only where one of those strings occurs (found with ``str.find``); ``match`` at a
          position finds what the scanner finds there (``\\b`` and lookbehinds still see
          the text before it), and scanning resumes after each match as ``finditer`` does;
        * otherwise each branch ``search``-es for its next match and the leftmost wins
          (the first branch on a tie), as the alternation's scanner would choose.
        """
        heads = self.heads
        if len(live) == 1:
            b = live[0]
            h = heads[b]
            if h is None:
                return list(self.branch(b).finditer(norm))
            return _at_heads(norm, _head_positions(norm, h), [self.branch(b).match])
        starts: set[str] = set()
        for b in live:
            h = heads[b]
            if h is None:
                return self._leftmost(norm, live)
            starts |= h
        return _at_heads(norm, _head_positions(norm, starts), [self.branch(b).match for b in live])

    def _leftmost(self, norm: str, live: tuple[int, ...]) -> list[re.Match[str]]:
        """The alternation's matches from each live branch's own ``search``."""
        searches = [self.branch(b).search for b in live]
        ahead: list[re.Match[str] | None] = [s(norm, 0) for s in searches]
        out: list[re.Match[str]] = []
        pos = 0
        while True:
            best: re.Match[str] | None = None
            for k, m in enumerate(ahead):
                if m is not None and m.start() < pos:
                    m = ahead[k] = searches[k](norm, pos)
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return out
            if best.end() == best.start():  # an empty match: leave its finer rules to the alternation itself
                return list(self.regex(live).finditer(norm))
            out.append(best)
            pos = best.end()

    def search(self, norm: str, toks: frozenset[str]) -> bool:
        """``self.finditer(norm)`` finds something, for a message whose tokens are ``toks``."""
        live = self.live(toks)
        return bool(live) and bool(self.matches(norm, live))

    def spans(self, norm: str, toks: frozenset[str]) -> list[tuple[int, int]]:
        """``[m.span() for m in self.finditer(norm)]``, for a message whose tokens are ``toks``."""
        live = self.live(toks)
        if not live:
            return []
        return [m.span() for m in self.matches(norm, live)]


def compile_all() -> int:
    """Compile every branch of every alternation loaded so far; the number compiled now.

    Branches are otherwise compiled when a message first needs them, and a few large ones
    take tens of milliseconds: a service calls this at start-up so that no request pays it.
    """
    n = 0
    for alt in list(_LIVE):
        for i, rx in enumerate(alt._rx):
            if rx is None:
                alt.branch(i)
                n += 1
    return n


def _head_positions(norm: str, heads: frozenset[str] | set[str]) -> list[int]:
    """Every position where one of ``heads`` occurs, ascending (a position may repeat)."""
    at: list[int] = []
    find = norm.find
    for h in heads:
        i = find(h)
        while i >= 0:
            at.append(i)
            i = find(h, i + 1)
    at.sort()
    return at


_Try = Callable[[str, int], re.Match[str] | None]


def _at_heads(norm: str, positions: list[int], tries: list[_Try]) -> list[re.Match[str]]:
    """Non-overlapping matches trying ``tries`` in order at ``positions`` (each match starts with a head)."""
    out: list[re.Match[str]] = []
    pos = 0
    for i in positions:
        if i < pos:
            continue
        for match in tries:
            m = match(norm, i)
            if m is not None:
                out.append(m)
                pos = m.end()  # > i: every match starts with a non-empty head
                break
        else:
            pos = i + 1
    return out
