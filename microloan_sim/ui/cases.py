"""第二部分 成功案例 dashboards (course 02): sourced case cards per outline heading, the four failure patterns of
004 ch.6 replayed on the loan engine, and the success levers. Numbers come from
:mod:`microloan_sim.lending_models` (sourced data only) and :mod:`microloan_sim.performance`.

Stable hooks for browser tests (CSS classes): ``ml-cards`` (a dropdown ``.ml-card-picker``; the card
``.ml-card`` with ``data-card``; every figure ``.ml-fig`` with ``data-source``; chart ``.ml-card-chart``);
``ml-failure`` (pattern dropdown ``.ml-pattern``; decision buttons ``.widget-toggle-buttons``; summary
``.ml-failure-summary`` with ``data-option``, ``data-dpd`` and ``data-loss``; charts ``.ml-failure-chart``);
``ml-levers``.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from .. import lending_models, performance
from ..plotting import PALETTE, new_figure
from ._common import TABLE_CSS, illustrative_tag, money, replace_output, safe, table_html
from .overview import _figures_html
from .performance import arrears_chart, dpd_chart

_STYLE = {"description_width": "initial"}


# --------------------------------------------------------------------------- case cards

def card_html(card: lending_models.CaseCard) -> str:
    """One sourced case card: institution, model, figures (each with its source), lesson, the card's source."""
    return (f"<div class='ml-card' data-card='{html.escape(card.id)}' style='border:1px solid #d0d7de;"
            f"border-radius:6px;padding:8px 12px;margin:4px 0'>"
            f"<div style='font-size:15px;font-weight:600'>{html.escape(card.institution)}</div>"
            f"<p style='margin:4px 0'><b>模式：</b>{html.escape(card.model)} "
            f"<a class='ml-src' href='{html.escape(card.source)}' target='_blank' rel='noopener'>来源</a></p>"
            f"<div><b>有来源的数字：</b>{_figures_html(card.figures)}</div>"
            f"<p style='margin:4px 0'><b>启示：</b>{html.escape(card.lesson)}</p></div>")


def series_chart(card: lending_models.CaseCard) -> Figure | None:
    """The card's figures over time (each point sourced), or None when the card has no series."""
    if card.series is None:
        return None
    s = card.series
    fig, ax = new_figure(f"{card.institution}：{s.label}", f"{s.label}（{s.unit}）", "时间", size=(6.5, 3.0))
    xs = list(range(len(s.points)))
    ax.bar(xs, [p.value for p in s.points], color=PALETTE[0], width=0.5)
    ax.set_xticks(xs, [p.x for p in s.points])
    for x, p in zip(xs, s.points):
        ax.text(x, p.value, f"{p.value:,.4f}".rstrip("0").rstrip("."), ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(p.value for p in s.points) * 1.2)
    return fig


def case_cards(section: str = "foreign") -> widgets.VBox:
    """The sourced cards of one 第二部分 heading (``foreign``, ``joint_stock``, ``policy``, ``city``, ``rural``,
    ``village`` or ``warning``; the city section also shows the 包商 warning), one at a time.

    >>> box = case_cards("policy")
    >>> "2,104.3" in box.children[1].value
    True
    """
    chosen = lending_models.cards(section)
    if section == "city":
        chosen += lending_models.cards("warning")
    picker = widgets.Dropdown(options=[(c.institution, c.id) for c in chosen], value=chosen[0].id, description="案例",
                              style=_STYLE, layout=widgets.Layout(width="560px"))
    picker.add_class("ml-card-picker")
    body = widgets.HTML()
    chart = widgets.Output()
    chart.add_class("ml-card-chart")

    @safe(chart)
    def refresh(_change: object = None) -> None:
        card = lending_models.card(picker.value)
        body.value = card_html(card)
        figure = series_chart(card)
        replace_output(chart, *([figure] if figure is not None else []))

    picker.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([picker, body, chart])
    root.add_class("ml-cards")
    return root


# --------------------------------------------------------------------------- 004 ch.6 failure patterns

def _outcome_text(r: performance.FailureReplay) -> str:
    o = r.outcome
    if r.path is None:
        return "不放款：没有逾期，也没有损失（也没有这笔生意）。"
    loss = f"违约损失 <b>{money(o['loss'])}</b> 元（第 {o['default_month']} 个月逾期超过 90 天，扣除抵押和保证回收后）" \
        if o["default_month"] else "没有违约，损失 <b>0</b> 元"
    return (f"放款 {money(r.amount)} 元、{r.method_label}：最长逾期 <b>{o['max_dpd']}</b> 天；第 12 个月逾期 {o['dpd_12']} 天，"
            f"五级分类 {html.escape(o['category_12'])}；逾期金额最高 {money(o['peak_arrears'])} 元；{loss}。")


def failure_replay(pattern_id: str = "over_borrowing", option_id: str | None = None) -> widgets.VBox:
    """One failure pattern: its story and clue, the officer's decision as buttons; each choice replays the loan.

    >>> box = failure_replay("bad_schedule", "bullet")
    >>> "data-dpd='0'" in box.children[3].value
    True
    """
    patterns = performance.load_patterns().patterns
    chooser = widgets.Dropdown(options=[(p.name, p.id) for p in patterns], value=pattern_id, description="失败模式",
                               style=_STYLE, layout=widgets.Layout(width="320px"))
    chooser.add_class("ml-pattern")
    story = widgets.HTML()
    buttons = widgets.ToggleButtons(options=[("—", "")], style={"button_width": "auto"})
    summary = widgets.HTML()
    charts = widgets.Output()
    charts.add_class("ml-failure-chart")
    table_out = widgets.Output()

    @safe(charts)
    def show(_change: object = None) -> None:
        if not buttons.value:
            return
        spec = performance.failures.pattern(chooser.value)
        replays = performance.replay_all(spec.id)
        mine = next(r for r in replays if r.option.id == buttons.value)
        bad = next(r for r in replays if r.is_failure)
        o = mine.outcome
        summary.value = (f"<div class='ml-failure-summary' data-option='{html.escape(mine.option.id)}' "
                         f"data-dpd='{o['max_dpd']}' data-loss='{o['loss']:.0f}' "
                         f"style='color:{'#1a7f37' if o['max_dpd'] <= 30 else '#b42318'}'>"
                         f"<b>你的决定：</b>{html.escape(mine.option.label)}。{_outcome_text(mine)}</div>")
        paths = {f"你的决定：{mine.option.label}": mine.path} if mine.path is not None else {}
        if not mine.is_failure and bad.path is not None:
            paths[f"失败做法：{bad.option.label}"] = bad.path
        items: list[object] = []
        if paths:
            items.append(arrears_chart(paths, f"{spec.name}：逐月逾期金额", 12))
        if mine.path is not None:
            items.append(dpd_chart(mine.path, "你的决定下的逐月逾期天数与五级分类"))
        replace_output(charts, *items)
        rows = pd.DataFrame({"决定": [r.option.label for r in replays],
                             "放款（元）": [money(r.amount) if r.amount else "不放款" for r in replays],
                             "还款方式": [r.method_label if r.amount else "—" for r in replays],
                             "最长逾期（天）": [str(r.outcome["max_dpd"]) for r in replays],
                             "第 12 个月五级分类": [r.outcome["category_12"] for r in replays],
                             "违约损失（元）": [money(r.outcome["loss"]) for r in replays]})
        replace_output(table_out, TABLE_CSS + table_html(rows, index=False, caption="这个决定的每个选项")
                       + f"<small>冲击幅度、第二笔借款、利率和回收率都是{illustrative_tag()}。</small>")

    @safe(charts)
    def load(_change: object = None) -> None:
        spec = performance.failures.pattern(chooser.value)
        case = spec.case
        story.value = (f"<div style='background:#f6f8fa;border-left:3px solid #c8423b;padding:6px 10px'>"
                       f"<b>课件中的失败案例：</b>{html.escape(spec.story)}<br><b>回放的借款人：</b>{html.escape(case)}；"
                       f"<b>后来发生了什么：</b>{html.escape(spec.clue)}<br><b>客户经理当初的决定：</b>"
                       f"{html.escape(spec.decision)}</div>")
        buttons.unobserve(show, names="value")
        buttons.options = [(o.label, o.id) for o in spec.options]
        buttons.tooltips = [o.label for o in spec.options]
        buttons.value = spec.failure_option
        buttons.observe(show, names="value")
        show()

    chooser.observe(load, names="value")
    buttons.observe(show, names="value")
    load()
    if option_id:
        buttons.value = option_id
    root = widgets.VBox([chooser, story, buttons, summary, charts, table_out])
    root.add_class("ml-failure")
    return root


def success_levers() -> widgets.VBox:
    """The success patterns as the reverse of the four failure levers (a table)."""
    output = widgets.Output()

    @safe(output)
    def draw() -> None:
        table = performance.success_levers()
        for column in ("失败做法的损失（元）", "成功做法的损失（元）"):
            table[column] = [money(v) for v in table[column]]
        for column in ("失败做法的最长逾期（天）", "成功做法的最长逾期（天）"):
            table[column] = [str(v) for v in table[column]]
        replace_output(output, TABLE_CSS + table_html(table, index=False, caption="把失败的那个决定反过来")
                       + f"<small>回放中的冲击和参数为{illustrative_tag()}。</small>")

    draw()
    root = widgets.VBox([output])
    root.add_class("ml-levers")
    return root
