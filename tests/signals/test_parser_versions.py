"""The prefilter's analysis of every lexicon regex is the same on Python 3.11, 3.12 and 3.13 (#14).

The analysis reads the private ``re._parser``, whose shape may change between Python
versions. This test runs it in a subprocess under every interpreter it can find and
compares the word clauses, branches and heads with the current interpreter's. Other
interpreters are found on PATH (``python3.11`` .. ``python3.13``) or listed in
``CALMLINE_OTHER_PYTHONS`` (paths separated by ``os.pathsep``); they need only the
standard library, since the analysis module is loaded without the package's imports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from calmline.registry import get
from calmline.signals._lexicon import load_lexicon
from calmline.signals.detectors import DEFAULT_DETECTORS
from calmline.signals.detectors._patterns import PatternDetector

REPO = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, re, sys, types
for name, sub in (("calmline", "calmline"), ("calmline.signals", "calmline/signals")):
    mod = types.ModuleType(name)
    mod.__path__ = [sys.argv[1] + "/" + sub]
    sys.modules[name] = mod  # the package's __init__ (numpy, models) is not needed
from calmline.signals import _prefilter as P
enc_clauses, enc_set = P._plancache.enc_clauses, P._plancache.enc_set
out = []
for pattern, flags in json.load(sys.stdin):
    out.append([
        enc_clauses(P.token_clauses(re.compile(pattern, flags))),
        P._enc_branches(P._branches(pattern, flags)),
        enc_set(P._pattern_heads(pattern, flags)),
    ])
print(json.dumps({"version": list(sys.version_info[:2]), "analysis": out}))
"""


def _patterns() -> list[tuple[str, int]]:
    out = []
    for name in DEFAULT_DETECTORS:
        cls = get(name)
        if isinstance(cls, type) and issubclass(cls, PatternDetector):
            lex = load_lexicon(cls.lexicon_name)
            out += [(p.regex.pattern, p.regex.flags) for p in (*lex.patterns, *lex.exclude)]
    return out


def _interpreters() -> list[str]:
    found = [p for p in os.environ.get("CALMLINE_OTHER_PYTHONS", "").split(os.pathsep) if p]
    found += [p for v in ("3.11", "3.12", "3.13") if (p := shutil.which(f"python{v}"))]
    return list(dict.fromkeys(found))


def _runs(python: str) -> bool:
    """Whether ``python`` starts (a pyenv shim without that version does not)."""
    try:
        return subprocess.run([python, "-c", "pass"], capture_output=True, timeout=60, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _analyse(python: str, patterns: list[tuple[str, int]]) -> Any:
    env = {**os.environ, "CALMLINE_NO_CACHE": "1", "PYTHONPATH": ""}
    proc = subprocess.run(
        [python, "-c", _CHILD, str(REPO)], input=json.dumps(patterns), capture_output=True, text=True,
        env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_analysis_is_the_same_on_every_supported_python() -> None:
    patterns = _patterns()
    assert len(patterns) > 200
    here = _analyse(sys.executable, patterns)
    assert len(here["analysis"]) == len(patterns)
    compared = []
    for python in filter(_runs, _interpreters()):
        got = _analyse(python, patterns)
        version = tuple(got["version"])
        if got["version"] == here["version"] or not (3, 11) <= version <= (3, 13):
            continue
        for (pattern, _flags), a, b in zip(patterns, here["analysis"], got["analysis"], strict=True):
            assert a == b, f"Python {version}: the analysis of {pattern!r} differs"
        compared.append(version)
    if not compared:
        pytest.skip("no other Python 3.11-3.13 found (set CALMLINE_OTHER_PYTHONS to compare)")
