"""Loading and checking a case's ``investigation.yaml`` and ``answer_key.yaml`` (cached per file version)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .._data import file_stamp as _stamp
from .._data import load_model, validate_model
from ..casebook import Case
from ..errors import InputError
from ..labels import CROSSCHECK_METHODS
from .schema import _PARAMETER_MODELS, _SIZE_BOUNDS, ANSWER_KEY_FILE, INVESTIGATION_FILE, AnswerKey, Flaw, Investigation


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
        if any(not 1 <= m <= 12 for m in sup.months):
            fail(f"suppliers.{i}.months", "供货月份应在 1–12 之间")
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
        method (an id of :data:`microloan_sim.labels.CROSSCHECK_METHODS`, the methods of
        :data:`microloan_sim.crosscheck.METHODS`); the message names the file and the field.
    """
    path = case.folder / ANSWER_KEY_FILE
    return _load_answer_key(path, _stamp(path))


@lru_cache(maxsize=32)
def _load_answer_key(path: Path, stamp: int) -> tuple[Flaw, ...]:
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
        unknown = [m for m in flaw.detected_by if m not in CROSSCHECK_METHODS]
        if unknown:
            raise InputError("未知的检验方法：" + "、".join(unknown), field=f"flaws.{i}.detected_by", file=where)
    kinds = [f.kind for f in key.flaws]
    if "inflated_sales" in kinds and "hidden_income" in kinds:
        raise InputError("不能同时埋设“虚报销售额”和“隐瞒收入”", field="flaws", file=where)
    return tuple(key.flaws)
