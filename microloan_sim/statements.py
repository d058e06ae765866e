r"""Reconstructed statements (domain §1): balance sheet, monthly income statement, cash-flow statement.

Everything is derived from a case's opening balance sheet and its monthly records:

* **Income statement** (IPC layout, §1.3)::

      毛利 = 收入 − 可变成本
      净利润 = 毛利 − 经营费用 − 分期还款(经营)
      月可支配资金 = 净利润 + 家庭其他收入 − 家庭开支 − 分期付款(私人)

  On the cash basis (收付实现制) revenue is what was collected, cost is what was paid to suppliers, and
  depreciation is left out, so  ``cash profit = accrual profit + depreciation − ΔWC`` with
  ``ΔWC = Δ应收 + Δ存货 + Δ预付 − Δ应付 − Δ预收`` (§1.4).

* **Cash flow** (cash basis): opening cash + inflows − outflows = closing cash, month by month.

* **Balance sheet** at any month end: working-capital balances from the records, cash from the cash flow,
  loans and fixed assets rolled forward. Equity = assets − liabilities.

* **Equity link** between two balance-sheet dates::

      应有权益 = 期初权益 + Σ月可支配资金 + Σ偿还本金 + 注资 − 提款 + 升值

  Principal repayments are deducted in the IPC profit line but do not reduce equity, hence the term.

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> bs = balance_sheet(case)
>>> abs(bs.total_assets - bs.total_liabilities - bs.equity) < 1e-6
True
>>> link = equity_link(case)
>>> abs(link.difference) < 1e-6
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from .casebook import Case, monthly_ledger
from .errors import InputError
from .labels import BALANCE_SHEET, CASH_FLOW, EQUITY_LINK, INCOME_STATEMENT, label

#: Line names of the cash-basis income statement (domain §1.4: cash in from sales, cash out to suppliers).
CASH_BASIS_LINES = {"revenue": "销售收现", "cost_of_goods_sold": "采购付现"}

Basis = Literal["accrual", "cash"]
_BASIS_ALIASES = {"accrual": "accrual", "权责发生制": "accrual", "cash": "cash", "收付实现制": "cash"}

CURRENT_ASSETS = ("cash_and_deposits", "accounts_receivable", "prepayments", "inventory")
NON_CURRENT_ASSETS = ("fixed_assets", "other_assets", "household_assets")
CURRENT_LIABILITIES = ("accounts_payable", "advances_received", "short_term_loans", "informal_borrowing")
NON_CURRENT_LIABILITIES = ("long_term_liabilities", "other_liabilities", "household_liabilities")


def _basis(basis: str) -> Basis:
    try:
        return _BASIS_ALIASES[basis]  # type: ignore[return-value]
    except KeyError:
        raise InputError(f"应为“权责发生制”(accrual) 或“收付实现制”(cash)，收到“{basis}”", field="记账基础") from None


# --------------------------------------------------------------------------- balance sheet

@dataclass(frozen=True)
class BalanceSheet:
    """A balance sheet (§1.2). ``items`` maps identifiers to 元.

    Examples
    --------
    The worked example of domain §1.2:

    >>> bs = BalanceSheet("示例", {"cash_and_deposits": 30_000, "accounts_receivable": 20_000,
    ...     "prepayments": 5_000, "inventory": 80_000, "fixed_assets": 60_000, "other_assets": 10_000,
    ...     "accounts_payable": 15_000, "advances_received": 5_000, "short_term_loans": 40_000,
    ...     "informal_borrowing": 10_000, "long_term_liabilities": 20_000})
    >>> bs.current_assets, bs.total_assets, bs.current_liabilities, bs.total_liabilities, bs.equity
    (135000.0, 205000.0, 70000.0, 90000.0, 115000.0)
    >>> round(bs.debt_ratio, 4), round(bs.current_ratio, 4), round(bs.quick_ratio, 4)
    (0.439, 1.9286, 0.7143)
    """

    date: str
    items: dict[str, float]

    def _sum(self, keys: tuple[str, ...]) -> float:
        return float(sum(self.items.get(k, 0.0) for k in keys))

    @property
    def current_assets(self) -> float:
        return self._sum(CURRENT_ASSETS)

    @property
    def total_assets(self) -> float:
        return self.current_assets + self._sum(NON_CURRENT_ASSETS)

    @property
    def current_liabilities(self) -> float:
        return self._sum(CURRENT_LIABILITIES)

    @property
    def total_liabilities(self) -> float:
        return self.current_liabilities + self._sum(NON_CURRENT_LIABILITIES)

    @property
    def equity(self) -> float:
        return self.total_assets - self.total_liabilities

    @property
    def debt_ratio(self) -> float:
        """负债率 = 负债总计 / 资产总计."""
        return self.total_liabilities / self.total_assets if self.total_assets else float("nan")

    @property
    def current_ratio(self) -> float:
        """流动比率 = 流动资产 / 短期负债."""
        return self.current_assets / self.current_liabilities if self.current_liabilities else float("nan")

    @property
    def quick_ratio(self) -> float:
        """速动比率 (microloan form) = (现金及银行存款 + 应收账款) / 短期负债; excludes prepayments and inventory."""
        quick = self.items.get("cash_and_deposits", 0.0) + self.items.get("accounts_receivable", 0.0)
        return quick / self.current_liabilities if self.current_liabilities else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """Side-by-side layout: 资产 | 金额 | 负债及权益 | 金额, with subtotals."""
        assets: list[tuple[str, float | None]] = [(label(k), self.items.get(k, 0.0)) for k in CURRENT_ASSETS]
        assets.append((label("current_assets"), self.current_assets))
        assets += [(label(k), self.items.get(k, 0.0)) for k in NON_CURRENT_ASSETS]
        assets.append((label("total_assets"), self.total_assets))
        debts: list[tuple[str, float | None]] = [(label(k), self.items.get(k, 0.0)) for k in CURRENT_LIABILITIES]
        debts.append((label("current_liabilities"), self.current_liabilities))
        debts += [(label(k), self.items.get(k, 0.0)) for k in NON_CURRENT_LIABILITIES]
        debts.append((label("total_liabilities"), self.total_liabilities))
        debts.append((label("equity"), self.equity))
        assets += [("", None)] * (len(debts) - len(assets))
        return pd.DataFrame({
            "资产": [a[0] for a in assets], "资产金额（元）": [a[1] for a in assets],
            "负债及权益": [d[0] for d in debts], "负债及权益金额（元）": [d[1] for d in debts],
        })


def balance_sheet(case: Case, at: str | int = "closing") -> BalanceSheet:
    """Balance sheet at ``"closing"`` (last month end, default), ``"opening"``, or month index ``at`` (0-based).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> case = ml.casebook.load_case("C01")
    >>> balance_sheet(case, "opening").date
    '2024-12-31'
    """
    o = case.opening
    if at == "opening":
        return BalanceSheet(o.date.isoformat(), {k: float(v) for k, v in o.model_dump().items() if k != "date"})
    led = monthly_ledger(case)
    if at == "closing":
        position = len(led) - 1
    elif isinstance(at, int) and -len(led) <= at < len(led):
        position = at % len(led)
    else:
        raise InputError(f"应为 opening、closing 或 0–{len(led) - 1} 的月份序号，收到“{at}”", field="资产负债表日期")
    month = led.index[position]
    row = led.iloc[position]
    rec = case.records.iloc[position]
    items = {
        "cash_and_deposits": float(row["closing_cash"]),
        "accounts_receivable": float(rec["accounts_receivable"]),
        "prepayments": float(rec["prepayments"]),
        "inventory": float(rec["inventory"]),
        "fixed_assets": float(row["fixed_assets"]),
        "other_assets": float(o.other_assets),
        "household_assets": float(row["household_assets"]),
        "accounts_payable": float(rec["accounts_payable"]),
        "advances_received": float(rec["advances_received"]),
        "short_term_loans": float(row["short_term_loans"]),
        "informal_borrowing": float(o.informal_borrowing),
        "long_term_liabilities": float(o.long_term_liabilities),
        "other_liabilities": float(o.other_liabilities),
        "household_liabilities": float(row["household_liabilities"]),
    }
    return BalanceSheet(month.end_time.date().isoformat(), items)


# --------------------------------------------------------------------------- income statement

@dataclass(frozen=True)
class IncomeStatement:
    """Monthly income statement. ``monthly`` has one row per month and identifier columns."""

    basis: Basis
    monthly: pd.DataFrame
    expense_lines: tuple[str, ...]
    #: the case's own names for lines, e.g. 工资收入 for a salaried borrower's ``other_income``
    line_names: tuple[tuple[str, str], ...] = ()

    @property
    def net_profit(self) -> pd.Series:
        return self.monthly["net_profit"]

    @property
    def disposable_income(self) -> pd.Series:
        """月可支配资金, month by month."""
        return self.monthly["disposable_income"]

    @property
    def average_disposable_income(self) -> float:
        return float(self.monthly["disposable_income"].mean())

    def to_frame(self) -> pd.DataFrame:
        """IPC layout: Chinese line items as rows, months then 合计 and 月平均 as columns.

        On the cash basis the first lines are what was collected and paid (销售收现, 采购付现), not the
        accrual lines' 销售收入 and 可变成本.

        Examples
        --------
        >>> import microloan_sim as ml
        >>> frame = income_statement(ml.casebook.load_case("C01"), "cash").to_frame()
        >>> list(frame.index[:2])
        ['销售收现', '采购付现']
        """
        order = ["revenue", "cost_of_goods_sold", "gross_profit", *self.expense_lines, "operating_expenses",
                 "business_loan_payments", "net_profit", "other_income", "household_expenses",
                 "private_loan_payments", "disposable_income"]
        table = self.monthly[order].T
        table.columns = [str(m) for m in self.monthly.index]
        table["合计"] = table.sum(axis=1)
        table["月平均"] = table.iloc[:, :-1].mean(axis=1)
        names = {**{k: label(k) for k in order}, **(CASH_BASIS_LINES if self.basis == "cash" else {}),
                 **dict(self.line_names)}
        table.index = [names[k] for k in order]
        table.index.name = f"项目（{label(self.basis)}，元）"
        return table


@lru_cache(maxsize=128)
def average_disposable_income(case: Case) -> float:
    """月可支配资金, the monthly average on the accrual basis: ``income_statement(case).average_disposable_income``,
    worked out once per case object (the product comparison and the sizing rules ask for it per product).

    >>> import microloan_sim as ml
    >>> case = ml.casebook.load_case("C01")
    >>> average_disposable_income(case) == income_statement(case).average_disposable_income
    True
    """
    return income_statement(case, "accrual").average_disposable_income


def income_statement(case: Case, basis: str = "accrual") -> IncomeStatement:
    """Monthly income statement on the accrual (权责发生制) or cash (收付实现制) basis.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> case = ml.casebook.load_case("C01")
    >>> accrual = income_statement(case, "accrual")
    >>> cash = income_statement(case, "收付实现制")
    >>> led = ml.casebook.monthly_ledger(case)
    >>> bool(((cash.net_profit - accrual.net_profit)
    ...        - (led["depreciation"] - led["working_capital_change"])).abs().max() < 1e-6)
    True
    """
    chosen = _basis(basis)
    r = case.records
    led = monthly_ledger(case)
    lines = list(case.operating_expense_columns)
    m = pd.DataFrame(index=r.index)
    if chosen == "accrual":
        m["revenue"] = r["revenue"]
        m["cost_of_goods_sold"] = r["cost_of_goods_sold"]
        for column in lines:
            m[column] = r[column]
    else:
        m["revenue"] = led["collections"]
        m["cost_of_goods_sold"] = led["supplier_payments"]
        lines = [c for c in lines if c != "depreciation"]
        for column in lines:
            m[column] = r[column]
    m["gross_profit"] = m["revenue"] - m["cost_of_goods_sold"]
    m["operating_expenses"] = m[lines].sum(axis=1) if lines else 0.0
    m["business_loan_payments"] = led["business_loan_payments"]
    m["net_profit"] = m["gross_profit"] - m["operating_expenses"] - m["business_loan_payments"]
    # 销售利润 for margins: the IPC line deducts whole instalments, but repaying principal is not a cost
    m["profit_before_principal"] = m["net_profit"] + r["business_loan_principal"]
    m["other_income"] = r["other_income"]
    m["household_expenses"] = r["household_expenses"]
    m["private_loan_payments"] = led["private_loan_payments"]
    m["disposable_income"] = (m["net_profit"] + m["other_income"] - m["household_expenses"]
                              - m["private_loan_payments"])
    return IncomeStatement(chosen, m, tuple(lines), _line_names(case))


def _line_names(case: Case) -> tuple[tuple[str, str], ...]:
    """A salaried borrower's wages are the main income, not 家庭其他收入 (domain §1.5: 工资性项目)."""
    if case.segment == "consumer" and case.income_source == "工资性项目":
        return (("other_income", "工资收入（主要收入）"),)
    return ()


def month_profit(revenue: float, variable_costs: float, operating_expenses: float, business_instalment: float,
                 household_expenses: float = 0.0, private_instalment: float = 0.0,
                 other_income: float = 0.0) -> dict[str, float]:
    """One month of the IPC income statement from explicit numbers (§1.3).

    Examples
    --------
    The worked example of domain §1.3:

    >>> month_profit(100_000, 75_000, 9_000, 2_000, household_expenses=5_000, private_instalment=1_000)
    {'gross_profit': 25000.0, 'gross_margin': 0.25, 'net_profit': 14000.0, 'disposable_income': 8000.0}
    """
    from .errors import require_number

    revenue = require_number(revenue, label("revenue"), minimum=0)
    variable_costs = require_number(variable_costs, label("cost_of_goods_sold"), minimum=0)
    operating_expenses = require_number(operating_expenses, label("operating_expenses"), minimum=0)
    business_instalment = require_number(business_instalment, label("business_loan_payments"), minimum=0)
    household_expenses = require_number(household_expenses, label("household_expenses"), minimum=0)
    private_instalment = require_number(private_instalment, label("private_loan_payments"), minimum=0)
    other_income = require_number(other_income, label("other_income"), minimum=0)
    gross = revenue - variable_costs
    net = gross - operating_expenses - business_instalment
    return {
        "gross_profit": gross,
        "gross_margin": gross / revenue if revenue else float("nan"),
        "net_profit": net,
        "disposable_income": net + other_income - household_expenses - private_instalment,
    }


# --------------------------------------------------------------------------- cash flow

@dataclass(frozen=True)
class CashFlow:
    """Monthly cash-flow statement on the cash basis."""

    monthly: pd.DataFrame

    @property
    def opening_cash(self) -> float:
        return float(self.monthly["opening_cash"].iloc[0])

    @property
    def closing_cash(self) -> float:
        return float(self.monthly["closing_cash"].iloc[-1])

    @property
    def lowest_cash(self) -> float:
        return float(self.monthly["closing_cash"].min())

    def to_frame(self) -> pd.DataFrame:
        """Chinese line items as rows, months as columns."""
        table = self.monthly.T
        table.columns = [str(m) for m in self.monthly.index]
        table.index = [label(k) for k in self.monthly.columns]
        table.index.name = "项目（收付实现制，元）"
        return table


def cash_flow(case: Case) -> CashFlow:
    """Monthly cash-flow statement: opening cash + inflows − outflows = closing cash (§1.4).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> cf = cash_flow(ml.casebook.load_case("C01"))
    >>> m = cf.monthly
    >>> bool((m["opening_cash"].iloc[1:].to_numpy() == m["closing_cash"].iloc[:-1].to_numpy()).all())
    True
    """
    r = case.records
    led = monthly_ledger(case)
    m = pd.DataFrame(index=r.index)
    m["opening_cash"] = led["opening_cash"]
    m["collections"] = led["collections"]
    m["other_income"] = r["other_income"]
    m["loan_drawdown"] = r["loan_drawdown"]
    m["injections"] = r["injections"]
    m["supplier_payments"] = -led["supplier_payments"]
    m["operating_expenses_paid"] = -led["operating_expenses_paid"]
    m["business_loan_payments"] = -led["business_loan_payments"]
    m["loan_repayment"] = -r["loan_repayment"]
    m["household_expenses"] = -r["household_expenses"]
    m["private_loan_payments"] = -led["private_loan_payments"]
    m["capex"] = -r["capex"]
    m["withdrawals"] = -r["withdrawals"]
    m["net_cash_flow"] = led["net_cash_flow"]
    m["closing_cash"] = led["closing_cash"]
    return CashFlow(m)


def projected_cash(case: Case, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The record year carried forward over a new loan's term: revenue, closing cash and the service of the
    existing loans, for loan periods 1…months (domain §1.4: the cash-flow statement carried forward).

    Period k replays record month k; beyond the records the last twelve months repeat. Facilities that
    revolve in the record period (drawn and repaid) are assumed to go on revolving, but a debt paid off in
    the record period is not paid off a second time: the net paydown (bank loans at the start of the records
    less those at the end, such as C03's maturing 100,000 元) is taken out of the replayed repayments, latest
    first, and once no bank loan is left its interest stops too.
    """
    flow = cash_flow(case).monthly
    records = case.records
    count = len(records)
    rows = [k if k < count else count - 12 + (k - count) % 12 for k in range(months)]
    repaid = (records["loan_repayment"] + records["business_loan_principal"]).to_numpy(dtype=float)
    interest = records["business_loan_interest"].to_numpy(dtype=float)
    ledger = monthly_ledger(case)
    closing_debt = max(float(ledger["short_term_loans"].iloc[-1]), 0.0)
    paydown = max(float(case.opening.short_term_loans) - closing_debt, 0.0)
    kept = repaid.copy()
    for k in range(count - 1, -1, -1):
        taken = min(kept[k], paydown)
        kept[k] -= taken
        paydown -= taken
    kept_interest = interest if closing_debt > 0 else np.zeros(count)
    relief = (repaid - kept) + (interest - kept_interest)  # history's service that does not recur
    revenue = records["revenue"].to_numpy(dtype=float)[rows]
    net = flow["net_cash_flow"].to_numpy(dtype=float)[rows] + relief[rows]
    closing = flow["opening_cash"].iloc[0] + np.cumsum(net)
    service = (kept + kept_interest)[rows]
    return revenue, closing, service


# --------------------------------------------------------------------------- ratios and equity link

def ratios(case: Case) -> pd.Series:
    """Key ratios (§1.2 plus margins and turnover days), as fractions or days, indexed by identifier.

    Turnover days use the closing balances against average monthly revenue or cost of goods (×30).
    The 销售利润率 (``net_margin``) is profit before principal repayments over revenue: an instalment's
    principal is a use of cash, not a cost (domain §1.3–§1.4).
    """
    bs = balance_sheet(case)
    pnl = income_statement(case, "accrual").monthly
    revenue = float(pnl["revenue"].mean())
    cogs = float(pnl["cost_of_goods_sold"].mean())

    def per(numerator: float, denominator: float) -> float:
        return numerator / denominator if denominator else float("nan")

    return pd.Series({
        "debt_ratio": bs.debt_ratio,
        "current_ratio": bs.current_ratio,
        "quick_ratio": bs.quick_ratio,
        "gross_margin": per(revenue - cogs, revenue),
        "net_margin": per(float(pnl["profit_before_principal"].mean()), revenue),
        "expense_ratio": per(float(pnl["operating_expenses"].mean()), revenue),
        "inventory_days": per(bs.items["inventory"], cogs) * 30,
        "receivable_days": per(bs.items["accounts_receivable"], revenue) * 30,
        "payable_days": per(bs.items["accounts_payable"], cogs) * 30,
        "disposable_margin": per(float(pnl["disposable_income"].mean()), revenue),
    }, name="ratio")


@dataclass(frozen=True)
class EquityLink:
    """How equity moved between the opening and closing balance sheets (应有权益 vs 实际权益)."""

    opening_equity: float
    cumulative_disposable: float
    principal_repaid: float
    injections: float
    withdrawals: float
    appreciation: float
    actual_equity: float

    @property
    def expected_equity(self) -> float:
        return (self.opening_equity + self.cumulative_disposable + self.principal_repaid + self.injections
                - self.withdrawals + self.appreciation)

    @property
    def difference(self) -> float:
        return self.expected_equity - self.actual_equity

    def to_frame(self) -> pd.DataFrame:
        keys = ["opening_equity", "cumulative_disposable", "principal_repaid", "injections", "withdrawals",
                "appreciation", "expected_equity", "actual_equity", "difference"]
        values = [getattr(self, k) for k in keys]
        values[keys.index("withdrawals")] = -self.withdrawals
        return pd.DataFrame({"金额（元）": values}, index=[EQUITY_LINK[k] for k in keys])


def equity_link(case: Case) -> EquityLink:
    """Equity roll-forward from the opening to the closing balance sheet (see module docstring)."""
    r = case.records
    pnl = income_statement(case, "accrual")
    return EquityLink(
        opening_equity=balance_sheet(case, "opening").equity,
        cumulative_disposable=float(pnl.disposable_income.sum()),
        principal_repaid=float((r["business_loan_principal"] + r["private_loan_principal"]).sum()),
        injections=float(r["injections"].sum()),
        withdrawals=float(r["withdrawals"].sum()),
        appreciation=float(r["appreciation"].sum()),
        actual_equity=balance_sheet(case).equity,
    )


# --------------------------------------------------------------------------- household / farmer view (§1.5)

def household_summary(case: Case) -> pd.DataFrame:
    """Annual income by source (§1.5): 年收入 / 年支出 / 净收入 for the main business and the side income.

    The last twelve months are used. The main business is reported under the case's ``income_source``
    (e.g. 养殖项目 for a hog farm); household side income under ``household.other_income_source``.
    """
    last = case.records.iloc[-12:]
    led = monthly_ledger(case).iloc[-12:]
    business_cost = float(last["cost_of_goods_sold"].sum() + led["operating_expenses"].sum()
                          + last["business_loan_interest"].sum())
    rows = {case.income_source: (float(last["revenue"].sum()), business_cost)}
    side = case.household.other_income_source
    income, cost = rows.get(side, (0.0, 0.0))
    rows[side] = (income + float(last["other_income"].sum()), cost)
    table = pd.DataFrame([(src, inc, cost, inc - cost) for src, (inc, cost) in rows.items()],
                         columns=["收入来源", "年收入（元）", "年支出（元）", "净收入（元）"]).set_index("收入来源")
    table.loc["所有经营情况合计"] = table.sum()
    return table


#: Business balance-sheet lines in the farmer/household form's liability categories (domain §1.5).
_HOUSEHOLD_DEBT_LINES = {
    "银行借款": ("short_term_loans", "long_term_liabilities"),
    "民间借款": ("informal_borrowing",),
    "经营应付及预收": ("accounts_payable", "advances_received"),
    "其他负债": ("other_liabilities",),
}


def household_balance(case: Case) -> pd.DataFrame:
    """The household's whole balance (§1.5) at the opening date: assets and debts by category, 净资产 and
    资产负债率.

    A farm or a family business is one household: the family's own items (``household`` block of the case)
    plus the business's assets and its bank loans, private borrowing and payables from the balance sheet.
    So 净资产 equals the balance sheet's equity.

    Examples
    --------
    C03 (the hog farmer): the 100,000 元 bank loan and the 20,000 元 borrowed from relatives are debts.

    >>> import microloan_sim as ml
    >>> table = household_balance(ml.casebook.load_case("C03")).set_index("项目")["金额（元）"]
    >>> float(table["银行借款"]), float(table["民间借款"]), float(table["负债合计"])
    (100000.0, 20000.0, 120000.0)
    """
    sheet = balance_sheet(case, at="opening")
    assets = pd.Series({i.category: 0.0 for i in case.household.assets}, dtype=float)
    for item in case.household.assets:
        assets[item.category] += item.value
    unlisted = sheet.items.get("household_assets", 0.0) - float(assets.sum())
    if abs(unlisted) >= 0.5:
        assets["其他家庭资产"] = assets.get("其他家庭资产", 0.0) + unlisted
    business_assets = sheet.total_assets - sheet.items.get("household_assets", 0.0)
    if business_assets:
        assets["经营资产"] = business_assets
    debts = pd.Series({i.category: 0.0 for i in case.household.liabilities}, dtype=float)
    for item in case.household.liabilities:
        debts[item.category] += item.value
    unlisted = sheet.items.get("household_liabilities", 0.0) - float(debts.sum())
    if abs(unlisted) >= 0.5:
        debts["其他家庭负债"] = debts.get("其他家庭负债", 0.0) + unlisted
    for name, lines in _HOUSEHOLD_DEBT_LINES.items():
        amount = sum(sheet.items.get(line, 0.0) for line in lines)
        if amount:
            debts[name] = debts.get(name, 0.0) + amount
    total_assets, total_debts = float(assets.sum()), float(debts.sum())
    rows = [("资产", k, v) for k, v in assets.items()] + [("资产", "所有资产合计", total_assets)]
    rows += [("负债", k, v) for k, v in debts.items()] + [("负债", "负债合计", total_debts)]
    rows += [("", "净资产", total_assets - total_debts)]
    if total_assets > 0:
        rows += [("", "资产负债率（%）", round(100 * total_debts / total_assets, 2))]
    return pd.DataFrame(rows, columns=["类别", "项目", "金额（元）"])


__all__ = [
    "BalanceSheet", "CashFlow", "EquityLink", "IncomeStatement", "balance_sheet", "cash_flow", "equity_link",
    "household_balance", "household_summary", "income_statement", "month_profit", "projected_cash", "ratios",
    "BALANCE_SHEET", "CASH_FLOW", "INCOME_STATEMENT",
]
