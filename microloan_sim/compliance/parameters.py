"""Parameters of the compliance checks (``data/compliance.yaml``) and the one-year LPR table.

Sections with ``illustrative: true`` (and keys listed in ``illustrative_keys``) are 示例参数: no source was found
or each bank sets its own; dashboards label them so. The others come from the rules quoted beside them.

Examples
--------
>>> p = parameters()
>>> p.large_value.cash, p.collection.max_unanswered_calls_per_day
(50000.0, 6)
>>> lpr_on("2025-07-01")
0.03
>>> lpr_on("2019-08-01")
Traceback (most recent call last):
...
microloan_sim.errors.InputError: 合同日期：2019-08-01 没有一年期 LPR（LPR 自 2019-08-20 起公布）
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._data import data_path, load_model
from ..errors import InputError

FILE = "compliance.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    source: str
    illustrative: bool
    illustrative_keys: list[str] = []

    def is_illustrative(self, key: str | None = None) -> bool:
        """Whether the section (or one of its keys) is 示例参数."""
        return self.illustrative or (key is not None and key in self.illustrative_keys)


class LprPoint(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)

    start: dt.date = Field(alias="from")
    rate: float = Field(gt=0, lt=0.2)


class LprTable(_Section):
    known_until: dt.date
    one_year: list[LprPoint] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LprTable:
        starts = [p.start for p in self.one_year]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("one_year 的日期应按先后排列且不重复")
        if self.known_until < starts[-1]:
            raise ValueError("known_until 不能早于最后一次报价日期")
        return self


class PrivateLending(_Section):
    lpr_multiple: float = Field(gt=0)
    licensed_lenders: list[str]


class Disclosure(_Section):
    day_count: int = Field(ge=360, le=366)
    rate_tolerance: float = Field(ge=0, le=0.05)


class LargeValue(_Section):
    cash: float = Field(gt=0)
    non_natural_person_transfer: float = Field(gt=0)
    natural_person_domestic: float = Field(gt=0)
    natural_person_cross_border: float = Field(gt=0)


class Suspicious(_Section):
    near_threshold_share: float = Field(gt=0, lt=1)
    near_threshold_count: int = Field(ge=1)
    near_threshold_window_days: int = Field(ge=1)
    rapid_window_days: int = Field(ge=0)
    rapid_min_amount: float = Field(ge=0)
    rapid_out_share: float = Field(gt=0, le=1)
    dormant_days: int = Field(ge=1)
    dormant_burst_amount: float = Field(ge=0)
    early_repayment_income_multiple: float = Field(gt=0)
    loan_use_window_days: int = Field(ge=0)
    restricted_use_words: list[str] = Field(min_length=1)


class Records(_Section):
    retention_years: int = Field(ge=1)


class Collection(_Section):
    quiet_from: dt.time
    quiet_to: dt.time
    max_unanswered_calls_per_day: int = Field(ge=1)
    failed_contacts_before_third_party: int = Field(ge=1)


class InternetLending(_Section):
    consumer_credit_line_cap: float = Field(gt=0)
    bullet_max_months: int = Field(ge=1)
    partner_min_share: float = Field(gt=0, le=1)
    partner_max_tier1_share: float = Field(gt=0, le=1)
    joint_max_total_loans_share: float = Field(gt=0, le=1)


class EntrustedPayment(_Section):
    business_self_pay_max: float = Field(gt=0)
    consumer_self_pay_max: float = Field(gt=0)
    split_window_days: int = Field(ge=0)


class Concentration(_Section):
    single_borrower_share: float = Field(gt=0, le=1)


class DebtService(_Section):
    housing_ratio_max: float = Field(gt=0, le=1)
    all_debt_ratio_max: float = Field(gt=0, le=1)


class InformalDebtExample(_Section):
    contract_date: dt.date
    iou_amount: float = Field(gt=0)
    months: int = Field(ge=1, le=600)
    deducted_upfront: float = Field(ge=0)


class ComplianceParameters(BaseModel):
    """Every section of ``data/compliance.yaml``."""

    model_config = ConfigDict(extra="forbid")

    lpr: LprTable
    private_lending: PrivateLending
    disclosure: Disclosure
    large_value: LargeValue
    suspicious: Suspicious
    records: Records
    collection: Collection
    internet_lending: InternetLending
    entrusted_payment: EntrustedPayment
    concentration: Concentration
    debt_service: DebtService
    informal_debt_example: InformalDebtExample


def parameters(path: Path | str | None = None) -> ComplianceParameters:
    """Read and validate ``data/compliance.yaml`` (or ``path``); errors name the file and the field."""
    if path is None:
        return _default()
    return load_model(ComplianceParameters, Path(path))


@lru_cache(maxsize=1)
def _default() -> ComplianceParameters:
    return load_model(ComplianceParameters, data_path(FILE))


def as_date(value: Any, field: str) -> dt.date:
    """A date from a ``date``, ``datetime``, Timestamp or ``YYYY-MM-DD`` text; otherwise :class:`InputError`.

    Examples
    --------
    >>> as_date("2025-06-30", "到期日")
    datetime.date(2025, 6, 30)
    >>> as_date("6月30日", "到期日")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 到期日：日期格式应为 YYYY-MM-DD，收到“6月30日”
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"日期格式应为 YYYY-MM-DD，收到“{value}”", field=field) from None


def lpr_on(when: Any, table: LprTable | None = None, *, field: str = "合同日期") -> float:
    """The one-year LPR in force on a date (the latest quotation published on or before it).

    Raises :class:`InputError` for a date before the first LPR (2019-08-20) or after the table's
    ``known_until``: the table has no value there, and guessing one would be wrong.

    Examples
    --------
    >>> lpr_on("2023-07-01")
    0.0355
    >>> lpr_on("2031-01-01")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 合同日期：2031-01-01 没有一年期 LPR 数据（数据表只到 ...
    """
    day = as_date(when, field)
    lpr = table or parameters().lpr
    first = lpr.one_year[0].start
    if day < first:
        raise InputError(f"{day} 没有一年期 LPR（LPR 自 {first} 起公布）", field=field)
    if day > lpr.known_until:
        raise InputError(f"{day} 没有一年期 LPR 数据（数据表只到 {lpr.known_until}），请在 {FILE} 中补充", field=field)
    return [point.rate for point in lpr.one_year if point.start <= day][-1]
