"""``coach``: label a draft reply, score it for this moment, and improve it.

The moment comes from the analysis and the playbook (the same conditions, ladder
and escalation ``decide`` uses); the rubric says what each moment expects and
how much each label is worth. The improved version keeps the agent's sentences,
drops the dismissive, blaming or hostile ones, and adds the missing moves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from calmline.coach import _patterns as P
from calmline.coach._improve import FILLER, PLACEHOLDER, SIGN_OFF, improve, known_ticket
from calmline.coach.checks import detect
from calmline.coach.rubric import Rubric, default_rubric
from calmline.errors import InputError
from calmline.playbook.config import Playbook
from calmline.playbook.engine import Plan, prepare
from calmline.signals._text import normalise
from calmline.types import Analysis, Conversation, Role, Signal, Span

__all__ = ["Missing", "Review", "coach"]

_BOUNDARY = ("boundary.request", "boundary.warning", "boundary.end")
_CLOSING = re.compile(
    r"\b(?:anything else|have a (?:great|good|nice|lovely)|goodbye|all (?:set|sorted)|glad (?:i|we) could help)\b"
)
_ABUSE_MOMENT = {1: "abuse_request", 2: "abuse_request", 3: "abuse_warning", 4: "abuse_end"}
_BAD = frozenset({"dismissive", "blame", "tone.mirroring", "empathy.canned"})


@dataclass(frozen=True, slots=True)
class Missing:
    """A move the moment expected and the draft lacks, with a one-line why."""

    move: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"move": self.move, "why": self.why}


@dataclass(frozen=True, slots=True)
class Review:
    """The coach's review of one draft.

    Attributes:
        labels: what the draft does, each with evidence spans.
        score: 0..100 under the rubric for this moment.
        missing: the expected moves the draft lacks.
        suggestion: an improved version keeping the agent's facts and voice.
        moments: the moments recognised (``angry``, ``closing``...).
        unfilled: the placeholders left in the draft (``{timeframe}``): they earn no credit.
    """

    labels: tuple[Signal, ...]
    score: int
    missing: tuple[Missing, ...]
    suggestion: str
    moments: tuple[str, ...] = ()
    unfilled: tuple[Span, ...] = ()

    def label_names(self) -> list[str]:
        """The labels found, in contract order."""
        return [s.label for s in self.labels]

    def to_dict(self, id: str | None = None) -> dict[str, Any]:
        """The JSONL contract: ``{"id", "labels", "score", "missing", "suggestion", "unfilled"}``."""
        out: dict[str, Any] = {} if id is None else {"id": id}
        out["labels"] = [
            {"label": s.label, "score": round(s.score, 3), "evidence": [e.to_dict() for e in s.evidence]}
            for s in self.labels
        ]
        out["score"] = self.score
        out["missing"] = [m.to_dict() for m in self.missing]
        out["suggestion"] = self.suggestion
        out["unfilled"] = [e.to_dict() for e in self.unfilled]
        return out


def _moments(draft_norm: str, plan: Plan, rubric: Rubric) -> list[str]:
    conds, out = plan.conditions, []
    customers = [t for t in plan.analysis.turns if t.turn.role is Role.CUSTOMER]
    pending = (
        (bool(customers) and "first_contact" in conds)
        or any(k.startswith("label:") for k in conds)
        or (bool(customers) and customers[-1].index == plan.analysis.turns[-1].index)
    )
    last = customers[-1] if customers and pending else None
    hostile = last is not None and any(s.label.startswith(("abuse.", "threat.")) for s in last.signals)
    ending = plan.ladder.active and plan.ladder.rung >= 4
    if last is not None and not ending and ((last.frustration or 0.0) >= rubric.angry_frustration or hostile):
        out.append("angry")
    if "label:customer.repeating" in conds:
        out.append("repeating")
    if P.REFUSAL.search(draft_norm):
        out.append("refusal")
    if plan.ladder.active and plan.ladder.rung:
        out.append(_ABUSE_MOMENT[plan.ladder.rung])
    if "resolved" in conds or "silent_after_solution" in conds or _CLOSING.search(draft_norm):
        out.append("closing")
    prior_agent = any(t.turn.role is Role.AGENT for t in plan.analysis.turns)
    if "checking_overdue" in conds or ("label:customer.waiting" in conds and prior_agent):
        out.append("waited")
    if plan.escalation is not None and not (plan.ladder.active and plan.ladder.rung >= 4):
        out.append("escalation")
    if "praised" in conds:
        out.append("praised")
    return out


def _has(label: str, found: set[str], also: tuple[str, ...] = ()) -> bool:
    if label in _BOUNDARY:  # a higher step of the ladder covers a lower one
        return any(b in found for b in _BOUNDARY[_BOUNDARY.index(label) :])
    return label in found or any(a in found for a in also)


def _blank_placeholders(draft: str) -> tuple[str, tuple[Span, ...]]:
    """``draft`` with each placeholder blanked (same length, so spans still point into it), and where they were."""
    spans = tuple(Span(m.start(), m.end(), m.group(0)) for m in PLACEHOLDER.finditer(draft))
    return PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), draft), spans


def _credit(labels: list[Signal], draft: str) -> list[Signal]:
    """The labels with evidence quoting the draft itself (blanked placeholders give none)."""
    out = []
    for s in labels:
        ev = tuple(Span(e.start, e.end, draft[e.start : e.end].strip() or e.text) for e in s.evidence)
        out.append(Signal(s.label, s.score, ev, s.source, s.explanation))
    return out


def coach(
    draft: str,
    conversation: Analysis | Conversation,
    *,
    rubric: Rubric | None = None,
    playbook: Playbook | None = None,
    now: datetime | None = None,
    channel: str = "chat",
    ticket: str | None = None,
) -> Review:
    """Review ``draft`` as the agent's next message in ``conversation``.

    Args:
        draft: the agent's draft reply.
        conversation: the conversation so far, analysed or not (a
            :class:`Conversation` is analysed first).
        rubric: the rubric (default: the shipped one).
        playbook: the playbook that sets ladder, escalation and phrasing (default: shipped).
        now: the current time (default: the last turn's timestamp).
        channel: ``chat`` or ``email``.
        ticket: the case reference when the caller knows it (fills ``{ticket}`` in the suggestion).

    Returns:
        The labels with evidence, the score, the missing moves and an improved draft.

    Raises:
        InputError: the draft is empty or only whitespace.
    """
    if not isinstance(draft, str) or not draft.strip():
        raise InputError("the draft is empty: write the reply to coach", source="<draft>")
    rb = rubric or default_rubric()
    plan = prepare(conversation, playbook=playbook, now=now, channel=channel)
    turns = plan.analysis.turns
    customer = [t.turn.text for t in turns if t.turn.role is Role.CUSTOMER]
    prior = any(t.turn.role is Role.AGENT for t in turns)
    blanked, unfilled = _blank_placeholders(draft)
    labels = _credit(detect(blanked, customer, prior_agent_turn=prior), draft)
    found = {s.label for s in labels}
    moments = _moments(normalise(blanked), plan, rb)
    missing: list[Missing] = []
    penalty = 0.0
    for moment in moments:
        for exp in rb.moments.get(moment, ()):
            if not _has(exp.label, found, exp.also) and exp.label not in {m.move for m in missing}:
                missing.append(Missing(exp.label, exp.why))
                penalty += exp.weight
    credited = sum(rb.labels.get(label, 0.0) for label in found)
    if not any(rb.labels.get(label, 0.0) > 0 for label in found):
        penalty += rb.filler  # nothing the rubric credits: "ok", stock sympathy
    score = round(max(0.0, min(100.0, rb.base + credited - penalty)))
    needs_work = (
        missing
        or found & _BAD
        or unfilled
        or FILLER.match(draft)
        or any(FILLER.match(m.group(0)) or SIGN_OFF.match(m.group(0)) for m in P.SENTENCE.finditer(draft))
    )
    known = {"ticket": t} if (t := known_ticket(plan, draft, ticket)) else {}
    suggestion = improve(draft, labels, [m.move for m in missing], plan, known) if needs_work else draft
    return Review(tuple(labels), score, tuple(missing), suggestion, tuple(moments), unfilled)
