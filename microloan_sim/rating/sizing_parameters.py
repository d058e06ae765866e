"""The loan-sizing parameters (``data/sizing.yaml``, all 示例参数): schema and cached loader.

They sit in the rating package, the lower rung, because the rating reads them too (the LTV table names the
guarantee categories and ranks a case's collateral; the farmer card's grades must have a ``farmer_line``
coefficient). :mod:`microloan_sim.sizing` re-exports :class:`SizingParameters` and :func:`load_parameters`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._data import load_cached_model
from ..schedules import normalize_method

PARAMETERS_FILE = "sizing.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Defaults(_Strict):
    annual_rate: float = Field(ge=0, le=1)
    growth: float = Field(gt=-1, le=5)
    method_by_segment: dict[Literal["business", "farm", "consumer"], str]

    @field_validator("method_by_segment")
    @classmethod
    def _methods(cls, value: dict[str, str]) -> dict[str, str]:
        return {segment: normalize_method(method) for segment, method in value.items()}


class _Capacity(_Strict):
    share: float = Field(gt=0, le=1)


class _WorkingCapital(_Strict):
    days_in_year: int = Field(gt=0)
    tiny_share: float = Field(ge=0, le=1)
    binding: bool


class _GradeLine(_Strict):
    income_multiple: float = Field(gt=0)
    net_assets_share: float = Field(gt=0, le=1)
    coefficients: dict[str, float]
    caps: dict[str, float]

    @model_validator(mode="after")
    def _grades_match(self) -> _GradeLine:
        for grade, value in self.coefficients.items():
            if not 0 <= value <= 1:
                raise ValueError(f"等级 {grade} 的系数应在 0 到 1 之间（当前为 {value}）")
        for grade, value in self.caps.items():
            if value < 0:
                raise ValueError(f"等级 {grade} 的上限不能为负数（当前为 {value}）")
        if set(self.coefficients) != set(self.caps):
            raise ValueError("coefficients 与 caps 应列出相同的等级（现为 "
                             f"{'、'.join(self.coefficients)} 与 {'、'.join(self.caps)}）")
        return self


class _FlowLine(_Strict):
    coefficient: float = Field(gt=0, le=1)
    cap: float = Field(gt=0)


class _Recommend(_Strict):
    product_cap: float = Field(gt=0)
    round_down_to: float = Field(gt=0)


class SizingParameters(_Strict):
    """Schema of ``data/sizing.yaml`` (all 示例参数)."""

    illustrative: Literal[True] = True
    defaults: _Defaults
    capacity: _Capacity
    working_capital: _WorkingCapital
    ltv: dict[str, float]
    farmer_line: _GradeLine
    flow_line: _FlowLine
    recommend: _Recommend

    @field_validator("ltv")
    @classmethod
    def _ltv_range(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("抵押率表不能为空")
        for kind, ltv in value.items():
            if not 0 <= ltv <= 1:
                raise ValueError(f"“{kind}”的抵押率应在 0 到 1 之间（当前为 {ltv}）")
        return value


def load_parameters(path: Path | str | None = None) -> SizingParameters:
    """Load and validate the sizing parameters (default ``data/sizing.yaml``).

    Errors name the file and the key, in Chinese.

    Examples
    --------
    >>> p = load_parameters()
    >>> p.capacity.share, p.ltv["活体"]
    (0.7, 0.5)
    """
    result: SizingParameters = load_cached_model(SizingParameters, path, PARAMETERS_FILE)
    return result



__all__ = ["PARAMETERS_FILE", "SizingParameters", "load_parameters"]
