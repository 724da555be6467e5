"""How often each rule label fires on real text that is no test set, with samples to read (issue #13).

    python -m bench._precision                       # fire counts per label and source
    python -m bench._precision --show threat.churn   # plus up to 40 firings of that label, with evidence

The sources are development text only: GoEmotions train (Reddit comments), the Stanford politeness
requests (wiki talk pages), EmpatheticDialogues utterances and TweetEval emotion train tweets.
None is a support chat, so most labels should fire rarely; a firing there is either a real threat,
request or insult written outside support, or a false alarm worth reading. Comparing the counts of
two commits (and reading what changed) is how the rule precision passes were checked; the
cross-source test sets stay for measuring only (``bench._learned``).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CALMLINE_SHARED_DATA") or REPO.parent / "shared" / "data")
PER_SOURCE = 20_000


def _goemotions() -> list[str]:
    lines = (DATA / "goemotions" / "train.tsv").read_text(encoding="utf-8").splitlines()
    return [ln.split("\t")[0].replace("[NAME]", "Alex") for ln in lines][:PER_SOURCE]


def _politeness() -> list[str]:
    with (DATA / "stanford_politeness" / "wikipedia.annotated.csv").open(encoding="utf-8", newline="") as fh:
        return [row["Request"] for row in csv.DictReader(fh)]


def _empathetic() -> list[str]:
    out: list[str] = []
    folder = DATA / "empathetic_intents" / "empatheticdialogues_unannotated"
    for path in sorted(folder.glob("*.csv"))[:40]:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for i, line in enumerate(fh):
                if i > 400:
                    break
                out.append(line.strip().rsplit(",", 1)[-1])
    return out


def _tweets() -> list[str]:
    base = DATA / "tweeteval_offensive_hate_emotion" / "emotion"
    return (base / "train_text.txt").read_text(encoding="utf-8").splitlines()


SOURCES: dict[str, Callable[[], list[str]]] = {
    "GoEmotions train": _goemotions,
    "politeness requests": _politeness,
    "EmpatheticDialogues": _empathetic,
    "TweetEval emotion train": _tweets,
}


def firings(learned: bool = False) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """label -> source -> [(text, first evidence)] for every signal the reader gives on the sources."""
    sys.path.insert(0, str(REPO))
    from calmline import Reader

    reader = Reader(learned=learned)
    out: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for name, load in SOURCES.items():
        try:
            texts = [t for t in load() if t.strip()]
        except FileNotFoundError:
            print(f"{name}: not found under {DATA} (the public sets of ../shared/data)", file=sys.stderr)
            continue
        for text, reading in zip(texts, reader.read_many(texts), strict=True):
            for s in reading.signals:
                out.setdefault(s.label, {}).setdefault(name, []).append((text, s.evidence[0].text))
    return out


def table(found: dict[str, dict[str, list[tuple[str, str]]]]) -> str:
    names = list(SOURCES)
    lines = ["| label | " + " | ".join(names) + " | total |", "|---|" + "---:|" * (len(names) + 1)]
    for label in sorted(found):
        counts = [len(found[label].get(n, [])) for n in names]
        lines.append(f"| {label} | " + " | ".join(map(str, counts)) + f" | {sum(counts)} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", default="", help="print up to 40 random firings of this label")
    ap.add_argument("--learned", action="store_true", help="with the learned layer (default: the rules alone)")
    a = ap.parse_args()
    found = firings(a.learned)
    print(table(found))
    if a.show:
        items = [(src, t, e) for src, rows in found.get(a.show, {}).items() for t, e in rows]
        random.Random(0).shuffle(items)
        for src, text, ev in items[:40]:
            print(f"- [{src}] {ev!r} in {text[:140]!r}")


if __name__ == "__main__":
    main()
