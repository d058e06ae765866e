"""The database: tables (SQLAlchemy Core), the engine (SQLite: WAL, busy timeout, ``BEGIN IMMEDIATE`` writes)
and the helpers that recognise a locked database and read back a new row's id."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    inspect,
)
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

from ..errors import InputError
from ._common import _private_dir

_LOCKED_MARKERS = ("database is locked", "database table is locked", "database is busy")

metadata = MetaData()

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner_id", String(200), nullable=False, index=True),
    Column("exercise_id", String(100), nullable=False),
    Column("exercise_title", String(200), nullable=False),
    Column("variant", BigInteger, nullable=True),
    Column("answers", JSON, nullable=False),
    Column("score", Float, nullable=False),          # automatic score (manual items count 0 here)
    Column("max_score", Float, nullable=False),
    Column("claimed_score", Float, nullable=True),  # what the dashboard showed / the receipt claims
    Column("items", JSON, nullable=False),
    Column("submitted_at", DateTime, nullable=False),  # naive UTC
    Column("recorded_at", DateTime, nullable=False),   # naive UTC
    Column("source", String(20), nullable=False),
    Column("receipt_id", String(64), nullable=True, unique=True),
    Column("receipt_digest", String(64), nullable=True),
    Column("app_version", String(40), nullable=False),
    Index("ix_submissions_exercise_learner", "exercise_id", "learner_id"),
)

manual_scores = Table(
    "manual_scores", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("item_id", String(100), nullable=False),
    Column("points", Float, nullable=False),
    Column("grader", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("scored_at", DateTime, nullable=False),
)


def _make_engine(url_text: str, busy_timeout_ms: int) -> Engine:
    """The engine for ``url_text``; for SQLite, every connection gets WAL, the busy timeout and foreign keys."""
    try:
        url = make_url(url_text)
    except ArgumentError:
        raise InputError(f"无法识别的数据库地址“{url_text}”", field="MICROLOAN_DB_URL") from None
    if url.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except (ImportError, ArgumentError) as exc:
            raise InputError(f"无法连接数据库（缺少驱动？）：{exc}", field="MICROLOAN_DB_URL") from None
    file = sqlite_file(url_text)
    if file is not None:
        _private_dir(file.parent)
        try:  # create the file owner-only; SQLite gives its -wal and -shm files the same mode
            os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError:  # let SQLite report what is wrong
            pass
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
    busy = busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so writes can BEGIN IMMEDIATE (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")  # a confirmed submission survives a power cut
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("microloan_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def sqlite_file(url_text: str) -> Path | None:
    """The database file of a SQLite URL (``None`` for other databases, memory and ``file:`` URIs).

    Examples
    --------
    >>> str(sqlite_file("sqlite:////srv/class/gradebook.sqlite")), sqlite_file("postgresql://h/db")
    ('/srv/class/gradebook.sqlite', None)
    """
    try:
        url = make_url(url_text)
    except ArgumentError:
        return None
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().absolute()


def _has_schema(connection: Connection) -> bool:
    inspector = inspect(connection)
    return all(inspector.has_table(table.name) for table in metadata.sorted_tables)


def _quick_check(connection: Connection) -> str | None:
    """SQLite's ``PRAGMA quick_check``: ``None`` when the file is sound, else SQLite's first complaint."""
    rows = connection.exec_driver_sql("PRAGMA quick_check").fetchall()
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" else first


def _create_schema(connection: Connection) -> None:
    for table in metadata.sorted_tables:
        connection.execute(CreateTable(table, if_not_exists=True))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            connection.execute(CreateIndex(index, if_not_exists=True))


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return any(marker in text for marker in _LOCKED_MARKERS)


def _new_id(result: Any) -> int:
    # inserted_primary_key rather than RETURNING: works on SQLite older than 3.35 too
    key = result.inserted_primary_key
    if key is None or key[0] is None:  # pragma: no cover - every supported database reports it
        raise OperationalError("INSERT", None, Exception("no primary key reported"))
    return int(key[0])
