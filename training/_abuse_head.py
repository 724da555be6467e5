"""The abuse head of the learned layer (issue #13): export and stacking.

The head is alt-profanity-check's linear model (MIT; PyPI ``alt-profanity-check==1.9.1``:
word TF-IDF and five sigmoid-calibrated linear SVMs), exported to numpy arrays so the run
time needs neither scikit-learn nor joblib. It is *stacked* with the rules' strongest abuse
score by a logistic regression on ``[rule, logit(head)]`` fitted on held-out rows of our own
permissively licensed abuse sources (``_abuse_data.abuse_rows``: Davidson, cmv_ad_hominem,
GoEmotions calm rows), never on a test source.

Measured and rejected (``make bench`` cross-source table, OLID / CONDA never trained on):
our own n-gram head trained on the same three sources ranked OLID at 0.64 AUC against the
exported head's 0.81, and stacking it beside the exported head lowered OLID to 0.71.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from _abuse_data import abuse_rows
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from train_models import SEED, provenance, r4

from calmline.models._tfidf import TfidfEnsemble

APC = "alt-profanity-check==1.9.1"


def _apc_arrays() -> tuple[list[str], np.ndarray, np.ndarray]:
    """(words, idf, folds) of the installed alt-profanity-check; folds rows are [w..., b, A, B]."""
    try:
        from profanity_check import profanity_check as pc  # type: ignore[import-untyped]
    except ImportError as exc:
        raise SystemExit(f"the abuse head needs {APC}: pip install -e '.[train]'") from exc
    vec, model = pc.vectorizer, pc.model
    params = vec.get_params()
    expected = {"lowercase": True, "ngram_range": (1, 1), "norm": "l2", "use_idf": True, "sublinear_tf": False,
                "token_pattern": r"(?u)\b\w\w+\b", "analyzer": "word"}  # fmt: skip
    if any(params[k] != v for k, v in expected.items()):
        raise SystemExit(f"unexpected alt-profanity-check vectoriser settings: {params}")
    inv = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    words = [w for w, _ in inv]
    folds = []
    for cc in model.calibrated_classifiers_:
        svm, (cal,) = cc.estimator, cc.calibrators
        folds.append([*svm.coef_[0], svm.intercept_[0], cal.a_, cal.b_])
    return words, np.asarray(vec.idf_, dtype=np.float64), np.asarray(folds, dtype=np.float64)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def train_abuse(data: Path, out: Path, split: Any, rule_abuse: Any) -> dict[str, Any]:
    """Export the head to ``out/learned_abuse.{npz,json}`` and fit its stacker; returns the metadata."""
    words, idf, folds = _apc_arrays()
    if any("\n" in w for w in words):
        raise SystemExit("a vocabulary word holds a newline: the packed word list would break")
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "learned_abuse.npz",
        words=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        idf=idf,
        folds=folds,
    )
    rows, described = abuse_rows(data, SEED)
    hx: list[str] = []
    hy: list[int] = []
    for x, y in rows.values():
        _, _, b, by = split(x, y)
        hx += b
        hy += by
    p = np.asarray(TfidfEnsemble(words, idf, folds).predict(hx))
    rule = np.asarray(rule_abuse(hx))
    feats = np.stack([rule, _logit(p)], axis=1)
    stacker = LogisticRegression(C=1.0, max_iter=1000, random_state=SEED).fit(feats, hy)
    stacked = stacker.predict_proba(feats)[:, 1]
    ys = np.asarray(hy)
    figures = {"stack_rows": len(hy), "auc_rule": r4(roc_auc_score(ys, rule)),
               "auc_learned": r4(roc_auc_score(ys, p)), "auc_stacked": r4(roc_auc_score(ys, stacked))}  # fmt: skip
    print(f"learned_abuse: {figures}", flush=True)
    w = stacker.coef_[0]
    meta = {
        "version": "v1",
        "label": "abuse (offensive or person-directed)",
        "head": f"{APC} (MIT): word TF-IDF, 5 sigmoid-calibrated linear SVMs, exported to numpy",
        "head_trained_on": "the package's own training data (its README: about 200k labelled texts, the "
        "Davidson et al. 2017 tweets and Wikipedia comments of the Jigsaw/Kaggle toxic comment set)",
        "stack_trained_on": "held-out 20 % (seed 0) of " + described,
        "licence_of_training_data": "MIT (alt-profanity-check weights; Davidson), "
        "Apache-2.0 (cmv_ad_hominem, GoEmotions)",
        "commercial_use_ok": True,
        "stack": {"w_rule": r4(w[0]), "w_learned": r4(w[1]), "bias": r4(stacker.intercept_[0])},
        "stack_inputs": "[strongest rule abuse score, logit(head)]",
        "metrics_on_stack_rows (the stacker's own fitting rows; cross-source figures: make bench)": figures,
        "inputs": {
            **provenance(data, "davidson_hate_offensive", ("labeled_data.csv",)),
            **provenance(data, "cmv_ad_hominem", ("sampled-threads-ah-delta-context3.tar.bz2",)),
            **provenance(data, "goemotions", ("train.tsv",)),
        },
    }
    (out / "learned_abuse.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return meta
