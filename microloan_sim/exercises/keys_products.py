"""Answer keys for ex05 (products by true cost) and ex06 (credit decision), and ex06's consequence played forward."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .. import casebook, statements
from ..errors import InputError
from .core import Briefing, _spec, get, parse_answer, exercise_briefing, expected_answers


#: How far (as a fraction) the branch version's IRR stays from every catalogue product's: more than 0.02 个百分点,
#: so written to 0.01 个百分点 (as 05a–05c write rates) the two never look the same.
_DISTINCT_IRR = 0.0002


@functools.lru_cache(maxsize=16)
def _catalogue_irrs(principal: float) -> Any:
    """Every catalogue product's IRR for ``principal``, at its own term and at 12 months (the terms the 05a–05c
    comparators use), as one array."""
    import numpy as np

    from .. import products

    catalogue = list(products.load_catalogue().values())
    return np.concatenate([products.compare(catalogue, principal)["年化利率（IRR）"].to_numpy(dtype=float),
                           products.compare(catalogue, principal, 12)["年化利率（IRR）"].to_numpy(dtype=float)])


def _product_set(case: casebook.Case) -> tuple[list[Any], Any, float]:
    """The learner's four products, the one to compute, and the principal, all drawn from the variant's seed."""
    import numpy as np

    from .. import products

    spec = _spec("ex05")
    rng = np.random.default_rng(case.variant if case.variant is not None else 0)
    chosen = [products.get(pid) for pid in rng.choice(spec.pool, size=4, replace=False)]
    principal = float(rng.integers(5, 16) * 10_000)
    index = int(rng.integers(0, 4))
    # The product to compute is this branch's own version of a catalogue product: its rate and one-off fee are
    # drawn from the seed too (teaching fiction), so the catalogue comparators of 05a-05c, which show the
    # catalogue's terms, never show the learner's answer (tests/test_exam_variants.py).
    base = chosen[index]
    catalogue_costs = _catalogue_irrs(principal)
    for _ in range(20):   # a draw whose IRR shows as a catalogue product's (to 0.01 个百分点) is drawn again
        change = float(rng.choice([-0.006, -0.004, -0.002, 0.002, 0.004, 0.006]))
        rate = 0.0 if base.rate == 0 else round(max(0.01, base.rate + change), 4)  # a "0 利息" product stays at 0
        fee = round(base.upfront_fee + float(rng.choice([0.005, 0.01, 0.015, 0.02])), 4)
        branch = base.model_copy(update={"rate": rate, "rate_quote": "", "upfront_fee": fee})
        irr = float(products.compare([branch], principal)["年化利率（IRR）"].iloc[0])
        if not np.any(np.abs(catalogue_costs - irr) <= _DISTINCT_IRR):
            break
    chosen[index] = branch
    return chosen, chosen[index], principal


@exercise_briefing("ex05")
def _products_briefing(case: casebook.Case) -> Briefing:
    from .. import products

    chosen, target, principal = _product_set(case)
    terms = {p.name: products.product_terms(p) for p in chosen}
    note = (f"借款金额 {principal:,.0f} 元，期限按各产品条款。指定产品：{target.name}（本行版本：利率和一次性"
            "手续费与产品目录不同，以下表为准）。（产品条款为示例参数。）")
    return Briefing(note, terms)


@expected_answers("ex05")
def _products_key(case: casebook.Case) -> dict[str, Any]:
    from .. import products

    chosen, target, principal = _product_set(case)
    table = products.compare(chosen, principal).set_index("产品编号")
    irr = table["年化利率（IRR）"]
    cheapest_nominal = table["名义年利率"].idxmin()
    names = table["产品"]
    return {"cheapest": names[irr.idxmin()], "most_expensive": names[irr.idxmax()],
            "target_irr": float(irr[target.id]), "target_total_cost": float(table.loc[target.id, "总成本（元）"]),
            "nominal_misleading": "是" if cheapest_nominal == irr.idxmin() else "否"}


# --------------------------------------------------------------------------- ex06: the whole chain

_EX06_PRODUCTS = ("online_offline_loan", "guarantee_insurance_loan", "gov_guarantee_loan", "qr_code_loan")


@exercise_briefing("ex06")
def _decision_briefing(case: casebook.Case) -> Briefing:
    from .. import products

    terms = {products.get(pid).name: products.product_terms(products.get(pid)) for pid in _EX06_PRODUCTS}
    return Briefing("候选产品（条款为示例参数）：", terms)


@expected_answers("ex06")
def _decision_key(case: casebook.Case) -> dict[str, Any]:
    from .. import products, sizing

    advice = sizing.recommend(case)
    grade = advice.rating.grade
    table = products.compare([products.get(pid) for pid in _EX06_PRODUCTS], max(advice.amount, 10_000.0))
    cheapest = str(table.sort_values("年化利率（IRR）")["产品"].iloc[0])
    if grade == "C":
        decision = "拒绝"
    elif advice.amount < case.request.amount:
        decision = "有条件批准（降低额度）"
    else:
        decision = "批准"
    return {"average_disposable": statements.income_statement(case).average_disposable_income, "grade": grade,
            "recommended": advice.amount, "cheapest_product": cheapest, "decision": decision, "reasoning": None}


# --------------------------------------------------------------------------- consequences: the decision played forward

@dataclass(frozen=True)
class Consequence:
    """The learner's own decision played forward on the performance engine (shown with the feedback)."""

    note: str
    path: Any = None          # a performance.LoanPath, or None when nothing was lent
    report_month: int = 12


def consequence(exercise_id: str, answers: dict[str, Any], variant: int | str | None) -> Consequence | None:
    """Play the learner's decision forward (ex06: amount, the case's term and the segment's method) under the
    exercise's stated shocks; ``None`` for exercises without consequences or answers that cannot be read.

    Examples
    --------
    >>> c = consequence("ex06", {"recommended": "80000", "decision": "批准"}, "学员-01")
    >>> c.path is not None and "12 个月后" in c.note
    True
    >>> consequence("ex06", {"decision": "拒绝"}, "学员-01").path is None
    True
    """
    exercise = get(exercise_id)
    if not exercise.spec.consequence_shocks:
        return None
    from .. import performance, sizing
    from ..schedules import METHODS

    case = exercise.case(variant)
    stated = [performance.Shock(**shock) for shock in exercise.spec.consequence_shocks]
    described = "；".join(shock.label for shock in stated)
    if answers.get("decision") == "拒绝":
        return Consequence(f"你拒绝了这笔贷款，没有放款，也就没有贷后回放（设定的情景：{described}）。")
    try:
        amount = parse_answer(answers.get("recommended"), "money", "建议额度")
    except InputError:
        return None
    if not isinstance(amount, float) or amount <= 0:
        return None
    defaults = sizing.load_parameters().defaults
    method = defaults.method_by_segment.get(case.segment, "equal_installment")
    path = performance.play_loan(case, amount, defaults.annual_rate, case.request.months, method, shocks=stated)
    row = path.at(12)
    late = (f"逾期 {int(row['dpd'])} 天、逾期金额 {row['arrears']:,.0f} 元，五级分类为{row['category']}"
            if row["dpd"] > 0 else f"没有逾期（五级分类：{row['category']}）")
    worst = f"；整个回放期最长逾期 {path.max_dpd} 天" if path.max_dpd > 0 else ""
    return Consequence(f"按你的决定放款 {amount:,.0f} 元、{case.request.months} 个月（"
                       f"{METHODS[method]}，年利率 {defaults.annual_rate:.1%}），"
                       f"在设定情景（{described}）下逐月回放：12 个月后{late}{worst}。情景为示例参数。", path)


# --------------------------------------------------------------------------- ex08: red flags in the loan file (03b)
