"""The performance engine (贷后表现): hand examples from domain-parts §7 (examples 1, 6, 7, 8, 10), hand-worked
playbacks (repayment order, penalty, 展期, 重组 and the 2023 observation rule), properties, the book against a
plain loop and against the single-loan engine, the 03b loan file, and bad input."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import InputError
from microloan_sim.performance import (
    BookResult, Extension, Restructure, Shock, check_contact, collection_step, draw_book, early_warning, floor,
    flow_to_loss, load_parameters, load_review, loss_after_recovery, npl_ratio, npl_tolerance, par, play,
    play_book, play_book_loop, play_loan, roll_rates, simulate_book, vintage_rate, warning_signals,
)
from microloan_sim.performance.classification import CATEGORIES
from microloan_sim.schedules import schedule
from microloan_sim.sizing import capacity_limit


def _no_penalty() -> ml.performance.PerformanceParameters:
    p = load_parameters()
    return p.model_copy(update={"playback": p.playback.model_copy(update={"penalty_interest": False})})


# --------------------------------------------------------------------------- domain-parts §7, by hand

def test_example_1_five_category_floor_and_npl() -> None:
    """Domain-parts §7 example 1: 0 → 正常, 1 and 45 and 90 → 关注 (90 is not 'over 90'), 91 and 200 → 次级,
    271 → 可疑, 361 → 损失; eight loans of 10万: NPL = 4 × 10万 / 80万 = 50 %."""
    days = [0, 1, 45, 90, 91, 200, 271, 361]
    expected = ["正常", "关注", "关注", "关注", "次级", "次级", "可疑", "损失"]
    codes = floor(days)
    assert [CATEGORIES[c] for c in codes] == expected
    assert npl_ratio([100_000] * 8, codes) == 0.5


def test_example_6_npl_tolerance() -> None:
    """Domain-parts §7 example 6: all-loan NPL 1.20 % → tolerance 1.20 % + 3 pp = 4.20 %; 3.50 % is within,
    4.30 % would not be."""
    result = npl_tolerance(0.012, 0.035)
    assert math.isclose(result["tolerance"], 0.042)
    assert result["within"] is True
    assert npl_tolerance(0.012, 0.043)["within"] is False


def test_example_6_tolerance_against_a_played_book() -> None:
    """Example 6's check applied to an NPL ratio the engine computes: a book of 100 loans of 10万 in which
    3 are 91–180 days past due and 1 is 400 days past due has NPL 4 / 100 = 4.0 % (次级 ×3, 损失 ×1) — within
    4.20 %, while 5 bad loans (5.0 %) would not be."""
    days = np.zeros((100, 1), dtype=int)
    days[:3, 0] = 120
    days[3, 0] = 400
    book = _book(np.full((100, 1), 100_000.0), days)
    npl = float(book.npl_ratio().iloc[0])
    assert math.isclose(npl, 0.04)
    assert npl_tolerance(0.012, npl)["within"] is True
    days[4, 0] = 95
    assert npl_tolerance(0.012, float(_book(np.full((100, 1), 100_000.0), days).npl_ratio().iloc[0]))["within"] is False


def _defaulting_loans(count: int, defaults: int, amount: float) -> float:
    """Loss of ``count`` loans of ``amount`` of which ``defaults`` have no cash at all for 12 months, each with
    a 房产 valued so that recovery (60 % of value) is half the loan: LGD = 50 %."""
    plan = schedule(amount, 0.0, 12)
    total = 0.0
    for i in range(count):
        cash = [0.0] * 12 if i < defaults else [amount] * 12
        path = play(cash, plan)
        collateral = [("房产", amount * 0.5 / 0.6)]
        total += loss_after_recovery(float(path.frame["balance"].iloc[-1]), collateral)["loss"] \
            if path.frame["dpd"].iloc[-1] > 90 else 0.0
    return total


def test_example_7_expected_loss_does_not_depend_on_the_split() -> None:
    """Domain-parts §7 example 7: E = 1,000万, PD 2 %, LGD 50 % → EL = 1,000万 × 0.02 × 0.5 = 10万 whether the
    exposure is 200 loans of 5万 (4 default: 4 × 5万 × 50 % = 10万) or 50 loans of 20万 (1 defaults: 10万);
    one loan of 1,000万 that defaults loses 500万 (the 99 % loss of a single loan)."""
    assert math.isclose(_defaulting_loans(200, 4, 50_000), 100_000, rel_tol=1e-9)
    assert math.isclose(_defaulting_loans(50, 1, 200_000), 100_000, rel_tol=1e-9)
    assert math.isclose(_defaulting_loans(1, 1, 10_000_000), 5_000_000, rel_tol=1e-9)


def _book(balance: np.ndarray, dpd: np.ndarray, disbursed: np.ndarray | None = None,
          principal: np.ndarray | None = None) -> BookResult:
    n, t = balance.shape
    zeros = np.zeros((n, t))
    loans = pd.DataFrame({"principal": principal if principal is not None else balance[:, 0],
                          "collateral_recovery": np.zeros(n), "guarantee": np.zeros(n, dtype=bool)})
    return BookResult(loans=loans, balance=balance.astype(float), dpd=dpd.astype(np.int32), arrears=zeros, cash=zeros,
                      paid=zeros, income=zeros, inflow=zeros, expected_inflow=zeros, new_lender=zeros.astype(bool),
                      disbursed=np.zeros(n, dtype=int) if disbursed is None else disbursed)


def test_example_8_par_roll_rates_flow_to_loss() -> None:
    """Domain-parts §7 example 8 (万元): current 900, M1 50, M2 25, M3 15, M4+ 10 → PAR30 = 50 / 1,000 = 5.0 %,
    >90 = 1.0 %. Next month 20 of the 50 in M1, 10 of the 25 in M2 and 9 of the 15 in M3 roll on → 40 %, 40 %,
    60 %; flow to loss 0.4 × 0.4 × 0.6 = 9.6 % → 4.8万 of today's 50万 in M1."""
    balances = [900, 20, 30, 10, 15, 9, 6, 10]
    now = [0, 15, 15, 45, 45, 75, 75, 120]          # M0, M1, M1, M2, M2, M3, M3, M4+
    nxt = [0, 45, 0, 75, 0, 105, 0, 150]            # the 20, 10 and 9 roll on; the others are cured
    assert par(balances, now) == 0.05
    assert par(balances, now, 90) == 0.01
    rates = roll_rates(balances, floor_bucket(now), floor_bucket(nxt))
    assert math.isclose(rates["M1→M2"], 0.4) and math.isclose(rates["M2→M3"], 0.4)
    assert math.isclose(rates["M3→M4+"], 0.6)
    assert math.isclose(flow_to_loss([0.4, 0.4, 0.6]) * 50, 4.8)
    # the same through a book of those eight loans over two months
    book = _book(np.array([[b, b] for b in balances], dtype=float), np.array([now, nxt]).T)
    assert math.isclose(book.par(30).iloc[0], 0.05)
    table = book.roll_rates()
    assert math.isclose(table.loc[1, "M1→M2"], 0.4) and math.isclose(table.loc[1, "M3→M4+"], 0.6)
    assert math.isclose(book.flow_to_loss().iloc[0], 0.096)


def floor_bucket(days: list[int]) -> list[int]:
    return ml.performance.bucket(days).tolist()


def test_example_8_vintage() -> None:
    """Example 8: a January cohort disbursed 500万; at MOB 3 its balance more than 30 days past due is 6万 →
    6 / 500 = 1.2 %."""
    assert vintage_rate(5_000_000, [60_000, 4_800_000], [45, 0]) == 0.012
    # as a book: two loans of 250万 disbursed in book month 1; at MOB 3 one has 6万 > 30 dpd
    balance = np.array([[250e4, 250e4, 6e4], [250e4, 240e4, 230e4]])
    dpd = np.array([[0, 1, 31], [0, 0, 0]])
    book = _book(balance, dpd, principal=np.array([250e4, 250e4]))
    assert math.isclose(book.vintages().loc[1, 3], 0.012)


def test_example_10_collection_rules() -> None:
    """Domain-parts §7 example 10: the 7th unanswered call today is not allowed; a call at 22:30 without consent
    is not allowed; a third party may be contacted only when the debtor is unreachable."""
    assert check_contact(10, 5) == []
    assert len(check_contact(10, 6)) == 1
    assert check_contact(22, 0) and check_contact(7, 0) and not check_contact(8, 0)
    assert check_contact(22, 0, consent=True) == []
    assert check_contact(10, 0, third_party=True) and check_contact(10, 0, third_party=True, debtor_unreachable=True) == []
    assert collection_step(1).startswith("短信") and collection_step(400).startswith("依法起诉")


# --------------------------------------------------------------------------- single-loan playback, by hand

def test_repayment_order_fees_penalty_interest_principal() -> None:
    """10,000 元 先息后本 at 12 % for 3 months: instalments 100, 100, 10,100 (100 interest + 10,000 principal).
    Nothing paid for 4 months: arrears 100, 200, 10,300; in month 4 the overdue principal 10,000 accrues penalty
    10,000 × 12 % × 1.5 / 12 = 150 → 10,450. Month 5 accrues another 150; 500 元 of cash pays the 300 of penalty
    first, then instalments 1 and 2 (100 of interest each), and no principal: 10,600 − 500 = 10,100 left, the
    oldest unpaid instalment is the third (due month 3) → 30 × 2 + 1 = 61 days past due."""
    plan = schedule(10_000, 0.12, 3, "先息后本")
    path = play([0, 0, 0, 0, 500], plan)
    f = path.frame
    assert f["arrears"].round(2).tolist() == [100.0, 200.0, 10_300.0, 10_450.0, 10_100.0]
    assert math.isclose(f.loc[5, "paid_interest"], 500.0) and f.loc[5, "paid_principal"] == 0.0
    assert f.loc[5, "balance"] == 10_000 and f.loc[5, "dpd"] == 61


def test_fees_are_paid_first() -> None:
    """12,000 元 at 0 % over 12 months with a 20 元 monthly fee: 520 元 of cash pays the 20 fee first, then 500 of
    the 1,000 principal; the instalment is short by 500."""
    path = play([520.0], schedule(12_000, 0.0, 12), monthly_fee=20)
    row = path.frame.iloc[0]
    assert (row["paid_fees"], row["paid_interest"], row["paid_principal"], row["arrears"]) == (20.0, 0.0, 500.0, 500.0)


def test_restructure_keeps_the_floor_during_observation() -> None:
    """12,000 元 at 0 %, 12 × 1,000. No cash for 4 months → 4,000 overdue, 91 dpd, 次级. In month 5 everything
    owed (12,000) is restructured into 24 × 500 and the borrower pays 500 a month: days past due drop to 0, but
    the class stays 次级 (not upgraded) for the 12-month observation period (months 5–16), then 正常."""
    plan = schedule(12_000, 0.0, 12)
    cash = [0, 0, 0, 0] + [500] * 14
    path = play(cash, plan, actions=[Restructure(5, 24)])
    f = path.frame
    assert f.loc[4, "dpd"] == 91 and f.loc[4, "category"] == "次级"
    assert f.loc[5:18, "dpd"].eq(0).all()
    assert f.loc[5:16, "category"].eq("次级").all() and f.loc[5:16, "observation"].all()
    assert f.loc[5, "balance"] == 11_500
    assert f.loc[17, "category"] == "正常" and not f.loc[17, "observation"]


def test_restructured_performing_loan_is_at_least_special_mention() -> None:
    """A loan restructured while current is classified at least 关注 during observation (2023 rule)."""
    path = play([2_000] * 14, schedule(12_000, 0.0, 12), actions=[Restructure(3, 12)])
    assert path.frame.loc[2, "category"] == "正常"
    assert path.frame.loc[3:12, "category"].eq("关注").all()


def test_extension_respreads_the_principal_not_yet_due() -> None:
    """12,000 元 at 0 %, 12 × 1,000; at month 7 the 6,000 not yet due is spread over 6 + 6 = 12 months → 500."""
    path = play([1_000] * 18, schedule(12_000, 0.0, 12), actions=[Extension(7, 6)])
    f = path.frame
    assert f.loc[6, "due"] == 1_000 and f.loc[7, "due"] == 500 and f.loc[18, "due"] == 500
    assert f.loc[18, "balance"] == 0 and f.loc[7, "category"] == "关注"


def test_a_shock_on_a_case_causes_arrears_and_a_warning_first() -> None:
    case = ml.casebook.load_case("C07")
    calm = play_loan(case, 200_000, 0.072, 24)
    hit = play_loan(case, 200_000, 0.072, 24, shocks=[Shock("hidden_lender", start=2, amount=15_000)])
    assert calm.max_dpd == 0 and hit.max_dpd > 90
    signals = warning_signals(hit)
    assert bool(signals.loc[2, "new_lender"]) and not bool(signals.loc[1, "new_lender"])
    first_bad = int((hit.frame["dpd"] > 90).idxmax())
    assert int(signals["any"].idxmax()) < first_bad


def test_loss_without_a_valid_guarantee() -> None:
    """200,000 owed, inventory 100,000 at 25 % → 25,000; no valid guarantee → loss 175,000."""
    assert loss_after_recovery(200_000, [("存货", 100_000)], guarantee_valid=False)["loss"] == 175_000


# --------------------------------------------------------------------------- properties

@settings(max_examples=150, deadline=None)
@given(income=st.floats(1_000, 200_000), rate=st.sampled_from([0.0]) | st.floats(0.001, 0.24),
       months=st.integers(1, 60),
       method=st.sampled_from(["equal_installment", "equal_principal"]), share=st.floats(0.1, 0.99))
def test_no_shock_and_a_loan_within_capacity_never_falls_behind(income: float, rate: float, months: int,
                                                                method: str, share: float) -> None:
    principal = float(capacity_limit(income, rate, months, share, method))
    path = play([income] * months, schedule(principal, rate, months, method))
    assert path.frame["arrears"].max() == 0 and path.max_dpd == 0
    assert math.isclose(path.frame["paid_principal"].sum(), principal, rel_tol=1e-9, abs_tol=0.01)


@settings(max_examples=25, deadline=None)
@given(case_id=st.sampled_from(["C01", "C04", "C06", "C07"]), variant=st.integers(0, 50), share=st.floats(0.2, 1.0))
def test_a_case_loan_sized_on_its_leanest_month_never_falls_behind(case_id: str, variant: int, share: float) -> None:
    case = ml.casebook.load_case(case_id, variant=variant)
    lean = float(ml.performance.project(case, 24)["disposable"].min())
    if lean <= 0:
        return
    principal = float(capacity_limit(lean, 0.072, 24, share * 0.99))
    path = play_loan(case, principal, 0.072, 24, "equal_installment", opening_cash=0)
    assert path.max_dpd == 0


cash_flows = st.lists(st.floats(-20_000, 20_000), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(cash=cash_flows, rate=st.floats(0.0, 0.3), months=st.integers(1, 24),
       method=st.sampled_from(["等额本息", "等额本金", "先息后本", "利随本清"]),
       restructure=st.one_of(st.none(), st.integers(1, 40)), fee=st.floats(0, 200))
def test_arrears_never_negative_and_class_never_improves_while_overdue_grows(
        cash: list[float], rate: float, months: int, method: str, restructure: int | None, fee: float) -> None:
    actions = [Restructure(restructure, 12)] if restructure is not None and restructure <= len(cash) else []
    try:
        path = play(cash, schedule(50_000, rate, months, method), actions=actions, monthly_fee=fee)
    except InputError:   # nothing owed any more when the restructuring comes
        return
    f = path.frame
    assert (f["arrears"] >= 0).all() and (f["balance"] >= -1e-9).all() and (f["paid"] >= 0).all()
    codes = f["category_code"].to_numpy()
    dpd = f["dpd"].to_numpy()
    for t in range(1, len(f)):
        if dpd[t] > dpd[t - 1]:
            assert codes[t] >= codes[t - 1]
        assert codes[t] >= floor([dpd[t]])[0]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), months=st.integers(1, 30))
def test_vectorised_book_equals_the_plain_loop(seed: int, months: int) -> None:
    inputs, loans = draw_book(120, months, seed=seed)
    fast, slow = play_book(inputs, loans), play_book_loop(inputs, loans)
    assert np.allclose(fast.balance, slow.balance) and (fast.dpd == slow.dpd).all()
    assert np.allclose(fast.cash, slow.cash) and (fast.arrears >= 0).all()


def test_book_agrees_with_the_single_loan_engine() -> None:
    """Independent implementations: each book loan replayed with :func:`play` (no penalty, no fees)."""
    inputs, loans = draw_book(40, 24, seed=11)
    book = play_book(inputs, loans)
    params = _no_penalty()
    method = {0: "equal_installment", 1: "equal_principal", 2: "interest_only"}
    for i in range(40):
        d = int(inputs.disbursed[i])
        plan = schedule(inputs.principal[i], inputs.annual_rate, int(inputs.term[i]), method[int(inputs.method[i])],
                        rounded=False)
        path = play(inputs.income[i, d:].tolist(), plan, opening_cash=float(inputs.buffer[i]), params=params)
        assert (path.frame["dpd"].to_numpy() == book.dpd[i, d:]).all()
        assert np.allclose(path.frame["balance"].to_numpy(), book.balance[i, d:], atol=1e-6)


def test_book_metrics_are_consistent() -> None:
    book = simulate_book(3_000, 24, seed=5)
    buckets = book.bucket_balances()
    assert np.allclose(buckets.sum(axis=1), book.balance.sum(axis=0))
    assert np.allclose(book.classification().sum(axis=1), book.balance.sum(axis=0))
    assert (book.par(30) >= book.par(90)).all() and (book.par(90) >= 0).all()
    rates = book.roll_rates().to_numpy()
    assert np.nanmin(rates) >= 0 and np.nanmax(rates) <= 1
    assert (book.losses() >= 0).all() and (book.losses() <= book.balance[:, -1] + 1e-6).all()
    assert simulate_book(3_000, 24, seed=5).par(30).equals(book.par(30))            # same seed, same book
    riskier = simulate_book(3_000, 24, seed=5, shock_rate=0.05)
    assert riskier.par(30).iloc[-1] > book.par(30).iloc[-1]
    bigger = simulate_book(3_000, 24, seed=5, amount_factor=1.6)       # same borrowers, 60 % larger loans
    assert np.allclose(bigger.loans["principal"], np.round(book.loans["principal"] * 1.6, -2), atol=200)
    assert bigger.par(30).iloc[-1] > book.par(30).iloc[-1]


def test_early_warning_thresholds_trade_hits_for_false_alarms() -> None:
    book = simulate_book(2_000, 24, seed=9)
    strict, loose = early_warning(book, 0.05, 1), early_warning(book, 0.8, 6, False)
    assert strict["flagged"] >= loose["flagged"] and strict["hits"] >= loose["hits"]
    assert strict["hits"] + strict["misses"] == strict["went_bad"]


# --------------------------------------------------------------------------- the 03b loan file

def test_loan_file_best_choices_keep_the_loan_current() -> None:
    review = load_review()
    best = review.play(review.best_choices())
    assert best.missed == [] and best.summary["dpd"] == 0 and best.summary["par30_balance"] == 0


def test_every_missed_flag_costs_something() -> None:
    review = load_review()
    best = review.play(review.best_choices()).summary
    for stage in review.stages:
        wrong = next(k for k, c in stage.choices.items() if c.outcome == "missed")
        worse = review.play({**review.best_choices(), stage.id: wrong}).summary
        assert (worse["par30_balance"] > best["par30_balance"] or worse["loss_if_default"] > best["loss_if_default"]
                or worse["max_dpd"] > best["max_dpd"] or worse["final_loss"] > best["final_loss"]), stage.name


def test_declining_stops_the_file_and_bad_choices_are_refused() -> None:
    review = load_review()
    declined = review.play({**review.best_choices(), "review": "拒绝"})
    assert declined.path is None and declined.summary["declined_at"] == "审查" and declined.summary["forgone_interest"] > 0
    assert "monitoring" not in declined.outcomes
    with pytest.raises(InputError, match="受理"):
        review.play({**review.best_choices(), "intake": "也许"})
    with pytest.raises(InputError, match="贷后管理"):
        review.play({k: v for k, v in review.best_choices().items() if k != "monitoring"})
    table = review.cost_table()
    assert len(table) == 1 + len(review.stages) + 2


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, field", [
    (lambda: floor([-1]), "逾期天数"),
    (lambda: floor([float("nan")]), "逾期天数"),
    (lambda: Shock("地震", start=1, size=0.2), "冲击类型"),
    (lambda: Shock("sales_drop", start=0, size=0.2), "冲击开始月份"),
    (lambda: Shock("sales_drop", start=1, size=1.5), "冲击幅度"),
    (lambda: Shock("sales_drop", start=1, size="很多"), "冲击幅度"),
    (lambda: Shock("hidden_lender", start=1), "冲击金额"),
    (lambda: simulate_book(0), "贷款笔数"),
    (lambda: simulate_book(10, 0), "模拟月数"),
    (lambda: simulate_book(10, segment_mix={"business": -1}), "客户结构"),
    (lambda: par([], []), "贷款余额"),
    (lambda: par([1, 2], [0]), "贷款余额"),
    (lambda: par([float("nan")], [0]), "贷款余额"),
    (lambda: vintage_rate(0, [1], [40]), "放款金额"),
    (lambda: flow_to_loss([1.2]), "滚动率"),
    (lambda: npl_ratio([0, 0], [0, 0]), "贷款余额"),
    (lambda: npl_tolerance(-0.01, 0.02), "各项贷款不良率"),
    (lambda: play([], schedule(1_000, 0.1, 2)), "模拟月数"),
    (lambda: play([float("nan")], schedule(1_000, 0.1, 2)), "月可支配资金"),
    (lambda: play(["abc"], schedule(1_000, 0.1, 2)), "月可支配资金"),
    (lambda: play([1.0], schedule(1_000, 0.1, 2), opening_cash=-5), "期初可用现金"),
    (lambda: play([1.0], pd.DataFrame({"x": [1]})), "还款计划"),
    (lambda: Restructure(0, 12), "调整月份"),
    (lambda: Restructure(3, 12, grace_months=12), "重组宽限期"),
    (lambda: Extension(3, 0), "展期月数"),
    (lambda: play([0.0] * 5, schedule(1_000, 0.0, 2), actions=[Extension(4, 3)]), "展期"),
    (lambda: loss_after_recovery(100, [("金条", 5)]), "抵押物类型"),
    (lambda: check_contact(25, 0), "联系时间"),
    (lambda: collection_step(-3), "逾期天数"),
])
def test_bad_input_names_the_field(call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=field):
        call()


def test_broken_parameter_files_name_the_file_and_field(tmp_path: Path) -> None:
    source = Path(ml.performance.parameters.__file__).parents[1] / "data" / "performance.yaml"
    text = source.read_text(encoding="utf-8")
    bad = tmp_path / "performance.yaml"
    bad.write_text(text.replace("substandard_after: 90", "substandard_after: 500"), encoding="utf-8")
    with pytest.raises(InputError, match="performance.yaml.*逐级递增"):
        load_parameters(bad)
    bad.write_text(text.replace("存货: 0.25", "存货: 1.25"), encoding="utf-8")
    with pytest.raises(InputError, match="存货"):
        load_parameters(bad)
    bad.write_text("classification: [1, 2", encoding="utf-8")
    with pytest.raises(InputError, match="YAML"):
        load_parameters(bad)


# --------------------------------------------------------------------------- ex06: the decision played forward

def test_ex06_feedback_plays_the_decision_forward() -> None:
    """A C04 variant under the stated shock (sales −20 % from month 4 for 6 months): the answer key's amount
    keeps the loan current at 12 months, three times that amount falls behind; declining lends nothing."""
    exercise = ml.exercises.get("ex06")
    seed = ml.casebook.seed_for("学员-01")
    seed -= seed % exercise.pool_size            # ex06's pool is [C04, C07, C09]: a seed ≡ 0 (mod 3) draws C04
    assert exercise.case_id(seed) == "C04"
    key = exercise.expected(seed)
    sound = ml.exercises.consequence("ex06", {"recommended": f"{key['recommended']:.0f}", "decision": "批准"}, seed)
    greedy = ml.exercises.consequence("ex06", {"recommended": f"{3 * key['recommended']:.0f}", "decision": "批准"},
                                      seed)
    assert sound is not None and greedy is not None and sound.path is not None and greedy.path is not None
    assert sound.path.at(12)["dpd"] == 0 and greedy.path.at(12)["dpd"] > 30
    assert "逾期" in greedy.note and "示例参数" in greedy.note
    declined = ml.exercises.consequence("ex06", {"decision": "拒绝"}, "学员-01")
    assert declined is not None and declined.path is None
    assert ml.exercises.consequence("ex06", {"recommended": "很多"}, "学员-01") is None
    assert ml.exercises.consequence("ex01", {}, "学员-01") is None


# --------------------------------------------------------------------------- ex08: red flags in the learner's file

def test_ex08_each_learner_file_has_four_flags_and_a_matching_key() -> None:
    """The briefing shows, stage by stage, the flagged document or the clean one (read straight from the data
    file); the key asks for a correcting choice where there is a flag and 通过 elsewhere; 拒绝 on a flagged stage
    and 通过 on a flagged stage both score 0."""
    import yaml

    raw = yaml.safe_load((Path(ml.performance.parameters.__file__).parents[1] / "data" / "loan_file_review.yaml")
                         .read_text(encoding="utf-8"))
    exercise = ml.exercises.get("ex08")
    seen = set()
    for learner in ("学员-01", "学员-02", "学员-03", "学员-04"):
        table = exercise.briefing(learner).tables["贷款档案"]
        key = exercise.expected(learner)
        flagged = [s["id"] for s, text in zip(raw["stages"], table["档案摘要"]) if text == s["document"].strip()]
        clean = [s["id"] for s, text in zip(raw["stages"], table["档案摘要"]) if text == s["clean_document"].strip()]
        assert len(flagged) == 4 and len(clean) == 4
        seen.add(tuple(flagged))
        for stage in raw["stages"]:
            if stage["id"] in clean:
                assert key[stage["id"]] == "通过"
            else:
                caught = sorted(c for c, spec in stage["choices"].items() if spec["outcome"] == "caught")
                assert sorted(key[stage["id"]]) == caught and stage["best"] in caught
        answers = {sid: (v[0] if isinstance(v, list) else v) for sid, v in key.items() if sid != "findings"}
        assert exercise.grade(answers, learner).score == 80          # the 20 points of the text go to the instructor
        wrong = exercise.grade({**answers, flagged[0]: "拒绝", flagged[1]: "通过", clean[0]: "退回"}, learner)
        assert wrong.score == 50
    assert len(seen) > 1                                               # learners get different files
