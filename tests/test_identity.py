"""Who submits an exercise (issue 16, item 3): under JupyterHub the kernel's ``JUPYTERHUB_USER``, read at
submit time and never from a widget; in self-study the typed learner id."""
from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any

import ipywidgets as widgets
import pytest

import microloan_sim as ml

from microloan_sim import exercises, gradebook
from microloan_sim.ui.exercises import HUB_USER_ENV, exercise_form


@pytest.fixture(autouse=True)
def course_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The form keys the exam variant with the course key: a fixed one here, so no key file is written."""
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "身份测试密钥")


def descendants(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def build(recorded: list[tuple[str, dict[str, Any], Any]]) -> widgets.VBox:
    def recorder(learner: str, answers: dict[str, Any], result: Any) -> str:
        recorded.append((learner, answers, result))
        return "已记录"

    with contextlib.redirect_stdout(io.StringIO()):
        return exercise_form("ex01", recorder=recorder)


def submit(form: widgets.VBox) -> None:
    button = next(w for w in descendants(form) if isinstance(w, widgets.Button) and w.description == "提交")
    with contextlib.redirect_stdout(io.StringIO()):
        button.click()


def fill_first_answer(form: widgets.VBox, value: str) -> None:
    box = next(w for w in descendants(form) if any(c.startswith("ml-answer-") for c in w._dom_classes))
    box.value = value


def test_under_a_hub_the_form_shows_the_login_and_has_no_id_box(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HUB_USER_ENV, "learner01")
    form = build([])
    assert not [w for w in descendants(form) if isinstance(w, (widgets.Text, widgets.Textarea))
                and w.description == "学员编号"]
    identity = [w for w in descendants(form) if "ml-identity" in w._dom_classes]
    assert len(identity) == 1 and "learner01" in identity[0].value and "已登录" in identity[0].value
    # the learner's own case documents are shown at once, with no button to press
    documents = next(w for w in descendants(form) if "ml-case-documents" in w._dom_classes)
    interview = [w for w in descendants(documents) if isinstance(w, widgets.HTML) and "访谈记录" in w.value]
    # the learner's exam case (keyed with this machine's course key), shown as the officer's documents
    exam_case = ml.exercises.get("ex01").case(ml.gradebook.exam_variant("ex01", "learner01"))
    assert interview and exam_case.borrower.name in interview[0].value


def test_a_submission_is_attributed_to_the_login_read_at_submit_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HUB_USER_ENV, "learner01")
    recorded: list[tuple[str, dict[str, Any], Any]] = []
    form = build(recorded)
    # every text-bearing widget a learner could rewrite through widget messages says someone else
    for widget in descendants(form):
        if isinstance(widget, (widgets.Text, widgets.Textarea)) and not any(
                c.startswith("ml-answer-") for c in widget._dom_classes):
            widget.value = "learner02"
    fill_first_answer(form, "1000")
    submit(form)
    assert [learner for learner, _, _ in recorded] == ["learner01"]
    # graded against learner01's exam variant, the same as grading those answers directly
    _, answers, result = recorded[0]
    exam = gradebook.exam_variant("ex01", "learner01")
    expected = exercises.get("ex01").grade(answers, exam)
    assert result.variant == exam and result.score == expected.score and result.max_score == expected.max_score
    # read from the kernel's environment when submitting, not remembered from when the page was built
    monkeypatch.setenv(HUB_USER_ENV, "learner03")
    submit(form)
    assert recorded[-1][0] == "learner03"


def test_a_lost_login_refuses_to_submit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(HUB_USER_ENV, "learner01")
    recorded: list[tuple[str, dict[str, Any], Any]] = []
    form = build(recorded)
    monkeypatch.delenv(HUB_USER_ENV)
    submit(form)
    assert recorded == []
    feedback = next(w for w in descendants(form) if "ml-feedback-output" in w._dom_classes)
    assert "找不到登录信息" in str(feedback.outputs)


def test_self_study_keeps_the_typed_learner_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HUB_USER_ENV, raising=False)
    recorded: list[tuple[str, dict[str, Any], Any]] = []
    form = build(recorded)
    boxes = [w for w in descendants(form) if "ml-learner" in w._dom_classes]
    assert len(boxes) == 1 and not [w for w in descendants(form) if "ml-identity" in w._dom_classes]
    submit(form)  # no id yet: asked for it, nothing recorded
    assert recorded == []
    boxes[0].value = "2025-班1-07"
    fill_first_answer(form, "1000")
    submit(form)
    assert [learner for learner, _, _ in recorded] == ["2025-班1-07"]
