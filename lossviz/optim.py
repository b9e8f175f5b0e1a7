"""Optimisers over one protocol: ``objective(theta) -> (f, g)``.

``objective`` takes the parameters ``theta`` (a float or a float64 array) and returns the value
``f`` and the gradient ``g`` (same shape as ``theta``; a subgradient where the objective has a
kink). Newton's method also needs the Hessian: ``objective.hessian(theta)`` (or a ``hessian=``
argument), a ``(k, k)`` array for ``theta`` of size ``k``. ``lossviz.logreg.objective`` builds
such objectives for logistic regression; a loss of the registry gives one in a line::

    L = lv.losses.get("smooth_l1")
    path = lv.optim.gradient_descent(lambda r: (L.value(r), L.grad(r)), 5.0, lr=0.1, steps=60)

The fixed-step methods the book teaches (gradient descent, subgradient descent, proximal
gradient, Newton) are written out here and return their whole trajectory, iterate 0 first, so
that figures can draw the path. For everything else (a fit whose path does not matter) there is
:func:`minimize`, scipy's L-BFGS-B.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from . import _validation as V

__all__ = ["gradient_descent", "proximal_gradient", "newton", "minimize"]


def _start(theta0, name: str = "theta0") -> np.ndarray:
    return V.as_array(theta0, name)


def _steps(steps) -> int:
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    return int(steps)


def _callable(f, name: str) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def _gradient(objective, theta: np.ndarray) -> np.ndarray:
    out = objective(theta if theta.ndim else float(theta))
    if not isinstance(out, tuple) or len(out) != 2:
        raise TypeError("objective must return a pair (value, gradient)")
    g = np.asarray(out[1], dtype=float)
    if g.shape != theta.shape:
        g = g.reshape(theta.shape) if g.size == theta.size else g
    if g.shape != theta.shape:
        raise ValueError(f"the gradient has shape {g.shape}, theta has shape {theta.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"objective returned a non-finite gradient at theta = {theta}")
    return g


def _iterate(step: Callable, theta: np.ndarray, steps: int) -> np.ndarray:
    """The trajectory θ_0 = theta, θ_{k+1} = step(θ_k, k), shape ``(steps + 1, *theta.shape)``."""
    out = np.empty((steps + 1, *theta.shape))
    out[0] = theta
    for k in range(steps):
        theta = step(theta, k)
        out[k + 1] = theta
    return out


def gradient_descent(objective: Callable, theta0, lr: float, steps: int) -> np.ndarray:
    """Fixed-step (sub)gradient descent ``θ_{k+1} = θ_k - lr·g(θ_k)``.

    With a subgradient (e.g. ``l1·sign(w)`` for an L1 penalty) this is subgradient descent: with a
    constant step, coordinates that should be 0 keep jumping across 0 instead of landing on it.
    Returns the ``steps + 1`` iterates, shape ``(steps + 1, *theta0.shape)``.
    """
    _callable(objective, "objective")
    lr = V.positive(lr, "lr")
    return _iterate(
        lambda theta, k: theta - lr * _gradient(objective, theta), _start(theta0), _steps(steps)
    )


def proximal_gradient(
    objective: Callable, prox: Callable, theta0, lr: float, steps: int
) -> np.ndarray:
    """Proximal gradient (ISTA): ``θ_{k+1} = prox(θ_k - lr·∇f(θ_k), lr)``.

    ``objective`` is the smooth part f; ``prox(v, t)`` is the proximal operator of t times the
    non-smooth part, e.g. soft-thresholding ``sign(v)·max(|v| - t·l1, 0)`` for ``l1·||θ||₁``
    (:func:`lossviz.logreg.l1_prox`). Returns the ``steps + 1`` iterates.
    """
    _callable(objective, "objective")
    _callable(prox, "prox")
    lr = V.positive(lr, "lr")

    def step(theta, k):
        return np.asarray(prox(theta - lr * _gradient(objective, theta), lr), dtype=float)

    return _iterate(step, _start(theta0), _steps(steps))


def newton(objective: Callable, theta0, steps: int, *, hessian: Callable | None = None):
    """Newton's method ``θ_{k+1} = θ_k - H(θ_k)⁻¹ g(θ_k)`` (full steps, no line search).

    ``hessian`` defaults to ``objective.hessian``. For logistic regression this is IRLS: each step
    solves a weighted least-squares problem. Returns the ``steps + 1`` iterates; raises
    ``ValueError`` if a Hessian is singular.
    """
    _callable(objective, "objective")
    hessian = getattr(objective, "hessian", None) if hessian is None else hessian
    if hessian is None:
        raise TypeError("newton needs a Hessian: pass hessian= or an objective with .hessian")
    _callable(hessian, "hessian")

    def step(theta, k):
        g = _gradient(objective, theta).reshape(-1)
        H = np.asarray(hessian(theta), dtype=float).reshape(g.size, g.size)
        try:
            return theta - np.linalg.solve(H, g).reshape(theta.shape)
        except np.linalg.LinAlgError as err:
            raise ValueError(f"the Hessian is singular at step {k}") from err

    return _iterate(step, _start(theta0), _steps(steps))


def minimize(objective: Callable, theta0, *, gtol: float = 1e-7, max_iter: int = 500):
    """Minimise a smooth ``objective`` by L-BFGS (``scipy.optimize.minimize``, method L-BFGS-B).

    Stops when ``max|g| <= gtol`` (or after ``max_iter`` iterations). Returns scipy's
    ``OptimizeResult``: ``x`` (shaped like ``theta0``), ``fun``, ``jac``, ``nit``, ``success``.
    """
    from scipy.optimize import minimize as _scipy_minimize

    _callable(objective, "objective")
    theta = _start(theta0)
    gtol = V.positive(gtol, "gtol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")

    def fun(x):
        f, g = objective(x.reshape(theta.shape))
        return float(f), np.asarray(g, dtype=float).reshape(-1)

    res = _scipy_minimize(
        fun,
        theta.reshape(-1),
        jac=True,
        method="L-BFGS-B",
        # ftol=0: stop on the gradient only (the objective's scale should not decide)
        options={"gtol": gtol, "ftol": 0.0, "maxiter": int(max_iter), "maxcor": 10},
    )
    res.x = res.x.reshape(theta.shape)
    res.jac = np.asarray(res.jac).reshape(theta.shape)
    if not math.isfinite(res.fun):
        raise ValueError("the objective is not finite at the L-BFGS solution")
    return res
