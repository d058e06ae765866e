"""run_all: every cross-check that applies to a case, on the documents an officer gathers."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import InputError
from ..labels import TURNOVER_DEFINITIONS
from ._common import _cite
from .config import _parameter, industry_norms
from .document_checks import _document_checks
from .evidence import _basis, _Basis, _gate
from .methods_equity import equity_check
from .methods_ratios import (expense_ratio_check, family_spending_check, gross_margin_check, inventory_days_check,
                             loan_purpose_check, receivable_days_check)
from .results import CheckResult, Verdict  # noqa: F401  (Verdict: used by the Examples)

if TYPE_CHECKING:
    from ..casebook import Case


def run_all(case: Case, *, with_flaws: bool = True,
            evidence: Collection[str] | None = None) -> list[CheckResult]:
    """Run every cross-check that applies to ``case``, on the documents an officer gathers.

    The documents come from :func:`microloan_sim.documents.build_documents` (with the case's planted flaws,
    or the clean control with ``with_flaws=False``). A case without ``investigation.yaml`` yet gets the checks
    that need only its records and household block (equity, turnover days, ratios, family spending, loan
    purpose); a case without ``answer_key.yaml`` is run clean. Each result's explanation starts with the
    documents it used. Methods and groups:

    1. 权益交叉检验: the borrower's *claimed* profit (claimed sales × claimed margin − expenses − claimed
       household spending − declared repayments) rolled from the opening balance sheet, plus the principal
       repaid (deducted in the IPC profit line but not reducing equity, see
       :func:`microloan_sim.statements.equity_link`), vs today's reconstructed balance sheet.
    2. 加权毛利率 (price survey) vs claimed margin; 进货核定法 (purchase invoices, opening and counted
       inventory, weighted margin); 分类核定法 (the product bought from its own supplier).
    3. 流水核定法 (business inflows from :func:`microloan_sim.offsite.analyse`, less identified non-sales
       inflows, ÷ account share); 负债核实 (recurring repayments vs declared debts); 流水家庭开支;
       代发工资核定法 (salaried borrowers).
    4. 水电物耗核定法 (electricity bills).
    5. 存货盘点核对; 存货 / 应收账款周转天数 vs industry norms (skipped when the balance is below 10% of a
       month's cost or sales).
    6. 不同来源核对 per topic (borrower's claim vs spouse, employee, supplier…); 账本核定法; 票据核定法 (tax
       declarations, where the regime taxes actual sales).
    7. 毛利率 and 费用率 vs industry norms; 家庭开支与生活水平; 贷款用途与经营规模.

    Parameters
    ----------
    case : Case
        A loaded case (canonical or variant).
    with_flaws : bool, optional
        Use the documents with the planted flaws (default) or the clean control.
    evidence : collection of str, optional
        The evidence at hand: ids or Chinese names of :data:`EVIDENCE`, and ``"statement:<name>"`` per
        respondent (see :func:`evidence_items`). A check runs only when every document it needs is given:
        without ``"bank_transactions"`` there is no 流水核定法, 负债核实 or 流水家庭开支; a 不同来源核对 uses
        only the respondents given and is skipped when fewer than two sources remain. Checks on the
        borrower's claims, the balance sheets and industry norms always run. ``None`` (default): all evidence.

    Returns
    -------
    list of CheckResult

    Examples
    --------
    >>> import microloan_sim as ml
    >>> results = run_all(ml.casebook.load_case("C01"))
    >>> len({r.method for r in results}) >= 10
    True
    >>> clean = run_all(ml.casebook.load_case("C01"), with_flaws=False)
    >>> any(r.verdict is Verdict.CONTRADICTION for r in clean)
    False

    Without the bank statement, the checks that need it do not run:

    >>> some = run_all(ml.casebook.load_case("C01"), evidence=["进货发票", "存货盘点表", "statement:李建国"])
    >>> {"sales_from_bank_flows", "debt_service"} & {r.method for r in some}
    set()
    """
    from .. import documents as dm

    gate = _gate(evidence)
    from ..statements import balance_sheet, income_statement

    docs = None
    if dm.has_investigation(case):
        docs = dm.build_documents(case, with_flaws=bool(with_flaws) and dm.has_answer_key(case))
    basis = _basis(case, docs)
    pnl = income_statement(case).monthly
    n = case.months
    results: list[CheckResult] = [_equity(case, basis, pnl)]
    if docs is not None:
        results += _document_checks(case, docs, basis, gate)
    closing = balance_sheet(case)
    norms: dict[str, float] = {}
    if case.segment != "consumer":
        try:
            norms = industry_norms(basis.norm or case.industry)
        except InputError:
            norms = {}
    margin = basis.margin
    if "inventory_days" in norms and margin is not None:
        claimed_cogs = basis.sales * (1 - margin)
        if claimed_cogs > 0 and basis.inventory >= 0.1 * claimed_cogs:
            results.append(_cite(inventory_days_check(basis.inventory, claimed_cogs, norms["inventory_days"]),
                                 "申报的存货、申报销售额与毛利率推出的月销货成本，行业参考天数（示例参数）；"
                                 + TURNOVER_DEFINITIONS["crosscheck"]))
    receivables = float(closing.items["accounts_receivable"])
    if "receivable_days" in norms and basis.sales > 0 and receivables >= 0.1 * basis.sales:
        results.append(_cite(receivable_days_check(receivables, basis.sales, norms["receivable_days"]),
                             "重构资产负债表的应收账款、申报销售额，行业参考天数（示例参数）"))
    if "gross_margin" in norms and margin is not None and margin > 0:
        results.append(_cite(gross_margin_check(margin, norms["gross_margin"]),
                             "借款人申报的毛利率，行业参考毛利率（示例参数）"))
    expenses = float(pnl["operating_expenses"].mean())
    if "expense_ratio" in norms and expenses > 0 and basis.sales > 0:
        results.append(_cite(expense_ratio_check(expenses, basis.sales, norms["expense_ratio"]),
                             f"重构损益表的月均经营费用、申报销售额（{n} 个月），行业参考费用率（示例参数）"))
    if basis.household > 0:
        extras = dict(docs.facts.household_extras) if docs is not None else {}
        results.append(_cite(family_spending_check(basis.household, basis.members, area=basis.area, extra=extras),
                             "借款人申报的家庭开支、家庭人口与现场所见的额外开支（学费、养车等）"))
    if basis.sales > 0:
        months = _parameter("loan_purpose", basis.purpose, "可支撑月数")
        results.append(_cite(loan_purpose_check(case.request.amount, basis.sales, basis.purpose, months),
                             f"借款申请（{case.request.purpose}）、申报的月{'收入' if basis.salary else '销售额'}"))
    return results


def equity_from_claims(case: Case, *, with_flaws: bool = True) -> CheckResult:
    """The 权益交叉检验 of :func:`run_all` alone: the borrower's claimed profit rolled from the opening balance
    sheet against today's reconstructed one (domain §2.2). Scorecards read its deviation.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> flawed = equity_from_claims(ml.casebook.load_case("C01"))
    >>> clean = equity_from_claims(ml.casebook.load_case("C01"), with_flaws=False)
    >>> abs(flawed.deviation) > abs(clean.deviation)
    True
    """
    from .. import documents as dm
    from ..statements import income_statement

    docs = None
    if dm.has_investigation(case):
        docs = dm.build_documents(case, with_flaws=bool(with_flaws) and dm.has_answer_key(case))
    return _equity(case, _basis(case, docs), income_statement(case).monthly)


def _equity(case: Case, basis: _Basis, pnl: pd.DataFrame) -> CheckResult:
    from ..statements import balance_sheet

    r = case.records
    n = case.months
    revenue = float(r["revenue"].mean())
    true_margin = 1 - float(r["cost_of_goods_sold"].sum()) / float(r["revenue"].sum()) if revenue > 0 else 0.0
    margin = basis.margin if basis.margin is not None else true_margin
    if basis.salary is not None:  # a salaried borrower: the claimed wages against those in the records
        income_gap = basis.salary - float(r["other_income"].mean())
    else:
        income_gap = basis.sales * margin - revenue * true_margin
    gap = income_gap + float(r["household_expenses"].mean()) - basis.household
    claimed = float(pnl["disposable_income"].sum()) + n * gap
    principal = float((r["business_loan_principal"] + r["private_loan_principal"]).sum())
    opening = balance_sheet(case, "opening").equity
    actual = balance_sheet(case).equity
    injections, withdrawals = float(r["injections"].sum()), float(r["withdrawals"].sum())
    appreciation = float(r["appreciation"].sum())
    average = claimed / n
    note = ""
    if average <= 0:
        grown = (actual - opening - principal - injections + withdrawals - appreciation) / n
        average = max(grown, 0.02 * basis.sales, 1.0)
        note = f"（申报口径的月可支配资金不为正，偏差率改按资产负债表反映的月均 {average:,.0f} 元计算）"
    result = equity_check(opening, claimed + principal, injections, withdrawals, appreciation, 0.0, actual, n,
                          average)
    return replace(result, explanation=(
        f"证据：期初资产负债表、今日重构的资产负债表（存货按盘点）、借款人申报的销售额、毛利率和家庭开支。"
        f"期间利润取申报口径的 {n} 个月累计月可支配资金 {claimed:,.0f} 元，加上已在损益中扣减、但不减少权益的"
        f"还本 {principal:,.0f} 元；折旧已在损益中扣减{note}。{result.explanation}"),
        details={**result.details, "申报口径累计月可支配资金": claimed, "期间还本": principal})
