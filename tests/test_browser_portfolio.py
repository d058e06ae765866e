"""Real Chromium against a real Voila server: the 03 granularity simulator reacts to the correlation slider."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

_SUMMARY = "document.querySelector('.ml-granularity-summary')"
_CHART = "document.querySelector('.ml-loss-chart img')"


def _wait_until_stable(page, locator, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Wait until the locator's text is the same on two reads one second apart."""
    deadline = time.monotonic() + seconds
    previous = locator.inner_text()
    while time.monotonic() < deadline:
        page.wait_for_timeout(1_000)
        current = locator.inner_text()
        if current == previous:
            return
        previous = current
    raise AssertionError(f"the summary kept changing: {previous}")


def _loss_99(text: str) -> float:
    match = re.search(r"99% 分位损失 ([\d,.]+) 万元", text)
    assert match, text
    return float(match.group(1).replace(",", ""))


def test_correlation_slider_changes_the_loss_distribution(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/03_微贷革命.ipynb")
    summary = page.locator(".ml-granularity-summary").first
    summary.wait_for(timeout=90_000)
    chart = page.locator(".ml-loss-chart img").first
    chart.wait_for()
    before_text, before_chart = summary.inner_text(), chart.get_attribute("src")
    assert "ρ = 0.095" in before_text and "200 笔" in before_text       # Basel other retail at PD 2% (0.0946), 200 loans
    handle = page.locator(".ml-rho .noUi-handle").first
    handle.focus()
    for _ in range(10):                       # ten steps of 0.01: a much more correlated book
        page.keyboard.press("ArrowRight")
    # every key press is one change (0.0946 → about 0.19); wait until the summary shows a ρ past 0.18 and settles
    page.wait_for_function(
        f"() => {{ const m = {_SUMMARY}.innerText.match(/ρ = ([0-9.]+)/); return m && parseFloat(m[1]) > 0.18; }}")
    page.wait_for_function(f"s => {_CHART} && {_CHART}.getAttribute('src') !== s", arg=before_chart)
    _wait_until_stable(page, summary)
    after_text = summary.inner_text()
    assert _loss_99(after_text) > _loss_99(before_text)          # more correlation, fatter tail
    assert "预期损失 10.00 万元" in before_text and "预期损失 10.00 万元" in after_text   # EL does not move
    assert "Traceback" not in page.content()
