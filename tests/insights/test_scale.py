"""Partitioned runs (processes, a real local Dask cluster of 2 workers) equal the single-process run."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmline.insights import build_report
from calmline.insights.run import totals_parallel
from calmline.io import read_conversations

SAMPLES = Path(__file__).resolve().parents[2] / "calmline" / "data" / "samples" / "conversations.jsonl"


def _baseline() -> dict[str, object]:
    return build_report(totals_parallel(read_conversations(SAMPLES)))


def test_two_processes_small_partitions_equal_one_process() -> None:
    seen: list[int] = []
    totals = totals_parallel(read_conversations(SAMPLES), workers=2, partition=3, progress=seen.append)
    assert sum(seen) == 14 and len(seen) == 5  # five partitions reduced
    assert build_report(totals) == _baseline()


def test_local_dask_cluster_of_two_workers_equals_one_process() -> None:
    pytest.importorskip("distributed")
    totals = totals_parallel(read_conversations(SAMPLES), workers=2, dask="local", partition=4)
    assert totals.conversations == 14
    assert build_report(totals) == _baseline()


def test_analyze_dask_local_equals_one_process() -> None:
    pytest.importorskip("distributed")
    import json

    from typer.testing import CliRunner

    from calmline.cli import app

    runner = CliRunner()
    args = ["analyze", str(SAMPLES), "--format", "jsonl"]
    one = runner.invoke(app, args)
    on_dask = runner.invoke(app, [*args, "--dask", "local"])
    assert on_dask.exit_code == 0, on_dask.output
    rows = [json.loads(line) for line in on_dask.stdout.splitlines() if line.startswith("{")]
    assert rows == [json.loads(line) for line in one.stdout.splitlines()]
    assert len(rows) == 14
