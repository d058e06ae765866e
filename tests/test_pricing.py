"""Borrower cash flows and annualised cost (domain §5.1, §5.3, §6.2): hand examples, properties, bad input."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from microloan_sim import InputError
from microloan_sim.pricing import (
    AnnualizedRate,
    annualized_rate,
    borrower_cashflows,
    effective_annual_rate,
    quoted_rate_to_annual,
)
from microloan_sim.schedules import schedule


def bisect_irr(flows: list[float], low: float = -0.5, high: float = 1.0) -> float:
    """Independent periodic IRR: plain bisection on the NPV (no numpy_financial)."""

    def npv(rate: float) -> float:
        return sum(cf / (1 + rate) ** t for t, cf in enumerate(flows))

    assert npv(low) * npv(high) < 0
    for _ in range(200):
        mid = (low + high) / 2
        if npv(low) * npv(mid) <= 0:
            high = mid
        else:
            low = mid
    return (low + high) / 2


# --------------------------------------------------------------------------- hand-computed examples

def test_upfront_fee_on_equal_installment() -> None:
    # 100,000 at 7.2 %, 12 months 等额本息, 2 % upfront fee deducted: the borrower receives 98,000 and pays
    # 11 × 8,661.90 + 8,661.85. By hand: the annuity factor a(i) = (1 − (1+i)^−12) / i must be
    # 98,000 / 8,661.90 = 11.3139.
    #   i = 0.90 %: 1.009^12 = 1.113510 → a = (1 − 0.898060) / 0.009  = 11.3267
    #   i = 0.93 %: 1.0093^12 = 1.117490 → a = (1 − 0.894863) / 0.0093 = 11.3051
    # Interpolating: i ≈ 0.90 % + 0.03 % × 0.0128 / 0.0216 = 0.9178 % a month → 11.01 % a year (vs 7.2 % nominal);
    # EAR = 1.009178^12 − 1 ≈ 11.59 %.
    flows = borrower_cashflows(schedule(100_000, 0.072, 12), upfront_fee=0.02)
    assert flows["net"].iloc[0] == 98_000.0
    assert flows["upfront_fee"].iloc[0] == -2_000.0
    result = annualized_rate(flows)
    assert 0.0090 < result.periodic_irr < 0.0093
    assert result.periodic_irr == pytest.approx(bisect_irr(flows["net"].tolist()), abs=1e-10)
    assert round(result.irr_rate, 4) == 0.1101
    assert round(result.ear, 4) == 0.1158
    assert round(result.total_cost, 2) == 5942.75  # 3,942.75 interest + 2,000 fee
    assert result.breakdown == pytest.approx({"interest": 3942.75, "upfront_fee": 2000.0, "monthly_fee": 0.0,
                                              "guarantee_fee": 0.0, "insurance_premium": 0.0,
                                              "interest_subsidy": 0.0})


def test_deposit_raises_the_rate_exactly_by_the_withheld_share() -> None:
    # 10 % deposit on 100,000 interest-only at 6 %: received 90,000, pays 500 a month, and at maturity
    # 100,500 − 10,000 returned = 90,500. That is a 90,000 loan paying 500 a month: i = 500 / 90,000
    # = 0.5556 % → 6.667 % a year = 6 % / 0.9. Simple: 6,000 / (90,000 × 1 year) = 6.667 %.
    flows = borrower_cashflows(schedule(100_000, 0.06, 12, "先息后本"), deposit=0.10)
    assert flows["net"].iloc[0] == 90_000.0
    assert flows["net"].iloc[-1] == -90_500.0
    assert flows["deposit"].sum() == 0.0
    result = annualized_rate(flows)
    assert result.irr_rate == pytest.approx(0.06 / 0.9, abs=1e-9)
    assert annualized_rate(flows, method="simple") == pytest.approx(0.06 / 0.9, abs=1e-9)


def test_upfront_guarantee_fee() -> None:
    # 1 % guarantee fee for one year paid at disbursement on 100,000 interest-only at 6 %: flows +99,000,
    # −500 × 11, −100,500. By hand: PV at 0.585 %/month = 500 × 11.5559 + 100,000 × 0.932398 = 99,017.7 (> 99,000)
    # and at 0.59 % = 500 × 11.5522 + 100,000 × 0.931842 = 98,960.3 (< 99,000), so i ≈ 0.5865 % → 7.04 %.
    # Simple: cost 7,000 on 100,000 occupied for a year = 7.00 % (the fee is a cost, not a smaller principal).
    flows = borrower_cashflows(schedule(100_000, 0.06, 12, "interest_only"), guarantee_fee=0.01)
    assert flows["guarantee_fee"].tolist() == [-1000.0] + [0.0] * 12
    result = annualized_rate(flows)
    assert 0.00585 < result.periodic_irr < 0.0059
    assert round(result.irr_rate, 3) == 0.070
    assert result.simple_rate == pytest.approx(0.07, abs=1e-9)
    assert result.irr_rate > result.simple_rate


def test_flat_monthly_fee_with_zero_interest() -> None:
    # “0 利息” instalments with a 0.6 % monthly fee on the original 100,000, principal 8,333.33 a month:
    # payments 8,933.33. By hand: a(i) must be 100,000 / 8,933.33 = 11.1940;
    #   i = 1.0 %: a = (1 − 0.887449) / 0.01 = 11.2551;  i = 1.1 %: 1.011^12 = 1.140286 → a = 11.1843
    # → i ≈ 1.0863 % a month → about 13.0 % a year although the nominal rate is 0.
    # Simple: 7,200 ÷ (average balance 100,000 × 6.5 / 12 = 54,166.67) = 13.29 %.
    flows = borrower_cashflows(schedule(100_000, 0.0, 12, "等额本金"), monthly_fee=0.006)
    assert flows["monthly_fee"].tolist() == [0.0] + [-600.0] * 12
    result = annualized_rate(flows)
    assert 0.0108 < result.periodic_irr < 0.0109
    assert result.periodic_irr == pytest.approx(bisect_irr(flows["net"].tolist()), abs=1e-10)
    assert round(result.total_cost, 2) == 7200.0
    assert result.simple_rate == pytest.approx(7200 / (100_000 * 6.5 / 12), abs=2e-5)


def test_startup_guarantee_loan_subsidy_domain_example() -> None:
    # Domain §6.2: LPR 3.00 % + 50bp = 3.50 %; the borrower bears LPR − 150bp = 1.50 %; subsidy 2.00 points.
    # On 200,000 for one year the government pays 200,000 × 2 % = 4,000; the borrower 3,000.
    flows = borrower_cashflows(schedule(200_000, 0.035, 12, "bullet"), interest_subsidy=0.02)
    assert float(flows["interest_subsidy"].sum()) == 4000.0
    result = annualized_rate(flows, method="simple")
    assert round(result.total_cost, 2) == 3000.0
    assert result == pytest.approx(0.015, abs=1e-9)
    # Paid monthly with interest-only repayment the borrower's IRR is the 1.5 % too.
    monthly = annualized_rate(borrower_cashflows(schedule(200_000, 0.035, 12, "先息后本"), interest_subsidy=0.02))
    assert monthly.irr_rate == pytest.approx(0.015, abs=1e-5)


def test_subsidy_timing_and_cap() -> None:
    plan = schedule(120_000, 0.05, 24, "interest_only")  # 500 interest a month
    yearly = borrower_cashflows(plan, interest_subsidy=0.02, subsidy_timing="annual")
    rebates = yearly["interest_subsidy"]
    assert rebates[rebates != 0].to_dict() == {12: 2400.0, 24: 2400.0}  # 500 × 2/5 × 12
    # A subsidy above the contract rate rebates all the interest and no more (免息, never negative cost).
    free = annualized_rate(borrower_cashflows(schedule(100_000, 0.03, 12), interest_subsidy=0.05))
    assert free.total_cost == pytest.approx(0.0, abs=0.01)
    assert free.irr_rate == pytest.approx(0.0, abs=1e-6)


def test_guarantee_and_insurance_timing() -> None:
    plan = schedule(100_000, 0.06, 30)
    upfront = borrower_cashflows(plan, guarantee_fee=0.01)
    assert upfront["guarantee_fee"].iloc[0] == -2500.0  # 1 % × 30/12 years
    annual = borrower_cashflows(plan, guarantee_fee=0.01, guarantee_timing="annual")
    charged = annual["guarantee_fee"]
    assert charged[charged != 0].to_dict() == {0: -1000.0, 12: -1000.0, 24: -500.0}
    monthly = borrower_cashflows(plan, insurance_premium=0.05, insurance_timing="monthly")
    assert monthly["insurance_premium"].iloc[1:].tolist() == [-416.67] * 30  # 100,000 × 5 % / 12
    assert monthly["insurance_premium"].iloc[0] == 0.0


def test_daily_rate_domain_example() -> None:
    # 万分之五 a day (domain §5.1): simple 0.05 % × 365 = 18.25 %, × 360 = 18.0 %;
    # compounded (1.0005)^365 − 1 = e^(365 × 0.000499875) − 1 = 20.02 %.
    flows = [10_000.0] + [-5.0] * 364 + [-10_005.0]
    r365 = annualized_rate(flows, periods_per_year=365)
    assert round(r365.irr_rate, 4) == 0.1825
    assert round(annualized_rate(flows, periods_per_year=360).irr_rate, 4) == 0.18
    assert round(r365.ear, 4) == 0.2002
    # Simple: cost 364 × 5 + 5 = 1,825 on a contract balance of 10,000 for the whole year = 18.25 %.
    assert round(annualized_rate(flows, periods_per_year=365, principal=[10_000.0] * 365).simple_rate, 4) == 0.1825
    assert r365.simple_rate is None  # bare flows say nothing about principal
    quotes = quoted_rate_to_annual(0.0005, "day")
    assert (round(quotes["simple_365"], 4), round(quotes["simple_360"], 4), round(quotes["compound"], 4)) == (
        0.1825, 0.18, 0.2002)
    assert quoted_rate_to_annual(0.005, "month")["simple"] == pytest.approx(0.06)


def test_one_payment_loan_is_annualised_over_its_real_period() -> None:
    """利随本清 12 months at 7.2 %: 107,200 repaid once, after a year.

    Source: PBoC Announcement [2021] No. 3 (annualised rate = 单期利率 × 一年内的期数, the period being the
    loan's repayment period), domain §5.1. One annual period: IRR = 107,200 / 100,000 − 1 = 7.2 % by hand.
    Before the fix the IRR was taken on a monthly grid: 12 × (1.072^(1/12) − 1) = 6.973 %, below the contract.
    """
    result = annualized_rate(borrower_cashflows(schedule(100_000, 0.072, 12, "bullet")))
    assert result.irr_rate == pytest.approx(0.072, abs=1e-12)
    assert result.periods_per_year == 1
    assert result.simple_rate == pytest.approx(0.072, abs=1e-12)
    assert result.ear == pytest.approx(0.072, abs=1e-12)
    # Six months at 7.2 %: 103,600 after half a year, two periods a year → 3.6 % × 2 = 7.2 %.
    half = annualized_rate(borrower_cashflows(schedule(100_000, 0.072, 6, "bullet")))
    assert half.irr_rate == pytest.approx(0.072, abs=1e-12) and half.periods_per_year == 2
    # Monthly interest, principal at the end: still a monthly period, IRR = contract rate.
    monthly = annualized_rate(borrower_cashflows(schedule(100_000, 0.072, 12, "interest_only")))
    assert monthly.irr_rate == pytest.approx(0.072, abs=1e-9) and monthly.periods_per_year == 12


@given(rate=st.floats(0.01, 0.24), months=st.integers(1, 36),
       method=st.sampled_from(["equal_installment", "equal_principal", "interest_only", "bullet"]))
def test_a_fee_free_loan_never_discloses_less_than_its_contract_rate(rate: float, months: int, method: str) -> None:
    """PBoC 2021 No. 3: the disclosed annualised rate must never understate the contract rate."""
    result = annualized_rate(borrower_cashflows(schedule(100_000, rate, months, method)))
    assert result.irr_rate >= rate - 5e-5  # payments are rounded to 0.01 元


def test_effective_annual_rate() -> None:
    assert effective_annual_rate(0.072) == pytest.approx(1.006 ** 12 - 1)  # 7.4424 %
    assert round(effective_annual_rate(0.072), 6) == 0.074424
    assert effective_annual_rate(0.12, 1) == pytest.approx(0.12)


def test_result_is_a_float_with_a_disclosure() -> None:
    flows = borrower_cashflows(schedule(100_000, 0.072, 12), upfront_fee=0.02)
    irr = annualized_rate(flows)
    assert isinstance(irr, AnnualizedRate) and isinstance(irr, float)
    assert float(irr) == irr.irr_rate == irr.rate
    assert irr.disclosure.startswith("【贷款年化利率】11.01%（IRR 复利法）")
    assert "中国人民银行公告〔2021〕第3号" in irr.disclosure
    assert "一次性手续费 2,000.00 元" in irr.disclosure
    simple = annualized_rate(flows, method="单利")
    assert float(simple) == simple.simple_rate
    assert "（单利）" in simple.disclosure and "采用单利计算" in simple.disclosure
    assert "单利" not in irr.disclosure.splitlines()[0]


# --------------------------------------------------------------------------- properties

rates = st.one_of(st.just(0.0), st.floats(0.001, 0.36))
monthly_methods = st.sampled_from(["equal_installment", "equal_principal", "interest_only", "seasonal"])


@st.composite
def plans(draw: st.DrawFn, methods: st.SearchStrategy[str] = monthly_methods) -> pd.DataFrame:
    method = draw(methods)
    months = draw(st.integers(1, 60))
    options: dict = {}
    if method == "seasonal":
        options["repayment_months"] = sorted(draw(st.sets(st.integers(1, months), min_size=1, max_size=4)))
    elif method != "bullet" and months > 1:
        options["grace_months"] = draw(st.integers(0, months - 1))
    principal = draw(st.integers(10_000, 2_000_000))
    return schedule(principal, draw(rates), months, method, **options)


@settings(max_examples=200, deadline=None)
@given(plans())
def test_irr_of_a_fee_free_schedule_is_its_nominal_rate(plan: pd.DataFrame) -> None:
    result = annualized_rate(borrower_cashflows(plan))
    assert result.irr_rate == pytest.approx(plan.attrs["annual_rate"], abs=1e-4)
    assert result.simple_rate == pytest.approx(plan.attrs["annual_rate"], abs=1e-4)


@settings(max_examples=100, deadline=None)
@given(plans(st.just("bullet")))
def test_fee_free_bullet_simple_rate_is_nominal_and_irr_compounds(plan: pd.DataFrame) -> None:
    rate, months = plan.attrs["annual_rate"], len(plan)
    result = annualized_rate(borrower_cashflows(plan))
    # (the interest is rounded to the fen: at most 0.005 元 on at least 10,000 元)
    assert result.simple_rate == pytest.approx(rate, abs=1e-5)
    # One repayment period of `months` months (PBoC 2021 No. 3): the IRR over it is the simple interest
    # rate × months / 12, which annualises back to the contract rate.
    assert result.periodic_irr == pytest.approx(rate * months / 12, abs=1e-6)
    assert result.irr_rate == pytest.approx(rate, abs=1e-5)


fees = st.fixed_dictionaries({}, optional={
    "upfront_fee": st.floats(0.0001, 0.2), "monthly_fee": st.floats(0.0001, 0.01),
    "guarantee_fee": st.floats(0.0001, 0.05), "guarantee_timing": st.sampled_from(["upfront", "annual"]),
    "insurance_premium": st.floats(0.0001, 0.05),
    "insurance_timing": st.sampled_from(["upfront", "annual", "monthly"]), "deposit": st.floats(0.0001, 0.3),
})


@settings(max_examples=200, deadline=None)
@given(plans(st.sampled_from(["equal_installment", "equal_principal", "interest_only", "seasonal", "bullet"])), fees)
def test_adding_a_fee_never_lowers_the_annualised_rate(plan: pd.DataFrame, extra: dict) -> None:
    base = annualized_rate(borrower_cashflows(plan))
    costly = annualized_rate(borrower_cashflows(plan, **extra))
    assert costly.irr_rate >= base.irr_rate - 1e-9
    assert costly.simple_rate >= base.simple_rate - 1e-9
    assert costly.total_cost >= base.total_cost - 1e-6


@settings(max_examples=200, deadline=None)
@given(plans(st.sampled_from(["equal_installment", "equal_principal", "interest_only", "seasonal", "bullet"])),
       st.floats(0.0001, 0.05), st.sampled_from(["monthly", "annual"]), fees)
def test_a_subsidy_never_raises_the_annualised_rate(plan: pd.DataFrame, subsidy: float, timing: str,
                                                    extra: dict) -> None:
    assume(plan["interest"].sum() > 0)
    base = annualized_rate(borrower_cashflows(plan, **extra))
    helped = annualized_rate(borrower_cashflows(plan, interest_subsidy=subsidy, subsidy_timing=timing, **extra))
    assert helped.irr_rate <= base.irr_rate + 1e-9
    assert helped.total_cost <= base.total_cost + 1e-6


# --------------------------------------------------------------------------- bad input

PLAN = schedule(100_000, 0.072, 12)


@pytest.mark.parametrize("kwargs, words", [
    ({"upfront_fee": 1.0}, "实际到手金额为 0.00 元，必须大于 0"),
    ({"upfront_fee": 0.6, "deposit": 0.5}, "实际到手金额为 -10,000.00 元"),
    ({"guarantee_fee": 0.5, "deposit": 0.9}, "实际到手金额"),
])
def test_fees_that_leave_nothing_in_hand_are_refused(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        annualized_rate(borrower_cashflows(PLAN, **kwargs))


@pytest.mark.parametrize("kwargs, words", [
    ({"upfront_fee": -0.01}, "一次性手续费率：不能小于 0"),
    ({"upfront_fee": 2}, "一次性手续费率：不能大于 1"),
    ({"monthly_fee": "0.5%"}, "月手续费率：应为数字"),
    ({"deposit": float("nan")}, "保证金比例：缺少数值（NaN）"),
    ({"guarantee_timing": "monthly"}, "担保费收取方式：不支持“monthly”"),
    ({"insurance_timing": "weekly"}, "保证保险费收取方式"),
    ({"interest_subsidy": 0.01, "subsidy_timing": "daily"}, "贴息返还方式"),
])
def test_bad_fee_input(kwargs: dict, words: str) -> None:
    with pytest.raises(InputError, match=words):
        borrower_cashflows(PLAN, **kwargs)


def test_subsidy_needs_the_contract_rate() -> None:
    bare = pd.DataFrame(PLAN)  # a copy without the schedule's attrs
    bare.attrs = {}
    with pytest.raises(InputError, match="合同年利率"):
        borrower_cashflows(bare, interest_subsidy=0.01)
    assert borrower_cashflows(bare, interest_subsidy=0.036, annual_rate=0.072)["interest_subsidy"].sum() == \
        pytest.approx(PLAN["interest"].sum() / 2, abs=12 * 0.005)  # half of each month's interest, in fen
    with pytest.raises(InputError, match="还款计划"):
        borrower_cashflows([1, 2, 3])  # type: ignore[arg-type]


@pytest.mark.parametrize("flows, words", [
    ([100.0, 10.0, 10.0], "没有正负变化"),
    ([-100.0, 110.0], "实际到手金额"),
    ([100.0], "至少需要两期"),
    ([100.0, "abc"], "现金流第 1 期：应为数字"),
    ([100.0, float("nan")], "现金流第 1 期：缺少数值"),
    ([100.0, -300.0, 250.0], "无法求出内部收益率"),
])
def test_bad_cash_flows(flows: list, words: str) -> None:
    with pytest.raises(InputError, match=words):
        annualized_rate(flows)


def test_bad_method_and_periods() -> None:
    with pytest.raises(InputError, match="年化利率计算方法：不支持“APR”"):
        annualized_rate([100, -110], method="APR")
    with pytest.raises(InputError, match="每年期数：必须大于 0"):
        annualized_rate([100, -110], periods_per_year=0)
    with pytest.raises(InputError, match="现金流"):
        annualized_rate(pd.DataFrame({"x": [1, 2]}))
    assert np.isclose(annualized_rate([100, -110], periods_per_year=1), 0.10)


def test_deposit_on_an_amortising_loan_picks_the_positive_irr() -> None:
    # 30 % deposit on 100,000 等额本息: the last flow is −8,661.85 + 30,000 = +21,338.15, so the flows change
    # sign twice. The rate is the positive root (the other root lies near −100 %).
    flows = borrower_cashflows(schedule(100_000, 0.072, 12), deposit=0.3)
    assert flows["net"].iloc[-1] == 21_338.15
    result = annualized_rate(flows)
    assert result.periodic_irr == pytest.approx(bisect_irr(flows["net"].tolist(), low=0.0001, high=1.0), abs=1e-10)
    assert result.irr_rate > 0.072


def test_simple_rate_has_one_definition_the_contract_balance() -> None:
    """Issue 12 item 5: the same flat-fee loan gave 13.03 % from bare flows and 13.29 % from its table.

    “0 利息” 等额本金 100,000 over 12 months with a 0.6 % monthly fee (domain §5.1 flat-fee instalments):
    cost 12 × 600 = 7,200; contract balance in months 1…12 is 100,000, 91,666.67, …, 8,333.33, average
    100,000 × 6.5 / 12 = 54,166.67; simple = 7,200 ÷ 54,166.67 = 13.29 % (by hand), whichever way it is asked.
    """
    flows = borrower_cashflows(schedule(100_000, 0.0, 12, "等额本金"), monthly_fee=0.006)
    balance = [100_000 - 100_000 / 12 * k for k in range(12)]
    from_table = annualized_rate(flows, method="simple")
    from_bare = annualized_rate(flows["net"].tolist(), method="simple", principal=balance)
    assert round(from_table, 4) == round(from_bare, 4) == 0.1329
    assert annualized_rate(flows["net"].tolist()).simple_rate is None
    with pytest.raises(InputError, match="每期本金余额"):
        annualized_rate(flows["net"].tolist(), method="单利")
    with pytest.raises(InputError, match="应有 12 期"):
        annualized_rate(flows["net"].tolist(), method="单利", principal=balance[:-1])
    with pytest.raises(InputError, match="每期本金余额第 2 期"):
        annualized_rate(flows["net"].tolist(), method="单利", principal=[100_000, -5] + balance[2:])


@settings(max_examples=100, deadline=None)
@given(plans())
def test_simple_rate_is_the_same_from_the_table_and_from_bare_flows_with_its_balance(plan: pd.DataFrame) -> None:
    table = borrower_cashflows(plan, monthly_fee=0.003)
    bare = annualized_rate(table["net"].tolist(), principal=table["occupied"].iloc[1:].tolist())
    assert bare.simple_rate == pytest.approx(annualized_rate(table).simple_rate, rel=1e-12)
