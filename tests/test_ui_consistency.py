"""The same quantity must not show different values without saying why (issue 12, item 17).

存货周转天数 of C01 is computed three ways in the course (04b 交叉验证, 04c 报表编制, 04e 额度测算); each page must
name its definition, and each number must be what that definition gives from the case's own data. 05c's
有房贷 card and the comparison table disagree because of the term; the table must say so.
"""
from __future__ import annotations

import contextlib
import io
import re

import ipywidgets as widgets
import pytest

import microloan_sim as ml
from microloan_sim.labels import TURNOVER_DEFINITIONS


def _text(widget: widgets.Widget) -> str:
    parts: list[str] = []

    def walk(node: widgets.Widget) -> None:
        if isinstance(node, widgets.HTML):
            parts.append(node.value)
        if isinstance(node, widgets.Output):
            parts.extend(o["data"].get("text/html", "") for o in node.outputs)
        for child in getattr(node, "children", ()) or ():
            walk(child)

    walk(widget)
    return re.sub(r"<[^>]+>", " ", "\n".join(parts))


@pytest.fixture(scope="module")
def c01() -> ml.casebook.Case:
    return ml.casebook.load_case("C01")


def test_statement_ratios_name_the_closing_balance_definition(c01) -> None:  # type: ignore[no-untyped-def]
    from microloan_sim.ui.statements import ratio_table

    table = ratio_table(c01)
    row = table.loc["存货周转天数"]
    assert row["口径"] == TURNOVER_DEFINITIONS["statements"] and "期末" in row["口径"]
    # the definition, from the case's own statements: closing inventory ÷ average monthly cost of sales × 30
    closing = ml.statements.balance_sheet(c01).items["inventory"]
    monthly_cogs = ml.statements.income_statement(c01).monthly["cost_of_goods_sold"].iloc[-12:].mean()
    assert row["数值"] == f"{closing / monthly_cogs * 30:.1f} 天"


def test_crosscheck_names_the_claimed_definition(c01) -> None:  # type: ignore[no-untyped-def]
    result = next(r for r in ml.crosscheck.run_all(c01) if r.method == "inventory_days")
    assert "申报口径" in result.explanation or "申报口径" in result.basis


def test_sizing_names_the_average_definition(c01) -> None:  # type: ignore[no-untyped-def]
    with contextlib.redirect_stdout(io.StringIO()):
        box = ml.ui.sizing_calculator("C01")
        box.children[-1].selected_index = 0  # the learner opens the details (worked out when first opened)
    text = _text(box)
    assert "存货周转天数" in text and "平均口径" in text and "期末口径" in text and "申报口径" in text


def test_three_turnover_values_differ_only_by_definition(c01) -> None:  # type: ignore[no-untyped-def]
    """The sizing value is the average-balance definition, recomputed here from the ledger."""
    wc = ml.sizing.case_working_capital(c01)
    ledger = c01.records.iloc[-12:]
    average_inventory = ledger["inventory"].mean()
    assert wc.days.days_inventory == pytest.approx(average_inventory * 360 / wc.cost_of_sales, rel=1e-9)


def test_comparison_explains_why_the_house_loan_differs_from_its_card() -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        box = ml.ui.product_comparator("C01", ["salary_loan", "house_owner_loan"])
    text = _text(box)
    card = ml.products.assess("house_owner_loan", ml.casebook.load_case("C01"))
    here = ml.products.compare(["house_owner_loan"], 100_000, 12, borrower=ml.casebook.load_case("C01"))
    assert round(card.amount) != round(here["可贷额度（元）"].iloc[0])
    assert f"{card.amount:,.0f}" in text and f"{here['可贷额度（元）'].iloc[0]:,.0f}" in text
    assert "期限" in text and "有房贷" in text


@pytest.mark.parametrize("variant", [None, "学员07"])
def test_a_learner_variant_says_the_story_numbers_are_canonical(variant: str | None) -> None:
    """C01's interview says the freezer cost 1.8 万元; a variant rescales the records, not the borrower's words,
    so wherever a variant's interview is shown the page says so (issue 12, item 18)."""
    from microloan_sim.labels import CANONICAL_STORY_NOTE
    from microloan_sim.ui.casebook import _interview_html
    from microloan_sim.ui.exercises import documents_view

    case = ml.casebook.load_case("C01", variant=variant)
    assert "1.8 万元" in case.interview
    for page in (documents_view(case), _interview_html(case)):
        assert (CANONICAL_STORY_NOTE in page) == (variant is not None)
