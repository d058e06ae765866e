"""案例单据 (case documents): what a loan officer sees on site, generated from a case's true records.

A case folder holds, besides ``case.yaml`` and ``monthly_records.csv`` (the truth):

* ``investigation.yaml``: facts the officer gathers that the generator needs (share of sales paid into the
  account, product mix with purchase and sale prices, electricity tariff, tax regime, respondents and their
  names, related parties, lenders, area, industry-norm key);
* ``answer_key.yaml``: the inconsistencies planted in the case (instructors and tests only; learners never
  see it: no notebook prints it and Voila serves images only).

:func:`build_documents` turns the (possibly variant-scaled) records, the facts, the planted flaws and a seed
into the documents: bank-statement transactions, sales ledger, purchase invoices, utility bills, tax
records, the inventory count at the closing date, the fixed-asset list, statements of other respondents
(spouse, employee, supplier…), and the borrower's claims. Documents tie out to the records: sales paid into
the account = collections × account share, purchases = cost of goods sold + inventory change, the inventory
count sums to the closing inventory, the fixed-asset list to the closing fixed assets, bills and taxes to the
P&L lines. Claims equal the truth unless a planted flaw distorts them, so every variant stays consistent and
every flaw stays detectable by :func:`microloan_sim.crosscheck.run_all`.

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> docs = build_documents(case)
>>> sorted(docs.tables())[:3]
['bank_transactions', 'claims', 'declared_debts']
>>> bool(abs(docs.inventory_count["amount"].sum() - case.records["inventory"].iloc[-1]) < 0.01)
True
>>> clean = build_documents(case, with_flaws=False)
>>> clean.claims.monthly_sales == round(float(case.records["revenue"].mean()), 0)
True
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ._data import validate_model, load_model
from .casebook import Case
from .errors import InputError

INVESTIGATION_FILE = "investigation.yaml"
ANSWER_KEY_FILE = "answer_key.yaml"
DOCUMENTS_FOLDER = "documents"
#: Seed of the canonical documents (variants use their own seed).
CANONICAL_SEED = 20_250_101

Topic = Literal["monthly_sales", "household_spending", "debts", "inventory", "monthly_purchases", "salary"]
#: Chinese names and units of the respondents' topics.
TOPICS: dict[str, tuple[str, str]] = {
    "monthly_sales": ("月均销售额", "元/月"),
    "household_spending": ("家庭月开支", "元/月"),
    "debts": ("负债合计", "元"),
    "inventory": ("存货（按进价）", "元"),
    "monthly_purchases": ("月均进货额", "元/月"),
    "salary": ("家庭月工资收入", "元/月"),
}
FlawKind = Literal["inflated_sales", "hidden_income", "hidden_debt", "undeclared_card_debt", "overstated_inventory",
                   "personal_spending", "inflated_margin", "overstated_salary"]
#: Chinese names of the flaw kinds.
FLAW_KINDS: dict[str, str] = {
    "inflated_sales": "虚报销售额",
    "hidden_income": "隐瞒收入（少报销售）",
    "hidden_debt": "隐性负债（民间借款）",
    "undeclared_card_debt": "未申报的信用卡分期",
    "overstated_inventory": "虚报存货",
    "personal_spending": "家庭开支走经营账、申报偏低",
    "inflated_margin": "虚报毛利率",
    "overstated_salary": "虚报工资收入",
}


# --------------------------------------------------------------------------- investigation.yaml schema

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Settlement(_Strict):
    """How the account part of sales arrives: ``daily`` (QR settlement), ``monthly`` (named customers on
    given days) or ``transfers`` (many small transfers from individuals)."""

    pattern: Literal["daily", "monthly", "transfers"]
    share: float = Field(gt=0, le=1)
    counterparty: str = ""
    channel: str = "网银"
    description: str = "货款"
    days: list[int] = Field(default_factory=lambda: [28])
    per_month: float = Field(default=40, gt=0, le=2000)


class Supplier(_Strict):
    name: str = Field(min_length=2)
    item: str
    share: float = Field(default=0, ge=0, le=1)
    channel: str = "网银"
    pay_days: list[int] = Field(default_factory=lambda: [4, 19])


class Product(_Strict):
    item: str
    share: float = Field(gt=0, le=1)
    purchase_price: float = Field(gt=0)
    sale_price: float = Field(gt=0)
    unit: str = "件"
    supplier: str | None = None


class StockItem(_Strict):
    item: str
    unit: str = "件"
    unit_cost: float = Field(gt=0)
    share: float = Field(gt=0, le=1)


class Utilities(_Strict):
    tariff: float = Field(gt=0, le=5)
    base_kwh: float = Field(default=0, ge=0)
    driver: Literal["sales", "units"] = "sales"
    unit_price: float | None = Field(default=None, gt=0)
    unit_name: str = "件"
    supplier: str = "国网某市供电公司"


class Tax(_Strict):
    regime: Literal["定期定额", "查账征收", "小规模纳税人", "免税农产品", "个人所得税", "不适用"]
    quota_monthly_sales: float | None = Field(default=None, gt=0)
    rate: float = Field(default=0.0, ge=0, le=0.5)
    office: str = "国家税务总局某市某区税务局"


class Respondent(_Strict):
    role: str = Field(min_length=1)
    name: str = Field(min_length=2)
    topics: list[Topic] = Field(min_length=1)
    supplier: str | None = None


class Payer(_Strict):
    counterparty: str = Field(min_length=2)
    description: str
    channel: str = "手机银行"
    share: float = Field(default=1.0, gt=0, le=1)
    day: int = Field(default=15, ge=1, le=31)


class Lenders(_Strict):
    business: str = "某市农村商业银行"
    private: str = "某银行个人贷款中心"
    private_description: str = "贷款月供"
    informal: str = "亲友"


class PrivateDebt(_Strict):
    """A household debt as the borrower declares it: its share of the household-debt balance and of the
    private repayments in the records, and how its repayments appear in the statement."""

    lender: str = Field(min_length=2)
    kind: str
    balance_share: float = Field(ge=0, le=1)
    payment_share: float = Field(ge=0, le=1)
    description: str = "贷款月供"


class FixedAsset(_Strict):
    item: str
    acquired: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    share: float = Field(gt=0, le=1)
    original_multiple: float = Field(default=1.5, ge=1, le=10)


class Investigation(_Strict):
    """Schema of ``investigation.yaml`` (facts gathered on site; numbers are teaching fiction)."""

    area: Literal["城镇", "农村"]
    industry_norm: str | None = None
    loan_purpose: Literal["working_capital", "fixed_assets", "seasonal_working_capital", "receivable_financing",
                          "consumption"] = "working_capital"
    account: str = Field(min_length=2)
    account_share: float = Field(gt=0, le=1)
    payment_share: float = Field(default=1.0, ge=0, le=1)
    household_bank_share: float = Field(default=0.5, ge=0, le=1)
    settlement: list[Settlement] = Field(min_length=1)
    suppliers: list[Supplier] = []
    products: list[Product] = []
    stock_items: list[StockItem] = []
    utilities: Utilities | None = None
    tax: Tax
    respondents: list[Respondent] = Field(min_length=1)
    related_parties: list[str] = []
    other_income: list[Payer] = []
    lenders: Lenders = Lenders()
    private_debts: list[PrivateDebt] = []
    employees: list[str] = []
    landlord: str | None = None
    household_payees: list[str] = Field(default_factory=lambda: ["京东商城", "美团", "某超市有限公司",
                                                                 "中国石化加油站"])
    household_extras: dict[str, float] = {}
    capex_supplier: str = "某设备有限公司"
    capex_items: list[str] = []
    fixed_assets: list[FixedAsset] = []


# --------------------------------------------------------------------------- answer_key.yaml schema

RangeValue = float | tuple[float, float]


class _FactorParameters(_Strict):
    factor: RangeValue


class _InflatedSalesParameters(_Strict):
    factor: RangeValue
    window_dressing: int = Field(default=0, ge=0, le=6)


class _DebtParameters(_Strict):
    lender: str = Field(min_length=2)
    relation: str = ""
    monthly_share: RangeValue
    months_remaining: int = Field(gt=0, le=120)
    description: str = "还款"
    channel: str = "手机银行"
    day: int = Field(default=8, ge=1, le=28)


class Payee(_Strict):
    counterparty: str = Field(min_length=2)
    description: str


class _SpendingParameters(_Strict):
    share: RangeValue
    payees: list[Payee] = Field(min_length=1)


_PARAMETER_MODELS: dict[str, type[_Strict]] = {
    "inflated_sales": _InflatedSalesParameters, "hidden_income": _FactorParameters,
    "hidden_debt": _DebtParameters, "undeclared_card_debt": _DebtParameters,
    "overstated_inventory": _FactorParameters, "personal_spending": _SpendingParameters,
    "inflated_margin": _FactorParameters, "overstated_salary": _FactorParameters,
}
#: Allowed range of the size parameter of each kind (factor or share).
_SIZE_BOUNDS: dict[str, tuple[str, float, float]] = {
    "inflated_sales": ("factor", 0.05, 2.0), "hidden_income": ("factor", 0.05, 0.8),
    "hidden_debt": ("monthly_share", 0.02, 0.6), "undeclared_card_debt": ("monthly_share", 0.02, 0.6),
    "overstated_inventory": ("factor", 0.05, 3.0), "personal_spending": ("share", 0.05, 0.6),
    "inflated_margin": ("factor", 0.05, 2.0), "overstated_salary": ("factor", 0.05, 2.0),
}


class Flaw(_Strict):
    """One planted inconsistency: ``parameters`` depend on ``kind``; ``detected_by`` lists method ids."""

    id: str = Field(min_length=1)
    kind: FlawKind
    parameters: dict[str, Any] = {}
    description: str = Field(min_length=8)
    detected_by: list[str] = Field(min_length=1)


class AnswerKey(_Strict):
    flaws: list[Flaw] = Field(min_length=1)


@dataclass(frozen=True)
class PlantedFlaw:
    """A flaw as planted in one variant: the parameters drawn for it (ranges resolved) and its size in 元."""

    id: str
    kind: str
    description: str
    detected_by: tuple[str, ...]
    values: Mapping[str, Any]


# --------------------------------------------------------------------------- loading the two files

def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else -1


def has_investigation(case: Case) -> bool:
    """Whether the case folder has an ``investigation.yaml`` (new cases may not have one yet)."""
    return (case.folder / INVESTIGATION_FILE).is_file()


def has_answer_key(case: Case) -> bool:
    """Whether the case folder has an ``answer_key.yaml``."""
    return (case.folder / ANSWER_KEY_FILE).is_file()


def load_investigation(case: Case) -> Investigation:
    """The validated ``investigation.yaml`` of a case.

    Raises
    ------
    InputError
        The file is missing or malformed; the message names the file and the field.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> load_investigation(ml.casebook.load_case("C01")).area
    '城镇'
    """
    path = case.folder / INVESTIGATION_FILE
    return _load_investigation(path, _stamp(path))


@lru_cache(maxsize=32)
def _load_investigation(path: Path, stamp: int) -> Investigation:
    where = f"{path.parent.name}/{path.name}"
    if stamp < 0:
        raise InputError("找不到调查事实文件（investigation.yaml）", file=where)
    inv: Investigation = load_model(Investigation, path, display_name=where)
    _check_investigation(inv, where)
    return inv


def _check_investigation(inv: Investigation, where: str) -> None:
    def fail(field_name: str, message: str) -> None:
        raise InputError(message, field=field_name, file=where)

    total = sum(s.share for s in inv.settlement)
    if abs(total - 1) > 0.01:
        fail("settlement", f"各收款方式的占比合计应为 100%（当前为 {total:.1%}）")
    for i, s in enumerate(inv.settlement):
        if s.pattern != "transfers" and len(s.counterparty.strip()) < 2:
            fail(f"settlement.{i}.counterparty", "缺少付款方名称")
        if any(not 1 <= d <= 28 for d in s.days) or not s.days:
            fail(f"settlement.{i}.days", "收款日应在 1–28 之间，至少一个")
    supplier_days = {d for sup in inv.suppliers for d in sup.pay_days}
    for i, s in enumerate(inv.settlement):
        if s.pattern == "monthly" and supplier_days & set(s.days):
            fail(f"settlement.{i}.days", "回款日不能与付货款日相同（同日进出金额相近会被误认为过账）")
    names = [s.name for s in inv.suppliers]
    if len(set(names)) != len(names):
        fail("suppliers", "供应商名称重复")
    for i, sup in enumerate(inv.suppliers):
        if any(not 1 <= d <= 28 for d in sup.pay_days) or not sup.pay_days:
            fail(f"suppliers.{i}.pay_days", "付款日应在 1–28 之间，至少一个")
    if inv.products:
        total = sum(p.share for p in inv.products)
        if abs(total - 1) > 0.01:
            fail("products", f"各商品的销售占比合计应为 100%（当前为 {total:.1%}）")
        for i, p in enumerate(inv.products):
            if p.purchase_price >= p.sale_price:
                fail(f"products.{i}.purchase_price", "进价应低于售价")
            if p.supplier is not None and p.supplier not in names:
                fail(f"products.{i}.supplier", f"供应商“{p.supplier}”不在 suppliers 之中")
        if not inv.suppliers:
            fail("suppliers", "有商品时至少需要一个供应商")
        tied = {p.supplier for p in inv.products if p.supplier}
        if any(s.name not in tied for s in inv.suppliers) and \
                sum(s.share for s in inv.suppliers if s.name not in tied) <= 0:
            fail("suppliers", "未对应具体商品的供应商需要给出进货占比 share")
    if inv.stock_items:
        total = sum(s.share for s in inv.stock_items)
        if abs(total - 1) > 0.01:
            fail("stock_items", f"各存货的占比合计应为 100%（当前为 {total:.1%}）")
    if inv.fixed_assets:
        total = sum(a.share for a in inv.fixed_assets)
        if abs(total - 1) > 0.01:
            fail("fixed_assets", f"各项固定资产的占比合计应为 100%（当前为 {total:.1%}）")
    if inv.utilities is not None and inv.utilities.driver == "units" and inv.utilities.unit_price is None:
        fail("utilities.unit_price", "按产量核定时需要产品单价")
    if inv.tax.regime == "定期定额" and inv.tax.quota_monthly_sales is None:
        fail("tax.quota_monthly_sales", "定期定额需要给出核定的月销售额")
    for i, r in enumerate(inv.respondents):
        if "monthly_purchases" in r.topics and r.supplier not in names:
            fail(f"respondents.{i}.supplier", "谈进货额的被询问人需要注明是哪个供应商（suppliers 中的名称）")
    for key, value in inv.household_extras.items():
        if value < 0:
            fail(f"household_extras.{key}", "不能为负数")
    for key in ("balance_share", "payment_share"):
        total = sum(getattr(d, key) for d in inv.private_debts)
        if inv.private_debts and abs(total - 1) > 0.01:
            fail(f"private_debts.{key}", f"各笔家庭负债的占比合计应为 100%（当前为 {total:.1%}）")
    total = sum(p.share for p in inv.other_income)
    if inv.other_income and abs(total - 1) > 0.01:
        fail("other_income", f"各笔其他收入的占比合计应为 100%（当前为 {total:.1%}）")


def load_answer_key(case: Case) -> tuple[Flaw, ...]:
    """The validated planted flaws of a case (``answer_key.yaml``). For instructors and tests only.

    Raises
    ------
    InputError
        The file is missing or malformed, a parameter is out of range, or ``detected_by`` names an unknown
        method; the message names the file and the field.
    """
    path = case.folder / ANSWER_KEY_FILE
    return _load_answer_key(path, _stamp(path))


@lru_cache(maxsize=32)
def _load_answer_key(path: Path, stamp: int) -> tuple[Flaw, ...]:
    from .crosscheck import METHODS

    where = f"{path.parent.name}/{path.name}"
    if stamp < 0:
        raise InputError("找不到答案键文件（answer_key.yaml）", file=where)
    key: AnswerKey = load_model(AnswerKey, path, display_name=where)
    ids = [f.id for f in key.flaws]
    if len(set(ids)) != len(ids):
        raise InputError("矛盾编号（id）重复", field="flaws", file=where)
    for i, flaw in enumerate(key.flaws):
        params = validate_model(_PARAMETER_MODELS[flaw.kind], flaw.parameters, file=where)
        name, low, high = _SIZE_BOUNDS[flaw.kind]
        value = getattr(params, name)
        lo, hi = (value, value) if isinstance(value, (int, float)) else value
        if not low <= lo <= hi <= high:
            raise InputError(f"应在 {low:g}–{high:g} 之间，且下限不大于上限（收到 {value}）",
                             field=f"flaws.{i}.parameters.{name}", file=where)
        unknown = [m for m in flaw.detected_by if m not in METHODS]
        if unknown:
            raise InputError("未知的检验方法：" + "、".join(unknown), field=f"flaws.{i}.detected_by", file=where)
    kinds = [f.kind for f in key.flaws]
    if "inflated_sales" in kinds and "hidden_income" in kinds:
        raise InputError("不能同时埋设“虚报销售额”和“隐瞒收入”", field="flaws", file=where)
    return tuple(key.flaws)


# --------------------------------------------------------------------------- the documents

@dataclass(frozen=True)
class Claims:
    """What the borrower declares. Equal to the truth unless a planted flaw distorts it.

    ``debts``: one row per declared debt with ``lender``, ``kind``, ``balance`` and ``monthly_payment``.
    """

    monthly_sales: float
    gross_margin: float | None
    household_spending: float
    inventory: float
    debts: pd.DataFrame
    monthly_salary: float | None = None

    @property
    def total_debt(self) -> float:
        return float(self.debts["balance"].sum())

    @property
    def monthly_debt_service(self) -> float:
        return float(self.debts["monthly_payment"].sum())

    def to_frame(self) -> pd.DataFrame:
        """The claims as a table with Chinese item names (项目, 数值, 单位, 说明)."""
        rows: list[tuple[str, float, str, str]] = []
        if self.monthly_salary is not None:
            rows.append(("家庭月工资收入", self.monthly_salary, "元/月", "借款人自述的夫妻两人税后月收入合计"))
        else:
            rows.append(("月均销售额", self.monthly_sales, "元/月", "借款人自述的分析期月均销售额"))
        if self.gross_margin is not None:
            rows.append(("毛利率", round(self.gross_margin, 4), "比率", "借款人自述"))
        rows.append(("家庭月开支", self.household_spending, "元/月", "借款人自述的日常家庭开支"))
        if self.monthly_salary is None:
            rows.append(("期末存货", self.inventory, "元", "借款人自述的存货（按进价）"))
        rows.append(("负债合计", self.total_debt, "元", "见申报负债清单"))
        rows.append(("月还款合计", self.monthly_debt_service, "元/月", "见申报负债清单"))
        return pd.DataFrame(rows, columns=["项目", "数值", "单位", "说明"])


@dataclass(frozen=True)
class Facts:
    """Investigation facts as they apply to this case or variant (product prices calibrated to its margin,
    electricity per unit of output, visible household extras scaled to its household)."""

    borrower: str
    members: int
    area: str
    industry_norm: str | None
    loan_purpose: str
    tax_regime: str
    account: str
    account_share: float
    related_parties: tuple[str, ...]
    products: pd.DataFrame
    weighted_margin: float | None
    key_product: str | None
    key_supplier: str | None
    key_cost_share: float
    key_share: float
    key_margin: float
    opening_inventory: float
    kwh_per_unit: float | None
    base_kwh: float
    tariff: float | None
    unit_price: float
    output_unit: str
    household_extras: Mapping[str, float]


@dataclass(frozen=True, eq=False)
class CaseDocuments:
    """Every document of one case (or variant), with and without the planted flaws.

    Tables (pandas DataFrames, identifier columns; :meth:`tables` gives them with Chinese headers):

    * ``bank_transactions``: ``date``, ``amount`` (+ in, − out), ``counterparty``, ``channel``, ``description``
    * ``sales_ledger``: ``month``, ``amount``
    * ``purchase_invoices``: ``date``, ``supplier``, ``item``, ``amount``
    * ``utility_bills``: ``month``, ``kwh``, ``amount``
    * ``tax_records``: ``quarter``, ``declared_sales``, ``tax``
    * ``inventory_count``: ``item``, ``unit``, ``quantity``, ``unit_cost``, ``amount``
    * ``fixed_assets``: ``item``, ``acquired``, ``original_value``, ``current_value``
    * ``statements``: ``respondent``, ``role``, ``topic``, ``value``, ``unit``, ``remark``

    ``claims`` holds what the borrower declares; ``facts`` the investigation facts for this variant.
    Do not modify the tables: the object is cached per case.
    """

    case_id: str
    variant: int | None
    with_flaws: bool
    months: tuple[str, ...]
    bank_transactions: pd.DataFrame
    sales_ledger: pd.DataFrame
    purchase_invoices: pd.DataFrame
    utility_bills: pd.DataFrame
    tax_records: pd.DataFrame
    inventory_count: pd.DataFrame
    fixed_assets: pd.DataFrame
    statements: pd.DataFrame
    claims: Claims
    facts: Facts
    bank_categories: pd.Series = field(repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every non-empty document as a table with Chinese headers, keyed by file stem."""
        out: dict[str, pd.DataFrame] = {}
        for name, spec in DOCUMENT_FILES.items():
            frame = self._frame(name)
            if frame is None or frame.empty:
                continue
            out[name] = frame.rename(columns=dict(spec.columns))
        return out

    def _frame(self, name: str) -> pd.DataFrame | None:
        if name == "claims":
            return _claims_rows(self.claims)
        if name == "declared_debts":
            return self.claims.debts
        value = getattr(self, name, None)
        return value if isinstance(value, pd.DataFrame) else None


@dataclass(frozen=True)
class DocumentSpec:
    """A document file: Chinese title and (identifier, Chinese header) pairs, and how values are written."""

    title: str
    columns: tuple[tuple[str, str], ...]
    numeric: tuple[str, ...] = ()
    decimals: int = 0


#: The document files written by :func:`export_documents`, in order.
DOCUMENT_FILES: dict[str, DocumentSpec] = {
    "bank_transactions": DocumentSpec("银行流水", (("date", "日期"), ("amount", "金额"), ("counterparty", "对方户名"),
                                                   ("channel", "渠道"), ("description", "摘要")),
                                      ("amount",), 2),
    "sales_ledger": DocumentSpec("销售账本", (("month", "月份"), ("amount", "销售额（元）")), ("amount",)),
    "purchase_invoices": DocumentSpec("进货发票", (("date", "日期"), ("supplier", "供应商"), ("item", "货物"),
                                                   ("amount", "金额（元）")), ("amount",), 2),
    "utility_bills": DocumentSpec("电费单", (("month", "月份"), ("kwh", "用电量（千瓦时）"), ("amount", "电费（元）")),
                                  ("kwh", "amount"), 2),
    "tax_records": DocumentSpec("纳税记录", (("quarter", "季度"), ("declared_sales", "申报销售额或收入额（元）"),
                                             ("tax", "税额（元）")), ("declared_sales", "tax"), 2),
    "inventory_count": DocumentSpec("存货盘点表", (("item", "品名"), ("unit", "单位"), ("quantity", "数量"),
                                                   ("unit_cost", "单位成本（元）"), ("amount", "金额（元）")),
                                    ("quantity", "unit_cost", "amount"), 2),
    "fixed_assets": DocumentSpec("固定资产清单", (("item", "资产名称"), ("acquired", "购置时间"),
                                                  ("original_value", "原值（元）"), ("current_value", "现值（元）")),
                                 ("original_value", "current_value"), 2),
    "statements": DocumentSpec("询问记录", (("respondent", "被询问人"), ("role", "身份"), ("topic", "话题"),
                                            ("value", "数值"), ("unit", "单位"), ("remark", "原话")), ("value",)),
    "claims": DocumentSpec("借款人申报", (("项目", "项目"), ("数值", "数值"), ("单位", "单位"), ("说明", "说明")),
                           ("数值",), 4),
    "declared_debts": DocumentSpec("申报负债清单", (("lender", "债权人"), ("kind", "类型"), ("balance", "余额（元）"),
                                                    ("monthly_payment", "月还款（元）")),
                                   ("balance", "monthly_payment")),
}


def _claims_rows(claims: Claims) -> pd.DataFrame:
    return claims.to_frame()


# --------------------------------------------------------------------------- generator

def build_documents(case: Case, *, with_flaws: bool = True) -> CaseDocuments:
    """The documents of ``case`` (canonical or variant), deterministic per case and variant.

    Parameters
    ----------
    case : Case
        A loaded case; a variant gives documents generated from its own (rescaled) records.
    with_flaws : bool, optional
        Plant the flaws of ``answer_key.yaml`` (default). ``False`` gives the clean control: every claim and
        every document agrees with the truth.

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
    """
    return _build(case, bool(with_flaws))


@lru_cache(maxsize=256)
def _build(case: Case, with_flaws: bool) -> CaseDocuments:
    inv = load_investigation(case)
    flaws = load_answer_key(case) if with_flaws else ()
    return _Generator(case, inv, flaws).documents(with_flaws)


def planted_flaws(case: Case) -> tuple[PlantedFlaw, ...]:
    """The flaws as planted in this case or variant (ranges drawn, sizes in 元). Instructors and tests only."""
    return _Generator(case, load_investigation(case), load_answer_key(case)).planted


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志海东文斌宇浩凯鹏飞晓春梅雪琳婷")
_NON_SALES = re.compile(r"租金|工资|利息收入|退款|补贴|理财|家用|报销")
_HOUSEHOLD = re.compile(r"消费|购物|学费|旅游|生活费|医疗|网购")
_DEBT = re.compile(r"利息|还款|月供|本金")

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


def _split(totals: np.ndarray, month_of_row: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each month's total over its rows ∝ weights, in cents, so that each month sums exactly."""
    n = len(totals)
    if len(month_of_row) == 0:
        return np.zeros(0)
    wsum = np.bincount(month_of_row, weights, minlength=n)
    share = np.divide(weights, wsum[month_of_row], out=np.zeros_like(weights), where=wsum[month_of_row] > 0)
    cents = np.round(np.round(totals * 100)[month_of_row] * share)
    target = np.round(totals * 100)
    residual = target - np.bincount(month_of_row, cents, minlength=n)
    order = np.lexsort((-cents, month_of_row))
    first = order[np.r_[True, month_of_row[order][1:] != month_of_row[order][:-1]]]
    cents[first] += residual[month_of_row[first]]
    return cents / 100.0


def _allocate(totals: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    """Split each month's total over parties by fixed shares: a (months × parties) array, exact to the cent."""
    k = len(shares)
    month = np.repeat(np.arange(len(totals)), k)
    return _split(totals, month, np.tile(np.asarray(shares, dtype=float), len(totals))).reshape(len(totals), k)


def _carry(values: np.ndarray) -> np.ndarray:
    """Non-negative monthly amounts with the same running total (a negative month is netted next month)."""
    out = np.zeros_like(values)
    carry = 0.0
    for i, v in enumerate(values):
        amount = v + carry
        if amount < 0:
            carry = amount
        else:
            out[i] = amount
            carry = 0.0
    return out


def _draw(value: Any, rng: np.random.Generator) -> float:
    if isinstance(value, (tuple, list)):
        return float(rng.uniform(float(value[0]), float(value[1])))
    return float(value)


def _spoken(value: float) -> float:
    """A figure as people say it: three significant digits."""
    if value == 0:
        return 0.0
    digits = 3 - int(np.floor(np.log10(abs(value)))) - 1
    return float(round(value, digits))


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


class _Generator:
    """Builds the documents of one case; every random draw comes from a named stream of the seed."""

    def __init__(self, case: Case, inv: Investigation, flaws: Sequence[Flaw]) -> None:
        from .statements import balance_sheet, cash_flow

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
        from .casebook import load_case_folder

        canonical = load_case_folder(self.case.folder)
        return float(canonical.records["household_expenses"].mean())

    # ------------------------------------------------------------------ documents
    def documents(self, with_flaws: bool) -> CaseDocuments:
        facts = self.facts()
        invoices = self._invoices(facts)
        bank, categories = self._bank(facts)
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

    def _invoices(self, facts: Facts) -> pd.DataFrame:
        columns = ["date", "supplier", "item", "amount"]
        shares = self._supplier_shares(facts)
        if not shares or float(self.purchases.sum()) <= 0:
            return pd.DataFrame(columns=columns)
        rng = self.rng("invoices")
        parts = []
        starts = self.months.to_timestamp(how="start")
        per_supplier = _allocate(self.purchases, [shares[sup.name] for sup in self.inv.suppliers])
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

    # ------------------------------------------------------------------ bank statement
    def _names(self, rng: np.random.Generator, n: int) -> np.ndarray:
        reserved = {self.case.borrower.name, *self.inv.related_parties, *self.inv.employees,
                    *(p.values.get("lender", "") for p in self.planted)}
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

    def _minutes(self, rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
        return rng.integers(int(low * 60), int(high * 60), n)

    def _bank(self, facts: Facts) -> tuple[pd.DataFrame, pd.Series]:
        inv, r, n = self.inv, self.r, self.n
        bank = _Bank(self.months)
        months = np.arange(n)
        days_in = self.months.days_in_month.to_numpy()

        # Sales collected through the account.
        account_sales = self.collections * inv.account_share
        volume = account_sales / account_sales.mean() if account_sales.mean() > 0 else account_sales
        channels = _allocate(account_sales, [s.share for s in inv.settlement])
        for k, s in enumerate(inv.settlement):
            rng = self.rng(f"settlement:{k}")
            total = channels[:, k]
            if s.pattern == "daily":
                month = np.repeat(months, days_in)
                day = np.concatenate([np.arange(1, d + 1) for d in days_in])
                weekday = pd.DatetimeIndex(self.months.to_timestamp(how="start")[month]
                                           + pd.to_timedelta(day - 1, unit="D")).day_of_week.to_numpy()
                weights = rng.lognormal(0, 0.25, len(month)) * np.where(weekday >= 5, 1.15, 1.0)
                amount = _split(total, month, weights)
                bank.add(month, day, self._minutes(rng, len(month), 8.5, 10.5), amount, s.counterparty,
                         s.description, s.channel, "sales")
            elif s.pattern == "monthly":
                days = np.array(s.days)
                month = np.repeat(months, len(days))
                day = np.tile(days, n)
                amount = _split(total, month, rng.uniform(0.7, 1.3, len(month)))
                bank.add(month, day, self._minutes(rng, len(month), 9, 17), amount, s.counterparty, s.description,
                         s.channel, "sales")
            else:
                counts = rng.poisson(s.per_month * volume)
                month = np.repeat(months, counts)
                day = (np.floor(rng.random(len(month)) * days_in[month]) + 1).astype(int)
                amount = _split(total, month, rng.exponential(1.0, len(month)))
                channel = rng.choice(np.array(["微信", "支付宝", "手机银行"], dtype=object), len(month))
                bank.add(month, day, self._minutes(rng, len(month), 7, 22), amount, self._names(rng, len(month)),
                         s.description, channel, "sales")

        # Other income, loans, injections.
        other = r["other_income"].to_numpy(dtype=float)
        for k, payer in enumerate(() if self.consumer else inv.other_income):
            rng = self.rng(f"other:{k}")
            bank.add(months, np.full(n, payer.day), self._minutes(rng, n, 9, 20), np.round(other * payer.share, 2),
                     payer.counterparty, payer.description, payer.channel, "other_income")
        rng = self.rng("loans")
        lender = inv.lenders.business
        bank.add(months, np.full(n, 20), np.full(n, 14 * 60), r["loan_drawdown"].to_numpy(dtype=float), lender,
                 "贷款发放", "柜面", "loan")
        bank.add(months, np.full(n, 20), np.full(n, 9 * 60 + 30), -r["loan_repayment"].to_numpy(dtype=float), lender,
                 "归还到期贷款", "柜面", "loan")
        bank.add(months, np.full(n, 21), self._minutes(rng, n, 6, 7),
                 -r["business_loan_interest"].to_numpy(dtype=float), lender, "贷款利息", "代扣", "debt_service")
        bank.add(months, np.full(n, 21), self._minutes(rng, n, 7, 8),
                 -r["business_loan_principal"].to_numpy(dtype=float), lender, "贷款本金", "代扣", "debt_service")
        private = (r["private_loan_interest"] + r["private_loan_principal"]).to_numpy(dtype=float)
        debts = [(d.lender, d.description, d.payment_share) for d in inv.private_debts] or \
            [(inv.lenders.private, inv.lenders.private_description, 1.0)]
        for k, (who, memo, part) in enumerate(debts):
            bank.add(months, np.full(n, 18 + k), self._minutes(rng, n, 6, 8), -np.round(private * part, 2), who, memo,
                     "代扣", "debt_service")
        family = facts.related_parties[0] if facts.related_parties else facts.borrower
        bank.add(months, np.full(n, 3), self._minutes(rng, n, 10, 16), r["injections"].to_numpy(dtype=float), family,
                 "转入", "手机银行", "injection")
        bank.add(months, np.full(n, 26), self._minutes(rng, n, 10, 16), -r["withdrawals"].to_numpy(dtype=float),
                 family, "转出", "手机银行", "withdrawal")
        bank.add(months, np.full(n, 12), self._minutes(rng, n, 10, 16), -r["capex"].to_numpy(dtype=float),
                 inv.capex_supplier, "设备款", "网银", "capex")

        # Suppliers.
        shares = self._supplier_shares(facts)
        paid = _allocate(self.supplier_payments * inv.payment_share, [shares[sup.name] for sup in inv.suppliers]) \
            if inv.suppliers else np.zeros((n, 0))
        for k, sup in enumerate(inv.suppliers):
            rng = self.rng(f"supplier:{k}")
            days = np.array(sup.pay_days)
            month = np.repeat(months, len(days))
            amount = _split(paid[:, k], month, rng.uniform(0.8, 1.2, len(month)))
            bank.add(month, np.tile(days, n), self._minutes(rng, len(month), 10, 17), -amount, sup.name, "货款",
                     sup.channel, "supplier")

        # Operating expenses paid through the account.
        rng = self.rng("expenses")
        for column in self.case.operating_expense_columns:
            if column not in _EXPENSE_PAYEES:
                continue
            payee, memo, via, pay_day = _EXPENSE_PAYEES[column]
            values = r[column].to_numpy(dtype=float)
            if payee == "employees":
                if not inv.employees:
                    continue
                people = inv.employees
                month = np.repeat(months, len(people))
                amount = _split(values, month, np.ones(len(month)))
                bank.add(month, np.full(len(month), pay_day), self._minutes(rng, len(month), 9, 12), -amount,
                         np.tile(np.array(people, dtype=object), n), memo, via, "expense")
                continue
            if payee == "landlord":
                if not inv.landlord:
                    continue
                payee = inv.landlord
            elif payee == "utilities":
                payee = inv.utilities.supplier if inv.utilities is not None else "国网某市供电公司"
            elif payee == "tax":
                payee = inv.tax.office
            bank.add(months, np.full(n, pay_day), self._minutes(rng, n, 8, 18), -values, payee, memo, via, "expense")

        # Household spending paid from the account, and the planted flows.
        hidden = [p for p in self.planted if p.kind in ("hidden_debt", "undeclared_card_debt")]
        spending = [p for p in self.planted if p.kind == "personal_spending"]
        hidden_payment = sum(p.values["monthly_payment"] for p in hidden)
        share_spent = sum(p.values["share"] for p in spending)
        rng = self.rng("household")
        payees = np.array(inv.household_payees, dtype=object)
        per_month = 4
        month = np.repeat(months, per_month)
        amount = _split((self.household * (1 - share_spent) - hidden_payment) * inv.household_bank_share, month,
                        rng.uniform(0.5, 1.5, len(month)))
        bank.add(month, np.tile(np.array([6, 13, 22, 27]), n), self._minutes(rng, len(month), 11, 21), -amount,
                 payees[rng.integers(0, len(payees), len(month))], "消费",
                 rng.choice(np.array(["支付宝", "微信"], dtype=object), len(month)), "household")
        for p in hidden:
            rng = self.rng(f"planted:{p.id}")
            bank.add(months, np.full(n, int(p.values["day"])), self._minutes(rng, n, 19, 21.5),
                     np.full(n, -p.values["monthly_payment"]), p.values["lender"], p.values["description"],
                     p.values["channel"], "planted")
        for p in spending:
            rng = self.rng(f"planted:{p.id}")
            targets = p.values["payees"]
            month = np.repeat(months, 2)
            pick = rng.integers(0, len(targets), len(month))
            amount = _split(self.household * p.values["share"], month, rng.uniform(0.6, 1.4, len(month)))
            bank.add(month, np.tile(np.array([9, 24]), n), self._minutes(rng, len(month), 10, 20), -amount,
                     np.array([targets[i]["counterparty"] for i in pick], dtype=object),
                     np.array([targets[i]["description"] for i in pick], dtype=object), "网银", "planted")
        for p in (p for p in self.planted if p.kind == "inflated_sales"):
            pairs = int(p.values.get("window_dressing", 0))
            if not pairs:
                continue
            rng = self.rng(f"planted:{p.id}")
            chosen = np.sort(rng.choice(n, size=min(pairs, n), replace=False))
            size = np.round(float(self.revenue.mean()) * 0.3 * rng.uniform(0.8, 1.2, len(chosen)), -3)
            helper = self.case.borrower.name[0] + "德贵"
            bank.add(chosen, np.full(len(chosen), 14), np.full(len(chosen), 10 * 60 + 5), size, helper, "转账",
                     "手机银行", "planted")
            bank.add(chosen, np.full(len(chosen), 14), np.full(len(chosen), 15 * 60 + 30),
                     -np.round(size * 0.996, 2), "某商贸有限公司", "转账", "网银", "planted")
        return bank.frame()


# --------------------------------------------------------------------------- export and reading

def _format(value: Any, numeric: bool, decimals: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    if numeric:
        number = float(value)
        if decimals == 0 or number == round(number):
            return f"{number:.0f}" if decimals == 0 else f"{number:.{decimals}f}".rstrip("0").rstrip(".")
        return f"{number:.{decimals}f}".rstrip("0").rstrip(".")
    return str(value)


def document_csv(frame: pd.DataFrame, spec: DocumentSpec) -> str:
    """A document as CSV text (Chinese headers, numbers written plainly); UTF-8 BOM added on export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header for _, header in spec.columns])
    keys = [key for key, _ in spec.columns]
    for row in frame[keys].itertuples(index=False):
        writer.writerow([_format(v, k in spec.numeric, spec.decimals) for k, v in zip(keys, row)])
    return buffer.getvalue()


def export_documents(case: Case, folder: Path | str, *, with_flaws: bool = True) -> list[Path]:
    """Write the documents of ``case`` as CSV files (UTF-8 with BOM, so Excel shows Chinese) into ``folder``.

    Only documents that apply are written (a salaried borrower has no inventory count). The answer key is
    never written. Returns the paths written, in :data:`DOCUMENT_FILES` order.

    Examples
    --------
    >>> import tempfile, microloan_sim as ml
    >>> paths = export_documents(ml.casebook.load_case("C01"), tempfile.mkdtemp())
    >>> paths[0].name, paths[0].read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    ('bank_transactions.csv', True)
    """
    docs = build_documents(case, with_flaws=with_flaws)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in DOCUMENT_FILES.items():
        frame = docs._frame(name)
        if frame is None or frame.empty:
            continue
        path = target / f"{name}.csv"
        path.write_bytes(("\ufeff" + document_csv(frame, spec)).encode("utf-8"))
        written.append(path)
    return written


def snapshot_folder(case: Case) -> Path:
    """Where the committed canonical documents of a case live: ``<case folder>/documents``."""
    return case.folder / DOCUMENTS_FOLDER


def read_document(path: Path | str, name: str | None = None) -> pd.DataFrame:
    """Read one document CSV back (identifier columns, numbers as floats), checking every row.

    ``name`` is the file stem of :data:`DOCUMENT_FILES` (default: taken from the file name). Bank statements
    go through :func:`microloan_sim.offsite.read_transactions` (dates in order, amounts, counterparties).

    Raises
    ------
    InputError
        Missing file, unknown document, missing columns, or a row with a bad number; the message names the
        file, the column and the CSV line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sales_ledger.csv"
    >>> _ = p.write_text("月份,销售额（元）\\n2025-01,1000\\n2025-02,一千\\n", encoding="utf-8")
    >>> read_document(p)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 sales_ledger.csv：销售额（元）：第 3 行应为数字，收到了“一千”
    """
    path = Path(path)
    stem = name or path.stem
    if stem not in DOCUMENT_FILES:
        raise InputError(f"未知的单据“{stem}”（应为 {'、'.join(DOCUMENT_FILES)} 之一）", file=path.name)
    if not path.is_file():
        raise InputError(f"找不到该单据（{DOCUMENT_FILES[stem].title}）", file=path.name)
    spec = DOCUMENT_FILES[stem]
    if stem == "bank_transactions":
        from .offsite import read_transactions

        return read_transactions(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"CSV 格式错误：{str(exc).splitlines()[0]}", file=path.name) from None
    except pd.errors.EmptyDataError:
        raise InputError("文件是空的", file=path.name) from None
    headers = dict((header, key) for key, header in spec.columns)
    missing = [header for _, header in spec.columns if header not in frame.columns]
    if missing:
        raise InputError("缺少必需的列：" + "、".join(missing), file=path.name)
    frame = frame[[header for _, header in spec.columns]].rename(columns=headers)
    for key in spec.numeric:
        text = frame[key].str.strip()
        values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = values.isna() & (text != "")
        empty = text == ""
        header = dict(spec.columns)[key]
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            raise InputError(f"第 {row + 2} 行应为数字，收到了“{frame[key].iloc[row]}”", field=header, file=path.name)
        if empty.any():
            row = int(np.argmax(empty.to_numpy()))
            raise InputError(f"第 {row + 2} 行缺少数值", field=header, file=path.name)
        frame[key] = values.astype(float)
    return frame


def read_documents(folder: Path | str, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the document CSVs of a folder (by default every file of :data:`DOCUMENT_FILES` present there).

    ``names`` lists documents that must be present: a missing one raises :class:`InputError`.
    """
    folder = Path(folder)
    wanted = list(names) if names is not None else [n for n in DOCUMENT_FILES if (folder / f"{n}.csv").is_file()]
    return {n: read_document(folder / f"{n}.csv", n) for n in wanted}


def write_snapshots(case_ids: Iterable[str] | None = None) -> list[Path]:
    """Write the canonical documents of each case (with its flaws) into ``<case folder>/documents``.

    Stale files of documents that no longer apply are removed. Returns the files written.
    """
    from . import casebook

    ids = list(case_ids) if case_ids is not None else list(casebook.list_cases()["id"])
    written: list[Path] = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        if not has_investigation(case):
            continue
        folder = snapshot_folder(case)
        paths = export_documents(case, folder)
        for stale in folder.glob("*.csv"):
            if stale not in paths:
                stale.unlink()
        written += paths
    return written


def detection_runs(case_id: str, variants: Iterable[int | None] = (None, *range(50)), *,
                   strict: bool = False) -> pd.DataFrame:
    """Every result of :func:`microloan_sim.crosscheck.run_all` for a case over variants, with and without flaws.

    One row per result: ``case``, ``variant`` (``-1`` for the canonical case), ``with_flaws``, ``method``,
    ``verdict`` (Chinese) and ``deviation``. ``strict`` turns every warning into an error (the test suite
    runs this in worker processes, outside pytest's warning filters). For instructors and the test suite.
    """
    import warnings

    from . import casebook
    from .crosscheck import run_all

    rows = []
    with warnings.catch_warnings():
        if strict:
            warnings.simplefilter("error")
        for seed in variants:
            case = casebook.load_case(case_id, variant=seed)
            for flawed in (True, False):
                for r in run_all(case, with_flaws=flawed):
                    rows.append((case_id, -1 if seed is None else int(seed), flawed, r.method, r.verdict.value,
                                 r.deviation))
    return pd.DataFrame(rows, columns=["case", "variant", "with_flaws", "method", "verdict", "deviation"])


def flaw_detection(runs: pd.DataFrame, flaws: Iterable[Flaw]) -> pd.DataFrame:
    """Per planted flaw and run: whether one of its ``detected_by`` methods said 矛盾 (or anything but 一致).

    ``runs`` is (part of) :func:`detection_runs` for one case. Columns: ``flaw``, ``variant``, ``contradiction``,
    ``flagged``.
    """
    flawed = runs[runs["with_flaws"]]
    rows = []
    for flaw in flaws:
        mine = flawed[flawed["method"].isin(flaw.detected_by)]
        by_variant = mine.groupby("variant")["verdict"]
        contra = by_variant.apply(lambda v: bool((v == "矛盾").any()))
        flagged = by_variant.apply(lambda v: bool((v != "一致").any()))
        for variant in sorted(flawed["variant"].unique()):
            rows.append((flaw.id, int(variant), bool(contra.get(variant, False)), bool(flagged.get(variant, False))))
    return pd.DataFrame(rows, columns=["flaw", "variant", "contradiction", "flagged"])


def detection_table(case_ids: Iterable[str] | None = None, variants: Iterable[int] = range(50), *,
                    processes: int = 1, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of runs (canonical + each variant) in which each method returns 矛盾, per case and method.

    Columns: ``case``, ``method``, ``flawed`` (share of runs with flaws where the method says 矛盾),
    ``flawed_flagged`` (share not 一致), ``clean`` (share of clean-control runs with 矛盾) and ``targets``
    (ids of the planted flaws that name this method in ``detected_by``). ``processes`` > 1 runs the cases in
    parallel; ``runs`` reuses the output of :func:`collect_runs`. For instructors and the test suite: it reads
    the answer keys.
    """
    from . import casebook

    ids = list(case_ids) if case_ids is not None else list(casebook.list_cases()["id"])
    if runs is None:
        runs = collect_runs(ids, (None, *variants), processes=processes)
    rows = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        targets: dict[str, list[str]] = {}
        for flaw in (load_answer_key(case) if has_answer_key(case) else ()):
            for m in flaw.detected_by:
                targets.setdefault(m, []).append(flaw.id)
        mine = runs[runs["case"] == case_id]
        per_run = mine.assign(contra=mine["verdict"] == "矛盾", flagged=mine["verdict"] != "一致") \
            .groupby(["method", "with_flaws", "variant"])[["contra", "flagged"]].any().reset_index()
        for method_id, group in per_run.groupby("method", sort=False):
            flawed = group[group["with_flaws"]]
            clean = group[~group["with_flaws"]]
            rows.append({"case": case_id, "method": method_id,
                         "flawed": float(flawed["contra"].mean()) if len(flawed) else np.nan,
                         "flawed_flagged": float(flawed["flagged"].mean()) if len(flawed) else np.nan,
                         "clean": float(clean["contra"].mean()) if len(clean) else np.nan,
                         "targets": ",".join(targets.get(str(method_id), []))})
    return pd.DataFrame(rows, columns=["case", "method", "flawed", "flawed_flagged", "clean", "targets"])


def collect_runs(case_ids: Sequence[str], seeds: Sequence[int | None], *, processes: int = 1,
                 strict: bool = False) -> pd.DataFrame:
    """:func:`detection_runs` for several cases, in ``processes`` worker processes (spawned) when > 1."""
    if processes <= 1 or len(case_ids) <= 1:
        return pd.concat([detection_runs(c, seeds, strict=strict) for c in case_ids], ignore_index=True)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    work = partial(detection_runs, variants=tuple(seeds), strict=strict)
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(work, case_ids))
    return pd.concat(parts, ignore_index=True)


__all__ = [
    "ANSWER_KEY_FILE", "CANONICAL_SEED", "DOCUMENT_FILES", "FLAW_KINDS", "INVESTIGATION_FILE", "TOPICS", "AnswerKey",
    "CaseDocuments", "Claims", "DocumentSpec", "Facts", "Flaw", "Investigation", "PlantedFlaw", "build_documents",
    "collect_runs", "detection_runs", "detection_table", "document_csv", "flaw_detection", "export_documents", "has_answer_key", "has_investigation",
    "load_answer_key", "load_investigation", "planted_flaws", "read_document", "read_documents", "snapshot_folder",
    "write_snapshots",
]
