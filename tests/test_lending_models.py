"""第一部分 engine (microloan_sim.lending_models): the traditional rule, the casebook comparison, the 推广走样
detection and over-lending, size bands and product types. Expected values are worked by hand here from the
data files' inputs (the rule's 示例参数, the case's documents), never read back from the code under test."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import documents as dm
from microloan_sim.errors import InputError
from microloan_sim.lending_models import (compare_methods, flaw_findings, load_parameters, over_lending,
                                          products_of_type, review_level, served, size_band, spread_summary,
                                          spread_table, traditional_decision)
from microloan_sim.lending_models.spread import _effects

# --------------------------------------------------------------------------- the traditional rule


def test_traditional_rule_by_hand() -> None:
    # data/lending_models.yaml: audited statements and a house are both required; LTV 0.70
    assert traditional_decision(150_000, True, 620_000) == {"eligible": True, "amount": 150_000.0,
                                                            "reason": "有经审计报表和房产抵押"}
    assert traditional_decision(500_000, True, 620_000)["amount"] == 434_000.0          # 0.7 × 620,000
    assert traditional_decision(100_000, True, 123_456)["amount"] == 86_400.0           # 0.7 × 123,456 = 86,419.2 ↓100
    no_papers = traditional_decision(150_000, False, 620_000)
    assert (no_papers["eligible"], no_papers["amount"], no_papers["reason"]) == (False, 0.0, "没有经审计的财务报表")
    assert traditional_decision(150_000, True, 0)["reason"] == "没有可抵押的房产"
    assert traditional_decision(150_000, False, 0)["reason"] == "没有经审计的财务报表"    # statements are checked first


@settings(max_examples=60, deadline=None)
@given(request=st.floats(1, 5e6), audited=st.booleans(), house=st.floats(0, 1e7))
def test_traditional_rule_properties(request: float, audited: bool, house: float) -> None:
    d = traditional_decision(request, audited, house)
    assert d["amount"] <= request + 1e-6 and d["amount"] <= 0.7 * house + 1e-6
    assert d["amount"] % 100 == 0
    assert d["eligible"] == (audited and house > 0 and d["amount"] > 0)
    more = traditional_decision(request, audited, house * 2)
    assert more["amount"] >= d["amount"]                    # a bigger house never lends less


@pytest.mark.parametrize("args, field", [((-1, True, 1), "申请金额"), ((0, True, 1), "申请金额"),
                                         ((1, True, float("nan")), "房产评估值"), (("abc", True, 1), "申请金额"),
                                         ((1, "是", 1), "是否有经审计报表"), ((1, True, -5), "房产评估值")])
def test_traditional_rule_bad_input(args: tuple, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError, match=field):
        traditional_decision(*args)


def test_casebook_comparison_and_switches() -> None:
    papers = load_parameters().borrowers
    # by hand from the data file: only C02 and C08 have audited statements, and both have a house
    assert sorted(c for c, p in papers.items() if p.audited_statements and p.property > 0) == ["C02", "C08"]
    table = compare_methods().set_index("案例")
    assert list(table.index[table["传统：是否发放"] == "发放"]) == ["C02", "C08"]
    assert table.loc["C02", "传统：额度（元）"] == 300_000.0     # min(request 300,000; 0.7 × 1,500,000)
    assert table.loc["C08", "传统：额度（元）"] == 600_000.0     # min(request 600,000; 0.7 × 1,280,000 = 896,000)
    # the IPC amount is the sizing recommendation on the rebuilt statements
    assert table.loc["C01", "IPC：额度（元）"] == ml.sizing.recommend(ml.casebook.load_case("C01")).amount
    no_audit = compare_methods(no_audited=True).set_index("案例")
    assert (no_audit["传统：是否发放"] == "拒绝").all()
    assert (no_audit["传统：说明"] == "没有经审计的财务报表").all()
    assert no_audit["IPC：额度（元）"].equals(table["IPC：额度（元）"])   # IPC never reads audited statements
    no_house = compare_methods(no_property=True).set_index("案例")
    assert (no_house["传统：是否发放"] == "拒绝").all()
    # a borrower with no 房产 in its collateral keeps its IPC amount
    for case_id in ("C01", "C04", "C07", "C09"):
        assert no_house.loc[case_id, "IPC：额度（元）"] == table.loc[case_id, "IPC：额度（元）"]
    s = served(compare_methods(no_audited=True).reset_index(drop=True))
    assert s["traditional_count"] == 0 and s["ipc_count"] == int((table["IPC：是否发放"] == "发放").sum())


def test_size_bands_by_hand() -> None:
    # CBIRC S71 bands: ≤100万 / 100–500万 / 500–1000万 / 1000–3000万 / above; limits inclusive
    assert size_band(0) == "100 万元以下（含）"
    assert size_band(1_000_000) == "100 万元以下（含）"
    assert size_band(1_000_000.01) == "100 万–500 万元"
    assert size_band(10_000_000) == "500 万–1000 万元"
    assert size_band(30_000_001) == "3000 万元以上"
    with pytest.raises(InputError, match="授信金额"):
        size_band("很多")


# --------------------------------------------------------------------------- 推广走样: detection and over-lending

def test_over_lending_by_hand() -> None:
    # capacity of C = 0.7 × D over 12 months at 0.6 % a month: C × (1 − 1.006⁻¹²) / 0.006 = C × 11.544815
    r = over_lending(7_000, 10_000, 150_000, 0.072, 12, 0.7)
    assert r["verified_amount"] == 56_500.0        # 4,900 × 11.544815 = 56,569.6 → rounded down to 100
    assert r["declared_amount"] == 137_300.0       # 11,900 × 11.544815 = 137,383.3 → 137,300
    assert r["over_lending"] == 80_800.0
    assert r["multiple"] == pytest.approx(137_300 / 56_500)
    capped = over_lending(7_000, 50_000, 150_000, 0.072, 12, 0.7)
    assert capped["declared_amount"] == 150_000.0  # never above the request
    hidden_income = over_lending(7_000, -8_000, 150_000, 0.072, 12, 0.7)
    assert hidden_income["declared_amount"] == 0.0 and hidden_income["over_lending"] == -56_500.0


@settings(max_examples=50, deadline=None)
@given(d=st.floats(-5_000, 50_000), effect=st.floats(0, 50_000), request=st.floats(0, 1e6),
       months=st.integers(1, 60))
def test_over_lending_properties(d: float, effect: float, request: float, months: int) -> None:
    r = over_lending(d, effect, request, 0.072, months, 0.7)
    assert 0 <= r["verified_amount"] <= r["declared_amount"] <= request + 1e-6   # an overstatement never lends less
    assert r["over_lending"] == pytest.approx(r["declared_amount"] - r["verified_amount"])


def test_over_lending_bad_input() -> None:
    with pytest.raises(InputError, match="核实后的月可支配资金"):
        over_lending(float("nan"), 0, 1, 0.072, 12)
    with pytest.raises(InputError, match="申请金额"):
        over_lending(1_000, 0, -1, 0.072, 12)
    with pytest.raises(InputError, match="核查范围"):
        review_level("随便看看")


def test_c01_flaws_found_per_level() -> None:
    c01 = ml.casebook.load_case("C01")
    # C01's answer key: F1 hidden debt (debt_service, source_disagreement, equity_check), F2 overstated inventory
    # (inventory_count, inventory_days), F3 inflated sales (bank flows, purchases, utilities, ... equity_check).
    # Only the declaration: equity_check is out of reach, inventory_days against the norm is not 一致 → F2 only.
    assert flaw_findings(c01, "declaration")["found"].tolist() == [False, True, False]
    # with the bank statement, debt_service and sales_from_bank_flows both contradict → all three
    assert flaw_findings(c01, "declaration_bank")["found"].tolist() == [True, True, True]
    assert flaw_findings(c01, "ipc")["found"].tolist() == [True, True, True]


def test_c01_over_lending_from_its_documents() -> None:
    c01 = ml.casebook.load_case("C01")
    flawed = dm.build_documents(c01, with_flaws=True).claims
    clean = dm.build_documents(c01, with_flaws=False).claims
    # the two missed flaws distort income (sales × margin) and household spending (the hidden repayment)
    effect = (flawed.monthly_sales * flawed.gross_margin - clean.monthly_sales * clean.gross_margin
              + clean.household_spending - flawed.household_spending)
    assert sum(_effects(c01).values()) == pytest.approx(effect)
    d = ml.statements.income_statement(c01, "accrual").average_disposable_income
    k = 0.7 * (1 - 1.006 ** -12) / 0.006                               # 12 months at 0.6 % a month
    verified = math.floor(min(150_000, d * k) / 100) * 100
    declared = math.floor(min(150_000, (d + effect) * k) / 100) * 100
    row = spread_table("declaration", case_ids=["C01"]).iloc[0]
    assert row["未发现的问题（个）"] == 2
    assert row["按核实口径应放（元）"] == pytest.approx(verified, abs=100)
    assert row["按申报口径放款（元）"] == pytest.approx(declared, abs=100)
    assert row["多贷金额（元）"] > 0


def test_spread_summary_counts_by_hand() -> None:
    import pandas as pd

    table = pd.DataFrame({"埋设的问题（个）": [3, 2, 3], "未发现的问题（个）": [2, 0, 1],
                          "多贷金额（元）": [90_000.0, 0.0, -20_000.0]})
    assert spread_summary(table) == {"planted": 8, "missed": 3, "over_lending": 90_000.0}   # under-lending not netted


def test_full_review_misses_nothing_and_the_declaration_misses_more() -> None:
    full = spread_summary(spread_table("ipc"))
    desk = spread_summary(spread_table("declaration"))
    assert full["missed"] == 0 and full["over_lending"] == 0
    assert desk["planted"] == full["planted"] and desk["missed"] > 0 and desk["over_lending"] > 0


# --------------------------------------------------------------------------- product types and data files

def test_product_types_cover_the_catalogue_entries() -> None:
    catalogue = ml.products.load_catalogue()
    for kind in load_parameters().product_types:
        assert set(kind.products) <= set(catalogue), kind.name
    chain = products_of_type("供应链金融贷款")
    assert set(chain["编号"]) == {"order_pledge_loan", "receivables_pledge_loan", "zhengcaidai", "inventory_floating_loan"}
    only_bullet = products_of_type(None, method="等额本息")
    assert (only_bullet["还款方式"] == "等额本息").all()
    with pytest.raises(InputError, match="产品种类"):
        products_of_type("高利贷")
    with pytest.raises(InputError, match="还款方式"):
        products_of_type(None, method="想还就还")


def test_broken_parameter_file_names_the_file(tmp_path: Path) -> None:
    text = (Path(ml.__file__).parent / "data" / "lending_models.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "lending_models.yaml"
    bad.write_text(text.replace("property_ltv: 0.70", "property_ltv: 1.70"), encoding="utf-8")
    with pytest.raises(InputError, match="lending_models.yaml.*property_ltv"):
        load_parameters(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("traditional: [1, 2", encoding="utf-8")
    with pytest.raises(InputError, match="broken.yaml"):
        load_parameters(broken)
