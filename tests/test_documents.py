"""Case documents: tie-outs to the records (hand examples), determinism, snapshots, bad input, answer keys.

Every expected value in the hand examples is worked out from the case files in the comment beside it.
"""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

import microloan_sim as ml
from microloan_sim import crosscheck as cc
from microloan_sim import documents as dm
from microloan_sim import offsite
from microloan_sim.casebook import Case
from microloan_sim.errors import InputError

REPO = Path(__file__).resolve().parents[1]
CASES = tuple(ml.casebook.list_cases()["id"])


def _load(case_id: str, variant: int | None = None) -> Case:
    return ml.casebook.load_case(case_id, variant=variant)


def _collections(case: Case) -> np.ndarray:
    return np.maximum(ml.statements.cash_flow(case).monthly["collections"].to_numpy(), 0.0)


def _by_month(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
    chosen = frame[mask]
    return chosen["amount"].groupby(chosen["date"].dt.to_period("M")).sum()


# --------------------------------------------------------------------------- hand examples (C01)

def test_c01_bank_sales_inflows_are_collections_times_account_share() -> None:
    case = _load("C01")
    docs = dm.build_documents(case)
    sales = docs.bank_categories == "sales"
    # Σ collections = Σ revenue − ΔAR = 1,339,800 − (5,900 − 4,600) = 1,338,500 元; 70% through the account.
    assert docs.bank_transactions.loc[sales, "amount"].sum() == pytest.approx(0.7 * 1_338_500, abs=0.01)
    # January: revenue 141,750, AR 4,600 → 7,100, so collections 139,250 元 and 97,475 元 paid in.
    january = _by_month(docs.bank_transactions, sales)
    assert january.iloc[0] == pytest.approx(97_475.0, abs=0.005)
    # The channels split as in investigation.yaml: 45% 微信, 25% 支付宝, 10% transfers, 20% 食堂.
    wechat = docs.bank_transactions["counterparty"] == "财付通支付科技有限公司"
    assert docs.bank_transactions.loc[wechat, "amount"].sum() == pytest.approx(0.45 * 0.7 * 1_338_500, abs=0.05)


def test_c01_planted_flows_are_the_only_difference_in_inflows() -> None:
    case = _load("C01")
    flawed, clean = dm.build_documents(case), dm.build_documents(case, with_flaws=False)
    inflow = lambda d: d.bank_transactions.loc[d.bank_transactions["amount"] > 0, "amount"].sum()  # noqa: E731
    planted = flawed.bank_transactions[flawed.bank_categories == "planted"]
    # The only planted inflows are the two window-dressing transfers from a same-surname person.
    assert inflow(flawed) - inflow(clean) == pytest.approx(planted.loc[planted["amount"] > 0, "amount"].sum())
    assert (planted["amount"] > 0).sum() == 2 and (clean.bank_categories == "planted").sum() == 0
    hidden = next(p for p in dm.planted_flaws(case) if p.kind == "hidden_debt")
    repayments = planted[planted["counterparty"] == "周海涛"]
    assert len(repayments) == 12 and (repayments["amount"] == -hidden.values["monthly_payment"]).all()
    # Household spending through the account: half of the rest of household spending (H − P).
    household = flawed.bank_transactions.loc[flawed.bank_categories == "household", "amount"].sum()
    expected = 0.5 * (case.records["household_expenses"].sum() - 12 * hidden.values["monthly_payment"])
    assert -household == pytest.approx(expected, abs=0.05)


def test_c01_inventory_purchases_and_fixed_assets_tie_to_the_records() -> None:
    case = _load("C01")
    docs = dm.build_documents(case)
    # Counted inventory = December inventory in monthly_records.csv.
    assert docs.inventory_count["amount"].sum() == pytest.approx(200_400, abs=0.005)
    assert (docs.inventory_count["quantity"] * docs.inventory_count["unit_cost"]).round(2).sum() == \
        pytest.approx(200_400, abs=0.01)
    # Purchases = Σ cost of goods sold + closing − opening inventory = 1,004,849 + 200,400 − 150,000.
    assert docs.purchase_invoices["amount"].sum() == pytest.approx(1_055_249, abs=0.01)
    # Fixed assets: 42,000 + 18,000 (冷柜) − 12 × 600 depreciation = 52,800.
    assert docs.fixed_assets["current_value"].sum() == pytest.approx(52_800, abs=0.005)
    assert "立式四门冷柜" in set(docs.fixed_assets["item"])
    # Electricity bills = the P&L line (2,100 or 1,500 元 a month); kWh at 0.85 元.
    assert docs.utility_bills["amount"].tolist() == case.records["electricity"].tolist()
    assert docs.utility_bills["kwh"].iloc[0] == round(2_100 / 0.85)
    # Tax under 定期定额: quarterly quota 3 × 40,000; tax = the P&L line 3 × 650.
    assert docs.tax_records["declared_sales"].tolist() == [120_000] * 4
    assert docs.tax_records["tax"].tolist() == [1_950] * 4


def test_c01_claims_equal_the_truth_without_flaws() -> None:
    case = _load("C01")
    claims = dm.build_documents(case, with_flaws=False).claims
    assert claims.monthly_sales == 111_650  # 1,339,800 / 12
    assert claims.gross_margin == pytest.approx(0.25, abs=1e-4)
    assert claims.household_spending == round(92_800 / 12)  # 7,733
    assert claims.inventory == 200_400
    assert claims.debts["balance"].tolist() == [80_000, 24_000]  # 农商行; car loan 45,000 − 12 × 1,750
    assert claims.monthly_debt_service == 2_400
    flawed = dm.build_documents(case).claims
    assert flawed.monthly_sales > 1.45 * claims.monthly_sales and flawed.inventory > 1.4 * claims.inventory


# --------------------------------------------------------------------------- every case, every variant

@pytest.mark.parametrize("case_id", CASES)
def test_documents_tie_out_for_canonical_and_variants(case_id: str) -> None:
    for variant in (None, 3, 17):
        case = _load(case_id, variant)
        docs = dm.build_documents(case)
        r = case.records
        share = docs.facts.account_share
        base = r["other_income"].to_numpy() if case.segment == "consumer" else _collections(case)
        sales = docs.bank_categories == "sales"
        monthly = _by_month(docs.bank_transactions, sales).reindex(r.index, fill_value=0.0).to_numpy()
        np.testing.assert_allclose(monthly, np.round(base * share, 2), atol=0.011)
        assert docs.bank_transactions["date"].is_monotonic_increasing
        assert (docs.bank_transactions["amount"] != 0).all()
        assert docs.inventory_count["amount"].sum() == pytest.approx(r["inventory"].iloc[-1], abs=0.01)
        closing = ml.statements.balance_sheet(case)
        assert docs.fixed_assets["current_value"].sum() == pytest.approx(closing.items["fixed_assets"], abs=0.01)
        if not docs.purchase_invoices.empty:
            bought = r["cost_of_goods_sold"].sum() + r["inventory"].iloc[-1] - case.opening.inventory
            assert docs.purchase_invoices["amount"].sum() == pytest.approx(bought, abs=0.05)
        if not docs.utility_bills.empty:
            assert docs.utility_bills["amount"].sum() == pytest.approx(r["electricity"].sum())
        if r["taxes"].sum() > 0 and not docs.tax_records.empty:
            assert docs.tax_records["tax"].sum() == pytest.approx(r["taxes"].sum())
        clean = dm.build_documents(case, with_flaws=False)
        assert clean.claims.household_spending == round(r["household_expenses"].mean())
        assert (clean.bank_categories == "planted").sum() == 0
        assert len({d.month for d in [docs.bank_transactions["date"].dt.to_period("M").iloc[0]]}) == 1
        assert docs.bank_transactions["date"].dt.to_period("M").nunique() == len(r)


def test_documents_are_deterministic_and_variants_differ() -> None:
    a = dm.build_documents(_load("C04", 7))
    dm.generate._build.cache_clear()
    b = dm.build_documents(_load("C04", 7))
    assert a is not b
    for name in dm.DOCUMENT_FILES:
        left, right = a._frame(name), b._frame(name)
        assert left is not None and right is not None and left.equals(right), name
    c = dm.build_documents(_load("C04", 8))
    assert not a.bank_transactions.equals(c.bank_transactions)
    assert dm.planted_flaws(_load("C04", 7))[0].values != dm.planted_flaws(_load("C04", 8))[0].values


@pytest.mark.parametrize("case_id", CASES)
def test_committed_snapshots_equal_a_fresh_generation(case_id: str, tmp_path: Path) -> None:
    case = _load(case_id)
    stored = dm.snapshot_folder(case)
    fresh = dm.export_documents(case, tmp_path)
    assert sorted(p.name for p in stored.glob("*")) == sorted(p.name for p in fresh), \
        "run python tools/make_case_documents.py"
    for path in fresh:
        assert (stored / path.name).read_bytes() == path.read_bytes(), f"{path.name} drifted"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    tables = dm.read_documents(stored)
    assert set(tables) == {p.stem for p in fresh}
    assert tables["bank_transactions"]["amount"].round(2).equals(
        dm.build_documents(case).bank_transactions["amount"].round(2))


@pytest.mark.parametrize("case_id", CASES)
def test_learner_documents_do_not_contain_the_answer_key(case_id: str) -> None:
    case = _load(case_id)
    folder = dm.snapshot_folder(case)
    text = "".join(p.read_text(encoding="utf-8-sig") for p in folder.glob("*.csv"))
    for flaw in dm.load_answer_key(case):
        assert flaw.id not in text and flaw.description not in text and flaw.kind not in text
    assert not list(folder.glob("answer_key*"))


def test_no_notebook_reads_or_prints_an_answer_key() -> None:
    for notebook in [*REPO.glob("course/*.ipynb"), *REPO.glob("exercises/*.ipynb"), *REPO.glob("casebook/*.ipynb")]:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        source = "".join("".join(cell["source"]) for cell in cells)
        for word in ("answer_key", "load_answer_key", "planted_flaws", "detection_table", "detection_runs"):
            assert word not in source, f"{notebook.name} mentions {word}"


def test_documents_tables_have_chinese_headers() -> None:
    tables = dm.build_documents(_load("C02")).tables()
    assert list(tables["bank_transactions"].columns) == ["日期", "金额", "对方户名", "渠道", "摘要"]
    assert "申报负债清单" == dm.DOCUMENT_FILES["declared_debts"].title
    consumer = dm.build_documents(_load("C06")).tables()
    assert "inventory_count" not in consumer and "purchase_invoices" not in consumer


# --------------------------------------------------------------------------- bad input

@pytest.fixture
def case_folder(tmp_path: Path) -> Callable[[str], Path]:
    def copy(case_id: str) -> Path:
        source = next(p for p in (REPO / "casebook").iterdir() if p.name.startswith(case_id + "_"))
        target = tmp_path / source.name
        shutil.copytree(source, target)
        return target

    return copy


def _fresh(folder: Path) -> Case:
    ml.casebook._load_canonical.cache_clear()
    return ml.casebook.load_case_folder(folder)


def test_missing_investigation_raises_and_run_all_falls_back(case_folder: Callable[[str], Path]) -> None:
    folder = case_folder("C01")
    (folder / "investigation.yaml").unlink()
    case = _fresh(folder)
    with pytest.raises(InputError, match=r"文件 C01_便利店/investigation.yaml：找不到调查事实文件"):
        dm.build_documents(case)
    results = cc.run_all(case)
    methods = {r.method for r in results}
    assert {"equity_check", "family_spending", "loan_purpose", "inventory_days"} <= methods
    assert not methods & {"sales_from_bank_flows", "inventory_count", "debt_service"}
    assert not any(r.verdict is cc.Verdict.CONTRADICTION for r in results)


def test_missing_answer_key_raises_but_run_all_runs_clean(case_folder: Callable[[str], Path]) -> None:
    folder = case_folder("C03")
    (folder / "answer_key.yaml").unlink()
    case = _fresh(folder)
    with pytest.raises(InputError, match=r"answer_key.yaml：找不到答案键文件"):
        dm.build_documents(case)
    assert dm.build_documents(case, with_flaws=False).claims.monthly_sales > 0
    assert not any(r.verdict is cc.Verdict.CONTRADICTION for r in cc.run_all(case))


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s.replace("account_share: 0.70", "account_share: 七成"), r"account_share：应为数字"),
    (lambda s: s.replace("account_share: 0.70", "account_share: 1.7"), r"account_share：超过上限 1"),
    (lambda s: s.replace("area: 城镇", "area: 海外"), r"area：取值不在允许范围内"),
    (lambda s: s.replace("share: 0.45, counterparty: 财付通", "share: 0.55, counterparty: 财付通"),
     r"settlement：各收款方式的占比合计应为 100%（当前为 110.0%）"),
    (lambda s: s.replace("purchase_price: 210, sale_price: 235", "purchase_price: 250, sale_price: 235"),
     r"products.0.purchase_price：进价应低于售价"),
    (lambda s: s.replace("supplier: 区烟草专卖局（零售户结算）}", "supplier: 不存在的供应商}"),
     r"products.0.supplier：供应商“不存在的供应商”不在 suppliers 之中"),
    (lambda s: s.replace("days: [28]", "days: [3]"), r"settlement.3.days：回款日不能与付货款日相同"),
    (lambda s: s.replace("tax: {regime: 定期定额, quota_monthly_sales: 40000}", "tax: {regime: 定期定额}"),
     r"tax.quota_monthly_sales：定期定额需要给出核定的月销售额"),
    (lambda s: s + "\ncolour: 红色\n", r"colour：未知字段（可能拼写错误）"),
    (lambda s: s.replace("respondents:", "respondent:"), r"respondents：缺少此字段"),
    (lambda s: s + "\nfixed_assets: [oops\n", r"YAML 格式错误"),
])
def test_malformed_investigation_names_file_and_field(case_folder: Callable[[str], Path],
                                                      edit: Callable[[str], str], message: str) -> None:
    folder = case_folder("C01")
    path = folder / "investigation.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        dm.build_documents(_fresh(folder))
    assert "investigation.yaml" in str(info.value)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s.replace("detected_by: [inventory_count, inventory_days]", "detected_by: [猜测法]"),
     r"flaws.1.detected_by：未知的检验方法：猜测法"),
    (lambda s: s.replace("parameters: {factor: [0.45, 0.60]}", "parameters: {factor: [0.60, 0.45]}"),
     r"flaws.1.parameters.factor：应在 0.05–3 之间，且下限不大于上限"),
    (lambda s: s.replace("kind: overstated_inventory", "kind: stolen_goods"), r"flaws.1.kind：取值不在允许范围内"),
    (lambda s: s.replace("months_remaining: 30,", "months_remaining: 三十,"), r"months_remaining：应为整数"),
    (lambda s: s.replace("id: C01-F2", "id: C01-F1"), r"flaws：矛盾编号（id）重复"),
    (lambda s: s.replace("kind: overstated_inventory\n    parameters: {factor: [0.45, 0.60]}",
                         "kind: hidden_income\n    parameters: {factor: 0.3}"),
     r"不能同时埋设“虚报销售额”和“隐瞒收入”"),
    (lambda s: "flaws: []\n", r"flaws：条目太少"),
])
def test_malformed_answer_key_names_file_and_field(case_folder: Callable[[str], Path],
                                                   edit: Callable[[str], str], message: str) -> None:
    folder = case_folder("C01")
    path = folder / "answer_key.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        dm.build_documents(_fresh(folder))
    assert "answer_key.yaml" in str(info.value)


def test_flaws_too_large_for_the_household_are_refused(case_folder: Callable[[str], Path]) -> None:
    folder = case_folder("C01")
    path = folder / "answer_key.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("monthly_share: [0.30, 0.38]", "monthly_share: 0.6"),
                    encoding="utf-8")
    case = _fresh(folder)
    path.write_text(path.read_text(encoding="utf-8") + """  - id: C01-F4
    kind: personal_spending
    parameters: {share: 0.4, payees: [{counterparty: 某商场, description: 购物}]}
    description: 测试用：家庭开支走经营账。
    detected_by: [family_spending]
""", encoding="utf-8")
    with pytest.raises(InputError, match="家庭开支已不足以覆盖"):
        dm.build_documents(_fresh(folder))
    assert case is not None


def test_missing_and_malformed_document_files(tmp_path: Path) -> None:
    case = _load("C02")
    dm.export_documents(case, tmp_path)
    (tmp_path / "utility_bills.csv").unlink()
    with pytest.raises(InputError, match=r"文件 utility_bills.csv：找不到该单据（电费单）"):
        dm.read_documents(tmp_path, ["bank_transactions", "utility_bills"])
    ledger = tmp_path / "sales_ledger.csv"
    lines = ledger.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = "2025-04,三十万"
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"文件 sales_ledger.csv：销售额（元）：第 5 行应为数字，收到了“三十万”"):
        dm.read_document(ledger)
    count = tmp_path / "inventory_count.csv"
    text = count.read_text(encoding="utf-8-sig").replace("单位成本（元）", "成本")
    count.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"inventory_count.csv：缺少必需的列：单位成本（元）"):
        dm.read_document(count)
    invoices = tmp_path / "purchase_invoices.csv"
    rows = invoices.read_text(encoding="utf-8-sig").splitlines()
    rows[2] = rows[2].rsplit(",", 1)[0] + ","
    invoices.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"金额（元）：第 3 行缺少数值"):
        dm.read_document(invoices)
    with pytest.raises(InputError, match="未知的单据"):
        dm.read_document(tmp_path / "bank_transactions.csv", "bank_statement")


def test_transactions_out_of_order_are_refused_by_read_transactions(tmp_path: Path) -> None:
    dm.export_documents(_load("C03"), tmp_path)
    path = tmp_path / "bank_transactions.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[3], lines[4] = lines[4], lines[3]  # swap CSV lines 4 and 5 (the header is line 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"文件 bank_transactions.csv：date（日期）：第 5 行的日期 .* 早于上一行"):
        offsite.read_transactions(path)
    with pytest.raises(InputError, match="早于上一行"):
        dm.read_document(path)
    lines[2] = lines[2].replace(lines[2].split(",")[1], "一千", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"amount（金额）：第 3 行应为数字"):
        dm.read_document(path)


# --------------------------------------------------------------------------- Voila never serves answer keys

@pytest.fixture(scope="module")
def voila() -> Iterator[str]:
    from tests.browser_support import voila_server

    with voila_server(REPO) as base:
        yield base


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.browser
@pytest.mark.parametrize("case_id", ["C01", "C06"])
def test_voila_does_not_serve_answer_keys_or_documents(voila: str, case_id: str) -> None:
    case = _load(case_id)
    folder = case.folder.relative_to(REPO)
    for name in ("answer_key.yaml", "investigation.yaml", "documents/bank_transactions.csv", "documents/claims.csv"):
        path = quote(f"{folder.as_posix()}/{name}")
        for prefix in ("voila/files/", "voila/static/", "files/", "voila/render/"):
            assert _status(f"{voila}{prefix}{path}") in (403, 404), f"{prefix}{name} is served"
