"""Chapter 4 helpers: L1/L2-regularised logistic regression, seen from the inside.

Objective (the book's convention, the same as :mod:`lossviz.logreg`)::

    J_λ(w, b) = (1/n) Σ_i [log(1 + exp(z_i)) - y_i z_i] + (l2/2)·||w||² + l1·||w||₁,
    z_i = x_i·w + b,  y_i ∈ {0, 1}.

The loss is the *mean* binary cross-entropy, the L2 term carries a ½, and the intercept ``b`` is
never penalised. scikit-learn's ``LogisticRegression(C=...)`` minimises ``C·Σ_i loss_i + r(w)``,
so ``l2 = 1/(n·C)`` (``l1_ratio=0``) and ``l1 = 1/(n·C)`` (``l1_ratio=1``).

What is here:

* :func:`proximal_gradient_step` — one ISTA step (gradient step on the smooth part, then
  soft-thresholding with :func:`lossviz.logreg.soft_threshold`).
* :func:`lambda_max` — the smallest L1 strength at which every coefficient is exactly 0.
* :func:`regularization_path` — coefficients against λ for L1 or L2 (warm-started fits).
* :func:`gradient_descent`, :func:`subgradient_descent`, :func:`newton` — trajectories on the
  two-parameter problem (intercept fixed) drawn on contour plots.
* :func:`minimizer_1d` — the exact minimiser of the one-weight problem (no intercept) with L1 or
  L2, by bisection on the (sub)derivative.
* :func:`loss_grid` — the objective on a grid of ``(w1, w2)``, with the intercept fixed or
  minimised out ("profiled") at every grid point.
* Seeded data sets: :func:`correlated_blobs` (the 2-D set of the λ slider),
  :func:`sparse_problem` (a few informative features among irrelevant ones),
  :func:`separable_line` (four separable points on a line).
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _validation as _v
from . import logreg

__all__ = [
    "proximal_gradient_step",
    "lambda_max",
    "regularization_path",
    "gradient_descent",
    "subgradient_descent",
    "newton",
    "loss_grid",
    "minimizer_1d",
    "profile_intercept",
    "correlated_blobs",
    "sparse_problem",
    "separable_line",
]


# --------------------------------------------------------------------------- input checks


def _check_xy(X, y) -> tuple[np.ndarray, np.ndarray]:
    X = _v.as_array(X, "X")
    y = _v.as_array(y, "y")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n_samples, n_features), got shape {X.shape}")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must be a 1-D array with one label per row of X ({X.shape[0]}), got shape {y.shape}"
        )
    _v.check_binary(y, "y")
    return X, y


def _check_w(w, d: int, name: str = "w") -> np.ndarray:
    w = _v.as_array(w, name)
    if w.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},) (one weight per feature), got {w.shape}")
    return w


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be an int, got {type(steps).__name__}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    return int(steps)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-logaddexp(0, -z)) = 1/(1+e^{-z}) without overflow for any finite z.
    return np.exp(-np.logaddexp(0.0, -z))


def _mean_bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean over the last axis of log(1 + e^z) - y z (logit space, never log(sigmoid))."""
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


# --------------------------------------------------------------------------- L1 machinery


def proximal_gradient_step(w, b, X, y, lr, l1=0.0, l2=0.0) -> tuple[np.ndarray, float]:
    """One proximal-gradient (ISTA) step on ``J_λ``; returns the new ``(w, b)``.

    ``v = w - lr·(∇_w J + l2·w)``, ``w⁺ = S_{lr·l1}(v)`` (soft-thresholding), and the unpenalised
    intercept takes a plain gradient step ``b⁺ = b - lr·∂J/∂b``. With ``l1 = 0`` this is plain
    gradient descent with weight decay.
    """
    X, y = _check_xy(X, y)
    w = _check_w(w, X.shape[1])
    b = _v.scalar(b, "b")
    lr = _v.positive(lr, "lr")
    l1 = _v.nonneg(l1, "l1")
    l2 = _v.nonneg(l2, "l2")
    r = _sigmoid(X @ w + b) - y
    n = X.shape[0]
    v = w - lr * (X.T @ r / n + l2 * w)
    # + 0.0 turns the -0.0 of negative entries into +0.0 (prints as 0, not -0).
    return logreg.soft_threshold(v, lr * l1) + 0.0, float(b - lr * r.mean())


def lambda_max(X, y) -> float:
    """The smallest ``l1`` for which the L1 fit (unpenalised intercept) has ``w = 0``.

    At ``w = 0`` the best intercept is ``b = logit(ȳ)``, so ``p = ȳ`` for every sample and the
    gradient is ``Xᵀ(ȳ - y)/n``; ``w = 0`` is optimal iff every ``|∂J/∂w_j| <= l1``, hence
    ``λ_max = ||Xᵀ(y - ȳ)||_∞ / n``. Requires both classes in ``y``.
    """
    X, y = _check_xy(X, y)
    if y.min() == y.max():
        raise ValueError("y must contain both classes (0 and 1) for lambda_max")
    return float(np.max(np.abs(X.T @ (y - y.mean()))) / X.shape[0])


# --------------------------------------------------------------------------- paths


def regularization_path(X, y, lambdas, penalty="l2", **fit_kwargs):
    """Fit ``J_λ`` for each λ in ``lambdas``; returns ``(coefs (m, d), intercepts (m,))``.

    ``penalty`` is ``"l1"`` (``l1 = λ``) or ``"l2"`` (``l2 = λ``). Fits use
    :func:`lossviz.logreg.fit`, in the order of decreasing λ (from the sparse/shrunk end), and
    results are returned in the order of ``lambdas``. Every λ must be > 0 (with λ = 0 the
    optimum may not exist). Extra keyword arguments go to ``fit``.
    """
    X, y = _check_xy(X, y)
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty must be 'l1' or 'l2', got {penalty!r}")
    lam = _v.as_array(lambdas, "lambdas")
    if lam.ndim != 1:
        raise ValueError(f"lambdas must be a 1-D array, got shape {lam.shape}")
    if np.any(lam <= 0):
        raise ValueError(f"lambdas must all be > 0, got {lam[lam <= 0][0]!r}")
    coefs = np.empty((lam.size, X.shape[1]))
    intercepts = np.empty(lam.size)
    w, b = np.zeros(X.shape[1]), 0.0
    for i in np.argsort(-lam, kind="stable"):
        # warm start from the previous (larger) λ: the path is continuous in λ
        w, b = logreg.fit(X, y, **{penalty: float(lam[i])}, w0=w, b0=float(b), **fit_kwargs)
        coefs[i], intercepts[i] = w, b
    return coefs, intercepts


# --------------------------------------------------------------------------- trajectories


def _loss_and_grad_fixed_b(w, X, y, b, l2):
    z = X @ w + b
    r = _sigmoid(z) - y
    loss = float(_mean_bce(z, y) + 0.5 * l2 * w @ w)
    return loss, X.T @ r / X.shape[0] + l2 * w


def gradient_descent(X, y, w0, lr, steps, l2=0.0, b=0.0) -> np.ndarray:
    """Gradient-descent iterates on ``J(w) = mean BCE(Xw + b, y) + (l2/2)||w||²`` (``b`` fixed).

    ``w_{k+1} = w_k - lr·∇J(w_k) = (1 - lr·l2)·w_k - lr·Xᵀ(p - y)/n`` (weight decay form).
    Returns the trajectory, shape ``(steps + 1, d)``, starting with ``w0``.
    """
    X, y = _check_xy(X, y)
    w = _check_w(w0, X.shape[1], "w0")
    lr = _v.positive(lr, "lr")
    steps = _check_steps(steps)
    l2 = _v.nonneg(l2, "l2")
    b = _v.scalar(b, "b")
    out = np.empty((steps + 1, w.size))
    out[0] = w
    for k in range(steps):
        _, g = _loss_and_grad_fixed_b(w, X, y, b, l2)
        w = w - lr * g
        out[k + 1] = w
    return out


def subgradient_descent(X, y, w0, lr, steps, l1, b=0.0) -> np.ndarray:
    """Subgradient-descent iterates ``w ← w - lr·(Xᵀ(p - y)/n + l1·sign(w))`` (``b`` fixed).

    The contrast to :func:`proximal_gradient_step`: with a constant step the coordinates that
    should be 0 keep jumping across 0 (by about ``lr·l1``) instead of landing on it.
    Returns the trajectory, shape ``(steps + 1, d)``.
    """
    X, y = _check_xy(X, y)
    w = _check_w(w0, X.shape[1], "w0")
    lr = _v.positive(lr, "lr")
    steps = _check_steps(steps)
    l1 = _v.nonneg(l1, "l1")
    b = _v.scalar(b, "b")
    out = np.empty((steps + 1, w.size))
    out[0] = w
    for k in range(steps):
        _, g = _loss_and_grad_fixed_b(w, X, y, b, 0.0)
        w = w - lr * (g + l1 * np.sign(w))
        out[k + 1] = w
    return out


def newton(X, y, w0, steps, l2=0.0, b=0.0) -> np.ndarray:
    """Newton (IRLS) iterates ``w ← w - H⁻¹∇J`` on the same objective as :func:`gradient_descent`.

    ``H = XᵀSX/n + l2·I`` (the ``w``-block of :func:`lossviz.logreg.hessian`). Newton's method
    is IRLS: each step solves a weighted least-squares problem with weights ``p(1 - p)``. Returns the trajectory, shape
    ``(steps + 1, d)``. Raises ``ValueError`` if the Hessian is singular.
    """
    X, y = _check_xy(X, y)
    w = _check_w(w0, X.shape[1], "w0")
    steps = _check_steps(steps)
    l2 = _v.nonneg(l2, "l2")
    b = _v.scalar(b, "b")
    out = np.empty((steps + 1, w.size))
    out[0] = w
    for k in range(steps):
        _, g = _loss_and_grad_fixed_b(w, X, y, b, l2)
        try:
            H = logreg.hessian(w, b, X, y, l2=l2)[:-1, :-1]  # the w-block (b is fixed)
            w = w - np.linalg.solve(H, g)
        except np.linalg.LinAlgError as err:
            raise ValueError(f"the Hessian is singular at step {k}: add l2 > 0") from err
        out[k + 1] = w
    return out


# --------------------------------------------------------------------------- one weight


def minimizer_1d(x, y, l1=0.0, l2=0.0) -> float:
    """Exact minimiser of ``J(w) = mean[log(1 + e^{w x_i}) - y_i w x_i] + (l2/2)w² + l1|w|``.

    One weight, no intercept. ``J'(w) = mean((σ(w x_i) - y_i) x_i) + l2·w`` is non-decreasing, so:
    ``w* = 0`` iff ``|J'(0)| <= l1`` (0 lies in the subdifferential ``[J'(0) - l1, J'(0) + l1]``);
    otherwise ``w*`` is the root of ``J'(w) + l1·sign(w)``, found by bisection to machine
    precision. Raises ``ValueError`` if no finite minimiser exists (separable data, no penalty).
    """
    x = _v.as_array(x, "x")
    y = _v.as_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must be 1-D arrays of the same length, got {x.shape}, {y.shape}")
    _v.check_binary(y, "y")
    l1 = _v.nonneg(l1, "l1")
    l2 = _v.nonneg(l2, "l2")

    def dj(w: float) -> float:
        return float(np.mean((_sigmoid(w * x) - y) * x) + l2 * w)

    g0 = dj(0.0)
    if abs(g0) <= l1:
        return 0.0
    margins = (2.0 * y - 1.0) * x
    if l1 == 0.0 and l2 == 0.0 and (np.all(margins >= 0) or np.all(margins <= 0)):
        # one sign of w classifies every point correctly: J keeps falling as |w| grows
        raise ValueError("no finite minimiser: the data are separable and the penalty is 0")
    sign = -np.sign(g0)  # the minimiser lies on the side where J decreases
    lo, hi = 0.0, sign * 1.0
    while sign * (dj(hi) + l1 * sign) < 0:  # expand until the (sub)derivative changes sign
        lo, hi = hi, 2.0 * hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if sign * (dj(mid) + l1 * sign) < 0:
            lo = mid
        else:
            hi = mid
    return float(0.5 * (lo + hi))


# --------------------------------------------------------------------------- contour grids


def profile_intercept(W, X, y, *, tol=1e-12, max_iter=100) -> tuple[np.ndarray, np.ndarray]:
    """For each row ``w`` of ``W`` (shape ``(m, d)``), the best intercept and the loss there.

    Returns ``(b_star (m,), loss (m,))`` with ``b_star = argmin_b mean BCE(Xw + b, y)`` and
    ``loss`` the mean BCE at ``(w, b_star)`` (no penalty: the intercept is unpenalised, so a
    penalty on ``w`` simply adds to ``loss``). Solved by safeguarded 1-D Newton steps, vectorised
    over the rows. Requires both classes in ``y`` (else the best intercept is ±∞).
    """
    X, y = _check_xy(X, y)
    W = _v.as_array(W, "W")
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (m, {X.shape[1]}), got {W.shape}")
    if y.min() == y.max():
        raise ValueError("y must contain both classes (0 and 1) for a finite best intercept")
    Z = W @ X.T  # (m, n)
    b = np.log(y.mean() / (1.0 - y.mean())) - Z.mean(axis=1)
    for _ in range(max_iter):
        P = _sigmoid(Z + b[:, None])
        g = P.mean(axis=1) - y.mean()
        h = np.maximum((P * (1.0 - P)).mean(axis=1), 1e-300)
        # The derivative g is monotone in b and bounded by 1 in size; clip each Newton step so
        # that saturated rows (tiny h) move steadily instead of jumping.
        step = np.clip(g / h, -5.0, 5.0)
        b = b - step
        if np.max(np.abs(g)) < tol:
            break
    else:
        warnings.warn("profile_intercept did not reach tol", RuntimeWarning, stacklevel=2)
    return b, _mean_bce(Z + b[:, None], y)


def loss_grid(X, y, w1, w2, *, intercept="profile", b=0.0) -> np.ndarray:
    """Mean BCE on the grid ``w = (w1[j], w2[i])`` of a two-feature problem; shape ``(len(w2), len(w1))``.

    ``intercept="profile"`` minimises the (unpenalised) intercept out at every grid point, so the
    grid's contours are those of ``min_b J(w, b)`` and its minimiser is the full fit's ``w``;
    ``intercept="fixed"`` uses the given ``b``. Add ``(l2/2)(w1² + w2²)`` for the L2 objective.
    The layout matches ``matplotlib.pyplot.contour(w1, w2, grid)``.
    """
    X, y = _check_xy(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features for a (w1, w2) grid, got {X.shape[1]}")
    w1 = _v.as_array(w1, "w1")
    w2 = _v.as_array(w2, "w2")
    if w1.ndim != 1 or w2.ndim != 1:
        raise ValueError("w1 and w2 must be 1-D arrays of grid coordinates")
    W1, W2 = np.meshgrid(w1, w2)
    W = np.column_stack([W1.ravel(), W2.ravel()])
    if intercept == "profile":
        _, loss = profile_intercept(W, X, y)
    elif intercept == "fixed":
        b = _v.scalar(b, "b")
        loss = _mean_bce(W @ X.T + b, y)
    else:
        raise ValueError(f"intercept must be 'profile' or 'fixed', got {intercept!r}")
    return loss.reshape(W1.shape)


# --------------------------------------------------------------------------- data sets


def correlated_blobs(n_per_class=40, rho=0.8, shift=(0.8, 0.3), seed=1):
    """Two Gaussian classes with correlated features: ``x | y ~ N(±shift, [[1, ρ], [ρ, 1]])``.

    Class 0 is centred at ``-shift``, class 1 at ``+shift``. With ``ρ = 0.8`` and
    ``shift = (0.8, 0.3)`` the unpenalised fit gives the second feature a *negative* weight
    (a suppressor: it is used to cancel the noise it shares with feature 1) although class 1 has
    the larger mean in it; strong L2 shrinks ``w`` toward ``Xᵀ(y - ȳ)``, which is positive in both
    features, so ``w2`` changes sign along the L2 path. Returns ``(X (2n, 2), y (2n,))``, seeded.
    """
    rho = _v.in_range(rho, "rho", -1.0, 1.0, hi_open=True)
    if rho <= -1.0:
        raise ValueError(f"rho must be > -1, got {rho!r}")
    shift = _v.as_array(shift, "shift")
    if shift.shape != (2,):
        raise ValueError(f"shift must have shape (2,), got {shift.shape}")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)):
        raise TypeError(f"n_per_class must be an int, got {type(n_per_class).__name__}")
    if n_per_class < 2:
        raise ValueError(f"n_per_class must be >= 2, got {n_per_class}")
    rng = np.random.default_rng(seed)
    chol = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
    x0 = rng.standard_normal((n_per_class, 2)) @ chol.T - shift
    x1 = rng.standard_normal((n_per_class, 2)) @ chol.T + shift
    X = np.vstack([x0, x1])
    y = np.r_[np.zeros(n_per_class), np.ones(n_per_class)]
    return X, y


def sparse_problem(n=200, d=8, informative=(1.5, -1.0, 0.75), seed=0):
    """A logistic model with a few informative features among irrelevant ones.

    ``X ~ N(0, I)`` (n × d), true weights ``w* = (informative..., 0, ..., 0)``, intercept 0,
    ``y ~ Bernoulli(σ(X w*))``. Returns ``(X, y, w_true)``, seeded.
    """
    for name, val in (("n", n), ("d", d)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(val).__name__}")
    informative = _v.as_array(informative, "informative")
    if informative.ndim != 1 or informative.size > d:
        raise ValueError(f"informative must be 1-D with at most d={d} entries")
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = np.zeros(d)
    w_true[: informative.size] = informative
    y = (rng.random(n) < _sigmoid(X @ w_true)).astype(float)
    return X, y, w_true


def separable_line():
    """Four separable points on a line: ``x = [-2, -1, 1, 2]``, ``y = [0, 0, 1, 1]``; ``(X (4, 1), y)``.

    Any ``w > 0`` with ``b = 0`` classifies them all correctly, and the loss keeps falling as ``w``
    grows, so the unpenalised maximum-likelihood estimate does not exist.
    """
    return np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0])
