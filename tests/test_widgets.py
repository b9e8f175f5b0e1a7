"""Tests of lossviz.figures: controls, the static and live displays, the narrow layout, blitting."""

from __future__ import annotations

import base64
import io
import json
import re
from html.parser import HTMLParser

import ipywidgets
import numpy as np
import pytest
from PIL import Image

import lossviz as lv
from lossviz.display import DISPLAY_ENV
from lossviz.figures import _mpl_private, rendering
from lossviz.figures import slider as W
from lossviz.figures.rendering import FrameRenderer
from lossviz.figures.static_html import STACKED_NOTE

R = np.linspace(-3, 3, 201)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
class Calls:
    """A setup whose update draws two panels and records every call."""

    def __init__(self, names=("a",)):
        self.names = names
        self.calls: list[dict] = []

    def setup(self, fig):
        ax1, ax2 = fig.subplots(1, 2)
        (l1,) = ax1.plot(R, R * 0, color=lv.style.color("mse"), label="scaled")
        (l2,) = ax2.plot(R, R * 0, color=lv.style.color("l1"))
        ax1.legend(loc="upper left")
        ax1.set(xlim=(-3, 3), ylim=(-10, 10))
        ax2.set(xlim=(-3, 3), ylim=(-10, 10))

        def update(**values):
            self.calls.append(dict(values))
            s = sum(values.values())
            l1.set_ydata(s * R)
            l2.set_ydata(np.sin(s * R))
            return {f"value of {k}": v for k, v in values.items()} | {"sum": s}

        return update


def png_size(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG"
    return img.size


class Elements(HTMLParser):
    """Collect start tags with their attributes, and the text of <output>/<label> elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._open.append(attrs.get("id") or attrs.get("for") or tag)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            key = self._open[-1]
            self.text[key] = self.text.get(key, "") + data

    def find(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(html_text: str) -> Elements:
    p = Elements()
    p.feed(html_text)
    return p


def payload(fig: W.SliderFigure) -> dict:
    m = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', fig.html, re.S)
    return json.loads(m.group(1))


# ---------------------------------------------------------------------------------------------
# Param
# ---------------------------------------------------------------------------------------------
def test_param_grid_linear_includes_default_and_exact_ends():
    p = lv.Param("beta", 0.1, 3.0, default=1.0, num=25)
    expected = 0.1 + np.arange(25) * (2.9 / 24)  # hand-written linear grid
    # 1.0 is not on it, so it is inserted: 26 values, sorted, ends exact.
    assert p.grid.size == 26
    assert p.grid[0] == 0.1 and p.grid[-1] == 3.0
    assert np.all(np.diff(p.grid) > 0)
    assert 1.0 in p.grid and p.grid[p.default_index] == 1.0
    np.testing.assert_allclose(np.delete(p.grid, p.default_index), expected, rtol=1e-12)


def test_param_grid_default_on_grid_is_not_duplicated():
    p = lv.Param("x", 0.0, 2.0, default=1.0, num=5)
    assert list(p.grid) == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert p.default_index == 2


def test_param_grid_log_is_geometric():
    p = lv.Param("lam", 1e-3, 10.0, default=1e-3, num=5, log=True)
    np.testing.assert_allclose(p.grid, [1e-3, 1e-2, 1e-1, 1.0, 10.0], rtol=1e-12)
    assert p.default_index == 0


def test_param_format_label_unit():
    p = lv.Param("beta", 0.1, 3.0, default=1.0, label="β (width)", unit="residual units")
    assert p.format(1.0) == "1 residual units"
    assert p.describe(0.25) == "β (width) = 0.25 residual units"
    assert lv.Param("x", 0, 1, default=0.5).label == "x"


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (dict(name="b", min=1.0, max=1.0, default=1.0), ValueError, "min must be < max"),
        (dict(name="b", min=2.0, max=1.0, default=1.5), ValueError, "min must be < max"),
        (dict(name="b", min=0.0, max=1.0, default=1.5), ValueError, "default must lie in"),
        (dict(name="b", min=0.0, max=1.0, default=-0.1), ValueError, "default must lie in"),
        (dict(name="b", min=0.0, max=float("inf"), default=0.5), ValueError, "max must be finite"),
        (
            dict(name="b", min=0.0, max=1.0, default=float("nan")),
            ValueError,
            "default must be finite",
        ),
        (dict(name="b", min="0", max=1.0, default=0.5), TypeError, "min must be a real number"),
        (dict(name="b", min=0.0, max=1.0, default=0.5, num=1), ValueError, "num must be in"),
        (dict(name="b", min=0.0, max=1.0, default=0.5, num=2.5), TypeError, "num must be an int"),
        (
            dict(name="b", min=0.0, max=1.0, default=0.5, log=True),
            ValueError,
            "log=True needs min > 0",
        ),
        (dict(name="not valid", min=0.0, max=1.0, default=0.5), ValueError, "identifier"),
        (dict(name="lambda", min=0.0, max=1.0, default=0.5), ValueError, "keyword"),
        (dict(name="b", min=0.0, max=1.0, default=0.5, fmt="{:d}"), ValueError, "fmt"),
        (dict(name="b", min=0.0, max=1.0, default=0.5, unit=3), TypeError, "unit must be a str"),
    ],
)
def test_param_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        lv.Param(**kwargs)


# ---------------------------------------------------------------------------------------------
# slider_figure: validation and mode selection
# ---------------------------------------------------------------------------------------------
P = lv.Param("a", 0.0, 2.0, default=1.0, num=5, label="a (gain)", unit="units")


def _setup_ok(fig):
    ax = fig.subplots()
    (line,) = ax.plot(R, R)

    def update(a):
        line.set_ydata(a * R)

    return update


def test_setup_must_be_callable():
    with pytest.raises(TypeError, match="setup must be callable"):
        lv.slider_figure("nope", P, alt="x", mode="live")


def test_setup_must_return_callable():
    with pytest.raises(TypeError, match="setup must return a callable"):
        lv.slider_figure(lambda fig: None, P, alt="x", mode="live")


def test_update_must_accept_the_param_names():
    def setup(fig):
        fig.subplots()
        return lambda b: None

    with pytest.raises(TypeError, match=r"update must accept the keyword arguments \['a'\]"):
        lv.slider_figure(setup, P, alt="x", mode="live")


def test_update_must_return_dict_or_none():
    def setup(fig):
        fig.subplots()
        return lambda a: [a]

    with pytest.raises(TypeError, match="update must return None or a dict"):
        lv.slider_figure(setup, P, alt="x", mode="live")


@pytest.mark.parametrize("mode", ["Static", "html", "", "auto"])
def test_unknown_mode_raises(mode):
    with pytest.raises(ValueError, match="mode must be 'live' or 'static'"):
        lv.slider_figure(_setup_ok, P, alt="x", mode=mode)


def test_unknown_env_value_raises(monkeypatch):
    monkeypatch.setenv(DISPLAY_ENV, "website")
    with pytest.raises(ValueError, match="LOSSVIZ_DISPLAY must be 'live' or 'static'"):
        lv.slider_figure(_setup_ok, P, alt="x")


def test_mode_from_environment_and_override(monkeypatch):
    monkeypatch.delenv(DISPLAY_ENV, raising=False)
    assert lv.slider_figure(_setup_ok, P, alt="x").mode == "live"
    monkeypatch.setenv(DISPLAY_ENV, "static")
    assert lv.slider_figure(_setup_ok, P, alt="x").mode == "static"
    assert lv.slider_figure(_setup_ok, P, alt="x", mode="live").mode == "live"
    monkeypatch.setenv(DISPLAY_ENV, "live")
    assert lv.slider_figure(_setup_ok, P, alt="x").mode == "live"


def test_too_many_params():
    ps = [lv.Param(n, 0, 1, default=0.5, num=2) for n in "abcd"]
    with pytest.raises(ValueError, match="at most 3 controls"):
        lv.slider_figure(_setup_ok, *ps, alt="x", mode="live")


def test_other_argument_errors():
    with pytest.raises(TypeError, match="Param, Choice or Toggle"):
        lv.slider_figure(_setup_ok, ("a", 0, 1), alt="x", mode="live")
    with pytest.raises(ValueError, match="names must be distinct"):
        lv.slider_figure(_setup_ok, P, P, alt="x", mode="live")
    with pytest.raises(ValueError, match="alt must be a non-empty str"):
        lv.slider_figure(_setup_ok, P, mode="live")
    with pytest.raises(ValueError, match="alt must be a non-empty str"):
        lv.slider_figure(_setup_ok, P, alt="  ", mode="live")
    with pytest.raises(ValueError, match="figsize"):
        lv.slider_figure(_setup_ok, P, alt="x", mode="live", figsize=(8, -1))
    big = lv.Param("a", 0, 1, default=0.5, num=9)
    with pytest.raises(ValueError, match="81 frames"):
        lv.slider_figure(
            Calls(("a", "b")).setup,
            big,
            lv.Param("b", 0, 1, default=0.5, num=9),
            alt="x",
            mode="static",
        )


# ---------------------------------------------------------------------------------------------
# static display
# ---------------------------------------------------------------------------------------------
def test_static_display_one_param():
    calls = Calls()
    param = lv.Param("a", 0.1, 3.0, default=1.0, num=25, label="a (gain)", unit="units")
    fig = lv.slider_figure(
        calls.setup, param, alt="A line and a sine.", mode="static", figsize=(8, 3.2), dpi=100
    )
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    html_text = bundle["text/html"]
    # One frame per grid value (25 + the inserted default), every one an 800x320 figure drawn at
    # the chosen pixel density (2x when the frames fit the byte budget, as these do).
    assert len(fig.frames) == 26
    assert fig.density == 2.0
    assert {png_size(f) for f in fig.frames} == {(1600, 640)}
    assert len(set(fig.frames)) == 26  # the frames differ
    # Each layout (wide, then narrow) ran update at exactly the grid values, in grid order, after
    # setup's call and the calls that choose the density and learn what changes.
    seq, grid = [c["a"] for c in calls.calls], list(param.grid)
    starts = [i for i in range(len(seq)) if seq[i : i + len(grid)] == grid]
    assert len(starts) == 2 and starts[1] - starts[0] > len(grid)
    assert len(seq) <= 2 * len(grid) + 2 * (len(W.DENSITIES) + 1) + 1
    # Each frame's readout is what update returned for that frame's value.
    data = payload(fig)
    assert data["readouts"] == [f"value of a: {v:.4g} · sum: {v:.4g}" for v in param.grid]
    assert data["sizes"] == [26]
    assert len(data["frames"]) == 26 and data["frames"][param.default_index] == ""
    # Frames are plain URLs (data: URIs here; a site build may swap them for files).
    prefix = "data:image/png;base64,"
    assert all(
        s.startswith(prefix) for k, s in enumerate(data["frames"]) if k != param.default_index
    )
    assert all(
        base64.b64decode(s[len(prefix) :]) == f
        for s, f in zip(data["frames"], fig.frames, strict=True)
        if s
    )
    assert len(data["narrow"]) == 26 and data["narrow"][param.default_index] == ""
    assert all(
        base64.b64decode(s[len(prefix) :]) == f
        for s, f in zip(data["narrow"], fig.narrow_frames, strict=True)
        if s
    )

    doc = parse(html_text)
    (figure,) = doc.find("figure")
    assert figure["class"] == "lossviz-slider"
    uid = figure["id"]
    assert figure["data-frame"] == str(param.default_index)
    # The default frame is the <img>, shown without JavaScript, with alt text.
    (img,) = doc.find("img")
    assert img["alt"].startswith("A line and a sine.") and "a (gain) = 1 units" in img["alt"]
    assert img["src"].startswith("data:image/png;base64,")
    assert base64.b64decode(img["src"].split(",", 1)[1]) == fig.frames[param.default_index]
    assert (img["width"], img["height"]) == ("800", "320")
    # One labelled range input, value text, output showing the value.
    (rng,) = doc.find("input", type="range")
    assert rng["id"] == f"{uid}-0"
    assert (rng["min"], rng["max"], rng["step"], rng["value"]) == (
        "0",
        "25",
        "1",
        str(param.default_index),
    )
    assert rng["aria-valuetext"] == "a (gain) = 1 units"
    assert doc.find("label", **{"for": rng["id"]})
    assert doc.text[rng["id"]] == "a (gain)"  # the label's text (accessible name)
    (out,) = doc.find("output", **{"class": "lossviz-value"})
    assert out["for"] == rng["id"]
    assert doc.text[out["id"]] == "1 units"
    assert doc.text[f"{uid}-readout"] == "value of a: 1 · sum: 1"
    # Self-contained: no external resource, no global script.
    assert not doc.find("link") and not [a for t, a in doc.tags if t == "script" and "src" in a]
    assert "http:" not in html_text and "https:" not in html_text and 'src="//' not in html_text
    assert "(function(){" in html_text
    # Budget: what a reader downloads for one layout of a 25-frame slider stays under 600 KB.
    assert fig.nbytes == len(html_text.encode())
    assert set(fig.layout_bytes) == {"wide", "narrow"}
    assert max(fig.layout_bytes.values()) <= 600_000
    assert "static" in bundle["text/plain"]


def test_static_two_params_product_grid_order():
    calls = Calls(("a", "b"))
    pa = lv.Param("a", 0.0, 1.0, default=0.5, num=3)
    pb = lv.Param("b", 10.0, 40.0, default=40.0, num=4)
    fig = lv.slider_figure(calls.setup, pa, pb, alt="two", mode="static", figsize=(4, 2))
    assert len(fig.frames) == 12
    # Frame k = i * len(b) + j shows (ai, b_j): the last parameter varies fastest.
    data = payload(fig)
    assert data["sizes"] == [3, 4]
    for i, a in enumerate(pa.grid):
        for j, b in enumerate(pb.grid):
            assert data["readouts"][i * 4 + j].startswith(
                f"value of a: {a:.4g} · value of b: {b:.4g}"
            )
    assert fig.default_index == 1 * 4 + 3
    doc = parse(fig.html)
    inputs = doc.find("input", type="range")
    assert [x["value"] for x in inputs] == ["1", "3"]
    assert len({x["id"] for x in inputs}) == 2
    assert (
        len(doc.find("label")) == 2 and len(doc.find("output", **{"class": "lossviz-value"})) == 2
    )


def test_static_ids_unique_across_figures():
    figs = [
        lv.slider_figure(_setup_ok, P, alt="x", mode="static", figsize=(3, 2)) for _ in range(3)
    ]
    ids = [parse(f.html).find("figure")[0]["id"] for f in figs]
    assert len(set(ids)) == 3
    for f, uid in zip(figs, ids, strict=True):
        # every id inside a figure derives from its own unique id
        assert all(a["id"].startswith(uid) for _t, a in parse(f.html).tags if "id" in a)


def test_static_html_escapes_text():
    p = lv.Param("a", 0.0, 2.0, default=1.0, num=3, label='<b>"a"</b>', unit="<u>")
    fig = lv.slider_figure(_setup_ok, p, alt='x "quoted" <tag>', mode="static", figsize=(3, 2))
    assert "<b>" not in fig.html and "<u>" not in fig.html and "<tag>" not in fig.html
    doc = parse(fig.html)
    assert doc.find("img")[0]["alt"].startswith('x "quoted" <tag>')


# ---------------------------------------------------------------------------------------------
# live display
# ---------------------------------------------------------------------------------------------
def test_live_display_widget_and_no_static_frames(monkeypatch):
    def no_static(*args, **kwargs):
        raise AssertionError("a live figure rendered a static frame")

    monkeypatch.setattr(FrameRenderer, "png_small", no_static)
    calls = Calls()
    param = lv.Param("a", 0.1, 3.0, default=1.0, num=25, label="a (gain)", unit="units")
    fig = lv.slider_figure(calls.setup, param, alt="x", mode="live", figsize=(8, 3.2), dpi=100)
    assert len(calls.calls) <= 2  # setup's call + the one that learns what update changes
    bundle = fig._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == fig.widget.model_id
    assert "text/html" not in bundle
    box = fig.widget
    assert isinstance(box, ipywidgets.Box) and "lossviz-live" in box._dom_classes
    assert fig.image in box.children and isinstance(fig.image, ipywidgets.Image)
    # ipywidgets 8.1 breaks the view of a widget that has a tooltip but no description (#3860),
    # which only shows in a browser: no widget of the figure may set one.
    widgets = [box, *box.children]
    widgets += [c for b in box.children if isinstance(b, ipywidgets.Box) for c in b.children]
    for widget in widgets:
        if not getattr(widget, "description", ""):
            assert not getattr(widget, "tooltip", None), f"{type(widget).__name__} has a tooltip"
    hidden = [
        c for c in box.children if isinstance(c, ipywidgets.HTML) and "lossviz-alt" in c.value
    ]
    assert len(hidden) == 1 and ">x</span>" in hidden[0].value  # the alt text, for screen readers
    assert png_size(fig.image.value) == (800, 320)
    slider = fig.sliders["a"]
    assert isinstance(slider, ipywidgets.FloatSlider)
    assert (slider.min, slider.max, slider.value) == (0.1, 3.0, 1.0)
    assert slider.description == "a (gain)" and slider.readout is False
    assert fig.live.value_labels["a"].value == "1 units"
    assert "value of a: 1" in fig.live.readout.value

    before = fig.image.value
    slider.value = 2.5  # what the frontend does when the reader moves the slider
    assert calls.calls[-1] == {"a": 2.5}
    assert fig.image.value != before and png_size(fig.image.value) == (800, 320)
    assert fig.live.value_labels["a"].value == "2.5 units"
    assert "value of a: 2.5" in fig.live.readout.value
    assert len(fig.step_times) == 1


def test_live_log_slider():
    p = lv.Param("lam", 1e-3, 10.0, default=0.1, num=5, log=True)
    fig = lv.slider_figure(Calls(("lam",)).setup, p, alt="x", mode="live", figsize=(3, 2))
    s = fig.sliders["lam"]
    assert isinstance(s, ipywidgets.FloatLogSlider)
    assert (s.base, s.min, s.max) == (10.0, -3.0, 1.0)
    assert s.value == pytest.approx(0.1)


def test_live_error_in_update_is_shown():
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot(R, R)

        def update(a):
            if a > 1.5:
                raise ValueError("a too large for this demo")
            line.set_ydata(a * R)

        return update

    fig = lv.slider_figure(setup, P, alt="x", mode="live", figsize=(3, 2))
    fig.sliders["a"].value = 2.0
    assert "a too large for this demo" in fig.live.readout.value


# ---------------------------------------------------------------------------------------------
# blitting gives exactly the pixels of a full draw
# ---------------------------------------------------------------------------------------------
def _setup_lines_legend_title(fig):
    ax1, ax2 = fig.subplots(1, 2)
    (dyn,) = ax1.plot(R, R, label="dynamic", zorder=2)
    ax1.plot(R, 0.5 * R, color="k", label="static on top", zorder=2)  # same zorder, later: on top
    ax1.axvline(0.5, color="r", zorder=3)
    ax1.legend(loc="upper left")
    (b,) = ax2.plot(R, R)
    ax1.set(xlim=(-3, 3), ylim=(-3, 3))
    ax2.set(xlim=(-3, 3), ylim=(-3, 3))

    def update(a):
        dyn.set_ydata(a * R)
        b.set_ydata(np.sin(a * R))
        ax2.set_title(f"a = {a:.2f}")

    return update


def _setup_autoscale_and_visibility(fig):
    ax1, ax2 = fig.subplots(1, 2)
    (dyn,) = ax1.plot(R, R)
    (b,) = ax2.plot(R, R)
    (marker,) = ax2.plot([0], [0], "o", visible=False)

    def update(a):
        dyn.set_ydata(a * R)
        ax1.set_ylim(-3 * a - 0.1, 3 * a + 0.1)  # limits move: no blit possible
        b.set_ydata(np.cos(a * R))
        marker.set_visible(a > 1.0)  # shown only for some values

    return update


def _setup_recreated_artists(fig):
    ax1, ax2 = fig.subplots(1, 2)
    ax1.set(xlim=(-3, 3), ylim=(-3, 3))
    ax2.set(xlim=(-3, 3), ylim=(-3, 3))
    state = {}
    (b,) = ax2.plot(R, R)

    def update(a):
        if "fill" in state:
            state["fill"].remove()
        state["fill"] = ax1.fill_between(R, 0, a * np.sin(R), color="C1", alpha=0.4)
        b.set_ydata(a * R)

    return update


def _setup_scatter_and_text(fig):
    ax = fig.subplots()
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(40, 2))
    sc = ax.scatter(pts[:, 0], pts[:, 1], zorder=3)
    txt = ax.text(0.02, 0.95, "", transform=ax.transAxes)
    ax.set(xlim=(-4, 4), ylim=(-4, 4))

    def update(a):
        sc.set_offsets(pts * a)
        txt.set_text(f"scale {a:.2f}")

    return update


@pytest.mark.parametrize(
    "setup",
    [
        _setup_lines_legend_title,
        _setup_autoscale_and_visibility,
        _setup_recreated_artists,
        _setup_scatter_and_text,
    ],
)
def test_blit_pixels_equal_full_draw(setup):
    values = [0.3, 1.7, 0.9, 1.2, 2.0, 0.1]
    fast = lv.slider_figure(setup, P, alt="x", mode="live", figsize=(6, 3))
    full = lv.slider_figure(setup, P, alt="x", mode="live", figsize=(6, 3), blit=False)
    for v in values:
        a = np.asarray(Image.open(io.BytesIO(fast.step(a=v))))
        b = np.asarray(Image.open(io.BytesIO(full.step(a=v))))
        assert a.shape == b.shape
        assert np.array_equal(a, b), (
            f"blitted frame differs from a full draw at a={v} ({setup.__name__})"
        )
    assert full.renderer.blits == 0


def test_blit_is_used_for_plain_line_updates():
    fig = lv.slider_figure(_setup_lines_legend_title, P, alt="x", mode="live", figsize=(6, 3))
    for v in (0.2, 0.4, 0.6, 0.8):
        fig.step(a=v)
    assert fig.renderer.blits == 4


@pytest.mark.parametrize("facecolor", ["white", (1.0, 1.0, 1.0, 0.0)])
def test_png_fast_decodes_to_the_canvas_pixels(facecolor):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), dpi=50, facecolor=facecolor)
    ax = fig.subplots()
    ax.plot(R, np.sin(R), color=lv.style.color("ce"))
    renderer = FrameRenderer(fig, blit=False)
    renderer.draw()
    img = Image.open(io.BytesIO(renderer.png_fast()))
    img.load()  # a broken CRC or zlib stream raises here
    expected = np.asarray(fig.canvas.buffer_rgba())
    if facecolor == "white":
        assert img.mode == "RGB"
        expected = expected[..., :3]
    else:
        assert img.mode == "RGBA"
    assert img.size == (150, 100)
    assert np.array_equal(np.asarray(img), expected)


# ---------------------------------------------------------------------------------------------
# choice and toggle controls, up to three per figure
# ---------------------------------------------------------------------------------------------
def test_choice_and_toggle_values_texts_and_validation():
    c = lv.Choice("loss", {"l1": "L1", "mse": "MSE", "huber": "Huber"}, default="mse", label="loss")
    assert (c.values, c.texts, c.default_index) == (
        ("l1", "mse", "huber"),
        ("L1", "MSE", "Huber"),
        1,
    )
    assert c.describe("huber") == "loss = Huber"
    assert lv.Choice("k", ["a", "b"]).values == ("a", "b")
    t = lv.Toggle("y", values=(0, 1), default=1, texts=("y = 0", "y = 1"), label="label")
    assert (t.values, t.texts, t.default_index, t.describe(0)) == (
        (0, 1),
        ("y = 0", "y = 1"),
        1,
        "label = y = 0",
    )
    assert lv.Toggle("flip").texts == ("off", "on")
    with pytest.raises(ValueError, match="default must be one of"):
        lv.Choice("k", ["a", "b"], default="c")
    with pytest.raises(ValueError, match="2 to 8 choices"):
        lv.Choice("k", ["a"])
    with pytest.raises(ValueError, match="distinct"):
        lv.Choice("k", ["a", "a"])
    with pytest.raises(TypeError, match="options must be"):
        lv.Choice("k", "ab")
    with pytest.raises(ValueError, match="must differ"):
        lv.Toggle("t", values=(1, 1))
    with pytest.raises(ValueError, match="default must be one of"):
        lv.Toggle("t", values=(0, 1), default=2)
    with pytest.raises(ValueError, match="identifier"):
        lv.Toggle("not a name")


def _setup_three(fig):
    ax = fig.subplots()
    (line,) = ax.plot(R, R)
    ax.set(xlim=(-3, 3), ylim=(-10, 10))

    def update(a, shape, flip):
        y = {"line": a * R, "sine": a * np.sin(R)}[shape]
        line.set_ydata(-y if flip else y)
        return {"shape": shape, "flip": str(flip), "a": a}

    return update


def test_three_controls_static_grid_and_markup():
    pa = lv.Param("a", 1.0, 3.0, default=2.0, num=3)
    shape = lv.Choice(
        "shape", {"line": "straight line", "sine": "sine"}, default="sine", label="shape"
    )
    flip = lv.Toggle("flip", default=True, label="flip sign")
    fig = lv.slider_figure(
        _setup_three, pa, shape, flip, alt="three", mode="static", figsize=(3, 2)
    )
    assert (
        len(fig.frames) == 3 * 2 * 2 and fig.narrow_frames is None
    )  # 300 px wide: no narrow layout
    # last control varies fastest; the default frame is (a=2, sine, flip=True)
    assert fig.default_index == (1 * 2 + 1) * 2 + 1
    data = payload(fig)
    assert data["sizes"] == [3, 2, 2]
    assert data["readouts"][0] == "shape: line · flip: False · a: 1"
    assert data["readouts"][fig.default_index] == "shape: sine · flip: True · a: 2"
    doc = parse(fig.html)
    radios = doc.find("input", type="radio")
    assert ["checked" in r for r in radios] == [False, True]
    assert len({r["name"] for r in radios}) == 1  # one group
    (switch,) = doc.find("input", type="checkbox")
    assert switch["role"] == "switch" and "checked" in switch
    assert len(doc.find("fieldset")) == 1 and len(doc.find("legend")) == 1  # the choice, named
    assert doc.find("label", **{"for": switch["id"]})  # the switch, named by its label
    assert [x["data-control"] for _t, x in doc.tags if "data-control" in x] == [
        "range",
        "choice",
        "toggle",
    ]
    with pytest.raises(ValueError, match="at most 3 controls"):
        lv.slider_figure(_setup_three, pa, shape, flip, lv.Toggle("x"), alt="x", mode="static")


def _setup_shaded_half(fig):
    """A toggle that shows one of two shaded halves below the grid, and a line on a slider."""
    ax = fig.subplots()
    (line,) = ax.plot(R, R)
    shade = {s: ax.axvspan(*((-3, 0) if s else (0, 3)), color="#F2E6EA", zorder=0) for s in (0, 1)}
    ax.set(xlim=(-3, 3), ylim=(-4, 4), xlabel="x", title="shaded")

    def update(a, left):
        for side, patch in shade.items():
            patch.set_visible(side == left)
        line.set_ydata(a * np.sin(R) + left)

    return update


def test_static_frames_with_a_toggle_are_blitted_per_toggle_value_and_exact():
    """Each value of a toggle gets its own renderer: the frames equal full draws pixel for pixel,
    and with the toggle's half-plane below the grid they blit only the line (not the axes)."""
    pa = lv.Param("a", 0.5, 2.0, default=1.0, num=4)
    left = lv.Toggle("left", values=(0, 1), default=1)
    kw = dict(alt="x", mode="static", figsize=(4, 2.5), narrow=False)
    fast = lv.slider_figure(_setup_shaded_half, pa, left, **kw)
    full = lv.slider_figure(_setup_shaded_half, pa, left, blit=False, **kw)
    assert len(fast.frames) == 8 and fast.readouts == full.readouts
    for k, (a, b) in enumerate(zip(fast.frames, full.frames, strict=True)):
        pixels = [np.asarray(Image.open(io.BytesIO(png)).convert("RGB")) for png in (a, b)]
        assert np.array_equal(*pixels), f"frame {k} differs from a full draw"
    renderer = fast.renderer  # the last group's (left = 0): its four frames blitted
    assert renderer.blits == 4
    tails = [type(a).__name__ for _ax, tail in renderer._plan for a in tail]
    assert tails[0] == "Line2D" and not any(name.endswith("Axis") for name in tails)
    # grid order (the last control fastest): the default, a = 1.0 and left = 1, is frame 3
    assert fast.default_index == 3
    assert fast._render_groups(fast._combos()) == [[1, 3, 5, 7], [0, 2, 4, 6]]


def test_three_controls_live_widgets_pass_values():
    import ipywidgets as w

    pa = lv.Param("a", 1.0, 3.0, default=2.0, num=3)
    shape = lv.Choice("shape", {"line": "straight line", "sine": "sine"}, default="sine")
    flip = lv.Toggle("flip", values=("no", "yes"), default="no")
    fig = lv.slider_figure(_setup_three, pa, shape, flip, alt="x", mode="live", figsize=(3, 2))
    assert isinstance(fig.sliders["shape"], w.ToggleButtons)
    assert isinstance(fig.sliders["flip"], w.Checkbox) and fig.sliders["flip"].value is False
    fig.sliders["shape"].value = 0  # the reader picks "straight line"
    assert (
        "shape: line" in fig.live.readout.value
        and fig.live.value_labels["shape"].value == "straight line"
    )
    fig.sliders["flip"].value = True
    assert fig.values == {"a": 2.0, "shape": "line", "flip": "yes"}
    assert fig.live.value_labels["flip"].value == "yes"


def test_static_figure_without_controls_is_a_picture():
    def setup(fig):
        fig.subplots().plot(R, R)
        return lambda: None

    fig = lv.slider_figure(setup, alt="just a line", mode="static", figsize=(3, 2))
    assert len(fig.frames) == 1
    assert "<script" not in fig.html and 'class="lossviz-controls"' not in fig.html
    assert parse(fig.html).find("img")[0]["alt"].startswith("just a line")


# ---------------------------------------------------------------------------------------------
# phone layout, pixel density, accessibility markup
# ---------------------------------------------------------------------------------------------
def test_stack_panels_makes_one_column_and_refuses_what_it_cannot_stack():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3), layout="constrained")
    a, b = fig.subplots(1, 2)
    assert rendering.stack_panels(fig)
    assert tuple(fig.get_size_inches()) == pytest.approx((rendering.NARROW_WIDTH, 6.1))
    pa, pb = a.get_position(), b.get_position()
    assert pa.y0 > pb.y1  # a above b
    assert pa.x0 == pytest.approx(pb.x0, abs=0.05)  # same column
    twin = Figure(figsize=(8, 3))
    ax = twin.subplots()
    ax.twinx()
    assert not rendering.stack_panels(twin)
    tall = Figure(figsize=(8, 6))
    tall.subplots(2, 2)
    assert not rendering.stack_panels(tall)


def _contour_panels(**colorbar):
    """A wide figure of two contour panels (equal aspect), each with its own colorbar."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.4), layout="constrained")
    FigureCanvasAgg(fig)
    w, b = np.meshgrid(np.linspace(-8, 8, 41), np.linspace(-8, 8, 41))
    panels = fig.subplots(1, 2)
    bars = []
    for ax, scale in zip(panels, (10.0, 0.05), strict=True):
        # the second panel's tick labels (0.05, 0.1, ...) are wider than the first's
        cs = ax.contourf(w, b, scale * (1 + (w - 1) ** 2 + b**2), levels=12)
        ax.set(xlabel="weight w", ylabel="bias b", aspect="equal")
        bars.append(fig.colorbar(cs, ax=ax, shrink=0.85, label="mean loss", **colorbar).ax)
    return fig, panels, bars


def _overlap(a, b) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def test_stack_panels_keeps_each_colorbar_beside_its_panel():
    fig, (a, b), (bar_a, bar_b) = _contour_panels()
    assert rendering.stack_panels(fig)
    assert tuple(fig.get_size_inches()) == pytest.approx((rendering.NARROW_WIDTH, 6.5))
    pa, pb = a.get_position(), b.get_position()
    assert pa.y0 > pb.y1 and pa.x0 == pytest.approx(pb.x0, abs=0.01)  # one column
    for bar, own, other in ((bar_a, pa, pb), (bar_b, pb, pa)):
        box = bar.get_position()
        assert box.x0 >= own.x1  # right of its panel
        assert _overlap(box.intervaly, own.intervaly) == pytest.approx(box.height)  # in its row
        assert _overlap(box.intervaly, other.intervaly) == 0
    # Nothing is cut at the edges: every label, the colorbars' too, lies inside the figure.
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer)
    size = fig.get_size_inches()
    assert drawn.x0 >= 0 and drawn.y0 >= 0
    assert drawn.x1 <= size[0] + 1e-6 and drawn.y1 <= size[1] + 1e-6


def test_stack_panels_declines_colorbars_it_cannot_keep_beside_their_panels():
    from matplotlib.figure import Figure

    # Colorbars cut out of their panel's cell (no layout engine: use_gridspec) are not stacked.
    fig = Figure(figsize=(8, 3))
    for ax in fig.subplots(1, 2):
        fig.colorbar(ax.imshow(np.eye(3)), ax=ax)
    assert not rendering.stack_panels(fig)
    # Colorbars below their panels would not sit beside them: the stacking is undone.
    fig, panels, _bars = _contour_panels(location="bottom")
    for _ in range(3):  # constrained layout converges in a few draws (colorbar ticks follow size)
        fig.canvas.draw()
    specs = [ax.get_subplotspec() for ax in panels]
    positions = np.array([ax.get_position().bounds for ax in fig.axes])
    assert not rendering.stack_panels(fig)
    assert [ax.get_subplotspec() for ax in panels] == specs
    assert tuple(fig.get_size_inches()) == (8, 3.4)
    assert fig.get_layout_engine() is not None
    for _ in range(3):
        fig.canvas.draw()
    np.testing.assert_allclose([ax.get_position().bounds for ax in fig.axes], positions, atol=1e-4)


def test_narrow_layout_markup_and_sizes():
    fig = lv.slider_figure(
        Calls().setup,
        lv.Param("a", 0.0, 1.0, default=0.5, num=3),
        alt="x",
        mode="static",
        caption="A visible caption.",
    )
    doc = parse(fig.html)
    (source,) = doc.find("source")
    (img,) = doc.find("img")
    assert source["media"] == "(max-width: 599.98px)"
    # CSS sizes: the wide 800x320 figure and the narrow stacked one, 460 px wide.
    assert (img["width"], img["height"]) == ("800", "320")
    assert source["width"] == "460" and int(source["height"]) > 460
    d, dn = fig.density, fig.narrow_density
    assert png_size(fig.frames[0]) == (round(800 * d), round(320 * d))
    assert png_size(fig.narrow_frames[0])[0] == round(460 * dn)
    assert (
        base64.b64decode(source["srcset"].split(",", 1)[1]) == fig.narrow_frames[fig.default_index]
    )
    assert "<figcaption" in fig.html and "A visible caption." in fig.html
    (note,) = doc.find("p", **{"class": "lossviz-stacked"})
    assert note["aria-hidden"] == "true" and doc.text["p"] == STACKED_NOTE
    wide_only = lv.slider_figure(
        Calls().setup,
        lv.Param("a", 0.0, 1.0, default=0.5, num=3),
        alt="x",
        mode="static",
        narrow=False,
    )
    assert wide_only.narrow_frames is None
    assert parse(wide_only.html).find("p", **{"class": "lossviz-stacked"}) == []


def test_density_falls_back_when_frames_exceed_the_budget():
    p = lv.Param("a", 0.0, 1.0, default=0.5, num=3)
    big = lv.slider_figure(Calls().setup, p, alt="x", mode="static", figsize=(3, 2))
    budget = 3 * len(big.frames[big.default_index]) - 1  # 3 frames at 2x just do not fit
    small = lv.slider_figure(
        Calls().setup, p, alt="x", mode="static", figsize=(3, 2), max_bytes=budget
    )
    assert big.density == 2.0 and small.density < 2.0
    assert png_size(small.frames[0]) == (round(300 * small.density), round(200 * small.density))


def test_density_that_cannot_fit_is_not_drawn():
    """A PNG shrinks at most like its pixel count: when the 2x frames are over the budget by more
    than (2 / 1.5)², 1.5x is skipped without a draw; the last density is always drawn."""
    p = lv.Param("a", 0.0, 1.0, default=0.5, num=3)
    calls = Calls()
    fig = lv.slider_figure(
        calls.setup, p, alt="x", mode="static", figsize=(3, 2), max_bytes=1, narrow=False
    )
    assert fig.density == W.DENSITIES[-1] == 1.0
    assert {png_size(f) for f in fig.frames} == {(300, 200)}
    # setup's default call, then the densities drawn (2x and 1x; not 1.5x), the step that learns
    # what changes, and one call per frame.
    assert len(calls.calls) == 1 + 2 + 1 + len(p.grid)


def test_range_markup_min_max_fixed_value_box_and_units():
    p = lv.Param("beta", 0.5, 2.5, default=1.5, num=5, label="β", unit="units")
    fig = lv.slider_figure(_setup_ok_beta, p, alt="x", mode="static", figsize=(3, 2))
    doc = parse(fig.html)
    (rng,) = doc.find("input", type="range")
    assert rng["aria-valuetext"] == "β = 1.5 units"  # the parameter's units, never an index
    ends = [a for t, a in doc.tags if t == "span" and a.get("class") == "lossviz-end"]
    assert len(ends) == 2 and all(e["aria-hidden"] == "true" for e in ends)
    assert ">0.5</span>" in fig.html and ">2.5</span>" in fig.html  # min and max, unit in the box
    (out,) = doc.find("output", **{"class": "lossviz-value"})
    # fixed width: the longest value text ("0.5 units" .. "2.5 units": 9 characters) + padding
    assert out["style"] == "width:9.5ch"
    assert "touch-action:pan-y" in fig.html and "@media (pointer:coarse)" in fig.html


def _setup_ok_beta(fig):
    (line,) = fig.subplots().plot(R, R)

    def update(beta):
        line.set_ydata(beta * R)

    return update


# ---------------------------------------------------------------------------------------------
# the matplotlib adapter: partial redraws only in the tested version range
# ---------------------------------------------------------------------------------------------
def test_adapter_version_range():
    assert _mpl_private.partial_redraw_supported()  # the installed version is a tested one
    assert _mpl_private.partial_redraw_supported("3.7.0")
    assert _mpl_private.partial_redraw_supported("3.11.2rc1")
    assert not _mpl_private.partial_redraw_supported("3.6.3")
    assert not _mpl_private.partial_redraw_supported("3.12.0")
    assert not _mpl_private.partial_redraw_supported("4.0")


def test_outside_the_version_range_live_steps_are_full_redraws(monkeypatch):
    monkeypatch.setattr(_mpl_private.matplotlib, "__version__", "3.99.0")
    fast = lv.slider_figure(_setup_lines_legend_title, P, alt="x", mode="live", figsize=(4, 2))
    ref = lv.slider_figure(
        _setup_lines_legend_title, P, alt="x", mode="live", figsize=(4, 2), blit=False
    )
    for v in (0.2, 1.4):
        assert fast.step(a=v) == ref.step(a=v)
    assert fast.renderer.blits == 0 and fast.renderer.full_draws >= 2


# ---------------------------------------------------------------------------------------------
# plain figures on the static site
# ---------------------------------------------------------------------------------------------
def test_plain_figure_html_has_both_layouts_and_restores_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from lossviz.figures import picture

    fig = Figure(figsize=(8, 3), layout="constrained")
    FigureCanvasAgg(fig)
    a, b = fig.subplots(1, 2)
    a.plot(R, R)
    a.set(title="loss", xlabel="residual $r$", ylabel="loss")
    b.plot(R, np.sin(R))
    before = io.BytesIO()
    fig.savefig(before, format="png")
    positions = [ax.get_position().bounds for ax in fig.axes]
    html_text = picture.figure_html(fig)
    after = io.BytesIO()
    fig.savefig(after, format="png")
    assert after.getvalue() == before.getvalue()  # the figure is as it was
    assert [ax.get_position().bounds for ax in fig.axes] == positions
    doc = parse(html_text)
    (img,) = doc.find("img")
    (source,) = doc.find("source")
    assert img["alt"].startswith("Figure: loss (loss against residual r); a panel")
    w, h = png_size(base64.b64decode(img["src"].split(",", 1)[1]))
    # 2x pixels (CSS sizes rounded); the tight bounding box adds its 0.1-inch pad
    assert abs(w - 2 * int(img["width"])) <= 1 and abs(h - 2 * int(img["height"])) <= 1
    assert int(img["width"]) <= 820 and int(source["width"]) <= 480
    assert "<script" not in html_text and "<figcaption" in html_text


def test_plain_figures_use_the_html_formatter_only_in_the_book_build():
    import subprocess
    import sys

    code = (
        "import lossviz, IPython.core.interactiveshell as s, matplotlib.figure as m;"
        "ip = s.InteractiveShell.instance();"
        "from lossviz.figures import picture; print(picture.register(ip));"
        "f = ip.display_formatter.formatters['text/html'];"
        "print(f.lookup_by_type(m.Figure).__name__);"
        # what enabling the inline backend does (IPython's select_figure_formats), then a cell ends
        "f.pop(m.Figure); ip.events.trigger('post_execute');"
        "print(f.lookup_by_type(m.Figure).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["True", "figure_html", "figure_html"]
    probe = "import sys, lossviz; print('lossviz.figures.picture' in sys.modules)"
    for mode, loaded in (("static", "True"), ("live", "False")):
        env = {**__import__("os").environ, DISPLAY_ENV: mode}
        res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
        assert res.stdout.strip() == loaded, res.stderr
