"""The registry of cross-check methods: :data:`METHODS` by id, the seven groups of domain §2.4, look-up by English
id or Chinese alias, and a results table.

The Chinese names are in :data:`microloan_sim.labels.CROSSCHECK_METHODS`, where answer keys (documents, below
crosscheck on the ladder) check the method ids they name; a test keeps the two lists equal.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError
from ..labels import CROSSCHECK_METHODS
from .methods_equity import equity_check, equity_check_b
from .methods_onsite import (debt_service_check, household_spending_bank_check, inventory_count_check,
                             salary_from_payroll)
from .methods_ratios import (expense_ratio_check, family_spending_check, gross_margin_check, inventory_days_check,
                             loan_purpose_check, receivable_days_check, receivables_check)
from .methods_sales import (quantity_check, sales_from_bank_flows, sales_from_product_share, sales_from_purchases,
                            sales_from_utilities, weighted_margin_check)
from .methods_sources import (sales_from_commissions, sales_from_documents, sales_from_statement,
                              source_disagreement_check)
from .results import CheckResult


#: The seven groups of domain §2.4 (⚠️ a defensible grouping, not a canonical list).
GROUPS: dict[int, str] = {
    1: "权益检验",
    2: "进货与毛利检验",
    3: "银行流水检验",
    4: "水电与物耗检验",
    5: "周转检验",
    6: "不同来源检验",
    7: "逻辑与比例检验",
}


@dataclass(frozen=True)
class MethodInfo:
    """A cross-check method: id, Chinese name, group (§2.4), the function, its tolerance key and aliases."""

    id: str
    name: str
    group: int
    function: Callable[..., CheckResult]
    tolerance_key: str
    aliases: tuple[str, ...] = ()

    @property
    def group_name(self) -> str:
        return GROUPS[self.group]


def _info(id_: str, group: int, function: Callable[..., CheckResult], *aliases: str,
          tolerance_key: str | None = None) -> MethodInfo:
    """A registry entry; the Chinese name comes from :data:`microloan_sim.labels.CROSSCHECK_METHODS`."""
    return MethodInfo(id_, CROSSCHECK_METHODS[id_], group, function, tolerance_key or id_, aliases)


def _documents(source: str) -> Callable[..., CheckResult]:
    def run(amounts: Iterable[float], reported_sales: float) -> CheckResult:
        return sales_from_documents(amounts, reported_sales, source=source)

    run.__name__ = f"sales_from_{source}"
    run.__doc__ = f"``sales_from_documents(amounts, reported_sales, source={source!r})``."
    return run


#: Every method, by id.
METHODS: dict[str, MethodInfo] = {m.id: m for m in (
    _info("equity_check", 1, equity_check, "权益检验", "权益交叉检验（A式）", "equity",
          tolerance_key="equity"),
    _info("equity_check_b", 1, equity_check_b, "权益交叉检验比率", "equity_b"),
    _info("weighted_margin", 2, weighted_margin_check, "加权毛利率", "毛利润交叉检验"),
    _info("sales_from_purchases", 2, sales_from_purchases, "进货倒推销售", "进货倒推"),
    _info("sales_from_product_share", 2, sales_from_product_share, "分类核定"),
    _info("sales_from_bank_flows", 3, sales_from_bank_flows, "流水核定", "银行流水"),
    _info("sales_from_utilities", 4, sales_from_utilities, "水电核定法", "耗电量检验",
          "物耗核定法"),
    _info("quantity_check", 4, quantity_check, "投入产出检验"),
    _info("inventory_days", 5, inventory_days_check, "存货周转天数", "inventory_days_check"),
    _info("receivable_days", 5, receivable_days_check, "应收账款周转天数",
          "receivable_days_check"),
    _info("receivables_pattern", 5, receivables_check, "应收账款检验", "receivables_check"),
    _info("source_disagreement", 6, source_disagreement_check, "不同来源检验", "不同人询问",
          "source_disagreement_check"),
    _info("sales_from_statement", 6, sales_from_statement, "口述核定"),
    _info("sales_from_commissions", 6, sales_from_commissions, "提点核定"),
    _info("sales_from_ledger", 6, _documents("ledger"), "账本核定"),
    _info("sales_from_invoices", 6, _documents("invoices"), "票据核定", "发票核定法"),
    _info("sales_from_orders", 6, _documents("orders"), "订单核定"),
    _info("gross_margin_vs_industry", 7, gross_margin_check, "毛利率检验", "gross_margin_check"),
    _info("expense_ratio_vs_industry", 7, expense_ratio_check, "费用率检验",
          "expense_ratio_check"),
    _info("family_spending", 7, family_spending_check, "家庭开支检验",
          "family_spending_check"),
    _info("loan_purpose", 7, loan_purpose_check, "贷款用途检验", "loan_purpose_check"),
    _info("inventory_count", 5, inventory_count_check, "点货核对", "存货盘点",
          "inventory_count_check"),
    _info("debt_service", 3, debt_service_check, "负债核实", "隐性负债检验",
          "debt_service_check"),
    _info("household_spending_from_bank", 3, household_spending_bank_check, "流水家庭开支",
          "household_spending_bank_check"),
    _info("salary_from_payroll", 3, salary_from_payroll, "代发工资核定", "工资流水核定"),
)}


def method(name: str) -> MethodInfo:
    """A method by English id, Chinese name or alias.

    Examples
    --------
    >>> method("口述核定法").function is sales_from_statement
    True
    >>> method("equity").id
    'equity_check'
    >>> method("猜测法")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 交叉检验方法：没有名为“猜测法”的方法
    """
    text = str(name).strip()
    for info in METHODS.values():
        if text == info.id or text == info.name or text in info.aliases:
            return info
    raise InputError(f"没有名为“{text}”的方法", field="交叉检验方法")


def run_method(name: str, *args: Any, **kwargs: Any) -> CheckResult:
    """Run a method by English id or Chinese alias.

    Examples
    --------
    >>> run_method("提点核定法", 3_000, 0.03, reported_sales=100_000).expected
    100000.0
    """
    return method(name).function(*args, **kwargs)


def to_frame(results: Iterable[CheckResult]) -> pd.DataFrame:
    """A table of results with Chinese column names, one row per check.

    Examples
    --------
    >>> table = to_frame([sales_from_commissions(3_000, 0.03, 100_000)])
    >>> list(table.columns)
    ['方法', '分组', '推算值', '申报值', '单位', '偏差', '容差（示例参数）', '结论', '说明']
    >>> table.loc[0, "结论"]
    '一致'
    """
    rows = []
    for r in results:
        info = METHODS.get(r.method)
        rows.append({
            "方法": r.name, "分组": info.group_name if info else "", "推算值": r.expected, "申报值": r.reported,
            "单位": r.unit, "偏差": r.deviation, "容差（示例参数）": r.tolerance, "结论": r.verdict.value,
            "说明": r.explanation,
        })
    return pd.DataFrame(rows, columns=["方法", "分组", "推算值", "申报值", "单位", "偏差", "容差（示例参数）", "结论",
                                       "说明"])
