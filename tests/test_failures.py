"""004 ch.6 failure patterns on the performance engine (microloan_sim.performance.failures): the sizing rules,
the outcome of a replay, and that changing the one decision changes days past due and loss."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import schedules
from microloan_sim.errors import InputError
from microloan_sim.performance import failures, play
from microloan_sim.performance.failures import (SecondLoan, declared_disposable, load_patterns, outcome,
                                                replay_all, replay_failure, second_loan_payment, size_loan)


def test_declared_disposable_by_hand() -> None:
    # 7,000 + (150,000 × 0.25 − 100,000 × 0.25) + (8,000 − 5,000) = 7,000 + 12,500 + 3,000
    assert declared_disposable(7_000, 150_000, 0.25, 100_000, 0.25, 5_000, 8_000) == 22_500.0
    # an inflated margin alone: 100,000 × (0.30 − 0.20) = 10,000 more a month
    assert declared_disposable(5_000, 100_000, 0.30, 100_000, 0.20, 6_000, 6_000) == pytest.approx(15_000.0)
    with pytest.raises(InputError, match="申报毛利率"):
        declared_disposable(1, 1, 1.5, 1, 0.2, 1, 1)


@settings(max_examples=60, deadline=None)
@given(d=st.floats(-1e4, 1e5), s=st.floats(0, 1e6), m=st.floats(0, 1), h=st.floats(0, 1e5))
def test_truthful_declaration_adds_nothing(d: float, s: float, m: float, h: float) -> None:
    assert declared_disposable(d, s, m, s, m, h, h) == pytest.approx(d)


def test_second_loan_payment_by_hand() -> None:
    # 等额本息: P × r / (1 − (1 + r)⁻ⁿ), r = 2 % a month, n = 12
    for principal in (80_000, 150_000):
        expected = principal * 0.02 / (1 - 1.02 ** -12)
        assert second_loan_payment(SecondLoan(principal=principal, annual_rate=0.24, months=12)) == \
            pytest.approx(expected, abs=0.01)


def test_outcome_by_hand() -> None:
    # 6,000 interest-free over 6 months and no cash at all: days past due 1, 31, 61, 91, …; month 4 is the first
    # beyond 90 days; nothing was ever repaid and there is no collateral, so the loss is the whole 6,000
    path = play([0.0] * 8, schedules.schedule(6_000, 0.0, 6))
    o = outcome(path, report_month=6)
    assert path.frame["dpd"].tolist()[:4] == [1, 31, 61, 91]
    assert (o["max_dpd"], o["default_month"], o["loss"], o["dpd_12"]) == (211, 4, 6_000.0, 151)
    assert o["peak_arrears"] == 6_000.0
    calm = outcome(play([1_000.0] * 6, schedules.schedule(6_000, 0.0, 6)), report_month=6)
    assert (calm["max_dpd"], calm["default_month"], calm["loss"]) == (0, None, 0.0)


def test_sizing_rules_on_c01() -> None:
    c01 = ml.casebook.load_case("C01")
    d = ml.statements.income_statement(c01, "accrual").average_disposable_income
    factor = (1 - 1.006 ** -12) / 0.006                          # 12 months at 7.2 % a year
    assert size_loan(c01, "request", method="equal_installment", annual_rate=0.072, share=0.7) == 150_000.0
    capacity = size_loan(c01, "capacity", method="equal_installment", annual_rate=0.072, share=0.7)
    assert capacity == (0.7 * d * factor) // 100 * 100
    after = size_loan(c01, "capacity_after_debt", method="equal_installment", annual_rate=0.072, share=0.7,
                      second_payment=3_000)
    assert after == (0.7 * (d - 3_000) * factor) // 100 * 100
    # C01's claims overstate sales: the declared figures support more than the verified ones
    assert size_loan(c01, "declared", method="equal_installment", annual_rate=0.072, share=0.7) > capacity
    with pytest.raises(InputError, match="额度规则"):
        size_loan(c01, "guess", method="equal_installment", annual_rate=0.072, share=0.7)


@settings(max_examples=15, deadline=None)
@given(first=st.floats(0, 20_000), extra=st.floats(0, 20_000))
def test_more_debt_never_lends_more(first: float, extra: float) -> None:
    c04 = ml.casebook.load_case("C04")
    a = size_loan(c04, "capacity_after_debt", method="equal_installment", annual_rate=0.072, share=0.7,
                  second_payment=first)
    b = size_loan(c04, "capacity_after_debt", method="equal_installment", annual_rate=0.072, share=0.7,
                  second_payment=first + extra)
    assert 0 <= b <= a <= c04.request.amount


def test_each_pattern_the_failing_decision_is_worse() -> None:
    for spec in load_patterns().patterns:
        replays = replay_all(spec.id)
        bad = next(r for r in replays if r.is_failure)
        others = [r for r in replays if not r.is_failure]
        assert bad.outcome["max_dpd"] > 30, spec.name
        assert min(r.outcome["max_dpd"] for r in others) < bad.outcome["max_dpd"], spec.name
        assert min(r.outcome["loss"] for r in others) <= bad.outcome["loss"], spec.name


def test_losses_where_the_failure_defaults() -> None:
    opaque = {r.option.id: r for r in replay_all("opaque_information")}
    assert opaque["declared"].amount == 150_000.0 and opaque["declared"].outcome["loss"] > 0
    assert opaque["verified"].outcome == {**opaque["verified"].outcome, "max_dpd": 0, "loss": 0.0}
    over = {r.option.id: r for r in replay_all("over_borrowing")}
    assert over["ignore"].outcome["loss"] > 0 and over["verify"].amount == 0.0     # verified: not lent at all
    assert over["verify"].path is None and over["verify"].outcome["category_12"] == "未放款"


def test_schedule_pattern_keeps_the_amount_and_changes_only_the_method() -> None:
    replays = replay_all("还款计划不合理")
    assert {r.amount for r in replays} == {75_000.0}          # C03's recommended amount (collateral limit)
    assert [r.method for r in replays] == ["equal_installment", "interest_only", "bullet"]
    by_method = {r.method: r.outcome["max_dpd"] for r in replays}
    assert by_method["equal_installment"] > 30 >= by_method["bullet"]


def test_success_levers_reverse_each_failure() -> None:
    table = ml.performance.success_levers()
    assert list(table["借款人"]) == ["C07", "C01", "C09", "C03"]
    assert (table["失败做法的最长逾期（天）"] > table["成功做法的最长逾期（天）"]).all()
    assert (table["成功做法的损失（元）"] == 0).all()


def test_bad_pattern_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="失败模式"):
        replay_failure("欺诈")
    with pytest.raises(InputError, match="决定"):
        replay_failure("over_borrowing", "随便放")
    text = (Path(ml.__file__).parent / "data" / failures.PATTERNS_FILE).read_text(encoding="utf-8")
    bad = tmp_path / "failure_patterns.yaml"
    bad.write_text(text.replace("failure_option: ignore", "failure_option: nobody"), encoding="utf-8")
    with pytest.raises(InputError, match="failure_patterns.yaml"):
        load_patterns(bad)
    no_loan = tmp_path / "no_second_loan.yaml"
    no_loan.write_text(text.replace("    second_loan: {principal: 150000, annual_rate: 0.24, months: 12}\n", ""),
                       encoding="utf-8")
    with pytest.raises(InputError, match="second_loan"):
        load_patterns(no_loan)
