"""Initial credit lines: the farmer credit-line formula (domain §3.3) and a scorecard's own line rule.

:func:`farmer_line` and :class:`Amount` (a money amount that carries its Chinese explanation) live here, in the
rating package, because a farmer card's initial line *is* the farmer line; :mod:`microloan_sim.sizing`, the
rung above, re-exports both so ``ml.sizing.farmer_line`` keeps working.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InputError, require_number
from .sizing_parameters import load_parameters
from .vocabulary import source_info

if TYPE_CHECKING:  # pragma: no cover
    from .scorecards import Scorecard


class Amount(float):
    """A money amount (a ``float``) that also carries a Chinese ``explanation`` and ``details``.

    Arithmetic gives plain floats; comparisons, ``round`` and formatting behave like ``float``.

    Examples
    --------
    >>> a = Amount(540_000.0, "年流水 × 15%")
    >>> a == 540_000, a.explanation
    (True, '年流水 × 15%')
    """

    explanation: str
    details: dict[str, Any]

    def __new__(cls, value: float, explanation: str = "", details: dict[str, Any] | None = None) -> Amount:
        obj = super().__new__(cls, value)
        obj.explanation = explanation
        obj.details = dict(details or {})
        return obj


def farmer_line(annual_disposable: float, net_assets: float, grade: str,
                params: Mapping[str, Any] | None = None) -> Amount:
    """农户授信额度 (domain §3.3, 示例规则):
    ``min(收入倍数 × 年可支配收入, 净资产比例 × 净资产) × 等级系数``, capped by the grade's maximum.

    Parameters come from ``farmer_line`` in ``data/sizing.yaml`` unless ``params`` overrides some of them
    (keys ``income_multiple``, ``net_assets_share``, ``coefficients``, ``caps``).

    Examples
    --------
    Domain §3.3: min(2 × 49,000, 0.5 × 200,000) = 98,000 × 0.8 (AA) = 78,400.

    >>> farmer_line(49_000, 200_000, "AA")
    78400.0
    >>> farmer_line(49_000, 200_000, "AAA", {"caps": {"AAA": 60_000}})
    60000.0
    """
    defaults = load_parameters().farmer_line
    overrides = dict(params or {})
    settings = {**defaults.model_dump(), **overrides}
    income = require_number(annual_disposable, "年可支配收入")
    assets = require_number(net_assets, "净资产")
    coefficients: Mapping[str, float] = {**defaults.coefficients, **overrides.get("coefficients", {})}
    caps: Mapping[str, float] = {**defaults.caps, **overrides.get("caps", {})}
    grade = str(grade).strip()
    if grade not in coefficients:
        raise InputError(f"没有“{grade}”这个等级（可选：{'、'.join(coefficients)}）", field="信用等级")
    by_income = settings["income_multiple"] * income
    by_assets = settings["net_assets_share"] * assets
    base = max(min(by_income, by_assets), 0.0)
    line = base * coefficients[grade]
    cap = caps.get(grade, math.inf)
    result = min(line, cap)
    text = (f"min({settings['income_multiple']:g} × 年可支配收入 {income:,.0f}, {settings['net_assets_share']:.0%} × "
            f"净资产 {assets:,.0f}) = {base:,.0f}；× {grade} 级系数 {coefficients[grade]:g} = {line:,.0f}")
    text += f"；超过 {grade} 级上限 {cap:,.0f}，取上限。" if line > cap else "。"
    return Amount(result, text, {"by_income": by_income, "by_assets": by_assets, "base": base,
                                 "coefficient": coefficients[grade], "cap": cap})


def _credit_line(card: Scorecard, grade: str, answers: Mapping[str, Any]) -> tuple[float, str]:
    rule = card.credit_line
    step = rule.round_down_to

    def value_of(source: str) -> float:
        if source not in answers:
            raise InputError("计算授信额度缺少这一项", field=source)
        return require_number(answers[source], source_info(source).label)

    if rule.rule == "farmer_line":
        amount = farmer_line(value_of("derived.annual_disposable"), value_of("derived.net_assets"), grade)
        line = float(math.floor(float(amount) / step) * step)
        return line, amount.explanation.rstrip("。") + f"；向下取整到 {step:g} 元 → {line:,.0f} 元。"
    parts = [(t, t.multiple * value_of(t.source)) for t in rule.terms]
    base = max(min(v for _, v in parts), 0.0)
    coefficient = rule.coefficients[grade]
    cap = rule.caps.get(grade, math.inf)
    raw = base * coefficient
    line = float(math.floor(min(raw, cap) / step) * step)
    shown = "、".join(f"{t.multiple:g} × {source_info(t.source).label} {v:,.0f}" for t, v in parts)
    text = (f"min({shown}) = {base:,.0f}" if len(parts) > 1 else shown + f" = {base:,.0f}")
    text += f"；× {grade} 级系数 {coefficient:g} = {raw:,.0f}"
    if raw > cap:
        text += f"；超过 {grade} 级上限 {cap:,.0f}，取上限"
    return line, text + f"；向下取整到 {step:g} 元 → {line:,.0f} 元。"


__all__ = ["Amount", "farmer_line"]
