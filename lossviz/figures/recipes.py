"""Recipes: ``setup`` functions for :func:`~lossviz.figures.slider_figure` for the figures the
chapters share. Each returns ``setup(fig)``, which draws two panels side by side (the static site
stacks them on phones) and returns ``update(**values)``.

* :func:`loss_and_grad` (and :func:`residual_loss_and_grad`, its residual view) — losses of the
  registry (:mod:`lossviz.losses`) and their derivatives against the residual r, or the margin
  losses and their push against the margin m, some fixed and some following the controls, with
  an optional marker at a chosen x;
* :func:`logit_saturation` — cross-entropy and ½ squared error of σ(z) against the logit z: the
  losses, the size of their gradients, and a marker at the chosen logit and label;
* :func:`contour_trajectories` — contours of an objective over two weights with optimisation
  paths (fixed, or computed from the controls), and their loss gap per step on a log scale.

Everything a recipe offers is used by a chapter; a figure only one chapter draws is that
chapter's own ``setup`` (see CONTRIBUTING.md).

Labels use matplotlib's mathtext (``$\\beta$``, ``$p_t$``), never raw markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import losses, style
from .._validation import positive as _positive
from .._validation import scalar as _real
from .._validation import vector as _vector
from ..i18n import trf

__all__ = [
    "Curve",
    "Path",
    "contour_trajectories",
    "logit_saturation",
    "loss_and_grad",
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
# Loss and gradient against the residual or the margin
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curve:
    """One loss of the registry in a :func:`loss_and_grad` figure: a loss of one number (the
    residual or the margin view, no label).

    ``params`` maps each of the loss's parameters to a number (fixed) or to the name of a control
    (the curve follows it): ``Curve("huber", {"delta": "beta"})`` draws Huber with δ equal to the
    control ``beta``. ``label`` defaults to the registry's label; ``dashed`` draws a thin dashed
    line (for reference curves). ``offset`` draws ℓ(x + offset) against the axis variable x: the
    squared margin loss (1 - m)² is ``Curve("mse", offset=-1.0)``, MSE at m - 1.
    """

    loss: str
    params: Mapping[str, float | str] = field(default_factory=dict)
    label: str | None = None
    dashed: bool = False
    offset: float = 0.0

    def __post_init__(self) -> None:
        spec = losses.get(self.loss)  # unknown names raise ValueError listing the known ones
        if spec.view not in _AXES:
            raise ValueError(
                f"Curve {self.loss!r}: a residual or margin loss (one number, no label) is "
                f"needed, not a {spec.view} loss"
            )
        if not isinstance(self.params, Mapping):
            raise TypeError(f"Curve {self.loss!r}: params must be a mapping")
        unknown = set(self.params) - set(spec.defaults)
        if unknown:
            raise ValueError(
                f"Curve {self.loss!r}: unknown parameters {sorted(unknown)}; "
                f"it has {sorted(spec.defaults)}"
            )
        _real(self.offset, "offset")

    @property
    def follows(self) -> set[str]:
        """The names of the controls this curve follows."""
        return {v for v in self.params.values() if isinstance(v, str)}

    def kwargs(self, values: Mapping[str, Any]) -> dict[str, float]:
        return {k: float(values[v]) if isinstance(v, str) else v for k, v in self.params.items()}


#: What a :func:`loss_and_grad` figure draws for each view: the default axis variable, the axis
#: texts, whether the right panel shows the gradient or the push -dℓ/dx, where the legend goes,
#: and guide lines (x, line style) in both panels.
_AXES: dict[str, dict[str, Any]] = {
    "residual": {
        "x": (-4.0, 4.0, 801),
        "xlabel": "residual $r$",
        "loss_ylabel": "loss",
        "loss_title": "loss $\\ell(r)$",
        "grad_ylabel": "$\\mathrm{d}\\ell/\\mathrm{d}r$",
        "grad_title": "gradient",
        "push": False,
        "legend": ("loss", "upper center"),
        "guides": (),
    },
    "margin": {  # m = y f(x): m = 0 separates right from wrong, the hinge's kink is at m = 1
        "x": (-2.0, 3.0, 1001),
        "xlabel": "margin m = y f(x)",
        "loss_ylabel": "loss $\\phi(m)$",
        "loss_title": "",
        "grad_ylabel": "push $-\\phi'(m)$",
        "grad_title": "",
        "push": True,
        "legend": ("grad", "upper right"),  # the empty corner above the zero push
        "guides": ((0.0, "-"), (1.0, ":")),
    },
}


def _zero_one(m: np.ndarray) -> np.ndarray:
    """The 0-1 loss 1[m ≤ 0] (m = 0 counts as a mistake); its derivative is 0 wherever defined."""
    return np.where(m <= 0, 1.0, 0.0)


def loss_and_grad(
    curves: Sequence[Curve | str],
    *,
    view: str = "residual",
    x: Any = None,
    loss_ylim: Sequence[float] = (0.0, 5.0),
    grad_ylim: Sequence[float] = (-3.2, 3.2),
    band: str | None = None,
    marker: str | None = None,
    zero_one: bool = False,
    readouts: Readouts | None = None,
    lw: float = 2.3,
) -> Callable:
    """Left: each curve's loss ℓ(x); right: its derivative dℓ/dx (residual view) or its push
    -dℓ/dm (margin view), against the axis variable x of ``view``.

    ``view``: ``"residual"`` (x = r, default r: 801 points on [-4, 4]) or ``"margin"`` (x = m =
    y f(x), default m: 1001 points on [-2, 3]; guide lines at m = 0 and m = 1, the legend in the
    push panel). ``curves`` are :class:`Curve` or loss names (fixed at their defaults, dashed).
    ``band`` names a control whose value c shades |x| ≤ c (for instance smooth L1's quadratic
    zone |r| < β). ``marker`` names a control whose value x₀ puts a dot on every curve in both
    panels and a vertical line at x₀. ``zero_one`` (margin view only) adds the 0-1 loss
    1[m ≤ 0], which the margin losses bound, in the accent colour. ``lw``: the width of the solid
    curves. ``readouts(**values)`` returns the figure's readouts.
    """
    if view not in _AXES:
        raise ValueError(f"view must be one of {sorted(_AXES)}, got {view!r}")
    axes = _AXES[view]
    specs = [c if isinstance(c, Curve) else Curve(c, dashed=True) for c in curves]
    if not specs and not zero_one:
        raise ValueError("curves: give at least one Curve or loss name")
    if zero_one and view != "margin":
        raise ValueError("zero_one: the 0-1 loss is a loss of the margin (view='margin')")
    x = _array_1d(np.linspace(*axes["x"]) if x is None else x, "x")
    loss_ylim = _limits(loss_ylim, "loss_ylim")
    grad_ylim = _limits(grad_ylim, "grad_ylim")
    for name, value in (("band", band), ("marker", marker)):
        if value is not None and not isinstance(value, str):
            raise TypeError(
                f"{name} must be a control name (str) or None, got {type(value).__name__}"
            )
    readouts = _readouts(readouts)
    lw = _positive(lw, "lw")
    sign = -1.0 if axes["push"] else 1.0
    legend_panel, legend_loc = axes["legend"]

    def setup(fig):
        ax_loss, ax_grad = fig.subplots(1, 2)
        for ax in (ax_loss, ax_grad):
            for at, ls in axes["guides"]:
                ax.axvline(at, color=style.color("neutral"), lw=0.8, ls=ls)
        if axes["push"]:
            ax_grad.axhline(0, color=style.color("neutral"), lw=0.8)
        # (curve, or None for the 0-1 loss; value(x, params); grad(x, params); line style;
        # the loss line; the gradient line)
        lines = []
        drawn: dict[int, dict] = {}
        if zero_one:
            kw = dict(color=style.color("accent"), lw=lw + 0.6)
            (lo,) = ax_loss.plot(x, _zero_one(x), label="0-1", **kw)
            (gr,) = ax_grad.plot(x, 0 * x, **kw)
            lines.append((None, lambda v, k: _zero_one(v), lambda v, k: 0 * v, kw, lo, gr))
            drawn[0] = {}
        for c in specs:
            spec = losses.get(c.loss)
            kw = dict(color=spec.color, lw=1.5 if c.dashed else lw, ls="--" if c.dashed else "-")
            (lo,) = ax_loss.plot(x, 0 * x, label=c.label or spec.label, **kw)
            (gr,) = ax_grad.plot(x, 0 * x, **kw)

            def value(v, k, spec=spec, c=c):
                return spec.value(v + c.offset, **k)

            def grad(v, k, spec=spec, c=c):
                return sign * spec.grad(v + c.offset, **k)

            lines.append((c, value, grad, kw, lo, gr))
        shades = []
        if band is not None:
            # in the colour of the first curve that follows the band's control
            tint = next(
                (kw["color"] for c, *_, kw, _lo, _gr in lines if c and band in c.follows), None
            )
            shades = [
                ax.axvspan(-1, 1, color=tint or style.color("neutral"), alpha=0.08, lw=0)
                for ax in (ax_loss, ax_grad)
            ]
        dots, marks = [], []
        if marker is not None:
            for *_, kw, _lo, _gr in lines:
                dots.append(
                    tuple(
                        ax.plot([], [], "o", color=kw["color"], ms=6, zorder=5)[0]
                        for ax in (ax_loss, ax_grad)
                    )
                )
            marks = [ax.axvline(0, color=style.color("data"), lw=1.2) for ax in (ax_loss, ax_grad)]
        ax_loss.set(xlim=(x[0], x[-1]), ylim=loss_ylim, xlabel=axes["xlabel"])
        ax_loss.set_ylabel(axes["loss_ylabel"])
        ax_grad.set(xlim=(x[0], x[-1]), ylim=grad_ylim, xlabel=axes["xlabel"])
        ax_grad.set_ylabel(axes["grad_ylabel"])
        if axes["loss_title"]:
            ax_loss.set_title(axes["loss_title"])
        if axes["grad_title"]:
            ax_grad.set_title(axes["grad_title"])
        handles, labels = ax_loss.get_legend_handles_labels()
        (ax_loss if legend_panel == "loss" else ax_grad).legend(
            handles, labels, loc=legend_loc, fontsize=8
        )

        def update(**values):
            for i, (c, value, grad, _kw, lo, gr) in enumerate(lines):
                kw = c.kwargs(values) if c is not None else {}
                if drawn.get(i) != kw:  # fixed curves are computed once
                    lo.set_ydata(value(x, kw))
                    gr.set_ydata(grad(x, kw))
                    drawn[i] = kw
                if dots:
                    x0 = np.array([float(values[marker])])
                    dots[i][0].set_data(x0, value(x0, kw))
                    dots[i][1].set_data(x0, grad(x0, kw))
            for line in marks:
                x0 = float(values[marker])
                line.set_xdata([x0, x0])
            if shades:
                width = float(values[band])
                for shade in shades:
                    shade.set_x(-width)
                    shade.set_width(2 * width)
            return readouts(**values)

        return update

    return setup


def residual_loss_and_grad(curves: Sequence[Curve | str], *, r: Any = None, **options) -> Callable:
    """:func:`loss_and_grad` of the residual view: ``r`` is the axis (801 points on [-4, 4] by
    default); the other options are :func:`loss_and_grad`'s."""
    r = None if r is None else _array_1d(r, "r")  # errors name the argument given
    return loss_and_grad(curves, view="residual", x=r, **options)


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
) -> Callable:
    """Cross-entropy (BCE from the logit) and ½ squared error of σ(z) against the logit z.

    Left: both losses for label y; right: the size of their gradients |dℓ/dz|, with the ½ squared
    error's maximum 4/27 at z = ∓ln 2 (y = 1 / y = 0) marked. The controls named ``logit`` (the
    marked z) and ``label`` (y in {0, 1}, a :class:`~lossviz.figures.Toggle` with values (0, 1))
    drive the figure; the side where the prediction is wrong is shaded. Readouts: p = σ(z), both
    gradient sizes and their ratio σ'(z) = σ(z)(1 − σ(z)).
    """
    z = _array_1d(np.linspace(-8.0, 8.0, 641) if z is None else z, "z")
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
        ax_loss.set(xlim=(lo, hi), ylim=(0.0, 8.5), xlabel="logit $z$", ylabel="loss")
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
    objective: Callable[[np.ndarray], float],
    optimum: Sequence[float],
    title: str = "",
    readouts: Readouts | None = None,
) -> Callable:
    """Left: contours of ``J`` (shape ``(len(w2), len(w1))``) over the weights (w₁, w₂) at
    ``levels`` with ``paths`` and the optimum ``optimum`` marked; right: the gap
    ``objective(w_k) − objective(optimum)`` of each path per step, on a log scale (floored at
    1e-17).
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
    if not callable(objective):
        raise TypeError(f"objective must be callable, got {type(objective).__name__}")
    readouts = _readouts(readouts)
    f_min = float(objective(np.asarray(optimum, dtype=float)))

    def setup(fig):
        ax, ax_gap = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1.0]})
        ax.contour(w1, w2, J, levels=levels, colors=style.color("neutral"), linewidths=0.8)
        lines, gaps = [], []
        for p in paths:
            colour = style.color(p.color)
            (line,) = ax.plot([], [], "-" + p.marker, color=colour, ms=3, lw=1.1, label=p.label)
            lines.append(line)
            (gap,) = ax_gap.semilogy([], [], "-", color=colour, label=p.label)
            gaps.append(gap)
        ax.plot(*optimum, "*", color=style.color("accent"), ms=11)
        ax.set(xlim=(w1[0], w1[-1]), ylim=(w2[0], w2[-1]), xlabel="$w_1$", ylabel="$w_2$")
        if title:
            ax.set_title(title)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.legend(loc="upper right", fontsize=8)
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
                gap = np.array([objective(w) for w in pts]) - f_min
                gaps[i].set_data(np.arange(len(pts)), np.maximum(gap, 1e-17))
            if not ax_gap.get_legend():  # the first call: the x range of the longest path
                ax_gap.set_xlim(0, longest)
                ax_gap.legend(loc="center right", fontsize=8)
            return readouts(**values)

        return update

    return setup
