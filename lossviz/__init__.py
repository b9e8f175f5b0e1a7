"""lossviz: the helper package of the book *Loss Functions, Interactively*.

The package by concept:

* ``losses`` — the registry: every loss declared once (name, PyTorch name, parameters, value and
  derivative, sympy form, colour); ``functional`` — the losses and gradients with PyTorch's
  signatures, exact and numerically stable; ``symbolic`` — the same losses as sympy expressions;
* ``information`` — entropy, cross-entropy, KL divergence and proper scoring rules;
  ``output_units`` — sigmoid and softmax output units: losses in the logit, saturation, training;
* ``optim`` — gradient descent, subgradient, proximal gradient and Newton over one
  ``objective(theta) -> (f, g)`` protocol, and scipy's L-BFGS; ``logreg`` — logistic regression
  with L1/L2 penalties (exact fits, objectives for ``optim``, the λ path); ``linear_model`` — a
  linear multi-label model fitted with any multi-label loss;
* ``estimation`` — robust location estimates and line fits; ``boxes`` — IoU and GIoU;
  ``metrics`` — multi-label metrics and thresholds; ``datasets`` — seeded synthetic data sets;
* ``style`` — the book's colours and matplotlib style; ``figures`` (``slider_figure``, ``Param``,
  ``Choice``, ``Toggle``) — figures that work live in Jupyter and on the static site, and
  ``figures.recipes`` for the figures the chapters share;
* ``claim*`` — functions that check the text's claims; ``i18n`` — the language lossviz draws in
  (``LOSSVIZ_LANG``, its own message catalogue; ``i18n.tr`` for text a chapter's code shows).

``import lossviz`` loads numpy and matplotlib's configuration only (the style's ``rcParams``
apply on import); sympy, scipy, pyplot and the figure machinery load on first use of the module
that needs them (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

from . import claims, functional, i18n, logreg, losses, style
from .claims import ClaimError, claim, claim_close, claim_grad, claim_identity, claims_checked
from .display import display_mode as _display_mode

if _display_mode() == "static":  # the book build: plain figures display as crisp, responsive HTML
    from .figures.picture import register as _register_figure_html

    _register_figure_html()

try:
    __version__ = version("lossviz")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# Submodules imported on first attribute access: they pull in sympy, scipy or the figure code.
_LAZY_MODULES = frozenset(
    {
        "boxes",
        "datasets",
        "display",
        "estimation",
        "figures",
        "information",
        "linear_model",
        "metrics",
        "optim",
        "output_units",
        "symbolic",
    }
)
# Names re-exported from a lazily imported submodule.
_LAZY_NAMES = {
    "Choice": "figures",
    "Param": "figures",
    "Toggle": "figures",
    "slider_figure": "figures",
}

__all__ = [
    "Choice",
    "ClaimError",
    "Param",
    "Toggle",
    "__version__",
    "boxes",
    "claim",
    "claim_close",
    "claim_grad",
    "claim_identity",
    "claims",
    "claims_checked",
    "datasets",
    "display",
    "estimation",
    "figures",
    "functional",
    "i18n",
    "information",
    "linear_model",
    "logreg",
    "losses",
    "metrics",
    "optim",
    "output_units",
    "slider_figure",
    "style",
    "symbolic",
]


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module  # later look-ups skip this function
        return module
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
