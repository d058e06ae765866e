r"""One loan played forward month by month (逐月回放): the borrower's cash meets the schedule.

Each month ``t`` (1 = the first month after disbursement):

1. actions planned for ``t`` change the schedule first (展期 :class:`Extension`, 重组 :class:`Restructure`);
2. the month's disposable cash is added to the borrower's cash (which may go negative: a deficit must be
   refilled before anything is repaid);
3. penalty interest (罚息) accrues on overdue principal at ``annual_rate × (1 + penalty_markup) / 12``;
4. the borrower pays ``min(everything owed, max(cash, 0))`` in the order a bank applies it: penalty
   interest first, then the oldest instalment's fee → interest → principal, then the next instalment's;
5. what is left unpaid of instalments already due is the arrears (逾期金额, never negative);
6. days past due = ``30 × (t − due month of the oldest unpaid instalment) + 1`` (the day after a missed due
   date is 1 day past due), the bucket M0…M4+, and the 五级分类: the day-count floor, and for a
   restructured loan the 2023 rule that it is not upgraded during its observation period (at least 关注
   and no better than before the restructuring; the period does not end while the loan is overdue).

Examples
--------
A 12,000 元 interest-free loan over 12 months meets 1,000 元 a month of spare cash: never late.

>>> from microloan_sim import schedules
>>> plan = schedules.schedule(12_000, 0.0, 12)
>>> path = play([1_000.0] * 12, plan)
>>> float(path.frame["arrears"].max()), int(path.frame["dpd"].max())
(0.0, 0)

With no spare cash at all, each missed instalment adds 1,000 元 of arrears and the oldest one ages 30 days
a month:

>>> path = play([0.0] * 12, plan)
>>> path.frame["dpd"].tolist()[:4], float(path.frame["arrears"].iloc[3])
([1, 31, 61, 91], 4000.0)
>>> path.frame["category"].tolist()[:4]
['关注', '关注', '关注', '次级']

With 600 元 a month the borrower falls 400 元 a month behind, but each payment clears the oldest instalment
first, so the oldest unpaid one ages more slowly:

>>> play([600.0] * 12, plan).frame["dpd"].tolist()[:5]
[1, 1, 31, 31, 31]
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import schedules
from ..casebook import Case
from ..errors import InputError, require_number
from ..statements import cash_flow
from . import classification as cls
from .cashflow import Shock, project
from .parameters import PerformanceParameters, load_parameters

F_MONTH = "调整月份"


@dataclass(frozen=True)
class Extension:
    """展期: from ``month`` on, the principal not yet due is re-spread over the remaining term plus
    ``extra_months`` (same method and rate). Arrears already due stay due. An extension granted because the
    borrower is in financial difficulty (the usual case) counts as a restructuring for the classification."""

    month: int
    extra_months: int
    financial_difficulty: bool = True

    def __post_init__(self) -> None:
        _check_month(self.month)
        schedules.check_months(self.extra_months, "展期月数")

    @property
    def label(self) -> str:
        return f"第 {self.month} 个月展期 {self.extra_months} 个月"


@dataclass(frozen=True)
class Restructure:
    """重组: at ``month`` everything owed (principal, overdue interest, penalty and fees) becomes a new loan
    of ``months`` months at ``annual_rate`` (default: unchanged), with ``grace_months`` of interest only."""

    month: int
    months: int
    annual_rate: float | None = None
    grace_months: int = 0
    method: str | None = None

    def __post_init__(self) -> None:
        _check_month(self.month)
        schedules.check_months(self.months, "重组后期限（月）")
        if self.annual_rate is not None:
            schedules.check_rate(self.annual_rate, "重组后年利率")
        schedules.check_months(self.grace_months, "重组宽限期（月）", allow_zero=True)
        if self.grace_months >= self.months:
            raise InputError("宽限期应短于重组后期限", field="重组宽限期（月）")

    @property
    def label(self) -> str:
        grace = f"，前 {self.grace_months} 个月只付息" if self.grace_months else ""
        return f"第 {self.month} 个月重组为 {self.months} 个月{grace}"


Action = Extension | Restructure


def _check_month(value: Any) -> None:
    month = require_number(value, F_MONTH)
    if month < 1 or not float(month).is_integer():
        raise InputError(f"应为 ≥ 1 的整数（当前为 {value}）", field=F_MONTH)


@dataclass
class _Instalment:
    month: int
    fee: float
    interest: float
    principal: float

    @property
    def unpaid(self) -> float:
        return self.fee + self.interest + self.principal


@dataclass(frozen=True)
class LoanPath:
    """A loan played forward. ``frame`` has one row per loan month (index 1 … horizon):

    ``month`` (calendar, when known), ``disposable``, ``due`` (scheduled this month incl. fees), ``paid``,
    ``paid_fees``, ``paid_interest`` (incl. penalty), ``paid_principal``, ``cash`` (after paying),
    ``arrears`` (overdue amount), ``balance`` (principal outstanding), ``dpd``, ``bucket`` (M0…M4+),
    ``category`` (五级分类 name), ``category_code``, ``observation`` (restructured loan in its observation
    period), ``event`` (actions taken, Chinese text).
    """

    frame: pd.DataFrame
    principal: float
    annual_rate: float
    collateral: tuple[tuple[str, float], ...] = ()
    guarantee_valid: bool = False
    shocks: tuple[Shock, ...] = ()
    actions: tuple[Action, ...] = field(default=())
    params: PerformanceParameters | None = None

    @property
    def max_dpd(self) -> int:
        return int(self.frame["dpd"].max())

    def at(self, month: int) -> pd.Series:
        """The row of loan month ``month`` (1-based; capped to the horizon)."""
        return self.frame.loc[min(max(int(month), 1), len(self.frame))]

    def exposure(self, month: int | None = None) -> float:
        """Principal outstanding plus unpaid interest, penalty and fees at ``month`` (default: the last)."""
        row = self.at(month or len(self.frame))
        return float(row["balance"] + row["unpaid_charges"])

    def loss(self, month: int | None = None) -> dict[str, float]:
        """Loss at ``month`` (default: the last) if the loan is then in default (more than ``default_after``
        days past due), after collateral and guarantee recovery (:func:`loss_after_recovery`); else zeros.

        The exposure is the principal outstanding: unpaid interest and penalty on a non-performing loan are
        still claimed from the borrower but are not counted as the bank's loss here."""
        row = self.at(month or len(self.frame))
        params = self.params or load_parameters()
        if row["dpd"] <= params.recovery.default_after:
            return {"exposure": 0.0, "collateral_recovery": 0.0, "guarantee_recovery": 0.0, "loss": 0.0}
        return loss_after_recovery(float(row["balance"]), self.collateral, self.guarantee_valid, params)

    def par_balance(self, days: int = 30, month: int | None = None) -> float:
        """Principal outstanding if more than ``days`` past due at ``month`` (this loan's part of PAR)."""
        row = self.at(month or len(self.frame))
        return float(row["balance"]) if row["dpd"] > days else 0.0


def loss_after_recovery(exposure: float, collateral: Iterable[tuple[str, float]] = (), guarantee_valid: bool = False,
                        params: PerformanceParameters | None = None) -> dict[str, float]:
    """Loss of a defaulted loan: exposure − collateral recovery − guarantee recovery (never below 0).

    Collateral recovers ``value × recovery rate`` of its type (``recovery.collateral``); a valid guarantee
    (保证) then recovers ``recovery.guarantee`` of what is left.

    Examples
    --------
    200,000 owed, inventory valued 100,000 (recovery 25 %), a valid guarantor (30 % of the rest):
    25,000 from the inventory, 0.3 × 175,000 = 52,500 from the guarantor, loss 122,500.

    >>> loss_after_recovery(200_000, [("存货", 100_000)], guarantee_valid=True)
    {'exposure': 200000.0, 'collateral_recovery': 25000.0, 'guarantee_recovery': 52500.0, 'loss': 122500.0}
    >>> loss_after_recovery(-1)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 风险敞口（元）：不能小于 0（当前为 -1）
    """
    p = params or load_parameters()
    owed = require_number(exposure, "风险敞口（元）", minimum=0)
    from_collateral = 0.0
    for kind, value in collateral:
        amount = require_number(value, f"抵押物“{kind}”评估价值", minimum=0)
        if kind not in p.recovery.collateral:
            raise InputError(f"没有“{kind}”的回收率（可选：{'、'.join(p.recovery.collateral)}）", field="抵押物类型")
        from_collateral += amount * p.recovery.collateral[kind]
    from_collateral = min(from_collateral, owed)
    from_guarantee = (owed - from_collateral) * p.recovery.guarantee if guarantee_valid else 0.0
    return {"exposure": owed, "collateral_recovery": from_collateral, "guarantee_recovery": from_guarantee,
            "loss": max(owed - from_collateral - from_guarantee, 0.0)}


def _instalments(plan: pd.DataFrame, first_month: int, monthly_fee: float) -> list[_Instalment]:
    interest = plan["interest"].to_numpy(dtype=float)
    principal = plan["principal"].to_numpy(dtype=float)
    return [_Instalment(first_month + i, monthly_fee, float(interest[i]), float(principal[i]))
            for i in range(len(plan))]


def play(disposable: Sequence[float], plan: pd.DataFrame, *, opening_cash: float = 0.0, monthly_fee: float = 0.0,
         actions: Iterable[Action] = (), params: PerformanceParameters | None = None,
         months: Sequence[Any] | None = None) -> LoanPath:
    """Play a schedule against a series of monthly disposable cash (the engine behind :func:`play_loan`).

    Parameters
    ----------
    disposable : sequence of float
        Cash the borrower has for this loan each month (元); its length is the horizon.
    plan : DataFrame
        A schedule from :func:`microloan_sim.schedules.schedule` (its ``attrs`` give the rate and method).
    opening_cash : float
        Cash on hand at disbursement that may be used for repayment.
    monthly_fee : float
        A fee due with every instalment (元), paid before interest.
    actions : iterable of Extension / Restructure
        Schedule changes (展期, 重组) at given months.
    params : PerformanceParameters, optional
        Default: ``data/performance.yaml``.
    months : sequence, optional
        Calendar labels of the months (shown in the ``month`` column).
    """
    p = params or load_parameters()
    cash_in = np.asarray([require_number(v, "月可支配资金") for v in disposable], dtype=float)
    horizon = len(cash_in)
    if horizon == 0:
        raise InputError("至少需要一个月", field="模拟月数")
    if not {"principal", "interest"} <= set(plan.columns) or len(plan) == 0:
        raise InputError("应为还款计划表（含本金、利息列）", field="还款计划")
    cash = require_number(opening_cash, "期初可用现金", minimum=0)
    fee = require_number(monthly_fee, "月手续费（元）", minimum=0)
    rate = float(plan.attrs.get("annual_rate", 0.0))
    method = str(plan.attrs.get("method", "equal_installment"))
    planned: dict[int, list[Action]] = {}
    for action in actions:
        if not isinstance(action, (Extension, Restructure)):
            raise InputError("贷后措施应为展期（Extension）或重组（Restructure）", field="贷后措施")
        planned.setdefault(action.month, []).append(action)
    days = p.playback.days_per_period
    on = 1.0 if p.playback.penalty_interest else 0.0
    penalty_rate = on * rate * (1 + p.playback.penalty_markup) / 12
    book = _instalments(plan, 1, fee)
    penalty = 0.0
    observation_floor, observation_end = -1, 0
    previous_code = cls.NORMAL
    rows = []
    for t in range(1, horizon + 1):
        events = []
        for action in planned.get(t, []):
            book, penalty, rate, method = _apply(action, t, book, penalty, rate, method, fee)
            events.append(action.label)
            if isinstance(action, Restructure) or action.financial_difficulty:
                observation_floor = max(cls.SPECIAL_MENTION, previous_code, observation_floor)
                observation_end = t + p.restructuring.observation_months - 1
                penalty_rate = on * rate * (1 + p.playback.penalty_markup) / 12
        cash += cash_in[t - 1]
        overdue_principal = sum(i.principal for i in book if i.month < t)
        penalty += overdue_principal * penalty_rate
        due_now = sum(i.unpaid for i in book if i.month == t)
        owed = penalty + sum(i.unpaid for i in book if i.month <= t)
        pay = min(owed, max(cash, 0.0))
        cash -= pay
        paid = {"fee": 0.0, "interest": 0.0, "principal": 0.0}
        take = min(pay, penalty)
        penalty -= take
        left = pay - take
        paid["interest"] += take
        current = [i for i in book if i.month <= t]
        for inst in current:                       # oldest instalment first: its fee, interest, principal
            for part in ("fee", "interest", "principal"):
                take = min(left, getattr(inst, part))
                setattr(inst, part, getattr(inst, part) - take)
                left -= take
                paid[part] += take
        unpaid_due = [i for i in current if i.unpaid > 0.005]
        arrears = sum(i.unpaid for i in unpaid_due) + penalty
        dpd = days * (t - min(i.month for i in unpaid_due)) + 1 if unpaid_due else 0
        balance = sum(i.principal for i in book)
        code = int(cls.floor([dpd], p.classification)[0])
        if observation_floor >= 0:
            if t > observation_end and dpd == 0 or balance < 0.005:
                observation_floor = -1
            else:
                code = max(code, observation_floor)
        previous_code = code
        unpaid_charges = sum(i.fee + i.interest for i in current) + penalty
        rows.append({
            "disposable": cash_in[t - 1], "due": due_now, "paid": pay, "paid_fees": paid["fee"],
            "paid_interest": paid["interest"], "paid_principal": paid["principal"], "cash": cash,
            "arrears": max(arrears, 0.0), "unpaid_charges": unpaid_charges, "balance": max(balance, 0.0), "dpd": dpd,
            "bucket": cls.BUCKETS[int(cls.bucket([dpd], days)[0])], "category_code": code,
            "category": cls.CATEGORIES[code], "observation": observation_floor >= 0, "event": "；".join(events),
        })
    frame = pd.DataFrame(rows, index=pd.RangeIndex(1, horizon + 1, name="loan_month"))
    if months is not None:
        frame.insert(0, "month", list(months)[:horizon])
    return LoanPath(frame, float(plan["principal"].sum()), float(plan.attrs.get("annual_rate", 0.0)),
                    actions=tuple(a for acts in planned.values() for a in acts), params=p)


def _apply(action: Action, t: int, book: list[_Instalment], penalty: float, rate: float, method: str,
           fee: float) -> tuple[list[_Instalment], float, float, str]:
    past = [i for i in book if i.month < t]
    future = [i for i in book if i.month >= t]
    remaining = sum(i.principal for i in future)
    if isinstance(action, Extension):
        if remaining < 0.005:
            raise InputError(f"第 {t} 个月已没有未到期本金，无法展期", field="展期")
        term = len(future) + action.extra_months
        plan = schedules.schedule(remaining, rate, term, method if method != "seasonal" else "interest_only")
        return past + _instalments(plan, t, fee), penalty, rate, method
    # everything overdue (fees, interest, principal, penalty) plus the principal not yet due becomes the new loan;
    # the interest of month t accrues again on the new principal under the new schedule
    owed = remaining + sum(i.unpaid for i in past) + penalty
    if owed < 0.005:
        raise InputError(f"第 {t} 个月已没有欠款，无需重组", field="重组")
    new_rate = rate if action.annual_rate is None else float(action.annual_rate)
    new_method = schedules.normalize_method(action.method) if action.method else \
        (method if method in ("equal_installment", "equal_principal", "interest_only") else "equal_installment")
    plan = schedules.schedule(owed, new_rate, action.months, new_method, grace_months=action.grace_months)
    return _instalments(plan, t, fee), 0.0, new_rate, new_method


def play_loan(case: Case, principal: float | None = None, annual_rate: float | None = None, months: int | None = None,
              method: str | None = None, *, horizon: int | None = None, shocks: Iterable[Shock | dict[str, Any]] = (),
              actions: Iterable[Action] = (), monthly_fee: float = 0.0, growth: float = 0.0,
              opening_cash: float | None = None, collateral: Iterable[tuple[str, float]] | None = None,
              guarantee_valid: bool | None = None, params: PerformanceParameters | None = None) -> LoanPath:
    """A loan on ``case`` played forward month by month after the record period.

    Parameters
    ----------
    case : Case
        The borrower (any variant).
    principal, annual_rate, months, method
        The loan; defaults: the case's request, 7.2 %, the requested term and the segment's method
        (``data/sizing.yaml``).
    horizon : int, optional
        Months to play (default: the term + 12, to see arrears after maturity).
    shocks : iterable of Shock or mapping
        Shocks to the borrower's cash (see :mod:`~microloan_sim.performance.cashflow`).
    actions : iterable of Extension / Restructure
        展期 / 重组 at given months.
    monthly_fee : float
        A fee due each month with the instalment (元).
    growth : float
        Yearly growth of sales beyond the record period.
    opening_cash : float, optional
        Cash usable for repayment at disbursement; default ``buffer_share`` × the case's closing cash.
    collateral : iterable of (type, value), optional
        Default: the case's collateral except guarantors.
    guarantee_valid : bool, optional
        Whether a guarantee can be enforced; default: the case lists a guarantor (保证人).

    Examples
    --------
    C07's requested 200,000 元 over 24 months, then a 40 % sales drop from month 6:

    >>> import microloan_sim as ml
    >>> case = ml.casebook.load_case("C07")
    >>> calm = play_loan(case, 200_000, 0.072, 24)
    >>> calm.max_dpd
    0
    >>> hit = play_loan(case, 200_000, 0.072, 24, shocks=[Shock("sales_drop", start=6, size=0.4)])
    >>> hit.max_dpd > 90, hit.at(12)["category"]
    (True, '次级')
    """
    from ..sizing import load_parameters as sizing_parameters

    p = params or load_parameters()
    defaults = sizing_parameters().defaults
    amount = case.request.amount if principal is None else principal
    rate = defaults.annual_rate if annual_rate is None else annual_rate
    term = case.request.months if months is None else months
    how = method or defaults.method_by_segment.get(case.segment, "equal_installment")
    plan = schedules.schedule(amount, rate, term, how)
    n = int(len(plan) + 12 if horizon is None else schedules.check_months(horizon, "模拟月数"))
    shock_list = tuple(Shock(**s) if isinstance(s, dict) else s for s in shocks)
    projection = project(case, n, shocks=shock_list, growth=growth)
    if opening_cash is None:
        opening_cash = max(cash_flow(case).closing_cash, 0.0) * p.playback.buffer_share
    path = play(projection["disposable"].to_numpy().tolist(), plan, opening_cash=opening_cash, monthly_fee=monthly_fee,
                actions=actions, params=p, months=[str(m) for m in projection["month"]])
    path.frame["inflow"] = projection["inflow"].to_numpy()
    path.frame["expected_inflow"] = projection["expected_inflow"].to_numpy()
    path.frame["new_lender"] = projection["new_lender"].to_numpy()
    items = tuple((c.type, float(c.value)) for c in case.collateral if c.type != "保证人") if collateral is None \
        else tuple(collateral)
    valid = any(c.type == "保证人" for c in case.collateral) if guarantee_valid is None else bool(guarantee_valid)
    return LoanPath(path.frame, path.principal, path.annual_rate, items, valid, shock_list, path.actions, p)
