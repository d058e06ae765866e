"""Shared fixtures: a throw-away case folder that tests can write hand-made records into."""
from __future__ import annotations

import shutil
from collections.abc import Callable
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
