"""Per-sample losses of a score vector (softmax cross-entropy and the multi-label losses).

They are not elementwise: their value is one number per sample. Compute them with the
``lossviz.functional`` function named in ``functional`` (``reduction="none"``) and their sympy
forms with :func:`lossviz.symbolic.softmax_cross_entropy`, :func:`~lossviz.symbolic.multilabel_soft_margin`
and :func:`~lossviz.symbolic.multilabel_categorical_cross_entropy` (one symbol per class).
"""

from __future__ import annotations

from ._core import declare

declare(
    name="ce",
    view="scores",
    label="cross-entropy",
    color="#882255",
    torch="torch.nn.functional.cross_entropy",
    functional=("cross_entropy",),
    summary="Softmax cross-entropy -log softmax(z)_y; two classes: BCE of the logit difference.",
)
declare(
    name="multilabel_soft_margin",
    view="scores",
    label="multi-label soft margin",
    color="#882255",
    torch="torch.nn.functional.multilabel_soft_margin_loss",
    functional=("multilabel_soft_margin_loss",),
    summary="One BCE-with-logits per class, averaged over classes.",
)
declare(
    name="zlpr",
    view="scores",
    label="ZLPR",
    color="#332288",
    functional=("multilabel_categorical_cross_entropy",),
    summary="Su's multi-label categorical cross-entropy: log(1 + Σ_neg e^s) + log(1 + Σ_pos e^-s).",
)
