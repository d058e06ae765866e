"""Exercise forms: learner id → own case variant → documents → answers → instant per-item feedback.

Every attempt is handed to a *recorder* (the gradebook by default). The form only ever shows the current
learner's own attempts.

Who the learner is: under JupyterHub the hub starts each learner's server with ``JUPYTERHUB_USER`` set to
the login, and the kernel reads it from its own environment at the moment the answers are submitted. The
form then shows the id and has no box for it: a widget's value is never trusted for identity, since a
learner can rewrite any widget's state (even a disabled box) through widget messages from their own page.
Self-study without a hub keeps the typed learner id, which only picks the learner's case variant.
"""
from __future__ import annotations

import html
import os
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import casebook, exercises
from ..errors import InputError
from ..exercises import GradeResult
from ..labels import CANONICAL_STORY_NOTE, label
from ._common import TABLE_CSS, replace_output, safe, table_html

#: recorder(learner_id, answers, result) -> short Chinese confirmation, e.g. "已记录（第 2 次提交）"
Recorder = Callable[[str, dict[str, Any], GradeResult], str]
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


def feedback_view(result: GradeResult) -> str:
    """HTML table of per-item feedback with the total score."""
    rows = []
    for item in result.items:
        css = _STATUS_CSS[item.status]
        given = "" if item.given is None else html.escape(str(item.given))
        rows.append(f"<tr><td>{html.escape(item.label)}</td><td class='num'>{given}</td>"
                    f"<td class='{css}'>{_STATUS_MARK[item.status]} {item.status_label}</td>"
                    f"<td class='num'>{item.points:g} / {item.max_points:g}</td>"
                    f"<td style='max-width:520px'>{html.escape(item.hint)}</td></tr>")
    return (TABLE_CSS + f"<p class='ml-score'><b>得分：{result.score:g} / {result.max_score:g}</b></p>"
            "<table class='ml-table ml-feedback'><thead><tr><th>题目</th><th>你的答案</th><th>结果</th>"
            f"<th>得分</th><th>提示</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


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


def exercise_form(exercise_id: str, recorder: Recorder | None = None) -> widgets.VBox:
    """The widget form of one exercise; works in Voila with no code typed.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     form = exercise_form("ex01", recorder=lambda learner, answers, result: "已记录")
    >>> form.children[0].value.startswith("<h3>")
    True
    """
    exercise = exercises.get(exercise_id)
    title = widgets.HTML(f"<h3>{html.escape(exercise.id)} {html.escape(exercise.title)}</h3>"
                         f"<p>{html.escape(exercise.spec.description)}</p>")
    learner = widgets.Text(placeholder="例如 2025-班1-07", description="学员编号", continuous_update=False)
    learner.add_class("ml-learner")
    start = widgets.Button(description="打开我的案例", button_style="info", icon="folder-open")
    start.add_class("ml-start")
    documents = widgets.Output()
    documents.add_class("ml-documents")
    fields = {item.id: _answer_widget(item) for item in exercise.items}
    rows = []
    for item in exercise.items:
        fields[item.id].add_class(f"ml-answer-{item.id}")
        rows.append(widgets.HBox([widgets.HTML(f"<div style='width:260px'>{html.escape(item.label)}</div>"),
                                  fields[item.id]]))
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

    @safe(documents)
    def show_documents(_change: object = None) -> None:
        who = learner_id()
        briefing = exercise.briefing(who)
        parts = [briefing_view(briefing)] if briefing else []
        if exercise.spec.show_case_documents:
            parts.append(documents_view(exercise.case(who)))
        replace_output(documents, TABLE_CSS + "".join(parts))

    def on_submit(_button: object = None) -> None:
        submit.disabled = True  # a double click sends one attempt (the gradebook also merges repeats)
        try:
            grade_and_record()
        finally:
            submit.disabled = False

    @safe(feedback)
    def grade_and_record() -> None:
        who = learner_id()
        answers = {item_id: box.value for item_id, box in fields.items() if box.value and box.value.strip()}
        result = exercise.grade(answers, who)
        note = ""
        # the gradebook (SQLAlchemy) is imported at the first submit, not while 30 pages open at once
        record = recorder if recorder is not None else default_recorder()
        if record is not None:
            try:
                note = record(who, answers, result)
            except InputError as exc:
                note = str(exc)
        extra = f"<p>{html.escape(note)}</p>" if note else ""
        later = exercises.consequence(exercise.id, answers, who)
        if later is None:
            replace_output(feedback, feedback_view(result) + extra)
            return
        from .performance import arrears_chart

        story = f"<div class='ml-consequence'><b>12 个月后</b>：{html.escape(later.note)}</div>"
        charts = [arrears_chart({"你的决定": later.path}, "你的决定：逐月逾期金额", later.report_month)] \
            if later.path is not None else []
        replace_output(feedback, feedback_view(result) + extra + story, *charts)

    submit.on_click(on_submit)
    if logged_in:
        show_documents()
    else:
        start.on_click(show_documents)
        learner.observe(show_documents, names="value")
        replace_output(documents, "<p>请先填写学员编号，再点击“打开我的案例”。</p>")
    return widgets.VBox([title, identity, documents, widgets.HTML("<h4>作答</h4>"), *rows, submit, feedback])
