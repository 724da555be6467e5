"""Rule-only labels (threats, requests, repeating, waiting) on real tweets to airline support.

No public labelled set exists for these labels, so the project labelled samples of real text
itself: tweets to airline support (``bench/data/airline_rule_labels.json``: tweet ids and
labels, no text; the texts come from ``../shared/data/airline_tweets``), whose ``test`` half
was never read while the rules were written (``dev`` was, and is shown as such), and Amazon
India reviews (``bench/data/cesamard_rule_labels.json``, from ``cesamard_complaints``), a source
no rule was written from. Beside the rules: a plain keyword list per label, the bar that any
rule set must clear.

python -m bench._rule_labels [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS_FILE = REPO / "bench" / "data" / "airline_rule_labels.json"
REVIEW_LABELS_FILE = REPO / "bench" / "data" / "cesamard_rule_labels.json"

#: one naive keyword list per label: what a team would write in an afternoon
KEYWORDS = {
    "threat.churn": r"\b(?:cancel\w*|switch\w*|never again|never fly\w*|leav(?:e|ing)|lost a customer|other airline)\b",
    "threat.public": r"\b(?:twitter|facebook|review|news|media|press|tell everyone|post(?:ing)?)\b",
    "threat.legal": r"\b(?:lawyer|attorney|sue|suing|legal|dot|faa|bbb|chargeback|court)\b",
    "request.manager": r"\b(?:manager|supervisor|escalat\w*|human|real person|someone else)\b",
    "request.refund": r"\b(?:refund\w*|compensat\w*|reimburs\w*|vouchers?|money back|credit)\b",
    "customer.repeating": r"\b(?:again|already|times|twice|repeat\w*|transferr\w*|hung up)\b",
    "customer.waiting": r"\b(?:wait\w*|hold|hours?|hrs?|minutes|mins?|no (?:reply|response|answer)|still)\b",
}


def held_out(tweet_id: str) -> bool:
    """Whether a tweet is in the half never read while writing rules (md5 of its id is odd)."""
    return int(hashlib.md5(tweet_id.encode("ascii")).hexdigest(), 16) % 2 == 1


def load(data: Path) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The labels file and the tweet texts by id, or None when the tweets are not there."""
    tweets = data / "airline_tweets" / "Tweets.csv"
    if not tweets.is_file():
        return None
    with tweets.open(encoding="utf-8", newline="") as f:
        texts = {row["tweet_id"]: row["text"] for row in csv.DictReader(f)}
    return json.loads(LABELS_FILE.read_text(encoding="utf-8")), texts


def load_reviews(data: Path) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The review labels file and the review texts by row index (title, '. ', review), or None without the data."""
    path = data / "cesamard_complaints" / "CESAMARD-Aspect_Dataset.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        title, review = header.index("Title"), header.index("Review_S")
        texts = {str(k): f"{r[title].strip()}. {r[review].strip()}".strip() for k, r in enumerate(rows)}
    return json.loads(REVIEW_LABELS_FILE.read_text(encoding="utf-8")), texts


def _prf(rows: Sequence[tuple[float, bool, bool]]) -> tuple[float, float, float]:
    """Weighted precision, recall and F1 from ``(weight, gold, predicted)`` rows."""
    tp = sum(w for w, g, p in rows if g and p)
    fp = sum(w for w, g, p in rows if p and not g)
    fn = sum(w for w, g, p in rows if g and not p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def evaluate(
    doc: dict[str, Any],
    texts: dict[str, str],
    systems: dict[str, Callable[[list[str]], list[set[str]]]],
    source: str = "airline tweets",
) -> list[dict[str, Any]]:
    """Per split, label and system: weighted precision, recall and F1 (rows whose text is missing are skipped)."""
    out: list[dict[str, Any]] = []
    weights: dict[str, float] = doc["weights"]
    for split in ("test", "dev"):
        rows = [r for r in doc["rows"] if r["split"] == split and r["id"] in texts]
        if not rows:
            continue
        batch = [texts[r["id"]] for r in rows]
        w = [weights[r["stratum"]] if r["stratum"] else 1.0 for r in rows]
        predicted = {name: fn(batch) for name, fn in systems.items()}
        for label in doc["labels"]:
            gold = [label in r["labels"] for r in rows]
            for name, pred in predicted.items():
                p, r_, f = _prf([(wi, g, label in s) for wi, g, s in zip(w, gold, pred, strict=True)])
                out.append(
                    {"source": source, "split": split, "label": label, "system": name, "n": len(rows), "pos": sum(gold),
                     "precision": p, "recall": r_, "f1": f}
                )  # fmt: skip
    return out


def systems() -> dict[str, Callable[[list[str]], list[set[str]]]]:
    from calmline import Reader

    reader = Reader()
    compiled = {k: re.compile(v, re.IGNORECASE) for k, v in KEYWORDS.items()}

    def calmline(batch: list[str]) -> list[set[str]]:
        return [{s.label for s in a.signals} for a in reader.read_many(batch)]

    def keywords(batch: list[str]) -> list[set[str]]:
        return [{k for k, rx in compiled.items() if rx.search(t)} for t in batch]

    return {"calmline rules": calmline, "keyword list": keywords}


def table(rows: list[dict[str, Any]]) -> str:
    out = ["| source, split | label (gold in sample) | system | precision | recall | F1 |", "|---|---|---|---|---|---|"]
    for r in rows:
        split = "held out" if r["split"] == "test" else "dev (read while writing rules)"
        out.append(
            f"| {r['source']}, {split} | {r['label']} ({r['pos']}) | {r['system']} "
            f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench._rule_labels", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    args = ap.parse_args(argv)
    run = systems()
    rows: list[dict[str, Any]] = []
    got = load(args.data)
    if got is None:
        where = args.data / "airline_tweets" / "Tweets.csv"
        print(f"skipped: {where} not found (Kaggle 'Twitter US Airline Sentiment', measuring only)")
    else:
        rows += evaluate(*got, run, "airline tweets")
    reviews = load_reviews(args.data)
    if reviews is None:
        print(f"skipped: {args.data / 'cesamard_complaints'} not found (CESAMARD-Aspect, MIT)")
    else:
        rows += evaluate(*reviews, run, "Amazon reviews")
    if rows:
        print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
