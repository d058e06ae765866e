"""Real Chromium against a real Voila server: in 06 the marketing planner reacts to a budget slider, the
围点打援 dashboard to the delay, the campaign checker to a checkbox; ex12 grades a submitted key."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_support import CHROMIUM, TEST_COURSE_KEY, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

_PLANNER = "document.querySelector('.ml-planner .ml-planner-summary')"


def test_the_planner_budget_slider_changes_the_funnel(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/06_微贷营销.ipynb")
    planner = page.locator(".ml-planner").first
    summary = planner.locator(".ml-planner-summary")
    summary.wait_for(timeout=120_000)
    before = int(summary.get_attribute("data-disbursed") or "0")
    chart = planner.locator(".widget-output img").first.get_attribute("src")
    handle = planner.locator(".ml-days-grid .noUi-handle").first
    handle.click()
    for _ in range(8):                                                        # +40 officer-days of 网格化
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"b => Number({_PLANNER}.dataset.disbursed) > b", arg=before, timeout=60_000)
    page.wait_for_function("s => document.querySelector('.ml-planner .widget-output img').src !== s", arg=chart)
    assert "每笔放款成本" in summary.inner_text() and "示例参数" in planner.inner_text()
    assert "Traceback" not in page.content()

    shock = page.locator(".ml-shock").first
    shock.scroll_into_view_if_needed()
    peak = float(shock.locator(".ml-shock-summary").get_attribute("data-peak") or "0")
    assert peak > 0
    shock.locator(".ml-delay .noUi-handle").first.click()
    for _ in range(2):                                                        # 60 → 0 days late
        page.keyboard.press("ArrowLeft")
    page.wait_for_function("p => Number(document.querySelector('.ml-shock .ml-shock-summary').dataset.peak) < p",
                           arg=peak, timeout=60_000)

    campaign = page.locator(".ml-campaign").first
    campaign.scroll_into_view_if_needed()
    findings = campaign.locator(".ml-campaign-summary")
    first = int(findings.get_attribute("data-findings") or "0")
    assert first >= 2 and "第十三条" in campaign.inner_text()               # no consent, no opt-out, 3 a week
    campaign.locator(".ml-consent input").first.check()
    campaign.locator(".ml-opt-out input").first.check()
    page.wait_for_function("n => Number(document.querySelector('.ml-campaign .ml-campaign-summary').dataset.findings) < n",
                           arg=first - 1)
    assert "第十三条" not in campaign.locator(".widget-output").first.inner_text()
    assert "Traceback" not in page.content()


def test_ex12_grades_the_key(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    import microloan_sim as ml

    open_notebook(page, voila, "exercises/ex12_营销规划.ipynb")
    learner = page.locator(".ml-learner input").first
    learner.wait_for(timeout=120_000)
    learner.fill("浏览器测试-12")
    page.locator(".ml-start button, button.ml-start").first.click()
    # the form grades the keyed exam county, and shows its own planner on it (no 学员编号 box inside)
    key = ml.exercises.get("ex12").expected(ml.gradebook.exam_variant("ex12", "浏览器测试-12", TEST_COURSE_KEY.encode()))
    tools = page.locator(".ml-exam-tools").first
    tools.wait_for(timeout=120_000)
    assert tools.locator(".ml-variant").count() == 0
    page.locator(".ml-answer-grid_loans input").first.fill(f"{key['grid_loans']:.0f}")
    page.locator(".ml-answer-hhi input").first.fill(f"{key['hhi']:.4f}")
    page.locator(".ml-answer-best_strategy select").first.select_option(label=key["best_strategy"])
    page.locator(".ml-submit button, button.ml-submit").first.click()
    feedback = page.locator(".ml-feedback-output").first
    feedback.wait_for()
    page.wait_for_function("() => document.querySelector('.ml-feedback-output').innerText.includes('正确')",
                           timeout=60_000)
    assert "Traceback" not in page.content()
