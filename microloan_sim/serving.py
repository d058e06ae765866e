"""How Voila serves the course: its command line, the learner-safe served root, culling and the kernel limits.

``microloan serve`` never hands Voila the project folder itself: it builds a temporary root that mirrors only
``course/``, ``exercises/`` and ``casebook/`` (symlinks, or copies where symlinks are not allowed). In learner
mode (the default) every file or folder whose name contains "instructor" or "answer_key" is left out, so the
instructor's gradebook dashboard cannot even be opened and no answer key sits under the served root;
``--instructor`` includes them (kernels read cases through the package, not through the served root).
The gradebook's data directory (database, receipts, course key) is never inside the served root, and the
kernels are told where it is through ``MICROLOAN_DATA_DIR``. Used by :mod:`microloan_sim.cli` and
:mod:`microloan_sim.classroom`.

Examples
--------
>>> cmd = voila_command(project_root(), port=8866)
>>> cmd[1:3] == ["-m", "microloan_sim.voila_app"] and "--Voila.ip=127.0.0.1" in cmd
True
>>> import tempfile
>>> source = Path(tempfile.mkdtemp())
>>> for name in ("course/00.ipynb", "exercises/ex01.ipynb", "exercises/instructor_gradebook.ipynb"):
...     (source / name).parent.mkdir(exist_ok=True)
...     _ = (source / name).write_text("{}", encoding="utf-8")
>>> root = build_served_root(source, instructor=False)
>>> sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb"))
['course/00.ipynb', 'exercises/ex01.ipynb']
>>> shutil.rmtree(root); shutil.rmtree(source)
"""
from __future__ import annotations

import ipaddress
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ._data import PACKAGE_DIR, data_path
from .errors import InputError

#: Voila's frontend breaks with this JupyterLab extension loaded (architecture §5).
EXTENSION_DENYLIST = ("@jupyter-notebook/lab-extension",)
#: Only images are served as static files; case files, answer keys and databases never are.
FILE_ALLOWLIST = (r".*\.(png|jpg|gif|svg)",)
TEMPLATE = "microloan"
#: What ``serve`` mirrors from a project root; anything else there (package, tests, data) is never served.
SERVED_FOLDERS = ("course", "exercises", "casebook")
#: Names containing one of these are served only with ``--instructor`` (dashboards, planted-flaw answer keys).
INSTRUCTOR_MARK = "instructor"
INSTRUCTOR_ONLY = (INSTRUCTOR_MARK, "answer_key")
#: Kernel culling for a class (seconds): a page abandoned without closing frees its kernel within
#: CULL_IDLE_TIMEOUT + CULL_INTERVAL (under 2 minutes); a closed page frees it at once; an open page never.
CULL_IDLE_TIMEOUT = 90
CULL_INTERVAL = 20
#: How long Voila waits for a kernel's output before giving up on a cell (its default of 4 s broke pages
#: silently under a burst of 30 learners).
IOPUB_TIMEOUT = 60
#: Warm kernels per notebook of the lesson when ``--warm`` names no number. Two suit the 2-core machine a
#: class is served from: the first learners in get a page at once, and refilling the pool (a full render per
#: kernel) does not compete with the burst for long; bench/bench_classroom.py ``--warm`` measures it.
WARM_POOL_SIZE = 2
MAX_WARM_POOL_SIZE = 30
#: Most kernels (open pages) one client address may hold at once under ``microloan serve``.
MAX_KERNELS_PER_CLIENT = 10
_LOOPBACK_NAMES = ("localhost",)
_NEVER_SERVED = {"microloan-data", "__pycache__", ".ipynb_checkpoints", "receipts", "gradebook.sqlite", "course.key"}


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


def _short_runtime_dir() -> str:
    """A folder for kernel connection files whose unix-socket paths stay under the 107-byte limit."""
    temp = tempfile.gettempdir()
    if len(temp) <= 40 or not Path("/tmp").is_dir():
        return temp
    return "/tmp"


def _check_culling(cull_idle_timeout: int, cull_interval: int) -> None:
    if cull_idle_timeout <= 0 or cull_interval <= 0:
        raise InputError("必须为正的秒数", field="内核回收时间（--cull-idle-timeout / --cull-interval）")


def voila_command(root: Path, port: int, *, preheat: bool = False, ip: str = "127.0.0.1",
                  cull_idle_timeout: int = CULL_IDLE_TIMEOUT, cull_interval: int = CULL_INTERVAL,
                  max_kernels_per_client: int = MAX_KERNELS_PER_CLIENT,
                  allowed_hosts: Sequence[str] = (), warm: Mapping[str, int] | None = None,
                  fork_kernels: bool = True, prepare_course: bool = True) -> list[str]:
    """The Voila command line used by ``microloan serve`` and by the tests.

    Voila runs as :mod:`microloan_sim.voila_app`: Voila itself, plus a ``Host`` header check against DNS
    rebinding (IP addresses, ``localhost``, this machine's name and ``allowed_hosts`` are answered) and a cap
    of ``max_kernels_per_client`` kernels per client address (0: no cap). Learners cannot switch the page
    template with ``?template=`` (that would drop the Chinese page and the kernel-shutdown fix).

    ``warm`` maps notebooks of the lesson in progress (paths relative to the served root) to the number of
    kernels kept started and rendered ahead of the learners (Voila's preheat); every other notebook gets
    none. Warm kernels are never culled: keep the pools small (each kernel holds 150-250 MB).

    Kernel lifecycle (architecture §5): a closed page shuts its kernel down at once (the ``microloan``
    template's XSRF-cookie fix keeps the XSRF check on); a page abandoned without closing (browser crashed,
    laptop lid shut) has its kernel culled once it has had no connection and no activity for
    ``cull_idle_timeout`` seconds, checked every ``cull_interval`` seconds. An open page is never culled,
    however long it sits idle (``cull_connected=False``). Kernel output may take up to
    ``IOPUB_TIMEOUT`` seconds under a burst of learners before a page gives up, and kernels talk over unix
    sockets instead of loopback TCP ports (no "Address already in use" under a burst, not reachable from
    other users' processes through a port).

    With ``fork_kernels`` (the default, on Linux and macOS), a course notebook's kernel is forked from one
    process that has already imported the course (:mod:`microloan_sim.kernel_fork`): it starts in
    milliseconds and shares the imported libraries' memory with the other kernels. With ``prepare_course`` (the
    default) the fork server also runs every course notebook once after start-up, so every page's opening views
    are worked out before the first learner asks for them; without it, a notebook is run there when its first
    page is asked for.

    >>> cmd = voila_command(Path("course"), 8866, cull_idle_timeout=15, cull_interval=5)
    >>> "--MappingKernelManager.cull_idle_timeout=15" in cmd and "--MappingKernelManager.cull_connected=False" in cmd
    True
    """
    _check_culling(cull_idle_timeout, cull_interval)
    command = [
        sys.executable, "-m", "microloan_sim.voila_app", str(root), "--no-browser", f"--Voila.ip={ip}",
        f"--port={port}", f"--template={TEMPLATE}", "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        f"--MicroloanVoila.max_kernels_per_client={max_kernels_per_client}",
        *(f"--MicroloanVoila.allowed_hosts={host}" for host in allowed_hosts),
        *(f"--VoilaConfiguration.extension_denylist={item}" for item in EXTENSION_DENYLIST),
        *(f"--VoilaConfiguration.file_allowlist={item}" for item in FILE_ALLOWLIST),
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT}",
    ]
    if os.name == "posix":  # zmq has no ipc transport on Windows
        command += ["--KernelManager.transport=ipc", f"--Voila.connection_dir_root={_short_runtime_dir()}"]
        if fork_kernels:
            from .kernel_fork import FORK_PROVISIONER

            command.append(f"--KernelProvisionerFactory.default_provisioner_name={FORK_PROVISIONER}")
            command.append(f"--MicroloanVoila.prepare_course={prepare_course}")
    if warm:
        pools: dict[str, dict[str, int]] = {"default": {"pool_size": 0}}
        pools.update({notebook: {"pool_size": int(size)} for notebook, size in warm.items()})
        command += ["--preheat_kernel=True", f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}"]
    elif preheat:
        command.append("--preheat_kernel=True")
    return command


def parse_warm(items: Sequence[str], root: Path, size: int = WARM_POOL_SIZE) -> dict[str, int]:
    """``--warm`` options as ``{path relative to the served root: pool size}``.

    Each option holds one or more notebooks separated by commas, each ``NOTEBOOK[=N]``: a path relative to
    the served root (``course/04c_报表编制.ipynb``) or the short name its file starts with (``04c``, ``ex01``,
    looked up in ``course/`` and ``exercises/``). A notebook without ``=N`` gets ``size`` warm kernels.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("course/04c_报表编制.ipynb", "course/04e_额度测算.ipynb", "exercises/ex01_报表重构.ipynb"):
    ...     (root / name).parent.mkdir(exist_ok=True)
    ...     _ = (root / name).write_text("{}", encoding="utf-8")
    >>> parse_warm(["04c,04e=3"], root)
    {'course/04c_报表编制.ipynb': 2, 'course/04e_额度测算.ipynb': 3}
    >>> parse_warm(["course/04c_报表编制.ipynb", "ex01"], root, size=4)
    {'course/04c_报表编制.ipynb': 4, 'exercises/ex01_报表重构.ipynb': 4}
    >>> parse_warm(["course/none.ipynb"], root)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 预热笔记本（--warm）：找不到 course/none.ipynb（写笔记本编号如 04c，或相对于课程目录的路径，例如 course/04c_报表编制.ipynb）
    >>> parse_warm(["04"], root)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 预热笔记本（--warm）：“04”对应多个笔记本（course/04c_报表编制.ipynb、course/04e_额度测算.ipynb），请写完整编号，例如 04c
    >>> shutil.rmtree(root)
    """
    _check_warm_size(size)
    pools: dict[str, int] = {}
    for option in items:
        for item in option.split(","):
            if not item.strip():
                continue
            name, _, count_text = item.partition("=")
            notebook = _warm_notebook(name, root)
            try:
                count = int(count_text) if count_text.strip() else size
            except ValueError:
                raise InputError(f"“{count_text}”不是整数", field="预热笔记本（--warm）") from None
            _check_warm_size(count)
            pools[notebook] = count
    return pools


def _check_warm_size(count: int) -> None:
    if not 1 <= count <= MAX_WARM_POOL_SIZE:
        raise InputError(f"每个笔记本预热 1–{MAX_WARM_POOL_SIZE} 个内核（当前为 {count}）", field="预热笔记本（--warm）")


def _warm_notebook(name: str, root: Path) -> str:
    """The served path of a ``--warm`` notebook given as a path or as a short name such as ``04c``."""
    name = name.strip().replace("\\", "/").strip("/")
    matches: list[str] = []
    if name.endswith(".ipynb"):
        if (root / name).is_file():
            return name
    elif name:
        stems = {path.relative_to(root).as_posix(): path.stem for folder in ("course", "exercises")
                 for path in sorted((root / folder).glob("*.ipynb"))}
        matches = [served for served, stem in stems.items() if stem == name or stem.startswith(f"{name}_")] \
            or [served for served, stem in stems.items() if stem.startswith(name)]
        if len(matches) == 1:
            return matches[0]
    if len(matches) > 1:
        raise InputError(f"“{name}”对应多个笔记本（{'、'.join(matches)}），请写完整编号，例如 {Path(matches[0]).stem.split('_')[0]}",
                         field="预热笔记本（--warm）")
    raise InputError(f"找不到 {name}（写笔记本编号如 04c，或相对于课程目录的路径，例如 course/04c_报表编制.ipynb）",
                     field="预热笔记本（--warm）")


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _mirror(source: Path, target: Path, *, instructor: bool, exclude: Sequence[Path]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        name = entry.name
        if name.startswith(".") or name in _NEVER_SERVED or name.endswith((".sqlite", ".sqlite-wal", ".key")):
            continue
        if not instructor and any(mark in name.lower() for mark in INSTRUCTOR_ONLY):
            continue
        if any(_is_within(entry, folder) for folder in exclude):  # the data directory, or inside it
            continue
        if entry.is_dir():  # mirrored entry by entry, so an excluded folder deeper down stays out
            _mirror(entry, target / name, instructor=instructor, exclude=exclude)
        elif entry.is_file():
            link = target / name
            try:
                os.symlink(entry.resolve(), link)
            except OSError:  # no symlinks (e.g. Windows without developer mode): copy
                shutil.copy2(entry, link)


def build_served_root(source: Path, *, instructor: bool, exclude: Iterable[Path] = (),
                      target: Path | None = None) -> Path:
    """A temporary folder (or ``target``, which must not exist yet) for Voila mirroring what learners (or the
    instructor) may open.

    From a project root only ``course/``, ``exercises/`` and ``casebook/`` are mirrored; from any other
    folder, everything in it. Hidden entries, caches, gradebook files and ``exclude`` (the data directory)
    are left out; so is every name containing "instructor" or "answer_key" unless ``instructor`` is true. The caller
    removes the folder when Voila stops. The Kubernetes image builds its two fixed roots with ``target``.
    """
    source = source.resolve()
    excluded = [Path(p).resolve() for p in exclude]
    if target is not None:
        target.mkdir(parents=True)
        root = target
    else:
        root = Path(tempfile.mkdtemp(prefix=f"microloan-{'instructor' if instructor else 'learner'}-"))
    folders = [source / name for name in SERVED_FOLDERS if (source / name).is_dir()]
    if folders:
        for folder in folders:
            _mirror(folder, root / folder.name, instructor=instructor, exclude=excluded)
    else:
        _mirror(source, root, instructor=instructor, exclude=excluded)
    return root


def serve_environment(data_dir: Path, *, instructor: bool) -> dict[str, str]:
    """Environment for the served kernels: where the gradebook lives and which role is being served."""
    env = jupyter_environment()
    env["MICROLOAN_DATA_DIR"] = str(data_dir)
    env["MICROLOAN_ROLE"] = "instructor" if instructor else "learner"
    return env


def is_loopback(ip: str) -> bool:
    """Whether a listen address keeps the server to this machine.

    >>> [is_loopback(ip) for ip in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.168.1.5", "")]
    [True, True, True, False, False, False]
    """
    if ip.strip().lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(ip.strip().strip("[]")).is_loopback
    except ValueError:
        return False
