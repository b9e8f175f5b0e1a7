"""lossviz.estimation against independent references: hand derivations, the content brief's
quoted values, scipy's linear-programming and quasi-Newton solvers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize, minimize_scalar

import lossviz as lv
from lossviz import estimation as R

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


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
    ("loss", "registry_name"),
    [
        ("tukey", "tukey_biweight"),
        ("welsch", "welsch"),
        ("geman_mcclure", "geman_mcclure"),
    ],
)
def test_redescending_location_is_a_local_minimum(loss, registry_name):
    """Stationarity and local minimality, checked with the losses' own (independent) formulas."""
    L = lv.losses.get(registry_name)
    rho = lambda r, c: L.value(r, c=c)  # noqa: E731
    psi = lambda r, c: L.grad(r, c=c)  # noqa: E731
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
        (lambda: R.redescending_location([1.0, 2.0], "huber", c=1.0), ValueError, "loss"),
        (lambda: R.redescending_location([0.0, 100.0], "tukey", c=1.0), ValueError, "c"),
    ],
)
def test_bad_input_raises_naming_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
