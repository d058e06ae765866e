"""Marketing dashboards (course 06): the county's grid, officer-days spent on strategies (funnel, cost per loan,
coverage, HHI, PAR30 after 12 months), the strategies side by side, the 围点打援 shock, 整村授信 in one village,
the WeChat campaign check and scenario quizzes. The numbers come from :mod:`microloan_sim.marketing`.

Stable hooks for browser tests (CSS classes): ``ml-county``; ``ml-planner`` with ``ml-planner-summary`` (its
``data-disbursed``, ``data-par30`` and ``data-hhi`` attributes); ``ml-compare`` with ``ml-compare-summary``;
``ml-shock`` with ``ml-shock-summary`` (``data-peak``); ``ml-village`` with ``ml-village-summary``
(``data-approved``); ``ml-campaign`` with ``ml-campaign-summary`` (``data-findings``); ``ml-quiz``.
"""
from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, marketing
from ..plotting import PALETTE, new_figure, yuan_formatter
from ._common import TABLE_CSS, illustrative_tag, money, percent, replace_output, safe, table_html

_STYLE = {"description_width": "initial"}
_FUNNEL = ("reached", "applied", "approved", "disbursed")
_FUNNEL_LABELS = ("接触", "申请", "获批", "放款")


def _note() -> widgets.HTML:
    return widgets.HTML(f"<small>转化率、每天接触户数、准备天数和费用、冲击倍数都是{illustrative_tag()}"
                        "（公开资料中没有找到营销转化率和获客成本的统计）；贷后表现用贷后模拟引擎按案例库推演。</small>")


def _learner_box() -> widgets.Text:
    box = widgets.Text(value="", placeholder="留空 = 标准县", description="学员编号", continuous_update=False,
                       layout=widgets.Layout(width="260px"))
    box.add_class("ml-variant")
    return box


def _seed(box: widgets.Text, county_seed: int | None = None) -> int:
    """The county: ``county_seed`` when the exercise form fixes it (the learner's exam county, no box shown),
    else the practice county of the typed 学员编号 (0 = the standard county)."""
    if county_seed is not None:
        return county_seed
    text = str(box.value).strip()
    return 0 if not text else casebook.seed_for(casebook.normalize_learner_id(text))


def _days_slider(key: str, value: float) -> widgets.IntSlider:
    label = marketing.parameters().strategies[key].label
    slider = widgets.IntSlider(value=int(value), min=0, max=300, step=5, description=f"{label}（天）",
                               continuous_update=False, style=_STYLE, layout=widgets.Layout(width="420px"))
    slider.add_class(f"ml-days-{key}")
    return slider


def _cost(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{money(value)} 元"


def _rate(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else percent(value)


def _strategy_table(result: marketing.PlanResult) -> str:
    t = result.table
    frame = pd.DataFrame({
        "营销方式": t["label"], "安排天数": [f"{d:,.0f}" for d in t["days"]],
        "实际用去天数": [f"{d:,.1f}" for d in t["days_used"]],
        **{lab: [f"{int(v):,}" for v in t[col]] for col, lab in zip(_FUNNEL, _FUNNEL_LABELS)},
        "成本": [_cost(v) for v in t["cost"]], "每笔放款成本": [_cost(v) for v in t["cost_per_loan"]]})
    return table_html(frame, index=False, caption="各营销方式的漏斗与成本")


def _kind_table(result: marketing.PlanResult) -> str:
    labels = {k: v.label for k, v in marketing.parameters().kinds.items()}
    rows = pd.concat([r.table for r in result.reaches.values()], ignore_index=True)
    if rows.empty:
        return ""
    by = rows.groupby("kind")[list(_FUNNEL)].sum()
    frame = pd.DataFrame({"客户类型": [labels[k] for k in by.index],
                          **{lab: [f"{int(v):,}" for v in by[col]] for col, lab in zip(_FUNNEL, _FUNNEL_LABELS)}})
    return table_html(frame, index=False, caption="按客户类型（分类营销）")


def funnel_chart(result: marketing.PlanResult) -> Figure:
    """The funnel of the whole plan: reached, applied, approved, disbursed (户/笔)."""
    fig, ax = new_figure("营销漏斗：接触 → 申请 → 获批 → 放款", "户数 / 笔数", size=(6.4, 3.0))
    values = [result.totals[c] for c in _FUNNEL]
    bars = ax.bar(_FUNNEL_LABELS, values, color=PALETTE[0])
    for bar, v in zip(bars, values):
        ax.annotate(f"{v:,.0f}", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
    ax.yaxis.set_major_formatter(yuan_formatter(""))
    return fig


def par_path_chart(result: marketing.PlanResult) -> Figure | None:
    """PAR30 by month of the book the plan made (and under the 围点打援 shock, when played)."""
    if result.book is None:
        return None
    fig, ax = new_figure("营销带来的贷款：PAR30 逐月变化", "PAR30（占贷款余额，%）", "放款后的月份", size=(6.4, 3.0))
    ax.plot(result.book.months, result.book.par(30) * 100, marker="o", markersize=3, color=PALETTE[0], label="正常情况")
    if result.shocked is not None:
        ax.plot(result.shocked.months, result.shocked.par(30) * 100, marker="o", markersize=3, color=PALETTE[3],
                label="核心企业晚付款")
    top = max(float(result.book.par(30).max()), float(result.shocked.par(30).max()) if result.shocked is not None else 0.0)
    ax.set_ylim(0, max(5.0, top * 100 * 1.15))                      # never a negative percentage on the axis
    ax.legend(loc="upper left", frameon=False)
    return fig


def _summary(result: marketing.PlanResult) -> str:
    t = result.totals
    hhi = t["hhi"]
    return (f"<div class='ml-planner-summary' data-disbursed='{int(t['disbursed'])}' data-par30='{t['par30']:.4f}' "
            f"data-hhi='{hhi:.4f}'>用去 <b>{t['days_used']:,.1f}</b> 个工作日：放款 <b>{int(t['disbursed']):,}</b> 笔、"
            f"金额 <b>{money(t['amount'], '万元')}</b> 万元；总成本 <b>{_cost(t['cost'])}</b>，每笔放款成本 "
            f"<b>{_cost(t['cost_per_loan'])}</b>；覆盖率（接触户数 ÷ 全县 {result.county.population:,} 户）"
            f"<b>{_rate(t['coverage'])}</b>，授信覆盖率 <b>{_rate(t['credit_coverage'])}</b>；集中度 HHI "
            f"<b>{'—' if math.isnan(hhi) else f'{hhi:.3f}'}</b>（按共同风险来源：核心企业、商圈、各村、各网格）；"
            f"第 12 个月末 PAR30 <b>{_rate(t['par30'])}</b>。</div>")


def marketing_planner(preset: Mapping[str, float] | None = None, show: Sequence[str] | None = None,
                      *, by_kind: bool = False, county_seed: int | None = None) -> widgets.VBox:
    """Officer-days per strategy (sliders for the strategies in ``show``) → funnel, cost, coverage, HHI, PAR30.

    Examples
    --------
    >>> box = marketing_planner({"grid": 60}, ["grid"])
    >>> "ml-planner" in box._dom_classes
    True
    """
    keys = list(show or marketing.STRATEGIES)
    start = dict(preset or {k: 40 for k in keys})
    sliders = {k: _days_slider(k, start.get(k, 0)) for k in keys}
    learner = _learner_box()
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        plan = {k: s.value for k, s in sliders.items()}
        if sum(plan.values()) <= 0:
            summary.value = ("<div class='ml-planner-summary' data-disbursed='0' data-par30='0' data-hhi='0'>"
                             "请至少给一种营销方式安排工作日。</div>")
            replace_output(output)
            return
        result = marketing.simulate_plan(plan, _seed(learner, county_seed))
        summary.value = _summary(result)
        parts = [TABLE_CSS + _strategy_table(result) + (_kind_table(result) if by_kind else ""), funnel_chart(result)]
        chart = par_path_chart(result)
        replace_output(output, *(parts + ([chart] if chart is not None else [])))

    for w in (*sliders.values(), learner):
        w.observe(refresh, names="value")
    refresh()
    controls = [widgets.VBox(list(sliders.values()))] + ([learner] if county_seed is None else [])
    root = widgets.VBox([widgets.HBox(controls), _note(), summary, output])
    root.add_class("ml-planner")
    return root


def strategy_comparison(budget: int = 120) -> widgets.VBox:
    """The five strategies with the same budget of officer-days, side by side.

    Examples
    --------
    >>> "ml-compare" in strategy_comparison(30)._dom_classes
    True
    """
    days = widgets.IntSlider(value=budget, min=10, max=300, step=10, description="每种方式的工作日（天）",
                             continuous_update=False, style=_STYLE, layout=widgets.Layout(width="460px"))
    learner = _learner_box()
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        rows = []
        for key in marketing.STRATEGIES:
            r = marketing.simulate_plan({key: days.value}, _seed(learner))
            t = r.totals
            rows.append({"营销方式": marketing.parameters().strategies[key].label, "放款笔数": f"{int(t['disbursed']):,}",
                         "每笔放款成本": _cost(t["cost_per_loan"]), "覆盖率": _rate(t["coverage"]),
                         "集中度 HHI": "—" if math.isnan(t["hhi"]) else f"{t['hhi']:.3f}",
                         "第 12 个月末 PAR30": _rate(t["par30"]), "_n": t["disbursed"]})
        frame = pd.DataFrame(rows)
        best = frame.loc[frame["_n"].idxmax(), "营销方式"]
        summary.value = (f"<div class='ml-compare-summary' data-days='{days.value}'>每种方式都用 <b>{days.value}</b> 个工作日："
                         f"放款笔数最多的是 <b>{html.escape(str(best))}</b>。看看每笔成本、集中度和 PAR30 又是谁最好。</div>")
        replace_output(output, TABLE_CSS + table_html(frame.drop(columns="_n"), index=False,
                                                      caption="同样的工作日，五种营销方式"))

    for w in (days, learner):
        w.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([days, learner]), _note(), summary, output])
    root.add_class("ml-compare")
    return root


def county_map(kind: str = "all") -> widgets.VBox:
    """The county's grid cells coloured by the number of clients of one kind (划分网格, 细分市场).

    Examples
    --------
    >>> "ml-county" in county_map()._dom_classes
    True
    """
    labels = {k: v.label for k, v in marketing.parameters().kinds.items()}
    picker = widgets.Dropdown(options=[("全部客户", "all")] + [(v, k) for k, v in labels.items()], value=kind,
                              description="客户类型", style=_STYLE)
    learner = _learner_box()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        county = marketing.make_county(_seed(learner))
        cells = county.cells
        column = "total" if picker.value == "all" else picker.value
        p = marketing.parameters().county
        grid = np.zeros((p.rows, p.cols))
        rows_, cols_, types_ = (cells[c].to_numpy() for c in ("row", "col", "type"))
        values = cells[column].to_numpy(dtype=int)
        for r, c, v in zip(rows_, cols_, values):
            grid[int(r) - 1, int(c) - 1] = v
        name = "全部客户" if picker.value == "all" else labels[picker.value]
        fig, ax = new_figure(f"虚构的县：每个网格的{name}户数", "网格行", "网格列", size=(6.0, 4.4))
        image = ax.imshow(grid, cmap="Blues")
        fig.colorbar(image, ax=ax, label="户数")
        short = {"village": "村", "town": "镇", "market": "商圈", "cluster": "园区"}
        for r, c, t, v in zip(rows_, cols_, types_, values):
            ax.text(int(c) - 1, int(r) - 1, f"{short[str(t)]}\n{int(v):,}", ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 * max(values.max(), 1) else "#222")
        ax.set_xticks(range(p.cols), [str(i + 1) for i in range(p.cols)])
        ax.set_yticks(range(p.rows), [str(i + 1) for i in range(p.rows)])
        ax.grid(False)
        by_type = cells.groupby("type")[list(marketing.KINDS) + ["total"]].sum()
        frame = pd.DataFrame({"网格类型": [marketing.CELL_TYPES[t] for t in by_type.index],
                              "网格数": [int((cells["type"] == t).sum()) for t in by_type.index],
                              **{labels[k]: [f"{int(v):,}" for v in by_type[k]] for k in marketing.KINDS},
                              "合计": [f"{int(v):,}" for v in by_type["total"]]})
        replace_output(output, fig, TABLE_CSS + table_html(frame, index=False, caption=f"全县 {county.population:,} 户"))

    for w in (picker, learner):
        w.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([picker, learner]),
                         widgets.HTML(f"<small>县的网格和户数是随机生成的教学虚构，各区间为{illustrative_tag()}。</small>"), output])
    root.add_class("ml-county")
    return root


def core_shock_explorer(chain_days: int = 40, *, county_seed: int | None = None) -> widgets.VBox:
    """围点打援: the suppliers' book with and without the 核心企业 paying late (delay slider).

    Examples
    --------
    >>> "ml-shock" in core_shock_explorer(20)._dom_classes
    True
    """
    shock_p = marketing.parameters().core_shock
    days = _days_slider("chain", chain_days)
    delay = widgets.IntSlider(value=shock_p.delay_days, min=0, max=120, step=30, description="核心企业晚付款（天）",
                              continuous_update=False, style=_STYLE, layout=widgets.Layout(width="420px"))
    delay.add_class("ml-delay")
    learner = _learner_box()
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        params = marketing.parameters()
        changed = params.model_copy(update={"core_shock": shock_p.model_copy(update={"delay_days": delay.value})})
        result = marketing.simulate_plan({"chain": days.value}, _seed(learner, county_seed), shock=True, params=changed)
        t = result.totals
        peak = t["par30_peak_shocked"]
        hhi = "—" if math.isnan(t["hhi"]) else f"{t['hhi']:.2f}"
        summary.value = (f"<div class='ml-shock-summary' data-peak='{0 if math.isnan(peak) else peak:.4f}'>"
                         f"产业链营销放款 <b>{int(t['disbursed']):,}</b> 笔（全部是同一家核心企业的配套企业，HHI "
                         f"<b>{hhi}</b>）。正常情况下 PAR30 最高 "
                         f"<b>{_rate(t['par30_peak'])}</b>；核心企业从第 {shock_p.start_month} 个月起连续 "
                         f"{shock_p.duration_months} 个月晚 <b>{delay.value}</b> 天付款，PAR30 最高 <b>{_rate(peak)}</b>，"
                         f"第 12 个月末 {_rate(t['par30_shocked'])}。</div>")
        chart = par_path_chart(result)
        replace_output(output, *([chart] if chart is not None else []))

    for w in (days, delay, learner):
        w.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([widgets.VBox([days, delay])] + ([learner] if county_seed is None else [])),
                         widgets.HTML(f"<small>晚付款的开始月份、持续月数、配套企业卖给核心企业的比例（每家 {shock_p.core_share[0]:.0%}–"
                                      f"{shock_p.core_share[1]:.0%}，上限取自 C08 的访谈）为{illustrative_tag()}。</small>"), summary, output])
    root.add_class("ml-shock")
    return root


def exam_tools(case: casebook.Case) -> widgets.VBox:
    """ex12's own tools, on the learner's exam county (``case.variant``, keyed with the course key): the planner
    and the 核心企业 shock, with no 学员编号 box. Only the exercise form shows them; the course dashboards draw
    the practice county of a typed id, a different county.

    Examples
    --------
    >>> from microloan_sim.ui._common import with_class
    >>> tools = exam_tools(casebook.load_case("C08", variant=123))
    >>> "ml-exam-tools" in tools._dom_classes and not with_class(tools, "ml-variant")
    True
    """
    seed = case.variant if case.variant is not None else 0
    root = widgets.VBox([
        widgets.HTML("<h4>你的县（考核用，只在这张表单里）</h4><p>用下面的规划器和核心企业冲击回答各题；"
                     "课程 06 的仪表板是练习用的县，数字不同。</p>"),
        marketing_planner({k: 0 for k in marketing.STRATEGIES} | {"grid": 60}, county_seed=seed),
        core_shock_explorer(county_seed=seed),
    ])
    root.add_class("ml-exam-tools")
    return root


def village_rating_explorer() -> widgets.VBox:
    """整村授信 in one 200-household village: every household rated with the farmer scorecard.

    Examples
    --------
    >>> "ml-village" in village_rating_explorer()._dom_classes
    True
    """
    learner = _learner_box()
    village = widgets.Dropdown(description="村", style=_STYLE)
    grade = widgets.Dropdown(options=["AAA", "AA", "A", "B"], value=marketing.parameters().village_rating.min_grade,
                             description="最低授信等级", style=_STYLE)
    summary = widgets.HTML()
    output = widgets.Output()

    def villages() -> None:
        cells = marketing.make_county(_seed(learner)).cells
        rows = cells[cells["type"] == "village"]
        village.options = [(str(r.label), int(r.cell)) for r in rows.itertuples()]
        if village.options and village.value is None:  # new options may leave nothing picked: take the first
            village.index = 0

    @safe(output)
    def refresh(_change: object = None) -> None:
        v = marketing.village_credit(_seed(learner), village.value, grade.value)
        summary.value = (f"<div class='ml-village-summary' data-approved='{v['approved']}'>{html.escape(v['label'])}"
                         f" {v['households']} 户全部评级：<b>{grade.value}</b> 级及以上 <b>{v['approved']}</b> 户获得授信，"
                         f"授信覆盖率 <b>{percent(v['approved'] / v['households'])}</b>，授信额度合计 "
                         f"<b>{money(v['line_total'], '万元')}</b> 万元。A 级及以上农户占 <b>{percent(v['good_share'])}</b>，"
                         f"{'可以评为“信用村”并授牌' if v['credit_village'] else '还不能评为“信用村”'}。</div>")
        frame = pd.DataFrame({"信用等级": list(v["by_grade"]), "户数": [f"{n:,}" for n in v["by_grade"].values()]})
        replace_output(output, TABLE_CSS + table_html(frame, index=False, caption="全村农户的信用等级（农户评分卡）"))

    @safe(output)
    def new_county(_change: object = None) -> None:
        village.unobserve(refresh, names="value")
        villages()
        village.observe(refresh, names="value")
        refresh()

    villages()
    village.observe(refresh, names="value")
    grade.observe(refresh, names="value")
    learner.observe(new_county, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([village, grade, learner]),
                         widgets.HTML(f"<small>农户的各项信息是随机生成的教学虚构；评分卡、额度规则和“信用村”标准为"
                                      f"{illustrative_tag()}。</small>"), summary, output])
    root.add_class("ml-village")
    return root


def campaign_checker() -> widgets.VBox:
    """Compose a WeChat / SMS / visit campaign; the rules it breaks are listed with their law and article.

    Examples
    --------
    >>> "ml-campaign" in campaign_checker()._dom_classes
    True
    """
    channel = widgets.Dropdown(options=list(marketing.CHANNELS), value="微信群群发", description="渠道", style=_STYLE)
    channel.add_class("ml-channel")
    per_week = widgets.Text(value="3", description="每周发送次数", style=_STYLE, continuous_update=False,
                            layout=widgets.Layout(width="200px"))
    per_week.add_class("ml-per-week")
    boxes = {
        "consent": widgets.Checkbox(value=False, description="客户已同意接收（或同意入群）", indent=False),
        "opt_out": widgets.Checkbox(value=False, description="每条信息都告知拒收、退订的方式", indent=False),
        "send_after_refusal": widgets.Checkbox(value=False, description="客户退订后仍照样发送", indent=False),
        "personalised": widgets.Checkbox(value=False, description="按客户画像自动挑选推送对象", indent=False),
        "non_personalised_option": widgets.Checkbox(value=False, description="提供不按个人特征推送的选项", indent=False),
        "account_data": widgets.Checkbox(value=False, description="用客户账户流水、余额挑选对象", indent=False),
        "separate_consent": widgets.Checkbox(value=False, description="为此取得客户单独同意", indent=False),
        "shows_annual_rate": widgets.Checkbox(value=True, description="信息中写明年化利率", indent=False),
    }
    for key, box in boxes.items():
        box.add_class(f"ml-{key.replace('_', '-')}")
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        text = str(per_week.value).strip()
        campaign = marketing.Campaign(channel=channel.value, pushes_per_week=text if text else None,
                                      **{k: b.value for k, b in boxes.items()})
        result = marketing.check_campaign(campaign)
        n = len(result.findings)
        summary.value = (f"<div class='ml-campaign-summary' data-findings='{n}'>"
                         + ("<span class='ml-verdict-ok'>这个方案没有违反下列规则。</span>" if result.ok else
                            f"<span class='ml-verdict-bad'>这个方案违反了 {n} 条规则：</span>") + "</div>")
        if result.ok:
            replace_output(output)
            return
        frame = pd.DataFrame({"问题": [f.problem for f in result.findings], "依据": [f.citation for f in result.findings]})
        replace_output(output, TABLE_CSS + table_html(frame, index=False))

    for w in (channel, per_week, *boxes.values()):
        w.observe(refresh, names="value")
    refresh()
    column = list(boxes.values())
    root = widgets.VBox([widgets.HBox([channel, per_week]),
                         widgets.HBox([widgets.VBox(column[:4]), widgets.VBox(column[4:])]),
                         widgets.HTML(f"<small>每周发送次数的上限是本行内部规定，为{illustrative_tag()}"
                                      "（法规没有规定次数）；其余规则出自所引法规。</small>"), summary, output])
    root.add_class("ml-campaign")
    return root


def marketing_quiz(topic: str) -> widgets.VBox:
    """Scenario questions of one topic; each choice shows 对 / 不对 and the explanation.

    Examples
    --------
    >>> "ml-quiz" in marketing_quiz("linkage")._dom_classes
    True
    """
    q = marketing.quiz(topic)
    items: list[widgets.Widget] = [widgets.HTML(f"<b>小测验：{html.escape(q.title)}</b>")]
    if q.note:
        items.append(widgets.HTML(f"<small>{html.escape(q.note)}</small>"))
    for i, item in enumerate(q.questions):
        choice = widgets.RadioButtons(options=item.options, value=None, layout=widgets.Layout(width="auto"))
        feedback = widgets.HTML()
        feedback.add_class("ml-quiz-feedback")

        def answer(change: Mapping[str, object], i: int = i, feedback: widgets.HTML = feedback) -> None:
            if change["new"] is None:
                return
            right, explain = marketing.check_answer(topic, i, str(change["new"]))
            mark = "<span class='ml-verdict-ok'>对。</span>" if right else "<span class='ml-verdict-bad'>不对。</span>"
            feedback.value = TABLE_CSS + f"{mark}{html.escape(explain)}"

        choice.observe(answer, names="value")
        items += [widgets.HTML(f"{i + 1}. {html.escape(item.prompt)}"), choice, feedback]
    root = widgets.VBox(items)
    root.add_class("ml-quiz")
    root.add_class(f"ml-quiz-{topic}")
    return root
