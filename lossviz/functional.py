"""Loss functions and their exact gradients, in NumPy, with PyTorch's conventions.

Usage for chapter authors
-------------------------
Every loss mirrors ``torch.nn.functional`` (same name, argument names, defaults, reduction
semantics) and has a gradient partner with the suffix ``_grad`` and the same signature::

    import numpy as np
    import lossviz as lv

    F = lv.functional
    r = np.linspace(-3, 3, 401)
    F.smooth_l1_loss(r, np.zeros_like(r), reduction="none", beta=1.0)       # per-element loss
    F.smooth_l1_loss_grad(r, np.zeros_like(r), reduction="none", beta=1.0)  # d loss / d input
    F.binary_cross_entropy_with_logits([2.0, -1.0], [1.0, 0.0])            # float (mean)
    F.cross_entropy([[1.3, -0.4]], [0])                                    # class-index target

* Input: anything array-like (lists, int or bool arrays); it is converted to float64. Output: a
  ``numpy.float64`` for ``reduction="mean"``/``"sum"``, an ``ndarray`` for ``"none"``.
* ``X_grad(...)`` returns d(loss)/d(input), shaped like ``input``; for ``reduction="none"`` it is
  the gradient of the *sum* of the unreduced losses (each element's own derivative).
* Everything after ``target`` is keyword-only (PyTorch still accepts the deprecated
  ``size_average``/``reduce`` positionally; passing ``reduction`` by name avoids that trap).
* Losses on logits are computed in logit space (``np.logaddexp``, log-sum-exp): finite and accurate
  for any finite logit, e.g. ``|z| = 1e4``.
* Bad input raises ``ValueError``/``TypeError`` naming the argument; shapes must match exactly.

Conventions worth saying out loud
---------------------------------
* ``mse_loss`` has **no 1/2**: loss ``(x - y)**2``, gradient ``2 (x - y)``.
* ``"mean"`` averages over *all* elements (not the batch), except where noted
  (``cross_entropy``, ``multilabel_soft_margin_loss``, ``multilabel_categorical_cross_entropy``).
* ``smooth_l1_loss(beta=0)`` is ``l1_loss`` exactly; ``huber_loss(delta=d) == d * smooth_l1_loss(beta=d)``.
* The gradient of ``|r|`` at ``r = 0`` is 0 (PyTorch's choice of subgradient).
* ``sigmoid_focal_loss`` follows ``torchvision.ops.sigmoid_focal_loss`` (default ``reduction="none"``).
"""

from __future__ import annotations

import numpy as np

from . import _validation as V

__all__ = [
    "l1_loss",
    "l1_loss_grad",
    "mse_loss",
    "mse_loss_grad",
    "smooth_l1_loss",
    "smooth_l1_loss_grad",
    "huber_loss",
    "huber_loss_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "multilabel_soft_margin_loss",
    "multilabel_soft_margin_loss_grad",
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "asymmetric_loss",
    "asymmetric_loss_grad",
    "multilabel_categorical_cross_entropy",
    "multilabel_categorical_cross_entropy_grad",
    "sigmoid",
    "softplus",
    "log_softmax",
]


# ----------------------------------------------------------------------------------------------
# stable elementwise helpers
# ----------------------------------------------------------------------------------------------
def sigmoid(z):
    """Logistic function σ(z) = 1 / (1 + e^{-z}), evaluated without overflow for any finite z."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(z):
    """softplus(z) = log(1 + e^z) = -log σ(-z), via ``np.logaddexp(0, z)`` (no overflow)."""
    return np.logaddexp(0.0, np.asarray(z, dtype=np.float64))


def log_softmax(z, axis: int = -1):
    """log softmax(z) = z - logsumexp(z) along ``axis`` (max-shifted, no overflow)."""
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    return z - (m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True)))


def _pair(input, target, input_name: str = "input", target_name: str = "target"):
    x = V.as_array(input, input_name)
    y = V.as_array(target, target_name)
    V.check_same_shape(x, y, input_name, target_name)
    return x, y


# ----------------------------------------------------------------------------------------------
# regression losses
# ----------------------------------------------------------------------------------------------
def l1_loss(input, target, *, reduction: str = "mean"):
    """L1 loss (``torch.nn.functional.l1_loss``): ℓ = |x - y|.

    Gradient: sign(x - y), with 0 at x = y (PyTorch's subgradient). ``"mean"`` divides by the
    number of elements.
    """
    V.check_reduction(reduction)
    x, y = _pair(input, target)
    return V.reduce(np.abs(x - y), reduction)


def l1_loss_grad(input, target, *, reduction: str = "mean"):
    """d l1_loss / d input = sign(x - y) (0 where x = y), divided by n for ``"mean"``."""
    V.check_reduction(reduction)
    x, y = _pair(input, target)
    return V.reduce_grad(np.sign(x - y), reduction, x.size)


def mse_loss(input, target, *, reduction: str = "mean"):
    """Squared error (``torch.nn.functional.mse_loss``): ℓ = (x - y)², **no 1/2** (PyTorch).

    Gradient: 2 (x - y). ``"mean"`` divides by the number of elements.
    """
    V.check_reduction(reduction)
    x, y = _pair(input, target)
    return V.reduce((x - y) ** 2, reduction)


def mse_loss_grad(input, target, *, reduction: str = "mean"):
    """d mse_loss / d input = 2 (x - y), divided by n for ``"mean"``."""
    V.check_reduction(reduction)
    x, y = _pair(input, target)
    return V.reduce_grad(2.0 * (x - y), reduction, x.size)


def smooth_l1_loss(input, target, *, reduction: str = "mean", beta: float = 1.0):
    """Smooth L1 loss (``torch.nn.functional.smooth_l1_loss``), r = x - y::

        ℓ = 0.5 r² / β      if |r| < β
            |r| - 0.5 β     otherwise

    Gradient: r / β inside, sign(r) outside; C¹ at |r| = β (value β/2, slope ±1) but not C²
    (curvature 1/β inside, 0 outside). ``beta = 0`` is L1 exactly (PyTorch dispatches to
    ``l1_loss``). Relation: ``huber_loss(delta=d) == d * smooth_l1_loss(beta=d)``; the linear part has
    slope 1 for any β (Huber's has slope δ).
    """
    V.check_reduction(reduction)
    beta = V.nonneg(beta, "beta")
    x, y = _pair(input, target)
    a = np.abs(x - y)
    if beta == 0.0:
        return V.reduce(a, reduction)
    return V.reduce(np.where(a < beta, 0.5 * a * a / beta, a - 0.5 * beta), reduction)


def smooth_l1_loss_grad(input, target, *, reduction: str = "mean", beta: float = 1.0):
    """d smooth_l1_loss / d input = r/β for |r| < β, sign(r) otherwise (sign(0) = 0)."""
    V.check_reduction(reduction)
    beta = V.nonneg(beta, "beta")
    x, y = _pair(input, target)
    r = x - y
    g = np.sign(r) if beta == 0.0 else np.where(np.abs(r) < beta, r / beta, np.sign(r))
    return V.reduce_grad(g, reduction, x.size)


def huber_loss(input, target, *, reduction: str = "mean", delta: float = 1.0):
    """Huber loss (``torch.nn.functional.huber_loss``), r = x - y::

        ℓ = 0.5 r²                if |r| < δ
            δ (|r| - 0.5 δ)       otherwise

    Gradient: r inside, δ·sign(r) outside. ``delta`` must be > 0. Equals
    ``delta * smooth_l1_loss(beta=delta)``; as δ → ∞ it tends to MSE/2, as δ → 0 to 0.
    """
    V.check_reduction(reduction)
    delta = V.positive(delta, "delta")
    x, y = _pair(input, target)
    a = np.abs(x - y)
    return V.reduce(np.where(a < delta, 0.5 * a * a, delta * (a - 0.5 * delta)), reduction)


def huber_loss_grad(input, target, *, reduction: str = "mean", delta: float = 1.0):
    """d huber_loss / d input = r for |r| ≤ δ, δ·sign(r) otherwise."""
    V.check_reduction(reduction)
    delta = V.positive(delta, "delta")
    x, y = _pair(input, target)
    r = x - y
    return V.reduce_grad(np.clip(r, -delta, delta), reduction, x.size)


# ----------------------------------------------------------------------------------------------
# binary losses
# ----------------------------------------------------------------------------------------------
def _binary_weight(weight, shape):
    if weight is None:
        return None
    return V.broadcast_weight(weight, "weight", shape)


# PyTorch's BCE backward clamps p(1 - p) at EPSILON = 1e-12, a C++ float: float32(1e-12)
_BCE_GRAD_EPS = float(np.float32(1e-12))


def _bce_args(input, target, weight):
    x, y = _pair(input, target)
    V.check_in_unit_interval(x, "input", "probabilities")
    V.check_in_unit_interval(y, "target", "targets")
    return x, y, _binary_weight(weight, x.shape)


def binary_cross_entropy(input, target, *, weight=None, reduction: str = "mean"):
    """Binary cross-entropy on **probabilities** (``torch.nn.functional.binary_cross_entropy``)::

        ℓ = -w [ y·max(log p, -100) + (1 - y)·max(log(1 - p), -100) ]

    The log is clamped at -100 as in PyTorch, so one element costs at most 100 (``p = 1, y = 0``).
    ``log(1 - p)`` is evaluated as ``log1p(-p)``. ``weight`` broadcasts to the input's shape;
    ``"mean"`` is mean(w·ℓ) over all elements (not divided by Σw). Soft targets in [0, 1] allowed.
    Prefer :func:`binary_cross_entropy_with_logits` when you have logits.

    Gradient (PyTorch's formula, also at p ∈ {0, 1}): w (p - y) / max(p (1 - p), ε) with
    ε = float32(1e-12) ≈ 9.99999996e-13 (PyTorch's C++ constant), e.g. 1.0000000039958e12 at
    p = 1, y = 0. It is the exact derivative wherever p (1 - p) ≥ ε.
    """
    V.check_reduction(reduction)
    p, y, w = _bce_args(input, target, weight)
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped just below
        log_p = np.maximum(np.log(p), -100.0)
        log_1mp = np.maximum(np.log1p(-p), -100.0)
    loss = -(y * log_p + (1.0 - y) * log_1mp)
    if w is not None:
        loss = loss * w
    return V.reduce(loss, reduction)


def binary_cross_entropy_grad(input, target, *, weight=None, reduction: str = "mean"):
    """d binary_cross_entropy / d p = w (p - y) / max(p (1 - p), ε), ε = float32(1e-12) (PyTorch)."""
    V.check_reduction(reduction)
    p, y, w = _bce_args(input, target, weight)
    g = (p - y) / np.maximum(p * (1.0 - p), _BCE_GRAD_EPS)
    if w is not None:
        g = g * w
    return V.reduce_grad(g, reduction, p.size)


def _bcel_args(input, target, weight, pos_weight):
    x, y = _pair(input, target)
    V.check_in_unit_interval(y, "target", "targets")
    w = _binary_weight(weight, x.shape)
    pw = None if pos_weight is None else V.broadcast_weight(pos_weight, "pos_weight", x.shape)
    return x, y, w, pw


def binary_cross_entropy_with_logits(
    input, target, *, weight=None, reduction: str = "mean", pos_weight=None
):
    """Binary cross-entropy on **logits** z (``torch.nn.functional.binary_cross_entropy_with_logits``)::

        ℓ = -w [ c·y·log σ(z) + (1 - y)·log(1 - σ(z)) ]
          =  w [ c·y·softplus(-z) + (1 - y)·softplus(z) ]        (c = pos_weight, default 1)

    Computed as the second line with ``np.logaddexp`` (exact for any finite z; PyTorch's
    ``(1-y) z + ((c-1) y + 1) softplus(-z)`` is the same function). ``pos_weight`` broadcasts along
    the last (class) dimension (any shape broadcastable to the input); ``weight`` broadcasts to
    the input. ``"mean"`` is mean(w·ℓ) over all elements. Soft targets in [0, 1] allowed.

    Gradient: w [ (c·y + 1 - y)·σ(z) - c·y ] = w [ (1 - y) σ(z) - c·y·σ(-z) ] (the second form is
    evaluated: relative accuracy also where σ(z) ≈ 1); without pos_weight, w (σ(z) - y).
    """
    V.check_reduction(reduction)
    x, y, w, pw = _bcel_args(input, target, weight, pos_weight)
    c = 1.0 if pw is None else pw
    loss = c * y * softplus(-x) + (1.0 - y) * softplus(x)
    if w is not None:
        loss = loss * w
    return V.reduce(loss, reduction)


def binary_cross_entropy_with_logits_grad(
    input, target, *, weight=None, reduction: str = "mean", pos_weight=None
):
    """d/dz binary_cross_entropy_with_logits = w [ (c·y + 1 - y) σ(z) - c·y ] (c = pos_weight)."""
    V.check_reduction(reduction)
    x, y, w, pw = _bcel_args(input, target, weight, pos_weight)
    c = 1.0 if pw is None else pw
    # (c y + 1 - y) σ(z) - c y written as (1 - y) σ(z) - c y σ(-z): no cancellation when σ(z) ≈ 1
    g = (1.0 - y) * sigmoid(x) - c * y * sigmoid(-x)
    if w is not None:
        g = g * w
    return V.reduce_grad(g, reduction, x.size)


# ----------------------------------------------------------------------------------------------
# softmax cross-entropy
# ----------------------------------------------------------------------------------------------
def _ce_prepare(input, target, weight, label_smoothing, ignore_index):
    """Validate; return logits (N, C), effective weighted targets (N, C), the mean's denominator,
    a flag for a 1-D input and the output shape of ``"none"``."""
    x = V.as_array(input, "input")
    if x.ndim not in (1, 2):
        raise ValueError(f"input must have shape (N, C) or (C,), got {x.shape}")
    eps = V.in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(f"ignore_index must be an int, got {type(ignore_index).__name__}")
    unbatched = x.ndim == 1
    x2 = x[None, :] if unbatched else x
    n, c = x2.shape
    w = (
        np.ones(c)
        if weight is None
        else V.broadcast_weight(weight, "weight", (c,), last_dim_only=True)
    )
    t = V.as_array(target, "target")
    if t.shape == x.shape:  # class probabilities
        V.check_in_unit_interval(t, "target", "class probabilities")
        t2 = t[None, :] if unbatched else t
        sums = t2.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > 1e-6):
            raise ValueError(
                "target with shape (N, C) holds class probabilities and each row must sum to 1 "
                f"(tolerance 1e-6), got a row summing to {sums[np.argmax(np.abs(sums - 1))]!r}"
            )
        q = (1.0 - eps) * t2 + eps / c
        denom = float(n)
        keep = np.ones(n, dtype=bool)
    elif t.shape == x.shape[:-1]:  # class indices
        t1 = np.atleast_1d(t)
        if np.any(t1 != np.round(t1)):
            raise ValueError(
                f"target class indices must be integers, got {t1[t1 != np.round(t1)][0]!r}"
            )
        idx = t1.astype(np.int64)
        keep = idx != ignore_index
        if np.any((idx[keep] < 0) | (idx[keep] >= c)):
            bad = idx[keep][(idx[keep] < 0) | (idx[keep] >= c)][0]
            raise ValueError(f"target class indices must be in [0, {c - 1}], got {bad}")
        q = np.zeros((n, c))
        q[np.flatnonzero(keep), idx[keep]] = 1.0
        q[keep] = (1.0 - eps) * q[keep] + eps / c
        denom = float(np.sum(w[idx[keep]]))
    else:
        expected = "()" if unbatched else f"({n},)"
        raise ValueError(
            f"target must have shape {expected} (class indices) or {x.shape} (class probabilities), "
            f"got {t.shape}"
        )
    return x2, q * w, denom, keep, unbatched


def _ce_denominator(denom, reduction):
    if reduction == "mean" and denom <= 0:
        raise ValueError(
            "cross_entropy with reduction='mean' needs a positive denominator: every target is "
            "ignored or has weight 0 (PyTorch would return nan)"
        )
    return denom


def cross_entropy(
    input,
    target,
    *,
    weight=None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """Softmax cross-entropy on logits (``torch.nn.functional.cross_entropy``).

    ``input``: logits of shape (N, C) (or (C,) for one sample). ``target``: class indices of shape
    (N,) (integers, or integer-valued floats) or class probabilities of shape (N, C) (rows sum to 1).
    With ε = ``label_smoothing`` the target becomes q = (1 - ε)·target + ε/C, and with class weights
    w (shape (C,))::

        ℓ_n = -Σ_c w_c q_{n,c} log softmax(z_n)_c

    ``"mean"``: for index targets Σ_n ℓ_n / Σ_n w_{y_n} (a weighted mean; entries equal to
    ``ignore_index`` are left out of both sums); for probability targets Σ_n ℓ_n / N.
    log-softmax is computed by log-sum-exp (finite for any finite logits).

    Gradient: d ℓ_n / d z_n = (Σ_c w_c q_{n,c})·softmax(z_n) - w ⊙ q_n; without weights and
    smoothing, softmax(z_n) - onehot(y_n).
    """
    V.check_reduction(reduction)
    x, wq, denom, keep, unbatched = _ce_prepare(
        input, target, weight, label_smoothing, ignore_index
    )
    loss = -np.sum(wq * log_softmax(x, axis=1), axis=1)
    if reduction == "none":
        return loss[0] if unbatched else loss
    if reduction == "sum":
        return np.float64(loss.sum())
    return np.float64(loss.sum() / _ce_denominator(denom, reduction))


def cross_entropy_grad(
    input,
    target,
    *,
    weight=None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """d cross_entropy / d logits = (Σ_c w_c q_c)·softmax(z) - w ⊙ q per row (see
    :func:`cross_entropy`), divided by the same denominator as the loss for ``"mean"``."""
    V.check_reduction(reduction)
    x, wq, denom, keep, unbatched = _ce_prepare(
        input, target, weight, label_smoothing, ignore_index
    )
    s = np.exp(log_softmax(x, axis=1))
    # g = W s - wq (W = Σ_c wq_c) evaluated as s (W - wq) - wq (1 - s), with 1 - s of the largest
    # probability summed from the others: softmax - onehot keeps its relative accuracy when one
    # class dominates (1 - s would round to 0 there).
    one_minus_s = 1.0 - s
    top = np.argmax(s, axis=1)
    rows = np.arange(s.shape[0])
    others = s.copy()
    others[rows, top] = 0.0
    one_minus_s[rows, top] = others.sum(axis=1)
    g = s * (wq.sum(axis=1, keepdims=True) - wq) - wq * one_minus_s
    if reduction == "mean":
        g = g / _ce_denominator(denom, reduction)
    return g[0] if unbatched else g


# ----------------------------------------------------------------------------------------------
# multi-label losses
# ----------------------------------------------------------------------------------------------
def _multilabel_args(input, target, *, binary_target: bool):
    x, y = _pair(input, target)
    if x.ndim not in (1, 2):
        raise ValueError(f"input must have shape (N, C) or (C,), got {x.shape}")
    if binary_target:
        V.check_binary(y, "target")
    else:
        V.check_in_unit_interval(y, "target", "targets")
    return x, y


def _per_sample(loss_2d_or_1d, x, reduction):
    """Reduce per-sample losses (shape (N,) or ()) with PyTorch's semantics."""
    if reduction == "none":
        return loss_2d_or_1d
    if reduction == "sum":
        return np.float64(np.sum(loss_2d_or_1d))
    return np.float64(np.mean(loss_2d_or_1d))


def _n_samples(x):
    return 1 if x.ndim == 1 else x.shape[0]


def multilabel_soft_margin_loss(input, target, *, weight=None, reduction: str = "mean"):
    """Multi-label one-vs-all loss (``torch.nn.functional.multilabel_soft_margin_loss``).

    Per sample (logits z, targets y of shape (N, C) or (C,); ``"none"`` returns shape (N,))::

        ℓ_n = (1/C) Σ_c w_c [ y_c softplus(-z_c) + (1 - y_c) softplus(z_c) ]

    i.e. the per-class BCE-with-logits averaged over classes: with ``weight`` (shape (C,)) the sum
    is divided by **C, not Σw** (PyTorch). ``"mean"`` averages over samples; without weights this
    equals ``binary_cross_entropy_with_logits(z, y)`` (mean over N·C). No ``pos_weight``.

    Gradient: w_c (σ(z_c) - y_c) / C (divided by N for ``"mean"``).
    """
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=False)
    c = x.shape[-1]
    elem = y * softplus(-x) + (1.0 - y) * softplus(x)
    if weight is not None:
        elem = elem * V.broadcast_weight(weight, "weight", x.shape, last_dim_only=True)
    return _per_sample(elem.sum(axis=-1) / c, x, reduction)


def multilabel_soft_margin_loss_grad(input, target, *, weight=None, reduction: str = "mean"):
    """d multilabel_soft_margin_loss / d z = w_c (σ(z_c) - y_c) / C (÷ N for ``"mean"``)."""
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=False)
    g = ((1.0 - y) * sigmoid(x) - y * sigmoid(-x)) / x.shape[-1]  # σ(z) - y, no cancellation
    if weight is not None:
        g = g * V.broadcast_weight(weight, "weight", x.shape, last_dim_only=True)
    return V.reduce_grad(g, reduction, _n_samples(x))


def _focal_args(inputs, targets, alpha, gamma):
    x, y = _pair(inputs, targets, "inputs", "targets")
    V.check_in_unit_interval(y, "targets", "targets")
    alpha = V.scalar(alpha, "alpha")
    if alpha > 1:
        raise ValueError(
            f"alpha must be <= 1 (a negative alpha disables the weighting), got {alpha!r}"
        )
    gamma = V.nonneg(gamma, "gamma")
    return x, y, alpha, gamma


def _focal_parts(x, y, alpha):
    """Return ce, m = 1 - p_t (computed without cancellation), σ(z), σ(-z) and alpha_t."""
    sp, sn = sigmoid(x), sigmoid(-x)
    ce = y * softplus(-x) + (1.0 - y) * softplus(x)
    m = y * sn + (1.0 - y) * sp  # = 1 - p_t with p_t = p y + (1 - p)(1 - y)
    a_t = alpha * y + (1.0 - alpha) * (1.0 - y) if alpha >= 0 else np.ones_like(x)
    return ce, m, sp, sn, a_t


def sigmoid_focal_loss(
    inputs, targets, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
):
    """Sigmoid focal loss (Lin et al. 2017) in ``torchvision.ops.sigmoid_focal_loss``'s convention.

    With p = σ(z), p_t = p y + (1 - p)(1 - y), α_t = α y + (1 - α)(1 - y)::

        ℓ = α_t (1 - p_t)^γ · BCEWithLogits(z, y)

    ``alpha < 0`` disables the α_t factor (torchvision). Default ``reduction="none"``; ``"mean"``
    averages over all elements. 1 - p_t is evaluated as y σ(-z) + (1 - y) σ(z) (no cancellation).
    Argument names ``inputs``/``targets`` are torchvision's.

    Gradient, with m = 1 - p_t and ce the BCE term::

        dℓ/dz = α_t [ (σ(z) - y) m^γ + γ ce m^{γ-1} (1 - 2y) σ(z) σ(-z) ]
    """
    V.check_reduction(reduction)
    x, y, alpha, gamma = _focal_args(inputs, targets, alpha, gamma)
    ce, m, _, _, a_t = _focal_parts(x, y, alpha)
    return V.reduce(a_t * ce * m**gamma, reduction)


def sigmoid_focal_loss_grad(
    inputs, targets, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
):
    """d sigmoid_focal_loss / d inputs (see :func:`sigmoid_focal_loss` for the formula)."""
    V.check_reduction(reduction)
    x, y, alpha, gamma = _focal_args(inputs, targets, alpha, gamma)
    ce, m, sp, sn, a_t = _focal_parts(x, y, alpha)
    mg = m**gamma
    # γ m^{γ-1} σσ' written as γ m^γ (σ(z)σ(-z)/m): finite for γ < 1; where m underflows to 0 the
    # term is 0 (its limit), since m^γ → 0 (γ > 0) or γ = 0.
    safe_m = np.where(m > 0, m, 1.0)
    focus = np.where(m > 0, gamma * mg * (sp * sn / safe_m), 0.0)
    g = a_t * (((1.0 - y) * sp - y * sn) * mg + ce * focus * (1.0 - 2.0 * y))
    return V.reduce_grad(g, reduction, x.size)


def _asl_args(input, target, gamma_pos, gamma_neg, clip):
    x, y = _pair(input, target)
    V.check_binary(y, "target")  # ASL is defined for 0/1 labels (soft labels mix γ+ and γ-)
    gp = V.nonneg(gamma_pos, "gamma_pos")
    gn = V.nonneg(gamma_neg, "gamma_neg")
    clip = V.in_range(clip, "clip", 0.0, 1.0, hi_open=True)
    return x, y, gp, gn, clip


def _asl_parts(x, clip):
    """p, 1-p, p_m = max(p - clip, 0), and -log(1 - p_m), all without cancellation."""
    p, q = sigmoid(x), sigmoid(-x)
    if clip == 0.0:
        pm = p
        nl = softplus(x)  # -log(1 - p) = -log σ(-z)
    else:
        pm = np.maximum(p - clip, 0.0)
        nl = -np.log1p(-pm)  # 1 - p_m >= clip > 0
    return p, q, pm, nl


def asymmetric_loss(
    input,
    target,
    *,
    gamma_pos: float = 0.0,
    gamma_neg: float = 4.0,
    clip: float = 0.05,
    reduction: str = "mean",
):
    """Asymmetric loss (ASL, Ridnik et al., ICCV 2021) on logits, per element::

        ℓ = -[ y (1 - p)^{γ+} log p + (1 - y) p_m^{γ-} log(1 - p_m) ],   p = σ(z), p_m = max(p - m, 0)

    with m = ``clip`` (probability shifting: negatives with p ≤ m cost exactly 0) and 0/1 targets
    (the official code's focusing weight mixes γ+ and γ- for soft labels). Defaults are
    the paper's recommended γ+ = 0, γ- = 4, m = 0.05. Default ``reduction="mean"`` over *all*
    elements. Differences from the official repository's ``AsymmetricLoss`` class
    (github.com/Alibaba-MIIL/ASL, ``src/loss_functions/losses.py``): it returns a **sum** (use
    ``reduction="sum"``), defaults to ``gamma_pos=1``, and clamps the probabilities at ``eps=1e-8``
    before the log (so its loss saturates for z < -18.4); here log p = -softplus(-z) is exact, and
    the gradient is the true derivative, focusing weight included (the repo's option
    ``disable_torch_grad_focal_loss`` detaches that weight and is not reproduced).

    Gradient (p = σ(z))::

        dℓ/dz = -y (1 - p)^{γ+} [ (1 - p) + γ+ p softplus(-z) ]
                + (1 - y) p (1 - p) [ p_m^{γ-} / (1 - p_m) + γ- p_m^{γ- - 1} (-log(1 - p_m)) ]   (p > m)
    """
    V.check_reduction(reduction)
    x, y, gp, gn, clip = _asl_args(input, target, gamma_pos, gamma_neg, clip)
    p, q, pm, nl = _asl_parts(x, clip)
    loss = y * q**gp * softplus(-x) + (1.0 - y) * pm**gn * nl
    return V.reduce(loss, reduction)


def asymmetric_loss_grad(
    input,
    target,
    *,
    gamma_pos: float = 0.0,
    gamma_neg: float = 4.0,
    clip: float = 0.05,
    reduction: str = "mean",
):
    """d asymmetric_loss / d input (the true derivative; see :func:`asymmetric_loss`)."""
    V.check_reduction(reduction)
    x, y, gp, gn, clip = _asl_args(input, target, gamma_pos, gamma_neg, clip)
    p, q, pm, nl = _asl_parts(x, clip)
    g_pos = -(q**gp) * (q + gp * p * softplus(-x))
    active = pm > 0
    safe_pm = np.where(active, pm, 1.0)
    # (1 - p) / (1 - p_m) = σ(-z) / (σ(-z) + clip) on the active set, evaluated without 1 - p_m
    ratio = q / (q + clip) if clip > 0 else np.ones_like(q)
    # γ p_m^{γ-1}(-log(1-p_m)) written as γ p_m^γ · (-log(1-p_m)/p_m): finite for γ < 1
    g_neg = np.where(active, p * pm**gn * (ratio + gn * q * (nl / safe_pm)), 0.0)
    g = y * g_pos + (1.0 - y) * g_neg
    return V.reduce_grad(g, reduction, x.size)


def multilabel_categorical_cross_entropy(input, target, *, reduction: str = "mean"):
    """Su Jianlin's multi-label categorical cross-entropy (ZLPR loss; kexue.fm/archives/7359, 2020;
    Su et al., arXiv:2208.02955) on raw scores s (no sigmoid/softmax), per sample::

        ℓ_n = log(1 + Σ_{i ∈ neg} e^{s_i}) + log(1 + Σ_{j ∈ pos} e^{-s_j})

    (threshold 0: predict class c when s_c > 0). Each term is a log-sum-exp with an appended 0,
    evaluated max-shifted. ``target`` must hold exactly 0/1, shape (N, C) or (C,); ``"none"``
    returns shape (N,), ``"mean"`` averages over samples.

    Gradient: for a negative class e^{s_i} / (1 + Σ_neg e^{s}), for a positive class
    -e^{-s_j} / (1 + Σ_pos e^{-s}) (softmaxes including the appended 0).
    """
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=True)
    neg, pos = _zlpr_terms(x, y)
    return _per_sample(neg[0] + pos[0], x, reduction)


def multilabel_categorical_cross_entropy_grad(input, target, *, reduction: str = "mean"):
    """d multilabel_categorical_cross_entropy / d s (see there), ÷ N for ``"mean"``."""
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=True)
    (_, soft_neg), (_, soft_pos) = _zlpr_terms(x, y)
    return V.reduce_grad(soft_neg - soft_pos, reduction, _n_samples(x))


def _zlpr_terms(x, y):
    """For u = s on negatives and u = -s on positives: (log(1 + Σ e^u), e^u / (1 + Σ e^u)), each
    masked to its own set; computed with the max shift including the appended 0."""
    out = []
    for u, mask in ((x, y == 0), (-x, y == 1)):
        um = np.where(mask, u, -np.inf)
        m = np.maximum(np.max(um, axis=-1, keepdims=True), 0.0)
        e = np.where(mask, np.exp(np.where(mask, u, 0.0) - m), 0.0)
        z = np.exp(-m) + e.sum(axis=-1, keepdims=True)
        lse = (m + np.log(z))[..., 0]
        out.append((lse, e / z))
    return out
