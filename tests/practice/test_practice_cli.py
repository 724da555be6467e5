"""``calmline practice`` through Typer: list, scripted JSON debrief, interactive, bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmline.cli import app

runner = CliRunner()
SCRIPTS = Path(__file__).parent / "scripts"


def test_list_names_every_persona() -> None:
    result = runner.invoke(app, ["practice", "--list"])
    assert result.exit_code == 0
    assert "refund-third-contact" in result.stdout and "abusive-escalates-threat" in result.stdout
    listed = json.loads(runner.invoke(app, ["practice", "--list", "--format", "json"]).stdout)
    assert len(listed) == 8 and {"id", "name", "scenario", "mood"} <= set(listed[0])


def test_scripted_json_debrief_good_beats_bad() -> None:
    out = {}
    for kind in ("good", "bad"):
        script = SCRIPTS / f"policy-says-no.{kind}.txt"
        args = ["practice", "--persona", "policy-says-no", "--script", str(script), "--seed", "4", "--format", "json"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        out[kind] = json.loads(result.stdout)
    g, b = out["good"], out["bad"]
    assert 0 <= b["score"] < g["score"] <= 100
    assert len(g["frustration"]) == len(g["turns"]) + 1
    assert g["frustration"][-1] < b["frustration"][-1]
    assert isinstance(b["missed"], list) and b["missed"]
    again = runner.invoke(
        app, ["practice", "-p", "policy-says-no", "--script", str(SCRIPTS / "policy-says-no.good.txt")]
    )
    assert again.exit_code == 0 and "Debrief: score" in again.stdout


def test_interactive_session_in_the_terminal() -> None:
    replies = (SCRIPTS / "refund-third-contact.good.txt").read_text(encoding="utf-8")
    result = runner.invoke(app, ["practice", "--persona", "refund-third-contact", "--seed", "1"], input=replies)
    assert result.exit_code == 0, result.output
    assert "Customer:" in result.stdout and "Debrief: score" in result.stdout and "next time:" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no replies"),
        (b"\n \n", "no replies"),
        (b"\xff\xfe\x00bin", "binary"),
        (b"caf\xe9 latte\n", "not UTF-8"),
        (b"x" * 5000 + b"\n", "limit is 4000"),
    ],
)
def test_bad_scripts_exit_2_with_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["practice", "--persona", "sarcastic", "--script", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["practice"]).exit_code == 2
    r = runner.invoke(app, ["practice", "--persona", "nobody"])
    assert r.exit_code == 2 and "unknown persona 'nobody'" in r.output
    r = runner.invoke(app, ["practice", "--persona", "sarcastic", "--script", str(tmp_path / "none.txt")])
    assert r.exit_code == 2 and "no such file" in r.output
    r = runner.invoke(app, ["practice", "--persona", "sarcastic", "--script", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.output
    r = runner.invoke(app, ["practice", "--list", "--personas", str(tmp_path)])  # empty: not silently the built-ins
    assert r.exit_code == 2 and "no persona files" in r.output
    (tmp_path / "p.yaml").write_text("version: 1\nid: x\n", encoding="utf-8")
    r = runner.invoke(app, ["practice", "--list", "--personas", str(tmp_path)])
    assert r.exit_code == 2 and "p.yaml" in r.output
    assert runner.invoke(app, ["practice", "--persona", "sarcastic", "--seed", "-1"]).exit_code == 2
