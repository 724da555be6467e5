"""Smoke test for the benchmark: metric code on hand-computed toy examples, and the
quality harness end to end on tiny synthetic files (no ../shared/data, no shipped models,
no baselines needed)."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import _quality as q  # noqa: E402
from bench._metrics import auc, binary_report, prf, rankdata, spearman  # noqa: E402
from bench.run import cases_table, quality_table, speed_table  # noqa: E402

# y:      1    1    0    0    1    0
# score: .9   .4   .6   .2   .8   .1
Y = [1, 1, 0, 0, 1, 0]
S = [0.9, 0.4, 0.6, 0.2, 0.8, 0.1]


def test_prf_by_hand() -> None:
    # predicted at 0.5: 1 0 1 0 1 0 -> TP=2 (0, 4), FP=1 (2), FN=1 (1)
    p, r, f1 = prf(Y, [s >= 0.5 for s in S])
    assert (p, r, f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    p, r, f1 = prf([1, 0, 1, 1], [1, 1, 0, 0])  # TP=1 FP=1 FN=2
    assert (p, r, f1) == pytest.approx((0.5, 1 / 3, 0.4))
    p, r, f1 = prf([1, 0], [0, 0])  # nothing predicted: precision undefined
    assert math.isnan(p) and r == 0.0 and f1 == 0.0


def test_auc_by_hand() -> None:
    # pairs (pos > neg): .9 beats 3, .8 beats 3, .4 beats .2 and .1 -> 8 of 9
    assert auc(Y, S) == pytest.approx(8 / 9)
    assert auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts one half
    assert auc([1, 1, 0], [0.3, 0.7, 0.3]) == pytest.approx(0.75)
    assert auc([0, 1], [0.9, 0.1]) == 0.0
    assert math.isnan(auc([1, 1], [0.1, 0.2]))
    rep = binary_report(Y, S)
    assert rep["n"] == 6 and rep["pos"] == 3
    assert rep["f1"] == pytest.approx(2 / 3) and rep["auc"] == pytest.approx(8 / 9)


def test_spearman_by_hand() -> None:
    assert list(rankdata([10, 20, 20, 5])) == [2.0, 3.5, 3.5, 1.0]
    # b ranks 1 2 3.5 5 3.5: cov 8, var 10 and 9.5 -> 8 / sqrt(95)
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / math.sqrt(95))
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(spearman([1, 2, 3], [4, 4, 4]))


def test_metrics_agree_with_scipy_and_sklearn() -> None:
    stats = pytest.importorskip("scipy.stats")
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.random(300) + 0.3 * y, 1)  # rounded: plenty of ties
    assert auc(y, s) == pytest.approx(metrics.roc_auc_score(y, s))
    t = rng.integers(1, 6, 300)
    assert spearman(s, t) == pytest.approx(stats.spearmanr(s, t)[0])
    pred = s >= 0.5
    assert prf(y, pred) == pytest.approx(
        (metrics.precision_score(y, pred), metrics.recall_score(y, pred), metrics.f1_score(y, pred))
    )


class KeywordSystems(q.Systems):
    """Deterministic stand-ins: 'idiot' is abuse, 'hate' is frustration."""

    def __init__(self) -> None:
        pass

    def calmline(self, texts: Sequence[str], previous: Sequence[str | None] | None = None) -> q.CalmScores:
        ab = np.array([0.9 if "idiot" in t else 0.0 for t in texts])
        fr = np.array([0.8 if "hate" in t else 0.1 for t in texts])
        emotions = ["anger" if "hate" in t else "neutral" for t in texts]
        return q.CalmScores(fr, ab, np.maximum(ab, 0.9 * 0.2), {"abuse.insult": ab}, emotions)

    def profanity(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([0.7 if "idiot" in t or "damn" in t else 0.1 for t in texts])

    def vader(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        v = np.array([0.6 if "hate" in t else -0.2 for t in texts])
        return v, np.clip(v, 0, 1)


def _write_toy_data(root: Path) -> None:
    olid = root / "olid_offenseval"
    olid.mkdir(parents=True)
    olid.joinpath("olid-training-v1.0.tsv").write_text(
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n"
        "1\t@USER you idiot\tOFF\tTIN\tIND\n"
        "2\t@USER damn this weather\tOFF\tUNT\tNULL\n"
        "3\t@USER nice game\tNOT\tNULL\tNULL\n"
        "4\t@USER see you soon\tNOT\tNULL\tNULL\n",
        encoding="utf-8",
    )
    uss = root / "uss_user_satisfaction"
    uss.mkdir()
    uss.joinpath("SGD.txt").write_text(
        "USER\tFind me a flight.\tINFORM_INTENT\t3,3,3\n"
        "SYSTEM\tWhere to?\tREQUEST\t\n"
        "USER\tI hate this, wrong city again.\tINFORM\t1,2,2\n"
        "USER\tOVERALL\t\t2,2,2\n"
        "\n"
        "USER\tThanks, great.\tTHANK_YOU\t5,4,5\n",
        encoding="utf-8",
    )


def test_harness_on_toy_files(tmp_path: Path) -> None:
    _write_toy_data(tmp_path)
    rows = q.run_public(KeywordSystems(), tmp_path, max_n=None, seed=0)
    by = {(r["dataset"], r["system"]): r for r in rows}
    # OLID A: positives rows 1, 2; calmline-abuse flags row 1 only
    a = by[("OLID (subtask A)", "calmline-abuse")]
    assert (a["n"], a["pos"], a["precision"], a["recall"]) == (4, 2, 1.0, 0.5)
    assert a["auc"] == pytest.approx(0.75)
    p = by[("OLID (subtask A)", "profanity-check")]
    assert (p["precision"], p["recall"], p["f1"], p["auc"]) == (1.0, 1.0, 1.0, 1.0)
    ind = by[("OLID (subtask C = IND)", "calmline abuse.insult")]
    assert (ind["pos"], ind["f1"], ind["auc"]) == (1, 1.0, 1.0)
    # USS: 3 user turns (OVERALL skipped), satisfaction = annotator mean 3, 5/3, 14/3
    u = by[("USS SGD", "calmline")]
    assert (u["n"], u["pos"], u["recall"], u["auc"]) == (3, 1, 1.0, 1.0)
    assert u["spearman"] == pytest.approx(spearman([0.1, 0.8, 0.1], [-3, -5 / 3, -14 / 3]))
    # every other data set is missing: reported, not crashed
    skipped = [r for r in rows if "skipped" in r]
    assert {r["dataset"] for r in skipped} >= {"CONDA valid (E+I)", "USS CCPE", "GoEmotions test"}
    assert all(r["skipped"] == "skipped (not found)" for r in skipped)
    table = quality_table(rows)
    assert "skipped (not found)" in table and "| calmline-abuse | 1.000 | 0.500 |" in table


def test_cases_and_speed_tables(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        '- {text: "you idiot", labels: [abuse.insult], absent: [], frustration: 3}\n'
        '- {text: "I hate waiting", labels: [], absent: [abuse.insult], frustration: 2, emotion: anger}\n'
        '- {text: "thanks", labels: [], absent: [], frustration: 0, emotion: satisfaction}\n',
        encoding="utf-8",
    )
    rows = q.run_cases(KeywordSystems(), cases)
    ins = next(r for r in rows if r["system"] == "calmline abuse.insult")
    assert (ins["pos"], ins["f1"], ins["near_miss"], ins["near_miss_fired"]) == (1, 1.0, 1, 0)
    fr = next(r for r in rows if r["system"] == "calmline frustration")
    assert fr["spearman"] == pytest.approx(spearman([0.1, 0.8, 0.1], [3, 2, 0]))
    emo = next(r for r in rows if r["system"].startswith("calmline emotion"))
    assert (emo["n"], emo["accuracy"]) == (2, 0.5)  # the stand-in gets "anger" right, "satisfaction" wrong
    assert "calmline emotion (7 classes): accuracy 0.500 on the 2 messages" in cases_table(rows)
    calm = next(r for r in rows if r["system"] == "calmline calm messages")
    assert (calm["n"], calm["calm_share"]) == (1, 0.0)  # "thanks" is rated 0 and the stand-in reads it at 0.1
    assert "0% of the 1 messages rated calm (frustration 0) read at 0.35 or more" in cases_table(rows)
    res = {
        "batch_msgs_per_s": 25000.0,
        "p50_ms": 0.1,
        "p99_ms": 3.0,
        "import_s": 0.2,
        "load_s": 0.3,
        "peak_rss_mb": 80.0,
    }
    table = speed_table({"calmline": res, "vader": {"error": "boom"}})
    assert "25,000 ✅" in table and "3.000 ❌" in table and "error: boom" in table
    assert "batch time per message" not in table  # no stage figures, no breakdown line
    res["stages_us_per_msg"] = {"prepare_us": 10.0, "models_us": 12.5, "rules_us": 17.5}
    table = speed_table({"calmline": res})
    assert "40.0 µs = text preparation 10.0 + both models 12.5 + rule detectors" in table
    assert "leaves 50 µs" in table


def test_service_load_generator_against_a_real_server(tmp_path: Path) -> None:
    """The service benchmark end to end at a tiny rate: its lean client speaks HTTP/1.1 correctly."""
    pytest.importorskip("fastapi")
    from bench._service import _run_one

    row = _run_one("sqlite", f"sqlite:///{tmp_path}/b.db", clients=2, rate=10, seconds=1.0, workers=1)
    assert row["messages"] == 10 and row["errors"] == 0
    assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"]


def test_report_bench_synthetic_archive(tmp_path: Path) -> None:
    from bench._report import synthetic_archive
    from calmline.io import read_conversations

    path = tmp_path / "a.jsonl"
    n = synthetic_archive(path, 500)
    convs = list(read_conversations(path))
    assert n >= 500 and sum(len(c.turns) for c in convs) == n
    assert len({c.id for c in convs}) == len(convs)
