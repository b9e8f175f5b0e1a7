"""Static slider figures in a real browser: Debian's Chromium via playwright, network blocked.

A page with two static sliders (as the built site shows them) is served from a temporary folder.
The test moves one slider with the keyboard and checks that its image, value and readout change,
that the other slider does not, that a frame swap takes at most 16 ms, that nothing outside the
local server is requested and that the console stays clean. Without JavaScript, the default frame
is still visible.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from browser import chromium, serve_directory

import lossviz as lv

# No skip when Chromium is missing: scripts/setup.sh --test installs it, and a browser test that
# silently skips is not a test.
pytestmark = [pytest.mark.slow]

R = np.linspace(-3, 3, 301)


def _setup(fig):
    ax_loss, ax_grad = fig.subplots(1, 2)
    F = lv.functional
    zero = np.zeros_like(R)
    (loss,) = ax_loss.plot(R, R, color=lv.style.color("smooth_l1"))
    (grad,) = ax_grad.plot(R, R, color=lv.style.color("smooth_l1"))
    ax_loss.set(xlim=(-3, 3), ylim=(0, 3), xlabel="residual r", ylabel="loss")
    ax_grad.set(xlim=(-3, 3), ylim=(-1.2, 1.2), xlabel="residual r", ylabel="gradient")

    def update(beta):
        loss.set_ydata(F.smooth_l1_loss(R, zero, reduction="none", beta=beta))
        grad.set_ydata(F.smooth_l1_loss_grad(R, zero, reduction="none", beta=beta))
        return {
            "loss at r = 2": float(F.smooth_l1_loss(np.array([2.0]), np.array([0.0]), beta=beta))
        }

    return update


def _setup_two(fig):
    ax = fig.subplots()
    (line,) = ax.plot(R, R, color=lv.style.color("huber"))
    ax.set(xlim=(-3, 3), ylim=(-10, 10))

    def update(a, b):
        line.set_ydata(a * R + b)
        return {"slope": a, "intercept": b}

    return update


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("sliders")
    one = lv.slider_figure(
        _setup,
        lv.Param("beta", 0.1, 3.0, default=1.0, num=25, label="β (transition width)", unit="units"),
        alt="Smooth L1 loss and its gradient.",
        mode="static",
    )
    two = lv.slider_figure(
        _setup_two,
        lv.Param("a", -2.0, 2.0, default=1.0, num=5, label="slope a"),
        lv.Param("b", -3.0, 3.0, default=0.0, num=7, label="intercept b"),
        alt="A straight line.",
        mode="static",
        figsize=(5, 3),
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>sliders</title></head>"
        f"<body><main><p>first</p>{one.html}<p>second</p>{two.html}</main></body></html>"
    )
    (root / "index.html").write_text(page, encoding="utf-8")
    with serve_directory(root) as base:
        yield base + "index.html", one, two


def _state(page, fig_index: int) -> dict:
    return page.evaluate(
        """(k) => {
        const f = document.querySelectorAll('figure.lossviz-slider')[k];
        return {
          src: f.querySelector('img').getAttribute('src'),
          alt: f.querySelector('img').alt,
          frame: f.getAttribute('data-frame'),
          values: [...f.querySelectorAll('output.lossviz-value')].map(o => o.textContent),
          valuetext: [...f.querySelectorAll('input')].map(i => i.getAttribute('aria-valuetext')),
          readout: f.querySelector('output.lossviz-readout').textContent,
          disabled: [...f.querySelectorAll('input')].map(i => i.disabled),
          width: f.querySelector('img').naturalWidth,
        };
    }""",
        fig_index,
    )


def test_keyboard_moves_one_slider_only(page_url):
    url, one, two = page_url
    with chromium() as (context, log):
        page = context.new_page()
        console_errors: list[str] = []
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("load")

        first0, second0 = _state(page, 0), _state(page, 1)
        assert first0["width"] == 800  # the default frame decoded
        assert first0["disabled"] == [False] and second0["disabled"] == [False, False]
        assert first0["values"] == ["1 units"]
        assert first0["readout"] == "loss at r = 2: 1.5"  # smooth L1, beta = 1: |r| - beta/2
        assert first0["frame"] == str(one.default_index)

        # The range input is reachable by its label (accessible name) and operable by keyboard.
        slider = page.get_by_label("β (transition width)")
        slider.focus()
        page.keyboard.press("ArrowRight")
        first1, second1 = _state(page, 0), _state(page, 1)
        nxt = lv.Param("beta", 0.1, 3.0, default=1.0, num=25).grid[one.default_index + 1]
        assert first1["src"] != first0["src"]
        assert first1["frame"] == str(one.default_index + 1)
        assert first1["values"] == [f"{nxt:.3g} units"]
        assert first1["valuetext"] == [f"β (transition width) = {nxt:.3g} units"]
        assert (
            first1["alt"].startswith("Smooth L1 loss and its gradient.")
            and f"{nxt:.3g}" in first1["alt"]
        )
        assert first1["readout"] == f"loss at r = 2: {2 - nxt / 2:.4g}"  # smooth L1 for |r| >= beta
        assert second1 == second0  # the other figure did not move

        # Second figure, second input: the product grid index moves by one.
        page.get_by_label("intercept b").focus()
        page.keyboard.press("ArrowLeft")
        second2 = _state(page, 1)
        assert second2["frame"] == str(two.default_index - 1)
        assert second2["values"] == ["1", "-1"]
        assert second2["readout"] == "slope: 1 · intercept: -1"
        assert _state(page, 0) == first1

        # Frame swap time, measured in the page: input event to decoded image, over every frame.
        times = page.evaluate(
            """async () => {
            const f = document.querySelectorAll('figure.lossviz-slider')[0];
            const input = f.querySelector('input'), img = f.querySelector('img');
            const out = [];
            for (let v = 0; v <= Number(input.max); v++) {
              const t0 = performance.now();
              input.value = String(v);
              input.dispatchEvent(new Event('input', {bubbles: true}));
              await img.decode();
              out.push(performance.now() - t0);
            }
            return out;
        }"""
        )
        assert len(times) == len(one.frames)
        median = statistics.median(times)
        print(
            f"\nframe swap: median {median:.1f} ms, max {max(times):.1f} ms over {len(times)} frames"
        )
        assert median <= 16.0
        page.close()
    assert log.blocked == [], f"external requests attempted: {log.blocked}"
    assert log.failed == [], f"failed requests: {log.failed}"
    assert console_errors == []


def test_default_frame_visible_without_javascript(page_url):
    url, one, _two = page_url
    with chromium(java_script_enabled=False) as (context, log):
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        info = page.locator("figure.lossviz-slider img").first.evaluate(
            "img => [img.naturalWidth, img.complete, img.alt]"
        )
        assert info[0] == 800 and info[1] is True and info[2].startswith("Smooth L1 loss")
        assert (
            page.locator("figure.lossviz-slider output.lossviz-value").first.inner_text()
            == "1 units"
        )
        assert page.locator("figure.lossviz-slider input").first.is_disabled()
        page.close()
    assert log.blocked == []
