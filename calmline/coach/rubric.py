"""The coaching rubric: label weights and what each moment expects, from YAML.

The shipped default is ``calmline/coach/defaults/rubric.yaml``; an organisation passes
its own file to :func:`load_rubric` (nothing is merged). Unknown keys, labels and
moments are rejected with a :class:`~calmline.errors.ConfigError` naming file and key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from calmline._yaml import check_keys, read_yaml
from calmline.coach.checks import AGENT_LABELS
from calmline.errors import ConfigError

__all__ = ["MOMENTS", "Expectation", "Rubric", "default_rubric", "load_rubric"]

#: The moments a rubric can set expectations for.
MOMENTS: tuple[str, ...] = (
    "angry",
    "repeating",
    "refusal",
    "abuse_request",
    "abuse_warning",
    "abuse_end",
    "closing",
    "waited",
    "escalation",
    "praised",
)
_TOP = {"version", "base", "angry_frustration", "labels", "moments"}
_OPTIONAL_TOP = {"filler"}


@dataclass(frozen=True, slots=True)
class Expectation:
    """A label a moment expects, its weight when missing, and the one-line why.

    ``also``: other labels that meet the expectation as well (an apology that owns
    the named problem answers an angry customer as well as specific empathy does).
    """

    label: str
    weight: float
    why: str
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rubric:
    """A validated rubric."""

    base: float
    angry_frustration: float
    labels: Mapping[str, float]
    moments: Mapping[str, tuple[Expectation, ...]]
    origin: str
    filler: float = 0.0


def _number(value: Any, where: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ConfigError(f"{where}: expected a number between {lo:g} and {hi:g}, got {value!r}")
    return float(value)


def parse_rubric(data: Any, origin: str) -> Rubric:
    """Validate decoded YAML into a :class:`Rubric`."""
    top = check_keys(data, _TOP | _OPTIONAL_TOP, origin, _TOP)
    if top["version"] != 1:
        raise ConfigError(f"{origin}: version: expected 1, got {top['version']!r}")
    labels_raw = check_keys(top["labels"], set(AGENT_LABELS), f"{origin}: labels", set())
    labels = {k: _number(v, f"{origin}: labels.{k}", -100, 100) for k, v in labels_raw.items()}
    moments_raw = check_keys(top["moments"], set(MOMENTS), f"{origin}: moments", set())
    moments: dict[str, tuple[Expectation, ...]] = {}
    for name, items in moments_raw.items():
        if not isinstance(items, list):
            raise ConfigError(f"{origin}: moments.{name}: expected a list of {{label, weight, why}}")
        out = []
        for i, item in enumerate(items):
            where = f"{origin}: moments.{name}[{i}]"
            e = check_keys(item, {"label", "weight", "why", "also"}, where, {"label", "weight", "why"})
            also = e.get("also", [])
            if not isinstance(also, list):
                raise ConfigError(f"{where}.also: expected a list of labels, got {also!r}")
            for label in [e["label"], *also]:
                if label not in AGENT_LABELS:
                    raise ConfigError(f"{where}: unknown label {label!r}; valid: {', '.join(AGENT_LABELS)}")
            weight = _number(e["weight"], f"{where}.weight", 0, 100)
            out.append(Expectation(str(e["label"]), weight, str(e["why"]), tuple(str(x) for x in also)))
        moments[str(name)] = tuple(out)
    return Rubric(
        base=_number(top["base"], f"{origin}: base", 0, 100),
        angry_frustration=_number(top["angry_frustration"], f"{origin}: angry_frustration", 0, 1),
        labels=labels,
        moments=moments,
        origin=origin,
        filler=_number(top.get("filler", 0), f"{origin}: filler", 0, 100),
    )


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load a rubric file (the shipped default when ``path`` is None) and validate it.

    Raises:
        ConfigError: the file is missing, not YAML, or fails validation (file and key named).
    """
    if path is None:
        return default_rubric()
    data, origin = read_yaml(path, "calmline.coach", "rubric.yaml")
    return parse_rubric(data, origin)


@lru_cache(maxsize=1)
def default_rubric() -> Rubric:
    """The shipped rubric, loaded once."""
    data, origin = read_yaml(None, "calmline.coach", "rubric.yaml")
    return parse_rubric(data, origin)
