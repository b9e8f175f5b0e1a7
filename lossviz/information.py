"""Information measures and proper scoring rules, in nats.

Conventions:

* Logarithms are natural: entropies and cross-entropies are in **nats**.
* A *distribution* is a non-negative vector along the last axis that sums to 1; these functions
  take probabilities, not logits (for logits use ``lossviz.functional.cross_entropy``).
* ``0 log 0 = 0`` (``scipy.special.xlogy``, ``entr``, ``rel_entr``); a value that is truly
  infinite (``q_k = 0 < p_k``) is returned as ``+inf``.

* :func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence`, :func:`binary_entropy`;
* :func:`expected_log_loss`, :func:`expected_brier`: the expected score of a forecast ``p`` when
  the label is Bernoulli(``q``); both are minimised at ``p = q`` (proper scoring rules).
"""

from __future__ import annotations

import numpy as np
from scipy.special import entr, rel_entr, xlog1py, xlogy

from . import _validation as V

__all__ = [
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "binary_entropy",
    "expected_log_loss",
    "expected_brier",
]


def _distribution(x, name: str) -> np.ndarray:
    a = V.as_array(x, name)
    if a.ndim == 0:
        raise ValueError(
            f"{name} must be a vector (distribution along the last axis), got a scalar"
        )
    if np.any(a < 0):
        raise ValueError(f"{name} must be non-negative")
    s = a.sum(axis=-1)
    if not np.allclose(s, 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"{name} must sum to 1 along the last axis, got sums {s}")
    return a


def entropy(p) -> np.ndarray:
    """Shannon entropy ``H(p) = -sum_k p_k log p_k`` in nats, along the last axis (0 log 0 = 0)."""
    p = _distribution(p, "p")
    return entr(p).sum(axis=-1)


def cross_entropy(p, q) -> np.ndarray:
    """Cross-entropy of distributions ``H(p, q) = -sum_k p_k log q_k`` in nats (last axis).

    ``p`` is the target distribution, ``q`` the model's; both are probability vectors, **not**
    logits (for logits use ``lossviz.functional.cross_entropy``). Terms with ``p_k = 0`` contribute
    0; if ``q_k = 0 < p_k`` the value is ``+inf``, which is the true value.
    """
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    V.check_same_shape(p, q, "p", "q")
    return -xlogy(p, q).sum(axis=-1)


def kl_divergence(p, q) -> np.ndarray:
    """``D_KL(p || q) = sum_k p_k log(p_k / q_k) = H(p, q) - H(p)`` in nats (last axis), >= 0."""
    p = _distribution(p, "p")
    q = _distribution(q, "q")
    V.check_same_shape(p, q, "p", "q")
    return rel_entr(p, q).sum(axis=-1)


def binary_entropy(q) -> np.ndarray:
    """Entropy of a Bernoulli(q) label, ``-q log q - (1-q) log(1-q)`` in nats; ``ln 2`` at q = 1/2."""
    q = V.probabilities(q, "q")
    return entr(q) + entr(1.0 - q)


def expected_log_loss(p, q) -> np.ndarray:
    """Expected log loss of forecast ``p`` when ``y ~ Bernoulli(q)``: ``-q log p - (1-q) log(1-p)``.

    Equals ``binary_entropy(q) + KL(Bern(q) || Bern(p))``, minimised at ``p = q``. ``p`` in (0, 1).
    """
    p = V.probabilities(p, "p", open_interval=True)
    q = V.probabilities(q, "q")
    p, q = np.broadcast_arrays(p, q) if q.ndim == 0 or p.ndim == 0 else (p, q)
    V.check_same_shape(np.asarray(p), np.asarray(q), "p", "q")
    return -(xlogy(q, p) + xlog1py(1.0 - q, -p))


def expected_brier(p, q) -> np.ndarray:
    """Expected Brier score (squared error on the probability) of forecast ``p``, ``y ~ Bern(q)``.

    ``q (1-p)^2 + (1-q) p^2 = (p - q)^2 + q (1 - q)``, minimised at ``p = q``.
    """
    p = V.probabilities(p, "p")
    q = V.probabilities(q, "q")
    p, q = np.broadcast_arrays(p, q) if q.ndim == 0 or p.ndim == 0 else (p, q)
    V.check_same_shape(np.asarray(p), np.asarray(q), "p", "q")
    return q * (1 - p) ** 2 + (1 - q) * p**2
