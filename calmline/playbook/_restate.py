# ruff: noqa: E501  (regex tables read best unbroken)
"""The customer's words in the agent's voice: one clause tidied and restated ("my order never came" ->
"your order never came"; "how do I reset my password?" -> "you'd like to know how you reset your password").

:func:`restate` gives "" where the result would read badly (a clause cut short, a verdict alone).
"""

from __future__ import annotations

import re

__all__ = ["LEAD", "PROFANE", "QUESTION", "WHERE", "restate", "swap_pronouns", "tidy"]

LEAD = re.compile(
    r"^(?:\s*(?:(?:one more|another|a quick|quick) question[:,]?|(?:hi|hello|hey) (?:there|team|all)|good (?:morning|afternoon|evening)|hiya|and|but|so|also|well|hi|hello|hey|ok|okay|look|listen|honestly|seriously|right|yes|no|now)\b[,\s]*)+",
    re.I,
)
PROFANE = re.compile(
    r"(?:(?<!\s)\s*)?\b(?:the\s+f[*\w]*ck\w*\s+|f[*]+c?k\w*|f+u+c+k+\w*|sh[i1]t+\w*|damn(?:ed)?|bloody|hell|crap(?:py)?|wtf|ffs|bullshit|goddamn|freaking|frigging|piss(?:ed)?)\b",
    re.I,
)
QUESTION = re.compile(
    r"^\s*(?:where(?:'s| is| are| do| can| should)|why|when|how|what|who|can|could|will|would|is|are|do|does|did|have|has)\b",
    re.I,
)
WHERE = re.compile(r"^\s*where(?:'s| is| are)\s+(.+?)\??$", re.I)
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
_WORD = re.compile(r"(?<![\w'])[A-Za-z]+(?:'[A-Za-z]+)?")  # a word, not the tail of "10am" or "2nd"


_NAME_NEXT = re.compile(r"\s+[A-Z][a-z]")


def swap_pronouns(text: str) -> str:
    """Turn the customer's first person into the agent's second person and back."""
    prev: list[str] = []

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if word == "US" or (word == "Us" and _NAME_NEXT.match(m.string, m.end())):
            prev.append(low)
            return word  # "US Air", "the US": a name, not "us"
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

# The customer's verdict on the situation ("this is ridiculous") is not part of the issue said back to them.
_VERDICT = re.compile(
    r"(?:^|[,;:\-]\s*|(?<!\s)\s+(?:and|but)\s+)(?:honestly,?\s+)?(?:this|that|it)(?:'s|\s+is|\s+was)\s+(?:so\s+|absolutely\s+|completely\s+|"
    r"just\s+|really\s+|beyond\s+|utterly\s+)*(?:ridiculous|a joke|unacceptable|outrageous|insane|absurd|pathetic|disgraceful|"
    r"a disgrace|shocking|appalling|a nightmare|crazy|madness|a farce|a scandal|a shambles)"
    r"(?:\s*[,;:.!?]+\s*|\s+(?:and|but)\s+|\s*$)",
    re.I,
)


_URL = re.compile(r"\b(?:https?://|www\.)\S*", re.I)


def tidy(clause: str) -> str:
    # the verdict clause out; the clauses on either side stay joined ("broken, [this is ridiculous and] I need")
    clause = _VERDICT.sub(lambda m: ", " if m.start() else " ", clause)
    clause = PROFANE.sub(" ", clause)
    clause = _URL.sub(" ", clause).replace("&amp;", "&")  # a link is not restated; a tweet's escaped "&" is "&"
    clause = re.sub(r"\s{2,}", " ", clause)
    clause = LEAD.sub("", clause).strip(" ,;:-!?.\"'")
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


def restate(clause: str, asked: bool = False) -> tuple[str, bool]:
    """The clause in the agent's voice, and whether it is a question; "" when it reads badly."""
    clause = _PLEASE.sub("", clause)  # "...on my order please" is restated without the customer's courtesy
    if _DANGLING.search(clause):
        return "", False
    m = WHERE.match(clause)
    if m:
        thing = swap_pronouns(m.group(1).strip())
        return f"{thing} still hasn't reached you", False
    if QUESTION.match(clause) and asked:
        return _question(clause), True
    if not _SUBJECT.match(clause) or _NOT_ISSUE.search(clause):
        return "", False
    out = swap_pronouns(clause)
    if out.startswith("you "):
        out = out.replace(" and was ", " and were ")
    return (out[:1].lower() + out[1:] if not out[:2].isupper() else out), False
