"""Answer keys for the casework exercises: ex01 statements, ex03 rating, ex04 sizing, ex02 cross-verification, ex08 loan-file review."""
from __future__ import annotations

from typing import Any

from .. import casebook, statements
from .core import Briefing, exercise_briefing, expected_answers

@expected_answers("ex01")
def _statements_key(case: casebook.Case) -> dict[str, Any]:
    """The statements rebuilt from the case's truth; the ex01 documents (``documents.visit_records`` and the
    clean ``documents.build_documents``) agree with it. A salaried borrower is asked household figures
    (工资收入, 家庭开支, 私人贷款还款, 偿还的本金) instead of the business ones (流动资产, 销售收入, 毛利, 净利润)."""
    closing = statements.balance_sheet(case)
    pnl = statements.income_statement(case, "accrual")
    monthly = pnl.monthly
    key = {
        "closing_cash": closing.items["cash_and_deposits"],
        "total_assets": closing.total_assets,
        "total_liabilities": closing.total_liabilities,
        "equity": closing.equity,
        "debt_ratio": closing.debt_ratio,
        "average_disposable": pnl.average_disposable_income,
    }
    if case.segment == "consumer":
        return {**key,
                "wage_income_total": float(monthly["other_income"].sum()),
                "household_expenses_total": float(monthly["household_expenses"].sum()),
                "private_loan_payments_total": float(monthly["private_loan_payments"].sum()),
                "principal_repaid_total": float(case.records["private_loan_principal"].sum())}
    return {**key,
            "current_assets": closing.current_assets,
            "revenue_total": float(monthly["revenue"].sum()),
            "gross_profit_total": float(monthly["gross_profit"].sum()),
            "net_profit_total": float(pnl.net_profit.sum())}


@expected_answers("ex03")
def _rating_key(case: casebook.Case) -> dict[str, Any]:
    from .. import rating

    result = rating.rate(case, rating.default_scorecard(case))  # the card of the borrower's segment
    return {"score": result.score, "grade": result.grade, "credit_line": result.credit_line,
            "main_reason": result.reasons[0].name}


@expected_answers("ex04")
def _sizing_key(case: casebook.Case) -> dict[str, Any]:
    from .. import sizing

    advice = sizing.recommend(case, method="equal_installment")  # the exercise states 等额本息 for every borrower
    return {"monthly_disposable": statements.income_statement(case).average_disposable_income,
            "capacity": advice.limit("capacity"), "recommended": advice.amount, "binding": advice.binding_label}


# --------------------------------------------------------------------------- ex05: products by true cost


@exercise_briefing("ex08")
def _review_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from ..performance import load_review

    review = load_review()
    flags = review.variant_flags(case.variant)
    table = pd.DataFrame({"环节": [f"第 {i} 环节 {s.name}" for i, s in enumerate(review.stages, start=1)],
                          "档案摘要": [s.document if flags[s.id] else s.clean_document for s in review.stages]})
    loan = review.spec.loan
    note = (f"借款人：{case.title}（{case.borrower.name}），申请 {loan.amount:,.0f} 元、{loan.months} 个月，"
            f"用途：{case.request.purpose}。下表是你这份档案在八个环节的摘要（教学虚构）。")
    return Briefing(note, {"贷款档案": table})


@expected_answers("ex08")
def _review_key(case: casebook.Case) -> dict[str, Any]:
    from ..performance import load_review

    review = load_review()
    flags = review.variant_flags(case.variant)
    key: dict[str, Any] = {"findings": None}
    for stage in review.stages:
        key[stage.id] = [c for c, spec in stage.choices.items() if spec.outcome == "caught"] if flags[stage.id] \
            else "通过"
    return key


# --------------------------------------------------------------------------- ex02: cross-verification

_VERDICT_BY_FLAW = {
    "inflated_sales": ("sales_verdict", "被夸大"),
    "hidden_income": ("sales_verdict", "被少报"),
    "hidden_debt": ("debt_verdict", "有隐性负债"),
    "overstated_inventory": ("inventory_verdict", "被高报"),
    "personal_spending": ("spending_verdict", "私人开支经生意账户支付（申报偏低）"),
    "undeclared_card_debt": ("debt_verdict", "有隐性负债"),
}
_CLEAN_VERDICTS = {"sales_verdict": "与证据一致", "debt_verdict": "如实申报", "inventory_verdict": "如实申报",
                   "spending_verdict": "如实申报"}


def exam_flaws(case: casebook.Case) -> tuple[str, ...] | None:
    """Which of the case's planted flaws (``answer_key.yaml`` ids) this variant's documents carry: each with
    probability ½ from the seed, never all of them (the course dashboards plant all of them, so the verdicts a
    learner reads there are never the exam's); ``None`` (all) for the canonical case.

    Examples
    --------
    >>> case = casebook.load_case("C01", variant=11)
    >>> chosen = exam_flaws(case)
    >>> chosen == exam_flaws(casebook.load_case("C01", variant=11)) and len(chosen) < 3
    True
    >>> len({exam_flaws(casebook.load_case("C05", variant=seed)) for seed in range(40)})
    3
    """
    import numpy as np

    from .. import documents

    if case.variant is None:
        return None
    ids = [flaw.id for flaw in documents.load_answer_key(case)]
    rng = np.random.default_rng([case.variant, 2_002])
    keep = rng.random(len(ids)) < 0.5
    if keep.all():
        keep[int(rng.integers(0, len(ids)))] = False
    return tuple(flaw for flaw, kept in zip(ids, keep) if kept)


def _exam_documents(case: casebook.Case) -> Any:
    from .. import documents

    return documents.build_documents(case, only=exam_flaws(case))


@exercise_briefing("ex02")
def _crosscheck_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    docs = _exam_documents(case)
    claims = docs.claims
    declared = pd.DataFrame({"项目": ["月均销售额（元）", "毛利率", "家庭月开支（元）", "存货（元，按进价）"],
                             "借款人申报": [f"{claims.monthly_sales:,.0f}", f"{claims.gross_margin:.1%}",
                                         f"{claims.household_spending:,.0f}", f"{claims.inventory:,.0f}"]})
    debts = claims.debts.rename(columns={"lender": "债权人", "kind": "类型", "balance": "余额（元）",
                                         "monthly_payment": "月还款（元）"})
    said = docs.statements.rename(columns={"respondent": "陈述人", "role": "身份", "topic": "事项", "value": "数值",
                                           "unit": "单位", "remark": "原话"})
    count = docs.inventory_count.rename(columns={"item": "品类", "unit": "单位", "quantity": "数量",
                                                 "unit_cost": "进价（元）", "amount": "金额（元）"})
    bank = docs.bank_transactions
    month = bank["date"].dt.strftime("%Y-%m")
    monthly = pd.DataFrame({"月份": sorted(month.unique())})
    monthly["转入合计（元）"] = monthly["月份"].map(bank["amount"].clip(lower=0).groupby(month).sum()).round(2)
    monthly["转出合计（元）"] = monthly["月份"].map(-bank["amount"].clip(upper=0).groupby(month).sum()).round(2)
    outflows = bank[bank["amount"] < 0]
    paid = outflows.groupby("counterparty")["amount"].agg(["count", "sum"]).sort_values("sum").head(15)
    payees = pd.DataFrame({"交易对手": paid.index, "笔数": paid["count"].to_numpy(),
                           "转出合计（元）": (-paid["sum"]).round(2).to_numpy()})
    note = (f"{case.title}（{case.borrower.name}），申请 {case.request.amount:,.0f} 元。"
            f"据调查，约 {docs.facts.account_share:.0%} 的销售经“{docs.facts.account}”收款；"
            f"该账户 12 个月的流水共 {len(bank):,} 笔，下面给出按月汇总和转出金额最大的交易对手。"
            "课程仪表板中的练习变体与本考核案例不同。")
    return Briefing(note, {"借款人申报": declared, "借款人申报的负债": debts, "不同人员的说法": said, "现场盘点表": count,
                           "银行流水按月汇总": monthly, "转出金额最大的交易对手": payees})


@expected_answers("ex02")
def _crosscheck_key(case: casebook.Case) -> dict[str, Any]:
    from .. import documents

    docs = _exam_documents(case)
    spouse_debt = docs.statements[(docs.statements["role"] == "配偶") & (docs.statements["topic"] == "负债合计")]
    key: dict[str, Any] = {
        "counted_inventory": float(docs.inventory_count["amount"].sum()),
        "debt_gap": float(spouse_debt["value"].iloc[0]) - float(docs.claims.debts["balance"].sum()),
        **_CLEAN_VERDICTS,
    }
    for flaw in documents.planted_flaws(case, only=exam_flaws(case)):
        if flaw.kind in _VERDICT_BY_FLAW:
            item, verdict = _VERDICT_BY_FLAW[flaw.kind]
            key[item] = verdict
    return key


# --------------------------------------------------------------------------- ex07: compliance review


