"""The visit records: what a loan officer writes down on the day of the visit to rebuild the statements.

Besides the bank statement, invoices and lists of :func:`~microloan_sim.documents.build_documents`, an officer
reconstructing a balance sheet at the visit date counts the cash and checks the account balance
(现金及存款核实表), lists who owes the business and whom it owes (往来款项清单: receivables, prepayments,
payables, advances, deposits), copies the sales record (销售记录, by month, sales when made), notes the small
expenses paid in cash (零星费用记录) and writes down the household: its assets today and its monthly spending
(家庭情况). :func:`visit_records` builds these from the case's true (possibly variant) figures, so they agree
with :mod:`microloan_sim.statements` to the cent: the clean documents of exercise ex01.

:func:`bank_summary` sums a bank statement by 摘要 and 对方户名, the worksheet an officer makes from hundreds of
lines.

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> visit = visit_records(case)
>>> visit.date
'2025-12-31'
>>> float(visit.cash_count["amount"].sum()) == ml.statements.balance_sheet(case).items["cash_and_deposits"]
True
>>> sorted(visit.tables())[:3]
['cash_count', 'cash_expenses', 'household_assets']
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..casebook import Case
from ..labels import label
from ._numbers import _stable_hash
from .bank import bank_paid_expenses
from .bundle import DocumentSpec
from .load import load_investigation
from .schema import CANONICAL_SEED

#: The visit records, in the order an officer fills them in (identifier → Chinese title and headers).
VISIT_FILES: dict[str, DocumentSpec] = {
    "cash_count": DocumentSpec("现金及存款核实表", (("item", "项目"), ("detail", "核实方式"), ("amount", "金额（元）")),
                               ("amount",), 2),
    "open_items": DocumentSpec("往来款项清单", (("kind", "类别"), ("counterparty", "对方"), ("amount", "金额（元）"),
                                                ("remark", "说明")), ("amount",), 2),
    "sales_record": DocumentSpec("销售记录", (("month", "月份"), ("amount", "销售额（元）")), ("amount",), 2),
    "cash_expenses": DocumentSpec("零星费用记录", (("month", "月份"), ("item", "费用"), ("amount", "金额（元）")),
                                  ("amount",), 2),
    "household_assets": DocumentSpec("家庭资产", (("item", "项目"), ("category", "类别"), ("amount", "现值（元）")),
                                     ("amount",), 2),
    "household_spending": DocumentSpec("家庭月开支", (("month", "月份"), ("amount", "家庭开支（元）")), ("amount",), 2),
}

#: Categories of the 往来款项清单, in the order they are listed.
OPEN_ITEM_KINDS = {"accounts_receivable": "应收账款", "prepayments": "预付账款", "other_assets": "其他资产",
                   "accounts_payable": "应付账款", "advances_received": "预收账款"}


@dataclass(frozen=True, eq=False)
class VisitRecords:
    """The visit records of one case or variant (identifier columns; :meth:`tables` gives Chinese headers).

    ``date`` is the visit (closing) date; ``account`` the account whose statement the officer holds.
    Cached per case: do not modify the tables.
    """

    date: str
    account: str
    cash_count: pd.DataFrame
    open_items: pd.DataFrame
    sales_record: pd.DataFrame
    cash_expenses: pd.DataFrame
    household_assets: pd.DataFrame
    household_spending: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every record as a table with Chinese headers (empty ones included), in :data:`VISIT_FILES` order."""
        return {name: getattr(self, name).rename(columns=dict(spec.columns)) for name, spec in VISIT_FILES.items()}


def _parts(total: float, weights: list[float]) -> list[float]:
    """``total`` split ∝ ``weights`` in cents, the last part taking the rounding, so the parts sum to the total.

    >>> _parts(100.0, [1, 1, 1])
    [33.33, 33.33, 33.34]
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))
    parts = [round(total * float(x), 2) for x in w[:-1]]
    return [*parts, round(total - sum(parts), 2)]


def visit_records(case: Case) -> VisitRecords:
    """The visit records of ``case`` (canonical or variant), deterministic per case and variant.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> visit = visit_records(ml.casebook.load_case("C02", variant=3))
    >>> sorted(set(visit.open_items["kind"]))
    ['其他资产', '应付账款', '应收账款', '预付账款', '预收账款']
    >>> visit_records(ml.casebook.load_case("C06")).sales_record.empty
    True
    """
    return _visit(case)


@lru_cache(maxsize=64)
def _visit(case: Case) -> VisitRecords:
    from ..statements import balance_sheet

    inv = load_investigation(case)
    closing = balance_sheet(case)
    items = closing.items
    r = case.records
    months = [str(m) for m in r.index]
    seed = case.variant if case.variant is not None else CANONICAL_SEED
    rng = np.random.default_rng([seed, _stable_hash(case.id), _stable_hash("visit")])

    # Cash: a share counted on hand, the rest the account balance shown on the banking app.
    cash = float(items["cash_and_deposits"])
    on_hand = float(min(cash, round(cash * rng.uniform(0.04, 0.15) * (1.6 - inv.account_share), 0)))
    place = "现场清点（收银台、抽屉及保险柜）" if case.segment == "business" else "现场清点（家中现金）"
    cash_count = pd.DataFrame([("银行存款", f"{inv.account}：手机银行余额截图（{closing.date}）", round(cash - on_hand, 2)),
                               ("库存现金", place, on_hand)], columns=["item", "detail", "amount"])

    # Receivables, prepayments, deposits, payables and advances at the visit date, by counterparty.
    customers = [(s.counterparty, s.share) for s in inv.settlement if s.pattern == "monthly" and s.counterparty]
    customers = customers or [("零星赊账客户（多户）", 1.0)]
    suppliers = [(s.name, s.share or 1.0) for s in inv.suppliers] or [("供货商（多家）", 1.0)]
    parties = {"accounts_receivable": (customers, "对方确认的欠款（赊销未收）"),
               "prepayments": (suppliers[-1:], "已付款、货未到"),
               "other_assets": ([("押金及其他（借款人提供收据）", 1.0)], "租赁押金、保证金等，期内未变"),
               "accounts_payable": (suppliers, "供货商对账单上的欠款"),
               "advances_received": (customers[:1], "客户已付订金、货未交")}
    rows = []
    for key, kind in OPEN_ITEM_KINDS.items():
        amount = float(items.get(key, 0.0))
        if round(amount, 2) == 0:
            continue
        names, remark = parties[key]
        for (who, _), part in zip(names, _parts(amount, [w for _, w in names])):
            if part:
                rows.append((kind, who, part, remark))
    open_items = pd.DataFrame(rows, columns=["kind", "counterparty", "amount", "remark"])

    business = case.segment != "consumer" and float(r["revenue"].abs().sum()) > 0
    sales = pd.DataFrame({"month": months, "amount": r["revenue"].to_numpy(dtype=float)}) if business else \
        pd.DataFrame(columns=["month", "amount"])

    cash_paid = [c for c in case.operating_expense_columns if c != "depreciation"
                 and c not in bank_paid_expenses(inv, case.operating_expense_columns)]
    expense_rows = [(m, label(c), float(v)) for c in cash_paid for m, v in zip(months, r[c].to_numpy(dtype=float)) if v]
    expenses = pd.DataFrame(expense_rows, columns=["month", "item", "amount"]).sort_values("month", kind="stable") \
        .reset_index(drop=True)

    # Household assets today: the listed items, rescaled to today's total (appreciation), unlisted rest apart.
    total = float(items["household_assets"])
    listed = [(a.item, a.category, float(a.value)) for a in case.household.assets]
    base = sum(v for *_, v in listed)
    if listed and base > 0 and abs(base - float(case.opening.household_assets)) < 1:
        values = _parts(total, [v for *_, v in listed])
        household = [(name, category, value) for (name, category, _), value in zip(listed, values)]
    else:
        household = list(listed)
        rest = round(total - base, 2)
        if rest:
            household.append(("其他家庭资产（借款人自述，未逐项列明）", "其他", rest))
    household_assets = pd.DataFrame(household, columns=["item", "category", "amount"])
    spending = pd.DataFrame({"month": months, "amount": r["household_expenses"].to_numpy(dtype=float)})
    return VisitRecords(closing.date, inv.account, cash_count, open_items, sales, expenses, household_assets,
                        spending)


def bank_summary(transactions: pd.DataFrame, max_parties: int = 6) -> pd.DataFrame:
    """A bank statement summed by 摘要 (description), direction and 对方户名 (counterparty): ``description``,
    ``counterparty``, ``count``, ``inflow``, ``outflow``. A description with more than ``max_parties``
    counterparties in one direction is one row (对方 “多个对方（N 个）”). Inflows first, larger first.

    Examples
    --------
    >>> tx = pd.DataFrame({"amount": [100.0, -30.0, -20.0, 50.0], "description": ["货款", "房租", "房租", "货款"],
    ...                    "counterparty": ["甲", "乙", "乙", "丙"]})
    >>> bank_summary(tx, max_parties=1).to_dict("records")[0]
    {'description': '货款', 'counterparty': '多个对方（2 个）', 'count': 2, 'inflow': 150.0, 'outflow': 0.0}
    >>> last = bank_summary(tx).iloc[-1]
    >>> last["description"], int(last["count"]), float(last["outflow"])
    ('房租', 2, 50.0)
    """
    amount = transactions["amount"].astype(float)
    tx = pd.DataFrame({"description": transactions["description"].astype(str),
                       "counterparty": transactions["counterparty"].astype(str),
                       "inflow": amount > 0, "amount": amount})
    parties = tx.groupby(["description", "inflow"])["counterparty"].transform("nunique")
    tx.loc[parties > max_parties, "counterparty"] = [f"多个对方（{n} 个）" for n in parties[parties > max_parties]]
    grouped = tx.groupby(["inflow", "description", "counterparty"], sort=False)["amount"]
    out = grouped.agg(["count", "sum"]).reset_index()
    out["size"] = out["sum"].abs()
    out = out.sort_values(["inflow", "size"], ascending=[False, False], kind="stable")
    return pd.DataFrame({"description": out["description"], "counterparty": out["counterparty"],
                         "count": out["count"].astype(int),
                         "inflow": out["sum"].clip(lower=0).round(2), "outflow": (-out["sum"]).clip(lower=0).round(2),
                         }).reset_index(drop=True)
