# ruff: noqa: E501  (regex tables read best unbroken)
"""Which sentences of a reply ask the customer something, and what kind of asking it is.

Real replies ask without a question mark ("How long has it been going on", "Tell me more
about what happened", "Do you mind me asking what changed") and use one without asking
("Now you just need to try it, right?", "Why not give it a week?", "How about a voucher?").
:func:`question_kind` sorts a sentence (normalised, lower case) into:

- ``clarifying``: asks about the problem, the situation or the outcome wanted;
- ``suggestion``: a proposal typed as a question ("have you considered", "how about");
- ``offer``: offers an action or checks before a hold ("would you like me to", "anything else I can help with");
- ``tag``: a statement with a question tag ("..., right?", "isn't it?");
- None: not a question.

A restatement checked back with the customer ("So the parcel never came - is that right?",
"..., right?") is both a paraphrase and a clarifying question, as LABELS.md defines them; the
caller decides the restatement with :mod:`calmline.coach._reflect` (a tag after a restatement
asks, a tag after anything else does not).
"""

from __future__ import annotations

import re

__all__ = ["INTERROGATIVE_CLAUSE", "declarative", "opens_as_question", "question_kind"]

# Words a reply may open with before the question itself, transcribed speech's fillers included.
_LEAD = r"^\s*(?:(?:ok(?:ay)?|so|and|but|well|oh|ah|alright|great|good|hi|hello|hey|sure|yes|yeah|no|i see|hmm+|also|then|now|just|first|please|um+|uh+|er+m?|mm+|mhm|mm-hmm|uh-huh|like|anyway)[, ]+)*"
_SUBJECT = r"(?:you|u|ya|your|he|she|they|it|the|this|that|these|those|there|anyone|anybody|anything|someone|somebody|we|i|his|her|their|my|any|all|both|things?|people|everyone)"
_AUX = r"(?:do|does|did|have|has|had|are|is|was|were|could|would|will|can|should|may|might|must|shall|am|ai?n'?t|don'?t|doesn'?t|didn'?t|haven'?t|hasn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|won'?t|wouldn'?t|can'?t|couldn'?t)"
# A question typed without its question mark: auxiliary + subject, or a wh-word that asks.
_BARE = re.compile(
    _LEAD
    + rf"(?:{_AUX}\s+{_SUBJECT}\b|(?:what|which|how)\s+(?:[a-z]+\s+){{1,4}}?(?:do|does|did|are|is|was|were|have|has|can|could|would|will)\s+{_SUBJECT}\b|(?:what|how|why|when|where|which|who|whom|whose)(?:'s|'re|'d|\s+(?:{_AUX}|long|many|much|often|old|far|come|else|kind|type|sort|exactly|about|happened|made|makes|brings|brought|seems|led|caused|helps|helped)\b))"
)
# An open request for information in the imperative: it asks as a question does.
_ASKING = re.compile(
    r"\b(?:tell me (?:more|about|what|how|why|when|where|who|a (?:bit|little))|(?:can|could|would) you (?:please )?(?:tell|explain|describe|share|say more|walk me)|"
    r"(?:please )?(?:share|explain|describe) (?:with me |a bit |more )?(?:what|how|why|more|your)|(?:i'?d|i would) (?:like|love) to (?:know|hear|understand)|"
    r"i(?:'m| am| was) (?:wondering|curious)|care to (?:share|tell|talk|explain|say)|let me ask|(?:do you )?mind (?:me )?asking|may i ask|can i ask|could i ask|if you don'?t mind (?:me )?asking)\b"
)
_SUGGESTION = re.compile(
    _LEAD
    + r"(?:have you (?:ever |also |maybe |perhaps )?(?:considered|thought (?:about|of)|looked into|tried (?:to |talking|speaking|reaching|asking|going|getting|doing|using|writing|taking|making|joining|finding|seeing|setting|looking|contacting|calling)|talked to (?:a|an|your) (?:doctor|therapist|counsel+or|professional))|"
    r"how about|what about (?:\w+ing|trying|maybe)|why (?:don'?t you|not\b(?!\s*\?))|would it (?:help|be (?:possible|an option|worth))|(?:maybe|perhaps) (?:you|try|it|consider)|"
    r"(?:could|can) you (?:try|maybe|perhaps|consider)|what if you|is it possible (?:for you )?to|do you think (?:it|that) (?:would|might|could) help|"
    r"would you (?:consider|be (?:open|willing) to|like to try)|are you (?:open|willing) to|wouldn'?t it be|might it)\b"
)
# Suggestion language anywhere in the asking sentence: the question carries a proposal.
_PROPOSES = re.compile(
    r"\b(?:(?:is|would) (?:that|this|it) (?:be )?something (?:you|that you)|(?:do|would|could) you have (?:anyone|someone|somebody|a friend|friends|family) (?:you|who|that)|"
    r"can i (?:suggest|recommend|give you)|might be a good idea|(?:maybe|perhaps)\b|(?:could|can) you (?:make|write|join|talk|speak|reach|ask|look|find|go|take|get|set)|"
    r"have you (?:talked|spoken|reached out) to (?:a|an|your (?:doctor|therapist|friends?|family|parents?|partner|boss|manager|teacher|professor)))\b"
)
# "Do you think X would help?" proposes X; "What do you think would help?" asks the customer.
_HELPS = re.compile(r"\b(?:could|might|would|will) help\b")
_WH_OPEN = re.compile(_LEAD + r"(?:what|how|which|who|when|where|why)\b")
_OFFER = re.compile(
    r"\b(?:anything else (?:i|we) can|(?:is there|was there) anything (?:else )?(?:i|we) can|can i help (?:you )?with anything else|would you like (?:me|us) to|shall i|shall we|"
    r"do you want me to|should i|can i (?:put|place)|would it be (?:ok|okay|alright|all right)|is it (?:ok|okay|alright|all right) if|do you mind (?:if|me (?!asking))|"
    r"would you mind (?:if|me)|are you still there|are you there|can you hear me|still with me|mind if i|what do you expect|how many times|who do you think|"
    r"do you (?:really )?think i|respectful|civil)\b"
)
# "Would you like me to X, or would you rather Y?": a choice asks which outcome the customer wants.
_EITHER = re.compile(
    r",? or (?:would|do|shall|should|can|could) (?:you|i|we)\b|\bor (?:would you )?(?:rather|prefer)\b"
)
# A tag after a statement ("Express is worth it, right?", "..., isn't it?") seeks agreement; it does not ask.
_TAG = re.compile(
    r"(?:(?:,|\s-)\s*(?:right|ok(?:ay)?|yes|no|yeah|eh|huh|you know)|(?:,\s*|\s)(?:isn'?t (?:it|that|she|he)|aren'?t (?:you|they|we)|"
    r"don'?t (?:you|they|we)(?: think)?|doesn'?t (?:it|he|she)|won'?t (?:you|it)|wasn'?t it|didn'?t (?:you|it|they)))\s*\?+\s*$"
)
_RHETORICAL = re.compile(
    r"^\s*(?:who (?:doesn'?t|wouldn'?t|isn'?t|knows)|isn'?t (?:it|that) (?:great|nice|good|wonderful|amazing|funny|crazy|hard|awful)|wouldn'?t (?:it|that) be|did you know (?:that )?(?!what|how|why|when|where|who|which|if|whether))\b"
)
#: An interrogative clause starting after a dash, semicolon or comma inside a longer sentence.
INTERROGATIVE_CLAUSE = re.compile(
    rf"(?:[-\u2013\u2014;:,]|\band\b|\bbut\b)\s*(?:(?:what|how|why|when|where|which|who)\b(?!\s+(?:a|an)\b)|{_AUX}\s+{_SUBJECT}\b(?!\s+(?:right|correct)\b))"
)
_CHECK_TAG = re.compile(
    r"(?:is (?:that|this|it) (?:right|correct|it|so|accurate|true|what)\b[^?]{0,80}|(?:does|would) (?:that|this|it) (?:sound|seem|feel) (?:about )?(?:right|true|accurate|correct|fair)|does (?:that|this) (?:summari[sz]e|sum (?:it )?up|capture)[^?]{0,80}|am i right|(?:have|did) i (?:got|get|understand) (?:that|this|it|you) (?:right|correctly)|correct|right)\s*\?+\s*$"
)
_SELF = re.compile(r"(?:\b(?:let me|i'?ll)\b)")


def question_kind(sentence: str) -> str | None:
    """The kind of question ``sentence`` (normalised) is, or None when it asks nothing.

    Without its mark, a sentence asks when it opens like a question and does not end in "." or
    "!" or carry the agent's own action ("Do let me check", "Have you ... I'll chase it").
    """
    s = sentence.strip()
    if not s:
        return None
    marked = "?" in s
    if not marked:
        bare = _BARE.match(s) is not None and s[-1:] not in ".!" and not _SELF.search(s)
        if not (bare or _ASKING.search(s)):
            return None
    if _OFFER.search(s) and not _EITHER.search(s):
        return "offer"
    if _SUGGESTION.match(s) or _PROPOSES.search(s) or (_HELPS.search(s) and not _WH_OPEN.match(s)):
        return "suggestion"
    if marked and (_TAG.search(s) or _RHETORICAL.match(s)):
        return "tag"
    return "clarifying"


def declarative(sentence: str) -> bool:
    """A statement typed as a question: it ends in "?" but does not open like a question ("He was let go?")."""
    s = sentence.strip()
    return (
        s.endswith("?")
        and _SUBJECT_FIRST.match(s) is not None
        and _BARE.match(s) is None
        and _OPENER.match(s) is None
        and INTERROGATIVE_CLAUSE.search(_CHECK_TAG.sub("", s)) is None
    )


_SUBJECT_FIRST = re.compile(
    _LEAD
    + r"(?:you|your|he|she|they|it|its|it'?s|that|this|these|those|the|his|her|their|we|our|there|everyone|nobody|no one|i|my|[a-z]+'s)\b"
)

_OPENER = re.compile(
    _LEAD
    + rf"(?:{_AUX}|what|how|why|when|where|which|who|whom|whose|or|any|anything|anyone|else|really|seriously|tell|hello|hi|hey|care to)\b"
)


def opens_as_question(sentence: str) -> bool:
    """Whether ``sentence`` opens like a question (an auxiliary or wh-word first, or an open request)."""
    return _BARE.match(sentence) is not None or _OPENER.match(sentence) is not None
