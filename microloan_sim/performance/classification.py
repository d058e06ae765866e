r"""五级分类 (five-category classification) floors by days past due, and delinquency buckets M0…M4+.

The floor rule (domain-parts §4.3 and §7 example 1; domain §7.3): any overdue → at least 关注 (special
mention); more than 90 days → at least 次级 (substandard); more than 270 days → at least 可疑 (doubtful, ⚠️);
more than 360 days → 损失 (loss, ⚠️). The thresholds are parameters in ``data/performance.yaml``. "Floor"
means the bank may classify worse, never better. 不良 (non-performing) = 次级 + 可疑 + 损失.

Categories are coded 0 … 4 so that a larger code is a worse class.

Examples
--------
>>> [CATEGORIES[c] for c in floor([0, 1, 90, 91, 271, 361])]
['正常', '关注', '关注', '次级', '可疑', '损失']
>>> bucket_names()[bucket([0, 1, 30, 31, 61, 91, 400])].tolist()
['M0', 'M1', 'M1', 'M2', 'M3', 'M4+', 'M4+']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from .parameters import ClassificationThresholds, load_parameters

if TYPE_CHECKING:
    import pandas as pd

#: Category code -> Chinese name (0 best … 4 worst).
CATEGORIES: tuple[str, ...] = ("正常", "关注", "次级", "可疑", "损失")
NORMAL, SPECIAL_MENTION, SUBSTANDARD, DOUBTFUL, LOSS = range(5)
#: Categories counted as 不良 (non-performing).
NON_PERFORMING = (SUBSTANDARD, DOUBTFUL, LOSS)
#: Delinquency buckets: M0 current, M1 1–30 dpd, M2 31–60, M3 61–90, M4+ over 90 (domain-parts §4.3).
BUCKETS: tuple[str, ...] = ("M0", "M1", "M2", "M3", "M4+")


def _days(days_past_due: Any) -> np.ndarray:
    values = np.asarray(days_past_due, dtype=float)
    if values.size and (np.isnan(values).any() or (values < 0).any()):
        raise InputError("应为不小于 0 的天数", field="逾期天数")
    return values


def floor(days_past_due: Any, thresholds: ClassificationThresholds | None = None) -> np.ndarray:
    """The floor: the best category the bank may report for each number of days past due.

    Parameters
    ----------
    days_past_due : array-like of int
        Days past due, ≥ 0.
    thresholds : ClassificationThresholds, optional
        Default: the ``classification`` block of ``data/performance.yaml``.

    Returns
    -------
    numpy.ndarray of int8
        0 正常, 1 关注, 2 次级, 3 可疑, 4 损失.

    Examples
    --------
    Domain-parts §7 example 1: 90 days exactly is not "超过90天".

    >>> floor([45, 90, 91]).tolist()
    [1, 1, 2]
    >>> floor([-1])
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 逾期天数：应为不小于 0 的天数
    """
    t = thresholds or load_parameters().classification
    days = _days(days_past_due)
    edges = np.array([t.special_mention_after, t.substandard_after, t.doubtful_after, t.loss_after], dtype=float)
    return (days[..., None] > edges).sum(axis=-1).astype(np.int8)


def names(codes: Any) -> list[str]:
    """Chinese names of category codes.

    Examples
    --------
    >>> names([0, 2])
    ['正常', '次级']
    """
    return [CATEGORIES[int(c)] for c in np.ravel(np.asarray(codes))]


def bucket(days_past_due: Any, days_per_period: int = 30) -> np.ndarray:
    """Delinquency bucket code 0 … 4 (M0, M1, M2, M3, M4+) for days past due.

    Examples
    --------
    >>> bucket([0, 30, 31, 90, 91]).tolist()
    [0, 1, 2, 3, 4]
    """
    days = _days(days_past_due)
    return np.minimum(np.ceil(days / days_per_period), 4).astype(np.int8)


def bucket_names() -> np.ndarray:
    """The bucket labels as an array (index it with :func:`bucket` codes)."""
    return np.array(BUCKETS)


def npl_ratio(balances: Sequence[float], codes: Sequence[int]) -> float:
    """不良率: balance of 次级 + 可疑 + 损失 ÷ total balance.

    Examples
    --------
    Domain-parts §7 example 1: eight loans of 10万 at 0, 1, 45, 90, 91, 200, 271 and 361 days past due.

    >>> codes = floor([0, 1, 45, 90, 91, 200, 271, 361])
    >>> npl_ratio([100_000] * 8, codes)
    0.5
    """
    b = np.asarray(balances, dtype=float)
    c = np.asarray(codes)
    if b.shape != c.shape:
        raise InputError("余额与分类的个数应相同", field="贷款余额")
    total = float(b.sum())
    if total <= 0:
        raise InputError("贷款余额合计应大于 0", field="贷款余额")
    return float(b[np.isin(c, NON_PERFORMING)].sum() / total)


def floor_table(days_past_due: Sequence[int], thresholds: ClassificationThresholds | None = None) -> pd.DataFrame:
    """Chinese table of days past due → 五级分类下限 → 是否不良 (domain-parts §7 example 1).

    Examples
    --------
    >>> floor_table([90, 91])["五级分类下限"].tolist()
    ['关注', '次级']
    """
    import pandas as pd

    codes = floor(days_past_due, thresholds)
    return pd.DataFrame({"逾期天数": [int(d) for d in days_past_due], "五级分类下限": names(codes),
                         "是否不良": ["是" if c in NON_PERFORMING else "否" for c in codes]})
