"""A product's eligibility (准入) and amount (可贷额度) rules evaluated against a case."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import statements
from ..casebook import Case
from ..labels import SEGMENTS, label
from ..schedules import check_months
from .catalogue import (
    FLOW_ITEMS, SIZING_LABELS, SOFT_ATTRIBUTES, EligibilityRule, Product, SizingRule, _factor, describe_rule, get,
)

# --------------------------------------------------------------------------- evaluation against a case

@dataclass(frozen=True)
class Assessment:
    """Eligibility and loan size of a product for a case.

    ``checks`` has one row per eligibility rule (条件, 是否满足, 说明); ``limits`` one row per sizing rule
    (规则, 额度（元）, 计算). ``amount`` is the smallest limit, ``binding`` names the rule that sets it.
    """

    product: Product
    eligible: bool
    checks: pd.DataFrame
    limits: pd.DataFrame
    amount: float
    binding: str

    @property
    def reasons(self) -> list[str]:
        """Chinese reasons for every failed eligibility condition."""
        failed = self.checks[~self.checks["是否满足"]]
        return [f"{row['条件']}：{row['说明']}" for _, row in failed.iterrows()]


def _last12(case: Case, column: str) -> float:
    if column == "collections":
        return float(statements.cash_flow(case).monthly["collections"].iloc[-12:].sum())
    return float(case.records[column].iloc[-12:].sum())


def _check(rule: EligibilityRule, case: Case) -> tuple[bool, str]:
    k = rule.kind
    if k == "segment":
        return case.segment in (rule.segments or []), f"该客户为{SEGMENTS[case.segment]}"
    if k == "credit_clean":
        c = case.credit
        ok = c.overdue_times_24m <= (rule.maximum or 0) and not c.current_overdue
        return ok, f"近 24 个月逾期 {c.overdue_times_24m} 次，当前{'有' if c.current_overdue else '无'}逾期"
    if k == "min_years_in_business":
        years = case.borrower.years_in_business
        return years >= (rule.minimum or 0), f"从业 {years:g} 年"
    if k == "has_collateral":
        found = [c.type for c in case.collateral if c.type in (rule.types or [])]
        offered = "、".join(c.type for c in case.collateral) or "无"
        return bool(found), f"客户提供的担保/抵质押：{offered}"
    if k == "has_household_asset":
        found = [a.item for a in case.household.assets if a.category in (rule.categories or [])]
        return bool(found), "家庭资产：" + ("、".join(found) if found else "无此类资产")
    if k == "income_source":
        sources = {case.income_source, case.household.other_income_source}
        return bool(sources & set(rule.sources or [])), "收入来源：" + "、".join(sorted(sources))
    if k == "industry":
        return any(word in case.industry for word in rule.keywords or []), f"行业：{case.industry}"
    if k == "soft_information":
        value = getattr(case.soft_information, str(rule.attribute))
        return value in (rule.allowed or []), f"{SOFT_ATTRIBUTES[str(rule.attribute)]}：{value}"
    if k == "age":
        age = case.borrower.age
        return (rule.minimum or 0) <= age <= (rule.maximum or 200), f"年龄 {age} 岁"
    if k == "max_inquiries":
        count = case.credit.inquiries_6m
        return count <= (rule.maximum or 0), f"近 6 个月查询 {count} 次"
    if k == "target_group":
        groups = [g for g in case.borrower.target_groups if g in (rule.allowed or [])]
        return bool(groups), "扶持对象：" + ("、".join(case.borrower.target_groups) or "不属于任何扶持对象")
    if k == "tax_credit":
        level = case.borrower.tax_credit_level
        return level in (rule.allowed or []), (f"纳税信用 {level} 级" if level else "未参加纳税信用评价")
    revenue = _last12(case, "revenue")  # min_annual_revenue
    return revenue >= (rule.minimum or 0), f"近 12 个月销售收入 {revenue:,.0f} 元"


def _limit(rule: SizingRule, product: Product, case: Case, months: int) -> tuple[float, str]:
    k = rule.kind
    if k == "max_amount":
        return float(rule.amount or 0), f"产品上限 {rule.amount:,.0f} 元"
    if k == "annual_flow":
        base = _last12(case, str(rule.item))
        return base * float(rule.coefficient or 0), f"{FLOW_ITEMS[str(rule.item)]} {base:,.0f} 元 × {_factor(rule.coefficient)}"
    if k == "collateral_ltv":
        value = sum(c.value for c in case.collateral if c.type in (rule.types or []))
        return value * float(rule.ltv or 0), f"{'、'.join(rule.types or [])} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "household_asset_ltv":
        value = sum(a.value for a in case.household.assets if a.category in (rule.categories or []))
        return value * float(rule.ltv or 0), f"{'、'.join(rule.categories or [])} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "balance_sheet_ltv":
        value = statements.balance_sheet(case).items.get(str(rule.item), 0.0)
        return value * float(rule.ltv or 0), f"{label(str(rule.item))} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "salary_multiple":
        salary = _monthly_salary(case, rule.sources or [])
        return salary * float(rule.multiple or 0), f"月均收入 {salary:,.0f} 元 × {rule.multiple:g}"
    disposable = statements.average_disposable_income(case)
    if k == "annual_disposable_multiple":
        return max(disposable * 12, 0.0) * float(rule.multiple or 0), \
            f"年可支配资金 {disposable * 12:,.0f} 元 × {rule.multiple:g}"
    # repayment_capacity (instalment products only): scale the largest instalment, fees included
    allowed = max(disposable, 0.0) * float(rule.share or 0)
    reference = 1_000_000.0
    largest = float((-product.cashflows(reference, months, case)["net"].iloc[1:]).max())
    return allowed * reference / largest, f"月可支配资金 {disposable:,.0f} 元 × {rule.share:.0%} = 可承受月还款 {allowed:,.0f} 元"


def _monthly_salary(case: Case, sources: list[str]) -> float:
    """Average monthly side income when it comes from one of ``sources`` (e.g. 工资性项目)."""
    if case.household.other_income_source in sources:
        return float(case.records["other_income"].iloc[-12:].mean())
    if case.income_source in sources:
        return max(statements.average_disposable_income(case), 0.0)
    return 0.0


def assess(product: Product | str, case: Case, months: int | None = None) -> Assessment:
    """Apply a product's eligibility and sizing rules to a case.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> fit = assess("receivables_pledge_loan", ml.casebook.load_case("C02"))
    >>> fit.eligible, round(fit.amount), fit.binding
    (True, 180000, '抵质押物价值 × 抵质押率')
    >>> assess("receivables_pledge_loan", ml.casebook.load_case("C01")).reasons
    ['提供应收账款：客户提供的担保/抵质押：保证人']
    """
    item = get(product) if isinstance(product, str) else product
    term = item.months if months is None else check_months(months)
    checks = [(describe_rule(rule), *_check(rule, case)) for rule in item.eligibility]
    limits = [(SIZING_LABELS[rule.kind], *_limit(rule, item, case, term)) for rule in item.sizing]
    check_frame = pd.DataFrame(checks, columns=["条件", "是否满足", "说明"]).astype({"是否满足": bool})
    limit_frame = pd.DataFrame(limits, columns=["规则", "额度（元）", "计算"])
    if limits:
        position = int(np.argmin([row[1] for row in limits]))
        amount, binding = float(max(limits[position][1], 0.0)), limits[position][0]
    else:
        amount, binding = float("nan"), ""
    eligible = bool(check_frame["是否满足"].all()) and not (amount == amount and amount <= 0)
    return Assessment(item, eligible, check_frame, limit_frame, amount, binding)
