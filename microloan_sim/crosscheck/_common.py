"""Helpers shared by the cross-check methods: a :class:`CheckResult` with its verdict and explanation, rows of
tabular input, and the evidence named in front of an explanation."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from ..errors import InputError
from .config import _bounds, verdict_for
from .results import CheckResult, Verdict, deviation_text, format_value


def _relative(expected: float, reported: float) -> float:
    return (expected - reported) / reported


def _result(method_id: str, expected: float, reported: float, *, basis: str, higher: str, lower: str,
            evidence: Sequence[str], unit: str = "元", deviation: float | None = None,
            details: Mapping[str, float] | None = None, what: str = "推算值", reported_label: str = "申报值",
            tolerance_text: str | None = None) -> CheckResult:
    """Build a :class:`CheckResult`: verdict from the YAML tolerance and an explanation whose reading
    depends on the sign (``higher``: the evidence implies more than reported; ``lower``: less)."""
    from .registry import METHODS  # the registry is built from the method functions, which call this helper

    info = METHODS[method_id]
    dev = _relative(expected, reported) if deviation is None else deviation
    verdict, tolerance = verdict_for(dev, info.tolerance_key)
    contra = _bounds(info.tolerance_key)["contradiction"]
    if verdict is Verdict.CONSISTENT:
        meaning = "在容差以内，基本一致。"
    else:
        reading = higher if dev > 0 else lower
        action = ("请借款人解释并补充证据。" if verdict is Verdict.EXPLAIN
                  else "差异超过“矛盾”阈值，需要查明原因，必要时重新核实相关数字。")
        meaning = f"{reading}{action}"
    if tolerance_text is None:
        tolerance_text = f"±{tolerance:.0%} 以内为一致，超过 ±{contra:.0%} 为矛盾"
    explanation = (f"{basis}。{what} {format_value(expected, unit)}，{reported_label} {format_value(reported, unit)}，"
                   f"偏差 {deviation_text(dev)}（示例参数：{tolerance_text}）。{meaning}")
    return CheckResult(method_id, info.name, float(expected), float(reported), float(dev), tolerance, verdict,
                       explanation, tuple(evidence), unit, dict(details or {}))


_SALES_HIGHER = "推算销售额高于申报：借款人可能少报了销售额（如为避税），也可能本项证据估计偏高。"
_SALES_LOWER = "推算销售额低于申报：申报的销售额可能被夸大，或有部分销售未反映在本项证据中。"


def _rows(items: Any, field_name: str) -> list[Any]:
    if isinstance(items, pd.DataFrame):
        rows: list[Any] = items.to_dict("records")
    elif isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise InputError("应为列表（每行一项）", field=field_name)
    else:
        rows = list(items.items()) if isinstance(items, Mapping) else list(items)
    if not rows:
        raise InputError("至少需要一项", field=field_name)
    return rows


def _pick(row: Any, keys: Sequence[str], position: int, field_name: str) -> Any:
    if isinstance(row, Mapping):
        for key in keys:
            if key in row:
                return row[key]
        raise InputError(f"缺少“{keys[0]}”", field=field_name)
    if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) <= position:
        raise InputError("格式不对，应为一行多列的数字", field=field_name)
    return row[position]


def _cite(result: CheckResult, evidence: str) -> CheckResult:
    """The result with the documents it used named at the start of the explanation."""
    return replace(result, explanation=f"证据：{evidence}。{result.explanation}")
