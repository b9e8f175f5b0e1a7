"""lossviz.losses: the registry API, every declaration complete, derivatives against finite
differences, and the defining properties of the losses the registry adds (hinge, squared hinge,
logistic, exponential, pinball). Values against sympy: ``test_symbolic.py``; against mpmath:
``test_numerics_properties.py``."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.mathtext import MathTextParser

import lossviz as lv
from lossviz import functional as F
from lossviz import losses

FAST = settings(max_examples=40, deadline=None, derandomize=True)
ELEMENTWISE = [n for n in losses.names() if losses.get(n).view != "scores"]
NEW = ("hinge", "squared_hinge", "logistic", "exponential", "pinball")


# ----------------------------------------------------------------------------------------------
# API and declarations
# ----------------------------------------------------------------------------------------------
def test_registry_lists_every_loss_once_with_one_name():
    names = losses.names()
    assert len(names) == len(set(names)) == len(losses.REGISTRY)
    assert set(NEW) <= set(names)
    assert [L.name for L in losses.all()] == list(names)
    assert losses.names("margin") == ("hinge", "squared_hinge", "logistic", "exponential")
    for old in ("sigmoid_focal", "bce_with_logits", "asymmetric", "l2", "focal_loss"):
        with pytest.raises(ValueError, match=f"unknown loss {old!r}"):
            losses.get(old)
    with pytest.raises(TypeError, match="name must be a str"):
        losses.get(3)
    with pytest.raises(ValueError, match="view must be one of"):
        losses.names("probability")
    assert lv.losses is losses


@pytest.mark.parametrize("name", losses.names())
def test_every_declaration_is_complete(name):
    L = losses.get(name)
    assert re.fullmatch(r"[a-z][a-z0-9_]*", L.name)
    assert re.fullmatch(r"#[0-9A-F]{6}", L.color)
    assert L.label and L.summary
    # the label renders with matplotlib's mathtext (no LaTeX install needed)
    MathTextParser("path").parse(L.label)
    for fname in L.functional:
        assert callable(getattr(F, fname)) and callable(getattr(F, fname + "_grad"))
    if L.view != "scores":
        assert L.kernel is not None and L.kernel_grad is not None and L.expr is not None
        for p in L.params:
            assert p.check(p.default) == p.default  # every default satisfies its constraint
    assert name in repr(L)


def test_value_and_grad_check_their_input():
    L = losses.get("smooth_l1")
    with pytest.raises(ValueError, match="beta must be >= 0"):
        L.value([1.0], beta=-1)
    with pytest.raises(TypeError, match=r"unknown parameter\(s\) \['delta'\]"):
        L.value([1.0], delta=1.0)
    with pytest.raises(ValueError, match="r must contain only finite"):
        L.grad([np.nan])
    with pytest.raises(TypeError, match="takes no y"):
        L.value([1.0], [0.0])
    with pytest.raises(TypeError, match="needs the label y"):
        losses.get("bce").value([1.0])
    with pytest.raises(ValueError, match="y must contain only 0 and 1"):
        losses.get("asl").value([1.0], [0.5])
    with pytest.raises(ValueError, match="y must contain labels in"):
        losses.get("focal").value([1.0], [2.0])
    with pytest.raises(ValueError, match="y must broadcast"):
        losses.get("bce").value([1.0, 2.0], [0.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="per-sample loss of a score vector"):
        losses.get("ce").value([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"tau must be in \(0, 1\)"):
        losses.get("pinball").value([1.0], tau=1.0)
    out = losses.get("huber").value(2.0)
    assert isinstance(out, np.ndarray) and out.shape == () and out == 1.5
    # the label broadcasts against the logits
    np.testing.assert_array_equal(
        losses.get("bce").value([0.0, 1.0], 1), losses.get("bce").value([0.0, 1.0], [1, 1])
    )


@pytest.mark.parametrize(
    ("name", "fname", "params"),
    [
        ("l1", "l1_loss", {}),
        ("mse", "mse_loss", {}),
        ("smooth_l1", "smooth_l1_loss", {"beta": 0.7}),
        ("huber", "huber_loss", {"delta": 1.9}),
    ],
)
def test_functional_regression_losses_are_the_residual_view(name, fname, params):
    rng = np.random.default_rng(4)
    x, t = rng.normal(size=50) * 3, rng.normal(size=50)
    L = losses.get(name)
    np.testing.assert_array_equal(
        getattr(F, fname)(x, t, reduction="none", **params), L.value(x - t, **params)
    )
    np.testing.assert_array_equal(
        getattr(F, fname + "_grad")(x, t, reduction="none", **params), L.grad(x - t, **params)
    )


def test_functional_logit_losses_are_the_logit_view():
    rng = np.random.default_rng(5)
    z, y = rng.normal(size=40) * 5, (rng.random(40) < 0.5).astype(float)
    pairs = [
        ("bce", F.binary_cross_entropy_with_logits, {}),
        ("focal", F.sigmoid_focal_loss, {"alpha": 0.6, "gamma": 1.5}),
        ("asl", F.asymmetric_loss, {"gamma_neg": 2.0, "clip": 0.1}),
    ]
    for name, fn, kw in pairs:
        np.testing.assert_array_equal(
            fn(z, y, reduction="none", **kw), losses.get(name).value(z, y, **kw)
        )


# ----------------------------------------------------------------------------------------------
# derivatives against central finite differences, away from kinks
# ----------------------------------------------------------------------------------------------
KINKS = {
    "l1": [0.0],
    "smooth_l1": ["beta", "-beta"],
    "huber": ["delta", "-delta"],
    "tukey_biweight": ["c", "-c"],
    "laplace_nll": [0.0],
    "pinball": [0.0],
    "hinge": [1.0],
    "squared_hinge": [1.0],
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_grad_matches_central_differences(name):
    L = losses.get(name)
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    v = rng.uniform(-4, 4, size=60)
    kw = {p.name: p.default for p in L.params}
    kinks = [
        kw[k.lstrip("-")] * (-1 if k.startswith("-") else 1) if isinstance(k, str) else k
        for k in KINKS.get(name, [])
    ]
    if name == "asl":
        kinks += [float(np.log(kw["clip"] / (1 - kw["clip"])))]  # σ(z) = clip
    for k in kinks:
        v = v[np.abs(v - k) > 1e-3]
    y = None if L.target is None else (rng.random(v.size) < 0.5).astype(float)
    args = (lambda u: (u,)) if y is None else (lambda u: (u, y))
    h = 1e-6
    fd = (L.value(*args(v + h), **kw) - L.value(*args(v - h), **kw)) / (2 * h)
    np.testing.assert_allclose(L.grad(*args(v), **kw), fd, rtol=1e-6, atol=1e-7)


# ----------------------------------------------------------------------------------------------
# the new losses: defining properties
# ----------------------------------------------------------------------------------------------
@FAST
@given(m=st.floats(-30, 30))
def test_margin_losses_bound_the_zero_one_loss_and_decrease(m):
    zero_one = float(m <= 0)
    for name in ("hinge", "squared_hinge", "exponential"):
        L = losses.get(name)
        assert float(L.value(m)) >= zero_one
        assert float(L.grad(m)) <= 0  # non-increasing in the margin
    # the logistic loss in base 2 bounds it too (log2(1 + e^-m) >= 1 for m <= 0)
    assert float(losses.get("logistic").value(m)) / np.log(2) >= zero_one - 1e-15
    assert float(losses.get("logistic").grad(m)) < 0


def test_margin_losses_by_hand():
    m = np.array([-2.0, 0.0, 0.5, 1.0, 3.0])
    np.testing.assert_array_equal(losses.get("hinge").value(m), [3.0, 1.0, 0.5, 0.0, 0.0])
    np.testing.assert_array_equal(losses.get("hinge").grad(m), [-1.0, -1.0, -1.0, 0.0, 0.0])
    np.testing.assert_array_equal(losses.get("squared_hinge").value(m), [9.0, 1.0, 0.25, 0.0, 0.0])
    np.testing.assert_array_equal(losses.get("squared_hinge").grad(m), [-6.0, -2.0, -1.0, 0.0, 0.0])
    assert float(losses.get("logistic").value(0.0)) == pytest.approx(np.log(2), rel=1e-15)
    assert float(losses.get("logistic").grad(0.0)) == -0.5
    assert float(losses.get("exponential").value(0.0)) == 1.0
    assert float(losses.get("exponential").grad(np.log(2.0))) == pytest.approx(-0.5, rel=1e-15)


@FAST
@given(z=st.floats(-700, 700), y=st.sampled_from([0.0, 1.0]))
def test_logistic_margin_loss_is_bce_of_the_margin(z, y):
    m = (2 * y - 1) * z
    assert float(losses.get("logistic").value(m)) == pytest.approx(
        float(losses.get("bce").value(z, y)), rel=1e-15, abs=0
    )
    # d/dz bce = (2y - 1) d/dm logistic
    assert float(losses.get("bce").grad(z, y)) == pytest.approx(
        (2 * y - 1) * float(losses.get("logistic").grad(m)), rel=1e-15, abs=0
    )


@FAST
@given(
    tau=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**16),
    n=st.integers(5, 40),
)
def test_pinball_minimiser_is_the_tau_quantile(tau, seed, n):
    """With r = ŷ - y, a constant ŷ minimising mean ρ is a τ-quantile of y: the subgradient
    (1 - τ)·#{y < ŷ} - τ·#{y > ŷ} changes sign there."""
    y = np.random.default_rng(seed).normal(size=n)
    L = losses.get("pinball")
    cands = np.sort(y)
    risks = np.array([L.value(c - y, tau=tau).mean() for c in cands])
    best = cands[np.argmin(risks)]
    # a minimiser of a piecewise-linear convex function is a data point where the left/right
    # slopes straddle 0: at most a fraction τ of the data lies strictly below, 1 - τ above
    below, above = np.mean(y < best), np.mean(y > best)
    assert below <= tau + 1e-12 and above <= 1 - tau + 1e-12
    # and it agrees with numpy's lower/higher quantile bracket
    lo = np.quantile(y, tau, method="inverted_cdf")
    assert risks.min() == pytest.approx(L.value(lo - y, tau=tau).mean(), rel=1e-12)


def test_pinball_residual_convention():
    L = losses.get("pinball")
    # over-prediction (ŷ > y, r > 0) costs 1 - τ per unit, under-prediction τ per unit
    assert float(L.value(2.0, tau=0.9)) == pytest.approx(0.2)
    assert float(L.value(-2.0, tau=0.9)) == pytest.approx(1.8)
    assert float(L.grad(2.0, tau=0.9)) == pytest.approx(0.1)
    assert float(L.grad(-2.0, tau=0.9)) == pytest.approx(-0.9)
    assert float(L.grad(0.0, tau=0.9)) == 0.0
    # τ = 1/2 is half the absolute error
    r = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(L.value(r, tau=0.5), 0.5 * np.abs(r), rtol=1e-15)


def test_robust_losses_shapes():
    r = np.array([0.0, 0.5, 3.0, 50.0])
    welsch = losses.get("welsch").value(r)
    assert welsch[0] == 0 and np.all(welsch <= 1) and np.all(np.diff(welsch) > 0)
    tukey = losses.get("tukey_biweight")
    assert float(tukey.value(100.0)) == pytest.approx(4.685**2 / 6)
    assert float(tukey.grad(100.0)) == 0.0
    np.testing.assert_allclose(
        losses.get("barron").value(r, alpha=1.0), losses.get("pseudo_huber").value(r), rtol=1e-14
    )
    np.testing.assert_allclose(
        losses.get("barron").value(r, alpha=-2.0, c=1.3),
        losses.get("geman_mcclure").value(r, c=1.3),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        losses.get("gaussian_nll").value(r) - losses.get("gaussian_nll").value(0.0),
        losses.get("mse").value(r) / 2,
        rtol=1e-14,
    )


def test_functional_signature_defaults_are_the_declared_defaults():
    """The keyword defaults written in lossviz.functional's signatures equal the registry's."""
    import inspect

    for loss in losses.all():
        for fname in loss.functional:
            for fn in (getattr(F, fname), getattr(F, fname + "_grad")):
                sig = inspect.signature(fn).parameters
                for p in loss.params:
                    if p.name in sig and p.name != "pos_weight":  # pos_weight: None = no weight
                        assert sig[p.name].default == p.default, (fname, p.name)
                        assert sig[p.name].kind is inspect.Parameter.KEYWORD_ONLY, (fname, p.name)
