"""The classroom on Kubernetes (issue 16, item 4): deploy/kubernetes/values.yaml, the learner image's Dockerfile
and its build context, checked without Helm, Docker or a cluster (none is available here).

* the committed values file is exactly what :mod:`microloan_sim.deploy` renders from the local hub's settings,
  and it carries the local learner server (same command, same jupyter_server config), the local idle culler,
  the roster login (the very file the local hub imports) with instructors as admins, and the gradebook's
  PostgreSQL URL and course key from a secret, with no password written anywhere;
* the hub's extra config, run as the hub pod runs it, logs in against a roster of hashes and gives an
  instructor the instructor server and a learner the learner server;
* the image: the build context (allowlist) and the files the final stage copies hold no answer keys, course
  key, gradebook data, .git or tests; the wheel built from that context holds what a learner's kernel needs
  (and the planted-flaw keys only inside the package, where the kernels read them); the served folders the
  image builds hold no answer key or instructor file for learners.
"""
from __future__ import annotations

import asyncio
import fnmatch
import json
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from traitlets.config import Config

from microloan_sim import classroom, cli, deploy, hub_auth
from microloan_sim.gradebook import config as gradebook_config

REPO = Path(__file__).resolve().parents[1]
VALUES = REPO / "deploy" / "kubernetes" / "values.yaml"
DOCKERFILE = REPO / "deploy" / "kubernetes" / "Dockerfile"
DOCKERIGNORE = REPO / "deploy" / "kubernetes" / "Dockerfile.dockerignore"
ROSTER = "账号,初始密码,角色\nlearner01,pass-0001,学员\nlearner02,pass-0002,学员\nteacher,pass-9999,讲师\n"
#: What must never be in the image: names (any path part) and file-name patterns.
FORBIDDEN_PARTS = {".git", "tests", "bench", "tools", "microloan-data", "receipts", ".venv", "__pycache__"}
FORBIDDEN_NAMES = ("course.key", "*.sqlite", "*.sqlite-wal", "*.key", "manual-scores.json")


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def local_hub(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The local hub's configuration, made exactly as ``microloan classroom`` makes it (no hub started)."""
    folder = tmp_path_factory.mktemp("local-hub")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    command, _env, roots = cli.classroom_setup(roster, state_dir=folder / "state", data=folder / "data")
    c = Config()
    classroom.configure(c, folder / "state" / "classroom.json")
    learner = json.loads((folder / "state" / "singleuser-learner" / "jupyter_server_config.json").read_text("utf-8"))
    instructor = json.loads((folder / "state" / "singleuser-instructor" / "jupyter_server_config.json")
                            .read_text("utf-8"))
    for root in roots:
        shutil.rmtree(root)
    return {"c": c, "learner": learner, "instructor": instructor, "command": command}


def without_paths(config: dict[str, Any]) -> dict[str, Any]:
    """A server config minus what differs by machine: the served folder and running as root."""
    copy = json.loads(json.dumps(config))
    del copy["ServerApp"]["root_dir"], copy["ServerApp"]["allow_root"]
    return copy


# ----------------------------------------------------------------------------------------------- values.yaml

def test_the_committed_values_file_is_the_rendering() -> None:
    assert VALUES.read_text(encoding="utf-8") == deploy.render_values(), \
        "deploy/kubernetes/values.yaml is stale: run python -m microloan_sim.deploy values"


def test_user_pods_run_the_local_learner_server(values: dict[str, Any], local_hub: dict[str, Any]) -> None:
    c = local_hub["c"]
    single = values["singleuser"]
    # the same command (only the interpreter's path differs), the same landing page
    assert single["cmd"] == ["python", "-m", "jupyterhub.singleuser"]
    assert single["cmd"][1:] == list(c.Spawner.cmd)[1:] and c.Spawner.cmd[0] == sys.executable
    assert single["defaultUrl"] == c.Spawner.default_url == "/voila/render/course/00_导学.ipynb"
    # the same jupyter_server config per role, mounted where the role's JUPYTER_CONFIG_DIR points
    environments = deploy.role_environments()
    for role in ("learner", "instructor"):
        mounted = single["extraFiles"][f"microloan-{role}-config"]
        assert without_paths(mounted["data"]) == without_paths(local_hub[role])
        assert Path(mounted["mountPath"]).parent == Path(environments[role]["JUPYTER_CONFIG_DIR"])
        assert mounted["data"]["ServerApp"]["allow_root"] is False  # the image runs as uid 1000
    learner = single["extraFiles"]["microloan-learner-config"]["data"]
    assert learner["ServerApp"]["root_dir"] == "/srv/microloan/learner"
    assert learner["ServerApp"]["authorizer_class"] == "microloan_sim.classroom.ReadOnlyAuthorizer"
    assert learner["ServerApp"]["jpserver_extensions"]["jupyterlab"] is False
    assert "execute_request" not in learner["MappingKernelManager"]["allowed_message_types"]
    assert learner["CappedKernelManager"]["max_kernels"] == 10


def test_the_hub_culls_idle_servers_as_the_local_hub_does(values: dict[str, Any], local_hub: dict[str, Any]) -> None:
    (service,) = local_hub["c"].JupyterHub.services
    local = dict(arg.lstrip("-").split("=") for arg in service["command"] if arg.startswith("--"))
    cull = values["cull"]
    assert cull["enabled"] is True
    # 3600 s idle, checked every 3600 // 6 = 600 s, on both hubs
    assert (cull["timeout"], cull["every"]) == (3600, 600) == (int(local["timeout"]), int(local["cull-every"]))
    assert cull["adminUsers"] is True and cull["users"] is False  # servers are stopped, accounts kept


def test_the_gradebook_is_postgresql_from_a_secret(values: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    env = values["singleuser"]["extraEnv"]
    assert env["MICROLOAN_DB_URL"] == {"valueFrom": {"secretKeyRef": {"name": "microloan-gradebook",
                                                                      "key": "database-url"}}}
    assert env["MICROLOAN_COURSE_KEY"] == {"valueFrom": {"secretKeyRef": {"name": "microloan-gradebook",
                                                                          "key": "course-key"}}}
    # ... and those are the variables the gradebook reads (the kernel inherits the pod's environment)
    url = "postgresql+psycopg://microloan@microloan-db-postgresql:5432/gradebook"
    monkeypatch.setenv("MICROLOAN_DB_URL", url)
    monkeypatch.setenv("MICROLOAN_COURSE_KEY", "k" * 64)
    assert gradebook_config.database_url() == url
    assert gradebook_config.course_key(Path("/nonexistent")) == b"k" * 64
    # user pods may reach PostgreSQL (and the hub, by the chart's own rule), not the internet
    policy = values["singleuser"]["networkPolicy"]
    assert policy["egressAllowRules"] == {"nonPrivateIPs": False, "privateIPs": False}
    assert policy["egress"][0]["ports"] == [{"protocol": "TCP", "port": 5432}]


def test_no_password_or_secret_is_written_in_the_values(values: dict[str, Any]) -> None:
    text = VALUES.read_text(encoding="utf-8")
    assert not re.search(r"postgres\w*(\+\w+)?://[^/\s:@]+:[^@\s]+@", text)  # no URL with a password in it
    assert "cookieSecret" not in text and "secretToken" not in text and "apiToken" not in text
    assert "password" not in json.dumps(values.get("hub", {}).get("db", {}))
    for name, entry in values["singleuser"]["extraEnv"].items():
        assert set(entry) == {"valueFrom"}, f"{name} is written in clear"
    assert not re.search(r'"hash":\s*"[0-9a-f]{32}\$', text)  # no roster in the values either


def test_the_login_is_the_local_roster_login_and_instructors_are_admins(values: dict[str, Any]) -> None:
    hub = values["hub"]
    assert hub["config"]["JupyterHub"]["authenticator_class"] == "microloan_hub_auth.RosterAuthenticator"
    assert "dummy" not in VALUES.read_text(encoding="utf-8").lower()
    files = hub["extraFiles"]
    assert files["microloan-hub-auth"]["stringData"] == Path(hub_auth.__file__).read_text(encoding="utf-8")
    assert files["microloan-hub-auth"]["mountPath"] == "/usr/local/etc/jupyterhub/microloan_hub_auth.py"
    login = REPO / "microloan_sim" / "data" / "jupyterhub" / "templates" / "login.html"
    assert files["microloan-login-page"]["stringData"] == login.read_text(encoding="utf-8")
    assert str(Path(files["microloan-login-page"]["mountPath"]).parent) in hub["templatePaths"]
    # the roster secret is mounted into the hub pod only
    assert hub["extraVolumes"] == [{"name": "microloan-roster", "secret": {"secretName": "microloan-roster"}}]
    assert "microloan-roster" not in json.dumps(values["singleuser"])


def run_hub_extra_config(values: dict[str, Any], roster_file: Path) -> Config:
    """Run ``hub.extraConfig`` as Zero to JupyterHub's jupyterhub_config.py does (``exec`` with ``c`` in scope),
    with ``microloan_hub_auth`` imported from the text the values file mounts into the hub pod."""
    module = types.ModuleType("microloan_hub_auth")
    exec(compile(values["hub"]["extraFiles"]["microloan-hub-auth"]["stringData"], "microloan_hub_auth.py", "exec"),
         module.__dict__)
    code = values["hub"]["extraConfig"]["microloan"].replace("/usr/local/etc/microloan/roster.json", str(roster_file))
    c = Config()
    saved = sys.modules.get("microloan_hub_auth")
    sys.modules["microloan_hub_auth"] = module
    try:
        exec(compile(code, "extraConfig", "exec"), {"c": c})
    finally:
        if saved is None:
            sys.modules.pop("microloan_hub_auth")
        else:
            sys.modules["microloan_hub_auth"] = saved
    c.microloan_module = module  # type: ignore[attr-defined]
    return c


def test_the_hub_extra_config_logs_in_against_the_roster_and_picks_the_server_by_role(
        values: dict[str, Any], tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    hashed = tmp_path / "roster.json"
    assert cli.main(["hash-roster", str(roster), str(hashed)]) == 0  # the README's command
    assert "pass-0001" not in hashed.read_text(encoding="utf-8") and (hashed.stat().st_mode & 0o777) == 0o600
    c = run_hub_extra_config(values, hashed)
    assert c.Authenticator.allowed_users == {"learner01", "learner02", "teacher"}
    assert c.Authenticator.admin_users == {"teacher"}
    module = c.microloan_module  # type: ignore[attr-defined]
    authenticator = module.RosterAuthenticator(roster_file=str(hashed))
    login = authenticator.authenticate
    assert asyncio.run(login(None, {"username": "learner01", "password": "pass-0001"})) == "learner01"
    assert asyncio.run(login(None, {"username": "learner01", "password": "pass-0002"})) is None
    assert asyncio.run(login(None, {"username": "nobody", "password": "pass-0001"})) is None

    hook = c.KubeSpawner.pre_spawn_hook
    secret_env = {"MICROLOAN_DB_URL": "from-the-secret"}
    for admin, role in ((True, "instructor"), (False, "learner")):
        spawner = SimpleNamespace(user=SimpleNamespace(admin=admin, name="x"), environment=dict(secret_env))
        hook(spawner)
        assert spawner.environment["MICROLOAN_ROLE"] == role
        assert spawner.environment["JUPYTER_CONFIG_DIR"] == f"/etc/microloan/singleuser-{role}"
        assert spawner.environment["MICROLOAN_DB_URL"] == "from-the-secret"  # the secret's variables stay
        assert spawner.environment["MICROLOAN_DATA_DIR"] == "/home/jovyan/microloan-data"
    assert c.JupyterHub.implicit_spawn_seconds == 1


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_the_readme_secret_commands_make_the_keys_the_values_read(values: dict[str, Any], tmp_path: Path) -> None:
    """``kubectl create secret`` as the README gives it, run with ``--dry-run=client`` (no cluster needed)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "在 Kubernetes 上部署（Zero to JupyterHub）" in readme
    (tmp_path / "roster.json").write_text('{"users": {}}', encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines() if line.strip().startswith("kubectl create secret")]
    assert len(commands) == 2, commands
    made = {}
    for command in commands:
        # the course key comes from `openssl rand -hex 32`; the database password from the instructor
        line = re.sub(r'course-key="\$\(openssl rand -hex 32\)"', "course-key=" + "a" * 64, command)
        line = line.replace("<数据库密码>", "example")
        run = subprocess.run(["bash", "-c", line.replace("kubectl ", "kubectl --dry-run=client -o json ", 1)],
                             capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert run.returncode == 0, run.stderr
        secret = json.loads(run.stdout)
        made[secret["metadata"]["name"]] = set(secret["data"])
    assert made == {"microloan-gradebook": {"database-url", "course-key"}, "microloan-roster": {"roster.json"}}
    used = {(e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
            for e in values["singleuser"]["extraEnv"].values()}
    assert used <= {(name, key) for name, keys in made.items() for key in keys}


# ------------------------------------------------------------------------------------- the image's contents

def dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves ``path`` (relative, with /) out of the build context: the last matching pattern
    wins, ``!`` re-includes, a pattern matches a path or any of its parent folders, and ``**/`` matches any
    depth (the subset of .dockerignore syntax the allowlist uses).

    >>> rules = ["*", "!course", "**/*.key"]
    >>> [dockerignore_excludes(p, rules) for p in ("tests/x.py", "course/a.ipynb", "course/b/course.key")]
    [True, False, True]
    """
    excluded = False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        if pattern.startswith("**/"):
            tail = pattern[3:]
            hit = any(fnmatch.fnmatchcase(part, tail) for part in parts)
        else:
            hit = any(fnmatch.fnmatchcase(prefix, pattern) and prefix.count("/") == pattern.count("/")
                      for prefix in prefixes)
        if hit:
            excluded = not negate
    return excluded


def build_context() -> list[str]:
    patterns = [line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    files = []
    for file in REPO.rglob("*"):
        if file.is_file():
            relative = file.relative_to(REPO).as_posix()
            if not dockerignore_excludes(relative, patterns):
                files.append(relative)
    return sorted(files)


def forbidden(path: str) -> bool:
    parts = path.split("/")
    return bool(FORBIDDEN_PARTS & set(parts)) or any(fnmatch.fnmatchcase(parts[-1], p) for p in FORBIDDEN_NAMES)


def test_the_build_context_is_the_allowlist_and_nothing_secret() -> None:
    context = build_context()
    assert not [p for p in context if forbidden(p)]
    assert {"pyproject.toml", "README.md", "microloan_sim/classroom.py", "course/00_导学.ipynb",
            "exercises/ex01_报表重构.ipynb"} <= set(context)
    assert not [p for p in context if p.startswith(("deploy/", "tests/", ".git"))]


def final_stage_copies() -> list[tuple[str, str]]:
    """``(source pattern, destination)`` of the final stage's COPY lines that read the build context."""
    stages = DOCKERFILE.read_text(encoding="utf-8").split("\nFROM ")
    copies = []
    for line in stages[-1].splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            *sources, destination = words[1:]
            copies += [(source, destination) for source in sources]
    return copies


def test_the_final_stage_copies_notebooks_but_no_answer_key_or_gradebook_file() -> None:
    context = build_context()
    copied = [p for source, _ in final_stage_copies() for p in context
              if p == source or p.startswith(source + "/") or fnmatch.fnmatchcase(p, source)]
    assert copied and all(p.endswith(".ipynb") for p in copied), copied
    assert not [p for p in copied if "answer_key" in p or forbidden(p)]
    assert "casebook/案例浏览.ipynb" in copied and "exercises/instructor_成绩册.ipynb" in copied


def test_the_image_serves_learners_no_answer_key_or_instructor_file(tmp_path: Path) -> None:
    """The served folders as the Dockerfile builds them: from what the final stage copies, with the
    command its RUN line gives (``python -m microloan_sim.deploy layout SRC /srv/microloan``)."""
    run = next(line for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if "deploy layout" in line)
    source_in_image, target_in_image = run.split("layout", 1)[1].split()
    assert target_in_image == deploy.IMAGE_ROOT
    source = tmp_path / "src"
    for pattern, destination in final_stage_copies():
        for file in REPO.glob(pattern) if "*" in pattern else [REPO / pattern]:
            relative = Path(destination).relative_to(source_in_image)
            place = source / relative / file.name if destination.endswith("/") else source / relative
            if file.is_dir():
                shutil.copytree(file, place)
            else:
                place.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, place)
    target = tmp_path / "srv"
    assert deploy.main(["layout", str(source), str(target)]) == 0
    learner = sorted(p.relative_to(target / "learner").as_posix() for p in (target / "learner").rglob("*.ipynb"))
    instructor = sorted(p.relative_to(target / "instructor").as_posix()
                        for p in (target / "instructor").rglob("*.ipynb"))
    assert not [p for p in learner if "instructor" in p or "answer_key" in p]
    assert "course/00_导学.ipynb" in learner and "exercises/ex01_报表重构.ipynb" in learner
    assert set(instructor) - set(learner) == {"exercises/instructor_成绩册.ipynb"}
    assert not list(target.rglob("answer_key*")) and not list(target.rglob("*.key"))
    assert (target / "jupyter" / "voila" / "templates" / "microloan" / "index.html.j2").is_file()
    assert (target / "jupyter" / "voila" / "templates" / "microloan" / "429.html").is_file()
    env = deploy.role_environments()["learner"]
    assert env["JUPYTER_PATH"] == f"{deploy.IMAGE_ROOT}/jupyter"


@pytest.mark.slow
def test_the_wheel_built_from_the_context_holds_what_kernels_need_and_no_secret(tmp_path: Path) -> None:
    """The wheel stage of the Dockerfile: built from the build context only (copied here), then inspected."""
    context = tmp_path / "context"
    for relative in build_context():
        (context / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / relative, context / relative)
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(context)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    names = zipfile.ZipFile(next(dist.glob("microloan_sim-*.whl"))).namelist()
    assert not [n for n in names if forbidden(n)]
    needed = ["microloan_sim/classroom.py", "microloan_sim/hub_auth.py", "microloan_sim/deploy.py",
              "microloan_sim/data/jupyter/voila/templates/microloan/index.html.j2",
              "microloan_sim/data/jupyter/voila/templates/microloan/429.html",
              "microloan_sim/data/fonts/NotoSansSC-GB2312.otf", "microloan_sim/data/exercises/ex01.yaml"]
    assert not [n for n in needed if n not in names]
    assert any(n.startswith("microloan_sim/_casebook/C01_") and n.endswith("/case.yaml") for n in names)
    # The planted-flaw keys are package data: the kernels build the case documents with them (04a, 04b) and
    # grade ex02 against them. They sit in site-packages, which no learner server serves.
    assert any(n.endswith("/answer_key.yaml") for n in names)
    assert not [n for n in names if "instructor_" in n or n.endswith(".ipynb") and "_casebook" not in n]
