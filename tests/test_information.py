"""lossviz.information against scipy.stats.entropy, mpmath and hand values: entropy,
cross-entropy, KL divergence and the proper scoring rules."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from lossviz import information as inf

finite = st.floats(-700, 700, allow_nan=False, allow_infinity=False)


# ---------------------------------------- information measures
def test_entropy_ce_kl_brief_values():
    p, q = [0.7, 0.2, 0.1], [0.5, 0.3, 0.2]
    # brief D ch.2 claim 10
    assert inf.entropy(p) == pytest.approx(0.8018185525433372, rel=1e-14)
    assert inf.cross_entropy(p, q) == pytest.approx(0.886941378500559, rel=1e-14)
    assert inf.kl_divergence(p, q) == pytest.approx(0.0851228259572216, rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_ce_is_entropy_plus_kl_and_matches_scipy(k, seed):
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    assert inf.entropy(p) == pytest.approx(scipy.stats.entropy(p), rel=1e-12)
    assert inf.kl_divergence(p, q) == pytest.approx(scipy.stats.entropy(p, q), rel=1e-10, abs=1e-14)
    assert inf.cross_entropy(p, q) == pytest.approx(
        inf.entropy(p) + inf.kl_divergence(p, q), rel=1e-12
    )
    assert inf.kl_divergence(p, q) >= 0
    assert inf.kl_divergence(p, p) == pytest.approx(0, abs=1e-15)


def test_zero_probabilities():
    assert inf.entropy([1.0, 0.0]) == 0.0
    assert inf.entropy([0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    # one-hot target: H(onehot, q) = -log q_y
    assert inf.cross_entropy([0, 1, 0], [0.2, 0.5, 0.3]) == pytest.approx(math.log(2), rel=1e-15)
    assert inf.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert not np.isnan(inf.kl_divergence([0.0, 1.0], [1.0, 0.0]))


def test_batched_distributions():
    p = np.array([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3]])
    out = inf.entropy(p)
    assert out.shape == (2,)
    assert out[1] == pytest.approx(math.log(3), rel=1e-14)


def test_binary_entropy():
    assert inf.binary_entropy(0.5) == pytest.approx(math.log(2), rel=1e-15)
    assert inf.binary_entropy(0.0) == 0.0
    # brief C.1: BCE-with-logits minimum for soft target 0.3 equals 0.6108643
    assert inf.binary_entropy(0.3) == pytest.approx(0.6108643, abs=1e-7)


# ---------------------------------------- proper scoring
@pytest.mark.parametrize("q", [0.05, 0.3, 0.5, 0.9])
def test_scoring_rules_are_proper(q):
    for f in (inf.expected_log_loss, inf.expected_brier):
        res = minimize_scalar(
            lambda p, f=f: float(f(p, q)),
            bounds=(1e-9, 1 - 1e-9),
            method="bounded",
            options={"xatol": 1e-12},
        )
        assert res.x == pytest.approx(q, abs=1e-6)
    p = np.linspace(0.01, 0.99, 99)
    np.testing.assert_allclose(
        inf.expected_log_loss(p, q) - inf.binary_entropy(q),
        q * np.log(q / p) + (1 - q) * np.log((1 - q) / (1 - p)),
        rtol=1e-10,
        atol=1e-14,
    )
    np.testing.assert_allclose(inf.expected_brier(p, q), (p - q) ** 2 + q * (1 - q), rtol=1e-12)


# ---------------------------------------- bad input
@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: inf.entropy([0.5, 0.6]), ValueError, "p"),
        (lambda: inf.entropy([-0.1, 1.1]), ValueError, "p"),
        (lambda: inf.entropy(0.5), ValueError, "p"),
        (lambda: inf.entropy([]), ValueError, "p"),
        (lambda: inf.entropy("ab"), TypeError, "p"),
        (lambda: inf.cross_entropy([0.5, 0.5], [1 / 3] * 3), ValueError, "same shape"),
        (lambda: inf.kl_divergence([0.5, 0.5], [np.nan, 0.5]), ValueError, "q"),
        (lambda: inf.expected_log_loss(0.0, 0.3), ValueError, "p"),
        (lambda: inf.expected_brier(0.5, 1.5), ValueError, "q"),
    ],
)
def test_bad_input_names_the_argument(call, exc, word):
    with pytest.raises(exc, match=word):
        call()
