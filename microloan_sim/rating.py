r"""信用评级 (credit rating), domain §4: scorecards as data, grades, initial credit line and reason codes;
and a statistical scorecard (WoE binning + logistic regression) beside the expert one.

Expert scorecards
-----------------
A scorecard is a YAML file in ``microloan_sim/data/scorecards/`` (all numbers 示例参数). Each indicator
names a **source**, a field of the case in a small explicit vocabulary (see :func:`sources`)::

    borrower.years_in_business   credit.overdue_times_24m   soft_information.reputation
    household.labourers          ratio.debt_ratio           derived.disposable_to_instalment
    answer.<name>                (an answer the officer types in; needs a ``default``)

and a point table: ``bins`` (``[min, max)`` ranges), ``categories`` (value → points) or ``linear``
(points grow in proportion from ``from`` to ``to``). The points add up to a score; grade bands turn the
score into a grade (AAA ≥ 90 …, domain §4.2); the grade sets the initial credit line
(``min(multiple × source, …) × coefficient``, capped by grade). Reason codes are the indicators that
cost the most points.

Loading checks more than the schema: the indicator maxima must add up to the card's ``total``; the grade
bands must cover ``0 … total`` with no gap and no overlap; the bins of an indicator must not overlap or
leave a gap; every source must be in the vocabulary. Errors are Chinese and name the file and key. An
instructor adds a card by dropping a YAML file into the folder: :func:`list_scorecards` finds it.

Statistical scorecard
---------------------
:func:`simulate_portfolio` draws applicants with the business card's features and a default flag from a
known latent logistic model (``data/statistical_scorecard.yaml``). :func:`fit_statistical_scorecard`
bins each feature, replaces it by its weight of evidence

.. math:: \mathrm{WoE}_i = \ln \frac{(g_i + s)/(G + s k)}{(b_i + s)/(B + s k)}

fits :class:`sklearn.linear_model.LogisticRegression` on the WoE values and scales the log-odds to
points: ``score = offset + factor × ln(odds good:bad)`` with ``factor = PDO / ln 2`` and
``offset = base_points − factor × ln(base_odds)`` (600 points at 50:1, PDO 20). :func:`compare_expert_vs_statistical`
reports AUC and KS on held-out data; :func:`data_size_effect` shows how the statistical card degrades when
it is trained on few borrowers, the reason a data-poor segment needs an expert card.

Examples
--------
>>> import microloan_sim as ml
>>> r = rate(ml.casebook.load_case("C01"), "小微企业")
>>> r.score, r.grade
(74.0, 'A')
>>> [reason.code for reason in r.reasons][:2]
['disposable_to_instalment', 'premises']
>>> what_if = rate(ml.casebook.load_case("C01"), "business", overrides={"credit.overdue_times_24m": 3})
>>> r.score - what_if.score
10.0
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from ._data import data_path, load_model
from .errors import InputError, require_number
from .labels import RATIOS, SEGMENTS

if TYPE_CHECKING:  # pragma: no cover
    from .casebook import Case

Segment = Literal["business", "farm", "consumer"]
SCORECARD_DIR = data_path("scorecards")
STATISTICAL_FILE = "statistical_scorecard.yaml"
#: Extra folders of scorecards (path-separator separated), searched after the bundled one.
SCORECARDS_ENV = "MICROLOAN_SCORECARDS"


# =========================================================================== source vocabulary

@dataclass(frozen=True)
class Source:
    """One entry of the source vocabulary: where an indicator's answer comes from."""

    key: str
    label: str
    kind: Literal["number", "category"]
    unit: str = ""                      # 元 / 年 / 次 / 天 / 人 / 岁 / 倍 / %  (% = a fraction shown as a percentage)
    categories: tuple[str, ...] = ()    # the values a categorical source can take; empty = free text
    description: str = ""


_GRADES3 = ("好", "一般", "差")
_RATIO_UNITS = {"current_ratio": "%", "quick_ratio": "%", "inventory_days": "天", "receivable_days": "天",
                "payable_days": "天"}

_FIXED_SOURCES: tuple[Source, ...] = (
    Source("borrower.age", "年龄", "number", "岁"),
    Source("borrower.years_in_business", "从业年限", "number", "年"),
    Source("borrower.education", "文化程度", "category"),
    Source("borrower.gender", "性别", "category", categories=("男", "女")),
    Source("credit.overdue_times_24m", "近 24 个月逾期次数", "number", "次"),
    Source("credit.max_overdue_days", "最长逾期天数", "number", "天"),
    Source("credit.current_overdue", "当前是否逾期", "category", categories=("是", "否")),
    Source("credit.years_with_bank", "与本行信贷往来年限", "number", "年"),
    Source("credit.inquiries_6m", "近 6 个月贷款审批查询次数", "number", "次"),
    Source("credit.credit_card_utilisation", "信用卡额度使用率", "number", "%"),
    Source("soft_information.reputation", "口碑", "category", categories=_GRADES3),
    Source("soft_information.family_stability", "家庭稳定性", "category", categories=_GRADES3),
    Source("soft_information.local_residence_years", "本地居住年限", "number", "年"),
    Source("soft_information.industry_outlook", "行业前景", "category", categories=_GRADES3),
    Source("household.members", "家庭人口", "number", "人"),
    Source("household.labourers", "劳动力人数", "number", "人"),
    *(Source(f"ratio.{key}", name, "number", _RATIO_UNITS.get(key, "%"), description="statements.ratios")
      for key, name in RATIOS.items()),
    Source("derived.monthly_disposable", "月可支配资金（月平均）", "number", "元"),
    Source("derived.annual_disposable", "年可支配资金（近 12 个月合计）", "number", "元"),
    Source("derived.annual_revenue", "年销售收入（近 12 个月）", "number", "元"),
    Source("derived.net_assets", "净资产", "number", "元", description="期末资产负债表的所有者权益（含家庭资产负债）"),
    Source("derived.net_income_per_capita", "家庭人均纯收入", "number", "元",
           description="近 12 个月各项经营净收入合计 ÷ 家庭人口"),
    Source("derived.disposable_to_instalment", "月可支配资金 / 拟贷月供", "number", "倍",
           description="月供按申请金额、申请期限和评分卡 assumptions 中的利率与还款方式计算"),
    Source("derived.disposable_to_request", "年可支配资金 / 申请金额", "number", "倍"),
    Source("derived.equity_check_deviation", "权益交叉检验偏差率（绝对值）", "number", "%",
           description="|应有权益 − 实际权益| ÷ 月数 ÷ 平均月可支配资金"),
    Source("derived.premises_type", "经营场所类型", "category", categories=("自有", "租赁", "其他")),
    Source("derived.guarantee_type", "担保方式（最强的一项）", "category",
           description="抵押率最高的抵押物类型；只有保证人时为“保证人”；没有时为“无”"),
)
SOURCES: dict[str, Source] = {s.key: s for s in _FIXED_SOURCES}
_ANSWER = re.compile(r"^answer\.[a-z][a-z0-9_]*$")


def _guarantee_categories() -> tuple[str, ...]:
    from .sizing import load_parameters

    return (*load_parameters().ltv.keys(), "无")


def source_info(key: str) -> Source:
    """The vocabulary entry of a source key (``answer.*`` sources are open: number or category)."""
    if key in SOURCES:
        source = SOURCES[key]
        if key == "derived.guarantee_type":
            return Source(source.key, source.label, source.kind, source.unit, _guarantee_categories(),
                          source.description)
        return source
    if _ANSWER.match(key):
        return Source(key, key.split(".", 1)[1], "number", description="由信贷员填写")
    raise InputError(f"未知的数据来源“{key}”。可用的来源：{'、'.join(SOURCES)}，或 answer.<名称>", field="source")


def sources() -> pd.DataFrame:
    """The source vocabulary a scorecard may use: key, Chinese label, kind, unit, allowed values.

    Examples
    --------
    >>> table = sources()
    >>> table.loc["credit.overdue_times_24m", "名称"]
    '近 24 个月逾期次数'
    """
    rows = [source_info(k) for k in SOURCES]
    frame = pd.DataFrame({"名称": [s.label for s in rows], "类型": ["数值" if s.kind == "number" else "分类" for s in rows],
                          "单位": [s.unit for s in rows], "可选值": ["、".join(s.categories) for s in rows],
                          "说明": [s.description for s in rows]}, index=[s.key for s in rows])
    frame.index.name = "source"
    return frame


# =========================================================================== scorecard schema

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)


class Bin(_Strict):
    """A range ``[min, max)`` of an indicator and its points; a missing bound is infinite."""

    min: float | None = None
    max: float | None = None
    points: float = Field(ge=0)
    label: str | None = None

    @property
    def lower(self) -> float:
        return -math.inf if self.min is None else self.min

    @property
    def upper(self) -> float:
        return math.inf if self.max is None else self.max


class Linear(_Strict):
    """Points in proportion: 0 at ``from``, ``max_points`` at ``to`` (either direction), clipped."""

    start: float = Field(alias="from")
    end: float = Field(alias="to")

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.start == self.end:
            raise ValueError("linear 的 from 与 to 不能相等")
        return self


class Indicator(_Strict):
    """One indicator of a scorecard: where its answer comes from and how the answer earns points."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    block: str = ""
    source: str
    max_points: float = Field(gt=0)
    bins: list[Bin] | None = None
    categories: dict[str, float] | None = None
    linear: Linear | None = None
    other_points: float | None = Field(None, ge=0)
    if_missing: float | None = Field(None, ge=0)
    default: float | str | None = None
    reason: str = Field(min_length=1)
    help: str = ""

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        try:
            source_info(value)
        except InputError as exc:
            raise ValueError(str(exc).removeprefix("source：")) from None
        return value

    @model_validator(mode="after")
    def _table(self) -> Indicator:
        who = f"指标 {self.key}（{self.name}）"
        tables = [name for name in ("bins", "categories", "linear") if getattr(self, name) is not None]
        if len(tables) != 1:
            raise ValueError(f"{who}：应且只应有 bins、categories、linear 中的一种评分表（现有 {len(tables)} 种）")
        source = source_info(self.source)
        is_answer = self.source.startswith("answer.")
        if self.categories is not None:
            if not self.categories:
                raise ValueError(f"{who}：categories 不能为空")
            if not is_answer and source.kind != "category":
                raise ValueError(f"{who}：来源 {self.source} 是数值，应使用 bins 或 linear，而不是 categories")
            if source.categories:
                missing = [c for c in source.categories if c not in self.categories]
                if missing and self.other_points is None:
                    raise ValueError(f"{who}：categories 缺少“{'、'.join(missing)}”（或给出 other_points）")
            elif not is_answer and self.other_points is None:
                raise ValueError(f"{who}：来源 {self.source} 是自由文字，categories 需要 other_points（未列出取值的得分）")
            points = list(self.categories.values())
        else:
            if source.kind == "category" and not is_answer:
                raise ValueError(f"{who}：来源 {self.source} 是分类数据，应使用 categories")
            if self.bins is not None:
                _check_bins(who, self.bins)
                points = [b.points for b in self.bins]
            else:
                points = [0.0, self.max_points]
        extras = [p for p in (self.other_points, self.if_missing) if p is not None]
        for value in points + extras:
            if value > self.max_points + 1e-9:
                raise ValueError(f"{who}：得分 {value:g} 超过本指标满分 max_points {self.max_points:g}")
        if abs(max(points) - self.max_points) > 1e-9:
            raise ValueError(f"{who}：评分表最高得分 {max(points):g} 应等于 max_points {self.max_points:g}")
        if is_answer and self.default is None:
            raise ValueError(f"{who}：来源 {self.source} 由信贷员填写，需要给出 default（默认答案）")
        if self.default is not None:
            default: Any = str(self.default) if self.categories is not None else self.default
            if isinstance(default, str) and self.categories is None:
                raise ValueError(f"{who}：default 应为数字（当前为“{default}”）")
            if np.isnan(_lookup(self, pd.Series([default], dtype=object))[0]):
                raise ValueError(f"{who}：default “{self.default}”在评分表中没有对应的得分")
        return self

    @property
    def kind(self) -> Literal["number", "category"]:
        return "category" if self.categories is not None else "number"


def _fmt_bound(value: float) -> str:
    return f"{value:g}"


def _check_bins(who: str, bins: list[Bin]) -> None:
    for i, b in enumerate(bins, start=1):
        if b.lower >= b.upper:
            raise ValueError(f"{who}：第 {i} 档的下限 {_fmt_bound(b.lower)} 应小于上限 {_fmt_bound(b.upper)}")
    for i, (a, b) in enumerate(pairwise(bins), start=1):
        if b.lower < a.lower:
            raise ValueError(f"{who}：分档应按从小到大排列（第 {i + 1} 档在第 {i} 档之前）")
        if a.upper > b.lower:
            raise ValueError(f"{who}：第 {i} 档 [{_fmt_bound(a.lower)}, {_fmt_bound(a.upper)}) 与第 {i + 1} 档 "
                             f"[{_fmt_bound(b.lower)}, {_fmt_bound(b.upper)}) 重叠")
        if a.upper < b.lower:
            raise ValueError(f"{who}：第 {i} 档与第 {i + 1} 档之间有空档 [{_fmt_bound(a.upper)}, {_fmt_bound(b.lower)})，"
                             "落在空档里的取值无法评分")


class GradeBand(_Strict):
    """A grade and its score range ``[min, max)`` (the top band includes its max)."""

    grade: str = Field(min_length=1)
    label: str = ""
    min: float = Field(ge=0)
    max: float


class LineTerm(_Strict):
    source: str
    multiple: float = Field(gt=0)

    @field_validator("source")
    @classmethod
    def _numeric(cls, value: str) -> str:
        try:
            info = source_info(value)
        except InputError as exc:
            raise ValueError(str(exc).removeprefix("source：")) from None
        if info.kind != "number":
            raise ValueError(f"授信额度的计算基数应为数值来源，{value} 是分类数据")
        return value


class CreditLineRule(_Strict):
    """Initial credit line: ``min(multiple × source, …) × coefficient[grade]``, capped by ``caps[grade]``.

    ``rule: farmer_line`` uses :func:`microloan_sim.sizing.farmer_line` (parameters in ``sizing.yaml``).
    """

    rule: Literal["formula", "farmer_line"] = "formula"
    terms: list[LineTerm] = []
    coefficients: dict[str, float] = {}
    caps: dict[str, float] = {}
    round_down_to: float = Field(100.0, gt=0)

    @model_validator(mode="after")
    def _shape(self) -> CreditLineRule:
        if self.rule == "formula":
            if not self.terms:
                raise ValueError("rule 为 formula 时需要至少一个 terms（计算基数）")
            if not self.coefficients:
                raise ValueError("rule 为 formula 时需要 coefficients（各等级系数）")
        elif self.terms or self.coefficients or self.caps:
            raise ValueError("rule 为 farmer_line 时参数在 sizing.yaml 的 farmer_line 中，这里不要再写 terms/coefficients/caps")
        for grade, value in self.coefficients.items():
            if not 0 <= value <= 1:
                raise ValueError(f"等级 {grade} 的系数应在 0 到 1 之间（当前为 {value}）")
        for grade, value in self.caps.items():
            if value < 0:
                raise ValueError(f"等级 {grade} 的上限不能为负数")
        return self


class Assumptions(_Strict):
    annual_rate: float = Field(default=0.072, ge=0, le=1)
    method: str = "equal_installment"

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        from .schedules import normalize_method

        return normalize_method(value)


class Scorecard(_Strict):
    """A validated expert scorecard (schema of one YAML file in ``data/scorecards/``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    description: str = ""
    illustrative: bool = True
    segments: list[Segment] = Field(min_length=1)
    default_for: list[Segment] = []
    total: float = Field(gt=0)
    assumptions: Assumptions = Assumptions()
    indicators: list[Indicator] = Field(min_length=1)
    grades: list[GradeBand] = Field(min_length=2)
    credit_line: CreditLineRule
    _file: str = PrivateAttr("")

    @field_validator("indicators")
    @classmethod
    def _indicators_add_up(cls, indicators: list[Indicator], info: ValidationInfo) -> list[Indicator]:
        keys = [i.key for i in indicators]
        duplicated = sorted({k for k in keys if keys.count(k) > 1})
        if duplicated:
            raise ValueError(f"指标 key 重复：{'、'.join(duplicated)}")
        total = info.data.get("total")
        maxima = sum(i.max_points for i in indicators)
        if total is not None and abs(maxima - total) > 1e-9:
            raise ValueError(f"各指标满分合计 {maxima:g} 分，与 total（{total:g} 分）不符")
        return indicators

    @field_validator("grades")
    @classmethod
    def _bands_cover(cls, grades: list[GradeBand], info: ValidationInfo) -> list[GradeBand]:
        names = [g.grade for g in grades]
        if len(set(names)) != len(names):
            raise ValueError(f"等级名称重复：{'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
        for g in grades:
            if g.min >= g.max:
                raise ValueError(f"等级 {g.grade} 的下限 {g.min:g} 应小于上限 {g.max:g}")
        total = info.data.get("total")
        ordered = sorted(grades, key=lambda g: (g.min, g.max))
        if ordered[0].min != 0:
            raise ValueError(f"等级分数段应从 0 分开始，最低的 {ordered[0].grade} 从 {ordered[0].min:g} 分开始，"
                             f"0 到 {ordered[0].min:g} 分没有等级")
        for low, high in pairwise(ordered):
            if low.max > high.min:
                raise ValueError(f"等级 {low.grade} [{low.min:g}, {low.max:g}) 与 {high.grade} "
                                 f"[{high.min:g}, {high.max:g}) 的分数段重叠")
            if low.max < high.min:
                raise ValueError(f"等级 {low.grade} 与 {high.grade} 之间有空档：{low.max:g} 到 {high.min:g} 分没有等级")
        if total is not None and ordered[-1].max != total:
            raise ValueError(f"最高等级 {ordered[-1].grade} 的上限 {ordered[-1].max:g} 应等于 total（{total:g} 分）")
        return grades

    @field_validator("credit_line")
    @classmethod
    def _line_grades(cls, rule: CreditLineRule, info: ValidationInfo) -> CreditLineRule:
        grades = info.data.get("grades")
        if grades is None:
            return rule
        names = {g.grade for g in grades}
        if rule.rule == "farmer_line":
            from .sizing import load_parameters

            known = set(load_parameters().farmer_line.coefficients)
            missing = sorted(names - known)
            if missing:
                raise ValueError(f"sizing.yaml 的 farmer_line 没有等级 {'、'.join(missing)} 的系数")
            return rule
        if set(rule.coefficients) != names:
            raise ValueError(f"coefficients 应列出每个等级（{'、'.join(g.grade for g in grades)}），现为 "
                             f"{'、'.join(rule.coefficients)}")
        unknown = sorted(set(rule.caps) - names)
        if unknown:
            raise ValueError(f"caps 中有未定义的等级：{'、'.join(unknown)}")
        return rule

    @property
    def file(self) -> str:
        """The file the card was loaded from (empty for a card built in code)."""
        return self._file

    def indicator(self, key_or_source: str) -> Indicator:
        """The indicator with this key, or the first one reading this source."""
        for ind in self.indicators:
            if key_or_source in (ind.key, ind.source):
                return ind
        raise InputError(f"评分卡“{self.name}”没有这个指标", field=key_or_source)

    def required_sources(self) -> tuple[str, ...]:
        """Every source the card reads: the indicators' and the credit line's."""
        keys = [ind.source for ind in self.indicators]
        if self.credit_line.rule == "farmer_line":
            keys += ["derived.annual_disposable", "derived.net_assets"]
        keys += [t.source for t in self.credit_line.terms]
        return tuple(dict.fromkeys(keys))

    def grade_for(self, score: float) -> GradeBand:
        """The grade band a score falls in.

        Examples
        --------
        >>> load_scorecard("农户").grade_for(81).grade
        'AA'
        """
        score = require_number(score, "得分", minimum=0, maximum=self.total)
        for band in sorted(self.grades, key=lambda g: g.min):
            if band.min <= score < band.max or score == band.max == self.total:
                return band
        raise InputError(f"得分 {score:g} 不在任何等级分数段内", field="得分")  # unreachable after validation

    def overview(self) -> pd.DataFrame:
        """One row per indicator: 类别, 指标, 满分, 评分标准 (every bin or category with its points).

        Examples
        --------
        >>> load_scorecard("business").overview().loc["overdue_times", "评分标准"]
        '0 次：10 分；1 次：6 分；2 次：3 分；≥ 3 次：0 分'
        """
        rows = {ind.key: {"类别": ind.block, "指标": ind.name, "满分": ind.max_points,
                          "评分标准": "；".join(f"{answer}：{points:g} 分" for answer, points in _table_rows(ind))}
                for ind in self.indicators}
        return pd.DataFrame.from_dict(rows, orient="index")

    def points_table(self) -> pd.DataFrame:
        """Every indicator's point table as rows: 指标, 档位/取值, 得分."""
        rows = []
        for ind in self.indicators:
            for answer, points in _table_rows(ind):
                rows.append({"类别": ind.block, "指标": ind.name, "档位/取值": answer, "得分": points,
                             "满分": ind.max_points})
        return pd.DataFrame(rows)


def _unit_value(value: float, unit: str) -> str:
    """A bound or answer with its unit, rounded for reading: ``10%``, ``2.9 年``, ``1.43 倍``, ``50,000 元``."""
    if math.isinf(value):
        return "∞"
    if unit == "%":
        return f"{round(value * 100, 1):g}%"
    if unit == "元":
        return f"{value:,.0f} 元"
    if unit == "倍":
        return f"{round(value, 2):g} 倍"
    return f"{round(value, 1):g} {unit}".strip()


def bin_label(ind: Indicator, b: Bin) -> str:
    """Chinese label of a bin, e.g. ``3–5 年``, ``≥ 10 年``, ``< 80%``."""
    if b.label:
        return b.label
    unit = source_info(ind.source).unit
    if b.min is None:
        return f"< {_unit_value(b.upper, unit)}"
    if b.max is None:
        return f"≥ {_unit_value(b.lower, unit)}"
    if unit in ("次", "天", "人") and b.upper - b.lower == 1:
        return _unit_value(b.lower, unit)
    return f"{_unit_value(b.lower, unit)} – {_unit_value(b.upper, unit)}（不含）"


def _table_rows(ind: Indicator) -> list[tuple[str, float]]:
    if ind.categories is not None:
        rows = list(ind.categories.items())
        if ind.other_points is not None:
            rows.append(("其他", ind.other_points))
    elif ind.bins is not None:
        rows = [(bin_label(ind, b), b.points) for b in ind.bins]
    else:
        assert ind.linear is not None
        unit = source_info(ind.source).unit
        rows = [(f"{_unit_value(ind.linear.start, unit)} → 0 分，{_unit_value(ind.linear.end, unit)} → 满分，之间按比例",
                 ind.max_points)]
    if ind.if_missing is not None:
        rows.append(("无法计算（缺失）", ind.if_missing))
    return rows


# =========================================================================== loading and discovery

def scorecard_dirs() -> list[Path]:
    """Folders searched for scorecards: the bundled one, then any in ``MICROLOAN_SCORECARDS``."""
    extra = [Path(p) for p in os.environ.get(SCORECARDS_ENV, "").split(os.pathsep) if p.strip()]
    return [SCORECARD_DIR, *extra]


def load_scorecard_file(path: Path | str) -> Scorecard:
    """Load and validate one scorecard file; errors name the file and the key, in Chinese.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"
    >>> text = SCORECARD_DIR.joinpath("business.yaml").read_text(encoding="utf-8")
    >>> _ = p.write_text(text.replace("total: 100", "total: 90"), encoding="utf-8")
    >>> load_scorecard_file(p)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 bad.yaml：indicators：各指标满分合计 100 分，与 total（90 分）不符
    """
    file = Path(path)
    return _load_file(file.resolve(), file.stat().st_mtime_ns if file.is_file() else 0)


@lru_cache(maxsize=64)
def _load_file(file: Path, _mtime: int) -> Scorecard:
    card: Scorecard = load_model(Scorecard, file)
    card._file = str(file)
    return card


def _discover() -> dict[str, Scorecard]:
    cards: dict[str, Scorecard] = {}
    names: dict[str, str] = {}
    for folder in scorecard_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            card = load_scorecard_file(path)
            if card.id in cards:
                raise InputError(f"评分卡 id “{card.id}” 与 {Path(cards[card.id].file).name} 重复", file=path.name)
            for name in (card.id, card.name, *card.aliases):
                if name in names and names[name] != card.id:
                    raise InputError(f"名称或别名“{name}”已被评分卡 {names[name]} 使用", file=path.name)
                names[name] = card.id
            cards[card.id] = card
    return cards


def list_scorecards() -> pd.DataFrame:
    """The scorecards found: id, 名称, 适用客户, 满分, 指标数, 文件.

    Examples
    --------
    >>> set(list_scorecards()["id"]) >= {"business", "consumer", "farmer"}
    True
    """
    rows = [{"id": c.id, "名称": c.name, "适用客户": "、".join(SEGMENTS[s] for s in c.segments), "满分": c.total,
             "指标数": len(c.indicators), "别名": "、".join(c.aliases), "文件": Path(c.file).name}
            for c in _discover().values()]
    return pd.DataFrame(rows, columns=["id", "名称", "适用客户", "满分", "指标数", "别名", "文件"])


def load_scorecard(scorecard: str | Path | Scorecard = "business") -> Scorecard:
    """A scorecard by id (``business``), name, Chinese alias (``小微企业``, ``农户``, ``个人消费``) or file path.

    Examples
    --------
    >>> load_scorecard("个人消费").id
    'consumer'
    >>> load_scorecard("汽车贷")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 评分卡：没有“汽车贷”（可选：business 小微企业（个体工商户）评分卡、consumer 个人消费类征信评级卡、farmer 农户信用等级评分卡）
    """
    if isinstance(scorecard, Scorecard):
        return scorecard
    if isinstance(scorecard, Path) or str(scorecard).endswith((".yaml", ".yml")):
        return load_scorecard_file(scorecard)
    wanted = str(scorecard).strip()
    cards = _discover()
    for card in cards.values():
        if wanted in (card.id, card.name, *card.aliases) or wanted.lower() == card.id:
            return card
    choices = "、".join(f"{c.id} {c.name}" for c in cards.values())
    raise InputError(f"没有“{scorecard}”（可选：{choices}）", field="评分卡")


def applicable_scorecards(case: Case) -> list[str]:
    """Ids of the scorecards that apply to the case's segment (its default card first).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> applicable_scorecards(ml.casebook.load_case("C03"))
    ['farmer', 'consumer']
    """
    cards = [c for c in _discover().values() if case.segment in c.segments]
    cards.sort(key=lambda c: case.segment not in c.default_for)
    return [c.id for c in cards]


def default_scorecard(case: Case) -> str:
    """The id of the card used for a case by default (its segment's ``default_for``)."""
    ids = applicable_scorecards(case)
    if not ids:
        raise InputError(f"没有适用于{SEGMENTS.get(case.segment, case.segment)}的评分卡", field="评分卡")
    return ids[0]


# =========================================================================== answers from a case

@lru_cache(maxsize=64)
def _facts(case: Case) -> dict[str, Any]:
    """Everything a card can read from a case, computed once per case object."""
    from .sizing import load_parameters
    from .statements import balance_sheet, equity_link, household_summary, income_statement, ratios

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
    link = equity_link(case)
    facts["derived.equity_check_deviation"] = (abs(link.difference) / case.months / monthly) if monthly > 0 else math.nan
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
    ('活体', 49980)
    """
    from .sizing import regular_payment

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


# =========================================================================== scoring

def _lookup(ind: Indicator, values: pd.Series) -> np.ndarray:
    """Points for many answers at once; NaN where the answer has no points (missing or outside the table)."""
    if ind.categories is not None:
        text = values.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
        points = text.map(ind.categories).astype(float).to_numpy()
        if ind.other_points is not None:
            points = np.where(np.isnan(points) & text.notna().to_numpy(), ind.other_points, points)
        missing = text.isna().to_numpy()
    else:
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        missing = np.isnan(x)
        if ind.bins is not None:
            points = np.full(x.shape, np.nan)
            for b in ind.bins:
                points = np.where((x >= b.lower) & (x < b.upper), b.points, points)
        else:
            assert ind.linear is not None
            share = (x - ind.linear.start) / (ind.linear.end - ind.linear.start)
            points = np.clip(share, 0.0, 1.0) * ind.max_points
    if ind.if_missing is not None:
        points = np.where(missing, ind.if_missing, points)
    return points


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
        if text not in (ind.categories or {}) and ind.other_points is None:
            raise InputError(f"“{value}”不在评分表中（可选：{'、'.join(ind.categories or {})}）", field=field_name)
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


def _credit_line(card: Scorecard, grade: str, answers: Mapping[str, Any]) -> tuple[float, str]:
    rule = card.credit_line
    step = rule.round_down_to

    def value_of(source: str) -> float:
        if source not in answers:
            raise InputError("计算授信额度缺少这一项", field=source)
        return require_number(answers[source], source_info(source).label)

    if rule.rule == "farmer_line":
        from .sizing import farmer_line

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
    (87.0, 'AA', 79900.0)
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


def score_frame(scorecard: str | Path | Scorecard, frame: pd.DataFrame) -> np.ndarray:
    """Expert scores of many applicants at once; ``frame`` has one column per source the card reads.

    Examples
    --------
    >>> portfolio = simulate_portfolio(3, seed=1)
    >>> score_frame("business", portfolio).shape
    (3,)
    """
    card = load_scorecard(scorecard)
    missing = [ind.source for ind in card.indicators if ind.source not in frame.columns]
    if missing:
        raise InputError(f"缺少评分卡需要的列：{'、'.join(missing)}", field="数据")
    total = np.zeros(len(frame))
    for ind in card.indicators:
        points = _lookup(ind, frame[ind.source])
        if np.isnan(points).any():
            row = int(np.argmax(np.isnan(points)))
            raise InputError(f"第 {row + 1} 行的取值“{frame[ind.source].iloc[row]}”无法评分", field=ind.source)
        total += points
    return total


# =========================================================================== statistical scorecard

class _Scaling(_Strict):
    base_points: float
    base_odds: float = Field(gt=0)
    pdo: float = Field(gt=0)


class _Binning(_Strict):
    max_bins: int = Field(ge=2, le=20)
    smoothing: float = Field(gt=0)


class _Model(_Strict):
    C: float = Field(gt=0)


class _Evaluation(_Strict):
    expert_scorecard: str
    n_train: int = Field(ge=20)
    n_test: int = Field(ge=20)
    train_sizes: list[int] = Field(min_length=1)
    repeats: int = Field(ge=1, le=200)
    seed: int = Field(ge=0)


class _LatentTerm(_Strict):
    feature: str
    coefficient: float | None = None
    transform: Literal["linear", "log"] = "linear"
    categories: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> _LatentTerm:
        if (self.coefficient is None) == (self.categories is None):
            raise ValueError(f"{self.feature}：应且只应给出 coefficient 或 categories 之一")
        if self.feature not in _SIMULATED:
            raise ValueError(f"模拟客户群没有特征“{self.feature}”（可用：{'、'.join(_SIMULATED)}）")
        return self


class _Latent(_Strict):
    intercept: float
    terms: list[_LatentTerm]


class ApprovalEconomics(_Strict):
    """Per-loan economics of the approval-threshold simulation (示例参数, ``approval:`` block).

    A loan that is repaid earns ``loan_amount × (annual_rate − funding_cost) × term_months / 12 −
    operating_cost``; a loan that defaults loses ``loan_amount × lgd + operating_cost``.
    """

    loan_amount: float = Field(gt=0)
    term_months: int = Field(ge=1, le=360)
    annual_rate: float = Field(ge=0, le=1)
    funding_cost: float = Field(ge=0, le=1)
    operating_cost: float = Field(ge=0)
    lgd: float = Field(ge=0, le=1)

    @property
    def profit_if_repaid(self) -> float:
        return self.loan_amount * (self.annual_rate - self.funding_cost) * self.term_months / 12 - self.operating_cost

    @property
    def loss_if_default(self) -> float:
        return self.loan_amount * self.lgd + self.operating_cost

    @property
    def break_even_default_rate(self) -> float:
        """The default rate among approved loans at which the book just breaks even: g / (g + l)."""
        gain, loss = self.profit_if_repaid, self.loss_if_default
        return gain / (gain + loss) if gain > 0 else 0.0


class StatisticalParameters(_Strict):
    """Schema of ``data/statistical_scorecard.yaml`` (示例参数)."""

    illustrative: Literal[True] = True
    scaling: _Scaling
    binning: _Binning
    model: _Model
    evaluation: _Evaluation
    latent_model: _Latent
    approval: ApprovalEconomics


def statistical_parameters(path: Path | str | None = None) -> StatisticalParameters:
    """Load and validate the statistical-scorecard parameters.

    Examples
    --------
    >>> p = statistical_parameters()
    >>> p.scaling.base_points, p.scaling.base_odds, p.scaling.pdo
    (600.0, 50.0, 20.0)
    """
    file = Path(path) if path is not None else data_path(STATISTICAL_FILE)
    return _statistical_parameters(file, file.stat().st_mtime_ns if file.is_file() else 0)


@lru_cache(maxsize=4)
def _statistical_parameters(file: Path, _mtime: int) -> StatisticalParameters:
    params: StatisticalParameters = load_model(StatisticalParameters, file)
    return params


#: Features of a simulated applicant (the sources of the business card).
_SIMULATED = (
    "borrower.years_in_business", "derived.premises_type", "soft_information.industry_outlook",
    "derived.equity_check_deviation", "ratio.debt_ratio", "ratio.current_ratio", "derived.disposable_to_instalment",
    "credit.overdue_times_24m", "credit.max_overdue_days", "credit.current_overdue", "credit.inquiries_6m",
    "credit.years_with_bank", "soft_information.reputation", "soft_information.family_stability",
    "derived.guarantee_type",
)


def _child_seed(seed: int, *path: int) -> int:
    return int(np.random.SeedSequence([int(seed), *path]).generate_state(1)[0])


def _rating_word(z: np.ndarray, good: float, bad: float) -> np.ndarray:
    return np.where(z > good, "好", np.where(z < bad, "差", "一般"))


def simulate_portfolio(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Simulated small-business applicants with a default flag drawn from a known latent model.

    Features (columns named by source, as the business card reads them) are drawn around a hidden
    "management quality" ``q ~ N(0, 1)``, so they are correlated as in life. The default flag is drawn
    with probability ``sigmoid(intercept + Σ terms)`` of ``latent_model`` in
    ``data/statistical_scorecard.yaml``; the column ``true_pd`` holds that probability (a fitted model
    never sees it).

    Examples
    --------
    >>> a = simulate_portfolio(1000, seed=7)
    >>> b = simulate_portfolio(1000, seed=7)
    >>> a.equals(b), bool(0.02 < a["default"].mean() < 0.2)
    (True, True)
    """
    count = int(require_number(n, "样本量", strictly_positive=True, maximum=1_000_000))
    rng = np.random.default_rng(int(require_number(seed, "随机种子", minimum=0)))
    q = rng.normal(size=count)
    years = np.clip(np.round(rng.gamma(2.2, 3.0, count) + 0.8 * q, 1), 0, 40)
    overdue = rng.poisson(np.exp(-1.1 - 0.7 * q))
    frame = pd.DataFrame({
        "borrower.years_in_business": years,
        "derived.premises_type": rng.choice(["自有", "租赁", "其他"], count, p=[0.3, 0.62, 0.08]),
        "soft_information.industry_outlook": rng.choice(["好", "一般", "差"], count, p=[0.25, 0.6, 0.15]),
        "derived.equity_check_deviation": np.abs(rng.normal(0, 0.07, count) * np.exp(-0.35 * q)),
        "ratio.debt_ratio": np.clip(rng.beta(2.0, 4.0, count) - 0.06 * q, 0, 0.98),
        "ratio.current_ratio": np.exp(rng.normal(np.log(1.6) + 0.15 * q, 0.45)),
        "derived.disposable_to_instalment": np.exp(rng.normal(np.log(1.5) + 0.2 * q, 0.45)),
        "credit.overdue_times_24m": overdue.astype(float),
        "credit.max_overdue_days": np.where(overdue > 0, np.ceil(rng.exponential(12.0, count) * overdue), 0.0),
        "credit.current_overdue": np.where(rng.random(count) < np.where(overdue > 0, 0.12, 0.01), "是", "否"),
        "credit.inquiries_6m": rng.poisson(np.exp(0.35 - 0.3 * q)).astype(float),
        "credit.years_with_bank": np.round(np.minimum(rng.gamma(1.5, 2.0, count), years), 1),
        "soft_information.reputation": _rating_word(q + rng.normal(0, 1, count), 0.3, -1.6),
        "soft_information.family_stability": _rating_word(rng.normal(0, 1, count), 0.0, -1.5),
        "derived.guarantee_type": rng.choice(["房产", "应收账款", "存货", "保证人", "无"], count,
                                             p=[0.2, 0.1, 0.1, 0.45, 0.15]),
    })
    logit = _latent_logit(frame, statistical_parameters().latent_model)
    true_pd = 1 / (1 + np.exp(-logit))
    frame["true_pd"] = true_pd
    frame["default"] = (rng.random(count) < true_pd).astype(int)
    return frame


def _latent_logit(frame: pd.DataFrame, latent: _Latent) -> np.ndarray:
    logit = np.full(len(frame), latent.intercept)
    for term in latent.terms:
        column = frame[term.feature]
        if term.categories is not None:
            logit = logit + column.map(term.categories).fillna(0.0).to_numpy(dtype=float)
        else:
            x = column.to_numpy(dtype=float)
            x = np.log(np.maximum(x, 1e-6)) if term.transform == "log" else x
            assert term.coefficient is not None
            logit = logit + term.coefficient * x
    return logit


@dataclass(frozen=True)
class FeatureBins:
    """The bins of one feature in a statistical scorecard: cut points (numeric) or categories, with WoE."""

    feature: str
    cuts: tuple[float, ...] | None
    categories: tuple[str, ...] | None
    woe: tuple[float, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    bad_rates: tuple[float, ...]

    def index(self, values: pd.Series) -> np.ndarray:
        """Bin number of each value (−1 for a category unseen in training)."""
        if self.cuts is not None:
            return np.searchsorted(np.asarray(self.cuts), values.to_numpy(dtype=float), side="right")
        text = np.asarray(values, dtype=object).astype(str)
        return np.asarray(pd.Index(list(self.categories or ()), dtype=object).get_indexer(text), dtype=int)

    def transform(self, values: pd.Series) -> np.ndarray:
        """WoE of each value (0 for an unseen category: no evidence either way)."""
        idx = self.index(values)
        woe = np.append(np.asarray(self.woe), 0.0)
        return woe[np.where(idx < 0, len(self.woe), idx)]


@dataclass(frozen=True)
class StatisticalScorecard:
    """A fitted statistical scorecard: WoE bins, logistic-regression weights and the points scaling.

    ``table`` lists every bin: 特征, 分箱, 样本数, 违约率, WoE, 分值 (points, rounded for display).
    """

    features: tuple[str, ...]
    bins: dict[str, FeatureBins]
    intercept: float
    coefficients: dict[str, float]
    factor: float
    offset: float
    n_train: int
    default_rate: float
    table: pd.DataFrame

    @property
    def base_points(self) -> float:
        """Points every applicant starts with: ``offset − factor × intercept``."""
        return self.offset - self.factor * self.intercept

    def log_odds_bad(self, data: pd.DataFrame) -> np.ndarray:
        z = np.full(len(data), self.intercept)
        for f in self.features:
            z = z + self.coefficients[f] * self.bins[f].transform(data[f])
        return z

    def predict_pd(self, data: pd.DataFrame) -> np.ndarray:
        """Predicted probability of default."""
        return 1 / (1 + np.exp(-self.log_odds_bad(data)))

    def score(self, data: pd.DataFrame) -> np.ndarray:
        """Points: ``offset + factor × ln(odds good:bad)``; higher is safer."""
        return self.offset - self.factor * self.log_odds_bad(data)


def _bin_feature(feature: str, x: pd.Series, y: np.ndarray, max_bins: int, smoothing: float) -> FeatureBins:
    numeric = pd.api.types.is_numeric_dtype(x)
    if numeric:
        values = x.to_numpy(dtype=float)
        unique = np.unique(values)
        if len(unique) <= max_bins:
            cuts = unique[1:]
        else:
            cuts = np.unique(np.quantile(values, np.linspace(0, 1, max_bins + 1)[1:-1]))
            cuts = cuts[cuts > values.min()]
        holder = FeatureBins(feature, tuple(float(c) for c in cuts), None, (), (), (), ())
        count = len(cuts) + 1
    else:
        cats = tuple(sorted(x.astype(str).unique()))
        holder = FeatureBins(feature, None, cats, (), (), (), ())
        count = len(cats)
    idx = holder.index(x)
    bad = np.bincount(idx, weights=y, minlength=count)
    total = np.bincount(idx, minlength=count).astype(float)
    good = total - bad
    big_g, big_b = good.sum(), bad.sum()
    woe = np.log(((good + smoothing) / (big_g + smoothing * count)) / ((bad + smoothing) / (big_b + smoothing * count)))
    unit = SOURCES[feature].unit if feature in SOURCES else ""
    if holder.cuts is not None:
        edges = [-math.inf, *holder.cuts, math.inf]
        labels = []
        for lo, hi in pairwise(edges):
            if math.isinf(lo):
                labels.append(f"< {_unit_value(hi, unit)}")
            elif math.isinf(hi):
                labels.append(f"≥ {_unit_value(lo, unit)}")
            else:
                labels.append(f"{_unit_value(lo, unit)} – {_unit_value(hi, unit)}")
    else:
        labels = list(holder.categories or ())
    rates = np.divide(bad, total, out=np.full(count, np.nan), where=total > 0)
    return FeatureBins(feature, holder.cuts, holder.categories, tuple(float(w) for w in woe), tuple(labels),
                       tuple(int(t) for t in total), tuple(float(r) for r in rates))


def fit_statistical_scorecard(data: pd.DataFrame | None = None, *, n: int | None = None, seed: int | None = None,
                              features: Sequence[str] | None = None) -> StatisticalScorecard:
    """Fit a statistical scorecard: WoE binning + scikit-learn ``LogisticRegression``, scaled by PDO/odds.

    Parameters
    ----------
    data : DataFrame, optional
        Training applicants: feature columns plus ``default`` (0/1). If omitted, ``n`` applicants are
        simulated with ``seed`` (defaults from ``data/statistical_scorecard.yaml``).
    features : sequence of str, optional
        Feature columns to use; default: every simulated feature.

    Examples
    --------
    >>> card = fit_statistical_scorecard(n=2000, seed=3)
    >>> p = statistical_parameters().scaling
    >>> # at the base odds (50:1 good:bad) the score is the base points, and doubling the odds adds PDO:
    >>> round(card.offset + card.factor * math.log(p.base_odds), 6), round(card.factor * math.log(2), 6)
    (600.0, 20.0)
    """
    from sklearn.linear_model import LogisticRegression

    params = statistical_parameters()
    if data is None:
        data = simulate_portfolio(params.evaluation.n_train if n is None else n,
                                  params.evaluation.seed if seed is None else seed)
    chosen = tuple(features) if features is not None else tuple(c for c in _SIMULATED if c in data.columns)
    missing = [c for c in (*chosen, "default") if c not in data.columns]
    if missing:
        raise InputError(f"训练数据缺少列：{'、'.join(missing)}", field="数据")
    y = pd.to_numeric(data["default"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(y).any() or not set(np.unique(y)) <= {0.0, 1.0}:
        raise InputError("default 列只能是 0（正常）或 1（违约）", field="default")
    if y.sum() < 2 or (len(y) - y.sum()) < 2:
        raise InputError(f"训练样本中违约 {int(y.sum())} 户、正常 {int(len(y) - y.sum())} 户：两类都至少要有 2 户才能建模",
                         field="default")
    bins = {f: _bin_feature(f, data[f], y, params.binning.max_bins, params.binning.smoothing) for f in chosen}
    woe = np.column_stack([bins[f].transform(data[f]) for f in chosen])
    model = LogisticRegression(C=params.model.C, max_iter=2000)
    model.fit(woe, y.astype(int))
    factor = params.scaling.pdo / math.log(2)
    offset = params.scaling.base_points - factor * math.log(params.scaling.base_odds)
    coefficients = {f: float(c) for f, c in zip(chosen, model.coef_[0])}
    rows = []
    for f in chosen:
        fb = bins[f]
        for label, count, rate_, w in zip(fb.labels, fb.counts, fb.bad_rates, fb.woe):
            rows.append({"特征": SOURCES[f].label if f in SOURCES else f, "分箱": label, "样本数": count,
                         "违约率": rate_, "WoE": w, "分值": round(-factor * coefficients[f] * w)})
    table = pd.DataFrame(rows, columns=["特征", "分箱", "样本数", "违约率", "WoE", "分值"])
    return StatisticalScorecard(features=chosen, bins=bins, intercept=float(model.intercept_[0]),
                                coefficients=coefficients, factor=factor, offset=offset, n_train=len(data),
                                default_rate=float(y.mean()), table=table)


def auc_ks(defaults: np.ndarray | pd.Series, scores: np.ndarray | pd.Series) -> tuple[float, float]:
    """AUC (``sklearn.metrics.roc_auc_score``) and KS (max of TPR − FPR on the ROC curve) of a score
    where **higher means safer**.

    Examples
    --------
    >>> auc_ks([0, 0, 1, 1], [700, 650, 600, 640])
    (1.0, 1.0)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(defaults, dtype=int)
    risk = -np.asarray(scores, dtype=float)
    fpr, tpr, _ = roc_curve(y, risk)
    return float(roc_auc_score(y, risk)), float(np.max(tpr - fpr))


@dataclass(frozen=True)
class Comparison:
    """Expert vs statistical scorecard on the same held-out applicants."""

    table: pd.DataFrame
    expert_auc: float
    expert_ks: float
    statistical_auc: float
    statistical_ks: float
    true_auc: float
    true_ks: float
    n_train: int
    n_test: int
    default_rate: float
    statistical: StatisticalScorecard
    #: the held-out applicants' default flags and each model's scores on them (for the approval simulation)
    test_defaults: np.ndarray
    test_scores: dict[str, np.ndarray]


def compare_expert_vs_statistical(scorecard: str = "", *, n_train: int | None = None, n_test: int | None = None,
                                  seed: int | None = None) -> Comparison:
    """AUC and KS of the expert card and of a statistical card fitted on ``n_train`` simulated applicants,
    both measured on ``n_test`` held-out applicants; the latent model's own PD is the ceiling.

    Results are cached (the same arguments give the same object).

    Examples
    --------
    >>> c = compare_expert_vs_statistical(n_train=5000, n_test=5000, seed=11)
    >>> c.statistical_auc > c.expert_auc > 0.6, c.true_auc >= c.statistical_auc - 0.01
    (True, True)
    """
    p = statistical_parameters().evaluation
    return _compare(scorecard or p.expert_scorecard, p.n_train if n_train is None else int(n_train),
                    p.n_test if n_test is None else int(n_test), p.seed if seed is None else int(seed),
                    _parameters_stamp())


def _parameters_stamp() -> tuple[int, ...]:
    files = [data_path(STATISTICAL_FILE), *sorted(SCORECARD_DIR.glob("*.yaml"))]
    return tuple(f.stat().st_mtime_ns for f in files)


@lru_cache(maxsize=16)
def _compare(scorecard: str, n_train: int, n_test: int, seed: int, _stamp: tuple[int, ...]) -> Comparison:
    train = simulate_portfolio(n_train, _child_seed(seed, 1))
    test = simulate_portfolio(n_test, _child_seed(seed, 2))
    stat = fit_statistical_scorecard(train)
    y = test["default"].to_numpy()
    scores = {"expert": np.asarray(score_frame(scorecard, test), dtype=float),
              "statistical": np.asarray(stat.score(test), dtype=float)}
    expert = auc_ks(y, scores["expert"])
    statistical = auc_ks(y, scores["statistical"])
    truth = auc_ks(y, -test["true_pd"].to_numpy())
    card = load_scorecard(scorecard)
    table = pd.DataFrame({"AUC": [expert[0], statistical[0], truth[0]], "KS": [expert[1], statistical[1], truth[1]]},
                         index=[f"专家评分卡：{card.name}", f"统计评分卡：{n_train:,} 户训练", "真实模型（理论上限）"])
    table.index.name = "模型"
    return Comparison(table=table, expert_auc=expert[0], expert_ks=expert[1], statistical_auc=statistical[0],
                      statistical_ks=statistical[1], true_auc=truth[0], true_ks=truth[1], n_train=n_train,
                      n_test=n_test, default_rate=float(y.mean()), statistical=stat, test_defaults=y,
                      test_scores=scores)


def data_size_effect(sizes: Sequence[int] | None = None, *, repeats: int | None = None, seed: int | None = None,
                     n_test: int | None = None, scorecard: str = "") -> pd.DataFrame:
    """How the statistical card's held-out AUC depends on the training sample size, beside the expert card.

    For each size the card is fitted ``repeats`` times on fresh simulated samples; samples with fewer than
    two defaults cannot be fitted and are counted as failures. Columns: 训练样本量, 统计评分卡 AUC（平均）,
    最低, 最高, 专家评分卡 AUC, 建模成功次数. Cached.

    Examples
    --------
    >>> t = data_size_effect([100, 5000], repeats=5, seed=3)
    >>> bool(t.loc[0, "统计评分卡 AUC（平均）"] < t.loc[1, "统计评分卡 AUC（平均）"])
    True
    """
    p = statistical_parameters().evaluation
    chosen = tuple(int(require_number(s, "训练样本量", minimum=20)) for s in (p.train_sizes if sizes is None else sizes))
    return _size_effect(chosen, p.repeats if repeats is None else int(repeats), p.seed if seed is None else int(seed),
                        p.n_test if n_test is None else int(n_test), scorecard or p.expert_scorecard,
                        _parameters_stamp()).copy()


@lru_cache(maxsize=8)
def _size_effect(sizes: tuple[int, ...], repeats: int, seed: int, n_test: int, scorecard: str,
                 _stamp: tuple[int, ...]) -> pd.DataFrame:
    test = simulate_portfolio(n_test, _child_seed(seed, 2))
    y = test["default"].to_numpy()
    expert_auc = auc_ks(y, score_frame(scorecard, test))[0]
    rows = []
    for i, size in enumerate(sizes):
        aucs = []
        for r in range(repeats):
            train = simulate_portfolio(size, _child_seed(seed, 10 + i, r))
            try:
                card = fit_statistical_scorecard(train)
            except InputError:
                continue
            aucs.append(auc_ks(y, card.score(test))[0])
        rows.append({"训练样本量": size,
                     "统计评分卡 AUC（平均）": float(np.mean(aucs)) if aucs else math.nan,
                     "最低": float(np.min(aucs)) if aucs else math.nan,
                     "最高": float(np.max(aucs)) if aucs else math.nan,
                     "专家评分卡 AUC": expert_auc, "建模成功次数": f"{len(aucs)}/{repeats}"})
    return pd.DataFrame(rows)


# =========================================================================== approval threshold (05a)

#: Columns of :func:`approval_tradeoff`.
APPROVAL_COLUMNS = ("分数线", "通过户数", "通过率", "通过户违约率", "拒绝户违约率", "放款总额", "净收益")


def approval_tradeoff(scores: Sequence[float] | np.ndarray | pd.Series,
                      defaults: Sequence[int] | np.ndarray | pd.Series,
                      thresholds: Sequence[float] | np.ndarray,
                      economics: ApprovalEconomics | None = None) -> pd.DataFrame:
    """Approve every applicant whose score is at least the threshold (higher score = safer) and count what
    that does to volume, default rate and the bank's net result, one row per threshold.

    Net result = repaid loans × ``profit_if_repaid`` − defaulted loans × ``loss_if_default``
    (:class:`ApprovalEconomics`, 示例参数 in ``data/statistical_scorecard.yaml`` by default).

    Examples
    --------
    >>> econ = ApprovalEconomics(loan_amount=10_000, term_months=12, annual_rate=0.12, funding_cost=0.02,
    ...                          operating_cost=0, lgd=0.5)
    >>> t = approval_tradeoff([500, 600, 700, 800], [1, 0, 1, 0], [550, 750], econ)
    >>> t[["分数线", "通过户数", "通过户违约率", "拒绝户违约率", "净收益"]].values.tolist()
    [[550.0, 3.0, 0.3333333333333333, 1.0, -3000.0], [750.0, 1.0, 0.0, 0.6666666666666666, 1000.0]]
    """
    econ = economics if economics is not None else statistical_parameters().approval
    score = np.asarray(pd.to_numeric(pd.Series(scores), errors="coerce"), dtype=float)
    bad = np.asarray(pd.to_numeric(pd.Series(defaults), errors="coerce"), dtype=float)
    if score.size == 0 or score.size != bad.size:
        raise InputError(f"评分与违约标记应一一对应且不为空（评分 {score.size} 个，违约标记 {bad.size} 个）",
                         field="评分")
    if np.isnan(score).any():
        raise InputError(f"第 {int(np.argmax(np.isnan(score))) + 1} 个评分不是数字", field="评分")
    if not np.isin(bad, (0, 1)).all():
        raise InputError("违约标记只能是 0（正常）或 1（违约）", field="违约标记")
    cut = np.array([require_number(t, "分数线") for t in thresholds], dtype=float)
    order = np.argsort(score, kind="stable")
    ranked, ranked_bad = score[order], bad[order]
    # approved = scores >= cut: everything from the first position whose score is >= cut
    first = np.searchsorted(ranked, cut, side="left")
    bad_from = np.concatenate([np.cumsum(ranked_bad[::-1])[::-1], [0.0]])  # defaults at positions >= i
    n = score.size
    approved = (n - first).astype(float)
    approved_bad = bad_from[first]
    rejected = n - approved
    rejected_bad = bad.sum() - approved_bad
    with np.errstate(invalid="ignore", divide="ignore"):
        approved_rate = np.where(approved > 0, approved_bad / approved, np.nan)
        rejected_rate = np.where(rejected > 0, rejected_bad / rejected, np.nan)
    net = np.round((approved - approved_bad) * econ.profit_if_repaid - approved_bad * econ.loss_if_default, 2)
    return pd.DataFrame({"分数线": cut, "通过户数": approved, "通过率": approved / n, "通过户违约率": approved_rate,
                         "拒绝户违约率": rejected_rate, "放款总额": approved * econ.loan_amount, "净收益": net})


@dataclass(frozen=True)
class ApprovalSimulation:
    """Held-out simulated applicants scored by one model, with the threshold trade-off table."""

    model: str
    scores: np.ndarray
    defaults: np.ndarray
    table: pd.DataFrame
    economics: ApprovalEconomics

    @property
    def best(self) -> pd.Series:
        """The row with the highest net result (the first one if several tie)."""
        return self.table.iloc[int(np.argmax(self.table["净收益"].to_numpy()))]

    def at(self, threshold: float) -> pd.Series:
        """The trade-off row of one threshold (computed afresh, so any value works)."""
        return approval_tradeoff(self.scores, self.defaults, [threshold], self.economics).iloc[0]


#: Models the approval simulation can score with, and their Chinese names.
APPROVAL_MODELS = {"statistical": "统计评分卡", "expert": "专家评分卡"}


def approval_simulation(model: str = "statistical", *, steps: int = 41) -> ApprovalSimulation:
    """Score the held-out simulated applicants of :func:`compare_expert_vs_statistical` with ``model``
    (``statistical`` or ``expert``) and tabulate ``steps`` thresholds spread over the score quantiles.

    Examples
    --------
    >>> sim = approval_simulation("statistical")
    >>> bool(sim.table["通过率"].is_monotonic_decreasing), bool(0 < sim.best["通过率"] < 1)
    (True, True)
    """
    if model not in APPROVAL_MODELS:
        raise InputError(f"未知的模型“{model}”（可选：{'、'.join(APPROVAL_MODELS)}）", field="模型")
    return _approval_simulation(model, int(require_number(steps, "分数线档数", minimum=2, maximum=500)),
                                _parameters_stamp())


@lru_cache(maxsize=8)
def _approval_simulation(model: str, steps: int, _stamp: tuple[int, ...]) -> ApprovalSimulation:
    params = statistical_parameters()
    comparison = compare_expert_vs_statistical()
    scores, defaults = comparison.test_scores[model], comparison.test_defaults
    thresholds = np.unique(np.round(np.quantile(scores, np.linspace(0.0, 0.98, steps))))
    table = approval_tradeoff(scores, defaults, thresholds, params.approval)
    return ApprovalSimulation(model=model, scores=scores, defaults=defaults, table=table, economics=params.approval)


__all__ = [
    "APPROVAL_COLUMNS", "APPROVAL_MODELS", "ApprovalEconomics", "ApprovalSimulation", "approval_simulation",
    "approval_tradeoff", "Bin", "Comparison", "CreditLineRule", "FeatureBins", "GradeBand", "Indicator", "Rating", "Reason", "Scorecard",
    "Source", "StatisticalParameters", "StatisticalScorecard", "applicable_scorecards", "auc_ks", "bin_label",
    "case_answers", "compare_expert_vs_statistical", "data_size_effect", "default_scorecard",
    "fit_statistical_scorecard", "list_scorecards", "load_scorecard", "load_scorecard_file", "rate", "rate_answers",
    "score_frame", "scorecard_dirs", "simulate_portfolio", "source_info", "sources", "statistical_parameters",
]
