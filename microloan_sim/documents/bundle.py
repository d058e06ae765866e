"""The documents of one case: the borrower's :class:`Claims`, the investigation :class:`Facts` for the variant,
the :class:`CaseDocuments` bundle and the document files (:data:`DOCUMENT_FILES`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


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
