"""Short empathy that support replies use and the stock list lacked: a bare "I'm sorry.", "I know the
feeling", "I can relate", "I've been there", "*hugs*", "hope things get better".

Each is stock empathy on its own (``empathy.canned``) and stays silent in its near miss: an
apology attached to a clause ("We got this wrong, and I'm sorry" is ownership), "I'm sorry, but ..."
before a refusal, "been there" as a place. Written in our own words after forms seen in the EPITOME
development half (see the CHANGELOG for the held-out half's figures).
"""

from __future__ import annotations

import pytest

from calmline.coach.checks import detect

CUSTOMER = ["My dog died last week and I can't stop crying."]
EMPATHY = {"empathy.canned", "empathy.specific"}
CASES = [
    ("I'm sorry.", True),
    ("Oh, I'm so sorry!", True),
    ("So sorry.", True),
    ("I know the feeling.", True),
    ("I can totally relate.", True),
    ("I've been there myself.", True),
    ("*hugs*", True),
    ("I hope things get better for you soon.", True),
    ("We got this wrong, and I'm sorry.", False),  # an apology with ownership, not stock empathy
    ("I'm sorry, but I can't change the due date.", False),
    ("I've been there twice this week to check the queue.", False),  # a place
    ("I know the answer: press reset.", False),
    ("I hope the parcel arrives tomorrow.", False),
    ("I hope it goes smoothly.", False),  # logistics, not empathy
    ("I hope it gets to you before Saturday.", False),
]


@pytest.mark.parametrize(("reply", "empathic"), CASES, ids=[c[0][:40] for c in CASES])
def test_short_empathy(reply: str, empathic: bool) -> None:
    labels = {s.label for s in detect(reply, CUSTOMER)}
    assert ("empathy.canned" in labels) is empathic, labels  # stock on its own: nothing specific to this customer
    assert "empathy.specific" not in labels, labels


def test_bare_apology_is_stock_not_specific() -> None:
    (s,) = [s for s in detect("I'm so sorry.", CUSTOMER) if s.label in EMPATHY]
    assert s.label == "empathy.canned"
    assert s.evidence[0].text == "I'm so sorry"
