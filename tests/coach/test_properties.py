"""The coach's score and improved draft, as properties over many generated conversations and drafts.

Each example draws a customer message (an item, a reference, what went wrong, how upset they are,
whether they threaten a lawyer, ask for a manager or say they are repeating themselves) and a draft
made of sentences that each make one known move. The properties are the rubric's own logic:

- adding a move the moment expects and the draft lacks raises the score;
- adding a dismissive or hostile sentence lowers it;
- owning the problem, naming it, a next step, a timeframe and a reference score at least 80;
- filler ("ok", "Sorry for the inconvenience.") scores below every draft that makes a real move;
- an unfilled placeholder earns nothing and is flagged;
- the improved draft keeps the agent's facts, drops what hurts and never makes a move twice.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playbook._build import build

from calmline.coach import _patterns as P
from calmline.coach import coach
from calmline.types import Analysis

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ITEMS = ("order", "parcel", "refund", "booking", "invoice")
PROBLEMS = (
    ("never arrived", "never arrived"),
    ("was charged twice", "was charged twice"),
    ("arrived damaged", "arrived damaged"),
    ("is still missing", "is still missing"),
)
MOODS = (
    ("", 0.2),
    (" This is ridiculous.", 0.7),
    (" I am so fed up with this.", 0.85),
)
EXTRAS = (
    ("", {}),
    (" If this isn't fixed I'm calling my lawyer.", {"threat.legal": "calling my lawyer"}),
    (" I want to speak to a manager.", {"request.manager": "I want to speak to a manager"}),
    (" Third time I write about this.", {"customer.repeating": "Third time I write"}),
)


@st.composite
def moments(draw: st.DrawFn) -> tuple[Analysis, dict[str, str]]:
    item, ref = draw(st.sampled_from(ITEMS)), draw(st.integers(10000, 99999))
    problem, restated = draw(st.sampled_from(PROBLEMS))
    mood, frustration = draw(st.sampled_from(MOODS))
    extra, labels = draw(st.sampled_from(EXTRAS))
    text = f"My {item} {ref} {problem}.{mood}{extra}"
    facts = {"item": item, "ref": str(ref), "problem": restated}
    return build(("customer", text, labels, frustration), cid=f"p{ref}"), facts


# One sentence per move, written from the customer's facts; each makes exactly the labelled move.
MOVES = {
    "ownership": "I'm sorry, that's our mistake and I'll put it right.",
    "paraphrase": "So, to make sure I have this right, your {item} {ref} {problem}.",
    "empathy.specific": "I'm sorry your {item} {ref} {problem}; that is really frustrating.",
    "next_steps": "I'll send a replacement straight away.",
    "timeframe": "It will be with you by Friday.",
    "contact": "Your reference is CL-004512.",
    "escalation.offer": "I've passed this to our complaints team, who will call you.",
    "question.clarifying": "Could you tell me which address it was sent to?",
    "alternative": "I can't refund it today, but I can send a replacement instead.",
    "boundary.request": "Please keep this conversation respectful.",
}
GOOD = ("ownership", "paraphrase", "empathy.specific", "next_steps", "timeframe", "contact", "question.clarifying")
DISMISSIVE = (
    "Please calm down.",
    "It's just company policy.",
    "As I already said, there is nothing more I can do.",
    "That's not our problem.",
    "You probably entered the wrong address.",
)
HOSTILE = ("WHAT DO YOU EXPECT ME TO DO ABOUT IT", "This is damn annoying for me too.", "Good luck with that.")
FILLER = ("ok", "Okay.", "Sorry for the inconvenience.", "Noted.", "Sorry for any inconvenience.")


def say(move: str, facts: dict[str, str]) -> str:
    return MOVES[move].format(**facts)


def draft_of(moves: list[str], facts: dict[str, str]) -> str:
    return " ".join(say(m, facts) for m in moves)


good_moves = st.lists(st.sampled_from(GOOD), min_size=1, max_size=4, unique=True)


def test_each_move_sentence_makes_its_move():
    facts = {"item": "order", "ref": "48213", "problem": "never arrived"}
    customer = build(("customer", "My order 48213 never arrived.", {}, 0.2))
    for move in MOVES:
        found = set(coach(say(move, facts), customer).label_names())
        assert move in found, (move, found)
        assert not found & {"dismissive", "blame", "tone.mirroring", "empathy.canned"}, (move, found)


@SETTINGS
@given(moments(), good_moves)
def test_adding_a_missing_expected_move_raises_the_score(moment, moves):
    analysis, facts = moment
    draft = draft_of(moves, facts)
    before = coach(draft, analysis)
    for miss in before.missing:
        if miss.move not in MOVES:
            continue
        after = coach(draft + " " + say(miss.move, facts), analysis)
        assert miss.move not in {m.move for m in after.missing}
        assert after.score > before.score or before.score == 100, (draft, miss.move, before.score, after.score)


@SETTINGS
@given(moments(), good_moves, st.sampled_from(DISMISSIVE + HOSTILE), st.booleans())
def test_a_dismissive_or_hostile_sentence_lowers_the_score(moment, moves, bad, at_end):
    analysis, facts = moment
    draft = draft_of(moves, facts)
    worse = f"{draft} {bad}" if at_end else f"{bad} {draft}"
    before, after = coach(draft, analysis).score, coach(worse, analysis).score
    assert after < before or before == 0, (worse, before, after)
    assert after <= before - 25 or after == 0, (worse, before, after)


@SETTINGS
@given(moments(), st.permutations(["ownership", "paraphrase", "next_steps", "timeframe", "contact"]))
def test_owning_naming_next_step_timeframe_and_reference_score_at_least_80(moment, order):
    analysis, facts = moment
    review = coach(draft_of(list(order), facts), analysis)
    assert review.score >= 80, (draft_of(list(order), facts), review.score, review.missing)


@SETTINGS
@given(moments(), st.sampled_from(FILLER), good_moves)
def test_filler_scores_below_any_draft_that_makes_a_move(moment, filler, moves):
    analysis, facts = moment
    low = coach(filler, analysis).score
    assert low <= 35
    assert coach(draft_of(moves, facts), analysis).score > low
    assert coach(filler + " " + draft_of(moves, facts), analysis).score > low


@SETTINGS
@given(
    moments(),
    st.sampled_from(
        [
            ("It will be with you within {timeframe}.", "It will be with you within two days.", "timeframe"),
            ("Your reference is {ticket}.", "Your reference is CL-004512.", "contact"),
        ]
    ),
)
def test_an_unfilled_placeholder_earns_nothing_and_is_flagged(moment, case):
    analysis, facts = moment
    template, filled, label = case
    base = say("ownership", facts) + " " + say("next_steps", facts)
    open_ = coach(f"{base} {template}", analysis)
    done = coach(f"{base} {filled}", analysis)
    assert label not in open_.label_names() and label in done.label_names()
    assert [e.text for e in open_.unfilled] == [re.search(r"\{\w+\}", template).group(0)]  # type: ignore[union-attr]
    assert not done.unfilled
    assert open_.score < done.score


@SETTINGS
@given(moments(), good_moves, st.sampled_from(DISMISSIVE + HOSTILE + FILLER), st.integers(0, 4))
def test_the_improved_draft_keeps_facts_drops_harm_and_never_repeats_a_move(moment, moves, bad, at):
    analysis, facts = moment
    sents = [say(m, facts) for m in moves]
    sents.insert(min(at, len(sents)), bad if bad[-1] in ".!?" else bad + ".")
    draft = " ".join(sents)
    review = coach(draft, analysis, ticket="CL-004512")
    better = review.suggestion
    for s in sents:
        if s.rstrip(".") == bad.rstrip("."):
            # stock sympathy tied to the next sentence's facts is credited as specific empathy, and stays
            tied = bad in FILLER and "empathy.specific" in review.label_names()
            assert tied or s not in better, (draft, better)
        else:
            assert s in better, (s, better)  # the agent's own sentences, facts and voice stay
    again = coach(better, analysis, ticket="CL-004512")
    assert not {"dismissive", "blame", "tone.mirroring", "empathy.canned"} & set(again.label_names()), better
    assert "{ticket}" not in better  # the case reference is known
    assert len(P.ESCALATION.findall(better.lower())) <= 1, better
    assert len(P.CONTACT.findall(better.lower())) <= 1, better
    assert again.score >= review.score, (draft, better)
