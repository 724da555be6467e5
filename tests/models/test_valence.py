"""Issue #13: the lexicon valence read by the learned negativity's stack."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from calmline.models._valence import Valence, load_valence
from calmline.signals.reader import Reader


def test_signs_follow_the_words() -> None:
    v = load_valence()
    assert v.score("this is the worst, I hate it") < -0.5
    assert v.score("thank you, that is wonderful") > 0.5
    assert v.score("") == 0.0
    assert v.score("order 4471, tracking ZX-99") == 0.0


def test_a_negator_turns_a_word_round() -> None:
    v = load_valence()
    assert v.score("this is good") > 0 > v.score("this is not good")
    assert v.score("no problem at all") > v.score("problem")


def test_what_follows_but_weighs_more() -> None:
    # VADER's contrast rule (x0.5 before "but", x1.5 after), which the simplified reading lacked
    v = load_valence()
    assert (
        v.score("the staff were great but the refund is awful")
        < 0
        < v.score("the refund is awful but the staff were great")
    )


def test_politeness_carries_no_valence() -> None:
    # support customers thank before they complain: "thanks" and "please" say nothing of how they feel
    # (tweets to airlines with "thanks": negative ones ranked 0.854 -> 0.861 AUC on the held-out half)
    v = load_valence()
    assert v.score("thanks") == v.score("please") == v.score("I appreciate it") == 0.0
    assert v.score("thank you, but it is still broken and useless") < 0
    assert v.score("thank you, that is wonderful") > 0.5


def test_quoted_words_are_someone_elses() -> None:
    # a title or the agent's own words in quotes say nothing of the writer's mood; scare quotes drop the praise
    v = load_valence()
    assert v.score('I have seen "Death Race" and "Dumb and Dumber"') == 0.0
    assert v.score('your "help" was useless') < v.score("your help was useless") < 0
    assert v.score('you said "it is terrible" but I love it') > 0.5


def test_score_is_bounded_whatever_the_length() -> None:
    v = Valence({"bad": -2.5})
    assert -1.0 < v.score("bad " * 10_000) < -0.99


def test_lexicon_is_vaders_with_its_attribution() -> None:
    meta = json.loads(resources.files("calmline.models").joinpath("valence.json").read_text("utf-8"))
    assert "MIT" in meta["licence"] and "Hutto" in meta["source"]
    vader = pytest.importorskip("vaderSentiment")
    path = Path(vader.__file__).with_name("vader_lexicon.txt")
    want = {p[0]: float(p[1]) for p in (ln.split("\t") for ln in path.read_text("utf-8").splitlines()) if len(p) >= 2}
    assert meta["words"] == want


def test_the_negative_reason_names_the_valence(reader: Reader) -> None:
    neg = reader.read("I am furious, this is the worst service ever").learned["negative"]
    assert neg.valence is not None and neg.valence < 0
    assert "lexicon valence -" in neg.reason
    happy = reader.read("Thank you so much, you are wonderful").learned["negative"]
    assert happy.score < neg.score
