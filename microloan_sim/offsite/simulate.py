"""A realistic simulated bank statement of a small shop, for tests, demos and the benchmark."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, require_number


_SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"))
_GIVEN = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志海东文斌宇浩凯鹏飞"))
SUPPLIERS = ("市区惠丰食品批发商行", "宏达日用品批发部", "区烟草专卖局（零售户结算）")
BUSINESS_CUSTOMERS = ("园区电子厂职工食堂", "恒通物流有限公司")
UTILITIES = (("国网某市供电公司", "电费", 0.015), ("某市自来水有限公司", "水费", 0.0016),
             ("中国移动通信集团某省有限公司", "话费", 0.002))
TAX_OFFICE = "国家税务总局某市某区税务局"
SETTLEMENT = (("财付通支付科技有限公司", "微信", "财付通结算"), ("支付宝（中国）网络技术有限公司", "支付宝", "支付宝结算"))
_DEFAULT_SEASON = (1.35, 1.2, 0.85, 0.9, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 0.95, 1.15)


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    surname = rng.choice(_SURNAMES, n)
    first = rng.choice(_GIVEN, n)
    second = rng.choice(_GIVEN, n)
    two_chars = rng.random(n) < 0.7
    return np.where(two_chars, np.char.add(np.char.add(surname, first), second), np.char.add(surname, first))


def simulate_transactions(n_months: int = 12, seed: int = 0, monthly_sales: float = 100_000.0, *,
                          start: str = "2025-01", borrower_name: str = "王秀英", spouse_name: str = "李建国",
                          family: Sequence[str] = ("王秀兰", "李德明"), account_share: float = 0.8,
                          gross_margin: float = 0.25, payments_per_day: float = 4.0,
                          seasonal: Sequence[float] | None = None, with_time: bool = True,
                          anomalies: bool = True) -> pd.DataFrame:
    """A realistic simulated statement of a small shop (个体工商户) for tests, demos and the benchmark.

    Inflows: daily 微信/支付宝 settlement (财付通、支付宝), monthly transfers from business customers, direct
    transfers from individual customers (``payments_per_day`` on average), the spouse's monthly transfer.
    Outflows: suppliers, electricity/water/phone, tax, quarterly rent, wages, loan interest and car loan,
    household spending, transfers to family. With ``anomalies`` a pass-through pair (过账), a late-night
    round transfer to family, a month-end in-and-out with a same-surname person (冲时点) and an unexplained
    round transfer are planted.

    Parameters
    ----------
    n_months : int
        Number of months (≥ 1).
    seed : int
        Random seed; the same seed gives the same statement.
    monthly_sales : float
        Average monthly sales (元, > 0); ``account_share`` of them pass through the account.
    seasonal : sequence of 12 floats, optional
        Calendar-month multipliers of sales (default: a shop busy around the Spring Festival).

    Returns
    -------
    DataFrame
        Columns ``date``, ``amount``, ``counterparty``, ``description``, ``channel``, in time order.

    Examples
    --------
    >>> a = simulate_transactions(3, seed=7)
    >>> b = simulate_transactions(3, seed=7)
    >>> a.equals(b), list(a.columns)
    (True, ['date', 'amount', 'counterparty', 'description', 'channel'])
    >>> bool(a["date"].is_monotonic_increasing) and bool((a["amount"] != 0).all())
    True
    """
    months = int(require_number(n_months, "月份数", strictly_positive=True))
    sales = require_number(monthly_sales, "月销售额", strictly_positive=True)
    share = require_number(account_share, "经账户收款的销售占比", strictly_positive=True, maximum=1)
    margin = require_number(gross_margin, "毛利率", minimum=0, maximum=0.95)
    per_day = require_number(payments_per_day, "每日个人转账笔数", minimum=0)
    season = np.asarray(seasonal if seasonal is not None else _DEFAULT_SEASON, dtype=float)
    if season.shape != (12,) or not np.all(np.isfinite(season)) or (season <= 0).any():
        raise InputError("应为 12 个大于 0 的月度系数", field="季节系数")
    season = season / season.mean()
    try:
        first = pd.Period(start, freq="M")
    except (ValueError, TypeError):
        raise InputError(f"月份格式应为 YYYY-MM，收到“{start}”", field="起始月份") from None
    rng = np.random.default_rng(seed)

    periods = pd.period_range(first, periods=months, freq="M")
    month_start = periods.to_timestamp(how="start")
    days_in = periods.days_in_month.to_numpy()
    factor = season[periods.month.to_numpy() - 1] * rng.uniform(0.95, 1.05, months)
    through_account = sales * factor * share      # sales received through the account each month
    cogs = sales * factor * (1 - margin)

    parts: list[pd.DataFrame] = []

    def add(when: Any, amount: Any, who: Any, what: Any, channel: Any) -> None:
        parts.append(pd.DataFrame({"date": when, "amount": amount, "counterparty": who, "description": what,
                                   "channel": channel}))

    def at(month_index: np.ndarray, day: np.ndarray, hour_low: float, hour_high: float) -> pd.DatetimeIndex:
        hours = rng.uniform(hour_low, hour_high, len(month_index))
        offset = pd.to_timedelta(day - 1, unit="D") + pd.to_timedelta(np.round(hours * 3600), unit="s")
        return month_start[month_index] + offset

    # Daily 微信/支付宝 settlement: 60% of the account's sales, split 55/45 between the two platforms.
    day_month = np.repeat(np.arange(months), days_in)
    day_of_month = np.concatenate([np.arange(1, d + 1) for d in days_in])
    daily = through_account[day_month] * 0.60 / days_in[day_month] * rng.lognormal(0, 0.2, len(day_month))
    for (who, channel, what), part in zip(SETTLEMENT, (0.55, 0.45)):
        add(at(day_month, day_of_month, 9, 10), np.round(daily * part, 2), who, what, channel)
    # Business customers settle at month end: 15%.
    for k, who in enumerate(BUSINESS_CUSTOMERS):
        idx = np.arange(months)
        add(at(idx, days_in - 1 + k, 9, 17), np.round(through_account * 0.15 / len(BUSINESS_CUSTOMERS), 2), who,
            "货款", "网银")
    # Individual customers: the remaining 25%, in Poisson-many small transfers.
    counts = rng.poisson(per_day * days_in)
    if counts.sum():
        m_idx = np.repeat(np.arange(months), counts)
        day = np.floor(rng.random(len(m_idx)) * days_in[m_idx]).astype(int) + 1
        weights = rng.exponential(1.0, len(m_idx))
        month_weight = np.bincount(m_idx, weights, minlength=months)
        amounts = np.maximum(np.round(through_account[m_idx] * 0.25 * weights / month_weight[m_idx], 2), 1.0)
        add(at(m_idx, day, 7, 22.5), amounts, _names(rng, len(m_idx)), "转账",
            rng.choice(np.array(["微信", "支付宝", "手机银行"]), len(m_idx)))
    # Suppliers: weekly payments on days 3, 10, 17, 24.
    for k, who in enumerate(SUPPLIERS):
        weight = (0.45, 0.35, 0.20)[k]
        idx = np.repeat(np.arange(months), 4)
        day = np.tile(np.array([3, 10, 17, 24]), months)
        amount = -np.round(cogs[idx] * share * weight / 4 * rng.uniform(0.9, 1.1, len(idx)))
        add(at(idx, day, 10, 17), amount, who, "货款", "网银")
    # Utilities and tax (代扣), rent, wages, loans.
    idx = np.arange(months)
    for who, what, ratio in UTILITIES:
        add(at(idx, np.full(months, 15), 8, 9),
            -np.round(sales * factor * ratio * rng.uniform(0.9, 1.1, months), 2), who, what, "代扣")
    add(at(idx, np.full(months, 12), 9, 11), -np.round(sales * factor * 0.006, 2), TAX_OFFICE, "税费", "代扣")
    quarter = idx[periods.month.to_numpy() % 3 == 1]
    add(at(quarter, np.full(len(quarter), 5), 9, 18), -13_500.0, "赵志强", "房租", "手机银行")
    for who in ("刘芳", "陈丽"):
        add(at(idx, np.full(months, 10), 9, 12), -3_500.0, who, "工资", "网银")
    add(at(idx, np.full(months, 21), 8, 9), -400.0, "某市农村商业银行", "贷款利息", "代扣")
    add(at(idx, np.full(months, 18), 8, 9), -2_000.0, "某汽车金融有限公司", "车贷还款", "代扣")
    # Household: the spouse's transfer in, spending out, a transfer to family every other month.
    add(at(idx, np.full(months, 16), 18, 21), 4_600.0, spouse_name, "家用", "手机银行")
    spend_days = np.tile(np.array([6, 14, 26]), months)
    spend_idx = np.repeat(idx, 3)
    add(at(spend_idx, spend_days, 12, 21), -np.round(rng.uniform(600, 2_500, len(spend_idx)), 2),
        rng.choice(np.array(["京东商城", "美团", "中国石化加油站", "某超市有限公司"]), len(spend_idx)), "消费", "支付宝")
    if family:
        every_other = idx[idx % 2 == 0]
        add(at(every_other, np.full(len(every_other), 20), 19, 21), -2_000.0,
            np.resize(np.asarray(family, dtype=object), len(every_other)), "转账", "微信")

    if anomalies:
        m1, m2, m3 = 2 % months, 5 % months, 8 % months
        # 过账: 50,000 in from one person, 49,800 out to another, the same day.
        add(month_start[[m1, m1]] + pd.to_timedelta(["13 days 10:05:00", "13 days 15:30:00"]),
            [50_000.0, -49_800.0], ["张海涛", "刘建军"], ["转账", "转账"], ["手机银行", "手机银行"])
        # 冲时点: 80,000 in on the last day from a same-surname person, back out on the first of next month.
        last = month_start[m2] + pd.Timedelta(days=int(days_in[m2]) - 1, hours=16)
        add([last, last + pd.Timedelta(hours=17)], [80_000.0, -80_000.0], ["王德贵", "王德贵"],
            ["借款", "还款"], ["柜面", "手机银行"])
        # Late-night round transfer to family, and an unexplained round transfer.
        relative = family[0] if family else spouse_name
        add([month_start[m3] + pd.Timedelta(days=11, hours=23, minutes=40),
             month_start[m3] + pd.Timedelta(days=19, hours=14)], [-30_000.0, -20_000.0], [relative, "孙立华"],
            ["转账", "转账"], ["手机银行", "手机银行"])

    frame = pd.concat(parts, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    if not with_time:
        frame["date"] = frame["date"].dt.normalize()
    frame = frame[frame["amount"] != 0].sort_values("date", kind="stable").reset_index(drop=True)
    frame["counterparty"] = frame["counterparty"].astype(str)
    frame["description"] = frame["description"].astype(str)
    frame["channel"] = frame["channel"].astype(str)
    return frame
