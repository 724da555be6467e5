"""Patterns found reading suggestions for real customer messages (tweets, reviews): each with its near miss.

The messages here are paraphrases written for the tests, not copies of any data set.
"""

from __future__ import annotations

import re

from calmline.playbook import decide
from playbook._build import build


def _reply(*items, **kw) -> str:  # type: ignore[no-untyped-def]
    return decide(build(*items, **kw)).suggested_reply


def test_venting_with_nothing_to_name_is_acknowledged_not_just_questioned():
    for text in (
        "You lot are hopeless, a whole afternoon wasted and nobody could do a simple job.",
        "Honestly the worst service I have ever had. Never again.",
    ):
        reply = _reply(("customer", text, {}, 0.8))
        first = reply.split(". ")[0]
        assert "?" not in first and ("sorry" in first.lower() or "hear how" in first.lower()), reply
        assert "first notice the problem with this" not in reply, reply
    # near miss: with something to name, the acknowledgement names it instead of saying "this"
    named = _reply(("customer", "My router keeps dropping every evening and I'm fed up with it.", {}, 0.8))
    assert "your router" in named and "sorry this has been" not in named and "how frustrating this" not in named


def test_a_topic_is_the_customers_thing_not_a_verb_a_verdict_or_ours():
    from calmline.playbook._topic import find_topic

    # a verdict or a verb before the noun is not part of its name
    assert find_topic("Lovely speaker, great headphones jack, but the sound cuts out")[0] != "great headphones"
    assert find_topic("Terrible delivery experience, box crushed")[0] == ""
    assert find_topic("I bought wifi on the plane and it never loaded")[0] == ""
    assert find_topic("Do not buy. Please order a size up, it runs small")[0] == ""
    assert find_topic("Stopped charging 2 months after purchase")[0] == ""
    # "no voucher" and the customer's "your app" (the company's) are not theirs to be restated as "your ..."
    assert find_topic("Six hours late and not even a meal voucher")[0] == ""
    assert find_topic("The music on your website is awful")[0] == ""
    # near misses: their own things keep their names, with the modifiers that name them
    assert find_topic("My physio appointment on Tuesday clashes with work")[0] == "physio appointment"
    assert find_topic("The meal voucher they gave me was refused at the cafe")[0] == "meal voucher"
    assert find_topic("my smart tv keeps freezing")[0] == "smart TV"
    assert find_topic("Order 48213 never came")[0] == "order 48213"


def test_a_review_with_a_verdict_word_gets_no_garbled_topic():
    reply = _reply(("customer", "Great headphones, but the seller sent a used pair with a broken seal.", {}, 0.6))
    assert "great headphones" not in reply.lower() and "your nice" not in reply.lower(), reply


def test_no_still_here_update_before_the_agent_has_said_anything():
    waited = {"customer.waiting": "on hold for two hours"}
    first = decide(build(("customer", "I was on hold for two hours yesterday and still no rebooking.", waited, 0.7)))
    assert "still_here" not in first.move_ids(), first.move_ids()
    assert "still here" not in first.suggested_reply and "still looking into" not in first.suggested_reply
    # near miss: the agent said they would check and went quiet; that update is the reply
    later = decide(
        build(
            ("customer", "My refund for order 55120 has not arrived.", {}, 0.4),
            ("agent", "Let me check that for you."),
            ("customer", "Hello? I've been waiting ages here.", {"customer.waiting": "waiting ages"}, 0.6),
            gaps=[30, 300],
        )
    )
    assert "still_here" in later.move_ids(), later.move_ids()


def test_a_plainly_named_fault_is_acknowledged_not_asked_what_was_expected():
    # a fault named in a few words, with no clause to restate (product reviews read this way)
    for text in (
        "Got a cracked jar. Lid cracked too.",
        "Item arrived damaged.",
        "Two pages missing from the middle.",
        "Expired biscuits. Best before date long gone.",
    ):
        g = decide(build(("customer", text, {}, 0.5)))
        assert "clarify" not in g.move_ids(), (text, g.move_ids())
        assert "acknowledge" in g.move_ids(), (text, g.move_ids())
        assert "expected to happen" not in g.suggested_reply and "first notice the problem" not in g.suggested_reply
    # near miss: the idiom "cracked me up" names no fault, and a bare verdict still gets its root-cause question
    g = decide(build(("customer", "That film cracked me up.", {}, 0.1)))
    assert "acknowledge" not in g.move_ids(), g.move_ids()
    g = decide(build(("customer", "Worst thing I ever ordered.", {}, 0.6)))
    assert "clarify" in g.move_ids(), g.move_ids()


def test_a_message_with_no_problem_is_never_asked_what_went_wrong():
    for text in ("hello, how is your day going", "I mostly like thrillers.", "Okay that plan suits me fine."):
        g = decide(build(("customer", text, {}, 0.05)))
        assert "clarify" in g.move_ids(), g.move_ids()
        reply = g.suggested_reply
        assert reply and not re.search(r"went wrong|problem|good outcome|sorry", reply), (text, reply)
    # near miss: some trouble in the message keeps the root-cause question
    reply = _reply(("customer", "Honestly fed up, nothing about this is right.", {}, 0.6))
    assert re.search(r"went wrong|problem|good outcome", reply), reply


def test_a_calm_question_is_answered_not_handed_to_a_team():
    for text in ("Yes please. What is their street address?", "Have you got anything else in blue?"):
        g = decide(build(("customer", text, {}, 0.1)))
        assert "next_steps" not in g.move_ids(), (text, g.move_ids())
        assert g.suggested_reply and "team who handles" not in g.suggested_reply, g.suggested_reply
    # near miss: a question carrying a complaint still gets a next step from the team
    g = decide(build(("customer", "Where is my parcel? It never arrived and I paid for next day.", {}, 0.5)))
    assert "next_steps" in g.move_ids(), g.move_ids()


def test_a_negated_fault_is_not_owned_as_our_mistake():
    g = decide(build(("customer", "Lovely biscuits, packed well and none of them broken.", {}, 0.1)))
    assert "own_it" not in g.move_ids() and "acknowledge" not in g.move_ids(), g.move_ids()
    # near miss: the fault stated plainly is still ours to own
    g = decide(build(("customer", "Half the biscuits arrived broken.", {}, 0.5)))
    assert "own_it" in g.move_ids(), g.move_ids()


def test_a_memory_or_sim_card_is_not_sent_to_card_services():
    for text in ("My memory card stopped working after a week.", "The SIM card you sent me is dead."):
        reply = _reply(("customer", text, {}, 0.5))
        assert "card services" not in reply, reply
    # near miss: a payment card still goes to the card services team
    assert "card services" in _reply(("customer", "My credit card was charged twice for one order.", {}, 0.5))


def test_a_complaint_restated_from_its_clause_is_not_also_free_of_problems():
    from calmline.playbook.engine import prepare

    # a fault the clause carries ("keeps crashing", "got locked") made the message both a complaint and
    # "no problem", so {open_ask} replaced {trouble_topic} and a playbook keyed on no_problem fired on it
    for text in ("The app keeps crashing when I open it.", "My account got locked this morning."):
        conds = prepare(build(("customer", text, {}, 0.05))).conditions
        assert "complaint" in conds and "no_problem" not in conds, (text, sorted(conds))
    # near miss: a calm preference and a calm request still name no problem
    for text in ("I mostly like thrillers.", "I'd like to change my delivery address."):
        assert "no_problem" in prepare(build(("customer", text, {}, 0.05))).conditions, text
