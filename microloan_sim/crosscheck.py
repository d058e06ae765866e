r"""交叉验证 (cross-verification), domain §2. Each method is a function on explicit numbers returning a
:class:`CheckResult`; :func:`run_all` applies every method that fits a case.

Every method compares a value *implied* by one piece of evidence (``expected``) with the value the borrower
*reported* (``reported``). Unless a method defines its own measure, the deviation is relative:

.. math::

    \text{deviation} = \frac{\text{expected} - \text{reported}}{\text{reported}}

so a positive deviation means the evidence implies more than was reported. The verdict compares
``|deviation|`` with two tolerances per method from ``data/crosscheck.yaml`` (示例参数, editable by the
instructor): within ``explain`` → 一致, beyond ``contradiction`` → 矛盾, in between → 需解释.

The methods follow the seven groups of domain §2.4 (:data:`GROUPS`); :data:`METHODS` lists them with their
Chinese names, and :func:`method` finds one by English id or Chinese alias.

Examples
--------
The worked example of domain §2.2 (variant A):

>>> r = equity_check(60_000, 486_180, 0, 12_000, 0, 160_500, 519_000, 24, 20_258)
>>> round(r.expected), round(r.deviation * 100, 2), r.verdict.value
(373680, -29.89, '矛盾')

Sales implied by purchases and the weighted gross margin (§2.3 #7, #9):

>>> margin = weighted_gross_margin([(0.5, 8, 10), (0.3, 15, 20), (0.2, 3, 5)])
>>> round(margin, 4)
0.255
>>> r = sales_from_purchases(60_000, 30_000, 36_000, margin, reported_sales=70_000)
>>> round(r.expected), r.verdict.value
(72483, '一致')
>>> method("流水核定法").id
'sales_from_bank_flows'
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._data import data_path, load_yaml_mapping
from .errors import InputError, require_number

if TYPE_CHECKING:
    from .casebook import Case

CONFIG_FILE = "crosscheck.yaml"


class Verdict(str, Enum):
    """Outcome of a check."""

    CONSISTENT = "一致"
    EXPLAIN = "需解释"
    CONTRADICTION = "矛盾"


@dataclass(frozen=True)
class CheckResult:
    """One cross-check: implied vs reported value, deviation, tolerance and verdict, with a Chinese explanation.

    Attributes
    ----------
    method : str
        Method id (a key of :data:`METHODS`).
    name : str
        Chinese name of the method.
    expected : float
        Value implied by the evidence (应有 / 推算值), in ``unit``.
    reported : float
        Value the borrower reported (申报值 / 实际值), in ``unit``.
    deviation : float
        Signed deviation as a fraction (see the module docstring; some methods define their own).
    tolerance : float
        The ``explain`` tolerance of the method (示例参数).
    verdict : Verdict
        一致 / 需解释 / 矛盾.
    explanation : str
        Chinese explanation naming the evidence used and what the sign of the deviation points to.
    evidence : tuple of str
        Documents the check relies on (Chinese).
    unit : str
        ``"元"``, ``"比率"`` (a fraction shown as %), ``"天"`` or a physical unit such as ``"吨"``.
    details : mapping
        Intermediate figures (Chinese keys), e.g. the cost of goods sold behind a purchases-based check.
    """

    method: str
    name: str
    expected: float
    reported: float
    deviation: float
    tolerance: float
    verdict: Verdict
    explanation: str
    evidence: tuple[str, ...] = field(default=())
    unit: str = "元"
    details: Mapping[str, float] = field(default_factory=dict, hash=False)


# --------------------------------------------------------------------------- parameters (示例参数)

def _config_path(path: Path | str | None) -> Path:
    return Path(path) if path is not None else data_path(CONFIG_FILE)


def _stamp(path: Path) -> int:
    return path.stat().st_mtime_ns if path.is_file() else -1


def load_config(path: Path | str | None = None) -> dict[str, Any]:
    """The raw parameter file ``data/crosscheck.yaml`` (or ``path``), re-read when the file changes.

    Examples
    --------
    >>> sorted(load_config())[:3]
    ['industry_norms', 'living_cost', 'loan_purpose']
    """
    p = _config_path(path)
    return _load_config(p, _stamp(p))


@lru_cache(maxsize=8)
def _load_config(path: Path, stamp: int) -> dict[str, Any]:
    return load_yaml_mapping(path)


def _section(raw: Mapping[str, Any], key: str, file: str) -> Mapping[str, Any]:
    section = raw.get(key)
    if not isinstance(section, Mapping) or not section:
        raise InputError("缺少此部分，或内容不是键值表", field=key, file=file)
    return section


def tolerances(path: Path | str | None = None) -> dict[str, dict[str, float]]:
    """Tolerances per method (示例参数) from ``data/crosscheck.yaml``: ``explain`` and ``contradiction`` bounds.

    Examples
    --------
    >>> tolerances()["equity"]
    {'explain': 0.1, 'contradiction': 0.2}
    """
    p = _config_path(path)
    cached = _load_tolerances(p, _stamp(p))
    return {method: dict(bounds) for method, bounds in cached.items()}


@lru_cache(maxsize=8)
def _load_tolerances(path: Path, stamp: int) -> dict[str, dict[str, float]]:
    raw = _load_config(path, stamp)
    file = path.name
    result: dict[str, dict[str, float]] = {}
    for method, bounds in _section(raw, "tolerances", file).items():
        if not isinstance(bounds, Mapping):
            raise InputError("应为键值表（explain、contradiction）", field=f"tolerances.{method}", file=file)
        explain = require_number(bounds.get("explain"), f"tolerances.{method}.explain", minimum=0, file=file)
        contra = require_number(bounds.get("contradiction"), f"tolerances.{method}.contradiction", minimum=0,
                                file=file)
        if contra < explain:
            raise InputError("“矛盾”阈值不能小于“需解释”阈值", field=f"tolerances.{method}", file=file)
        result[str(method)] = {"explain": explain, "contradiction": contra}
    return result


def _bounds(key: str) -> dict[str, float]:
    table = tolerances()
    if key not in table:
        raise InputError(f"参数文件中没有方法“{key}”的容差", field="tolerances", file=CONFIG_FILE)
    return table[key]


def verdict_for(deviation: float, method: str) -> tuple[Verdict, float]:
    """Verdict for an absolute relative deviation under the method's tolerance (示例参数).

    ``method`` is a tolerance key of ``data/crosscheck.yaml`` or a method id / alias of :data:`METHODS`.
    Returns the verdict and the ``explain`` tolerance.

    Examples
    --------
    >>> verdict_for(-0.05, "equity")
    (<Verdict.CONSISTENT: '一致'>, 0.1)
    >>> verdict_for(0.15, "equity")[0].value, verdict_for(0.25, "equity")[0].value
    ('需解释', '矛盾')
    """
    bounds = _bounds(method if method in tolerances() else _tolerance_key(method))
    size = abs(deviation)
    if size <= bounds["explain"]:
        return Verdict.CONSISTENT, bounds["explain"]
    if size <= bounds["contradiction"]:
        return Verdict.EXPLAIN, bounds["explain"]
    return Verdict.CONTRADICTION, bounds["explain"]


def _tolerance_key(name: str) -> str:
    return method(name).tolerance_key


def industry_norms(industry: str, path: Path | str | None = None) -> dict[str, float]:
    """Industry norms (示例参数): ``gross_margin``, ``expense_ratio``, ``inventory_days``, ``receivable_days``.

    ``industry`` is looked up as written (e.g. ``"零售（便利店）"``), then by the part before a bracket
    (``"零售"``).

    Examples
    --------
    >>> industry_norms("零售（便利店）")["inventory_days"]
    35.0
    >>> industry_norms("零售（水果店）")["gross_margin"]  # falls back to 零售
    0.2
    """
    p = _config_path(path)
    raw = _load_config(p, _stamp(p))
    table = _section(raw, "industry_norms", p.name)
    text = str(industry).strip()
    key = text if text in table else text.replace("(", "（").split("（", 1)[0].strip()
    if key not in table:
        raise InputError(f"没有“{text}”的行业参考值（现有：{'、'.join(map(str, table))}），请直接填写参考值",
                         field="行业")
    entry = table[key]
    if not isinstance(entry, Mapping):
        raise InputError("应为键值表", field=f"industry_norms.{key}", file=p.name)
    return {str(k): require_number(v, f"industry_norms.{key}.{k}", minimum=0, file=p.name) for k, v in entry.items()}


def _parameter(section: str, key: str, field_name: str) -> float:
    p = _config_path(None)
    table = _section(_load_config(p, _stamp(p)), section, p.name)
    if key not in table:
        raise InputError(f"没有“{key}”的参考值（现有：{'、'.join(map(str, table))}）", field=field_name)
    return require_number(table[key], f"{section}.{key}", minimum=0, file=p.name)


def _norm(value: float | None, industry: str | None, key: str, field_name: str) -> float:
    if value is not None:
        return require_number(value, field_name, strictly_positive=True)
    if industry is None:
        raise InputError("请填写行业参考值，或给出行业名称以使用示例参数", field=field_name)
    norms = industry_norms(industry)
    if key not in norms:
        raise InputError(f"行业“{industry}”没有此项参考值", field=field_name)
    return require_number(norms[key], field_name, strictly_positive=True)


# --------------------------------------------------------------------------- shared helpers

def format_value(value: float, unit: str) -> str:
    """Chinese display of a figure in its unit.

    Examples
    --------
    >>> format_value(1339735.3, "元"), format_value(0.25, "比率"), format_value(68.31, "天"), format_value(933, "吨")
    ('1,339,735 元', '25.0%', '68.3 天', '933 吨')
    """
    if unit == "元":
        return f"{value:,.0f} 元"
    if unit == "比率":
        return f"{value:.1%}"
    if unit == "天":
        return f"{value:,.1f} 天"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + f" {unit}"


def deviation_text(deviation: float) -> str:
    """A signed deviation in %, one decimal; a deviation that rounds to zero is "0.0%" (never "-0.0%").

    Examples
    --------
    >>> deviation_text(-0.3654), deviation_text(0.0728), deviation_text(-0.00001)
    ('-36.5%', '+7.3%', '0.0%')
    """
    return "0.0%" if abs(deviation) < 0.0005 else f"{deviation:+.1%}"


def _relative(expected: float, reported: float) -> float:
    return (expected - reported) / reported


def _result(method_id: str, expected: float, reported: float, *, basis: str, higher: str, lower: str,
            evidence: Sequence[str], unit: str = "元", deviation: float | None = None,
            details: Mapping[str, float] | None = None, what: str = "推算值", reported_label: str = "申报值",
            tolerance_text: str | None = None) -> CheckResult:
    """Build a :class:`CheckResult`: verdict from the YAML tolerance and an explanation whose reading
    depends on the sign (``higher``: the evidence implies more than reported; ``lower``: less)."""
    info = METHODS[method_id]
    dev = _relative(expected, reported) if deviation is None else deviation
    verdict, tolerance = verdict_for(dev, info.tolerance_key)
    contra = _bounds(info.tolerance_key)["contradiction"]
    if verdict is Verdict.CONSISTENT:
        meaning = "在容差以内，基本一致。"
    else:
        reading = higher if dev > 0 else lower
        action = ("请借款人解释并补充证据。" if verdict is Verdict.EXPLAIN
                  else "差异超过“矛盾”阈值，需要查明原因，必要时重新核实相关数字。")
        meaning = f"{reading}{action}"
    if tolerance_text is None:
        tolerance_text = f"±{tolerance:.0%} 以内为一致，超过 ±{contra:.0%} 为矛盾"
    explanation = (f"{basis}。{what} {format_value(expected, unit)}，{reported_label} {format_value(reported, unit)}，"
                   f"偏差 {deviation_text(dev)}（示例参数：{tolerance_text}）。{meaning}")
    return CheckResult(method_id, info.name, float(expected), float(reported), float(dev), tolerance, verdict,
                       explanation, tuple(evidence), unit, dict(details or {}))


_SALES_HIGHER = "推算销售额高于申报：借款人可能少报了销售额（如为避税），也可能本项证据估计偏高。"
_SALES_LOWER = "推算销售额低于申报：申报的销售额可能被夸大，或有部分销售未反映在本项证据中。"


def _rows(items: Any, field_name: str) -> list[Any]:
    if isinstance(items, pd.DataFrame):
        rows: list[Any] = items.to_dict("records")
    elif isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise InputError("应为列表（每行一项）", field=field_name)
    else:
        rows = list(items.items()) if isinstance(items, Mapping) else list(items)
    if not rows:
        raise InputError("至少需要一项", field=field_name)
    return rows


def _pick(row: Any, keys: Sequence[str], position: int, field_name: str) -> Any:
    if isinstance(row, Mapping):
        for key in keys:
            if key in row:
                return row[key]
        raise InputError(f"缺少“{keys[0]}”", field=field_name)
    if isinstance(row, (str, bytes)) or not isinstance(row, Sequence) or len(row) <= position:
        raise InputError("格式不对，应为一行多列的数字", field=field_name)
    return row[position]


# --------------------------------------------------------------------------- group 1: equity (§2.2)

def equity_check(opening_equity: float, period_profit: float, injections: float, withdrawals: float,
                 appreciation: float, depreciation: float, actual_equity: float, months: int,
                 avg_monthly_disposable: float) -> CheckResult:
    """权益交叉检验, variant A (domain §2.2).

    ``应有权益 = 初始权益 + 期间利润 + (注资 − 提款) + (升值 − 折旧)``;
    ``偏差率 = (应有权益 − 实际权益) ÷ 月份数 ÷ 平均月可支配资金``.

    A positive deviation (应有 > 实际) means equity is missing: hidden debt, over-stated profit or unrecorded
    withdrawals. A negative one means unexplained equity: under-stated profit or unrecorded injections.

    Parameters
    ----------
    opening_equity : float
        Equity on the previous (opening) balance sheet; may be negative.
    period_profit : float
        Profit accumulated over the period; in the IPC form, the cumulative 月可支配资金.
    injections, withdrawals, appreciation, depreciation : float
        Extraordinary equity movements in the period, each ≥ 0.
    actual_equity : float
        Equity on today's reconstructed balance sheet.
    months : int
        Length of the period (> 0).
    avg_monthly_disposable : float
        Average 月可支配资金 (> 0).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = equity_check(100_000, 120_000, 0, 0, 0, 10_000, 200_000, 12, 10_000)
    >>> r.expected, round(r.deviation, 4), r.verdict.value
    (210000.0, 0.0833, '一致')
    """
    fields = {"初始权益": opening_equity, "期间利润": period_profit, "期间注资": injections, "期间提款": withdrawals,
              "资产升值": appreciation, "折旧或贬值": depreciation, "实际权益": actual_equity}
    values = {name: require_number(v, name) for name, v in fields.items()}
    for name in ("期间注资", "期间提款", "资产升值", "折旧或贬值"):
        require_number(values[name], name, minimum=0)
    n = require_number(months, "检验期间月份数", strictly_positive=True)
    disposable = require_number(avg_monthly_disposable, "平均月可支配资金", strictly_positive=True)
    expected = (values["初始权益"] + values["期间利润"] + values["期间注资"] - values["期间提款"]
                + values["资产升值"] - values["折旧或贬值"])
    deviation = (expected - values["实际权益"]) / n / disposable
    verdict, tolerance = verdict_for(deviation, "equity")
    if verdict is Verdict.CONSISTENT:
        meaning = "应有权益与实际权益基本一致，期间利润的说法可信。"
    elif deviation > 0:
        meaning = "应有权益高于实际权益：可能有隐性负债、利润被夸大或有未说明的提款（如购房、借给他人）。"
    else:
        meaning = "实际权益高于应有权益：可能少报了利润，或有未说明的注资（亲友借款、其他收入）。"
    explanation = (f"依据期初权益 {values['初始权益']:,.0f} 元、{n:g} 个月累计利润 {values['期间利润']:,.0f} 元、"
                   f"注资与提款、升值与折旧推算应有权益 {expected:,.0f} 元；今日重构的资产负债表显示实际权益 "
                   f"{values['实际权益']:,.0f} 元，偏差率 {deviation:.2%}。{meaning}")
    return CheckResult("equity_check", "权益交叉检验", expected, values["实际权益"], deviation, tolerance, verdict,
                       explanation, ("期初资产负债表", "损益表", "今日资产负债表"), "元",
                       {"权益差额": expected - values["实际权益"], "期间累计月可支配资金": n * disposable})


def equity_check_b(opening_equity: float, period_income: float, major_expenses: float, other_income: float,
                   appreciation: float, depreciation: float, off_balance_assets: float,
                   actual_equity: float) -> CheckResult:
    """权益交叉检验, variant B (domain §2.2, the newer xhsc form).

    .. math::

        应有权益 = 期初权益 + 分析期间收入 − 大项支出 + 其他收入 + 升值 − 折旧 − 表外资产

    ``权益差额 = 应有权益 − 实际权益`` and ``权益交叉检验比率 = 权益差额 ÷ 分析期间累计收入`` (the deviation).

    *分析期间收入* is read as the net income accumulated in the period (what the business and household kept
    after costs and normal family spending): the formula deducts only the large one-off spending, so gross
    sales would not balance. *表外资产* are assets bought in the period but not on today's balance sheet (a
    flat in a child's name, money lent out); they absorbed earnings, so they lower the equity expected on it.

    Sign: 应有 > 实际 → equity is missing (hidden debt, over-stated income, unrecorded withdrawals or
    off-balance assets); 应有 < 实际 → unexplained equity (under-stated income, unrecorded injections).

    Parameters
    ----------
    opening_equity : float
        Equity at the start of the analysis period (may be negative).
    period_income : float
        分析期间收入 (> 0; also the denominator of the ratio).
    major_expenses, other_income, appreciation, depreciation, off_balance_assets : float
        Each ≥ 0; depreciation as booked on the balance sheet.
    actual_equity : float
        Equity on today's reconstructed balance sheet.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = equity_check_b(200_000, 240_000, 50_000, 30_000, 10_000, 20_000, 40_000, 340_000)
    >>> r.expected, r.deviation, r.verdict.value
    (370000.0, 0.125, '需解释')
    """
    opening = require_number(opening_equity, "期初权益")
    income = require_number(period_income, "分析期间收入", strictly_positive=True)
    spend = require_number(major_expenses, "大项支出", minimum=0)
    other = require_number(other_income, "其他收入", minimum=0)
    up = require_number(appreciation, "升值", minimum=0)
    down = require_number(depreciation, "折旧（计入资产负债表的）", minimum=0)
    off = require_number(off_balance_assets, "表外资产", minimum=0)
    actual = require_number(actual_equity, "实际权益")
    expected = opening + income - spend + other + up - down - off
    gap = expected - actual
    return _result(
        "equity_check_b", expected, actual, deviation=gap / income,
        basis=(f"依据期初权益 {opening:,.0f} 元、分析期间收入 {income:,.0f} 元、大项支出 {spend:,.0f} 元、"
               f"其他收入 {other:,.0f} 元、升值 {up:,.0f} 元、折旧 {down:,.0f} 元和表外资产 {off:,.0f} 元，"
               f"推算应有权益；偏差 = 权益差额 {gap:,.0f} 元 ÷ 分析期间收入"),
        what="应有权益", reported_label="今日实际权益",
        higher=("应有权益高于实际权益（权益缺失）：可能有隐性负债、期间收入被夸大，或有未记录的提款、"
                "大项支出或表外资产。"),
        lower="实际权益高于应有权益（权益来源不明）：可能少报了期间收入，或有未说明的注资（亲友借款、其他收入）。",
        evidence=("期初资产负债表", "损益表（分析期间收入）", "大项支出与表外资产清单", "今日资产负债表"),
        details={"权益差额": gap, "分析期间累计收入": income},
    )


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


# --------------------------------------------------------------------------- group 5: turnover

def inventory_days_check(inventory: float, monthly_cogs: float, norm_days: float | None = None, *,
                         industry: str | None = None) -> CheckResult:
    """存货周转检验 (domain §2.3 #12): ``存货周转天数 = 存货(成本) ÷ 月销货成本 × 30`` vs the industry norm.

    ``expected`` is the norm (示例参数 from ``industry_norms`` when ``industry`` is given), ``reported`` the
    borrower's days; the deviation is ``(norm − days) ÷ days``.

    Examples
    --------
    >>> r = inventory_days_check(80_000, 75_000, 30)
    >>> round(r.reported, 2), round(r.deviation, 4), r.verdict.value
    (32.0, -0.0625, '一致')
    """
    stock = require_number(inventory, "存货（成本）", strictly_positive=True)
    cogs = require_number(monthly_cogs, "月销货成本", strictly_positive=True)
    norm = _norm(norm_days, industry, "inventory_days", "行业存货周转天数")
    days = stock / cogs * 30
    return _result(
        "inventory_days", norm, days, unit="天", what="行业参考天数", reported_label="借款人",
        basis=(f"依据存货 {stock:,.0f} 元和月销货成本 {cogs:,.0f} 元计算存货周转天数（按行业参考"
               f"天数应有存货约 {norm * cogs / 30:,.0f} 元）"),
        higher="周转天数低于行业：存货可能少报，或销售额/销货成本被夸大。",
        lower="周转天数高于行业：可能有积压或过时存货、存货被高估，或销售额被少报；旺季前备货也会如此。",
        evidence=("存货盘点表（点货）", "损益表（月销货成本）", "行业参考值（示例参数）"),
        details={"存货周转天数": days, "按行业天数应有存货": norm * cogs / 30},
    )


def receivable_days_check(receivables: float, monthly_sales: float, norm_days: float | None = None, *,
                          industry: str | None = None) -> CheckResult:
    """应收账款周转检验: ``应收账款周转天数 = 应收账款 ÷ 月销售额 × 30`` vs the industry norm.

    Deviation ``(norm − days) ÷ days`` as in :func:`inventory_days_check`.

    Examples
    --------
    >>> r = receivable_days_check(20_000, 100_000, 5)
    >>> r.reported, round(r.deviation, 4), r.verdict.value
    (6.0, -0.1667, '一致')
    """
    ar = require_number(receivables, "应收账款", strictly_positive=True)
    sales = require_number(monthly_sales, "月销售额", strictly_positive=True)
    norm = _norm(norm_days, industry, "receivable_days", "行业应收账款周转天数")
    days = ar / sales * 30
    return _result(
        "receivable_days", norm, days, unit="天", what="行业参考天数", reported_label="借款人",
        basis=f"依据应收账款 {ar:,.0f} 元和月销售额 {sales:,.0f} 元计算应收账款周转天数",
        higher="周转天数低于行业：应收账款可能少报，或销售额被夸大。",
        lower="周转天数高于行业：可能有逾期或坏账、账期放得过长，或销售额被少报。",
        evidence=("应收账款明细（客户、日期、金额）", "损益表（月销售额）", "行业参考值（示例参数）"),
        details={"应收账款周转天数": days},
    )


def receivables_check(monthly_sales: Sequence[float], outstanding_shares: Sequence[float],
                      reported_receivables: float) -> CheckResult:
    """应收账款账期检验 (domain §2.3 #10): ``应有应收 = Σ 第 k 个月销售 × 该月尚未收回的比例``.

    Parameters
    ----------
    monthly_sales : sequence of float
        Sales of the current month first, then the previous month, and so on.
    outstanding_shares : sequence of float
        Share of each month's sales still unpaid today, same order and length, each in [0, 1].
    reported_receivables : float
        Receivables on today's balance sheet (> 0).

    Examples
    --------
    >>> r = receivables_check([73_500, 73_500], [0.70, 0.35], 69_800)
    >>> round(r.expected), round(r.deviation, 4), r.verdict.value
    (77175, 0.1057, '一致')
    """
    sales = [require_number(v, f"第 {i} 个月销售额（由近及远）", minimum=0) for i, v in
             enumerate(_rows(monthly_sales, "各月销售额"), start=1)]
    shares = [require_number(v, f"第 {i} 个月未收回比例", minimum=0, maximum=1) for i, v in
              enumerate(_rows(outstanding_shares, "各月未收回比例"), start=1)]
    if len(sales) != len(shares):
        raise InputError(f"月份数应与销售额相同（销售额 {len(sales)} 个月，比例 {len(shares)} 个）",
                         field="各月未收回比例")
    reported = require_number(reported_receivables, "申报应收账款", strictly_positive=True)
    expected = sum(s * p for s, p in zip(sales, shares))
    terms = "、".join(f"{s:,.0f}×{p:.0%}" for s, p in zip(sales, shares))
    return _result(
        "receivables_pattern", expected, reported,
        basis=f"依据各月销售额和客户账期（{terms}）推算应有应收账款", what="应有应收账款",
        reported_label="申报应收账款",
        higher="应收账款少于账期推算：可能收款比说的快，或销售额、账期被夸大。",
        lower="应收账款多于账期推算：可能有逾期未收或坏账，或销售额被少报。",
        evidence=("应收账款明细", "各月销售额（损益表）", "客户账期（合同、借款人口述）"),
    )


# --------------------------------------------------------------------------- group 6: different sources

def source_disagreement_check(statements: Mapping[str, float], reported_by: str | None = None,
                              item: str = "月销售额", unit: str = "元") -> CheckResult:
    """不同来源核对 (domain §2.1, §2.4 #6): the same figure as told by different people or documents.

    ``expected`` is the median of the *other* sources, ``reported`` the figure of ``reported_by`` (default:
    the first source). The deviation is this method's own: the spread ``(最高 − 最低) ÷ 申报值`` (≥ 0).

    Parameters
    ----------
    statements : mapping of str to float
        Source → figure, e.g. ``{"借款人": 100_000, "配偶": 90_000, "店员": 120_000}``; at least two.
    reported_by : str, optional
        The source whose figure is being checked (a key of ``statements``).
    item : str, optional
        What the figure is (Chinese), for the explanation.
    unit : str, optional
        Unit of the figure.

    Examples
    --------
    >>> r = source_disagreement_check({"借款人": 100_000, "配偶": 90_000, "店员": 120_000, "供应商": 95_000})
    >>> r.expected, r.deviation, r.verdict.value
    (95000.0, 0.3, '矛盾')
    """
    if not isinstance(statements, Mapping):
        raise InputError("应为“来源 → 数值”的对照表", field=f"各来源的{item}")
    if len(statements) < 2:
        raise InputError("至少需要两个来源才能核对", field=f"各来源的{item}")
    values = {str(k): require_number(v, f"{k}所说的{item}", minimum=0) for k, v in statements.items()}
    who = str(reported_by) if reported_by is not None else next(iter(values))
    if who not in values:
        raise InputError(f"“{who}”不在来源之中（{'、'.join(values)}）", field="被核对的来源")
    reported = values[who]
    if reported <= 0:
        raise InputError(f"必须大于 0（当前为 {reported:g}）", field=f"{who}所说的{item}")
    others = pd.Series({k: v for k, v in values.items() if k != who})
    expected = float(others.median())
    series = pd.Series(values)
    high, low = str(series.idxmax()), str(series.idxmin())
    spread = (float(series.max()) - float(series.min())) / reported
    listing = "，".join(f"{k} {format_value(v, unit)}" for k, v in values.items())
    if reported == expected:
        position = f"{who}的说法与其他来源的中位数相同"
    else:
        position = f"{who}的说法相对其他来源{'偏高' if reported > expected else '偏低'}"
    reading = f"各方说法差距较大，{position}，需要追问原因并找书面证据。"
    return _result(
        "source_disagreement", expected, reported, deviation=spread, unit=unit, what="其他来源的中位数",
        reported_label=f"{who}所说",
        basis=(f"就{item}分别询问：{listing}。最高为{high}，最低为{low}；"
               f"偏差 = (最高 − 最低) ÷ {who}所说的数字"),
        higher=reading, lower=reading,
        evidence=tuple(f"{k}的陈述" for k in values),
        details={"最高": float(series.max()), "最低": float(series.min())},
    )


def sales_from_statement(seasons: Any, reported_sales: float) -> CheckResult:
    """口述核定法 (domain §2.3 #1): ``销售额 = Σ 各季节月数 × 所说的月销售额``.

    Parameters
    ----------
    seasons : iterable or mapping
        ``(months, monthly_sales)`` pairs, or a mapping season name → ``(months, monthly_sales)``.
    reported_sales : float
        Sales for the same months from another source (ledger, reconstructed P&L), > 0.

    Examples
    --------
    >>> r = sales_from_statement({"旺季": (4, 120_000), "淡季": (8, 60_000)}, 1_000_000)
    >>> r.expected, r.deviation, r.verdict.value
    (960000.0, -0.04, '一致')
    """
    total = 0.0
    months = 0.0
    parts = []
    for i, row in enumerate(_rows(seasons, "各季节销售"), start=1):
        name, pair = (str(row[0]), row[1]) if isinstance(seasons, Mapping) else (f"第 {i} 段", row)
        n = require_number(_pick(pair, ("months", "月数"), 0, name), f"{name}的月数", strictly_positive=True)
        sales = require_number(_pick(pair, ("monthly_sales", "月销售额"), 1, name), f"{name}的月销售额", minimum=0)
        total += n * sales
        months += n
        parts.append(f"{name} {n:g} 个月×{sales:,.0f} 元")
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        "sales_from_statement", total, reported,
        basis=f"依据借款人分季节口述（{'，'.join(parts)}，共 {months:g} 个月）推算销售额", what="口述推算销售额",
        reported_label="账面/报表销售额",
        higher="口述推算高于账面或报表：报表可能少记了销售，或借款人口述时夸大了生意。",
        lower="口述推算低于账面或报表：报表上的销售额可能被夸大，或口述时有所保留。",
        evidence=("借款人口述（分旺季、淡季）", "账本或重构的损益表"),
        details={"月数合计": months},
    )


def sales_from_commissions(commissions: float, commission_rate: float, reported_sales: float) -> CheckResult:
    """提点核定法 (domain §2.3 #8): ``销售额 = 员工提成合计 ÷ 提成比例``.

    Examples
    --------
    >>> r = sales_from_commissions(3_000, 0.03, 100_000)
    >>> r.expected, r.verdict.value
    (100000.0, '一致')
    """
    paid = require_number(commissions, "员工提成合计", minimum=0)
    rate = require_number(commission_rate, "提成比例", strictly_positive=True, maximum=1)
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        "sales_from_commissions", paid / rate, reported,
        basis=f"依据员工提成 {paid:,.0f} 元、提成比例 {rate:.1%} 推算销售额", what="推算销售额",
        higher=_SALES_HIGHER, lower=_SALES_LOWER,
        evidence=("工资表（提成明细）", "员工询问（提成比例）"),
    )


_DOCUMENT_METHODS = {
    "ledger": ("sales_from_ledger", "账本", "借款人的销售账本", "账本合计高于申报：申报可能少报了销售。",
               "账本合计低于申报：申报的销售额可能被夸大，或账本漏记。"),
    "invoices": ("sales_from_invoices", "发票", "增值税/普通发票", "开票金额高于申报：申报可能少报了销售；也要排除代开发票。",
                 "开票金额低于申报：申报可能被夸大；也可能部分销售不开票（零售常见）。"),
    "orders": ("sales_from_orders", "订单", "订单或合同", "订单金额高于申报：申报可能少报了销售，或部分订单尚未交付。",
               "订单金额低于申报：申报的销售额可能被夸大，或有零散销售没有订单。"),
}


def sales_from_documents(amounts: Iterable[float], reported_sales: float, source: str = "ledger") -> CheckResult:
    """账本 / 票据 / 订单核定法 (domain §2.3 #3, #5, #6): the sum of recorded amounts vs reported sales.

    Parameters
    ----------
    amounts : iterable of float
        Amounts from the ledger pages, invoices or orders of the period (each ≥ 0).
    reported_sales : float
        Sales reported for the same period (> 0).
    source : {"ledger", "invoices", "orders"}
        Also accepted: 账本, 票据/发票, 订单.

    Examples
    --------
    >>> r = sales_from_documents([30_000, 25_000, 20_000], 100_000, source="票据")
    >>> r.method, r.expected, r.verdict.value
    ('sales_from_invoices', 75000.0, '矛盾')
    """
    aliases = {"账本": "ledger", "票据": "invoices", "发票": "invoices", "订单": "orders"}
    key = aliases.get(str(source).strip(), str(source).strip())
    if key not in _DOCUMENT_METHODS:
        raise InputError(f"应为 ledger（账本）、invoices（票据）或 orders（订单），收到“{source}”", field="单据类型")
    method_id, short, document, higher, lower = _DOCUMENT_METHODS[key]
    values = [require_number(v, f"第 {i} 张{short}的金额", minimum=0)
              for i, v in enumerate(_rows(amounts, f"{short}金额"), start=1)]
    reported = require_number(reported_sales, "申报销售额", strictly_positive=True)
    return _result(
        method_id, sum(values), reported,
        basis=f"依据 {len(values)} 张{short}（{document}）合计", what=f"{short}合计",
        higher=higher, lower=lower, evidence=(document,), details={"单据张数": float(len(values))},
    )


# --------------------------------------------------------------------------- group 7: logic and ratios

def gross_margin_check(reported_margin: float, norm_margin: float | None = None, *,
                       industry: str | None = None) -> CheckResult:
    """毛利率逻辑检验: the borrower's gross margin vs the industry norm (示例参数).

    Examples
    --------
    >>> r = gross_margin_check(0.35, 0.20)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.4286, '矛盾')
    """
    reported = require_number(reported_margin, "申报毛利率", strictly_positive=True, maximum=1)
    norm = _norm(norm_margin, industry, "gross_margin", "行业毛利率")
    return _result(
        "gross_margin_vs_industry", norm, reported, unit="比率", what="行业参考毛利率",
        basis="将借款人的毛利率与同行业参考值比较", reported_label="借款人毛利率",
        higher="毛利率低于同行：可能成本被高估或销售被少报，也可能是价格竞争、经营不善。",
        lower="毛利率高于同行：利润可能被夸大（销售高报或成本少报），除非有独特的货源或定价优势。",
        evidence=("损益表（毛利率）", "行业参考值（示例参数）"),
    )


def expense_ratio_check(operating_expenses: float, sales: float, norm_ratio: float | None = None, *,
                        industry: str | None = None) -> CheckResult:
    """费用率逻辑检验: ``经营费用 ÷ 销售额`` vs the industry norm (示例参数).

    Examples
    --------
    >>> r = expense_ratio_check(6_000, 100_000, 0.10)
    >>> round(r.reported, 4), round(r.deviation, 4), r.verdict.value
    (0.06, 0.6667, '矛盾')
    """
    costs = require_number(operating_expenses, "经营费用", strictly_positive=True)
    revenue = require_number(sales, "销售额", strictly_positive=True)
    norm = _norm(norm_ratio, industry, "expense_ratio", "行业费用率")
    return _result(
        "expense_ratio_vs_industry", norm, costs / revenue, unit="比率", what="行业参考费用率",
        basis=f"将经营费用 {costs:,.0f} 元占销售额 {revenue:,.0f} 元的比例与同行业参考值比较",
        reported_label="借款人费用率",
        higher="费用率低于同行：可能漏报了费用（工资、房租、水电），利润被高估。",
        lower="费用率高于同行：费用可能被夸大，或销售被少报；也可能是经营效率低。",
        evidence=("损益表（经营费用明细）", "行业参考值（示例参数）"),
    )


def family_spending_check(reported_spending: float, members: int, per_capita: float | None = None, *,
                          area: str = "城镇", extra: Mapping[str, float] | None = None) -> CheckResult:
    """家庭开支与生活水平检验: stated monthly family spending vs what the household's lifestyle implies.

    ``应有开支 = 人口 × 人均月生活费 (示例参数 by area) + Σ 可见的额外开支`` (school fees, car running costs,
    care of parents, …).

    Examples
    --------
    >>> r = family_spending_check(5_000, 4, 1_500, extra={"孩子学费（月均）": 1_000, "养车": 800})
    >>> r.expected, round(r.deviation, 2), r.verdict.value
    (7800.0, 0.56, '矛盾')
    """
    stated = require_number(reported_spending, "申报月家庭开支", strictly_positive=True)
    people = require_number(members, "家庭人口", strictly_positive=True)
    if per_capita is None:
        base = _parameter("living_cost", str(area), "人均月生活费")
    else:
        base = require_number(per_capita, "人均月生活费", strictly_positive=True)
    extras = {str(k): require_number(v, f"额外开支“{k}”", minimum=0) for k, v in (extra or {}).items()}
    expected = people * base + sum(extras.values())
    extra_text = "、".join(f"{k} {v:,.0f} 元" for k, v in extras.items())
    return _result(
        "family_spending", expected, stated,
        basis=(f"依据家庭人口 {people:g} 人 × 人均月生活费 {base:,.0f} 元"
               + (f"，加上{extra_text}" if extras else "") + " 推算与生活水平相称的月开支"),
        what="应有月开支", reported_label="申报月开支",
        higher="申报的家庭开支低于生活水平所需：开支可能被少报，月可支配资金因而被高估。",
        lower="申报的家庭开支高于一般水平：可能有未说明的负担（赡养、医疗）或隐性还款，需了解用途。",
        evidence=("家庭情况（人口、子女上学、车辆、住房）", "申报的家庭开支", "人均生活费参考值（示例参数）"),
        details={"人均月生活费": base},
    )


_PURPOSES = {"working_capital": "working_capital", "流动资金": "working_capital", "备货": "working_capital",
             "fixed_assets": "fixed_assets", "固定资产": "fixed_assets", "设备": "fixed_assets",
             "seasonal_working_capital": "seasonal_working_capital", "季节性备货": "seasonal_working_capital",
             "种养殖周期": "seasonal_working_capital", "consumption": "consumption", "消费": "consumption",
             "receivable_financing": "receivable_financing", "应收账款融资": "receivable_financing",
             "供应链": "receivable_financing"}
_PURPOSE_NAMES = {"working_capital": "流动资金（备货）", "fixed_assets": "固定资产（设备、装修）",
                  "seasonal_working_capital": "季节性生产周期（种养殖）", "consumption": "个人消费（按月收入计）",
                  "receivable_financing": "供应链流动资金（应收账款占用）"}


def loan_purpose_check(requested_amount: float, monthly_sales: float, purpose: str = "working_capital",
                       max_months_of_sales: float | None = None) -> CheckResult:
    """贷款用途与经营规模检验: the amount asked for vs what a business of this size can use for the purpose.

    ``合理上限 = 月销售额 × 可支撑月数`` (示例参数 per purpose). The check is one-sided: a request within the
    ceiling is 一致 (deviation 0); above it, the deviation is ``(上限 − 申请额) ÷ 申请额`` (< 0).

    Examples
    --------
    >>> r = loan_purpose_check(300_000, 100_000, "流动资金", max_months_of_sales=1.5)
    >>> r.expected, round(r.deviation, 4), r.verdict.value
    (150000.0, -0.5, '矛盾')
    >>> loan_purpose_check(100_000, 100_000, max_months_of_sales=1.5).verdict.value
    '一致'
    """
    amount = require_number(requested_amount, "申请金额", strictly_positive=True)
    sales = require_number(monthly_sales, "月销售额", strictly_positive=True)
    key = _PURPOSES.get(str(purpose).strip())
    if key is None:
        raise InputError(f"应为 working_capital（流动资金）、fixed_assets（固定资产）、seasonal_working_capital"
                         f"（季节性备货）、receivable_financing（供应链）或 consumption（消费），收到“{purpose}”",
                         field="贷款用途")
    if max_months_of_sales is None:
        months = _parameter("loan_purpose", key, "可支撑月数")
    else:
        months = require_number(max_months_of_sales, "可支撑月数", strictly_positive=True)
    ceiling = sales * months
    deviation = min(0.0, (ceiling - amount) / amount)
    return _result(
        "loan_purpose", ceiling, amount, deviation=deviation, what="按经营规模的合理上限",
        basis=f"用途为{_PURPOSE_NAMES[key]}，按月销售额 {sales:,.0f} 元 × {months:g} 个月（示例参数）确定合理上限",
        reported_label="申请金额",
        tolerance_text=(f"不超过上限为一致，超出上限即需解释，超出部分占申请额 "
                        f"{_bounds('loan_purpose')['contradiction']:.0%} 以上为矛盾"),
        higher="申请金额在经营规模可支撑的范围内。",
        lower="申请金额超过经营规模可支撑的范围：资金可能另有用途（还其他债务、投资其他项目），需核实用途。",
        evidence=("借款申请（金额、用途）", "损益表（月销售额）", "用途凭证（购货合同、设备报价单）"),
    )


# --------------------------------------------------------------------------- checks on documents gathered on site

def inventory_count_check(counted_inventory: float, declared_inventory: float) -> CheckResult:
    """存货盘点核对: the inventory counted on site (点货, at cost) vs the inventory the borrower declares.

    ``deviation = (盘点存货 − 申报存货) ÷ 申报存货``; a negative deviation means the declared stock is not on the
    shelves (over-stated inventory, inflated equity).

    Parameters
    ----------
    counted_inventory : float
        Sum of the inventory count sheet (quantity × unit cost), ≥ 0.
    declared_inventory : float
        Inventory the borrower declares (> 0).

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = inventory_count_check(200_000, 300_000)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.3333, '矛盾')
    >>> inventory_count_check(98_000, 100_000).verdict.value
    '一致'
    """
    counted = require_number(counted_inventory, "盘点存货（成本）", minimum=0)
    declared = require_number(declared_inventory, "申报存货", strictly_positive=True)
    return _result(
        "inventory_count", counted, declared, what="盘点存货", reported_label="申报存货",
        basis=f"依据现场存货盘点表（按进价计）合计 {counted:,.0f} 元，核对借款人申报的存货",
        higher="盘点的存货多于申报：可能有未申报的存货（如另有仓库），或申报时低估；也要看是否把代销货算了进去。",
        lower="盘点的存货少于申报：申报的存货可能被夸大（权益虚高），或存货已被抵押、转移、变质处理。",
        evidence=("存货盘点表（点货）", "借款人申报的存货"),
    )


def debt_service_check(seen_monthly_payments: float, declared_monthly_payments: float) -> CheckResult:
    """负债核实（流水还款检验）: regular loan repayments seen in the bank statement vs the declared debts.

    The check is one-sided. Repayments the statement shows but the declared debts do not explain point to
    hidden debt; declared debts paid from another account are no risk. Deviation:

    ``偏差 = max(0, 流水所见月还款 − 申报月还款) ÷ 流水所见月还款`` (the share of the repayments seen that no
    declared debt explains, 0–1).

    Parameters
    ----------
    seen_monthly_payments : float
        Average monthly repayments to lenders seen in the statement (recurring: loans, instalments, credit
        cards, private lenders), ≥ 0.
    declared_monthly_payments : float
        Monthly repayments of the debts the borrower declared, ≥ 0.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> r = debt_service_check(5_400, 2_400)
    >>> round(r.deviation, 4), r.verdict.value
    (0.5556, '矛盾')
    >>> debt_service_check(2_400, 2_400).verdict.value
    '一致'
    >>> debt_service_check(1_000, 2_400).deviation  # a declared debt paid from another account
    0.0
    """
    seen = require_number(seen_monthly_payments, "流水所见月还款", minimum=0)
    declared = require_number(declared_monthly_payments, "申报负债的月还款", minimum=0)
    deviation = max(0.0, seen - declared) / seen if seen > 0 else 0.0
    return _result(
        "debt_service", seen, declared, deviation=deviation, what="流水所见月还款", reported_label="申报月还款",
        basis=("依据银行流水中按月出现的还款（贷款利息和本金、分期、信用卡、私人借款），核对借款人申报的负债；"
               "偏差 = 申报负债解释不了的还款 ÷ 流水所见还款"),
        tolerance_text=(f"未解释的还款占 {_bounds('debt_service')['explain']:.0%} 以内为一致，超过 "
                        f"{_bounds('debt_service')['contradiction']:.0%} 为矛盾；申报的还款多于流水所见不算矛盾"),
        higher=("流水中有申报负债解释不了的定期还款：可能有隐性负债（民间借款、他行贷款、信用卡分期），"
                "需逐笔问清债权人、余额和期限，并查征信。"),
        lower="申报的还款都能在流水中找到或从其他账户支付。",
        evidence=("银行流水（还款、利息、分期）", "借款人申报的负债清单", "征信报告"),
        details={"未解释的月还款": max(0.0, seen - declared)},
    )


def household_spending_bank_check(seen_monthly_spending: float, declared_monthly_spending: float) -> CheckResult:
    """流水家庭开支检验: household spending paid from the account(s) is a floor for the declared spending.

    One-sided: ``偏差 = max(0, 流水所见家庭开支 − 申报家庭开支) ÷ 申报家庭开支``. Spending the statement
    shows beyond what is declared (school fees, shopping, travel paid from the business account) means the
    declared household spending is too low and the disposable income over-stated.

    Examples
    --------
    >>> r = household_spending_bank_check(7_250, 5_500)
    >>> round(r.deviation, 4), r.verdict.value
    (0.3182, '矛盾')
    >>> household_spending_bank_check(3_000, 6_000).deviation
    0.0
    """
    seen = require_number(seen_monthly_spending, "流水所见月家庭开支", minimum=0)
    declared = require_number(declared_monthly_spending, "申报月家庭开支", strictly_positive=True)
    return _result(
        "household_spending_from_bank", seen, declared, deviation=max(0.0, seen - declared) / declared,
        what="流水所见家庭开支", reported_label="申报家庭开支",
        basis="依据银行流水中的家庭消费支出（购物、学费、旅游、日常消费），核对借款人申报的家庭开支",
        tolerance_text=(f"流水所见超出申报 {_bounds('household_spending_from_bank')['explain']:.0%} 以内为一致，"
                        f"超过 {_bounds('household_spending_from_bank')['contradiction']:.0%} 为矛盾；"
                        "流水所见少于申报不算矛盾（部分开支用现金）"),
        higher=("仅经本账户支付的家庭开支就已超过申报：家庭开支被少报（可能把家庭消费记在经营账上），"
                "月可支配资金被高估。"),
        lower="流水所见的家庭开支没有超过申报（其余开支可能用现金或其他账户支付）。",
        evidence=("银行流水（消费、学费、购物等支出）", "借款人申报的家庭开支"),
    )


def salary_from_payroll(payroll_monthly: float, reported_salary: float) -> CheckResult:
    """代发工资核定法: salary paid in by the employer (代发工资 in the statement) vs the declared monthly salary.

    Examples
    --------
    >>> r = salary_from_payroll(9_000, 12_600)
    >>> round(r.deviation, 4), r.verdict.value
    (-0.2857, '矛盾')
    >>> salary_from_payroll(9_000, 9_000).verdict.value
    '一致'
    """
    paid = require_number(payroll_monthly, "流水中月均代发工资", minimum=0)
    reported = require_number(reported_salary, "申报月工资", strictly_positive=True)
    return _result(
        "salary_from_payroll", paid, reported, what="月均代发工资", reported_label="申报月工资",
        basis=f"依据银行流水中单位代发工资月均 {paid:,.0f} 元，核对借款人申报的月收入",
        higher="代发工资高于申报：申报可能偏保守，或流水中含奖金、报销。",
        lower="代发工资低于申报：申报的收入可能被夸大，或部分收入以现金、其他账户发放，需提供证明。",
        evidence=("银行流水（代发工资）", "单位收入证明", "借款人申报的月收入"),
    )


# --------------------------------------------------------------------------- registry

#: The seven groups of domain §2.4 (⚠️ a defensible grouping, not a canonical list).
GROUPS: dict[int, str] = {
    1: "权益检验",
    2: "进货与毛利检验",
    3: "银行流水检验",
    4: "水电与物耗检验",
    5: "周转检验",
    6: "不同来源检验",
    7: "逻辑与比例检验",
}


@dataclass(frozen=True)
class MethodInfo:
    """A cross-check method: id, Chinese name, group (§2.4), the function, its tolerance key and aliases."""

    id: str
    name: str
    group: int
    function: Callable[..., CheckResult]
    tolerance_key: str
    aliases: tuple[str, ...] = ()

    @property
    def group_name(self) -> str:
        return GROUPS[self.group]


def _info(id_: str, name: str, group: int, function: Callable[..., CheckResult], *aliases: str,
          tolerance_key: str | None = None) -> MethodInfo:
    return MethodInfo(id_, name, group, function, tolerance_key or id_, aliases)


def _documents(source: str) -> Callable[..., CheckResult]:
    def run(amounts: Iterable[float], reported_sales: float) -> CheckResult:
        return sales_from_documents(amounts, reported_sales, source=source)

    run.__name__ = f"sales_from_{source}"
    run.__doc__ = f"``sales_from_documents(amounts, reported_sales, source={source!r})``."
    return run


#: Every method, by id.
METHODS: dict[str, MethodInfo] = {m.id: m for m in (
    _info("equity_check", "权益交叉检验", 1, equity_check, "权益检验", "权益交叉检验（A式）", "equity",
          tolerance_key="equity"),
    _info("equity_check_b", "权益交叉检验（B式）", 1, equity_check_b, "权益交叉检验比率", "equity_b"),
    _info("weighted_margin", "加权毛利率检验", 2, weighted_margin_check, "加权毛利率", "毛利润交叉检验"),
    _info("sales_from_purchases", "进货核定法", 2, sales_from_purchases, "进货倒推销售", "进货倒推"),
    _info("sales_from_product_share", "分类核定法", 2, sales_from_product_share, "分类核定"),
    _info("sales_from_bank_flows", "流水核定法", 3, sales_from_bank_flows, "流水核定", "银行流水"),
    _info("sales_from_utilities", "水电物耗核定法", 4, sales_from_utilities, "水电核定法", "耗电量检验",
          "物耗核定法"),
    _info("quantity_check", "数量检验", 4, quantity_check, "投入产出检验"),
    _info("inventory_days", "存货周转检验", 5, inventory_days_check, "存货周转天数", "inventory_days_check"),
    _info("receivable_days", "应收账款周转检验", 5, receivable_days_check, "应收账款周转天数",
          "receivable_days_check"),
    _info("receivables_pattern", "应收账款账期检验", 5, receivables_check, "应收账款检验", "receivables_check"),
    _info("source_disagreement", "不同来源核对", 6, source_disagreement_check, "不同来源检验", "不同人询问",
          "source_disagreement_check"),
    _info("sales_from_statement", "口述核定法", 6, sales_from_statement, "口述核定"),
    _info("sales_from_commissions", "提点核定法", 6, sales_from_commissions, "提点核定"),
    _info("sales_from_ledger", "账本核定法", 6, _documents("ledger"), "账本核定"),
    _info("sales_from_invoices", "票据核定法", 6, _documents("invoices"), "票据核定", "发票核定法"),
    _info("sales_from_orders", "订单核定法", 6, _documents("orders"), "订单核定"),
    _info("gross_margin_vs_industry", "毛利率逻辑检验", 7, gross_margin_check, "毛利率检验", "gross_margin_check"),
    _info("expense_ratio_vs_industry", "费用率逻辑检验", 7, expense_ratio_check, "费用率检验",
          "expense_ratio_check"),
    _info("family_spending", "家庭开支与生活水平检验", 7, family_spending_check, "家庭开支检验",
          "family_spending_check"),
    _info("loan_purpose", "贷款用途与经营规模检验", 7, loan_purpose_check, "贷款用途检验", "loan_purpose_check"),
    _info("inventory_count", "存货盘点核对", 5, inventory_count_check, "点货核对", "存货盘点",
          "inventory_count_check"),
    _info("debt_service", "负债核实（流水还款检验）", 3, debt_service_check, "负债核实", "隐性负债检验",
          "debt_service_check"),
    _info("household_spending_from_bank", "流水家庭开支检验", 3, household_spending_bank_check, "流水家庭开支",
          "household_spending_bank_check"),
    _info("salary_from_payroll", "代发工资核定法", 3, salary_from_payroll, "代发工资核定", "工资流水核定"),
)}


def method(name: str) -> MethodInfo:
    """A method by English id, Chinese name or alias.

    Examples
    --------
    >>> method("口述核定法").function is sales_from_statement
    True
    >>> method("equity").id
    'equity_check'
    >>> method("猜测法")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 交叉检验方法：没有名为“猜测法”的方法
    """
    text = str(name).strip()
    for info in METHODS.values():
        if text == info.id or text == info.name or text in info.aliases:
            return info
    raise InputError(f"没有名为“{text}”的方法", field="交叉检验方法")


def run_method(name: str, *args: Any, **kwargs: Any) -> CheckResult:
    """Run a method by English id or Chinese alias.

    Examples
    --------
    >>> run_method("提点核定法", 3_000, 0.03, reported_sales=100_000).expected
    100000.0
    """
    return method(name).function(*args, **kwargs)


def to_frame(results: Iterable[CheckResult]) -> pd.DataFrame:
    """A table of results with Chinese column names, one row per check.

    Examples
    --------
    >>> table = to_frame([sales_from_commissions(3_000, 0.03, 100_000)])
    >>> list(table.columns)
    ['方法', '分组', '推算值', '申报值', '单位', '偏差', '容差（示例参数）', '结论', '说明']
    >>> table.loc[0, "结论"]
    '一致'
    """
    rows = []
    for r in results:
        info = METHODS.get(r.method)
        rows.append({
            "方法": r.name, "分组": info.group_name if info else "", "推算值": r.expected, "申报值": r.reported,
            "单位": r.unit, "偏差": r.deviation, "容差（示例参数）": r.tolerance, "结论": r.verdict.value,
            "说明": r.explanation,
        })
    return pd.DataFrame(rows, columns=["方法", "分组", "推算值", "申报值", "单位", "偏差", "容差（示例参数）", "结论",
                                       "说明"])




# --------------------------------------------------------------------------- run_all: every method that applies to a case

_NON_SALES_WORDS = r"租金|工资|利息收入|退款|补贴|理财|家用|报销"
_HOUSEHOLD_WORDS = r"消费|购物|学费|旅游|生活费|医疗|网购"
_DEBT_WORDS = r"利息|还款|月供|本金"
_TAXED_SALES_REGIMES = ("查账征收", "小规模纳税人", "免税农产品")


def _cite(result: CheckResult, evidence: str) -> CheckResult:
    """The result with the documents it used named at the start of the explanation."""
    return replace(result, explanation=f"证据：{evidence}。{result.explanation}")


#: Evidence an officer can gather on a case, id → Chinese name (the toggles of the 04b dashboard). Each
#: respondent's statement is its own piece of evidence, ``"statement:<name>"``; ``"statements"`` means all
#: of them. The borrower's claims, the balance sheets, the loan application, what the officer sees in the
#: household and the industry norms (示例参数) are always at hand.
EVIDENCE: dict[str, str] = {
    "bank_transactions": "银行流水",
    "purchase_invoices": "进货发票",
    "price_survey": "商品进价售价调查",
    "inventory_count": "存货盘点表",
    "utility_bills": "电费单",
    "tax_records": "纳税记录",
    "sales_ledger": "销售账本",
    "statements": "询问记录（全部被询问人）",
}
STATEMENT_PREFIX = "statement:"


def evidence_items(case: Case) -> dict[str, str]:
    """The evidence available on ``case``, id → Chinese name, in :data:`EVIDENCE` order then one entry per
    respondent (``"statement:李建国"`` → ``"配偶李建国的陈述"``).

    Only documents the case has are listed (a salaried borrower has no purchase invoices). A case without
    ``investigation.yaml`` has no documents: the result is empty.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> items = evidence_items(ml.casebook.load_case("C01"))
    >>> items["bank_transactions"], items["statement:李建国"]
    ('银行流水', '配偶李建国的陈述')
    >>> "purchase_invoices" in evidence_items(ml.casebook.load_case("C06"))
    False
    """
    from . import documents as dm

    if not dm.has_investigation(case):
        return {}
    docs = dm.build_documents(case, with_flaws=dm.has_answer_key(case))
    present = {
        "bank_transactions": not docs.bank_transactions.empty,
        "purchase_invoices": not docs.purchase_invoices.empty,
        "price_survey": docs.facts.weighted_margin is not None,
        "inventory_count": not docs.inventory_count.empty,
        "utility_bills": not docs.utility_bills.empty,
        "tax_records": not docs.tax_records.empty,
        "sales_ledger": not docs.sales_ledger.empty,
    }
    items = {key: EVIDENCE[key] for key, here in present.items() if here}
    people = docs.statements[["respondent", "role"]].drop_duplicates("respondent")
    for name, role in people.itertuples(index=False):
        items[f"{STATEMENT_PREFIX}{name}"] = f"{role}{name}的陈述"
    return items


@dataclass(frozen=True)
class _Gate:
    """Which evidence :func:`run_all` may use (``None``: all of it)."""

    kinds: frozenset[str] | None = None

    def has(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def heard(self, respondent: str) -> bool:
        return self.kinds is None or "statements" in self.kinds or f"{STATEMENT_PREFIX}{respondent}" in self.kinds


def _gate(evidence: Collection[str] | None) -> _Gate:
    """Normalise the ``evidence`` argument of :func:`run_all` (ids or Chinese names)."""
    if evidence is None:
        return _Gate()
    if isinstance(evidence, (str, bytes)):
        raise InputError("应为证据名称的列表，例如 [“银行流水”, “进货发票”]", field="证据")
    by_name = {name: key for key, name in EVIDENCE.items()}
    kinds = set()
    for item in evidence:
        text = str(item).strip()
        if text in EVIDENCE or (text.startswith(STATEMENT_PREFIX) and len(text) > len(STATEMENT_PREFIX)):
            kinds.add(text)
        elif text in by_name:
            kinds.add(by_name[text])
        else:
            raise InputError(f"没有名为“{text}”的证据（可用：{'、'.join(EVIDENCE.values())}，或 statement:被询问人）",
                             field="证据")
    return _Gate(frozenset(kinds))


@dataclass(frozen=True)
class _Basis:
    """What the borrower claims and what the officer knows, as run_all uses it."""

    sales: float               # claimed monthly sales (salary for a salaried borrower)
    margin: float | None       # claimed gross margin
    household: float           # claimed monthly household spending
    inventory: float           # declared inventory
    total_debt: float
    debt_service: float
    salary: float | None
    members: int
    area: str
    norm: str | None
    purpose: str


def run_all(case: Case, *, with_flaws: bool = True,
            evidence: Collection[str] | None = None) -> list[CheckResult]:
    """Run every cross-check that applies to ``case``, on the documents an officer gathers.

    The documents come from :func:`microloan_sim.documents.build_documents` (with the case's planted flaws,
    or the clean control with ``with_flaws=False``). A case without ``investigation.yaml`` yet gets the checks
    that need only its records and household block (equity, turnover days, ratios, family spending, loan
    purpose); a case without ``answer_key.yaml`` is run clean. Each result's explanation starts with the
    documents it used. Methods and groups:

    1. 权益交叉检验: the borrower's *claimed* profit (claimed sales × claimed margin − expenses − claimed
       household spending − declared repayments) rolled from the opening balance sheet, plus the principal
       repaid (deducted in the IPC profit line but not reducing equity, see
       :func:`microloan_sim.statements.equity_link`), vs today's reconstructed balance sheet.
    2. 加权毛利率 (price survey) vs claimed margin; 进货核定法 (purchase invoices, opening and counted
       inventory, weighted margin); 分类核定法 (the product bought from its own supplier).
    3. 流水核定法 (business inflows from :func:`microloan_sim.offsite.analyse`, less identified non-sales
       inflows, ÷ account share); 负债核实 (recurring repayments vs declared debts); 流水家庭开支;
       代发工资核定法 (salaried borrowers).
    4. 水电物耗核定法 (electricity bills).
    5. 存货盘点核对; 存货 / 应收账款周转天数 vs industry norms (skipped when the balance is below 10% of a
       month's cost or sales).
    6. 不同来源核对 per topic (borrower's claim vs spouse, employee, supplier…); 账本核定法; 票据核定法 (tax
       declarations, where the regime taxes actual sales).
    7. 毛利率 and 费用率 vs industry norms; 家庭开支与生活水平; 贷款用途与经营规模.

    Parameters
    ----------
    case : Case
        A loaded case (canonical or variant).
    with_flaws : bool, optional
        Use the documents with the planted flaws (default) or the clean control.
    evidence : collection of str, optional
        The evidence at hand: ids or Chinese names of :data:`EVIDENCE`, and ``"statement:<name>"`` per
        respondent (see :func:`evidence_items`). A check runs only when every document it needs is given:
        without ``"bank_transactions"`` there is no 流水核定法, 负债核实 or 流水家庭开支; a 不同来源核对 uses
        only the respondents given and is skipped when fewer than two sources remain. Checks on the
        borrower's claims, the balance sheets and industry norms always run. ``None`` (default): all evidence.

    Returns
    -------
    list of CheckResult

    Examples
    --------
    >>> import microloan_sim as ml
    >>> results = run_all(ml.casebook.load_case("C01"))
    >>> len({r.method for r in results}) >= 10
    True
    >>> clean = run_all(ml.casebook.load_case("C01"), with_flaws=False)
    >>> any(r.verdict is Verdict.CONTRADICTION for r in clean)
    False

    Without the bank statement, the checks that need it do not run:

    >>> some = run_all(ml.casebook.load_case("C01"), evidence=["进货发票", "存货盘点表", "statement:李建国"])
    >>> {"sales_from_bank_flows", "debt_service"} & {r.method for r in some}
    set()
    """
    from . import documents as dm

    gate = _gate(evidence)
    from .statements import balance_sheet, income_statement

    docs = None
    if dm.has_investigation(case):
        docs = dm.build_documents(case, with_flaws=bool(with_flaws) and dm.has_answer_key(case))
    basis = _basis(case, docs)
    pnl = income_statement(case).monthly
    n = case.months
    results: list[CheckResult] = [_equity(case, basis, pnl)]
    if docs is not None:
        results += _document_checks(case, docs, basis, gate)
    closing = balance_sheet(case)
    norms: dict[str, float] = {}
    if case.segment != "consumer":
        try:
            norms = industry_norms(basis.norm or case.industry)
        except InputError:
            norms = {}
    margin = basis.margin
    if "inventory_days" in norms and margin is not None:
        claimed_cogs = basis.sales * (1 - margin)
        if claimed_cogs > 0 and basis.inventory >= 0.1 * claimed_cogs:
            results.append(_cite(inventory_days_check(basis.inventory, claimed_cogs, norms["inventory_days"]),
                                 "申报的存货、申报销售额与毛利率推出的月销货成本，行业参考天数（示例参数）"))
    receivables = float(closing.items["accounts_receivable"])
    if "receivable_days" in norms and basis.sales > 0 and receivables >= 0.1 * basis.sales:
        results.append(_cite(receivable_days_check(receivables, basis.sales, norms["receivable_days"]),
                             "重构资产负债表的应收账款、申报销售额，行业参考天数（示例参数）"))
    if "gross_margin" in norms and margin is not None and margin > 0:
        results.append(_cite(gross_margin_check(margin, norms["gross_margin"]),
                             "借款人申报的毛利率，行业参考毛利率（示例参数）"))
    expenses = float(pnl["operating_expenses"].mean())
    if "expense_ratio" in norms and expenses > 0 and basis.sales > 0:
        results.append(_cite(expense_ratio_check(expenses, basis.sales, norms["expense_ratio"]),
                             f"重构损益表的月均经营费用、申报销售额（{n} 个月），行业参考费用率（示例参数）"))
    if basis.household > 0:
        extras = dict(docs.facts.household_extras) if docs is not None else {}
        results.append(_cite(family_spending_check(basis.household, basis.members, area=basis.area, extra=extras),
                             "借款人申报的家庭开支、家庭人口与现场所见的额外开支（学费、养车等）"))
    if basis.sales > 0:
        months = _parameter("loan_purpose", basis.purpose, "可支撑月数")
        results.append(_cite(loan_purpose_check(case.request.amount, basis.sales, basis.purpose, months),
                             f"借款申请（{case.request.purpose}）、申报的月{'收入' if basis.salary else '销售额'}"))
    return results


def _basis(case: Case, docs: Any) -> _Basis:
    r = case.records
    purpose = {"farm": "seasonal_working_capital", "consumer": "consumption"}.get(case.segment, "working_capital")
    if docs is not None:
        claims, facts = docs.claims, docs.facts
        sales = claims.monthly_salary if claims.monthly_salary is not None else claims.monthly_sales
        return _Basis(sales=float(sales), margin=claims.gross_margin, household=claims.household_spending,
                      inventory=claims.inventory, total_debt=claims.total_debt, debt_service=claims.monthly_debt_service,
                      salary=claims.monthly_salary, members=facts.members, area=facts.area, norm=facts.industry_norm,
                      purpose=facts.loan_purpose)
    revenue = float(r["revenue"].sum())
    margin = 1 - float(r["cost_of_goods_sold"].sum()) / revenue if revenue > 0 and case.segment != "consumer" else None
    payments = float((r["business_loan_interest"] + r["business_loan_principal"] + r["private_loan_interest"]
                      + r["private_loan_principal"]).mean())
    salary = float(r["other_income"].mean()) if case.segment == "consumer" else None
    return _Basis(sales=salary if salary is not None else float(r["revenue"].mean()), margin=margin,
                  household=float(r["household_expenses"].mean()),
                  inventory=float(r["inventory"].iloc[-1]), total_debt=0.0, debt_service=payments, salary=salary,
                  members=case.household.members, area="农村" if case.segment == "farm" else "城镇", norm=None,
                  purpose=purpose)


def _equity(case: Case, basis: _Basis, pnl: pd.DataFrame) -> CheckResult:
    from .statements import balance_sheet

    r = case.records
    n = case.months
    revenue = float(r["revenue"].mean())
    true_margin = 1 - float(r["cost_of_goods_sold"].sum()) / float(r["revenue"].sum()) if revenue > 0 else 0.0
    margin = basis.margin if basis.margin is not None else true_margin
    if basis.salary is not None:  # a salaried borrower: the claimed wages against those in the records
        income_gap = basis.salary - float(r["other_income"].mean())
    else:
        income_gap = basis.sales * margin - revenue * true_margin
    gap = income_gap + float(r["household_expenses"].mean()) - basis.household
    claimed = float(pnl["disposable_income"].sum()) + n * gap
    principal = float((r["business_loan_principal"] + r["private_loan_principal"]).sum())
    opening = balance_sheet(case, "opening").equity
    actual = balance_sheet(case).equity
    injections, withdrawals = float(r["injections"].sum()), float(r["withdrawals"].sum())
    appreciation = float(r["appreciation"].sum())
    average = claimed / n
    note = ""
    if average <= 0:
        grown = (actual - opening - principal - injections + withdrawals - appreciation) / n
        average = max(grown, 0.02 * basis.sales, 1.0)
        note = f"（申报口径的月可支配资金不为正，偏差率改按资产负债表反映的月均 {average:,.0f} 元计算）"
    result = equity_check(opening, claimed + principal, injections, withdrawals, appreciation, 0.0, actual, n,
                          average)
    return replace(result, explanation=(
        f"证据：期初资产负债表、今日重构的资产负债表（存货按盘点）、借款人申报的销售额、毛利率和家庭开支。"
        f"期间利润取申报口径的 {n} 个月累计月可支配资金 {claimed:,.0f} 元，加上已在损益中扣减、但不减少权益的"
        f"还本 {principal:,.0f} 元；折旧已在损益中扣减{note}。{result.explanation}"),
        details={**result.details, "申报口径累计月可支配资金": claimed, "期间还本": principal})


def _document_checks(case: Case, docs: Any, basis: _Basis, gate: _Gate = _Gate()) -> list[CheckResult]:
    from . import documents as dm

    n = case.months
    facts, claims = docs.facts, docs.claims
    period = f"{docs.months[0]} 至 {docs.months[-1]}"
    out: list[CheckResult] = []
    sales_total = basis.sales * n

    # Group 2: purchases and margin. Without a count sheet (a farm) the closing stock counted is 0.
    survey = facts.weighted_margin is not None and gate.has("price_survey")
    count_ok = docs.inventory_count.empty or gate.has("inventory_count")
    if survey and basis.margin is not None:
        products = facts.products[["share", "purchase_price", "sale_price"]]
        out.append(_cite(weighted_margin_check(products, basis.margin),
                         f"现场价格调查（{len(products)} 类商品的进价、售价和销售占比）、借款人申报的毛利率"))
    invoices = docs.purchase_invoices
    counted = float(docs.inventory_count["amount"].sum()) if not docs.inventory_count.empty else 0.0
    if survey and count_ok and gate.has("purchase_invoices") and not invoices.empty and sales_total > 0:
        bought = float(invoices["amount"].sum())
        if bought + facts.opening_inventory - counted > 0:
            out.append(_cite(sales_from_purchases(bought, facts.opening_inventory, counted, facts.weighted_margin,
                                                  sales_total),
                             f"进货发票（{len(invoices)} 张，{period}）、上次调查的期初存货、今日存货盘点表、"
                             f"加权毛利率"))
        if facts.key_supplier:
            mine = invoices[invoices["supplier"] == facts.key_supplier]
            cogs = float(mine["amount"].sum()) - facts.key_cost_share * (counted - facts.opening_inventory)
            if cogs > 0:
                out.append(_cite(sales_from_product_share(cogs / (1 - facts.key_margin), facts.key_share, sales_total,
                                                          product=facts.key_product),
                                 f"{facts.key_supplier}的进货发票（{len(mine)} 张）、该类商品毛利率和销售占比、"
                                 f"存货变动按其占比分摊"))

    # Group 3: the bank statement.
    if gate.has("bank_transactions"):
        out += _bank_checks(case, docs, basis, period)

    # Group 4: utilities.
    bills = docs.utility_bills
    if facts.kwh_per_unit is not None and gate.has("utility_bills") and not bills.empty and sales_total > 0:
        out.append(_cite(sales_from_utilities(float(bills["kwh"].sum()), facts.kwh_per_unit, facts.unit_price,
                                              sales_total, base_consumption=facts.base_kwh * n,
                                              output_unit=facts.output_unit),
                         f"电费单（{len(bills)} 个月，电价约 {facts.tariff:g} 元/千瓦时）、每月基础用电 "
                         f"{facts.base_kwh:g} 千瓦时与单位耗电（现场观察与同业经验）"))

    # Group 5: the inventory count.
    if claims.inventory > 0 and case.segment != "consumer" and gate.has("inventory_count"):
        out.append(_cite(inventory_count_check(counted, claims.inventory),
                         f"今日存货盘点表（{len(docs.inventory_count)} 项）、借款人申报的存货"))

    # Group 6: different sources.
    out += _respondent_checks(case, docs, basis, dm, gate)
    ledger = docs.sales_ledger
    if gate.has("sales_ledger") and not ledger.empty and sales_total > 0:
        out.append(_cite(sales_from_documents(ledger["amount"].tolist(), sales_total, "ledger"),
                         f"借款人的销售账本（{len(ledger)} 个月）"))
    taxes = docs.tax_records
    if facts.tax_regime in _TAXED_SALES_REGIMES and gate.has("tax_records") and not taxes.empty and sales_total > 0:
        out.append(_cite(sales_from_documents(taxes["declared_sales"].tolist(), sales_total, "invoices"),
                         f"纳税记录（{facts.tax_regime}，{len(taxes)} 个季度的申报销售额）"))
    return out


def _bank_checks(case: Case, docs: Any, basis: _Basis, period: str) -> list[CheckResult]:
    """Group 3: the checks on the bank statement."""
    n = case.months
    facts = docs.facts
    out: list[CheckResult] = []
    tx_count = len(docs.bank_transactions)
    cite_bank = f"银行流水（{facts.account}，{period}，共 {tx_count:,} 笔）"
    report = _bank_report(docs)
    tx = report.transactions
    amount = tx["amount"]
    business = (amount > 0) & ~tx["non_sales_inflow"]
    identified = business & tx["description"].str.contains(_NON_SALES_WORDS, regex=True)
    business_total = report.average_monthly_business_inflow * len(report.monthly)
    if basis.salary is not None:
        payroll = float(amount[business & tx["description"].str.contains("工资")].sum()) / n
        out.append(_cite(salary_from_payroll(payroll, basis.salary), cite_bank))
    elif basis.sales > 0:
        other = float(amount[identified].sum())
        out.append(_cite(sales_from_bank_flows(business_total / n, facts.account_share, basis.sales,
                                               non_sales_inflow=min(other, business_total) / n),
                         cite_bank + f"，剔除家庭成员、本人账户、过账和贷款入账，另剔除租金、工资等非销售入账；"
                                     f"借款人所说经账户收款的比例 {facts.account_share:.0%}；以下金额均为月均数"))
    outflow = amount < 0
    debt_rows = tx[outflow & tx["description"].str.contains(_DEBT_WORDS, regex=True)]
    months_seen = debt_rows.groupby("counterparty")["month"].nunique()
    recurring = months_seen[months_seen >= max(3, n // 2)].index
    seen = float(-debt_rows.loc[debt_rows["counterparty"].isin(recurring), "amount"].sum()) / n
    if seen > 0 or basis.debt_service > 0:
        lenders = "、".join(map(str, recurring)) or "无"
        out.append(_cite(debt_service_check(seen, basis.debt_service),
                         f"{cite_bank}中按月出现的还款（对象：{lenders}），借款人申报的负债清单"))
    spent = float(-amount[outflow & tx["description"].str.contains(_HOUSEHOLD_WORDS, regex=True)].sum()) / n
    if basis.household > 0:
        out.append(_cite(household_spending_bank_check(spent, basis.household),
                         f"{cite_bank}中的消费、学费、购物、旅游等家庭支出，借款人申报的家庭开支"))
    return out


@lru_cache(maxsize=64)
def _bank_report(docs: Any) -> Any:
    """:func:`microloan_sim.offsite.analyse` of a documents bundle's statement, cached per bundle."""
    from .offsite import analyse

    return analyse(docs.bank_transactions, related_parties=docs.facts.related_parties,
                   borrower_name=docs.facts.borrower)


def _respondent_checks(case: Case, docs: Any, basis: _Basis, dm: Any,
                       gate: _Gate = _Gate()) -> list[CheckResult]:
    inv = dm.load_investigation(case)
    statements = docs.statements
    claims = docs.claims
    topic_name = {key: name for key, (name, _unit) in dm.TOPICS.items()}
    salary_topic = topic_name["salary"]
    own = {topic_name["monthly_sales"]: basis.sales if basis.salary is None else None, salary_topic: basis.salary,
           topic_name["household_spending"]: basis.household, topic_name["debts"]: basis.total_debt,
           topic_name["inventory"]: claims.inventory}
    units = {name: unit for name, unit in dm.TOPICS.values()}
    results = []
    heard = statements["respondent"].map(lambda name: gate.heard(str(name))).astype(bool)
    for topic, group in statements.groupby("topic", sort=False):
        topic = str(topic)
        group = group[heard.loc[group.index]]
        if group.empty:
            continue
        if topic == topic_name["monthly_purchases"]:
            if not gate.has("purchase_invoices"):
                continue
            for resp in inv.respondents:
                if resp.supplier is None:
                    continue
                said = group[group["respondent"] == resp.name]
                if said.empty:
                    continue
                mine = docs.purchase_invoices
                billed = float(mine.loc[mine["supplier"] == resp.supplier, "amount"].sum()) / case.months
                if billed <= 0:
                    continue
                pair = {"进货发票": billed, f"{resp.role}（{resp.name}）": float(said["value"].iloc[0])}
                results.append(_cite(source_disagreement_check(pair, "进货发票", item=f"从{resp.supplier}的月均进货额",
                                                               unit="元"),
                                     f"{resp.supplier}的进货发票、{resp.role}{resp.name}的询问记录"))
            continue
        sources: dict[str, float] = {}
        claim = own.get(topic)
        if claim is not None and claim > 0:
            sources["借款人"] = float(claim)
        if topic == salary_topic and docs.tax_records is not None and not docs.tax_records.empty \
                and docs.facts.tax_regime == "个人所得税" and gate.has("tax_records"):
            sources["个税记录"] = float(docs.tax_records["declared_sales"].sum()) / case.months
        for _, row in group.iterrows():
            sources[f"{row['role']}（{row['respondent']}）"] = float(row["value"])
        if len(sources) < 2 or all(v <= 0 for v in sources.values()):
            continue
        who = "借款人" if "借款人" in sources else next(k for k, v in sources.items() if v > 0)
        unit = "元" if units.get(topic, "元").startswith("元") else units[topic]
        people = "、".join(k for k in sources if k != "借款人")
        results.append(_cite(source_disagreement_check(sources, who, item=topic, unit=unit),
                             f"借款人申报与{people}的询问记录（话题：{topic}）"))
    return results


__all__ = [
    "CheckResult", "EVIDENCE", "GROUPS", "METHODS", "MethodInfo", "Verdict", "equity_check", "equity_check_b",
    "evidence_items",
    "expense_ratio_check", "family_spending_check", "gross_margin_check", "industry_norms", "inventory_days_check",
    "debt_service_check", "deviation_text", "format_value", "household_spending_bank_check", "inventory_count_check", "salary_from_payroll",
    "run_all", "load_config", "loan_purpose_check", "method", "quantity_check", "receivable_days_check", "receivables_check",
    "run_method", "sales_from_bank_flows", "sales_from_commissions", "sales_from_documents",
    "sales_from_product_share", "sales_from_purchases", "sales_from_statement", "sales_from_utilities",
    "source_disagreement_check", "to_frame", "tolerances", "verdict_for", "weighted_gross_margin",
    "weighted_margin_check",
]
