"""交叉验证 on the casebook: every planted flaw is caught, the clean control raises no 矛盾.

For every case, the canonical case and variants 0–49 are run twice through ``crosscheck.run_all``: with the
flaws of its ``answer_key.yaml`` and as the clean control (``with_flaws=False``). The sweep runs once per
session in two worker processes (about 40 s); the detection table (case × method → share of runs flagged)
is printed (``pytest -s``); ``bench/bench_detection.py`` prints it and writes it as JSON.

Hand examples check run_all's inputs against numbers worked out from the case files.
"""
from __future__ import annotations

import os

import pandas as pd
import pytest

import microloan_sim as ml
from microloan_sim import crosscheck as cc
from microloan_sim import documents as dm
from microloan_sim.crosscheck import Verdict

VARIANTS = tuple(range(50))
CASES = tuple(ml.casebook.list_cases()["id"])
WITH_DOCUMENTS = tuple(c for c in CASES if dm.has_investigation(ml.casebook.load_case(c)))


@pytest.fixture(scope="session")
def runs() -> pd.DataFrame:
    """Every run_all result for every case × (canonical + 50 variants) × (flawed, clean)."""
    processes = min(2, os.cpu_count() or 1)
    return cc.collect_runs(WITH_DOCUMENTS, (None, *VARIANTS), processes=processes, strict=True)


@pytest.fixture(scope="session")
def table(runs: pd.DataFrame) -> pd.DataFrame:
    result = cc.detection_table(WITH_DOCUMENTS, VARIANTS, runs=runs)
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print("\n交叉验证检出率（canonical + 50 个变体；flawed = 有埋设矛盾时判“矛盾”的比例，clean = 对照组判“矛盾”的比例）")
        print(result.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return result


def test_every_case_has_documents_and_at_least_two_flaws() -> None:
    assert set(WITH_DOCUMENTS) == set(CASES), "every case needs an investigation.yaml"
    kinds = set()
    for case_id in CASES:
        case = ml.casebook.load_case(case_id)
        flaws = dm.load_answer_key(case)
        assert len(flaws) >= 2, case_id
        kinds |= {f.kind for f in flaws}
    assert {"inflated_sales", "hidden_income", "hidden_debt", "overstated_inventory", "personal_spending",
            "inflated_margin"} <= kinds


def test_nine_segments_of_the_course_are_covered() -> None:
    cases = ml.casebook.list_cases()
    assert len(cases) >= 9
    assert {"business", "farm", "consumer"} <= set(cases["segment"])


@pytest.mark.parametrize("case_id", WITH_DOCUMENTS)
def test_every_planted_flaw_is_detected_as_a_contradiction(case_id: str, runs: pd.DataFrame,
                                                           table: pd.DataFrame) -> None:
    flaws = dm.load_answer_key(ml.casebook.load_case(case_id))
    found = cc.flaw_detection(runs[runs["case"] == case_id], flaws)
    assert len(found) == len(flaws) * (1 + len(VARIANTS))
    missed = found[~found["contradiction"]]
    assert missed.empty, f"{case_id}: flaws without a 矛盾 from their detected_by methods:\n{missed}"


@pytest.mark.parametrize("case_id", WITH_DOCUMENTS)
def test_clean_control_raises_no_contradiction(case_id: str, runs: pd.DataFrame) -> None:
    clean = runs[(runs["case"] == case_id) & ~runs["with_flaws"]]
    assert clean["variant"].nunique() == 1 + len(VARIANTS)
    false_alarms = clean[clean["verdict"] == Verdict.CONTRADICTION.value]
    assert false_alarms.empty, f"{case_id}: 矛盾 on the clean control:\n{false_alarms}"


@pytest.mark.parametrize("case_id", WITH_DOCUMENTS)
def test_every_detecting_method_runs_on_its_case(case_id: str, runs: pd.DataFrame) -> None:
    methods = set(runs.loc[runs["case"] == case_id, "method"])
    for flaw in dm.load_answer_key(ml.casebook.load_case(case_id)):
        assert set(flaw.detected_by) <= methods, (flaw.id, set(flaw.detected_by) - methods)


def test_detection_table_covers_seven_groups(table: pd.DataFrame) -> None:
    assert (table["clean"] == 0).all()
    groups = {cc.METHODS[m].group for m in table["method"]}
    assert groups == set(range(1, 8))
    targeted = table[table["targets"] != ""]
    assert (targeted.groupby("case")["flawed"].max() == 1.0).all()


# --------------------------------------------------------------------------- hand examples on C01

def test_c01_debt_service_sees_the_hidden_repayment() -> None:
    case = ml.casebook.load_case("C01")
    hidden = next(p for p in dm.planted_flaws(case) if p.kind == "hidden_debt")
    # Declared: 400 元 interest to the 农商行 + 2,000 元 car loan (250 interest + 1,750 principal) = 2,400 元/月.
    # Seen in the statement: the same plus the monthly repayment to 周海涛.
    r = next(r for r in cc.run_all(case) if r.method == "debt_service")
    assert r.reported == pytest.approx(2_400)
    assert r.expected == pytest.approx(2_400 + hidden.values["monthly_payment"])
    assert r.deviation == pytest.approx(hidden.values["monthly_payment"] / (2_400 + hidden.values["monthly_payment"]))
    assert r.verdict is Verdict.CONTRADICTION and "周海涛" in r.explanation
    clean = next(r for r in cc.run_all(case, with_flaws=False) if r.method == "debt_service")
    assert clean.expected == pytest.approx(2_400) and clean.verdict is Verdict.CONSISTENT


def test_c01_purchases_and_bank_flows_reconstruct_the_true_sales() -> None:
    case = ml.casebook.load_case("C01")
    results = {r.method: r for r in cc.run_all(case, with_flaws=False)}
    # Σ revenue over 2025 = 1,339,800 元 (monthly_records.csv); cost of goods sold 1,004,849 元 at a 25% margin.
    purchases = results["sales_from_purchases"]
    assert purchases.details["销货成本"] == pytest.approx(1_004_849, abs=0.5)
    assert purchases.expected == pytest.approx(1_339_800, rel=2e-3)
    # 70% of collections reach the account: 0.7 × (1,339,800 − (5,900 − 4,600)) / 12 = 78,079.17 元/月.
    bank = results["sales_from_bank_flows"]
    assert bank.details["销售入账"] == pytest.approx(0.7 * (1_339_800 - 1_300) / 12, abs=0.05)
    assert bank.expected == pytest.approx((1_339_800 - 1_300) / 12, abs=0.1)
    assert bank.reported == pytest.approx(1_339_800 / 12, abs=0.5)


def test_c01_equity_check_uses_the_claimed_profit() -> None:
    case = ml.casebook.load_case("C01")
    link = ml.statements.equity_link(case)
    clean = next(r for r in cc.run_all(case, with_flaws=False) if r.method == "equity_check")
    # Clean claims = truth: expected equity is the equity link's 应有权益, which equals today's equity.
    assert clean.expected == pytest.approx(link.expected_equity, abs=15)  # claims are rounded to whole 元
    assert clean.reported == pytest.approx(link.actual_equity)
    flawed = next(r for r in cc.run_all(case) if r.method == "equity_check")
    docs = dm.build_documents(case)
    # Claimed extra profit per month: sales over-statement × 25% margin + household spending left out.
    extra = (docs.claims.monthly_sales - 1_339_800 / 12) * 0.25 + (case.records["household_expenses"].mean()
                                                                    - docs.claims.household_spending)
    assert flawed.expected - clean.expected == pytest.approx(12 * extra, abs=60)
    assert flawed.deviation > 0.2 and "还本 21,000 元" in flawed.explanation


def test_run_all_names_the_evidence_and_covers_seven_groups() -> None:
    results = cc.run_all(ml.casebook.load_case("C02"))
    assert {cc.METHODS[r.method].group for r in results} == set(range(1, 8))
    for r in results:
        assert r.explanation.startswith("证据：") and "示例参数" in r.explanation or r.method == "equity_check"
        assert r.name == cc.METHODS[r.method].name
    table = cc.to_frame(results)
    assert set(table["结论"]) <= {"一致", "需解释", "矛盾"}


def test_consumer_case_uses_payroll_not_sales() -> None:
    case = ml.casebook.load_case("C06")
    methods = {r.method for r in cc.run_all(case, with_flaws=False)}
    assert "salary_from_payroll" in methods
    assert not methods & {"sales_from_bank_flows", "sales_from_purchases", "inventory_count", "weighted_margin"}
