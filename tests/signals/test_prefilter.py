"""The regex prefilter may only skip a pattern that cannot match: checked on every lexicon pattern."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from calmline.registry import get
from calmline.signals._alternation import Alternation
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


def _alternations() -> list[tuple[str, Any]]:
    out = []
    for name in DEFAULT_DETECTORS:
        cls = get(name)
        if isinstance(cls, type) and issubclass(cls, PatternDetector):
            det = cls()
            det.load()
            out += [(f"{name}:{i}", alt) for i, alt in enumerate(det.alternations) if len(alt.sources) > 1]
    return out


def test_matches_equal_the_alternation_of_the_branches() -> None:
    """``Alternation.matches`` (branches tried one by one) finds what the joined regex finds, for any branch set."""
    texts = [Message(t).norm for t in _texts()]
    texts += ["you idiot " * 3 + "waiting waiting", "", "no no no", "x" * 50]
    rng = random.Random(14)
    compared = with_no_heads = 0
    for pid, alt in _alternations():
        n = len(alt.sources)
        subsets = [tuple(range(n))] + [tuple(sorted(rng.sample(range(n), min(n, k)))) for k in (2, 3, 2, 3)]
        for live in subsets:
            joined = re.compile("|".join(f"(?:{alt.sources[i]})" for i in live), alt._flags)
            with_no_heads += any(alt.heads[i] is None for i in live)
            for norm in texts:
                want = [m.span() for m in joined.finditer(norm)]
                assert [m.span() for m in alt.matches(norm, live)] == want, (pid, live, norm[:60])
                compared += 1
    assert compared > 5000 and with_no_heads > 10  # both ways of matching are exercised


@pytest.mark.parametrize(
    "source",
    [
        r"[ab]b|[ab]bc|\w+c",  # no literal heads; two branches match at the same place with different ends
        r"\bno\b|\bno way\b|\bnot?\b",  # literal heads shared by the branches
        r"you|[xy]ou\w*|\byo",  # a branch without heads beside ones with heads
        r"a*|b",  # a branch that can match the empty string
    ],
)
def test_matches_follow_the_alternations_order_on_ties(source: str) -> None:
    alt = Alternation([re.compile(source)])
    joined = re.compile(source)
    n = len(alt.sources)
    for norm in ("abbc bbc xbc", "no way, not now, no", "you youth xouy yoyo", "aab b baa", ""):
        for live in {tuple(range(n)), *[(i, j) for i in range(n) for j in range(i + 1, n)]}:
            ref = re.compile("|".join(f"(?:{alt.sources[i]})" for i in live))
            assert [m.span() for m in alt.matches(norm, live)] == [m.span() for m in ref.finditer(norm)], live
        assert [m.span() for m in alt.matches(norm, tuple(range(n)))] == [m.span() for m in joined.finditer(norm)]


def test_compile_patterns_compiles_every_branch_and_regex_once() -> None:
    from calmline.signals import _alternation
    from calmline.signals.reader import Reader

    reader = Reader(learned=False)
    reader.compile_patterns()
    alts = list(_alternation._LIVE)
    assert len(alts) > 50
    assert all(rx is not None for alt in alts for rx in alt._rx)
    from calmline.signals import _lexicon

    lazy = list(_lexicon._LAZY.values())
    assert len(lazy) > 100 and all(rx._rx is not None for rx in lazy)  # every lexicon regex too
    assert reader.compile_patterns() == 0  # nothing left to compile
    r = reader.read("I will sue you, see you in court, idiot")
    assert {"threat.legal", "abuse.insult"} <= {s.label for s in r.signals}
