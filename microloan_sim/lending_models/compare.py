r"""传统贷款规则 vs IPC 微贷技术 on the casebook (第一部分 一、二).

The traditional rule (``traditional`` in ``data/lending_models.yaml``, 示例参数) lends only against audited
statements and a mortgage on real estate (房产):

.. math::

    \text{amount} = \begin{cases} 0 & \text{no audited statements, or no property} \\
    \lfloor \min(\text{request},\ \text{LTV} \times \text{property}) \rfloor_{100} & \text{otherwise} \end{cases}

The IPC method sizes the loan on the statements the officer rebuilds on site
(:func:`microloan_sim.sizing.recommend`: repayment capacity, rating line, collateral only where pledged);
collateral is secondary. Two switches apply to every borrower at once: ``no_audited`` (nobody has audited
statements, as for most micro borrowers) and ``no_property`` (nobody can pledge a house: the 房产 lines also
leave the case's own collateral list).

Examples
--------
>>> traditional_decision(150_000, audited_statements=True, property_value=620_000)
{'eligible': True, 'amount': 150000.0, 'reason': '有经审计报表和房产抵押'}
>>> traditional_decision(500_000, audited_statements=True, property_value=620_000)["amount"]   # 0.7 × 620,000
434000.0
>>> traditional_decision(150_000, audited_statements=False, property_value=620_000)["reason"]
'没有经审计的财务报表'
"""
from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from .. import casebook
from ..errors import InputError, require_number
from .parameters import LendingModels, TraditionalRule, load_parameters


def traditional_decision(request: float, audited_statements: bool, property_value: float, *,
                         rule: TraditionalRule | None = None) -> dict[str, Any]:
    """The traditional rule for one borrower: ``eligible``, ``amount`` (元, rounded down to 100) and ``reason``."""
    r = rule or load_parameters().traditional
    amount = require_number(request, "申请金额", strictly_positive=True)
    pledge = require_number(property_value, "房产评估值", minimum=0)
    if not isinstance(audited_statements, bool):
        raise InputError("应为“是”或“否”", field="是否有经审计报表")
    if r.require_audited_statements and not audited_statements:
        return {"eligible": False, "amount": 0.0, "reason": "没有经审计的财务报表"}
    if r.require_property and pledge <= 0:
        return {"eligible": False, "amount": 0.0, "reason": "没有可抵押的房产"}
    cap = r.property_ltv * pledge if r.require_property else amount
    granted = float(min(amount, cap) // 100 * 100)
    if granted <= 0:
        return {"eligible": False, "amount": 0.0, "reason": "抵押额度不足"}
    return {"eligible": True, "amount": granted, "reason": "有经审计报表和房产抵押"}


def _without_property(case: casebook.Case) -> casebook.Case:
    return dataclasses.replace(case, collateral=tuple(c for c in case.collateral if c.type != "房产"))


def _ipc_collateral(case: casebook.Case) -> str:
    kinds = [c.type for c in case.collateral]
    if not kinds:
        return "信用"
    return "、".join(dict.fromkeys(kinds))


def compare_methods(*, no_audited: bool = False, no_property: bool = False, case_ids: list[str] | None = None,
                    params: LendingModels | None = None) -> pd.DataFrame:
    """Every case under both methods: one row per case (columns in Chinese).

    Columns: 案例, 借款人, 申请金额（元）; for each method (传统 / IPC) 是否发放, 额度（元）, 期限（月）, 担保,
    客户经理工时（小时）, 决策天数（天）, 说明.

    Examples
    --------
    >>> table = compare_methods()
    >>> int((table["传统：是否发放"] == "发放").sum()), int((table["IPC：是否发放"] == "发放").sum())
    (2, 8)
    >>> int((compare_methods(no_audited=True)["传统：是否发放"] == "发放").sum())
    0
    """
    from .. import sizing

    p = params or load_parameters()
    ids = case_ids or list(casebook.list_cases()["id"])
    rows = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        papers = p.borrowers.get(case.id)
        if papers is None:
            raise InputError(f"数据文件中没有案例 {case.id} 的传统规则材料", field="borrowers")
        audited = papers.audited_statements and not no_audited
        house = 0.0 if no_property else papers.property
        trad = traditional_decision(case.request.amount, audited, house, rule=p.traditional)
        ipc_case = _without_property(case) if no_property else case
        rec = sizing.recommend(ipc_case)
        granted = rec.amount > 0
        rows.append({
            "案例": case.id, "借款人": case.title, "申请金额（元）": float(case.request.amount),
            "传统：是否发放": "发放" if trad["eligible"] else "拒绝", "传统：额度（元）": trad["amount"],
            "传统：期限（月）": p.traditional.term_months if trad["eligible"] else 0,
            "传统：担保": "房产抵押" if trad["eligible"] else "—",
            "传统：客户经理工时（小时）": p.traditional.officer_hours,
            "传统：决策天数（天）": p.traditional.days_to_decision, "传统：说明": trad["reason"],
            "IPC：是否发放": "发放" if granted else "拒绝", "IPC：额度（元）": float(rec.amount),
            "IPC：期限（月）": int(case.request.months) if granted else 0,
            "IPC：担保": _ipc_collateral(ipc_case) if granted else "—",
            "IPC：客户经理工时（小时）": p.ipc.officer_hours, "IPC：决策天数（天）": p.ipc.days_to_decision,
            "IPC：说明": f"额度由“{rec.binding_label}”决定",
        })
    return pd.DataFrame(rows)


def served(table: pd.DataFrame) -> dict[str, Any]:
    """How many borrowers each method serves and with how much credit, from :func:`compare_methods`.

    >>> s = served(pd.DataFrame({"传统：是否发放": ["发放", "拒绝"], "传统：额度（元）": [100.0, 0.0],
    ...                          "IPC：是否发放": ["发放", "发放"], "IPC：额度（元）": [80.0, 50.0]}))
    >>> s["traditional_count"], s["ipc_count"], s["ipc_amount"]
    (1, 2, 130.0)
    """
    return {"traditional_count": int((table["传统：是否发放"] == "发放").sum()),
            "traditional_amount": float(table["传统：额度（元）"].sum()),
            "ipc_count": int((table["IPC：是否发放"] == "发放").sum()),
            "ipc_amount": float(table["IPC：额度（元）"].sum())}


def size_band(amount: float, params: LendingModels | None = None) -> str:
    """The 单户授信 band of an amount (limits inclusive, sourced bands of ``size_bands``).

    >>> size_band(150_000), size_band(1_000_000), size_band(1_000_001)
    ('100 万元以下（含）', '100 万元以下（含）', '100 万–500 万元')
    >>> size_band(-1)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 授信金额：不能小于 0（当前为 -1）
    """
    import bisect

    bands = (params or load_parameters()).size_bands
    value = require_number(amount, "授信金额", minimum=0)
    return bands.labels[bisect.bisect_left(bands.limits, value)]


def microloan_features(case: casebook.Case, params: LendingModels | None = None) -> pd.DataFrame:
    """The four features of 微贷 (004 ch.1) read on one case's request: 特征, 课件中的定义, 本案例.

    >>> import microloan_sim as ml
    >>> t = microloan_features(ml.casebook.load_case("C01"))
    >>> list(t["特征"])
    ['服务对象', '额度小', '期限短', '担保方式灵活', '审批简便、放款快']
    """
    p = params or load_parameters()
    guarantee = _ipc_collateral(case)
    rows = [
        ("服务对象", "小微企业、个体工商户或低收入人群", case.title),
        ("额度小", "小额贷款服务", f"申请 {case.request.amount:,.0f} 元，属单户授信“{size_band(case.request.amount, p)}”一档"),
        ("期限短", "贷款期限较短，适应小规模经营者的资金需求", f"申请期限 {case.request.months} 个月"),
        ("担保方式灵活", "可采用信用、保证、抵押等多种担保方式", f"本案例提供：{guarantee}"),
        ("审批简便、放款快", "审批流程简化，快速放款",
         f"IPC 方法约 {p.ipc.days_to_decision:g} 天出结论（示例参数），传统规则约 {p.traditional.days_to_decision:g} 天（示例参数）"),
    ]
    return pd.DataFrame(rows, columns=["特征", "课件中的定义", "本案例"])


def ipc_steps(case: casebook.Case) -> pd.DataFrame:
    """The basic methods introduced with IPC, on one case: 步骤, 做什么, 本案例的结果.

    实地调查 (the evidence gathered), 报表还原 (rebuilt equity and 月可支配资金), 交叉验证 (verdict counts of
    :func:`microloan_sim.crosscheck.run_all`), 还款能力 (:func:`microloan_sim.sizing.recommend`).

    >>> import microloan_sim as ml
    >>> list(ipc_steps(ml.casebook.load_case("C01"))["步骤"])
    ['实地调查', '报表还原', '交叉验证', '测算还款能力']
    """
    from .. import crosscheck, sizing
    from ..statements import balance_sheet, income_statement

    evidence = crosscheck.evidence_items(case)
    results = crosscheck.run_all(case)
    counts = {v: sum(1 for r in results if r.verdict.value == v) for v in ("一致", "需解释", "矛盾")}
    rec = sizing.recommend(case)
    rows = [
        ("实地调查", "到经营场所和家里看、问、点，收集原始凭证",
         f"收集到 {len(evidence)} 类证据：{'、'.join(list(evidence.values())[:5])}{'等' if len(evidence) > 5 else ''}"),
        ("报表还原", "客户经理自己编资产负债表、损益表、现金流量表",
         f"净资产 {balance_sheet(case).equity:,.0f} 元，月可支配资金 {income_statement(case, 'accrual').average_disposable_income:,.0f} 元"),
        ("交叉验证", "同一个数从两个以上来源核对", f"{len(results)} 项核对：一致 {counts['一致']} 项、需解释 {counts['需解释']} 项、矛盾 {counts['矛盾']} 项"),
        ("测算还款能力", "按月可支配资金定额度，抵押是第二还款来源", f"建议额度 {rec.amount:,.0f} 元，由“{rec.binding_label}”决定"),
    ]
    return pd.DataFrame(rows, columns=["步骤", "做什么", "本案例的结果"])
