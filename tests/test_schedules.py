"""Repayment schedules (domain §5.2): hand-computed examples, numpy-financial cross-checks, properties, bad input."""
from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microloan_sim import InputError
from microloan_sim.schedules import METHODS, revolving, schedule, to_display, total_interest

P, RATE, N = 100_000, 0.072, 12  # domain §5.2: r = 0.6 % a month


def fen(values: object) -> list[int]:
    """元 → whole fen (integers), to compare sums exactly."""
    return [int(round(v * 100)) for v in np.asarray(values, dtype=float)]


# --------------------------------------------------------------------------- domain §5.2, by hand

def test_equal_installment_domain_example() -> None:
    # PMT = 100,000 × 0.006 × 1.006^12 / (1.006^12 − 1); 1.006^12 = 1.0744243 → 600 × 1.0744243 / 0.0744243
    # = 8,661.897 → 8,661.90. Month 1: interest 100,000 × 0.006 = 600.00, principal 8,061.90,
    # balance 91,938.10. Month 2: interest 91,938.0988 × 0.006 = 551.63, principal 8,110.27.
    plan = schedule(P, RATE, N)
    assert list(plan.columns) == ["period", "payment", "principal", "interest", "balance"]
    assert plan["period"].tolist() == list(range(1, 13))
    assert plan.loc[0, ["payment", "interest", "principal", "balance"]].tolist() == [8661.90, 600.00, 8061.90, 91938.10]
    assert plan.loc[1, ["payment", "interest", "principal"]].tolist() == [8661.90, 551.63, 8110.27]
    assert (plan["payment"].iloc[:-1] == 8661.90).all()
    # Unrounded math: total interest = 12 × 8,661.8973 − 100,000 = 3,942.77 (the figure of domain §5.2).
    exact = schedule(P, RATE, N, rounded=False)
    assert round(float(exact["interest"].sum()), 2) == 3942.77
    # Published schedule: each interest rounded to the fen; the twelve rounded interests add up to 3,942.75
    # (two fen less than the unrounded total), so the last instalment is 103,942.75 − 11 × 8,661.90 = 8,661.85.
    assert total_interest(plan) == 3942.75
    assert plan["payment"].iloc[-1] == 8661.85
    assert sum(fen(plan["principal"])) == 100_000_00
    assert plan["balance"].iloc[-1] == 0.0


def test_equal_installment_matches_numpy_financial() -> None:
    exact = schedule(P, RATE, N, rounded=False)
    periods = np.arange(1, N + 1)
    assert exact["payment"].to_numpy() == pytest.approx(-npf.pmt(0.006, N, P), abs=1e-9)
    assert exact["interest"].to_numpy() == pytest.approx(-npf.ipmt(0.006, periods, N, P), abs=1e-8)
    assert exact["principal"].to_numpy() == pytest.approx(-npf.ppmt(0.006, periods, N, P), abs=1e-8)
    # The rounded schedule differs from the exact one by at most a fen per row (the last row absorbs more).
    rounded = schedule(P, RATE, N)
    assert np.abs(rounded["interest"] - exact["interest"]).max() <= 0.005 + 1e-9
    assert np.abs(rounded["payment"].iloc[:-1] - exact["payment"].iloc[:-1]).max() <= 0.005 + 1e-9


def test_equal_principal_domain_example() -> None:
    # principal 100,000 / 12 = 8,333.33 a month; interest (100,000 − (k−1) × 8,333.33) × 0.006 = 600 − 50 (k−1).
    plan = schedule(P, RATE, N, "等额本金")
    assert plan["payment"].iloc[0] == 8933.33
    assert plan["payment"].iloc[1] == 8883.33
    assert np.allclose(np.diff(plan["payment"].iloc[:-1]), -50.0)
    assert total_interest(plan) == 3900.00  # P × r × (n + 1) / 2 = 100,000 × 0.006 × 6.5
    assert plan["interest"].iloc[-1] == 50.00
    # Unrounded, the last payment is 8,333.33 + 50 = 8,383.33 as in domain §5.2 …
    assert round(float(schedule(P, RATE, N, "equal_principal", rounded=False)["payment"].iloc[-1]), 2) == 8383.33
    # … published, the first eleven principals are 8,333.33 each, so the last is 100,000 − 91,666.63 = 8,333.37.
    assert plan["principal"].iloc[-1] == 8333.37
    assert plan["payment"].iloc[-1] == 8383.37


def test_interest_only_and_bullet_domain_examples() -> None:
    plan = schedule(P, RATE, N, "先息后本")
    assert plan["payment"].iloc[:-1].tolist() == [600.0] * 11
    assert plan["payment"].iloc[-1] == 100_600.0
    assert total_interest(plan) == 7200.0
    bullet = schedule(P, RATE, N, "利随本清")
    assert bullet["payment"].iloc[:-1].tolist() == [0.0] * 11
    assert bullet["payment"].iloc[-1] == 107_200.0  # 100,000 × (1 + 0.072 × 360/360)
    assert bullet["balance"].iloc[:-1].tolist() == [100_000.0] * 11


def test_bullet_with_actual_days() -> None:
    # 2025-01-01 → 2026-01-01 is 365 days: actual/360 → 100,000 × 0.072 × 365/360 = 7,300; actual/365 → 7,200.
    a360 = schedule(P, RATE, N, "bullet", start_date="2025-01-01", day_count="actual/360")
    a365 = schedule(P, RATE, N, "bullet", start_date="2025-01-01", day_count="actual/365")
    assert a360["interest"].iloc[-1] == 7300.0
    assert a365["interest"].iloc[-1] == 7200.0
    assert str(a360["date"].iloc[-1].date()) == "2026-01-01"


def test_actual_day_interest_follows_the_calendar() -> None:
    # 3.65 % on 100,000 under actual/365 is 10 元 a day: January 31 days → 310, February 28 → 280.
    plan = schedule(P, 0.0365, 3, "interest_only", start_date="2025-01-15", day_count="实际/365")
    assert plan["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-02-15", "2025-03-15", "2025-04-15"]
    assert plan["interest"].tolist() == [310.0, 280.0, 310.0]
    # Month-end starts clip to the end of shorter months.
    ends = schedule(P, RATE, 3, start_date="2025-01-31")["date"].dt.strftime("%m-%d").tolist()
    assert ends == ["02-28", "03-31", "04-30"]
    # 30/360 with dates: every month is 1/12 of a year whatever its length.
    assert schedule(P, 0.0365, 3, "interest_only", start_date="2025-01-15")["interest"].tolist() == [304.17] * 2 + [304.17]


def test_actual_day_equal_installment_keeps_the_level_payment() -> None:
    plan = schedule(P, RATE, N, start_date="2025-01-01", day_count="actual/360")
    level = round(float(-npf.pmt(0.006, N, P)), 2)
    assert (plan["payment"].iloc[:-1] == level).all()
    # January has 31 days: 100,000 × 0.072 × 31/360 = 620.
    assert plan["interest"].iloc[0] == 620.0
    assert sum(fen(plan["principal"])) == 100_000_00


def test_grace_period_then_equal_installment() -> None:
    # 3 interest-only months (600 each), then 等额本息 over 9 months: PMT(0.6 %, 9, 100,000).
    plan = schedule(P, RATE, N, grace_months=3)
    assert plan["payment"].iloc[:3].tolist() == [600.0] * 3
    assert plan["principal"].iloc[:3].tolist() == [0.0] * 3
    assert plan["payment"].iloc[3] == round(float(-npf.pmt(0.006, 9, P)), 2) == 11447.10
    equal_principal = schedule(P, RATE, N, "等额本金", grace_months=2)
    assert equal_principal["principal"].iloc[2] == 10_000.0  # 100,000 / 10


def test_seasonal_repayment_in_sale_months() -> None:
    # 120,000 at 6 %: 600 a month until the June sale repays 40 % (48,000); then 72,000 × 0.5 % = 360 a month.
    plan = schedule(120_000, 0.06, 12, "按季节还本", repayment_months=[6, 12], shares=[0.4, 0.6])
    assert plan["interest"].tolist() == [600.0] * 6 + [360.0] * 6
    assert plan["principal"].iloc[5] == 48_000.0
    assert plan["payment"].iloc[5] == 48_600.0
    assert plan["payment"].iloc[-1] == 72_360.0
    equal = schedule(120_000, 0.06, 12, "balloon", repayment_months=[3, 6, 9, 12])
    assert equal.loc[equal["principal"] > 0, "principal"].tolist() == [30_000.0] * 4
    early = schedule(120_000, 0.06, 12, "seasonal", repayment_months=[6])  # settled early at the June sale
    assert early["payment"].iloc[5] == 120_600.0
    assert early["payment"].iloc[6:].tolist() == [0.0] * 6


def test_zero_rate_and_aliases() -> None:
    plan = schedule(1200, 0, 12)
    assert plan["payment"].tolist() == [100.0] * 12
    assert plan["interest"].sum() == 0
    for key, name in METHODS.items():
        options = {"repayment_months": [6, 12]} if key == "seasonal" else {}
        assert schedule(P, RATE, N, key, **options).equals(schedule(P, RATE, N, name, **options))
    assert schedule(P, RATE, N, "按月付息到期还本").equals(schedule(P, RATE, N, "interest_only"))


def test_to_display_uses_chinese_columns() -> None:
    shown = to_display(schedule(P, RATE, 2, start_date="2025-01-01"))
    assert list(shown.columns) == ["期数", "还款日", "还款额（元）", "本金（元）", "利息（元）", "剩余本金（元）"]
    assert shown["还款日"].tolist() == ["2025-02-01", "2025-03-01"]


# --------------------------------------------------------------------------- revolving (随借随还)

def test_revolving_domain_example() -> None:
    # 50,000 × 7.2 % / 360 × 45 days = 450.
    table = revolving([("2025-03-01", 50_000), ("2025-04-15", -50_000)], 0.072)
    assert table["days"].tolist() == [45]
    assert table["interest"].tolist() == [450.0]
    # The same with mappings and actual/365 at 7.3 %: 50,000 × 0.073 / 365 × 45 = 450.
    again = revolving([{"date": "2025-03-01", "amount": 50_000}, {"date": "2025-04-15", "amount": -50_000}],
                      0.073, day_count="actual/365")
    assert float(again["interest"].sum()) == 450.0


def test_revolving_partial_repayments_and_end_date() -> None:
    # 10 days on 50,000 (100) + 10 days on 80,000 (160) + 25 days on 50,000 (250) = 510 at 7.2 %/360.
    moves = [("2025-03-01", 50_000), ("2025-03-11", 30_000), ("2025-03-21", -30_000), ("2025-04-15", -50_000)]
    assert float(revolving(moves, 0.072)["interest"].sum()) == 510.0
    # Still drawn at the end: accrue to end_date. 20,000 × 0.072/360 × 30 = 120.
    open_line = revolving([("2025-06-01", 20_000)], 0.072, end_date="2025-07-01")
    assert open_line["interest"].tolist() == [120.0]


@pytest.mark.parametrize("moves, words", [
    ([("2025-03-01", 50_000), ("2025-03-10", -60_000)], "还款不能超过借款余额"),
    ([("2025-03-01", 50_000)], "计息截止日"),
    ([("2025-03-01", "五万")], "应为数字"),
    ([("2025-13-01", 50_000)], "日期格式"),
    ([], "至少需要一笔借款"),
])
def test_revolving_bad_input(moves: list, words: str) -> None:
    with pytest.raises(InputError, match=words):
        revolving(moves, 0.072)


def test_revolving_rejects_30_360() -> None:
    with pytest.raises(InputError, match="实际天数"):
        revolving([("2025-03-01", 1), ("2025-03-02", -1)], 0.072, day_count="30/360")


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("kwargs, words", [
    ({"months": 0}, "期限（月）：应为正整数"),
    ({"months": -6}, "期限（月）"),
    ({"months": 12.5}, "期限（月）：应为整数个月"),
    ({"months": "一年"}, "期限（月）：应为数字"),
    ({"months": 361}, "不能超过 360"),
    ({"principal": 0}, "贷款本金：必须大于 0"),
    ({"principal": -5000}, "贷款本金：必须大于 0"),
    ({"principal": float("nan")}, "贷款本金：缺少数值（NaN）"),
    ({"principal": "十万"}, "贷款本金：应为数字，收到了文字“十万”"),
    ({"annual_rate": 1.5}, "年利率：应以小数填写.*不能超过 1（100%）"),
    ({"annual_rate": 7.2}, "7.2% 填 0.072"),
    ({"annual_rate": -0.01}, "年利率：不能小于 0"),
    ({"annual_rate": float("nan")}, "年利率：缺少数值"),
    ({"method": "随心还"}, "还款方式：不支持“随心还”，可选：等额本息、等额本金、先息后本、利随本清、按季节还本"),
    ({"grace_months": 12}, "宽限期（月）：应小于贷款期限"),
    ({"grace_months": -1}, "宽限期（月）"),
    ({"method": "bullet", "grace_months": 2}, "宽限期只适用于"),
    ({"method": "seasonal"}, "还本月份"),
    ({"method": "seasonal", "repayment_months": [6, 13]}, "还本月份"),
    ({"method": "seasonal", "repayment_months": [12, 6]}, "按时间顺序"),
    ({"method": "seasonal", "repayment_months": [6, 12], "shares": [0.5, 0.6]}, "还本比例：之和应为 1"),
    ({"method": "seasonal", "repayment_months": [6, 12], "shares": [1.0]}, "还本比例：个数"),
    ({"repayment_months": [6, 12]}, "只有“按季节还本”"),
    ({"day_count": "actual/360"}, "放款日期"),
    ({"day_count": "30/365"}, "计息天数规则"),
    ({"start_date": "明年"}, "放款日期：日期格式"),
])
def test_bad_input_is_a_chinese_input_error(kwargs: dict, words: str) -> None:
    arguments = {"principal": P, "annual_rate": RATE, "months": N, **kwargs}
    with pytest.raises(InputError, match=words):
        schedule(**arguments)


def test_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        schedule(P, RATE, 0)


# --------------------------------------------------------------------------- properties

methods = st.sampled_from(sorted(METHODS))
principals = st.integers(min_value=100_00, max_value=5_000_000_00).map(lambda f: f / 100)  # whole fen
rates = st.one_of(st.just(0.0), st.floats(1e-6, 1))


@st.composite
def loans(draw: st.DrawFn) -> dict:
    method = draw(methods)
    months = draw(st.integers(1, 120))
    loan = {"principal": draw(principals), "annual_rate": draw(rates),
            "months": months, "method": method}
    if method in ("equal_installment", "equal_principal", "interest_only") and months > 1:
        loan["grace_months"] = draw(st.integers(0, months - 1))
    if method == "seasonal":
        chosen = sorted(draw(st.sets(st.integers(1, months), min_size=1, max_size=min(months, 6))))
        loan["repayment_months"] = chosen
    return loan


@settings(max_examples=300, deadline=None)
@given(loans())
def test_principal_sums_exactly_to_the_loan(loan: dict) -> None:
    plan = schedule(**loan)
    assert sum(fen(plan["principal"])) == round(loan["principal"] * 100)
    assert plan["balance"].iloc[-1] == 0.0
    # Every row: payment = principal + interest to the fen; nothing negative; the balance never rises.
    assert fen(plan["payment"]) == [a + b for a, b in zip(fen(plan["principal"]), fen(plan["interest"]))]
    assert (plan[["payment", "principal", "interest", "balance"]] >= 0).all().all()
    assert (np.diff(plan["balance"]) <= 1e-9).all()


@settings(max_examples=200, deadline=None)
@given(principals, st.one_of(st.just(0.0), st.floats(0.001, 0.36)), st.integers(1, 360))
def test_equal_installment_is_level_and_matches_pmt(principal: float, rate: float, months: int) -> None:
    # Rates up to 36 %: at 100 % over 25 years the level payment is almost all interest and the float
    # cancellation in (payment − interest) grows with (1 + r)^n; real loans never get there.
    plan = schedule(principal, rate, months)
    level = principal / months if rate == 0 else -npf.pmt(rate / 12, months, principal)
    assert math.isclose(float(plan["payment"].iloc[0]), level, abs_tol=0.006)
    assert plan["payment"].iloc[:-1].nunique() <= 1
    exact = schedule(principal, rate, months, rounded=False)
    assert math.isclose(float(exact["interest"].sum()), months * level - principal, rel_tol=1e-9, abs_tol=1e-5)
