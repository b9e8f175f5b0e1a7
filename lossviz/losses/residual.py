"""Losses of the residual r = input - target = ŷ - y (regression and robust estimation).

Each kernel takes a float64 array ``r`` and checked float parameters; the derivative is d/dr
(= d/dŷ). At a kink of |r| the derivative is 0 (PyTorch's subgradient). Written to avoid
overflow of intermediate results: a value is inf only where the exact value exceeds the float
range.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Param, declare

_SQRT2 = math.sqrt(2.0)


# ------------------------------------------------------------------------------ L1, L2, Huber
def _l1(r):
    return np.abs(r)


def _l1_grad(r):
    return np.sign(r)


def _mse(r):
    return r * r


def _mse_grad(r):
    return 2.0 * r


def _smooth_l1(r, beta):
    a = np.abs(r)
    if beta == 0.0:
        return a
    # q = min(|r|, β): (q/β)(|r| - q/2) is |r|²/(2β) inside and |r| - β/2 outside, with one
    # formula (no branch evaluated on the whole array) and no overflow of r²
    q = np.minimum(a, beta)
    return (q / beta) * (a - 0.5 * q)


def _smooth_l1_grad(r, beta):
    if beta == 0.0:
        return np.sign(r)
    with np.errstate(over="ignore"):  # r/β = ±inf for a tiny β is clipped to ±1, the exact value
        return np.clip(r / beta, -1.0, 1.0)


def _huber(r, delta):
    a = np.abs(r)
    q = np.minimum(a, delta)  # r²/2 inside, δ(|r| - δ/2) outside
    return q * (a - 0.5 * q)


def _huber_grad(r, delta):
    return np.clip(r, -delta, delta)


declare(
    name="l1",
    view="residual",
    label="L1",
    color="#D55E00",
    torch="torch.nn.functional.l1_loss",
    functional=("l1_loss",),
    kernel=_l1,
    kernel_grad=_l1_grad,
    expr=lambda s, r: s.Abs(r),
    summary="|r|: the median's loss; constant gradient ±1, not differentiable at 0.",
)
declare(
    name="mse",
    view="residual",
    label="MSE",
    color="#0072B2",
    torch="torch.nn.functional.mse_loss",
    functional=("mse_loss",),
    kernel=_mse,
    kernel_grad=_mse_grad,
    expr=lambda s, r: r**2,
    summary="r² (no ½, as in PyTorch): the mean's loss; gradient 2r grows with the residual.",
)
declare(
    name="smooth_l1",
    view="residual",
    label="smooth L1",
    color="#009E73",
    params=(
        Param("beta", 1.0, "nonneg", "beta", "transition width; 0 gives L1", assume="positive"),
    ),
    torch="torch.nn.functional.smooth_l1_loss",
    functional=("smooth_l1_loss",),
    kernel=_smooth_l1,
    kernel_grad=_smooth_l1_grad,
    expr=lambda s, r, beta: s.Piecewise(
        (r**2 / (2 * beta), s.Abs(r) < beta), (s.Abs(r) - beta / 2, True)
    ),
    summary="r²/(2β) for |r| < β, |r| - β/2 beyond: slope bounded by 1.",
)
declare(
    name="huber",
    view="residual",
    label="Huber",
    color="#E69F00",
    params=(
        Param(
            "delta", 1.0, "positive", "delta", "threshold between the quadratic and linear parts"
        ),
    ),
    torch="torch.nn.functional.huber_loss",
    functional=("huber_loss",),
    kernel=_huber,
    kernel_grad=_huber_grad,
    expr=lambda s, r, delta: s.Piecewise(
        (r**2 / 2, s.Abs(r) < delta), (delta * (s.Abs(r) - delta / 2), True)
    ),
    summary="r²/2 for |r| < δ, δ(|r| - δ/2) beyond; equals δ · smooth_l1(β = δ).",
)


# ------------------------------------------------------------------------------ smooth robust
def _pseudo_huber(r, delta):
    ar = np.abs(r)
    small = ar <= delta
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        # |r| ≤ δ: δ²(√(1 + a²) - 1) = δ·(δ·a²/(√(1 + a²) + 1)) with a = |r|/δ (no cancellation);
        # |r| > δ: the same as δ|r|/(√(1 + u²) + u) with u = δ/|r|, which cannot overflow where
        # the value is finite (|r|/δ may)
        a = np.where(small, ar / delta, 0.0)
        u = np.where(small, 1.0, delta / np.where(small, 1.0, ar))
        inner = delta * (delta * (a * (a / (np.hypot(1.0, a) + 1.0))))
        outer = delta * (ar / (np.hypot(1.0, u) + u))
    return np.where(small, inner, outer)


def _pseudo_huber_grad(r, delta):
    ar = np.abs(r)
    small = ar <= delta
    with np.errstate(over="ignore", under="ignore"):
        # r/√(1 + (r/δ)²) = sign(r)·δ/√(1 + u²) with u = δ/|r| beyond δ (r/δ may overflow)
        u = delta / np.where(small, 1.0, ar)
        return np.where(
            small, r / np.hypot(1.0, r / delta), np.sign(r) * (delta / np.hypot(1.0, u))
        )


_LOG_BIG = 345.0  # log(1e150): beyond it (r/c)² would overflow, so work with logarithms


def _log_scaled(r, c, b):
    """(L, la): L = log(1 + (r/c)²/b) and la = log(|r|/(c√b)), for any finite r (r/c may
    overflow; the logarithms do not). la is -inf at r = 0."""
    with np.errstate(divide="ignore"):
        la = np.log(np.abs(r)) - (math.log(c) + 0.5 * math.log(b))
    big = la > _LOG_BIG
    q = np.where(big, 0.0, r / (c * math.sqrt(b)))
    return np.where(big, 2.0 * la, np.log1p(q * q)), la


def _barron(r, alpha, c):
    if alpha == 2.0:
        with np.errstate(over="ignore"):
            return 0.5 * (r / c) ** 2
    if alpha == -math.inf:
        L, _ = _log_scaled(r, c, 2.0)  # (r/c)²/2 = e^L - 1
        return -np.expm1(-np.expm1(L))
    if alpha == 0.0:
        return _log_scaled(r, c, 2.0)[0]
    b = abs(alpha - 2.0)
    L, _ = _log_scaled(r, c, b)
    with np.errstate(over="ignore"):  # overflows only where the value exceeds the float range
        return (b / alpha) * np.expm1(0.5 * alpha * L)


def _barron_grad(r, alpha, c):
    if alpha == 2.0:
        with np.errstate(over="ignore"):
            return (r / c) / c
    b = 2.0 if alpha in (0.0, -math.inf) else abs(alpha - 2.0)
    L, la = _log_scaled(r, c, b)
    big = la > _LOG_BIG
    t = np.where(big, 0.0, r / c)
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        if alpha == -math.inf:
            # r/c² exp(-(r/c)²/2): exactly 0 in floating point once (r/c)² > 2e300
            return np.where(big, 0.0, (t * np.exp(-np.expm1(L))) / c)
        expo = (0.5 * alpha - 1.0) * L
        # |r|/c² · e^expo from logarithms where r/c overflows or e^expo underflows (the product
        # may still be a normal float); directly elsewhere (one rounding less)
        logs = ~big & (expo < -700.0)
        via_log = big | logs
        log_abs_t = np.where(big, la + 0.5 * math.log(b), np.log(np.where(via_log, np.abs(t), 1.0)))
        tail = np.sign(r) * np.exp(np.where(via_log, log_abs_t - math.log(c) + expo, -np.inf))
        return np.where(via_log, tail, (t * np.exp(np.where(via_log, 0.0, expo))) / c)


def _welsch(r, c):
    return _barron(r, -math.inf, c)


def _welsch_grad(r, c):
    return _barron_grad(r, -math.inf, c)


def _geman_mcclure(r, c):
    with np.errstate(over="ignore"):
        t2 = (r / c) ** 2
        # 2t²/(t² + 4) written as 2/(1 + 4/t²) beyond |t| = 1: no inf/inf
        small = np.minimum(t2, 1.0)
        return np.where(
            t2 > 1.0, 2.0 / (1.0 + 4.0 / np.maximum(t2, 1.0)), 2.0 * small / (small + 4.0)
        )


def _geman_mcclure_grad(r, c):
    t = r / c
    with np.errstate(over="ignore", under="ignore"):
        # 16 r/(c²(t² + 4)²) = (16/c)·t/(t² + 4)²; beyond |t| = 1 as (16/c)/(t³(1 + 4/t²)²)
        big = np.abs(t) > 1.0
        tb = np.where(big, t, 1.0)
        ts = np.where(big, 1.0, t)
        inner = (16.0 / c) * ts / (ts * ts + 4.0) ** 2
        outer = (16.0 / c) / (tb * tb * tb * (1.0 + 4.0 / (tb * tb)) ** 2)
        return np.where(big, outer, inner)


def _tukey(r, c):
    v = np.minimum(np.abs(r) / c, 1.0) ** 2
    # c²/6 (1 - (1 - v)³) = r²/6 (3 - 3v + v²) inside (v = (r/c)²): no cancellation for small |r|
    # (the factor is in [1, 3]) and no underflow of v for a huge c; c²/6 outside
    with np.errstate(over="ignore"):
        return np.where(np.abs(r) <= c, (r * r) * (3.0 - 3.0 * v + v * v) / 6.0, c * c / 6.0)


def _tukey_grad(r, c):
    u2 = np.minimum(np.abs(r) / c, 1.0) ** 2  # clipped: no overflow, exactly 0 beyond c
    return r * (1.0 - u2) ** 2


def _gaussian_nll(r, sigma):
    return 0.5 * (r / sigma) ** 2 + (math.log(sigma) + 0.5 * math.log(2.0 * math.pi))


def _gaussian_nll_grad(r, sigma):
    return (r / sigma) / sigma


def _laplace_nll(r, b):
    return np.abs(r) / b + math.log(2.0 * b)


def _laplace_nll_grad(r, b):
    return np.sign(r) / b


declare(
    name="pseudo_huber",
    view="residual",
    label="pseudo-Huber",
    color="#CC79A7",
    params=(Param("delta", 1.0, "positive", "delta", "scale: quadratic below, linear above"),),
    kernel=_pseudo_huber,
    kernel_grad=_pseudo_huber_grad,
    expr=lambda s, r, delta: delta**2 * (s.sqrt(1 + (r / delta) ** 2) - 1),
    summary="δ²(√(1 + (r/δ)²) - 1) (Charbonnier): Huber's shape, smooth everywhere.",
)
declare(
    name="barron",
    view="residual",
    label="Barron",
    color="#56B4E9",
    params=(
        Param("alpha", 1.0, "real_or_-inf", "alpha", "shape: 2 = L2, 1 = pseudo-Huber, 0 = Cauchy"),
        Param("c", 1.0, "positive", "c", "scale"),
    ),
    kernel=_barron,
    kernel_grad=_barron_grad,
    expr=lambda s, r, alpha, c: (
        s.Abs(alpha - 2) / alpha * (((r / c) ** 2 / s.Abs(alpha - 2) + 1) ** (alpha / 2) - 1)
    ),
    summary="Barron (CVPR 2019): one family through L2, pseudo-Huber, Cauchy, Geman-McClure, "
    "Welsch (the sympy form is the generic α ∉ {0, 2}; the kernels include the limits).",
)
declare(
    name="welsch",
    view="residual",
    label="Welsch",
    color="#88CCEE",
    params=(Param("c", 1.0, "positive", "c", "scale"),),
    kernel=_welsch,
    kernel_grad=_welsch_grad,
    expr=lambda s, r, c: 1 - s.exp(-((r / c) ** 2) / 2),
    summary="1 - exp(-(r/c)²/2): bounded by 1, gradient redescends to 0.",
)
declare(
    name="geman_mcclure",
    view="residual",
    label="Geman-McClure",
    color="#CC6677",
    params=(Param("c", 1.0, "positive", "c", "scale"),),
    kernel=_geman_mcclure,
    kernel_grad=_geman_mcclure_grad,
    expr=lambda s, r, c: 2 * (r / c) ** 2 / ((r / c) ** 2 + 4),
    summary="2(r/c)²/((r/c)² + 4) (Barron's scaling): bounded by 2.",
)
declare(
    name="tukey_biweight",
    view="residual",
    label="Tukey biweight",
    color="#117733",
    params=(
        Param("c", 4.685, "positive", "c", "cut-off (4.685: 95 % efficiency at the Gaussian)"),
    ),
    kernel=_tukey,
    kernel_grad=_tukey_grad,
    expr=lambda s, r, c: s.Piecewise(
        (c**2 / 6 * (1 - (1 - (r / c) ** 2) ** 3), s.Abs(r) <= c), (c**2 / 6, True)
    ),
    summary="c²/6 (1 - (1 - (r/c)²)³) for |r| ≤ c, constant beyond: far points have no influence.",
)
declare(
    name="gaussian_nll",
    view="residual",
    label="Gaussian NLL",
    color="#AA4499",
    params=(Param("sigma", 1.0, "positive", "sigma", "noise standard deviation"),),
    kernel=_gaussian_nll,
    kernel_grad=_gaussian_nll_grad,
    expr=lambda s, r, sigma: r**2 / (2 * sigma**2) + s.log(sigma) + s.log(2 * s.pi) / 2,
    summary="-log N(r; 0, σ²): least squares is maximum likelihood under Gaussian noise.",
)
declare(
    name="laplace_nll",
    view="residual",
    label="Laplace NLL",
    color="#DDCC77",
    params=(Param("b", 1.0, "positive", "b", "noise scale"),),
    kernel=_laplace_nll,
    kernel_grad=_laplace_nll_grad,
    expr=lambda s, r, b: s.Abs(r) / b + s.log(2 * b),
    summary="-log Laplace(r; 0, b): least absolute deviations is maximum likelihood.",
)


# ------------------------------------------------------------------------------ quantile
def _pinball(r, tau):
    # r = ŷ - y: over-prediction (r > 0) costs (1 - τ) r, under-prediction (r < 0) costs τ |r|
    return np.where(r >= 0, (1.0 - tau) * r, -tau * r)


def _pinball_grad(r, tau):
    return np.where(r > 0, 1.0 - tau, np.where(r < 0, -tau, 0.0))


declare(
    name="pinball",
    view="residual",
    label=r"pinball ($\tau$)",
    color="#332288",
    params=(Param("tau", 0.5, "open_unit", "tau", "quantile level in (0, 1)"),),
    kernel=_pinball,
    kernel_grad=_pinball_grad,
    expr=lambda s, r, tau: s.Piecewise(((1 - tau) * r, r >= 0), (-tau * r, True)),
    summary="Quantile loss ρ_τ(y - ŷ) written in r = ŷ - y: (1 - τ) r for r ≥ 0, -τ r below. "
    "A constant ŷ minimising its mean is a τ-quantile of y (τ = 0.5: the median, loss |r|/2).",
)
