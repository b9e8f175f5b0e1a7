"""Input checks shared by every public numerics function of :mod:`lossviz`.

Each check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind, wrong value or
shape) with a message that names the argument and says what was expected, e.g.
``"beta must be >= 0, got -1.0"``. Arrays are converted to float64 copies, so callers may pass Python
lists, integer or boolean arrays. Nothing is broadcast silently: shapes must match exactly, except
where PyTorch documents broadcasting (``weight`` of the binary losses, ``pos_weight``), which the
callers request explicitly.
"""

from __future__ import annotations

import numbers

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def as_array(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a finite float64 array; reject non-numeric, empty and non-finite input."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array or number, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular numeric array: {err}") from err
    if arr.dtype.kind not in "biuf":
        kind = "complex" if arr.dtype.kind == "c" else str(arr.dtype)
        raise TypeError(f"{name} must be a real numeric array (int, float or bool), got {kind}")
    arr = arr.astype(np.float64, copy=True)
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Require identical shapes (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_b} must have the same shape as {name_a}: got {name_b} {b.shape} and "
            f"{name_a} {a.shape} (no broadcasting)"
        )


def check_reduction(reduction) -> str:
    """Return ``reduction`` if it is one of ``"none"``, ``"mean"``, ``"sum"``."""
    if not isinstance(reduction, str):
        raise TypeError(f"reduction must be a string, got {type(reduction).__name__}")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of 'none', 'mean', 'sum', got {reduction!r}")
    return reduction


def check_in_unit_interval(x: np.ndarray, name: str, what: str = "values") -> None:
    """Require every element of ``x`` to lie in [0, 1]."""
    if np.any(x < 0) or np.any(x > 1):
        bad = x[(x < 0) | (x > 1)].ravel()[0]
        raise ValueError(f"{name} must contain {what} in [0, 1], got {bad!r}")


def check_binary(x: np.ndarray, name: str) -> None:
    """Require every element of ``x`` to be exactly 0 or 1."""
    if np.any((x != 0) & (x != 1)):
        bad = x[(x != 0) & (x != 1)].ravel()[0]
        raise ValueError(f"{name} must contain only 0 and 1, got {bad!r}")


def scalar(value, name: str) -> float:
    """Return a real, finite Python float; reject bools, strings, arrays and NaN/inf."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    return v


def nonneg(value, name: str) -> float:
    """A real scalar ``>= 0``."""
    v = scalar(value, name)
    if v < 0:
        raise ValueError(f"{name} must be >= 0, got {v!r}")
    return v


def positive(value, name: str) -> float:
    """A real scalar ``> 0``."""
    v = scalar(value, name)
    if v <= 0:
        raise ValueError(f"{name} must be > 0, got {v!r}")
    return v


def in_range(value, name: str, lo: float, hi: float, *, hi_open: bool = False) -> float:
    """A real scalar in ``[lo, hi]`` (or ``[lo, hi)`` if ``hi_open``)."""
    v = scalar(value, name)
    if v < lo or v > hi or (hi_open and v == hi):
        right = ")" if hi_open else "]"
        raise ValueError(f"{name} must be in [{lo:g}, {hi:g}{right}, got {v!r}")
    return v


def broadcast_weight(
    weight, name: str, shape: tuple[int, ...], *, last_dim_only: bool = False
) -> np.ndarray:
    """Return a non-negative float64 ``weight`` broadcast to ``shape``.

    ``weight`` may have any shape that NumPy/PyTorch broadcasting expands to exactly ``shape``
    (never the other way round: the weight cannot change the shape of the loss). With
    ``last_dim_only`` it must be a 1-D array of length ``shape[-1]`` (one weight per class).
    """
    w = as_array(weight, name)
    if last_dim_only:
        if w.ndim != 1 or len(shape) == 0 or w.shape[0] != shape[-1]:
            expected = shape[-1] if shape else "C"
            raise ValueError(f"{name} must have shape ({expected},) (one per class), got {w.shape}")
    else:
        try:
            out_shape = np.broadcast_shapes(w.shape, shape)
        except ValueError:
            out_shape = None
        if out_shape != tuple(shape):
            raise ValueError(
                f"{name} must be broadcastable to the input shape {tuple(shape)}, got {w.shape}"
            )
    if np.any(w < 0):
        raise ValueError(f"{name} must be >= 0 everywhere, got {w[w < 0].ravel()[0]!r}")
    return np.broadcast_to(w, shape).astype(np.float64)


def reduce(loss: np.ndarray, reduction: str):
    """Apply a PyTorch reduction; reduced results are ``numpy.float64`` scalars."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return np.float64(loss.sum())
    return np.float64(loss.mean())


def reduce_grad(grad: np.ndarray, reduction: str, count: int) -> np.ndarray:
    """Scale the gradient of the summed losses for ``reduction`` (``count`` = number of losses)."""
    return grad / count if reduction == "mean" else grad
