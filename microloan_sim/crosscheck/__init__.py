r"""交叉验证 (cross-verification), domain §2. Each method is a function on explicit numbers returning a
:class:`CheckResult`; :func:`run_all` applies every method that fits a case.

Every method compares a value *implied* by one piece of evidence (``expected``) with the value the borrower
*reported* (``reported``). Unless a method defines its own measure, the deviation is relative:

.. math::

    \text{deviation} = \frac{\text{expected} - \text{reported}}{\text{reported}}

so a positive deviation means the evidence implies more than was reported. The verdict compares
``|deviation|`` with two tolerances per method from ``data/crosscheck.yaml`` (示例参数, editable by the
instructor): within ``explain`` → 一致, beyond ``contradiction`` → 矛盾, in between → 需解释.

The methods follow the seven groups of domain §2.4 (:data:`GROUPS`); :data:`METHODS` lists them with their
Chinese names, and :func:`method` finds one by English id or Chinese alias.

The package's modules, one concern each: :mod:`.results` (:class:`CheckResult`, :class:`Verdict`),
:mod:`.config` (tolerances and norms, 示例参数), the methods by group (:mod:`.methods_equity`,
:mod:`.methods_sales`, :mod:`.methods_ratios`, :mod:`.methods_sources`, :mod:`.methods_onsite`),
:mod:`.registry` (:data:`METHODS`), :mod:`.evidence`, :mod:`.engine` (:func:`run_all`) with
:mod:`.document_checks`, and :mod:`.detection` (sweeps over the casebook's planted flaws, for instructors).

Examples
--------
The worked example of domain §2.2 (variant A):

>>> r = equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258)
>>> round(r.expected), round(r.deviation * 100, 2), r.verdict.value
(373680, -29.89, '矛盾')

Sales implied by purchases and the weighted gross margin (§2.3 #7, #9):

>>> margin = weighted_gross_margin([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)])
>>> round(margin, 4)
0.255
>>> r = sales_from_purchases(60_000, 30_000, 36_000, margin, reported_sales=70_000)
>>> round(r.expected), r.verdict.value
(72483, '一致')
>>> method("流水核定法").id
'sales_from_bank_flows'
"""
from __future__ import annotations

from .._data import CROSSCHECK_CONFIG as CONFIG_FILE
from .._data import load_crosscheck_config as load_config
from .config import industry_norms, tolerances, verdict_for
from .detection import collect_runs, detection_runs, detection_table, flaw_detection
from .engine import equity_from_claims, run_all
from .evidence import EVIDENCE, STATEMENT_PREFIX, evidence_items
from .methods_equity import equity_check, equity_check_b
from .methods_onsite import (debt_service_check, household_spending_bank_check, inventory_count_check,
                             salary_from_payroll)
from .methods_ratios import (expense_ratio_check, family_spending_check, gross_margin_check, inventory_days_check,
                             loan_purpose_check, receivable_days_check, receivables_check)
from .methods_sales import (quantity_check, sales_from_bank_flows, sales_from_product_share, sales_from_purchases,
                            sales_from_utilities, weighted_gross_margin, weighted_margin_check)
from .methods_sources import (sales_from_commissions, sales_from_documents, sales_from_statement,
                              source_disagreement_check)
from .registry import GROUPS, METHODS, MethodInfo, method, run_method, to_frame
from .results import CheckResult, Verdict, deviation_text, format_value

__all__ = [
    "CheckResult", "EVIDENCE", "GROUPS", "METHODS", "MethodInfo", "Verdict",
    "collect_runs", "debt_service_check", "detection_runs", "detection_table", "deviation_text", "equity_check",
    "equity_from_claims",
    "equity_check_b", "evidence_items", "expense_ratio_check", "family_spending_check", "flaw_detection",
    "format_value", "gross_margin_check", "household_spending_bank_check", "industry_norms", "inventory_count_check",
    "inventory_days_check", "load_config", "loan_purpose_check", "method", "quantity_check", "receivable_days_check",
    "receivables_check", "run_all", "run_method", "salary_from_payroll", "sales_from_bank_flows",
    "sales_from_commissions", "sales_from_documents", "sales_from_product_share", "sales_from_purchases",
    "sales_from_statement", "sales_from_utilities", "source_disagreement_check", "to_frame", "tolerances",
    "verdict_for", "weighted_gross_margin", "weighted_margin_check",
]
