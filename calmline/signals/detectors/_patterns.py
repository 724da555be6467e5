"""The generic rule detector: a YAML pattern lexicon applied with negation and quote handling."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar

from calmline.signals._alternation import Alternation
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
    cond = 0  # words since a conditional ("if", "unless") whose clause is still open
    words = _NEG_TOKEN.findall(message.before(start, words=window + _COND_REACH))
    first = len(words) - window  # only the last ``window`` words can negate; earlier ones can open a condition
    for k, word in enumerate(words):
        if word in _CONDITIONALS:
            cond = 1
        elif cond and cond > 1 and word in _MAIN_SUBJECTS:
            cond = 0  # "if this isn't sorted | I'm calling my lawyer": the main clause starts
        elif cond:
            cond += 1  # a negator here belongs to the condition, not to what follows
        elif k >= first and (word in _NEGATORS or word.endswith("n't")):
            if word == "no" and k + 1 < len(words) and words[k + 1] in _SUBJECTS:
                continue  # "no you are just stupid": the interjection, not "no" before a noun
            return True
    return False


#: subject pronouns: "no" right before one is an interjection ("No you are ...", "no it's broken")
_SUBJECTS = frozenset(
    {"you", "you're", "youre", "u", "ur", "i", "i'm", "im", "we", "we're", "they", "they're", "he", "she", "it's"}
)


#: a negator inside a condition ("if this isn't fixed ...") does not negate the main clause
_CONDITIONALS = frozenset({"if", "unless"})
_COND_REACH = 8  # how far back a condition is looked for
_MAIN_SUBJECTS = frozenset(
    {"i", "i'm", "i'll", "im", "ill", "we", "we'll", "we're", "i've", "we've", "then", "my", "our"}
)


class PatternDetector(Detector):
    """Emits one label when any of its lexicon's patterns matches.

    Subclasses set ``lexicon_name``; a pattern only runs when one of its trigger
    words is among the message's tokens, which keeps the detector fast. Each
    pattern also carries the word clauses ``token_clauses`` derives from its
    regex: when one of them misses the tokens the regex cannot match, so it is not
    run (the result is the same, only cheaper).
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
        self._patterns = lex.patterns
        by_trigger: dict[str, list[int]] = {}
        for i, p in enumerate(lex.patterns):
            for t in p.triggers:
                by_trigger.setdefault(t, []).append(i)
        #: trigger word -> indices of the patterns it triggers (lexicon order)
        self.trigger_index: dict[str, tuple[int, ...]] = {t: tuple(ix) for t, ix in by_trigger.items()}
        #: per pattern: its regex split into branches, each with the word clauses its matches meet
        self.alternations = tuple(Alternation([p.regex]) for p in lex.patterns)
        self._exclude = tuple((p, Alternation([p.regex])) for p in lex.exclude)
        self._exclude_triggers = frozenset(t for p in lex.exclude for t in p.triggers)
        self.gate = frozenset(by_trigger)

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        hit = message.token_set & self.trigger_index.keys()
        if not hit:
            return ()
        index = self.trigger_index
        if len(hit) == 1:
            candidates: Iterable[int] = index[next(iter(hit))]
        else:
            candidates = sorted(set().union(*[index[t] for t in hit]))
        return self.detect_candidates(message, candidates)

    def detect_candidates(self, message: Message, candidates: Iterable[int]) -> list[Signal] | tuple[()]:
        """``detect`` given the indices (ascending) of the patterns whose triggers are present."""
        tokens = message.token_set
        alternations = self.alternations
        live = [(i, lv) for i in candidates if (lv := alternations[i].live(tokens))]
        return self.detect_live(message, live) if live else ()

    def detect_live(self, message: Message, live: list[tuple[int, tuple[int, ...]]]) -> list[Signal] | tuple[()]:
        """``detect`` given, for the patterns that may match (ascending), the branches that may match."""
        norm = message.norm
        alternations = self.alternations
        found = [(i, ms) for i, branches in live if (ms := alternations[i].matches(norm, branches))]
        return self.detect_matches(message, found) if found else ()

    def detect_matches(
        self, message: Message, found: list[tuple[int, list[re.Match[str]]]]
    ) -> list[Signal] | tuple[()]:
        """``detect`` given the regex matches of each pattern (ascending pattern index)."""
        patterns = self._patterns
        hits: list[tuple[Pattern, int, int]] = []
        excluded: list[tuple[int, int]] | None = None
        for i, matches in found:
            p = patterns[i]
            for m in matches:
                a, b = m.span()
                if a == b:
                    continue
                if p.quotable and message.is_quoted(a, b):
                    continue
                if p.negatable and is_negated(message, a, p.window):
                    continue
                if excluded is None:
                    excluded = self._excluded_ranges(message, message.token_set)
                if excluded and any(a < y and x < b for x, y in excluded):
                    continue
                hits.append((p, a, b))
        if not hits:
            return ()
        return self._signals(message, hits)

    def _signals(self, message: Message, hits: list[tuple[Pattern, int, int]]) -> list[Signal]:
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
        if tokens.isdisjoint(self._exclude_triggers):
            return []
        out: list[tuple[int, int]] = []
        for p, alt in self._exclude:
            if not tokens.isdisjoint(p.triggers):
                out.extend(alt.spans(message.norm, tokens))
        return out
