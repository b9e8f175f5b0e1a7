"""lossviz.claims: a true claim is recorded and displayed, a false one raises and names itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import lossviz as lv
from lossviz.claims import ClaimError


@pytest.fixture(autouse=True)
def _fresh_registry():
    lv.claims.reset_claims()
    yield
    lv.claims.reset_claims()


def test_true_claim_is_recorded_and_displayed():
    checked = lv.claim("two plus two is four", 2 + 2 == 4)
    assert lv.claims_checked() == [checked]
    html = checked._repr_html_()
    assert "Checked:" in html and "two plus two is four" in html
    assert "✓ Checked: two plus two is four" in repr(checked)


def test_false_claim_raises_with_its_statement():
    with pytest.raises(ClaimError, match="the moon is cheese"):
        lv.claim("the moon is cheese", False)
    assert lv.claims_checked() == []
    assert issubclass(ClaimError, AssertionError)


def test_claim_html_is_escaped():
    html = lv.claim("a < b & c", True)._repr_html_()
    assert "a &lt; b &amp; c" in html


def test_claim_needs_a_statement():
    with pytest.raises(TypeError, match="statement"):
        lv.claim("", True)


def test_claim_close_accepts_within_tolerance_and_rejects_outside():
    lv.claim_close("ln 2", math.log(2), 0.6931471805599453)
    with pytest.raises(ClaimError, match="max abs error"):
        lv.claim_close("ln 2 to 1e-12", math.log(2), 0.6931471805, rtol=1e-12)
    with pytest.raises(ClaimError, match="shape"):
        lv.claim_close("shapes", [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ClaimError):
        lv.claim_close("NaN is never close", float("nan"), float("nan"))
    assert len(lv.claims_checked()) == 1


def test_claim_identity_exact():
    z = sp.symbols("z", real=True)
    s = 1 / (1 + sp.exp(-z))
    lv.claim_identity("sigma' = sigma (1 - sigma)", sp.diff(s, z), s * (1 - s))
    lv.claim_identity("sigma(-z) = 1 - sigma(z)", s.subs(z, -z), 1 - s)
    with pytest.raises(ClaimError, match="simplifies to"):
        lv.claim_identity("sigma' = sigma", sp.diff(s, z), s)


def test_claim_grad_against_finite_differences():
    def f(x):
        return float(np.sum(np.sin(x) * x))

    def good(x):
        return np.sin(x) + x * np.cos(x)

    def bad(x):
        return np.cos(x)

    x = np.array([0.3, -1.2, 2.0])
    lv.claim_grad("d/dx sum(x sin x)", f, good, x)
    with pytest.raises(ClaimError, match="finite difference"):
        lv.claim_grad("wrong gradient", f, bad, x)
    with pytest.raises(ClaimError, match="shape"):
        lv.claim_grad("wrong shape", f, lambda x: np.zeros(2), x)


def test_claim_identity_on_matrices_compares_every_element():
    z = sp.symbols("z", real=True)
    m = sp.Matrix([[z, z**2], [1, sp.exp(z)]])
    lv.claim_identity(
        "d/dz of a matrix, elementwise", m.diff(z), sp.Matrix([[1, 2 * z], [0, sp.exp(z)]])
    )
    with pytest.raises(ClaimError, match="simplifies to"):
        lv.claim_identity("one wrong element", m.diff(z), sp.Matrix([[1, 2 * z], [0, 0]]))
    with pytest.raises(ClaimError, match="shapes"):
        lv.claim_identity("shapes differ", m, sp.Matrix([z, 1]))
