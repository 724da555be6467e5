"""The distinct-message speed table (``bench/_distinct.py``) reports what it measured."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import _distinct


def test_table_reports_ratios_targets_and_adversarial_rows() -> None:
    res = {
        "messages": "3 distinct messages",
        "read_many": {
            "calmline": {"msgs_per_s": 3000.0, "p50_ms": 0.3, "p99_ms": 1.2},
            "vader": {"msgs_per_s": 6000.0, "p50_ms": 0.05, "p99_ms": 0.2},
            "ratio": 0.5,
            "learned_us_per_msg": 21.4,
        },
        "jsonl_cli": {
            "calmline": {"msgs_per_s": 2000.0, "peak_rss_mb": 110.0},
            "vader": {"msgs_per_s": 4000.0, "peak_rss_mb": 90.0},
            "ratio": 0.5,
            "peak_rss_half_input_mb": 108.0,
        },
        "workers": {"1": {"wall_s": 4.0}, "2": {"wall_s": 2.5}, "speedup": 1.6, "cpus": 2},
        "startup": {"analyze_text_cpu_s": 0.61, "cold_cache_cpu_s": 1.8, "import_calmline_cpu_s": 0.25},
        "adversarial": {"repeated masked swearing": 15.6},
    }
    table = _distinct.table(res)
    assert "| `Reader.read_many`, msg/s (CPU) | 3,000 | 6,000 | 0.50x | >= 1.5x |" in table
    assert "| learned layer's own cost in `read_many` (with - without it), us/msg | 21 | | | <= 30 |" in table
    del res["read_many"]["learned_us_per_msg"]  # results from before the row existed
    assert "learned layer" not in _distinct.table(res)
    assert "4.00 s -> 2.50 s wall (1.60x" in table
    assert "| repeated masked swearing | 15.6 |" in table and "| 0.61 |" in table


def test_timed_reports_the_child_own_cpu_and_memory(tmp_path: Path) -> None:
    big = _distinct._timed([sys.executable, "-c", "x = bytearray(150 * 2**20)"])
    # the child's own peak (Linux starts it at the parent's size at fork, so only a lower bound is checked)
    assert big["peak_rss_mb"] >= 150
    assert big["cpu_s"] > 0 and big["wall_s"] > 0


def test_stages_time_every_step_of_a_batch_read(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"message {i}: where is my refund, you idiot? I waited {i} days" for i in range(40)]
    monkeypatch.setattr(_distinct, "distinct_messages", lambda n: (texts[:n], f"{n} test messages"))
    table = _distinct.stages(40)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines() if line.startswith("| ")}
    stages = (
        "prepare messages",
        "five linear models (and the learned heads' words)",
        "abuse head",
        "rule detectors",
        "frustration",
        "learned stacking, learned abuse signals, reasons",
        "emotion and Reading",
        "learned reasons and evidence (the JSONL's learned_why)",
        "total",
    )
    for stage in stages:
        assert stage in rows, table
    total = float(rows["total"].rstrip(" |").rsplit("| ", 1)[1])
    assert total > 0
