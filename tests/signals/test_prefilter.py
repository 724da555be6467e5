"""The regex prefilter may only skip a pattern that cannot match: checked on every lexicon pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from calmline.registry import get
from calmline.signals._lexicon import load_lexicon
from calmline.signals._prefilter import split_branches, token_clauses, with_affixes
from calmline.signals._text import Message
from calmline.signals.detectors import DEFAULT_DETECTORS
from calmline.signals.detectors._patterns import PatternDetector

DATA = Path(__file__).resolve().parents[1] / "data"
EXTRA = [
    "You are SUCH an idiot, I'll see you in court and post it on twitter!!!",
    "i'm going to tell everyone on facebook how useless you are",
    "Thanks for nothing. Really 'helpful' as always 🙄",
    "my lawyer will hear about this, and so will the ombudsman",
    "I want to speak to your manager NOW",
    "cancel my account, I'm leaving for a competitor",
    "this is the 4th time I've explained it, over and over",
    "I've been on hold for 2 hours waiting for someone",
    "s t u p i d b0t, f*ck this",
]


def _texts() -> list[str]:
    out = list(EXTRA)
    for name in ("customer_cases.yaml", "dev2_cases.yaml", "dev3a_cases.yaml", "dev3b_cases.yaml"):
        for case in yaml.safe_load((DATA / name).read_text(encoding="utf-8")):
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                out.append(case["text"])
    return out


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for name in DEFAULT_DETECTORS:
        cls = get(name)
        if isinstance(cls, type) and issubclass(cls, PatternDetector):
            lex = load_lexicon(cls.lexicon_name)
            out += [(f"{name}:{p.id}", p.regex) for p in (*lex.patterns, *lex.exclude)]
    return out


def test_clauses_never_rule_out_a_pattern_that_matches() -> None:
    messages = [Message(t) for t in _texts()]
    checked = 0
    for pid, regex in _patterns():
        clauses = token_clauses(regex)
        for m in messages:
            if regex.search(m.norm):
                have = with_affixes(m.token_set)
                missing = [sorted(c) for c in clauses if c.isdisjoint(have)]
                assert not missing, f"{pid} matches {m.text!r} but its prefilter requires {missing}"
                checked += 1
    assert checked > 200  # the cases really exercise the lexicons


@pytest.mark.parametrize(
    ("source", "branches"),
    [("a|b(c|d)", ["a", "b(c|d)"]), ("(?:x|y)z", ["(?:x|y)z"]), (r"\|a|b", [r"\|a", "b"]), ("[|]|q", ["[|]", "q"])],
)
def test_split_branches_only_at_the_top_level(source: str, branches: list[str]) -> None:
    assert split_branches(source) == branches


def test_known_clauses() -> None:
    clauses = token_clauses(re.compile(r"\bthanks for (?:nothing|your help)\b"))
    assert frozenset({"thanks"}) in clauses and frozenset({"nothing", "help"}) in clauses
    assert token_clauses(re.compile(r"idiot", re.IGNORECASE)) == ()  # not understood: never skipped
