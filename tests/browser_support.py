"""Start Voila on a free loopback port and drive Debian's Chromium with Playwright (no browser download).

Used by the browser tests and by bench/bench_dashboards.py.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from microloan_sim.cli import build_served_root, serve_environment, voila_command

REPO = Path(__file__).resolve().parents[1]
#: The course key of the test Voila servers, so a browser test can compute a learner's exam variant
#: (``microloan_sim.gradebook.exam_variant(exercise, learner, TEST_COURSE_KEY.encode())``).
TEST_COURSE_KEY = "浏览器测试课程密钥"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def voila_server(source: Path = REPO, *, instructor: bool = False, preheat: bool = False,
                 log: Path | None = None, data_dir: Path | None = None,
                 extra: Mapping[str, Path] | None = None, **serve_options: Any) -> Iterator[str]:
    """Serve ``source`` exactly as ``microloan serve`` does (mirrored root, learner mode by default, a private
    throw-away gradebook data directory); yields the base URL; stops Voila by its pid.

    ``extra`` maps served paths to files copied into the served root as well (the benchmark's blank
    notebook, which a project root would not serve). ``serve_options`` are passed to ``voila_command``
    (e.g. short ``cull_idle_timeout`` / ``cull_interval`` for the kernel lifecycle tests).

    Unlike ``microloan serve``, the fork server prepares a course notebook only when its first page asks for it
    (``prepare_course=False``, unless a test asks): the suite starts some 30 servers, and preparing the whole
    course costs each about 20 s of one core right when its test opens its pages."""
    serve_options.setdefault("prepare_course", False)
    port = free_port()
    data = data_dir or Path(tempfile.mkdtemp(prefix="microloan-test-data-"))
    root = build_served_root(source, instructor=instructor, exclude=[data])
    for served, file in (extra or {}).items():
        (root / served).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, root / served)
    sink = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(voila_command(root, port, preheat=preheat, **serve_options),
                               env={**serve_environment(data, instructor=instructor),
                                    "MICROLOAN_COURSE_KEY": TEST_COURSE_KEY}, cwd=root,
                               stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Voila exited early with code {process.returncode}")
            try:
                with urllib.request.urlopen(base, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError("Voila did not start within 90 s") from None
                time.sleep(0.3)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):   # a test may have killed the whole group already
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        if log:
            sink.close()  # type: ignore[union-attr]
        shutil.rmtree(root, ignore_errors=True)
        if data_dir is None:
            shutil.rmtree(data, ignore_errors=True)


def listening_process(base: str) -> Any:
    """The process (psutil.Process) that listens on ``base``'s port: the Voila server a test started."""
    import psutil

    port = int(base.rstrip("/").rsplit(":", 1)[1])
    return next(psutil.Process(c.pid) for c in psutil.net_connections(kind="tcp")
                if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN)


def wait_until_idle(process: Any, quiet: float = 3.0, limit: float = 180.0) -> bool:
    """Wait until ``process`` (psutil.Process) has used no CPU for ``quiet`` seconds (a fork server that has
    prepared the course); whether it did within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    last, since = -1.0, time.monotonic()
    while time.monotonic() < deadline:
        times = process.cpu_times()
        used = times.user + times.system
        if used != last:
            last, since = used, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
        time.sleep(0.25)
    return False


def render_url(base: str, notebook: str) -> str:
    """URL of a notebook (path relative to the served root) under Voila's renderer."""
    return f"{base}voila/render/{quote(notebook)}"


def open_notebook(page, base: str, notebook: str) -> None:  # type: ignore[no-untyped-def]
    """Open a notebook under Voila, with one reload if the first render stalls.

    Before the dashboards set their Output widgets' ``outputs`` directly, about one first render in ten on a
    fresh server stalled for ever (voila#1428); none has been seen since. The reload stays as insurance, but it
    is reported as a warning in the test summary, never hidden.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.goto(render_url(base, notebook), timeout=60_000)
    except PlaywrightTimeout:
        warnings.warn(f"Voila render of {notebook} stalled; reloaded once", RuntimeWarning, stacklevel=2)
        page.goto(render_url(base, notebook))


def launch_browser(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def loopback_only(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Abort every request that leaves the loopback range; returns the list of blocked URLs."""
    blocked: list[str] = []

    def route(request_route):  # type: ignore[no-untyped-def]
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked
