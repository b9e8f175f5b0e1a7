"""Seeded synthetic data sets (every call with the same arguments returns the same arrays).

* :func:`two_gaussians`: two overlapping 2-D Gaussian classes (unit covariance).
* :func:`correlated_gaussians`: two Gaussian classes whose two features are correlated, where
  the unpenalised logistic fit gives one feature a negative (suppressor) weight.
* :func:`sparse_logistic`: a logistic model with a few informative features among irrelevant ones.
* :func:`separable_line`: four separable points on a line (no finite maximum-likelihood fit).
* :func:`multilabel`: a multi-label problem with imbalanced, correlated labels, split into
  train / validation / test (:class:`MultilabelData`).

Labels are float 0/1 arrays. The names differ from scikit-learn's generators on purpose
(``sklearn.datasets.make_blobs`` is a different data set).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validation as V
from .functional import sigmoid

__all__ = [
    "two_gaussians",
    "correlated_gaussians",
    "sparse_logistic",
    "separable_line",
    "MultilabelData",
    "multilabel",
]


def two_gaussians(n: int = 200, *, separation: float = 2.0, seed: int = 0):
    """Two overlapping 2-D Gaussian classes (unit covariance), ``n // 2`` each, seeded.

    Class 1 is centred at ``+separation/2 · (1, 1)/√2``, class 0 at minus that. Returns
    ``X`` (n, 2) and ``y`` (n,) with labels 0/1, in random order.
    """
    n = V.integer(n, "n")
    if n < 2 or n % 2:
        raise ValueError(f"n must be an even number >= 2, got {n}")
    separation = V.nonneg(separation, "separation")
    seed = V.integer(seed, "seed")
    rng = np.random.default_rng(seed)
    centre = separation / 2 * np.array([1.0, 1.0]) / np.sqrt(2.0)
    y = np.repeat([0.0, 1.0], n // 2)
    X = rng.standard_normal((n, 2)) + np.where(y[:, None] == 1, centre, -centre)
    order = rng.permutation(n)
    return X[order], y[order]


def correlated_gaussians(n_per_class=40, rho=0.8, shift=(0.8, 0.3), seed=1):
    """Two Gaussian classes with correlated features: ``x | y ~ N(±shift, [[1, ρ], [ρ, 1]])``.

    Class 0 is centred at ``-shift``, class 1 at ``+shift``. With ``ρ = 0.8`` and
    ``shift = (0.8, 0.3)`` the unpenalised fit gives the second feature a *negative* weight
    (a suppressor: it is used to cancel the noise it shares with feature 1) although class 1 has
    the larger mean in it; strong L2 shrinks ``w`` toward ``Xᵀ(y - ȳ)``, which is positive in both
    features, so ``w2`` changes sign along the L2 path. Returns ``(X (2n, 2), y (2n,))``, seeded.
    """
    rho = V.in_range(rho, "rho", -1.0, 1.0, hi_open=True)
    if rho <= -1.0:
        raise ValueError(f"rho must be > -1, got {rho!r}")
    shift = V.as_array(shift, "shift")
    if shift.shape != (2,):
        raise ValueError(f"shift must have shape (2,), got {shift.shape}")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)):
        raise TypeError(f"n_per_class must be an int, got {type(n_per_class).__name__}")
    if n_per_class < 2:
        raise ValueError(f"n_per_class must be >= 2, got {n_per_class}")
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
    x0 = rng.standard_normal((n_per_class, 2)) @ chol.T - shift
    x1 = rng.standard_normal((n_per_class, 2)) @ chol.T + shift
    X = np.vstack([x0, x1])
    y = np.r_[np.zeros(n_per_class), np.ones(n_per_class)]
    return X, y


def sparse_logistic(n=200, d=8, informative=(1.5, -1.0, 0.75), seed=0):
    """A logistic model with a few informative features among irrelevant ones.

    ``X ~ N(0, I)`` (n × d), true weights ``w* = (informative..., 0, ..., 0)``, intercept 0,
    ``y ~ Bernoulli(σ(X w*))``. Returns ``(X, y, w_true)``, seeded.
    """
    for name, val in (("n", n), ("d", d)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(val).__name__}")
    informative = V.as_array(informative, "informative")
    if informative.ndim != 1 or informative.size > d:
        raise ValueError(f"informative must be 1-D with at most d={d} entries")
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = np.zeros(d)
    w_true[: informative.size] = informative
    y = (rng.random(n) < sigmoid(X @ w_true)).astype(float)
    return X, y, w_true


def separable_line():
    """Four separable points on a line: ``x = [-2, -1, 1, 2]``, ``y = [0, 0, 1, 1]``; ``(X (4, 1), y)``.

    Any ``w > 0`` with ``b = 0`` classifies them all correctly, and the loss keeps falling as ``w``
    grows, so the unpenalised maximum-likelihood estimate does not exist.
    """
    return np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0])


#: Default label prevalences of :func:`multilabel`: from common (35 %) to rare (2 %).
DEFAULT_PREVALENCE = (0.35, 0.22, 0.14, 0.09, 0.06, 0.04, 0.03, 0.02)


#: Default label names (COCO-like, so that the correlations read naturally).
DEFAULT_NAMES = ("person", "car", "bicycle", "dog", "cat", "boat", "horse", "kite")


#: Pairs of labels whose true weight vectors share a component (positively correlated labels).
DEFAULT_LINKS = ((0, 2), (0, 7), (1, 2), (3, 4), (0, 6), (5, 7))


@dataclass(frozen=True)
class MultilabelData:
    """A train / validation / test split of a synthetic multi-label data set."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray
    Y_val: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    label_names: tuple[str, ...]
    prevalence: np.ndarray = field(repr=False)

    @property
    def n_labels(self) -> int:
        return self.Y_train.shape[1]


def multilabel(
    n_train: int = 2000,
    n_val: int = 1000,
    n_test: int = 2000,
    *,
    n_features: int = 12,
    n_hidden: int = 3,
    prevalence=DEFAULT_PREVALENCE,
    label_names=DEFAULT_NAMES,
    links=DEFAULT_LINKS,
    signal: float = 1.6,
    seed: int = 0,
) -> MultilabelData:
    """A seeded synthetic multi-label data set with imbalanced and correlated labels.

    Model: latent features ``h ~ N(0, I)`` of size ``n_features + n_hidden``; the model sees only
    the first ``n_features`` (``X``). Label ``c`` is on when ``h @ V[:, c] + e_c > q_c`` with
    logistic noise ``e_c`` and ``q_c`` the empirical ``1 - prevalence[c]`` quantile over all
    samples, so label ``c`` has ``prevalence[c] * N`` positives (to within one) in the whole
    data set. Correlations come from two sources: linked labels
    share half of their weight vector (``links``), and the hidden features act as noise shared
    by all labels, which binary relevance cannot see (labels stay correlated *given* ``X``).
    ``signal`` scales the weights (higher: easier problem).
    """
    sizes = {"n_train": n_train, "n_val": n_val, "n_test": n_test}
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    for name, value in {"n_features": n_features, "n_hidden": n_hidden}.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if n_features < 1:
        raise ValueError(f"n_features must be >= 1, got {n_features}")
    prev = V.as_array(prevalence, "prevalence")
    if prev.ndim != 1 or np.any(prev <= 0) or np.any(prev >= 1):
        raise ValueError("prevalence must be a 1-D array of values in (0, 1)")
    n_labels = prev.size
    names = tuple(str(s) for s in label_names)
    if len(names) != n_labels:
        raise ValueError(
            f"label_names must have {n_labels} entries (one per label), got {len(names)}"
        )
    signal = V.nonneg(signal, "signal")
    for a, b in links:
        if not (0 <= a < n_labels and 0 <= b < n_labels) or a == b:
            raise ValueError(
                f"links must be pairs of distinct label indices < {n_labels}, got {(a, b)}"
            )

    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    d_all = n_features + n_hidden
    H = rng.standard_normal((n, d_all))
    Wt = rng.standard_normal((d_all, n_labels)) / math.sqrt(n_features)
    for a, b in links:  # linked labels share a direction: positively correlated
        shared = rng.standard_normal(d_all) / math.sqrt(n_features)
        Wt[:, a] += shared
        Wt[:, b] += shared
    Wt[:n_features] *= 2.0 * signal
    Wt[n_features:] = 1.5  # hidden factor: the same push on every label (shared noise)
    latent = H @ Wt + rng.logistic(size=(n, n_labels))
    thresholds = np.array([np.quantile(latent[:, c], 1.0 - prev[c]) for c in range(n_labels)])
    Y = (latent > thresholds).astype(np.float64)
    X = H[:, :n_features]
    i, j = n_train, n_train + n_val
    return MultilabelData(X[:i], Y[:i], X[i:j], Y[i:j], X[j:], Y[j:], names, prev)
