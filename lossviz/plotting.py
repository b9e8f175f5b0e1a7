"""Plot helpers for the chapters: loss curves and derivatives, gradient saturation, contours and
training trajectories, in the book's colours (:mod:`lossviz.style`).

Every helper draws on an ``ax`` (or ``axes``) it is given and returns the artists it made, so the
same code serves a plain figure and a slider figure's ``setup`` (which then updates the returned
artists in place). If no ``ax`` is given, a figure is made with ``matplotlib.pyplot`` (imported
only then: importing :mod:`lossviz` never touches pyplot or the backend).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from . import style

__all__ = [
    "grid_values",
    "plot_contours",
    "plot_curves",
    "plot_gradient_saturation",
    "plot_loss_and_grad",
    "plot_surface",
    "plot_trajectory",
    "residual_losses",
    "saturation_curves",
]

ArrayOrFn = np.ndarray | Sequence[float] | Callable[[np.ndarray], np.ndarray]


def _new_axes(ncols: int = 1, figsize=None, **subplot_kw):
    import matplotlib.pyplot as plt  # only when the caller asked us to make a figure

    fig, axes = plt.subplots(1, ncols, figsize=figsize, subplot_kw=subplot_kw or None)
    return fig, axes


def _x_array(x: Any, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} must be a 1-D array of at least 2 points, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def _evaluate(values: ArrayOrFn, x: np.ndarray, what: str) -> np.ndarray:
    y = values(x) if callable(values) else values
    y = np.asarray(y, dtype=float)
    if y.shape != x.shape:
        raise ValueError(f"{what}: expected shape {x.shape} (like x), got {y.shape}")
    return y


def plot_curves(
    ax,
    x: Any,
    curves: Mapping[str, ArrayOrFn],
    *,
    labels: Mapping[str, str] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: bool = True,
    **line_kw: Any,
) -> dict[str, Any]:
    """Plot ``curves[name]`` (an array like ``x`` or a function of ``x``) in ``style.color(name)``.

    ``name`` is a loss name of :mod:`lossviz.style` (``"l1"``, ``"mse"``, ``"smooth_l1"``, ...);
    ``labels[name]`` is the legend text (default: ``name``). Returns ``{name: Line2D}``.
    """
    x = _x_array(x)
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty mapping name -> values")
    labels = dict(labels or {})
    unknown = set(labels) - set(curves)
    if unknown:
        raise ValueError(f"labels: names not in curves: {sorted(unknown)}")
    lines = {}
    for name, values in curves.items():
        y = _evaluate(values, x, f"curves[{name!r}]")
        (lines[name],) = ax.plot(
            x, y, color=style.color(name), label=labels.get(name, name), **line_kw
        )
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
    return lines


def residual_losses(
    r: Any, names: Sequence[str] = ("l1", "mse", "smooth_l1", "huber"), *, beta=1.0, delta=1.0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{name: (loss(r), d loss / d r)}`` for regression losses of the residual ``r = ŷ − y``.

    Computed by :mod:`lossviz.functional` with ``reduction="none"`` and PyTorch's conventions:
    ``mse`` is ``r**2`` (no ½), ``smooth_l1`` uses ``beta``, ``huber`` uses ``delta``.
    """
    from . import functional as F

    r = _x_array(r, "r")
    zero = np.zeros_like(r)
    table = {
        "l1": (F.l1_loss, F.l1_loss_grad, {}),
        "mse": (F.mse_loss, F.mse_loss_grad, {}),
        "smooth_l1": (F.smooth_l1_loss, F.smooth_l1_loss_grad, {"beta": beta}),
        "huber": (F.huber_loss, F.huber_loss_grad, {"delta": delta}),
    }
    out = {}
    for name in names:
        key = style._canonical(name)
        if key not in table:
            raise ValueError(f"names: {name!r} is not one of {sorted(table)}")
        loss, grad, kw = table[key]
        out[key] = (
            loss(r, zero, reduction="none", **kw),
            grad(r, zero, reduction="none", **kw),
        )
    return out


def plot_loss_and_grad(
    curves: Mapping[str, tuple[ArrayOrFn, ArrayOrFn]],
    x: Any,
    *,
    axes=None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "residual r = ŷ − y",
    loss_label: str = "loss",
    grad_label: str = "derivative d loss / d r",
    xlim: tuple[float, float] | None = None,
    loss_ylim: tuple[float, float] | None = None,
    grad_ylim: tuple[float, float] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Two panels: each loss (left) and its derivative (right) against ``x`` (residual or logit).

    ``curves[name] = (loss, derivative)``, arrays like ``x`` or functions of ``x`` (e.g. from
    :func:`residual_losses`). Returns ``{name: (loss_line, grad_line)}`` for in-place updates.
    """
    x = _x_array(x)
    if axes is None:
        _fig, axes = _new_axes(2, figsize=(8.0, 3.2))
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 Axes (loss, derivative), got {len(axes)}")
    ax_loss, ax_grad = axes
    loss_lines = plot_curves(
        ax_loss,
        x,
        {k: v[0] for k, v in curves.items()},
        labels=labels,
        xlabel=xlabel,
        ylabel=loss_label,
    )
    grad_lines = plot_curves(
        ax_grad,
        x,
        {k: v[1] for k, v in curves.items()},
        labels=labels,
        xlabel=xlabel,
        ylabel=grad_label,
        legend=False,
    )
    for ax in axes:
        ax.axhline(0.0, color=style.color("neutral"), linewidth=0.8, zorder=1)
        ax.set_xlim(xlim if xlim is not None else (x[0], x[-1]))
    if loss_ylim is not None:
        ax_loss.set_ylim(loss_ylim)
    if grad_ylim is not None:
        ax_grad.set_ylim(grad_ylim)
    return {k: (loss_lines[k], grad_lines[k]) for k in curves}


def saturation_curves(z: Any, y: float = 1.0) -> dict[str, np.ndarray]:
    """Gradient magnitudes w.r.t. the logit ``z`` of a sigmoid output ``p = σ(z)`` with label ``y``.

    * ``ce``:  ``|d CE / dz| = |p − y|`` (binary cross-entropy on the logit),
    * ``mse``: ``|d (½ (p − y)²) / dz| = |p − y| · p (1 − p)`` (the ½ is explicit here),
    * ``log_ratio``: ``log(|ce| / |mse|) = −log(p (1 − p)) = softplus(z) + softplus(−z)``,
      computed in logit space (finite for every finite ``z``); ``ratio = exp(log_ratio)
      = 2 + 2 cosh z`` (independent of ``y``; overflows past |z| ≈ 709, so ``z`` is limited to
      |z| ≤ 700).
    """
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or not np.all(np.isfinite(z)):
        raise ValueError("z must be a finite 1-D array")
    if np.any(np.abs(z) > 700):
        raise ValueError("z must lie in [-700, 700] (the ratio 2 + 2 cosh z overflows beyond)")
    if isinstance(y, bool) or not isinstance(y, numbers.Real) or not 0.0 <= y <= 1.0:
        raise ValueError(f"y must be a number in [0, 1], got {y!r}")
    y = float(y)
    p = np.exp(-np.logaddexp(0.0, -z))  # σ(z) without overflow
    log_ratio = np.logaddexp(0.0, z) + np.logaddexp(0.0, -z)
    ce = np.abs(p - y)
    mse = ce * np.exp(-log_ratio)  # p (1 − p) = exp(−log_ratio)
    return {"ce": ce, "mse": mse, "log_ratio": log_ratio, "ratio": np.exp(log_ratio)}


def plot_gradient_saturation(z: Any, y: float = 1.0, *, axes=None) -> dict[str, Any]:
    """Left: ``|dCE/dz|`` and ``|d(½ MSE)/dz|`` on a log scale against the logit; right: their ratio.

    Returns ``{"ce": line, "mse": line, "ratio": line}``.
    """
    z = _x_array(z, "z")
    c = saturation_curves(z, y)
    if axes is None:
        _fig, axes = _new_axes(2, figsize=(8.0, 3.2))
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 Axes (gradients, ratio), got {len(axes)}")
    ax_g, ax_r = axes
    tiny = np.finfo(float).tiny  # a log axis cannot show exact zeros
    lines = plot_curves(
        ax_g,
        z,
        {"ce": np.maximum(c["ce"], tiny), "mse": np.maximum(c["mse"], tiny)},
        labels={"ce": "cross-entropy |p − y|", "mse": "½ squared error |p − y| p(1 − p)"},
        xlabel="logit z",
        ylabel="|d loss / dz|",
    )
    ax_g.set_yscale("log")
    ax_g.set_title(f"label y = {y:g}")
    (lines["ratio"],) = ax_r.plot(z, c["ratio"], color=style.color("data"))
    ax_r.set(yscale="log", xlabel="logit z", ylabel="ratio CE / ½ MSE = 2 + 2 cosh z")
    for ax in axes:
        ax.set_xlim(z[0], z[-1])
    return lines


def grid_values(f: Callable[[float, float], float], x: Any, y: Any) -> np.ndarray:
    """``Z[i, j] = f(x[j], y[i])`` (the ``meshgrid`` layout ``contour`` expects), point by point."""
    x = _x_array(x, "x")
    y = _x_array(y, "y")
    if not callable(f):
        raise TypeError(f"f must be callable f(x, y) -> float, got {type(f).__name__}")
    z = np.array([[float(f(xj, yi)) for xj in x] for yi in y])
    if not np.all(np.isfinite(z)):
        raise ValueError("f returned NaN or inf on the grid")
    return z


def plot_contours(
    ax,
    x: Any,
    y: Any,
    z: Any,
    *,
    levels: int | Sequence[float] = 12,
    log: bool = False,
    filled: bool = True,
    cmap: str = "viridis",
    colorbar: bool = False,
    xlabel: str | None = None,
    ylabel: str | None = None,
):
    """Contours of a loss ``z[i, j]`` over ``(x[j], y[i])``; ``log=True`` spaces levels
    geometrically (losses span decades). Returns the ContourSet (and adds a colourbar if asked)."""
    x = _x_array(x, "x")
    y = _x_array(y, "y")
    z = np.asarray(z, dtype=float)
    if z.shape != (y.size, x.size):
        raise ValueError(f"z must have shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("z must be finite")
    if isinstance(levels, int):
        if log:
            if np.min(z) <= 0:
                raise ValueError("log=True needs z > 0")
            levels = np.geomspace(np.min(z), np.max(z), levels)
        else:
            levels = np.linspace(np.min(z), np.max(z), levels)
    plot = ax.contourf if filled else ax.contour
    cs = plot(x, y, z, levels=levels, cmap=cmap)
    if filled:
        ax.contour(x, y, z, levels=levels, colors="white", linewidths=0.5, alpha=0.6)
    if colorbar:
        ax.figure.colorbar(cs, ax=ax)
    ax.set(xlim=(x[0], x[-1]), ylim=(y[0], y[-1]))
    ax.grid(False)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return cs


def plot_surface(ax3d, x: Any, y: Any, z: Any, *, cmap: str = "viridis", **kw: Any):
    """A 3-D surface of ``z[i, j]`` over ``(x[j], y[i])`` on an Axes made with
    ``projection="3d"``. Returns the Poly3DCollection."""
    x = _x_array(x, "x")
    y = _x_array(y, "y")
    z = np.asarray(z, dtype=float)
    if z.shape != (y.size, x.size):
        raise ValueError(f"z must have shape (len(y), len(x)) = {(y.size, x.size)}, got {z.shape}")
    xx, yy = np.meshgrid(x, y)
    return ax3d.plot_surface(xx, yy, z, cmap=cmap, linewidth=0, antialiased=True, **kw)


def plot_trajectory(
    ax,
    path: Any,
    *,
    name: str = "accent",
    label: str | None = None,
    markers: bool = True,
    **kw: Any,
):
    """A training trajectory ``path[k] = (w1, w2)`` as a line with dots, start ○ and end ★,
    in ``style.color(name)``. Returns the Line2D (update with ``set_data`` in a slider)."""
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] < 1:
        raise ValueError(f"path must have shape (steps, 2), got {path.shape}")
    if not np.all(np.isfinite(path)):
        raise ValueError("path must be finite (did the optimisation diverge?)")
    c = style.color(name)
    (line,) = ax.plot(path[:, 0], path[:, 1], "-o", color=c, markersize=3, label=label, **kw)
    if markers:
        ax.plot(*path[0], "o", color=c, markerfacecolor="white", markersize=7, zorder=4)
        ax.plot(*path[-1], "*", color=c, markersize=11, zorder=4)
    return line
