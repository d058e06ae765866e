r"""价格披露 (price disclosure): the true annualised rate of an offer and the disclosure breaches in it.

An :class:`Offer` is what an advert or a term sheet says: a 日息, 月息 or annual quote, a 月手续费, a one-off
service fee, bundled insurance, a 保证金, and whether the interest is deducted from the principal up front
(砍头息). :func:`check_disclosure` rebuilds the borrower's cash flows with :mod:`microloan_sim.pricing`,
annualises them (IRR method and the labelled simple rate, PBoC Announcement [2021] No. 3) and lists the
breaches:

* a rate shown without 年化, or the 年化 rate less prominent than the daily or monthly one;
* a 年化 rate below the true rate (or a simple rate not labelled 单利);
* interest deducted from the principal (《民法典》第670条): the lender may only claim principal and interest
  on the amount actually lent, which is recomputed;
* insurance or services the borrower must buy (消保办法: no bundling, no forced paid services).

The contract rate of a daily quote is ``daily × day_count`` (360 by default, 示例参数: the official day count
is not confirmed); a monthly quote is ``monthly × 12``.

Examples
--------
A 10,000 元 loan for 12 months, 等额本息, advertised as 月息 0.8 % with no annual rate shown:

>>> r = check_disclosure(Offer(10_000, 12, 0.008, quote_unit="month"))
>>> round(r.contract_rate, 4), round(r.rate.irr_rate, 4)
(0.096, 0.096)
>>> [f.code for f in r.findings]
['annual_rate_missing']

The same loan with its interest deducted at signing (砍头息):

>>> k = check_disclosure(Offer(10_000, 12, 0.008, quote_unit="month", interest_upfront=True))
>>> round(k.rate.irr_rate, 4) > round(r.rate.irr_rate, 4)
True
>>> k.findings[0].rule
'《民法典》第670条'
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from .. import pricing, schedules
from ..errors import InputError, require_number
from .findings import BREACH, NOTE, Finding, pct, yuan
from .parameters import ComplianceParameters, parameters

CHECK = "disclosure"
PBOC = "中国人民银行公告〔2021〕第3号"
PBOC_ARTICLE = "（明示贷款年化利率）"
CIVIL_CODE = "《民法典》"
CONSUMER = "《银行保险机构消费者权益保护管理办法》"
CONSUMER_ARTICLE = "（自主选择权：不得捆绑搭售、不得强制购买第三方服务）"
QUOTE_UNITS = {"year": "年利率", "month": "月利率（月息）", "day": "日利率（日息）"}
_UNIT_ALIASES = {"year": "year", "年": "year", "年利率": "year", "month": "month", "月": "month", "月息": "month",
                 "月利率": "month", "day": "day", "日": "day", "日息": "day", "日利率": "day"}


@dataclass(frozen=True)
class Offer:
    """A loan offer as an advert or term sheet presents it.

    Parameters
    ----------
    principal : float
        借款金额 written in the contract (元).
    months : int
        Term in months.
    quoted_rate : float
        The rate as quoted, a fraction per ``quote_unit`` (万分之五 a day → 0.0005).
    quote_unit : str
        ``year`` 年, ``month`` 月息 or ``day`` 日息.
    method : str
        Repayment method (:data:`microloan_sim.schedules.METHODS`).
    monthly_fee : float
        月手续费, a fraction of the original principal charged every month.
    service_fee : float
        One-off service fee, a fraction of the principal deducted at disbursement.
    service_required : bool
        The service behind the fee must be bought to get the loan.
    insurance_premium : float
        Bundled insurance, an annual fraction of the principal paid at disbursement.
    insurance_required : bool
        The insurance must be bought to get the loan (搭售).
    deposit : float
        保证金, a fraction of the principal withheld and returned at the end without interest.
    interest_upfront : bool
        The whole term's interest is deducted from the principal at signing (砍头息).
    shown_annual_rate : float, optional
        The 年化利率 the advert shows; ``None`` when it shows none (an annual quote then counts as shown).
    shown_method : str, optional
        ``simple`` when the advert states that its 年化利率 is 单利, ``irr`` when it says 复利/IRR.
    annual_rate_prominent : bool
        The 年化利率 is at least as prominent as any daily or monthly rate.
    """

    principal: float
    months: int
    quoted_rate: float
    quote_unit: str = "year"
    method: str = "equal_installment"
    monthly_fee: float = 0.0
    service_fee: float = 0.0
    service_required: bool = False
    insurance_premium: float = 0.0
    insurance_required: bool = False
    deposit: float = 0.0
    interest_upfront: bool = False
    shown_annual_rate: float | None = None
    shown_method: str | None = None
    annual_rate_prominent: bool = True

    def with_changes(self, **changes: Any) -> Offer:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class DisclosureResult:
    """The true rate of an offer, its cash flows, the 第670条 recomputation and the findings."""

    offer: Offer
    contract_rate: float
    rate: pricing.AnnualizedRate
    cashflows: pd.DataFrame = field(repr=False)
    upfront_interest: float
    actual_lent: float
    legally_owed: float
    contract_repayment: float
    findings: list[Finding]

    @property
    def over_collected(self) -> float:
        """What the contract makes the borrower repay above what 第670条 allows (元; 0 without 砍头息)."""
        return max(self.contract_repayment - self.legally_owed, 0.0) if self.upfront_interest else 0.0

    def summary(self) -> pd.Series:
        """Key figures with Chinese labels."""
        return pd.Series({
            "合同年利率": self.contract_rate,
            "年化利率（IRR 复利法）": self.rate.irr_rate,
            "年化利率（单利）": self.rate.simple_rate,
            "实际到手金额（元）": self.rate.net_received,
            "借款人总成本（元）": self.rate.total_cost,
            "预扣利息（元）": self.upfront_interest,
        })


def _unit(value: str) -> str:
    key = _UNIT_ALIASES.get(str(value).strip().lower())
    if key is None:
        raise InputError(f"应为 year（年）、month（月息）或 day（日息），收到“{value}”", field="报价单位")
    return key


def contract_rate(offer: Offer, params: ComplianceParameters | None = None) -> float:
    """The nominal annual contract rate of a quote: 日息 × day count (示例参数), 月息 × 12, or the annual rate.

    Examples
    --------
    >>> round(contract_rate(Offer(10_000, 12, 0.0005, quote_unit="日息")), 4)
    0.18
    """
    p = params or parameters()
    rate = require_number(offer.quoted_rate, "报价利率", minimum=0, maximum=1)
    unit = _unit(offer.quote_unit)
    return rate * {"year": 1, "month": 12, "day": p.disclosure.day_count}[unit]


def _validate(offer: Offer) -> None:
    require_number(offer.principal, "借款金额", strictly_positive=True)
    months = require_number(offer.months, "期限（月）", minimum=1, maximum=360)
    if months != int(months):
        raise InputError(f"应为整数个月（当前为 {offer.months}）", field="期限（月）")
    for value, name in ((offer.monthly_fee, "月手续费"), (offer.service_fee, "服务费"),
                        (offer.insurance_premium, "保险费（年费率）"), (offer.deposit, "保证金比例")):
        require_number(value, name, minimum=0, maximum=1)
    if offer.shown_annual_rate is not None:
        require_number(offer.shown_annual_rate, "展示的年化利率", minimum=0, maximum=10)
    if offer.shown_method not in (None, "irr", "simple"):
        raise InputError(f"应为 irr（复利）、simple（单利）或不注明，收到“{offer.shown_method}”", field="年化利率计算方法")


def _cashflows(offer: Offer, annual: float) -> tuple[pd.DataFrame, float]:
    plan = schedules.schedule(offer.principal, annual, int(offer.months), offer.method)
    flows = pricing.borrower_cashflows(plan, upfront_fee=offer.service_fee, monthly_fee=offer.monthly_fee,
                                       insurance_premium=offer.insurance_premium, insurance_timing="upfront",
                                       deposit=offer.deposit)
    deducted = 0.0
    if offer.interest_upfront:
        deducted = round(float(plan["interest"].sum()), 2)
        flows = flows.copy()
        flows["interest"] = 0.0
        flows.loc[0, "interest"] = -deducted
        money = [c for c in flows.columns if c not in ("period", "net", "occupied")]
        flows["net"] = flows[money].sum(axis=1).round(2)
        flows.loc[1:, "occupied"] = (flows.loc[1:, "occupied"] - deducted).clip(lower=0.0)
    return flows, deducted


def check_disclosure(offer: Offer, params: ComplianceParameters | None = None) -> DisclosureResult:
    """The true annualised rate of ``offer`` and every disclosure breach in it.

    Returns
    -------
    DisclosureResult
        ``rate`` is a :class:`microloan_sim.pricing.AnnualizedRate` (IRR method; ``.simple_rate`` the labelled
        simple rate); ``findings`` a list of :class:`~microloan_sim.compliance.Finding`.

    Raises
    ------
    InputError
        A negative or missing amount, a rate or fee outside 0–100 %, an unknown quote unit or method, or fees
        and deductions that leave the borrower nothing in hand.

    Examples
    --------
    The ad shows 年化 9.6 % (the nominal rate) but charges a 1 % 月手续费:

    >>> r = check_disclosure(Offer(10_000, 12, 0.096, monthly_fee=0.01, shown_annual_rate=0.096))
    >>> round(r.rate.irr_rate, 4), [f.code for f in r.findings]
    (0.3049, ['annual_rate_understated'])
    >>> check_disclosure(Offer(-5, 12, 0.1))
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 借款金额：必须大于 0（当前为 -5）
    """
    p = params or parameters()
    _validate(offer)
    annual = contract_rate(offer, p)
    unit = _unit(offer.quote_unit)
    flows, deducted = _cashflows(offer, annual)
    rate = pricing.annualized_rate(flows)
    assert rate.simple_rate is not None  # the flows table carries the contract balance
    findings: list[Finding] = []
    tolerance = p.disclosure.rate_tolerance

    shown = offer.shown_annual_rate
    if shown is None and unit != "year":
        findings.append(Finding(
            CHECK, "annual_rate_missing", PBOC, PBOC_ARTICLE,
            f"只展示了{QUOTE_UNITS[unit]} {offer.quoted_rate * 100:g}%，没有展示年化利率；"
            f"按 IRR 复利法折算的年化利率为 {pct(rate.irr_rate)}。", BREACH,
            {"true_rate": rate.irr_rate}))
    if shown is None and unit == "year":
        shown = annual  # an annual quote is what the borrower takes for the 年化利率
    if shown is not None and unit != "year" and not offer.annual_rate_prominent:
        findings.append(Finding(
            CHECK, "annual_rate_not_prominent", PBOC, PBOC_ARTICLE,
            f"{QUOTE_UNITS[unit]}比年化利率更醒目；日利率、月利率不得比年化利率更醒目。", BREACH))
    if shown is not None and shown < rate.irr_rate - tolerance:
        simple_ok = abs(shown - rate.simple_rate) <= tolerance
        if simple_ok and offer.shown_method == "simple":
            pass  # a simple rate, correctly labelled 单利
        elif simple_ok:
            findings.append(Finding(
                CHECK, "simple_not_stated", PBOC, PBOC_ARTICLE,
                f"展示的年化利率 {pct(shown)} 是单利口径，但没有注明“单利”；采用单利计算的必须说明。"
                f"IRR 复利法年化利率为 {pct(rate.irr_rate)}。", BREACH,
                {"shown": shown, "true_rate": rate.irr_rate}))
        else:
            findings.append(Finding(
                CHECK, "annual_rate_understated", PBOC, PBOC_ARTICLE,
                f"展示的年化利率 {pct(shown)} 低于借款人承担的全部利息和费用折算的年化利率"
                f"（IRR 复利法 {pct(rate.irr_rate)}，单利 {pct(rate.simple_rate)}）：年化利率应包含所有与贷款直接相关的费用。",
                BREACH, {"shown": shown, "true_rate": rate.irr_rate}))

    actual_lent = offer.principal - deducted
    legally_owed = contract_repayment = 0.0
    if deducted > 0:
        legal_plan = schedules.schedule(actual_lent, annual, int(offer.months), offer.method)
        legally_owed = round(float(legal_plan["payment"].sum()), 2)
        contract_repayment = round(float(offer.principal), 2)  # the interest is already paid: only principal remains
        findings.insert(0, Finding(
            CHECK, "upfront_interest", CIVIL_CODE, "第670条",
            f"利息 {yuan(deducted)} 在放款时从本金中预先扣除（砍头息）。借款人实际只拿到 {yuan(actual_lent)}，"
            f"应按实际借款数额 {yuan(actual_lent)} 返还借款并计算利息：依法应还本息合计 {yuan(legally_owed)}，"
            f"而合同要求归还本金 {yuan(contract_repayment)}，多收 {yuan(contract_repayment - legally_owed)}。"
            f"真实年化利率因此升至 {pct(rate.irr_rate)}。", BREACH,
            {"deducted": deducted, "actual_lent": actual_lent, "legally_owed": legally_owed,
             "contract_repayment": contract_repayment}))
    if offer.insurance_premium > 0 and offer.insurance_required:
        findings.append(Finding(
            CHECK, "bundled_insurance", CONSUMER, CONSUMER_ARTICLE,
            f"借款人必须购买保险才能获得贷款（保费 {yuan(rate.breakdown.get('insurance_premium', 0.0))}）：属于捆绑搭售；"
            f"保费已计入年化利率。", BREACH))
    if offer.service_fee > 0 and offer.service_required:
        findings.append(Finding(
            CHECK, "forced_service", CONSUMER, CONSUMER_ARTICLE,
            f"一次性服务费 {yuan(rate.breakdown.get('upfront_fee', 0.0))} 对应的服务是放款的前提，借款人不能拒绝："
            f"属于强制收费的服务；费用已计入年化利率。", BREACH))
    if offer.deposit > 0:
        findings.append(Finding(
            CHECK, "deposit_reduces_principal", PBOC, PBOC_ARTICLE,
            f"保证金 {yuan(offer.principal * offer.deposit)} 放款时扣留、到期才退：借款人实际占用的本金减少，"
            f"年化利率按实际到手金额计算。", NOTE))
    return DisclosureResult(offer=offer, contract_rate=annual, rate=rate, cashflows=flows, upfront_interest=deducted,
                            actual_lent=actual_lent, legally_owed=legally_owed, contract_repayment=contract_repayment,
                            findings=findings)
