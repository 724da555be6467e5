"""Threat and manager-request rules on everyday phrasings that are no threat and no request (issue #13).

A scan of real public text that is not a test set (Reddit comments, wiki talk-page requests,
empathetic dialogues, emotion tweets) found these rules firing on idioms and third parties:
"I know what you mean", "let people enjoy things", "you lost me" (I do not follow), advice to
sue or to cancel one's own subscription, "glad someone else noticed". Each case below is written
in our own words after one of those patterns, beside the threat or request it must still catch.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

FIRES = [
    # threat.personal
    ("I know where you work, and I know where you live.", "threat.personal"),
    ("I know what you look like, remember that.", "threat.personal"),
    ("Keep this up and you'll see what happens.", "threat.personal"),
    ("Try that again and you will find out what happens.", "threat.personal"),
    ("Watch what happens if you don't refund me today.", "threat.personal"),
    ("I know people. Think about that.", "threat.personal"),
    ("I have friends who can make your life very difficult.", "threat.personal"),
    ("I will kill you if this happens again", "threat.personal"),
    ("I'll have your job for this.", "threat.personal"),
    # threat.public
    ("I will tell everyone I know to avoid your shop.", "threat.public"),
    ("I'm going to warn people about this company.", "threat.public"),
    ("I'll let my followers know how you treat customers.", "threat.public"),
    ("I'm going to tag your CEO in a thread tonight.", "threat.public"),
    ("I have 20k followers and they will hear about this.", "threat.public"),
    ("The local paper would love this story.", "threat.public"),
    # threat.churn
    ("You have lost me as a customer.", "threat.churn"),
    ("You just lost me.", "threat.churn"),
    ("I'm moving over to a rival network.", "threat.churn"),
    ("I'm moving to Sky next month.", "threat.churn"),
    ("We are moving to a cheaper supplier.", "threat.churn"),
    ("Cancel my subscription now.", "threat.churn"),
    ("I'll take my business elsewhere.", "threat.churn"),
    # threat.legal
    ("I'm going to sue you if this is not fixed.", "threat.legal"),
    # request.manager
    ("Could I speak to someone else, please? This is going nowhere.", "request.manager"),
    ("Someone else, please.", "request.manager"),
    ("Is there somebody else I can talk to?", "request.manager"),
    ("Can someone else help me with this?", "request.manager"),
    ("I'd rather deal with someone else.", "request.manager"),
    ("Get me someone who actually knows what they are doing.", "request.manager"),
    # the customer's own review, and a platform named whole
    ("I'll be leaving a one-star review tonight.", "threat.public"),
    ("Screenshots are ready for Insta and Twitter.", "threat.public"),
    ("I went straight to Twitter with this.", "threat.public"),
    ("You owe me £80 for the missed delivery slot.", "request.refund"),
    ("I will never book with you again.", "threat.churn"),
    ("It usually takes you three weeks to reply to an email.", "customer.waiting"),
    ("I've been holding for 45 minutes now.", "customer.waiting"),
    ("I'm taking you to small claims court over this.", "threat.legal"),
]

SILENT = [
    # "I know what you mean" says "I understand"
    ("I know what you mean, it has been a long week.", "threat.personal"),
    ("I know where you're coming from, honestly.", "threat.personal"),
    ("I know what she meant to you.", "threat.personal"),
    ("Let's just wait and see what happens with the update.", "threat.personal"),
    ("I know people who have tried that diet.", "threat.personal"),
    ("I have friends who are teachers.", "threat.personal"),
    ("The cold out there will kill you if you forget a coat.", "threat.personal"),
    ("Folks these days can kill you with kindness.", "threat.personal"),
    ("Which company did you get your job with?", "threat.personal"),
    ("Can you please just get your job done?", "threat.personal"),
    ("Did HR get your job application?", "threat.personal"),
    ("I know where you went wrong with the formula.", "threat.personal"),
    ("That would kill you, it is so hot.", "threat.personal"),
    ("This heat is gonna kill you.", "threat.personal"),
    ("Let's just see what happens.", "threat.personal"),
    ("Click the button and you will see what happens.", "threat.personal"),
    # the public, but no threat to go public
    ("Let people like what they like.", "threat.public"),
    ("Sometimes you have to let others learn the hard way.", "threat.public"),
    ("He kept telling people to read the manual first.", "threat.public"),
    ("I saw the warning tag you added to the page.", "threat.public"),
    ("My cousin only has 12 followers so far.", "threat.public"),
    ("Seeing him on tv and hearing his story still upsets me.", "threat.public"),
    ("I'll keep you posted on Twitter about the launch.", "threat.public"),
    # "you lost me" as in "I do not follow", advice, relocation
    ("Sorry, you lost me there.", "threat.churn"),
    ("You lost me, which version do you mean?", "threat.churn"),
    ("Ha, you lost me again with the jargon.", "threat.churn"),
    ("You should just delete your account and go outside.", "threat.churn"),
    ("Better yet, cancel your streaming plan and read a book.", "threat.churn"),
    ("Go sell your rubbish elsewhere.", "threat.churn"),
    ("We are moving to a nicer flat next month, so exciting!", "threat.churn"),
    ("We're moving to the new house next week.", "threat.churn"),
    ("I'm moving to my new flat on Friday.", "threat.churn"),
    # advice to go to law
    ("You should sue them, honestly.", "threat.legal"),
    ("Push the landlord harder. Threaten to sue them if nothing happens.", "threat.legal"),
    # someone else as a third party
    ("So glad someone else spotted that bug too.", "request.manager"),
    ("Can I add someone else to my account?", "request.manager"),
    ("I'd like to send the gift to someone else.", "request.manager"),
    ("I hope you meet someone else who makes you happy.", "request.manager"),
    ("They will have to hire someone else for the role.", "request.manager"),
    # other people's reviews, read before buying; a platform name cut short; looking something up
    ("I nearly didn't order after seeing so many negative reviews.", "threat.public"),
    ("I read a few one-star reviews but the router works fine.", "threat.public"),
    ("Don't go by the bad rating of this kettle, it boils fast.", "threat.public"),
    ("Even after looking at the negative reviews I still bought it.", "threat.public"),
    ("After reading 3-4 negative review I nearly did not buy it.", "threat.public"),
    ("The drive is ready for installation now, what's next?", "threat.public"),
    ("I went to do some research on Google and found your number.", "threat.public"),
    # ending a relationship is no threat of harm (a real tweet to an airline did it with an emoji)
    ("If this keeps up I may have to break up with you, airline.", "threat.personal"),
    # LABELS.md "no" cases: a refund already received or asked about, loyalty stated with "never"
    ("You owe me nothing, the mistake was mine.", "request.refund"),
    ("Do you refund to the card I paid with, or as a voucher?", "request.refund"),
    ("I'd never book with anyone else, your crew are lovely.", "threat.churn"),
    # holding a child, someone else's habits, a journey planned, praise of staff, kind messages
    ("Holding my son on my lap, the flight is 3 hours, is that allowed?", "customer.waiting"),
    ("My bank normally takes 2 days to reply, so I'll confirm the card then.", "customer.waiting"),
    ("Sitting on the coach for 5 hours next Tuesday, can I bring food?", "customer.waiting"),
    ("I spoke to two of your agents and both were really patient, thank you.", "customer.repeating"),
    ("The staff left messages of congratulations in our room, lovely touch.", "customer.repeating"),
    # "I'm guessing/wondering ..." is a thought, not an intention (a real Reddit comment about a court case)
    ("I'm guessing that claim would never hold up in court.", "threat.legal"),
    ("I'm wondering whether small claims court covers parcels at all.", "threat.legal"),
]


@pytest.mark.parametrize(("text", "label"), FIRES, ids=[t[:40] for t, _ in FIRES])
def test_the_threat_or_request_still_fires(reader: Reader, text: str, label: str) -> None:
    assert label in {s.label for s in reader.read(text).signals}


@pytest.mark.parametrize(("text", "label"), SILENT, ids=[t[:40] for t, _ in SILENT])
def test_the_everyday_phrasing_stays_silent(reader: Reader, text: str, label: str) -> None:
    assert label not in {s.label for s in reader.read(text).signals}
