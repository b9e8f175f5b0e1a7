"""lossviz.linear_model: the fitted model against scikit-learn's LogisticRegression (a test-only
dependency), stationarity for every multi-label loss, and the pos_weight shift."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import datasets, linear_model, metrics


def test_fit_bce_matches_sklearn_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    d = datasets.multilabel(n_train=600, n_val=1, n_test=1, seed=5)
    l2 = 1e-2
    fit = linear_model.fit_linear(d.X_train, d.Y_train, "bce", l2=l2)
    assert fit.grad_norm <= 1e-7
    n = d.X_train.shape[0]
    for c in range(d.n_labels):
        # sklearn: C * sum(loss) + ||w||^2 / 2  <=>  mean(loss) + (l2/2)||w||^2 with C = 1/(n l2)
        ref = LogisticRegression(C=1 / (n * l2), tol=1e-12, max_iter=10000).fit(
            d.X_train, d.Y_train[:, c]
        )
        np.testing.assert_allclose(fit.W[:, c], ref.coef_[0], atol=1e-5)
        assert fit.b[c] == pytest.approx(ref.intercept_[0], abs=1e-5)


@pytest.mark.parametrize(
    "loss,kwargs",
    [
        ("bce", {"pos_weight": np.full(8, 4.0)}),
        ("focal", {"alpha": 0.25, "gamma": 2.0}),
        ("asl", {"gamma_pos": 0.0, "gamma_neg": 4.0, "clip": 0.05}),
        ("zlpr", {}),
    ],
)
def test_fit_reaches_a_stationary_point_and_learns(loss, kwargs):
    d = datasets.multilabel(n_train=800, n_val=1, n_test=1000, seed=2)
    fit = linear_model.fit_linear(d.X_train, d.Y_train, loss, **kwargs)
    assert fit.grad_norm <= 1e-6
    assert metrics.mean_average_precision(d.Y_test, fit.logits(d.X_test)) > 0.4  # well above chance


def test_pos_weight_shifts_the_intercept_by_log_w_without_features():
    # With a constant model (no features) the fitted logit is logit(p*) = log(w n+ / n-).
    rng = np.random.default_rng(0)
    Y = (rng.random((500, 2)) < [0.1, 0.3]).astype(float)
    X = np.zeros((500, 1))
    w = np.array([3.0, 0.5])
    fit = linear_model.fit_linear(X, Y, "bce", pos_weight=w, l2=0.0)
    n_pos = Y.sum(axis=0)
    np.testing.assert_allclose(fit.b, np.log(w * n_pos / (500 - n_pos)), atol=1e-6)


def test_fit_rejects_bad_input():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="loss"):
        linear_model.fit_linear(X, np.zeros((4, 1)), "hinge")
    with pytest.raises(ValueError, match="Y"):
        linear_model.fit_linear(X, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="Y"):
        linear_model.fit_linear(X, np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="l2"):
        linear_model.fit_linear(X, np.zeros((4, 1)), l2=-1)
