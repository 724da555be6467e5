"""Supportive replies are not read as blame, dismissal or sarcasm (issue #13: real supporter turns).

On 8,468 supporter turns of ESConv's training split, "it's not your fault" was read as blame,
"take a few deep breaths to calm down" and "I like to relax with a book" as dismissive, and
"whatever you do, don't ..." and "congratulations on ..." as sarcastic mirroring. The sentences below
were written for this test; each harmful form keeps its near miss.
"""

from __future__ import annotations

import pytest

from calmline.coach.checks import detect


def labels(text: str) -> set[str]:
    return {s.label for s in detect(text, [])}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("It's not your fault the parcel went to the wrong depot.", "blame"),
        ("None of this was your fault, and I'm sorry it happened.", "blame"),
        ("You probably felt let down after three missed deliveries.", "blame"),
        ("A few slow breaths can help you calm down before the call.", "dismissive"),
        ("I hope you get a chance to relax this weekend.", "dismissive"),
        ("Whatever you decide, I'll keep the booking on hold until Friday.", "dismissive"),
        ("It's just the worst feeling when a parcel goes missing.", "dismissive"),
        ("Congratulations on the new house, let's get the broadband moved.", "tone.mirroring"),
        ("Obviously that's frustrating, so let me look right now.", "tone.mirroring"),
    ],
)
def test_supportive_sentence_is_not_harmful(text: str, label: str) -> None:
    assert label not in labels(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("That was your own mistake when you entered the postcode.", "blame"),
        ("You probably entered the wrong email address.", "blame"),
        ("Calm down, please, I'm doing what I can.", "dismissive"),
        ("I'm sorry. You need to relax.", "dismissive"),
        ("Whatever. I can't change the policy.", "dismissive"),
        ("That's just the way it is.", "dismissive"),
        ("Obviously you didn't read the email we sent.", "tone.mirroring"),
    ],
)
def test_harmful_sentence_is_still_read(text: str, label: str) -> None:
    assert label in labels(text)
