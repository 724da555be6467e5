"""A disk cache of the prefilter's regex analysis, so a fresh process starts fast.

Building a :class:`~calmline.signals.reader.Reader` reads the syntax of a few hundred
lexicon regexes (:mod:`calmline.signals._prefilter`); the results (branch sources,
word clauses, literal heads) depend only on the pattern text, its flags, the
analysis code and the Python version. They are kept in one JSON file per *engine
key* (a hash of the prefilter's source, the package version and ``sys.version_info``
major.minor, so a changed analysis never reads stale results) in the user's cache
directory, each entry keyed by the pattern itself, so editing a lexicon only adds
entries.

The cache is an optimisation only: a missing, unreadable, corrupt or read-only cache
means the analysis runs as before. ``CALMLINE_CACHE_DIR`` moves it;
``CALMLINE_NO_CACHE=1`` turns it off. JSON, not pickle: reading it runs no code.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["cache_dir", "cache_path", "cached", "save", "write_atomic"]

T = TypeVar("T")
#: entries kept at most (user lexicons add entries; beyond this the file starts afresh)
_MAX_ENTRIES = 20_000
_LOCK = threading.Lock()
_memo: dict[str, Any] | None = None
_dirty = False


def _engine_key() -> str:
    from calmline import __version__
    from calmline.signals import _prefilter

    h = hashlib.sha256()
    h.update(Path(_prefilter.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(f"{__version__}|{sys.version_info[0]}.{sys.version_info[1]}".encode())
    return h.hexdigest()[:16]


def cache_dir() -> Path | None:
    """The user's cache directory for Calmline (None: ``CALMLINE_NO_CACHE`` turned caching off)."""
    if os.environ.get("CALMLINE_NO_CACHE", "") not in ("", "0"):
        return None
    env = os.environ.get("CALMLINE_CACHE_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("calmline", appauthor=False))
    except ImportError:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / "calmline"


def cache_path() -> Path | None:
    """The cache file for this engine (None: caching is off)."""
    d = cache_dir()
    return None if d is None else d / f"prefilter-{_engine_key()}.json"


def _load() -> dict[str, Any]:
    global _memo
    if _memo is None:
        memo: dict[str, Any] = {}
        try:
            path = cache_path()
            if path is not None and path.is_file():
                raw = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(raw, dict):
                    memo = raw
        except (OSError, ValueError, UnicodeDecodeError):
            memo = {}  # corrupt or unreadable: start afresh
        _memo = memo
    return _memo


def cached(
    kind: str,
    pattern: str,
    flags: int,
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """``compute()``, or its earlier result for ``(kind, pattern, flags)`` read from the cache."""
    global _dirty
    key = f"{kind}\x00{flags}\x00{pattern}"
    with _LOCK:
        memo = _load()
        raw = memo.get(key)
    if raw is not None:
        try:
            return decode(raw["v"])
        except (KeyError, TypeError, ValueError, IndexError):
            pass  # a damaged entry: compute it again
    value = compute()
    with _LOCK:
        if len(memo) >= _MAX_ENTRIES:
            memo.clear()
        memo[key] = {"v": encode(value)}
        _dirty = True
    return value


def save() -> None:
    """Write new entries to disk (atomically; failures, e.g. a read-only home, are ignored)."""
    global _dirty
    with _LOCK:
        if not _dirty or _memo is None:
            return
        _dirty = False
        data = json.dumps(_memo, ensure_ascii=False, separators=(",", ":"))
    path = cache_path()
    if path is not None:
        write_atomic(path, data)


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` whole (a temporary file renamed over it); an OSError is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


# ---------------------------------------------------------------- JSON shapes
def enc_set(s: frozenset[str] | None) -> list[str] | None:
    return None if s is None else sorted(s)


def dec_set(v: Any) -> frozenset[str] | None:
    return None if v is None else frozenset(map(str, v))


def enc_clauses(cl: tuple[frozenset[str], ...]) -> list[list[str]]:
    return [sorted(c) for c in cl]


def dec_clauses(v: Any) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(map(str, c)) for c in v)
