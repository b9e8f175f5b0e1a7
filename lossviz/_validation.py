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


def _reject_special_arrays(x, name: str) -> None:
    """Refuse inputs that ``np.asarray`` would silently misread."""
    if isinstance(x, np.ma.MaskedArray):
        # np.asarray drops the mask: the masked values would count. Say so instead of guessing.
        raise TypeError(
            f"{name} is a numpy masked array; lossviz does not apply masks: pass "
            f"{name}.compressed() (or select the unmasked elements of every argument) instead"
        )
    if getattr(x, "requires_grad", False) is True:
        # a torch tensor in an autograd graph: torch refuses .numpy() with a RuntimeError
        raise TypeError(
            f"{name} is a tensor that requires grad; pass {name}.detach().cpu().numpy() "
            "(lossviz computes values and gradients in NumPy)"
        )


def as_array(
    x, name: str, *, allow_empty: bool = False, copy: bool = True, finite: bool = True
) -> np.ndarray:
    """Return ``x`` as a finite float64 array; reject non-numeric, empty and non-finite input.

    Masked arrays and tensors that require grad raise ``TypeError`` (their mask or graph would be
    silently dropped). ``copy=False`` returns a float64 input itself (for callers that never
    write into it); ``finite=False`` leaves the finiteness test to the caller (who must run it)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a numeric array or number, got {type(x).__name__}")
    _reject_special_arrays(x, name)
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular numeric array: {err}") from err
    if arr.dtype.kind not in "biuf":
        kind = "complex" if arr.dtype.kind == "c" else str(arr.dtype)
        raise TypeError(f"{name} must be a real numeric array (int, float or bool), got {kind}")
    arr = arr.astype(np.float64, copy=copy)
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite and not all_finite(arr):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def all_finite(arr: np.ndarray) -> bool:
    """Whether every element is finite. One summing pass (NaN and inf propagate into the sum);
    the elementwise test runs only if the sum is not finite (e.g. it overflowed)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(arr)):
            return True
    return bool(np.all(np.isfinite(arr)))


def array(x, name: str, *, ndim: int | None = None, min_size: int = 1) -> np.ndarray:
    """:func:`as_array` with an optional number of dimensions and a minimum number of elements."""
    arr = as_array(x, name, allow_empty=min_size == 0)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {arr.size}")
    return arr


def vector(x, name: str, *, min_size: int = 1, length: int | None = None) -> np.ndarray:
    """A 1-D finite float64 array (of ``length`` elements if given)."""
    arr = array(x, name, ndim=1, min_size=min_size)
    if length is not None and arr.shape[0] != length:
        raise ValueError(f"{name} must have shape ({length},), got {arr.shape}")
    return arr


def probabilities(x, name: str, *, open_interval: bool = False) -> np.ndarray:
    """A finite float64 array with every element in [0, 1] (or (0, 1))."""
    arr = as_array(x, name)
    if open_interval:
        if np.any((arr <= 0) | (arr >= 1)):
            bad = arr[(arr <= 0) | (arr >= 1)].ravel()[0]
            raise ValueError(f"{name} must contain probabilities in (0, 1), got {bad!r}")
    else:
        check_in_unit_interval(arr, name, "probabilities")
    return arr


def labels(x, name: str) -> np.ndarray:
    """A float64 array of 0/1 labels (bools and integer arrays accepted)."""
    arr = as_array(x, name)
    check_binary(arr, name)
    return arr


def class_indices(t: np.ndarray, name: str, n_classes: int, *, ignore_index=None) -> np.ndarray:
    """Integer-valued float array -> int64 class indices in [0, n_classes - 1].

    Entries equal to ``ignore_index`` may lie outside the range. Checked on the floats before the
    cast, so a huge index (1e20) is reported as itself, not as an overflowed integer."""
    t = np.asarray(t, dtype=np.float64)
    frac = t != np.round(t)
    if np.any(frac):
        raise ValueError(f"{name} class indices must be integers, got {t[frac].ravel()[0]!r}")
    keep = np.ones(t.shape, dtype=bool) if ignore_index is None else t != ignore_index
    bad = keep & ((t < 0) | (t > n_classes - 1))
    if np.any(bad):
        v = t[bad].ravel()[0]
        shown = int(v) if abs(v) < 2**53 else float(v)
        raise ValueError(f"{name} class indices must be in [0, {n_classes - 1}], got {shown!r}")
    return np.where(keep, t, 0.0).astype(np.int64)


def integer(value, name: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """A Python int (``numpy`` integers accepted; bools, floats and strings raise ``TypeError``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    v = int(value)
    if min_value is not None and v < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {v}")
    if max_value is not None and v > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {v}")
    return v


def probability(value, name: str, *, open_interval: bool = False) -> float:
    """A real scalar in [0, 1] (or (0, 1) with ``open_interval``)."""
    if open_interval:
        return open_unit(value, name)
    return in_range(value, name, 0.0, 1.0)


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


def open_unit(value, name: str) -> float:
    """A real scalar in the open interval (0, 1)."""
    v = scalar(value, name)
    if not 0.0 < v < 1.0:
        raise ValueError(f"{name} must be in (0, 1), got {v!r}")
    return v


def at_most(value, name: str, hi: float) -> float:
    """A real scalar ``<= hi``."""
    v = scalar(value, name)
    if v > hi:
        raise ValueError(f"{name} must be <= {hi:g}, got {v!r}")
    return v


def real_or_neg_inf(value, name: str) -> float:
    """A real scalar or ``-inf`` (a limit some loss families allow, e.g. Barron's α)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if np.isnan(v) or v == np.inf:
        raise ValueError(f"{name} must be a real number or -inf, got {v!r}")
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


def reduce(loss: np.ndarray, reduction: str, weight: np.ndarray | None = None):
    """Apply a PyTorch reduction to ``weight * loss``; reduced results are ``numpy.float64``
    scalars, ``"none"`` returns an ``ndarray`` (0-d for a 0-d input). The mean is Σ wℓ / n, or
    Σ w (ℓ / n) where Σ wℓ overflows although the mean is finite."""
    with np.errstate(over="ignore"):
        weighted = loss if weight is None else loss * weight
        if reduction == "none":
            return np.asarray(weighted)
        total = np.sum(weighted)
    if reduction == "sum":
        return np.float64(total)
    if np.isfinite(total):
        return np.float64(total / loss.size)
    scaled = loss / loss.size
    return np.float64(np.sum(scaled if weight is None else scaled * weight))


def reduce_grad(grad: np.ndarray, reduction: str, count: int) -> np.ndarray:
    """Scale the gradient of the summed losses for ``reduction`` (``count`` = number of losses)."""
    return np.asarray(grad / count if reduction == "mean" else grad)
