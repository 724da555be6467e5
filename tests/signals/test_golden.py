"""The engine reproduces its golden output (see ``golden/make_golden.py``).

Any change to the reader's internals (speed work) must keep these identical; a
deliberate change of behaviour regenerates the files and says why in the commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from calmline.signals.reader import Reader

_SPEC = importlib.util.spec_from_file_location("make_golden", Path(__file__).parent / "golden" / "make_golden.py")
assert _SPEC is not None and _SPEC.loader is not None
golden = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(golden)


def _diff(want: dict[str, Any], got: dict[str, Any]) -> list[str]:
    bad = [k for k in want if json.loads(json.dumps(got.get(k))) != want[k]]
    return [f"{k}: want {want[k]!r}\n   got {got.get(k)!r}" for k in bad[:5]] + (
        [f"... and {len(bad) - 5} more"] if len(bad) > 5 else []
    )


def test_case_files_match_golden(reader: Reader) -> None:
    want = json.loads(golden.GOLDEN_CASES.read_text(encoding="utf-8"))
    items = golden.case_texts()
    assert len(items) == len(want), "tests/data changed: regenerate with tests/signals/golden/make_golden.py"
    got = golden.compute(reader, items)
    assert not _diff(want, got), "\n".join(_diff(want, got))


def test_batch_path_matches_single_path_on_cases(reader: Reader) -> None:
    want = json.loads(golden.GOLDEN_CASES.read_text(encoding="utf-8"))
    texts = [t for t, c in golden.case_texts() if c is None]
    got = golden.compute_many(reader, texts)
    assert not _diff({k: want[k] for k in got}, got)


def test_public_sample_matches_golden(reader: Reader) -> None:
    texts = golden.public_texts()
    if not texts:
        pytest.skip("../shared/data not found: the public-text golden comparison needs it")
    want = json.loads(golden.GOLDEN_PUBLIC.read_text(encoding="utf-8"))
    assert len(texts) == len(want)
    got = golden.compute_many(reader, texts)
    assert not _diff(want, got), "\n".join(_diff(want, got))
    single = golden.compute(reader, [(t, None) for t in texts[::7]])
    assert not _diff({k: want[k] for k in single}, single)
