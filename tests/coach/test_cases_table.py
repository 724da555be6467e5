"""Per-label precision and recall of ``detect`` on hand-labelled support replies (tests/data/coach_cases.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmline.coach.checks import AGENT_LABELS, detect

TABLE = Path(__file__).resolve().parents[1] / "data" / "coach_cases.yaml"
MIN_POSITIVES = 5
P_FLOOR, R_FLOOR = 0.8, 0.7


def _scores() -> dict[str, tuple[float, float, int]]:
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    counts = {label: [0, 0, 0] for label in AGENT_LABELS}
    for scenario in data["scenarios"]:
        for text, gold in scenario["replies"]:
            assert set(gold) <= set(AGENT_LABELS), gold
            pred = {s.label for s in detect(text, [scenario["customer"]])}
            for label, c in counts.items():
                c[0] += label in pred and label in gold
                c[1] += label in pred and label not in gold
                c[2] += label not in pred and label in gold
    out = {}
    for label, (tp, fp, fn) in counts.items():
        out[label] = (tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp + fn)
    return out


SCORES = _scores()


def test_table_is_large_enough():
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    assert sum(len(s["replies"]) for s in data["scenarios"]) >= 150


@pytest.mark.parametrize("label", [x for x in AGENT_LABELS if SCORES[x][2] >= MIN_POSITIVES])
def test_label_precision_and_recall_floor(label):
    p, r, n = SCORES[label]
    assert p >= P_FLOOR and r >= R_FLOOR, f"{label}: P={p:.2f} R={r:.2f} on {n} positives"
