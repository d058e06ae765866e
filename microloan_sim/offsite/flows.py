"""Monthly inflows and outflows, the seasonality index and counterparty concentration (top-N share, HHI)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, require_number
from .read import validate_transactions  # noqa: F401  (used by the Examples)


def monthly_flows(tx: pd.DataFrame) -> pd.DataFrame:
    """Monthly inflows and outflows of a validated statement.

    Columns: ``inflow`` and ``outflow`` (both ≥ 0), ``net``, ``inflow_count``, ``outflow_count``; the index is
    every month (``Period``) from the first to the last transaction, empty months included.

    Examples
    --------
    >>> tx = validate_transactions(pd.DataFrame({"date": ["2025-01-05", "2025-01-20", "2025-03-01"],
    ...     "amount": [1_000, -400, 250], "counterparty": ["甲", "乙", "丙"]}))
    >>> m = monthly_flows(tx)
    >>> [str(p) for p in m.index], m["inflow"].tolist(), m["outflow"].tolist(), m["net"].tolist()
    (['2025-01', '2025-02', '2025-03'], [1000.0, 0.0, 250.0], [400.0, 0.0, 0.0], [600.0, 0.0, 250.0])
    """
    amount = tx["amount"].to_numpy(dtype=float)
    month = tx["date"].dt.to_period("M")
    parts = pd.DataFrame({
        "month": month,
        "inflow": np.where(amount > 0, amount, 0.0),
        "outflow": np.where(amount < 0, -amount, 0.0),
        "inflow_count": (amount > 0).astype(np.int64),
        "outflow_count": (amount < 0).astype(np.int64),
    })
    table = parts.groupby("month").sum()
    months = pd.period_range(month.min(), month.max(), freq="M", name="month")
    table = table.reindex(months, fill_value=0)
    table.insert(2, "net", table["inflow"] - table["outflow"])
    return table


def seasonality(monthly: pd.DataFrame, column: str = "inflow", by: str = "period") -> pd.Series:
    """Seasonality index: each month's flow ÷ the average month (1.0 = an average month).

    ``by="calendar_month"`` averages the index of the same calendar month over the years (index 1–12).

    Examples
    --------
    >>> m = pd.DataFrame({"inflow": [150.0, 50.0, 100.0]}, index=pd.period_range("2025-01", periods=3, freq="M"))
    >>> seasonality(m).tolist()
    [1.5, 0.5, 1.0]
    """
    if column not in monthly.columns:
        raise InputError(f"没有“{column}”列", field="季节性指数")
    values = monthly[column].astype(float)
    mean = float(values.mean())
    index = values / mean if mean else values * np.nan
    index.name = "seasonality"
    if by == "period":
        return index
    if by == "calendar_month":
        periods = index.index
        if not isinstance(periods, (pd.PeriodIndex, pd.DatetimeIndex)):
            raise InputError("按日历月份汇总需要以月份为索引", field="季节性指数")
        profile = index.groupby(periods.month).mean()
        profile.index.name = "calendar_month"
        return profile
    raise InputError(f"应为 period 或 calendar_month，收到“{by}”", field="季节性指数")


@dataclass(frozen=True)
class Concentration:
    """Counterparty concentration of inflows or outflows.

    ``table``: one row per counterparty, largest first, with ``amount``, ``count``, ``share`` (sums to 1)
    and ``cumulative_share``. ``hhi = Σ share²`` (0–1; 1 = a single counterparty).
    """

    direction: str
    table: pd.DataFrame
    top_n: int
    top_n_share: float
    hhi: float

    @property
    def equivalent_counterparties(self) -> float:
        """1 / HHI: the number of equal-sized counterparties with the same concentration."""
        return 1.0 / self.hhi if self.hhi else float("nan")


def concentration(tx: pd.DataFrame, direction: str = "inflow", top_n: int = 5) -> Concentration:
    """Counterparty concentration (top-N share and HHI) of inflows (``"inflow"``) or outflows (``"outflow"``).

    Examples
    --------
    >>> tx = validate_transactions(pd.DataFrame({"date": ["2025-01-01"] * 4,
    ...     "amount": [600, 200, 200, -50], "counterparty": ["甲", "乙", "甲", "丙"]}))
    >>> c = concentration(tx, "inflow", top_n=1)
    >>> c.table["share"].tolist(), c.top_n_share, round(c.hhi, 4)
    ([0.8, 0.2], 0.8, 0.68)
    """
    aliases = {"inflow": "inflow", "in": "inflow", "流入": "inflow", "outflow": "outflow", "out": "outflow",
               "流出": "outflow"}
    if direction not in aliases:
        raise InputError(f"应为 inflow（流入）或 outflow（流出），收到“{direction}”", field="方向")
    direction = aliases[direction]
    n = int(require_number(top_n, "前 N 大交易对手", strictly_positive=True))
    amount = tx["amount"]
    chosen = amount > 0 if direction == "inflow" else amount < 0
    sized = pd.DataFrame({"counterparty": tx.loc[chosen, "counterparty"], "amount": amount[chosen].abs()})
    table = sized.groupby("counterparty", sort=False)["amount"].agg(["sum", "count"])
    table.columns = ["amount", "count"]
    table = table.sort_values(["amount", "count"], ascending=False, kind="stable")
    total = float(table["amount"].sum())
    table["share"] = table["amount"] / total if total else 0.0
    table["cumulative_share"] = table["share"].cumsum()
    top_share = float(table["share"].iloc[:n].sum())
    hhi = float((table["share"] ** 2).sum())
    return Concentration(direction, table, n, top_share, hhi)
