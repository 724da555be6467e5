"""``scripts/_venv.sh`` installs only when something changed, and keeps pip's noise to itself (#14)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FAKE_PY = """#!/bin/sh
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  echo "$*" >> "$here/pip-calls"
  echo "!!!!!!!! SetuptoolsDeprecationWarning: editable install banner !!!!!!!!" >&2
  if [ -f "$here/fail" ]; then echo "ERROR: resolution impossible" >&2; exit 1; fi
  exit 0
fi
exec {python} "$@"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "_venv.sh", tmp_path / "scripts" / "_venv.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "calmline"\n', encoding="utf-8")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    py = tmp_path / ".venv" / "bin" / "python"
    py.write_text(FAKE_PY.format(python=sys.executable), encoding="utf-8")
    py.chmod(0o755)
    return tmp_path


def _source(repo: Path, extras: str = "dev") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'source scripts/_venv.sh "{extras}" && echo sourced'],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _pip_calls(repo: Path) -> list[str]:
    calls = repo / ".venv" / "pip-calls"
    return calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_install_runs_once_then_only_when_something_changed(repo: Path) -> None:
    first = _source(repo)
    assert first.returncode == 0 and "sourced" in first.stdout
    assert len(_pip_calls(repo)) == 1
    assert "banner" not in first.stdout + first.stderr  # the build backend's warnings stay in the log
    assert _source(repo).returncode == 0
    assert len(_pip_calls(repo)) == 1  # nothing changed: no pip
    _source(repo, "dev,bench")
    assert len(_pip_calls(repo)) == 2 and "[dev,bench]" in _pip_calls(repo)[-1]  # other extras
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write('dependencies = ["numpy"]\n')
    _source(repo)
    assert len(_pip_calls(repo)) == 3  # pyproject.toml changed


def test_a_failed_install_shows_the_log_and_is_retried(repo: Path) -> None:
    (repo / ".venv" / "fail").write_text("", encoding="utf-8")
    failed = _source(repo)
    assert failed.returncode != 0 and "sourced" not in failed.stdout
    assert "resolution impossible" in failed.stderr and "pip install failed" in failed.stderr
    (repo / ".venv" / "fail").unlink()
    assert _source(repo).returncode == 0
    assert len(_pip_calls(repo)) == 2  # no stamp was written by the failed run
