"""High-precision references for every loss, written independently of lossviz with mpmath.

Each reference maps float inputs (taken as exact rationals) to the exact loss and derivative,
evaluated at ``DPS`` significant digits (more for huge arguments, see :func:`digits`). Used by
``tests/test_numerics_properties.py`` (small hypothesis runs) and by ``tests/fuzz_losses.py``
(the large fuzz). Formulas are the textbook/PyTorch definitions, not lossviz's evaluation tricks.
"""

from __future__ import annotations

import math

import mpmath as mp

DPS = 60
FLOAT_MAX = 1.7976931348623157e308
FLOAT_TINY = 2.2250738585072014e-308  # smallest normal float
EPS32 = 9.999999960041972e-13  # float32(1e-12), PyTorch's BCE gradient clamp


def digits(*xs) -> int:
    """Working precision: enough for exp/log of arguments up to the float maximum."""
    big = max((abs(float(x)) for x in xs if math.isfinite(float(x))), default=0.0)
    return DPS + (int(math.log10(big)) if big > 1 else 0)


def sig(z):
    return 1 / (1 + mp.exp(-z))


def softplus(z):
    """log(1 + e^z), as log1p so that tiny values keep their digits."""
    return mp.log1p(mp.exp(z))


def rel_error(got: float, exact) -> float | None:
    """|got - exact| / |exact| where the exact value is a normal float; None where it is beyond
    the float range or subnormal (not scored). An exact 0 must be returned as 0, and a finite exact
    value as a finite float (error inf otherwise)."""
    if exact == 0:
        return 0.0 if got == 0 else math.inf
    a = abs(exact)
    if a > FLOAT_MAX:
        return None
    if not math.isfinite(got):
        return math.inf  # NaN or inf where the exact value is finite
    if a < FLOAT_TINY:
        return None  # subnormal: relative accuracy is not promised (finiteness is)
    return float(abs(mp.mpf(got) - exact) / a)


# ----------------------------------------------------------------------------------------------
# per-element references: name -> (value(v, y, **params), derivative(v, y, **params))
# ----------------------------------------------------------------------------------------------
def _sign(x):
    return (x > 0) - (x < 0)


def _smooth_l1(r, beta):
    a = abs(r)
    if beta == 0:
        return a
    return a * a / (2 * beta) if a < beta else a - beta / 2


def _smooth_l1_d(r, beta):
    if beta == 0:
        return mp.mpf(_sign(r))
    return r / beta if abs(r) < beta else mp.mpf(_sign(r))


def _huber(r, delta):
    a = abs(r)
    return a * a / 2 if a < delta else delta * (a - delta / 2)


def _huber_d(r, delta):
    return r if abs(r) <= delta else delta * _sign(r)


def _barron(r, alpha, c):
    t2 = (r / c) ** 2
    if alpha == 2:
        return t2 / 2
    if alpha == 0:
        return mp.log1p(t2 / 2)
    if alpha == -mp.inf:
        return -mp.expm1(-t2 / 2)
    b = abs(alpha - 2)
    # (x + 1)^(α/2) - 1 = expm1(α/2 · log1p(x)): the same number, without losing tiny values
    return b / alpha * mp.expm1(alpha / 2 * mp.log1p(t2 / b))


def _barron_d(r, alpha, c):
    t2 = (r / c) ** 2
    if alpha == 2:
        return r / c**2
    if alpha == -mp.inf:
        return r / c**2 * mp.exp(-t2 / 2)
    b = 2 if alpha == 0 else abs(alpha - 2)
    return r / c**2 * (t2 / b + 1) ** (alpha / 2 - 1)


def _tukey(r, c):
    if abs(r) > c:
        return c**2 / 6
    v = (r / c) ** 2
    return c**2 / 6 * v * (3 - 3 * v + v * v)  # 1 - (1 - v)³ expanded


def _tukey_d(r, c):
    return r * (1 - (r / c) ** 2) ** 2 if abs(r) <= c else mp.mpf(0)


def _pinball(r, tau):
    u = -r  # ρ_τ(u) with u = y - ŷ = -r
    return u * (tau - (1 if u < 0 else 0))


def _pinball_d(r, tau):
    return mp.mpf(0) if r == 0 else (1 - tau if r > 0 else -tau)


# log σ(z) = -softplus(-z) and 1 - σ(z) = σ(-z) are identities; they keep mpmath's working
# precision meaningful where σ(z) is within 10^-60 of 1.
def _bce(z, y, pos_weight=1):
    return pos_weight * y * softplus(-z) + (1 - y) * softplus(z)


def _bce_d(z, y, pos_weight=1):
    return (1 - y) * sig(z) - pos_weight * y * sig(-z)


def _focal(z, y, alpha, gamma):
    p = sig(z)
    ce = _bce(z, y)
    m = y * sig(-z) + (1 - y) * p  # 1 - p_t
    at = alpha * y + (1 - alpha) * (1 - y) if alpha >= 0 else 1
    return at * m**gamma * ce


def _focal_d(z, y, alpha, gamma):
    p, q = sig(z), sig(-z)
    ce = _bce(z, y)
    m = y * q + (1 - y) * p
    at = alpha * y + (1 - alpha) * (1 - y) if alpha >= 0 else 1
    dm = (1 - 2 * y) * p * q
    focus = gamma * m ** (gamma - 1) * dm if (m > 0 and gamma > 0) else 0
    return at * (((1 - y) * p - y * q) * m**gamma + ce * focus)


def _asl(z, y, gamma_pos, gamma_neg, clip):
    p, q = sig(z), sig(-z)
    if y == 1:
        return q**gamma_pos * softplus(-z)
    pm = p - clip
    return pm**gamma_neg * _neg_log_1m(pm, p, q, clip) if pm > 0 else mp.mpf(0)


def _neg_log_1m(pm, p, q, clip):
    """-log(1 - p_m) with 1 - p_m = σ(-z) + clip: as -log1p(-p_m) for small p (σ(-z) is then
    within 10^-60 of 1 and the sum would lose p_m's digits), else from σ(-z) + clip."""
    return -mp.log1p(-pm) if p < 0.5 else -mp.log(q + clip)


def _asl_d(z, y, gamma_pos, gamma_neg, clip):
    p, q = sig(z), sig(-z)
    dp = p * q
    if y == 1:
        d = -(q**gamma_pos) * q
        if gamma_pos > 0:
            d -= gamma_pos * q ** (gamma_pos - 1) * dp * softplus(-z)
        return d
    pm = p - clip
    if pm <= 0:
        return mp.mpf(0)
    d = pm**gamma_neg / (q + clip)
    if gamma_neg > 0:
        d += gamma_neg * pm ** (gamma_neg - 1) * _neg_log_1m(pm, p, q, clip)
    return d * dp


RESIDUAL = {
    "l1": (lambda r: abs(r), lambda r: mp.mpf(_sign(r))),
    "mse": (lambda r: r * r, lambda r: 2 * r),
    "smooth_l1": (_smooth_l1, _smooth_l1_d),
    "huber": (_huber, _huber_d),
    "pseudo_huber": (
        # δ²(√(1 + a²) - 1) written as δ² a²/(√(1 + a²) + 1): mpmath's digits survive tiny a
        lambda r, delta: delta**2 * (r / delta) ** 2 / (mp.sqrt(1 + (r / delta) ** 2) + 1),
        lambda r, delta: r / mp.sqrt(1 + (r / delta) ** 2),
    ),
    "barron": (_barron, _barron_d),
    "welsch": (lambda r, c: _barron(r, -mp.inf, c), lambda r, c: _barron_d(r, -mp.inf, c)),
    "geman_mcclure": (
        lambda r, c: 2 * (r / c) ** 2 / ((r / c) ** 2 + 4),
        lambda r, c: 16 * r / (c**2 * ((r / c) ** 2 + 4) ** 2),
    ),
    "tukey_biweight": (_tukey, _tukey_d),
    "gaussian_nll": (
        lambda r, sigma: r**2 / (2 * sigma**2) + mp.log(sigma) + mp.log(2 * mp.pi) / 2,
        lambda r, sigma: r / sigma**2,
    ),
    "laplace_nll": (
        lambda r, b: abs(r) / b + mp.log(2 * b),
        lambda r, b: mp.mpf(_sign(r)) / b,
    ),
    "pinball": (_pinball, _pinball_d),
}
LOGIT = {
    "bce": (_bce, _bce_d),
    "focal": (_focal, _focal_d),
    "asl": (_asl, _asl_d),
}
MARGIN = {
    "hinge": (lambda m: max(1 - m, mp.mpf(0)), lambda m: mp.mpf(-1) if m < 1 else mp.mpf(0)),
    "squared_hinge": (
        lambda m: max(1 - m, mp.mpf(0)) ** 2,
        lambda m: -2 * max(1 - m, mp.mpf(0)),
    ),
    "logistic": (lambda m: softplus(-m), lambda m: -1 / (1 + mp.exp(m))),
    "exponential": (lambda m: mp.exp(-m), lambda m: -mp.exp(-m)),
}
ELEMENTWISE = {**RESIDUAL, **LOGIT, **MARGIN}


# ----------------------------------------------------------------------------------------------
# per-sample references of the score-vector losses (one row)
# ----------------------------------------------------------------------------------------------
def cross_entropy_row(z, target, *, weight=None, label_smoothing=0):
    """(ℓ, dℓ/dz) for one row of logits; ``target`` is a class index or a probability vector."""
    c = len(z)
    w = [1] * c if weight is None else [mp.mpf(v) for v in weight]
    if isinstance(target, int):
        q = [mp.mpf(1 if k == target else 0) for k in range(c)]
    else:
        q = [mp.mpf(v) for v in target]
    eps = mp.mpf(label_smoothing)
    q = [(1 - eps) * v + eps / c for v in q]
    # lse - z_k = log Σ_j e^{z_j - z_k} = log1p(Σ_{j≠k} e^{z_j - z_k}) (keeps tiny losses' digits)
    nll = [mp.log1p(mp.fsum(mp.exp(z[j] - z[k]) for j in range(c) if j != k)) for k in range(c)]
    loss = mp.fsum(w[k] * q[k] * nll[k] for k in range(c))
    soft = [mp.exp(-v) for v in nll]
    # dℓ/dz_k = Σ_j w_j q_j (s_k - [j = k]) = s_k Σ_{j≠k} w_j q_j - w_k q_k Σ_{j≠k} s_j (the same
    # number; 1 - s_k as a sum keeps its digits when s_k is within 10^-60 of 1)
    grad = [
        soft[k] * mp.fsum(w[j] * q[j] for j in range(c) if j != k)
        - w[k] * q[k] * mp.fsum(soft[j] for j in range(c) if j != k)
        for k in range(c)
    ]
    return loss, grad


def zlpr_row(s, y):
    neg = [mp.exp(v) for v, t in zip(s, y, strict=True) if t == 0]
    pos = [mp.exp(-v) for v, t in zip(s, y, strict=True) if t == 1]
    zn, zp = 1 + mp.fsum(neg), 1 + mp.fsum(pos)
    loss = mp.log1p(mp.fsum(neg)) + mp.log1p(mp.fsum(pos))
    grad = [mp.exp(v) / zn if t == 0 else -mp.exp(-v) / zp for v, t in zip(s, y, strict=True)]
    return loss, grad


def multilabel_soft_margin_row(s, y):
    c = len(s)
    loss = mp.fsum(_bce(v, t) for v, t in zip(s, y, strict=True)) / c
    grad = [_bce_d(v, t) / c for v, t in zip(s, y, strict=True)]
    return loss, grad


def binary_cross_entropy(p, y):
    """PyTorch's BCE on probabilities (log clamped at -100) and its gradient formula."""
    lp = max(mp.log(p), -100) if p > 0 else mp.mpf(-100)
    l1p = max(mp.log1p(-p), -100) if p < 1 else mp.mpf(-100)
    loss = -(y * lp + (1 - y) * l1p)
    grad = (p - y) / max(p * (1 - p), mp.mpf(EPS32))
    return loss, grad
