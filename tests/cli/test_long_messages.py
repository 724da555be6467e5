"""A message longer than the reader's limit is read up to the limit, with a warning naming its line (#14)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from calmline.cli import app
from calmline.cli._analyze import MAX_CHARS
from calmline.errors import InputError
from calmline.io import read_conversations

runner = CliRunner()
LONG = "you useless clown " * (MAX_CHARS // 18 + 200)


def test_jsonl_warning_names_the_line_and_the_text_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "short", "turns": [{"role": "customer", "text": "hello"}]},
        {"id": "agent-long", "turns": [{"role": "agent", "text": LONG}]},  # agent turns are not read
        {"id": "long", "turns": [{"role": "agent", "text": "hi"}, {"role": "customer", "text": LONG}]},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    warnings = [x for x in result.stderr.splitlines() if x.startswith("warning:")]
    assert len(warnings) == 1
    assert f"{path}:3:" in warnings[0] and "'long' turn 1" in warnings[0] and f"{MAX_CHARS:,}" in warnings[0]
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["short", "agent-long", "long"]
    turn = out[2]["turns"][1]
    labels = {s["label"] for s in turn["signals"]}
    assert "abuse.insult" in labels
    assert all(e["end"] <= MAX_CHARS for s in turn["signals"] for e in s["evidence"])


def test_csv_and_transcript_lines(tmp_path: Path) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(f"conversation_id,role,text\nc1,customer,hi\nc1,agent,ok\nc1,customer,{LONG}\n", encoding="utf-8")
    got: list[InputError] = []
    assert len(list(read_conversations(csv, on_long=got.append, max_chars=MAX_CHARS))) == 1
    assert [e.line for e in got] == [4]
    txt = tmp_path / "t.txt"
    txt.write_text(f"Customer: hi\nAgent: hello\nCustomer: {LONG}\n", encoding="utf-8")
    got.clear()
    list(read_conversations(txt, on_long=got.append, max_chars=MAX_CHARS))
    assert [e.line for e in got] == [3]
    got.clear()
    list(read_conversations(txt, on_long=got.append, max_chars=len(LONG) + 1))
    assert got == []


def test_text_option_warns_too() -> None:
    result = runner.invoke(app, ["analyze", "--text", LONG, "--format", "jsonl"])
    assert result.exit_code == 0
    assert "warning: --text:" in result.stderr
    assert json.loads(result.stdout)["turns"][0]["signals"]
