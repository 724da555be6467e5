"""Coaching cost grows linearly with the draft's length.

Not a speed target: the cost of a draft is compared with that of the same draft eight times longer.
The contact regex's e-mail part was tried from every character of a long run of word characters
('_' * 20,000 took 2.9 s), the filler and sign-off checks backtracked over a long whitespace run
("Sorry" and 20,000 spaces), and so did the reference clause.
"""

from __future__ import annotations

import functools

import pytest
from costs import assert_padded_linear

import calmline
from calmline.coach import coach

PADDED = {
    "underscores": ("Thanks ", "_", "."),
    "roman numeral twelve": ("", "\u216b", ""),
    "www.": ("see ", "www.", " x"),
    "sorry then spaces": ("Sorry", " ", "x"),
    "spaces before a reference clause": ("Thanks", " ", "under reference {ticket}"),
}


@functools.lru_cache(maxsize=1)
def _analysis() -> calmline.Analysis:
    return calmline.analyze(calmline.Conversation.from_texts(("customer", "You lost my parcel again!")))


def _coach(draft: str) -> object:
    return coach(draft, _analysis(), ticket="CL-000001")


@pytest.mark.parametrize("name", sorted(PADDED))
def test_coaching_cost_is_linear_in_length(name: str) -> None:
    assert_padded_linear(_coach, name, PADDED[name], floor=1e-3)
