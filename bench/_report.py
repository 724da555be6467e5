"""``calmline report`` throughput for 1 and 2 worker processes on a synthetic archive, and its cost per million."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from calmline.io import read_conversations

SAMPLES = Path(__file__).resolve().parents[1] / "calmline" / "data" / "samples" / "conversations.jsonl"
VCPU_HOUR_USD = 0.04  # an assumed on-demand price per vCPU-hour, stated in the table


def synthetic_archive(path: Path, messages: int) -> int:
    """Write an archive of about ``messages`` messages (the samples with new ids, agents and days)."""
    base = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    written = i = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < messages:
            conv = dict(base[i % len(base)])
            conv["id"] = f"syn-{i}"
            conv["agent"] = f"agent-{i % 40}"
            conv["team"] = f"team-{i % 4}"
            fh.write(json.dumps(conv) + "\n")
            written += len(conv["turns"])
            i += 1
    return written


def report_bench(quick: bool, log: Callable[[str], None]) -> list[dict[str, Any]]:
    from calmline.insights import build_report
    from calmline.insights.run import totals_parallel

    target = 20_000 if quick else 1_000_000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.jsonl"
        messages = synthetic_archive(path, target)
        log(f"report: synthetic archive of {messages:,} messages")
        for workers in (1, 2):
            started = time.perf_counter()
            totals = totals_parallel(read_conversations(path), workers=workers)
            build_report(totals)
            wall = time.perf_counter() - started
            core_s = wall * workers / messages * 1e6
            rows.append(
                {
                    "workers": workers,
                    "messages": messages,
                    "conversations": totals.conversations,
                    "wall_s": wall,
                    "msg_per_s": messages / wall,
                    "core_s_per_million": core_s,
                    "usd_per_million": core_s / 3600 * VCPU_HOUR_USD,
                }
            )
            log(f"report: {workers} worker(s) {messages / wall:,.0f} msg/s")
    return rows
