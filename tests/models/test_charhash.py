"""The vectorised char n-gram hashing gives exactly the reference buckets and sums (#14)."""

from __future__ import annotations

import random
import string

import numpy as np
import pytest

from calmline.models import load_model
from calmline.models._charhash import ngram_crc32
from calmline.models._features import char_buckets
from calmline.models._linear import LinearModel, char_fill, predict_proba_many
from calmline.models._single import single_scorer

EDGE = [
    "a", "ab", "the", "refund", "x" * 32, "x" * 33, "<url>", "<num>", "a<b", "<", "123", "a1", "covid19",
    "f*cking", "don't", "!", "?", "_", "a_b", "é", "naïve", "straße", "İstanbul", "😡", "a😡", "日本語",
    "ǅ", "\u0301a", "ᵃ", "z" * 31 + "é",
]  # fmt: skip


def one(m: LinearModel, text: str) -> tuple[float, ...]:
    """The single-message path's probabilities (float32 values, like the batch path's)."""
    return tuple(single_scorer([m]).predict(text)[0])


def _random_tokens(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_lowercase * 4 + string.digits + "'!*_$@<éüß😡"
    return list(dict.fromkeys("".join(rng.choices(alphabet, k=rng.randint(1, 40))) for _ in range(n)))


@pytest.mark.parametrize(("lo", "hi"), [(2, 5), (3, 5), (1, 1), (4, 6)])
def test_crcs_equal_the_reference_buckets(lo: int, hi: int) -> None:
    tokens = EDGE + _random_tokens(600, lo * 10 + hi)
    owner, lengths, crc = ngram_crc32(tokens, lo, hi)
    n_buckets = 65_536
    got: list[list[int]] = [[] for _ in tokens]
    for k, b in zip(owner.tolist(), (crc % n_buckets).tolist(), strict=True):
        got[k].append(b)
    assert [tuple(g) for g in got] == [char_buckets(t, n_buckets, lo, hi) for t in tokens]
    # each token's n-grams are contiguous, with their lengths
    assert len(set(owner.tolist())) == int((np.diff(owner) != 0).sum()) + (1 if owner.size else 0)
    assert set(lengths.tolist()) <= set(range(lo, hi + 1))


def test_no_tokens_or_none_with_ngrams() -> None:
    for tokens in ([], ["<url>", "123", "😡", "x" * 40]):
        owner, lengths, crc = ngram_crc32(tokens, 2, 5)
        assert owner.size == lengths.size == crc.size == 0


def _fresh(name: str) -> LinearModel:
    m = load_model(name)
    clone = LinearModel(
        name=m.name, version=m.version, classes=m.classes, vocab=m.vocab, W=m.W, b=m.b, meta=m.meta,
        negation=m.negation, sqrt_norm=m.sqrt_norm, char_W=m.char_W, char_ngrams=m.char_ngrams,
    )  # fmt: skip
    return clone


@pytest.mark.parametrize("name", ["offensive", "learned_negative"])
def test_filled_sums_are_bit_identical_to_the_per_token_path(name: str) -> None:
    tokens = EDGE + _random_tokens(400, 7)
    batch, single = _fresh(name), _fresh(name)
    other = _fresh("learned_sarcasm" if name == "offensive" else "offensive")  # other n-gram lengths
    single._char_reset()
    char_fill([batch, other], tokens)
    char_fill([batch], tokens)  # already known: nothing changes
    for t in tokens:
        i, j = batch._char_tok[t], single._char_token_id(t)
        assert (i == 0) == (j == 0), t
        assert batch._char_cnt[i] == single._char_cnt[j]
        assert batch._char_sum[i, 0] == single._char_sum[j, 0]  # exact, not approximately


def test_batches_with_many_new_tokens_score_like_one_by_one() -> None:
    models = [_fresh(n) for n in ("emotion", "offensive", "learned_negative", "learned_complaint")]
    texts = [" ".join(_random_tokens(30, s)) + " you idiot, where is my refund?" for s in range(60)]
    batch = predict_proba_many(models, texts)
    for m, p in zip(models, batch, strict=True):
        for text, row in zip(texts, p, strict=True):
            np.testing.assert_allclose(row, one(m, text), rtol=0, atol=1e-6)


def test_caches_reset_mid_stream_keep_scores_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny cache limits force the char-id caches and the shared token table to be rebuilt between batches."""
    from calmline.models import _linear

    monkeypatch.setattr(_linear, "_CHUNK_CACHE_MAX", 40)
    models = [_fresh(n) for n in ("emotion", "offensive", "learned_sarcasm")]
    for s in range(6):
        texts = [" ".join(_random_tokens(12, 100 * s + k)) + " thanks, sorted!" for k in range(8)]
        batch = predict_proba_many(models, texts)
        for m, p in zip(models, batch, strict=True):
            for text, row in zip(texts, p, strict=True):
                np.testing.assert_allclose(row, one(m, text), rtol=0, atol=1e-6)
