r"""Repayment schedules (还款计划), domain §5.2, and daily-interest revolving loans (随借随还).

Methods (English id, Chinese alias accepted everywhere):

========================  ==============================  ====================================================
id                        中文                            what is paid in period :math:`k`
========================  ==============================  ====================================================
``equal_installment``     等额本息                        level :math:`PMT = P\,r(1+r)^n / [(1+r)^n-1]`
``equal_principal``       等额本金                        :math:`P/n` + interest on the balance
``interest_only``         先息后本（按月付息、到期还本）  interest :math:`P r`; principal at maturity
``bullet``                利随本清                        :math:`P(1 + \text{annual}\times\text{days}/360)` at maturity
``seasonal``              按季节还本                      interest monthly; principal in chosen months
========================  ==============================  ====================================================

Interest of period :math:`k` is ``balance × annual_rate × year_fraction``, where the year fraction is 30/360
(one month = 1/12), or actual days/360 or actual days/365 between real payment dates. A grace period
(宽限期) pays interest only for its first months; the method then runs over the remaining term.

Rounding: internal math is unrounded. The published schedule rounds each payment and its interest to
0.01 元; the principal of an instalment is payment − interest, and the last instalment that repays principal
absorbs the remainder so that the principal column adds up exactly to the loan (the arithmetic is done in whole fen). Pass
``rounded=False`` to see the unrounded math.

:func:`regular_payment` (the largest regular payment, the burden a capacity check caps) lives here because it is
pure repayment math on these methods: the rating (payment-to-income indicator) and the sizing (its inverse,
the capacity limit) both read it from this lower rung.

Examples
--------
The worked example of domain §5.2 (100,000 元, 7.2 %, 12 months):

>>> plan = schedule(100_000, 0.072, 12)
>>> plan.loc[0, ["payment", "interest", "principal", "balance"]].tolist()
[8661.9, 600.0, 8061.9, 91938.1]
>>> round(float(plan["principal"].sum()), 2)
100000.0
>>> float(schedule(100_000, 0.072, 12, "利随本清")["payment"].iloc[-1])
107200.0
>>> float(revolving([("2025-03-01", 50_000), ("2025-04-15", -50_000)], 0.072)["interest"].sum())
450.0
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy_financial as npf
import pandas as pd

from .errors import InputError, require_number

#: Method id -> Chinese name shown to learners.
METHODS: dict[str, str] = {
    "equal_installment": "等额本息",
    "equal_principal": "等额本金",
    "interest_only": "先息后本",
    "bullet": "利随本清",
    "seasonal": "按季节还本",
}
#: Longer Chinese descriptions (dropdowns, tooltips).
METHOD_DESCRIPTIONS: dict[str, str] = {
    "equal_installment": "等额本息：每月还款额相同，前期利息多、本金少",
    "equal_principal": "等额本金：每月归还相同本金，利息随余额递减",
    "interest_only": "先息后本：按月付息、到期一次还本",
    "bullet": "利随本清：到期一次还本付息",
    "seasonal": "按季节还本：按月付息，在销售月份（如出栏、收获月）归还本金",
}
_ALIASES: dict[str, str] = {
    **{key: key for key in METHODS},
    **{name: key for key, name in METHODS.items()},
    "等额本息还款": "equal_installment", "annuity": "equal_installment",
    "等额本金还款": "equal_principal",
    "按月付息到期还本": "interest_only", "按月付息、到期还本": "interest_only", "按月还息到期还本": "interest_only",
    "到期一次还本付息": "bullet", "一次还本付息": "bullet",
    "balloon": "seasonal", "气球贷": "seasonal", "季节性还款": "seasonal", "分期还本": "seasonal",
}
#: Day-count conventions: id -> (days per year, uses real dates).
DAY_COUNTS: dict[str, tuple[int, bool]] = {"30/360": (360, False), "actual/360": (360, True), "actual/365": (365, True)}
_DAY_COUNT_ALIASES = {"30/360": "30/360", "actual/360": "actual/360", "act/360": "actual/360", "实际/360": "actual/360",
                      "actual/365": "actual/365", "act/365": "actual/365", "实际/365": "actual/365"}
#: Chinese column labels of a schedule.
COLUMN_LABELS: dict[str, str] = {
    "period": "期数", "date": "还款日", "payment": "还款额（元）", "principal": "本金（元）",
    "interest": "利息（元）", "balance": "剩余本金（元）",
}
MAX_MONTHS = 360

F_PRINCIPAL, F_RATE, F_MONTHS, F_METHOD, F_GRACE = "贷款本金", "年利率", "期限（月）", "还款方式", "宽限期（月）"


# --------------------------------------------------------------------------- validation helpers

def normalize_method(method: str) -> str:
    """English id of a repayment method given its id or a Chinese alias.

    Examples
    --------
    >>> normalize_method("等额本金"), normalize_method("按月付息到期还本")
    ('equal_principal', 'interest_only')
    >>> normalize_method("随心还")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 还款方式：不支持“随心还”，可选：等额本息、等额本金、先息后本、利随本清、按季节还本（随借随还请用 revolving()）
    """
    key = _ALIASES.get(str(method).strip()) or _ALIASES.get(str(method).strip().lower())
    if key is None:
        choices = "、".join(METHODS.values())
        raise InputError(f"不支持“{method}”，可选：{choices}（随借随还请用 revolving()）", field=F_METHOD)
    return key


def normalize_day_count(day_count: str) -> str:
    """Day-count id (``30/360``, ``actual/360``, ``actual/365``) from an id or alias."""
    key = _DAY_COUNT_ALIASES.get(str(day_count).strip().lower())
    if key is None:
        raise InputError(f"不支持“{day_count}”，可选：30/360、actual/360（实际/360）、actual/365（实际/365）",
                         field="计息天数规则")
    return key


def check_rate(value: Any, field: str = F_RATE) -> float:
    """An annual rate as a fraction, 0 ≤ rate ≤ 1 (7.2 % is 0.072).

    Examples
    --------
    >>> check_rate("0.072")
    0.072
    >>> check_rate(7.2)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 年利率：应以小数填写（7.2% 填 0.072），不能超过 1（100%）（当前为 7.2）
    """
    rate = require_number(value, field, minimum=0)
    if rate > 1:
        raise InputError(f"应以小数填写（7.2% 填 0.072），不能超过 1（100%）（当前为 {rate:g}）", field=field)
    return rate


def check_months(value: Any, field: str = F_MONTHS, *, allow_zero: bool = False) -> int:
    """A whole number of months, 1 ≤ months ≤ 360 (0 allowed with ``allow_zero``)."""
    number = require_number(value, field, minimum=0 if allow_zero else None)
    if not number.is_integer():
        raise InputError(f"应为整数个月（当前为 {value}）", field=field)
    if number < (0 if allow_zero else 1):
        raise InputError(f"应为正整数（当前为 {value}）", field=field)
    if number > MAX_MONTHS:
        raise InputError(f"不能超过 {MAX_MONTHS} 个月（当前为 {value}）", field=field)
    return int(number)


def _to_timestamp(value: Any, field: str) -> pd.Timestamp:
    if isinstance(value, (date, pd.Timestamp)):
        return pd.Timestamp(value).normalize()
    try:
        stamp = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError):
        raise InputError(f"日期格式应为 YYYY-MM-DD（收到“{value}”）", field=field) from None
    if pd.isna(stamp):
        raise InputError("缺少日期", field=field)
    return stamp.normalize()


def _round_fen(values: np.ndarray) -> np.ndarray:
    """Round 元 to whole fen (0.01 元), half away from zero; returns int64 fen."""
    return (np.sign(values) * np.floor(np.abs(values) * 100 + 0.5 + 1e-9)).astype(np.int64)


# --------------------------------------------------------------------------- schedules

def schedule(principal: float, annual_rate: float, months: int, method: str = "equal_installment",
             grace_months: int = 0, *, start_date: Any = None, day_count: str = "30/360",
             repayment_months: Sequence[int] | None = None, shares: Sequence[float] | None = None,
             rounded: bool = True) -> pd.DataFrame:
    r"""Repayment schedule: one row per month with ``period, payment, principal, interest, balance``.

    Parameters
    ----------
    principal : float
        Loan amount in 元, > 0.
    annual_rate : float
        Nominal annual rate as a fraction, 0 ≤ rate ≤ 1 (7.2 % → 0.072).
    months : int
        Term in months, 1–360.
    method : str
        ``equal_installment`` 等额本息, ``equal_principal`` 等额本金, ``interest_only`` 先息后本,
        ``bullet`` 利随本清, ``seasonal`` 按季节还本 (English id or Chinese alias).
    grace_months : int
        Interest-only months at the start (宽限期); the method then runs over ``months − grace_months``.
        Only for 等额本息, 等额本金 and 先息后本.
    start_date : date-like, optional
        Disbursement date. Adds a ``date`` column (due dates one calendar month apart); required for the
        actual-day conventions.
    day_count : str
        ``30/360`` (default), ``actual/360`` or ``actual/365``.
    repayment_months : sequence of int, optional
        For ``seasonal``: the periods (1 … months) in which principal is repaid, e.g. ``[6, 12]``. When the
        last one comes before the final period the loan is settled early (提前结清) and later rows are zero.
    shares : sequence of float, optional
        For ``seasonal``: share of principal repaid in each repayment month (sum 1; default equal shares).
    rounded : bool
        ``True`` (default): payments rounded to 0.01 元, the last instalment absorbs the remainder.
        ``False``: the unrounded math.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (1…n), ``date`` (only with ``start_date``), ``payment``, ``principal``,
        ``interest``, ``balance`` (after the payment). ``frame.attrs`` records the inputs.

    Notes
    -----
    等额本息 uses ``numpy_financial.pmt`` at the monthly rate ``annual_rate / 12``. Under an actual-day
    convention the instalment stays level, the interest follows the real days and the last instalment
    settles the balance. 利随本清 charges simple interest
    :math:`P \times \text{annual} \times \text{days}/\text{basis}` at maturity (30 days a month under 30/360).

    Examples
    --------
    等额本金 (domain §5.2): the payment falls by 50 元 a month.

    >>> plan = schedule(100_000, 0.072, 12, "等额本金")
    >>> plan["payment"].head(3).tolist()
    [8933.33, 8883.33, 8833.33]

    先息后本 with real dates, actual/365:

    >>> plan = schedule(100_000, 0.0365, 3, "先息后本", start_date="2025-01-15", day_count="actual/365")
    >>> plan[["date", "interest"]].astype(str).values.tolist()
    [['2025-02-15', '310.0'], ['2025-03-15', '280.0'], ['2025-04-15', '310.0']]

    A hog farmer who sells in months 6 and 12 (按季节还本):

    >>> plan = schedule(120_000, 0.06, 12, "seasonal", repayment_months=[6, 12], shares=[0.4, 0.6])
    >>> plan.loc[plan["principal"] > 0, ["period", "principal"]].values.tolist()
    [[6.0, 48000.0], [12.0, 72000.0]]
    """
    p = require_number(principal, F_PRINCIPAL, strictly_positive=True)
    rate = check_rate(annual_rate)
    n = check_months(months)
    key = normalize_method(method)
    grace = check_months(grace_months, F_GRACE, allow_zero=True)
    convention = normalize_day_count(day_count)
    if grace:
        if key not in ("equal_installment", "equal_principal", "interest_only"):
            raise InputError(f"宽限期只适用于等额本息、等额本金和先息后本（当前为{METHODS[key]}）", field=F_GRACE)
        if grace >= n:
            raise InputError(f"应小于贷款期限 {n} 个月（当前为 {grace}）", field=F_GRACE)
    if key != "seasonal" and (repayment_months is not None or shares is not None):
        raise InputError("只有“按季节还本”需要填写还本月份和比例", field="还本月份")
    start = None if start_date is None else _to_timestamp(start_date, "放款日期")
    basis, actual = DAY_COUNTS[convention]
    if actual and start is None:
        raise InputError(f"按实际天数计息（{convention}）需要填写放款日期 start_date", field="放款日期")

    dates = [start + pd.DateOffset(months=k) for k in range(n + 1)] if start is not None else None
    if actual and dates is not None:
        fractions = np.array([(dates[k + 1] - dates[k]).days / basis for k in range(n)])
    else:
        fractions = np.full(n, 1 / 12)
    plan = _seasonal_plan(n, repayment_months, shares) if key == "seasonal" else None
    principal_part, interest = _exact(p, rate, n, key, grace, fractions, plan)

    if rounded:
        payment_fen = _round_fen(principal_part + interest)
        interest_fen = _round_fen(interest)
        principal_fen = payment_fen - interest_fen
        repaying = np.flatnonzero(principal_part >= 0.005)  # the last instalment that repays principal
        last = int(repaying[-1]) if len(repaying) else n - 1
        principal_fen[last] = 0
        principal_fen[last] = int(_round_fen(np.array([p]))[0]) - int(principal_fen.sum())
        payment_fen[last] = principal_fen[last] + interest_fen[last]
        balance_fen = int(_round_fen(np.array([p]))[0]) - np.cumsum(principal_fen)
        payment, principal_col, interest_col, balance = (
            payment_fen / 100, principal_fen / 100, interest_fen / 100, balance_fen / 100)
    else:
        payment, principal_col, interest_col = principal_part + interest, principal_part, interest
        balance = p - np.cumsum(principal_part)
        balance[-1] = 0.0

    frame = pd.DataFrame({"period": np.arange(1, n + 1)})
    if dates is not None:
        frame["date"] = pd.to_datetime(pd.Series(dates[1:])).dt.as_unit("ns")
    frame["payment"] = payment
    frame["principal"] = principal_col
    frame["interest"] = interest_col
    frame["balance"] = balance
    frame.attrs.update({"principal": p, "annual_rate": rate, "months": n, "method": key, "grace_months": grace,
                        "day_count": convention, "rounded": rounded})
    return frame


def _exact(p: float, rate: float, n: int, key: str, grace: int, fractions: np.ndarray,
           plan: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Unrounded principal and interest per period."""
    principal_part = np.zeros(n)
    interest = np.zeros(n)
    if key == "bullet":
        principal_part[-1] = p
        interest[-1] = p * rate * float(fractions.sum())
        return principal_part, interest
    amortising = n - grace
    level = 0.0
    if key == "equal_installment":  # a rate too small to move (1 + r)^n is a zero rate
        level = p / amortising if (1 + rate / 12) ** amortising == 1 else float(-npf.pmt(rate / 12, amortising, p))
    balance = p
    for k in range(n):
        interest[k] = balance * rate * fractions[k]
        if k == n - 1:
            due = balance
        elif k < grace:
            due = 0.0
        elif key == "equal_installment":
            due = min(max(level - interest[k], 0.0), balance)
        elif key == "equal_principal":
            due = min(p / amortising, balance)
        elif key == "seasonal" and plan is not None:
            due = min(p * plan[k], balance)
        else:  # interest_only
            due = 0.0
        principal_part[k] = due
        balance -= due
    return principal_part, interest


def _seasonal_plan(n: int, repayment_months: Sequence[int] | None, shares: Sequence[float] | None) -> np.ndarray:
    """Share of principal repaid in each period for the seasonal method."""
    field = "还本月份"
    if repayment_months is None or isinstance(repayment_months, (str, bytes)) or len(list(repayment_months)) == 0:
        raise InputError("按季节还本需要填写还本月份，例如 [6, 12]（第 6 期和第 12 期）", field=field)
    chosen = [check_months(m, field) for m in repayment_months]
    if sorted(set(chosen)) != chosen:
        raise InputError(f"应按时间顺序排列且不重复（当前为 {chosen}）", field=field)
    if chosen[-1] > n:
        raise InputError(f"第 {chosen[-1]} 期超出了贷款期限（{n} 个月）", field=field)
    if shares is None:
        weights = [1 / len(chosen)] * len(chosen)
    else:
        weights = [require_number(s, "还本比例", strictly_positive=True) for s in shares]
        if len(weights) != len(chosen):
            raise InputError(f"个数（{len(weights)}）应与还本月份个数（{len(chosen)}）相同", field="还本比例")
        if not math.isclose(sum(weights), 1.0, abs_tol=1e-6):
            raise InputError(f"之和应为 1（当前为 {sum(weights):g}）", field="还本比例")
    plan = np.zeros(n)
    for month, weight in zip(chosen, weights):
        plan[month - 1] = weight
    return plan


def total_interest(plan: pd.DataFrame) -> float:
    """Total interest of a schedule in 元.

    Examples
    --------
    >>> total_interest(schedule(100_000, 0.072, 12, "等额本金"))
    3900.0
    """
    return round(float(plan["interest"].sum()), 2)


def to_display(plan: pd.DataFrame) -> pd.DataFrame:
    """The schedule with Chinese column names and the ``date`` column as text (for tables and Excel).

    Examples
    --------
    >>> list(to_display(schedule(10_000, 0.06, 2)).columns)
    ['期数', '还款额（元）', '本金（元）', '利息（元）', '剩余本金（元）']
    """
    shown = plan.copy()
    if "date" in shown.columns:
        shown["date"] = shown["date"].dt.strftime("%Y-%m-%d")
    return shown.rename(columns=COLUMN_LABELS)


# --------------------------------------------------------------------------- revolving (随借随还)

REVOLVING_LABELS: dict[str, str] = {
    "start_date": "起息日", "end_date": "止息日", "days": "天数", "balance": "借款余额（元）", "interest": "利息（元）",
}


def revolving(draws_and_repayments: Iterable[Any], annual_rate: float, day_count: str = "actual/360",
              end_date: Any = None) -> pd.DataFrame:
    r"""Daily interest on a revolving line (随借随还): ``interest = balance × annual_rate / basis × days``.

    Parameters
    ----------
    draws_and_repayments : iterable
        Dated movements: ``(date, amount)`` pairs or mappings with ``date`` and ``amount``. A positive
        amount is a draw (借款), a negative one a repayment (还款). Same-day movements are netted.
    annual_rate : float
        Annual rate as a fraction (日利率 = 年利率 / 360 under ``actual/360``).
    day_count : str
        ``actual/360`` (default) or ``actual/365``.
    end_date : date-like, optional
        Accrue interest to this date; needed when a balance is still outstanding after the last movement.

    Returns
    -------
    pandas.DataFrame
        One row per interval with a balance: ``start_date, end_date, days, balance, interest``;
        interest rounded to 0.01 元 per interval.

    Examples
    --------
    Domain §5.2: 50,000 drawn for 45 days at 7.2 % → 450 元. A second draw is charged only for its own days:

    >>> moves = [("2025-03-01", 50_000), ("2025-03-11", 30_000), ("2025-03-21", -30_000), ("2025-04-15", -50_000)]
    >>> table = revolving(moves, 0.072)
    >>> table[["days", "balance", "interest"]].values.tolist()
    [[10.0, 50000.0, 100.0], [10.0, 80000.0, 160.0], [25.0, 50000.0, 250.0]]
    >>> float(table["interest"].sum())
    510.0
    """
    rate = check_rate(annual_rate)
    convention = normalize_day_count(day_count)
    basis, actual = DAY_COUNTS[convention]
    if not actual:
        raise InputError("随借随还按实际天数计息，请选 actual/360 或 actual/365", field="计息天数规则")
    moves: dict[pd.Timestamp, float] = {}
    for number, item in enumerate(draws_and_repayments, start=1):
        when, amount = (item.get("date"), item.get("amount")) if isinstance(item, Mapping) else tuple(item)
        stamp = _to_timestamp(when, f"第 {number} 笔日期")
        value = require_number(amount, f"第 {number} 笔金额（正数为借款，负数为还款）")
        moves[stamp] = moves.get(stamp, 0.0) + value
    if not moves:
        raise InputError("至少需要一笔借款", field="借还款记录")
    stamps = sorted(moves)
    if end_date is not None:
        final = _to_timestamp(end_date, "计息截止日")
        if final < stamps[-1]:
            raise InputError("不能早于最后一笔借还款日期", field="计息截止日")
        stamps_to = [*stamps[1:], final]
    else:
        stamps_to = stamps[1:]
    rows = []
    balance = 0.0
    for i, stamp in enumerate(stamps):
        balance += moves[stamp]
        if balance < -0.005:
            raise InputError(f"{stamp.date()} 还款后余额为负（{balance:,.2f} 元）：还款不能超过借款余额", field="借还款记录")
        balance = max(balance, 0.0)
        if i < len(stamps_to) and balance > 0:
            days = (stamps_to[i] - stamp).days
            interest = int(_round_fen(np.array([balance * rate / basis * days]))[0]) / 100
            rows.append((stamp, stamps_to[i], days, balance, interest))
    if balance > 0.005 and end_date is None:
        raise InputError(f"最后仍有 {balance:,.2f} 元未还：请填写计息截止日（end_date）或补充还款记录", field="借还款记录")
    frame = pd.DataFrame(rows, columns=["start_date", "end_date", "days", "balance", "interest"])
    frame.attrs.update({"annual_rate": rate, "day_count": convention})
    return frame


def regular_payment(principal: float, annual_rate: float, months: int, method: str = "equal_installment") -> float:
    """The largest regular payment of a loan, the quantity that
    :func:`microloan_sim.sizing.capacity_limit` caps.

    equal_installment: the level payment; equal_principal: the first (largest) payment
    ``P/n + P·r``; interest_only, seasonal and bullet: the monthly interest ``P·r`` (for a bullet loan
    this is the interest accruing each month; principal falls due at maturity or, for seasonal, in the
    sale months). Method names and checks are those of :func:`schedule`.

    Examples
    --------
    Domain §5.2: P = 100,000, 7.2%, 12 months.

    >>> round(regular_payment(100_000, 0.072, 12), 2)
    8661.9
    >>> round(regular_payment(100_000, 0.072, 12, "等额本金"), 2)
    8933.33
    >>> round(regular_payment(100_000, 0.072, 12, "interest_only"), 2)
    600.0
    """
    principal = require_number(principal, "贷款本金", minimum=0)
    rate = check_rate(annual_rate) / 12
    n = check_months(months)
    kind = normalize_method(method)
    if kind == "equal_installment":
        return principal / n if rate == 0 else float(-npf.pmt(rate, n, principal))
    if kind == "equal_principal":
        return principal / n + principal * rate
    return principal * rate


__all__ = [
    "COLUMN_LABELS", "DAY_COUNTS", "METHODS", "METHOD_DESCRIPTIONS", "REVOLVING_LABELS", "check_months",
    "check_rate", "normalize_day_count", "normalize_method", "regular_payment", "revolving", "schedule",
    "to_display", "total_interest",
]
