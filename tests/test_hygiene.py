"""House rules: clean notebooks, matching dependency lists, a course map that links every notebook."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("course", "exercises", "casebook") for p in (REPO / folder).glob("*.ipynb"))
# pip name -> conda-forge name where they differ
CONDA_NAMES = {"build": "python-build", "types-pyyaml": "types-pyyaml"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_notebooks_exist_and_are_stored_clean() -> None:
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{path.name}: committed outputs"
                assert cell.get("execution_count") is None, f"{path.name}: committed execution count"


def test_pyproject_and_environment_list_the_same_dependencies() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    pip_names |= {_name(r) for r in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda_names = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python"}
    assert {CONDA_NAMES.get(n, n) for n in pip_names} == conda_names
    assert "conda-forge" in env["channels"]


def test_no_lock_file_with_download_addresses() -> None:
    for name in ("requirements.lock", "poetry.lock", "Pipfile.lock", "pdm.lock", "uv.lock", "conda-lock.yml"):
        assert not (REPO / name).exists()


def test_course_map_links_every_notebook() -> None:
    guide = json.loads((REPO / "course" / "00_导学.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in guide["cells"] if c["cell_type"] == "markdown")
    for path in NOTEBOOKS:
        if path.parent.name == "course" and path.stem != "00_导学":
            assert f"({path.name})" in text, f"00_导学 does not link {path.name}"
        if path.parent.name == "exercises" and "instructor" not in path.stem:
            assert f"(../exercises/{path.name})" in text, f"00_导学 does not link {path.name}"


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_domain_modules_do_not_import_ui_libraries() -> None:
    """Layers point one way: domain modules never import ipywidgets, IPython or matplotlib."""
    domain = ["casebook", "statements", "crosscheck", "rating", "sizing", "schedules", "pricing", "products",
              "exercises", "gradebook", "labels", "offsite", "documents", "errors", "_data", "portfolio"]
    for name in domain:
        module, package = REPO / "microloan_sim" / f"{name}.py", REPO / "microloan_sim" / name
        for path in [module] if module.exists() else sorted(package.glob("*.py")):  # a module or a package
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(import|from)\s+(ipywidgets|IPython|matplotlib)", source, re.M), path.name
