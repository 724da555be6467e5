"""The featuriser of Calmline's small linear text models (shared by training and run time).

This module holds the *single* featuriser shared by training
(``training/train_models.py``) and runtime, so the two can never diverge: both
turn texts into feature keys with :func:`batch_keys`; training grows a
vocabulary from them, runtime looks them up with ``vocab.get``.

Featurisation (``FEATURIZER_VERSION`` 1):

* lowercase; curly/odd apostrophes (’ ‘ ʼ ´ ′ `) become ``'``;
* tokens: URLs -> ``<url>``, @mentions -> ``<user>``, numbers -> ``<num>``,
  words (apostrophes, ``!``, ``*`` allowed inside a word), ``!`` and ``?`` as
  tokens, every emoji / pictograph as its own token;
* de-leet inside words that have >= 2 letters (``sh1t`` -> ``shit``,
  ``b!tch`` -> ``bitch``, ``a$$hole`` -> ``asshole``); digits only at the
  start or end of a word are not leet (``covid19``, ``2nd``, ``mp3`` stay);
  ``*`` masks are resolved against a short list of profanities
  (``f*cking`` -> ``fucking``); ``@ss``-style words are de-leeted only when
  the result is in a tiny list (``ass``, ``asshole`` ...), otherwise ``@word``
  is a mention;
* features: unigrams + adjacent bigrams (``"not working"``); optionally the
  1-3 tokens after a negator get a ``NOT_`` prefixed unigram instead of the
  plain one (the scope ends at ``!``/``?``);
* a message's score is ``bias + sum(W[f] for each feature occurrence) / norm``
  where ``norm`` is 1 or ``sqrt(number of feature occurrences)`` (model
  setting ``norm``).

Featuriser version 2 (used only by models whose meta asks for it) adds hashed
character n-grams: every token that has a letter, does not start with ``<``
and is at most 32 characters long is padded as ``" tok "``; each of its
character n-grams (``lo..hi``) goes to bucket ``zlib.crc32(utf8) % n_buckets``
(:func:`batch_char_buckets` is the reference).  The score then adds
``sum(Wc[bucket] for each n-gram occurrence) / sqrt(number of n-grams)``.
Version-1 models (no ``char`` block) score exactly as before.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from itertools import chain, compress, count, islice

from calmline.models._charhash import CHAR_MAX_TOKEN

__all__ = [
    "FEATURIZER_VERSION",
    "batch_char_buckets",
    "batch_keys",
    "batch_tokens",
    "char_buckets",
    "feature_spans",
    "feature_strings",
    "normalise_token",
    "token_spans",
    "tokenize",
]

FEATURIZER_VERSION = 2
# version 1: word uni+bigrams; version 2: + optional hashed char n-grams
SUPPORTED_FEATURIZER_VERSIONS = (1, 2)


_SEP = "\x00"  # message separator inside a joined batch; never a real token
_NOT = "NOT_"  # upper case: can never collide with a (lower-cased) token

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u00b4", "\u2032", "`")

_EMOJI = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols & pictographs ext.
    "\u2600-\u27bf"  # misc symbols, dingbats
    "\u2300-\u23ff"  # misc technical (watch, hourglass ...)
    "\u2b00-\u2bff"  # arrows, stars
)
_TOKEN_RE = re.compile(
    r"https?://[^\s\x00]+|www\.[^\s\x00]+"  # url (never eats the separator)
    r"|@\w+"  # mention (or @ss-style leet)
    r"|[\w@$]+(?:['!*]+[\w@$]+)*"  # word, with ' ! * allowed inside
    r"|[!?]"  # punctuation that carries tone
    r"|[" + _EMOJI + r"]"  # emoji, one token each
    r"|\x00"  # message separator
)

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_LEET_CHARS = frozenset("0134579@$!*")
_DIGITS = "0123456789"
# '@' starting a word is a mention unless the de-leeted word is one of these
_AT_WORDS = frozenset({"ass", "asses", "asshole", "assholes", "arse", "arsehole", "asshat", "azz"})
# '*' masks are resolved against these (one letter per '*')
_MASKABLE = (
    "fuck", "fucks", "fucked", "fucker", "fuckers", "fucking", "fuckin", "fck",
    "motherfucker", "motherfuckers", "shit", "shits", "shitty", "bullshit",
    "bitch", "bitches", "bitching", "ass", "asshole", "assholes", "arse",
    "arsehole", "bastard", "bastards", "damn", "dick", "dickhead", "cunt",
    "cunts", "crap", "piss", "pissed", "hell", "whore", "slut", "dumbass",
    "goddamn", "wtf", "stfu", "prick", "twat", "wanker", "idiot", "stupid",
)  # fmt: skip
_NEGATORS = frozenset(
    {
        "not", "no", "never", "nothing", "nobody", "none", "nor", "neither",
        "cannot", "without", "n't",
        "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
        "won't", "wouldn't", "can't", "couldn't", "shouldn't", "haven't",
        "hasn't", "hadn't", "ain't", "mustn't",
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont",
        "wouldnt", "cant", "couldnt", "shouldnt", "havent", "hasnt", "hadnt",
        "aint",
    }
)  # fmt: skip
_NEG_SCOPE = 3
_SCOPE_CLOSERS = frozenset({"!", "?", _SEP})
_SPACED_SEP = " " + _SEP + " "

_CHUNK_CACHE_MAX = 200_000


def _unmask(tok: str) -> str:
    pat = re.compile(re.escape(tok).replace(r"\*", "[a-z]"))
    for cand in _MASKABLE:
        if len(cand) == len(tok) and pat.fullmatch(cand):
            return cand
    return tok


def _deleet(tok: str) -> str:
    if sum(c.isalpha() for c in tok) < 2:
        return tok
    inner = tok.strip(_DIGITS)
    if not any(c in _LEET_CHARS for c in inner):
        return tok  # digits only at the ends: covid19, 2nd, mp3, 10pm
    out = tok.translate(_LEET)
    if "*" in out:
        out = _unmask(out)
    return out


def normalise_token(raw: str) -> str:
    """Normalise one raw (already lower-cased) token from the token regex."""
    if raw.isalpha():  # the usual word: no URL, mention, number or leet character
        return raw
    if raw.startswith(("http://", "https://", "www.")):
        return "<url>"
    if raw[0] == "@" and len(raw) > 1 and (raw[1].isalnum() or raw[1] == "_"):
        rest = raw[1:]
        word = "a" + rest.translate(_LEET)
        if word in _AT_WORDS and sum(c.isalpha() for c in rest) >= 2:
            return word
        return "<user>"
    if not any(c.isalpha() for c in raw):
        if any(c.isdigit() for c in raw):
            return "<num>"
        return raw
    if any(c in _LEET_CHARS for c in raw):
        return _deleet(raw)
    return raw


def _prepare(text: str) -> str:
    text = text.lower()
    for a in _APOSTROPHES:
        if a in text:
            text = text.replace(a, "'")
    return text


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """Normalised tokens of one whitespace-free chunk of raw text."""
    return tuple(normalise_token(r) for r in _TOKEN_RE.findall(_prepare(chunk)))


class _ChunkCache(dict[str, tuple[str, ...]]):
    """Raw whitespace chunk -> normalised tokens, filled on first sight.

    Chat text repeats its chunks ("the", "thanks!", "it."), so almost every
    lookup is a C-level dict hit; tokens never contain whitespace, so
    tokenising chunk by chunk equals tokenising the whole text.
    """

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        toks = _chunk_tokens(chunk)
        self[chunk] = toks
        return toks


_CHUNKS = _ChunkCache()
_CHUNKS[_SEP] = (_SEP,)


def tokenize(text: str) -> list[str]:
    """Normalised tokens of one message."""
    return batch_keys((text,), negation=False)[0]


def batch_tokens(texts: Sequence[str]) -> list[str]:
    """Normalised tokens of a batch, messages separated by a ``"\\x00"`` token."""
    if len(texts) == 1:
        joined = texts[0]
        if _SEP in joined:
            joined = joined.replace(_SEP, " ")
    else:
        joined = _SPACED_SEP.join(texts)
        if joined.count(_SEP) != len(texts) - 1:
            joined = _SPACED_SEP.join(t.replace(_SEP, " ") for t in texts)
    if len(_CHUNKS) > _CHUNK_CACHE_MAX:
        _CHUNKS.clear()
        _CHUNKS[_SEP] = (_SEP,)
    return list(chain.from_iterable(map(_CHUNKS.__getitem__, joined.split())))


def batch_keys(texts: Sequence[str], negation: bool = True) -> tuple[list[str], list[str]]:
    """Feature keys of a batch: ``(unigram_keys, bigram_keys)``.

    This is the reference definition of the features (training uses it).
    ``unigram_keys`` has one key per token, messages separated by a ``"\\x00"``
    key; ``bigram_keys[i]`` is the bigram ending at token ``i + 1``.  Keys that
    contain ``"\\x00"`` are separators / bigrams across messages, never features.
    With ``negation`` the 1-3 tokens after a negator (up to the next ``!``,
    ``?`` or message end) become ``NOT_token`` unigrams.
    """
    toks = batch_tokens(texts)
    bigrams = list(map(" ".join, zip(toks, islice(toks, 1, None), strict=False)))
    if not negation:
        return toks, bigrams
    starts = list(compress(count(1), map(_NEGATORS.__contains__, toks)))
    if not starts:
        return toks, bigrams
    uni = toks.copy()
    n = len(toks)
    for s in starts:
        for j in range(s, min(s + _NEG_SCOPE, n)):
            t = toks[j]
            if t in _SCOPE_CLOSERS:
                break
            uni[j] = _NOT + t
    return uni, bigrams


def feature_strings(text: str, negation: bool = True) -> list[str]:
    """All feature strings of one message, in order (duplicates kept)."""
    uni, bi = batch_keys((text,), negation)
    return uni + bi


_CHUNK = re.compile(r"\S+")


class _ChunkSpans(dict[str, tuple[tuple[str, int, int], ...]]):
    """Raw whitespace chunk -> its normalised tokens with their offsets in the chunk (filled on first sight)."""

    def __missing__(self, chunk: str) -> tuple[tuple[str, int, int], ...]:
        prepared = _prepare(chunk)
        if len(prepared) == len(chunk):
            got = tuple((normalise_token(m.group()), m.start(), m.end()) for m in _TOKEN_RE.finditer(prepared))
        else:  # lower-casing grew the chunk (a few characters such as 'İ'): its tokens span all of it
            got = tuple((normalise_token(m.group()), 0, len(chunk)) for m in _TOKEN_RE.finditer(prepared))
        if len(self) > _CHUNK_CACHE_MAX:
            self.clear()
        self[chunk] = got
        return got


_CHUNK_SPANS = _ChunkSpans()


@functools.lru_cache(maxsize=8)  # the learned scores of one message ask in turn
def token_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """The normalised tokens of ``text`` (as :func:`batch_tokens` gives them) with their character spans.

    Tokens come chunk by chunk, as the featuriser reads them; where lower-casing changes a
    chunk's length (a few characters such as 'İ' grow), its tokens all span the whole chunk.
    """
    spans = _CHUNK_SPANS
    return tuple(
        (tok, at + a, at + b)
        for chunk in _CHUNK.finditer(text.replace(_SEP, " "))
        for at in (chunk.start(),)
        for tok, a, b in spans[chunk.group()]
    )


def feature_spans(text: str, features: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each of ``features`` (feature strings of ``text``) occurs in it: ``(start, end)`` or None.

    A unigram is its token, a bigram its two adjacent tokens, a negated unigram (``NOT_word``)
    the token after the negator. Placeholders such as ``<num>`` match the number they stand for.
    A plain word (or two, one space apart), "?" or an emoji is looked up in the lower-cased text
    directly: its first standalone occurrence (rarely a later one than the tokens' first, where
    the two words of a phrase also stand apart earlier: "is. And ... is and"); what that does not
    find (leetspeak, masks, placeholders, words apart) comes from :func:`token_spans`.
    """
    low = _lowered(text)
    direct = len(low) == len(text)
    out: list[tuple[int, int] | None] = []
    for f in features:
        if f.startswith(_NOT):  # the word where a negator's scope made it NOT_word, not its first sight
            out.append(_negated_find(text, f))
            continue
        found = None
        if direct and f.replace("'", "").replace(" ", "").isalpha():
            found = _find_word(low, f, standalone=True)
        elif direct and _ALONE.fullmatch(f):  # "?" and an emoji are tokens of their own wherever they stand
            found = _find_word(low, f, standalone=False)
        out.append(found if found is not None else _token_find(text, f.split(" ")))
    return out


_ALONE = re.compile("[?" + _EMOJI + "]")
#: what the tokeniser reads as one ``<url>`` token: a word inside it is not the word
_URLISH = re.compile(r"(?:https?://|www\.)\S*")
#: a phrase whose two words stand further apart than this (a run of dropped punctuation between
#: them) is shown by its first word: the span would otherwise quote everything in between
_PHRASE_GAP = 12


@functools.lru_cache(maxsize=8)  # the learned scores of one message ask in turn
def _lowered(text: str) -> str:
    return _prepare(text)


@functools.lru_cache(maxsize=8)
def _url_spans(low: str) -> tuple[tuple[int, int], ...]:
    if "http" not in low and "www." not in low:
        return ()
    return tuple(m.span() for m in _URLISH.finditer(low))


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "_@$"


def _joined(low: str, start: int, end: int) -> bool:
    """Whether ``low[start:end]`` is part of a longer token: a word character next to it, or one beyond a
    run of ' ! * (the token pattern allows those inside a word: "it's", "b!tch", "f*ck")."""
    i = start - 1
    while i >= 0 and low[i] in "'!*":
        i -= 1
    if i >= 0 and _word_char(low[i]):
        return True
    j = end
    while j < len(low) and low[j] in "'!*":
        j += 1
    return j < len(low) and _word_char(low[j])


def _find_word(low: str, word: str, standalone: bool) -> tuple[int, int] | None:
    """The first ``word`` in ``low`` outside a URL and, if ``standalone``, not part of a longer token
    on either side; or None."""
    urls = _url_spans(low)
    pos = low.find(word)
    while pos >= 0:
        end = pos + len(word)
        if not (standalone and _joined(low, pos, end)) and not any(a <= pos < b for a, b in urls):
            return pos, end
        pos = low.find(word, pos + 1)
    return None


def _token_find(text: str, parts: list[str]) -> tuple[int, int] | None:
    spans = token_spans(text)
    toks = [t for t, _, _ in spans]
    i = -1
    while True:
        try:
            i = toks.index(parts[0], i + 1)
        except ValueError:
            return None
        if toks[i : i + len(parts)] == parts:
            return _phrase_span(spans[i : i + len(parts)])


def _phrase_span(spans: Sequence[tuple[str, int, int]]) -> tuple[int, int]:
    """From the first token's start to the last one's end, or the first token alone where they stand far apart."""
    a, b = spans[0][1], spans[-1][2]
    if b - a > sum(e - s for _, s, e in spans) + _PHRASE_GAP:
        return spans[0][1], spans[0][2]
    return a, b


def _negated_find(text: str, feature: str) -> tuple[int, int] | None:
    """Where ``feature`` (``NOT_word``) is one of the text's unigram keys: the word in a negator's scope."""
    spans = token_spans(text)
    keys = batch_keys((text,))[0]
    try:
        i = keys.index(feature)
    except ValueError:
        return None
    return (spans[i][1], spans[i][2]) if i < len(spans) else None


def char_buckets(tok: str, n_buckets: int, lo: int, hi: int) -> tuple[int, ...]:
    """Hashed character n-gram buckets of one normalised token (duplicates kept)."""
    if tok[:1] == "<" or len(tok) > CHAR_MAX_TOKEN or not any(c.isalpha() for c in tok):
        return ()
    s = " " + tok + " "
    crc = zlib.crc32
    return tuple(
        crc(s[i : i + n].encode("utf-8")) % n_buckets for n in range(lo, hi + 1) for i in range(len(s) - n + 1)
    )


def batch_char_buckets(texts: Sequence[str], n_buckets: int, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """Reference char features of a batch: ``(message index, bucket)`` per n-gram occurrence."""
    msgs: list[int] = []
    buckets: list[int] = []
    m = 0
    for t in batch_tokens(texts):
        if t == _SEP:
            m += 1
            continue
        b = char_buckets(t, n_buckets, lo, hi)
        buckets.extend(b)
        msgs.extend([m] * len(b))
    return msgs, buckets
