"""Loan-life dashboards (course 03b): the eight-stage loan file, one loan played forward, a book's PAR and
五级分类 over time, the early-warning tuner and the collections ladder. The numbers come from
:mod:`microloan_sim.performance`; nothing is computed here.

Stable hooks for browser tests (CSS classes): ``ml-review`` (the loan-file dashboard), ``ml-stage-<id>`` (one
stage; its buttons are a ``.widget-toggle-buttons``), ``ml-review-summary`` (its ``data-category`` and
``data-dpd`` attributes hold the 12-month result), ``ml-review-chart``; ``ml-playback``, ``ml-playback-summary``;
``ml-book``, ``ml-book-summary``; ``ml-warning``, ``ml-warning-summary``; ``ml-ladder``, ``ml-ladder-summary``;
``ml-review-cost`` (the cost table).
"""
from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, performance
from ..plotting import PALETTE, new_figure, yuan_formatter
from ..schedules import METHODS
from ._common import TABLE_CSS, case_options, illustrative_tag, money, percent, replace_output, safe, table_html

_STYLE = {"description_width": "initial"}
_COLOURS = {"正常": "#3a9d5d", "关注": "#e0b339", "次级": "#e07b39", "可疑": "#c8423b", "损失": "#6b1f1a"}


# --------------------------------------------------------------------------- charts

def arrears_chart(paths: Mapping[str, performance.LoanPath], title: str, report_month: int | None = None) -> Figure:
    """逾期金额 (arrears, 元) month by month for one or more loan paths; a dashed line at ``report_month``."""
    fig, ax = new_figure(title, "逾期金额（元）", "放款后月数")
    for i, (name, path) in enumerate(paths.items()):
        frame = path.frame
        ax.plot(frame.index, frame["arrears"], marker="o", markersize=3, linewidth=1.8, label=name,
                color=PALETTE[(3 * i + 3) % len(PALETTE)] if i else PALETTE[3])
    if report_month is not None:
        ax.axvline(report_month, color="#444444", linestyle="--", linewidth=1)
        ax.text(report_month, ax.get_ylim()[1], f" 第 {report_month} 个月", va="top", fontsize=8)
    ax.yaxis.set_major_formatter(yuan_formatter())
    top = max((float(path.frame["arrears"].max()) for path in paths.values()), default=0.0)
    ax.set_ylim(0, max(top * 1.15, 1_000.0))       # an all-zero line still gets readable ticks
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def dpd_chart(path: performance.LoanPath, title: str) -> Figure:
    """逾期天数 (days past due) month by month, bars coloured by the month's 五级分类."""
    fig, ax = new_figure(title, "逾期天数（天）", "放款后月数")
    frame = path.frame
    colours = [_COLOURS.get(str(c), "#8c8c8c") for c in frame["category"]]
    ax.bar(frame.index, frame["dpd"], color=colours)
    for name, colour in _COLOURS.items():
        ax.bar([0], [0], color=colour, label=name)
    limits = performance.load_parameters().classification
    ax.axhline(limits.substandard_after, color="#444444", linestyle=":", linewidth=1)
    ax.legend(fontsize=8, frameon=False, loc="upper left", ncols=5)
    ax.set_xlim(0.4, len(frame) + 0.6)
    ax.set_ylim(0, max(float(frame["dpd"].max()), limits.substandard_after) * 1.25)
    return fig


def par_chart(book: performance.BookResult) -> Figure:
    """PAR30 and PAR90 (%) over the book months."""
    fig, ax = new_figure("贷款组合 PAR30 与 PAR90（按余额）", "占贷款余额（%）", "组合月份")
    ax.plot(book.months, book.par(30) * 100, marker="o", markersize=3, color=PALETTE[1], label="PAR30（逾期 30 天以上）")
    ax.plot(book.months, book.par(90) * 100, marker="o", markersize=3, color=PALETTE[3], label="PAR90（逾期 90 天以上）")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def classification_chart(book: performance.BookResult) -> Figure:
    """Share of the balance in each 五级分类 over the book months (stacked, %)."""
    table = book.classification()
    shares = table.div(table.sum(axis=1).where(table.sum(axis=1) > 0), axis=0).fillna(0.0) * 100
    fig, ax = new_figure("五级分类结构（按余额）", "占贷款余额（%）", "组合月份")
    ax.stackplot(shares.index, *[shares[c] for c in shares.columns], labels=list(shares.columns),
                 colors=[_COLOURS[c] for c in shares.columns])
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, frameon=False, loc="lower left", ncols=5)
    return fig


def vintage_chart(book: performance.BookResult, days: int = 30) -> Figure:
    """Vintage curves: each quarter's first cohort, its balance over ``days`` past due ÷ disbursed, by MOB."""
    table = book.vintages(days) * 100
    fig, ax = new_figure(f"账龄曲线：逾期 {days} 天以上余额 ÷ 放款额", "占放款额（%）", "账龄 MOB（月）")
    for i, cohort in enumerate(table.index[::3]):
        row = table.loc[cohort].dropna()
        ax.plot(row.index, row.to_numpy(), linewidth=1.6, color=PALETTE[i % len(PALETTE)], label=f"第 {cohort} 月放款")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


# --------------------------------------------------------------------------- the 03b loan file

def _summary_html(outcome: performance.ReviewOutcome, month: int, best: performance.ReviewOutcome) -> str:
    s = outcome.summary
    if outcome.path is None:
        return (f"<div class='ml-review-summary' data-category='未放款' data-dpd='0'>你在“{html.escape(s['declined_at'])}”"
                f"环节拒绝了这笔贷款：没有逾期，也没有损失；但如果每个风险信号都被发现并纠正，这笔贷款本可以收回利息"
                f" <b>{money(s['forgone_interest'])}</b> 元。</div>")
    missed = len(outcome.missed)
    colour = "#1a7f37" if s["dpd"] == 0 else "#b42318"
    return (f"<div class='ml-review-summary' data-category='{html.escape(s['category'])}' data-dpd='{s['dpd']}' "
            f"style='color:{colour}'><b>{month} 个月后</b>：逾期 <b>{s['dpd']}</b> 天，五级分类 <b>{html.escape(s['category'])}</b>，"
            f"逾期金额 {money(s['arrears'])} 元，PAR30 余额 {money(s['par30_balance'])} 元；若此时违约，扣除抵押和保证回收后损失约"
            f" {money(s['loss_if_default'])} 元（全部发现时为 {money(best.summary['loss_if_default'])} 元）。"
            f"到第 {len(outcome.path.frame)} 个月为止最长逾期 <b>{s['max_dpd']}</b> 天。"
            f"漏掉了 <b>{missed}</b> 个风险信号。</div>")


def loan_file_review() -> widgets.VBox:
    """The 03b loan file: eight stages, each with its document and the four choices; once every stage has a
    choice (or the loan is declined), the loan is replayed on the performance engine: 12 months later.

    Examples
    --------
    >>> box = loan_file_review()
    >>> stages = [c for c in box.children if "ml-stage" in " ".join(c._dom_classes)]
    >>> len(stages)
    8
    """
    review = performance.load_review()
    best = review.play(review.best_choices())
    month = review.spec.report_month
    buttons: dict[str, widgets.ToggleButtons] = {}
    rows = []
    for number, stage in enumerate(review.stages, start=1):
        toggle = widgets.ToggleButtons(options=list(performance.CHOICES), value=None,
                                       tooltips=[stage.choices[c].text for c in performance.CHOICES],
                                       style={"button_width": "88px"})
        buttons[stage.id] = toggle
        meaning = "；".join(f"{c}＝{stage.choices[c].text}" for c in performance.CHOICES)
        box = widgets.VBox([
            widgets.HTML(f"<div style='margin-top:8px'><b>第 {number} 环节　{html.escape(stage.name)}</b></div>"
                         f"<div style='background:#f6f8fa;border-left:3px solid #1f6fb2;padding:4px 8px'>"
                         f"{html.escape(stage.document)}</div><small style='color:#555'>{html.escape(meaning)}</small>"),
            toggle])
        box.add_class(f"ml-stage-{stage.id}")
        box.add_class("ml-stage")
        rows.append(box)
    summary = widgets.HTML()
    chart = widgets.Output()
    chart.add_class("ml-review-chart")
    feedback = widgets.Output()
    reset = widgets.Button(description="重新选择", icon="undo")

    @safe(chart)
    def refresh(_change: object = None) -> None:
        choices = {sid: b.value for sid, b in buttons.items() if b.value is not None}
        declined = any(review.stage(sid).choices[c].outcome in ("declined", "recalled") for sid, c in choices.items())
        pending = [s.name for s in review.stages if s.id not in choices]
        if pending and not declined:
            summary.value = (f"<div class='ml-review-summary' data-category='' data-dpd=''>还有 {len(pending)} 个环节未选择："
                             f"{html.escape('、'.join(pending))}。全部选择后显示 12 个月后的结果。</div>")
            replace_output(chart)
            replace_output(feedback)
            return
        filled = {s.id: choices.get(s.id, s.best) for s in review.stages}
        outcome = review.play(filled)
        summary.value = _summary_html(outcome, month, best)
        table = outcome.feedback(review)
        table.insert(1, "你的选择", [choices.get(s.id, "—") if s.id in outcome.outcomes else "—" for s in review.stages])
        table.insert(3, "最佳选择", [s.best for s in review.stages])
        replace_output(feedback, TABLE_CSS + table_html(table, index=False, caption="逐环节反馈"))
        if outcome.path is None:
            replace_output(chart, arrears_chart({"全部发现（最佳选择）": best.path}, "全部发现时的逾期金额",
                                                month) if best.path is not None else "")
            return
        paths = {"你的选择": outcome.path}
        if outcome.missed or "recalled" in outcome.outcomes.values():
            paths["全部发现（最佳选择）"] = best.path  # type: ignore[assignment]
        replace_output(chart, arrears_chart(paths, f"{month} 个月后：你的选择下的逾期金额", month),
                       dpd_chart(outcome.path, "逐月逾期天数与五级分类"))

    def clear(_button: object = None) -> None:
        for toggle in buttons.values():
            toggle.unobserve(refresh, names="value")
            toggle.value = None
            toggle.observe(refresh, names="value")
        refresh()

    for toggle in buttons.values():
        toggle.observe(refresh, names="value")
    reset.on_click(clear)
    refresh()
    intro = widgets.HTML(
        f"<p>借款人：<b>{html.escape(review.case.title)}</b>（{html.escape(review.case.borrower.name)}），申请"
        f" {money(review.spec.loan.amount)} 元、{review.spec.loan.months} 个月，用途：{html.escape(review.case.request.purpose)}。"
        f"每个环节读一段档案，选择 通过 / 补充材料 / 退回 / 拒绝。风险信号、金额和冲击大小都是{illustrative_tag()}。</p>")
    root = widgets.VBox([intro, *rows, reset, summary, chart, feedback])
    root.add_class("ml-review")
    return root


def review_cost_table() -> widgets.HTML:
    """What each wrong choice in the 03b file costs (every flag missed alone, and the recalls), as a table."""
    table = performance.load_review().cost_table()
    money_columns = [c for c in table.columns if "元" in c]
    shown = widgets.HTML(TABLE_CSS + table_html(table, index=False, formatters={c: money for c in money_columns},
                                                caption="每个错误选择的代价（其余环节都选对时；示例参数）"))
    shown.add_class("ml-review-cost")
    return shown


def classification_floor_table(days_past_due: list[int]) -> widgets.HTML:
    """Days past due → the 五级分类 floor → 不良 or not, as a table (thresholds from the data file).

    Examples
    --------
    >>> "次级" in classification_floor_table([91]).value
    True
    """
    table = performance.floor_table(days_past_due)
    return widgets.HTML(TABLE_CSS + table_html(table, index=False, formatters={"逾期天数": lambda v: f"{int(v)}"},
                                               caption="逾期天数与五级分类下限（270、360 天为示例参数）"))


# --------------------------------------------------------------------------- one loan played forward

def loan_playback(case_id: str = "C07") -> widgets.VBox:
    """One loan on a case played forward: amount, term, method, one shock and one 展期/重组 action.

    Examples
    --------
    >>> box = loan_playback("C01")
    >>> "ml-playback" in box._dom_classes
    True
    """
    picker = widgets.Dropdown(options=case_options(), value=case_id, description="案例", layout=widgets.Layout(width="340px"))
    amount = widgets.BoundedFloatText(value=100_000, min=1_000, max=10_000_000, step=10_000, description="贷款金额（元）",
                                      style=_STYLE, layout=widgets.Layout(width="240px"))
    months = widgets.IntSlider(value=12, min=3, max=36, description="期限（月）", continuous_update=False, style=_STYLE)
    method = widgets.Dropdown(options=[(METHODS[m], m) for m in ("equal_installment", "equal_principal", "interest_only")],
                              description="还款方式", layout=widgets.Layout(width="240px"))
    kind = widgets.Dropdown(options=[("无冲击", ""), *[(v, k) for k, v in performance.SHOCK_KINDS.items()
                                                      if k != "new_income"]], value="sales_drop", description="冲击",
                            style=_STYLE)
    start = widgets.IntSlider(value=4, min=1, max=24, description="冲击开始（第几个月）", continuous_update=False, style=_STYLE)
    size = widgets.FloatSlider(value=20, min=5, max=100, step=5, description="幅度（%）", continuous_update=False, style=_STYLE)
    lasting = widgets.IntSlider(value=12, min=1, max=36, description="持续（月）", continuous_update=False, style=_STYLE)
    extra = widgets.BoundedFloatText(value=5_000, min=0, max=1_000_000, step=1_000, description="金额（元/月）",
                                     style=_STYLE, layout=widgets.Layout(width="220px"))
    action = widgets.Dropdown(options=[("不调整", ""), ("展期 12 个月", "extension"), ("重组：24 个月、前 6 个月只付息", "restructure")],
                              description="贷后措施", style=_STYLE)
    at = widgets.IntSlider(value=7, min=1, max=30, description="措施月份", continuous_update=False, style=_STYLE)
    summary = widgets.HTML()
    summary.add_class("ml-playback-summary")
    output = widgets.Output()
    loading: list[bool] = []

    @safe(output)
    def refresh(_change: object = None) -> None:
        if loading:
            return
        case = casebook.load_case(picker.value)
        shocks = []
        if kind.value:
            shocks.append(performance.Shock(kind.value, start=start.value, size=size.value / 100,
                                            amount=extra.value if kind.value in ("hidden_lender", "one_off") else 0.0,
                                            months=lasting.value))
        actions: list[performance.Extension | performance.Restructure] = []
        if action.value == "extension":
            actions.append(performance.Extension(at.value, 12))
        elif action.value == "restructure":
            actions.append(performance.Restructure(at.value, 24, grace_months=6))
        path = performance.play_loan(case, amount.value, None, months.value, method.value, shocks=shocks,
                                     actions=actions)
        final = path.at(len(path.frame))
        loss = path.loss()
        signals = performance.warning_signals(path)
        fired = signals.index[signals["any"].to_numpy()]
        if len(fired):
            first = int(fired[0])
            kinds = "、".join(performance.SIGNAL_LABELS[k] for k in performance.SIGNAL_LABELS if signals.loc[first, k])
            warning = f"首次贷后预警在第 {first} 个月（{kinds}）。"
        else:
            warning = "还款正常期间没有触发贷后预警。"
        summary.value = (f"<div class='ml-playback-summary' data-max-dpd='{path.max_dpd}'>最长逾期 <b>{path.max_dpd}</b> 天；"
                         f"第 {len(path.frame)} 个月：五级分类 <b>{html.escape(str(final['category']))}</b>，剩余本金 "
                         f"{money(final['balance'])} 元，损失（扣除抵押和保证回收）{money(loss['loss'])} 元。"
                         + (f"冲击：{html.escape(shocks[0].label)}。" if shocks else "") + html.escape(warning) + "</div>")
        replace_output(output, arrears_chart({"逾期金额": path}, "逐月逾期金额"), dpd_chart(path, "逐月逾期天数与五级分类"))

    def load(_change: object = None) -> None:
        case = casebook.load_case(picker.value)
        loading.append(True)
        try:
            amount.value = case.request.amount
            months.value = min(max(case.request.months, months.min), months.max)
        finally:
            loading.clear()
        refresh()

    for widget in (amount, months, method, kind, start, size, lasting, extra, action, at):
        widget.observe(refresh, names="value")
    picker.observe(load, names="value")
    load()
    root = widgets.VBox([widgets.HBox([picker, amount]), widgets.HBox([months, method]),
                         widgets.HBox([kind, start]), widgets.HBox([size, lasting, extra]), widgets.HBox([action, at]),
                         widgets.HTML(f"<small>回收率、罚息上浮、可用于还款的现金比例为{illustrative_tag()}"
                                      "（贷后参数数据文件，讲师可修改）。</small>"), summary, output])
    root.add_class("ml-playback")
    return root


# --------------------------------------------------------------------------- books

_BOOKS: dict[tuple[int, float, float, int], performance.BookResult] = {}


def _book(n: int, shock_rate: float, systematic: float, seed: int = 2025) -> performance.BookResult:
    key = (n, round(shock_rate, 5), round(systematic, 5), seed)
    if key not in _BOOKS:
        if len(_BOOKS) > 8:
            _BOOKS.clear()
        _BOOKS[key] = performance.simulate_book(n, 24, seed=seed, shock_rate=shock_rate, systematic_sd=systematic)
    return _BOOKS[key]


def book_dashboard(n_loans: int = 5_000) -> widgets.VBox:
    """A book of loans drawn from the casebook, 24 months: PAR30/PAR90, 五级分类 over time, roll rates and
    flow to loss, vintage curves.

    Examples
    --------
    >>> box = book_dashboard(500)
    >>> "ml-book" in box._dom_classes
    True
    """
    defaults = performance.load_parameters().book
    count = widgets.IntSlider(value=n_loans, min=500, max=20_000, step=500, description="贷款笔数",
                              continuous_update=False, style=_STYLE)
    shock = widgets.FloatSlider(value=defaults.shock_rate * 100, min=0, max=5, step=0.1, readout_format=".1f",
                                description="每月经营冲击概率（%）", continuous_update=False, style=_STYLE)
    systematic = widgets.FloatSlider(value=defaults.systematic_sd * 100, min=0, max=50, step=5,
                                     description="共同经营波动（%）", continuous_update=False, style=_STYLE)
    summary = widgets.HTML()
    summary.add_class("ml-book-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        book = _book(count.value, shock.value / 100, systematic.value / 100)
        last = int(book.months[-1])
        rates = book.roll_rates().tail(6).mean()
        flow = float(np.prod(rates[["M1→M2", "M2→M3", "M3→M4+"]].to_numpy()))
        summary.value = (f"<div class='ml-book-summary' data-par30='{book.par(30).iloc[-1]:.4f}'>{count.value:,} 笔贷款、"
                         f"第 {last} 个月：PAR30 <b>{percent(book.par(30).iloc[-1])}</b>，PAR90 <b>{percent(book.par(90).iloc[-1])}</b>，"
                         f"不良率 <b>{percent(book.npl_ratio().iloc[-1])}</b>；近 6 个月平均迁徙率下，M1 余额最终流入 M4+ 的比例约"
                         f" <b>{percent(flow)}</b>。</div>")
        roll = book.roll_rates().tail(6).map(lambda v: "—" if pd.isna(v) else percent(v))
        roll.index = [f"第 {m} → {m + 1} 月" for m in roll.index]
        roll.index.name = "月份"
        replace_output(output, par_chart(book), classification_chart(book),
                       TABLE_CSS + table_html(roll, caption="近 6 个月的迁徙率（按余额）"), vintage_chart(book))

    for widget in (count, shock, systematic):
        widget.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([count, shock, systematic]),
                         widgets.HTML(f"<small>客户结构、冲击概率和大小、共同波动为{illustrative_tag()}；"
                                      "贷款金额按各案例的还款能力上限测算。</small>"), summary, output])
    root.add_class("ml-book")
    return root


def early_warning_tuner(n_loans: int = 5_000) -> widgets.VBox:
    """Tune the early-warning rules on a simulated book: hits, false alarms, months of warning before 90 days.

    Examples
    --------
    >>> box = early_warning_tuner(500)
    >>> "ml-warning" in box._dom_classes
    True
    """
    ew = performance.load_parameters().early_warning
    drop = widgets.IntSlider(value=int(ew.inflow_drop * 100), min=5, max=80, step=5, description="入账下降超过（%）",
                             continuous_update=False, style=_STYLE)
    months = widgets.IntSlider(value=ew.drain_months, min=1, max=6, description="余额不足连续月数",
                               continuous_update=False, style=_STYLE)
    lender = widgets.Checkbox(value=ew.new_lender, description="流水中出现新的放贷机构即预警", indent=False)
    summary = widgets.HTML()
    summary.add_class("ml-warning-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        book = _book(n_loans, performance.load_parameters().book.shock_rate, performance.load_parameters().book.systematic_sd)
        r = performance.early_warning(book, drop.value / 100, months.value, lender.value)
        lead = "—" if np.isnan(r["mean_lead_months"]) else f"{r['mean_lead_months']:.1f}"
        summary.value = (f"<div class='ml-warning-summary' data-hits='{int(r['hits'])}' data-false='{int(r['false_alarms'])}'>"
                         f"{int(r['loans']):,} 笔贷款中有 <b>{int(r['went_bad']):,}</b> 笔逾期超过 90 天：提前预警 <b>{int(r['hits']):,}</b> 笔"
                         f"（命中率 {percent(r['hit_rate'])}），平均提前 <b>{lead}</b> 个月；误报 <b>{int(r['false_alarms']):,}</b> 笔"
                         f"（占从未逾期超过 90 天贷款的 {percent(r['false_alarm_rate'])}）。</div>")
        table = pd.DataFrame({"笔数": [int(r["hits"]), int(r["misses"]), int(r["false_alarms"])]},
                             index=pd.Index(["命中（提前预警）", "漏报", "误报"], name="结果"))
        replace_output(output, TABLE_CSS + table_html(table))

    for widget in (drop, months, lender):
        widget.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([drop, months]), lender,
                         widgets.HTML(f"<small>预警阈值的默认值为{illustrative_tag()}。</small>"), summary, output])
    root.add_class("ml-warning")
    return root


def collections_ladder() -> widgets.VBox:
    """The collections ladder by days past due, and a contact checker for the collection rules (domain-parts §6.5).

    Examples
    --------
    >>> box = collections_ladder()
    >>> "ml-ladder" in box._dom_classes
    True
    """
    review = performance.load_review()
    steps = review.spec.collections.steps
    ladder = pd.DataFrame({"逾期天数": [f"{s.from_days}–{s.to_days} 天" if s.to_days else f"{s.from_days} 天以上" for s in steps],
                           "催收措施": [s.action for s in steps]})
    dpd = widgets.IntSlider(value=45, min=0, max=400, description="逾期天数", continuous_update=False, style=_STYLE)
    hour = widgets.IntSlider(value=10, min=0, max=23, description="联系时间（点）", continuous_update=False, style=_STYLE)
    calls = widgets.IntSlider(value=2, min=0, max=10, description="今天已未接通次数", continuous_update=False, style=_STYLE)
    third = widgets.Checkbox(value=False, description="联系借款人以外的第三人", indent=False)
    unreachable = widgets.Checkbox(value=False, description="借款人已失联", indent=False)
    consent = widgets.Checkbox(value=False, description="借款人同意夜间联系", indent=False)
    summary = widgets.HTML()
    summary.add_class("ml-ladder-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        step = performance.collection_step(dpd.value, review)
        problems = performance.check_contact(hour.value, calls.value, third_party=third.value,
                                               debtor_unreachable=unreachable.value, consent=consent.value, review=review)
        verdict = ("<span class='ml-verdict-ok'>这次联系符合催收规则。</span>" if not problems else
                   "<span class='ml-verdict-bad'>不允许：" + "；".join(html.escape(p) for p in problems) + "。</span>")
        summary.value = (f"<div class='ml-ladder-summary' data-allowed='{int(not problems)}'>逾期 {dpd.value} 天：<b>{html.escape(step)}</b>"
                         f"<br>{verdict}</div>")
        replace_output(output, TABLE_CSS + table_html(ladder, index=False, caption="催收阶梯（依据 domain-parts §6.5）"))

    for widget in (dpd, hour, calls, third, unreachable, consent):
        widget.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([dpd, widgets.HBox([hour, calls]), widgets.HBox([third, unreachable, consent]), summary, output])
    root.add_class("ml-ladder")
    return root


__all__ = ["arrears_chart", "book_dashboard", "classification_chart", "classification_floor_table", "collections_ladder", "dpd_chart",
           "early_warning_tuner", "loan_file_review", "loan_playback", "par_chart", "review_cost_table",
           "vintage_chart"]
