"""Constructions generalised after the blind dev4 set, each tested on phrasings of our own.

dev4 (tests/data/dev4a_cases.yaml, dev4b_cases.yaml) showed how real support
messages say things the rules had missed: "get me a human", "porting out", a refund
that never says "refund", a claim "sat on" for months. These cases are written fresh
(none is a dev4 sentence): each rule must fire on new wording and stay quiet on the
near misses next to it.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

# (text, labels that must fire, labels that must not)
CASES: list[tuple[str, set[str], set[str]]] = [
    # --- request.manager: a person instead of the bot, whoever is above, someone more able
    ("This bot is going round in circles, can I talk to a real person", {"request.manager"}, set()),
    ("get me a human please", {"request.manager"}, set()),
    ("How long does it usually take to get a reply from a human?", set(), {"request.manager"}),
    ("who's over you? I'd like a word with them", {"request.manager"}, set()),
    ("Who is your line manager?", {"request.manager"}, set()),
    ("Could I speak with someone more experienced in mortgages?", {"request.manager"}, set()),
    ("I don't need anyone more senior, you've been great.", set(), {"request.manager"}),
    ("Find me someone who actually knows how roaming works.", {"request.manager"}, set()),
    ("I want to talk to whoever manages the Leeds depot.", {"request.manager"}, set()),
    ("Whoever runs your complaints team needs to hear this, put me through.", {"request.manager"}, set()),
    ("Je voudrais parler à votre responsable, s'il vous plaît.", {"request.manager"}, set()),
    ("J'ai parlé à votre responsable la semaine dernière, il était très aimable.", set(), {"request.manager"}),
    # --- request.refund: money back without the word "refund"; refunds already received
    ("You took the fee after I cancelled. Put the money back on my card, please.", {"request.refund"}, set()),
    ("i want every last cent of that returned", {"request.refund"}, set()),
    ("I'd like the $95 I spent on a taxi reimbursed, since your driver never came.", {"request.refund"}, set()),
    ("Is the $95 taxi covered under the policy or not?", set(), {"request.refund"}),
    ("Six weeks on and I have not seen a penny of it.", {"request.refund"}, set()),
    ("How do I claim compensation for the delayed train this morning?", {"request.refund"}, set()),
    ("Please release my deposit, the flat was left spotless.", {"request.refund"}, set()),
    ("Credit the difference back, you charged the peak fare on an off-peak ticket.", {"request.refund"}, set()),
    ("The refund for the broken heater came through yesterday, cheers.", set(), {"request.refund"}),
    ("The refund for the broken heater still hasn't come through.", {"request.refund"}, set()),
    ("Recibí el reembolso ayer, muchas gracias.", set(), {"request.refund"}),
    ("I'd much rather have a repair than the money, it's a family heirloom.", set(), {"request.refund"}),
    ("J'attends toujours mon dédommagement pour le vol annulé.", {"request.refund"}, set()),
    # --- threat.churn: porting, never again, other providers, a PAC code
    ("I'm porting out at the end of the month.", {"threat.churn"}, set()),
    ("What does porting a number actually involve? Just curious.", set(), {"threat.churn"}),
    ("Never ordering from you lot again after this.", {"threat.churn"}, set()),
    ("I'll never forget how helpful you were, thanks again.", set(), {"threat.churn"}),
    ("When the contract ends I'm going to change providers.", {"threat.churn"}, set()),
    ("We'll be looking at other vendors if the outages continue.", {"threat.churn"}, set()),
    ("Can we look at other options for the repair?", set(), {"threat.churn"}),
    ("Please send my PAC code today.", {"threat.churn"}, set()),
    ("That's it, I'm leaving.", {"threat.churn"}, set()),
    ("I'm leaving for the airport in an hour, can we be quick?", set(), {"threat.churn"}),
    ("I uninstalled the app and reinstalled it, still crashing.", set(), {"threat.churn"}),
    ("Don't bother with any offers, just close the account.", {"threat.churn"}, set()),
    ("Si no lo arreglan hoy me cambio de operador.", {"threat.churn"}, set()),
    # --- threat.public
    ("I'll be letting my 12k followers know about this.", {"threat.public"}, set()),
    ("The thread is drafted and ready for Reddit.", {"threat.public"}, set()),
    ("I read on Reddit that the update fixes it, is that true?", set(), {"threat.public"}),
    ("I've shared the whole story in a local Facebook group.", {"threat.public"}, set()),
    ("I'm complaining to the Better Business Bureau about this.", {"threat.public"}, set()),
    # --- threat.legal
    ("I'm reporting the way this claim was handled to the ombudsman.", {"threat.legal"}, set()),
    ("I've already spoken to an employment lawyer about the deductions.", {"threat.legal"}, set()),
    ("My sister is a lawyer, funnily enough, but that's beside the point.", set(), {"threat.legal"}),
    ("Fix it or I'm charging the whole lot back through my bank.", {"threat.legal"}, set()),
    ("Filed a money claim online this morning.", {"threat.legal"}, set()),
    ("Ik stap heus niet naar de geschillencommissie, los het gewoon op.", set(), {"threat.legal"}),
    # --- threat.personal
    ("You'd better watch yourself, I mean it.", {"threat.personal"}, set()),
    ("Your manager is going to be hearing about you, trust me.", {"threat.personal"}, set()),
    ("Your manager will be hearing about this excellent service!", set(), {"threat.personal"}),
    ("Keep this up and you'll be out the door by Monday.", {"threat.personal"}, set()),
    # --- customer.waiting
    ("I've written three letters and none of them has had a reply.", {"customer.waiting"}, set()),
    ("Not even an acknowledgement after a fortnight.", {"customer.waiting"}, set()),
    ("You've sat on my complaint for six weeks.", {"customer.waiting"}, set()),
    ("Ten days for a first response is not acceptable.", {"customer.waiting"}, set()),
    ("20 minutes listening to the same jingle on repeat.", {"customer.waiting"}, set()),
    ("Courier was due before noon. It's 4pm, no driver, no text.", {"customer.waiting"}, set()),
    ("Your helpline just rings out.", {"customer.waiting"}, set()),
    ("The app says sat nav installed, works fine now.", set(), {"customer.waiting"}),
    # --- customer.repeating
    ("I'm attaching the invoice again, third time now.", {"customer.repeating"}, set()),
    ("Shall I attach the invoice again, in a different format?", set(), {"customer.repeating"}),
    ("I'm not going over all of it again with another agent.", {"customer.repeating"}, set()),
    ("It was in my very first message: the order is 88-120.", {"customer.repeating"}, set()),
    ("I put the serial number in my original email.", {"customer.repeating"}, set()),
    ("I told the shop, I told the courier, and now I'm telling you.", {"customer.repeating"}, set()),
    ("Fourth time I'm typing my address out.", {"customer.repeating"}, set()),
    ("Every time I call, someone asks for my date of birth again.", {"customer.repeating"}, set()),
    ("Could you ask for the photos again? I think they got lost.", set(), {"customer.repeating"}),
    ("I rang on the 3rd, the 10th and the 17th.", {"customer.repeating"}, set()),
    ("I've emailed fifteen times.", {"customer.repeating"}, set()),
    ("Te lo dije ayer: el pedido no ha llegado.", {"customer.repeating"}, set()),
    # --- abuse.insult: group insults, idioms, nicknames; bots are not people
    ("Clueless, every last one of you.", {"abuse.insult"}, set()),
    ("Did they pick you up off the street?", {"abuse.insult"}, set()),
    ("I'd get more sense talking to a brick wall than talking to you.", {"abuse.insult"}, set()),
    ("You couldn't organise a party in a brewery.", {"abuse.insult"}, set()),
    ("The service is a shambles and so are you.", {"abuse.insult"}, set()),
    ("Is there anybody there with a brain?", {"abuse.insult"}, set()),
    ("Right, thanks for that, Sherlock.", {"abuse.insult"}, set()),
    ("Ihr seid alle unfähig.", {"abuse.insult"}, set()),
    ("You're a pointless chatbot.", set(), {"abuse.insult"}),
    ("Can I talk to someone who can read Welsh?", set(), {"abuse.insult"}),
    # --- customer.sarcasm
    ("Charged twice and no reply for a week. Brilliant.", {"customer.sarcasm"}, set()),
    ("It arrived on time and works perfectly. Brilliant.", set(), {"customer.sarcasm"}),
    ("Restart the router. Why didn't I think of that.", {"customer.sarcasm"}, set()),
    ("What a kind gesture, a £5 voucher after a week without water.", {"customer.sarcasm"}, set()),
    # --- abuse.profanity
    ("fcuk this queue", {"abuse.profanity"}, set()),
    ("wtaf is this charge", {"abuse.profanity"}, set()),
]


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


@pytest.mark.parametrize(("text", "must", "must_not"), CASES, ids=[c[0][:50] for c in CASES])
def test_dev4_construction(reader: Reader, text: str, must: set[str], must_not: set[str]) -> None:
    got = {s.label for s in reader.read(text).signals}
    assert must <= got, f"missing {sorted(must - got)} in {sorted(got)}"
    assert not (must_not & got), f"false alarm {sorted(must_not & got)}"
