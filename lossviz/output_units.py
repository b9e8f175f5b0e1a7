"""Sigmoid and softmax output units: their losses as functions of the logits, and training them.

Conventions:

* ``p = sigmoid(z)`` is the output of a sigmoid unit with logit ``z``; ``y`` is the label in [0, 1].
* ``"ce"`` is binary cross-entropy computed from the logit, ``softplus(z) - y z`` (PyTorch's
  ``binary_cross_entropy_with_logits``). ``"half_mse"`` is ``(p - y)**2 / 2`` (Nielsen's quadratic
  cost, the usual textbook form); ``"mse"`` is ``(p - y)**2`` with **no** ½ (PyTorch ``mse_loss``).
  The two squared losses differ by a factor 2 in value and gradient, nothing else.
* Everything is computed in logit space with ``lossviz.functional``'s sigmoid, softplus and
  log-softmax: no NaN or inf for finite input.

What is here: the per-sample losses, their derivatives and curvature in the logit
(:func:`sigmoid_loss`, :func:`sigmoid_loss_grad`, :func:`sigmoid_loss_curvature`), the softmax
gradients (:func:`softmax_ce_grad`, :func:`softmax_half_mse_grad`), the loss surface of a 1-D
unit over ``(w, b)`` and its convexity (:func:`loss_surface`, :func:`surface_hessian_min_eig`),
gradient-descent training of one unit and of a logistic model (:func:`train_sigmoid_neuron`,
:func:`train_logistic`, both with :func:`lossviz.optim.gradient_descent`), and the clipped
"safe log" whose gradient vanishes (:func:`clipped_log_loss`, :func:`clipped_sigmoid_ce_grad`).
"""

from __future__ import annotations

import numbers

import numpy as np

from . import _validation as V
from . import optim
from .information import _distribution

# Inputs are checked once at the public entry points; the loops call the unchecked kernels.
from .losses._stable import log_softmax, sigmoid, softplus

__all__ = [
    "LOSSES",
    "sigmoid_loss",
    "sigmoid_loss_grad",
    "sigmoid_loss_curvature",
    "softmax_ce_grad",
    "softmax_half_mse_grad",
    "loss_surface",
    "surface_hessian_min_eig",
    "train_sigmoid_neuron",
    "train_logistic",
    "clipped_log_loss",
    "clipped_log_loss_grad",
    "clipped_sigmoid_ce_grad",
]


def _softmax(z: np.ndarray) -> np.ndarray:
    return np.exp(log_softmax(z, axis=-1))


LOSSES = ("ce", "half_mse", "mse")


def _loss_name(loss) -> str:
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    return loss


def _zy(z, y):
    z = V.as_array(z, "z")
    y = V.probabilities(y, "y")
    V.check_same_shape(z, y, "z", "y")
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
        return softplus(z) - y * z
    r = sigmoid(z) - y
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
    p = sigmoid(z)
    if loss == "ce":
        return p - y
    dp = p * sigmoid(-z)
    return (1.0 if loss == "half_mse" else 2.0) * (p - y) * dp


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
    p, q = sigmoid(z), sigmoid(-z)
    dp = p * q
    if loss == "ce":
        return dp
    h = dp**2 + (p - y) * dp * (q - p)
    return h if loss == "half_mse" else 2.0 * h


def _softmax_targets(z, target):
    z = V.as_array(z, "z")
    if z.ndim != 2:
        raise ValueError(f"z must have shape (N, C), got {z.shape}")
    t = V.as_array(target, "target")
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
    return _softmax(z) - t


def softmax_half_mse_grad(z, target) -> np.ndarray:
    """Gradient of ``sum_n ½||softmax(z_n) - y_n||²`` w.r.t. the logits: ``(diag p - p pᵀ)(p - y)``.

    The softmax Jacobian ``diag p - p pᵀ`` stays in the gradient: it is the multi-class version
    of the sigmoid's ``p (1 - p)``.
    """
    z, t = _softmax_targets(z, target)
    p = _softmax(z)
    r = p - t
    return p * r - p * np.sum(p * r, axis=-1, keepdims=True)


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
    lr = V.positive(lr, "lr")
    epochs = V.integer(epochs, "epochs", min_value=0)
    x, y = float(x), float(y)

    def objective(theta):
        z = np.array([theta[0] * x + theta[1]])
        g = float(_grad(z, np.array([y]), loss)[0])  # dL/dz; dz/dw = x, dz/db = 1
        return float(_loss(z, np.array([y]), loss)[0]), np.array([g * x, g])

    path = optim.gradient_descent(objective, [float(w), float(b)], lr, epochs)
    ws, bs = path[:, 0], path[:, 1]
    z = ws * x + bs
    return {"w": ws, "b": bs, "output": sigmoid(z), "loss": _loss(z, np.full_like(z, y), loss)}


def train_logistic(
    X, y, *, loss: str = "ce", lr: float = 0.5, epochs: int = 200, w0=None, b0: float = 0.0
) -> dict[str, np.ndarray]:
    """Full-batch gradient descent on ``p = sigmoid(X w + b)`` with the mean of :func:`sigmoid_loss`.

    Returns ``"loss"`` (mean training loss of the chosen kind), ``"log_loss"`` (mean binary
    cross-entropy, whatever was optimised), ``"accuracy"`` (threshold 0.5) per epoch (length
    ``epochs + 1``), and the final ``"w"``, ``"b"``.
    """
    loss = _loss_name(loss)
    X = V.as_array(X, "X")
    y = V.probabilities(y, "y")
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X must be (n, d) and y (n,) with the same n, got {X.shape} and {y.shape}"
        )
    lr = V.positive(lr, "lr")
    epochs = V.integer(epochs, "epochs", min_value=0)
    w = np.zeros(X.shape[1]) if w0 is None else V.as_array(w0, "w0").copy()
    if w.shape != (X.shape[1],):
        raise ValueError(f"w0 must have shape ({X.shape[1]},), got {w.shape}")
    n = X.shape[0]

    def objective(theta):
        z = X @ theta[:-1] + theta[-1]
        g = _grad(z, y, loss) / n
        return float(_loss(z, y, loss).mean()), np.append(X.T @ g, g.sum())

    path = optim.gradient_descent(objective, np.append(w, float(b0)), lr, epochs)
    Z = path[:, :-1] @ X.T + path[:, -1:]  # logits of every sample at every epoch
    return {
        "loss": _loss(Z, y, loss).mean(axis=1),
        "log_loss": _loss(Z, y, "ce").mean(axis=1),
        "accuracy": np.mean((Z > 0) == (y > 0.5), axis=1),
        "w": path[-1, :-1],
        "b": np.float64(path[-1, -1]),
    }


def loss_surface(W, B, x, y, loss: str = "ce") -> np.ndarray:
    """Mean loss of ``sigmoid(w x_i + b)`` over a 1-D data set, on a grid of ``(w, b)``.

    ``W``, ``B``: same-shape arrays (e.g. from ``np.meshgrid``); ``x``, ``y``: the data (n,).
    """
    loss = _loss_name(loss)
    W, B = V.as_array(W, "W"), V.as_array(B, "B")
    V.check_same_shape(W, B, "W", "B")
    x, y = V.as_array(x, "x"), V.probabilities(y, "y")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    V.check_same_shape(x, y, "x", "y")
    z = W[..., None] * x + B[..., None]
    return _loss(z, y, loss).mean(axis=-1)  # y broadcasts along the data axis


def surface_hessian_min_eig(W, B, x, y, loss: str = "ce") -> np.ndarray:
    """Smallest eigenvalue of the (w, b) Hessian of :func:`loss_surface` at each grid point.

    Hessian ``= (1/n) sum_i h''(z_i) [x_i, 1][x_i, 1]ᵀ`` with ``h''`` from
    :func:`sigmoid_loss_curvature`; a negative value means the surface is not convex there.
    """
    loss = _loss_name(loss)
    W, B = V.as_array(W, "W"), V.as_array(B, "B")
    V.check_same_shape(W, B, "W", "B")
    x, y = V.as_array(x, "x"), V.probabilities(y, "y")
    V.check_same_shape(x, y, "x", "y")
    z = W[..., None] * x + B[..., None]
    h = _curvature(z, y, loss)  # y broadcasts along the data axis
    a = (h * x**2).mean(-1)
    c = (h * x).mean(-1)
    d = h.mean(-1)
    # smallest eigenvalue of [[a, c], [c, d]]
    return (a + d) / 2 - np.sqrt(((a - d) / 2) ** 2 + c**2)


def _eps(eps) -> float:
    eps = V.positive(eps, "eps")
    if eps >= 0.5:
        raise ValueError(f"eps must be < 0.5, got {eps!r}")
    return eps


def clipped_log_loss(p, eps: float = 1e-7) -> np.ndarray:
    """``-log(clip(p, eps, 1 - eps))``: the loss of a positive label computed from a probability.

    The usual "safe log" (Keras clips with 1e-7): finite, but see :func:`clipped_log_loss_grad`.
    """
    p = V.probabilities(p, "p")
    return -np.log(np.clip(p, _eps(eps), 1 - eps))


def clipped_log_loss_grad(p, eps: float = 1e-7) -> np.ndarray:
    """Derivative of :func:`clipped_log_loss` w.r.t. ``p``: ``-1/p`` inside ``[eps, 1-eps]``, and
    **exactly 0** where the clip is active (the derivative of a constant), i.e. for the most
    confident mistakes."""
    p = V.probabilities(p, "p")
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
    p = sigmoid(z)
    inside = (p >= eps) & (p <= 1 - eps)
    return np.where(inside, p - y, 0.0)
