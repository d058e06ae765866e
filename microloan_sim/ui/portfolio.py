"""微贷革命 dashboards (course 03): the policy checker, the granularity simulator, officer and branch economics,
and the 考核 simulator. The numbers come from :mod:`microloan_sim.portfolio`; nothing is computed here.

Stable hooks for browser tests (CSS classes): ``ml-policy-summary``, ``ml-loans``, ``ml-rho``, ``ml-model``,
``ml-shock``, ``ml-granularity-summary``, ``ml-loss-chart``, ``ml-prescreen``, ``ml-economics-summary``,
``ml-scheme``, ``ml-incentive-summary``.
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import portfolio
from ..plotting import PALETTE, new_figure, yuan_formatter
from ._common import TABLE_CSS, illustrative_tag, money, percent, replace_output, safe, table_html

_STYLE = {"description_width": "initial"}
_TOGGLE_STYLE = {"description_width": "initial", "button_width": "auto"}   # Chinese labels must not be cut off
#: Positions of the loans slider (the same exposure split into 1 … 5,000 loans).
LOAN_COUNTS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
_SHOCKS = (("无", ""), ("一家核心企业的上下游出事", "core_enterprise"), ("一个专业市场（商圈）出事", "market"))


def _wan(value: float) -> str:
    """万元 with two decimals; a value that rounds to zero is shown as 0.00, never -0.00."""
    return f"{_no_negative_zero(value / 10_000, 2):,.2f} 万元"


def _yuan(value: float) -> str:
    """Whole 元 with separators; never "-0".

    Examples
    --------
    >>> _yuan(-0.3), _yuan(-426.14), _wan(-1.0)
    ('0', '-426', '0.00 万元')
    """
    return money(_no_negative_zero(value, 0))


def _no_negative_zero(value: float, decimals: int) -> float:
    return 0.0 if round(value, decimals) == 0 else value


# --------------------------------------------------------------------------- policy checker

def policy_checker() -> widgets.VBox:
    """Type a branch's (or bank's) figures and check 两增两控 and the NPL tolerance (defaults: domain-parts §7
    Example 6).

    Examples
    --------
    >>> box = policy_checker()
    >>> "未达标" in box.children[-1].outputs[0]["data"]["text/html"]
    True
    """
    def number(value: float, text: str, step: float = 1.0) -> widgets.BoundedFloatText:
        return widgets.BoundedFloatText(value=value, min=0, max=1e12, step=step, description=text, style=_STYLE,
                                        layout=widgets.Layout(width="300px"))

    total_prev, total_now = number(100, "各项贷款 上年末（亿元）"), number(108, "各项贷款 本期末（亿元）")
    small_prev, small_now = number(20, "普惠小微 上年末（亿元）", 0.1), number(21.8, "普惠小微 本期末（亿元）", 0.1)
    borrowers_prev, borrowers_now = number(5000, "有贷款余额户数 上年同期"), number(4950, "有贷款余额户数 本期")
    npl_all, npl_small = number(1.2, "各项贷款不良率（%）", 0.05), number(3.5, "普惠小微不良率（%）", 0.05)
    cost_prev, cost_now = number(5.70, "综合融资成本 上年（%）", 0.01), number(5.28, "综合融资成本 本期（%）", 0.01)
    tolerance = widgets.ToggleButtons(options=[("3 个百分点（2019 年起）", 0.03), ("2 个百分点（2019 年前）", 0.02)],
                                      value=0.03, description="不良容忍度", style=_TOGGLE_STYLE)
    summary = widgets.HTML()
    summary.add_class("ml-policy-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        report = portfolio.check_policy(
            total_loans_prev=total_prev.value, total_loans_now=total_now.value, small_loans_prev=small_prev.value,
            small_loans_now=small_now.value, borrowers_prev=borrowers_prev.value, borrowers_now=borrowers_now.value,
            all_npl=npl_all.value / 100, small_npl=npl_small.value / 100, cost_prev=cost_prev.value / 100,
            cost_now=cost_now.value / 100, tolerance_points=tolerance.value)
        failed = report.table.loc[report.table["结论"] == "未达标", "检查项"].tolist()
        summary.value = ("<b>全部达标。</b>" if report.passed else
                         f"<b>未达标：{html.escape('、'.join(failed))}。</b>")
        replace_output(output, TABLE_CSS + table_html(report.table, index=False))

    inputs = (total_prev, total_now, small_prev, small_now, borrowers_prev, borrowers_now, npl_all, npl_small,
              cost_prev, cost_now, tolerance)
    for widget in inputs:
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML("<small>默认数字是一个教学算例；综合融资成本的默认值是示意，"
                        "2022 年 1–10 月新发放普惠小微贷款利率为 5.28%。</small>")
    return widgets.VBox([
        widgets.HBox([total_prev, total_now]), widgets.HBox([small_prev, small_now]),
        widgets.HBox([borrowers_prev, borrowers_now]), widgets.HBox([npl_all, npl_small]),
        widgets.HBox([cost_prev, cost_now]), tolerance, note, summary, output])


# --------------------------------------------------------------------------- granularity simulator

def loss_chart(dist: portfolio.LossDistribution) -> Figure:
    """Histogram of the simulated annual loss (万元) with EL and the 99% loss marked."""
    fig, ax = new_figure("一年损失的分布（模拟）", "情景占比（%）", "损失（万元）", size=(8.0, 3.4))
    losses = dist.losses / 10_000
    values, counts = np.unique(losses, return_counts=True)
    if values.size <= 40:                                     # few possible losses: one bar each
        width = float(np.min(np.diff(values))) * 0.8 if values.size > 1 else max(float(values[0]) * 0.1, 1.0)
        ax.bar(values, counts / dist.scenarios * 100, width=width, color=PALETTE[0])
    else:
        weights = np.full(losses.size, 100 / dist.scenarios)
        ax.hist(losses, bins=50, weights=weights, color=PALETTE[0])
    ax.axvline(dist.expected_loss / 10_000, color=PALETTE[2], linewidth=1.5, label=f"预期损失 {_wan(dist.expected_loss)}")
    ax.axvline(dist.loss_99 / 10_000, color=PALETTE[3], linewidth=1.5, linestyle="--",
               label=f"99% 分位损失 {_wan(dist.loss_99)}")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.xaxis.set_major_formatter(yuan_formatter())
    top = max(float(np.quantile(losses, 0.999)), dist.loss_99 / 10_000) * 1.15   # rare extremes stay off-axis
    if top > 0:
        ax.set_xlim(left=-0.03 * top, right=top)
    return fig


def _granularity_html(dist: portfolio.LossDistribution, rho_text: str) -> str:
    return (f"总敞口 <b>{_wan(dist.total_exposure)}</b> 拆成 <b>{dist.n_loans:,}</b> 笔（每笔 "
            f"{money(dist.total_exposure / dist.n_loans)} 元），{rho_text}：预期损失 <b>{_wan(dist.expected_loss)}</b>，"
            f"损失标准差 <b>{_wan(dist.sd)}</b>，<span class='ml-loss99'>99% 分位损失 <b>{_wan(dist.loss_99)}</b></span>"
            f"（占总敞口 {percent(dist.loss_99 / dist.total_exposure, 2)}）；集中度 HHI {dist.hhi * 10_000:,.0f}（按 0–10,000 计），有效笔数 "
            f"{1 / dist.hhi:,.0f}。{_shock_text(dist)}"
            f"（{dist.scenarios:,} 个情景）")


def _shock_text(dist: portfolio.LossDistribution) -> str:
    if not dist.shock:
        return ""
    return (f"冲击：{html.escape(dist.shock)}，集中部分占总敞口 {percent(dist.cluster_share)}"
            f"{'（笔数太少，凑不出这一比例）' if dist.cluster_share == 0 else ''}。")


def granularity_simulator(n_loans: int = 200, model: str = "vasicek", shock: str = "") -> widgets.VBox:
    """The same exposure split into 1 … 5,000 loans: a loans slider, a correlation slider, the model toggle and a
    concentration shock; the loss distribution, EL, SD, the 99% loss, HHI and the effective number of loans.

    Examples
    --------
    >>> box = granularity_simulator(20, "binomial")
    >>> summary = box.children[4]
    >>> "20</b> 笔" in summary.value and "99% 分位损失" in summary.value
    True
    """
    params = portfolio.parameters().granularity
    basel = portfolio.basel_retail_correlation(params.pd)
    loans = widgets.SelectionSlider(options=list(LOAN_COUNTS), value=n_loans, description="拆成几笔贷款",
                                    continuous_update=False, style=_STYLE, layout=widgets.Layout(width="520px"))
    rho = widgets.FloatSlider(value=basel, min=0.0, max=0.5, step=0.01, readout_format=".3f",
                              description="相关系数 ρ", continuous_update=False, style=_STYLE,
                              layout=widgets.Layout(width="520px"))
    picker = widgets.ToggleButtons(options=[(name, key) for key, name in portfolio.MODELS.items()], value=model,
                                   description="模型", style=_TOGGLE_STYLE)
    shocks = widgets.Dropdown(options=list(_SHOCKS), value=shock, description="集中度冲击", style=_STYLE,
                              layout=widgets.Layout(width="360px"))
    for widget, css in ((loans, "ml-loans"), (rho, "ml-rho"), (picker, "ml-model"), (shocks, "ml-shock")):
        widget.add_class(css)
    summary = widgets.HTML()
    summary.add_class("ml-granularity-summary")
    chart = widgets.Output()
    chart.add_class("ml-loss-chart")
    table_out = widgets.Output()

    @safe(chart)
    def refresh(_change: object = None) -> None:
        independent = picker.value == "binomial"
        rho.disabled = independent
        shock_key = shocks.value or None
        the_shock = portfolio.parameters().shocks[shock_key] if shock_key else None
        book = portfolio.equal_book(params.total_exposure, loans.value, params.pd, params.lgd,
                                    cluster_share=the_shock.share if the_shock is not None else 0.0)
        dist = portfolio.simulate_losses(book, model=picker.value, rho=rho.value, shock=the_shock)
        rho_text = "违约相互独立" if independent else f"相关系数 ρ = {rho.value:.3f}"
        summary.value = _granularity_html(dist, rho_text)
        replace_output(chart, loss_chart(dist))
        rows = portfolio.granularity_simulation(model=picker.value, rho=rho.value, shock=the_shock)
        shown = rows[["贷款笔数", "单笔平均金额", "预期损失 EL", "损失标准差", "99% 分位损失", "HHI", "有效笔数"]]
        formatters: dict[str, Any] = {"HHI": lambda v: f"{v * 10_000:,.0f}", "有效笔数": lambda v: f"{v:,.0f}",
                                      "贷款笔数": lambda v: f"{v:,.0f}"}
        replace_output(table_out, TABLE_CSS + table_html(
            shown, index=False, formatters=formatters,
            caption=f"同样的总敞口拆成不同笔数（元；HHI 按 0–10,000 计；{rho_text}，各 {params.scenarios:,} 个情景）"))

    for widget in (loans, rho, picker, shocks):
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML(
        f"<small>总敞口 1,000 万元、违约概率 2%、违约损失率 50%、冲击的占比和概率均为{illustrative_tag()}"
        f"（组合参数数据文件，讲师可修改）。ρ 的默认值 {basel:.3f} 是巴塞尔协议“其他零售”公式在 PD = 2% 时的"
        "相关系数（Basel II 第 330 段；欧盟 CRR 第 154 条）。</small>")
    return widgets.VBox([widgets.HBox([picker]), loans, rho, shocks, summary, chart, table_out, note])


# --------------------------------------------------------------------------- officer and branch economics

def break_even_chart(economics: dict[bool, portfolio.BranchEconomics], amounts: np.ndarray,
                     curves: dict[bool, np.ndarray]) -> Figure:
    """Profit per loan (元) against the loan amount, with and without pre-screening."""
    fig, ax = new_figure("贷款金额与每笔利润", "每笔贷款利润（元）", "贷款金额（万元）")
    for prescreen, colour in ((False, PALETTE[1]), (True, PALETTE[0])):
        name = "线上预筛" if prescreen else "不预筛"
        ax.plot(amounts / 10_000, curves[prescreen], color=colour, linewidth=2, label=name)
        be = economics[prescreen].break_even_amount
        if np.isfinite(be) and amounts[0] <= be <= amounts[-1]:
            ax.axvline(be / 10_000, color=colour, linestyle=":", linewidth=1)
            ax.annotate(f"保本 {be / 10_000:,.1f} 万", (be / 10_000, 0), textcoords="offset points",
                        xytext=(4, 8 if prescreen else -14), fontsize=8, color=colour)
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def economics_explorer() -> widgets.VBox:
    """Hours per stage with digital pre-screening on or off → loans per officer per month, cost per loan, and the
    branch's break-even loan size and rate (示例参数).

    Examples
    --------
    >>> box = economics_explorer()
    >>> "保本利率" in box.children[2].value
    True
    """
    branch = portfolio.parameters().branch
    prescreen = widgets.ToggleButtons(options=[("不预筛（全部上门）", False), ("线上预筛（大数据初筛）", True)],
                                      value=False, description="办贷方式", style=_TOGGLE_STYLE)
    officers = widgets.IntSlider(value=branch.officers, min=1, max=30, description="客户经理人数",
                                 continuous_update=False, style=_STYLE)
    amount = widgets.IntSlider(value=int(branch.loan_amount / 10_000), min=1, max=100, description="每笔金额（万元）",
                               continuous_update=False, style=_STYLE)
    rate = widgets.FloatSlider(value=branch.annual_rate * 100, min=3, max=24, step=0.1, readout_format=".1f",
                               description="贷款年利率（%）", continuous_update=False, style=_STYLE)
    prescreen.add_class("ml-prescreen")
    summary = widgets.HTML()
    summary.add_class("ml-economics-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        kwargs = dict(officers=officers.value, loan_amount=amount.value * 10_000.0, annual_rate=rate.value / 100)
        both = {flag: portfolio.branch_economics(flag, **kwargs) for flag in (False, True)}
        chosen = both[prescreen.value]
        one = chosen.officer
        summary.value = (
            f"{'线上预筛' if prescreen.value else '不预筛'}：每位客户经理每月放款 <b>{one.loans_per_month:.1f}</b> 笔，"
            f"管户约 {one.active_loans:.0f} 笔；每笔贷款成本 <b>{money(chosen.cost_per_loan)}</b> 元，每笔利润 "
            f"<b>{_yuan(chosen.profit_per_loan)}</b> 元；保本利率 <b>{percent(chosen.break_even_rate, 2)}</b>，"
            f"按 {rate.value:.1f}% 的利率保本贷款金额 <b>"
            f"{'无法保本' if not np.isfinite(chosen.break_even_amount) else _wan(chosen.break_even_amount)}</b>。"
            f"全部数字为{illustrative_tag()}")
        stages = one.stage_hours
        frame = pd.DataFrame({
            "项目": both[False].to_frame()["项目"], "不预筛": both[False].to_frame()["数值"],
            "线上预筛": both[True].to_frame()["数值"], "单位": both[False].to_frame()["单位"]})

        def fmt(value: float, unit: str) -> str:
            if unit == "年利率":
                return percent(value, 2)
            if not np.isfinite(value):
                return "无法保本"
            return f"{value:,.1f}" if unit == "笔" else _yuan(value)

        shown = frame.copy()
        for column in ("不预筛", "线上预筛"):
            shown[column] = [fmt(v, u) for v, u in zip(frame[column], frame["单位"])]
        shown["单位"] = shown["单位"].replace({"年利率": ""})
        amounts = np.linspace(10_000, 500_000, 50)
        curves = {flag: np.array([portfolio.branch_economics(flag, officers=officers.value, loan_amount=a,
                                                             annual_rate=rate.value / 100).profit_per_loan
                                  for a in amounts]) for flag in (False, True)}
        stage_table = table_html(stages, index=False, formatters={"每户小时": lambda v: f"{v:.2f}",
                                                                  "每笔贷款小时": lambda v: f"{v:.2f}"},
                                 caption=f"每笔贷款的客户经理工时（{'线上预筛' if prescreen.value else '不预筛'}；"
                                         f"每放一笔要接待 {one.applicants_per_loan:.2f} 个申请人、上门 "
                                         f"{one.visits_per_loan:.2f} 户；合计 {one.hours_per_new_loan:.1f} 小时 + 贷后 "
                                         f"{one.monitoring_hours_per_loan:.1f} 小时）")
        replace_output(output, TABLE_CSS + stage_table + table_html(shown, index=False, caption="网点经济账（稳态，每月）"),
                       break_even_chart(both, amounts, curves))

    for widget in (prescreen, officers, amount, rate):
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML(
        f"<small>工时、通过率、预筛比例、人工和网点费用、资金成本、PD、LGD 都是{illustrative_tag()}"
        "（组合参数数据文件，讲师可修改）：没有找到客户经理人均管户、人均放款笔数和每笔成本的公开出处。"
        "每笔利润 = 放款额 × 平均余额系数 ×（利率 − 资金成本）× 期限 − 预期损失 − 每笔成本。</small>")
    return widgets.VBox([prescreen, widgets.HBox([officers, amount, rate]), summary, output, note])


# --------------------------------------------------------------------------- 考核 simulator

def incentive_chart(outcome: portfolio.IncentiveOutcome) -> Figure:
    """The officer's bonus at every approval rate, the officer's pick and the bank's best."""
    curve = outcome.curve
    fig, ax = new_figure(f"客户经理奖金与通过率（{outcome.name}）", "客户经理奖金合计（元）", "通过率（%）")
    ax.plot(curve["通过率"] * 100, curve["客户经理奖金"], color=PALETTE[0], linewidth=2)
    ax.scatter([float(outcome.chosen["通过率"]) * 100], [float(outcome.chosen["客户经理奖金"])], color=PALETTE[3],
               zorder=3, label="客户经理选择的分数线")
    ax.axvline(float(outcome.bank_best["通过率"]) * 100, color=PALETTE[2], linestyle="--", linewidth=1,
               label="银行净收益最高的分数线")
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.legend(fontsize=8, frameon=False, loc="best")
    return fig


def incentive_simulator(scheme: str = "volume") -> widgets.VBox:
    """Pick a bonus scheme (volume, risk-adjusted, risk-adjusted with 尽职免责) and see the approval cut-off the
    officer would pick and the book 12 months later.

    Examples
    --------
    >>> box = incentive_simulator("risk_exempt")
    >>> "分数线" in box.children[3].value
    True
    """
    inc = portfolio.parameters().incentives
    picker = widgets.ToggleButtons(options=[(name, key) for key, name in portfolio.SCHEMES.items()], value=scheme,
                                   description="考核方式", style=_TOGGLE_STYLE)
    penalty = widgets.IntSlider(value=int(inc.default_penalty), min=0, max=10_000, step=100,
                                description="每笔违约扣奖金（元）", continuous_update=False, style=_STYLE,
                                layout=widgets.Layout(width="460px"))
    exemption = widgets.IntSlider(value=int(round(inc.exemption_share * 100)), min=0, max=100, step=5,
                                  description="尽职免责比例（%）", continuous_update=False, style=_STYLE,
                                  layout=widgets.Layout(width="460px"))
    picker.add_class("ml-scheme")
    summary = widgets.HTML()
    summary.add_class("ml-incentive-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        current = inc.model_copy(update={"default_penalty": float(penalty.value),
                                         "exemption_share": exemption.value / 100})
        penalty.disabled = picker.value == "volume"
        exemption.disabled = picker.value != "risk_exempt"
        outcome = portfolio.incentive_outcome(picker.value, incentives=current)
        book = outcome.book
        over = book["是否超出不良容忍度"] == "是"
        summary.value = (
            f"<b>{html.escape(outcome.name)}</b>：客户经理把分数线定在 <b>{book['分数线']:.0f}</b> 分，"
            f"通过 {percent(float(outcome.chosen['通过率']))} 的申请人（{book['放款笔数']:,.0f} 笔，"
            f"{_wan(book['放款金额'])}），这批通过户在审批模拟中的违约率 {percent(book['通过户违约率'], 2)}，"
            f"对应贷后模拟中每笔贷款每月遭遇经营冲击的概率 {percent(book['每月冲击概率'], 2)}。"
            f"<b>逐月推演 12 个月后</b>：PAR30 <b>{percent(book['PAR30'], 2)}</b>，PAR90 {percent(book['PAR90'], 2)}；"
            f"五级分类 正常 {percent(book['正常'], 1)}、关注 {percent(book['关注'], 1)}、次级 {percent(book['次级'], 1)}、"
            f"可疑 {percent(book['可疑'], 1)}、损失 {percent(book['损失类'], 1)}；不良率 "
            f"<b>{percent(book['不良率'], 2)}</b>（容忍度上限 {percent(book['不良容忍度上限'], 2)}，"
            f"{'<span class=ml-verdict-bad>超出</span>' if over else '<span class=ml-verdict-ok>未超出</span>'}），"
            f"扣除抵押和保证回收后的损失率 {percent(book['损失率'], 2)}，折合损失 {_wan(book['违约损失'])}；"
            f"银行净收益 <b>{_wan(book['银行净收益'])}</b>，银行净收益最高的分数线是 "
            f"{float(outcome.bank_best['分数线']):.0f} 分。")
        table = portfolio.compare_schemes(incentives=current)
        formatters: dict[str, Any] = {"通过率": percent, "分数线": lambda v: f"{v:.0f}",
                                      "放款笔数": lambda v: f"{v:,.0f}"}
        for column in ("PAR30", "PAR90", "不良率", "损失率"):
            formatters[column] = lambda v: percent(v, 2)
        replace_output(output, incentive_chart(outcome), TABLE_CSS + table_html(
            table, index=False, formatters=formatters, caption="三种考核方式的比较（逐月推演 12 个月后，金额单位：元）"))

    for widget in (picker, penalty, exemption):
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML(
        f"<small>奖金规则、扣罚金额、尽职免责比例、全行不良率都是{illustrative_tag()}"
        "（组合参数数据文件，讲师可修改）；申请人和违约来自 05a 审批模拟的 5,000 名模拟申请人"
        "（统计评分卡数据文件），奖金和银行净收益按审批模拟计算。“12 个月后”用贷后模拟引擎逐月推演同一批借款人："
        "每月冲击概率 = 基础概率 + 系数 × 通过户违约率，也是示例参数；损失率按放款金额折算。</small>")
    return widgets.VBox([picker, penalty, exemption, summary, output, note])


__all__ = ["break_even_chart", "economics_explorer", "granularity_simulator", "incentive_chart",
           "incentive_simulator", "loss_chart", "policy_checker"]
