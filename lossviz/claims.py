"""Claims the book's text makes, checked by code that runs in the notebook.

A sentence that states a computable fact (a value, an identity, a gradient, a library convention
reproduced by ``lossviz``) is followed by a cell that checks it with one of these functions. A false
claim raises :class:`ClaimError` (an ``AssertionError``), so the notebook, the test command and the
book build all fail. A true one is recorded (a chapter can list what it verified) and shows one short
line, "✓ statement (how it was checked)". In an IPython kernel every claim displays itself when it
is checked, so a cell with several claims shows every line, in order; showing the returned
:class:`Checked` again (as a cell's last value or with ``display``) adds no second copy.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .i18n import tr, trf

__all__ = [
    "ClaimError",
    "Checked",
    "claim",
    "claim_close",
    "claim_identity",
    "claim_grad",
    "claims_checked",
    "claims_report",
    "reset_claims",
]

_REGISTRY: list[Checked] = []


class ClaimError(AssertionError):
    """A claim of the text did not hold."""


@dataclass(frozen=True, eq=False)
class Checked:
    """A verified claim: one line, "✓ statement (how)", in a notebook and on the site.

    ``how`` says in plain words how it was checked ("checked with sympy", "finite differences",
    "numeric, rtol 1e-12"); ``detail`` holds the measured error, shown as the line's tooltip.
    """

    statement: str
    how: str
    detail: str = ""
    _shown: bool = field(default=False, repr=False)

    def _repr_html_(self) -> str:
        title = f' title="{html.escape(self.detail)}"' if self.detail else ""
        # in the display language (lossviz.i18n; unchanged in English)
        statement, how, checked = (
            tr(self.statement, "claim"),
            tr(self.how, "claim"),
            tr("Checked", "claim"),
        )
        return (
            f'<p class="lossviz-claim" role="note"{title}>'
            f'<span role="img" aria-label="{html.escape(checked)}">&#10003;</span> '
            f"{html.escape(statement)} <small>({html.escape(how)})</small></p>"
        )

    def __repr__(self) -> str:
        return f"✓ {tr(self.statement, 'claim')} ({tr(self.how, 'claim')})"

    def _ipython_display_(self) -> None:
        # IPython calls this instead of the formatters, for display() and for a cell's last value
        # alike; showing each claim once keeps the auto-display in _record from being doubled.
        if self._shown:
            return
        object.__setattr__(self, "_shown", True)
        from IPython.display import display

        display({"text/plain": repr(self), "text/html": self._repr_html_()}, raw=True)


def _ipython_shell():
    """The running IPython shell (a notebook kernel), or None; never imports IPython itself."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def _record(statement: str, how: str, detail: str = "") -> Checked:
    item = Checked(statement, how, detail)
    _REGISTRY.append(item)
    if _ipython_shell() is not None:
        item._ipython_display_()
    return item


def _tolerance(rtol: float, atol: float) -> str:
    tol = f"rtol {rtol:g}" if rtol else ""
    if atol:
        tol = f"{tol}, atol {atol:g}" if tol else f"atol {atol:g}"
    return tol or "exact"


def claim(statement: str, condition: bool, how: str = "checked by computation") -> Checked:
    """Check a boolean condition; raise :class:`ClaimError` naming the claim if it is false.

    ``how`` names the check in plain words for the displayed line (e.g. "sympy, exact").
    """
    if not isinstance(statement, str) or not statement:
        raise TypeError("statement must be a non-empty string")
    if not isinstance(how, str) or not how:
        raise TypeError("how must be a non-empty string")
    if not bool(condition):
        raise ClaimError(f"claim failed: {statement}")
    return _record(statement, how)


def claim_close(
    statement: str, actual, expected, *, rtol: float = 1e-12, atol: float = 0.0
) -> Checked:
    """Check ``actual ≈ expected`` elementwise (``numpy.allclose`` semantics, NaN never equal)."""
    a = np.asarray(actual, dtype=float)
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        raise ClaimError(f"claim failed: {statement}: shape {a.shape} != expected {e.shape}")
    if not np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=False):
        err = np.max(np.abs(a - e)) if a.size else math.nan
        raise ClaimError(
            f"claim failed: {statement}: got {a!r}, expected {e!r} (max abs error {err:.3g})"
        )
    err = float(np.max(np.abs(a - e))) if a.size else 0.0
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    rel = err / scale if scale else err
    return _record(
        statement,
        f"numeric, {_tolerance(rtol, atol)}",
        trf("max abs error {err}, relative {rel}", "claim", err=f"{err:.1e}", rel=f"{rel:.1e}"),
    )


def claim_identity(statement: str, lhs, rhs, *, assumptions: Callable | None = None) -> Checked:
    """Check a symbolic identity ``lhs == rhs`` exactly with sympy (``simplify(lhs - rhs) == 0``)."""
    import sympy as sp

    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        if not (isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase)):
            raise ClaimError(f"claim failed: {statement}: a matrix compared with a scalar")
        if lhs.shape != rhs.shape:
            raise ClaimError(f"claim failed: {statement}: shapes {lhs.shape} != {rhs.shape}")
        pairs = list(zip(lhs, rhs, strict=True))
    else:
        pairs = [(lhs, rhs)]
    for left, right in pairs:
        diff = _zero_or_simplest(sp, left - right)
        if diff != 0:
            raise ClaimError(f"claim failed: {statement}: lhs - rhs simplifies to {diff}")
    return _record(statement, "checked with sympy, exact")


def _zero_or_simplest(sp, diff):
    """0 if ``diff`` is identically zero, else its simplest form found (for the error message).

    Cheap exact rewrites first: expanded over a common denominator (then with exponentials
    rewritten, e.g. tanh), an identity usually cancels to 0 in milliseconds where ``simplify``
    takes seconds. ``simplify`` and a stronger rewrite only run when those do not reach 0.
    """
    if diff == 0:
        return diff
    for attempt in (
        lambda d: sp.cancel(sp.together(sp.expand(d))),
        lambda d: sp.cancel(sp.together(sp.expand(sp.powsimp(d.rewrite(sp.exp))))),
    ):
        if attempt(diff) == 0:
            return sp.Integer(0)
    diff = sp.simplify(diff)
    if diff != 0:
        diff = sp.simplify(sp.cancel(sp.expand(sp.powsimp(diff.rewrite(sp.exp)))))
    return diff


def claim_grad(
    statement: str,
    f: Callable[[np.ndarray], float],
    grad: Callable[[np.ndarray], np.ndarray],
    x,
    *,
    h: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> Checked:
    """Check an analytic gradient against central finite differences of ``f`` at ``x``."""
    x = np.array(x, dtype=float)
    g = np.asarray(grad(x.copy()), dtype=float)
    if g.shape != x.shape:
        raise ClaimError(f"claim failed: {statement}: gradient shape {g.shape} != {x.shape}")
    fd = np.empty_like(x)
    flat, out = x.reshape(-1), fd.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = float(f(x.copy()))
        flat[i] = old - h
        down = float(f(x.copy()))
        flat[i] = old
        out[i] = (up - down) / (2 * h)
    err = float(np.max(np.abs(g - fd)))
    if not np.allclose(g, fd, rtol=rtol, atol=atol):
        raise ClaimError(
            f"claim failed: {statement}: max |analytic - finite difference| = {err:.3g}"
        )
    return _record(
        statement,
        "finite differences",
        trf(
            "central differences, h {h}, max abs error {err}", "claim", h=f"{h:g}", err=f"{err:.1e}"
        ),
    )


def claims_checked() -> list[Checked]:
    """The claims checked so far in this process (a notebook's kernel), in order."""
    return list(_REGISTRY)


def claims_report(width: int = 62) -> str:
    """The list a chapter prints in its last cell: a count line, then one numbered claim per item.

    Each item is ``"NN. statement [how]"``, wrapped at ``width`` characters (continuation lines
    indented) so that no line of the printed block is wider than a laptop's text column, nor
    than a column of the printed page (two columns of about 65 characters: lossviz-site.css).
    """
    import textwrap

    checked = claims_checked()
    lines = [f"{len(checked)} claims of this chapter were checked by the code above:"]
    for i, c in enumerate(checked, 1):
        item = f"{i:2d}. {c.statement} [{c.how}]"
        lines.append(textwrap.fill(item, width, subsequent_indent="    ", break_long_words=True))
    return "\n".join(lines)


def reset_claims() -> None:
    """Forget the claims recorded so far (a notebook calls this in its first cell)."""
    _REGISTRY.clear()
