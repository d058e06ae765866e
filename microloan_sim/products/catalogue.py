"""The product catalogue: the product model, its rules, loading ``data/products/*.yaml`` and describing it."""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .. import statements
from .._data import data_path, load_yaml, validate_model
from ..errors import InputError, require_number
from ..labels import ILLUSTRATIVE, SEGMENTS, STARTUP_TARGET_GROUPS, TAX_CREDIT_LEVELS, label
from ..pricing import borrower_cashflows
from ..schedules import METHODS, check_months, normalize_method, schedule
from .projection import _seasonal_plan

if TYPE_CHECKING:
    from ..casebook import Case

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
                          "max_inquiries", "min_annual_revenue", "target_group", "tax_credit"]
SizingKind = Literal["max_amount", "annual_flow", "collateral_ltv", "household_asset_ltv", "balance_sheet_ltv",
                     "salary_multiple", "annual_disposable_multiple", "repayment_capacity"]

#: Parameters each rule kind needs.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "segment": ("segments",), "credit_clean": ("maximum",), "min_years_in_business": ("minimum",),
    "has_collateral": ("types",), "has_household_asset": ("categories",), "income_source": ("sources",),
    "industry": ("keywords",), "soft_information": ("attribute", "allowed"), "age": ("minimum", "maximum"),
    "max_inquiries": ("maximum",), "min_annual_revenue": ("minimum",), "target_group": ("allowed",),
    "tax_credit": ("allowed",),
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
        vocabulary = {"target_group": STARTUP_TARGET_GROUPS, "tax_credit": TAX_CREDIT_LEVELS}.get(kind)
        if vocabulary is not None and set(self.allowed or []) - set(vocabulary):
            unknown = "、".join(sorted(set(self.allowed or []) - set(vocabulary)))
            raise ValueError(f"规则 {kind} 的 allowed 有未知取值：{unknown}（可选：{'、'.join(vocabulary)}）")
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


class InsuredPeril(_Strict):
    """Property insurance on the herd or the crop (养殖保险 / 种植保险): it pays on the insured event (animal
    deaths, yield loss), not on default, so it shares no credit loss. It is modelled as a recovery on the
    defaults that the event causes, paid to the bank as the policy's 第一受益人 (示例参数).

    ``share_of_defaults``: the share of defaults that the insured event causes; ``indemnity``: the share of
    the loss on such a default that the indemnity recovers.

    Examples
    --------
    >>> peril = InsuredPeril(event="疫病死亡", share_of_defaults=0.4, indemnity=0.8)
    >>> round(peril.recovery_share, 2)   # 0.4 × 0.8 of the expected credit loss
    0.32
    """

    event: str = Field(min_length=1)
    share_of_defaults: float = Field(ge=0, le=1)
    indemnity: float = Field(ge=0, le=1)

    @property
    def recovery_share(self) -> float:
        return self.share_of_defaults * self.indemnity


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
    insured_peril: InsuredPeril | None = None
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
    def _property_insurance_shares_no_credit_loss(self) -> Product:
        if self.insured_peril is not None and self.risk_sharing.insurer > 0:
            raise ValueError(f"产品 {self.id}：养殖/种植保险只赔{self.insured_peril.event}，不赔违约，"
                             "保险公司不能分担信用损失（risk_sharing 的 insurer 应为 0）；只有保证保险分担信用损失")
        return self

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
    cost_warning_rate: float = Field(0.24, gt=0, le=1)
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
                ("养殖/种植保险费（年）" if product.insured_peril else "保证保险费（年）", product.insurance_premium,
                 pct(product.insurance_premium)),
                ("保证金", product.deposit, pct(product.deposit)),
                ("贴息（年利率百分点）", product.interest_subsidy, pct(product.interest_subsidy))]
    rows += [(name, text) for name, value, text in optional if value]
    rows.append(("风险分担", "，".join(f"{RISK_PARTIES[k]} {getattr(product.risk_sharing, k):.0%}"
                                      for k in RISK_PARTIES if getattr(product.risk_sharing, k))))
    if product.insured_peril is not None:
        peril = product.insured_peril
        rows.append(("承保事故", f"{peril.event}：约 {peril.share_of_defaults:.0%} 的违约由此引起，赔付其损失的 "
                                 f"{peril.indemnity:.0%}（赔的是事故，不是违约）"))
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
        "credit_clean": lambda: (f"近 24 个月逾期不超过 {rule.maximum:g} 次且当前无逾期" if rule.maximum
                                 else "近 24 个月无逾期且当前无逾期"),
        "target_group": lambda: "属于扶持对象：" + join(rule.allowed or []),
        "tax_credit": lambda: "纳税信用级别为 " + join(rule.allowed or []) + " 级",
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
