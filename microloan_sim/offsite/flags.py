"""Per-transaction flags: large and round-number transfers, family and related parties, own accounts, the same
surname, late night, weekends and holidays, month end, and same-day pass-through pairs (过账/走账)."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .thresholds import OffsiteParameters, parameters
from .read import validate_transactions  # noqa: F401  (used by the Examples)


#: Chinese labels of the per-transaction flags.
FLAG_LABELS = {
    "large": "大额交易",
    "round_number": "整数金额",
    "related_party": "家庭成员/关联方",
    "self_transfer": "本人账户互转",
    "same_surname": "同姓交易对手（需核实）",
    "late_night": "深夜交易",
    "pass_through": "过账/走账（同日快进快出）",
    "weekend": "周末交易",
    "holiday": "节假日交易",
    "month_end": "月末交易",
}
#: Flags listed transaction by transaction in :attr:`OffsiteReport.flags`; weekend, holiday and month-end
#: transactions are common and are summarised in :attr:`OffsiteReport.timing` instead.
LISTED_FLAGS = ("large", "round_number", "related_party", "self_transfer", "same_surname", "late_night",
                "pass_through")

COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "夏侯", "轩辕", "令狐", "宇文",
    "司徒", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "申屠", "太史", "公冶", "钟离", "闻人",
))
_PERSON = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")
_ORGANISATION = re.compile(
    r"(?:公司|有限|集团|银行|信用社|超市|商场|中心|合作社|学校|医院|财付通|支付宝|委员会|政府|供电|自来水|燃气|税务|"
    r"保险|证券|基金|移动|联通|电信|加油|物业|批发|商行|门市)|[店厂局行社所站馆院场部司队会处]$")
_LOAN_WORDS = re.compile(r"贷款发放|放款|借款|贷款入账")
#: Wages paid in by an employer (代发工资): household income, never sales.
_SALARY_WORDS = re.compile(r"代发|工资|薪金|薪资|绩效")
#: Outflows whose memo explains them as an operating cost (staff wages, rent, goods): not a hidden lender.
_EXPLAINED_OUTFLOW = re.compile(r"工资|薪|房租|租金|货款|进货|水电")


def _surname(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def _counterparty_kinds(names: pd.Index, related: Sequence[str], borrower: str | None) -> pd.DataFrame:
    """Classify each distinct counterparty once: person, related party, self, same surname."""
    text = pd.Series(names.astype(str), index=names)
    person = text.str.fullmatch(_PERSON.pattern) & ~text.str.contains(_ORGANISATION.pattern, regex=True)
    if related:
        pattern = "|".join(re.escape(n) for n in related)
        is_related = text.str.contains(pattern, regex=True)
    else:
        is_related = pd.Series(False, index=names)
    is_self = (text == borrower) if borrower else pd.Series(False, index=names)
    surnames = {_surname(n) for n in [*related, *([borrower] if borrower else [])] if n}
    first_two, first_one = text.str[:2], text.str[:1]
    own_surname = first_two.where(first_two.isin(COMPOUND_SURNAMES), first_one)
    same = person & own_surname.isin(surnames) & ~is_related & ~is_self
    return pd.DataFrame({"person": person, "related_party": is_related & ~is_self, "self_transfer": is_self,
                         "same_surname": same})


def _pass_through(tx: pd.DataFrame, tolerance: float, minimum: float, has_time: bool) -> pd.DataFrame:
    """Same-day in-then-out pairs of similar amount, each outflow used at most once."""
    amount = tx["amount"]
    day = tx["date"].dt.normalize()
    size = amount.abs()
    keep = size >= max(minimum, 0.01)
    ins = pd.DataFrame({"day": day, "size": size, "in_id": tx.index, "in_time": tx["date"]})[keep & (amount > 0)]
    outs = pd.DataFrame({"day": day, "size": size, "out_id": tx.index, "out_time": tx["date"]})[keep & (amount < 0)]
    columns = ["date", "in_counterparty", "in_amount", "out_counterparty", "out_amount", "gap", "in_id", "out_id"]
    if ins.empty or outs.empty:
        return pd.DataFrame(columns=columns)
    outs = outs.assign(out_size=outs["size"])
    pairs = pd.merge_asof(ins.sort_values("size", kind="stable"), outs.sort_values("size", kind="stable"),
                          on="size", by="day", direction="nearest")
    pairs = pairs.dropna(subset=["out_id"])
    pairs = pairs[(pairs["out_size"] - pairs["size"]).abs() <= tolerance * pairs["size"]]
    if has_time:
        pairs = pairs[pairs["out_time"] >= pairs["in_time"]]
    pairs = pairs.assign(gap=(pairs["out_size"] - pairs["size"]).abs())
    pairs = pairs.sort_values(["gap", "in_id"], kind="stable").drop_duplicates("out_id").sort_values("in_id")
    in_id = pairs["in_id"].to_numpy(dtype=np.int64)
    out_id = pairs["out_id"].to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "date": pairs["day"].to_numpy(), "in_counterparty": tx["counterparty"].to_numpy()[in_id],
        "in_amount": pairs["size"].to_numpy(), "out_counterparty": tx["counterparty"].to_numpy()[out_id],
        "out_amount": pairs["out_size"].to_numpy(), "gap": pairs["gap"].to_numpy(), "in_id": in_id,
        "out_id": out_id,
    }, columns=columns)


def annotate(tx: pd.DataFrame, related_parties: Iterable[str] = (), *, borrower_name: str | None = None,
             params: OffsiteParameters | None = None) -> pd.DataFrame:
    """Per-transaction flags (boolean columns named as in :data:`FLAG_LABELS`) on a validated statement.

    Also adds ``month`` and ``round_unit`` (the largest round unit the amount is a multiple of, else 0).

    Examples
    --------
    >>> tx = validate_transactions(pd.DataFrame({"date": ["2025-01-31 23:30", "2025-02-01 10:00"],
    ...     "amount": [20_000, -20_000], "counterparty": ["王德贵", "某某批发部"]}))
    >>> a = annotate(tx, borrower_name="王秀英")
    >>> a.loc[0, ["round_number", "same_surname", "late_night", "month_end"]].tolist()
    [True, True, True, True]
    """
    return _annotate(tx, related_parties, borrower_name, params or parameters())[0]


def _annotate(tx: pd.DataFrame, related_parties: Iterable[str], borrower_name: str | None,
              p: OffsiteParameters) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """:func:`annotate`, also returning the pass-through pairs and whether the statement has times."""
    related = tuple(dict.fromkeys(str(n).strip() for n in related_parties if str(n).strip()))
    borrower = str(borrower_name).strip() if borrower_name else None
    out = tx.reset_index(drop=True)
    amount = out["amount"].to_numpy(dtype=float)
    size = np.abs(amount)
    dates = out["date"]
    out["month"] = dates.dt.to_period("M")

    # The median is taken per direction: many tiny QR-code payments must not make every supplier payment "large".
    median_in = float(np.median(size[amount > 0])) if (amount > 0).any() else np.inf
    median_out = float(np.median(size[amount < 0])) if (amount < 0).any() else np.inf
    median = np.where(amount > 0, median_in, median_out)
    out["large"] = (size >= p.large_amount) | ((size >= p.large_median_multiple * median)
                                               & (size >= p.large_min_amount))
    cents = np.rint(size * 100).astype(np.int64)
    unit = np.zeros(len(out), dtype=np.int64)
    for u in p.round_units:  # a handful of units, not rows
        unit = np.where(cents % (u * 100) == 0, u, unit)
    out["round_unit"] = np.where(size >= p.round_min_amount, unit, 0)
    out["round_number"] = out["round_unit"] > 0

    codes, uniques = pd.factorize(out["counterparty"])
    kinds = _counterparty_kinds(pd.Index(uniques), related, borrower)
    for column in ("related_party", "self_transfer", "same_surname"):
        out[column] = kinds[column].to_numpy()[codes]
    out["same_surname"] &= size >= p.same_surname_min_amount

    has_time = bool((dates != dates.dt.normalize()).any())
    hour = dates.dt.hour
    if p.late_night_from > p.late_night_to:
        night = (hour >= p.late_night_from) | (hour < p.late_night_to)
    else:
        night = (hour >= p.late_night_from) & (hour < p.late_night_to)
    out["late_night"] = night & has_time
    out["weekend"] = dates.dt.day_of_week >= 5
    holidays = pd.DatetimeIndex(pd.to_datetime(list(p.holidays))) if p.holidays else pd.DatetimeIndex([])
    out["holiday"] = dates.dt.normalize().isin(holidays)
    out["month_end"] = dates.dt.day > dates.dt.days_in_month - p.month_end_days

    pairs = _pass_through(out, p.pass_through_tolerance, p.pass_through_min_amount, has_time)
    through = np.zeros(len(out), dtype=bool)
    through[pairs["in_id"].to_numpy(dtype=np.int64)] = True
    through[pairs["out_id"].to_numpy(dtype=np.int64)] = True
    out["pass_through"] = through
    loan = out["description"].str.contains(_LOAN_WORDS.pattern, regex=True) & (amount > 0)
    out["salary"] = out["description"].str.contains(_SALARY_WORDS.pattern, regex=True) & (amount > 0)
    out["private_person"] = kinds["person"].to_numpy()[codes] & ~out["related_party"] & ~out["self_transfer"]
    out["non_sales_inflow"] = (amount > 0) & (out["related_party"] | out["self_transfer"] | out["pass_through"]
                                              | loan | out["salary"])
    return out, pairs, has_time


def recurring_private_payments(annotated: pd.DataFrame, params: OffsiteParameters | None = None) -> pd.DataFrame:
    """Regular payments to the same private person (定期付给个人): how an officer finds undeclared private loans.

    A counterparty counts when it is a person (not a shop or company, not family or the borrower's own account),
    the memo does not explain the payment as wages, rent or goods, it is paid in at least
    ``recurring_min_months`` different months, every payment within ``recurring_tolerance`` of the average,
    and the average is at least ``recurring_min_amount`` (示例参数, ``crosscheck.yaml``).

    Examples
    --------
    >>> tx = validate_transactions(pd.DataFrame({
    ...     "date": ["2025-01-05", "2025-01-08", "2025-02-05", "2025-03-05", "2025-03-09"],
    ...     "amount": [-3_000, -2_000, -3_000, -3_100, -800],
    ...     "counterparty": ["赵建军", "某某批发部", "赵建军", "赵建军", "李明"],
    ...     "description": ["转账", "货款", "转账", "转账", "转账"]}))
    >>> table = recurring_private_payments(annotate(tx))
    >>> table.index.tolist(), int(table.loc["赵建军", "月份数"])
    (['赵建军'], 3)
    """
    p = params or parameters()
    columns = ["月份数", "笔数", "平均每笔（元）", "合计（元）", "首次", "最近"]
    explained = annotated["description"].str.contains(_EXPLAINED_OUTFLOW.pattern, regex=True)
    out = annotated[(annotated["amount"] < 0) & annotated["private_person"] & ~explained]
    if out.empty:
        return pd.DataFrame(columns=columns).rename_axis("交易对手")
    size = out["amount"].abs()
    grouped = out.assign(size=size).groupby("counterparty", sort=False)
    table = pd.DataFrame({
        "月份数": grouped["month"].nunique(), "笔数": grouped["size"].size(),
        "平均每笔（元）": grouped["size"].mean(), "合计（元）": grouped["size"].sum(),
        "最大偏离": grouped["size"].agg(lambda v: float((v - v.mean()).abs().max() / v.mean())),
        "首次": grouped["date"].min().dt.strftime("%Y-%m-%d"), "最近": grouped["date"].max().dt.strftime("%Y-%m-%d"),
    })
    keep = ((table["月份数"] >= p.recurring_min_months) & (table["最大偏离"] <= p.recurring_tolerance)
            & (table["平均每笔（元）"] >= p.recurring_min_amount))
    result = table.loc[keep, columns].sort_values("合计（元）", ascending=False)
    result.index.name = "交易对手"
    return result
