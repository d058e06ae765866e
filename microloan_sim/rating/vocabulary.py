"""The source vocabulary: the case fields a scorecard indicator may read (see :func:`sources`), and how an
answer is shown with its unit.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from ..errors import InputError
from ..labels import RATIOS
from .sizing_parameters import load_parameters


@dataclass(frozen=True)
class Source:
    """One entry of the source vocabulary: where an indicator's answer comes from."""

    key: str
    label: str
    kind: Literal["number", "category"]
    unit: str = ""                      # 元 / 年 / 次 / 天 / 人 / 岁 / 倍 / %  (% = a fraction shown as a percentage)
    categories: tuple[str, ...] = ()    # the values a categorical source can take; empty = free text
    description: str = ""


_GRADES3 = ("好", "一般", "差")
_RATIO_UNITS = {"current_ratio": "%", "quick_ratio": "%", "inventory_days": "天", "receivable_days": "天",
                "payable_days": "天"}

_FIXED_SOURCES: tuple[Source, ...] = (
    Source("borrower.age", "年龄", "number", "岁"),
    Source("borrower.years_in_business", "从业年限", "number", "年"),
    Source("borrower.education", "文化程度", "category"),
    Source("borrower.gender", "性别", "category", categories=("男", "女")),
    Source("credit.overdue_times_24m", "近 24 个月逾期次数", "number", "次"),
    Source("credit.max_overdue_days", "最长逾期天数", "number", "天"),
    Source("credit.current_overdue", "当前是否逾期", "category", categories=("是", "否")),
    Source("credit.years_with_bank", "与本行信贷往来年限", "number", "年"),
    Source("credit.inquiries_6m", "近 6 个月贷款审批查询次数", "number", "次"),
    Source("credit.credit_card_utilisation", "信用卡额度使用率", "number", "%"),
    Source("soft_information.reputation", "口碑", "category", categories=_GRADES3),
    Source("soft_information.family_stability", "家庭稳定性", "category", categories=_GRADES3),
    Source("soft_information.local_residence_years", "本地居住年限", "number", "年"),
    Source("soft_information.industry_outlook", "行业前景", "category", categories=_GRADES3),
    Source("household.members", "家庭人口", "number", "人"),
    Source("household.labourers", "劳动力人数", "number", "人"),
    *(Source(f"ratio.{key}", name, "number", _RATIO_UNITS.get(key, "%"), description="statements.ratios")
      for key, name in RATIOS.items()),
    Source("derived.monthly_disposable", "月可支配资金（月平均）", "number", "元"),
    Source("derived.annual_disposable", "年可支配资金（近 12 个月合计）", "number", "元"),
    Source("derived.annual_revenue", "年销售收入（近 12 个月）", "number", "元"),
    Source("derived.net_assets", "净资产", "number", "元", description="期末资产负债表的所有者权益（含家庭资产负债）"),
    Source("derived.net_income_per_capita", "家庭人均纯收入", "number", "元",
           description="近 12 个月各项经营净收入合计 ÷ 家庭人口"),
    Source("derived.disposable_to_instalment", "月可支配资金 / 拟贷月供", "number", "倍",
           description="月供按申请金额、申请期限和评分卡 assumptions 中的利率与还款方式计算"),
    Source("derived.disposable_to_request", "年可支配资金 / 申请金额", "number", "倍"),
    Source("derived.equity_check_deviation", "权益交叉检验偏差率（绝对值）", "number", "%",
           description="交叉验证的权益检验：按借款人申报的利润推出的应有权益与今日重构的实际权益之差，"
                       "|应有权益 − 实际权益| ÷ 月数 ÷ 平均月可支配资金"),
    Source("derived.premises_type", "经营场所类型", "category", categories=("自有", "租赁", "其他")),
    Source("derived.guarantee_type", "担保方式（最强的一项）", "category",
           description="抵押率最高的抵押物类型；只有保证人时为“保证人”；没有时为“无”"),
)
SOURCES: dict[str, Source] = {s.key: s for s in _FIXED_SOURCES}
_ANSWER = re.compile(r"^answer\.[a-z][a-z0-9_]*$")


def _guarantee_categories() -> tuple[str, ...]:
    return (*load_parameters().ltv.keys(), "无")


def source_info(key: str) -> Source:
    """The vocabulary entry of a source key (``answer.*`` sources are open: number or category)."""
    if key in SOURCES:
        source = SOURCES[key]
        if key == "derived.guarantee_type":
            return Source(source.key, source.label, source.kind, source.unit, _guarantee_categories(),
                          source.description)
        return source
    if _ANSWER.match(key):
        return Source(key, key.split(".", 1)[1], "number", description="由信贷员填写")
    raise InputError(f"未知的数据来源“{key}”。可用的来源：{'、'.join(SOURCES)}，或 answer.<名称>", field="source")


def sources() -> pd.DataFrame:
    """The source vocabulary a scorecard may use: key, Chinese label, kind, unit, allowed values.

    Examples
    --------
    >>> table = sources()
    >>> table.loc["credit.overdue_times_24m", "名称"]
    '近 24 个月逾期次数'
    """
    rows = [source_info(k) for k in SOURCES]
    frame = pd.DataFrame({"名称": [s.label for s in rows], "类型": ["数值" if s.kind == "number" else "分类" for s in rows],
                          "单位": [s.unit for s in rows], "可选值": ["、".join(s.categories) for s in rows],
                          "说明": [s.description for s in rows]}, index=[s.key for s in rows])
    frame.index.name = "source"
    return frame


def _unit_value(value: float, unit: str) -> str:
    """A bound or answer with its unit, rounded for reading: ``10%``, ``2.9 年``, ``1.43 倍``, ``50,000 元``."""
    if math.isinf(value):
        return "∞"
    if unit == "%":
        return f"{round(value * 100, 1):g}%"
    if unit == "元":
        return f"{value:,.0f} 元"
    if unit == "倍":
        return f"{round(value, 2):g} 倍"
    return f"{round(value, 1):g} {unit}".strip()


__all__ = ["SOURCES", "Source", "source_info", "sources"]
