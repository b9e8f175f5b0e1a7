"""Bounded binary losses of a logit z with a label y in {0, 1}, for learning with noisy labels.

Both are functions of the probability given to the label, p_t = σ(z) for y = 1 and σ(-z) for
y = 0, through the binary cross-entropy s = -log p_t (computed in logit space, see
:mod:`._stable`), so they stay accurate for any finite z:

* ``gce``: generalised cross-entropy (Zhang & Sabuncu, NeurIPS 2018), L_q = (1 - p_t^q) / q =
  -expm1(-q s) / q for q in (0, 1]. q → 0 gives cross-entropy s, q = 1 gives 1 - p_t (half the
  MAE Σ_k |e_k - p_k| of a two-class softmax). Gradient p_t^q (σ(z) - y): cross-entropy's gradient
  weighted by p_t^q.
* ``sce``: symmetric cross-entropy (Wang et al., ICCV 2019), α s + β (-A)(1 - p_t) with
  A = log(label_clip): the reverse cross-entropy -Σ_k p_k log e_k with the one-hot label clipped at
  ``label_clip`` (10⁻⁴ in the authors' code), which makes it a scaled MAE.

A softmax over two logits (z_0, z_1) gives the same values on z = z_1 - z_0.
"""

from __future__ import annotations

import numpy as np

from ._core import Param, declare
from ._stable import sigmoid_pair, softplus_pair


def _bce_and_grad(z, y):
    """(-log p_t, d(-log p_t)/dz = σ(z) - y), both without cancellation."""
    sp, sn = softplus_pair(z)
    s, t = sigmoid_pair(z)
    return y * sn + (1.0 - y) * sp, (1.0 - y) * s - y * t


def _p_t(z, y):
    """p_t = σ(z) for y = 1, σ(-z) for y = 0 (full relative accuracy)."""
    s, t = sigmoid_pair(z)
    return y * s + (1.0 - y) * t


# ------------------------------------------------------------------------------ GCE
def gce_kernel(z, y, q=0.7):
    """(1 - p_t^q)/q = -expm1(-q s)/q with s = -log p_t: exact for tiny s (confident and right)
    and tending to 1/q for huge s (confident and wrong)."""
    ce, _ = _bce_and_grad(z, y)
    return -np.expm1(-q * ce) / q


def gce_kernel_grad(z, y, q=0.7):
    """p_t^q (σ(z) - y) with p_t^q = e^{-q s}."""
    ce, g = _bce_and_grad(z, y)
    return np.exp(-q * ce) * g


declare(
    name="gce",
    view="logit",
    label="GCE",
    color="#6699CC",
    params=(Param("q", 0.7, "unit_left_open", "q", "Box-Cox exponent: q → 0 is CE, 1 is MAE/2"),),
    torch=None,
    functional=(),
    target="binary",
    kernel=gce_kernel,
    kernel_grad=gce_kernel_grad,
    expr=lambda s, z, y, q: (1 - s.exp(-q * (y * s.softplus(-z) + (1 - y) * s.softplus(z)))) / q,
    summary="Generalised cross-entropy (Zhang & Sabuncu 2018): (1 - p_t^q)/q, q in (0, 1]; "
    "the paper's experiments use q = 0.7.",
)


# ------------------------------------------------------------------------------ SCE
def sce_kernel(z, y, alpha=1.0, beta=1.0, label_clip=1e-4):
    """α (-log p_t) + β (-log label_clip) (1 - p_t); 1 - p_t is the other class's probability."""
    ce, _ = _bce_and_grad(z, y)
    return alpha * ce - beta * np.log(label_clip) * _p_t(z, 1.0 - y)


def sce_kernel_grad(z, y, alpha=1.0, beta=1.0, label_clip=1e-4):
    """(α + β (-log label_clip) p_t) (σ(z) - y), since d(1 - p_t)/dz = p_t (σ(z) - y)."""
    _, g = _bce_and_grad(z, y)
    return (alpha - beta * np.log(label_clip) * _p_t(z, y)) * g


def _sce_expr(s, z, y, alpha, beta, label_clip):
    ce = y * s.softplus(-z) + (1 - y) * s.softplus(z)
    p_other = y * s.sigmoid(-z) + (1 - y) * s.sigmoid(z)
    return alpha * ce - beta * s.log(label_clip) * p_other


declare(
    name="sce",
    view="logit",
    label="SCE",
    color="#997700",
    params=(
        Param("alpha", 1.0, "nonneg", "alpha", "weight of cross-entropy"),
        Param("beta", 1.0, "nonneg", "beta", "weight of reverse cross-entropy"),
        Param("label_clip", 1e-4, "open_unit", "c", "one-hot clipped at this value: A = log c"),
    ),
    torch=None,
    functional=(),
    target="binary",
    kernel=sce_kernel,
    kernel_grad=sce_kernel_grad,
    expr=_sce_expr,
    summary="Symmetric cross-entropy (Wang et al. 2019): α CE + β RCE, RCE = -log(c)(1 - p_t); "
    "the paper tunes α and β per data set.",
)
