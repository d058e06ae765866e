"""A class of learners opening the same page: a burst (all at once) and an arrival (spread over 20 s), for
a blank notebook and the course's dashboards, served exactly as ``microloan serve`` serves them.

Each learner is an HTTP client that loads the whole rendered page (Voila streams it until every cell has
run in the learner's kernel), so the time measured is the time to a complete page, before the browser draws
the widgets. A page counts as failed when the request errors or times out, or when it holds fewer widget
views than the same page rendered alone (Voila's output timeout dropped a dashboard) or an error output.
The per-client kernel cap is off (every simulated learner shares 127.0.0.1); everything else is as under
``microloan serve``, whose fork server prepares the whole course after start-up: the bench waits until it has
(``--on-demand``: a notebook is prepared when its first page asks, and the single learner is that page). Memory per learner is the resident memory (RSS, and PSS, which shares libraries fairly) of the kernels
while every page is open. Then every page is closed the way the browser closes it (the page's shutdown
call with its XSRF cookie) and the kernels still running 5 s later are counted.

With ``--warm N`` each dashboard is served a second time, by its own server with a warm pool of N kernels for
that notebook only (``microloan serve --warm <notebook> --warm-size N``): the single learner arrives once the
pool is full and idle, and the burst and the arrival come after the pool has refilled. The blank notebook is
never warmed, so ``single_vs_blank`` of a ``warm N`` row is a warm dashboard against a cold blank page.

How to read the table (one row per notebook and pattern; ``pool`` is the warm pool size, 0 = none):

- ``single_s``: one learner on a quiet server, request to complete page (time to interactive, before the
  browser draws). ``single_vs_blank`` is the same against the blank notebook in the same run; the class
  targets are ≤ 1.2 without a pool and ≤ 0.5 with one.
- ``median_s`` / ``p95_s`` / ``max_s``: the class's page times. A burst on 2 cores is CPU-bound, so all
  pages finish together and p95 ≈ (kernels × CPU per render) / cores; ``p95_vs_blank`` (target ≤ 1.5) is the
  figure that survives other load on the machine, since both were measured minutes apart.
- ``single_cpu_s`` and ``cpu_per_learner_s``: CPU seconds of one page (its kernel from start to complete
  page, plus the server's work meanwhile), alone and averaged over a class (kernels incl. a refilled warm
  pool, plus the server). They hardly move with other load on the machine, and a burst's p95 on 2 cores is
  about learners × ``cpu_per_learner_s`` / 2, so ``cpu_vs_blank`` is the steadiest figure of all.
- ``failures``: pages that errored, timed out or came without their dashboard (must be 0).
- ``rss_per_learner_mib`` / ``pss_per_learner_mib``: kernel memory with every page open, divided by the
  learners (a warm row also counts the refilled pool); ``rss_vs_blank`` target ≤ 1.5.
- ``kernels_left``: kernels still running 5 s after every page closed, warm pool not counted (must be 0).

Absolute seconds move with whatever else the machine runs; compare ratios within one run, and runs made
close together. With ``--repeat N`` everything (the blank notebook too) is measured N times in turn, and each
figure is the median over the rounds (a ratio: the median of each round's ratio to its own blank notebook;
``rounds`` says how many); failures and kernels left are summed over the rounds.

Run: ``.venv/bin/python bench/bench_classroom.py [--learners 30] [--spread 20] [--notebooks blank,04c,...]
[--warm N] [--warm-notebooks 04c]``
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import math
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import memory_mib, report  # noqa: E402
from tests.browser_support import render_url, voila_server, wait_until_idle  # noqa: E402

NOTEBOOKS = {
    "blank": "bench/blank.ipynb",
    "04c": "course/04c_报表编制.ipynb",
    "04e": "course/04e_额度测算.ipynb",
    "05b": "course/05b_合作微贷.ipynb",
    "ex01": "exercises/ex01_报表重构.ipynb",
}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PAGE_TIMEOUT = 300
_CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">\s*(\{.*?\})\s*</script>', re.S)


class Learner:
    """One learner's browser, reduced to its cookie jar and the page it loaded."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.seconds = math.nan
        self.kernel_id = ""
        self.views = -1
        self.error = ""

    def open(self, url: str) -> None:
        start = time.perf_counter()
        try:
            with self.opener.open(url, timeout=PAGE_TIMEOUT) as response:
                page = response.read().decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            return
        self.seconds = time.perf_counter() - start
        self.views = page.count(WIDGET_VIEW)
        if '"output_type": "error"' in page or '"output_type":"error"' in page:
            self.error = "error output in page"
        config = _CONFIG.search(page)
        if config:
            self.kernel_id = str(json.loads(config.group(1)).get("kernelId", ""))
        else:
            self.error = self.error or "no page config"

    def close(self) -> bool:
        """The page's own shutdown call on unload (the template fetches the tree page for the cookie)."""
        if not self.kernel_id:
            return True
        try:
            if not any(c.name == "_xsrf" for c in self.jar):
                self.opener.open(f"{self.base}voila/tree/", timeout=60).read()
            token = next(c.value for c in self.jar if c.name == "_xsrf")
            request = urllib.request.Request(f"{self.base}voila/api/shutdown/{self.kernel_id}", data=b"",
                                             method="POST", headers={"X-XSRFToken": token})
            with self.opener.open(request, timeout=60) as response:
                return bool(response.status == 204)
        except (urllib.error.URLError, StopIteration, OSError):
            return False


def voila_process(base: str) -> psutil.Process:
    port = int(base.rstrip("/").rsplit(":", 1)[1])
    for connection in psutil.net_connections(kind="tcp"):
        if connection.laddr and connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return psutil.Process(connection.pid)
    raise RuntimeError("no process listens on the Voila port")


def children_running(server: psutil.Process, text: str, recursive: bool = True) -> list[psutil.Process]:
    """The server's child processes whose command line (or process title) contains ``text``."""
    found = []
    for child in server.children(recursive=recursive):
        try:
            if any(text in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def kernels(server: psutil.Process) -> list[psutil.Process]:
    """The kernels under the server (a forked kernel's process title starts ``ipykernel_launcher``)."""
    return children_running(server, "ipykernel")


def fork_servers(server: psutil.Process) -> list[psutil.Process]:
    """The server's fork server (microloan_sim.kernel_fork), whose memory and CPU the forked kernels share."""
    return children_running(server, "microloan_sim.kernel_fork", recursive=False)


def server_side(server: psutil.Process) -> list[psutil.Process]:
    """The Voila server and its fork server: the CPU a page costs besides its own kernel."""
    return [server, *fork_servers(server)]


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds the processes have used so far."""
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def wait_for_no_kernels(server: psutil.Process, limit: float = 60, keep: int = 0) -> int:
    """Wait until no more than ``keep`` kernels (a warm pool) run; the number left."""
    deadline = time.monotonic() + limit
    while len(kernels(server)) > keep and time.monotonic() < deadline:
        time.sleep(0.5)
    return len(kernels(server))


def wait_for_pool(server: psutil.Process, size: int, limit: float = 300) -> None:
    """Wait until ``size`` kernels run and are idle (their notebook rendered ahead)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pool = kernels(server)
        if len(pool) >= size:
            try:
                for process in pool:
                    process.cpu_percent(interval=None)  # starts each process's CPU measurement
                time.sleep(1.0)
                busy = sum(process.cpu_percent(interval=None) for process in pool)
            except psutil.Error:
                continue
            if busy < 5 * size:
                return
        else:
            time.sleep(0.5)
    raise RuntimeError(f"the warm pool of {size} did not fill within {limit:g} s")


def run_class(base: str, server: psutil.Process, notebook: str, learners: int, spread: float,
              expected_views: int, pool: int = 0) -> dict[str, Any]:
    url = render_url(base, notebook)
    crowd = [Learner(base) for _ in range(learners)]
    start = time.perf_counter() + 0.5

    def arrive(index: int, learner: Learner) -> None:
        time.sleep(max(0.0, start + index * spread / learners - time.perf_counter()))
        learner.open(url)

    threads = [threading.Thread(target=arrive, args=(i, learner)) for i, learner in enumerate(crowd)]
    server_cpu = cpu_seconds(server_side(server))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server_cpu = cpu_seconds(server_side(server)) - server_cpu
    open_kernels = kernels(server)
    rss, pss = memory_mib(open_kernels + fork_servers(server))   # the fork server's pages are the kernels' too
    kernel_cpu = cpu_seconds(open_kernels)  # a refilled warm pool's kernels included
    times = sorted(learner.seconds for learner in crowd if not math.isnan(learner.seconds))
    failed = [learner for learner in crowd if learner.error or learner.views < expected_views]
    closed_ok = sum(learner.close() for learner in crowd)
    time.sleep(5)
    left = max(0, len(kernels(server)) - pool)
    wait_for_no_kernels(server, keep=pool)
    return {
        "median_s": statistics.median(times) if times else math.nan,
        "p95_s": times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)] if times else math.nan,
        "max_s": times[-1] if times else math.nan,
        "failures": len(failed),
        "cpu_per_learner_s": (kernel_cpu + server_cpu) / learners,
        "rss_per_learner_mib": rss / learners,
        "pss_per_learner_mib": pss / learners,
        "shutdowns_refused": learners - closed_ok,
        "kernels_left": left,
        "failure_reasons": sorted({learner.error or f"{learner.views}/{expected_views} widget views"
                                   for learner in failed}),
    }


def measure(base: str, notebook: str, name: str, learners: int, spread: float, pool: int,
            kernels_kind: str = "forked") -> list[dict[str, Any]]:
    """The single learner, then the burst and the arrival, of one notebook on the server at ``base``."""
    server = voila_process(base)
    deadline = time.monotonic() + 60
    while kernels_kind == "forked" and not fork_servers(server) and time.monotonic() < deadline:
        time.sleep(0.2)   # the fork server starts with Voila
    for fork_server in fork_servers(server):
        wait_until_idle(fork_server)   # microloan serve's fork server prepares the course after start-up
    if pool:
        wait_for_pool(server, pool)
    alone = Learner(base)
    server_cpu = cpu_seconds(server_side(server))
    alone.open(render_url(base, notebook))  # a single learner on a quiet server: the reference page
    server_cpu = cpu_seconds(server_side(server)) - server_cpu
    single_rss, _ = memory_mib(kernels(server))
    own = [k for k in kernels(server) if any(alone.kernel_id and alone.kernel_id in part for part in k.cmdline())]
    single_cpu = cpu_seconds(own) + server_cpu  # the page's kernel from its start, and the server's share
    alone.close()
    wait_for_no_kernels(server, keep=pool)
    if alone.error:
        raise RuntimeError(f"{notebook} does not render alone: {alone.error}")
    rows = []
    for pattern, pause in (("burst", 0.0), (f"arrival {spread:g}s", spread)):
        if pool:
            wait_for_pool(server, pool)
        result = run_class(base, server, notebook, learners, pause, alone.views, pool)
        rows.append({"notebook": name, "kernels": kernels_kind if name != "blank" else "plain",
                     "pattern": pattern, "pool": pool, "learners": learners,
                     "single_s": alone.seconds, "single_cpu_s": single_cpu, "single_rss_mib": single_rss,
                     **result})
        print(rows[-1], flush=True)
    return rows


def one_round(args: argparse.Namespace, chosen: list[str], blank: dict[str, Path],
              serve: dict[str, Any]) -> list[dict[str, Any]]:
    """The blank notebook and every chosen dashboard, each on a server as ``microloan serve`` runs it."""
    rows: list[dict[str, Any]] = []
    # every simulated learner comes from 127.0.0.1: the per-client kernel cap would refuse all but 10
    with voila_server(ROOT, extra=blank, **serve) as base:
        for name in chosen:
            rows += measure(base, NOTEBOOKS[name], name, args.learners, args.spread, 0)
    if args.plain:   # the same dashboards with every kernel started the usual way (before the fork server)
        with voila_server(ROOT, extra=blank, **serve, fork_kernels=False) as base:
            for name in chosen:
                if name != "blank":
                    rows += measure(base, NOTEBOOKS[name], name, args.learners, args.spread, 0, "plain")
    if args.warm:
        warmed = [name.strip() for name in args.warm_notebooks.split(",") if name.strip()] or chosen
        for name in warmed:
            if name == "blank":
                continue
            with voila_server(ROOT, extra=blank, **serve, warm={NOTEBOOKS[name]: args.warm}) as base:
                rows += measure(base, NOTEBOOKS[name], name, args.learners, args.spread, args.warm)
    return rows


def with_ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row's figures against the blank notebook's of the same round and pattern."""
    for row in rows:
        same = next(r for r in rows if r["notebook"] == "blank" and r["pattern"] == row["pattern"])
        row["p95_vs_blank"] = row["p95_s"] / same["p95_s"]
        row["single_vs_blank"] = row["single_s"] / same["single_s"]
        row["cpu_vs_blank"] = row["cpu_per_learner_s"] / same["cpu_per_learner_s"]
        row["rss_vs_blank"] = row["rss_per_learner_mib"] / same["rss_per_learner_mib"]
        row["pss_vs_blank"] = row["pss_per_learner_mib"] / same["pss_per_learner_mib"]
    return rows


def median_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of the table from the same row of every round: the median of each figure (a ratio is the median
    of the rounds' ratios, each against its own round's blank notebook); failures and kernels left are summed,
    and ``rounds`` says how many there were."""
    merged: dict[str, Any] = {}
    for key, value in rows[0].items():
        values = [row[key] for row in rows]
        if key in ("failures", "kernels_left", "shutdowns_refused"):
            merged[key] = sum(values)
        elif isinstance(value, float):
            merged[key] = statistics.median(values)
        elif key == "failure_reasons":
            merged[key] = "; ".join(reason for row in rows for reason in row[key]) or "-"
        else:
            merged[key] = value
    merged["rounds"] = len(rows)
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--spread", type=float, default=20.0, help="seconds over which the arrival is spread")
    parser.add_argument("--notebooks", default=",".join(NOTEBOOKS), help="comma-separated: " + ",".join(NOTEBOOKS))
    parser.add_argument("--warm", type=int, default=0, metavar="N",
                        help="also serve each dashboard with a warm pool of N kernels (0: no warm runs)")
    parser.add_argument("--plain", action="store_true",
                        help="also serve the dashboards with kernels started the usual way (no fork server)")
    parser.add_argument("--warm-notebooks", default="", help="the dashboards served warm (default: all chosen)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="measure everything N times (blank included, in turn) and print the medians: a burst's "
                             "wall time on a shared 2-core machine varies by a third from run to run")
    parser.add_argument("--on-demand", action="store_true",
                        help="serve as microloan serve --prepare-on-demand: a notebook is prepared in the fork server "
                             "when its first page asks (the single learner is then that first page)")
    args = parser.parse_args()
    serve = {"max_kernels_per_client": 0, "prepare_course": not args.on_demand}
    chosen = [name.strip() for name in args.notebooks.split(",") if name.strip()]
    if "blank" not in chosen:
        chosen.insert(0, "blank")  # every figure is read against the blank notebook of the same run
    blank = {"bench/blank.ipynb": ROOT / "bench" / "blank.ipynb"}
    rounds = []
    for round_number in range(1, args.repeat + 1):   # each round measures blank and every dashboard afresh
        print(f"round {round_number} of {args.repeat}", flush=True)
        rounds.append(with_ratios(one_round(args, chosen, blank, serve)))
    rows = [median_row([round_rows[i] for round_rows in rounds]) for i in range(len(rounds[0]))]
    report("classroom", rows)


if __name__ == "__main__":
    main()
