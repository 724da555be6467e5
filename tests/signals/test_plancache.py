"""The disk cache of the regex analysis (fast start-up, #14) and the private ``re._parser`` it reads."""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmline.signals import _plancache, _prefilter
from calmline.signals._alternation import Alternation
from calmline.signals._lexicon import load_lexicon
from calmline.signals._prefilter import token_clauses

SAMPLE = r"\b(?:i'll|i will) (?:sue|take you to court)\b|\bcalling my lawyer\b"


def _fresh() -> None:
    _plancache._memo = None
    _plancache._dirty = False
    _prefilter._branches.cache_clear()
    _prefilter._pattern_heads.cache_clear()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CALMLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("CALMLINE_NO_CACHE", raising=False)
    _fresh()
    yield tmp_path / "cache"
    _fresh()


def _analysis() -> tuple[object, ...]:
    alt = Alternation([re.compile(SAMPLE)])
    return (tuple(alt.sources), tuple(alt.clauses), tuple(alt.heads), token_clauses(re.compile(r"refund now")))


def test_second_process_reads_the_same_analysis_from_disk(cache_dir: Path) -> None:
    first = _analysis()
    _plancache.save()
    path = _plancache.cache_path()
    assert path is not None and path.is_file() and path.parent == cache_dir
    entries = json.loads(path.read_text(encoding="utf-8"))
    assert any(SAMPLE in k for k in entries)
    _fresh()  # as a new process: nothing in memory
    calls: list[str] = []
    real = _prefilter._branches_uncached
    _prefilter._branches_uncached = lambda p, f: calls.append(p) or real(p, f)  # type: ignore[assignment]
    try:
        assert _analysis() == first
    finally:
        _prefilter._branches_uncached = real  # type: ignore[assignment]
    assert calls == []  # read from the cache, not recomputed


def test_corrupt_cache_is_ignored_and_rewritten(cache_dir: Path) -> None:
    first = _analysis()
    path = _plancache.cache_path()
    assert path is not None
    cache_dir.mkdir(parents=True, exist_ok=True)
    for junk in (b"\x00\xff not json", b'{"branches\\u0000": {"v": [[1, 2]]}}', b"[1, 2]"):
        path.write_bytes(junk)
        _fresh()
        assert _analysis() == first
        _plancache.save()
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file modes")
def test_read_only_cache_dir_is_harmless(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    cache_dir.chmod(0o500)
    try:
        first = _analysis()
        _plancache.save()  # cannot write: silently skipped
        _fresh()
        assert _analysis() == first
    finally:
        cache_dir.chmod(0o700)


def test_unwritable_cache_location_is_harmless(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = cache_dir.parent / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CALMLINE_CACHE_DIR", str(blocker / "sub"))  # a path under a file
    _fresh()
    first = _analysis()
    _plancache.save()
    assert not (blocker / "sub").exists()
    _fresh()
    assert _analysis() == first


def test_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMLINE_NO_CACHE", "1")
    _fresh()
    _analysis()
    _plancache.save()
    assert _plancache.cache_path() is None and not cache_dir.exists()


def test_invalid_regex_is_still_rejected_after_a_cached_run(cache_dir: Path, tmp_path: Path) -> None:
    from calmline.errors import ConfigError

    lex = tmp_path / "bad.yaml"
    lex.write_text("label: threat.legal\npatterns:\n  - {triggers: [sue], regex: 'sue ('}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"patterns\[0\]\.regex: invalid regular expression"):
            load_lexicon(lex)


def test_lazily_compiled_lexicon_regexes_behave_like_compiled_ones(cache_dir: Path) -> None:
    for p in load_lexicon("threat_legal").patterns[:5]:
        rx = p.regex
        real = re.compile(rx.pattern, rx.flags)
        assert rx.flags == real.flags and rx.pattern == real.pattern
        text = "i'll sue you and call my lawyer, see you in court"
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in real.finditer(text)]


def test_private_re_parser_shape_the_prefilter_relies_on() -> None:
    """The prefilter reads ``re._parser`` (private): pin what it uses, on every Python we support."""
    parser = importlib.import_module("re._parser")
    constants = importlib.import_module("re._constants")
    tree = parser.parse(r"\bab(cd|ef)e*[xy]\b|q", 0)
    op, av = tree.data[0]
    assert op.name == "BRANCH" and len(av[1]) == 2
    names = [o.name for o, _ in av[1][0].data]
    assert names[:3] == ["AT", "LITERAL", "LITERAL"] and "SUBPATTERN" in names and "MAX_REPEAT" in names
    assert constants.LITERAL.name == "LITERAL"
    assert "IN" in names
    # and the analysis built on it still finds the words every match needs
    clauses = token_clauses(re.compile(r"\bthanks for (?:nothing|your help)\b"))
    assert {frozenset({"thanks"}), frozenset({"for"}), frozenset({"nothing", "help"})} <= set(clauses)


def test_lazily_compiled_regexes_copy_and_pickle() -> None:
    import copy
    import pickle

    p = load_lexicon("threat_legal").patterns[0]
    for q in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p), copy.copy(p)):
        assert q.regex.pattern == p.regex.pattern and q.regex.flags == p.regex.flags
        text = "i will sue you, see you in court"
        assert [m.span() for m in q.regex.finditer(text)] == [m.span() for m in p.regex.finditer(text)]
