"""lossviz.datasets: seeded, shaped as documented, with the properties their docstrings state."""

from __future__ import annotations

import numpy as np
import pytest

from lossviz import datasets


def test_data_shapes_prevalence_and_determinism():
    d = datasets.multilabel(seed=3)
    assert d.X_train.shape == (2000, 12) and d.Y_train.shape == (2000, 8)
    assert d.X_val.shape == (1000, 12) and d.X_test.shape == (2000, 12)
    Y = np.vstack([d.Y_train, d.Y_val, d.Y_test])
    # Positives per label match prevalence * N to within one over the whole data set.
    assert np.all(np.abs(Y.sum(axis=0) - d.prevalence * 5000) <= 1)
    assert set(np.unique(Y)) == {0.0, 1.0}
    again = datasets.multilabel(seed=3)
    assert np.array_equal(d.X_test, again.X_test) and np.array_equal(d.Y_test, again.Y_test)
    other = datasets.multilabel(seed=4)
    assert not np.array_equal(d.Y_train, other.Y_train)


def test_data_labels_are_imbalanced_and_correlated():
    d = datasets.multilabel()
    Y = np.vstack([d.Y_train, d.Y_val, d.Y_test])
    prev = Y.mean(axis=0)
    assert prev.max() / prev.min() > 10  # imbalanced: common vs rare labels
    corr = np.corrcoef(Y.T)
    off = corr[~np.eye(8, dtype=bool)]
    assert off.min() > -0.05 and corr[0, 2] > 0.3  # person-bicycle linked


def test_data_rejects_bad_input():
    with pytest.raises(ValueError, match="n_train"):
        datasets.multilabel(n_train=0)
    with pytest.raises(ValueError, match="prevalence"):
        datasets.multilabel(prevalence=[0.5, 1.2], label_names=["a", "b"], links=())
    with pytest.raises(ValueError, match="label_names"):
        datasets.multilabel(label_names=["a"])
    with pytest.raises(ValueError, match="links"):
        datasets.multilabel(links=[(0, 0)])


# ---------------------------------------------------------------------------------- two_gaussians
def test_make_blobs_is_seeded_and_balanced():
    X, y = datasets.two_gaussians(100, seed=1)
    X2, y2 = datasets.two_gaussians(100, seed=1)
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (100, 2) and y.sum() == 50
    # class means sit near ±separation/2 along the diagonal
    d = X[y == 1].mean(0) - X[y == 0].mean(0)
    assert np.linalg.norm(d) == pytest.approx(2.0, abs=0.5)


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: datasets.two_gaussians(3), ValueError, "n"),
        (lambda: datasets.two_gaussians(10, seed=0.5), TypeError, "seed"),
    ],
)
def test_bad_input_names_the_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
