"""The ``microloan`` command: ``serve [PATH]``, ``lab`` and ``cases``.

Examples
--------
>>> cmd = voila_command(project_root(), port=8866)
>>> cmd[1:3] == ["-m", "voila"] and "--Voila.ip=127.0.0.1" in cmd
True
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._data import PACKAGE_DIR, data_path

#: Voila's frontend breaks with this JupyterLab extension loaded (architecture §5).
EXTENSION_DENYLIST = ("@jupyter-notebook/lab-extension",)
#: Only images are served as static files; case files, answer keys and databases never are.
FILE_ALLOWLIST = (r".*\.(png|jpg|gif|svg)",)
TEMPLATE = "microloan"


def project_root() -> Path:
    """The folder that holds ``course/`` (the repository, or the current directory for a wheel install)."""
    for candidate in (PACKAGE_DIR.parent, Path.cwd()):
        if (candidate / "course").is_dir():
            return candidate
    return Path.cwd()


def jupyter_environment() -> dict[str, str]:
    """Environment for Voila/JupyterLab: our Chinese Voila template on ``JUPYTER_PATH``."""
    env = dict(os.environ)
    extra = str(data_path("jupyter"))
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (extra, env.get("JUPYTER_PATH", "")) if p)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def voila_command(root: Path, port: int, *, preheat: bool = False) -> list[str]:
    """The Voila command line used by ``microloan serve`` and by the tests."""
    command = [
        sys.executable, "-m", "voila", str(root), "--no-browser", "--Voila.ip=127.0.0.1", f"--port={port}",
        f"--template={TEMPLATE}", "--VoilaConfiguration.show_tracebacks=False",
        *(f"--VoilaConfiguration.extension_denylist={item}" for item in EXTENSION_DENYLIST),
        *(f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST),
    ]
    if preheat:
        command.append("--preheat_kernel=True")
    return command


def _serve(args: argparse.Namespace) -> int:
    root = Path(args.path).resolve() if args.path else project_root()
    if not root.is_dir():
        print(f"错误：找不到目录 {root}", file=sys.stderr)
        return 2
    url = f"http://127.0.0.1:{args.port}/"
    print(f"微贷实训课程已启动：{url}", flush=True)
    entry = root / "course" / "00_导学.ipynb"
    if entry.is_file():
        print(f"从导学开始：{url}voila/render/course/00_导学.ipynb", flush=True)
    print("按 Ctrl+C 停止服务。", flush=True)
    os.execvpe(sys.executable, voila_command(root, args.port, preheat=args.preheat), jupyter_environment())
    return 0  # pragma: no cover - exec does not return


def _lab(args: argparse.Namespace) -> int:
    root = project_root()
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={root}", "--ServerApp.ip=127.0.0.1",
               f"--port={args.port}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    os.execvpe(sys.executable, command, jupyter_environment())
    return 0  # pragma: no cover


def _cases(_args: argparse.Namespace) -> int:
    from .casebook import list_cases
    from .labels import SEGMENTS

    table = list_cases()
    for row in table.itertuples():
        segment = str(row.segment)
        print(f"{row.id}\t{row.title}\t{SEGMENTS.get(segment, segment)}\t{row.industry}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microloan", description="微贷实训 Microloan Lab")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="用 Voila 提供课程仪表板（学员模式）")
    serve.add_argument("path", nargs="?", help="要提供的目录（默认：课程所在目录）")
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--preheat", action="store_true", help="预热内核，缩短打开时间")
    serve.set_defaults(func=_serve)
    lab = sub.add_parser("lab", help="打开 JupyterLab（讲师与自学）")
    lab.add_argument("--port", type=int, default=8888)
    lab.set_defaults(func=_lab)
    cases = sub.add_parser("cases", help="列出案例库")
    cases.set_defaults(func=_cases)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:  # InputError and friends: one Chinese line, no traceback
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
