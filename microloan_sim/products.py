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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from . import statements
from ._data import data_path, load_yaml, validate_model
from .casebook import Case, monthly_ledger
from .errors import InputError, require_number
from .labels import ILLUSTRATIVE, SEGMENTS, label
from .pricing import annualized_rate, borrower_cashflows
from .schedules import METHODS, check_months, normalize_method, schedule

#: Category id -> Chinese name (course 第五部分 sections).
CATEGORIES: dict[str, str] = {
    "digital": "数字微贷",
    "bank_government": "银政合作",
    "bank_guarantee": "银担合作",
    "bank_insurance": "银保合作",
    "movable_collateral": "动产与活体抵押",
    "featured": "流量贷等特色产品",
    "personal": "有房贷、有车贷、有薪贷、亲情贷",
}
RISK_PARTIES: dict[str, str] = {"bank": "银行", "guarantor": "担保机构", "insurer": "保险公司",
                                "government_pool": "政府风险补偿资金池"}
SOFT_ATTRIBUTES: dict[str, str] = {"reputation": "口碑（邻里、同行评价）", "family_stability": "家庭稳定性",
                                   "industry_outlook": "行业前景"}
FLOW_ITEMS: dict[str, str] = {"revenue": "销售收入", "collections": "销售回款（账户流水）", "taxes": "纳税额",
                              "other_income": "家庭其他收入"}
CATALOGUE_DIR = data_path("products")

Category = Literal["digital", "bank_government", "bank_guarantee", "bank_insurance", "movable_collateral",
                   "featured", "personal"]
EligibilityKind = Literal["segment", "credit_clean", "min_years_in_business", "has_collateral",
                          "has_household_asset", "income_source", "industry", "soft_information", "age",
                          "max_inquiries", "min_annual_revenue"]
SizingKind = Literal["max_amount", "annual_flow", "collateral_ltv", "household_asset_ltv", "balance_sheet_ltv",
                     "salary_multiple", "annual_disposable_multiple", "repayment_capacity"]

#: Parameters each rule kind needs.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "segment": ("segments",), "credit_clean": ("maximum",), "min_years_in_business": ("minimum",),
    "has_collateral": ("types",), "has_household_asset": ("categories",), "income_source": ("sources",),
    "industry": ("keywords",), "soft_information": ("attribute", "allowed"), "age": ("minimum", "maximum"),
    "max_inquiries": ("maximum",), "min_annual_revenue": ("minimum",),
    "max_amount": ("amount",), "annual_flow": ("item", "coefficient"), "collateral_ltv": ("types", "ltv"),
    "household_asset_ltv": ("categories", "ltv"), "balance_sheet_ltv": ("item", "ltv"),
    "salary_multiple": ("sources", "multiple"), "annual_disposable_multiple": ("multiple",),
    "repayment_capacity": ("share",),
}
#: Chinese name of each sizing rule (the binding constraint is reported with it).
SIZING_LABELS: dict[str, str] = {
    "max_amount": "产品最高额度", "annual_flow": "年流水 × 系数", "collateral_ltv": "抵质押物价值 × 抵质押率",
    "household_asset_ltv": "家庭资产价值 × 系数", "balance_sheet_ltv": "资产负债表项目 × 抵押率",
    "salary_multiple": "月工资 × 倍数", "annual_disposable_multiple": "年可支配资金 × 倍数",
    "repayment_capacity": "还款能力（月供 ≤ 月可支配资金 × 比例）",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Rule(_Strict):
    """Shared parameters of eligibility and sizing rules; each kind uses a few of them."""

    note: str = ""
    segments: list[Literal["business", "farm", "consumer"]] | None = None
    types: list[str] | None = None
    categories: list[str] | None = None
    sources: list[str] | None = None
    keywords: list[str] | None = None
    attribute: Literal["reputation", "family_stability", "industry_outlook"] | None = None
    allowed: list[str] | None = None
    item: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    amount: float | None = Field(None, gt=0)
    coefficient: float | None = Field(None, gt=0)
    ltv: float | None = Field(None, gt=0, le=1)
    multiple: float | None = Field(None, gt=0)
    share: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _has_parameters(self) -> _Rule:
        kind = getattr(self, "kind")
        missing = [name for name in _REQUIRED[kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"规则 {kind} 缺少参数：{'、'.join(missing)}")
        if kind == "annual_flow" and self.item not in FLOW_ITEMS:
            raise ValueError(f"规则 annual_flow 的 item 应为 {'、'.join(FLOW_ITEMS)} 之一（收到“{self.item}”）")
        if kind == "balance_sheet_ltv" and self.item not in statements.BALANCE_SHEET:
            raise ValueError(f"规则 balance_sheet_ltv 的 item 应为资产负债表项目（收到“{self.item}”）")
        return self


class EligibilityRule(_Rule):
    """One 准入 condition, e.g. ``{kind: credit_clean, maximum: 0}``."""

    kind: EligibilityKind


class SizingRule(_Rule):
    """One 额度 rule; the loan amount is the smallest result over a product's sizing rules."""

    kind: SizingKind


class RiskSharing(_Strict):
    """Shares of a credit loss borne by each party; they must add up to 1."""

    bank: float = Field(ge=0, le=1)
    guarantor: float = Field(0.0, ge=0, le=1)
    insurer: float = Field(0.0, ge=0, le=1)
    government_pool: float = Field(0.0, ge=0, le=1)

    @property
    def total(self) -> float:
        return self.bank + self.guarantor + self.insurer + self.government_pool


class RiskPool(_Strict):
    """风险补偿资金池: the government's deposit and how many times it is lent out (放大倍数)."""

    size: float = Field(gt=0)
    leverage: float = Field(gt=0)

    @property
    def capacity(self) -> float:
        """Loans the pool supports: size × leverage (domain §6.2: 5,000,000 × 10 = 50,000,000)."""
        return self.size * self.leverage


class Product(_Strict):
    """A loan product: pricing, repayment, fees, risk sharing, eligibility and sizing rules (示例参数).

    Fees are fractions of the original principal: ``upfront_fee`` (一次性手续费), ``monthly_fee``
    (月手续费, flat), ``guarantee_fee`` and ``insurance_premium`` (annual), ``deposit`` (保证金);
    ``interest_subsidy`` is in annual rate points (贴息).

    Examples
    --------
    >>> p = Product(id="demo", name="示例贷", category="digital", rate=0.072, method="等额本息", months=12,
    ...             risk_sharing={"bank": 1})
    >>> p.method, p.illustrative
    ('equal_installment', True)

    A risk split that does not add up to 1 is refused, with the file and the key named:

    >>> validate_model(Product, {"id": "demo", "name": "示例贷", "category": "digital", "rate": 0.072,
    ...     "method": "等额本息", "months": 12, "risk_sharing": {"bank": 0.2, "guarantor": 0.7}}, file="示例.yaml")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 示例.yaml：risk_sharing：产品 demo 的风险分担比例之和应为 1，当前为 0.9（银行 0.2 + 担保机构 0.7 + 保险公司 0 + 政府风险补偿资金池 0）
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    category: Category
    summary: str = ""
    policy: str = ""
    illustrative: bool = True
    rate: float = Field(ge=0, le=1)
    rate_quote: str = ""
    method: str
    months: int = Field(gt=0, le=360)
    grace_months: int = Field(0, ge=0)
    repayment_months: list[int] | None = None
    shares: list[float] | None = None
    repayment_from_case: bool = False
    upfront_fee: float = Field(0.0, ge=0, le=1)
    monthly_fee: float = Field(0.0, ge=0, le=1)
    guarantee_fee: float = Field(0.0, ge=0, le=1)
    guarantee_timing: Literal["upfront", "annual"] = "upfront"
    insurance_premium: float = Field(0.0, ge=0, le=1)
    insurance_timing: Literal["upfront", "annual", "monthly"] = "upfront"
    deposit: float = Field(0.0, ge=0, lt=1)
    interest_subsidy: float = Field(0.0, ge=0, le=1)
    subsidy_timing: Literal["monthly", "annual"] = "monthly"
    operating_cost: float | None = Field(None, ge=0)
    risk_sharing: RiskSharing
    risk_pool: RiskPool | None = None
    eligibility: list[EligibilityRule] = []
    sizing: list[SizingRule] = []

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        return normalize_method(value)

    @field_validator("risk_sharing")
    @classmethod
    def _sums_to_one(cls, value: RiskSharing, info: ValidationInfo) -> RiskSharing:
        if not math.isclose(value.total, 1.0, abs_tol=1e-6):
            parts = " + ".join(f"{RISK_PARTIES[k]} {getattr(value, k):g}" for k in RISK_PARTIES)
            raise ValueError(f"产品 {info.data.get('id', '')} 的风险分担比例之和应为 1，当前为 {value.total:g}（{parts}）")
        return value

    @model_validator(mode="after")
    def _capacity_needs_instalments(self) -> Product:
        if self.method not in ("equal_installment", "equal_principal") and any(
                rule.kind == "repayment_capacity" for rule in self.sizing):
            raise ValueError(f"产品 {self.id}：还款能力规则（repayment_capacity）只适用于等额本息、等额本金产品，"
                             f"{METHODS[self.method]}产品请用 annual_disposable_multiple 等规则")
        return self

    @property
    def category_name(self) -> str:
        return CATEGORIES[self.category]

    def fees(self) -> dict[str, Any]:
        """Keyword arguments for :func:`microloan_sim.pricing.borrower_cashflows`."""
        return {key: getattr(self, key) for key in (
            "upfront_fee", "monthly_fee", "guarantee_fee", "guarantee_timing", "insurance_premium",
            "insurance_timing", "deposit", "interest_subsidy", "subsidy_timing")}

    def with_changes(self, **changes: Any) -> Product:
        """A validated copy with some terms changed (e.g. a fee edited in a dashboard)."""
        result: Product = validate_model(Product, {**self.model_dump(), **changes}, file=f"产品 {self.id}")
        return result

    def schedule(self, principal: float, months: int | None = None, borrower: Case | None = None,
                 replace_existing_loans: bool = False) -> pd.DataFrame:
        """This product's repayment schedule for ``principal`` over ``months`` (default: the product's term).

        A seasonal product repays in the borrower's sales months when a borrower case is given (see
        :func:`compare` for ``replace_existing_loans``).
        """
        amount = require_number(principal, "贷款本金", strictly_positive=True)
        term = self.months if months is None else check_months(months)
        options: dict[str, Any] = {}
        if self.method == "seasonal":
            options["repayment_months"], options["shares"] = _seasonal_plan(
                self, amount, term, borrower, replace_existing_loans)
        grace = self.grace_months if self.grace_months < term else 0  # a term shorter than the grace: none
        return schedule(amount, self.rate, term, self.method, grace, **options)

    def cashflows(self, principal: float, months: int | None = None, borrower: Case | None = None,
                  replace_existing_loans: bool = False) -> pd.DataFrame:
        """The borrower's cash flows (schedule plus this product's fees)."""
        return borrower_cashflows(self.schedule(principal, months, borrower, replace_existing_loans), **self.fees())


class _CatalogueFile(_Strict):
    category: Category
    products: list[Product] = Field(min_length=1)


class BankAssumptions(_Strict):
    """Bank-side assumptions for the comparison (示例参数, ``data/products/_bank.yaml``)."""

    funding_rate: float = Field(ge=0, le=1)
    operating_cost_per_loan: float = Field(ge=0)
    default_pd: float = Field(ge=0, le=1)
    default_lgd: float = Field(ge=0, le=1)


# --------------------------------------------------------------------------- catalogue

@lru_cache(maxsize=8)
def load_catalogue(folder: Path | str | None = None) -> dict[str, Product]:
    """All products, keyed by id, from the YAML files of ``folder`` (default: the bundled catalogue).

    Files whose name starts with ``_`` hold settings, not products. A broken file, an unknown key or a
    risk split that does not add up to 1 raises :class:`~microloan_sim.InputError` naming the file and key.
    """
    directory = Path(folder) if folder is not None else CATALOGUE_DIR
    files = sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise InputError("产品目录中没有产品文件（*.yaml）", file=str(directory))
    catalogue: dict[str, Product] = {}
    for path in files:
        raw = load_yaml(path)
        if not isinstance(raw, dict):
            raise InputError("内容应为键值表（YAML mapping），含 category 和 products", file=path.name)
        if isinstance(raw.get("products"), list) and "category" in raw:
            raw = {**raw, "products": [
                {"category": raw["category"], **item} if isinstance(item, dict) else item for item in raw["products"]]}
        spec: _CatalogueFile = validate_model(_CatalogueFile, raw, file=path.name)
        for number, product in enumerate(spec.products):
            if product.id in catalogue:
                raise InputError(f"产品编号“{product.id}”重复", field=f"products.{number}.id", file=path.name)
            catalogue[product.id] = product
    return catalogue


@lru_cache(maxsize=8)
def bank_assumptions(folder: Path | str | None = None) -> BankAssumptions:
    """Funding cost, operating cost per loan, default PD and LGD (示例参数)."""
    path = (Path(folder) if folder is not None else CATALOGUE_DIR) / "_bank.yaml"
    result: BankAssumptions = validate_model(BankAssumptions, load_yaml(path), file=path.name)
    return result


def get(product_id: str) -> Product:
    """A product of the bundled catalogue by id.

    Examples
    --------
    >>> get("account_flow_loan").name
    '账户流量贷'
    >>> get("no_such")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 产品编号：没有编号为“no_such”的产品（可用编号见 catalogue_table()）
    """
    if isinstance(product_id, Product):
        return product_id
    catalogue = load_catalogue()
    if product_id not in catalogue:
        raise InputError(f"没有编号为“{product_id}”的产品（可用编号见 catalogue_table()）", field="产品编号")
    return catalogue[product_id]


def catalogue_table(category: str | None = None) -> pd.DataFrame:
    """Overview of the catalogue in Chinese: one row per product, fees as fractions.

    Examples
    --------
    >>> table = catalogue_table("bank_guarantee")
    >>> "总对总批量担保贷款" in set(table["产品"])
    True
    """
    rows = []
    for product in load_catalogue().values():
        if category is not None and product.category != category:
            continue
        rows.append({
            "编号": product.id, "产品": product.name, "类别": product.category_name, "名义年利率": product.rate,
            "还款方式": METHODS[product.method], "期限（月）": product.months, "一次性手续费": product.upfront_fee,
            "月手续费": product.monthly_fee, "担保费（年）": product.guarantee_fee,
            "保证保险费（年）": product.insurance_premium, "保证金": product.deposit, "贴息": product.interest_subsidy,
            "银行分担比例": product.risk_sharing.bank, ILLUSTRATIVE: "是" if product.illustrative else "否",
        })
    return pd.DataFrame(rows)


def product_terms(product: Product) -> pd.DataFrame:
    """A product's terms as a two-column Chinese table (项目, 取值) for product cards."""
    pct = "{:.2%}".format
    rows = [("产品", product.name), ("类别", product.category_name), ("简介", product.summary),
            ("名义年利率", pct(product.rate) + (f"（{product.rate_quote}）" if product.rate_quote else "")),
            ("还款方式", METHODS[product.method]), ("期限", f"{product.months} 个月")]
    optional = [("宽限期", product.grace_months, f"{product.grace_months} 个月"),
                ("一次性手续费", product.upfront_fee, pct(product.upfront_fee)),
                ("月手续费（按原始本金）", product.monthly_fee, pct(product.monthly_fee)),
                ("担保费（年）", product.guarantee_fee, pct(product.guarantee_fee)),
                ("保证保险费（年）", product.insurance_premium, pct(product.insurance_premium)),
                ("保证金", product.deposit, pct(product.deposit)),
                ("贴息（年利率百分点）", product.interest_subsidy, pct(product.interest_subsidy))]
    rows += [(name, text) for name, value, text in optional if value]
    rows.append(("风险分担", "，".join(f"{RISK_PARTIES[k]} {getattr(product.risk_sharing, k):.0%}"
                                      for k in RISK_PARTIES if getattr(product.risk_sharing, k))))
    if product.risk_pool is not None:
        rows.append(("风险补偿资金池", f"{product.risk_pool.size:,.0f} 元 × {product.risk_pool.leverage:g} 倍 = "
                                        f"可贷 {product.risk_pool.capacity:,.0f} 元"))
    rows += [("准入条件", "；".join(describe_rule(r) for r in product.eligibility) or "无"),
             ("额度规则", "；".join(describe_rule(r) for r in product.sizing) or "无")]
    if product.policy:
        rows.append(("政策依据", product.policy))
    if product.illustrative:
        rows.append(("说明", f"{ILLUSTRATIVE}：数字为教学示例，不是监管规定"))
    return pd.DataFrame(rows, columns=["项目", "取值"])


def describe_rule(rule: EligibilityRule | SizingRule) -> str:
    """One-line Chinese description of a rule.

    Examples
    --------
    >>> describe_rule(SizingRule(kind="annual_flow", item="collections", coefficient=0.15))
    '近 12 个月销售回款（账户流水） × 15%'
    """
    k = rule.kind
    join = "、".join
    texts = {
        "segment": lambda: "客户类型：" + join(SEGMENTS[s] for s in rule.segments or []),
        "credit_clean": lambda: f"近 24 个月逾期不超过 {rule.maximum:g} 次且当前无逾期",
        "min_years_in_business": lambda: f"从业年限不少于 {rule.minimum:g} 年",
        "has_collateral": lambda: "提供" + join(rule.types or []),
        "has_household_asset": lambda: "家庭拥有" + join(rule.categories or []),
        "income_source": lambda: "有" + join(rule.sources or []) + "收入",
        "industry": lambda: "行业属于：" + join(rule.keywords or []),
        "soft_information": lambda: f"{SOFT_ATTRIBUTES[str(rule.attribute)]}为" + join(rule.allowed or []),
        "age": lambda: f"年龄 {rule.minimum:g}–{rule.maximum:g} 岁",
        "max_inquiries": lambda: f"近 6 个月贷款审批查询不超过 {rule.maximum:g} 次",
        "min_annual_revenue": lambda: f"年销售收入不少于 {rule.minimum:,.0f} 元",
        "max_amount": lambda: f"最高 {rule.amount:,.0f} 元",
        "annual_flow": lambda: f"近 12 个月{FLOW_ITEMS[str(rule.item)]} × {_factor(rule.coefficient)}",
        "collateral_ltv": lambda: f"{join(rule.types or [])}评估价值 × {rule.ltv:.0%}",
        "household_asset_ltv": lambda: f"家庭{join(rule.categories or [])}价值 × {rule.ltv:.0%}",
        "balance_sheet_ltv": lambda: f"{label(str(rule.item))} × {rule.ltv:.0%}",
        "salary_multiple": lambda: f"月均{join(rule.sources or [])}收入 × {rule.multiple:g} 倍",
        "annual_disposable_multiple": lambda: f"年可支配资金 × {rule.multiple:g} 倍",
        "repayment_capacity": lambda: f"最高月还款 ≤ 月可支配资金 × {rule.share:.0%}",
    }
    text = texts[k]()
    return f"{text}（{rule.note}）" if rule.note else text


def _factor(value: float | None) -> str:
    """A coefficient as a percentage below 1 (15%) and as a multiple from 1 up (10 倍)."""
    number = float(value or 0)
    return f"{number:.0%}" if number < 1 else f"{number:g} 倍"


# --------------------------------------------------------------------------- evaluation against a case

@dataclass(frozen=True)
class Assessment:
    """Eligibility and loan size of a product for a case.

    ``checks`` has one row per eligibility rule (条件, 是否满足, 说明); ``limits`` one row per sizing rule
    (规则, 额度（元）, 计算). ``amount`` is the smallest limit, ``binding`` names the rule that sets it.
    """

    product: Product
    eligible: bool
    checks: pd.DataFrame
    limits: pd.DataFrame
    amount: float
    binding: str

    @property
    def reasons(self) -> list[str]:
        """Chinese reasons for every failed eligibility condition."""
        failed = self.checks[~self.checks["是否满足"]]
        return [f"{row['条件']}：{row['说明']}" for _, row in failed.iterrows()]


def _last12(case: Case, column: str) -> float:
    if column == "collections":
        return float(statements.cash_flow(case).monthly["collections"].iloc[-12:].sum())
    return float(case.records[column].iloc[-12:].sum())


def _check(rule: EligibilityRule, case: Case) -> tuple[bool, str]:
    k = rule.kind
    if k == "segment":
        return case.segment in (rule.segments or []), f"该客户为{SEGMENTS[case.segment]}"
    if k == "credit_clean":
        c = case.credit
        ok = c.overdue_times_24m <= (rule.maximum or 0) and not c.current_overdue
        return ok, f"近 24 个月逾期 {c.overdue_times_24m} 次，当前{'有' if c.current_overdue else '无'}逾期"
    if k == "min_years_in_business":
        years = case.borrower.years_in_business
        return years >= (rule.minimum or 0), f"从业 {years:g} 年"
    if k == "has_collateral":
        found = [c.type for c in case.collateral if c.type in (rule.types or [])]
        offered = "、".join(c.type for c in case.collateral) or "无"
        return bool(found), f"客户提供的担保/抵质押：{offered}"
    if k == "has_household_asset":
        found = [a.item for a in case.household.assets if a.category in (rule.categories or [])]
        return bool(found), "家庭资产：" + ("、".join(found) if found else "无此类资产")
    if k == "income_source":
        sources = {case.income_source, case.household.other_income_source}
        return bool(sources & set(rule.sources or [])), "收入来源：" + "、".join(sorted(sources))
    if k == "industry":
        return any(word in case.industry for word in rule.keywords or []), f"行业：{case.industry}"
    if k == "soft_information":
        value = getattr(case.soft_information, str(rule.attribute))
        return value in (rule.allowed or []), f"{SOFT_ATTRIBUTES[str(rule.attribute)]}：{value}"
    if k == "age":
        age = case.borrower.age
        return (rule.minimum or 0) <= age <= (rule.maximum or 200), f"年龄 {age} 岁"
    if k == "max_inquiries":
        count = case.credit.inquiries_6m
        return count <= (rule.maximum or 0), f"近 6 个月查询 {count} 次"
    revenue = _last12(case, "revenue")  # min_annual_revenue
    return revenue >= (rule.minimum or 0), f"近 12 个月销售收入 {revenue:,.0f} 元"


def _limit(rule: SizingRule, product: Product, case: Case, months: int) -> tuple[float, str]:
    k = rule.kind
    if k == "max_amount":
        return float(rule.amount or 0), f"产品上限 {rule.amount:,.0f} 元"
    if k == "annual_flow":
        base = _last12(case, str(rule.item))
        return base * float(rule.coefficient or 0), f"{FLOW_ITEMS[str(rule.item)]} {base:,.0f} 元 × {_factor(rule.coefficient)}"
    if k == "collateral_ltv":
        value = sum(c.value for c in case.collateral if c.type in (rule.types or []))
        return value * float(rule.ltv or 0), f"{'、'.join(rule.types or [])} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "household_asset_ltv":
        value = sum(a.value for a in case.household.assets if a.category in (rule.categories or []))
        return value * float(rule.ltv or 0), f"{'、'.join(rule.categories or [])} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "balance_sheet_ltv":
        value = statements.balance_sheet(case).items.get(str(rule.item), 0.0)
        return value * float(rule.ltv or 0), f"{label(str(rule.item))} {value:,.0f} 元 × {rule.ltv:.0%}"
    if k == "salary_multiple":
        salary = _monthly_salary(case, rule.sources or [])
        return salary * float(rule.multiple or 0), f"月均收入 {salary:,.0f} 元 × {rule.multiple:g}"
    disposable = statements.income_statement(case).average_disposable_income
    if k == "annual_disposable_multiple":
        return max(disposable * 12, 0.0) * float(rule.multiple or 0), \
            f"年可支配资金 {disposable * 12:,.0f} 元 × {rule.multiple:g}"
    # repayment_capacity (instalment products only): scale the largest instalment, fees included
    allowed = max(disposable, 0.0) * float(rule.share or 0)
    reference = 1_000_000.0
    largest = float((-product.cashflows(reference, months, case)["net"].iloc[1:]).max())
    return allowed * reference / largest, f"月可支配资金 {disposable:,.0f} 元 × {rule.share:.0%} = 可承受月还款 {allowed:,.0f} 元"


def _monthly_salary(case: Case, sources: list[str]) -> float:
    """Average monthly side income when it comes from one of ``sources`` (e.g. 工资性项目)."""
    if case.household.other_income_source in sources:
        return float(case.records["other_income"].iloc[-12:].mean())
    if case.income_source in sources:
        return max(statements.income_statement(case).average_disposable_income, 0.0)
    return 0.0


def assess(product: Product | str, case: Case, months: int | None = None) -> Assessment:
    """Apply a product's eligibility and sizing rules to a case.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> fit = assess("receivables_pledge_loan", ml.casebook.load_case("C02"))
    >>> fit.eligible, round(fit.amount), fit.binding
    (True, 180000, '抵质押物价值 × 抵质押率')
    >>> assess("receivables_pledge_loan", ml.casebook.load_case("C01")).reasons
    ['提供应收账款：客户提供的担保/抵质押：保证人']
    """
    item = get(product) if isinstance(product, str) else product
    term = item.months if months is None else check_months(months)
    checks = [(describe_rule(rule), *_check(rule, case)) for rule in item.eligibility]
    limits = [(SIZING_LABELS[rule.kind], *_limit(rule, item, case, term)) for rule in item.sizing]
    check_frame = pd.DataFrame(checks, columns=["条件", "是否满足", "说明"]).astype({"是否满足": bool})
    limit_frame = pd.DataFrame(limits, columns=["规则", "额度（元）", "计算"])
    if limits:
        position = int(np.argmin([row[1] for row in limits]))
        amount, binding = float(max(limits[position][1], 0.0)), limits[position][0]
    else:
        amount, binding = float("nan"), ""
    eligible = bool(check_frame["是否满足"].all()) and not (amount == amount and amount <= 0)
    return Assessment(item, eligible, check_frame, limit_frame, amount, binding)


# --------------------------------------------------------------------------- seasonal repayment plan

def _projection(case: Case, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Revenue, closing cash and existing loan service for loan periods 1…months.

    Period k replays record month k; beyond the records the last twelve months repeat. Facilities that
    revolve in the record period (drawn and repaid) are assumed to go on revolving, but a debt paid off in
    the record period is not paid off a second time: the net paydown (bank loans at the start of the records
    less those at the end, such as C03's maturing 100,000 元) is taken out of the replayed repayments, latest
    first, and once no bank loan is left its interest stops too.
    """
    flow = statements.cash_flow(case).monthly
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


def _seasonal_plan(product: Product, principal: float, months: int, borrower: Case | None,
                   replace_existing: bool = False) -> tuple[list[int], list[float] | None]:
    """Repayment months and shares for a seasonal (按季节还本) product over ``months``.

    * With ``repayment_from_case`` and a borrower: principal is repaid in the borrower's sales months (months
      whose sales reach half of the best month). In each sales month before maturity the borrower repays
      as much as keeps the projected cash of every later month ≥ 0 (so the next production cycle stays
      funded; interest and fees are counted as if no principal had been repaid), rounded down to 100 元;
      the rest is repaid at maturity.
    * Else the product's ``repayment_months`` (repeated every 12 months), or everything at maturity.
    """
    if product.repayment_from_case and borrower is not None:
        revenue, closing, service = _projection(borrower, months)
        cash = closing + (np.cumsum(service) if replace_existing else 0.0)
        upper = borrower_cashflows(schedule(principal, product.rate, months, "interest_only"), **product.fees())
        costs = principal - upper["net"].iloc[0] - np.cumsum(upper["net"].to_numpy(dtype=float)[1:])
        costs[-1] -= principal  # the interest-only loan's own principal is not a cost
        headroom = cash - costs
        threshold = 0.5 * float(revenue.max()) if revenue.max() > 0 else math.inf
        plan: list[tuple[int, float]] = []
        remaining, repaid = principal, 0.0
        for k in range(1, months):
            if revenue[k - 1] >= threshold and remaining > 0:
                amount = min(math.floor(max(float(headroom[k - 1:].min()) - repaid, 0.0) / 100) * 100, remaining)
                if amount > 0:
                    plan.append((k, amount))
                    repaid += amount
                    remaining -= amount
        if remaining > 0:
            plan.append((months, remaining))
        return [k for k, _ in plan], [amount / principal for _, amount in plan]
    if product.repayment_months:
        base_shares = product.shares or [1.0] * len(product.repayment_months)
        pairs = sorted((m + 12 * year, share) for year in range(months // 12 + 1)
                       for m, share in zip(product.repayment_months, base_shares) if m + 12 * year <= months)
        if pairs:
            total = sum(share for _, share in pairs)
            return [m for m, _ in pairs], [share / total for _, share in pairs]
    return [months], None


# --------------------------------------------------------------------------- comparison

COMPARE_PERCENT_COLUMNS = ("名义年利率", "年化利率（IRR）", "年化利率（单利）", "实际年利率（EAR）", "首期还款/月可支配资金",
                           "银行分担比例", "银行净收益率（年化）")


def compare(products: Sequence[Product | str], principal: float, months: int | None = None,
            borrower: Case | None = None, pd: float | None = None, lgd: float | None = None, *,
            replace_existing_loans: bool = False) -> pd.DataFrame:
    """Compare products for one loan: the borrower's all-in cost and the bank's loss after risk sharing.

    Parameters
    ----------
    products : list of Product or str
        Products or catalogue ids.
    principal : float
        Loan amount in 元.
    months : int, optional
        Term for every product; default each product's own term.
    borrower : Case, optional
        Adds 准入 and 可贷额度, the first instalment ÷ 月可支配资金, and cash-flow feasibility (lump sums
        at maturity or in sales months are tested by the feasibility column, not by the ratio).
    pd, lgd : float, optional
        Probability of default over the loan and loss given default; default the 示例参数 of
        ``data/products/_bank.yaml``.
    replace_existing_loans : bool
        For feasibility: ``False`` (default) keeps the case's existing loan payments and adds the new
        schedule on top; ``True`` treats the new loan as replacing them (续贷).

    Returns
    -------
    pandas.DataFrame
        One row per product with Chinese columns. Rates are fractions (see ``COMPARE_PERCENT_COLUMNS``).
        Instalments include monthly fees. Feasibility: the projected month-end cash (the case's cash-flow
        statement replayed month by month) less the cumulative loan payments and fees (and amounts withheld
        at disbursement) never falls below 0; the loan itself is assumed spent on its purpose.
        Bank view: expected loss = principal × PD × LGD, the bank's part = × bank share; net income =
        interest + bank fees + funding saved on the deposit − funding cost − operating cost − bank's
        expected loss.
    """
    assumptions = bank_assumptions()
    default_pd = assumptions.default_pd if pd is None else require_number(pd, "违约概率 PD", minimum=0, maximum=1)
    loss_rate = assumptions.default_lgd if lgd is None else require_number(lgd, "违约损失率 LGD", minimum=0, maximum=1)
    amount = require_number(principal, "贷款本金", strictly_positive=True)
    items = [get(p) if isinstance(p, str) else p for p in products]
    if not items:
        raise InputError("请至少选择一个产品", field="产品")
    rows = [_compare_row(p, amount, months, borrower, default_pd, loss_rate, assumptions, replace_existing_loans)
            for p in items]
    return _table(rows)


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The comparison frame (built here because ``compare``'s ``pd`` argument hides pandas)."""
    return pd.DataFrame(rows)


def _compare_row(product: Product, principal: float, months: int | None, borrower: Case | None,
                 default_pd: float, lgd: float, bank: BankAssumptions, replace_existing: bool) -> dict[str, Any]:
    try:
        plan = product.schedule(principal, months, borrower, replace_existing)
        flows = borrower_cashflows(plan, **product.fees())
        cost = annualized_rate(flows)
    except InputError as exc:
        raise InputError(str(exc), field=f"产品“{product.name}”") from None
    term = len(plan)
    outflows = -flows["net"].to_numpy(dtype=float)[1:]
    row: dict[str, Any] = {
        "产品编号": product.id, "产品": product.name, "类别": product.category_name, "还款方式": METHODS[product.method],
        "期限（月）": term, "名义年利率": product.rate, "年化利率（IRR）": cost.irr_rate,
        "年化利率（单利）": cost.simple_rate, "实际年利率（EAR）": cost.ear, "总成本（元）": round(cost.total_cost, 2),
        "实际到手（元）": cost.net_received, "首期还款（元）": float(outflows[0]), "最高单期还款（元）": float(outflows.max()),
    }
    if borrower is not None:
        fit = assess(product, borrower, term)
        disposable = statements.income_statement(borrower).average_disposable_income
        _, closing, service = _projection(borrower, term)
        paid = (principal - cost.net_received) + np.cumsum(outflows)
        cash = closing - paid + (np.cumsum(service) if replace_existing else 0.0)
        row.update({
            "符合准入": "是" if fit.eligible else "否", "可贷额度（元）": fit.amount,
            "首期还款/月可支配资金": float(outflows[0]) / disposable if disposable > 0 else float("inf"),
            "最低现金（元）": float(cash.min()), "现金流可行": "是" if cash.min() >= 0 else "否",
        })
    expected_loss = principal * default_pd * lgd
    bank_loss = expected_loss * product.risk_sharing.bank
    years = term / 12
    average_balance = float((principal - plan["principal"].cumsum().shift(1, fill_value=0.0)).mean())
    fees_to_bank = float(-(flows["upfront_fee"] + flows["monthly_fee"]).sum())
    income = (float(plan["interest"].sum()) + fees_to_bank + principal * product.deposit * bank.funding_rate * years
              - average_balance * bank.funding_rate * years
              - (product.operating_cost if product.operating_cost is not None else bank.operating_cost_per_loan)
              - bank_loss)
    row.update({
        "银行分担比例": product.risk_sharing.bank, "预期损失（元）": expected_loss, "银行承担损失（元）": bank_loss,
        "其他方承担损失（元）": expected_loss - bank_loss, "银行净收益（元）": income,
        "银行净收益率（年化）": income / (average_balance * years), ILLUSTRATIVE: "是" if product.illustrative else "否",
    })
    return row


# --------------------------------------------------------------------------- Excel export

def to_excel(frames: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write tables to one Excel workbook (openpyxl), one sheet per entry; rate columns formatted as %.

    Sheet names are cut to Excel's 31 characters. Returns the path written.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> from microloan_sim.schedules import schedule, to_display
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "计划.xlsx"
    >>> _ = to_excel({"还款计划": to_display(schedule(100_000, 0.072, 12))}, target)
    >>> sheet = openpyxl.load_workbook(target)["还款计划"]
    >>> sheet["A1"].value, sheet["B2"].value
    ('期数', 8661.9)
    """
    if not frames:
        raise InputError("没有可导出的表格", field="导出内容")
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"文件名应以 .xlsx 结尾（收到“{target.name}”）", field="导出文件")
    target.parent.mkdir(parents=True, exist_ok=True)
    bad = set('[]:*?/\\')
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in frames.items():
            sheet_name = "".join("_" if ch in bad else ch for ch in str(name))[:31] or "Sheet"
            frame.to_excel(writer, sheet_name=sheet_name, index=False)
            sheet = writer.sheets[sheet_name]
            for column_number, column in enumerate(frame.columns, start=1):
                width = max(len(str(column)) * 2, 10)
                sheet.column_dimensions[sheet.cell(row=1, column=column_number).column_letter].width = min(width, 40)
                if any(word in str(column) for word in ("利率", "比例", "/", "收益率")):
                    for row in range(2, len(frame) + 2):
                        sheet.cell(row=row, column=column_number).number_format = "0.00%"
                elif pd.api.types.is_float_dtype(frame[column]):
                    for row in range(2, len(frame) + 2):
                        sheet.cell(row=row, column=column_number).number_format = "#,##0.00"
    return target


__all__ = [
    "Assessment", "BankAssumptions", "CATEGORIES", "COMPARE_PERCENT_COLUMNS", "EligibilityRule", "Product",
    "RISK_PARTIES", "RiskPool", "RiskSharing", "SizingRule", "assess", "bank_assumptions", "catalogue_table",
    "compare", "describe_rule", "get", "load_catalogue", "product_terms", "to_excel",
]
