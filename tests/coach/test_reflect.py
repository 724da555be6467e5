"""Questions by kind and reflections by meaning (issue #13 item 5), each with near misses.

Written for Calmline: the replies and customer messages are our own, not from any data set.
"""

from __future__ import annotations

import pytest

from calmline.coach._questions import question_kind
from calmline.coach._reflect import closeness, customer_feelings
from calmline.coach.checks import detect
from calmline.signals._text import normalise


def _labels(draft: str, customer: str = "") -> set[str]:
    return {s.label for s in detect(draft, [customer] if customer else [])}


def _signal(draft: str, customer: str, label: str):
    return next(s for s in detect(draft, [customer]) if s.label == label)


@pytest.mark.parametrize(
    "draft",
    [
        "How long has the heating been off",
        "Tell me more about what happened with the engineer.",
        "Do you mind me asking what changed after the update",
        "Which address did the courier have?",
        "Is the charge still showing as pending",
        "Thanks for that. When did you first notice it",
        "Would you like me to rebook it, or would you rather have a refund?",
    ],
)
def test_questions_with_and_without_their_mark(draft):
    assert "question.clarifying" in _labels(draft, "My boiler stopped working and nobody came.")


@pytest.mark.parametrize(
    ("draft", "kind"),
    [
        ("Now you just need to restart it, right?", "tag"),
        ("Have you considered setting up a payment plan?", "suggestion"),
        ("How about a voucher instead?", "suggestion"),
        ("Why not give the new router a day?", "suggestion"),
        ("Maybe try the other charger?", "suggestion"),
        ("Would you like me to book the engineer?", "offer"),
        ("Is there anything else I can help with?", "offer"),
        ("Let me check that for you.", None),
        ("What a week you've had.", None),
    ],
)
def test_question_marks_that_do_not_ask_about_the_problem(draft, kind):
    assert question_kind(normalise(draft)) == kind
    assert "question.clarifying" not in _labels(draft, "The router keeps dropping out.")


def test_a_restatement_checked_back_is_a_paraphrase_and_a_question():
    customer = "I paid £40 for express delivery and the parcel still took a week."
    for draft in (
        "So you paid £40 for express and it still took a week?",
        "So you paid £40 for express and it still took a week - is that right?",
        "So you paid £40 for express and it still took a week, right?",
    ):
        assert {"paraphrase", "question.clarifying"} <= _labels(draft, customer), draft
    # near miss: the same tag after a statement that restates nothing is rhetorical
    assert "question.clarifying" not in _labels("Express is always worth it, right?", customer)


def test_a_restatement_by_meaning_not_by_the_same_words():
    customer = "My boss quit last month and now I'm covering two roles with no extra pay."
    sig = _signal("It sounds like work has piled up on you since your manager left.", customer, "paraphrase")
    assert "sounds like" in sig.explanation and "job (topic)" in sig.explanation
    assert sig.evidence[0].text.lower().startswith("it sounds like")
    # a statement typed as a question that restates in other words
    assert "paraphrase" in _labels("Your employer hasn't paid you for the extra work?", customer)


@pytest.mark.parametrize(
    "draft",
    [
        "Sounds like a great plan to me.",  # praise after a frame affirms, it restates nothing
        "I'll send the form, so you won't need to call again.",  # "so you" mid-sentence is a purpose
        "Is that right?",  # a tag alone restates nothing
    ],
)
def test_frames_that_do_not_restate(draft):
    assert "paraphrase" not in _labels(draft, "My boss quit and I'm covering two roles.")


def test_copying_the_customers_words_is_an_echo_not_a_paraphrase():
    customer = "The engineer was booked for Tuesday morning and never turned up at the house"
    echo = "So the engineer was booked for Tuesday morning and never turned up at the house?"
    assert closeness(normalise(echo), [customer])[1] is True
    assert "paraphrase" not in _labels(echo, customer)
    own_words = "So nobody came to fix it on Tuesday, even though the visit was booked?"
    assert closeness(normalise(own_words), [customer])[1] is False
    assert "paraphrase" in _labels(own_words, customer)


def test_feeling_reflection_names_the_customers_feeling_with_its_reason():
    customer = "I've called five times this week and I'm so tired of chasing you."
    sig = _signal("You sound exhausted after all those calls.", customer, "empathy.specific")
    assert "exhausted" in sig.explanation and "tired" in sig.explanation
    assert sig.evidence[0].text == "You sound exhausted after all those calls."
    assert customer_feelings([customer]) == {"stressed": "tired"}
    scared = "I'm scared they'll cut the power off."
    sig = _signal("I can tell how worried this is making you.", scared, "empathy.specific")
    assert "worried" in sig.explanation


@pytest.mark.parametrize(
    ("draft", "customer"),
    [
        ("Don't feel bad about calling us again.", "Sorry to bother you again, I feel awful."),  # reassurance
        ("I understand you're upset.", "Where is my parcel?"),  # a stock feeling the customer never voiced
        ("I'm glad the new card arrived.", "The new card came today."),  # the agent's own feeling
        ("How are you feeling about the new plan?", "I switched plans yesterday."),  # a question, not a reflection
    ],
)
def test_feeling_words_that_are_not_a_reflection(draft, customer):
    assert "empathy.specific" not in _labels(draft, customer)


def test_every_new_finding_points_into_the_draft():
    customer = "My landlord kept the deposit and I'm really anxious about rent."
    draft = "Oh no. So the deposit never came back? You must be worried about paying rent. How much was it"
    labels = detect(draft, [customer])
    assert {"paraphrase", "empathy.specific", "question.clarifying"} <= {s.label for s in labels}
    for s in labels:
        assert s.explanation
        for e in s.evidence:
            assert draft[e.start : e.end] == e.text


def test_a_you_statement_that_restates_is_a_paraphrase_and_advice_is_not():
    customer = "I love this flat, I just want the landlord to fix the damp in the bedroom."
    sig = _signal("You don't want to move out, you want the damp fixed.", customer, "paraphrase")
    assert "damp" in sig.explanation
    for near_miss in (
        "You should ask the landlord in writing about the damp.",  # advice
        "You are doing great with the landlord.",  # praise
        "You want a refund for the parking fine?",  # shares nothing the customer said
    ):
        assert "paraphrase" not in _labels(near_miss, customer), near_miss


def test_a_negated_feeling_is_reassurance_not_a_reflection():
    customer = "Nobody at work talks to me, I feel so alone."
    assert "empathy.specific" not in _labels("You are never alone in this.", customer)
    assert "empathy.specific" in _labels("You must feel very isolated at work.", customer)


def test_longer_wh_questions_and_tags_that_need_their_comma():
    customer = "The app crashes every time I open my orders."
    assert "question.clarifying" in _labels("Which version of the app do you have", customer)
    assert "question.clarifying" in _labels("So what else have you noticed about the people you know?", customer)
    assert question_kind(normalise("Why not?")) == "clarifying"
    assert question_kind(normalise("It crashed again, you know?")) == "tag"


def test_a_you_statement_with_new_facts_is_information_not_a_restatement():
    customer = "I was charged twice for one order and also for delivery!"
    assert "paraphrase" in _labels("You were charged twice for the same order.", customer)
    # the agent's own information about the customer's account (LABELS.md: findings are not a paraphrase)
    assert "paraphrase" not in _labels("You have been charged £5 for delivery, which is our standard fee.", customer)


@pytest.mark.parametrize(
    ("draft", "label"),
    [
        ("You've been drinking more since the job ended.", "paraphrase"),
        ("Part of you wants to cut down, and part of you isn't sure you can.", "paraphrase"),
        ("You feel like she doesn't get what you're going through.", "paraphrase"),
        ("Your wife has noticed it too.", "paraphrase"),
        ("You're worried about where this is heading.", "empathy.specific"),
        ("Tell me about a typical evening.", "question.clarifying"),
        ("How many drinks would you say you have on a typical night", "question.clarifying"),
    ],
)
def test_counselling_style_reflections_and_questions(draft, label):
    """The forms reflections and open questions take in counselling transcripts (written for Calmline)."""
    customer = "I've been drinking more since I lost my job, five or six beers a night. My wife is on at me about it."
    assert label in _labels(draft, customer)


def test_the_agents_news_about_an_order_is_not_a_restatement():
    customer = "Where is my order? It's been a week."
    assert "paraphrase" not in _labels("Your order was shipped on Monday and should arrive tomorrow.", customer)


def test_transcribed_speech_fillers_before_a_question_or_reflection():
    customer = "I've been drinking more since I lost my job, five or six beers a night."
    assert "question.clarifying" in _labels("Um, how many drinks would you say you have on a typical night", customer)
    assert "question.clarifying" in _labels("Okay, um, what do you think would help", customer)
    assert "paraphrase" in _labels("Mm-hmm, so you've been drinking more since the job went.", customer)
    # near miss: a proposal typed as a question
    assert "question.clarifying" not in _labels("Do you think a walk after dinner would help?", customer)


def test_a_question_in_quotes_or_a_did_you_know_is_not_the_agent_asking():
    customer = "I can't get my kids to calm down at bedtime."
    quoted = 'My sister asks "is this a big feeling or a small one?" and it works.'
    assert "question.clarifying" not in _labels(quoted, customer)
    assert "question.clarifying" not in _labels("Did you know that most kids settle faster with a routine?", customer)
    # near misses: the agent's own question after a quote, and a real "did you know what ..."
    assert "question.clarifying" in _labels('She asks "big or small?" - which do you usually ask?', customer)
    assert "question.clarifying" in _labels("Did you know what time they fell asleep?", customer)


def test_the_meaning_based_detectors_carry_their_new_version():
    found = detect("So the refund never came? You sound worn out.", ["No refund yet, I'm tired."])
    sources = {s.label: s.source for s in found}
    assert sources["paraphrase"] == "coach.paraphrase.v2"
    assert sources["empathy.specific"] == "coach.empathy.specific.v2"
    assert sources["question.clarifying"] == "coach.question.clarifying.v2"


def test_sorry_you_feel_that_way_stays_dismissive_and_restates_nothing():
    labels = _labels("I'm sorry you feel that way.", "Nobody at work listens to me.")
    assert "dismissive" in labels and "paraphrase" not in labels and "empathy.specific" not in labels
    assert "paraphrase" in _labels("You feel like nobody at work listens to you.", "Nobody at work listens to me.")


@pytest.mark.parametrize(
    "draft",
    [
        "So you didn't read the terms?",
        "You're obviously angry, calm down.",
        "You sound really annoyed, but rules are rules.",
    ],
)
def test_blame_or_dismissal_earns_no_reflection_or_question_credit(draft):
    labels = _labels(draft, "I'm so angry, the parcel went to the wrong address and I never read any terms.")
    assert labels & {"blame", "dismissive"}
    assert not labels & {"paraphrase", "empathy.specific", "question.clarifying"}
