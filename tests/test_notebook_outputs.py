"""A notebook cell shows a learner only what ``ml.ui`` formats (issue 12, item 15).

The browser test (tests/test_browser_learner_view.py) reads what Voila shows; this fast static check catches
the usual cause before it gets there: a cell whose last line is a bare domain result (a DataFrame, a tuple, a
dict, a string), which Jupyter displays as its repr.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("course", "exercises", "casebook") for p in (REPO / folder).glob("*.ipynb"))


def _from_ui(node: ast.expr) -> bool:
    """``ml.ui.<name>(...)``, or ``print(...)`` of text."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            return True
        while isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Attribute) and func.value.attr == "ui" and \
                    isinstance(func.value.value, ast.Name) and func.value.value.id == "ml":
                return True
            func = func.value
    return False


def shown_without_ui(source: str) -> str | None:
    """The last expression of a cell if Jupyter would display it and it does not come from ``ml.ui``.

    >>> shown_without_ui('ml.ui.case_list()') is None
    True
    >>> shown_without_ui('x = ml.ui.statement_explorer("C01")\\nx') is None
    True
    >>> shown_without_ui('ml.rating.rate(case).breakdown')
    'ml.rating.rate(case).breakdown'
    >>> shown_without_ui('a, b') is None, shown_without_ui('assert 1') is None
    (False, True)
    """
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return None
    last = tree.body[-1].value
    if _from_ui(last):
        return None
    if isinstance(last, ast.Name):
        for statement in tree.body[:-1]:
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == last.id
                                                         for t in statement.targets) and _from_ui(statement.value):
                return None
    return ast.unparse(last)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_displayed_result_goes_through_ml_ui(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    bare = [shown for cell in cells if cell["cell_type"] == "code"
            for shown in [shown_without_ui("".join(cell["source"]))] if shown]
    assert not bare, f"{notebook.name} 显示了未格式化的结果：{bare}"
