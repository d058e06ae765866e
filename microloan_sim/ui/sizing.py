"""Sizing calculator (course 04e): every sizing method side by side, the binding constraint highlighted.

Stable hooks for browser tests: the widgets carry the CSS classes ``ml-case``, ``ml-variant``,
``ml-sizing-amount``, ``ml-sizing-rate``, ``ml-sizing-months``, ``ml-sizing-share``, ``ml-sizing-method``,
``ml-sizing-wc`` and ``ml-sizing-secured``; the sentence naming the binding constraint is in an element
with class ``ml-binding`` (its ``data-binding`` attribute holds the constraint's identifier).
"""
from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, sizing
from ..labels import TURNOVER_DEFINITIONS, TURNOVER_NOTE
from ..plotting import PALETTE, new_figure, yuan_formatter
from ..schedules import METHODS
from ._common import (TABLE_CSS, case_pickers, illustrative_tag, learner_variant, money, remembered, rendered,
                      replace_output, safe, table_html)

#: Repayment methods offered by the calculator, in this order.
CALCULATOR_METHODS = ("equal_installment", "equal_principal", "interest_only", "seasonal", "bullet")
_BINDING_COLOUR, _LIMIT_COLOUR, _REFERENCE_COLOUR = PALETTE[3], PALETTE[0], "#b8c2cc"


def _amount_text(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "不受限"
    return money(value)


def limits_table(rec: sizing.Recommendation) -> str:
    """All limits as an HTML table; the binding row in bold and starred."""
    frame = rec.limits[["方法", "额度（元）", "作用", "说明"]].copy()
    frame.loc[rec.binding_constraint, "作用"] = "约束 ★ 起决定作用"
    return table_html(frame, index=False, subtotals={str(rec.binding_label)},
                      formatters={"额度（元）": _amount_text},
                      caption="各方法测算的额度（元；k、抵押率、等级系数、上限为示例参数）")


def limits_chart(rec: sizing.Recommendation) -> Figure:
    """Horizontal bars of the applicable limits; the binding one in red, reference-only ones in grey."""
    frame = rec.limits[rec.limits["作用"] != sizing.ROLE_NOT_APPLICABLE].iloc[::-1]
    request = rec.limit("request")
    finite = [float(v) for v in frame["额度（元）"] if math.isfinite(float(v))]
    right = max(1.6 * max(request, rec.minimum if math.isfinite(rec.minimum) else 0.0, 1.0),
                1.1 * min(max(finite, default=1.0), 1.6 * request))
    fig, ax = new_figure("各方法测算的额度（红色为起决定作用的约束）", "测算方法", xlabel="额度（元）",
                         size=(8.0, 0.45 * len(frame) + 1.4))
    labels, widths, colours = [], [], []
    for key, row in frame.iterrows():
        value = float(row["额度（元）"])
        labels.append(str(row["方法"]) + ("·参考" if row["作用"] == sizing.ROLE_REFERENCE else ""))
        widths.append(min(value, right) if math.isfinite(value) else right)
        colours.append(_BINDING_COLOUR if key == rec.binding_constraint
                       else _LIMIT_COLOUR if row["作用"] == sizing.ROLE_BINDING else _REFERENCE_COLOUR)
    bars = ax.barh(labels, widths, color=colours)
    for bar, (_, row) in zip(bars, frame.iterrows()):
        value = float(row["额度（元）"])
        text = _amount_text(value) + (" →" if math.isinf(value) or value > right else "")
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + text, va="center", fontsize=8)
    ax.axvline(rec.amount, color="#222222", linewidth=1, linestyle="--", label=f"建议额度 {rec.amount:,.0f} 元")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_xlim(0, right * 1.18)
    ax.xaxis.set_major_formatter(yuan_formatter())
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    return fig


def binding_html(rec: sizing.Recommendation) -> str:
    """The recommendation sentence, in the element a browser test looks for (class ``ml-binding``)."""
    colour = "#b42318" if rec.amount <= 0 else "#1a7f37"
    return (f"<div class='ml-binding' data-binding='{html.escape(rec.binding_constraint)}' "
            f"style='font-size:15px;color:{colour};margin:6px 0'><b>{html.escape(rec.explanation)}</b></div>")


def sizing_calculator(case_id: str = "C01") -> widgets.VBox:
    """Pick a case; set the requested amount, rate, term, share k and repayment method; every sizing method's
    limit is shown side by side (table and bar chart) with the binding constraint highlighted. The details
    under the closed accordion (working capital, rating) are worked out when the learner opens it.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = sizing_calculator("C03")
    >>> box.children[0].children[0].value, box.children[1].children[0].value
    ('C03', 120000.0)
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = sizing_calculator("C01")
    >>> accordion = box.children[-1]
    >>> len(accordion.children[0].outputs)
    0
    >>> accordion.selected_index = 0
    >>> "营运资金量测算" in "".join(o["data"]["text/html"] for o in accordion.children[0].outputs)
    True
    """
    params = sizing.load_parameters()
    case_picker, variant_box = case_pickers(case_id, width="330px")
    amount = widgets.BoundedFloatText(min=0, max=100_000_000, step=1_000, description="申请金额（元）",
                                      style={"description_width": "initial"}, layout=widgets.Layout(width="230px"))
    rate = widgets.FloatSlider(value=params.defaults.annual_rate * 100, min=0, max=24, step=0.1, readout_format=".1f",
                               description="年利率（%）", continuous_update=False, style={"description_width": "initial"})
    months = widgets.IntSlider(value=12, min=1, max=60, description="期限（月）", continuous_update=False,
                               style={"description_width": "initial"})
    share = widgets.FloatSlider(value=params.capacity.share, min=0.3, max=1.0, step=0.05, readout_format=".2f",
                                description="还款占比 k", continuous_update=False,
                                style={"description_width": "initial"})
    method = widgets.Dropdown(options=[(METHODS[m], m) for m in CALCULATOR_METHODS], description="还款方式",
                              layout=widgets.Layout(width="260px"))
    working_capital = widgets.Checkbox(value=params.working_capital.binding, description="营运资金公式参与取最小值",
                                       indent=False)
    secured = widgets.Checkbox(value=False, description="按抵押/质押贷款控制额度", indent=False)
    for widget, css in ((amount, "ml-sizing-amount"),
                        (rate, "ml-sizing-rate"), (months, "ml-sizing-months"), (share, "ml-sizing-share"),
                        (method, "ml-sizing-method"), (working_capital, "ml-sizing-wc"),
                        (secured, "ml-sizing-secured")):
        widget.add_class(css)
    binding = widgets.HTML()
    profile = widgets.HTML()
    output = widgets.Output()
    details = widgets.Output()
    accordion = widgets.Accordion(children=[details])
    accordion.set_title(0, "营运资金测算明细（监管参考公式）与评级")
    accordion.selected_index = None
    state: dict[str, casebook.Case] = {}
    loading: list[bool] = []  # non-empty while a case is being loaded: its defaults must not each refresh

    @safe(output)
    def refresh(_change: object = None) -> None:
        if loading:
            return
        binding.value = ""
        case = state["case"]
        settings = (amount.value, rate.value, months.value, share.value, method.value, working_capital.value,
                    secured.value)

        def build() -> tuple[sizing.Recommendation, str, tuple[dict[str, object], ...]]:
            rec = sizing.recommend(case, amount=amount.value, annual_rate=rate.value / 100, months=months.value,
                                   share=share.value, method=method.value,
                                   working_capital_binding=working_capital.value, secured=secured.value)
            notes = "".join(f"<li>{html.escape(n)}</li>" for n in rec.notes)
            view = rendered(TABLE_CSS + limits_table(rec)
                            + (f"<div class='ml-notes'><b>提示</b><ul>{notes}</ul></div>" if notes else ""),
                            limits_chart(rec))
            return rec, binding_html(rec), view

        rec, binding_text, view = remembered(("sizing_calculator", case, *settings), build)
        binding.value = binding_text
        output.outputs = view
        shown["rec"] = rec
        stale.append(True)
        show_details()

    shown: dict[str, sizing.Recommendation] = {}
    stale: list[bool] = []  # non-empty while the collapsed details predate the current recommendation

    @safe(details)
    def show_details(_change: object = None) -> None:
        """The details are worked out when the accordion is open (at once, or when the learner opens it)."""
        if accordion.selected_index != 0 or not stale or "rec" not in shown:
            return
        stale.clear()
        case, rec = state["case"], shown["rec"]
        parts = [TABLE_CSS + f"<p>{html.escape(rec.rating.summary())}</p>"]
        if case.segment == "business":
            wc = sizing.case_working_capital(case)
            frame = wc.to_frame()
            text = [f"{v:.1%}" if "率" in str(k) else f"{v:,.1f}" if "天数" in str(k) else money(v)
                    for k, v in frame["数值"].items()]
            parts.append(table_html(pd.DataFrame({"数值": text}, index=frame.index),
                                    caption="营运资金量测算（近 12 个月；增长率为示例参数）"))
            parts.append(f"<p style='font-size:12px;color:#57606a'>周转天数为"
                         f"{html.escape(TURNOVER_DEFINITIONS['sizing'])}。{html.escape(TURNOVER_NOTE)}</p>")
            parts.append(f"<p>{html.escape(wc.need.explanation)}</p><p>{html.escape(wc.new_loan.explanation)}</p>")
        replace_output(details, *parts)

    @safe(output)
    def load(_change: object = None) -> None:
        case = casebook.load_case(case_picker.value, variant=learner_variant(variant_box))
        state["case"] = case
        loading.append(True)
        try:
            amount.value = case.request.amount
            months.value = min(max(case.request.months, months.min), months.max)
            method.value = params.defaults.method_by_segment.get(case.segment, "equal_installment")
            secured.value = any(params.ltv.get(item.type, 0.0) > 0 for item in case.collateral)
        finally:
            loading.clear()
        collateral = "；".join(f"{c.type}：{c.description}（评估 {c.value:,.0f} 元）" for c in case.collateral) or "无"
        tag = "标准案例" if case.variant is None else f"变体 {case.variant}"
        profile.value = (f"<b>{html.escape(case.title)}</b>（{tag}）｜申请 {case.request.amount:,.0f} 元、"
                         f"{case.request.months} 个月，用途：{html.escape(case.request.purpose)}｜"
                         f"担保：{html.escape(collateral)}")
        refresh()

    for widget in (amount, rate, months, share, method, working_capital, secured):
        widget.observe(refresh, names="value")
    accordion.observe(show_details, names="selected_index")
    case_picker.observe(load, names="value")
    variant_box.observe(load, names="value")
    load()
    note = widgets.HTML(f"<small>还款占比 k、抵押率、等级系数、流量贷系数和产品上限均为{illustrative_tag()}"
                        "（讲师可在额度参数数据文件中修改），不是监管规定。</small>")
    return widgets.VBox([
        widgets.HBox([case_picker, variant_box]),
        widgets.HBox([amount, method]),
        widgets.HBox([rate, months]),
        widgets.HBox([share, working_capital, secured]),
        note, profile, binding, output, accordion,
    ])


__all__ = ["binding_html", "limits_chart", "limits_table", "sizing_calculator"]
