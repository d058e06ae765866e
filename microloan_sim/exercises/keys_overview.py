"""Answer keys for ex10 (微贷概述: who each lending method serves) and ex11 (失败模式诊断: which 004 ch.6 failure
pattern a replayed loan shows). Both draw the learner's material from the variant's seed."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import casebook
from .core import Briefing, exercise_briefing, expected_answers

_REASONS = {"没有经审计的财务报表": "拒绝：没有经审计的财务报表", "没有可抵押的房产": "拒绝：没有可抵押的房产"}
#: Failure pattern id -> the decision that avoids it (the options of ex11's ``lever`` item).
LEVERS = {"over_borrowing": "查征信和流水、核实全部负债", "opaque_information": "交叉验证申报的销售额",
          "no_risk_assessment": "放款前做压力测试", "bad_schedule": "让还款方式跟着现金流走"}


def _rng(case: casebook.Case, salt: int) -> Any:
    import numpy as np

    return np.random.default_rng(salt + (case.variant if case.variant is not None else 0))


# --------------------------------------------------------------------------- ex10

def _methods_material(case: casebook.Case) -> dict[str, Any]:
    """The learner's situation: the two switches and two distinct borrowers, drawn from the variant's seed."""
    rng = _rng(case, 20_010)
    ids = list(casebook.list_cases()["id"])
    a, b = (str(ids[i]) for i in rng.choice(len(ids), size=2, replace=False))
    return {"no_audited": bool(rng.integers(0, 2)), "no_property": bool(rng.integers(0, 2)), "case_a": a, "case_b": b}


@lru_cache(maxsize=8)
def _methods_table(no_audited: bool, no_property: bool) -> Any:
    from .. import lending_models

    return lending_models.compare_methods(no_audited=no_audited, no_property=no_property)


@exercise_briefing("ex10")
def _methods_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    m = _methods_material(case)
    titles = dict(zip(casebook.list_cases()["id"], casebook.list_cases()["title"]))
    situation = pd.DataFrame({
        "项目": ["开关：所有借款人都没有经审计的财务报表", "开关：所有借款人都没有可抵押的房产", "第一个借款人", "第二个借款人"],
        "你的情形": ["勾选" if m["no_audited"] else "不勾选", "勾选" if m["no_property"] else "不勾选",
                  f"{m['case_a']} {titles[m['case_a']]}", f"{m['case_b']} {titles[m['case_b']]}"]})
    note = ("每位学员的情形不同。在下方的“传统规则与 IPC 方法对比”中按表设置两个开关，读出答案。"
            "传统规则的要求和参数都是示例参数。")
    return Briefing(note, {"你的情形": situation})


@expected_answers("ex10")
def _methods_key(case: casebook.Case) -> dict[str, Any]:
    from .. import lending_models

    m = _methods_material(case)
    table = _methods_table(m["no_audited"], m["no_property"])
    served = lending_models.served(table)
    rows = table.set_index("案例")

    def traditional(case_id: str) -> str:
        row = rows.loc[case_id]
        return "发放" if row["传统：是否发放"] == "发放" else _REASONS[str(row["传统：说明"])]

    return {"traditional_count": float(served["traditional_count"]), "ipc_count": float(served["ipc_count"]),
            "case_a_traditional": traditional(m["case_a"]), "case_a_ipc": float(rows.loc[m["case_a"], "IPC：额度（元）"]),
            "case_b_traditional": traditional(m["case_b"]), "case_b_ipc": float(rows.loc[m["case_b"], "IPC：额度（元）"]),
            "reasoning": None}


# --------------------------------------------------------------------------- ex11

def _failure_pattern_id(case: casebook.Case) -> str:
    from .. import performance

    ids = [p.id for p in performance.load_patterns().patterns]
    return str(ids[int(_rng(case, 20_011).integers(0, len(ids)))])


@lru_cache(maxsize=8)
def _replay(pattern_id: str) -> Any:
    from .. import performance

    return performance.replay_failure(pattern_id)


@exercise_briefing("ex11")
def _failure_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    from ..schedules import METHODS

    replay = _replay(_failure_pattern_id(case))
    spec = replay.pattern
    borrower = casebook.load_case(spec.case)
    frame = replay.path.frame
    loan = pd.DataFrame({"项目": ["借款人", "放款金额", "期限", "还款方式", "年利率", "后来发生了什么"],
                         "内容": [f"{borrower.id} {borrower.title}", f"{replay.amount:,.0f} 元",
                                f"{borrower.request.months} 个月", METHODS[replay.method],
                                f"{replay.path.annual_rate:.1%}", spec.clue]})
    def yuan(v: float) -> str:
        return f"{round(float(v)):,}"         # an int: never "-0"

    months = pd.DataFrame({"放款后第几个月": [str(i) for i in frame.index],
                           "月可支配资金（元）": [yuan(v) for v in frame["disposable"]],
                           "应还（元）": [yuan(v) for v in frame["due"]],
                           "实还（元）": [yuan(v) for v in frame["paid"]],
                           "逾期金额（元）": [yuan(v) for v in frame["arrears"]],
                           "逾期天数": [str(int(v)) for v in frame["dpd"]],
                           "五级分类": [str(v) for v in frame["category"]]})
    note = ("这笔贷款来自课程 02 的失败模式回放（冲击和参数为示例参数）。月可支配资金为负表示当月经营和家庭开支"
            "超过收入；借款人先用手头现金还款，不够的部分就是逾期。")
    return Briefing(note, {"贷款档案": loan, "逐月回放": months})


@expected_answers("ex11")
def _failure_key(case: casebook.Case) -> dict[str, Any]:
    pattern_id = _failure_pattern_id(case)
    replay = _replay(pattern_id)
    o = replay.outcome
    return {"pattern": replay.pattern.name, "lever": LEVERS[pattern_id], "max_dpd": float(o["max_dpd"]),
            "default_month": float(o["default_month"] or 0), "reasoning": None}
