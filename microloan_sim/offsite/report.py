"""Everything the off-site analysis finds in a statement: :func:`analyse` and its :class:`OffsiteReport`."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .flags import FLAG_LABELS, LISTED_FLAGS, _annotate, recurring_private_payments
from .flows import Concentration, concentration, monthly_flows, seasonality
from .thresholds import OffsiteParameters, parameters
from .read import validate_transactions


@dataclass(frozen=True)
class OffsiteReport:
    """Everything :func:`analyse` finds in a statement.

    Attributes
    ----------
    transactions : DataFrame
        The validated statement with the flag columns of :func:`annotate`.
    monthly : DataFrame
        :func:`monthly_flows` plus ``business_inflow`` (inflow less related-party, own-account, pass-through
        and loan inflows: the part that may be sales) and the month-end shares.
    seasonality : Series
        Seasonality index of the monthly *business* inflow (so a one-off transfer does not look like a peak
        season); :func:`seasonality` gives it for any column of ``monthly``.
    inflow_concentration, outflow_concentration : Concentration
    large, round_numbers, related : DataFrame
        Flagged transactions.
    pass_through : DataFrame
        In/out pairs (过账/走账).
    timing : DataFrame
        Count and amount of late-night, weekend, holiday and month-end transactions.
    flags : DataFrame
        One row per flagged transaction and listed flag (:data:`LISTED_FLAGS`), with the Chinese label.
    has_time : bool
        Whether the statement carries times of day (needed for the late-night check).
    params : OffsiteParameters
    recurring_private : DataFrame
        Regular payments to the same private person (:func:`recurring_private_payments`): possible hidden debt.
    """

    transactions: pd.DataFrame
    monthly: pd.DataFrame
    seasonality: pd.Series
    inflow_concentration: Concentration
    outflow_concentration: Concentration
    large: pd.DataFrame
    round_numbers: pd.DataFrame
    related: pd.DataFrame
    pass_through: pd.DataFrame
    timing: pd.DataFrame
    flags: pd.DataFrame
    has_time: bool
    params: OffsiteParameters = field(default_factory=OffsiteParameters)
    recurring_private: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def average_monthly_inflow(self) -> float:
        return float(self.monthly["inflow"].mean())

    @property
    def average_monthly_business_inflow(self) -> float:
        """Average monthly inflow that may be sales; input of :func:`microloan_sim.crosscheck.sales_from_bank_flows`."""
        return float(self.monthly["business_inflow"].mean())

    @property
    def burst_months(self) -> pd.DataFrame:
        """Months whose inflow or outflow is concentrated in the last days (月末集中, 示例参数)."""
        m = self.monthly
        return m[m["month_end_inflow_burst"] | m["month_end_outflow_burst"]]

    def summary(self) -> pd.Series:
        """Key figures with Chinese labels."""
        tx = self.transactions
        return pd.Series({
            "交易笔数": float(len(tx)),
            "月份数": float(len(self.monthly)),
            "流入合计（元）": float(self.monthly["inflow"].sum()),
            "流出合计（元）": float(self.monthly["outflow"].sum()),
            "月均流入（元）": self.average_monthly_inflow,
            "月均经营性流入（元）": self.average_monthly_business_inflow,
            f"流入前 {self.params.top_n} 大对手占比": self.inflow_concentration.top_n_share,
            "流入 HHI": self.inflow_concentration.hhi,
            f"流出前 {self.params.top_n} 大对手占比": self.outflow_concentration.top_n_share,
            "流出 HHI": self.outflow_concentration.hhi,
            "大额交易笔数": float(len(self.large)),
            "整数金额笔数": float(len(self.round_numbers)),
            "关联方交易笔数": float(len(self.related)),
            "过账/走账对数": float(len(self.pass_through)),
            "定期付给个人的对手数": float(len(self.recurring_private)),
            "代发工资流入（元）": float(self.transactions.loc[self.transactions["salary"], "amount"].sum()),
            "月末集中月份数": float(len(self.burst_months)),
        }, name="非现场调查摘要")

    def findings(self) -> list[str]:
        """Plain-Chinese findings for the learner (thresholds are 示例参数)."""
        p = self.params
        notes = []
        if float(self.monthly["inflow"].sum()) <= 0:
            notes.append("流水中没有流入。")
        elif float(self.monthly["business_inflow"].sum()) <= 0 or self.seasonality.isna().all():
            notes.append(f"月均流入 {self.average_monthly_inflow:,.0f} 元，其中没有可能属于经营收入的部分"
                         f"（工资、家庭成员和本人账户转入、贷款入账等已剔除）。")
        else:
            peak, low = self.seasonality.idxmax(), self.seasonality.idxmin()
            notes.append(f"月均流入 {self.average_monthly_inflow:,.0f} 元，其中可能属于经营收入的约 "
                         f"{self.average_monthly_business_inflow:,.0f} 元；流入最高的月份是 {peak}（季节性指数 "
                         f"{self.seasonality.max():.2f}），最低的是 {low}（{self.seasonality.min():.2f}）。")
        for c, word in ((self.inflow_concentration, "流入"), (self.outflow_concentration, "流出")):
            if c.table.empty:
                continue
            level = "分散" if c.hhi < p.hhi_moderate else ("中等集中" if c.hhi <= p.hhi_high else "高度集中")
            top = "、".join(map(str, c.table.index[:3]))
            notes.append(f"{word}前 {c.top_n} 大交易对手占 {c.top_n_share:.1%}，HHI {c.hhi:.3f}（{level}）；"
                         f"最大的是 {top}。")
        if len(self.large):
            notes.append(f"大额交易 {len(self.large)} 笔（单笔 ≥ {p.large_amount:,.0f} 元，或 ≥ 同方向交易中位数的 "
                         f"{p.large_median_multiple:g} 倍且 ≥ {p.large_min_amount:,.0f} 元），请逐笔了解用途。")
        if len(self.related):
            notes.append(f"与家庭成员、关联方或本人其他账户往来 {len(self.related)} 笔，合计流入 "
                         f"{self.related.loc[self.related['amount'] > 0, 'amount'].sum():,.0f} 元，流出 "
                         f"{abs(self.related.loc[self.related['amount'] < 0, 'amount'].sum()):,.0f} 元；这些不是经营收入。")
        surname = int(self.transactions["same_surname"].sum())
        if surname:
            notes.append(f"有 {surname} 笔 {p.same_surname_min_amount:,.0f} 元以上的交易，对手与借款人或其家人同姓，"
                         f"可能是亲属，需核实。")
        if len(self.pass_through):
            notes.append(f"发现 {len(self.pass_through)} 对同日快进快出、金额相近的交易（过账/走账），"
                         f"可能是为做大流水或替他人过账，计算销售额时应剔除。")
        salary = self.transactions[self.transactions["salary"]]
        if len(salary):
            notes.append(f"代发工资等工资性流入 {len(salary)} 笔，合计 {salary['amount'].sum():,.0f} 元：这是家庭工资收入，"
                         f"不是经营收入，已从经营性流入中剔除。")
        for who, row in self.recurring_private.iterrows():
            notes.append(f"每月定期转给个人“{who}”：{int(row['月份数'])} 个月共 {int(row['笔数'])} 笔，平均每笔 "
                         f"{row['平均每笔（元）']:,.0f} 元，合计 {row['合计（元）']:,.0f} 元。可能是未申报的私人借款还款"
                         f"（隐性负债），请向借款人核实并与申报的负债对照。")
        if len(self.burst_months):
            months = "、".join(map(str, self.burst_months.index))
            notes.append(f"{months} 的资金集中在月末最后 {p.month_end_days} 天进出，注意是否“冲时点”。")
        if self.has_time:
            night = int(self.transactions["late_night"].sum())
            if night:
                notes.append(f"深夜（{p.late_night_from} 点至 {p.late_night_to} 点）交易 {night} 笔。")
        else:
            notes.append("流水只有日期没有时间，无法检查深夜交易。")
        return notes


def analyse(df: pd.DataFrame, related_parties: Iterable[str] = (), *, borrower_name: str | None = None,
            file: str | None = None, params: OffsiteParameters | None = None) -> OffsiteReport:
    """Validate a statement and run every off-site analysis.

    Parameters
    ----------
    df : DataFrame
        The bank statement (see the module docstring).
    related_parties : iterable of str
        Names of family members and related parties (spouse, relatives, partners, the borrower's firms).
    borrower_name : str, optional
        The borrower's name: transfers with it are 本人账户互转; its surname feeds the same-surname check.
    file : str, optional
        File name for error messages.
    params : OffsiteParameters, optional
        Thresholds; by default :func:`parameters` (示例参数).

    Returns
    -------
    OffsiteReport

    Examples
    --------
    >>> tx = pd.DataFrame({"date": ["2025-01-03 10:00", "2025-01-03 15:00", "2025-01-20 09:00"],
    ...     "amount": [50_000, -49_800, 3_000], "counterparty": ["张海涛", "刘建军", "李建国"]})
    >>> r = analyse(tx, related_parties=["李建国"], borrower_name="王秀英")
    >>> r.pass_through[["in_counterparty", "out_counterparty"]].values.tolist()
    [['张海涛', '刘建军']]
    >>> r.monthly.loc["2025-01", "business_inflow"]  # the pass-through and the spouse's transfer are not sales
    np.float64(0.0)
    """
    p = params or parameters()
    tx, pairs, has_time = _annotate(validate_transactions(df, file=file), related_parties, borrower_name, p)

    monthly = monthly_flows(tx)
    amount = tx["amount"]
    positive = amount > 0
    business = amount.where(positive & ~tx["non_sales_inflow"], 0.0).groupby(tx["month"]).sum()
    monthly["business_inflow"] = business.reindex(monthly.index, fill_value=0.0)
    end_in = amount.where(positive & tx["month_end"], 0.0).groupby(tx["month"]).sum().reindex(monthly.index,
                                                                                                fill_value=0.0)
    end_out = (-amount).where(~positive & tx["month_end"], 0.0).groupby(tx["month"]).sum().reindex(
        monthly.index, fill_value=0.0)
    monthly["month_end_inflow_share"] = (end_in / monthly["inflow"].where(monthly["inflow"] > 0)).fillna(0.0)
    monthly["month_end_outflow_share"] = (end_out / monthly["outflow"].where(monthly["outflow"] > 0)).fillna(0.0)
    monthly["month_end_inflow_burst"] = monthly["month_end_inflow_share"] >= p.month_end_burst_share
    monthly["month_end_outflow_burst"] = monthly["month_end_outflow_share"] >= p.month_end_burst_share

    shown = ["date", "amount", "counterparty", "description", "channel"]
    timing_rows = []
    for flag in ("late_night", "weekend", "holiday", "month_end"):  # four summary rows, not a loop over rows
        chosen = tx[flag]
        unknown = flag == "late_night" and not has_time  # no times of day: cannot tell
        timing_rows.append({
            "flag": flag, "label": FLAG_LABELS[flag],
            "count": np.nan if unknown else float(chosen.sum()),
            "share_of_transactions": np.nan if unknown else float(chosen.mean()),
            "inflow": np.nan if unknown else float(amount[chosen & positive].sum()),
            "outflow": np.nan if unknown else float(-amount[chosen & ~positive].sum()),
        })
    timing = pd.DataFrame(timing_rows).set_index("flag")

    listed = tx[[*shown, *LISTED_FLAGS]]
    long = listed.melt(id_vars=shown, value_vars=list(LISTED_FLAGS), var_name="flag", value_name="on",
                       ignore_index=False)
    long = long[long["on"]].drop(columns="on")
    long["label"] = long["flag"].map(FLAG_LABELS)
    long = long.rename_axis("row").reset_index().sort_values(["row", "flag"], kind="stable").reset_index(drop=True)

    return OffsiteReport(
        transactions=tx,
        monthly=monthly,
        seasonality=seasonality(monthly, "business_inflow"),
        inflow_concentration=concentration(tx, "inflow", p.top_n) if positive.any() else _empty("inflow", p),
        outflow_concentration=concentration(tx, "outflow", p.top_n) if (~positive).any() else _empty("outflow", p),
        large=tx.loc[tx["large"], shown],
        round_numbers=tx.loc[tx["round_number"], [*shown, "round_unit"]],
        related=tx.loc[tx["related_party"] | tx["self_transfer"], shown],
        pass_through=pairs,
        timing=timing,
        flags=long,
        has_time=has_time,
        params=p,
        recurring_private=recurring_private_payments(tx, p),
    )


def _empty(direction: str, p: OffsiteParameters) -> Concentration:
    table = pd.DataFrame(columns=["amount", "count", "share", "cumulative_share"])
    table.index.name = "counterparty"
    return Concentration(direction, table, p.top_n, 0.0, 0.0)


def to_frame(report: OffsiteReport) -> pd.DataFrame:
    """The monthly table with Chinese column names (for display).

    Examples
    --------
    >>> from microloan_sim.offsite import simulate_transactions
    >>> r = analyse(simulate_transactions(2, seed=3))
    >>> list(to_frame(r).columns)[:3]
    ['流入（元）', '流出（元）', '净流入（元）']
    """
    names = {"inflow": "流入（元）", "outflow": "流出（元）", "net": "净流入（元）", "inflow_count": "流入笔数",
             "outflow_count": "流出笔数", "business_inflow": "经营性流入（元）",
             "month_end_inflow_share": "月末流入占比", "month_end_outflow_share": "月末流出占比",
             "month_end_inflow_burst": "月末流入集中", "month_end_outflow_burst": "月末流出集中"}
    table = report.monthly.rename(columns=names)
    table["季节性指数"] = report.seasonality
    table.index = table.index.astype(str)
    table.index.name = "月份"
    return table
