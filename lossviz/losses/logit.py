"""Binary losses of a logit z with a label y (1 = positive), computed in logit space.

σ(z), σ(-z), softplus(±z) come from one e^{-|z|} (see :mod:`._stable`): every value keeps its
relative accuracy for any finite z, e.g. the loss 4.2e-18 of a confident right answer at z = 40.
"""

from __future__ import annotations

import numpy as np

from ._core import Param, declare
from ._stable import sigmoid_pair, softplus_pair


# ------------------------------------------------------------------------------ BCE
def bce_kernel(z, y, pos_weight=1.0):
    """c·y·softplus(-z) + (1 - y)·softplus(z) (a sum of non-negative terms: no cancellation)."""
    sp, sn = softplus_pair(z)
    pos = y * sn if np.isscalar(pos_weight) and pos_weight == 1.0 else pos_weight * y * sn
    return pos + (1.0 - y) * sp


def bce_kernel_grad(z, y, pos_weight=1.0):
    """(1 - y) σ(z) - c·y·σ(-z) (= σ(z) - y for c = 1, without cancellation where σ(z) ≈ 1)."""
    if np.isscalar(pos_weight) and pos_weight == 1.0:
        # σ(z) - y from u = σ(-|z|) alone: (1 - y) - u for z ≥ 0, u - y below (the same
        # algebra, a third of the passes over the array, and exact 0 - u for y = 1, z ≫ 0)
        u = np.abs(z, out=np.empty_like(z))  # an array also for 0-d z (in-place steps below)
        np.negative(u, out=u)
        np.exp(u, out=u)
        np.divide(u, u + 1.0, out=u)
        return np.where(z >= 0, (1.0 - y) - u, u - y)
    s, t = sigmoid_pair(z)
    pos = y * t if np.isscalar(pos_weight) and pos_weight == 1.0 else pos_weight * y * t
    return (1.0 - y) * s - pos


declare(
    name="bce",
    view="logit",
    label="BCE",
    color="#882255",
    params=(
        Param("pos_weight", 1.0, "nonneg", "c", "weight of the positive term", assume="positive"),
    ),
    torch="torch.nn.functional.binary_cross_entropy_with_logits",
    functional=("binary_cross_entropy_with_logits", "binary_cross_entropy"),
    target="unit",
    kernel=bce_kernel,
    kernel_grad=bce_kernel_grad,
    expr=lambda s, z, y, pos_weight: pos_weight * y * s.softplus(-z) + (1 - y) * s.softplus(z),
    summary="Binary cross-entropy on the logit: -[c y log σ(z) + (1 - y) log(1 - σ(z))]; "
    "lossviz.functional.binary_cross_entropy is the same loss on probabilities p = σ(z).",
)


# ------------------------------------------------------------------------------ focal
def _focal_parts(z, y, alpha):
    """BCE, m = 1 - p_t (no cancellation), σ(z), σ(-z) and α_t."""
    s, t = sigmoid_pair(z)
    sp, sn = softplus_pair(z)
    ce = y * sn + (1.0 - y) * sp
    m = y * t + (1.0 - y) * s  # 1 - p_t with p_t = σ(z) y + σ(-z)(1 - y)
    a_t = alpha * y + (1.0 - alpha) * (1.0 - y) if alpha >= 0 else 1.0
    return ce, m, s, t, a_t


def focal_kernel(z, y, alpha=0.25, gamma=2.0):
    """α_t (1 - p_t)^γ BCE(z, y) (torchvision's convention; α < 0 disables α_t)."""
    ce, m, _, _, a_t = _focal_parts(z, y, alpha)
    return a_t * ce * m**gamma


def focal_kernel_grad(z, y, alpha=0.25, gamma=2.0):
    """α_t [(σ(z) - y) m^γ + γ ce m^{γ-1} (1 - 2y) σ(z) σ(-z)], m = 1 - p_t."""
    ce, m, s, t, a_t = _focal_parts(z, y, alpha)
    mg = m**gamma
    # γ m^{γ-1} σσ' written as γ m^γ (σ(z)σ(-z)/m): finite for γ < 1; where m underflows to 0
    # the term is 0 (its limit: m^γ → 0 for γ > 0, and γ = 0 removes it)
    pos_m = m > 0
    focus = np.where(pos_m, gamma * mg * (s * t / np.where(pos_m, m, 1.0)), 0.0)
    return a_t * (((1.0 - y) * s - y * t) * mg + ce * focus * (1.0 - 2.0 * y))


def _focal_expr(s, z, y, alpha, gamma):
    sg = s.sigmoid(z)
    m = y * (1 - sg) + (1 - y) * sg
    a_t = alpha * y + (1 - alpha) * (1 - y)
    return a_t * m**gamma * (y * s.softplus(-z) + (1 - y) * s.softplus(z))


declare(
    name="focal",
    view="logit",
    label="focal",
    color="#44AA99",
    params=(
        Param(
            "alpha",
            0.25,
            "at_most_one",
            "alpha",
            "weight of positives; < 0 disables α_t",
            assume="nonnegative",
        ),
        Param("gamma", 2.0, "nonneg", "gamma", "focusing exponent"),
    ),
    torch="torchvision.ops.sigmoid_focal_loss",
    functional=("sigmoid_focal_loss",),
    target="unit",
    kernel=focal_kernel,
    kernel_grad=focal_kernel_grad,
    expr=_focal_expr,
    summary="Focal loss (Lin et al. 2017): α_t (1 - p_t)^γ BCE; the sympy form assumes α ≥ 0.",
)


# ------------------------------------------------------------------------------ ASL
def _asl_parts(z, clip):
    """σ(z), σ(-z), p_m = max(σ(z) - clip, 0) and -log(1 - p_m), without cancellation.

    1 - p_m = σ(-z) + clip where p_m > 0: finite for any clip ≥ 0."""
    s, t = sigmoid_pair(z)
    if clip == 0.0:
        return s, t, s, softplus_pair(z)[0]  # -log σ(-z) = softplus(z)
    pm = np.maximum(s - clip, 0.0)
    # -log(1 - p_m): as -log1p(-p_m) while p_m < 1/2 (σ(-z) + clip would round away a tiny
    # clip), as -log(σ(-z) + clip) beyond (1 - p_m rounds to 0 once σ(z) rounds to 1)
    low = s < 0.5
    nl = np.where(pm > 0, np.where(low, -np.log1p(-np.where(low, pm, 0.0)), -np.log(t + clip)), 0.0)
    return s, t, pm, nl


def asl_kernel(z, y, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    """y (1 - p)^{γ+} softplus(-z) + (1 - y) p_m^{γ-} (-log(1 - p_m)), p = σ(z)."""
    s, t, pm, nl = _asl_parts(z, clip)
    pos = softplus_pair(z)[1] if gamma_pos == 0.0 else t**gamma_pos * softplus_pair(z)[1]
    neg = nl if gamma_neg == 0.0 else pm**gamma_neg * nl
    return y * pos + (1.0 - y) * neg


def asl_kernel_grad(z, y, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    """The true derivative, focusing weights included (see lossviz.functional.asymmetric_loss)."""
    s, t, pm, nl = _asl_parts(z, clip)
    g_pos = -(t**gamma_pos) * (t + gamma_pos * s * softplus_pair(z)[1])
    active = pm > 0
    safe_pm = np.where(active, pm, 1.0)
    # (1 - p)/(1 - p_m) = σ(-z)/(σ(-z) + clip) on the active set
    ratio = t / (t + clip) if clip > 0 else 1.0
    # γ p_m^{γ-1}(-log(1 - p_m)) written as γ p_m^γ (-log(1 - p_m)/p_m): finite for γ < 1
    g_neg = np.where(active, s * pm**gamma_neg * (ratio + gamma_neg * t * (nl / safe_pm)), 0.0)
    return y * g_pos + (1.0 - y) * g_neg


def _asl_expr(s, z, y, gamma_pos, gamma_neg, clip):
    sg = s.sigmoid(z)
    pm = sg - clip
    neg = s.Piecewise((-(pm**gamma_neg) * s.log(1 - pm), sg > clip), (0, True))
    return y * (1 - sg) ** gamma_pos * s.softplus(-z) + (1 - y) * neg


declare(
    name="asl",
    view="logit",
    label="ASL",
    color="#999933",
    params=(
        Param("gamma_pos", 0.0, "nonneg", "gamma_+", "focusing exponent of positives"),
        Param("gamma_neg", 4.0, "nonneg", "gamma_-", "focusing exponent of negatives"),
        Param("clip", 0.05, "unit_open", "m", "probability margin m of negatives"),
    ),
    torch=None,
    functional=("asymmetric_loss",),
    target="binary",
    kernel=asl_kernel,
    kernel_grad=asl_kernel_grad,
    expr=_asl_expr,
    summary="Asymmetric loss (Ridnik et al. 2021) with probability shifting p_m = max(p - m, 0).",
)
