"""Every signal carries evidence that points at the exact words, a score and a reason."""

from __future__ import annotations

import pytest

from calmline.signals.reader import Reader
from calmline.types import CUSTOMER_LABELS

MESSAGES = [
    "You absolute clown, I've ALREADY told you THREE TIMES, where is my REFUND?!?!",
    "I'll see you in court. My solicitor will be in touch and I'm posting this on Facebook.",
    "Cancel my subscription. I want a manager. I've been on hold for an hour.",
    "Oh great, another 'update' that broke everything. Thanks for nothing 🙄",
    "Şu an çok sinirliyim, İSTANBUL şubesi berbat! you f**king idiots",
]


@pytest.mark.parametrize("text", MESSAGES)
def test_evidence_spans_match_the_text(reader: Reader, text: str) -> None:
    r = reader.read(text)
    assert r.signals, "expected at least one signal"
    for s in r.signals:
        assert s.label in CUSTOMER_LABELS
        assert 0.0 < s.score <= 1.0
        assert s.source.startswith(s.label.split(".")[0]) and s.source.endswith(".v1")
        assert s.explanation
        assert s.evidence
        for e in s.evidence:
            assert text[e.start : e.end] == e.text and e.text.strip()


def test_evidence_covers_the_trigger_words(reader: Reader) -> None:
    text = "Honestly you are a useless idiot."
    s = next(s for s in reader.read(text).signals if s.label == "abuse.insult")
    assert any("idiot" in e.text for e in s.evidence)


def test_masked_swearing_evidence_keeps_the_mask(reader: Reader) -> None:
    text = "what the f*ck is this"
    s = next(s for s in reader.read(text).signals if s.label == "abuse.profanity")
    assert [e.text for e in s.evidence] == ["f*ck"]
    assert "masked" in s.explanation
