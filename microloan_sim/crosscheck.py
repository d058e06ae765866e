"""交叉验证 (cross-verification), domain §2. Each method is a function on explicit numbers returning a
:class:`CheckResult`; :func:`run_all` applies every method that fits a case.

Examples
--------
The worked example of domain §2.2 (variant A):

>>> r = equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258)
>>> round(r.expected), round(r.deviation * 100, 2), r.verdict.value
(373680, -29.89, '矛盾')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ._data import data_path, load_yaml
from .errors import InputError, require_number


class Verdict(str, Enum):
    """Outcome of a check."""

    CONSISTENT = "一致"
    EXPLAIN = "需解释"
    CONTRADICTION = "矛盾"


@dataclass(frozen=True)
class CheckResult:
    """One cross-check: implied vs reported value, deviation, tolerance and verdict, with a Chinese explanation."""

    method: str
    name: str
    expected: float
    reported: float
    deviation: float
    tolerance: float
    verdict: Verdict
    explanation: str
    evidence: tuple[str, ...] = field(default=())


def tolerances() -> dict[str, dict[str, float]]:
    """Tolerances per method (示例参数) from ``data/crosscheck.yaml``: ``explain`` and ``contradiction`` bounds."""
    raw = load_yaml(data_path("crosscheck.yaml"))
    result: dict[str, dict[str, float]] = {}
    for method, bounds in raw["tolerances"].items():
        explain = require_number(bounds.get("explain"), f"tolerances.{method}.explain", minimum=0, file="crosscheck.yaml")
        contra = require_number(bounds.get("contradiction"), f"tolerances.{method}.contradiction", minimum=0,
                                file="crosscheck.yaml")
        if contra < explain:
            raise InputError("“矛盾”阈值不能小于“需解释”阈值", field=f"tolerances.{method}", file="crosscheck.yaml")
        result[method] = {"explain": explain, "contradiction": contra}
    return result


def verdict_for(deviation: float, method: str) -> tuple[Verdict, float]:
    """Verdict for an absolute relative deviation under the method's tolerance (示例参数)."""
    bounds = tolerances()[method]
    size = abs(deviation)
    if size <= bounds["explain"]:
        return Verdict.CONSISTENT, bounds["explain"]
    if size <= bounds["contradiction"]:
        return Verdict.EXPLAIN, bounds["explain"]
    return Verdict.CONTRADICTION, bounds["explain"]


def equity_check(opening_equity: float, period_profit: float, injections: float, withdrawals: float,
                 appreciation: float, depreciation: float, actual_equity: float, months: int,
                 avg_monthly_disposable: float) -> CheckResult:
    """权益交叉检验, variant A (domain §2.2).

    ``应有权益 = 初始权益 + 期间利润 + (注资 − 提款) + (升值 − 折旧)``;
    ``偏差率 = (应有权益 − 实际权益) ÷ 月份数 ÷ 平均月可支配资金``.

    A positive deviation (应有 > 实际) means equity is missing: hidden debt, over-stated profit or unrecorded
    withdrawals. A negative one means unexplained equity: under-stated profit or unrecorded injections.
    """
    fields = {"初始权益": opening_equity, "期间利润": period_profit, "期间注资": injections, "期间提款": withdrawals,
              "资产升值": appreciation, "折旧或贬值": depreciation, "实际权益": actual_equity}
    values = {name: require_number(v, name) for name, v in fields.items()}
    for name in ("期间注资", "期间提款", "资产升值", "折旧或贬值"):
        require_number(values[name], name, minimum=0)
    n = require_number(months, "检验期间月份数", strictly_positive=True)
    disposable = require_number(avg_monthly_disposable, "平均月可支配资金", strictly_positive=True)
    expected = (values["初始权益"] + values["期间利润"] + values["期间注资"] - values["期间提款"]
                + values["资产升值"] - values["折旧或贬值"])
    deviation = (expected - values["实际权益"]) / n / disposable
    verdict, tolerance = verdict_for(deviation, "equity")
    if verdict is Verdict.CONSISTENT:
        meaning = "应有权益与实际权益基本一致，期间利润的说法可信。"
    elif deviation > 0:
        meaning = "应有权益高于实际权益：可能有隐性负债、利润被夸大或有未说明的提款（如购房、借给他人）。"
    else:
        meaning = "实际权益高于应有权益：可能少报了利润，或有未说明的注资（亲友借款、其他收入）。"
    explanation = (f"依据期初权益 {values['初始权益']:,.0f} 元、{n:g} 个月累计利润 {values['期间利润']:,.0f} 元、"
                   f"注资与提款、升值与折旧推算应有权益 {expected:,.0f} 元；今日重构的资产负债表显示实际权益 "
                   f"{values['实际权益']:,.0f} 元，偏差率 {deviation:.2%}。{meaning}")
    return CheckResult("equity_check", "权益交叉检验", expected, values["实际权益"], deviation, tolerance, verdict,
                       explanation, ("期初资产负债表", "损益表", "今日资产负债表"))
