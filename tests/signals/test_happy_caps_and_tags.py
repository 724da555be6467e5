"""Capitals and set phrases in real tweets to support that are not shouting or swearing.

Real tweets (the development half of ``../shared/data/airline_tweets``, and the ``@USER``
placeholders of OLID) showed ``abuse.yelling`` on hashtags and handles in capitals ("#DTW #MDW
#TUS", "@USER @USER @USER"), on happy capitals with a stretched word ("I LOVEEEE YOU"), and
``abuse.profanity`` on the drink "Bloody Mary". Each sentence is our own, beside a near miss
that must still fire.
"""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader

QUIET = [
    ("Flying with you again on Friday! #LAX #SFO #SEA", "abuse.yelling"),
    ("@USER @USER @USER I was going to ask the same thing.", "abuse.yelling"),
    ("@ACME @BOOKINGS @HELPDESK thanks for the quick fix", "abuse.yelling"),
    ("YOU ARE THE KINDEST CREW EVER, I LOVEEEE YOU", "abuse.yelling"),
    ("THANKSSSS SO MUCH FOR SORTING IT", "abuse.yelling"),
    ("Could you send two Bloody Marys to seat 14C?", "abuse.profanity"),
    ("My daughter got a bloody nose on the flight, do you have a first aid kit?", "abuse.profanity"),
]

FIRES = [
    ("WHY IS MY BAG STILL IN DENVER #LAX", "abuse.yelling"),
    ("I HATE THIS AIRLINE SO MUCH, WORST CREW EVER", "abuse.yelling"),
    ("This bloody airline lost my bag again", "abuse.profanity"),
    ("Stop being so bloody nosey about my account.", "abuse.profanity"),
]


@pytest.mark.parametrize(("text", "label"), QUIET, ids=[t[:40] for t, _ in QUIET])
def test_quiet(reader: Reader, text: str, label: str) -> None:
    assert label not in {s.label for s in reader.read(text).signals}


@pytest.mark.parametrize(("text", "label"), FIRES, ids=[t[:40] for t, _ in FIRES])
def test_fires(reader: Reader, text: str, label: str) -> None:
    assert label in {s.label for s in reader.read(text).signals}


def test_stretched_praise_reads_happy(reader: Reader) -> None:
    happy = reader.read("I LOVEEEE YOU GUYS, BEST CREW EVER")
    assert happy.frustration < 0.2, happy.reasons
    assert reader.read("I LOVE YOU GUYS, BEST CREW EVER").frustration < 0.2


def test_praise_of_the_reader_costs_linear_time() -> None:
    """The "not"/"never" look-ahead after "you made my day" is bounded (one look-ahead to the end of the text per
    "you made my day" was quadratic). Not a speed target: 8x the text may cost at most LIMIT x the time."""
    from costs import LIMIT, padded_ratio

    from calmline.signals.detectors.tone import praises_reader

    assert padded_ratio(praises_reader, "", "you made my day ", "not", floor=1e-4) < LIMIT
    assert not praises_reader("you made my day, not in a good way")
    assert not praises_reader("you made my day worse") and not praises_reader("you made my trip a nightmare")
    assert praises_reader("you made my day!")
