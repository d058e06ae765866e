"""Schema and loader of ``data/marketing.yaml`` (every number a 示例参数: no public conversion rates or costs
per client were found, shared/domain-parts.md §5.1).

Examples
--------
>>> p = parameters()
>>> p.county.village_households, p.strategies["grid"].label, p.core_shock.delay_days
(200, '网格化', 60)
>>> sorted(p.kinds)
['farm', 'household', 'shop', 'stall', 'supplier']
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._data import load_cached_model

MARKETING_FILE = "marketing.yaml"
KINDS = ("farm", "household", "shop", "stall", "supplier")
STRATEGIES = ("sweep", "grid", "market", "chain", "village")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CountyParameters(_Strict):
    rows: int = Field(ge=2, le=20)
    cols: int = Field(ge=2, le=20)
    village_share: float = Field(ge=0, le=1)
    village_households: int = Field(ge=1, le=5_000)
    village_mix: dict[str, float]
    town_households: tuple[int, int]
    town_mix: dict[str, float]
    market_stalls: tuple[int, int]
    market_households: tuple[int, int]
    cluster_suppliers: tuple[int, int]
    cluster_households: tuple[int, int]

    @model_validator(mode="after")
    def _mixes(self) -> CountyParameters:
        for name, mix in (("village_mix", self.village_mix), ("town_mix", self.town_mix)):
            if set(mix) - set(KINDS) or any(v < 0 for v in mix.values()) or abs(sum(mix.values()) - 1) > 1e-6:
                raise ValueError(f"{name} 应为各类客户的非负比例，合计 1")
        for name in ("town_households", "market_stalls", "market_households", "cluster_suppliers",
                     "cluster_households"):
            low, high = getattr(self, name)
            if not 0 <= low <= high:
                raise ValueError(f"{name} 应为 [下限, 上限] 且 0 ≤ 下限 ≤ 上限")
        return self


class Kind(_Strict):
    label: str
    cases: dict[str, float] = Field(min_length=1)


class Strategy(_Strict):
    label: str
    reach_per_day: float = Field(gt=0)
    setup_days: float = Field(ge=0)
    setup_cost: float = Field(ge=0)
    apply_rate: float = Field(ge=0, le=1)
    approve_rate: float = Field(ge=0, le=1)
    draw_rate: float = Field(ge=0, le=1)
    shock_factor: float = Field(ge=0, le=10)
    kinds: list[str] = Field(min_length=1)


class VillageRating(_Strict):
    min_grade: str
    income_per_capita: tuple[float, float]
    people: tuple[int, int]
    debt_ratio: tuple[float, float]
    net_assets: tuple[float, float]
    overdue_probability: float = Field(ge=0, le=1)
    reputation: dict[str, float]
    credit_village_share: float = Field(ge=0, le=1)


class CoreShock(_Strict):
    delay_days: int = Field(ge=0, le=360)
    start_month: int = Field(ge=1, le=120)
    duration_months: int = Field(ge=1, le=120)
    core_share: tuple[float, float]
    pass_through: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _share(self) -> CoreShock:
        low, high = self.core_share
        if not 0 <= low <= high <= 1:
            raise ValueError("core_share 应为 [下限, 上限]，且 0 ≤ 下限 ≤ 上限 ≤ 1")
        return self


class Campaign(_Strict):
    max_pushes_per_week: float = Field(ge=0)


class Question(_Strict):
    prompt: str
    options: list[str] = Field(min_length=2)
    answer: str
    explain: str

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> Question:
        if self.answer not in self.options:
            raise ValueError(f"答案“{self.answer}”不在选项中")
        return self


class Quiz(_Strict):
    title: str
    note: str = ""
    questions: list[Question] = Field(min_length=1)


class MarketingParameters(_Strict):
    county: CountyParameters
    kinds: dict[str, Kind]
    cost_per_officer_day: float = Field(ge=0)
    months: int = Field(ge=1, le=60)
    disbursement_months: int = Field(ge=1, le=60)
    strategies: dict[str, Strategy]
    village_rating: VillageRating
    core_shock: CoreShock
    campaign: Campaign
    quizzes: dict[str, Quiz] = {}

    @model_validator(mode="after")
    def _names(self) -> MarketingParameters:
        if set(self.kinds) != set(KINDS):
            raise ValueError(f"kinds 应恰好是 {', '.join(KINDS)}")
        if set(self.strategies) != set(STRATEGIES):
            raise ValueError(f"strategies 应恰好是 {', '.join(STRATEGIES)}")
        for key, s in self.strategies.items():
            if set(s.kinds) - set(KINDS):
                raise ValueError(f"营销方式 {key} 的 kinds 含有未知的客户类型")
        return self


def parameters(path: Path | str | None = None) -> MarketingParameters:
    """Load and validate the marketing parameters (re-read when the file changes)."""
    result: MarketingParameters = load_cached_model(MarketingParameters, path, MARKETING_FILE)
    return result
