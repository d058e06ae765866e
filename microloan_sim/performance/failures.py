r"""失败案例剖析 (004 ch.6): the four failure patterns replayed on the performance engine (course 02).

Each pattern (``data/failure_patterns.yaml``, 示例参数) is one casebook borrower, what happened after the loan
(shocks), and one decision the loan officer took, with its options. An option fixes the amount rule and/or the
repayment method; :func:`replay_failure` sizes the loan by that rule and plays it forward with the shocks:

* ``request``: the amount applied for;
* ``recommend``: :func:`microloan_sim.sizing.recommend` (every limit, verified statements);
* ``capacity``: :func:`~microloan_sim.sizing.capacity_limit` of the verified 月可支配资金 ``D``;
* ``declared``: the capacity of the *declared* figures, ``D + (S_d·m_d − S_t·m_t) + (H_t − H_d)`` (claimed
  sales ``S`` × margin ``m`` and household spending ``H``, declared vs true, from the case's documents);
* ``capacity_after_debt``: the capacity of ``D − P₂``, ``P₂`` the second lender's regular payment;
* ``capacity_stressed``: the capacity of the mean projected disposable cash over the term under the shocks.

Every amount is capped by the request and rounded down to 100 元; 0 means the loan is not made.

The outcome (:func:`outcome`) of a replay: the longest days past due, the days past due and 五级分类 at month 12,
the peak arrears, and the loss: when the loan first goes beyond ``recovery.default_after`` days past due, the
principal then outstanding less collateral and guarantee recovery (:func:`loss_after_recovery`).

Examples
--------
>>> replay = replay_failure("bad_schedule", "equal_installment")
>>> replay.amount, replay.method_label
(75000.0, '等额本息')
>>> replay.outcome["max_dpd"] > 30
True
>>> replay_failure("bad_schedule", "bullet").outcome["max_dpd"]
0
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .. import casebook, schedules
from .._data import load_cached_model
from ..errors import InputError
from .cashflow import Shock, project
from .loan import LoanPath, play_loan
from .parameters import load_parameters

PATTERNS_FILE = "failure_patterns.yaml"
AmountRule = Literal["request", "recommend", "capacity", "declared", "capacity_after_debt", "capacity_stressed"]
AMOUNT_RULES: dict[str, str] = {
    "request": "按申请金额", "recommend": "按建议额度", "capacity": "按核实后的还款能力",
    "declared": "按申报口径的还款能力", "capacity_after_debt": "按扣除第二笔借款后的还款能力",
    "capacity_stressed": "按压力测试后的还款能力",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class ShockSpec(_Strict):
    kind: str
    start: int = Field(default=1, ge=1)
    size: float = Field(default=0.0, ge=0, le=1)
    amount: float = Field(default=0.0, ge=0)
    months: int | None = Field(default=None, ge=1)


class SecondLoan(_Strict):
    principal: float = Field(gt=0)
    annual_rate: float = Field(ge=0, le=1)
    months: int = Field(gt=0, le=120)


class Option(_Strict):
    id: str = Field(min_length=1)
    label: str = Field(min_length=2)
    amount: AmountRule | None = None
    method: str | None = None


class Pattern(_Strict):
    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    story: str
    case: str
    shocks: list[ShockSpec] = []
    second_loan: SecondLoan | None = None
    amount: AmountRule = "capacity"
    method: str | None = None
    clue: str
    decision: str
    failure_option: str
    options: list[Option] = Field(min_length=2)
    success: str

    @model_validator(mode="after")
    def _consistent(self) -> Pattern:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"模式 {self.id} 的选项编号重复")
        if self.failure_option not in ids:
            raise ValueError(f"模式 {self.id} 的 failure_option “{self.failure_option}”不在选项中")
        uses_debt = any(o.amount == "capacity_after_debt" for o in self.options)
        if uses_debt and self.second_loan is None:
            raise ValueError(f"模式 {self.id} 用到“扣除第二笔借款”，需要填写 second_loan")
        return self


class PatternFile(_Strict):
    illustrative: Literal[True] = True
    annual_rate: float = Field(ge=0, le=1)
    share: float = Field(gt=0, le=1)
    patterns: list[Pattern] = Field(min_length=1)


def load_patterns(path: Path | str | None = None) -> PatternFile:
    """The failure patterns (default ``data/failure_patterns.yaml``), validated; errors name the file."""
    result: PatternFile = load_cached_model(PatternFile, path, PATTERNS_FILE)
    return result


def pattern(pattern_id: str) -> Pattern:
    """One pattern by id or Chinese name (``"过度借贷"``).

    >>> pattern("还款计划不合理").case
    'C03'
    >>> pattern("欺诈")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 失败模式：没有“欺诈”（可选：过度借贷、信息不透明、缺乏风险评估、还款计划不合理）
    """
    patterns = load_patterns().patterns
    for p in patterns:
        if str(pattern_id).strip() in (p.id, p.name):
            return p
    raise InputError(f"没有“{pattern_id}”（可选：{'、'.join(p.name for p in patterns)}）", field="失败模式")


def declared_disposable(true_disposable: float, declared_sales: float, declared_margin: float, true_sales: float,
                        true_margin: float, declared_household: float, true_household: float) -> float:
    """月可支配资金 on the borrower's declaration: the verified figure plus the overstatement of gross profit
    and the understatement of household spending.

    ``D_declared = D + (S_d × m_d − S_t × m_t) + (H_t − H_d)``

    Examples
    --------
    Sales declared 150,000 instead of 100,000 at a 25 % margin, household spending declared 5,000 instead of
    8,000: 7,000 + (37,500 − 25,000) + (8,000 − 5,000) = 22,500.

    >>> declared_disposable(7_000, 150_000, 0.25, 100_000, 0.25, 5_000, 8_000)
    22500.0
    """
    from ..errors import require_number

    d = require_number(true_disposable, "核实后的月可支配资金")
    sd = require_number(declared_sales, "申报月销售额", minimum=0)
    st = require_number(true_sales, "核实月销售额", minimum=0)
    md = require_number(declared_margin, "申报毛利率", minimum=0, maximum=1)
    mt = require_number(true_margin, "核实毛利率", minimum=0, maximum=1)
    hd = require_number(declared_household, "申报家庭开支", minimum=0)
    ht = require_number(true_household, "核实家庭开支", minimum=0)
    return float(d + (sd * md - st * mt) + (ht - hd))


def _claims_gap(case: casebook.Case) -> float:
    """Declared minus verified 月可支配资金 from the case's documents (flawed claims vs the clean control)."""
    from .. import documents as dm

    if not (dm.has_investigation(case) and dm.has_answer_key(case)):
        return 0.0
    flawed = dm.build_documents(case, with_flaws=True).claims
    clean = dm.build_documents(case, with_flaws=False).claims
    if flawed.monthly_salary is not None and clean.monthly_salary is not None:
        income_gap = flawed.monthly_salary - clean.monthly_salary
        return float(income_gap + clean.household_spending - flawed.household_spending)
    return declared_disposable(0.0, flawed.monthly_sales, flawed.gross_margin or 0.0, clean.monthly_sales,
                               clean.gross_margin or 0.0, flawed.household_spending, clean.household_spending)


def second_loan_payment(loan: SecondLoan) -> float:
    """The second lender's regular payment (等额本息).

    >>> second_loan_payment(SecondLoan(principal=80_000, annual_rate=0.24, months=12))   # 80,000 × 0.02 / (1 − 1.02⁻¹²)
    7564.77
    """
    return float(schedules.schedule(loan.principal, loan.annual_rate, loan.months)["payment"].iloc[0])


def _shocks(spec: Pattern) -> tuple[Shock, ...]:
    result = []
    for s in spec.shocks:
        amount = s.amount
        if s.kind == "hidden_lender" and amount == 0 and spec.second_loan is not None:
            amount = second_loan_payment(spec.second_loan)
        months = s.months if s.months is not None else (spec.second_loan.months if s.kind == "hidden_lender"
                                                         and spec.second_loan else None)
        result.append(Shock(s.kind, s.start, s.size, amount, months))
    return tuple(result)


def size_loan(case: casebook.Case, rule: str, *, method: str, annual_rate: float, share: float,
              shocks: tuple[Shock, ...] = (), second_payment: float = 0.0) -> float:
    """The amount an officer lends under ``rule`` (see the module docstring), capped by the request and rounded
    down to 100 元; never negative.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> c01 = ml.casebook.load_case("C01")
    >>> size_loan(c01, "request", method="equal_installment", annual_rate=0.072, share=0.7)
    150000.0
    >>> size_loan(c01, "capacity", method="equal_installment", annual_rate=0.072, share=0.7)
    56900.0
    """
    from .. import sizing
    from ..statements import income_statement

    if rule not in AMOUNT_RULES:
        raise InputError(f"没有“{rule}”（可选：{'、'.join(AMOUNT_RULES)}）", field="额度规则")
    request = float(case.request.amount)
    months = int(case.request.months)
    if rule == "request":
        return request
    if rule == "recommend":
        return float(sizing.recommend(case, annual_rate=annual_rate, method=method).amount)
    monthly = float(income_statement(case, "accrual").average_disposable_income)
    if rule == "declared":
        monthly += _claims_gap(case)
    elif rule == "capacity_after_debt":
        monthly -= second_payment
    elif rule == "capacity_stressed":
        monthly = float(project(case, months, shocks=shocks)["disposable"].mean())
    limit = float(sizing.capacity_limit(monthly, annual_rate, months, share, method)) if monthly > 0 else 0.0
    return float(max(min(limit, request), 0.0) // 100 * 100)


def outcome(path: LoanPath, report_month: int = 12) -> dict[str, Any]:
    """What a replayed loan shows: ``max_dpd``, ``dpd_12`` and ``category_12`` (at ``report_month``),
    ``peak_arrears``, ``default_month`` (first month beyond ``recovery.default_after`` days, or None) and
    ``loss`` (principal then outstanding less collateral and guarantee recovery; 0 without default).

    Examples
    --------
    >>> from microloan_sim import schedules
    >>> from microloan_sim.performance import play
    >>> path = play([0.0] * 6, schedules.schedule(6_000, 0.0, 6))   # never pays: 1,000 a month falls due
    >>> o = outcome(path, report_month=6)
    >>> o["max_dpd"], o["default_month"], o["loss"]    # 4th month: 91 days past due; nothing was ever repaid
    (151, 4, 6000.0)
    """
    params = path.params or load_parameters()
    frame = path.frame
    beyond = frame.index[frame["dpd"] > params.recovery.default_after]
    default_month = int(beyond[0]) if len(beyond) else None
    loss = path.loss(default_month)["loss"] if default_month is not None else 0.0
    row = path.at(report_month)
    return {"max_dpd": path.max_dpd, "dpd_12": int(row["dpd"]), "category_12": str(row["category"]),
            "peak_arrears": float(frame["arrears"].max()), "default_month": default_month, "loss": float(loss)}


@dataclass(frozen=True)
class FailureReplay:
    """One option of one pattern played forward: the loan made (``amount`` 0 = not made), its path and outcome."""

    pattern: Pattern
    option: Option
    amount: float
    method: str
    path: LoanPath | None
    outcome: dict[str, Any]

    @property
    def method_label(self) -> str:
        return schedules.METHODS[self.method]

    @property
    def is_failure(self) -> bool:
        return self.option.id == self.pattern.failure_option


_NO_LOAN = {"max_dpd": 0, "dpd_12": 0, "category_12": "未放款", "peak_arrears": 0.0, "default_month": None,
            "loss": 0.0}


def replay_failure(pattern_id: str, option_id: str | None = None, *, variant: int | str | None = None) -> FailureReplay:
    """Play pattern ``pattern_id`` under one option of its decision (default: the failure option).

    ``variant`` plays the same story on a learner's variant of the case (:func:`microloan_sim.casebook.load_case`).
    """
    from .. import sizing

    spec = pattern(pattern_id)
    chosen = spec.failure_option if option_id is None else str(option_id).strip()
    option = next((o for o in spec.options if chosen in (o.id, o.label)), None)
    if option is None:
        raise InputError(f"没有“{chosen}”（可选：{'、'.join(o.label for o in spec.options)}）", field="决定")
    file = load_patterns()
    case = casebook.load_case(spec.case, variant=variant)
    defaults = sizing.load_parameters().defaults
    usual = schedules.normalize_method(spec.method or defaults.method_by_segment.get(case.segment, "equal_installment"))
    method = schedules.normalize_method(option.method) if option.method else usual
    shocks = _shocks(spec)
    second = second_loan_payment(spec.second_loan) if spec.second_loan else 0.0
    # the amount is sized with the pattern's usual method: an option that only changes the schedule keeps it
    amount = size_loan(case, option.amount or spec.amount, method=usual, annual_rate=file.annual_rate,
                       share=file.share, shocks=shocks, second_payment=second)
    if amount <= 0:
        return FailureReplay(spec, option, 0.0, method, None, dict(_NO_LOAN))
    path = play_loan(case, amount, file.annual_rate, int(case.request.months), method, shocks=shocks)
    return FailureReplay(spec, option, amount, method, path, outcome(path))


def replay_all(pattern_id: str, *, variant: int | str | None = None) -> list[FailureReplay]:
    """Every option of a pattern, in the file's order."""
    spec = pattern(pattern_id)
    return [replay_failure(spec.id, o.id, variant=variant) for o in spec.options]


def success_levers(variant: int | str | None = None) -> pd.DataFrame:
    """The success patterns as the reverse of the failure levers: per pattern, the failing decision and the best
    other option (least loss, then shortest days past due) with their outcomes. Columns are Chinese.

    Examples
    --------
    >>> table = success_levers()
    >>> list(table["失败模式"])
    ['过度借贷', '信息不透明', '缺乏风险评估', '还款计划不合理']
    >>> bool((table["成功做法的最长逾期（天）"] <= table["失败做法的最长逾期（天）"]).all())
    True
    """
    rows = []
    for spec in load_patterns().patterns:
        replays = replay_all(spec.id, variant=variant)
        bad = next(r for r in replays if r.is_failure)
        good = min((r for r in replays if not r.is_failure),
                   key=lambda r: (r.outcome["loss"], r.outcome["max_dpd"], -r.amount))
        rows.append({"失败模式": spec.name, "借款人": spec.case, "关键决定": spec.decision,
                     "失败做法": bad.option.label, "失败做法的最长逾期（天）": bad.outcome["max_dpd"],
                     "失败做法的损失（元）": bad.outcome["loss"], "成功做法": good.option.label,
                     "成功做法的最长逾期（天）": good.outcome["max_dpd"], "成功做法的损失（元）": good.outcome["loss"],
                     "成功经验": spec.success})
    return pd.DataFrame(rows)
