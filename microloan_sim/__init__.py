"""微贷实训 Microloan Lab: the simulation package behind the course notebooks.

The public API reads like the course::

    import microloan_sim as ml
    case = ml.casebook.load_case("C01", variant="学员-07")
    ml.statements.balance_sheet(case).equity
    ml.statements.income_statement(case, basis="cash").disposable_income

Every submodule is imported when first used (module ``__getattr__``, PEP 562), so ``import microloan_sim``
costs almost nothing and a dashboard page pays only for what it shows: a statement page never imports the
crosscheck methods, an exercise form never imports matplotlib. ``python -X importtime -c "import
microloan_sim"`` shows it.

Examples
--------
>>> import microloan_sim as ml
>>> ml.InputError.__mro__[1] is ValueError
True
>>> ml.statements.__name__
'microloan_sim.statements'
"""
from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__
from .errors import InputError

_LAZY = {"casebook", "crosscheck", "labels", "statements", "ui", "plotting", "schedules", "pricing", "products",
         "rating", "sizing", "exercises", "gradebook", "offsite", "documents", "compliance", "portfolio",
         "performance", "marketing", "lending_models"}

__all__ = ["InputError", *sorted(_LAZY), "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'microloan_sim' has no attribute {name!r}")
