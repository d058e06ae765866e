"""微贷实训 Microloan Lab: the simulation package behind the course notebooks.

The public API reads like the course::

    import microloan_sim as ml
    case = ml.casebook.load_case("C01", variant="学员-07")
    ml.statements.balance_sheet(case).equity
    ml.statements.income_statement(case, basis="cash").disposable_income

Domain modules are imported eagerly (they are light); the widget dashboards in :mod:`microloan_sim.ui`
are imported only when first used, so ``import microloan_sim`` stays fast and free of ipywidgets.

Examples
--------
>>> import microloan_sim as ml
>>> ml.InputError.__mro__[1] is ValueError
True
"""
from __future__ import annotations

import importlib
from typing import Any

from . import casebook, crosscheck, labels, statements
from ._version import __version__
from .errors import InputError

_LAZY = {"ui", "plotting", "schedules", "pricing", "products", "rating", "sizing", "exercises", "gradebook",
         "offsite", "documents", "compliance", "portfolio", "performance", "marketing", "lending_models"}

__all__ = ["InputError", "casebook", "crosscheck", "labels", "statements", *sorted(_LAZY), "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'microloan_sim' has no attribute {name!r}")
