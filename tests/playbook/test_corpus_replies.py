"""Issue #15 at scale: guidance and improved drafts for thousands of real customer turns read well.

Runs over the public dialogue sets in ../shared/data (ESConv test split, USS SGD/ReDial/CCPE);
skipped with the reason when they are absent (see bench/_replies.py for the checks).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench._replies import check, dialogues, generate

DATA = Path(os.environ.get("CALMLINE_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
PER_SET = int(os.environ.get("CALMLINE_CORPUS_PER_SET", "120"))


def test_every_customer_turn_gets_a_well_formed_suggestion_and_improved_draft():
    if not (DATA / "esconv" / "test.jsonl").is_file() and not (DATA / "uss_user_satisfaction").is_dir():
        pytest.skip(f"public dialogue sets not found under {DATA} (set CALMLINE_DATA; see bench/README.md)")
    problems: list[str] = []
    turns = 0
    for n, (source, dialogue) in enumerate(dialogues(DATA, per_set=PER_SET)):
        for sample in generate(source, dialogue, f"{source}-{n}"):
            turns += 1
            problems += [f"{source}-{n}: {p} | {sample.suggestion} || {sample.improved}" for p in check(sample)]
    assert turns >= 2000, f"only {turns} customer turns read"
    assert not problems, f"{len(problems)} problems in {turns} turns:\n" + "\n".join(problems[:30])
