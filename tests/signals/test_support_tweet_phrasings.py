"""Rule-only labels on the short, clipped way customers write to a support account in public.

Real tweets to airline support (``../shared/data/airline_tweets``: the half chosen for
development, never the half used to measure) showed the rules missing common forms: "Never
again." on its own, "last time I fly with you", "you just lost a loyal customer", "called 3x",
"hung up on twice", "can I speak to a human?", "stuck on the tarmac for over 2 hours", "I
complained to the DOT", "is there compensation?". Every sentence below is written in our own
words after one of those forms, beside a near miss that must stay silent.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

FIRES = [
    # threat.churn
    ("Never again.", "threat.churn"),
    ("Two cancellations in one week. Never again, you are hopeless.", "threat.churn"),
    ("Lost my case twice. NEVER AGAIN!", "threat.churn"),
    ("Worst trip of my life. Never again Acme.", "threat.churn"),
    ("three hours on the phone for nothing #NeverAgain", "threat.churn"),
    ("This is the last time I fly with you.", "threat.churn"),
    ("last time I ever book with this lot", "threat.churn"),
    ("You just lost a loyal customer.", "threat.churn"),
    ("Congratulations, you have lost another paying customer.", "threat.churn"),
    ("This shambles just lost you my business.", "threat.churn"),
    ("Your site keeps crashing, you are about to lose my business.", "threat.churn"),
    ("We won't be flying you again.", "threat.churn"),
    ("I will never travel with your airline again.", "threat.churn"),
    ("Never ever booking Acme again", "threat.churn"),
    ("I won't be using either of you any time soon.", "threat.churn"),
    ("After ten years as a member we are officially done.", "threat.churn"),
    ("You have let me down for the last time.", "threat.churn"),
    ("Looks like I have a new carrier!", "threat.churn"),
    ("I've got a new airline!", "threat.churn"),
    ("Never again 😡", "threat.churn"),
    ("Never again with Acme.", "threat.churn"),
    ("Last time I'm flying with you.", "threat.churn"),
    ("Sort out your service or lose customers.", "threat.churn"),
    ("I will think twice before booking with you again.", "threat.churn"),
    ("First time, last time.", "threat.churn"),
    ("I gave you a second chance. There will not be a third.", "threat.churn"),
    # customer.waiting
    ("I've been on hold to move a date on my booking for over 3 hours.", "customer.waiting"),
    ("We have been stuck on the tarmac for over 2 hours with no information.", "customer.waiting"),
    ("sitting on a hot plane with no water and no announcements for 90 minutes", "customer.waiting"),
    ("2 hours on the runway and counting", "customer.waiting"),
    ("on hold again, estimated 2 hr hold", "customer.waiting"),
    ("2+ hour hold times are ridiculous", "customer.waiting"),
    ("45 minutes into my wait and still nobody", "customer.waiting"),
    ("The check-in line hasn't moved in 20 minutes.", "customer.waiting"),
    ("You cancelled my trip and now you won't take my calls.", "customer.waiting"),
    ("Been trying to get anyone on the phone all morning.", "customer.waiting"),
    ("If only I could get through.", "customer.waiting"),
    ("My suitcase is still not here.", "customer.waiting"),
    ("Still no bag!", "customer.waiting"),
    ("can't reach an agent to rebook", "customer.waiting"),
    ("Over an hour in and I still haven't spoken to a rep.", "customer.waiting"),
    ("Are we on hour 3 of the phone hold now?", "customer.waiting"),
    ("Rang the helpline, long long waits again.", "customer.waiting"),
    ("30 mins+ wait at the baggage belt.", "customer.waiting"),
    ("Why do I have to wait 2 hours to talk to someone?", "customer.waiting"),
    ("Why does it take 7-10 days to respond to an email?", "customer.waiting"),
    ("We have been sitting in row 30 on the tarmac for ages.", "customer.waiting"),
    ("2-hour hold times are ridiculous", "customer.waiting"),
    ("stood at the gate for 2 hours", "customer.waiting"),
    ("Still no baggage!", "customer.waiting"),
    ("My luggage still isn't here.", "customer.waiting"),
    ("cant get thru to anyone", "customer.waiting"),
    # customer.repeating
    ("Called 3x today and got nowhere.", "customer.repeating"),
    ("I've rung you 4 x this week.", "customer.repeating"),
    ("3 times I've phoned your helpline about this.", "customer.repeating"),
    ("Transferred 4 times and nothing is sorted.", "customer.repeating"),
    ("Hung up on twice already.", "customer.repeating"),
    ("I keep getting cut off.", "customer.repeating"),
    ("We tried to call you five times yesterday.", "customer.repeating"),
    ("I have spoken to 4 different agents now.", "customer.repeating"),
    ("I explained the whole situation... again...", "customer.repeating"),
    ("left several msgs and heard nothing", "customer.repeating"),
    ("called x3 today", "customer.repeating"),
    ("Everyone I spoke to said different things.", "customer.repeating"),
    ("Then they sent me to the back of the line again.", "customer.repeating"),
    # request.manager
    ("Can I speak to a human?", "request.manager"),
    ("Can a human please answer?", "request.manager"),
    ("Is there a real person I can talk to?", "request.manager"),
    ("human help required", "request.manager"),
    ("I need to speak to a human being about this booking.", "request.manager"),
    ("do you have humans I can talk to?", "request.manager"),
    ("Is there an actual human I can speak to?", "request.manager"),
    # threat.public
    ("This will be shared with every traveller I meet.", "threat.public"),
    ("I'll be sure to share this story with all my colleagues.", "threat.public"),
    ("Anyone else stranded by them, please spread the word.", "threat.public"),
    ("I just contacted the local news about this.", "threat.public"),
    # threat.legal
    ("I have complained to the DOT.", "threat.legal"),
    ("I will be reporting this to the FAA.", "threat.legal"),
    ("Reported you to the D.O.T.", "threat.legal"),
    ("I've complained to the Department of Transport.", "threat.legal"),
    ("I'll be contacting the Federal Aviation Administration.", "threat.legal"),
    # request.refund
    ("Is there compensation for this?", "request.refund"),
    ("We should be compensated for the hotel we had to pay for.", "request.refund"),
    ("I think we deserve some compensation after that.", "request.refund"),
    ("Still to see my miles back after the cancellation.", "request.refund"),
    ("You owe me a new suitcase.", "request.refund"),
    ("You owe me $120.", "request.refund"),
    ("How about some points for the trouble?", "request.refund"),
    ("Do you provide a hotel voucher when the last flight is cancelled?", "request.refund"),
    # customer.waiting: the time gone by with nothing back
    ("Still nothing from your claims team.", "customer.waiting"),
    ("Three hours since we landed and still no sign of the pram.", "customer.waiting"),
    ("40 minutes and no answer, then it hung up.", "customer.waiting"),
    ("Why does it take 10 days to reply to an email?", "customer.waiting"),
    # customer.sarcasm: thanks "again" for the harm, or for causing it
    ("Thanks again for ruining our weekend away.", "customer.sarcasm"),
    ("thanks for causing me to miss the last train", "customer.sarcasm"),
    ("Bags delayed again, third trip running. Awesome.", "customer.sarcasm"),
    ("Still no reply after four days. Great work guys!", "customer.sarcasm"),
]

SILENT = [
    # customer.sarcasm
    ("Thanks again for sorting out my seat.", "customer.sarcasm"),
    # customer.waiting
    ("Still nothing works after the update.", "customer.waiting"),
    ("Reset the modem twice as the guide says, still nothing.", "customer.waiting"),
    ("Twenty minutes after landing we were already at the hotel.", "customer.waiting"),
    ("You're still nothing special compared to the other airline.", "customer.waiting"),
    ("The crew upgraded us for our anniversary. Amazing job guys!", "customer.sarcasm"),
    # threat.churn
    ("I hope this never happens again.", "threat.churn"),
    ("Please make sure it never again goes to the wrong address.", "threat.churn"),
    ("I lost my business card on the plane.", "threat.churn"),
    ("We lost our business class seats after the swap.", "threat.churn"),
    ("I am losing one business day tomorrow because of this.", "threat.churn"),
    ("I lost a customer because your delivery was late.", "threat.churn"),
    ("The last time I flew it would not let me check in.", "threat.churn"),
    ("The last time I used the app it crashed.", "threat.churn"),
    ("I'll use email from now on.", "threat.churn"),
    ("I'm flying economy from now on.", "threat.churn"),
    ("I'm over the moon with the upgrade.", "threat.churn"),
    ("I have a new phone number, can you update it?", "threat.churn"),
    ("Think twice before packing liquids, the rules changed.", "threat.churn"),
    ("I need to switch to an earlier flight.", "threat.churn"),
    ("I'll go with aisle seats from now on.", "threat.churn"),
    ("I got a new bank card, how do I update my payment details?", "threat.churn"),
    ("We have a new network at home.", "threat.churn"),
    ("Never again will I forget my password haha", "threat.churn"),
    ("Left my charger on the plane, never again, lesson learned!", "threat.churn"),
    ("I'm officially done with my packing.", "threat.churn"),
    ("Last time I trust the weather app lol", "threat.churn"),
    ("My boss will lose a client if I miss this meeting.", "threat.churn"),
    ("Will downgrading lose my frequent flyer points?", "threat.churn"),
    ("I never travel with checked bags, can I bring a backpack?", "threat.churn"),
    ("I won't be travelling any time soon because of my surgery.", "threat.churn"),
    ("My company has lost a client today.", "threat.churn"),
    # customer.waiting
    ("Can you put a 24 hour hold on this booking?", "customer.waiting"),
    ("Is there a 24 hour hold on fares?", "customer.waiting"),
    ("The gate is 10 minutes away from security.", "customer.waiting"),
    ("a 2 hour wait is normal on Fridays?", "customer.waiting"),
    ("You have yet to answer what the rule would change.", "customer.waiting"),
    ("The plane is still sitting in Frankfurt, are we delayed?", "customer.waiting"),
    ("I couldn't get through the security gate with my bag.", "customer.waiting"),
    ("I was on the phone for 5 minutes and it was sorted.", "customer.waiting"),
    ("You might have to wait 2 days for the part to arrive.", "customer.waiting"),
    ("i can't talk to anyone about it, it's private", "customer.waiting"),
    ("Long lines are expected over the holidays.", "customer.waiting"),
    ("A 7-10 day delivery window is fine by me.", "customer.waiting"),
    ("Can I get a 24 hour hold please?", "customer.waiting"),
    ("Could you put the reservation on hold again until Friday?", "customer.waiting"),
    ("Only a 2 minute wait today, thanks team!", "customer.waiting"),
    ("Is a 2 hour wait normal at security?", "customer.waiting"),
    ("Are there long queues at security on Monday mornings?", "customer.waiting"),
    ("still at the gate, boarding now, thanks!", "customer.waiting"),
    ("I'm still on the plane, I'll message when I land.", "customer.waiting"),
    ("I'm still stuck, can you resend the link?", "customer.waiting"),
    ("I've been in bed for 2 days with flu.", "customer.waiting"),
    ("Sitting in the lounge for 2 hours, loving the free snacks.", "customer.waiting"),
    ("I don't take calls at work, please email me.", "customer.waiting"),
    ("I can't reach you tomorrow as I'm in meetings.", "customer.waiting"),
    ("I haven't heard back from my employer yet.", "customer.waiting"),
    ("Do I have to wait 24 hours before I can pick a seat?", "customer.waiting"),
    ("I've been on the phone with Sarah for 10 minutes and she sorted everything.", "customer.waiting"),
    ("Waiting for my sister, she lands in about 2 hours.", "customer.waiting"),
    # customer.repeating
    ("I tried 3 times to log in.", "customer.repeating"),
    ("The app crashed 3 times.", "customer.repeating"),
    ("You sent me 3x the same email.", "customer.repeating"),
    ("Our flight was delayed again.", "customer.repeating"),
    ("I talked to 3 people at the desk and they loved the idea.", "customer.repeating"),
    ("Everyone said different things were wrong with the car.", "customer.repeating"),
    ("My wifi keeps getting disconnected.", "customer.repeating"),
    ("The wifi cut off again on the plane.", "customer.repeating"),
    ("The money was transferred twice by mistake.", "customer.repeating"),
    ("I tried 2x zoom on the app.", "customer.repeating"),
    ("I've spoken to several agents over the years and you're all lovely.", "customer.repeating"),
    # request.manager
    ("I was finally able to speak to a human and she fixed it.", "request.manager"),
    ("Trying to speak to a human for 20 minutes now.", "request.manager"),
    ("Love how I have to pay extra to talk to a human.", "request.manager"),
    ("I need to get a person to sign for the parcel.", "request.manager"),
    ("I'd like to speak to a human resources team.", "request.manager"),
    ("Can a person help me with my bags? I use a wheelchair.", "request.manager"),
    ("What's the phone number for a person travelling with a pet?", "request.manager"),
    ("Can you direct me to the executive lounge?", "request.manager"),
    # threat.public
    ("Please share your booking reference.", "threat.public"),
    ("I'll share my screen with the agent.", "threat.public"),
    ("PLEASE SHARE THIS post about our lost dog", "threat.public"),
    ("Great thread, please retweet!", "threat.public"),
    ("all those so called news people were wrong", "threat.public"),
    ("I'll share the booking reference with everyone in my group.", "threat.public"),
    ("The crew were amazing, I'll be sure to share this with everyone!", "threat.public"),
    ("We're going to spread the payments across all the cards.", "threat.public"),
    # threat.legal
    ("The FAA grounded the plane.", "threat.legal"),
    ("Is it allowed under the DOT rules?", "threat.legal"),
    ("I'll be at the check-in desk at 9 on the dot, thanks!", "threat.legal"),
    ("email me at jane dot doe, I'll go to the dot com site", "threat.legal"),
    ("I'll take my FAA exam next month.", "threat.legal"),
    # request.refund
    ("You owe me an apology.", "request.refund"),
    ("well you owe me a drink now", "request.refund"),
    ("Is it true I can pay with no credit card fee?", "request.refund"),
    ("I'm expecting a new credit card next week.", "request.refund"),
    ("Is there any voucher for students booking in March?", "request.refund"),
    ("Do you give vouchers for referring friends?", "request.refund"),
    ("The basic fare comes with no refund, that's fine.", "request.refund"),
    ("Is there any compensation policy for delays? Asking before I book.", "request.refund"),
]


@pytest.mark.parametrize(("text", "label"), FIRES, ids=[f"{lab}:{t[:40]}" for t, lab in FIRES])
def test_clipped_support_phrasing_fires(reader: Reader, text: str, label: str) -> None:
    got = {s.label: s for s in reader.read(text).signals}
    assert label in got, f"{label} missed in {text!r}: {sorted(got)}"
    sig = got[label]
    assert sig.evidence and all(text[e.start : e.end] == e.text for e in sig.evidence)


@pytest.mark.parametrize(("text", "label"), SILENT, ids=[f"{lab}:{t[:40]}" for t, lab in SILENT])
def test_near_miss_stays_silent(reader: Reader, text: str, label: str) -> None:
    assert label not in {s.label for s in reader.read(text).signals}
