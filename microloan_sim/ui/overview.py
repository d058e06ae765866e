"""第一部分 微贷概述 dashboards (course 01): what a microloan is on a case, traditional rule vs IPC on the
casebook, the sourced import timeline, the IPC steps on a case, the 推广走样 simulation and the 004 product
types. The numbers come from :mod:`microloan_sim.lending_models`; nothing is computed here.

Stable hooks for browser tests (CSS classes): ``ml-features``; ``ml-methods`` (its ``.ml-methods-summary``
carries ``data-traditional`` and ``data-ipc``, the counts served; checkboxes ``.ml-no-audited`` and
``.ml-no-property``; chart ``.ml-methods-chart``); ``ml-timeline`` (``.ml-timeline-entry`` with ``data-date``);
``ml-ipc-steps``; ``ml-spread`` (``.ml-spread-summary`` with ``data-missed`` and ``data-over``; level buttons
``.widget-toggle-buttons``; chart ``.ml-spread-chart``); ``ml-product-types`` (``data-count`` on its summary).
"""
from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, lending_models
from ..lending_models.parameters import TimelineEntry
from ..plotting import PALETTE, new_figure, paired_bars
from ._common import TABLE_CSS, case_options, illustrative_tag, money, percent, replace_output, safe, table_html

_STYLE = {"description_width": "initial"}


def _case_picker(case_id: str) -> widgets.Dropdown:
    picker = widgets.Dropdown(options=case_options(), value=case_id, description="客户案例", style=_STYLE,
                              layout=widgets.Layout(width="360px"))
    picker.add_class("ml-case")
    return picker


# --------------------------------------------------------------------------- 一、什么是微贷

def microloan_features(case_id: str = "C01") -> widgets.VBox:
    """The four features of 微贷 (004 ch.1) read on a chosen case.

    >>> box = microloan_features("C03")
    >>> "生猪养殖户" in box.children[1].outputs[0]["data"]["text/html"]
    True
    """
    picker = _case_picker(case_id)
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        table = lending_models.microloan_features(casebook.load_case(picker.value))
        replace_output(output, TABLE_CSS + table_html(table, index=False, caption="微贷的特征，在这个借款人身上")
                       + f"<small>审批天数为{illustrative_tag()}；单户授信分档来自监管报表的分档。</small>")

    picker.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([picker, output])
    root.add_class("ml-features")
    return root


# --------------------------------------------------------------------------- 二、微贷的特征: traditional vs IPC

def methods_chart(table: pd.DataFrame) -> Figure:
    """Amounts granted per case under both methods (grouped bars, 元)."""
    return paired_bars(list(table["案例"]),
                       ("传统规则（审计报表 + 房产抵押）", table["传统：额度（元）"], PALETTE[5]),
                       ("IPC 微贷技术", table["IPC：额度（元）"], PALETTE[0]), "两种方法给每个借款人的额度")


def _served_html(table: pd.DataFrame) -> str:
    s = lending_models.served(table)
    refused = table.loc[(table["传统：是否发放"] == "拒绝") & (table["IPC：是否发放"] == "发放"), "案例"].tolist()
    extra = f"传统规则拒绝、IPC 能贷的：{'、'.join(refused)}。" if refused else ""
    return (f"<div class='ml-methods-summary' data-traditional='{s['traditional_count']}' data-ipc='{s['ipc_count']}'>"
            f"传统规则给 <b>{s['traditional_count']}</b> 户发放，共 {money(s['traditional_amount'])} 元；"
            f"IPC 方法给 <b>{s['ipc_count']}</b> 户发放，共 {money(s['ipc_amount'])} 元。{html.escape(extra)}</div>")


def method_comparison(no_audited: bool = False, no_property: bool = False) -> widgets.VBox:
    """Traditional rule vs IPC on every case, with the two switches: 没有经审计报表, 没有房产.

    >>> box = method_comparison()
    >>> box.children[-3].value.count("data-traditional='2'")
    1
    """
    p = lending_models.load_parameters()
    audited = widgets.Checkbox(value=no_audited, description="假设所有借款人都没有经审计的财务报表", indent=False,
                               layout=widgets.Layout(width="420px"))
    house = widgets.Checkbox(value=no_property, description="假设所有借款人都没有可抵押的房产", indent=False,
                             layout=widgets.Layout(width="420px"))
    audited.add_class("ml-no-audited")
    house.add_class("ml-no-property")
    summary = widgets.HTML()
    chart = widgets.Output()
    chart.add_class("ml-methods-chart")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        table = lending_models.compare_methods(no_audited=audited.value, no_property=house.value)
        summary.value = _served_html(table)
        shown = pd.DataFrame({
            "案例": table["案例"] + " " + table["借款人"],
            "传统规则": [f"{d}{'：' + money(a) + ' 元，' + str(t) + ' 个月' if d == '发放' else '（' + r + '）'}"
                       for d, a, t, r in zip(table["传统：是否发放"], table["传统：额度（元）"], table["传统：期限（月）"],
                                             table["传统：说明"])],
            "IPC 方法": [f"{d}{'：' + money(a) + ' 元，' + str(t) + ' 个月' if d == '发放' else ''}（{r}）"
                       for d, a, t, r in zip(table["IPC：是否发放"], table["IPC：额度（元）"], table["IPC：期限（月）"],
                                             table["IPC：说明"])],
            "IPC 担保方式": table["IPC：担保"],
        })
        effort = pd.DataFrame({
            "项目": ["授信依据", "担保", "每笔客户经理工时（小时）", "从申请到出结论（天）"],
            "传统规则": ["经审计的财务报表", f"房产抵押（抵押率 {percent(p.traditional.property_ltv, 0)}）",
                      f"{p.traditional.officer_hours:g}", f"{p.traditional.days_to_decision:g}"],
            "IPC 方法": ["客户经理实地调查、还原的报表", "信用、保证、抵押均可，抵押是第二还款来源",
                       f"{p.ipc.officer_hours:g}", f"{p.ipc.days_to_decision:g}"],
        })
        replace_output(output, TABLE_CSS + table_html(shown, index=False, caption="每个借款人在两种方法下的结果")
                       + table_html(effort, index=False, caption="两种方法的做法和成本")
                       + f"<small>传统规则的要求、抵押率、期限、工时和天数都是{illustrative_tag()}；"
                         f"{html.escape(p.traditional.law)}</small>")
        replace_output(chart, methods_chart(table))

    audited.observe(refresh, names="value")
    house.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([audited, house]), summary, chart, output])
    root.add_class("ml-methods")
    return root


# --------------------------------------------------------------------------- 三(一)、引进过程

def _figures_html(figures: Sequence[lending_models.Figure]) -> str:
    items = []
    for f in figures:
        value = f"{f.value:,.4f}".rstrip("0").rstrip(".")
        when = f"（{html.escape(f.date)}）" if f.date else ""
        items.append(f"<li><span class='ml-fig' data-source='{html.escape(f.source)}'>{html.escape(f.label)}{when}："
                     f"<b>{value}</b> {html.escape(f.unit)}</span> <a class='ml-src' href='{html.escape(f.source)}' "
                     f"target='_blank' rel='noopener'>来源</a></li>")
    return f"<ul style='margin:4px 0'>{''.join(items)}</ul>" if items else ""


def timeline_entry_html(e: TimelineEntry) -> str:
    """One timeline entry as HTML: date, text, its figures with their sources (sourced data only)."""
    return (f"<div class='ml-timeline-entry' data-date='{html.escape(e.date)}'>"
            f"<b class='ml-date'>{html.escape(e.date)}</b>　{html.escape(e.text)}"
            f" <a class='ml-src' href='{html.escape(e.source)}' target='_blank' rel='noopener'>来源</a>"
            f"{_figures_html(e.figures)}</div>")


def funding_chart() -> Figure | None:
    """The sourced composition of the MSE financing the World Bank project leveraged (亿美元), if present."""
    entry = next((e for e in lending_models.timeline() if e.date.startswith("2014")), None)
    if entry is None:
        return None
    parts = [f for f in entry.figures if "总额" not in f.label]
    fig, ax = new_figure(f"{entry.date} 世界银行成果报告：小微企业融资的来源", f"金额（{parts[0].unit}）", "", size=(7.0, 3.0))
    ax.bar([f.label for f in parts], [f.value for f in parts], color=[PALETTE[i % len(PALETTE)] for i in range(len(parts))])
    return fig


def import_timeline(start: str | None = None) -> widgets.VBox:
    """The 2004–2014 import of the IPC method into China: a slider over the dated entries; each shows its
    sourced figures. The full list and a chart of the financing sources sit below.

    >>> box = import_timeline("2006-08")
    >>> "1,507" in box.children[1].value
    True
    """
    entries = lending_models.timeline()
    dates = [e.date for e in entries]
    slider = widgets.SelectionSlider(options=dates, value=start if start in dates else dates[0], description="时间",
                                     style=_STYLE, layout=widgets.Layout(width="560px"), continuous_update=False)
    current = widgets.HTML()
    chart = widgets.Output()

    def refresh(_change: object = None) -> None:
        entry = entries[dates.index(slider.value)]
        current.value = ("<div style='background:#f6f8fa;border-left:3px solid #1f6fb2;padding:6px 10px'>"
                         + timeline_entry_html(entry) + "</div>")

    slider.observe(refresh, names="value")
    refresh()
    figure = funding_chart()
    if figure is not None:
        replace_output(chart, figure)
    everything = widgets.HTML("<details><summary>展开全部时间线</summary>"
                              + "".join(timeline_entry_html(e) for e in entries) + "</details>")
    root = widgets.VBox([slider, current, chart, everything])
    root.add_class("ml-timeline")
    return root


# --------------------------------------------------------------------------- 三(二)、基本方法

def ipc_steps(case_id: str = "C01") -> widgets.VBox:
    """The methods introduced with IPC, on a chosen case (实地调查 → 报表还原 → 交叉验证 → 还款能力)."""
    picker = _case_picker(case_id)
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        table = lending_models.ipc_steps(casebook.load_case(picker.value))
        replace_output(output, TABLE_CSS + table_html(table, index=False, caption="IPC 的四步，在这个借款人身上"))

    picker.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([picker, output])
    root.add_class("ml-ipc-steps")
    return root


# --------------------------------------------------------------------------- 三(三)、推广不足

def spread_chart(table: pd.DataFrame, level_name: str) -> Figure:
    """Amount lent on the declaration vs the amount the verified figures support, per case (元)."""
    return paired_bars(list(table["案例"]),
                       ("实际放款（未发现的问题按申报数）", table["按申报口径放款（元）"], PALETTE[3]),
                       ("按核实后的数应放", table["按核实口径应放（元）"], PALETTE[2]), f"{level_name}：实际放款与应放额度")


def spread_simulator(level: str = "declaration") -> widgets.VBox:
    """How many planted problems each review level misses on the casebook, and the over-lending that follows.

    >>> box = spread_simulator("ipc")
    >>> "data-missed='0'" in box.children[1].value
    True
    """
    p = lending_models.load_parameters()
    buttons = widgets.ToggleButtons(options=[(lv.name, lv.id) for lv in p.review_levels],
                                    value=lending_models.review_level(level).id, style={"button_width": "200px"})
    summary = widgets.HTML()
    chart = widgets.Output()
    chart.add_class("ml-spread-chart")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        spec = lending_models.review_level(buttons.value)
        table = lending_models.spread_table(spec.id)
        totals = lending_models.spread_summary(table)
        missed, over = totals["missed"], totals["over_lending"]
        summary.value = (f"<div class='ml-spread-summary' data-missed='{missed}' data-over='{over:.0f}'>"
                         f"{html.escape(spec.description)}<br>{len(table)} 个案例共埋设 <b>{totals['planted']}</b> 个问题，"
                         f"没有发现 <b>{missed}</b> 个；因此多贷出 <b>{money(over)}</b> 元。</div>")
        shown = table.drop(columns=["借款人"]).copy()
        shown["放款额是应放额的倍数"] = [f"{v:.2f} 倍" if np.isfinite(v) else "应放为 0" for v in table["放款额是应放额的倍数"]]
        replace_output(output, TABLE_CSS + table_html(shown, index=False, caption="逐个案例")
                       + f"<small>利率、还款能力系数 k 为{illustrative_tag()}；“多贷金额”为负表示隐瞒收入让客户经理少贷了。</small>")
        replace_output(chart, spread_chart(table, spec.name))

    buttons.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([buttons, summary, chart, output])
    root.add_class("ml-spread")
    return root


# --------------------------------------------------------------------------- 004 第一章：产品种类

def product_type_browser(type_name: str | None = None) -> widgets.VBox:
    """The 004 product types as a filter over the catalogue (种类, 还款方式).

    >>> box = product_type_browser("供应链金融贷款")
    >>> "应收账款质押贷款" in box.children[-1].outputs[0]["data"]["text/html"]
    True
    """
    kinds = lending_models.types()
    chooser = widgets.Dropdown(options=[("全部种类", "")] + [(t.name, t.id) for t in kinds],
                               value=lending_models.product_type(type_name).id if type_name else "",
                               description="产品种类", style=_STYLE, layout=widgets.Layout(width="320px"))
    methods = sorted(set(lending_models.products_of_type()["还款方式"]))
    method = widgets.Dropdown(options=[("全部还款方式", "")] + [(m, m) for m in methods], value="",
                              description="还款方式", style=_STYLE, layout=widgets.Layout(width="280px"))
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        table = lending_models.products_of_type(chooser.value or None, method=method.value or None)
        spec = lending_models.product_type(chooser.value) if chooser.value else None
        about = html.escape(spec.description) if spec else "课件列出的五种微贷产品。"
        summary.value = f"<div class='ml-product-types-summary' data-count='{len(table)}'>{about}共 <b>{len(table)}</b> 个产品。</div>"
        shown = table[["产品", "种类", "类别", "名义年利率", "还款方式", "期限（月）"]].copy()
        shown["名义年利率"] = [percent(v, 2) for v in shown["名义年利率"]]
        replace_output(output, TABLE_CSS + table_html(shown, index=False, caption="产品目录")
                       + f"<small>产品条款为{illustrative_tag()}；产品归入哪一种为教学归类。</small>")

    chooser.observe(refresh, names="value")
    method.observe(refresh, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([chooser, method]), summary, output])
    root.add_class("ml-product-types")
    return root
