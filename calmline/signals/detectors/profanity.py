"""abuse.profanity: swearing of any kind, masked and leetspeak forms included."""

from __future__ import annotations

import re
from collections.abc import Iterable

from calmline.errors import ConfigError
from calmline.registry import register
from calmline.signals._lexicon import load_yaml, word_list
from calmline.signals._text import _TOKEN, Message
from calmline.signals.base import Context, Detector, make_signal
from calmline.types import Signal

_MASK = re.compile(r"[*#%]")
_UNSEEN = object()


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
        literal = data.get("literal", [])
        if not isinstance(literal, list) or not all(isinstance(p, str) for p in literal):
            raise ConfigError(f"{origin}: literal: expected a list of regexes")
        self.literal = [re.compile(p) for p in literal]
        self.words = self.strong | self.acronyms | self.foreign
        self._stem_re = re.compile(r"\b(?:" + "|".join(map(re.escape, self.stems)) + ")")
        # tokens seen so far; the listed words and the tokens seen that start with a stem
        self._seen: set[str] = set()
        self._swear_tokens: set[str] = set(self.words)
        # token -> the swear word it is or hides (``_word``), for messages without / with masks
        self._words_plain: dict[str, str | None] = {}
        self._words_masked: dict[str, str | None] = {}
        self._pieces_plain: dict[str, tuple[tuple[int, int, str], ...]] = {}
        self._pieces_masked: dict[str, tuple[tuple[int, int, str], ...]] = {}

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

    def _prepare(self, message: Message, negativity: float, offensive: float) -> bool | None:
        """None when ``detect`` certainly finds nothing (the mood plays no part).

        ``detect`` only reports a token part that is a listed word or starts with a
        stem, or a masked token. Such a part is a run of letters and digits of the
        message (parts are split on ``'`` and ``-``; a ``*``/``#`` after a letter
        is a mask), so the listed word, or a token starting with the stem, is in
        ``token_set``.
        """
        toks = message.token_set
        if message.masked or not toks.isdisjoint(self._swear_tokens):
            return True
        if toks <= self._seen:
            return None
        if len(self._seen) > 200_000:
            self._seen.clear()
            self._swear_tokens = set(self.words)
        new = toks.difference(self._seen)
        self._swear_tokens.update(t for t in new if t.startswith(self.stems))
        self._seen.update(new)
        return None if toks.isdisjoint(self._swear_tokens) else True

    def _batch_ready(self, messages: list[Message]) -> list[bool]:
        """For each message, whether ``_prepare`` may find something (False: it certainly will not)."""
        token_sets = [m.token_set for m in messages]
        every = frozenset().union(*token_sets)
        new = every.difference(self._seen)
        if new:
            if len(self._seen) > 200_000:  # start afresh, from this batch's tokens
                self._seen.clear()
                self._swear_tokens = set(self.words)
                new = every
            self._swear_tokens.update(t for t in new if t.startswith(self.stems))
            self._seen.update(new)
        swear = frozenset(self._swear_tokens)
        return [m.masked or not d for m, d in zip(messages, map(swear.isdisjoint, token_sets), strict=True)]

    def detect(self, message: Message, context: Context) -> Iterable[Signal]:
        norm = message.norm
        toks = message.token_set
        masked = message.masked
        if not (toks & self.words) and not masked and not self._stem_re.search(norm):
            return ()
        return self._detect_prepared(message, context, True)

    def _word(self, tok: str, masked: bool) -> str | None:
        """The swear word token ``tok`` is or hides (``masked``: the message has a mask inside a word)."""
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
        return word

    def _piece_hits(self, piece: str, masked: bool) -> tuple[tuple[int, int, str], ...]:
        """``(start, end, word)`` of the swear tokens of one space-free piece of the normalised text."""
        cache = self._pieces_masked if masked else self._pieces_plain
        hits = cache.get(piece)
        if hits is None:
            if len(cache) > 50_000:
                cache.clear()
            words = self._words_masked if masked else self._words_plain
            if len(words) > 50_000:
                words.clear()
            out = []
            for m in _TOKEN.finditer(piece):
                tok = m.group(0)
                word = words.get(tok, _UNSEEN)
                if word is _UNSEEN:
                    word = self._word(tok, masked)
                    if len(tok) <= 48:
                        words[tok] = word
                if word is not None:
                    out.append((m.start(), m.end(), word))
            hits = tuple(out)  # type: ignore[arg-type]
            if len(piece) <= 48:  # long pieces (URLs, runs without spaces) are not kept
                cache[piece] = hits
        return hits

    def _detect_prepared(self, message: Message, context: Context, state: bool) -> Iterable[Signal]:
        # Tokens never contain a space, so the tokens of the text are those of its
        # space-separated pieces (shifted): each piece's swear tokens are cached.
        masked = message.masked
        found: list[tuple[int, int, str]] = []
        pos = 0
        for piece in message.norm.split(" "):
            if piece:
                hits = self._piece_hits(piece, masked)
                if hits:
                    found.extend((pos + a, pos + b, w) for a, b, w in hits)
            pos += len(piece) + 1
        kept = []
        skipped = 0
        apologies: dict[int, int] = {}
        for start, end, word in found:
            if (
                message.is_quoted(start, end)
                or self._apologised(message, start, apologies)
                or any(p.match(message.norm, start) for p in self.literal)
            ):
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

    def _apologised(self, message: Message, start: int, seen: dict[int, int]) -> bool:
        """Whether an apology for the language comes before ``start`` in its clause.

        Each clause is searched once (``seen``: clause start -> where its first apology
        ends, or past the end when none), so a long clause full of swearing costs
        linear, not quadratic, time.
        """
        cs = message.clause_start(start)
        first = seen.get(cs)
        if first is None:
            clause = message.norm[cs : message.clause_end(cs)]
            ends = [m.end() for p in self.apology if (m := p.search(clause))]
            first = seen[cs] = cs + min(ends) if ends else len(message.norm) + 1
        return first <= start
