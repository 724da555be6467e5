"""``calmline report`` writes one offline HTML file or JSON, and rejects bad input with exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmline.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[2] / "calmline" / "data" / "samples"


def test_html_is_self_contained(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(SAMPLES / "conversations.jsonl"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") >= 4
    for section in ("Frustration over time", "top topics", "Policy friction", "Recognition", "Wellbeing"):
        assert section in html
    assert not re.search(r"<script|https?://|<link", html)  # nothing to fetch, nothing to run


def test_json_for_bi_and_csv_input() -> None:
    result = runner.invoke(app, ["report", str(SAMPLES / "conversations.csv"), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["overview"]["conversations"] == 3
    assert set(report) >= {"timeline", "topics", "friction", "repeats", "recognition", "wellbeing"}


def test_since_and_team_filter() -> None:
    result = runner.invoke(app, ["report", str(SAMPLES / "conversations.jsonl"), "-f", "json", "--since", "2026-03-05"])
    assert result.exit_code == 0
    assert all(d["day"] >= "2026-03-05" for d in json.loads(result.stdout)["timeline"])
    result = runner.invoke(app, ["report", str(SAMPLES / "conversations.jsonl"), "-f", "json", "--team", "nobody"])
    assert json.loads(result.stdout)["overview"]["conversations"] == 0


@pytest.mark.parametrize("content", [b"{not json\n", b"\x00\x01\x02\xff" * 50])
def test_bad_archive_exits_2(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    result = runner.invoke(app, ["report", str(bad)])
    assert result.exit_code == 2
    assert "error" in result.output


def test_bad_options_exit_2() -> None:
    assert runner.invoke(app, ["report", str(SAMPLES / "conversations.jsonl"), "--since", "yesterday"]).exit_code == 2
    assert runner.invoke(app, ["report", "/no/such/file.jsonl"]).exit_code == 2


def test_two_processes_equal_one(tmp_path: Path) -> None:
    args = ["report", str(SAMPLES / "conversations.jsonl"), "-f", "json"]
    one = runner.invoke(app, args)
    two = runner.invoke(app, [*args, "--workers", "2"])
    assert two.exit_code == 0, two.output
    assert json.loads(one.stdout) == json.loads(two.stdout)


@pytest.mark.parametrize("where", ["a directory", "a missing folder"])
def test_an_unwritable_out_path_exits_2(tmp_path: Path, where: str) -> None:
    out = tmp_path if where == "a directory" else tmp_path / "nope" / "r.html"
    result = runner.invoke(app, ["report", str(SAMPLES / "conversations.jsonl"), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"cannot write {out}" in result.output


def test_a_missing_sqlite_database_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "nosuch.db"
    result = runner.invoke(app, ["report", "--database-url", f"sqlite:///{db}"])
    assert result.exit_code == 2, result.output
    assert f"no SQLite database at {db}" in result.output
    assert list(tmp_path.iterdir()) == []  # neither the file nor a lock beside it
