"""Chapter 2 helpers: information measures, sigmoid/softmax gradients, and the CE-vs-MSE experiments.

Conventions (stated once, used everywhere in this module):

* Logarithms are natural: entropies and cross-entropies are in **nats**.
* A *distribution* is a non-negative vector along the last axis that sums to 1.
* ``p = sigmoid(z)`` is the output of a sigmoid unit with logit ``z``; ``y`` is the label in [0, 1].
* "ce" is binary cross-entropy computed from the logit, ``softplus(z) - y z`` (PyTorch's
  ``binary_cross_entropy_with_logits``). "half_mse" is ``(p - y)**2 / 2`` (Nielsen's quadratic cost,
  the usual textbook form); "mse" is ``(p - y)**2`` with **no** ½ (PyTorch ``mse_loss``). The two
  squared losses differ by a factor 2 in value and gradient, nothing else.
* Everything is computed in logit space (``np.logaddexp``, log-sum-exp): no NaN or inf for
  finite input. Plain NumPy (no SciPy).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _validation as V
from .functional import sigmoid as _expit  # stable: exp(-|z|) never overflows

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "binary_entropy",
    "sigmoid",
    "log_sigmoid",
    "softmax",
    "log_softmax",
    "sigmoid_loss",
    "sigmoid_loss_grad",
    "sigmoid_loss_curvature",
    "softmax_ce_grad",
    "softmax_half_mse_grad",
    "train_sigmoid_neuron",
    "epochs_until",
    "make_blobs",
    "train_logistic",
    "loss_surface",
    "surface_hessian_min_eig",
    "expected_log_loss",
    "expected_brier",
    "clipped_log_loss",
    "clipped_log_loss_grad",
    "clipped_sigmoid_ce_grad",
]

LOSSES = ("ce", "half_mse", "mse")


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x log y`` with the convention ``0 log y = 0`` (also for y = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x * np.log(y))


def _rel_entr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x log(x / y)``: 0 where x = 0, +inf where x > 0 = y."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, np.where(y == 0, np.inf, x * (np.log(x) - np.log(y))))


# ----------------------------------------------------------------------------------- validation
# Shared with lossviz.functional: finite float64 arrays, exact shape matches (no broadcasting).
_array = V.as_array
_same_shape = V.check_same_shape


def _distribution(x, name: str) -> np.ndarray:
    a = _array(x, name)
    if a.ndim == 0:
        raise ValueError(
            f"{name} must be a vector (distribution along the last axis), got a scalar"
        )
    if np.any(a < 0):
        raise ValueError(f"{name} must be non-negative")
    s = a.sum(axis=-1)
    if not np.allclose(s, 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"{name} must sum to 1 along the last axis, got sums {s}")
    return a


def _labels01(y, name: str = "y") -> np.ndarray:
    a = _array(y, name)
    if np.any((a < 0) | (a > 1)):
        raise ValueError(f"{name} must lie in [0, 1]")
    return a


def _probabilities(p, name: str = "p", *, open_interval: bool = False) -> np.ndarray:
    a = _array(p, name)
    if open_interval and np.any((a <= 0) | (a >= 1)):
        raise ValueError(f"{name} must lie in the open interval (0, 1)")
    if np.any((a < 0) | (a > 1)):
        raise ValueError(f"{name} must lie in [0, 1]")
    return a


def _positive(x, name: str, *, strict: bool = True, integer: bool = False):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    if integer and int(x) != x:
        raise TypeError(f"{name} must be an integer, got {x!r}")
    if not np.isfinite(x) or (x <= 0 if strict else x < 0):
        raise ValueError(f"{name} must be {'> 0' if strict else '>= 0'}, got {x!r}")
    return int(x) if integer else float(x)


def _loss_name(loss) -> str:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    return loss


# ---------------------------------------------------------------------- information measures
def entropy(p) -> np.ndarray:
    """Shannon entropy ``H(p) = -sum_k p_k log p_k`` in nats, along the last axis (0 log 0 = 0)."""
    p = _distribution(p, "p")
    return -_xlogy(p, p).sum(axis=-1)


def cross_entropy(p, q) -> np.ndarray:
    """Cross-entropy of distributions ``H(p, q) = -sum_k p_k log q_k`` in nats (last axis).

    ``p`` is the target distribution, ``q`` the model's; both are probability vectors, **not**
    logits (for logits use ``lossviz.functional.cross_entropy``). Terms with ``p_k = 0`` contribute
    0; if ``q_k = 0 < p_k`` the value is ``+inf``, which is the true value.
    """
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    _same_shape(p, q, "p", "q")
    with np.errstate(divide="ignore"):
        return -_xlogy(p, q).sum(axis=-1)


def kl_divergence(p, q) -> np.ndarray:
    """``D_KL(p || q) = sum_k p_k log(p_k / q_k) = H(p, q) - H(p)`` in nats (last axis), >= 0."""
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    _same_shape(p, q, "p", "q")
    with np.errstate(divide="ignore"):
        return _rel_entr(p, q).sum(axis=-1)


def binary_entropy(q) -> np.ndarray:
    """Entropy of a Bernoulli(q) label, ``-q log q - (1-q) log(1-q)`` in nats; ``ln 2`` at q = 1/2."""
    q = _probabilities(q, "q")
    return -(_xlogy(q, q) + _xlogy(1 - q, 1 - q))


# ----------------------------------------------------------------------- logit-space functions
def sigmoid(z) -> np.ndarray:
    """``1 / (1 + exp(-z))``, computed without overflow (via ``exp(-|z|)``)."""
    return _expit(_array(z, "z"))


def log_sigmoid(z) -> np.ndarray:
    """``log sigmoid(z) = -softplus(-z)``, exact for all finite z (never ``log`` of a rounded 0)."""
    return -np.logaddexp(0.0, -_array(z, "z"))


def softmax(z) -> np.ndarray:
    """Softmax along the last axis, with the max subtracted first (no overflow)."""
    z = _array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the class axis is the last one)")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z) -> np.ndarray:
    """``z_k - logsumexp(z)`` along the last axis, with ``logsumexp(z) = m + log sum exp(z - m)``."""
    z = _array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least one axis (the class axis is the last one)")
    shifted = z - z.max(axis=-1, keepdims=True)  # subtract first: keeps the small digits
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# ------------------------------------------------------------- a sigmoid output: CE vs squared
def _zy(z, y):
    z = _array(z, "z")
    y = _labels01(y, "y")
    _same_shape(z, y, "z", "y")
    return z, y


def sigmoid_loss(z, y, loss: str = "ce") -> np.ndarray:
    """Per-sample loss of a sigmoid output ``p = sigmoid(z)`` against label ``y`` (no reduction).

    ``"ce"``: ``softplus(z) - y z = -[y log p + (1-y) log(1-p)]``, from the logit;
    ``"half_mse"``: ``(p - y)^2 / 2``; ``"mse"``: ``(p - y)^2`` (PyTorch ``mse_loss``, no ½).
    ``z`` and ``y`` must have the same shape (no broadcasting).
    """
    loss = _loss_name(loss)
    z, y = _zy(z, y)
    return _loss(z, y, loss)


def _loss(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """:func:`sigmoid_loss` without validation (inner loops)."""
    if loss == "ce":
        return np.logaddexp(0.0, z) - y * z
    r = _expit(z) - y
    return 0.5 * r**2 if loss == "half_mse" else r**2


def sigmoid_loss_grad(z, y, loss: str = "ce") -> np.ndarray:
    """Derivative of :func:`sigmoid_loss` with respect to the logit ``z``.

    ``"ce"``: ``p - y`` (the sigmoid's derivative cancels); ``"half_mse"``: ``(p - y) p (1 - p)``;
    ``"mse"``: ``2 (p - y) p (1 - p)``. ``p (1 - p)`` is evaluated as ``sigmoid(z) sigmoid(-z)`` so
    that it stays accurate (and positive) in both tails.
    """
    loss = _loss_name(loss)
    z, y = _zy(z, y)
    return _grad(z, y, loss)


def _grad(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """:func:`sigmoid_loss_grad` without validation (inner loops)."""
    p = _expit(z)
    if loss == "ce":
        return p - y
    dp = p * _expit(-z)
    return (1.0 if loss == "half_mse" else 2.0) * (p - y) * dp


def _grad_scalar(z: float, y: float, loss: str) -> float:
    """:func:`_grad` for one Python float (the single-neuron loop: ~50x faster than arrays)."""
    e = math.exp(-abs(z))
    p, q = (1.0 / (1.0 + e), e / (1.0 + e)) if z >= 0 else (e / (1.0 + e), 1.0 / (1.0 + e))
    if loss == "ce":
        return p - y
    return (1.0 if loss == "half_mse" else 2.0) * (p - y) * p * q


def sigmoid_loss_curvature(z, y, loss: str = "ce") -> np.ndarray:
    """Second derivative with respect to ``z`` of :func:`sigmoid_loss`.

    ``"ce"``: ``p (1 - p)`` > 0 (convex in z); ``"half_mse"``:
    ``p'^2 + (p - y) p'(1 - 2p)`` with ``p' = p (1 - p)``, which for ``y = 1`` equals
    ``p (1-p)^2 (3p - 1)`` and is negative for ``z < -ln 2``; ``"mse"``: twice that.
    """
    loss = _loss_name(loss)
    z, y = _zy(z, y)
    return _curvature(z, y, loss)


def _curvature(z: np.ndarray, y: np.ndarray, loss: str) -> np.ndarray:
    """:func:`sigmoid_loss_curvature` without validation."""
    p, q = _expit(z), _expit(-z)
    dp = p * q
    if loss == "ce":
        return dp
    h = dp**2 + (p - y) * dp * (q - p)
    return h if loss == "half_mse" else 2.0 * h


def _softmax_targets(z, target):
    z = _array(z, "z")
    if z.ndim != 2:
        raise ValueError(f"z must have shape (N, C), got {z.shape}")
    t = _array(target, "target")
    if t.shape == z.shape[:1]:
        if np.any(t != np.round(t)) or np.any((t < 0) | (t >= z.shape[1])):
            raise ValueError(f"target class indices must be integers in [0, {z.shape[1] - 1}]")
        t = np.eye(z.shape[1])[t.astype(int)]
    elif t.shape == z.shape:
        _distribution(t, "target")
    else:
        raise ValueError(f"target must have shape (N,) or (N, C) = {z.shape}, got {t.shape}")
    return z, t


def softmax_ce_grad(z, target) -> np.ndarray:
    """Gradient of ``sum_n -sum_c y_nc log softmax(z_n)_c`` w.r.t. the logits: ``softmax(z) - y``.

    ``z``: logits (N, C); ``target``: class indices (N,) or class probabilities (N, C).
    Reduction ``"sum"`` (each row is that sample's own gradient).
    """
    z, t = _softmax_targets(z, target)
    return softmax(z) - t


def softmax_half_mse_grad(z, target) -> np.ndarray:
    """Gradient of ``sum_n ½||softmax(z_n) - y_n||²`` w.r.t. the logits: ``(diag p - p pᵀ)(p - y)``.

    The softmax Jacobian ``diag p - p pᵀ`` stays in the gradient: it is the multi-class version
    of the sigmoid's ``p (1 - p)``.
    """
    z, t = _softmax_targets(z, target)
    p = softmax(z)
    r = p - t
    return p * r - p * np.sum(p * r, axis=-1, keepdims=True)


# ------------------------------------------------------------------------ training experiments
def train_sigmoid_neuron(
    *,
    x: float = 1.0,
    y: float = 0.0,
    w: float = 2.0,
    b: float = 2.0,
    lr: float = 0.15,
    epochs: int = 300,
    loss: str = "ce",
) -> dict[str, np.ndarray]:
    """Full-batch gradient descent on one sigmoid neuron ``a = sigmoid(w x + b)``, one sample.

    Nielsen's demo (ch. 3): ``x = 1, y = 0, w = b = 2, lr = 0.15``. Returns arrays of length
    ``epochs + 1`` (index 0 is the start): ``"w"``, ``"b"``, ``"output"`` (a), ``"loss"``.
    Update: ``w -= lr * dL/dz * x``, ``b -= lr * dL/dz``, with ``dL/dz`` from :func:`sigmoid_loss_grad`.
    """
    loss = _loss_name(loss)
    for name, v in (("x", x), ("w", w), ("b", b)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise TypeError(f"{name} must be a finite real number, got {v!r}")
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or not 0 <= y <= 1:
        raise ValueError(f"y must be a number in [0, 1], got {y!r}")
    lr = _positive(lr, "lr")
    epochs = _positive(epochs, "epochs", strict=False, integer=True)
    ws, bs = np.empty(epochs + 1), np.empty(epochs + 1)
    w, b, x, y = float(w), float(b), float(x), float(y)
    for t in range(epochs + 1):
        ws[t], bs[t] = w, b
        if t == epochs:
            break
        g = _grad_scalar(w * x + b, y, loss)
        w, b = w - lr * g * x, b - lr * g
    z = ws * x + bs
    return {"w": ws, "b": bs, "output": _expit(z), "loss": _loss(z, np.full_like(z, y), loss)}


def epochs_until(values, threshold: float, *, below: bool = True) -> int | None:
    """First index at which ``values`` goes below (or above) ``threshold``; ``None`` if never."""
    v = _array(values, "values")
    if v.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {v.shape}")
    hit = np.flatnonzero(v < threshold if below else v > threshold)
    return int(hit[0]) if hit.size else None


def make_blobs(n: int = 200, *, separation: float = 2.0, seed: int = 0):
    """Two overlapping 2-D Gaussian classes (unit covariance), ``n // 2`` each, seeded.

    Class 1 is centred at ``+separation/2 · (1, 1)/√2``, class 0 at minus that. Returns
    ``X`` (n, 2) and ``y`` (n,) with labels 0/1, in random order.
    """
    n = _positive(n, "n", integer=True)
    if n < 2 or n % 2:
        raise ValueError(f"n must be an even number >= 2, got {n}")
    separation = _positive(separation, "separation", strict=False)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    rng = np.random.default_rng(seed)
    centre = separation / 2 * np.array([1.0, 1.0]) / np.sqrt(2.0)
    y = np.repeat([0.0, 1.0], n // 2)
    X = rng.standard_normal((n, 2)) + np.where(y[:, None] == 1, centre, -centre)
    order = rng.permutation(n)
    return X[order], y[order]


def train_logistic(
    X, y, *, loss: str = "ce", lr: float = 0.5, epochs: int = 200, w0=None, b0: float = 0.0
) -> dict[str, np.ndarray]:
    """Full-batch gradient descent on ``p = sigmoid(X w + b)`` with the mean of :func:`sigmoid_loss`.

    Returns ``"loss"`` (mean training loss of the chosen kind), ``"log_loss"`` (mean binary
    cross-entropy, whatever was optimised), ``"accuracy"`` (threshold 0.5) per epoch (length
    ``epochs + 1``), and the final ``"w"``, ``"b"``.
    """
    loss = _loss_name(loss)
    X = _array(X, "X")
    y = _labels01(y, "y")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X must be (n, d) and y (n,) with the same n, got {X.shape} and {y.shape}"
        )
    lr = _positive(lr, "lr")
    epochs = _positive(epochs, "epochs", strict=False, integer=True)
    w = np.zeros(X.shape[1]) if w0 is None else _array(w0, "w0").copy()
    if w.shape != (X.shape[1],):
        raise ValueError(f"w0 must have shape ({X.shape[1]},), got {w.shape}")
    b = float(b0)
    n = X.shape[0]
    hist = {k: np.empty(epochs + 1) for k in ("loss", "log_loss", "accuracy")}
    for t in range(epochs + 1):
        z = X @ w + b
        hist["loss"][t] = _loss(z, y, loss).mean()
        hist["log_loss"][t] = _loss(z, y, "ce").mean()
        hist["accuracy"][t] = np.mean((z > 0) == (y > 0.5))
        if t == epochs:
            break
        g = _grad(z, y, loss) / n
        w, b = w - lr * (X.T @ g), b - lr * g.sum()
    hist["w"], hist["b"] = w, np.float64(b)
    return hist


def loss_surface(W, B, x, y, loss: str = "ce") -> np.ndarray:
    """Mean loss of ``sigmoid(w x_i + b)`` over a 1-D data set, on a grid of ``(w, b)``.

    ``W``, ``B``: same-shape arrays (e.g. from ``np.meshgrid``); ``x``, ``y``: the data (n,).
    """
    loss = _loss_name(loss)
    W, B = _array(W, "W"), _array(B, "B")
    _same_shape(W, B, "W", "B")
    x, y = _array(x, "x"), _labels01(y, "y")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    _same_shape(x, y, "x", "y")
    z = W[..., None] * x + B[..., None]
    return _loss(z, y, loss).mean(axis=-1)  # y broadcasts along the data axis


def surface_hessian_min_eig(W, B, x, y, loss: str = "ce") -> np.ndarray:
    """Smallest eigenvalue of the (w, b) Hessian of :func:`loss_surface` at each grid point.

    Hessian ``= (1/n) sum_i h''(z_i) [x_i, 1][x_i, 1]ᵀ`` with ``h''`` from
    :func:`sigmoid_loss_curvature`; a negative value means the surface is not convex there.
    """
    loss = _loss_name(loss)
    W, B = _array(W, "W"), _array(B, "B")
    _same_shape(W, B, "W", "B")
    x, y = _array(x, "x"), _labels01(y, "y")
    _same_shape(x, y, "x", "y")
    z = W[..., None] * x + B[..., None]
    h = _curvature(z, y, loss)  # y broadcasts along the data axis
    a = (h * x**2).mean(-1)
    c = (h * x).mean(-1)
    d = h.mean(-1)
    # smallest eigenvalue of [[a, c], [c, d]]
    return (a + d) / 2 - np.sqrt(((a - d) / 2) ** 2 + c**2)


# ----------------------------------------------------------------------- proper scoring rules
def expected_log_loss(p, q) -> np.ndarray:
    """Expected log loss of forecast ``p`` when ``y ~ Bernoulli(q)``: ``-q log p - (1-q) log(1-p)``.

    Equals ``binary_entropy(q) + KL(Bern(q) || Bern(p))``, minimised at ``p = q``. ``p`` in (0, 1).
    """
    p = _probabilities(p, "p", open_interval=True)
    q = _probabilities(q, "q")
    p, q = np.broadcast_arrays(p, q) if q.ndim == 0 or p.ndim == 0 else (p, q)
    _same_shape(np.asarray(p), np.asarray(q), "p", "q")
    return -(q * np.log(p) + (1 - q) * np.log1p(-p))


def expected_brier(p, q) -> np.ndarray:
    """Expected Brier score (squared error on the probability) of forecast ``p``, ``y ~ Bern(q)``.

    ``q (1-p)^2 + (1-q) p^2 = (p - q)^2 + q (1 - q)``, minimised at ``p = q``.
    """
    p = _probabilities(p, "p")
    q = _probabilities(q, "q")
    p, q = np.broadcast_arrays(p, q) if q.ndim == 0 or p.ndim == 0 else (p, q)
    _same_shape(np.asarray(p), np.asarray(q), "p", "q")
    return q * (1 - p) ** 2 + (1 - q) * p**2


# ------------------------------------------------------------------------- the clipping pitfall
def _eps(eps) -> float:
    eps = _positive(eps, "eps")
    if eps >= 0.5:
        raise ValueError(f"eps must be < 0.5, got {eps!r}")
    return eps


def clipped_log_loss(p, eps: float = 1e-7) -> np.ndarray:
    """``-log(clip(p, eps, 1 - eps))``: the loss of a positive label computed from a probability.

    The usual "safe log" (Keras clips with 1e-7): finite, but see :func:`clipped_log_loss_grad`.
    """
    p = _probabilities(p, "p")
    return -np.log(np.clip(p, _eps(eps), 1 - eps))


def clipped_log_loss_grad(p, eps: float = 1e-7) -> np.ndarray:
    """Derivative of :func:`clipped_log_loss` w.r.t. ``p``: ``-1/p`` inside ``[eps, 1-eps]``, and
    **exactly 0** where the clip is active (the derivative of a constant), i.e. for the most
    confident mistakes."""
    p = _probabilities(p, "p")
    eps = _eps(eps)
    inside = (p >= eps) & (p <= 1 - eps)
    return np.where(inside, -1.0 / np.where(inside, p, 1.0), 0.0)


def clipped_sigmoid_ce_grad(z, y, eps: float = 1e-7) -> np.ndarray:
    """d/dz of ``-[y log c + (1-y) log(1-c)]`` with ``c = clip(sigmoid(z), eps, 1 - eps)``.

    Equals ``p - y`` while ``eps <= p <= 1 - eps``, and 0 once the clip is active: a unit that is
    confidently wrong beyond ``|z| ≈ log(1/eps)`` stops learning. Compare :func:`sigmoid_loss_grad`.
    """
    z, y = _zy(z, y)
    eps = _eps(eps)
    p = _expit(z)
    inside = (p >= eps) & (p <= 1 - eps)
    return np.where(inside, p - y, 0.0)
