"""Rating a case with an expert scorecard: the answers read from the case, the score, the grade, the initial
credit line, reason codes, and what-if overrides.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InputError, require_number
from ..labels import SEGMENTS
from ..schedules import regular_payment
from .credit_line import _credit_line
from .scorecards import Indicator, Scorecard, _lookup, _table_rows, load_scorecard, match_category
from .sizing_parameters import load_parameters
from .vocabulary import _unit_value, source_info

if TYPE_CHECKING:  # pragma: no cover
    from ..casebook import Case


@lru_cache(maxsize=64)
def _facts(case: Case) -> dict[str, Any]:
    """Everything a card can read from a case, computed once per case object."""
    from ..crosscheck import equity_from_claims
    from ..statements import balance_sheet, household_summary, income_statement, ratios

    pnl = income_statement(case, "accrual")
    monthly = pnl.average_disposable_income
    annual = float(pnl.disposable_income.iloc[-12:].sum())
    facts: dict[str, Any] = {}
    for name in ("age", "years_in_business", "education", "gender"):
        facts[f"borrower.{name}"] = getattr(case.borrower, name)
    for name in ("overdue_times_24m", "max_overdue_days", "years_with_bank", "inquiries_6m", "credit_card_utilisation"):
        facts[f"credit.{name}"] = float(getattr(case.credit, name))
    facts["credit.current_overdue"] = "是" if case.credit.current_overdue else "否"
    for name in ("reputation", "family_stability", "industry_outlook"):
        facts[f"soft_information.{name}"] = getattr(case.soft_information, name)
    facts["soft_information.local_residence_years"] = float(case.soft_information.local_residence_years)
    facts["household.members"] = float(case.household.members)
    facts["household.labourers"] = float(case.household.labourers)
    for key, value in ratios(case).items():
        facts[f"ratio.{key}"] = float(value)
    facts["derived.monthly_disposable"] = monthly
    facts["derived.annual_disposable"] = annual
    facts["derived.annual_revenue"] = float(case.records["revenue"].iloc[-12:].sum())
    facts["derived.net_assets"] = balance_sheet(case).equity
    net_income = float(household_summary(case)["净收入（元）"].drop("所有经营情况合计").sum())
    facts["derived.net_income_per_capita"] = net_income / case.household.members
    facts["derived.disposable_to_request"] = annual / case.request.amount
    # the claims-based 权益交叉检验 (the borrower's stated profit vs the balance sheets); the statements' own
    # equity link ties by construction and would score every case full marks
    facts["derived.equity_check_deviation"] = abs(equity_from_claims(case).deviation)
    premises = case.borrower.premises
    facts["derived.premises_type"] = "自有" if "自有" in premises else "租赁" if "租" in premises else "其他"
    ltv = load_parameters().ltv
    kinds = [c.type for c in case.collateral]
    facts["derived.guarantee_type"] = max(kinds, key=lambda k: ltv.get(k, 0.0)) if kinds else "无"
    return facts


def case_answers(case: Case, scorecard: str | Path | Scorecard = "business") -> dict[str, Any]:
    """The answers a card reads from a case, keyed by source (before any what-if overrides).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> answers = case_answers(ml.casebook.load_case("C03"), "农户")
    >>> answers["derived.guarantee_type"], round(answers["derived.annual_disposable"])
    ('保证人', 49980)
    """
    card = load_scorecard(scorecard)
    facts = _facts(case)
    answers: dict[str, Any] = {}
    for key in card.required_sources():
        if key == "derived.disposable_to_instalment":
            payment = regular_payment(case.request.amount, card.assumptions.annual_rate, case.request.months,
                                      card.assumptions.method)
            answers[key] = facts["derived.monthly_disposable"] / payment if payment > 0 else math.nan
        elif key.startswith("answer."):
            answers[key] = card.indicator(key).default
        else:
            answers[key] = facts[key]
    return answers


def _answer_text(ind: Indicator, value: Any) -> str:
    if ind.kind == "category":
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "无法计算"
    return _unit_value(number, source_info(ind.source).unit)


def _checked_answer(ind: Indicator, value: Any) -> Any:
    """Validate one answer (from a case or an override) for an indicator; numbers become floats."""
    field_name = f"{ind.name}（{ind.key}）"
    if ind.kind == "category":
        if isinstance(value, bool):
            value = "是" if value else "否"
        text = str(value).strip()
        matched = match_category(ind.categories or {}, text)
        if matched is not None:
            return matched
        if ind.other_points is None:
            raise InputError(f"“{value}”不在评分表中，无法识别属于哪一档（可选：{'、'.join(ind.categories or {})}）",
                             field=field_name)
        return text
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if ind.if_missing is None:
            raise InputError("缺少数值，且评分卡没有规定缺失时的得分（if_missing）", field=field_name)
        return math.nan
    number = require_number(value, field_name)
    if math.isnan(float(_lookup(ind, pd.Series([number]))[0])):
        raise InputError(f"取值 {number:g} 超出评分表的范围（{'、'.join(a for a, _ in _table_rows(ind))}）",
                         field=field_name)
    return number


@dataclass(frozen=True)
class Reason:
    """A reason code: an indicator that cost points, with a Chinese explanation."""

    code: str
    indicator: str
    name: str
    answer: str
    points: float
    max_points: float
    text: str

    @property
    def lost(self) -> float:
        return self.max_points - self.points


@dataclass(frozen=True)
class Rating:
    """Result of :func:`rate`: score, grade, initial credit line, reason codes and the per-indicator breakdown.

    ``breakdown`` (index: indicator key) has columns 类别, 指标, 取值, 得分, 满分, 扣分, 数据来源.
    """

    scorecard: str
    scorecard_name: str
    score: float
    max_score: float
    grade: str
    grade_label: str
    credit_line: float
    credit_line_explanation: str
    reasons: tuple[Reason, ...]
    breakdown: pd.DataFrame
    answers: dict[str, Any]
    case_id: str | None = None
    illustrative: bool = True
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One Chinese sentence: score, grade and initial line."""
        return (f"{self.scorecard_name}：{self.score:g} 分（满分 {self.max_score:g}），{self.grade} 级（{self.grade_label}），"
                f"初步授信额度 {self.credit_line:,.0f} 元。")


def rate_answers(scorecard: str | Path | Scorecard, answers: Mapping[str, Any], *, case_id: str | None = None,
                 reason_count: int = 3) -> Rating:
    """Score a set of answers keyed by source (or indicator key) with a card.

    This is what :func:`rate` does after reading the answers from a case. ``answer.*`` sources fall back to
    the indicator's ``default``.

    Examples
    --------
    Domain §4.2: item fulfilment 1.0 / 0.8 / 0.6 / 1.0 / 0.8 / 0.5 of the blocks 25 / 25 / 15 / 10 / 15 / 10.

    >>> blocks = [("credit", 25), ("capacity", 25), ("worth", 15), ("experience", 10), ("character", 15),
    ...           ("collateral", 10)]
    >>> card = Scorecard.model_validate({
    ...     "id": "example", "name": "§4.2 示例", "segments": ["farm"], "total": 100,
    ...     "indicators": [{"key": k, "name": k, "source": f"answer.{k}", "max_points": w, "default": 0,
    ...                     "linear": {"from": 0, "to": 1}, "reason": "未完全达标"} for k, w in blocks],
    ...     "grades": [{"grade": "AAA", "min": 90, "max": 100}, {"grade": "AA", "min": 80, "max": 90},
    ...                {"grade": "A", "min": 70, "max": 80}, {"grade": "B", "min": 60, "max": 70},
    ...                {"grade": "C", "min": 0, "max": 60}],
    ...     "credit_line": {"terms": [{"source": "answer.income", "multiple": 2}],
    ...                     "coefficients": {"AAA": 1, "AA": 0.8, "A": 0.6, "B": 0.3, "C": 0}}})
    >>> fulfil = dict(zip([f"answer.{k}" for k, _ in blocks], [1.0, 0.8, 0.6, 1.0, 0.8, 0.5]))
    >>> r = rate_answers(card, {**fulfil, "answer.income": 49_000})
    >>> r.score, r.grade, r.credit_line     # 25 + 20 + 9 + 10 + 12 + 5; 2 × 49,000 × 0.8
    (81.0, 'AA', 78400.0)
    """
    card = load_scorecard(scorecard)
    resolved: dict[str, Any] = {}
    for key, value in answers.items():
        source = key if key in card.required_sources() else card.indicator(key).source
        resolved[source] = value
    rows = []
    total = 0.0
    for ind in card.indicators:
        raw = resolved.get(ind.source, ind.default)
        if ind.source not in resolved and ind.default is None:
            raise InputError("缺少答案", field=f"{ind.name}（{ind.key}）")
        value = _checked_answer(ind, raw)
        points = float(_lookup(ind, pd.Series([value], dtype=object))[0])
        total += points
        rows.append({"key": ind.key, "类别": ind.block, "指标": ind.name, "取值": _answer_text(ind, value),
                     "得分": points, "满分": ind.max_points, "扣分": ind.max_points - points, "数据来源": ind.source,
                     "_reason": ind.reason, "_value": value})
    score = round(total, 6)
    band = card.grade_for(min(score, card.total))
    line, line_text = _credit_line(card, band.grade, resolved)
    frame = pd.DataFrame(rows).set_index("key")
    frame.index.name = None
    order = frame.assign(_pos=range(len(frame))).sort_values(["扣分", "_pos"], ascending=[False, True])
    reasons = tuple(
        Reason(code=str(key), indicator=str(key), name=row["指标"], answer=row["取值"], points=row["得分"],
               max_points=row["满分"],
               text=f"{row['指标']}：{row['取值']}，得 {row['得分']:g} 分（满分 {row['满分']:g}，扣 {row['扣分']:g} 分）——{row['_reason']}")
        for key, row in order.head(max(int(reason_count), 0)).iterrows() if row["扣分"] > 1e-9)
    answers_used = {ind.source: row for ind, row in zip(card.indicators, frame["_value"])}
    breakdown = frame.drop(columns=["_reason", "_value"])
    return Rating(scorecard=card.id, scorecard_name=card.name, score=score, max_score=card.total, grade=band.grade,
                  grade_label=band.label, credit_line=line, credit_line_explanation=line_text, reasons=reasons,
                  breakdown=breakdown, answers=answers_used, case_id=case_id, illustrative=card.illustrative)


def rate(case: Case, scorecard: str | Path | Scorecard = "business", overrides: Mapping[str, Any] | None = None,
         *, reason_count: int = 3) -> Rating:
    """Rate a case with a scorecard: score, grade, initial credit line, reason codes, breakdown.

    Parameters
    ----------
    case : Case
        A loaded case.
    scorecard : str, Path or Scorecard
        Card id, name or Chinese alias (``"小微企业"``, ``"农户"``, ``"个人消费"``), or a YAML path.
    overrides : mapping, optional
        What-if answers keyed by source (``{"credit.overdue_times_24m": 3}``) or indicator key; each
        replaces the answer read from the case.
    reason_count : int
        How many reason codes to give (the indicators that cost the most points).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> r = rate(ml.casebook.load_case("C03"), "农户")
    >>> r.score, r.grade, r.credit_line
    (85.0, 'AA', 79900.0)
    >>> rate(ml.casebook.load_case("C03"), "小微企业")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 评分卡：小微企业（个体工商户）评分卡适用于经营类（个体工商户/小微企业），案例 C03 是农户
    """
    card = load_scorecard(scorecard)
    if case.segment not in card.segments:
        who = "、".join(SEGMENTS[s] for s in card.segments)
        raise InputError(f"{card.name}适用于{who}，案例 {case.id} 是{SEGMENTS.get(case.segment, case.segment)}",
                         field="评分卡")
    answers = case_answers(case, card)
    for key, value in (overrides or {}).items():
        source = key if key in answers else card.indicator(key).source
        answers[source] = value
    return rate_answers(card, answers, case_id=case.id, reason_count=reason_count)


__all__ = ["Rating", "Reason", "case_answers", "rate", "rate_answers"]
