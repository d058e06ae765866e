"""Warm kernels for the lesson in progress (issue 16, item 2): ``microloan serve --warm 04c`` keeps a kernel
of 04c started and rendered ahead, and the next learner who opens 04c is served by it.

The learner's page names its kernel (``kernelId`` in the page's config); a kernel started for the request
would not exist before it, a warm one does. Kernels are read from the server's child processes (their
connection file ``kernel-<id>.json`` is on their command line).
"""
from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from microloan_sim import serving

from .browser_support import listening_process, render_url, voila_server

NOTEBOOK = "course/04c_报表编制.ipynb"
_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)
_KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_ids(base: str) -> set[str]:
    """Ids of the kernels running under the Voila server that listens on ``base``'s port."""
    server = listening_process(base)
    found = set()
    for child in server.children(recursive=True):
        try:
            found.update(m.group(1) for part in child.cmdline() for m in [_KERNEL_FILE.search(part)] if m)
        except psutil.Error:
            continue
    return found


@pytest.mark.slow
def test_a_warm_lesson_notebook_is_served_by_a_kernel_started_before_the_learner_came(tmp_path: Path) -> None:
    warm = serving.parse_warm(["04c"], serving.project_root(), size=1)
    assert warm == {NOTEBOOK: 1}
    with voila_server(log=tmp_path / "voila.log", warm=warm) as base:
        deadline = time.monotonic() + 180
        while not kernel_ids(base) and time.monotonic() < deadline:
            time.sleep(0.5)
        waiting = kernel_ids(base)
        assert len(waiting) == 1  # one warm kernel for 04c, none for the rest of the course
        with urllib.request.urlopen(render_url(base, NOTEBOOK), timeout=240) as response:
            page = response.read().decode("utf-8")
        config = _CONFIG.search(page)
        assert config is not None
        assert json.loads(config.group(1))["kernelId"] in waiting  # the warm kernel served this learner
        assert "application/vnd.jupyter.widget-view+json" in page  # the dashboard, rendered ahead
        shown = ("某月损益", "净资产")  # the worked examples under the dashboard (04c cells 4 and 6)
        assert all(text in page or json.dumps(text)[1:-1] in page for text in shown), page[-3000:]
        assert '"output_type": "error"' not in page and "Traceback" not in page
