"""The bounded losses for noisy labels (``gce``, ``sce``) against independent references.

References: mpmath at 50 digits from the papers' formulas, (1 - p^q)/q (Zhang & Sabuncu 2018) and
α CE + β RCE with the one-hot clipped at c (Wang et al. 2019, as in the authors' code); sympy's
derivative of the declared expression; central finite differences; hypothesis properties.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv

GCE = lv.losses.get("gce")
SCE = lv.losses.get("sce")

mp.mp.dps = 50

logits = st.floats(-30.0, 30.0, allow_nan=False)
labels = st.sampled_from([0.0, 1.0])
qs = st.floats(1e-3, 1.0)


def _p_label(z, y):
    """Probability of the label under a sigmoid, in mpmath."""
    s = 1 / (1 + mp.e ** (-mp.mpf(z)))
    return s if y == 1 else 1 - s


def _gce_ref(z, y, q):
    return (1 - _p_label(z, y) ** mp.mpf(q)) / mp.mpf(q)


def _sce_ref(z, y, alpha, beta, clip):
    p = _p_label(z, y)
    return mp.mpf(alpha) * (-mp.log(p)) + mp.mpf(beta) * (-(1 - p) * mp.log(mp.mpf(clip)))


@settings(max_examples=200, deadline=None)
@given(logits, labels, qs)
def test_gce_matches_mpmath(z, y, q):
    got = float(GCE.value(z, y, q=q))
    assert got == pytest.approx(float(_gce_ref(z, y, q)), rel=1e-10, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(logits, labels, qs)
def test_gce_gradient_matches_mpmath_derivative(z, y, q):
    ref = mp.diff(lambda t: _gce_ref(t, y, q), mp.mpf(z))
    assert float(GCE.grad(z, y, q=q)) == pytest.approx(float(ref), rel=1e-8, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(logits, labels, qs)
def test_gce_lies_between_zero_and_min_of_ce_and_one_over_q(z, y, q):
    # (1 - p^q)/q = ∫_0^s e^{-q t} dt with s = -log p: below s (cross-entropy) and below 1/q.
    value = float(GCE.value(z, y, q=q))
    ce = float(lv.functional.binary_cross_entropy_with_logits([z], [y]))
    assert 0.0 <= value <= min(ce, 1.0 / q) * (1 + 1e-12)


@settings(max_examples=100, deadline=None)
@given(logits, labels, st.floats(1e-3, 0.999), st.floats(1e-3, 0.999))
def test_gce_decreases_with_q(z, y, q1, q2):
    lo, hi = sorted((q1, q2))
    assert float(GCE.value(z, y, q=hi)) <= float(GCE.value(z, y, q=lo)) * (1 + 1e-12)


def test_gce_endpoints():
    z = np.linspace(-20, 20, 81)
    y = (np.arange(81) % 2).astype(float)
    ce = lv.functional.binary_cross_entropy_with_logits(z, y, reduction="none")
    # q -> 0 is cross-entropy (first-order error q s^2 / 2)
    np.testing.assert_allclose(GCE.value(z, y, q=1e-10), ce, rtol=1e-7)
    # q = 1 is 1 - p_t = the other class's probability (computed without subtraction) ...
    p_other = np.where(y == 1, 1 / (1 + np.exp(z)), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(GCE.value(z, y, q=1.0), p_other, rtol=1e-12)
    # ... which is half the two-class MAE sum_k |e_k - p_k| (that form subtracts: looser tolerance)
    p = np.stack([1 / (1 + np.exp(z)), 1 / (1 + np.exp(-z))], axis=1)
    mae = np.abs(np.eye(2)[y.astype(int)] - p).sum(axis=1)
    np.testing.assert_allclose(GCE.value(z, y, q=1.0), mae / 2, rtol=1e-8, atol=1e-15)


def test_gce_equals_two_class_softmax_gce():
    rng = np.random.default_rng(0)
    Z = rng.normal(0, 4, size=(300, 2))
    y = rng.integers(0, 2, 300)
    log_p = lv.functional.log_softmax(Z)[np.arange(300), y]
    ref = -np.expm1(0.7 * log_p) / 0.7
    np.testing.assert_allclose(GCE.value(Z[:, 1] - Z[:, 0], y, q=0.7), ref, rtol=1e-12, atol=1e-300)


def test_gce_is_finite_and_accurate_at_extreme_logits():
    z = np.array([-1e4, -40.0, 40.0, 1e4])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    value, grad = GCE.value(z, y), GCE.grad(z, y)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    # confidently wrong: the loss tends to 1/q and the gradient to 0 (the sample is ignored)
    assert value[0] == pytest.approx(1 / 0.7) and value[3] == pytest.approx(1 / 0.7)
    assert abs(grad[0]) < 1e-300 and abs(grad[3]) < 1e-300
    # confidently right: ≈ softplus(-40) = 4.25e-18 (relative accuracy kept)
    assert value[1] == pytest.approx(math.exp(-40), rel=1e-9)


@pytest.mark.parametrize("name", ["gce", "sce"])
def test_sympy_form_matches_kernel(name):
    L = lv.losses.get(name)
    form = lv.symbolic.loss(name)
    params = {p.name: sp.Float(v) for p, v in zip(L.params, L.defaults.values(), strict=True)}
    symbols = {form.params[n]: v for n, v in params.items()}
    expr = form.expr.subs(symbols).rewrite(sp.exp)
    d_expr = sp.diff(form.expr, form.var).subs(symbols).rewrite(sp.exp)
    for zv in (-7.5, -1.0, 0.0, 0.3, 6.0):
        for yv in (0, 1):
            at = {form.var: zv, form.target: yv}
            assert float(L.value(zv, yv)) == pytest.approx(
                float(expr.subs(at).evalf(30)), rel=1e-12
            )
            assert float(L.grad(zv, yv)) == pytest.approx(
                float(d_expr.subs(at).evalf(30)), rel=1e-10
            )


@settings(max_examples=150, deadline=None)
@given(
    logits,
    labels,
    st.floats(0.0, 5.0),
    st.floats(0.0, 5.0),
    st.floats(1e-8, 0.5),
)
def test_sce_matches_mpmath_and_the_clipped_one_hot_formula(z, y, alpha, beta, clip):
    got = float(SCE.value(z, y, alpha=alpha, beta=beta, label_clip=clip))
    assert got == pytest.approx(float(_sce_ref(z, y, alpha, beta, clip)), rel=1e-10, abs=1e-300)
    ref_grad = mp.diff(lambda t: _sce_ref(t, y, alpha, beta, clip), mp.mpf(z))
    g = float(SCE.grad(z, y, alpha=alpha, beta=beta, label_clip=clip))
    assert g == pytest.approx(float(ref_grad), rel=1e-8, abs=1e-12)


def test_sce_reverse_term_equals_the_authors_clipped_implementation():
    # RCE = -sum_k p_k log(clip(e_k, c, 1)) with a two-class softmax, computed the authors' way
    rng = np.random.default_rng(1)
    Z = rng.normal(0, 3, size=(200, 2))
    y = rng.integers(0, 2, 200)
    p = np.exp(lv.functional.log_softmax(Z))
    rce = -np.sum(p * np.log(np.clip(np.eye(2)[y], 1e-4, 1.0)), axis=1)
    ce = -lv.functional.log_softmax(Z)[np.arange(200), y]
    got = SCE.value(Z[:, 1] - Z[:, 0], y, alpha=0.1, beta=1.0, label_clip=1e-4)
    np.testing.assert_allclose(got, 0.1 * ce + rce, rtol=1e-12)


@pytest.mark.parametrize("name", ["gce", "sce"])
def test_gradient_matches_finite_differences(name):
    L = lv.losses.get(name)
    z = np.linspace(-6, 6, 25)
    for y in (0.0, 1.0):
        h = 1e-6
        fd = (L.value(z + h, y) - L.value(z - h, y)) / (2 * h)
        np.testing.assert_allclose(L.grad(z, y), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5, float("nan")])
def test_gce_rejects_q_outside_the_half_open_unit_interval(bad):
    with pytest.raises(ValueError, match="q"):
        GCE.value(0.0, 1.0, q=bad)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="y"):
        GCE.value([0.0], [0.5])  # labels must be 0 or 1
    with pytest.raises(ValueError, match="label_clip"):
        SCE.value(0.0, 1.0, label_clip=1.0)
    with pytest.raises(ValueError, match="beta"):
        SCE.value(0.0, 1.0, beta=-1.0)
    with pytest.raises(TypeError, match="gamma"):
        GCE.value(0.0, 1.0, gamma=2.0)
    with pytest.raises(TypeError, match="label y"):
        GCE.value(0.0)


def test_gce_gradient_is_cross_entropy_gradient_times_p_t_to_the_q():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 3, 100)
    y = rng.integers(0, 2, 100).astype(float)
    p_t = np.where(y == 1, 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(z)))
    ce_grad = lv.functional.binary_cross_entropy_with_logits_grad(z, y, reduction="none")
    np.testing.assert_allclose(GCE.grad(z, y, q=0.7), p_t**0.7 * ce_grad, rtol=1e-12)
