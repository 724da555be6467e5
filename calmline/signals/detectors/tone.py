"""abuse.yelling and customer.sarcasm: tone detectors that weigh words against mood."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from calmline.errors import ConfigError
from calmline.registry import register
from calmline.signals._alternation import Alternation
from calmline.signals._lexicon import load_yaml, word_list
from calmline.signals._text import Message
from calmline.signals.base import Context, Detector, make_signal
from calmline.types import Signal

# An upper-case word (letters, maybe an apostrophe), in the ORIGINAL text; not a hashtag or a handle ("#DTW #MDW").
_CAPS_WORD = re.compile(r"(?<![#@])\b[A-Z][A-Z'’]*[A-Z]\b|(?<![#@])\b[AI]\b")
_CAPS_HINT = re.compile(r"[A-Z]{2,}[^a-z]+[A-Z]{2,}")
_LOWER_WORD = re.compile(r"\b[a-z]{2,}")
_PUNCT_RUN = re.compile(r"(?:[!?]\s?){3,}|[!?]{2,}1+")
# A capitalised run that is a name typed into a form field or a company name, not shouting:
# "Company name: NORTHWIND FREIGHT SERVICES LTD", "Ship to: ACME TRADING LLC".
_FIELD_LABEL = re.compile(
    r"\b(?:name|company|business|employer|address|street|city|town|county|postcode|zip|ship to|bill to|"
    r"account holder|payee|beneficiary|reference|ref|surname|recipient)\s*:\s*$",
    re.IGNORECASE,
)
_COMPANY_END = re.compile(r"\b(?:LTD|LLC|INC|PLC|GMBH|CORP|LLP|LIMITED|S\.?A|B\.?V)\.?$")
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
        k: word_list(data, k, origin) for k in ("acronyms", "happy", "negative", "praise", "sincere", "sarcasm_cues")
    }
    emoticons = data.get("happy_emoticons")
    if not isinstance(emoticons, list) or not all(isinstance(e, str) and e for e in emoticons):
        raise ConfigError(f"{origin}: happy_emoticons: expected a list of strings")
    out["happy_emoticons"] = frozenset(emoticons)
    for key in ("sarcasm_strong", "sarcasm_weak", "sincere_phrases", "agent_bad_news"):
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


#: praise or thanks said to the reader ("YOU ARE THE BEST!!!", "I LOVE YOU GUYS"): the emotion model reads capitals
#: and "!!!" as anger, so where positive words outweigh negative ones this phrasing is enough
_PRAISE_AT_YOU = re.compile(
    r"\b(?:you(?:'re| are)|u r|ur|you guys are|y'all are) (?:so |simply |just |truly |really )?"
    r"(?:the best|the greatest|amazing|awesome|brilliant|fantastic|wonderful|great|superb|incredible|legends?|heroes|"
    r"a star|stars|a lifesaver)\b|\bi lo+ve+ (?:you|u|y'all)\b|\bthank (?:you|u)\b|"
    r"\b(?:you|u|y'all)(?: just| have|'ve)? made my (?:day|week|year|night|morning|weekend|trip)\b"
    r"(?!\s+(?:worse|a (?:nightmare|misery|hell)|hell|miserable|awful|harder))"
    r"(?![^.!?]{0,80}?\b(?:not|never)\b)"
)


#: a letter typed three or more times in a row ("LOVEEEE", "thaaanks")
_ELONGATED = re.compile(r"([a-z])\1{2,}")


def positive_words(toks: frozenset[str], norm: str) -> int:
    """How many of the message's distinct tokens are happy words, elongated ones ("loveeee") read as the word."""
    happy = _words("happy")
    n = len(toks & happy)
    if _ELONGATED.search(norm) is None:
        return n
    stretched = [t for t in toks if _ELONGATED.search(t)]
    squashed = {_ELONGATED.sub(r"\1", t) for t in stretched} | {_ELONGATED.sub(r"\1\1", t) for t in stretched}
    return n + len((squashed - toks) & happy)


def is_happy(message: Message, context: Context) -> bool:
    """Positive words outweigh negative ones and the emotion model agrees (or the message praises the reader)."""
    toks = message.token_set
    pos = positive_words(toks, message.norm)
    neg = len(toks & _words("negative"))
    if not pos or pos <= neg:
        return False
    sat = context.emotion.get("satisfaction", 0.0)
    return sat + 0.15 >= context.negativity or praises_reader(message.norm)


def praises_reader(norm: str) -> bool:
    """Whether the (normalised) message praises or thanks the reader ("you are the best", "thank you")."""
    return _PRAISE_AT_YOU.search(norm) is not None


@register("abuse.yelling.v1")
class YellingDetector(Detector):
    """Sustained capitals over several words, or hostile runs of ``!!!``/``???``."""

    labels = ("abuse.yelling",)

    def load(self) -> None:
        self.acronyms = _words("acronyms")

    def _prepare(self, message: Message, negativity: float, offensive: float) -> bool | None:
        """None when ``detect`` certainly finds nothing, else whether the capitals hint matched.

        Without capitals only punctuation can count, and it only counts in a hostile
        mood, so a calm message is done before its punctuation is looked at.
        """
        text = message.text
        if not text.islower() and _CAPS_HINT.search(text):  # (all lower case: no capitals to find)
            return True
        if not _has_mark_pair(text):
            return None
        if negativity < 0.35 and offensive < 0.5 and ("?" not in text or len(_PUNCT_RUN.findall(text)) < 2):
            return None
        return False

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        caps = self._prepare(message, context.negativity, context.offensive)
        return () if caps is None else self._detect_prepared(message, context, caps)

    def _detect_prepared(self, message: Message, context: Context, caps: bool) -> Iterable[Signal]:
        text = message.text
        spans: list[tuple[int, int]] = []
        reasons: list[str] = []
        score = 0.0
        if caps:
            run = self._caps_runs(text)
            if run:
                spans.extend(run)
                words = sum(len(text[a:b].split()) for a, b in run)
                reasons.append(f"{words} words in capitals")
                score = min(0.95, 0.7 + 0.03 * words)
        runs: list[re.Match[str]] = []
        if _has_mark_pair(text):
            confused = [m.span() for m in _CONFUSED.finditer(message.norm)]  # "what???" asks, it does not shout
            runs = [
                m for m in _PUNCT_RUN.finditer(text) if not any(a <= m.start() and m.end() <= b for a, b in confused)
            ]
            if runs:
                spans.append(runs[0].span())
                score = max(score, 0.65) + (0.05 if reasons else 0.0)
                reasons.append(f"run of {runs[0].group(0).strip()}")
        if not spans:
            return ()
        if is_happy(message, context):
            return ()
        # in a calm-looking mood, punctuation alone is yelling only when indignant runs keep
        # coming ("Sorry??? Another fee??? ...!!!"); excited "!!!" runs are not
        calm = not reasons[0].endswith("capitals") and context.negativity < 0.35 and context.offensive < 0.5
        if calm and (len(runs) < 2 or not any("?" in m.group(0) for m in runs)):
            return ()
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
        return [r for r in runs if not _is_name(text, *r)]


def _has_mark_pair(text: str) -> bool:
    """Two ``!``/``?`` in a row (maybe a space apart): a necessary condition for a ``_PUNCT_RUN``."""
    return "!!" in text or "??" in text or "?!" in text or "!?" in text or "! !" in text or "? ?" in text


def _is_name(text: str, start: int, end: int) -> bool:
    """Whether the capitals at ``[start, end)`` fill a form field or spell a company name."""
    return bool(_FIELD_LABEL.search(text, max(0, start - 30), start) or _COMPANY_END.search(text, start, end))


# A service word in scare quotes: another 'update', the "fix".
_SCARE_QUOTES = re.compile(
    r"['\"](?:fix|help|service|support|solution|update|upgrade|customer service|priority|express|guaranteed)['\"]"
)
_EYE_ROLL = ("🙄", "😒", "🙃", "😑")
#: praise right after a negator is literal ("not so impressive", "never that great"); "isn't that
#: just great?" is left alone: a rhetorical question is how sarcasm often asks
_NEGATED_PRAISE = re.compile(
    r"\b(?:not|never|hardly)\s+"
    r"(?:so\s+|that\s+|very\s+|too\s+|really\s+|particularly\s+|quite\s+|all that\s+|exactly\s+)?$"
)
#: a message longer than this is read sentence by sentence for sarcasm: a weak praise phrase needs a
#: negative cue within ``_NEAR`` characters of it (a review praises the screen and criticises the battery)
_LONG = 280
_NEAR = 100
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_ENDS = ".!?\n"
# the first word of each _SCARE_QUOTES alternative: one of them is a whole token of any match
_SCARE_WORDS = frozenset(
    (
        "fix",
        "help",
        "service",
        "support",
        "solution",
        "update",
        "upgrade",
        "customer",
        "priority",
        "express",
        "guaranteed",
    )
)


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
        self.strong = Alternation(_phrases("sarcasm_strong"))
        self.weak = Alternation(_phrases("sarcasm_weak"))
        self.sincere_phrases = _phrases("sincere_phrases")
        self.agent_bad_news = _phrases("agent_bad_news")
        self._sincere_alts = [Alternation([p]) for p in self.sincere_phrases]
        self.praise = _words("praise")
        self.negative = _words("negative")
        #: negative words plus mild problem words that only count as a sarcasm cue ("a 9 hour delay")
        self.sarcasm_negative = self.negative | _words("sarcasm_cues")
        self.sincere = _words("sincere")
        self.happy_emoticons = tuple(_words("happy_emoticons"))
        self._gate_words = self.praise | _SCARE_WORDS  # one of them is needed (see ``_prepare``)

    def _prepare(
        self, message: Message, negativity: float, offensive: float
    ) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """None when ``detect`` certainly finds nothing, else the strong and weak branches that may match."""
        toks = message.token_set
        if toks.isdisjoint(self.praise) and (toks.isdisjoint(_SCARE_WORDS) or not self._scare_quoted(message.norm)):
            return None
        strong, weak = self.strong.live(toks), self.weak.live(toks)
        return (strong, weak) if strong or weak else None

    def _batch_ready(self, messages: list[Message]) -> list[bool]:
        """For each message, whether ``_prepare`` may find something (False: it certainly will not)."""
        words = self._gate_words
        return [not d for d in map(words.isdisjoint, (m.token_set for m in messages))]

    @staticmethod
    def _scare_quoted(norm: str) -> bool:
        return ("'" in norm or '"' in norm) and _SCARE_QUOTES.search(norm) is not None

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        live = self._prepare(message, context.negativity, context.offensive)
        return () if live is None else self._detect_prepared(message, context, live)

    def _detect_prepared(
        self, message: Message, context: Context, live: tuple[tuple[int, ...], tuple[int, ...]]
    ) -> Iterable[Signal]:
        toks = message.token_set
        norm = message.norm
        strong_live, weak_live = live
        strong = [m.span() for m in self.strong.matches(norm, strong_live)] if strong_live else []
        cues = sorted(toks & self.sarcasm_negative)
        neg = len(cues) + (1 if context.negativity > 0.5 else 0)
        eye_roll = any(e in message.text for e in _EYE_ROLL)
        neg += 2 if eye_roll else 0
        if context.previous_frustration >= 0.5:
            neg += 1
        agent = context.previous_agent_text
        if agent and any(p.search(agent.lower()) for p in self.agent_bad_news):
            neg += 1  # "Oh, well that's just wonderful." after the agent refused
        if not strong and neg < 1:
            return ()  # weak phrases alone need a negative cue
        weak = [m.span() for m in self.weak.matches(norm, weak_live)] if weak_live else []
        if weak:
            # praise that is negated ("not so impressive") is literal; in a long message (a review, an
            # email) praise of one thing and criticism of another stand apart: the cue must be near
            weak = [w for w in weak if not _NEGATED_PRAISE.search(norm, max(0, w[0] - 30), w[0])]
            if weak and not strong and len(norm) > _LONG and neg == len(cues) + (context.negativity > 0.5):
                weak = [w for w in weak if self._cue_near(norm, w)]
        if not strong and not weak:
            return ()
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

    def _cue_near(self, norm: str, span: tuple[int, int]) -> bool:
        """Whether a negative cue word stands in the sentence of ``span`` or the one before it ("... left
        yesterday. Lovely."), at most ``_NEAR`` characters either side."""
        lo, hi = max(0, span[0] - _NEAR), min(len(norm), span[1] + _NEAR)
        left = span[0]
        for _ in range(2):  # back to the start of this sentence, then of the one before
            cut = max(norm.rfind(c, lo, left) for c in _SENTENCE_ENDS)
            if cut < 0:
                left = lo
                break
            left = cut
            while left > lo and norm[left - 1] in _SENTENCE_ENDS:
                left -= 1
        ends = [i for i in (norm.find(c, span[1], hi) for c in _SENTENCE_ENDS) if i >= 0]
        near = norm[left : min(ends, default=hi)]
        return not self.sarcasm_negative.isdisjoint(_WORD.findall(near))

    def _sincere(self, message: Message, toks: frozenset[str]) -> bool:
        if any(alt.search(message.norm, toks) for alt in self._sincere_alts):
            return True
        if any(e in message.text for e in self.happy_emoticons):
            return True  # "Great! Can't wait :)": a smile makes weak praise sincere
        return bool(toks & self.sincere) and not (toks & self.sarcasm_negative)
