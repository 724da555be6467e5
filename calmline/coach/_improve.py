"""The coach's improved draft: the agent's own sentences, minus what hurts, plus what is missing.

Rules, in order:

- the agent's facts and voice stay: every sentence that is not dismissive, blaming,
  hostile, stock empathy or filler ("ok", "noted") is kept, in its order;
- a sign-off ("Have a nice day.") moves to the very end instead of sitting mid-reply;
- only moves the draft does *not* already make are added (an escalation is never
  added to a draft that already hands the case on, a reference never to one that has one);
- a placeholder is filled whenever the conversation knows the fact (the case reference,
  a timeframe the draft itself states).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from calmline.coach import _patterns as P
from calmline.coach._grounding import facts
from calmline.playbook.engine import Plan
from calmline.playbook.reply import compose_reply
from calmline.types import Role, Signal

__all__ = ["FILLER", "PLACEHOLDER", "SIGN_OFF", "fill_known", "improve"]

#: A placeholder the agent is meant to fill before sending.
PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: A sentence that does nothing: acknowledgement noises on their own.
FILLER = re.compile(
    r"^\s*(?:ok(?:ay)?|k|sure|noted|fine|right|alright|all right|got it|understood|hmm+|ah|oh|yes|yep|no problem|"
    r"sorry(?: for (?:any|the) (?:inconvenience|trouble))?|thanks?(?: you)?|kk)[\s.!?]*+$",
    re.I,
)
#: A closing pleasantry: it belongs at the end of a reply.
SIGN_OFF = re.compile(
    r"^\s*(?:have a (?:great|good|nice|lovely|wonderful) (?:day|evening|weekend|afternoon|one)|take care|"
    r"(?:kind |best )?regards|goodbye|bye|all the best|many thanks)\b[^.!?]*+[.!?\s]*+$",
    re.I,
)
_BAD = frozenset({"dismissive", "blame", "tone.mirroring", "empathy.canned"})
# Which playbook move each label already makes (the improved draft never adds it again).
_MAKES = {
    "empathy.specific": {"acknowledge"},
    "ownership": {"own_it", "acknowledge"},
    "paraphrase": {"paraphrase"},
    "question.clarifying": {"clarify"},
    "alternative": {"alternative"},
    "next_steps": {"next_steps"},
    "contact": {"ticket_contact"},
    "hold.permission": {"hold_permission"},
    "update.waiting": {"still_here"},
    "escalation.offer": {"escalate", "next_steps"},
    "boundary.request": {"boundary"},
    "boundary.warning": {"boundary"},
    "boundary.end": {"boundary"},
}
_TO_MOVE = {
    "empathy.specific": "acknowledge",
    "paraphrase": "paraphrase",
    "question.clarifying": "clarify",
    "ownership": "own_it",
    "alternative": "alternative",
    "next_steps": "next_steps",
    "timeframe": "next_steps",
    "contact": "ticket_contact",
    "hold.permission": "hold_permission",
    "update.waiting": "still_here",
    "escalation.offer": "escalate",
    "boundary.request": "boundary",
    "boundary.warning": "boundary",
    "boundary.end": "boundary",
    "gratitude": "appreciate",
}
_REFERENCE = re.compile(r"\b[A-Z]{2,4}-\d{4,}\b")
_REF_CLAUSE = re.compile(r"(?:,\s++|(?<![\s,])\s++)(?:under|with|quoting) (?:reference|case(?: number)?) \{ticket\}")


def known_ticket(plan: Plan, draft: str, ticket: str | None) -> str | None:
    """The case reference, when the caller or the conversation's agent turns give one."""
    if ticket:
        return ticket
    for text in [draft, *(t.turn.text for t in reversed(plan.analysis.turns) if t.turn.role is Role.AGENT)]:
        if m := _REFERENCE.search(text):
            return m.group(0)
    return None


def fill_known(text: str, known: Mapping[str, str]) -> str:
    """Replace every placeholder whose value is known."""
    return PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def _keep(draft: str, labels: list[Signal]) -> tuple[list[str], list[str]]:
    drop = [e for s in labels if s.label in _BAD for e in s.evidence]
    good = [e for s in labels if s.label not in _BAD for e in s.evidence]
    kept: list[str] = []
    tail: list[str] = []
    for m in P.SENTENCE.finditer(draft):
        a, b = m.start(), m.end()
        text = P.BANG_RUN.sub(".", m.group(0).strip())
        filler = FILLER.match(text) and not any(e.start < b and a < e.end for e in good)
        if not text or filler or any(e.start < b and a < e.end for e in drop):
            continue
        (tail if SIGN_OFF.match(text) else kept).append(text)
    return kept, tail


def improve(draft: str, labels: list[Signal], missing_labels: list[str], plan: Plan, known: Mapping[str, str]) -> str:
    """A better version of ``draft`` for this moment (see the module docstring)."""
    kept, sign_off = _keep(draft, labels)
    found = {s.label for s in labels}
    made = {m for label in found for m in _MAKES.get(label, ())}
    moves = {_TO_MOVE[x] for x in missing_labels if x in _TO_MOVE}
    settled = plan.conditions.keys() & {"resolved", "thanked", "praised"}
    if found & _BAD and not found & {"empathy.specific", "ownership"} and not settled:
        moves.add("acknowledge")  # the stock or hurtful line goes: say something real instead
        # (not once the customer has thanked, praised or confirmed the fix: "how annoying this has been" reopens it)
    if "bereavement" in plan.conditions:  # a death: condolences, never "I can see why you're disappointed"
        moves.discard("acknowledge")
        if "empathy.specific" not in found:  # a stock "sorry for your loss" is replaced by the playbook's own
            moves.add("condolences")
    moves -= made  # never a second escalation, reference or restatement
    seed = f"{plan.analysis.conversation.id}:coach"
    agents = [t.turn.text for t in plan.analysis.turns if t.turn.role is Role.AGENT] + kept
    rung = plan.ladder.rung if plan.ladder.active else 0
    front = [m for m in ("boundary", "condolences", "appreciate", "acknowledge", "own_it", "paraphrase") if m in moves]
    back = [m for m in moves if m not in front]
    values = plan.values
    if facts(values.get("problem", "")) & facts(" ".join(kept)):
        # the draft already states the problem's facts ("March 14th"): the added sentence names it without them
        values = {k: v for k, v in values.items() if k != "problem"}
    head = compose_reply(plan.playbook, front, values, seed=seed, previous_agent_texts=agents, rung=rung)
    if rung >= 4 and "boundary" in moves:
        return fill_known(head, known)
    tail = compose_reply(plan.playbook, back, values, seed=seed, previous_agent_texts=[*agents, head])
    if "contact" in found:  # the draft gives its reference: an added sentence does not give it again
        head, tail = _REF_CLAUSE.sub("", head), _REF_CLAUSE.sub("", tail)
    if "timeframe" in missing_labels and "next_steps" in found and not P.TIMEFRAME.search(tail.lower()):
        tail = (tail + " I expect this to be done within {timeframe}.").strip()
    out = " ".join(p for p in (head, " ".join(kept), tail, " ".join(sign_off)) if p).strip()
    return fill_known(out, known)
