"""make train / make bench for the learned layer say what data they need when it is absent; model-card CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]


def test_training_names_missing_data_and_sources(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "training"))
    try:
        pytest.importorskip("sklearn")
        import train_learned  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "training"))
    with pytest.raises(SystemExit) as exc:
        train_learned.check_data(tmp_path)
    msg = str(exc.value)
    for needle in (
        "goemotions/train.tsv",
        "isarcasmeval/train.En.csv",
        "CESAMARD-Aspect_Dataset.csv",
        "Apache-2.0",
        "MIT",
    ):
        assert needle in msg


def test_bench_table_names_missing_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench import _learned

    assert _learned.main(["--data", str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err
    assert "uss_user_satisfaction" in err and "isarcasmeval" in err and "measuring only" in err


def test_model_card_command() -> None:
    from calmline.cli import app

    result = CliRunner().invoke(app, ["model-card"])
    assert result.exit_code == 0
    assert "learned_negative" in result.output and "Apache-2.0" in result.output
