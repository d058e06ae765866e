"""The 考核 simulator: how an officer's bonus scheme moves the approval cut-off, and the book 12 months later.

An officer approves every applicant whose score is at least a cut-off and picks the cut-off that maximises
their own bonus under one of three schemes (示例参数 in ``data/portfolio.yaml``, ``incentives:``):

* ``volume`` 按放款量计酬: ``volume_bonus_per_10k`` per 10,000 元 disbursed;
* ``risk`` 风险调整（无尽职免责）: the same, minus ``default_penalty`` for every loan that defaults;
* ``risk_exempt`` 风险调整 + 尽职免责: as ``risk``, but a share ``exemption_share`` of defaults is judged 尽职
  (diligent) and not penalised (银监发〔2016〕56号; 金规〔2024〕11号; shared/domain-parts.md §3.1).

The applicants, their scores and whether they default within the 12-month term come from the rating
module's approval simulation (:func:`microloan_sim.rating.approval_simulation`, the simulated applicants of
05a; loan amount, rate, funding cost and LGD from ``data/statistical_scorecard.yaml``). The bonus and the
bank's net result are computed on that table, as the officer would estimate them.

"The book after 12 months" is played forward on the performance engine
(:func:`microloan_sim.performance.simulate_book`, one cohort of ``incentives.book.loans`` loans disbursed
in month 1, ``months=12``, seed ``incentives.book.seed``): the chosen cut-off's approved-pool default
rate sets every loan's monthly business-shock probability,
``shock_rate = shock_rate_base + shock_rate_per_default_rate × pool default rate`` (示例参数). A looser
cut-off approves a pool that contains every stricter pool, so the pool default rate used is the highest
among the pools of this and every stricter cut-off (the 5,000 simulated applicants are a sample: a small
pool's observed rate can dip by chance, and a looser cut-off must never be modelled as safer). The engine's
BookResult gives PAR30, PAR90, the 五级分类 shares, the 不良率 and the loss after recovery at month 12; the
loss rate (loss ÷ principal disbursed in the engine book) is applied to the amount the officer disbursed.

Examples
--------
>>> t = compare_schemes()
>>> t["考核方式"].tolist()
['按放款量计酬', '风险调整（无尽职免责）', '风险调整 + 尽职免责']
>>> v, r, e = t["通过率"].tolist()
>>> v > e > r            # volume approves most, a penalty without exemption fewest
True
>>> v, r, e = t["PAR30"].tolist()
>>> v > e > r            # ... and 12 months later the looser book is the riskier one
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import performance, rating
from ..errors import InputError
from ._params import IncentiveBook, Incentives, parameters

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


def pool_default_rate(table: pd.DataFrame) -> np.ndarray:
    """The approved pool's default rate at each cut-off of an approval trade-off table, never lower than at
    any stricter cut-off (the running maximum from the strictest cut-off; an empty pool counts as 0).

    Examples
    --------
    >>> t = pd.DataFrame({"分数线": [400.0, 500.0, 600.0, 700.0], "通过户违约率": [0.08, 0.03, 0.05, float("nan")]})
    >>> pool_default_rate(t).tolist()
    [0.08, 0.05, 0.05, 0.0]
    """
    rates = np.nan_to_num(table["通过户违约率"].to_numpy(dtype=float))
    order = np.argsort(-table["分数线"].to_numpy(dtype=float), kind="stable")     # strictest first
    out = np.empty_like(rates)
    out[order] = np.maximum.accumulate(rates[order])
    return out


def shock_rate_for(default_rate: float, book: IncentiveBook | None = None) -> float:
    """Monthly business-shock probability per loan for an approved pool with ``default_rate``.

    Examples
    --------
    >>> from microloan_sim.portfolio._params import IncentiveBook
    >>> shock_rate_for(0.05, IncentiveBook(loans=100, shock_rate_base=0.002, shock_rate_per_default_rate=0.3))
    0.017
    """
    b = book if book is not None else parameters().incentives.book
    return float(min(round(b.shock_rate_base + b.shock_rate_per_default_rate * default_rate, 6), 1.0))


#: The month-12 figures of the engine book (Chinese labels) and their order.
BOOK_FIGURES = ("每月冲击概率", "PAR30", "PAR90", "正常", "关注", "次级", "可疑", "损失类", "不良率", "损失率")


def engine_book(shock_rate: float, book: IncentiveBook | None = None) -> dict[str, float]:
    """Play one cohort forward 12 months on the performance engine with this monthly shock probability and
    return the month-12 figures: PAR30, PAR90, the 五级分类 shares of the balance (正常 … 损失类), the 不良率
    and the loss rate (loss after recovery ÷ principal disbursed).

    Examples
    --------
    >>> low, high = engine_book(0.005), engine_book(0.03)
    >>> bool(high["PAR30"] > low["PAR30"]), bool(high["损失率"] >= low["损失率"])
    (True, True)
    >>> round(sum(low[k] for k in ("正常", "关注", "次级", "可疑", "损失类")), 9)
    1.0
    """
    b = book if book is not None else parameters().incentives.book
    return dict(_engine_book(float(shock_rate), b.loans, b.seed))


@lru_cache(maxsize=256)
def _engine_book(shock_rate: float, loans: int, seed: int) -> tuple[tuple[str, float], ...]:
    p = performance.load_parameters()
    one_cohort = p.model_copy(update={"book": p.book.model_copy(update={"disbursement_months": 1})})
    result = performance.simulate_book(loans, 12, seed=seed, shock_rate=shock_rate, params=one_cohort)
    classes = result.classification().iloc[-1]
    total = float(classes.sum())
    shares = (classes / total).to_numpy() if total > 0 else np.array([1.0, 0, 0, 0, 0])
    disbursed = float(result.loans["principal"].sum())
    figures = [shock_rate, float(result.par(30).iloc[-1]), float(result.par(90).iloc[-1]),
               *map(float, shares), float(result.npl_ratio().iloc[-1]),
               float(result.losses().sum()) / disbursed if disbursed > 0 else 0.0]
    return tuple(zip(BOOK_FIGURES, figures))


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
    """The officer's choice under ``scheme`` (``volume``, ``risk`` or ``risk_exempt``; Chinese names accepted)
    and the book it leads to after 12 months on the performance engine.

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
    pick = int(np.argmax(bonus))
    chosen = curve.iloc[pick]
    bank_best = curve.iloc[int(np.argmax(table["净收益"].to_numpy()))]
    row = table.iloc[pick]
    approved = float(row["通过户数"])
    pool_rate = float(pool_default_rate(table)[pick])
    engine = engine_book(shock_rate_for(pool_rate, inc.book), inc.book)
    ceiling = inc.all_loans_npl + parameters().policy.npl_tolerance_points
    book = pd.Series({
        "申请户数": float(sim.scores.size), "分数线": float(row["分数线"]), "放款笔数": approved,
        "放款金额": float(row["放款总额"]), "通过户违约率": pool_rate, **engine,
        "违约损失": engine["损失率"] * float(row["放款总额"]), "银行净收益": float(row["净收益"]),
        "客户经理奖金": float(bonus[pick]), "不良容忍度上限": ceiling,
        "是否超出不良容忍度": "是" if engine["不良率"] > ceiling else "否"}, dtype=object)
    return IncentiveOutcome(scheme=key, curve=curve, chosen=chosen, bank_best=bank_best, book=book)


def compare_schemes(*, incentives: Incentives | None = None) -> pd.DataFrame:
    """One row per scheme: the cut-off the officer picks and the book after 12 months (performance engine).

    Examples
    --------
    >>> t = compare_schemes()
    >>> list(t.columns)[:4]
    ['考核方式', '分数线', '通过率', '放款笔数']
    """
    rows = []
    for key in SCHEMES:
        o = incentive_outcome(key, incentives=incentives)
        b = o.book
        rows.append({"考核方式": o.name, "分数线": b["分数线"], "通过率": float(o.chosen["通过率"]),
                     "放款笔数": b["放款笔数"], "PAR30": b["PAR30"], "PAR90": b["PAR90"], "不良率": b["不良率"],
                     "损失率": b["损失率"], "违约损失": b["违约损失"], "银行净收益": b["银行净收益"],
                     "客户经理奖金": b["客户经理奖金"], "是否超出不良容忍度": b["是否超出不良容忍度"]})
    return pd.DataFrame(rows)
