"""微贷革命 in numbers (course 03): 分散经营 loss distributions, officer and branch economics, the policy
checker and the 考核 simulator.

* :mod:`.credit` — the same exposure split into 1 … 5,000 loans; binomial and Vasicek one-factor Monte Carlo
  (Basel other-retail correlation by default), EL, SD, the 99% loss, HHI and the effective number of loans, and a
  concentration shock (one 核心企业 or one market).
* :mod:`.economics` — hours per stage with digital pre-screening on or off → loans per officer per month, cost
  per loan, break-even loan size and rate (示例参数).
* :mod:`.policy` — 两增两控 and the 3-point NPL tolerance on a branch's figures (sourced).
* :mod:`.incentives` — volume vs risk-adjusted bonus with 尽职免责 → the cut-off an officer picks → the book
  after 12 months, played forward on :mod:`microloan_sim.performance` (PAR30/PAR90, 五级分类, loss).

Parameters live in ``microloan_sim/data/portfolio.yaml``.

Examples
--------
>>> import microloan_sim as ml
>>> book = ml.portfolio.equal_book(10_000_000, 200, pd=0.02, lgd=0.5)
>>> ml.portfolio.simulate_losses(book, model="binomial", seed=0).expected_loss
100000.0
"""
from __future__ import annotations

from ._params import PortfolioParameters, Shock, parameters
from .credit import (
    GRANULARITY_COLUMNS,
    METHODS,
    MODELS,
    Book,
    LossDistribution,
    basel_retail_correlation,
    binomial_loss_quantile,
    effective_number,
    equal_book,
    granularity_simulation,
    granularity_table,
    hhi,
    make_book,
    simulate_losses,
    vasicek_loss_quantile,
)
from .economics import (
    BranchEconomics,
    OfficerEconomics,
    branch_economics,
    break_even_amount,
    break_even_rate,
    officer_economics,
)
from .incentives import (
    SCHEMES,
    IncentiveOutcome,
    compare_schemes,
    engine_book,
    incentive_outcome,
    officer_bonus,
    pool_default_rate,
    shock_rate_for,
)
from .policy import POLICY_COLUMNS, PolicyReport, check_policy

__all__ = [
    "GRANULARITY_COLUMNS", "METHODS", "MODELS", "POLICY_COLUMNS", "SCHEMES", "Book", "BranchEconomics",
    "IncentiveOutcome", "LossDistribution", "OfficerEconomics", "PolicyReport", "PortfolioParameters", "Shock",
    "basel_retail_correlation", "binomial_loss_quantile", "branch_economics", "break_even_amount",
    "break_even_rate", "check_policy", "compare_schemes", "effective_number", "engine_book", "equal_book",
    "granularity_simulation", "granularity_table", "hhi", "incentive_outcome", "make_book", "officer_bonus",
    "parameters", "pool_default_rate", "shock_rate_for", "simulate_losses", "vasicek_loss_quantile",
]
