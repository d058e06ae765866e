"""The bank statement a generator writes for a case: sales collected through the account, other income and
loans, suppliers, operating expenses, household spending, and the flows of the planted flaws."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._numbers import _allocate, _split
from .bundle import Facts

if TYPE_CHECKING:
    from .generate import _Generator


_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志海东文斌宇浩凯鹏飞晓春梅雪琳婷")


#: Where operating expenses are paid when they go through the account: counterparty, description, channel,
#: day. ``employees``, ``landlord``, ``utilities`` and ``tax`` are resolved from the investigation facts.
_EXPENSE_PAYEES: dict[str, tuple[str, str, str, int]] = {
    "wages": ("employees", "工资", "网银", 10),
    "rent": ("landlord", "房租", "手机银行", 5),
    "electricity": ("utilities", "电费", "代扣", 15),
    "water": ("某市自来水有限公司", "水费", "代扣", 15),
    "telephone": ("中国移动通信集团某省有限公司", "话费", "代扣", 16),
    "taxes": ("tax", "税费", "代扣", 12),
    "insurance": ("某财产保险股份有限公司", "保费", "代扣", 18),
    "transport_fuel": ("中国石化销售股份有限公司某加油站", "加油", "POS", 9),
    "machine_repairs": ("某机械设备维修部", "维修费", "手机银行", 22),
    "vehicle_repairs": ("某汽车维修服务部", "修车费", "手机银行", 23),
    "veterinary": ("某镇畜牧兽医站", "兽药疫苗", "手机银行", 14),
    "property_management": ("某物业服务有限公司", "物业费", "代扣", 6),
    "advertising": ("某广告传媒有限公司", "广告费", "网银", 20),
    "feed": ("某饲料有限公司", "饲料款", "网银", 13),
}


def bank_paid_expenses(inv: Any, columns: Any) -> tuple[str, ...]:
    """The operating-expense columns the bank statement carries (wages only with named employees, rent only
    with a named landlord); the others are paid in cash. Depreciation is never paid.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> from microloan_sim.documents import load_investigation
    >>> case = ml.casebook.load_case("C01")
    >>> bank_paid_expenses(load_investigation(case), case.operating_expense_columns)
    ('wages', 'rent', 'water', 'electricity', 'telephone', 'taxes')
    """
    paid = []
    for column in columns:
        if column not in _EXPENSE_PAYEES:
            continue
        payee = _EXPENSE_PAYEES[column][0]
        if (payee == "employees" and not inv.employees) or (payee == "landlord" and not inv.landlord):
            continue
        paid.append(column)
    return tuple(paid)


class _Bank:
    """Accumulates statement rows month by month and builds the sorted statement."""

    def __init__(self, months: pd.PeriodIndex) -> None:
        self.starts = months.to_timestamp(how="start").to_numpy(dtype="datetime64[m]")
        self.days_in = months.days_in_month.to_numpy()
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, month: np.ndarray, day: np.ndarray, minute: np.ndarray, amount: np.ndarray,
            counterparty: Any, description: Any, channel: Any, category: str) -> None:
        n = len(month)
        if n == 0:
            return
        self.parts.append({
            "month": np.asarray(month, dtype=np.int64), "day": np.asarray(day, dtype=np.int64),
            "minute": np.asarray(minute, dtype=np.int64), "amount": np.asarray(amount, dtype=float),
            "counterparty": np.broadcast_to(np.asarray(counterparty, dtype=object), (n,)),
            "description": np.broadcast_to(np.asarray(description, dtype=object), (n,)),
            "channel": np.broadcast_to(np.asarray(channel, dtype=object), (n,)),
            "category": np.full(n, category, dtype=object),
        })

    def frame(self) -> tuple[pd.DataFrame, pd.Series]:
        cols = {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}
        day = np.minimum(cols["day"], self.days_in[cols["month"]])
        stamp = (self.starts[cols["month"]] + (day - 1).astype("timedelta64[D]")
                 + cols["minute"].astype("timedelta64[m]"))
        frame = pd.DataFrame({"date": stamp.astype("datetime64[ns]"), "amount": np.round(cols["amount"], 2),
                              "counterparty": cols["counterparty"].astype(str), "channel": cols["channel"].astype(str),
                              "description": cols["description"].astype(str), "category": cols["category"]})
        frame = frame[frame["amount"] != 0].sort_values("date", kind="stable").reset_index(drop=True)
        return frame.drop(columns="category"), frame["category"].rename("category")


def _names(gen: _Generator, rng: np.random.Generator, n: int) -> np.ndarray:
    reserved = {gen.case.borrower.name, *gen.inv.related_parties, *gen.inv.employees,
                *(p.values.get("lender", "") for p in gen.planted)}
    reserved = {x for x in reserved if x}
    surname = rng.choice(_SURNAMES, n)
    first = rng.choice(_GIVEN, n)
    second = rng.choice(_GIVEN, n)
    two = rng.random(n) < 0.7
    names = np.where(two, np.char.add(np.char.add(surname, first), second), np.char.add(surname, first))
    out = names.astype(object)
    if reserved:
        for i, name in enumerate(out):
            if any(r in name or name in r for r in reserved):
                out[i] = name[0] + "某" + name[1:]
    return out


def _minutes(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    return rng.integers(int(low * 60), int(high * 60), n)


def bank_statement(gen: _Generator, facts: Facts) -> tuple[pd.DataFrame, pd.Series]:
    """The bank statement of the generator's case (identifier columns) and each row's category."""
    inv, r, n = gen.inv, gen.r, gen.n
    bank = _Bank(gen.months)
    months = np.arange(n)
    days_in = gen.months.days_in_month.to_numpy()

    # Sales collected through the account.
    account_sales = gen.collections * inv.account_share
    volume = account_sales / account_sales.mean() if account_sales.mean() > 0 else account_sales
    channels = _allocate(account_sales, [s.share for s in inv.settlement])
    for k, s in enumerate(inv.settlement):
        rng = gen.rng(f"settlement:{k}")
        total = channels[:, k]
        if s.pattern == "daily":
            month = np.repeat(months, days_in)
            day = np.concatenate([np.arange(1, d + 1) for d in days_in])
            weekday = pd.DatetimeIndex(gen.months.to_timestamp(how="start")[month]
                                       + pd.to_timedelta(day - 1, unit="D")).day_of_week.to_numpy()
            weights = rng.lognormal(0, 0.25, len(month)) * np.where(weekday >= 5, 1.15, 1.0)
            amount = _split(total, month, weights)
            bank.add(month, day, _minutes(rng, len(month), 8.5, 10.5), amount, s.counterparty,
                     s.description, s.channel, "sales")
        elif s.pattern == "monthly":
            days = np.array(s.days)
            month = np.repeat(months, len(days))
            day = np.tile(days, n)
            amount = _split(total, month, rng.uniform(0.7, 1.3, len(month)))
            bank.add(month, day, _minutes(rng, len(month), 9, 17), amount, s.counterparty, s.description,
                     s.channel, "sales")
        else:
            counts = rng.poisson(s.per_month * volume)
            month = np.repeat(months, counts)
            day = (np.floor(rng.random(len(month)) * days_in[month]) + 1).astype(int)
            amount = _split(total, month, rng.exponential(1.0, len(month)))
            channel = rng.choice(np.array(["微信", "支付宝", "手机银行"], dtype=object), len(month))
            bank.add(month, day, _minutes(rng, len(month), 7, 22), amount, _names(gen, rng, len(month)),
                     s.description, channel, "sales")

    # Other income, loans, injections.
    other = r["other_income"].to_numpy(dtype=float)
    for k, payer in enumerate(() if gen.consumer else inv.other_income):
        rng = gen.rng(f"other:{k}")
        bank.add(months, np.full(n, payer.day), _minutes(rng, n, 9, 20), np.round(other * payer.share, 2),
                 payer.counterparty, payer.description, payer.channel, "other_income")
    rng = gen.rng("loans")
    lender = inv.lenders.business
    bank.add(months, np.full(n, 20), np.full(n, 14 * 60), r["loan_drawdown"].to_numpy(dtype=float), lender,
             "贷款发放", "柜面", "loan")
    bank.add(months, np.full(n, 20), np.full(n, 9 * 60 + 30), -r["loan_repayment"].to_numpy(dtype=float), lender,
             "归还到期贷款", "柜面", "loan")
    bank.add(months, np.full(n, 21), _minutes(rng, n, 6, 7),
             -r["business_loan_interest"].to_numpy(dtype=float), lender, "贷款利息", "代扣", "debt_service")
    bank.add(months, np.full(n, 21), _minutes(rng, n, 7, 8),
             -r["business_loan_principal"].to_numpy(dtype=float), lender, "贷款本金", "代扣", "debt_service")
    private = (r["private_loan_interest"] + r["private_loan_principal"]).to_numpy(dtype=float)
    debts = [(d.lender, d.description, d.payment_share) for d in inv.private_debts] or \
        [(inv.lenders.private, inv.lenders.private_description, 1.0)]
    for k, (who, memo, part) in enumerate(debts):
        bank.add(months, np.full(n, 18 + k), _minutes(rng, n, 6, 8), -np.round(private * part, 2), who, memo,
                 "代扣", "debt_service")
    family = facts.related_parties[0] if facts.related_parties else facts.borrower
    bank.add(months, np.full(n, 3), _minutes(rng, n, 10, 16), r["injections"].to_numpy(dtype=float), family,
             "转入", "手机银行", "injection")
    bank.add(months, np.full(n, 26), _minutes(rng, n, 10, 16), -r["withdrawals"].to_numpy(dtype=float),
             family, "转出", "手机银行", "withdrawal")
    bank.add(months, np.full(n, 12), _minutes(rng, n, 10, 16), -r["capex"].to_numpy(dtype=float),
             inv.capex_supplier, "设备款", "网银", "capex")

    # Suppliers.
    paid = _allocate(gen.supplier_payments * inv.payment_share, gen.supplier_weights(facts)) \
        if inv.suppliers else np.zeros((n, 0))
    for k, sup in enumerate(inv.suppliers):
        rng = gen.rng(f"supplier:{k}")
        days = np.array(sup.pay_days)
        month = np.repeat(months, len(days))
        amount = _split(paid[:, k], month, rng.uniform(0.8, 1.2, len(month)))
        bank.add(month, np.tile(days, n), _minutes(rng, len(month), 10, 17), -amount, sup.name, "货款",
                 sup.channel, "supplier")

    # Operating expenses paid through the account.
    rng = gen.rng("expenses")
    for column in bank_paid_expenses(inv, gen.case.operating_expense_columns):
        payee, memo, via, pay_day = _EXPENSE_PAYEES[column]
        values = r[column].to_numpy(dtype=float)
        if payee == "employees":
            people = inv.employees
            month = np.repeat(months, len(people))
            amount = _split(values, month, np.ones(len(month)))
            bank.add(month, np.full(len(month), pay_day), _minutes(rng, len(month), 9, 12), -amount,
                     np.tile(np.array(people, dtype=object), n), memo, via, "expense")
            continue
        if payee == "landlord":
            payee = str(inv.landlord)
        elif payee == "utilities":
            payee = inv.utilities.supplier if inv.utilities is not None else "国网某市供电公司"
        elif payee == "tax":
            payee = inv.tax.office
        bank.add(months, np.full(n, pay_day), _minutes(rng, n, 8, 18), -values, payee, memo, via, "expense")

    # Household spending paid from the account, and the planted flows.
    hidden = [p for p in gen.planted if p.kind in ("hidden_debt", "undeclared_card_debt")]
    spending = [p for p in gen.planted if p.kind == "personal_spending"]
    hidden_payment = sum(p.values["monthly_payment"] for p in hidden)
    share_spent = sum(p.values["share"] for p in spending)
    rng = gen.rng("household")
    payees = np.array(inv.household_payees, dtype=object)
    per_month = 4
    month = np.repeat(months, per_month)
    amount = _split((gen.household * (1 - share_spent) - hidden_payment) * inv.household_bank_share, month,
                    rng.uniform(0.5, 1.5, len(month)))
    bank.add(month, np.tile(np.array([6, 13, 22, 27]), n), _minutes(rng, len(month), 11, 21), -amount,
             payees[rng.integers(0, len(payees), len(month))], "消费",
             rng.choice(np.array(["支付宝", "微信"], dtype=object), len(month)), "household")
    for p in hidden:
        rng = gen.rng(f"planted:{p.id}")
        bank.add(months, np.full(n, int(p.values["day"])), _minutes(rng, n, 19, 21.5),
                 np.full(n, -p.values["monthly_payment"]), p.values["lender"], p.values["description"],
                 p.values["channel"], "planted")
    for p in spending:
        rng = gen.rng(f"planted:{p.id}")
        targets = p.values["payees"]
        month = np.repeat(months, 2)
        pick = rng.integers(0, len(targets), len(month))
        amount = _split(gen.household * p.values["share"], month, rng.uniform(0.6, 1.4, len(month)))
        bank.add(month, np.tile(np.array([9, 24]), n), _minutes(rng, len(month), 10, 20), -amount,
                 np.array([targets[i]["counterparty"] for i in pick], dtype=object),
                 np.array([targets[i]["description"] for i in pick], dtype=object), "网银", "planted")
    for p in (p for p in gen.planted if p.kind == "inflated_sales"):
        pairs = int(p.values.get("window_dressing", 0))
        if not pairs:
            continue
        rng = gen.rng(f"planted:{p.id}")
        chosen = np.sort(rng.choice(n, size=min(pairs, n), replace=False))
        size = np.round(float(gen.revenue.mean()) * 0.3 * rng.uniform(0.8, 1.2, len(chosen)), -3)
        helper = gen.case.borrower.name[0] + "德贵"
        bank.add(chosen, np.full(len(chosen), 14), np.full(len(chosen), 10 * 60 + 5), size, helper, "转账",
                 "手机银行", "planted")
        bank.add(chosen, np.full(len(chosen), 14), np.full(len(chosen), 15 * 60 + 30),
                 -np.round(size * 0.996, 2), "某商贸有限公司", "转账", "网银", "planted")
    return bank.frame()
