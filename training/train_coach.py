"""Train the coach's learned care head (issue #13 item 5).

    python training/train_coach.py --data ../shared/data --out calmline/models

``coach_care``: a binary linear model over word uni/bigrams (the runtime featuriser of
``calmline/models/_linear.py``) that scores whether a sentence expresses care for the
reader or remorse: GoEmotions (Apache-2.0) ``train.tsv``, positive = the rater labels
``caring`` or ``remorse``. The threshold the coach uses is chosen on GoEmotions
``dev.tsv`` (the smallest probability at which precision there reaches 0.6) and stored in
the model's ``.json`` under ``"threshold"``; ``test.tsv`` gives the figures in that file.
ESConv, EPITOME and empathetic_intents are non-commercial and never train this model.

Deterministic (seed 0). Needs scikit-learn + scipy (``pip install -e .[train]``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_models import SEED, Prepared, export, fit_lr, provenance, r4  # noqa: E402

CARE = frozenset({"caring", "remorse"})
N_WORDS = 8000
PRECISION_AT = 0.6
SOURCE = "https://github.com/google-research/google-research/tree/master/goemotions (data/)"


def read_care(folder: Path, split: str) -> tuple[list[str], list[int]]:
    """GoEmotions texts with 1 where a rater labelled caring or remorse."""
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    texts, ys = [], []
    with (folder / f"{split}.tsv").open(encoding="utf-8", newline="") as f:
        for line in f:
            text, ids, _cid = line.rstrip("\n").split("\t")
            labels = {names[int(i)] for i in ids.split(",")}
            texts.append(text.replace("[NAME]", "@name"))
            ys.append(int(bool(labels & CARE)))
    return texts, ys


def threshold_for(y: np.ndarray, p: np.ndarray, precision: float) -> float:
    """The smallest probability at which precision reaches ``precision`` (0.5 when it never does)."""
    prec, _rec, thr = precision_recall_curve(y, p)
    ok = np.nonzero(prec[:-1] >= precision)[0]
    return float(thr[ok[0]]) if len(ok) else 0.5


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((pred & (y == 1)).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int((y == 1).sum()))
    return {"precision": r4(p), "recall": r4(r), "f1": r4(2 * p * r / (p + r) if p + r else 0.0)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=ROOT / "calmline" / "models")
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args(argv)
    go = args.data / "goemotions"
    missing = [f for f in ("train.tsv", "dev.tsv", "test.tsv", "labels.txt") if not (go / f).is_file()]
    if missing:
        raise SystemExit(f"training data missing under {go}: {', '.join(missing)}  <- {SOURCE} (Apache-2.0)")
    np.random.seed(SEED)
    t0 = time.perf_counter()
    x, y = read_care(go, "train")
    prep = Prepared(x, y, True, True, N_WORDS, min_df=3)
    clf = fit_lr(prep.X_train, y, args.C, "balanced", tol=1e-4)
    figures: dict[str, object] = {}
    thr = 0.5
    for split in ("dev", "test"):
        sx, sy = read_care(go, split)
        ys = np.asarray(sy)
        p = clf.predict_proba(prep.transform(sx))[:, 1]
        if split == "dev":
            thr = threshold_for(ys, p, PRECISION_AT)
        figures[split] = {"rows": len(sy), "positives": int(ys.sum()), "auc": r4(roc_auc_score(ys, p)),
                          "at_threshold": prf(ys, p >= thr)}  # fmt: skip
    print(f"coach_care: threshold {thr:.3f} {figures}", flush=True)
    meta = {
        "version": "v1",
        "trained_on": "GoEmotions train.tsv (Reddit comments); threshold on dev.tsv; figures on dev and test",
        "label": "caring or remorse (any rater)",
        "licence_of_training_data": "Apache-2.0 (google-research/goemotions)",
        "commercial_use_ok": True,
        "threshold": r4(thr),
        "threshold_rule": f"smallest probability with precision >= {PRECISION_AT} on GoEmotions dev",
        "metrics": figures,
        "C": args.C,
        "data": provenance(args.data, "goemotions", ["train.tsv", "dev.tsv", "test.tsv", "labels.txt"]),
        "command": "python training/train_coach.py " + " ".join(sys.argv[1:]),
    }
    export(args.out, "coach_care", ["other", "care"], prep, clf, meta, x[:300])
    print(f"done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
