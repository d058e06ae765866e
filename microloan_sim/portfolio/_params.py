"""Schema and loader of ``data/portfolio.yaml`` (示例参数 except the sourced NPL tolerance).

Examples
--------
>>> p = parameters()
>>> p.granularity.total_exposure, p.granularity.pd, p.policy.npl_tolerance_points
(10000000.0, 0.02, 0.03)
>>> sorted(p.shocks)
['core_enterprise', 'market']
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._data import load_cached_model

PORTFOLIO_FILE = "portfolio.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Granularity(_Strict):
    total_exposure: float = Field(gt=0)
    pd: float = Field(ge=0, le=1)
    lgd: float = Field(ge=0, le=1)
    scenarios: int = Field(ge=100, le=200_000)
    seed: int = 0
    loan_counts: list[int] = Field(min_length=1)


class Shock(_Strict):
    """A concentration shock: ``share`` of the exposure sits with one 核心企业's chain or one market; in a year
    with probability ``event_probability`` that cluster's default probability becomes ``shocked_pd``."""

    name: str
    share: float = Field(ge=0, le=1)
    event_probability: float = Field(ge=0, le=1)
    shocked_pd: float = Field(ge=0, le=1)


class Stage(_Strict):
    name: str
    hours: float = Field(ge=0)
    per: Literal["applicant", "visited", "loan"]


class Prescreen(_Strict):
    rejected_share: float = Field(ge=0, lt=1)
    approval_rate: float = Field(gt=0, le=1)
    hours_saved: dict[str, float] = {}
    data_cost_per_applicant: float = Field(ge=0)


class Officer(_Strict):
    hours_per_month: float = Field(gt=0)
    admin_share: float = Field(ge=0, lt=1)
    monthly_cost: float = Field(ge=0)
    approval_rate: float = Field(gt=0, le=1)
    stages: list[Stage] = Field(min_length=1)
    monitoring_hours_per_loan_month: float = Field(ge=0)
    term_months: int = Field(ge=1, le=360)
    prescreen: Prescreen

    @model_validator(mode="after")
    def _saved_hours_name_stages(self) -> Officer:
        hours = {s.name: s.hours for s in self.stages}
        for name, saved in self.prescreen.hours_saved.items():
            if name not in hours:
                raise ValueError(f"预筛节省的环节“{name}”不在 stages 中")
            if not 0 <= saved <= hours[name]:
                raise ValueError(f"预筛节省的“{name}”小时数应在 0 到 {hours[name]:g} 之间")
        return self


class Branch(_Strict):
    officers: int = Field(ge=1, le=1000)
    fixed_cost_per_month: float = Field(ge=0)
    funding_cost: float = Field(ge=0, le=1)
    average_balance_factor: float = Field(gt=0, le=1)
    loan_amount: float = Field(gt=0)
    annual_rate: float = Field(ge=0, le=1)
    pd: float = Field(ge=0, le=1)
    lgd: float = Field(ge=0, le=1)


class IncentiveBook(_Strict):
    """How the approved pool is played forward on the performance engine: one cohort of ``loans`` loans
    drawn with ``seed``; each month a loan meets a business shock with probability
    ``shock_rate_base + shock_rate_per_default_rate × (the approved pool's default rate)``."""

    loans: int = Field(ge=100, le=100_000)
    seed: int = 0
    shock_rate_base: float = Field(ge=0, le=1)
    shock_rate_per_default_rate: float = Field(ge=0, le=10)


class Incentives(_Strict):
    volume_bonus_per_10k: float = Field(ge=0)
    default_penalty: float = Field(ge=0)
    exemption_share: float = Field(ge=0, le=1)
    all_loans_npl: float = Field(ge=0, le=1)
    model: Literal["statistical", "expert"] = "statistical"
    book: IncentiveBook = IncentiveBook(loans=2000, seed=2024, shock_rate_base=0.0, shock_rate_per_default_rate=0.3)


class Policy(_Strict):
    npl_tolerance_points: float = Field(ge=0, le=1)


class PortfolioParameters(_Strict):
    """Schema of ``data/portfolio.yaml``."""

    illustrative: Literal[True] = True
    granularity: Granularity
    shocks: dict[str, Shock]
    officer: Officer
    branch: Branch
    incentives: Incentives
    policy: Policy


def parameters(path: Path | str | None = None) -> PortfolioParameters:
    """Load and validate the portfolio parameters (re-read when the file changes)."""
    result: PortfolioParameters = load_cached_model(PortfolioParameters, path, PORTFOLIO_FILE)
    return result

