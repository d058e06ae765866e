"""What the instructor and the learner see of the attempts: class overview, item difficulty, per-item rows,
the HTML feedback report, and the CSV / xlsx writers behind :meth:`Gradebook.export`."""
from __future__ import annotations

import csv
import html
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._common import _fmt, _now
from .policy import COUNTS_LABELS, GradingPolicy, PolicyLookup, attempt_that_counts, counted_flags
from .records import Attempt

if TYPE_CHECKING:
    import pandas as pd

#: Statuses that count as answered correctly in the item-difficulty table.
CORRECT_STATUSES = frozenset({"correct", "within_tolerance"})
STATUS_LABELS: dict[str, str] = {
    "correct": "正确", "within_tolerance": "在容差内", "wrong": "错误", "missing": "未作答",
    "manual": "待讲师评分", "manual_scored": "讲师已评分",
}
#: Chinese column headers used by the exports (and available to the instructor dashboard).
CHINESE_HEADERS: dict[str, str] = {
    "learner_id": "学员编号", "exercise_id": "练习编号", "exercise_title": "练习名称", "attempts": "提交次数",
    "best_score": "最高得分", "latest_score": "最近一次得分", "max_score": "满分", "best_share": "最高得分率",
    "last_submitted_at": "最近提交时间（UTC）", "pending_manual": "待讲师评分题数",
    "submission_id": "提交编号", "item_id": "题目编号", "label": "题目", "status": "结果", "points": "得分",
    "max_points": "本题满分", "given": "作答", "note": "讲师评语", "judged": "已判题人次", "correct": "答对人次",
    "share_correct": "答对比例", "pending": "待评分人次", "submitted_at": "提交时间（UTC）",
    "counts": "计分方式", "counted_score": "计分得分", "counted_share": "计分得分率", "uncounted": "不计分提交次数",
}


def _legacy_policy(_exercise_id: str) -> GradingPolicy:
    """Every attempt counts and the best one is the score (the gradebook before grading policies)."""
    return GradingPolicy(attempts=1000, counts="best")


# --------------------------------------------------------------------------- tables

def _latest_per_pair(attempts: Sequence[Attempt]) -> dict[tuple[str, str], Attempt]:
    latest: dict[tuple[str, str], Attempt] = {}
    for attempt in attempts:  # oldest first, so the last one wins
        latest[(attempt.learner_id, attempt.exercise_id)] = attempt
    return latest


def _best_per_pair(attempts: Sequence[Attempt]) -> list[Attempt]:
    best: dict[tuple[str, str], Attempt] = {}
    for attempt in attempts:
        pair = (attempt.learner_id, attempt.exercise_id)
        if pair not in best or attempt.score > best[pair].score:  # ties: the earliest best attempt
            best[pair] = attempt
    return sorted(best.values(), key=lambda a: (a.learner_id, a.exercise_id))


def _groups(attempts: Sequence[Attempt]) -> dict[tuple[str, str], list[Attempt]]:
    groups: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in attempts:  # oldest first
        groups.setdefault((attempt.learner_id, attempt.exercise_id), []).append(attempt)
    return dict(sorted(groups.items()))


def _counted_per_pair(attempts: Sequence[Attempt], policy_of: PolicyLookup | None = None) -> list[Attempt]:
    """Per learner × exercise, the attempt whose score counts under the grading policy."""
    lookup = policy_of or _legacy_policy
    chosen = (attempt_that_counts(lookup(exercise), group) for (_, exercise), group in _groups(attempts).items())
    return [attempt for attempt in chosen if attempt is not None]


_OVERVIEW_COLUMNS = ["learner_id", "exercise_id", "exercise_title", "attempts", "best_score", "latest_score",
                     "max_score", "best_share", "last_submitted_at", "pending_manual", "counts", "counted_score",
                     "counted_share", "uncounted"]


def _overview(attempts: Sequence[Attempt], policy_of: PolicyLookup | None = None) -> pd.DataFrame:
    """One row per learner × exercise; ``counted_score`` is the score that counts under the grading policy
    (``counts`` says which: the last or the best of the attempts within the limit and by the deadline)."""
    import pandas as pd

    lookup = policy_of or _legacy_policy
    policies: dict[str, GradingPolicy] = {}
    rows = []
    for (learner, exercise), group in _groups(attempts).items():
        policy = policies.setdefault(exercise, lookup(exercise))
        latest = group[-1]
        best = max(a.score for a in group)
        chosen = attempt_that_counts(policy, group)
        counted = 0.0 if chosen is None else chosen.score
        rows.append({"learner_id": learner, "exercise_id": exercise, "exercise_title": latest.exercise_title,
                     "attempts": len(group), "best_score": best, "latest_score": latest.score,
                     "max_score": latest.max_score,
                     "best_share": round(best / latest.max_score, 4) if latest.max_score else 0.0,
                     "last_submitted_at": latest.submitted_at,
                     "pending_manual": sum(a.pending_manual for a in group),
                     "counts": COUNTS_LABELS[policy.counts], "counted_score": counted,
                     "counted_share": round(counted / latest.max_score, 4) if latest.max_score else 0.0,
                     "uncounted": counted_flags(policy, [a.submitted_at for a in group]).count(False)})
    return pd.DataFrame(rows, columns=_OVERVIEW_COLUMNS)


def _difficulty(attempts: Sequence[Attempt]) -> pd.DataFrame:
    import pandas as pd

    table: dict[tuple[str, str], dict[str, Any]] = {}
    for attempt in sorted(attempts, key=lambda a: a.exercise_id):
        for item in attempt.items:
            entry = table.setdefault((attempt.exercise_id, item["item_id"]), {
                "exercise_id": attempt.exercise_id, "item_id": item["item_id"], "label": item["label"],
                "judged": 0, "correct": 0, "pending": 0})
            if item["status"] == "manual":
                if item.get("manual_points") is None:
                    entry["pending"] += 1
                    continue
                right = item["manual_points"] >= item["max_points"] - 1e-9
            else:
                right = item["status"] in CORRECT_STATUSES
            entry["judged"] += 1
            entry["correct"] += int(right)
    rows = []
    for entry in table.values():
        share = entry["correct"] / entry["judged"] if entry["judged"] else float("nan")
        rows.append({**entry, "share_correct": share})
    return pd.DataFrame(rows, columns=["exercise_id", "item_id", "label", "judged", "correct", "share_correct",
                                       "pending"])


def _item_rows(attempts: Sequence[Attempt]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for attempt in attempts:
        for item in attempt.items:
            status = item["status"]
            if status == "manual" and item.get("manual_points") is not None:
                status = "manual_scored"
            given = item["given"]
            rows.append({"learner_id": attempt.learner_id, "exercise_id": attempt.exercise_id,
                         "submission_id": attempt.submission_id, "item_id": item["item_id"],
                         "label": item["label"], "status": STATUS_LABELS.get(status, status),
                         "points": item["points"], "max_points": item["max_points"],
                         "given": "" if given is None else str(given), "note": item.get("note", "")})
    return pd.DataFrame(rows, columns=["learner_id", "exercise_id", "submission_id", "item_id", "label", "status",
                                       "points", "max_points", "given", "note"])


# --------------------------------------------------------------------------- writers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalar from a DataFrame
        value = value.item()
    return value


def _looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def _write_csv(path: Path, frame: pd.DataFrame, on_progress: Callable[[int, int], None] | None = None) -> None:
    """CSV for Excel: UTF-8 with BOM; text a spreadsheet would run as a formula gets a leading apostrophe.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> out = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _write_csv(out, pd.DataFrame({"learner_id": ["=HYPERLINK(1)", "@SUM(A1)", "-2+3", "学员"]}))
    >>> out.read_text(encoding="utf-8-sig").splitlines()
    ['学员编号', "'=HYPERLINK(1)", "'@SUM(A1)", "'-2+3", '学员']
    """
    total = len(frame)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([CHINESE_HEADERS.get(str(c), str(c)) for c in frame.columns])
        for done, row in enumerate(frame.itertuples(index=False), start=1):
            cells = [_cell(v) for v in row]
            writer.writerow(["'" + c if _looks_like_formula(c) else ("" if c is None else c) for c in cells])
            if on_progress is not None and (done % 500 == 0 or done == total):
                on_progress(done, total)


def _write_xlsx(path: Path, sheets: list[tuple[str, pd.DataFrame]],
                on_progress: Callable[[int, int], None] | None = None) -> None:
    """One sheet per table; text starting with ``= + - @`` is stored as text with Excel's quote prefix."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    total, done = sum(len(frame) for _, frame in sheets), 0
    for title, frame in sheets:
        sheet = workbook.create_sheet(title)
        headers = [CHINESE_HEADERS.get(str(c), str(c)) for c in frame.columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
            done += 1
            if on_progress is not None and (done % 500 == 0 or done == total):
                on_progress(done, total)
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if cell.data_type == "f" or _looks_like_formula(cell.value):  # shown as typed, never run
                    cell.data_type = "s"
                    cell.quotePrefix = True
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, min(40, 2 * len(header) + 2))
    workbook.save(path)


# --------------------------------------------------------------------------- the learner's HTML report

_REPORT_CSS = """
body{font-family:"Noto Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right}.correct,.within_tolerance,.manual_scored{color:#17702e}
.wrong,.missing{color:#b00020}.manual{color:#a05a00}.hint{max-width:36em;font-size:.9em}
"""


def _report_html(learner_id: str, attempts: Sequence[Attempt], policy_of: PolicyLookup | None = None) -> str:
    e = html.escape
    generated = _now().astimezone().strftime("%Y-%m-%d %H:%M（%Z）")
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>学习反馈报告 · {e(learner_id)}</title><style>{_REPORT_CSS}</style></head><body>",
             "<h1>学习反馈报告</h1>", f"<p>学员编号：{e(learner_id)}　生成时间：{e(generated)}</p>"]
    if not attempts:
        parts.append("<p>暂无提交记录。</p></body></html>")
        return "\n".join(parts)
    lookup = policy_of or _legacy_policy
    summary = _overview(attempts, lookup)
    parts.append("<h2>总览</h2><table><thead><tr><th>练习</th><th>提交次数</th><th>最高得分</th>"
                 "<th>最近一次得分</th><th>计分得分</th><th>计分方式</th><th>满分</th></tr></thead><tbody>")
    for row in summary.to_dict("records"):
        parts.append(f"<tr><td>{e(str(row['exercise_id']))} {e(str(row['exercise_title']))}</td>"
                     f"<td class='num'>{row['attempts']}</td><td class='num'>{_fmt(row['best_score'])}</td>"
                     f"<td class='num'>{_fmt(row['latest_score'])}</td>"
                     f"<td class='num'>{_fmt(row['counted_score'])}</td><td>{e(str(row['counts']))}</td>"
                     f"<td class='num'>{_fmt(row['max_score'])}</td></tr>")
    parts.append("</tbody></table>")
    by_exercise: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_exercise.setdefault(attempt.exercise_id, []).append(attempt)
    for exercise_id, group in sorted(by_exercise.items()):
        parts.append(f"<h2>{e(exercise_id)} {e(group[-1].exercise_title)}</h2>")
        flags = counted_flags(lookup(exercise_id), [attempt.submitted_at for attempt in group])
        for number, attempt in reversed(list(enumerate(group, start=1))):
            when = attempt.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
            pending = f"（另有 {attempt.pending_manual} 题待讲师评分）" if attempt.pending_manual else ""
            pending += "" if flags[number - 1] else "（超过次数或晚于截止时间，不计分）"
            parts.append(f"<h3>第 {number} 次提交 · {e(when)} · 得分 {_fmt(attempt.score)} / "
                         f"{_fmt(attempt.max_score)}{e(pending)}</h3>")
            parts.append("<table><thead><tr><th>题目</th><th>你的答案</th><th>结果</th><th>得分</th>"
                         "<th>提示 / 讲师评语</th></tr></thead><tbody>")
            for item in attempt.items:
                status = item["status"]
                if status == "manual" and item.get("manual_points") is not None:
                    status = "manual_scored"
                given = "" if item["given"] is None else str(item["given"])
                advice = item.get("note") or item["hint"]
                parts.append(f"<tr><td>{e(item['label'])}</td><td>{e(given)}</td>"
                             f"<td class='{e(status)}'>{e(STATUS_LABELS.get(status, status))}</td>"
                             f"<td class='num'>{_fmt(item['points'])} / {_fmt(item['max_points'])}</td>"
                             f"<td class='hint'>{e(str(advice))}</td></tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
