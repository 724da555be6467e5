"""One analysed conversation reduced to what the team reports need (small, JSON-ready)."""

from __future__ import annotations

import re
from typing import Any, TypedDict

from calmline.types import Analysis, Role

__all__ = ["FRICTION_KINDS", "JUMP", "Summary", "classify_reply", "summarize"]

JUMP = 0.2  # a rise in frustration this large right after an agent reply counts as friction
PEAK_HIGH = 0.6
SETTLED = 0.3
_EXCERPT = 240

# What an agent reply did, most specific first; each pattern's match is the phrase reported.
FRICTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "transfer",
        re.compile(
            r"\b(?:transfer(?:ring)? you|put you through|pass(?:ing)? you (?:on|over)|another department|"
            r"(?:contact|call|reach out to) (?:our|the|your) [a-z ]{0,30}(?:team|department|bank|provider))\b",
            re.I,
        ),
    ),
    (
        "policy cited",
        re.compile(
            r"\b(?:(?:our|company|the) policy|policy (?:is|says|states|doesn't|does not)|terms and conditions|"
            r"terms of (?:service|use)|not (?:allowed|permitted) to|procedure is|we're required to)\b",
            re.I,
        ),
    ),
    (
        "refusal without alternative",
        re.compile(
            r"\b(?:(?:can't|cannot|can not|unable to|won't be able to|not able to) (?:do|help|offer|give|refund|"
            r"change|cancel|waive|make)[a-z]*|(?:that's|that is|it's|it is) not possible|nothing (?:more |else )?"
            r"(?:i|we) can do)\b",
            re.I,
        ),
    ),
    (
        "hold without update",
        re.compile(
            r"\b(?:please (?:hold|wait|bear with me)|bear with (?:me|us)|one moment|give me a (?:moment|minute|sec)|"
            r"still (?:looking|checking|waiting)|(?:i'm|i am|we're|we are) (?:looking into|checking)(?: it| this)?)\b",
            re.I,
        ),
    ),
)
_ALTERNATIVE = re.compile(
    r"\b(?:instead|alternative(?:ly)?|what i can do|what we can do|option|"
    r"i can (?:offer|arrange|send|book|escalate))\b",
    re.I,
)


class Friction(TypedDict):
    kind: str
    phrase: str
    jump: float


class Summary(TypedDict):
    """What one conversation contributes to the reports; every field is plain JSON."""

    id: str
    day: str | None
    agent: str | None
    team: str | None
    customer: str | None
    turns: int
    customer_turns: int
    peak: float
    last: float
    mean: float
    difficult: bool
    escalated: bool
    boundary: bool
    abuse: int
    repeating: bool
    brought_back: bool
    boundary_held: bool
    resolved_calm: bool
    friction: list[Friction]
    text: str
    excerpt: str
    exchange: list[str]
    nudges: int
    breaks: int
    shift: str | None


def classify_reply(text: str) -> tuple[str, str] | None:
    """``(kind, phrase)`` for an agent reply that refuses, cites policy, transfers or holds; else None."""
    for kind, pattern in FRICTION_KINDS:
        m = pattern.search(text)
        if m is None:
            continue
        if kind == "refusal without alternative" and _ALTERNATIVE.search(text):
            continue
        return kind, m.group(0).lower()
    return None


def _meta(analysis: Analysis, *keys: str) -> str | None:
    for key in keys:
        value = analysis.conversation.metadata.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()[:120]
    return None


def _int_meta(analysis: Analysis, key: str) -> int:
    value = analysis.conversation.metadata.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6 else 0


def summarize(analysis: Analysis) -> Summary:
    """Reduce one analysed conversation to its :class:`Summary`."""
    conv = analysis.conversation
    state = analysis.state
    frs = [t.frustration for t in analysis.turns if t.frustration is not None]
    agent = _meta(analysis, "agent", "agent_id", "assignee")
    if agent is None:
        agent = next((t.author for t in conv.turns if t.role is Role.AGENT and t.author), None)
    customer = _meta(analysis, "customer", "customer_id", "requester")
    if customer is None:
        customer = next((t.author for t in conv.turns if t.role is Role.CUSTOMER and t.author), None)
    first_ts = next((t.ts for t in conv.turns if t.ts is not None), None)
    labels = state.label_counts
    escalated = (
        bool(labels.get("request.manager")) or bool(conv.metadata.get("escalated")) or state.escalation_risk >= 0.7
    )
    boundary = state.abuse_count > 0 or state.threat_count > 0
    repeating = bool(labels.get("customer.repeating"))
    peak = max(frs, default=0.0)
    last = frs[-1] if frs else 0.0
    difficult = peak >= PEAK_HIGH or escalated or boundary or repeating
    friction: list[Friction] = []
    previous = 0.0
    reply: tuple[str, str] | None = None
    for t in analysis.turns:
        if t.turn.role is Role.AGENT:
            reply = classify_reply(t.turn.text)
        elif t.frustration is not None:
            if reply is not None and t.frustration - previous >= JUMP:
                friction.append({"kind": reply[0], "phrase": reply[1], "jump": round(t.frustration - previous, 3)})
            previous, reply = t.frustration, None
    # the boundary was held when abuse came and the conversation went on to calmer customer turns
    abuse_at = [t.index for t in analysis.turns if any(s.label.startswith("abuse.") for s in t.signals)]
    after = [t.frustration for t in analysis.turns if abuse_at and t.index > abuse_at[0] and t.frustration is not None]
    boundary_held = bool(after) and after[-1] <= SETTLED
    customer_text = " ".join(t.text for t in conv.turns if t.role is Role.CUSTOMER)
    return {
        "id": conv.id,
        "day": first_ts.date().isoformat() if first_ts else None,
        "agent": agent,
        "team": _meta(analysis, "team", "group", "queue"),
        "customer": customer,
        "turns": len(conv.turns),
        "customer_turns": len(frs),
        "peak": round(peak, 4),
        "last": round(last, 4),
        "mean": round(sum(frs) / len(frs), 4) if frs else 0.0,
        "difficult": difficult,
        "escalated": escalated,
        "boundary": boundary,
        # abuse aimed at the agent, as the service's wellbeing counts it: a threat to them personally included
        "abuse": state.abuse_count + labels.get("threat.personal", 0),
        "repeating": repeating,
        "brought_back": peak >= PEAK_HIGH and last <= SETTLED,
        "boundary_held": boundary_held,
        "resolved_calm": peak >= PEAK_HIGH and not escalated and last <= SETTLED,
        "friction": friction,
        "text": customer_text[:2000],
        "excerpt": _excerpt(analysis),
        "exchange": _exchange(analysis),
        "nudges": _int_meta(analysis, "nudges"),
        "breaks": _int_meta(analysis, "breaks"),
        "shift": _meta(analysis, "shift")
        or (f"{first_ts.date().isoformat()} {_shift(first_ts.hour)}" if first_ts else None),
    }


def _shift(hour: int) -> str:
    return "early" if hour < 8 else "day" if hour < 16 else "late"


def _excerpt(analysis: Analysis) -> str:
    """The customer turn at the frustration peak, cut to a readable length."""
    best = max(
        (t for t in analysis.turns if t.frustration is not None), key=lambda t: t.frustration or 0.0, default=None
    )
    if best is None:
        return ""
    text = " ".join(best.turn.text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _exchange(analysis: Analysis) -> list[str]:
    """The peak customer turn and the agent reply that followed (the moment that was turned around)."""
    turns = analysis.turns
    peak = max(range(len(turns)), key=lambda i: turns[i].frustration or -1.0, default=None)
    if peak is None or turns[peak].frustration is None:
        return []
    out = [f"customer: {' '.join(turns[peak].turn.text.split())[:_EXCERPT]}"]
    reply = next((t for t in turns[peak + 1 :] if t.turn.role is Role.AGENT), None)
    if reply is not None:
        out.append(f"agent: {' '.join(reply.turn.text.split())[:_EXCERPT]}")
    return out


def as_dict(summary: Summary) -> dict[str, Any]:
    return dict(summary)
