"""Guidance cost grows linearly with the message length (the issue text is split and restated with regexes).

Not a speed target: the cost of a message is compared with that of the same message eight times
longer. Three fact-extraction regexes began with an unbounded whitespace run, tried again from
every space of a long run: "on hold for 2" and 20,000 spaces took 11 s to guide; the amount regex was
tried from every digit of "1,1,1,..." (8.5 s for 20,000 characters).
"""

from __future__ import annotations

import functools

import pytest
from costs import assert_padded_linear

import calmline

PADDED = {
    "waiting then spaces": ("I was on hold for 2", " ", "x, and where is my refund?"),
    "waiting then newlines": ("Still waiting, ", "\n", "and nobody answers"),
    "swearing then tabs": ("still no bloody refund", "\t", ", so"),
    "comma-separated digits": ("I paid ", "1,", " and got nothing"),
    "thousands separators": ("refund ", "1,000,", "x"),
    "commas before a courtesy": ("I need help with my order", ",", "x"),  # the trailing "please" is looked for
    "a verdict after spaces": ("my order arrived broken", " ", "and this is ridiculous"),
}


@functools.lru_cache(maxsize=8)
def _analysis(text: str) -> calmline.Analysis:
    return calmline.analyze(calmline.Conversation.from_texts(("customer", text)))


def _guide(text: str) -> object:
    """Guidance alone is timed: the analysis is worked out once per text (best of three calls)."""
    return calmline.decide(_analysis(text))


@pytest.mark.parametrize("name", sorted(PADDED))
def test_guidance_cost_is_linear_in_length(name: str) -> None:
    assert_padded_linear(_guide, name, PADDED[name], floor=1e-3)
