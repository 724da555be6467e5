"""What a draft reply does: the agent labels, each with its evidence spans.

``detect`` reads one agent draft against the customer's recent messages (for the
grounding that separates specific empathy and paraphrase from stock phrases) and
returns :class:`~calmline.types.Signal` objects with the labels of ``AGENT_LABELS``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from calmline.coach import _patterns as P
from calmline.coach._grounding import grounding
from calmline.coach._questions import question_kind
from calmline.coach._reflect import feeling_reflection, restatement
from calmline.signals._text import normalise
from calmline.types import Signal, Span

__all__ = ["AGENT_LABELS", "detect"]

#: The agent (coach) labels, a contract like the customer labels.
AGENT_LABELS: tuple[str, ...] = (
    "empathy.specific",
    "empathy.canned",
    "paraphrase",
    "question.clarifying",
    "ownership",
    "blame",
    "dismissive",
    "alternative",
    "next_steps",
    "timeframe",
    "contact",
    "hold.permission",
    "update.waiting",
    "boundary.request",
    "boundary.warning",
    "boundary.end",
    "escalation.offer",
    "gratitude",
    "tone.mirroring",
)
# Detectors whose reading changed with meaning-based questions and reflections (issue #13) say so.
_VERSION = {"question.clarifying": "v2", "paraphrase": "v2", "empathy.specific": "v2"}
_SCORES = {"empathy.canned": 0.7, "question.clarifying": 0.75, "gratitude": 0.9, "timeframe": 0.85, "contact": 0.9}
_WHY = {
    "empathy.specific": "empathy tied to what happened to this customer",
    "empathy.canned": "stock empathy with nothing specific to this customer",
    "paraphrase": "restates the customer's problem in the agent's words",
    "question.clarifying": "asks about the problem or the outcome wanted",
    "ownership": "apologises and takes responsibility, no excuse",
    "blame": "blames the customer or deflects to someone else",
    "dismissive": "minimises, commands or shuts the customer down",
    "alternative": "offers another route after a no",
    "next_steps": "a concrete future action with a clear actor",
    "timeframe": "a future time, date or duration",
    "contact": "a reference number or a specific way to get back in touch",
    "hold.permission": "asks before a hold or stepping away",
    "update.waiting": "a check-in while the customer waits",
    "boundary.request": "asks for respectful communication, no consequence stated",
    "boundary.warning": "says the chat will end or go to a supervisor if it continues",
    "boundary.end": "ends the chat because of abuse and says what happens next",
    "escalation.offer": "offers or makes a transfer and says what happens",
    "gratitude": "thanks the customer",
    "tone.mirroring": "the agent's own caps, !!!, sarcasm or profanity",
}
_ACTION_START = re.compile(r"^\s*(?:i'?ll|i will|i'?ve|i have|we'?ll|we will|let me|i can|we can|i'?m going to)\b")
_YOUR = re.compile(r"\byour (?!frustration|feelings?|concerns?|patience|experience|situation|issue|problem)\w+")
_QUOTED = re.compile(r'"[^"\n]{1,300}"')
_SORRY_FEEL = re.compile(r"sorry (?:that |if )?you feel")


class _Found:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, list[Span]] = {}
        self.why: dict[str, str] = {}

    def add(self, label: str, start: int, end: int, why: str = "") -> None:
        while start < end and self.text[start].isspace():
            start += 1
        self.spans.setdefault(label, []).append(Span(start, end, self.text[start:end]))
        if why and label not in self.why:
            self.why[label] = why


def _grounded(sentence: str, customer: Sequence[str]) -> bool:
    words, facts = grounding(P.FEELING.sub(" ", sentence), customer)
    return words >= 2 or facts >= 1 or (words >= 1 and _YOUR.search(sentence) is not None)


def _sentences(norm: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in P.SENTENCE.finditer(norm) if m.group(0).strip()]


def _empathy(f: _Found, norm: str, sents: list[tuple[int, int]], customer: Sequence[str]) -> None:
    for i, (a, b) in enumerate(sents):
        s = norm[a:b]
        if _SORRY_FEEL.search(s):
            continue
        if _hostile(s):
            pass  # "you're obviously angry, calm down" names a feeling to dismiss it: no credit
        elif (r := feeling_reflection(s, customer)) is not None:
            f.add("empathy.specific", a, b, r.why)
            continue
        stock, feel = P.STOCK.search(s), P.FEELING.search(s)
        if not stock and not feel:
            if P.SORRY_THEN.search(s) and _grounded(s, customer):
                f.add("empathy.specific", a, b)
            continue
        if _grounded(s, customer):
            f.add("empathy.specific", a, b)
        elif stock and i + 1 < len(sents):
            na, nb = sents[i + 1]
            nxt = norm[na:nb]
            if _grounded(nxt, customer) and not _ACTION_START.search(nxt) and not P.FINDINGS.search(nxt):
                f.add("empathy.specific", a, nb)
            else:
                f.add("empathy.canned", a + stock.start(), a + stock.end())
        elif stock:
            f.add("empathy.canned", a + stock.start(), a + stock.end())


def _per_sentence(f: _Found, norm: str, sents: list[tuple[int, int]], customer: Sequence[str], prior: bool) -> None:
    unquoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), norm)  # a question in quotes is someone else's
    for i, (a, b) in enumerate(sents):
        s = norm[a:b]
        restated, hostile = False, _hostile(s)
        if P.PARAPHRASE.search(s) and not P.FINDINGS.search(s) and not hostile:
            target = s if _grounded(s, customer) or i == 0 else norm[sents[i - 1][0] : b]
            if _grounded(target, customer):
                f.add("paraphrase", a if target is s else sents[i - 1][0], b, "restates the customer's own facts")
                restated = True
        skip = restated or hostile or P.FINDINGS.search(s) or _SORRY_FEEL.search(s) or _felt(f, a, b)
        r = None if skip else restatement(s, customer)
        if r is not None:
            f.add("paraphrase", a + r.start, a + r.end, r.why)
            restated = True
        kind = question_kind(unquoted[a:b])
        # a restatement checked back with the customer ("..., right?", "is that right?") asks too (LABELS.md)
        if (kind == "clarifying" or (kind == "tag" and restated)) and not hostile and not P.HOLD.search(s):
            f.add("question.clarifying", a, b)
        if "?" in s and P.HOLD.search(s):
            f.add("hold.permission", a, b)
        if P.APOLOGY.search(s) and not _SORRY_FEEL.search(s):
            window = norm[sents[max(0, i - 1)][0] : sents[min(len(sents) - 1, i + 1)][1]]
            if P.RESPONSIBILITY.search(window) and not P.EXCUSE.search(norm[a : sents[min(len(sents) - 1, i + 1)][1]]):
                f.add("ownership", a, b)
        if prior and (m := P.UPDATE.search(s)):
            f.add("update.waiting", a + m.start(), a + m.end())
        if (m := P.ESCALATION.search(s)) and not P.BOUNDARY_WARNING.search(s) and not P.DISMISSIVE.search(s):
            f.add("escalation.offer", a, b)


def _hostile(sentence: str) -> bool:
    """Blame, dismissal or sarcasm in the sentence: what it restates, asks or names earns no credit."""
    return bool(P.BLAME.search(sentence) or P.DISMISSIVE.search(sentence) or P.SARCASM.search(sentence))


def _felt(f: _Found, a: int, b: int) -> bool:
    """Whether the sentence at ``a:b`` already names the customer's feeling (it then reflects feeling, not content)."""
    return any(e.start >= a and e.end <= b for e in f.spans.get("empathy.specific", ()))


def _matches(f: _Found, norm: str, label: str, pattern: re.Pattern[str]) -> None:
    for m in pattern.finditer(norm):
        f.add(label, m.start(), m.end())


def _tone(f: _Found, text: str, norm: str) -> None:
    for m in P.CAPS_RUN.finditer(text):
        if "{" not in m.group(0):
            f.add("tone.mirroring", m.start(), m.end())
    for pattern in (P.BANG_RUN, P.SARCASM, P.PROFANITY):
        _matches(f, norm if pattern is not P.BANG_RUN else text, "tone.mirroring", pattern)


def _boundaries(f: _Found, norm: str) -> None:
    _matches(f, norm, "boundary.request", P.BOUNDARY_REQUEST)
    _matches(f, norm, "boundary.warning", P.BOUNDARY_WARNING)
    end = [
        m
        for m in P.BOUNDARY_END.finditer(norm)
        if not P.BOUNDARY_WARNING.search(norm[max(0, m.start() - 80) : m.end()])
    ]
    what_next = any(k in f.spans for k in ("next_steps", "escalation.offer", "contact", "timeframe"))
    for m in end:
        f.add("boundary.end" if what_next else "dismissive", m.start(), m.end())
    # The ladder: a reply carries only the highest step it shows.
    for higher, lower in (
        ("boundary.end", "boundary.warning"),
        ("boundary.end", "boundary.request"),
        ("boundary.warning", "boundary.request"),
    ):
        if higher in f.spans:
            f.spans.pop(lower, None)


def detect(draft: str, customer_texts: Sequence[str] = (), *, prior_agent_turn: bool = True) -> list[Signal]:
    """Label what ``draft`` does.

    Args:
        draft: the agent's draft reply.
        customer_texts: the customer's recent messages, most recent last (for grounding).
        prior_agent_turn: whether the agent has already written in this conversation
            (a first response is never a still-here update).

    Returns:
        One :class:`Signal` per label found, in the order of :data:`AGENT_LABELS`.
    """
    norm = normalise(draft)
    f = _Found(draft)
    sents = _sentences(norm)
    _empathy(f, norm, sents, customer_texts)
    _per_sentence(f, norm, sents, customer_texts, prior_agent_turn)
    _matches(f, norm, "blame", P.BLAME)
    _matches(f, norm, "dismissive", P.DISMISSIVE)
    if P.ABRUPT.match(norm):
        f.add("dismissive", 0, len(draft))
    for r in P.REFUSAL.finditer(norm):
        o = P.OFFER.search(norm, r.end())
        if o is not None:
            f.add("alternative", r.start(), o.end())
            break
    _matches(f, norm, "next_steps", P.NEXT)
    _matches(f, norm, "timeframe", P.TIMEFRAME)
    _matches(f, norm, "contact", P.CONTACT)
    _matches(f, norm, "gratitude", P.GRATITUDE)
    _tone(f, draft, norm)
    _boundaries(f, norm)
    if "boundary.warning" in f.spans or "boundary.end" in f.spans:
        f.spans.pop("escalation.offer", None)  # escalation as a consequence belongs to the boundary
    if "empathy.specific" in f.spans:
        f.spans.pop("empathy.canned", None)
    return [
        Signal(
            label,
            _SCORES.get(label, 0.8),
            tuple(f.spans[label]),
            f"coach.{label}.{_VERSION.get(label, 'v1')}",
            f"{_WHY[label]}: {f.why[label]}" if label in f.why else _WHY[label],
        )
        for label in AGENT_LABELS
        if label in f.spans
    ]
