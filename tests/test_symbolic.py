"""lossviz.symbolic: lambdified sympy derivatives equal the numeric gradients; exact identities."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import lossviz as lv
from lossviz import functional as F
from lossviz import logreg as L
from lossviz import symbolic as S

# a second parameter value for each constraint (the first is the declared default)
ALT = {
    "real": 0.7,
    "nonneg": 0.45,
    "positive": 2.3,
    "unit_open": 0.2,
    "open_unit": 0.2,
    "unit_left_open": 0.3,
    "at_most_one": 0.6,
    "real_or_-inf": 0.5,
}
GRIDS = {
    "residual": np.linspace(-4.013, 4.017, 161),  # offset: no grid point on a kink
    "logit": np.linspace(-12.01, 12.03, 97),
    "margin": np.linspace(-3.011, 4.013, 121),
}


def _param_sets(loss):
    sets = [loss.defaults, {p.name: ALT[p.constraint] for p in loss.params}]
    if loss.name == "barron":  # the sympy form is the generic α; check a redescending one too
        sets.append({"alpha": -1.5, "c": 0.8})
    return sets


def _targets(loss):
    if loss.target is None:
        return [None]
    return [0.0, 1.0] if loss.target == "binary" else [0.0, 1.0, 0.35]


def _cases():
    for name in S.LOSSES:
        loss = lv.losses.get(name)
        for kw in _param_sets(loss):
            for t in _targets(loss):
                yield name, kw, t


@pytest.mark.parametrize("name,kw,t", list(_cases()), ids=lambda v: str(v))
def test_sympy_form_equals_registry_kernels(name, kw, t):
    """The lambdified sympy loss and derivative equal the registry's NumPy kernels."""
    loss, sym = lv.losses.get(name), S.loss(name)
    grid = GRIDS[loss.view]
    if name == "asl" and kw["clip"] > 0:  # leave out the kink at σ(z) = clip
        grid = grid[np.abs(1 / (1 + np.exp(-grid)) - kw["clip"]) > 1e-3]
    args = (grid,) if t is None else (grid, np.full_like(grid, t))
    for which, mine in (("loss", loss.value), ("d1", loss.grad)):
        np.testing.assert_allclose(
            sym.numeric(which)(*args, **kw),
            mine(*args, **kw),
            rtol=1e-9,
            atol=1e-13,
            err_msg=f"{name} {which} {kw} y={t}",
        )


@pytest.mark.parametrize("name", S.LOSSES)
def test_second_derivative_matches_finite_difference_of_grad(name):
    loss, L_ = lv.losses.get(name), S.loss(name)
    kw = _param_sets(loss)[-1]
    t = _targets(loss)[-1]
    v = {"residual": [-3.3, -0.2, 0.17, 0.9, 2.2], "logit": [-3.0, -0.4, 0.6, 2.5]}.get(
        loss.view, [-2.5, -0.4, 0.6, 1.7]
    )
    v = np.array(v)
    args = (lambda u: (u,)) if t is None else (lambda u: (u, np.full_like(u, t)))
    h = 1e-5
    d1 = L_.numeric("d1")
    fd = (d1(*args(v + h), **kw) - d1(*args(v - h), **kw)) / (2 * h)
    np.testing.assert_allclose(L_.numeric("d2")(*args(v), **kw), fd, rtol=1e-6, atol=1e-8)


def test_key_identities_exact():
    z, y, r = S.z, S.y, S.r
    s = S.sigmoid(z)
    for name, (lhs, rhs) in S.sigmoid_identities().items():
        lv.claim_identity(name, lhs, rhs)
    # d/dz BCE(σ(z), y) = σ(z) - y, from the probability form through the chain rule
    bce_p = -(y * sp.log(S.p) + (1 - y) * sp.log(1 - S.p))
    assert sp.simplify(sp.diff(bce_p.subs(S.p, s), z) - (s - y)) == 0
    assert sp.simplify(S.loss("bce").subs(pos_weight=1).d1 - (s - y)) == 0
    # the logistic margin loss is BCE of the margin m = (2y - 1) z, for y = 1 and y = 0
    m = S.loss("logistic").var
    logistic = S.loss("logistic").expr
    bce = S.loss("bce").subs(pos_weight=1).expr
    for label in (0, 1):
        lhs = logistic.subs(m, (2 * label - 1) * z).rewrite(sp.exp)
        assert sp.simplify(lhs - bce.subs(y, label).rewrite(sp.exp)) == 0
    # huber(δ) = δ · smooth_l1(β = δ), piece by piece, with matching conditions
    hub = S.loss("huber").expr
    sl1 = S.loss("smooth_l1").expr.subs(S.beta, S.delta)
    for (eh, ch), (es, cs) in zip(hub.args, sl1.args, strict=True):
        assert ch == cs and sp.simplify(eh - S.delta * es) == 0
    # smooth L1: C^1 but not C^2 at |r| = β (r > 0 side; the other side by symmetry)
    quad, lin = (e for e, _ in S.loss("smooth_l1").expr.args)
    rp = sp.Symbol("rp", positive=True)
    quad, lin = quad.subs(r, rp), lin.subs(r, rp)
    b = S.beta
    assert sp.simplify(quad.subs(rp, b) - lin.subs(rp, b)) == 0  # value β/2 both sides
    assert sp.simplify(quad.subs(rp, b) - b / 2) == 0
    assert sp.simplify(sp.diff(quad, rp).subs(rp, b) - sp.diff(lin, rp).subs(rp, b)) == 0  # slope 1
    assert sp.simplify(sp.diff(quad, rp, 2) - 1 / b) == 0 and sp.diff(lin, rp, 2) == 0  # 1/β vs 0


def test_half_mse_on_sigmoid_is_not_convex_in_z():
    s = S.sigmoid(S.z)
    half_mse = (s - 1) ** 2 / 2  # y = 1
    d2 = sp.diff(half_mse, S.z, 2)
    p = sp.Symbol("p")
    assert sp.expand(d2.subs(s, p) - p * (1 - p) ** 2 * (3 * p - 1)) == 0
    f = sp.lambdify(S.z, d2, [{"sigmoid": F.sigmoid}, "numpy"])
    assert f(-3.0) == pytest.approx(-0.03691132544259995, rel=1e-12)
    assert f(0.0) == pytest.approx(0.0625, rel=1e-15)


def test_logreg_gradient_symbolic_matches_numeric():
    for penalty, kw in (("none", {}), ("l2", {"l2": 0.1}), ("l1", {"l1": 0.1})):
        G = S.logreg_gradient(2, penalty)
        # per-sample symbolic gradient, averaged over the toy data, plus the penalty once
        X = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5], [0.0, -1.0]])
        y = np.array([1, 1, 0, 0])
        w, b = np.array([0.5, -0.25]), 0.1
        args = [*G.w, *G.x, G.b, S.y, G.lam]
        mods = [{"sigmoid": F.sigmoid, "softplus": F.softplus}, "numpy"]
        lam = kw.get("l2", kw.get("l1", 0.0))
        data_only = [sp.lambdify(args, g.subs(G.lam, 0), mods) for g in (*G.grad_w, G.grad_b)]
        pen = [sp.lambdify(args, g - g.subs(G.lam, 0), mods) for g in (*G.grad_w, G.grad_b)]
        sym = np.zeros(3)
        for xi, yi in zip(X, y, strict=True):
            vals = [*w, *xi, b, yi, lam]
            sym += np.array([f(*vals) for f in data_only]) / len(y)
        sym += np.array([f(*w, *X[0], b, 0.0, lam) for f in pen])
        dw, db = L.grad(w, b, X, y, **kw)
        np.testing.assert_allclose(sym, np.append(dw, db), rtol=1e-13, atol=1e-15)
        tex = G.latex()
        assert set(tex) == {"loss", "logit", "grad_w_j", "grad_b", "matrix"}
        assert r"\sigma\left(z\right)" in tex["grad_w_j"]


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot():
    zs, ell, grad = S.softmax_cross_entropy(4, 2)
    total = sum(sp.exp(v) for v in zs)
    for k, g in enumerate(grad):
        assert sp.simplify(g - (sp.exp(zs[k]) / total - (1 if k == 2 else 0))) == 0
    f = sp.lambdify(zs, list(grad))
    v = np.array([0.3, -1.2, 2.0, 0.5])
    np.testing.assert_allclose(
        f(*v), F.cross_entropy_grad(v, 2, reduction="sum"), rtol=1e-13, atol=1e-15
    )


def test_latex_and_api():
    L_ = S.loss("smooth_l1")
    tex = L_.latex()
    assert tex.startswith(r"\ell(r) = ") and r"\begin{cases}" in tex and r"\beta" in tex
    assert L_.latex("d1").startswith(r"\frac{\partial \ell}{\partial r} = ")
    assert L_.latex("d2", lhs=False).startswith(r"\begin{cases}")
    assert L_._repr_latex_().startswith("$")
    assert S.loss("bce").latex("d1").count(r"\sigma") >= 1  # σ(z), not exponentials
    assert S.sigmoid(-S.z) == 1 - S.sigmoid(S.z)
    assert sp.latex(S.softplus(S.z)) == r"\log\left(1 + e^{z}\right)"
    # subs by PyTorch argument name, then the numeric function needs no parameter
    f = S.loss("huber").subs(delta=2).numeric()
    assert f(np.array([10.0])) == pytest.approx(18.0)
    focal_pos = S.loss("focal").subs(target=1, alpha=1, gamma=2)
    assert focal_pos.target is None and focal_pos.numeric()(np.array([2.0]))[0] == pytest.approx(
        (1 - F.sigmoid(2.0)) ** 2 * np.log1p(np.exp(-2.0)), rel=1e-14
    )
    # defaults are the declaration's (PyTorch's)
    assert S.loss("smooth_l1").numeric()(np.array([2.0]))[0] == 1.5
    assert set(S.LOSSES) == set(lv.losses.names()) - set(lv.losses.names("scores"))
    with pytest.raises(ValueError, match="score vector"):
        S.loss("ce")
    assert lv.symbolic is S


@pytest.mark.parametrize(
    ("name", "targets"),
    [
        ("multilabel_soft_margin_loss", (1, 0, 0)),
        ("multilabel_soft_margin_loss", (0, 1, 1, 0)),
        ("multilabel_categorical_cross_entropy", (1, 0, 0, 0)),
        ("multilabel_categorical_cross_entropy", (0, 1, 1, 0, 1)),
        ("multilabel_categorical_cross_entropy", (0, 0, 0)),
    ],
)
def test_multilabel_symbolic_matches_functional(name, targets):
    sym = {
        "multilabel_soft_margin_loss": S.multilabel_soft_margin,
        "multilabel_categorical_cross_entropy": S.multilabel_categorical_cross_entropy,
    }[name]
    ss, ell, grad = sym(len(targets), targets)
    f = sp.lambdify(ss, ell, S.NUMPY_MODULES)
    g = sp.lambdify(ss, grad, S.NUMPY_MODULES)
    rng = np.random.default_rng(7)
    fn, fn_grad = getattr(lv.functional, name), getattr(lv.functional, name + "_grad")
    for _ in range(5):
        s = rng.normal(scale=3.0, size=len(targets))
        x, t = s[None, :], np.array(targets, dtype=float)[None, :]
        np.testing.assert_allclose(f(*s), fn(x, t, reduction="sum"), rtol=1e-12)
        np.testing.assert_allclose(g(*s), fn_grad(x, t, reduction="sum")[0], rtol=1e-10, atol=1e-15)


def test_zlpr_value_from_the_brief():
    """Su/ZLPR at s = [2, -1, 0.5, -3] with y = [1, 0, 0, 0] is 1.247428261068182 (brief, D ch.3)."""
    ss, ell, _ = S.multilabel_categorical_cross_entropy(4, (1, 0, 0, 0))
    value = float(ell.subs(dict(zip(ss, (2, -1, 0.5, -3), strict=True))))
    assert value == pytest.approx(1.247428261068182, rel=1e-14)


@pytest.mark.parametrize("bad", [(1, 0), (1, 2, 0), "abc", (0.5, 0, 1)])
def test_multilabel_symbolic_rejects_bad_targets(bad):
    with pytest.raises((ValueError, TypeError), match="targets"):
        S.multilabel_categorical_cross_entropy(3, bad)
