"""Per-label recall and precision floors on the dev2 case set (tests/data/dev2_cases.yaml).

Floors sit a little below the values the lexicons reached when the set was written,
so a regression in any focus label shows up without making the test brittle.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from conftest import DATA

from calmline.signals.reader import Reader

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "dev2_cases.yaml").read_text(encoding="utf-8"))

# label: (recall floor, precision floor)
FLOORS = {
    "threat.personal": (0.9, 0.9),
    "threat.churn": (0.9, 0.9),
    "threat.legal": (0.9, 0.9),
    "threat.public": (0.9, 0.9),
    "abuse.insult": (0.9, 0.9),
    "abuse.harassment": (0.9, 0.9),
    "customer.sarcasm": (0.85, 0.85),
    "customer.repeating": (0.8, 0.85),
}


@pytest.fixture(scope="module")
def counts(reader: Reader) -> tuple[Counter[str], Counter[str], Counter[str], int]:
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    near_miss_hits = 0
    for case in CASES:
        got = {s.label for s in reader.read(case["text"]).signals}
        want = set(case["labels"])
        for label in got & want:
            tp[label] += 1
        for label in got - want:
            fp[label] += 1
        for label in want - got:
            fn[label] += 1
        if not want and got:
            near_miss_hits += 1
    return tp, fp, fn, near_miss_hits


def test_dev2_is_big_enough() -> None:
    assert len(CASES) >= 200
    per_label = Counter(label for case in CASES for label in case["labels"])
    for label in FLOORS:
        assert per_label[label] >= 15, f"too few positives for {label}"
    assert sum(1 for case in CASES if not case["labels"]) >= 60


@pytest.mark.parametrize("label", sorted(FLOORS))
def test_dev2_recall_and_precision(counts: tuple[Counter[str], Counter[str], Counter[str], int], label: str) -> None:
    tp, fp, fn, _ = counts
    recall_floor, precision_floor = FLOORS[label]
    recall = tp[label] / (tp[label] + fn[label])
    precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 1.0
    assert recall >= recall_floor, f"{label}: recall {recall:.2f} < {recall_floor}"
    assert precision >= precision_floor, f"{label}: precision {precision:.2f} < {precision_floor}"


def test_dev2_near_misses_mostly_silent(counts: tuple[Counter[str], Counter[str], Counter[str], int]) -> None:
    assert counts[3] <= 3, f"{counts[3]} near-miss cases fired a label"
