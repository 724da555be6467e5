# ruff: noqa: E501  (regex tables read best unbroken)
"""The conditions a playbook's moves and escalation rules are written against.

Each condition that holds maps to its reasons: the signal label, score and evidence
text, or the state or timing fact that made it true.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from calmline.playbook._facts import HOW_TO, Facts
from calmline.playbook.config import Playbook
from calmline.playbook.model import LadderState
from calmline.signals.detectors.tone import positive_words, praises_reader, tone_words
from calmline.types import Analysis, Role, Signal, TurnAnalysis

__all__ = ["Context", "evaluate"]

_COMPANY_ERROR = re.compile(
    r"\b(?:charged (?:me )?(?:twice|two times|double)|double[- ]charged|overcharged|wrong (?:item|size|colou?r|address|amount|order|product)|"
    r"never (?:arrived|came|turned up|showed up|got|received)|(?:didn'?t|did not|hasn'?t|has not|still hasn'?t) (?:arrive|arrived|come|turn up|work|been)|"
    r"not (?:arrived|delivered|working)|broken|damaged|missing|faulty|(?:you|they) (?:lost|cancell?ed|forgot|promised|sent|charged|cut off)|"
    r"(?:no one|nobody) (?:called|came|turned up|rang))\b"
)
_REFUSAL = re.compile(
    r"\b(?:can'?t|cannot|unable to|not able to|won'?t be able|isn'?t possible|not possible|we don'?t offer|not eligible)\b"
)
_RESOLVED = re.compile(
    r"\b(?:(?:that|it|this|which)(?:'s| has| is)? (?:works?|worked|fixed (?:it|that)|did (?:it|the trick)|sorted (?:it|that))|"
    r"(?:works|working) (?:now|fine|again|perfectly|great)|(?:it'?s|is) (?:back|working|fixed|sorted)|all (?:sorted|good|set|fixed|done)|"
    r"(?:that'?s|that is) (?:everything|all i needed|what i needed|sorted)|(?:has |have )?(?:arrived|come through)|got (?:the|it|your|my)|"
    r"received (?:it|the)|problem solved|resolved|that was (?:really |so |very )?(?:painless|easy|quick|simple))\b"
)
_NEW_PROBLEM = re.compile(r"\b(?:but|however|except|still|again|keeps|not|never|\w+n't)\b")
# A death in the customer's life (closing a late parent's account, a funeral): condolences, never "I can see why
# you're disappointed" or "we got this wrong". Everyday senses stay out: a phone that died, "passed on my details",
# "my son passed his exams", "I lost my parents' photos", "my child benefit letter", a funeral plan (a product).
_KIN = r"(?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|child|baby|brother|sister|grandmother|grandfather|gran|grandma|grandpa|nan|nana|aunt|uncle|fianc[eé]e?|parents?|relative|friend|spouse)"
#: what may follow a death stated in a few words: the end of the clause, a time, a cause, "and ..."
_WHEN = r"(?=\s*(?:[.,;:!?]|$)|\s+(?:last|this|in|on|recently|yesterday|earlier|suddenly|unexpectedly|a (?:few|couple)|two|three|over|after|to (?:cancer|covid|a heart attack|an illness|illness)|and|so|which)\b)"
_BEREAVEMENT = re.compile(
    rf"\b(?:passed away|bereave(?:d|ment)|condolences|death certificate|deceased|probate|executor of (?:the|her|his|my)|"
    rf"funeral(?! plans?\b| cover\b| insurance\b| policy\b)|(?:my|our|her|his) late {_KIN}\b|the death of (?:my|our|her|his)|"
    rf"(?:lost|losing) (?:my|our) {_KIN}(?!')\b{_WHEN}|"
    rf"(?:my|our) {_KIN} (?:has |had |just |recently |sadly |suddenly )*(?:died|passed){_WHEN})"
)
#: a concrete fault named in a few words ("Received damaged product.", "Pages missing", "Expired product"): a complaint
#: even where no clause can be restated, so the reply acknowledges it rather than asking what went wrong
_PROBLEM = re.compile(
    r"\b(?:damaged?|defective|broken|missing|expired|faulty|torn|leak(?:s|ing|ed|y)|fake|counterfeit|duplicate copy|pirated|rotten|"
    r"spoil(?:ed|t)|mou?ldy|insects?|dent(?:s|ed)?|cracked(?! (?:me|us|him|her|them|up)\b)|smashed|colou?r (?:bleed\w*|fad\w+)|stopped working|(?:not|never) (?:working|received|delivered|arrived)|"
    r"(?:doesn'?t|does not|didn'?t|did not) work|won'?t (?:work|turn on|charge|start)|not (?:the )?original|out of warranty|"
    r"wrong (?:item|size|colou?r|product|model|address|order|amount|book)|(?:didn'?t|did not) (?:get|receive|arrive)|overcharged|"
    r"charged (?:more|twice|double)|(?:poor|bad|cheap|worst|low|pathetic|horrible|terrible) (?:quality|stitching|tailoring|packaging|packing)|quality is (?:very )?(?:poor|bad|low|terrible|awful))\b"
)
#: words that say something is wrong without naming the fault: the message is not free of trouble
_TROUBLE_WORDS = re.compile(r"\b(?:issues?|problems?|complaint|disappoint\w*|unhappy|bad|worst|poor|blank)\b")
_NEGATED = re.compile(r"\b(?:not|no|never|without|nor|none|n't)(?:\s+\w+){0,2}\s+$")


def _named(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` that is not negated ("not broken", "without any damage" name no fault)."""
    for m in pattern.finditer(text):
        if not _NEGATED.search(text[max(0, m.start() - 20) : m.start()].replace("n't", " n't")):
            return m
    return None


#: a question that is exasperation or a plea to reach someone ("how do I even get hold of anyone?") is not simple
_EXASPERATED = re.compile(
    r"\b(?:even|ever|actually|possibly|get hold|reach|contact|speak|talk|anyone|someone|somebody)\b"
)
_THANKS = re.compile(r"\b(?:thanks?|thank you|cheers|ta|much appreciated)\b")


_WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: a contrast or a wish carries the complaint in a message that also praises ("great, but ...", "hope ...")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|except|unless|hope|hoping|wish|should|could|would)\b")
#: happy words that answer or exclaim rather than praise ("yes I do", "finally")
_NOT_PRAISE = frozenset(["yes", "finally", "wow", "works", "worked", "working"])
#: a happy word said before news, not about us: "Great, my flight got moved to 6am." is a complaint, often ironic
_LEAD_EXCLAIM = re.compile(
    r"^\W*(?:oh,? )?(?:great|lovely|perfect|brilliant|awesome|fantastic|wonderful|super|marvell?ous|nice|cool)[,.!]+\s+"
    r"(?:my|our|the|now|so|and|just|it|it's|they|we|i|i'm|i've)\b"
)
#: what goes wrong, beyond tone.yaml's negative words (checked too): thanks beside one of these is sarcasm or a
#: complaint ("thanks for making us miss the connection")
_TROUBLE = frozenset({"miss", "waited", "hold", "problem", "problems", "issue", "issues"})


def _praise(text: str) -> str:
    """Why the (lower-case) message reads as praise or thanks (it praises the reader, or has happy words), with
    no negative word, trouble or contrast in it; empty when it does not."""
    toks = frozenset(_WORDS.findall(text))
    negative = tone_words()["negative"]
    assert isinstance(negative, frozenset)
    if _CONTRAST.search(text) or toks & negative or toks & _TROUBLE or any(t.endswith("n't") for t in toks):
        return ""
    if praises_reader(text):
        return "praises the reader"
    if _LEAD_EXCLAIM.match(text):
        return ""
    happy = positive_words(toks - _NOT_PRAISE, text)
    return f"{happy} happy words, no negative ones" if happy else ""


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine knows when it evaluates the conditions."""

    analysis: Analysis
    playbook: Playbook
    facts: Facts
    ladder: LadderState
    now: datetime | None
    channel: str


def _cite(s: Signal) -> str:
    ev = "; ".join(f'"{e.text}"' for e in s.evidence[:2])
    return f"{s.label} ({s.score:.2f})" + (f": {ev}" if ev else "")


def _seconds(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    try:
        return (b - a).total_seconds()
    except TypeError:  # naive and aware timestamps mixed
        return None


def _timing(ctx: Context, out: dict[str, list[str]]) -> None:
    turns = ctx.analysis.turns
    agents = [t for t in turns if t.turn.role is Role.AGENT]
    if not agents:
        return
    last_agent = agents[-1]
    timing, pb = ctx.playbook.timing, ctx.playbook
    elapsed = _seconds(last_agent.turn.ts, ctx.now)
    if elapsed is None:
        return
    text = last_agent.turn.text.lower()
    limit = timing.still_here_after.get(ctx.channel, timing.still_here_after["chat"])
    check = timing.check_regex.search(text)
    if check and elapsed >= limit:
        out["checking_overdue"] = [
            f'agent said "{check.group(0)}" {int(elapsed)} s ago with no update (limit {int(limit)} s)'
        ]
    silence = pb.timing.silence_after_solution.get(ctx.channel, timing.silence_after_solution["chat"])
    solution = timing.solution_regex.search(text)
    if solution and last_agent.index == turns[-1].index and elapsed >= silence:
        out["silent_after_solution"] = [
            f'no reply {int(elapsed)} s after the agent proposed a fix ("{solution.group(0)}")'
        ]


def evaluate(ctx: Context) -> dict[str, list[str]]:
    """The conditions that hold, each with its reasons."""
    out: dict[str, list[str]] = {ctx.channel: [f"channel {ctx.channel}"]}
    _timing(ctx, out)
    turns = ctx.analysis.turns
    customers = [t for t in turns if t.turn.role is Role.CUSTOMER]
    agents = [t for t in turns if t.turn.role is Role.AGENT]
    if not customers:
        return out
    last: TurnAnalysis = customers[-1]
    if agents and agents[-1].index > last.index:
        return out  # the agent has already answered the last customer turn
    th, state = ctx.playbook.thresholds, ctx.analysis.state
    for s in last.signals:
        out.setdefault(f"label:{s.label}", []).append(_cite(s))
    text = last.turn.text.lower()
    f = last.frustration or 0.0
    if f >= th.upset:
        out["upset"] = [f"frustration {f:.2f} ({last.emotion or 'no emotion'})"]
    if f >= th.angry:
        out["angry"] = [f"frustration {f:.2f} at or above {th.angry:.2f}"]
    if state.frustration_trend == "rising":
        out["rising"] = ["frustration rising over recent turns"]
    earlier_agents = [a for a in agents if a.index < last.index]
    if not earlier_agents:
        out["first_contact"] = ["no agent reply yet"]
    problem = _named(_PROBLEM, text)
    calm_words = not last.signals and f < th.upset and not problem and not _named(_TROUBLE_WORDS, text)
    calm_words = calm_words and not _named(_COMPANY_ERROR, text)
    # an issue stated, not asked nor requested, is a complaint below ("the app keeps crashing"): not free of trouble
    calm_words = calm_words and not (ctx.facts.issue and not ctx.facts.question and not ctx.facts.is_request)
    if calm_words and all(last.learned.get(k, 0.0) < v for k, v in (("complaint", 0.6), ("negative", 0.5))):
        # greetings, preferences, a plain question: nothing has gone wrong, so no question may presume it has
        out["no_problem"] = [f"no problem named and calm (frustration {f:.2f})"]
        plain = not ctx.facts.issue or ctx.facts.issue.startswith("you'd like")
        if ctx.facts.question and plain and not _EXASPERATED.search(text):
            # "what is the address?", "do you have anything for kids?": the agent answers it, nothing to hand on
            out["simple_question"] = ["a calm question the agent can answer now"]
    if ctx.facts.issue and not ctx.facts.question:
        # "I need to move my appointment", said calmly, is a request: restate it and give the next step,
        # but do not commiserate ("it's annoying to still be dealing with ...") about a first, polite ask
        calm_request = ctx.facts.is_request and f < th.upset and not last.signals
        out["request" if calm_request else "complaint"] = [f'issue: "{ctx.facts.issue}"']
    elif problem and not ctx.facts.question:
        # the fault is plain though no clause restates it: acknowledge it, never "what did you expect to happen?"
        out["complaint"] = [f'names a problem: "{problem.group(0)}"']
    elif not earlier_agents and not ctx.facts.orders and ctx.facts.topic == "this" and not ctx.facts.question:
        out["vague"] = ["no specific problem or reference found yet"]
    grief = _BEREAVEMENT.search(text)
    if grief:
        out["bereavement"] = [f'a bereavement: "{grief.group(0)}"']
    m = _named(_COMPANY_ERROR, text)
    if m:
        out["company_error"] = [f'something went wrong on our side: "{m.group(0)}"']
    refund = last.signal("request.refund")
    if refund is not None and ctx.facts.amount_values and max(ctx.facts.amount_values) > th.refund_limit:
        out["refund_over_limit"] = [
            f"{_cite(refund)}; {ctx.facts.amounts[0]} is above the limit of {th.refund_limit:g}"
        ]
    if earlier_agents:
        r = _REFUSAL.search(earlier_agents[-1].turn.text.lower())
        if r:
            out["refused"] = [f'the last agent reply refused ("{r.group(0)}")']
    if ctx.channel == "chat" and ctx.facts.orders and not ctx.ladder.active:
        out["needs_lookup"] = [f"reference {ctx.facts.orders[0]} to look up"]
    calm = last.signal("customer.sarcasm") is None and f < th.upset and not ctx.ladder.active
    # (only a question it can restate: the restatement is then the whole reply, the agent's answer comes next)
    how = HOW_TO.search(text) if ctx.facts.question and ctx.facts.issue and not last.signals and f < th.upset else None
    if how:
        out["how_to"] = [f'asks how to do something ("{how.group(0)}")']
    if ctx.facts.question:
        out["question"] = [
            f'open question: "{ctx.facts.issue}"' if ctx.facts.issue else "the customer asked a question"
        ]
    sarcasm = last.signal("customer.sarcasm")
    if sarcasm is not None:  # "thanks for nothing" is a complaint, not thanks
        out.setdefault("complaint", []).append(f"sarcasm is a complaint: {_cite(sarcasm)}")
        out.setdefault("upset", []).append(f"sarcasm reads as dissatisfaction: {_cite(sarcasm)}")
        out.pop("vague", None)
    confirmed = _RESOLVED.search(text)
    thanks = _THANKS.search(text)
    # A first message may confirm a fix already (advice from elsewhere): thanks plus "it works" closes too.
    fresh = confirmed is not None and _NEW_PROBLEM.search(text, confirmed.end()) is not None
    if confirmed and (earlier_agents or (thanks and not fresh)) and calm and not ctx.facts.question:
        out["resolved"] = [f'the customer confirms it is sorted ("{confirmed.group(0)}") after the agent\'s reply']
    elif thanks and earlier_agents and calm and not ctx.facts.question and not ctx.facts.issue:
        out["thanked"] = ["the customer thanks the agent, without confirming it is sorted"]
    elif (
        not earlier_agents
        and calm
        and not last.signals
        and not ctx.facts.question
        and not ctx.facts.issue
        and (last.frustration or 0.0) < 0.25
        and all(last.learned.get(k, 0.0) < 0.5 for k in ("negative", "complaint"))
        and (why := _praise(text))
    ):
        # praise or thanks with no problem in it ("best crew ever!", "thanks for the quick fix"): thank them back,
        # never "what would a good outcome look like?" or "when did you first notice the problem?"
        out["praised"] = [f"the customer praises or thanks us with no problem to solve ({why})"]
    if ctx.ladder.active:
        out["abuse_now"] = [s.reason for s in ctx.ladder.steps if s.turn_index == last.index]
        if ctx.ladder.rung >= 4:
            out["abuse_after_warning"] = [f"ladder at rung 4 ({ctx.playbook.ladder.preset})"]
    threat = last.signal("threat.personal")
    if threat is not None:
        out["intimidation"] = [_cite(threat)]
    repeats = state.label_counts.get("customer.repeating", 0)
    if repeats >= th.repeated_contact:
        out["repeated_contact"] = [f"the customer has said they are repeating themselves {repeats} times"]
    return out
