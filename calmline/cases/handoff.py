"""The hand-off summary: what the next person needs so the customer never repeats themselves."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from calmline.analyze import analyze
from calmline.cases.history import message_turn
from calmline.cases.models import Incident, MessageRow
from calmline.coach import detect
from calmline.playbook._facts import extract_facts
from calmline.types import Analysis, Conversation, Role

__all__ = ["handoff_summary", "to_conversation"]

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_PROMISE = re.compile(
    r"\b(?:i|we)(?:'ll| will| am going to|'m going to| are going to)\b|\bwithin \d+|\bby (?:tomorrow|monday|tuesday|"
    r"wednesday|thursday|friday|the end of)",
    re.IGNORECASE,
)
_TRIED = {
    "empathy.specific": "acknowledged the customer's feelings",
    "apology": "apologised",
    "ownership": "owned the problem",
    "paraphrase": "repeated the issue back",
    "question.clarifying": "asked clarifying questions",
    "alternative": "offered an alternative",
    "next_steps": "set out next steps",
    "contact": "gave a reference or contact",
    "hold.permission": "asked before placing on hold",
    "update.waiting": "checked back while the customer waited",
    "escalation.offer": "offered to escalate",
    "boundary.request": "asked for respectful language",
    "boundary.warning": "warned about ending the conversation",
}


def to_conversation(conv_id: str, messages: Sequence[MessageRow]) -> Conversation:
    return Conversation(id=conv_id, turns=tuple(map(message_turn, messages)))


def _issue(analysis: Analysis) -> str:
    customers = [t for t in analysis.turns if t.turn.role is Role.CUSTOMER]
    if not customers:
        return "No customer message yet."
    try:  # the playbook's grounding gives the issue in the customer's own words
        issue = extract_facts(customers[:2]).issue
    except Exception:  # a summary must not fail on an odd message: fall back to the first sentence
        issue = ""
    if not issue:
        first = _SENTENCE.findall(customers[0].turn.text)
        issue = first[0].strip() if first else customers[0].turn.text
    issue = issue.strip()
    if len(issue) > 200:
        issue = issue[:197].rstrip() + "..."
    return issue[0].upper() + issue[1:] if issue else issue


def _tried(agent_texts: list[str], customer_texts: list[str]) -> list[str]:
    done: list[str] = []
    for text in agent_texts:
        for sig in detect(text, customer_texts[-2:]):
            phrase = _TRIED.get(sig.label)
            if phrase and phrase not in done:
                done.append(phrase)
    return done


def handoff_summary(
    conv_id: str, case_number: str, messages: Sequence[MessageRow], incidents: Sequence[Incident]
) -> dict[str, Any]:
    """The issue in one sentence, what was tried, promises made, the customer's state and boundary incidents."""
    analysis = analyze(to_conversation(conv_id, messages))
    agent_texts = [m.text for m in messages if m.role == "agent"]
    customer_texts = [m.text for m in messages if m.role == "customer"]
    promises = [s.strip() for text in agent_texts for s in _SENTENCE.findall(text) if _PROMISE.search(s)]
    state = analysis.state
    last = next((t for t in reversed(analysis.turns) if t.turn.role is Role.CUSTOMER), None)
    return {
        "case": case_number,
        "issue": _issue(analysis),
        "tried": _tried(agent_texts, customer_texts),
        "promises": promises,
        "customer": {
            "emotion": last.emotion if last else None,
            "frustration": round(state.frustration_last, 3),
            "trend": state.frustration_trend,
            "escalation_risk": round(state.escalation_risk, 3),
            "reasons": list(state.risk_reasons),
        },
        "incidents": [{"rung": i.rung, "reason": i.reason, "evidence": i.evidence} for i in incidents],
        "messages": len(messages),
    }
