"""``calmline report`` on a public dialogue set (USS SGD), when ../shared/data is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmline.cli import app

SGD = Path(__file__).resolve().parents[3] / "shared" / "data" / "uss_user_satisfaction" / "SGD.txt"


def _dialogues(limit: int) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = []
    turns: list[tuple[str, str]] = []
    for line in SGD.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] in ("USER", "SYSTEM"):
            turns.append(("customer" if parts[0] == "USER" else "agent", parts[1]))
        elif turns:
            out.append(turns)
            turns = []
            if len(out) == limit:
                break
    return out


@pytest.mark.skipif(not SGD.is_file(), reason="../shared/data is not present")
def test_report_on_public_dialogues(tmp_path: Path) -> None:
    archive = tmp_path / "sgd.jsonl"
    dialogues = _dialogues(300)
    with archive.open("w", encoding="utf-8") as fh:
        for i, turns in enumerate(dialogues):
            day = f"2026-03-{1 + i % 28:02d}"
            fh.write(
                json.dumps(
                    {
                        "id": f"sgd-{i}",
                        "agent": f"agent-{i % 5}",
                        "team": "assist",
                        "turns": [
                            {"role": r, "text": t, "ts": f"{day}T09:{j % 60:02d}:00Z"} for j, (r, t) in enumerate(turns)
                        ],
                    }
                )
                + "\n"
            )
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(archive), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["overview"]["conversations"] == len(dialogues) == 300
    assert len(report["timeline"]) == 28
    assert {w["agent"] for w in report["wellbeing"]} == {f"agent-{i}" for i in range(5)}
    if report["overview"]["difficult"]:
        assert sum(t["count"] for t in report["topics"]) == report["overview"]["difficult"]
    out = tmp_path / "sgd.html"
    assert runner.invoke(app, ["report", str(archive), "--out", str(out)]).exit_code == 0
    assert "<svg" in out.read_text(encoding="utf-8")
