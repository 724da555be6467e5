"""Issue #13: the abuse head (alt-profanity-check's weights evaluated with numpy) and its learned insult."""

from __future__ import annotations

import numpy as np
import pytest

from calmline.analyze import analyze
from calmline.errors import ModelError
from calmline.models._tfidf import STRONG_WEIGHT, TfidfEnsemble, load_tfidf
from calmline.signals._learned_mix import LEARNED_ABUSE_MIN, LEARNED_ABUSE_SOURCE
from calmline.signals.reader import Reader
from calmline.types import Conversation, Role, Turn, TurnAnalysis

TEXTS = [
    "",
    "   ",
    "!!!",
    "Where is my refund? Order 4471 was due on Monday.",
    "you are a liar and a hypocrite",
    "idiot idiot idiot IDIOT",
    "Thanks so much, that fixed it.",
    "Ünïcödé façade naïve café 😡",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def head() -> TfidfEnsemble:
    return load_tfidf("learned_abuse")[0]


def test_same_probabilities_as_the_library(head: TfidfEnsemble) -> None:
    pc = pytest.importorskip("profanity_check")
    want = pc.predict_prob(TEXTS)
    np.testing.assert_allclose(head.predict(TEXTS), want, rtol=0, atol=1e-9)


def test_batch_equals_one_by_one(head: TfidfEnsemble) -> None:
    assert head.predict(TEXTS) == [head.predict([t])[0] for t in TEXTS]
    assert head.predict([]) == []


def test_a_text_holding_the_batch_separator_word_scores_as_alone(head: TfidfEnsemble) -> None:
    # the batch is tokenised as one joined string: a text holding the joining word must not split it
    from calmline.models._tfidf import _SEP_WORD

    texts = [f"you {_SEP_WORD} idiot", f"{_SEP_WORD.upper()} idiot idiot", f"x{_SEP_WORD}x moron", "idiot", ""]
    alone = [head.predict([t])[0] for t in texts]
    assert head.predict(texts) == alone
    assert alone[0] == head.predict(["you idiot"])[0]  # an unknown word changes nothing
    assert alone[1] == head.predict(["idiot idiot"])[0]


def test_scores_rank_insults_above_plain_requests(head: TfidfEnsemble) -> None:
    plain, insult = head.predict(["Where is my refund?", "you are a liar and a hypocrite"])
    assert plain < 0.1 < 0.9 < insult


def test_words_that_pushed_are_strong_words_only(head: TfidfEnsemble) -> None:
    words = [w for w, _ in head.top_features("you attractive hoes", k=3)]
    assert words == ["hoes"]  # "attractive" leans positive but is not an abusive word
    assert head.top_features("Where is my refund?") == []
    assert all(head.mean_w[head.vocab[w]] >= STRONG_WEIGHT for w, _ in head.top_features("pathetic lying idiot"))


def test_mismatched_arrays_are_refused() -> None:
    with pytest.raises(ModelError):
        TfidfEnsemble(["a", "b"], np.ones(2), np.ones((5, 4)))


# ------------------------------------------------------------ the learned insult
def _learned(reader: Reader, text: str) -> list[str]:
    return [s.evidence[0].text for s in reader.read(text).signals if s.source == LEARNED_ABUSE_SOURCE]


@pytest.mark.parametrize(
    ("text", "word"),
    [("you are a liar and a phony", "liar"), ("Honestly, you are a liar and a cheat", "liar")],
)
def test_insult_the_rules_miss_is_named_with_its_words(reader: Reader, text: str, word: str) -> None:
    r = reader.read(text)
    (sig,) = [s for s in r.signals if s.label == "abuse.insult"]
    assert sig.source == LEARNED_ABUSE_SOURCE
    assert word in [e.text for e in sig.evidence]
    assert all(text[e.start : e.end] == e.text for e in sig.evidence)
    assert sig.explanation.startswith("learned abuse") and "addresses the reader" in sig.explanation
    assert sig.score == r.learned["abuse"].score >= LEARNED_ABUSE_MIN


@pytest.mark.parametrize(
    "text",
    [
        "I am not calling you a liar, I just think the bill is wrong",  # negated
        'My neighbour said "you liar" to the courier',  # quoted / reported
        "The courier is a liar and a hypocrite",  # nobody addressed
        "I called the printer a hypocrite, not you",  # the address is negated, the word is elsewhere
        "liar liar",
    ],
)
def test_near_misses_stay_quiet(reader: Reader, text: str) -> None:
    assert _learned(reader, text) == []


def test_rules_keep_the_insults_they_find(reader: Reader) -> None:
    sources = {s.source for s in reader.read("you are a useless moron").signals if s.label == "abuse.insult"}
    assert sources == {"abuse.insult.v1"}


def test_rules_alone_have_no_learned_insult() -> None:
    assert _learned(Reader(learned=False), "you are a liar and a hypocrite") == []


def test_learned_scores_travel_in_the_analysis_and_round_trip(reader: Reader) -> None:
    conv = Conversation(id="c", turns=(Turn(Role.CUSTOMER, "you are a liar and a hypocrite"), Turn(Role.AGENT, "ok")))
    a = analyze(conv, reader=reader)
    d = a.turns[0].to_dict()
    assert set(d["learned"]) == {"abuse", "negative", "sarcasm", "complaint"}
    assert d["learned"]["abuse"] >= LEARNED_ABUSE_MIN
    assert "learned" not in a.turns[1].to_dict()  # agent turns are not read
    again = TurnAnalysis.from_dict(d, conv.turns[0])
    assert again.learned == pytest.approx(d["learned"])
