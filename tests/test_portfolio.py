"""The portfolio engine (course 03): hand examples from shared/domain-parts.md §3.2 and §7 (Examples 6 and 7),
properties of the Monte Carlo, officer/branch economics worked by hand from data/portfolio.yaml, and bad input."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim.errors import InputError
from microloan_sim.portfolio import (
    basel_retail_correlation,
    binomial_loss_quantile,
    branch_economics,
    check_policy,
    compare_schemes,
    effective_number,
    equal_book,
    granularity_table,
    hhi,
    incentive_outcome,
    make_book,
    officer_bonus,
    officer_economics,
    simulate_losses,
    vasicek_loss_quantile,
)
from microloan_sim.portfolio._params import IncentiveBook, Incentives, Shock
from microloan_sim.portfolio.incentives import engine_book, pool_default_rate, shock_rate_for

E, PD, LGD = 10_000_000, 0.02, 0.5        # domain-parts §7 Example 7


# --------------------------------------------------------------------------- hand examples (domain-parts §7)

def test_example7_one_loan() -> None:
    """1 loan of 1,000万: EL 10万; P(any loss) = 2% > 1%, so the 99% loss is the whole 500万 (E × LGD)."""
    assert equal_book(E, 1, PD, LGD).expected_loss == 100_000
    assert binomial_loss_quantile(E, 1, PD, LGD) == 5_000_000
    assert simulate_losses(equal_book(E, 1, PD, LGD), model="binomial", scenarios=5_000, seed=1).loss_99 == 5_000_000


def test_example7_two_hundred_independent_loans() -> None:
    """200 × 5万: SD = 1,000 × 0.5 × sqrt(0.02 × 0.98 / 200) = 4.95万; 99% quantile 9 defaults → 22.5万."""
    table = granularity_table(E, PD, LGD, [200])
    assert table["预期损失 EL"].iloc[0] == 100_000
    assert round(table["损失标准差（独立）"].iloc[0] / 10_000, 2) == 4.95
    assert table["99% 分位损失（独立）"].iloc[0] == 225_000


def test_section_3_2_table() -> None:
    """domain-parts §3.2 worked table: SD 70 / 15.65 / 4.95 / 1.57 万, 99% loss 500 / 50 / 22.5 / 13.75 万."""
    table = granularity_table(E, PD, LGD, [1, 20, 200, 2000])
    assert (table["预期损失 EL"] == 100_000).all()
    assert (table["损失标准差（独立）"] / 10_000).round(2).tolist() == [70.0, 15.65, 4.95, 1.57]
    assert (table["99% 分位损失（独立）"] / 10_000).tolist() == [500.0, 50.0, 22.5, 13.75]
    assert table["有效笔数"].round().tolist() == [1, 20, 200, 2000]


def test_example7_vasicek_and_basel_correlation() -> None:
    """ρ = 0.15: conditional PD at 99% = 10.56% → ≈ 52.8万; Basel other retail at PD 2%: w = 0.5034, ρ = 0.0946,
    large-portfolio 99% loss ≈ 39.9万 (§3.2 table)."""
    assert round(basel_retail_correlation(0.02), 4) == 0.0946
    assert round(vasicek_loss_quantile(E, PD, LGD, 0.15) / 10_000, 1) == 52.8
    assert round(vasicek_loss_quantile(E, PD, LGD, 0.0946) / 10_000, 1) == 39.9
    # Basel bounds (CRR Art. 154(3)): 0.16 at PD → 0, 0.03 at PD = 1
    assert basel_retail_correlation(0.0) == pytest.approx(0.16)
    assert basel_retail_correlation(1.0) == pytest.approx(0.03)


def test_finite_book_with_correlation_approaches_the_large_portfolio_quantile() -> None:
    """5,000 loans at ρ = 0.15: the simulated 99% loss is near (a little above) the n → ∞ value of 52.8万; the
    independent 99% loss of the same book is far lower (about 12.6万): splitting does not remove ρ."""
    book = equal_book(E, 5_000, PD, LGD)
    correlated = simulate_losses(book, rho=0.15, scenarios=40_000, seed=11).loss_99
    assert 0.97 * 528_000 < correlated < 1.08 * 528_000
    independent = simulate_losses(book, model="binomial", scenarios=40_000, seed=11).loss_99
    assert independent < 0.3 * correlated


def test_hhi_and_effective_number_by_hand() -> None:
    assert hhi([100, 100, 100, 100]) == 0.25 and effective_number([100, 100, 100, 100]) == 4
    # 0.7² + 3 × 0.1² = 0.52
    assert hhi([700, 100, 100, 100]) == pytest.approx(0.52)
    assert effective_number([700, 100, 100, 100]) == pytest.approx(1 / 0.52)


def test_concentration_shock_expected_loss_by_hand() -> None:
    """20% of 1,000万 in one 核心企业's chain; event 5% a year; PD 40% in that year.
    Cluster EL = 200万 × 0.5 × (0.95 × 2% + 0.05 × 40%) = 3.9万; the rest 800万 × 0.5 × 2% = 8万 → 11.9万."""
    shock = Shock(name="核心企业", share=0.2, event_probability=0.05, shocked_pd=0.4)
    book = equal_book(E, 1_000, PD, LGD, cluster_share=0.2)
    dist = simulate_losses(book, shock=shock, scenarios=40_000, seed=5)
    assert dist.expected_loss == pytest.approx(119_000)
    assert abs(dist.mean - 119_000) < 5 * dist.sd / math.sqrt(dist.scenarios)
    plain = simulate_losses(book, scenarios=40_000, seed=5)
    assert dist.loss_99 > plain.loss_99 * 1.5      # the shock fattens the tail far more than it moves EL


def test_example6_policy_checker() -> None:
    """All-loan NPL 1.20% → tolerance 4.20%, actual 3.50% within; growth 9.0% ≥ 8.0% passed; borrowers
    5,000 → 4,950 failed."""
    report = check_policy(total_loans_prev=100e8, total_loans_now=108e8, small_loans_prev=20e8,
                          small_loans_now=21.8e8, borrowers_prev=5_000, borrowers_now=4_950, all_npl=0.012,
                          small_npl=0.035)
    assert report.total_growth == pytest.approx(0.08) and report.small_growth == pytest.approx(0.09)
    assert report.npl_ceiling == pytest.approx(0.042)
    verdicts = dict(zip(report.table["检查项"], report.table["结论"]))
    assert verdicts == {"两增：普惠小微贷款增速": "达标", "两增：有贷款余额的户数": "未达标",
                        "两控：不良率在容忍度内": "达标"}
    assert not report.passed
    # the pre-2019 tolerance of 2 points: 3.50% > 1.20% + 2 = 3.20% fails
    old = check_policy(total_loans_prev=100, total_loans_now=108, small_loans_prev=20, small_loans_now=21.8,
                       borrowers_prev=1, borrowers_now=1, all_npl=0.012, small_npl=0.035, tolerance_points=0.02)
    assert old.table["结论"].iloc[2] == "未达标"


def test_policy_cost_row_has_no_verdict() -> None:
    report = check_policy(total_loans_prev=1, total_loans_now=1, small_loans_prev=1, small_loans_now=1,
                          borrowers_prev=1, borrowers_now=1, all_npl=0, small_npl=0, cost_prev=0.06, cost_now=0.0528)
    row = report.table.iloc[-1]
    assert row["结论"] == "仅供参考" and "下降 0.72 个百分点" in row["实际"]
    assert report.passed


# --------------------------------------------------------------------------- economics, worked by hand from the YAML

def test_officer_economics_by_hand() -> None:
    """data/portfolio.yaml: 176 h × (1 − 0.2) = 140.8 h. No pre-screen: approval 50% → 2 applicants (and 2 visits)
    per loan; intake 1.5 + 0.5 and visit 4.0 + 1.5 hours per applicant, 1 + 1 per loan → 2 × 7.5 + 2 = 17 h; monitoring
    0.25 h × 12 months = 3 h; 140.8 / 20 = 7.04 loans a month; 15,000 / 7.04 = 2,130.68 元 a loan.
    Pre-screen: 35% turned away online, 75% of the visited approved → 1 / (0.65 × 0.75) = 2.0513 applicants and
    1.3333 visits a loan; intake hours 0.75 + 0.25, visit hours 4.0 + 1.0 → 2.0513 × 1 + 1.3333 × 5 + 2 = 10.718 h;
    140.8 / 13.718 = 10.264 loans; 15,000 / 10.264 + 20 × 2.0513 = 1,502.4 元."""
    off = officer_economics(False)
    assert off.applicants_per_loan == 2 and off.hours_per_new_loan == pytest.approx(17)
    assert off.loans_per_month == pytest.approx(7.04)
    assert off.cost_per_loan == pytest.approx(15_000 / 7.04)
    on = officer_economics(True)
    applicants = 1 / (0.65 * 0.75)
    hours = applicants * 1.0 + (1 / 0.75) * 5.0 + 2.0
    assert on.hours_per_new_loan == pytest.approx(hours)
    assert on.loans_per_month == pytest.approx(140.8 / (hours + 3))
    assert on.cost_per_loan == pytest.approx(15_000 / (140.8 / (hours + 3)) + 20 * applicants)


def test_branch_break_even_by_hand() -> None:
    """6 officers × 7.04 = 42.24 loans; cost 2,130.68 + 60,000 / 42.24 = 3,551.14; margin 100,000 × 0.55 ×
    (10% − 2.5%) = 4,125; EL 1,000; r* = 2.5% + (3.5511% + 1%) / 0.55 = 10.775%; A* = 3,551.14 / (0.04125 − 0.01)."""
    b = branch_economics(False)
    cost = 15_000 / 7.04 + 60_000 / 42.24
    assert b.cost_per_loan == pytest.approx(cost)
    assert b.margin_per_loan == pytest.approx(4_125)
    assert b.profit_per_loan == pytest.approx(4_125 - 1_000 - cost)
    assert b.break_even_rate == pytest.approx(0.025 + (cost / 100_000 + 0.01) / 0.55)
    assert b.break_even_amount == pytest.approx(cost / (0.55 * 0.075 - 0.01))
    on = branch_economics(True)
    assert on.cost_per_loan < b.cost_per_loan and on.break_even_rate < b.break_even_rate
    assert on.profit_per_loan > 0 > b.profit_per_loan       # the example's point: pre-screening pays
    # at the break-even rate the profit per loan is zero
    assert branch_economics(False, annual_rate=b.break_even_rate).profit_per_loan == pytest.approx(0, abs=1e-6)
    frame = b.to_frame()
    assert list(frame.columns) == ["项目", "数值", "单位"] and frame["数值"].notna().all()


# --------------------------------------------------------------------------- 考核 simulator

def test_officer_bonus_by_hand() -> None:
    """10 approved, 2 defaults, 50万 disbursed: volume 50 × 20 = 1,000; risk 1,000 − 2 × 2,000 = −3,000;
    with 60% exempt 1,000 − 2 × 800 = −600."""
    inc = Incentives(volume_bonus_per_10k=20, default_penalty=2_000, exemption_share=0.6, all_loans_npl=0.01)
    table = pd.DataFrame({"通过户数": [10.0], "通过户违约率": [0.2], "放款总额": [500_000.0]})
    assert [float(officer_bonus(table, s, inc)[0]) for s in ("volume", "risk", "risk_exempt")] == [1000, -3000, -600]


def test_schemes_order_the_cut_off_and_the_book() -> None:
    """Volume pay approves everyone; a default penalty with no exemption makes the officer the most cautious;
    尽职免责 sits between. The book played forward 12 months follows: PAR30, 不良率 and loss fall as the cut-off
    rises (same borrowers, same seed)."""
    table = compare_schemes()
    volume, strict, exempt = (table.iloc[i] for i in range(3))
    assert volume["通过率"] == 1.0
    assert strict["分数线"] > exempt["分数线"] > volume["分数线"]
    for column in ("PAR30", "PAR90", "不良率", "损失率", "违约损失"):
        assert volume[column] > exempt[column] > strict[column], column
    # the economics are the approval simulation's, as before: 5,000 applicants × 50,000 元 (statistical_scorecard.yaml)
    assert volume["放款笔数"] == 5_000
    # the officer's pick is the bonus-maximising row of the curve
    outcome = incentive_outcome("risk_exempt")
    assert outcome.chosen["客户经理奖金"] == outcome.curve["客户经理奖金"].max()


def test_the_book_after_12_months_by_hand() -> None:
    """Volume pay approves all 5,000 applicants, so the pool's default rate is the whole sample's and the
    monthly shock probability is 0.3 × that rate (data/portfolio.yaml: base 0, slope 0.3). The loss is the
    engine's loss rate on 5,000 × 50,000 元 disbursed; the 五级分类 shares add up to 1; PAR90 is the 不良率
    (次级 and worse = more than 90 days past due, domain-parts §7 example 1); the tolerance is 1.2% + 3 points."""
    sim = ml.rating.approval_simulation("statistical", steps=81)
    book = incentive_outcome("volume").book
    assert book["通过户违约率"] == pytest.approx(sim.defaults.sum() / 5_000)
    assert book["每月冲击概率"] == pytest.approx(0.3 * sim.defaults.sum() / 5_000, abs=1e-6)
    assert book["违约损失"] == pytest.approx(book["损失率"] * 5_000 * 50_000)
    shares = [book[k] for k in ("正常", "关注", "次级", "可疑", "损失类")]
    assert sum(shares) == pytest.approx(1.0) and min(shares) >= 0
    assert book["PAR90"] == pytest.approx(book["不良率"])
    assert book["次级"] + book["可疑"] + book["损失类"] == pytest.approx(book["不良率"])
    assert book["PAR30"] >= book["PAR90"]
    assert book["不良容忍度上限"] == pytest.approx(0.042)
    assert book["是否超出不良容忍度"] == ("是" if book["不良率"] > 0.042 else "否")


def test_pool_default_rate_and_shock_rate_by_hand() -> None:
    """Running maximum from the strictest cut-off: 700 → 0 (empty), 600 → 5%, 500 → max(3%, 5%) = 5%,
    400 → 8%. Shock rate 0.002 + 0.3 × 5% = 1.7%."""
    t = pd.DataFrame({"分数线": [400.0, 500.0, 600.0, 700.0], "通过户违约率": [0.08, 0.03, 0.05, float("nan")]})
    assert pool_default_rate(t).tolist() == [0.08, 0.05, 0.05, 0.0]
    book = IncentiveBook(loans=100, shock_rate_base=0.002, shock_rate_per_default_rate=0.3)
    assert shock_rate_for(0.05, book) == pytest.approx(0.017)
    assert shock_rate_for(10.0, book) == 1.0           # a probability never exceeds 1


def test_a_looser_cut_off_never_gives_a_less_risky_book() -> None:
    """Over all 81 cut-offs, from strict to loose, with the same seed: the shock probability never falls, and
    PAR30 at month 12 never falls by more than 0.005 percentage point. (PAR30 is balance-weighted: an extra
    shock that leaves a loan current still keeps more of its balance outstanding, so two nearly equal shock
    probabilities can swap PAR30 in the sixth decimal.) Between cut-offs whose pools' default rates differ by
    at least one percentage point, PAR30 and the loss rate strictly rise."""
    sim = ml.rating.approval_simulation("statistical", steps=81)
    rates = pool_default_rate(sim.table)            # table rows: loosest cut-off first
    shocks = [shock_rate_for(r) for r in rates]
    assert all(a >= b for a, b in zip(shocks, shocks[1:]))
    books = [engine_book(s) for s in shocks]
    par30 = [b["PAR30"] for b in books]
    assert all(loose >= strict - 5e-5 for loose, strict in zip(par30, par30[1:]))
    for i in range(len(rates)):
        for j in range(i + 1, len(rates)):
            if rates[i] - rates[j] >= 0.01:
                assert books[i]["PAR30"] > books[j]["PAR30"]
                assert books[i]["损失率"] >= books[j]["损失率"]


def test_the_volume_scheme_picks_a_looser_cut_off_than_the_risk_adjusted_ones_for_any_penalty() -> None:
    for penalty in (500.0, 2_000.0, 8_000.0):
        for exemption in (0.0, 0.6):
            inc = Incentives(volume_bonus_per_10k=20, default_penalty=penalty, exemption_share=exemption,
                             all_loans_npl=0.012)
            volume = incentive_outcome("volume", incentives=inc).book
            risk = incentive_outcome("risk_exempt", incentives=inc).book
            assert volume["分数线"] <= risk["分数线"]
            assert volume["PAR30"] >= risk["PAR30"] - 5e-5


def test_an_officer_with_no_penalty_tolerance_never_approves_more_than_volume_pay() -> None:
    no_exempt = Incentives(volume_bonus_per_10k=20, default_penalty=2_000, exemption_share=1.0, all_loans_npl=0.012)
    full = incentive_outcome("risk_exempt", incentives=no_exempt)      # every default exempt = volume pay
    assert float(full.chosen["通过率"]) == 1.0


# --------------------------------------------------------------------------- Monte Carlo properties

@settings(max_examples=30, deadline=None)
@given(pd_=st.floats(0.005, 0.3), lgd=st.floats(0.1, 1.0), n=st.integers(1, 400),
       model=st.sampled_from(["binomial", "vasicek"]), rho=st.one_of(st.none(), st.floats(0.0, 0.5)),
       shock=st.sampled_from([None, "core_enterprise", "market"]), method=st.sampled_from(["grouped", "loans"]),
       seed=st.integers(0, 2**31))
def test_mean_loss_tends_to_el(pd_: float, lgd: float, n: int, model: str, rho: float | None, shock: str | None,
                               method: str, seed: int) -> None:
    """With many scenarios the mean simulated loss is within 5 standard errors of EL: E × PD × LGD without a
    shock; with one, the cluster's PD is the event-weighted (1 − q) × PD + q × shocked PD."""
    spec = ml.portfolio.parameters().shocks[shock] if shock else None
    book = equal_book(E, n, pd_, lgd, cluster_share=spec.share if spec else 0.0)
    dist = simulate_losses(book, model=model, rho=rho, shock=spec, scenarios=20_000, seed=seed, method=method)
    share = book.cluster_share if spec else 0.0
    cluster_pd = (1 - spec.event_probability) * pd_ + spec.event_probability * spec.shocked_pd if spec else pd_
    assert dist.cluster_share == pytest.approx(share)
    assert dist.expected_loss == pytest.approx(E * lgd * ((1 - share) * pd_ + share * cluster_pd))
    assert abs(dist.mean - dist.expected_loss) <= 5 * dist.sd / math.sqrt(dist.scenarios) + 1e-6


def test_mean_error_shrinks_as_scenarios_grow() -> None:
    book = equal_book(E, 100, PD, LGD)

    def error(scenarios: int) -> float:
        return float(np.mean([abs(simulate_losses(book, scenarios=scenarios, seed=s).mean - book.expected_loss)
                              for s in range(20)]))

    small, large = error(200), error(20_000)
    assert large < small / 4          # √(100) = 10 in theory; 4 leaves room for sampling noise


@settings(max_examples=20, deadline=None)
@given(pd_=st.floats(0.01, 0.3), n=st.integers(20, 400), seed=st.integers(0, 2**31))
def test_sd_falls_like_one_over_root_n_without_correlation(pd_: float, n: int, seed: int) -> None:
    """ρ = 0: SD(4n loans) ≈ SD(n loans) / 2, both in the analytic form and in the simulation."""
    small = granularity_table(E, pd_, LGD, [n, 4 * n], rho=0.0)["损失标准差（独立）"].to_numpy()
    assert small[1] == pytest.approx(small[0] / 2)
    sd_n = simulate_losses(equal_book(E, n, pd_, LGD), model="vasicek", rho=0.0, scenarios=20_000, seed=seed).sd
    sd_4n = simulate_losses(equal_book(E, 4 * n, pd_, LGD), model="binomial", scenarios=20_000, seed=seed).sd
    assert sd_4n / sd_n == pytest.approx(0.5, rel=0.1)
    assert sd_n == pytest.approx(small[0], rel=0.1)


def test_loan_level_and_grouped_methods_agree() -> None:
    """The loan-level vectorised draw and the grouped binomial draw are the same distribution."""
    shock = "market"
    book = equal_book(E, 2_000, PD, LGD, cluster_share=0.3)
    grouped = simulate_losses(book, shock=shock, scenarios=20_000, seed=3, method="grouped")
    loans = simulate_losses(book, shock=shock, scenarios=20_000, seed=3, method="loans")
    assert loans.mean == pytest.approx(grouped.mean, rel=0.03)
    assert loans.sd == pytest.approx(grouped.sd, rel=0.05)
    assert loans.loss_99 == pytest.approx(grouped.loss_99, rel=0.05)


def test_mixed_book_loan_level_matches_el() -> None:
    """A book of unequal loans with different PDs (many groups) through the loan-level path."""
    rng = np.random.default_rng(0)
    exposure = rng.choice([20_000.0, 50_000.0, 200_000.0], size=600)
    pds = rng.choice([0.01, 0.03, 0.08], size=600)
    book = make_book(exposure, pds, 0.45)
    dist = simulate_losses(book, scenarios=20_000, seed=2, method="loans")
    assert dist.expected_loss == pytest.approx(float(np.sum(exposure * pds * 0.45)))
    assert abs(dist.mean - dist.expected_loss) <= 5 * dist.sd / math.sqrt(dist.scenarios)
    assert book.hhi == pytest.approx(float(np.sum((exposure / exposure.sum()) ** 2)))


def test_same_seed_same_losses() -> None:
    book = equal_book(E, 50, PD, LGD)
    a = simulate_losses(book, seed=9, scenarios=1_000).losses
    assert np.array_equal(a, simulate_losses(book, seed=9, scenarios=1_000).losses)


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, field", [
    (lambda: make_book([10_000, 20_000], pd=-0.01, lgd=0.5), "违约概率 PD"),
    (lambda: make_book([10_000], pd=1.2, lgd=0.5), "违约概率 PD"),
    (lambda: make_book([10_000], pd=0.02, lgd=-0.1), "违约损失率 LGD"),
    (lambda: make_book([10_000, 5_000], pd=[0.02, float("nan")], lgd=0.5), "违约概率 PD"),
    (lambda: make_book([], pd=0.02, lgd=0.5), "贷款组合"),
    (lambda: make_book([-5.0], pd=0.02, lgd=0.5), "贷款金额"),
    (lambda: hhi([]), "贷款组合"),
    (lambda: equal_book(E, 0, PD, LGD), "贷款笔数"),
    (lambda: simulate_losses(equal_book(E, 10, PD, LGD), rho=1.0), "相关系数 ρ"),
    (lambda: simulate_losses(equal_book(E, 10, PD, LGD), rho=1.5), "相关系数 ρ"),
    (lambda: simulate_losses(equal_book(E, 10, PD, LGD), rho=-0.1), "相关系数 ρ"),
    (lambda: vasicek_loss_quantile(E, PD, LGD, 1.0), "相关系数 ρ"),
    (lambda: simulate_losses(equal_book(E, 10, PD, LGD), model="泊松"), "模型"),
    (lambda: simulate_losses(equal_book(E, 10, PD, LGD), shock="台风"), "集中度冲击"),
    (lambda: basel_retail_correlation(-0.02), "违约概率 PD"),
    (lambda: incentive_outcome("年终奖"), "考核方式"),
    (lambda: branch_economics(False, officers=0), "客户经理人数"),
])
def test_bad_input_names_the_field(call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(field + "：")


def test_public_names() -> None:
    assert ml.portfolio.simulate_losses is simulate_losses
    assert set(ml.portfolio.MODELS) == {"binomial", "vasicek"}


def test_a_bad_parameter_file_names_the_file_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from microloan_sim._data import data_path

    text = data_path("portfolio.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "portfolio.yaml"
    bad.write_text(text.replace("  pd: 0.02                    # 每笔贷款一年内", "  pd: 1.5                    # 每笔贷款一年内"),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"^文件 portfolio.yaml：granularity.pd：超过上限 1"):
        ml.portfolio.parameters(bad)
    bad.write_text(text.replace("      营销获客: 0.75", "      扫街: 0.75"), encoding="utf-8")
    with pytest.raises(InputError, match="预筛节省的环节“扫街”不在 stages 中"):
        ml.portfolio.parameters(bad)
