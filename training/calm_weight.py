"""How the negative stack's calm-row weight (``train_learned.CALM_WEIGHT``) was chosen, re-runnable.

    cd training && python calm_weight.py [--data ../../shared/data]

For each candidate weight the stack is refitted as ``train_learned.py`` fits it (CESAMARD-Aspect
sentiment rows, plus GoEmotions dev neutral-only rows as calm negatives at that weight) over the
shipped head, and the reader is measured with it:

* the choice: the share of calm USS ReDial turns (rated 3-5) read at frustration >= 0.35, which
  must come within 3 points of the rules alone; ReDial is not a headline row of ``make bench``;
* the price, on the cross-source sets (never trained on): USS SGD AUC, TweetEval anger vs joy AUC,
  airline complaint AUC, and the blind hand-written hold-out (a regression check).

It prints one row per weight; nothing is written. Needs the training extras (scikit-learn).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import train_learned as tl
import yaml
from scipy.stats import spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _datasets as ds  # noqa: E402
from bench._learned import ANNOYED, airline, uss_dissatisfied  # noqa: E402
from calmline import Reader  # noqa: E402
from calmline.models.learned import _Stack  # noqa: E402

WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args(argv)
    tl.check_data(args.data)
    d = args.data
    rules, full = Reader(learned=False), Reader()
    assert full.learned is not None
    model, _shipped = full.learned.heads["negative"]

    def features(texts: list[str]) -> np.ndarray:
        rule, sat = tl.rule_scores(texts)
        p = model.predict_proba(texts)[:, 1].astype(np.float64)
        z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
        val = np.array([full.learned.valence.score(t) for t in texts])  # type: ignore[union-attr]
        return tl.stack_features(rule, z, sat, val)

    cx, cy = tl.read_cesamard(d / "cesamard_complaints" / "CESAMARD-Aspect_Dataset.csv", "Sentiment")
    calm = tl.read_go_neutral(d / "goemotions", "dev")
    x_all = np.vstack([features(cx), features(calm)])
    y_all = np.concatenate([cy, np.zeros(len(calm))])
    redial = ds.uss(d, "ReDial", 2000, 1)
    sets = {"USS SGD": uss_dissatisfied(d, 1500, 0), "TweetEval": ds.tweeteval_emotion(d, 1500, 0)}
    sets["airline"] = airline(d, 1500, 0)
    hold = [c for c in yaml.safe_load((ROOT / "bench" / "data" / "holdout_cases.yaml").read_text(encoding="utf-8"))
            if isinstance(c.get("frustration"), int | float)]  # fmt: skip
    levels = np.array([c["frustration"] for c in hold])

    def calm_share(reader: Reader) -> float:
        f = np.array([r.frustration for r in reader.read_many(redial.texts)])
        return float(np.mean(f[np.asarray(redial.y) >= 3] >= ANNOYED))

    print(f"rules alone: ReDial calm turns read >= {ANNOYED}: {calm_share(rules):.1%}")
    for w in WEIGHTS:
        weights = np.concatenate([np.ones(len(cy)), np.full(len(calm), w)])
        lr = LogisticRegression(C=1.0, max_iter=1000, random_state=tl.SEED).fit(x_all, y_all, sample_weight=weights)
        c = lr.coef_[0]
        full.learned.heads["negative"] = (model, _Stack(c[0], c[1], c[2], float(lr.intercept_[0]), c[3], c[4]))
        row = [f"weight {w}: ReDial calm {calm_share(full):.1%}"]
        for name, ds_ in sets.items():
            row.append(f"{name} {roc_auc_score(ds_.y, [r.frustration for r in full.read_many(ds_.texts)]):.3f}")
        h = np.array([r.frustration for r in full.read_many([c["text"] for c in hold])])
        row.append(f"hold-out AUC {roc_auc_score(levels >= 2, h):.3f} rho {spearmanr(levels, h).correlation:.3f}")
        print(" | ".join(row), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
