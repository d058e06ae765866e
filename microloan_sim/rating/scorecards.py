"""Expert scorecards as data: the YAML schema and its checks, point tables, and loading/discovery of the
cards in ``data/scorecards/`` and the folders of ``MICROLOAN_SCORECARDS``.
"""
from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from .._data import data_path, load_model
from ..errors import InputError, require_number
from ..labels import SEGMENTS
from ..schedules import normalize_method
from .sizing_parameters import load_parameters
from .vocabulary import _unit_value, source_info

if TYPE_CHECKING:  # pragma: no cover
    from ..casebook import Case

Segment = Literal["business", "farm", "consumer"]
SCORECARD_DIR = data_path("scorecards")
#: Extra folders of scorecards (path-separator separated), searched after the bundled one.
SCORECARDS_ENV = "MICROLOAN_SCORECARDS"


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

    ``rule: farmer_line`` uses :func:`microloan_sim.rating.credit_line.farmer_line` (parameters in ``sizing.yaml``).
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


# =========================================================================== points of an answer

def match_category(categories: Iterable[str], value: Any) -> str | None:
    """The category an answer belongs to: exact after normalising (NFKC, spaces), else by its stem.

    An answer that starts with a category ("本科（护理学）" → 本科, "中专（模具专业）" → 中专) belongs to it; the
    longest such category wins. Only the stem counts, never a category somewhere inside the answer ("不好"
    is not 好). ``None`` when nothing matches: the caller refuses the answer, it never scores it silently.

    Examples
    --------
    >>> levels = ["研究生", "本科", "大专", "中专", "高中", "初中", "小学"]
    >>> match_category(levels, "本科（护理学）"), match_category(levels, " 中专（模具专业） ")
    ('本科', '中专')
    >>> match_category(levels, "私塾") is None, match_category(["好", "一般", "差"], "不好") is None
    (True, True)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    names = list(categories)
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if text in names:
        return text
    starts = [c for c in names if text.startswith(c)]
    return max(starts, key=len) if starts else None


def _lookup(ind: Indicator, values: pd.Series) -> np.ndarray:
    """Points for many answers at once; NaN where the answer has no points (missing or outside the table)."""
    if ind.categories is not None:
        known = list(ind.categories)
        text = values.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                          else (match_category(known, v) or str(v)))
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


__all__ = [
    "match_category", "SCORECARDS_ENV", "SCORECARD_DIR", "Assumptions", "Bin", "CreditLineRule", "GradeBand", "Indicator", "LineTerm",
    "Linear", "Scorecard", "Segment", "applicable_scorecards", "bin_label", "default_scorecard", "list_scorecards",
    "load_scorecard", "load_scorecard_file", "scorecard_dirs",
]
