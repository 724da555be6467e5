"""Normalisation keeps offsets; quotes and clauses are found."""

from __future__ import annotations

import pytest

from calmline.signals._text import Message, normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sh1t", "shit"),
        ("b!tch!!", "bitch!!"),
        ("@ss", "ass"),
        ("1d10t", "idiot"),
        ("30mins 4pm covid19", "30mins 4pm covid19"),
        ("s t u p i d", "stupid     "),
        ("“quoted” ‘single’", "\"quoted\" 'single'"),
        ("İSTANBUL", "istanbul"),
        ("ＹＯＵ ＩＤＩＯＴ！", "you idiot!"),  # full-width forms read as ASCII
    ],
)
def test_normalise_keeps_length(raw: str, expected: str) -> None:
    out = normalise(raw)
    assert out == expected
    assert len(out) == len(raw)


def test_quotes_and_reported_speech() -> None:
    m = Message('He said "you idiot" and the agent called me a liar. You are great.')
    a = m.norm.index("idiot")
    assert m.is_quoted(a, a + 5)
    b = m.norm.index("liar")
    assert m.is_quoted(b, b + 4)
    c = m.norm.index("great")
    assert not m.is_quoted(c, c + 5)


def test_clause_boundaries() -> None:
    m = Message("I am not angry, but you are useless.")
    pos = m.norm.index("useless")
    assert m.before(pos, words=3) == "you are"


def test_full_width_insult_is_read_in_a_batch_and_alone() -> None:
    from calmline.signals.reader import Reader

    reader = Reader()
    text = "ｙｏｕ ａｒｅ ａ ｃｌｏｗｎ"
    for reading in (reader.read(text), reader.read_many(["hi", text])[1]):
        insult = [s for s in reading.signals if s.label == "abuse.insult"]
        assert insult and insult[0].evidence[0].text == text
