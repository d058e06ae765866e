"""Real Chromium against a real Voila server: in course 07 the disclosure checker reacts to the 砍头息 checkbox
(the true annualised rate rises and a 《民法典》第670条 finding appears)."""
from __future__ import annotations

from pathlib import Path

import pytest

from .browser_support import CHROMIUM, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]

# the headline is emptied while a change is computed: read it null-safely
_IRR = "(e => e ? parseFloat(e.dataset.irr) : NaN)(document.querySelector('.ml-disclosure .ml-true-rate'))"


def test_ticking_upfront_interest_raises_the_true_rate_and_cites_article_670(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/07_法律合规.ipynb")
    dashboard = page.locator(".ml-disclosure").first
    rate = dashboard.locator(".ml-true-rate")
    rate.wait_for(timeout=90_000)
    before = float(rate.get_attribute("data-irr") or "nan")
    assert 9.6 < before < 30                                       # above the advertised 9.6 %: fees count too
    assert dashboard.locator("tr.ml-finding-annual_rate_understated").count() == 1
    assert dashboard.locator("tr.ml-finding-upfront_interest").count() == 0
    assert "示例参数" in dashboard.inner_text()

    dashboard.locator(".ml-upfront input[type=checkbox]").check()
    page.wait_for_function(f"v => {_IRR} > v", arg=before)
    rate.wait_for()
    after = float(rate.get_attribute("data-irr") or "nan")
    assert after > before
    finding = dashboard.locator("tr.ml-finding-upfront_interest")
    finding.wait_for()
    assert finding.get_attribute("data-rule") == "《民法典》第670条"
    assert "第670条" in finding.inner_text() and "实际" in finding.inner_text()
    assert "预扣利息" in rate.inner_text()

    dashboard.locator(".ml-upfront input[type=checkbox]").uncheck()
    page.wait_for_function(f"v => Math.abs({_IRR} - v) < 1e-6", arg=before)
    page.wait_for_function("() => document.querySelectorAll('.ml-disclosure tr.ml-finding-upfront_interest').length === 0")
    assert dashboard.locator("tr.ml-finding-annual_rate_understated").count() == 1
    content = page.content()
    assert "Traceback" not in content and "nan" not in rate.inner_text()
