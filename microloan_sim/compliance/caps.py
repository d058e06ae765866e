"""利率上限 (interest caps): the private-lending cap of 4 × the one-year LPR, for a client's informal debts.

《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》(2020-12-29 修正):

* 第25条: a court supports the agreed rate up to **4 × the one-year LPR at contract formation**;
* 第26条: if interest was deducted from the principal in advance, the amount actually lent is the principal
  (as 《民法典》第670条 says for every loan contract);
* 第28–29条: overdue interest, penalties and other fees are capped at the same level.

The cap does **not** apply to licensed lenders: banks and, by the Supreme People's Court's 2020-11 reply, 小额贷款
公司, 融资担保公司, 典当行 and the other local financial organisations (list in ``data/compliance.yaml``).
LPR values with their dates live in the same file; a date outside the table is an error, never a guess.

Examples
--------
Worked example 4 (domain-parts §7): an IOU of 100,000 元 on 2025-07-01 between two people, 10,000 元 of
"interest" deducted at signing, 18 % for a year. LPR 3.0 % → cap 12 %:

>>> r = private_lending_cap("2025-07-01", 100_000, 0.18, 12, deducted_upfront=10_000)
>>> r.cap_rate, r.actual_principal, round(r.supported_interest, 2), round(r.max_supported_repayment, 2)
(0.12, 90000.0, 10800.0, 100800.0)
>>> sorted(f.code for f in r.findings)
['rate_above_cap', 'upfront_interest']
>>> private_lending_cap("2025-07-01", 100_000, 0.18, 12, lender="小额贷款公司").applies
False
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import documents, pricing
from ..casebook import Case
from ..errors import InputError, require_number
from .findings import BREACH, NOTE, Finding, pct, yuan
from .parameters import ComplianceParameters, as_date, lpr_on, parameters

CHECK = "interest_cap"
INTERPRETATION = "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》"
CIVIL_CODE = "《民法典》"
NATURAL_PERSON = "自然人"


@dataclass(frozen=True)
class CapResult:
    """The private-lending cap applied to one debt.

    ``applies`` is False for a licensed lender (the cap figures are then NaN). Money in 元, rates as fractions.
    """

    lender: str
    contract_date: dt.date
    lpr: float
    cap_rate: float
    applies: bool
    agreed_rate: float
    iou_amount: float
    actual_principal: float
    months: int
    agreed_interest: float
    supported_interest: float
    monthly_payment: float | None
    capped_monthly_payment: float | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def max_supported_repayment(self) -> float:
        """Principal actually lent plus the interest a court supports (元)."""
        return self.actual_principal + self.supported_interest

    @property
    def agreed_repayment(self) -> float:
        """What the IOU asks for: the amount on the IOU plus the agreed interest (元)."""
        return self.iou_amount + self.agreed_interest

    def summary(self) -> pd.Series:
        """Key figures with Chinese labels."""
        return pd.Series({
            "出借人": self.lender, "合同成立日": str(self.contract_date), "一年期 LPR": self.lpr,
            "利率上限（4 倍 LPR）": self.cap_rate, "约定年利率": self.agreed_rate, "借条金额（元）": self.iou_amount,
            "实际出借本金（元）": self.actual_principal, "约定应还本息（元）": self.agreed_repayment,
            "依法最多支持本息（元）": self.max_supported_repayment,
        })


def is_licensed(lender: str, params: ComplianceParameters | None = None) -> bool:
    """Whether a lender type is a licensed financial institution (the cap then does not apply).

    Examples
    --------
    >>> is_licensed("某市农村商业银行"), is_licensed("小额贷款公司"), is_licensed("自然人")
    (True, True, False)
    """
    p = params or parameters()
    name = str(lender)
    return any(kind in name for kind in p.private_lending.licensed_lenders) or name.endswith(("银行", "信用社"))


def implied_rate(amount_received: float, monthly_payment: float, months: int) -> float:
    """Annual rate (IRR method, × 12) of a debt repaid in equal monthly payments.

    Examples
    --------
    >>> round(implied_rate(100_000, 2_860, 48), 4)
    0.1651
    """
    received = require_number(amount_received, "实际收到的借款", strictly_positive=True)
    payment = require_number(monthly_payment, "每月还款额", strictly_positive=True)
    n = int(require_number(months, "还款期数（月）", minimum=1, maximum=600))
    return float(pricing.annualized_rate([received] + [-payment] * n).irr_rate)


def private_lending_cap(contract_date: Any, iou_amount: float, annual_rate: float | None = None, months: int = 12, *,
                        deducted_upfront: float = 0.0, monthly_payment: float | None = None,
                        lender: str = NATURAL_PERSON, repayment_date: Any = None,
                        params: ComplianceParameters | None = None) -> CapResult:
    """Apply the 4 × LPR cap to one private loan (民间借贷).

    Parameters
    ----------
    contract_date : date-like
        Date the loan contract (IOU) was formed; the LPR of that date sets the cap.
    iou_amount : float
        Amount written on the IOU (元).
    annual_rate : float, optional
        Agreed annual rate (simple interest over the term). Give this or ``monthly_payment``.
    months : int
        Term in months.
    deducted_upfront : float
        Interest deducted at signing (元); the amount actually lent is the IOU amount less this (第26条).
    monthly_payment : float, optional
        For a debt repaid in equal monthly payments: the payment (元). The agreed rate is then the implied
        IRR rate on the amount actually lent, and the payment the cap allows is computed too.
    lender : str
        Lender type or name (自然人, 小额贷款公司, 某银行 …). Licensed lenders are outside the cap.
    repayment_date : date-like, optional
        A repayment or claim date; it may not be before the contract date.

    Raises
    ------
    InputError
        Negative amounts, a deduction not less than the IOU amount, a repayment date before the contract
        date, or a contract date without an LPR (before 2019-08-20 or beyond the data table).

    Examples
    --------
    >>> private_lending_cap("2025-07-01", 100_000, 0.10, 12, repayment_date="2025-06-01")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 还款日期：2025-06-01 早于合同日期 2025-07-01
    """
    p = params or parameters()
    start = as_date(contract_date, "合同日期")
    if repayment_date is not None:
        paid = as_date(repayment_date, "还款日期")
        if paid < start:
            raise InputError(f"{paid} 早于合同日期 {start}", field="还款日期")
    amount = require_number(iou_amount, "借条金额", strictly_positive=True)
    term = int(require_number(months, "期限（月）", minimum=1, maximum=600))
    deducted = require_number(deducted_upfront, "预先扣除的利息", minimum=0)
    if deducted >= amount:
        raise InputError(f"不能大于或等于借条金额 {yuan(amount)}", field="预先扣除的利息")
    actual = amount - deducted
    lpr = lpr_on(start, p.lpr)
    cap = p.private_lending.lpr_multiple * lpr
    payment: float | None = None
    if monthly_payment is not None:
        payment = require_number(monthly_payment, "每月还款额", strictly_positive=True)
        agreed = implied_rate(actual, payment, term)
        agreed_interest = payment * term - amount
    elif annual_rate is not None:
        agreed = require_number(annual_rate, "约定年利率", minimum=0, maximum=10)
        agreed_interest = amount * agreed * term / 12
    else:
        raise InputError("请填写约定年利率或每月还款额", field="约定年利率")
    findings: list[Finding] = []
    if deducted > 0:
        findings.append(Finding(
            CHECK, "upfront_interest", CIVIL_CODE, "第670条",
            f"借条写 {yuan(amount)}，出借时预先扣除利息 {yuan(deducted)}：应按实际出借的 {yuan(actual)} 认定本金"
            f"（民间借贷司法解释第26条同此）。", BREACH, {"actual_principal": actual}))
    applies = not is_licensed(lender, p)
    if not applies:
        findings.append(Finding(
            CHECK, "cap_not_applicable", INTERPRETATION, "第1条",
            f"出借人“{lender}”是持牌金融机构，其借贷纠纷不适用民间借贷司法解释，不套用 4 倍 LPR 上限"
            f"（最高人民法院 2020 年 11 月批复）。", NOTE))
        return CapResult(lender, start, lpr, cap, False, agreed, amount, actual, term, agreed_interest,
                         float("nan"), payment, None, findings)
    if payment is not None:
        capped = _annuity(actual, cap, term)
        supported = min(payment, capped) * term - actual
    else:
        capped = None
        supported = actual * min(agreed, cap) * term / 12
    if agreed > cap + 1e-9:
        if payment is not None and capped is not None:
            extra = (f"每月最多支持还款 {yuan(capped)}（实际每月 {yuan(payment)}），"
                     f"整个期限多约定 {yuan((payment - capped) * term)}。")
        else:
            extra = (f"依法最多支持利息 {yuan(supported)}，本息合计 {yuan(actual + supported)}"
                     f"（而不是 {yuan(amount + agreed_interest)}）。")
        findings.append(Finding(
            CHECK, "rate_above_cap", INTERPRETATION, "第25条",
            f"约定年利率 {pct(agreed)} 超过合同成立时一年期 LPR {pct(lpr)} 的 4 倍（{pct(cap)}），超过部分法院不予支持。"
            + extra, BREACH, {"cap_rate": cap, "agreed_rate": agreed, "supported_interest": supported}))
    else:
        findings.append(Finding(
            CHECK, "rate_within_cap", INTERPRETATION, "第25条",
            f"约定年利率 {pct(agreed)} 未超过合同成立时一年期 LPR {pct(lpr)} 的 4 倍（{pct(cap)}）。", NOTE))
    return CapResult(lender, start, lpr, cap, True, agreed, amount, actual, term, agreed_interest, supported,
                     payment, capped, findings)


def _annuity(principal: float, annual_rate: float, months: int) -> float:
    r = annual_rate / 12
    return principal / months if r == 0 else principal * r / (1 - (1 + r) ** -months)


_DEBT_WORDS = ("还款", "利息", "借款", "还钱")
_ORGANISATION = ("公司", "银行", "信用社", "中心", "有限", "商行", "超市", "集团", "合作社")


def informal_debts(case: Case, min_months: int = 3) -> pd.DataFrame:
    """Informal debts seen in a case's bank statement: the same repayment to one person month after month.

    A payee is a person (a 2–4 character name, not an organisation), not the borrower or a related party,
    the description says 还款 / 利息 / 借款, and the same amount is paid in at least ``min_months`` months.

    Returns
    -------
    DataFrame
        ``lender``, ``monthly_payment`` (元), ``payments`` (count), ``first`` and ``last`` payment dates.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> informal_debts(ml.casebook.load_case("C01"))[["lender", "monthly_payment", "payments"]].values.tolist()
    [['周海涛', 2860.0, 12]]
    """
    docs = documents.build_documents(case)
    tx = docs.bank_transactions
    excluded = {case.borrower.name, *docs.facts.related_parties}
    names = tx["counterparty"].astype(str)
    person = names.str.fullmatch(r"[\u4e00-\u9fff·]{2,4}") & ~names.str.contains("|".join(_ORGANISATION))
    debt_words = tx["description"].astype(str).str.contains("|".join(_DEBT_WORDS))
    chosen = tx[(tx["amount"] < 0) & person & debt_words & ~names.isin(excluded)]
    rows = []
    for (lender, amount), group in chosen.groupby(["counterparty", "amount"], sort=True):
        months = pd.to_datetime(group["date"]).dt.to_period("M").nunique()
        if months >= min_months:
            dates = pd.to_datetime(group["date"])
            rows.append({"lender": lender, "monthly_payment": float(-amount), "payments": int(len(group)),
                         "first": dates.min().date(), "last": dates.max().date()})
    return pd.DataFrame(rows, columns=["lender", "monthly_payment", "payments", "first", "last"])
