"""The borrower's cash carried forward over a new loan's term, and seasonal repayment plans built on it."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..casebook import Case
from ..statements import projected_cash as _projection
from ..pricing import borrower_cashflows
from ..schedules import schedule

if TYPE_CHECKING:
    from .catalogue import Product

# --------------------------------------------------------------------------- seasonal repayment plan

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
