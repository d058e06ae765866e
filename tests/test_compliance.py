"""Compliance checks (course 07): the worked examples of shared/domain-parts.md §7 computed by hand, three
hypothesis properties, and bad input."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim.compliance import (Offer, aml_review, check_call_log, check_contract, check_disclosure, codes,
                                      debt_service_ratios, entrusted_payment, guarantee_period_end,
                                      internet_lending_limits, lpr_on, private_lending_cap, record_retention_until,
                                      single_borrower_limit)
from microloan_sim.errors import InputError


def _tx(rows: list[tuple[str, float, str]], **columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "amount", "counterparty"])
    for name, values in columns.items():
        frame[name] = values
    return frame


# --------------------------------------------------------------------------- example 2: large-value flags

def test_example2_cash_deposits_add_up_over_the_day() -> None:
    """domain-parts §7 example 2: 个体户 A deposits 3.0万 at 10:00 and 2.5万 at 15:00 → cash-in 5.5万 ≥ 5万 → report."""
    tx = _tx([("2025-03-03 10:00", 30_000, "本人"), ("2025-03-03 15:00", 25_000, "本人")], kind=["现金", "现金"])
    report = aml_review(tx)
    assert codes(report.findings) == ["large_cash"]
    assert report.large_value["total"].tolist() == [55_000]
    assert report.findings[0].rule.endswith("第五条")


def test_example2_each_direction_counts_separately() -> None:
    """Example 2: A deposits 3.0万 and withdraws 3.0万 in cash → each direction 3.0万 < 5万 → no large-value report."""
    tx = _tx([("2025-03-03 10:00", 30_000, "本人"), ("2025-03-03 15:00", -30_000, "本人")], kind=["cash", "cash"])
    assert aml_review(tx).large_value.empty


def test_example2_just_under_the_personal_transfer_threshold() -> None:
    """Example 2: B transfers 49.9万 domestically → < 50万 → no report; repeated amounts just under the threshold are
    a suspicious indicator."""
    once = _tx([("2025-03-03 10:00", -499_000, "某某")])
    assert aml_review(once).large_value.empty
    assert "near_threshold" not in codes(aml_review(once).findings)
    twice = _tx([("2025-03-03 10:00", -499_000, "某某"), ("2025-03-05 10:00", -499_000, "某某")])
    found = aml_review(twice)
    assert found.large_value.empty
    assert codes(found.findings) == ["near_threshold"]
    assert found.findings[0].severity == "可疑" and "第十一条" in found.findings[0].rule


def test_example2_company_at_exactly_two_million_and_cross_border() -> None:
    """Example 2: company C transfers exactly 200万 ("200万元以上(含)") → report; natural person D sends 20万 abroad
    → report (cross-border)."""
    company = _tx([("2025-03-03 10:00", -2_000_000, "某贸易公司")])
    assert codes(aml_review(company, customer_kind="non_natural").findings) == ["large_corporate_transfer"]
    assert codes(aml_review(company.assign(amount=-1_999_999.99), customer_kind="非自然人").findings) == []
    abroad = _tx([("2025-03-03 10:00", -200_000, "境外收款人")], description=["汇往境外"])
    assert codes(aml_review(abroad).findings) == ["large_cross_border"]


# --------------------------------------------------------------------------- example 3: 受托支付

@pytest.mark.parametrize(("amount", "business", "expected"), [
    (600_000, True, "entrusted_payment_required"),   # 经营 > 50万
    (500_000, True, "self_payment_allowed"),         # "不超过五十万元"
    (350_000, False, "entrusted_payment_required"),  # 消费 > 30万, no fixed counterparty
    (250_000, False, "self_payment_allowed"),        # 消费 ≤ 30万
])
def test_example3_entrusted_payment(amount: float, business: bool, expected: str) -> None:
    """domain-parts §7 example 3, rows 1–4 (个人贷款管理办法)."""
    assert codes(entrusted_payment([("2025-03-03", amount)], business=business, fixed_counterparty=False)) == [expected]


def test_example3_split_draws_are_added_up() -> None:
    """Example 3, last row: 20万 + 20万 + 20万 in one week for one purpose → treated as 60万 → 受托支付."""
    found = entrusted_payment([("2025-03-03", 200_000), ("2025-03-05", 200_000), ("2025-03-08", 200_000)])
    assert codes(found) == ["split_draws", "entrusted_payment_required"]
    assert found[1].details["amount"] == 600_000


# --------------------------------------------------------------------------- example 4: 4 × LPR and 砍头息

def test_example4_private_lending_cap_with_interest_deducted() -> None:
    """domain-parts §7 example 4: IOU 10万 on 2025-07-01 between individuals, 1万 deducted, 18 % for a year, LPR 3.0 %
    → cap 12 %; principal 90,000; supported interest 90,000 × 12 % = 10,800; maximum repayment 100,800."""
    r = private_lending_cap("2025-07-01", 100_000, 0.18, 12, deducted_upfront=10_000)
    assert r.applies
    assert r.lpr == pytest.approx(0.03)
    assert r.cap_rate == pytest.approx(0.12)
    assert r.actual_principal == 90_000
    assert r.supported_interest == pytest.approx(10_800)
    assert r.max_supported_repayment == pytest.approx(100_800)
    assert r.agreed_repayment == pytest.approx(118_000)  # what the IOU asks: 100,000 + 18,000
    rules = {f.code: f.rule for f in r.findings}
    assert rules["upfront_interest"] == "《民法典》第670条"
    assert rules["rate_above_cap"].endswith("第25条")


@pytest.mark.parametrize("lender", ["某市农村商业银行", "小额贷款公司"])
def test_example4_cap_does_not_apply_to_licensed_lenders(lender: str) -> None:
    """Example 4: if the lender were a bank or a 小额贷款公司, the cap would not apply (2020-11 批复)."""
    r = private_lending_cap("2025-07-01", 100_000, 0.18, 12, lender=lender)
    assert not r.applies
    assert codes(r.findings) == ["cap_not_applicable"]


def test_cap_on_an_amortising_informal_debt() -> None:
    """48 monthly payments of 2,860 元 on 100,000 元: 100,000 = 2,860 × (1 − (1+i)^−48) / i gives i ≈ 1.3754 % a month
    (16.51 % a year) — checked by hand with the annuity formula; the 2023-07-08 LPR 3.55 % caps at 14.2 %, whose
    annuity is 100,000 × 0.0118333 / (1 − 1.0118333^−48) ≈ 2,742.69 元 a month."""
    r = private_lending_cap("2023-07-08", 100_000, months=48, monthly_payment=2_860)
    assert r.agreed_rate == pytest.approx(0.1651, abs=5e-4)
    assert r.cap_rate == pytest.approx(0.142)
    assert r.capped_monthly_payment == pytest.approx(2_742.69, abs=0.01)
    assert "rate_above_cap" in codes(r.findings)


def test_c01_informal_debt_is_found_in_its_bank_statement() -> None:
    """C01's spouse says the family still owes friend 周海涛 money repaid 2,860 元 a month (documents/statements.csv);
    the statement shows the twelve payments."""
    debts = ml.compliance.informal_debts(ml.casebook.load_case("C01"))
    assert debts[["lender", "monthly_payment", "payments"]].values.tolist() == [["周海涛", 2860.0, 12]]


# --------------------------------------------------------------------------- example 5: internet lending

def test_example5_internet_lending_limits() -> None:
    """domain-parts §7 example 5: 25万 requested → 20万; 18-month bullet → not allowed; partner 2.5万 of 10万 (25 %)
    → must fund ≥ 3万; tier-1 capital 50亿 → one partner ≤ 12.5亿; total loans 800亿 → joint loans ≤ 400亿."""
    r = internet_lending_limits(250_000, months=18, bullet=True, joint_amount=100_000, partner_amount=25_000,
                                tier1_capital=5e9, total_loans=8e10)
    assert r.allowed_credit_line == 200_000
    assert r.partner_min_amount == pytest.approx(30_000)
    assert r.partner_balance_limit == pytest.approx(1.25e9)
    assert r.joint_total_limit == pytest.approx(4e10)
    assert codes(r.findings) == ["credit_line_above_cap", "bullet_term_too_long", "partner_share_too_low"]
    ok = internet_lending_limits(180_000, months=12, bullet=True, joint_amount=100_000, partner_amount=30_000)
    assert ok.findings == []


# --------------------------------------------------------------------------- example 9: guarantee period, DSR

def test_example9_guarantee_period_defaults_to_six_months() -> None:
    """domain-parts §7 example 9: main debt due 2025-06-30, period not agreed → 6 months (第692条) counted by 第201–202条
    → last day 2025-12-30 (a Tuesday, not a holiday)."""
    assert guarantee_period_end("2025-06-30") == dt.date(2025, 12, 30)
    contract = ml.compliance.sample_contract().with_changes(due_date="2025-06-30", contract_date="2024-06-30")
    period = [f for f in check_contract(contract) if f.code == "guarantee_period_default"]
    assert period[0].details["period_end"] == dt.date(2025, 12, 30)
    assert period[0].rule == "《民法典》第692条"


def test_guarantee_period_end_moves_past_a_holiday() -> None:
    """第203条: due 2025-04-04 + 6 months = 2025-10-04, inside the 2025-10-01…08 National Day holiday → 2025-10-09."""
    assert guarantee_period_end("2025-04-04") == dt.date(2025, 10, 9)
    assert guarantee_period_end("2025-08-31", holidays=()) == dt.date(2026, 3, 2)  # 02-28 is a Saturday


def test_example9_debt_service_ratios() -> None:
    """Example 9: income 10,000; instalment 4,000 + fee 200 → 42 % ≤ 50 %; plus other debts 1,800 → 60 % > 55 %."""
    housing, total, found = debt_service_ratios(10_000, 4_000, 200, 1_800)
    assert housing == pytest.approx(0.42) and total == pytest.approx(0.60)
    assert codes(found) == ["all_debt_ratio_above_cap"]


# --------------------------------------------------------------------------- example 10

def test_example10_concentration_records_and_collection() -> None:
    """domain-parts §7 example 10: capital 5亿 → one borrower ≤ 5,000万 (商业银行法 第39条); relationship ended
    2025-03-31 → records kept until 2035-03-31 (反洗钱法 第34条); the 7th unanswered call of a day and a 22:30 call
    without consent are not allowed."""
    assert single_borrower_limit(5e8)[0] == pytest.approx(5e7)
    assert record_retention_until("2025-03-31") == dt.date(2035, 3, 31)
    six = pd.DataFrame({"time": [f"2025-05-06 {9 + i}:00" for i in range(6)], "number": "138", "contact": "王秀英",
                        "relation": "本人", "answered": False})
    assert check_call_log(six) == []
    seven = pd.concat([six, six.iloc[[0]].assign(time="2025-05-06 16:00")], ignore_index=True)
    assert codes(check_call_log(seven)) == ["too_many_calls"]
    late = six.iloc[[0]].assign(time="2025-05-06 22:30")
    assert codes(check_call_log(late)) == ["quiet_hours"]
    assert codes(check_call_log(late.assign(consent=True))) == []


def test_sample_call_log_has_each_planted_problem() -> None:
    found = set(codes(check_call_log(ml.compliance.sample_call_log())))
    assert found == {"too_many_calls", "quiet_hours", "third_party_too_early", "debt_disclosed", "abusive_conduct"}


def test_sample_contract_has_each_planted_defect() -> None:
    found = check_contract(ml.compliance.sample_contract())
    assert set(codes(found)) == {"missing_term", "standard_term_not_explained", "unfair_standard_term",
                                 "guarantee_type_default", "guarantee_period_default", "spouse_not_signed",
                                 "mortgage_unregistered"}
    assert all(f.rule.startswith("《民法典》第") for f in found)
    fixed = ml.compliance.sample_contract().with_changes(purpose="进货", spouse_signed=True, standard_terms=(),
                                                         guarantees=(ml.compliance.Guarantee("张国华", "连带责任保证", 24),),
                                                         pledges=(ml.compliance.Pledge("住房", registered=True),))
    assert check_contract(fixed) == []


# --------------------------------------------------------------------------- disclosure

def test_upfront_interest_on_a_bullet_loan_by_hand() -> None:
    """10,000 元 for 12 months, 月息 1 % (12 %/yr), 利随本清. One repayment after a year, so the IRR period is the
    year (PBoC 2021 No. 3: the loan's real repayment period). Without 砍头息 the borrower gets 10,000 and repays
    11,200: 12 %. With 1,200 deducted he gets 8,800 and repays 10,000: 10,000 / 8,800 − 1 = 13.64 %.
    第670条: interest only on 8,800 → 8,800 × 1.12 = 9,856 owed, 144 元 over-collected."""
    base = Offer(10_000, 12, 0.01, quote_unit="月息", method="利随本清", shown_annual_rate=0.12)
    plain = check_disclosure(base)
    assert plain.rate.irr_rate == pytest.approx(0.12, abs=1e-6)
    assert codes(plain.findings) == []
    cut = check_disclosure(base.with_changes(interest_upfront=True))
    assert cut.rate.irr_rate == pytest.approx(10_000 / 8_800 - 1, abs=1e-6)
    assert cut.rate.net_received == pytest.approx(8_800)
    assert cut.legally_owed == pytest.approx(9_856)
    assert cut.over_collected == pytest.approx(144)
    assert codes(cut.findings) == ["upfront_interest", "annual_rate_understated"]
    assert cut.findings[0].rule == "《民法典》第670条"


def test_daily_quote_without_annual_rate_and_bundled_insurance() -> None:
    """万分之五 a day × 360 = 18 % (示例参数 day count). Only a daily rate shown → breach of PBoC 2021 No. 3; forced
    insurance → 消保办法."""
    r = check_disclosure(Offer(10_000, 12, 0.0005, quote_unit="日息", insurance_premium=0.02, insurance_required=True))
    assert r.contract_rate == pytest.approx(0.18)
    assert codes(r.findings) == ["annual_rate_missing", "bundled_insurance"]
    assert r.findings[0].rule.startswith("中国人民银行公告〔2021〕第3号")
    assert "消费者权益保护" in r.findings[1].rule


def test_a_correctly_labelled_simple_rate_is_not_a_breach() -> None:
    offer = Offer(10_000, 12, 0.10, method="等额本息")
    simple = check_disclosure(offer.with_changes(service_fee=0.03)).rate.simple_rate
    labelled = check_disclosure(offer.with_changes(service_fee=0.03, shown_annual_rate=simple, shown_method="simple"))
    assert codes(labelled.findings) == []
    unlabelled = check_disclosure(offer.with_changes(service_fee=0.03, shown_annual_rate=simple))
    assert codes(unlabelled.findings) == ["simple_not_stated"]


# --------------------------------------------------------------------------- AML on a case

def test_aml_on_c01_flags_the_planted_window_dressing() -> None:
    """C01's answer key plants two same-day in-and-out transfers ("刷流水", window_dressing: 2); the AML review flags
    them as 快进快出 and finds no large-value report."""
    report = ml.compliance.aml_review_case(ml.casebook.load_case("C01"))
    assert report.large_value.empty
    rapid = [f for f in report.findings if f.code == "rapid_in_out"]
    assert len(rapid) == 1 and rapid[0].details["count"] == 2


def test_lowering_the_cash_threshold_adds_flags_and_the_yaml_marks_illustrative_values() -> None:
    tx = _tx([("2025-03-03 10:00", 30_000, "本人")], kind=["cash"])
    assert aml_review(tx).large_value.empty
    lower = ml.compliance.with_thresholds(cash=30_000)
    assert codes(aml_review(tx, params=lower).findings) == ["large_cash"]
    p = ml.compliance.parameters()
    assert p.suspicious.illustrative and p.disclosure.illustrative and not p.large_value.illustrative
    assert p.entrusted_payment.is_illustrative("split_window_days")


def test_loan_money_to_securities_is_suspicious() -> None:
    tx = _tx([("2025-03-01 10:00", 300_000, "某农商行"), ("2025-03-05 10:00", -280_000, "某证券股份有限公司")],
             description=["贷款发放", "转账"])
    found = aml_review(tx).findings
    assert "loan_to_restricted_use" in codes(found)
    assert "第673条" in [f for f in found if f.code == "loan_to_restricted_use"][0].message


# --------------------------------------------------------------------------- hypothesis properties

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(principal=st.floats(1_000, 1_000_000), months=st.integers(1, 36), rate=st.floats(0.0, 0.36),
       method=st.sampled_from(["equal_installment", "equal_principal", "interest_only", "bullet"]),
       monthly_fee=st.floats(0, 0.01), service_fee=st.floats(0, 0.05), deposit=st.floats(0, 0.2))
def test_deducting_interest_up_front_never_lowers_the_true_rate(principal: float, months: int, rate: float,
                                                                method: str, monthly_fee: float, service_fee: float,
                                                                deposit: float) -> None:
    offer = Offer(principal, months, rate, method=method, monthly_fee=monthly_fee, service_fee=service_fee,
                  deposit=deposit)
    try:
        cut = check_disclosure(offer.with_changes(interest_upfront=True))
    except InputError:
        assume(False)  # fees and deductions leave nothing in hand: no rate to compare
        return
    plain = check_disclosure(offer)
    assert cut.rate.irr_rate >= plain.rate.irr_rate - 1e-9


_transactions = st.lists(st.tuples(
    st.integers(0, 9),                                   # day of March 2025
    st.integers(8, 20),                                  # hour
    st.sampled_from([1, -1]),                            # direction
    st.sampled_from([5_000, 20_000, 30_000, 46_000, 48_000, 60_000, 470_000, 499_000, 520_000]),
    st.sampled_from(["cash", "transfer", "cross_border"]),
    st.sampled_from(["张三", "李四", "某公司"]),
), min_size=1, max_size=25)


def _frame(rows: list[tuple[int, int, int, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"date": [f"2025-03-{d + 1:02d} {h:02d}:00" for d, h, *_ in rows],
                         "amount": [s * a for _, _, s, a, _, _ in rows], "counterparty": [c for *_, c in rows],
                         "kind": [k for _, _, _, _, k, _ in rows]})


@settings(max_examples=60, deadline=None)
@given(rows=_transactions, seed=st.randoms(use_true_random=False))
def test_aml_flags_do_not_depend_on_transaction_order(rows: list[tuple[int, int, int, int, str, str]], seed) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rows)
    seed.shuffle(shuffled)
    a, b = aml_review(_frame(rows)), aml_review(_frame(shuffled))
    assert [(f.code, f.message) for f in a.findings] == [(f.code, f.message) for f in b.findings]
    pd.testing.assert_frame_equal(a.large_value, b.large_value)


@settings(max_examples=60, deadline=None)
@given(rows=_transactions, pieces=st.lists(st.floats(0.05, 1.0), min_size=2, max_size=6), which=st.integers(0, 24))
def test_splitting_a_days_cash_never_removes_a_large_value_flag(rows: list[tuple[int, int, int, int, str, str]],
                                                                pieces: list[float], which: int) -> None:
    cash = [i for i, r in enumerate(rows) if r[4] == "cash"]
    assume(cash)
    index = cash[which % len(cash)]
    day, hour, sign, amount, kind, who = rows[index]
    weights = [w / sum(pieces) for w in pieces]
    parts = [round(amount * w, 2) for w in weights[:-1]]
    parts.append(round(amount - sum(parts), 2))
    assume(all(p > 0 for p in parts))
    split_rows = rows[:index] + rows[index + 1:]
    frame = _frame(split_rows)
    extra = pd.DataFrame({"date": [f"2025-03-{day + 1:02d} {min(hour + k // 60, 23):02d}:{k % 60:02d}"
                                   for k in range(len(parts))],
                          "amount": [sign * p for p in parts], "counterparty": who, "kind": "cash"})
    before = aml_review(_frame(rows)).large_value
    after = aml_review(pd.concat([frame, extra], ignore_index=True)).large_value
    key = ["customer", "day", "direction", "type"]
    assert set(map(tuple, before[key].values.tolist())) <= set(map(tuple, after[key].values.tolist()))


# --------------------------------------------------------------------------- bad input

def test_negative_amounts_are_refused_with_the_field_named() -> None:
    with pytest.raises(InputError, match="借款金额"):
        check_disclosure(Offer(-10_000, 12, 0.1))
    with pytest.raises(InputError, match="借条金额"):
        private_lending_cap("2025-07-01", -1, 0.1)
    with pytest.raises(InputError, match="月手续费"):
        check_disclosure(Offer(10_000, 12, 0.1, monthly_fee=-0.01))
    with pytest.raises(InputError, match="新增月供"):
        debt_service_ratios(10_000, -1)


def test_dates_before_the_contract_are_refused() -> None:
    with pytest.raises(InputError, match="还款日期.*早于合同日期"):
        private_lending_cap("2025-07-01", 100_000, 0.1, repayment_date="2025-06-30")
    with pytest.raises(InputError, match="到期日.*早于合同日期"):
        check_contract(ml.compliance.sample_contract().with_changes(due_date="2025-06-29"))
    log = pd.DataFrame({"时间": ["2025-01-02 10:00"], "号码": ["138"], "联系人": ["王秀英"], "关系": ["本人"],
                        "是否接通": ["否"]})
    with pytest.raises(InputError, match="时间.*早于合同日期"):
        check_call_log(log, contract_date="2025-03-01")


def test_a_date_without_an_lpr_is_refused() -> None:
    with pytest.raises(InputError, match="合同日期.*2019-08-20"):
        private_lending_cap("2019-01-01", 100_000, 0.1)
    known = ml.compliance.parameters().lpr.known_until
    with pytest.raises(InputError, match="没有一年期 LPR 数据"):
        lpr_on(known + dt.timedelta(days=1))
    assert math.isclose(lpr_on(known), 0.03)


def test_bad_statement_and_call_log_cells_name_the_field() -> None:
    with pytest.raises(InputError, match="amount"):
        aml_review(_tx([("2025-03-03", 0, "张三")]))
    with pytest.raises(InputError, match="交易类型"):
        aml_review(_tx([("2025-03-03", 10, "张三")], kind=["支票"]))
    with pytest.raises(InputError, match="是否接通"):
        check_call_log(pd.DataFrame({"time": ["2025-05-06 10:00"], "number": ["1"], "contact": ["甲"],
                                     "relation": ["本人"], "answered": ["也许"]}))


# --------------------------------------------------------------------------- ex07: compliance review exercise

def test_ex07_key_against_independent_arithmetic() -> None:
    """The ex07 key recomputed from the learner's briefing with plain arithmetic: 等额本金 interest on P at monthly
    rate q is P·q·(12+11+…+1)/12 = 6.5·P·q; the borrower receives P − 6.5Pq − fee and repays P/12 a month; 第670条
    gives (P − 6.5Pq)(1 + 6.5q). Large-value groups: same day, direction and type against 5万 / 50万 / 20万."""
    import numpy_financial as npf

    exercise = ml.exercises.get("ex07")
    for learner in ("学员-01", "学员-02", "学员-17"):
        briefing = exercise.briefing(learner)
        assert briefing is not None
        ad = dict(zip(briefing.tables["贷款广告"]["项目"], briefing.tables["贷款广告"]["内容"]))
        principal = float(ad["借款金额"].replace(",", "").rstrip(" 元"))
        q = float(ad["报价"].removeprefix("月息 ").rstrip("%")) / 100
        fee_text = ad["一次性服务费"]
        fee = 0.0 if fee_text == "无" else float(fee_text.split("的 ")[1].split("%")[0]) / 100
        deducted = 6.5 * principal * q
        flows = [principal - deducted - fee * principal] + [-principal / 12] * 12
        key = exercise.expected(learner)
        assert key["true_rate"] == pytest.approx(12 * npf.irr(flows), abs=2e-4)
        assert key["legal_repayment"] == pytest.approx((principal - deducted) * (1 + 6.5 * q), abs=1.0)

        tx = briefing.tables["交易清单"]
        limits = {"现金": 50_000, "境内转账": 500_000, "跨境转账": 200_000}
        groups: dict[tuple[str, bool, str], float] = {}
        for when, amount, kind in zip(tx["时间"], tx["金额（元，+收 −付）"], tx["类型"]):
            group = (when[:10], amount > 0, kind)
            groups[group] = groups.get(group, 0.0) + abs(amount)
        reported = [total for (_, _, kind), total in groups.items() if total >= limits[kind]]
        assert key["large_value_reports"] == len(reported)
        assert key["large_value_total"] == pytest.approx(sum(reported))

        terms = briefing.tables["借款合同要点"].set_index("条款")["合同写明"]
        assert terms[key["missing_term"] if key["missing_term"] != "利率" else "年利率"] == "未写明"
        assert key["guarantee_kind"] == ("一般保证" if terms["保证方式"] == "未约定" else "连带责任保证")


def test_ex07_grading_full_marks_and_hints() -> None:
    exercise = ml.exercises.get("ex07")
    key = exercise.expected("学员-05")
    answers = {k: (f"{v:.2%}" if k == "true_rate" else v) for k, v in key.items() if v is not None}
    answers["reasoning"] = "砍头息违反《民法典》第670条"
    result = exercise.grade(answers, "学员-05")
    assert result.score == result.max_score - 10          # the reasoning waits for the instructor
    assert {i.item_id: i.status for i in result.items}["reasoning"] == "manual"
    wrong = exercise.grade({"upfront_rule": "《民法典》第680条", "large_value_reports": "99"}, "学员-05")
    statuses = {i.item_id: (i.status, i.hint) for i in wrong.items}
    assert statuses["upfront_rule"][0] == "wrong" and "预先在本金中扣除" in statuses["upfront_rule"][1]
    assert statuses["large_value_reports"][0] == "wrong"


def test_a_large_deposit_still_gives_a_positive_true_rate() -> None:
    """A 50 % 保证金 returned at maturity makes the last cash flow positive (two sign changes); the true rate must
    be the positive root: the NPV of the borrower's flows at that monthly rate is zero and the cost is positive."""
    import numpy as np

    r = check_disclosure(Offer(100_000, 12, 0.05, quote_unit="month", service_fee=0.2, deposit=0.5))
    assert r.rate.total_cost > 0 and r.rate.irr_rate > 0
    values = r.cashflows["net"].to_numpy(dtype=float)
    npv = float(np.sum(values / (1 + r.rate.periodic_irr) ** np.arange(len(values))))
    assert abs(npv) < 1e-4
