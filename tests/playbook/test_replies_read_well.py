"""Issue #15: suggested replies a team lead would sign, each example with its near miss."""

from __future__ import annotations

import re

from calmline.playbook import decide
from playbook._build import build

SARCASM = {"customer.sarcasm": "thanks for nothing"}


def _reply(*items, **kw) -> str:  # type: ignore[no-untyped-def]
    return decide(build(*items, **kw)).suggested_reply


def test_a_reference_is_said_once_per_reply():
    reply = _reply(("customer", "My order 88123 never arrived and I want a refund for order 88123.", {}, 0.7))
    assert reply.count("88123") == 1, reply
    # near miss: two different references are both facts, each kept
    two = _reply(("customer", "My order 88123 never arrived and order 77456 was damaged.", {}, 0.7))
    assert "88123" in two and two.count("88123") == 1, two


def test_verbs_only_get_objects_that_fit():
    for text in ("You idiot, my delivery address is wrong.", "My internet keeps dropping, you useless idiots."):
        reply = _reply(("customer", text, {"abuse.insult": "idiot"}, 0.9))
        assert not re.search(r"\braise your (?:delivery address|internet)\b", reply), reply
        assert "sort out this" not in reply and "sort out your" not in reply, reply
        assert "look into your" in reply, reply
    # near miss: a charge is something one raises
    charge = _reply(("customer", "There is a charge on my card I don't recognise and it is wrong.", {}, 0.5))
    assert "sort out this" not in charge


def test_thanks_and_a_fix_close_instead_of_diagnosing():
    happy = decide(build(("customer", "THANK YOU SO MUCH!!! IT WORKS PERFECTLY NOW!!!", {}, 0.0)))
    assert "close" in happy.move_ids() and "clarify" not in happy.move_ids(), happy.move_ids()
    assert "?" not in happy.suggested_reply
    after = decide(
        build(
            ("customer", "My router keeps dropping.", {}, 0.4),
            ("agent", "Please try restarting it."),
            ("customer", "THANK YOU SO MUCH!!! IT WORKS PERFECTLY NOW!!!", {}, 0.0),
        )
    )
    assert "close" in after.move_ids() and "clarify" not in after.move_ids()
    # near miss: thanks, then a new problem in the same message is not a close
    not_yet = decide(build(("customer", "Thanks, it works now, but the app still crashes when I log in", {}, 0.3)))
    assert "close" not in not_yet.move_ids()


def test_sarcastic_thanks_is_a_complaint():
    g = decide(
        build(
            ("customer", "My order 88123 is late.", {}, 0.4),
            ("agent", "It should arrive soon."),
            ("customer", "Wow, thanks for nothing.", SARCASM, 0.15),
        )
    )
    ids = g.move_ids()
    assert "acknowledge" in ids and not {"close", "ticket_contact"} & set(ids[:1]), ids
    assert "clarify" not in ids and "When did you first notice" not in g.suggested_reply
    assert any("sarcasm" in r for m in g.moves for r in m.why)
    assert g.suggested_reply.count("88123") <= 1, g.suggested_reply  # the reference from an earlier turn, once
    # near miss: real thanks after an answer is thanked, not a complaint
    thanks = decide(
        build(
            ("customer", "My order 88123 is late.", {}, 0.4),
            ("agent", "It's out for delivery today."),
            ("customer", "Great, thanks for letting me know.", {}, 0.0),
        )
    )
    assert "acknowledge" not in thanks.move_ids()


def test_a_calm_first_request_is_restated_not_commiserated():
    # "It's annoying to still be dealing with your physio appointment, and I'm sorry it has taken this much of
    # your time" answered a polite first ask (found trying `calmline guide` on the bundled samples)
    for text in (
        "Hi, I need to move my physio appointment on Tuesday 10 March at 9:15.",
        "Hi, I need to change the delivery address on my order 55123 please.",
    ):
        for cid in ("c1", "c2", "c3", "health-booking-01"):  # the phrase rotates with the conversation id
            g = decide(build(("customer", text, {}, 0.2), cid=cid))
            ids = g.move_ids()
            assert "paraphrase" in ids and "next_steps" in ids, ids
            assert "acknowledge" not in ids and "clarify" not in ids, ids
            assert not re.search(r"\bstill\b|annoying|sorry|went wrong", g.suggested_reply), g.suggested_reply
    # near miss: the same request, upset, or with a signal, is acknowledged
    upset = decide(build(("customer", "I need to move my physio appointment on Tuesday 10 March.", {}, 0.5)))
    assert "acknowledge" in upset.move_ids()
    waiting = decide(
        build(("customer", "I need my refund, I have been waiting three weeks.", {"customer.waiting": "waiting"}, 0.3))
    )
    assert "acknowledge" in waiting.move_ids()


def test_a_restated_request_reads_as_a_whole_sentence():
    # "If I've understood you, you want to; have I got that right?": the churn threat's words had been left out
    churn = {"threat.churn": "cancel my subscription"}
    g = decide(build(("customer", "I want to cancel my subscription.", churn, 0.6)))
    assert not re.search(r"\b(?:to|the|my|your)[;:,]", g.suggested_reply), g.suggested_reply
    # the customer's courtesy is not said back to them ("...on your order 55123 please; have I got that right?")
    g = decide(build(("customer", "Hi, I need to change the delivery address on my order 55123 please.", {}, 0.2)))
    assert "please;" not in g.suggested_reply and "55123" in g.suggested_reply, g.suggested_reply
    # near miss: a complete clause is still restated
    g = decide(build(("customer", "My order 88123 never arrived.", {}, 0.5)))
    assert "your order 88123 never arrived" in g.suggested_reply, g.suggested_reply


def test_a_bereavement_gets_condolences_not_a_named_disappointment():
    for text in (
        "My mum passed away last week and I need to close her account.",
        "My husband died in March, how do I transfer the account to my name?",
        "I'm the executor of my late father's estate and need his statements.",
        "We lost our baby last month and you keep sending us nappy offers.",
    ):
        g = decide(build(("customer", text, {}, 0.45)))
        assert g.move_ids()[0] == "condolences", (text, g.move_ids())
        assert "acknowledge" not in g.move_ids() and "own_it" not in g.move_ids(), g.move_ids()
        reply = g.suggested_reply
        assert re.search(r"\b(?:sorry for your loss|condolences)\b", reply), reply
        assert not re.search(r"disappoint|frustrat|annoying|we got this wrong|passed away|died", reply, re.I), reply
        assert any("a bereavement" in why for m in g.moves if m.id == "condolences" for why in m.why)
    # near misses: a phone that "died", "dying to know", a relative's card lost, "passed" in its everyday senses,
    # a relative's things, a funeral plan (a product)
    for text in (
        "My phone died halfway through the call and now I'm locked out.",
        "I'm dying to know when my order ships.",
        "I lost my dad's bank card, can you block it?",
        "You passed on my details to a marketing company without my consent.",
        "My son passed his exams and I want to upgrade his phone as a gift.",
        "My dad passed the phone to me, he can't hear you.",
        "I've lost my parents' wedding photos from your cloud backup.",
        "I lost my child benefit letter, can you resend it?",
        "How do I update the beneficiary on my funeral plan?",
    ):
        g = decide(build(("customer", text, {}, 0.45)))
        assert "condolences" not in g.move_ids(), (text, g.move_ids())


def test_coaching_a_draft_to_a_bereaved_customer_offers_condolences():
    from calmline.coach import coach

    a = build(("customer", "My mum passed away last week and I need to close her account.", {}, 0.45))
    improved = coach("Please calm down, it's just policy.", a).suggestion
    assert re.search(r"\b(?:sorry for your loss|condolences)\b", improved), improved
    assert not re.search(r"disappoint|frustrat|annoying", improved, re.I), improved
    # the agent's own condolences, stock or not, are never lost; nor are their facts
    for draft in ("I'm so sorry for your loss. I have closed the account 5512 today.", "I'm sorry."):
        improved = coach(draft, a).suggestion
        assert re.search(r"\b(?:sorry for your loss|condolences)\b", improved), (draft, improved)
    assert "closed the account 5512" in coach("Sorry for the hassle. I have closed the account 5512.", a).suggestion


def test_coaching_after_the_customer_thanked_does_not_reopen_the_complaint():
    from calmline.coach import coach

    thanked = build(
        ("customer", "My claim HC-30917 has been ignored for weeks and the roof still leaks.", {}, 0.7),
        ("agent", "I've approved the emergency repair today and an adjuster will call you tomorrow.", {}, None),
        ("customer", "Thank you, that's what I needed.", {}, 0.0),
    )
    improved = coach("I understand your frustration. Please calm down, it's just policy.", thanked).suggestion
    assert not re.search(r"annoying|frustrat|disappoint|I can hear how", improved, re.I), improved
    # near miss: while the complaint is open, the bad line is replaced by a real acknowledgement
    still_open = build(("customer", "My claim HC-30917 has been ignored for weeks and the roof still leaks.", {}, 0.7))
    improved = coach("I understand your frustration. Please calm down, it's just policy.", still_open).suggestion
    assert re.search(r"claim HC-30917", improved) and not improved.startswith("Here's what happens now"), improved


def test_the_customers_verdict_is_not_said_back_to_them():
    for text, kept in (
        ("I need my refund for order 5512 now, this is ridiculous.", "refund for order 5512"),
        ("This is ridiculous, my parcel 88123 never arrived.", "parcel 88123 never arrived"),
        ("My parcel never arrived and it's a joke.", "parcel never arrived"),
    ):
        reply = _reply(("customer", text, {}, 0.7))
        assert kept in reply, reply
        assert not re.search(r"ridiculous|a joke", reply), reply
    # near miss: a question about why something is so, restated whole
    assert "why this is so expensive" in _reply(("customer", "I want to know why this is so expensive.", {}, 0.3))
    # the rest of the message stays: the verdict is cut, not what follows it
    kept = _reply(
        ("customer", "My order arrived broken, this is ridiculous and I need a replacement by Friday.", {}, 0.7)
    )
    assert "replacement by Friday" in kept and "ridiculous" not in kept, kept


def test_questions_are_restated_with_their_modal_and_to_the_end():
    for text, restated in (
        ("When should I expect my refund?", "when you should expect your refund"),
        ("What can I do about the double charge?", "what you can do about the double charge"),
        ("Could you tell me what my account balance is?", "what your account balance is"),
    ):
        reply = _reply(("customer", text, {}, 0.2))
        assert restated in reply, reply


def test_a_how_to_question_is_answered_not_handed_to_another_team():
    for text, restated in (
        ("Hello, how do I reset my password?", "how you reset your password"),
        ("Where do I find my invoice?", "where you find your invoice"),
        # what is allowed or offered is the agent's to answer too
        ("Can I use my points on a partner hotel?", "whether you can use your points on a partner hotel"),
        ("Is it possible to change my seat to a window?", "change your seat to a window"),
        ("Hi there, can I bring my cat in the cabin?", "whether you can bring your cat in the cabin"),
    ):
        g = decide(build(("customer", text, {}, 0.1)))
        assert "next_steps" not in g.move_ids(), g.move_ids()
        assert restated in g.suggested_reply, g.suggested_reply
        assert not re.search(r"\bI'll (?:ask|raise)\b|team who handles", g.suggested_reply), g.suggested_reply
    # an exasperated "how do I even get hold of someone" is a complaint, not a how-to question
    g = decide(build(("customer", "How do I even get hold of someone at this company?", {}, 0.3)))
    assert "next_steps" in g.move_ids(), g.move_ids()
    assert "even get hold" not in g.suggested_reply, g.suggested_reply  # not said back as a question
    # near miss: an upset customer asking how to get money back is given the next step
    upset = decide(
        build(("customer", "How do I get a refund when you lost my parcel?", {"request.refund": "refund"}, 0.7))
    )
    assert "next_steps" in upset.move_ids(), upset.move_ids()
    # near misses: asking for a manager or for money back is not a question about what is allowed
    for text, labels in (
        ("Can I speak to a manager?", {"request.manager": "manager"}),
        ("Can I get a refund for the broken kettle?", {"request.refund": "refund"}),
    ):
        g = decide(build(("customer", text, labels, 0.3)))
        assert "next_steps" in g.move_ids() or "escalate" in g.move_ids(), g.move_ids()


def test_praise_is_thanked_back_not_questioned():
    for text in (
        "Your crew on the morning flight were brilliant, thank you!",
        "Best customer service ever :)",
        "Great, thanks so much!",
    ):
        g = decide(build(("customer", text, {}, 0.05)))
        assert g.move_ids()[0] == "appreciate", g.move_ids()
        assert "clarify" not in g.move_ids() and "went wrong" not in g.suggested_reply, g.suggested_reply
    # near misses: thanks beside trouble, praise with a "but", a bare "yes" are not praise
    for text in (
        "Thanks for making me miss my connection.",
        "The crew were great but the food was cold.",
        "Yes I do.",
        # a happy word before news is no praise of us: often ironic ("Great, ..." then the bad news)
        "Great, my flight got moved to 6am.",
        "Lovely, the train is cancelled again.",
    ):
        g = decide(build(("customer", text, {}, 0.1)))
        assert "appreciate" not in g.move_ids(), (text, g.move_ids())


def test_the_country_and_an_airline_called_us_are_not_the_pronoun():
    from calmline.playbook._restate import swap_pronouns

    assert swap_pronouns("my flight is on US Air to the US") == "your flight is on US Air to the US"
    assert swap_pronouns("Us Airways lost my bag") == "Us Airways lost your bag"
    # near misses: the pronoun still turns, a day after it too
    assert swap_pronouns("they told us Monday to give us a refund") == "they told you Monday to give you a refund"


def test_times_links_and_verbs_are_not_mangled_in_the_reply():
    from calmline.playbook._restate import swap_pronouns, tidy
    from calmline.playbook._topic import find_topic

    assert swap_pronouns("my 10am meeting") == "your 10am meeting"  # "am" in a time is not "I am"
    assert swap_pronouns("I am late") == "you are late"  # near miss: the verb still turns
    assert "http" not in tidy("we are waiting at gate 4 http://t.co/abc123") and "&amp;" not in tidy("bags &amp; coats")
    assert find_topic("Will miss connection UA3530 due to delay.")[0] != "will miss connection"
    assert find_topic("My connection UA3530 is delayed.")[0].startswith("connection")  # near miss: a real topic
