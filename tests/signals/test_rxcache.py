"""Compiled regex programs from the disk cache (#14): the same patterns as ``re.compile``, on every Python.

The cache hands ``re``'s compiled program back to the private ``_sre.compile``; these tests
pin that it rebuilds exactly what ``re.compile`` builds (same program, flags, groups and
matches) for every lexicon regex, that a damaged, stale or foreign file changes nothing but
speed, and (in subprocesses) that the round trip holds on each Python 3.11-3.13 found.
"""

from __future__ import annotations

import array
import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmline.signals import _rxcache
from calmline.signals._alternation import Alternation
from tests.signals.test_parser_versions import _interpreters, _patterns, _runs

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    "You useless idiot, I've been on hold for 3 hours and I want my refund NOW!",
    "if this isn't sorted today I'm contacting my lawyer",
    "Third time I write. Where is my refund? f*ck this",
    "thanks, that was quick 😊 — merci beaucoup",
]


def _reset() -> None:
    _rxcache._table = None
    _rxcache._dirty = False


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CALMLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALMLINE_NO_CACHE", raising=False)
    _reset()
    yield tmp_path / "cache"
    _reset()


def _same(a: re.Pattern[str], b: re.Pattern[str]) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    for text in TEXTS:
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]


def _sources() -> list[tuple[str, int]]:
    """Every lexicon regex and each of its top-level branches (what a Reader compiles)."""
    out = []
    for pattern, flags in _patterns():
        out.append((pattern, flags))
        out += [(s, flags) for s in Alternation([re.compile(pattern, flags)]).sources]
    return list(dict.fromkeys(out))


def test_every_lexicon_regex_comes_back_from_disk_as_re_compile_builds_it(cache_dir: Path) -> None:
    sources = _sources()
    assert len(sources) > 500
    for pattern, flags in sources:
        _same(_rxcache.compile(pattern, flags), re.compile(pattern, flags))
    _rxcache.save()
    path = _rxcache.cache_path()
    assert path is not None and path.is_file() and path.parent == cache_dir
    _reset()  # as a new process
    calls: list[str] = []
    real = _rxcache._program
    _rxcache._program = lambda p, f: calls.append(p) or real(p, f)  # type: ignore[assignment]
    try:
        for pattern, flags in sources:
            _same(_rxcache.compile(pattern, flags), re.compile(pattern, flags))
    finally:
        _rxcache._program = real  # type: ignore[assignment]
    assert calls == []  # every program came from the file, none was compiled again


def test_the_stored_program_is_re_s_own(cache_dir: Path) -> None:
    from re import _compiler, _parser

    pattern = r"\b(?P<who>you|u)\s+(?:idiot|moron)s?\b(?!\s+(?:said|wrote))"
    _rxcache.compile(pattern, re.IGNORECASE)
    entry = _rxcache._load()[f"{int(re.IGNORECASE)}\x00{pattern}"]
    program = array.array(_rxcache._CODE, base64.b64decode(entry[-1])).tolist()
    assert program == _compiler._code(_parser.parse(pattern, re.IGNORECASE), re.IGNORECASE)
    assert entry[2] == {"who": 1} and entry[3] == [None, "who"]


def test_a_damaged_entry_is_compiled_afresh(cache_dir: Path) -> None:
    pattern = r"\bwhere is my (?:refund|money)\b"
    _rxcache.compile(pattern)
    key = f"0\x00{pattern}"
    table = _rxcache._load()
    for bad in ("AAAA", "not base64!", base64.b64encode(b"\xff" * 64).decode(), 42):
        table[key] = [*table[key][:4], bad]
        _same(_rxcache.compile(pattern), re.compile(pattern))
        assert table[key][-1] != bad  # replaced by a good program


def test_a_corrupt_or_foreign_file_is_ignored(cache_dir: Path) -> None:
    path = _rxcache.cache_path()
    assert path is not None
    cache_dir.mkdir(parents=True)
    pattern = r"\bon hold\b"
    for junk in (b"\x00\xff not json", b"[1, 2]", json.dumps({"engine": "another python", "entries": {}}).encode()):
        path.write_bytes(junk)
        _reset()
        _same(_rxcache.compile(pattern), re.compile(pattern))
        _rxcache.save()
        assert json.loads(path.read_text(encoding="utf-8"))["engine"] == _rxcache._ENGINE


def test_invalid_regex_raises_as_re_does(cache_dir: Path) -> None:
    with pytest.raises(re.error):
        _rxcache.compile(r"(?:unclosed")


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CALMLINE_NO_CACHE", "1")
    _reset()
    _same(_rxcache.compile(r"\bqueue\b"), re.compile(r"\bqueue\b"))
    _rxcache.save()
    assert not (tmp_path / "cache").exists()
    _reset()


def test_sre_refuses_a_bad_program_instead_of_crashing() -> None:
    """The safety the fallback relies on: ``_sre.compile`` checks a program before using it."""
    child = (
        "import _sre, sys\ntry:\n    _sre.compile('x', 32, [99999, 1, 2], 0, {}, (None,))\n"
        "except RuntimeError:\n    sys.exit(7)\n"
    )
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, timeout=60, check=False)
    assert proc.returncode == 7, proc.stderr


_CHILD = r"""
import json, re, sys, types
for name, sub in (("calmline", "calmline"), ("calmline.signals", "calmline/signals")):
    mod = types.ModuleType(name)
    mod.__path__ = [sys.argv[1] + "/" + sub]
    sys.modules[name] = mod  # the package's __init__ (numpy, models) is not needed
from calmline.signals import _rxcache as C
sources, texts = json.load(sys.stdin)
bad, compiled, program = [], [], C._program
C._program = lambda p, f: compiled.append(p) or program(p, f)
for pattern, flags in sources:
    a, b = C.compile(pattern, flags), re.compile(pattern, flags)
    if (a.pattern, a.flags, a.groups, a.groupindex) != (b.pattern, b.flags, b.groups, b.groupindex) or any(
        [m.span() for m in a.finditer(t)] != [m.span() for m in b.finditer(t)] for t in texts
    ):
        bad.append(pattern)
C.save()
print(json.dumps({"version": list(sys.version_info[:2]), "bad": bad, "compiled": len(compiled)}))
"""


def test_round_trip_on_every_supported_python(tmp_path: Path) -> None:
    sources = _sources()[:300]
    compared = []
    for python in [sys.executable, *filter(_runs, _interpreters())]:
        env = {**os.environ, "CALMLINE_CACHE_DIR": str(tmp_path / python.replace("/", "_")), "PYTHONPATH": ""}
        env.pop("CALMLINE_NO_CACHE", None)
        runs = []
        for _ in range(2):  # the first compiles and writes the file, the second rebuilds from it
            proc = subprocess.run(
                [python, "-c", _CHILD, str(REPO)], input=json.dumps([sources, TEXTS]), capture_output=True,
                text=True, env=env, timeout=300, check=False,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr[-2000:]
            runs.append(json.loads(proc.stdout))
        version = tuple(runs[0]["version"])
        if not (3, 11) <= version <= (3, 13):
            continue
        assert runs[0]["bad"] == runs[1]["bad"] == [], f"Python {version}"
        assert runs[0]["compiled"] == len(sources) and runs[1]["compiled"] == 0  # the second read them all from disk
        compared.append(version)
    assert compared, "not even this interpreter ran the round trip"
