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
from calmline.types import Analysis, Conversation, Role, TurnAnalysis

__all__ = ["handoff_summary", "issue_of", "promises_of", "to_conversation", "tried_of"]

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
# An agent's commitment: what they will do, or what the customer will get.
_PROMISE = re.compile(
    r"\b(?:(?:i|we)(?:'ll| will| shall| am going to|'m going to| are going to|'re going to)|let me|"
    r"you(?:'ll| will) (?:receive|get|hear|have|see)|(?:the|our) \w+(?: team)? will|expect (?:a|an|the|to)|"
    r"(?:i|we) promise)\b|\bwithin \d+|\bby (?:tomorrow|monday|tuesday|wednesday|thursday|friday|the end of)",
    re.IGNORECASE,
)
# Something the agent did or had the customer do: a fix tried, not a courtesy.
_ATTEMPT = re.compile(
    r"\b(?:(?:i|we)(?:'ve| have)? (?:sent|processed|refunded|reset|reissued|issued|credited|rebooked|cancell?ed|"
    r"updated|changed|restarted|re-?sent|replaced|applied|removed|unlocked|resent)|(?:please )?try (?:\w+ing|again|to)|"
    r"could you (?:try|restart|clear|reinstall|update|check)|have you tried)\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"^\s*(?:(?:this is )?(?:the )?(?:\w+) time I(?:'m| am)? (?:write|writing|ask|asking|call|calling|contact)|"
    r"hello|hi|hey|good (?:morning|afternoon|evening)|i already told you|as i said)\b",
    re.IGNORECASE,
)
_THIRD = {
    "your": "their",
    "yours": "theirs",
    "you're": "they're",
    "you've": "they've",
    "you'd": "they'd",
    "you'll": "they'll",
    "yourself": "themselves",
}
_SUBJ = re.compile(r"(?:^|\b(?:and|that|because|so|whether|if|when|but)\s+)$", re.IGNORECASE)
#: "you" after one of these is their object ("sent to you", "told you"), and so is "you" before a determiner
#: ("promised you a refund"), a punctuation mark or the end; elsewhere it is the subject of what follows
#: ("the third time you write", "the day you called")
_BEFORE_OBJECT = re.compile(
    r"\b(?:to|for|with|at|from|about|of|by|on|than|like|without|told|tell|tells|asked|ask|asks|give|gave|send|sent|"
    r"call|called|email|emailed|contact|contacted|thank|thanked|help|helped|let|see|saw|show|showed|make|made|charge|"
    r"charged|owe|owed|refund|refunded|promise|promised|reach|reached|assure|assured|keep|kept|update|updated|"
    r"remind|reminded|confirm|confirmed|get|got|put|leave|left)\s+$",
    re.IGNORECASE,
)
_OBJECT_AFTER = re.compile(
    r"\s*(?:$|[^\w\s']|(?:a|an|the|this|that|these|those|my|your|some|any|back|again)\b)", re.IGNORECASE
)


def _subject_you(text: str, start: int, end: int) -> bool:
    """Whether the "you" at ``text[start:end]`` is the subject of its clause (it reads "they", else "them")."""
    # both look at the word or two before "you" only: search a short window, not the whole text before it
    # (a 20,000-character message full of "you" would otherwise take seconds)
    near = max(0, start - 40)
    if _SUBJ.search(text, near, start):
        return True
    return not (_BEFORE_OBJECT.search(text, near, start) or _OBJECT_AFTER.match(text, end))


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


def _third_person(text: str) -> str:
    """The agent-voice restatement ("your refund ... reached you") told about the customer."""

    def repl(m: re.Match[str]) -> str:
        word, low = m.group(0), m.group(0).lower()
        if low in _THIRD:
            return _THIRD[low]
        if low == "you":
            return "they" if _subject_you(text, m.start(), m.end()) else "them"
        return word

    out = re.sub(r"\b[Yy]ou(?:r(?:s|self)?|'re|'ve|'d|'ll)?\b", repl, text)
    return out.replace("they'd like to know", "they want to know").replace("they'd like us to", "they want us to")


def _candidates(turn: TurnAnalysis) -> tuple[float, str]:
    """How strongly this customer turn states the main request (signals and meaning), and that request."""
    signals = {s.label for s in turn.signals}
    issue = extract_facts([turn]).issue
    score = 0.0
    if issue:
        score += 2.0
        score += 1.0 if issue.startswith(("you'd like", "you want", "you need")) else 0.0
    score += 2.0 * any(label.startswith("request.") for label in signals)
    score += 1.0 * ("?" in turn.turn.text)
    score += 0.5 * bool(re.search(r"\d", turn.turn.text))
    if not issue:
        sentences = [x.strip() for x in _SENTENCE.findall(turn.turn.text) if x.strip() and not _META.match(x)]
        issue = max(sentences, key=len) if sentences else ""
    return score, issue


def issue_of(analysis: Analysis) -> str:
    """The customer's main request, chosen by meaning and signals over all their turns, not the first sentence."""
    customers = [t for t in analysis.turns if t.turn.role is Role.CUSTOMER]
    if not customers:
        return "No customer message yet."
    best, best_score = "", -1.0
    for turn in customers:
        try:
            score, issue = _candidates(turn)
        except Exception:  # a summary must not fail on an odd message
            score, issue = 0.0, ""
        if issue and score > best_score:  # ties go to the earlier turn: the request that opened the case
            best, best_score = issue, score
    if not best:
        first = _SENTENCE.findall(customers[0].turn.text)
        best = first[0].strip() if first else customers[0].turn.text
    issue = _third_person(best.strip())
    if len(issue) > 200:
        issue = issue[:197].rstrip() + "..."
    return issue[0].upper() + issue[1:] if issue else issue


def promises_of(agent_texts: Sequence[str]) -> list[str]:
    """Every sentence in which the agent committed to something ("let me check", "you'll receive")."""
    out: list[str] = []
    for text in agent_texts:
        for s in _SENTENCE.findall(text):
            s = s.strip()
            if s and _PROMISE.search(s) and s not in out:
                out.append(s)
    return out


def tried_of(agent_texts: Sequence[str], customer_texts: Sequence[str]) -> list[str]:
    """What was already attempted: each fix or action in the agent's words, then the moves made."""
    done: list[str] = []
    for text in agent_texts:
        for s in _SENTENCE.findall(text):
            if _ATTEMPT.search(s) and (item := f'tried: "{s.strip()}"') not in done:
                done.append(item)
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
    state = analysis.state
    last = next((t for t in reversed(analysis.turns) if t.turn.role is Role.CUSTOMER), None)
    return {
        "case": case_number,
        "issue": issue_of(analysis),
        "tried": tried_of(agent_texts, customer_texts),
        "promises": promises_of(agent_texts),
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
