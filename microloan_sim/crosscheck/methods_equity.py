"""Group 1 of domain §2.4, 权益检验: the equity cross-check (domain §2.2), variants A and B."""
from __future__ import annotations

from ..errors import require_number
from ._common import _result
from .config import verdict_for
from .results import CheckResult, Verdict


def equity_check(opening_equity: float, period_profit: float, injections: float, withdrawals: float,
                 appreciation: float, depreciation: float, actual_equity: float, months: int,
                 avg_monthly_disposable: float) -> CheckResult:
    """权益交叉检验, variant A (domain §2.2).

    ``应有权益 = 初始权益 + 期间利润 + (注资 − 提款) + (升值 − 折旧)``;
    ``偏差率 = (应有权益 − 实际权益) ÷ 月份数 ÷ 平均月可支配资金``.

    A positive deviation (应有 > 实际) means equity is missing: over-stated profit or unrecorded withdrawals.
    A negative one means unexplained equity: past profit does not explain today's net worth, which points to
    hidden liabilities (assets bought with undeclared borrowing such as a loan from relatives: a liability,
    never an injection) or under-stated past profit (domain §2.2).

    Parameters
    ----------
    opening_equity : float
        Equity on the previous (opening) balance sheet; may be negative.
    period_profit : float
        Profit accumulated over the period; in the IPC form, the cumulative 月可支配资金.
    injections, withdrawals, appreciation, depreciation : float
        Extraordinary equity movements in the period, each ≥ 0.
    actual_equity : float
        Equity on today's reconstructed balance sheet.
    months : int
        Length of the period (> 0).
    avg_monthly_disposable : float
        Average 月可支配资金 (> 0).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = equity_check(100_000, 120_000, 0, 0, 0, 10_000, 200_000, 12, 10_000)
    >>> r.expected, round(r.deviation, 4), r.verdict.value
    (210000.0, 0.0833, '一致')
    """
    fields = {"初始权益": opening_equity, "期间利润": period_profit, "期间注资": injections, "期间提款": withdrawals,
              "资产升值": appreciation, "折旧或贬值": depreciation, "实际权益": actual_equity}
    values = {name: require_number(v, name) for name, v in fields.items()}
    for name in ("期间注资", "期间提款", "资产升值", "折旧或贬值"):
        require_number(values[name], name, minimum=0)
    n = require_number(months, "检验期间月份数", strictly_positive=True)
    disposable = require_number(avg_monthly_disposable, "平均月可支配资金", strictly_positive=True)
    expected = (values["初始权益"] + values["期间利润"] + values["期间注资"] - values["期间提款"]
                + values["资产升值"] - values["折旧或贬值"])
    deviation = (expected - values["实际权益"]) / n / disposable
    verdict, tolerance = verdict_for(deviation, "equity")
    if verdict is Verdict.CONSISTENT:
        meaning = "应有权益与实际权益基本一致，期间利润的说法可信。"
    elif deviation > 0:
        meaning = "应有权益高于实际权益：可能有隐性负债、利润被夸大或有未说明的提款（如购房、借给他人）。"
    else:
        meaning = ("实际权益高于应有权益：历史利润累积不足以解释现有净资产，可能有隐性负债（资产靠未申报的借款购置，"
                   "如亲友借款——借款是负债，不是注资），或过去少报了利润。")
    explanation = (f"依据期初权益 {values['初始权益']:,.0f} 元、{n:g} 个月累计利润 {values['期间利润']:,.0f} 元、"
                   f"注资与提款、升值与折旧推算应有权益 {expected:,.0f} 元；今日重构的资产负债表显示实际权益 "
                   f"{values['实际权益']:,.0f} 元，偏差率 {deviation:.2%}。{meaning}")
    return CheckResult("equity_check", "权益交叉检验", expected, values["实际权益"], deviation, tolerance, verdict,
                       explanation, ("期初资产负债表", "损益表", "今日资产负债表"), "元",
                       {"权益差额": expected - values["实际权益"], "期间累计月可支配资金": n * disposable})


def equity_check_b(opening_equity: float, period_income: float, major_expenses: float, other_income: float,
                   appreciation: float, depreciation: float, off_balance_assets: float,
                   actual_equity: float) -> CheckResult:
    """权益交叉检验, variant B (domain §2.2, the newer xhsc form).

    .. math::

        应有权益 = 期初权益 + 分析期间收入 − 大项支出 + 其他收入 + 升值 − 折旧 − 表外资产

    ``权益差额 = 应有权益 − 实际权益`` and ``权益交叉检验比率 = 权益差额 ÷ 分析期间累计收入`` (the deviation).

    *分析期间收入* is read as the net income accumulated in the period (what the business and household kept
    after costs and normal family spending): the formula deducts only the large one-off spending, so gross
    sales would not balance. *表外资产* are assets bought in the period but not on today's balance sheet (a
    flat in a child's name, money lent out); they absorbed earnings, so they lower the equity expected on it.

    Sign: 应有 > 实际 → equity is missing (hidden debt, over-stated income, unrecorded withdrawals or
    off-balance assets); 应有 < 实际 → unexplained equity (under-stated income, unrecorded injections).

    Parameters
    ----------
    opening_equity : float
        Equity at the start of the analysis period (may be negative).
    period_income : float
        分析期间收入 (> 0; also the denominator of the ratio).
    major_expenses, other_income, appreciation, depreciation, off_balance_assets : float
        Each ≥ 0; depreciation as booked on the balance sheet.
    actual_equity : float
        Equity on today's reconstructed balance sheet.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = equity_check_b(200_000, 240_000, 50_000, 30_000, 10_000, 20_000, 40_000, 340_000)
    >>> r.expected, r.deviation, r.verdict.value
    (370000.0, 0.125, '需解释')
    """
    opening = require_number(opening_equity, "期初权益")
    income = require_number(period_income, "分析期间收入", strictly_positive=True)
    spend = require_number(major_expenses, "大项支出", minimum=0)
    other = require_number(other_income, "其他收入", minimum=0)
    up = require_number(appreciation, "升值", minimum=0)
    down = require_number(depreciation, "折旧（计入资产负债表的）", minimum=0)
    off = require_number(off_balance_assets, "表外资产", minimum=0)
    actual = require_number(actual_equity, "实际权益")
    expected = opening + income - spend + other + up - down - off
    gap = expected - actual
    return _result(
        "equity_check_b", expected, actual, deviation=gap / income,
        basis=(f"依据期初权益 {opening:,.0f} 元、分析期间收入 {income:,.0f} 元、大项支出 {spend:,.0f} 元、"
               f"其他收入 {other:,.0f} 元、升值 {up:,.0f} 元、折旧 {down:,.0f} 元和表外资产 {off:,.0f} 元，"
               f"推算应有权益；偏差 = 权益差额 {gap:,.0f} 元 ÷ 分析期间收入"),
        what="应有权益", reported_label="今日实际权益",
        higher=("应有权益高于实际权益（权益缺失）：可能有隐性负债、期间收入被夸大，或有未记录的提款、"
                "大项支出或表外资产。"),
        lower=("实际权益高于应有权益（权益来源不明）：可能有未申报的借款（亲友借款等隐性负债，借款是负债而不是注资），"
               "或少报了期间收入。"),
        evidence=("期初资产负债表", "损益表（分析期间收入）", "大项支出与表外资产清单", "今日资产负债表"),
        details={"权益差额": gap, "分析期间累计收入": income},
    )
