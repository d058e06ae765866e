"""Cross-check explorer (course 04b): a case's evidence → every 交叉验证 method that can run → verdicts.

The learner picks a case (and a learner id for a personal variant) and ticks the evidence at hand (银行流水,
进货发票, 盘点表, each respondent's statement …). Every method of :func:`microloan_sim.crosscheck.run_all` that
the evidence allows is listed with the value the evidence implies, the value reported, the deviation, the
tolerance (示例参数) and the verdict; a chart shows each deviation against its tolerance band. Unticking a
document removes the checks that need it, so the learner sees which contradiction each document uncovers.

The checks use the documents an officer sees on site (with the case's planted inconsistencies); nothing
here reads or shows the answer key.
"""
from __future__ import annotations

import html
import re
from collections.abc import Collection, Sequence
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import Image
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import casebook, crosscheck
from ..crosscheck import CheckResult, Verdict, deviation_text, format_value
from ..plotting import new_figure
from ._common import TABLE_CSS, case_pickers, figure_png, illustrative_tag, learner_variant, replace_output, safe

#: CSS class of each verdict (defined in ``TABLE_CSS``).
VERDICT_CSS = {Verdict.CONSISTENT.value: "ml-verdict-ok", Verdict.EXPLAIN.value: "ml-verdict-warn",
               Verdict.CONTRADICTION.value: "ml-verdict-bad"}
#: Bar colour of each verdict in the chart (the same hues as the CSS classes).
VERDICT_COLOURS = {Verdict.CONSISTENT.value: "#1a7f37", Verdict.EXPLAIN.value: "#bf8700",
                   Verdict.CONTRADICTION.value: "#b42318"}
COLUMNS = ["方法编号", "检验", "分组", "推算值", "申报值", "单位", "偏差", "容差", "矛盾阈值", "结论", "说明"]

_TOPIC = re.compile(r"就(.+?)分别询问")
_EXTRA_CSS = """
<style>
.ml-checks td.expl {max-width: 460px; font-size: 12px; color: #333;}
.ml-checks details summary {cursor: pointer; color: #1f6fb2;}
.ml-verdict-summary {font-size: 14px; margin: 6px 0;}
.ml-verdict-summary span {margin: 0 4px;}
</style>
"""


# --------------------------------------------------------------------------- data helpers (no widgets)

@lru_cache(maxsize=64)
def load(case_id: str, variant: str | None = None) -> casebook.Case:
    """The case (or a learner's variant), one object per (id, variant) so the per-case caches downstream hit.

    Examples
    --------
    >>> load("C01") is load("C01"), load("C01", "学员-07").variant is not None
    (True, True)
    """
    return casebook.load_case(case_id, variant=variant or None)


def evidence_options(case: casebook.Case) -> dict[str, str]:
    """Evidence toggles for ``case``: id → Chinese label (see :func:`microloan_sim.crosscheck.evidence_items`).

    Examples
    --------
    >>> list(evidence_options(load("C01")).values())[:3]
    ['银行流水', '进货发票', '商品进价售价调查']
    """
    return dict(_evidence_options(case))


@lru_cache(maxsize=64)
def _evidence_options(case: casebook.Case) -> tuple[tuple[str, str], ...]:
    return tuple(crosscheck.evidence_items(case).items())


@lru_cache(maxsize=512)
def _results(case: casebook.Case, evidence: frozenset[str] | None) -> tuple[CheckResult, ...]:
    return tuple(crosscheck.run_all(case, evidence=evidence))


def results(case: casebook.Case, evidence: Collection[str] | None = None) -> tuple[CheckResult, ...]:
    """:func:`microloan_sim.crosscheck.run_all` with the given evidence, cached per case object and evidence set."""
    return _results(case, None if evidence is None else frozenset(evidence))


def check_label(result: CheckResult) -> str:
    """Chinese label of a check: the method's name, with the topic for a 不同来源核对.

    Examples
    --------
    >>> r = crosscheck.source_disagreement_check({"借款人": 100, "配偶": 90}, item="家庭月开支")
    >>> check_label(r)
    '不同来源核对（家庭月开支）'
    """
    if result.method == "source_disagreement":
        found = _TOPIC.search(result.explanation)
        if found:
            return f"{result.name}（{found.group(1).removeprefix('从')}）"
    return result.name


def check_table(case: casebook.Case, evidence: Collection[str] | None = None) -> pd.DataFrame:
    """The checks the evidence allows on ``case``, one row each, with Chinese column names.

    Columns: 方法编号 (method id), 检验, 分组, 推算值 (implied by the evidence), 申报值, 单位, 偏差 (a fraction),
    容差 (the 需解释 bound, 示例参数), 矛盾阈值, 结论 (一致/需解释/矛盾) and 说明.

    Examples
    --------
    >>> full = check_table(load("C01"))
    >>> "矛盾" in set(full["结论"]), "sales_from_bank_flows" in set(full["方法编号"])
    (True, True)
    >>> items = [k for k in evidence_options(load("C01")) if k != "bank_transactions"]
    >>> "sales_from_bank_flows" in set(check_table(load("C01"), items)["方法编号"])
    False
    """
    bounds = crosscheck.tolerances()
    rows = []
    for r in results(case, evidence):
        info = crosscheck.METHODS.get(r.method)
        contra = bounds[info.tolerance_key]["contradiction"] if info else float("nan")
        rows.append({"方法编号": r.method, "检验": check_label(r), "分组": info.group_name if info else "",
                     "推算值": r.expected, "申报值": r.reported, "单位": r.unit, "偏差": r.deviation,
                     "容差": r.tolerance, "矛盾阈值": contra, "结论": r.verdict.value, "说明": r.explanation})
    return pd.DataFrame(rows, columns=COLUMNS)


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many checks end in each verdict, in the order 一致, 需解释, 矛盾.

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"结论": ["一致", "矛盾", "矛盾"]}))
    {'一致': 1, '需解释': 0, '矛盾': 2}
    """
    counts = table["结论"].value_counts() if len(table) else pd.Series(dtype=int)
    return {v.value: int(counts.get(v.value, 0)) for v in Verdict}


def summary_html(table: pd.DataFrame, dropped: Sequence[str] = ()) -> str:
    """The summary line (``.ml-verdict-summary``) counting 一致 / 需解释 / 矛盾, with the counts as data attributes.

    Examples
    --------
    >>> text = summary_html(pd.DataFrame({"结论": ["一致", "矛盾"]}), ["银行流水"])
    >>> 'data-bad="1"' in text, "未使用的证据：银行流水" in text
    (True, True)
    """
    counts = verdict_counts(table)
    parts = "，".join(f'<span class="{VERDICT_CSS[v]}">{v} {n} 项</span>' for v, n in counts.items())
    note = f"；未使用的证据：{html.escape('、'.join(dropped))}" if dropped else "；使用了全部证据"
    return (f'<div class="ml-verdict-summary" data-ok="{counts["一致"]}" data-warn="{counts["需解释"]}" '
            f'data-bad="{counts["矛盾"]}">共 <b>{len(table)}</b> 项检验：{parts}{note}。</div>')


def checks_html(table: pd.DataFrame) -> str:
    """The checks as an HTML table; each row has the classes ``ml-check ml-check-<method id>`` and a
    ``data-verdict`` attribute, the verdict cell its colour class.

    Examples
    --------
    >>> text = checks_html(check_table(load("C01")))
    >>> 'class="ml-check ml-check-debt_service"' in text, text.count("<tr class=") >= 10
    (True, True)
    """
    head = ("<tr><th>分组</th><th>检验</th><th>证据推算值</th><th>申报值</th><th>偏差</th>"
            f"<th>容差{illustrative_tag()}</th><th>结论</th><th>说明</th></tr>")
    rows = []
    for row in table.itertuples(index=False):
        method, name, group, expected, reported, unit, deviation, tol, contra, verdict, explanation = row
        css = VERDICT_CSS[verdict]
        tolerance = f"一致 ≤ {tol:.0%}，矛盾 &gt; {contra:.0%}"
        rows.append(
            f'<tr class="ml-check ml-check-{html.escape(method)}" data-method="{html.escape(method)}" '
            f'data-verdict="{verdict}"><td>{html.escape(group)}</td><td>{html.escape(name)}</td>'
            f'<td class="num">{html.escape(format_value(expected, unit))}</td>'
            f'<td class="num">{html.escape(format_value(reported, unit))}</td>'
            f'<td class="num">{deviation_text(deviation)}</td><td>{tolerance}</td>'
            f'<td class="{css} ml-verdict">{verdict}</td>'
            f'<td class="expl"><details><summary>查看说明</summary>{html.escape(explanation)}</details></td></tr>')
    caption = ("<caption style='caption-side:top;text-align:left;font-weight:600'>各项交叉检验"
               "（偏差 = (证据推算值 − 申报值) ÷ 申报值，部分方法有自己的口径，见说明）</caption>")
    return (f'<table class="ml-table ml-checks">{caption}<thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def deviation_chart(table: pd.DataFrame, title: str = "各项检验的偏差与容差带") -> Figure:
    """Horizontal bars: each check's deviation (%) over its tolerance band (green 一致, yellow 需解释).

    Examples
    --------
    >>> fig = deviation_chart(check_table(load("C06")))
    >>> fig.axes[0].get_xlabel(), len(fig.axes[0].get_yticklabels()) == len(check_table(load("C06")))
    ('偏差（%）', True)
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    n = len(table)
    fig, ax = new_figure(f"{title}（容差为示例参数）", "检验", "偏差（%）", size=(8.0, 0.34 * max(n, 1) + 1.4))
    ax.grid(False)
    ax.grid(axis="x", alpha=0.3)
    y = np.arange(n)[::-1]
    explain = table["容差"].to_numpy(dtype=float) * 100
    contra = table["矛盾阈值"].to_numpy(dtype=float) * 100
    ax.barh(y, 2 * contra, left=-contra, height=0.86, color="#fdf0c4", zorder=0)
    ax.barh(y, 2 * explain, left=-explain, height=0.86, color="#d3efd9", zorder=1)
    ax.barh(y, table["偏差"].to_numpy(dtype=float) * 100, height=0.42, zorder=2,
            color=[VERDICT_COLOURS[v] for v in table["结论"]])
    ax.axvline(0, color="#444444", linewidth=0.8, zorder=3)
    ax.set_yticks(y, [str(s) for s in table["检验"]], fontsize=8)
    ax.set_ylim(-0.6, n - 0.4)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:.0f}%"))
    handles = [Patch(color="#d3efd9", label="一致区间"), Patch(color="#fdf0c4", label="需解释区间"),
               *(Patch(color=c, label=f"结论：{v}") for v, c in VERDICT_COLOURS.items())]
    fig.legend(handles=handles, fontsize=8, ncols=5, loc="outside lower center", frameon=False)
    return fig


@lru_cache(maxsize=256)
def _chart_png(case: casebook.Case, evidence: frozenset[str] | None) -> bytes:
    return figure_png(deviation_chart(check_table(case, evidence)))


# --------------------------------------------------------------------------- the dashboard

def crosscheck_explorer(case_id: str = "C01") -> widgets.VBox:
    """Pick a case and a variant, tick the evidence at hand, and see every cross-check with its verdict.

    Examples
    --------
    Outside a kernel the output widgets print to stdout, so the example silences them:

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = crosscheck_explorer()
    >>> box.children[0].children[0].value
    'C01'
    >>> "ml-verdict-summary" in box.children[3].value
    True
    """
    case_picker, variant_box = case_pickers(case_id)
    reset = widgets.Button(description="恢复全部证据", icon="undo", layout=widgets.Layout(width="140px"))
    reset.add_class("ml-evidence-reset")
    evidence_grid = widgets.GridBox(layout=widgets.Layout(grid_template_columns="repeat(3, 260px)"))
    evidence_grid.add_class("ml-evidence")
    evidence_head = widgets.HTML("<b>手头的证据</b>（取消勾选 = 假设没有拿到这份证据；借款人申报、资产负债表和行业参考值始终可用）")
    summary = widgets.HTML()
    summary.add_class("ml-crosscheck-summary")
    message = widgets.Output()
    table = widgets.HTML()
    table.add_class("ml-crosscheck-table")
    chart = widgets.Output()
    chart.add_class("ml-crosscheck-chart")
    boxes: dict[str, widgets.Checkbox] = {}
    state: dict[str, casebook.Case] = {}

    def chosen() -> frozenset[str] | None:
        ticked = frozenset(key for key, box in boxes.items() if box.value)
        return None if len(ticked) == len(boxes) else ticked

    @safe(message)
    def render(_change: object = None) -> None:
        case = state["case"]
        evidence = chosen()
        frame = check_table(case, evidence)
        dropped = [box.description for box in boxes.values() if not box.value]
        table.value = checks_html(frame)
        replace_output(chart, Image(data=_chart_png(case, evidence), format="png"))
        summary.value = TABLE_CSS + _EXTRA_CSS + summary_html(frame, dropped)  # last: the summary signals "done"
        replace_output(message)

    def build_boxes(case: casebook.Case) -> None:
        previous = {key: box.value for key, box in boxes.items()}
        for box in boxes.values():
            box.unobserve(render, names="value")
        boxes.clear()
        for i, (key, name) in enumerate(evidence_options(case).items()):
            box = widgets.Checkbox(value=previous.get(key, True), description=name, indent=False,
                                   layout=widgets.Layout(width="250px"))
            box.add_class("ml-evidence-item")
            box.add_class(f"ml-evidence-{key}" if not key.startswith(crosscheck.STATEMENT_PREFIX)
                          else f"ml-evidence-statement-{i}")
            box.observe(render, names="value")
            boxes[key] = box
        evidence_grid.children = tuple(boxes.values())

    @safe(message)
    def refresh(_change: object = None) -> None:
        case = load(case_picker.value, learner_variant(variant_box))
        state["case"] = case
        build_boxes(case)
        render()

    @safe(message)
    def tick_all(_button: object = None) -> None:
        for box in boxes.values():
            box.unobserve(render, names="value")
            box.value = True
            box.observe(render, names="value")
        render()

    case_picker.observe(refresh, names="value")
    variant_box.observe(refresh, names="value")
    reset.on_click(tick_all)
    refresh()
    root = widgets.VBox([widgets.HBox([case_picker, variant_box]), evidence_head,
                         widgets.VBox([evidence_grid, reset]), summary, message, chart, table])
    root.add_class("ml-crosscheck")
    return root
