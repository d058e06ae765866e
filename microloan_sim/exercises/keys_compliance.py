"""Answer key for ex07 (compliance review): the learner's offer, contract and transactions."""
from __future__ import annotations

from typing import Any

from .. import casebook
from .core import Briefing, exercise_briefing, expected_answers

_EX07_TERMS = {"loan_type": "借款种类", "purpose": "用途", "annual_rate": "利率", "months": "期限",
               "repayment_method": "还款方式"}


def _compliance_material(case: casebook.Case) -> tuple[Any, Any, Any]:
    """The learner's offer, contract and transaction list, drawn from the variant's seed (teaching fiction)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from .. import compliance
    from ..schedules import METHODS

    rng = np.random.default_rng(10_007 + (case.variant if case.variant is not None else 0))
    offer = compliance.Offer(
        principal=float(rng.integers(5, 21) * 10_000), months=12, quoted_rate=float(rng.choice([0.006, 0.007, 0.008, 0.009, 0.01])),
        quote_unit="month", method="equal_principal",
        service_fee=float(rng.choice([0.0, 0.01, 0.02, 0.03])), interest_upfront=True)
    offer = offer.with_changes(shown_annual_rate=offer.quoted_rate * 12)
    missing = str(rng.choice(list(_EX07_TERMS)))
    due = dt.date(2026, int(rng.integers(1, 13)), 28)
    kind = str(rng.choice(["", "连带责任保证"])) or None
    contract = compliance.LoanContract(
        contract_date=dt.date(due.year - 1, due.month, due.day), due_date=due, lender="某农村商业银行",
        borrower=case.borrower.name, amount=offer.principal, annual_rate=offer.quoted_rate * 12, months=12,
        purpose="进货备货", repayment_method=METHODS[offer.method], guarantees=(compliance.Guarantee("张国华", kind),)).with_changes(**{missing: None})
    day = pd.Timestamp("2025-09-01") + pd.Timedelta(days=int(rng.integers(0, 20)))
    rows = [
        (day + pd.Timedelta(hours=10), float(rng.integers(15, 36) * 1_000), "本人", "现金", "现金存入"),
        (day + pd.Timedelta(hours=15), float(rng.integers(15, 36) * 1_000), "本人", "现金", "现金存入"),
        (day + pd.Timedelta(hours=16), -float(rng.integers(20, 45) * 1_000), "本人", "现金", "现金支取"),
        (day + pd.Timedelta(days=1, hours=9), -float(rng.integers(480, 520) * 1_000), "某建材有限公司", "境内转账", "货款"),
        (day + pd.Timedelta(days=2, hours=11), float(rng.integers(120, 260) * 1_000), "香港某贸易公司", "跨境转账",
         "境外汇入"),
        (day + pd.Timedelta(days=3, hours=10), float(rng.integers(40, 60) * 1_000), "本人", "现金", "现金存入"),
    ]
    tx = pd.DataFrame(rows, columns=["date", "amount", "counterparty", "kind", "description"])
    return offer, contract, tx


@exercise_briefing("ex07")
def _compliance_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from ..schedules import METHODS

    offer, contract, tx = _compliance_material(case)
    ad = pd.DataFrame({"项目": ["借款金额", "期限", "报价", "广告上的年化利率", "还款方式", "一次性服务费", "放款方式"],
                       "内容": [f"{offer.principal:,.0f} 元", f"{offer.months} 个月", f"月息 {offer.quoted_rate:.1%}",
                              f"{offer.shown_annual_rate:.1%}", METHODS[offer.method],
                              f"借款金额的 {offer.service_fee:.0%}，放款时扣除" if offer.service_fee else "无",
                              "按等额本金计算的全部利息在放款时从借款金额中预先扣除，"
                              f"之后每月只还本金 {offer.principal / offer.months:,.2f} 元"]})
    guarantee = contract.guarantees[0]
    terms = pd.DataFrame({"条款": ["贷款人", "借款人", "借款种类", "币种", "用途", "数额", "年利率", "期限", "还款方式",
                                 "主债务到期日", "保证人", "保证方式", "保证期间"],
                          "合同写明": [contract.lender, contract.borrower, contract.loan_type or "未写明",
                                   contract.currency or "未写明", contract.purpose or "未写明",
                                   f"{contract.amount:,.0f} 元" if contract.amount else "未写明",
                                   f"{contract.annual_rate:.1%}" if contract.annual_rate is not None else "未写明",
                                   f"{contract.months} 个月" if contract.months else "未写明",
                                   contract.repayment_method or "未写明", str(contract.due_date), guarantee.guarantor,
                                   guarantee.kind or "未约定", "未约定"]})
    shown = pd.DataFrame({"时间": tx["date"].dt.strftime("%Y-%m-%d %H:%M"), "金额（元，+收 −付）": tx["amount"],
                          "交易对手": tx["counterparty"], "类型": tx["kind"], "摘要": tx["description"]})
    note = (f"借款人 {case.borrower.name} 是个体工商户经营者，账户按自然人客户审查。三份材料均为教学虚构，"
            "每位学员的数字不同。")
    return Briefing(note, {"贷款广告": ad, "借款合同要点": terms, "交易清单": shown})


@expected_answers("ex07")
def _compliance_key(case: casebook.Case) -> dict[str, Any]:
    from .. import compliance

    offer, contract, tx = _compliance_material(case)
    disclosure = compliance.check_disclosure(offer)
    found = compliance.check_contract(contract)
    missing = [f.details["term"] for f in found if f.code == "missing_term"]
    report = compliance.aml_review(tx, customer=case.borrower.name)
    return {"true_rate": disclosure.rate.irr_rate, "legal_repayment": disclosure.legally_owed,
            "upfront_rule": "《民法典》第670条",
            "missing_term": _EX07_TERMS[missing[0]],
            "guarantee_kind": "一般保证" if any(f.code == "guarantee_type_default" for f in found) else "连带责任保证",
            "large_value_reports": float(len(report.large_value)),
            "large_value_total": float(report.large_value["total"].sum()), "reasoning": None}


# --------------------------------------------------------------------------- ex09: 分散经营 and 考核 (course 03)


