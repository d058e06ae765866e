"""A private PostgreSQL server for the gradebook tests: Debian's binaries (``make test`` installs the
``postgresql`` package), a fresh cluster in a temporary folder, listening on a free loopback port only (no
unix socket), stopped by its pid.

PostgreSQL refuses to run as root: as root the server runs as Debian's ``postgres`` user (the folder is
handed to it); otherwise as the current user.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .browser_support import free_port

SUPERUSER = "microloan"


def postgres_bin() -> Path | None:
    """The folder with ``initdb`` and ``postgres`` (newest Debian version first), or ``None``."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0, reverse=True)
    found = candidates[0] if candidates else shutil.which("initdb")
    return Path(found).parent if found else None


def _run_as() -> dict[str, Any]:
    """Popen arguments that drop root to the ``postgres`` user (empty when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root but there is no 'postgres' user to run PostgreSQL as") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throw-away PostgreSQL server; yields its SQLAlchemy base URL (no database name)."""
    binaries = postgres_bin()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, postgres) not found")
    run_as = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="microloan-pg-"))
    data = folder / "data"
    if run_as:
        os.chown(folder, run_as["user"], run_as["group"])
    port = free_port()
    log = open(folder / "postgres.log", "wb")  # noqa: SIM115
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                        "--encoding=UTF8", "--no-locale", "--no-sync"],
                       check=True, stdout=log, stderr=subprocess.STDOUT, cwd=folder, timeout=120, **run_as)
        process = subprocess.Popen(
            [str(binaries / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1",
             "-c", "unix_socket_directories=", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, cwd=folder, start_new_session=True, **run_as)
        base = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/"
        _wait_ready(port, process)
        yield base
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # "fast" shutdown: roll back open transactions, stop cleanly
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    import psycopg

    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"PostgreSQL exited early with code {process.returncode}")
        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=SUPERUSER, dbname="postgres", connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not accept connections within 60 s") from None
            time.sleep(0.2)


def create_database(base_url: str, name: str) -> str:
    """Create an empty database on the server and return its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}{name}"
