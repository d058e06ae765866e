"""Real Chromium against a real Voila server: a 想一想 box opens its reference answer only after the learner has
typed their own answer."""
from __future__ import annotations

from pathlib import Path

import pytest

from microloan_sim.ui.reflections import load_reflections

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

_BUTTON = "document.querySelector('.ml-reflection button.ml-reflection-button')"


def test_typing_in_the_guide_reflection_box_reveals_the_reference_answer(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    answer = load_reflections()["00-1"].answer
    open_notebook(page, voila, "course/00_导学.ipynb")
    root = page.locator(".ml-reflection").first
    box = root.locator("textarea").first
    box.wait_for(timeout=90_000)
    button = root.locator("button.ml-reflection-button").first
    assert button.is_disabled() and "先写下你的想法，再查看参考答案" in root.inner_text()
    assert answer[:20] not in page.content()                     # not in the page before it is earned

    box.click()
    page.keyboard.type("练习答案不能照抄")                          # as a learner types, key by key
    page.wait_for_function(f"() => {_BUTTON} !== null && !{_BUTTON}.disabled")
    button.click()
    shown = root.locator(".ml-reflection-answer").first
    page.wait_for_function("s => (document.querySelector('.ml-reflection .ml-reflection-answer')?.innerText ?? '')"
                           ".includes(s)",
                           arg=answer[:20])
    assert "参考答案" in shown.inner_text() and "收起参考答案" in button.inner_text()
    assert "Traceback" not in page.content()
