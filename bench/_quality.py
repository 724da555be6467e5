"""Quality: Calmline and baselines on the same rows, in the same run.

Scores (all "higher = more of it"):

* ``calmline-abuse``: max score of Calmline's abuse.insult / abuse.profanity /
  abuse.harassment / threat.personal signals (0 when none fired);
* ``calmline-abuse+model``: max(calmline-abuse, 0.9 * offensive-model probability);
* ``profanity-check``: alt-profanity-check ``predict_prob``, called once per list;
* ``calmline``: the frustration score (0..1) of ``Reader``;
* ``vader``: -compound or neg (the better of the two on that data set is shown).

Binary predictions use score >= 0.5 for every system (for VADER: -compound >= 0.5).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bench import _datasets as ds
from bench._metrics import auc, binary_report, prf, spearman
from calmline.types import CUSTOMER_LABELS

__all__ = ["ABUSE_LABELS", "CalmScores", "Systems", "run_cases", "run_public"]

ABUSE_LABELS = ("abuse.insult", "abuse.profanity", "abuse.harassment", "threat.personal")
CASE_LABELS = CUSTOMER_LABELS
MODEL_WEIGHT = 0.9
#: the frustration from which the reader calls a message annoyed (``emotion`` "frustration": LABELS.md's
#: "mild annoyance" and up)
ANNOYED = 0.35
Row = dict[str, Any]


@dataclass
class CalmScores:
    frustration: np.ndarray
    abuse: np.ndarray
    abuse_model: np.ndarray
    labels: dict[str, np.ndarray]  # label -> max signal score per text (0 when absent)
    emotions: list[str]  # the dominant emotion per text


class Systems:
    """Calmline's reader and the two baselines, loaded once."""

    def __init__(self, reader: Any = None) -> None:
        if reader is None:
            from calmline import Reader

            reader = Reader()
        self.reader = reader
        self._vader: Any = None

    def calmline(self, texts: Sequence[str], previous: Sequence[str | None] | None = None) -> CalmScores:
        n = len(texts)
        frus, abuse, model = np.zeros(n), np.zeros(n), np.zeros(n)
        labels: dict[str, np.ndarray] = {}
        emotions: list[str] = []
        prev = previous if previous is not None else [None] * n
        scored = self.reader.score_models(list(texts))
        for i, ((msg, emo, off, learned), pa) in enumerate(zip(scored, prev, strict=True)):
            reading = self.reader.finish(msg, emo, off, previous_agent_text=pa, learned=learned)
            frus[i] = reading.frustration
            emotions.append(reading.emotion)
            model[i] = float(off)
            for s in reading.signals:
                arr = labels.setdefault(s.label, np.zeros(n))
                arr[i] = max(arr[i], float(s.score))
        for lab in ABUSE_LABELS:
            if lab in labels:
                abuse = np.maximum(abuse, labels[lab])
        return CalmScores(frus, abuse, np.maximum(abuse, MODEL_WEIGHT * model), labels, emotions)

    def profanity(self, texts: Sequence[str]) -> np.ndarray:
        from profanity_check import predict_prob  # type: ignore[import-untyped]

        if not texts:
            return np.zeros(0)
        return np.asarray(predict_prob(list(texts)), dtype=np.float64)

    def vader(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(-compound, neg) per text."""
        if self._vader is None:
            from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
                SentimentIntensityAnalyzer,
            )

            self._vader = SentimentIntensityAnalyzer()
        scores = [self._vader.polarity_scores(t) for t in texts]
        return (
            np.array([-s["compound"] for s in scores], dtype=np.float64),
            np.array([s["neg"] for s in scores], dtype=np.float64),
        )


def _row(task: str, data: ds.Labeled | str, system: str, **metrics: Any) -> Row:
    name = data if isinstance(data, str) else data.name
    row: Row = {"task": task, "dataset": name, "system": system}
    row.update({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()})
    return row


def _skipped(task: str, name: str, why: str) -> Row:
    return {"task": task, "dataset": name, "system": "-", "skipped": why}


def _load(task: str, name: str, fn: Callable[[], ds.Labeled], rows: list[Row]) -> ds.Labeled | None:
    try:
        return fn()
    except FileNotFoundError:
        rows.append(_skipped(task, name, "skipped (not found)"))
    except (ImportError, ValueError, KeyError, IndexError) as e:
        rows.append(_skipped(task, name, f"skipped ({type(e).__name__}: {e})"))
    return None


def _best_vader(
    y: np.ndarray, neg_compound: np.ndarray, neg: np.ndarray, key: Callable[[np.ndarray], float]
) -> tuple[str, np.ndarray]:
    a, b = key(neg_compound), key(neg)
    if math.isnan(b) or (not math.isnan(a) and a >= b):
        return "vader (-compound)", neg_compound
    return "vader (neg)", neg


def _by_spearman(target: np.ndarray) -> Callable[[np.ndarray], float]:
    def key(s: np.ndarray) -> float:
        return spearman(s, target)

    return key


def _by_auc(y: np.ndarray) -> Callable[[np.ndarray], float]:
    def key(s: np.ndarray) -> float:
        return auc(y, s)

    return key


def run_public(
    systems: Systems,
    data: Path,
    max_n: int | None,
    seed: int,
    log: Callable[[str], None] = lambda s: None,
    uss_max: int | None = None,
) -> list[Row]:
    """Public data sets.  ``uss_max`` caps USS turns per corpus (None = all: only ~0.7 %
    of turns are "dissatisfied", so a small sample leaves too few positives)."""
    rows: list[Row] = []
    # ---- abuse, cross-dataset (and the in-domain Davidson sanity check)
    abuse_sets: list[tuple[str, Callable[[], ds.Labeled], str]] = [
        ("OLID (subtask A)", lambda: ds.olid(data, max_n, seed), "abuse (cross-dataset)"),
        ("TweetEval offensive test", lambda: ds.tweeteval_offensive(data, max_n, seed), "abuse (cross-dataset)"),
        ("CONDA valid (E+I)", lambda: ds.conda_valid(data, max_n, seed), "abuse (cross-dataset)"),
        ("Davidson held-out 20%", lambda: ds.davidson_heldout(data, max_n, seed), "abuse (in-domain for both)"),
    ]
    for name, fn, task in abuse_sets:
        d = _load(task, name, fn, rows)
        if d is None:
            continue
        log(f"  {d.name}: {len(d.texts)} rows")
        y = np.asarray(d.y, dtype=int)
        calm = systems.calmline(d.texts)
        prof = systems.profanity(d.texts)
        rows.append(_row(task, d, "calmline-abuse", **binary_report(y, calm.abuse)))
        rows.append(_row(task, d, "calmline-abuse+model", **binary_report(y, calm.abuse_model)))
        rows.append(_row(task, d, "profanity-check", **binary_report(y, prof)))
        if "ind" in d.extra:  # OLID subtask C: targeted insult at an individual
            yi = np.asarray(d.extra["ind"], dtype=int)
            ins = calm.labels.get("abuse.insult", np.zeros(len(yi)))
            dn = "OLID (subtask C = IND)"
            rows.append(_row("insult at a person", dn, "calmline abuse.insult", **binary_report(yi, ins)))
            rows.append(_row("insult at a person", dn, "profanity-check", **binary_report(yi, prof)))
    # ---- frustration vs user satisfaction (USS)
    task = "frustration vs dissatisfaction"
    for part in ds.USS_PARTS:
        d = _load(task, f"USS {part}", partial(ds.uss, data, part, uss_max, seed), rows)
        if d is None:
            continue
        log(f"  {d.name}: {len(d.texts)} rows")
        sat = np.asarray(d.y, dtype=np.float64)
        y = (sat <= 2.0).astype(int)
        calm = systems.calmline(d.texts, d.extra["previous"])
        nc, neg = systems.vader(d.texts)
        vname, vs = _best_vader(y, nc, neg, _by_spearman(-sat))
        for sysname, s in (("calmline", calm.frustration), (vname, vs)):
            rows.append(_row(task, d, sysname, **binary_report(y, s), spearman=spearman(s, -sat)))
    # ---- frustration vs anger labels
    emo_sets: list[tuple[str, Callable[[], ds.Labeled], str]] = [
        (
            "TweetEval emotion test",
            lambda: ds.tweeteval_emotion(data, max_n, seed),
            "frustration: anger vs joy/optimism",
        ),
        (
            "GoEmotions test",
            lambda: ds.goemotions_test(data, max_n, seed),
            "frustration (in-domain): anger/annoy./disapp./disappr.",
        ),
    ]
    for name, fn, task in emo_sets:
        d = _load(task, name, fn, rows)
        if d is None:
            continue
        log(f"  {d.name}: {len(d.texts)} rows")
        y = np.asarray(d.y, dtype=int)
        calm = systems.calmline(d.texts)
        nc, neg = systems.vader(d.texts)
        vname, vs = _best_vader(y, nc, neg, _by_auc(y))
        rows.append(_row(task, d, "calmline", **binary_report(y, calm.frustration)))
        rows.append(_row(task, d, vname, **binary_report(y, vs)))
    return rows


def run_cases(systems: Systems, path: Path | None = None) -> list[Row]:
    """Hand-written project cases (also used in tests; NOT unseen data)."""
    task = "hand-written cases"
    try:
        cases = ds.customer_cases(path)
    except FileNotFoundError:
        return [_skipped(task, "customer_cases.yaml", "skipped (not found)")]
    texts = [c["text"] for c in cases]
    prev = [c.get("context") for c in cases]
    calm = systems.calmline(texts, prev)
    name = f"{(path or Path('customer_cases.yaml')).name} ({len(cases)})"
    rows: list[Row] = []
    for lab in CASE_LABELS:
        y = np.array([lab in (c.get("labels") or []) for c in cases], dtype=int)
        near = np.array([lab in (c.get("absent") or []) for c in cases], dtype=bool)
        s = calm.labels.get(lab, np.zeros(len(cases)))
        fired = s > 0
        p, r, f1 = prf(y, fired)
        rows.append(
            _row(
                task,
                name,
                f"calmline {lab}",
                n=len(cases),
                pos=int(y.sum()),
                precision=p,
                recall=r,
                f1=f1,
                auc=auc(y, s),
                near_miss=int(near.sum()),
                near_miss_fired=int((near & fired).sum()),
            )
        )
    y_abuse = np.array([bool(set(c.get("labels") or []) & set(ABUSE_LABELS)) for c in cases], dtype=int)
    prof = systems.profanity(texts)
    for sysname, s in (
        ("calmline-abuse (any abuse)", calm.abuse),
        ("calmline-abuse+model (any abuse)", calm.abuse_model),
        ("profanity-check (any abuse)", prof),
    ):
        rows.append(_row(task, name, sysname, **binary_report(y_abuse, s)))
    levels = [c.get("frustration") for c in cases]
    keep = [i for i, v in enumerate(levels) if isinstance(v, int | float)]
    lv = np.array([levels[i] for i in keep], dtype=np.float64)
    yb = (lv >= 2).astype(int)
    nc, neg = systems.vader([texts[i] for i in keep])
    vname, vs = _best_vader(yb, nc, neg, _by_spearman(lv))
    for sysname, s in (("calmline frustration", calm.frustration[keep]), (f"{vname} frustration", vs)):
        rows.append(_row(task, name, sysname, **binary_report(yb, s), spearman=spearman(s, lv)))
    calm_at = [i for i in keep if levels[i] == 0]
    if calm_at:  # messages rated calm that the reader still calls annoyed
        share = float(np.mean(calm.frustration[calm_at] >= ANNOYED))
        rows.append(_row(task, name, "calmline calm messages", n=len(calm_at), calm_share=share))
    rated = [(c["emotion"], e) for c, e in zip(cases, calm.emotions, strict=True) if c.get("emotion")]
    if rated:
        accuracy = sum(gold == ours for gold, ours in rated) / len(rated)
        rows.append(_row(task, name, "calmline emotion (7 classes)", n=len(rated), accuracy=accuracy))
    return rows
