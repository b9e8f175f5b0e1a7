"""The controls of a slider figure: a number (:class:`Param`), a choice (:class:`Choice`) and an
on/off switch (:class:`Toggle`).

Each control has a finite list of ``values`` (the static site pre-renders one frame per combination)
with their display ``texts``, a ``default`` among them, a ``label`` and a ``name``, the keyword
argument that ``update`` receives. ``describe(i)`` is the accessible text of value ``i``
(``"β = 1.5 units"``): screen readers announce it, so it is in the parameter's units, never an index.
"""

from __future__ import annotations

import keyword
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import scalar as _real  # real, finite float; errors name the argument

__all__ = ["Choice", "Control", "Param", "Toggle"]


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier (a keyword argument), got {name!r}")
    if keyword.iskeyword(name):
        raise ValueError(f"name must not be a Python keyword, got {name!r}")


def _check_str(owner: str, attr: str, value: Any) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{owner}: {attr} must be a str, got {type(value).__name__}")


class Control:
    """What every control offers to the renderers (live widget and static HTML)."""

    #: ``"range"``, ``"choice"`` or ``"toggle"``: which HTML/ipywidgets control shows it.
    kind: str = ""
    name: str
    label: str

    @property
    def values(self) -> tuple:
        """The values ``update`` may receive, in the order of the static frames."""
        raise NotImplementedError

    @property
    def texts(self) -> tuple[str, ...]:
        """How each value is shown next to the control."""
        return tuple(self.format(v) for v in self.values)

    @property
    def default_index(self) -> int:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        raise NotImplementedError

    def describe(self, value: Any) -> str:
        """``"label = value unit"`` (the accessible text of the control at ``value``)."""
        return f"{self.label} = {self.format(value)}"


@dataclass(frozen=True)
class Param(Control):
    """A number on a slider: ``num`` grid values from ``min`` to ``max`` (geometric if ``log``).

    ``default`` is the value shown first; it is inserted into the grid if it is not a grid point.
    ``label`` (default: ``name``) and ``unit`` are shown next to the slider and the value, which is
    formatted with ``fmt`` (a ``str.format`` pattern such as ``"{:.3g}"``). ``update`` receives
    a float.
    """

    name: str
    min: float
    max: float
    default: float
    num: int = 25
    label: str | None = None
    unit: str = ""
    fmt: str = "{:.3g}"
    log: bool = False
    _grid: np.ndarray = field(init=False, repr=False, compare=False)

    kind = "range"

    def __post_init__(self) -> None:
        _check_name(self.name)
        who = f"Param {self.name!r}"
        lo = _real(self.min, f"{who}: min")
        hi = _real(self.max, f"{who}: max")
        default = _real(self.default, f"{who}: default")
        if not lo < hi:
            raise ValueError(f"{who}: min must be < max, got min={lo}, max={hi}")
        if not lo <= default <= hi:
            raise ValueError(f"{who}: default must lie in [min, max] = [{lo}, {hi}], got {default}")
        if isinstance(self.num, bool) or not isinstance(self.num, numbers.Integral):
            raise TypeError(f"{who}: num must be an int, got {type(self.num).__name__}")
        if not 2 <= self.num <= 201:
            raise ValueError(f"{who}: num must be in [2, 201], got {self.num}")
        if not isinstance(self.log, bool):
            raise TypeError(f"{who}: log must be a bool, got {type(self.log).__name__}")
        if self.log and lo <= 0:
            raise ValueError(f"{who}: log=True needs min > 0, got min={lo}")
        label = self.name if self.label is None else self.label
        for attr, value in (("label", label), ("unit", self.unit), ("fmt", self.fmt)):
            _check_str(who, attr, value)
        try:
            self.fmt.format(default)
        except (ValueError, IndexError, KeyError) as err:
            raise ValueError(f"{who}: fmt {self.fmt!r} cannot format a float: {err}") from None
        grid = np.geomspace(lo, hi, self.num) if self.log else np.linspace(lo, hi, self.num)
        grid[0], grid[-1] = lo, hi  # exact ends (geomspace rounds)
        near = np.isclose(grid, default, rtol=1e-9, atol=0.0)
        if near.any():
            grid[np.argmax(near)] = default
        else:
            grid = np.sort(np.append(grid, default))
        grid.setflags(write=False)
        for attr, value in (("min", lo), ("max", hi), ("default", default), ("label", label)):
            object.__setattr__(self, attr, value)
        object.__setattr__(self, "num", int(self.num))
        object.__setattr__(self, "_grid", grid)

    @property
    def grid(self) -> np.ndarray:
        """The values the static slider shows (read-only), ``default`` included."""
        return self._grid

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self._grid)

    @property
    def default_index(self) -> int:
        return int(np.flatnonzero(self._grid == self.default)[0])

    def format(self, value: float) -> str:
        """The value as the reader sees it: ``fmt`` applied, then the unit (if any)."""
        text = self.fmt.format(float(value))
        return f"{text} {self.unit}" if self.unit else text


@dataclass(frozen=True, init=False)
class Choice(Control):
    """One of a few named options (for instance which loss): radio buttons.

    ``options`` is a mapping ``value -> text`` (or a sequence of str, each its own text);
    ``update`` receives the value. ``default`` (default: the first option) must be one of them.
    """

    name: str
    options: tuple[tuple[Hashable, str], ...]
    default: Hashable
    label: str

    kind = "choice"

    def __init__(
        self,
        name: str,
        options: Mapping[Hashable, str] | Sequence[str],
        *,
        default: Hashable | None = None,
        label: str | None = None,
    ) -> None:
        _check_name(name)
        who = f"Choice {name!r}"
        if isinstance(options, Mapping):
            pairs = tuple(options.items())
        elif isinstance(options, Sequence) and not isinstance(options, str):
            pairs = tuple((o, o) for o in options)
        else:
            raise TypeError(
                f"{who}: options must be a mapping value -> text or a sequence of str, "
                f"got {type(options).__name__}"
            )
        if not 2 <= len(pairs) <= 8:
            raise ValueError(f"{who}: options must hold 2 to 8 choices, got {len(pairs)}")
        for value, text in pairs:
            _check_str(who, f"the text of option {value!r}", text)
        values = [v for v, _t in pairs]
        if len(set(values)) != len(values):
            raise ValueError(f"{who}: options must be distinct, got {values}")
        default = values[0] if default is None else default
        if default not in values:
            raise ValueError(f"{who}: default must be one of {values}, got {default!r}")
        label = name if label is None else label
        _check_str(who, "label", label)
        for attr, value in (("name", name), ("options", pairs), ("default", default)):
            object.__setattr__(self, attr, value)
        object.__setattr__(self, "label", label)

    @property
    def values(self) -> tuple:
        return tuple(v for v, _t in self.options)

    @property
    def default_index(self) -> int:
        return self.values.index(self.default)

    def format(self, value: Hashable) -> str:
        return dict(self.options)[value]


@dataclass(frozen=True, init=False)
class Toggle(Control):
    """A binary parameter (for instance the label y = 0 or 1): a switch.

    ``update`` receives ``values[0]`` when off and ``values[1]`` when on (default ``False`` and
    ``True``); ``texts`` are how the two values are shown. ``default`` is one of ``values``.
    """

    name: str
    label: str
    default: Any
    pair: tuple[Any, Any]
    pair_texts: tuple[str, str]

    kind = "toggle"

    def __init__(
        self,
        name: str,
        *,
        default: Any = None,
        label: str | None = None,
        values: Sequence[Any] = (False, True),
        texts: Sequence[str] | None = None,
    ) -> None:
        _check_name(name)
        who = f"Toggle {name!r}"
        if isinstance(values, str) or not isinstance(values, Sequence) or len(values) != 2:
            raise ValueError(f"{who}: values must be a pair (off, on), got {values!r}")
        pair = (values[0], values[1])
        if pair[0] == pair[1]:
            raise ValueError(f"{who}: the two values must differ, got {pair}")
        if texts is None:
            texts = ("off", "on") if pair == (False, True) else tuple(str(v) for v in pair)
        if isinstance(texts, str) or not isinstance(texts, Sequence) or len(texts) != 2:
            raise ValueError(f"{who}: texts must be a pair of str, got {texts!r}")
        for t in texts:
            _check_str(who, "texts", t)
        default = pair[0] if default is None else default
        if default not in pair:
            raise ValueError(f"{who}: default must be one of {pair}, got {default!r}")
        label = name if label is None else label
        _check_str(who, "label", label)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "pair", pair)
        object.__setattr__(self, "pair_texts", (texts[0], texts[1]))

    @property
    def values(self) -> tuple:
        return self.pair

    @property
    def default_index(self) -> int:
        return self.pair.index(self.default)

    def format(self, value: Any) -> str:
        return self.pair_texts[self.pair.index(value)]
