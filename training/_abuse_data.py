"""Training rows of the learned abuse head (issue #13): permissively licensed sources only.

* Davidson et al. 2017 ``labeled_data.csv`` (MIT): hate or offensive = 1, neither = 0;
* ``cmv_ad_hominem`` (Habernal et al. 2018, Apache-2.0): comments removed by the
  r/ChangeMyView moderators for rule 2 (ad hominem: attacking the other person) = 1;
  comments of the delta threads (a civil exchange that changed a view) = 0;
* GoEmotions ``train.tsv`` / ``dev.tsv`` (Apache-2.0): rows whose only labels are neutral or
  positive = 0 (plain and friendly talk, so the head does not learn "Reddit = abuse").

Never OLID, CONDA or ``kaggle_insults`` (test sources / licence unclear).
"""

from __future__ import annotations

import json
import random
import tarfile
from pathlib import Path

from _data import read_davidson

CALM_GO = frozenset(
    {"neutral", "admiration", "amusement", "approval", "caring", "excitement", "gratitude", "joy", "love",
     "optimism", "pride", "relief", "curiosity", "realization"}
)  # fmt: skip
CMV_TAR = "sampled-threads-ah-delta-context3.tar.bz2"


def read_cmv(folder: Path) -> tuple[list[str], list[int]]:
    """Ad hominem comments (1) and the comments of civil delta threads (0), read from the tarball."""
    texts: list[str] = []
    ys: list[int] = []
    files: list[tuple[str, bytes]] = []
    # ``r|bz2`` streams the archive once; random access into a bz2 tarball re-decompresses it per member
    with tarfile.open(folder / CMV_TAR, "r|bz2") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            fh = tar.extractfile(member) if member.isfile() and name.endswith(".json") else None
            if fh is not None:
                files.append((member.name, fh.read()))
    for _name, raw in sorted(files):
        for line in raw.decode("utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            body = str(row.get("body", "")).strip()
            if not body or body in ("[deleted]", "[removed]"):
                continue
            # rule 2 = rude or hostile to the other person; every other comment of either thread kind is civil
            if str(row.get("violated_rule")) == "2":
                texts.append(body[:2000])
                ys.append(1)
            elif str(row.get("violated_rule")) == "0":
                texts.append(body[:2000])
                ys.append(0)
    return texts, ys


def read_go_calm(folder: Path, split: str, limit: int, seed: int) -> tuple[list[str], list[int]]:
    """Up to ``limit`` GoEmotions rows labelled only neutral / positive, as negatives."""
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    texts = []
    with (folder / f"{split}.tsv").open(encoding="utf-8") as f:
        for line in f:
            text, ids, _ = line.rstrip("\n").split("\t")
            if {names[int(i)] for i in ids.split(",")} <= CALM_GO:
                texts.append(text.replace("[NAME]", "@name"))
    random.Random(seed).shuffle(texts)
    texts = sorted(texts[:limit])
    return texts, [0] * len(texts)


def abuse_rows(data: Path, seed: int) -> tuple[dict[str, tuple[list[str], list[int]]], str]:
    """(source -> rows, description); the caller splits each source 80 / 20 (head / stack)."""
    return {
        "davidson": read_davidson(data / "davidson_hate_offensive"),
        "cmv_ad_hominem": read_cmv(data / "cmv_ad_hominem"),
        "goemotions_calm": read_go_calm(data / "goemotions", "train", 20000, seed),
    }, "Davidson labeled_data.csv + cmv_ad_hominem (rule-2 removals vs delta threads) + GoEmotions calm rows"
