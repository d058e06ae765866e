"""Memory of a class behind the hub: 30 learners each log in and open 04c, against 30 opening a blank notebook.

The hub is started exactly as ``microloan classroom`` starts it (tests/test_classroom_hub.py does the same),
on loopback, with a roster of ``--learners`` learners and one instructor. Each learner is an HTTP client
(``requests``, no browser): it fetches the login page for its XSRF cookie, posts the roster password, asks
the hub to start its server (``/hub/spawn/<name>``), then loads the notebook's Voila page until it is complete
(Voila streams the page while the cells run in the learner's kernel, so a complete page means a rendered
dashboard). With every page open, the resident memory (RSS, and PSS, which shares libraries fairly) of the
learner servers (``jupyterhub-singleuser``) and of their kernels is summed with psutil; the hub, the proxy and
the idle culler are reported apart. Then the hub is stopped by its pid (it stops the servers it started);
any server or kernel still alive after that is stopped by its pid too. Kernel culling is set long (see
``start_hub``): an HTTP learner holds no websocket, and would otherwise lose its kernel after 90 s.

The blank notebook (bench/blank.ipynb) is copied into the learners' served folder for the comparison: what a
learner costs before any dashboard. Learners arrive ``--parallel`` at a time.

Run: ``.venv/bin/python bench/bench_hub_memory.py [--learners 30] [--parallel 6] [--notebooks 04c,blank]``
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import memory_mib, report  # noqa: E402

from microloan_sim.cli import classroom_setup  # noqa: E402
from tests.browser_support import free_port  # noqa: E402

NOTEBOOKS = {"04c": "course/04c_报表编制.ipynb", "blank": "bench/blank.ipynb"}
PAGE_TIMEOUT = 600
_XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
_KERNEL = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')


class Learner:
    def __init__(self, base: str, name: str, password: str) -> None:
        self.base, self.name, self.password = base, name, password
        self.session = requests.Session()
        self.seconds = float("nan")
        self.kernel_id = ""
        self.error = ""

    def open(self, notebook: str) -> None:
        start = time.perf_counter()
        try:
            login = self.session.get(f"{self.base}hub/login", timeout=60)
            xsrf = _XSRF.search(login.text)
            form = {"username": self.name, "password": self.password, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
            answer = self.session.post(f"{self.base}hub/login?next=", data=form, timeout=120)
            if "login_error" in answer.text:
                raise RuntimeError("login refused")
            self.session.get(f"{self.base}hub/spawn/{self.name}", timeout=120)
            page_url = f"{self.base}user/{self.name}/voila/render/{notebook}"
            deadline = time.monotonic() + PAGE_TIMEOUT
            while True:  # until the server is up and the page rendered
                page = self.session.get(page_url, timeout=PAGE_TIMEOUT)
                found = _KERNEL.search(page.text)
                if page.status_code == 200 and found:
                    self.kernel_id = found.group(1)
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no page after {PAGE_TIMEOUT} s (last status {page.status_code})")
                time.sleep(1.0)
            if '"output_type": "error"' in page.text:
                self.error = "error output in page"
        except (requests.RequestException, RuntimeError, TimeoutError) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return
        self.seconds = time.perf_counter() - start


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def is_server(process: psutil.Process) -> bool:
    try:
        return process.cmdline()[1:3] == ["-m", "jupyterhub.singleuser"]
    except psutil.Error:
        return False


def start_hub(folder: Path, learners: int, blank: Path) -> tuple[subprocess.Popen[bytes], str, list[Path], Any]:
    roster = folder / "roster.csv"
    rows = [f"learner{i:02d},pass-{i:04d},学员" for i in range(1, learners + 1)] + ["teacher,pass-9999,讲师"]
    roster.write_text("账号,初始密码,角色\n" + "\n".join(rows) + "\n", encoding="utf-8")
    port = free_port()
    # Everything as `microloan classroom` sets it except the kernel culling: these HTTP learners never open
    # the page's widget websocket a browser keeps open, so the 90-s rule for pages without a connection would
    # cull their kernels while the class is still arriving (a first run counted 18 of 30 kernels for 04c).
    command, env, roots = classroom_setup(roster, state_dir=folder / "state", port=port, data=folder / "data",
                                          cull_idle_timeout=3600, cull_interval=600)
    (roots[0] / "bench").mkdir(exist_ok=True)
    shutil.copyfile(blank, roots[0] / "bench" / "blank.ipynb")
    env.pop("MICROLOAN_DB_URL", None)
    log = open(folder / "hub.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, env=env, cwd=folder / "state", stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited early; see {folder / 'hub.log'}")
        try:
            if requests.get(f"{base}hub/login", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("JupyterHub did not start within 180 s")
        time.sleep(0.5)
    return process, base, roots, log


def stop_hub(process: subprocess.Popen[bytes], roots: list[Path], log: Any) -> None:
    left = [p.pid for p in descendants(process.pid)]
    os.killpg(process.pid, signal.SIGTERM)  # the hub stops the servers and the proxy it started
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    time.sleep(2)
    for pid in left:  # anything the hub left behind, by its pid
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            pass
    log.close()
    for root in roots:
        shutil.rmtree(root, ignore_errors=True)


def run(notebook_key: str, learners: int, parallel: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="microloan-hub-bench-"))
    process, base, roots, log = start_hub(folder, learners, ROOT / NOTEBOOKS["blank"])
    try:
        class_ = [Learner(base, f"learner{i:02d}", f"pass-{i:04d}") for i in range(1, learners + 1)]
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(lambda learner: learner.open(NOTEBOOKS[notebook_key]), class_))
        wall = time.perf_counter() - start
        time.sleep(3)  # let the last kernels settle after their page completed
        tree = descendants(process.pid)
        servers = [p for p in tree if is_server(p)]
        kernels = [k for s in servers for k in descendants(s.pid)]
        others = [p for p in tree if p not in servers and p not in kernels]
        server_rss, server_pss = memory_mib(servers)
        kernel_rss, kernel_pss = memory_mib(kernels)
        hub_rss, _ = memory_mib([psutil.Process(process.pid), *others])
        times = [learner.seconds for learner in class_ if not learner.error]
        failures = [learner.error for learner in class_ if learner.error]
        for failure in sorted(set(failures)):
            print(f"  {notebook_key}: {failures.count(failure)} × {failure}", file=sys.stderr)
        return {
            "notebook": notebook_key, "learners": learners, "pages_ok": len(times), "servers": len(servers),
            "kernels": len(kernels), "servers_rss_mib": server_rss, "kernels_rss_mib": kernel_rss,
            "total_rss_mib": server_rss + kernel_rss, "rss_per_learner_mib": (server_rss + kernel_rss) / learners,
            "total_pss_mib": server_pss + kernel_pss, "pss_per_learner_mib": (server_pss + kernel_pss) / learners,
            "hub_proxy_culler_rss_mib": hub_rss,
            "login_to_page_median_s": statistics.median(times) if times else float("nan"),
            "login_to_page_max_s": max(times) if times else float("nan"), "wall_s": wall,
        }
    finally:
        stop_hub(process, roots, log)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--parallel", type=int, default=6, help="learners arriving at once")
    parser.add_argument("--notebooks", default="04c,blank")
    args = parser.parse_args()
    if shutil.which("configurable-http-proxy") is None:
        sys.exit("configurable-http-proxy not installed (bash tools/install_hub_proxy.sh)")
    rows = [run(key.strip(), args.learners, args.parallel) for key in args.notebooks.split(",")]
    report("hub_memory", rows)


if __name__ == "__main__":
    main()
