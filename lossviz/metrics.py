"""Metrics and decision thresholds for multi-label predictions.

Conventions
    * ``Y`` is an ``(N, C)`` array of 0/1 labels (sample ``n`` has label ``c`` when ``Y[n, c] == 1``).
    * Scores are **logits** ``Z`` of shape ``(N, C)``. A label is predicted when
      ``sigmoid(z) > t``, i.e. ``z > log(t / (1 - t))``; the default ``t = 0.5`` is ``z > 0``.
      Comparing logits avoids the ties that a saturated ``sigmoid`` creates in float64.
    * Metrics follow scikit-learn's definitions (``average_precision_score``, ``f1_score``,
      ``hamming_loss``, ``accuracy_score`` on label-indicator arrays); the tests check them there.
    * Thresholds are tuned exactly (every distinct cut of the sorted scores), not on a grid.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_array, check_binary, check_same_shape, scalar
from .functional import sigmoid

__all__ = [
    "average_precision",
    "average_precision_per_label",
    "best_f1_threshold",
    "evaluate",
    "f1_score",
    "hamming_loss",
    "mean_average_precision",
    "metric_table",
    "precision_recall_f1",
    "predict",
    "subset_accuracy",
    "tune_thresholds",
]


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
    t = sigmoid(cuts)
    return np.clip(t, 1e-12, 1 - 1e-12)  # keep logit(t) finite for predict()


def evaluate(Y, Z, thresholds=0.5) -> dict[str, float]:
    """The standard multi-label metrics of logits ``Z``: mAP (threshold-free), then, for the
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
    (a metric that does not apply to a row) is shown as "—" and never counts as best. The caption,
    the header and the row names are drawn in the display language (:func:`lossviz.i18n.tr`).
    """
    from .i18n import tr

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
        lines += [tr(caption, "table"), ""]
    lines.append(
        f"| {tr('loss', 'table')} | "
        + " | ".join(tr(m, "table") + (" ↓" if m in lower_is_better else " ↑") for m in metrics)
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
        lines.append(f"| {tr(name, 'table')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
