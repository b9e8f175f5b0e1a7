"""Bad input to the public numerics functions raises ValueError/TypeError naming the argument."""

from __future__ import annotations

import numpy as np
import pytest

import lossviz as lv
from lossviz import _validation as V
from lossviz import functional as F
from lossviz import logreg, symbolic

X = np.zeros((2, 3))
Y = np.zeros((2, 3))
Z = np.array([[0.5, -1.0, 2.0], [0.0, 1.0, -2.0]])
B = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
NAN = np.array([[np.nan, 0, 0], [0, 0, 0]])
INF = np.array([[np.inf, 0, 0], [0, 0, 0]])
XL, YL = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5], [0.0, -1.0]]), np.array([1, 1, 0, 0])

# (id, call, exception, text the message must contain)
BAD = [
    # shapes: no silent broadcasting
    (
        "mse shape",
        lambda: F.mse_loss(np.zeros(3), np.zeros((3, 1))),
        ValueError,
        "target must have the same shape as input",
    ),
    ("l1 shape", lambda: F.l1_loss(np.zeros(3), np.zeros(4)), ValueError, "target"),
    ("smooth_l1 scalar target", lambda: F.smooth_l1_loss(np.zeros(3), 0.0), ValueError, "target"),
    (
        "bce shape",
        lambda: F.binary_cross_entropy(np.full(3, 0.5), np.zeros(2)),
        ValueError,
        "target",
    ),
    ("bcel shape", lambda: F.binary_cross_entropy_with_logits(Z, B[:, :2]), ValueError, "target"),
    (
        "bcel weight shape",
        lambda: F.binary_cross_entropy_with_logits(Z, B, weight=np.ones(2)),
        ValueError,
        "weight",
    ),
    (
        "bcel weight grows shape",
        lambda: F.binary_cross_entropy_with_logits(Z, B, weight=np.ones((4, 2, 3))),
        ValueError,
        "weight",
    ),
    (
        "bcel pos_weight shape",
        lambda: F.binary_cross_entropy_with_logits(Z, B, pos_weight=np.ones(2)),
        ValueError,
        "pos_weight",
    ),
    (
        "ce target shape",
        lambda: F.cross_entropy(Z, [0, 1, 2]),
        ValueError,
        "target must have shape",
    ),
    (
        "ce weight shape",
        lambda: F.cross_entropy(Z, [0, 1], weight=np.ones(2)),
        ValueError,
        "weight",
    ),
    (
        "ce 0-d input",
        lambda: F.cross_entropy(np.float64(1.0), np.zeros(())),
        ValueError,
        "input must have shape",
    ),
    (
        "mlsm weight shape",
        lambda: F.multilabel_soft_margin_loss(Z, B, weight=np.ones((2, 3))),
        ValueError,
        "weight",
    ),
    (
        "mlsm 0-d",
        lambda: F.multilabel_soft_margin_loss(0.5, 1.0),
        ValueError,
        "input",
    ),
    ("focal shape", lambda: F.sigmoid_focal_loss(Z, B.T), ValueError, "targets"),
    ("asl shape", lambda: F.asymmetric_loss(Z, B[0]), ValueError, "target"),
    ("zlpr shape", lambda: F.multilabel_categorical_cross_entropy(Z, B[:1]), ValueError, "target"),
    # empty arrays
    ("empty input", lambda: F.mse_loss([], []), ValueError, "input must not be empty"),
    (
        "empty logits",
        lambda: F.cross_entropy(np.zeros((0, 3)), np.zeros(0)),
        ValueError,
        "input must not be empty",
    ),
    (
        "empty X",
        lambda: logreg.fit(np.zeros((0, 2)), np.zeros(0)),
        ValueError,
        "X must not be empty",
    ),
    # NaN / inf
    ("nan input", lambda: F.l1_loss(NAN, Y), ValueError, "input must contain only finite"),
    ("inf input", lambda: F.huber_loss(INF, Y), ValueError, "input must contain only finite"),
    ("nan target", lambda: F.mse_loss(Y, NAN), ValueError, "target must contain only finite"),
    ("inf logits", lambda: F.binary_cross_entropy_with_logits(INF, B), ValueError, "input"),
    (
        "nan weight",
        lambda: F.binary_cross_entropy(np.full((2, 3), 0.5), B, weight=NAN),
        ValueError,
        "weight",
    ),
    (
        "inf pos_weight",
        lambda: F.binary_cross_entropy_with_logits(Z, B, pos_weight=[1, np.inf, 1]),
        ValueError,
        "pos_weight",
    ),
    (
        "nan beta",
        lambda: F.smooth_l1_loss(X, Y, beta=float("nan")),
        ValueError,
        "beta must be finite",
    ),
    (
        "inf delta",
        lambda: F.huber_loss(X, Y, delta=float("inf")),
        ValueError,
        "delta must be finite",
    ),
    (
        "nan in X",
        lambda: logreg.loss([0.0, 0.0], 0.0, np.where(XL > 2, np.nan, XL), YL),
        ValueError,
        "X must contain only finite",
    ),
    # probabilities / targets outside [0, 1]
    (
        "bce p > 1",
        lambda: F.binary_cross_entropy([1.2, 0.5], [1.0, 0.0]),
        ValueError,
        "input must contain probabilities in [0, 1]",
    ),
    (
        "bce p < 0",
        lambda: F.binary_cross_entropy([-0.1, 0.5], [1.0, 0.0]),
        ValueError,
        "input must contain probabilities",
    ),
    (
        "bce target",
        lambda: F.binary_cross_entropy([0.2, 0.5], [2.0, 0.0]),
        ValueError,
        "target must contain targets in [0, 1]",
    ),
    (
        "bcel target",
        lambda: F.binary_cross_entropy_with_logits([0.2], [-1.0]),
        ValueError,
        "target",
    ),
    ("mlsm target", lambda: F.multilabel_soft_margin_loss(Z, 2 * B), ValueError, "target"),
    ("focal targets", lambda: F.sigmoid_focal_loss(Z, B + 0.5), ValueError, "targets"),
    (
        "asl soft target",
        lambda: F.asymmetric_loss(Z, 0.5 * B),
        ValueError,
        "target must contain only 0 and 1",
    ),
    (
        "zlpr soft target",
        lambda: F.multilabel_categorical_cross_entropy(Z, 0.5 * B),
        ValueError,
        "target must contain only 0 and 1",
    ),
    ("ce prob target row sum", lambda: F.cross_entropy(Z, 0.5 * B), ValueError, "sum to 1"),
    (
        "ce prob target negative",
        lambda: F.cross_entropy(Z, np.array([[1.5, -0.5, 0], [0, 1, 0]])),
        ValueError,
        "class probabilities in [0, 1]",
    ),
    (
        "negative weight",
        lambda: F.binary_cross_entropy_with_logits(Z, B, weight=-np.ones(3)),
        ValueError,
        "weight must be >= 0",
    ),
    (
        "negative pos_weight",
        lambda: F.binary_cross_entropy_with_logits(Z, B, pos_weight=[1, -1, 1]),
        ValueError,
        "pos_weight must be >= 0",
    ),
    (
        "logreg y not binary",
        lambda: logreg.loss([0.0, 0.0], 0.0, XL, [1, 2, 0, 0]),
        ValueError,
        "y must contain only 0 and 1",
    ),
    # class indices
    (
        "ce index too big",
        lambda: F.cross_entropy(Z, [0, 3]),
        ValueError,
        "target class indices must be in [0, 2]",
    ),
    (
        "ce index negative",
        lambda: F.cross_entropy(Z, [-1, 0]),
        ValueError,
        "target class indices must be in [0, 2]",
    ),
    (
        "ce index non-integer",
        lambda: F.cross_entropy(Z, [0.5, 1]),
        ValueError,
        "target class indices must be integers",
    ),
    ("ce all ignored mean", lambda: F.cross_entropy(Z, [-100, -100]), ValueError, "denominator"),
    (
        "ce zero class weight",
        lambda: F.cross_entropy(Z, [0, 0], weight=[0.0, 1.0, 1.0]),
        ValueError,
        "denominator",
    ),
    (
        "ce ignore_index type",
        lambda: F.cross_entropy(Z, [0, 1], ignore_index=1.5),
        TypeError,
        "ignore_index must be an int",
    ),
    # parameters
    (
        "beta < 0",
        lambda: F.smooth_l1_loss(X, Y, beta=-1.0),
        ValueError,
        "beta must be >= 0, got -1.0",
    ),
    (
        "beta < 0 grad",
        lambda: F.smooth_l1_loss_grad(X, Y, beta=-0.5),
        ValueError,
        "beta must be >= 0",
    ),
    ("delta = 0", lambda: F.huber_loss(X, Y, delta=0.0), ValueError, "delta must be > 0, got 0.0"),
    ("delta < 0 grad", lambda: F.huber_loss_grad(X, Y, delta=-1), ValueError, "delta must be > 0"),
    ("gamma < 0", lambda: F.sigmoid_focal_loss(Z, B, gamma=-1.0), ValueError, "gamma must be >= 0"),
    ("alpha > 1", lambda: F.sigmoid_focal_loss(Z, B, alpha=1.5), ValueError, "alpha must be <= 1"),
    (
        "gamma_pos < 0",
        lambda: F.asymmetric_loss(Z, B, gamma_pos=-1.0),
        ValueError,
        "gamma_pos must be >= 0",
    ),
    (
        "gamma_neg < 0",
        lambda: F.asymmetric_loss(Z, B, gamma_neg=-2.0),
        ValueError,
        "gamma_neg must be >= 0",
    ),
    ("clip = 1", lambda: F.asymmetric_loss(Z, B, clip=1.0), ValueError, "clip must be in [0, 1)"),
    (
        "clip < 0",
        lambda: F.asymmetric_loss_grad(Z, B, clip=-0.1),
        ValueError,
        "clip must be in [0, 1)",
    ),
    (
        "label_smoothing > 1",
        lambda: F.cross_entropy(Z, [0, 1], label_smoothing=1.5),
        ValueError,
        "label_smoothing must be in [0, 1]",
    ),
    (
        "label_smoothing < 0",
        lambda: F.cross_entropy(Z, [0, 1], label_smoothing=-0.1),
        ValueError,
        "label_smoothing",
    ),
    (
        "beta is a string",
        lambda: F.smooth_l1_loss(X, Y, beta="1"),
        TypeError,
        "beta must be a real number",
    ),
    (
        "beta is a bool",
        lambda: F.smooth_l1_loss(X, Y, beta=True),
        TypeError,
        "beta must be a real number",
    ),
    (
        "delta is an array",
        lambda: F.huber_loss(X, Y, delta=np.ones(2)),
        TypeError,
        "delta must be a real number",
    ),
    (
        "l2 < 0",
        lambda: logreg.loss([0.0, 0.0], 0.0, XL, YL, l2=-1.0),
        ValueError,
        "l2 must be >= 0",
    ),
    (
        "l1 < 0",
        lambda: logreg.grad([0.0, 0.0], 0.0, XL, YL, l1=-0.1),
        ValueError,
        "l1 must be >= 0",
    ),
    ("tol <= 0", lambda: logreg.fit(XL, YL, l2=0.1, tol=0.0), ValueError, "tol must be > 0"),
    ("max_iter 0", lambda: logreg.fit(XL, YL, l2=0.1, max_iter=0), ValueError, "max_iter"),
    (
        "soft_threshold t < 0",
        lambda: logreg.soft_threshold([1.0], -1.0),
        ValueError,
        "t must be >= 0",
    ),
    # reduction
    (
        "unknown reduction",
        lambda: F.mse_loss(X, Y, reduction="average"),
        ValueError,
        "reduction must be one of 'none', 'mean', 'sum', got 'average'",
    ),
    (
        "reduction None",
        lambda: F.l1_loss(X, Y, reduction=None),
        TypeError,
        "reduction must be a string",
    ),
    (
        "reduction elementwise_mean",
        lambda: F.cross_entropy(Z, [0, 1], reduction="elementwise_mean"),
        ValueError,
        "reduction",
    ),
    (
        "focal reduction",
        lambda: F.sigmoid_focal_loss(Z, B, reduction="batchmean"),
        ValueError,
        "reduction",
    ),
    (
        "zlpr reduction grad",
        lambda: F.multilabel_categorical_cross_entropy_grad(Z, B, reduction="max"),
        ValueError,
        "reduction",
    ),
    # non-numeric input
    ("string input", lambda: F.mse_loss("abc", "abd"), TypeError, "input must be a numeric array"),
    (
        "string array",
        lambda: F.l1_loss(np.array(["a", "b"]), np.zeros(2)),
        TypeError,
        "input must be a real numeric array",
    ),
    (
        "object array",
        lambda: F.l1_loss(np.array([{}, {}], dtype=object), np.zeros(2)),
        TypeError,
        "input must be a real numeric array",
    ),
    (
        "complex input",
        lambda: F.mse_loss(np.array([1 + 2j]), np.array([0.0])),
        TypeError,
        "complex",
    ),
    ("None target", lambda: F.mse_loss([1.0], None), TypeError, "target"),
    (
        "ragged list",
        lambda: F.mse_loss([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0]]),
        ValueError,
        "input must be a rectangular numeric array",
    ),
    (
        "string weight",
        lambda: F.binary_cross_entropy_with_logits(Z, B, weight="heavy"),
        TypeError,
        "weight",
    ),
    # logistic regression shapes and parameters
    (
        "logreg X 1-d",
        lambda: logreg.loss([0.0], 0.0, np.zeros(4), YL),
        ValueError,
        "X must be a 2-D array",
    ),
    (
        "logreg y shape",
        lambda: logreg.loss([0.0, 0.0], 0.0, XL, YL[:3]),
        ValueError,
        "y must have shape (4,)",
    ),
    (
        "logreg w shape",
        lambda: logreg.grad([0.0, 0.0, 0.0], 0.0, XL, YL),
        ValueError,
        "w must have shape (2,)",
    ),
    (
        "logreg b vector",
        lambda: logreg.loss([0.0, 0.0], [0.0, 1.0], XL, YL),
        TypeError,
        "b must be a real number",
    ),
    (
        "logreg w0 shape",
        lambda: logreg.fit(XL, YL, l2=0.1, w0=[0.0]),
        ValueError,
        "w0 must have shape (2,)",
    ),
    (
        "logreg one class",
        lambda: logreg.fit(XL, np.ones(4)),
        logreg.NoFiniteOptimumError,
        "only the label 1",
    ),
    (
        "logreg separable",
        lambda: logreg.fit([[-2.0], [-1.0], [1.0], [2.0]], [0, 0, 1, 1]),
        logreg.NoFiniteOptimumError,
        "separable",
    ),
    # symbolic
    (
        "symbolic unknown loss",
        lambda: symbolic.loss("bce_with_logits"),
        ValueError,
        "unknown loss 'bce_with_logits'",
    ),
    ("symbolic name type", lambda: symbolic.loss(3), TypeError, "name must be a string"),
    ("symbolic which", lambda: symbolic.loss("mse").latex("d3"), ValueError, "which must be"),
    (
        "symbolic subs",
        lambda: symbolic.loss("huber").subs(beta=1),
        ValueError,
        "unknown parameter 'beta'",
    ),
    (
        "symbolic numeric kw",
        lambda: symbolic.loss("huber").numeric()(1.0, beta=1.0),
        TypeError,
        "unknown parameter",
    ),
    (
        "symbolic logreg penalty",
        lambda: symbolic.logreg_gradient(2, "l3"),
        ValueError,
        "penalty must be",
    ),
    (
        "symbolic logreg d",
        lambda: symbolic.logreg_gradient(0),
        ValueError,
        "d must be >= 1, got 0",
    ),
    (
        "symbolic softmax C",
        lambda: symbolic.softmax_cross_entropy(1),
        ValueError,
        "C must be >= 2, got 1",
    ),
    (
        "symbolic softmax C float",
        lambda: symbolic.softmax_cross_entropy(3.0),
        TypeError,
        "C must be an int, got float",
    ),
    # the registry
    ("losses unknown", lambda: lv.losses.get("sigmoid_focal"), ValueError, "unknown loss"),
    (
        "losses parameter",
        lambda: lv.losses.get("huber").value([1.0], delta=0.0),
        ValueError,
        "delta must be > 0",
    ),
    (
        "losses masked",
        lambda: lv.losses.get("l1").value(np.ma.array([1.0, 2.0], mask=[0, 1])),
        TypeError,
        "r is a numpy masked array",
    ),
    (
        "ce huge index",
        lambda: F.cross_entropy([[0.0, 1.0]], [1e20]),
        ValueError,
        "got 1e+20",
    ),
    (
        "ce ignore_index with probabilities",
        lambda: F.cross_entropy([[0.0, 1.0]], [[0.5, 0.5]], ignore_index=1),
        ValueError,
        "ignore_index is not supported",
    ),
    (
        "symbolic softmax target",
        lambda: symbolic.softmax_cross_entropy(3, 3),
        ValueError,
        "target must be <= 2, got 3",
    ),
]


@pytest.mark.parametrize("call,exc,text", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_raises_with_a_clear_message(call, exc, text):
    with pytest.raises(exc) as info:
        call()
    assert text in str(info.value), f"message {str(info.value)!r} lacks {text!r}"
    # the exact class, not a subclass: the same bad input raises the same type everywhere
    assert type(info.value) is exc, f"raised {type(info.value).__name__}, expected {exc.__name__}"


def test_bad_input_table_uses_value_and_type_errors_only():
    for case_id, _, exc, _ in BAD:
        assert issubclass(exc, (ValueError, TypeError)), case_id


def test_bad_input_table_is_large_and_has_unique_ids(capsys):
    ids = [c[0] for c in BAD]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    with capsys.disabled():
        print(f"\nbad inputs tried: {len(BAD)}")
    assert len(BAD) >= 80


def test_good_inputs_are_accepted_and_converted():
    # lists, ints and bools become float64; the caller's array is never modified
    x = np.array([1, 2, 3])
    assert F.mse_loss(x, [0, 0, 0]) == pytest.approx(14 / 3)
    assert F.binary_cross_entropy_with_logits([0, 0], np.array([True, False])) == pytest.approx(
        np.log(2)
    )
    a = V.as_array(x, "x")
    assert a.dtype == np.float64 and a is not x
    # 0-d input behaves like one element
    assert F.l1_loss(2.0, 0.5) == 1.5
    # weights broadcast to the input where PyTorch documents it
    assert V.broadcast_weight([1.0, 2.0, 3.0], "weight", (2, 3)).shape == (2, 3)
    assert V.broadcast_weight([[1.0], [2.0]], "weight", (2, 3)).shape == (2, 3)


def test_errors_leave_arrays_untouched():
    x = np.array([0.2, 0.5])
    with pytest.raises(ValueError):
        F.binary_cross_entropy(x, [2.0, 0.0])
    assert np.array_equal(x, [0.2, 0.5])
