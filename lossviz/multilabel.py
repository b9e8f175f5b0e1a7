"""Chapter 3 helpers: a synthetic multi-label data set, a linear model, metrics and thresholds.

Everything here is plain numpy (no scipy, no scikit-learn), seeded and deterministic, and fast
enough that a chapter can fit five losses in a few seconds.

Conventions
    * ``Y`` is an ``(N, C)`` array of 0/1 labels (sample ``n`` has label ``c`` when ``Y[n, c] == 1``).
    * Scores are **logits** ``Z`` of shape ``(N, C)``. A label is predicted when
      ``sigmoid(z) > t``, i.e. ``z > log(t / (1 - t))``; the default ``t = 0.5`` is ``z > 0``.
      Comparing logits avoids the ties that a saturated ``sigmoid`` creates in float64.
    * Metrics follow scikit-learn's definitions (``average_precision_score``, ``f1_score``,
      ``hamming_loss``, ``accuracy_score`` on label-indicator arrays); the tests check them there.
    * The training objective of :func:`fit_linear` is the loss **summed over labels and averaged
      over samples** (``loss(Z, Y, reduction="sum") / N``) plus ``(l2 / 2) * ||W||_F^2`` (the
      intercepts are not penalised), so that every loss is on the same per-sample scale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_binary, check_same_shape, nonneg, scalar

__all__ = [
    "LOSSES",
    "MultilabelData",
    "average_precision",
    "average_precision_per_label",
    "best_f1_threshold",
    "constant_optimum",
    "evaluate",
    "f1_score",
    "fit_linear",
    "hamming_loss",
    "make_multilabel_data",
    "mean_average_precision",
    "metric_table",
    "precision_recall_f1",
    "predict",
    "subset_accuracy",
    "tune_thresholds",
]

#: Default label prevalences of :func:`make_multilabel_data`: from common (35 %) to rare (2 %).
DEFAULT_PREVALENCE = (0.35, 0.22, 0.14, 0.09, 0.06, 0.04, 0.03, 0.02)
#: Default label names (COCO-like, so that the correlations read naturally).
DEFAULT_NAMES = ("person", "car", "bicycle", "dog", "cat", "boat", "horse", "kite")
#: Pairs of labels whose true weight vectors share a component (positively correlated labels).
DEFAULT_LINKS = ((0, 2), (0, 7), (1, 2), (3, 4), (0, 6), (5, 7))


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


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


def make_multilabel_data(
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
    prev = as_array(prevalence, "prevalence")
    if prev.ndim != 1 or np.any(prev <= 0) or np.any(prev >= 1):
        raise ValueError("prevalence must be a 1-D array of values in (0, 1)")
    n_labels = prev.size
    names = tuple(str(s) for s in label_names)
    if len(names) != n_labels:
        raise ValueError(
            f"label_names must have {n_labels} entries (one per label), got {len(names)}"
        )
    signal = nonneg(signal, "signal")
    for a, b in links:
        if not (0 <= a < n_labels and 0 <= b < n_labels) or a == b:
            raise ValueError(
                f"links must be pairs of distinct label indices < {n_labels}, got {(a, b)}"
            )

    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    d_all = n_features + n_hidden
    H = rng.standard_normal((n, d_all))
    V = rng.standard_normal((d_all, n_labels)) / math.sqrt(n_features)
    for a, b in links:  # linked labels share a direction: positively correlated
        shared = rng.standard_normal(d_all) / math.sqrt(n_features)
        V[:, a] += shared
        V[:, b] += shared
    V[:n_features] *= 2.0 * signal
    V[n_features:] = 1.5  # hidden factor: the same push on every label (shared noise)
    latent = H @ V + rng.logistic(size=(n, n_labels))
    thresholds = np.array([np.quantile(latent[:, c], 1.0 - prev[c]) for c in range(n_labels)])
    Y = (latent > thresholds).astype(np.float64)
    X = H[:, :n_features]
    i, j = n_train, n_train + n_val
    return MultilabelData(X[:i], Y[:i], X[i:j], Y[i:j], X[j:], Y[j:], names, prev)


# --------------------------------------------------------------------------------------------
# Constant predictor under pos_weight
# --------------------------------------------------------------------------------------------


def constant_optimum(n_pos, n_neg, pos_weight=1.0) -> float:
    """The constant probability that minimises weighted binary cross-entropy on a label.

    Minimises ``-(w * n_pos * log p + n_neg * log(1 - p))`` over ``p``; setting the derivative
    ``-w n_pos / p + n_neg / (1 - p)`` to zero gives ``p* = w n_pos / (w n_pos + n_neg)``, the
    logit ``log(n_pos / n_neg) + log(w)``: ``pos_weight`` shifts the optimal logit by ``log w``.
    (``pos_weight`` as in PyTorch's ``binary_cross_entropy_with_logits``.)
    """
    n_pos = nonneg(n_pos, "n_pos")
    n_neg = nonneg(n_neg, "n_neg")
    w = nonneg(pos_weight, "pos_weight")
    denom = w * n_pos + n_neg
    if denom == 0:
        raise ValueError("pos_weight * n_pos + n_neg must be > 0 (no data to fit)")
    return w * n_pos / denom


# --------------------------------------------------------------------------------------------
# Training a linear model with a pluggable loss
# --------------------------------------------------------------------------------------------


def _functional():
    from . import functional  # imported lazily: written in parallel, and not needed by metrics

    return functional


def _loss_bce(**kw):
    F = _functional()
    return (
        lambda Z, Y: F.binary_cross_entropy_with_logits(Z, Y, reduction="sum", **kw),
        lambda Z, Y: F.binary_cross_entropy_with_logits_grad(Z, Y, reduction="sum", **kw),
    )


def _loss_focal(**kw):
    F = _functional()
    return (
        lambda Z, Y: F.sigmoid_focal_loss(Z, Y, reduction="sum", **kw),
        lambda Z, Y: F.sigmoid_focal_loss_grad(Z, Y, reduction="sum", **kw),
    )


def _loss_asl(**kw):
    F = _functional()
    return (
        lambda Z, Y: F.asymmetric_loss(Z, Y, reduction="sum", **kw),
        lambda Z, Y: F.asymmetric_loss_grad(Z, Y, reduction="sum", **kw),
    )


def _loss_zlpr(**kw):
    F = _functional()
    return (
        lambda Z, Y: F.multilabel_categorical_cross_entropy(Z, Y, reduction="sum", **kw),
        lambda Z, Y: F.multilabel_categorical_cross_entropy_grad(Z, Y, reduction="sum", **kw),
    )


#: Loss name -> factory ``(**kwargs) -> (loss_sum(Z, Y), grad_sum(Z, Y))`` using
#: :mod:`lossviz.functional` with ``reduction="sum"``. ``"bce"`` takes ``pos_weight``;
#: ``"focal"`` takes ``alpha`` and ``gamma`` (torchvision); ``"asl"`` takes ``gamma_pos``,
#: ``gamma_neg`` and ``clip``; ``"zlpr"`` is Su's multi-label categorical cross-entropy.
LOSSES: dict[str, Callable] = {
    "bce": _loss_bce,
    "focal": _loss_focal,
    "asl": _loss_asl,
    "zlpr": _loss_zlpr,
}


@dataclass(frozen=True)
class LinearFit:
    """A fitted linear multi-label model ``Z = X @ W + b`` and how the fit went."""

    W: np.ndarray
    b: np.ndarray
    objective: float
    grad_norm: float
    iterations: int

    def logits(self, X) -> np.ndarray:
        X = as_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.W.shape[0]:
            raise ValueError(f"X must have shape (N, {self.W.shape[0]}), got {X.shape}")
        return X @ self.W + self.b


def _lbfgs(fun, x0, *, max_iter, gtol, memory=10):
    """Minimise ``fun(x) -> (value, grad)`` by L-BFGS with a backtracking (Armijo) line search.

    Deterministic and dependency-free (numpy only). Stops when ``max|grad| <= gtol``.
    """
    x = x0.copy()
    f, g = fun(x)
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    it = 0
    for it in range(1, max_iter + 1):
        if np.max(np.abs(g)) <= gtol:
            it -= 1
            break
        # Two-loop recursion: d = -H g.
        q = g.copy()
        alphas = []
        for s, y in zip(reversed(s_hist), reversed(y_hist), strict=True):
            a = (s @ q) / (y @ s)
            alphas.append(a)
            q -= a * y
        if s_hist:
            q *= (s_hist[-1] @ y_hist[-1]) / (y_hist[-1] @ y_hist[-1])
        for (s, y), a in zip(zip(s_hist, y_hist, strict=True), reversed(alphas), strict=True):
            q += (a - (y @ q) / (y @ s)) * s
        d = -q
        slope = g @ d
        if slope >= 0:  # not a descent direction: restart from steepest descent
            s_hist.clear()
            y_hist.clear()
            d, slope = -g, -(g @ g)
        step = 1.0 if s_hist else min(1.0, 1.0 / max(np.max(np.abs(g)), 1e-12))
        while True:
            x_new = x + step * d
            f_new, g_new = fun(x_new)
            if np.isfinite(f_new) and f_new <= f + 1e-4 * step * slope:
                break
            step *= 0.5
            if step < 1e-20:
                return x, f, g, it
        s, y = x_new - x, g_new - g
        if s @ y > 1e-12 * math.sqrt((s @ s) * (y @ y)):  # keep the curvature pairs positive
            s_hist.append(s)
            y_hist.append(y)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        x, f, g = x_new, f_new, g_new
    return x, f, g, it


def fit_linear(
    X,
    Y,
    loss: str = "bce",
    *,
    l2: float = 1e-3,
    max_iter: int = 500,
    gtol: float = 1e-7,
    **loss_kwargs,
) -> LinearFit:
    """Fit ``Z = X @ W + b`` to 0/1 labels ``Y`` by minimising a multi-label loss.

    Objective: ``J(W, b) = loss(Z, Y, reduction="sum") / N + (l2 / 2) * ||W||_F^2`` (loss summed
    over labels, averaged over samples; intercepts ``b`` not penalised), minimised from
    ``W = 0, b = 0`` by full-batch L-BFGS (numpy, deterministic) until ``max |grad J| <= gtol``.
    ``loss`` is a key of :data:`LOSSES`; ``loss_kwargs`` go to the loss (e.g. ``pos_weight``).
    The gradient is ``dJ/dW = X^T G / N + l2 W`` and ``dJ/db = sum_n G_n / N`` with
    ``G = d loss / d Z`` from the loss's ``_grad`` partner in :mod:`lossviz.functional`.
    """
    X = as_array(X, "X")
    Y = as_array(Y, "Y")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (N, d), got shape {X.shape}")
    if Y.ndim != 2 or Y.shape[0] != X.shape[0]:
        raise ValueError(
            f"Y must be a 2-D array with {X.shape[0]} rows (one per sample), got {Y.shape}"
        )
    check_binary(Y, "Y")
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
    l2 = nonneg(l2, "l2")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    gtol = nonneg(gtol, "gtol")
    loss_sum, grad_sum = LOSSES[loss](**loss_kwargs)
    n, d = X.shape
    c = Y.shape[1]

    def objective(theta):
        W = theta[: d * c].reshape(d, c)
        b = theta[d * c :]
        Z = X @ W + b
        G = np.asarray(grad_sum(Z, Y)) / n
        value = float(loss_sum(Z, Y)) / n + 0.5 * l2 * float(np.sum(W * W))
        grad = np.concatenate([(X.T @ G + l2 * W).ravel(), G.sum(axis=0)])
        return value, grad

    theta, value, grad, iterations = _lbfgs(
        objective, np.zeros(d * c + c), max_iter=max_iter, gtol=gtol
    )
    return LinearFit(
        W=theta[: d * c].reshape(d, c),
        b=theta[d * c :].copy(),
        objective=value,
        grad_norm=float(np.max(np.abs(grad))),
        iterations=iterations,
    )


# --------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------


def _labels_and_scores(Y, Z, *, allow_1d: bool = False):
    Y = as_array(Y, "Y")
    Z = as_array(Z, "scores")
    check_same_shape(Y, Z, "Y", "scores")
    if Y.ndim != 2 and not (allow_1d and Y.ndim == 1):
        raise ValueError(f"Y must be a 2-D (N, C) array, got shape {Y.shape}")
    check_binary(Y, "Y")
    return Y, Z


def _logit_thresholds(thresholds, n_labels: int) -> np.ndarray:
    t = as_array(thresholds, "thresholds")
    if t.ndim == 0:
        t = np.full(n_labels, float(t))
    if t.shape != (n_labels,):
        raise ValueError(f"thresholds must be a scalar or have shape ({n_labels},), got {t.shape}")
    if np.any(t <= 0) or np.any(t >= 1):
        raise ValueError("thresholds must be probabilities in the open interval (0, 1)")
    return np.log(t) - np.log1p(-t)


def predict(Z, thresholds=0.5) -> np.ndarray:
    """0/1 predictions ``sigmoid(Z) > t`` computed as ``Z > logit(t)`` (per label ``t`` or one ``t``)."""
    Z = as_array(Z, "Z")
    if Z.ndim != 2:
        raise ValueError(f"Z must be a 2-D (N, C) array of logits, got shape {Z.shape}")
    return (Z > _logit_thresholds(thresholds, Z.shape[1])).astype(np.float64)


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def _check_pair(Y, Y_hat):
    Y = as_array(Y, "Y")
    Y_hat = as_array(Y_hat, "Y_hat")
    check_same_shape(Y, Y_hat, "Y", "Y_hat")
    if Y.ndim != 2:
        raise ValueError(f"Y must be a 2-D (N, C) label-indicator array, got shape {Y.shape}")
    check_binary(Y, "Y")
    check_binary(Y_hat, "Y_hat")
    return Y, Y_hat


def hamming_loss(Y, Y_hat) -> float:
    """Fraction of the ``N * C`` label decisions that are wrong: ``mean(Y != Y_hat)``."""
    Y, Y_hat = _check_pair(Y, Y_hat)
    return float(np.mean(Y != Y_hat))


def subset_accuracy(Y, Y_hat) -> float:
    """Exact-match ratio: the fraction of samples whose whole label set is right."""
    Y, Y_hat = _check_pair(Y, Y_hat)
    return float(np.mean(np.all(Y == Y_hat, axis=1)))


def _f1(tp, fp, fn, zero_division):
    tp, fp, fn = (np.asarray(a, dtype=float) for a in (tp, fp, fn))
    denom = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), zero_division)


def f1_score(Y, Y_hat, average: str | None = "micro", *, zero_division: float = 0.0):
    """F1 = 2 TP / (2 TP + FP + FN) of multi-label predictions.

    ``average="micro"`` pools TP, FP, FN over all labels (dominated by frequent labels);
    ``"macro"`` averages the per-label F1 (every label counts the same); ``None`` returns the
    per-label array. A label with no positives and no predicted positives has F1 =
    ``zero_division`` (scikit-learn's convention, default 0).
    """
    Y, Y_hat = _check_pair(Y, Y_hat)
    zero_division = scalar(zero_division, "zero_division")
    tp = np.sum((Y == 1) & (Y_hat == 1), axis=0)
    fp = np.sum((Y == 0) & (Y_hat == 1), axis=0)
    fn = np.sum((Y == 1) & (Y_hat == 0), axis=0)
    if average == "micro":
        return float(_f1(tp.sum(), fp.sum(), fn.sum(), zero_division))
    if average == "macro":
        return float(np.mean(_f1(tp, fp, fn, zero_division)))
    if average is None:
        return _f1(tp, fp, fn, zero_division)
    raise ValueError(f"average must be 'micro', 'macro' or None, got {average!r}")


def average_precision(y, scores) -> float:
    """Average precision of one label: ``AP = sum_k (R_k - R_{k-1}) P_k``.

    ``P_k``, ``R_k`` are precision and recall when predicting positive every sample whose score
    is ``>= `` the k-th highest distinct score (tied scores enter together), as in
    scikit-learn's ``average_precision_score`` (no interpolation). Needs at least one positive.
    """
    y, s = _labels_and_scores(y, scores, allow_1d=True)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label), got shape {y.shape}")
    n_pos = y.sum()
    if n_pos == 0:
        raise ValueError("y must contain at least one positive (AP is undefined without one)")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    # Keep the last index of each run of tied scores: tied samples cross the threshold together.
    last = np.r_[np.nonzero(np.diff(s_sorted))[0], y.size - 1]
    tp = tp[last]
    precision = tp / (last + 1)
    recall = tp / n_pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def average_precision_per_label(Y, Z) -> np.ndarray:
    """Average precision of every label (columns of ``Y`` and of the scores ``Z``)."""
    Y, Z = _labels_and_scores(Y, Z)
    return np.array([average_precision(Y[:, c], Z[:, c]) for c in range(Y.shape[1])])


def mean_average_precision(Y, Z) -> float:
    """mAP: the unweighted mean over labels of the average precision (threshold-free).

    It depends on the scores only through their order within each label, so logits and
    probabilities give the same value.
    """
    return float(np.mean(average_precision_per_label(Y, Z)))


def precision_recall_f1(y, scores, thresholds):
    """Precision, recall and F1 of one label at each threshold ``t`` (predict ``scores > t``).

    Vectorised over ``thresholds`` (any 1-D array). Precision with no predicted positive is 0.
    Returns three arrays shaped like ``thresholds``.
    """
    y, s = _labels_and_scores(y, scores, allow_1d=True)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label), got shape {y.shape}")
    t = as_array(thresholds, "thresholds")
    if t.ndim != 1:
        raise ValueError(f"thresholds must be 1-D, got shape {t.shape}")
    pos = np.sort(s[y == 1])
    neg = np.sort(s[y == 0])
    tp = pos.size - np.searchsorted(pos, t, side="right")
    fp = neg.size - np.searchsorted(neg, t, side="right")
    fn = pos.size - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        recall = tp / pos.size if pos.size else np.zeros_like(t)
    return precision, recall, _f1(tp, fp, fn, 0.0)


def best_f1_threshold(y, scores) -> tuple[float, float]:
    """The threshold on ``scores`` that maximises F1 for one label, and that F1.

    Every distinct cut of the sorted scores is tried (exact, no grid). The threshold returned is
    the midpoint between the two neighbouring scores (the rule is ``score > t``), so it
    generalises to new data better than an observed score; ties go to the higher threshold.
    """
    y, s = _labels_and_scores(y, scores, allow_1d=True)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (one label), got shape {y.shape}")
    u = np.unique(s)
    # Candidates: below all scores (predict everything), between neighbours, above all (nothing).
    cands = np.r_[u[0] - 1.0, (u[:-1] + u[1:]) / 2, u[-1] + 1.0]
    _, _, f1 = precision_recall_f1(y, s, cands)
    k = int(np.flatnonzero(f1 == f1.max())[-1])
    return float(cands[k]), float(f1[k])


def tune_thresholds(Y, Z) -> np.ndarray:
    """Per-label probability thresholds that maximise each label's F1 on ``(Y, Z)``.

    ``Z`` are logits; the best logit cut of each label is returned as a probability
    ``sigmoid(cut)``, ready for :func:`predict`. Tune on validation data, never on the test set.
    """
    Y, Z = _labels_and_scores(Y, Z)
    cuts = np.array([best_f1_threshold(Y[:, c], Z[:, c])[0] for c in range(Y.shape[1])])
    t = 1.0 / (1.0 + np.exp(-cuts))
    return np.clip(t, 1e-12, 1 - 1e-12)  # keep logit(t) finite for predict()


def evaluate(Y, Z, thresholds=0.5) -> dict[str, float]:
    """All the chapter's metrics for logits ``Z``: mAP (threshold-free), then, for the
    predictions ``sigmoid(Z) > thresholds``: micro-F1, macro-F1, Hamming loss, subset accuracy.
    """
    Y, Z = _labels_and_scores(Y, Z)
    Y_hat = predict(Z, thresholds)
    return {
        "mAP": mean_average_precision(Y, Z),
        "micro-F1": f1_score(Y, Y_hat, "micro"),
        "macro-F1": f1_score(Y, Y_hat, "macro"),
        "Hamming loss": hamming_loss(Y, Y_hat),
        "subset acc.": subset_accuracy(Y, Y_hat),
    }


def metric_table(rows: dict[str, dict[str, float]], *, digits: int = 3, caption: str = "") -> str:
    """A Markdown table: one row per model (``rows[name] = evaluate(...)``), one column per metric.

    The best value of each column is in bold (lowest for Hamming loss, highest otherwise); a NaN
    (a metric that does not apply to a row) is shown as "—" and never counts as best.
    """
    if not rows:
        raise ValueError("rows must not be empty")
    metrics = list(next(iter(rows.values())))
    lower_is_better = {"Hamming loss"}
    best = {}
    for m in metrics:
        values = [round(r[m], digits) for r in rows.values() if not math.isnan(r[m])]
        best[m] = (min(values) if m in lower_is_better else max(values)) if values else None
    lines = []
    if caption:
        lines += [caption, ""]
    lines.append(
        "| loss | "
        + " | ".join(m + (" ↓" if m in lower_is_better else " ↑") for m in metrics)
        + " |"
    )
    lines.append("|---|" + "---:|" * len(metrics))
    for name, r in rows.items():
        cells = []
        for m in metrics:
            if math.isnan(r[m]):
                cells.append("—")
                continue
            text = f"{r[m]:.{digits}f}"
            cells.append(f"**{text}**" if round(r[m], digits) == best[m] else text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
