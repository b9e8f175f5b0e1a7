"""Margin losses: functions of m = y·f(x) with the label y in {-1, +1} and a real score f(x).

m > 0 is a right answer, m < 0 a wrong one. Each is a convex upper bound of the 0-1 loss
1[m ≤ 0] (the logistic loss in base 2: log₂(1 + e^{-m}) = logistic/log 2). The logistic loss is
binary cross-entropy written in the margin: bce(z, y01) = logistic(m) with m = (2 y01 - 1) z.
"""

from __future__ import annotations

import numpy as np

from ._core import declare
from ._stable import sigmoid_pair, softplus_pair


def _hinge(m):
    return np.maximum(1.0 - m, 0.0)


def _hinge_grad(m):
    # subgradient 0 at the kink m = 1 (PyTorch's relu'(0) = 0)
    return np.where(m < 1.0, -1.0, 0.0)


def _squared_hinge(m):
    h = np.maximum(1.0 - m, 0.0)
    return h * h


def _squared_hinge_grad(m):
    return -2.0 * np.maximum(1.0 - m, 0.0)


def _logistic(m):
    return softplus_pair(m)[1]  # log(1 + e^{-m}) = softplus(-m)


def _logistic_grad(m):
    return -sigmoid_pair(m)[1]  # -σ(-m)


def _exponential(m):
    with np.errstate(over="ignore"):  # e^{-m} > float max only where the exact value is
        return np.exp(-m)


def _exponential_grad(m):
    with np.errstate(over="ignore"):
        return -np.exp(-m)


declare(
    name="hinge",
    view="margin",
    label="hinge",
    color="#CC6677",
    kernel=_hinge,
    kernel_grad=_hinge_grad,
    expr=lambda s, m: s.Max(0, 1 - m),
    summary="max(0, 1 - m) (SVM): zero once the margin reaches 1; gradient -1 below.",
)
declare(
    name="squared_hinge",
    view="margin",
    label="squared hinge",
    color="#AA4499",
    kernel=_squared_hinge,
    kernel_grad=_squared_hinge_grad,
    expr=lambda s, m: s.Max(0, 1 - m) ** 2,
    summary="max(0, 1 - m)²: differentiable hinge, gradient -2 max(0, 1 - m).",
)
declare(
    name="logistic",
    view="margin",
    label="logistic",
    color="#882255",
    torch="torch.nn.functional.soft_margin_loss",
    kernel=_logistic,
    kernel_grad=_logistic_grad,
    expr=lambda s, m: s.softplus(-m),
    summary="log(1 + e^{-m}): BCE in the margin; gradient -σ(-m), never exactly 0.",
)
declare(
    name="exponential",
    view="margin",
    label="exponential",
    color="#117733",
    kernel=_exponential,
    kernel_grad=_exponential_grad,
    expr=lambda s, m: s.exp(-m),
    summary="e^{-m} (AdaBoost): grows exponentially with a wrong margin.",
)
