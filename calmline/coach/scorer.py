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
from calmline.coach.checks import detect
from calmline.coach.rubric import Rubric, default_rubric
from calmline.playbook.config import Playbook
from calmline.playbook.engine import Plan, prepare
from calmline.playbook.reply import compose_reply
from calmline.signals._text import normalise
from calmline.types import Analysis, Conversation, Role, Signal

__all__ = ["Missing", "Review", "coach"]

_BOUNDARY = ("boundary.request", "boundary.warning", "boundary.end")
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
}
_BAD = frozenset({"dismissive", "blame", "tone.mirroring"})
_CLOSING = re.compile(
    r"\b(?:anything else|have a (?:great|good|nice|lovely)|goodbye|all (?:set|sorted)|glad (?:i|we) could help)\b"
)
_ABUSE_MOMENT = {1: "abuse_request", 2: "abuse_request", 3: "abuse_warning", 4: "abuse_end"}


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
    """

    labels: tuple[Signal, ...]
    score: int
    missing: tuple[Missing, ...]
    suggestion: str
    moments: tuple[str, ...] = ()

    def label_names(self) -> list[str]:
        """The labels found, in contract order."""
        return [s.label for s in self.labels]

    def to_dict(self, id: str | None = None) -> dict[str, Any]:
        """The JSONL contract: ``{"id", "labels", "score", "missing", "suggestion"}``."""
        out: dict[str, Any] = {} if id is None else {"id": id}
        out["labels"] = [
            {"label": s.label, "score": round(s.score, 3), "evidence": [e.to_dict() for e in s.evidence]}
            for s in self.labels
        ]
        out["score"] = self.score
        out["missing"] = [m.to_dict() for m in self.missing]
        out["suggestion"] = self.suggestion
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
    return out


def _has(label: str, found: set[str]) -> bool:
    if label in _BOUNDARY:  # a higher step of the ladder covers a lower one
        return any(b in found for b in _BOUNDARY[_BOUNDARY.index(label) :])
    return label in found


def _improve(draft: str, labels: list[Signal], missing: list[Missing], plan: Plan) -> str:
    drop = [e for s in labels if s.label in _BAD | {"empathy.canned"} for e in s.evidence]
    kept = []
    for m in P.SENTENCE.finditer(draft):
        a, b = m.start(), m.end()
        if any(e.start < b and a < e.end for e in drop):
            continue
        kept.append(P.BANG_RUN.sub(".", m.group(0).strip()))
    moves = {_TO_MOVE[x.move] for x in missing if x.move in _TO_MOVE}
    if any(s.label == "empathy.canned" for s in labels) or any(s.label in _BAD for s in labels):
        moves.add("acknowledge")
    found = {s.label for s in labels}
    seed = f"{plan.analysis.conversation.id}:coach"
    agents = [t.turn.text for t in plan.analysis.turns if t.turn.role is Role.AGENT] + kept
    rung = plan.ladder.rung if plan.ladder.active else 0
    front = [m for m in ("boundary", "acknowledge", "own_it", "paraphrase") if m in moves]
    back = [m for m in moves if m not in front]
    head = compose_reply(plan.playbook, front, plan.values, seed=seed, previous_agent_texts=agents, rung=rung)
    if rung >= 4 and "boundary" in moves:
        return head
    tail = compose_reply(plan.playbook, back, plan.values, seed=seed, previous_agent_texts=[*agents, head])
    if "timeframe" in {x.move for x in missing} and "next_steps" in found and "{timeframe}" not in tail:
        tail = (tail + " I expect this to be done within {timeframe}.").strip()
    return " ".join(p for p in (head, " ".join(kept), tail) if p).strip()


def coach(
    draft: str,
    conversation: Analysis | Conversation,
    *,
    rubric: Rubric | None = None,
    playbook: Playbook | None = None,
    now: datetime | None = None,
    channel: str = "chat",
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

    Returns:
        The labels with evidence, the score, the missing moves and an improved draft.
    """
    rb = rubric or default_rubric()
    plan = prepare(conversation, playbook=playbook, now=now, channel=channel)
    turns = plan.analysis.turns
    customer = [t.turn.text for t in turns if t.turn.role is Role.CUSTOMER]
    prior = any(t.turn.role is Role.AGENT for t in turns)
    labels = detect(draft, customer, prior_agent_turn=prior)
    found = {s.label for s in labels}
    moments = _moments(normalise(draft), plan, rb)
    missing: list[Missing] = []
    penalty = 0.0
    for moment in moments:
        for exp in rb.moments.get(moment, ()):
            if not _has(exp.label, found) and exp.label not in {m.move for m in missing}:
                missing.append(Missing(exp.label, exp.why))
                penalty += exp.weight
    raw = rb.base + sum(rb.labels.get(label, 0.0) for label in found) - penalty
    score = round(max(0.0, min(100.0, raw)))
    suggestion = _improve(draft, labels, missing, plan) if missing or found & (_BAD | {"empathy.canned"}) else draft
    return Review(tuple(labels), score, tuple(missing), suggestion, tuple(moments))
