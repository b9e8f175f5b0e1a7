"""The loss registry: every loss of the book declared once.

Each loss is a :class:`Loss` with one name used everywhere (``lossviz.functional`` kernels,
``lossviz.symbolic``, ``lossviz.style.color``, figures): its PyTorch/torchvision function, its
parameters (defaults, constraints), its per-element value and derivative, its sympy form, its
colour and a matplotlib-safe label. Usage::

    import numpy as np
    import lossviz as lv

    r = np.linspace(-3, 3, 401)
    L = lv.losses.get("smooth_l1")
    L.value(r, beta=1.0), L.grad(r, beta=1.0)      # per element, in the residual r = ŷ - y
    lv.losses.get("bce").value(z, 1)                # logit view: z and a label y in [0, 1]
    lv.losses.get("hinge").grad(m)                  # margin view: m = y·f(x), y in {-1, +1}
    L.color, L.label, L.defaults, L.torch           # '#009E73', 'smooth L1', {'beta': 1.0}, ...
    L.sympy().d1                                    # exact derivative (imports sympy)
    [L.name for L in lv.losses.all()]               # every loss, in declaration order
    lv.losses.names(view="margin")                  # ('hinge', 'squared_hinge', 'logistic', ...)

Views (``Loss.view``) say what the first argument is:

* ``"residual"``: r = input - target = ŷ - y; d/dr = d/dŷ. ``l1``, ``mse`` (r², no ½),
  ``smooth_l1`` (β), ``huber`` (δ), ``pseudo_huber`` (δ), ``barron`` (α, c), ``welsch`` (c),
  ``geman_mcclure`` (c), ``tukey_biweight`` (c), ``gaussian_nll`` (σ), ``laplace_nll`` (b),
  ``pinball`` (τ: (1 - τ) r for r ≥ 0, -τ r below; the minimiser of its mean is the τ-quantile).
* ``"logit"``: a logit z and a label y (``bce`` with ``pos_weight``, ``focal`` with α, γ, ``asl``
  with γ+, γ-, clip; ASL needs y in {0, 1}); bounded losses for noisy labels in
  :mod:`.bounded`: ``gce`` (q) and ``sce`` (α, β, label_clip), y in {0, 1}. ``y`` broadcasts
  against ``z``.
* ``"margin"``: m = y·f(x), y in {-1, +1}: ``hinge``, ``squared_hinge``, ``logistic``
  (log(1 + e^{-m}) = BCE of the margin), ``exponential`` (e^{-m}).
* ``"scores"``: per-sample losses of a score vector, computed by ``lossviz.functional``
  (``ce``, ``multilabel_soft_margin``, ``zlpr``); ``value``/``grad`` are not defined for them.

``value``/``grad`` check their input (finite real arrays; parameters by their constraint) and raise
``ValueError``/``TypeError`` naming the argument. At a kink the derivative is PyTorch's
subgradient (0 for |r| at 0, the hinge at m = 1).

Contrastive and metric-learning losses (pair, triplet, InfoNCE, NT-Xent, CLIP, alignment and
uniformity) read sets of embeddings, not one number per element: they are the functions of
:mod:`.metric` (``lv.losses.metric.info_nce(scores, positive, tau)``), not declarations.

Adding a loss: one ``declare(...)`` in the module of its view, plus its tests (the registry tests
check every declaration against its sympy form, finite differences and mpmath automatically).
"""

from __future__ import annotations

from . import (  # noqa: F401  (importing declares the losses)
    bounded,
    logit,
    margin,
    metric,  # noqa: F401  (contrastive and metric-learning losses: lv.losses.metric)
    residual,
    scores,
)
from ._core import REGISTRY, VIEWS, Loss, Param

__all__ = ["REGISTRY", "VIEWS", "Loss", "Param", "all", "get", "names"]


def get(name: str) -> Loss:
    """The :class:`Loss` called ``name``; an unknown name raises ``ValueError`` listing the known."""
    return REGISTRY[name]


def names(view: str | None = None) -> tuple[str, ...]:
    """The names of every loss (or of those with ``view``): by view, then declaration order."""
    if view is not None and view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    order = {v: i for i, v in enumerate(VIEWS)}  # residual, logit, margin, scores
    chosen = [n for n, L in REGISTRY.items() if view is None or L.view == view]
    return tuple(sorted(chosen, key=lambda n: order[REGISTRY[n].view]))  # stable: declaration order


def all(view: str | None = None) -> tuple[Loss, ...]:  # noqa: A001 (reads as lv.losses.all())
    """Every :class:`Loss` (or those with ``view``), grouped by view in the order of ``VIEWS``."""
    return tuple(REGISTRY[n] for n in names(view))
