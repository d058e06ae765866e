"""Schemas of a case's ``investigation.yaml`` (facts gathered on site) and ``answer_key.yaml`` (planted flaws),
with the file names, topics and flaw kinds they use."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
    months: list[int] = Field(default_factory=list, description="calendar months (1–12) in which this supplier "
                              "delivers, e.g. piglets only when a batch starts; empty = every month")


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
