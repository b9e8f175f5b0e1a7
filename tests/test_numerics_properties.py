"""Numerics of every loss against mpmath and PyTorch's conventions, property-based.

Independent references: mpmath formulas in ``mp_reference.py`` (textbook definitions at 60+
digits) and the PyTorch values recorded in ``reference/torch_reference.json`` (checked in
``test_functional.py``). Hypothesis runs derandomized with modest example counts so the file is
deterministic and fast; ``tests/fuzz_losses.py`` runs the same comparison with thousands of cases.
"""

from __future__ import annotations

import math

import fuzz_losses
import mp_reference as R
import mpmath as mp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lossviz as lv

F = lv.functional
TOL = 1e-12
FAST = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# logits and residuals from tiny to the float maximum, both signs, and exact zeros
big_floats = st.one_of(
    st.floats(-60, 60),
    st.floats(min_value=-1.7976931348623157e308, max_value=1.7976931348623157e308),
    st.sampled_from([0.0, 40.0, -40.0, 1e16, -1e16, 1e308, -1e308, 710.0, -745.0]),
)


# ----------------------------------------------------------------------------------------------
# the differential fuzz, small: every function within TOL of mpmath, no NaN/inf where finite
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(fuzz_losses.CASES))
def test_fuzz_against_mpmath(name):
    result = fuzz_losses.run(15, seed=12345, names={name})[name]
    assert result["scored"] >= 12, result
    assert result["worst"] <= TOL, result["worst_case"]


# ----------------------------------------------------------------------------------------------
# the findings of the numerics review, each pinned with its exact value (mpmath)
# ----------------------------------------------------------------------------------------------
def _ce_exact(row, t):
    with mp.workdps(R.digits(*row)):
        loss, grad = R.cross_entropy_row([mp.mpf(v) for v in row], t)
        return float(loss), [float(g) for g in grad]


@pytest.mark.parametrize(
    "row",
    [
        [1e4, 9980.0, 9980.0],
        [1e16, 1e16],
        [1e308, -1e308],
        [40.0, 0.0],
        [-1e308, 1e308, 0.0],
        [1e308, 0.0, -5.0],
    ],
)
def test_cross_entropy_at_large_logits_is_exact(row):
    loss, grad = _ce_exact(row, 0)
    got = F.cross_entropy([row], [0])
    if not math.isfinite(loss):  # the exact loss exceeds the float range
        assert got == math.inf
        return
    if loss != 0:
        assert abs(got - loss) <= TOL * abs(loss)
    else:
        assert got == 0
    np.testing.assert_allclose(F.cross_entropy_grad([row], [0], reduction="sum")[0], grad, rtol=TOL)
    np.testing.assert_allclose(lv.functional.log_softmax(row)[0], -loss, rtol=TOL)


def test_tiny_losses_of_confident_samples_keep_their_digits():
    exact = float(mp.log1p(mp.exp(-40)))  # 4.248354255291589e-18
    assert F.cross_entropy([[40.0, 0.0]], [0]) == pytest.approx(exact, rel=TOL)
    assert F.binary_cross_entropy_with_logits([40.0], [1.0]) == pytest.approx(exact, rel=TOL)
    assert F.multilabel_categorical_cross_entropy([40.0], [1.0]) == pytest.approx(exact, rel=TOL)
    assert F.multilabel_categorical_cross_entropy([-40.0], [0.0]) == pytest.approx(exact, rel=TOL)


@pytest.mark.parametrize("clip", [1e-17, 1e-300, 0.05])
def test_asymmetric_loss_with_a_tiny_clip_is_finite_and_exact(clip):
    # positive label: clip plays no role, the loss is log(1 + e^-40)
    got = F.asymmetric_loss([40.0], [1.0], clip=clip, reduction="none")[0]
    assert got == pytest.approx(float(mp.log1p(mp.exp(-40))), rel=TOL)
    # negative label, confident wrong answer: -log(σ(-z) + clip) (exact: p_m^γ- · that)
    with mp.workdps(80):
        ex = R._asl(mp.mpf(40), 0, 0, 4, mp.mpf(clip))
    assert F.asymmetric_loss([40.0], [0.0], clip=clip, reduction="none")[0] == pytest.approx(
        float(ex), rel=TOL
    )


def test_mean_gradient_near_the_float_maximum_is_finite():
    x = np.array([1.7e308, -1.7e308, 0.0])
    g = F.mse_loss_grad(x, np.zeros(3))
    np.testing.assert_allclose(g, [float(2 * mp.mpf(v) / 3) for v in x], rtol=TOL)
    big = np.zeros(1000)
    big[0] = 1e155
    assert F.mse_loss(big, np.zeros(1000)) == pytest.approx(1e307, rel=TOL)
    assert F.l1_loss([1e308, 0.0], [-1e308, 0.0]) == pytest.approx(1e308, rel=TOL)


# ----------------------------------------------------------------------------------------------
# inputs that used to be misread
# ----------------------------------------------------------------------------------------------
class _GradTensor:
    """Stands in for a torch tensor with requires_grad=True (torch is not a dependency)."""

    requires_grad = True

    def __array__(self, *args, **kwargs):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


@pytest.mark.parametrize(
    "call",
    [
        lambda a: F.l1_loss(a, [0.0, 0.0, 1.0]),
        lambda a: F.cross_entropy(a, [0, 1, 0]),
        lambda a: lv.losses.get("huber").value(a),
    ],
)
def test_masked_arrays_and_grad_tensors_raise_naming_the_argument(call):
    masked = np.ma.array([0.5, 100.0, 2.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match=r"(input|r) is a numpy masked array"):
        call(masked)
    with pytest.raises(TypeError, match=r"(input|r) is a tensor that requires grad"):
        call(_GradTensor())


def test_class_index_errors_report_the_real_value():
    with pytest.raises(ValueError, match=r"in \[0, 1\], got 1e\+20"):
        F.cross_entropy([[1.0, 2.0]], [1e20])
    with pytest.raises(ValueError, match=r"in \[0, 1\], got -3"):
        F.cross_entropy([[1.0, 2.0]], [-3])


def test_ignore_index_with_probability_targets_raises_like_pytorch():
    with pytest.raises(ValueError, match="ignore_index is not supported"):
        F.cross_entropy([[1.0, 2.0]], [[0.5, 0.5]], ignore_index=0)
    # a negative ignore_index (the default -100) is accepted, as in PyTorch
    assert F.cross_entropy([[1.0, 2.0]], [[0.5, 0.5]], ignore_index=-1) == pytest.approx(
        F.cross_entropy([[1.0, 2.0]], [[0.5, 0.5]])
    )


def test_focal_arguments_after_the_targets_are_keyword_only():
    with pytest.raises(TypeError):
        F.sigmoid_focal_loss([2.0], [1.0], 0.25)  # torchvision accepts this; lossviz does not
    with pytest.raises(TypeError):
        F.sigmoid_focal_loss_grad([2.0], [1.0], 0.25, 2.0)


def test_none_reduction_returns_ndarrays_also_for_0d_and_unbatched_inputs():
    for out in (
        F.l1_loss(2.0, 0.5, reduction="none"),
        F.l1_loss_grad(2.0, 0.5, reduction="none"),
        F.sigmoid_focal_loss(2.0, 1.0),
        F.cross_entropy([1.0, 2.0], 0, reduction="none"),
        F.multilabel_soft_margin_loss([1.0, -2.0], [1.0, 0.0], reduction="none"),
        F.multilabel_categorical_cross_entropy([1.0, -2.0], [1.0, 0.0], reduction="none"),
    ):
        assert isinstance(out, np.ndarray) and out.shape == ()
    for out in (F.l1_loss(2.0, 0.5), F.cross_entropy([1.0, 2.0], 0, reduction="sum")):
        assert type(out) is np.float64


# ----------------------------------------------------------------------------------------------
# PyTorch's (N, C, d1, ...) inputs: equal to the same rows laid out as (N·d1·..., C)
# ----------------------------------------------------------------------------------------------
@FAST
@given(
    n=st.integers(1, 3),
    c=st.integers(2, 4),
    spatial=st.lists(st.integers(1, 3), min_size=1, max_size=2),
    reduction=st.sampled_from(["none", "mean", "sum"]),
    seed=st.integers(0, 2**16),
)
def test_spatial_inputs_match_flattened_rows(n, c, spatial, reduction, seed):
    rng = np.random.default_rng(seed)
    shape = (n, c, *spatial)
    x = rng.normal(scale=4, size=shape)
    flat = np.moveaxis(x, 1, -1).reshape(-1, c)
    out_shape = (n, *spatial)

    def back(g):
        return np.moveaxis(g.reshape(n, *spatial, c), -1, 1)

    idx = rng.integers(0, c, size=out_shape)
    probs = rng.dirichlet(np.ones(c), size=out_shape)  # (n, *spatial, c)
    probs_nc = np.moveaxis(probs, -1, 1)
    labels = (rng.random(shape) < 0.4).astype(float)
    labels_flat = np.moveaxis(labels, 1, -1).reshape(-1, c)
    cases = [
        (F.cross_entropy, F.cross_entropy_grad, idx, idx.reshape(-1)),
        (F.cross_entropy, F.cross_entropy_grad, probs_nc, probs.reshape(-1, c)),
        (
            F.multilabel_soft_margin_loss,
            F.multilabel_soft_margin_loss_grad,
            labels,
            labels_flat,
        ),
        (
            F.multilabel_categorical_cross_entropy,
            F.multilabel_categorical_cross_entropy_grad,
            labels,
            labels_flat,
        ),
    ]
    for fn, grad, t, t_flat in cases:
        got, ref = fn(x, t, reduction=reduction), fn(flat, t_flat, reduction=reduction)
        if reduction == "none":
            np.testing.assert_allclose(got, ref.reshape(out_shape), rtol=1e-14)
        else:
            assert got == pytest.approx(ref, rel=1e-13)
        np.testing.assert_allclose(
            grad(x, t, reduction=reduction),
            back(grad(flat, t_flat, reduction=reduction)),
            rtol=1e-13,
            atol=1e-300,
        )


def test_weight_with_spatial_multilabel_inputs_is_refused():
    with pytest.raises(ValueError, match="weight is not supported for inputs with more than 2"):
        F.multilabel_soft_margin_loss(np.zeros((1, 2, 3)), np.zeros((1, 2, 3)), weight=[1.0, 2.0])


# ----------------------------------------------------------------------------------------------
# reductions, weights and parameters: "mean" and "sum" agree with mpmath's exact sums
# ----------------------------------------------------------------------------------------------
@FAST
@given(
    data=st.lists(st.tuples(big_floats, st.sampled_from([0.0, 1.0])), min_size=1, max_size=6),
    pos_weight=st.floats(0.01, 100),
    weight=st.floats(0.0, 10),
)
def test_bce_with_logits_reductions_against_mpmath(data, pos_weight, weight):
    z = np.array([d[0] for d in data])
    y = np.array([d[1] for d in data])
    kw = {"pos_weight": [pos_weight], "weight": np.full(len(z), weight)}
    with mp.workdps(R.digits(*z)):
        terms = [
            weight * R._bce(mp.mpf(a), mp.mpf(b), mp.mpf(pos_weight))
            for a, b in zip(z, y, strict=True)
        ]
        exact_sum = mp.fsum(terms)
        grads = [
            weight * R._bce_d(mp.mpf(a), mp.mpf(b), mp.mpf(pos_weight))
            for a, b in zip(z, y, strict=True)
        ]
    for red, exact in (("sum", exact_sum), ("mean", exact_sum / len(z))):
        got = F.binary_cross_entropy_with_logits(z, y, reduction=red, **kw)
        err = R.rel_error(float(got), exact)
        # a sum of non-negative terms: the relative error stays at rounding level
        assert err is None or err <= 1e-13, (red, got, exact)
    g = F.binary_cross_entropy_with_logits_grad(z, y, reduction="sum", **kw)
    for a, b in zip(g, grads, strict=True):
        err = R.rel_error(float(a), b)
        assert err is None or err <= TOL


@FAST
@given(
    rows=st.integers(1, 4),
    c=st.integers(2, 5),
    scale=st.sampled_from([1.0, 50.0, 1e4, 1e300]),
    smoothing=st.sampled_from([0.0, 0.1, 1.0]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_with_weights_and_smoothing_against_mpmath(rows, c, scale, smoothing, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(rows, c)) * scale
    idx = rng.integers(0, c, size=rows)
    w = rng.uniform(0.1, 3.0, size=c)
    with mp.workdps(R.digits(*z.ravel())):
        per_row = [
            R.cross_entropy_row(
                [mp.mpf(v) for v in z[i]], int(idx[i]), weight=w, label_smoothing=smoothing
            )[0]
            for i in range(rows)
        ]
        exact_mean = mp.fsum(per_row) / mp.fsum(mp.mpf(w[i]) for i in idx)
    got = F.cross_entropy(z, idx, weight=w, label_smoothing=smoothing)
    err = R.rel_error(float(got), exact_mean)
    assert err is None or err <= 1e-13
    np.testing.assert_allclose(
        F.cross_entropy(z, idx, weight=w, label_smoothing=smoothing, reduction="none"),
        [float(v) for v in per_row],
        rtol=1e-13,
    )


@FAST
@given(name=st.sampled_from(lv.losses.names("residual")), r=big_floats, seed=st.integers(0, 999))
def test_registry_losses_never_nan_and_match_mpmath(name, r, seed):
    rng = np.random.default_rng(seed)
    kw = fuzz_losses.PARAMS.get(name, lambda g: {})(rng)
    loss = lv.losses.get(name)
    got_v, got_g = float(loss.value(r, **kw)), float(loss.grad(r, **kw))
    assert not math.isnan(got_v) and not math.isnan(got_g)
    ref_v, ref_g = R.ELEMENTWISE[name]
    with mp.workdps(R.digits(r, *kw.values())):
        mkw = {k: fuzz_losses._mpf(v) for k, v in kw.items()}
        for got, exact in ((got_v, ref_v(mp.mpf(r), **mkw)), (got_g, ref_g(mp.mpf(r), **mkw))):
            err = R.rel_error(got, exact)
            if name == "tukey_biweight" and abs(abs(r) - kw["c"]) < 1e-6 * kw["c"]:
                continue  # 1 - (r/c)² cancels at the cut-off (documented limit)
            assert err is None or err <= TOL, (name, r, kw, got, exact)
