"""lossviz.metrics by hand and against scikit-learn (a test-only dependency):
``average_precision_score``, ``f1_score``, ``hamming_loss``, ``accuracy_score``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk_metrics

from lossviz import datasets, metrics


def random_case(seed, n=200, c=5, ties=False):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, c)) < rng.uniform(0.05, 0.5, size=c)).astype(float)
    Y[0] = 1.0  # every label has a positive
    Z = rng.normal(size=(n, c)) + 1.5 * Y
    if ties:
        Z = np.round(Z, 1)  # many tied scores
    return Y, Z


# ---------------------------------------------------------------------------------- metrics by hand


def test_hamming_and_subset_accuracy_by_hand():
    Y = [[1, 0, 1, 0], [0, 1, 0, 0]]
    Y_hat = [[1, 0, 0, 0], [0, 1, 0, 0]]
    assert metrics.hamming_loss(Y, Y_hat) == 0.125  # 1 wrong decision of 8
    assert metrics.subset_accuracy(Y, Y_hat) == 0.5  # row 2 right, row 1 not


def test_f1_by_hand():
    Y = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 0, 0]])
    Y_hat = np.array([[1, 0, 0], [1, 0, 0], [1, 0, 1], [0, 0, 0]])
    # label 0: tp=2 fp=1 fn=1 -> F1 = 4/6; label 1: tp=0 fp=0 fn=1 -> 0; label 2: tp=1 fp=0 fn=1 -> 2/3
    np.testing.assert_allclose(metrics.f1_score(Y, Y_hat, None), [2 / 3, 0.0, 2 / 3], rtol=1e-15)
    assert metrics.f1_score(Y, Y_hat, "macro") == pytest.approx(4 / 9, rel=1e-15)
    # pooled: tp=3 fp=1 fn=3 -> 6/10
    assert metrics.f1_score(Y, Y_hat, "micro") == pytest.approx(0.6, rel=1e-15)


def test_average_precision_by_hand():
    # scores 0.9(+) 0.8(-) 0.7(+) 0.6(-): P at the positives = 1, 2/3 -> AP = (1 + 2/3) / 2
    assert metrics.average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6]) == pytest.approx(5 / 6)
    # a tie between a positive and a negative at the top: one step, P = 1/2, R = 1/2; then P=2/3
    assert metrics.average_precision([1, 0, 1], [0.9, 0.9, 0.1]) == pytest.approx(
        0.5 * 0.5 + 0.5 * 2 / 3
    )
    with pytest.raises(ValueError, match="positive"):
        metrics.average_precision([0, 0], [0.1, 0.2])


def test_all_negative_predictor_has_high_accuracy_and_zero_f1():
    d = datasets.multilabel()
    zeros = np.zeros_like(d.Y_test)
    assert 1 - metrics.hamming_loss(d.Y_test, zeros) == pytest.approx(1 - d.Y_test.mean())
    assert 1 - metrics.hamming_loss(d.Y_test, zeros) > 0.85
    assert metrics.f1_score(d.Y_test, zeros, "micro") == 0.0


# ---------------------------------------------------------------------------------- vs scikit-learn


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_metrics_match_sklearn(seed, ties):
    Y, Z = random_case(seed, ties=ties)
    Y_hat = metrics.predict(Z, 0.5)
    np.testing.assert_allclose(
        metrics.average_precision_per_label(Y, Z),
        sk_metrics.average_precision_score(Y, Z, average=None),
        rtol=1e-12,
    )
    assert metrics.mean_average_precision(Y, Z) == pytest.approx(
        sk_metrics.average_precision_score(Y, Z, average="macro"), rel=1e-12
    )
    for avg in ("micro", "macro"):
        assert metrics.f1_score(Y, Y_hat, avg) == pytest.approx(
            sk_metrics.f1_score(Y, Y_hat, average=avg, zero_division=0), rel=1e-12
        )
    assert metrics.hamming_loss(Y, Y_hat) == pytest.approx(sk_metrics.hamming_loss(Y, Y_hat))
    assert metrics.subset_accuracy(Y, Y_hat) == pytest.approx(sk_metrics.accuracy_score(Y, Y_hat))


def test_f1_zero_division_matches_sklearn():
    Y = np.array([[1, 0], [0, 0], [1, 0]])
    Y_hat = np.array([[1, 0], [0, 0], [0, 0]])  # label 1: no positives, none predicted
    for zd in (0.0, 1.0):
        assert metrics.f1_score(Y, Y_hat, "macro", zero_division=zd) == pytest.approx(
            sk_metrics.f1_score(Y, Y_hat, average="macro", zero_division=zd)
        )


def test_map_is_invariant_to_monotone_transforms():
    Y, Z = random_case(11)
    P = 1 / (1 + np.exp(-Z))
    assert metrics.mean_average_precision(Y, Z) == pytest.approx(
        metrics.mean_average_precision(Y, P), rel=1e-14
    )
    assert metrics.mean_average_precision(Y, 3 * Z - 7) == pytest.approx(
        metrics.mean_average_precision(Y, Z), rel=1e-14
    )


def test_precision_recall_f1_matches_sklearn():
    Y, Z = random_case(5)
    y, s = Y[:, 1], Z[:, 1]
    ts = np.array([-1.0, 0.0, 0.3, 1.2, 5.0])
    prec, rec, f1 = metrics.precision_recall_f1(y, s, ts)
    for t, p_, r_, f_ in zip(ts, prec, rec, f1, strict=True):
        yh = (s > t).astype(int)
        assert p_ == pytest.approx(sk_metrics.precision_score(y, yh, zero_division=0))
        assert r_ == pytest.approx(sk_metrics.recall_score(y, yh))
        assert f_ == pytest.approx(sk_metrics.f1_score(y, yh, zero_division=0))


# ---------------------------------------------------------------------------------- thresholds


def test_predict_uses_logit_thresholds():
    Z = np.array([[0.0, 1e-9, -1e-9, 40.0, -40.0]])
    np.testing.assert_array_equal(
        metrics.predict(Z), [[0, 1, 0, 1, 0]]
    )  # sigmoid(z) > 0.5 <=> z > 0
    t = 0.2  # logit(0.2) = -log 4
    Z = np.array([[-np.log(4) + 1e-9, -np.log(4) - 1e-9]])
    np.testing.assert_array_equal(metrics.predict(Z, t), [[1, 0]])
    np.testing.assert_array_equal(metrics.predict(np.zeros((1, 2)), [0.4, 0.6]), [[1, 0]])
    with pytest.raises(ValueError, match="thresholds"):
        metrics.predict(Z, 1.0)
    with pytest.raises(ValueError, match="thresholds"):
        metrics.predict(Z, [0.5, 0.5, 0.5])


def test_best_f1_threshold_is_exhaustive():
    Y, Z = random_case(8, n=150, c=3)
    for c in range(Y.shape[1]):
        t, f1 = metrics.best_f1_threshold(Y[:, c], Z[:, c])
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
    at_half = metrics.precision_recall_f1(y, z, np.array([0.0]))[2][0]
    t, best = metrics.best_f1_threshold(y, z)
    assert best > at_half + 0.05 and t < 0


def test_tune_thresholds_improves_macro_f1_on_the_tuning_set():
    Y, Z = random_case(2, n=400)
    t = metrics.tune_thresholds(Y, Z)
    assert t.shape == (Y.shape[1],) and np.all((t > 0) & (t < 1))
    tuned = metrics.f1_score(Y, metrics.predict(Z, t), None)
    default = metrics.f1_score(Y, metrics.predict(Z, 0.5), None)
    assert np.all(tuned >= default - 1e-15)


def test_metric_table_bolds_the_best():
    rows = {
        "a": {"mAP": 0.5, "Hamming loss": 0.1},
        "b": {"mAP": 0.6, "Hamming loss": 0.2},
    }
    table = metrics.metric_table(rows)
    assert "| a | 0.500 | **0.100** |" in table and "| b | **0.600** | 0.200 |" in table
    rows["c"] = {"mAP": float("nan"), "Hamming loss": 0.3}
    table = metrics.metric_table(rows)
    assert "| c | — | 0.300 |" in table and "| b | **0.600** | 0.200 |" in table


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError, match="Y_hat"):
        metrics.hamming_loss([[1, 0]], [[1, 0, 0]])
    with pytest.raises(ValueError, match="Y_hat"):
        metrics.subset_accuracy([[1, 0]], [[1, 0.5]])
    with pytest.raises(ValueError, match="Y"):
        metrics.f1_score([[2, 0]], [[1, 0]])
    with pytest.raises(ValueError, match="average"):
        metrics.f1_score([[1, 0]], [[1, 0]], average="weighted")
    with pytest.raises(ValueError, match="scores"):
        metrics.mean_average_precision([[1, 0]], [[np.nan, 0.0]])
