"""What run_all works from: the evidence an officer can gather on a case (:data:`EVIDENCE`, the toggles of the
04b dashboard) and what the borrower claims."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..casebook import Case


#: Evidence an officer can gather on a case, id → Chinese name (the toggles of the 04b dashboard). Each
#: respondent's statement is its own piece of evidence, ``"statement:<name>"``; ``"statements"`` means all
#: of them. The borrower's claims, the balance sheets, the loan application, what the officer sees in the
#: household and the industry norms (示例参数) are always at hand.
EVIDENCE: dict[str, str] = {
    "bank_transactions": "银行流水",
    "purchase_invoices": "进货发票",
    "price_survey": "商品进价售价调查",
    "inventory_count": "存货盘点表",
    "utility_bills": "电费单",
    "tax_records": "纳税记录",
    "sales_ledger": "销售账本",
    "statements": "询问记录（全部被询问人）",
}
STATEMENT_PREFIX = "statement:"


def evidence_items(case: Case) -> dict[str, str]:
    """The evidence available on ``case``, id → Chinese name, in :data:`EVIDENCE` order then one entry per
    respondent (``"statement:李建国"`` → ``"配偶李建国的陈述"``).

    Only documents the case has are listed (a salaried borrower has no purchase invoices). A case without
    ``investigation.yaml`` has no documents: the result is empty.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> items = evidence_items(ml.casebook.load_case("C01"))
    >>> items["bank_transactions"], items["statement:李建国"]
    ('银行流水', '配偶李建国的陈述')
    >>> "purchase_invoices" in evidence_items(ml.casebook.load_case("C06"))
    False
    """
    from .. import documents as dm

    if not dm.has_investigation(case):
        return {}
    docs = dm.build_documents(case, with_flaws=dm.has_answer_key(case))
    present = {
        "bank_transactions": not docs.bank_transactions.empty,
        "purchase_invoices": not docs.purchase_invoices.empty,
        "price_survey": docs.facts.weighted_margin is not None,
        "inventory_count": not docs.inventory_count.empty,
        "utility_bills": not docs.utility_bills.empty,
        "tax_records": not docs.tax_records.empty,
        "sales_ledger": not docs.sales_ledger.empty,
    }
    items = {key: EVIDENCE[key] for key, here in present.items() if here}
    people = docs.statements[["respondent", "role"]].drop_duplicates("respondent")
    for name, role in people.itertuples(index=False):
        items[f"{STATEMENT_PREFIX}{name}"] = f"{role}{name}的陈述"
    return items


@dataclass(frozen=True)
class _Gate:
    """Which evidence :func:`run_all` may use (``None``: all of it)."""

    kinds: frozenset[str] | None = None

    def has(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def heard(self, respondent: str) -> bool:
        return self.kinds is None or "statements" in self.kinds or f"{STATEMENT_PREFIX}{respondent}" in self.kinds


def _gate(evidence: Collection[str] | None) -> _Gate:
    """Normalise the ``evidence`` argument of :func:`run_all` (ids or Chinese names)."""
    if evidence is None:
        return _Gate()
    if isinstance(evidence, (str, bytes)):
        raise InputError("应为证据名称的列表，例如 [“银行流水”, “进货发票”]", field="证据")
    by_name = {name: key for key, name in EVIDENCE.items()}
    kinds = set()
    for item in evidence:
        text = str(item).strip()
        if text in EVIDENCE or (text.startswith(STATEMENT_PREFIX) and len(text) > len(STATEMENT_PREFIX)):
            kinds.add(text)
        elif text in by_name:
            kinds.add(by_name[text])
        else:
            raise InputError(f"没有名为“{text}”的证据（可用：{'、'.join(EVIDENCE.values())}，或 statement:被询问人）",
                             field="证据")
    return _Gate(frozenset(kinds))


@dataclass(frozen=True)
class _Basis:
    """What the borrower claims and what the officer knows, as run_all uses it."""

    sales: float               # claimed monthly sales (salary for a salaried borrower)
    margin: float | None       # claimed gross margin
    household: float           # claimed monthly household spending
    inventory: float           # declared inventory
    total_debt: float
    debt_service: float
    salary: float | None
    members: int
    area: str
    norm: str | None
    purpose: str


def _basis(case: Case, docs: Any) -> _Basis:
    r = case.records
    purpose = {"farm": "seasonal_working_capital", "consumer": "consumption"}.get(case.segment, "working_capital")
    if docs is not None:
        claims, facts = docs.claims, docs.facts
        sales = claims.monthly_salary if claims.monthly_salary is not None else claims.monthly_sales
        return _Basis(sales=float(sales), margin=claims.gross_margin, household=claims.household_spending,
                      inventory=claims.inventory, total_debt=claims.total_debt, debt_service=claims.monthly_debt_service,
                      salary=claims.monthly_salary, members=facts.members, area=facts.area, norm=facts.industry_norm,
                      purpose=facts.loan_purpose)
    revenue = float(r["revenue"].sum())
    margin = 1 - float(r["cost_of_goods_sold"].sum()) / revenue if revenue > 0 and case.segment != "consumer" else None
    payments = float((r["business_loan_interest"] + r["business_loan_principal"] + r["private_loan_interest"]
                      + r["private_loan_principal"]).mean())
    salary = float(r["other_income"].mean()) if case.segment == "consumer" else None
    return _Basis(sales=salary if salary is not None else float(r["revenue"].mean()), margin=margin,
                  household=float(r["household_expenses"].mean()),
                  inventory=float(r["inventory"].iloc[-1]), total_debt=0.0, debt_service=payments, salary=salary,
                  members=case.household.members, area="农村" if case.segment == "farm" else "城镇", norm=None,
                  purpose=purpose)
