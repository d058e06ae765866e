"""A page pays only for what it shows (issue 16, item 2): 30 learners opening a page at once on 2 cores wait
for 30 times its kernel's CPU, so ``import microloan_sim`` imports nothing heavy, an exercise form never
imports matplotlib or the gradebook's SQLAlchemy, and a chart in a tab nobody has opened is not drawn.

Each check runs in a fresh interpreter, since the test session itself has imported everything already.
No check is about time: each names the modules that must not be loaded.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "pydantic", "matplotlib", "scipy", "sklearn", "sqlalchemy", "ipywidgets")


def loaded_after(code: str) -> set[str]:
    """The top-level packages among HEAVY (and microloan_sim's submodules) loaded after running ``code``."""
    probe = textwrap.dedent(code) + textwrap.dedent("""
        import json, sys
        print(json.dumps(sorted(name for name in sys.modules
                                if name.split(".")[0] in %r or name.startswith("microloan_sim."))))
    """ % (HEAVY,))
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            cwd=REPO, env={**os.environ, "MPLBACKEND": "agg"})  # this checkout's package
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_importing_the_package_imports_no_submodule_and_nothing_heavy() -> None:
    loaded = loaded_after("import microloan_sim as ml")
    assert not {name.split(".")[0] for name in loaded} & set(HEAVY)
    assert loaded <= {"microloan_sim._version", "microloan_sim.errors"}


def test_submodules_still_load_on_first_use() -> None:
    loaded = loaded_after("""
        import microloan_sim as ml
        assert ml.casebook.load_case("C01").id == "C01"
        from microloan_sim import statements
        assert statements.balance_sheet(ml.casebook.load_case("C01")).total_assets > 0
    """)
    assert {"microloan_sim.casebook", "microloan_sim.statements"} <= loaded
    assert "microloan_sim.crosscheck" not in loaded and "matplotlib" not in loaded


def test_the_exercise_form_loads_neither_matplotlib_nor_the_gradebook() -> None:
    loaded = loaded_after("""
        import contextlib, io
        import microloan_sim as ml
        with contextlib.redirect_stdout(io.StringIO()):
            ml.ui.exercise_form("ex01")
    """)
    assert "microloan_sim.ui.exercises" in loaded
    # the grading policy (YAML) is shown at once; the database (SQLAlchemy, the store) waits for the first submit
    assert "matplotlib" not in loaded and "sqlalchemy" not in loaded and "microloan_sim.gradebook.store" not in loaded


@pytest.mark.parametrize("case_id", ["C01", "C03"])
def test_the_statement_explorer_draws_a_chart_only_when_its_tab_is_opened(case_id: str) -> None:
    closed = loaded_after(f"""
        import contextlib, io
        import microloan_sim as ml
        with contextlib.redirect_stdout(io.StringIO()):
            box = ml.ui.statement_explorer("{case_id}")
        tabs = box.children[3]
        assert tabs.selected_index == 0 and len(tabs.children[0].outputs) == 2
        assert all(len(out.outputs) == 0 for out in tabs.children[1:])
    """)
    assert "matplotlib" not in closed
    opened = loaded_after(f"""
        import contextlib, io
        import microloan_sim as ml
        with contextlib.redirect_stdout(io.StringIO()):
            box = ml.ui.statement_explorer("{case_id}")
        tabs = box.children[3]
        tabs.selected_index = 2  # the cash-flow tab: its table and its chart
        assert [o["output_type"] for o in tabs.children[2].outputs] == ["display_data", "display_data"]
        assert "image/png" in tabs.children[2].outputs[1]["data"]
        box.children[1].value = "cash"  # a change while the cash tab is on show redraws it at once ...
        assert "image/png" in tabs.children[2].outputs[1]["data"]
        assert len(tabs.children[1].outputs) == 0  # ... and leaves the unopened income tab undrawn
        tabs.selected_index = 1
        assert "收付实现制" in tabs.children[1].outputs[0]["data"]["text/html"]
    """)
    assert "matplotlib" in opened and "matplotlib.pyplot" not in opened


def test_the_gradebooks_lazy_names_are_the_names_it_imports_for_type_checkers() -> None:
    """``gradebook/__init__.py`` names each lazily loaded name twice: in ``_LAZY`` (name → module, for the loader)
    and in its ``TYPE_CHECKING`` imports (for type checkers and readers). The two lists must stay the same."""
    import ast

    from microloan_sim import gradebook

    tree = ast.parse(Path(gradebook.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    imported = {alias.name: node.module for node in block.body if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert imported == dict(gradebook._LAZY)
