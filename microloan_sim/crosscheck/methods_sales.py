"""Groups 2–4 of domain §2.4: sales implied by purchases and margins (进货与毛利), by bank flows (银行流水) and by
utilities or physical inputs (水电与物耗)."""
from __future__ import annotations

from typing import Any

from ..errors import InputError, require_number
from ._common import _SALES_HIGHER, _SALES_LOWER, _pick, _result, _rows
from .results import CheckResult, format_value


# --------------------------------------------------------------------------- group 2: purchases and margin

def weighted_gross_margin(products: Any) -> float:
    """加权毛利率 (domain §2.3 #9): ``Σ 占比 × (1 − 进价 / 售价)``.

    Parameters
    ----------
    products : iterable or DataFrame
        One row per product: ``(share, purchase_price, sale_price)`` tuples, or mappings / DataFrame columns
        ``share``, ``purchase_price``, ``sale_price`` (Chinese keys 占比、进价、售价 also accepted). Shares are
        fractions of sales and must add up to 100% (±1%).

    Returns
    -------
    float
        The weighted gross margin as a fraction.

    Examples
    --------
    >>> round(weighted_gross_margin([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)]), 6)
    0.255
    >>> weighted_gross_margin([{"占比": 0.6, "进价": 8, "售价": 10}])
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 商品销售占比合计：应为 100%（当前为 60.0%）
    """
    shares, margins = _margin_rows(products)
    total = sum(shares)
    if abs(total - 1.0) > 0.01:
        raise InputError(f"应为 100%（当前为 {total:.1%}）", field="商品销售占比合计")
    return float(sum(s * m for s, m in zip(shares, margins)))


def _margin_rows(products: Any) -> tuple[list[float], list[float]]:
    shares: list[float] = []
    margins: list[float] = []
    for i, row in enumerate(_rows(products, "商品毛利明细"), start=1):
        where = f"第 {i} 种商品"
        share = require_number(_pick(row, ("share", "占比"), 0, where), f"{where}的销售占比", minimum=0, maximum=1)
        cost = require_number(_pick(row, ("purchase_price", "进价"), 1, where), f"{where}的进价", minimum=0)
        price = require_number(_pick(row, ("sale_price", "售价"), 2, where), f"{where}的售价", strictly_positive=True)
        shares.append(share)
        margins.append(1.0 - cost / price)
    return shares, margins


def weighted_margin_check(products: Any, reported_margin: float) -> CheckResult:
    """Weighted gross margin from a price survey of the main products vs the margin the borrower reports.

    Parameters
    ----------
    products : iterable or DataFrame
        As for :func:`weighted_gross_margin`.
    reported_margin : float
        Gross margin from the borrower's statement or the reconstructed P&L, as a fraction (> 0).

    Returns
    -------
    CheckResult
        ``expected`` is the weighted margin, ``unit`` is ``"比率"``.

    Examples
    --------
    >>> r = weighted_margin_check([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)], 0.30)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.15, '需解释')
    """
    margin = weighted_gross_margin(products)
    reported = require_number(reported_margin, "申报毛利率", strictly_positive=True, maximum=1)
    return _result(
        "weighted_margin", margin, reported, unit="比率",
        basis="依据现场调查的主要商品进价、售价和销售占比计算加权毛利率", what="加权毛利率",
        reported_label="申报毛利率",
        higher="按进销价测算的毛利率高于申报：可能少报了利润，或主要商品的销售占比估计有误。",
        lower="按进销价测算的毛利率低于申报：申报的毛利率可能被夸大（利润虚高），或漏了高毛利商品。",
        evidence=("商品进价单", "商品售价（价签/收银记录）", "销售结构（各类商品占比）"),
    )


def sales_from_purchases(purchases: float, opening_inventory: float, closing_inventory: float,
                         gross_margin: float, reported_sales: float) -> CheckResult:
    """进货核定法 (domain §2.3 #7): ``销售收入 = (期间进货 + 期初存货 − 期末存货) ÷ (1 − 毛利率)``.

    Parameters
    ----------
    purchases : float
        Purchases in the period (≥ 0), from purchase invoices or supplier statements.
    opening_inventory, closing_inventory : float
        Inventory at cost at the start and end of the period (≥ 0).
    gross_margin : float
        Gross margin as a fraction in [0, 1); e.g. from :func:`weighted_gross_margin`.
    reported_sales : float
        Sales the borrower reports for the same period (> 0).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = sales_from_purchases(60_000, 30_000, 36_000, 0.255, 72_000)
    >>> round(r.expected, 2), r.details["销货成本"], r.verdict.value
    (72483.22, 54000.0, '一致')
    """
    bought = require_number(purchases, "期间进货", minimum=0)
    opening = require_number(opening_inventory, "期初存货", minimum=0)
    closing = require_number(closing_inventory, "期末存货", minimum=0)
    margin = require_number(gross_margin, "毛利率", minimum=0)
    if margin >= 1:
        raise InputError(f"应小于 100%（当前为 {margin:.1%}）", field="毛利率")
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    cogs = bought + opening - closing
    if cogs <= 0:
        raise InputError(f"期间进货 + 期初存货 − 期末存货 应大于 0（当前为 {cogs:,.0f} 元），请核对存货数字",
                         field="销货成本")
    expected = cogs / (1 - margin)
    return _result(
        "sales_from_purchases", expected, reported,
        basis=(f"依据进货 {bought:,.0f} 元、期初存货 {opening:,.0f} 元、期末存货 {closing:,.0f} 元得销货成本 "
               f"{cogs:,.0f} 元，按毛利率 {margin:.1%} 倒推销售额"), what="推算销售额",
        higher=_SALES_HIGHER, lower=_SALES_LOWER,
        evidence=("进货单据（发票/供应商对账单）", "存货盘点（期初、期末）", "毛利率（加权毛利率测算）"),
        details={"销货成本": cogs, "毛利率": margin},
    )


def sales_from_product_share(product_sales: float, product_share: float, reported_sales: float,
                             product: str = "该类商品") -> CheckResult:
    """分类核定法 (domain §2.3 #4): ``销售额 = 某类商品销售额 ÷ 该类商品的销售占比``.

    Examples
    --------
    >>> r = sales_from_product_share(30_000, 0.30, 95_000, product="香烟")
    >>> r.expected, r.verdict.value
    (100000.0, '一致')
    """
    part = require_number(product_sales, f"{product}销售额", minimum=0)
    share = require_number(product_share, f"{product}销售占比", strictly_positive=True, maximum=1)
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        "sales_from_product_share", part / share, reported,
        basis=f"依据{product}销售额 {part:,.0f} 元（占全部销售的 {share:.0%}）推算总销售额", what="推算销售额",
        higher=_SALES_HIGHER, lower=_SALES_LOWER,
        evidence=(f"{product}的进货或销售记录（如专卖许可、厂家返利单）", "销售结构（占比）"),
        details={"分类销售额": part, "销售占比": share},
    )


# --------------------------------------------------------------------------- group 3: bank flows

def sales_from_bank_flows(account_inflow: float, account_share: float, reported_sales: float,
                          non_sales_inflow: float = 0.0) -> CheckResult:
    """流水核定法 (domain §2.3 #2): ``销售额 = (流水入账 − 非销售入账) ÷ 经账户收款的销售占比``.

    Parameters
    ----------
    account_inflow : float
        Inflows through the account(s) in the period (≥ 0), e.g. from :mod:`microloan_sim.offsite`.
    account_share : float
        Share of sales paid through these accounts, in (0, 1].
    reported_sales : float
        Sales reported for the same period (> 0).
    non_sales_inflow : float, optional
        Inflows that are not sales (loans, transfers from family, pass-through) to deduct first.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = sales_from_bank_flows(72_000, 0.80, 100_000)
    >>> r.expected, r.deviation, r.verdict.value
    (90000.0, -0.1, '一致')
    """
    inflow = require_number(account_inflow, "流水入账金额", minimum=0)
    share = require_number(account_share, "经账户收款的销售占比", strictly_positive=True, maximum=1)
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    other = require_number(non_sales_inflow, "非销售入账（贷款、亲友转入、过账）", minimum=0)
    if other > inflow:
        raise InputError(f"不能大于流水入账金额 {inflow:,.0f} 元（当前为 {other:,.0f} 元）",
                         field="非销售入账（贷款、亲友转入、过账）")
    sales_inflow = inflow - other
    return _result(
        "sales_from_bank_flows", sales_inflow / share, reported,
        basis=(f"依据银行流水入账 {inflow:,.0f} 元"
               + (f"（扣除非销售入账 {other:,.0f} 元后为 {sales_inflow:,.0f} 元）" if other else "")
               + f"，按 {share:.0%} 的销售经账户收款推算销售额"), what="推算销售额",
        higher=_SALES_HIGHER + "也要排除流水中未识别的借款、过账资金。",
        lower=_SALES_LOWER + "也可能现金收款比例高于所说。",
        evidence=("银行流水（含微信、支付宝结算）", "收款方式占比（借款人口述、收银记录）"),
        details={"销售入账": sales_inflow, "经账户收款占比": share},
    )


# --------------------------------------------------------------------------- group 4: utilities, physical inputs

def sales_from_utilities(consumption: float, consumption_per_unit: float, unit_price: float,
                         reported_sales: float, *, base_consumption: float = 0.0, input_name: str = "用电量",
                         unit: str = "千瓦时", output_unit: str = "件") -> CheckResult:
    """水电/物耗核定法 (domain §2.3 #11): ``产量 = (耗用量 − 基础耗用) ÷ 单位产品耗用``; ``销售额 = 产量 × 单价``.

    Works for electricity, water, packaging (cartons) or raw material used per unit of output.

    Parameters
    ----------
    consumption : float
        Amount used in the period (≥ 0), e.g. kWh from the power bills.
    consumption_per_unit : float
        Amount used per unit of output (> 0).
    unit_price : float
        Sale price per unit of output (> 0).
    reported_sales : float
        Sales reported for the same period (> 0).
    base_consumption : float, optional
        Use not tied to output (lighting, offices), deducted first.
    input_name, unit : str, optional
        Chinese name and unit of the input, for the explanation.
    output_unit : str, optional
        Unit of output (件, 只, 千只); ``"元"`` reads the method per 元 of sales, ``"万元"`` per 万元, with
        ``unit_price`` 1 or 10,000.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = sales_from_utilities(2_000, 0.15, 8, 100_000)
    >>> round(r.expected, 2), round(r.details["推算产量"], 2), r.verdict.value
    (106666.67, 13333.33, '一致')
    """
    used = require_number(consumption, input_name, minimum=0)
    per_unit = require_number(consumption_per_unit, f"单位产品{input_name}", strictly_positive=True)
    price = require_number(unit_price, "产品单价", strictly_positive=True)
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    base = require_number(base_consumption, f"基础{input_name}（与产量无关）", minimum=0)
    if base > used:
        raise InputError(f"不能大于{input_name} {used:,.0f} {unit}", field=f"基础{input_name}（与产量无关）")
    output = (used - base) / per_unit
    return _result(
        "sales_from_utilities", output * price, reported,
        basis=(f"依据{input_name} {format_value(used, unit)}"
               + (f"（扣除与产量无关的基础耗用 {format_value(base, unit)}）" if base else "")
               + (f"，每件产品耗用 {per_unit:g} {unit}，推算产量 {output:,.0f} 件，按单价 {price:,.2f} 元推算销售额"
                  if output_unit == "件" else
                  f"，每{output_unit}销售额耗用 {per_unit:g} {unit}，推算销售额 {output:,.1f} {output_unit}"
                  if output_unit in ("元", "万元") else
                  f"，每{output_unit}产品耗用 {per_unit:g} {unit}，推算产量 {output:,.1f} {output_unit}，按每{output_unit} "
                  f"{price:,.2f} 元推算销售额")),
        what="推算销售额",
        higher=_SALES_HIGHER + "也可能单位耗用估计偏低，或有与生产无关的用量（如出租、生活用电）。",
        lower=_SALES_LOWER + "也可能单位耗用估计偏高，或部分生产外包。",
        evidence=(f"{input_name}缴费单据", "单位产品耗用（现场观察/行业经验）", "产品单价"),
        details={"推算产量": output},
    )


def quantity_check(input_quantity: float, output_quantity: float, yield_rate: float = 1.0, *,
                   unit: str = "吨", input_name: str = "进料", output_name: str = "出货") -> CheckResult:
    """数量检验 (domain §2.3, other checks): output implied by inputs (``进料 × 成品率``) vs reported output.

    Examples
    --------
    The qiqiwenku example: 970 t purchased vs 933 t shipped, "基本一致".

    >>> r = quantity_check(970, 933)
    >>> round(r.deviation, 4), r.verdict.value
    (0.0397, '一致')
    """
    used = require_number(input_quantity, f"{input_name}数量", minimum=0)
    made = require_number(output_quantity, f"{output_name}数量", strictly_positive=True)
    rate = require_number(yield_rate, "成品率", strictly_positive=True, maximum=1)
    return _result(
        "quantity_check", used * rate, made, unit=unit,
        basis=f"依据{input_name} {format_value(used, unit)}、成品率 {rate:.0%} 推算{output_name}数量",
        what=f"推算{output_name}", reported_label=f"申报{output_name}",
        higher=f"按{input_name}推算的{output_name}多于申报：可能少报了销售，或有积压、损耗、转卖原料。",
        lower=f"申报的{output_name}多于{input_name}所能生产：申报可能被夸大，或有未说明的进料来源。",
        evidence=(f"{input_name}单据（进货/过磅单）", f"{output_name}单据（出库/发货单）"),
    )
