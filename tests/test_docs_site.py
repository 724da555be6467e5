"""The docs site builds with no warning (mkdocs --strict) and its API reference comes from the docstrings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
pytest.importorskip("mkdocstrings_handlers.python")

ROOT = Path(__file__).parent.parent


def test_docs_site_builds_strict_with_api_reference(tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    reference = (site / "reference" / "index.html").read_text()
    assert "analyze_many" in reference and "constant memory" in reference  # a docstring, rendered
    assert "CalmlineError" in reference
    for page in ("labels", "deploy", "service", "formats", "console"):
        assert (site / page / "index.html").is_file(), page
