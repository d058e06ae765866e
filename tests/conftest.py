"""Shared fixtures: a throw-away case folder that tests can write hand-made records into, and the browser
tests' Voila server, Chromium and page."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from microloan_sim import casebook

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def case_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a casebook case folder into tmp_path and return the copy's path (to corrupt or edit it)."""

    def copy(case_id: str = "C01") -> Path:
        source = next(p for p in (REPO / "casebook").iterdir() if p.name.startswith(case_id + "_"))
        target = tmp_path / source.name
        shutil.copytree(source, target)
        return target

    return copy


def write_records(folder: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(folder / "monthly_records.csv", index=False)


@pytest.fixture
def load_folder() -> Callable[[Path], casebook.Case]:
    """Load a case folder without the canonical cache (tests edit files between loads)."""

    def load(folder: Path) -> casebook.Case:
        casebook._load_canonical.cache_clear()
        return casebook.load_case_folder(folder)

    return load


# --------------------------------------------------------------------------- browser tests (real Voila + Chromium)

@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A learner-mode Voila server for one test module (its log kept in a temp folder)."""
    from .browser_support import voila_server

    log = tmp_path_factory.mktemp("voila") / "voila.log"
    with voila_server(log=log) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from .browser_support import launch_browser

    with sync_playwright() as playwright:
        chromium = launch_browser(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh zh-CN page whose requests may only go to the loopback range."""
    from .browser_support import loopback_only

    context = browser.new_context(viewport={"width": 1280, "height": 1600}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(90_000)  # a cold kernel on a busy 2-core machine can take a while; no test asserts time
    blocked = loopback_only(page)
    yield page
    context.close()
    # offline, really offline: no page may even try to reach an address outside the loopback range
    assert not blocked, f"page tried to reach non-loopback addresses: {blocked[:5]}"


# --------------------------------------------------------------------------- PostgreSQL (gradebook tests)

@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    """A private PostgreSQL server for the whole session (see tests/postgres_support.py).

    ``make test`` installs Debian's ``postgresql``; where the server binaries are missing the PostgreSQL
    variants of the gradebook tests are skipped with that reason, never passed."""
    from .postgres_support import postgres_bin, postgres_server

    if postgres_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed (make test installs Debian's postgresql)")
    with postgres_server() as base:
        yield base


@pytest.fixture
def postgres_url(postgres_base_url: str, request: pytest.FixtureRequest) -> str:
    """URL of a fresh, empty database on the session's PostgreSQL server, one per test."""
    import re
    import uuid

    from .postgres_support import create_database

    name = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    return create_database(postgres_base_url, name)
