"""Shared helpers for the browser tests: a local HTTP server and Debian's Chromium via playwright.

Every http(s) request to a host other than the local server is blocked and recorded, so a test can
fail on any attempt to reach the network (CDN scripts, fonts, ...). No browser is ever downloaded:
playwright drives ``/usr/bin/chromium`` from Debian's package (installed by scripts/setup.sh).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from reaching out on its own (updates, sync, ...) in a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output readable
        pass


@contextlib.contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 at a free port; yield the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class NetworkLog:
    """What the page tried to fetch: blocked external requests and failed local ones.

    ``failed`` holds local requests that failed in the network layer *and* local responses with
    an HTTP error status (a 404 for a missing MathJax extension or image is a failure too).
    """

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def clear(self) -> None:
        """Forget what was logged so far (between two pages)."""
        self.blocked.clear()
        self.failed.clear()


def guard(context, log: NetworkLog) -> None:
    """Block every non-local request of ``context`` and record failures in ``log``."""

    def route(route, request) -> None:
        url = request.url
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            log.blocked.append(url)
            route.abort()
        else:
            route.continue_()

    def request_failed(request) -> None:
        if request.url in log.blocked:  # a blocked request is already logged as such
            return
        if request.failure == "net::ERR_ABORTED":
            # The page itself cancelled it: an image whose src changed again before it arrived
            # (a slider moved twice), or a load cut short by the next navigation. A missing or
            # broken file shows as an HTTP error status (below) or another network error.
            return
        log.failed.append(f"{request.url} ({request.failure})")

    def response(response) -> None:
        if response.status >= 400:
            log.failed.append(f"{response.url} (HTTP {response.status})")

    context.route("**/*", route)
    context.on("requestfailed", request_failed)
    context.on("response", response)


def fresh_context(context, log: NetworkLog, **options):
    """Another context (empty cache, own storage) of the same browser, guarded the same way."""
    other = context.browser.new_context(**options)
    guard(other, log)
    return other


@contextlib.contextmanager
def chromium(**context_options) -> Iterator[tuple[object, NetworkLog]]:
    """Yield ``(context, log)``: a playwright browser context with the network blocked."""
    from playwright.sync_api import sync_playwright

    log = NetworkLog()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(**context_options)
            guard(context, log)
            yield context, log
            context.close()
        finally:
            browser.close()
