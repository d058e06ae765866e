"""The ``microloan`` command."""
from __future__ import annotations

import subprocess
import sys

import pytest

from microloan_sim import cli


def test_cases_lists_every_case_in_chinese() -> None:
    result = subprocess.run([sys.executable, "-m", "microloan_sim.cli", "cases"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("C01\t城郊便利店")
    assert any("生猪养殖户" in line and "农户" in line for line in lines)


def test_serve_command_line_is_safe_by_default() -> None:
    command = cli.voila_command(cli.project_root(), port=8899)
    assert "--Voila.ip=127.0.0.1" in command and "--port=8899" in command
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert "--template=microloan" in command
    assert any(arg.startswith("--VoilaConfiguration.file_allowlist=") and "yaml" not in arg for arg in command)
    template = cli.data_path("jupyter", "voila", "templates", "microloan")
    assert (template / "conf.json").is_file()
    assert cli.jupyter_environment()["JUPYTER_PATH"].startswith(str(cli.data_path("jupyter")))


def test_serve_refuses_a_missing_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "/no/such/folder"]) == 2
    assert "找不到目录" in capsys.readouterr().err


def test_unknown_subcommand_is_rejected() -> None:
    with pytest.raises(SystemExit):
        cli.main(["fly"])
