r"""贷款额度测算 (loan sizing), domain §3: each method gives a limit; the smallest one decides.

Methods
-------
* **营运资金量** (working-capital need, the regulatory reference formula, §3.1, 360-day basis)::

      营运资金周转次数 = 360 / (存货天数 + 应收天数 − 应付天数 + 预付天数 − 预收天数)
      营运资金量 = 上年度销售收入 × (1 − 销售利润率) × (1 + 预计增长率) / 营运资金周转次数
      新增流动资金贷款额度 = 营运资金量 − 自有资金 − 现有流动资金贷款 − 其他渠道资金

* **还款能力上限** (IPC capacity, §3.2): the regular payment may not exceed ``k × 月可支配资金``; the
  largest principal that satisfies this is found by inverting the repayment method.
* **抵押担保上限**: appraised value × LTV (抵押率) by collateral type.
* **农户授信额度** (§3.3): ``min(2 × 年可支配收入, 50% × 净资产) × 等级系数``, capped by grade.
* **流量贷** (§6.6): annual settlement inflow × coefficient, capped.

:func:`recommend` applies the methods that fit a case and takes the minimum with the requested amount,
naming the binding constraint (起决定作用的约束条件) in Chinese. Every illustrative number (k, LTVs,
coefficients, caps) lives in ``data/sizing.yaml`` and is shown as 示例参数.

The functions that return a money amount return an :class:`Amount`: a ``float`` that also carries a
Chinese ``explanation`` (and ``details``), so ``working_capital_need(...) == 241.5`` works as expected
while a dashboard can show *why*.

The rating, the rung below, reads some of this too, so those pieces live there and are re-exported here
unchanged: :class:`Amount` and :func:`farmer_line` (:mod:`microloan_sim.rating.credit_line`),
:func:`load_parameters` and :class:`SizingParameters` (:mod:`microloan_sim.rating.sizing_parameters`), and
:func:`regular_payment` (:mod:`microloan_sim.schedules`, pure repayment math).

Examples
--------
The worked examples of domain §3.1 (万元):

>>> need = working_capital_need(1200, 0.10, 0.15, days_inventory=60, days_receivable=45, days_payable=30,
...                             days_prepaid=10, days_advance=15)
>>> round(need, 4)
241.5
>>> round(new_working_capital_loan(need, own_funds=80, existing_wc_loans=100, other_funding=20), 4)
41.5
>>> new_working_capital_loan(800, 300, 200, 80)
220.0
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy_financial as npf
import pandas as pd

from .errors import InputError, require_number
from .rating.credit_line import Amount, farmer_line
from .rating.sizing_parameters import PARAMETERS_FILE, SizingParameters, load_parameters
from .schedules import METHODS, check_months, check_rate, normalize_method, regular_payment

if TYPE_CHECKING:  # pragma: no cover
    from .casebook import Case
    from .rating import Rating

#: Chinese names of the limits compared by :func:`recommend`.
LIMITS: dict[str, str] = {
    "request": "申请金额",
    "capacity": "还款能力上限",
    "rating_line": "评级初步授信额度",
    "farmer_line": "农户授信额度（按信用等级）",
    "collateral": "抵押担保上限",
    "product_cap": "产品单户上限",
    "working_capital": "流动资金贷款需求（监管参考公式）",
    "flow_line": "流量贷额度（结算流水 × 系数）",
}
ROLE_BINDING, ROLE_REFERENCE, ROLE_NOT_APPLICABLE = "约束", "参考", "不适用"
#: Methods whose regular payment is interest only; the principal is repaid from a later lump sum.
_PRINCIPAL_LATER = ("interest_only", "seasonal", "bullet")

# --------------------------------------------------------------------------- input checks

def _share(value: Any, field_name: str = "还款占比 k") -> float:
    share = require_number(value, field_name, strictly_positive=True)
    if share > 1:
        raise InputError(f"应为 0 到 1 之间的小数（0.7 表示 70%），当前为 {value}", field=field_name)
    return share


# --------------------------------------------------------------------------- working capital (§3.1)

def working_capital_need(sales: float, profit_margin: float, growth: float, days_inventory: float,
                         days_receivable: float, days_payable: float, days_prepaid: float = 0,
                         days_advance: float = 0) -> Amount:
    r"""营运资金量, the regulatory reference formula (domain §3.1), on a 360-day year.

    .. math::

        \text{营运资金量} = S (1 - m)(1 + g) \frac{D}{360},\qquad
        D = d_\text{存货} + d_\text{应收} - d_\text{应付} + d_\text{预付} - d_\text{预收}

    which equals ``S(1−m)(1+g) / 周转次数`` with ``周转次数 = 360 / D``. When ``D ≤ 0`` (suppliers and
    customers finance the whole cycle) the need is zero or negative, and the explanation says so.

    Parameters
    ----------
    sales : float
        上年度销售收入 (any money unit; the result is in the same unit).
    profit_margin : float
        上年度销售利润率, a fraction below 1 (0.10 = 10%).
    growth : float
        预计销售收入年增长率, a fraction (0.15 = 15%).
    days_inventory, days_receivable, days_payable, days_prepaid, days_advance : float
        Turnover days (≥ 0); see :func:`turnover_days` to get them from balances.

    Returns
    -------
    Amount
        The need, with ``details`` ``cycle_days`` and ``turnover`` and a Chinese ``explanation``.

    Examples
    --------
    Domain §3.1 example 3 (元): days 40 + 20 − 15 = 45 → 8 turns.

    >>> need = working_capital_need(960_000, 0.12, 0.10, 40, 20, 15)
    >>> round(need, 2), need.details["turnover"]
    (116160.0, 8.0)
    >>> working_capital_need(960_000, 0.12, 0.10, 10, 5, 30).explanation[:10]
    '应付和预收账款占用的'
    """
    sales = require_number(sales, "上年度销售收入", minimum=0)
    margin = require_number(profit_margin, "上年度销售利润率", minimum=-1)
    if margin >= 1:
        raise InputError(f"应为小于 1 的小数（0.10 表示 10%），当前为 {profit_margin}", field="上年度销售利润率")
    growth_rate = require_number(growth, "预计销售收入年增长率", minimum=-1)
    if growth_rate > 5:
        raise InputError(f"应为小数（0.15 表示 15%），当前为 {growth}", field="预计销售收入年增长率")
    days = {name: require_number(value, f"{label}周转天数", minimum=0) for name, label, value in (
        ("inventory", "存货", days_inventory), ("receivable", "应收账款", days_receivable),
        ("payable", "应付账款", days_payable), ("prepaid", "预付账款", days_prepaid),
        ("advance", "预收账款", days_advance))}
    year = load_parameters().working_capital.days_in_year
    tied = days["inventory"] + days["receivable"] + days["prepaid"]
    free = days["payable"] + days["advance"]
    cycle = tied - free
    base = sales * (1 - margin) * (1 + growth_rate)
    need = base * cycle / year
    turnover = year / cycle if cycle > 0 else math.inf
    details = {"cycle_days": cycle, "turnover": turnover, "cost_base": base}
    if sales == 0:
        text = "销售收入为 0：没有经营规模，按公式测算的营运资金量为 0。"
    elif cycle <= 0:
        text = (f"应付和预收账款占用的 {_num(free)} 天不少于存货、应收和预付占用的 {_num(tied)} 天："
                "上下游的资金已足够周转，营运资金量为 0 或负数，按公式不需要流动资金贷款。")
    else:
        text = (f"营运资金周转天数 = {_num(days['inventory'])} + {_num(days['receivable'])} − {_num(days['payable'])}"
                f" + {_num(days['prepaid'])} − {_num(days['advance'])} = {_num(cycle)} 天，"
                f"周转次数 = {year} ÷ {_num(cycle)} = {turnover:.2f} 次；营运资金量 = {sales:,.2f} × (1 − {margin:.2%})"
                f" × (1 + {growth_rate:.2%}) ÷ {turnover:.2f} = {need:,.2f}。")
    return Amount(need, text, details)


@dataclass(frozen=True)
class TurnoverDays:
    """Turnover days of the five working-capital items (360-day year), see :func:`turnover_days`."""

    days_inventory: float
    days_receivable: float
    days_payable: float
    days_prepaid: float
    days_advance: float

    @property
    def cycle_days(self) -> float:
        """存货 + 应收 − 应付 + 预付 − 预收 (days)."""
        return (self.days_inventory + self.days_receivable - self.days_payable + self.days_prepaid
                - self.days_advance)

    def as_dict(self) -> dict[str, float]:
        """Keyword arguments for :func:`working_capital_need`."""
        return {"days_inventory": self.days_inventory, "days_receivable": self.days_receivable,
                "days_payable": self.days_payable, "days_prepaid": self.days_prepaid,
                "days_advance": self.days_advance}

    def to_frame(self) -> pd.DataFrame:
        names = {"days_inventory": "存货周转天数", "days_receivable": "应收账款周转天数",
                 "days_payable": "应付账款周转天数", "days_prepaid": "预付账款周转天数",
                 "days_advance": "预收账款周转天数"}
        frame = pd.DataFrame({"天数": [getattr(self, k) for k in names]}, index=list(names.values()))
        frame.loc["营运资金周转天数（合计）"] = self.cycle_days
        return frame


def _average(value: float | Sequence[float], field_name: str) -> float:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return require_number(value, field_name, minimum=0)
    numbers = [require_number(v, field_name, minimum=0) for v in value]
    if not numbers:
        raise InputError("余额列表为空", field=field_name)
    return float(np.mean(numbers))


def turnover_days(sales: float, cost_of_sales: float, *, receivables: float | Sequence[float] = 0,
                  inventory: float | Sequence[float] = 0, payables: float | Sequence[float] = 0,
                  prepaid: float | Sequence[float] = 0, advances: float | Sequence[float] = 0) -> TurnoverDays:
    """Turnover days from average balances (domain §3.1): ``天数 = 360 / (周转额 / 平均余额)``.

    Receivables and advances are turned over by **sales**; inventory, prepayments and payables by
    **cost of sales**. A balance may be one number (the average) or a sequence of balances to average.

    Examples
    --------
    Domain §3.1 example 2 (万元): average inventory 166.67 at cost of sales 1,000 → 6 turns → 60 days;
    average receivables 150 at sales 1,200 → 8 turns → 45 days.

    >>> t = turnover_days(1200, 1000, receivables=150, inventory=[150, 183.34])
    >>> round(t.days_inventory, 2), round(t.days_receivable, 2)
    (60.0, 45.0)
    """
    sales = require_number(sales, "销售收入", minimum=0)
    cost = require_number(cost_of_sales, "销售成本", minimum=0)
    year = load_parameters().working_capital.days_in_year

    def days(balance: float | Sequence[float], turnover_base: float, label: str, base_label: str) -> float:
        average = _average(balance, f"平均{label}余额")
        if average == 0:
            return 0.0
        if turnover_base == 0:
            raise InputError(f"{base_label}为 0，无法计算{label}周转天数", field=f"平均{label}余额")
        return year * average / turnover_base

    return TurnoverDays(
        days_inventory=days(inventory, cost, "存货", "销售成本"),
        days_receivable=days(receivables, sales, "应收账款", "销售收入"),
        days_payable=days(payables, cost, "应付账款", "销售成本"),
        days_prepaid=days(prepaid, cost, "预付账款", "销售成本"),
        days_advance=days(advances, sales, "预收账款", "销售收入"),
    )


def new_working_capital_loan(wc_need: float, own_funds: float, existing_wc_loans: float,
                             other_funding: float) -> Amount:
    """新增流动资金贷款额度 = 营运资金量 − 自有资金 − 现有流动资金贷款 − 其他渠道营运资金 (domain §3.1).

    The result is not floored at zero: a negative value says by how much the existing funding exceeds the
    need. A negative or tiny result (below ``working_capital.tiny_share`` of the need, 示例参数) comes with a
    Chinese explanation of why the formula says so little for micro borrowers.

    Examples
    --------
    Domain §3.1 example 3: 116,160 − 60,000 − 50,000 = 6,160, only 5.3% of the need.

    >>> gap = new_working_capital_loan(116_160, 60_000, 50_000, 0)
    >>> round(gap, 2), "很小" in gap.explanation
    (6160.0, True)
    >>> new_working_capital_loan(100_000, 90_000, 30_000, 0).explanation[:4]
    '测算结果'
    """
    need = require_number(wc_need, "营运资金量")
    own = require_number(own_funds, "借款人自有资金")
    existing = require_number(existing_wc_loans, "现有流动资金贷款", minimum=0)
    other = require_number(other_funding, "其他渠道提供的营运资金", minimum=0)
    gap = need - own - existing - other
    funded = own + existing + other
    why = ("公式按全年平均周转测算，看不到季节性备货、订单突增等真实的资金缺口，也不反映还款能力；"
           "所以微贷实务以还款能力（月可支配资金）测算额度为主，本公式作参考。")
    small = gap <= 0 or (need > 0 and gap < load_parameters().working_capital.tiny_share * need)
    if gap <= 0:
        text = (f"测算结果为 {gap:,.2f}（≤ 0）：自有资金、现有流动资金贷款和其他渠道资金合计 {funded:,.2f}，"
                f"已覆盖营运资金量 {need:,.2f}，按公式不需要新增流动资金贷款。小微客户常出现这种结果：" + why)
    elif small:
        text = (f"新增额度 {gap:,.2f} 只占营运资金量 {need:,.2f} 的 {gap / need:.1%}，测算结果很小。" + why)
    else:
        text = f"新增流动资金贷款额度 = {need:,.2f} − {own:,.2f} − {existing:,.2f} − {other:,.2f} = {gap:,.2f}。"
    return Amount(gap, text, {"funded": funded, "small": small})


# --------------------------------------------------------------------------- capacity (§3.2)

def _unit_payments(kind: str, rate: float, n: int) -> np.ndarray:
    """Payments in periods 1…n per 元 of principal for a loan whose principal falls due at maturity."""
    pay = np.full(n, rate) if kind in ("interest_only", "seasonal") else np.zeros(n)
    pay[-1] += 1.0 + (rate * n if kind == "bullet" else 0.0)
    return pay


def capacity_limit(monthly_disposable: float, annual_rate: float, months: int, share: float = 0.7,
                   method: str = "equal_installment", cash_path: Sequence[float] | np.ndarray | None = None) -> Amount:
    r"""还款能力上限: the largest principal whose regular payment is at most ``share × 月可支配资金``.

    With ``C = share × monthly_disposable`` and ``r = annual_rate / 12``:

    * 等额本息: :math:`P = C\,[1 - (1+r)^{-n}] / r` (``numpy_financial.pv``); ``C·n`` when ``r = 0``;
    * 等额本金: the first payment is the largest, :math:`P/n + P r \le C`, so :math:`P = C / (1/n + r)`;
    * 先息后本 / 按季节还本 / 利随本清: the principal falls due at maturity, so the loan is sized by a cash
      projection (domain §1.4, §3.2): the cash available for debt service must cover every payment made so
      far, principal included, in every month. With ``cash_path`` (the projected cash without the new loan,
      e.g. :func:`microloan_sim.statements.projected_cash`) and :math:`u_k` the payments up to month ``k`` per
      元 of principal, :math:`P = \min_k \text{share} \cdot \text{cash}_k / u_k`. Without it the
      disposable income is taken as a steady monthly flow, :math:`\text{cash}_k = k \cdot D`, which gives
      :math:`P = C n / (1 + r n)` for 先息后本 and 利随本清 (never ``C / r``: the principal must be repaid too).

    :func:`microloan_sim.schedules.schedule` of the resulting principal pays at most ``C`` each regular
    period (up to the 0.01 元 rounding of published instalments).

    A zero or negative disposable income gives a limit of 0.

    Examples
    --------
    >>> round(capacity_limit(10_000, 0.072, 12, share=0.7), 2)   # 7,000 × 100,000 / 8,661.90 (§5.2)
    80813.7
    >>> round(capacity_limit(10_000, 0.072, 12, 0.7, "等额本金"), 2)    # 7,000 / (1/12 + 0.006)
    78358.21
    >>> round(capacity_limit(10_000, 0.072, 12, 0.7, "先息后本"), 2)    # 7,000 × 12 / (1 + 0.006 × 12)
    78358.21
    >>> round(capacity_limit(10_000, 0.072, 12, 0.7, "先息后本", cash_path=[50_000] * 12), 2)  # 35,000 / 1.072
    32649.25
    >>> capacity_limit(-500, 0.072, 12)
    0.0
    """
    income = require_number(monthly_disposable, "月可支配资金")
    rate = check_rate(annual_rate) / 12
    n = check_months(months)
    k = _share(share)
    kind = normalize_method(method)
    payment = max(income, 0.0) * k
    if kind == "equal_installment":
        limit = payment * n if rate == 0 else float(npf.pv(rate, n, -payment))
    elif kind == "equal_principal":
        limit = payment / (1 / n + rate)
    else:
        if cash_path is None:
            available = max(income, 0.0) * np.arange(1, n + 1)
        else:
            path = np.array([require_number(v, f"预计现金第 {k + 1} 月") for k, v in enumerate(cash_path)], dtype=float)
            if len(path) < n:
                raise InputError(f"预计现金只有 {len(path)} 个月，少于贷款期限 {n} 个月", field="预计现金")
            available = np.maximum(path[:n], 0.0)
        due = np.cumsum(_unit_payments(kind, rate, n))
        owed = due > 1e-12  # months where something is due (a subnormal rate owes nothing)
        limit = float(np.min(k * available[owed] / due[owed]))
    if income <= 0:
        text = f"月可支配资金为 {income:,.0f} 元（≤ 0），没有还款能力，上限为 0。"
        limit = 0.0
    else:
        if kind in _PRINCIPAL_LATER:
            source = "按预计现金流" if cash_path is not None else f"按每月可支配资金 {income:,.0f} 元稳定流入"
            text = (f"{METHODS[kind]}本金到期一次归还：{source}测算，累计可用于还款的现金（{k:.0%}）在每个月都要"
                    f"覆盖到期的利息和本金；{n} 个月、年利率 {rate * 12:.2%}，本金上限 {limit:,.0f} 元。")
        else:
            text = (f"每期还款不超过 {k:.0%} × 月可支配资金 {income:,.0f} 元 = {payment:,.0f} 元；"
                    f"按{METHODS[kind]}、{n} 个月、年利率 {rate * 12:.2%} 反推，本金上限 {limit:,.0f} 元。")
    return Amount(limit, text, {"max_payment": payment, "method": kind, "monthly_rate": rate})


# --------------------------------------------------------------------------- collateral and flow lines

def _collateral_items(collateral: Any) -> list[tuple[str, str, float]]:
    items = getattr(collateral, "collateral", collateral)
    if isinstance(items, Mapping):
        items = [items]
    rows = []
    for i, item in enumerate(items):
        get = item.get if isinstance(item, Mapping) else (lambda key, default=None, _o=item: getattr(_o, key, default))
        kind = get("type")
        if kind is None or not str(kind).strip():
            raise InputError("缺少抵押物类型", field=f"collateral[{i}].type")
        value = require_number(get("value"), f"collateral[{i}].value（评估价值）", minimum=0)
        rows.append((str(kind).strip(), str(get("description", "") or ""), value))
    return rows


def collateral_limit(collateral: Any, ltv_table: Mapping[str, float] | None = None) -> Amount:
    """抵押担保上限 = Σ 评估价值 × 抵押率, with the LTV (抵押率) by collateral type (示例参数).

    ``collateral`` is a case, a list of its ``Collateral`` items, or dicts with ``type`` and ``value``.
    ``details["table"]`` lists each item. A guarantor (保证人) has LTV 0: a guarantee is not collateral.

    Examples
    --------
    Domain §6.5: 100 head of cattle × 15,000 = 1,500,000 at 50% → 750,000.

    >>> collateral_limit([{"type": "活体", "value": 1_500_000}])
    750000.0
    >>> collateral_limit([{"type": "古董", "value": 1}])
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: collateral[0].type：抵押率表中没有“古董”（现有：房产、存单、应收账款、存货、活体、农业设施、机器设备、车辆、保证人）
    """
    table = dict(load_parameters().ltv if ltv_table is None else ltv_table)
    rows = []
    for i, (kind, description, value) in enumerate(_collateral_items(collateral)):
        if kind not in table:
            raise InputError(f"抵押率表中没有“{kind}”（现有：{'、'.join(table)}）", field=f"collateral[{i}].type")
        ltv = require_number(table[kind], f"抵押率（{kind}）", minimum=0, maximum=1)
        rows.append({"类型": kind, "说明": description, "评估价值（元）": value, "抵押率": ltv,
                     "可贷额度（元）": value * ltv})
    frame = pd.DataFrame(rows, columns=["类型", "说明", "评估价值（元）", "抵押率", "可贷额度（元）"])
    total = float(frame["可贷额度（元）"].sum()) if rows else 0.0
    parts = "；".join(f"{r['类型']} {r['评估价值（元）']:,.0f} × {r['抵押率']:.0%} = {r['可贷额度（元）']:,.0f}" for r in rows)
    text = f"{parts}；合计 {total:,.0f} 元。" if rows else "没有抵押物或保证。"
    return Amount(total, text, {"table": frame})


def flow_line(annual_inflow: float, coefficient: float | None = None, cap: float | None = None) -> Amount:
    """流量贷额度 (domain §6.6, 示例规则) = 年结算流水 × 系数, capped by the product maximum.

    Examples
    --------
    300,000 a month × 12 × 15% = 540,000:

    >>> flow_line(300_000 * 12)
    540000.0
    >>> flow_line(50_000_000)   # capped at 5,000,000
    5000000.0
    """
    settings = load_parameters().flow_line
    inflow = require_number(annual_inflow, "年结算流水", minimum=0)
    share = require_number(settings.coefficient if coefficient is None else coefficient, "流水系数",
                           strictly_positive=True, maximum=1)
    limit = require_number(settings.cap if cap is None else cap, "流量贷上限", strictly_positive=True)
    raw = inflow * share
    text = f"年结算流水 {inflow:,.0f} × {share:.0%} = {raw:,.0f}" + (f"，超过上限 {limit:,.0f}，取上限。" if raw > limit else "。")
    return Amount(min(raw, limit), text, {"raw": raw, "cap": limit})


# --------------------------------------------------------------------------- a case's working capital

@dataclass(frozen=True)
class CaseWorkingCapital:
    """The regulatory working-capital formula applied to a case's last twelve months."""

    sales: float
    cost_of_sales: float
    profit_margin: float
    growth: float
    days: TurnoverDays
    need: Amount
    own_funds: float
    existing_wc_loans: float
    other_funding: float
    new_loan: Amount

    def to_frame(self) -> pd.DataFrame:
        rows = [("上年度销售收入（元）", self.sales), ("销售成本（元）", self.cost_of_sales),
                ("销售利润率", self.profit_margin), ("预计销售收入年增长率（示例参数）", self.growth),
                *[(name, value) for name, value in self.days.to_frame()["天数"].items()],
                ("营运资金量（元）", float(self.need)),
                ("借款人自有资金（流动资产 − 流动负债，元）", self.own_funds),
                ("现有流动资金贷款（元）", self.existing_wc_loans),
                ("其他渠道营运资金（民间借款，元）", self.other_funding),
                ("新增流动资金贷款额度（元）", float(self.new_loan))]
        return pd.DataFrame({"数值": [v for _, v in rows]}, index=[k for k, _ in rows])


def case_working_capital(case: Case, growth: float | None = None) -> CaseWorkingCapital:
    """Apply §3.1 to a case: sales, margin and turnover from the last twelve months of records.

    The profit margin (销售利润率) is the profit before principal repayments over sales: the IPC net profit
    deducts whole instalments, but repaying principal is not a cost. Average balances are
    the mean of the month-end balances. 借款人自有资金 is read as 流动资产 − 流动负债
    of the business (domain §3.1 interpretation note), existing loans are the short-term loans, and other
    funding is the informal borrowing.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> wc = case_working_capital(ml.casebook.load_case("C01"))
    >>> wc.sales
    1339800.0
    """
    from .statements import CURRENT_ASSETS, CURRENT_LIABILITIES, balance_sheet, income_statement

    g = load_parameters().defaults.growth if growth is None else growth
    last = case.records.iloc[-12:]
    pnl = income_statement(case, "accrual").monthly.iloc[-12:]
    sales = float(last["revenue"].sum())
    cost = float(last["cost_of_goods_sold"].sum())
    margin = float(pnl["profit_before_principal"].sum()) / sales if sales else 0.0
    days = turnover_days(sales, cost, receivables=float(last["accounts_receivable"].mean()),
                         inventory=float(last["inventory"].mean()), payables=float(last["accounts_payable"].mean()),
                         prepaid=float(last["prepayments"].mean()), advances=float(last["advances_received"].mean()))
    need = working_capital_need(sales, margin, g, **days.as_dict())
    bs = balance_sheet(case)
    own = sum(bs.items.get(k, 0.0) for k in CURRENT_ASSETS) - sum(bs.items.get(k, 0.0) for k in CURRENT_LIABILITIES)
    existing = bs.items.get("short_term_loans", 0.0)
    other = bs.items.get("informal_borrowing", 0.0)
    new = new_working_capital_loan(need, own, existing, other)
    return CaseWorkingCapital(sales, cost, margin, float(g), days, need, own, existing, other, new)


# --------------------------------------------------------------------------- recommendation

@dataclass(frozen=True)
class Recommendation:
    """Result of :func:`recommend`: the recommended amount, the binding constraint and every limit.

    ``limits`` has one row per method (index: identifier) with columns 方法, 额度（元）, 作用, 说明; 作用 is
    约束 (takes part in the minimum), 参考 (shown only) or 不适用.
    """

    case_id: str
    amount: float
    minimum: float
    binding_constraint: str
    binding_label: str
    limits: pd.DataFrame
    rating: Rating
    method: str
    annual_rate: float
    months: int
    share: float
    explanation: str
    notes: tuple[str, ...] = field(default=())
    illustrative: bool = True

    def limit(self, key: str) -> float:
        """One limit in 元 by identifier, e.g. ``rec.limit("capacity")`` (NaN where not applicable)."""
        if key not in self.limits.index:
            raise InputError(f"没有“{key}”这一项（可选：{'、'.join(map(str, self.limits.index))}）", field="额度方法")
        return float(self.limits["额度（元）"].astype(float).to_dict()[key])

    def binding_limits(self) -> pd.Series:
        """The limits that take part in the minimum (作用 = 约束), in 元."""
        rows = self.limits[self.limits["作用"] == ROLE_BINDING]
        return rows["额度（元）"].astype(float)


def recommend(case: Case, *, amount: float | None = None, annual_rate: float | None = None,
              months: int | None = None, share: float | None = None, method: str | None = None,
              scorecard: str | None = None, growth: float | None = None,
              working_capital_binding: bool | None = None, secured: bool | None = None,
              overrides: Mapping[str, Any] | None = None) -> Recommendation:
    """Recommended loan amount = the minimum of the applicable limits and the requested amount.

    Limits that take part (作用 = 约束): the request (``case.request.amount`` unless ``amount``), the
    repayment capacity (:func:`capacity_limit` on the average 月可支配资金), the initial credit line of the
    case's scorecard (for farmers the farmer card, whose line is :func:`farmer_line` of its grade), the
    collateral limit when the loan is secured (default: when any collateral has LTV > 0), and the product
    cap. Shown for reference (参考): the regulatory working-capital formula (binding only when
    ``working_capital_binding`` or ``working_capital.binding`` in the parameters says so) and the flow-loan
    line. The result is rounded down to ``recommend.round_down_to`` (示例参数) and is never negative.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> rec = recommend(ml.casebook.load_case("C01"))
    >>> rec.binding_label
    '还款能力上限'
    >>> bool(rec.amount <= rec.binding_limits().min())
    True
    """
    from .labels import SEGMENTS
    from .rating import default_scorecard, rate
    from .statements import average_disposable_income, cash_flow, projected_cash

    p = load_parameters()
    request = require_number(case.request.amount if amount is None else amount, "申请金额", minimum=0)
    rate_value = check_rate(p.defaults.annual_rate if annual_rate is None else annual_rate)
    n = check_months(case.request.months if months is None else months)
    k = _share(p.capacity.share if share is None else share)
    kind = normalize_method(p.defaults.method_by_segment.get(case.segment, "equal_installment")
                            if method is None else method)
    card = default_scorecard(case) if scorecard is None else scorecard
    rating = rate(case, card, overrides=overrides)
    rows: list[tuple[str, str, float, str, str]] = []

    rows.append(("request", LIMITS["request"], request, ROLE_BINDING, "借款人申请的金额（贷款用途决定的需要）。"))

    monthly = average_disposable_income(case)
    path = projected_cash(case, n)[1] if kind in _PRINCIPAL_LATER else None
    capacity = capacity_limit(monthly, rate_value, n, k, kind, cash_path=path)
    rows.append(("capacity", LIMITS["capacity"], float(capacity), ROLE_BINDING, capacity.explanation))

    line_key = "farmer_line" if case.segment == "farm" else "rating_line"
    rows.append((line_key, LIMITS[line_key], rating.credit_line, ROLE_BINDING,
                 f"{rating.scorecard_name}得 {rating.score:g} 分，{rating.grade} 级；{rating.credit_line_explanation}"))

    pledged = collateral_limit(case)
    has_collateral = any(p.ltv.get(item.type, 0.0) > 0 for item in case.collateral)
    is_secured = has_collateral if secured is None else bool(secured)
    if is_secured:
        rows.append(("collateral", LIMITS["collateral"], float(pledged), ROLE_BINDING, pledged.explanation))
    else:
        why = ("信用/保证贷款：" + (pledged.explanation if case.collateral else "没有抵押物。")
               + "不按抵押率控制额度。")
        rows.append(("collateral", LIMITS["collateral"], float(pledged), ROLE_NOT_APPLICABLE, why))

    rows.append(("product_cap", LIMITS["product_cap"], p.recommend.product_cap, ROLE_BINDING,
                 "微贷产品单户上限（示例参数）。"))

    notes: list[str] = []
    if case.segment == "business":
        wc = case_working_capital(case, growth)
        binding_wc = p.working_capital.binding if working_capital_binding is None else bool(working_capital_binding)
        rows.append(("working_capital", LIMITS["working_capital"], max(float(wc.new_loan), 0.0),
                     ROLE_BINDING if binding_wc else ROLE_REFERENCE, wc.new_loan.explanation))
        if wc.new_loan.details["small"]:
            notes.append(wc.new_loan.explanation)
        inflow = float(cash_flow(case).monthly["collections"].iloc[-12:].sum())
        flow = flow_line(inflow)
        rows.append(("flow_line", LIMITS["flow_line"], float(flow), ROLE_REFERENCE,
                     "若按流量贷产品办理（以销售收现近似结算流水）：" + flow.explanation))
    else:
        rows.append(("working_capital", LIMITS["working_capital"], math.nan, ROLE_NOT_APPLICABLE,
                     f"{SEGMENTS.get(case.segment, case.segment)}不适用企业流动资金贷款公式。"))
    if kind in _PRINCIPAL_LATER:
        notes.append(f"{METHODS[kind]}：本金到期或在销售月份归还，须核实还本的资金来源（如出栏、收获或旺季回款）。")

    limits = pd.DataFrame(rows, columns=["key", "方法", "额度（元）", "作用", "说明"]).set_index("key")
    limits.index.name = None
    binding_rows = limits[limits["作用"] == ROLE_BINDING]
    values = binding_rows["额度（元）"].astype(float)
    minimum = float(values.min())
    binding = str(values.idxmin())  # first row wins a tie: the request comes first
    step = p.recommend.round_down_to
    recommended = max(math.floor(max(minimum, 0.0) / step) * step, 0.0) if math.isfinite(minimum) else 0.0
    label = str(limits.loc[binding, "方法"])
    if recommended <= 0:
        text = f"不建议发放：{label}为 {minimum:,.0f} 元。"
    elif binding == "request":
        text = f"建议额度 {recommended:,.0f} 元：按申请金额发放，其余各项上限都高于申请金额。"
    else:
        text = (f"建议额度 {recommended:,.0f} 元，由「{label}」决定（申请 {request:,.0f} 元，"
                f"{label} {minimum:,.0f} 元）。")
    return Recommendation(case_id=case.id, amount=float(recommended), minimum=minimum, binding_constraint=binding,
                          binding_label=label, limits=limits, rating=rating, method=kind, annual_rate=rate_value,
                          months=n, share=k, explanation=text, notes=tuple(notes))


def _num(value: float) -> str:
    """Days or small numbers without a trailing .0."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


__all__ = [
    "Amount", "CaseWorkingCapital", "LIMITS", "METHODS", "Recommendation", "SizingParameters", "TurnoverDays",
    "capacity_limit", "case_working_capital", "collateral_limit", "farmer_line", "flow_line", "load_parameters",
    "new_working_capital_loan", "recommend", "regular_payment", "turnover_days",
    "working_capital_need",
]
