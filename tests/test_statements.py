"""Statements: hand-computed examples (domain §1) and hypothesis properties of the identities."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim.casebook import BALANCE_COLUMNS, Case
from microloan_sim.casebook import monthly_ledger
from microloan_sim.statements import BalanceSheet, month_profit


def _tiny_case(rows: list[dict[str, float]], **opening: float) -> Case:
    """A case whose records are exactly ``rows`` (other columns 0), built on C01's profile."""
    base = ml.casebook.load_case("C01")
    records = pd.DataFrame(0.0, index=pd.period_range("2025-01", periods=len(rows), freq="M"),
                           columns=base.records.columns)
    for i, row in enumerate(rows):
        for key, value in row.items():
            records.iloc[i, records.columns.get_loc(key)] = value
    start = {"cash_and_deposits": 0.0, "accounts_receivable": 0.0, "inventory": 0.0, "prepayments": 0.0,
             "accounts_payable": 0.0, "advances_received": 0.0, "fixed_assets": 0.0, "other_assets": 0.0,
             "household_assets": 0.0, "short_term_loans": 0.0, "informal_borrowing": 0.0,
             "long_term_liabilities": 0.0, "other_liabilities": 0.0, "household_liabilities": 0.0}
    start.update(opening)
    return replace(base, records=records, opening=base.opening.model_copy(update=start),
                   operating_expense_columns=("rent", "depreciation"))


def test_balance_sheet_worked_example() -> None:
    # domain §1.2: 30,000 + 20,000 + 5,000 + 80,000 = 135,000; + 60,000 + 10,000 = 205,000
    # 15,000 + 5,000 + 40,000 + 10,000 = 70,000; + 20,000 = 90,000; equity 115,000
    bs = BalanceSheet("2025-06-30", {"cash_and_deposits": 30_000, "accounts_receivable": 20_000,
                                     "prepayments": 5_000, "inventory": 80_000, "fixed_assets": 60_000,
                                     "other_assets": 10_000, "accounts_payable": 15_000, "advances_received": 5_000,
                                     "short_term_loans": 40_000, "informal_borrowing": 10_000,
                                     "long_term_liabilities": 20_000})
    assert bs.current_assets == 135_000
    assert bs.total_assets == 205_000
    assert bs.current_liabilities == 70_000
    assert bs.total_liabilities == 90_000
    assert bs.equity == 115_000
    assert bs.debt_ratio == pytest.approx(90 / 205)          # 43.90 %
    assert bs.current_ratio == pytest.approx(135 / 70)       # 192.86 %
    assert bs.quick_ratio == pytest.approx(50 / 70)          # 71.43 %: excludes prepaid and inventory
    frame = bs.to_frame()
    assert "所有者权益" in frame["负债及权益"].tolist()


def test_month_profit_worked_example() -> None:
    # domain §1.3: 100,000 − 75,000 = 25,000; − 9,000 − 2,000 = 14,000; − 5,000 − 1,000 = 8,000
    result = month_profit(100_000, 75_000, 9_000, 2_000, household_expenses=5_000, private_instalment=1_000)
    assert result == {"gross_profit": 25_000, "gross_margin": 0.25, "net_profit": 14_000, "disposable_income": 8_000}


def test_cash_vs_accrual_hand_example() -> None:
    # §1.1: March credit sale of 10,000 collected in April. Goods cost 6,000, bought in February on 30-day
    # credit (paid in March). Rent 1,000 a month, depreciation 200 a month.
    rows = [
        {"rent": 1_000, "depreciation": 200},                                          # Jan
        {"rent": 1_000, "depreciation": 200, "inventory": 6_000, "accounts_payable": 6_000},   # Feb: buy on credit
        {"revenue": 10_000, "cost_of_goods_sold": 6_000, "rent": 1_000, "depreciation": 200,
         "accounts_receivable": 10_000},                                               # Mar: sell on credit, pay supplier
        {"rent": 1_000, "depreciation": 200},                                          # Apr: collect
    ] + [{"rent": 1_000, "depreciation": 200}] * 8
    case = _tiny_case(rows, cash_and_deposits=50_000, fixed_assets=10_000)
    accrual = ml.statements.income_statement(case, "accrual").monthly
    cash = ml.statements.income_statement(case, "cash").monthly
    # accrual: March revenue 10,000, cost 6,000, expenses 1,200 -> profit 2,800; other months -1,200
    assert accrual["revenue"].tolist()[:4] == [0, 0, 10_000, 0]
    assert accrual["net_profit"].tolist()[:4] == [-1_200, -1_200, 2_800, -1_200]
    # cash: March pays the supplier 6,000; April collects 10,000; depreciation never appears
    assert cash["revenue"].tolist()[:4] == [0, 0, 0, 10_000]
    assert cash["cost_of_goods_sold"].tolist()[:4] == [0, 0, 6_000, 0]
    assert cash["net_profit"].tolist()[:4] == [-1_000, -1_000, -7_000, 9_000]
    flow = ml.statements.cash_flow(case)
    # 50,000 − 12 × 1,000 rent − 6,000 + 10,000 = 42,000
    assert flow.closing_cash == 42_000
    bs = ml.statements.balance_sheet(case)
    assert bs.items["cash_and_deposits"] == 42_000
    assert bs.items["fixed_assets"] == 10_000 - 12 * 200


def test_indirect_cash_flow_worked_example() -> None:
    # domain §1.4: net profit 14,000; AR +3,000; inventory +5,000; AP +2,000 -> cash generated 8,000
    rows = [{"revenue": 100_000, "cost_of_goods_sold": 75_000, "rent": 9_000, "business_loan_interest": 2_000,
             "accounts_receivable": 3_000, "inventory": 5_000, "accounts_payable": 2_000}] * 12
    case = _tiny_case(rows, cash_and_deposits=0)
    first = ml.statements.income_statement(case, "cash").monthly.iloc[0]
    assert ml.statements.income_statement(case).net_profit.iloc[0] == 14_000
    assert first["net_profit"] == 8_000
    assert ml.statements.cash_flow(case).monthly["net_cash_flow"].iloc[0] == 8_000


def test_equity_link_counts_principal_and_withdrawals() -> None:
    # 12 months: revenue 20,000, cost 12,000, rent 2,000, instalment 1,500 (1,000 principal + 500 interest),
    # household 3,000 -> disposable 1,500/month = 18,000. Principal repaid 12,000, withdrawal 5,000.
    # Opening equity: cash 30,000 + FA 0 − loan 20,000 = 10,000. Expected = 10,000 + 18,000 + 12,000 − 5,000 = 35,000.
    rows = [{"revenue": 20_000, "cost_of_goods_sold": 12_000, "rent": 2_000, "business_loan_interest": 500,
             "business_loan_principal": 1_000, "household_expenses": 3_000}] * 11
    rows.append({**rows[0], "withdrawals": 5_000})
    case = _tiny_case(rows, cash_and_deposits=30_000, short_term_loans=20_000)
    link = ml.statements.equity_link(case)
    assert link.opening_equity == 10_000
    assert link.cumulative_disposable == 18_000
    assert link.principal_repaid == 12_000
    assert link.expected_equity == 35_000
    assert link.actual_equity == pytest.approx(35_000)
    assert ml.statements.balance_sheet(case).items["short_term_loans"] == 8_000


def test_household_summary_farm_case() -> None:
    case = ml.casebook.load_case("C03")
    table = ml.statements.household_summary(case)
    assert {"养殖项目", "劳务项目", "所有经营情况合计"} <= set(table.index)
    last = case.records.iloc[-12:]
    assert table.loc["养殖项目", "年收入（元）"] == last["revenue"].sum()
    assert table.loc["劳务项目", "年收入（元）"] == last["other_income"].sum()
    total = table.loc["所有经营情况合计"]
    assert total["净收入（元）"] == pytest.approx(total["年收入（元）"] - total["年支出（元）"])


def test_household_balance_includes_the_farms_debts() -> None:
    """C03's interview and case file: a 100,000 元 农商行 loan and 20,000 元 from relatives at the opening date;
    household items 300,000 + 35,000 + 15,000 + 30,000 = 380,000 元 (domain §1.5: liabilities include 他行借款
    and 民间借款). The household's net worth must reconcile with the balance sheet's equity."""
    table = ml.statements.household_balance(ml.casebook.load_case("C03")).set_index("项目")["金额（元）"]
    assert table["银行借款"] == 100_000 and table["民间借款"] == 20_000
    assert table["负债合计"] == 120_000
    assert table[["房地产", "农机具", "家用电器", "交通工具"]].sum() == 380_000
    for case_id in ("C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09"):
        case = ml.casebook.load_case(case_id)
        rows = ml.statements.household_balance(case).set_index("项目")["金额（元）"]
        assert rows["净资产"] == pytest.approx(ml.statements.balance_sheet(case, at="opening").equity), case_id


def test_basis_aliases_and_bad_basis() -> None:
    case = ml.casebook.load_case("C01")
    assert ml.statements.income_statement(case, "权责发生制").basis == "accrual"
    with pytest.raises(ml.InputError, match="记账基础"):
        ml.statements.income_statement(case, "monthly")
    with pytest.raises(ml.InputError, match="资产负债表日期"):
        ml.statements.balance_sheet(case, at=99)


def test_every_line_item_has_a_chinese_label() -> None:
    case = ml.casebook.load_case("C02")
    for frame in (ml.statements.income_statement(case).to_frame(), ml.statements.cash_flow(case).to_frame(),
                  ml.statements.equity_link(case).to_frame()):
        for name in frame.index:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in name), name
    for name in ml.statements.ratios(case).index:
        assert ml.labels.label(name) != name


# --------------------------------------------------------------------------- properties

money = st.floats(min_value=0, max_value=500_000, allow_nan=False)


@st.composite
def random_case(draw: st.DrawFn) -> Case:
    n = draw(st.integers(min_value=12, max_value=18))
    columns = ["revenue", "cost_of_goods_sold", "rent", "depreciation", "business_loan_interest",
               "business_loan_principal", "loan_drawdown", "loan_repayment", "capex", "other_income",
               "household_expenses", "private_loan_interest", "private_loan_principal", "injections", "withdrawals",
               "appreciation", *BALANCE_COLUMNS]
    rows = [{c: draw(money) for c in columns} for _ in range(n)]
    opening = {k: draw(money) for k in ("cash_and_deposits", "accounts_receivable", "inventory", "prepayments",
                                         "accounts_payable", "advances_received", "fixed_assets",
                                         "short_term_loans", "household_liabilities")}
    return _tiny_case(rows, **opening)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_case())
def test_identities_hold_for_any_records(case: Case) -> None:
    scale = 1e-6 * (1 + float(case.records.abs().to_numpy().sum()))
    flow = ml.statements.cash_flow(case).monthly
    # opening cash + net flows = closing cash, and each month opens with last month's close
    assert flow["closing_cash"].iloc[-1] == pytest.approx(case.opening.cash_and_deposits + flow["net_cash_flow"].sum(), abs=scale)
    assert np.allclose(flow["opening_cash"].iloc[1:].to_numpy(), flow["closing_cash"].iloc[:-1].to_numpy(), atol=scale)
    inflows = flow[["collections", "other_income", "loan_drawdown", "injections"]].sum(axis=1)
    outflows = flow[["supplier_payments", "operating_expenses_paid", "business_loan_payments", "loan_repayment",
                     "household_expenses", "private_loan_payments", "capex", "withdrawals"]].sum(axis=1)
    assert np.allclose(inflows + outflows, flow["net_cash_flow"], atol=scale)
    # assets = liabilities + equity, at every month end
    for at in ("opening", 0, len(case.records) // 2, "closing"):
        bs = ml.statements.balance_sheet(case, at)
        assert bs.total_assets == pytest.approx(bs.total_liabilities + bs.equity, abs=scale)
    # cash profit − accrual profit = depreciation − Δ working capital, month by month
    accrual = ml.statements.income_statement(case, "accrual").net_profit
    cash = ml.statements.income_statement(case, "cash").net_profit
    led = monthly_ledger(case)
    assert np.allclose(cash - accrual, led["depreciation"] - led["working_capital_change"], atol=scale)
    # the equity link closes exactly
    assert ml.statements.equity_link(case).difference == pytest.approx(0, abs=scale)


@settings(max_examples=25, deadline=None)
@given(case_id=st.sampled_from([f"C0{i}" for i in range(1, 10)]), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_variants_keep_every_identity(case_id: str, seed: int) -> None:
    case = ml.casebook.load_case(case_id, variant=seed)
    flow = ml.statements.cash_flow(case)
    assert flow.lowest_cash >= 0
    bs = ml.statements.balance_sheet(case)
    assert bs.total_assets == pytest.approx(bs.total_liabilities + bs.equity)
    assert bs.items["cash_and_deposits"] == pytest.approx(flow.closing_cash)
    assert ml.statements.equity_link(case).difference == pytest.approx(0, abs=1e-6)
    led = monthly_ledger(case)
    diff = ml.statements.income_statement(case, "cash").net_profit - ml.statements.income_statement(case).net_profit
    assert np.allclose(diff, led["depreciation"] - led["working_capital_change"])


def test_cash_basis_lines_say_what_was_collected_and_paid() -> None:
    """Domain §1.4: on the cash basis revenue is what was collected (销售收现) and cost what was paid to
    suppliers (采购付现); the accrual statement keeps 销售收入 and 可变成本."""
    case = ml.casebook.load_case("C01")
    cash = ml.statements.income_statement(case, "cash").to_frame()
    accrual = ml.statements.income_statement(case, "accrual").to_frame()
    assert list(cash.index[:2]) == ["销售收现", "采购付现"]
    assert list(accrual.index[:2]) == ["销售收入", "可变成本（销货成本）"]
    assert "销售收入" not in cash.index


def test_sales_margin_does_not_subtract_principal() -> None:
    """C04's interview: a 60,000 元 经营贷, 24 期等额本息 at 2,643 元 a month. Its principal repayments are a use
    of cash, not a cost, so 销售利润率 adds them back to the IPC net profit (domain §1.3: 净利润 = 毛利 − 经营费用
    − 分期还款(经营) is the disposable-income line, not a margin)."""
    case = ml.casebook.load_case("C04")
    records = case.records
    pnl = ml.statements.income_statement(case).monthly
    principal = float(records["business_loan_principal"].sum())
    assert principal > 0
    profit_before_principal = float(pnl["net_profit"].sum()) + principal
    expected = profit_before_principal / float(records["revenue"].sum())
    assert ml.statements.ratios(case)["net_margin"] == pytest.approx(expected)
    last = slice(len(records) - 12, len(records))  # the working-capital formula uses the last twelve months
    last_profit = float(pnl["net_profit"].iloc[last].sum()) + float(records["business_loan_principal"].iloc[last].sum())
    assert ml.sizing.case_working_capital(case).profit_margin == pytest.approx(
        last_profit / float(records["revenue"].iloc[last].sum()))


def test_a_salary_that_is_the_main_income_is_not_other_income() -> None:
    """C06 is a salaried nurse (income_source 工资性项目, domain §1.5): her wages are her main income, so the
    income statement names the line 工资收入, not 家庭其他收入; a shop owner's side income stays 家庭其他收入."""
    c06 = ml.statements.income_statement(ml.casebook.load_case("C06")).to_frame()
    assert "工资收入（主要收入）" in c06.index and "家庭其他收入" not in c06.index
    c01 = ml.statements.income_statement(ml.casebook.load_case("C01")).to_frame()
    assert "家庭其他收入" in c01.index
