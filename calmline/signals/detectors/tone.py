"""abuse.yelling and customer.sarcasm: tone detectors that weigh words against mood."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from calmline.errors import ConfigError
from calmline.registry import register
from calmline.signals._lexicon import load_yaml, word_list
from calmline.signals._text import Message
from calmline.signals.base import Context, Detector, make_signal
from calmline.types import Signal

# An upper-case word (letters, maybe an apostrophe), in the ORIGINAL text.
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]*[A-Z]\b|\b[AI]\b")
_CAPS_HINT = re.compile(r"[A-Z]{2,}[^a-z]+[A-Z]{2,}")
_LOWER_WORD = re.compile(r"\b[a-z]{2,}")
_PUNCT_RUN = re.compile(r"(?:[!?]\s?){3,}|[!?]{2,}1+")
_CONFUSED = re.compile(
    r"^\W*(?:\?\s*){3,}\W*$|\b(?:what|huh|eh|sorry|pardon|come again|how|which|confused|mean)\W*(?:\?\s*){3,}"
)


@lru_cache(maxsize=1)
def tone_words() -> dict[str, frozenset[str] | list[re.Pattern[str]]]:
    """The word lists and phrase patterns of ``lexicons/tone.yaml``."""
    data, origin = load_yaml("tone")
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping")
    out: dict[str, frozenset[str] | list[re.Pattern[str]]] = {
        k: word_list(data, k, origin) for k in ("acronyms", "happy", "negative", "praise", "sincere")
    }
    for key in ("sarcasm_strong", "sarcasm_weak", "sincere_phrases"):
        phrases = data.get(key)
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"{origin}: {key}: expected a list of regexes")
        try:
            out[key] = [re.compile(p) for p in phrases]
        except re.error as exc:
            raise ConfigError(f"{origin}: {key}: invalid regular expression: {exc}") from None
    return out


def _phrases(key: str) -> list[re.Pattern[str]]:
    value = tone_words()[key]
    assert isinstance(value, list)
    return value


def _words(key: str) -> frozenset[str]:
    value = tone_words()[key]
    assert isinstance(value, frozenset)
    return value


def is_happy(message: Message, context: Context) -> bool:
    """Positive words outweigh negative ones and the emotion model agrees."""
    toks = message.token_set
    pos = len(toks & _words("happy"))
    neg = len(toks & _words("negative"))
    sat = context.emotion.get("satisfaction", 0.0)
    return pos > 0 and pos > neg and sat + 0.15 >= context.negativity


@register("abuse.yelling.v1")
class YellingDetector(Detector):
    """Sustained capitals over several words, or hostile runs of ``!!!``/``???``."""

    labels = ("abuse.yelling",)

    def load(self) -> None:
        self.acronyms = _words("acronyms")

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        text = message.text
        spans: list[tuple[int, int]] = []
        reasons: list[str] = []
        score = 0.0
        if _CAPS_HINT.search(text):
            run = self._caps_runs(text)
            if run:
                spans.extend(run)
                words = sum(len(text[a:b].split()) for a, b in run)
                reasons.append(f"{words} words in capitals")
                score = min(0.95, 0.7 + 0.03 * words)
        if "!!" in text or "??" in text or "?!" in text or "!?" in text or "! !" in text or "? ?" in text:
            for m in _PUNCT_RUN.finditer(text):
                if _CONFUSED.search(message.norm):
                    continue
                spans.append((m.start(), m.end()))
                score = max(score, 0.65) + (0.05 if reasons else 0.0)
                reasons.append(f"run of {m.group(0).strip()}")
                break
        if not spans:
            return ()
        if is_happy(message, context):
            return ()
        if not reasons[0].endswith("capitals") and context.negativity < 0.35 and context.offensive < 0.5:
            return ()  # punctuation alone is only yelling when the mood is hostile
        return (
            make_signal(
                "abuse.yelling", min(score, 0.97), message, spans, self.name, "shouting: " + ", ".join(reasons)
            ),
        )

    def _caps_runs(self, text: str) -> list[tuple[int, int]]:
        runs: list[tuple[int, int]] = []
        start = end = -1
        count = letters = 0
        last_end = 0
        for m in _CAPS_WORD.finditer(text):
            gap = text[last_end : m.start()]
            if start >= 0 and _LOWER_WORD.search(gap):
                if count >= 3 and letters >= 9:
                    runs.append((start, end))
                start, count, letters = -1, 0, 0
            word = m.group(0)
            if start < 0:
                start = m.start()
            end = m.end()
            last_end = m.end()
            if len(word) >= 2 and word.lower() not in self.acronyms:
                count += 1
                letters += len(word)
        if start >= 0 and count >= 3 and letters >= 9:
            runs.append((start, end))
        return runs


# A service word in scare quotes: another 'update', the "fix".
_SCARE_QUOTES = re.compile(
    r"['\"](?:fix|help|service|support|solution|update|upgrade|customer service|priority|express|guaranteed)['\"]"
)
_EYE_ROLL = ("🙄", "😒", "🙃", "😑")


@register("customer.sarcasm.v1")
class SarcasmDetector(Detector):
    """Praise or thanks that means the opposite, judged against the message's mood.

    Strong phrases ("thanks for nothing") count on their own; weak ones ("just
    perfect", "truly world-class") need a negative cue: negative words, a negative
    emotion-model reading, an eye-roll emoji, or a frustrated previous turn.
    """

    labels = ("customer.sarcasm",)

    def load(self) -> None:
        # one alternation per list: a single scan of the message instead of one per phrase
        self.strong = re.compile("|".join(f"(?:{p.pattern})" for p in _phrases("sarcasm_strong")))
        self.weak = re.compile("|".join(f"(?:{p.pattern})" for p in _phrases("sarcasm_weak")))
        self.sincere_phrases = _phrases("sincere_phrases")
        self.praise = _words("praise")
        self.negative = _words("negative")
        self.sincere = _words("sincere")

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        toks = message.token_set
        norm = message.norm
        if toks.isdisjoint(self.praise) and not (("'" in norm or '"' in norm) and _SCARE_QUOTES.search(norm)):
            return ()
        strong = [m.span() for m in self.strong.finditer(norm)]
        weak = [m.span() for m in self.weak.finditer(norm)]
        cues = sorted(toks & self.negative)
        neg = len(cues) + (1 if context.negativity > 0.5 else 0)
        eye_roll = any(e in message.text for e in _EYE_ROLL)
        neg += 2 if eye_roll else 0
        if context.previous_frustration >= 0.5:
            neg += 1
        if strong:
            score = min(0.95, 0.8 + 0.05 * neg)
            spans, why = strong + weak, "a sarcastic stock phrase"
        elif weak and neg >= 1 and not self._sincere(message, toks):
            score = min(0.9, 0.55 + 0.1 * neg)
            spans, why = weak, "over-the-top praise in a negative message"
        else:
            return ()
        detail = [*cues[:3], *(["eye-roll emoji"] if eye_roll else [])]
        if detail:
            why += f" (negative cues: {', '.join(detail)})"
        return (make_signal("customer.sarcasm", score, message, spans, self.name, why),)

    def _sincere(self, message: Message, toks: frozenset[str]) -> bool:
        if any(p.search(message.norm) for p in self.sincere_phrases):
            return True
        return bool(toks & self.sincere) and not (toks & self.negative)
