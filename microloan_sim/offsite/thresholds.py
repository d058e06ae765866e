"""Thresholds of the off-site analysis (示例参数): the ``offsite`` section of ``data/crosscheck.yaml``."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .._data import load_crosscheck_config
from ..errors import InputError, require_number


@dataclass(frozen=True)
class OffsiteParameters:
    """Thresholds of the off-site analysis (示例参数, ``offsite`` section of ``data/crosscheck.yaml``)."""

    large_amount: float = 50_000.0
    large_median_multiple: float = 10.0
    large_min_amount: float = 10_000.0
    round_units: tuple[int, ...] = (1_000, 10_000)
    round_min_amount: float = 1_000.0
    late_night_from: int = 23
    late_night_to: int = 5
    month_end_days: int = 3
    month_end_burst_share: float = 0.40
    pass_through_tolerance: float = 0.05
    pass_through_min_amount: float = 5_000.0
    same_surname_min_amount: float = 5_000.0
    top_n: int = 5
    hhi_moderate: float = 0.15
    hhi_high: float = 0.25
    recurring_min_months: int = 3
    recurring_tolerance: float = 0.15
    recurring_min_amount: float = 500.0
    holidays: tuple[date, ...] = ()


def parameters(path: Path | str | None = None) -> OffsiteParameters:
    """Read and check the ``offsite`` thresholds (示例参数).

    Examples
    --------
    >>> p = parameters()
    >>> p.round_units, p.top_n
    ((1000, 10000), 5)
    >>> date(2025, 1, 29) in p.holidays
    True
    """
    raw = load_crosscheck_config(path)
    file = Path(path).name if path is not None else "crosscheck.yaml"
    section = raw.get("offsite")
    if not isinstance(section, dict):
        raise InputError("缺少此部分，或内容不是键值表", field="offsite", file=file)

    def number(key: str, **bounds: Any) -> float:
        return require_number(section.get(key), f"offsite.{key}", file=file, **bounds)

    units = section.get("round_units")
    if not isinstance(units, list) or not units:
        raise InputError("应为金额列表，如 [1000, 10000]", field="offsite.round_units", file=file)
    unit_values = tuple(sorted(int(require_number(u, "offsite.round_units", strictly_positive=True, file=file))
                               for u in units))
    holidays: list[date] = []
    for i, pair in enumerate(section.get("holidays") or [], start=1):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(d, date) for d in pair)):
            raise InputError("每项应为 [开始日期, 结束日期]，日期格式 YYYY-MM-DD", field=f"offsite.holidays 第 {i} 项",
                             file=file)
        if pair[1] < pair[0]:
            raise InputError("结束日期早于开始日期", field=f"offsite.holidays 第 {i} 项", file=file)
        holidays += [d.date() for d in pd.date_range(pair[0], pair[1], freq="D")]
    result = OffsiteParameters(
        large_amount=number("large_amount", strictly_positive=True),
        large_median_multiple=number("large_median_multiple", strictly_positive=True),
        large_min_amount=number("large_min_amount", minimum=0),
        round_units=unit_values,
        round_min_amount=number("round_min_amount", minimum=0),
        late_night_from=int(number("late_night_from", minimum=0, maximum=23)),
        late_night_to=int(number("late_night_to", minimum=0, maximum=23)),
        month_end_days=int(number("month_end_days", minimum=1, maximum=10)),
        month_end_burst_share=number("month_end_burst_share", strictly_positive=True, maximum=1),
        pass_through_tolerance=number("pass_through_tolerance", minimum=0, maximum=0.5),
        recurring_min_months=int(number("recurring_min_months", minimum=2, maximum=24)),
        recurring_tolerance=number("recurring_tolerance", minimum=0, maximum=1),
        recurring_min_amount=number("recurring_min_amount", minimum=0),
        pass_through_min_amount=number("pass_through_min_amount", minimum=0),
        same_surname_min_amount=number("same_surname_min_amount", minimum=0),
        top_n=int(number("top_n", minimum=1)),
        hhi_moderate=number("hhi_moderate", strictly_positive=True, maximum=1),
        hhi_high=number("hhi_high", strictly_positive=True, maximum=1),
        holidays=tuple(sorted(set(holidays))),
    )
    if result.hhi_high < result.hhi_moderate:
        raise InputError("hhi_high 不能小于 hhi_moderate", field="offsite", file=file)
    return result


def with_parameters(params: OffsiteParameters | None = None, **changes: Any) -> OffsiteParameters:
    """A copy of the thresholds with some changed (e.g. ``large_amount=20_000``), each checked.

    Examples
    --------
    >>> with_parameters(large_amount=20_000).large_amount
    20000.0
    >>> with_parameters(top_n=0)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: top_n：必须大于 0（当前为 0）
    """
    base = params or parameters()
    known = {f.name for f in fields(OffsiteParameters)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise InputError("未知参数：" + "、".join(unknown), field="非现场调查参数")
    checked: dict[str, Any] = {}
    for key, value in changes.items():
        if key in ("round_units", "holidays"):
            checked[key] = tuple(value)
        elif key in ("top_n", "month_end_days", "late_night_from", "late_night_to"):
            checked[key] = int(require_number(value, key, strictly_positive=key in ("top_n", "month_end_days"),
                                              minimum=0, maximum=None if key == "top_n" else 23))
        else:
            checked[key] = require_number(value, key, minimum=0)
    return replace(base, **checked)
