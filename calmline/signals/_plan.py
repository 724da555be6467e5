"""Which detectors a message needs, decided with a few set operations (the reader's plan).

The branches of all pattern detectors' regexes are indexed together by the words
their matches need (:mod:`calmline.signals._prefilter`), as bit masks, so one "or"
over a message's words leaves the few branches worth matching; the other detectors
run when their own quick check or gate allows. Same signals as running every
detector, less work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import reduce
from operator import or_

from calmline.signals._prefilter import with_affixes
from calmline.signals._text import Message
from calmline.signals.base import Context, Detector
from calmline.signals.detectors import PatternDetector
from calmline.types import Signal

__all__ = ["Plan"]

_PATTERNS = 0
_Branch = tuple[int, int, int, tuple[frozenset[str], ...], tuple[frozenset[str], ...]]
_QUICK = 1
_GATED = 2


class Plan:
    """Which detectors a message needs, decided with a few set operations.

    The branches of all pattern detectors' regexes are indexed together: a branch
    can only match when one of its pattern's trigger words *and* one word of its
    first clause (see ``token_clauses``), and of its second, are among the message's
    tokens; these are looked up for all branches at once (sets of branches are bit
    masks), and the few branches left have their other clauses checked. Built-in
    detectors with a ``_prepare`` check (given the mood) run only when it passes, and
    then get what it worked out; any other detector runs when its ``gate`` allows.
    """

    def __init__(self, detectors: list[Detector]) -> None:
        self.detectors = detectors
        self.fixed: list[tuple[int, Detector, int]] = []
        trig: dict[str, set[int]] = {}
        first: dict[str, set[int]] = {}
        second: dict[str, set[int]] = {}
        always: set[int] = set()
        no_second: set[int] = set()
        #: branch id -> (detector position, pattern index, branch index, other word clauses, affix clauses)
        self.branches: list[_Branch] = []
        for pos, d in enumerate(detectors):
            if isinstance(d, PatternDetector) and type(d).detect is PatternDetector.detect and d.gate is not None:
                for i, alt in enumerate(d.alternations):
                    triggers = d.lexicon.patterns[i].triggers
                    for b, clause in enumerate(alt.first_clause):
                        bid = len(self.branches)
                        rest = alt.rest[b]
                        self.branches.append((pos, i, b, rest[1:], alt.affix[b]))
                        if rest:  # the second word clause is indexed too
                            for w in rest[0]:
                                second.setdefault(w, set()).add(bid)
                        else:
                            no_second.add(bid)
                        for t in triggers:
                            trig.setdefault(t, set()).add(bid)
                        if clause is None:
                            always.add(bid)
                        else:
                            for w in clause:
                                first.setdefault(w, set()).add(bid)
            elif callable(getattr(d, "_prepare", None)) and callable(getattr(d, "_detect_prepared", None)):
                self.fixed.append((pos, d, _QUICK))
            else:
                self.fixed.append((pos, d, _GATED))
        # Sets of branch ids are bit masks, so a union is an integer "or". Each word has
        # one integer holding three masks side by side (branches it triggers, whose first
        # clause it is in, whose second), so one "or" over the message's words gives all three.
        n = self.width = len(self.branches)
        self.full = (1 << n) - 1
        words: dict[str, int] = {}
        for shift, table in ((0, trig), (n, first), (2 * n, second)):
            for w, ids in table.items():
                words[w] = words.get(w, 0) | (sum(1 << b for b in ids) << shift)
        self.words = words
        self.all_words = frozenset(words)
        self.always = sum(1 << b for b in always)
        self.no_second = sum(1 << b for b in no_second)
        self.alternations = [getattr(d, "alternations", None) for d in detectors]

    def run(
        self,
        message: Message,
        scores: dict[str, float],
        offensive: float,
        previous_agent_text: str | None,
        previous_frustration: float,
        negativity: float,
        skip: int = 0,
    ) -> list[Signal]:
        """The signals of all detectors on ``message``, in detector order.

        ``skip``: bit ``k`` set when the ``k``-th detector of ``fixed`` certainly finds
        nothing (see :meth:`batch_skips`).
        """
        toks = message.token_set
        found: list[tuple[int, Iterable[Signal]]] = []
        hit = toks & self.all_words
        if hit:
            n, full = self.width, self.full
            masks = reduce(or_, map(self.words.__getitem__, hit))
            cand = masks & full & ((masks >> n) | self.always) & ((masks >> (2 * n)) | self.no_second)
            if cand:
                found.extend(self._run_patterns(message, toks, cand))
        context: Context | None = None
        for k, (pos, d, kind) in enumerate(self.fixed):
            if skip >> k & 1:
                continue
            state = None
            if kind == _QUICK:
                state = d._prepare(message, negativity, offensive)  # type: ignore[attr-defined]
                if state is None:
                    continue
            elif d.gate is not None and toks.isdisjoint(d.gate):
                continue
            if context is None:
                context = Context(
                    emotion=scores,
                    offensive=offensive,
                    previous_agent_text=previous_agent_text,
                    previous_frustration=previous_frustration,
                )
            if kind == _QUICK:
                out = d._detect_prepared(message, context, state)  # type: ignore[attr-defined]
            else:
                out = d.detect(message, context)
                if not isinstance(out, list | tuple):
                    out = list(out)  # a generator: consume it now, as before
            if out:
                found.append((pos, out))
        if not found:
            return []
        if len(found) == 1:
            return list(found[0][1])
        found.sort(key=_first)
        return [s for _, out in found for s in out]

    def batch_skips(self, messages: list[Message]) -> list[int]:
        """Per message, the ``skip`` bits of ``run``: detectors whose ``_batch_ready`` rules them out.

        Checking a whole batch at once (set operations mapped over it) is much cheaper
        than one ``_prepare`` call per message and detector.
        """
        skips = [0] * len(messages)
        for k, (_pos, d, kind) in enumerate(self.fixed):
            batch_ready = getattr(d, "_batch_ready", None)
            if kind != _QUICK or batch_ready is None:
                continue
            bit = 1 << k
            skips = [s if ready else s | bit for s, ready in zip(skips, batch_ready(messages), strict=True)]
        return skips

    def _run_patterns(self, message: Message, toks: frozenset[str], cand: int) -> list[tuple[int, Iterable[Signal]]]:
        """Check the other clauses of the candidate branches, match the live ones, report per detector."""
        branches = self.branches
        live: list[tuple[int, int, int]] = []
        aug: frozenset[str] | None = None
        while cand:  # the set bits, lowest (first detector, pattern, branch) first
            low = cand & -cand
            cand ^= low
            pos, i, b, rest, affix = branches[low.bit_length() - 1]
            for clause in rest:
                if toks.isdisjoint(clause):
                    break
            else:
                if affix:
                    if aug is None:
                        aug = with_affixes(toks)
                    if any(aug.isdisjoint(c) for c in affix):
                        continue
                live.append((pos, i, b))
        if not live:
            return []
        norm = message.norm
        alternations = self.alternations
        # group the live branches by pattern, then match each pattern once
        matched: dict[int, list[tuple[int, list[re.Match[str]]]]] = {}
        k = 0
        n_live = len(live)
        while k < n_live:
            pos, i, b = live[k]
            bs = [b]
            k += 1
            while k < n_live and live[k][0] == pos and live[k][1] == i:
                bs.append(live[k][2])
                k += 1
            ms = alternations[pos][i].matches(norm, tuple(bs))  # type: ignore[index]
            if ms:
                matched.setdefault(pos, []).append((i, ms))
        found: list[tuple[int, Iterable[Signal]]] = []
        for pos, per in matched.items():
            out = self.detectors[pos].detect_matches(message, per)  # type: ignore[attr-defined]
            if out:
                found.append((pos, out))
        return found


def _first(item: tuple[int, Iterable[Signal]]) -> int:
    return item[0]
