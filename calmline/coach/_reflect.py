# ruff: noqa: E501  (word tables read best unbroken)
"""Reflection by meaning: does a reply sentence restate the customer's words or name their feeling?

Two findings, each with its reason:

- **feeling reflection**: the sentence attributes a feeling to the customer ("you sound
  exhausted", "this is making you anxious", "no wonder you feel let down") with a word from
  the feeling families below; the reason says which feeling and whether the customer's own
  recent words carry the same family ("worried" in the customer's message, "anxious" in the reply);
- **restatement**: the sentence offers the customer's situation back in the agent's words.
  A reflective frame ("it sounds like", "so you", "if I've understood", "you mentioned", and
  the counselling forms "part of you", "you're not sure", "you feel like") is enough on its
  own, unless praise follows it ("sounds like a great plan" affirms). A statement typed as a
  question ("your manager never answered?") or a second-person statement ("you've been
  drinking more since the job went") must share meaning with the customer's recent words:
  content lemmas, folded through topic and feeling families so "job" meets "work" and
  "depressed" meets "down"; a frameless statement must say mostly the customer's things (new
  facts are the agent's information). A sentence that only copies seven or more of the
  customer's words in a row is an echo, not a restatement.

Everything here is plain Python over the normalised (lower-case) text: no model file, no download.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from calmline.coach._grounding import content_lemmas, facts, lemma
from calmline.coach._questions import declarative, opens_as_question

__all__ = ["Reflection", "closeness", "customer_feelings", "feeling_reflection", "restatement"]

# Feeling families: every word a family lists is folded to the family name. Written for Calmline.
_FAMILIES: dict[str, str] = {
    "sad": "sad sadness sadder unhappy down low blue depressed depression depressing miserable gloomy heartbroken heartbreaking grief grieving devastated devastating crushed tearful crying cry upset hopeless despair empty numb",
    "lonely": "lonely alone loneliness isolated isolation abandoned left-out unloved unwanted excluded disconnected",
    "anxious": "anxious anxiety worried worry worrying worries nervous uneasy tense panicky panic panicking scared afraid fear fearful frightened terrified uncertain unsure insecure apprehensive dread dreading scary frightening terrifying alarming distressing unsettling worrisome",
    "stressed": "stressed stress stressful pressure pressured overwhelmed overwhelming swamped overloaded burnt burned burnout drained exhausted exhausting tired weary worn",
    "angry": "angry anger mad furious livid annoyed annoying irritated irritating frustrated frustrating frustration fed resentful outraged infuriated infuriating bitter",
    "hurt": "hurt hurting hurtful betrayed betrayal rejected rejection wounded disrespected humiliated used cheated",
    "guilty": "guilty guilt ashamed shame embarrassed embarrassing regret regretful remorse blame",
    "disappointed": "disappointed disappointing disappointment letdown discouraged disheartened defeated",
    "confused": "confused confusing confusion lost stuck torn conflicted puzzled unclear",
    "helpless": "helpless powerless trapped stuck hopeless worthless useless inadequate unworthy",
    "hard": "hard difficult tough rough painful challenging struggle struggling struggles awful terrible horrible",
    "glad": "happy glad relieved relief proud excited hopeful grateful thankful pleased",
}
FAMILY_OF: dict[str, str] = {w: fam for fam, words in _FAMILIES.items() for w in words.split()}
# Feeling words so common in stock replies ("I understand you're upset") that they reflect only when the
# customer's own words carry the same feeling.
_GENERIC = frozenset(
    {
        "upset",
        "unhappy",
        "frustrated",
        "frustration",
        "frustrating",
        "annoyed",
        "annoying",
        "angry",
        "mad",
        "disappointed",
        "stressed",
        "concerned",
    }
)
# The weak families: words that name a hard situation rather than a feeling ("that's tough").
_WEAK = frozenset({"hard"})
# Content words folded onto one topic, so a restatement in other words still meets the customer's.
_TOPICS: dict[str, str] = {
    "job": "job work workplace career employer boss manager coworker co-worker colleague office employment unemployed unemployment laid fired redundant redundancy",
    "money": "money bills bill debt rent afford broke finances financial income salary pay paid loan mortgage",
    "partner": "partner boyfriend girlfriend husband wife spouse fiance fiancee ex relationship marriage married divorce breakup break-up dating",
    "family": "family parents parent mother mom mum father dad sister brother son daughter kids children child baby grandmother grandfather",
    "friends": "friend friends friendship mates buddies",
    "school": "school college university uni class classes exam exams study studying grades teacher professor course homework",
    "health": "health sick ill illness doctor hospital covid virus pandemic disease medication therapy therapist",
    "sleep": "sleep sleeping insomnia awake rest",
    "home": "home house apartment flat move moving",
}
TOPIC_OF: dict[str, str] = {lemma(w): t for t, words in _TOPICS.items() for w in words.split()}

_WORD = re.compile(r"[a-z][a-z'-]*")
# Who the feeling is attributed to: the customer, in the agent's words.
_ATTRIBUTE = re.compile(
    r"\b(?:you(?:'re| are|'ve been| have been| were| feel| felt| must (?:be|feel|have (?:been|felt))| seem| sound| look| may (?:be|feel)| might (?:be|feel)| probably feel| would (?:be|feel)| could be| get| got| become| are feeling| 're feeling)"
    r"|(?:making|made|make|leaving|left|leave|leaves|makes|got|getting|keeps?|keeping) you(?: feel| feeling)?|for you|to you|you feeling|(?:your|the) feelings? of|"
    r"(?:i can|i could) (?:tell|see|sense|hear|imagine|understand) (?:that |how |why )?(?:you|this|that|it)|no wonder you|"
    r"i (?:can )?(?:feel|sense|see|tell|hear)\b[^.?!]{0,25}\b(?:how|that|your|you)\b|how (?:\w+ )?\w+ you (?:are|must|feel|have|were|'re)|"
    r"(?:make|makes|made|would make|could make) (?:anyone|anybody|someone|somebody|people|most people)|"
    r"(?:normal|natural|understandable|okay|ok|valid|human|common) to (?:feel|be)|your feelings? (?:is|are) (?:valid|understandable|normal))\b"
)
# Not an attribution: reassurance or advice about a feeling ("you shouldn't feel guilty").
_NOT_ATTRIBUTE = re.compile(
    r"\b(?:(?:don'?t|do not|shouldn'?t|should not|never|no need to|doesn'?t have to|don'?t have to|not) (?:\w+ )?(?:feel|be)\b|"
    r"(?:help|helps|helped|helping|make) you (?:feel )?(?:less|better|more)|(?:when|if|whenever|once|unless) you(?:'re| are)? ?(?:feel|feeling|get|start)\b|tell (?:him|her|them|your \w+) (?:that )?you|"
    r"i (?:also |too )?(?:feel|felt|get|got|was|am|have been)\b(?! your| for you| how| that you)|i'?m (?:so |very |really )?(?:glad|happy|proud)|proud of you)"
)
_STOCK_ONLY = re.compile(
    r"\b(?:your (?:frustration|feelings?|concerns?|pain)|how you feel|the way you feel|what you(?:'re| are) going through)\b"
)
# A negator just before the feeling word (searched in the text up to it).
_NEGATED = re.compile(r"(?:\b(?:not|never|no longer|nothing to (?:be|feel))|n't)\s+(?:\w+\s+)?$")
# Frames that offer the customer's own situation back.
_FRAME = re.compile(
    r"\b(?:(?:it |that )?sounds? (?:like|as (?:if|though)|that)|part of you|on (?:the )?one hand|you(?:'re| are) (?:not sure|wondering|thinking|torn)|"
    r"you (?:feel|felt) (?:like|that|as (?:if|though))(?! way\b| about it\b|\W*$)|you(?:'re| are) feeling (?:like|that)(?! way\b|\W*$)|(?:it |that )?seems? (?:like|as (?:if|though)|that|to me)|you seem|you sound|"
    r"what (?:i'?m|i am) hearing|i(?:'m| am) hearing|i hear (?:that|you say|you saying)|"
    r"you(?:'re| are) saying|what you(?:'re| are) saying|you (?:mentioned|said|told me|explained)|you(?:'ve| have) (?:mentioned|said|told|explained)|"
    r"if i (?:understand|understood|have understood|'ve understood|'m understanding|am understanding|got (?:that|this|it) right)|in other words|"
    r"let me make sure|to (?:confirm|make sure i)|just to check|is that (?:right|correct|it)|am i right|correct me if|did i (?:get|understand) (?:that|this|it)|"
    r"have i got (?:that|this) right|(?:does|would) (?:that|this|it) (?:sound|seem) (?:about )?(?:right|true|accurate|correct)|does (?:that|this) (?:summari[sz]e|sum (?:it )?up|capture)|is (?:that|this) what|is (?:this|that) (?:right|correct|true)|i get the (?:sense|feeling|impression)|i can (?:tell|see|sense|hear) (?:that|how|you)|if i'?m reading)\b"
)
# "So you ..." opens a restatement only at the start of the sentence ("..., so you won't need to" is a purpose).
_SO = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|oh|ah|right|i see|hmm+|and|um+|uh+|er+m?|mm+|mhm|mm-hmm|uh-huh|yeah|well)[, ]+)*so,? (?:you|your|if|it'?s|he|she|they|what|basically|essentially|the|this|that|nobody|no one|nothing|none|everyone|everything|there)\b"
)
# Praise after a frame ("you sound like a strong person") affirms; it does not restate.
_PRAISE = re.compile(
    r"\b(?:good|great|wonderful|amazing|awesome|fantastic|nice|lovely|strong|smart|bright|brave|wise|excellent|fun|sensible|"
    r"realistic|caring|kind|positive|a plan|doing (?:very |really )?well|helped|helpful|proud|right track|progress|fine)\b"
)
# A statement about the customer in the second person, the form most reflections take in counselling
# ("You're worried the job won't last."): not advice, not the agent's promise, not a question.
_YOU_SAID = re.compile(
    r"^\s*(?:(?:and|but|oh|ah|ok(?:ay)?|i see|hmm+|yes|yeah|right|um+|uh+|er+m?|mm+|mhm|mm-hmm|uh-huh|so|well)[, ]+)*(?:you\b(?:'re|'ve|'d| are| have| were| had| feel| felt| want| wanted| don'?t| didn'?t| can'?t| couldn'?t| haven'?t| aren'?t| weren'?t| never| still| just| really| seem)|your \w+(?: \w+)? (?:is|was|are|were|has|had|have|does|did|doesn'?t|didn'?t|isn'?t|wasn'?t|hasn'?t|haven'?t|won'?t|can'?t|keeps?|wants?|thinks?|feels?|says?|said|noticed|knows?)\b)(?![^.?!]*\b(?:should|could try|might want|need to|have to|must try|will be (?:fine|ok|okay|alright)|can do it)\b)[^?]*[.!]?\s*$"
)
_COPY_RUN = 7  # this many words copied in a row from the customer, making most of the sentence: an echo


@dataclass(frozen=True, slots=True)
class Reflection:
    """A reflection found in one sentence: where (offsets in the sentence) and why."""

    start: int
    end: int
    why: str


def _families(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _WORD.finditer(text):
        w = m.group(0)
        fam = FAMILY_OF.get(w) or FAMILY_OF.get(lemma(w))
        if fam is not None and fam not in out:
            out[fam] = w
    return out


def customer_feelings(customer: Sequence[str]) -> dict[str, str]:
    """The feeling families in the customer's recent words, each with the word that showed it."""
    return dict(_feelings_of(tuple(customer)))


@lru_cache(maxsize=256)
def _feelings_of(customer: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for t in customer:
        for fam, w in _families(t.lower()).items():
            out.setdefault(fam, w)
    return tuple(out.items())


#: the situation named by the feeling it causes ("that must be frightening", "it sounds exhausting"): a reflection
#: when the feeling is the customer's own (they wrote they were panicking)
_SITUATION_FEELS = re.compile(
    r"\b(?:that|it|this)(?:'s| is| must be| must have been| sounds| sounded| would be)"
    r"(?: so| really| very| incredibly| truly| quite)? (?P<word>[a-z]+)\b"
)


def feeling_reflection(sentence: str, customer: Sequence[str]) -> Reflection | None:
    """A feeling attributed to the customer in ``sentence`` (normalised), or None."""
    if _NOT_ATTRIBUTE.search(sentence) or opens_as_question(sentence):
        return None
    theirs = customer_feelings(customer)
    for m in _SITUATION_FEELS.finditer(sentence):
        fam = FAMILY_OF.get(m.group("word"))
        if fam is not None and fam in theirs and not _NEGATED.search(sentence, 0, m.start("word")):
            why = f"names the customer's feeling ({m.group('word')}; they wrote {theirs[fam]!r})"
            return Reflection(m.start(), m.end(), why)
    for a in _ATTRIBUTE.finditer(sentence):
        window = sentence[max(0, a.start() - 40) : a.end() + 50]
        offset = max(0, a.start() - 40)
        for m in _WORD.finditer(window):
            fam = FAMILY_OF.get(m.group(0)) or FAMILY_OF.get(lemma(m.group(0)))
            if fam is None or (fam == "glad" and "glad" not in theirs):
                continue
            if _NEGATED.search(window, 0, m.start()):
                continue  # "you are never alone", "you're not guilty": reassurance
            if _STOCK_ONLY.search(sentence) and fam in ("angry", "hard") and not theirs:
                continue
            if fam in _WEAK and fam not in theirs and not theirs:
                continue
            if m.group(0) in _GENERIC and fam not in theirs:
                continue
            start, end = min(a.start(), offset + m.start()), max(a.end(), offset + m.end())
            word = m.group(0)
            if fam in theirs:
                why = f"names the customer's feeling ({word}; they wrote {theirs[fam]!r})"
            elif theirs:
                why = f"names a feeling the customer implied ({word}; they wrote {next(iter(theirs.values()))!r})"
            else:
                why = f"names how the customer may feel ({word})"
            return Reflection(start, end, why)
    return None


def closeness(sentence: str, customer: Sequence[str]) -> tuple[list[str], bool]:
    """What ``sentence`` shares in meaning with the customer's words, and whether it merely copies them.

    Returns the shared items (lemmas, topics, feelings, facts), strongest first, and True when
    the sentence is mostly a verbatim copy of a run of the customer's words.
    """
    mine = content_lemmas(sentence)
    theirs = _lemmas_of(tuple(customer))
    shared = sorted(mine & theirs)
    topics_mine = {TOPIC_OF[w] for w in mine if w in TOPIC_OF}
    topics_theirs = {TOPIC_OF[w] for w in theirs if w in TOPIC_OF}
    shared += [
        f"{t} (topic)"
        for t in sorted(topics_mine & topics_theirs)
        if not any(TOPIC_OF.get(w) == t for w in mine & theirs)
    ]
    fam_mine, fam_theirs = _families(sentence), customer_feelings(customer)
    shared += [
        f"{w} ~ {fam_theirs[f]}"
        for f, w in fam_mine.items()
        if f in fam_theirs and f not in _WEAK and w != fam_theirs[f]
    ]
    fs = facts(sentence)
    for t in customer:
        shared += sorted(fs & facts(t))
    return list(dict.fromkeys(shared)), _copied(sentence, customer)


@lru_cache(maxsize=256)
def _lemmas_of(customer: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(content_lemmas(t) for t in customer))


def _copied(sentence: str, customer: Sequence[str]) -> bool:
    words = _WORD.findall(sentence)
    if len(words) < _COPY_RUN:
        return False
    grams = {tuple(words[i : i + _COPY_RUN]) for i in range(len(words) - _COPY_RUN + 1)}
    for t in customer:
        cw = _WORD.findall(t.lower())
        hits = sum(tuple(cw[i : i + _COPY_RUN]) in grams for i in range(len(cw) - _COPY_RUN + 1))
        if hits and hits + _COPY_RUN - 1 >= 0.7 * len(words):
            return True
    return False


def restatement(sentence: str, customer: Sequence[str]) -> Reflection | None:
    """``sentence`` (normalised) restates the customer's situation in the agent's words, or None."""
    frame = _SO.search(sentence) or _FRAME.search(sentence)
    you_q = frame is None and (declarative(sentence) or _YOU_SAID.match(sentence) is not None)
    if frame is None and not you_q:
        return None
    if frame is None and not sentence.rstrip().endswith("?") and _PRAISE.search(sentence):
        return None
    shared, copy = closeness(sentence, customer)
    if copy:
        return None
    if frame is not None:
        tail = sentence[frame.end() :]
        if len(_WORD.findall(tail)) < 2 and not shared and frame.start() < 3:
            return None  # "is that right?" alone restates nothing
        if _PRAISE.search(tail):
            return None  # "sounds like a great plan": affirmation, not the customer's situation
        why = f"restates the customer's situation ({frame.group(0).strip()!r}"
        why += f"; shared: {', '.join(shared[:4])})" if shared else ")"
        return Reflection(frame.start(), len(sentence.rstrip()), why)
    # a frameless statement (not a check) must say mostly the customer's things: new facts are information
    mine = content_lemmas(sentence) | facts(sentence)
    if not shared or (not sentence.rstrip().endswith("?") and len(shared) < 0.5 * len(mine)):
        return None
    how = "offers the customer's words back as a check" if sentence.rstrip().endswith("?") else "says it back to them"
    return Reflection(0, len(sentence.rstrip()), f"{how} (shared: {', '.join(shared[:4])})")
