"""The book's losses as sympy expressions: exact derivatives, identities and LaTeX for the chapters.

Usage::

    import lossviz as lv
    S = lv.symbolic
    L = S.loss("smooth_l1")            # a SymbolicLoss
    L.expr, L.d1, L.d2                 # sympy: loss, first and second derivative w.r.t. L.var
    L.latex("d1")                      # '\\frac{\\partial \\ell}{\\partial r} = \\begin{cases} ...'
    f = L.numeric("d1")                # NumPy function: f(r, beta=1.0)
    S.loss("bce").numeric("d1")(z, y)   # = σ(z) - y

Every per-element loss of the registry :mod:`lossviz.losses` has its sympy form here, built from
its declaration (there is no second table of losses). Variables follow ``notation.md``: residual
losses are functions of r = ŷ - y (so d/dŷ = d/dr; with target 0, r is the prediction), logit
losses of the logit z and the label y, margin losses of m = y·f(x). Parameters are sympy symbols
keyed by their PyTorch argument names (``beta``, ``delta``, ``pos_weight``, ``alpha``, ``gamma``,
``gamma_pos``, ``gamma_neg``, ``clip``, ...).

``sigmoid`` and ``softplus`` are sympy functions that print as σ(z) and log(1 + e^z), differentiate
exactly (σ' = σ(1 - σ), softplus' = σ), evaluate σ(-z) to 1 - σ(z), rewrite to exponentials with
``.rewrite(sympy.exp)`` (for proofs) and lambdify to the stable NumPy versions in
:mod:`lossviz.functional`. Derivatives are classical (pointwise): the Dirac deltas sympy produces at
kinks (|r| at 0) are dropped, and at a kink the formula shows a one-sided value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import _validation as _V
from . import losses as _losses
from .losses import _stable

__all__ = [
    "sigmoid",
    "softplus",
    "SymbolicLoss",
    "LOSSES",
    "loss",
    "r",
    "z",
    "p",
    "y",
    "beta",
    "delta",
    "alpha",
    "gamma",
    "gamma_pos",
    "gamma_neg",
    "clip",
    "pos_weight",
    "sigmoid_identities",
    "LogRegGradient",
    "logreg_gradient",
    "softmax_cross_entropy",
    "NUMPY_MODULES",
    "multilabel_soft_margin",
    "multilabel_categorical_cross_entropy",
]


class sigmoid(sp.Function):  # noqa: N801 (a sympy function reads like a math function)
    """σ(z) = 1 / (1 + e^{-z}); σ(-z) evaluates to 1 - σ(z); σ'(z) = σ(z)(1 - σ(z))."""

    @classmethod
    def eval(cls, arg):
        if arg == 0:
            return sp.Rational(1, 2)
        if arg.could_extract_minus_sign():
            return 1 - cls(-arg)
        return None

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sp.exp(-arg))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _latex(self, printer, exp=None):
        s = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return s if exp is None else rf"{s}^{{{exp}}}"


class softplus(sp.Function):  # noqa: N801
    """softplus(z) = log(1 + e^z) = -log σ(-z); softplus'(z) = σ(z)."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return sp.log(1 + sp.exp(arg))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        s = rf"\log\left(1 + e^{{{printer._print(self.args[0])}}}\right)"
        return s if exp is None else rf"\left({s}\right)^{{{exp}}}"


_NUMPY_MODULES = [{"sigmoid": _stable.sigmoid, "softplus": _stable.softplus}, "numpy"]

# variables and parameters (real; parameters positive/non-negative as PyTorch requires)
r = sp.Symbol("r", real=True)
z = sp.Symbol("z", real=True)
p = sp.Symbol("p", positive=True)
y = sp.Symbol("y", real=True)
beta = sp.Symbol("beta", positive=True)
delta = sp.Symbol("delta", positive=True)
alpha = sp.Symbol("alpha", nonnegative=True)
gamma = sp.Symbol("gamma", nonnegative=True)
gamma_pos = sp.Symbol("gamma_+", nonnegative=True)
gamma_neg = sp.Symbol("gamma_-", nonnegative=True)
clip = sp.Symbol("m", nonnegative=True)
pos_weight = sp.Symbol("c", positive=True)


def _drop_dirac(expr):
    return expr.replace(sp.DiracDelta, lambda *args: sp.S.Zero)


def _tidy(expr):
    """Light simplification that keeps σ(z) visible (no rewrite to exponentials): the shortest of
    a few equivalent forms (raw, collected in σ(z), factored)."""
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(_tidy(e), c) for e, c in expr.args])
    candidates = [expr, sp.factor_terms(expr)]
    candidates.append(sp.factor_terms(sp.collect(sp.expand(expr), sigmoid(z))))
    if not expr.has(sigmoid, softplus, sp.Piecewise):
        candidates.append(sp.factor(sp.together(expr)))
    return min(candidates, key=sp.count_ops)


@dataclass(frozen=True)
class SymbolicLoss:
    """A loss ℓ(var; target, params) with exact first and second derivatives w.r.t. ``var``."""

    name: str
    expr: sp.Expr
    var: sp.Symbol
    target: sp.Symbol | None
    params: dict = field(default_factory=dict)  # PyTorch argument name -> sympy symbol
    symbol: str = r"\ell"
    defaults: dict = field(default_factory=dict)  # PyTorch argument name -> default value

    @property
    def d1(self) -> sp.Expr:
        """dℓ/d var (pointwise; kinks' Dirac deltas dropped), lightly simplified."""
        return _tidy(_drop_dirac(sp.diff(self.expr, self.var)))

    @property
    def d2(self) -> sp.Expr:
        """d²ℓ/d var² (pointwise)."""
        return _tidy(_drop_dirac(sp.diff(self.d1, self.var)))

    def get(self, which: str = "loss") -> sp.Expr:
        """``"loss"``, ``"d1"`` or ``"d2"``."""
        if which == "loss":
            return self.expr
        if which in ("d1", "d2"):
            return getattr(self, which)
        raise ValueError(f"which must be 'loss', 'd1' or 'd2', got {which!r}")

    def latex(self, which: str = "loss", *, lhs: bool = True) -> str:
        """LaTeX of the loss or a derivative, by default as an equation ``\\ell(r) = …``."""
        body = sp.latex(self.get(which))
        if not lhs:
            return body
        v = sp.latex(self.var)
        left = {
            "loss": rf"{self.symbol}({v})",
            "d1": rf"\frac{{\partial {self.symbol}}}{{\partial {v}}}",
            "d2": rf"\frac{{\partial^2 {self.symbol}}}{{\partial {v}^2}}",
        }[which]
        return f"{left} = {body}"

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"

    def subs(self, **values) -> SymbolicLoss:
        """Substitute parameters (by PyTorch name) or ``target=...``; returns a new SymbolicLoss."""
        mapping, params, target = {}, dict(self.params), self.target
        for key, val in values.items():
            if key == "target" and self.target is not None:
                mapping[self.target] = sp.sympify(val)
                target = None
            elif key in params:
                mapping[params.pop(key)] = sp.sympify(val)
            else:
                raise ValueError(f"unknown parameter {key!r} for loss {self.name!r}")
        defaults = {k: v for k, v in self.defaults.items() if k in params}
        return SymbolicLoss(
            self.name, self.expr.subs(mapping), self.var, target, params, self.symbol, defaults
        )

    def numeric(self, which: str = "loss"):
        """A vectorised NumPy function of the loss or a derivative.

        Signature ``f(var, target, **params)`` (``f(var, **params)`` without a target); missing
        parameters take the declaration's defaults (``lossviz.losses.get(name).defaults``).
        """
        args = [self.var] + ([self.target] if self.target is not None else [])
        names = list(self.params)
        fn = sp.lambdify(args + [self.params[k] for k in names], self.get(which), _NUMPY_MODULES)
        defaults = {k: self.defaults[k] for k in names}

        def f(*xs, **kw):
            unknown = set(kw) - set(names)
            if unknown:
                raise TypeError(f"unknown parameter(s) {sorted(unknown)} for {self.name!r}")
            if len(xs) != len(args):
                raise TypeError(f"expected {len(args)} positional argument(s), got {len(xs)}")
            vals = [np.asarray(x, dtype=np.float64) for x in xs]
            # numpy evaluates every branch of a Piecewise (e.g. (σ(z) - m)^γ where σ(z) < m) and
            # then selects: the discarded branches may warn, the selected values are unaffected
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                out = fn(*vals, *[float(kw.get(k, defaults[k])) for k in names])
            return np.broadcast_to(np.asarray(out, dtype=np.float64), np.broadcast(*vals).shape)

        f.__name__ = f"{self.name}_{which}"
        return f


class _Namespace:
    """What a declaration's ``expr`` sees: sympy's functions plus σ and softplus."""

    sigmoid = sigmoid
    softplus = softplus

    def __getattr__(self, name):
        return getattr(sp, name)


_NS = _Namespace()
_VARS = {"residual": r, "logit": z, "margin": sp.Symbol("m", real=True)}


def _build(name: str) -> SymbolicLoss:
    L = _losses.get(name)
    if L.view == "scores":
        raise ValueError(
            f"loss {name!r} is a per-sample loss of a score vector; use "
            "softmax_cross_entropy(C, target), multilabel_soft_margin(C, targets) or "
            "multilabel_categorical_cross_entropy(C, targets)"
        )
    var = _VARS[L.view]
    target = y if L.target is not None else None
    params = {q.name: sp.Symbol(q.symbol or q.name, **q.assumptions) for q in L.params}
    args = (var,) if target is None else (var, target)
    expr = L.expr(_NS, *args, **params)
    return SymbolicLoss(name, expr, var, target, params, defaults=L.defaults)


#: The losses with a per-element sympy form (every registry loss except the score-vector ones).
LOSSES = tuple(n for n in _losses.names() if _losses.get(n).view != "scores")


def loss(name: str) -> SymbolicLoss:
    """The symbolic form of the registry loss ``name`` (one of :data:`LOSSES`), per element.

    The expression is the declaration's (see :mod:`lossviz.losses`): a function of the residual
    r, of the logit z and label y, or of the margin m. ``"bce"``: c·y·softplus(-z) + (1 - y)·
    softplus(z) (c = pos_weight); ``"focal"``: torchvision's α_t (1 - p_t)^γ BCE (α ≥ 0);
    ``"asl"``: ASL with p_m = σ(z) - m where σ(z) > m. The multi-label per-class term of
    ``multilabel_soft_margin_loss`` is ``bce`` / C.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    return _build(name)


def sigmoid_identities() -> dict[str, tuple[sp.Expr, sp.Expr]]:
    """Named identities ``lhs == rhs`` about σ, each provable with ``lossviz.claim_identity``:
    derivative, symmetry, value at 0, maximum slope, logit inverse, softplus derivative,
    log-likelihood in logit form and the BCE-with-logits gradient σ(z) - y."""
    s = sigmoid(z)
    bce_z = y * softplus(-z) + (1 - y) * softplus(z)
    return {
        "derivative": (sp.diff(s, z), s * (1 - s)),
        "symmetry": (sigmoid(-z), 1 - s),
        "value at 0": (sigmoid(sp.Integer(0)), sp.Rational(1, 2)),
        "maximum slope": (sp.diff(s, z).subs(z, 0), sp.Rational(1, 4)),
        "logit inverse": (sp.log(s / (1 - s)).rewrite(sp.exp), z),
        "softplus derivative": (sp.diff(softplus(z), z), s),
        "log-odds form of BCE": (bce_z, softplus(z) - y * z),
        "bce_with_logits gradient": (sp.diff(bce_z, z), s - y),
        "bce_with_logits curvature": (sp.diff(bce_z, z, 2), s * (1 - s)),
        "half-MSE on sigmoid gradient": (
            sp.diff((s - y) ** 2 / 2, z),
            (s - y) * s * (1 - s),
        ),
    }


@dataclass(frozen=True)
class LogRegGradient:
    """Per-sample logistic-regression loss and its exact gradient (see :func:`logreg_gradient`)."""

    w: tuple
    x: tuple
    b: sp.Symbol
    lam: sp.Symbol
    logit: sp.Expr
    loss: sp.Expr
    penalty: sp.Expr
    grad_w: tuple
    grad_b: sp.Expr

    def latex(self) -> dict[str, str]:
        """LaTeX of the loss, a generic ∂/∂w_j, ∂/∂b, and the matrix form it sums to."""
        j = sp.Symbol("j")
        wj, xj = sp.Symbol("w_j", real=True), sp.Symbol("x_j", real=True)
        gj = self.grad_w[0].subs(self.logit, z).subs({self.w[0]: wj, self.x[0]: xj})
        return {
            "loss": r"\ell(w, b) = " + sp.latex((self.loss + self.penalty).subs(self.logit, z)),
            "logit": r"z = " + sp.latex(self.logit),
            "grad_w_j": rf"\frac{{\partial \ell}}{{\partial w_{{{sp.latex(j)}}}}} = "
            + sp.latex(gj),
            "grad_b": r"\frac{\partial \ell}{\partial b} = "
            + sp.latex(self.grad_b.subs(self.logit, z)),
            "matrix": _MATRIX_FORM[self.penalty_kind],
        }

    @property
    def penalty_kind(self) -> str:
        if self.penalty == 0:
            return "none"
        return "l1" if self.penalty.has(sp.Abs) else "l2"


_MATRIX_FORM = {
    "none": r"\nabla_w J = \tfrac1n X^\top (p - y),\quad \partial_b J = \tfrac1n \mathbf 1^\top (p - y)",
    "l2": r"\nabla_w J = \tfrac1n X^\top (p - y) + \lambda w,\quad \partial_b J = \tfrac1n \mathbf 1^\top (p - y)",
    "l1": r"\nabla_w J = \tfrac1n X^\top (p - y) + \lambda \operatorname{sign}(w),\quad "
    r"\partial_b J = \tfrac1n \mathbf 1^\top (p - y)",
}


def logreg_gradient(d: int = 2, penalty: str = "none") -> LogRegGradient:
    """Logistic regression for one sample with ``d`` features, z = Σ_j w_j x_j + b::

        ℓ = softplus(z) - y z  (+ (λ/2) Σ w_j²  or  + λ Σ |w_j|)
        ∂ℓ/∂w_j = (σ(z) - y) x_j  (+ λ w_j  or  + λ sign(w_j)),   ∂ℓ/∂b = σ(z) - y

    Averaging over samples gives ``lossviz.logreg.grad`` (the penalty is added once, not per
    sample). ``penalty`` is ``"none"``, ``"l2"`` or ``"l1"``.
    """
    d = _V.integer(d, "d", min_value=1)
    if penalty not in ("none", "l2", "l1"):
        raise ValueError(f"penalty must be 'none', 'l2' or 'l1', got {penalty!r}")
    w = sp.symbols(f"w_1:{d + 1}", real=True)
    x = sp.symbols(f"x_1:{d + 1}", real=True)
    b = sp.Symbol("b", real=True)
    lam = sp.Symbol("lambda", nonnegative=True)
    zz = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
    data = softplus(zz) - y * zz
    pen = {
        "none": sp.S.Zero,
        "l2": lam / 2 * sum(wi**2 for wi in w),
        "l1": lam * sum(sp.Abs(wi) for wi in w),
    }[penalty]
    total = data + pen
    gw = tuple(_drop_dirac(sp.factor_terms(sp.diff(total, wi))) for wi in w)
    gb = sp.factor_terms(sp.diff(total, b))
    return LogRegGradient(w, x, b, lam, zz, data, pen, gw, gb)


def softmax_cross_entropy(C: int = 3, target: int = 0):
    """Softmax cross-entropy for one sample with logits z_1..z_C and class index ``target``.

    Returns ``(logits, loss, gradient)`` with ℓ = log Σ_c e^{z_c} - z_target and the exact gradient
    (a tuple of sympy expressions); ∂ℓ/∂z_k = softmax(z)_k - [k = target].
    """
    C = _V.integer(C, "C", min_value=2)
    target = _V.integer(target, "target", min_value=0, max_value=C - 1)
    zs = sp.symbols(f"z_1:{C + 1}", real=True)
    ell = sp.log(sum(sp.exp(zk) for zk in zs)) - zs[target]
    return zs, ell, tuple(sp.diff(ell, zk) for zk in zs)


def _multilabel_args(C, targets) -> tuple[int, ...]:
    C = _V.integer(C, "C", min_value=1)
    try:
        t = tuple(int(v) for v in targets)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"targets must be a sequence of C labels in {{0, 1}}, got {targets!r}"
        ) from err
    if (
        len(t) != C
        or any(v not in (0, 1) for v in t)
        or any(v != u for v, u in zip(t, targets, strict=True))
    ):
        raise ValueError(
            f"targets must be a sequence of C = {C} labels in {{0, 1}}, got {targets!r}"
        )
    return t


def multilabel_soft_margin(C: int = 3, targets=(1, 0, 0)):
    """PyTorch's ``multilabel_soft_margin_loss`` for one sample with logits s_1..s_C::

        ℓ = (1/C) Σ_c [y_c softplus(-s_c) + (1 - y_c) softplus(s_c)],   ∂ℓ/∂s_c = (σ(s_c) - y_c)/C

    Returns ``(logits, loss, gradient)``: one binary cross-entropy per label, averaged. To
    evaluate numerically: ``sympy.lambdify(logits, loss, lossviz.symbolic.NUMPY_MODULES)``.
    """
    t = _multilabel_args(C, targets)
    ss = sp.symbols(f"s_1:{C + 1}", real=True)
    ell = (
        sum(yc * softplus(-sc) + (1 - yc) * softplus(sc) for sc, yc in zip(ss, t, strict=True)) / C
    )
    return ss, ell, tuple(sp.diff(ell, sc) for sc in ss)


def multilabel_categorical_cross_entropy(C: int = 4, targets=(1, 0, 0, 0)):
    """Su's multi-label categorical cross-entropy (ZLPR) for one sample with logits s_1..s_C::

        ℓ = log(1 + Σ_{neg} e^{s_i}) + log(1 + Σ_{pos} e^{-s_j})

    Returns ``(logits, loss, gradient)``; ∂ℓ/∂s_i = e^{s_i}/(1 + Σ_neg e^s) for a negative and
    -e^{-s_j}/(1 + Σ_pos e^{-s}) for a positive. The threshold is 0: every positive logit is pushed
    above 0 and every negative one below, relative to a constant logit 0.
    """
    t = _multilabel_args(C, targets)
    ss = sp.symbols(f"s_1:{C + 1}", real=True)
    neg = sum((sp.exp(sc) for sc, yc in zip(ss, t, strict=True) if yc == 0), sp.S.Zero)
    pos = sum((sp.exp(-sc) for sc, yc in zip(ss, t, strict=True) if yc == 1), sp.S.Zero)
    ell = sp.log(1 + neg) + sp.log(1 + pos)
    return ss, ell, tuple(sp.diff(ell, sc) for sc in ss)


#: Modules for ``sympy.lambdify`` that evaluate σ and softplus with the stable NumPy versions.
NUMPY_MODULES = _NUMPY_MODULES
