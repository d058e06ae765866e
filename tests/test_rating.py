"""Credit rating (domain §4): scorecards as data, grades, lines, reason codes, what-ifs, bad cards, statistics."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim.ui._common import with_class
from microloan_sim import rating
from microloan_sim.errors import InputError

CARDS = rating.SCORECARD_DIR
BUSINESS_YAML = (CARDS / "business.yaml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- domain §4.2 and grade bands

def test_domain_example_81_is_aa() -> None:
    assert rating.load_scorecard("农户").grade_for(81).grade == "AA"


SIX_BLOCKS = """
id: six_blocks
name: 六方面示例卡
segments: [farm]
total: 100
indicators:
{indicators}
grades:
  - {{grade: AAA, min: 90, max: 100}}
  - {{grade: AA, min: 80, max: 90}}
  - {{grade: A, min: 70, max: 80}}
  - {{grade: B, min: 60, max: 70}}
  - {{grade: C, min: 0, max: 60}}
credit_line:
  terms: [{{source: answer.annual_income, multiple: 2}}, {{source: answer.net_worth, multiple: 0.5}}]
  coefficients: {{AAA: 1.0, AA: 0.8, A: 0.6, B: 0.3, C: 0}}
"""
BLOCKS = [("credit_history", 25), ("capacity", 25), ("net_worth_score", 15), ("experience", 10),
          ("character", 15), ("collateral", 10)]


def _six_block_card(tmp_path: Path) -> rating.Scorecard:
    lines = "\n".join(
        f"  - {{key: {k}, name: {k}, source: answer.{k}, max_points: {w}, default: 0, linear: {{from: 0, to: 1}}, "
        f"reason: 未完全达标}}" for k, w in BLOCKS)
    path = tmp_path / "six.yaml"
    path.write_text(SIX_BLOCKS.format(indicators=lines), encoding="utf-8")
    return rating.load_scorecard(path)


def test_domain_example_block_fulfilment_gives_81_and_line(tmp_path: Path) -> None:
    # 25×1.0 + 25×0.8 + 15×0.6 + 10×1.0 + 15×0.8 + 10×0.5 = 25 + 20 + 9 + 10 + 12 + 5 = 81 → AA
    card = _six_block_card(tmp_path)
    answers = {f"answer.{k}": v for (k, _), v in zip(BLOCKS, [1.0, 0.8, 0.6, 1.0, 0.8, 0.5])}
    # line: min(2 × 49,000, 0.5 × 200,000) = 98,000 × 0.8 = 78,400 (the §3.3 example through a card)
    result = rating.rate_answers(card, {**answers, "answer.annual_income": 49_000, "answer.net_worth": 200_000})
    assert (result.score, result.grade, result.credit_line) == (81, "AA", 78_400)
    # the reason codes are the blocks that lost most: net worth −6, then the −5 ties in card order (capacity, collateral)
    assert [r.code for r in result.reasons] == ["net_worth_score", "capacity", "collateral"]
    assert result.reasons[0].lost == pytest.approx(6)


@pytest.mark.parametrize(("score", "grade"), [(100, "AAA"), (90, "AAA"), (89.99, "AA"), (80, "AA"), (79.5, "A"),
                                              (70, "A"), (60, "B"), (59.99, "C"), (0, "C")])
def test_grade_band_edges(score: float, grade: str) -> None:
    assert rating.load_scorecard("business").grade_for(score).grade == grade


def test_score_outside_the_range_is_refused() -> None:
    with pytest.raises(InputError, match="得分"):
        rating.load_scorecard("business").grade_for(101)


# --------------------------------------------------------------------------- the cases, by hand

def test_c01_business_card_by_hand() -> None:
    # From case.yaml and the statements (balance sheet incl. household: debt ratio 152,400 / 1,087,591 = 14.0%,
    # current ratio 266,791 / 128,400 = 2.08; disposable 84,591 / 12 = 7,049.25 a month):
    #   years 8 → 7 | 租赁 → 2 | 行业一般 → 2 | debt 14% → 10 | current 2.08 → 5
    #   equity deviation from the borrower's claims (权益交叉检验, domain §2.2): opening equity 829,600 + claimed
    #   profit 311,103 + principal repaid 21,000 = 1,161,703 expected vs 935,191 actual → 226,512 ÷ 12 months
    #   ÷ (311,103 ÷ 12) = 72.8 % ≥ 20 % → 0 (the statements' own equity link ties by construction: never use it)
    #   disposable / instalment: EMI(150,000, 7.2%, 12) = 1.5 × 8,661.90 = 12,992.85 → 7,049.25 / 12,992.85
    #   = 0.54 → 0 | overdue 0 → 10 | max days 0 → 5 | current 否 → 4 | inquiries 1 → 3 | 4 years with bank → 3
    #   reputation 好 → 6 | family 好 → 4 | 保证人 → 3                      total 64 → B
    r = rating.rate(ml.casebook.load_case("C01"), "business")
    assert r.score == 64
    assert (r.grade, r.grade_label) == ("B", "一般")
    assert r.answers["derived.equity_check_deviation"] == pytest.approx(226_512 / 311_103, abs=1e-3)
    assert r.answers["derived.disposable_to_instalment"] == pytest.approx(7_049.25 / 12_992.85, abs=1e-3)
    # line: min(2 × 84,591, 0.5 × 935,191) = 169,182 × 0.4 (B) = 67,672.8 → 67,600 (rounded down to 100)
    assert r.credit_line == 67_600
    assert r.breakdown["得分"].sum() == pytest.approx(r.score)
    assert r.breakdown["满分"].sum() == 100
    assert list(r.breakdown.columns) == ["类别", "指标", "取值", "得分", "满分", "扣分", "数据来源"]
    # reasons: −20 (capacity), −10 (equity check), then the −2 ties in card order: premises first
    assert [x.code for x in r.reasons] == ["disposable_to_instalment", "equity_check", "premises"]
    assert "还款能力不足" in r.reasons[0].text and "扣 20 分" in r.reasons[0].text


def test_c03_farmer_card_by_hand() -> None:
    # credit 10 + 5 + 5 + 5 (8 years with bank) = 25
    # per-capita net income (60,680 + 31,200) / 4 = 22,970 → 7 | debt 20,000 / 636,980 = 3% → 7
    # annual disposable 49,980 / request 120,000 = 0.42 → 3 | net assets 616,980 → 15
    # 12 years → 7 | 2 labourers → 3 | 好 → 8 | 一般 → 2 | 52 years resident → 3 | 保证人 → 5   total 85 → AA
    # (the herd is sold in December, so the guarantee is a fellow farmer's, not 活体: issue 12 item 10)
    r = rating.rate(ml.casebook.load_case("C03"), "农户")
    assert (r.score, r.grade) == (85, "AA")
    # line (sizing.yaml farmer_line): min(2 × 49,980, 0.5 × 616,980) = 99,960 × 0.8 = 79,968 → 79,900
    assert r.credit_line == 79_900


def test_what_if_overrides_change_one_answer() -> None:
    case = ml.casebook.load_case("C01")
    base = rating.rate(case, "business")
    # 3 overdues: 10 → 0 points, 64 → 54 → C
    worse = rating.rate(case, "business", overrides={"credit.overdue_times_24m": 3})
    assert (worse.score, worse.grade) == (54, "C")
    assert worse.breakdown.loc["overdue_times", "取值"] == "3 次"
    # by indicator key, and a category: reputation 差 costs 6
    assert rating.rate(case, "business", overrides={"reputation": "差"}).score == base.score - 6
    # the what-if does not touch the case: rating again gives the original score
    assert rating.rate(case, "business").score == base.score
    # C (below 60) gets no line
    bad = rating.rate(case, "business", overrides={"credit.current_overdue": True, "overdue_times": 5,
                                                   "credit.max_overdue_days": 120, "reputation": "差"})
    assert bad.grade == "C" and bad.credit_line == 0


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"credit.current_overdue": "也许"}, "当前是否逾期（current_overdue）：“也许”不在评分表中"),
    ({"credit.overdue_times_24m": "三次"}, "近 24 个月逾期次数（overdue_times）：应为数字"),
    ({"credit.overdue_times_24m": -1}, "超出评分表的范围"),
    ({"credit.overdue_times_24m": float("nan")}, "缺少数值"),
    ({"credit.no_such_field": 1}, "credit.no_such_field"),
])
def test_bad_override_gives_a_chinese_error(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError, match=re.escape(fragment)):
        rating.rate(ml.casebook.load_case("C01"), "business", overrides=overrides)


@pytest.mark.parametrize(("alias", "card_id"), [("小微企业", "business"), ("个体工商户", "business"),
                                                ("农户", "farmer"), ("个人消费", "consumer"), ("Business", "business")])
def test_chinese_aliases(alias: str, card_id: str) -> None:
    assert rating.load_scorecard(alias).id == card_id


def test_card_must_fit_the_segment() -> None:
    with pytest.raises(InputError, match="案例 C03 是农户"):
        rating.rate(ml.casebook.load_case("C03"), "小微企业")
    with pytest.raises(InputError, match="没有“房贷”"):
        rating.rate(ml.casebook.load_case("C01"), "房贷")


def test_every_case_can_be_rated_with_every_applicable_card() -> None:
    for case_id in ml.casebook.list_cases()["id"]:
        for variant in (None, 3, "学员-02"):
            case = ml.casebook.load_case(case_id, variant=variant)
            ids = rating.applicable_scorecards(case)
            assert ids and ids[0] == rating.default_scorecard(case)
            for card_id in ids:
                card = rating.load_scorecard(card_id)
                r = rating.rate(case, card_id)
                assert 0 <= r.score <= card.total
                assert r.grade in {g.grade for g in card.grades}
                assert r.credit_line >= 0
                assert len(r.breakdown) == len(card.indicators)
                assert all(reason.lost > 0 for reason in r.reasons)


def test_vectorised_scoring_matches_rate_answers() -> None:
    portfolio = rating.simulate_portfolio(40, seed=5)
    vector = rating.score_frame("business", portfolio)
    card = rating.load_scorecard("business")
    sources = [ind.source for ind in card.indicators]
    for i in range(len(portfolio)):
        answers = {s: portfolio[s].iloc[i] for s in sources}
        answers.update({"derived.annual_disposable": 100_000, "derived.net_assets": 300_000})
        assert rating.rate_answers(card, answers).score == pytest.approx(vector[i])


@settings(max_examples=40, deadline=None)
@given(overdue=st.integers(0, 20), extra=st.integers(1, 20))
def test_more_overdues_never_raise_the_score(overdue: int, extra: int) -> None:
    case = ml.casebook.load_case("C02")
    fewer = rating.rate(case, "business", overrides={"credit.overdue_times_24m": overdue})
    more = rating.rate(case, "business", overrides={"credit.overdue_times_24m": overdue + extra})
    assert more.score <= fewer.score


# --------------------------------------------------------------------------- discovery

def test_instructor_adds_a_card_by_dropping_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BUSINESS_YAML.replace("id: business", "id: business_strict").replace(
        "name: 小微企业（个体工商户）评分卡", "name: 从严版经营贷评分卡").replace(
        "aliases: [小微企业, 个体工商户, 小微企业（个体工商户）, 经营类]", "aliases: [从严版]").replace(
        "default_for: [business]", "default_for: []")
    (tmp_path / "strict.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(rating.SCORECARDS_ENV, str(tmp_path))
    assert "business_strict" in set(rating.list_scorecards()["id"])
    case = ml.casebook.load_case("C01")
    assert rating.applicable_scorecards(case)[0] == "business"
    assert rating.rate(case, "从严版").score == rating.rate(case, "business").score


def test_duplicate_id_or_alias_across_files_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "copy.yaml").write_text(BUSINESS_YAML, encoding="utf-8")
    monkeypatch.setenv(rating.SCORECARDS_ENV, str(tmp_path))
    with pytest.raises(InputError, match=re.escape("文件 copy.yaml：评分卡 id “business” 与 business.yaml 重复")):
        rating.list_scorecards()
    (tmp_path / "copy.yaml").write_text(BUSINESS_YAML.replace("id: business", "id: business_copy"), encoding="utf-8")
    with pytest.raises(InputError, match="已被评分卡 business 使用"):
        rating.load_scorecard("business")


def test_sources_vocabulary_and_points_table() -> None:
    vocabulary = rating.sources()
    assert {"ratio.debt_ratio", "credit.overdue_times_24m", "borrower.years_in_business",
            "soft_information.reputation", "derived.disposable_to_instalment"} <= set(vocabulary.index)
    table = rating.load_scorecard("business").points_table()
    assert table.groupby("指标")["得分"].max().sum() == 100
    assert "≥ 10 年" in set(table["档位/取值"])
    overview = rating.load_scorecard("business").overview()
    assert overview["满分"].sum() == 100 and len(overview) == 15
    assert overview.loc["debt_ratio", "评分标准"] == "0% – 30%（不含）：10 分；30% – 50%（不含）：7 分；50% – 70%（不含）：3 分；≥ 70%：0 分"


def test_cards_are_marked_illustrative() -> None:
    for card_id in rating.list_scorecards()["id"]:
        card = rating.load_scorecard(card_id)
        assert card.illustrative
        assert "示例参数" in Path(card.file).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- bad scorecards

def _bad_card(tmp_path: Path, old: str, new: str, name: str = "bad.yaml") -> Path:
    assert old in BUSINESS_YAML, old
    path = tmp_path / name
    path.write_text(BUSINESS_YAML.replace(old, new, 1), encoding="utf-8")
    return path


BAD_CARDS = [
    # overlapping bands: AA reaches into AAA
    ("{grade: AA, label: 良好, min: 80, max: 90}", "{grade: AA, label: 良好, min: 80, max: 95}",
     "grades：等级 AA [80, 95) 与 AAA [90, 100) 的分数段重叠"),
    # a gap between B and A
    ("{grade: A, label: 较好, min: 70, max: 80}", "{grade: A, label: 较好, min: 72, max: 80}",
     "grades：等级 B 与 A 之间有空档：70 到 72 分没有等级"),
    ("{grade: C, label: 较差（不予授信）, min: 0, max: 60}", "{grade: C, label: 较差（不予授信）, min: 10, max: 60}",
     "grades：等级分数段应从 0 分开始"),
    ("{grade: AAA, label: 优秀, min: 90, max: 100}", "{grade: AAA, label: 优秀, min: 90, max: 110}",
     "grades：最高等级 AAA 的上限 110 应等于 total（100 分）"),
    # points not adding up: one indicator worth 12 instead of 10
    ("    max_points: 10\n    bins:\n      - {min: 0, max: 0.30, points: 10}",
     "    max_points: 12\n    bins:\n      - {min: 0, max: 0.30, points: 12}",
     "indicators：各指标满分合计 102 分，与 total（100 分）不符"),
    ("total: 100", "total: 95", "各指标满分合计 100 分，与 total（95 分）不符"),
    # a table whose best answer is below max_points
    ("    categories: {好: 6, 一般: 3, 差: 0}", "    categories: {好: 5, 一般: 3, 差: 0}",
     "indicators.12：指标 reputation（口碑（邻里、上下游评价））：评分表最高得分 5 应等于 max_points 6"),
    # unknown source
    ("source: credit.overdue_times_24m", "source: credit.overdue_times_36m",
     "indicators.7.source：未知的数据来源“credit.overdue_times_36m”"),
    ("source: credit.overdue_times_24m", "source: borrower.income", "未知的数据来源“borrower.income”"),
    # overlapping and gapped bins
    ("      - {min: 0.30, max: 0.50, points: 7}", "      - {min: 0.25, max: 0.50, points: 7}",
     "指标 debt_ratio（资产负债率）：第 1 档 [0, 0.3) 与第 2 档 [0.25, 0.5) 重叠"),
    ("      - {min: 0.30, max: 0.50, points: 7}", "      - {min: 0.35, max: 0.50, points: 7}",
     "指标 debt_ratio（资产负债率）：第 1 档与第 2 档之间有空档 [0.3, 0.35)"),
    ("      - {min: 1, max: 3, points: 3}", "      - {min: 3, max: 1, points: 3}", "第 2 档的下限 3 应小于上限 1"),
    # bins on a category source; categories missing a value
    ("    categories: {好: 4, 一般: 2, 差: 0}\n    reason: 家庭关系",
     "    bins: [{min: 0, points: 4}]\n    reason: 家庭关系", "来源 soft_information.family_stability 是分类数据，应使用 categories"),
    ("    categories: {好: 6, 一般: 3, 差: 0}", "    categories: {好: 6, 一般: 3}", "categories 缺少“差”"),
    ("    categories: {否: 4, 是: 0}", "    categories: {否: 4, 是: 0}\n    bins: [{min: 0, points: 4}]",
     "应且只应有 bins、categories、linear 中的一种评分表"),
    # credit line grades
    ("caps: {AAA: 1000000, AA: 600000, A: 300000, B: 100000, C: 0}",
     "caps: {AAA: 1000000, AA: 600000, A: 300000, B: 100000, D: 0}", "credit_line：caps 中有未定义的等级：D"),
    ("coefficients: {AAA: 1.0, AA: 0.8, A: 0.6, B: 0.4, C: 0}", "coefficients: {AAA: 1.0, AA: 0.8, A: 0.6, B: 0.4}",
     "credit_line：coefficients 应列出每个等级"),
    ("coefficients: {AAA: 1.0, AA: 0.8, A: 0.6, B: 0.4, C: 0}", "coefficients: {AAA: 1.5, AA: 0.8, A: 0.6, B: 0.4, C: 0}",
     "等级 AAA 的系数应在 0 到 1 之间"),
    # schema problems: duplicate key, unknown field, answer without default, text where a number belongs
    ("  - key: premises", "  - key: years_in_business", "indicators：指标 key 重复：years_in_business"),
    ("    block: 经营情况\n    source: borrower.years_in_business",
     "    blok: 经营情况\n    source: borrower.years_in_business", "indicators.0.blok：未知字段"),
    ("source: soft_information.industry_outlook", "source: answer.outlook",
     "来源 answer.outlook 由信贷员填写，需要给出 default"),
    ("    max_points: 8\n", "    max_points: 八\n", "indicators.0.max_points：应为数字"),
    ("source: soft_information.industry_outlook", "source: answer.outlook\n    default: 很好",
     "default “很好”在评分表中没有对应的得分"),
    ("source: ratio.debt_ratio", "source: answer.debt\n    default: -0.5", "default “-0.5”在评分表中没有对应的得分"),
    ("  method: equal_installment", "  method: 随心还", "assumptions.method"),
    # broken YAML
    ("grades:\n", "grades: [\n", "YAML 格式错误"),
]


@pytest.mark.parametrize(("old", "new", "fragment"), BAD_CARDS)
def test_bad_scorecard_names_file_and_key(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    path = _bad_card(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        rating.load_scorecard(path)
    message = str(info.value)
    assert message.startswith("文件 bad.yaml：")
    assert fragment in message


def test_bad_card_dropped_in_the_folder_is_reported_by_discovery(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _bad_card(tmp_path, "total: 100", "total: 95", name="instructor_draft.yaml")
    monkeypatch.setenv(rating.SCORECARDS_ENV, str(tmp_path))
    with pytest.raises(InputError, match="文件 instructor_draft.yaml：indicators"):
        rating.list_scorecards()


def test_card_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InputError, match="文件 list.yaml：内容应为键值表"):
        rating.load_scorecard(path)


def test_farmer_line_rule_must_not_repeat_parameters(tmp_path: Path) -> None:
    text = (CARDS / "farmer.yaml").read_text(encoding="utf-8").replace(
        "  rule: farmer_line\n", "  rule: farmer_line\n  coefficients: {AAA: 1}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="farmer_line 中，这里不要再写"):
        rating.load_scorecard(path)


# --------------------------------------------------------------------------- statistical scorecard

def test_auc_and_ks_by_hand() -> None:
    # scores (higher = safer) 4, 3, 2, 1 with defaults at 3 and 1:
    # (bad, good) pairs ranked right: (3 vs 4), (1 vs 4), (1 vs 2); wrong: (3 vs 2) → AUC 3/4
    # riskiest first: 1 bad (tpr ½, fpr 0), 2 good (½, ½), 3 bad (1, ½), 4 good (1, 1) → KS = ½
    assert rating.auc_ks([0, 1, 0, 1], [4, 3, 2, 1]) == pytest.approx((0.75, 0.5))


def test_simulation_is_deterministic_and_plausible() -> None:
    a = rating.simulate_portfolio(2000, seed=9)
    assert a.equals(rating.simulate_portfolio(2000, seed=9))
    assert not a.equals(rating.simulate_portfolio(2000, seed=10))
    assert 0.03 < a["default"].mean() < 0.2
    card = rating.load_scorecard("business")
    assert {ind.source for ind in card.indicators} <= set(a.columns)
    # the simulated answers can all be scored by the expert card
    assert np.isfinite(rating.score_frame(card, a)).all()


def test_points_are_scaled_by_pdo_and_odds() -> None:
    stat = rating.fit_statistical_scorecard(n=3000, seed=4)
    params = rating.statistical_parameters().scaling
    # 600 points at odds 50:1 and +20 points each time the odds double
    assert stat.factor == pytest.approx(20 / np.log(2))
    assert stat.offset + stat.factor * np.log(50) == pytest.approx(params.base_points)
    data = rating.simulate_portfolio(200, seed=8)
    scores = stat.score(data)
    pd_hat = stat.predict_pd(data)
    odds = (1 - pd_hat) / pd_hat
    assert scores == pytest.approx(600 + 20 * np.log2(odds / 50))
    assert {"特征", "分箱", "样本数", "违约率", "WoE", "分值"} == set(stat.table.columns)
    assert stat.table["样本数"].groupby(stat.table["特征"]).sum().eq(3000).all()


def test_statistical_card_uses_scikit_learn_weights() -> None:
    from sklearn.linear_model import LogisticRegression

    train = rating.simulate_portfolio(1500, seed=12)
    stat = rating.fit_statistical_scorecard(train)
    woe = np.column_stack([stat.bins[f].transform(train[f]) for f in stat.features])
    reference = LogisticRegression(C=rating.statistical_parameters().model.C, max_iter=2000).fit(woe, train["default"])
    assert list(stat.coefficients.values()) == pytest.approx(list(reference.coef_[0]), rel=1e-6)


def test_expert_vs_statistical_on_held_out_data() -> None:
    comparison = rating.compare_expert_vs_statistical(n_train=5000, n_test=5000, seed=2024)
    assert 0.6 < comparison.expert_auc < comparison.statistical_auc <= comparison.true_auc + 0.01
    assert 0 < comparison.expert_ks < 1 and 0 < comparison.statistical_ks < 1
    assert list(comparison.table.columns) == ["AUC", "KS"]
    assert rating.compare_expert_vs_statistical(n_train=5000, n_test=5000, seed=2024) is comparison  # cached


def test_small_training_samples_degrade_the_statistical_card() -> None:
    table = rating.data_size_effect([100, 5000], repeats=8, seed=2024)
    small, large = table["统计评分卡 AUC（平均）"]
    expert = table["专家评分卡 AUC"].iloc[0]
    assert small < expert < large  # the teaching point: with few borrowers, the expert card wins
    assert table.loc[0, "最高"] - table.loc[0, "最低"] > table.loc[1, "最高"] - table.loc[1, "最低"]


def test_statistical_fit_needs_both_classes_and_columns() -> None:
    data = rating.simulate_portfolio(100, seed=1)
    with pytest.raises(InputError, match="违约 0 户"):
        rating.fit_statistical_scorecard(data.assign(default=0))
    with pytest.raises(InputError, match="训练数据缺少列：default"):
        rating.fit_statistical_scorecard(data.drop(columns="default"))
    with pytest.raises(InputError, match="只能是 0"):
        rating.fit_statistical_scorecard(data.assign(default=2))
    with pytest.raises(InputError, match="样本量"):
        rating.simulate_portfolio(0)


def test_bad_statistical_parameters_name_file_and_key(tmp_path: Path) -> None:
    source = Path(ml.__file__).parent / "data" / rating.STATISTICAL_FILE
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["latent_model"]["terms"][0]["feature"] = "credit.shoe_size"
    path = tmp_path / "stat.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=re.escape("文件 stat.yaml：latent_model.terms.0：模拟客户群没有特征“credit.shoe_size”")):
        rating.statistical_parameters(path)
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["scaling"]["pdo"] = -20
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="scaling.pdo"):
        rating.statistical_parameters(path)


def test_unseen_category_gets_zero_woe() -> None:
    stat = rating.fit_statistical_scorecard(n=1000, seed=2)
    bins = stat.bins["derived.guarantee_type"]
    assert bins.transform(pd.Series(["金条"]))[0] == 0


# --------------------------------------------------------------------------- approval threshold (05a)

_ECON = rating.ApprovalEconomics(loan_amount=10_000, term_months=12, annual_rate=0.12, funding_cost=0.02,
                                 operating_cost=0, lgd=0.5)


def test_approval_tradeoff_by_hand() -> None:
    # repaid loan earns 10,000 × (12% − 2%) = 1,000; a default loses 10,000 × 50% = 5,000
    assert _ECON.profit_if_repaid == pytest.approx(1_000)
    assert _ECON.loss_if_default == 5_000
    assert _ECON.break_even_default_rate == pytest.approx(1_000 / 6_000)
    t = rating.approval_tradeoff([500, 600, 700, 800], [1, 0, 1, 0], [400, 600, 650, 900], _ECON)
    # 400: all four, two defaults: 2×1,000 − 2×5,000; 600 (tie is approved): 600/700/800, one default;
    # 650: 700/800, one default; 900: nobody
    assert t["通过户数"].tolist() == [4, 3, 2, 0]
    assert t["通过率"].tolist() == [1.0, 0.75, 0.5, 0.0]
    assert t["净收益"].tolist() == [-8_000, -3_000, -4_000, 0]
    assert t["通过户违约率"].iloc[:3].tolist() == pytest.approx([0.5, 1 / 3, 0.5])
    assert np.isnan(t["通过户违约率"].iloc[3]) and np.isnan(t["拒绝户违约率"].iloc[0])
    assert t["拒绝户违约率"].iloc[1:].tolist() == pytest.approx([1.0, 0.5, 0.5])
    assert t["放款总额"].tolist() == [40_000, 30_000, 20_000, 0]
    assert tuple(t.columns) == rating.APPROVAL_COLUMNS


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(300, 900), st.integers(0, 1)), min_size=1, max_size=60),
       st.lists(st.integers(250, 950), min_size=1, max_size=12))
def test_approval_tradeoff_identities(applicants: list[tuple[int, int]], cuts: list[int]) -> None:
    scores = np.array([a[0] for a in applicants], dtype=float)
    defaults = np.array([a[1] for a in applicants])
    cuts = sorted(cuts)
    t = rating.approval_tradeoff(scores, defaults, cuts, _ECON)
    for row, cut in zip(t.itertuples(index=False), cuts):
        approved = scores >= cut
        assert row[1] == approved.sum()  # brute-force count, the table is vectorised
        bad_in, bad_out = defaults[approved].sum(), defaults[~approved].sum()
        assert bad_in + bad_out == defaults.sum()
        assert row[6] == pytest.approx((approved.sum() - bad_in) * 1_000 - bad_in * 5_000)
    assert t["通过户数"].is_monotonic_decreasing  # a higher threshold never approves more


def test_approval_simulation_on_held_out_applicants() -> None:
    for model in rating.APPROVAL_MODELS:
        sim = rating.approval_simulation(model)
        assert sim.table["通过率"].iloc[0] == 1.0 and sim.table["通过率"].is_monotonic_decreasing
        # a ranking model: the strictest threshold approves a safer group than approving everyone
        assert sim.table["通过户违约率"].iloc[-1] < sim.table["通过户违约率"].iloc[0]
        best = sim.best
        assert best["净收益"] == sim.table["净收益"].max()
        assert best["通过户违约率"] < sim.economics.break_even_default_rate
        again = sim.at(best["分数线"])
        assert again["通过户数"] == (sim.scores >= best["分数线"]).sum()


@pytest.mark.parametrize(("scores", "defaults", "cuts", "fragment"), [
    ([500, 600], [1], [550], "一一对应"),
    ([], [], [550], "不为空"),
    ([500, "好"], [1, 0], [550], "第 2 个评分不是数字"),
    ([500, 600], [1, 2], [550], "违约标记只能是 0"),
    ([500, 600], [1, 0], ["高"], "分数线：应为数字"),
])
def test_approval_tradeoff_bad_input(scores: list, defaults: list, cuts: list, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError, match=fragment):
        rating.approval_tradeoff(scores, defaults, cuts, _ECON)
    with pytest.raises(InputError, match="未知的模型"):
        rating.approval_simulation("神经网络")


def test_bad_approval_economics_name_the_key(tmp_path: Path) -> None:
    source = Path(ml.__file__).parent / "data" / rating.STATISTICAL_FILE
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["approval"]["lgd"] = 1.5
    path = tmp_path / "stat.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match="approval.lgd"):
        rating.statistical_parameters(path)


# --------------------------------------------------------------------------- the scorecard explorer (ui)



def _summary(box: object) -> str:
    (tabs,) = [w for w in getattr(box, "children", ()) if hasattr(w, "selected_index")]
    return str(tabs.children[0].children[1].children[0].value)


def test_scorecard_explorer_what_if_and_reset(capsys: pytest.CaptureFixture[str]) -> None:
    from microloan_sim.ui.rating import scorecard_explorer

    box = scorecard_explorer("C01")
    assert ">64</b>" in _summary(box) and ">B</b>" in _summary(box) and "67,600" in _summary(box)
    (overdue,) = with_class(box, "ml-answer-overdue_times")
    overdue.value = "3"
    assert ">54</b>" in _summary(box) and ">C</b>" in _summary(box) and "已修改 1 项" in _summary(box)
    (debt,) = with_class(box, "ml-answer-debt_ratio")  # typed as a percentage: 80 → 80% → 0 points
    debt.value = "80"
    assert ">44</b>" in _summary(box)
    overdue.value = "三次"  # a Chinese error in place, no exception, no stale result
    assert _summary(box) == ""
    (reset,) = with_class(box, "ml-reset")
    reset.click()
    assert ">64</b>" in _summary(box) and "已修改" not in _summary(box)
    (card,) = with_class(box, "ml-card")
    card.value = "consumer"
    assert with_class(box, "ml-answer-card_utilisation")
    (case,) = with_class(box, "ml-case")
    case.value = "C03"  # consumer applies to farmers too, so the card is kept
    assert card.value == "consumer"
    card.value = "farmer"
    assert ">85</b>" in _summary(box) and ">AA</b>" in _summary(box)  # test_c03_farmer_card_by_hand
    capsys.readouterr()


def test_scorecard_explorer_comparison_tab(capsys: pytest.CaptureFixture[str]) -> None:
    from microloan_sim.ui.rating import comparison_html, scorecard_explorer

    box = scorecard_explorer("C02", "小微企业")
    (card,) = with_class(box, "ml-card")
    assert card.value == "business"
    (tabs,) = [w for w in box.children if hasattr(w, "selected_index")]
    tabs.selected_index = 1  # computed once, then cached
    text = comparison_html(rating.compare_expert_vs_statistical(), rating.data_size_effect())
    assert "AUC" in text and "KS" in text and "示例参数" in text
    capsys.readouterr()


def test_approval_explorer_moves_with_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    from microloan_sim.ui.rating import approval_explorer

    box = approval_explorer()
    (threshold,) = with_class(box, "ml-threshold")
    summary = box.children[2]
    sim = rating.approval_simulation("statistical")
    assert threshold.value == sim.best["分数线"] and "这正是净收益最高的分数线" in summary.value
    strict = int(sim.table["分数线"].iloc[-3])
    threshold.value = strict
    row = sim.at(strict)
    assert f"通过 <b class='ml-approved'>{row['通过户数']:,.0f}</b> 户" in summary.value
    assert "少赚" in summary.value and "示例参数" in summary.value
    (model,) = with_class(box, "ml-model")
    model.value = "expert"  # the expert card scores on a 0–100 scale: the slider follows
    expert = rating.approval_simulation("expert")
    assert threshold.max == expert.table["分数线"].max() and threshold.value == expert.best["分数线"]
    capsys.readouterr()


def test_education_matches_on_its_stem_and_unknown_text_is_refused() -> None:
    """C06's borrower has 「本科（护理学）」 and C08's 「中专（模具专业）」 (case files): the consumer card scores them as
    本科 (5 of 5) and 中专 (3 of 5) from its own table, not as the lowest grade with 文化程度较低. Text that names no
    level is refused with a message naming the indicator, never scored silently."""
    c06 = ml.rating.rate(ml.casebook.load_case("C06"), scorecard="consumer")
    assert c06.breakdown.loc["education", "取值"] == "本科"
    assert c06.breakdown.loc["education", "得分"] == 5
    c08 = ml.rating.rate(ml.casebook.load_case("C08"), scorecard="consumer")
    assert c08.breakdown.loc["education", "得分"] == 3
    with pytest.raises(ml.InputError, match="文化程度"):
        ml.rating.rate(ml.casebook.load_case("C06"), scorecard="consumer", overrides={"education": "私塾"})
