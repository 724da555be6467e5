"""The classic false alarms, one by one: each row is (message, must fire, must not fire)."""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

CASES: list[tuple[str, set[str], set[str]]] = [
    # negation
    ("I'm not threatening legal action, I only want the invoice corrected.", set(), {"threat.legal"}),
    ("I don't need your manager, just tell me when the engineer is coming.", set(), {"request.manager"}),
    ("You're not an idiot, the form really is confusing.", set(), {"abuse.insult"}),
    # quotation and reported speech
    ("The last agent called me an idiot and hung up.", set(), {"abuse.insult"}),
    ('Your chatbot literally replied "you are stupid" to me', set(), {"abuse.insult"}),
    # self-deprecation
    ("I'm such an idiot, I typed the wrong email address.", set(), {"abuse.insult"}),
    ("Silly me, I ordered the wrong size.", set(), {"abuse.insult"}),
    # product criticism vs insult
    ("This app is garbage and the update made it worse.", set(), {"abuse.insult"}),
    ("Your bot is thick as a brick.", set(), {"abuse.insult"}),
    ("You're garbage at your job.", {"abuse.insult"}, set()),
    ("Are you all this incompetent or is it just you?", {"abuse.insult"}, set()),
    ("Well done, Einstein, you cancelled the wrong order.", {"abuse.insult"}, set()),
    # masked, leetspeak, spaced-out swearing
    ("This is f*cking ridiculous", {"abuse.profanity"}, set()),
    ("what a load of sh1t", {"abuse.profanity"}, set()),
    ("you stupid b!tch", {"abuse.profanity", "abuse.insult"}, set()),
    ("you are a 1d10t", {"abuse.insult"}, set()),
    ("you are s t u p i d", {"abuse.insult"}, set()),
    ("F*** off with your script", {"abuse.profanity"}, set()),
    # minced oaths and innocent substrings
    ("Heck, this freaking router is a darn nightmare", set(), {"abuse.profanity"}),
    ("I live in Scunthorpe near Cockburn Street, please assess my class change", set(), {"abuse.profanity"}),
    ("hello? anyone there?", set(), {"abuse.profanity", "customer.waiting"}),
    # positive swearing: profanity yes, frustration low
    ("Hell yes, it finally works, thank you!", {"abuse.profanity"}, {"abuse.yelling", "customer.sarcasm"}),
    # capitals
    ("THANK YOU SO MUCH, YOU ARE A STAR!!!", set(), {"abuse.yelling"}),
    ("My PIN and IBAN are on file, order ZK9Q1, ETA?", set(), {"abuse.yelling"}),
    ("WHY IS MY ACCOUNT STILL LOCKED AFTER THREE DAYS", {"abuse.yelling"}, set()),
    # sarcasm vs sincere praise
    ("Marvellous. Truly world-class service, losing my bag twice.", {"customer.sarcasm"}, set()),
    ("Thanks for nothing.", {"customer.sarcasm"}, set()),
    ("Great, that worked, thanks so much!", set(), {"customer.sarcasm"}),
    # requests and threats in context
    ("cancel", set(), {"threat.churn"}),
    ("I want to cancel my order, I bought the wrong one", set(), {"threat.churn"}),
    ("Please close my account, I'm moving to another bank.", {"threat.churn"}, set()),
    ("What's your refund policy before I buy?", set(), {"request.refund"}),
    ("I want my money back for the cancelled flight.", {"request.refund"}, set()),
    ("I'll have your job for this.", {"threat.personal"}, set()),
    ("This queue is murder, honestly.", set(), {"threat.personal"}),
    ("I'm posting this chat on Twitter tonight.", {"threat.public"}, set()),
    ("I read on Reddit that the update fixes it.", set(), {"threat.public"}),
    ("This is the third time I've called about this.", {"customer.repeating"}, set()),
    ("The app crashed for the third time today.", set(), {"customer.repeating"}),
    ("This is my third time contacting you about this. Nobody has fixed it.", {"customer.repeating"}, set()),
    ("Third time calling your helpline today.", {"customer.repeating"}, set()),
    ("It's my third time ordering from you, great as always.", set(), {"customer.repeating"}),
    ("This is my second time using the app and I love it.", set(), {"customer.repeating"}),
    ("I've been on hold for 45 minutes.", {"customer.waiting"}, set()),
    ("No rush, whenever you can.", set(), {"customer.waiting"}),
    # other languages
    ("Eres un idiota, no sabes hacer nada.", {"abuse.insult"}, set()),
    ("C'est de la merde, ce service.", {"abuse.profanity"}, set()),
    # emoji alone never abuse
    ("😡😡😡", set(), {"abuse.insult", "abuse.profanity", "abuse.harassment"}),
]


@pytest.mark.parametrize(("text", "must", "must_not"), CASES, ids=[c[0][:40] for c in CASES])
def test_hard_case(reader: Reader, text: str, must: set[str], must_not: set[str]) -> None:
    got = {s.label for s in reader.read(text).signals}
    assert must <= got, f"missing {must - got}; got {got}"
    assert not (must_not & got), f"false alarm {must_not & got}"


def test_cancel_answering_a_choice_is_not_churn(reader: Reader) -> None:
    r = reader.read("cancel it", previous_agent_text="Do you want to keep the add-on or cancel it?")
    assert "threat.churn" not in {s.label for s in r.signals}


def test_positive_swearing_is_calm(reader: Reader) -> None:
    assert reader.read("Hell yes, it finally works, thank you!").frustration < 0.3


def test_emoji_informs_frustration(reader: Reader) -> None:
    assert reader.read("my parcel is late 😡").frustration > reader.read("my parcel is late").frustration


@pytest.mark.parametrize("text", ["", "   ", "\n", "?", "ok"])
def test_empty_and_tiny_messages(reader: Reader, text: str) -> None:
    r = reader.read(text)
    assert r.signals == ()
    assert 0.0 <= r.frustration < 0.4


def test_huge_message_is_read_up_to_the_limit(reader: Reader) -> None:
    text = "You useless idiot. " + "The parcel did not arrive. " * 20_000
    r = reader.read(text)
    assert "abuse.insult" in {s.label for s in r.signals}
    assert all(e.end <= 20_000 for s in r.signals for e in s.evidence)


def test_binaryish_and_control_characters_do_not_crash(reader: Reader) -> None:
    r = reader.read("\x00\x01\ufffd\u202e idiot \U0001f600" * 10)
    assert 0.0 <= r.frustration <= 1.0
