"""Time-to-interactive of dashboards in Chromium under Voila, against a blank notebook in the same run,
and the time a dashboard takes to react to a widget change.

Run: ``.venv/bin/python bench/bench_dashboards.py [rounds]``
"""
from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from _report import report  # noqa: E402
from tests.browser_support import launch_browser, loopback_only, render_url, voila_server  # noqa: E402

#: notebook -> CSS selector that shows the dashboard is ready, and a change to time (selector, option index, probe)
DASHBOARDS = {
    "bench/blank.ipynb": ("#rendered_cells", None),
    "course/03_微贷革命.ipynb": (".ml-economics-summary", (".ml-shock select", 1, ".ml-granularity-summary")),
    "course/04c_报表编制.ipynb": (".ml-summary", (".ml-case select", 1, ".ml-summary")),
    "course/04e_额度测算.ipynb": (".ml-binding", (".ml-sizing-method select", 2, ".ml-binding")),
    "course/05b_合作微贷.ipynb": (".ml-compare-summary", (".ml-case select", 2, ".widget-output table")),
    "exercises/ex01_报表重构.ipynb": (".ml-learner input", None),
    "course/03b_流程风险管控.ipynb": (".ml-review-cost table", (".ml-playback select", 1, ".ml-playback-summary")),
}


def time_to_interactive(page, url: str, ready: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds from navigation until ``ready`` is visible; NaN if the page never became ready in 120 s."""
    start = time.perf_counter()
    try:
        page.goto(url, timeout=120_000)
        page.locator(ready).first.wait_for(state="visible", timeout=120_000)
    except PlaywrightTimeout:
        return math.nan
    return time.perf_counter() - start


def reaction(page, change: tuple[str, int, str]) -> float:  # type: ignore[no-untyped-def]
    """Seconds from choosing option ``index`` until the probe's text changes; NaN if it did not within 30 s."""
    selector, index, probe = change
    page.wait_for_timeout(200)  # let the previous change finish drawing before reading the probe
    before = page.locator(probe).first.inner_text()
    start = time.perf_counter()
    page.locator(selector).first.select_option(index=index)
    try:
        page.wait_for_function("([s, t]) => document.querySelector(s).innerText !== t", arg=[probe, before],
                               timeout=30_000)
    except PlaywrightTimeout:
        return math.nan
    return time.perf_counter() - start


def main(rounds: int = 5) -> None:
    results: dict[str, list[float]] = {name: [] for name in DASHBOARDS}
    reactions: dict[str, list[float]] = {name: [] for name in DASHBOARDS}
    hangs: dict[str, int] = dict.fromkeys(DASHBOARDS, 0)
    silent: dict[str, int] = dict.fromkeys(DASHBOARDS, 0)  # widget changes with no visible reaction in 30 s
    blank = {"bench/blank.ipynb": ROOT / "bench" / "blank.ipynb"}  # a project root serves only course/ etc.
    with voila_server(ROOT, extra=blank) as base, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        for _ in range(rounds):
            for notebook, (ready, change) in DASHBOARDS.items():  # interleaved: same conditions for both
                context = browser.new_context(viewport={"width": 1280, "height": 1000})
                page = context.new_page()
                loopback_only(page)
                seconds = time_to_interactive(page, render_url(base, notebook), ready)
                if math.isnan(seconds):  # counted, not hidden: a learner would have to reload
                    hangs[notebook] += 1
                    context.close()
                    continue
                results[notebook].append(seconds)
                if change:
                    page.wait_for_timeout(300)
                    for index in (change[1], 0, change[1]):
                        reacted = reaction(page, (change[0], index, change[2]))
                        if math.isnan(reacted):
                            silent[notebook] += 1
                        else:
                            reactions[notebook].append(reacted)
                context.close()
        browser.close()
    baseline = statistics.median(results["bench/blank.ipynb"])
    rows = []
    for notebook, timings in results.items():
        median = statistics.median(timings) if timings else math.nan
        rows.append({"notebook": notebook, "rounds": rounds, "never_ready": hangs[notebook], "tti_median_s": median,
                     "tti_min_s": min(timings, default=math.nan), "ratio_vs_blank": median / baseline,
                     "reaction_median_ms": statistics.median(reactions[notebook]) * 1000 if reactions[notebook] else "-",
                     "reaction_max_ms": max(reactions[notebook]) * 1000 if reactions[notebook] else "-",
                     "no_reaction": silent[notebook] if DASHBOARDS[notebook][1] else "-"})
    report("dashboards", rows)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
