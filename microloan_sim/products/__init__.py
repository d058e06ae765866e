"""Product catalogue (data-driven) and product comparison (domain §6, course 第五部分).

Every product lives in ``microloan_sim/data/products/*.yaml``; every number there is a 示例参数
(illustrative, editable by the instructor, not regulation). A product carries its pricing (rate, repayment
method, fees, deposit, subsidy), its risk-sharing split (bank / guarantor / insurer / government pool, summing
to 1), and data-driven eligibility and sizing rules that are evaluated against a case.

:func:`compare` puts products side by side from the borrower's view (nominal rate, IRR and simple
annualised rate, EAR, total cost, instalments against 月可支配资金, cash-flow feasibility) and the bank's
view (expected loss after risk sharing, net income).

Examples
--------
>>> import microloan_sim as ml
>>> catalogue = load_catalogue()
>>> {"startup_guarantee_loan", "account_flow_loan", "salary_loan"} <= set(catalogue)
True
>>> table = compare(["startup_guarantee_loan", "guarantee_insurance_loan"], 100_000, 12)
>>> table[["产品", "名义年利率", "年化利率（IRR）"]].round(4).values.tolist()
[['创业担保贷款', 0.035, 0.015], ['保证保险贷款', 0.06, 0.1495]]
>>> case = ml.casebook.load_case("C01")
>>> fit = assess(get("salary_loan"), case)
>>> fit.eligible, round(fit.amount), fit.binding
(True, 69000, '月工资 × 倍数')
"""

from __future__ import annotations

from .catalogue import (
    CATALOGUE_DIR, CATEGORIES, FLOW_ITEMS, RISK_PARTIES, SIZING_LABELS, SOFT_ATTRIBUTES, BankAssumptions,
    EligibilityRule, InsuredPeril, Product, RiskPool, RiskSharing, SizingRule, bank_assumptions, catalogue_table, describe_rule,
    get, load_catalogue, product_terms,
)
from .compare import COMPARE_PERCENT_COLUMNS, compare, to_excel
from .eligibility import Assessment, assess

__all__ = [
    "CATALOGUE_DIR", "FLOW_ITEMS", "SIZING_LABELS", "SOFT_ATTRIBUTES",
    "Assessment", "BankAssumptions", "CATEGORIES", "COMPARE_PERCENT_COLUMNS", "EligibilityRule", "InsuredPeril", "Product",
    "RISK_PARTIES", "RiskPool", "RiskSharing", "SizingRule", "assess", "bank_assumptions", "catalogue_table",
    "compare", "describe_rule", "get", "load_catalogue", "product_terms", "to_excel",
]
