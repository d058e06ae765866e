"""Answer key for ex09 (分散经营 and 考核): the learner's book, branch and bonus figures."""
from __future__ import annotations

from typing import Any

from .. import casebook
from .core import Briefing, exercise_briefing, expected_answers

_EX09_POLICY = {"两增：普惠小微贷款增速": "普惠小微贷款增速未达标", "两增：有贷款余额的户数": "有贷款余额的户数未达标",
                "两控：不良率在容忍度内": "不良率超出容忍度"}



def _portfolio_material(case: casebook.Case) -> dict[str, Any]:
    """The learner's figures, drawn from the variant's seed (teaching fiction): a book split into equal loans,
    a branch book with one large loan, an officer's bonus scheme and a branch's 两增两控 figures."""
    import numpy as np

    rng = np.random.default_rng(20_009 + (case.variant if case.variant is not None else 0))

    def pick(values: list[Any]) -> Any:
        return values[int(rng.integers(0, len(values)))]

    m: dict[str, Any] = {
        "exposure": pick([5e6, 8e6, 10e6, 15e6, 20e6]), "loans": pick([100, 200, 400, 500, 1000]),
        "pd": pick([0.01, 0.015, 0.02, 0.025, 0.03]), "lgd": pick([0.4, 0.5, 0.6]),
        "big": pick([1e6, 1.5e6, 2e6, 3e6, 5e6]), "small_count": pick([50, 100, 200, 400]),
        "small": pick([50_000.0, 100_000.0, 200_000.0]),
        "penalty": float(rng.integers(2, 13) * 500), "exemption": float(rng.integers(6, 17) * 5) / 100}
    fail = pick(["", "两增：普惠小微贷款增速", "两增：有贷款余额的户数", "两控：不良率在容忍度内"])
    total_prev = float(rng.integers(50, 151))
    total_growth = pick([0.06, 0.07, 0.08, 0.09, 0.10])
    small_prev = float(rng.integers(10, 31))
    small_growth = total_growth + (-pick([0.01, 0.02, 0.03]) if fail == "两增：普惠小微贷款增速" else pick([0.01, 0.02, 0.04]))
    borrowers_prev = int(rng.integers(3_000, 8_001))
    change = -int(rng.integers(20, 201)) if fail == "两增：有贷款余额的户数" else int(rng.integers(0, 301))
    all_npl = pick([0.010, 0.012, 0.015, 0.018])
    over = pick([0.035, 0.04, 0.045]) if fail == "两控：不良率在容忍度内" else pick([0.005, 0.01, 0.02, 0.025])
    m["policy"] = {"total_loans_prev": total_prev, "total_loans_now": round(total_prev * (1 + total_growth), 2),
                   "small_loans_prev": small_prev, "small_loans_now": round(small_prev * (1 + small_growth), 2),
                   "borrowers_prev": float(borrowers_prev), "borrowers_now": float(borrowers_prev + change),
                   "all_npl": all_npl, "small_npl": round(all_npl + over, 4)}
    return m


@exercise_briefing("ex09")
def _portfolio_briefing(case: casebook.Case) -> Briefing:
    import pandas as pd

    m = _portfolio_material(case)
    p = m["policy"]
    split = pd.DataFrame({"项目": ["总敞口", "拆成的贷款笔数（每笔金额相同）", "每笔违约概率 PD", "违约损失率 LGD"],
                          "数值": [f"{m['exposure']:,.0f} 元", f"{m['loans']:,} 笔", f"{m['pd']:.1%}", f"{m['lgd']:.0%}"]})
    branch = pd.DataFrame({"贷款": ["一笔大额贷款", "小额贷款"], "笔数": [1, m["small_count"]],
                           "每笔金额（元）": [f"{m['big']:,.0f}", f"{m['small']:,.0f}"]})
    scheme = pd.DataFrame({"项目": ["每放款 1 万元奖励", "每笔违约贷款扣减", "尽职免责比例"],
                           "数值": ["20 元", f"{m['penalty']:,.0f} 元", f"{m['exemption']:.0%}"]})
    policy = pd.DataFrame({"项目": ["各项贷款余额（亿元）", "普惠小微贷款余额（亿元）", "有贷款余额的户数（户）", "不良率"],
                           "上年末": [f"{p['total_loans_prev']:,.2f}", f"{p['small_loans_prev']:,.2f}",
                                   f"{p['borrowers_prev']:,.0f}", f"各项贷款 {p['all_npl']:.2%}"],
                           "本期末": [f"{p['total_loans_now']:,.2f}", f"{p['small_loans_now']:,.2f}",
                                   f"{p['borrowers_now']:,.0f}", f"普惠小微 {p['small_npl']:.2%}"]})
    note = ("四组数字都是教学虚构，每位学员不同。考核方案用课程 03 的考核模拟器（下方也有一个）："
            "选“风险调整 + 尽职免责”，把两个滑块调到你的数字。")
    return Briefing(note, {"分散经营": split, "网点贷款组合": branch, "考核方案（风险调整 + 尽职免责）": scheme,
                           "网点的两增两控数据": policy})


@expected_answers("ex09")
def _portfolio_key(case: casebook.Case) -> dict[str, Any]:
    from .. import portfolio

    m = _portfolio_material(case)
    row = portfolio.granularity_table(m["exposure"], m["pd"], m["lgd"], [m["loans"]]).iloc[0]
    branch = [m["big"]] + [m["small"]] * m["small_count"]
    inc = portfolio.parameters().incentives.model_copy(
        update={"volume_bonus_per_10k": 20.0, "default_penalty": m["penalty"], "exemption_share": m["exemption"]})
    book = portfolio.incentive_outcome("risk_exempt", incentives=inc).book
    report = portfolio.check_policy(**m["policy"])
    failed = report.table.loc[report.table["结论"] == "未达标", "检查项"].tolist()
    return {"expected_loss": float(row["预期损失 EL"]), "sd_independent": float(row["损失标准差（独立）"]),
            "hhi": portfolio.hhi(branch), "effective_number": portfolio.effective_number(branch),
            "cut_off": float(book["分数线"]), "par30": float(book["PAR30"]),
            "policy_verdict": _EX09_POLICY[failed[0]] if failed else "全部达标", "reasoning": None}
