"""Policy checker: 两增两控 and the small-business NPL tolerance on a branch's (or bank's) figures.

Sourced rules (shared/domain-parts.md §3.1, worked numbers in §7 Example 6):

* 两增 (2018, 《中国银监会办公厅关于2018年推动银行业小微企业金融服务高质量发展的通知》): loans to small businesses
  with credit of 1,000万 or less grow **no slower than all loans**, and the **number of borrowers with a balance is
  no lower than a year earlier** (https://tempoic.epicding.com/n/29299.html).
* 两控: reasonably control **asset quality** (mainly NPL) and the **comprehensive financing cost** (rate + fees).
  The notice sets no number for "reasonable"; this checker reports the cost change without a verdict.
* 不良容忍度: small-business NPL may exceed the all-loan NPL by up to **3 percentage points** (State Council
  executive meeting 2019-06-05, widened from 2; https://m.fx361.cc/news/2019/0815/5430807.html). The 3 points
  live in ``data/portfolio.yaml`` (``policy.npl_tolerance_points``) so an instructor can show the older 2.

Examples
--------
>>> r = check_policy(total_loans_prev=100e8, total_loans_now=108e8, small_loans_prev=20e8, small_loans_now=21.8e8,
...                  borrowers_prev=5000, borrowers_now=4950, all_npl=0.012, small_npl=0.035)
>>> r.table["结论"].tolist()        # §7 Example 6: growth passed, households failed, NPL within 4.20%
['达标', '未达标', '达标']
>>> r.passed
False
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import InputError, require_number
from ._params import parameters

#: Columns of :attr:`PolicyReport.table`.
POLICY_COLUMNS = ("检查项", "要求", "实际", "结论", "依据")
PASS, FAIL, INFO = "达标", "未达标", "仅供参考"


@dataclass(frozen=True)
class PolicyReport:
    """The checks, one row each, and the figures derived on the way."""

    table: pd.DataFrame
    total_growth: float
    small_growth: float
    npl_ceiling: float

    @property
    def passed(self) -> bool:
        """True when no check with a verdict failed (rows 仅供参考 do not count)."""
        return bool((self.table["结论"] != FAIL).all())


def _growth(prev: float, now: float, field: str) -> float:
    if prev <= 0:
        raise InputError("上年末余额必须大于 0，才能计算增速", field=field)
    return now / prev - 1


def check_policy(*, total_loans_prev: float, total_loans_now: float, small_loans_prev: float,
                 small_loans_now: float, borrowers_prev: float, borrowers_now: float, all_npl: float,
                 small_npl: float, cost_prev: float | None = None, cost_now: float | None = None,
                 tolerance_points: float | None = None) -> PolicyReport:
    """Check 两增两控 and the NPL tolerance. Balances in 元 (any one unit), NPL ratios and costs as fractions.

    Examples
    --------
    >>> r = check_policy(total_loans_prev=100, total_loans_now=110, small_loans_prev=20, small_loans_now=22,
    ...                  borrowers_prev=100, borrowers_now=100, all_npl=0.01, small_npl=0.05,
    ...                  cost_prev=0.06, cost_now=0.055)
    >>> r.table[["检查项", "结论"]].values.tolist()
    [['两增：普惠小微贷款增速', '达标'], ['两增：有贷款余额的户数', '达标'], ['两控：不良率在容忍度内', '未达标'], ['两控：综合融资成本', '仅供参考']]
    >>> check_policy(total_loans_prev=0, total_loans_now=1, small_loans_prev=1, small_loans_now=1,
    ...              borrowers_prev=1, borrowers_now=1, all_npl=0, small_npl=0)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 各项贷款上年末余额：上年末余额必须大于 0，才能计算增速
    """
    t_prev = require_number(total_loans_prev, "各项贷款上年末余额", minimum=0)
    t_now = require_number(total_loans_now, "各项贷款本期末余额", minimum=0)
    s_prev = require_number(small_loans_prev, "普惠小微贷款上年末余额", minimum=0)
    s_now = require_number(small_loans_now, "普惠小微贷款本期末余额", minimum=0)
    b_prev = require_number(borrowers_prev, "上年同期有贷款余额户数", minimum=0)
    b_now = require_number(borrowers_now, "本期有贷款余额户数", minimum=0)
    npl_all = require_number(all_npl, "各项贷款不良率", minimum=0, maximum=1)
    npl_small = require_number(small_npl, "普惠小微贷款不良率", minimum=0, maximum=1)
    points = require_number(parameters().policy.npl_tolerance_points if tolerance_points is None else tolerance_points,
                            "不良容忍度（百分点）", minimum=0, maximum=1)
    total_growth = _growth(t_prev, t_now, "各项贷款上年末余额")
    small_growth = _growth(s_prev, s_now, "普惠小微贷款上年末余额")
    ceiling = npl_all + points
    rows = [
        ("两增：普惠小微贷款增速", f"不低于各项贷款增速 {total_growth:.2%}", f"{small_growth:.2%}",
         PASS if small_growth >= total_growth - 1e-12 else FAIL, "2018 年两增两控通知"),
        ("两增：有贷款余额的户数", f"不低于上年同期 {b_prev:,.0f} 户", f"{b_now:,.0f} 户",
         PASS if b_now >= b_prev else FAIL, "2018 年两增两控通知"),
        ("两控：不良率在容忍度内",
         f"不高于各项贷款不良率 {npl_all:.2%} + {points * 100:g} 个百分点 = {ceiling:.2%}", f"{npl_small:.2%}",
         PASS if npl_small <= ceiling + 1e-12 else FAIL, "2019-06-05 国务院常务会议（容忍度放宽至 3 个百分点）"),
    ]
    if cost_prev is not None and cost_now is not None:
        c_prev = require_number(cost_prev, "上年综合融资成本", minimum=0, maximum=1)
        c_now = require_number(cost_now, "本期综合融资成本", minimum=0, maximum=1)
        change = (c_now - c_prev) * 100
        word = "下降" if change < 0 else ("上升" if change > 0 else "持平")
        rows.append(("两控：综合融资成本", "合理控制（文件未给出数值标准）",
                     f"{c_prev:.2%} → {c_now:.2%}（{word} {abs(change):.2f} 个百分点）", INFO, "2018 年两增两控通知"))
    return PolicyReport(table=pd.DataFrame(rows, columns=list(POLICY_COLUMNS)), total_growth=total_growth,
                        small_growth=small_growth, npl_ceiling=ceiling)
