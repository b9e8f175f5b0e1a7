"""Robust estimation: exact location estimates and straight-line fits under L2, L1, Huber and
smooth L1, and location M-estimates under redescending losses.

Conventions (PyTorch's): residual ``r = prediction - target``; smooth L1 has the transition width
``beta`` (``r**2 / (2*beta)`` for ``|r| < beta``, ``|r| - beta/2`` beyond), Huber the threshold
``delta`` (``r**2 / 2`` for ``|r| <= delta``, ``delta*(|r| - delta/2)`` beyond), and
``huber(delta) == delta * smooth_l1(beta=delta)``. Both therefore have the same minimiser, so one
exact solver serves both. The losses themselves are declared in :mod:`lossviz.losses`.

* :func:`location`, :func:`l1_minimisers`, :func:`huber_psi_sum`: the constant ``c`` minimising
  ``sum(rho(y_i - c))``, exactly;
* :func:`redescending_location`: Tukey / Welsch / Geman-McClure location by IRLS;
* :func:`fit_line`: the exact straight-line fit under L2, L1 and Huber/smooth L1.

Every public function validates its input and raises ``ValueError``/``TypeError`` naming the
argument.
"""

from __future__ import annotations

import numpy as np

from . import _validation as V

__all__ = [
    "location",
    "l1_minimisers",
    "huber_psi_sum",
    "redescending_location",
    "fit_line",
]


_LOCATION_LOSSES = ("l2", "l1", "huber", "smooth_l1")


def _vector(value, name: str, *, min_size: int = 1) -> np.ndarray:
    return V.vector(value, name, min_size=min_size)


def _scalar(value, name: str, *, positive: bool = False, nonneg: bool = False) -> float:
    if positive:
        return V.positive(value, name)
    return V.nonneg(value, name) if nonneg else V.scalar(value, name)


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
