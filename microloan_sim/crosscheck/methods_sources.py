"""Group 6 of domain §2.4, 不同来源检验: the same figure from different people or documents (statements, the
ledger, invoices, orders, commissions)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..errors import InputError, require_number
from ._common import _SALES_HIGHER, _SALES_LOWER, _pick, _result, _rows
from .results import CheckResult, format_value


def source_disagreement_check(statements: Mapping[str, float], reported_by: str | None = None,
                              item: str = "月销售额", unit: str = "元") -> CheckResult:
    """不同来源核对 (domain §2.1, §2.4 #6): the same figure as told by different people or documents.

    ``expected`` is the median of the *other* sources, ``reported`` the figure of ``reported_by`` (default:
    the first source). The deviation is this method's own: the spread ``(最高 − 最低) ÷ 各来源的中位数`` (≥ 0),
    symmetric: it does not depend on which source is checked, nor on whether that source said more or less.

    Parameters
    ----------
    statements : mapping of str to float
        Source → figure, e.g. ``{"借款人": 100_000, "配偶": 90_000, "店员": 120_000}``; at least two.
    reported_by : str, optional
        The source whose figure is being checked (a key of ``statements``).
    item : str, optional
        What the figure is (Chinese), for the explanation.
    unit : str, optional
        Unit of the figure.

    Examples
    --------
    >>> r = source_disagreement_check({"借款人": 100_000, "配偶": 90_000, "店员": 120_000, "供应商": 95_000})
    >>> r.expected, round(r.deviation, 4), r.verdict.value      # (120,000 − 90,000) ÷ 97,500
    (95000.0, 0.3077, '矛盾')
    """
    if not isinstance(statements, Mapping):
        raise InputError("应为“来源 → 数值”的对照表", field=f"各来源的{item}")
    if len(statements) < 2:
        raise InputError("至少需要两个来源才能核对", field=f"各来源的{item}")
    values = {str(k): require_number(v, f"{k}所说的{item}", minimum=0) for k, v in statements.items()}
    who = str(reported_by) if reported_by is not None else next(iter(values))
    if who not in values:
        raise InputError(f"“{who}”不在来源之中（{'、'.join(values)}）", field="被核对的来源")
    reported = values[who]
    if reported <= 0:
        raise InputError(f"必须大于 0（当前为 {reported:g}）", field=f"{who}所说的{item}")
    others = pd.Series({k: v for k, v in values.items() if k != who})
    expected = float(others.median())
    series = pd.Series(values)
    high, low = str(series.idxmax()), str(series.idxmin())
    spread = (float(series.max()) - float(series.min())) / float(series.median())
    listing = "，".join(f"{k} {format_value(v, unit)}" for k, v in values.items())
    if reported == expected:
        position = f"{who}的说法与其他来源的中位数相同"
    else:
        position = f"{who}的说法相对其他来源{'偏高' if reported > expected else '偏低'}"
    reading = f"各方说法差距较大，{position}，需要追问原因并找书面证据。"
    return _result(
        "source_disagreement", expected, reported, deviation=spread, unit=unit, what="其他来源的中位数",
        reported_label=f"{who}所说",
        basis=(f"就{item}分别询问：{listing}。最高为{high}，最低为{low}；"
               f"偏差 = (最高 − 最低) ÷ {who}所说的数字"),
        higher=reading, lower=reading,
        evidence=tuple(f"{k}的陈述" for k in values),
        details={"最高": float(series.max()), "最低": float(series.min())},
    )


def sales_from_statement(seasons: Any, reported_sales: float) -> CheckResult:
    """口述核定法 (domain §2.3 #1): ``销售额 = Σ 各季节月数 × 所说的月销售额``.

    Parameters
    ----------
    seasons : iterable or mapping
        ``(months, monthly_sales)`` pairs, or a mapping season name → ``(months, monthly_sales)``.
    reported_sales : float
        Sales for the same months from another source (ledger, reconstructed P&L), > 0.

    Examples
    --------
    >>> r = sales_from_statement({"旺季": (4, 120_000), "淡季": (8, 60_000)}, 1_000_000)
    >>> r.expected, r.deviation, r.verdict.value
    (960000.0, -0.04, '一致')
    """
    total = 0.0
    months = 0.0
    parts = []
    for i, row in enumerate(_rows(seasons, "各季节销售"), start=1):
        name, pair = (str(row[0]), row[1]) if isinstance(seasons, Mapping) else (f"第 {i} 段", row)
        n = require_number(_pick(pair, ("months", "月数"), 0, name), f"{name}的月数", strictly_positive=True)
        sales = require_number(_pick(pair, ("monthly_sales", "月销售额"), 1, name), f"{name}的月销售额", minimum=0)
        total += n * sales
        months += n
        parts.append(f"{name} {n:g} 个月×{sales:,.0f} 元")
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        "sales_from_statement", total, reported,
        basis=f"依据借款人分季节口述（{'，'.join(parts)}，共 {months:g} 个月）推算销售额", what="口述推算销售额",
        reported_label="账面/报表销售额",
        higher="口述推算高于账面或报表：报表可能少记了销售，或借款人口述时夸大了生意。",
        lower="口述推算低于账面或报表：报表上的销售额可能被夸大，或口述时有所保留。",
        evidence=("借款人口述（分旺季、淡季）", "账本或重构的损益表"),
        details={"月数合计": months},
    )


def sales_from_commissions(commissions: float, commission_rate: float, reported_sales: float) -> CheckResult:
    """提点核定法 (domain §2.3 #8): ``销售额 = 员工提成合计 ÷ 提成比例``.

    Examples
    --------
    >>> r = sales_from_commissions(3_000, 0.03, 100_000)
    >>> r.expected, r.verdict.value
    (100000.0, '一致')
    """
    paid = require_number(commissions, "员工提成合计", minimum=0)
    rate = require_number(commission_rate, "提成比例", strictly_positive=True, maximum=1)
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        "sales_from_commissions", paid / rate, reported,
        basis=f"依据员工提成 {paid:,.0f} 元、提成比例 {rate:.1%} 推算销售额", what="推算销售额",
        higher=_SALES_HIGHER, lower=_SALES_LOWER,
        evidence=("工资表（提成明细）", "员工询问（提成比例）"),
    )


_DOCUMENT_METHODS = {
    "ledger": ("sales_from_ledger", "账本", "借款人的销售账本", "账本合计高于申报：申报可能少报了销售。",
               "账本合计低于申报：申报的销售额可能被夸大，或账本漏记。"),
    "invoices": ("sales_from_invoices", "发票", "增值税/普通发票", "开票金额高于申报：申报可能少报了销售；也要排除代开发票。",
                 "开票金额低于申报：申报可能被夸大；也可能部分销售不开票（零售常见）。"),
    "orders": ("sales_from_orders", "订单", "订单或合同", "订单金额高于申报：申报可能少报了销售，或部分订单尚未交付。",
               "订单金额低于申报：申报的销售额可能被夸大，或有零散销售没有订单。"),
}


def sales_from_documents(amounts: Iterable[float], reported_sales: float, source: str = "ledger") -> CheckResult:
    """账本 / 票据 / 订单核定法 (domain §2.3 #3, #5, #6): the sum of recorded amounts vs reported sales.

    Parameters
    ----------
    amounts : iterable of float
        Amounts from the ledger pages, invoices or orders of the period (each ≥ 0).
    reported_sales : float
        Sales reported for the same period (> 0).
    source : {"ledger", "invoices", "orders"}
        Also accepted: 账本, 票据/发票, 订单.

    Examples
    --------
    >>> r = sales_from_documents([30_000, 25_000, 20_000], 100_000, source="票据")
    >>> r.method, r.expected, r.verdict.value
    ('sales_from_invoices', 75000.0, '矛盾')
    """
    aliases = {"账本": "ledger", "票据": "invoices", "发票": "invoices", "订单": "orders"}
    key = aliases.get(str(source).strip(), str(source).strip())
    if key not in _DOCUMENT_METHODS:
        raise InputError(f"应为 ledger（账本）、invoices（票据）或 orders（订单），收到“{source}”", field="单据类型")
    method_id, short, document, higher, lower = _DOCUMENT_METHODS[key]
    values = [require_number(v, f"第 {i} 张{short}的金额", minimum=0)
              for i, v in enumerate(_rows(amounts, f"{short}金额"), start=1)]
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        method_id, sum(values), reported,
        basis=f"依据 {len(values)} 张{short}（{document}）合计", what=f"{short}合计",
        higher=higher, lower=lower, evidence=(document,), details={"单据张数": float(len(values))},
    )
