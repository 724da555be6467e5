"""Loading and strictly validating the YAML lexicons that drive rule detectors.

A *pattern lexicon* describes one label::

    label: threat.legal
    version: 1
    description: ...
    macros: {INTENT: "(?:i'll|i will)"}        # used as %INTENT% in regexes
    patterns:
      - id: sue
        triggers: [sue, suing]                  # a pattern runs only if a trigger token is present
        regex: "%INTENT%\\s+sue\\b"
        score: 0.9
        why: states an intent to sue            # the explanation shown to people
        negatable: true                         # a negation just before cancels it (default true)
        window: 3                               # how many words before count for negation
    exclude:                                    # a hit inside a match of these is dropped
      - {triggers: [policy], regex: "refund policy", why: asks about the policy}

Unknown keys are rejected and every error names the file and the key.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml

from calmline._yaml import check_keys
from calmline.errors import ConfigError
from calmline.signals import _plancache, _rxcache

#: libyaml's safe loader when available (same documents, several times faster)
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["Pattern", "PatternLexicon", "common_macros", "load_lexicon", "load_yaml", "word_list"]

_LEXICON_KEYS = {"label", "version", "description", "macros", "patterns", "exclude"}
_PATTERN_KEYS = {"id", "triggers", "regex", "score", "why", "negatable", "window", "quotable", "implies"}
_EXCLUDE_KEYS = {"triggers", "regex", "why"}


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled rule of a pattern lexicon."""

    id: str
    triggers: frozenset[str]
    regex: re.Pattern[str]
    score: float
    why: str
    negatable: bool = True
    window: int = 3
    quotable: bool = True
    implies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PatternLexicon:
    """A validated pattern lexicon for one label."""

    label: str
    version: int
    description: str
    patterns: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...]
    origin: str


def load_yaml(name_or_path: str | Path) -> tuple[Any, str]:
    """Read a YAML file shipped in ``calmline/signals/lexicons`` (by name) or from a path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text, origin = path.read_text(encoding="utf-8"), str(path)
    else:
        ref = resources.files("calmline.signals").joinpath("lexicons").joinpath(f"{name_or_path}.yaml")
        origin = f"calmline/signals/lexicons/{name_or_path}.yaml"
        try:
            text = ref.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{origin}: lexicon not found") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER), origin
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: invalid YAML: {exc}") from None


def _compile(raw: Any, macros: Mapping[str, str], where: str) -> re.Pattern[str]:
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}.regex: expected a non-empty string")
    expanded = raw
    for _ in range(4):  # macros may use macros
        expanded = re.sub(r"%([A-Z_]+)%", lambda m: _macro(m, macros, where), expanded)
    try:
        # a pattern the disk cache has seen compile is compiled on first use instead
        # (a fresh process then starts without compiling some 300 large regexes)
        _plancache.cached("valid", expanded, 0, lambda: bool(re.compile(expanded)), bool, bool)
    except re.error as exc:
        raise ConfigError(f"{where}.regex: invalid regular expression: {exc}") from None
    return cast(re.Pattern[str], _LazyRegex(expanded))


class _LazyRegex:
    """A compiled regex that compiles itself on first use (``pattern`` and ``flags`` need no compiling)."""

    __slots__ = ("__weakref__", "_rx", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags | re.UNICODE  # what ``re.compile(pattern).flags`` reports
        self._rx: re.Pattern[str] | None = None
        _LAZY[id(self)] = self

    def compile(self) -> bool:
        """Compile now, if not yet; whether this call compiled it."""
        if self._rx is not None:
            return False
        self._rx = _rxcache.compile(self.pattern, self.flags)
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_rx":  # copy/pickle probing a half-built object
            raise AttributeError(name)
        if self._rx is None:
            self.compile()
        return getattr(self._rx, name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_LazyRegex, (self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"re.compile({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _LazyRegex | re.Pattern):
            return (self.pattern, self.flags) == (other.pattern, other.flags)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))


#: every lexicon regex not yet garbage, by identity (equal patterns of two lexicons are two entries):
#: ``compile_lexicon_regexes`` compiles those still lazy
_LAZY: weakref.WeakValueDictionary[int, _LazyRegex] = weakref.WeakValueDictionary()


def compile_lexicon_regexes() -> int:
    """Compile every loaded lexicon regex that is still lazy; the number compiled now.

    A service calls this at start-up, so that no request pays for a first compile.
    """
    return sum(rx.compile() for rx in list(_LAZY.values()))


def _macro(m: re.Match[str], macros: Mapping[str, str], where: str) -> str:
    if m.group(1) not in macros:
        raise ConfigError(f"{where}.regex: unknown macro %{m.group(1)}%; defined: {', '.join(sorted(macros))}")
    return macros[m.group(1)]


def _pattern(raw: Any, macros: Mapping[str, str], where: str, keys: set[str]) -> Pattern:
    obj = check_keys(raw, keys, where, {"triggers", "regex"})
    triggers = obj["triggers"]
    if not isinstance(triggers, list) or not triggers or not all(isinstance(t, str) and t for t in triggers):
        raise ConfigError(f"{where}.triggers: expected a non-empty list of words")
    score = obj.get("score", 0.8)
    if not isinstance(score, int | float) or not 0 <= score <= 1:
        raise ConfigError(f"{where}.score: expected a number between 0 and 1")
    window = obj.get("window", 3)
    if not isinstance(window, int) or window < 0:
        raise ConfigError(f"{where}.window: expected a non-negative integer")
    for flag in ("negatable", "quotable"):
        if not isinstance(obj.get(flag, True), bool):
            raise ConfigError(f"{where}.{flag}: expected true or false")
    return Pattern(
        id=str(obj.get("id", where)),
        triggers=frozenset(t.lower() for t in triggers),
        regex=_compile(obj["regex"], macros, where),
        score=float(score),
        why=str(obj.get("why", "")),
        negatable=bool(obj.get("negatable", True)),
        window=window,
        quotable=bool(obj.get("quotable", True)),
        implies=_labels(obj.get("implies", []), where),
    )


def _labels(raw: Any, where: str) -> tuple[str, ...]:
    from calmline.types import CUSTOMER_LABELS

    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise ConfigError(f"{where}.implies: expected a list of labels")
    unknown = [x for x in raw if x not in CUSTOMER_LABELS]
    if unknown:
        raise ConfigError(
            f"{where}.implies: unknown label(s) {', '.join(unknown)}; valid: {', '.join(CUSTOMER_LABELS)}"
        )
    return tuple(raw)


def load_lexicon(name_or_path: str | Path) -> PatternLexicon:
    """Load and validate a pattern lexicon; raises :class:`ConfigError` naming file and key."""
    data, origin = load_yaml(name_or_path)
    obj = check_keys(data, _LEXICON_KEYS, origin, {"label", "patterns"})
    own = obj.get("macros") or {}
    if not isinstance(own, dict) or not all(isinstance(v, str) for v in own.values()):
        raise ConfigError(f"{origin}: macros: expected a mapping of NAME: regex")
    macros = {**common_macros(), **own}
    patterns_raw = obj["patterns"]
    if not isinstance(patterns_raw, list) or not patterns_raw:
        raise ConfigError(f"{origin}: patterns: expected a non-empty list")
    patterns = tuple(_pattern(p, macros, f"{origin}: patterns[{i}]", _PATTERN_KEYS) for i, p in enumerate(patterns_raw))
    exclude_raw = obj.get("exclude") or []
    if not isinstance(exclude_raw, list):
        raise ConfigError(f"{origin}: exclude: expected a list")
    exclude = tuple(_pattern(p, macros, f"{origin}: exclude[{i}]", _EXCLUDE_KEYS) for i, p in enumerate(exclude_raw))
    return PatternLexicon(
        label=str(obj["label"]),
        version=int(obj.get("version", 1)),
        description=str(obj.get("description", "")),
        patterns=patterns,
        exclude=exclude,
        origin=origin,
    )


def common_macros() -> dict[str, str]:
    """Macros shared by every pattern lexicon (``lexicons/_common.yaml``)."""
    data, origin = load_yaml("_common")
    obj = check_keys(data, {"description", "macros"}, origin, {"macros"})
    macros = obj["macros"]
    if not isinstance(macros, dict) or not all(isinstance(v, str) for v in macros.values()):
        raise ConfigError(f"{origin}: macros: expected a mapping of NAME: regex")
    return dict(macros)


def word_list(data: Mapping[str, Any], key: str, origin: str) -> frozenset[str]:
    """A validated list of lower-case words from a YAML mapping."""
    words = data.get(key)
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(f"{origin}: {key}: expected a list of words")
    return frozenset(w.lower() for w in words)
