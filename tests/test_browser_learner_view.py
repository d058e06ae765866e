"""What a learner sees, in real Chromium against Voila (issue 12, items 13–16): every dashboard notebook's
visible text is free of code, every link in every notebook leads to a rendered page, 04d's answer form is
usable at 1366×900, and 05b's 还本比例 box accepts what its page says.

The text scan is deliberately general, so that the next notebook cannot bring the defects back.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .browser_support import CHROMIUM, REPO, open_notebook

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                                      reason="Debian chromium missing: run `make test`")]



@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """This module's server, served like ``microloan serve`` but with a per-client kernel cap above the ~50
    pages it opens from one address: following every link fetches pages without a browser tab to close, so
    their kernels wait for the culler. The cap itself is tested in tests/test_serve_hardening.py."""
    from .browser_support import voila_server

    with voila_server(log=tmp_path_factory.mktemp("voila") / "voila.log", max_kernels_per_client=200) as base:
        yield base


#: every notebook a learner can open (the instructor's gradebook is not served to learners)
NOTEBOOKS = sorted(str(p.relative_to(REPO)) for folder in ("course", "exercises", "casebook")
                   for p in (REPO / folder).glob("*.ipynb") if not p.name.startswith("instructor_"))

#: (name, pattern) of what must never be visible to a learner; ASCII look-arounds because a CJK character
#: counts as a word character for ``\b``
FORBIDDEN = [
    ("Python 字典/元组", re.compile(r"\{'|\('|\(\"|\[\]|\[\'")),
    ("数字元组", re.compile(r"\((?:-?[\d.]+, )+-?[\d.]+\)")),
    ("带引号的字符串", re.compile(r"(?m)^'[^'\n]*'$")),
    ("未格式化的金额", re.compile(r"(?<![\d,.])\d{4,}\.\d+(?!\d)")),
    ("对象表示", re.compile(r"<\w+(?:\.\w+)* object")),
    ("Traceback", re.compile(r"Traceback|Error:")),
    ("nan/None", re.compile(r"(?<![A-Za-z])(?:nan|NaN|None|NaT|inf)(?![A-Za-z])")),
    ("负零", re.compile(r"(?<![\w.\-])-0(?:\.0+)?(?![\d.])")),
    ("英文标识符", re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*_[a-z0-9_]+(?![A-Za-z0-9])")),
    ("点号键名", re.compile(r"(?<![A-Za-z0-9_./])[a-z][a-z_]*\.[a-z_]+(?![A-Za-z0-9(])")),
    ("四位以上小数", re.compile(r"(?<![\d.])\d+\.\d{4,}")),
]

#: genuinely fine text that a pattern above would catch (units, file names a learner downloads)
ALLOWED = re.compile(r"\b(?:e\.g|i\.e)\b|\.(?:csv|xlsx|pdf|ipynb|png|json)\b")

#: tables whose first column is an unnamed 0, 1, 2, … index (a raw DataFrame)
BARE_INDEX_JS = """
() => Array.from(document.querySelectorAll('table')).filter(t => {
  const head = t.querySelector('thead tr');
  if (!head || head.children[0].textContent.trim() !== '') return false;
  const rows = Array.from(t.querySelectorAll('tbody tr'));
  return rows.length > 0 && rows.every((r, i) => r.children[0].textContent.trim() === String(i));
}).map(t => t.innerText.slice(0, 120))
"""


#: every text node of the notebook's cells, visible or not (closed tabs and accordions are what a learner sees
#: after one click), cells separated by tabs; style and script elements left out
ALL_TEXT_JS = """
() => {
  const root = document.querySelector('#rendered_cells') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement.closest('style, script, noscript') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  return parts.join('\\t');
}
"""


def screen_text(page) -> str:  # type: ignore[no-untyped-def]
    """What a learner can read: the visible text, then the text of closed tabs and accordions."""
    return page.inner_text("body") + "\n" + page.evaluate(ALL_TEXT_JS)


def wait_rendered(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until Voila has run every cell and the widgets stop changing the visible text."""
    page.wait_for_function("() => { const l = document.querySelector('#loading');"
                           " return !l || getComputedStyle(l).display === 'none'; }", timeout=180_000)
    previous, stable = "", 0
    for _ in range(60):
        page.wait_for_timeout(500)
        text = page.inner_text("body")
        stable = stable + 1 if text == previous else 0
        previous = text
        if stable >= 3:
            return


def code_on_screen(text: str) -> list[str]:
    """Every forbidden pattern found in ``text``, with a little context.

    >>> found = code_on_screen("得分 {'a': 1}，余额 -0，比率 0.298894，逾期 nan 次，键 borrower.age，字段 disposable_to_instalment")
    >>> sorted({p.split("：")[0] for p in found})
    ['Python 字典/元组', 'nan/None', '四位以上小数', '点号键名', '英文标识符', '负零']
    >>> code_on_screen("年化 12.34%，-0.30 元，2025-06-30，下载 流水.csv，ex08_流程风险，1,265.80 元")
    []
    >>> [p.split("：")[0] for p in code_on_screen("(241.5, 41.5) 金额 95000.0")]
    ['数字元组', '未格式化的金额']
    """
    cleaned = ALLOWED.sub("", text)
    found = []
    for name, pattern in FORBIDDEN:
        for match in pattern.finditer(cleaned):
            found.append(f"{name}：…{cleaned[max(0, match.start() - 5):match.end() + 3]}…")
    return found


def open_every_tab(page) -> int:  # type: ignore[no-untyped-def]
    """Click every visible tab and accordion section once, as a learner browsing the page would: a dashboard
    draws a tab or a section when it is first shown, so an unopened one holds no text to scan. Returns the
    number of clicks."""
    clicked = 0
    for selector in (".widget-tab .p-TabBar-tab, .widget-tab .lm-TabBar-tab",
                     ".widget-accordion .jupyter-widget-Collapse-header"):
        headers = page.locator(selector)
        for index in range(headers.count()):
            if headers.nth(index).is_visible():
                headers.nth(index).click()
                clicked += 1
    return clicked


def interact(page) -> str:  # type: ignore[no-untyped-def]
    """Make one change a learner would make first; returns what was done."""
    if page.locator(".ml-learner input").count():
        page.locator(".ml-learner input").first.fill("扫描-01")
        page.locator(".ml-start button, button.ml-start").first.click()
        return "开始练习"
    for selector in (".ml-case select", ".widget-dropdown select"):
        select = page.locator(selector)
        if select.count():
            options = select.first.locator("option").count()
            if options > 1:
                select.first.select_option(index=options - 1)
                return f"{selector} 选最后一项"
    if page.locator(".widget-toggle-buttons button").count() > 1:
        page.locator(".widget-toggle-buttons button").nth(1).click()
        return "切换按钮"
    return "无可交互的控件"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_no_code_is_shown_to_a_learner(voila: str, page, notebook: str) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, notebook)
    wait_rendered(page)
    problems = [f"初始：{p}" for p in code_on_screen(screen_text(page))]
    problems += [f"初始：整数索引表：{t}" for t in page.evaluate(BARE_INDEX_JS)]
    if open_every_tab(page):
        wait_rendered(page)
        problems += [f"打开各标签页后：{p}" for p in code_on_screen(screen_text(page))]
        problems += [f"打开各标签页后：整数索引表：{t}" for t in page.evaluate(BARE_INDEX_JS)]
    done = interact(page)
    wait_rendered(page)
    problems += [f"{done}后：{p}" for p in code_on_screen(screen_text(page))]
    problems += [f"{done}后：整数索引表：{t}" for t in page.evaluate(BARE_INDEX_JS)]
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_every_link_leads_to_a_rendered_page(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    """Follow each link of each notebook (as Chromium resolves it) and require a rendered Chinese notebook page;
    links leaving the loopback server (cited sources) are only checked to be http(s)."""
    broken: list[str] = []
    checked: dict[str, str] = {}
    for notebook in NOTEBOOKS:
        page.goto(f"{voila}voila/render/{notebook}", wait_until="load", timeout=180_000)
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('#rendered_cells a[href], .jp-Cell a[href]'))"
                              ".map(a => a.href)")
        for href in dict.fromkeys(hrefs):
            url = urlparse(href)
            if url.hostname != "127.0.0.1":
                if url.scheme not in ("http", "https"):
                    broken.append(f"{notebook} → {href}（不是网页链接）")
                continue
            target = href.split("#", 1)[0]
            if target not in checked:
                response = page.request.get(target, timeout=180_000)
                body = response.text()
                ok = (response.status == 200 and unquote(urlparse(response.url).path).startswith("/voila/render/")
                      and re.search(r"[\u4e00-\u9fff]", body) is not None and "403" not in body[:400])
                checked[target] = "" if ok else f"HTTP {response.status} {unquote(response.url)}"
            if checked[target]:
                broken.append(f"{notebook} → {unquote(href)}：{checked[target]}")
    assert len(checked) >= 20  # the course map alone links every notebook
    assert not broken, "\n".join(broken)


def test_04d_answer_form_is_usable_at_1366(voila: str, browser) -> None:  # type: ignore[no-untyped-def]
    from .browser_support import loopback_only

    for width in (1366, 1920):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(120_000)
        loopback_only(page)
        open_notebook(page, voila, "course/04d_信用评级.ipynb")
        form = page.locator(".ml-answer-form").first
        form.wait_for(state="attached")
        page.locator(".ml-rating-summary").first.wait_for()
        page.locator(".widget-tab .widget-output img").first.wait_for()      # the results beside the form
        wait_rendered(page)
        # the column that holds the form (it was squeezed to 1 px, the form overflowing under the results)
        column = page.locator(".widget-tab .widget-hbox").first.locator(":scope > *").first.bounding_box()
        results = page.locator(".widget-tab .widget-hbox").first.locator(":scope > *").nth(1).bounding_box()
        box = form.bounding_box()
        field = page.locator(".ml-answer input, .ml-answer select").first.bounding_box()
        context.close()
        assert column is not None and column["width"] >= 300, (width, column)
        assert box is not None and box["width"] >= 300, (width, box)
        assert field is not None and field["width"] >= 100, (width, field)
        assert results is not None
        side_by_side = results["x"] >= column["x"] + column["width"] - 1
        below = results["y"] >= column["y"] + column["height"] - 1
        assert side_by_side or below, (width, column, results)     # the results never cover the form


def test_05b_repayment_shares_accept_what_the_page_says(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    open_notebook(page, voila, "course/05b_合作微贷.ipynb")
    box = page.locator(".ml-shares input").first
    box.wait_for()
    summary = page.locator(".ml-schedule-summary").first
    for typed in ("20%, 80%", "２０，８０"):
        box.fill(typed)
        box.press("Enter")
        page.wait_for_timeout(1500)
        wait_rendered(page)
        text = summary.inner_text()
        assert "⚠" not in page.locator(".ml-schedule").first.inner_text(), (typed, text)


def test_05a_switching_the_approval_model_keeps_a_sensible_cut_off(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    """After a model switch the slider sits at the new model's best threshold, not at an end of its range."""
    from microloan_sim import rating

    open_notebook(page, voila, "course/05a_数字微贷.ipynb")
    summary = page.locator(".ml-approval").first
    summary.wait_for()
    handle = page.locator(".ml-threshold .noUi-handle").first
    for key in ("expert", "statistical", "expert"):
        before = summary.inner_text()
        page.locator(".ml-model button", has_text=rating.APPROVAL_MODELS[key]).first.click()
        page.wait_for_function("t => document.querySelector('.ml-approval').innerText !== t", arg=before)
        wait_rendered(page)
        sim = rating.approval_simulation(key)
        cuts = sim.table["分数线"]
        shown = float(handle.get_attribute("aria-valuenow") or "nan")
        assert shown == float(sim.best["分数线"]), (key, shown)
        assert cuts.min() < shown < cuts.max()
        assert "这正是净收益最高的分数线" in summary.inner_text()
