"""The outcome of a cross-check (:class:`CheckResult`, :class:`Verdict`) and how its figures are shown.

Examples
--------
>>> Verdict("矛盾") is Verdict.CONTRADICTION
True
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    """Outcome of a check."""

    CONSISTENT = "一致"
    EXPLAIN = "需解释"
    CONTRADICTION = "矛盾"


@dataclass(frozen=True)
class CheckResult:
    """One cross-check: implied vs reported value, deviation, tolerance and verdict, with a Chinese explanation.

    Attributes
    ----------
    method : str
        Method id (a key of :data:`METHODS`).
    name : str
        Chinese name of the method.
    expected : float
        Value implied by the evidence (应有 / 推算值), in ``unit``.
    reported : float
        Value the borrower reported (申报值 / 实际值), in ``unit``.
    deviation : float
        Signed deviation as a fraction (see the module docstring; some methods define their own).
    tolerance : float
        The ``explain`` tolerance of the method (示例参数).
    verdict : Verdict
        一致 / 需解释 / 矛盾.
    explanation : str
        Chinese explanation naming the evidence used and what the sign of the deviation points to.
    evidence : tuple of str
        Documents the check relies on (Chinese).
    unit : str
        ``"元"``, ``"比率"`` (a fraction shown as %), ``"天"`` or a physical unit such as ``"吨"``.
    details : mapping
        Intermediate figures (Chinese keys), e.g. the cost of goods sold behind a purchases-based check.
    """

    method: str
    name: str
    expected: float
    reported: float
    deviation: float
    tolerance: float
    verdict: Verdict
    explanation: str
    evidence: tuple[str, ...] = field(default=())
    unit: str = "元"
    details: Mapping[str, float] = field(default_factory=dict, hash=False)


def format_value(value: float, unit: str) -> str:
    """Chinese display of a figure in its unit.

    Examples
    --------
    >>> format_value(1339735.3, "元"), format_value(0.25, "比率"), format_value(68.31, "天"), format_value(933, "吨")
    ('1,339,735 元', '25.0%', '68.3 天', '933 吨')
    """
    if unit == "元":
        return f"{value:,.0f} 元"
    if unit == "比率":
        return f"{value:.1%}"
    if unit == "天":
        return f"{value:,.1f} 天"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def deviation_text(deviation: float) -> str:
    """A signed deviation in %, one decimal; a deviation that rounds to zero is "0.0%" (never "-0.0%").

    Examples
    --------
    >>> deviation_text(-0.3654), deviation_text(0.0728), deviation_text(-0.00001)
    ('-36.5%', '+7.3%', '0.0%')
    """
    return "0.0%" if abs(deviation) < 0.0005 else f"{deviation:+.1%}"
