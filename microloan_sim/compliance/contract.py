"""合同条款 (contract terms): what a loan officer checks in a loan contract before signing.

* the usual terms of a loan contract (《民法典》第668条: 种类、币种、用途、数额、利率、期限、还款方式), written form;
  no agreed interest means no interest (第680条);
* 格式条款 must be pointed out and explained on request (第496条); unfair ones are void (第497条);
* a guarantee whose type is not agreed is a 一般保证 (第686条); a guarantee period not agreed is six months from
  the main debt's due date (第692条), counted by 第201–203条 (start day not counted, the corresponding day of the
  month ends it or the month's last day; a last day on a 法定休假日 moves to the day after);
* a debt signed by one spouse only is not automatically a 夫妻共同债务 (第1064条);
* a mortgage on real estate exists only once registered (第402条); on movables, unregistered it cannot be set
  against a good-faith third party (第403条).

Examples
--------
Worked example 9 (domain-parts §7): main debt due 2025-06-30, guarantee silent on the period:

>>> guarantee_period_end("2025-06-30")
datetime.date(2025, 12, 30)
>>> sorted({f.code for f in check_contract(sample_contract())})[:4]
['guarantee_period_default', 'guarantee_type_default', 'missing_term', 'mortgage_unregistered']
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .. import offsite
from ..errors import InputError, require_number
from .findings import BREACH, NOTE, RISK, Finding, yuan
from .parameters import as_date

CHECK = "contract"
CIVIL_CODE = "《民法典》"
#: 第668条 terms: field -> Chinese name.
REQUIRED_TERMS = {"loan_type": "借款种类", "currency": "币种", "purpose": "用途", "amount": "数额", "annual_rate": "利率",
                  "months": "期限", "repayment_method": "还款方式"}
GUARANTEE_KINDS = ("一般保证", "连带责任保证")
COLLATERAL_KINDS = ("不动产", "动产")


@dataclass(frozen=True)
class StandardTerm:
    """A 格式条款 (standard term drafted in advance by the lender)."""

    text: str
    highlighted: bool = True       # pointed out to the borrower in a reasonable way (提示)
    explained: bool = True         # explained when the borrower asked (说明)
    unfair: bool = False           # excludes the lender's liability, adds to the borrower's or limits main rights


@dataclass(frozen=True)
class Guarantee:
    """A guarantee (保证): ``kind`` None means the contract does not say; ``period_months`` None likewise."""

    guarantor: str
    kind: str | None = None
    period_months: int | None = None


@dataclass(frozen=True)
class Pledge:
    """A mortgage (抵押): ``kind`` 不动产 or 动产, and whether it was registered."""

    description: str
    kind: str = "不动产"
    registered: bool = False


@dataclass(frozen=True)
class LoanContract:
    """The terms of a loan contract that the checks read; ``None`` marks a term the contract leaves out."""

    contract_date: Any
    due_date: Any
    lender: str
    borrower: str
    amount: float | None
    annual_rate: float | None
    months: int | None
    loan_type: str | None = "个人经营性贷款"
    currency: str | None = "人民币"
    purpose: str | None = None
    repayment_method: str | None = "等额本息"
    written: bool = True
    borrower_married: bool = False
    spouse_signed: bool = False
    guarantees: tuple[Guarantee, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    standard_terms: tuple[StandardTerm, ...] = field(default=())

    def with_changes(self, **changes: Any) -> LoanContract:
        """A copy with some fields changed."""
        return replace(self, **changes)


def sample_contract() -> LoanContract:
    """A sample business-loan contract with planted defects (course 07): no 用途, a guarantee silent on its type
    and period, an unexplained and an unfair 格式条款, no spouse signature, an unregistered mortgage.

    Examples
    --------
    >>> c = sample_contract()
    >>> c.purpose is None, c.guarantees[0].kind is None
    (True, True)
    """
    return LoanContract(
        contract_date="2025-06-30", due_date="2026-06-30", lender="某农村商业银行", borrower="王秀英",
        amount=150_000, annual_rate=0.072, months=12, purpose=None, borrower_married=True, spouse_signed=False,
        guarantees=(Guarantee("张国华"),),
        pledges=(Pledge("自住商品房（95 平方米）", "不动产", registered=False),),
        standard_terms=(
            StandardTerm("贷款人有权根据市场情况单方调整贷款利率", highlighted=False, explained=False),
            StandardTerm("借款人放弃对贷款人的一切抗辩权", highlighted=True, explained=True, unfair=True),
            StandardTerm("借款人逾期的，贷款人可宣布贷款提前到期", highlighted=True, explained=True),
        ),
    )


def _rest_days() -> frozenset[dt.date]:
    return frozenset(offsite.parameters().holidays)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later, or the month's last day when there is none (第202条).

    Examples
    --------
    >>> add_months(dt.date(2025, 8, 31), 6)
    datetime.date(2026, 2, 28)
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_end(start: Any, months: int, holidays: Iterable[dt.date] | None = None) -> dt.date:
    """Last day of a period of ``months`` counted from ``start`` (第201–203条).

    The start day is not counted (第201条); the period ends on the corresponding day (第202条); a last day on a
    rest day (weekend or public holiday: ``holidays``, by default those of ``data/crosscheck.yaml``) moves to
    the first working day after it (第203条).

    Examples
    --------
    >>> period_end("2025-03-29", 6)  # 2025-09-29 is a Monday
    datetime.date(2025, 9, 29)
    >>> period_end("2025-04-04", 6)  # 2025-10-04 falls in the National Day holiday
    datetime.date(2025, 10, 9)
    """
    day = add_months(as_date(start, "起算日"), int(require_number(months, "期间（月）", minimum=0, maximum=600)))
    rest = frozenset(holidays) if holidays is not None else _rest_days()
    while day.weekday() >= 5 or day in rest:
        day += dt.timedelta(days=1)
    return day


def guarantee_period_end(due_date: Any, months: int = 6, holidays: Iterable[dt.date] | None = None) -> dt.date:
    """Last day of a guarantee period that starts when the main debt falls due (第692条, default six months)."""
    return period_end(due_date, months, holidays)


def check_contract(contract: LoanContract, holidays: Iterable[dt.date] | None = None) -> list[Finding]:
    """Every contract-term finding for ``contract``.

    Raises
    ------
    InputError
        A due date before the contract date, a negative amount, or an unknown guarantee or collateral kind.

    Examples
    --------
    >>> check_contract(sample_contract().with_changes(due_date="2025-01-01"))
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 到期日：2025-01-01 早于合同日期 2025-06-30
    """
    signed = as_date(contract.contract_date, "合同日期")
    due = as_date(contract.due_date, "到期日")
    if due < signed:
        raise InputError(f"{due} 早于合同日期 {signed}", field="到期日")
    if contract.amount is not None:
        require_number(contract.amount, "借款数额", strictly_positive=True)
    if contract.annual_rate is not None:
        require_number(contract.annual_rate, "利率", minimum=0, maximum=10)
    findings: list[Finding] = []
    if not contract.written:
        findings.append(Finding(CHECK, "not_written", CIVIL_CODE, "第668条",
                                "借款合同未采用书面形式：除自然人之间另有约定外，借款合同应当采用书面形式。", BREACH))
    for key, name in REQUIRED_TERMS.items():
        value = getattr(contract, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            findings.append(Finding(CHECK, "missing_term", CIVIL_CODE, "第668条",
                                    f"合同缺少“{name}”条款（借款合同的内容一般包括借款种类、币种、用途、数额、利率、期限和还款方式）。",
                                    RISK, {"term": key}))
    if contract.annual_rate is None:
        findings.append(Finding(CHECK, "no_interest_term", CIVIL_CODE, "第680条",
                                "合同没有约定利息：借款合同对支付利息没有约定的，视为没有利息。", RISK))
    for term in contract.standard_terms:
        if term.unfair:
            findings.append(Finding(CHECK, "unfair_standard_term", CIVIL_CODE, "第497条",
                                    f"格式条款“{term.text}”不合理地免除或减轻贷款人责任、加重借款人责任或限制其主要权利：该条款无效。",
                                    BREACH))
        elif not (term.highlighted and term.explained):
            findings.append(Finding(CHECK, "standard_term_not_explained", CIVIL_CODE, "第496条",
                                    f"格式条款“{term.text}”没有以合理方式提示或按要求说明：借款人可以主张该条款不成为合同内容。",
                                    RISK))
    for guarantee in contract.guarantees:
        if guarantee.kind is not None and guarantee.kind not in GUARANTEE_KINDS:
            raise InputError(f"应为{'或'.join(GUARANTEE_KINDS)}，收到“{guarantee.kind}”", field="保证方式")
        if guarantee.kind is None:
            findings.append(Finding(CHECK, "guarantee_type_default", CIVIL_CODE, "第686条",
                                    f"保证人{guarantee.guarantor}的保证合同没有约定保证方式：按一般保证承担保证责任，"
                                    f"保证人可先要求就借款人财产依法强制执行（先诉抗辩权）。", RISK))
        months = guarantee.period_months
        if months is None or months <= 0:
            end = guarantee_period_end(due, 6, holidays)
            findings.append(Finding(CHECK, "guarantee_period_default", CIVIL_CODE, "第692条",
                                    f"保证人{guarantee.guarantor}的保证期间没有约定（或约定的期间早于、等于主债务履行期限）：保证期间为主债务"
                                    f"履行期限届满之日起六个月，即 {due} 起算，到 {end} 止（第201–203条）。"
                                    f"期间内未向保证人主张权利的，保证人不再承担保证责任。", NOTE,
                                    {"period_end": end}))
    if contract.borrower_married and not contract.spouse_signed:
        findings.append(Finding(CHECK, "spouse_not_signed", CIVIL_CODE, "第1064条",
                                f"借款人已婚但配偶未共同签字：{yuan(contract.amount or 0)}的借款超出家庭日常生活需要，"
                                f"配偶未共同签名或事后追认的，不当然是夫妻共同债务。", RISK))
    for pledge in contract.pledges:
        if pledge.kind not in COLLATERAL_KINDS:
            raise InputError(f"应为不动产或动产，收到“{pledge.kind}”", field="抵押物类型")
        if pledge.registered:
            continue
        if pledge.kind == "不动产":
            findings.append(Finding(CHECK, "mortgage_unregistered", CIVIL_CODE, "第402条",
                                    f"抵押物“{pledge.description}”是不动产，未办理抵押登记：抵押权自登记时设立，目前抵押权尚未设立。",
                                    BREACH))
        else:
            findings.append(Finding(CHECK, "movable_mortgage_unregistered", CIVIL_CODE, "第403条",
                                    f"抵押物“{pledge.description}”是动产，未登记：抵押权自合同生效时设立，但不得对抗善意第三人。",
                                    RISK))
    return findings
