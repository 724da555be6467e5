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

from calmline.types import EMOTIONS

GOEMOTIONS_FILES = ("train.tsv", "dev.tsv", "test.tsv", "labels.txt")

# GoEmotions label -> Calmline emotion class.  'curiosity', 'surprise', 'desire'
# and 'realization' go to neutral (see training/README.md for the measurement).
EMOTION_CLASSES = EMOTIONS  # the contract order, from calmline.types
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


def davidson_split(folder: Path, seed: int) -> tuple[list[str], list[int], list[int], list[int]]:
    """Davidson's rows with the 80 / 20 stratified split (``seed``): texts, labels, train and held-out indices.

    The offensive model trains on the 80 % and reports the 20 %; the learned heads' teacher labels
    the 80 % texts only (``_teacher.py``), so the held-out rows stay unseen.
    """
    import numpy as np
    from sklearn.model_selection import train_test_split

    x, y = read_davidson(folder)
    tr, te = train_test_split(np.arange(len(x)), test_size=0.2, stratify=np.array(y), random_state=seed)
    return x, y, sorted(tr.tolist()), sorted(te.tolist())


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


def read_conda(folder: Path, name: str) -> tuple[list[str], list[int]]:
    """CONDA in-game chat (no licence: measurement / model selection only).

    1 = intentClass E (explicit) or I (implicit toxicity), 0 = A or O.
    """
    texts: list[str] = []
    ys: list[int] = []
    with (folder / name).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["utterance"])
            ys.append(1 if row["intentClass"] in ("E", "I") else 0)
    return texts, ys


# ---- distant supervision for the offensive model from GoEmotions (Apache-2.0)
# A comment is a weak POSITIVE if it contains profanity (GOEMO_PROFANITY), or a
# direct insult word (GOEMO_INSULT) while a rater gave it a hostile emotion
# (GOEMO_HOSTILE).  It is a NEGATIVE if it has neither and all its labels are
# calm (GOEMO_CALM).  Anything else (e.g. angry comments without such words) is
# left out.  Matching is on the raw, lower-cased text, whole words.
GOEMO_PROFANITY = re.compile(
    r"\b(fuck\w*|f\*+k\w*|shit\w*|bullshit|bitch\w*|asshole\w*|cunt\w*|dick(head)?s?|bastards?"
    r"|motherfuck\w*|wtf|stfu|piss(ed)? off|dumbass\w*|jackass\w*|prick|twat|wanker)\b",
    re.I,
)
GOEMO_INSULT = re.compile(
    r"\b(idiots?|morons?|moronic|imbeciles?|retard(ed|s)?|losers?|scum(bag)?|pathetic|stupid|dumb"
    r"|trash|garbage|shut up|clowns?|pos)\b",
    re.I,
)
GOEMO_HOSTILE = frozenset({"anger", "annoyance", "disgust", "disapproval"})
GOEMO_CALM = frozenset(
    {
        "neutral", "gratitude", "approval", "admiration", "joy", "love", "caring", "optimism",
        "curiosity", "excitement", "amusement", "relief", "pride", "realization", "surprise",
        "desire", "confusion",
    }
)  # fmt: skip


def read_goemotions_distant(folder: Path, split: str = "train") -> tuple[list[str], list[int]]:
    """Weakly labelled offensive rows from GoEmotions (see the word lists above)."""
    texts, _, originals = read_goemotions_split(folder, split)
    xs: list[str] = []
    ys: list[int] = []
    for t, labels in zip(texts, originals, strict=True):
        if GOEMO_PROFANITY.search(t) or (GOEMO_INSULT.search(t) and GOEMO_HOSTILE & set(labels)):
            xs.append(t)
            ys.append(1)
        elif not GOEMO_INSULT.search(t) and set(labels) <= GOEMO_CALM:
            xs.append(t)
            ys.append(0)
    return xs, ys
