"""Recipes: ``setup`` functions for :func:`~lossviz.figures.slider_figure` for the figures the
chapters share. Each returns ``setup(fig)``, which draws two panels side by side (the static site
stacks them on phones) and returns ``update(**values)``.

* :func:`residual_loss_and_grad` — losses of the registry (:mod:`lossviz.losses`, residual view)
  and their derivatives against the residual r, some fixed and some following the controls;
* :func:`logit_saturation` — cross-entropy and ½ squared error of σ(z) against the logit z: the
  losses, the size of their gradients, and a marker at the chosen logit and label;
* :func:`contour_trajectories` — contours of an objective over two weights with optimisation
  paths (fixed, or computed from the controls), and their loss gap per step on a log scale.

Labels use matplotlib's mathtext (``$\\beta$``, ``$p_t$``), never raw markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import losses, style
from .._validation import scalar as _real
from .._validation import vector as _vector
from ..i18n import trf

__all__ = [
    "Curve",
    "Path",
    "contour_trajectories",
    "logit_saturation",
    "residual_loss_and_grad",
]

Readouts = Callable[..., Mapping[str, Any] | None]


def _array_1d(x: Any, name: str, *, min_size: int = 2) -> np.ndarray:
    return _vector(x, name, min_size=min_size)


def _limits(value: Any, name: str) -> tuple[float, float]:
    if not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{name} must be a pair (low, high), got {value!r}")
    lo, hi = (_real(v, name) for v in value)
    if not lo < hi:
        raise ValueError(f"{name} must have low < high, got {value!r}")
    return lo, hi


def _readouts(readouts: Readouts | None) -> Readouts:
    if readouts is not None and not callable(readouts):
        raise TypeError(f"readouts must be callable or None, got {type(readouts).__name__}")
    return readouts or (lambda **values: None)


# ---------------------------------------------------------------------------------------------
# Loss and gradient against the residual
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curve:
    """One loss of the registry in a residual figure.

    ``params`` maps each of the loss's parameters to a number (fixed) or to the name of a control
    (the curve follows it): ``Curve("huber", {"delta": "beta"})`` draws Huber with δ equal to the
    control ``beta``. ``label`` defaults to the registry's label; ``dashed`` draws a thin dashed
    line (for reference curves).
    """

    loss: str
    params: Mapping[str, float | str] = field(default_factory=dict)
    label: str | None = None
    dashed: bool = False

    def __post_init__(self) -> None:
        spec = losses.get(self.loss)  # unknown names raise ValueError listing the known ones
        if spec.view != "residual":
            raise ValueError(
                f"Curve {self.loss!r}: a residual loss is needed, not a {spec.view} loss"
            )
        if not isinstance(self.params, Mapping):
            raise TypeError(f"Curve {self.loss!r}: params must be a mapping")
        unknown = set(self.params) - set(spec.defaults)
        if unknown:
            raise ValueError(
                f"Curve {self.loss!r}: unknown parameters {sorted(unknown)}; "
                f"it has {sorted(spec.defaults)}"
            )

    @property
    def follows(self) -> set[str]:
        """The names of the controls this curve follows."""
        return {v for v in self.params.values() if isinstance(v, str)}

    def kwargs(self, values: Mapping[str, Any]) -> dict[str, float]:
        return {k: float(values[v]) if isinstance(v, str) else v for k, v in self.params.items()}


def residual_loss_and_grad(
    curves: Sequence[Curve | str],
    *,
    r: Any = None,
    loss_ylim: Sequence[float] = (0.0, 5.0),
    grad_ylim: Sequence[float] = (-3.2, 3.2),
    band: str | None = None,
    readouts: Readouts | None = None,
    legend_loc: str = "upper center",
) -> Callable:
    """Left: each curve's loss ℓ(r); right: its derivative dℓ/dr, against the residual r.

    ``curves`` are :class:`Curve` or loss names (fixed at their defaults, dashed). ``r`` defaults
    to 801 points on [-4, 4]. ``band`` names a control whose value c shades |r| ≤ c (for instance
    smooth L1's quadratic zone |r| < β). ``readouts(**values)`` returns the figure's readouts.
    """
    specs = [c if isinstance(c, Curve) else Curve(c, dashed=True) for c in curves]
    if not specs:
        raise ValueError("curves: give at least one Curve or loss name")
    r = _array_1d(np.linspace(-4.0, 4.0, 801) if r is None else r, "r")
    loss_ylim = _limits(loss_ylim, "loss_ylim")
    grad_ylim = _limits(grad_ylim, "grad_ylim")
    if band is not None and not isinstance(band, str):
        raise TypeError(f"band must be a control name (str) or None, got {type(band).__name__}")
    readouts = _readouts(readouts)

    def setup(fig):
        ax_loss, ax_grad = fig.subplots(1, 2)
        lines = []
        for c in specs:
            spec = losses.get(c.loss)
            kw = dict(color=spec.color, lw=1.5 if c.dashed else 2.3, ls="--" if c.dashed else "-")
            (lo,) = ax_loss.plot(r, 0 * r, label=c.label or spec.label, **kw)
            (gr,) = ax_grad.plot(r, 0 * r, **kw)
            lines.append((c, spec, lo, gr))
        shades = []
        if band is not None:
            # in the colour of the first curve that follows the band's control
            tint = next((s.color for c, s, _lo, _gr in lines if band in c.follows), None)
            shades = [
                ax.axvspan(-1, 1, color=tint or style.color("neutral"), alpha=0.08, lw=0)
                for ax in (ax_loss, ax_grad)
            ]
        ax_loss.set(xlim=(r[0], r[-1]), ylim=loss_ylim, xlabel="residual $r$", ylabel="loss")
        ax_loss.set_title("loss $\\ell(r)$")
        ax_grad.set(xlim=(r[0], r[-1]), ylim=grad_ylim, xlabel="residual $r$")
        ax_grad.set_ylabel("$\\mathrm{d}\\ell/\\mathrm{d}r$")
        ax_grad.set_title("gradient")
        ax_loss.legend(loc=legend_loc, fontsize=8)
        drawn: dict[int, dict] = {}

        def update(**values):
            for i, (c, spec, lo, gr) in enumerate(lines):
                kw = c.kwargs(values)
                if drawn.get(i) != kw:  # fixed curves are computed once
                    lo.set_ydata(spec.value(r, **kw))
                    gr.set_ydata(spec.grad(r, **kw))
                    drawn[i] = kw
            if shades:
                width = float(values[band])
                for shade in shades:
                    shade.set_x(-width)
                    shade.set_width(2 * width)
            return readouts(**values)

        return update

    return setup


# ---------------------------------------------------------------------------------------------
# Saturation against the logit
# ---------------------------------------------------------------------------------------------
def _sigmoid(z: np.ndarray) -> np.ndarray:
    from ..functional import sigmoid

    return sigmoid(z)


def sigmoid_half_mse(z: Any, y: float) -> tuple[np.ndarray, np.ndarray]:
    """½(σ(z) − y)² and its derivative (σ(z) − y)·σ(z)(1 − σ(z)) in the logit z.

    σ(z) − y is computed as −σ(−z) for y = 1 (no cancellation near σ(z) = 1).
    """
    z = np.asarray(z, dtype=float)
    s = _sigmoid(z)
    diff = -_sigmoid(-z) if y == 1 else s - y
    return 0.5 * diff**2, diff * s * _sigmoid(-z)


def logit_saturation(
    *,
    z: Any = None,
    logit: str = "z0",
    label: str = "y",
    loss_ylim: Sequence[float] = (0.0, 8.5),
) -> Callable:
    """Cross-entropy (BCE from the logit) and ½ squared error of σ(z) against the logit z.

    Left: both losses for label y; right: the size of their gradients |dℓ/dz|, with the ½ squared
    error's maximum 4/27 at z = ∓ln 2 (y = 1 / y = 0) marked. The controls named ``logit`` (the
    marked z) and ``label`` (y in {0, 1}, a :class:`~lossviz.figures.Toggle` with values (0, 1))
    drive the figure; the side where the prediction is wrong is shaded. Readouts: p = σ(z), both
    gradient sizes and their ratio σ'(z) = σ(z)(1 − σ(z)).
    """
    z = _array_1d(np.linspace(-8.0, 8.0, 641) if z is None else z, "z")
    loss_ylim = _limits(loss_ylim, "loss_ylim")
    bce = losses.get("bce")
    ce_c, mse_c = bce.color, losses.get("mse").color

    def setup(fig):
        ax_loss, ax_grad = fig.subplots(1, 2)
        lo, hi = z[0], z[-1]
        shade = {
            y: [
                ax.axvspan(*((lo, 0) if y == 1 else (0, hi)), color="#F2E6EA", zorder=0)
                for ax in (ax_loss, ax_grad)
            ]
            for y in (0, 1)
        }
        artists = {}
        for key, text, colour in (("ce", "cross-entropy", ce_c), ("mse", "½ squared error", mse_c)):
            (l_loss,) = ax_loss.plot(z, 0 * z, color=colour, label=text)
            (l_grad,) = ax_grad.plot(z, 0 * z, color=colour)
            (d_loss,) = ax_loss.plot([0], [0], "o", color=colour, ms=7)
            (d_grad,) = ax_grad.plot([0], [0], "o", color=colour, ms=7)
            artists[key] = (l_loss, l_grad, d_loss, d_grad)
        (peak,) = ax_grad.plot([0], [4 / 27], "v", color=mse_c, ms=6, mfc="white")
        peak_text = ax_grad.text(0, 4 / 27 + 0.06, "max 4/27", ha="center", fontsize=9, color=mse_c)
        ax_loss.set(xlim=(lo, hi), ylim=loss_ylim, xlabel="logit $z$", ylabel="loss")
        ax_grad.set(xlim=(lo, hi), ylim=(0, 1.05), xlabel="logit $z$")
        ax_grad.set_ylabel("$|\\mathrm{d}\\ell/\\mathrm{d}z|$")
        ax_loss.legend(loc="upper center")
        title = ax_grad.set_title(" ")

        def curves(points, y):
            ce = (bce.value(points, y), bce.grad(points, y))
            return {"ce": ce, "mse": sigmoid_half_mse(points, y)}

        def update(**values):
            z0, y = float(values[logit]), values[label]
            if y not in (0, 1):
                raise ValueError(f"the label control {label!r} must give 0 or 1, got {y!r}")
            for patch in shade[0] + shade[1]:
                patch.set_visible(patch in shade[y])
            full, at = curves(z, y), curves(np.array([z0]), y)
            for key, (l_loss, l_grad, d_loss, d_grad) in artists.items():
                l_loss.set_ydata(full[key][0])
                l_grad.set_ydata(np.abs(full[key][1]))
                d_loss.set_data([z0], at[key][0])
                d_grad.set_data([z0], np.abs(at[key][1]))
            z_peak = -np.log(2) if y == 1 else np.log(2)
            peak.set_data([z_peak], [4 / 27])
            peak_text.set_position((z_peak, 4 / 27 + 0.06))
            gc, gm = abs(at["ce"][1][0]), abs(at["mse"][1][0])
            # one message for every frame (its numbers filled in after the lookup)
            title.set_text(
                trf(
                    "$y = {y}$,  $z = {z}$:  ratio {ratio}",
                    "figure",
                    y=y,
                    z=f"{z0:.3g}",
                    ratio=f"{gm / gc:.2g}",
                )
            )
            return {
                "p = σ(z)": f"{float(_sigmoid(np.array(z0))):.3g}",
                "|dCE/dz|": f"{gc:.3g}",
                "|d(½MSE)/dz|": f"{gm:.3g}",
                "ratio ½MSE / CE = σ'(z)": f"{gm / gc:.3g}",
            }

        return update

    return setup


# ---------------------------------------------------------------------------------------------
# Contours with trajectories in weight space
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Path:
    """An optimisation path in weight space: ``points`` is an array of shape (steps + 1, 2), or a
    function of the controls' values (``points(**values)``) for a path that follows them."""

    label: str
    points: Any
    color: str = "ce"
    marker: str = "o"

    def at(self, values: Mapping[str, Any]) -> np.ndarray:
        pts = self.points(**values) if callable(self.points) else self.points
        pts = np.asarray(pts, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 1:
            raise ValueError(f"path {self.label!r}: points must have shape (n, 2), got {pts.shape}")
        return pts


def contour_trajectories(
    w1: Any,
    w2: Any,
    J: Any,
    paths: Sequence[Path],
    *,
    levels: Any,
    objective: Callable[[np.ndarray], float] | None = None,
    optimum: Sequence[float] | None = None,
    labels: Sequence[str] = ("$w_1$", "$w_2$"),
    title: str = "",
    readouts: Readouts | None = None,
    width_ratios: Sequence[float] = (1.25, 1.0),
) -> Callable:
    """Left: contours of ``J`` (shape ``(len(w2), len(w1))``) at ``levels`` with ``paths``;
    right (if ``objective`` and ``optimum`` are given): the gap ``objective(w_k) − objective(w*)``
    of each path per step, on a log scale (floored at 1e-17).
    """
    w1 = _array_1d(w1, "w1")
    w2 = _array_1d(w2, "w2")
    J = np.asarray(J, dtype=float)
    if J.shape != (w2.size, w1.size):
        raise ValueError(
            f"J must have shape (len(w2), len(w1)) = {(w2.size, w1.size)}, got {J.shape}"
        )
    levels = _array_1d(levels, "levels", min_size=1)
    if not paths or not all(isinstance(p, Path) for p in paths):
        raise TypeError("paths must be a non-empty sequence of lossviz.figures.recipes.Path")
    if (objective is None) != (optimum is None):
        raise ValueError("give both objective and optimum (for the loss-gap panel) or neither")
    readouts = _readouts(readouts)
    f_min = None if objective is None else float(objective(np.asarray(optimum, dtype=float)))

    def setup(fig):
        if f_min is None:
            ax, ax_gap = fig.subplots(1, 1), None
        else:
            ax, ax_gap = fig.subplots(1, 2, gridspec_kw={"width_ratios": list(width_ratios)})
        ax.contour(w1, w2, J, levels=levels, colors=style.color("neutral"), linewidths=0.8)
        lines, gaps = [], []
        for p in paths:
            colour = style.color(p.color)
            (line,) = ax.plot([], [], "-" + p.marker, color=colour, ms=3, lw=1.1, label=p.label)
            lines.append(line)
            if ax_gap is not None:
                (gap,) = ax_gap.semilogy([], [], "-", color=colour, label=p.label)
                gaps.append(gap)
        if optimum is not None:
            ax.plot(*optimum, "*", color=style.color("accent"), ms=11)
        ax.set(xlim=(w1[0], w1[-1]), ylim=(w2[0], w2[-1]), xlabel=labels[0], ylabel=labels[1])
        if title:
            ax.set_title(title)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.legend(loc="upper right", fontsize=8)
        if ax_gap is not None:
            ax_gap.set(ylim=(1e-17, 1), xlabel="step $k$", title="loss gap")
            ax_gap.set_ylabel("$J(w_k) - J^*$")
        drawn: dict[int, np.ndarray] = {}

        def update(**values):
            longest = 1
            for i, p in enumerate(paths):
                if i in drawn and not callable(p.points):
                    longest = max(longest, len(drawn[i]) - 1)
                    continue
                pts = p.at(values)
                drawn[i] = pts
                lines[i].set_data(pts[:, 0], pts[:, 1])
                longest = max(longest, len(pts) - 1)
                if gaps:
                    gap = np.array([objective(w) for w in pts]) - f_min
                    gaps[i].set_data(np.arange(len(pts)), np.maximum(gap, 1e-17))
            if ax_gap is not None and not ax_gap.get_legend():
                ax_gap.set_xlim(0, longest)
                ax_gap.legend(loc="center right", fontsize=8)
            return readouts(**values)

        return update

    return setup
