r"""A case's cash flow played forward past its record period, and shocks as data.

The record period (normally 12 months) gives each calendar month's cash earnings available for debt
service: the IPC 月可支配资金 (after the business, the household and the existing debts) on the accrual
basis plus depreciation, which is not paid out in cash::

    projected(m) = disposable_income_accrual(calendar month of m) + depreciation(calendar month of m)

Working-capital timing (stocking up before the season, collecting receivables after it) is left out: a going
concern finances it by running its stock and receivables down again, and on the cash basis one month's
purchases would otherwise look like a month the borrower cannot pay. The seasonality of sales, costs and
the household stays. Beyond the record period the same calendar month repeats, with the gross profit grown
by ``growth`` a year (fixed costs and the household unchanged).

Shocks change the projected disposable cash (and, for the early-warning signals, the account inflows):

=================  ==================  ===========================================================
kind               中文                effect per affected month
=================  ==================  ===========================================================
``sales_drop``     销售下滑            − size × revenue × gross margin (variable costs fall with sales)
``price_shock``    价格下跌（如猪价）  − size × revenue (the same volume sells for less; costs stay)
``hidden_lender``  隐性第二债权人      − amount (payments to a lender the bank does not know)
``lost_customer``  流失大客户          − size × revenue × gross margin, permanent by default
``sick_month``     生病停业            − size × gross profit − amount (medical costs)
``one_off``        一次性支出          − amount in the start month
``new_income``     新增收入            + amount (e.g. the second shop the loan pays for)
=================  ==================  ===========================================================

``start`` is the month of the loan (1 = the first month after disbursement); ``months`` is how long the shock
lasts (``None`` = to the end of the horizon).

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> base = project(case, 24)
>>> len(base), bool((base["disposable"].iloc[:12].to_numpy() == base["disposable"].iloc[12:].to_numpy()).all())
(24, True)
>>> hit = project(case, 24, shocks=[Shock("hidden_lender", start=3, amount=2_000, months=6)])
>>> float((base["disposable"] - hit["disposable"]).sum())
12000.0
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..casebook import Case
from ..errors import InputError, require_number
from ..statements import cash_flow, income_statement

#: Shock kind -> Chinese name.
SHOCK_KINDS: dict[str, str] = {
    "sales_drop": "销售下滑",
    "price_shock": "价格下跌",
    "hidden_lender": "隐性第二债权人",
    "lost_customer": "流失大客户",
    "sick_month": "生病停业",
    "one_off": "一次性支出",
    "new_income": "新增收入",
}
_SHOCK_ALIASES = {**{k: k for k in SHOCK_KINDS}, **{v: k for k, v in SHOCK_KINDS.items()},
                  "猪价下跌": "price_shock", "第二债权人": "hidden_lender", "多头借贷": "hidden_lender",
                  "大客户流失": "lost_customer", "生病": "sick_month"}
_SIZED = ("sales_drop", "price_shock", "lost_customer", "sick_month")
_AMOUNT = ("hidden_lender", "one_off", "new_income")


@dataclass(frozen=True)
class Shock:
    """One shock: ``kind``, the loan month it starts (1 = first month), ``months`` it lasts (None = to the end),
    ``size`` (share of sales or price lost, 0–1) and/or ``amount`` (元 a month; one-off total for ``one_off``).

    Examples
    --------
    >>> Shock("猪价下跌", start=4, size=0.3).kind
    'price_shock'
    >>> Shock("sales_drop", start=0, size=0.2)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 冲击开始月份：应为 ≥ 1 的整数（当前为 0）
    """

    kind: str
    start: int = 1
    size: float = 0.0
    amount: float = 0.0
    months: int | None = None

    def __post_init__(self) -> None:
        key = _SHOCK_ALIASES.get(str(self.kind).strip())
        if key is None:
            raise InputError(f"不支持“{self.kind}”，可选：{'、'.join(SHOCK_KINDS.values())}", field="冲击类型")
        object.__setattr__(self, "kind", key)
        start = require_number(self.start, "冲击开始月份")
        if start < 1 or not float(start).is_integer():
            raise InputError(f"应为 ≥ 1 的整数（当前为 {self.start}）", field="冲击开始月份")
        object.__setattr__(self, "start", int(start))
        size = require_number(self.size, "冲击幅度", minimum=0, maximum=1)
        amount = require_number(self.amount, "冲击金额（元）", minimum=0)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "amount", amount)
        if self.months is not None:
            months = require_number(self.months, "冲击持续月数", strictly_positive=True)
            if not float(months).is_integer():
                raise InputError(f"应为整数（当前为 {self.months}）", field="冲击持续月数")
            object.__setattr__(self, "months", int(months))
        if key in _SIZED and key != "sick_month" and size == 0:
            raise InputError("应大于 0（例如 0.2 表示下降 20%）", field="冲击幅度")
        if key in _AMOUNT and amount == 0:
            raise InputError("应大于 0", field="冲击金额（元）")
        if key == "sick_month" and size == 0 and amount == 0:
            object.__setattr__(self, "size", 1.0)

    @property
    def label(self) -> str:
        """A short Chinese description, e.g. ``销售下滑 20%（第 4 个月起，持续 6 个月）``."""
        what = SHOCK_KINDS[self.kind]
        if self.kind in _SIZED and self.size:
            what += f" {self.size:.0%}"
        if self.amount:
            what += f" {self.amount:,.0f} 元" + ("" if self.kind == "one_off" else "/月")
        when = f"第 {self.start} 个月" + ("" if self.kind == "one_off" else
                                         ("起" if self.months is None else f"起，持续 {self.months} 个月"))
        return f"{what}（{when}）"

    def mask(self, horizon: int) -> np.ndarray:
        """Boolean array over loan months 1 … horizon: where the shock applies."""
        months = np.arange(1, horizon + 1)
        length = 1 if self.kind == "one_off" else self.months
        end = np.inf if length is None else self.start + length
        return (months >= self.start) & (months < end)


def as_shocks(shocks: Iterable[Shock | dict[str, Any]] | None) -> tuple[Shock, ...]:
    """Shocks from :class:`Shock` objects or mappings (``{"kind": "sales_drop", "start": 3, "size": 0.2}``)."""
    result = []
    for item in shocks or ():
        if isinstance(item, Shock):
            result.append(item)
        elif isinstance(item, dict):
            try:
                result.append(Shock(**item))
            except TypeError:
                raise InputError(f"字段不正确：{sorted(item)}（可用 kind、start、size、amount、months）",
                                 field="冲击") from None
        else:
            raise InputError("每个冲击应为 Shock 或键值表", field="冲击")
    return tuple(result)


def seasonal_profile(case: Case) -> pd.DataFrame:
    """Per calendar month (1–12) of the record period: cash earnings for debt service (``disposable``: accrual
    月可支配资金 + depreciation), account inflows (``inflow``: collections + other income), revenue and gross
    profit (for a salaried borrower: the wages).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> profile = seasonal_profile(ml.casebook.load_case("C03"))
    >>> list(profile.index) == list(range(1, 13))
    True
    """
    return _profile(case, cash_flow(case).monthly["collections"])


def _profile(case: Case, collections: pd.Series) -> pd.DataFrame:
    accrual = income_statement(case, "accrual").monthly
    r = case.records
    frame = pd.DataFrame({
        "calendar_month": [p.month for p in r.index],
        "disposable": (accrual["disposable_income"] + r["depreciation"]).to_numpy(dtype=float),
        "inflow": collections.to_numpy(dtype=float) + r["other_income"].to_numpy(dtype=float),
        "revenue": (r["revenue"] if case.segment != "consumer" else r["other_income"]).to_numpy(dtype=float),
        "gross_profit": (r["revenue"] - r["cost_of_goods_sold"]).to_numpy(dtype=float)
        if case.segment != "consumer" else r["other_income"].to_numpy(dtype=float),
    })
    profile = frame.groupby("calendar_month").mean()
    if len(profile) != 12:
        raise InputError("月度记录应覆盖 12 个日历月才能按季节外推", field="monthly_records")
    return profile


def project(case: Case, horizon: int, *, shocks: Sequence[Shock | dict[str, Any]] | None = None,
            growth: float = 0.0) -> pd.DataFrame:
    """The case's monthly cash for ``horizon`` months after the record period, with shocks applied.

    Returns a DataFrame indexed by loan month 1 … horizon with ``month`` (calendar Period), ``disposable``
    (cash available for the new loan, 元), ``inflow`` (account inflows for the early-warning signals),
    ``expected_inflow`` (the same without shocks), ``new_lender`` (a hidden lender is taking payments).
    """
    n = int(require_number(horizon, "模拟月数", strictly_positive=True))
    if n > 360:
        raise InputError(f"不能超过 360 个月（当前为 {n}）", field="模拟月数")
    rate = require_number(growth, "年增长率", minimum=-0.9, maximum=5)
    profile = seasonal_profile(case)
    first = case.records.index[-1] + 1
    months = pd.period_range(first, periods=n, freq="M")
    calendar = np.array([m.month for m in months])
    years = np.arange(n) // 12
    factor = (1 + rate) ** years
    revenue = profile["revenue"].reindex(calendar).to_numpy() * factor
    gross = profile["gross_profit"].reindex(calendar).to_numpy() * factor
    # growth adds gross profit; fixed costs and the household stay as they were
    base_gross = profile["gross_profit"].reindex(calendar).to_numpy()
    disposable = profile["disposable"].reindex(calendar).to_numpy() + (factor - 1) * base_gross
    inflow = profile["inflow"].reindex(calendar).to_numpy() * factor
    expected_inflow = inflow.copy()
    margin = np.divide(gross, revenue, out=np.ones_like(gross), where=revenue > 0)
    new_lender = np.zeros(n, dtype=bool)
    for shock in as_shocks(shocks):
        on = shock.mask(n)
        if shock.kind in ("sales_drop", "lost_customer"):
            disposable = disposable - on * shock.size * revenue * margin
            inflow = inflow - on * shock.size * revenue
        elif shock.kind == "price_shock":
            disposable = disposable - on * shock.size * revenue
            inflow = inflow - on * shock.size * revenue
        elif shock.kind == "sick_month":
            disposable = disposable - on * (shock.size * gross + shock.amount)
            inflow = inflow - on * shock.size * revenue
        elif shock.kind == "hidden_lender":
            disposable = disposable - on * shock.amount
            new_lender |= on
        elif shock.kind == "one_off":
            disposable = disposable - on * shock.amount
        elif shock.kind == "new_income":
            disposable = disposable + on * shock.amount
            inflow = inflow + on * shock.amount
    return pd.DataFrame({"month": months, "disposable": disposable, "inflow": np.maximum(inflow, 0.0),
                         "expected_inflow": expected_inflow, "new_lender": new_lender},
                        index=pd.RangeIndex(1, n + 1, name="loan_month"))
