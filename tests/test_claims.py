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
    checked = lv.claim("two plus two is four", 2 + 2 == 4, how="arithmetic")
    assert lv.claims_checked() == [checked]
    html = checked._repr_html_()
    assert 'aria-label="Checked"' in html and "two plus two is four" in html
    assert "<small>(arithmetic)</small>" in html
    assert repr(checked) == "✓ two plus two is four (arithmetic)"


def test_each_kind_of_check_says_in_plain_words_how_it_was_checked():
    z = sp.symbols("z", real=True)
    close = lv.claim_close("ln 2", math.log(2), 0.6931471805599453)
    close_atol = lv.claim_close("zero", 1e-13, 0.0, rtol=0, atol=1e-12)
    ident = lv.claim_identity("d/dz z^2 = 2z", sp.diff(z**2, z), 2 * z)
    grad = lv.claim_grad("d/dx x^2", lambda x: float(x @ x), lambda x: 2 * x, [1.0, -2.0])
    plain = lv.claim("true", True)
    assert [c.how for c in (close, close_atol, ident, grad, plain)] == [
        "numeric, rtol 1e-12",
        "numeric, atol 1e-12",
        "checked with sympy, exact",
        "finite differences",
        "checked by computation",
    ]
    # the measured error is kept, as the line's tooltip, not in the line itself
    assert close_atol.detail == "max abs error 1.0e-13, relative 1.0e-13"
    assert 'title="max abs error 1.0e-13' in close_atol._repr_html_()
    assert grad.detail.startswith("central differences, h 1e-06, max abs error")
    assert "title=" not in plain._repr_html_()
    with pytest.raises(TypeError, match="how"):
        lv.claim("no method named", True, how="")


def test_no_display_outside_ipython(capsys):
    lv.claim("quiet in plain Python", True)
    assert capsys.readouterr() == ("", "")


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


def test_claim_identity_through_each_rewrite_and_never_accepts_a_near_miss():
    z, t = sp.symbols("z t", real=True)
    # rational: cancels over a common denominator
    lv.claim_identity("(z^2 - 1)/(z - 1) = z + 1", (z**2 - 1) / (z - 1), z + 1)
    # needs tanh rewritten as exponentials
    lv.claim_identity("σ(2z) = (1 + tanh z)/2", 1 / (1 + sp.exp(-2 * z)), (1 + sp.tanh(z)) / 2)
    # needs simplify (a trigonometric identity no rational rewrite reaches)
    lv.claim_identity("sin² + cos² = 1", sp.sin(t) ** 2 + sp.cos(t) ** 2, 1)
    for wrong in (
        (1 / (1 + sp.exp(-z)), (1 + sp.tanh(z)) / 2),  # σ(z), not σ(2z)
        ((z**2 - 1) / (z - 1), z - 1),
        (sp.sin(t) ** 2 + sp.cos(t) ** 2, 1 + 10**-12 * t),
    ):
        with pytest.raises(ClaimError, match="simplifies to"):
            lv.claim_identity("a near miss", *wrong)


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


def test_every_claim_of_a_cell_displays_exactly_once_in_a_kernel():
    """Several claims in one cell each show their line once, in order, however the cell ends.

    Run in a real kernel (nbclient): the claim in the middle is neither the cell's value nor
    displayed by hand, the one given to ``display`` and the cell's last value must not repeat.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import lossviz as lv\n"
            "from IPython.display import display\n"
            "lv.claim('first', True)\n"
            "display(lv.claim_close('second', 0.1 + 0.2, 0.3, rtol=1e-15))\n"
            "print('between')\n"
            "c = lv.claim_identity('third', 2, 2)\n"
            "display(c)\n"
            "lv.claim('fourth', 1 < 2, how='comparison')"
        ),
        nbformat.v4.new_code_cell("lv.claims_checked()[0]"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    first, second = (cell.outputs for cell in nb.cells)
    shown = [
        (out.output_type, out.get("data", {}).get("text/plain", out.get("text", "").strip()))
        for out in first
    ]
    assert shown == [
        ("display_data", "✓ first (checked by computation)"),
        ("display_data", "✓ second (numeric, rtol 1e-15)"),
        ("stream", "between"),
        ("display_data", "✓ third (checked with sympy, exact)"),
        ("display_data", "✓ fourth (comparison)"),
    ]
    assert all("lossviz-claim" in out.data["text/html"] for out in first if "data" in out)
    # a claim already shown is not shown again when a later cell evaluates it
    assert second == []


def test_claims_report_counts_every_claim_and_wraps_to_the_width():
    lv.claims.reset_claims()
    long = "a statement that is far longer than one line of the text column " * 3
    lv.claims.claim(long, True, how="checked by computation")
    lv.claims.claim("short", True, how="sympy, exact")
    report = lv.claims.claims_report(width=40).splitlines()
    assert report[0] == "2 claims of this chapter were checked by the code above:"
    assert all(len(line) <= 40 for line in report[1:])
    body = " ".join(line.strip() for line in report[1:])
    assert " ".join(long.split()) in body and "2. short [sympy, exact]" in body
    lv.claims.reset_claims()
