"""Drive a real JupyterLab with playwright, the way a reader uses the book's notebooks.

``lab_server`` starts ``.venv/bin/jupyter lab`` (this virtual environment's, so the ``python3``
kernel it starts runs this environment's interpreter, which imports ``lossviz``) on 127.0.0.1 at a
port the server chooses itself (``--port=0``, read back from its info file) with a random token,
serving a folder of notebooks. Every Jupyter config, data, runtime,
settings and workspace folder lives in a temporary directory, so neither the reader's settings nor
earlier runs leak in, and the server fetches no news or update information. It is stopped by its
own process id (its process group) even when a test step fails, and the port is checked closed.

``run_notebook`` opens one notebook in that server in a playwright page, runs all cells through the
Run menu and waits until every cell has run and the kernel is idle; it returns what each cell shows
(prompt, tracebacks and stderr, live and static slider figures, widgets that failed to render).
``slider_latencies`` presses arrow keys on a live slider figure's slider handle and times, in the
page, each key press to the figure's new image.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lossviz.display import DISPLAY_ENV

# Environment variables that would point Jupyter or IPython at the reader's own folders, or switch
# lossviz's slider figures to their static fallback (DISPLAY_ENV is set only by the book build).
_SCRUBBED_ENV = re.compile(rf"^(JUPYTER|JPY_|JUPYTERLAB|IPYTHONDIR$|{re.escape(DISPLAY_ENV)}$)")

# Server-side switches: no news feed, no update check, no PyPI-backed extension manager.
_SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",
    },
    "ServerApp": {"open_browser": False},
}
# Front-end settings: no "fetch news?" toast.
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid``, from /proc (Linux)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().rstrip("\0").split("\0")
    except FileNotFoundError:
        return []


@dataclass
class LabServer:
    """A running JupyterLab server (see ``lab_server``)."""

    proc: subprocess.Popen
    port: int
    token: str
    root: Path
    home: Path
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path: str, **query: str) -> str:
        return (
            self.base_url
            + path.lstrip("/")
            + ("?" + urllib.parse.urlencode(query) if query else "")
        )

    def api(self, method: str, path: str, body: object | None = None) -> object:
        """Call the server's REST API (``path`` relative to ``/api/``); return the decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url("api/" + path.lstrip("/")),
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def kernel_pids(self) -> list[int]:
        """Process ids of the kernels this server started (its child processes running ipykernel)."""
        return [
            pid
            for pid in child_pids(self.proc.pid)
            if _pid_alive(pid) and "ipykernel_launcher" in cmdline(pid)
        ]

    def shutdown_sessions(self) -> None:
        """Delete every session (and so shut its kernel down) and any kernel left without one."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            self.api("DELETE", f"kernels/{kernel['id']}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""


def _isolated_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _SCRUBBED_ENV.match(k)}
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab" / "user-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab" / "workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # Kernel specs from this environment first (a reader's ~/.local python3 spec cannot shadow it).
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _write_settings(home: Path) -> None:
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps(_SERVER_CONFIG, indent=1)
    )
    settings = home / "lab" / "user-settings"
    for rel, value in _USER_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=1))


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM it if the test process dies without its finaliser."""
    with contextlib.suppress(Exception):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def stop_server(server: LabServer, timeout: float = 20.0) -> None:
    """Stop the server by its own process id (its process group) and the kernels it started.

    SIGTERM first (the server then shuts its kernels down), SIGKILL if it does not exit in time.
    Raises ``RuntimeError`` if the port is still open or a kernel it started is still running.
    """
    kernels = server.kernel_pids()
    if server.proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait(10)
    # Kernels run in their own sessions (jupyter_client starts them so) and exit with their parent;
    # give them a moment, then kill stragglers by their own pid.
    deadline = time.monotonic() + 10
    while any(_pid_alive(pid) for pid in kernels) and time.monotonic() < deadline:
        time.sleep(0.2)
    leftover = [pid for pid in kernels if _pid_alive(pid)]
    for pid in leftover:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    if port_is_open(server.port):
        raise RuntimeError(f"port {server.port} still open after stopping JupyterLab")
    if leftover:
        raise RuntimeError(f"kernels {leftover} outlived the JupyterLab server")


@contextlib.contextmanager
def lab_server(root: Path, home: Path, start_timeout: float = 90.0) -> Iterator[LabServer]:
    """Run JupyterLab serving ``root``; Jupyter's own folders live under ``home`` (both temporary)."""
    env = _isolated_env(home)
    _write_settings(home)
    token = secrets.token_hex(24)
    log_path = home / "jupyterlab.log"
    cmd = [
        str(Path(sys.executable).parent / "jupyter"),  # the reader's command: .venv/bin/jupyter lab
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        # port 0: the server binds a port the system chooses and reports it in its info file
        # (no free-port-then-start race with other processes)
        "--port=0",
        "--port-retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:  # containers and CI runners often run as root; Jupyter refuses by default
        cmd.append("--allow-root")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped by its id, not by name
            preexec_fn=_die_with_parent,
        )
    server = LabServer(proc, 0, token, root, home, log_path)
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])  # private to this server: one info file at most
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {proc.returncode}:\n{server.log_tail()}"
                )
            try:
                if not server.port:
                    # jpserver-<pid>.json is written once the server listens (a partly written
                    # file fails to parse and is read again on the next round)
                    (info_file,) = runtime.glob("jpserver-*.json")
                    server.port = int(json.loads(info_file.read_text())["port"])
                server.api("GET", "status")
                break
            except (
                ValueError,  # no info file yet (unpacking), or an incomplete one (JSON, int)
                KeyError,
                OSError,  # includes urllib.error.URLError, ConnectionError, FileNotFoundError
                TimeoutError,
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab not up after {start_timeout} s:\n{server.log_tail()}"
                    ) from None
                time.sleep(0.25)
        yield server
    finally:
        stop_server(server)


# --------------------------------------------------------------------------------------------
# The browser side.

# Per-cell facts from the page. The notebook's cells are all in the DOM (JupyterLab's default
# windowing mode, "contentVisibility", only skips painting off-screen cells).
_CELLS_JS = r"""
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map(cell => ({
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputArea-prompt')?.textContent || '').trim(),
    live: cell.querySelectorAll('.lossviz-live').length,
    static: cell.querySelectorAll('figure.lossviz-slider').length,
    outputs: cell.querySelectorAll('.jp-OutputArea-output').length,
    stderr: [...cell.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    )].map(e => e.textContent.slice(0, 2000)),
    // Widgets that did not render: a view that threw (ipywidgets' error widget, "Click to show
    // javascript error"), JupyterLab's "Error displaying widget", or the plain-text fallback of a
    // widget (or of a lossviz slider figure) shown instead of the widget.
    broken_widgets: [
      ...[...cell.querySelectorAll('.jupyter-widgets-error-widget')]
        .map(e => 'a widget view failed (javascript error): ' + e.textContent.trim()),
      ...[...cell.querySelectorAll('.jp-OutputArea-output')]
        .map(e => e.textContent.trim())
        .filter(t => /^Error displaying widget|^(VBox|HBox|Box)\(|^<lossviz slider figure/.test(t)),
    ].map(t => t.slice(0, 300)),
  }));
}
"""

# Install the timing probes on a live figure: key presses (capture phase, before the slider
# library sees them), changes of the image's src attribute, and the new image's load event (it is
# decoded and ready to paint), all timed with performance.now() in the page.
_PROBE_JS = """
(box) => {
  const img = box.querySelector('img');
  const probe = {keys: [], changes: [], loads: []};
  box.__lossvizProbe = probe;
  box.addEventListener('keydown', e => {
    if (e.key.startsWith('Arrow')) probe.keys.push(performance.now());
  }, {capture: true});
  new MutationObserver(() => probe.changes.push(performance.now()))
    .observe(img, {attributes: true, attributeFilter: ['src']});
  img.addEventListener('load', () => probe.loads.push(performance.now()));
  return true;
}
"""

# SHA-256 of the image the figure shows now (blob: and data: URLs alike): "the image changed" means
# different pixels, not merely a new blob URL for the same bytes.
_IMAGE_HASH_JS = """
async (box) => {
  const img = box.querySelector('img');
  if (!img || !img.src) return null;
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
}
"""

_HANDLE_SELECTOR = ".noUi-handle, input[type=range], [role=slider]"


@dataclass
class NotebookRun:
    """What a reader sees after running one notebook in JupyterLab: one dict per cell, in order
    (``code``, ``prompt`` like ``"[3]:"``, counts of ``live`` and ``static`` slider figures and of
    ``outputs``, and the text of every ``stderr`` output: tracebacks and warnings, shown in red)."""

    name: str
    cells: list[dict]
    timings: dict[str, float] = field(default_factory=dict)

    def error_outputs(self) -> list[str]:
        """Tracebacks and stderr text, as 'cell N: text'."""
        return [f"cell {i}: {text}" for i, c in enumerate(self.cells) for text in c["stderr"]]

    def unrun_code_cells(self) -> list[int]:
        """Code cells whose prompt shows no execution count (not run, or still queued)."""
        return [
            i
            for i, c in enumerate(self.cells)
            if c["code"] and not re.fullmatch(r"\[\d+\]:", c["prompt"])
        ]


def _dismiss_kernel_dialog(page) -> None:
    """If JupyterLab asks which kernel to use (notebook without kernelspec), take the default."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "kernel" in dialog.inner_text().lower():
        dialog.locator(".jp-mod-accept").click()


def _kernels(server: LabServer) -> list[dict]:
    """The server's kernels; [] during the moment a starting kernel makes GET /api/kernels fail
    (jupyter_server 2.21 answers 500 while a new kernel has no ``last_activity`` yet)."""
    try:
        return server.api("GET", "kernels")
    except urllib.error.HTTPError as err:
        if err.code >= 500:
            return []
        raise


def _wait_idle(page, server: LabServer, timeout: float) -> None:
    """Until no cell is queued or running ([*]) and every kernel reports idle, twice in a row."""
    deadline = time.monotonic() + timeout
    calm = 0
    while calm < 2:
        if time.monotonic() > deadline:
            cells = page.evaluate(_CELLS_JS) or []
            busy = [i for i, c in enumerate(cells) if c["prompt"] == "[*]:"]
            raise TimeoutError(f"notebook still running after {timeout} s (cells {busy} busy)")
        _dismiss_kernel_dialog(page)
        cells = page.evaluate(_CELLS_JS) or []
        kernels = _kernels(server)
        running = any(c["prompt"] == "[*]:" for c in cells)
        idle = bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)
        calm = calm + 1 if (cells and idle and not running) else 0
        time.sleep(0.25)


def run_notebook(page, server: LabServer, name: str, timeout: float = 240.0) -> NotebookRun:
    """Open ``name`` (relative to the server's root) in a fresh workspace, Run All, wait for the
    kernel to finish; return what each cell shows."""
    timings = {}
    t0 = time.perf_counter()
    workspace = re.sub(r"[^A-Za-z0-9_-]", "-", Path(name).stem)
    page.goto(
        server.url(f"lab/workspaces/{workspace}/tree/{name}", reset="", token=server.token),
        wait_until="domcontentloaded",
    )
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    # The kernel must be up before "Run All" (the menu item is disabled without a session).
    _wait_for_kernel(page, server)
    timings["open"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled)", has_text="Run All Cells").first.click()
    # Run All marks every code cell queued at once; wait for them all to finish.
    _wait_idle(page, server, timeout)
    timings["run_all"] = time.perf_counter() - t1

    return NotebookRun(name, page.evaluate(_CELLS_JS), timings)


def _wait_for_kernel(page, server: LabServer, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        _dismiss_kernel_dialog(page)
        kernels = _kernels(server)
        if kernels and all(k["execution_state"] == "idle" for k in kernels):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"no idle kernel after {timeout} s: {kernels}")
        time.sleep(0.25)


@dataclass
class SliderResult:
    """Key presses on one live figure's slider: latency of each (ms) and what changed."""

    index: int
    latencies_ms: list[float]  # key press -> new image loaded
    src_latencies_ms: list[float]  # key press -> image src attribute changed
    first_image_changed: bool  # the pixels differ after the first press (not just a new URL)
    values: list[str]  # the slider's aria-valuenow after each press


def live_figures(page):
    return page.locator(".jp-NotebookPanel .lossviz-live")


_WAIT_FOR_LOAD_JS = """
async (b, [n, ms]) => {
  const t0 = performance.now();
  while (b.__lossvizProbe.loads.length <= n) {
    if (performance.now() - t0 > ms) return false;
    await new Promise(r => setTimeout(r, 2));
  }
  return true;
}
"""


_READY_JS = """
async (box, ms) => {
  const t0 = performance.now();
  const img = box.querySelector('img');
  // Off-screen cells are not painted (content-visibility), so wait for the image once in view.
  while (img && !(img.src && img.complete && img.naturalWidth > 0)) {
    if (performance.now() - t0 > ms) break;
    await new Promise(r => setTimeout(r, 20));
  }
  return {
    image: !!img && !!img.src && img.complete && img.naturalWidth > 0,
    width: img ? img.naturalWidth : 0,
    alt: img ? img.alt : null,
    handles: box.querySelectorAll('.noUi-handle, input[type=range], [role=slider]').length,
  };
}
"""


def live_figure_facts(page, index: int, timeout_ms: float = 10_000) -> dict:
    """Scroll live figure ``index`` into view; say whether its image loaded and its slider count."""
    box = live_figures(page).nth(index)
    box.scroll_into_view_if_needed()
    return box.evaluate(_READY_JS, timeout_ms)


def slider_latencies(
    page, index: int, presses: int = 5, timeout_ms: float = 5000, settle_s: float = 0.25
) -> SliderResult:
    """Press arrow keys on the first slider of live figure ``index``; time each new image.

    Each press goes through the keyboard to the focused slider handle (ArrowRight, or ArrowLeft
    while the slider is at its maximum). Latency: from the keydown event to the load event of the
    new image, both timed in the page. Raises ``TimeoutError`` if a press does not change the image.
    """
    box = live_figures(page).nth(index)
    box.scroll_into_view_if_needed()
    handle = box.locator(_HANDLE_SELECTOR).first
    box.evaluate(_PROBE_JS)
    hash_before = box.evaluate(_IMAGE_HASH_JS)
    latencies, src_latencies, values = [], [], []
    first_changed = False
    for press in range(presses):
        key = "ArrowLeft" if _at_max(handle) else "ArrowRight"
        n_changes, n_loads = box.evaluate(
            "b => [b.__lossvizProbe.changes.length, b.__lossvizProbe.loads.length]"
        )
        handle.focus()
        page.keyboard.press(key)
        if not box.evaluate(_WAIT_FOR_LOAD_JS, [n_loads, timeout_ms]):
            raise TimeoutError(
                f"live figure {index}: {key} (press {press + 1}) did not change the image "
                f"within {timeout_ms:.0f} ms"
            )
        probe = box.evaluate("b => b.__lossvizProbe")
        if len(probe["changes"]) <= n_changes:
            raise AssertionError(f"live figure {index}: an image loaded but its src did not change")
        key_t = probe["keys"][-1]
        latencies.append(probe["loads"][n_loads] - key_t)
        src_latencies.append(probe["changes"][n_changes] - key_t)
        values.append(handle.get_attribute("aria-valuenow") or "")
        if press == 0:
            first_changed = box.evaluate(_IMAGE_HASH_JS) != hash_before
        time.sleep(settle_s)  # let trailing messages (readouts) land before the next press
    return SliderResult(index, latencies, src_latencies, first_changed, values)


def widget_error_details(page) -> list[str]:
    """The messages of widget views that threw (ipywidgets shows them on a click)."""
    details = []
    errors = page.locator(".jp-NotebookPanel .jupyter-widgets-error-widget")
    for i in range(errors.count()):
        error = errors.nth(i)
        error.scroll_into_view_if_needed()
        error.click()
        text = " ".join(error.inner_text().split())
        details.append(re.sub(r"^\[Open Browser Console.*?message\]\s*", "", text)[:600])
    return details


def _at_max(handle) -> bool:
    value, vmax = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    try:
        return float(value) >= float(vmax)
    except (TypeError, ValueError):
        return False
