"""A gradebook that loses nothing: each fault of issue 11 item 6, caused for real where possible.

* a kernel killed while its submission waits for a locked database (a real process, a real SIGKILL);
* a truncated database file (the real SQLite file cut short, or to nothing), then ``microloan gradebook rebuild``;
* malformed receipts (nested 100,000 deep, over 1 MB, wrong types, bad digest) among good ones;
* duplicates skipped before re-grading; a 5,000+ character free-text answer; odd learner ids, including
  ``$\\frac{a}{$`` in the instructor's chart; a double click; file modes; the CLI's progress bar.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from openpyxl import load_workbook

import microloan_sim as ml
from microloan_sim import cli, gradebook
from microloan_sim.errors import InputError
from microloan_sim.gradebook import Gradebook, GradebookDamagedError

from .test_gradebook import FakeExercise, FakeRegistry, count_rows, right

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("MICROLOAN_COURSE_KEY", raising=False)
    monkeypatch.delenv("MICROLOAN_DB_URL", raising=False)
    monkeypatch.delenv("MICROLOAN_ROLE", raising=False)
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(tmp_path / "data"))
    previous = os.umask(0o022)  # the usual umask: without explicit modes files would be 0644
    yield
    os.umask(previous)
    for opened in gradebook._DEFAULT.values():
        opened.close()
    gradebook._DEFAULT.clear()


def find(widget: widgets.Widget, css: str) -> Any:
    """The first widget under ``widget`` carrying the CSS class ``css`` (None if there is none)."""
    from microloan_sim.ui._common import with_class

    return next(iter(with_class(widget, css)), None)


def shown(output: widgets.Output) -> str:
    return "".join(str(item["data"].get("text/html", "")) for item in output.outputs)


def ex01_answers(learner: str, share: float = 1.0) -> dict[str, str]:
    """Right answers to a share of ex01's items on the learner's exam variant (the data directory's course key)."""
    key = ml.exercises.get("ex01").expected(gradebook.exam_variant("ex01", learner))
    items = list(key.items())
    return {item: f"{value:.6f}" for item, value in items[: max(1, round(len(items) * share))]}


# --------------------------------------------------------------------------- 1. a kernel killed mid-submission

KERNEL = textwrap.dedent("""
    import sys
    from microloan_sim.ui.exercises import exercise_form
    from tests.test_gradebook_safety import ex01_answers, find

    form = exercise_form("ex01")            # the real form with the real recorder (the gradebook)
    find(form, "ml-learner").value = "学员-07"
    for item, value in ex01_answers("学员-07", 0.5).items():
        find(form, f"ml-answer-{item}").value = value
    print("CLICK", flush=True)
    find(form, "ml-submit").click()         # waits for the locked database until it is killed
    print("RECORDED", flush=True)
""")


def test_a_kernel_killed_while_the_database_is_locked_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Gradebook(data_dir=data).close()  # the class's gradebook exists
    blocker = sqlite3.connect(data / "gradebook.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another kernel holds the write lock
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list((data / "receipts").rglob("*.json")) and kernel.poll() is None:
            assert time.monotonic() < deadline, "no receipt was written while the database was locked"
            time.sleep(0.05)
        time.sleep(0.5)
        assert kernel.poll() is None, kernel.communicate()  # still waiting for the lock
        kernel.send_signal(signal.SIGKILL)
        out, _err = kernel.communicate(timeout=30)
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait()
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "CLICK" in out and "RECORDED" not in out
    assert count_rows(data / "gradebook.sqlite") == 0  # the row never made it
    [receipt_file] = (data / "receipts").rglob("*.json")
    receipt = json.loads(receipt_file.read_text(encoding="utf-8"))  # complete: written before the wait
    assert receipt["learner_id"] == "学员-07" and receipt["answers"] == ex01_answers("学员-07", 0.5)
    expected = ml.exercises.get("ex01").grade(ex01_answers("学员-07", 0.5),
                                              gradebook.exam_variant("ex01", "学员-07")).score
    with Gradebook(data_dir=data) as reopened:  # the next opening picks the receipt up
        assert reopened.recovered is not None and len(reopened.recovered.imported) == 1
        [attempt] = reopened.all_attempts()
        assert (attempt.learner_id, attempt.exercise_id, attempt.score) == ("学员-07", "ex01", expected)
        assert attempt.receipt_id == receipt["receipt_id"] and 0 < expected < attempt.max_score
    with Gradebook(data_dir=data) as again:  # and only once
        assert again.recovered is not None and not again.recovered.imported
        assert len(again.all_attempts()) == 1


def test_a_receipt_recovered_meanwhile_is_not_recorded_twice(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry(), busy_timeout_ms=10, retry_seconds=0.2) as first:
        blocker = sqlite3.connect(tmp_path / "gradebook.sqlite", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(InputError, match="本次提交已保存为回执"):
                first.submit("学员-01", "fx01", right("学员-01", first.key))
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as second:
        assert second.recovered is not None and len(second.recovered.imported) == 1
        assert second.overview().iloc[0]["best_score"] == 20.0


# --------------------------------------------------------------------------- 2. a damaged database

def fill_real_class(data: Path) -> dict[str, float]:
    """Two learners on ex01 and ex06 (free text) with manual scores; returns the totals per learner."""
    with Gradebook(data_dir=data) as book:
        book.submit("学员-01", "ex01", ex01_answers("学员-01"))
        book.submit("学员-02", "ex01", ex01_answers("学员-02", 0.5))
        for learner, points in (("学员-01", 18.0), ("学员-02", 6.5)):
            submission = book.submit(learner, "ex06", {"decision": "拒绝", "reasoning": f"{learner} 的理由：还款来源不足"})
            book.set_manual_score(submission.id, "reasoning", points, grader="王老师", note="理由充分")
        return {f"{a.learner_id}/{a.exercise_id}": a.score for a in book.all_attempts()}


@pytest.mark.parametrize("keep", [0.5, 0.0], ids=["half", "empty"])
def test_a_truncated_database_is_refused_then_rebuilt_with_manual_scores(
        tmp_path: Path, keep: float, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    totals = fill_real_class(data)
    backup = json.loads((data / "manual-scores.json").read_text(encoding="utf-8"))
    assert [entry["points"] for entry in backup["scores"]] == [18.0, 6.5]
    database = data / "gradebook.sqlite"
    size = database.stat().st_size
    assert size > 8192 and not (data / "gradebook.sqlite-wal").exists()  # closed cleanly, all in the file
    with open(database, "r+b") as handle:
        handle.truncate(int(size * keep))
    with pytest.raises(GradebookDamagedError) as caught:
        Gradebook(data_dir=data)
    message = str(caught.value)
    assert "成绩册数据库已损坏" in message and "microloan gradebook rebuild" in message and str(database) in message
    assert database.stat().st_size == int(size * keep)  # not recreated, not touched
    # the learner's form still keeps the attempt as a receipt and says so
    exercise = ml.exercises.get("ex01")
    with pytest.raises(InputError, match="本次提交已保存为回执"):
        gradebook.record_attempt("学员-03", {"equity": "1"},
                                 exercise.grade({"equity": "1"}, gradebook.exam_variant("ex01", "学员-03")))
    # the CLI gives one Chinese line and the way out
    assert cli.main(["gradebook", "export", "--data-dir", str(data)]) == 2
    assert "microloan gradebook rebuild" in capsys.readouterr().err
    assert cli.main(["gradebook", "rebuild", "--data-dir", str(data)]) == 0
    printed = capsys.readouterr().out
    assert "发现数据库损坏" in printed and "从备份恢复人工评分 2 条" in printed
    assert list(data.glob("gradebook.sqlite.damaged-*"))  # the damaged file is kept
    with Gradebook(data_dir=data) as rebuilt:
        after = {f"{a.learner_id}/{a.exercise_id}": a.score for a in rebuilt.all_attempts()}
        manual = {a.learner_id: a.manual_points for a in rebuilt.all_attempts() if a.exercise_id == "ex06"}
    assert manual == {"学员-01": 18.0, "学员-02": 6.5}
    assert {k: v for k, v in after.items() if not k.startswith("学员-03")} == totals
    assert "学员-03/ex01" in after  # the attempt made while the database was damaged


def test_a_deleted_database_is_not_silently_recreated(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        book.submit("学员-01", "fx01", right("学员-01", book.key))
    (tmp_path / "gradebook.sqlite").unlink()
    with pytest.raises(GradebookDamagedError, match="数据库文件不见了"):
        Gradebook(data_dir=tmp_path, registry=FakeRegistry())
    assert not (tmp_path / "gradebook.sqlite").exists()
    report = gradebook.rebuild_gradebook(tmp_path, registry=FakeRegistry())
    assert report.attempts == 1 and len(report.receipts.imported) == 1


def test_the_instructor_dashboard_offers_the_rebuild(tmp_path: Path) -> None:
    data = tmp_path / "data"
    fill_real_class(data)
    with open(data / "gradebook.sqlite", "r+b") as handle:
        handle.truncate(5000)
    with contextlib.redirect_stdout(io.StringIO()):
        from microloan_sim.ui.instructor import instructor_dashboard

        panel = instructor_dashboard()
        assert "成绩册数据库已损坏" in panel.children[1].value
        find(panel, "ml-rebuild").click()
    assert "成绩册已重建" in panel.children[0].value
    dashboard = panel.children[1]
    overview = dashboard.children[2].children[0]
    assert "2 名学员，4 次提交" in shown(overview)


# --------------------------------------------------------------------------- 3. import: one receipt at a time

class CountingRegistry(FakeRegistry):
    """fx01, counting how often it grades."""

    def __init__(self) -> None:
        self.graded = 0

    def get(self, exercise_id: str) -> FakeExercise:
        super().get(exercise_id)  # unknown ids are refused as before
        registry = self

        class Counted(FakeExercise):
            def grade(self, answers: dict[str, Any], variant: int | str | None) -> Any:
                registry.graded += 1
                return super().grade(answers, variant)

        return Counted()


def test_malformed_receipts_are_skipped_and_the_rest_go_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥")
    with Gradebook(data_dir=tmp_path / "laptop", registry=FakeRegistry()) as laptop:
        good = [laptop.submit(f"学员-{n}", "fx01", right(f"学员-{n}", laptop.key)).receipt_path for n in range(3)]
        key = laptop.key
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for path in good:
        (incoming / path.name).write_bytes(path.read_bytes())
    sample = json.loads(good[0].read_text(encoding="utf-8"))

    def signed(**changes: Any) -> str:
        payload = {**sample, **changes, "receipt_id": os.urandom(16).hex()}
        payload["digest"] = gradebook._sign(payload, key)
        return json.dumps(payload, ensure_ascii=False)

    (incoming / "a-deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (incoming / "b-deep-answer.json").write_text(
        signed()[:-1] + ', "extra": ' + "[" * 50_000 + "]" * 50_000 + "}", encoding="utf-8")
    (incoming / "c-huge.json").write_text(signed(answers={"a": "x" * 2_000_000}), encoding="utf-8")
    (incoming / "d-types.json").write_text(signed(answers={"a": {"nested": [1, 2]}}), encoding="utf-8")
    (incoming / "e-variant.json").write_text(signed(variant="七"), encoding="utf-8")
    forged = json.loads(signed())
    forged["score"] = 30.0
    (incoming / "f-forged.json").write_text(json.dumps(forged), encoding="utf-8")
    with Gradebook(data_dir=tmp_path / "class", registry=FakeRegistry()) as book:
        summary = book.import_receipts([incoming])
    reasons = {Path(item.file).name: item.reason for item in summary.rejected}
    assert sorted(reasons) == ["a-deep.json", "b-deep-answer.json", "c-huge.json", "d-types.json",
                               "e-variant.json", "f-forged.json"]
    assert "嵌套层数过深" in reasons["a-deep.json"] and "嵌套层数过深" in reasons["b-deep-answer.json"]
    assert "文件过大" in reasons["c-huge.json"]
    assert "answers：题目“a”的答案应为文字或数字" in reasons["d-types.json"]
    assert "variant：应为非负整数" in reasons["e-variant.json"]
    assert "回执已被修改" in reasons["f-forged.json"]
    assert len(summary.imported) == 3


def test_an_overlong_free_text_receipt_is_rejected_on_import(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path / "laptop") as laptop:
        path = laptop.submit("学员-01", "ex06", {"reasoning": "理由"}).receipt_path
        receipt = json.loads(path.read_text(encoding="utf-8"))
        receipt["answers"]["reasoning"] = "很" * 5001  # a learner's own laptop signs what it likes
        receipt["digest"] = gradebook._sign(receipt, laptop.key)
        path.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")
        (tmp_path / "class").mkdir()
        (tmp_path / "class" / "course.key").write_bytes(laptop.key + b"\n")
    with Gradebook(data_dir=tmp_path / "class") as book:
        summary = book.import_receipts([path])
    assert "决策理由（讲师评分）：最多 5000 个字，现在有 5001 个字" in summary.rejected[0].reason


def test_duplicates_are_skipped_before_regrading(tmp_path: Path) -> None:
    registry = CountingRegistry()
    with Gradebook(data_dir=tmp_path, registry=registry) as book:
        for n in range(5):
            book.submit(f"学员-{n}", "fx01", {"a": n})
        registry.graded = 0
        copies = tmp_path / "copies"
        copies.mkdir()
        for file in book.receipts_dir.rglob("*.json"):
            (copies / file.name).write_bytes(file.read_bytes())
        summary = book.import_receipts([book.receipts_dir, copies])
        assert (len(summary.imported), len(summary.duplicates), registry.graded) == (0, 10, 0)
        clash = json.loads(next(copies.glob("*.json")).read_text(encoding="utf-8"))
        clash["answers"] = {"a": 99}
        clash["digest"] = gradebook._sign(clash, book.key)
        (copies / "clash.json").write_text(json.dumps(clash), encoding="utf-8")
        summary = book.import_receipts([copies / "clash.json"])
        assert "回执编号与成绩册中的另一份回执相同，内容却不同" in summary.rejected[0].reason
        assert registry.graded == 0


# --------------------------------------------------------------------------- 4. free text has a size limit

def test_a_free_text_answer_over_the_limit_is_refused_and_kept_in_the_form(tmp_path: Path) -> None:
    from microloan_sim.ui.exercises import exercise_form

    with contextlib.redirect_stdout(io.StringIO()):
        form = exercise_form("ex06")
    find(form, "ml-learner").value = "学员-01"
    essay = "还款来源充足。" * 800  # 5,600 characters
    box = find(form, "ml-answer-reasoning")
    box.value = essay
    find(form, "ml-answer-decision").value = "拒绝"
    find(form, "ml-submit").click()
    message = shown(find(form, "ml-feedback-output"))
    assert "决策理由（讲师评分）：最多 5000 个字，现在有 5600 个字" in message
    assert box.value == essay and find(form, "ml-answer-decision").value == "拒绝"  # nothing typed is lost
    assert not (tmp_path / "data" / "receipts").exists()  # nothing was recorded
    box.value = essay[:5000]
    find(form, "ml-submit").click()
    assert "已记录（第 1 次提交）" in shown(find(form, "ml-feedback-output"))


def test_a_huge_answer_in_a_number_field_is_refused() -> None:
    with pytest.raises(InputError, match="平均月可支配资金（元）：最多 200 个字"):
        ml.exercises.get("ex06").grade({"average_disposable": "9" * 5_000_000}, "学员-01")


# --------------------------------------------------------------------------- 5. learner ids

@pytest.mark.parametrize(("typed", "kept"), [
    ("  ２０２５－班１　07 ", "2025-班1 07"), ("学员\t\t01", "学员 01"), ("$\\frac{a}{$", "$\\frac{a}{$"),
    ("=1+1", "=1+1"),
])
def test_learner_ids_are_normalised(typed: str, kept: str) -> None:
    assert gradebook.normalize_learner_id(typed) == kept


@pytest.mark.parametrize(("typed", "reason"), [
    ("!!!@@@", "应包含文字或数字"), ("  ", "不能为空"), ("学员\u200b01", "不可见字符"), ("学员\u202e10", "不可见字符"),
    ("a\x00b", "控制字符"), ("学" * 65, "过长（最多 64 个字符"),
])
def test_nonsense_learner_ids_are_refused_in_chinese(tmp_path: Path, typed: str, reason: str) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book, \
            pytest.raises(InputError, match=f"学员编号：.*{reason}"):
        book.submit(typed, "fx01", {"a": 1})
    from microloan_sim.ui.exercises import exercise_form

    with contextlib.redirect_stdout(io.StringIO()):
        form = exercise_form("ex01")
    find(form, "ml-learner").value = typed
    find(form, "ml-submit").click()
    message = shown(find(form, "ml-feedback-output"))
    assert 'class="ml-error"' in message and "学员编号：" in message
    assert reason in message or typed.strip() == ""  # an empty id asks for one
    assert not (tmp_path / "data" / "receipts").exists()


def test_a_mathtext_learner_id_renders_in_chart_report_and_exports(tmp_path: Path) -> None:
    from microloan_sim.ui.instructor import instructor_dashboard

    odd, formula = "$\\frac{a}{$", "=HYPERLINK(\"http://x\",\"1\")"
    book = Gradebook(data_dir=tmp_path / "data")
    for learner in (odd, formula, "学员-01"):
        book.submit(learner, "ex01", ex01_answers(learner, 0.5))
    with contextlib.redirect_stdout(io.StringIO()):
        dashboard = instructor_dashboard(book)
    overview = dashboard.children[2].children[0]
    kinds = [set(item["data"]) for item in overview.outputs]
    assert any("image/png" in kind for kind in kinds), shown(overview)  # the chart was drawn
    assert 'class="ml-error"' not in shown(overview)
    assert "$\\frac{a}{$" in shown(overview)  # the table shows the id as typed
    report = book.learner_report_html(odd)
    assert "学员编号：$\\frac{a}{$" in report
    assert "<script" not in book.learner_report_html(formula)
    csv_text = book.export(tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "$\\frac{a}{$" in csv_text
    sheet = load_workbook(book.export(tmp_path / "out.xlsx", "xlsx")).worksheets[0]
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert cells[formula].data_type == "s" and cells[formula].quotePrefix
    book.close()


def test_an_html_learner_id_is_escaped_everywhere(tmp_path: Path) -> None:
    from microloan_sim.ui.instructor import instructor_dashboard

    evil = "<img src=x onerror=alert(1)>"
    with Gradebook(data_dir=tmp_path / "data") as book:
        book.submit(evil, "ex01", {"equity": "1"})
        with contextlib.redirect_stdout(io.StringIO()):
            dashboard = instructor_dashboard(book)
        tabs = dashboard.children[2]
        html_texts = [shown(tabs.children[0]), shown(tabs.children[2].children[1]), book.learner_report_html(evil)]
    for text in html_texts:
        assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


# --------------------------------------------------------------------------- 6. a double click

def test_a_double_click_records_one_attempt(tmp_path: Path) -> None:
    from microloan_sim.ui.exercises import exercise_form

    with contextlib.redirect_stdout(io.StringIO()):
        form = exercise_form("ex01")
    find(form, "ml-learner").value = "学员-01"
    for item, value in ex01_answers("学员-01", 0.5).items():
        find(form, f"ml-answer-{item}").value = value
    button = find(form, "ml-submit")
    button.click()
    button.click()
    assert "重复点击只记一次" in shown(find(form, "ml-feedback-output"))
    assert not button.disabled
    database = tmp_path / "data" / "gradebook.sqlite"
    assert count_rows(database) == 1
    assert len(list((tmp_path / "data" / "receipts").rglob("*.json"))) == 1
    find(form, "ml-answer-equity").value = "1"  # a changed answer is a new attempt
    button.click()
    assert count_rows(database) == 2


def test_the_same_answers_later_are_a_new_attempt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        first = book.submit("学员-01", "fx01", {"a": 1})
        again = book.submit("学员-01", "fx01", {"a": 1})
        other = book.submit("学员-02", "fx01", {"a": 1})
        monkeypatch.setattr(gradebook.store, "DOUBLE_SUBMIT_SECONDS", 0.0)
        later = book.submit("学员-01", "fx01", {"a": 1})
    assert (again.id, again.repeated, again.receipt_path) == (first.id, True, first.receipt_path)
    assert first.receipt_path.is_file()
    assert (other.attempt, later.attempt, later.repeated) == (1, 2, False)


# --------------------------------------------------------------------------- 7. private files

def test_data_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Gradebook(data_dir=data, registry=FakeRegistry()) as book:
        submission = book.submit("学员-01", "fx01", {"a": 1, "c": "理由"})
        book.set_manual_score(submission.id, "c", 5, grader="王老师")
        export = book.export(data / "exports" / "成绩册.csv")
        files = [data / "gradebook.sqlite", data / "gradebook.sqlite-wal", data / "gradebook.sqlite-shm",
                 data / "gradebook.sqlite.created", data / "manual-scores.json", data / "course.key",
                 submission.receipt_path, export]
        folders = [data, data / "receipts", submission.receipt_path.parent, data / "exports"]
        modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files + folders}
    assert modes == {**{path.name: "0o600" for path in files}, **{path.name: "0o700" for path in folders}}


# --------------------------------------------------------------------------- 8. progress bars in the CLI

def test_long_imports_and_exports_show_a_progress_bar(tmp_path: Path) -> None:
    os.environ["MICROLOAN_COURSE_KEY"] = "课堂密钥"
    try:
        with Gradebook(data_dir=tmp_path / "laptop") as laptop:
            wrong = {"equity": "1"}
            exercise = ml.exercises.get("ex01")
            for n in range(210):  # the same answers, distinct receipts (the CLI re-grades them all)
                learner = f"学员-{n:03d}"
                laptop.record(learner, wrong, exercise.grade(wrong, gradebook.exam_variant("ex01", learner, laptop.key)))
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"}
        command = [sys.executable, "-m", "microloan_sim.cli", "gradebook"]
        data = ["--data-dir", str(tmp_path / "class")]
        run = subprocess.run([*command, "import", str(tmp_path / "laptop" / "receipts"), *data],
                             capture_output=True, text=True, env=env, timeout=600, check=False)
        exported = subprocess.run([*command, "export", "--output", str(tmp_path / "out.csv"), *data],
                                  capture_output=True, text=True, env=env, timeout=600, check=False)
    finally:
        del os.environ["MICROLOAN_COURSE_KEY"]
    assert run.returncode == 0, run.stderr
    assert "导入回执" in run.stderr and "100%" in run.stderr and "210/210" in run.stderr
    assert "已导入 210 份回执" in run.stdout
    assert exported.returncode == 0, exported.stderr
    assert "导出" in exported.stderr and "210/210" in exported.stderr
    assert "已导出成绩册（210 名学员，210 行" in exported.stdout


def test_the_refresh_button_brings_in_receipts_without_rows(tmp_path: Path) -> None:
    from microloan_sim.ui.instructor import instructor_dashboard

    with Gradebook(data_dir=tmp_path / "data") as book:
        with contextlib.redirect_stdout(io.StringIO()):
            dashboard = instructor_dashboard(book)
        with Gradebook(data_dir=tmp_path / "data", busy_timeout_ms=10, retry_seconds=0.2) as kernel:
            blocker = sqlite3.connect(tmp_path / "data" / "gradebook.sqlite", isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")
            try:
                with pytest.raises(InputError, match="本次提交已保存为回执"):
                    kernel.submit("学员-01", "ex01", ex01_answers("学员-01"))
            finally:
                blocker.execute("ROLLBACK")
                blocker.close()
        find(dashboard, "ml-refresh").click()
        assert "1 名学员，1 次提交" in shown(dashboard.children[2].children[0])
