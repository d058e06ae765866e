"""Exercise forms: learner id → own case variant → documents → answers → instant per-item feedback.

Every attempt is handed to a *recorder* (the gradebook by default). The form only ever shows the current
learner's own attempts.

Who the learner is: under JupyterHub the hub starts each learner's server with ``JUPYTERHUB_USER`` set to
the login, and the kernel reads it from its own environment at the moment the answers are submitted. The
form then shows the id and has no box for it: a widget's value is never trusted for identity, since a
learner can rewrite any widget's state (even a disabled box) through widget messages from their own page.
Self-study without a hub keeps the typed learner id, which only picks the learner's case variant.

Grading policy: the gradebook enforces the exercise's :class:`~microloan_sim.gradebook.GradingPolicy` (attempt
limit, deadline); the form says which attempt this is and, before the last one, shows only what the policy
allows (choice items: "已提交", no right/wrong and no total). A refused submission shows the reason and no
feedback; the answers stay in the boxes.

Which variant: the *exam* variant, :func:`microloan_sim.gradebook.exam_variant` of the exercise and the learner
under the course key, never the practice variant the course dashboards show for a typed 学员编号. The form
names the borrower ("你的考核案例：C03 生猪养殖户（农户）（个人变体）") and never shows a seed.
"""
from __future__ import annotations

import html
import os
from collections.abc import Callable, Collection
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from .. import casebook, exercises
from ..errors import InputError
from ..exercises import GradeResult
from ..labels import CANONICAL_STORY_NOTE, label
from ._common import TABLE_CSS, error_html, replace_output, safe, table_html

if TYPE_CHECKING:
    from ..gradebook.policy import GradingPolicy

#: recorder(learner_id, answers, result) -> short Chinese confirmation, e.g. "已记录（第 2 次提交）"
Recorder = Callable[[str, dict[str, Any], GradeResult], str]
#: status(learner_id or None, exercise_id) -> (attempts recorded so far, the exercise's grading policy)
AttemptStatus = Callable[[str | None, str], "tuple[int, GradingPolicy]"]
_STATUS_CSS = {"correct": "ml-verdict-ok", "within_tolerance": "ml-verdict-warn", "wrong": "ml-verdict-bad",
               "missing": "ml-verdict-bad", "manual": "ml-verdict-warn"}
_STATUS_MARK = {"correct": "✓", "within_tolerance": "≈", "wrong": "✗", "missing": "✗", "manual": "…"}


#: Set by JupyterHub in every single-user server (and so in its kernels) to the learner's login.
HUB_USER_ENV = "JUPYTERHUB_USER"


def hub_learner_id() -> str | None:
    """The learner's hub login, read from this kernel's environment now; ``None`` without a hub.

    Examples
    --------
    >>> import os
    >>> saved = os.environ.pop(HUB_USER_ENV, None)
    >>> hub_learner_id() is None
    True
    >>> os.environ[HUB_USER_ENV] = " learner01 "
    >>> hub_learner_id()
    'learner01'
    >>> _ = os.environ.pop(HUB_USER_ENV) if saved is None else os.environ.update({HUB_USER_ENV: saved})
    """
    value = os.environ.get(HUB_USER_ENV, "").strip()
    return value or None


def default_recorder() -> Recorder | None:
    """The gradebook's recorder when the gradebook module is available, else ``None``."""
    try:
        from .. import gradebook
    except ImportError:
        return None
    recorder = getattr(gradebook, "record_attempt", None)
    return recorder if callable(recorder) else None


def default_status() -> AttemptStatus | None:
    """The gradebook's attempt count and grading policy for the forms (``None`` without a gradebook)."""
    def status(learner_id: str | None, exercise_id: str) -> tuple[int, GradingPolicy]:
        if learner_id is None:  # the rules only: opening a page imports no database (tests/test_light_imports.py)
            from ..gradebook.policy import policy_for

            return 0, policy_for(exercise_id)
        from ..gradebook.store import attempt_status

        return attempt_status(learner_id, exercise_id)

    return status


def documents_view(case: casebook.Case) -> str:
    """HTML of the documents a learner works from: interview, opening balance sheet, monthly records."""
    opening = case.opening.model_dump()
    opening_date = opening.pop("date")
    bs = pd.DataFrame({"金额（元）": list(opening.values())}, index=pd.Index([label(k) for k in opening], name="项目"))
    records = case.records.loc[:, (case.records != 0).any()].copy()
    records.index = [str(m) for m in records.index]
    records.index.name = "月份"
    records.columns = [label(c) for c in records.columns]
    interview = html.escape(case.interview).replace("\n", "<br>")
    return (TABLE_CSS + f"<p><b>{html.escape(case.title)}</b>（{html.escape(case.borrower.name)}）</p>"
            + ("" if case.variant is None else
               f"<p class='ml-canonical-story' style='max-width:900px;color:#9a6700'>{html.escape(CANONICAL_STORY_NOTE)}</p>")
            + f"<p style='max-width:900px'>{interview}</p>"
            + table_html(bs, caption=f"期初资产负债表（{opening_date}）")
            + table_html(records, caption="月度原始记录（元；余额类为月末数）"))


def briefing_view(briefing: exercises.Briefing) -> str:
    """HTML of an exercise's extra material: a note and titled tables."""
    tables = "".join(table_html(frame, index=False, caption=title) for title, frame in briefing.tables.items())
    return f"<p class='ml-briefing'>{html.escape(briefing.note)}</p>{tables}"


def feedback_view(result: GradeResult, hidden: Collection[str] = ()) -> str:
    """HTML table of per-item feedback with the total score.

    Answered items in ``hidden`` (before the last attempt, per the grading policy) show only "已提交": no
    right/wrong, no points, no hint, and the total is not shown either (it would give them away).

    Examples
    --------
    >>> ex = exercises.get("ex06")
    >>> result = ex.grade({"grade": "AAA", "decision": "拒绝"}, "学员-01")
    >>> page = feedback_view(result, hidden={"grade", "decision", "cheapest_product"})
    >>> "已提交" in page, "错误" in page or "正确" in page, "得分：" in page
    (True, False, False)
    """
    rows = []
    concealed = [item for item in result.items if item.item_id in hidden and item.status != "missing"]
    for item in result.items:
        if item in concealed:
            given = html.escape(str(item.given))
            rows.append(f"<tr><td>{html.escape(item.label)}</td><td class='num'>{given}</td>"
                        "<td class='ml-verdict-hidden'>已提交</td><td class='num'>最后一次提交后显示</td>"
                        "<td style='max-width:520px'>对错和提示在最后一次提交后显示。</td></tr>")
            continue
        css = _STATUS_CSS[item.status]
        given = "" if item.given is None else html.escape(str(item.given))
        rows.append(f"<tr><td>{html.escape(item.label)}</td><td class='num'>{given}</td>"
                    f"<td class='{css}'>{_STATUS_MARK[item.status]} {item.status_label}</td>"
                    f"<td class='num'>{item.points:g} / {item.max_points:g}</td>"
                    f"<td style='max-width:520px'>{html.escape(item.hint)}</td></tr>")
    total = (f"<b>得分：{result.score:g} / {result.max_score:g}</b>" if not concealed else
             "<b>总分在最后一次提交后显示</b>（部分题目的对错暂不显示）")
    return (TABLE_CSS + f"<p class='ml-score'>{total}</p>"
            "<table class='ml-table ml-feedback'><thead><tr><th>题目</th><th>你的答案</th><th>结果</th>"
            f"<th>得分</th><th>提示</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def exam_case_label(case: casebook.Case) -> str:
    """The line that names a learner's exam case (never its seed).

    Examples
    --------
    >>> exam_case_label(casebook.load_case("C03", variant=12345))
    "<p class='ml-exam-case'>你的考核案例：<b>C03 生猪养殖户（农户）</b>（个人变体）</p>"
    """
    return (f"<p class='ml-exam-case'>你的考核案例：<b>{html.escape(case.id)} {html.escape(case.title)}</b>"
            f"{'（标准案例）' if case.variant is None else '（个人变体）'}</p>")


def _answer_widget(item: exercises.ItemSpec) -> widgets.ValueWidget:
    """Dropdown for choice items, a multi-line box for free text, a text box (not a number box) otherwise,
    so that a mistyped number is kept and explained instead of silently dropped."""
    if item.kind == "choice":
        return widgets.Dropdown(options=[("（请选择）", ""), *[(o, o) for o in item.options]], value="",
                                layout=widgets.Layout(width="320px"))
    if item.kind == "text":
        return widgets.Textarea(placeholder=f"写下你的理由（最多 {item.answer_limit} 字）", layout=widgets.Layout(width="520px", height="90px"))
    placeholder = {"money": "元", "ratio": "例如 43.9%", "number": ""}[item.kind]
    return widgets.Text(placeholder=placeholder, layout=widgets.Layout(width="200px"))


def exercise_form(exercise_id: str, recorder: Recorder | None = None,
                  status: AttemptStatus | None = None) -> widgets.VBox:
    """The widget form of one exercise; works in Voila with no code typed.

    ``status`` (default: the gradebook's, when the recorder is the gradebook's) gives the attempts recorded and
    the grading policy; without it (a custom recorder) every attempt gets full feedback.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     form = exercise_form("ex01", recorder=lambda learner, answers, result: "已记录")
    >>> form.children[0].value.startswith("<h3>")
    True
    """
    exercise = exercises.get(exercise_id)
    attempts_of = status if status is not None else (default_status() if recorder is None else None)
    rules = widgets.HTML()
    rules.add_class("ml-policy")
    title = widgets.HTML(f"<h3>{html.escape(exercise.id)} {html.escape(exercise.title)}</h3>"
                         f"<p>{html.escape(exercise.spec.description)}</p>")
    learner = widgets.Text(placeholder="例如 2025-班1-07", description="学员编号", continuous_update=False)
    learner.add_class("ml-learner")
    start = widgets.Button(description="打开我的案例", button_style="info", icon="folder-open")
    start.add_class("ml-start")
    documents = widgets.Output()
    documents.add_class("ml-documents")
    case_box = widgets.VBox()  # the officer's documents in tabs (case_view "documents")
    case_box.add_class("ml-case-documents")
    fields = {item.id: _answer_widget(item) for item in exercise.items}
    rows: dict[str, widgets.HBox] = {}
    for item in exercise.items:
        fields[item.id].add_class(f"ml-answer-{item.id}")
        rows[item.id] = widgets.HBox([widgets.HTML(f"<div style='width:260px'>{html.escape(item.label)}</div>"),
                                      fields[item.id]])
        if item.segments:  # asked of some segments only: shown once the learner's case is open
            rows[item.id].layout.display = "none"
    submit = widgets.Button(description="提交", button_style="primary", icon="check")
    submit.add_class("ml-submit")
    feedback = widgets.Output()
    feedback.add_class("ml-feedback-output")

    logged_in = hub_learner_id()
    if logged_in:
        identity: widgets.Widget = widgets.HTML(
            f"<p>学员：<b>{html.escape(logged_in)}</b>（已登录；提交自动记在这个账号下，也决定你的案例变体）</p>")
        identity.add_class("ml-identity")
    else:
        identity = widgets.HBox([learner, start])

    def learner_id() -> str:
        if logged_in:  # under a hub: the login, read now from the kernel's environment, never from a widget
            current = hub_learner_id()
            if not current:
                raise InputError("找不到登录信息，请刷新页面或重新登录", field="学员编号")
            return current
        value = learner.value.strip()
        if not value:
            raise InputError("请先填写学员编号（讲师分配的编号），以得到你自己的案例变体", field="学员编号")
        return casebook.normalize_learner_id(value)  # NFKC, spaces collapsed; "!!!" and control characters refused

    def describe_rules(who: str | None) -> None:
        """The policy line above the answers: which attempt comes next, the counting rule, the deadline."""
        if attempts_of is None:
            return
        from ..gradebook.policy import next_attempt_text, reveal_text

        try:
            used, policy = attempts_of(who, exercise.id)
        except InputError as exc:
            rules.value = error_html(str(exc))
            return
        shown = next_attempt_text(policy, None if who is None else used, datetime.now(timezone.utc))
        rules.value = (f"<p class='ml-policy-line'><b>{html.escape(shown)}</b></p><p>最后一次提交前是否显示对错："
                       f"{html.escape(reveal_text(policy))}；最后一次提交后显示全部反馈。</p>")

    def after_submission(who: str) -> tuple[set[str], str]:
        """The items whose right/wrong stays hidden for this attempt, and the line that says which one it was."""
        if attempts_of is None:
            return set(), ""
        from ..gradebook.policy import GradingPolicy, full_feedback, policy_line

        try:
            used, policy = attempts_of(who, exercise.id)
        except InputError:  # the attempt number is unknown: show no more than before the last attempt
            used, policy = 0, GradingPolicy()
        full = full_feedback(policy, used, datetime.now(timezone.utc))
        hidden = {item.id for item in exercise.items if not policy.reveals(item.kind, full=full)}
        return hidden, (policy_line(policy, used) if used else "")

    def exam(who: str) -> int:  # keyed with the course key: no dashboard shows this variant
        from ..gradebook.exam import exam_variant

        return exam_variant(exercise.id, who, pool_size=exercise.pool_size)

    @safe(documents)
    def show_documents(_change: object = None) -> None:
        who = learner_id()
        describe_rules(who)
        variant = exam(who)
        case = exercise.case(variant)
        briefing = exercise.briefing(variant)
        parts = [exam_case_label(case)] + ([briefing_view(briefing)] if briefing else [])
        officer = exercise.spec.show_case_documents and exercise.spec.case_view == "documents"
        if exercise.spec.show_case_documents and not officer:
            parts.append(documents_view(case))
        if officer:
            from .reconstruction import reconstruction_view

            case_box.children = (reconstruction_view(case),)
        if exercise.spec.case_view == "marketing_tools":  # ex12: the planner on the exam county, in this form only
            from .marketing import exam_tools

            case_box.children = (exam_tools(case),)
        replace_output(documents, TABLE_CSS + "".join(parts))
        for item in exercise.items:
            rows[item.id].layout.display = None if item.applies_to(case.segment) else "none"

    def on_submit(_button: object = None) -> None:
        submit.disabled = True  # a double click sends one attempt (the gradebook also merges repeats)
        try:
            grade_and_record()
        finally:
            submit.disabled = False

    @safe(feedback)
    def grade_and_record() -> None:
        who = learner_id()
        variant = exam(who)
        asked_now = {item.id for item in exercise.items_for(exercise.case(variant))}
        answers = {item_id: box.value for item_id, box in fields.items()
                   if item_id in asked_now and box.value and box.value.strip()}
        result = exercise.grade(answers, variant)
        note = ""
        # the gradebook (SQLAlchemy) is imported at the first submit, not while 30 pages open at once
        record = recorder if recorder is not None else default_recorder()
        if record is not None:
            from ..gradebook.policy import AttemptRefused

            try:
                note = record(who, answers, result)
            except AttemptRefused as exc:  # over the limit or past the deadline: nothing graded is shown
                describe_rules(who)
                replace_output(feedback, TABLE_CSS + error_html(str(exc)))
                return
            except InputError as exc:
                note = str(exc)
        hidden, line = after_submission(who)
        describe_rules(who)
        extra = "".join(f"<p class='ml-attempt-note'>{html.escape(text)}</p>" for text in (note, line) if text)
        later = exercises.consequence(exercise.id, answers, variant)
        if later is None:  # the replay shows what the decision leads to, never whether an item is right
            replace_output(feedback, feedback_view(result, hidden) + extra)
            return
        from .performance import arrears_chart

        story = f"<div class='ml-consequence'><b>12 个月后</b>：{html.escape(later.note)}</div>"
        charts = [arrears_chart({"你的决定": later.path}, "你的决定：逐月逾期金额", later.report_month)] \
            if later.path is not None else []
        replace_output(feedback, feedback_view(result, hidden) + extra + story, *charts)

    submit.on_click(on_submit)
    describe_rules(None)
    if logged_in:
        show_documents()
    else:
        start.on_click(show_documents)
        learner.observe(show_documents, names="value")
        replace_output(documents, "<p>请先填写学员编号，再点击“打开我的案例”。</p>")
    return widgets.VBox([title, identity, documents, case_box, widgets.HTML("<h4>作答</h4>"), rules, *rows.values(),
                         submit, feedback])
