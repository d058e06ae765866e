"""Time-to-interactive of dashboards in Chromium under Voila, against a blank notebook in the same run,
and the time a dashboard takes to react to a widget change.

Run: ``.venv/bin/python bench/bench_dashboards.py [rounds]``
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from _report import report  # noqa: E402
from tests.browser_support import launch_browser, loopback_only, render_url, voila_server  # noqa: E402

#: notebook -> CSS selector that shows the dashboard is ready, and a change to time (selector, option index, probe)
DASHBOARDS = {
    "bench/blank.ipynb": ("#rendered_cells", None),
    "course/04c_报表编制.ipynb": (".ml-summary", (".ml-case select", 1, ".ml-summary")),
    "course/04e_额度测算.ipynb": (".ml-binding", (".ml-sizing-method select", 2, ".ml-binding")),
    "course/05b_合作微贷.ipynb": (".ml-compare-summary", (".ml-case select", 2, ".ml-compare-summary")),
    "exercises/ex01_报表重构.ipynb": (".ml-learner input", None),
}


def time_to_interactive(page, url: str, ready: str) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    page.goto(url)
    page.locator(ready).first.wait_for(state="visible", timeout=120_000)
    return time.perf_counter() - start


def reaction(page, change: tuple[str, int, str]) -> float:  # type: ignore[no-untyped-def]
    selector, index, probe = change
    before = page.locator(probe).first.inner_text()
    start = time.perf_counter()
    page.locator(selector).first.select_option(index=index)
    page.wait_for_function("([s, t]) => document.querySelector(s).innerText !== t", arg=[probe, before])
    return time.perf_counter() - start


def main(rounds: int = 5) -> None:
    results: dict[str, list[float]] = {name: [] for name in DASHBOARDS}
    reactions: dict[str, list[float]] = {name: [] for name in DASHBOARDS}
    with voila_server(ROOT) as base, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        for _ in range(rounds):
            for notebook, (ready, change) in DASHBOARDS.items():  # interleaved: same conditions for both
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                page = context.new_page()
                loopback_only(page)
                results[notebook].append(time_to_interactive(page, render_url(base, notebook), ready))
                if change:
                    page.wait_for_timeout(300)
                    for index in (change[1], 0, change[1]):
                        reactions[notebook].append(reaction(page, (change[0], index, change[2])))
                context.close()
        browser.close()
    blank = statistics.median(results["bench/blank.ipynb"])
    rows = []
    for notebook, timings in results.items():
        median = statistics.median(timings)
        rows.append({"notebook": notebook, "rounds": len(timings), "tti_median_s": median,
                     "tti_min_s": min(timings), "ratio_vs_blank": median / blank,
                     "reaction_median_ms": statistics.median(reactions[notebook]) * 1000 if reactions[notebook] else "-"})
    report("dashboards", rows)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
