"""Abuse constructions added after the blind dev3 set showed them missing.

Every sentence here was written for this test (none comes from a dev or holdout set):
each row is a new phrasing of a construction, or a near miss it must leave alone.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

CASES: list[tuple[str, set[str], set[str]]] = [
    # staff named by where they work, and a second adjective before the contemptible one
    ("The drivers at your Derby hub are complete morons.", {"abuse.insult"}, set()),
    ("the people on this helpline are useless, every one of them", {"abuse.insult"}, set()),
    ("The advisor I spoke to this morning was rude and clueless.", {"abuse.insult"}, set()),
    ("The advisor I spoke to this morning was kind and patient.", set(), {"abuse.insult"}),
    # a hyphenated modifier before the name
    ("Stop copy-pasting at me, you box-ticking robot.", {"abuse.insult"}, set()),
    ("you absolute parrot, read what I wrote", {"abuse.insult"}, set()),
    # intelligence jibes
    ("Is there one person in your billing team with a working brain?", {"abuse.insult"}, set()),
    ("did you fail an IQ test to get this job?", {"abuse.insult"}, set()),
    ("I've never met anyone as useless as your support staff.", {"abuse.insult"}, set()),
    ("Do they teach you to be this slow on purpose?", {"abuse.insult"}, set()),
    ("Can someone with a working login help me reset it?", set(), {"abuse.insult"}),
    # the name-calling word belongs to a third party or a thing
    ("My idiot of a neighbour blocked the meter cupboard again.", set(), {"abuse.insult"}),
    ("This bastard of a router drops every evening.", {"abuse.profanity"}, {"abuse.insult"}),
    # harassment: photos, seeing the agent, age, reacting to the agent's name
    ("Manda una foto tuya, guapa.", {"abuse.harassment"}, set()),
    ("Envoie-moi une photo de toi stp", {"abuse.harassment"}, set()),
    ("Any chance of a selfie of yourself for me?", {"abuse.harassment"}, set()),
    ("switch your webcam on, I want to see your face", {"abuse.harassment"}, set()),
    ("I'll send a photo of the damaged box now.", set(), {"abuse.harassment"}),
    ("You're way too young to be handling pensions, sweetie.", {"abuse.harassment"}, set()),
    ("Were you even born yet when the euro came in, love?", {"abuse.harassment"}, set()),
    ("Your name is Ahmed? Typical. Put someone else on.", {"abuse.harassment", "abuse.insult"}, set()),
    ("Your name is Ahmed? Great, thanks for sorting this.", set(), {"abuse.harassment"}),
    # "noob" aimed at someone (seen in real game chat, CONDA train); one's own noob status is not abuse
    ("you n00b, just read my first message", {"abuse.insult"}, set()),
    ("Your agents are noobs, all of them.", {"abuse.insult"}, set()),
    ("Sorry, total noob here: where do I find the serial number?", set(), {"abuse.insult"}),
    ("Bit of a noob question, but does the router need a reset?", set(), {"abuse.insult"}),
    # one contemptible noun after "you are a" reads like its plural after "you are"
    ("Honestly, you're a fraud and so is this whole helpline.", {"abuse.insult"}, set()),
    ("The woman I spoke to was a snake, promised a refund then hung up", {"abuse.insult"}, set()),
    ("you're a lifesaver, thank you!", set(), {"abuse.insult"}),
    ("I'm a fraud analyst myself, so I know this charge looks odd", set(), {"abuse.insult"}),
    # asking whether the agent is a machine is a question, not name-calling
    ("Are you a robot? I'd like a person please.", set(), {"abuse.insult"}),
    ("are you really a machine or a human typing?", set(), {"abuse.insult"}),
    ("Are you a robot or are you just stupid?", {"abuse.insult"}, set()),
    # swearing names aimed at someone; the same word about a device is swearing only
    ("sort it out you fuckers", {"abuse.insult"}, set()),
    ("u dumbfuck, read the ticket", {"abuse.insult"}, set()),
    ("The fucker of a printer jammed again.", {"abuse.profanity"}, {"abuse.insult"}),
    # words that name-call only in some senses (real reviews: issue #13)
    ("The book explains why Homo sapiens came to rule the planet.", set(), {"abuse.harassment"}),
    ("In the story a mysterious old man tells the boy about the treasure.", set(), {"abuse.harassment"}),
    ("Get back to your desk, old man, and do your job.", {"abuse.harassment"}, set()),
    ("They are making fools of their customers with this warranty.", set(), {"abuse.insult"}),
    ("The screen cracked after a sudden jerk when the stand tipped.", set(), {"abuse.insult"}),
    ("The jerk on the phone hung up on me.", {"abuse.insult"}, set()),
    ("Winners and losers of the new loyalty scheme, explained", set(), {"abuse.insult"}),
    ("You asked us to send selfies of us at the gate, here they are", set(), {"abuse.harassment"}),
    ("Send pics of yourself in the uniform, go on", {"abuse.harassment"}, set()),
    # happy capitals praising the reader are no yelling (LABELS.md), even when the emotion model reads anger
    ("YOU ARE THE BEST!!! FOLLOW ME BACK PLEASE", set(), {"abuse.yelling"}),
    ("YOU ARE THE BEST, YOU LOST MY BAG AGAIN!!!", {"abuse.yelling"}, set()),
    # yelling: repeated hostile runs even when the models read the words as calm
    ("Sorry??? Another delivery charge??? On a free delivery order!!!", {"abuse.yelling"}, set()),
    ("what does this code mean???", set(), {"abuse.yelling"}),
    ("Amazing!!! Thank you so much!!! It arrived!!!", set(), {"abuse.yelling"}),
    ("He wears the dinosaur costume to bed!!!! Every single night!!!", set(), {"abuse.yelling"}),
    # capitals that fill a form field or spell a company name
    ("Please invoice to Company name: HARBOUR LIGHT DESIGN STUDIO, thanks", set(), {"abuse.yelling"}),
    ("The payee is BRIGHTWATER HOME SUPPLIES LTD, is that right?", set(), {"abuse.yelling"}),
    ("WHY HAVE YOU CHARGED ME TWICE FOR ONE ORDER", {"abuse.yelling"}, set()),
]


@pytest.mark.parametrize(("text", "must", "must_not"), CASES, ids=[c[0][:40] for c in CASES])
def test_dev3_abuse_construction(reader: Reader, text: str, must: set[str], must_not: set[str]) -> None:
    got = {s.label for s in reader.read(text).signals}
    assert must <= got, f"missing {sorted(must - got)} in {sorted(got)}"
    assert not (must_not & got), f"false alarm {sorted(must_not & got)}"


# Precision on real, non-support text (issue #13): harassment and insults are aimed at the agent;
# health talk, idioms, a real clown or a set phrase are not. Our own sentences, each the pattern of a
# false positive seen on public text, next to a true positive.
PRECISION: list[tuple[str, str, bool]] = [
    ("abuse.harassment", "Hang in there, your body will feel like yours again soon.", False),
    ("abuse.harassment", "Drink water, your body needs it after a run.", False),
    ("abuse.harassment", "your body is so hot", True),
    ("abuse.harassment", "you sound pretty certain about that", False),
    ("abuse.harassment", "you look so pretty", True),
    ("abuse.harassment", "one second it was on the shelf and then poof, it disappeared", False),
    ("abuse.harassment", "haven't seen him in a coon's age", False),
    ("abuse.harassment", "The old man next door fixed my fence.", False),
    ("abuse.harassment", "Listen, old man, just do your job.", True),
    ("abuse.harassment", "We need more women like you in engineering!", False),
    ("abuse.harassment", "women like you shouldn't be allowed on the phones", True),
    ("abuse.harassment", "I'm not a native English speaker, sorry.", False),
    ("abuse.harassment", "put me through to a native English speaker", True),
    ("abuse.harassment", "You ladies are amazing, thank you so much.", False),
    ("abuse.harassment", "you ladies are all the same, useless", True),
    ("abuse.harassment", "my PMs are open if you want to chat", False),
    ("abuse.harassment", "is it PMS or something?", True),
    ("abuse.harassment", "Your assumption about the numbers is wrong.", False),
    ("abuse.harassment", "your ass looks great in that uniform", True),
    ("abuse.harassment", "My son sang in the school play, he has a lovely voice.", False),
    ("abuse.harassment", "you have a lovely voice", True),
    ("abuse.harassment", "He was described as a 60 year old man.", False),
    ("abuse.harassment", "Cold weather can retard the growth of the seedlings.", False),
    ("abuse.insult", "There was a creepy clown standing at the bus stop last night.", False),
    ("abuse.insult", "The kids loved the party clown.", False),
    ("abuse.insult", "you absolute clown", True),
    ("abuse.insult", "Happy April Fool's day everyone", False),
    ("abuse.insult", "don't fool yourself", False),
    ("abuse.insult", "you fool", True),
    ("abuse.insult", "that video had me grinning like an idiot all day", False),
    ("abuse.insult", "you're acting like an idiot", True),
    ("abuse.insult", "what a knee-jerk reaction", False),
    ("abuse.insult", "you're a jerk", True),
]


@pytest.mark.parametrize(("label", "text", "fires"), PRECISION, ids=[f"{c[0]}:{c[1][:40]}" for c in PRECISION])
def test_abuse_precision_on_everyday_text(reader: Reader, label: str, text: str, fires: bool) -> None:
    assert (label in {s.label for s in reader.read(text).signals}) is fires
