"""Guidance and improved drafts for every customer turn of the public dialogue sets, checked for form.

For each customer turn the suggested reply (``decide``) and the coach's improved version of the
real agent reply that followed (``coach``) are generated and checked: no sentence twice, no
reference or amount twice (beyond what the agent wrote), no ``{ticket}`` when the case reference is
known, no known template word-order error. Used by ``tests/playbook/test_corpus_replies.py`` and
``make bench`` (which prints 20 random samples for a person to read). The data is read, never shipped.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from calmline.analyze import analyze
from calmline.coach import coach
from calmline.playbook import decide
from calmline.playbook.reply import sentences
from calmline.types import Analysis, Conversation, Role, Turn

__all__ = ["BAD_BIGRAMS", "Sample", "check", "dialogues", "generate", "print_samples", "replies_at_scale"]

TICKET = "CL-000123"
#: Word orders our templates once produced (issue #15) and other template seams.
BAD_BIGRAMS = (
    "sort out this",
    "raise your internet",
    "raise your delivery address",
    "raise your address",
    "raise your wifi",
    "raise your router",
    "the the",
    "a a",
    "to to",
    "you you",
    "your your",
    "our our",
    "with with",
    "for for",
    "is is",
    ". .",
    ",.",
    ";.",
    " ,",
    "  ",
)
_FACT = re.compile(r"(?<![\w-])(?:[A-Za-z]{0,4}-?\d[\w-]{2,}|[£$€]\s?\d[\d,.]*)")


@dataclass(frozen=True, slots=True)
class Sample:
    source: str
    customer: str
    agent_reply: str
    suggestion: str
    improved: str


def _esconv(path: Path) -> Iterator[list[tuple[str, str]]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield [("customer" if t["speaker"] == "usr" else "agent", t["text"]) for t in json.loads(line)["dialog"]]


def _uss(path: Path) -> Iterator[list[tuple[str, str]]]:
    turns: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for raw in fh:
            parts = raw.rstrip("\n").split("\t")
            if len(parts) < 2 or parts[0] not in ("USER", "SYSTEM"):
                if turns:
                    yield turns
                turns = []
                continue
            turns.append(("customer" if parts[0] == "USER" else "agent", parts[1]))
    if turns:
        yield turns


def dialogues(root: Path, per_set: int | None = None) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """``(source, turns)`` from ESConv (test split) and USS (SGD, ReDial, CCPE) under ``root``."""
    sets = [
        ("esconv-test", root / "esconv" / "test.jsonl", _esconv),
        ("uss-sgd", root / "uss_user_satisfaction" / "SGD.txt", _uss),
        ("uss-redial", root / "uss_user_satisfaction" / "ReDial.txt", _uss),
        ("uss-ccpe", root / "uss_user_satisfaction" / "CCPE.txt", _uss),
    ]
    for name, path, reader in sets:
        if not path.is_file():
            continue
        for n, turns in enumerate(reader(path)):
            if per_set is not None and n >= per_set:
                break
            yield name, [(r, t) for r, t in turns if t.strip()]


def generate(source: str, turns: list[tuple[str, str]], cid: str) -> Iterator[Sample]:
    """One sample per customer turn: the suggestion, and the improved version of the agent's real reply."""
    conv = Conversation(cid, tuple(Turn(Role(r), t[:2000]) for r, t in turns))
    a = analyze(conv)
    for i, ta in enumerate(a.turns):
        if ta.turn.role is not Role.CUSTOMER:
            continue
        prefix = Analysis(Conversation(cid, conv.turns[: i + 1]), a.turns[: i + 1], a.states[: i + 1])
        reply = next((t.turn.text for t in a.turns[i + 1 :] if t.turn.role is Role.AGENT), "")
        suggestion = decide(prefix).suggested_reply
        improved = coach(reply, prefix, ticket=TICKET).suggestion if reply.strip() else ""
        yield Sample(source, ta.turn.text, reply, suggestion, improved)


def _facts_twice(text: str, allowed: str = "") -> list[str]:
    found = [m.group(0).lower() for m in _FACT.finditer(text)]
    before = [m.group(0).lower() for m in _FACT.finditer(allowed)]
    return sorted({f for f in found if found.count(f) > max(1, before.count(f))})


def _has(bigram: str, text: str) -> bool:
    if not bigram[0].isalpha():
        return bigram in text
    return re.search(rf"(?<![\w']){re.escape(bigram)}(?![\w'])", text) is not None


def check(sample: Sample) -> list[str]:
    """What is wrong with a sample's suggestion or improved draft (empty: nothing)."""
    problems = []
    for kind, text, own in (("suggestion", sample.suggestion, ""), ("improved", sample.improved, sample.agent_reply)):
        if not text:
            continue
        seen = sentences(own)
        said = [s for s in sentences(text) if len(s.split()) > 2]
        repeated = {s for s in said if said.count(s) > max(1, seen.count(s))}
        if repeated:
            problems.append(f"{kind}: sentence twice: {sorted(repeated)[0]!r}")
        if twice := _facts_twice(text, own):
            problems.append(f"{kind}: fact twice: {twice}")
        low = text.lower()
        bad = [b for b in BAD_BIGRAMS if _has(b, low) and not _has(b, own.lower())]
        if bad:
            problems.append(f"{kind}: bad word order {bad}")
    if "{ticket}" in sample.improved and "{ticket}" not in sample.agent_reply:
        problems.append("improved: {ticket} left although the case reference is known")
    return problems


def print_samples(samples: list[Sample], k: int = 20, seed: int = 20240601) -> None:
    """Print ``k`` random samples for a person to read."""
    rng = random.Random(seed)
    for s in rng.sample(samples, min(k, len(samples))):
        print(f"[{s.source}] customer: {s.customer[:160]}")
        print(f"  suggestion: {s.suggestion}")
        print(f"  agent wrote: {s.agent_reply[:160]}")
        print(f"  improved:   {s.improved}\n")


def replies_at_scale(root: Path | str, per_set: int | None = None) -> dict[str, int]:
    """Generate and check every customer turn's reply over the dialogue sets; print 20 random samples."""
    samples: list[Sample] = []
    problems = 0
    for n, (source, dialogue) in enumerate(dialogues(Path(root), per_set=per_set)):
        for sample in generate(source, dialogue, f"{source}-{n}"):
            samples.append(sample)
            problems += bool(check(sample))
    if not samples:
        print(f"replies at scale: no dialogue sets under {root} (ESConv test, USS); skipped")
        return {"turns": 0, "with_problems": 0}
    print(f"replies at scale: {len(samples)} customer turns, {problems} with a form problem; 20 random samples:\n")
    print_samples(samples)
    return {"turns": len(samples), "with_problems": problems}
