"""Course kernels forked from the fork server (microloan_sim/kernel_fork.py), against a real Voila server.

Every browser test of a course page runs on forked kernels too (``microloan serve``'s default); these tests check
the process tree, the fall-back and the faults: a killed fork server, a killed Voila server."""
from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from microloan_sim import kernel_fork, serving

from .browser_support import REPO, listening_process, render_url, voila_server, wait_until_idle

COURSE_PAGE = "course/04c_报表编制.ipynb"
PLAIN_PAGE = "bench/blank.ipynb"            # outside the course folders: a kernel started the usual way
_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def fork_servers(server: psutil.Process) -> list[psutil.Process]:
    return [child for child in server.children()
            if any("microloan_sim.kernel_fork" in part for part in child.cmdline())]


def kernel_process(server: psutil.Process, kernel_id: str) -> psutil.Process:
    return next(child for child in server.children(recursive=True)
                if any(f"kernel-{kernel_id}.json" in part for part in child.cmdline()))


class Page:
    """A learner's page over HTTP: the rendered page, its kernel id, and the page's own shutdown call."""

    def __init__(self, base: str, notebook: str) -> None:
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.jar, self.opener = jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with self.opener.open(render_url(base, notebook), timeout=240) as response:
            self.html = response.read().decode("utf-8")
        config = _CONFIG.search(self.html)
        assert config is not None, self.html[-2000:]
        self.kernel_id = str(json.loads(config.group(1))["kernelId"])

    def close(self) -> int:
        self.opener.open(f"{self.base}voila/tree/", timeout=60).read()
        token = next(c.value for c in self.jar if c.name == "_xsrf")
        request = urllib.request.Request(f"{self.base}voila/api/shutdown/{self.kernel_id}", data=b"",
                                         method="POST", headers={"X-XSRFToken": token})
        with self.opener.open(request, timeout=60) as response:
            return int(response.status)


@contextlib.contextmanager
def course_server(tmp_path: Path, **options: Any) -> Iterator[tuple[str, psutil.Process, psutil.Process]]:
    """A Voila server as ``microloan serve`` runs it: (base URL, the Voila process, its fork server)."""
    with voila_server(log=tmp_path / "voila.log", **options) as base:
        server = listening_process(base)
        assert wait_until(lambda: bool(fork_servers(server)))        # started with Voila, before any learner
        yield base, server, fork_servers(server)[0]


def probe_notebook(folder: Path, *sources: str) -> Path:
    """A notebook of code cells ``sources`` written into ``folder`` (served under course/ by the tests)."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "probe.ipynb")
    return folder / "probe.ipynb"


def wait_until(condition, limit: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_serve_forks_course_kernels_unless_told_not_to() -> None:
    flag = f"--KernelProvisionerFactory.default_provisioner_name={kernel_fork.FORK_PROVISIONER}"
    assert flag in serving.voila_command(Path("course"), 8866)
    assert flag not in serving.voila_command(Path("course"), 8866, fork_kernels=False)


def test_serve_prepares_the_whole_course_unless_told_to_wait_for_pages() -> None:
    from microloan_sim import cli

    def command(*options: str) -> list[str]:
        args = cli.build_parser().parse_args(["serve", *options])
        return serving.voila_command(Path("course"), 8866, prepare_course=not args.prepare_on_demand)

    assert "--MicroloanVoila.prepare_course=True" in command()
    assert "--MicroloanVoila.prepare_course=False" in command("--prepare-on-demand")


@pytest.mark.slow
def test_a_course_page_runs_in_a_forked_kernel_and_another_page_in_a_plain_one(tmp_path: Path) -> None:
    with course_server(tmp_path, extra={PLAIN_PAGE: REPO / PLAIN_PAGE}) as (base, server, fork):
        course = Page(base, COURSE_PAGE)
        assert course.html.count(WIDGET_VIEW) >= 5 and "Traceback" not in course.html
        kernel = kernel_process(server, course.kernel_id)
        assert kernel.ppid() == fork.pid                              # forked from the fork server
        assert kernel.cmdline()[0] == "ipykernel_launcher"            # and named as a kernel in the process list
        assert "(microloan fork)" in " ".join(kernel.cmdline())
        assert kernel.cwd().endswith("course")                        # in its notebook's folder, as Voila asked
        plain = Page(base, PLAIN_PAGE)
        assert kernel_process(server, plain.kernel_id).ppid() == server.pid
        # the page's own shutdown call frees the forked kernel, as it frees a plain one
        assert course.close() == 204 and plain.close() == 204
        assert wait_until(lambda: gone(kernel.pid), 30)
        log = (tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")
        assert "预载内核服务不可用" not in log


@pytest.mark.slow
def test_a_killed_fork_server_is_replaced_and_pages_keep_rendering(tmp_path: Path) -> None:
    with course_server(tmp_path) as (base, server, first):
        open_page = Page(base, COURSE_PAGE)
        orphan = kernel_process(server, open_page.kernel_id)
        os.kill(first.pid, signal.SIGKILL)
        assert wait_until(lambda: gone(first.pid), 10)
        time.sleep(5)                                       # longer than the kernels' watch interval
        assert not gone(orphan.pid)                         # the open page's kernel outlives its fork server
        page = Page(base, COURSE_PAGE)                      # the next learner still gets a complete page
        assert page.html.count(WIDGET_VIEW) >= 5 and "Traceback" not in page.html
        second = fork_servers(server)
        assert len(second) == 1 and second[0].pid != first.pid
        assert kernel_process(server, page.kernel_id).ppid() == second[0].pid
        assert open_page.close() == 204 and wait_until(lambda: gone(orphan.pid), 30)


@pytest.mark.slow
def test_the_fork_server_and_its_kernels_end_with_the_voila_server(tmp_path: Path) -> None:
    with course_server(tmp_path) as (base, server, fork):
        page = Page(base, COURSE_PAGE)
        kernel = kernel_process(server, page.kernel_id)
        server.kill()                                       # no clean shutdown: SIGKILL
        assert wait_until(lambda: gone(server.pid), 10)
    assert wait_until(lambda: gone(fork.pid), 15)
    assert wait_until(lambda: gone(kernel.pid), 15)


@pytest.mark.slow
def test_a_page_runs_without_the_notebooks_self_checks(tmp_path: Path) -> None:
    """The hidden ``# 自检`` cells assert the course's numbers for nbval; a learner's page does not run them."""
    probe_notebook(tmp_path, 'print("页面内容" + "已显示")', '# 自检（学员看不到代码）\nprint("自检" + "运行了")')
    with course_server(tmp_path, extra={"course/probe.ipynb": tmp_path / "probe.ipynb"}) as (base, _, _):
        page = Page(base, "course/probe.ipynb")
        assert "页面内容已显示" in page.html                   # the page's own cell ran
        assert "自检运行了" not in page.html                  # the self-check did not
        page.close()


PROBE = 'import microloan_sim as ml\nprint("已算好的开场视图：" + ",".join(sorted({k[0] for k in ml.ui._common._VIEWS})))'


@pytest.mark.slow
def test_a_notebook_is_opened_once_in_the_fork_server_before_its_kernels_are_forked(tmp_path: Path) -> None:
    """The first page of a course notebook makes the fork server run that notebook once, before forking its kernel,
    so its kernel and every later one start with the dashboards' opening views worked out (04e: the sizing
    calculator). A notebook nobody opened is not run."""
    probe_notebook(tmp_path, PROBE)

    def views(base: str) -> set[str]:
        page = Page(base, "course/zz_probe.ipynb")
        page.close()
        shown = re.search(r"已算好的开场视图：([\w,]*)", page.html)
        assert shown is not None, page.html[-2000:]
        return set(filter(None, shown.group(1).split(",")))

    with course_server(tmp_path, extra={"course/zz_probe.ipynb": tmp_path / "probe.ipynb"}) as (base, _, _):
        assert views(base) == set()                                   # nothing opened yet
        sizing = Page(base, "course/04e_额度测算.ipynb")
        assert sizing.html.count(WIDGET_VIEW) >= 5 and "Traceback" not in sizing.html
        sizing.close()
        assert views(base) == {"sizing_calculator"}                   # 04e's views, and only those


@pytest.mark.slow
def test_the_fork_server_is_replaced_when_the_data_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An instructor who edits a case or a product file while the class runs: the fork server (which read them)
    ends, and the next page gets a fork server that reads the edited files."""
    import shutil

    casebook = tmp_path / "casebook"
    shutil.copytree(REPO / "casebook", casebook, ignore=shutil.ignore_patterns("*.ipynb"))
    monkeypatch.setenv("MICROLOAN_CASEBOOK", str(casebook))
    with course_server(tmp_path) as (base, server, first):
        Page(base, COURSE_PAGE).close()
        records = next(casebook.glob("C01_*/monthly_records.csv"))
        records.write_text(records.read_text(encoding="utf-8"), encoding="utf-8")   # same text, a new time
        assert wait_until(lambda: gone(first.pid), 30)
        page = Page(base, COURSE_PAGE)
        assert page.html.count(WIDGET_VIEW) >= 5 and "Traceback" not in page.html
        assert kernel_process(server, page.kernel_id).ppid() not in (first.pid, server.pid)   # a new fork server
        page.close()


@pytest.mark.slow
def test_a_forked_kernel_answers_the_widget_managers_like_any_kernel(tmp_path: Path) -> None:
    """ipywidgets registers its comm targets when it is imported in a running kernel; the fork server imported it
    before any kernel existed, so the forked kernel registers them itself. Without the control target the page asks
    for each widget's state one by one, and 06's 900 widgets stayed 'Loading widget...' for minutes."""
    probe_notebook(tmp_path, "import comm\nprint('注册的通信目标：' + ','.join(sorted(comm.get_comm_manager().targets)))")
    with course_server(tmp_path, extra={"course/zz_targets.ipynb": tmp_path / "probe.ipynb"}) as (base, server, fork):
        page = Page(base, "course/zz_targets.ipynb")
        assert kernel_process(server, page.kernel_id).ppid() == fork.pid
        shown = re.search(r"注册的通信目标：([\w.,]*)", page.html)
        assert shown is not None, page.html[-2000:]
        assert {"jupyter.widget", "jupyter.widget.control"} <= set(shown.group(1).split(","))
        page.close()


@pytest.mark.slow
def test_a_forked_kernel_shows_a_pyplot_chart_like_any_kernel(tmp_path: Path) -> None:
    """matplotlib was imported before the kernel chose its inline backend: a notebook drawing with pyplot still
    gets its chart in the page (the course draws without pyplot; an instructor's own notebook may not)."""
    probe_notebook(tmp_path, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('pyplot')")
    with course_server(tmp_path, extra={"course/zz_pyplot.ipynb": tmp_path / "probe.ipynb"}) as (base, server, fork):
        page = Page(base, "course/zz_pyplot.ipynb")
        assert kernel_process(server, page.kernel_id).ppid() == fork.pid
        assert "image/png" in page.html and "Traceback" not in page.html   # the chart's output
        page.close()


@pytest.mark.slow
def test_the_lessons_notebooks_are_opened_before_the_first_learner(tmp_path: Path) -> None:
    """``microloan serve --warm 04e``: the fork server opens the lesson's notebooks before it forks any kernel, so
    the first learner's kernel (and the warm pool's) starts with their opening views too."""
    probe_notebook(tmp_path, PROBE)
    warm = {"course/04e_额度测算.ipynb": 1}
    with course_server(tmp_path, extra={"course/zz_probe.ipynb": tmp_path / "probe.ipynb"}, warm=warm) as (base, _, _):
        page = Page(base, "course/zz_probe.ipynb")        # nobody has opened 04e
        page.close()
        shown = re.search(r"已算好的开场视图：([\w,]*)", page.html)
        assert shown is not None and "sizing_calculator" in shown.group(1).split(","), page.html[-2000:]


@pytest.mark.slow
def test_microloan_serve_prepares_the_whole_course_and_serves_pages_meanwhile(tmp_path: Path) -> None:
    """``microloan serve`` (prepare_course, its default): after start-up the fork server opens every notebook of
    course/, one at a time while no page waits, so the first learner of any page finds its opening views ready
    (04e: the sizing calculator; 05b: the product comparison and the schedule explorer). A page asked for while it
    prepares is served complete."""
    probe_notebook(tmp_path, PROBE)
    with course_server(tmp_path, extra={"course/zz_probe.ipynb": tmp_path / "probe.ipynb"},
                       prepare_course=True) as (base, _, fork_server):
        early = Page(base, "course/05b_合作微贷.ipynb")      # asked for while the course is being prepared
        assert early.html.count(WIDGET_VIEW) >= 5 and "Traceback" not in early.html
        early.close()
        assert wait_until_idle(fork_server)
        page = Page(base, "course/zz_probe.ipynb")
        page.close()
        shown = re.search(r"已算好的开场视图：([\w,]*)", page.html)
        assert shown is not None, page.html[-2000:]
        assert {"sizing_calculator", "product_comparator", "schedule_explorer"} <= set(shown.group(1).split(","))
