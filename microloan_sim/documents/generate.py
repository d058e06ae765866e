"""The document generator: :func:`build_documents` turns a case's (possibly variant-scaled) records, its
investigation facts, the planted flaws and a seed into the documents an officer sees."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..casebook import Case
from ..errors import InputError
from ._numbers import _allocate, _carry, _draw, _split, _spoken, _stable_hash
from .bank import bank_statement
from .bundle import CaseDocuments, Claims, Facts
from .load import load_answer_key, load_investigation
from .schema import (_PARAMETER_MODELS, ANSWER_KEY_FILE, CANONICAL_SEED, INVESTIGATION_FILE, TOPICS, Flaw,
                     Investigation, PlantedFlaw, Respondent)


def build_documents(case: Case, *, with_flaws: bool = True, only: Iterable[str] | None = None) -> CaseDocuments:
    """The documents of ``case`` (canonical or variant), deterministic per case and variant.

    Parameters
    ----------
    case : Case
        A loaded case; a variant gives documents generated from its own (rescaled) records.
    with_flaws : bool, optional
        Plant the flaws of ``answer_key.yaml`` (default). ``False`` gives the clean control: every claim and
        every document agrees with the truth.
    only : ids of ``answer_key.yaml`` flaws, optional
        Plant only these of the case's flaws (the exam of ex02 lets its seed choose them); ``None``: all.

    Returns
    -------
    CaseDocuments
        Cached per case object; do not modify its tables.

    Raises
    ------
    InputError
        ``investigation.yaml`` (or, with flaws, ``answer_key.yaml``) is missing or malformed.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> docs = build_documents(ml.casebook.load_case("C02", variant=3), with_flaws=False)
    >>> inflow = docs.bank_transactions["amount"].clip(lower=0).sum()
    >>> bool(inflow > 0), docs.claims.gross_margin is not None
    (True, True)
    >>> case = ml.casebook.load_case("C01", variant=3)
    >>> [f.kind for f in planted_flaws(case, only=["C01-F3"])], build_documents(case, only=()).with_flaws
    (['inflated_sales'], True)
    """
    return _build(case, bool(with_flaws), None if only is None else tuple(sorted(set(only))))


@lru_cache(maxsize=256)
def _build(case: Case, with_flaws: bool, only: tuple[str, ...] | None = None) -> CaseDocuments:
    inv = load_investigation(case)
    flaws = _chosen(case, only) if with_flaws else ()
    return _Generator(case, inv, flaws).documents(with_flaws)


def _chosen(case: Case, only: Iterable[str] | None) -> tuple[Flaw, ...]:
    flaws = tuple(load_answer_key(case))
    if only is None:
        return flaws
    wanted = set(only)
    unknown = wanted - {flaw.id for flaw in flaws}
    if unknown:
        raise InputError(f"案例中没有这些问题：{'、'.join(sorted(unknown))}", field="only",
                         file=f"{case.folder.name}/{ANSWER_KEY_FILE}")
    return tuple(flaw for flaw in flaws if flaw.id in wanted)


def planted_flaws(case: Case, *, only: Iterable[str] | None = None) -> tuple[PlantedFlaw, ...]:
    """The flaws as planted in this case or variant (ranges drawn, sizes in 元); ``only`` as in
    :func:`build_documents`. Instructors and tests only."""
    return _Generator(case, load_investigation(case), _chosen(case, only)).planted


class _Generator:
    """Builds the documents of one case; every random draw comes from a named stream of the seed."""

    def __init__(self, case: Case, inv: Investigation, flaws: Sequence[Flaw]) -> None:
        from ..statements import balance_sheet, cash_flow

        self.case = case
        self.inv = inv
        self.seed = case.variant if case.variant is not None else CANONICAL_SEED
        self.case_hash = _stable_hash(case.id)
        r = case.records
        self.r = r
        self.n = len(r)
        self.months: pd.PeriodIndex = pd.PeriodIndex(r.index)
        cf = cash_flow(case).monthly
        self.collections = np.maximum(cf["collections"].to_numpy(dtype=float), 0.0)
        self.supplier_payments = _carry(-cf["supplier_payments"].to_numpy(dtype=float))
        self.closing = balance_sheet(case)
        previous_inventory = np.r_[case.opening.inventory, r["inventory"].to_numpy(dtype=float)[:-1]]
        self.purchases = _carry(r["cost_of_goods_sold"].to_numpy(dtype=float)
                                + r["inventory"].to_numpy(dtype=float) - previous_inventory)
        revenue = r["revenue"].to_numpy(dtype=float)
        self.revenue = revenue
        self.consumer = case.segment == "consumer"
        #: The main income: sales, or the household's wages for a salaried borrower.
        self.income = r["other_income"].to_numpy(dtype=float) if self.consumer else revenue
        if self.consumer:
            self.collections = self.income.copy()
        total_revenue = float(revenue.sum())
        self.true_margin = (1.0 - float(r["cost_of_goods_sold"].sum()) / total_revenue) if total_revenue > 0 else None
        self.household = r["household_expenses"].to_numpy(dtype=float)
        self.planted = self._realise(flaws)

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.case_hash, _stable_hash(stream)])

    # ------------------------------------------------------------------ flaws
    def _realise(self, flaws: Sequence[Flaw]) -> tuple[PlantedFlaw, ...]:
        planted = []
        mean_household = float(self.household.mean())
        for flaw in flaws:
            rng = self.rng(f"flaw:{flaw.id}")
            params = _PARAMETER_MODELS[flaw.kind].model_validate(flaw.parameters)
            values: dict[str, Any] = {}
            for name, value in params.model_dump().items():
                values[name] = _draw(value, rng) if isinstance(value, (float, int, tuple, list)) and \
                    name in ("factor", "monthly_share", "share") else value
            if flaw.kind in ("hidden_debt", "undeclared_card_debt"):
                payment = float(round(values["monthly_share"] * mean_household, -1))
                values["monthly_payment"] = payment
                values["balance"] = payment * values["months_remaining"]
            planted.append(PlantedFlaw(flaw.id, flaw.kind, flaw.description, tuple(flaw.detected_by), values))
        hidden = sum(p.values.get("monthly_payment", 0.0) for p in planted)
        spending = sum(p.values["share"] for p in planted if p.kind == "personal_spending")
        if np.any(self.household * (1 - spending) - hidden < 0.15 * self.household):
            raise InputError("隐性还款和走经营账的家庭开支之和过大，家庭开支已不足以覆盖",
                             field="flaws.parameters", file=f"{self.case.folder.name}/{ANSWER_KEY_FILE}")
        return tuple(planted)

    def _effect(self, kind: str, name: str, default: float = 0.0) -> float:
        return float(sum(p.values[name] for p in self.planted if p.kind == kind)) if \
            any(p.kind == kind for p in self.planted) else default

    # ------------------------------------------------------------------ facts
    def facts(self) -> Facts:
        inv, case = self.inv, self.case
        products = pd.DataFrame(columns=["item", "share", "purchase_price", "sale_price", "unit", "supplier",
                                         "margin"])
        weighted = None
        key = None
        key_supplier = None
        key_cost_share = key_share = key_margin = 0.0
        if inv.products and self.true_margin is not None:
            shares = np.array([p.share for p in inv.products])
            shares = shares / shares.sum()
            ratio = np.array([p.purchase_price / p.sale_price for p in inv.products])
            scale = (1 - self.true_margin) / float((shares * ratio).sum())
            purchase = np.round(np.array([p.purchase_price for p in inv.products]) * scale, 2)
            sale = np.array([p.sale_price for p in inv.products])
            if np.any(purchase >= sale) or np.any(purchase <= 0):
                raise InputError("按本案例的毛利率调整后进价不低于售价，请调整商品的进价或售价",
                                 field="products", file=f"{case.folder.name}/{INVESTIGATION_FILE}")
            margin = 1 - purchase / sale
            products = pd.DataFrame({
                "item": [p.item for p in inv.products], "share": shares, "purchase_price": purchase,
                "sale_price": sale, "unit": [p.unit for p in inv.products],
                "supplier": [p.supplier or "" for p in inv.products], "margin": margin})
            weighted = float((shares * margin).sum())
            cost_share = shares * (1 - margin) / float((shares * (1 - margin)).sum())
            products["cost_share"] = cost_share
            tied = [i for i, p in enumerate(inv.products) if p.supplier]
            if tied:
                i = tied[0]
                key, key_supplier = inv.products[i].item, inv.products[i].supplier
                key_cost_share = float(cost_share[[j for j in tied if inv.products[j].supplier == key_supplier]].sum())
                key_share = float(shares[[j for j in tied if inv.products[j].supplier == key_supplier]].sum())
                key_margin = 1 - key_cost_share * (1 - weighted) / key_share
        kwh_per_unit = None
        base = 0.0
        tariff = None
        unit_price = 1.0
        output_unit = "元"
        if inv.utilities is not None and float(self.r["electricity"].sum()) > 0 and float(self.revenue.sum()) > 0:
            u = inv.utilities
            tariff = u.tariff
            base = u.base_kwh
            kwh = np.round(self.r["electricity"].to_numpy(dtype=float) / u.tariff)
            if u.driver == "units":
                unit_price = float(u.unit_price or 1.0)
                output_unit = u.unit_name
            else:
                unit_price = 10_000.0
                output_unit = "万元"
            output = float(self.revenue.sum()) / unit_price
            usable = float(kwh.sum()) - base * self.n
            if usable <= 0:
                raise InputError("基础用电量过大（不低于全部用电量）", field="utilities.base_kwh",
                                 file=f"{case.folder.name}/{INVESTIGATION_FILE}")
            kwh_per_unit = _spoken(usable / output)
        canonical_household = self._canonical_household()
        ratio_household = float(self.household.mean()) / canonical_household if canonical_household > 0 else 1.0
        extras = {k: float(round(v * ratio_household, -1)) for k, v in inv.household_extras.items()}
        related = tuple(dict.fromkeys([*inv.related_parties, *([case.borrower.spouse.split("（", 1)[0]]
                                                              if case.borrower.spouse else [])]))
        return Facts(
            borrower=case.borrower.name, members=case.household.members, area=inv.area,
            industry_norm=inv.industry_norm, loan_purpose=inv.loan_purpose, tax_regime=inv.tax.regime,
            account=inv.account, account_share=inv.account_share, related_parties=related, products=products,
            weighted_margin=weighted, key_product=key, key_supplier=key_supplier, key_cost_share=key_cost_share,
            key_share=key_share, key_margin=key_margin, opening_inventory=float(case.opening.inventory),
            kwh_per_unit=kwh_per_unit, base_kwh=base, tariff=tariff, unit_price=unit_price, output_unit=output_unit,
            household_extras=extras,
        )

    def _canonical_household(self) -> float:
        if self.case.variant is None:
            return float(self.household.mean())
        from ..casebook import load_case_folder

        canonical = load_case_folder(self.case.folder)
        return float(canonical.records["household_expenses"].mean())

    # ------------------------------------------------------------------ documents
    def documents(self, with_flaws: bool) -> CaseDocuments:
        facts = self.facts()
        invoices = self._invoices(facts)
        bank, categories = bank_statement(self, facts)
        claims = self._claims(facts)
        return CaseDocuments(
            case_id=self.case.id, variant=self.case.variant, with_flaws=with_flaws,
            months=tuple(str(m) for m in self.months), bank_transactions=bank, sales_ledger=self._ledger(),
            purchase_invoices=invoices, utility_bills=self._utilities(facts), tax_records=self._tax(),
            inventory_count=self._inventory(facts), fixed_assets=self._fixed_assets(),
            statements=self._statements(claims, invoices), claims=claims, facts=facts, bank_categories=categories,
        )

    def _sales_factor(self) -> float:
        return (1 + self._effect("inflated_sales", "factor")) * (1 - self._effect("hidden_income", "factor"))

    def _ledger(self) -> pd.DataFrame:
        if float(self.revenue.sum()) <= 0 or self.case.segment == "consumer":
            return pd.DataFrame(columns=["month", "amount"])
        noise = self.rng("ledger").uniform(0.97, 1.0, self.n)
        factor = 1 + self._effect("inflated_sales", "factor")  # a borrower who inflates sales keeps a matching book
        return pd.DataFrame({"month": [str(m) for m in self.months],
                             "amount": np.round(self.revenue * noise * factor, 0)})

    def _tax(self) -> pd.DataFrame:
        regime = self.inv.tax.regime
        if regime == "不适用":
            return pd.DataFrame(columns=["quarter", "declared_sales", "tax"])
        quarters = self.months.asfreq("Q")
        taxes = pd.Series(self.r["taxes"].to_numpy(dtype=float)).groupby(np.asarray(quarters)).sum()
        if float(taxes.sum()) == 0 and self.inv.tax.rate > 0:
            taxes = pd.Series(self.income * self.inv.tax.rate).groupby(np.asarray(quarters)).sum()
        if regime == "个人所得税":
            sales = pd.Series(self.income).groupby(np.asarray(quarters)).sum()
        elif regime == "定期定额":
            sales = pd.Series(float(self.inv.tax.quota_monthly_sales or 0.0), index=range(self.n)) \
                .groupby(np.asarray(quarters)).sum()
        else:
            factor = 1 - self._effect("hidden_income", "factor")  # under-reported to the tax office as well
            sales = pd.Series(self.revenue * factor).groupby(np.asarray(quarters)).sum()
        return pd.DataFrame({"quarter": [str(q).replace("Q", "年第") + "季度" for q in sales.index],
                             "declared_sales": np.round(sales.to_numpy(dtype=float), 0),
                             "tax": np.round(taxes.reindex(sales.index).to_numpy(dtype=float), 2)})

    def _utilities(self, facts: Facts) -> pd.DataFrame:
        if facts.tariff is None:
            return pd.DataFrame(columns=["month", "kwh", "amount"])
        amount = self.r["electricity"].to_numpy(dtype=float)
        return pd.DataFrame({"month": [str(m) for m in self.months], "kwh": np.round(amount / facts.tariff),
                             "amount": np.round(amount, 2)})

    def _supplier_shares(self, facts: Facts) -> dict[str, float]:
        inv = self.inv
        shares: dict[str, float] = {}
        if not inv.suppliers:
            return shares
        tied_total = 0.0
        if not facts.products.empty:
            for _, row in facts.products.iterrows():
                if row["supplier"]:
                    shares[row["supplier"]] = shares.get(row["supplier"], 0.0) + float(row["cost_share"])
                    tied_total += float(row["cost_share"])
        free = [s for s in inv.suppliers if s.name not in shares]
        weight = sum(s.share for s in free)
        for s in free:
            shares[s.name] = (1 - tied_total) * s.share / weight if weight > 0 else 0.0
        total = sum(shares.values())
        return {k: v / total for k, v in shares.items()} if total > 0 else shares

    def supplier_weights(self, facts: Facts) -> np.ndarray:
        """Each month's share of purchases per supplier (months × suppliers): the suppliers' shares among those
        that deliver that month (``Supplier.months``; a batch farm buys piglets only when a batch starts)."""
        shares = self._supplier_shares(facts)
        base = np.array([shares[sup.name] for sup in self.inv.suppliers], dtype=float)
        calendar = np.asarray(self.months.month)
        active = np.array([[not sup.months or int(m) in sup.months for sup in self.inv.suppliers] for m in calendar],
                          dtype=float).reshape(len(calendar), len(base))
        weights = base * active
        idle = weights.sum(axis=1) <= 0
        weights[idle] = base
        return weights

    def _invoices(self, facts: Facts) -> pd.DataFrame:
        columns = ["date", "supplier", "item", "amount"]
        shares = self._supplier_shares(facts)
        if not shares or float(self.purchases.sum()) <= 0:
            return pd.DataFrame(columns=columns)
        rng = self.rng("invoices")
        parts = []
        starts = self.months.to_timestamp(how="start")
        per_supplier = _allocate(self.purchases, self.supplier_weights(facts))
        for k, sup in enumerate(self.inv.suppliers):
            days = np.array(sorted({max(1, d - 2) for d in sup.pay_days}))
            month = np.repeat(np.arange(self.n), len(days))
            day = np.tile(days, self.n)
            amounts = _split(per_supplier[:, k], month, rng.uniform(0.8, 1.2, len(month)))
            parts.append(pd.DataFrame({"date": starts[month] + pd.to_timedelta(day - 1, unit="D"),
                                       "supplier": sup.name, "item": sup.item, "amount": amounts, "k": k}))
        frame = pd.concat(parts, ignore_index=True)
        frame = frame[frame["amount"] > 0].sort_values(["date", "k"], kind="stable").drop(columns="k")
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        return frame.reset_index(drop=True)[columns]

    def _inventory(self, facts: Facts) -> pd.DataFrame:
        columns = ["item", "unit", "quantity", "unit_cost", "amount"]
        closing = float(self.r["inventory"].iloc[-1])
        if closing <= 0:
            return pd.DataFrame(columns=columns)
        if self.inv.stock_items:
            items = [(s.item, s.unit, s.unit_cost, s.share) for s in self.inv.stock_items]
        elif not facts.products.empty:
            items = [(str(row["item"]), str(row["unit"]), float(row["purchase_price"]), float(row["cost_share"]))
                     for _, row in facts.products.iterrows()]
        else:
            items = [("存货", "批", closing, 1.0)]
        rows = []
        for item, unit, cost, share in items:
            quantity = float(np.floor(closing * share / cost))
            rows.append((item, unit, quantity, cost, round(quantity * cost, 2)))
        remainder = round(closing - sum(row[4] for row in rows), 2)
        if remainder >= 0.01:
            rows.append(("其他零星货品（按进价估）", "批", 1.0, remainder, remainder))
        return pd.DataFrame(rows, columns=columns)

    def _fixed_assets(self) -> pd.DataFrame:
        columns = ["item", "acquired", "original_value", "current_value"]
        closing = float(self.closing.items["fixed_assets"])
        if closing <= 0:
            return pd.DataFrame(columns=columns)
        opening = float(self.case.opening.fixed_assets)
        items = [(a.item, a.acquired, a.share * opening, a.original_multiple) for a in self.inv.fixed_assets] or \
            [("经营设备及装修", str(self.months[0] - 36), opening, 1.5)]
        capex = self.r["capex"].to_numpy(dtype=float)
        names = iter(self.inv.capex_items)
        for i in np.flatnonzero(capex > 0).tolist():
            items.append((next(names, "新购设备"), str(self.months[int(i)]), float(capex[i]), 1.0))
        base = np.array([it[2] for it in items])
        current = np.round(base * closing / base.sum(), 2)
        current[-1] = round(closing - float(current[:-1].sum()), 2)
        original = [round(it[2] * it[3], -2) if it[3] > 1 else round(it[2], 2) for it in items]
        return pd.DataFrame({"item": [it[0] for it in items], "acquired": [it[1] for it in items],
                             "original_value": original, "current_value": current}, columns=columns)

    # ------------------------------------------------------------------ claims and statements
    def _declared_debts(self) -> pd.DataFrame:
        r, o, lenders = self.r, self.case.opening, self.inv.lenders
        rows = []
        business = float((r["business_loan_interest"] + r["business_loan_principal"]).mean())
        if o.short_term_loans > 0 or business > 0 or float(r["loan_drawdown"].sum()) > 0:
            owed_business = float(self.closing.items["short_term_loans"])
            rows.append((lenders.business, "经营贷款" if owed_business > 0 else "经营贷款（期内已还清）", owed_business,
                         business))
        if o.informal_borrowing > 0:
            rows.append((lenders.informal, "民间借款（无固定还款）", o.informal_borrowing, 0.0))
        private = float((r["private_loan_interest"] + r["private_loan_principal"]).mean())
        owed = float(self.closing.items["household_liabilities"])
        items = sorted(self.case.household.liabilities, key=lambda i: -i.value)
        if self.inv.private_debts:
            for d in self.inv.private_debts:
                rows.append((d.lender, d.kind, owed * d.balance_share, private * d.payment_share))
        elif items and owed > 0:  # each declared item, scaled to today's balance; instalments on the largest
            scale = owed / sum(i.value for i in items) if sum(i.value for i in items) > 0 else 0.0
            for k, item in enumerate(items):
                rows.append((lenders.private if k == 0 else f"{item.category}（借款人自述）", item.item,
                             item.value * scale, private if k == 0 else 0.0))
        elif owed > 0 or private > 0:
            rows.append((lenders.private, "个人贷款", owed, private))
        for key, kind in (("long_term_liabilities", "长期借款"), ("other_liabilities", "其他负债")):
            if getattr(o, key) > 0:
                rows.append(("（借款人自述）", kind, float(getattr(o, key)), 0.0))
        frame = pd.DataFrame(rows, columns=["lender", "kind", "balance", "monthly_payment"])
        frame["balance"] = frame["balance"].astype(float).round(0)
        frame["monthly_payment"] = frame["monthly_payment"].astype(float).round(0)
        return frame

    def _claims(self, facts: Facts) -> Claims:
        mean_revenue = float(self.revenue.mean())
        hidden = self._effect("hidden_debt", "monthly_payment") + self._effect("undeclared_card_debt",
                                                                               "monthly_payment")
        spending = self._effect("personal_spending", "share")
        household = float(self.household.mean()) * (1 - spending) - hidden
        margin = None
        if self.true_margin is not None and self.case.segment != "consumer":
            margin = round(min(0.95, self.true_margin * (1 + self._effect("inflated_margin", "factor"))), 4)
        salary = None
        if self.consumer:
            salary = round(float(self.income.mean()) * (1 + self._effect("overstated_salary", "factor")), 0)
        return Claims(
            monthly_sales=round(mean_revenue * self._sales_factor(), 0),
            gross_margin=margin,
            household_spending=round(household, 0),
            inventory=round(float(self.r["inventory"].iloc[-1]) * (1 + self._effect("overstated_inventory", "factor")),
                            0),
            debts=self._declared_debts(),
            monthly_salary=salary,
        )

    def _statements(self, claims: Claims, invoices: pd.DataFrame) -> pd.DataFrame:
        rng = self.rng("statements")
        hidden = [p for p in self.planted if p.kind in ("hidden_debt", "undeclared_card_debt")]
        hidden_payment = sum(p.values["monthly_payment"] for p in hidden)
        truth = {
            "monthly_sales": float(self.revenue.mean()),
            "salary": float(self.income.mean()),
            "household_spending": float(self.household.mean()) - hidden_payment,
            "debts": claims.total_debt + sum(p.values["balance"] for p in hidden),
            "inventory": float(self.r["inventory"].iloc[-1]),
        }
        rows = []
        for resp in self.inv.respondents:
            for topic in resp.topics:
                if topic == "monthly_purchases":
                    chosen = invoices[invoices["supplier"] == resp.supplier]
                    value = float(chosen["amount"].sum()) / self.n
                else:
                    value = truth[topic]
                value = _spoken(value * rng.uniform(0.96, 1.04))
                name, unit = TOPICS[topic]
                rows.append((resp.name, resp.role, name, value, unit, self._remark(resp, topic, value, hidden)))
        return pd.DataFrame(rows, columns=["respondent", "role", "topic", "value", "unit", "remark"])

    def _remark(self, resp: Respondent, topic: str, value: float, hidden: Sequence[PlantedFlaw]) -> str:
        wan = value / 10_000
        if topic == "monthly_sales":
            if self.case.segment == "farm":
                items = "、".join(re.sub(r"（.*?）", "", p.item) for p in self.inv.products) or "农产品"
                return f"他家一年卖{items}的收入大概{wan * 12:.1f}万元，平均下来一个月{value:,.0f}元左右"
            return f"平时一天卖{value / 30:,.0f}元上下，一个月下来{value:,.0f}元左右"
        if topic == "salary":
            return f"两口子的工资加起来，一个月到手大概{value:,.0f}元，都是单位代发"
        if topic == "household_spending":
            text = f"家里日常开销一个月大概{value:,.0f}元"
            for p in hidden:
                text += f"；另外每月要还{p.values['lender']}{p.values['monthly_payment']:,.0f}元"
            return text
        if topic == "debts":
            text = f"{'家里' if self.consumer else '家里和生意上'}的欠款加起来大约{wan:.1f}万元"
            for p in hidden:
                who = f"{p.values['relation']}{p.values['lender']}" if p.values["relation"] else p.values["lender"]
                text += f"，其中欠{who}的{p.values['balance'] / 10_000:.1f}万元还没还完"
            return text
        if topic == "inventory":
            return f"上周刚盘过货，按进价算大约{value:,.0f}元的货"
        return f"他每月从我们这里进货{value:,.0f}元左右，月底对账"
