"""微贷营销 (course 06): the county, the funnel, HHI, strategies, the 围点打援 shock, 整村授信, the campaign rules,
the dashboards' error handling and exercise ex12.

Hand examples use the 示例参数 of ``data/marketing.yaml`` (read from the file here, never from the code's
results); the funnel's shape comes from shared/domain-parts.md §5.1 (100% → 60% → 30% → 15%) and HHI from
its definition (shares 50/30/20 → 0.25 + 0.09 + 0.04 = 0.38).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import marketing
from microloan_sim.errors import InputError

PARAMS = yaml.safe_load((Path(ml.__file__).parent / "data" / "marketing.yaml").read_text(encoding="utf-8"))
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- funnel and HHI (hand examples)

def test_funnel_of_the_domain_example() -> None:
    # domain-parts §5.1: visit → 建档 → 授信 → 用信 100% → 60% → 30% → 15%: of 1,000 visits 600, 300, 150
    assert marketing.funnel(1000, 0.6, 0.5, 0.5) == (1000, 600, 300, 150)


def test_funnel_rounds_half_up_at_each_stage() -> None:
    # 24 × 0.55 = 13.2 → 13; 13 × 0.8 = 10.4 → 10; 10 × 0.9 = 9
    assert marketing.funnel(24, 0.55, 0.8, 0.9) == (24, 13, 10, 9)
    # 30 × 0.35 = 10.5 → 11; 11 × 0.7 = 7.7 → 8; 8 × 0.85 = 6.8 → 7
    assert marketing.funnel(30, 0.35, 0.7, 0.85) == (30, 11, 8, 7)


def test_hhi_hand_examples() -> None:
    assert marketing.hhi([50, 30, 20]) == pytest.approx(0.38)          # 0.25 + 0.09 + 0.04
    assert marketing.hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)       # shares give the same
    assert marketing.hhi([7]) == 1.0                                    # one source of risk
    assert marketing.hhi([1, 1, 1, 1]) == pytest.approx(0.25)           # four equal: 1/4


def test_split_by_largest_remainder() -> None:
    # 200 × (0.85, 0.10, 0.05) = 170, 20, 10 exactly; 10 × (1/3, 1/3, 1/3) = 3.33 each → 4, 3, 3
    assert marketing.split(200, {"farm": 0.85, "household": 0.10, "shop": 0.05}) == {"farm": 170, "household": 20,
                                                                                      "shop": 10}
    assert sorted(marketing.split(10, {"a": 1, "b": 1, "c": 1}).values()) == [3, 3, 4]


@given(reached=st.integers(0, 10**6), a=st.floats(0, 1), b=st.floats(0, 1), c=st.floats(0, 1))
def test_the_funnel_never_increases(reached: int, a: float, b: float, c: float) -> None:
    r, applied, approved, disbursed = marketing.funnel(reached, a, b, c)
    assert r == reached >= applied >= approved >= disbursed >= 0


@given(st.lists(st.floats(0.01, 1e9), min_size=1, max_size=50))
def test_hhi_is_between_one_over_n_and_one(amounts: list[float]) -> None:
    h = marketing.hhi(amounts)
    assert 1 / len(amounts) - 1e-9 <= h <= 1 + 1e-9


# ---------------------------------------------------------------- the county

def test_the_county_has_its_cells() -> None:
    c = marketing.make_county(5)
    county = PARAMS["county"]
    assert len(c.cells) == county["rows"] * county["cols"]
    assert (c.cells["type"] == "market").sum() == 1 and (c.cells["type"] == "cluster").sum() == 1
    villages = c.cells[c.cells["type"] == "village"]
    assert (villages[["farm", "household", "shop"]].sum(axis=1) == county["village_households"]).all()
    market = c.cell("market")
    assert county["market_stalls"][0] <= market["stall"] <= county["market_stalls"][1]
    assert c.cells["supplier"].sum() == c.cell("cluster")["supplier"]          # suppliers only in the 产业园
    assert c.population == int(c.cells["total"].sum())


@given(st.integers(0, 2**40))
@settings(max_examples=20, deadline=None)
def test_the_same_seed_gives_the_same_county(seed: int) -> None:
    assert marketing.make_county(seed).cells.equals(marketing.make_county(seed).cells)


def test_another_seed_gives_another_county() -> None:
    assert not marketing.make_county(1).cells.equals(marketing.make_county(2).cells)


# ---------------------------------------------------------------- strategies (hand examples from the yaml)

def test_chain_hand_example() -> None:
    s = PARAMS["strategies"]["chain"]
    assert (s["setup_days"], s["reach_per_day"], s["setup_cost"]) == (10, 12, 3000)
    r = marketing.simulate_plan({"chain": 12}, seed=0)
    row = r.table.iloc[0]
    # 10 days of set-up, then 2 days × 12 suppliers a day = 24 reached; funnel 24 → 13 → 10 → 9
    assert (row["reached"], row["applied"], row["approved"], row["disbursed"]) == (24, 13, 10, 9)
    # 12 officer-days × 800 元 + one core enterprise's set-up 3,000 元 = 12,600 元; ÷ 9 loans = 1,400 元
    assert row["cost"] == pytest.approx(12 * PARAMS["cost_per_officer_day"] + 3000) == 12_600
    assert row["cost_per_loan"] == pytest.approx(1_400)
    assert set(r.loans["case_id"]) == {"C08"} and set(r.loans["group"]) == {marketing.CORE_GROUP}
    assert r.totals["hhi"] == pytest.approx(1.0)                              # one source of risk


def test_market_hand_example() -> None:
    # 6 days of set-up, then 1 day × 30 stalls: 30 → 11 → 8 → 7; cost 7 × 800 + 5,000 = 10,600 元
    r = marketing.simulate_plan({"market": 7}, seed=0)
    row = r.table.iloc[0]
    assert (row["reached"], row["applied"], row["approved"], row["disbursed"]) == (30, 11, 8, 7)
    assert row["cost"] == pytest.approx(10_600)
    assert set(r.loans["case_id"]) == {"C09"}


def test_setup_alone_reaches_nobody() -> None:
    r = marketing.reach(marketing.make_county(0), "market", 6)
    assert r.units == 1 and r.table.empty


def test_grid_covers_a_cell_before_the_next() -> None:
    county = marketing.make_county(0)
    r = marketing.reach(county, "grid", 200)
    reached = r.table.groupby("group")["reached"].sum()
    cells = county.cells.set_index("label")
    full = [g for g in reached.index if reached[g] == cells.loc[g, ["farm", "household", "shop"]].sum()]
    assert len(full) >= len(reached) - 1                                   # at most the last cell is partial


def test_sweep_spreads_over_the_county() -> None:
    r = marketing.simulate_plan({"sweep": 100}, seed=0)
    assert r.table.iloc[0]["reached"] == 100 * PARAMS["strategies"]["sweep"]["reach_per_day"]
    assert r.totals["hhi"] < 0.2 < marketing.simulate_plan({"market": 100}, seed=0).totals["hhi"]


def test_village_credit_follows_the_farmer_scorecard() -> None:
    county = marketing.make_county(0)
    cell = int(county.cells.query("type == 'village'")["cell"].iloc[0])
    homes = marketing.village_households(0, cell)
    card = ml.rating.load_scorecard("farmer")
    # the grades are the card's bands of the scores (AAA ≥ 90, AA ≥ 80, A ≥ 70, B ≥ 60, C below)
    expected = ["AAA" if s >= 90 else "AA" if s >= 80 else "A" if s >= 70 else "B" if s >= 60 else "C"
                for s in homes["score"]]
    assert list(homes["grade"]) == expected
    assert list(homes["score"]) == list(ml.rating.score_frame(card, homes[[i.source for i in card.indicators]]))
    strict, loose = (marketing.village_credit(0, cell, g) for g in ("A", "B"))
    assert strict["approved"] == sum(strict["by_grade"][g] for g in ("AAA", "AA", "A"))
    assert loose["approved"] == strict["approved"] + loose["by_grade"]["B"]
    assert loose["line_total"] >= strict["line_total"] > 0
    assert (homes.loc[homes["grade"] == "C", "line"] == 0).all()


def test_plan_totals_add_up() -> None:
    r = marketing.simulate_plan({"sweep": 20, "grid": 40, "market": 10, "chain": 15, "village": 30}, seed=3)
    t = r.totals
    for column in ("reached", "applied", "approved", "disbursed", "cost"):
        assert t[column] == pytest.approx(r.table[column].sum())
    assert t["disbursed"] == len(r.loans) == len(r.book.loans)
    assert t["cost_per_loan"] == pytest.approx(t["cost"] / t["disbursed"])
    assert t["coverage"] == pytest.approx(t["reached"] / r.county.population)
    shares = r.loans.groupby("group")["principal"].sum()
    assert t["hhi"] == pytest.approx(float(((shares / shares.sum()) ** 2).sum()))
    assert 0 <= t["par30"] <= 1


@given(days=st.dictionaries(st.sampled_from(marketing.STRATEGIES), st.integers(1, 250), min_size=1, max_size=3),
       seed=st.integers(0, 50))
@SLOW
def test_plan_funnel_never_increases_and_cost_per_loan_is_positive(days: dict[str, int], seed: int) -> None:
    r = marketing.simulate_plan(days, seed)
    for _, row in r.table.iterrows():
        assert row["reached"] >= row["applied"] >= row["approved"] >= row["disbursed"] >= 0
        assert row["days_used"] <= row["days"] + 1e-9
        if row["disbursed"] > 0:
            assert row["cost_per_loan"] > 0


def test_more_days_never_fewer_loans() -> None:
    county = marketing.make_county(2)
    for key in marketing.STRATEGIES:
        counts = [int(marketing.reach(county, key, d).table["disbursed"].sum()) for d in (0, 20, 60, 120, 240)]
        assert counts == sorted(counts), key


def test_days_to_target_is_the_fewest() -> None:
    d = marketing.days_to_target("grid", 50, seed=4)
    assert d is not None
    assert marketing.simulate_plan({"grid": d}, 4).totals["disbursed"] >= 50
    assert marketing.simulate_plan({"grid": d - 1}, 4).totals["disbursed"] < 50


# ---------------------------------------------------------------- the 围点打援 shock

def test_core_delay_moves_money_60_days_later() -> None:
    from types import SimpleNamespace

    inputs = SimpleNamespace(income=np.full((2, 8), 10.0), inflow=np.full((2, 8), 100.0))
    shock = marketing.parameters().core_shock.model_copy(update={"delay_days": 60, "start_month": 3,
                                                                 "duration_months": 2, "pass_through": 0.5})
    out = marketing.core_delay(inputs, np.array([True, False]), shock, shares=np.array([0.8, 0.8]))
    # the supplier loses 0.8 × 100 × (1 − 0.5) = 40 in months 3–4 and gets it back in months 5–6
    assert out.income[0].tolist() == [10, 10, -30, -30, 50, 50, 10, 10]
    assert out.income[1].tolist() == [10.0] * 8                              # not a supplier: untouched
    assert out.income.sum() == pytest.approx(inputs.income.sum())           # late, not lost


def test_the_shock_hurts_the_suppliers_book() -> None:
    r = marketing.simulate_plan({"chain": 30}, seed=0, shock=True)
    t = r.totals
    assert t["par30_peak_shocked"] > t["par30_peak"] + 0.2                   # a supplier crisis
    assert r.shocked.balance.shape == r.book.balance.shape
    calm = marketing.simulate_plan({"grid": 60}, seed=0, shock=True).totals  # no supplier in the book
    assert calm["par30_peak_shocked"] == pytest.approx(calm["par30_peak"])


def test_draw_book_case_mix_draws_only_those_cases() -> None:
    _, loans = ml.performance.draw_book(200, 12, seed=1, case_mix={"C09": 1, "C01": 1})
    assert set(loans["case_id"]) == {"C01", "C09"}
    with pytest.raises(InputError, match="案例库中没有这类客户"):
        ml.performance.draw_book(10, 12, case_mix={"C99": 1})


# ---------------------------------------------------------------- the campaign rules (domain-parts §5.3)

def _check(**kw: object) -> list[str]:
    base = {"channel": "微信群群发", "consent": True, "opt_out": True, "pushes_per_week": 1}
    return [f.rule for f in marketing.check_campaign(marketing.Campaign(**{**base, **kw})).findings]  # type: ignore[arg-type]


def test_a_compliant_campaign_breaks_nothing() -> None:
    assert _check() == []


def test_each_rule_with_its_law() -> None:
    assert _check(opt_out=False) == ["opt_out"]
    assert _check(send_after_refusal=True) == ["after_refusal"]
    assert _check(consent=False) == ["consent"]
    assert _check(personalised=True, opt_out=False) == ["opt_out", "personalised"]
    assert _check(personalised=True, non_personalised_option=True) == []
    assert _check(account_data=True) == ["account_data"]
    assert _check(account_data=True, separate_consent=True) == []
    assert _check(shows_annual_rate=False) == ["annual_rate"]
    assert _check(pushes_per_week=PARAMS["campaign"]["max_pushes_per_week"] + 1) == ["frequency"]
    found = marketing.check_campaign(marketing.Campaign(channel="短信群发", opt_out=False, account_data=True)).findings
    citations = {f.rule: f.citation for f in found}
    assert citations == {"consent": "《个人信息保护法》第十三条", "opt_out": "《银行保险机构消费者权益保护管理办法》",
                         "account_data": "《个人信息保护法》第二十八条、第二十九条"}


def test_visits_need_no_opt_out() -> None:
    assert _check(channel="上门走访（服务进户）", opt_out=False, send_after_refusal=True) == []


# ---------------------------------------------------------------- bad input, in Chinese, naming the field

@pytest.mark.parametrize(("plan", "message"), [
    ({"grid": -5}, "网格化天数：不能小于 0"),
    ({"market": float("nan")}, "批量营销（商圈）天数：缺少数值（NaN）"),
    ({"chain": "十天"}, "产业链（供应链）天数：应为数字，收到了文字“十天”"),
    ({"village": 10**6}, "整村授信天数：不能大于"),
    ({"grid": 0}, "客户经理工作日：至少给一种营销方式安排工作日"),
    ({"telemarketing": 10}, "营销方式：没有“telemarketing”这种营销方式"),
])
def test_bad_plans_are_refused_in_chinese(plan: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("（", r"（").replace("(", r"\(")):
        marketing.simulate_plan(plan)


@pytest.mark.parametrize(("seed", "message"), [(-1, "县域编号：不能小于 0"), ("abc", "县域编号：应为数字"),
                                                (1.5, "县域编号：应为整数"), (float("nan"), "县域编号：缺少数值")])
def test_bad_seeds(seed: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        marketing.make_county(seed)  # type: ignore[arg-type]


def test_bad_funnel_and_hhi_input() -> None:
    with pytest.raises(InputError, match="申请率：不能大于 1"):
        marketing.funnel(10, 1.5, 0.5, 0.5)
    with pytest.raises(InputError, match="贷款金额：不能小于 0"):
        marketing.hhi([10, -1])
    with pytest.raises(InputError, match="贷款金额：应为数字"):
        marketing.hhi(["很多"])


def test_bad_campaign_input() -> None:
    with pytest.raises(InputError, match="每周发送次数：应为数字"):
        marketing.check_campaign(marketing.Campaign(channel="朋友圈", pushes_per_week="每天"))
    with pytest.raises(InputError, match="每周发送次数：缺少数值"):
        marketing.check_campaign(marketing.Campaign(channel="朋友圈", pushes_per_week=None))
    with pytest.raises(InputError, match="营销渠道：没有“传真”这个渠道"):
        marketing.check_campaign(marketing.Campaign(channel="传真"))


def test_a_broken_parameter_file_names_the_file(tmp_path: Path) -> None:
    data = yaml.safe_load((Path(ml.__file__).parent / "data" / "marketing.yaml").read_text(encoding="utf-8"))
    data["core_shock"]["core_share"] = [0.9, 0.2]
    broken = tmp_path / "marketing.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="marketing.yaml"):
        marketing.parameters(broken)


def test_quiz_answers() -> None:
    p = marketing.parameters()
    for topic, quiz in p.quizzes.items():
        shown = marketing.quiz(topic)
        for i, (raw, item) in enumerate(zip(quiz.questions, shown.questions)):
            assert sorted(item.options) == sorted(raw.options)
            assert marketing.check_answer(topic, i, raw.answer)[0]
            assert not any(marketing.check_answer(topic, i, o)[0] for o in raw.options if o != raw.answer)
    firsts = [q.options[0] == q.answer for t in p.quizzes for q in marketing.quiz(t).questions]
    assert not all(firsts)                                                   # the answer is not always first
    with pytest.raises(InputError, match="小测验"):
        marketing.check_answer("linkage", 0, "都不是")


# ---------------------------------------------------------------- dashboards show errors in Chinese

def test_dashboards_show_input_errors_in_chinese() -> None:
    box = ml.ui.campaign_checker()
    text_box = next(w for w in _walk(box) if "ml-per-week" in getattr(w, "_dom_classes", ()))
    text_box.value = "每天"
    html = str(box.children[-1].outputs[0]["data"]["text/html"])
    assert "每周发送次数：应为数字" in html and "Traceback" not in html
    text_box.value = "1"
    summary = box.children[-2]
    assert "data-findings='2'" in summary.value                              # no consent, no opt-out


def test_planner_reacts_to_its_slider() -> None:
    box = ml.ui.marketing_planner({"grid": 40}, ["grid"])
    summary = next(w for w in _walk(box) if "ml-planner-summary" in str(getattr(w, "value", "")))
    before = summary.value
    slider = next(w for w in _walk(box) if "ml-days-grid" in getattr(w, "_dom_classes", ()))
    slider.value = 120
    assert summary.value != before
    expected = int(marketing.simulate_plan({"grid": 120}).totals["disbursed"])
    assert f"data-disbursed='{expected}'" in summary.value


def _walk(widget: object) -> list[object]:
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _walk(child)
    return found


# ---------------------------------------------------------------- exercise ex12

def test_ex12_key_varies_with_the_variant() -> None:
    ex = ml.exercises.get("ex12")
    keys = [ex.expected(v) for v in ("学员-01", "学员-02", "学员-03")]
    assert len({k["grid_loans"] for k in keys}) > 1 or len({k["hhi"] for k in keys}) > 1
    assert ex.expected("学员-01") == keys[0]                                  # stable per learner


def test_ex12_key_follows_the_engine_and_the_briefing() -> None:
    from microloan_sim.exercises.keys_marketing import _marketing_material

    ex = ml.exercises.get("ex12")
    case = ml.casebook.load_case("C08", variant="学员-05")
    m = _marketing_material(case)
    key = ex.expected("学员-05")
    seed = ml.casebook.seed_for("学员-05")
    # the dashboard's 学员编号 box gives the same county as the exercise's variant
    assert case.variant == seed
    grid = marketing.simulate_plan({"grid": m["budget"]}, seed).totals
    assert key["grid_loans"] == grid["disbursed"] and key["grid_cost_per_loan"] == pytest.approx(grid["cost_per_loan"])
    amounts = np.array(list(m["book"].values()))
    assert key["hhi"] == pytest.approx(float(((amounts / amounts.sum()) ** 2).sum()))
    d = key["days_needed"]
    assert marketing.simulate_plan({"grid": d}, seed).totals["disbursed"] >= m["target"]
    assert marketing.simulate_plan({"grid": d - 1}, seed).totals["disbursed"] < m["target"]
    ok = []
    for k in marketing.STRATEGIES:
        t = marketing.simulate_plan({k: m["budget"]}, seed).totals
        if t["disbursed"] >= m["target"] and t["par30"] <= m["par_limit"]:
            ok.append((t["cost_per_loan"], marketing.parameters().strategies[k].label))
    assert key["best_strategy"] == (min(ok)[1] if ok else "没有一种能做到")
    assert 0 < key["chain_peak"] <= 1


def test_ex12_grading() -> None:
    ex = ml.exercises.get("ex12")
    key = ex.expected("学员-07")
    answers = {k: v for k, v in key.items() if v is not None}
    answers["chain_peak"] = f"{key['chain_peak'] * 100:.2f}%"
    answers["plan"] = "以网格化打底，控制产业链比例。"
    result = ex.grade(answers, "学员-07")
    auto = sum(i.points for i in ex.items if i.kind != "text")
    assert result.score == auto                                               # the plan waits for the instructor
    statuses = {f.item_id: f.status for f in result.items}
    assert statuses["plan"] == "manual"
    wrong = dict(answers, grid_loans=key["grid_loans"] + 1, days_needed=key["days_needed"] + 6,
                 best_strategy=next(o for o in ex.items[5].options if o != key["best_strategy"]))
    graded = {f.item_id: f.status for f in ex.grade(wrong, "学员-07").items}
    assert graded["grid_loans"] == graded["days_needed"] == graded["best_strategy"] == "wrong"
    near = ex.grade(dict(answers, days_needed=key["days_needed"] + 5), "学员-07")
    assert {f.item_id: f.status for f in near.items}["days_needed"] == "correct"   # the slider moves by 5 days
    assert math.isclose(ex.grade({}, "学员-07").score, 0)
