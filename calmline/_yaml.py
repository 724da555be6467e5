"""Reading YAML and the strict checks shared by every configuration loader (lexicons, playbook, rubric)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from calmline.errors import ConfigError

#: libyaml's safe loader when available (same documents, several times faster)
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["check_keys", "num", "read_yaml", "regex", "strings"]


def read_yaml(path: str | Path | None, package: str, name: str) -> tuple[Any, str]:
    """Read ``path``, or the file ``name`` shipped in ``package``/defaults when ``path`` is None."""
    if path is None:
        text = resources.files(package).joinpath("defaults").joinpath(name).read_text(encoding="utf-8")
        origin = f"{package.replace('.', '/')}/defaults/{name}"
    else:
        p = Path(path)
        if p.is_dir():
            raise ConfigError(f"{p}: is a directory, not a YAML file")
        if not p.is_file():
            raise ConfigError(f"{p}: file not found")
        origin = str(p)
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{origin}: not UTF-8 (byte {exc.start}): save the file as UTF-8") from None
        except OSError as exc:
            raise ConfigError(f"{origin}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_SAFE_LOADER), origin
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: invalid YAML: {exc}") from None


def check_keys(obj: Any, allowed: set[str], where: str, required: set[str] | None = None) -> Mapping[str, Any]:
    """Check that ``obj`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
    if not isinstance(obj, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(obj).__name__}")
    unknown = set(obj) - allowed
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(allowed))}"
        )
    missing = (allowed if required is None else required) - set(obj)
    if missing:
        raise ConfigError(f"{where}: missing key(s) {', '.join(sorted(missing))}")
    return obj


def num(obj: Mapping[str, Any], key: str, where: str, lo: float = 0.0, hi: float = float("inf")) -> float:
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ConfigError(f"{where}.{key}: expected a number between {lo} and {hi}, got {value!r}")
    return float(value)


def strings(value: Any, where: str, *, empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or (not value and not empty) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected a non-empty list of strings")
    return tuple(value)


def regex(words: tuple[str, ...], where: str) -> re.Pattern[str]:
    try:
        return re.compile(r"\b(?:" + "|".join(words) + r")\b")
    except re.error as exc:
        raise ConfigError(f"{where}: invalid regular expression: {exc}") from None
