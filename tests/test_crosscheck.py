"""交叉验证: worked examples of domain §2, own hand examples, properties and bad input.

Every expected value below is worked out by hand in the comment beside it, never copied from the code.
Verdicts use the shipped 示例参数 of ``microloan_sim/data/crosscheck.yaml``.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import crosscheck as cc
from microloan_sim.crosscheck import Verdict
from microloan_sim.errors import InputError

SEVERITY = {Verdict.CONSISTENT: 0, Verdict.EXPLAIN: 1, Verdict.CONTRADICTION: 2}
money = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1.0, max_value=1e7, allow_nan=False, allow_infinity=False)


# --------------------------------------------------------------------------- group 1: equity

def test_equity_variant_a_source_example() -> None:
    # domain §2.2: 60,000 + 486,180 − 12,000 − 160,500 = 373,680; actual 519,000
    # deviation = (373,680 − 519,000) / 24 / 20,258 = −145,320 / 486,192 = −0.298894 → −29.89 %
    r = cc.equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258)
    assert r.expected == pytest.approx(373_680)
    assert r.reported == pytest.approx(519_000)
    assert r.deviation == pytest.approx(-145_320 / 486_192)
    assert round(r.deviation * 100, 2) == -29.89
    assert r.verdict is Verdict.CONTRADICTION  # |−29.89 %| > 20 %
    # actual above expected: unexplained equity, i.e. under-stated profit or unrecorded injections
    assert "实际权益高于应有权益" in r.explanation and "少报了利润" in r.explanation


def test_equity_variant_a_missing_equity_reads_as_hidden_debt() -> None:
    # own example: 100,000 + 120,000 − 10,000 (depreciation) = 210,000 expected; actual 150,000
    # deviation = 60,000 / 12 / 10,000 = +0.50 → 矛盾, equity is missing
    r = cc.equity_check(100_000, 120_000, 0, 0, 0, 10_000, 150_000, 12, 10_000)
    assert r.expected == pytest.approx(210_000)
    assert r.deviation == pytest.approx(0.5)
    assert r.verdict is Verdict.CONTRADICTION
    assert "隐性负债" in r.explanation


def test_equity_variant_b_missing_equity() -> None:
    # own example: 200,000 + 240,000 − 50,000 + 30,000 + 10,000 − 20,000 − 40,000 = 370,000
    # actual 340,000 → gap +30,000; ratio = 30,000 / 240,000 = 0.125 → between 10 % and 20 % → 需解释
    r = cc.equity_check_b(200_000, 240_000, 50_000, 30_000, 10_000, 20_000, 40_000, 340_000)
    assert r.expected == pytest.approx(370_000)
    assert r.details["权益差额"] == pytest.approx(30_000)
    assert r.deviation == pytest.approx(0.125)
    assert r.verdict is Verdict.EXPLAIN
    assert "权益缺失" in r.explanation and "隐性负债" in r.explanation


def test_equity_variant_b_unexplained_equity() -> None:
    # same inputs, actual 420,000 → gap −50,000; ratio = −50,000 / 240,000 = −0.208333 → beyond 20 % → 矛盾
    r = cc.equity_check_b(200_000, 240_000, 50_000, 30_000, 10_000, 20_000, 40_000, 420_000)
    assert r.deviation == pytest.approx(-50_000 / 240_000)
    assert r.verdict is Verdict.CONTRADICTION
    assert "权益来源不明" in r.explanation and "少报" in r.explanation


def test_equity_variant_b_consistent() -> None:
    # 50,000 + 120,000 − 0 + 0 + 0 − 6,000 − 0 = 164,000; actual 160,000 → 4,000 / 120,000 = 0.0333 → 一致
    r = cc.equity_check_b(50_000, 120_000, 0, 0, 0, 6_000, 0, 160_000)
    assert r.expected == pytest.approx(164_000)
    assert r.deviation == pytest.approx(4_000 / 120_000)
    assert r.verdict is Verdict.CONSISTENT


@settings(max_examples=60, deadline=None)
@given(opening=st.floats(-1e6, 1e6), profit=money, dep=money, shift=st.floats(1.0, 1e6), months=st.integers(1, 60),
       disposable=positive)
def test_equity_a_sign_flips_across_expected(opening: float, profit: float, dep: float, shift: float, months: int,
                                             disposable: float) -> None:
    expected = opening + profit - dep
    below = cc.equity_check(opening, profit, 0, 0, 0, dep, expected - shift, months, disposable)
    above = cc.equity_check(opening, profit, 0, 0, 0, dep, expected + shift, months, disposable)
    assert below.deviation > 0 > above.deviation          # 应有 > 实际 is positive, 应有 < 实际 negative
    assert below.deviation == pytest.approx(-above.deviation)


@settings(max_examples=60, deadline=None)
@given(opening=st.floats(-1e6, 1e6), income=positive, spend=money, other=money, off=money,
       shift=st.floats(1.0, 1e6))
def test_equity_b_sign_flips_across_expected(opening: float, income: float, spend: float, other: float, off: float,
                                             shift: float) -> None:
    expected = opening + income - spend + other - off
    below = cc.equity_check_b(opening, income, spend, other, 0, 0, off, expected - shift)
    above = cc.equity_check_b(opening, income, spend, other, 0, 0, off, expected + shift)
    assert below.deviation > 0 > above.deviation
    assert below.deviation == pytest.approx(shift / income)
    if below.verdict is not Verdict.CONSISTENT:
        assert "权益缺失" in below.explanation
    if above.verdict is not Verdict.CONSISTENT:
        assert "权益来源不明" in above.explanation


# --------------------------------------------------------------------------- group 2: purchases and margin

def test_weighted_gross_margin_source_example() -> None:
    # 50 % × (1 − 8/10) + 30 % × (1 − 15/20) + 20 % × (1 − 3/5) = 0.10 + 0.075 + 0.08 = 0.255
    assert cc.weighted_gross_margin([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)]) == pytest.approx(0.255)


def test_weighted_gross_margin_accepts_mappings_and_frames() -> None:
    import pandas as pd

    rows = [{"share": 0.6, "purchase_price": 6, "sale_price": 10}, {"占比": 0.4, "进价": 9, "售价": 10}]
    # 0.6 × 0.4 + 0.4 × 0.1 = 0.24 + 0.04 = 0.28
    assert cc.weighted_gross_margin(rows) == pytest.approx(0.28)
    frame = pd.DataFrame({"share": [0.6, 0.4], "purchase_price": [6, 9], "sale_price": [10, 10]})
    assert cc.weighted_gross_margin(frame) == pytest.approx(0.28)


def test_sales_from_purchases_source_example() -> None:
    # (60,000 + 30,000 − 36,000) / (1 − 25.5 %) = 54,000 / 0.745 = 72,483.22
    r = cc.sales_from_purchases(60_000, 30_000, 36_000, 0.255, reported_sales=72_000)
    assert r.expected == pytest.approx(54_000 / 0.745)
    assert round(r.expected) == 72_483
    assert r.details["销货成本"] == pytest.approx(54_000)
    # (72,483.22 − 72,000) / 72,000 = 0.0067 → 一致
    assert r.deviation == pytest.approx((54_000 / 0.745 - 72_000) / 72_000)
    assert r.verdict is Verdict.CONSISTENT
    assert "进货" in r.explanation and "存货" in r.explanation


def test_sales_from_purchases_reports_under_statement() -> None:
    # reported 55,000 → (72,483.22 − 55,000) / 55,000 = 0.3179 → beyond 20 % → 矛盾, sales under-reported
    r = cc.sales_from_purchases(60_000, 30_000, 36_000, 0.255, reported_sales=55_000)
    assert r.verdict is Verdict.CONTRADICTION
    assert "少报了销售额" in r.explanation


def test_weighted_margin_check() -> None:
    # weighted 25.5 % vs reported 30 % → (0.255 − 0.30) / 0.30 = −0.15 → between 10 % and 25 % → 需解释
    r = cc.weighted_margin_check([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)], 0.30)
    assert r.deviation == pytest.approx(-0.15)
    assert r.verdict is Verdict.EXPLAIN
    assert r.unit == "比率"
    assert "夸大" in r.explanation


def test_sales_from_product_share_source_example() -> None:
    # 30,000 ÷ 30 % = 100,000
    r = cc.sales_from_product_share(30_000, 0.30, 100_000)
    assert r.expected == pytest.approx(100_000)
    assert r.deviation == pytest.approx(0)
    assert r.verdict is Verdict.CONSISTENT


@settings(max_examples=60, deadline=None)
@given(bought=money, opening=money, closing=money, margin=st.floats(0, 0.9), reported=positive)
def test_sales_from_purchases_inverts_the_cost_ratio(bought: float, opening: float, closing: float, margin: float,
                                                     reported: float) -> None:
    cogs = bought + opening - closing
    assume(cogs > 1)
    r = cc.sales_from_purchases(bought, opening, closing, margin, reported)
    assert r.expected * (1 - margin) == pytest.approx(cogs)
    assert r.deviation == pytest.approx((r.expected - reported) / reported)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 1), st.floats(0, 100), st.floats(0.5, 200)), min_size=1, max_size=6))
def test_weighted_margin_is_a_convex_combination(rows: list[tuple[float, float, float]]) -> None:
    total = sum(r[0] for r in rows)
    normalised = [(s / total, cost, price) for s, cost, price in rows]
    margins = [1 - cost / price for _, cost, price in normalised]
    value = cc.weighted_gross_margin(normalised)
    assert min(margins) - 1e-9 <= value <= max(margins) + 1e-9


# --------------------------------------------------------------------------- group 3: bank flows

def test_sales_from_bank_flows_source_example() -> None:
    # 72,000 ÷ 80 % = 90,000
    r = cc.sales_from_bank_flows(72_000, 0.80, 90_000)
    assert r.expected == pytest.approx(90_000)
    assert r.verdict is Verdict.CONSISTENT


def test_sales_from_bank_flows_deducts_non_sales_inflows() -> None:
    # (100,000 − 20,000 family transfers) ÷ 80 % = 100,000; reported 125,000 → −25,000 / 125,000 = −0.20 → 需解释
    r = cc.sales_from_bank_flows(100_000, 0.80, 125_000, non_sales_inflow=20_000)
    assert r.expected == pytest.approx(100_000)
    assert r.deviation == pytest.approx(-0.20)
    assert r.verdict is Verdict.EXPLAIN
    assert "夸大" in r.explanation and "银行流水" in r.explanation


# --------------------------------------------------------------------------- group 4: utilities, quantities

def test_sales_from_utilities_source_example() -> None:
    # 2,000 kWh ÷ 0.15 kWh/unit = 13,333.33 units × 8 元 = 106,666.67
    r = cc.sales_from_utilities(2_000, 0.15, 8, 100_000)
    assert r.details["推算产量"] == pytest.approx(2_000 / 0.15)
    assert r.expected == pytest.approx(2_000 / 0.15 * 8)
    assert round(r.expected) == 106_667
    assert r.verdict is Verdict.CONSISTENT  # +6.7 %
    assert "用电量" in r.explanation


def test_sales_from_utilities_with_base_load_and_cartons() -> None:
    # cartons: (5,200 − 200 used for other things) ÷ 2 per order = 2,500 orders × 40 元 = 100,000
    r = cc.sales_from_utilities(5_200, 2, 40, 100_000, base_consumption=200, input_name="纸箱用量", unit="个")
    assert r.expected == pytest.approx(100_000)
    assert "纸箱用量" in r.explanation


def test_quantity_check_source_example() -> None:
    # 970 t purchased vs 933 t shipped: (970 − 933) / 933 = 0.0397 → "基本一致"
    r = cc.quantity_check(970, 933)
    assert r.deviation == pytest.approx(37 / 933)
    assert r.verdict is Verdict.CONSISTENT
    assert r.unit == "吨"


# --------------------------------------------------------------------------- group 5: turnover

def test_inventory_days_source_example() -> None:
    # 80,000 / 75,000 × 30 = 32 days; norm 30 → (30 − 32) / 32 = −0.0625
    r = cc.inventory_days_check(80_000, 75_000, 30)
    assert r.reported == pytest.approx(32)
    assert r.expected == pytest.approx(30)
    assert r.deviation == pytest.approx(-0.0625)
    assert r.verdict is Verdict.CONSISTENT
    assert r.unit == "天"


def test_inventory_days_uses_industry_norm() -> None:
    # 零售（便利店）norm 35 days (示例参数); 140,000 / 60,000 × 30 = 70 days → (35 − 70) / 70 = −0.5 → 需解释
    r = cc.inventory_days_check(140_000, 60_000, industry="零售（便利店）")
    assert r.expected == pytest.approx(cc.industry_norms("零售（便利店）")["inventory_days"])
    assert r.reported == pytest.approx(70)
    assert r.verdict is Verdict.EXPLAIN
    assert "积压" in r.explanation


def test_receivable_days() -> None:
    # 20,000 / 100,000 × 30 = 6 days vs norm 5 → (5 − 6) / 6 = −0.1667 → 一致
    r = cc.receivable_days_check(20_000, 100_000, 5)
    assert r.reported == pytest.approx(6)
    assert r.deviation == pytest.approx(-1 / 6)
    assert r.verdict is Verdict.CONSISTENT


def test_receivables_pattern_source_example() -> None:
    # 73,500 × 0.70 + 73,500 × 0.35 = 51,450 + 25,725 = 77,175 vs stated 69,800
    # (77,175 − 69,800) / 69,800 = 0.1057 → the source calls it "基本一致" (tolerance 15 %, 示例参数)
    r = cc.receivables_check([73_500, 73_500], [0.70, 0.35], 69_800)
    assert r.expected == pytest.approx(77_175)
    assert r.deviation == pytest.approx(7_375 / 69_800)
    assert r.verdict is Verdict.CONSISTENT


# --------------------------------------------------------------------------- group 6: different sources

def test_source_disagreement_wide_spread() -> None:
    # borrower 100,000; spouse 90,000; employee 120,000; supplier 95,000
    # others' median = median(90,000, 120,000, 95,000) = 95,000
    # spread = (120,000 − 90,000) / median of all 97,500 = 0.3077 → beyond 25 % → 矛盾
    r = cc.source_disagreement_check({"借款人": 100_000, "配偶": 90_000, "店员": 120_000, "供应商": 95_000})
    assert r.expected == pytest.approx(95_000)
    assert r.reported == pytest.approx(100_000)
    assert r.deviation == pytest.approx(30_000 / 97_500)
    assert r.verdict is Verdict.CONTRADICTION
    assert "最高为店员" in r.explanation and "最低为配偶" in r.explanation
    assert r.evidence == ("借款人的陈述", "配偶的陈述", "店员的陈述", "供应商的陈述")


def test_source_disagreement_close_figures() -> None:
    # borrower 100,000; spouse 98,000; employee 104,000 → spread 6,000 / median 100,000 = 0.06 → 一致;
    # others' median = (98,000 + 104,000) / 2 = 101,000
    statements = {"借款人": 100_000, "配偶": 98_000, "店员": 104_000}
    r = cc.source_disagreement_check(statements)
    assert r.expected == pytest.approx(101_000)
    assert r.deviation == pytest.approx(0.06)
    assert r.verdict is Verdict.CONSISTENT
    # checking the spouse's figure instead: the same spread (symmetric); others' median (100,000 + 104,000) / 2
    r = cc.source_disagreement_check(statements, reported_by="配偶")
    assert r.deviation == pytest.approx(0.06)
    assert r.expected == pytest.approx(102_000)


def test_sales_from_statement_source_example() -> None:
    # busy season 4 × 120,000 + off season 8 × 60,000 = 480,000 + 480,000 = 960,000
    r = cc.sales_from_statement([(4, 120_000), (8, 60_000)], 960_000)
    assert r.expected == pytest.approx(960_000)
    assert r.details["月数合计"] == 12
    r = cc.sales_from_statement({"旺季": {"月数": 4, "月销售额": 120_000}, "淡季": (8, 60_000)}, 1_200_000)
    # (960,000 − 1,200,000) / 1,200,000 = −0.20 → 需解释
    assert r.deviation == pytest.approx(-0.20)
    assert r.verdict is Verdict.EXPLAIN
    assert "旺季" in r.explanation


def test_sales_from_commissions_source_example() -> None:
    # 3,000 ÷ 3 % = 100,000
    assert cc.sales_from_commissions(3_000, 0.03, 100_000).expected == pytest.approx(100_000)


def test_sales_from_documents() -> None:
    # invoices 30,000 + 25,000 + 20,000 = 75,000 vs 100,000 → −0.25 → beyond 20 % → 矛盾
    r = cc.sales_from_documents([30_000, 25_000, 20_000], 100_000, source="invoices")
    assert (r.method, r.name) == ("sales_from_invoices", "票据核定法")
    assert r.expected == pytest.approx(75_000)
    assert r.verdict is Verdict.CONTRADICTION
    # ledger 95,000 vs 100,000 → −0.05 → 一致
    r = cc.sales_from_documents([50_000, 45_000], 100_000, source="账本")
    assert r.method == "sales_from_ledger" and r.verdict is Verdict.CONSISTENT


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["借款人", "配偶", "店员", "供应商", "邻居"]), positive, min_size=2))
def test_source_spread_is_non_negative_and_order_free(statements: dict[str, float]) -> None:
    who = next(iter(statements))
    r = cc.source_disagreement_check(statements, reported_by=who)
    reordered = dict(reversed(list(statements.items())))
    assert r.deviation >= 0
    assert cc.source_disagreement_check(reordered, reported_by=who).deviation == pytest.approx(r.deviation)
    values = sorted(statements.values())
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    assert r.deviation == pytest.approx((values[-1] - values[0]) / median)


# --------------------------------------------------------------------------- group 7: logic and ratios

def test_gross_margin_vs_industry() -> None:
    # 35 % vs norm 20 % → (0.20 − 0.35) / 0.35 = −0.4286 → beyond 40 % → 矛盾 (profit may be inflated)
    r = cc.gross_margin_check(0.35, 0.20)
    assert r.deviation == pytest.approx(-0.15 / 0.35)
    assert r.verdict is Verdict.CONTRADICTION
    assert "夸大" in r.explanation
    # 24 % vs 零售（便利店）22 % (示例参数) → −0.02 / 0.24 = −0.0833 → 一致
    r = cc.gross_margin_check(0.24, industry="零售（便利店）")
    assert r.deviation == pytest.approx((0.22 - 0.24) / 0.24)
    assert r.verdict is Verdict.CONSISTENT


def test_expense_ratio_vs_industry() -> None:
    # 6,000 / 100,000 = 6 % vs norm 10 % → (0.10 − 0.06) / 0.06 = 0.6667 → 矛盾: expenses probably left out
    r = cc.expense_ratio_check(6_000, 100_000, 0.10)
    assert r.reported == pytest.approx(0.06)
    assert r.deviation == pytest.approx(2 / 3)
    assert r.verdict is Verdict.CONTRADICTION
    assert "漏报" in r.explanation


def test_family_spending_vs_lifestyle() -> None:
    # 4 people × 1,500 + school 1,000 + car 800 = 7,800 vs stated 5,000 → 2,800 / 5,000 = 0.56 → 矛盾
    r = cc.family_spending_check(5_000, 4, 1_500, extra={"学费": 1_000, "养车": 800})
    assert r.expected == pytest.approx(7_800)
    assert r.deviation == pytest.approx(0.56)
    assert r.verdict is Verdict.CONTRADICTION
    assert "高估" in r.explanation
    # default 城镇 1,800 (示例参数): 4 × 1,800 = 7,200 vs 7,000 → 200 / 7,000 = 0.0286 → 一致
    r = cc.family_spending_check(7_000, 4)
    assert r.expected == pytest.approx(4 * cc.load_config()["living_cost"]["城镇"])
    assert r.verdict is Verdict.CONSISTENT


def test_loan_purpose_vs_business_size() -> None:
    # ceiling 100,000 × 1.5 = 150,000; request 300,000 → (150,000 − 300,000) / 300,000 = −0.5 → 矛盾
    r = cc.loan_purpose_check(300_000, 100_000, "流动资金", max_months_of_sales=1.5)
    assert r.expected == pytest.approx(150_000)
    assert r.deviation == pytest.approx(-0.5)
    assert r.verdict is Verdict.CONTRADICTION
    # request 160,000 → −10,000 / 160,000 = −0.0625 → above the ceiling but within 25 % → 需解释
    assert cc.loan_purpose_check(160_000, 100_000, max_months_of_sales=1.5).verdict is Verdict.EXPLAIN
    # within the ceiling: deviation 0, 一致
    r = cc.loan_purpose_check(100_000, 100_000, max_months_of_sales=1.5)
    assert r.deviation == 0 and r.verdict is Verdict.CONSISTENT


@settings(max_examples=60, deadline=None)
@given(request=positive, sales=positive, months=st.floats(0.1, 12))
def test_loan_purpose_is_one_sided(request: float, sales: float, months: float) -> None:
    r = cc.loan_purpose_check(request, sales, max_months_of_sales=months)
    assert r.deviation <= 0
    assert (r.deviation == 0) == (request <= sales * months)


# --------------------------------------------------------------------------- verdicts and tolerances

def test_verdict_boundaries_are_inclusive() -> None:
    bounds = cc.tolerances()["equity"]
    assert cc.verdict_for(bounds["explain"], "equity")[0] is Verdict.CONSISTENT
    assert cc.verdict_for(-bounds["contradiction"], "equity")[0] is Verdict.EXPLAIN
    assert cc.verdict_for(bounds["contradiction"] + 1e-9, "equity")[0] is Verdict.CONTRADICTION
    assert cc.verdict_for(0.0, "equity_check") == (Verdict.CONSISTENT, bounds["explain"])  # method id works too


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(sorted(cc.tolerances())), a=st.floats(-5, 5), b=st.floats(-5, 5))
def test_verdict_is_monotone_in_absolute_deviation(key: str, a: float, b: float) -> None:
    small, large = sorted((a, b), key=abs)
    assert SEVERITY[cc.verdict_for(small, key)[0]] <= SEVERITY[cc.verdict_for(large, key)[0]]
    assert cc.verdict_for(a, key)[0] is cc.verdict_for(-a, key)[0]


def test_every_method_has_a_labelled_tolerance() -> None:
    table = cc.tolerances()
    keys = {info.tolerance_key for info in cc.METHODS.values()}
    assert keys == set(table), "every method needs a tolerance and every tolerance a method"
    text = ml._data.data_path("crosscheck.yaml").read_text(encoding="utf-8")
    for key in table:
        line = next(line for line in text.splitlines() if re.match(rf"\s+{key}:", line))
        assert "示例参数" in line, f"tolerance {key} is not labelled 示例参数"
    assert set(cc.GROUPS) == {info.group for info in cc.METHODS.values()} == set(range(1, 8))


def test_method_lookup_by_english_and_chinese_names() -> None:
    assert cc.method("进货核定法").function is cc.sales_from_purchases
    assert cc.method("sales_from_purchases").name == "进货核定法"
    assert cc.method("权益交叉检验").id == "equity_check"
    assert cc.method("不同人询问").group == 6
    assert cc.run_method("分类核定法", 30_000, 0.30, 100_000).expected == pytest.approx(100_000)
    assert cc.run_method("票据核定法", [40_000], 40_000).method == "sales_from_invoices"
    with pytest.raises(InputError, match="没有名为“猜一猜”的方法"):
        cc.method("猜一猜")


def test_answer_keys_and_the_registry_know_the_same_methods() -> None:
    # documents (below crosscheck on the ladder) checks an answer key's detected_by against the labels'
    # method ids; every id there must be a method of the registry, and every method must be there
    assert list(ml.labels.CROSSCHECK_METHODS) == list(cc.METHODS)


def test_results_table_and_hashable_results() -> None:
    results = [cc.sales_from_commissions(3_000, 0.03, 100_000), cc.quantity_check(970, 933)]
    table = cc.to_frame(results)
    assert table["方法"].tolist() == ["提点核定法", "数量检验"]
    assert table["分组"].tolist() == ["不同来源检验", "水电与物耗检验"]
    assert len({hash(r) for r in results}) == 2


def test_industry_norm_lookup_and_fallback() -> None:
    assert cc.industry_norms("制造（瓦楞纸箱加工）")["receivable_days"] == 60
    assert cc.industry_norms("制造(注塑)") == cc.industry_norms("制造")  # ASCII bracket, falls back to 制造
    with pytest.raises(InputError, match="没有“修理”的行业参考值"):
        cc.industry_norms("修理")
    with pytest.raises(InputError, match="请填写行业参考值"):
        cc.inventory_days_check(10_000, 5_000)


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("call", "message"), [
    (lambda: cc.sales_from_purchases(-1, 0, 0, 0.2, 100), "期间进货：不能小于 0"),
    (lambda: cc.sales_from_purchases(100, 0, 0, float("nan"), 100), "毛利率：缺少数值（NaN）"),
    (lambda: cc.sales_from_purchases(100, 0, 0, "两成", 100), "毛利率：应为数字，收到了文字“两成”"),
    (lambda: cc.sales_from_purchases(100, 0, 0, 1.0, 100), "毛利率：应小于 100%"),
    (lambda: cc.sales_from_purchases(100, 0, 200, 0.2, 100), "销货成本：期间进货 \\+ 期初存货 − 期末存货 应大于 0"),
    (lambda: cc.sales_from_purchases(100, 0, 0, 0.2, 0), "申报销售额：必须大于 0"),
    (lambda: cc.sales_from_bank_flows(72_000, 1.2, 90_000), "经账户收款的销售占比：不能大于 1"),
    (lambda: cc.sales_from_bank_flows(72_000, 0, 90_000), "经账户收款的销售占比：必须大于 0"),
    (lambda: cc.sales_from_bank_flows(72_000, 0.8, 90_000, non_sales_inflow=80_000), "不能大于流水入账金额"),
    (lambda: cc.sales_from_utilities(2_000, 0, 8, 100), "单位产品用电量：必须大于 0"),
    (lambda: cc.sales_from_utilities(2_000, 0.1, 8, 100, base_consumption=3_000), "基础用电量"),
    (lambda: cc.weighted_gross_margin([(0.5, 8, 10), (0.3, 15, 20)]), "商品销售占比合计：应为 100%（当前为 80.0%）"),
    (lambda: cc.weighted_gross_margin([(1.0, 8, 0)]), "第 1 种商品的售价：必须大于 0"),
    (lambda: cc.weighted_gross_margin([]), "商品毛利明细：至少需要一项"),
    (lambda: cc.weighted_gross_margin("50%"), "商品毛利明细：应为列表"),
    (lambda: cc.weighted_gross_margin([(1.0, 8)]), "第 1 种商品：格式不对"),
    (lambda: cc.receivables_check([73_500], [0.7, 0.35], 69_800), "各月未收回比例：月份数应与销售额相同"),
    (lambda: cc.receivables_check([73_500], [1.5], 69_800), "第 1 个月未收回比例：不能大于 1"),
    (lambda: cc.inventory_days_check(0, 75_000, 30), "存货（成本）：必须大于 0"),
    (lambda: cc.source_disagreement_check({"借款人": 100}), "至少需要两个来源"),
    (lambda: cc.source_disagreement_check({"借款人": 100, "配偶": 90}, reported_by="邻居"), "“邻居”不在来源之中"),
    (lambda: cc.source_disagreement_check({"借款人": 0, "配偶": 90}), "借款人所说的月销售额：必须大于 0"),
    (lambda: cc.source_disagreement_check({"借款人": "很多", "配偶": 90}), "借款人所说的月销售额：应为数字"),
    (lambda: cc.sales_from_statement([(0, 100)], 100), "第 1 段的月数：必须大于 0"),
    (lambda: cc.sales_from_documents([100], 100, source="传真"), "单据类型"),
    (lambda: cc.sales_from_documents([100, -5], 100), "第 2 张账本的金额：不能小于 0"),
    (lambda: cc.family_spending_check(5_000, 4, area="火星"), "没有“火星”的参考值"),
    (lambda: cc.family_spending_check(5_000, 0), "家庭人口：必须大于 0"),
    (lambda: cc.loan_purpose_check(100, 100, purpose="旅游"), "贷款用途"),
    (lambda: cc.equity_check(1, 1, -1, 0, 0, 0, 1, 12, 1), "期间注资：不能小于 0"),
    (lambda: cc.equity_check(1, 1, 0, 0, 0, 0, 1, 0, 1), "检验期间月份数：必须大于 0"),
    (lambda: cc.equity_check_b(1, 0, 0, 0, 0, 0, 0, 1), "分析期间收入：必须大于 0"),
    (lambda: cc.equity_check_b(1, 10, 0, 0, 0, 0, float("inf"), 1), "表外资产：数值为无穷大"),
    (lambda: cc.equity_check_b(1, 10, 0, 0, 0, 0, 0, None), "实际权益：缺少数值"),
])
def test_bad_input_is_named_in_chinese(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        call()


def test_bad_parameter_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("tolerances: [1, 2", encoding="utf-8")
    with pytest.raises(InputError, match="文件 broken.yaml：YAML 格式错误"):
        cc.tolerances(broken)
    inverted = tmp_path / "inverted.yaml"
    inverted.write_text("tolerances:\n  equity: {explain: 0.3, contradiction: 0.1}\n", encoding="utf-8")
    with pytest.raises(InputError, match="tolerances.equity：“矛盾”阈值不能小于“需解释”阈值"):
        cc.tolerances(inverted)
    text = tmp_path / "text.yaml"
    text.write_text("tolerances:\n  equity: {explain: 十个点, contradiction: 0.2}\n", encoding="utf-8")
    with pytest.raises(InputError, match="tolerances.equity.explain：应为数字"):
        cc.tolerances(text)
    missing = tmp_path / "missing.yaml"
    missing.write_text("industry_norms: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="文件 missing.yaml：tolerances：缺少此部分"):
        cc.tolerances(missing)
    not_mapping = tmp_path / "list.yaml"
    not_mapping.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="内容应为键值表"):
        cc.load_config(not_mapping)
    with pytest.raises(InputError, match="找不到文件"):
        cc.tolerances(tmp_path / "nowhere.yaml")
    negative_norm = tmp_path / "norms.yaml"
    negative_norm.write_text("industry_norms:\n  零售: {gross_margin: -0.2}\n", encoding="utf-8")
    with pytest.raises(InputError, match="industry_norms.零售.gross_margin：不能小于 0"):
        cc.industry_norms("零售", path=negative_norm)


def test_parameter_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("tolerances:\n  equity: {explain: 0.1, contradiction: 0.2}\n", encoding="utf-8")
    assert cc.tolerances(path)["equity"]["explain"] == pytest.approx(0.1)
    path.write_text("tolerances:\n  equity: {explain: 0.15, contradiction: 0.3}\n", encoding="utf-8")
    import os

    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cc.tolerances(path)["equity"]["explain"] == pytest.approx(0.15)


def test_every_result_names_evidence_and_is_finite() -> None:
    results = [
        cc.equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258),
        cc.equity_check_b(200_000, 240_000, 50_000, 30_000, 10_000, 20_000, 40_000, 340_000),
        cc.weighted_margin_check([(1.0, 75, 100)], 0.25),
        cc.sales_from_purchases(60_000, 30_000, 36_000, 0.255, 72_000),
        cc.sales_from_product_share(30_000, 0.3, 100_000),
        cc.sales_from_bank_flows(72_000, 0.8, 90_000),
        cc.sales_from_utilities(2_000, 0.15, 8, 100_000),
        cc.quantity_check(970, 933),
        cc.inventory_days_check(80_000, 75_000, 30),
        cc.receivable_days_check(20_000, 100_000, 5),
        cc.receivables_check([73_500, 73_500], [0.7, 0.35], 69_800),
        cc.source_disagreement_check({"借款人": 1, "配偶": 2}),
        cc.sales_from_statement([(12, 80_000)], 960_000),
        cc.sales_from_commissions(3_000, 0.03, 100_000),
        cc.sales_from_documents([1], 1, "ledger"),
        cc.sales_from_documents([1], 1, "invoices"),
        cc.sales_from_documents([1], 1, "orders"),
        cc.gross_margin_check(0.2, 0.2),
        cc.expense_ratio_check(10, 100, 0.1),
        cc.family_spending_check(7_200, 4),
        cc.loan_purpose_check(100_000, 100_000),
        cc.inventory_count_check(90_000, 100_000),
        cc.debt_service_check(3_000, 2_000),
        cc.household_spending_bank_check(4_000, 6_000),
        cc.salary_from_payroll(9_000, 9_500),
    ]
    assert {r.method for r in results} == set(cc.METHODS)
    for r in results:
        assert r.evidence and r.explanation and r.name == cc.METHODS[r.method].name
        assert all(math.isfinite(v) for v in (r.expected, r.reported, r.deviation, r.tolerance))
        assert "示例参数" in r.explanation or r.method == "equity_check"


def test_salary_claim_is_compared_with_spouse_and_tax_records() -> None:
    # the borrower's own salary claim joins the respondents' topic 家庭月工资收入 (C06 overstates it)
    case = ml.casebook.load_case("C06")
    found = [r for r in ml.crosscheck.run_all(case) if "话题：家庭月工资收入" in r.explanation]
    assert len(found) == 1
    result = found[0]
    assert "借款人" in result.explanation and "个税记录" in result.explanation and "配偶" in result.explanation
    assert result.verdict is ml.crosscheck.Verdict.CONTRADICTION


def test_a_deviation_that_rounds_to_zero_is_never_shown_as_minus_zero() -> None:
    for case_id in ("C01", "C02", "C03"):
        for result in ml.crosscheck.run_all(ml.casebook.load_case(case_id)):
            assert "-0.0%" not in result.explanation, result.explanation


def test_unexplained_equity_reads_as_hidden_debt_not_a_relatives_injection() -> None:
    """Domain §2.2, source example: 应有 373,680 vs 实际 519,000 → −29.89 %. Past profit below today's net worth
    suggests hidden liabilities (betax.cn/513); a loan from relatives is a liability, never an equity injection."""
    result = cc.equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258)
    assert round(result.deviation, 4) == -0.2989
    assert "隐性负债" in result.explanation
    assert "注资（亲友借款" not in result.explanation


def test_source_disagreement_spread_is_symmetric() -> None:
    """不同来源核对 (domain §2.4 #6): the spread is (highest − lowest) ÷ the median of all sources, so the same four
    figures give the same deviation whoever is checked, and a borrower who under-states is judged like one who
    over-states. By hand: (120,000 − 90,000) ÷ 97,500 = 30.77 %. (Before: ÷ the checked source's own figure,
    30 % for the borrower's 100,000 but 33.3 % for the spouse's 90,000.)"""
    figures = {"借款人": 100_000, "配偶": 90_000, "店员": 120_000, "供应商": 95_000}
    spreads = {who: cc.source_disagreement_check(figures, reported_by=who).deviation for who in figures}
    assert all(v == pytest.approx(30_000 / 97_500) for v in spreads.values())
    low = cc.source_disagreement_check({"借款人": 80_000, "配偶": 100_000})
    high = cc.source_disagreement_check({"借款人": 100_000, "配偶": 80_000})
    assert low.deviation == pytest.approx(high.deviation)
