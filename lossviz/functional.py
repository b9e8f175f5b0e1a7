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
from .losses import _stable
from .losses import get as _loss
from .losses.logit import (
    asl_kernel,
    asl_kernel_grad,
    bce_kernel,
    bce_kernel_grad,
    focal_kernel,
    focal_kernel_grad,
)

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
# stable elementwise helpers (checked public versions of lossviz.losses._stable)
# ----------------------------------------------------------------------------------------------
def sigmoid(z):
    """Logistic function σ(z) = 1 / (1 + e^{-z}), evaluated without overflow for any finite z."""
    return _stable.sigmoid(V.as_array(z, "z"))


def softplus(z):
    """softplus(z) = log(1 + e^z) = -log σ(-z) = max(z, 0) + log1p(e^{-|z|}) (no overflow)."""
    return _stable.softplus(V.as_array(z, "z"))


def log_softmax(z, axis: int = -1):
    """log softmax(z) = (z - max z) - log Σ e^{z - max z} along ``axis`` (PyTorch's order: a large
    common offset costs no accuracy; the log-sum is a log1p, exact for confident rows)."""
    z = V.as_array(z, "z")
    axis = V.integer(axis, "axis", min_value=-max(z.ndim, 1), max_value=max(z.ndim - 1, 0))
    return _stable.log_softmax(z, axis=axis)


def _pair(input, target, input_name: str = "input", target_name: str = "target"):
    # no copies: nothing in this module writes into its inputs
    x = V.as_array(input, input_name, copy=False)
    y = V.as_array(target, target_name, copy=False)
    V.check_same_shape(x, y, input_name, target_name)
    return x, y


# ----------------------------------------------------------------------------------------------
# regression losses: per-element kernels from the registry (lossviz.losses), residual r = x - y
# ----------------------------------------------------------------------------------------------
def _residual(input, target):
    """Checked x, y and r = x - y, plus, where that difference overflows, the exact half-residual
    x/2 - y/2 (else None). One finiteness pass: r is finite only if x and y are."""
    x = V.as_array(input, "input", copy=False, finite=False)
    y = V.as_array(target, "target", copy=False, finite=False)
    V.check_same_shape(x, y, "input", "target")
    with np.errstate(over="ignore", invalid="ignore"):
        r = x - y
    if V.all_finite(r):
        return x, y, r, None, None
    for arr, name in ((x, "input"), (y, "target")):
        if not V.all_finite(arr):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    big = ~np.isfinite(r)
    return x, y, r, np.where(big, x * 0.5 - y * 0.5, 0.0), big


def _regression(name, input, target, reduction, params):
    V.check_reduction(reduction)
    L = _loss(name)
    kw = L.check_params(**params)
    x, y, r, half, big = _residual(input, target)
    with np.errstate(over="ignore"):
        loss = L.kernel(r, **kw)
    if half is not None and name in ("smooth_l1", "huber"):
        # beyond the float range the residual is in the linear part: ℓ = k (|r| - t/2) with
        # (k, t) = (1, β) or (δ, δ), evaluated from |r|/2 so that a finite loss stays finite
        k, t = (1.0, kw.get("beta", 0.0)) if name == "smooth_l1" else (kw["delta"],) * 2
        with np.errstate(over="ignore"):
            loss = np.where(big, 2.0 * (k * (np.abs(half) - 0.25 * t)), loss)
    if name == "mse" and reduction != "none":
        return _mse_reduce(x, y, loss, reduction)
    if name == "l1" and half is not None and reduction != "none":
        with np.errstate(over="ignore"):  # Σ|r| = 2 Σ|r/2|: finite whenever the result is
            return np.float64(2.0 * V.reduce(np.abs(half + np.where(big, 0.0, 0.5 * r)), reduction))
    return V.reduce(loss, reduction)


def _mse_reduce(x, y, loss, reduction):
    """Σ r² (or its mean) with a power-of-two rescaling where r² overflows but the result is finite."""
    out = V.reduce(loss, reduction)
    if np.isfinite(out):
        return out
    scale = 2.0 ** np.ceil(np.log2(max(np.max(np.abs(x)), np.max(np.abs(y)))))
    rs = x / scale - y / scale  # exact scaling by a power of two
    inner = V.reduce(rs * rs, reduction)
    with np.errstate(over="ignore"):
        return np.float64(scale * (scale * inner))


def _regression_grad(name, input, target, reduction, params):
    V.check_reduction(reduction)
    L = _loss(name)
    kw = L.check_params(**params)
    x, y, r, half, big = _residual(input, target)
    if name == "mse" and reduction == "mean":
        # (2/n)·r rather than 2r/n: 2r may overflow where the mean's gradient is finite
        c = 2.0 / x.size
        g = c * r
        if half is not None:
            g = np.where(big, c * x - c * y, g)
        return np.asarray(g)
    with np.errstate(over="ignore"):
        g = L.kernel_grad(r, **kw)
    return V.reduce_grad(g, reduction, x.size)


def l1_loss(input, target, *, reduction: str = "mean"):
    """L1 loss (``torch.nn.functional.l1_loss``): ℓ = |x - y|.

    Gradient: sign(x - y), with 0 at x = y (PyTorch's subgradient). ``"mean"`` divides by the
    number of elements.
    """
    return _regression("l1", input, target, reduction, {})


def l1_loss_grad(input, target, *, reduction: str = "mean"):
    """d l1_loss / d input = sign(x - y) (0 where x = y), divided by n for ``"mean"``."""
    return _regression_grad("l1", input, target, reduction, {})


def mse_loss(input, target, *, reduction: str = "mean"):
    """Squared error (``torch.nn.functional.mse_loss``): ℓ = (x - y)², **no 1/2** (PyTorch).

    Gradient: 2 (x - y). ``"mean"`` divides by the number of elements.
    """
    return _regression("mse", input, target, reduction, {})


def mse_loss_grad(input, target, *, reduction: str = "mean"):
    """d mse_loss / d input = 2 (x - y), divided by n for ``"mean"`` (as (2/n)(x - y): finite
    wherever the result is)."""
    return _regression_grad("mse", input, target, reduction, {})


def smooth_l1_loss(input, target, *, reduction: str = "mean", beta: float = 1.0):
    """Smooth L1 loss (``torch.nn.functional.smooth_l1_loss``), r = x - y::

        ℓ = 0.5 r² / β      if |r| < β
            |r| - 0.5 β     otherwise

    Gradient: r / β inside, sign(r) outside; C¹ at |r| = β (value β/2, slope ±1) but not C²
    (curvature 1/β inside, 0 outside). ``beta = 0`` is L1 exactly (PyTorch dispatches to
    ``l1_loss``). Relation: ``huber_loss(delta=d) == d * smooth_l1_loss(beta=d)``; the linear part has
    slope 1 for any β (Huber's has slope δ).
    """
    return _regression("smooth_l1", input, target, reduction, {"beta": beta})


def smooth_l1_loss_grad(input, target, *, reduction: str = "mean", beta: float = 1.0):
    """d smooth_l1_loss / d input = r/β for |r| < β, sign(r) otherwise (sign(0) = 0)."""
    return _regression_grad("smooth_l1", input, target, reduction, {"beta": beta})


def huber_loss(input, target, *, reduction: str = "mean", delta: float = 1.0):
    """Huber loss (``torch.nn.functional.huber_loss``), r = x - y::

        ℓ = 0.5 r²                if |r| < δ
            δ (|r| - 0.5 δ)       otherwise

    Gradient: r inside, δ·sign(r) outside. ``delta`` must be > 0. Equals
    ``delta * smooth_l1_loss(beta=delta)``; as δ → ∞ it tends to MSE/2, as δ → 0 to 0.
    """
    return _regression("huber", input, target, reduction, {"delta": delta})


def huber_loss_grad(input, target, *, reduction: str = "mean", delta: float = 1.0):
    """d huber_loss / d input = r for |r| ≤ δ, δ·sign(r) otherwise."""
    return _regression_grad("huber", input, target, reduction, {"delta": delta})


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
    return V.reduce(loss, reduction, w)


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
    with np.errstate(over="ignore"):  # c·y·softplus(-z) > float max only where the loss is
        loss = bce_kernel(x, y, 1.0 if pw is None else pw)
    return V.reduce(loss, reduction, w)


def binary_cross_entropy_with_logits_grad(
    input, target, *, weight=None, reduction: str = "mean", pos_weight=None
):
    """d/dz binary_cross_entropy_with_logits = w [ (c·y + 1 - y) σ(z) - c·y ] (c = pos_weight)."""
    V.check_reduction(reduction)
    x, y, w, pw = _bcel_args(input, target, weight, pos_weight)
    # (c y + 1 - y) σ(z) - c y evaluated as (1 - y) σ(z) - c y σ(-z): no cancellation when σ ≈ 1
    g = bce_kernel_grad(x, y, 1.0 if pw is None else pw)
    if w is not None:
        g = g * w
    return V.reduce_grad(g, reduction, x.size)


# ----------------------------------------------------------------------------------------------
# softmax cross-entropy
# ----------------------------------------------------------------------------------------------
def _class_rows(a: np.ndarray) -> np.ndarray:
    """(C,) -> (1, C); (N, C, d1, ...) -> (N·d1·..., C): one row per sample and position."""
    if a.ndim == 1:
        return a[None, :]
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _from_rows(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`_class_rows` for an array shaped like the input."""
    if len(shape) == 1:
        return g[0]
    moved = (shape[0],) + shape[2:] + (shape[1],)
    return np.moveaxis(g.reshape(moved), -1, 1)


def _check_class_input(x: np.ndarray, name: str = "input") -> None:
    if x.ndim == 0:
        raise ValueError(f"{name} must have shape (N, C), (N, C, d1, ...) or (C,), got ()")


def _ce_prepare(input, target, weight, label_smoothing, ignore_index):
    """Validate; return logits as rows (M, C), weighted targets (M, C) (None for plain class
    indices: the fast path), the indices and kept rows (or None), the mean's denominator, the
    output shape of ``"none"`` and the input's shape."""
    x = V.as_array(input, "input", copy=False)
    _check_class_input(x)
    eps = V.in_range(label_smoothing, "label_smoothing", 0.0, 1.0)
    ignore_index = V.integer(ignore_index, "ignore_index")
    c = x.shape[-1] if x.ndim == 1 else x.shape[1]
    out_shape = () if x.ndim == 1 else (x.shape[0],) + x.shape[2:]
    x2 = _class_rows(x)
    w = (
        np.ones(c)
        if weight is None
        else V.broadcast_weight(weight, "weight", (c,), last_dim_only=True)
    )
    t = V.as_array(target, "target", copy=False)
    if t.shape == x.shape:  # class probabilities
        if ignore_index >= 0:
            raise ValueError(
                f"ignore_index is not supported with class-probability targets, got "
                f"ignore_index={ignore_index} (PyTorch raises too; use a negative value)"
            )
        V.check_in_unit_interval(t, "target", "class probabilities")
        t2 = _class_rows(t)
        sums = t2.sum(axis=1)
        if np.any(np.abs(sums - 1.0) > 1e-6):
            raise ValueError(
                "target holding class probabilities must sum to 1 over the classes "
                f"(tolerance 1e-6), got a sum of {sums[np.argmax(np.abs(sums - 1))]!r}"
            )
        q = (1.0 - eps) * t2 + eps / c
        return x2, q * w, None, x2.shape[0], out_shape, x.shape
    if t.shape == out_shape:  # class indices
        t1 = t.reshape(-1)
        idx = V.class_indices(t1, "target", c, ignore_index=ignore_index)
        keep = t1 != ignore_index
        if weight is None and eps == 0.0:  # one-hot targets: no dense (M, C) target needed
            return x2, None, (idx, keep), float(np.count_nonzero(keep)), out_shape, x.shape
        q = np.zeros(x2.shape)
        q[np.flatnonzero(keep), idx[keep]] = 1.0
        q[keep] = (1.0 - eps) * q[keep] + eps / c
        return x2, q * w, None, float(np.sum(w[idx[keep]])), out_shape, x.shape
    raise ValueError(
        f"target must have shape {out_shape} (class indices) or {x.shape} (class "
        f"probabilities), got {t.shape}"
    )


def _ce_denominator(denom, reduction):
    if reduction == "mean" and denom <= 0:
        raise ValueError(
            "cross_entropy with reduction='mean' needs a positive denominator: every target is "
            "ignored or has weight 0 (PyTorch would return nan)"
        )
    return denom


def _ce_rows(x2, wq, onehot):
    """ℓ per row = Σ_c wq_c (lse - d_c) ≥ 0, with the halves taken first so that z - max z cannot
    overflow (e.g. logits 1e308 and -1e308 in one row). One-hot targets: lse - d_y (d_y overflows
    only where the exact loss exceeds the float range)."""
    d, lse = _stable.shifted_logits(x2, axis=1)
    if onehot is not None:
        idx, keep = onehot
        d_y = d[np.arange(d.shape[0]), idx]
        return np.where(keep, lse[:, 0] - d_y, 0.0)
    m = np.max(x2, axis=1, keepdims=True)
    half = 0.5 * lse - (0.5 * x2 - 0.5 * m)  # (lse - d)/2, finite and >= 0
    with np.errstate(over="ignore"):
        return 2.0 * np.sum(wq * half, axis=1)


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

    ``input``: logits of shape (N, C), (N, C, d1, d2, ...) (class axis 1, e.g. segmentation) or
    (C,) for one sample. ``target``: class indices of shape (N,) / (N, d1, ...) / () (integers, or
    integer-valued floats) or class probabilities shaped like ``input`` (summing to 1 over the
    classes; ``ignore_index`` ≥ 0 is then an error, as in PyTorch). ``"none"`` returns shape
    (N,) / (N, d1, ...) / () (a 0-d ndarray for one sample).
    With ε = ``label_smoothing`` the target becomes q = (1 - ε)·target + ε/C, and with class weights
    w (shape (C,))::

        ℓ_n = -Σ_c w_c q_{n,c} log softmax(z_n)_c

    ``"mean"``: for index targets Σ_n ℓ_n / Σ_n w_{y_n} (a weighted mean; entries equal to
    ``ignore_index`` are left out of both sums); for probability targets Σ_n ℓ_n / N.
    Each ℓ_n is evaluated as Σ_c w_c q_c (lse - d_c) with d = z - max z and
    lse = log1p(Σ_{c ≠ argmax} e^{d_c}): a sum of non-negative terms, exact to rounding for any
    finite logits (also 1e308 and -1e308 in one row) and for tiny losses of confident samples.

    Gradient: d ℓ_n / d z_n = (Σ_c w_c q_{n,c})·softmax(z_n) - w ⊙ q_n; without weights and
    smoothing, softmax(z_n) - onehot(y_n).
    """
    V.check_reduction(reduction)
    x2, wq, onehot, denom, out_shape, _ = _ce_prepare(
        input, target, weight, label_smoothing, ignore_index
    )
    loss = _ce_rows(x2, wq, onehot)
    if reduction == "none":
        return loss.reshape(out_shape)
    with np.errstate(over="ignore"):
        total = np.sum(loss)
    if reduction == "sum":
        return np.float64(total)
    d = _ce_denominator(denom, reduction)
    return np.float64(total / d if np.isfinite(total) else np.sum(loss / d))


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
    :func:`cross_entropy`), divided by the same denominator as the loss for ``"mean"``; shaped
    like ``input``."""
    V.check_reduction(reduction)
    x2, wq, onehot, denom, _, shape = _ce_prepare(
        input, target, weight, label_smoothing, ignore_index
    )
    d, lse = _stable.shifted_logits(x2, axis=1)
    s = np.exp(d - lse)
    rows = np.arange(s.shape[0])
    if onehot is not None:
        # softmax - onehot, with 1 - s_y summed from the other classes (no cancellation)
        idx, keep = onehot
        g = s
        g[rows, idx] = 0.0
        g[rows, idx] = -g.sum(axis=1)
        g[~keep] = 0.0
    else:
        # g = W s - wq (W = Σ_c wq_c) evaluated as s (W - wq) - wq (1 - s), with 1 - s of the
        # largest probability summed from the others: relative accuracy when one class dominates
        one_minus_s = 1.0 - s
        top = np.argmax(s, axis=1)
        others = s.copy()
        others[rows, top] = 0.0
        one_minus_s[rows, top] = others.sum(axis=1)
        g = s * (wq.sum(axis=1, keepdims=True) - wq) - wq * one_minus_s
    if reduction == "mean":
        g = g / _ce_denominator(denom, reduction)
    return np.asarray(_from_rows(g, shape))


# ----------------------------------------------------------------------------------------------
# multi-label losses (class axis: the last for (C,), axis 1 otherwise, as in PyTorch)
# ----------------------------------------------------------------------------------------------
def _multilabel_args(input, target, *, binary_target: bool):
    x, y = _pair(input, target)
    _check_class_input(x)
    if binary_target:
        V.check_binary(y, "target")
    else:
        V.check_in_unit_interval(y, "target", "targets")
    return x, y


def _class_axis(x) -> int:
    return 0 if x.ndim == 1 else 1


def _n_samples(x) -> int:
    """How many per-sample losses there are: x.size / C."""
    return x.size // x.shape[_class_axis(x)]


def _class_weight(weight, x):
    if weight is None:
        return None
    if x.ndim > 2:
        raise ValueError(
            f"weight is not supported for inputs with more than 2 dimensions (got {x.shape}): "
            "PyTorch broadcasts it along the last axis there, not along the classes"
        )
    return V.broadcast_weight(weight, "weight", x.shape, last_dim_only=True)


def multilabel_soft_margin_loss(input, target, *, weight=None, reduction: str = "mean"):
    """Multi-label one-vs-all loss (``torch.nn.functional.multilabel_soft_margin_loss``).

    Per sample (logits z, targets y of shape (N, C), (N, C, d1, ...) with the class axis 1, or
    (C,); ``"none"`` returns shape (N,), (N, d1, ...) or a 0-d ndarray)::

        ℓ_n = (1/C) Σ_c w_c [ y_c softplus(-z_c) + (1 - y_c) softplus(z_c) ]

    i.e. the per-class BCE-with-logits averaged over classes: with ``weight`` (shape (C,)) the sum
    is divided by **C, not Σw** (PyTorch). ``weight`` with inputs of more than two dimensions
    raises ``ValueError``: PyTorch broadcasts it along the *last* axis there, not the classes. ``"mean"`` averages over samples; without weights this
    equals ``binary_cross_entropy_with_logits(z, y)`` (mean over N·C). No ``pos_weight``.

    Gradient: w_c (σ(z_c) - y_c) / C (divided by N for ``"mean"``).
    """
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=False)
    w = _class_weight(weight, x)
    elem = bce_kernel(x, y)
    if w is not None:
        elem = elem * w
    ax = _class_axis(x)
    with np.errstate(over="ignore"):
        per_sample = elem.sum(axis=ax) / x.shape[ax]
    if not np.all(np.isfinite(per_sample)):  # Σ overflowed: average as Σ (ℓ_c / C) instead
        per_sample = (elem / x.shape[ax]).sum(axis=ax)
    return V.reduce(per_sample, reduction)


def multilabel_soft_margin_loss_grad(input, target, *, weight=None, reduction: str = "mean"):
    """d multilabel_soft_margin_loss / d z = w_c (σ(z_c) - y_c) / C (÷ N for ``"mean"``)."""
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=False)
    w = _class_weight(weight, x)
    g = bce_kernel_grad(x, y) / x.shape[_class_axis(x)]  # σ(z) - y, no cancellation
    if w is not None:
        g = g * w
    return V.reduce_grad(g, reduction, _n_samples(x))


def _focal_args(inputs, targets, alpha, gamma):
    x, y = _pair(inputs, targets, "inputs", "targets")
    V.check_in_unit_interval(y, "targets", "targets")
    kw = _loss("focal").check_params(alpha=alpha, gamma=gamma)
    return x, y, kw


def sigmoid_focal_loss(
    inputs, targets, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
):
    """Sigmoid focal loss (Lin et al. 2017) in ``torchvision.ops.sigmoid_focal_loss``'s convention.

    With p = σ(z), p_t = p y + (1 - p)(1 - y), α_t = α y + (1 - α)(1 - y)::

        ℓ = α_t (1 - p_t)^γ · BCEWithLogits(z, y)

    ``alpha < 0`` disables the α_t factor (torchvision). Default ``reduction="none"``; ``"mean"``
    averages over all elements. 1 - p_t is evaluated as y σ(-z) + (1 - y) σ(z) (no cancellation).
    Argument names ``inputs``/``targets`` are torchvision's; ``alpha``, ``gamma`` and
    ``reduction`` are keyword-only here (torchvision also accepts them by position), like every
    argument after (input, target) in this module: ``sigmoid_focal_loss(z, y, 2.0)`` meaning
    γ = 2 would silently set α = 2 in torchvision.

    Gradient, with m = 1 - p_t and ce the BCE term::

        dℓ/dz = α_t [ (σ(z) - y) m^γ + γ ce m^{γ-1} (1 - 2y) σ(z) σ(-z) ]
    """
    V.check_reduction(reduction)
    x, y, kw = _focal_args(inputs, targets, alpha, gamma)
    return V.reduce(focal_kernel(x, y, **kw), reduction)


def sigmoid_focal_loss_grad(
    inputs, targets, *, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none"
):
    """d sigmoid_focal_loss / d inputs (see :func:`sigmoid_focal_loss` for the formula)."""
    V.check_reduction(reduction)
    x, y, kw = _focal_args(inputs, targets, alpha, gamma)
    return V.reduce_grad(focal_kernel_grad(x, y, **kw), reduction, x.size)


def _asl_args(input, target, gamma_pos, gamma_neg, clip):
    x, y = _pair(input, target)
    V.check_binary(y, "target")  # ASL is defined for 0/1 labels (soft labels mix γ+ and γ-)
    kw = _loss("asl").check_params(gamma_pos=gamma_pos, gamma_neg=gamma_neg, clip=clip)
    return x, y, kw


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
    x, y, kw = _asl_args(input, target, gamma_pos, gamma_neg, clip)
    return V.reduce(asl_kernel(x, y, **kw), reduction)


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
    x, y, kw = _asl_args(input, target, gamma_pos, gamma_neg, clip)
    return V.reduce_grad(asl_kernel_grad(x, y, **kw), reduction, x.size)


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
    ax = _class_axis(x)
    neg, pos = _zlpr_terms(np.moveaxis(x, ax, -1), np.moveaxis(y, ax, -1))
    return V.reduce(neg[0] + pos[0], reduction)


def multilabel_categorical_cross_entropy_grad(input, target, *, reduction: str = "mean"):
    """d multilabel_categorical_cross_entropy / d s (see there), ÷ N for ``"mean"``."""
    V.check_reduction(reduction)
    x, y = _multilabel_args(input, target, binary_target=True)
    ax = _class_axis(x)
    (_, soft_neg), (_, soft_pos) = _zlpr_terms(np.moveaxis(x, ax, -1), np.moveaxis(y, ax, -1))
    return V.reduce_grad(np.moveaxis(soft_neg - soft_pos, -1, ax), reduction, _n_samples(x))


def _zlpr_terms(x, y):
    """For u = s on negatives and u = -s on positives: (log(1 + Σ e^u), e^u / (1 + Σ e^u)), each
    masked to its own set, along the last axis.

    With M = max(max u, 0) (the appended 0 included): log(1 + Σ e^u) = M + log1p(S) where S is
    the sum of e^{v - M} over every term v (the u's and the appended 0) except one maximal term,
    so a tiny loss (all u ≪ 0) keeps its relative accuracy."""
    out = []
    for u, mask in ((x, y == 0), (-x, y == 1)):
        um = np.where(mask, u, -np.inf)
        top = np.max(um, axis=-1, keepdims=True)
        m = np.maximum(top, 0.0)
        e = np.where(mask, np.exp(np.where(mask, u, 0.0) - m), 0.0)
        z = np.exp(-m) + e.sum(axis=-1, keepdims=True)
        # leave out one maximal term: the appended 0 when M = 0, else the largest u
        rest = e.copy()
        k = np.argmax(um, axis=-1)[..., None]
        pos_m = m > 0
        np.put_along_axis(
            rest, k, np.where(pos_m, 0.0, np.take_along_axis(rest, k, axis=-1)), axis=-1
        )
        s_rest = rest.sum(axis=-1, keepdims=True) + np.where(pos_m, np.exp(-m), 0.0)
        lse = (m + np.log1p(s_rest))[..., 0]
        out.append((lse, e / z))
    return out
