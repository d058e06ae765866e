"""Real Chromium against a real Voila server: the 04b cross-check dashboard reacts to the evidence toggles,
the 04a off-site dashboard to its flag filter, and the casebook browser to its month picker."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]


_FIRST_SUMMARY = "document.querySelector('.ml-crosscheck .ml-verdict-summary')"
_ROWS = "(s => document.querySelector('.ml-crosscheck').querySelectorAll('tr.' + s).length)"


def test_unticking_the_bank_statement_changes_the_verdicts(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/04b_交叉验证.ipynb")
    dashboard = page.locator(".ml-crosscheck").first
    summary = dashboard.locator(".ml-verdict-summary")
    summary.wait_for(timeout=90_000)
    before = summary.inner_text()
    before_bad = int(summary.get_attribute("data-bad") or "0")
    assert "矛盾" in before and "使用了全部证据" in before and before_bad >= 1
    bank_row = dashboard.locator("tr.ml-check-sales_from_bank_flows")
    assert bank_row.count() == 1
    assert bank_row.get_attribute("data-verdict") == "矛盾"
    assert dashboard.locator("tr.ml-check-debt_service").count() == 1
    assert dashboard.locator(".ml-crosscheck-chart img").count() >= 1          # the deviation chart

    dashboard.locator(".ml-evidence-bank_transactions input[type=checkbox]").uncheck()
    page.wait_for_function(f"t => {_FIRST_SUMMARY}.innerText !== t", arg=before)
    page.wait_for_function(f"() => {_ROWS}('ml-check-sales_from_bank_flows') === 0")
    after = summary.inner_text()
    assert "未使用的证据：银行流水" in after
    assert int(summary.get_attribute("data-bad") or "0") < before_bad             # a 矛盾 disappeared
    assert dashboard.locator("tr.ml-check-sales_from_bank_flows").count() == 0
    assert dashboard.locator("tr.ml-check-debt_service").count() == 0
    assert dashboard.locator("tr.ml-check-sales_from_purchases").count() == 1     # other checks stay

    dashboard.locator(".ml-evidence-reset button, button.ml-evidence-reset").first.click()
    page.wait_for_function(f"t => {_FIRST_SUMMARY}.innerText === t", arg=before)
    page.wait_for_function(f"() => {_ROWS}('ml-check-sales_from_bank_flows') === 1")
    assert dashboard.locator("tr.ml-check-sales_from_bank_flows").count() == 1
    assert "Traceback" not in page.content()


def test_unticking_a_respondent_changes_a_verdict_row(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/04b_交叉验证.ipynb")
    dashboard = page.locator(".ml-crosscheck").first
    rows = dashboard.locator("tr.ml-check-source_disagreement")
    rows.first.wait_for(timeout=90_000)
    before = rows.count()
    summary = dashboard.locator(".ml-verdict-summary")
    text = summary.inner_text()
    dashboard.locator(".ml-evidence-item", has_text="配偶").locator("input[type=checkbox]").uncheck()
    page.wait_for_function(f"t => {_FIRST_SUMMARY}.innerText !== t", arg=text)
    page.wait_for_function(f"n => {_ROWS}('ml-check-source_disagreement') < n", arg=before)
    assert 0 < rows.count() < before
    assert "配偶" in summary.inner_text()
    assert "Traceback" not in page.content()


def test_offsite_flag_filter_changes_the_table(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/04a_大数据与非现场调查.ipynb")
    dashboard = page.locator(".ml-offsite").first
    dashboard.locator(".ml-offsite-summary").wait_for(timeout=90_000)
    assert "城郊便利店" in dashboard.locator(".ml-summary").inner_text()
    dashboard.locator(".widget-output img").first.wait_for()                     # the monthly flow chart
    dashboard.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="异常交易").first.click()
    flagged = dashboard.locator(".ml-flagged")
    flagged.locator("table").wait_for()
    before = flagged.inner_text()
    select = dashboard.locator(".ml-flag-filter select")
    select.select_option(label=select.locator("option", has_text="过账").first.inner_text())
    page.wait_for_function("t => document.querySelector('.ml-offsite .ml-flagged').innerText !== t", arg=before)
    assert "过账" in flagged.inner_text() and "王德贵" in flagged.inner_text()
    assert "示例参数" in dashboard.inner_text()
    assert "Traceback" not in page.content()


def test_case_browser_month_picker(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "casebook/案例浏览.ipynb")
    browser_root = page.locator(".ml-casebook").first
    browser_root.locator(".ml-summary").wait_for(timeout=90_000)
    browser_root.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text="银行流水").first.click()
    table = browser_root.locator(".ml-bank-table")
    table.locator("table").wait_for()
    before = table.inner_text()
    assert "2025-01" in before
    month = browser_root.locator(".ml-bank-month select")
    month.select_option(label=month.locator("option", has_text="2025-02").first.inner_text())
    page.wait_for_function("t => document.querySelector('.ml-casebook .ml-bank-table').innerText !== t",
                           arg=before)
    assert "2025-02" in table.inner_text()
    assert "Traceback" not in page.content()
