"""The declaration types of the loss registry: :class:`Param` and :class:`Loss`.

A :class:`Loss` holds everything the book needs about one loss, written once: its name, the
PyTorch/torchvision function it mirrors, its parameters (defaults and constraints), its
per-element value and derivative as NumPy kernels, its sympy form, its colour and its label.
The kernels take already-checked float64 arrays and Python floats; the public methods
:meth:`Loss.value` and :meth:`Loss.grad` check their input first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .. import _validation as V

#: How a loss reads its first argument.
#: ``"residual"``: r = input - target (regression); ``"logit"``: a logit z with a label y in
#: [0, 1]; ``"margin"``: m = y·f(x) with y in {-1, +1}; ``"scores"``: a vector of logits per
#: sample (softmax and multi-label losses: the value is per sample, not per element).
VIEWS = ("residual", "logit", "margin", "scores")


def _unit_left_open(value, name: str) -> float:
    """A real scalar in (0, 1]."""
    v = V.in_range(value, name, 0.0, 1.0)
    if v == 0.0:
        raise ValueError(f"{name} must be in (0, 1], got {v!r}")
    return v


# constraint -> (check function, sympy assumptions of the parameter's symbol)
_CONSTRAINTS: dict[str, tuple[Callable[[object, str], float], dict]] = {
    "real": (V.scalar, {"real": True}),
    "nonneg": (V.nonneg, {"nonnegative": True}),
    "positive": (V.positive, {"positive": True}),
    "unit_open": (lambda v, n: V.in_range(v, n, 0.0, 1.0, hi_open=True), {"nonnegative": True}),
    "open_unit": (lambda v, n: V.open_unit(v, n), {"positive": True}),
    "unit_left_open": (lambda v, n: _unit_left_open(v, n), {"positive": True}),
    "at_most_one": (lambda v, n: V.at_most(v, n, 1.0), {"real": True}),
    "real_or_-inf": (lambda v, n: V.real_or_neg_inf(v, n), {"real": True}),
}


@dataclass(frozen=True)
class Param:
    """A loss parameter: its PyTorch argument name, default, constraint and math symbol.

    ``constraint`` is one of ``"real"``, ``"nonneg"`` (≥ 0), ``"positive"`` (> 0),
    ``"unit_open"`` ([0, 1)), ``"open_unit"`` ((0, 1)), ``"unit_left_open"`` ((0, 1]),
    ``"at_most_one"`` (≤ 1) and
    ``"real_or_-inf"``. ``symbol`` is the sympy symbol's name (LaTeX-friendly, e.g. ``"gamma_+"``).
    """

    name: str
    default: float
    constraint: str = "real"
    symbol: str | None = None
    doc: str = ""
    assume: str | None = None  # sympy assumption overriding the constraint's, e.g. "positive"

    def __post_init__(self):
        if self.constraint not in _CONSTRAINTS:
            raise ValueError(
                f"constraint must be one of {sorted(_CONSTRAINTS)}, got {self.constraint!r}"
            )

    def check(self, value) -> float:
        """Return ``value`` as a float if it satisfies the constraint, else raise naming it."""
        return _CONSTRAINTS[self.constraint][0](value, self.name)

    @property
    def assumptions(self) -> dict:
        """sympy assumptions for this parameter's symbol."""
        if self.assume is not None:
            return {self.assume: True}
        return dict(_CONSTRAINTS[self.constraint][1])


@dataclass(frozen=True)
class Loss:
    """One loss, declared once (see :mod:`lossviz.losses`).

    ``value(v, y=None, **params)`` and ``grad(v, y=None, **params)`` evaluate the per-element loss
    and its derivative with respect to ``v`` (the residual, logit, margin or score vector, see
    ``view``); ``y`` is the label for the ``"logit"`` and ``"scores"`` views and must be omitted
    otherwise. ``sympy()`` returns the :class:`lossviz.symbolic.SymbolicLoss` of the declaration
    (sympy is imported only then).
    """

    name: str
    view: str
    label: str
    color: str
    params: tuple[Param, ...] = ()
    torch: str | None = None
    functional: tuple[str, ...] = ()
    kernel: Callable | None = field(default=None, repr=False)
    kernel_grad: Callable | None = field(default=None, repr=False)
    expr: Callable | None = field(default=None, repr=False)
    target: str | None = None
    summary: str = ""

    def __post_init__(self):
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {self.view!r}")
        if self.target not in (None, "binary", "unit"):
            raise ValueError(f"target must be None, 'binary' or 'unit', got {self.target!r}")

    # ------------------------------------------------------------------ parameters
    @property
    def defaults(self) -> dict[str, float]:
        """``{parameter: default}`` (PyTorch's defaults where PyTorch has the loss)."""
        return {p.name: p.default for p in self.params}

    def check_params(self, **params) -> dict[str, float]:
        """Fill in defaults and check every parameter; unknown names raise ``TypeError``."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise TypeError(
                f"unknown parameter(s) {unknown} for loss {self.name!r}; "
                f"it takes {sorted(known) or 'no parameters'}"
            )
        return {n: p.check(params.get(n, p.default)) for n, p in known.items()}

    @property
    def var(self) -> str:
        """The name of the first argument: ``"r"``, ``"z"``, ``"m"`` or ``"s"``."""
        return {"residual": "r", "logit": "z", "margin": "m", "scores": "s"}[self.view]

    # ------------------------------------------------------------------ evaluation
    def _args(self, v, y, params):
        if self.view == "scores":
            raise TypeError(
                f"{self.name!r} is a per-sample loss of a score vector: call "
                f"lossviz.functional.{self.functional[0]} (reduction='none') instead"
            )
        x = V.as_array(v, self.var)
        if self.target is None:
            if y is not None:
                raise TypeError(f"loss {self.name!r} ({self.view} view) takes no y")
            args = (x,)
        else:
            if y is None:
                raise TypeError(f"loss {self.name!r} needs the label y")
            t = V.as_array(y, "y")
            try:
                shape = np.broadcast_shapes(x.shape, t.shape)
            except ValueError:
                raise ValueError(
                    f"y must broadcast against {self.var}: got {self.var} {x.shape} and y {t.shape}"
                ) from None
            if self.target == "binary":
                V.check_binary(t, "y")
            else:
                V.check_in_unit_interval(t, "y", "labels")
            args = (np.broadcast_to(x, shape), np.broadcast_to(t, shape))
        return args, self.check_params(**params)

    def value(self, v, y=None, **params) -> np.ndarray:
        """Per-element loss (an ndarray shaped like ``v``, broadcast with ``y``)."""
        args, kw = self._args(v, y, params)
        return np.asarray(self.kernel(*args, **kw))

    def grad(self, v, y=None, **params) -> np.ndarray:
        """Per-element derivative d loss / d v (PyTorch's subgradient 0 at kinks of |·|)."""
        args, kw = self._args(v, y, params)
        return np.asarray(self.kernel_grad(*args, **kw))

    def sympy(self):
        """The declaration's sympy form as a :class:`lossviz.symbolic.SymbolicLoss`."""
        from .. import symbolic

        return symbolic.loss(self.name)

    def __repr__(self) -> str:
        ps = ", ".join(f"{p.name}={p.default:g}" for p in self.params)
        return f"<Loss {self.name!r} ({self.view}{'; ' + ps if ps else ''})>"


class Registry(Mapping):
    """Read-only ``{name: Loss}`` in declaration order; iterating yields the names."""

    def __init__(self):
        self._losses: dict[str, Loss] = {}

    def add(self, loss: Loss) -> Loss:
        if loss.name in self._losses:
            raise ValueError(f"loss {loss.name!r} is declared twice")
        self._losses[loss.name] = loss
        return loss

    def __getitem__(self, name: str) -> Loss:
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, got {type(name).__name__}")
        try:
            return self._losses[name]
        except KeyError:
            raise ValueError(
                f"name: unknown loss {name!r}; known losses: {', '.join(self._losses)}"
            ) from None

    def __iter__(self):
        return iter(self._losses)

    def __len__(self) -> int:
        return len(self._losses)

    def __contains__(self, name) -> bool:
        return name in self._losses


REGISTRY = Registry()


def declare(**kwargs) -> Loss:
    """Create a :class:`Loss` from keyword arguments and add it to the registry."""
    return REGISTRY.add(Loss(**kwargs))


INF = math.inf
