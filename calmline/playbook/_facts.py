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
    r"need|want|move|change|block|lost|left)\b"
)
#: a leading whitespace run is tried only from its start (``(?<!\s)``): tried from every space of a long run, it
#: made splitting quadratic (20,000 spaces took seconds); the matches are the same
_CLAUSE = re.compile(r"(?:(?<!\s)\s*)?(?:[,;:]|\band\b|\bbut\b|\bbecause\b|\bso\b)\s*")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_LEAD = re.compile(
    r"^(?:\s*(?:(?:one more|another|a quick|quick) question[:,]?|and|but|so|also|well|hi|hello|hey|ok|okay|look|listen|honestly|seriously|right|yes|no|now)\b[,\s]*)+",
    re.I,
)
_PROFANE = re.compile(
    r"(?:(?<!\s)\s*)?\b(?:the\s+f[*\w]*ck\w*\s+|f[*]+c?k\w*|f+u+c+k+\w*|sh[i1]t+\w*|damn(?:ed)?|bloody|hell|crap(?:py)?|wtf|ffs|bullshit|goddamn|freaking|frigging|piss(?:ed)?)\b",
    re.I,
)
_QUESTION = re.compile(
    r"^\s*(?:where(?:'s| is| are| do| can| should)|why|when|how|what|who|can|could|will|would|is|are|do|does|did|have|has)\b",
    re.I,
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
    question: bool = False
    topic: str = "this"
    head: str = ""
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


_SUBJECT = re.compile(
    r"^(?:i|i'm|i've|i'd|i was|my|we|we're|we've|our|it|it's|its|this|the|there|nothing|nobody|no one|they|they've)\b",
    re.I,
)
_NOT_ISSUE = re.compile(
    r"\b(?:idiot\w*|stupid|useless|muppet\w*|clown\w*|moron\w*|thick|last chance|you|you'?re|your|need (?:some )?help)\b|^(?:if|or|then|unless|whatever|fine)\b|\bor (?:i'?m|i will|i'll)\b",
    re.I,
)
_ASK = re.compile(r"^(?:could|can|would) you (?:also |please )?(?:tell|let) (?:me|us) (?:know )?(.+)$", re.I)
_ASK_DO = re.compile(r"^(?:could|can|would|will) you (?:please )?(.+)$", re.I)
_YESNO = re.compile(r"^(will|would|can|could|should|is|are|was|has|have) (i|we|it|my \w+|our \w+|the \w+) (.+)$", re.I)
_WH = re.compile(
    r"^(why|when|how|what|which|who) (is|are|was|were|has|have|will|would|can|should) (i|we|it|my \w+|our \w+|the \w+) (.+)$",
    re.I,
)
#: ("how do I even ..." is exasperation, not a question to restate)
_WH_DO = re.compile(
    r"^(how|what|where|when|which) (do|can|should|could) (i|we) (?!(?:even|ever|actually|possibly)\b)(.+)$", re.I
)
#: asking how to do something: the agent answers it now, no hand-off to another team
HOW_TO = re.compile(
    r"\b(?:(?:how|where) (?:do|can|should) (?:i|we)|how to)\b(?! (?:even|ever|actually|possibly|supposed|get hold|reach|contact|speak|talk)\b)",
    re.I,
)
_OPEN_QUESTION = re.compile(
    r"\?|\b(?:one more question|another question|quick question|(?:could|can) you (?:also )?(?:tell|let) me|i'?d like to know|i was wondering)\b",
    re.I,
)


# The customer's verdict on the situation ("this is ridiculous") is not part of the issue said back to them.
_VERDICT = re.compile(
    r"(?:^|[,;:\-]\s*|(?<!\s)\s+(?:and|but)\s+)(?:honestly,?\s+)?(?:this|that|it)(?:'s|\s+is|\s+was)\s+(?:so\s+|absolutely\s+|completely\s+|"
    r"just\s+|really\s+|beyond\s+|utterly\s+)*(?:ridiculous|a joke|unacceptable|outrageous|insane|absurd|pathetic|disgraceful|"
    r"a disgrace|shocking|appalling|a nightmare|crazy|madness|a farce|a scandal|a shambles)"
    r"(?:\s*[,;:.!?]+\s*|\s+(?:and|but)\s+|\s*$)",
    re.I,
)


def _drop_verdict(m: re.Match[str]) -> str:
    """The verdict clause out; the clauses on either side stay joined ("broken, [this is ridiculous and] I need")."""
    return ", " if m.group(0).strip(" ,;:-").lower().startswith(("and ", "but ")) or m.start() else " "


def _tidy(clause: str) -> str:
    clause = _VERDICT.sub(_drop_verdict, clause)
    clause = _PROFANE.sub(" ", clause)
    clause = re.sub(r"\s{2,}", " ", clause)
    clause = _LEAD.sub("", clause).strip(" ,;:-!?.\"'")
    words = clause.split()
    if len(words) > 20:
        words = words[:20]
    # A shouted clause is restated calmly: capitals back to lower case, codes kept.
    shouted = sum(w.isupper() for w in words) > len(words) / 2
    fixed = [
        w.lower() if w.isupper() and (shouted or len(w) > 3) and not any(c.isdigit() for c in w) and w != "I" else w
        for w in words
    ]
    return " ".join(fixed)


def _question(clause: str) -> str:
    """A question restated as what the customer wants to know, or "" when unsure."""
    q = clause.rstrip(" ?")
    if m := _ASK.match(q):
        return "you'd like to know " + swap_pronouns(m.group(1))
    if m := _WH_DO.match(q):  # "how do I reset my password" -> "how you reset your password"; a modal stays
        modal = "" if m.group(2).lower() == "do" else f" {m.group(2).lower()}"
        return f"you'd like to know {m.group(1).lower()} {swap_pronouns(m.group(3))}{modal} {swap_pronouns(m.group(4))}"
    if m := _WH.match(q):
        return f"you'd like to know {m.group(1).lower()} {swap_pronouns(m.group(3))} {_aux(m.group(2), m.group(3))} {swap_pronouns(m.group(4))}"
    if m := _YESNO.match(q):
        return f"you'd like to know whether {swap_pronouns(m.group(2))} {_aux(m.group(1), m.group(2))} {swap_pronouns(m.group(3))}"
    if m := _ASK_DO.match(q):
        return "you'd like us to " + swap_pronouns(m.group(1))
    return ""


def _aux(aux: str, subject: str) -> str:
    aux = aux.lower()
    if subject.lower() in ("i", "we"):
        return {"is": "are", "was": "were", "has": "have", "am": "are"}.get(aux, aux)
    return aux


#: a clause cut short where a threat or abuse was left out ("I want to [cancel my subscription]") ends on a word
#: that needs what follows; restated, it would read "you want to;"
_DANGLING = re.compile(
    r"\b(?:to|a|an|the|my|your|our|their|his|her|its|and|or|of|for|with|about|at|on|in|from|by|into)$",
    re.I,
)
_PLEASE = re.compile(r"(?<![,\s])[,\s]+(?:please|pls|thanks|thank you)$", re.I)


def _restate(clause: str, asked: bool = False) -> tuple[str, bool]:
    """The clause in the agent's voice, and whether it is a question; "" when it reads badly."""
    clause = _PLEASE.sub("", clause)  # "...on my order please" is restated without the customer's courtesy
    if _DANGLING.search(clause):
        return "", False
    m = _WHERE.match(clause)
    if m:
        thing = swap_pronouns(m.group(1).strip())
        return f"{thing} still hasn't reached you", False
    if _QUESTION.match(clause) and asked:
        return _question(clause), True
    if not _SUBJECT.match(clause) or _NOT_ISSUE.search(clause):
        return "", False
    out = swap_pronouns(clause)
    if out.startswith("you "):
        out = out.replace(" and was ", " and were ")
    return (out[:1].lower() + out[1:] if not out[:2].isupper() else out), False


def _best_clause(sentence: str) -> str:
    """The clause of a long sentence that carries the complaint."""
    if len(sentence.split()) <= 16 or _QUESTION.match(_LEAD.sub("", sentence.strip())):
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
    stripped = _LEAD.sub("", _PROFANE.sub(" ", sentence)).strip()
    question = bool(_QUESTION.match(stripped)) and "?" in sentence
    hits = len(_COMPLAINT.findall(low)) + 0.5 * bool(_ORDER.search(sentence) or _AMOUNT.search(sentence))
    if question or _WHERE.match(stripped.rstrip(" .!")):
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
    issue, question = _restate(_tidy(clause), "?" in clause) if clause else ("", False)
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
