"""Analysis cost grows linearly with the message length (issue #19, item 4).

Not a speed target (those live in ``make bench``): the test compares the cost of a
text with that of the same text eight times longer. Linear work gives a ratio near
8, quadratic work (the old clause rescans in the profanity apology check, the
negation look-back and the quoted-range scan) near 64; the bound sits far from both.
"""

from __future__ import annotations

import pytest
from costs import LIMIT, assert_padded_linear, best_cpu

from calmline.signals._text import Message
from calmline.signals.reader import Reader

ADVERSARIAL = {
    "masked swearing": "f*ck ",
    "capitals insult": "YOU IDIOT ",
    "quoted insult": '"idiot" ',
    "negated insults": "not stupid ",
    "apology then swearing": "sorry for my language shit ",
    "short sentences": "No. ",
    "one character": "a",
    "emoji": "\U0001f621",
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_cost_is_linear_in_length(rules_reader: Reader, name: str) -> None:
    unit = ADVERSARIAL[name]
    rules_reader.read(unit * 10)  # warm caches
    short = (unit * (2_500 // len(unit) + 1))[:2_500]
    long = (unit * (20_000 // len(unit) + 1))[:20_000]
    ratio = best_cpu(rules_reader.read, long) / max(best_cpu(rules_reader.read, short), 1e-4)
    assert ratio < LIMIT, f"{name}: 8x the text cost {ratio:.0f}x the time"


#: a head, a long filler, a tail: the shapes that made four lexicon regexes quadratic (two unbounded
#: whitespace runs side by side; a ``\W*`` that swallowed a run of "! ! !" at every start; an unbounded
#: repeated "the " before "commissioner")
PADDED = {
    "advice exclusion": ("I'm leaving you.", " ", "x your"),
    "manager at the end": ("I want a manager", "! ", ""),
    "manager then spaces": ("manager.", " ", "x"),
    "tabs": ("Cancel.", "\t", "your plan"),
    "whitespace before a manager": ("I will", "\t", " manager call me"),
    "repeated article before a regulator": ("", "the ", "ombudsman is coming"),
    # a duration's number then a whitespace run (the ``DUR`` macro had two optional runs side by side)
    "duration then spaces": ("I was on hold for 2", " ", "x"),
    "hold then newlines": ("please hold a", "\n", "x"),
    "deserve then spaces": ("we deserve", " ", "x"),
    # a queue's head count then a whitespace run (``\d+\s*\+?\s+``: two runs side by side around an optional "+")
    "queue count then spaces": ("the queue is 50", " ", "x"),
    "people count then spaces": ("people in line: 60", " ", "x"),
}


@pytest.mark.parametrize("name", sorted(PADDED))
def test_padded_text_cost_is_linear_in_length(rules_reader: Reader, name: str) -> None:
    assert_padded_linear(rules_reader.read, name, PADDED[name], floor=1e-4)


def test_before_reads_a_bounded_window() -> None:
    m = Message("word " * 3000 + "not clever at all")
    pos = m.norm.index("clever")
    assert m.before(pos, words=3) == "word word not"
    assert m.before(pos, words=1) == "not"
    assert m.before(5, words=4) == "word"
    assert m.before(0, words=4) == ""


def test_quoted_ranges_are_found_by_bisection() -> None:
    m = Message('he said "you idiot" and "fool" then ok')
    a = m.norm.index("idiot")
    b = m.norm.index("fool")
    c = m.norm.index("ok")
    assert m.is_quoted(a, a + 5)
    assert m.is_quoted(b, b + 4)
    assert not m.is_quoted(c, c + 2)


def test_apology_still_excuses_the_swearing(rules_reader: Reader) -> None:
    text = "sorry for my language " + "shit " * 3000
    labels = {s.label for s in rules_reader.read(text).signals}
    assert "abuse.profanity" not in labels
    assert "abuse.profanity" in {s.label for s in rules_reader.read("shit " * 3000).signals}
