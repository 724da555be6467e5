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
