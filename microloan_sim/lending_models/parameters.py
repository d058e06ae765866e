"""The data behind 第一部分 and 第二部分, validated on load.

``data/lending_models.yaml`` (示例参数): the traditional rule, the IPC officer's effort, what each case could
show a traditional lender, the review levels of the 推广走样 simulation and the 004 product types.
``data/lending_history.yaml`` (sourced): the 2004–2014 timeline and the case cards; every figure and every
point of a series carries a ``source`` (a web address or a named document), and the prose carries no
figures (no ASCII digits), so that everything a dashboard shows as a number comes from a sourced entry.

Examples
--------
>>> p = load_parameters()
>>> p.traditional.property_ltv, p.borrowers["C01"].audited_statements
(0.7, False)
>>> h = load_history()
>>> all(f.source for card in h.cases for f in card.figures)
True
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._data import load_cached_model

PARAMETERS_FILE = "lending_models.yaml"
HISTORY_FILE = "lending_history.yaml"
_SOURCE = r"^(https?://\S+|LawRefBook/\S.*)$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


# --------------------------------------------------------------------------- 示例参数

class TraditionalRule(_Strict):
    name: str
    require_audited_statements: bool = True
    require_property: bool = True
    property_ltv: float = Field(gt=0, le=1)
    term_months: int = Field(gt=0, le=360)
    officer_hours: float = Field(gt=0)
    days_to_decision: float = Field(gt=0)
    law: str = ""
    law_source: str = ""


class IpcEffort(_Strict):
    name: str
    officer_hours: float = Field(gt=0)
    days_to_decision: float = Field(gt=0)


class BorrowerPapers(_Strict):
    audited_statements: bool
    property: float = Field(ge=0)
    note: str = ""


class ReviewLevel(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    description: str
    evidence: list[str] | None
    exclude_methods: list[str] = []


class SizingAssumptions(_Strict):
    annual_rate: float = Field(ge=0, le=1)
    share: float = Field(gt=0, le=1)


class ProductType(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    description: str
    products: list[str] = Field(min_length=1)


class SizeBands(_Strict):
    source: str = Field(min_length=4)
    limits: list[float] = Field(min_length=1)
    labels: list[str]

    @model_validator(mode="after")
    def _shape(self) -> SizeBands:
        if len(self.labels) != len(self.limits) + 1:
            raise ValueError("labels 应比 limits 多一项（最后一档没有上限）")
        if self.limits != sorted(self.limits) or len(set(self.limits)) != len(self.limits):
            raise ValueError("limits 应从小到大排列且不重复")
        return self


class LendingModels(_Strict):
    traditional: TraditionalRule
    ipc: IpcEffort
    borrowers: dict[str, BorrowerPapers]
    review_levels: list[ReviewLevel] = Field(min_length=1)
    sizing: SizingAssumptions
    product_types: list[ProductType] = Field(min_length=1)
    size_bands: SizeBands


def load_parameters(path: Path | str | None = None) -> LendingModels:
    """The 示例参数 of 第一部分 (default ``data/lending_models.yaml``); errors name the file and field."""
    result: LendingModels = load_cached_model(LendingModels, path, PARAMETERS_FILE)
    return result


# --------------------------------------------------------------------------- sourced facts

def _as_text(value: Any) -> Any:
    if isinstance(value, (dt.date, int)) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _no_digits(value: str, field: str) -> str:
    if re.search(r"[0-9]", value):
        raise ValueError(f"{field} 中不得写数字（数字应写进带来源的 figures），当前为“{value}”")
    return value


class Figure(_Strict):
    """One sourced number: ``label`` (Chinese), ``value``, ``unit``, optional ``date``, ``source`` and ``note``."""

    label: str = Field(min_length=1)
    value: float
    unit: str = ""
    date: str | None = None
    source: str = Field(pattern=_SOURCE)
    note: Literal["secondary", "derived", "anecdotal"] | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return _as_text(value)


class Point(_Strict):
    x: str
    value: float
    source: str = Field(pattern=_SOURCE)

    @field_validator("x", mode="before")
    @classmethod
    def _x_text(cls, value: Any) -> Any:
        return _as_text(value)


class Series(_Strict):
    label: str
    unit: str
    points: list[Point] = Field(min_length=2)


class TimelineEntry(_Strict):
    date: str
    text: str = Field(min_length=4)
    source: str = Field(pattern=_SOURCE)
    figures: list[Figure] = []

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        return _as_text(value)

    @field_validator("text")
    @classmethod
    def _prose(cls, value: str) -> str:
        return _no_digits(value, "text")


Section = Literal["foreign", "joint_stock", "policy", "city", "rural", "village", "warning"]
#: Section id -> the outline's heading (第二部分 一…六, and the warning case).
SECTIONS: dict[str, str] = {
    "foreign": "一、国外小微普惠金融成功案例",
    "joint_stock": "二、全国性股份制商业银行小微普惠金融成功案例",
    "policy": "三、政策性银行小微普惠金融成功案例",
    "city": "四、城商行小微普惠金融成功案例",
    "rural": "五、农商行小微普惠金融成功案例",
    "village": "六、村镇银行小微普惠金融成功案例",
    "warning": "警示案例：包商银行",
}


class CaseCard(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    source: str = Field(pattern=_SOURCE)
    section: Section
    institution: str
    model: str
    lesson: str
    figures: list[Figure] = Field(min_length=1)
    series: Series | None = None

    @field_validator("institution", "model", "lesson")
    @classmethod
    def _prose(cls, value: str) -> str:
        return _no_digits(value, "说明文字")


class History(_Strict):
    timeline: list[TimelineEntry] = Field(min_length=1)
    cases: list[CaseCard] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> History:
        ids = [c.id for c in self.cases]
        if len(set(ids)) != len(ids):
            raise ValueError("案例卡片编号重复")
        return self


def load_history(path: Path | str | None = None) -> History:
    """The sourced timeline and case cards (default ``data/lending_history.yaml``), validated."""
    result: History = load_cached_model(History, path, HISTORY_FILE)
    return result
