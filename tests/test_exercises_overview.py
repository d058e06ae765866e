"""ex10 (微贷概述) and ex11 (失败模式诊断): keys vary with the learner's variant, and each key is checked against
what the learner is given (the rule's data file for ex10, the briefing's month table for ex11)."""
from __future__ import annotations

import pytest

import microloan_sim as ml
from microloan_sim.exercises.keys_overview import LEVERS, _failure_pattern_id, _methods_material
from microloan_sim.lending_models import load_parameters

LEARNERS = [f"学员-{i:02d}" for i in range(1, 13)]


def _traditional_by_hand(case_id: str, no_audited: bool, no_property: bool) -> str:
    """The rule read straight from data/lending_models.yaml: statements first, then a house."""
    papers = load_parameters().borrowers[case_id]
    if not papers.audited_statements or no_audited:
        return "拒绝：没有经审计的财务报表"
    if papers.property <= 0 or no_property:
        return "拒绝：没有可抵押的房产"
    return "发放"


def test_ex10_keys_vary_and_follow_the_rule() -> None:
    exercise = ml.exercises.get("ex10")
    keys = []
    for learner in LEARNERS:
        key = exercise.expected(learner)
        m = _methods_material(exercise.case(learner))
        assert m["case_a"] != m["case_b"]
        assert key["case_a_traditional"] == _traditional_by_hand(m["case_a"], m["no_audited"], m["no_property"])
        assert key["case_b_traditional"] == _traditional_by_hand(m["case_b"], m["no_audited"], m["no_property"])
        # the traditional count by hand: C02 and C08 have both papers; either switch removes them all
        assert key["traditional_count"] == (0 if m["no_audited"] or m["no_property"] else 2)
        for item in ("case_a_traditional", "case_b_traditional"):
            assert key[item] in next(i.options for i in exercise.items if i.id == item)
        keys.append((key["traditional_count"], key["case_a_ipc"], key["case_b_ipc"], key["case_a_traditional"]))
    assert len(set(keys)) >= 4                                   # the variant seed changes the key


def test_ex10_ipc_amount_is_the_recommendation() -> None:
    exercise = ml.exercises.get("ex10")
    key = exercise.expected("学员-05")
    m = _methods_material(exercise.case("学员-05"))
    if not m["no_property"]:                                      # without the switch: the plain recommendation
        assert key["case_a_ipc"] == ml.sizing.recommend(ml.casebook.load_case(m["case_a"])).amount


def test_ex10_grading_full_marks_tolerance_and_wrong() -> None:
    exercise = ml.exercises.get("ex10")
    key = exercise.expected("学员-03")
    answers = {**key, "reasoning": "IPC 看还款能力，抵押是第二还款来源。"}
    result = exercise.grade(answers, "学员-03")
    assert result.score == 80 and {i.status for i in result.items} == {"correct", "manual"}
    near = exercise.grade({**answers, "case_a_ipc": key["case_a_ipc"] + 50}, "学员-03")
    assert next(i for i in near.items if i.item_id == "case_a_ipc").status == "correct"   # within 100 元
    off = exercise.grade({**answers, "traditional_count": key["traditional_count"] + 1}, "学员-03")
    assert next(i for i in off.items if i.item_id == "traditional_count").status == "wrong"


def test_ex11_keys_match_the_briefing_table() -> None:
    exercise = ml.exercises.get("ex11")
    seen = set()
    for learner in LEARNERS:
        key = exercise.expected(learner)
        briefing = exercise.briefing(learner)
        months = briefing.tables["逐月回放"]
        dpd = [int(v) for v in months["逾期天数"]]
        assert key["max_dpd"] == max(dpd)
        first = next((i + 1 for i, v in enumerate(dpd) if v > 90), 0)     # default: beyond 90 days (示例参数)
        assert key["default_month"] == first
        pattern_id = _failure_pattern_id(exercise.case(learner))
        spec = ml.performance.failures.pattern(pattern_id)
        assert key["pattern"] == spec.name and key["lever"] == LEVERS[pattern_id]
        loan = dict(zip(briefing.tables["贷款档案"]["项目"], briefing.tables["贷款档案"]["内容"]))
        assert loan["后来发生了什么"] == spec.clue and spec.name not in "".join(loan.values())   # no give-away
        seen.add(key["pattern"])
    assert len(seen) >= 3                                        # the variant seed changes the pattern


def test_ex11_levers_are_options_and_grading() -> None:
    exercise = ml.exercises.get("ex11")
    options = next(i.options for i in exercise.items if i.id == "lever")
    assert set(LEVERS.values()) == set(options)
    key = exercise.expected("学员-07")
    result = exercise.grade({**key, "reasoning": "第 4 个月起销售下滑。"}, "学员-07")
    assert result.score == 80
    wrong = exercise.grade({**key, "pattern": next(o for o in ml.exercises.get("ex11").items[0].options
                                                   if o != key["pattern"])}, "学员-07")
    assert wrong.items[0].status == "wrong" and wrong.items[0].hint


@pytest.mark.parametrize("exercise_id, answers", [
    ("ex10", {"traditional_count": "两户", "case_a_ipc": "-", "case_a_traditional": "不知道"}),
    ("ex11", {"max_dpd": "很久", "default_month": "NaN", "pattern": "不知道"}),
])
def test_bad_answers_are_wrong_not_a_crash(exercise_id: str, answers: dict[str, str]) -> None:
    exercise = ml.exercises.get(exercise_id)
    result = exercise.grade(answers, "学员-01")
    assert result.score == 0
    assert {i.status for i in result.items if i.item_id in answers} == {"wrong"}
    with pytest.raises(ml.InputError, match="未知的题目编号"):
        exercise.grade({"no_such_item": 1}, "学员-01")
