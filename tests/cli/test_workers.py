"""``calmline analyze --workers N``: the same JSONL, in input order, from several processes (#14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calmline.analyze import batches
from calmline.cli._parallel import CHUNK, parallel_jsonl_lines
from calmline.errors import InputError
from calmline.types import Conversation

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "Where is my refund? Third time I ask.",
    "You are a useless clown.",
    "Thanks, all sorted!",
    "I'll take this to my lawyer if it is not fixed today.",
    "f*ck this, still waiting after 40 minutes",
]


def _convs(n: int) -> list[Conversation]:
    return [Conversation.from_texts(("customer", f"{TEXTS[i % len(TEXTS)]} (order {i})"), id=f"c{i}") for i in range(n)]


def test_parallel_output_equals_serial_output_in_order() -> None:
    convs = _convs(3 * CHUNK + 7)  # several chunks, the last one partial
    serial = "".join(parallel_jsonl_lines(convs, 1, include_text=True))
    parallel = "".join(parallel_jsonl_lines(iter(convs), 3, include_text=True))
    assert parallel == serial
    assert [json.loads(x)["id"] for x in parallel.splitlines()] == [c.id for c in convs]


def test_cli_workers_flag(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"c{i}", "turns": [{"role": "customer", "text": TEXTS[i % 5]}]}) for i in range(300)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "calmline", "analyze", str(path), "--format", "jsonl", *extra]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120, check=False)

    one, two = run(), run("--workers", "2")
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    assert one.stdout == two.stdout and len(two.stdout.splitlines()) == 300
    with path.open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    bad = run("--workers", "2")
    assert bad.returncode == 2 and f"{path}:301: malformed JSON" in bad.stderr
    assert run("--workers", "0").returncode == 2  # out of range: a usage error


def _failing_after(convs: list[Conversation]):  # type: ignore[no-untyped-def]
    yield from convs
    raise InputError("malformed JSON", source="in.jsonl", line=len(convs) + 1)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_fatal_bad_record_keeps_every_record_before_it(workers: int) -> None:
    convs = _convs(2 * CHUNK + 5)  # the bad record falls inside a batch, after full ones
    got: list[str] = []
    with pytest.raises(InputError, match="malformed JSON"):
        for chunk in parallel_jsonl_lines(_failing_after(convs), workers, include_text=False):
            got.extend(chunk.splitlines())
    assert [json.loads(x)["id"] for x in got] == [c.id for c in convs]


def test_batches_yield_what_came_before_a_failure_then_raise() -> None:
    out: list[list[int]] = []
    with pytest.raises(ValueError, match="bad"):
        for b in batches(_raising([1, 2, 3, 4, 5]), 2):
            out.append(b)
    assert out == [[1, 2], [3, 4], [5]]
    assert list(batches(iter(range(4)), 2)) == [[0, 1], [2, 3]] and list(batches([], 3)) == []


def _raising(items: list[int]):  # type: ignore[no-untyped-def]
    yield from items
    raise ValueError("bad")
