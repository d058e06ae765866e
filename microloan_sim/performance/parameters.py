"""The performance engine's illustrative parameters (``data/performance.yaml``), validated on load.

Examples
--------
>>> p = load_parameters()
>>> p.classification.substandard_after, p.restructuring.observation_months
(90, 12)
>>> p.recovery.collateral["存货"]
0.25
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._data import load_cached_model

PARAMETERS_FILE = "performance.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ClassificationThresholds(_Strict):
    """Days past due above which each category is the floor (五级分类下限)."""

    special_mention_after: int = Field(default=0, ge=0)
    substandard_after: int = Field(default=90, ge=0)
    doubtful_after: int = Field(default=270, ge=0)
    loss_after: int = Field(default=360, ge=0)

    @model_validator(mode="after")
    def _increasing(self) -> ClassificationThresholds:
        values = [self.special_mention_after, self.substandard_after, self.doubtful_after, self.loss_after]
        if values != sorted(values) or len(set(values)) != 4:
            raise ValueError("逾期天数门槛应逐级递增：关注 < 次级 < 可疑 < 损失")
        return self


class Restructuring(_Strict):
    observation_months: int = Field(default=12, ge=1, le=60)


class Playback(_Strict):
    days_per_period: int = Field(default=30, ge=28, le=31)
    penalty_interest: bool = True
    penalty_markup: float = Field(default=0.5, ge=0, le=1)
    buffer_share: float = Field(default=0.5, ge=0, le=1)
    purpose_spent: bool = True


class Recovery(_Strict):
    collateral: dict[str, float]
    guarantee: float = Field(default=0.3, ge=0, le=1)
    default_after: int = Field(default=90, ge=0)

    @model_validator(mode="after")
    def _rates(self) -> Recovery:
        for kind, rate in self.collateral.items():
            if not 0 <= rate <= 1:
                raise ValueError(f"“{kind}”的回收率应在 0 到 1 之间（当前为 {rate}）")
        return self


class EarlyWarning(_Strict):
    inflow_drop: float = Field(default=0.3, gt=0, lt=1)
    drain_months: int = Field(default=2, ge=1, le=12)
    new_lender: bool = True


class BookParameters(_Strict):
    segment_mix: dict[Literal["business", "farm", "consumer"], float]
    annual_rate: float = Field(default=0.072, ge=0, le=1)
    disbursement_months: int = Field(default=12, ge=1, le=120)
    income_sd: float = Field(default=0.2, ge=0, le=2)
    amount_low: float = Field(default=0.5, gt=0)
    amount_high: float = Field(default=1.1, gt=0)
    shock_rate: float = Field(default=0.015, ge=0, le=1)
    shock_size_low: float = Field(default=0.3, ge=0)
    shock_size_high: float = Field(default=1.6, ge=0)
    shock_months_low: int = Field(default=3, ge=1)
    shock_months_high: int = Field(default=12, ge=1)
    hidden_lender_rate: float = Field(default=0.004, ge=0, le=1)
    hidden_lender_share: float = Field(default=0.5, ge=0)
    systematic_sd: float = Field(default=0.1, ge=0, le=2)

    @model_validator(mode="after")
    def _ranges(self) -> BookParameters:
        if not self.segment_mix or any(v < 0 for v in self.segment_mix.values()) or sum(self.segment_mix.values()) <= 0:
            raise ValueError("客户结构 segment_mix 的比例应为非负数且合计大于 0")
        if self.amount_low > self.amount_high or self.shock_size_low > self.shock_size_high \
                or self.shock_months_low > self.shock_months_high:
            raise ValueError("区间下限不能大于上限（amount / shock_size / shock_months）")
        return self


class PerformanceParameters(_Strict):
    illustrative: Literal[True] = True
    classification: ClassificationThresholds = ClassificationThresholds()
    restructuring: Restructuring = Restructuring()
    playback: Playback = Playback()
    recovery: Recovery
    early_warning: EarlyWarning = EarlyWarning()
    book: BookParameters


def load_parameters(path: Path | str | None = None) -> PerformanceParameters:
    """Load and validate the performance parameters (default ``data/performance.yaml``).

    A broken file raises :class:`~microloan_sim.errors.InputError` naming the file and the field.
    """
    result: PerformanceParameters = load_cached_model(PerformanceParameters, path, PARAMETERS_FILE)
    return result

