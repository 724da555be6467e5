"""The debrief of a practice session: curve, each reply explained, missed moves, a score and one tip.

The score (0-100) has three parts, each reported with its points so it explains itself:

- ``replies``: 40% of the coach's average score over the agent's replies;
- ``calm``: up to 30 points for how calm the customer is at the end (30 x (1 - frustration));
- ``outcome``: 30 for resolved or a safely ended abusive chat, 10 for unresolved, unfinished
  or ended before the ladder was climbed, 0 when the customer walked out.
"""

from __future__ import annotations

from typing import Any

from calmline.practice.engine import PracticeSession

__all__ = ["OUTCOME_POINTS", "debrief"]

OUTCOME_POINTS = {
    "resolved": 30,
    "ended_safely": 30,
    "unresolved": 10,
    "unfinished": 10,
    "ended_early": 10,
    "walked_out": 0,
}
_OUTCOME_WHY = {
    "resolved": "the customer accepted the outcome",
    "ended_safely": "you climbed the boundary ladder and ended the abusive chat safely",
    "unresolved": "the practice ran out of turns before the customer was satisfied",
    "unfinished": "the session stopped before the customer was satisfied",
    "ended_early": "you ended the chat before asking for respect and warning first",
    "walked_out": "the customer gave up and left",
}
#: One concrete thing to try, keyed by what cost the most (an effect) or what was never done (a need or coach move).
_TIPS = {
    "mirroring": "Keep your tone level when theirs is not: answer the problem, never the heat.",
    "dismissive": "Drop phrases like 'calm down' or 'it's just policy'; say what you can do instead.",
    "blame": "Leave out who is at fault; say what went wrong and what you will do about it.",
    "canned": "Swap 'I understand your frustration' for their situation in your own words, "
    "e.g. 'three contacts about one refund is exhausting'.",
    "repeat": "Read back what they already told you (the order number, the date) instead of asking for it again.",
    "bad_news": "Before the no, acknowledge the situation; then give the no with the best option you can offer.",
    "no_boundary": "When abuse is aimed at you, ask once for respectful language, calmly, before anything else.",
    "ended_early": "Climb the ladder: ask for respect, then warn that the chat will end, then end it.",
    "stalled": "Make every reply move something: acknowledge, own, or give the next step.",
    "empathy": "Open with what happened to them and how it feels, in one specific sentence.",
    "empathy.specific": "Open with what happened to them and how it feels, in one specific sentence.",
    "paraphrase": "Restate the problem in your own words before solving it: 'so the refund never came'.",
    "ownership": "Say 'I'm sorry we got this wrong, I'll sort it' without an excuse attached.",
    "alternative": "Pair every no with a yes: 'I can't refund it, but I can repair or exchange it today'.",
    "next_step": "End with who does what by when: 'I'll re-issue it now; expect it within 5 working days'.",
    "next_steps": "End with who does what by when: 'I'll re-issue it now; expect it within 5 working days'.",
    "timeframe": "Give a time they can hold you to: 'by Friday', 'within 2 working days'.",
    "reference": "Give a reference they can quote next time: 'your case number is CL-000123'.",
    "contact": "Give a reference they can quote next time: 'your case number is CL-000123'.",
    "callback": "When nobody senior is free, book a callback with a time window and say who will ring.",
    "escalation": "Say who it goes to and how they will hear back.",
    "escalation.offer": "Say who it goes to and how they will hear back.",
    "boundary": "Name the behaviour and the limit: 'please keep this respectful so I can help you'.",
    "boundary.request": "Name the behaviour and the limit: 'please keep this respectful so I can help you'.",
    "boundary.warning": "If abuse continues, say the chat will end if it goes on, once and calmly.",
    "boundary.end": "After a warning is ignored, end the chat politely and say what happens next.",
    "update.waiting": "Check in while they wait: 'still on it, two more minutes'.",
}
_NEED_WHY = {
    "empathy": "they needed to hear their situation named",
    "paraphrase": "they needed to know they had been understood",
    "ownership": "they needed someone to own the mistake",
    "alternative": "the answer was no: they needed another route",
    "next_step": "they needed a next step with a time",
    "reference": "they needed a reference to hold on to",
    "callback": "no one senior was free: they needed a booked callback with a time",
    "escalation": "they needed to know who it goes to",
    "boundary": "abuse aimed at you needed a calm limit",
}


def _missed(session: PracticeSession) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for need in session.persona.needs:
        if need not in session.met:
            out[need] = {"move": need, "why": _NEED_WHY[need], "replies": [], "source": "persona"}
    for i, ex in enumerate(session.exchanges, 1):
        for m in ex.review.missing:
            item = out.setdefault(m.move, {"move": m.move, "why": m.why, "replies": [], "source": "coach"})
            item["replies"].append(i)
    return list(out.values())


def _canned_phrase(session: PracticeSession) -> str:
    """The first stock empathy phrase the agent wrote ("I hear you"), as they wrote it; empty if none."""
    for ex in session.exchanges:
        for label in ex.review.labels:
            if label.label == "empathy.canned" and label.evidence:
                return label.evidence[0].text
    return ""


def _tip(session: PracticeSession, missed: list[dict[str, Any]]) -> str:
    cost: dict[str, float] = {}
    for ex in session.exchanges:
        for e in ex.effects:
            if e.delta > 0:
                cost[e.effect] = cost.get(e.effect, 0.0) + e.delta
    if cost:
        worst = max(cost, key=lambda k: cost[k])
        if worst == "canned" and (said := _canned_phrase(session)):
            return _TIPS[worst].replace("'I understand your frustration'", f"'{said}'")  # quote what they wrote
        if worst in _TIPS:
            return _TIPS[worst]
    ranked = sorted(missed, key=lambda m: (m["source"] != "persona", -len(m["replies"])))
    for m in ranked:
        if m["move"] in _TIPS:
            return str(_TIPS[m["move"]])
    if len(session.exchanges) > 3:
        return "You got there: now try to do it in fewer replies by putting the next step in the first one."
    return "Try the same customer with another seed: the lines change, the moves that work do not."


def debrief(session: PracticeSession) -> dict[str, Any]:
    """The debrief as a JSON-ready dict (``score``, ``frustration`` per customer turn, ``missed``...)."""
    outcome = session.outcome or "unfinished"
    replies = session.exchanges
    avg = sum(x.review.score for x in replies) / len(replies) if replies else 0.0
    end = session.frustration
    parts: dict[str, float] = {
        "replies": round(0.4 * avg, 1),
        "calm": round(30 * (1 - end), 1),
        "outcome": OUTCOME_POINTS[outcome],
    }
    score = round(max(0.0, min(100.0, sum(parts.values())))) if replies else 0
    missed = _missed(session)
    return {
        "persona": session.persona.id,
        "seed": session.seed,
        "outcome": outcome,
        "outcome_why": _OUTCOME_WHY[outcome],
        "score": score,
        "score_parts": parts,
        "score_why": (
            f"{parts['replies']} from your replies (coach average {round(avg)}), {parts['calm']} from how calm they "
            f"ended ({round(end, 2)}), {parts['outcome']} for the outcome ({outcome})"
        ),
        "frustration": session.curve(),
        "start": round(session.start, 3),
        "end": round(end, 3),
        "opening": session.opening,
        "turns": [x.to_dict() for x in replies],
        "missed": missed,
        "needs_met": sorted(session.met),
        "tip": _tip(session, missed),
    }
