"""The CLI as a tool: --version, label meanings, the --skip-bad hint only where it helps, progress on stderr."""

from __future__ import annotations

import io
import json
import logging.config
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import calmline
from calmline.cli import app
from calmline.cli._progress import progress
from calmline.types import CUSTOMER_LABELS, LABEL_MEANINGS

runner = CliRunner()
DOCS = Path(__file__).parent.parent.parent / "docs"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"calmline {calmline.__version__}"


def test_labels_show_each_meaning() -> None:
    assert set(LABEL_MEANINGS) == set(CUSTOMER_LABELS)
    result = runner.invoke(app, ["labels", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["label"] for r in rows] == list(CUSTOMER_LABELS)
    for r in rows:
        assert r["meaning"] == LABEL_MEANINGS[r["label"]] and len(r["meaning"]) > 20
        assert r["detectors"][0] == f"{r['label']}.v1"
    pretty = runner.invoke(app, ["labels"]).output
    assert "Name-calling" in pretty and "detectors: threat.legal.v1" in pretty
    assert "detectors: abuse.insult.v1, abuse.insult.learned.v1" in pretty


def test_labels_list_the_detectors_docs_labels_md_names() -> None:
    """Each label's detectors, as `calmline labels` prints them, are the ones docs/labels.md's table names."""
    rows = [json.loads(line) for line in runner.invoke(app, ["labels", "--format", "jsonl"]).output.splitlines()]
    table = {}
    for line in (DOCS / "labels.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].strip("`") in CUSTOMER_LABELS:
            label = cells[0].strip("`")
            table[label] = re.findall(rf"`({re.escape(label)}\.[a-z0-9_.]*v\d+)`", cells[3])
    assert set(table) == set(CUSTOMER_LABELS)
    for r in rows:
        assert r["detectors"] == table[r["label"]], r["label"]
    # the learned signals are among them: a label from `abuse.insult.learned.v1` is documented and listed
    assert "abuse.insult.learned.v1" in table["abuse.insult"]
    assert "abuse.profanity.learned.v1" in table["abuse.profanity"]


def test_labels_doc_is_self_contained() -> None:
    text = (DOCS / "labels.md").read_text()
    assert "LABELS.md" not in text and "domain spec" not in text
    for label in CUSTOMER_LABELS:
        assert f"`{label}`" in text, label
    for term in ("frustration", "emotion", "evidence", "score", "explanation"):
        assert term in text, term
    for link in re.findall(r"\]\(([^)#]+)", text):  # only links that resolve inside the repository or the web
        assert link.startswith("http") or (DOCS / link).exists(), link


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        ('{"id": "a", "turns": [{"role": "wizard", "text": "hi"}]}\n', True),  # one bad record: skipping helps
        ("", False),  # empty file: nothing to skip to
        ("\x00\x01binary", False),
    ],
)
def test_skip_bad_hint_only_where_it_helps(tmp_path: Path, content: str, hint: bool) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content)
    result = runner.invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert ("--skip-bad" in result.output) is hint, result.output


def test_skip_bad_hint_absent_for_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2 and "--skip-bad" not in result.output


def test_progress_silent_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress(range(5), "items", delay_s=0)) == [0, 1, 2, 3, 4]
    assert capsys.readouterr().err == ""


def test_progress_shows_on_a_terminal_for_long_jobs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert list(progress(range(3), "items", delay_s=3600, force=True)) == [0, 1, 2]
    assert err.getvalue() == ""  # a short job: nothing
    assert list(progress(range(50), "conversations analysed", delay_s=0, force=True)) == list(range(50))
    assert "conversations analysed" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["--port", "99999"], {}, "65535"),
        (["--port", "-1"], {}, "greater than or equal to 0"),
        (["--workers", "0"], {}, "greater than or equal to 1"),
        (["--log-level", "loud"], {}, "expected one of debug"),
        (["--database-url", "bogus://x"], {}, "Cannot serve: Can't load plugin"),
        (["--database-url", "bogus://x", "--demo"], {}, "Cannot serve: Can't load plugin"),
        ([], {"CALMLINE_ADMIN_TOKEN": "not-a-token"}, "Cannot serve: CALMLINE_ADMIN_TOKEN must look like"),
        ([], {"CALMLINE_PLAYBOOK": "missing-playbook.yaml"}, "Cannot serve: missing-playbook.yaml: file not found"),
    ],
)
def test_serve_refuses_bad_options_and_settings_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], said: str
) -> None:
    """A port out of range, an unknown log level or dialect, a bad admin token or playbook: exit 2, no traceback."""
    monkeypatch.setenv("CALMLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    for name in ("CALMLINE_SCHEDULER", "CALMLINE_BASE_URL"):  # serve sets them: put back after the test
        monkeypatch.setenv(name, "")
    monkeypatch.setattr(logging.config, "dictConfig", lambda config: None)  # this process's logging stays
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["serve", "--no-scheduler", *args])
    assert result.exit_code == 2, (result.output, result.exception)
    assert said in " ".join(result.output.split()), result.output
