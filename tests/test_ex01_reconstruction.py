"""ex01 is solvable from what the learner is shown, for every case of the exercise pool and any variant.

Each graded figure is rebuilt here the way a learner would, by hand, from the tables the reconstruction
view displays (Chinese headers, as on the screen): the cash count, the open items, the stock count, the
fixed-asset list, the household's assets and monthly spending, the list of debts, the previous balance
sheet, the sales record, the purchase invoices, the small cash expenses and the bank statement's summary.
The answer key (statements from the case's true records) is never called on the way; the rebuilt figures
are compared with it within each item's full-credit tolerance, and graded: full marks.
"""
from __future__ import annotations

import contextlib
import io
import re

import ipywidgets as widgets
import pandas as pd
import pytest

import microloan_sim as ml
from microloan_sim.ui.reconstruction import DOCUMENT_TITLES, officer_documents, reconstruction_view

#: The exercise pool (a shop, the manufacturer, the farms, the salaried household) and the other shops.
POOL = ("C01", "C02", "C03", "C05", "C06")
SHOPS = ("C04", "C07", "C09")
VARIANTS = (None, 1, 7, 2024, "学员-01")

# A learner's reading of the bank statement summary (摘要): what is household other income, what repays a
# private loan, what is an operating expense. Taken from the descriptions printed in the statements.
OTHER_INCOME = {"家用", "门面租金", "代发工资", "工资", "老屋租金", "房屋租金"}
PRIVATE_LOANS = {"车贷还款", "车贷分期还款", "房贷月供", "助学贷款还款", "贷款月供"}
EXPENSES = {"工资", "房租", "电费", "水费", "话费", "税费", "保费", "加油", "维修费", "修车费", "兽药疫苗", "物业费",
            "广告费", "饲料款"}


def _table(docs: dict, title: str, number: int = 0) -> pd.DataFrame:
    return docs[title][number][1] if title in docs else pd.DataFrame()


def _sum(frame: pd.DataFrame, column: str, **where: str) -> float:
    if frame.empty:
        return 0.0
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return float(frame[column].sum())


def _opening(docs: dict, name: str) -> float:
    """One line of 上次调查的资产负债表 (assets on the left, liabilities on the right)."""
    table = _table(docs, "上次调查的资产负债表")
    left = table.loc[table["资产"] == name, "资产金额（元）"]
    right = table.loc[table["负债"] == name, "负债金额（元）"]
    return float(left.iloc[0] if len(left) else right.iloc[0])


def rebuild(case: ml.casebook.Case) -> dict[str, float]:
    """Every ex01 figure of ``case`` from the displayed documents, by hand."""
    docs = officer_documents(case)
    open_items = _table(docs, "往来款项清单")
    cash = _sum(_table(docs, "现金及存款核实表"), "金额（元）")
    receivable = _sum(open_items, "金额（元）", 类别="应收账款")
    prepaid = _sum(open_items, "金额（元）", 类别="预付账款")
    deposits = _sum(open_items, "金额（元）", 类别="其他资产")
    payable = _sum(open_items, "金额（元）", 类别="应付账款")
    advances = _sum(open_items, "金额（元）", 类别="预收账款")
    stock = _sum(_table(docs, "存货盘点表"), "金额（元）")
    fixed = _sum(_table(docs, "固定资产清单"), "现值（元）")
    household = _sum(_table(docs, "家庭情况", 1), "现值（元）")
    debts = _sum(_table(docs, "负债清单"), "余额（元）")
    current = cash + receivable + prepaid + stock
    assets = current + fixed + deposits + household
    liabilities = payable + advances + debts

    summary = _table(docs, "银行流水")
    def paid(names: set[str]) -> float:
        return float(summary.loc[summary["摘要"].isin(names), "流出（元）"].sum())
    def received(names: set[str]) -> float:
        return float(summary.loc[summary["摘要"].isin(names), "流入（元）"].sum())

    months = len(_table(docs, "家庭情况", 2))
    spending = _sum(_table(docs, "家庭情况", 2), "家庭开支（元）")
    revenue = _sum(_table(docs, "销售记录"), "销售额（元）")
    bought = _sum(_table(docs, "进货发票"), "金额（元）")
    sold_at_cost = _opening(docs, "存货和原材料") + bought - stock
    gross = revenue - sold_at_cost
    wear = _opening(docs, "固定资产") + paid({"设备款"}) - fixed
    expenses = paid(EXPENSES) + _sum(_table(docs, "零星费用记录"), "金额（元）") + wear
    net = gross - expenses - paid({"贷款利息", "贷款本金"})
    income = received(OTHER_INCOME)
    private = paid(PRIVATE_LOANS)
    return {
        "closing_cash": cash, "current_assets": current, "total_assets": assets, "total_liabilities": liabilities,
        "equity": assets - liabilities, "debt_ratio": liabilities / assets, "revenue_total": revenue,
        "gross_profit_total": gross, "net_profit_total": net,
        "average_disposable": (net + income - spending - private) / months,
        "wage_income_total": income, "household_expenses_total": spending, "private_loan_payments_total": private,
        "principal_repaid_total": _opening(docs, "家庭负债") - debts,
    }


@pytest.mark.parametrize("case_id", POOL + SHOPS)
def test_every_graded_figure_comes_from_the_documents(case_id: str) -> None:
    exercise = ml.exercises.get("ex01")
    for variant in VARIANTS:
        case = ml.casebook.load_case(case_id, variant=variant)
        asked = exercise.items_for(case)
        derived = rebuild(case)
        key = exercise.compute(case)
        assert set(key) == {item.id for item in asked}  # the key holds exactly the items this case is asked
        for item in asked:
            assert derived[item.id] == pytest.approx(key[item.id], abs=item.abs_tolerance), (case_id, variant, item.id)
        answers = {item.id: (f"{derived[item.id]:.2%}" if item.kind == "ratio" else f"{derived[item.id]:,.0f}")
                   for item in asked}
        # graded as the exercise grades a learner whose case this is (a pool of this one case here)
        on_this_case = ml.exercises.Exercise(exercise.spec.model_copy(update={"cases": [case_id]}), exercise.compute)
        result = on_this_case.grade(answers, variant)
        assert result.score == result.max_score == 100, (variant, [i for i in result.items if i.points < 10])


def test_a_salaried_borrower_is_asked_household_figures_not_sales() -> None:
    exercise = ml.exercises.get("ex01")
    asked = {item.id for item in exercise.items_for(ml.casebook.load_case("C06"))}
    assert {"wage_income_total", "household_expenses_total", "private_loan_payments_total",
            "principal_repaid_total"} <= asked
    assert not asked & {"current_assets", "revenue_total", "gross_profit_total", "net_profit_total"}
    business = {item.id for item in exercise.items_for(ml.casebook.load_case("C02"))}
    assert not business & {"wage_income_total", "principal_repaid_total"}
    # ten items of 10 points for both kinds of borrower
    for case_id in ("C01", "C03", "C06"):
        assert sum(i.points for i in exercise.items_for(ml.casebook.load_case(case_id))) == 100


# C06 by hand from the canonical case files (casebook/C06_工薪消费): the household liabilities fall from
# 616,400 (opening balance sheet) to 603,530 at the visit (a variant rescales the debts: 581,786 + 17,500 for variant 5);
# so 12,870 元 of principal was repaid.
def test_c06_principal_repaid_by_hand() -> None:
    docs = officer_documents(ml.casebook.load_case("C06"))
    assert _opening(docs, "家庭负债") == 616_400
    assert _sum(_table(docs, "负债清单"), "余额（元）") == pytest.approx(603_530, abs=1)
    assert rebuild(ml.casebook.load_case("C06"))["principal_repaid_total"] == pytest.approx(12_870, abs=1)


# C01 canonical by hand: revenue 1,339,800 元 (monthly_records.csv); cost of sales 1,004,849 元 = opening stock
# 150,000 + invoices 1,055,249 − closing stock 200,400 (see tests/test_documents.py), so gross profit 334,951 元.
def test_c01_gross_profit_by_hand() -> None:
    derived = rebuild(ml.casebook.load_case("C01"))
    assert derived["revenue_total"] == pytest.approx(1_339_800, abs=0.01)
    assert derived["gross_profit_total"] == pytest.approx(1_339_800 - 1_004_849, abs=0.05)


def _text(widget: widgets.Widget) -> str:
    parts: list[str] = []

    def walk(node: widgets.Widget) -> None:
        if isinstance(node, widgets.HTML):
            parts.append(node.value)
        for child in getattr(node, "children", ()) or ():
            walk(child)

    walk(widget)
    visible = re.sub(r"<style>.*?</style>", " ", "\n".join(parts), flags=re.S)
    return re.sub(r"<[^>]+>", " ", visible)


@pytest.mark.parametrize("case_id", POOL)
@pytest.mark.parametrize("variant", [None, 3, 987654321])
def test_every_source_names_a_tab_of_the_view(case_id: str, variant: int | None) -> None:
    case = ml.casebook.load_case(case_id, variant=variant)
    view = reconstruction_view(case)
    tabs = view.children[1]
    titles = {tabs.get_title(i) for i in range(len(tabs.children))}
    assert titles <= {"访谈记录", *DOCUMENT_TITLES}
    for item in ml.exercises.get("ex01").items_for(case):
        source = item.source_for(case.segment)
        assert source, item.id
        for part in source.split("+"):
            name = re.sub(r"（.*?）", "", part).strip()
            assert name in titles, (case_id, item.id, name)


@pytest.mark.parametrize("case_id", POOL)
def test_the_view_is_chinese_with_thousands_separators(case_id: str) -> None:
    case = ml.casebook.load_case(case_id, variant=11)
    text = _text(reconstruction_view(case))
    assert "月度原始记录" not in text                     # the records themselves are never shown
    assert re.search(r"\d{1,3}(,\d{3})+", text)           # money with thousands separators
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|-0\b|Traceback", text)
    ascii_words = set(re.findall(r"[A-Za-z_]{3,}", text)) - {"POS"}   # POS: a card channel, as banks print it
    assert not ascii_words, ascii_words                   # no English column names or identifiers
    from .test_browser_learner_view import ALLOWED, FORBIDDEN  # what the learner-view scan refuses, every tab

    shown = ALLOWED.sub(" ", text)
    assert not [(name, pattern.findall(shown)[:3]) for name, pattern in FORBIDDEN if pattern.search(shown)]
    for title, tables in officer_documents(case).items():
        for _, frame in tables:
            assert isinstance(frame.index, pd.RangeIndex)  # no DataFrame index shown (rendered with index=False)
            assert not any(re.fullmatch(r"[A-Za-z_ ]+", str(c)) for c in frame.columns), (title, frame.columns)


def test_feedback_names_the_document_of_a_wrong_or_missing_item_only() -> None:
    exercise = ml.exercises.get("ex01")
    key = exercise.expected("学员-01")
    result = exercise.grade({"closing_cash": f"{key['closing_cash'] + 500:.0f}", "equity": f"{key['equity']:.0f}"},
                            "学员-01")
    by_id = {item.item_id: item for item in result.items}
    assert by_id["closing_cash"].status == "wrong" and "数据来源：现金及存款核实表" in by_id["closing_cash"].hint
    assert by_id["equity"].status == "correct" and by_id["equity"].hint == ""
    assert by_id["revenue_total"].status == "missing" and "数据来源：销售记录" in by_id["revenue_total"].hint
    assert f"{key['closing_cash']:,.0f}" not in by_id["closing_cash"].hint  # the hint never gives the number


def test_the_form_shows_the_tabs_and_only_the_items_asked() -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        form = ml.ui.exercise_form("ex01", recorder=lambda learner, answers, result: "已记录")
    rows = {child.children[1]._dom_classes[0]: child for child in form.children
            if isinstance(child, widgets.HBox) and len(child.children) == 2 and child.children[1]._dom_classes}
    assert rows["ml-answer-revenue_total"].layout.display == "none"  # not before the case is open
    learner = form.children[1].children[0]
    learner.value = "学员-01"
    # the learner's exam borrower (keyed with this machine's course key): a business asks sales, C06 wages
    salaried = ml.exercises.get("ex01").case(ml.gradebook.exam_variant("ex01", "学员-01")).segment == "consumer"
    assert rows["ml-answer-revenue_total"].layout.display == ("none" if salaried else None)
    assert rows["ml-answer-wage_income_total"].layout.display == (None if salaried else "none")
    case_box = next(c for c in form.children if "ml-case-documents" in c._dom_classes)
    assert "ml-reconstruction" in case_box.children[0]._dom_classes
