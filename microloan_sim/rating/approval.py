"""The approval threshold (05a): approve every applicant scoring at least a cut-off and count what that does to
volume, default rate and the bank's net result, on the held-out simulated applicants.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import InputError, require_number
from .statistical import ApprovalEconomics, _parameters_stamp, compare_expert_vs_statistical, statistical_parameters


#: Columns of :func:`approval_tradeoff`.
APPROVAL_COLUMNS = ("分数线", "通过户数", "通过率", "通过户违约率", "拒绝户违约率", "放款总额", "净收益")


def approval_tradeoff(scores: Sequence[float] | np.ndarray | pd.Series,
                      defaults: Sequence[int] | np.ndarray | pd.Series,
                      thresholds: Sequence[float] | np.ndarray,
                      economics: ApprovalEconomics | None = None) -> pd.DataFrame:
    """Approve every applicant whose score is at least the threshold (higher score = safer) and count what
    that does to volume, default rate and the bank's net result, one row per threshold.

    Net result = repaid loans × ``profit_if_repaid`` − defaulted loans × ``loss_if_default``
    (:class:`ApprovalEconomics`, 示例参数 in ``data/statistical_scorecard.yaml`` by default).

    Examples
    --------
    >>> econ = ApprovalEconomics(loan_amount=10_000, term_months=12, annual_rate=0.12, funding_cost=0.02,
    ...                          operating_cost=0, lgd=0.5)
    >>> t = approval_tradeoff([500, 600, 700, 800], [1, 0, 1, 0], [550, 750], econ)
    >>> t[["分数线", "通过户数", "通过户违约率", "拒绝户违约率", "净收益"]].values.tolist()
    [[550.0, 3.0, 0.3333333333333333, 1.0, -3000.0], [750.0, 1.0, 0.0, 0.6666666666666666, 1000.0]]
    """
    econ = economics if economics is not None else statistical_parameters().approval
    score = np.asarray(pd.to_numeric(pd.Series(scores), errors="coerce"), dtype=float)
    bad = np.asarray(pd.to_numeric(pd.Series(defaults), errors="coerce"), dtype=float)
    if score.size == 0 or score.size != bad.size:
        raise InputError(f"评分与违约标记应一一对应且不为空（评分 {score.size} 个，违约标记 {bad.size} 个）",
                         field="评分")
    if np.isnan(score).any():
        raise InputError(f"第 {int(np.argmax(np.isnan(score))) + 1} 个评分不是数字", field="评分")
    if not np.isin(bad, (0, 1)).all():
        raise InputError("违约标记只能是 0（正常）或 1（违约）", field="违约标记")
    cut = np.array([require_number(t, "分数线") for t in thresholds], dtype=float)
    order = np.argsort(score, kind="stable")
    ranked, ranked_bad = score[order], bad[order]
    # approved = scores >= cut: everything from the first position whose score is >= cut
    first = np.searchsorted(ranked, cut, side="left")
    bad_from = np.concatenate([np.cumsum(ranked_bad[::-1])[::-1], [0.0]])  # defaults at positions >= i
    n = score.size
    approved = (n - first).astype(float)
    approved_bad = bad_from[first]
    rejected = n - approved
    rejected_bad = bad.sum() - approved_bad
    with np.errstate(invalid="ignore", divide="ignore"):
        approved_rate = np.where(approved > 0, approved_bad / approved, np.nan)
        rejected_rate = np.where(rejected > 0, rejected_bad / rejected, np.nan)
    net = np.round((approved - approved_bad) * econ.profit_if_repaid - approved_bad * econ.loss_if_default, 2)
    return pd.DataFrame({"分数线": cut, "通过户数": approved, "通过率": approved / n, "通过户违约率": approved_rate,
                         "拒绝户违约率": rejected_rate, "放款总额": approved * econ.loan_amount, "净收益": net})


@dataclass(frozen=True)
class ApprovalSimulation:
    """Held-out simulated applicants scored by one model, with the threshold trade-off table."""

    model: str
    scores: np.ndarray
    defaults: np.ndarray
    table: pd.DataFrame
    economics: ApprovalEconomics

    @property
    def best(self) -> pd.Series:
        """The row with the highest net result (the first one if several tie)."""
        return self.table.iloc[int(np.argmax(self.table["净收益"].to_numpy()))]

    def at(self, threshold: float) -> pd.Series:
        """The trade-off row of one threshold (computed afresh, so any value works)."""
        return approval_tradeoff(self.scores, self.defaults, [threshold], self.economics).iloc[0]


#: Models the approval simulation can score with, and their Chinese names.
APPROVAL_MODELS = {"statistical": "统计评分卡", "expert": "专家评分卡"}


def approval_simulation(model: str = "statistical", *, steps: int = 41) -> ApprovalSimulation:
    """Score the held-out simulated applicants of :func:`compare_expert_vs_statistical` with ``model``
    (``statistical`` or ``expert``) and tabulate ``steps`` thresholds spread over the score quantiles.

    Examples
    --------
    >>> sim = approval_simulation("statistical")
    >>> bool(sim.table["通过率"].is_monotonic_decreasing), bool(0 < sim.best["通过率"] < 1)
    (True, True)
    """
    if model not in APPROVAL_MODELS:
        raise InputError(f"未知的模型“{model}”（可选：{'、'.join(APPROVAL_MODELS)}）", field="模型")
    return _approval_simulation(model, int(require_number(steps, "分数线档数", minimum=2, maximum=500)),
                                _parameters_stamp())


@lru_cache(maxsize=8)
def _approval_simulation(model: str, steps: int, _stamp: tuple[int, ...]) -> ApprovalSimulation:
    params = statistical_parameters()
    comparison = compare_expert_vs_statistical()
    scores, defaults = comparison.test_scores[model], comparison.test_defaults
    thresholds = np.unique(np.round(np.quantile(scores, np.linspace(0.0, 0.98, steps))))
    table = approval_tradeoff(scores, defaults, thresholds, params.approval)
    return ApprovalSimulation(model=model, scores=scores, defaults=defaults, table=table, economics=params.approval)


__all__ = ["APPROVAL_COLUMNS", "APPROVAL_MODELS", "ApprovalSimulation", "approval_simulation", "approval_tradeoff"]
