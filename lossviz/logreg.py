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
"""

from __future__ import annotations

import numpy as np

from . import _validation as V
from .functional import sigmoid, softplus

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
    "fit",
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


def optimality_residual(w, b, X, y, l2: float = 0.0, l1: float = 0.0):
    """Distance of 0 from the subdifferential of J at (w, b), in the max-norm.

    With g = ∇(smooth part): |g_j + l1·sign(w_j)| for w_j ≠ 0, max(|g_j| - l1, 0) for w_j = 0
    (the KKT condition w_j = 0 ⇔ |g_j| ≤ l1), and |∂J/∂b|. It is 0 exactly at a minimiser.
    """
    X, y = _data(X, y)
    w, b = _params(w, b, X.shape[1])
    l2, l1 = _penalties(l2, l1)
    gw, gb = _smooth_grad(w, b, X, y, l2)
    return _residual(gw, gb, w, l1)


def soft_threshold(v, t):
    """Proximal operator of t·||·||₁: sign(v)·max(|v| - t, 0) (elementwise)."""
    v = V.as_array(v, "v")
    t = V.nonneg(t, "t")
    # "+ 0.0" turns the -0.0 that sign(v) * 0 gives for negative v into +0.0 (prints as 0).
    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0) + 0.0


# ----------------------------------------------------------------------------------------------
# fitting
# ----------------------------------------------------------------------------------------------
def _separates(w, b, X, y):
    """True if (w, b) is a recession direction: every point on its side of the hyperplane or on
    it (margin y~ z >= 0, up to rounding), at least one strictly. Then J(t w, t b) decreases for
    all t > 0, which proves that no finite minimiser exists (separable or quasi-separable data).
    At a finite minimiser some point always has a negative margin, so this never fires there."""
    z = X @ w + b
    margin = np.where(y == 1, z, -z)
    tol = 1e-8 * np.hypot(np.linalg.norm(w), b) * np.sqrt(1.0 + np.sum(X * X, axis=1))
    return bool(np.all(margin >= -tol) and np.any(margin > tol))


def _newton_direction(H, g):
    """Solve H s = g; on the numerically singular part (redundant features without L2, where the
    minimiser is not unique) take the minimum-norm step, so the iterates stay finite."""
    evals, evecs = np.linalg.eigh(H)
    keep = evals > 1e-12 * max(evals[-1], 1e-300)
    coef = np.where(keep, (evecs.T @ g) / np.where(keep, evals, 1.0), 0.0)
    return evecs @ coef


def _prox_newton_direction(H, gw, gb, w, l1, sweeps=2000):
    """Minimise the quadratic model gᵀd + ½dᵀHd + l1||w + d_w||₁ by cyclic coordinate descent."""
    d_all = np.zeros(w.size + 1)
    g_all = np.append(gw, gb)
    Hd = np.zeros_like(d_all)
    diag = np.diag(H).copy()
    diag[diag <= 0] = 1e-300  # an all-zero column: its coordinate stays put (soft-threshold to 0)
    for _ in range(sweeps):
        biggest = 0.0
        for j in range(d_all.size):
            gj = g_all[j] + Hd[j]
            old = d_all[j]
            if j == w.size:  # intercept: unpenalised Newton coordinate step
                new = old - gj / diag[j]
            else:
                u = w[j] + old - gj / diag[j]
                new = np.sign(u) * max(abs(u) - l1 / diag[j], 0.0) - w[j]
            step = new - old
            if step != 0.0:
                d_all[j] = new
                Hd += H[:, j] * step
                biggest = max(biggest, abs(step))
        if biggest <= 1e-15 * (1.0 + np.max(np.abs(d_all))):
            break
    return d_all[:-1], d_all[-1]


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
    """Minimise J(w, b) exactly; return ``(w, b)`` with :func:`optimality_residual` ≤ ``tol``.

    Solver: damped Newton (IRLS) for L2/no penalty; proximal Newton for L1 (each step minimises
    the quadratic model plus l1||w||₁ by coordinate descent, then a backtracking line search on
    J). Both converge quadratically near the optimum; the residual is the max-norm distance of 0
    from the subdifferential, so exact zeros of the L1 solution satisfy |∂_j J| ≤ l1.

    Raises :class:`NoFiniteOptimumError` (a ``ValueError``; an error rather than a warning, because
    any returned (w, b) would be an arbitrary point on a path to infinity) when no finite
    minimiser exists: all labels equal (b → ±∞), or, without any penalty, separable or
    quasi-separable data (J keeps decreasing as ||w|| → ∞). The latter is detected when an iterate
    puts every point on its side of the hyperplane or on it, at least one strictly, which proves
    it. Add ``l2 > 0`` (or ``l1 > 0``) to get a finite solution. Raises ``RuntimeError`` if
    ``tol`` is not reached within ``max_iter`` steps.
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
    unpenalised = l2 == 0.0 and l1 == 0.0

    f = _value(w, b, X, y, l2, l1)
    for _ in range(max_iter):
        gw, gb = _smooth_grad(w, b, X, y, l2)
        if unpenalised and _separates(w, b, X, y):
            raise _separable_error()
        if _residual(gw, gb, w, l1) <= tol:
            return w, np.float64(b)
        H = _hessian(w, b, X, l2)
        if l1 == 0.0:
            step = _newton_direction(H, np.append(gw, gb))
            dw, db = -step[:-1], -step[-1]
            decrease = gw @ dw + gb * db
        else:
            dw, db = _prox_newton_direction(H, gw, gb, w, l1)
            decrease = gw @ dw + gb * db + l1 * (np.sum(np.abs(w + dw)) - np.sum(np.abs(w)))
        t = 1.0
        for _ in range(60):  # backtracking (Armijo); small slack for rounding near the optimum
            w_new, b_new = w + t * dw, b + t * db
            f_new = _value(w_new, b_new, X, y, l2, l1)
            if f_new <= f + 1e-4 * t * decrease + 1e-15 * abs(f):
                break
            t *= 0.5
        else:
            break  # no decrease possible at machine precision: stop and report below
        w, b, f = w_new, b_new, f_new
    gw, gb = _smooth_grad(w, b, X, y, l2)
    res = _residual(gw, gb, w, l1)
    if unpenalised and _separates(w, b, X, y):
        raise _separable_error()
    if res <= tol:
        return w, np.float64(b)
    raise RuntimeError(
        f"fit did not reach tol={tol:g} (optimality residual {res:.3g}, ||w|| = "
        f"{np.linalg.norm(w):.3g}); without a penalty this usually means the data are "
        "(quasi-)separable and no finite optimum exists: use l2 > 0"
    )


def _separable_error():
    return NoFiniteOptimumError(
        "the data are linearly separable (or quasi-separable) and there is no penalty "
        "(l2 = l1 = 0): the loss keeps decreasing as ||w|| → ∞, so no finite optimum exists; "
        "use l2 > 0 or l1 > 0"
    )
