"""bench/_rule_labels.py: weighted scores and the shipped labels file (no tweets needed)."""

from __future__ import annotations

import json

import pytest

from bench._rule_labels import KEYWORDS, LABELS_FILE, REVIEW_LABELS_FILE, _prf, evaluate, table


@pytest.mark.parametrize("path", [LABELS_FILE, REVIEW_LABELS_FILE], ids=["tweets", "reviews"])
def test_labels_files_hold_ids_and_labels_only(path: object) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    assert set(doc["labels"]) == set(KEYWORDS)
    assert {r["split"] for r in doc["rows"]} <= {"test", "dev"}
    for r in doc["rows"]:
        assert set(r) == {"id", "split", "stratum", "labels"}  # no tweet text is stored
        assert set(r["labels"]) <= set(doc["labels"])
        assert r["stratum"] is None or (r["split"] == "test" and r["stratum"] in doc["weights"])


def test_weighted_scores_count_each_row_by_its_weight() -> None:
    p, r, f = _prf([(1.0, True, True), (4.0, True, False), (2.0, False, True)])
    assert p == pytest.approx(1 / 3)
    assert r == pytest.approx(1 / 5)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert _prf([(1.0, False, False)]) == (0.0, 0.0, 0.0)


def test_evaluate_weights_the_test_split_and_skips_missing_tweets() -> None:
    doc = {
        "labels": ["threat.churn"],
        "weights": {"fires": 1.0, "rest": 10.0},
        "rows": [
            {"id": "1", "split": "test", "stratum": "fires", "labels": ["threat.churn"]},
            {"id": "2", "split": "test", "stratum": "rest", "labels": ["threat.churn"]},
            {"id": "3", "split": "dev", "stratum": None, "labels": []},
            {"id": "4", "split": "dev", "stratum": None, "labels": []},
        ],
    }
    texts = {"1": "never again", "2": "bye", "3": "hello"}  # tweet 4 is missing

    def system(batch: list[str]) -> list[set[str]]:
        return [{"threat.churn"} if "never" in t or "hello" in t else set() for t in batch]

    rows = evaluate(doc, texts, {"s": system})
    test, dev = rows
    assert (test["split"], test["n"], test["pos"]) == ("test", 2, 2)
    assert test["recall"] == pytest.approx(1 / 11)  # the missed row stands for ten
    assert test["precision"] == 1.0
    assert (dev["n"], dev["precision"]) == (1, 0.0)
    lines = table(rows).splitlines()
    assert lines[2].startswith("| airline tweets, held out | threat.churn (2) | s | 1.000 | 0.091 |")
    assert evaluate({**doc, "rows": doc["rows"][2:]}, {"3": "x"}, {"s": system}, "reviews")[0]["source"] == "reviews"
