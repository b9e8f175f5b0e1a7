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
from . import functional, logreg, symbolic  # noqa: E402

__all__ += ["functional", "logreg", "symbolic"]
# --- end numerics ---

# --- figures (style, plotting, widgets): owned by the figures work ---
from . import plotting, style, widgets  # noqa: E402  (importing style applies the book's rcParams)
from .widgets import Param, slider_figure  # noqa: E402

__all__ += ["Param", "plotting", "slider_figure", "style", "widgets"]
# --- end figures ---

# --- chapter helpers (robust, information, multilabel, regularization): one line each ---
from . import information  # noqa: E402

__all__ += ["information"]
from . import multilabel  # noqa: E402

__all__ += ["multilabel"]
from . import robust  # noqa: E402

__all__ += ["robust"]
from . import regularization  # noqa: E402

__all__ += ["regularization"]
# --- end chapter helpers ---
