"""``calmline guide`` and ``calmline coach`` through Typer, with fake models."""

from __future__ import annotations

import importlib
import json

import pytest
import typer
from typer.testing import CliRunner

from calmline.cli._guide import coach_command, guide_command

app = typer.Typer()
app.command("guide")(guide_command)
app.command("coach")(coach_command)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _fake_models(monkeypatch, rules_reader):
    monkeypatch.setattr(importlib.import_module("calmline.analyze"), "default_reader", lambda: rules_reader)


CONV = {
    "id": "c1",
    "turns": [
        {"role": "customer", "text": "My order 55123 never arrived and I want a refund."},
        {"role": "agent", "text": "Let me check that."},
        {"role": "customer", "text": "You useless idiot, hurry up."},
    ],
}


def test_guide_jsonl(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CONV) + "\n")
    result = runner.invoke(app, ["guide", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.splitlines()[0])
    assert line["id"] == "c1"
    assert [t["index"] for t in line["turns"]] == [0, 2]
    g = line["turns"][-1]["guidance"]
    assert set(g) == {"moves", "suggested_reply", "ladder", "escalation"}
    assert set(g["moves"][0]) == {"move", "score", "why"}
    assert g["ladder"]["rung"] >= 1


def test_guide_pretty(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CONV) + "\n")
    result = runner.invoke(app, ["guide", str(path)])
    assert result.exit_code == 0, result.output
    assert "suggested" in result.stdout


def test_coach_with_draft_and_conversation(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CONV) + "\n")
    result = runner.invoke(app, ["coach", "--draft", "Calm down.", "--conversation", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out) == ["id", "labels", "score", "missing", "suggestion", "unfilled"]
    assert "dismissive" in [x["label"] for x in out["labels"]]


def test_coach_jsonl_stream_reads_draft_key(tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [dict(CONV, id="d1", draft="We got this wrong and I'm sorry."), dict(CONV, id="d2", draft="Thanks!")]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    result = runner.invoke(app, ["coach", "--conversation", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    ids = [json.loads(x)["id"] for x in result.stdout.splitlines()]
    assert ids == ["d1", "d2"]


def test_coach_bad_line_is_an_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(CONV) + "\n")
    result = runner.invoke(app, ["coach", "--conversation", str(path), "--format", "jsonl"])
    assert result.exit_code == 2
    assert "draft" in result.output


@pytest.mark.parametrize("content", ["", "\n\n", "  \n"])
def test_coach_with_no_drafts_is_an_error(tmp_path, content):
    path = tmp_path / "d.jsonl"
    path.write_text(content)
    result = runner.invoke(app, ["coach", "--conversation", str(path), "--format", "jsonl"])
    assert result.exit_code == 2, result.output
    assert "empty input" in result.output
    result = runner.invoke(app, ["coach", "--format", "jsonl"], input=content)  # stdin
    assert result.exit_code == 2, result.output


def test_bad_playbook_is_reported(tmp_path):
    bad = tmp_path / "pb.yaml"
    bad.write_text("version: 1\n")
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(CONV) + "\n")
    result = runner.invoke(app, ["guide", str(path), "--playbook", str(bad)])
    assert result.exit_code == 2
    assert "pb.yaml" in result.output


@pytest.mark.parametrize("flag", ["--playbook", "--rubric"])
def test_binary_config_files_exit_2_without_a_traceback(tmp_path, flag):
    bad = tmp_path / "bin.dat"
    bad.write_bytes(bytes(range(256)))
    result = runner.invoke(app, ["coach", "--draft", "Sorry about that.", flag, str(bad)])
    assert result.exit_code == 2, result.output
    assert "bin.dat: not UTF-8" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_guidance_reads_a_window_of_turns(tmp_path, monkeypatch):
    # a conversation longer than the window: each guidance reads the last GUIDE_WINDOW turns (as the
    # service does), so the cost and the ladder history per turn stay bounded; shorter ones read all
    guide_mod = importlib.import_module("calmline.cli._guide")
    monkeypatch.setattr(guide_mod, "GUIDE_WINDOW", 6)
    turns = []
    for i in range(20):
        turns.append({"role": "customer", "text": f"You useless idiot, this is message {i}."})
        turns.append({"role": "agent", "text": "Let me check that for you."})
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"id": "long", "turns": turns}) + "\n")
    result = runner.invoke(app, ["guide", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)["turns"]
    assert [t["index"] for t in out] == [*range(0, 40, 2), 39]
    for t in out:
        steps = t["guidance"]["ladder"]["steps"]
        assert steps, t  # the abuse is still read in every window
        assert all(t["index"] - 6 < s["turn_index"] <= t["index"] for s in steps), (t["index"], steps)


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000,
        '{"draft": "hi", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"draft": "hi", "n": ' + "9" * 5_000 + "}",
    ],
)
def test_coach_unreadable_json_line_is_an_input_error(tmp_path, line):
    """Nested too deep or a 5,000-digit number: 'invalid JSON' at its line (exit 2), not a traceback."""
    path = tmp_path / "d.jsonl"
    path.write_text(line + "\n")
    result = runner.invoke(app, ["coach", "--conversation", str(path), "--format", "jsonl"])
    assert result.exit_code == 2, result.exception
    assert "d.jsonl:1: invalid JSON" in result.output


def test_guide_on_one_message_with_text():
    result = runner.invoke(app, ["guide", "--text", "You useless idiot, where is my refund?", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    assert line["id"] == "text" and [t["index"] for t in line["turns"]] == [0]
    guidance = line["turns"][0]["guidance"]
    assert guidance["ladder"]["rung"] >= 1  # the insult is read, so the boundary ladder starts
    assert guidance["suggested_reply"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "   "], "the message is empty"),
        (["some.jsonl", "--text", "hi"], "not both"),
    ],
)
def test_guide_text_refuses_bad_use(args, message):
    result = runner.invoke(app, ["guide", *args])
    assert result.exit_code == 2
    assert message in result.output
