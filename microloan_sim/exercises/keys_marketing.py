"""Answer key for ex12 (营销规划, course 06): the learner's county, budget, target and PAR30 limit."""
from __future__ import annotations

from typing import Any

from .. import casebook
from .core import Briefing, exercise_briefing, expected_answers

NONE_MEETS = "没有一种能做到"


def _county_seed(case: casebook.Case) -> int:
    """The learner's county: the exam variant's seed (keyed with the course key), shown only by the form's own
    planner (``ui.marketing.exam_tools``); the course dashboards' 学员编号 box draws a practice county."""
    return case.variant if case.variant is not None else 0


def _marketing_material(case: casebook.Case) -> dict[str, Any]:
    """The learner's budget, target, PAR30 limit, supply-chain days and a book to measure (teaching fiction)."""
    import numpy as np

    rng = np.random.default_rng(20_012 + _county_seed(case))

    def pick(values: list[Any]) -> Any:
        return values[int(rng.integers(0, len(values)))]

    groups = ["核心企业上下游", "商圈", "村（2-3）", "镇区（4-1）"]
    amounts = [float(pick([100, 150, 200, 300, 400])) for _ in groups]
    budget = pick([80, 100, 120, 150, 180, 200])
    target = int(round(budget * pick([0.8, 1.2, 1.6, 1.95, 2.4]) / 10) * 10)     # loans a day: about 0.4 to 2
    return {"budget": budget, "target": target,
            "par_limit": pick([0.02, 0.03, 0.04, 0.05]), "chain_days": pick([15, 20, 25, 30]),
            "book": dict(zip(groups, amounts))}


@exercise_briefing("ex12")
def _marketing_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    m = _marketing_material(case)
    task = pd.DataFrame({"项目": ["客户经理工作日预算", "放款目标", "第 12 个月末 PAR30 上限", "产业链营销天数（第四题）"],
                         "数值": [f"{m['budget']:,} 天", f"{m['target']:,} 笔", f"{m['par_limit']:.0%}",
                                f"{m['chain_days']:,} 天"]})
    book = pd.DataFrame({"风险来源": list(m["book"]), "贷款金额（万元）": [f"{v:,.0f}" for v in m["book"].values()]})
    note = ("数字是教学虚构，每位学员不同；你的县是考核用的县，只在这张表单下方的规划器里（课程 06 和本页下方的"
            "仪表板是练习用的县，数字不同）。转化率、成本等为示例参数。")
    return Briefing(note, {"营销任务": task, "一个贷款组合（第五题）": book})


@expected_answers("ex12")
def _marketing_key(case: casebook.Case) -> dict[str, Any]:
    from .. import marketing

    m = _marketing_material(case)
    seed = _county_seed(case)
    p = marketing.parameters()
    grid = marketing.simulate_plan({"grid": m["budget"]}, seed).totals
    chain = marketing.simulate_plan({"chain": m["chain_days"]}, seed, shock=True).totals
    best, best_cost = NONE_MEETS, float("inf")
    for key in marketing.STRATEGIES:
        t = marketing.simulate_plan({key: m["budget"]}, seed).totals
        if t["disbursed"] >= m["target"] and t["par30"] <= m["par_limit"] and t["cost_per_loan"] < best_cost:
            best, best_cost = p.strategies[key].label, t["cost_per_loan"]
    return {"grid_loans": float(grid["disbursed"]), "grid_cost_per_loan": float(grid["cost_per_loan"]),
            "days_needed": marketing.days_to_target("grid", m["target"], seed),
            "chain_peak": float(chain["par30_peak_shocked"]), "hhi": marketing.hhi(list(m["book"].values())),
            "best_strategy": best, "plan": None}
