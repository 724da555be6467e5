"""The CLI: readable and JSONL output, stdin streaming, bad input and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from calmline.cli import app

runner = CliRunner()
SAMPLES = Path(__file__).parent.parent.parent / "calmline" / "data" / "samples"


def test_analyze_text_pretty_shows_evidence_and_reason() -> None:
    result = runner.invoke(app, ["analyze", "--text", "You absolute clown, where is my refund?"])
    assert result.exit_code == 0, result.output
    assert "abuse.insult" in result.output and "request.refund" in result.output
    assert "clown" in result.output and "escalation risk" in result.output


def test_analyze_jsonl_file() -> None:
    result = runner.invoke(app, ["analyze", str(SAMPLES / "conversations.jsonl"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) >= 10
    assert all({"id", "turns", "state"} <= set(x) for x in lines)
    labels = {s["label"] for x in lines for t in x["turns"] for s in t["signals"]}
    assert {"abuse.insult", "abuse.profanity", "customer.waiting"} <= labels


def test_analyze_reads_stdin_and_skips_bad_lines() -> None:
    data = '{"id": "a", "turns": [{"role": "customer", "text": "you idiot"}]}\n{oops\n'
    result = runner.invoke(app, ["analyze", "-", "--format", "jsonl", "--skip-bad"], input=data)
    assert result.exit_code == 0
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["id"] for x in out] == ["a"]
    assert "<stdin>:2" in result.stderr and "1 bad record(s) skipped" in result.stderr


def test_bad_input_fails_with_a_clear_error() -> None:
    data = (
        '{"id": "a", "turns": [{"role": "customer", "text": "fine"}]}\n'
        '{"id": "b", "turns": [{"role": "robot", "text": "x"}]}\n'
    )
    result = runner.invoke(app, ["analyze", "-", "--format", "jsonl"], input=data)
    assert result.exit_code == 2
    assert "<stdin>:2: turn 0: unknown role 'robot'" in result.stderr
    assert "--skip-bad" in result.stderr


def test_missing_file_and_unknown_option() -> None:
    result = runner.invoke(app, ["analyze", "/no/such/file.jsonl"])
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert runner.invoke(app, ["analyze", "--bogus"]).exit_code == 2


def test_demo_and_labels() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0 and "conversation state" in result.output
    result = runner.invoke(app, ["labels"])
    assert "abuse.insult" in result.output and "abuse.insult.v1" in result.output


def test_console_script_streams_jsonl() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "calmline", "analyze", "--format", "jsonl"],
        input='{"id": "z", "turns": [{"role": "customer", "text": "I have been on hold for an hour"}]}\n',
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (line,) = proc.stdout.splitlines()
    assert json.loads(line)["turns"][0]["signals"][0]["label"] == "customer.waiting"


def test_markup_in_data_is_printed_literally(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"id": "[/bold]", "industry": "[red]x", "turns": [{"role": "customer", "text": "[b]you idiot[/b]"}]}\n'
    )
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    assert "[/bold]" in result.output and "[b]you idiot[/b]" in result.output


def test_analyze_empty_text_is_a_clear_error() -> None:
    for blank in ("", "   ", "\n\t"):
        result = runner.invoke(app, ["analyze", "--text", blank])
        assert result.exit_code == 2, result.output
        assert "--text: the message is empty" in result.output
    assert runner.invoke(app, ["analyze", "--text", "..."]).exit_code == 0  # punctuation is a message


def test_jsonl_output_survives_a_lone_surrogate_huge_ints_and_nan(tmp_path: Path) -> None:
    # JSON input may carry what UTF-8 output and orjson cannot: the line is still written, as valid JSON
    src = tmp_path / "edge.jsonl"
    src.write_text(
        '{"id": "a", "turns": [{"role": "customer", "text": "hi \\ud800 there"}],'
        ' "metadata": {"n": 123456789012345678901234567890, "f": NaN}}\n'
        '{"id": "b", "turns": [{"role": "customer", "text": "you stupid bot"}]}\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "calmline", "analyze", str(src), "--format", "jsonl", "--include-text"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-800:]
    rows = [json.loads(x) for x in proc.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["turns"][0]["text"] == "hi \ud800 there"
    assert rows[0]["metadata"] == {"n": 123456789012345678901234567890, "f": None}


def test_readable_output_shows_a_lone_surrogate_escaped(tmp_path: Path) -> None:
    src = tmp_path / "edge.jsonl"
    src.write_text('{"id": "a", "turns": [{"role": "customer", "text": "hi \\ud800 there, idiot"}]}\n', "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "calmline", "analyze", str(src)], capture_output=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-800:]
    out = proc.stdout.decode("utf-8")
    assert "hi \\ud800 there" in out and "abuse.insult" in out


def test_a_closed_stdin_or_stdout_and_a_full_disk_are_clear_errors(tmp_path: Path) -> None:
    """Started with stdin closed (``<&-``): empty input, exit 2; stdout closed or full: exit 2, no traceback."""
    src = tmp_path / "ok.jsonl"
    src.write_text('{"id": "a", "turns": [{"role": "customer", "text": "where is my parcel?"}]}\n', "utf-8")
    cmd = [sys.executable, "-m", "calmline", "analyze"]

    def run(args: list[str], close: int | None, stdout: Any = subprocess.DEVNULL) -> tuple[int, str]:
        proc = subprocess.run(
            cmd + args,
            stdout=stdout,
            stderr=subprocess.PIPE,
            preexec_fn=None if close is None else (lambda: os.close(close)),
            timeout=120,
            check=False,
        )
        return proc.returncode, proc.stderr.decode("utf-8", "replace")

    code, err = run([], close=0)
    assert code == 2 and "empty input" in err and "Traceback" not in err, err
    code, err = run([str(src), "--format", "jsonl"], close=1)
    assert code == 2 and "standard output is closed" in err and "Traceback" not in err, err
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            code, err = run([str(src), "--format", "jsonl"], close=None, stdout=full)
        assert code == 2 and "No space left" in err and "Traceback" not in err, err
