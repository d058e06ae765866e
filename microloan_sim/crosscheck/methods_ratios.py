"""Groups 5 and 7 of domain §2.4: turnover against industry norms (周转检验) and logic and ratio checks
(逻辑与比例检验: margins, expense ratio, family spending, loan purpose)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import InputError, require_number
from ._common import _result, _rows
from .config import _bounds, _norm, _parameter
from .results import CheckResult


# --------------------------------------------------------------------------- group 5: turnover

def inventory_days_check(inventory: float, monthly_cogs: float, norm_days: float | None = None, *,
                         industry: str | None = None) -> CheckResult:
    """存货周转检验 (domain §2.3 #12): ``存货周转天数 = 存货(成本) ÷ 月销货成本 × 30`` vs the industry norm.

    ``expected`` is the norm (示例参数 from ``industry_norms`` when ``industry`` is given), ``reported`` the
    borrower's days; the deviation is ``(norm − days) ÷ days``.

    Examples
    --------
    >>> r = inventory_days_check(80_000, 75_000, 30)
    >>> round(r.reported, 2), round(r.deviation, 4), r.verdict.value
    (32.0, -0.0625, '一致')
    """
    stock = require_number(inventory, "存货（成本）", strictly_positive=True)
    cogs = require_number(monthly_cogs, "月销货成本", strictly_positive=True)
    norm = _norm(norm_days, industry, "inventory_days", "行业存货周转天数")
    days = stock / cogs * 30
    return _result(
        "inventory_days", norm, days, unit="天", what="行业参考天数", reported_label="借款人",
        basis=(f"依据存货 {stock:,.0f} 元和月销货成本 {cogs:,.0f} 元计算存货周转天数（按行业参考"
               f"天数应有存货约 {norm * cogs / 30:,.0f} 元）"),
        higher="周转天数低于行业：存货可能少报，或销售额/销货成本被夸大。",
        lower="周转天数高于行业：可能有积压或过时存货、存货被高估，或销售额被少报；旺季前备货也会如此。",
        evidence=("存货盘点表（点货）", "损益表（月销货成本）", "行业参考值（示例参数）"),
        details={"存货周转天数": days, "按行业天数应有存货": norm * cogs / 30},
    )


def receivable_days_check(receivables: float, monthly_sales: float, norm_days: float | None = None, *,
                          industry: str | None = None) -> CheckResult:
    """应收账款周转检验: ``应收账款周转天数 = 应收账款 ÷ 月销售额 × 30`` vs the industry norm.

    Deviation ``(norm − days) ÷ days`` as in :func:`inventory_days_check`.

    Examples
    --------
    >>> r = receivable_days_check(20_000, 100_000, 5)
    >>> r.reported, round(r.deviation, 4), r.verdict.value
    (6.0, -0.1667, '一致')
    """
    ar = require_number(receivables, "应收账款", strictly_positive=True)
    sales = require_number(monthly_sales, "月销售额", strictly_positive=True)
    norm = _norm(norm_days, industry, "receivable_days", "行业应收账款周转天数")
    days = ar / sales * 30
    return _result(
        "receivable_days", norm, days, unit="天", what="行业参考天数", reported_label="借款人",
        basis=f"依据应收账款 {ar:,.0f} 元和月销售额 {sales:,.0f} 元计算应收账款周转天数",
        higher="周转天数低于行业：应收账款可能少报，或销售额被夸大。",
        lower="周转天数高于行业：可能有逾期或坏账、账期放得过长，或销售额被少报。",
        evidence=("应收账款明细（客户、日期、金额）", "损益表（月销售额）", "行业参考值（示例参数）"),
        details={"应收账款周转天数": days},
    )


def receivables_check(monthly_sales: Sequence[float], outstanding_shares: Sequence[float],
                      reported_receivables: float) -> CheckResult:
    """应收账款账期检验 (domain §2.3 #10): ``应有应收 = Σ 第 k 个月销售 × 该月尚未收回的比例``.

    Parameters
    ----------
    monthly_sales : sequence of float
        Sales of the current month first, then the previous month, and so on.
    outstanding_shares : sequence of float
        Share of each month's sales still unpaid today, same order and length, each in [0, 1].
    reported_receivables : float
        Receivables on today's balance sheet (> 0).

    Examples
    --------
    >>> r = receivables_check([73_500, 73_500], [0.70, 0.35], 69_800)
    >>> round(r.expected), round(r.deviation, 4), r.verdict.value
    (77175, 0.1057, '一致')
    """
    sales = [require_number(v, f"第 {i} 个月销售额（由近及远）", minimum=0) for i, v in
             enumerate(_rows(monthly_sales, "各月销售额"), start=1)]
    shares = [require_number(v, f"第 {i} 个月未收回比例", minimum=0, maximum=1) for i, v in
              enumerate(_rows(outstanding_shares, "各月未收回比例"), start=1)]
    if len(sales) != len(shares):
        raise InputError(f"月份数应与销售额相同（销售额 {len(sales)} 个月，比例 {len(shares)} 个）",
                         field="各月未收回比例")
    reported = require_number(reported_receivables, "申报应收账款", strictly_positive=True)
    expected = sum(s * p for s, p in zip(sales, shares))
    terms = "、".join(f"{s:,.0f}×{p:.0%}" for s, p in zip(sales, shares))
    return _result(
        "receivables_pattern", expected, reported,
        basis=f"依据各月销售额和客户账期（{terms}）推算应有应收账款", what="应有应收账款",
        reported_label="申报应收账款",
        higher="应收账款少于账期推算：可能收款比说的快，或销售额、账期被夸大。",
        lower="应收账款多于账期推算：可能有逾期未收或坏账，或销售额被少报。",
        evidence=("应收账款明细", "各月销售额（损益表）", "客户账期（合同、借款人口述）"),
    )


# --------------------------------------------------------------------------- group 7: logic and ratios

def gross_margin_check(reported_margin: float, norm_margin: float | None = None, *,
                       industry: str | None = None) -> CheckResult:
    """毛利率逻辑检验: the borrower's gross margin vs the industry norm (示例参数).

    Examples
    --------
    >>> r = gross_margin_check(0.35, 0.20)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.4286, '矛盾')
    """
    reported = require_number(reported_margin, "申报毛利率", strictly_positive=True, maximum=1)
    norm = _norm(norm_margin, industry, "gross_margin", "行业毛利率")
    return _result(
        "gross_margin_vs_industry", norm, reported, unit="比率", what="行业参考毛利率",
        basis="将借款人的毛利率与同行业参考值比较", reported_label="借款人毛利率",
        higher="毛利率低于同行：可能成本被高估或销售被少报，也可能是价格竞争、经营不善。",
        lower="毛利率高于同行：利润可能被夸大（销售高报或成本少报），除非有独特的货源或定价优势。",
        evidence=("损益表（毛利率）", "行业参考值（示例参数）"),
    )


def expense_ratio_check(operating_expenses: float, sales: float, norm_ratio: float | None = None, *,
                        industry: str | None = None) -> CheckResult:
    """费用率逻辑检验: ``经营费用 ÷ 销售额`` vs the industry norm (示例参数).

    Examples
    --------
    >>> r = expense_ratio_check(6_000, 100_000, 0.10)
    >>> round(r.reported, 4), round(r.deviation, 4), r.verdict.value
    (0.06, 0.6667, '矛盾')
    """
    costs = require_number(operating_expenses, "经营费用", strictly_positive=True)
    revenue = require_number(sales, "销售额", strictly_positive=True)
    norm = _norm(norm_ratio, industry, "expense_ratio", "行业费用率")
    return _result(
        "expense_ratio_vs_industry", norm, costs / revenue, unit="比率", what="行业参考费用率",
        basis=f"将经营费用 {costs:,.0f} 元占销售额 {revenue:,.0f} 元的比例与同行业参考值比较",
        reported_label="借款人费用率",
        higher="费用率低于同行：可能漏报了费用（工资、房租、水电），利润被高估。",
        lower="费用率高于同行：费用可能被夸大，或销售被少报；也可能是经营效率低。",
        evidence=("损益表（经营费用明细）", "行业参考值（示例参数）"),
    )


def family_spending_check(reported_spending: float, members: int, per_capita: float | None = None, *,
                          area: str = "城镇", extra: Mapping[str, float] | None = None) -> CheckResult:
    """家庭开支与生活水平检验: stated monthly family spending vs what the household's lifestyle implies.

    ``应有开支 = 人口 × 人均月生活费 (示例参数 by area) + Σ 可见的额外开支`` (school fees, car running costs,
    care of parents, …).

    Examples
    --------
    >>> r = family_spending_check(5_000, 4, 1_500, extra={"孩子学费（月均）": 1_000, "养车": 800})
    >>> r.expected, round(r.deviation, 2), r.verdict.value
    (7800.0, 0.56, '矛盾')
    """
    stated = require_number(reported_spending, "申报月家庭开支", strictly_positive=True)
    people = require_number(members, "家庭人口", strictly_positive=True)
    if per_capita is None:
        base = _parameter("living_cost", str(area), "人均月生活费")
    else:
        base = require_number(per_capita, "人均月生活费", strictly_positive=True)
    extras = {str(k): require_number(v, f"额外开支“{k}”", minimum=0) for k, v in (extra or {}).items()}
    expected = people * base + sum(extras.values())
    extra_text = "、".join(f"{k} {v:,.0f} 元" for k, v in extras.items())
    return _result(
        "family_spending", expected, stated,
        basis=(f"依据家庭人口 {people:g} 人 × 人均月生活费 {base:,.0f} 元"
               + (f"，加上{extra_text}" if extras else "") + " 推算与生活水平相称的月开支"),
        what="应有月开支", reported_label="申报月开支",
        higher="申报的家庭开支低于生活水平所需：开支可能被少报，月可支配资金因而被高估。",
        lower="申报的家庭开支高于一般水平：可能有未说明的负担（赡养、医疗）或隐性还款，需了解用途。",
        evidence=("家庭情况（人口、子女上学、车辆、住房）", "申报的家庭开支", "人均生活费参考值（示例参数）"),
        details={"人均月生活费": base},
    )


_PURPOSES = {"working_capital": "working_capital", "流动资金": "working_capital", "备货": "working_capital",
             "fixed_assets": "fixed_assets", "固定资产": "fixed_assets", "设备": "fixed_assets",
             "seasonal_working_capital": "seasonal_working_capital", "季节性备货": "seasonal_working_capital",
             "种养殖周期": "seasonal_working_capital", "consumption": "consumption", "消费": "consumption",
             "receivable_financing": "receivable_financing", "应收账款融资": "receivable_financing",
             "供应链": "receivable_financing"}
_PURPOSE_NAMES = {"working_capital": "流动资金（备货）", "fixed_assets": "固定资产（设备、装修）",
                  "seasonal_working_capital": "季节性生产周期（种养殖）", "consumption": "个人消费（按月收入计）",
                  "receivable_financing": "供应链流动资金（应收账款占用）"}


def loan_purpose_check(requested_amount: float, monthly_sales: float, purpose: str = "working_capital",
                       max_months_of_sales: float | None = None) -> CheckResult:
    """贷款用途与经营规模检验: the amount asked for vs what a business of this size can use for the purpose.

    ``合理上限 = 月销售额 × 可支撑月数`` (示例参数 per purpose). The check is one-sided: a request within the
    ceiling is 一致 (deviation 0); above it, the deviation is ``(上限 − 申请额) ÷ 申请额`` (< 0).

    Examples
    --------
    >>> r = loan_purpose_check(300_000, 100_000, "流动资金", max_months_of_sales=1.5)
    >>> r.expected, round(r.deviation, 4), r.verdict.value
    (150000.0, -0.5, '矛盾')
    >>> loan_purpose_check(100_000, 100_000, max_months_of_sales=1.5).verdict.value
    '一致'
    """
    amount = require_number(requested_amount, "申请金额", strictly_positive=True)
    sales = require_number(monthly_sales, "月销售额", strictly_positive=True)
    key = _PURPOSES.get(str(purpose).strip())
    if key is None:
        raise InputError(f"应为 working_capital（流动资金）、fixed_assets（固定资产）、seasonal_working_capital"
                         f"（季节性备货）、receivable_financing（供应链）或 consumption（消费），收到“{purpose}”",
                         field="贷款用途")
    if max_months_of_sales is None:
        months = _parameter("loan_purpose", key, "可支撑月数")
    else:
        months = require_number(max_months_of_sales, "可支撑月数", strictly_positive=True)
    ceiling = sales * months
    deviation = min(0.0, (ceiling - amount) / amount)
    return _result(
        "loan_purpose", ceiling, amount, deviation=deviation, what="按经营规模的合理上限",
        basis=f"用途为{_PURPOSE_NAMES[key]}，按月销售额 {sales:,.0f} 元 × {months:g} 个月（示例参数）确定合理上限",
        reported_label="申请金额",
        tolerance_text=(f"不超过上限为一致，超出上限即需解释，超出部分占申请额 "
                        f"{_bounds('loan_purpose')['contradiction']:.0%} 以上为矛盾"),
        higher="申请金额在经营规模可支撑的范围内。",
        lower="申请金额超过经营规模可支撑的范围：资金可能另有用途（还其他债务、投资其他项目），需核实用途。",
        evidence=("借款申请（金额、用途）", "损益表（月销售额）", "用途凭证（购货合同、设备报价单）"),
    )
