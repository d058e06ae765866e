"""Worked examples and reference tables in the course prose, shown as formatted Chinese tables and sentences.

A notebook cell whose result is a bare DataFrame, tuple, dict or string shows the learner code (an integer
index, ``95000.0``, ``('AA', 78400.0)``, English keys). The helpers here take the same arguments as the domain
call and return an HTML display instead; they compute nothing themselves.
"""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import HTML

from .. import casebook, statements
from ..labels import SEGMENTS
from ._common import TABLE_CSS, money, percent, table_html

if TYPE_CHECKING:
    from .. import crosscheck

_PERCENT_WORDS = ("率", "比例", "LPR", "偏差", "容差", "占比", "毛利率")


def _auto(column: str) -> Callable[[Any], str]:
    """A formatter chosen by the column's Chinese name: rates as percentages, money with separators,
    other numbers with at most three decimals; text as it is.

    Examples
    --------
    >>> _auto("年化利率（IRR）")(0.0712), _auto("总成本（元）")(3000.0), _auto("AUC")(0.83812), _auto("笔数")(12.0)
    ('7.12%', '3,000', '0.838', '12')
    """
    def shown(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return "—"
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value.date() if isinstance(value, pd.Timestamp) and value == value.normalize() else value)
        number = float(value)
        if "元" in column and "%" not in column:
            return money(number, decimals=0 if abs(number - round(number)) < 0.005 else 2)
        if any(word in column for word in _PERCENT_WORDS) and "%" not in column and abs(number) <= 5:
            return percent(number, 2)
        if number == round(number):
            return f"{number:,.0f}"
        return f"{number:,.3f}".rstrip("0").rstrip(".")
    return shown


def show_table(frame: pd.DataFrame | pd.Series, caption: str = "", *, index: bool = False,
               subtotals: Iterable[str] = ()) -> HTML:
    """Any result table as a learner sees it: no integer index, rates as percentages, money with separators.

    A Series is shown as a two-column 项目 / 数值 table.

    Examples
    --------
    >>> show_table(pd.DataFrame({"产品": ["甲"], "名义年利率": [0.035], "总成本（元）": [3000.0]})).data.count("3.50%")
    1
    """
    if isinstance(frame, pd.Series):
        rows = [(str(k), _auto(str(k))(v)) for k, v in frame.items()]
        table = pd.DataFrame(rows, columns=["项目", "数值"])
    else:
        table = frame
    formatters = {str(c): _auto(str(c)) for c in table.columns}
    return HTML(TABLE_CSS + table_html(table, index=index, formatters=formatters, subtotals=subtotals, caption=caption))


def figures(values: Mapping[str, float | str], caption: str = "", unit: str = "元") -> HTML:
    """A few labelled results of a worked example (what a tuple of numbers would show), each with its unit.

    Examples
    --------
    >>> "78,400 元" in figures({"初步授信额度": 78_400.0}).data
    True
    """
    items = "".join(f"<li>{html.escape(k)}：<b>{html.escape(_number(v, unit))}</b>{_why(v)}</li>"
                    for k, v in values.items())
    head = f"<b>{html.escape(caption)}</b>" if caption else ""
    return HTML(f"<div class='ml-figures'>{head}<ul style='margin:2px 0'>{items}</ul></div>")


def _why(value: Any) -> str:
    """The explanation an amount carries (``rating.Amount``), in small print."""
    text = getattr(value, "explanation", "")
    return f"<br><small style='color:#57606a'>{html.escape(text)}</small>" if text else ""


def _number(value: Any, unit: str) -> str:
    if isinstance(value, str):
        return value
    if unit == "%":
        return percent(float(value), 2)
    decimals = 0 if abs(float(value) - round(float(value))) < 0.005 else 2
    return f"{money(float(value), decimals=decimals)} {unit}".rstrip()


def say(text: str) -> HTML:
    """A sentence a domain function explains itself with (``.explanation``), as a paragraph, not a quoted
    string.

    Examples
    --------
    >>> say("本金上限 80,814 元。").data
    "<p class='ml-say'>本金上限 80,814 元。</p>"
    """
    return HTML(f"<p class='ml-say'>{html.escape(str(text))}</p>")


# --------------------------------------------------------------------------- named examples of the course

def case_list() -> HTML:
    """The casebook as a table: 编号, 案例, 类别 (in Chinese), 行业."""
    cases = casebook.list_cases()
    frame = pd.DataFrame({"编号": cases["id"], "案例": cases["title"],
                          "类别": [SEGMENTS.get(s, s) for s in cases["segment"]], "行业": cases["industry"]})
    return show_table(frame)


def bank_statement_sample(case_id: str = "C01", rows: int = 10) -> HTML:
    """The first ``rows`` lines of a case's generated bank statement (amounts in 元 with two decimals)."""
    from .. import documents  # each helper imports only the engine it shows

    table = documents.build_documents(casebook.load_case(case_id)).tables()["bank_transactions"].head(rows).copy()
    if "日期" in table:
        table["日期"] = pd.to_datetime(table["日期"]).dt.strftime("%Y-%m-%d %H:%M")
    formatters = {"金额": lambda v: money(float(v), decimals=2)}
    return HTML(TABLE_CSS + table_html(table, index=False, formatters=formatters,
                                       caption=f"银行流水（前 {rows} 笔，金额：元，正数为收入、负数为支出）"))


def check_table(results: list[crosscheck.CheckResult]) -> HTML:
    """Cross-check results as the crosscheck explorer shows them: values in their unit, deviations in %."""
    from .. import crosscheck

    frame = crosscheck.to_frame(results)

    def value(column: str) -> Callable[[Any], str]:
        return lambda v: "—" if v is None or pd.isna(v) else f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"

    formatters = {"推算值": value("推算值"), "申报值": value("申报值"),
                  "偏差": lambda v: "—" if pd.isna(v) else percent(float(v), 1),
                  "容差（示例参数）": lambda v: "—" if pd.isna(v) else percent(float(v), 0)}
    return HTML(TABLE_CSS + table_html(frame, index=False, formatters=formatters))


_MONTH_PROFIT = {"gross_profit": "毛利（元）", "gross_margin": "毛利率", "net_profit": "净利润（元）",
                 "disposable_income": "月可支配资金（元）"}


def month_profit(revenue: float, variable_costs: float, operating_expenses: float, business_instalment: float,
                 **household: float) -> HTML:
    """One month's IPC profit lines (``statements.month_profit``) with Chinese names.

    Examples
    --------
    >>> "8,000" in month_profit(100_000, 75_000, 9_000, 2_000, household_expenses=5_000, private_instalment=1_000).data
    True
    """
    lines = statements.month_profit(revenue, variable_costs, operating_expenses, business_instalment, **household)
    series = pd.Series({_MONTH_PROFIT.get(k, k): v for k, v in lines.items()})
    return show_table(series, caption="某月损益（元）")


def household_balance(case_id: str = "C01") -> HTML:
    """A case's household balance sheet, totals in bold."""
    frame = statements.household_balance(casebook.load_case(case_id)).fillna("")
    totals = [t for t in frame["项目"] if "合计" in str(t) or "净资产" in str(t)]
    return show_table(frame, subtotals=totals)


def scorecard_overview(scorecard: str) -> HTML:
    """Every indicator of a scorecard with its maximum points and bands (``Scorecard.overview`` without the
    internal keys)."""
    from .. import rating

    frame = rating.load_scorecard(scorecard).overview().reset_index(drop=True)
    return show_table(frame)


def rating_breakdown(case_id: str, scorecard: str) -> HTML:
    """Points per indicator of a case on a card; the data source named in Chinese."""
    from .. import rating

    frame = rating.rate(casebook.load_case(case_id), scorecard).breakdown.reset_index(drop=True)
    if "数据来源" in frame:
        frame["数据来源"] = [rating.source_info(s).label if isinstance(s, str) and s else "" for s in frame["数据来源"]]
    return show_table(frame)


def farmer_line_example(score: float, annual_disposable: float, net_worth: float) -> HTML:
    """The farmer card's grade for ``score`` and the initial credit line of that grade."""
    from .. import rating, sizing

    grade = rating.load_scorecard("农户").grade_for(score).grade
    line = sizing.farmer_line(annual_disposable, net_worth, grade)
    return figures({f"{score:g} 分对应的等级": grade, "初步授信额度": float(line)})


def expert_vs_statistical() -> HTML:
    """AUC and KS of the expert card, the statistical card and the true model (three decimals)."""
    from .. import rating

    table = rating.compare_expert_vs_statistical().table
    return HTML(TABLE_CSS + table_html(table, formatters={c: (lambda v: f"{v:.3f}") for c in table.columns}))


def data_size_effect() -> HTML:
    """The statistical card's AUC against the training sample size."""
    from .. import rating

    table = rating.data_size_effect()
    formatters: dict[str, Callable[[Any], str]] = {c: (lambda v: "—" if pd.isna(v) else f"{v:.3f}")
                                                   for c in table.columns if "AUC" in c or c in ("最低", "最高")}
    formatters["训练样本量"] = lambda v: f"{int(v):,}"
    return HTML(TABLE_CSS + table_html(table, index=False, formatters=formatters))


__all__ = ["bank_statement_sample", "case_list", "check_table", "data_size_effect", "expert_vs_statistical",
           "farmer_line_example", "figures", "household_balance", "month_profit", "rating_breakdown", "say",
           "scorecard_overview", "show_table"]
