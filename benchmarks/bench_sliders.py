"""Measure lossviz slider figures: live step time (in-place vs naive ``interact``), static size/time.

Run: ``.venv/bin/python benchmarks/bench_sliders.py`` (about 30 s on 2 cores; prints a table).

Live: a real IPython kernel (jupyter_client, ipykernel with its default inline matplotlib backend)
displays, for the same two-panel line figure (smooth L1 and L1 losses, their gradients, a marker,
a legend),

* ``in-place``: ``lv.slider_figure`` (figure built once, artists updated, Agg canvas blitted,
  PNG into an ``ipywidgets.Image``), and
* ``naive``: ``ipywidgets.interactive`` around a function that calls ``plt.subplots``, plots and
  ``plt.show()`` (the inline backend renders a PNG into the ``Output`` widget) on every step,

and sets each slider to the same 32 values, interleaving the two so that both see the same
machine load. The time of one step is the kernel-side time of ``slider.value = v`` (the observers
run synchronously: update, draw, encode, send the comm/display messages).

Static: ``lv.slider_figure(..., mode="static")`` in this process: seconds per frame and per
slider, the bytes of the ``text/html`` output and of each layout's frames, and the time Chromium
takes to swap frames (budget 16 ms, one frame at 60 Hz; measured here rather than in the test
suite, where a loaded machine would make it flaky).
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import time

import numpy as np

FIGURE_CODE = textwrap.dedent(
    """
    import numpy as np
    import lossviz as lv

    F = lv.functional
    R = np.linspace(-3, 3, 401)
    ZERO = np.zeros_like(R)
    R2, Z2 = np.array([2.0]), np.array([0.0])


    def draw_static_parts(ax_loss, ax_grad):
        ax_loss.plot(R, np.abs(R), color=lv.style.color("l1"), label="L1")
        ax_grad.plot(R, np.sign(R), color=lv.style.color("l1"))
        ax_loss.set(xlim=(-3, 3), ylim=(0, 3), xlabel="residual r", ylabel="loss")
        ax_grad.set(xlim=(-3, 3), ylim=(-1.2, 1.2), xlabel="residual r", ylabel="d loss / d r")


    def curves(beta):
        return (
            F.smooth_l1_loss(R, ZERO, reduction="none", beta=beta),
            F.smooth_l1_loss_grad(R, ZERO, reduction="none", beta=beta),
            float(F.smooth_l1_loss(R2, Z2, beta=beta)),
        )


    def setup(fig):
        ax_loss, ax_grad = fig.subplots(1, 2)
        draw_static_parts(ax_loss, ax_grad)
        loss, grad, at2 = curves(1.0)
        (loss_line,) = ax_loss.plot(R, loss, color=lv.style.color("smooth_l1"), label="smooth L1")
        (grad_line,) = ax_grad.plot(R, grad, color=lv.style.color("smooth_l1"))
        (point,) = ax_loss.plot([2.0], [at2], "o", color=lv.style.color("accent"))
        ax_loss.legend(loc="upper center")

        def update(beta):
            loss, grad, at2 = curves(beta)
            loss_line.set_ydata(loss)
            grad_line.set_ydata(grad)
            point.set_ydata([at2])
            return {"loss at r = 2": at2}

        return update


    PARAM = lv.Param("beta", 0.1, 3.0, default=1.0, num=25, label="β (transition width)",
                     unit="residual units")
    ALT = "Smooth L1 and L1 losses (left) and their derivatives (right) against the residual."
    """
)

KERNEL_CODE = FIGURE_CODE + textwrap.dedent(
    """
    import json, time
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display


    def naive(beta):
        fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(8, 3.2), dpi=100)
        draw_static_parts(ax_loss, ax_grad)
        loss, grad, at2 = curves(beta)
        ax_loss.plot(R, loss, color=lv.style.color("smooth_l1"), label="smooth L1")
        ax_grad.plot(R, grad, color=lv.style.color("smooth_l1"))
        ax_loss.plot([2.0], [at2], "o", color=lv.style.color("accent"))
        ax_loss.legend(loc="upper center")
        plt.show()
        print(f"loss at r = 2: {at2:.4g}")


    live = lv.slider_figure(setup, PARAM, alt=ALT, mode="live")
    display(live)
    interact = widgets.interactive(naive, beta=widgets.FloatSlider(value=1.0, min=0.1, max=3.0,
                                                                   step=0.12))
    display(interact)
    slider_inplace, slider_naive = live.sliders["beta"], interact.children[0]
    values = np.r_[np.linspace(0.1, 3.0, 16)[::-1], np.linspace(0.1, 3.0, 16)]
    t_in, t_nv, c_in, c_nv = [], [], [], []
    for v in values:
        for slider, wall, cpu in ((slider_inplace, t_in, c_in), (slider_naive, t_nv, c_nv)):
            t0, c0 = time.perf_counter(), time.process_time()
            slider.value = float(v)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    print("BENCH" + json.dumps({"inplace": t_in, "naive": t_nv, "cpu_inplace": c_in, "cpu_naive": c_nv, "backend": plt.get_backend(),
                                "blits": live.renderer.blits, "full": live.renderer.full_draws,
                                "png_bytes": len(live.image.value)}))
    """
)


def run_live() -> dict:
    from jupyter_client.manager import KernelManager

    env = {k: v for k, v in os.environ.items() if k != "LOSSVIZ_DISPLAY"}  # live mode
    km = KernelManager(kernel_name="python3", transport="ipc")  # ipc: local sockets only
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    out: list[str] = []
    errors: list[str] = []

    def hook(msg) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content.get("name") == "stdout":
            out.append(content["text"])
        elif kind == "error":
            errors.append("\n".join(content["traceback"]))

    try:
        kc.execute_interactive(
            f"import sys; print('PY' + sys.executable)\n{KERNEL_CODE}",
            timeout=240,
            output_hook=hook,
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if errors:
        raise RuntimeError("kernel error:\n" + "\n".join(errors))
    text = "".join(out)
    line = next(x for x in text.splitlines() if x.startswith("BENCH"))
    result = json.loads(line[5:])
    result["python"] = next(x for x in text.splitlines() if x.startswith("PY"))[2:]
    return result


def run_static() -> dict:
    namespace: dict = {}
    exec(FIGURE_CODE, namespace)  # noqa: S102 (our own code string, shared with the kernel)
    import lossviz as lv

    start = time.perf_counter()
    fig = lv.slider_figure(
        namespace["setup"], namespace["PARAM"], alt=namespace["ALT"], mode="static"
    )
    total = time.perf_counter() - start
    frame_bytes = [len(f) for f in fig.frames]
    return {
        "figure": fig,
        "frames": len(fig.frames),
        "html_bytes": fig.nbytes,
        "layout_bytes": fig.layout_bytes,
        "density": (fig.density, fig.narrow_density),
        "frame_bytes_median": float(np.median(frame_bytes)),
        "seconds": total,
        "seconds_per_frame": fig.render_seconds / len(fig.frames),
    }


def run_swap(fig) -> list[float]:
    """Milliseconds from an ``input`` event to the decoded new frame, for every frame, measured
    in Debian's Chromium (playwright, network blocked) on a page holding the static figure."""
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from browser import chromium, serve_directory

    with tempfile.TemporaryDirectory() as tmp:
        page_html = (
            f"<!DOCTYPE html><html lang='en'><meta charset='utf-8'><title>s</title>{fig.html}"
        )
        (Path(tmp) / "index.html").write_text(page_html, encoding="utf-8")
        with serve_directory(Path(tmp)) as base, chromium() as (context, _log):
            page = context.new_page()
            page.goto(base + "index.html")
            page.wait_for_load_state("load")
            page.wait_for_timeout(500)  # let the lazy preload of the frames finish
            return page.evaluate(
                """async () => {
                const f = document.querySelector('figure.lossviz-slider');
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


def main() -> int:
    start = time.perf_counter()
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average (1 min) {load:.1f} at start")
    live = run_live()
    static = run_static()
    t_in = np.array(live["inplace"]) * 1e3
    t_nv = np.array(live["naive"]) * 1e3
    med_in, med_nv = np.median(t_in), np.median(t_nv)
    print(f"kernel: {live['python']}  (matplotlib backend in the kernel: {live['backend']})")
    print(f"live step, two-panel line figure, {t_in.size} steps each, interleaved:")
    print(
        f"  in-place (lv.slider_figure):  median {med_in:6.1f} ms   p90 {np.percentile(t_in, 90):6.1f} ms"
        f"   ({live['blits']} blitted, {live['full']} full draws; PNG {live['png_bytes'] / 1e3:.0f} KB)"
    )
    print(
        f"  naive (interact + re-plot):   median {med_nv:6.1f} ms   p90 {np.percentile(t_nv, 90):6.1f} ms"
    )
    print(f"  speed-up (naive / in-place, medians): {med_nv / med_in:.1f}x")
    cpu_in = np.median(live["cpu_inplace"]) * 1e3
    cpu_nv = np.median(live["cpu_naive"]) * 1e3
    print(
        f"  kernel CPU time per step (less sensitive to other load): in-place median {cpu_in:.1f} ms,"
        f" naive {cpu_nv:.1f} ms"
    )
    print(
        f"static slider: {static['frames']} frames, {static['html_bytes'] / 1e3:.0f} KB text/html "
        f"(median frame {static['frame_bytes_median'] / 1e3:.1f} KB PNG), "
        f"{static['seconds']:.2f} s per slider, {static['seconds_per_frame'] * 1e3:.0f} ms per frame"
    )
    layouts = ", ".join(
        f"{name} {size / 1e3:.0f} KB" for name, size in static["layout_bytes"].items()
    )
    print(
        f"  frames per layout (what a reader downloads): {layouts}; pixel density "
        f"wide {static['density'][0]}x, narrow {static['density'][1]}x"
    )
    swap = np.array(run_swap(static["figure"]))
    print(
        f"static frame swap in Chromium (input event to decoded frame): median "
        f"{np.median(swap):.1f} ms, max {swap.max():.1f} ms over {swap.size} frames"
    )
    ok = (
        med_in <= 50
        and med_nv / med_in >= 3
        and max(static["layout_bytes"].values()) <= 600_000
        and np.median(swap) <= 16.0
    )
    print(
        "budgets (live median <= 50 ms, >= 3x, <= 600 KB per layout, swap median <= 16 ms): "
        f"{'met' if ok else 'NOT met'}"
    )
    print(f"benchmark wall time: {time.perf_counter() - start:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
