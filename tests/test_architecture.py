"""The house rules of ARCHITECTURE.md, enforced: the ladder of layers (import-linter) and small modules."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "microloan_sim"
#: A module that grows past this becomes a package of the same name (ARCHITECTURE.md, "Growing the house").
MAX_MODULE_LINES = 800


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter's contracts of ``root/pyproject.toml`` on the package under ``root``."""
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept() -> None:
    """Every arrow points down the ladder, and domain modules never import a UI library."""
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_ladder(tmp_path: Path) -> None:
    """The contract really bites: a copy of the package where ``casebook`` imports ``sizing`` fails it,
    as does a domain module importing matplotlib."""
    shutil.copytree(PACKAGE, tmp_path / "microloan_sim", ignore=shutil.ignore_patterns("data", "__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    casebook = tmp_path / "microloan_sim" / "casebook.py"
    if not casebook.exists():  # casebook may have become a package
        casebook = tmp_path / "microloan_sim" / "casebook" / "__init__.py"
    casebook.write_text(casebook.read_text(encoding="utf-8") + "\nfrom . import sizing  # upward\n", encoding="utf-8")
    errors = tmp_path / "microloan_sim" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nimport matplotlib  # a UI library\n", encoding="utf-8")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "microloan_sim.casebook is not allowed to import microloan_sim.sizing" in result.stdout
    assert "Contracts: 0 kept, 2 broken." in result.stdout


def test_no_module_is_a_giant() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    too_long = {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_long, f"split these into packages (ARCHITECTURE.md): {too_long}"
