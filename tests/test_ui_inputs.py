"""What learners type is read as the page says (issue 12, item 16): number lists and shares with full-width
digits, Chinese commas and percent signs; learner ids normalised, nonsense refused in Chinese."""
from __future__ import annotations

import pytest

from microloan_sim import casebook
from microloan_sim.errors import InputError
from microloan_sim.ui._common import parse_numbers, parse_shares


@pytest.mark.parametrize("typed", ["20, 80", "20%, 80%", "２０，８０", "20%，80%", "０.２、０.８", " 20 80 "])
def test_repayment_shares_accept_what_the_page_suggests(typed: str) -> None:
    assert parse_shares(typed, 2) == pytest.approx([0.2, 0.8])


def test_repayment_shares_refuse_wrong_totals_and_counts_in_chinese() -> None:
    with pytest.raises(InputError, match="还本比例：之和应为 100%"):
        parse_shares("20, 70", 2)
    with pytest.raises(InputError, match="还本比例：填了 3 个比例"):
        parse_shares("20, 30, 50", 2)
    with pytest.raises(InputError, match="还本比例：请用逗号分隔的数字"):
        parse_shares("二十, 八十", 2)


def test_repayment_months_accept_full_width_digits() -> None:
    assert parse_numbers("６，１２", "还本月份") == [6.0, 12.0]


@pytest.mark.parametrize("typed", ["学员０７", " 学员07 ", "学员07\u3000"])
def test_learner_ids_are_normalised_to_one_variant(typed: str) -> None:
    assert casebook.normalize_learner_id(typed) == "学员07"
    assert casebook.seed_for(typed) == casebook.seed_for("学员07")


@pytest.mark.parametrize("typed", ["!!!@@@", "   ", "——", "x" * 65])  # over MAX_LEARNER_ID (64)
def test_nonsense_learner_ids_are_refused_with_a_chinese_message(typed: str) -> None:
    with pytest.raises(InputError, match="学员编号"):
        casebook.seed_for(typed)


def test_the_schedule_explorer_takes_percent_shares() -> None:
    import contextlib
    import io

    from microloan_sim.ui.products import schedule_explorer

    with contextlib.redirect_stdout(io.StringIO()):
        box = schedule_explorer("按季节还本", principal=100_000, annual_rate=0.045, months=12)
    shares = next(w for w in box.children[2].children if "ml-shares" in w._dom_classes)
    shares.value = "20%, 80%"
    output = box.children[-1]
    html = "".join(o["data"].get("text/html", "") for o in output.outputs)
    assert "class=\"ml-error\"" not in html and "20,000.00" in html and "80,000.00" in html


def test_approval_chart_legend_has_only_chinese_labels() -> None:
    """The threshold marker used to reach the legend as matplotlib's internal name "_child3"."""
    import matplotlib.pyplot as plt

    from microloan_sim import rating
    from microloan_sim.ui.rating import approval_chart

    sim = rating.approval_simulation("statistical")
    fig = approval_chart(sim, float(sim.best["分数线"]))
    labels = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    plt.close(fig)
    assert labels and not [t for t in labels if t.startswith("_")], labels
    assert "盈亏平衡违约率" in labels


def test_the_product_multi_select_says_how_to_pick_several() -> None:
    import contextlib
    import io

    import ipywidgets as widgets

    from microloan_sim.ui.products import product_comparator

    with contextlib.redirect_stdout(io.StringIO()):
        box = product_comparator("C01")
    row = box.children[1]
    assert isinstance(row.children[0], widgets.SelectMultiple)
    hint = " ".join(w.value for w in row.children[1].children if isinstance(w, widgets.HTML))
    assert "Ctrl" in hint and "多选" in hint


def test_the_comparators_folded_sections_are_built_when_opened_and_then_work() -> None:
    """The fee editor and the bank's view cost no widgets until a learner opens them; opened, they edit the
    comparison. Hand check (data/products/_bank.yaml: LGD 60 %): 100,000 元 × PD 10 % × LGD 60 % = 6,000 元
    expected loss; 政府性融资担保贷款's guarantee fee is 1 % a year."""
    import contextlib
    import io

    import ipywidgets as widgets

    from microloan_sim.ui.products import product_comparator

    with contextlib.redirect_stdout(io.StringIO()):
        box = product_comparator(None, ["gov_guarantee_loan"], principal=100_000, months=12)
    accordion = box.children[-1]
    assert accordion.titles == ("调整一个产品的利率和费用", "银行视角：风险分担后的损失与收益")
    assert [section.children for section in accordion.children] == [(), ()]
    accordion.selected_index = 1
    bank = accordion.children[1].children[0]
    pd_slider, lgd_slider = bank.children[0].children
    assert "1,800" in bank.children[1].outputs[0]["data"]["text/html"]   # default PD 3 %: 100,000 × 3 % × 60 %
    pd_slider.value = 10.0
    assert "6,000" in bank.children[1].outputs[0]["data"]["text/html"]
    accordion.selected_index = 0
    fees = accordion.children[0].children[0]
    guarantee = next(w for w in fees.children if "ml-fee-guarantee-fee" in w._dom_classes)
    assert isinstance(guarantee, widgets.FloatSlider) and guarantee.value == pytest.approx(1.0)
    before = box.children[3].value
    guarantee.value = 2.0
    assert "（已调整）" in box.children[3].value and box.children[3].value != before
    accordion.selected_index = 1
    assert accordion.children[1].children[0] is bank    # built once; opening it again keeps the learner's PD
    assert pd_slider.value == 10.0
