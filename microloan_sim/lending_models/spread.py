r"""微贷技术推广不足 / 走样: what an officer misses when only part of the IPC method is used, and how much
over-lending follows (第一部分 三(三)).

A review level (``review_levels`` in ``data/lending_models.yaml``) names the evidence the officer gathers and
the checks it cannot do (只看申报材料; 申报材料 + 银行流水; IPC 全套). The casebook's planted flaws are run
through the detection engine (:func:`microloan_sim.crosscheck.run_all` on that evidence, then
:func:`microloan_sim.crosscheck.flaw_detection`): a flaw is *found* when one of the methods that target it
(``detected_by``) says anything but 一致.

A flaw that is not found lets the declared figure stand. Its effect on 月可支配资金 by component:

* income (虚报销售额, 隐瞒收入, 虚报毛利率, 虚报工资): ``S_d·m_d − S_t·m_t`` (or declared − true salary);
* household (家庭开支走经营账, 隐性负债, 未申报信用卡分期 — a hidden repayment is paid out of what the records
  count as household spending, so the borrower declares less spending): ``H_t − H_d``;
* 虚报存货: none on capacity (it inflates equity and collateral).

The officer sizes on ``D_sized = D + Σ effects of components with a flaw not found`` and lends
``min(request, capacity(D_sized))`` rounded down to 100 元; :func:`over_lending` is that amount less the
amount on the verified ``D``. A component counts as declared when any flaw on it is not found.

Examples
--------
The capacity of 7,000 元 a month over 12 months at 7.2 % (k = 0.7) is 4,900 × 11.5448 = 56,569.59 元
(56,500 after rounding down). Declared figures add 10,000 元 a month: 11,900 × 11.5448 = 137,383 元, so the
officer lends 137,300 元 of the 150,000 asked for: 80,800 元 too much, 137,300 ÷ 56,500 = 2.43 times what the
borrower can carry.

>>> r = over_lending(7_000, 10_000, 150_000, 0.072, 12, 0.7)
>>> r["declared_amount"], r["verified_amount"], r["over_lending"], round(r["multiple"], 2)
(137300.0, 56500.0, 80800.0, 2.43)
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from .. import casebook
from ..errors import InputError, require_number
from .parameters import LendingModels, ReviewLevel, load_parameters

#: Flaw kind -> the component of 月可支配资金 it distorts ("" = none).
COMPONENT: dict[str, str] = {
    "inflated_sales": "income", "hidden_income": "income", "inflated_margin": "income",
    "overstated_salary": "income", "personal_spending": "household", "hidden_debt": "household",
    "undeclared_card_debt": "household", "overstated_inventory": "",
}


def review_level(level: str, params: LendingModels | None = None) -> ReviewLevel:
    """A review level by id or Chinese name.

    >>> review_level("只看申报材料").id
    'declaration'
    """
    levels = (params or load_parameters()).review_levels
    for item in levels:
        if str(level).strip() in (item.id, item.name):
            return item
    raise InputError(f"没有“{level}”（可选：{'、'.join(i.name for i in levels)}）", field="核查范围")


def over_lending(verified_disposable: float, undetected_effect: float, request: float, annual_rate: float,
                 months: int, share: float = 0.7, method: str = "equal_installment") -> dict[str, float]:
    """Amounts on the declared and the verified 月可支配资金 (both capped by the request, rounded down to 100 元,
    never below 0), the difference ``over_lending`` (negative when a hidden income makes the officer lend less)
    and ``multiple`` = declared ÷ verified amount."""
    from .. import sizing

    d = require_number(verified_disposable, "核实后的月可支配资金")
    effect = require_number(undetected_effect, "未发现问题造成的月可支配资金高估")
    ask = require_number(request, "申请金额", minimum=0)

    def amount(monthly: float) -> float:
        cap = float(sizing.capacity_limit(monthly, annual_rate, months, share, method)) if monthly > 0 else 0.0
        return float(max(min(cap, ask), 0.0) // 100 * 100)

    declared, verified = amount(d + effect), amount(d)
    multiple = declared / verified if verified > 0 else (float("inf") if declared > 0 else 1.0)
    return {"declared_amount": declared, "verified_amount": verified, "over_lending": declared - verified,
            "multiple": multiple}


def _effects(case: casebook.Case) -> dict[str, float]:
    """Per component, declared − verified 月可支配资金 (flawed claims vs the clean control)."""
    from .. import documents as dm

    flawed = dm.build_documents(case, with_flaws=True).claims
    clean = dm.build_documents(case, with_flaws=False).claims
    if flawed.monthly_salary is not None and clean.monthly_salary is not None:
        income = flawed.monthly_salary - clean.monthly_salary
    else:
        income = flawed.monthly_sales * (flawed.gross_margin or 0.0) - clean.monthly_sales * (clean.gross_margin or 0.0)
    return {"income": float(income), "household": float(clean.household_spending - flawed.household_spending)}


def flaw_findings(case: casebook.Case, level: str, params: LendingModels | None = None) -> pd.DataFrame:
    """The case's planted flaws at one review level: ``flaw``, ``kind``, ``component``, ``found`` and
    ``found_by`` (Chinese names of the methods that raised it). Uses the detection engine.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> c01 = ml.casebook.load_case("C01")
    >>> flaw_findings(c01, "declaration")["found"].tolist()
    [False, True, False]
    >>> bool(flaw_findings(c01, "ipc")["found"].all())
    True
    """
    from .. import crosscheck, documents as dm

    spec = review_level(level, params)
    if not (dm.has_investigation(case) and dm.has_answer_key(case)):
        return pd.DataFrame(columns=["flaw", "kind", "component", "found", "found_by"])
    results = [r for r in crosscheck.run_all(case, evidence=spec.evidence) if r.method not in spec.exclude_methods]
    runs = pd.DataFrame([(case.id, 0, True, r.method, r.verdict.value, r.deviation) for r in results],
                        columns=["case", "variant", "with_flaws", "method", "verdict", "deviation"])
    flaws = dm.load_answer_key(case)
    found = crosscheck.flaw_detection(runs, flaws).set_index("flaw") if len(runs) else None
    names = {key: m.name for key, m in crosscheck.METHODS.items()}
    rows = []
    for flaw in flaws:
        hit = bool(found is not None and flaw.id in found.index and found.loc[flaw.id, "flagged"])
        by = sorted({names.get(r.method, r.method) for r in results
                     if r.method in flaw.detected_by and r.verdict.value != "一致"})
        rows.append({"flaw": flaw.id, "kind": flaw.kind, "component": COMPONENT.get(flaw.kind, ""),
                     "found": hit, "found_by": "、".join(by)})
    return pd.DataFrame(rows)


def case_outcome(case: casebook.Case, level: str, params: LendingModels | None = None) -> dict[str, Any]:
    """One case at one review level: flaws planted / not found (their kinds), the amounts, the over-lending
    and the multiple of what the borrower can carry."""
    from .. import sizing
    from ..statements import income_statement

    p = params or load_parameters()
    findings = flaw_findings(case, level, p)
    effects = _effects(case) if len(findings) else {"income": 0.0, "household": 0.0}
    declared = {c for c in findings.loc[~findings["found"].astype(bool), "component"] if c} if len(findings) else set()
    effect = sum(effects[c] for c in declared)
    method = sizing.load_parameters().defaults.method_by_segment.get(case.segment, "equal_installment")
    d = float(income_statement(case, "accrual").average_disposable_income)
    months = int(case.request.months)
    result = over_lending(d, effect, case.request.amount, p.sizing.annual_rate, months, p.sizing.share, method)
    return {"case": case.id, "planted": int(len(findings)), "missed": int((~findings["found"].astype(bool)).sum()),
            "missed_flaws": findings.loc[~findings["found"].astype(bool), "kind"].tolist(), **result,
            "verified_disposable": d}


def spread_table(level: str, *, case_ids: list[str] | None = None, params: LendingModels | None = None) -> pd.DataFrame:
    """Every case (with planted flaws) at one review level, Chinese columns.

    Examples
    --------
    >>> t = spread_table("ipc", case_ids=["C01", "C07"])
    >>> t["未发现的问题（个）"].tolist(), t["多贷金额（元）"].tolist()
    ([0, 0], [0.0, 0.0])
    """
    from .. import documents as dm

    ids = case_ids or list(casebook.list_cases()["id"])
    rows = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        if not dm.has_answer_key(case):
            continue
        o = case_outcome(case, level, params)
        rows.append({"案例": case.id, "借款人": case.title, "埋设的问题（个）": o["planted"],
                     "未发现的问题（个）": o["missed"], "按申报口径放款（元）": o["declared_amount"],
                     "按核实口径应放（元）": o["verified_amount"], "多贷金额（元）": o["over_lending"],
                     "放款额是应放额的倍数": o["multiple"]})
    return pd.DataFrame(rows)


def spread_summary(table: pd.DataFrame) -> dict[str, Any]:
    """Totals of :func:`spread_table`: problems ``planted`` and ``missed``, and the ``over_lending`` (元, the
    sum of the positive over-lending only: lending less to one borrower does not offset lending too much to
    another).

    >>> spread_summary(pd.DataFrame({"埋设的问题（个）": [3, 2], "未发现的问题（个）": [2, 0],
    ...                              "多贷金额（元）": [90_000.0, -10_000.0]}))
    {'planted': 5, 'missed': 2, 'over_lending': 90000.0}
    """
    return {"planted": int(table["埋设的问题（个）"].sum()), "missed": int(table["未发现的问题（个）"].sum()),
            "over_lending": float(table["多贷金额（元）"].clip(lower=0).sum())}
