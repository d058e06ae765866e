"""Statement explorer (course 04c): case → three statements, basis toggle, charts, ratios, equity link."""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import casebook, statements
from ..labels import BASIS, RATIOS, TURNOVER_DEFINITIONS, TURNOVER_NOTE, label
from ..plotting import bar_line_chart
from ._common import TABLE_CSS, case_pickers, learner_variant, percent, replace_output, safe, table_html

_SUBTOTALS = {label(k) for k in ("current_assets", "total_assets", "current_liabilities", "total_liabilities",
                                 "equity", "gross_profit", "operating_expenses", "net_profit", "disposable_income",
                                 "net_cash_flow", "closing_cash", "expected_equity", "actual_equity")}
_RATIO_IS_DAYS = {"inventory_days", "receivable_days", "payable_days"}


def ratio_table(case: casebook.Case) -> pd.DataFrame:
    """Ratios with Chinese names and display text (percent or days)."""
    values = statements.ratios(case)
    shown = [f"{v:.1f} 天" if k in _RATIO_IS_DAYS else percent(v) for k, v in values.items()]
    basis = [TURNOVER_DEFINITIONS["statements"] if k in _RATIO_IS_DAYS else "" for k in values.index]
    return pd.DataFrame({"数值": shown, "口径": basis}, index=pd.Index([RATIOS[k] for k in values.index], name="指标"))


def statement_explorer(case_id: str = "C01") -> widgets.VBox:
    """Pick a case and a variant, toggle the basis, and see the three statements, ratios and the equity link.

    Only the tab on show is drawn; another tab is drawn when the learner first opens it after a change (its
    chart costs a quarter of a second of the server's CPU, which a class of 30 opening the page at once pays
    30 times over).

    Examples
    --------
    Outside a kernel the output widgets print to stdout, so the example silences them:

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = statement_explorer()
    >>> box.children[0].children[0].value
    'C01'
    >>> tabs = box.children[3]
    >>> [len(out.outputs) for out in tabs.children]    # the balance sheet is drawn, the other tabs wait
    [2, 0, 0, 0]
    >>> tabs.selected_index = 1
    >>> [len(out.outputs) for out in tabs.children]    # the income statement with its chart
    [2, 2, 0, 0]
    """
    case_picker, variant_box = case_pickers(case_id)
    basis = widgets.ToggleButtons(options=[(BASIS["accrual"], "accrual"), (BASIS["cash"], "cash")],
                                  value="accrual", description="损益表口径")
    basis.add_class("ml-basis")
    summary = widgets.HTML()
    summary.add_class("ml-summary")
    balance_out, income_out, cash_out, ratio_out = (widgets.Output() for _ in range(4))
    tabs = widgets.Tab(children=[balance_out, income_out, cash_out, ratio_out])
    for i, title in enumerate(("资产负债表", "损益表", "现金流量表", "比率与权益勾稽")):
        tabs.set_title(i, title)

    def load() -> casebook.Case:
        return casebook.load_case(case_picker.value, variant=learner_variant(variant_box))

    @safe(balance_out)
    def render_balance(case: casebook.Case) -> None:
        opening = statements.balance_sheet(case, "opening")
        closing = statements.balance_sheet(case)
        replace_output(
            balance_out,
            TABLE_CSS + table_html(closing.to_frame(), index=False, subtotals=_SUBTOTALS,
                                   caption=f"资产负债表（{closing.date}，元）"),
            table_html(opening.to_frame(), index=False, subtotals=_SUBTOTALS,
                       caption=f"期初资产负债表（{opening.date}，元）"),
        )

    @safe(income_out)
    def render_income(case: casebook.Case) -> None:
        pnl = statements.income_statement(case, basis.value)
        table = pnl.to_frame()
        months = [str(m) for m in pnl.monthly.index]
        chart = bar_line_chart(months, {"销售收入": pnl.monthly["revenue"], "净利润": pnl.net_profit},
                               ("月可支配资金", pnl.disposable_income),
                               f"月度收入、净利润与月可支配资金（{BASIS[pnl.basis]}）")
        replace_output(income_out, TABLE_CSS + table_html(table, subtotals=_SUBTOTALS,
                                                          caption=f"损益表（{BASIS[pnl.basis]}，元）"), chart)

    @safe(cash_out)
    def render_cash(case: casebook.Case) -> None:
        flow = statements.cash_flow(case)
        m = flow.monthly
        inflow = m[["collections", "other_income", "loan_drawdown", "injections"]].sum(axis=1)
        outflow = -(m.drop(columns=["opening_cash", "net_cash_flow", "closing_cash"]).clip(upper=0).sum(axis=1))
        chart = bar_line_chart([str(p) for p in m.index], {"现金流入": inflow, "现金流出": outflow},
                               ("期末现金", m["closing_cash"]), "月度现金流入、流出与期末现金（收付实现制）")
        replace_output(cash_out, TABLE_CSS + table_html(flow.to_frame(), subtotals=_SUBTOTALS,
                                                        caption="现金流量表（收付实现制，元）"), chart)

    @safe(ratio_out)
    def render_ratios(case: casebook.Case) -> None:
        link = statements.equity_link(case)
        replace_output(
            ratio_out,
            TABLE_CSS + table_html(ratio_table(case), caption="主要比率（期末）")
            + f"<p style='font-size:12px;color:#57606a'>{html.escape(TURNOVER_NOTE)}</p>",
            table_html(link.to_frame(), subtotals=_SUBTOTALS, caption="权益勾稽：期初权益如何变成期末权益（元）"),
            table_html(statements.household_summary(case), caption="家庭收入来源（近 12 个月，元）"),
        )

    @safe(balance_out)
    def refresh(_change: object = None) -> None:
        case = load()
        pnl = statements.income_statement(case, basis.value)
        bs = statements.balance_sheet(case)
        tag = "标准案例" if case.variant is None else f"变体 {case.variant}"
        summary.value = (
            f"<b>{case.title}</b>（{tag}）｜{case.borrower.name}，{case.industry}｜"
            f"资产 {bs.total_assets:,.0f} 元，负债 {bs.total_liabilities:,.0f} 元，"
            f"所有者权益 <b>{bs.equity:,.0f}</b> 元｜平均月可支配资金（{BASIS[pnl.basis]}）"
            f"<b>{pnl.average_disposable_income:,.0f}</b> 元"
        )
        shown["case"] = case
        stale.update(range(len(renderers)))
        show_tab()

    renderers = (render_balance, render_income, render_cash, render_ratios)
    stale: set[int] = set()  # tabs whose content predates the current case and basis
    shown: dict[str, casebook.Case] = {}

    def show_tab(_change: object = None) -> None:
        index = tabs.selected_index or 0
        if index in stale and "case" in shown:
            stale.discard(index)
            renderers[index](shown["case"])  # each renderer shows its own errors in its tab

    tabs.observe(show_tab, names="selected_index")
    case_picker.observe(refresh, names="value")
    variant_box.observe(refresh, names="value")
    basis.observe(refresh, names="value")
    refresh()
    controls = widgets.HBox([case_picker, variant_box])
    return widgets.VBox([controls, basis, summary, tabs])
