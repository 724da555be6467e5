"""The single-message scorer gives exactly the batch path's probabilities (issue #14)."""

from __future__ import annotations

import random
import string
import threading

import numpy as np
import pytest

from calmline.models import _linear
from calmline.models._linear import LinearModel, load_model, predict_proba_many
from calmline.models._single import SingleScorer, predict_proba_all, single_scorer

NAMES = ("emotion", "offensive", "learned_negative", "learned_sarcasm", "learned_complaint")
TEXTS = [
    "",
    "   ",
    "I am not happy, not at all!",
    "don't you dare ignore me again ... NOT acceptable?",
    "sh1t s3rvice, f*cking useless @ss",
    "visit https://example.com or @support_team, order #12345 on 10/12",
    "thanks so much 😡😡 😊",
    "naïve café über straße",
    "word " * 400,
    "x" * 5000,
    "a\x00b separators \x00 inside",
]


def _fresh(name: str) -> LinearModel:
    m = load_model(name)
    return LinearModel(
        name=m.name, version=m.version, classes=m.classes, vocab=m.vocab, W=m.W, b=m.b, meta=m.meta,
        negation=m.negation, sqrt_norm=m.sqrt_norm, char_W=m.char_W, char_ngrams=m.char_ngrams,
    )  # fmt: skip


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["not", "never", "you", "idiot", "refund", "!", "?", "thanks", "broken", "wait", "😡", "sh1t", "café"]
    alphabet = string.ascii_lowercase * 3 + string.digits + "'!*$@é"
    out = []
    for _ in range(n):
        toks = [rng.choice(words) if rng.random() < 0.5 else "".join(rng.choices(alphabet, k=rng.randint(1, 12)))]
        toks += [rng.choice(words) if rng.random() < 0.5 else "".join(rng.choices(alphabet, k=rng.randint(1, 12)))
                 for _ in range(rng.randint(0, 25))]  # fmt: skip
        out.append(" ".join(toks))
    return out


@pytest.fixture(scope="module")
def models() -> list[LinearModel]:
    return [_fresh(n) for n in NAMES]


def test_single_equals_batch_exactly(models: list[LinearModel]) -> None:
    texts = TEXTS + _random_texts(300, 1)
    batch = predict_proba_many(models, texts)
    scorer = SingleScorer(models)
    for i, text in enumerate(texts):
        rows = scorer.predict(text)
        assert len(rows) == len(models)
        for j, row in enumerate(rows):
            assert row == tuple(batch[j][i].tolist()), (NAMES[j], text[:60])


def test_dispatch_keeps_shapes_and_values(models: list[LinearModel]) -> None:
    one = predict_proba_all(models, ["you are not helping"])
    many = predict_proba_many(models, ["you are not helping", "fine"])
    for p, q in zip(one, many, strict=True):
        assert p.dtype == np.float32 and p.shape == (1, q.shape[1])
        assert p[0].tolist() == q[0].tolist()
    assert [p.shape[0] for p in predict_proba_all(models, [])] == [0] * len(models)


def test_tiny_caches_are_rebuilt_without_changing_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_linear, "_CHUNK_CACHE_MAX", 30)
    models = [_fresh(n) for n in ("offensive", "learned_sarcasm")]
    scorer = SingleScorer(models)
    texts = _random_texts(120, 7)
    expected = predict_proba_many(models, texts)
    for i, text in enumerate(texts):
        for j, row in enumerate(scorer.predict(text)):
            assert row == tuple(expected[j][i].tolist())


def test_threads_share_one_scorer(models: list[LinearModel]) -> None:
    texts = _random_texts(200, 3)
    expected = predict_proba_many(models, texts)
    scorer = single_scorer(models)
    assert single_scorer(models) is scorer
    got: dict[int, list[tuple[float, ...]]] = {}

    def work(k: int) -> None:
        for i in range(k, len(texts), 4):
            got[i] = scorer.predict(texts[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(len(texts)):
        assert [list(r) for r in got[i]] == [expected[j][i].tolist() for j in range(len(models))]


def test_a_fresh_scorer_reads_a_message_with_no_tokens() -> None:
    """The first message a process reads may be empty or punctuation only: the tables are built anyway."""
    models = [_fresh(n) for n in NAMES]
    expected = predict_proba_many([_fresh(n) for n in NAMES], ["", "..."])
    for i, text in enumerate(("", "...")):
        rows = SingleScorer(models).predict(text)
        assert [list(r) for r in rows] == [e[i].tolist() for e in expected]
