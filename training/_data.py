"""Loaders for the public data sets used by ``train_models.py``.

Only GoEmotions (Apache-2.0) and Davidson (MIT) are used for *training*;
OLID and TweetEval are read for cross-dataset *evaluation* only.
"""

from __future__ import annotations

import csv
import hashlib
import html
import re
from pathlib import Path

GOEMOTIONS_FILES = ("train.tsv", "dev.tsv", "test.tsv", "labels.txt")

# GoEmotions label -> Calmline emotion class.  'curiosity', 'surprise', 'desire'
# and 'realization' go to neutral (see training/README.md for the measurement).
EMOTION_CLASSES = (
    "frustration",
    "anger",
    "disappointment",
    "anxiety",
    "confusion",
    "satisfaction",
    "neutral",
)
GO_TO_CALM = {
    "annoyance": "frustration",
    "disapproval": "frustration",
    "anger": "anger",
    "disgust": "anger",
    "disappointment": "disappointment",
    "sadness": "disappointment",
    "remorse": "disappointment",
    "grief": "disappointment",
    "embarrassment": "disappointment",
    "fear": "anxiety",
    "nervousness": "anxiety",
    "confusion": "confusion",
    "curiosity": "neutral",
    "gratitude": "satisfaction",
    "joy": "satisfaction",
    "admiration": "satisfaction",
    "approval": "satisfaction",
    "relief": "satisfaction",
    "love": "satisfaction",
    "excitement": "satisfaction",
    "optimism": "satisfaction",
    "pride": "satisfaction",
    "amusement": "satisfaction",
    "caring": "satisfaction",
    "neutral": "neutral",
    "realization": "neutral",
    "surprise": "neutral",
    "desire": "neutral",
}
# multi-label rows take the mapped class that comes first here: intense and
# negative states win over mild ones, any emotion wins over neutral
EMOTION_PRIORITY = (
    "anger",
    "frustration",
    "disappointment",
    "anxiety",
    "confusion",
    "satisfaction",
    "neutral",
)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_goemotions_split(
    folder: Path, split: str, mapping: dict[str, str] | None = None
) -> tuple[list[str], list[str], list[list[str]]]:
    """(texts, calmline class per row, original GoEmotions labels per row)."""
    mapping = GO_TO_CALM if mapping is None else mapping
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    rank = {c: i for i, c in enumerate(EMOTION_PRIORITY)}
    texts: list[str] = []
    ys: list[str] = []
    originals: list[list[str]] = []
    with (folder / f"{split}.tsv").open(encoding="utf-8", newline="") as f:
        for line in f:
            text, ids, _cid = line.rstrip("\n").split("\t")
            labels = [names[int(i)] for i in ids.split(",")]
            mapped = sorted({mapping[lab] for lab in labels}, key=rank.__getitem__)
            # [NAME] is GoEmotions' anonymised person: treat it like a mention
            texts.append(text.replace("[NAME]", "@name"))
            ys.append(mapped[0])
            originals.append(labels)
    return texts, ys, originals


_RT = re.compile(r"\bRT\b")


def clean_tweet(text: str) -> str:
    """Davidson tweets carry HTML entities and retweet markers."""
    return _RT.sub(" ", html.unescape(html.unescape(text)))


def read_davidson(folder: Path) -> tuple[list[str], list[int]]:
    """(texts, 1 = hate or offensive, 0 = neither)."""
    texts: list[str] = []
    ys: list[int] = []
    with (folder / "labeled_data.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(clean_tweet(row["tweet"]))
            ys.append(0 if row["class"] == "2" else 1)
    return texts, ys


def read_olid(folder: Path) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    ys: list[int] = []
    # 24 lines end in a truncated UTF-8 sequence (upstream): replace it
    with (folder / "olid-training-v1.0.tsv").open(encoding="utf-8", errors="replace") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            texts.append(parts[1])
            ys.append(1 if parts[2] == "OFF" else 0)
    return texts, ys


def read_tweeteval_offensive_test(folder: Path) -> tuple[list[str], list[int]]:
    base = folder / "offensive"
    texts = (base / "test_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (base / "test_labels.txt").read_text(encoding="utf-8").split()
    if len(texts) != len(labels):
        raise ValueError("TweetEval offensive test: text/label count mismatch")
    return texts, [int(x) for x in labels]
