# ruff: noqa: E501  (regex tables read best unbroken)
"""Grounding: the customer's issue, topic, feeling and facts, taken from their own words.

The issue is the clause carrying the complaint, with abuse and swearing left out
and pronouns turned round (``my order never came`` -> ``your order never came``),
so a reply restates it in the agent's voice instead of echoing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from calmline.types import Span, TurnAnalysis

__all__ = ["Facts", "extract_facts", "swap_pronouns"]

_ORDER = re.compile(
    r"\b(?:order|ref(?:erence)?|case|ticket|account|invoice|booking|claim|tracking)\s*(?:number|no\.?|#)?\s*[:#]?\s*"
    r"([A-Za-z]{0,4}-?\d[\w-]{2,})",
    re.I,
)
_AMOUNT = re.compile(
    r"[£$€]\s?\d[\d,]*(?:\.\d\d)?|\b\d[\d,]*(?:\.\d\d)?\s?(?:dollars|pounds|euros|usd|gbp|eur)\b", re.I
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DATE = re.compile(
    rf"\b(?:(?:last|on|since|this)\s+(?:{_DAYS})|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{4}}-\d\d-\d\d|yesterday|last week)",
    re.I,
)
_ADJ = r"new|old|broken|cancell?ed|damaged|last|monthly|online|faulty|missing|late|latest|first|annual|home|mobile|credit|debit|gift|wrong|replacement"
_TOPIC = re.compile(
    rf"\b(?:my|our|the)\s+((?:(?:{_ADJ})\s+)?(?!own\b|same\b|other\b|whole\b|fault\b|god\b|time\b|money\b|word\b|mind\b|life\b"
    rf"|patience\b|third\b|second\b|way\b|manager\b|supervisor\b|phone\b(?!\s+bill)|{_ADJ}\b)[a-z]{{3,}})"
)
_COMPLAINT = re.compile(
    r"\b(?:not|never|no|didn'?t|doesn'?t|don'?t|isn'?t|wasn'?t|haven'?t|hasn'?t|won'?t|can'?t|cannot|still|wrong|broken|"
    r"damaged|missing|late|lost|charged|overcharged|twice|failed|stopped|cancel(?:led)?|refund|error|faulty|waiting|waited|"
    r"crash(?:es|ed|ing)?|freez(?:es|ing)|froze|blocked|wrong|disappeared|"
    r"again|nobody|dropped|disconnected|stuck|declined|locked|delayed|expired|keeps)\b"
)
_CLAUSE = re.compile(r"\s*(?:[,;:]|\band\b|\bbut\b|\bbecause\b|\bso\b)\s*")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_LEAD = re.compile(
    r"^(?:\s*(?:and|but|so|also|well|hi|hello|hey|ok|okay|look|listen|honestly|seriously|right|yes|no|now)\b[,\s]*)+",
    re.I,
)
_PROFANE = re.compile(
    r"\s*\b(?:f+u+c+k+\w*|sh[i1]t+\w*|damn(?:ed)?|bloody|hell|crap(?:py)?|wtf|ffs|bullshit|goddamn|freaking|frigging|piss(?:ed)?)\b",
    re.I,
)
_QUESTION = re.compile(
    r"^\s*(?:where(?:'s| is| are)|why|when|how|what|who|can|could|will|would|is|are|do|does|did|have|has)\b", re.I
)
_WHERE = re.compile(r"^\s*where(?:'s| is| are)\s+(.+?)\??$", re.I)
_SWAP = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "am": "are",
    "we": "you",
    "our": "your",
    "us": "you",
    "we're": "you're",
    "we've": "you've",
    "ours": "yours",
    "you": "we",
    "your": "our",
    "you're": "we're",
    "you've": "we've",
    "yours": "ours",
    "yourself": "ourselves",
    "was": "was",
}
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")

_FEELINGS = {
    "frustration": ("frustrating", "frustrated"),
    "anger": ("maddening", "angry"),
    "disappointment": ("disappointing", "disappointed"),
    "anxiety": ("worrying", "worried"),
    "confusion": ("confusing", "confused"),
}
_AIMED = frozenset({"abuse.insult", "abuse.harassment", "threat.personal", "abuse.yelling"})


@dataclass(frozen=True, slots=True)
class Facts:
    """What the reply can be grounded in."""

    issue: str = ""
    is_request: bool = False
    topic: str = "this"
    feeling: str = "frustrating"
    feeling_person: str = "frustrated"
    orders: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    amount_values: tuple[float, ...] = field(default=())


def swap_pronouns(text: str) -> str:
    """Turn the customer's first person into the agent's second person and back."""
    prev: list[str] = []

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        out = _SWAP.get(low, word)
        if low == "was" and prev and prev[-1] == "i":
            out = "were"
        if low == "are" and prev and prev[-1] == "you":
            out = "are"
        prev.append(low)
        return out

    return _WORD.sub(repl, text)


def _tidy(clause: str) -> str:
    clause = _PROFANE.sub("", clause)
    clause = _LEAD.sub("", clause).strip(" ,;:-!?.\"'")
    words = clause.split()
    if len(words) > 18:
        words = words[:18]
    # A shouted clause is restated calmly: capitals back to lower case, codes kept.
    fixed = [w.lower() if w.isupper() and len(w) > 3 and not any(c.isdigit() for c in w) else w for w in words]
    return " ".join(fixed)


def _restate(clause: str) -> str:
    m = _WHERE.match(clause)
    if m:
        thing = swap_pronouns(m.group(1).strip())
        return f"{thing} still hasn't reached you"
    if _QUESTION.match(clause) and clause.rstrip().endswith("?"):
        return "you'd like an answer on " + swap_pronouns(clause.rstrip(" ?")).lower()
    out = swap_pronouns(clause)
    if out[:2] in ("I ",):
        out = "you" + out[1:]
    return out[:1].lower() + out[1:] if not out[:2].isupper() else out


def _best_clause(sentence: str) -> str:
    """The clause of a long sentence that carries the complaint."""
    if len(sentence.split()) <= 12:
        return sentence
    clauses = [c for c in _CLAUSE.split(sentence) if len(c.split()) >= 3]
    if not clauses:
        return sentence
    return max(clauses, key=lambda c: len(_COMPLAINT.findall(c.lower())) + 0.5 * bool(_ORDER.search(c)))


def _skip_spans(turn: TurnAnalysis) -> list[Span]:
    skip = (_AIMED - {"abuse.yelling"}) | {"threat.legal", "threat.public"}
    return [e for s in turn.signals if s.label in skip for e in s.evidence]


def _score(sentence: str, age: int) -> float:
    if len(sentence.split()) < 3:
        return 0.0
    low = sentence.lower()
    hits = len(_COMPLAINT.findall(low)) + 0.5 * bool(_ORDER.search(sentence) or _AMOUNT.search(sentence))
    if not hits and len(sentence.split()) >= 4 and _TOPIC.search(low):
        hits = 0.3  # no complaint word, but a statement about their thing
    if not hits:
        return 0.0
    return hits + 0.5 * bool(re.search(r"\b(?:my|our|i|we)\b", low)) - 0.6 * age


def _topic(topic: str, orders: list[str]) -> str:
    if topic and orders and topic.split()[-1] in ("order", "booking", "account", "case", "claim", "invoice", "ticket"):
        return f"your {topic} {orders[0]}"
    if topic:
        return f"your {topic}"
    return f"order {orders[0]}" if orders else "this"


def extract_facts(customer_turns: Iterable[TurnAnalysis]) -> Facts:
    """Facts from the customer's recent turns (most recent last)."""
    turns = list(customer_turns)
    best, best_score = "", 0.0
    orders: list[str] = []
    amounts: list[str] = []
    dates: list[str] = []
    topic = ""
    for age, ta in enumerate(reversed(turns)):
        text = ta.turn.text
        orders += [m.group(1) for m in _ORDER.finditer(text) if m.group(1) not in orders]
        amounts += [m.group(0) for m in _AMOUNT.finditer(text) if m.group(0) not in amounts]
        dates += [m.group(0) for m in _DATE.finditer(text) if m.group(0) not in dates]
        if not topic:
            t = _TOPIC.search(text.lower())
            topic = t.group(1) if t else ""
        skip = _skip_spans(ta)
        masked = list(text)
        for sp in skip:
            masked[sp.start : sp.end] = "|" * (sp.end - sp.start)
        for m in _SENTENCE.finditer(text):
            for piece in re.split(r"\|+", "".join(masked[m.start() : m.end()])):
                for cand in [piece] if "|" not in m.group(0) and piece == m.group(0) else _CLAUSE.split(piece):
                    score = _score(cand, age)
                    if score > best_score:
                        best, best_score = cand, score
    issue = _restate(_tidy(_best_clause(best))) if best else ""
    emotion = turns[-1].emotion if turns else None
    frustration = turns[-1].frustration or 0.0 if turns else 0.0
    feeling = _FEELINGS.get(
        emotion or "", ("frustrating", "frustrated") if frustration >= 0.35 else ("annoying", "annoyed")
    )
    values = tuple(float(re.sub(r"[^\d.]", "", a) or 0) for a in amounts)
    return Facts(
        issue=issue,
        is_request=bool(re.match(r"you(?:'d| would)? (?:want|like|need)|you'd like an answer", issue)),
        topic=_topic(topic, orders),
        feeling=feeling[0],
        feeling_person=feeling[1],
        orders=tuple(orders),
        amounts=tuple(amounts),
        dates=tuple(dates),
        amount_values=values,
    )
