"""Kernel lifecycle under ``microloan serve`` (issue 16, item 1), in a real Voila + Chromium.

The server is started exactly as ``microloan serve`` starts it, only with short culling times so that the
test does not wait minutes: a closed page frees its kernel at once through the page's own shutdown call (the
XSRF check stays on), a page abandoned without closing is culled after the idle timeout, and a page left
open and idle past the timeout still answers a widget change.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

CULL_IDLE_TIMEOUT = 15
CULL_INTERVAL = 5
PROBE = "lifecycle/kernel_probe.ipynb"
PROBE_CODE = """\
import ipywidgets as widgets
slider = widgets.IntSlider(value=3, min=0, max=10, description="数量")
result = widgets.Label(value="结果 6")
def _double(change):
    result.value = f"结果 {change['new'] * 2}"
slider.observe(_double, names="value")
widgets.VBox([slider, result])
"""


@pytest.fixture(scope="module")
def lifecycle_voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from .browser_support import voila_server

    folder = tmp_path_factory.mktemp("lifecycle")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# 内核回收测试"), nbformat.v4.new_code_cell(PROBE_CODE)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    probe = folder / "kernel_probe.ipynb"
    nbformat.write(notebook, probe)
    with voila_server(log=folder / "voila.log", extra={PROBE: probe},
                      cull_idle_timeout=CULL_IDLE_TIMEOUT, cull_interval=CULL_INTERVAL) as base:
        yield base


def kernel_alive(base: str, kernel_id: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}api/kernels/{kernel_id}", timeout=10) as response:
            return bool(json.load(response)["id"] == kernel_id)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


def seconds_until_gone(base: str, kernel_id: str, limit: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if not kernel_alive(base, kernel_id):
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def open_probe(browser, base: str):  # type: ignore[no-untyped-def]
    from .browser_support import loopback_only, open_notebook

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(90_000)
    loopback_only(page)
    open_notebook(page, base, PROBE)
    page.wait_for_selector(".widget-slider .noUi-handle")
    page.wait_for_selector("text=结果 6")
    kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    return context, page, str(kernel_id)


def test_closed_pages_free_their_kernels_at_once_with_xsrf_kept(lifecycle_voila: str, browser) -> None:  # type: ignore[no-untyped-def]
    base = lifecycle_voila
    opened = [open_probe(browser, base) for _ in range(2)]
    assert len({kernel_id for _, _, kernel_id in opened}) == 2
    for context, _page, kernel_id in opened:
        assert kernel_alive(base, kernel_id)
        # the template's fix set the cookie the page's shutdown call needs
        assert any(cookie["name"] == "_xsrf" for cookie in context.cookies())
    # the XSRF check is still on: a shutdown without the token is refused and the kernel lives on
    request = urllib.request.Request(f"{base}voila/api/shutdown/{opened[0][2]}", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert kernel_alive(base, opened[0][2])

    for context, page, kernel_id in opened:
        page.close(run_before_unload=True)
        freed_after = seconds_until_gone(base, kernel_id, CULL_IDLE_TIMEOUT + CULL_INTERVAL + 30)
        context.close()
        assert freed_after is not None, "a closed page's kernel was never freed"
        # well before the culler could have done it: the page's own shutdown call worked
        assert freed_after < CULL_IDLE_TIMEOUT, freed_after
        print(f"closed page: kernel freed after {freed_after:.1f} s")


def test_an_abandoned_page_is_culled(lifecycle_voila: str, browser) -> None:  # type: ignore[no-untyped-def]
    base = lifecycle_voila
    context, page, kernel_id = open_probe(browser, base)
    page.close()  # no unload handlers run: like a crashed browser or a laptop lid shut
    closed = time.monotonic()
    assert kernel_alive(base, kernel_id)
    freed_after = seconds_until_gone(base, kernel_id, CULL_IDLE_TIMEOUT + CULL_INTERVAL + 30)
    context.close()
    assert freed_after is not None, "an abandoned page's kernel was never culled"
    print(f"abandoned page: kernel culled {time.monotonic() - closed:.1f} s after the tab went away")


def test_an_open_idle_page_outlives_the_idle_timeout_and_still_reacts(lifecycle_voila: str, browser) -> None:  # type: ignore[no-untyped-def]
    base = lifecycle_voila
    context, page, kernel_id = open_probe(browser, base)
    time.sleep(CULL_IDLE_TIMEOUT + 2 * CULL_INTERVAL + 2)  # a learner reading, touching nothing
    assert kernel_alive(base, kernel_id)
    page.focus(".widget-slider .noUi-handle")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("text=结果 8", timeout=15_000)  # computed in the kernel: 4 × 2
    page.close(run_before_unload=True)
    assert seconds_until_gone(base, kernel_id, 30) is not None
    context.close()


def kernel_processes(base: str) -> int:
    """Kernels running under the Voila server listening on ``base``'s port (warm ones included)."""
    from .browser_support import listening_process

    server = listening_process(base)
    return sum(1 for child in server.children(recursive=True)
               if any("ipykernel" in part for part in child.cmdline()))


@pytest.mark.slow
def test_a_warm_pool_serves_the_lesson_notebook_and_no_other(tmp_path: Path) -> None:
    from .browser_support import voila_server

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(PROBE_CODE)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    other = "lifecycle/other.ipynb"
    with voila_server(log=tmp_path / "voila.log", extra={PROBE: tmp_path / "probe.ipynb", other: tmp_path / "probe.ipynb"},
                      warm={PROBE: 2}) as base:
        deadline = time.monotonic() + 120
        while kernel_processes(base) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # any pool that should not exist (other notebooks, the whole course) would show by now
        assert kernel_processes(base) == 2  # two warm kernels for the lesson notebook, none for any other
        with urllib.request.urlopen(f"{base}voila/render/{PROBE}", timeout=120) as response:
            page = response.read().decode("utf-8")
        assert "application/vnd.jupyter.widget-view+json" in page and "\\u7ed3\\u679c 6" in page  # 结果 6
