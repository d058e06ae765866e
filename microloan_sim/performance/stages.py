"""八个环节风险管控 (course 03b): one loan file walked through the eight stages, one red flag per stage.

The file, its red flags and what each choice does are data (``data/loan_file_review.yaml``, 示例参数). At
every stage the learner chooses 通过 / 补充材料 / 退回 / 拒绝. A choice either catches the flag, misses it,
declines the loan, or (after the money is out) calls it in. :meth:`LoanFileReview.play` turns the choices
into one loan on the performance engine: the file's real events (the baseline shocks) plus the consequence
of every missed flag, minus what a caught flag fixes, and reports the loan 12 months later and at the end.

Examples
--------
>>> review = load_review()
>>> [s.name for s in review.stages][:3]
['受理', '贷前调查', '审查']
>>> good = review.play(review.best_choices())
>>> good.summary["category"], good.summary["par30_balance"]
('关注', 0.0)
>>> bad = review.play({**review.best_choices(), "intake": "通过"})
>>> bad.missed, bad.summary["dpd"] > 90
(['intake'], True)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .. import casebook
from .._data import data_path, load_model
from ..errors import InputError
from .cashflow import Shock
from .loan import Extension, LoanPath, Restructure, loss_after_recovery, play_loan

REVIEW_FILE = "loan_file_review.yaml"
CHOICES = ("通过", "补充材料", "退回", "拒绝")
_CHOICE_ALIASES = {**{c: c for c in CHOICES}, "pass": "通过", "approve": "通过", "supplement": "补充材料",
                   "补充": "补充材料", "return": "退回", "reject": "拒绝"}
Outcome = Literal["missed", "caught", "declined", "recalled"]
OUTCOME_LABELS = {"missed": "漏掉了风险信号", "caught": "发现并纠正", "declined": "拒绝了贷款", "recalled": "提前收回贷款"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ChoiceSpec(_Strict):
    text: str
    outcome: Outcome
    note: str = ""


class ShockSpec(_Strict):
    kind: str
    start: int = Field(default=1, ge=1)
    size: float = 0.0
    amount: float = 0.0
    months: int | None = None

    def shock(self) -> Shock:
        return Shock(self.kind, self.start, self.size, self.amount, self.months)


class IncomeSpec(_Strict):
    start: int = Field(ge=1)
    amount: float = Field(gt=0)


class Consequence(_Strict):
    amount: float | None = Field(default=None, gt=0)
    shocks: list[ShockSpec] = []
    guarantee_valid: bool | None = None
    replace_baseline: dict[str, IncomeSpec | None] = {}


class ActionSpec(_Strict):
    kind: Literal["restructure", "extension"]
    month: int = Field(ge=1)
    months: int = Field(ge=1)
    grace_months: int = Field(default=0, ge=0)

    def action(self) -> Extension | Restructure:
        if self.kind == "extension":
            return Extension(self.month, self.months)
        return Restructure(self.month, self.months, grace_months=self.grace_months)


class StageSpec(_Strict):
    id: str
    name: str
    document: str
    clean_document: str
    flag: str
    rule: str
    choices: dict[str, ChoiceSpec]
    best: str
    consequence: Consequence = Consequence()
    caught_collateral: list[tuple[str, float]] = []
    caught_action: ActionSpec | None = None
    recall_month: int | None = Field(default=None, ge=1)
    explanation: str


class LoanSpec(_Strict):
    amount: float = Field(gt=0)
    annual_rate: float = Field(ge=0, le=1)
    months: int = Field(ge=1, le=360)
    method: str = "equal_installment"


class BaselineSpec(_Strict):
    shocks: list[ShockSpec] = []
    collateral: list[tuple[str, float]] = []
    guarantee_valid: bool = True


class CollectionStep(_Strict):
    from_days: int = Field(ge=1)
    to_days: int | None = None
    action: str


class CollectionRules(_Strict):
    steps: list[CollectionStep] = Field(min_length=1)
    quiet_start: int = Field(ge=0, le=23)
    quiet_end: int = Field(ge=0, le=23)
    max_unanswered_calls: int = Field(ge=1)
    third_party_only_if_unreachable: bool = True


class ReviewFile(_Strict):
    illustrative: Literal[True] = True
    case: str
    loan: LoanSpec
    horizon: int = Field(ge=12, le=120)
    report_month: int = Field(ge=1)
    baseline: BaselineSpec
    stages: list[StageSpec] = Field(min_length=1)
    collections: CollectionRules


@dataclass(frozen=True)
class ReviewOutcome:
    """The result of one set of choices: per-stage outcomes, the loan path (None if declined) and a summary."""

    outcomes: dict[str, Outcome]
    path: LoanPath | None
    summary: dict[str, Any]
    missed: list[str] = field(default_factory=list)

    def feedback(self, review: LoanFileReview) -> pd.DataFrame:
        """One row per stage: 环节, 你的选择, 结果, 风险信号, 依据 (Chinese columns, for the learner)."""
        rows = []
        for stage in review.stages:
            outcome = self.outcomes.get(stage.id)
            if outcome is None:
                rows.append({"环节": stage.name, "结果": "（贷款已被拒绝或收回，本环节未发生）", "风险信号": stage.flag,
                             "依据": stage.rule})
                continue
            rows.append({"环节": stage.name, "结果": OUTCOME_LABELS[outcome], "风险信号": stage.flag, "依据": stage.rule})
        return pd.DataFrame(rows)


class LoanFileReview:
    """The 03b loan file: its stages and the replay of a learner's choices on the performance engine."""

    def __init__(self, spec: ReviewFile) -> None:
        self.spec = spec
        self.stages = spec.stages
        self.case = casebook.load_case(spec.case)
        ids = [s.id for s in spec.stages]
        if len(set(ids)) != len(ids):
            raise InputError("环节编号重复", field="stages.id", file=REVIEW_FILE)
        for stage in spec.stages:
            if set(stage.choices) != set(CHOICES):
                raise InputError(f"应恰好有 {'、'.join(CHOICES)} 四个选项", field=f"stages.{stage.id}.choices",
                                 file=REVIEW_FILE)
            if stage.best not in CHOICES or stage.choices[stage.best].outcome != "caught":
                raise InputError("最佳选择应为一个能发现风险信号的选项", field=f"stages.{stage.id}.best", file=REVIEW_FILE)
            if any(c.outcome == "recalled" for c in stage.choices.values()) and stage.recall_month is None:
                raise InputError("有“提前收回”选项时须填写 recall_month", field=f"stages.{stage.id}", file=REVIEW_FILE)

    def stage(self, stage_id: str) -> StageSpec:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise InputError(f"没有“{stage_id}”这个环节", field="环节")

    def variant_flags(self, seed: int | None, count: int = 4) -> dict[str, bool]:
        """Which stages carry their red flag in a learner's own file (exercise ex08): ``count`` stages drawn
        with the variant's seed; the others show their clean document.

        Examples
        --------
        >>> review = load_review()
        >>> flags = review.variant_flags(7)
        >>> sum(flags.values()), flags == review.variant_flags(7)
        (4, True)
        """
        import numpy as np

        n = len(self.stages)
        if not 0 <= count <= n:
            raise InputError(f"应在 0 到 {n} 之间", field="风险信号个数")
        rng = np.random.default_rng([20_260_313, 0 if seed is None else int(seed)])
        chosen = set(rng.choice(n, size=count, replace=False).tolist())
        return {stage.id: i in chosen for i, stage in enumerate(self.stages)}

    def best_choices(self) -> dict[str, str]:
        """The recommended choice at every stage (all flags caught)."""
        return {s.id: s.best for s in self.stages}

    def outcomes(self, choices: Mapping[str, str]) -> dict[str, Outcome]:
        """Stage id → outcome for ``choices`` (stage id → 通过/补充材料/退回/拒绝); stops at a decline or recall."""
        result: dict[str, Outcome] = {}
        for stage in self.stages:
            raw = choices.get(stage.id, choices.get(stage.name))
            if raw is None:
                raise InputError(f"请为“{stage.name}”环节选择 {'/'.join(CHOICES)}", field=stage.name)
            choice = _CHOICE_ALIASES.get(str(raw).strip())
            if choice is None:
                raise InputError(f"应为 {'、'.join(CHOICES)} 之一（收到“{raw}”）", field=stage.name)
            outcome = stage.choices[choice].outcome
            result[stage.id] = outcome
            if outcome in ("declined", "recalled"):
                break
        return result

    def play(self, choices: Mapping[str, str]) -> ReviewOutcome:
        """Replay the learner's choices on the performance engine (see the module docstring)."""
        return self._play(self.outcomes(choices))

    def _play(self, outcomes: Mapping[str, Outcome]) -> ReviewOutcome:
        spec = self.spec
        missed = [sid for sid, o in outcomes.items() if o == "missed"]
        if "declined" in outcomes.values():
            declined = next(s for s in self.stages if outcomes.get(s.id) == "declined")
            everything: dict[str, Outcome] = {s.id: "caught" for s in self.stages}
            best = self._play(everything)
            forgone = float(best.path.frame["paid_interest"].sum()) if best.path is not None else 0.0
            return ReviewOutcome(dict(outcomes), None, {
                "declined_at": declined.name, "forgone_interest": forgone, "dpd": 0, "category": "未放款",
                "par30_balance": 0.0, "final_loss": 0.0, "recovery_if_default": 0.0, "loss_if_default": 0.0,
                "arrears": 0.0, "max_dpd": 0}, missed)
        amount = spec.loan.amount
        income: dict[str, IncomeSpec | None] = {}
        shocks = []
        for item in spec.baseline.shocks:
            if item.kind == "new_income":
                income["new_income"] = IncomeSpec(start=item.start, amount=item.amount)
            else:
                shocks.append(item.shock())
        collateral = list(spec.baseline.collateral)
        guarantee = spec.baseline.guarantee_valid
        actions: list[Extension | Restructure] = []
        for stage in self.stages:
            outcome = outcomes.get(stage.id)
            if outcome == "caught":
                collateral += list(stage.caught_collateral)
                if stage.caught_action is not None:
                    actions.append(stage.caught_action.action())
            elif outcome == "missed":
                c = stage.consequence
                amount = c.amount if c.amount is not None else amount
                shocks += [s.shock() for s in c.shocks]
                guarantee = guarantee if c.guarantee_valid is None else c.guarantee_valid
                income.update(c.replace_baseline)
            elif outcome == "recalled" and stage.recall_month is not None:
                actions.append(Restructure(stage.recall_month, 1))
                break                       # the loan is called in: later stages do not happen
        shocks += [Shock("new_income", start=v.start, amount=v.amount) for v in income.values() if v is not None]
        path = play_loan(self.case, amount, spec.loan.annual_rate, spec.loan.months, spec.loan.method,
                         horizon=spec.horizon, shocks=shocks, actions=actions, collateral=collateral,
                         guarantee_valid=guarantee)
        month = spec.report_month
        row = path.at(month)
        recovery = loss_after_recovery(float(row["balance"]), collateral, guarantee, path.params)
        summary = {
            "amount": amount, "dpd": int(row["dpd"]), "category": str(row["category"]), "arrears": float(row["arrears"]),
            "balance": float(row["balance"]), "par30_balance": path.par_balance(30, month),
            "final_category": str(path.at(spec.horizon)["category"]), "final_loss": path.loss()["loss"],
            "recovery_if_default": recovery["collateral_recovery"] + recovery["guarantee_recovery"],
            "loss_if_default": recovery["loss"],
            "max_dpd": path.max_dpd,
        }
        return ReviewOutcome(dict(outcomes), path, summary, missed)

    def cost_table(self) -> pd.DataFrame:
        """What each wrong choice costs: every flag missed alone (the others caught), each decline and recall,
        against the file with every flag caught. Chinese columns, 元."""
        all_caught: dict[str, Outcome] = {s.id: "caught" for s in self.stages}
        rows = [("全部发现（最佳选择）", "—", self._play(all_caught))]
        for stage in self.stages:
            wrong = [k for k, c in stage.choices.items() if c.outcome == "missed"]
            rows.append((stage.name, "、".join(wrong), self._play({**all_caught, stage.id: "missed"})))
        for stage in self.stages:
            recall = [k for k, c in stage.choices.items() if c.outcome == "recalled"]
            if recall:
                rows.append((stage.name, "、".join(recall) + "（提前收回）", self._play({**all_caught, stage.id: "recalled"})))
        table = pd.DataFrame([{
            "环节": name, "错误选择": wrong,
            f"{self.spec.report_month}个月后逾期天数": r.summary["dpd"],
            f"{self.spec.report_month}个月后五级分类": r.summary["category"],
            f"{self.spec.report_month}个月后PAR30余额（元）": round(r.summary["par30_balance"], 0),
            f"{self.spec.horizon}个月内最长逾期天数": r.summary["max_dpd"],
            f"第{self.spec.horizon}个月损失（元）": round(r.summary["final_loss"], 0),
            f"若第{self.spec.report_month}个月违约的损失（元）": round(r.summary["loss_if_default"], 0),
        } for name, wrong, r in rows])
        return table


@lru_cache(maxsize=4)
def _load(file: Path, _mtime: int) -> LoanFileReview:
    return LoanFileReview(load_model(ReviewFile, file))


def load_review(path: Path | str | None = None) -> LoanFileReview:
    """Load the 03b loan file (default ``data/loan_file_review.yaml``)."""
    file = Path(path) if path is not None else data_path(REVIEW_FILE)
    return _load(file, file.stat().st_mtime_ns if file.is_file() else 0)


# --------------------------------------------------------------------------- collections ladder (催收阶梯)

def collection_step(days_past_due: int, review: LoanFileReview | None = None) -> str:
    """The collection action for a number of days past due (domain-parts §6.5 ladder, data file).

    Examples
    --------
    >>> collection_step(0)
    '未逾期，无需催收'
    >>> collection_step(45).startswith("上门走访")
    True
    """
    days = int(days_past_due)
    if days < 0:
        raise InputError("不能为负数", field="逾期天数")
    if days == 0:
        return "未逾期，无需催收"
    rules = (review or load_review()).spec.collections
    for step in rules.steps:
        if days >= step.from_days and (step.to_days is None or days <= step.to_days):
            return step.action
    return rules.steps[-1].action


def check_contact(hour: int, unanswered_calls_today: int, *, third_party: bool = False,
                  debtor_unreachable: bool = False, consent: bool = False,
                  review: LoanFileReview | None = None) -> list[str]:
    """Breaches of the collection rules by one planned contact (empty list = allowed).

    Rules (domain-parts §6.5, 中国银行业协会 2026 指引 as good practice): no collection 22:00–08:00 without
    consent; at most 6 unanswered calls to one number a day; third parties only when the debtor is unreachable.

    Examples
    --------
    Domain-parts §7 example 10: the 7th unanswered call today, and a call at 22:30, are not allowed.

    >>> check_contact(10, 6)
    ['今天对同一号码未接通的呼叫已达 6 次，不得再拨（第 7 次）']
    >>> check_contact(22, 0)
    ['22:00–08:00 未经本人同意不得催收']
    >>> check_contact(15, 0)
    []
    """
    rules = (review or load_review()).spec.collections
    if not 0 <= int(hour) <= 23:
        raise InputError("应为 0–23 点", field="联系时间")
    if int(unanswered_calls_today) < 0:
        raise InputError("不能为负数", field="今日未接通次数")
    problems = []
    quiet = hour >= rules.quiet_start or hour < rules.quiet_end
    if quiet and not consent:
        problems.append(f"{rules.quiet_start}:00–{rules.quiet_end:02d}:00 未经本人同意不得催收")
    if int(unanswered_calls_today) >= rules.max_unanswered_calls:
        problems.append(f"今天对同一号码未接通的呼叫已达 {rules.max_unanswered_calls} 次，不得再拨"
                        f"（第 {int(unanswered_calls_today) + 1} 次）")
    if third_party and rules.third_party_only_if_unreachable and not debtor_unreachable:
        problems.append("借款人能联系上时不得联系第三人，也不得向无关第三人透露债务")
    return problems
