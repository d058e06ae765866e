"""Exercise specs (YAML), answer parsing, grading and the registry of answer keys and briefings."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .. import casebook
from .._data import data_path, load_model
from ..errors import InputError

ItemKind = Literal["money", "number", "ratio", "choice", "text"]
Status = Literal["correct", "within_tolerance", "wrong", "missing", "manual"]

#: Longest free-text answer (characters) unless the item's YAML sets ``max_chars``; other answers: MAX_SHORT_CHARS.
MAX_TEXT_CHARS = 5000
MAX_SHORT_CHARS = 200

STATUS_LABELS: dict[str, str] = {
    "correct": "正确", "within_tolerance": "在容差内", "wrong": "错误", "missing": "未作答", "manual": "待讲师评分",
}


class ItemSpec(BaseModel):
    """One answer field of an exercise."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    label: str
    kind: ItemKind
    points: float = Field(gt=0)
    abs_tolerance: float = Field(default=0, ge=0)
    rel_tolerance: float = Field(default=0, ge=0, le=1)
    hint: str = Field(min_length=4)
    options: list[str] = []
    max_chars: int | None = Field(default=None, gt=0, description="longest answer; default by kind")
    segments: list[Literal["business", "farm", "consumer"]] = Field(
        default=[], description="the case segments the item applies to; empty: every segment")
    source: str = Field(default="", description="the documents that give the figure, named in the feedback of a "
                                                "wrong or missing answer: titles joined by ' + '")
    source_by_segment: dict[str, str] = Field(default={}, description="a segment's own source, where it differs")

    def applies_to(self, segment: str) -> bool:
        """Whether the item is asked of a case of this segment."""
        return not self.segments or segment in self.segments

    def source_for(self, segment: str) -> str:
        """The documents that give the figure for a case of this segment ("" when none are named).

        >>> item = ItemSpec(id="x", label="现金", kind="money", points=1, hint="看单据再算", source="现金及存款核实表",
        ...                 source_by_segment={"consumer": "工资卡余额"})
        >>> item.source_for("farm"), item.source_for("consumer")
        ('现金及存款核实表', '工资卡余额')
        """
        return self.source_by_segment.get(segment, self.source)

    @property
    def answer_limit(self) -> int:
        """Longest answer accepted, in characters (free text: :data:`MAX_TEXT_CHARS` unless set)."""
        if self.max_chars is not None:
            return self.max_chars
        return MAX_TEXT_CHARS if self.kind == "text" else MAX_SHORT_CHARS


class ExerciseSpec(BaseModel):
    """An exercise's YAML: ``cases`` is the pool of case ids a variant draws its borrower from (seed mod length);
    a legacy single ``case:`` is read as a pool of one."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    title: str
    cases: list[str] = Field(min_length=1, description="case pool; a variant's case is cases[seed % len(cases)]")
    description: str
    partial_credit: float = Field(ge=0, le=1)
    items: list[ItemSpec] = Field(min_length=1)
    pool: list[str] = Field(default=[], description="product ids the variant draws from (ex05)")
    show_case_documents: bool = True
    case_view: Literal["records", "documents", "marketing_tools"] = Field(
        default="records", description="records: opening balance sheet + monthly records; documents: what an "
                                       "officer gets (interview, household, bank statement, invoices, lists); "
                                       "marketing_tools: the planner on the learner's exam county (ex12)")
    consequence_shocks: list[dict[str, Any]] = Field(
        default=[], description="shocks under which the learner's own decision is played forward (ex06)")

    @model_validator(mode="before")
    @classmethod
    def _legacy_case(cls, data: Any) -> Any:
        if isinstance(data, dict) and "case" in data:
            data = dict(data)
            legacy = data.pop("case")
            if "cases" in data:
                raise InputError("case 与 cases 只能写一个", field="cases")
            data["cases"] = [legacy]
        return data


@dataclass(frozen=True)
class Briefing:
    """What a learner works from besides the case documents: a note and named tables (e.g. product terms)."""

    note: str
    tables: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemFeedback:
    item_id: str
    label: str
    status: Status
    points: float
    max_points: float
    hint: str
    given: Any

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class GradeResult:
    exercise_id: str
    variant: int | None
    items: list[ItemFeedback] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(item.points for item in self.items), 2)

    @property
    def max_score(self) -> float:
        return round(sum(item.max_points for item in self.items), 2)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for receipts and the gradebook)."""
        return {"exercise_id": self.exercise_id, "variant": self.variant, "score": self.score,
                "max_score": self.max_score, "items": [asdict(item) for item in self.items]}


ExpectedFunction = Callable[[casebook.Case], dict[str, Any]]
BriefingFunction = Callable[[casebook.Case], Briefing]
_EXPECTED: dict[str, ExpectedFunction] = {}
_BRIEFINGS: dict[str, BriefingFunction] = {}


def expected_answers(exercise_id: str) -> Callable[[ExpectedFunction], ExpectedFunction]:
    """Register the function that computes an exercise's expected answers for a case variant."""

    def register(function: ExpectedFunction) -> ExpectedFunction:
        _EXPECTED[exercise_id] = function
        return function

    return register


def exercise_briefing(exercise_id: str) -> Callable[[BriefingFunction], BriefingFunction]:
    """Register the function that prepares an exercise's extra material for a case variant."""

    def register(function: BriefingFunction) -> BriefingFunction:
        _BRIEFINGS[exercise_id] = function
        return function

    return register


def parse_answer(text: Any, kind: ItemKind, label: str) -> float | str | None:
    """Read a learner's answer: ``"1,234 元"`` → 1234.0, ``"43.9%"`` → 0.439, ``""`` → None.

    Examples
    --------
    >>> parse_answer("1,234.5 元", "money", "资产")
    1234.5
    >>> parse_answer("43.9%", "ratio", "负债率")
    0.439
    >>> parse_answer("0.439", "ratio", "负债率")
    0.439
    >>> parse_answer("很多", "money", "资产")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 资产：应为数字，收到了文字“很多”
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if kind in ("choice", "text"):
        value = str(text).strip()
        return value or None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        number = float(text)
        percent = False
    else:
        raw = str(text).strip().replace("，", ",").replace("％", "%")
        if not raw:
            return None
        percent = raw.endswith("%")
        cleaned = re.sub(r"[,\s元%]", "", raw)
        try:
            number = float(cleaned)
        except ValueError:
            raise InputError(f"应为数字，收到了文字“{text}”", field=label) from None
    if not math.isfinite(number):
        raise InputError("应为有限的数字", field=label)
    if kind == "ratio" and (percent or abs(number) > 1.5):
        number /= 100
    return number


def check_answer_lengths(items: list[ItemSpec], answers: dict[str, Any]) -> None:
    """Refuse an answer longer than its item allows, naming the item (what was typed is left alone).

    Examples
    --------
    >>> item = ItemSpec(id="why", label="你的理由", kind="text", points=10, hint="说明理由", max_chars=5)
    >>> check_answer_lengths([item], {"why": "太长了太长了"})
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 你的理由：最多 5 个字，现在有 6 个字；已输入的内容仍在框中，请删减后再提交
    """
    for item in items:
        given = answers.get(item.id)
        if isinstance(given, str) and len(given) > item.answer_limit:
            raise InputError(f"最多 {item.answer_limit} 个字，现在有 {len(given)} 个字；已输入的内容仍在框中，"
                             "请删减后再提交", field=item.label)


@dataclass(frozen=True)
class Exercise:
    """An exercise: its spec (from YAML) and its expected-answer function."""

    spec: ExerciseSpec
    compute: ExpectedFunction

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def items(self) -> list[ItemSpec]:
        return self.spec.items

    @property
    def pool_size(self) -> int:
        """How many cases the exercise's pool holds (a variant's seed mod this picks the case)."""
        return len(self.spec.cases)

    def case_id(self, variant: int | str | None) -> str:
        """The pool entry for a variant: ``cases[seed % len(cases)]`` (the first case for ``None``).

        Examples
        --------
        >>> ex = get("ex05")
        >>> ex.spec.cases, ex.case_id(None), ex.case_id(7), ex.case_id(8)
        (['C03', 'C05'], 'C03', 'C05', 'C03')
        """
        if variant is None:
            return self.spec.cases[0]
        return self.spec.cases[casebook.seed_for(variant) % len(self.spec.cases)]

    def case(self, variant: int | str | None) -> casebook.Case:
        """The learner's case for this exercise: the pool entry picked by the seed, as that seed's variant.

        An exam variant is an int from :func:`microloan_sim.gradebook.exam_variant` (keyed, so no dashboard
        reproduces it); a learner id string is the practice variant the dashboards show (``casebook.seed_for``).
        """
        return casebook.load_case(self.case_id(variant), variant=variant)

    def items_for(self, case: casebook.Case) -> list[ItemSpec]:
        """The items asked of this case (an item may apply to some segments only, e.g. 销售收入 not to a
        salaried borrower)."""
        return [item for item in self.items if item.applies_to(case.segment)]

    def briefing(self, variant: int | str | None) -> Briefing | None:
        """Extra material for this learner's variant (``None`` when the case documents are all there is)."""
        function = _BRIEFINGS.get(self.id)
        return function(self.case(variant)) if function else None

    def expected(self, variant: int | str | None) -> dict[str, Any]:
        """Answer key for one variant (never shown to learners)."""
        return self.compute(self.case(variant))

    def grade(self, answers: dict[str, Any], variant: int | str | None) -> GradeResult:
        """Grade raw answers for a variant. Unparseable text counts as wrong, with the reason in the hint."""
        if not isinstance(answers, dict):
            raise InputError("答案应为“题目编号 → 答案”的键值表", field="answers")
        unknown = set(answers) - {item.id for item in self.items}
        if unknown:
            raise InputError(f"未知的题目编号：{'、'.join(sorted(unknown))}", field="answers")
        check_answer_lengths(self.items, answers)
        case = self.case(variant)
        key = self.compute(case)
        feedback = [self._grade_item(item, answers.get(item.id), key.get(item.id), item.source_for(case.segment))
                    for item in self.items_for(case)]  # answers to items another segment is asked are ignored
        return GradeResult(self.id, case.variant, feedback)

    def _grade_item(self, item: ItemSpec, given: Any, expected: Any, source: str = "") -> ItemFeedback:
        def result(status: Status, share: float, hint: str = "") -> ItemFeedback:
            if source and status in ("wrong", "missing"):
                hint = f"{hint}（数据来源：{source}）"
            return ItemFeedback(item.id, item.label, status, round(item.points * share, 2), item.points, hint, given)

        try:
            value = parse_answer(given, item.kind, item.label)
        except InputError as exc:
            return result("wrong", 0.0, f"{exc}。{item.hint}")
        if item.kind == "text":
            return result("manual" if value else "missing", 0.0, "" if value else item.hint)
        if value is None:
            return result("missing", 0.0, item.hint)
        if item.kind == "choice":  # the key is one option, or a list of equally good options
            accepted = expected if isinstance(expected, (list, tuple)) else [expected]
            return result("correct", 1.0) if value in accepted else result("wrong", 0.0, item.hint)
        assert isinstance(value, float)
        error = abs(value - float(expected))
        if error <= item.abs_tolerance:
            return result("correct", 1.0)
        if error <= item.rel_tolerance * max(abs(float(expected)), 1e-9):
            return result("within_tolerance", self.spec.partial_credit, "接近正确答案，请检查四舍五入或个别科目。")
        return result("wrong", 0.0, item.hint)


@lru_cache(maxsize=None)
def _spec(exercise_id: str) -> ExerciseSpec:
    path = data_path("exercises", f"{exercise_id}.yaml")
    spec: ExerciseSpec = load_model(ExerciseSpec, path)
    ids = [item.id for item in spec.items]
    if len(ids) != len(set(ids)):
        raise InputError("题目编号重复", field="items", file=path.name)
    if spec.pool:  # choice items without options choose among the pool's products
        from .. import products

        names = [products.get(pid).name for pid in spec.pool]
        for item in spec.items:
            if item.kind == "choice" and not item.options:
                item.options = names
    for item in spec.items:
        if item.kind == "choice" and not item.options:
            raise InputError("选择题必须列出选项（options）", field=f"items.{item.id}", file=path.name)
    return spec


def get(exercise_id: str) -> Exercise:
    """The exercise with this id (``ex01`` …)."""
    exercise_id = str(exercise_id).strip()
    if exercise_id not in _EXPECTED:
        raise InputError(f"没有编号为“{exercise_id}”的练习（现有：{'、'.join(sorted(_EXPECTED))}）", field="练习编号")
    return Exercise(_spec(exercise_id), _EXPECTED[exercise_id])


def all_exercises() -> list[Exercise]:
    """Every registered exercise, in id order."""
    return [get(exercise_id) for exercise_id in sorted(_EXPECTED)]


