"""Widget dashboards (ipywidgets), one module per activity. No domain math lives here.

Each public function builds and returns a widget; the notebooks call them in one line, e.g.
``ml.ui.statement_explorer()``. Imports are lazy so that ``import microloan_sim`` needs no ipywidgets.
"""
from __future__ import annotations

import importlib
from typing import Any

#: public dashboard name -> module that defines it
DASHBOARDS = {
    "statement_explorer": "statements",
    "exercise_form": "exercises",
    "instructor_dashboard": "instructor",
    "scorecard_explorer": "rating",
    "approval_explorer": "rating",
    "sizing_calculator": "sizing",
    "reflection": "reflections",
    "product_comparator": "products",
    "schedule_explorer": "products",
    "revolving_explorer": "products",
    "product_cards": "products",
    "offsite_explorer": "offsite",
    "crosscheck_explorer": "crosscheck",
    "case_browser": "casebook",
    "disclosure_checker": "compliance",
    "contract_checker": "compliance",
    "aml_explorer": "compliance",
    "informal_debt_cap": "compliance",
    "collection_review": "compliance",
    "policy_checker": "portfolio",
    "granularity_simulator": "portfolio",
    "economics_explorer": "portfolio",
    "incentive_simulator": "portfolio",
    "loan_file_review": "performance",
    "loan_playback": "performance",
    "book_dashboard": "performance",
    "early_warning_tuner": "performance",
    "collections_ladder": "performance",
    "review_cost_table": "performance",
    "classification_floor_table": "performance",
    "marketing_planner": "marketing",
    "strategy_comparison": "marketing",
    "county_map": "marketing",
    "core_shock_explorer": "marketing",
    "village_rating_explorer": "marketing",
    "campaign_checker": "marketing",
    "marketing_quiz": "marketing",
    "microloan_features": "overview",
    "method_comparison": "overview",
    "import_timeline": "overview",
    "ipc_steps": "overview",
    "spread_simulator": "overview",
    "product_type_browser": "overview",
    "case_cards": "cases",
    "failure_replay": "cases",
    "success_levers": "cases",
    # worked examples and reference tables of the course prose (formatted, never a bare DataFrame or tuple)
    "bank_statement_sample": "worked",
    "case_list": "worked",
    "check_table": "worked",
    "data_size_effect": "worked",
    "expert_vs_statistical": "worked",
    "farmer_line_example": "worked",
    "figures": "worked",
    "household_balance": "worked",
    "month_profit": "worked",
    "rating_breakdown": "worked",
    "say": "worked",
    "scorecard_overview": "worked",
    "show_table": "worked",
}


def __getattr__(name: str) -> Any:
    if name in DASHBOARDS:
        module = importlib.import_module(f".{DASHBOARDS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'microloan_sim.ui' has no attribute {name!r}")


__all__ = sorted(DASHBOARDS)
