"""The generic rule detector: a YAML pattern lexicon applied with negation and quote handling."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from calmline.signals._lexicon import Pattern, PatternLexicon, load_lexicon
from calmline.signals._text import Message
from calmline.signals.base import Context, Detector, make_signal
from calmline.types import Signal

__all__ = ["PatternDetector", "is_negated"]

_NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "nor",
        "without",
        "neither",
        "cannot",
        "don't",
        "dont",
        "won't",
        "wont",
        "isn't",
        "isnt",
        "aren't",
        "arent",
        "wasn't",
        "weren't",
        "didn't",
        "didnt",
        "doesn't",
        "doesnt",
        "haven't",
        "hasn't",
        "shouldn't",
        "wouldn't",
    ]
)
_NEG_TOKEN = re.compile(r"[a-z']+")


def is_negated(message: Message, start: int, window: int) -> bool:
    """Whether one of the ``window`` words before ``start`` (same clause) negates it."""
    if window <= 0:
        return False
    for word in _NEG_TOKEN.findall(message.before(start, words=window)):
        if word in _NEGATORS or word.endswith("n't"):
            return True
    return False


class PatternDetector(Detector):
    """Emits one label when any of its lexicon's patterns matches.

    Subclasses set ``lexicon_name``; a pattern only runs when one of its trigger
    words is among the message's tokens, which keeps the detector fast.
    """

    lexicon_name: ClassVar[str]
    labels: ClassVar[tuple[str, ...]] = ()

    def __init__(self, lexicon: PatternLexicon | None = None) -> None:
        self._lexicon = lexicon

    @property
    def lexicon(self) -> PatternLexicon:
        if self._lexicon is None:
            self._lexicon = load_lexicon(self.lexicon_name)
        return self._lexicon

    def load(self) -> None:
        lex = self.lexicon
        self._by_trigger: dict[str, list[Pattern]] = {}
        for p in lex.patterns:
            for t in p.triggers:
                self._by_trigger.setdefault(t, []).append(p)
        self._exclude_triggers = {t for p in lex.exclude for t in p.triggers}
        self.gate = frozenset(self._by_trigger)

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        tokens = message.token_set
        candidates: list[Pattern] = []
        for tok in tokens & self._by_trigger.keys():
            for p in self._by_trigger[tok]:
                if p not in candidates:
                    candidates.append(p)
        if not candidates:
            return ()
        hits: list[tuple[Pattern, int, int]] = []
        skipped: list[str] = []
        excluded = self._excluded_ranges(message, tokens)
        for p in candidates:
            for m in p.regex.finditer(message.norm):
                a, b = m.span()
                if a == b:
                    continue
                if p.quotable and message.is_quoted(a, b):
                    skipped.append("quoted")
                    continue
                if p.negatable and is_negated(message, a, p.window):
                    skipped.append("negated")
                    continue
                if any(a < y and x < b for x, y in excluded):
                    continue
                hits.append((p, a, b))
        if not hits:
            return ()
        hits.sort(key=lambda h: -h[0].score)
        best = hits[0][0]
        kinds = {h[0].id for h in hits}
        score = min(0.99, best.score + 0.04 * (len(kinds) - 1))
        label = self.labels[0]
        why = best.why or f"matched {best.id}"
        if len(kinds) > 1:
            why += f" (+{len(kinds) - 1} more cue{'s' if len(kinds) > 2 else ''})"
        out = [make_signal(label, score, message, [(a, b) for _, a, b in hits], self.name, why)]
        implied: dict[str, list[tuple[int, int]]] = {}
        for p, a, b in hits:
            for extra in p.implies:
                implied.setdefault(extra, []).append((a, b))
        for extra, spans in implied.items():
            out.append(
                make_signal(extra, score * 0.9, message, spans, self.name, f"{why}, which also demeans the agent")
            )
        return out

    def _excluded_ranges(self, message: Message, tokens: frozenset[str]) -> list[tuple[int, int]]:
        if not (tokens & self._exclude_triggers):
            return []
        out: list[tuple[int, int]] = []
        for p in self.lexicon.exclude:
            if tokens & p.triggers:
                out.extend(m.span() for m in p.regex.finditer(message.norm))
        return out
