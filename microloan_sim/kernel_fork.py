"""Course kernels forked from one process that has already imported the course (``microloan serve``).

Each page of a class gets a kernel of its own. Started the usual way, every kernel imports Python, ipykernel,
numpy, pandas, matplotlib and the course package again: about a second of CPU and 100 MiB of private memory
per learner, identical in every kernel. Here one *fork server* imports them once, and each course kernel is a
``fork()`` of it: the kernel starts with everything imported, and the imported pages stay shared between the
kernels (copy-on-write) until a kernel writes to them.

* :class:`ForkingProvisioner` is a jupyter_client kernel provisioner (entry point ``microloan-fork``). For a
  notebook of the course (in ``course/``, ``exercises/``, ``casebook/``, ``instructor/``) it asks the fork server
  for a kernel; for any other notebook, or when the fork server cannot be reached, it starts the kernel as
  jupyter_client always does, so a notebook never fails because of the fork server.
* The fork server (``python -m microloan_sim.kernel_fork SOCKET``) is started by the first course kernel of a
  Voila server, listens on a Unix socket in a private folder (0700), and stops when that server stops. A forked
  kernel gets its own session and process group, the environment and folder the server asked for, and the
  process title ``ipykernel_launcher -f <connection file> (microloan fork)``. It ends when the Voila server
  is gone, as any kernel does, and outlives a fork server that died: an open page keeps working, and the next
  kernel starts a new fork server.
* The fork server runs each notebook of ``course/`` once (outputs discarded, the hidden self-checks left out):
  the notebook's opening views (``ui._common.remembered``) and the caches behind them are then worked out once
  for the whole class. It opens the lesson's notebooks (``--warm``) before it takes the first kernel, then,
  under ``microloan serve``, the rest of the course one notebook at a time while no page waits; a notebook
  not yet opened is opened when its first page asks for a kernel.
* The fork server ends when a data file of the course (the package's data, the casebook) changes, so no kernel
  starts with what an instructor has since edited; the next page starts a fresh one.

Only ``microloan serve`` uses it (``voila_command(fork_kernels=True)``). Learner servers behind JupyterHub start
kernels the usual way: each learner has a server of their own, so a fork server per learner would hold more
memory than it saves.

Examples
--------
>>> ipykernel_arguments(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "/run/k.json"])
['-f', '/run/k.json']
>>> ipykernel_arguments(["/usr/bin/R", "--slave"]) is None
True
>>> is_course_folder("/srv/microloan/course"), is_course_folder("/srv/microloan/bench")
(True, False)
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import importlib
import json
import os
import pathlib
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

#: The provisioner's entry point name (pyproject.toml), given to Voila as its default provisioner.
FORK_PROVISIONER = "microloan-fork"
#: What the fork server imports before it forks: the kernel itself, the libraries every course page uses, and
#: the course package with its widgets and charts.
#: (Not matplotlib_inline: it sets itself up when it is imported in a kernel, the first time a notebook uses
#: pyplot. ``ipykernel.debugger`` is what a kernel imports when it starts, with debugpy: about a fifth of a
#: forked kernel's start-up CPU when it was left to each kernel.)
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.history", "pdb",
           "ipywidgets", "numpy", "pandas", "matplotlib.figure",
           "matplotlib.backends.backend_agg", "microloan_sim", "microloan_sim.ui", "microloan_sim.plotting")
#: The matplotlib backend of a kernel's notebook (ipykernel's default).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The served folders whose notebooks get a forked kernel.
COURSE_FOLDERS = ("course", "exercises", "casebook", "instructor")
#: The environment variable that hands the lesson's notebooks (a JSON list) to the fork server.
LESSON_VARIABLE = "MICROLOAN_FORK_LESSON"
#: The environment variable that tells the fork server to open the whole course while no page waits ("1").
COURSE_VARIABLE = "MICROLOAN_FORK_COURSE"
#: Seconds the first course kernel waits for a new fork server to import everything and listen.
START_TIMEOUT = 60.0


def ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """The IPKernelApp arguments of a ``python -m ipykernel_launcher ...`` command, or ``None`` for another
    kind of kernel (which the fork server cannot run)."""
    if len(cmd) >= 3 and cmd[1] == "-m" and cmd[2] in ("ipykernel_launcher", "ipykernel") and "python" in \
            pathlib.Path(cmd[0]).name:
        return list(cmd[3:])
    return None


def is_course_folder(cwd: str) -> bool:
    """Whether a kernel starts in a folder of the course (Voila starts a notebook's kernel in its folder)."""
    return pathlib.PurePath(cwd).name in COURSE_FOLDERS


# --------------------------------------------------------------------------- the fork server (its own process)

def _end_with(pid: int) -> None:
    """Stop this process (SIGTERM to itself, so the kernel shuts down as usual) once ``pid`` is gone."""
    def watch() -> None:
        while True:
            time.sleep(2.0)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5.0)
                os._exit(1)
            except PermissionError:
                continue

    if pid > 1:
        threading.Thread(target=watch, name="microloan-parent-watch", daemon=True).start()


def _register_import_time_hooks() -> None:
    """What modules imported before the kernel existed would have done at import in a kernel: ipywidgets registers
    its comm targets when it is imported under a running shell (without them a page with many widgets loads each
    widget's state one message at a time, and 06's 900 widgets can take minutes)."""
    import ipywidgets

    ipywidgets.register_comm_target()


def _run_kernel(request: dict[str, Any]) -> None:
    """In the forked child: become the kernel the server asked for; never returns."""
    code = 0
    try:
        with contextlib.suppress(Exception):   # before the environment is replaced: it finds argv's memory there
            import setproctitle

            setproctitle.setproctitle(" ".join(["ipykernel_launcher", *request["arguments"], "(microloan fork)"]))
        os.setsid()
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        # ipykernel's own watch compares the parent pid, which is the fork server's; the kernel instead ends when
        # the Voila server is gone, and outlives a fork server that died (an open page keeps working)
        _end_with(int(request["env"].get("JPY_PARENT_PID") or 0))
        # (1: ipykernel then runs no watch of its own, and prints no "ipython kernel" note to Voila's log);
        # a page's kernel keeps no input history (nobody can recall it, and writing it is a thread's work per cell)
        arguments = [*request["arguments"], "--IPKernelApp.parent_handle=1", "--HistoryManager.enabled=False"]
        import matplotlib

        # matplotlib was imported before the kernel set its default backend; a notebook that uses pyplot
        # gets the kernel's inline backend, as in a kernel started the usual way
        matplotlib.rcParams["backend"] = os.environ.get("MPLBACKEND", INLINE_BACKEND)
        sys.argv = ["ipykernel_launcher", *arguments]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(arguments)
        _register_import_time_hooks()
        app.start()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:   # noqa: BLE001 - the kernel's own log has the details; the server sees it end
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


#: Modules of the package a page never imports (servers, command line, deployment).
_NOT_IN_PAGES = ("microloan_sim.cli", "microloan_sim.classroom", "microloan_sim.deploy", "microloan_sim.hub_auth",
                 "microloan_sim.voila_app", "microloan_sim.serving", "microloan_sim.kernel_fork")


def _import_the_course() -> None:
    """Import every module of the package a page may use (the package itself loads them on first use)."""
    import pkgutil

    import microloan_sim

    for module in pkgutil.walk_packages(microloan_sim.__path__, "microloan_sim."):
        if not module.name.startswith(_NOT_IN_PAGES):
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)


def _draw_once() -> None:
    """Draw one small chart with Chinese text: the fonts, the text layout and the PNG writer are then loaded
    and set up once here, not in every kernel (only what does not depend on the case files is kept)."""
    import io

    from . import plotting

    plotting.use_chinese_font()
    with contextlib.suppress(Exception):
        figure, axes = plotting.new_figure("月可支配资金", "元", "月份")
        axes.bar(["销售收入", "净利润"], [12_000.0, -500.0])
        figure.savefig(io.BytesIO(), format="png")


def _read_the_casebook() -> None:
    """Read every case once (the case cache is keyed by the files' sizes and times: a case edited later is read
    again by the kernel that needs it)."""
    from . import casebook

    with contextlib.suppress(Exception):
        for case_id in casebook.list_cases()["id"]:
            casebook.load_case(str(case_id))


#: How a notebook's hidden self-check cell starts (assertions about the course's own numbers, run by nbval).
SELF_CHECK_MARK = "# 自检"


def is_self_check(cell_type: str, source: str) -> bool:
    """Whether a notebook cell is a hidden self-check, which pages leave out.

    >>> is_self_check("code", "# 自检：1 + 1 = 2"), is_self_check("code", "ml.ui.say('hi')")
    (True, False)
    """
    return cell_type == "code" and source.lstrip().startswith(SELF_CHECK_MARK)


def _requested_notebook(env: dict[str, str]) -> pathlib.Path | None:
    """The course notebook a page's kernel is asked for (Voila passes the page's address to its kernels), as a
    path in the served folder (the fork server runs in Voila's folder); ``None`` for anything else.

    >>> _requested_notebook({"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/course/04e_%E9%A2%9D.ipynb?x=1"})
    PosixPath('course/04e_额.ipynb')
    >>> _requested_notebook({"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/exercises/ex01.ipynb"}) is None
    True
    """
    from urllib.parse import unquote, urlsplit

    path = unquote(urlsplit(env.get("VOILA_REQUEST_URL", "")).path)
    marker = "/voila/render/"
    if marker not in path:
        return None
    notebook = pathlib.Path(path.split(marker, 1)[1])
    if notebook.parts[:1] != ("course",) or ".." in notebook.parts or notebook.suffix != ".ipynb":
        return None
    return notebook


def _open_dashboards(notebook: pathlib.Path) -> None:
    """Run ``notebook``'s cells here, outputs discarded (self-checks left out, as a page leaves them out), so the
    opening views of its dashboards (``ui._common.remembered``) and the caches behind them are worked out once,
    before the kernels of its learners are forked. A cell that fails ends the run; nothing depends on it."""
    import io

    import ipywidgets
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    # what displays an object uses an IPython shell: one without a history thread or file, dropped afterwards
    shell = InteractiveShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        if any("pyplot" in "".join(cell["source"]) for cell in cells):
            return   # pyplot's figures and backend belong to each kernel (the course draws without pyplot)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for cell in cells:
                source = "".join(cell["source"])
                if cell["cell_type"] == "code" and not is_self_check(cell["cell_type"], source):
                    exec(compile(source, str(notebook), "exec"), namespace)   # noqa: S102 - the course's own cells
    except Exception:   # noqa: BLE001 - the page shows its own errors; here the rest of the notebook is skipped
        pass
    finally:
        ipywidgets.Widget.close_all()
        atexit.unregister(shell.atexit_operations)
        InteractiveShell.clear_instance()
        namespace.clear()
        gc.collect()
        gc.freeze()


def _data_stamp() -> tuple[tuple[str, int, int], ...]:
    """(path, size, modification time) of every data file a page reads: the package's data (products, scorecards,
    parameters…) and the casebook. The fork server ends when it changes, so that no kernel is forked with what an
    instructor has since edited; the next page starts a fresh fork server."""
    from ._data import DATA_DIR
    from .casebook import casebook_dir

    stamp = []
    with contextlib.suppress(Exception):
        for folder in (DATA_DIR, casebook_dir()):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    info = path.stat()
                    stamp.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(stamp)


def serve_forks(socket_path: str) -> None:
    """The fork server: import :data:`PRELOAD`, listen on ``socket_path``, fork a kernel per request.

    A request is one JSON line ``{"arguments": [...], "env": {...}, "cwd": "..."}``; the answer is
    ``{"pid": N}``. Children are reaped by the system (``SIGCHLD`` ignored). The first time a course notebook's
    page asks for a kernel, the notebook is opened here first (:func:`_open_dashboards`), so that kernel and every
    later one start with its opening views. The server ends when its Voila server is gone or the course's data
    files change."""
    parent = os.getppid()   # checked every 2 s: the fork server ends when its Voila server is gone
    for module in PRELOAD:
        importlib.import_module(module)
    _import_the_course()
    _draw_once()
    _read_the_casebook()
    opened: set[pathlib.Path] = set()

    def open_once(notebook: pathlib.Path | None) -> None:
        if notebook is not None and notebook.parts[:1] == ("course",) and notebook not in opened and notebook.is_file():
            opened.add(notebook)
            _open_dashboards(notebook)

    for name in json.loads(os.environ.get(LESSON_VARIABLE) or "[]"):   # the lesson's notebooks, before any kernel
        open_once(pathlib.Path(name))
    # the rest of the course, one notebook at a time while no page is waiting (a page that arrives meanwhile
    # waits for one notebook at most, a few seconds for the largest)
    later = sorted(pathlib.Path("course").glob("*.ipynb")) if os.environ.get(COURSE_VARIABLE) == "1" else []
    gc.collect()
    gc.freeze()   # the collector of a forked kernel never walks (and so never copies) the imported objects
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path + ".new")
    os.chmod(socket_path + ".new", 0o600)
    listener.listen(64)
    os.rename(socket_path + ".new", socket_path)   # the path appears once connections are accepted
    files = _data_stamp()
    while os.getppid() == parent:
        waiting, _, _ = select.select([listener], [], [], 0.0 if later else 2.0)
        if not waiting:
            if later:
                open_once(later.pop(0))
            elif _data_stamp() != files:
                break   # the data changed: the next page starts a fresh fork server
            continue
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(10.0)
            data = b""
            while not data.endswith(b"\n"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            try:
                request = json.loads(data)
            except ValueError:
                continue
            open_once(_requested_notebook(request.get("env", {})))   # before its first kernel: all inherit it
            pid = os.fork()
            if pid == 0:
                listener.close()
                connection.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _run_kernel(request)
            connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")


# --------------------------------------------------------------------------- the client side (the Voila server)

class _ForkServer:
    """The Voila server's handle on its fork server: started on first use, restarted if it died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._socket = ""
        self.lesson: list[str] = []
        self.whole_course = False

    def _start(self) -> None:
        folder = tempfile.mkdtemp(prefix="ml-fork-")     # 0700
        self._socket = os.path.join(folder, "fork.sock")
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1",   # no BLAS threads in a process that forks
               "PYDEVD_DISABLE_FILE_VALIDATION": "1",   # debugpy's note on frozen modules, when it is preloaded
               LESSON_VARIABLE: json.dumps(self.lesson, ensure_ascii=False),
               COURSE_VARIABLE: "1" if self.whole_course else "0"}
        self._process = subprocess.Popen([sys.executable, "-m", "microloan_sim.kernel_fork", self._socket],
                                         env=env, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(self._socket):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise OSError("fork server did not start")
            time.sleep(0.05)

    def ensure_running(self) -> str:
        """Start the fork server unless it runs; the path of its socket."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._start()
            return self._socket

    def fork(self, arguments: list[str], env: dict[str, str], cwd: str) -> int:
        """Start a kernel with ``arguments`` (IPKernelApp's); its pid. Raises OSError if it cannot."""
        path = self.ensure_running()
        request = json.dumps({"arguments": arguments, "env": env, "cwd": cwd}).encode() + b"\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(30.0)
            client.connect(path)
            client.sendall(request)
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = client.recv(4096)
                if not chunk:
                    raise OSError("fork server closed the connection")
                answer += chunk
        return int(json.loads(answer)["pid"])


_SERVER = _ForkServer()


def start_fork_server_in_background(lesson: Sequence[str] = (), *, whole_course: bool = False) -> None:
    """Start the fork server now, in a thread (Voila calls it at start-up, so that the first learner does not
    wait for the imports); a failure is left to the first kernel, which then starts the usual way.

    ``lesson``: the notebooks of the lesson in progress (``microloan serve --warm``, paths in the served folder),
    which the fork server opens before it takes the first kernel, so even the first learner's kernel (and the
    warm pool's) starts with their opening views. ``whole_course``: then it opens every other notebook of
    ``course/`` too, one at a time while no page waits (``microloan serve``'s default; about 20 s of one core
    after start-up), so the first learner of any page finds its views ready."""
    _SERVER.lesson = [str(notebook) for notebook in lesson]
    _SERVER.whole_course = whole_course

    def start() -> None:
        with contextlib.suppress(OSError):
            _SERVER.ensure_running()

    threading.Thread(target=start, name="microloan-fork-server", daemon=True).start()


class ForkedKernel:
    """The part of ``subprocess.Popen`` a provisioner uses, for a kernel forked by the fork server (not a child
    of this process: it is alive while its pid answers signal 0; the fork server reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except (ProcessLookupError, PermissionError):   # gone (or its pid reused by another user's process)
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkingProvisioner(LocalProvisioner):
    """Course kernels forked from the fork server; any other kernel started as :class:`LocalProvisioner` does."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = {key: str(value) for key, value in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or pathlib.Path.cwd())
        arguments = ipykernel_arguments(cmd)
        if arguments is None or not is_course_folder(cwd):
            return await super().launch_kernel(cmd, **kwargs)
        env["JPY_PARENT_PID"] = str(os.getpid())   # the kernel ends when this server is gone
        try:
            pid = await asyncio.get_running_loop().run_in_executor(None, _SERVER.fork, arguments, env, cwd)
        except (OSError, ValueError, KeyError) as error:
            self.log.warning("微贷实训：预载内核服务不可用（%s），改为普通方式启动内核", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # what a provisioner uses of a Popen
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


if __name__ == "__main__":
    serve_forks(sys.argv[1])
