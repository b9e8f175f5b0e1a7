"""A linear multi-label model ``Z = X @ W + b`` fitted with any multi-label loss of the book.

The training objective of :func:`fit_linear` is the loss **summed over labels and averaged over
samples** (``loss(Z, Y, reduction="sum") / N``) plus ``(l2 / 2) * ||W||_F^2`` (the intercepts
are not penalised), so that every loss is on the same per-sample scale. It is minimised by
L-BFGS (:func:`lossviz.optim.minimize`, i.e. scipy's), deterministically, from zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import functional as F
from . import losses, optim
from ._validation import as_array, check_binary, nonneg

__all__ = ["LOSSES", "LinearFit", "fit_linear"]


#: The multi-label losses a model can be fitted with (their names in :mod:`lossviz.losses`).
#: ``"bce"`` takes ``pos_weight``; ``"focal"`` takes ``alpha`` and ``gamma`` (torchvision);
#: ``"asl"`` takes ``gamma_pos``, ``gamma_neg`` and ``clip``; ``"zlpr"`` is Su's multi-label
#: categorical cross-entropy.
LOSSES = ("bce", "focal", "asl", "zlpr")


def _summed(name: str, **kw) -> tuple[Callable, Callable]:
    """``(loss_sum(Z, Y), grad_sum(Z, Y))``: the loss's lossviz.functional function (the first
    one its registry entry names) and its ``_grad`` partner, with ``reduction="sum"``."""
    fn_name = losses.get(name).functional[0]
    value, grad = getattr(F, fn_name), getattr(F, fn_name + "_grad")
    return (
        lambda Z, Y: value(Z, Y, reduction="sum", **kw),
        lambda Z, Y: grad(Z, Y, reduction="sum", **kw),
    )


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
    ``W = 0, b = 0`` by full-batch L-BFGS (scipy, deterministic) until ``max |grad J| <= gtol``.
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
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    l2 = nonneg(l2, "l2")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    loss_sum, grad_sum = _summed(loss, **loss_kwargs)
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

    res = optim.minimize(objective, np.zeros(d * c + c), gtol=gtol, max_iter=max_iter)
    theta = res.x
    return LinearFit(
        W=theta[: d * c].reshape(d, c),
        b=theta[d * c :].copy(),
        objective=float(res.fun),
        grad_norm=float(np.max(np.abs(res.jac))),
        iterations=int(res.nit),
    )
