"""Products side by side: the borrower's all-in cost and feasibility, the bank's loss after risk sharing."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import statements
from ..casebook import Case
from ..errors import InputError, require_number
from ..labels import ILLUSTRATIVE
from ..pricing import annualized_rate, borrower_cashflows
from ..schedules import METHODS
from .catalogue import BankAssumptions, Product, bank_assumptions, get
from .eligibility import assess
from .projection import _projection

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
    rows = [_remembered_row(p, amount, months, borrower, default_pd, loss_rate, assumptions, replace_existing_loans)
            for p in items]
    return _table(rows)


#: Rows already worked out in this process, by everything they depend on; oldest dropped first.
_ROWS: dict[tuple[Any, ...], dict[str, Any]] = {}
ROWS_KEPT = 512


def _remembered_row(product: Product, principal: float, months: int | None, borrower: Case | None,
                    default_pd: float, lgd: float, bank: BankAssumptions, replace_existing: bool) -> dict[str, Any]:
    """:func:`_compare_row`, worked out once per process for the same inputs (every page of a class shows the
    same comparisons). A product and the bank's assumptions are keyed by their contents (an edited fee is
    another row), a case by the object (a case is loaded once per process; a learner's variant is another)."""
    key = (product.model_dump_json(), principal, months, borrower, default_pd, lgd, bank.model_dump_json(),
           replace_existing)
    row = _ROWS.get(key)
    if row is None:
        row = _compare_row(product, principal, months, borrower, default_pd, lgd, bank, replace_existing)
        if len(_ROWS) >= ROWS_KEPT:
            _ROWS.pop(next(iter(_ROWS)))
        _ROWS[key] = row
    return dict(row)


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The comparison frame (built here because ``compare``'s ``pd`` argument hides pandas)."""
    return pd.DataFrame(rows)


def _compare_row(product: Product, principal: float, months: int | None, borrower: Case | None,
                 default_pd: float, lgd: float, bank: BankAssumptions, replace_existing: bool) -> dict[str, Any]:
    try:
        plan = product.schedule(principal, months, borrower, replace_existing)
        flows = borrower_cashflows(plan, **product.fees())
        cost = annualized_rate(flows)
        assert cost.simple_rate is not None  # the flows table carries the contract balance
    except InputError as exc:
        raise InputError(str(exc), field=f"产品“{product.name}”") from None
    term = len(plan)
    outflows = -flows["net"].to_numpy(dtype=float)[1:]
    row: dict[str, Any] = {
        "产品编号": product.id, "产品": product.name, "类别": product.category_name, "还款方式": METHODS[product.method],
        "期限（月）": term, "名义年利率": product.rate, "年化利率（IRR）": cost.irr_rate,
        "年化利率（单利）": cost.simple_rate, "实际年利率（EAR）": cost.ear, "总成本（元）": round(cost.total_cost, 2),
        "成本警示": (f"年化综合成本超过 {bank.cost_warning_rate:.0%}（{ILLUSTRATIVE}警示线）"
                     if max(cost.irr_rate, cost.simple_rate) > bank.cost_warning_rate else "无"),
        "实际到手（元）": cost.net_received, "首期还款（元）": float(outflows[0]), "最高单期还款（元）": float(outflows.max()),
    }
    if borrower is not None:
        fit = assess(product, borrower, term)
        disposable = statements.average_disposable_income(borrower)
        _, closing, service = _projection(borrower, term)
        paid = (principal - cost.net_received) + np.cumsum(outflows)
        cash = closing - paid + (np.cumsum(service) if replace_existing else 0.0)
        row.update({
            "符合准入": "是" if fit.eligible else "否", "可贷额度（元）": fit.amount,
            "首期还款/月可支配资金": float(outflows[0]) / disposable if disposable > 0 else float("inf"),
            "最低现金（元）": float(cash.min()), "现金流可行": "是" if cash.min() >= 0 else "否",
        })
    expected_loss = principal * default_pd * lgd
    insured = expected_loss * (product.insured_peril.recovery_share if product.insured_peril else 0.0)
    bank_loss = (expected_loss - insured) * product.risk_sharing.bank
    years = term / 12
    average_balance = float((principal - plan["principal"].cumsum().shift(1, fill_value=0.0)).mean())
    fees_to_bank = float(-(flows["upfront_fee"] + flows["monthly_fee"]).sum())
    income = (float(plan["interest"].sum()) + fees_to_bank + principal * product.deposit * bank.funding_rate * years
              - average_balance * bank.funding_rate * years
              - (product.operating_cost if product.operating_cost is not None else bank.operating_cost_per_loan)
              - bank_loss)
    row.update({
        "银行分担比例": product.risk_sharing.bank, "预期损失（元）": expected_loss, "保险赔付（元）": insured,
        "银行承担损失（元）": bank_loss,
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
