"""Real Chromium against a real Voila server: in 03b, choosing at each of the eight stages replays the loan
12 months later; changing one choice changes the result and the chart."""
from __future__ import annotations

from pathlib import Path

import pytest

from microloan_sim.performance import load_review

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

_SUMMARY = "document.querySelector('.ml-review .ml-review-summary')"
_CHART = "document.querySelector('.ml-review-chart img')"


def test_a_choice_in_03b_changes_the_12_months_later_chart(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    review = load_review()
    open_notebook(page, voila, "course/03b_流程风险管控.ipynb")
    root = page.locator(".ml-review").first
    summary = root.locator(".ml-review-summary")
    summary.wait_for(timeout=90_000)
    assert "还有 8 个环节未选择" in summary.inner_text()
    assert root.locator(".ml-review-chart img").count() == 0                  # no replay before every choice

    for stage in review.stages:                                              # every flag caught
        root.locator(f".ml-stage-{stage.id} .widget-toggle-button", has_text=stage.best).first.click()
    page.wait_for_function(f"() => {_SUMMARY}.dataset.dpd === '0' && {_CHART} !== null")
    good_text = summary.inner_text()
    assert "12 个月后" in good_text and "漏掉了 0 个风险信号" in good_text
    good_chart = root.locator(".ml-review-chart img").first.get_attribute("src")

    # the intermediary at intake is waved through: its fee and its bridging loan drain the borrower's cash
    root.locator(".ml-stage-intake .widget-toggle-button", has_text="通过").first.click()
    page.wait_for_function(f"() => {_SUMMARY}.dataset.dpd !== '0'")
    page.wait_for_function(f"s => {_CHART} !== null && {_CHART}.src !== s", arg=good_chart)
    bad_text = summary.inner_text()
    assert "漏掉了 1 个风险信号" in bad_text and int(summary.get_attribute("data-dpd") or "0") > 30
    assert root.locator(".ml-review-chart img").count() == 2                  # arrears and days-past-due charts
    assert "中介代办" in root.inner_text()                                  # the feedback names the flag
    assert "Traceback" not in page.content()


def test_the_book_dashboard_reacts_to_the_shock_rate(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/03b_流程风险管控.ipynb")
    summary = page.locator(".ml-book [data-par30]").first
    summary.wait_for(timeout=90_000)
    before = float(summary.get_attribute("data-par30") or "0")
    handle = page.locator(".ml-book .widget-slider").nth(1).locator(".noUi-handle").first
    handle.click()
    for _ in range(20):                                                      # +2 points of monthly shock risk
        page.keyboard.press("ArrowRight")
    page.wait_for_function("p => Number(document.querySelector('.ml-book [data-par30]').dataset.par30) !== p",
                           arg=before)
    assert float(summary.get_attribute("data-par30") or "0") > before
    assert "Traceback" not in page.content()


def test_ex06_feedback_replays_the_decision(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    import microloan_sim as ml

    open_notebook(page, voila, "exercises/ex06_综合授信.ipynb")
    learner = page.locator(".ml-learner input").first
    learner.wait_for(timeout=90_000)
    learner.fill("浏览器测试-06")
    from .browser_support import TEST_COURSE_KEY

    key = ml.exercises.get("ex06").expected(ml.gradebook.exam_variant("ex06", "浏览器测试-06", TEST_COURSE_KEY.encode()))
    page.locator(".ml-answer-recommended input").first.fill(f"{key['recommended'] * 2:,.0f}")   # twice the key
    page.locator(".ml-answer-decision select").first.select_option(label="批准")
    page.locator(".ml-submit button, button.ml-submit").first.click()
    story = page.locator(".ml-consequence").first
    story.wait_for()
    assert "12 个月后" in story.inner_text() and "示例参数" in story.inner_text()
    assert page.locator(".ml-feedback-output img").count() == 1                 # the arrears chart
    assert "Traceback" not in page.content()


def test_ex08_red_flags_are_graded(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    import microloan_sim as ml

    open_notebook(page, voila, "exercises/ex08_流程风险.ipynb")
    learner = page.locator(".ml-learner input").first
    learner.wait_for(timeout=90_000)
    learner.fill("浏览器测试-08")
    page.locator(".ml-start button, button.ml-start").first.click()
    page.locator(".ml-documents table").first.wait_for()
    assert "贷款档案" in page.locator(".ml-documents").first.inner_text()
    from .browser_support import TEST_COURSE_KEY

    key = ml.exercises.get("ex08").expected(ml.gradebook.exam_variant("ex08", "浏览器测试-08", TEST_COURSE_KEY.encode()))
    for stage_id, answer in key.items():
        if stage_id != "findings":
            choice = answer[0] if isinstance(answer, list) else answer
            page.locator(f".ml-answer-{stage_id} select").first.select_option(label=choice)
    page.locator(".ml-submit button, button.ml-submit").first.click()
    page.locator(".ml-score").first.wait_for()
    # every item of ex08 is a choice: before the last of 3 attempts the form says only 已提交 (grading policy);
    # the score of these answers (80 of 100) is checked in tests/test_performance.py
    assert "总分在最后一次提交后显示" in page.locator(".ml-score").first.inner_text()
    feedback = page.locator(".ml-feedback").first.inner_text()
    assert "已提交" in feedback and "正确" not in feedback and "错误" not in feedback
    assert "第 1 次提交，共 3 次；计分方式：以最后一次为准" in page.locator(".ml-feedback-output").first.inner_text()
    assert "Traceback" not in page.content()
