"""Scorecard explorer (course 04d): answers → points → grade → initial line, with reason codes, and the
expert card beside a statistical one (AUC / KS, and what small training samples do to it)."""
from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, rating
from ..labels import SEGMENTS
from ..plotting import PALETTE, new_figure
from ._common import TABLE_CSS, case_options, heading, illustrative_tag, percent, replace_output, safe, table_html

_LOST_COLOUR, _KEPT_COLOUR = PALETTE[3], PALETTE[5]


# --------------------------------------------------------------------------- answer widgets

def _shown(value: Any, unit: str) -> str:
    """How a numeric answer is typed in the form: percentages as percent numbers, money without decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)
    if unit == "%":
        return f"{round(number * 100, 2):g}"
    if unit == "元":
        return f"{number:.0f}"
    return f"{round(number, 2):g}"


def _parsed(text: str, unit: str) -> Any:
    """The answer a typed text stands for; text that is not a number is passed on for a Chinese error."""
    cleaned = text.strip().replace(",", "").replace("，", "").rstrip("%")
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return text
    return number / 100 if unit == "%" else number


def _unit_hint(unit: str) -> str:
    return {"%": "%", "倍": "倍", "元": "元"}.get(unit, unit)


class _AnswerForm:
    """One editable widget per indicator; knows the case's own answers and returns the what-if overrides."""

    def __init__(self, card: rating.Scorecard, answers: dict[str, Any]) -> None:
        self.card = card
        self.inputs: dict[str, widgets.Widget] = {}
        self.original: dict[str, Any] = {}
        rows = []
        block = None
        for ind in card.indicators:
            if ind.block != block:
                block = ind.block
                rows.append(widgets.HTML(f"<b style='color:#57606a'>{html.escape(block or '')}</b>"))
            info = rating.source_info(ind.source)
            value = answers.get(ind.source, ind.default)
            if ind.kind == "category":
                options = list(ind.categories or {})
                if str(value) not in options:
                    options.append(str(value))
                field: widgets.Widget = widgets.Dropdown(options=options, value=str(value),
                                                         layout=widgets.Layout(width="150px"))
                self.original[ind.key] = str(value)
            else:
                text = _shown(value, info.unit)
                field = widgets.Text(value=text, placeholder="无法计算", continuous_update=False,
                                     layout=widgets.Layout(width="150px"))
                self.original[ind.key] = text
            field.add_class("ml-answer")
            field.add_class(f"ml-answer-{ind.key}")
            self.inputs[ind.key] = field
            name = widgets.HTML(f"<span title='数据来源：{html.escape(info.label)}'>{html.escape(ind.name)}</span>",
                                layout=widgets.Layout(width="230px"))
            unit = widgets.HTML(html.escape(_unit_hint(info.unit)), layout=widgets.Layout(width="40px"))
            rows.append(widgets.HBox([name, field, unit]))
        # a fixed width that never shrinks: inside the tab's HBox a flexible form collapsed to a 1-px column
        self.box = widgets.VBox(rows, layout=widgets.Layout(width="440px", min_width="440px", flex="0 0 auto"))
        self.box.add_class("ml-answer-form")

    def overrides(self) -> dict[str, Any]:
        """Answers the learner changed, keyed by source (text that is not a number is passed on as text)."""
        changed = {}
        for ind in self.card.indicators:
            field = self.inputs[ind.key]
            value = field.value
            if value == self.original[ind.key]:
                field.remove_class("ml-changed")
                continue
            field.add_class("ml-changed")
            changed[ind.source] = value if ind.kind == "category" else _parsed(str(value),
                                                                               rating.source_info(ind.source).unit)
        return changed

    def reset(self) -> None:
        for key, field in self.inputs.items():
            field.value = self.original[key]


# --------------------------------------------------------------------------- pieces of the display

def lost_points_chart(result: rating.Rating) -> Figure:
    """Horizontal bars: points lost per indicator; the reason-code indicators in red."""
    frame = result.breakdown.sort_values("扣分")
    reasons = {r.code for r in result.reasons}
    fig, ax = new_figure(f"各指标扣分（{result.scorecard_name}，满分 {result.max_score:g} 分）", "指标",
                         xlabel="扣分（分）", size=(8.0, 0.28 * len(frame) + 1.2))
    colours = [_LOST_COLOUR if key in reasons else _KEPT_COLOUR for key in frame.index]
    ax.barh(list(frame["指标"]), list(frame["扣分"]), color=colours)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(float(frame["满分"].max()), 1.0))
    return fig


def rating_summary_html(result: rating.Rating, changed: int) -> str:
    """Score, grade, initial line and reason codes as HTML."""
    what_if = f"<span style='color:#9a6700'>（已修改 {changed} 项答案，这是“如果……会怎样”的结果）</span>" if changed else ""
    reasons = "".join(f"<li data-code='{html.escape(r.code)}'>{html.escape(r.text)}</li>" for r in result.reasons)
    reasons = reasons or "<li>没有扣分项。</li>"
    return (
        f"<div class='ml-rating-summary'>得分 <b style='font-size:18px'>{result.score:g}</b> / {result.max_score:g} 分"
        f"　等级 <b class='ml-grade' style='font-size:18px'>{html.escape(result.grade)}</b>"
        f"（{html.escape(result.grade_label)}）{illustrative_tag()}"
        f"　初步授信额度 <b class='ml-credit-line' style='font-size:18px'>{result.credit_line:,.0f}</b> 元{what_if}</div>"
        f"<div style='font-size:12px;color:#57606a'>额度计算：{html.escape(result.credit_line_explanation)}</div>"
        f"<div class='ml-reasons'><b>扣分原因（扣分最多的指标）</b><ol>{reasons}</ol></div>"
    )


def breakdown_table(result: rating.Rating) -> str:
    """The per-indicator points table as HTML."""
    frame = result.breakdown[["类别", "指标", "取值", "得分", "满分", "扣分"]]
    frame = pd.concat([frame, pd.DataFrame([{"类别": "", "指标": "合计", "取值": "", "得分": result.score,
                                             "满分": result.max_score,
                                             "扣分": result.max_score - result.score}])])
    number = {c: (lambda v: f"{v:g}") for c in ("得分", "满分", "扣分")}
    return table_html(frame, index=False, subtotals={"合计"}, formatters=number, caption="各指标得分（示例参数）")


def size_effect_chart(table: pd.DataFrame) -> Figure:
    """AUC of the statistical card against the training sample size, the expert card as a flat line."""
    fig, ax = new_figure("训练样本越少，统计评分卡越不可靠", "测试集 AUC", xlabel="训练样本量（户，对数刻度）")
    sizes = table["训练样本量"].to_numpy(dtype=float)
    ax.fill_between(sizes, table["最低"], table["最高"], color=PALETTE[0], alpha=0.15, label="统计评分卡（最低–最高）")
    ax.plot(sizes, table["统计评分卡 AUC（平均）"], marker="o", color=PALETTE[0], label="统计评分卡（平均）")
    ax.axhline(float(table["专家评分卡 AUC"].iloc[0]), color=PALETTE[1], linestyle="--", label="专家评分卡")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{int(s):,}" for s in sizes])
    ax.minorticks_off()
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def comparison_html(comparison: rating.Comparison, sizes: pd.DataFrame) -> str:
    """Tables of the expert-vs-statistical comparison, with the teaching point in words."""
    p = rating.statistical_parameters()
    three = {c: (lambda v: f"{v:.3f}") for c in ("AUC", "KS")}
    size_table = sizes.copy()
    for column in ("统计评分卡 AUC（平均）", "最低", "最高", "专家评分卡 AUC"):
        size_table[column] = size_table[column].map(lambda v: "" if np.isnan(v) else f"{v:.3f}")
    size_table["训练样本量"] = size_table["训练样本量"].map(lambda v: f"{v:,}")
    intro = (
        f"<p>模拟 {comparison.n_test:,} 户小微企业客户作测试集（违约率 {percent(comparison.default_rate)}），"
        "违约由一个已知的“真实模型”产生。专家评分卡凭经验定分；统计评分卡把每个指标分箱、算 WoE，"
        f"用逻辑回归（scikit-learn）估计违约概率，再换算成分数：好坏比 {p.scaling.base_odds:g}:1 时 "
        f"{p.scaling.base_points:g} 分，好坏比每翻一倍加 {p.scaling.pdo:g} 分 {illustrative_tag()}。"
        "AUC 越接近 1、KS 越大，区分好坏客户的能力越强。</p>"
    )
    lesson = ("<p><b>要点</b>：训练数据充足时统计评分卡更准；只有一两百户历史数据时，它反而不如专家评分卡，"
              "而且每次抽样结果差别很大。新开办的业务、农户和小微客户往往正是这种“缺数据”的情形，"
              "所以要先用专家评分卡，一边放贷一边积累数据。</p>")
    stat_table = comparison.statistical.table.copy()
    stat_table["违约率"] = stat_table["违约率"].map(percent)
    stat_table["WoE"] = stat_table["WoE"].map(lambda v: f"{v:.3f}")
    return (TABLE_CSS + intro
            + table_html(comparison.table, formatters=three, caption="留出测试集上的区分能力")
            + table_html(size_table, index=False, caption="训练样本量与统计评分卡的 AUC（每个样本量重复抽样）")
            + lesson
            + table_html(stat_table, index=False, formatters={"样本数": lambda v: f"{v:,}", "分值": lambda v: f"{v:+d}"},
                         caption=f"统计评分卡分值表（{comparison.n_train:,} 户训练；基础分 "
                                 f"{comparison.statistical.base_points:.0f} 分，加各特征分值）"))


# --------------------------------------------------------------------------- the dashboard

def scorecard_explorer(case_id: str = "C01", scorecard: str | None = None) -> widgets.VBox:
    """Pick a case and a card, edit any answer, and see points, score, grade, initial line and reason codes.

    A second tab compares the expert card with a statistical card (AUC, KS, training sample size); it is
    computed once, when the tab is first opened, and cached.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = scorecard_explorer("C03")
    >>> box.children[0].children[1].value
    'farmer'
    """
    case_picker = widgets.Dropdown(options=case_options(), value=case_id, description="案例",
                                   layout=widgets.Layout(width="330px"))
    card_picker = widgets.Dropdown(description="评分卡", layout=widgets.Layout(width="330px"))
    reset = widgets.Button(description="恢复案例原值", tooltip="把所有答案恢复为案例中的取值")
    for widget, css in ((case_picker, "ml-case"), (card_picker, "ml-card"), (reset, "ml-reset")):
        widget.add_class(css)
    form_holder = widgets.VBox(layout=widgets.Layout(min_width="450px", flex="0 0 auto"))
    summary = widgets.HTML()
    result_out = widgets.Output(layout=widgets.Layout(min_width="480px"))
    compare_out = widgets.Output()
    results = widgets.VBox([summary, result_out], layout=widgets.Layout(flex="1 1 480px", min_width="480px"))
    form_holder.add_class("ml-answer-column")
    results.add_class("ml-rating-results")
    # the form keeps its width; on a narrow screen the results wrap below it instead of squeezing it
    page = widgets.HBox([form_holder, results], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
    tabs = widgets.Tab(children=[page, compare_out])
    tabs.set_title(0, "评分")
    tabs.set_title(1, "专家卡 vs 统计卡")
    state: dict[str, Any] = {}

    @safe(result_out)
    def render(_change: object = None) -> None:
        form: _AnswerForm = state["form"]
        overrides = form.overrides()
        summary.value = ""
        result = rating.rate(state["case"], form.card, overrides=overrides)
        summary.value = TABLE_CSS + rating_summary_html(result, len(overrides))
        replace_output(result_out, TABLE_CSS + breakdown_table(result), lost_points_chart(result))

    @safe(result_out)
    def load_card(_change: object = None) -> None:
        if card_picker.value is None or state.get("switching"):
            return
        card = rating.load_scorecard(card_picker.value)
        answers = rating.case_answers(state["case"], card)
        form = _AnswerForm(card, answers)
        state["form"] = form
        for field in form.inputs.values():
            field.observe(render, names="value")
        form_holder.children = [heading("答案（可修改，试试“如果……会怎样”）"),
                                widgets.HTML(f"<small>{html.escape(card.description)} {illustrative_tag()}</small>"),
                                form.box, reset]
        render()

    @safe(result_out)
    def load_case(_change: object = None) -> None:
        case = casebook.load_case(case_picker.value)
        state["case"] = case
        ids = rating.applicable_scorecards(case)
        # keep the card in use if it fits the new case; the first time, the card asked for
        current = card_picker.value or (rating.load_scorecard(scorecard).id if scorecard else None)
        state["switching"] = True  # new options must not each trigger a card load
        try:
            card_picker.options = [(rating.load_scorecard(c).name, c) for c in ids]
            card_picker.value = current if current in ids else ids[0]
        finally:
            state["switching"] = False
        load_card()

    @safe(compare_out)
    def show_comparison(_change: object = None) -> None:
        if tabs.selected_index != 1 or state.get("compared"):
            return
        replace_output(compare_out, "<p>正在模拟客户群并训练统计评分卡（约需几秒）……</p>")
        comparison = rating.compare_expert_vs_statistical()
        sizes = rating.data_size_effect()
        replace_output(compare_out, comparison_html(comparison, sizes), size_effect_chart(sizes))
        state["compared"] = True

    def restore(_button: object = None) -> None:
        form: _AnswerForm = state["form"]
        for field in form.inputs.values():
            field.unobserve(render, names="value")
        form.reset()
        for field in form.inputs.values():
            field.observe(render, names="value")
        render()

    reset.on_click(safe(result_out)(restore))
    case_picker.observe(load_case, names="value")
    card_picker.observe(load_card, names="value")
    tabs.observe(show_comparison, names="selected_index")
    load_case()
    note = widgets.HTML(
        f"<small>指标、分档、权重、等级和授信系数均为{illustrative_tag()}（讲师可在评分卡数据文件中修改），"
        f"不是监管规定。适用客户：{'、'.join(SEGMENTS.values())}各有评分卡。</small>")
    return widgets.VBox([widgets.HBox([case_picker, card_picker]), note, tabs])


# --------------------------------------------------------------------------- approval threshold (05a)

def approval_chart(sim: rating.ApprovalSimulation, threshold: float) -> Figure:
    """Approval rate and default rate of the approved (left axis) and the net result (right axis) against
    the score threshold, with the chosen threshold marked."""
    table = sim.table
    fig, ax = new_figure(f"审批分数线的取舍（{rating.APPROVAL_MODELS[sim.model]}，{len(sim.scores):,} 户模拟申请人）",
                         "比例（%）", xlabel="审批分数线（不低于此分即通过）", size=(8.0, 3.8))
    cut = table["分数线"].to_numpy(dtype=float)
    ax.plot(cut, table["通过率"] * 100, color=PALETTE[0], label="通过率")
    ax.plot(cut, table["通过户违约率"] * 100, color=PALETTE[3], label="通过户违约率")
    ax.axhline(sim.economics.break_even_default_rate * 100, color=PALETTE[3], linestyle=":", linewidth=1,
               label="盈亏平衡违约率")
    ax.axvline(threshold, color="#57606a", linestyle="--", linewidth=1)
    money_ax = ax.twinx()
    money_ax.plot(cut, table["净收益"] / 10_000, color=PALETTE[1], label="净收益（万元，右轴）")
    money_ax.set_ylabel("净收益（万元）")
    money_ax.spines[["top"]].set_visible(False)
    # the threshold marker has no label; matplotlib names it "_child3", which must not reach the legend
    lines = [line for line in ax.get_lines() + money_ax.get_lines() if not str(line.get_label()).startswith("_")]
    ax.legend(lines, [str(line.get_label()) for line in lines], fontsize=8, frameon=False, loc="center left")
    return fig


def approval_summary_html(sim: rating.ApprovalSimulation, row: pd.Series) -> str:
    """The chosen threshold's volume, risk and result beside the best threshold, in words."""
    econ, best = sim.economics, sim.best
    verdict = ("低于" if row["通过户违约率"] < econ.break_even_default_rate else "高于")
    rejected = ("没有被拒绝的申请人" if row["通过率"] >= 1 else f"被拒绝的申请人违约率 {percent(row['拒绝户违约率'])}")
    gap = best["净收益"] - row["净收益"]
    advice = ("这正是净收益最高的分数线。" if gap <= 0 else
              f"比净收益最高的分数线 {best['分数线']:g} 分（通过率 {percent(best['通过率'])}）少赚 {gap / 10_000:,.1f} 万元。")
    return (
        f"<div class='ml-approval'>分数线 <b>{row['分数线']:g}</b> 分：通过 <b class='ml-approved'>{row['通过户数']:,.0f}</b> 户"
        f"（通过率 <b>{percent(row['通过率'])}</b>），放款 {row['放款总额'] / 10_000:,.0f} 万元；"
        f"通过户违约率 <b class='ml-bad-rate'>{percent(row['通过户违约率'])}</b>，"
        f"{verdict}盈亏平衡违约率 {percent(econ.break_even_default_rate)}；{rejected}。净收益 <b class='ml-net'>{row['净收益'] / 10_000:,.1f}</b> 万元，{advice}</div>"
        f"<div style='font-size:12px;color:#57606a'>每笔贷款 {econ.loan_amount:,.0f} 元、{econ.term_months} 个月、"
        f"年利率 {percent(econ.annual_rate)}、资金成本 {percent(econ.funding_cost)}、每笔运营成本 "
        f"{econ.operating_cost:,.0f} 元、违约损失率 {percent(econ.lgd, 0)} {illustrative_tag()}：正常还款一笔赚 "
        f"{econ.profit_if_repaid:,.0f} 元，违约一笔亏 {econ.loss_if_default:,.0f} 元，"
        f"所以通过户违约率要低于 {econ.profit_if_repaid:,.0f} ÷（{econ.profit_if_repaid:,.0f} + "
        f"{econ.loss_if_default:,.0f}）= {percent(econ.break_even_default_rate)} 才不亏。</div>"
    )


def approval_explorer(model: str = "statistical") -> widgets.VBox:
    """Move the approval score threshold of a digital risk model and watch volume, default rate and the net
    result move (simulated applicants held out from the model's training).

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = approval_explorer()
    >>> box.children[0].children[0].value
    'statistical'
    """
    model_picker = widgets.ToggleButtons(options=[(name, key) for key, name in rating.APPROVAL_MODELS.items()],
                                         value=model, description="模型")
    threshold = widgets.IntSlider(description="审批分数线", continuous_update=False, style={"description_width": "initial"},
                                  layout=widgets.Layout(width="520px"))
    model_picker.add_class("ml-model")
    threshold.add_class("ml-threshold")
    summary = widgets.HTML()
    chart_out = widgets.Output()
    state: dict[str, Any] = {}

    @safe(chart_out)
    def render(_change: object = None) -> None:
        if state.get("switching"):
            return
        sim: rating.ApprovalSimulation = state["sim"]
        row = sim.at(threshold.value)
        summary.value = TABLE_CSS + approval_summary_html(sim, row)
        replace_output(chart_out, approval_chart(sim, threshold.value))

    @safe(chart_out)
    def load_model(_change: object = None) -> None:
        sim = rating.approval_simulation(model_picker.value)
        state["sim"] = sim
        cuts = sim.table["分数线"]
        state["switching"] = True  # new bounds must not each trigger a redraw
        try:
            # bounds and value are validated together at the end and reach the browser in ONE message: sent one
            # by one, the new max arrived first and the browser clamped the old value to the new extreme
            with threshold.hold_sync(), threshold.hold_trait_notifications():
                threshold.min, threshold.max = int(cuts.min()), int(cuts.max())
                threshold.value = int(sim.best["分数线"])
        finally:
            state["switching"] = False
        render()

    model_picker.observe(load_model, names="value")
    threshold.observe(render, names="value")
    load_model()
    note = widgets.HTML(
        "<small>申请人、违约和贷款经济账都是模拟的示例参数（讲师可在统计评分卡数据文件中修改），"
        "模型在另一批模拟客户上训练，这里看的是它没见过的申请人。</small>")
    return widgets.VBox([widgets.HBox([model_picker]), threshold, summary, chart_out, note])


__all__ = ["approval_chart", "approval_explorer", "approval_summary_html", "breakdown_table", "comparison_html", "lost_points_chart", "rating_summary_html", "scorecard_explorer",
           "size_effect_chart"]
