r"""Book metrics from loan-level arrays: PAR, roll rates, flow to loss, vintage rates (domain-parts §4.3).

All take NumPy arrays, one entry per loan (balances in 元, days past due, buckets 0 … 4 for M0 … M4+)::

    PAR_x = Σ principal of loans more than x days past due ÷ gross portfolio
    roll_rate(Mk→Mk+1) = balance in Mk at t that is in Mk+1 at t+1 ÷ balance in Mk at t
    flow to loss from M1 = Π roll rates M1→M2→…→M4+
    vintage_rate(cohort, MOB m) = balance of the cohort more than x days past due at MOB m ÷ amount disbursed

Examples
--------
>>> par([900, 50, 25, 15, 10], [0, 15, 45, 75, 120])
0.05
>>> round(flow_to_loss([0.4, 0.4, 0.6]), 4)
0.096
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InputError
from .classification import BUCKETS


def _arrays(*pairs: tuple[Any, str]) -> list[np.ndarray]:
    out = [np.asarray(value, dtype=float) for value, _ in pairs]
    for array, (_, name) in zip(out, pairs):
        if array.size == 0:
            raise InputError("贷款组合为空", field=name)
        if np.isnan(array).any():
            raise InputError("含有缺失值（NaN）", field=name)
    if len({a.shape for a in out}) != 1:
        raise InputError("各列的贷款笔数应相同", field=pairs[0][1])
    return out


def par(balances: Sequence[float], days_past_due: Sequence[float], days: int = 30) -> float:
    """PAR_days: principal of loans more than ``days`` past due ÷ the gross portfolio (balance-weighted).

    Examples
    --------
    Domain-parts §7 example 8 (万元): current 900, M1 50, M2 25, M3 15, M4+ 10 → PAR30 5 %, PAR90 1 %.

    >>> par([900, 50, 25, 15, 10], [0, 10, 40, 70, 100]), par([900, 50, 25, 15, 10], [0, 10, 40, 70, 100], 90)
    (0.05, 0.01)
    >>> par([], [])
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 贷款余额：贷款组合为空
    """
    b, d = _arrays((balances, "贷款余额"), (days_past_due, "逾期天数"))
    if (b < 0).any() or (d < 0).any():
        raise InputError("余额和逾期天数不能为负数", field="贷款余额")
    total = float(b.sum())
    return float(b[d > days].sum() / total) if total > 0 else 0.0


def roll_rates(balances: Sequence[float], bucket_now: Sequence[int], bucket_next: Sequence[int]) -> dict[str, float]:
    """Roll rates Mk→Mk+1 (k = 1, 2, 3) between two months, balance-weighted; also M0→M1.

    ``balances`` are each loan's balance at the first month. A bucket with no balance gives NaN.

    Examples
    --------
    Domain-parts §7 example 8: 20 of the 50 in M1, 10 of the 25 in M2 and 9 of the 15 in M3 roll on.

    >>> rates = roll_rates([20, 30, 10, 15, 9, 6], [1, 1, 2, 2, 3, 3], [2, 1, 3, 0, 4, 3])
    >>> {k: round(v, 2) for k, v in rates.items() if k != "M0→M1"}
    {'M1→M2': 0.4, 'M2→M3': 0.4, 'M3→M4+': 0.6}
    """
    b, now, nxt = _arrays((balances, "贷款余额"), (bucket_now, "本月逾期档"), (bucket_next, "下月逾期档"))
    rates = {}
    for k in range(4):
        here = now == k
        base = float(b[here].sum())
        rates[f"{BUCKETS[k]}→{BUCKETS[k + 1]}"] = float(b[here & (nxt >= k + 1)].sum() / base) if base > 0 else float("nan")
    return rates


def flow_to_loss(rates: Sequence[float]) -> float:
    """Share of today's M1 balance expected to reach the loss bucket: the product of the roll rates.

    Examples
    --------
    >>> round(flow_to_loss([0.4, 0.4, 0.6]) * 50, 2)   # of 50万 in M1, 4.8万 reach M4+ (example 8)
    4.8
    """
    values = np.asarray(rates, dtype=float)
    if values.size == 0 or np.isnan(values).any() or (values < 0).any() or (values > 1).any():
        raise InputError("滚动率应为 0 到 1 之间的数", field="滚动率")
    return float(np.prod(values))


def vintage_rate(disbursed: float, balances: Sequence[float], days_past_due: Sequence[float], days: int = 30) -> float:
    """Vintage rate of a cohort at one MOB: its balance more than ``days`` past due ÷ the amount disbursed.

    Examples
    --------
    Domain-parts §7 example 8: January cohort 500万, 6万 more than 30 days past due at MOB 3 → 1.2 %.

    >>> vintage_rate(500, [6, 480], [45, 0])
    0.012
    """
    b, d = _arrays((balances, "贷款余额"), (days_past_due, "逾期天数"))
    if not disbursed or disbursed <= 0:
        raise InputError("应大于 0", field="放款金额")
    return float(b[d > days].sum() / disbursed)


def npl_tolerance(all_loans_npl: float, small_business_npl: float, margin: float = 0.03) -> dict[str, float | bool]:
    """不良容忍度: the small-business NPL ratio may exceed the all-loan NPL ratio by ``margin`` (3 percentage
    points since the State Council meeting of 2019-06-05, domain-parts §3.1).

    Examples
    --------
    Domain-parts §7 example 6: all loans 1.20 % → tolerance 4.20 %; 普惠小微 3.50 % is within it.

    >>> result = npl_tolerance(0.012, 0.035)
    >>> round(result["tolerance"], 4), result["within"]
    (0.042, True)
    """
    overall = float(all_loans_npl)
    small = float(small_business_npl)
    extra = float(margin)
    for value, name in ((overall, "各项贷款不良率"), (small, "普惠小微不良率"), (extra, "容忍度（百分点）")):
        if not 0 <= value <= 1:
            raise InputError(f"应为 0 到 1 之间的小数（当前为 {value:g}）", field=name)
    tolerance = overall + extra
    return {"tolerance": tolerance, "within": small <= tolerance + 1e-12}
