"""The margin-losses chapter's own code and facts, checked against independent references.

The chapter fits its SVM with a short SMO solver written in the notebook; here that exact code
(taken from the notebook) is compared with scikit-learn's ``SVC`` (LIBSVM). The population
minimisers the chapter derives with sympy are compared with scipy's scalar minimiser applied to
the registry's NumPy losses, and the logistic margin loss with scikit-learn's ``log_loss``.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar
from scipy.special import expit
from sklearn.metrics import log_loss
from sklearn.svm import SVC

from lossviz import logreg, losses

CHAPTER = pathlib.Path(__file__).resolve().parents[1] / "chapters" / "margin_losses.ipynb"


def _chapter_namespace(defines: str) -> dict:
    """Execute the chapter's code cell that defines ``defines`` and return its namespace."""
    nb = json.loads(CHAPTER.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {defines}(" in source:
            namespace = {"np": np, "logreg": logreg}
            exec(compile(source, str(CHAPTER), "exec"), namespace)  # noqa: S102 (the book's own code)
            return namespace
    raise LookupError(f"no code cell of {CHAPTER.name} defines {defines}()")


class _Code(dict):
    def __repr__(self) -> str:  # keep hypothesis' failure reports short
        return "<the chapter's SVM cell>"


@pytest.fixture(scope="module")
def svm_code() -> dict:
    return _Code(_chapter_namespace("fit_svm"))


def _blobs(seed: int, n_half: int, spread: float):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal([1.0, 0.8], spread, (n_half, 2)), rng.normal([-1.0, -0.8], spread, (n_half, 2))]
    )
    return X, np.r_[np.ones(n_half), -np.ones(n_half)]


def _primal(X, y, lam, w, b):
    return np.maximum(0.0, 1.0 - y * (X @ w + b)).mean() + lam / 2 * w @ w


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_half=st.integers(3, 15),
    spread=st.floats(0.3, 2.0),
    lam=st.floats(0.005, 0.5),
)
def test_chapter_svm_matches_libsvm(svm_code, seed, n_half, spread, lam):
    X, y = _blobs(seed, n_half, spread)
    w, b, alpha = svm_code["fit_svm"](X, y, lam)
    C = 1.0 / (len(y) * lam)  # mean hinge + lam/2 ||w||²  <=>  C Σ hinge + ½ ||w||²
    ref = SVC(kernel="linear", C=C, tol=1e-12).fit(X, y)
    # w is unique (the objective is strictly convex in w); b may not be, so compare objectives
    np.testing.assert_allclose(w, ref.coef_[0], atol=1e-5)  # LIBSVM stops at its own tolerance
    ours = _primal(X, y, lam, w, b)
    theirs = _primal(X, y, lam, ref.coef_[0], ref.intercept_[0])
    assert ours <= theirs + 1e-9
    assert abs(svm_code["duality_gap"](X, y, lam, w, b, alpha)) < 1e-9  # rounding may give -1e-17
    assert np.all((alpha >= 0) & (alpha <= C * (1 + 1e-12)))
    assert abs(alpha @ y) < 1e-9 * max(1.0, C)


def test_chapter_svm_needs_only_support_vectors(svm_code):
    X, y = _blobs(7, 12, 0.8)
    lam = 0.05
    w, b, alpha = svm_code["fit_svm"](X, y, lam)
    keep = alpha > 0
    assert keep.sum() < len(y)  # a sparse dual
    # refitting on the support vectors alone (same λ·n, so the same C) gives the same boundary
    w_sv, b_sv, _ = svm_code["fit_svm"](X[keep], y[keep], lam * len(y) / keep.sum())
    np.testing.assert_allclose(np.r_[w_sv, b_sv], np.r_[w, b], atol=1e-8)


def test_chapter_lr_is_the_penalised_logistic_fit(svm_code):
    X, y = _blobs(3, 10, 1.0)
    w, b = svm_code["fit_lr"](X, y, 0.02)
    m = y * (X @ w + b)
    weight = expit(-m)  # every point's pull σ(-m_i) > 0
    np.testing.assert_allclose((weight * y) @ X / len(y), 0.02 * w, atol=1e-9)
    assert abs(weight @ y) < 1e-9 and weight.min() > 0


def _conditional_minimiser(phi, p):
    risk = lambda f: p * phi(np.array(f)) + (1 - p) * phi(np.array(-f))  # noqa: E731
    res = minimize_scalar(risk, bounds=(-6.0, 6.0), method="bounded", options={"xatol": 1e-10})
    return res.x


@settings(max_examples=40, deadline=None)
@given(p=st.floats(0.02, 0.98).filter(lambda p: abs(p - 0.5) > 0.02))
def test_population_minimisers(p):
    logit = np.log(p / (1 - p))
    expected = {
        "logistic": logit,
        "exponential": logit / 2,
        "squared_hinge": 2 * p - 1,
        "hinge": np.sign(2 * p - 1),
    }
    for name, f_star in expected.items():
        got = _conditional_minimiser(losses.get(name).value, p)
        assert got == pytest.approx(f_star, abs=1e-6), name


def test_squared_margin_loss_is_mse_on_pm1_labels():
    rng = np.random.default_rng(0)
    f, y = rng.normal(size=500), rng.choice([-1.0, 1.0], size=500)
    np.testing.assert_allclose(losses.get("mse").value(y * f - 1.0), (y - f) ** 2, rtol=1e-13)


def test_logistic_margin_loss_is_sklearn_log_loss():
    rng = np.random.default_rng(1)
    z, y01 = 4 * rng.normal(size=400), rng.integers(0, 2, size=400)
    margin = (2 * y01 - 1) * z
    assert losses.get("logistic").value(margin).mean() == pytest.approx(
        log_loss(y01, expit(z), labels=[0, 1]), rel=1e-12
    )
