"""A class on the instructor's machine behind JupyterHub (``microloan classroom``), design B of
architecture §5: every learner logs in and gets a jupyter_server of their own (``jupyterhub-singleuser``)
that serves the course through Voila as a server extension, behind a read-only :class:`ReadOnlyAuthorizer`.

* Logins come from a roster CSV the instructor imports (columns ``账号,初始密码,角色``; roles 学员 / 讲师).
  The hub keeps only scrypt hashes of the passwords (:mod:`microloan_sim.hub_auth`, the same login on
  Kubernetes); instructors are hub admins.
* A learner's server has no JupyterLab, no terminals and no code execution: creating a kernel, writing a
  file, restarting a kernel or opening a session is refused (403) by the authorizer, and kernel messages are
  limited to what widgets need (no ``execute_request``). Voila starts each page's kernel itself.
* Learners get the learner-mode mirror of the course (no instructor dashboard, no answer keys); instructors
  the instructor-mode mirror. All servers share one gradebook data directory (or ``MICROLOAN_DB_URL``).
  Each kernel knows its learner from ``JUPYTERHUB_USER``.
* Kernels are culled as under ``microloan serve``; JupyterHub's idle culler stops idle learner servers.
  One login holds at most ``MAX_KERNELS_PER_CLIENT`` pages' kernels at once (:class:`CappedKernelManager`,
  the hub's stand-in for ``microloan serve``'s per-address cap).

What a learner's server runs and how (:func:`singleuser_command`, :func:`singleuser_config`,
:func:`role_environment`, :func:`culler_arguments`) is shared with the Kubernetes deployment
(:mod:`microloan_sim.deploy` renders ``deploy/kubernetes/values.yaml`` from the same functions).

This module runs inside the hub (authenticator, spawner hook) and inside learner servers (authorizer); it
sits on the ``cli`` rung of the layer ladder.

Examples
--------
>>> import tempfile
>>> roster = Path(tempfile.mkdtemp()) / "roster.csv"
>>> _ = roster.write_text("账号,初始密码,角色\\nlearner01,pass-0001,学员\\nteacher,pass-9999,讲师\\n", encoding="utf-8")
>>> [(e.username, e.role) for e in read_roster(roster)]
[('learner01', 'learner'), ('teacher', 'instructor')]
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Int

from .errors import InputError
from .hub_auth import check_password, hash_password, write_roster_file  # noqa: F401 - hash helpers re-exported
from .serving import MAX_KERNELS_PER_CLIENT

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_ROLES = {"学员": "learner", "learner": "learner", "讲师": "instructor", "instructor": "instructor"}
_HEADERS = {"username": ("账号", "username", "学员编号"), "password": ("初始密码", "password", "密码"),
            "role": ("角色", "role")}
#: Kernel messages a page's widgets need; execute requests and the rest are dropped by the server.
WIDGET_MESSAGES = ["comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request"]


@dataclass(frozen=True)
class RosterEntry:
    username: str
    password: str
    role: str  # "learner" or "instructor"


def read_roster(path: str | Path) -> list[RosterEntry]:
    """The class roster from a UTF-8 CSV (Excel's UTF-8 with BOM too): ``账号,初始密码,角色`` per row."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取花名册：{exc}", file=str(file)) from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise InputError("花名册是空的", file=str(file))
    columns: dict[str, str] = {}
    for key, names in _HEADERS.items():
        found = next((c for c in rows[0] if c and c.strip().lower() in names), None)
        if found is None:
            raise InputError(f"缺少“{names[0]}”列（应有：账号,初始密码,角色）", file=str(file))
        columns[key] = found
    entries: list[RosterEntry] = []
    for number, row in enumerate(rows, start=2):
        username = (row.get(columns["username"]) or "").strip().lower()
        password = (row.get(columns["password"]) or "").strip()
        role = _ROLES.get((row.get(columns["role"]) or "").strip().lower())
        where = f"第 {number} 行"
        if not _USERNAME.match(username):
            raise InputError(f"{where}：账号“{username}”只能用小写字母、数字、点、横线和下划线", field="账号",
                             file=str(file))
        if len(password) < 6:
            raise InputError(f"{where}：初始密码至少 6 个字符", field="初始密码", file=str(file))
        if role is None:
            raise InputError(f"{where}：角色应为“学员”或“讲师”", field="角色", file=str(file))
        if any(e.username == username for e in entries):
            raise InputError(f"{where}：账号“{username}”重复", field="账号", file=str(file))
        entries.append(RosterEntry(username, password, role))
    if not any(e.role == "instructor" for e in entries):
        raise InputError("至少需要一名讲师（角色为“讲师”）", field="角色", file=str(file))
    return entries


class ReadOnlyAuthorizer(Authorizer):
    """Learner servers only read: pages, static files, the tree, and the kernel websocket of a page.

    Voila starts a page's kernel itself, so no REST call ever needs to create one; everything that would
    write (contents, kernels, sessions, terminals, kernel restarts) is refused.
    """

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        if action == "read":
            return True
        # the kernel websocket of a page ("execute" on kernels); its messages are filtered to WIDGET_MESSAGES
        return action == "execute" and resource == "kernels" and handler.request.path.endswith("/channels")


#: Shown (Chinese page ``429.html`` of the ``microloan`` Voila template) when a login holds too many pages.
TOO_MANY_PAGES = "您的账号同时打开的课程页面已达上限（{cap} 个）。请先关闭不用的页面，稍等片刻后刷新本页。"


#: The learner server's own credentials towards the hub, which its kernels never need.
HUB_CREDENTIALS = ("JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN", "JUPYTERHUB_OAUTH_CLIENT_ALLOWED_SCOPES")


def without_hub_credentials(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the hub token (learners cannot run code, so this is a second line of defence).

    >>> without_hub_credentials({"JUPYTERHUB_USER": "learner01", "JUPYTERHUB_API_TOKEN": "secret"})
    {'JUPYTERHUB_USER': 'learner01'}
    """
    return {key: value for key, value in env.items() if key not in HUB_CREDENTIALS}


class CappedKernelManager(AsyncMappingKernelManager):
    """The server's kernels, at most ``max_kernels`` at once (0: no cap).

    Under the hub every login has a server of its own, so this caps the pages one learner holds open, as
    ``microloan serve`` caps one client address (:mod:`microloan_sim.voila_app`). Kernels still starting
    count too: the check and the reservation happen with no ``await`` in between. Kernels start without the
    server's hub token (:func:`without_hub_credentials`).
    """

    max_kernels = Int(MAX_KERNELS_PER_CLIENT, config=True, help="Most kernels this server runs at once (0: no cap).")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        cap = self.max_kernels
        if cap > 0 and len(self.list_kernel_ids()) + self._starting >= cap:
            raise HTTPError(429, TOO_MANY_PAGES.format(cap=cap))
        self._starting += 1
        # a kernel knows its learner (JUPYTERHUB_USER) but not the server's hub credentials
        kwargs["env"] = without_hub_credentials(kwargs.get("env") or os.environ)
        try:
            return str(await super().start_kernel(*args, **kwargs))
        finally:
            self._starting -= 1


def singleuser_command(python: str = sys.executable) -> list[str]:
    """How the hub starts a learner's server (the local spawner and KubeSpawner alike).

    >>> singleuser_command("python3")
    ['python3', '-m', 'jupyterhub.singleuser']
    """
    return [python, "-m", "jupyterhub.singleuser"]


#: The page a learner lands on after logging in.
DEFAULT_URL = "/voila/render/course/00_导学.ipynb"


def singleuser_config(root: Path, *, cull_idle_timeout: int, cull_interval: int,
                      max_kernels: int = MAX_KERNELS_PER_CLIENT, allow_root: bool | None = None) -> dict[str, Any]:
    """jupyter_server config of a learner's (or instructor's) server: Voila only, read-only, kernels culled
    and capped. ``allow_root`` defaults to whether this process runs as root (a container, CI)."""
    from .serving import EXTENSION_DENYLIST, FILE_ALLOWLIST, IOPUB_TIMEOUT, TEMPLATE

    if allow_root is None:
        allow_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return {
        "ServerApp": {
            "root_dir": str(root),
            "jpserver_extensions": {"voila.server_extension": True, "jupyterlab": False, "notebook": False,
                                    "notebook_shim": False, "jupyter_lsp": False, "jupyter_server_terminals": False,
                                    "nbclassic": False},
            "authorizer_class": "microloan_sim.classroom.ReadOnlyAuthorizer",
            "kernel_manager_class": "microloan_sim.classroom.CappedKernelManager",
            "terminals_enabled": False,
            "allow_root": bool(allow_root),
            "default_url": DEFAULT_URL,
        },
        "ContentsManager": {"allow_hidden": False},
        "MappingKernelManager": {"cull_idle_timeout": cull_idle_timeout, "cull_interval": cull_interval,
                                 "cull_connected": False, "allowed_message_types": WIDGET_MESSAGES},
        "CappedKernelManager": {"max_kernels": max_kernels},
        "KernelManager": {"transport": "ipc"},
        "VoilaConfiguration": {"template": TEMPLATE, "show_tracebacks": False, "allow_template_override": "NO",
                               "extension_denylist": list(EXTENSION_DENYLIST), "file_allowlist": list(FILE_ALLOWLIST)},
        "VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT},
    }


def role_environment(role: str, *, config_root: str, jupyter_path: str, data_dir: str,
                     runtime_dir: str | None = None) -> dict[str, str]:
    """Environment of a ``role`` ("learner"/"instructor") server: its config folder, the Voila template, where
    the gradebook lives. The database URL and the course key are added by the caller (locally from the
    settings, on Kubernetes from a secret).

    >>> env = role_environment("learner", config_root="/etc/microloan", jupyter_path="/srv/j", data_dir="/d")
    >>> env["JUPYTER_CONFIG_DIR"], env["MICROLOAN_ROLE"]
    ('/etc/microloan/singleuser-learner', 'learner')
    """
    if role not in ("learner", "instructor"):
        raise InputError(f"角色应为 learner 或 instructor（当前为 {role}）", field="角色")
    env = {
        "JUPYTER_CONFIG_DIR": f"{config_root.rstrip('/')}/singleuser-{role}",
        "JUPYTER_PATH": jupyter_path,
        "MICROLOAN_DATA_DIR": data_dir,
        "MICROLOAN_ROLE": role,
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    if runtime_dir:
        env["JUPYTER_RUNTIME_DIR"] = runtime_dir
    return env


def culler_arguments(server_idle_timeout: int) -> dict[str, int]:
    """jupyterhub-idle-culler's ``--timeout`` and ``--cull-every`` for a server idle timeout (seconds).

    >>> culler_arguments(3600)
    {'timeout': 3600, 'every': 600}
    """
    return {"timeout": server_idle_timeout, "every": max(10, server_idle_timeout // 6)}


#: Spawner settings shared by the local hub and KubeSpawner (seconds).
SPAWN_TIMEOUTS = {"http_timeout": 120, "start_timeout": 120}


def configure(c: Any, settings_file: str | Path) -> None:
    """Fill a JupyterHub config object ``c`` from the settings ``microloan classroom`` wrote (JSON)."""
    from jupyterhub.spawner import SimpleLocalProcessSpawner

    from .hub_auth import configure_roster_login

    settings = json.loads(Path(settings_file).read_text(encoding="utf-8"))
    state = Path(settings["state_dir"])
    roster_file = state / "roster.json"
    write_roster_file([(e.username, e.password, e.role) for e in read_roster(settings["roster"])], str(roster_file))
    configure_roster_login(c, str(roster_file))

    c.JupyterHub.ip = settings["ip"]
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings["hub_port"]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
    c.JupyterHub.template_paths = [str(Path(__file__).parent / "data" / "jupyterhub" / "templates")]
    c.JupyterHub.implicit_spawn_seconds = 1
    c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "homes" / "{username}")
    c.Spawner.cmd = singleuser_command()
    c.Spawner.default_url = DEFAULT_URL
    c.Spawner.http_timeout = SPAWN_TIMEOUTS["http_timeout"]
    c.Spawner.start_timeout = SPAWN_TIMEOUTS["start_timeout"]

    def pre_spawn_hook(spawner: Any) -> None:
        role = "instructor" if spawner.user.admin else "learner"
        # kernels talk over unix sockets, whose paths must stay under 107 bytes: a short runtime folder
        runtime = Path(settings["runtime_root"]) / f"mlh-{hashlib.sha1(spawner.user.name.encode()).hexdigest()[:10]}"
        runtime.mkdir(mode=0o700, exist_ok=True)
        environment = role_environment(role, config_root=str(state), jupyter_path=settings["jupyter_path"],
                                       data_dir=settings["data_dir"], runtime_dir=str(runtime))
        if settings.get("db_url"):
            environment["MICROLOAN_DB_URL"] = settings["db_url"]
        spawner.environment = {**spawner.environment, **environment}  # a new dict: never shared between users

    c.Spawner.pre_spawn_hook = pre_spawn_hook
    culler = culler_arguments(settings["server_idle_timeout"])
    c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
    c.JupyterHub.services = [{"name": "idle-culler", "command": [
        sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={culler['timeout']}",
        f"--cull-every={culler['every']}"]}]


def write_settings(state_dir: Path, **settings: Any) -> Path:
    """Write the settings and the two single-user config folders; returns the settings file."""
    state_dir.mkdir(parents=True, exist_ok=True)
    for role, root in (("learner", settings["learner_root"]), ("instructor", settings["instructor_root"])):
        folder = state_dir / f"singleuser-{role}"
        folder.mkdir(exist_ok=True)
        config = singleuser_config(Path(root), cull_idle_timeout=settings["cull_idle_timeout"],
                                   cull_interval=settings["cull_interval"],
                                   max_kernels=settings.get("max_kernels", MAX_KERNELS_PER_CLIENT))
        (folder / "jupyter_server_config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1),
                                                           encoding="utf-8")
    path = state_dir / "classroom.json"
    path.write_text(json.dumps({"state_dir": str(state_dir), **settings}, ensure_ascii=False, indent=1),
                    encoding="utf-8")
    (state_dir / "jupyterhub_config.py").write_text(
        "from microloan_sim.classroom import configure\n"
        f"configure(c, {str(path)!r})  # noqa: F821 - c is JupyterHub's config object\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return path
