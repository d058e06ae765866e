"""The course home page and offline pages (issue: a Chinese course home, not Voila's English file list; every
asset served locally). The ``page`` fixture fails any test whose page tries to reach a non-loopback address."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser_support import open_notebook

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "microloan_sim" / "data" / "jupyter" / "voila" / "templates" / "microloan"


def test_home_page_is_the_chinese_course_map(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(voila)
    page.wait_for_selector("ul.course a")
    text = page.inner_text("body")
    assert "微贷实训 · 课程目录" in text and "第四部分 微贷技术" in text
    assert "Select items" not in text and "Voilà" not in text
    # every link of the home page opens a rendered page of the course
    links = page.eval_on_selector_all("ul.course a", "els => els.map(e => e.getAttribute('href'))")
    assert len(links) >= 15
    page.click("text=导学：如何使用微贷实训")
    page.wait_for_selector(".jp-RenderedHTMLCommon h1")
    assert "导学" in page.inner_text("body")


def test_a_folder_lists_its_notebooks_in_chinese(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(voila + "voila/tree/exercises")
    page.wait_for_selector("ul.course a")
    text = page.inner_text("body")
    assert "ex01_报表重构" in text and "返回课程目录" in text


def test_a_notebook_page_loads_nothing_from_outside(voila: str, page) -> None:  # type: ignore[no-untyped-def]
    """Voila's lab page linked Font Awesome from a CDN; the course template drops the links (Voila's own bundle
    carries the icons) and any request leaving loopback fails the test through the ``page`` fixture."""
    open_notebook(page, voila, "course/04c_报表编制.ipynb")
    page.wait_for_selector(".widget-dropdown select", timeout=120_000)
    html = page.content()
    external = re.findall(r"<(?:link|script)[^>]*(?:href|src)=\"(https?://(?!127\.0\.0\.1)[^\"]+)\"", html)
    assert not external


def test_home_page_lists_every_notebook() -> None:
    home = (TEMPLATE / "tree-lab.html").read_text(encoding="utf-8")
    for folder in ("course", "exercises"):
        for notebook in sorted((REPO / folder).glob("*.ipynb")):
            if "instructor" in notebook.stem:
                continue
            assert f"{folder}/{notebook.name}" in home, f"course home does not list {folder}/{notebook.name}"
    json.loads((TEMPLATE / "conf.json").read_text(encoding="utf-8"))
