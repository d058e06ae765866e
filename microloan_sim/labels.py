"""Chinese labels for every identifier a learner may see.

Code uses the English identifiers of ``shared/glossary.md``; everything shown on screen goes through
:func:`label`. Keeping every label here means one place to correct wording.

Examples
--------
>>> label("inventory")
'存货和原材料'
>>> label("no_such_item")
'no_such_item'
"""
from __future__ import annotations

# Balance sheet (资产负债表), codes as in the IPC template (domain §1.2)
BALANCE_SHEET = {
    "cash_and_deposits": "现金及银行存款",
    "accounts_receivable": "应收账款",
    "prepayments": "预付账款",
    "inventory": "存货和原材料",
    "current_assets": "流动资产",
    "fixed_assets": "固定资产",
    "other_assets": "其他资产",
    "household_assets": "家庭资产",
    "total_assets": "资产总计",
    "accounts_payable": "应付账款",
    "advances_received": "预收账款",
    "short_term_loans": "短期贷款",
    "informal_borrowing": "社会集资（民间借款）",
    "current_liabilities": "短期负债",
    "long_term_liabilities": "长期负债",
    "other_liabilities": "其他负债",
    "household_liabilities": "家庭负债",
    "total_liabilities": "负债总计",
    "equity": "所有者权益",
}

# Income statement (损益表), IPC monthly layout (domain §1.3)
INCOME_STATEMENT = {
    "revenue": "销售收入",
    "cost_of_goods_sold": "可变成本（销货成本）",
    "gross_profit": "毛利",
    "wages": "工资",
    "rent": "经营性房屋租赁费",
    "water": "水费",
    "electricity": "电费",
    "depreciation": "设备损耗（折旧）",
    "meals": "伙食费",
    "telephone": "电话费",
    "entertainment": "公关费",
    "vehicle_repairs": "汽车维修费",
    "machine_repairs": "机器维修费",
    "advertising": "广告费",
    "transport_fuel": "运输油费",
    "property_management": "物业管理费",
    "licences": "生产许可合格证",
    "insurance": "保险费",
    "taxes": "税收",
    "feed": "饲料费",
    "veterinary": "防疫兽药费",
    "other_expenses": "其他经营费用",
    "operating_expenses": "经营费用合计",
    "business_loan_payments": "分期还款（经营）",
    "net_profit": "净利润",
    "other_income": "家庭其他收入",
    "household_expenses": "家庭开支",
    "private_loan_payments": "分期付款（私人用途）",
    "disposable_income": "月可支配资金",
}

# Cash-flow statement (现金流量表), cash basis (domain §1.4)
CASH_FLOW = {
    "opening_cash": "期初现金",
    "collections": "销售收现（含应收回款）",
    "other_income": "家庭其他收入",
    "loan_drawdown": "贷款发放",
    "injections": "注资",
    "supplier_payments": "采购付现（含应付支付）",
    "operating_expenses_paid": "经营费用付现",
    "business_loan_payments": "经营贷款分期还款",
    "loan_repayment": "到期还本（非分期）",
    "household_expenses": "家庭开支",
    "private_loan_payments": "私人贷款还款",
    "capex": "投资（购置固定资产）",
    "withdrawals": "提款",
    "net_cash_flow": "本月净现金流",
    "closing_cash": "期末现金",
}

RATIOS = {
    "debt_ratio": "负债率",
    "current_ratio": "流动比率",
    "quick_ratio": "速动比率",
    "gross_margin": "毛利率",
    "net_margin": "销售利润率（未扣还本）",
    "expense_ratio": "费用率",
    "inventory_days": "存货周转天数",
    "receivable_days": "应收账款周转天数",
    "payable_days": "应付账款周转天数",
    "disposable_margin": "可支配资金占收入比",
}

EQUITY_LINK = {
    "opening_equity": "期初权益",
    "cumulative_disposable": "期间累计月可支配资金",
    "principal_repaid": "期间偿还贷款本金（已在损益中扣减，不减少权益）",
    "injections": "期间注资",
    "withdrawals": "期间提款",
    "appreciation": "资产升值",
    "expected_equity": "应有权益",
    "actual_equity": "实际权益",
    "difference": "差异（应有 − 实际）",
}

CASE_FIELDS = {
    "loan_interest_business": "经营贷款利息",
    "business_loan_interest": "经营贷款利息",
    "business_loan_principal": "经营贷款本金",
    "private_loan_interest": "私人贷款利息",
    "private_loan_principal": "私人贷款本金",
    "capex": "购置固定资产",
    "appreciation": "资产升值",
    "month": "月份",
}

#: 创业担保贷款 target groups (财金〔2020〕21号 第六条: individuals who may borrow under the scheme).
STARTUP_TARGET_GROUPS = (
    "城镇登记失业人员", "就业困难人员（含残疾人）", "退役军人", "刑满释放人员", "高校毕业生（含大学生村官和留学回国学生）",
    "化解过剩产能企业职工和失业人员", "返乡创业农民工", "网络商户", "建档立卡贫困人口",
)
#: 纳税信用级别 (国家税务总局《纳税信用管理办法（试行）》: A, B, M, C, D).
TAX_CREDIT_LEVELS = ("A", "B", "M", "C", "D")

# Cross-check methods (交叉验证, domain §2.4), method id → Chinese name, in the order of the registry
# :data:`microloan_sim.crosscheck.METHODS`, which binds each id to its function. Answer keys name the methods
# that detect a planted flaw by these ids (``detected_by``), and the documents package checks them here, below
# crosscheck on the ladder. Not part of :func:`label` (``inventory_days`` is also a ratio there).
CROSSCHECK_METHODS = {
    "equity_check": "权益交叉检验",
    "equity_check_b": "权益交叉检验（B式）",
    "weighted_margin": "加权毛利率检验",
    "sales_from_purchases": "进货核定法",
    "sales_from_product_share": "分类核定法",
    "sales_from_bank_flows": "流水核定法",
    "sales_from_utilities": "水电物耗核定法",
    "quantity_check": "数量检验",
    "inventory_days": "存货周转检验",
    "receivable_days": "应收账款周转检验",
    "receivables_pattern": "应收账款账期检验",
    "source_disagreement": "不同来源核对",
    "sales_from_statement": "口述核定法",
    "sales_from_commissions": "提点核定法",
    "sales_from_ledger": "账本核定法",
    "sales_from_invoices": "票据核定法",
    "sales_from_orders": "订单核定法",
    "gross_margin_vs_industry": "毛利率逻辑检验",
    "expense_ratio_vs_industry": "费用率逻辑检验",
    "family_spending": "家庭开支与生活水平检验",
    "loan_purpose": "贷款用途与经营规模检验",
    "inventory_count": "存货盘点核对",
    "debt_service": "负债核实（流水还款检验）",
    "household_spending_from_bank": "流水家庭开支检验",
    "salary_from_payroll": "代发工资核定法",
}

SEGMENTS = {"business": "经营类（个体工商户/小微企业）", "farm": "农户", "consumer": "个人消费"}

BASIS = {"accrual": "权责发生制", "cash": "收付实现制"}

INCOME_SOURCES = ("种植项目", "养殖项目", "商业项目", "劳务项目", "工资性项目", "其他项目")

ILLUSTRATIVE = "示例参数"

#: The three definitions of turnover days the course uses; each page names its own, so that 存货周转天数 of the
#: same case can differ between 04b, 04c and 04e without looking like an error (issue 12, item 17).
TURNOVER_DEFINITIONS = {
    "statements": "期末口径：重构报表的期末余额 ÷ 近 12 个月月均销货成本（应收账款按月均销售收入）× 30 天",
    "crosscheck": "申报口径：借款人申报的存货 ÷ 由申报销售额和毛利率推出的月销货成本 × 30 天",
    "sizing": "平均口径：近 12 个月月末余额的平均数 × 360 ÷ 全年销售成本（应收、预收按全年销售收入），"
              "流动资金贷款公式用的就是这个口径",
}
#: Shown beside a case's interview whenever a learner variant is on screen (issue 12, item 18): the variant rescales
#: the records and documents, not the borrower's own words.
CANONICAL_STORY_NOTE = ("说明：访谈记录和案例故事是借款人的原话，其中的数字（如购置设备花了多少钱）按标准案例记录，"
                        "没有随你的变体调整；你的变体的数字以报表、月度记录和各项单据为准。")

TURNOVER_NOTE = ("同一个客户的存货周转天数在交叉验证（申报口径）、报表编制（期末口径）和额度测算（平均口径）中"
                 "数值不同：分子分别是申报存货、期末存货和全年平均存货，分母分别是申报推算、实际月均和全年的销货成本。"
                 "旺季前备货时期末存货高于全年平均，期末口径的天数就更长。")

_ALL: dict[str, str] = {}
for _table in (CASE_FIELDS, BALANCE_SHEET, CASH_FLOW, RATIOS, EQUITY_LINK, INCOME_STATEMENT, SEGMENTS, BASIS):
    _ALL.update(_table)


def label(identifier: str) -> str:
    """Chinese label of an identifier, or the identifier itself when none is defined."""
    return _ALL.get(identifier, identifier)
