"""微贷模式 (第一部分 微贷概述, 第二部分 成功案例): the traditional collateral-and-statements rule against the IPC
method on the casebook, what a half-done IPC review misses and how much it over-lends, the sourced history of
the method in China and the sourced success cases, and the 004 product types over the catalogue.

* :mod:`.compare`: :func:`traditional_decision`, :func:`compare_methods` (toggles ``no_audited``,
  ``no_property``), :func:`served`;
* :mod:`.spread`: review levels, :func:`flaw_findings` (the detection engine on each level's evidence),
  :func:`over_lending`, :func:`case_outcome`, :func:`spread_table`;
* :mod:`.history`: :func:`timeline`, :func:`timeline_figures`, :func:`cards` (sourced only);
* :mod:`.product_types`: :func:`types`, :func:`products_of_type`.

Parameters are 示例参数 in ``data/lending_models.yaml``; facts with sources in ``data/lending_history.yaml``.
The failure patterns of 004 ch.6 replay on the loan engine: :mod:`microloan_sim.performance.failures`.

Examples
--------
>>> import microloan_sim as ml
>>> ml.lending_models.traditional_decision(100_000, True, 0)["reason"]
'没有可抵押的房产'
"""
from __future__ import annotations

from .compare import compare_methods, ipc_steps, microloan_features, served, size_band, traditional_decision
from .history import card, cards, timeline, timeline_figures
from .parameters import SECTIONS, CaseCard, Figure, History, LendingModels, load_history, load_parameters
from .product_types import product_type, products_of_type, types
from .spread import COMPONENT, case_outcome, flaw_findings, over_lending, review_level, spread_summary, spread_table

__all__ = ["card", "cards", "case_outcome", "CaseCard", "compare_methods", "COMPONENT", "Figure", "flaw_findings",
           "History", "ipc_steps", "LendingModels", "microloan_features", "size_band", "load_history", "load_parameters", "over_lending", "product_type",
           "products_of_type", "review_level", "SECTIONS", "served", "spread_summary", "spread_table", "timeline", "timeline_figures",
           "traditional_decision", "types"]
