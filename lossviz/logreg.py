"""Binary logistic regression with L2 and L1 penalties: loss, gradient, Hessian and an exact fit.

Model: z = X w + b, p = σ(z), labels y ∈ {0, 1}. The objective (intercept ``b`` not penalised)::

    J(w, b) = (1/n) Σ_i [ softplus(z_i) - y_i z_i ]  +  (l2/2) ||w||²  +  l1 ||w||₁

The data term is the mean binary cross-entropy, evaluated in logit space (finite for any finite
z). Gradient::

    ∇_w J = (1/n) Xᵀ (p - y) + l2 w + l1 sign(w),      ∂J/∂b = (1/n) Σ_i (p_i - y_i)

with the subgradient choice sign(0) = 0 at w_j = 0 (any value in [-l1, l1] is a valid subgradient
there; the optimality test uses the whole interval, see :func:`optimality_residual`).

Mapping to scikit-learn 1.9 (``LogisticRegression``, which minimises C Σ_i ℓ_i + r(w) and does not
penalise the intercept except with ``solver="liblinear"``):

* ``l2 = λ > 0``  ⇔  ``LogisticRegression(C=1/(n λ), l1_ratio=0)`` (the default penalty);
* ``l1 = λ > 0``  ⇔  ``LogisticRegression(C=1/(n λ), l1_ratio=1, solver="saga")``;
* no penalty     ⇔  ``LogisticRegression(C=np.inf)``.

(``penalty=`` is deprecated since scikit-learn 1.8; ``liblinear`` penalises the intercept, so its
coefficients differ.) Andrew Ng's course writes (λ/2m)||θ||², i.e. ``l2 = λ/m`` here and C = 1/λ.

What is here: the model and J with its gradient and Hessian; :func:`fit` (exact, centred and scaled
internally) with :func:`separating_direction` deciding whether a finite optimum exists;
:func:`objective` and :func:`l1_prox` for the optimisers of :mod:`lossviz.optim`; the λ path
(:func:`lambda_max`, :func:`regularization_path`); the one-weight minimiser :func:`minimizer_1d`;
the best intercept and the loss on a weight grid for contour plots (:func:`profile_intercept`,
:func:`loss_grid`).
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np

from . import _validation as V

# Inputs are checked once at the public entry points; the loops call the unchecked kernels.
from .losses._stable import sigmoid, softplus

__all__ = [
    "NoFiniteOptimumError",
    "decision_function",
    "predict_proba",
    "predict",
    "loss",
    "grad",
    "hessian",
    "optimality_residual",
    "soft_threshold",
    "separating_direction",
    "fit",
    "objective",
    "Objective",
    "l1_prox",
    "lambda_max",
    "regularization_path",
    "minimizer_1d",
    "profile_intercept",
    "loss_grid",
]


class NoFiniteOptimumError(ValueError):
    """The penalised objective has no finite minimiser (e.g. separable data and no penalty)."""


# ----------------------------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------------------------
def _data(X, y):
    X = V.as_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d), got shape {X.shape}")
    y = V.as_array(y, "y")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X {X.shape}, got {y.shape}")
    V.check_binary(y, "y")
    return X, y


def _params(w, b, d):
    w = V.as_array(w, "w")
    if w.shape != (d,):
        raise ValueError(f"w must have shape ({d},) to match X's {d} columns, got {w.shape}")
    if isinstance(b, np.ndarray) and b.shape == ():
        b = b.item()
    return w, V.scalar(b, "b")


def _penalties(l2, l1):
    return V.nonneg(l2, "l2"), V.nonneg(l1, "l1")


# ----------------------------------------------------------------------------------------------
# model, objective, derivatives
# ----------------------------------------------------------------------------------------------
def decision_function(w, b, X):
    """Logits z = X w + b."""
    X = V.as_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d), got shape {X.shape}")
    w, b = _params(w, b, X.shape[1])
    return X @ w + b


def predict_proba(w, b, X):
    """P(y = 1 | x) = σ(X w + b), shape (n,)."""
    return sigmoid(decision_function(w, b, X))


def predict(w, b, X):
    """Class labels: 1 where X w + b > 0 (σ > 1/2), else 0."""
    return (decision_function(w, b, X) > 0).astype(np.int64)


def _value(w, b, X, y, l2, l1):
    z = X @ w + b
    data = np.mean(y * softplus(-z) + (1.0 - y) * softplus(z))
    return data + 0.5 * l2 * np.dot(w, w) + l1 * np.sum(np.abs(w))


def _smooth_grad(w, b, X, y, l2):
    r = sigmoid(X @ w + b) - y
    n = X.shape[0]
    return X.T @ r / n + l2 * w, np.sum(r) / n


def loss(w, b, X, y, l2: float = 0.0, l1: float = 0.0):
    """J(w, b) = mean BCE(σ(Xw + b), y) + (l2/2)||w||² + l1||w||₁ (intercept not penalised)."""
    X, y = _data(X, y)
    w, b = _params(w, b, X.shape[1])
    l2, l1 = _penalties(l2, l1)
    return np.float64(_value(w, b, X, y, l2, l1))


def grad(w, b, X, y, l2: float = 0.0, l1: float = 0.0):
    """Return ``(dw, db)``: dw = Xᵀ(p - y)/n + l2·w + l1·sign(w) (sign(0) = 0), db = mean(p - y)."""
    X, y = _data(X, y)
    w, b = _params(w, b, X.shape[1])
    l2, l1 = _penalties(l2, l1)
    gw, gb = _smooth_grad(w, b, X, y, l2)
    return gw + l1 * np.sign(w), np.float64(gb)


def _hessian(w, b, X, l2):
    p = sigmoid(X @ w + b)
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    H = (A * (p * (1.0 - p))[:, None]).T @ A / X.shape[0]
    H[np.arange(X.shape[1]), np.arange(X.shape[1])] += l2
    return H


def hessian(w, b, X, y, l2: float = 0.0):
    """Hessian of the smooth part with respect to θ = (w, b), intercept **last**, shape (d+1, d+1)::

        H = (1/n) Aᵀ diag(p (1 - p)) A + l2·diag(1, …, 1, 0),   A = [X, 1]

    Positive semi-definite (convex objective); positive definite if l2 > 0 or A has full column
    rank. (The L1 term has no Hessian; ``y`` is accepted for a uniform signature and validated.)
    """
    X, y = _data(X, y)
    w, b = _params(w, b, X.shape[1])
    return _hessian(w, b, X, V.nonneg(l2, "l2"))


def _residual(gw_smooth, gb, w, l1):
    nz = w != 0
    rw = np.where(nz, np.abs(gw_smooth + l1 * np.sign(w)), np.maximum(np.abs(gw_smooth) - l1, 0.0))
    return float(max(np.max(rw, initial=0.0), abs(gb)))


def optimality_residual(w, b, X, y, l2: float = 0.0, l1: float = 0.0, *, scaled: bool = False):
    """Distance of 0 from the subdifferential of J at (w, b), in the max-norm.

    With g = ∇(smooth part): |g_j + l1·sign(w_j)| for w_j ≠ 0, max(|g_j| - l1, 0) for w_j = 0
    (the KKT condition w_j = 0 ⇔ |g_j| ≤ l1), and |∂J/∂b|. It is 0 exactly at a minimiser.

    ``scaled=True`` divides the component of w_j by max(1, max_i |x_ij|): g_j is a mean of terms
    x_ij (p_i - y_i), so rounding alone leaves it about eps·max_i |x_ij| away from 0, and the
    scaled residual is comparable across features of any size (e.g. x + 1000).
    """
    X, y = _data(X, y)
    w, b = _params(w, b, X.shape[1])
    l2, l1 = _penalties(l2, l1)
    gw, gb = _smooth_grad(w, b, X, y, l2)
    if scaled:
        scale = np.maximum(np.max(np.abs(X), axis=0), 1.0)
        return _residual(gw / scale, gb, w, l1 / scale)
    return _residual(gw, gb, w, l1)


def soft_threshold(v, t):
    """Proximal operator of t·||·||₁: sign(v)·max(|v| - t, 0) (elementwise)."""
    v = V.as_array(v, "v")
    t = V.nonneg(t, "t")
    # "+ 0.0" turns the -0.0 that sign(v) * 0 gives for negative v into +0.0 (prints as 0).
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0) + 0.0


# ----------------------------------------------------------------------------------------------
# the objective for the optimisers of lossviz.optim, the L1 proximal step, the λ path
# ----------------------------------------------------------------------------------------------
class Objective:
    """J as a function of one parameter vector, for :mod:`lossviz.optim`.

    Called as ``objective(theta) -> (J, ∇J)``; ``objective.hessian(theta)`` is the Hessian of the
    smooth part. ``theta = (w, b)`` (intercept last) when the intercept is free, or ``theta = w``
    when it is fixed (``b=`` given to :func:`objective`). With ``l1 > 0`` the gradient is the
    subgradient with sign(0) = 0, as in :func:`grad`.
    """

    def __init__(self, X, y, l2, l1, b):
        self.X, self.y, self.l2, self.l1, self.b = X, y, l2, l1, b

    def _split(self, theta):
        theta = V.as_array(theta, "theta")
        d = self.X.shape[1]
        k = d if self.b is not None else d + 1
        if theta.shape != (k,):
            raise ValueError(f"theta must have shape ({k},), got {theta.shape}")
        return (theta, self.b) if self.b is not None else (theta[:-1], theta[-1])

    def __call__(self, theta):
        w, b = self._split(theta)
        f = float(_value(w, b, self.X, self.y, self.l2, self.l1))
        gw, gb = _smooth_grad(w, b, self.X, self.y, self.l2)
        gw = gw + self.l1 * np.sign(w)
        return f, (gw if self.b is not None else np.append(gw, gb))

    def hessian(self, theta):
        w, b = self._split(theta)
        H = _hessian(w, b, self.X, self.l2)
        return H[:-1, :-1] if self.b is not None else H


def objective(X, y, l2: float = 0.0, l1: float = 0.0, *, b: float | None = None) -> Objective:
    """J(w, b) as an :class:`Objective` ``theta -> (J, ∇J)`` for :mod:`lossviz.optim`.

    ``b=None``: theta = (w, b), intercept last. ``b`` a number: theta = w and the intercept stays
    at ``b`` (two-weight problems drawn on contour plots). Example: gradient descent from 0 with
    weight decay, ``lv.optim.gradient_descent(logreg.objective(X, y, l2=0.1, b=0.0), w0, lr, 50)``.
    """
    X, y = _data(X, y)
    l2, l1 = _penalties(l2, l1)
    if b is not None:
        if isinstance(b, np.ndarray) and b.shape == ():
            b = b.item()
        b = V.scalar(b, "b")
    return Objective(X, y, l2, l1, b)


def l1_prox(l1: float, *, intercept: bool = True):
    """The proximal operator of l1·||w||₁ for :func:`lossviz.optim.proximal_gradient`.

    Returns ``prox(v, t)``: soft-thresholding of v by t·l1 (:func:`soft_threshold`), leaving the
    last entry (the unpenalised intercept) unchanged when ``intercept`` is true.
    """
    l1 = V.nonneg(l1, "l1")

    def prox(v, t):
        v = np.asarray(v, dtype=float)
        if not intercept:
            return soft_threshold(v, t * l1)
        return np.append(soft_threshold(v[:-1], t * l1), v[-1])

    return prox


def _mean_bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean over the last axis of log(1 + e^z) - y z (logit space, never log(sigmoid))."""
    return np.mean(softplus(z) - y * z, axis=-1)


def lambda_max(X, y) -> float:
    """The smallest ``l1`` for which the L1 fit (unpenalised intercept) has ``w = 0``.

    At ``w = 0`` the best intercept is ``b = logit(ȳ)``, so ``p = ȳ`` for every sample and the
    gradient is ``Xᵀ(ȳ - y)/n``; ``w = 0`` is optimal iff every ``|∂J/∂w_j| <= l1``, hence
    ``λ_max = ||Xᵀ(y - ȳ)||_∞ / n``. Requires both classes in ``y``.
    """
    X, y = _data(X, y)
    if y.min() == y.max():
        raise ValueError("y must contain both classes (0 and 1) for lambda_max")
    return float(np.max(np.abs(X.T @ (y - y.mean()))) / X.shape[0])


def regularization_path(X, y, lambdas, penalty="l2", **fit_kwargs):
    """Fit ``J_λ`` for each λ in ``lambdas``; returns ``(coefs (m, d), intercepts (m,))``.

    ``penalty`` is ``"l1"`` (``l1 = λ``) or ``"l2"`` (``l2 = λ``). Fits use
    :func:`lossviz.logreg.fit`, in the order of decreasing λ (from the sparse/shrunk end), and
    results are returned in the order of ``lambdas``. Every λ must be > 0 (with λ = 0 the
    optimum may not exist). Extra keyword arguments go to ``fit``.
    """
    X, y = _data(X, y)
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty must be 'l1' or 'l2', got {penalty!r}")
    lam = V.as_array(lambdas, "lambdas")
    if lam.ndim != 1:
        raise ValueError(f"lambdas must be a 1-D array, got shape {lam.shape}")
    if np.any(lam <= 0):
        raise ValueError(f"lambdas must all be > 0, got {lam[lam <= 0][0]!r}")
    coefs = np.empty((lam.size, X.shape[1]))
    intercepts = np.empty(lam.size)
    w, b = np.zeros(X.shape[1]), 0.0
    for i in np.argsort(-lam, kind="stable"):
        # warm start from the previous (larger) λ: the path is continuous in λ
        w, b = fit(X, y, **{penalty: float(lam[i])}, w0=w, b0=float(b), **fit_kwargs)
        coefs[i], intercepts[i] = w, b
    return coefs, intercepts


def minimizer_1d(x, y, l1=0.0, l2=0.0) -> float:
    """Exact minimiser of ``J(w) = mean[log(1 + e^{w x_i}) - y_i w x_i] + (l2/2)w² + l1|w|``.

    One weight, no intercept. ``J'(w) = mean((σ(w x_i) - y_i) x_i) + l2·w`` is non-decreasing, so:
    ``w* = 0`` iff ``|J'(0)| <= l1`` (0 lies in the subdifferential ``[J'(0) - l1, J'(0) + l1]``);
    otherwise ``w*`` is the root of ``J'(w) + l1·sign(w)``, found by bisection to machine
    precision. Raises ``ValueError`` if no finite minimiser exists (separable data, no penalty).
    """
    x = V.as_array(x, "x")
    y = V.as_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must be 1-D arrays of the same length, got {x.shape}, {y.shape}")
    V.check_binary(y, "y")
    l1 = V.nonneg(l1, "l1")
    l2 = V.nonneg(l2, "l2")

    def dj(w: float) -> float:
        return float(np.mean((sigmoid(w * x) - y) * x) + l2 * w)

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


def profile_intercept(W, X, y, *, tol=1e-12, max_iter=100) -> tuple[np.ndarray, np.ndarray]:
    """For each row ``w`` of ``W`` (shape ``(m, d)``), the best intercept and the loss there.

    Returns ``(b_star (m,), loss (m,))`` with ``b_star = argmin_b mean BCE(Xw + b, y)`` and
    ``loss`` the mean BCE at ``(w, b_star)`` (no penalty: the intercept is unpenalised, so a
    penalty on ``w`` simply adds to ``loss``). Solved by safeguarded 1-D Newton steps, vectorised
    over the rows. Requires both classes in ``y`` (else the best intercept is ±∞).
    """
    X, y = _data(X, y)
    W = V.as_array(W, "W")
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"W must have shape (m, {X.shape[1]}), got {W.shape}")
    if y.min() == y.max():
        raise ValueError("y must contain both classes (0 and 1) for a finite best intercept")
    Z = W @ X.T  # (m, n)
    b = np.log(y.mean() / (1.0 - y.mean())) - Z.mean(axis=1)
    for _ in range(max_iter):
        P = sigmoid(Z + b[:, None])
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
    X, y = _data(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features for a (w1, w2) grid, got {X.shape[1]}")
    w1 = V.as_array(w1, "w1")
    w2 = V.as_array(w2, "w2")
    if w1.ndim != 1 or w2.ndim != 1:
        raise ValueError("w1 and w2 must be 1-D arrays of grid coordinates")
    W1, W2 = np.meshgrid(w1, w2)
    W = np.column_stack([W1.ravel(), W2.ravel()])
    if intercept == "profile":
        _, loss = profile_intercept(W, X, y)
    elif intercept == "fixed":
        b = V.scalar(b, "b")
        loss = _mean_bce(W @ X.T + b, y)
    else:
        raise ValueError(f"intercept must be 'profile' or 'fixed', got {intercept!r}")
    return loss.reshape(W1.shape)


# ----------------------------------------------------------------------------------------------
# fitting
# ----------------------------------------------------------------------------------------------
def _standardisation(X):
    """Column centres and scales of the internal, well-conditioned parametrisation.

    Each column becomes (x - mean)/std. A constant column is collinear with the intercept, so it
    is only scaled (by its absolute value, or 1 for an all-zero column), never centred away.
    """
    mu = X.mean(axis=0)
    s = X.std(axis=0)
    const = s <= 1e-14 * np.maximum(np.abs(mu), 1e-300)
    mu = np.where(const, 0.0, mu)
    s = np.where(const, np.where(np.abs(X[0]) > 0, np.abs(X[0]), 1.0), s)
    return mu, s


def _lp_direction(M, bounds, c, options):
    from scipy.optimize import linprog  # imported here: only fits without a penalty need it

    res = linprog(c, A_ub=-M, b_ub=np.zeros(M.shape[0]), bounds=bounds, method="highs", **options)
    return res.x if res.status == 0 else None


def _verified(X, y, w, b) -> bool:
    """Exact test, in rational arithmetic on the float data, that (w, b) is a recession direction:
    every margin ỹ_i (x_i·w + b) >= 0 and at least one > 0."""
    signs = np.where(y == 1, 1, -1)
    wf = [Fraction(float(v)) for v in w]
    bf = Fraction(float(b))
    positive = False
    for xi, si in zip(X, signs, strict=True):
        m = si * (sum((Fraction(float(a)) * v for a, v in zip(xi, wf, strict=True)), bf))
        if m < 0:
            return False
        positive = positive or m > 0
    return positive


def separating_direction(X, y):
    """A direction (w, b) along which the unpenalised loss decreases for ever, or ``None``.

    Such a direction exists exactly when no finite minimiser exists (without a penalty): every
    margin ỹ_i (x_i·w + b) >= 0 with at least one > 0, where ỹ = 2y - 1 (separable data: all > 0;
    quasi-separable: some = 0). It is searched for by two linear programs (scipy's HiGHS) on the
    standardised features, strictly separating first (maximise the smallest margin), then
    quasi-separating (maximise the sum of margins subject to margins >= 0), and a candidate is
    accepted only after its margins are verified in exact rational arithmetic on the original
    data. The test looks at the data only, never at the size of an iterate.
    """
    X, y = _data(X, y)
    mu, s = _standardisation(X)
    signs = np.where(y == 1, 1.0, -1.0)
    M = signs[:, None] * np.hstack([(X - mu) / s, np.ones((X.shape[0], 1))])
    k = M.shape[1]
    # strict: maximise t subject to M d >= t, -1 <= d <= 1
    d = _lp_direction(
        np.hstack([M, -np.ones((M.shape[0], 1))]),
        [(-1.0, 1.0)] * k + [(None, 1.0)],
        np.r_[np.zeros(k), -1.0],
        {},
    )
    candidates = [] if d is None or d[-1] <= 0 else [d[:-1]]
    # quasi: maximise sum(M d) subject to M d >= 0, -1 <= d <= 1
    d = _lp_direction(M, [(-1.0, 1.0)] * k, -M.sum(axis=0), {})
    if d is not None and np.any(M @ d > 0):
        candidates.append(d)
    for d in candidates:
        w = d[:-1] / s
        b = d[-1] - np.dot(d[:-1], mu / s)
        if _verified(X, y, w, b):
            return w, np.float64(b)
    return None


def _newton_direction(H, g):
    """Solve H s = g; on the numerically singular part (redundant features without L2, where the
    minimiser is not unique) take the minimum-norm step, so the iterates stay finite."""
    evals, evecs = np.linalg.eigh(H)
    keep = evals > 1e-12 * max(evals[-1], 1e-300)
    coef = np.where(keep, (evecs.T @ g) / np.where(keep, evals, 1.0), 0.0)
    return evecs @ coef


def _prox_newton_direction(H, g, theta, l1, tol):
    """Minimise the quadratic model gᵀd + ½dᵀHd + Σ_j l1_j |θ_j + d_j| by cyclic coordinate
    descent (l1 is a vector; its last entry, the intercept's, is 0)."""
    k = theta.size
    d = np.zeros(k)
    Hd = np.zeros(k)
    diag = np.diag(H).copy()
    diag[diag <= 0] = 1e-300  # an all-zero column: its coordinate stays put (soft-threshold to 0)
    for sweep in range(10_000):
        if sweep % 5 == 4:
            exact = _pattern_solve(H, g, theta, l1, theta + d)
            if exact is not None:
                return exact
        biggest = 0.0
        for j in range(k):
            u = theta[j] + d[j] - (g[j] + Hd[j]) / diag[j]
            new = math.copysign(max(abs(u) - l1[j] / diag[j], 0.0), u) - theta[j]
            step = new - d[j]
            if step != 0.0:
                d[j] = new
                Hd += H[:, j] * step
                biggest = max(biggest, abs(step))
        if biggest <= tol:
            break
    return d


def _pattern_solve(H, g, theta, l1, v):
    """The exact minimiser θ + d of the quadratic model plus Σ l1_j |θ_j + d_j| if it has the
    zero pattern and signs of ``v``, else None (then coordinate descent continues).

    With v = θ + d zero on Z and of sign σ on F, stationarity on F reads
    H_FF (v_F - θ_F) = -g_F + H_FZ θ_Z - l1_F σ_F; the result is the minimiser iff its signs are
    σ and |g_Z + (H (v - θ))_Z| <= l1_Z on Z (the model is convex)."""
    free = v != 0
    sigma = np.sign(v[free])
    d = -theta.copy()
    try:
        rhs = -g[free] - H[np.ix_(free, ~free)] @ d[~free] - l1[free] * sigma
        d[free] = np.linalg.solve(H[np.ix_(free, free)], rhs)
    except np.linalg.LinAlgError:
        return None
    new = theta + d
    new[~free] = 0.0
    d = new - theta
    if not np.array_equal(np.sign(new[free]), sigma):
        return None
    gz = g[~free] + (H @ d)[~free]
    if np.any(np.abs(gz) > l1[~free]):
        return None
    return d


def _fit_standardised(A, y, l2, l1, theta, tol, max_iter):
    """Damped (proximal) Newton on J(θ) = mean BCE(Aθ) + ½ Σ l2_j θ_j² + Σ l1_j |θ_j|, with
    per-coordinate penalties (vectors; the intercept's entries are 0). Returns θ and its
    residual in these coordinates."""
    n = A.shape[0]

    def value(t):
        z = A @ t
        return np.mean(softplus(z) - y * z) + 0.5 * np.dot(l2 * t, t) + np.dot(l1, np.abs(t))

    def smooth_grad(t):
        return A.T @ (sigmoid(A @ t) - y) / n + l2 * t

    def residual(g, t):
        nz = t != 0
        r = np.where(nz, np.abs(g + l1 * np.sign(t)), np.maximum(np.abs(g) - l1, 0.0))
        return float(np.max(r))

    f = value(theta)
    best = None  # (residual, theta) once tol is reached
    for _ in range(max_iter):
        g = smooth_grad(theta)
        res = residual(g, theta)
        if res <= tol:
            # Polish: on a flat valley (ill-conditioned problem) a point with a tiny residual
            # can still be far from the minimiser, and each further Newton step still shrinks
            # the residual; stop when it no longer does.
            if best is not None and res >= 0.5 * best[0]:
                return (theta, res) if res < best[0] else best[::-1]
            if best is None or res < best[0]:
                best = (res, theta)
            if res == 0.0:
                return theta, res
        p = sigmoid(A @ theta)
        # einsum rather than a BLAS product: a multi-threaded BLAS on a loaded machine can be
        # 30x slower than this single loop for the small (d+1) x (d+1) result
        H = np.einsum("ni,nj->ij", A * (p * (1.0 - p))[:, None], A) / n + np.diag(l2)
        if not np.any(l1):
            step = -_newton_direction(H, g)
            decrease = g @ step
        else:
            # inexact inner solves far from the optimum, exact ones near it (keeps the
            # outer convergence quadratic without wasting sweeps early on)
            inner_tol = max(min(res * res, 1e-2 * res), 1e-3 * tol)
            step = _prox_newton_direction(H, g, theta, l1, inner_tol)
            decrease = g @ step + np.dot(l1, np.abs(theta + step) - np.abs(theta))
        t = 1.0
        for _ in range(60):  # backtracking (Armijo); small slack for rounding near the optimum
            new = theta + t * step
            f_new = value(new)
            if f_new <= f + 1e-4 * t * decrease + 1e-15 * abs(f):
                break
            t *= 0.5
        else:
            break  # no decrease possible at machine precision
        theta, f = new, f_new
    res = residual(smooth_grad(theta), theta)
    if best is not None and best[0] < res:
        return best[1], best[0]
    return theta, res


def fit(
    X,
    y,
    l2: float = 0.0,
    l1: float = 0.0,
    *,
    tol: float = 1e-10,
    max_iter: int = 200,
    w0=None,
    b0: float = 0.0,
):
    """Minimise J(w, b); return ``(w, b)`` with ``optimality_residual(..., scaled=True) <= tol``.

    Solver: the features are centred and scaled internally (column mean and standard deviation;
    the penalties are rescaled to match, so the problem is the same one), the objective is
    minimised there by damped Newton (L2 or no penalty) or proximal Newton (L1: each step
    minimises the quadratic model plus the L1 term by coordinate descent), and the solution is
    mapped back. Both converge quadratically near the optimum, and the centring makes the result
    independent of offsets in the features (e.g. x + 1000) and of their units.

    What "exact" means: the returned point satisfies the optimality (KKT) conditions to ``tol``,
    measured by the scaled residual (each weight's component divided by the largest absolute
    value of its feature). On an ill-conditioned problem (nearly collinear features, weak
    penalty) a tiny residual still allows a larger error in the coefficients themselves, of the
    order of the residual times the inverse of the Hessian's smallest eigenvalue; the predicted
    probabilities and the value of J are accurate either way.

    Raises :class:`NoFiniteOptimumError` (a ``ValueError``: any returned point would be an
    arbitrary point on a path to infinity) exactly when no finite minimiser exists: all labels
    equal (b → ±∞), or, without any penalty, separable or quasi-separable data, decided by
    :func:`separating_direction` (linear programming, verified in exact arithmetic). With
    ``l2 > 0`` or ``l1 > 0`` and both labels present a finite minimiser always exists. Raises
    ``RuntimeError`` if ``tol`` is not reached within ``max_iter`` Newton steps.
    """
    X, y = _data(X, y)
    l2, l1 = _penalties(l2, l1)
    tol = V.positive(tol, "tol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive int, got {max_iter!r}")
    n, d = X.shape
    if np.all(y == y[0]):
        raise NoFiniteOptimumError(
            f"y contains only the label {int(y[0])}: the intercept would diverge, no finite optimum"
        )
    w = np.zeros(d) if w0 is None else V.as_array(w0, "w0").copy()
    if w.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w.shape}")
    b = V.scalar(b0, "b0")
    if l2 == 0.0 and l1 == 0.0 and separating_direction(X, y) is not None:
        raise NoFiniteOptimumError(
            "the data are linearly separable (or quasi-separable) and there is no penalty "
            "(l2 = l1 = 0): the loss keeps decreasing along a separating direction, so no finite "
            "optimum exists; use l2 > 0 or l1 > 0"
        )
    mu, s = _standardisation(X)
    A = np.hstack([(X - mu) / s, np.ones((n, 1))])
    theta0 = np.r_[w * s, b + np.dot(w, mu)]
    # In the standardised coordinates w_s = s·w, so (l2/2)w² = (l2/s²)/2·w_s² and l1|w| =
    # (l1/s)|w_s|. The original gradient is g_j = s_j·g_s,j + mu_j·g_b with s_j, |mu_j| <= max|x_j|,
    # so a residual <= tol/4 there gives a scaled residual <= tol/2 here, with room for rounding.
    theta, _ = _fit_standardised(
        A, y, np.r_[l2 / s**2, 0.0], np.r_[l1 / s, 0.0], theta0, 0.25 * tol, max_iter
    )
    w = theta[:-1] / s
    b = np.float64(theta[-1] - np.dot(w, mu))
    res = optimality_residual(w, b, X, y, l2, l1, scaled=True)
    if res <= tol:
        return w, b
    raise RuntimeError(
        f"fit did not reach tol={tol:g} (scaled optimality residual {res:.3g}) within "
        f"max_iter={max_iter} Newton steps"
    )
