"""The robust losses of the registry (pseudo-Huber, Barron, Welsch, Geman-McClure, Tukey, the
Gaussian and Laplace negative log-likelihoods) against hand values, mpmath at 50 digits and
central differences.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv

PSEUDO_HUBER = lv.losses.get("pseudo_huber")
BARRON = lv.losses.get("barron")
WELSCH = lv.losses.get("welsch")
GEMAN_MCCLURE = lv.losses.get("geman_mcclure")
TUKEY = lv.losses.get("tukey_biweight")
GAUSSIAN_NLL = lv.losses.get("gaussian_nll")
LAPLACE_NLL = lv.losses.get("laplace_nll")


def central_diff(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# --------------------------------------------------------------------------- smooth robust losses
def test_pseudo_huber_values_and_grad():
    assert PSEUDO_HUBER.value(1.0) == pytest.approx(math.sqrt(2) - 1, rel=1e-15)
    assert PSEUDO_HUBER.value(10.0) == pytest.approx(math.sqrt(101) - 1, rel=1e-15)
    assert PSEUDO_HUBER.value(2.0, delta=2.0) == pytest.approx(4 * (math.sqrt(2) - 1), rel=1e-15)
    assert PSEUDO_HUBER.value(1e-10) == pytest.approx(0.5e-20, rel=1e-12)  # no cancellation
    assert np.isfinite(PSEUDO_HUBER.value(1e300))
    x = np.linspace(-5, 5, 41)
    assert np.allclose(
        PSEUDO_HUBER.grad(x, delta=0.7),
        central_diff(lambda t: PSEUDO_HUBER.value(t, delta=0.7), x),
        atol=1e-7,
    )
    assert np.all(np.abs(PSEUDO_HUBER.grad(np.array([1e6, -1e6]), delta=0.7)) < 0.7)


@pytest.mark.parametrize(
    ("alpha", "expected"),
    [
        (2.0, 4.5),
        (1.0, math.sqrt(10) - 1),
        (0.0, math.log(5.5)),
        (-2.0, 18 / 13),
        (-math.inf, 1 - math.exp(-4.5)),
    ],
)
def test_barron_special_cases_at_3(alpha, expected):
    assert float(BARRON.value(3.0, alpha=alpha)) == pytest.approx(expected, rel=1e-14)


def _barron_mp(x, alpha, c):
    mpmath.mp.dps = 50
    x, a, c = mpmath.mpf(x), mpmath.mpf(alpha), mpmath.mpf(c)
    b = abs(a - 2)
    # same function as the definition; expm1/log1p keep mpmath exact for tiny x as well
    return float(b / a * mpmath.expm1(a / 2 * mpmath.log1p((x / c) ** 2 / b)))


@settings(max_examples=80, deadline=None)
@given(
    st.floats(-50, 50, allow_nan=False),
    st.floats(-8, 8, allow_nan=False).filter(lambda a: abs(a) > 1e-6 and abs(a - 2) > 1e-6),
    st.floats(0.1, 5, allow_nan=False),
)
def test_barron_matches_mpmath(x, alpha, c):
    assert float(BARRON.value(x, alpha=alpha, c=c)) == pytest.approx(
        _barron_mp(x, alpha, c), rel=1e-11, abs=1e-300
    )


def test_barron_continuous_at_the_limits():
    x = np.linspace(-4, 4, 17)
    for a0 in (0.0, 2.0):
        assert np.allclose(
            BARRON.value(x, alpha=a0 + 1e-7), BARRON.value(x, alpha=a0), rtol=1e-5, atol=1e-12
        )
    assert np.allclose(BARRON.value(x, alpha=-1e6), BARRON.value(x, alpha=-math.inf), atol=1e-5)


@pytest.mark.parametrize("alpha", [2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -2.0, -10.0, -math.inf])
def test_barron_grad_finite_differences(alpha):
    x = np.linspace(-6, 6, 49)
    fd = central_diff(lambda t: BARRON.value(t, alpha=alpha, c=1.3), x)
    assert np.allclose(BARRON.grad(x, alpha=alpha, c=1.3), fd, atol=1e-7)


def test_barron_alpha_one_is_pseudo_huber_over_c2():
    x = np.linspace(-5, 5, 21)
    assert np.allclose(
        2.0**2 * BARRON.value(x, alpha=1.0, c=2.0), PSEUDO_HUBER.value(x, delta=2.0), rtol=1e-13
    )


def test_redescending_losses():
    assert float(GEMAN_MCCLURE.value(3.0)) == pytest.approx(18 / 13, rel=1e-15)
    assert float(WELSCH.value(3.0)) == pytest.approx(0.98889100346, rel=1e-10)
    c = 4.685
    assert float(TUKEY.value(10.0, c=c)) == pytest.approx(c**2 / 6, rel=1e-15)
    assert float(TUKEY.grad(10.0, c=c)) == 0.0
    # biweight at r = c/2: c^2/6 (1 - (3/4)^3) = c^2/6 * 37/64
    assert float(TUKEY.value(c / 2, c=c)) == pytest.approx(c**2 / 6 * 37 / 64, rel=1e-14)
    x = np.linspace(-8, 8, 33)
    for f, g in [
        (WELSCH.value, WELSCH.grad),
        (GEMAN_MCCLURE.value, GEMAN_MCCLURE.grad),
        (TUKEY.value, TUKEY.grad),
    ]:
        assert np.allclose(g(x, c=2.0), central_diff(lambda t, f=f: f(t, c=2.0), x), atol=1e-7)
    # redescending: the gradient goes back to 0 far out
    for g in (WELSCH.grad, GEMAN_MCCLURE.grad):
        assert abs(float(g(1e4, c=1.0))) < 1e-3


# --------------------------------------------------------------------------- likelihoods
def test_nll_constants():
    r = np.array([-2.0, 0.0, 0.5, 3.0])
    assert np.allclose(GAUSSIAN_NLL.value(r) - 0.5 * r**2, 0.9189385332046727, rtol=1e-15)
    assert np.allclose(LAPLACE_NLL.value(r) - np.abs(r), 0.6931471805599453, rtol=1e-15)
    # densities integrate to 1 (sigma = 2, b = 0.5)
    grid = np.linspace(-40, 40, 400001)
    dx = grid[1] - grid[0]
    assert np.sum(np.exp(-GAUSSIAN_NLL.value(grid, sigma=2.0))) * dx == pytest.approx(1.0, rel=1e-9)
    assert np.sum(np.exp(-LAPLACE_NLL.value(grid, b=0.5))) * dx == pytest.approx(1.0, rel=1e-6)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "exc", "word"),
    [
        (lambda: PSEUDO_HUBER.value([1.0], delta=0.0), ValueError, "delta"),
        (lambda: BARRON.value([1.0], alpha=math.nan), ValueError, "alpha"),
        (lambda: BARRON.value([1.0], alpha=math.inf), ValueError, "alpha"),
        (lambda: BARRON.value([1.0], alpha=1.0, c=-1.0), ValueError, "c"),
        (lambda: TUKEY.value([np.inf]), ValueError, "r"),
        (lambda: GAUSSIAN_NLL.value([1.0], sigma=0.0), ValueError, "sigma"),
        (lambda: LAPLACE_NLL.value([1.0], b=-1.0), ValueError, "b"),
    ],
)
def test_bad_input_raises_naming_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()


@settings(max_examples=80, deadline=None)
@given(
    st.floats(-1e300, 1e300, allow_nan=False),
    st.sampled_from([1.0, 0.5, 0.0, -2.0, -math.inf]),
)
def test_finite_for_finite_input(x, alpha):
    """For alpha <= 1 the loss grows at most like |x|, so it is representable for every float."""
    assert np.isfinite(BARRON.value(x, alpha=alpha))
    assert np.isfinite(BARRON.grad(x, alpha=alpha))
    assert np.isfinite(PSEUDO_HUBER.value(x)) and np.isfinite(PSEUDO_HUBER.grad(x))
    assert np.isfinite(TUKEY.value(x)) and np.isfinite(TUKEY.grad(x))
    assert np.isfinite(GEMAN_MCCLURE.grad(x)) and np.isfinite(WELSCH.grad(x))


def test_barron_huge_x_is_correct_not_just_finite():
    # alpha = 1: sqrt(x^2 + 1) - 1 ~ |x|, gradient -> sign(x); alpha = 0: log(x^2/2 + 1)
    assert float(BARRON.value(1e300, alpha=1.0)) == pytest.approx(1e300, rel=1e-12)
    assert float(BARRON.grad(-1e300, alpha=1.0)) == pytest.approx(-1.0, rel=1e-12)
    assert float(BARRON.value(1e300, alpha=0.0)) == pytest.approx(
        2 * math.log(1e300) - math.log(2), rel=1e-12
    )
    assert float(BARRON.value(1e150, alpha=2.0)) == pytest.approx(0.5e300, rel=1e-12)
