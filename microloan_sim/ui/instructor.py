"""Instructor gradebook dashboard: class overview, item difficulty, learner drill-down, manual scoring, export,
and the grading policy of every exercise.

Served only in instructor mode (``microloan serve --instructor`` or JupyterLab); in learner mode it refuses
to open, in addition to ``microloan serve`` leaving the notebook out of the learners' root.
"""
from __future__ import annotations

import base64
import html
import os
from datetime import datetime

import ipywidgets as widgets
import pandas as pd

from .. import exercises, gradebook
from ..plotting import PALETTE, new_figure, plain_text
from ._common import TABLE_CSS, error_html, percent, replace_output, safe, table_html

OVERVIEW_HEADERS = {"learner_id": "学员编号", "exercise_id": "练习", "exercise_title": "练习名称", "attempts": "提交次数",
                    "uncounted": "不计分次数", "best_score": "最高得分", "latest_score": "最近得分",
                    "counted_score": "计分得分", "counts": "计分方式", "max_score": "满分",
                    "counted_share": "计分得分率", "pending_manual": "待评分题数"}
DIFFICULTY_HEADERS = {"exercise_id": "练习", "label": "题目", "judged": "已评人次", "correct": "答对人次",
                      "share_correct": "答对率", "pending": "待评分"}


def _download_link(path: os.PathLike[str] | str, text: str) -> str:
    """A data-URI link so the instructor's browser can save the export (Voila serves no data files)."""
    from pathlib import Path

    file = Path(path)
    mime = "text/csv" if file.suffix == ".csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    payload = base64.b64encode(file.read_bytes()).decode("ascii")
    return (f"<a download='{html.escape(file.name)}' href='data:{mime};base64,{payload}'>{html.escape(text)}</a>"
            f"（已保存到 {html.escape(str(file))}）")


def policy_view(book: gradebook.Gradebook) -> str:
    """HTML of the grading policy per exercise (次数、显示对错、计分方式、截止时间) and where it comes from.

    Examples
    --------
    >>> import tempfile
    >>> page = policy_view(gradebook.Gradebook(data_dir=tempfile.mkdtemp()))
    >>> "以最后一次为准" in page and "ex01" in page and "未设置" in page
    True
    """
    policies = book.policies()
    table = gradebook.policy_table([(ex.id, ex.title, policies.for_exercise(ex.id))
                                    for ex in exercises.all_exercises()])
    own = book.data_dir / gradebook.POLICY_FILE
    source = (f"已读取讲师文件 {html.escape(str(own))}" if policies.instructor_file is not None else
              f"未设置讲师文件（可在 {html.escape(str(own))} 按同样写法覆盖，只写要改的字段）")
    return (TABLE_CSS + "<p>默认评分规则来自软件包的 grading_policy.yaml（示例参数）；" + source + "。"
            "超过次数或截止后的提交会被拒绝；导入的回执若超过次数或晚于截止时间，记入成绩册但不计分。</p>"
            + table_html(table, index=False, caption="各练习的评分规则"))


def instructor_dashboard(book: gradebook.Gradebook | None = None) -> widgets.Widget:
    """The instructor's view of the gradebook.

    Examples
    --------
    >>> import contextlib, io, tempfile
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = instructor_dashboard(gradebook.Gradebook(data_dir=tempfile.mkdtemp()))
    >>> box.children[0].value.startswith("<h3>")
    True
    """
    if os.environ.get("MICROLOAN_ROLE") == "learner":
        return widgets.HTML(TABLE_CSS + error_html("讲师成绩册只在讲师模式下提供（microloan serve --instructor 或 JupyterLab）。"))
    recovered = ""
    if book is None:
        try:
            book = gradebook.default_gradebook()
        except gradebook.GradebookDamagedError as exc:
            return _damaged_panel(exc)
        found = book.recover_receipts()  # receipts of kernels killed before their row was written
        if found.imported:
            recovered = f"<p>已从回执补回 {len(found.imported)} 次未写入成绩册的提交。</p>"
    title = widgets.HTML(f"<h3>讲师成绩册</h3><p>数据目录：{html.escape(str(book.data_dir))}</p>{recovered}")
    refresh_button = widgets.Button(description="刷新", icon="refresh")
    refresh_button.add_class("ml-refresh")
    overview_out, difficulty_out, learner_out, manual_out, export_out, policy_out = (widgets.Output() for _ in range(6))
    policy_out.add_class("ml-policy-table")
    learner_picker = widgets.Dropdown(description="学员", options=[])
    learner_picker.add_class("ml-learner-picker")
    pending_picker = widgets.Dropdown(description="待评分", options=[], layout=widgets.Layout(width="520px"))
    answer_view = widgets.HTML()
    points = widgets.BoundedFloatText(description="得分", min=0, max=100, step=0.5)
    grader = widgets.Text(description="评分人", placeholder="例如 王老师")
    note = widgets.Text(description="评语", layout=widgets.Layout(width="520px"))
    save = widgets.Button(description="保存评分", button_style="primary")
    save.add_class("ml-save-manual")
    export_format = widgets.ToggleButtons(options=[("Excel（xlsx）", "xlsx"), ("CSV", "csv")], value="xlsx")
    export_button = widgets.Button(description="导出成绩册", button_style="info")
    pending_rows: dict[str, pd.Series] = {}

    @safe(overview_out)
    def render_overview() -> None:
        table = book.overview()
        if table.empty:
            replace_output(overview_out, "<p>还没有任何提交。</p>")
            return
        shown = table[list(OVERVIEW_HEADERS)].rename(columns=OVERVIEW_HEADERS)
        per_learner = table.groupby("learner_id")["counted_share"].mean().sort_values()
        fig, ax = new_figure("各学员平均计分得分率", "学员编号", size=(8.0, max(2.5, 0.3 * len(per_learner))))
        # learner ids are data: never parsed as mathtext (an id like "$\frac{a}{$" would blank the chart)
        ax.barh([plain_text(who) for who in per_learner.index], per_learner.to_numpy() * 100, color=PALETTE[0])
        ax.set_xlabel("平均计分得分率（%）")
        ax.set_xlim(0, 100)
        replace_output(overview_out, TABLE_CSS + f"<p>{table['learner_id'].nunique()} 名学员，{int(table['attempts'].sum())} 次提交。</p>"
                       + table_html(shown, index=False, formatters={"计分得分率": percent}), fig)

    @safe(difficulty_out)
    def render_difficulty() -> None:
        table = book.item_difficulty()
        if table.empty:
            replace_output(difficulty_out, "<p>还没有任何提交。</p>")
            return
        shown = table[list(DIFFICULTY_HEADERS)].rename(columns=DIFFICULTY_HEADERS)
        labels = [plain_text(text) for text in table["exercise_id"] + " " + table["label"]]
        fig, ax = new_figure("各题答对率（每位学员取计分的那次提交）", "题目", size=(8.0, max(2.5, 0.3 * len(labels))))
        ax.barh(labels, table["share_correct"].fillna(0).to_numpy() * 100, color=PALETTE[2])
        ax.set_xlabel("答对率（%）")
        ax.set_xlim(0, 100)
        ax.invert_yaxis()
        replace_output(difficulty_out, TABLE_CSS + table_html(shown, index=False, formatters={"答对率": percent}), fig)

    @safe(learner_out)
    def render_learner(_change: object = None) -> None:
        if not learner_picker.value:
            replace_output(learner_out, "<p>请选择学员。</p>")
            return
        replace_output(learner_out, book.learner_report_html(learner_picker.value))

    @safe(manual_out)
    def render_pending() -> None:
        table = book.pending_manual()
        pending_rows.clear()
        options = []
        for _, row in table.iterrows():
            key = f"{row['submission_id']}:{row['item_id']}"
            pending_rows[key] = row
            latest = "（最终）" if row["is_latest"] else ""
            options.append((f"{row['learner_id']} · {row['exercise_id']} · {row['label']}{latest}", key))
        pending_picker.options = options
        show_answer()

    @safe(manual_out)
    def show_answer(_change: object = None) -> None:
        row = pending_rows.get(pending_picker.value or "")
        if row is None:
            answer_view.value = "<p>没有待评分的题目。</p>"
            return
        points.max = float(row["max_points"])
        answer_view.value = (f"<p><b>{html.escape(str(row['label']))}</b>（满分 {row['max_points']:g}）</p>"
                             f"<blockquote style='white-space:pre-wrap'>{html.escape(str(row['given']))}</blockquote>")

    @safe(manual_out)
    def on_save(_button: object = None) -> None:
        row = pending_rows.get(pending_picker.value or "")
        if row is None:
            return
        book.set_manual_score(int(row["submission_id"]), str(row["item_id"]), points.value, grader.value, note.value)
        refresh()
        replace_output(manual_out, f"<p>已保存：{html.escape(str(row['learner_id']))} 的“{html.escape(str(row['label']))}”得 {points.value:g} 分。</p>")

    @safe(export_out)
    def on_export(_button: object = None) -> None:
        target = book.data_dir / "exports" / f"成绩册-{datetime.now():%Y%m%d-%H%M%S}.{export_format.value}"
        path = book.export(target, export_format.value)
        replace_output(export_out, _download_link(path, f"下载 {path.name}"))

    @safe(policy_out)
    def render_policy() -> None:
        replace_output(policy_out, policy_view(book))

    @safe(overview_out)
    def recover() -> None:
        book.recover_receipts()  # receipts of kernels killed before their row was written

    def refresh(_button: object = None) -> None:
        if _button is not None:  # the 刷新 button (the first drawing follows the recovery done on opening)
            recover()
        render_policy()
        render_overview()
        render_difficulty()
        learners = sorted({attempt.learner_id for attempt in book.all_attempts()})  # even if the policy is broken
        current = learner_picker.value
        learner_picker.options = learners
        learner_picker.value = current if current in learners else (learners[0] if learners else None)
        render_learner()
        render_pending()

    refresh_button.on_click(refresh)
    learner_picker.observe(render_learner, names="value")
    pending_picker.observe(show_answer, names="value")
    save.on_click(on_save)
    export_button.on_click(on_export)
    refresh()
    tabs = widgets.Tab(children=[
        overview_out, difficulty_out, widgets.VBox([learner_picker, learner_out]),
        widgets.VBox([pending_picker, answer_view, points, grader, note, save, manual_out]),
        widgets.VBox([export_format, export_button, export_out]), policy_out,
    ])
    for i, name in enumerate(("班级总览", "题目难度", "学员详情", "人工评分", "导出", "评分规则")):
        tabs.set_title(i, name)
    return widgets.VBox([title, refresh_button, tabs])


def _damaged_panel(problem: gradebook.GradebookDamagedError) -> widgets.VBox:
    """What the instructor sees when the database is damaged: the reason and a button that rebuilds it."""
    message = widgets.HTML(TABLE_CSS + error_html(str(problem)))
    button = widgets.Button(description="从回执重建成绩册", button_style="warning", icon="wrench",
                            layout=widgets.Layout(width="220px"))
    button.add_class("ml-rebuild")
    out = widgets.Output()
    panel = widgets.VBox([widgets.HTML("<h3>讲师成绩册</h3>"), message, button, out])

    @safe(out)
    def on_rebuild(_button: object = None) -> None:
        button.disabled = True
        try:
            report = gradebook.rebuild_gradebook()
        finally:
            button.disabled = False
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in report.lines())
        panel.children = (widgets.HTML(f"<p><b>成绩册已重建。</b></p><ul>{lines}</ul>"), instructor_dashboard())

    button.on_click(on_rebuild)
    return panel
