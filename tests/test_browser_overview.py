"""Real Chromium against a real Voila server: in 01 the 没有经审计报表 switch changes who the traditional rule
serves (summary and chart), and the review-level buttons change the missed problems; in 02 changing the
officer's decision in a failure replay changes days past due, loss and the chart."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

_METHODS = "document.querySelector('.ml-methods .ml-methods-summary')"
_METHODS_CHART = "document.querySelector('.ml-methods-chart img')"
_SPREAD = "document.querySelector('.ml-spread .ml-spread-summary')"
_FAILURE = "document.querySelector('.ml-failure .ml-failure-summary')"
_FAILURE_CHART = "document.querySelector('.ml-failure-chart img')"


def test_01_switch_and_review_level_change_the_results(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/01_微贷概述.ipynb")
    summary = page.locator(".ml-methods .ml-methods-summary").first
    summary.wait_for(timeout=120_000)
    page.locator(".ml-methods-chart img").first.wait_for()
    # by hand from data/lending_models.yaml: only C02 and C08 have audited statements and a house
    assert summary.get_attribute("data-traditional") == "2"
    ipc_before = summary.get_attribute("data-ipc")
    chart_before = page.locator(".ml-methods-chart img").first.get_attribute("src")
    page.locator(".ml-no-audited input").first.check()
    page.wait_for_function(f"() => {_METHODS}.dataset.traditional === '0'")
    page.wait_for_function(f"s => {_METHODS_CHART} && {_METHODS_CHART}.src !== s", arg=chart_before)
    assert summary.get_attribute("data-ipc") == ipc_before           # IPC does not read audited statements
    assert "传统规则给 0 户发放" in summary.inner_text()

    spread = page.locator(".ml-spread .ml-spread-summary").first
    spread.wait_for()
    missed_desk = int(spread.get_attribute("data-missed") or "-1")
    assert missed_desk > 0 and float(spread.get_attribute("data-over") or "0") > 0
    page.locator(".ml-spread .widget-toggle-button", has_text="IPC 全套").first.click()
    page.wait_for_function(f"() => {_SPREAD}.dataset.missed === '0'")
    assert spread.get_attribute("data-over") == "0"
    assert "Traceback" not in page.content()


def test_02_changing_the_decision_changes_dpd_and_loss(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    from microloan_sim.performance import replay_all

    expected = {r.option.id: r.outcome for r in replay_all("over_borrowing")}
    open_notebook(page, voila, "course/02_成功案例.ipynb")
    summary = page.locator(".ml-failure .ml-failure-summary").first
    summary.wait_for(timeout=120_000)
    page.wait_for_function(f"() => {_FAILURE}.dataset.option === 'ignore' && {_FAILURE_CHART} !== null")
    assert summary.get_attribute("data-dpd") == str(expected["ignore"]["max_dpd"])
    assert float(summary.get_attribute("data-loss") or "0") > 0
    chart_before = page.locator(".ml-failure-chart img").first.get_attribute("src")
    page.locator(".ml-failure .widget-toggle-button", has_text="核实全部负债").first.click()
    page.wait_for_function(f"() => {_FAILURE}.dataset.option === 'verify'")
    assert summary.get_attribute("data-dpd") == "0" and summary.get_attribute("data-loss") == "0"
    assert "不放款" in summary.inner_text()
    page.wait_for_function(f"s => !{_FAILURE_CHART} || {_FAILURE_CHART}.src !== s", arg=chart_before)

    # another pattern: the repayment method of the pig farmer
    page.locator(".ml-failure .ml-pattern select").first.select_option(label="还款计划不合理")
    page.wait_for_function(f"() => {_FAILURE}.dataset.option === 'equal_installment'")
    assert int(summary.get_attribute("data-dpd") or "0") > 30
    page.locator(".ml-failure .widget-toggle-button", has_text="利随本清").first.click()
    page.wait_for_function(f"() => {_FAILURE}.dataset.option === 'bullet'")
    assert summary.get_attribute("data-dpd") == "0"

    card = page.locator(".ml-cards .ml-card").first                 # the sourced case cards render their sources
    card.wait_for()
    assert page.locator(".ml-cards .ml-fig").count() > 0
    assert "Traceback" not in page.content()
