"""Practice personas: strictly validated YAML files describing a difficult customer.

The shipped personas are ``calmline/practice/personas/*.yaml``; an organisation adds
its own directory (``load_personas(extra_dir)``), whose files add personas or replace
a shipped one with the same ``id``. Unknown keys, wrong types and unknown situations,
states, needs or effects are rejected with a :class:`~calmline.errors.ConfigError`
naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from calmline._yaml import check_keys, num, strings
from calmline.errors import ConfigError

__all__ = [
    "ABUSE",
    "EFFECTS",
    "NEEDS",
    "SITUATIONS",
    "STATES",
    "Persona",
    "Scenario",
    "default_personas",
    "load_persona",
    "load_personas",
    "state_of",
]

#: Moods, by frustration: below 0.35 calm, below 0.7 upset, else furious.
STATES: tuple[str, ...] = ("calm", "upset", "furious")
#: Situations a customer line answers; the first six are required in every persona.
SITUATIONS: tuple[str, ...] = (
    "opening",
    "calmer",
    "same",
    "angrier",
    "resolved",
    "walk_out",
    "canned",
    "dismissed",
    "repeat",
    "bad_news",
    "abuse",
    "boundary",
    "threat",
    "ended",
)
_REQUIRED_SITUATIONS = set(SITUATIONS[:6])
#: What a persona needs before it can be resolved (each a move the agent must make at least once).
NEEDS: tuple[str, ...] = (
    "empathy",
    "paraphrase",
    "ownership",
    "alternative",
    "next_step",
    "reference",
    "callback",
    "escalation",
    "boundary",
)
#: How an abusive persona answers a boundary: ``none`` (not abusive), ``yields``, ``escalates`` (to a threat).
ABUSE: tuple[str, ...] = ("none", "yields", "escalates")
#: Effects a persona may weigh differently (multipliers of the engine's default deltas).
EFFECTS: tuple[str, ...] = (
    "empathy",
    "paraphrase",
    "ownership",
    "alternative",
    "next_step",
    "timeframe",
    "reference",
    "escalation",
    "clarifying",
    "boundary",
    "canned",
    "dismissive",
    "blame",
    "mirroring",
    "bad_news",
    "no_boundary",
    "repeat",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}$")
_TOP = {
    "version",
    "id",
    "name",
    "summary",
    "scenario",
    "mood",
    "resolve_at",
    "max_turns",
    "abuse",
    "needs",
    "weights",
    "lines",
}
_TOP_REQUIRED = {"version", "id", "name", "summary", "scenario", "mood", "lines"}
_SCENARIO = {"facts", "wants", "policy_allows", "already_told"}
_MAX_LINE = 600


def state_of(frustration: float) -> str:
    """The mood name of a frustration level."""
    return "calm" if frustration < 0.35 else "upset" if frustration < 0.7 else "furious"


@dataclass(frozen=True, slots=True)
class Scenario:
    """What the agent is told before the chat: the facts, the wish, what the policy allows.

    ``already_told`` are things the customer has already given (an order number...):
    asking for them again inflames.
    """

    facts: tuple[str, ...]
    wants: str
    policy_allows: tuple[str, ...]
    already_told: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "facts": list(self.facts),
            "wants": self.wants,
            "policy_allows": list(self.policy_allows),
            "already_told": list(self.already_told),
        }


@dataclass(frozen=True, slots=True)
class Persona:
    """A difficult customer to practise with (see ``docs/practice.md`` for every key)."""

    id: str
    name: str
    summary: str
    scenario: Scenario
    mood: float
    resolve_at: float
    max_turns: int
    abuse: str
    needs: tuple[str, ...]
    weights: Mapping[str, float]
    #: situation -> state -> lines (a list written for any state is stored under every state)
    lines: Mapping[str, Mapping[str, tuple[str, ...]]]
    origin: str

    def pool(self, situation: str, state: str) -> tuple[str, ...]:
        """The lines for ``situation`` in ``state`` (falling back to ``angrier``/``same`` when absent)."""
        for sit in (situation, "angrier" if situation in _INFLAME else "same"):
            by_state = self.lines.get(sit)
            if by_state:
                return by_state.get(state) or next(iter(by_state.values()))
        return self.lines["same"].get(state) or next(iter(self.lines["same"].values()))

    def brief(self) -> dict[str, Any]:
        """What the agent sees before practising (and ``--list`` prints)."""
        return {
            "id": self.id,
            "name": self.name,
            "summary": self.summary,
            "scenario": self.scenario.to_dict(),
            "mood": state_of(self.mood),
            "abusive": self.abuse != "none",
            "max_turns": self.max_turns,
        }


_INFLAME = {"canned", "dismissed", "repeat", "bad_news", "abuse", "boundary", "threat"}


def _lines(raw: Any, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    obj = check_keys(raw, set(SITUATIONS), where, _REQUIRED_SITUATIONS)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for sit, value in obj.items():
        w = f"{where}.{sit}"
        if isinstance(value, list):
            pool = strings(value, w)
            out[sit] = {st: pool for st in STATES}
        else:
            by_state = check_keys(value, set(STATES), w, set())
            if not by_state:
                raise ConfigError(f"{w}: expected a list of lines or a mapping of {', '.join(STATES)} to lines")
            out[sit] = {st: strings(v, f"{w}.{st}") for st, v in by_state.items()}
        for pool in out[sit].values():
            for line in pool:
                if len(line) > _MAX_LINE:
                    raise ConfigError(f"{w}: a line is {len(line)} characters; the limit is {_MAX_LINE}")
    return out


def _scenario(raw: Any, where: str) -> Scenario:
    obj = check_keys(raw, _SCENARIO, where, {"facts", "wants", "policy_allows"})
    if not isinstance(obj["wants"], str) or not obj["wants"].strip():
        raise ConfigError(f"{where}.wants: expected a non-empty string")
    return Scenario(
        facts=strings(obj["facts"], f"{where}.facts"),
        wants=obj["wants"].strip(),
        policy_allows=strings(obj["policy_allows"], f"{where}.policy_allows"),
        already_told=strings(obj.get("already_told", []), f"{where}.already_told", empty=True),
    )


def _choice(obj: Mapping[str, Any], key: str, allowed: tuple[str, ...], where: str, default: str) -> str:
    value = obj.get(key, default)
    if value not in allowed:
        raise ConfigError(f"{where}.{key}: expected one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _parse(data: Any, origin: str) -> Persona:
    obj = check_keys(data, _TOP, origin, _TOP_REQUIRED)
    if obj["version"] != 1:
        raise ConfigError(f"{origin}.version: expected 1, got {obj['version']!r}")
    pid = obj["id"]
    if not isinstance(pid, str) or not _ID.match(pid):
        raise ConfigError(f"{origin}.id: expected lower-case letters, digits and '-' (2-49 characters), got {pid!r}")
    for key in ("name", "summary"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise ConfigError(f"{origin}.{key}: expected a non-empty string")
    needs = strings(obj.get("needs", []), f"{origin}.needs", empty=True)
    for need in needs:
        if need not in NEEDS:
            raise ConfigError(f"{origin}.needs: unknown need {need!r}; known: {', '.join(NEEDS)}")
    weights_raw = check_keys(obj.get("weights", {}), set(EFFECTS), f"{origin}.weights", set())
    weights = {k: num(weights_raw, k, f"{origin}.weights", 0.0, 5.0) for k in weights_raw}
    max_turns = obj.get("max_turns", 10)
    if isinstance(max_turns, bool) or not isinstance(max_turns, int) or not 2 <= max_turns <= 40:
        raise ConfigError(f"{origin}.max_turns: expected a whole number between 2 and 40, got {max_turns!r}")
    abuse = _choice(obj, "abuse", ABUSE, origin, "none")
    lines = _lines(obj["lines"], f"{origin}.lines")
    if abuse != "none" and "abuse" not in lines:
        raise ConfigError(f"{origin}.lines: an abusive persona needs 'abuse' lines (what it says without a boundary)")
    if abuse == "escalates" and not {"threat", "ended"} <= set(lines):
        raise ConfigError(f"{origin}.lines: abuse 'escalates' needs 'threat' and 'ended' lines")
    return Persona(
        id=pid,
        name=obj["name"].strip(),
        summary=obj["summary"].strip(),
        scenario=_scenario(obj["scenario"], f"{origin}.scenario"),
        mood=num(obj, "mood", origin, 0.0, 1.0),
        resolve_at=num(obj, "resolve_at", origin, 0.05, 0.6) if "resolve_at" in obj else 0.3,
        max_turns=max_turns,
        abuse=abuse,
        needs=needs,
        weights=weights,
        lines=lines,
        origin=origin,
    )


def _read(text: str, origin: str) -> Persona:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: invalid YAML: {exc}") from None
    return _parse(data, origin)


def load_persona(path: str | Path) -> Persona:
    """Read and validate one persona file."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: file not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f"{p}: cannot read as UTF-8 text: {exc}") from None
    return _read(text, str(p))


@lru_cache(maxsize=1)
def default_personas() -> tuple[Persona, ...]:
    """The shipped personas, sorted by id."""
    root = resources.files("calmline.practice").joinpath("personas")
    found = [
        _read(f.read_text(encoding="utf-8"), f"calmline/practice/personas/{f.name}")
        for f in root.iterdir()
        if f.name.endswith(".yaml")
    ]
    return tuple(sorted(found, key=lambda p: p.id))


def load_personas(extra_dir: str | Path | None = None) -> dict[str, Persona]:
    """The shipped personas plus an organisation's directory of ``*.yaml`` files (same id replaces)."""
    out = {p.id: p for p in default_personas()}
    if extra_dir is None:
        return out
    d = Path(extra_dir)
    if not d.is_dir():
        raise ConfigError(f"{d}: persona directory not found")
    seen: dict[str, str] = {}
    for f in sorted(d.glob("*.yaml")):
        persona = load_persona(f)
        if persona.id in seen:
            raise ConfigError(f"{f}.id: {persona.id!r} is also the id of {seen[persona.id]}")
        seen[persona.id] = str(f)
        out[persona.id] = persona
    return out
