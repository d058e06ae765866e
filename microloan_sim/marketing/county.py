r"""A seeded synthetic county (虚构的县) and the pure arithmetic of marketing: the funnel and HHI.

The county is ``rows × cols`` grid cells (网格). One cell is a 商圈 (a wholesale market like C09's
商贸城: stalls), one an 产业园 around a 核心企业 (its upstream suppliers, like C08); of the others a share
are villages of ``village_households`` (200) households, mostly farms, the rest town cells of wage households
and shops. Counts come from ranges in ``data/marketing.yaml`` (示例参数); the same seed gives the same county.

The funnel (漏斗) is reached → applied → approved → disbursed, each stage a rate of the one before,
rounded half up:

.. math:: \text{applied} = [\text{reached} \times a],\quad \text{approved} = [\text{applied} \times b],
          \quad \text{disbursed} = [\text{approved} \times c]

HHI (Herfindahl–Hirschman index) of a book: :math:`\sum_i s_i^2` over the shares :math:`s_i` of its amount
in each common source of risk (one 核心企业, one market, one village, one grid cell).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, require_number
from ._params import KINDS, MarketingParameters, parameters

CELL_TYPES = {"village": "村", "town": "镇区", "market": "商圈", "cluster": "产业园"}


def _half_up(value: float) -> int:
    return int(np.floor(value + 0.5 + 1e-9))


def funnel(reached: float, apply_rate: float, approve_rate: float, draw_rate: float) -> tuple[int, int, int, int]:
    """The marketing funnel: reached → applied → approved → disbursed (counts, each rounded half up).

    Examples
    --------
    Domain-parts §5.1's illustrative funnel 100% → 60% → 30% → 15% of 1,000 visits: 600 apply, half of them are
    approved, half of those draw the loan.

    >>> funnel(1000, 0.6, 0.5, 0.5)
    (1000, 600, 300, 150)
    >>> funnel(7, 0.5, 0.5, 0.5)        # 3.5 → 4, 2, 1
    (7, 4, 2, 1)
    >>> funnel(-1, 0.5, 0.5, 0.5)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 接触客户数：不能小于 0（当前为 -1）
    """
    n = require_number(reached, "接触客户数", minimum=0)
    rates = [require_number(r, name, minimum=0, maximum=1)
             for r, name in ((apply_rate, "申请率"), (approve_rate, "获批率"), (draw_rate, "用信率"))]
    counts = [_half_up(n)]
    for rate in rates:
        counts.append(_half_up(counts[-1] * rate))
    return counts[0], counts[1], counts[2], counts[3]


def hhi(amounts: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Herfindahl–Hirschman index :math:`\\sum_i s_i^2` of amounts (or shares) by source of risk.

    Examples
    --------
    >>> round(hhi([50, 30, 20]), 4)        # 0.25 + 0.09 + 0.04
    0.38
    >>> hhi([1, 1, 1, 1])
    0.25
    >>> hhi([0, 0])
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 贷款金额：合计应大于 0
    """
    values = np.array([require_number(v, "贷款金额", minimum=0) for v in np.asarray(amounts, dtype=object).ravel()],
                      dtype=float)
    if values.size == 0 or values.sum() <= 0:
        raise InputError("合计应大于 0", field="贷款金额")
    shares = values / values.sum()
    return float(np.sum(shares ** 2))


def check_seed(seed: Any) -> int:
    """A county seed: a whole number ≥ 0 (``InputError`` naming 县域编号 otherwise)."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if seed < 0:
            raise InputError(f"不能小于 0（当前为 {seed}）", field="县域编号")
        return int(seed)
    value = require_number(seed, "县域编号", minimum=0)
    if value != int(value):
        raise InputError(f"应为整数（当前为 {seed}）", field="县域编号")
    return int(value)


def split(total: int, mix: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` by shares with the largest-remainder method (the parts add up to ``total``).

    >>> split(200, {"farm": 0.85, "household": 0.10, "shop": 0.05})
    {'farm': 170, 'household': 20, 'shop': 10}
    >>> sum(split(7, {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}).values())
    7
    """
    keys = list(mix)
    weights = np.array([max(float(mix[k]), 0.0) for k in keys])
    if total <= 0 or weights.sum() <= 0:
        return {k: 0 for k in keys}
    exact = weights / weights.sum() * total
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return {k: int(v) for k, v in zip(keys, base)}


@dataclass(frozen=True)
class County:
    """The county's grid cells: one row per cell with its type, label and count of each kind of client."""

    seed: int
    cells: pd.DataFrame

    @property
    def population(self) -> int:
        """All clients (households, shops, farms, stalls, suppliers) in the county."""
        return int(self.cells[list(KINDS)].to_numpy().sum())

    def totals(self) -> dict[str, int]:
        return {k: int(self.cells[k].sum()) for k in KINDS}

    def cell(self, kind: str) -> pd.Series:
        """The first cell of a type (``market`` or ``cluster``)."""
        return self.cells[self.cells["type"] == kind].iloc[0]


def make_county(seed: int = 0, params: MarketingParameters | None = None) -> County:
    """Draw the synthetic county of ``seed`` (the same seed gives the same county).

    Examples
    --------
    >>> c = make_county(3)
    >>> len(c.cells), int((c.cells["type"] == "market").sum()), int((c.cells["type"] == "cluster").sum())
    (36, 1, 1)
    >>> c.cells.equals(make_county(3).cells)
    True
    >>> int(c.cells.loc[c.cells["type"] == "village", ["farm", "household", "shop"]].sum(axis=1).iloc[0])
    200
    """
    s = check_seed(seed)
    p = (params or parameters()).county
    rng = np.random.default_rng([s, 6])
    n = p.rows * p.cols
    special = rng.choice(n, size=2, replace=False)
    villages = rng.random(n) < p.village_share
    rows = []
    for i in range(n):
        counts = dict.fromkeys(KINDS, 0)
        if i == special[0]:
            kind = "market"
            counts["stall"] = int(rng.integers(p.market_stalls[0], p.market_stalls[1] + 1))
            counts["household"] = int(rng.integers(p.market_households[0], p.market_households[1] + 1))
        elif i == special[1]:
            kind = "cluster"
            counts["supplier"] = int(rng.integers(p.cluster_suppliers[0], p.cluster_suppliers[1] + 1))
            counts["household"] = int(rng.integers(p.cluster_households[0], p.cluster_households[1] + 1))
        elif villages[i]:
            kind = "village"
            counts.update(split(p.village_households, p.village_mix))
        else:
            kind = "town"
            counts.update(split(int(rng.integers(p.town_households[0], p.town_households[1] + 1)), p.town_mix))
        r, c = divmod(i, p.cols)
        rows.append({"cell": i, "row": r + 1, "col": c + 1, "type": kind,
                     "label": f"{CELL_TYPES[kind]}（{r + 1}-{c + 1}）", **counts})
    cells = pd.DataFrame(rows)
    cells["total"] = cells[list(KINDS)].sum(axis=1)
    return County(seed=s, cells=cells)
