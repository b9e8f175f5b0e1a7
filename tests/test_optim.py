"""lossviz.optim: the fixed-step methods by hand derivation, Newton and L-BFGS against known
minimisers, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lossviz as lv
from lossviz import optim


def _l1(x):
    return abs(x), math.copysign(1.0, x) if x != 0 else 0.0


def _smooth_l1(x, beta=1.0):
    if abs(x) < beta:
        return 0.5 * x * x / beta, x / beta
    return abs(x) - 0.5 * beta, math.copysign(1.0, x)


# --------------------------------------------------------------------------- gradient descent
def test_gd_l1_oscillates_smooth_l1_converges():
    l1 = optim.gradient_descent(_l1, 0.95, 0.1, 100)
    assert l1.shape == (101,)
    assert abs(abs(l1[-1]) - 0.05) < 1e-12 and abs(abs(l1[-2]) - 0.05) < 1e-12
    assert np.sign(l1[-1]) == -np.sign(l1[-2])
    sl1 = optim.gradient_descent(_smooth_l1, 0.95, 0.1, 100)
    assert sl1 == pytest.approx(0.95 * 0.9 ** np.arange(101), rel=1e-12)
    assert sl1[-1] == pytest.approx(2.5233328943208e-05, rel=1e-12)


def test_gd_far_from_optimum_identical():
    a = optim.gradient_descent(_l1, 5.0, 0.1, 40)
    b = optim.gradient_descent(_smooth_l1, 5.0, 0.1, 40)
    assert np.array_equal(a, b)
    assert a[-1] == pytest.approx(1.0, abs=1e-14)


def test_gd_with_a_registry_loss():
    L = lv.losses.get("smooth_l1")
    path = optim.gradient_descent(lambda r: (L.value(r), L.grad(r)), 0.95, 0.1, 10)
    assert path == pytest.approx(0.95 * 0.9 ** np.arange(11), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.floats(0.01, 0.9), st.floats(1.1, 1.9)), st.integers(0, 30), st.floats(-10, 10))
def test_gd_on_a_quadratic_is_geometric(lr, steps, x0):
    """f = x²/2: x_k = (1 - lr)^k x0 (up to rounding; |1 - lr| >= 0.1 keeps x - lr·x free of
    cancellation, so the relative rounding error stays near eps per step)."""
    path = optim.gradient_descent(lambda x: (0.5 * x * x, x), x0, lr, steps)
    np.testing.assert_allclose(path, x0 * (1 - lr) ** np.arange(steps + 1), rtol=1e-12, atol=1e-300)


def test_proximal_gradient_soft_thresholds():
    # f = ½||θ - c||², prox of t·||θ||₁: from θ0 = c, one step with lr = 1 lands on S_1(c)
    c = np.array([3.0, -0.5, 1.2])

    def prox(v, t):
        return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)

    path = optim.proximal_gradient(lambda t: (0.5 * np.sum((t - c) ** 2), t - c), prox, c, 1.0, 2)
    np.testing.assert_allclose(path[1], [2.0, 0.0, 0.2], rtol=1e-15)
    np.testing.assert_allclose(path[2], [2.0, 0.0, 0.2], rtol=1e-15)


# --------------------------------------------------------------------------- Newton, L-BFGS
def _rosenbrock(t):
    x, y = t
    f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
    g = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
    return f, g


def _rosenbrock_hessian(t):
    x, y = t
    return np.array([[2 - 400 * (y - 3 * x * x), -400 * x], [-400 * x, 200.0]])


def test_newton_converges_quadratically_on_rosenbrock_near_the_minimum():
    path = optim.newton(_rosenbrock, [1.1, 1.2], 6, hessian=_rosenbrock_hessian)
    np.testing.assert_allclose(path[-1], [1.0, 1.0], rtol=0, atol=1e-12)


def test_newton_uses_the_objectives_hessian():
    class Quadratic:
        A = np.array([[3.0, 1.0], [1.0, 2.0]])

        def __call__(self, t):
            return 0.5 * t @ self.A @ t - t.sum(), self.A @ t - 1.0

        def hessian(self, t):
            return self.A

    path = optim.newton(Quadratic(), [5.0, -3.0], 1)
    np.testing.assert_allclose(path[1], np.linalg.solve(Quadratic.A, [1.0, 1.0]), rtol=1e-14)


def test_minimize_is_scipys_lbfgs():
    res = optim.minimize(_rosenbrock, [-1.2, 1.0], gtol=1e-10, max_iter=1000)
    assert res.success
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-7)
    assert np.max(np.abs(res.jac)) <= 1e-10


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "exc", "word"),
    [
        (lambda: optim.gradient_descent(1.0, 0.0, 0.1, 3), TypeError, "objective"),
        (lambda: optim.gradient_descent(_l1, 0.0, -0.1, 3), ValueError, "lr"),
        (lambda: optim.gradient_descent(_l1, 0.0, 0.1, 2.5), TypeError, "steps"),
        (lambda: optim.gradient_descent(_l1, 0.0, 0.1, -1), ValueError, "steps"),
        (
            lambda: optim.gradient_descent(lambda x: (0.0, np.nan), 0.0, 0.1, 1),
            ValueError,
            "gradient",
        ),
        (lambda: optim.gradient_descent(lambda x: x, 0.0, 0.1, 1), TypeError, "pair"),
        (lambda: optim.gradient_descent(_l1, np.nan, 0.1, 1), ValueError, "theta0"),
        (lambda: optim.newton(_rosenbrock, [0.0, 0.0], 1), TypeError, "Hessian"),
        (
            lambda: optim.newton(lambda t: (0.0, t), [1.0], 1, hessian=lambda t: [[0.0]]),
            ValueError,
            "singular",
        ),
        (lambda: optim.proximal_gradient(_l1, None, 0.0, 0.1, 1), TypeError, "prox"),
        (lambda: optim.minimize(_rosenbrock, [0.0, 0.0], gtol=0.0), ValueError, "gtol"),
    ],
)
def test_bad_input_raises_naming_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
