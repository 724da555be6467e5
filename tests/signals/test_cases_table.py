"""The hand-written case table (tests/data/customer_cases.yaml) against the detectors.

Every ``absent`` label is a deliberate near miss and must never fire; the labels a
case lists must fire for the large majority of cases per label (a few hard cases
may stay unsolved, and the per-label floor keeps them visible without hiding
regressions).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml
from conftest import DATA

from calmline.signals.reader import Reader
from calmline.types import CUSTOMER_LABELS

CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "customer_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", [c for c in CASES if c.get("absent")], ids=lambda c: c["text"][:50])
def test_near_misses_do_not_fire(reader: Reader, case: dict[str, Any]) -> None:
    got = {s.label for s in reader.read(case["text"], previous_agent_text=case.get("context")).signals}
    assert not got & set(case["absent"]), case.get("note", "")


def test_recall_per_label_on_the_case_table(reader: Reader) -> None:
    hit, total = Counter[str](), Counter[str]()
    false_pos = Counter[str]()
    for case in CASES:
        got = {s.label for s in reader.read(case["text"], previous_agent_text=case.get("context")).signals}
        want = set(case.get("labels") or [])
        for label in want:
            total[label] += 1
            hit[label] += label in got
        for label in got - want:
            false_pos[label] += 1
    for label in CUSTOMER_LABELS:
        assert total[label] >= 8, f"too few cases for {label}"
        assert hit[label] / total[label] >= 0.75, f"{label}: recall {hit[label]}/{total[label]}"
        assert false_pos[label] <= 2, f"{label}: {false_pos[label]} unexpected detections"


def test_frustration_ranks_like_the_analyst_scale(reader: Reader) -> None:
    from scipy.stats import spearmanr

    ours = [reader.read(c["text"]).frustration for c in CASES]
    gold = [c["frustration"] for c in CASES]
    assert spearmanr(ours, gold)[0] >= 0.6
