"""Exercises: definitions (YAML content + an expected-answer function), grading and per-item feedback.

An exercise's content (items, points, tolerances, hints) lives in ``data/exercises/<id>.yaml``; the
expected answers for a learner's variant come from a Python function registered with :func:`expected_answers`.
Grading compares each answer with its expected value:

* ``correct``: within the item's absolute tolerance (e.g. 1 元) → full points;
* ``within_tolerance``: within its relative tolerance → ``partial_credit`` × points (示例参数);
* ``wrong``: a Chinese hint that points at the concept, not at the answer;
* ``missing``: left empty; ``manual``: free text scored by the instructor.

Examples
--------
>>> import microloan_sim as ml
>>> ex = ml.exercises.get("ex01")
>>> key = ex.expected(variant="学员-01")
>>> result = ex.grade(key, variant="学员-01")
>>> result.score == result.max_score
True
>>> ex.grade({"debt_ratio": f"{key['debt_ratio']:.1%}"}, variant="学员-01").items[5].status
'correct'
>>> ex.grade({"equity": "一百万"}, variant="学员-01").items[4].status
'wrong'
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import casebook, statements
from ._data import data_path, load_model
from .errors import InputError

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

    @property
    def answer_limit(self) -> int:
        """Longest answer accepted, in characters (free text: :data:`MAX_TEXT_CHARS` unless set)."""
        if self.max_chars is not None:
            return self.max_chars
        return MAX_TEXT_CHARS if self.kind == "text" else MAX_SHORT_CHARS


class ExerciseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    title: str
    case: str
    description: str
    partial_credit: float = Field(ge=0, le=1)
    items: list[ItemSpec] = Field(min_length=1)
    pool: list[str] = Field(default=[], description="product ids the variant draws from (ex05)")
    show_case_documents: bool = True
    consequence_shocks: list[dict[str, Any]] = Field(
        default=[], description="shocks under which the learner's own decision is played forward (ex06)")


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

    def case(self, variant: int | str | None) -> casebook.Case:
        """The learner's case variant for this exercise."""
        return casebook.load_case(self.spec.case, variant=variant)

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
        feedback = [self._grade_item(item, answers.get(item.id), key.get(item.id)) for item in self.items]
        return GradeResult(self.id, case.variant, feedback)

    def _grade_item(self, item: ItemSpec, given: Any, expected: Any) -> ItemFeedback:
        def result(status: Status, share: float, hint: str = "") -> ItemFeedback:
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
        from . import products

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


# --------------------------------------------------------------------------- answer keys

@expected_answers("ex01")
def _statements_key(case: casebook.Case) -> dict[str, Any]:
    closing = statements.balance_sheet(case)
    pnl = statements.income_statement(case, "accrual")
    return {
        "closing_cash": closing.items["cash_and_deposits"],
        "current_assets": closing.current_assets,
        "total_assets": closing.total_assets,
        "total_liabilities": closing.total_liabilities,
        "equity": closing.equity,
        "debt_ratio": closing.debt_ratio,
        "revenue_total": float(pnl.monthly["revenue"].sum()),
        "gross_profit_total": float(pnl.monthly["gross_profit"].sum()),
        "net_profit_total": float(pnl.net_profit.sum()),
        "average_disposable": pnl.average_disposable_income,
    }


@expected_answers("ex03")
def _rating_key(case: casebook.Case) -> dict[str, Any]:
    from . import rating

    result = rating.rate(case, "business")
    return {"score": result.score, "grade": result.grade, "credit_line": result.credit_line,
            "main_reason": result.reasons[0].name}


@expected_answers("ex04")
def _sizing_key(case: casebook.Case) -> dict[str, Any]:
    from . import sizing

    advice = sizing.recommend(case)
    return {"monthly_disposable": statements.income_statement(case).average_disposable_income,
            "capacity": advice.limit("capacity"), "recommended": advice.amount, "binding": advice.binding_label}


# --------------------------------------------------------------------------- ex05: products by true cost

def _product_set(case: casebook.Case) -> tuple[list[Any], Any, float]:
    """The learner's four products, the one to compute, and the principal, all drawn from the variant's seed."""
    import numpy as np

    from . import products

    spec = _spec("ex05")
    rng = np.random.default_rng(case.variant if case.variant is not None else 0)
    chosen = [products.get(pid) for pid in rng.choice(spec.pool, size=4, replace=False)]
    principal = float(rng.integers(5, 16) * 10_000)
    return chosen, chosen[int(rng.integers(0, 4))], principal


@exercise_briefing("ex05")
def _products_briefing(case: casebook.Case) -> Briefing:
    from . import products

    chosen, target, principal = _product_set(case)
    terms = {p.name: products.product_terms(p) for p in chosen}
    note = (f"借款金额 {principal:,.0f} 元，期限按各产品条款。指定产品：{target.name}。"
            "（产品条款为示例参数。）")
    return Briefing(note, terms)


@expected_answers("ex05")
def _products_key(case: casebook.Case) -> dict[str, Any]:
    from . import products

    chosen, target, principal = _product_set(case)
    table = products.compare(chosen, principal).set_index("产品编号")
    irr = table["年化利率（IRR）"]
    cheapest_nominal = table["名义年利率"].idxmin()
    names = table["产品"]
    return {"cheapest": names[irr.idxmin()], "most_expensive": names[irr.idxmax()],
            "target_irr": float(irr[target.id]), "target_total_cost": float(table.loc[target.id, "总成本（元）"]),
            "nominal_misleading": "是" if cheapest_nominal == irr.idxmin() else "否"}


# --------------------------------------------------------------------------- ex06: the whole chain

_EX06_PRODUCTS = ("online_offline_loan", "guarantee_insurance_loan", "gov_guarantee_loan", "qr_code_loan")


@exercise_briefing("ex06")
def _decision_briefing(case: casebook.Case) -> Briefing:
    from . import products

    terms = {products.get(pid).name: products.product_terms(products.get(pid)) for pid in _EX06_PRODUCTS}
    return Briefing("候选产品（条款为示例参数）：", terms)


@expected_answers("ex06")
def _decision_key(case: casebook.Case) -> dict[str, Any]:
    from . import products, sizing

    advice = sizing.recommend(case)
    grade = advice.rating.grade
    table = products.compare([products.get(pid) for pid in _EX06_PRODUCTS], max(advice.amount, 10_000.0))
    cheapest = str(table.sort_values("年化利率（IRR）")["产品"].iloc[0])
    if grade == "C":
        decision = "拒绝"
    elif advice.amount < case.request.amount:
        decision = "有条件批准（降低额度）"
    else:
        decision = "批准"
    return {"average_disposable": statements.income_statement(case).average_disposable_income, "grade": grade,
            "recommended": advice.amount, "cheapest_product": cheapest, "decision": decision, "reasoning": None}


# --------------------------------------------------------------------------- consequences: the decision played forward

@dataclass(frozen=True)
class Consequence:
    """The learner's own decision played forward on the performance engine (shown with the feedback)."""

    note: str
    path: Any = None          # a performance.LoanPath, or None when nothing was lent
    report_month: int = 12


def consequence(exercise_id: str, answers: dict[str, Any], variant: int | str | None) -> Consequence | None:
    """Play the learner's decision forward (ex06: amount, the case's term and the segment's method) under the
    exercise's stated shocks; ``None`` for exercises without consequences or answers that cannot be read.

    Examples
    --------
    >>> c = consequence("ex06", {"recommended": "80000", "decision": "批准"}, "学员-01")
    >>> c.path is not None and "12 个月后" in c.note
    True
    >>> consequence("ex06", {"decision": "拒绝"}, "学员-01").path is None
    True
    """
    exercise = get(exercise_id)
    if not exercise.spec.consequence_shocks:
        return None
    from . import performance, sizing
    from .schedules import METHODS

    case = exercise.case(variant)
    stated = [performance.Shock(**shock) for shock in exercise.spec.consequence_shocks]
    described = "；".join(shock.label for shock in stated)
    if answers.get("decision") == "拒绝":
        return Consequence(f"你拒绝了这笔贷款，没有放款，也就没有贷后回放（设定的情景：{described}）。")
    try:
        amount = parse_answer(answers.get("recommended"), "money", "建议额度")
    except InputError:
        return None
    if not isinstance(amount, float) or amount <= 0:
        return None
    defaults = sizing.load_parameters().defaults
    method = defaults.method_by_segment.get(case.segment, "equal_installment")
    path = performance.play_loan(case, amount, defaults.annual_rate, case.request.months, method, shocks=stated)
    row = path.at(12)
    late = (f"逾期 {int(row['dpd'])} 天、逾期金额 {row['arrears']:,.0f} 元，五级分类为{row['category']}"
            if row["dpd"] > 0 else f"没有逾期（五级分类：{row['category']}）")
    worst = f"；整个回放期最长逾期 {path.max_dpd} 天" if path.max_dpd > 0 else ""
    return Consequence(f"按你的决定放款 {amount:,.0f} 元、{case.request.months} 个月（"
                       f"{METHODS[method]}，年利率 {defaults.annual_rate:.1%}），"
                       f"在设定情景（{described}）下逐月回放：12 个月后{late}{worst}。情景为示例参数。", path)


# --------------------------------------------------------------------------- ex08: red flags in the loan file (03b)

@exercise_briefing("ex08")
def _review_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from .performance import load_review

    review = load_review()
    flags = review.variant_flags(case.variant)
    table = pd.DataFrame({"环节": [f"第 {i} 环节 {s.name}" for i, s in enumerate(review.stages, start=1)],
                          "档案摘要": [s.document if flags[s.id] else s.clean_document for s in review.stages]})
    loan = review.spec.loan
    note = (f"借款人：{case.title}（{case.borrower.name}），申请 {loan.amount:,.0f} 元、{loan.months} 个月，"
            f"用途：{case.request.purpose}。下表是你这份档案在八个环节的摘要（教学虚构）。")
    return Briefing(note, {"贷款档案": table})


@expected_answers("ex08")
def _review_key(case: casebook.Case) -> dict[str, Any]:
    from .performance import load_review

    review = load_review()
    flags = review.variant_flags(case.variant)
    key: dict[str, Any] = {"findings": None}
    for stage in review.stages:
        key[stage.id] = [c for c, spec in stage.choices.items() if spec.outcome == "caught"] if flags[stage.id] \
            else "通过"
    return key


# --------------------------------------------------------------------------- ex02: cross-verification

_VERDICT_BY_FLAW = {
    "inflated_sales": ("sales_verdict", "被夸大"),
    "hidden_income": ("sales_verdict", "被少报"),
    "hidden_debt": ("debt_verdict", "有隐性负债"),
    "overstated_inventory": ("inventory_verdict", "被高报"),
    "personal_spending": ("spending_verdict", "私人开支经生意账户支付（申报偏低）"),
}
_CLEAN_VERDICTS = {"sales_verdict": "与证据一致", "debt_verdict": "如实申报", "inventory_verdict": "如实申报",
                   "spending_verdict": "如实申报"}


@exercise_briefing("ex02")
def _crosscheck_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from . import documents

    docs = documents.build_documents(case)
    claims = docs.claims
    declared = pd.DataFrame({"项目": ["月均销售额（元）", "毛利率", "家庭月开支（元）", "存货（元，按进价）"],
                             "借款人申报": [f"{claims.monthly_sales:,.0f}", f"{claims.gross_margin:.1%}",
                                         f"{claims.household_spending:,.0f}", f"{claims.inventory:,.0f}"]})
    debts = claims.debts.rename(columns={"lender": "债权人", "kind": "类型", "balance": "余额（元）",
                                         "monthly_payment": "月还款（元）"})
    said = docs.statements.rename(columns={"respondent": "陈述人", "role": "身份", "topic": "事项", "value": "数值",
                                           "unit": "单位", "remark": "原话"})
    count = docs.inventory_count.rename(columns={"item": "品类", "unit": "单位", "quantity": "数量",
                                                 "unit_cost": "进价（元）", "amount": "金额（元）"})
    note = (f"据调查，约 {docs.facts.account_share:.0%} 的销售经“{docs.facts.account}”收款。"
            "银行流水共 {0:,} 笔，请在 04a/04b 仪表板中输入同一学员编号查看。").format(len(docs.bank_transactions))
    return Briefing(note, {"借款人申报": declared, "借款人申报的负债": debts, "不同人员的说法": said, "现场盘点表": count})


@expected_answers("ex02")
def _crosscheck_key(case: casebook.Case) -> dict[str, Any]:
    from . import documents

    docs = documents.build_documents(case)
    spouse_debt = docs.statements[(docs.statements["role"] == "配偶") & (docs.statements["topic"] == "负债合计")]
    key: dict[str, Any] = {
        "counted_inventory": float(docs.inventory_count["amount"].sum()),
        "debt_gap": float(spouse_debt["value"].iloc[0]) - float(docs.claims.debts["balance"].sum()),
        **_CLEAN_VERDICTS,
    }
    for flaw in documents.planted_flaws(case):
        if flaw.kind in _VERDICT_BY_FLAW:
            item, verdict = _VERDICT_BY_FLAW[flaw.kind]
            key[item] = verdict
    return key


# --------------------------------------------------------------------------- ex07: compliance review

_EX07_TERMS = {"loan_type": "借款种类", "purpose": "用途", "annual_rate": "利率", "months": "期限",
               "repayment_method": "还款方式"}


def _compliance_material(case: casebook.Case) -> tuple[Any, Any, Any]:
    """The learner's offer, contract and transaction list, drawn from the variant's seed (teaching fiction)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    from . import compliance
    from .schedules import METHODS

    rng = np.random.default_rng(10_007 + (case.variant if case.variant is not None else 0))
    offer = compliance.Offer(
        principal=float(rng.integers(5, 21) * 10_000), months=12, quoted_rate=float(rng.choice([0.006, 0.007, 0.008, 0.009, 0.01])),
        quote_unit="month", method="equal_principal",
        service_fee=float(rng.choice([0.0, 0.01, 0.02, 0.03])), interest_upfront=True)
    offer = offer.with_changes(shown_annual_rate=offer.quoted_rate * 12)
    missing = str(rng.choice(list(_EX07_TERMS)))
    due = dt.date(2026, int(rng.integers(1, 13)), 28)
    kind = str(rng.choice(["", "连带责任保证"])) or None
    contract = compliance.LoanContract(
        contract_date=dt.date(due.year - 1, due.month, due.day), due_date=due, lender="某农村商业银行",
        borrower=case.borrower.name, amount=offer.principal, annual_rate=offer.quoted_rate * 12, months=12,
        purpose="进货备货", repayment_method=METHODS[offer.method], guarantees=(compliance.Guarantee("张国华", kind),)).with_changes(**{missing: None})
    day = pd.Timestamp("2025-09-01") + pd.Timedelta(days=int(rng.integers(0, 20)))
    rows = [
        (day + pd.Timedelta(hours=10), float(rng.integers(15, 36) * 1_000), "本人", "现金", "现金存入"),
        (day + pd.Timedelta(hours=15), float(rng.integers(15, 36) * 1_000), "本人", "现金", "现金存入"),
        (day + pd.Timedelta(hours=16), -float(rng.integers(20, 45) * 1_000), "本人", "现金", "现金支取"),
        (day + pd.Timedelta(days=1, hours=9), -float(rng.integers(480, 520) * 1_000), "某建材有限公司", "境内转账", "货款"),
        (day + pd.Timedelta(days=2, hours=11), float(rng.integers(120, 260) * 1_000), "香港某贸易公司", "跨境转账",
         "境外汇入"),
        (day + pd.Timedelta(days=3, hours=10), float(rng.integers(40, 60) * 1_000), "本人", "现金", "现金存入"),
    ]
    tx = pd.DataFrame(rows, columns=["date", "amount", "counterparty", "kind", "description"])
    return offer, contract, tx


@exercise_briefing("ex07")
def _compliance_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from .schedules import METHODS

    offer, contract, tx = _compliance_material(case)
    ad = pd.DataFrame({"项目": ["借款金额", "期限", "报价", "广告上的年化利率", "还款方式", "一次性服务费", "放款方式"],
                       "内容": [f"{offer.principal:,.0f} 元", f"{offer.months} 个月", f"月息 {offer.quoted_rate:.1%}",
                              f"{offer.shown_annual_rate:.1%}", METHODS[offer.method],
                              f"借款金额的 {offer.service_fee:.0%}，放款时扣除" if offer.service_fee else "无",
                              "按等额本金计算的全部利息在放款时从借款金额中预先扣除，"
                              f"之后每月只还本金 {offer.principal / offer.months:,.2f} 元"]})
    guarantee = contract.guarantees[0]
    terms = pd.DataFrame({"条款": ["贷款人", "借款人", "借款种类", "币种", "用途", "数额", "年利率", "期限", "还款方式",
                                 "主债务到期日", "保证人", "保证方式", "保证期间"],
                          "合同写明": [contract.lender, contract.borrower, contract.loan_type or "未写明",
                                   contract.currency or "未写明", contract.purpose or "未写明",
                                   f"{contract.amount:,.0f} 元" if contract.amount else "未写明",
                                   f"{contract.annual_rate:.1%}" if contract.annual_rate is not None else "未写明",
                                   f"{contract.months} 个月" if contract.months else "未写明",
                                   contract.repayment_method or "未写明", str(contract.due_date), guarantee.guarantor,
                                   guarantee.kind or "未约定", "未约定"]})
    shown = pd.DataFrame({"时间": tx["date"].dt.strftime("%Y-%m-%d %H:%M"), "金额（元，+收 −付）": tx["amount"],
                          "交易对手": tx["counterparty"], "类型": tx["kind"], "摘要": tx["description"]})
    note = (f"借款人 {case.borrower.name} 是个体工商户经营者，账户按自然人客户审查。三份材料均为教学虚构，"
            "每位学员的数字不同。")
    return Briefing(note, {"贷款广告": ad, "借款合同要点": terms, "交易清单": shown})


@expected_answers("ex07")
def _compliance_key(case: casebook.Case) -> dict[str, Any]:
    from . import compliance

    offer, contract, tx = _compliance_material(case)
    disclosure = compliance.check_disclosure(offer)
    found = compliance.check_contract(contract)
    missing = [f.details["term"] for f in found if f.code == "missing_term"]
    report = compliance.aml_review(tx, customer=case.borrower.name)
    return {"true_rate": disclosure.rate.irr_rate, "legal_repayment": disclosure.legally_owed,
            "upfront_rule": "《民法典》第670条",
            "missing_term": _EX07_TERMS[missing[0]],
            "guarantee_kind": "一般保证" if any(f.code == "guarantee_type_default" for f in found) else "连带责任保证",
            "large_value_reports": float(len(report.large_value)),
            "large_value_total": float(report.large_value["total"].sum()), "reasoning": None}


# --------------------------------------------------------------------------- ex09: 分散经营 and 考核 (course 03)

_EX09_POLICY = {"两增：普惠小微贷款增速": "普惠小微贷款增速未达标", "两增：有贷款余额的户数": "有贷款余额的户数未达标",
                "两控：不良率在容忍度内": "不良率超出容忍度"}


def _portfolio_material(case: casebook.Case) -> dict[str, Any]:
    """The learner's figures, drawn from the variant's seed (teaching fiction): a book split into equal loans,
    a branch book with one large loan, an officer's bonus scheme and a branch's 两增两控 figures."""
    import numpy as np

    rng = np.random.default_rng(20_009 + (case.variant if case.variant is not None else 0))

    def pick(values: list[Any]) -> Any:
        return values[int(rng.integers(0, len(values)))]

    m: dict[str, Any] = {
        "exposure": pick([5e6, 8e6, 10e6, 15e6, 20e6]), "loans": pick([100, 200, 400, 500, 1000]),
        "pd": pick([0.01, 0.015, 0.02, 0.025, 0.03]), "lgd": pick([0.4, 0.5, 0.6]),
        "big": pick([1e6, 1.5e6, 2e6, 3e6, 5e6]), "small_count": pick([50, 100, 200, 400]),
        "small": pick([50_000.0, 100_000.0, 200_000.0]),
        "penalty": float(rng.integers(2, 13) * 500), "exemption": float(rng.integers(6, 17) * 5) / 100}
    fail = pick(["", "两增：普惠小微贷款增速", "两增：有贷款余额的户数", "两控：不良率在容忍度内"])
    total_prev = float(rng.integers(50, 151))
    total_growth = pick([0.06, 0.07, 0.08, 0.09, 0.10])
    small_prev = float(rng.integers(10, 31))
    small_growth = total_growth + (-pick([0.01, 0.02, 0.03]) if fail == "两增：普惠小微贷款增速" else pick([0.01, 0.02, 0.04]))
    borrowers_prev = int(rng.integers(3_000, 8_001))
    change = -int(rng.integers(20, 201)) if fail == "两增：有贷款余额的户数" else int(rng.integers(0, 301))
    all_npl = pick([0.010, 0.012, 0.015, 0.018])
    over = pick([0.035, 0.04, 0.045]) if fail == "两控：不良率在容忍度内" else pick([0.005, 0.01, 0.02, 0.025])
    m["policy"] = {"total_loans_prev": total_prev, "total_loans_now": round(total_prev * (1 + total_growth), 2),
                   "small_loans_prev": small_prev, "small_loans_now": round(small_prev * (1 + small_growth), 2),
                   "borrowers_prev": float(borrowers_prev), "borrowers_now": float(borrowers_prev + change),
                   "all_npl": all_npl, "small_npl": round(all_npl + over, 4)}
    return m


@exercise_briefing("ex09")
def _portfolio_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    m = _portfolio_material(case)
    p = m["policy"]
    split = pd.DataFrame({"项目": ["总敞口", "拆成的贷款笔数（每笔金额相同）", "每笔违约概率 PD", "违约损失率 LGD"],
                          "数值": [f"{m['exposure']:,.0f} 元", f"{m['loans']:,} 笔", f"{m['pd']:.1%}", f"{m['lgd']:.0%}"]})
    branch = pd.DataFrame({"贷款": ["一笔大额贷款", "小额贷款"], "笔数": [1, m["small_count"]],
                           "每笔金额（元）": [f"{m['big']:,.0f}", f"{m['small']:,.0f}"]})
    scheme = pd.DataFrame({"项目": ["每放款 1 万元奖励", "每笔违约贷款扣减", "尽职免责比例"],
                           "数值": ["20 元", f"{m['penalty']:,.0f} 元", f"{m['exemption']:.0%}"]})
    policy = pd.DataFrame({"项目": ["各项贷款余额（亿元）", "普惠小微贷款余额（亿元）", "有贷款余额的户数（户）", "不良率"],
                           "上年末": [f"{p['total_loans_prev']:,.2f}", f"{p['small_loans_prev']:,.2f}",
                                   f"{p['borrowers_prev']:,.0f}", f"各项贷款 {p['all_npl']:.2%}"],
                           "本期末": [f"{p['total_loans_now']:,.2f}", f"{p['small_loans_now']:,.2f}",
                                   f"{p['borrowers_now']:,.0f}", f"普惠小微 {p['small_npl']:.2%}"]})
    note = ("四组数字都是教学虚构，每位学员不同。考核方案用课程 03 的考核模拟器（下方也有一个）："
            "选“风险调整 + 尽职免责”，把两个滑块调到你的数字。")
    return Briefing(note, {"分散经营": split, "网点贷款组合": branch, "考核方案（风险调整 + 尽职免责）": scheme,
                           "网点的两增两控数据": policy})


@expected_answers("ex09")
def _portfolio_key(case: casebook.Case) -> dict[str, Any]:
    from . import portfolio

    m = _portfolio_material(case)
    row = portfolio.granularity_table(m["exposure"], m["pd"], m["lgd"], [m["loans"]]).iloc[0]
    branch = [m["big"]] + [m["small"]] * m["small_count"]
    inc = portfolio.parameters().incentives.model_copy(
        update={"volume_bonus_per_10k": 20.0, "default_penalty": m["penalty"], "exemption_share": m["exemption"]})
    book = portfolio.incentive_outcome("risk_exempt", incentives=inc).book
    report = portfolio.check_policy(**m["policy"])
    failed = report.table.loc[report.table["结论"] == "未达标", "检查项"].tolist()
    return {"expected_loss": float(row["预期损失 EL"]), "sd_independent": float(row["损失标准差（独立）"]),
            "hhi": portfolio.hhi(branch), "effective_number": portfolio.effective_number(branch),
            "cut_off": float(book["分数线"]), "par30": float(book["PAR30"]),
            "policy_verdict": _EX09_POLICY[failed[0]] if failed else "全部达标", "reasoning": None}
