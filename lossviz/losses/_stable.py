"""Stable elementwise building blocks shared by the loss kernels (no input checks: callers pass
float64 arrays).

``exp(-|z|)`` is computed once and reused: σ(z), σ(-z), softplus(z) and softplus(-z) all follow
from it without overflow and without subtracting nearly equal numbers.
"""

from __future__ import annotations

import numpy as np


def sigmoid_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(σ(z), σ(-z)), each with full relative accuracy (also where one of them is tiny)."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    big = 1.0 / (1.0 + e)  # σ(|z|)
    small = e * big  # σ(-|z|) = e / (1 + e)
    pos = z >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}) for any finite z."""
    return sigmoid_pair(z)[0]


def softplus_pair(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(softplus(z), softplus(-z)) = (max(z, 0) + log1p(e^{-|z|}), max(-z, 0) + log1p(e^{-|z|})):
    sums of non-negative terms, so relative accuracy holds everywhere (softplus(-40) = 4.2e-18)."""
    tail = np.log1p(np.exp(-np.abs(z)))
    return np.maximum(z, 0.0) + tail, np.maximum(-z, 0.0) + tail


def softplus(z: np.ndarray) -> np.ndarray:
    """softplus(z) = log(1 + e^z) = -log σ(-z)."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def shifted_logits(z: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """(d, lse) with d = z - max(z) ≤ 0 and lse = log Σ e^{d} ≥ 0 along ``axis`` (kept).

    log softmax(z) = d - lse. The difference z - max is taken first (PyTorch's order), so a large
    common offset costs nothing; lse = log1p(Σ_{c ≠ argmax} e^{d_c}) keeps the relative accuracy of
    tiny losses of confident samples. z - max may overflow only where the exact difference is
    beyond the float range; it is then -inf and e^{d} = 0, which is exact to double precision.
    """
    m = np.max(z, axis=axis, keepdims=True)
    with np.errstate(over="ignore"):
        d = z - m
    e = np.exp(d)
    top = np.argmax(z, axis=axis)
    np.put_along_axis(e, np.expand_dims(top, axis), 0.0, axis=axis)
    return d, np.log1p(np.sum(e, axis=axis, keepdims=True))


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(z) = (z - max) - log Σ e^{z - max} along ``axis``."""
    d, lse = shifted_logits(z, axis)
    return d - lse
