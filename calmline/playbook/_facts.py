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

from calmline.playbook._restate import LEAD, PROFANE, QUESTION, WHERE, restate, swap_pronouns, tidy
from calmline.playbook._topic import find_topic
from calmline.types import Span, TurnAnalysis

__all__ = ["Facts", "extract_facts", "swap_pronouns"]

_ORDER = re.compile(
    r"\b(?:order|ref(?:erence)?|case|ticket|account|invoice|booking|claim|tracking)\s*(?:number|no\.?|#)?\s*[:#]?\s*"
    r"([A-Za-z]{0,4}-?\d[\w-]{2,})",
    re.I,
)
_AMOUNT = re.compile(
    r"[£$€]\s?\d[\d,]*(?:\.\d\d)?|(?<![\d,])\d[\d,]*(?:\.\d\d)?\s?(?:dollars|pounds|euros|usd|gbp|eur)\b", re.I
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DATE = re.compile(
    rf"\b(?:(?:last|on|since|this)\s+(?:{_DAYS})|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{4}}-\d\d-\d\d|yesterday|last week)",
    re.I,
)
_COMPLAINT = re.compile(
    r"\b(?:not|never|no|didn'?t|doesn'?t|don'?t|isn'?t|wasn'?t|haven'?t|hasn'?t|won'?t|can'?t|cannot|still|wrong|broken|"
    r"damaged|missing|late|lost|charged|overcharged|twice|failed|stopped|cancel(?:led)?|refund|error|faulty|waiting|waited|"
    r"crash(?:es|ed|ing)?|freez(?:es|ing)|froze|blocked|wrong|disappeared|"
    r"again|nobody|dropped|disconnected|stuck|declined|locked|delayed|expired|keeps|down|hold|promised|jumped|banned|"
    r"need|want|would like|'d like|move|change|block|lost|left)\b"
)
#: a leading whitespace run is tried only from its start (``(?<!\s)``): tried from every space of a long run, it
#: made splitting quadratic (20,000 spaces took seconds); the matches are the same
_CLAUSE = re.compile(r"(?:(?<!\s)\s*)?(?:[,;:]|\band\b|\bbut\b|\bbecause\b|\bso\b)\s*")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
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
    question: bool = False
    topic: str = "this"
    head: str = ""
    feeling: str = "frustrating"
    feeling_person: str = "frustrated"
    orders: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    amount_values: tuple[float, ...] = field(default=())


#: asking how to do something: the agent answers it now, no hand-off to another team
HOW_TO = re.compile(
    r"\b(?:(?:how|where) (?:do|can|should) (?:i|we)|how to)\b(?! (?:even|ever|actually|possibly|supposed|get hold|reach|contact|speak|talk)\b)"
    # a question about what is allowed or offered ("can I use my miles on a partner airline?", "is it possible to
    # bring a guitar?", "do you ship to Norway?"): the agent can answer it; nothing to hand to another team
    r"|(?:^|(?<=[.!?]\s)|(?<=,\s))(?:hi|hello|hey|quick question)?[,!]?\s*(?:can|could|may) (?:i|we) (?:still |also )?(?!(?:speak|talk) to|get (?:a|my|our) refund)"
    r"|\b(?:is it possible|am i able|are we able|is it ok(?:ay)?|are (?:we|pets|dogs|kids|children) allowed) to\b"
    r"|(?:^|(?<=[.!?]\s))do you (?:offer|allow|accept|fly|ship|deliver|take|sell|have|do|charge|need)\b",
    re.I,
)
_OPEN_QUESTION = re.compile(
    r"\?|\b(?:one more question|another question|quick question|(?:could|can) you (?:also )?(?:tell|let) me|i'?d like to know|i was wondering)\b",
    re.I,
)


def _best_clause(sentence: str) -> str:
    """The clause of a long sentence that carries the complaint."""
    if len(sentence.split()) <= 16 or QUESTION.match(LEAD.sub("", sentence.strip())):
        return sentence
    clauses = [c for c in _CLAUSE.split(sentence) if len(c.split()) >= 3]
    if not clauses:
        return sentence
    return max(clauses, key=lambda c: len(_COMPLAINT.findall(c.lower())) + 0.5 * bool(_ORDER.search(c)))


def _skip_spans(turn: TurnAnalysis) -> list[Span]:
    skip = (_AIMED - {"abuse.yelling"}) | {"threat.legal", "threat.public", "threat.churn", "request.manager"}
    return [e for s in turn.signals if s.label in skip for e in s.evidence]


def _score(sentence: str) -> float:
    words = sentence.split()
    if len(words) < 3:
        return 0.0
    low = sentence.lower()
    stripped = LEAD.sub("", PROFANE.sub(" ", sentence)).strip()
    question = bool(QUESTION.match(stripped)) and "?" in sentence
    hits = len(_COMPLAINT.findall(low)) + 0.5 * bool(_ORDER.search(sentence) or _AMOUNT.search(sentence))
    if question or WHERE.match(stripped.rstrip(" .!")):
        hits += 1.5
    if not hits:
        return 0.0
    return hits + 0.5 * bool(re.search(r"\b(?:my|our|i|we)\b", low))


def _order_kind(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _ORDER.finditer(text):
        kind = m.group(0).split()[0].lower().rstrip(":#")
        out.append((kind, m.group(1)))
    return out


def _topic(topic: str) -> str:
    return f"your {topic}" if topic else "this"


_STUTTER = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.I)
_SPACE_PUNCT = re.compile(r"(?<!\s)\s+([,;:])")


def _once(issue: str, codes: Iterable[str]) -> str:
    """Each reference once in the restated issue ("... a refund for order 88123" after "your order 88123")."""
    for code in codes:
        first = issue.find(code)
        if first < 0:
            continue
        head, rest = issue[: first + len(code)], issue[first + len(code) :]
        rest = re.sub(
            rf"\s+(?:for|on|of|about|with)\s+(?:(?:your|the|my)\s+)?(?:\w+\s+){{0,1}}{re.escape(code)}\b|\s*{re.escape(code)}\b",
            "",
            rest,
        )
        issue = head + rest
    return issue


def extract_facts(customer_turns: Iterable[TurnAnalysis], *, earlier: Iterable[TurnAnalysis] = ()) -> Facts:
    """Facts from the customer's recent turns (most recent last).

    The issue comes from the most recent turn only (an earlier one has had its
    answer); the topic is the first noun phrase of the whole conversation
    (``earlier`` then ``customer_turns``), so it names what the conversation is about.
    """
    turns = list(customer_turns)
    orders: list[str] = []
    kinds: list[str] = []
    amounts: list[str] = []
    dates: list[str] = []
    topic, head = "", ""
    for ta in [*earlier, *turns]:
        if not topic:
            topic, head = find_topic(ta.turn.text)
    for ta in reversed(turns):
        text = ta.turn.text
        for kind, code in _order_kind(text):
            if code not in orders:
                orders.append(code)
                kinds.append(kind)
        amounts += [m.group(0) for m in _AMOUNT.finditer(text) if m.group(0) not in amounts]
        dates += [m.group(0) for m in _DATE.finditer(text) if m.group(0) not in dates]
    best, best_score = "", 0.0
    last = turns[-1] if turns else None
    if last is not None:
        text = last.turn.text
        masked = list(text)
        for sp in _skip_spans(last):
            masked[sp.start : sp.end] = "|" * (sp.end - sp.start)
        for m in _SENTENCE.finditer(text):
            for piece in re.split(r"\|+", "".join(masked[m.start() : m.end()])):
                for cand in [piece] if "|" not in m.group(0) and piece == m.group(0) else _CLAUSE.split(piece):
                    score = _score(cand)
                    if score > best_score:
                        best, best_score = cand, score
    clause = _best_clause(best) if best else ""
    issue, question = restate(tidy(clause), "?" in clause) if clause else ("", False)
    issue = _once(issue.strip(" ,;:"), orders)
    # a stutter in the customer's words ("I I", "the the") is not repeated back; nor is a space before a comma
    issue = _SPACE_PUNCT.sub(r"\1", _STUTTER.sub(r"\1", issue))
    if len(issue.split()) < 3:
        issue, question = "", False
    emotion = last.emotion if last is not None else None
    frustration = last.frustration or 0.0 if last is not None else 0.0
    feeling = _FEELINGS.get(
        emotion or "", ("frustrating", "frustrated") if frustration >= 0.35 else ("annoying", "annoyed")
    )
    values = tuple(float(re.sub(r"[^\d.]", "", a) or 0) for a in amounts)
    return Facts(
        issue=issue,
        is_request=question or bool(re.match(r"you(?:'d| would)? (?:want|like|need)", issue)),
        question=question or bool(last is not None and _OPEN_QUESTION.search(last.turn.text)),
        topic=_topic(topic),
        head=head or (kinds[0] if kinds else ""),
        feeling=feeling[0],
        feeling_person=feeling[1],
        orders=tuple(orders),
        amounts=tuple(amounts),
        dates=tuple(dates),
        amount_values=values,
    )
