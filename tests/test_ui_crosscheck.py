"""Dashboards of course 04a/04b and the casebook browser: their data helpers, their widgets, and
``crosscheck.run_all(evidence=...)`` that the 04b evidence toggles rely on."""
from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as widgets
import pytest

import microloan_sim as ml
from microloan_sim import crosscheck as cc
from microloan_sim import documents
from microloan_sim.errors import InputError
from microloan_sim.ui import casebook as ui_casebook
from microloan_sim.ui import crosscheck as ui_cc
from microloan_sim.ui import offsite as ui_offsite

REPO = Path(__file__).resolve().parents[1]
BANK_METHODS = {"sales_from_bank_flows", "debt_service", "household_spending_from_bank"}


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Output widgets print to stdout outside a kernel."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def methods(results: object) -> list[str]:
    return [r.method for r in results]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- run_all(evidence=...)

def test_evidence_items_list_what_the_case_has() -> None:
    c01 = cc.evidence_items(ml.casebook.load_case("C01"))
    assert list(c01)[:7] == ["bank_transactions", "purchase_invoices", "price_survey", "inventory_count",
                             "utility_bills", "tax_records", "sales_ledger"]
    assert c01["statement:李建国"] == "配偶李建国的陈述"
    assert c01["statement:刘芳"] == "店员刘芳的陈述" and c01["statement:张国华"] == "供应商张国华的陈述"
    c03 = cc.evidence_items(ml.casebook.load_case("C03"))      # a farm: no count sheet, no power bills
    assert "inventory_count" not in c03 and "utility_bills" not in c03 and "purchase_invoices" in c03
    c06 = cc.evidence_items(ml.casebook.load_case("C06"))      # a salaried borrower
    assert {"bank_transactions", "tax_records"} <= set(c06) and "purchase_invoices" not in c06


@pytest.mark.parametrize("case_id", ["C01", "C03", "C06", "C09"])
@pytest.mark.parametrize("variant", [None, "学员-07"])
def test_all_evidence_gives_the_same_checks_as_none(case_id: str, variant: str | None) -> None:
    case = ml.casebook.load_case(case_id, variant=variant)
    full = cc.run_all(case)
    assert cc.run_all(case, evidence=list(cc.evidence_items(case))) == full
    by_name = [*cc.evidence_items(case).values()]               # Chinese names of the documents are accepted
    documents_only = [n for n in by_name if not n.endswith("的陈述")] + ["statements"]
    assert cc.run_all(case, evidence=documents_only) == full


def test_without_the_bank_statement_its_checks_disappear() -> None:
    case = ml.casebook.load_case("C01")
    full = cc.run_all(case)
    assert BANK_METHODS <= set(methods(full))
    items = [k for k in cc.evidence_items(case) if k != "bank_transactions"]
    fewer = cc.run_all(case, evidence=items)
    assert not BANK_METHODS & set(methods(fewer))
    # every other check is unchanged, in the same order
    assert fewer == [r for r in full if r.method not in BANK_METHODS]
    bad = [r for r in full if r.verdict is cc.Verdict.CONTRADICTION]
    assert sum(r.verdict is cc.Verdict.CONTRADICTION for r in fewer) < len(bad)


def test_each_document_gates_its_methods() -> None:
    case = ml.casebook.load_case("C01")
    items = list(cc.evidence_items(case))

    def without(key: str) -> set[str]:
        return set(methods(cc.run_all(case, evidence=[k for k in items if k != key])))

    assert not {"sales_from_purchases", "sales_from_product_share"} & without("purchase_invoices")
    assert not {"weighted_margin", "sales_from_purchases"} & without("price_survey")
    assert not {"inventory_count", "sales_from_purchases"} & without("inventory_count")
    assert "sales_from_utilities" not in without("utility_bills")
    assert "sales_from_ledger" not in without("sales_ledger")
    # the checks on claims, balance sheets and industry norms need no document
    bare = set(methods(cc.run_all(case, evidence=[])))
    assert bare == {"equity_check", "inventory_days", "gross_margin_vs_industry", "expense_ratio_vs_industry",
                    "family_spending", "loan_purpose"}


def test_a_farm_without_a_count_sheet_still_checks_purchases() -> None:
    case = ml.casebook.load_case("C03")
    found = set(methods(cc.run_all(case, evidence=["purchase_invoices", "price_survey"])))
    assert "sales_from_purchases" in found
    assert "sales_from_invoices" in methods(cc.run_all(case, evidence=["纳税记录"]))


def test_statements_are_evidence_one_respondent_at_a_time() -> None:
    case = ml.casebook.load_case("C01")
    full = [r for r in cc.run_all(case) if r.method == "source_disagreement"]
    assert len(full) == 5
    no_spouse = [k for k in cc.evidence_items(case) if k != "statement:李建国"]
    left = [r for r in cc.run_all(case, evidence=no_spouse) if r.method == "source_disagreement"]
    assert len(left) == 3 and not any("李建国" in r.explanation for r in left)
    # the supplier's figure is checked against the invoices: both are needed
    supplier_only = cc.run_all(case, evidence=["statement:张国华"])
    assert "source_disagreement" not in methods(supplier_only)
    both = cc.run_all(case, evidence=["statement:张国华", "purchase_invoices"])
    assert [r.name for r in both if r.method == "source_disagreement"] == ["不同来源核对"]


@pytest.mark.parametrize("evidence, words", [
    (["猜测"], "没有名为“猜测”的证据"),
    ("银行流水", "应为证据名称的列表"),
    (["statement:"], "没有名为“statement:”的证据"),
])
def test_bad_evidence_is_named_in_chinese(evidence: object, words: str) -> None:
    with pytest.raises(InputError, match=words):
        cc.run_all(ml.casebook.load_case("C01"), evidence=evidence)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- 04b data helpers

def test_check_table_for_c01_has_a_contradiction_and_loses_bank_rows() -> None:
    case = ui_cc.load("C01")
    full = ui_cc.check_table(case)
    assert list(full.columns) == ui_cc.COLUMNS
    assert (full["结论"] == "矛盾").any()
    assert full.loc[full["方法编号"] == "sales_from_bank_flows", "结论"].tolist() == ["矛盾"]
    items = [k for k in ui_cc.evidence_options(case) if k != "bank_transactions"]
    fewer = ui_cc.check_table(case, items)
    assert "sales_from_bank_flows" not in set(fewer["方法编号"]) and "debt_service" not in set(fewer["方法编号"])
    assert ui_cc.verdict_counts(fewer)["矛盾"] < ui_cc.verdict_counts(full)["矛盾"]
    # tolerances are the 示例参数 of data/crosscheck.yaml
    equity = full[full["方法编号"] == "equity_check"].iloc[0]
    assert (equity["容差"], equity["矛盾阈值"]) == (cc.tolerances()["equity"]["explain"],
                                               cc.tolerances()["equity"]["contradiction"])


def test_source_disagreement_rows_are_labelled_by_topic() -> None:
    labels = ui_cc.check_table(ui_cc.load("C01"))["检验"].tolist()
    assert "不同来源核对（负债合计）" in labels and "不同来源核对（家庭月开支）" in labels
    assert len(set(labels)) == len(labels)


def test_summary_and_rows_carry_stable_classes() -> None:
    table = ui_cc.check_table(ui_cc.load("C01"))
    counts = ui_cc.verdict_counts(table)
    summary = ui_cc.summary_html(table, ["银行流水"])
    assert 'class="ml-verdict-summary"' in summary
    assert f'data-bad="{counts["矛盾"]}"' in summary and f"矛盾 {counts['矛盾']} 项" in summary
    assert "未使用的证据：银行流水" in summary
    rows = ui_cc.checks_html(table)
    assert rows.count("<tr class=\"ml-check ") == len(table)
    assert 'class="ml-check ml-check-sales_from_bank_flows"' in rows
    assert 'class="ml-verdict-bad ml-verdict">矛盾<' in rows and "示例参数" in rows


def test_format_value_by_unit() -> None:
    assert ui_cc.format_value(1_234_567.4, "元") == "1,234,567 元"
    assert ui_cc.format_value(0.2549, "比率") == "25.5%"
    assert ui_cc.format_value(32, "天") == "32.0 天"
    assert ui_cc.format_value(933, "吨") == "933 吨"


def test_deviation_chart_has_chinese_title_and_labels() -> None:
    table = ui_cc.check_table(ui_cc.load("C03"))
    fig = ui_cc.deviation_chart(table)
    ax = fig.axes[0]
    assert "偏差" in ax.get_title() and "示例参数" in ax.get_title()
    assert ax.get_xlabel() == "偏差（%）" and ax.get_ylabel() == "检验"
    assert len(ax.get_yticklabels()) == len(table)
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert ui_cc._chart_png(ui_cc.load("C03"), None)[:4] == b"\x89PNG"


# --------------------------------------------------------------------------- 04b dashboard

def _crosscheck_parts(box: widgets.VBox) -> tuple[widgets.HTML, dict[str, widgets.Checkbox], widgets.HTML]:
    grid = box.children[2].children[0]
    boxes = {next(c for c in child._dom_classes if c.startswith("ml-evidence-") and c != "ml-evidence-item"): child
             for child in grid.children}
    return box.children[3], boxes, box.children[6]


def test_unticking_evidence_changes_the_verdicts() -> None:
    with quiet():
        box = ui_cc.crosscheck_explorer()
    summary, boxes, table = _crosscheck_parts(box)
    assert "ml-evidence-bank_transactions" in boxes and "ml-evidence-statement-7" in boxes
    before, before_table = summary.value, table.value
    assert "ml-check-sales_from_bank_flows" in before_table and "使用了全部证据" in before
    with quiet():
        boxes["ml-evidence-bank_transactions"].value = False
    assert summary.value != before and "未使用的证据：银行流水" in summary.value
    assert "ml-check-sales_from_bank_flows" not in table.value and "ml-check-debt_service" not in table.value
    bad = int(re.search(r'data-bad="(\d+)"', summary.value).group(1))  # type: ignore[union-attr]
    assert bad < int(re.search(r'data-bad="(\d+)"', before).group(1))  # type: ignore[union-attr]
    with quiet():
        box.children[2].children[1].click()                 # 恢复全部证据
    assert summary.value == before and table.value == before_table


def test_case_and_variant_rebuild_the_evidence() -> None:
    with quiet():
        box = ui_cc.crosscheck_explorer("C01")
        box.children[0].children[0].value = "C06"
    summary, boxes, table = _crosscheck_parts(box)
    assert "ml-evidence-purchase_invoices" not in boxes and "ml-evidence-bank_transactions" in boxes
    assert "ml-check-salary_from_payroll" in table.value
    canonical = table.value
    with quiet():
        box.children[0].children[1].value = "学员-07"
    assert table.value != canonical


def test_a_failing_callback_shows_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    with quiet():
        box = ui_cc.crosscheck_explorer()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ui_cc, "check_table", broken)
    _summary, boxes, _table = _crosscheck_parts(box)
    with quiet(), caplog.at_level(logging.ERROR, logger="microloan_sim.ui"):
        boxes["ml-evidence-utility_bills"].value = False      # must not raise
    assert "dashboard callback failed" in caplog.text


# --------------------------------------------------------------------------- 04a data helpers and dashboard

def test_offsite_report_is_the_case_statement_and_is_cached() -> None:
    case = ui_offsite.load("C01")
    report = ui_offsite.report_for(case)
    assert ui_offsite.report_for(case) is report
    tx = documents.build_documents(case).bank_transactions
    assert len(report.transactions) == len(tx)
    assert report.monthly["inflow"].sum() == pytest.approx(tx.loc[tx["amount"] > 0, "amount"].sum())


def test_offsite_tables() -> None:
    report = ui_offsite.report_for(ui_offsite.load("C01"))
    top = ui_offsite.concentration_table(report, "inflow")
    assert len(top) == 10 and top["占比"].is_monotonic_decreasing and top["累计占比"].iloc[-1] <= 1 + 1e-9
    assert top["占比"].iloc[0] == pytest.approx(report.inflow_concentration.table["share"].iloc[0])
    assert ui_offsite.concentration_table(report, "outflow").index[0] == "市区惠丰食品批发商行"
    monthly = ui_offsite.monthly_table(report)
    assert len(monthly) == 12 and "经营性流入（元）" in monthly.columns
    flagged = ui_offsite.flagged_table(report)
    assert len(flagged) == report.flags["row"].nunique()
    assert list(flagged.columns) == ["日期", "金额（元）", "交易对手", "摘要", "渠道", "标记原因"]
    related = ui_offsite.flagged_table(report, "related_party")
    assert set(related["交易对手"]) == {"李建国"} and related["标记原因"].str.contains("家庭成员").all()
    assert ui_offsite.flagged_table(report, "late_night").empty
    with pytest.raises(InputError, match="标记类型"):
        ui_offsite.flagged_table(report, "sunspots")
    options = dict((v, k) for k, v in ui_offsite.flag_options(report))
    assert options["all"].startswith("全部标记") and "（4 笔）" in options["pass_through"]
    passing = ui_offsite.pass_through_table(report)
    assert len(passing) == 2 and set(passing["转入方"]) == {"王德贵"}
    thresholds = ui_offsite.thresholds_table(report)
    assert f"{report.params.large_amount:,.0f} 元" in thresholds.loc["大额交易", "标准"]
    timing = ui_offsite.timing_table(report)
    assert "-0" not in " ".join(timing.to_numpy().ravel().tolist())


def test_findings_are_chinese_and_tidy() -> None:
    notes = ui_offsite.findings(ui_offsite.load("C01"))
    assert any("过账" in n for n in notes) and any("同姓" in n for n in notes)
    assert not any(" -0 元" in n for n in notes)


def test_offsite_explorer_reacts() -> None:
    with quiet():
        box = ui_offsite.offsite_explorer()
    summary, tabs = box.children[1], box.children[2]
    flag_filter, flag_table = tabs.children[3].children[1], tabs.children[3].children[2]
    assert "城郊便利店" in summary.value and "李建国" in summary.value
    before = flag_table.value
    with quiet():
        flag_filter.value = "pass_through"
    assert flag_table.value != before and "过账" in flag_table.value and "（4 笔" in flag_table.value
    with quiet():
        tabs.selected_index = 1                                # draws the seasonality chart, once
        box.children[0].children[0].value = "C03"
    assert "生猪" in summary.value
    assert flag_filter.value == "pass_through"                # the learner's filter survives a case switch
    with quiet():
        box.children[0].children[1].value = "学员-07"
    assert "变体" in summary.value


# --------------------------------------------------------------------------- casebook browser

def test_document_tables_have_chinese_headers() -> None:
    docs = ui_casebook.document_tables(ui_casebook.load("C01"))
    assert [title for title, _ in docs.values()] == [
        "银行流水", "销售账本", "进货发票", "电费单", "纳税记录", "存货盘点表", "固定资产清单", "询问记录",
        "借款人申报", "申报负债清单", "商品进价售价调查"]
    for title, frame in docs.values():
        assert all(re.search(r"[\u4e00-\u9fff]", str(c)) for c in frame.columns), title
    assert docs["bank_transactions"][1]["日期"].iloc[0].startswith("2025-01")
    html = ui_casebook.document_html(docs["inventory_count"][1])
    assert re.search(r'<td class="num">\d{1,3}(,\d{3})*\.\d{2}</td>', html)   # cents kept, separators added


def test_profile_and_opening_balance_sheet() -> None:
    case = ui_casebook.load("C03")
    profile = ui_casebook.profile_table(case)
    assert "农户" in profile.loc["客户类别", "内容"] and "保证人" in profile.loc["担保", "内容"]
    opening = ui_casebook.opening_balance_table(case)
    o = case.opening
    assert opening.iloc[-1]["资产金额（元）"] == pytest.approx(
        o.cash_and_deposits + o.accounts_receivable + o.prepayments + o.inventory + o.fixed_assets + o.other_assets
        + o.household_assets)


def test_case_browser_tabs_follow_the_case() -> None:
    with quiet():
        box = ui_casebook.case_browser()
    tabs = box.children[2]
    assert tabs.titles[:3] == ("基本情况", "访谈记录", "银行流水")
    assert "王秀英在城郊工业园" in tabs.children[1].value
    month, bank = tabs.children[2].children
    first = bank.value
    with quiet():
        month.value = month.options[1][1]
    assert bank.value != first and "2025-02" in bank.value
    with quiet():
        box.children[0].children[0].value = "C06"
    assert "进货发票" not in tabs.titles and "纳税记录" in tabs.titles
    with quiet():
        box.children[0].children[1].value = "学员-07"
    assert "变体" in box.children[1].value and "没有随你的变体调整" in tabs.children[1].value


# --------------------------------------------------------------------------- the answer key stays hidden

def _visible_text(case_id: str) -> str:
    case = ui_cc.load(case_id)
    parts = [ui_cc.checks_html(ui_cc.check_table(case)), *ui_offsite.findings(case),
             ui_offsite.flagged_table(ui_offsite.report_for(case)).to_string(),
             ui_casebook._profile_html(case), ui_casebook._interview_html(case)]
    parts += [frame.to_string() for _, frame in ui_casebook.document_tables(case).values()]
    return "\n".join(parts)


@pytest.mark.parametrize("case_id", ["C01", "C03", "C06", "C09"])
def test_no_answer_key_text_reaches_the_learner(case_id: str) -> None:
    case = ml.casebook.load_case(case_id)
    text = _visible_text(case_id)
    for flaw in documents.load_answer_key(case):
        assert flaw.id not in text and flaw.description not in text
    assert "planted" not in text and "answer_key" not in text and "答案" not in text


def test_ui_modules_never_read_the_answer_key() -> None:
    for name in ("offsite", "crosscheck", "casebook"):
        source = (REPO / "microloan_sim" / "ui" / f"{name}.py").read_text(encoding="utf-8")
        for word in ("load_answer_key", "planted_flaws", "bank_categories", "answer_key.yaml"):
            assert word not in source, (name, word)
