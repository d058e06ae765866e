"""我国微贷技术引进过程 (第一部分 三(一)) and the success cases of 第二部分, from sourced data only.

Everything here reads ``data/lending_history.yaml`` (:func:`~.parameters.load_history`), whose every figure
carries its source. The functions only select and order entries; they add no number of their own.

Examples
--------
>>> frame = timeline_figures()
>>> set(frame.columns) >= {"日期", "项目", "数值", "单位", "来源"}
True
>>> [c.id for c in cards("city")]
['taizhou']
"""
from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .parameters import SECTIONS, CaseCard, TimelineEntry, load_history


def timeline() -> list[TimelineEntry]:
    """The timeline entries in the file's (chronological) order."""
    return list(load_history().timeline)


def timeline_figures() -> pd.DataFrame:
    """Every figure of the timeline, one row each: 日期, 项目, 数值, 单位, 来源."""
    rows = [{"日期": e.date, "项目": f.label, "数值": f.value, "单位": f.unit, "来源": f.source}
            for e in timeline() for f in e.figures]
    return pd.DataFrame(rows, columns=["日期", "项目", "数值", "单位", "来源"])


def cards(section: str | None = None) -> list[CaseCard]:
    """The case cards of one section (id or heading; None = all), in the file's order.

    >>> cards("海外")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 案例类别：没有“海外”（可选：foreign、joint_stock、policy、city、rural、village、warning）
    """
    items = list(load_history().cases)
    if section is None:
        return items
    key = str(section).strip()
    by_heading = {v: k for k, v in SECTIONS.items()}
    key = by_heading.get(key, key)
    if key not in SECTIONS:
        raise InputError(f"没有“{section}”（可选：{'、'.join(SECTIONS)}）", field="案例类别")
    return [c for c in items if c.section == key]


def card(card_id: str) -> CaseCard:
    """One card by id or institution name."""
    for item in load_history().cases:
        if str(card_id).strip() in (item.id, item.institution):
            return item
    raise InputError(f"没有“{card_id}”", field="案例")
