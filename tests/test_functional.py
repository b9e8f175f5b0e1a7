"""lossviz.functional: agreement with PyTorch, gradients, stability, conventions, properties.

Reference values come from independent sources: PyTorch 2.13 float64 values and autograd gradients
recorded by ``tests/reference/make_torch_reference.py``, mpmath at 50 significant digits, central
finite differences, and numbers worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lossviz as lv
from lossviz import functional as F

REFERENCE = Path(__file__).parent / "reference" / "torch_reference.json"
RTOL_TORCH = 1e-10
# Near-zero values: where |reference| < NEAR_ZERO the comparison is absolute, |a - b| <= ATOL_TORCH.
# PyTorch's own formulas leave rounding residue of order 1e-16 there (e.g. its BCE-with-logits
# gradient (c y + 1 - y) σ(z) - c y is 4e-16 instead of 0 at z = 800, y = 1), so a relative
# error would measure PyTorch's rounding, not a defect; mpmath checks tiny values relatively.
NEAR_ZERO = 1e-6
ATOL_TORCH = 1e-14
LOSSES = [
    "l1_loss",
    "mse_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "multilabel_soft_margin_loss",
    "sigmoid_focal_loss",
    "asymmetric_loss",
    "multilabel_categorical_cross_entropy",
]


def torch_errors(a, b) -> tuple[float, float]:
    """(worst relative error where |b| >= NEAR_ZERO, worst absolute error where |b| < NEAR_ZERO)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    big = np.abs(b) >= NEAR_ZERO
    diff = np.abs(a - b)
    rel = float(np.max(diff[big] / np.abs(b[big]), initial=0.0))
    small = float(np.max(diff[~big], initial=0.0))
    return rel, small


def _records():
    return json.loads(REFERENCE.read_text())["records"]


# ---------------------------------------------------------------------------------------------
# PyTorch reference
# ---------------------------------------------------------------------------------------------
def compare_with_reference(name) -> tuple[float, float, int]:
    """Assert lossviz matches every PyTorch record of ``name``; return the worst errors."""
    records = [r for r in _records() if r["fn"] == name]
    assert len(records) >= 12, f"too few reference records for {name}"
    worst_rel = worst_abs = 0.0
    for rec in records:
        kw = {k: v for k, v in rec["kwargs"].items() if v is not None}
        x, t = np.array(rec["input"]), np.array(rec["target"])
        loss = getattr(F, name)(x, t, **kw)
        grad = getattr(F, name + "_grad")(x, t, **kw)
        assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
        assert np.shape(grad) == x.shape
        for what, mine, ref in (("loss", loss, rec["loss"]), ("grad", grad, rec["grad"])):
            rel, small = torch_errors(mine, ref)
            where = f"{name} {rec['note']} {kw}: {what}"
            assert rel <= RTOL_TORCH, f"{where}: relative error {rel:.2e}"
            assert small <= ATOL_TORCH, f"{where}: absolute error {small:.2e} near 0"
            worst_rel, worst_abs = max(worst_rel, rel), max(worst_abs, small)
    return worst_rel, worst_abs, len(records)


@pytest.mark.parametrize("name", LOSSES)
def test_matches_pytorch_reference(name):
    compare_with_reference(name)


def test_reference_covers_the_issue():
    """The recorded cases include weights, pos_weight, label smoothing, every reduction, soft and
    probability targets, ignore_index and extreme logits."""
    recs = _records()
    kws = [r["kwargs"] for r in recs]
    assert {k.get("reduction") for k in kws} >= {"none", "mean", "sum"}
    assert any(k.get("pos_weight") is not None for k in kws)
    assert any(
        k.get("weight") is not None and r["fn"] == "cross_entropy"
        for k, r in zip(kws, recs, strict=True)
    )
    assert any(k.get("label_smoothing", 0) > 0 and k.get("weight") is not None for k in kws)
    assert any("probabilities" in r["note"] for r in recs)
    assert any("ignore_index" in r["note"] for r in recs)
    assert any("soft" in r["note"] for r in recs)
    big = max(np.max(np.abs(np.array(r["input"]))) for r in recs if "extreme" in r["note"])
    assert big == 1e4
    assert REFERENCE.stat().st_size < 1_000_000


def test_report_worst_error_vs_pytorch(capsys):
    """Summary: the worst relative error per loss against PyTorch (computed here, so the test does
    not depend on which other tests ran before it)."""
    worst = {name: compare_with_reference(name) for name in LOSSES}
    lines = [f"{'loss':40s} {'records':>7s} {'max rel err':>12s} {'max abs err near 0':>19s}"]
    for name, (rel, small, n) in worst.items():
        lines.append(f"{name:40s} {n:7d} {rel:12.2e} {small:19.2e}")
    overall = max(rel for rel, _, _ in worst.values())
    overall_abs = max(small for _, small, _ in worst.values())
    total = sum(n for _, _, n in worst.values())
    lines.append(
        f"worst relative error vs PyTorch over {total} records (values and gradients, "
        f"|ref| >= {NEAR_ZERO:g}): {overall:.2e}; worst absolute error where |ref| < "
        f"{NEAR_ZERO:g}: {overall_abs:.2e}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert overall <= RTOL_TORCH and overall_abs <= ATOL_TORCH


# ---------------------------------------------------------------------------------------------
# conventions (hand-computed values; brief section C.1 / D)
# ---------------------------------------------------------------------------------------------
def test_regression_values_and_gradients_by_hand():
    x, zero = np.array([2.0]), np.array([0.0])
    assert F.l1_loss(x, zero) == 2.0
    assert F.mse_loss(x, zero) == 4.0  # no 1/2
    assert F.smooth_l1_loss(x, zero) == 1.5
    assert F.huber_loss(x, zero, delta=2.0) == 2.0
    assert F.smooth_l1_loss(x, zero, beta=2.0) == 1.0
    assert F.smooth_l1_loss([10.0], [0.0]) == 9.5
    assert F.huber_loss([10.0], [0.0], delta=2.0) == 18.0
    assert F.mse_loss_grad([100.0], [0.0], reduction="sum")[0] == 200.0
    assert F.smooth_l1_loss_grad([0.5], [0.0], reduction="sum")[0] == 0.5
    assert F.huber_loss_grad([10.0], [0.0], reduction="sum", delta=2.0)[0] == 2.0
    # the subgradient at a zero residual is 0, as in PyTorch
    assert F.l1_loss_grad([3.0], [3.0])[0] == 0.0
    assert F.smooth_l1_loss_grad([3.0], [3.0], beta=0.0)[0] == 0.0
    # "mean" divides by the number of elements, not the batch size
    X = np.arange(6.0).reshape(2, 3)
    assert F.mse_loss(X, 0 * X) == np.sum(X**2) / 6


def test_smooth_l1_beta0_is_l1_exactly_and_huber_relation():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(50,)), rng.normal(size=(50,))
    assert np.array_equal(
        F.smooth_l1_loss(x, t, beta=0.0, reduction="none"), F.l1_loss(x, t, reduction="none")
    )
    assert np.array_equal(F.smooth_l1_loss_grad(x, t, beta=0.0), F.l1_loss_grad(x, t))
    r = np.linspace(-5, 5, 2001)
    for d in (0.1, 0.5, 1.0, 2.0, 3.0):
        h = F.huber_loss(r, 0 * r, delta=d, reduction="none")
        s = F.smooth_l1_loss(r, 0 * r, beta=d, reduction="none")
        np.testing.assert_allclose(h, d * s, rtol=1e-15, atol=0)
        gh = F.huber_loss_grad(r, 0 * r, delta=d, reduction="none")
        gs = F.smooth_l1_loss_grad(r, 0 * r, beta=d, reduction="none")
        np.testing.assert_allclose(gh, d * gs, rtol=1e-15, atol=0)
    assert np.array_equal(F.smooth_l1_loss(r, 0 * r), F.huber_loss(r, 0 * r))


def test_bce_clamp_and_gradient_at_the_ends():
    assert F.binary_cross_entropy([1.0], [0.0]) == 100.0
    assert F.binary_cross_entropy([0.0], [1.0]) == 100.0
    assert F.binary_cross_entropy([0.0, 1.0], [0.0, 1.0], reduction="sum") == 0.0
    g = F.binary_cross_entropy_grad([1.0, 0.0, 0.5], [0.0, 1.0, 0.5], reduction="none")
    eps32 = float(np.float32(1e-12))
    assert g[0] == 1.0 / eps32 and g[1] == -1.0 / eps32 and g[2] == 0.0
    # weight: mean(w * l) over all elements, not divided by sum(w)
    p, y, w = np.array([0.3, 0.8]), np.array([1.0, 0.0]), np.array([2.0, 0.5])
    expected = (2.0 * -np.log(0.3) + 0.5 * -np.log(0.2)) / 2
    assert F.binary_cross_entropy(p, y, weight=w) == pytest.approx(expected, rel=1e-15)


def test_bce_with_logits_pos_weight_and_soft_target_by_hand():
    z, y, c = 0.7, 1.0, 3.0
    s = 1 / (1 + np.exp(-z))
    got = F.binary_cross_entropy_with_logits([z], [y], pos_weight=[c])
    assert got == pytest.approx(-c * np.log(s), rel=1e-15)
    g = F.binary_cross_entropy_with_logits_grad([z], [y], pos_weight=[c])[0]
    assert g == pytest.approx((c * y + 1 - y) * s - c * y, rel=1e-15)
    # the minimum over z of the soft-target loss is the binary entropy, at sigma(z) = y
    y = 0.3
    zstar = np.log(y / (1 - y))
    assert F.binary_cross_entropy_with_logits([zstar], [y]) == pytest.approx(0.6108643020548935)
    assert abs(F.binary_cross_entropy_with_logits_grad([zstar], [y])[0]) < 1e-16


def test_bce_with_logits_pos_weight_broadcasts_along_classes():
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(4, 3)), (rng.random((4, 3)) < 0.5).astype(float)
    pw = np.array([1.0, 2.0, 3.0])
    full = F.binary_cross_entropy_with_logits(
        z, y, pos_weight=np.tile(pw, (4, 1)), reduction="none"
    )
    np.testing.assert_array_equal(
        F.binary_cross_entropy_with_logits(z, y, pos_weight=pw, reduction="none"), full
    )


def test_cross_entropy_conventions():
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 4))
    idx = np.array([0, 3, 1, 1, 2])
    w = np.array([0.5, 1.0, 2.0, 0.25])
    lsm = z - np.log(np.exp(z).sum(1, keepdims=True))
    nll = -lsm[np.arange(5), idx]
    # weighted mean divides by sum of w[y]
    assert F.cross_entropy(z, idx, weight=w) == pytest.approx(
        np.sum(w[idx] * nll) / np.sum(w[idx]), rel=1e-14
    )
    # label smoothing = soft target (1 - eps) onehot + eps / C
    eps = 0.2
    soft = (1 - eps) * np.eye(4)[idx] + eps / 4
    assert F.cross_entropy(z, idx, label_smoothing=eps) == pytest.approx(
        F.cross_entropy(z, soft), rel=1e-14
    )
    # gradient with sum reduction: softmax - onehot
    np.testing.assert_allclose(
        F.cross_entropy_grad(z, idx, reduction="sum"),
        np.exp(lsm) - np.eye(4)[idx],
        rtol=1e-13,
        atol=1e-16,
    )
    # two-class softmax is the sigmoid of the logit difference
    assert np.exp(-F.cross_entropy([1.3, -0.4], 0)) == pytest.approx(0.8455347349164652, rel=1e-15)
    # class indices may come as integer-valued floats
    assert F.cross_entropy(z, idx.astype(float)) == F.cross_entropy(z, idx)
    # ignore_index leaves the entry out of numerator and denominator
    ign = idx.copy()
    ign[1] = -100
    keep = ign != -100
    assert F.cross_entropy(z, ign) == pytest.approx(nll[keep].mean(), rel=1e-14)
    assert np.all(F.cross_entropy_grad(z, ign)[1] == 0.0)


def test_multilabel_soft_margin_conventions():
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(6, 5)), (rng.random((6, 5)) < 0.3).astype(float)
    assert F.multilabel_soft_margin_loss(z, y) == pytest.approx(
        F.binary_cross_entropy_with_logits(z, y), rel=1e-14
    )
    per_row = F.binary_cross_entropy_with_logits(z, y, reduction="none").mean(axis=1)
    np.testing.assert_allclose(
        F.multilabel_soft_margin_loss(z, y, reduction="none"), per_row, rtol=1e-14
    )
    w = rng.uniform(0.1, 3, 5)
    elem = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    np.testing.assert_allclose(
        F.multilabel_soft_margin_loss(z, y, weight=w, reduction="none"),
        (elem * w).sum(1) / 5,
        rtol=1e-14,
    )


def test_multilabel_values_from_the_brief():
    # Su / ZLPR, focal and ASL values (brief section D, chapter 3, computed with torch)
    assert F.multilabel_categorical_cross_entropy([2, -1, 0.5, -3], [1, 0, 0, 0]) == pytest.approx(
        1.247428261068182, rel=1e-14
    )
    assert F.multilabel_categorical_cross_entropy(
        [10, -10, -10, -10], [1, 0, 0, 0]
    ) == pytest.approx(0.00018158941415511828, rel=1e-12)
    assert F.sigmoid_focal_loss(2.0, 1.0) == pytest.approx(0.00045089070881009483, rel=1e-14)
    assert F.sigmoid_focal_loss(2.0, 0.0) == pytest.approx(1.2375586345660565, rel=1e-14)
    asl = F.asymmetric_loss([0.0, 2.0, -2.0, -3.0], [0, 0, 0, 0], reduction="none")
    np.testing.assert_allclose(asl[:3], [2.451505e-02, 8.464150e-01, 1.644756e-06], rtol=1e-6)
    assert asl[3] == 0.0  # p = 0.047 <= clip: exactly 0 (hard threshold)
    assert F.asymmetric_loss_grad([-3.0], [0])[0] == 0.0
    # focal with gamma = 0 and alpha < 0 is plain BCE-with-logits
    z, y = np.linspace(-4, 4, 9), (np.arange(9) % 2).astype(float)
    np.testing.assert_allclose(
        F.sigmoid_focal_loss(z, y, alpha=-1, gamma=0.0),
        F.binary_cross_entropy_with_logits(z, y, reduction="none"),
        rtol=1e-15,
    )
    # ASL with gamma_pos = gamma_neg = clip = 0 is BCE-with-logits
    np.testing.assert_allclose(
        F.asymmetric_loss(z, y, gamma_pos=0, gamma_neg=0, clip=0, reduction="none"),
        F.binary_cross_entropy_with_logits(z, y, reduction="none"),
        rtol=1e-15,
    )


def test_reduced_outputs_are_float64_scalars_and_none_keeps_shape():
    x, t = np.ones((2, 3)), np.zeros((2, 3))
    for name in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"):
        out = getattr(F, name)(x, t)
        assert isinstance(out, np.float64)
        assert getattr(F, name)(x, t, reduction="none").shape == (2, 3)
    assert F.multilabel_soft_margin_loss(x, t, reduction="none").shape == (2,)
    assert F.multilabel_categorical_cross_entropy(x, t, reduction="none").shape == (2,)
    assert F.cross_entropy(x, [0, 2], reduction="none").shape == (2,)
    assert F.l1_loss([[1, 2]], [[0, 0]]) == 1.5  # lists of ints are accepted


# ---------------------------------------------------------------------------------------------
# finite differences
# ---------------------------------------------------------------------------------------------
def central_difference(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _fd_cases():
    rng = np.random.default_rng(4)
    x = rng.normal(0, 2, (3, 4))
    t = rng.normal(0, 2, (3, 4))
    yb = (rng.random((3, 4)) < 0.4).astype(float)
    ys = rng.random((3, 4))
    idx = np.array([0, 3, 2])
    q = rng.random((3, 4))
    q /= q.sum(1, keepdims=True)
    p = rng.uniform(0.05, 0.95, (3, 4))
    w4 = rng.uniform(0.2, 2, 4)
    return [
        ("l1_loss", x, t, {}),
        ("mse_loss", x, t, {}),
        ("smooth_l1_loss", x, t, {"beta": 0.7}),
        ("smooth_l1_loss", x, t, {"beta": 3.0}),
        ("huber_loss", x, t, {"delta": 0.4}),
        ("binary_cross_entropy", p, ys, {"weight": w4}),
        ("binary_cross_entropy_with_logits", x, ys, {"weight": w4, "pos_weight": w4[::-1]}),
        ("cross_entropy", x, idx, {"weight": w4, "label_smoothing": 0.15}),
        ("cross_entropy", x, q, {"weight": w4, "label_smoothing": 0.3}),
        ("multilabel_soft_margin_loss", x, ys, {"weight": w4}),
        ("sigmoid_focal_loss", x, ys, {"alpha": 0.3, "gamma": 0.5}),
        ("sigmoid_focal_loss", x, yb, {"alpha": -1.0, "gamma": 3.0}),
        ("asymmetric_loss", x, yb, {"gamma_pos": 1.0, "gamma_neg": 4.0, "clip": 0.05}),
        ("asymmetric_loss", x, yb, {"gamma_pos": 0.5, "gamma_neg": 0.7, "clip": 0.0}),
        ("multilabel_categorical_cross_entropy", x, yb, {}),
    ]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize(
    "case", _fd_cases(), ids=lambda c: c[0] if isinstance(c, tuple) else str(c)
)
def test_grad_matches_central_differences(case, reduction):
    name, x, t, kw = case
    f = getattr(F, name)
    g = getattr(F, name + "_grad")(x, t, reduction=reduction, **kw)

    def total(v):
        return float(np.sum(f(v, t, reduction=reduction, **kw)))

    fd = central_difference(total, x)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# stability in logit space: |z| up to 1e4 against mpmath (50 digits)
# ---------------------------------------------------------------------------------------------


def mp_digits(z) -> int:
    """Enough significant digits to resolve 1 - σ(z) ≈ e^{-|z|} (|z|/ln 10 digits) plus 40, so the
    references can use the textbook formulas (σ(z) - y, 1 - p_t, log(1 - p)) as written."""
    return int(np.max(np.abs(z)) / np.log(10)) + 40


Z_EXTREME = [
    -1e4,
    -1e3,
    -745.0,
    -700.0,
    -100.0,
    -40.0,
    -30.0,
    -20.0,
    -5.0,
    0.0,
    5.0,
    20.0,
    30.0,
    40.0,
    100.0,
    700.0,
    745.0,
    1e3,
    1e4,
]


def _sig(z):
    return 1 / (1 + mp.exp(-z))


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert np.all(np.isfinite(a))
    # relative 1e-12; the 1e-300 absolute floor only matters for subnormal results (z = ±745)
    bad = np.abs(a - b) > 1e-12 * np.abs(b) + 1e-300
    assert not np.any(bad), (a[bad], b[bad])


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_with_logits_extreme_vs_mpmath(y):
    c = 2.5
    zs = np.array(Z_EXTREME)
    yy = np.full_like(zs, y)
    ref_l, ref_g, ref_1 = [], [], []
    for z in zs:
        with mp.workdps(mp_digits(z)):
            si = _sig(mp.mpf(z))
            ref_l.append(float(-(c * y * mp.log(si) + (1 - y) * mp.log(1 - si))))
            ref_g.append(float((c * y + 1 - y) * si - c * y))
            ref_1.append(float(-(y * mp.log(si) + (1 - y) * mp.log(1 - si))))
    ref = [np.array(v) for v in (ref_l, ref_g, ref_1)]
    _close(F.binary_cross_entropy_with_logits(zs, yy, pos_weight=[c], reduction="none"), ref[0])
    _close(
        F.binary_cross_entropy_with_logits_grad(zs, yy, pos_weight=[c], reduction="none"), ref[1]
    )
    # one class (C = 1): the multi-label soft margin loss is BCE-with-logits without pos_weight
    _close(F.multilabel_soft_margin_loss(zs[:, None], yy[:, None], reduction="none"), ref[2])


@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("alpha,gamma", [(0.25, 2.0), (-1.0, 0.5), (0.6, 1.0)])
def test_focal_extreme_vs_mpmath(y, alpha, gamma):
    zs = np.array(Z_EXTREME)
    ref_l, ref_g = [], []
    for z in zs:
        with mp.workdps(mp_digits(z)):
            p = _sig(mp.mpf(z))
            ce = -(y * mp.log(p) + (1 - y) * mp.log(1 - p))
            p_t = p * y + (1 - p) * (1 - y)
            m = 1 - p_t
            at = alpha * y + (1 - alpha) * (1 - y) if alpha >= 0 else 1
            ref_l.append(float(at * m**gamma * ce))
            dm = -(y - (1 - y)) * p * (1 - p)  # d(1 - p_t)/dz
            focus = gamma * m ** (gamma - 1) * dm if m > 0 else 0
            ref_g.append(float(at * ((p - y) * m**gamma + ce * focus)))
    ref_l, ref_g = np.array(ref_l), np.array(ref_g)
    yy = np.full_like(zs, y)
    _close(F.sigmoid_focal_loss(zs, yy, alpha=alpha, gamma=gamma), ref_l)
    _close(F.sigmoid_focal_loss_grad(zs, yy, alpha=alpha, gamma=gamma), ref_g)


@pytest.mark.parametrize("y", [0.0, 1.0])
@pytest.mark.parametrize("gp,gn,clip", [(0.0, 4.0, 0.05), (1.0, 2.0, 0.0), (0.5, 0.5, 0.2)])
def test_asl_extreme_vs_mpmath(y, gp, gn, clip):
    zs = np.array(Z_EXTREME)
    ref_l, ref_g = [], []
    for z in zs:
        with mp.workdps(mp_digits(z)):
            p = _sig(mp.mpf(z))
            dp = p * (1 - p)
            if y == 1:  # -(1 - p)^γ+ log p
                ref_l.append(float(-((1 - p) ** gp) * mp.log(p)))
                ref_g.append(
                    float(-((1 - p) ** gp) * (1 - p) + gp * (1 - p) ** (gp - 1) * dp * mp.log(p))
                )
            elif p > clip:  # -p_m^γ- log(1 - p_m)
                pm = p - clip
                ref_l.append(float(-(pm**gn) * mp.log(1 - pm)))
                ref_g.append(float(dp * (pm**gn / (1 - pm) - gn * pm ** (gn - 1) * mp.log(1 - pm))))
            else:
                ref_l.append(0.0)
                ref_g.append(0.0)
    ref_l, ref_g = np.array(ref_l), np.array(ref_g)
    yy = np.full_like(zs, y)
    kw = {"gamma_pos": gp, "gamma_neg": gn, "clip": clip, "reduction": "none"}
    _close(F.asymmetric_loss(zs, yy, **kw), ref_l)
    _close(F.asymmetric_loss_grad(zs, yy, **kw), ref_g)


def test_softmax_and_zlpr_extreme_vs_mpmath():
    rng = np.random.default_rng(5)
    z = rng.choice(np.array(Z_EXTREME), size=(6, 4))
    idx = rng.integers(0, 4, 6)
    y = (rng.random((6, 4)) < 0.5).astype(float)
    ref_ce, ref_ceg, ref_zl, ref_zlg = [], [], [], []
    with mp.workdps(mp_digits(z)):
        for n in range(6):
            zz = [mp.mpf(v) for v in z[n]]
            total = mp.fsum(mp.exp(v) for v in zz)
            ref_ce.append(-mp.log(mp.exp(zz[idx[n]]) / total))
            ref_ceg.append([mp.exp(v) / total - (k == idx[n]) for k, v in enumerate(zz)])
            sn = 1 + mp.fsum(mp.exp(v) for v, t in zip(zz, y[n], strict=True) if t == 0)
            sp_ = 1 + mp.fsum(mp.exp(-v) for v, t in zip(zz, y[n], strict=True) if t == 1)
            ref_zl.append(mp.log(sn) + mp.log(sp_))
            ref_zlg.append(
                [
                    mp.exp(v) / sn if t == 0 else -mp.exp(-v) / sp_
                    for v, t in zip(zz, y[n], strict=True)
                ]
            )
        ref = [np.array(v, dtype=float) for v in (ref_ce, ref_ceg, ref_zl, ref_zlg)]
    _close(F.cross_entropy(z, idx, reduction="none"), ref[0])
    _close(F.cross_entropy_grad(z, idx, reduction="sum"), ref[1])
    _close(F.multilabel_categorical_cross_entropy(z, y, reduction="none"), ref[2])
    _close(F.multilabel_categorical_cross_entropy_grad(z, y, reduction="sum"), ref[3])


def test_every_loss_and_grad_finite_at_1e4():
    z = np.array([[-1e4, 1e4, -1e4, 1e4], [1e4, -1e4, 0.0, 3.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]])
    calls = [
        (F.binary_cross_entropy_with_logits, {"pos_weight": [2, 3, 1, 1]}),
        (F.multilabel_soft_margin_loss, {}),
        (F.sigmoid_focal_loss, {"gamma": 0.5}),
        (F.asymmetric_loss, {"clip": 0.0, "gamma_pos": 0.3}),
        (F.asymmetric_loss, {}),
        (F.multilabel_categorical_cross_entropy, {}),
        (F.cross_entropy, {"label_smoothing": 0.1}),
    ]
    for f, kw in calls:
        grad_f = getattr(F, f.__name__ + "_grad")
        target = [1, 3] if f is F.cross_entropy else y
        for red in ("none", "mean", "sum"):
            assert np.all(np.isfinite(f(z, target, reduction=red, **kw))), f.__name__
            assert np.all(np.isfinite(grad_f(z, target, reduction=red, **kw))), f.__name__
    # the naive formula overflows where the logit-space one does not
    assert F.binary_cross_entropy_with_logits([1e4], [0.0]) == 1e4
    assert F.binary_cross_entropy_with_logits([-800.0], [1.0]) == 800.0


# ---------------------------------------------------------------------------------------------
# properties (hypothesis): shapes, reductions, parameters
# ---------------------------------------------------------------------------------------------
finite = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


@st.composite
def arrays(draw, elements=finite, min_dims=1, max_dims=3):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=min_dims, max_size=max_dims)))
    flat = draw(st.lists(elements, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    return np.array(flat, dtype=float).reshape(shape)


@st.composite
def elementwise_case(draw):
    x = draw(arrays())
    name = draw(
        st.sampled_from(
            [
                "l1_loss",
                "mse_loss",
                "smooth_l1_loss",
                "huber_loss",
                "binary_cross_entropy_with_logits",
                "sigmoid_focal_loss",
                "asymmetric_loss",
            ]
        )
    )
    n = x.size
    if name in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"):
        t = np.array(draw(st.lists(finite, min_size=n, max_size=n))).reshape(x.shape)
    elif name == "asymmetric_loss":
        t = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n))).reshape(
            x.shape
        )
    else:
        t = np.array(draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))).reshape(x.shape)
    kw = {
        "smooth_l1_loss": {"beta": draw(st.floats(0, 5))},
        "huber_loss": {"delta": draw(st.floats(0.01, 5))},
        "binary_cross_entropy_with_logits": {
            "pos_weight": np.full(x.shape[-1], draw(st.floats(0.1, 5)))
        },
        "sigmoid_focal_loss": {"alpha": draw(st.floats(-1, 1)), "gamma": draw(st.floats(0, 4))},
        "asymmetric_loss": {
            "gamma_pos": draw(st.floats(0, 3)),
            "gamma_neg": draw(st.floats(0, 5)),
            "clip": draw(st.floats(0, 0.5)),
        },
    }.get(name, {})
    return name, x, t, kw


@settings(max_examples=150, deadline=None)
@given(elementwise_case())
def test_reductions_are_consistent(case):
    name, x, t, kw = case
    f, g = getattr(F, name), getattr(F, name + "_grad")
    none = f(x, t, reduction="none", **kw)
    assert none.shape == x.shape and np.all(np.isfinite(none)) and np.all(none >= 0)
    assert f(x, t, reduction="sum", **kw) == pytest.approx(none.sum(), rel=1e-12, abs=1e-300)
    assert f(x, t, reduction="mean", **kw) == pytest.approx(none.mean(), rel=1e-12, abs=1e-300)
    gs = g(x, t, reduction="sum", **kw)
    assert gs.shape == x.shape and np.all(np.isfinite(gs))
    np.testing.assert_allclose(g(x, t, reduction="mean", **kw), gs / x.size, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(g(x, t, reduction="none", **kw), gs)


@settings(max_examples=100, deadline=None)
@given(elementwise_case())
def test_grad_matches_finite_differences_property(case):
    name, x, t, kw = case
    x = np.clip(x, -8, 8)  # keep the finite-difference step well resolved
    h = 1e-6
    if name in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        r = np.abs(x - t)
        kink = kw.get("beta", kw.get("delta", 0.0))
        assume(np.all(r > 10 * h) and np.all(np.abs(r - kink) > 10 * h))
    if name == "asymmetric_loss":
        p = 1 / (1 + np.exp(-x))
        assume(np.all(np.abs(p - kw["clip"]) > 1e-4))
    if name == "sigmoid_focal_loss" and kw["gamma"] < 1:
        assume(kw["gamma"] == 0 or np.all(np.abs(x) < 6))
    f, g = getattr(F, name), getattr(F, name + "_grad")
    fd = central_difference(lambda v: float(np.sum(f(v, t, reduction="sum", **kw))), x, h)
    np.testing.assert_allclose(g(x, t, reduction="sum", **kw), fd, rtol=1e-5, atol=1e-6)


@st.composite
def ce_case(draw):
    n, c = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    z = np.array(draw(st.lists(finite, min_size=n * c, max_size=n * c))).reshape(n, c)
    if draw(st.booleans()):
        t = np.array(draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    else:
        raw = np.array(draw(st.lists(st.floats(0.01, 1), min_size=n * c, max_size=n * c))).reshape(
            n, c
        )
        t = raw / raw.sum(1, keepdims=True)
    w = (
        np.array(draw(st.lists(st.floats(0.1, 3), min_size=c, max_size=c)))
        if draw(st.booleans())
        else None
    )
    return z, t, {"weight": w, "label_smoothing": draw(st.floats(0, 1))}


@settings(max_examples=100, deadline=None)
@given(ce_case(), st.sampled_from(["none", "mean", "sum"]))
def test_cross_entropy_properties(case, reduction):
    z, t, kw = case
    loss = F.cross_entropy(z, t, reduction=reduction, **kw)
    assert np.all(np.isfinite(loss)) and np.all(np.asarray(loss) >= 0)
    g = F.cross_entropy_grad(z, t, reduction=reduction, **kw)
    # each row of the gradient sums to 0 only without class weights (softmax - q, q sums to 1)
    if kw["weight"] is None:
        np.testing.assert_allclose(g.sum(axis=1), 0, atol=1e-12)
    zc = np.clip(z, -8, 8)
    fd = central_difference(
        lambda v: float(np.sum(F.cross_entropy(v, t, reduction=reduction, **kw))), zc
    )
    np.testing.assert_allclose(
        F.cross_entropy_grad(zc, t, reduction=reduction, **kw), fd, rtol=1e-5, atol=1e-7
    )
    # shift invariance of softmax: adding a constant to a row changes nothing
    np.testing.assert_allclose(
        F.cross_entropy(z + 3.0, t, reduction=reduction, **kw), loss, rtol=1e-12, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.data())
def test_multilabel_losses_properties(n, c, data):
    z = np.array(data.draw(st.lists(finite, min_size=n * c, max_size=n * c))).reshape(n, c)
    y = np.array(
        data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n * c, max_size=n * c))
    ).reshape(n, c)
    for f in (F.multilabel_soft_margin_loss, F.multilabel_categorical_cross_entropy):
        none = f(z, y, reduction="none")
        assert none.shape == (n,) and np.all(np.isfinite(none)) and np.all(none >= 0)
        assert f(z, y) == pytest.approx(none.mean(), rel=1e-12)
        g = getattr(F, f.__name__ + "_grad")
        np.testing.assert_allclose(
            g(z, y, reduction="mean"), g(z, y, reduction="sum") / n, rtol=1e-14
        )
    # ZLPR is at least log 2 per sample when both sets are empty-margin (all scores 0)
    assert F.multilabel_categorical_cross_entropy(
        np.zeros((1, c)), y[:1], reduction="sum"
    ) == pytest.approx(np.log1p(np.sum(y[0] == 0)) + np.log1p(np.sum(y[0] == 1)), rel=1e-14)


def test_public_api_reexported():
    assert lv.functional is F
    for name in LOSSES:
        assert callable(getattr(F, name)) and callable(getattr(F, name + "_grad"))
        doc = getattr(F, name).__doc__
        assert "Gradient" in doc or "gradient" in doc, name
