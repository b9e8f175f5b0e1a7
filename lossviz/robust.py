"""Robust losses and estimators for the chapter *Smooth L1 vs L1 vs L2*.

Conventions (the book's, i.e. PyTorch's): residual ``r = prediction - target``; smooth L1 has the
transition width ``beta`` (``r**2 / (2*beta)`` for ``|r| < beta``, ``|r| - beta/2`` beyond), Huber
the threshold ``delta`` (``r**2 / 2`` for ``|r| <= delta``, ``delta*(|r| - delta/2)`` beyond), and
``huber(delta) == delta * smooth_l1(beta=delta)``. Both therefore have the same minimiser, so one
exact solver serves both.

What is here:

* exact location estimates (the constant ``c`` minimising ``sum(rho(y_i - c))``) under L2, L1,
  Huber and smooth L1 (:func:`location`, :func:`l1_minimisers`, :func:`huber_psi_sum`), and a
  redescending (Tukey/Welsch/Geman-McClure) location by IRLS (:func:`redescending_location`);
* an exact straight-line fit under L2, L1 and Huber/smooth L1 (:func:`fit_line`);
* pseudo-Huber, Barron's general robust loss, and the redescending losses, each with its derivative;
* fixed-step gradient descent on a 1-D loss (:func:`gradient_descent`);
* the Gaussian and Laplace negative log-likelihoods, and the Faster R-CNN ``sigma`` form of smooth L1;
* IoU and generalised IoU of two boxes (:func:`box_iou`, :func:`box_giou`), for the IoU losses.

Every public function validates its input and raises ``ValueError``/``TypeError`` naming the
argument; none returns NaN or inf for finite input.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "location",
    "l1_minimisers",
    "huber_psi_sum",
    "redescending_location",
    "fit_line",
    "pseudo_huber",
    "pseudo_huber_grad",
    "barron_loss",
    "barron_loss_grad",
    "welsch",
    "welsch_grad",
    "geman_mcclure",
    "geman_mcclure_grad",
    "tukey_biweight",
    "tukey_biweight_grad",
    "gradient_descent",
    "gaussian_nll",
    "laplace_nll",
    "faster_rcnn_smooth_l1",
    "box_iou",
    "box_giou",
]

_LOCATION_LOSSES = ("l2", "l1", "huber", "smooth_l1")


# --------------------------------------------------------------------------- validation helpers
def _array(value, name: str, *, min_size: int = 1) -> np.ndarray:
    """A finite float64 array from ``value``; raise naming ``name`` otherwise."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be numeric (array-like), got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numeric (array-like), got {type(value).__name__}") from err
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _vector(value, name: str, *, min_size: int = 1) -> np.ndarray:
    arr = _array(value, name, min_size=min_size)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr


def _scalar(value, name: str, *, positive: bool = False, nonneg: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if math.isnan(v):
        raise ValueError(f"{name} must not be NaN")
    if positive and not v > 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    if nonneg and not v >= 0:
        raise ValueError(f"{name} must be >= 0, got {v!r}")
    if (positive or nonneg) and math.isinf(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    return v


# --------------------------------------------------------------------------- location estimates
def l1_minimisers(y) -> tuple[float, float]:
    """The interval ``[lo, hi]`` of constants ``c`` minimising ``sum(|y_i - c|)``.

    For odd ``n`` it is the single median (``lo == hi``); for even ``n`` every point between the
    two middle order statistics is a minimiser: the L1 location is not unique.
    """
    ys = np.sort(_vector(y, "y"))
    n = ys.size
    if n % 2:
        m = float(ys[n // 2])
        return m, m
    return float(ys[n // 2 - 1]), float(ys[n // 2])


def huber_psi_sum(y, c, delta: float) -> float:
    """The estimating equation of the Huber location: ``sum(clip(y_i - c, -delta, delta))``.

    It is minus the derivative of ``sum(huber(y_i - c; delta))`` in ``c``; the Huber location is
    its root. Each term (the influence of one point) is bounded by ``delta`` in magnitude.
    """
    ys = _vector(y, "y")
    c = _scalar(c, "c")
    delta = _scalar(delta, "delta", positive=True)
    return float(np.sum(np.clip(ys - c, -delta, delta)))


def _huber_location(ys: np.ndarray, delta: float) -> float:
    """Exact root of the piecewise-linear, non-increasing ``S(c) = sum(clip(y - c, -d, d))``.

    S is linear between the breakpoints ``y_i +- delta``, so evaluating it there and interpolating
    linearly on the bracketing segment is exact (up to rounding). A flat zero set (possible when
    no residual is in the quadratic zone) is an interval of minimisers; its midpoint is returned.
    """
    b = np.unique(np.concatenate([ys - delta, ys + delta]))
    s = np.clip(ys[None, :] - b[:, None], -delta, delta).sum(axis=1)
    zero = np.flatnonzero(s == 0.0)
    if zero.size:  # S vanishes at a breakpoint (and on the segment between such breakpoints)
        return float(0.5 * (b[zero[0]] + b[zero[-1]]))
    k = int(np.argmax(s < 0))  # S(b_0) = n*delta > 0 and S(b_last) = -n*delta < 0
    lo, hi, s_lo, s_hi = b[k - 1], b[k], s[k - 1], s[k]
    return float(lo + s_lo * (hi - lo) / (s_lo - s_hi))


def location(
    y, loss: str = "l2", *, beta: float | None = None, delta: float | None = None
) -> float:
    """The constant ``c`` minimising ``sum(rho(c - y_i))`` for ``rho`` = ``loss``, computed exactly.

    * ``"l2"``: the mean.
    * ``"l1"``: the median; for even ``n`` the midpoint of the interval of minimisers (numpy's
      median), see :func:`l1_minimisers`.
    * ``"huber"`` (needs ``delta > 0``) and ``"smooth_l1"`` (needs ``beta >= 0``): the root of the
      estimating equation :func:`huber_psi_sum`; ``smooth_l1(beta)`` has the same minimiser as
      ``huber(delta=beta)`` because the two objectives differ by the factor ``beta``; ``beta=0`` is
      L1 (as in PyTorch).

    The Huber/smooth L1 location tends to the median as ``delta -> 0`` and equals the mean once
    ``delta >= max |y_i - mean|`` (then every residual is in the quadratic zone).
    """
    ys = _vector(y, "y")
    if not isinstance(loss, str) or loss not in _LOCATION_LOSSES:
        raise ValueError(f"loss must be one of {_LOCATION_LOSSES}, got {loss!r}")
    if loss in ("l2", "l1"):
        if beta is not None or delta is not None:
            raise ValueError(f"loss={loss!r} takes neither beta nor delta")
        if loss == "l2":
            return float(np.mean(ys))
        lo, hi = l1_minimisers(ys)
        return 0.5 * (lo + hi)
    if loss == "huber":
        if delta is None or beta is not None:
            raise ValueError("loss='huber' needs delta (and no beta)")
        return _huber_location(ys, _scalar(delta, "delta", positive=True))
    if beta is None or delta is not None:
        raise ValueError("loss='smooth_l1' needs beta (and no delta)")
    beta = _scalar(beta, "beta", nonneg=True)
    if beta == 0.0:
        return location(ys, "l1")
    return _huber_location(ys, beta)


def _redescending_weight(name: str, r: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """IRLS weight ``w = psi(r)/r`` (finite at r = 0) and ``psi'(r)`` of a redescending loss.

    Both are up to the same positive constant (irrelevant for the estimate), with ``u = r/c``:
    Tukey ``w = (1-u^2)^2`` (0 for ``|u| >= 1``), Welsch ``w = exp(-u^2/2)``, Geman-McClure
    ``w = 16/(u^2+4)^2``; ``psi' = w + u dw/du``.
    """
    u = r / c
    if name == "tukey":
        inside = np.abs(u) < 1
        w = np.where(inside, (1 - u**2) ** 2, 0.0)
        return w, np.where(inside, (1 - u**2) * (1 - 5 * u**2), 0.0)
    if name == "welsch":
        w = np.exp(-0.5 * u**2)
        return w, w * (1 - u**2)
    w = 16.0 / (u**2 + 4.0) ** 2  # geman_mcclure in Barron's scaling (alpha = -2)
    return w, 16.0 * (4.0 - 3.0 * u**2) / (u**2 + 4.0) ** 3


def redescending_location(
    y,
    loss: str = "tukey",
    *,
    c: float,
    start: float | None = None,
    max_iter: int = 500,
    tol: float = 1e-14,
) -> float:
    """A location M-estimate under a redescending loss: a root of ``sum(psi(y_i - mu)) = 0``.

    ``loss`` is ``"tukey"`` (biweight), ``"welsch"`` or ``"geman_mcclure"``, with scale ``c``. The
    objective is not convex, so the answer is the stationary point reached from ``start`` (default:
    the median, the standard robust start) by IRLS steps ``mu = sum(w y) / sum(w)`` (which never
    increase the objective), each replaced by a Newton step on the estimating equation whenever that
    step is defined and shrinks ``|sum(psi)|`` (fast final convergence). Points with
    ``|y_i - mu| >= c`` get weight 0 under Tukey's loss: they have no influence at all. Raises
    ``ValueError`` if every weight vanishes.
    """
    ys = _vector(y, "y")
    if loss not in ("tukey", "welsch", "geman_mcclure"):
        raise ValueError(f"loss must be 'tukey', 'welsch' or 'geman_mcclure', got {loss!r}")
    c = _scalar(c, "c", positive=True)
    mu = location(ys, "l1") if start is None else _scalar(start, "start")
    for _ in range(max_iter):
        r = ys - mu
        w, dpsi = _redescending_weight(loss, r, c)
        if not np.any(w > 0):
            raise ValueError("every point is beyond c from start: choose a larger c or a start")
        g = float(np.sum(w * r))  # sum psi(y_i - mu), up to a positive constant
        new = float(np.sum(w * ys) / np.sum(w))  # IRLS step
        h = float(np.sum(dpsi))
        if h > 0:
            newton = mu + g / h
            w2, _ = _redescending_weight(loss, ys - newton, c)
            if np.any(w2 > 0) and abs(float(np.sum(w2 * (ys - newton)))) < abs(g):
                new = newton
        if abs(new - mu) <= tol * max(1.0, abs(mu)):
            return new
        mu = new
    return mu


# --------------------------------------------------------------------------- line fit
def _design(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(x), x])


def fit_line(x, y, loss: str = "l2", *, beta: float | None = None, delta: float | None = None):
    """Intercept and slope ``(a, b)`` minimising ``sum(rho(a + b*x_i - y_i))``.

    * ``"l2"``: ordinary least squares (``numpy.linalg.lstsq``).
    * ``"l1"``: least absolute deviations, exactly: some optimal line passes through two data points
      (a vertex of the linear program), so all ``n(n-1)/2`` such lines are compared (n <= 400). LAD
      solutions can be non-unique; the first optimal pair in index order is returned.
    * ``"huber"`` (``delta > 0``) / ``"smooth_l1"`` (``beta > 0``; same minimiser as Huber with
      ``delta = beta``): iteratively reweighted least squares (weights ``min(1, delta/|r|)``, a
      majorise-minimise scheme that decreases the objective monotonically), finished by solving the
      stationarity equations exactly for the final quadratic/linear pattern of the residuals.
    """
    xs = _vector(x, "x", min_size=2)
    ys = _vector(y, "y", min_size=2)
    if xs.shape != ys.shape:
        raise ValueError(f"x and y must have the same shape, got {xs.shape} and {ys.shape}")
    if np.ptp(xs) == 0:
        raise ValueError("x must take at least two distinct values")
    if not isinstance(loss, str) or loss not in _LOCATION_LOSSES:
        raise ValueError(f"loss must be one of {_LOCATION_LOSSES}, got {loss!r}")
    X = _design(xs)
    if loss in ("l2", "l1"):
        if beta is not None or delta is not None:
            raise ValueError(f"loss={loss!r} takes neither beta nor delta")
    if loss == "l2":
        theta = np.linalg.lstsq(X, ys, rcond=None)[0]
        return float(theta[0]), float(theta[1])
    if loss == "l1":
        return _lad_line(xs, ys)
    if loss == "huber":
        if delta is None or beta is not None:
            raise ValueError("loss='huber' needs delta (and no beta)")
        d = _scalar(delta, "delta", positive=True)
    else:
        if beta is None or delta is not None:
            raise ValueError("loss='smooth_l1' needs beta (and no delta)")
        d = _scalar(beta, "beta", nonneg=True)
        if d == 0.0:
            return _lad_line(xs, ys)
    return _huber_line(X, ys, d)


def _lad_line(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    n = xs.size
    if n > 400:
        raise ValueError(f"x has {n} points; the exact L1 line fit supports at most 400")
    best, best_ab = np.inf, (0.0, 0.0)
    for i in range(n - 1):
        j = np.arange(i + 1, n)
        ok = xs[j] != xs[i]
        j = j[ok]
        if j.size == 0:
            continue
        b = (ys[j] - ys[i]) / (xs[j] - xs[i])
        a = ys[i] - b * xs[i]
        cost = np.abs(a[:, None] + b[:, None] * xs[None, :] - ys[None, :]).sum(axis=1)
        k = int(np.argmin(cost))
        if cost[k] < best:
            best, best_ab = float(cost[k]), (float(a[k]), float(b[k]))
    return best_ab


def _pattern_solve(X: np.ndarray, ys: np.ndarray, theta: np.ndarray, d: float):
    """The exact Huber fit if the residual pattern at ``theta`` is the optimal one, else None.

    On the pattern Q = {|r| < d} (quadratic) / L (linear, signs s) the gradient
    ``X_Q^T (X_Q t - y_Q) + d X_L^T s_L`` vanishes at
    ``t = (X_Q^T X_Q)^{-1} (X_Q^T y_Q - d X_L^T s_L)``; if ``t`` has the same pattern, it is a
    stationary point of the convex objective, i.e. the minimiser.
    """
    r = X @ theta - ys
    q = np.abs(r) < d
    if q.sum() < 2 or np.ptp(X[q, 1]) == 0:  # the quadratic part must determine the line
        return None
    s = np.sign(r[~q])
    t = np.linalg.solve(X[q].T @ X[q], X[q].T @ ys[q] - d * (X[~q].T @ s))
    r2 = X @ t - ys
    if np.array_equal(np.abs(r2) < d, q) and np.array_equal(np.sign(r2[~q]), s):
        return t
    return None


def _huber_line(X: np.ndarray, ys: np.ndarray, d: float) -> tuple[float, float]:
    """IRLS (weights min(1, d/|r|): each step decreases the objective) until the residual pattern
    is the optimal one, then the exact solve of :func:`_pattern_solve`."""
    theta = np.linalg.lstsq(X, ys, rcond=None)[0]
    for _ in range(2000):
        exact = _pattern_solve(X, ys, theta, d)
        if exact is not None:
            return float(exact[0]), float(exact[1])
        r = X @ theta - ys
        w = np.minimum(1.0, d / np.maximum(np.abs(r), 1e-300))
        sw = np.sqrt(w)
        new = np.linalg.lstsq(X * sw[:, None], ys * sw, rcond=None)[0]
        done = np.max(np.abs(new - theta)) <= 1e-15 * max(1.0, np.max(np.abs(theta)))
        theta = new
        if done:
            break
    return float(theta[0]), float(theta[1])


# --------------------------------------------------------------------------- smooth robust losses
def pseudo_huber(r, delta: float = 1.0) -> np.ndarray:
    """Pseudo-Huber (Charbonnier) loss ``delta**2 * (sqrt(1 + (r/delta)**2) - 1)``, elementwise.

    Smooth everywhere (C-infinity); ``~ r**2/2`` for ``|r| << delta`` and ``~ delta*|r|`` for
    ``|r| >> delta``, like Huber(delta). Computed as ``delta**2 * u / (sqrt(1 + u) + 1)`` with
    ``u = (r/delta)**2`` to avoid cancellation near 0.
    """
    r = _array(r, "r")
    delta = _scalar(delta, "delta", positive=True)
    a = np.abs(r) / delta
    # sqrt(1+a^2) - 1 = a^2 / (sqrt(1+a^2) + 1); hypot avoids overflow of a^2 for huge a.
    h = np.hypot(1.0, a)
    return delta**2 * (a * (a / (h + 1.0)))


def pseudo_huber_grad(r, delta: float = 1.0) -> np.ndarray:
    """d/dr of :func:`pseudo_huber`: ``r / sqrt(1 + (r/delta)**2)``, bounded by ``delta``."""
    r = _array(r, "r")
    delta = _scalar(delta, "delta", positive=True)
    return r / np.hypot(1.0, r / delta)


def _barron_alpha(alpha) -> float:
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, (int, float, np.number)):
        raise TypeError(f"alpha must be a real number, got {type(alpha).__name__}")
    a = float(alpha)
    if math.isnan(a) or a == math.inf:
        raise ValueError(f"alpha must be a real number or -inf, got {a!r}")
    return a


def _log1p_sq(t: np.ndarray) -> np.ndarray:
    """``log(1 + t**2)`` without overflow of ``t**2`` (for ``|t|`` up to the float maximum)."""
    a = np.abs(t)
    big = a > 1e150
    small, large = np.where(big, 1.0, a), np.where(big, a, 1.0)  # each branch sees safe values
    tail = 2.0 * np.log(large) + np.log1p((1.0 / large) ** 2)  # log(t^2 (1 + 1/t^2))
    return np.where(big, tail, np.log1p(small**2))


def barron_loss(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """Barron's general robust loss (CVPR 2019), elementwise.

    ``f(x, alpha, c) = |alpha-2|/alpha * (((x/c)**2/|alpha-2| + 1)**(alpha/2) - 1)``, with its limits
    ``alpha = 2``: ``(x/c)**2/2`` (L2); ``alpha = 0``: ``log((x/c)**2/2 + 1)`` (Cauchy/Lorentzian);
    ``alpha = -inf``: ``1 - exp(-(x/c)**2/2)`` (Welsch). ``alpha = 1`` is pseudo-Huber/Charbonnier
    ``sqrt((x/c)**2 + 1) - 1`` and ``alpha = -2`` is Geman-McClure ``2(x/c)**2/((x/c)**2 + 4)``.
    Computed as ``|alpha-2|/alpha * expm1(alpha/2 * log1p((x/c)**2/|alpha-2|))``: accurate for
    ``alpha`` near 0 and free of intermediate overflow (the value itself overflows only where it
    exceeds the float range, e.g. ``alpha = 2`` and ``|x/c| > 1e154``).
    """
    x = _array(x, "x")
    a = _barron_alpha(alpha)
    c = _scalar(c, "c", positive=True)
    t = x / c
    if a == 2.0:
        return 0.5 * t**2
    if a == -math.inf:
        with np.errstate(over="ignore", under="ignore"):  # exp(-inf) = 0 is the exact limit
            return -np.expm1(-0.5 * t**2)
    if a == 0.0:
        return _log1p_sq(t / math.sqrt(2.0))
    b = abs(a - 2.0)
    return (b / a) * np.expm1(0.5 * a * _log1p_sq(t / math.sqrt(b)))


def barron_loss_grad(x, alpha: float, c: float = 1.0) -> np.ndarray:
    """d/dx of :func:`barron_loss`: ``x/c**2 * ((x/c)**2/|alpha-2| + 1)**(alpha/2 - 1)``.

    Limits: ``alpha = 2``: ``x/c**2``; ``alpha = 0``: ``2x/(x**2 + 2c**2)``; ``alpha = -inf``:
    ``x/c**2 * exp(-(x/c)**2/2)``. Bounded for ``alpha <= 1``; for ``alpha < 1`` it redescends to 0
    as ``|x| -> inf``.
    """
    x = _array(x, "x")
    a = _barron_alpha(alpha)
    c = _scalar(c, "c", positive=True)
    t = x / c
    if a == 2.0:
        return t / c
    if a == -math.inf:
        with np.errstate(over="ignore", under="ignore"):
            return t / c * np.exp(-0.5 * t**2)
    b = 2.0 if a == 0.0 else abs(a - 2.0)
    with np.errstate(under="ignore"):
        return t / c * np.exp((0.5 * a - 1.0) * _log1p_sq(t / math.sqrt(b)))


# --------------------------------------------------------------------------- redescending losses
def welsch(r, c: float = 1.0) -> np.ndarray:
    """Welsch (Leclerc) loss ``1 - exp(-(r/c)**2/2)``: bounded by 1, gradient redescends to 0."""
    return barron_loss(r, -math.inf, c)


def welsch_grad(r, c: float = 1.0) -> np.ndarray:
    """d/dr of :func:`welsch`: ``r/c**2 * exp(-(r/c)**2/2)``."""
    return barron_loss_grad(r, -math.inf, c)


def geman_mcclure(r, c: float = 1.0) -> np.ndarray:
    """Geman-McClure loss in Barron's scaling: ``2(r/c)**2 / ((r/c)**2 + 4)`` (bounded by 2)."""
    r = _array(r, "r")
    c = _scalar(c, "c", positive=True)
    z2 = (r / c) ** 2
    return 2.0 * z2 / (z2 + 4.0)


def geman_mcclure_grad(r, c: float = 1.0) -> np.ndarray:
    """d/dr of :func:`geman_mcclure`: ``16 r / (c**2 ((r/c)**2 + 4)**2)``."""
    r = _array(r, "r")
    c = _scalar(c, "c", positive=True)
    with np.errstate(over="ignore"):  # (r/c)**2 = inf for huge r gives the correct limit 0
        return 16.0 * r / (c**2 * ((r / c) ** 2 + 4.0) ** 2)


def tukey_biweight(r, c: float = 4.685) -> np.ndarray:
    """Tukey's biweight: ``c**2/6 * (1 - (1 - (r/c)**2)**3)`` for ``|r| <= c``, ``c**2/6`` beyond.

    The default ``c = 4.685`` gives 95% efficiency at the Gaussian. Constant beyond ``c``: a point
    farther than ``c`` has exactly zero gradient, i.e. no influence on the fit.
    """
    r = _array(r, "r")
    c = _scalar(c, "c", positive=True)
    u2 = np.minimum(np.abs(r) / c, 1.0) ** 2
    return c**2 / 6.0 * (1.0 - (1.0 - u2) ** 3)


def tukey_biweight_grad(r, c: float = 4.685) -> np.ndarray:
    """d/dr of :func:`tukey_biweight`: ``r (1 - (r/c)**2)**2`` for ``|r| <= c``, 0 beyond."""
    r = _array(r, "r")
    c = _scalar(c, "c", positive=True)
    u2 = np.minimum(np.abs(r) / c, 1.0) ** 2  # clipped: no overflow, and exactly 0 beyond c
    return r * (1.0 - u2) ** 2


# --------------------------------------------------------------------------- optimisation
def gradient_descent(
    grad: Callable[[float], float], x0: float, lr: float, steps: int
) -> np.ndarray:
    """Fixed-step gradient descent ``x_{k+1} = x_k - lr * grad(x_k)`` on a 1-D loss.

    Returns the ``steps + 1`` iterates ``x_0, ..., x_steps`` as a float64 array.
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    x = _scalar(x0, "x0")
    if math.isinf(x):
        raise ValueError("x0 must be finite")
    lr = _scalar(lr, "lr", positive=True)
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    out = np.empty(int(steps) + 1)
    out[0] = x
    for k in range(int(steps)):
        g = float(np.asarray(grad(x), dtype=float).reshape(()))
        if not math.isfinite(g):
            raise ValueError(f"grad returned a non-finite value {g} at x = {x}")
        x = x - lr * g
        out[k + 1] = x
    return out


# --------------------------------------------------------------------------- likelihood view
def gaussian_nll(r, sigma: float = 1.0) -> np.ndarray:
    """Negative log-density of ``N(0, sigma**2)`` at ``r``: ``r**2/(2 sigma**2) + log(sigma) + log(2 pi)/2``.

    Up to the constant, ``sigma = 1`` gives half the squared error: maximum likelihood under Gaussian
    noise is least squares, whose constant minimiser is the mean.
    """
    r = _array(r, "r")
    sigma = _scalar(sigma, "sigma", positive=True)
    return 0.5 * (r / sigma) ** 2 + math.log(sigma) + 0.5 * math.log(2.0 * math.pi)


def laplace_nll(r, b: float = 1.0) -> np.ndarray:
    """Negative log-density of ``Laplace(0, b)`` at ``r``: ``|r|/b + log(2 b)``.

    Up to the constant, ``b = 1`` gives the absolute error: maximum likelihood under Laplace noise is
    least absolute deviations, whose constant minimiser is the median.
    """
    r = _array(r, "r")
    b = _scalar(b, "b", positive=True)
    return np.abs(r) / b + math.log(2.0 * b)


def faster_rcnn_smooth_l1(x, sigma: float = 1.0) -> np.ndarray:
    """Smooth L1 as written in py-faster-rcnn: ``0.5 (sigma x)**2`` if ``|x| < 1/sigma**2``, else
    ``|x| - 0.5/sigma**2``. It equals PyTorch's ``smooth_l1_loss(beta=1/sigma**2)``; the RPN uses
    ``sigma = 3`` (``beta = 1/9``), the detection head ``sigma = 1``.
    """
    x = _array(x, "x")
    sigma = _scalar(sigma, "sigma", positive=True)
    s2 = sigma**2
    a = np.abs(x)
    return np.where(a < 1.0 / s2, 0.5 * s2 * x**2, a - 0.5 / s2)


# --------------------------------------------------------------------------- boxes (IoU losses)
def _box(value, name: str) -> np.ndarray:
    b = _vector(value, name)
    if b.shape != (4,):
        raise ValueError(f"{name} must be a box [x1, y1, x2, y2] of 4 numbers, got shape {b.shape}")
    if not (b[2] > b[0] and b[3] > b[1]):
        raise ValueError(f"{name} must have x2 > x1 and y2 > y1, got {b.tolist()}")
    return b


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter, union


def box_iou(pred, target) -> float:
    """Intersection over union of two axis-aligned boxes ``[x1, y1, x2, y2]`` (``x2 > x1``, ``y2 > y1``).

    The IoU loss (UnitBox) is ``1 - box_iou``. It is 0 for every pair of disjoint boxes, so it gives
    no gradient there; see :func:`box_giou`.
    """
    a, b = _box(pred, "pred"), _box(target, "target")
    inter, union = _overlap(a, b)
    return float(inter / union)


def box_giou(pred, target) -> float:
    """Generalised IoU (Rezatofighi et al., 2019): ``IoU - |C minus (A union B)| / |C|``, in (-1, 1].

    ``C`` is the smallest box enclosing both. Unlike IoU it keeps decreasing as disjoint boxes move
    apart; the GIoU loss is ``1 - box_giou``.
    """
    a, b = _box(pred, "pred"), _box(target, "target")
    inter, union = _overlap(a, b)
    hull = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    return float(inter / union - (hull - union) / hull)
