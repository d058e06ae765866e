"""The ``microloan`` command."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from microloan_sim import cli, serving


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
    template = serving.data_path("jupyter", "voila", "templates", "microloan")
    assert (template / "conf.json").is_file()
    assert cli.jupyter_environment()["JUPYTER_PATH"].startswith(str(serving.data_path("jupyter")))


def test_serve_frees_kernels_and_survives_bursts_by_default() -> None:
    command = cli.voila_command(cli.project_root(), port=8899)
    timeout = next(int(a.split("=")[1]) for a in command if a.startswith("--MappingKernelManager.cull_idle_timeout="))
    interval = next(int(a.split("=")[1]) for a in command if a.startswith("--MappingKernelManager.cull_interval="))
    assert timeout + interval <= 120  # an abandoned page's kernel is freed within 2 minutes
    assert "--MappingKernelManager.cull_connected=False" in command  # an open page is never culled
    assert "--VoilaExecutor.iopub_timeout=60" in command
    assert "--KernelManager.transport=ipc" in command
    root = next(a.split("=", 1)[1] for a in command if a.startswith("--Voila.connection_dir_root="))
    # voila_<8 chars>/kernel-<uuid>-ipc-<port>: a unix socket path must stay under 107 bytes
    assert len(root) + len("/voila_abcdefgh/kernel-") + 36 + len("-ipc-65535") < 107
    assert not any("disable_check_xsrf" in a for a in command)  # the XSRF check stays on
    template = serving.data_path("jupyter", "voila", "templates", "microloan", "index.html.j2").read_text("utf-8")
    assert "voila/tree/" in template and "_xsrf" in template


@pytest.mark.parametrize("flag", ["--cull-idle-timeout", "--cull-interval"])
def test_serve_refuses_non_positive_culling_times(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", flag, "0"]) == 2
    assert "内核回收时间" in capsys.readouterr().err


def test_serve_refuses_a_missing_directory(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "/no/such/folder"]) == 2
    assert "找不到目录" in capsys.readouterr().err


def test_unknown_subcommand_is_rejected() -> None:
    with pytest.raises(SystemExit):
        cli.main(["fly"])


def test_serve_warm_pools_only_the_chosen_notebooks() -> None:
    command = cli.voila_command(cli.project_root(), port=8899, warm={"course/04c_报表编制.ipynb": 5})
    pools = json.loads(next(a.split("=", 1)[1] for a in command
                            if a.startswith("--VoilaKernelManager.kernel_pools_config=")))
    assert pools == {"default": {"pool_size": 0}, "course/04c_报表编制.ipynb": {"pool_size": 5}}
    assert "--preheat_kernel=True" in command
    assert not any("kernel_pools_config" in a for a in cli.voila_command(cli.project_root(), port=8899))


def test_serve_warm_takes_the_lessons_short_names_with_the_default_pool_size() -> None:
    # what `microloan serve --warm 04c,04e=3 --warm ex01` (and `make serve WARM=04c,04e`) hands Voila
    args = cli.build_parser().parse_args(["serve", "--warm", "04c,04e=3", "--warm", "ex01"])
    assert args.warm_size == serving.WARM_POOL_SIZE == 2
    warm = serving.parse_warm(args.warm, cli.project_root(), size=args.warm_size)
    command = cli.voila_command(cli.project_root(), port=8899, warm=warm)
    pools = json.loads(next(a.split("=", 1)[1] for a in command
                            if a.startswith("--VoilaKernelManager.kernel_pools_config=")))
    # every notebook not named gets no pool: without the "default" entry Voila would give each a pool of 1
    assert pools == {"default": {"pool_size": 0}, "course/04c_报表编制.ipynb": {"pool_size": 2},
                     "course/04e_额度测算.ipynb": {"pool_size": 3}, "exercises/ex01_报表重构.ipynb": {"pool_size": 2}}
    assert command.count("--preheat_kernel=True") == 1
    sized = serving.parse_warm(["04c"], cli.project_root(), size=5)
    assert sized == {"course/04c_报表编制.ipynb": 5}


@pytest.mark.parametrize(("warm", "message"), [("course/no_such.ipynb", "找不到 course/no_such.ipynb"),
                                               ("course/04c_报表编制.ipynb=many", "不是整数"),
                                               ("course/04c_报表编制.ipynb=0", "1–30"),
                                               ("04z", "找不到 04z"),
                                               ("04", "对应多个笔记本"),
                                               ("04c,nothing", "找不到 nothing")])
def test_serve_refuses_a_bad_warm_pool(warm: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--warm", warm]) == 2
    err = capsys.readouterr().err
    assert "预热笔记本" in err and message in err


def test_serve_refuses_a_warm_size_of_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--warm", "04c", "--warm-size", "0"]) == 2
    assert "1–30" in capsys.readouterr().err
