"""The calm-turn false-alarm rows of ``bench/_learned.py`` count what they say they count."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training"))

from bench import _learned


class _Reader:
    def __init__(self, frustration: dict[str, float]) -> None:
        self.frustration = frustration

    def read_many(self, texts: list[str]) -> list[Any]:
        return [SimpleNamespace(frustration=self.frustration[t]) for t in texts]


class _Systems:
    def vader(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        neg = np.array([0.5 if "bad" in t else -0.5 for t in texts])  # -compound
        return neg, neg


def _uss(path: Path, rows: list[tuple[str, int]]) -> None:
    lines = []
    for text, rating in rows:
        lines += [f"USER\t{text}\tx\t{rating},{rating}", "SYSTEM\tok", ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_calm_and_upset_shares(tmp_path: Path) -> None:
    folder = tmp_path / "uss_user_satisfaction"
    folder.mkdir()
    rows = [("fine thanks", 4), ("book a table", 3), ("this is bad", 4), ("awful bad", 1), ("meh", 2)]
    for part in ("SGD", "ReDial", "CCPE"):
        _uss(folder / f"{part}.txt", rows)
    full = _Reader({"fine thanks": 0.1, "book a table": 0.4, "this is bad": 0.2, "awful bad": 0.9, "meh": 0.3})
    rules = _Reader({t: 0.0 for t, _ in rows})
    out = _learned.calm_false_alarms(tmp_path, full, rules, _Systems(), None, 0)
    got = {(task.split(" ")[0], name, system): value for task, name, system, value in out}
    sgd = "USS SGD"
    assert got[("calm", sgd, "calmline (frustration)")] == 1 / 3  # "book a table" at 0.4 of three calm turns
    assert got[("upset", sgd, "calmline (frustration)")] == 1 / 2  # "awful bad" of two upset turns
    assert got[("calm", sgd, "rules only (frustration)")] == 0.0
    vader = "VADER (compound <= -0.05, its own negative line)"
    assert got[("calm", sgd, vader)] == 1 / 3 and got[("upset", sgd, vader)] == 1 / 2
    assert {name for _, name, _ in got} == {"USS SGD", "USS ReDial", "USS CCPE"}
