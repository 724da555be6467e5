"""Loading and strictly validating a playbook YAML file.

The shipped default is ``calmline/playbook/defaults/playbook.yaml``; an organisation
replaces it by passing its own file to :func:`load_playbook` (nothing is merged
with the defaults, so what the file says is what runs). Unknown keys, unknown
conditions and unknown presets are rejected with a :class:`~calmline.errors.ConfigError`
that names the file and the key and lists the valid values.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from calmline._yaml import check_keys, num, read_yaml, regex, strings
from calmline.errors import ConfigError
from calmline.playbook.model import MOVE_IDS
from calmline.types import CUSTOMER_LABELS

__all__ = [
    "CONDITIONS",
    "EscalationRule",
    "LadderPolicy",
    "MoveRule",
    "Playbook",
    "Thresholds",
    "Timing",
    "Trigger",
    "check_keys",
    "default_playbook",
    "load_playbook",
    "read_yaml",
]

#: Conditions the engine computes; ``label:<customer label>`` is also accepted.
CONDITIONS: frozenset[str] = frozenset(
    {
        "first_contact",
        "complaint",
        "request",
        "bereavement",
        "how_to",
        "no_problem",
        "simple_question",
        "vague",
        "upset",
        "angry",
        "rising",
        "company_error",
        "refund_over_limit",
        "refused",
        "needs_lookup",
        "checking_overdue",
        "silent_after_solution",
        "resolved",
        "thanked",
        "praised",
        "question",
        "escalation",
        "abuse_now",
        "intimidation",
        "repeated_contact",
        "abuse_after_warning",
        "chat",
        "email",
    }
)
_TOP = {"version", "description", "thresholds", "timing", "ladder", "escalation", "moves", "placeholders", "care"}
_CARE = {"break_after", "window_minutes", "counts_double_from"}
_THRESHOLDS = {"upset", "angry", "refund_limit", "repeated_contact", "min_score", "max_moves", "reply_moves"}
_TIMING = {"check_phrases", "solution_phrases", "still_here_after", "silence_after_solution"}
_LADDER = {
    "preset",
    "presets",
    "climb_labels",
    "gentle_on_swearing",
    "gentle_frustration",
    "harm_words",
    "rungs",
    "behaviours",
    "tolerate",
}
_RUNG = {"name", "phrases"}
_ESCALATION = {"rules"}
_RULE = {"id", "when", "to", "tell"}
_MOVE = {"title", "when", "phrases"}
_TRIGGER = {"if", "weight"}


@dataclass(frozen=True, slots=True)
class Trigger:
    """A condition that recommends a move, with how much it adds to the move's score."""

    condition: str
    weight: float


@dataclass(frozen=True, slots=True)
class MoveRule:
    """When a move applies and the phrasing fragments the reply draws on."""

    id: str
    title: str
    when: tuple[Trigger, ...]
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Numbers the engine compares against."""

    upset: float
    angry: float
    refund_limit: float
    repeated_contact: int
    min_score: float
    max_moves: int
    reply_moves: int


@dataclass(frozen=True, slots=True)
class Timing:
    """Time awareness: promised checks, still-here deadlines and silences (seconds per channel)."""

    check_regex: re.Pattern[str]
    solution_regex: re.Pattern[str]
    still_here_after: Mapping[str, float]
    silence_after_solution: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class LadderPolicy:
    """The boundary ladder: which rung each abusive turn reaches and how each rung is phrased."""

    preset: str
    sequence: tuple[int, ...]
    climb_labels: frozenset[str]
    gentle_on_swearing: bool
    gentle_frustration: float
    harm_regex: re.Pattern[str]
    rungs: Mapping[int, tuple[str, ...]]
    rung_names: Mapping[int, str]
    behaviours: Mapping[str, str]
    tolerate: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class EscalationRule:
    """An escalation rule: any of ``when`` fires it; ``to`` and ``tell`` say where and what."""

    id: str
    when: tuple[str, ...]
    to: str
    tell: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CarePolicy:
    """When to suggest a break: ``break_after`` abusive messages within ``window_minutes``,
    a message at or above ``counts_double_from`` severity (a threat to the agent) counting as two."""

    break_after: int = 3
    window_minutes: float = 60.0
    counts_double_from: float = 1.0

    def suggest_break(self, abusive: int, severe: int) -> bool:
        """Whether ``abusive`` messages in the window, ``severe`` of them counting double, call for a break."""
        return abusive + severe >= self.break_after


@dataclass(frozen=True, slots=True)
class Playbook:
    """A validated playbook."""

    version: int
    thresholds: Thresholds
    timing: Timing
    ladder: LadderPolicy
    escalation: tuple[EscalationRule, ...]
    moves: tuple[MoveRule, ...]
    placeholders: frozenset[str]
    origin: str
    care: CarePolicy = CarePolicy()

    def move(self, move_id: str) -> MoveRule | None:
        """The rule for ``move_id``, or ``None`` if this playbook does not define it."""
        return next((m for m in self.moves if m.id == move_id), None)


def _condition(value: Any, where: str) -> str:
    if isinstance(value, str) and value.startswith("label:") and value[6:] in CUSTOMER_LABELS:
        return value
    if value not in CONDITIONS:
        valid = sorted(CONDITIONS) + [f"label:{x}" for x in CUSTOMER_LABELS]
        raise ConfigError(f"{where}: unknown condition {value!r}; valid: {', '.join(valid)}")
    return str(value)


#: the longest wait a playbook may set (30 days): a timer is scheduled that far ahead, inside the calendar
MAX_WAIT_S = 30 * 86400.0


def _per_channel(value: Any, where: str) -> Mapping[str, float]:
    obj = check_keys(value, {"chat", "email"}, where)
    return {k: num(obj, k, where, 1, MAX_WAIT_S) for k in ("chat", "email")}


def _ladder(raw: Any, where: str) -> LadderPolicy:
    obj = check_keys(raw, _LADDER, where, _LADDER - {"tolerate"})
    presets = check_keys(obj["presets"], set(obj["presets"] or {}), f"{where}.presets")
    sequences: dict[str, tuple[int, ...]] = {}
    for name, seq in presets.items():
        ok = isinstance(seq, list) and seq and all(isinstance(r, int) and 1 <= r <= 4 for r in seq)
        if not ok or list(seq) != sorted(seq) or seq[-1] != 4:
            raise ConfigError(f"{where}.presets.{name}: expected rungs 1..4 in rising order ending at 4")
        sequences[str(name)] = tuple(seq)
    preset = obj["preset"]
    if preset not in sequences:
        raise ConfigError(f"{where}.preset: unknown preset {preset!r}; valid: {', '.join(sorted(sequences))}")
    climb = strings(obj["climb_labels"], f"{where}.climb_labels")
    for label in climb:
        if label not in CUSTOMER_LABELS:
            raise ConfigError(f"{where}.climb_labels: unknown label {label!r}; valid: {', '.join(CUSTOMER_LABELS)}")
    if not isinstance(obj["gentle_on_swearing"], bool):
        raise ConfigError(f"{where}.gentle_on_swearing: expected true or false")
    rungs_raw = check_keys(obj["rungs"], {1, 2, 3, 4}, f"{where}.rungs")  # type: ignore[arg-type]
    rungs, names = {}, {}
    for level, rung in rungs_raw.items():
        r = check_keys(rung, _RUNG, f"{where}.rungs.{level}")
        rungs[int(level)] = strings(r["phrases"], f"{where}.rungs.{level}.phrases")
        names[int(level)] = str(r["name"])
    behaviours = check_keys(obj["behaviours"], set(CUSTOMER_LABELS), f"{where}.behaviours", set())
    tolerate = check_keys(obj.get("tolerate", {}), set(climb), f"{where}.tolerate", set())
    for label, n in tolerate.items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ConfigError(f"{where}.tolerate.{label}: expected a whole number of turns (0 or more)")
    return LadderPolicy(
        preset=str(preset),
        sequence=sequences[str(preset)],
        climb_labels=frozenset(climb),
        gentle_on_swearing=bool(obj["gentle_on_swearing"]),
        gentle_frustration=num(obj, "gentle_frustration", where, 0, 1),
        harm_regex=regex(strings(obj["harm_words"], f"{where}.harm_words"), f"{where}.harm_words"),
        rungs=rungs,
        rung_names=names,
        behaviours={str(k): str(v) for k, v in behaviours.items()},
        tolerate={str(k): int(v) for k, v in tolerate.items()},
    )


def _moves(raw: Any, where: str) -> tuple[MoveRule, ...]:
    obj = check_keys(raw, set(MOVE_IDS), where, set())
    out = []
    for move_id, body in obj.items():
        m = check_keys(body, _MOVE, f"{where}.{move_id}")
        if not isinstance(m["when"], list):
            raise ConfigError(f"{where}.{move_id}.when: expected a list of {{if, weight}}")
        triggers = []
        for i, t in enumerate(m["when"]):
            tw = f"{where}.{move_id}.when[{i}]"
            tr = check_keys(t, _TRIGGER, tw)
            triggers.append(Trigger(_condition(tr["if"], f"{tw}.if"), num(tr, "weight", tw, -1, 1)))
        phrases = strings(m["phrases"], f"{where}.{move_id}.phrases")
        out.append(MoveRule(str(move_id), str(m["title"]), tuple(triggers), phrases))
    return tuple(out)


def parse_playbook(data: Any, origin: str) -> Playbook:
    """Validate decoded YAML into a :class:`Playbook`; errors name ``origin`` and the key."""
    top = check_keys(data, _TOP, origin, _TOP - {"description", "care"})
    th = check_keys(top["thresholds"], _THRESHOLDS, f"{origin}: thresholds")
    w = f"{origin}: thresholds"
    thresholds = Thresholds(
        upset=num(th, "upset", w, 0, 1),
        angry=num(th, "angry", w, 0, 1),
        refund_limit=num(th, "refund_limit", w),
        repeated_contact=int(num(th, "repeated_contact", w, 1)),
        min_score=num(th, "min_score", w, 0, 1),
        max_moves=int(num(th, "max_moves", w, 1)),
        reply_moves=int(num(th, "reply_moves", w, 1)),
    )
    tm = check_keys(top["timing"], _TIMING, f"{origin}: timing")
    timing = Timing(
        check_regex=regex(strings(tm["check_phrases"], f"{origin}: timing.check_phrases"), f"{origin}: timing"),
        solution_regex=regex(
            strings(tm["solution_phrases"], f"{origin}: timing.solution_phrases"), f"{origin}: timing"
        ),
        still_here_after=_per_channel(tm["still_here_after"], f"{origin}: timing.still_here_after"),
        silence_after_solution=_per_channel(tm["silence_after_solution"], f"{origin}: timing.silence_after_solution"),
    )
    esc = check_keys(top["escalation"], _ESCALATION, f"{origin}: escalation")
    if not isinstance(esc["rules"], list):
        raise ConfigError(f"{origin}: escalation.rules: expected a list")
    rules = []
    for i, r in enumerate(esc["rules"]):
        rw = f"{origin}: escalation.rules[{i}]"
        rule = check_keys(r, _RULE, rw)
        when = tuple(_condition(c, f"{rw}.when") for c in strings(rule["when"], f"{rw}.when"))
        rules.append(EscalationRule(str(rule["id"]), when, str(rule["to"]), strings(rule["tell"], f"{rw}.tell")))
    version = top["version"]
    if version != 1:
        raise ConfigError(f"{origin}: version: expected 1, got {version!r}")
    return Playbook(
        version=1,
        thresholds=thresholds,
        timing=timing,
        ladder=_ladder(top["ladder"], f"{origin}: ladder"),
        escalation=tuple(rules),
        moves=_moves(top["moves"], f"{origin}: moves"),
        placeholders=frozenset(strings(top["placeholders"], f"{origin}: placeholders")),
        origin=origin,
        care=_care(top.get("care", {}), f"{origin}: care"),
    )


def _care(data: Any, where: str) -> CarePolicy:
    c = check_keys(data, _CARE, where, set())
    d = CarePolicy()
    return CarePolicy(
        break_after=int(num(c, "break_after", where, 1, 1000)) if "break_after" in c else d.break_after,
        window_minutes=num(c, "window_minutes", where, 1, 7 * 24 * 60) if "window_minutes" in c else d.window_minutes,
        counts_double_from=num(c, "counts_double_from", where, 0, 1)
        if "counts_double_from" in c
        else d.counts_double_from,
    )


def load_playbook(path: str | Path | None = None) -> Playbook:
    """Load a playbook file (the shipped default when ``path`` is None) and validate it.

    Raises:
        ConfigError: the file is missing, not YAML, or fails validation (file and key named).
    """
    if path is None:
        return default_playbook()
    data, origin = read_yaml(path, "calmline.playbook", "playbook.yaml")
    return parse_playbook(data, origin)


@lru_cache(maxsize=1)
def default_playbook() -> Playbook:
    """The shipped playbook, loaded once."""
    data, origin = read_yaml(None, "calmline.playbook", "playbook.yaml")
    return parse_playbook(data, origin)


def with_still_here(playbook: Playbook, seconds: float | None) -> Playbook:
    """``playbook`` with its still-here limit set to ``seconds`` on every channel (``None``: unchanged).

    The playbook is the one clock for holds and still-here updates: guidance ranks the
    update and the service's timer fires from the same number. A deployment setting
    (``CALMLINE_STILL_HERE_S``) overrides it through this function, never beside it.
    """
    if seconds is None:
        return playbook
    timing = dataclasses.replace(
        playbook.timing, still_here_after={k: float(seconds) for k in playbook.timing.still_here_after}
    )
    return dataclasses.replace(playbook, timing=timing)
