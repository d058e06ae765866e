"""The ``microloan`` command: ``serve [PATH] [--instructor]``, ``classroom``, ``hash-roster``, ``lab``, ``cases`` and
``gradebook``.

What and how Voila serves (the learner-safe root, culling, kernel limits) lives in :mod:`microloan_sim.serving`;
this module parses the command line and starts the servers.

Examples
--------
>>> build_parser().parse_args(["serve", "--port", "9000"]).port
9000
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from datetime import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import InputError
from .serving import (
    INSTRUCTOR_MARK,
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    MAX_KERNELS_PER_CLIENT,
    WARM_POOL_SIZE,
    project_root,
    jupyter_environment,
    _short_runtime_dir,
    _check_culling,
    voila_command,
    parse_warm,
    _is_within,
    build_served_root,
    serve_environment,
    is_loopback,
)


def _run_until_stopped(process: subprocess.Popen[bytes], roots: Sequence[Path], *, grace: float) -> int:
    """Wait for a server started by ``serve`` or ``classroom``; on Ctrl+C or SIGTERM give it ``grace`` seconds
    to shut its kernels down, then stop it, and always remove the temporary served roots."""
    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:  # the server got the same Ctrl+C; give it time to shut its kernels down
        try:
            return process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


def _serve(args: argparse.Namespace) -> int:
    from .gradebook import data_dir

    _check_culling(args.cull_idle_timeout, args.cull_interval)
    if args.max_kernels_per_client < 0:
        raise InputError("不能为负数（0 表示不限）", field="每个访问者的内核上限（--max-kernels-per-client）")
    if args.instructor and not is_loopback(args.ip):
        print("错误：讲师模式只能在本机访问（--ip 127.0.0.1）。讲师仪表板没有登录保护，若监听局域网地址，"
              "同一网络中的任何人都能看到全班成绩并打分。请让学员连接学员模式的服务"
              "（microloan serve --ip 0.0.0.0），讲师模式另开一个只在本机访问的端口。", file=sys.stderr)
        return 2
    source = Path(args.path).resolve() if args.path else project_root()
    if not source.is_dir():
        print(f"错误：找不到目录 {source}", file=sys.stderr)
        return 2
    data = data_dir()
    root = build_served_root(source, instructor=args.instructor, exclude=[data])
    if _is_within(data, root):  # pragma: no cover - build_served_root makes a fresh temporary folder
        print(f"错误：成绩册目录 {data} 位于要提供的目录之内", file=sys.stderr)
        return 2
    url = f"http://{'127.0.0.1' if args.ip in ('127.0.0.1', '0.0.0.0') else args.ip}:{args.port}/"
    mode = "讲师模式" if args.instructor else "学员模式"
    print(f"微贷实训课程已启动（{mode}）：{url}", flush=True)
    entry = root / "course" / "00_导学.ipynb"
    if entry.is_file():
        print(f"从导学开始：{url}voila/render/course/00_导学.ipynb", flush=True)
    if args.instructor:
        for dashboard in sorted(root.glob(f"exercises/*{INSTRUCTOR_MARK}*.ipynb")):
            print(f"讲师成绩册：{url}voila/render/exercises/{dashboard.name}", flush=True)
        print(f"成绩册数据目录（不对外提供）：{data}", flush=True)
    else:
        print("讲师仪表板在学员模式下不提供；讲师请另行运行 microloan serve --instructor。", flush=True)
    print(f"服务目录：{root}", flush=True)
    print("按 Ctrl+C 停止服务。", flush=True)
    if not is_loopback(args.ip):
        print(f"注意：服务监听 {args.ip}，同一网络中的任何人都可以不经登录用本机的局域网地址（端口 {args.port}）"
              "打开全部学员页面并提交练习；讲师仪表板和答案不在其中。", flush=True)
    try:
        warm = parse_warm(args.warm, root, size=args.warm_size)
    except InputError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    for notebook, size in warm.items():
        print(f"预热：{notebook} 保持 {size} 个内核待用", flush=True)
    if not args.plain_kernels and not args.prepare_on_demand:
        print("课程页面正在后台准备（约 20 秒）；期间打开的页面同样可用，只是稍慢。", flush=True)
    command = voila_command(root, args.port, preheat=args.preheat, ip=args.ip,
                            cull_idle_timeout=args.cull_idle_timeout, cull_interval=args.cull_interval,
                            max_kernels_per_client=args.max_kernels_per_client, allowed_hosts=args.allow_host,
                            warm=warm, fork_kernels=not args.plain_kernels,
                            prepare_course=not args.prepare_on_demand)
    process = subprocess.Popen(command, env=serve_environment(data, instructor=args.instructor), cwd=root)
    return _run_until_stopped(process, [root], grace=15)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def classroom_setup(roster: Path, *, state_dir: Path, ip: str = "127.0.0.1", port: int = 8000,
                    source: Path | None = None, data: Path | None = None,
                    cull_idle_timeout: int = CULL_IDLE_TIMEOUT, cull_interval: int = CULL_INTERVAL,
                    server_idle_timeout: int = 3600,
                    max_kernels: int = MAX_KERNELS_PER_CLIENT) -> tuple[list[str], dict[str, str], list[Path]]:
    """The JupyterHub command, its environment and the served roots to remove afterwards."""
    from . import classroom
    from .gradebook import data_dir

    classroom.read_roster(roster)  # refuse a bad roster before anything starts
    _check_culling(cull_idle_timeout, cull_interval)
    source = (source or project_root()).resolve()
    data = (data or data_dir()).resolve()
    learner_root = build_served_root(source, instructor=False, exclude=[data])
    instructor_root = build_served_root(source, instructor=True, exclude=[data])
    settings = classroom.write_settings(
        state_dir, roster=str(roster.resolve()), ip=ip, port=port, hub_port=_free_port(),
        proxy_api_port=_free_port(), learner_root=str(learner_root), instructor_root=str(instructor_root),
        data_dir=str(data), db_url=os.environ.get("MICROLOAN_DB_URL", ""), runtime_root=_short_runtime_dir(),
        jupyter_path=jupyter_environment()["JUPYTER_PATH"], cull_idle_timeout=cull_idle_timeout,
        cull_interval=cull_interval, server_idle_timeout=server_idle_timeout, max_kernels=max_kernels)
    env = jupyter_environment()
    env.pop("JUPYTER_CONFIG_DIR", None)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "jupyterhub", "-f", str(settings.parent / "jupyterhub_config.py")]
    return command, env, [learner_root, instructor_root]


def _classroom(args: argparse.Namespace) -> int:
    """A class behind JupyterHub on this machine (see :mod:`microloan_sim.classroom`)."""
    from .classroom import read_roster

    read_roster(Path(args.roster))  # a bad roster is refused first, in Chinese
    if shutil.which("configurable-http-proxy") is None:
        print("错误：找不到 configurable-http-proxy（请运行 npm install -g configurable-http-proxy，"
              "或 make classroom）", file=sys.stderr)
        return 2
    state = Path(args.state_dir).resolve() if args.state_dir else Path(tempfile.mkdtemp(prefix="microloan-hub-"))
    command, env, roots = classroom_setup(Path(args.roster), state_dir=state, ip=args.ip, port=args.port)
    url = f"http://{'127.0.0.1' if args.ip in ('127.0.0.1', '0.0.0.0') else args.ip}:{args.port}/"
    print(f"微贷实训课堂已启动：{url}（学员用花名册中的账号和初始密码登录；讲师账号可进入讲师成绩册）", flush=True)
    print(f"讲师成绩册：{url}hub/user-redirect/voila/render/exercises/instructor_成绩册.ipynb", flush=True)
    print("按 Ctrl+C 停止。", flush=True)
    process = subprocess.Popen(command, env=env, cwd=state)
    return _run_until_stopped(process, roots, grace=30)


def _hash_roster(args: argparse.Namespace) -> int:
    """The roster as a file of salted password hashes, for the hub on Kubernetes (secret ``microloan-roster``)."""
    from .classroom import read_roster
    from .hub_auth import write_roster_file

    entries = read_roster(Path(args.roster))
    write_roster_file([(e.username, e.password, e.role) for e in entries], str(args.output))
    print(f"已写入 {args.output}：{len(entries)} 个账号（只含加盐的密码哈希，不含密码本身）", flush=True)
    return 0


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


class _ProgressBar:
    """``on_progress(done, total)`` drawing a tqdm bar on stderr once there is enough work to show."""

    def __init__(self, description: str, minimum: int = 200) -> None:
        self.description = description
        self.minimum = minimum
        self._bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.minimum:
                return
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.description, unit="份", file=sys.stderr, leave=True,
                             dynamic_ncols=True, mininterval=0.5)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _open_book(args: argparse.Namespace) -> Any:
    from .gradebook import open_gradebook

    bar = _ProgressBar("补入回执")
    try:
        book = open_gradebook(data_dir=args.data_dir, recover=False)
        try:
            recovered = book.recover_receipts(on_progress=bar)
        except BaseException:
            book.close()
            raise
    finally:
        bar.close()
    if recovered.imported:
        print(f"已从回执补回 {len(recovered.imported)} 次未写入成绩册的提交。")
    return book


def _gradebook_import(args: argparse.Namespace) -> int:
    with _open_book(args) as book:
        bar = _ProgressBar("导入回执")
        try:
            summary = book.import_receipts(args.receipts, on_progress=bar)
        finally:
            bar.close()
    if not summary.imported and not summary.rejected and not summary.duplicates:
        print("错误：没有找到回执文件（*.json）", file=sys.stderr)
        return 2
    for line in summary.lines():
        print(line)
    return 1 if summary.rejected else 0


def _gradebook_export(args: argparse.Namespace) -> int:
    with _open_book(args) as book:
        output = Path(args.output) if args.output else (
            book.data_dir / "exports" / f"成绩册-{datetime.now():%Y%m%d-%H%M%S}.{args.format}")
        bar = _ProgressBar("导出")
        try:
            path = book.export(output, args.format, on_progress=bar)
        finally:
            bar.close()
        table = book.overview()
    print(f"已导出成绩册（{table['learner_id'].nunique()} 名学员，{len(table)} 行，格式 {args.format}）：{path}")
    return 0


def _gradebook_report(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .gradebook import normalize_learner_id, safe_file_name

    who = normalize_learner_id(args.learner_id)
    with _open_book(args) as book:
        attempts = book.learner_attempts(who)
        if not attempts:
            raise InputError(f"没有学员“{who}”的提交记录", field="学员编号")
        output = Path(args.output) if args.output else (book.data_dir / "reports" / f"{safe_file_name(who)}.html")
        text = book.learner_report_html(who)
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    os.chmod(output, 0o600)  # one learner's answers and scores
    print(f"已生成学员 {who} 的反馈报告（{len(attempts)} 次提交）：{output}")
    return 0


def _gradebook_rebuild(args: argparse.Namespace) -> int:
    from .gradebook import rebuild_gradebook

    bar = _ProgressBar("重建：导入回执")
    try:
        report = rebuild_gradebook(args.data_dir, on_progress=bar)
    finally:
        bar.close()
    for line in report.lines():
        print(line)
    return 1 if report.receipts.rejected or report.unrestored_scores else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="microloan", description="微贷实训 Microloan Lab")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="用 Voila 提供课程仪表板（默认学员模式）")
    serve.add_argument("path", nargs="?", help="要提供的目录（默认：课程所在目录）")
    serve.add_argument("--port", type=int, default=8866)
    serve.add_argument("--preheat", action="store_true", help="预热内核，缩短打开时间")
    serve.add_argument("--ip", default="127.0.0.1",
                       help="监听地址（默认只允许本机访问；课堂上让学员的电脑访问时用 0.0.0.0）")
    serve.add_argument("--instructor", action="store_true", help="讲师模式：同时提供讲师成绩册仪表板")
    serve.add_argument("--warm", action="append", default=[], metavar="NOTEBOOK[=N],...",
                       help="本节课要用的笔记本：预先启动并运行好 N 个内核，学员打开时立即可用；写笔记本编号，"
                            "多个用逗号分隔（例如 04c,04e），或相对于课程目录的路径（course/04c_报表编制.ipynb=5）；"
                            "其他笔记本不预热")
    serve.add_argument("--warm-size", type=int, default=WARM_POOL_SIZE, metavar="N",
                       help=f"--warm 中没写 =N 的笔记本各预热几个内核（默认 {WARM_POOL_SIZE}；"
                            "每个约 150 MB，预热内核不会被回收）")
    serve.add_argument("--plain-kernels", action="store_true",
                       help="每个页面的内核都按普通方式单独启动（默认：课程页面的内核从已载入课程的进程复制而来，"
                            "启动快、共用内存）")
    serve.add_argument("--prepare-on-demand", action="store_true",
                       help="课程页面在第一位学员打开时才准备（默认：服务启动后约 20 秒内在后台把全部课程页面准备好，"
                            "第一位学员也不用等）")
    serve.add_argument("--max-kernels-per-client", type=int, default=MAX_KERNELS_PER_CLIENT, metavar="N",
                       help=f"每个访问者（IP 地址）最多同时打开的页面数（默认 {MAX_KERNELS_PER_CLIENT}；0 表示不限）")
    serve.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                       help="除 IP 地址、localhost 和本机名之外，允许学员在网址中使用的主机名（可重复）")
    serve.add_argument("--cull-idle-timeout", type=int, default=CULL_IDLE_TIMEOUT, metavar="SECONDS",
                       help=f"无人连接的内核空闲多少秒后回收（默认 {CULL_IDLE_TIMEOUT}；打开着的页面不受影响）")
    serve.add_argument("--cull-interval", type=int, default=CULL_INTERVAL, metavar="SECONDS",
                       help=f"每隔多少秒检查一次可回收的内核（默认 {CULL_INTERVAL}）")
    serve.set_defaults(func=_serve)
    room = sub.add_parser("classroom", help="用 JupyterHub 开一个课堂：学员登录后各自使用课程仪表板")
    room.add_argument("--roster", required=True, help="花名册 CSV：账号,初始密码,角色（学员/讲师）")
    room.add_argument("--port", type=int, default=8000)
    room.add_argument("--ip", default="127.0.0.1", help="监听地址（局域网上课用 0.0.0.0）")
    room.add_argument("--state-dir", help="JupyterHub 状态目录（默认：临时目录）")
    room.set_defaults(func=_classroom)
    hashed = sub.add_parser("hash-roster", help="把花名册转成只含密码哈希的 roster.json（Kubernetes 部署用）")
    hashed.add_argument("roster", help="花名册 CSV：账号,初始密码,角色（学员/讲师）")
    hashed.add_argument("output", help="输出文件，例如 roster.json")
    hashed.set_defaults(func=_hash_roster)
    lab = sub.add_parser("lab", help="打开 JupyterLab（讲师与自学）")
    lab.add_argument("--port", type=int, default=8888)
    lab.set_defaults(func=_lab)
    cases = sub.add_parser("cases", help="列出案例库")
    cases.set_defaults(func=_cases)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="成绩册数据目录（默认：环境变量 MICROLOAN_DATA_DIR 或 ./microloan-data）")
    book = sub.add_parser("gradebook", help="成绩册：导入回执、导出成绩、生成学员反馈报告")
    book_sub = book.add_subparsers(dest="gradebook_command", required=True)
    imports = book_sub.add_parser("import", parents=[common],
                                  help="重新评分并导入回执（文件或文件夹）；有拒收时退出码为 1")
    imports.add_argument("receipts", nargs="+", metavar="RECEIPT", help="回执 JSON 文件或包含回执的文件夹")
    imports.set_defaults(func=_gradebook_import)
    exports = book_sub.add_parser("export", parents=[common], help="导出成绩册（csv 或 xlsx）")
    exports.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    exports.add_argument("--output", help="输出文件（默认：数据目录下 exports/）")
    exports.set_defaults(func=_gradebook_export)
    report = book_sub.add_parser("report", parents=[common], help="生成某位学员的 HTML 反馈报告")
    report.add_argument("learner_id", metavar="LEARNER_ID")
    report.add_argument("--output", help="输出文件（默认：数据目录下 reports/）")
    report.set_defaults(func=_gradebook_report)
    rebuild = book_sub.add_parser("rebuild", parents=[common],
                                  help="数据库损坏时：从回执重建成绩册，并从备份恢复人工评分（损坏的文件改名保留）")
    rebuild.set_defaults(func=_gradebook_rebuild)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:  # InputError and friends: one Chinese line, no traceback
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file that cannot be read or written
        print(f"错误：{exc.strerror or exc}：{exc.filename or ''}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
