"""Behaviour of the shipped linear models and their numpy-only runtime."""

from __future__ import annotations

import functools
import math
from importlib import resources

import numpy as np
import pytest

from calmline.models import LinearModel, feature_strings, load_model, tokenize
from calmline.models._features import batch_char_buckets, batch_keys
from calmline.models._single import single_scorer

NAMES = ("emotion", "offensive")

MESSAGES = [
    "thanks, that fixed it",
    "This is ridiculous. I've been waiting THREE weeks and nobody answers!!",
    "I'm not happy at all, it doesn't work and I never got a refund",
    "you f*cking idiot",
    "sh1t service",
    "the parcel arrived on time",
    "Can you explain what this charge is? I don't understand",
    "I'm worried my account was hacked 😟 please help",
    "great job 👍👍 see https://example.com/x?y=1 @support",
    "line one\nline two\twith tabs and   spaces",
    "contains a \x00 separator char inside",
    "",
    "   ",
    "!!!???",
    "no",
    "not",
    "zxqv qwertyuiop unknownword",
    "Don’t “quote” me — it’s fine",
    "I was charged 3 times for order 12345 on 2024-01-02",
]


def one(m: LinearModel, text: str) -> tuple[float, ...]:
    """The single-message path's probabilities (float32 values, like the batch path's)."""
    return tuple(single_scorer([m]).predict(text)[0])


@pytest.fixture(scope="module", params=NAMES)
def model(request: pytest.FixtureRequest) -> LinearModel:
    return load_model(request.param)


def reference_logits(m: LinearModel, text: str) -> np.ndarray:
    """Slow, obviously-correct scoring from the feature strings."""
    rows = [m.vocab[f] for f in feature_strings(text, m.negation) if f in m.vocab]
    z = m.W[rows].astype(np.float64).sum(axis=0) if rows else np.zeros(m.W.shape[1])
    if m.sqrt_norm and rows:
        z = z / math.sqrt(len(rows))
    if m.char_W is not None:
        lo, hi = m.char_ngrams
        _, buckets = batch_char_buckets([text], m.char_W.shape[0], lo, hi)
        if buckets:
            z = z + m.char_W[buckets].astype(np.float64).sum(axis=0) / math.sqrt(len(buckets))
    return z + m.b


# ---------------------------------------------------------------- loading
def test_shipped_files_load_and_are_small() -> None:
    pkg = resources.files("calmline.models")
    for name in NAMES:
        m = load_model(name)
        assert m.name == name
        assert m.version == {"emotion": "v1", "offensive": "v2"}[name]
        assert m.n_features == len(m.vocab) > 1000
        assert m.W.dtype == np.float32 and m.b.dtype == np.float32
        size = len(pkg.joinpath(f"{name}.npz").read_bytes())
        assert size < 1_500_000, f"{name}.npz is {size} bytes"
    assert load_model("emotion").classes == (
        "frustration",
        "anger",
        "disappointment",
        "anxiety",
        "confusion",
        "satisfaction",
        "neutral",
    )
    assert load_model("offensive").classes == ("not_offensive", "offensive")


def test_load_model_is_cached() -> None:
    assert load_model("emotion") is load_model("emotion")


def test_unknown_model_name() -> None:
    from calmline.errors import ModelError

    with pytest.raises(ModelError, match="no shipped model"):
        load_model("nope")
    with pytest.raises(ModelError, match="bad model name"):
        load_model("../emotion")


def test_models_are_safe_to_share_between_threads(model: LinearModel) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"message {i} with a fresh w0rd{i} and sh1t{i % 7}" for i in range(400)]
    expected = [one(model, t) for t in texts]
    if model.char_W is not None:
        model._char_reset()  # start cold, so threads race to fill the caches
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(functools.partial(one, model), texts))
    assert np.allclose(np.array(got), np.array(expected), atol=1e-9)


def test_meta_names_training_data_and_licence(model: LinearModel) -> None:
    meta = model.meta
    assert meta["commercial_use_ok"] is True
    assert meta["n_features"] == model.n_features
    assert meta["created_by"].startswith("python training/train_models.py")
    files = meta["training_files_sha256"]
    if model.name == "emotion":
        assert "GoEmotions" in meta["trained_on"]
        assert "Apache-2.0" in meta["licence_of_training_data"]
        assert set(files) >= {"goemotions/train.tsv", "goemotions/dev.tsv"}
        assert 0.3 < meta["metrics"]["macro_f1"] <= 1.0
    else:
        assert "Davidson" in meta["trained_on"]
        assert "MIT" in meta["licence_of_training_data"]
        assert "davidson_hate_offensive/labeled_data.csv" in files
        assert meta["metrics"]["heldout_davidson_20pct"]["auc"] > 0.9
        assert "cross_olid_training_v1" in meta["metrics"]
    assert all(len(h) == 64 for h in files.values())


# ----------------------------------------------------------- featurisation
def test_featurisation_is_deterministic() -> None:
    text = "I don't like this at ALL!! sh1t 😡 see www.x.com"
    assert feature_strings(text) == feature_strings(text)
    assert batch_keys([text, text]) == batch_keys([text, text])
    assert tokenize(text) == [
        "i", "don't", "like", "this", "at", "all", "!", "!", "shit", "😡", "see", "<url>",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sh1t", ["shit"]),
        ("b!tch", ["bitch"]),
        ("@ss", ["ass"]),
        ("a$$hole", ["asshole"]),
        ("f*cking", ["fucking"]),
        ("f**k", ["fuck"]),
        ("l0ser", ["loser"]),
        ("@john_doe", ["<user>"]),
        ("covid19", ["covid19"]),
        ("2nd", ["2nd"]),
        ("42", ["<num>"]),
        ("3.50", ["<num>", "<num>"]),
        ("http://a.b/c", ["<url>"]),
        ("don’t", ["don't"]),
        ("great!", ["great", "!"]),
        ("OK👍", ["ok", "👍"]),
        ("x1", ["x1"]),
    ],
)
def test_tokenize_normalises_and_deleets(raw: str, expected: list[str]) -> None:
    assert tokenize(raw) == expected


def test_negation_marks_following_tokens() -> None:
    feats = feature_strings("this is not working at all! fine", negation=True)
    assert {"NOT_working", "NOT_at", "NOT_all"} <= set(feats)
    assert "fine" in feats and "NOT_fine" not in feats
    assert "not working" in feats  # bigrams stay plain


def test_char_ngrams_are_stable_hashes() -> None:
    m = load_model("offensive")
    assert m.char_W is not None and load_model("emotion").char_W is None
    assert m.meta["featurizer"]["version"] == 2 and load_model("emotion").meta["featurizer"]["version"] == 1
    msgs, buckets = batch_char_buckets(["ab", "@bob 42 😡", "ok"], 1 << 18, 2, 5)
    # " ab " -> 3 bigrams, 2 trigrams, 1 four-gram; nothing for a mention, number, emoji
    assert msgs == [0] * 6 + [2] * 6
    import zlib

    assert buckets[0] == zlib.crc32(b" a") % (1 << 18)


def test_messages_do_not_leak_into_each_other() -> None:
    uni, bi = batch_keys(["not", "happy"])
    assert "NOT_happy" not in uni
    assert "not happy" not in bi


# ------------------------------------------------------------ probabilities
def test_probabilities_are_valid(model: LinearModel) -> None:
    p = model.predict_proba(MESSAGES)
    assert p.shape == (len(MESSAGES), len(model.classes))
    assert p.dtype == np.float32
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert model.predict_proba([]).shape == (0, len(model.classes))


def test_batch_single_and_reference_agree(model: LinearModel) -> None:
    batch = model.predict_proba(MESSAGES)
    for i, text in enumerate(MESSAGES):
        single = one(model, text)
        assert isinstance(single, tuple) and len(single) == len(model.classes)
        np.testing.assert_allclose(batch[i], single, atol=1e-5, err_msg=repr(text))
        alone = model.predict_proba([text])[0]
        np.testing.assert_allclose(batch[i], alone, atol=1e-6, err_msg=repr(text))
    np.testing.assert_allclose(
        model.decision_function(MESSAGES),
        np.stack([reference_logits(model, t) for t in MESSAGES]),
        atol=1e-4,
    )


def test_empty_and_huge_inputs(model: LinearModel) -> None:
    huge = ("this is a very long message, not great! " * 3000)[:100_000]
    assert len(huge) == 100_000
    for text in ("", huge, "x" * 100_000):
        single = one(model, text)
        assert all(math.isfinite(v) for v in single)
        assert abs(sum(single) - 1.0) < 1e-6
        batch = model.predict_proba([text])
        np.testing.assert_allclose(batch[0], single, atol=1e-5)
    # an empty message scores the bias only
    np.testing.assert_allclose(model.decision_function([""])[0], model.b, atol=1e-6)


def test_rejects_a_bare_string(model: LinearModel) -> None:
    with pytest.raises(TypeError):
        model.predict_proba("hello")  # type: ignore[arg-type]


# --------------------------------------------------------------- behaviour
def test_angry_message_scores_angrier_than_thanks() -> None:
    m = load_model("emotion")
    angry, thanks = m.predict_proba(
        [
            "This is ridiculous, I've been waiting three weeks and nobody answers. Absolutely useless and I'm furious!",
            "thanks, that fixed it",
        ]
    )
    c = {name: i for i, name in enumerate(m.classes)}
    assert angry[c["anger"]] + angry[c["frustration"]] > thanks[c["anger"]] + thanks[c["frustration"]]
    assert m.classes[int(thanks.argmax())] == "satisfaction"
    assert angry[c["satisfaction"]] < thanks[c["satisfaction"]]


def test_offensive_scores_insults_above_neutral() -> None:
    m = load_model("offensive")
    p = m.predict_proba(["you f*cking idiot", "sh1t service", "the parcel arrived on time"])[:, 1]
    assert p[0] > p[2] and p[1] > p[2]
    assert p[0] > 0.5 > p[2]
    # obfuscation does not hide a word
    assert one(m, "sh1t service") == one(m, "shit service")


def test_top_features_explain(model: LinearModel) -> None:
    if model.name == "emotion":
        feats = model.top_features("thank you so much, that fixed it", "satisfaction", k=3)
        assert feats and any("thank" in f for f, _ in feats)
    else:
        feats = model.top_features("you f*cking idiot", "offensive", k=3)
        assert feats and any("fucking" in f for f, _ in feats)
    assert len(feats) <= 3
    assert all(v > 0 for _, v in feats)
    assert [v for _, v in feats] == sorted((v for _, v in feats), reverse=True)
    assert model.top_features("", model.classes[0]) == []
    with pytest.raises(KeyError):
        model.top_features("x", "no-such-class")
