"""Grading policy per exercise (issue 11, item 4): attempt limit, feedback before the last attempt, best or
last, deadline; defaults in the package, an instructor override in the data directory; enforced by the
gradebook, shown in the learner's form and the instructor's dashboard.

Expected values are hand-made: the package defaults are the brief's (3 attempts, choice hidden, numbers shown,
the last counts, no deadline); fx01 scores are those its docstring defines (``a`` exact → 10, ``b`` = 甲 → 10).
"""
from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import ipywidgets as widgets
import pytest

import microloan_sim as ml
from microloan_sim import gradebook
from microloan_sim.errors import InputError
from microloan_sim.gradebook import AttemptRefused, Gradebook, GradingPolicy, load_policies
from microloan_sim.gradebook import store as store_module
from microloan_sim.gradebook.policy import deadline_text, next_attempt_text, policy_line, refusal

from .test_gradebook import FakeExercise, FakeRegistry
from .test_gradebook_safety import find, shown

BEIJING = timezone(timedelta(hours=8))


def write_policy(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "grading_policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def row_of(page: str, label: str) -> str:
    """The feedback table row of one item (its label cell up to the end of the row)."""
    match = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", page)
    assert match is not None, label
    return match.group(1)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data directory used by the default gradebook (the forms' recorder)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("MICROLOAN_DATA_DIR", str(folder))
    monkeypatch.delenv("MICROLOAN_DB_URL", raising=False)
    monkeypatch.delenv("MICROLOAN_COURSE_KEY", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    yield folder
    for opened in gradebook._DEFAULT.values():
        opened.close()
    gradebook._DEFAULT.clear()


def fx(book: Gradebook, learner: str, *, right_a: bool, right_b: bool, tag: int = 0) -> gradebook.Submission:
    """Submit fx01 with ``a`` and ``b`` right or wrong (``tag`` makes otherwise equal answers differ)."""
    a = FakeExercise.expected_a(gradebook.exam_variant("fx01", learner, book.key, pool_size=1)) if right_a else 1.0 + tag
    return book.submit(learner, "fx01", {"a": a, "b": "甲" if right_b else f"乙{tag}"})


# --------------------------------------------------------------------------- 1. YAML and validation

def test_package_defaults_are_the_briefs() -> None:
    policy = load_policies(None).for_exercise("ex06")
    assert (policy.attempts, policy.counts, policy.deadline) == (3, "last", None)
    reveal = policy.reveal_before_last
    assert (reveal.choice, reveal.money, reveal.number, reveal.ratio) == (False, True, True, True)
    assert policy == GradingPolicy()


def test_the_instructor_file_overrides_field_by_field(tmp_path: Path) -> None:
    write_policy(tmp_path, "default:\n  attempts: 5\n"
                           "exercises:\n  ex06:\n    counts: best\n    reveal_before_last: {choice: true}\n"
                           "    deadline: 2026-12-31T23:59:00+08:00\n")
    with Gradebook(data_dir=tmp_path) as book:
        ex06, ex01 = book.policy("ex06"), book.policy("ex01")
    assert (ex06.attempts, ex06.counts, ex06.reveal_before_last.choice, ex06.reveal_before_last.money) == \
        (5, "best", True, True)
    assert ex06.deadline == datetime(2026, 12, 31, 23, 59, tzinfo=BEIJING)
    assert (ex01.attempts, ex01.counts, ex01.reveal_before_last.choice, ex01.deadline) == (5, "last", False, None)


@pytest.mark.parametrize(("text", "field", "reason"), [
    ("default:\n  attempts: 0\n", "default.attempts", "不能小于下限 1"),
    ("default:\n  attempts: 三次\n", "default.attempts", "应为整数"),
    ("default:\n  attempts: 2.5\n", "default.attempts", "应为整数"),
    ("default:\n  counts: average\n", "default.counts", "取值不在允许范围内"),
    ("default:\n  deadline: 2026-12-31 23:59\n", "default.deadline", "必须写明时区"),
    ("default:\n  deadline: 下周五\n", "default.deadline", "应为带时区的日期时间"),
    ("default:\n  attempt: 3\n", "default.attempt", "未知字段"),
    ("default:\n  reveal_before_last: {choice: 也许}\n", "default.reveal_before_last.choice", ""),
    ("default:\n  reveal_before_last: {essay: true}\n", "default.reveal_before_last.essay", "未知字段"),
    ("exercises:\n  ex6:\n    attempts: 2\n", "exercises.ex6", "没有编号为“ex6”的练习"),
    ("exercises:\n  ex06:\n    attempts: -1\n", "exercises.ex06.attempts", "不能小于下限 1"),
    ("- attempts: 3\n", "", "内容应为键值表"),
    ("default: [attempts: 3\n", "", "YAML 格式错误"),
])
def test_a_broken_instructor_file_is_named_in_chinese(tmp_path: Path, text: str, field: str, reason: str) -> None:
    path = write_policy(tmp_path, text)
    with Gradebook(data_dir=tmp_path) as book, pytest.raises(InputError) as caught:
        book.policies()
    message = str(caught.value)
    assert message.startswith(f"文件 {path}：")            # the file, with its full path
    assert f"{field}：" in message and reason in message   # the field and what is wrong with it


def test_a_broken_file_refuses_submissions_and_shows_in_the_dashboard(tmp_path: Path) -> None:
    from microloan_sim.ui.instructor import instructor_dashboard

    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        fx(book, "学员-01", right_a=True, right_b=True)
        write_policy(tmp_path, "default:\n  attempts: many\n")
        with pytest.raises(AttemptRefused, match=r"评分规则有误.*grading_policy\.yaml：default\.attempts：应为整数"):
            fx(book, "学员-01", right_a=False, right_b=True)
        assert len(book.all_attempts()) == 1 and len(list(book.receipts_dir.rglob("*.json"))) == 1
        with pytest.raises(InputError, match="default.attempts"):
            book.overview()                                  # never silently back to the defaults
    real = Gradebook(data_dir=tmp_path)  # the dashboard lists the real exercises
    with contextlib.redirect_stdout(io.StringIO()):
        box = instructor_dashboard(real)
    tabs = box.children[2]
    for tab in (tabs.children[5], tabs.children[0]):        # 评分规则 and 班级总览 both say what is wrong
        assert "grading_policy.yaml" in shown(tab) and "default.attempts" in shown(tab)
    real.close()


# --------------------------------------------------------------------------- 2. attempt limit

def test_the_fourth_attempt_is_refused_and_nothing_is_recorded(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        numbers = [fx(book, "学员-01", right_a=False, right_b=False, tag=n).attempt for n in range(3)]
        assert numbers == [1, 2, 3]
        with pytest.raises(AttemptRefused) as refused:
            fx(book, "学员-01", right_a=True, right_b=True)
        assert str(refused.value) == "提交：3 次提交机会已用完，本次提交没有记录（答案仍在表单中）；如有疑问请联系讲师"
        assert len(book.all_attempts()) == 3
        assert len(list(book.receipts_dir.rglob("*.json"))) == 3   # the refused attempt left no receipt
        assert fx(book, "学员-02", right_a=True, right_b=True).attempt == 1   # other learners are not affected


def test_a_double_click_on_the_last_attempt_is_still_one_attempt(tmp_path: Path) -> None:
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        for n in range(2):
            fx(book, "学员-01", right_a=False, right_b=False, tag=n)
        last = fx(book, "学员-01", right_a=True, right_b=True)
        again = fx(book, "学员-01", right_a=True, right_b=True)    # the same answers at once: a double click
        assert (last.attempt, again.attempt, again.repeated, again.id) == (3, 3, True, last.id)
        assert len(book.all_attempts()) == 3


def test_the_form_recorder_is_refused_the_same_way(data: Path) -> None:
    exercise = ml.exercises.get("ex01")
    for n in range(3):
        answers = {"equity": str(n)}
        gradebook.record_attempt("学员-01", answers, exercise.grade(answers, "学员-01"))
    with pytest.raises(AttemptRefused, match="3 次提交机会已用完"):
        gradebook.record_attempt("学员-01", {"equity": "9"}, exercise.grade({"equity": "9"}, "学员-01"))
    assert len(list((data / "receipts").rglob("*.json"))) == 3
    assert gradebook.attempt_status("学员-01", "ex01")[0] == 3


# --------------------------------------------------------------------------- 3. deadline

def test_deadline_text_and_refusal_at_explicit_moments() -> None:
    policy = GradingPolicy(deadline="2026-07-01T18:00:00+08:00")
    assert deadline_text(policy.deadline) == "2026年7月1日 18:00（北京时间）"  # type: ignore[arg-type]
    before = datetime(2026, 7, 1, 9, 59, tzinfo=timezone.utc)       # 17:59 in Beijing
    after = datetime(2026, 7, 1, 10, 1, tzinfo=timezone.utc)        # 18:01 in Beijing
    assert refusal(policy, 0, before) is None
    assert refusal(policy, 0, after) == ("已过截止时间（2026年7月1日 18:00（北京时间）），本次提交没有记录"
                                         "（答案仍在表单中）；如需补交请联系讲师")
    assert next_attempt_text(policy, 0, after).startswith("已过截止时间，不能再提交")


def test_a_submission_after_the_deadline_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_policy(tmp_path, "default:\n  deadline: 2026-07-01T18:00:00+08:00\n")
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        monkeypatch.setattr(store_module, "_now", lambda: datetime(2026, 7, 1, 17, 59, tzinfo=BEIJING))
        assert fx(book, "学员-01", right_a=True, right_b=True).attempt == 1
        monkeypatch.setattr(store_module, "_now", lambda: datetime(2026, 7, 1, 18, 1, tzinfo=BEIJING))
        with pytest.raises(AttemptRefused, match=r"已过截止时间（2026年7月1日 18:00（北京时间））"):
            fx(book, "学员-01", right_a=False, right_b=True)
        assert len(book.all_attempts()) == 1 and len(list(book.receipts_dir.rglob("*.json"))) == 1


def test_imported_receipts_beyond_the_policy_are_stored_reported_and_not_counted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "课堂密钥")
    laptop_dir = tmp_path / "laptop"
    write_policy(laptop_dir, "default:\n  attempts: 10\n")          # a self-study laptop with its own rules
    moments = iter([datetime(2026, 7, 1, hour, 0, tzinfo=BEIJING) for hour in (9, 10, 11, 12, 19)])
    monkeypatch.setattr(store_module, "_now", lambda: next(moments))
    with Gradebook(data_dir=laptop_dir, registry=FakeRegistry()) as laptop:
        # 学员-01: 4 attempts in time (scores 0, 10, 20, 10); 学员-02: one attempt at 19:00, after the deadline
        fx(laptop, "学员-01", right_a=False, right_b=False)
        fx(laptop, "学员-01", right_a=False, right_b=True)
        fx(laptop, "学员-01", right_a=True, right_b=True)
        fx(laptop, "学员-01", right_a=False, right_b=True, tag=1)
        fx(laptop, "学员-02", right_a=True, right_b=True)
    monkeypatch.setattr(store_module, "_now", lambda: datetime.now(timezone.utc))
    class_dir = tmp_path / "class"
    write_policy(class_dir, "default:\n  deadline: 2026-07-01T18:00:00+08:00\n")
    with Gradebook(data_dir=class_dir, registry=FakeRegistry()) as book:
        summary = book.import_receipts([laptop_dir / "receipts"])
        assert len(summary.imported) == 5 and not summary.rejected
        assert summary.uncounted == ["学员 学员-01 的 fx01 第 4 次提交超过提交次数上限（3 次）",
                                     "学员 学员-02 的 fx01 第 1 次提交晚于截止时间 2026年7月1日 18:00（北京时间）"]
        assert "已导入但不计分：学员 学员-01 的 fx01 第 4 次提交超过提交次数上限（3 次）" in summary.lines()
        table = book.overview().set_index("learner_id")
        # the last counted attempt of 学员-01 is the third (20, not the fourth's 10); 学员-02 has none in time
        assert (table.loc["学员-01", "counted_score"], table.loc["学员-01", "uncounted"]) == (20.0, 1)
        assert (table.loc["学员-02", "counted_score"], table.loc["学员-02", "uncounted"]) == (0.0, 1)
        assert table.loc["学员-01", "attempts"] == 4                   # stored, so never imported again
        again = book.import_receipts([laptop_dir / "receipts"])
        assert (len(again.imported), len(again.duplicates)) == (0, 5)


# --------------------------------------------------------------------------- 4. best or last

@pytest.mark.parametrize(("counts", "expected", "label"), [("last", 10.0, "以最后一次为准"),
                                                           ("best", 20.0, "以最高一次为准")])
def test_best_or_last_decides_the_score_that_counts(tmp_path: Path, counts: str, expected: float,
                                                    label: str) -> None:
    write_policy(tmp_path, f"default:\n  counts: {counts}\n")
    with Gradebook(data_dir=tmp_path, registry=FakeRegistry()) as book:
        fx(book, "学员-01", right_a=True, right_b=True)      # 10 + 10 = 20
        fx(book, "学员-01", right_a=False, right_b=True)     # 0 + 10 = 10
        row = book.overview().iloc[0]
        assert (row["best_score"], row["latest_score"]) == (20.0, 10.0)
        assert (row["counted_score"], row["counts"], row["counted_share"]) == (expected, label, round(expected / 30, 4))
        csv = book.export(tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
        header, first = csv[0].split(","), csv[1].split(",")
        assert header[-4:] == ["计分方式", "计分得分", "计分得分率", "不计分提交次数"]
        assert first[header.index("计分方式")] == label and float(first[header.index("计分得分")]) == expected
        report = book.learner_report_html("学员-01")
        assert "计分方式" in report and label in report


# --------------------------------------------------------------------------- 5. the learner's form

def ex06_form() -> widgets.VBox:
    from microloan_sim.ui.exercises import exercise_form

    with contextlib.redirect_stdout(io.StringIO()):
        return exercise_form("ex06")


def submit_ex06(form: widgets.VBox, answers: dict[str, str]) -> str:
    for item_id, value in answers.items():
        find(form, f"ml-answer-{item_id}").value = value
    with contextlib.redirect_stdout(io.StringIO()):
        find(form, "ml-submit").click()
    return shown(find(form, "ml-feedback-output"))


def test_choice_feedback_is_hidden_until_the_last_attempt(data: Path) -> None:
    learner = "学员-07"
    key = ml.exercises.get("ex06").expected(gradebook.exam_variant("ex06", learner))
    form = ex06_form()
    rules = find(form, "ml-policy")
    assert "每位学员共 3 次提交机会；计分方式：以最后一次为准；不设截止时间" in rules.value
    find(form, "ml-learner").value = learner
    assert "本次将是第 1 次提交，共 3 次；计分方式：以最后一次为准" in rules.value
    right_grade = key["grade"]
    wrong_amount = f"{key['average_disposable'] * 3:.0f}"             # three times the key: wrong
    answers = {"grade": right_grade, "decision": "拒绝", "average_disposable": wrong_amount}
    for attempt in (1, 2):
        page = submit_ex06(form, {**answers, "recommended": str(attempt)})
        assert f"第 {attempt} 次提交，共 3 次；计分方式：以最后一次为准；不设截止时间" in page
        grade_row = row_of(page, "信用等级（小微企业评分卡）")
        assert "已提交" in grade_row and "正确" not in grade_row and "错误" not in grade_row
        assert "先逐项算出评分卡" not in grade_row                     # no hint either (it is shown on wrong only)
        assert "得分：" not in page and "总分在最后一次提交后显示" in page  # the total would give the choice away
        money_row = row_of(page, "平均月可支配资金（元）")             # numbers: right/wrong, never the key
        assert "错误" in money_row and f"{key['average_disposable']:,.0f}" not in page
        assert f"{key['average_disposable']:.0f}" not in page.replace(wrong_amount, "")
    page = submit_ex06(form, {**answers, "recommended": "3"})
    assert "第 3 次提交，共 3 次" in page and "得分：" in page
    assert "✓ 正确" in row_of(page, "信用等级（小微企业评分卡）")
    assert "3 次提交机会已用完" in rules.value
    page = submit_ex06(form, {**answers, "recommended": "4"})
    assert "3 次提交机会已用完，本次提交没有记录" in page and "得分" not in page and "已提交" not in page
    assert find(form, "ml-answer-grade").value == right_grade                  # nothing typed is lost
    assert find(form, "ml-answer-recommended").value == "4"


def test_the_policy_may_show_choice_feedback_and_the_deadline_in_the_form(data: Path) -> None:
    write_policy(data, "exercises:\n  ex06:\n    attempts: 2\n    reveal_before_last: {choice: true}\n"
                       "    deadline: 2099-01-31T08:30:00+08:00\n")
    form = ex06_form()
    find(form, "ml-learner").value = "学员-07"
    assert "截止时间：2099年1月31日 08:30（北京时间）" in find(form, "ml-policy").value
    page = submit_ex06(form, {"grade": "AAA", "decision": "拒绝"})
    assert "第 1 次提交，共 2 次" in page and "已提交" not in page and "得分：" in page


# --------------------------------------------------------------------------- 6. the instructor's table

def test_the_instructor_dashboard_shows_the_policy_per_exercise(tmp_path: Path) -> None:
    from microloan_sim.ui.instructor import instructor_dashboard

    write_policy(tmp_path, "exercises:\n  ex06:\n    attempts: 5\n    counts: best\n"
                           "    reveal_before_last: {choice: true}\n    deadline: 2026-12-31T23:59:00+08:00\n")
    book = Gradebook(data_dir=tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        box = instructor_dashboard(book)
    tabs = box.children[2]
    assert tabs.get_title(5) == "评分规则"
    page = shown(tabs.children[5])
    for header in ("次数", "最后一次提交前是否显示对错", "计分方式", "截止时间"):
        assert f"<th>{header}</th>" in page
    row = re.search(r"<tr><td>ex06</td>(.*?)</tr>", page)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells[1:] == ["5", "选择题、金额题、数值题、比率题：是（只显示对错，不显示答案）", "以最高一次为准",
                         "2026年12月31日 23:59（北京时间）"]
    ex01 = re.findall(r"<td[^>]*>(.*?)</td>", re.search(r"<tr><td>ex01</td>(.*?)</tr>", page).group(1))  # type: ignore[union-attr]
    assert ex01[1:] == ["3", "选择题：否；金额题、数值题、比率题：是（只显示对错，不显示答案）", "以最后一次为准", "不设"]
    assert "已读取讲师文件" in page
    book.close()


# --------------------------------------------------------------------------- 7. brute force

def brute_force(form: widgets.VBox, options: list[str]) -> tuple[list[str], int]:
    """A script that tries every option of 信用等级 and stops as soon as the form says it is right.

    Returns what it saw for the item on each try, and how many tries the gradebook accepted."""
    seen, accepted = [], 0
    for option in options:
        page = submit_ex06(form, {"grade": option, "decision": "拒绝"})
        if "没有记录" in page:
            seen.append("refused")
            continue
        accepted += 1
        verdict = row_of(page, "信用等级（小微企业评分卡）")
        seen.append("right" if "正确" in verdict else ("hidden" if "已提交" in verdict else "wrong"))
        if seen[-1] == "right":
            break
    return seen, accepted


def test_enumerating_the_options_of_a_choice_item_cannot_reach_full_marks(data: Path) -> None:
    """Whatever order a script tries the options in, the right one is recognised (and counted) only when it
    happens to be the third try: the first two say nothing and the fourth and fifth are refused. A blind
    single guess does as well."""
    exercise = ml.exercises.get("ex06")
    options = next(item.options for item in exercise.items if item.id == "grade")
    assert len(options) == 5 > GradingPolicy().attempts                     # AAA AA A B C against 3 attempts
    for learner, place in (("学员-01", 0), ("学员-02", 1), ("学员-03", 3), ("学员-04", 4)):
        key = exercise.expected(gradebook.exam_variant("ex06", learner))["grade"]
        others = [option for option in options if option != key]
        order = others[:place] + [key] + others[place:]                   # the right answer tried at ``place``
        form = ex06_form()
        find(form, "ml-learner").value = learner
        seen, accepted = brute_force(form, order)
        # the first two tries say nothing, the third is the last one, the fourth and fifth are refused
        assert accepted == 3 and seen == ["hidden", "hidden", "wrong", "refused", "refused"]
        with Gradebook(data_dir=data) as book:
            attempts = book.learner_attempts(learner, "ex06")
            counted = book.overview().set_index("learner_id").loc[learner, "counted_score"]
        assert [a.answers["grade"] for a in attempts] == order[:3]
        assert counted == attempts[-1].score                                   # the last one counts...
        assert next(i["points"] for i in attempts[-1].items if i["item_id"] == "grade") == 0.0  # ...and is wrong
        assert counted <= 100 - 15                 # ex06 is out of 100 and 信用等级 is worth 15 (ex06.yaml)


def test_policy_line_reads_as_the_brief_says() -> None:
    assert policy_line(GradingPolicy(), 2) == "第 2 次提交，共 3 次；计分方式：以最后一次为准；不设截止时间"
