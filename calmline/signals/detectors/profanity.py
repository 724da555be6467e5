"""abuse.profanity: swearing of any kind, masked and leetspeak forms included."""

from __future__ import annotations

import re
from collections.abc import Iterable

from calmline.errors import ConfigError
from calmline.registry import register
from calmline.signals._lexicon import load_yaml, word_list
from calmline.signals._text import INNER_MASK, Message
from calmline.signals.base import Context, Detector, make_signal
from calmline.types import Signal

_MASK = re.compile(r"[*#%]")


@register("abuse.profanity.v1")
class ProfanityDetector(Detector):
    """Whole-token swear-word matching; masks are read here, leetspeak and spaced letters by normalisation."""

    labels = ("abuse.profanity",)

    def load(self) -> None:
        data, origin = load_yaml("profanity")
        if not isinstance(data, dict):
            raise ConfigError(f"{origin}: expected a mapping")
        self.strong = word_list(data, "strong", origin)
        self.acronyms = word_list(data, "acronyms", origin)
        self.stems = tuple(word_list(data, "stems", origin))
        self.mild = word_list(data, "mild", origin)
        self.foreign = word_list(data, "foreign", origin)
        self.maskable = sorted(word_list(data, "maskable", origin))
        apology = data.get("apology", [])
        if not isinstance(apology, list):
            raise ConfigError(f"{origin}: apology: expected a list of regexes")
        self.apology = [re.compile(p) for p in apology]
        self.words = self.strong | self.acronyms | self.foreign
        self._stem_re = re.compile(r"\b(?:" + "|".join(map(re.escape, self.stems)) + ")")

    def _is_swear(self, tok: str) -> bool:
        return tok in self.words or tok.startswith(self.stems)

    def _unmask(self, tok: str) -> str | None:
        """The swear word a masked token like ``f**k`` stands for, if its known letters agree."""
        if not tok[:1].isalpha() or not _MASK.search(tok):
            return None  # "#hashtag" or "*sigh*" are not masks
        for word in self.maskable:
            if len(word) == len(tok) and all(c == w or c in "*#%" for c, w in zip(tok, word, strict=True)):
                return word
        return None

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        norm = message.norm
        toks = message.token_set
        masked = INNER_MASK.search(norm) is not None
        if not (toks & self.words) and not masked and not self._stem_re.search(norm):
            return ()
        found: list[tuple[int, int, str]] = []
        for start, end, tok in message.tokens:
            parts = [tok]
            if "'" in tok or "-" in tok:
                parts = [p for p in re.split(r"['\-]", tok) if p]
            word = next((p for p in parts if self._is_swear(p)), None)
            if word is None and masked and ("*" in tok or "#" in tok or "%" in tok):
                word = self._unmask(tok)
                if word is None:  # "f***ing" is longer than the word it hides
                    stem = tok.split("*", 1)[0] or tok
                    if tok[:1] == "f" and tok.endswith(("ing", "in", "ed", "er", "k")) and len(stem) <= 2:
                        word = "fucking" if "in" in tok[-3:] else "fuck"
            if word is not None:
                found.append((start, end, word))
        kept = []
        skipped = 0
        for start, end, word in found:
            if message.is_quoted(start, end) or self._apologised(message, start):
                skipped += 1
                continue
            kept.append((start, end, word))
        if not kept:
            return ()
        mild = all(w in self.mild for _, _, w in kept)
        masked = any(_MASK.search(message.norm[a:b]) or message.norm[a:b] != w for a, b, w in kept)
        score = 0.8 if mild else 0.95
        score = min(0.99, score + 0.02 * (len(kept) - 1))
        words = sorted({w for _, _, w in kept})
        why = f"swearing: {', '.join(words)}"
        if masked:
            why += " (masked or disguised form)"
        if mild:
            why += "; mild expletive"
        return (make_signal("abuse.profanity", score, message, [(a, b) for a, b, _ in kept], self.name, why),)

    def _apologised(self, message: Message, start: int) -> bool:
        clause = message.norm[message.clause_start(start) : start]
        return any(p.search(clause) for p in self.apology)
