"""The wheel carries the casebook, and a case loads from the installed wheel (no repository around it)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_case_loads_from_built_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("microloan_sim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("microloan_sim/_casebook/C01_") and n.endswith("case.yaml") for n in names)
    assert "microloan_sim/data/fonts/NotoSansSC-GB2312.otf" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import microloan_sim as ml, microloan_sim.casebook as cb;"
             "c = ml.casebook.load_case('C03', variant='学员-01');"
             "print(cb.casebook_dir().name, c.title, round(ml.statements.balance_sheet(c).equity))")
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    folder, title, _equity = run.stdout.split()
    assert folder == "_casebook"
    assert title == "生猪养殖户（农户）"
