"""Tests of lossviz.robust against independent references.

Expected values come from hand derivations, the content brief's mpmath/torch runs (quoted), scipy's
linear-programming and quasi-Newton solvers, and mpmath at 50 digits, never from the module itself.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize, minimize_scalar

from lossviz import robust as R

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def central_diff(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# --------------------------------------------------------------------------- location
def test_location_outlier_data_from_brief():
    y = [1, 2, 3, 4, 100]
    assert R.location(y, "l2") == 22.0
    assert R.location(y, "l1") == 3.0
    assert R.location(y, "huber", delta=1.0) == pytest.approx(3.0, abs=1e-12)
    assert R.location(y, "smooth_l1", beta=1.0) == pytest.approx(3.0, abs=1e-12)


@pytest.mark.parametrize(("delta", "expected"), [(0.5, 2.0), (1.0, 2.0), (2.0, 2.0), (5.0, 2.75)])
def test_huber_location_between_median_and_mean(delta, expected):
    # Hand derivation for delta = 5 at c = 2.75: residuals -2.75, -1.75, -0.75, 0.25 sum to -5,
    # and the point 20 contributes clip(17.25) = +5.
    y = [0, 1, 2, 3, 20]
    assert R.location(y, "huber", delta=delta) == pytest.approx(expected, abs=1e-12)
    assert R.huber_psi_sum(y, expected, delta) == pytest.approx(0.0, abs=1e-12)


def test_huber_location_is_mean_for_large_delta():
    assert R.location([0, 1, 2, 3, 20], "huber", delta=100.0) == pytest.approx(5.2, rel=1e-14)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(finite, min_size=1, max_size=25),
    st.floats(0.01, 50.0, allow_nan=False),
)
def test_huber_location_minimises_objective(ys, delta):
    """Against scipy's bounded scalar minimiser on the (convex) Huber objective."""
    y = np.array(ys)
    c = R.location(y, "huber", delta=delta)

    def obj(t):
        a = np.abs(y - t)
        return np.sum(np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta)))

    ref = minimize_scalar(
        obj, bounds=(y.min() - 1, y.max() + 1), method="bounded", options={"xatol": 1e-10}
    )
    assert obj(c) <= ref.fun + 1e-9 * max(1.0, abs(ref.fun))
    # Smooth L1 with beta = delta has the same minimiser (the objectives differ by the factor delta).
    assert R.location(y, "smooth_l1", beta=delta) == c


def test_huber_location_flat_zero_set_returns_midpoint():
    # y = [0, 10], delta = 1: S(c) = clip(-c) + clip(10 - c) = 0 for all c in [1, 9].
    assert R.location([0, 10], "huber", delta=1.0) == 5.0


def test_l1_non_unique():
    assert R.l1_minimisers([1, 2, 4, 7]) == (2.0, 4.0)
    assert R.l1_minimisers([3, 1, 2]) == (2.0, 2.0)
    assert R.location([1, 2, 4, 7], "l1") == 3.0
    assert R.location([1, 2, 4, 7], "smooth_l1", beta=0.0) == 3.0


def test_l1_median_matches_numpy_on_random_data():
    y = np.random.default_rng(0).standard_normal(101)
    assert R.location(y, "l1") == np.median(y)


def test_tukey_location_ignores_far_outlier():
    # Inliers symmetric about 2.5 and the outlier beyond c: psi-sum is exactly 0 at 2.5.
    assert R.redescending_location([1, 2, 3, 4, 100], "tukey", c=4.685) == pytest.approx(
        2.5, abs=1e-12
    )
    assert R.redescending_location([1, 2, 3, 4, 1e6], "welsch", c=2.0) == pytest.approx(
        2.5, abs=1e-9
    )


@pytest.mark.parametrize(
    ("loss", "rho", "psi"),
    [
        ("tukey", R.tukey_biweight, R.tukey_biweight_grad),
        ("welsch", R.welsch, R.welsch_grad),
        ("geman_mcclure", R.geman_mcclure, R.geman_mcclure_grad),
    ],
)
def test_redescending_location_is_a_local_minimum(loss, rho, psi):
    """Stationarity and local minimality, checked with the losses' own (independent) formulas."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        y = np.r_[rng.normal(0, 1, 15), rng.uniform(5, 50, 3)]
        mu = R.redescending_location(y, loss, c=2.0)
        assert abs(np.sum(psi(y - mu, 2.0))) < 1e-10
        f = lambda t, y=y: np.sum(rho(y - t, 2.0))  # noqa: E731
        assert f(mu) <= min(f(mu - 1e-4), f(mu + 1e-4))
        assert abs(mu) < 1.5  # the three far outliers are (nearly) ignored


# --------------------------------------------------------------------------- line fit
def _data():
    x = np.arange(12.0)
    y = 1.0 + 0.5 * x + 0.3 * np.random.default_rng(3).standard_normal(12)
    y[10] += 15.0
    return x, y


def test_fit_line_l2_matches_polyfit():
    x, y = _data()
    b, a = np.polyfit(x, y, 1)
    got = R.fit_line(x, y, "l2")
    assert got == pytest.approx((a, b), rel=1e-12)


def test_fit_line_l1_matches_linear_program():
    """LAD as an LP: min sum(u+ + u-) s.t. a + b x_i + u+_i - u-_i = y_i (scipy HiGHS)."""
    x, y = _data()
    n = x.size
    A = np.hstack([np.ones((n, 1)), x[:, None], np.eye(n), -np.eye(n)])
    cost = np.r_[0.0, 0.0, np.ones(2 * n)]
    bounds = [(None, None), (None, None)] + [(0, None)] * (2 * n)
    lp = linprog(cost, A_eq=A, b_eq=y, bounds=bounds, method="highs")
    a, b = R.fit_line(x, y, "l1")
    assert np.sum(np.abs(a + b * x - y)) == pytest.approx(lp.fun, rel=1e-10)


def test_fit_line_l1_exact_on_collinear_majority():
    x = np.arange(10.0)
    y = 1 + 0.5 * x
    y[9] += 20
    assert R.fit_line(x, y, "l1") == pytest.approx((1.0, 0.5), abs=1e-12)


@pytest.mark.parametrize("delta", [0.3, 1.0, 3.0])
def test_fit_line_huber_matches_bfgs(delta):
    x, y = _data()

    def obj(t):
        r = t[0] + t[1] * x - y
        a = np.abs(r)
        return np.sum(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)))

    ref = minimize(obj, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    got = R.fit_line(x, y, "huber", delta=delta)
    assert got == pytest.approx(tuple(ref.x), abs=1e-5)
    assert obj(np.array(got)) <= ref.fun + 1e-10
    # stationarity: sum psi(r_i) (1, x_i) = 0
    r = got[0] + got[1] * x - y
    psi = np.clip(r, -delta, delta)
    assert abs(psi.sum()) < 1e-10 and abs((psi * x).sum()) < 1e-9
    assert R.fit_line(x, y, "smooth_l1", beta=delta) == got


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("delta", [0.05, 0.5, 5.0])
def test_fit_line_huber_random_not_worse_than_scipy(seed, delta):
    """Random heavy-tailed data, including tiny delta (few or no points in the quadratic zone)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, 25)
    y = 2.0 - 1.5 * x + rng.standard_t(1.5, 25)

    def obj(t):
        a = np.abs(t[0] + t[1] * x - y)
        return np.sum(np.where(a <= delta, 0.5 * a**2, delta * (a - 0.5 * delta)))

    ref = minimize(
        obj,
        np.zeros(2),
        method="Nelder-Mead",
        options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000},
    )
    got = R.fit_line(x, y, "huber", delta=delta)
    assert obj(np.array(got)) <= ref.fun * (1 + 1e-9) + 1e-12


# --------------------------------------------------------------------------- smooth robust losses
def test_pseudo_huber_values_and_grad():
    assert R.pseudo_huber(1.0) == pytest.approx(math.sqrt(2) - 1, rel=1e-15)
    assert R.pseudo_huber(10.0) == pytest.approx(math.sqrt(101) - 1, rel=1e-15)
    assert R.pseudo_huber(2.0, delta=2.0) == pytest.approx(4 * (math.sqrt(2) - 1), rel=1e-15)
    assert R.pseudo_huber(1e-10) == pytest.approx(0.5e-20, rel=1e-12)  # no cancellation
    assert np.isfinite(R.pseudo_huber(1e300))
    x = np.linspace(-5, 5, 41)
    assert np.allclose(
        R.pseudo_huber_grad(x, 0.7), central_diff(lambda t: R.pseudo_huber(t, 0.7), x), atol=1e-7
    )
    assert np.all(np.abs(R.pseudo_huber_grad(np.array([1e6, -1e6]), 0.7)) < 0.7)


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
    assert float(R.barron_loss(3.0, alpha)) == pytest.approx(expected, rel=1e-14)


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
    assert float(R.barron_loss(x, alpha, c)) == pytest.approx(
        _barron_mp(x, alpha, c), rel=1e-11, abs=1e-300
    )


def test_barron_continuous_at_the_limits():
    x = np.linspace(-4, 4, 17)
    for a0 in (0.0, 2.0):
        assert np.allclose(R.barron_loss(x, a0 + 1e-7), R.barron_loss(x, a0), rtol=1e-5, atol=1e-12)
    assert np.allclose(R.barron_loss(x, -1e6), R.barron_loss(x, -math.inf), atol=1e-5)


@pytest.mark.parametrize("alpha", [2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -2.0, -10.0, -math.inf])
def test_barron_grad_finite_differences(alpha):
    x = np.linspace(-6, 6, 49)
    fd = central_diff(lambda t: R.barron_loss(t, alpha, 1.3), x)
    assert np.allclose(R.barron_loss_grad(x, alpha, 1.3), fd, atol=1e-7)


def test_barron_alpha_one_is_pseudo_huber_over_c2():
    x = np.linspace(-5, 5, 21)
    assert np.allclose(2.0**2 * R.barron_loss(x, 1.0, 2.0), R.pseudo_huber(x, 2.0), rtol=1e-13)


def test_redescending_losses():
    assert float(R.geman_mcclure(3.0)) == pytest.approx(18 / 13, rel=1e-15)
    assert float(R.welsch(3.0)) == pytest.approx(0.98889100346, rel=1e-10)
    c = 4.685
    assert float(R.tukey_biweight(10.0, c)) == pytest.approx(c**2 / 6, rel=1e-15)
    assert float(R.tukey_biweight_grad(10.0, c)) == 0.0
    # biweight at r = c/2: c^2/6 (1 - (3/4)^3) = c^2/6 * 37/64
    assert float(R.tukey_biweight(c / 2, c)) == pytest.approx(c**2 / 6 * 37 / 64, rel=1e-14)
    x = np.linspace(-8, 8, 33)
    for f, g in [
        (R.welsch, R.welsch_grad),
        (R.geman_mcclure, R.geman_mcclure_grad),
        (R.tukey_biweight, R.tukey_biweight_grad),
    ]:
        assert np.allclose(g(x, 2.0), central_diff(lambda t, f=f: f(t, 2.0), x), atol=1e-7)
    # redescending: the gradient goes back to 0 far out
    for g in (R.welsch_grad, R.geman_mcclure_grad):
        assert abs(float(g(1e4, 1.0))) < 1e-3


# --------------------------------------------------------------------------- gradient descent
def _smooth_l1_grad(x, beta=1.0):
    return x / beta if abs(x) < beta else math.copysign(1.0, x)


def test_gd_l1_oscillates_smooth_l1_converges():
    l1 = R.gradient_descent(np.sign, 0.95, 0.1, 100)
    assert l1.shape == (101,)
    assert abs(abs(l1[-1]) - 0.05) < 1e-12 and abs(abs(l1[-2]) - 0.05) < 1e-12
    assert np.sign(l1[-1]) == -np.sign(l1[-2])
    sl1 = R.gradient_descent(_smooth_l1_grad, 0.95, 0.1, 100)
    assert sl1 == pytest.approx(0.95 * 0.9 ** np.arange(101), rel=1e-12)
    assert sl1[-1] == pytest.approx(2.5233328943208e-05, rel=1e-12)


def test_gd_far_from_optimum_identical():
    a = R.gradient_descent(np.sign, 5.0, 0.1, 40)
    b = R.gradient_descent(_smooth_l1_grad, 5.0, 0.1, 40)
    assert np.array_equal(a, b)
    assert a[-1] == pytest.approx(1.0, abs=1e-14)


# --------------------------------------------------------------------------- likelihoods, sigma form
def test_nll_constants():
    r = np.array([-2.0, 0.0, 0.5, 3.0])
    assert np.allclose(R.gaussian_nll(r) - 0.5 * r**2, 0.9189385332046727, rtol=1e-15)
    assert np.allclose(R.laplace_nll(r) - np.abs(r), 0.6931471805599453, rtol=1e-15)
    # densities integrate to 1 (sigma = 2, b = 0.5)
    grid = np.linspace(-40, 40, 400001)
    dx = grid[1] - grid[0]
    assert np.sum(np.exp(-R.gaussian_nll(grid, 2.0))) * dx == pytest.approx(1.0, rel=1e-9)
    assert np.sum(np.exp(-R.laplace_nll(grid, 0.5))) * dx == pytest.approx(1.0, rel=1e-6)


def test_faster_rcnn_sigma_form():
    x = np.linspace(-1, 1, 2001)
    beta = 1 / 9
    a = np.abs(x)
    torch_form = np.where(a < beta, 0.5 * x**2 / beta, a - 0.5 * beta)  # PyTorch docs' formula
    assert np.allclose(R.faster_rcnn_smooth_l1(x, 3.0), torch_form, rtol=1e-14, atol=1e-16)


# --------------------------------------------------------------------------- boxes
def test_box_iou_and_giou_by_hand():
    gt = [0, 0, 10, 10]
    assert R.box_iou(gt, gt) == 1.0 and R.box_giou(gt, gt) == 1.0
    # shifted by 2: intersection 8*10 = 80, union 120
    assert R.box_iou([2, 0, 12, 10], gt) == pytest.approx(2 / 3, rel=1e-15)
    # grown to 12x12: intersection 100, union 144, hull = union -> GIoU = IoU
    assert R.box_iou([0, 0, 12, 12], gt) == pytest.approx(25 / 36, rel=1e-15)
    assert R.box_giou([0, 0, 12, 12], gt) == pytest.approx(25 / 36, rel=1e-15)
    # disjoint, gap 1: union 200, hull 21*10 = 210 -> GIoU = -10/210
    assert R.box_iou([11, 0, 21, 10], gt) == 0.0
    assert R.box_giou([11, 0, 21, 10], gt) == pytest.approx(-10 / 210, rel=1e-15)
    # touching corners only: zero-area intersection
    assert R.box_iou([10, 10, 20, 20], gt) == 0.0
    assert R.box_giou([10, 10, 20, 20], gt) == pytest.approx(-200 / 400, rel=1e-15)


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "exc", "word"),
    [
        (lambda: R.location([], "l2"), ValueError, "y"),
        (lambda: R.location([1, np.nan], "l2"), ValueError, "y"),
        (lambda: R.location([[1, 2]], "l2"), ValueError, "y"),
        (lambda: R.location("abc", "l2"), TypeError, "y"),
        (lambda: R.location([1, 2], "l3"), ValueError, "loss"),
        (lambda: R.location([1, 2], "huber"), ValueError, "delta"),
        (lambda: R.location([1, 2], "huber", delta=0.0), ValueError, "delta"),
        (lambda: R.location([1, 2], "smooth_l1", beta=-1.0), ValueError, "beta"),
        (lambda: R.location([1, 2], "smooth_l1", beta="1"), TypeError, "beta"),
        (lambda: R.location([1, 2], "l2", beta=1.0), ValueError, "beta"),
        (lambda: R.fit_line([1, 2, 3], [1, 2], "l2"), ValueError, "same shape"),
        (lambda: R.fit_line([1, 1, 1], [1, 2, 3], "l2"), ValueError, "x"),
        (lambda: R.fit_line(np.arange(500.0), np.arange(500.0), "l1"), ValueError, "x"),
        (lambda: R.pseudo_huber([1.0], delta=0.0), ValueError, "delta"),
        (lambda: R.barron_loss([1.0], alpha=math.nan), ValueError, "alpha"),
        (lambda: R.barron_loss([1.0], alpha=math.inf), ValueError, "alpha"),
        (lambda: R.barron_loss([1.0], alpha=1.0, c=-1.0), ValueError, "c"),
        (lambda: R.tukey_biweight([np.inf]), ValueError, "r"),
        (lambda: R.gradient_descent(1.0, 0.0, 0.1, 3), TypeError, "grad"),
        (lambda: R.gradient_descent(np.sign, 0.0, -0.1, 3), ValueError, "lr"),
        (lambda: R.gradient_descent(np.sign, 0.0, 0.1, 2.5), TypeError, "steps"),
        (lambda: R.gradient_descent(np.sign, 0.0, 0.1, -1), ValueError, "steps"),
        (lambda: R.gradient_descent(lambda x: np.nan, 0.0, 0.1, 1), ValueError, "grad"),
        (lambda: R.gaussian_nll([1.0], sigma=0.0), ValueError, "sigma"),
        (lambda: R.laplace_nll([1.0], b=-1.0), ValueError, "b"),
        (lambda: R.faster_rcnn_smooth_l1([1.0], sigma=0.0), ValueError, "sigma"),
        (lambda: R.redescending_location([1.0, 2.0], "huber", c=1.0), ValueError, "loss"),
        (lambda: R.redescending_location([0.0, 100.0], "tukey", c=1.0), ValueError, "c"),
        (lambda: R.box_iou([0, 0, 1], [0, 0, 1, 1]), ValueError, "pred"),
        (lambda: R.box_iou([0, 0, 1, 1], [1, 0, 0, 1]), ValueError, "target"),
        (lambda: R.box_giou([0, 0, 1, np.nan], [0, 0, 1, 1]), ValueError, "pred"),
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
    assert np.isfinite(R.barron_loss(x, alpha))
    assert np.isfinite(R.barron_loss_grad(x, alpha))
    assert np.isfinite(R.pseudo_huber(x)) and np.isfinite(R.pseudo_huber_grad(x))
    assert np.isfinite(R.tukey_biweight(x)) and np.isfinite(R.tukey_biweight_grad(x))
    assert np.isfinite(R.geman_mcclure_grad(x)) and np.isfinite(R.welsch_grad(x))


def test_barron_huge_x_is_correct_not_just_finite():
    # alpha = 1: sqrt(x^2 + 1) - 1 ~ |x|, gradient -> sign(x); alpha = 0: log(x^2/2 + 1)
    assert float(R.barron_loss(1e300, 1.0)) == pytest.approx(1e300, rel=1e-12)
    assert float(R.barron_loss_grad(-1e300, 1.0)) == pytest.approx(-1.0, rel=1e-12)
    assert float(R.barron_loss(1e300, 0.0)) == pytest.approx(
        2 * math.log(1e300) - math.log(2), rel=1e-12
    )
    assert float(R.barron_loss(1e150, 2.0)) == pytest.approx(0.5e300, rel=1e-12)
