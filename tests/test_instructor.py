"""Instructor dashboard against a real SQLite gradebook filled through the learners' own code path."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

import microloan_sim as ml
from microloan_sim import gradebook
from microloan_sim.ui.instructor import instructor_dashboard


@pytest.fixture
def book(tmp_path: Path) -> gradebook.Gradebook:
    book = gradebook.Gradebook(data_dir=tmp_path)
    exercise = ml.exercises.get("ex01")
    for learner, share in (("学员-01", 1.0), ("学员-02", 0.0), ("学员-03", 1.0)):
        key = exercise.expected(learner)
        answers = {k: v for i, (k, v) in enumerate(key.items()) if share or i % 2}
        book.record(learner, answers, exercise.grade(answers, learner))
    return book


def test_dashboard_refuses_learner_mode(monkeypatch: pytest.MonkeyPatch, book: gradebook.Gradebook) -> None:
    monkeypatch.setenv("MICROLOAN_ROLE", "learner")
    widget = instructor_dashboard(book)
    assert "只在讲师模式下提供" in widget.value


def test_export_button_writes_a_workbook(book: gradebook.Gradebook) -> None:
    import openpyxl

    with contextlib.redirect_stdout(io.StringIO()):
        box = instructor_dashboard(book)
        tabs = box.children[2]
        export_tab = tabs.children[4]
        export_tab.children[1].click()
    files = list((book.data_dir / "exports").glob("*.xlsx"))
    assert len(files) == 1
    sheet = openpyxl.load_workbook(files[0]).worksheets[0]
    learners = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert learners == {"学员-01", "学员-02", "学员-03"}
