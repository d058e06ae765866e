"""The 考核 simulator: how an officer's bonus scheme moves the approval cut-off, and the book 12 months later.

An officer approves every applicant whose score is at least a cut-off and picks the cut-off that maximises
their own bonus under one of three schemes (示例参数 in ``data/portfolio.yaml``, ``incentives:``):

* ``volume`` 按放款量计酬: ``volume_bonus_per_10k`` per 10,000 元 disbursed;
* ``risk`` 风险调整（无尽职免责）: the same, minus ``default_penalty`` for every loan that defaults;
* ``risk_exempt`` 风险调整 + 尽职免责: as ``risk``, but a share ``exemption_share`` of defaults is judged 尽职
  (diligent) and not penalised (银监发〔2016〕56号; 金规〔2024〕11号; shared/domain-parts.md §3.1).

The applicants, their scores and whether they default within the 12-month term come from the rating
module's approval simulation (:func:`microloan_sim.rating.approval_simulation`, the simulated applicants of
05a; loan amount, rate, funding cost and LGD from ``data/statistical_scorecard.yaml``). "The book after 12
months" is therefore a PD-by-cut-off model: the loans approved at the cut-off, those that defaulted within the
term counted as 不良 at month 12, their loss at LGD. It does not yet play the loans forward month by month.

Examples
--------
>>> t = compare_schemes()
>>> t["考核方式"].tolist()
['按放款量计酬', '风险调整（无尽职免责）', '风险调整 + 尽职免责']
>>> v, r, e = t["通过率"].tolist()
>>> v > e > r            # volume approves most, a penalty without exemption fewest
True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import rating
from ..errors import InputError
from ._params import Incentives, parameters

#: Bonus schemes and their Chinese names.
SCHEMES = {"volume": "按放款量计酬", "risk": "风险调整（无尽职免责）", "risk_exempt": "风险调整 + 尽职免责"}
_ALIASES = {name: key for key, name in SCHEMES.items()}
#: Cut-offs the officer can choose from (spread over the score quantiles).
STEPS = 81


def _scheme(scheme: str) -> str:
    key = _ALIASES.get(scheme, scheme)
    if key not in SCHEMES:
        raise InputError(f"未知的考核方式“{scheme}”（可选：{'、'.join(SCHEMES.values())}）", field="考核方式")
    return key


def officer_bonus(table: pd.DataFrame, scheme: str, incentives: Incentives | None = None) -> np.ndarray:
    """The officer's bonus (元) at each cut-off of an approval trade-off table
    (:func:`microloan_sim.rating.approval_tradeoff`).

    Examples
    --------
    >>> from microloan_sim.portfolio._params import Incentives
    >>> inc = Incentives(volume_bonus_per_10k=20, default_penalty=2000, exemption_share=0.6, all_loans_npl=0.01)
    >>> t = pd.DataFrame({"通过户数": [10.0], "通过户违约率": [0.2], "放款总额": [500_000.0]})
    >>> [float(officer_bonus(t, s, inc)[0]) for s in ("volume", "risk", "risk_exempt")]
    [1000.0, -3000.0, -600.0]
    """
    key = _scheme(scheme)
    inc = incentives if incentives is not None else parameters().incentives
    volume = inc.volume_bonus_per_10k * table["放款总额"].to_numpy(dtype=float) / 10_000
    defaults = table["通过户数"].to_numpy(dtype=float) * np.nan_to_num(table["通过户违约率"].to_numpy(dtype=float))
    if key == "volume":
        return volume
    exempt = inc.exemption_share if key == "risk_exempt" else 0.0
    return volume - inc.default_penalty * (1 - exempt) * defaults


@dataclass(frozen=True)
class IncentiveOutcome:
    """One scheme: the bonus at every cut-off, the cut-off the officer picks, and the book 12 months later."""

    scheme: str
    curve: pd.DataFrame        # 分数线, 通过率, 通过户违约率, 客户经理奖金, 银行净收益
    chosen: pd.Series          # the curve's row at the officer's cut-off
    bank_best: pd.Series       # the row where the bank's net result is highest
    book: pd.Series            # the book 12 months later (Chinese labels)

    @property
    def name(self) -> str:
        return SCHEMES[self.scheme]


def incentive_outcome(scheme: str = "risk_exempt", *, incentives: Incentives | None = None) -> IncentiveOutcome:
    """The officer's choice under ``scheme`` (``volume``, ``risk`` or ``risk_exempt``; Chinese names accepted).

    Examples
    --------
    >>> o = incentive_outcome("按放款量计酬")
    >>> float(o.chosen["通过率"])       # paid on volume only: approve everybody
    1.0
    >>> o.book["是否超出不良容忍度"] in ("是", "否")
    True
    """
    key = _scheme(scheme)
    inc = incentives if incentives is not None else parameters().incentives
    sim = rating.approval_simulation(inc.model, steps=STEPS)
    table = sim.table
    bonus = officer_bonus(table, key, inc)
    curve = pd.DataFrame({"分数线": table["分数线"], "通过率": table["通过率"], "通过户违约率": table["通过户违约率"],
                          "客户经理奖金": np.round(bonus, 2), "银行净收益": table["净收益"]})
    chosen = curve.iloc[int(np.argmax(bonus))]
    bank_best = curve.iloc[int(np.argmax(table["净收益"].to_numpy()))]
    row = table.iloc[int(np.argmax(bonus))]
    approved = float(row["通过户数"])
    defaults = float(np.round(approved * np.nan_to_num(float(row["通过户违约率"]))))
    econ = sim.economics
    npl = defaults / approved if approved else 0.0
    ceiling = inc.all_loans_npl + parameters().policy.npl_tolerance_points
    book = pd.Series({
        "申请户数": float(sim.scores.size), "分数线": float(row["分数线"]), "放款笔数": approved,
        "放款金额": float(row["放款总额"]), "12个月内违约笔数": defaults, "12个月后不良率": npl,
        "违约损失": defaults * econ.loan_amount * econ.lgd, "银行净收益": float(row["净收益"]),
        "客户经理奖金": float(bonus[int(np.argmax(bonus))]), "不良容忍度上限": ceiling,
        "是否超出不良容忍度": "是" if npl > ceiling else "否"}, dtype=object)
    return IncentiveOutcome(scheme=key, curve=curve, chosen=chosen, bank_best=bank_best, book=book)


def compare_schemes(*, incentives: Incentives | None = None) -> pd.DataFrame:
    """One row per scheme: the cut-off the officer picks and the book after 12 months.

    Examples
    --------
    >>> t = compare_schemes()
    >>> list(t.columns)[:4]
    ['考核方式', '分数线', '通过率', '放款笔数']
    """
    rows = []
    for key in SCHEMES:
        o = incentive_outcome(key, incentives=incentives)
        rows.append({"考核方式": o.name, "分数线": o.book["分数线"], "通过率": float(o.chosen["通过率"]),
                     "放款笔数": o.book["放款笔数"], "12个月后不良率": o.book["12个月后不良率"],
                     "违约损失": o.book["违约损失"], "银行净收益": o.book["银行净收益"],
                     "客户经理奖金": o.book["客户经理奖金"], "是否超出不良容忍度": o.book["是否超出不良容忍度"]})
    return pd.DataFrame(rows)
