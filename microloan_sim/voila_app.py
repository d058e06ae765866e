"""Voila as ``microloan serve`` runs it: Voila's own application with two guards added.

``python -m microloan_sim.voila_app`` takes Voila's command line. On top of Voila it

* refuses every request whose ``Host`` header names a host that is not this server (DNS rebinding: a web
  page on ``evil.example`` whose name is made to resolve to 127.0.0.1 or the instructor's LAN address must
  not be able to read the dashboards' state). IP-address hosts are accepted, since a rebinding attack
  needs a domain name; of names, ``localhost``, this machine's own host name and
  ``--MicroloanVoila.allowed_hosts`` are. Voila itself turns jupyter_server's own check off
  (``allow_remote_access=True``), and that check would refuse LAN addresses anyway;
* caps the kernels one client address may hold at once (``--MicroloanVoila.max_kernels_per_client``,
  0 for no cap): one more page is refused with a Chinese message until the client closes one. Pages
  still starting count too, so a burst from one address cannot slip past the cap.

Both answer with a short Chinese page. Pages run without the notebooks' hidden self-check cells
(:func:`without_self_checks`; not with ``--preheat``, where Voila allows no prelaunch hook). With ``--KernelProvisionerFactory.default_provisioner_name=microloan-fork``
it also starts the fork server of :mod:`microloan_sim.kernel_fork` at start-up. Nothing else here imports the
rest of the package: the module is only ever started as its own process.

Examples
--------
>>> guard = HostGuard(["teacher-pc"])
>>> [guard.allows(host) for host in ("127.0.0.1:8866", "localhost", "[::1]:80", "192.168.1.20:8866")]
[True, True, True, True]
>>> [guard.allows(host) for host in ("evil.example", "evil.example:8866", "127.0.0.1.evil.example", "")]
[False, False, False, False]
>>> guard.allows("TEACHER-PC:8866")
True
"""
from __future__ import annotations

import ipaddress
import re
import secrets
import socket
import tempfile
import time
from collections.abc import Iterable
from typing import Any

import tornado.web
from jupyter_server.base.call_context import CallContext
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Bool, Int, List, Unicode
from voila.app import Voila

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em;"><h2>{title}</h2><p>{text}</p></body></html>
"""
FOREIGN_HOST_TITLE = "拒绝访问"
FOREIGN_HOST_TEXT = "请求中的主机名不属于本课程服务器。请直接使用讲师提供的网址（IP 地址或 localhost）访问。"
TOO_MANY_TITLE = "打开的页面太多"
TOO_MANY_TEXT = "您同时打开的课程页面已达上限（{cap} 个）。请先关闭不用的页面，稍等片刻后刷新本页。"


class HostGuard:
    """Which ``Host`` header values this server answers (see the module docstring)."""

    def __init__(self, allowed_names: Iterable[str] = ()) -> None:
        names = {"localhost", socket.gethostname(), socket.getfqdn(), *allowed_names}
        self.names = {name.strip().lower().rstrip(".") for name in names if name and name.strip()}

    def allows(self, host_header: str) -> bool:
        match = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(:\d+)?", host_header.strip())
        if not match or not match.group(1):
            return False
        host = match.group(1).strip("[]").lower().rstrip(".")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return host in self.names or host.endswith(".localhost")
        return True


class RefusalHandler(tornado.web.RequestHandler):
    """Answers a refused request with a short Chinese page (no Voila, no kernel)."""

    def initialize(self, status: int, title: str, text: str) -> None:
        self.status, self.title, self.text = status, title, text

    def prepare(self) -> None:
        self.set_status(self.status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(_PAGE.format(title=self.title, text=self.text))


class GuardedApplication(tornado.web.Application):
    """Voila's tornado application behind the Host check and the per-client kernel cap."""

    host_guard: HostGuard
    max_kernels_per_client: int = 0

    def find_handler(self, request: Any, **kwargs: Any) -> Any:
        if not self.host_guard.allows(request.host or ""):
            return self.get_handler_delegate(request, RefusalHandler, dict(
                status=403, title=FOREIGN_HOST_TITLE, text=FOREIGN_HOST_TEXT))
        cap = self.max_kernels_per_client
        manager = self.settings["kernel_manager"]
        if (cap > 0 and request.method == "GET" and "/voila/render/" in request.path
                and isinstance(manager, ClientCountingKernelManager)):
            token = manager.reserve(str(request.remote_ip), cap)
            if token is None:
                return self.get_handler_delegate(request, RefusalHandler, dict(
                    status=429, title=TOO_MANY_TITLE, text=TOO_MANY_TEXT.format(cap=cap)))
            request.microloan_reservation = token
        return super().find_handler(request, **kwargs)

    def log_request(self, handler: Any) -> None:
        """Called when every request finishes: a page that never started its kernel frees its place."""
        manager = self.settings.get("kernel_manager")
        if isinstance(manager, ClientCountingKernelManager):
            manager.release(getattr(handler.request, "microloan_reservation", None))
        super().log_request(handler)


class ClientCountingKernelManager(AsyncMappingKernelManager):
    """Remembers which client address each page's kernel was started for.

    A page request takes a place (:meth:`reserve`) before its kernel exists, so a burst of requests from
    one client cannot slip past the cap while the kernels are still starting; the place becomes the kernel
    once it has started, or is freed when the request ends without one.
    """

    #: A place held by a request that neither started a kernel nor finished is dropped after this long.
    RESERVATION_SECONDS = 600.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owners: dict[str, str] = {}
        self._places: dict[str, tuple[str, float]] = {}  # token -> (client, when reserved)

    def reserve(self, client: str, cap: int) -> str | None:
        """A token for one more page of ``client``, or ``None`` when it already holds ``cap``."""
        now = time.monotonic()
        self._places = {t: (c, when) for t, (c, when) in self._places.items()
                        if now - when < self.RESERVATION_SECONDS}
        pending = sum(1 for c, _ in self._places.values() if c == client)
        if self.kernels_of(client) + pending >= cap:
            return None
        token = secrets.token_hex(8)
        self._places[token] = (client, now)
        return token

    def release(self, token: str | None) -> None:
        if token:
            self._places.pop(token, None)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        kernel_id = str(await super().start_kernel(*args, **kwargs))
        handler = CallContext.get(CallContext.JUPYTER_HANDLER)
        env = kwargs.get("env") or {}
        if handler is not None and env.get("VOILA_PREHEAT", "False") == "False":  # not a pool refill
            self._owners[kernel_id] = str(handler.request.remote_ip)
            self.release(getattr(handler.request, "microloan_reservation", None))
        return kernel_id

    def kernels_of(self, client: str | None) -> int:
        """How many live kernels were started for ``client``'s pages."""
        alive = set(self.list_kernel_ids())
        for kernel_id in [k for k in self._owners if k not in alive]:
            del self._owners[kernel_id]
        return sum(1 for owner in self._owners.values() if owner == client)


def without_self_checks(request_handler: Any, notebook: Any, cwd: str) -> Any:
    """Voila's prelaunch hook: the page runs without the notebook's self-check cells (``# 自检…``). They
    assert the course's own numbers for the test suite (nbval runs them), show nothing, and would cost every
    learner's kernel their CPU.

    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> book = new_notebook(cells=[new_code_cell("ml.ui.say('hi')"), new_code_cell("# 自检：1 + 1 = 2")])
    >>> [cell.source for cell in without_self_checks(None, book, ".").cells]
    ["ml.ui.say('hi')"]
    """
    from .kernel_fork import is_self_check

    notebook.cells = [cell for cell in notebook.cells if not is_self_check(cell.cell_type, cell.source)]
    return notebook


class MicroloanVoila(Voila):
    """Voila with the Host check and the kernel cap (traitlets configurable as ``MicroloanVoila.*``)."""

    allowed_hosts = List(Unicode(), default_value=[], config=True,
                         help="Host names (besides localhost, this machine's name and IP addresses) to answer.")
    max_kernels_per_client = Int(10, config=True,
                                 help="Most kernels one client address may hold at once (0: no cap).")
    prepare_course = Bool(True, config=True,
                          help="With forked kernels: open every course notebook in the fork server after start-up, "
                               "so the first learner of any page finds its opening views ready.")

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        if not self.voila_configuration.preheat_kernel and self.voila_configuration.prelaunch_hook is None:
            self.voila_configuration.prelaunch_hook = without_self_checks   # Voila allows no hook with preheat
        if self.max_kernels_per_client > 0:  # with --preheat, pages served from the pool are not counted
            self.voila_configuration.multi_kernel_manager_class = ClientCountingKernelManager

    def start(self) -> None:
        """Voila's own ``start`` (voila 0.5), building a :class:`GuardedApplication` instead."""
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        self.log.info("Storing connection files in %s.", self.connection_dir)
        settings = self.init_settings()
        self.app = GuardedApplication(**settings)
        self.app.host_guard = HostGuard(self.allowed_hosts)
        self.app.max_kernels_per_client = self.max_kernels_per_client
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        from .kernel_fork import FORK_PROVISIONER, start_fork_server_in_background

        if self.config.get("KernelProvisionerFactory", {}).get("default_provisioner_name") == FORK_PROVISIONER:
            pools = dict(getattr(self.kernel_manager, "kernel_pools_config", None) or {})   # --warm's pools
            lesson = [name for name, pool in pools.items() if name != "default" and pool.get("pool_size", 0) > 0]
            # imports (and the lesson's notebooks) before the learners; the rest of the course after them
            start_fork_server_in_background(lesson, whole_course=self.prepare_course)
        self.listen()


main = MicroloanVoila.launch_instance

if __name__ == "__main__":  # pragma: no cover
    main()
