"""Cross-source table for the learned layer (issue #13): real text only.

    python -m bench._learned [--data ../shared/data] [--max-n 2000]

Every test set below is a source the learned heads, the stackers and the rules were
never trained or tuned on. Side by side on the same rows:

* ``calmline``: the reader as shipped (rules + stacked learned heads);
* ``rules only``: ``Reader(learned=False)`` (what shipped before #13);
* ``VADER`` (-compound) for emotion tasks, ``alt-profanity-check`` for abuse;
* ``TF-IDF+LR``: word 1-2-gram TF-IDF + logistic regression trained on exactly the
  training rows of the matching learned head (the plain bar).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench import _datasets as ds
from bench._metrics import auc, spearman
from bench._quality import ANNOYED
from bench._rule_labels import held_out

# training/ reads the same training rows as the shipped heads
sys.path.insert(0, str(ds.REPO / "training"))

NEEDED = {
    "goemotions, isarcasmeval, cesamard_complaints": "training rows of the heads (see training/train_learned.py)",
    "uss_user_satisfaction": "https://github.com/sunnweiwei/user-satisfaction-simulation (dataset/)",
    "tweeteval_offensive_hate_emotion": "https://github.com/cardiffnlp/tweeteval (datasets/)",
    "isarcasmeval": "https://github.com/iabufarha/iSarcasmEval (test/task_A_En_test.csv)",
    "airline_tweets": "Kaggle 'Twitter US Airline Sentiment' (Tweets.csv), CC BY-NC-SA: measuring only",
    "olid_offenseval / conda_ingame_toxicity": "OLID (OffensEval 2019) and CONDA (ACL Findings 2021): measuring only",
    "kaggle_insults": "Kaggle 'Detecting Insults in Social Commentary' (test_with_solutions.csv): measuring only",
}


def isarcasm_test(data: Path, max_n: int | None, seed: int) -> ds.Labeled:
    texts, y = [], []
    with (data / "isarcasmeval" / "task_A_En_test.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            y.append(float(row["sarcastic"]))
    return ds._take("iSarcasmEval test A", texts, y, max_n, seed)


def airline(data: Path, max_n: int | None, seed: int) -> ds.Labeled:
    """Tweets to airlines: negative (complaint) = 1, neutral/positive = 0; only the half that was never
    read while writing rules (the other half was: bench/_rule_labels.py)."""
    texts, y = [], []
    with (data / "airline_tweets" / "Tweets.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if held_out(row["tweet_id"]):
                texts.append(row["text"])
                y.append(1.0 if row["airline_sentiment"] == "negative" else 0.0)
    return ds._take("airline tweets (negative), held-out half", texts, y, max_n, seed)


def uss_dissatisfied(data: Path, max_n: int | None, seed: int) -> ds.Labeled:
    d = ds.uss(data, "SGD", max_n, seed)
    d.extra["sat"] = list(d.y)
    d.y = [1.0 if s < 3 else 0.0 for s in d.y]
    d.name = "USS SGD (satisfaction < 3)"
    return d


#: a source used while choosing the abuse layer's design (its thresholds were read on it): not a clean test
DEV = " [dev: seen while designing]"
ABUSE_LABELS = ("abuse.insult", "abuse.profanity", "abuse.harassment", "threat.personal")


def abuse_scores(readings: list[Any]) -> np.ndarray:
    return np.array([max([s.score for s in r.signals if s.label in ABUSE_LABELS], default=0.0) for r in readings])


def learned_scores(readings: list[Any], head: str) -> np.ndarray:
    return np.array([r.learned[head].score if head in r.learned else 0.0 for r in readings])


def f1(y: np.ndarray, fired: np.ndarray) -> float:
    tp = float(np.sum(fired & (y == 1)))
    return 2 * tp / max(1.0, float(np.sum(fired)) + float(np.sum(y == 1)))


def tfidf_baseline(train: tuple[list[str], list[int]]) -> Callable[[list[str]], np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    clf = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(vec.fit_transform(train[0]), train[1])
    return lambda texts: np.asarray(clf.predict_proba(vec.transform(texts))[:, 1])


def run(data: Path, max_n: int | None, seed: int = 0) -> list[tuple[str, str, str, float]]:
    import train_learned as tl  # type: ignore[import-not-found]

    from bench._quality import Systems
    from calmline.signals.reader import Reader

    full, rules = Reader(), Reader(learned=False)
    sysm = Systems()
    neg_train = tl.read_go_negative(data / "goemotions", "train")
    sar_all = tl.read_isarcasm(data / "isarcasmeval" / "train.En.csv")
    sar_train = tl.split(*sar_all)[:2]
    com_all = tl.read_cesamard(data / "cesamard_complaints" / "CESAMARD-Aspect_Dataset.csv")
    com_train = tl.split(*com_all)[:2]
    rows: list[tuple[str, str, str, float]] = []

    def frus(reader: Reader, texts: list[str]) -> np.ndarray:
        return np.array([r.frustration for r in reader.read_many(texts)])

    def learned(reader: Reader, texts: list[str], head: str) -> np.ndarray:
        return learned_scores(reader.read_many(texts), head)

    tasks: list[tuple[str, Callable[[], ds.Labeled], tuple[list[str], list[int]], str]] = [
        ("negative emotion", lambda: uss_dissatisfied(data, max_n, seed), neg_train, "negative"),
        ("negative emotion: anger vs joy", lambda: ds.tweeteval_emotion(data, max_n, seed), neg_train, "negative"),
        ("sarcasm", lambda: isarcasm_test(data, max_n, seed), sar_train, "sarcasm"),
        ("complaint", lambda: airline(data, max_n, seed), com_train, "complaint"),
    ]
    for task, load, train, head in tasks:
        try:
            d = load()
        except FileNotFoundError as exc:
            rows.append((task, "missing: " + str(exc), "-", float("nan")))
            continue
        y = np.asarray(d.y)
        base = tfidf_baseline(train)
        systems = {
            "calmline (frustration)": frus(full, d.texts),
            "rules only (frustration)": frus(rules, d.texts),
            f"calmline learned {head} (stacked)": learned(full, d.texts, head),
            "VADER -compound": sysm.vader(d.texts)[0],
            "TF-IDF+LR (same training rows)": base(d.texts),
        }
        for name, s in systems.items():
            rows.append((task, d.name, name, auc(y, s)))
        if "sat" in d.extra:
            for name, s in systems.items():
                rows.append(
                    (task + " (Spearman vs -satisfaction)", d.name, name, spearman(-np.asarray(d.extra["sat"]), s))
                )
    rows += calm_false_alarms(data, full, rules, sysm, max_n, seed)
    for load_abuse, note in ((ds.olid, ""), (ds.olid_individual, ""), (ds.conda_valid, ""), (ds.kaggle_insults, DEV)):
        try:
            d = load_abuse(data, max_n, seed)
        except FileNotFoundError as exc:
            rows.append(("abuse", "missing: " + str(exc), "-", float("nan")))
            continue
        y = np.asarray(d.y)
        name = d.name + note
        reads, plain = full.read_many(d.texts), rules.read_many(d.texts)
        apc = sysm.profanity(d.texts)
        rows.append(("abuse", name, "calmline (abuse signals)", auc(y, abuse_scores(reads))))
        rows.append(("abuse", name, "calmline learned abuse (stacked)", auc(y, learned_scores(reads, "abuse"))))
        rows.append(("abuse", name, "rules only (abuse signals)", auc(y, abuse_scores(plain))))
        rows.append(("abuse", name, "alt-profanity-check", auc(y, apc)))
        rows.append(("abuse F1", name, "calmline (any abuse signal)", f1(y, abuse_scores(reads) > 0)))
        rows.append(("abuse F1", name, "rules only (any abuse signal)", f1(y, abuse_scores(plain) > 0)))
        rows.append(("abuse F1", name, "alt-profanity-check (p >= 0.5)", f1(y, apc >= 0.5)))
    return rows


CALM_TASK = f"calm turns read as annoyed (share of turns rated 3-5 at frustration >= {ANNOYED}; lower is better)"
UPSET_TASK = f"upset turns read as annoyed (share of turns rated 1-2 at frustration >= {ANNOYED}; higher is better)"


def calm_false_alarms(
    data: Path, full: Any, rules: Any, sysm: Any, max_n: int | None, seed: int
) -> list[tuple[str, str, str, float]]:
    """How often calm USS turns (rated 3-5) cross the annoyance line, and how often upset ones (1-2) do.

    AUC says how well a score ranks; this says whether its *level* means what the label says.
    """
    rows: list[tuple[str, str, str, float]] = []
    for part in ds.USS_PARTS:
        try:
            d = ds.uss(data, part, max_n, seed)
        except FileNotFoundError as exc:
            rows.append((CALM_TASK, "missing: " + str(exc), "-", float("nan")))
            continue
        sat = np.asarray(d.y)
        calm, upset = sat >= 3, sat < 3
        vader_neg = np.asarray(sysm.vader(d.texts)[0])  # -compound
        for name, s, line in (
            ("calmline (frustration)", np.array([r.frustration for r in full.read_many(d.texts)]), ANNOYED),
            ("rules only (frustration)", np.array([r.frustration for r in rules.read_many(d.texts)]), ANNOYED),
            ("VADER (compound <= -0.05, its own negative line)", vader_neg, 0.05),
        ):
            rows.append((CALM_TASK, d.name, name, float(np.mean(s[calm] >= line))))
            if upset.any():
                rows.append((UPSET_TASK, d.name, name, float(np.mean(s[upset] >= line))))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ds.REPO.parent / "shared" / "data")
    ap.add_argument("--max-n", type=int, default=2000)
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data}; this table needs:", file=sys.stderr)
        for k, v in NEEDED.items():
            print(f"  {k}: {v}", file=sys.stderr)
        return 2
    print("| task | test set (never trained on) | system | AUC / rho / F1 |\n|---|---|---|---|")
    for task, name, system, value in run(args.data, args.max_n):
        print(f"| {task} | {name} | {system} | {value:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
