"""Product catalogue (domain §6, course 第五部分): loading and validation, rules on cases, comparison, Excel."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import microloan_sim as ml
from microloan_sim import InputError
from microloan_sim.products import (
    CATALOGUE_DIR,
    CATEGORIES,
    assess,
    bank_assumptions,
    catalogue_table,
    compare,
    get,
    load_catalogue,
    product_terms,
    to_excel,
)
from microloan_sim.schedules import schedule, to_display


@pytest.fixture(scope="module")
def c01() -> ml.casebook.Case:
    return ml.casebook.load_case("C01")


@pytest.fixture(scope="module")
def c02() -> ml.casebook.Case:
    return ml.casebook.load_case("C02")


@pytest.fixture(scope="module")
def c03() -> ml.casebook.Case:
    return ml.casebook.load_case("C03")


# --------------------------------------------------------------------------- the bundled catalogue

def test_catalogue_covers_course_part_five() -> None:
    catalogue = load_catalogue()
    names = {p.name for p in catalogue.values()}
    assert {p.category for p in catalogue.values()} == set(CATEGORIES)
    ten = ["信易贷", "政采贷", "民营医院贷", "银税互动贷", "出口退税质押贷", "扫码贷", "账户流量贷", "口碑贷",
           "订单质押小额贷款", "应收账款质押贷款"]
    assert set(ten) <= names
    assert {"有房贷", "有车贷", "有薪贷", "亲情贷"} <= names
    assert {"风险补偿资金池贷款", "财政贴息贷款", "创业担保贷款", "政府性融资担保贷款", "总对总批量担保贷款",
            "农担贷（新农直通贷）", "保证保险贷款", "活体抵押贷（生猪、牛羊）", "互联网信用贷（全流程线上）"} <= names
    assert len(catalogue) >= 30


def test_every_number_is_marked_illustrative() -> None:
    for product in load_catalogue().values():
        assert product.illustrative, product.id
        shares = product.risk_sharing
        assert shares.bank + shares.guarantor + shares.insurer + shares.government_pool == pytest.approx(1.0)
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        assert "示例参数" in path.read_text(encoding="utf-8"), path.name
    table = catalogue_table()
    assert (table["示例参数"] == "是").all()
    terms = product_terms(get("batch_guarantee_loan"))
    assert dict(zip(terms["项目"], terms["取值"]))["风险分担"] == "银行 20%，担保机构 80%"
    assert "示例参数" in terms["取值"].iloc[-1]


def test_bank_assumptions_are_loaded_from_yaml() -> None:
    bank = bank_assumptions()
    assert (bank.default_pd, bank.default_lgd) == (0.03, 0.6)
    assert 0 < bank.funding_rate < 0.1


def test_get_and_unknown_ids() -> None:
    product = get("account_flow_loan")
    assert product.name == "账户流量贷"
    assert get(product) is product
    with pytest.raises(InputError, match="产品编号：没有编号为“nope”的产品"):
        get("nope")


def test_risk_pool_capacity_domain_example() -> None:
    # Domain §6.2: pool 5,000,000 × 10 = 50,000,000 of loans.
    pool = get("risk_pool_loan").risk_pool
    assert pool is not None and pool.capacity == 50_000_000


# --------------------------------------------------------------------------- rules against cases

def test_salary_loan_for_c01(c01: ml.casebook.Case) -> None:
    # The husband's wage is 4,600 a month (工资性项目): 4,600 × 15 = 69,000, below the 300,000 cap and below
    # what 70 % of the 月可支配资金 can repay over 36 months.
    fit = assess("salary_loan", c01)
    assert fit.eligible
    assert fit.amount == pytest.approx(69_000)
    assert fit.binding == "月工资 × 倍数"
    assert list(fit.limits["规则"]) == ["产品最高额度", "月工资 × 倍数", "还款能力（月供 ≤ 月可支配资金 × 比例）"]


def test_collateral_based_limits(c01: ml.casebook.Case, c02: ml.casebook.Case, c03: ml.casebook.Case) -> None:
    # C02 pledges 300,000 of receivables: × 60 % = 180,000.
    receivables = assess("receivables_pledge_loan", c02)
    assert receivables.eligible and receivables.amount == pytest.approx(180_000)
    # C03 sold the whole herd in December (all-in/all-out), so at application there is no herd to pledge:
    # the livestock loan is not available now, only a guarantee.
    livestock = assess("livestock_mortgage_loan", c03)
    assert not livestock.eligible and livestock.amount == 0
    # Once the next batch is in, 150,000 of chipped hogs × 50 % = 75,000 (domain §6.5 uses the same 50 % LTV).
    stocked = dataclasses.replace(c03, collateral=[*c03.collateral, type(c03.collateral[0])(
        type="活体", description="新一批育肥猪（佩戴电子耳标）", value=150_000)])
    restocked = assess("livestock_mortgage_loan", stocked)
    assert restocked.eligible and restocked.amount == pytest.approx(75_000)
    # C01's flat of 620,000 × 20 % = 124,000 (有房贷, no mortgage registered).
    house = assess("house_owner_loan", c01)
    assert house.amount == pytest.approx(124_000) and house.binding == "家庭资产价值 × 系数"
    # C01 offers only a guarantor: no receivables pledge.
    refused = assess("receivables_pledge_loan", c01)
    assert not refused.eligible
    assert refused.reasons == ["提供应收账款：客户提供的担保/抵质押：保证人"]


def test_flow_and_tax_based_limits(c01: ml.casebook.Case) -> None:
    collections = float(ml.statements.cash_flow(c01).monthly["collections"].sum())
    assert collections == 1_338_500
    flow = assess("account_flow_loan", c01)
    assert flow.amount == pytest.approx(1_338_500 * 0.15) == 200_775  # below the 5,000,000 cap
    assert assess("bank_tax_loan", c01).amount == pytest.approx(7_800 * 10)  # taxes paid in the year × 10


def test_segment_and_industry_rules(c01: ml.casebook.Case, c03: ml.casebook.Case) -> None:
    assert not assess("agri_guarantee_loan", c01).eligible
    assert assess("agri_guarantee_loan", c03).eligible
    hospital = assess("private_hospital_loan", c01)
    assert not hospital.eligible
    assert any("行业：零售（便利店）" in reason for reason in hospital.reasons)


def test_seasonal_products_repay_in_sales_months(c03: ml.casebook.Case) -> None:
    # The farmer sells in June and December; the new loan repays in those months only.
    plan = get("agri_guarantee_loan").schedule(100_000, 12, c03)
    assert plan.loc[plan["principal"] > 0, "period"].tolist() == [6, 12]
    assert plan["principal"].sum() == pytest.approx(100_000)
    # Without a borrower the product repays at maturity.
    assert get("agri_guarantee_loan").schedule(100_000, 12)["principal"].iloc[:-1].sum() == 0


def test_seasonal_repayment_is_feasible_where_instalments_are_not(c03: ml.casebook.Case) -> None:
    ids = ["agri_guarantee_loan", "gov_guarantee_loan"]
    renewed = compare(ids, 100_000, 12, borrower=c03, replace_existing_loans=True).set_index("产品编号")
    assert renewed.loc["agri_guarantee_loan", "现金流可行"] == "是"
    assert renewed.loc["gov_guarantee_loan", "现金流可行"] == "否"  # 等额本息 starves the months without sales
    assert renewed.loc["gov_guarantee_loan", "最低现金（元）"] < 0
    # C03's old loan was repaid in the record year, so there is nothing left to replace: on top = renewed.
    on_top = compare(ids, 100_000, 12, borrower=c03).set_index("产品编号")
    assert (on_top["最低现金（元）"] == renewed["最低现金（元）"]).all()
    assert on_top.loc["agri_guarantee_loan", "现金流可行"] == "是"


def test_a_loan_repaid_in_the_records_is_not_repaid_again(c03: ml.casebook.Case) -> None:
    """C03's interview: the 100,000 元 农商行 loan (interest about 480 元 a month) was repaid in full after the
    December sale. Replaying the record year must not repay it a second time, nor keep paying its interest
    (domain §1.4: the projection is the cash-flow statement carried forward)."""
    from microloan_sim.statements import projected_cash as _projection
    from microloan_sim.statements import cash_flow

    _, closing, service = _projection(c03, 12)
    assert not service.any()  # no bank loan is left to service
    history = cash_flow(c03).monthly["closing_cash"].iloc[-1]
    assert closing[-1] == pytest.approx(history + 100_000 + 12 * 480)
    # With the default (new loan on top of existing debt) C03 is no longer infeasible for every product.
    table = compare(list(ml.products.load_catalogue()), 120_000, borrower=c03)
    assert (table["现金流可行"] == "是").any()
    # A borrower whose loans stay outstanding keeps its service (C04 repays its business loan monthly).
    c04 = ml.casebook.load_case("C04")
    _, _, c04_service = _projection(c04, 12)
    assert c04_service.sum() > 0


# --------------------------------------------------------------------------- comparison

def test_compare_borrower_view() -> None:
    table = compare(["startup_guarantee_loan", "installment_flat_fee", "online_offline_loan"], 100_000, 12)
    rows = table.set_index("产品编号")
    # 创业担保贷款: 3.5 % contract, 2 points subsidised → the borrower's cost is 1.5 %.
    assert rows.loc["startup_guarantee_loan", "名义年利率"] == 0.035
    assert rows.loc["startup_guarantee_loan", "年化利率（IRR）"] == pytest.approx(0.015, abs=1e-5)
    # “0 利息” with a 0.6 % monthly fee: nominal 0, IRR about 13 % (hand bracket in test_pricing).
    assert rows.loc["installment_flat_fee", "名义年利率"] == 0
    assert 0.129 < rows.loc["installment_flat_fee", "年化利率（IRR）"] < 0.131
    assert rows.loc["installment_flat_fee", "总成本（元）"] == 7200.0
    # A fee-free 6 % 等额本息 product: IRR = simple = nominal; first payment = PMT(0.5 %, 12, 100,000) = 8,606.64.
    assert rows.loc["online_offline_loan", "年化利率（IRR）"] == pytest.approx(0.06, abs=1e-6)
    assert rows.loc["online_offline_loan", "首期还款（元）"] == 8606.64
    assert rows.loc["online_offline_loan", "示例参数"] == "是"


def test_compare_bank_view_domain_examples() -> None:
    # Domain §6.2: a 400,000 principal loss with the pool paying 50 % → the bank bears 200,000.
    pool = compare(["risk_pool_loan"], 400_000, 12, pd=1.0, lgd=1.0).iloc[0]
    assert pool["预期损失（元）"] == 400_000
    assert pool["银行承担损失（元）"] == 200_000 == pool["其他方承担损失（元）"]
    # Domain §6.3: a 1,000,000 default under 总对总 (bank 20 %) → the bank bears 200,000.
    batch = compare(["batch_guarantee_loan"], 1_000_000, 12, pd=1.0, lgd=1.0).iloc[0]
    assert batch["银行承担损失（元）"] == 200_000
    # Default PD 3 % and LGD 60 % (示例参数): 100,000 × 0.03 × 0.6 = 1,800 expected loss.
    plain = compare(["online_offline_loan"], 100_000, 12).iloc[0]
    assert plain["预期损失（元）"] == pytest.approx(1800)
    assert plain["银行承担损失（元）"] == pytest.approx(1800)


def test_compare_bank_net_income_by_hand() -> None:
    # 等额本金 at 0 % with a 0.6 % monthly fee on 100,000 (operating cost 200 元 in the YAML):
    # fees 7,200; funding 2 % × average balance 54,166.67 × 1 year = 1,083.33; expected loss 1,800.
    # Net = 7,200 − 1,083.33 − 200 − 1,800 = 4,116.67.
    row = compare(["installment_flat_fee"], 100_000, 12).iloc[0]
    assert row["银行净收益（元）"] == pytest.approx(4116.67, abs=0.01)


def test_compare_with_a_borrower(c01: ml.casebook.Case) -> None:
    table = compare(["online_offline_loan", "salary_loan"], 100_000, 12, borrower=c01)
    disposable = ml.statements.income_statement(c01).average_disposable_income
    first = table.set_index("产品编号").loc["online_offline_loan"]
    assert first["首期还款/月可支配资金"] == pytest.approx(8606.64 / disposable)
    assert first["符合准入"] == "是"
    assert set(table["现金流可行"]) <= {"是", "否"}
    assert {"可贷额度（元）", "最低现金（元）"} <= set(table.columns)


def test_edited_product_is_validated(c01: ml.casebook.Case) -> None:
    product = get("online_offline_loan")
    costly = product.with_changes(upfront_fee=0.03)
    assert costly.upfront_fee == 0.03 and product.upfront_fee == 0.0
    rows = compare([product, costly], 100_000, 12)
    assert rows["年化利率（IRR）"].iloc[1] > rows["年化利率（IRR）"].iloc[0]
    with pytest.raises(InputError, match="upfront_fee：不能小于下限 0"):
        product.with_changes(upfront_fee=-0.01)
    with pytest.raises(InputError, match="rate：超过上限 1"):
        product.with_changes(rate=7.2)


def test_compare_bad_input() -> None:
    with pytest.raises(InputError, match="贷款本金：必须大于 0"):
        compare(["online_offline_loan"], 0, 12)
    with pytest.raises(InputError, match="请至少选择一个产品"):
        compare([], 100_000, 12)
    with pytest.raises(InputError, match="违约概率 PD：不能大于 1"):
        compare(["online_offline_loan"], 100_000, 12, pd=1.5)
    with pytest.raises(InputError, match="期限（月）：应为正整数"):
        compare(["online_offline_loan"], 100_000, 0)
    with pytest.raises(InputError, match="产品“信易贷”：.*实际到手金额为 0.00 元"):
        compare([get("xinyidai").with_changes(upfront_fee=1.0)], 100_000, 12)


# --------------------------------------------------------------------------- Excel

def test_excel_round_trip(tmp_path: Path) -> None:
    table = compare(["online_offline_loan", "installment_flat_fee"], 100_000, 12)
    plan = to_display(schedule(100_000, 0.072, 12))
    target = to_excel({"产品比较": table, "还款计划": plan}, tmp_path / "out" / "比较.xlsx")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["产品比较", "还款计划"]
    sheet = book["还款计划"]
    assert [c.value for c in sheet[1]] == list(plan.columns)
    assert sheet["B2"].value == 8661.9 and sheet["E13"].value == 0
    compared = book["产品比较"]
    header = [c.value for c in compared[1]]
    irr_cell = compared.cell(row=3, column=header.index("年化利率（IRR）") + 1)
    assert irr_cell.number_format == "0.00%"
    assert irr_cell.value == pytest.approx(table["年化利率（IRR）"].iloc[1])
    back = pd.read_excel(target, sheet_name="产品比较")
    assert back["产品"].tolist() == table["产品"].tolist()


def test_excel_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="导出文件：文件名应以 .xlsx 结尾"):
        to_excel({"a": pd.DataFrame({"x": [1]})}, tmp_path / "a.csv")
    with pytest.raises(InputError, match="没有可导出的表格"):
        to_excel({}, tmp_path / "a.xlsx")


# --------------------------------------------------------------------------- broken catalogue files

GOOD = """\
# 测试用产品（示例参数）
category: digital
products:
  - id: demo
    name: 示例贷
    rate: 0.072
    method: 等额本息
    months: 12
    risk_sharing: {bank: 0.2, guarantor: 0.8}
    sizing:
      - {kind: max_amount, amount: 100000}
"""


def write(folder: Path, text: str, name: str = "demo.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_good_file_loads(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path / "ok", GOOD))
    assert list(catalogue) == ["demo"]
    assert catalogue["demo"].method == "equal_installment"
    assert catalogue["demo"].category == "digital"


@pytest.mark.parametrize("text, words", [
    (GOOD.replace("months: 12", "months: [12"), r"文件 demo\.yaml：YAML 格式错误（第 \d+ 行"),
    (GOOD.replace("guarantor: 0.8", "guarantor: 0.7"),
     "文件 demo.yaml：products.0.risk_sharing：产品 demo 的风险分担比例之和应为 1，当前为 0.9"),
    (GOOD.replace("bank: 0.2", "bank: 0.3"), "风险分担比例之和应为 1，当前为 1.1"),
    (GOOD.replace("months: 12", "months: 12\n    colour: red"), "文件 demo.yaml：products.0.colour：未知字段"),
    (GOOD.replace("等额本息", "随心还"), "products.0.method：还款方式：不支持“随心还”"),
    (GOOD.replace("rate: 0.072", "rate: 7.2"), "products.0.rate：超过上限 1"),
    (GOOD.replace("rate: 0.072", "rate: 百分之七"), "products.0.rate：应为数字"),
    (GOOD.replace("months: 12", "months: 0"), "products.0.months：必须大于下限 0"),
    (GOOD.replace("max_amount, amount: 100000", "annual_flow, item: revenue"),
     "products.0.sizing.0：规则 annual_flow 缺少参数：coefficient"),
    (GOOD.replace("max_amount, amount: 100000", "annual_flow, item: profit, coefficient: 0.1"),
     "annual_flow 的 item 应为"),
    (GOOD.replace("max_amount", "magic_amount"), "products.0.sizing.0.kind：取值不在允许范围内"),
    (GOOD.replace("method: 等额本息", "method: 先息后本").replace(
        "max_amount, amount: 100000", "repayment_capacity, share: 0.7"), "还款能力规则（repayment_capacity）只适用于"),
    (GOOD.replace("category: digital", "category: magic"), "文件 demo.yaml：category：取值不在允许范围内（收到 'magic'）"),
    (GOOD.replace("    name: 示例贷\n", ""), "products.0.name：缺少此字段"),
    ("category: digital\nproducts: []\n", "products：条目太少"),
    ("- just\n- a list\n", "内容应为键值表"),
])
def test_broken_product_files_name_the_file_and_key(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        load_catalogue(write(tmp_path / "bad", text))


def test_duplicate_ids_and_empty_folders(tmp_path: Path) -> None:
    folder = write(write(tmp_path / "dup", GOOD, "a.yaml"), GOOD, "b.yaml")
    with pytest.raises(InputError, match="文件 b.yaml：products.0.id：产品编号“demo”重复"):
        load_catalogue(folder)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="没有产品文件"):
        load_catalogue(tmp_path / "empty")


def test_property_insurance_is_a_recovery_on_its_event_not_a_share_of_credit_loss() -> None:
    """Livestock and crop insurance (养殖/种植保险) pays for animal deaths or yield loss, not for default
    (domain §6.4–§6.5: only 保证保险 carries credit loss). By hand for 活体抵押贷 at 100,000 元, PD 3 %, LGD 60 %
    (示例参数 of _bank.yaml): expected loss 1,800 元; 40 % of defaults come from the insured event and the
    indemnity recovers 80 % of their loss: 1,800 × 0.32 = 576 元 recovered, the bank bears 1,224 元."""
    livestock = get("livestock_mortgage_loan")
    assert livestock.risk_sharing.insurer == 0 and livestock.insured_peril is not None
    assert get("agri_insurance_credit").risk_sharing.insurer == 0
    row = compare(["livestock_mortgage_loan"], 100_000).iloc[0]
    assert row["预期损失（元）"] == pytest.approx(1_800)
    assert row["保险赔付（元）"] == pytest.approx(576)
    assert row["银行承担损失（元）"] == pytest.approx(1_224)
    # 保证保险 still shares the credit loss itself: the insurer carries 70 % of it.
    guarantee = compare(["guarantee_insurance_loan"], 100_000).iloc[0]
    assert guarantee["保险赔付（元）"] == 0 and guarantee["银行承担损失（元）"] == pytest.approx(540)
    with pytest.raises(InputError, match="不赔违约"):
        livestock.with_changes(risk_sharing={"bank": 0.6, "insurer": 0.4})


def test_an_all_in_cost_above_the_warning_line_is_flagged() -> None:
    """助贷平台合作贷 costs about 24.5 % a year all-in: above the 24 % line often quoted (domain §6.4, ⚠️ kept as
    a 示例参数 in _bank.yaml), so the comparison warns; a 6 % 等额本息 product does not."""
    table = compare(["platform_loan", "online_offline_loan"], 100_000, 12).set_index("产品编号")
    assert table.loc["platform_loan", "年化利率（IRR）"] > 0.24
    assert "超过 24%" in table.loc["platform_loan", "成本警示"]
    assert table.loc["online_offline_loan", "成本警示"] == "无"


def test_products_are_defined_by_who_may_borrow() -> None:
    """Eligibility that defines a product:
    - 创业担保贷款 lends only to its target groups (财金〔2020〕21号 第六条): C07 (a 2021 graduate) yes, C01 no;
    - 银税互动贷 needs a 纳税信用 A/B (or M) level (银税互动, 国家税务总局 / 银监会 2015): C01 (B) yes, C04 (not rated) no;
    - 青年创业贷 is for people starting a business, not a salaried nurse (C06)."""
    c01, c04, c06, c07 = (ml.casebook.load_case(c) for c in ("C01", "C04", "C06", "C07"))
    assert assess("startup_guarantee_loan", c07).eligible
    startup = assess("startup_guarantee_loan", c01)
    assert not startup.eligible and "不属于任何扶持对象" in startup.checks.to_string()
    assert assess("bank_tax_loan", c01).eligible
    tax = assess("bank_tax_loan", c04)
    assert not tax.eligible and "未参加纳税信用评价" in tax.checks.to_string()
    assert not assess("youth_startup_loan", c06).eligible
    assert "逾期不超过 0 次" not in product_terms(get("startup_guarantee_loan")).to_string()
    with pytest.raises(InputError, match="未知取值"):
        get("bank_tax_loan").with_changes(eligibility=[{"kind": "tax_credit", "allowed": ["AAA"]}])


def test_compare_rows_are_worked_out_once_and_never_shared() -> None:
    """A comparison is remembered by its inputs (every page of a class shows the same ones): the same inputs give
    an equal table, changing the returned table changes nothing later, and an edited fee is a new row.
    Hand check: 创业担保贷款 200,000 元 12 个月 at 3.5 % with the 2 个百分点 subsidy, interest only → the
    borrower pays 1.5 % a year, 3,000 元."""
    first = compare(["startup_guarantee_loan"], 200_000, 12)
    assert first.loc[0, "总成本（元）"] == pytest.approx(3_000.0)
    first.loc[0, "总成本（元）"] = -1.0
    again = compare(["startup_guarantee_loan"], 200_000, 12)
    assert again.loc[0, "总成本（元）"] == pytest.approx(3_000.0)
    dearer = get("startup_guarantee_loan").with_changes(interest_subsidy=0.0)
    # without the subsidy: 200,000 × 3.5 % ÷ 12 = 583.33 元 a month (to the fen) × 12 = 6,999.96 元
    assert compare([dearer], 200_000, 12).loc[0, "总成本（元）"] == pytest.approx(6_999.96)
