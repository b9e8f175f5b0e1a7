"""Tests of lossviz.multilabel: data, constant optimum, metrics, thresholds and training.

Expected values come from hand computation (small cases worked out in the comments) and from
scikit-learn (a test-only dependency): ``average_precision_score``, ``f1_score``, ``hamming_loss``,
``accuracy_score`` and ``LogisticRegression``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk_metrics

from lossviz import multilabel as ml


def random_case(seed, n=200, c=5, ties=False):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, c)) < rng.uniform(0.05, 0.5, size=c)).astype(float)
    Y[0] = 1.0  # every label has a positive
    Z = rng.normal(size=(n, c)) + 1.5 * Y
    if ties:
        Z = np.round(Z, 1)  # many tied scores
    return Y, Z


# ---------------------------------------------------------------------------------- data


def test_data_shapes_prevalence_and_determinism():
    d = ml.make_multilabel_data(seed=3)
    assert d.X_train.shape == (2000, 12) and d.Y_train.shape == (2000, 8)
    assert d.X_val.shape == (1000, 12) and d.X_test.shape == (2000, 12)
    Y = np.vstack([d.Y_train, d.Y_val, d.Y_test])
    # Positives per label match prevalence * N to within one over the whole data set.
    assert np.all(np.abs(Y.sum(axis=0) - d.prevalence * 5000) <= 1)
    assert set(np.unique(Y)) == {0.0, 1.0}
    again = ml.make_multilabel_data(seed=3)
    assert np.array_equal(d.X_test, again.X_test) and np.array_equal(d.Y_test, again.Y_test)
    other = ml.make_multilabel_data(seed=4)
    assert not np.array_equal(d.Y_train, other.Y_train)


def test_data_labels_are_imbalanced_and_correlated():
    d = ml.make_multilabel_data()
    Y = np.vstack([d.Y_train, d.Y_val, d.Y_test])
    prev = Y.mean(axis=0)
    assert prev.max() / prev.min() > 10  # imbalanced: common vs rare labels
    corr = np.corrcoef(Y.T)
    off = corr[~np.eye(8, dtype=bool)]
    assert off.min() > -0.05 and corr[0, 2] > 0.3  # person-bicycle linked


def test_data_rejects_bad_input():
    with pytest.raises(ValueError, match="n_train"):
        ml.make_multilabel_data(n_train=0)
    with pytest.raises(ValueError, match="prevalence"):
        ml.make_multilabel_data(prevalence=[0.5, 1.2], label_names=["a", "b"], links=())
    with pytest.raises(ValueError, match="label_names"):
        ml.make_multilabel_data(label_names=["a"])
    with pytest.raises(ValueError, match="links"):
        ml.make_multilabel_data(links=[(0, 0)])


# ---------------------------------------------------------------------------------- constant optimum


def test_constant_optimum_pytorch_example():
    # PyTorch's pos_weight example: 100 positives, 300 negatives -> pos_weight = 3.
    assert ml.constant_optimum(100, 300) == pytest.approx(0.25, rel=1e-15)
    assert ml.constant_optimum(100, 300, pos_weight=3) == pytest.approx(0.5, rel=1e-15)


@pytest.mark.parametrize("n_pos,n_neg,w", [(7, 93, 1.0), (7, 93, 5.0), (40, 10, 0.3)])
def test_constant_optimum_minimises_the_weighted_loss(n_pos, n_neg, w):
    p = np.linspace(1e-4, 1 - 1e-4, 200001)
    loss = -(w * n_pos * np.log(p) + n_neg * np.log1p(-p))
    assert ml.constant_optimum(n_pos, n_neg, w) == pytest.approx(p[np.argmin(loss)], abs=1e-5)


def test_constant_optimum_rejects_bad_input():
    with pytest.raises(ValueError, match="pos_weight"):
        ml.constant_optimum(1, 1, -1)
    with pytest.raises(ValueError, match="no data"):
        ml.constant_optimum(0, 0)


# ---------------------------------------------------------------------------------- metrics by hand


def test_hamming_and_subset_accuracy_by_hand():
    Y = [[1, 0, 1, 0], [0, 1, 0, 0]]
    Y_hat = [[1, 0, 0, 0], [0, 1, 0, 0]]
    assert ml.hamming_loss(Y, Y_hat) == 0.125  # 1 wrong decision of 8
    assert ml.subset_accuracy(Y, Y_hat) == 0.5  # row 2 right, row 1 not


def test_f1_by_hand():
    Y = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0]])
    Y_hat = np.array([[1, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0]])
    # label 0: tp=2 fp=1 fn=1 -> F1 = 4/6; label 1: tp=0 fp=0 fn=1 -> 0; label 2: tp=1 fp=0 fn=1 -> 2/3
    np.testing.assert_allclose(ml.f1_score(Y, Y_hat, None), [2 / 3, 0.0, 2 / 3], rtol=1e-15)
    assert ml.f1_score(Y, Y_hat, "macro") == pytest.approx(4 / 9, rel=1e-15)
    # pooled: tp=3 fp=1 fn=3 -> 6/10
    assert ml.f1_score(Y, Y_hat, "micro") == pytest.approx(0.6, rel=1e-15)


def test_average_precision_by_hand():
    # scores 0.9(+) 0.8(-) 0.7(+) 0.6(-): P at the positives = 1, 2/3 -> AP = (1 + 2/3) / 2
    assert ml.average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6]) == pytest.approx(5 / 6)
    # a tie between a positive and a negative at the top: one step, P = 1/2, R = 1/2; then P=2/3
    assert ml.average_precision([1, 0, 1], [0.9, 0.9, 0.1]) == pytest.approx(
        0.5 * 0.5 + 0.5 * 2 / 3
    )
    with pytest.raises(ValueError, match="positive"):
        ml.average_precision([0, 0], [0.1, 0.2])


def test_all_negative_predictor_has_high_accuracy_and_zero_f1():
    d = ml.make_multilabel_data()
    zeros = np.zeros_like(d.Y_test)
    assert 1 - ml.hamming_loss(d.Y_test, zeros) == pytest.approx(1 - d.Y_test.mean())
    assert 1 - ml.hamming_loss(d.Y_test, zeros) > 0.85
    assert ml.f1_score(d.Y_test, zeros, "micro") == 0.0


# ---------------------------------------------------------------------------------- vs scikit-learn


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_metrics_match_sklearn(seed, ties):
    Y, Z = random_case(seed, ties=ties)
    Y_hat = ml.predict(Z, 0.5)
    np.testing.assert_allclose(
        ml.average_precision_per_label(Y, Z),
        sk_metrics.average_precision_score(Y, Z, average=None),
        rtol=1e-12,
    )
    assert ml.mean_average_precision(Y, Z) == pytest.approx(
        sk_metrics.average_precision_score(Y, Z, average="macro"), rel=1e-12
    )
    for avg in ("micro", "macro"):
        assert ml.f1_score(Y, Y_hat, avg) == pytest.approx(
            sk_metrics.f1_score(Y, Y_hat, average=avg, zero_division=0), rel=1e-12
        )
    assert ml.hamming_loss(Y, Y_hat) == pytest.approx(sk_metrics.hamming_loss(Y, Y_hat))
    assert ml.subset_accuracy(Y, Y_hat) == pytest.approx(sk_metrics.accuracy_score(Y, Y_hat))


def test_f1_zero_division_matches_sklearn():
    Y = np.array([[1, 0], [0, 0], [1, 0]])
    Y_hat = np.array([[1, 0], [0, 0], [0, 0]])  # label 1: no positives, none predicted
    for zd in (0.0, 1.0):
        assert ml.f1_score(Y, Y_hat, "macro", zero_division=zd) == pytest.approx(
            sk_metrics.f1_score(Y, Y_hat, average="macro", zero_division=zd)
        )


def test_map_is_invariant_to_monotone_transforms():
    Y, Z = random_case(11)
    P = 1 / (1 + np.exp(-Z))
    assert ml.mean_average_precision(Y, Z) == pytest.approx(
        ml.mean_average_precision(Y, P), rel=1e-14
    )
    assert ml.mean_average_precision(Y, 3 * Z - 7) == pytest.approx(
        ml.mean_average_precision(Y, Z), rel=1e-14
    )


def test_precision_recall_f1_matches_sklearn():
    Y, Z = random_case(5)
    y, s = Y[:, 1], Z[:, 1]
    ts = np.array([-1.0, 0.0, 0.3, 1.2, 5.0])
    prec, rec, f1 = ml.precision_recall_f1(y, s, ts)
    for t, p_, r_, f_ in zip(ts, prec, rec, f1, strict=True):
        yh = (s > t).astype(int)
        assert p_ == pytest.approx(sk_metrics.precision_score(y, yh, zero_division=0))
        assert r_ == pytest.approx(sk_metrics.recall_score(y, yh))
        assert f_ == pytest.approx(sk_metrics.f1_score(y, yh, zero_division=0))


# ---------------------------------------------------------------------------------- thresholds


def test_predict_uses_logit_thresholds():
    Z = np.array([[0.0, 1e-9, -1e-9, 40.0, -40.0]])
    np.testing.assert_array_equal(ml.predict(Z), [[0, 1, 0, 1, 0]])  # sigmoid(z) > 0.5 <=> z > 0
    t = 0.2  # logit(0.2) = -log 4
    Z = np.array([[-np.log(4) + 1e-9, -np.log(4) - 1e-9]])
    np.testing.assert_array_equal(ml.predict(Z, t), [[1, 0]])
    np.testing.assert_array_equal(ml.predict(np.zeros((1, 2)), [0.4, 0.6]), [[1, 0]])
    with pytest.raises(ValueError, match="thresholds"):
        ml.predict(Z, 1.0)
    with pytest.raises(ValueError, match="thresholds"):
        ml.predict(Z, [0.5, 0.5, 0.5])


def test_best_f1_threshold_is_exhaustive():
    Y, Z = random_case(8, n=150, c=3)
    for c in range(Y.shape[1]):
        t, f1 = ml.best_f1_threshold(Y[:, c], Z[:, c])
        # brute force over every observed score as a ">=" cut, with sklearn's F1
        brute = max(
            sk_metrics.f1_score(Y[:, c], (Z[:, c] >= s).astype(int), zero_division=0)
            for s in np.unique(Z[:, c])
        )
        assert f1 == pytest.approx(brute, rel=1e-12)
        assert sk_metrics.f1_score(Y[:, c], (Z[:, c] > t).astype(int)) == pytest.approx(f1)


def test_threshold_toy_from_the_brief():
    # 2000 samples, 10 % positives, scores sigmoid(N(-2.5 + 2y, 1)): tuning beats 0.5.
    rng = np.random.default_rng(1)
    y = (rng.random(2000) < 0.1).astype(float)
    z = rng.normal(-2.5 + 2 * y, 1.0)
    at_half = ml.precision_recall_f1(y, z, np.array([0.0]))[2][0]
    t, best = ml.best_f1_threshold(y, z)
    assert best > at_half + 0.05 and t < 0


def test_tune_thresholds_improves_macro_f1_on_the_tuning_set():
    Y, Z = random_case(2, n=400)
    t = ml.tune_thresholds(Y, Z)
    assert t.shape == (Y.shape[1],) and np.all((t > 0) & (t < 1))
    tuned = ml.f1_score(Y, ml.predict(Z, t), None)
    default = ml.f1_score(Y, ml.predict(Z, 0.5), None)
    assert np.all(tuned >= default - 1e-15)


def test_metric_table_bolds_the_best():
    rows = {
        "a": {"mAP": 0.5, "Hamming loss": 0.1},
        "b": {"mAP": 0.6, "Hamming loss": 0.2},
    }
    table = ml.metric_table(rows)
    assert "| a | 0.500 | **0.100** |" in table and "| b | **0.600** | 0.200 |" in table
    rows["c"] = {"mAP": float("nan"), "Hamming loss": 0.3}
    table = ml.metric_table(rows)
    assert "| c | — | 0.300 |" in table and "| b | **0.600** | 0.200 |" in table


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError, match="Y_hat"):
        ml.hamming_loss([[1, 0]], [[1, 0, 0]])
    with pytest.raises(ValueError, match="Y_hat"):
        ml.subset_accuracy([[1, 0]], [[1, 0.5]])
    with pytest.raises(ValueError, match="Y"):
        ml.f1_score([[2, 0]], [[1, 0]])
    with pytest.raises(ValueError, match="average"):
        ml.f1_score([[1, 0]], [[1, 0]], average="weighted")
    with pytest.raises(ValueError, match="scores"):
        ml.mean_average_precision([[1, 0]], [[np.nan, 0.0]])


# ---------------------------------------------------------------------------------- training


def test_fit_bce_matches_sklearn_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    d = ml.make_multilabel_data(n_train=600, n_val=1, n_test=1, seed=5)
    l2 = 1e-2
    fit = ml.fit_linear(d.X_train, d.Y_train, "bce", l2=l2)
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
    d = ml.make_multilabel_data(n_train=800, n_val=1, n_test=1000, seed=2)
    fit = ml.fit_linear(d.X_train, d.Y_train, loss, **kwargs)
    assert fit.grad_norm <= 1e-6
    assert ml.mean_average_precision(d.Y_test, fit.logits(d.X_test)) > 0.4  # well above chance


def test_pos_weight_shifts_the_intercept_by_log_w_without_features():
    # With a constant model (no features) the fitted logit is logit(p*) = log(w n+ / n-).
    rng = np.random.default_rng(0)
    Y = (rng.random((500, 2)) < [0.1, 0.3]).astype(float)
    X = np.zeros((500, 1))
    w = np.array([3.0, 0.5])
    fit = ml.fit_linear(X, Y, "bce", pos_weight=w, l2=0.0)
    n_pos = Y.sum(axis=0)
    np.testing.assert_allclose(fit.b, np.log(w * n_pos / (500 - n_pos)), atol=1e-6)


def test_fit_rejects_bad_input():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="loss"):
        ml.fit_linear(X, np.zeros((4, 1)), "hinge")
    with pytest.raises(ValueError, match="Y"):
        ml.fit_linear(X, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="Y"):
        ml.fit_linear(X, np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match="l2"):
        ml.fit_linear(X, np.zeros((4, 1)), l2=-1)
