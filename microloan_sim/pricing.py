r"""Borrower cash flows and the true annualised cost of a loan (domain §5.3, PBoC Announcement [2021] No. 3).

The borrower's cash flows run from the borrower's side: ``[+net amount received, −payment₁, −payment₂, …]``.
Fees are fractions of the original principal :math:`P`:

* 一次性手续费 ``upfront_fee``: deducted from the amount received;
* 月手续费 ``monthly_fee``: charged every month on the original principal (flat);
* 担保费 ``guarantee_fee`` and 保证保险费 ``insurance_premium``: annual rates on the principal, paid upfront,
  once a year, or (premium only) monthly;
* 保证金 ``deposit``: withheld at disbursement, returned without interest at maturity;
* 贴息 ``interest_subsidy``: annual rate points rebated to the borrower (monthly or once a year).

Annualised rate, two methods allowed by the PBoC (all costs ÷ principal actually occupied):

.. math::

    \text{IRR method (复利)}:\quad \sum_{k=0}^{n} \frac{CF_k}{(1+i)^k} = 0,\qquad
    \text{annual} = i \times m,\qquad \text{EAR} = (1+i)^m - 1

    \text{Simple (单利)}:\quad \text{annual} = \frac{\text{total cost}}{\overline{\text{principal occupied}}
    \times \text{years}}

Examples
--------
A 2 % upfront fee on a 100,000 元, 12-month 等额本息 loan at 7.2 %:

>>> from microloan_sim.schedules import schedule
>>> flows = borrower_cashflows(schedule(100_000, 0.072, 12), upfront_fee=0.02)
>>> float(flows["net"].iloc[0])
98000.0
>>> result = annualized_rate(flows)
>>> round(result.irr_rate, 4), round(result.ear, 4), round(result.total_cost, 2)
(0.1101, 0.1158, 5942.75)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy_financial as npf
import pandas as pd

from .errors import InputError, require_number

#: Chinese labels of the cash-flow columns.
CASHFLOW_LABELS: dict[str, str] = {
    "period": "期数", "loan": "贷款发放", "principal": "归还本金", "interest": "利息", "upfront_fee": "一次性手续费",
    "monthly_fee": "月手续费", "guarantee_fee": "担保费", "insurance_premium": "保证保险费", "deposit": "保证金",
    "interest_subsidy": "贴息", "net": "借款人净现金流", "occupied": "实际占用本金",
}
FEE_COLUMNS = ("upfront_fee", "monthly_fee", "guarantee_fee", "insurance_premium")
TIMINGS = {"upfront": "放款时一次收取", "annual": "每年收取一次", "monthly": "按月收取"}
SUBSIDY_TIMINGS = {"monthly": "按月返还", "annual": "每满一年（及到期时）返还"}
METHOD_LABELS = {"irr": "IRR 复利法", "simple": "单利"}
_METHOD_ALIASES = {"irr": "irr", "复利": "irr", "irr法": "irr", "内部收益率": "irr", "simple": "simple", "单利": "simple"}
ANNOUNCEMENT = "中国人民银行公告〔2021〕第3号"


# --------------------------------------------------------------------------- cash flows

def _fraction(value: Any, field: str) -> float:
    return require_number(value, field, minimum=0, maximum=1)


def _timing(value: str, allowed: dict[str, str], field: str) -> str:
    if value not in allowed:
        raise InputError(f"不支持“{value}”，可选：" + "、".join(f"{k}（{v}）" for k, v in allowed.items()), field=field)
    return value


def _periodic_charge(rate: float, principal: float, months: int, timing: str) -> np.ndarray:
    """Charges (positive 元) at periods 0…n for an annual ``rate`` on the principal."""
    charges = np.zeros(months + 1)
    if timing == "upfront":
        charges[0] = principal * rate * months / 12
    elif timing == "annual":
        for start in range(0, months, 12):
            charges[start] = principal * rate * min(12, months - start) / 12
    else:
        charges[1:] = principal * rate / 12
    return charges


def borrower_cashflows(plan: pd.DataFrame, *, upfront_fee: float = 0.0, monthly_fee: float = 0.0,
                       guarantee_fee: float = 0.0, guarantee_timing: str = "upfront",
                       insurance_premium: float = 0.0, insurance_timing: str = "upfront", deposit: float = 0.0,
                       interest_subsidy: float = 0.0, subsidy_timing: str = "monthly",
                       annual_rate: float | None = None) -> pd.DataFrame:
    """The borrower's monthly cash flows (period 0 = disbursement) for a schedule plus fees.

    Parameters
    ----------
    plan : pandas.DataFrame
        A schedule from :func:`microloan_sim.schedules.schedule`.
    upfront_fee, monthly_fee : float
        一次性手续费 and 月手续费 as fractions of the original principal (0.02 = 2 %).
    guarantee_fee, insurance_premium : float
        担保费 and 保证保险费 as annual fractions of the principal.
    guarantee_timing, insurance_timing : str
        ``upfront`` (whole term at disbursement), ``annual`` (each loan year in advance) or, for the premium,
        ``monthly``.
    deposit : float
        保证金 as a fraction of the principal: withheld at disbursement, returned without interest when the
        loan is settled (at maturity, or at the last principal repayment of a loan settled early).
    interest_subsidy : float
        贴息 in annual rate points (0.02 = 2 个百分点), rebated in proportion to the interest paid, never
        more than the interest itself.
    subsidy_timing : str
        ``monthly`` or ``annual`` (every 12th period and at maturity).
    annual_rate : float, optional
        Contract rate; taken from ``plan.attrs`` when the schedule came from :func:`schedule`.

    Returns
    -------
    pandas.DataFrame
        One row per period 0…n. Columns ``loan``, ``principal``, ``interest``, one per fee, ``deposit``,
        ``interest_subsidy`` (borrower side: + received, − paid), their sum ``net``, and ``occupied``: the
        contract principal outstanding during the period less any deposit still withheld (used by the simple
        method).

    Examples
    --------
    创业担保贷款 (domain §6.2): 200,000 元 for a year at 3.5 %; the subsidy of 2 points is 4,000 元, so the
    borrower bears 1.5 % (3,000 元):

    >>> from microloan_sim.schedules import schedule
    >>> flows = borrower_cashflows(schedule(200_000, 0.035, 12, "利随本清"), interest_subsidy=0.02)
    >>> float(flows["interest_subsidy"].sum()), round(float(-flows["net"].sum()), 2)
    (4000.0, 3000.0)
    """
    if not isinstance(plan, pd.DataFrame) or not {"payment", "principal", "interest", "balance"} <= set(plan.columns):
        raise InputError("应为 schedule() 生成的还款计划表（含本金、利息、余额列）", field="还款计划")
    months = len(plan)
    principal = round(float(plan["principal"].sum()), 2)
    rate_value = annual_rate if annual_rate is not None else plan.attrs.get("annual_rate")
    fees = {
        "upfront_fee": _fraction(upfront_fee, "一次性手续费率"),
        "monthly_fee": _fraction(monthly_fee, "月手续费率"),
        "guarantee_fee": _fraction(guarantee_fee, "担保费率（年）"),
        "insurance_premium": _fraction(insurance_premium, "保证保险费率（年）"),
    }
    deposit_rate = _fraction(deposit, "保证金比例")
    subsidy = _fraction(interest_subsidy, "贴息（年利率百分点）")
    _timing(guarantee_timing, {k: TIMINGS[k] for k in ("upfront", "annual")}, "担保费收取方式")
    _timing(insurance_timing, TIMINGS, "保证保险费收取方式")
    _timing(subsidy_timing, SUBSIDY_TIMINGS, "贴息返还方式")

    flows = pd.DataFrame({"period": np.arange(months + 1)})
    flows["loan"] = 0.0
    flows.loc[0, "loan"] = principal
    flows["principal"] = np.concatenate([[0.0], -plan["principal"].to_numpy(dtype=float)])
    interest = np.concatenate([[0.0], plan["interest"].to_numpy(dtype=float)])
    flows["interest"] = -interest
    flows["upfront_fee"] = 0.0
    flows.loc[0, "upfront_fee"] = -principal * fees["upfront_fee"]
    flows["monthly_fee"] = np.concatenate([[0.0], np.full(months, -principal * fees["monthly_fee"])])
    flows["guarantee_fee"] = -_periodic_charge(fees["guarantee_fee"], principal, months, guarantee_timing)
    flows["insurance_premium"] = -_periodic_charge(fees["insurance_premium"], principal, months, insurance_timing)
    flows["deposit"] = 0.0
    flows.loc[0, "deposit"] = -principal * deposit_rate
    repaying = np.flatnonzero(plan["principal"].to_numpy(dtype=float) > 0)
    settled = int(repaying[-1]) + 1 if len(repaying) else months  # returned when the loan is settled
    flows.loc[settled, "deposit"] += principal * deposit_rate
    flows["interest_subsidy"] = _subsidy(interest, subsidy, rate_value, subsidy_timing)
    money = ["loan", "principal", "interest", *FEE_COLUMNS, "deposit", "interest_subsidy"]
    flows[money] = flows[money].round(2) + 0.0  # + 0.0 turns −0.0 into 0.0
    flows["net"] = flows[money].sum(axis=1).round(2)
    repaid_before = np.concatenate([[0.0], np.cumsum(plan["principal"].to_numpy(dtype=float))[:-1]])
    occupied = np.maximum(principal - repaid_before - principal * deposit_rate, 0.0)
    flows["occupied"] = np.concatenate([[0.0], occupied])
    flows.attrs.update({"principal": principal, "months": months, "annual_rate": rate_value})
    return flows


def _subsidy(interest: np.ndarray, subsidy: float, annual_rate: Any, timing: str) -> np.ndarray:
    """Rebates (positive 元) at periods 0…n: ``interest × min(subsidy / rate, 1)``."""
    rebates = np.zeros(len(interest))
    if subsidy == 0:
        return rebates
    if annual_rate is None:
        raise InputError("计算贴息需要合同年利率：请传入 annual_rate", field="贴息")
    rate = require_number(annual_rate, "合同年利率", minimum=0)
    share = 1.0 if rate <= subsidy else subsidy / rate
    monthly = interest * share
    if timing == "monthly":
        return monthly
    last = len(interest) - 1
    previous = 0
    for end in sorted({*range(12, last + 1, 12), last}):
        rebates[end] = monthly[previous + 1:end + 1].sum()
        previous = end
    return rebates


# --------------------------------------------------------------------------- annualised rate

class AnnualizedRate(float):
    """The annualised rate (a float: the rate of the chosen method) with the details behind it.

    Attributes: ``irr_rate`` (nominal, periodic IRR × periods per year), ``simple_rate`` (``None`` when no
    principal schedule was given), ``ear`` (effective annual rate), ``periodic_irr``, ``total_cost`` (元),
    ``net_received`` (元), ``average_principal`` (元, ``None`` likewise), ``years``, ``method`` (``irr`` or ``simple``), ``periods_per_year``,
    ``breakdown`` (cost by item, 元) and the Chinese ``disclosure`` text.
    """

    irr_rate: float
    simple_rate: float | None
    ear: float
    periodic_irr: float
    total_cost: float
    net_received: float
    average_principal: float | None
    years: float
    method: str
    periods_per_year: float
    breakdown: dict[str, float]

    def __new__(cls, method: str, **details: Any) -> AnnualizedRate:
        value = details["irr_rate"] if method == "irr" else details["simple_rate"]
        obj = super().__new__(cls, value)
        obj.method = method
        for key, item in details.items():
            setattr(obj, key, item)
        return obj

    def __repr__(self) -> str:
        return f"AnnualizedRate({float(self):.6f}, method={self.method!r})"

    @property
    def rate(self) -> float:
        """The rate of the chosen method, as a plain float."""
        return float(self)

    @property
    def disclosure(self) -> str:
        """年化利率 disclosure text in the spirit of PBoC Announcement [2021] No. 3."""
        label = METHOD_LABELS[self.method]
        lines = [f"【贷款年化利率】{self.rate * 100:.2f}%（{label}）"]
        if self.method == "simple":
            lines.append("本年化利率采用单利计算（非复利），特此说明。")
        lines.append(f"按{ANNOUNCEMENT}，年化利率 = 借款人支付的全部利息和费用 ÷ 实际占用本金，并折算为年。")
        parts = "，".join(f"{CASHFLOW_LABELS.get(k, k)} {v:,.2f} 元" for k, v in self.breakdown.items() if abs(v) >= 0.005)
        lines.append(f"实际到手 {self.net_received:,.2f} 元，期限 {self.years * 12:.0f} 个月；"
                     f"总成本 {self.total_cost:,.2f} 元" + (f"（{parts}）" if parts else "") + "。")
        other = "单利" if self.method == "irr" else "IRR 复利法"
        other_rate = self.simple_rate if self.method == "irr" else self.irr_rate
        reference = "" if other_rate is None else f"{other} {other_rate * 100:.2f}%，"
        lines.append(f"参考：{reference}实际年利率（按复利折算）{self.ear * 100:.2f}%；"
                     f"按期折算的利率 {self.periodic_irr * 100:.3f}% 仅供参考，不得比年化利率更醒目。")
        return "\n".join(lines)


def normalize_rate_method(method: str) -> str:
    """``irr`` or ``simple`` from an id or Chinese alias (复利 / 单利)."""
    key = _METHOD_ALIASES.get(str(method).strip().lower())
    if key is None:
        raise InputError(f"不支持“{method}”，可选：irr（IRR 复利法）、simple（单利）", field="年化利率计算方法")
    return key


def _irr(values: np.ndarray) -> float:
    """Periodic IRR of the borrower's flows: the root of the NPV whose sign matches the loan's cost.

    ``numpy_financial.irr`` finds a root; when the flows change sign more than once (a 保证金 returned at
    maturity makes the last flow positive) it may return a negative root although the loan costs money. With
    a positive total cost the NPV is negative at 0 and positive for a large rate, so bisection on ``[0, ∞)``
    finds the borrower's cost rate; with a negative cost (a subsidised loan) the root lies in ``(−1, 0]``.
    NaN when there is none.

    Examples
    --------
    100,000 lent with 20,000 of fees and a 50,000 保证金 withheld (30,000 in hand), 12 × 9,000 paid, the
    保证金 returned with the last payment: the loan costs 28,000, so the root is positive, never the
    −13.3 % a month that ``numpy_financial.irr`` returns for these flows.

    >>> flows = np.array([30_000.0] + [-9_000.0] * 11 + [-9_000.0 + 50_000.0])
    >>> r = _irr(flows)
    >>> bool(r > 0), bool(abs(np.sum(flows / (1 + r) ** np.arange(13))) < 1e-6)
    (True, True)
    """
    cost = -float(np.sum(values))
    times = np.arange(len(values))

    def npv(r: float) -> float:
        return float(np.sum(values / (1 + r) ** times))

    rate = float(npf.irr(values))
    if np.isfinite(rate) and (cost == 0 or (rate > 0) == (cost > 0) or rate == 0):
        return rate
    if cost > 0:
        low, high = 0.0, 1.0
        while npv(high) < 0 and high < 1e6:
            high *= 2
    else:
        low, high = -0.99, 0.0
    if npv(low) * npv(high) > 0:
        return rate if np.isfinite(rate) else float("nan")
    for _ in range(200):
        mid = (low + high) / 2
        if npv(low) * npv(mid) <= 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2


def _principal_schedule(principal: Sequence[float] | np.ndarray, periods: int) -> np.ndarray:
    """The principal outstanding in periods 1…n, validated: one non-negative number per repayment period."""
    values = np.array([require_number(v, f"每期本金余额第 {k + 1} 期", minimum=0)
                       for k, v in enumerate(principal)], dtype=float)
    if len(values) != periods:
        raise InputError(f"应有 {periods} 期（与还款期数相同），收到 {len(values)} 期", field="每期本金余额")
    return values


def repayment_period(values: Sequence[float] | np.ndarray) -> int:
    """The loan's repayment period in grid steps: the greatest common divisor of the periods with a flow.

    Examples
    --------
    >>> repayment_period([100_000, -600, -600, -100_600])     # monthly interest
    1
    >>> repayment_period([100_000, 0, 0, -1_800, 0, 0, -101_800])   # quarterly
    3
    >>> repayment_period([100_000] + [0] * 11 + [-107_200])   # 利随本清, one payment after a year
    12
    """
    moving = np.flatnonzero(np.asarray(values, dtype=float)[1:] != 0) + 1
    return int(np.gcd.reduce(moving)) if len(moving) else 1


def annualized_rate(cashflows: Sequence[float] | np.ndarray | pd.DataFrame, periods_per_year: float = 12,
                    method: str = "irr", principal: Sequence[float] | np.ndarray | None = None) -> AnnualizedRate:
    r"""Annualised cost of a loan from the borrower's cash flows.

    Parameters
    ----------
    cashflows : sequence of float or pandas.DataFrame
        ``[+net amount received, −payment₁, −payment₂, …]`` one per period, or the table from
        :func:`borrower_cashflows` (its ``net`` and ``occupied`` columns are used).
    periods_per_year : float
        12 for monthly flows, 365 (or 360) for daily flows.
    method : str
        ``irr`` (IRR 复利法: periodic IRR × periods per year) or ``simple`` (单利: total cost ÷ (average
        principal occupied × years)). ``method`` picks the value of the result.
    principal : sequence of float, optional
        For bare cash flows: the contract principal outstanding in periods 1…n (less any deposit withheld),
        which the simple rate needs. A :func:`borrower_cashflows` table carries it (``occupied``).

    Returns
    -------
    AnnualizedRate
        A float (the chosen rate) with ``.irr_rate``, ``.simple_rate``, ``.ear``, ``.total_cost`` and
        ``.disclosure``.

    Notes
    -----
    The IRR is taken over the loan's real repayment period (PBoC Announcement [2021] No. 3: 单期利率 ×
    一年内的期数). The period is the greatest common step between the periods in which principal or
    interest is repaid (:func:`repayment_period`; for bare cash flows, any flow). The IRR of one grid step
    :math:`r_g` becomes the IRR of one repayment period of :math:`k` steps as :math:`(1 + r_g)^k - 1`, which
    is the IRR on the coarser grid whenever every flow falls on it, and still counts fees paid in between.
    A 利随本清 loan repaid once after 12 months has one annual period, so its disclosed rate is the contract
    rate, never the 6.97 % a monthly grid would give; a fee can only raise it.

    The simple rate has one definition: total cost ÷ (average contract principal outstanding × years), the
    principal coming from the repayment schedule (the ``occupied`` column of :func:`borrower_cashflows`, or
    ``principal=`` for bare flows; domain §5.1). Bare cash flows carry no principal schedule — a payment
    does not say how much of it is principal — so without ``principal=`` the simple rate is ``None`` and
    ``method="simple"`` is refused. (An earlier version rebuilt a principal from the IRR, which gave a
    flat-fee loan 13.03 % where its contract balance gives 13.29 %.)

    Examples
    --------
    日利率万分之五 (domain §5.1), interest paid daily for a year:

    >>> flows = [10_000] + [-5.0] * 364 + [-10_005.0]
    >>> r365 = annualized_rate(flows, periods_per_year=365)
    >>> round(r365.irr_rate, 4), round(annualized_rate(flows, 360).irr_rate, 4), round(r365.ear, 4)
    (0.1825, 0.18, 0.2002)

    利随本清 over one year, annual periods: IRR and simple agree at 7.2 %.

    >>> r = annualized_rate([100_000, -107_200], periods_per_year=1, method="单利", principal=[100_000])
    >>> round(r, 4), round(r.irr_rate, 4)
    (0.072, 0.072)
    >>> annualized_rate([100_000, -107_200], periods_per_year=1, method="单利")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 每期本金余额：单利口径要用合同的本金余额计算，只有现金流无法得出；请提供每期本金余额（或用 borrower_cashflows 生成的现金流表）

    The same loan on a monthly grid: the only repayment is in month 12, so the period is a year.

    >>> r = annualized_rate([100_000] + [0.0] * 11 + [-107_200])
    >>> round(r.irr_rate, 4), r.periods_per_year
    (0.072, 1.0)
    """
    chosen = normalize_rate_method(method)
    ppy = require_number(periods_per_year, "每年期数", strictly_positive=True)
    breakdown: dict[str, float] = {}
    occupied: np.ndarray | None = None
    repayments: np.ndarray | None = None
    if isinstance(cashflows, pd.DataFrame):
        if "net" not in cashflows.columns:
            raise InputError("现金流表缺少“net”（借款人净现金流）列", field="现金流")
        raw: Any = cashflows["net"].tolist()
        if "occupied" in cashflows.columns:
            occupied = cashflows["occupied"].to_numpy(dtype=float)[1:]
        if {"principal", "interest"} <= set(cashflows.columns):
            repayments = (cashflows["principal"] + cashflows["interest"]).to_numpy(dtype=float)
        for column in ("interest", *FEE_COLUMNS, "interest_subsidy"):
            if column in cashflows.columns:
                breakdown[column] = float(-cashflows[column].sum())
    else:
        raw = list(cashflows) if not isinstance(cashflows, (str, bytes)) else [cashflows]
    values = np.array([require_number(v, f"现金流第 {k} 期") for k, v in enumerate(raw)], dtype=float)
    if len(values) < 2:
        raise InputError("至少需要两期：放款到手金额和至少一期还款", field="现金流")
    if values[0] <= 0:
        raise InputError(f"扣除费用和保证金后实际到手金额为 {values[0]:,.2f} 元，必须大于 0，无法计算年化利率",
                         field="现金流第 0 期（实际到手金额）")
    if not (values[1:] < 0).any():
        raise InputError("现金流没有正负变化（没有任何还款），无法计算年化利率", field="现金流")
    per_grid = _irr(values)
    if not np.isfinite(per_grid):
        raise InputError("无法求出内部收益率（IRR 不收敛）：请检查费用和还款是否合理", field="现金流")
    step = repayment_period(repayments if repayments is not None else values)
    periodic = (1 + per_grid) ** step - 1  # the IRR over one repayment period
    total_cost = float(-values.sum())
    if occupied is None and principal is not None:
        occupied = _principal_schedule(principal, len(values) - 1)
    years = (len(values) - 1) / ppy
    simple: float | None = None
    average: float | None = None
    if occupied is not None:
        average = float(occupied.mean())
        if average <= 0:
            raise InputError("实际占用本金为 0（保证金或预扣费用不低于本金），无法按单利计算", field="现金流")
        simple = total_cost / (average * years)
    elif chosen == "simple":
        raise InputError("单利口径要用合同的本金余额计算，只有现金流无法得出；请提供每期本金余额"
                         "（或用 borrower_cashflows 生成的现金流表）", field="每期本金余额")
    per_year = ppy / step
    return AnnualizedRate(
        chosen, irr_rate=periodic * per_year, simple_rate=simple,
        ear=float((1 + periodic) ** per_year - 1), periodic_irr=periodic, total_cost=total_cost,
        net_received=float(values[0]), average_principal=average, years=years, periods_per_year=per_year,
        breakdown=breakdown,
    )


def effective_annual_rate(nominal_rate: float, periods_per_year: float = 12) -> float:
    r"""实际年利率 (EAR): :math:`(1 + \text{nominal}/m)^m - 1`.

    Examples
    --------
    >>> round(effective_annual_rate(0.072), 6)
    0.074424
    >>> round(effective_annual_rate(0.0005 * 365, 365), 4)
    0.2002
    """
    rate = require_number(nominal_rate, "名义年利率", minimum=-1)
    m = require_number(periods_per_year, "每年期数", strictly_positive=True)
    return float((1 + rate / m) ** m - 1)


def quoted_rate_to_annual(rate: float, unit: str = "day") -> dict[str, float]:
    """Annual equivalents of a daily (日利率) or monthly (月利率) quote.

    Returns ``simple_365`` / ``simple_360`` (daily) or ``simple`` (monthly, × 12) and ``compound``.

    Examples
    --------
    万分之五 a day (domain §5.1): 18.25 % simple on 365 days, 18.0 % on 360, 20.02 % compounded.

    >>> {k: round(v, 4) for k, v in quoted_rate_to_annual(0.0005, "day").items()}
    {'simple_365': 0.1825, 'simple_360': 0.18, 'compound': 0.2002}
    >>> {k: round(v, 4) for k, v in quoted_rate_to_annual(0.005, "month").items()}
    {'simple': 0.06, 'compound': 0.0617}
    """
    value = require_number(rate, "日利率" if unit == "day" else "月利率", minimum=0, maximum=1)
    if unit == "day":
        return {"simple_365": value * 365, "simple_360": value * 360, "compound": (1 + value) ** 365 - 1}
    if unit == "month":
        return {"simple": value * 12, "compound": (1 + value) ** 12 - 1}
    raise InputError(f"应为 day（日利率）或 month（月利率），收到“{unit}”", field="报价单位")


__all__ = [
    "ANNOUNCEMENT", "AnnualizedRate", "CASHFLOW_LABELS", "annualized_rate", "borrower_cashflows",
    "effective_annual_rate", "normalize_rate_method", "quoted_rate_to_annual",
]
