"""lossviz: the helper package of the book *Loss Functions, Interactively*.

Exact, numerically stable losses and gradients with PyTorch's conventions (``lossviz.functional``),
logistic regression with L1/L2 penalties (``lossviz.logreg``), the same losses as sympy expressions
(``lossviz.symbolic``), the book's plotting style and slider figures that work both live in Jupyter
and on the static website, and ``claim*`` functions that check the text's claims.

The curated public API is re-exported here; everything else is private.
"""

__version__ = "0.1.0"

from . import claims
from .claims import ClaimError, claim, claim_close, claim_grad, claim_identity, claims_checked

__all__ = [
    "ClaimError",
    "claim",
    "claim_close",
    "claim_grad",
    "claim_identity",
    "claims",
    "claims_checked",
]

# --- numerics (functional, logreg, symbolic): owned by the numerics work ---
# --- end numerics ---

# --- figures (style, plotting, widgets): owned by the figures work ---
# --- end figures ---

# --- chapter helpers (robust, information, multilabel, regularization): one line each ---
# --- end chapter helpers ---
