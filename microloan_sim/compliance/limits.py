"""Regulatory limits on a loan or a lender: internet-lending limits, 受托支付, single-borrower concentration and
debt-service ratios.

* 互联网贷款 (《商业银行互联网贷款管理暂行办法》2020; 2021 通知): consumer credit line ≤ 20万元 per borrower; a bullet
  (到期一次性还本) consumer loan ≤ 1 year; the partner funds ≥ 30 % of each joint loan; joint loans with one partner
  ≤ 25 % of tier-1 net capital; all joint internet loans ≤ 50 % of total loans.
* 受托支付 (《个人贷款管理办法》): a personal business draw above 50万, or a consumer draw above 30万 without a fixed
  counterparty, is paid by the bank to the counterparty; draws close together for one purpose are added up
  (化整为零, window 示例参数).
* 集中度 (《商业银行法》第39条): loans to one borrower ≤ 10 % of the bank's capital.
* 偿债比率 (《商业银行房地产贷款风险管理指引》第36条): housing payments ≤ 50 % and all debt payments ≤ 55 % of income.

Examples
--------
Worked example 5 (domain-parts §7):

>>> r = internet_lending_limits(250_000, months=18, bullet=True, joint_amount=100_000, partner_amount=25_000,
...                             tier1_capital=5e9, total_loans=8e10)
>>> r.allowed_credit_line, r.partner_min_amount, r.partner_balance_limit, r.joint_total_limit
(200000.0, 30000.0, 1250000000.0, 40000000000.0)
>>> [f.code for f in r.findings]
['credit_line_above_cap', 'bullet_term_too_long', 'partner_share_too_low']
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, require_number
from .findings import BREACH, NOTE, Finding, pct, yuan
from .parameters import ComplianceParameters, as_date, parameters

INTERNET_RULES = "《商业银行互联网贷款管理暂行办法》"
INTERNET_NOTICE = "《关于进一步规范商业银行互联网贷款业务的通知》"
PERSONAL_LOANS = "《个人贷款管理办法》"
BANKING_LAW = "《中华人民共和国商业银行法》"
PROPERTY_GUIDE = "《商业银行房地产贷款风险管理指引》"


@dataclass(frozen=True)
class InternetLimits:
    """Internet-lending limits for one request (元) and the findings; a limit not asked for is None."""

    allowed_credit_line: float | None
    partner_min_amount: float | None
    partner_balance_limit: float | None
    joint_total_limit: float | None
    findings: list[Finding] = field(default_factory=list)


def internet_lending_limits(credit_line: float | None = None, *, consumer: bool = True, months: int | None = None,
                            bullet: bool = False, joint_amount: float | None = None,
                            partner_amount: float | None = None, tier1_capital: float | None = None,
                            partner_balance: float | None = None, total_loans: float | None = None,
                            joint_total: float | None = None,
                            params: ComplianceParameters | None = None) -> InternetLimits:
    """Check an internet loan against the per-borrower cap, bullet term, partner share and concentration limits.

    Every argument is optional: only the limits whose inputs are given are computed. Amounts in 元.
    """
    p = (params or parameters()).internet_lending
    findings: list[Finding] = []
    allowed = partner_min = partner_limit = joint_limit = None
    if credit_line is not None:
        line = require_number(credit_line, "申请授信额度", minimum=0)
        if consumer:
            allowed = min(line, p.consumer_credit_line_cap)
            if line > p.consumer_credit_line_cap:
                findings.append(Finding("internet_lending", "credit_line_above_cap", INTERNET_RULES, "（个人信用贷款单户授信上限）",
                                        f"申请的消费类个人信用授信 {yuan(line)} 超过单户 {yuan(p.consumer_credit_line_cap)} 的上限，"
                                        f"最多授信 {yuan(allowed)}。", BREACH, {"allowed": allowed}))
        else:
            allowed = line
    if bullet and months is not None:
        term = require_number(months, "期限（月）", minimum=1, maximum=360)
        if consumer and term > p.bullet_max_months:
            findings.append(Finding("internet_lending", "bullet_term_too_long", INTERNET_RULES, "（到期一次性还本的期限）",
                                    f"消费类贷款到期一次性还本，期限 {term:g} 个月超过 {p.bullet_max_months} 个月（1 年）：不允许。",
                                    BREACH))
    if joint_amount is not None:
        joint = require_number(joint_amount, "联合贷款金额", strictly_positive=True)
        partner_min = joint * p.partner_min_share
        if partner_amount is not None:
            share = require_number(partner_amount, "合作机构出资", minimum=0, maximum=joint)
            if share < partner_min - 0.005:
                findings.append(Finding("internet_lending", "partner_share_too_low", INTERNET_NOTICE, "（合作机构出资比例）",
                                        f"联合贷款 {yuan(joint)} 中合作机构出资 {yuan(share)}（{pct(share / joint, 0)}），"
                                        f"低于 {pct(p.partner_min_share, 0)}：合作机构至少应出资 {yuan(partner_min)}。", BREACH))
    if tier1_capital is not None:
        partner_limit = require_number(tier1_capital, "一级资本净额", strictly_positive=True) * p.partner_max_tier1_share
        if partner_balance is not None and require_number(partner_balance, "与单一合作方联合贷款余额", minimum=0) > partner_limit:
            findings.append(Finding("internet_lending", "partner_concentration", INTERNET_NOTICE, "（单一合作方集中度）",
                                    f"与单一合作方的联合贷款余额 {yuan(partner_balance)} 超过一级资本净额的"
                                    f" {pct(p.partner_max_tier1_share, 0)}（{yuan(partner_limit)}）。", BREACH))
    if total_loans is not None:
        joint_limit = require_number(total_loans, "各项贷款余额", strictly_positive=True) * p.joint_max_total_loans_share
        if joint_total is not None and require_number(joint_total, "互联网联合贷款余额", minimum=0) > joint_limit:
            findings.append(Finding("internet_lending", "joint_total_too_high", INTERNET_NOTICE, "（联合贷款总量）",
                                    f"互联网联合贷款余额 {yuan(joint_total)} 超过全部贷款余额的 "
                                    f"{pct(p.joint_max_total_loans_share, 0)}（{yuan(joint_limit)}）。", BREACH))
    return InternetLimits(allowed, partner_min, partner_limit, joint_limit, findings)


def entrusted_payment(draws: Iterable[tuple[Any, float]], *, business: bool = True,
                      fixed_counterparty: bool = True, params: ComplianceParameters | None = None) -> list[Finding]:
    """Whether draws on a personal loan must be paid by 受托支付.

    ``draws`` are ``(date, amount)`` pairs. Draws within the 化整为零 window (示例参数) of the first draw of a
    group are added up.

    Examples
    --------
    Worked example 3 (domain-parts §7):

    >>> [f.code for f in entrusted_payment([("2025-03-03", 600_000)])]
    ['entrusted_payment_required']
    >>> [f.code for f in entrusted_payment([("2025-03-03", 500_000)])]
    ['self_payment_allowed']
    >>> [f.code for f in entrusted_payment([("2025-03-03", 350_000)], business=False, fixed_counterparty=False)]
    ['entrusted_payment_required']
    >>> [f.code for f in entrusted_payment([("2025-03-03", 250_000)], business=False, fixed_counterparty=False)]
    ['self_payment_allowed']
    >>> [f.code for f in entrusted_payment([("2025-03-03", 200_000), ("2025-03-05", 200_000),
    ...                                     ("2025-03-07", 200_000)])]
    ['split_draws', 'entrusted_payment_required']
    """
    p = (params or parameters()).entrusted_payment
    items = sorted((as_date(d, "提款日期"), require_number(a, "提款金额", strictly_positive=True)) for d, a in draws)
    if not items:
        raise InputError("至少需要一笔提款", field="提款")
    if not business and fixed_counterparty:
        return [Finding("entrusted_payment", "entrusted_payment_required", PERSONAL_LOANS, "（受托支付）",
                        "个人消费贷款有明确的交易对象：原则上采用受托支付。", NOTE)]
    limit = p.business_self_pay_max if business else p.consumer_self_pay_max
    kind = "个人经营贷款" if business else "个人消费贷款（无法事先确定交易对象）"
    findings: list[Finding] = []
    start: dt.date | None = None
    total = 0.0
    count = 0
    groups: list[tuple[dt.date, float, int]] = []
    for day, amount in items:
        if start is not None and (day - start).days <= p.split_window_days:
            total += amount
            count += 1
        else:
            if start is not None:
                groups.append((start, total, count))
            start, total, count = day, amount, 1
    assert start is not None
    groups.append((start, total, count))
    for first, amount, count in groups:
        if count > 1:
            findings.append(Finding("entrusted_payment", "split_draws", PERSONAL_LOANS, "（化整为零）",
                                    f"{first} 起 {p.split_window_days} 天内 {count} 笔提款合计 {yuan(amount)}，"
                                    f"按一笔计算（化整为零规避受托支付；窗口为示例参数）。", NOTE))
        if amount > limit:
            findings.append(Finding("entrusted_payment", "entrusted_payment_required", PERSONAL_LOANS, "（受托支付）",
                                    f"{kind}单次提款 {yuan(amount)} 超过 {yuan(limit)}：应采用受托支付。", BREACH,
                                    {"amount": amount}))
        else:
            findings.append(Finding("entrusted_payment", "self_payment_allowed", PERSONAL_LOANS, "（自主支付）",
                                    f"{kind}单次提款 {yuan(amount)} 不超过 {yuan(limit)}：经贷款人同意可以自主支付。", NOTE,
                                    {"amount": amount}))
    return findings


def single_borrower_limit(capital: float, balance: float | None = None,
                          params: ComplianceParameters | None = None) -> tuple[float, list[Finding]]:
    """Largest loan balance to one borrower (《商业银行法》第39条: 10 % of capital) and a finding when exceeded.

    Examples
    --------
    Worked example 10: 资本余额 5亿 → 5,000万.

    >>> single_borrower_limit(5e8)[0]
    50000000.0
    >>> single_borrower_limit(5e8, 6e7)[1][0].rule
    '《中华人民共和国商业银行法》第39条'
    """
    share = (params or parameters()).concentration.single_borrower_share
    limit = require_number(capital, "资本余额", strictly_positive=True) * share
    findings: list[Finding] = []
    if balance is not None and require_number(balance, "对同一借款人贷款余额", minimum=0) > limit:
        findings.append(Finding("concentration", "single_borrower_above_limit", BANKING_LAW, "第39条",
                                f"对同一借款人的贷款余额 {yuan(balance)} 超过资本余额的 {pct(share, 0)}（{yuan(limit)}）。",
                                BREACH))
    return limit, findings


def debt_service_ratios(monthly_income: float, new_instalment: float, property_fee: float = 0.0,
                        other_debt_payments: float = 0.0,
                        params: ComplianceParameters | None = None) -> tuple[float, float, list[Finding]]:
    """Housing and all-debt ratios (《商业银行房地产贷款风险管理指引》第36条) and a finding for each ratio above its cap.

    Examples
    --------
    Worked example 9: income 10,000; instalment 4,000 + property fee 200; other debts 1,800.

    >>> housing, total, found = debt_service_ratios(10_000, 4_000, 200, 1_800)
    >>> round(housing, 2), round(total, 2), [f.code for f in found]
    (0.42, 0.6, ['all_debt_ratio_above_cap'])
    """
    p = (params or parameters()).debt_service
    income = require_number(monthly_income, "月收入", strictly_positive=True)
    housing_pay = require_number(new_instalment, "新增月供", minimum=0) + require_number(property_fee, "物业费", minimum=0)
    housing = housing_pay / income
    total = (housing_pay + require_number(other_debt_payments, "其他债务月还款", minimum=0)) / income
    findings: list[Finding] = []
    if housing > p.housing_ratio_max:
        findings.append(Finding("debt_service", "housing_ratio_above_cap", PROPERTY_GUIDE, "第36条",
                                f"房产支出与收入比 {pct(housing, 0)} 超过 {pct(p.housing_ratio_max, 0)}。", BREACH))
    if total > p.all_debt_ratio_max:
        findings.append(Finding("debt_service", "all_debt_ratio_above_cap", PROPERTY_GUIDE, "第36条",
                                f"所有债务支出与收入比 {pct(total, 0)} 超过 {pct(p.all_debt_ratio_max, 0)}：应拒绝或减少贷款金额。",
                                BREACH))
    return housing, total, findings
