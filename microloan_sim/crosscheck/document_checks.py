"""The checks :func:`microloan_sim.crosscheck.run_all` runs on a case's documents (:mod:`microloan_sim.documents`):
purchases and margins, the bank statement (through :func:`microloan_sim.offsite.analyse`), utilities, the inventory
count, respondents' statements, the ledger and the tax records."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._common import _cite
from .evidence import _Basis, _Gate
from .methods_onsite import (debt_service_check, household_spending_bank_check, inventory_count_check,
                             salary_from_payroll)
from .methods_sales import (sales_from_bank_flows, sales_from_product_share, sales_from_purchases, sales_from_utilities,
                            weighted_margin_check)
from .methods_sources import sales_from_documents, source_disagreement_check
from .results import CheckResult

if TYPE_CHECKING:
    from ..casebook import Case


_NON_SALES_WORDS = r"租金|工资|利息收入|退款|补贴|理财|家用|报销"
_HOUSEHOLD_WORDS = r"消费|购物|学费|旅游|生活费|医疗|网购"
_DEBT_WORDS = r"利息|还款|月供|本金"
_TAXED_SALES_REGIMES = ("查账征收", "小规模纳税人", "免税农产品")


def _document_checks(case: Case, docs: Any, basis: _Basis, gate: _Gate = _Gate()) -> list[CheckResult]:
    from .. import documents as dm

    n = case.months
    facts, claims = docs.facts, docs.claims
    period = f"{docs.months[0]} 至 {docs.months[-1]}"
    out: list[CheckResult] = []
    sales_total = basis.sales * n

    # Group 2: purchases and margin. Without a count sheet (a farm) the closing stock counted is 0.
    survey = facts.weighted_margin is not None and gate.has("price_survey")
    count_ok = docs.inventory_count.empty or gate.has("inventory_count")
    if survey and basis.margin is not None:
        products = facts.products[["share", "purchase_price", "sale_price"]]
        out.append(_cite(weighted_margin_check(products, basis.margin),
                         f"现场价格调查（{len(products)} 类商品的进价、售价和销售占比）、借款人申报的毛利率"))
    invoices = docs.purchase_invoices
    counted = float(docs.inventory_count["amount"].sum()) if not docs.inventory_count.empty else 0.0
    if survey and count_ok and gate.has("purchase_invoices") and not invoices.empty and sales_total > 0:
        bought = float(invoices["amount"].sum())
        if bought + facts.opening_inventory - counted > 0:
            out.append(_cite(sales_from_purchases(bought, facts.opening_inventory, counted, facts.weighted_margin,
                                                  sales_total),
                             f"进货发票（{len(invoices)} 张，{period}）、上次调查的期初存货、今日存货盘点表、"
                             f"加权毛利率"))
        if facts.key_supplier:
            mine = invoices[invoices["supplier"] == facts.key_supplier]
            cogs = float(mine["amount"].sum()) - facts.key_cost_share * (counted - facts.opening_inventory)
            if cogs > 0:
                out.append(_cite(sales_from_product_share(cogs / (1 - facts.key_margin), facts.key_share, sales_total,
                                                          product=facts.key_product),
                                 f"{facts.key_supplier}的进货发票（{len(mine)} 张）、该类商品毛利率和销售占比、"
                                 f"存货变动按其占比分摊"))

    # Group 3: the bank statement.
    if gate.has("bank_transactions"):
        out += _bank_checks(case, docs, basis, period)

    # Group 4: utilities.
    bills = docs.utility_bills
    if facts.kwh_per_unit is not None and gate.has("utility_bills") and not bills.empty and sales_total > 0:
        out.append(_cite(sales_from_utilities(float(bills["kwh"].sum()), facts.kwh_per_unit, facts.unit_price,
                                              sales_total, base_consumption=facts.base_kwh * n,
                                              output_unit=facts.output_unit),
                         f"电费单（{len(bills)} 个月，电价约 {facts.tariff:g} 元/千瓦时）、每月基础用电 "
                         f"{facts.base_kwh:g} 千瓦时与单位耗电（现场观察与同业经验）"))

    # Group 5: the inventory count.
    if claims.inventory > 0 and case.segment != "consumer" and gate.has("inventory_count"):
        out.append(_cite(inventory_count_check(counted, claims.inventory),
                         f"今日存货盘点表（{len(docs.inventory_count)} 项）、借款人申报的存货"))

    # Group 6: different sources.
    out += _respondent_checks(case, docs, basis, dm, gate)
    ledger = docs.sales_ledger
    if gate.has("sales_ledger") and not ledger.empty and sales_total > 0:
        out.append(_cite(sales_from_documents(ledger["amount"].tolist(), sales_total, "ledger"),
                         f"借款人的销售账本（{len(ledger)} 个月）"))
    taxes = docs.tax_records
    if facts.tax_regime in _TAXED_SALES_REGIMES and gate.has("tax_records") and not taxes.empty and sales_total > 0:
        out.append(_cite(sales_from_documents(taxes["declared_sales"].tolist(), sales_total, "invoices"),
                         f"纳税记录（{facts.tax_regime}，{len(taxes)} 个季度的申报销售额）"))
    return out


def _bank_checks(case: Case, docs: Any, basis: _Basis, period: str) -> list[CheckResult]:
    """Group 3: the checks on the bank statement."""
    n = case.months
    facts = docs.facts
    out: list[CheckResult] = []
    tx_count = len(docs.bank_transactions)
    cite_bank = f"银行流水（{facts.account}，{period}，共 {tx_count:,} 笔）"
    report = _bank_report(docs)
    tx = report.transactions
    amount = tx["amount"]
    business = (amount > 0) & ~tx["non_sales_inflow"]
    identified = business & tx["description"].str.contains(_NON_SALES_WORDS, regex=True)
    business_total = report.average_monthly_business_inflow * len(report.monthly)
    if basis.salary is not None:
        # wages are household income, never sales (offsite marks them non-sales): count them here directly
        paid_in = (amount > 0) & ~(tx["related_party"] | tx["self_transfer"] | tx["pass_through"])
        payroll = float(amount[paid_in & tx["salary"] & tx["description"].str.contains("工资")].sum()) / n
        out.append(_cite(salary_from_payroll(payroll, basis.salary), cite_bank))
    elif basis.sales > 0:
        other = float(amount[identified].sum())
        out.append(_cite(sales_from_bank_flows(business_total / n, facts.account_share, basis.sales,
                                               non_sales_inflow=min(other, business_total) / n),
                         cite_bank + f"，剔除家庭成员、本人账户、过账和贷款入账，另剔除租金、工资等非销售入账；"
                                     f"借款人所说经账户收款的比例 {facts.account_share:.0%}；以下金额均为月均数"))
    outflow = amount < 0
    debt_rows = tx[outflow & tx["description"].str.contains(_DEBT_WORDS, regex=True)]
    months_seen = debt_rows.groupby("counterparty")["month"].nunique()
    recurring = months_seen[months_seen >= max(3, n // 2)].index
    seen = float(-debt_rows.loc[debt_rows["counterparty"].isin(recurring), "amount"].sum()) / n
    if seen > 0 or basis.debt_service > 0:
        lenders = "、".join(map(str, recurring)) or "无"
        out.append(_cite(debt_service_check(seen, basis.debt_service),
                         f"{cite_bank}中按月出现的还款（对象：{lenders}），借款人申报的负债清单"))
    spent = float(-amount[outflow & tx["description"].str.contains(_HOUSEHOLD_WORDS, regex=True)].sum()) / n
    if basis.household > 0:
        out.append(_cite(household_spending_bank_check(spent, basis.household),
                         f"{cite_bank}中的消费、学费、购物、旅游等家庭支出，借款人申报的家庭开支"))
    return out


@lru_cache(maxsize=64)
def _bank_report(docs: Any) -> Any:
    """:func:`microloan_sim.offsite.analyse` of a documents bundle's statement, cached per bundle."""
    from ..offsite import analyse

    return analyse(docs.bank_transactions, related_parties=docs.facts.related_parties,
                   borrower_name=docs.facts.borrower)


def _respondent_checks(case: Case, docs: Any, basis: _Basis, dm: Any,
                       gate: _Gate = _Gate()) -> list[CheckResult]:
    inv = dm.load_investigation(case)
    statements = docs.statements
    claims = docs.claims
    topic_name = {key: name for key, (name, _unit) in dm.TOPICS.items()}
    salary_topic = topic_name["salary"]
    own = {topic_name["monthly_sales"]: basis.sales if basis.salary is None else None, salary_topic: basis.salary,
           topic_name["household_spending"]: basis.household, topic_name["debts"]: basis.total_debt,
           topic_name["inventory"]: claims.inventory}
    units = {name: unit for name, unit in dm.TOPICS.values()}
    results = []
    heard = statements["respondent"].map(lambda name: gate.heard(str(name))).astype(bool)
    for topic, group in statements.groupby("topic", sort=False):
        topic = str(topic)
        group = group[heard.loc[group.index]]
        if group.empty:
            continue
        if topic == topic_name["monthly_purchases"]:
            if not gate.has("purchase_invoices"):
                continue
            for resp in inv.respondents:
                if resp.supplier is None:
                    continue
                said = group[group["respondent"] == resp.name]
                if said.empty:
                    continue
                mine = docs.purchase_invoices
                billed = float(mine.loc[mine["supplier"] == resp.supplier, "amount"].sum()) / case.months
                if billed <= 0:
                    continue
                pair = {"进货发票": billed, f"{resp.role}（{resp.name}）": float(said["value"].iloc[0])}
                results.append(_cite(source_disagreement_check(pair, "进货发票", item=f"从{resp.supplier}的月均进货额",
                                                               unit="元"),
                                     f"{resp.supplier}的进货发票、{resp.role}{resp.name}的询问记录"))
            continue
        sources: dict[str, float] = {}
        claim = own.get(topic)
        if claim is not None and claim > 0:
            sources["借款人"] = float(claim)
        if topic == salary_topic and docs.tax_records is not None and not docs.tax_records.empty \
                and docs.facts.tax_regime == "个人所得税" and gate.has("tax_records"):
            sources["个税记录"] = float(docs.tax_records["declared_sales"].sum()) / case.months
        for _, row in group.iterrows():
            sources[f"{row['role']}（{row['respondent']}）"] = float(row["value"])
        if len(sources) < 2 or all(v <= 0 for v in sources.values()):
            continue
        who = "借款人" if "借款人" in sources else next(k for k, v in sources.items() if v > 0)
        unit = "元" if units.get(topic, "元").startswith("元") else units[topic]
        people = "、".join(k for k in sources if k != "借款人")
        results.append(_cite(source_disagreement_check(sources, who, item=topic, unit=unit),
                             f"借款人申报与{people}的询问记录（话题：{topic}）"))
    return results
