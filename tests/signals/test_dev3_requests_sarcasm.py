"""Request and sarcasm constructions added after the blind dev3 set showed them missing.

Every sentence here was written for this test (none comes from a dev or holdout set):
each row is a new phrasing of a construction, or a near miss it must leave alone.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

CASES: list[tuple[str, set[str], set[str]]] = [
    # request.manager
    ("Can a supervisor call me this afternoon please, this is going nowhere.", {"request.manager"}, set()),
    ("Could your team leader review this? It's the third refusal.", {"request.manager"}, set()),
    ("I want this referred to someone senior.", {"request.manager"}, set()),
    ("Please pass my complaint on to a senior manager.", {"request.manager"}, set()),
    ("Is there a duty manager I can speak to?", {"request.manager"}, set()),
    ("Is there someone more senior available?", {"request.manager"}, set()),
    ("I need to speak to the person above you.", {"request.manager"}, set()),
    ("Get me whoever's over you.", {"request.manager"}, set()),
    ("I want someone with the authority to waive this.", {"request.manager"}, set()),
    ("Is there anybody who can actually authorise a refund?", {"request.manager"}, set()),
    ("Kick it up the chain please, you clearly can't sort it.", {"request.manager"}, set()),
    ("This has to go higher.", {"request.manager"}, set()),
    ("Can you put me through to another agent? You're not listening.", {"request.manager"}, set()),
    ("I'd like to deal with a different adviser please.", {"request.manager"}, set()),
    ("Transfer me to someone else who knows what they're doing.", {"request.manager"}, set()),
    ("Put somebody else on, please.", {"request.manager"}, set()),
    ("Who can fix it? Put me through to them.", {"request.manager"}, set()),
    ("Connect me to whoever can actually make a decision.", {"request.manager"}, set()),
    ("Passami il responsabile, subito.", {"request.manager"}, set()),
    ("Vorrei parlare con un supervisore.", {"request.manager"}, set()),
    ("Quero falar com o gerente, por favor.", {"request.manager"}, set()),
    ("Preciso de um supervisor, isto é ridículo.", {"request.manager"}, set()),
    ("Ik wil uw leidinggevende spreken.", {"request.manager"}, set()),
    ("Kan ik een manager spreken?", {"request.manager"}, set()),
    ("Páseme con un supervisor, por favor.", {"request.manager"}, set()),
    ("Quiero hablar con el encargado.", {"request.manager"}, set()),
    ("Passez-moi un responsable, s'il vous plaît.", {"request.manager"}, set()),
    ("Je veux parler à votre supérieur.", {"request.manager"}, set()),
    ("Verbinden Sie mich bitte mit Ihrem Vorgesetzten.", {"request.manager"}, set()),
    ("Ich möchte Ihren Vorgesetzten sprechen.", {"request.manager"}, set()),
    ("My manager will call you tomorrow to confirm the order.", set(), {"request.manager"}),
    ("Is there a manager's discount for staff?", set(), {"request.manager"}),
    ("The price of bread keeps going higher.", set(), {"request.manager"}),
    ("Could you transfer me to another department, I need the mortgages team.", set(), {"request.manager"}),
    ("I was passed to another agent yesterday who fixed it.", set(), {"request.manager"}),
    ("Can you put someone on the job tomorrow to fix the boiler?", set(), {"request.manager"}),
    ("My boss needs someone who can approve invoices on our account.", set(), {"request.manager"}),
    ("The team leader called me back and sorted it, thanks.", set(), {"request.manager"}),
    ("I don't need to speak to someone more senior, you've been fine.", set(), {"request.manager"}),
    ("Can I speak to a female adviser please?", set(), {"request.manager"}),
    ("Mi passi il numero dell'ufficio, per favore.", set(), {"request.manager"}),
    ("Ich möchte meine Adresse ändern.", set(), {"request.manager"}),
    ("The chain on my bike broke.", set(), {"request.manager"}),
    ("I was referred to a supervisor last week and she sorted it.", set(), {"request.manager"}),
    ("I was passed to a manager who was rude.", set(), {"request.manager"}),
    ("Last time it was reviewed by a senior adviser and they approved it.", set(), {"request.manager"}),
    ("Can this be looked at by a manager please?", {"request.manager"}, set()),
    ("I want it passed on to your supervisor.", {"request.manager"}, set()),
    ("Please forward my complaint to a senior manager.", {"request.manager"}, set()),
    ("I'd like this to be escalated to management.", {"request.manager"}, set()),
    # request.refund
    ("The paper statement fee should be removed, I never asked for paper.", {"request.refund"}, set()),
    ("Can the £30 cancellation charge be dropped given the circumstances?", {"request.refund"}, set()),
    ("That admin fee has to be refunded, it was your error.", {"request.refund"}, set()),
    ("Roaming charges again?! I was in Kent, not Spain. Knock them off please.", {"request.refund"}, set()),
    ("Please take £10 off my next bill for the missed appointment.", {"request.refund"}, set()),
    ("Could you deduct the three days without signal from my invoice?", {"request.refund"}, set()),
    ("You billed me twice for June, I need the second one refunded.", {"request.refund"}, set()),
    ("I've been double charged for the same ticket. I'd like the duplicate back please.", {"request.refund"}, set()),
    ("Please reverse the duplicate payment.", {"request.refund"}, set()),
    ("Somebody else used my card, £42.50 went out, how do I get that back?", {"request.refund"}, set()),
    ("A voucher or some credit would be only fair after this.", {"request.refund"}, set()),
    ("I think compensation is due after a week without heating.", {"request.refund"}, set()),
    ("Still waiting on my reimbursement from March.", {"request.refund"}, set()),
    ("Any update on the compensation for the cancelled flight?", {"request.refund"}, set()),
    ("What's happened to my deposit? It's been six weeks.", {"request.refund"}, set()),
    ("Unless I'm refunded by Monday, I'm going to the ombudsman.", {"request.refund"}, set()),
    ("If my money isn't returned this week I'll open a dispute.", {"request.refund"}, set()),
    ("Please release my deposit, the flat was left spotless.", {"request.refund"}, set()),
    ("Just pay back the fare, the train never turned up.", {"request.refund"}, set()),
    ("I'm writing to claim compensation for the delayed delivery.", {"request.refund"}, set()),
    ("I'd like financial compensation for the damaged sofa.", {"request.refund"}, set()),
    ("How will you make this right financially?", {"request.refund"}, set()),
    ("Quero o meu dinheiro de volta.", {"request.refund"}, set()),
    ("Ik wil mijn geld terug.", {"request.refund"}, set()),
    ("Remboursez-moi immédiatement.", {"request.refund"}, set()),
    ("Rivoglio i miei soldi indietro, subito.", {"request.refund"}, set()),
    ("Ich verlange eine Rückerstattung.", {"request.refund"}, set()),
    ("I understand the late fee can't be waived, I'll pay it.", set(), {"request.refund"}),
    ("What's the late payment fee if I pay a day late?", set(), {"request.refund"}),
    ("Where do I pay the deposit for the van hire?", set(), {"request.refund"}),
    ("Can you tell me how much the deposit is?", set(), {"request.refund"}),
    ("I was charged £50 for the repair, when do I get it back from the workshop?", set(), {"request.refund"}),
    ("I paid the £20 deposit yesterday, can you confirm you got it?", set(), {"request.refund"}),
    ("My insurer will reimburse me once I send the invoice.", set(), {"request.refund"}),
    ("Credit where credit is due, the engineer was great.", set(), {"request.refund"}),
    ("The status of my credit card application?", set(), {"request.refund"}),
    ("Waiting for my new credit card to arrive.", set(), {"request.refund"}),
    ("If I cancel, will the fee be waived? Just asking before I sign up.", set(), {"request.refund"}),
    ("You took the fee off my bill last month, thanks for that.", set(), {"request.refund"}),
    ("Please take the payment from my account on the 1st as usual.", set(), {"request.refund"}),
    ("¿Cuál es su política de reembolso?", set(), {"request.refund"}),
    ("I'd like to pay the balance off in full.", set(), {"request.refund"}),
    ("Should I take the router back to the shop?", set(), {"request.refund"}),
    ("Can the engineer visit be moved to Friday?", set(), {"request.refund"}),
    ("You sent the parcel twice to the wrong address and I need it back.", set(), {"request.refund"}),
    ("I rang twice about the router, can I get it back before Friday?", set(), {"request.refund"}),
    ("I paid twice for the same order, please send one of them back.", {"request.refund"}, set()),
    ("My rent was debited twice this month. I need the second one refunded.", {"request.refund"}, set()),
    ("Can you take my ex-husband's name off the bill?", set(), {"request.refund"}),
    ("Please take my wife off the bill, she moved out.", set(), {"request.refund"}),
    ("Can you knock a few quid off my next bill for the hassle?", {"request.refund"}, set()),
    ("I'd like a week taken off my invoice for the outage.", {"request.refund"}, set()),
    # customer.sarcasm
    ("Funny how the price always goes up but the speed never does.", {"customer.sarcasm"}, set()),
    ("Love how every update breaks something new.", {"customer.sarcasm"}, set()),
    ("Thanks a lot for sod all.", {"customer.sarcasm"}, set()),
    ("Cheers for literally zero help today.", {"customer.sarcasm"}, set()),
    ("Thank you so much for nothing at all.", {"customer.sarcasm"}, set()),
    ("Hats off to whoever decided on losing my order twice.", {"customer.sarcasm"}, set()),
    ("Kudos to your team for making it impossible to cancel online.", {"customer.sarcasm"}, set()),
    ("I want to congratulate the courier on ruining my birthday present.", {"customer.sarcasm"}, set()),
    ("Well done, you've managed to turn a simple address change into a nightmare.", {"customer.sarcasm"}, set()),
    ("Bravo, you made a two-minute job into an epic saga.", {"customer.sarcasm"}, set()),
    ("Thrilled to see my bill going up again for the same rubbish service.", {"customer.sarcasm"}, set()),
    ("Lovely to hear the prices are rising for the third year running.", {"customer.sarcasm"}, set()),
    ("What a great way to treat loyal customers.", {"customer.sarcasm"}, set()),
    ("Fantastic business model, charge more and deliver less.", {"customer.sarcasm"}, set()),
    ("Thanks Einstein, I'd never have guessed.", {"customer.sarcasm"}, set()),
    ("Nice one Sherlock, obviously the router is off when there's a power cut.", {"customer.sarcasm"}, set()),
    ("If the goal was to make me lose my mind, mission accomplished.", {"customer.sarcasm"}, set()),
    ("Is your plan to bore me to death? Because you're smashing it.", {"customer.sarcasm"}, set()),
    ("Your chatbot is so useful, it sent me the same FAQ link four times.", {"customer.sarcasm"}, set()),
    ("Really helpful, you've pasted the same script three times now.", {"customer.sarcasm"}, set()),
    ("Excellent service: parcel thrown over the fence and smashed.", {"customer.sarcasm"}, set()),
    ("Such a seamless switch, only three weeks without a working phone 🙄", {"customer.sarcasm"}, set()),
    ("Such a swift response, only took nine days.", {"customer.sarcasm"}, set()),
    ("Wow, two weeks to answer one email, you lot are so on top of things.", {"customer.sarcasm"}, set()),
    ("Thanks for the help, have a great evening.", set(), {"customer.sarcasm"}),
    ("Thanks for your help today, really appreciate it.", set(), {"customer.sarcasm"}),
    ("I'm not going to say thanks for nothing, you clearly tried.", set(), {"customer.sarcasm"}),
    ("Amazing how quickly the engineer sorted it, thank you.", set(), {"customer.sarcasm"}),
    ("Love how easy the new app is.", set(), {"customer.sarcasm"}),
    ("Congratulations on the new website, it looks great.", set(), {"customer.sarcasm"}),
    ("Thanks for letting me know the price is going up, I'll budget for it.", set(), {"customer.sarcasm"}),
    ("Glad to see the price has come down this year.", set(), {"customer.sarcasm"}),
    ("Great service, the driver was lovely, nothing was damaged.", set(), {"customer.sarcasm"}),
    ("The agent was really helpful, she told me three times to take my time, so kind.", set(), {"customer.sarcasm"}),
    ("You guys are so on it, fixed within the hour, thank you!", set(), {"customer.sarcasm"}),
    ("Such a smooth process, thank you so much.", set(), {"customer.sarcasm"}),
    ("Great, it's working now, cheers.", set(), {"customer.sarcasm"}),
    ("My son wants to be Sherlock Holmes for World Book Day, do you sell costumes?", set(), {"customer.sarcasm"}),
    ("Our goal was to finish the move before Friday, can you confirm the engineer?", set(), {"customer.sarcasm"}),
    ("Happy to hear the price freeze continues.", set(), {"customer.sarcasm"}),
    ("The plan is to cancel order 123 and keep 124.", set(), {"customer.sarcasm"}),
    ("Fantastic support, Priya fixed it in ten minutes.", set(), {"customer.sarcasm"}),
    # thanks for an act a customer wants is sincere; for one they suffer, sarcastic (issue #13: real
    # tweets to airlines thanked for "keeping me Exec Platinum" and gave staff "a gold star")
    ("Thanks for keeping me updated on the replacement.", set(), {"customer.sarcasm"}),
    ("Thank you for leaving the parcel with my neighbour, perfect.", set(), {"customer.sarcasm"}),
    ("Great job getting me onto the earlier train!", set(), {"customer.sarcasm"}),
    ("Thanks for making the switch so easy, honestly.", set(), {"customer.sarcasm"}),
    ("Please give Maria a gold star from me.", set(), {"customer.sarcasm"}),
    ("Thanks for cancelling the duplicate order as I asked.", set(), {"customer.sarcasm"}),
    ("Thanks for keeping me posted, but the engineer still hasn't come.", set(), {"customer.sarcasm"}),
    ("Thanks for cancelling the order, but the refund has not arrived yet.", set(), {"customer.sarcasm"}),
    ("Thanks for keeping me on hold for 40 minutes.", {"customer.sarcasm"}, set()),
    ("Thank you for leaving my suitcase in Madrid.", {"customer.sarcasm"}, set()),
    ("Thanks for cancelling my booking and not telling anyone.", {"customer.sarcasm"}, set()),
    ("thanks for making this the worst weekend of the year", {"customer.sarcasm"}, set()),
]


@pytest.mark.parametrize(("text", "must", "must_not"), CASES, ids=[c[0][:40] for c in CASES])
def test_dev3_request_sarcasm_construction(reader: Reader, text: str, must: set[str], must_not: set[str]) -> None:
    got = {s.label for s in reader.read(text).signals}
    assert must <= got, f"missing {sorted(must - got)} in {sorted(got)}"
    assert not (must_not & got), f"false alarm {sorted(must_not & got)}"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Not keen on that restaurant. Can you find me another one?", False),
        ("Give me a different one, something with outdoor seating.", False),
        ("Could I be transferred to a different one of your advisers?", True),
        ("Can I speak to a different agent please, this isn't going anywhere.", True),
        ("I'd like to be passed to another one, this chat has gone nowhere.", True),
    ],
)
def test_a_different_thing_is_not_a_different_person(reader: Reader, text: str, fires: bool) -> None:
    assert ("request.manager" in {s.label for s in reader.read(text).signals}) is fires


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Anyone else find the new menu impossible to navigate?", False),
        ("Somebody else just told me the store closes at six.", False),
        ("The parcel was signed for by someone else, not me.", False),
        ("My refund went to someone else's card?!", False),
        ("Can I speak to someone else please, this is going nowhere.", True),
        ("Is there anybody else I can talk to about this?", True),
    ],
)
def test_someone_else_as_a_third_party_is_not_a_request(reader: Reader, text: str, fires: bool) -> None:
    assert ("request.manager" in {s.label for s in reader.read(text).signals}) is fires


# Precision on real, non-support text (issue #13): sarcasm openers need a complaint nearby and never
# come with a smile; a refund phrase must be about the writer's own money from the business.
# Our own sentences, each the pattern of a false positive seen on public text, next to a true positive.
PRECISION: list[tuple[str, str, bool]] = [
    ("customer.sarcasm", "Oh nice. Which market did you go to?", False),
    ("customer.sarcasm", "Oh nice! Where did you get it?", False),
    ("customer.sarcasm", "Awesome! Where are you heading?", False),
    ("customer.sarcasm", "Oh great! Fingers crossed it pays out :)", False),
    ("customer.sarcasm", "Great! Can't wait :)", False),
    ("customer.sarcasm", "I'm sure you will enjoy the course", False),
    ("customer.sarcasm", "Your guide is a brilliant idea! Could I share it?", False),
    ("customer.sarcasm", "thanks a lot for your help with the page. But why was the photo removed?", False),
    ("customer.sarcasm", "Amazing!! I can't wait to see it.", False),
    ("customer.sarcasm", "We're planning a big surprise party for Jo.", False),
    ("customer.sarcasm", "Great. Where is my parcel then?", True),
    ("customer.sarcasm", "Oh lovely, a £5 coupon for the food poisoning. You're too kind.", True),
    ("customer.sarcasm", "Genius idea to close on pension day, whoever thought of that deserves a medal.", True),
    ("customer.sarcasm", "Oh great, another outage. Third this week.", True),
    ("customer.sarcasm", "Oh wonderful, the app crashed again.", True),
    ("customer.sarcasm", "Oh fantastic, a two hour delay and a coffee voucher.", True),
    ("customer.sarcasm", "Love how you lost my parcel again", True),
    ("customer.sarcasm", "Genius idea to hide the cancel button. Still can't find it.", True),
    ("customer.sarcasm", "Oh brilliant... truly first-class service", True),
    ("customer.sarcasm", "Thanks for nothing :)", True),
    ("customer.sarcasm", "You cancelled my booking. Big surprise.", True),
    ("customer.sarcasm", "Brilliant. Can't wait to wait another week for nothing, again.", True),
    ("request.refund", "well you owe me a joke now", False),
    ("request.refund", "You owe me an apology.", False),
    ("request.refund", "You owe me £40.", True),
    ("request.refund", "You owe me a refund.", True),
    ("request.refund", "They always give credit.", False),
    ("request.refund", "You have to give them credit for trying.", False),
    ("request.refund", "She got told off for claiming credit for writing the page.", False),
    ("request.refund", "Can you give me a credit for the outage?", True),
    ("request.refund", "I'd like some credit on my account for the missed days.", True),
    ("request.refund", "Someone please reverse this edit.", False),
    ("request.refund", "You charged me twice, please reverse it.", True),
    ("request.refund", "Did you manage to get your money back?", False),
    ("request.refund", "Maybe you'll get a refund?", False),
    ("request.refund", "Just ask for a refund!", False),
    ("request.refund", "I was hoping for a big refund this year.", False),
    ("request.refund", "My tax refund got smaller.", False),
    ("request.refund", "Just give the money to a food bank.", False),
    ("request.refund", "I lent my mate fifty quid and he still hasn't paid me back.", False),
    ("request.refund", "Where is the refund you promised me?", True),
    ("request.refund", "The shop will refund you if it never turns up.", False),
    ("request.refund", "Plenty of students drop the course because they lose interest in it.", False),
    ("request.refund", "Please drop the interest you added to my card balance.", True),
    ("request.refund", "The police dropped charges against him.", False),
    ("request.refund", "They did give me a refund in the end.", False),
    ("request.refund", "Stop giving them so much credit, they haven't earned it.", False),
    ("request.refund", "Did your landlord ever give the money back?", False),
    ("request.refund", "I want my money back.", True),
    ("request.refund", "Can I get a refund?", True),
]


@pytest.mark.parametrize(("label", "text", "fires"), PRECISION, ids=[f"{c[0]}:{c[1][:40]}" for c in PRECISION])
def test_sarcasm_refund_precision_on_everyday_text(reader: Reader, label: str, text: str, fires: bool) -> None:
    assert (label in {s.label for s in reader.read(text).signals}) is fires


@pytest.mark.parametrize(
    ("agent", "fires"),
    [
        ("Unfortunately we can't offer a replacement for that model.", True),
        ("I'm afraid the fee stays, that's the policy.", True),
        ("Good news: your replacement ships today.", False),
        (None, False),
    ],
)
def test_opener_after_agent_bad_news_is_sarcasm(reader: Reader, agent: str | None, fires: bool) -> None:
    """A bare opener is sarcastic only after a refusal or bad news from the agent."""
    got = {s.label for s in reader.read("Oh, that's just perfect.", previous_agent_text=agent).signals}
    assert ("customer.sarcasm" in got) is fires


# Long messages (issue #13: real reviews and emails, where a message praises one thing and criticises
# another): weak praise counts as sarcasm only with a negative cue in its own sentence or the one
# before it; praise right after a negator is literal. Short messages keep the whole-message reading.
_LONG_MIXED = (
    "Bought this for my mum's birthday and she uses it every day. The screen is simply superb and "
    "the speakers are loud enough for the kitchen. Setup took a while because the app kept asking "
    "for the same code, and the manual is thin. The battery could last longer too, but for the price "
    "I would buy it again."
)
_LONG_SARCASTIC = (
    "Order 55102. I ordered the replacement router on the 3rd and paid for next-day delivery. Nothing came on the "
    "4th, nothing on the 5th, and your tracking page still says 'preparing'. I have called twice and "
    "each time I was told it is on its way. It has now been lost for a week. Simply superb."
)


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        (_LONG_MIXED, False),
        (_LONG_SARCASTIC, True),
        ("The night photos are not so impressive, and the battery drains fast.", False),
        ("Parcel lost again. Simply superb.", True),
    ],
)
def test_sarcasm_needs_its_cue_nearby_in_a_long_message(reader: Reader, text: str, fires: bool) -> None:
    assert len(_LONG_MIXED) > 280 and len(_LONG_SARCASTIC) > 280  # both take the long-message path
    assert ("customer.sarcasm" in {s.label for s in reader.read(text).signals}) is fires
