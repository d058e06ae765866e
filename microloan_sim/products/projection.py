"""The borrower's cash carried forward over a new loan's term, and seasonal repayment plans built on it."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .. import statements
from ..casebook import Case, monthly_ledger
from ..pricing import borrower_cashflows
from ..schedules import schedule

if TYPE_CHECKING:
    from .catalogue import Product

# --------------------------------------------------------------------------- seasonal repayment plan

def _projection(case: Case, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Revenue, closing cash and existing loan service for loan periods 1…months.

    Period k replays record month k; beyond the records the last twelve months repeat. Facilities that
    revolve in the record period (drawn and repaid) are assumed to go on revolving, but a debt paid off in
    the record period is not paid off a second time: the net paydown (bank loans at the start of the records
    less those at the end, such as C03's maturing 100,000 元) is taken out of the replayed repayments, latest
    first, and once no bank loan is left its interest stops too.
    """
    flow = statements.cash_flow(case).monthly
    records = case.records
    count = len(records)
    rows = [k if k < count else count - 12 + (k - count) % 12 for k in range(months)]
    repaid = (records["loan_repayment"] + records["business_loan_principal"]).to_numpy(dtype=float)
    interest = records["business_loan_interest"].to_numpy(dtype=float)
    ledger = monthly_ledger(case)
    closing_debt = max(float(ledger["short_term_loans"].iloc[-1]), 0.0)
    paydown = max(float(case.opening.short_term_loans) - closing_debt, 0.0)
    kept = repaid.copy()
    for k in range(count - 1, -1, -1):
        taken = min(kept[k], paydown)
        kept[k] -= taken
        paydown -= taken
    kept_interest = interest if closing_debt > 0 else np.zeros(count)
    relief = (repaid - kept) + (interest - kept_interest)  # history's service that does not recur
    revenue = records["revenue"].to_numpy(dtype=float)[rows]
    net = flow["net_cash_flow"].to_numpy(dtype=float)[rows] + relief[rows]
    closing = flow["opening_cash"].iloc[0] + np.cumsum(net)
    service = (kept + kept_interest)[rows]
    return revenue, closing, service


def _seasonal_plan(product: Product, principal: float, months: int, borrower: Case | None,
                   replace_existing: bool = False) -> tuple[list[int], list[float] | None]:
    """Repayment months and shares for a seasonal (按季节还本) product over ``months``.

    * With ``repayment_from_case`` and a borrower: principal is repaid in the borrower's sales months (months
      whose sales reach half of the best month). In each sales month before maturity the borrower repays
      as much as keeps the projected cash of every later month ≥ 0 (so the next production cycle stays
      funded; interest and fees are counted as if no principal had been repaid), rounded down to 100 元;
      the rest is repaid at maturity.
    * Else the product's ``repayment_months`` (repeated every 12 months), or everything at maturity.
    """
    if product.repayment_from_case and borrower is not None:
        revenue, closing, service = _projection(borrower, months)
        cash = closing + (np.cumsum(service) if replace_existing else 0.0)
        upper = borrower_cashflows(schedule(principal, product.rate, months, "interest_only"), **product.fees())
        costs = principal - upper["net"].iloc[0] - np.cumsum(upper["net"].to_numpy(dtype=float)[1:])
        costs[-1] -= principal  # the interest-only loan's own principal is not a cost
        headroom = cash - costs
        threshold = 0.5 * float(revenue.max()) if revenue.max() > 0 else math.inf
        plan: list[tuple[int, float]] = []
        remaining, repaid = principal, 0.0
        for k in range(1, months):
            if revenue[k - 1] >= threshold and remaining > 0:
                amount = min(math.floor(max(float(headroom[k - 1:].min()) - repaid, 0.0) / 100) * 100, remaining)
                if amount > 0:
                    plan.append((k, amount))
                    repaid += amount
                    remaining -= amount
        if remaining > 0:
            plan.append((months, remaining))
        return [k for k, _ in plan], [amount / principal for _, amount in plan]
    if product.repayment_months:
        base_shares = product.shares or [1.0] * len(product.repayment_months)
        pairs = sorted((m + 12 * year, share) for year in range(months // 12 + 1)
                       for m, share in zip(product.repayment_months, base_shares) if m + 12 * year <= months)
        if pairs:
            total = sum(share for _, share in pairs)
            return [m for m, _ in pairs], [share / total for _, share in pairs]
    return [months], None
