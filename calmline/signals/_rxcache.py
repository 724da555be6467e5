"""Compiled regex programs kept on disk, so that a fresh process skips ``re``'s parser.

A process that reads messages compiles about a thousand lexicon regexes (each branch of
each pattern, on first use). ``re.compile`` parses the regex syntax and generates the
matcher's program in Python, about 0.25 s per process in all. The program (``re``'s
``_code``: a list of integers) depends only on the pattern, its flags and the
interpreter's ``re`` engine, so this module keeps it, per engine (``sys.version`` and
``_sre.MAGIC``), in the user's cache directory beside :mod:`calmline.signals._plancache`,
and later processes hand it straight to ``_sre.compile``: the same call that
``re._compiler.compile`` ends with, which checks the program before using it.

This leans on three private parts of CPython's ``re``: ``re._parser.parse``,
``re._compiler._code`` and ``_sre.compile``. ``tests/signals/test_rxcache.py`` pins them
on every supported Python, and anything unexpected (an unknown interpreter, a failed
call, a damaged or stale entry) falls back to ``re.compile``, which is always right: the
cache can only make compiling faster, never change a match. Entries are checked against
the pattern itself, the file is JSON (reading it runs no code) and it is written whole
and atomically. ``CALMLINE_NO_CACHE=1`` turns it off; ``CALMLINE_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import array
import atexit
import base64
import hashlib
import importlib
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any

from calmline.signals import _plancache

__all__ = ["cache_path", "compile", "save"]

#: entries kept at most (user lexicons add entries; beyond this the table starts afresh)
_MAX_ENTRIES = 20_000
_LOCK = threading.Lock()
_table: dict[str, list[Any]] | None = None
_path: Path | None = None  # the file ``_table`` came from and goes to (None: caching is off)
_dirty = False
_registered = False

_sre: Any
_compiler: Any
_parser: Any
try:  # the private parts this module needs; without them it is re.compile, no more
    _sre = importlib.import_module("_sre")
    _compiler = importlib.import_module("re._compiler")
    _parser = importlib.import_module("re._parser")
    _CODE = next(t for t in "IL" if array.array(t).itemsize == _sre.CODESIZE)
    _ENGINE = f"{sys.implementation.name}|{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"
except (ImportError, AttributeError, StopIteration):  # pragma: no cover - not CPython 3.11+
    _ENGINE = ""


def cache_path() -> Path | None:
    """The file for this interpreter's ``re`` engine (None: caching is off or not possible)."""
    d = _plancache.cache_dir()
    if d is None or not _ENGINE:
        return None
    return d / f"regex-{hashlib.sha256(_ENGINE.encode()).hexdigest()[:16]}.json"


def _load() -> dict[str, list[Any]] | None:
    """The table of programs, read once per process (None: caching is off; the path is worked out here once,
    not at every compile)."""
    global _table, _path
    if _table is None:
        table: dict[str, list[Any]] = {}
        _path = cache_path()
        try:
            if _path is not None and _path.is_file():
                raw = json.loads(_path.read_text(encoding="utf-8"))
                if isinstance(raw, dict) and raw.get("engine") == _ENGINE and isinstance(raw.get("entries"), dict):
                    table = raw["entries"]
        except (OSError, ValueError, UnicodeDecodeError):
            table = {}  # corrupt or unreadable: start afresh
        _table = table
    return _table if _path is not None else None


def _program(pattern: str, flags: int) -> tuple[re.Pattern[str], list[Any]]:
    """Compile as ``re._compiler.compile`` does, and the entry that rebuilds it."""
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup: list[str | None] = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    entry = [flags | p.state.flags, p.state.groups - 1, groupindex, indexgroup]
    rx = _sre.compile(pattern, entry[0], code, entry[1], groupindex, tuple(indexgroup))
    packed = base64.b64encode(array.array(_CODE, code).tobytes()).decode("ascii")
    return rx, [*entry, packed]


def _rebuild(pattern: str, entry: list[Any]) -> re.Pattern[str]:
    cflags, groups, groupindex, indexgroup, packed = entry
    code = array.array(_CODE)
    code.frombytes(base64.b64decode(packed, validate=True))
    rx: re.Pattern[str] = _sre.compile(pattern, cflags, code.tolist(), groups, groupindex, tuple(indexgroup))
    return rx


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the disk cache when it holds this pattern's program."""
    global _dirty, _registered
    flags = int(flags)  # a RegexFlag formats as its name: the key is the number
    if not _ENGINE or flags & re.DEBUG:
        return re.compile(pattern, flags)
    key = f"{flags}\x00{pattern}"
    with _LOCK:
        table = _load()
        entry = None if table is None else table.get(key)
    if table is None:
        return re.compile(pattern, flags)
    if entry is not None:
        try:
            return _rebuild(pattern, entry)
        except (RuntimeError, TypeError, ValueError, OverflowError, IndexError, AttributeError):
            pass  # a damaged entry (``_sre`` refuses a bad program): compile it afresh
    try:
        rx, entry = _program(pattern, flags)
    except re.error:
        raise
    except Exception:  # the private path failed: the public one decides
        return re.compile(pattern, flags)
    with _LOCK:
        if len(table) >= _MAX_ENTRIES:
            table.clear()
        table[key] = entry
        _dirty = True
        if not _registered:
            atexit.register(save)
            _registered = True
    return rx


def save() -> None:
    """Write new entries to disk (at exit, or when called; failures such as a read-only home are ignored)."""
    global _dirty
    with _LOCK:
        if not _dirty or _table is None or _path is None:
            return
        _dirty = False
        data = json.dumps({"engine": _ENGINE, "entries": _table}, ensure_ascii=False, separators=(",", ":"))
        path = _path
    _plancache.write_atomic(path, data)
