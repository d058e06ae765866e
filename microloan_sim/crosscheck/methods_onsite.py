"""Checks on documents gathered on site and in the bank statement: the inventory count, hidden debt service,
household spending paid from the account, and salary paid in by the employer."""
from __future__ import annotations

from ..errors import require_number
from ._common import _result
from .config import _bounds
from .results import CheckResult


def inventory_count_check(counted_inventory: float, declared_inventory: float) -> CheckResult:
    """存货盘点核对: the inventory counted on site (点货, at cost) vs the inventory the borrower declares.

    ``deviation = (盘点存货 − 申报存货) ÷ 申报存货``; a negative deviation means the declared stock is not on the
    shelves (over-stated inventory, inflated equity).

    Parameters
    ----------
    counted_inventory : float
        Sum of the inventory count sheet (quantity × unit cost), ≥ 0.
    declared_inventory : float
        Inventory the borrower declares (> 0).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = inventory_count_check(200_000, 300_000)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.3333, '矛盾')
    >>> inventory_count_check(98_000, 100_000).verdict.value
    '一致'
    """
    counted = require_number(counted_inventory, "盘点存货（成本）", minimum=0)
    declared = require_number(declared_inventory, "申报存货", strictly_positive=True)
    return _result(
        "inventory_count", counted, declared, what="盘点存货", reported_label="申报存货",
        basis=f"依据现场存货盘点表（按进价计）合计 {counted:,.0f} 元，核对借款人申报的存货",
        higher="盘点的存货多于申报：可能有未申报的存货（如另有仓库），或申报时低估；也要看是否把代销货算了进去。",
        lower="盘点的存货少于申报：申报的存货可能被夸大（权益虚高），或存货已被抵押、转移、变质处理。",
        evidence=("存货盘点表（点货）", "借款人申报的存货"),
    )


def debt_service_check(seen_monthly_payments: float, declared_monthly_payments: float) -> CheckResult:
    """负债核实（流水还款检验）: regular loan repayments seen in the bank statement vs the declared debts.

    The check is one-sided. Repayments the statement shows but the declared debts do not explain point to
    hidden debt; declared debts paid from another account are no risk. Deviation:

    ``偏差 = max(0, 流水所见月还款 − 申报月还款) ÷ 流水所见月还款`` (the share of the repayments seen that no
    declared debt explains, 0–1).

    Parameters
    ----------
    seen_monthly_payments : float
        Average monthly repayments to lenders seen in the statement (recurring: loans, instalments, credit
        cards, private lenders), ≥ 0.
    declared_monthly_payments : float
        Monthly repayments of the debts the borrower declared, ≥ 0.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = debt_service_check(5_400, 2_400)
    >>> round(r.deviation, 4), r.verdict.value
    (0.5556, '矛盾')
    >>> debt_service_check(2_400, 2_400).verdict.value
    '一致'
    >>> debt_service_check(1_000, 2_400).deviation  # a declared debt paid from another account
    0.0
    """
    seen = require_number(seen_monthly_payments, "流水所见月还款", minimum=0)
    declared = require_number(declared_monthly_payments, "申报负债的月还款", minimum=0)
    deviation = max(0.0, seen - declared) / seen if seen > 0 else 0.0
    return _result(
        "debt_service", seen, declared, deviation=deviation, what="流水所见月还款", reported_label="申报月还款",
        basis=("依据银行流水中按月出现的还款（贷款利息和本金、分期、信用卡、私人借款），核对借款人申报的负债；"
               "偏差 = 申报负债解释不了的还款 ÷ 流水所见还款"),
        tolerance_text=(f"未解释的还款占 {_bounds('debt_service')['explain']:.0%} 以内为一致，超过 "
                        f"{_bounds('debt_service')['contradiction']:.0%} 为矛盾；申报的还款多于流水所见不算矛盾"),
        higher=("流水中有申报负债解释不了的定期还款：可能有隐性负债（民间借款、他行贷款、信用卡分期），"
                "需逐笔问清债权人、余额和期限，并查征信。"),
        lower="申报的还款都能在流水中找到或从其他账户支付。",
        evidence=("银行流水（还款、利息、分期）", "借款人申报的负债清单", "征信报告"),
        details={"未解释的月还款": max(0.0, seen - declared)},
    )


def household_spending_bank_check(seen_monthly_spending: float, declared_monthly_spending: float) -> CheckResult:
    """流水家庭开支检验: household spending paid from the account(s) is a floor for the declared spending.

    One-sided: ``偏差 = max(0, 流水所见家庭开支 − 申报家庭开支) ÷ 申报家庭开支``. Spending the statement
    shows beyond what is declared (school fees, shopping, travel paid from the business account) means the
    declared household spending is too low and the disposable income over-stated.

    Examples
    --------
    >>> r = household_spending_bank_check(7_250, 5_500)
    >>> round(r.deviation, 4), r.verdict.value
    (0.3182, '矛盾')
    >>> household_spending_bank_check(3_000, 6_000).deviation
    0.0
    """
    seen = require_number(seen_monthly_spending, "流水所见月家庭开支", minimum=0)
    declared = require_number(declared_monthly_spending, "申报月家庭开支", strictly_positive=True)
    return _result(
        "household_spending_from_bank", seen, declared, deviation=max(0.0, seen - declared) / declared,
        what="流水所见家庭开支", reported_label="申报家庭开支",
        basis="依据银行流水中的家庭消费支出（购物、学费、旅游、日常消费），核对借款人申报的家庭开支",
        tolerance_text=(f"流水所见超出申报 {_bounds('household_spending_from_bank')['explain']:.0%} 以内为一致，"
                        f"超过 {_bounds('household_spending_from_bank')['contradiction']:.0%} 为矛盾；"
                        "流水所见少于申报不算矛盾（部分开支用现金）"),
        higher=("仅经本账户支付的家庭开支就已超过申报：家庭开支被少报（可能把家庭消费记在经营账上），"
                "月可支配资金被高估。"),
        lower="流水所见的家庭开支没有超过申报（其余开支可能用现金或其他账户支付）。",
        evidence=("银行流水（消费、学费、购物等支出）", "借款人申报的家庭开支"),
    )


def salary_from_payroll(payroll_monthly: float, reported_salary: float) -> CheckResult:
    """代发工资核定法: salary paid in by the employer (代发工资 in the statement) vs the declared monthly salary.

    Examples
    --------
    >>> r = salary_from_payroll(9_000, 12_600)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.2857, '矛盾')
    >>> salary_from_payroll(9_000, 9_000).verdict.value
    '一致'
    """
    paid = require_number(payroll_monthly, "流水中月均代发工资", minimum=0)
    reported = require_number(reported_salary, "申报月工资", strictly_positive=True)
    return _result(
        "salary_from_payroll", paid, reported, what="月均代发工资", reported_label="申报月工资",
        basis=f"依据银行流水中单位代发工资月均 {paid:,.0f} 元，核对借款人申报的月收入",
        higher="代发工资高于申报：申报可能偏保守，或流水中含奖金、报销。",
        lower="代发工资低于申报：申报的收入可能被夸大，或部分收入以现金、其他账户发放，需提供证明。",
        evidence=("银行流水（代发工资）", "单位收入证明", "借款人申报的月收入"),
    )
