"""Readers for the public evaluation sets in ``../shared/data`` (read in place, never copied).

Every reader returns a :class:`Labeled` sample of at most ``max_n`` rows, drawn with a
fixed seed, and raises :class:`FileNotFoundError` when its files are missing (the runner
turns that into a "skipped (not found)" row).
"""

from __future__ import annotations

import csv
import html
import random
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "GOEMOTIONS_FRUSTRATED",
    "Labeled",
    "conda_valid",
    "customer_cases",
    "davidson_heldout",
    "goemotions_test",
    "olid",
    "sample_indices",
    "tweeteval_emotion",
    "tweeteval_offensive",
    "uss",
]

#: GoEmotions labels counted as "frustrated" for the in-domain frustration check.
GOEMOTIONS_FRUSTRATED = frozenset({"anger", "annoyance", "disappointment", "disapproval"})
#: Seed of ``training/train_models.py`` (``SEED = 0``) for the Davidson 80/20 split.
DAVIDSON_SPLIT_SEED = 0
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Labeled:
    """Texts with one label each, plus optional per-row extras (same order)."""

    name: str
    texts: list[str]
    y: list[float]
    total: int  # rows available before sampling
    extra: dict[str, list[Any]] = field(default_factory=dict)


def sample_indices(n: int, max_n: int | None, seed: int) -> list[int]:
    """All of ``range(n)``, or a sorted seeded sample of ``max_n`` of them."""
    if max_n is None or n <= max_n:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), max_n))


def _take(name: str, texts: list[str], y: list[float], max_n: int | None, seed: int, **extra: list[Any]) -> Labeled:
    idx = sample_indices(len(texts), max_n, seed)
    return Labeled(
        name,
        [texts[i] for i in idx],
        [y[i] for i in idx],
        len(texts),
        {k: [v[i] for i in idx] for k, v in extra.items()},
    )


def _need(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(str(path))
    return path


# ------------------------------------------------------------------ abuse
def olid(data: Path, max_n: int | None, seed: int) -> Labeled:
    """OLID training v1.0: subtask A OFF=1 / NOT=0; extra ``ind`` = subtask C is IND."""
    path = _need(data / "olid_offenseval" / "olid-training-v1.0.tsv")
    texts: list[str] = []
    y: list[float] = []
    ind: list[int] = []
    # a few lines end in a truncated UTF-8 sequence upstream: replace it
    with path.open(encoding="utf-8", errors="replace") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            texts.append(parts[1])
            y.append(1.0 if parts[2] == "OFF" else 0.0)
            ind.append(1 if len(parts) > 4 and parts[4] == "IND" else 0)
    return _take("OLID (subtask A)", texts, y, max_n, seed, ind=ind)


def olid_individual(data: Path, max_n: int | None, seed: int) -> Labeled:
    """OLID: insults aimed at an individual (subtask C IND) = 1 against NOT = 0; other offensive rows left out."""
    d = olid(data, None, seed)
    keep = [i for i, (y, ind) in enumerate(zip(d.y, d.extra["ind"], strict=True)) if y == 0.0 or ind]
    texts, y = [d.texts[i] for i in keep], [d.y[i] for i in keep]
    return _take("OLID (individual-target insults vs NOT)", texts, y, max_n, seed)


def kaggle_insults(data: Path, max_n: int | None, seed: int) -> Labeled:
    """Kaggle "Detecting Insults in Social Commentary" test file: Insult 1 / 0 (escaped text decoded)."""
    path = _need(data / "kaggle_insults" / "test_with_solutions.csv")
    texts: list[str] = []
    y: list[float] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            raw = row["Comment"].strip('"')
            try:
                text = raw.encode("latin-1", "backslashreplace").decode("unicode_escape")
            except UnicodeDecodeError:
                text = raw
            texts.append(text)
            y.append(float(row["Insult"]))
    return _take("Kaggle insults test", texts, y, max_n, seed)


def tweeteval_offensive(data: Path, max_n: int | None, seed: int) -> Labeled:
    base = data / "tweeteval_offensive_hate_emotion" / "offensive"
    texts = _need(base / "test_text.txt").read_text(encoding="utf-8").splitlines()
    labels = _need(base / "test_labels.txt").read_text(encoding="utf-8").split()
    if len(texts) != len(labels):
        raise ValueError("TweetEval offensive test: text/label count mismatch")
    return _take("TweetEval offensive test", texts, [float(x) for x in labels], max_n, seed)


def conda_valid(data: Path, max_n: int | None, seed: int) -> Labeled:
    """CONDA valid: intentClass E (explicit) / I (implicit) = toxic; A (action) / O = not.

    ``[SEPA]`` joins consecutive chat lines of one player: read as a line break.
    """
    path = _need(data / "conda_ingame_toxicity" / "CONDA_valid.csv")
    texts: list[str] = []
    y: list[float] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cls = row["intentClass"].strip()
            if cls not in ("E", "I", "A", "O"):
                continue
            texts.append(re.sub(r"\s*\[SEPA\]\s*", "\n", row["utterance"]).strip())
            y.append(1.0 if cls in ("E", "I") else 0.0)
    return _take("CONDA valid (E+I)", texts, y, max_n, seed)


_RT = re.compile(r"\bRT\b")


def davidson_heldout(data: Path, max_n: int | None, seed: int) -> Labeled:
    """The 20 % of Davidson the offensive model did NOT train on (same split as training)."""
    path = _need(data / "davidson_hate_offensive" / "labeled_data.csv")
    from sklearn.model_selection import (  # type: ignore[import-untyped]  # bench extra
        train_test_split,
    )

    texts: list[str] = []
    y: list[int] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            # same cleaning as training/_data.py: HTML entities, retweet markers
            texts.append(_RT.sub(" ", html.unescape(html.unescape(row["tweet"]))))
            y.append(0 if row["class"] == "2" else 1)
    idx = list(range(len(texts)))
    _, te = train_test_split(idx, test_size=0.2, stratify=y, random_state=DAVIDSON_SPLIT_SEED)
    te = sorted(te)
    return _take("Davidson held-out 20%", [texts[i] for i in te], [float(y[i]) for i in te], max_n, seed)


# ------------------------------------------------------------ frustration
USS_PARTS = ("SGD", "ReDial", "CCPE")


def uss(data: Path, part: str, max_n: int | None, seed: int) -> Labeled:
    """USS user turns; label = mean of the annotators' 1-5 satisfaction ratings.

    The ``OVERALL`` line (dialogue-level rating) is skipped; extra ``previous`` holds
    the system turn just before, for readers that use context.
    """
    path = _need(data / "uss_user_satisfaction" / f"{part}.txt")
    texts: list[str] = []
    sat: list[float] = []
    previous: list[str | None] = []
    last_system: str | None = None
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < 2 or not parts[0]:
                last_system = None  # blank line: new dialogue
                continue
            if parts[0] == "SYSTEM":
                last_system = parts[1]
                continue
            if parts[0] != "USER" or parts[1] == "OVERALL" or len(parts) < 4:
                continue
            ratings = [int(r) for r in parts[3].split(",") if r.strip()]
            if not ratings:
                continue
            texts.append(parts[1])
            sat.append(float(statistics.mean(ratings)))
            previous.append(last_system)
    return _take(f"USS {part}", texts, sat, max_n, seed, previous=previous)


def tweeteval_emotion(data: Path, max_n: int | None, seed: int) -> Labeled:
    """TweetEval emotion test: anger (1) vs joy/optimism (0); sadness rows dropped."""
    base = data / "tweeteval_offensive_hate_emotion" / "emotion"
    mapping = dict(
        line.split("\t")[::-1]
        for line in _need(base / "mapping.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    anger, pos = mapping["anger"], {mapping["joy"], mapping["optimism"]}
    texts_all = _need(base / "test_text.txt").read_text(encoding="utf-8").splitlines()
    labels = _need(base / "test_labels.txt").read_text(encoding="utf-8").split()
    if len(texts_all) != len(labels):
        raise ValueError("TweetEval emotion test: text/label count mismatch")
    texts = [t for t, lab in zip(texts_all, labels, strict=True) if lab == anger or lab in pos]
    y = [1.0 if lab == anger else 0.0 for lab in labels if lab == anger or lab in pos]
    return _take("TweetEval emotion test", texts, y, max_n, seed)


def goemotions_test(data: Path, max_n: int | None, seed: int) -> Labeled:
    """GoEmotions official test split: 1 if any of :data:`GOEMOTIONS_FRUSTRATED`."""
    folder = data / "goemotions"
    names = _need(folder / "labels.txt").read_text(encoding="utf-8").split()
    texts: list[str] = []
    y: list[float] = []
    with _need(folder / "test.tsv").open(encoding="utf-8") as f:
        for line in f:
            text, ids, _ = line.rstrip("\n").split("\t")
            labels = {names[int(i)] for i in ids.split(",")}
            texts.append(text.replace("[NAME]", "@name"))  # as training does
            y.append(1.0 if labels & GOEMOTIONS_FRUSTRATED else 0.0)
    return _take("GoEmotions test", texts, y, max_n, seed)


# ----------------------------------------------------- hand-written cases
def customer_cases(path: Path | None = None) -> list[dict[str, Any]]:
    """``tests/data/customer_cases.yaml`` (hand-written; also used by the tests)."""
    path = _need(path or REPO / "tests" / "data" / "customer_cases.yaml")
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(cases, list):
        raise ValueError(f"{path}: expected a YAML list")
    return [c for c in cases if isinstance(c, dict) and isinstance(c.get("text"), str)]
