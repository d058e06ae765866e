"""Gradebook: every submission stored, signed receipts, instructor queries and exports.

Storage goes through SQLAlchemy 2 (Core), so any database URL works; the default is one SQLite file,
``gradebook.sqlite``, in the data directory:

* data directory: ``MICROLOAN_DATA_DIR``, else ``microloan-data/`` next to the project (the folder that holds
  ``course/``), else ``./microloan-data/``. It is git-ignored and ``microloan serve`` never serves it;
* database: ``MICROLOAN_DB_URL`` (e.g. ``postgresql+psycopg://…``), else ``sqlite:///<data dir>/gradebook.sqlite``;
* course key for receipt digests: ``MICROLOAN_COURSE_KEY``, else ``<data dir>/course.key`` (created on first use).

Every attempt is a new row in ``submissions`` (nothing is overwritten). In class, 30 learners submit at once
from 30 Voila kernels, i.e. 30 processes sharing one SQLite file: the file runs in WAL mode with a busy
timeout, every write is one short ``BEGIN IMMEDIATE`` transaction, and a write that still meets
"database is locked" is retried with back-off. The receipt is written to disk *before* the row, so even a
write that fails for good leaves a receipt the instructor can import later.

Receipts
    Each submission also writes ``receipts/<learner>/<exercise>-<time>-<id>.json``: exercise id, learner id,
    variant seed, raw answers, the score the dashboard showed, app version, time, and an HMAC-SHA256 digest
    with the course key. The digest only detects tampering by someone who does not have the key (a learner
    on the instructor's server, or one who was handed receipts but not the key); a self-study learner whose
    laptop created its own key can sign anything. That is why :meth:`Gradebook.import_receipts` never trusts
    the stored score: it re-grades the raw answers for the stored variant and records its own score.

Manual items
    Items with status ``manual`` (free text) score 0 until the instructor scores them with
    :meth:`Gradebook.set_manual_score`; every total shown afterwards includes those points.

Examples
--------
>>> import tempfile
>>> import microloan_sim as ml
>>> book = Gradebook(data_dir=tempfile.mkdtemp())
>>> key = ml.exercises.get("ex01").expected("学员-01")
>>> first = book.submit("学员-01", "ex01", {"equity": "1"})
>>> second = book.submit("学员-01", "ex01", {"equity": f"{key['equity']:.0f}", "debt_ratio": key["debt_ratio"]})
>>> (first.attempt, first.score, second.attempt, second.score, second.max_score)
(1, 0.0, 2, 20.0, 100.0)
>>> second.receipt_path.parent.name
'学员-01'
>>> book.overview()[["learner_id", "exercise_id", "attempts", "best_score"]].to_dict("records")
[{'learner_id': '学员-01', 'exercise_id': 'ex01', 'attempts': 2, 'best_score': 20.0}]
>>> summary = book.import_receipts([second.receipt_path])   # already in the gradebook: skipped, not doubled
>>> (len(summary.imported), len(summary.duplicates))
(0, 1)
>>> book.close()
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import html
import json
import math
import os
import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

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
    and_,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.schema import CreateIndex, CreateTable

from ._data import PACKAGE_DIR
from .errors import InputError, require_number

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Attempt", "Gradebook", "ImportSummary", "LearnerView", "Submission", "course_key", "data_dir",
    "database_url", "default_gradebook", "export", "import_receipts", "learner_report_html", "open_gradebook",
    "record_attempt",
]

T = TypeVar("T")
Source = Literal["dashboard", "receipt"]

RECEIPT_FORMAT = "microloan-receipt"
RECEIPT_VERSION = 1
KEY_FILE = "course.key"
DB_FILE = "gradebook.sqlite"
#: Statuses that count as answered correctly in the item-difficulty table.
CORRECT_STATUSES = frozenset({"correct", "within_tolerance"})
STATUS_LABELS: dict[str, str] = {
    "correct": "正确", "within_tolerance": "在容差内", "wrong": "错误", "missing": "未作答",
    "manual": "待讲师评分", "manual_scored": "讲师已评分",
}
#: Chinese column headers used by the exports (and available to the instructor dashboard).
CHINESE_HEADERS: dict[str, str] = {
    "learner_id": "学员编号", "exercise_id": "练习编号", "exercise_title": "练习名称", "attempts": "提交次数",
    "best_score": "最高得分", "latest_score": "最近一次得分", "max_score": "满分", "best_share": "最高得分率",
    "last_submitted_at": "最近提交时间（UTC）", "pending_manual": "待讲师评分题数",
    "submission_id": "提交编号", "item_id": "题目编号", "label": "题目", "status": "结果", "points": "得分",
    "max_points": "本题满分", "given": "作答", "note": "讲师评语", "judged": "已判题人次", "correct": "答对人次",
    "share_correct": "答对比例", "pending": "待评分人次", "submitted_at": "提交时间（UTC）",
}

_APP_VERSION = "0.1.0"  # kept equal to microloan_sim.__version__ (read lazily to avoid an import cycle)
_LOCKED_MARKERS = ("database is locked", "database table is locked", "database is busy")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------- what grading returns

class ItemLike(Protocol):
    """Per-item feedback as :class:`microloan_sim.exercises.ItemFeedback` provides it."""

    @property
    def item_id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def points(self) -> float: ...
    @property
    def max_points(self) -> float: ...
    @property
    def hint(self) -> str: ...
    @property
    def given(self) -> Any: ...


class ResultLike(Protocol):
    """A grade result as :class:`microloan_sim.exercises.GradeResult` provides it."""

    @property
    def exercise_id(self) -> str: ...
    @property
    def variant(self) -> int | None: ...
    @property
    def score(self) -> float: ...
    @property
    def max_score(self) -> float: ...
    @property
    def items(self) -> Sequence[ItemLike]: ...


class ExerciseLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    def grade(self, answers: dict[str, Any], variant: int | str | None) -> ResultLike: ...


class Registry(Protocol):
    """Where exercises are looked up: the :mod:`microloan_sim.exercises` module, or a stand-in in tests."""

    def get(self, exercise_id: str) -> ExerciseLike: ...


def _default_registry() -> Registry:
    from . import exercises

    return exercises


# --------------------------------------------------------------------------- configuration

def _project_root() -> Path | None:
    # Same rule as cli.project_root(): the repository for an editable install, else the current directory.
    for candidate in (PACKAGE_DIR.parent, Path.cwd()):
        if (candidate / "course").is_dir():
            return candidate
    return None


def data_dir() -> Path:
    """The gradebook's data directory (database, receipts, course key, exports); not created here.

    Examples
    --------
    >>> import os
    >>> os.environ["MICROLOAN_DATA_DIR"] = "/srv/class-2025"
    >>> str(data_dir())
    '/srv/class-2025'
    >>> del os.environ["MICROLOAN_DATA_DIR"]
    >>> data_dir().name
    'microloan-data'
    """
    configured = os.environ.get("MICROLOAN_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    root = _project_root()
    return ((root if root is not None else Path.cwd()) / "microloan-data").resolve()


_default_data_dir = data_dir  # Gradebook's parameter ``data_dir`` shadows the function


def database_url(directory: Path | None = None) -> str:
    """``MICROLOAN_DB_URL`` if set, else the SQLite file in the data directory.

    Examples
    --------
    >>> from pathlib import Path
    >>> database_url(Path("/srv/class"))
    'sqlite:////srv/class/gradebook.sqlite'
    """
    configured = os.environ.get("MICROLOAN_DB_URL", "").strip()
    if configured:
        return configured
    return f"sqlite:///{(directory or data_dir()) / DB_FILE}"


def course_key(directory: Path | None = None) -> bytes:
    """The key that signs receipts: ``MICROLOAN_COURSE_KEY``, else ``course.key`` in the data directory.

    The key file is created on first use (256 random bits, mode 0600) atomically, so processes that start
    together all end up with the same key.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> course_key(folder) == course_key(folder) and len(course_key(folder)) == 64
    True
    """
    configured = os.environ.get("MICROLOAN_COURSE_KEY", "").strip()
    if configured:
        return configured.encode("utf-8")
    folder = directory or data_dir()
    path = folder / KEY_FILE
    for _ in range(50):
        if path.is_file():
            text = path.read_text(encoding="ascii").strip()
            if text:
                return text.encode("ascii")
            time.sleep(0.02)  # another process is still writing it (no-hard-link fallback)
            continue
        _create_key_file(folder, path)
    raise InputError("课程密钥文件为空，请删除后重试", file=str(path))


def _create_key_file(folder: Path, path: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    temporary.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
    try:
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)  # atomic; fails if another process won the race
        except FileExistsError:
            pass
        except OSError:  # file system without hard links
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(temporary.read_text(encoding="ascii"))
    finally:
        temporary.unlink(missing_ok=True)


# --------------------------------------------------------------------------- schema

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


# --------------------------------------------------------------------------- records returned

@dataclass(frozen=True)
class Submission:
    """What :meth:`Gradebook.record` stored: the row id, the attempt number and the receipt file.

    ``receipt_saved`` is false when the receipt could not be written (the row is stored all the same).
    """

    id: int
    learner_id: str
    exercise_id: str
    attempt: int
    score: float
    max_score: float
    receipt_path: Path
    receipt_saved: bool = True

    def confirmation(self) -> str:
        """Short Chinese note for the learner's form."""
        if not self.receipt_saved:
            return f"已记录（第 {self.attempt} 次提交；回执未能保存，请告诉讲师）"
        return f"已记录（第 {self.attempt} 次提交）"


@dataclass(frozen=True)
class Attempt:
    """One stored submission with manual scores applied; ``score`` is the total the learner is credited with.

    ``items`` are dicts with ``item_id label status points max_points hint given`` and, for manual items,
    ``manual_points`` (``None`` until scored), ``grader`` and ``note``.
    """

    submission_id: int
    learner_id: str
    exercise_id: str
    exercise_title: str
    variant: int | None
    auto_score: float
    manual_points: float
    max_score: float
    claimed_score: float | None
    submitted_at: datetime
    source: str
    items: tuple[dict[str, Any], ...]
    answers: dict[str, Any]
    receipt_id: str | None

    @property
    def score(self) -> float:
        return round(self.auto_score + self.manual_points, 2)

    @property
    def pending_manual(self) -> int:
        """Manual items not scored yet."""
        return sum(1 for item in self.items if item["status"] == "manual" and item.get("manual_points") is None)


@dataclass(frozen=True)
class ImportedReceipt:
    file: str
    submission_id: int
    learner_id: str
    exercise_id: str
    score: float
    claimed_score: float

    @property
    def score_changed(self) -> bool:
        return not math.isclose(self.score, self.claimed_score, abs_tol=1e-6)


@dataclass(frozen=True)
class RejectedReceipt:
    file: str
    reason: str


@dataclass
class ImportSummary:
    """Result of :meth:`Gradebook.import_receipts`: imported, rejected (with reasons), duplicates."""

    imported: list[ImportedReceipt] = field(default_factory=list)
    rejected: list[RejectedReceipt] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[ImportedReceipt]:
        """Imported receipts whose re-graded score differs from the score the receipt claims."""
        return [receipt for receipt in self.imported if receipt.score_changed]

    def lines(self) -> list[str]:
        """Chinese summary, one line per fact."""
        out = [(f"已导入 {len(self.imported)} 份回执，拒收 {len(self.rejected)} 份，"
                f"已在成绩册中（跳过）{len(self.duplicates)} 份；"
                f"重新评分后与回执分数不同 {len(self.changed)} 份。")]
        out += [f"拒收：{item.reason}" for item in self.rejected]
        out += [f"分数已按重新评分记录：{item.file}（学员 {item.learner_id}，{item.exercise_id}）："
                f"回执上为 {_fmt(item.claimed_score)}，重新评分为 {_fmt(item.score)}" for item in self.changed]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# --------------------------------------------------------------------------- helpers

def _now() -> datetime:
    return datetime.now(timezone.utc)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def _json_safe(value: Any) -> Any:
    """Answers as JSON: numpy scalars → Python, NaN/inf → None, unknown objects → text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        try:
            return _json_safe(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _sign(payload: dict[str, Any], key: bytes) -> str:
    body = {name: value for name, value in payload.items() if name != "digest"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def _safe_name(text: str) -> str:
    """A file-name-safe form of a learner or exercise id (Chinese kept; a hash keeps altered names distinct)."""
    cleaned = re.sub(r"[^\w\-]", "_", text).strip("_")[:60] or "_"
    if cleaned != text:
        cleaned += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return cleaned


def _check_learner_id(learner_id: Any, *, file: str | None = None, field_name: str = "学员编号") -> str:
    if not isinstance(learner_id, str):
        raise InputError(f"应为文字（收到 {type(learner_id).__name__}）", field=field_name, file=file)
    text = learner_id.strip()
    if not text:
        raise InputError("不能为空", field=field_name, file=file)
    if len(text) > 100 or _CONTROL.search(text):
        raise InputError("过长或含有控制字符", field=field_name, file=file)
    return text


def _item_dict(item: ItemLike) -> dict[str, Any]:
    return {"item_id": str(item.item_id), "label": str(item.label), "status": str(item.status),
            "points": float(item.points), "max_points": float(item.max_points), "hint": str(item.hint or ""),
            "given": _json_safe(item.given)}


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return any(marker in text for marker in _LOCKED_MARKERS)


def _new_id(result: Any) -> int:
    # inserted_primary_key rather than RETURNING: works on SQLite older than 3.35 too
    key = result.inserted_primary_key
    if key is None or key[0] is None:  # pragma: no cover - every supported database reports it
        raise OperationalError("INSERT", None, Exception("no primary key reported"))
    return int(key[0])


def _app_version() -> str:
    try:
        from . import __version__
    except ImportError:  # pragma: no cover
        return _APP_VERSION
    return str(__version__)


# --------------------------------------------------------------------------- the gradebook

class Gradebook:
    """Submissions, receipts, instructor queries and exports over one database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default :func:`database_url` (``MICROLOAN_DB_URL`` or SQLite in the data directory).
    data_dir : path, optional
        Where the SQLite file, receipts and key file live; default :func:`data_dir`.
    registry : object with ``get(exercise_id)``, optional
        Where exercises are looked up for grading; default :mod:`microloan_sim.exercises`.
    busy_timeout_ms : int
        How long SQLite waits for a lock before "database is locked" (then the write is retried).
    retry_seconds : float
        Give up retrying a locked write after this long (the receipt is already on disk by then).

    Examples
    --------
    >>> import tempfile
    >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
    ...     book.url.endswith("gradebook.sqlite"), book.overview().empty
    (True, True)
    """

    def __init__(self, url: str | None = None, *, data_dir: Path | str | None = None,
                 registry: Registry | None = None, busy_timeout_ms: int = 30_000,
                 retry_seconds: float = 120.0) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve() if data_dir is not None else _default_data_dir()
        self.url = url or database_url(self.data_dir)
        self._registry = registry
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._retry_seconds = float(retry_seconds)
        self._key: bytes | None = None
        #: How many times a write met a locked database and was retried (for the tests and the bench).
        self.lock_retries = 0
        self.engine = self._create_engine()
        try:
            try:
                self._write(self._create_schema)
            except (IntegrityError, ProgrammingError):  # PostgreSQL: two processes created a table at once
                time.sleep(0.2)
                self._write(self._create_schema)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise InputError(f"无法打开成绩册数据库：{exc.__class__.__name__}: {getattr(exc, 'orig', exc)}",
                             field="成绩册") from None

    # ----------------------------------------------------------------- plumbing
    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @property
    def receipts_dir(self) -> Path:
        return self.data_dir / "receipts"

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = _default_registry()
        return self._registry

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = course_key(self.data_dir)
        return self._key

    def _create_engine(self) -> Engine:
        try:
            url = make_url(self.url)
        except ArgumentError:
            raise InputError(f"无法识别的数据库地址“{self.url}”", field="MICROLOAN_DB_URL") from None
        if url.get_backend_name() != "sqlite":
            try:
                return create_engine(url, pool_pre_ping=True)
            except (ImportError, ArgumentError) as exc:
                raise InputError(f"无法连接数据库（缺少驱动？）：{exc}", field="MICROLOAN_DB_URL") from None
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": self._busy_timeout_ms / 1000})
        busy = self._busy_timeout_ms

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

    def _retry(self, operation: Callable[[], T]) -> T:
        deadline = time.monotonic() + self._retry_seconds
        delay = 0.02
        while True:
            try:
                return operation()
            except OperationalError as exc:
                if not _is_locked(exc) or time.monotonic() > deadline:
                    raise
                self.lock_retries += 1
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 1.0)

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one short write transaction (SQLite: BEGIN IMMEDIATE), retried while locked."""

        def once() -> T:
            with self.engine.connect() as connection:
                connection.execution_options(microloan_write=True)
                with connection.begin():
                    return work(connection)

        return self._retry(once)

    def _read(self, work: Callable[[Connection], T]) -> T:
        def once() -> T:
            with self.engine.connect() as connection:
                return work(connection)

        return self._retry(once)

    @staticmethod
    def _create_schema(connection: Connection) -> None:
        for table in metadata.sorted_tables:
            connection.execute(CreateTable(table, if_not_exists=True))
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                connection.execute(CreateIndex(index, if_not_exists=True))

    def _exercise(self, exercise_id: str, *, file: str | None = None) -> ExerciseLike:
        try:
            return self.registry.get(exercise_id)
        except (InputError, KeyError, LookupError):
            raise InputError(f"没有编号为“{exercise_id}”的练习", field="exercise_id" if file else "练习编号",
                             file=file) from None

    def _title(self, exercise_id: str) -> str:
        try:
            return str(self.registry.get(exercise_id).title)
        except (InputError, KeyError, LookupError, ImportError):
            return exercise_id

    # ----------------------------------------------------------------- submitting
    def submit(self, learner_id: str, exercise_id: str, answers: dict[str, Any],
               variant: int | str | None = None) -> Submission:
        """Grade ``answers`` and record the attempt; ``variant`` defaults to the learner's own (their id)."""
        who = _check_learner_id(learner_id)
        if not isinstance(answers, dict):
            raise InputError("答案应为“题目编号 → 答案”的键值表", field="answers")
        clean = _json_safe(answers)
        result = self._exercise(str(exercise_id)).grade(clean, who if variant is None else variant)
        return self.record(who, clean, result)

    def record(self, learner_id: str, answers: dict[str, Any], result: ResultLike, *,
               source: Source = "dashboard") -> Submission:
        """Store a graded attempt (a new row, never an overwrite) and write its signed receipt.

        The receipt goes to disk first; if the database then stays locked past ``retry_seconds`` the learner
        is told the receipt was kept, and ``microloan gradebook import`` brings it in later.
        """
        who = _check_learner_id(learner_id)
        if not isinstance(answers, dict):
            raise InputError("答案应为“题目编号 → 答案”的键值表", field="answers")
        clean = _json_safe(answers)
        items = [_item_dict(item) for item in result.items]
        moment = _now()
        receipt = self._receipt(who, result, clean, moment)
        path = self._receipt_path(receipt)
        try:
            self._write_receipt(receipt, path)
            saved = True
        except InputError:  # e.g. disk full or no permission: the database row below still records it
            saved = False
        title = self._title(result.exercise_id)
        row = {
            "learner_id": who, "exercise_id": result.exercise_id, "exercise_title": title,
            "variant": result.variant, "answers": clean, "score": float(result.score),
            "max_score": float(result.max_score), "claimed_score": float(result.score), "items": items,
            "submitted_at": _naive_utc(moment), "recorded_at": _naive_utc(moment), "source": source,
            "receipt_id": receipt["receipt_id"], "receipt_digest": receipt["digest"],
            "app_version": receipt["app_version"],
        }
        try:
            submission_id, attempt = self._write(lambda connection: self._insert(connection, row))
        except SQLAlchemyError:
            if not saved:
                raise InputError("成绩册和回执都无法写入，本次提交没有保存，请告诉讲师（答案仍在表单中）",
                                 field="提交") from None
            raise InputError(f"成绩册暂时无法写入；本次提交已保存为回执 {path.name}，请告诉讲师",
                             field="提交") from None
        return Submission(submission_id, who, result.exercise_id, attempt, float(result.score),
                          float(result.max_score), path, saved)

    @staticmethod
    def _insert(connection: Connection, row: dict[str, Any]) -> tuple[int, int]:
        submission_id = _new_id(connection.execute(submissions.insert().values(**row)))
        attempt = connection.execute(
            select(func.count()).select_from(submissions).where(
                submissions.c.learner_id == row["learner_id"], submissions.c.exercise_id == row["exercise_id"],
                submissions.c.id <= submission_id)).scalar_one()
        return submission_id, int(attempt)

    def _receipt(self, learner_id: str, result: ResultLike, answers: dict[str, Any],
                 moment: datetime) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "format": RECEIPT_FORMAT, "format_version": RECEIPT_VERSION, "receipt_id": secrets.token_hex(16),
            "learner_id": learner_id, "exercise_id": result.exercise_id, "variant": result.variant,
            "answers": answers, "score": float(result.score), "max_score": float(result.max_score),
            "app_version": _app_version(), "submitted_at": moment.isoformat(timespec="microseconds"),
        }
        payload["digest"] = _sign(payload, self.key)
        return payload

    def _receipt_path(self, receipt: dict[str, Any]) -> Path:
        folder = self.receipts_dir / _safe_name(receipt["learner_id"])
        stamp = datetime.fromisoformat(receipt["submitted_at"]).strftime("%Y%m%dT%H%M%S%fZ")
        return folder / f"{_safe_name(receipt['exercise_id'])}-{stamp}-{receipt['receipt_id'][:8]}.json"

    @staticmethod
    def _write_receipt(receipt: dict[str, Any], path: Path) -> None:
        temporary = path.with_suffix(".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(receipt, handle, ensure_ascii=False, indent=2, allow_nan=False)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            raise InputError(f"无法保存回执：{exc.strerror or exc}", field="回执", file=str(path)) from None

    # ----------------------------------------------------------------- receipts
    def import_receipts(self, paths: Iterable[str | Path]) -> ImportSummary:
        """Re-grade and record receipt files (or every ``*.json`` under folders); never trusts stored scores.

        Each file is checked on its own: malformed JSON, missing fields, wrong types, a digest that does not
        match (回执已被修改) or an unknown exercise reject that file with a Chinese reason naming the file and
        the field, and the others go on. A receipt already in the gradebook (same receipt id) is skipped.

        Examples
        --------
        >>> import tempfile, json
        >>> book = Gradebook(data_dir=tempfile.mkdtemp())
        >>> bad = Path(book.data_dir) / "bad.json"
        >>> _ = bad.write_text("{not json", encoding="utf-8")
        >>> print(book.import_receipts([bad]).rejected[0].reason)  # doctest: +ELLIPSIS
        文件 .../bad.json：不是有效的 JSON（第 1 行，第 2 列）
        >>> book.close()
        """
        summary = ImportSummary()
        for file in _receipt_files(paths, summary):
            name = str(file)
            try:
                receipt = self._read_receipt(file)
                exercise = self._exercise(receipt["exercise_id"], file=name)
                try:
                    result = exercise.grade(dict(receipt["answers"]), receipt["variant"])
                except InputError as exc:
                    raise InputError(f"无法重新评分：{exc}", field="answers", file=name) from None
                if str(result.exercise_id) != receipt["exercise_id"]:
                    raise InputError("评分结果与练习编号不符", field="exercise_id", file=name)
            except InputError as exc:
                summary.rejected.append(RejectedReceipt(name, str(exc)))
                continue
            row = {
                "learner_id": receipt["learner_id"], "exercise_id": receipt["exercise_id"],
                "exercise_title": str(exercise.title), "variant": result.variant, "answers": receipt["answers"],
                "score": float(result.score), "max_score": float(result.max_score),
                "claimed_score": float(receipt["score"]), "items": [_item_dict(item) for item in result.items],
                "submitted_at": _naive_utc(receipt["submitted_at"]), "recorded_at": _naive_utc(_now()),
                "source": "receipt", "receipt_id": receipt["receipt_id"], "receipt_digest": receipt["digest"],
                "app_version": receipt["app_version"],
            }
            submission_id = self._write(partial(self._insert_receipt, row=row))
            if submission_id is None:
                summary.duplicates.append(name)
            else:
                summary.imported.append(ImportedReceipt(name, submission_id, row["learner_id"], row["exercise_id"],
                                                        row["score"], row["claimed_score"]))
        return summary

    @staticmethod
    def _insert_receipt(connection: Connection, row: dict[str, Any]) -> int | None:
        existing = connection.execute(
            select(submissions.c.id).where(submissions.c.receipt_id == row["receipt_id"])).first()
        if existing is not None:
            return None
        try:
            with connection.begin_nested():
                return _new_id(connection.execute(submissions.insert().values(**row)))
        except IntegrityError:  # another importer got there first (databases without BEGIN IMMEDIATE)
            return None

    def _read_receipt(self, file: Path) -> dict[str, Any]:
        name = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InputError("文件不是 UTF-8 编码", file=name) from None
        except OSError as exc:
            raise InputError(f"无法读取文件：{exc.strerror or exc}", file=name) from None
        try:
            raw = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise InputError(f"不是有效的 JSON（第 {exc.lineno} 行，第 {exc.colno} 列）", file=name) from None
        except ValueError:
            raise InputError("不是有效的 JSON（含 NaN 或无穷大）", file=name) from None
        if not isinstance(raw, dict):
            raise InputError("内容应为键值表（JSON 对象）", file=name)
        return _validate_receipt(raw, self.key, name)

    # ----------------------------------------------------------------- manual scoring
    def set_manual_score(self, submission_id: int, item_id: str, points: float, grader: str,
                         note: str = "") -> Attempt:
        """Score a free-text (``manual``) item of one submission; the latest score per item counts.

        Examples
        --------
        >>> import tempfile
        >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
        ...     book.set_manual_score(99, "comment", 5, grader="王老师")
        Traceback (most recent call last):
        ...
        microloan_sim.errors.InputError: 提交编号：没有编号为 99 的提交
        """
        grader_name = _check_learner_id(grader, field_name="评分人")
        if isinstance(submission_id, bool) or not isinstance(submission_id, int):
            raise InputError(f"应为整数（收到 {submission_id!r}）", field="提交编号")

        def work(connection: Connection) -> None:
            row = connection.execute(select(submissions.c["items"]).where(submissions.c.id == submission_id)).first()
            if row is None:
                raise InputError(f"没有编号为 {submission_id} 的提交", field="提交编号")
            item = next((i for i in row[0] if i["item_id"] == item_id), None)
            if item is None:
                raise InputError(f"提交 {submission_id} 中没有题目“{item_id}”", field="题目编号")
            if item["status"] != "manual":
                raise InputError(f"题目“{item['label']}”由系统自动评分，不能人工给分", field="题目编号")
            value = require_number(points, "得分", minimum=0, maximum=float(item["max_points"]))
            connection.execute(manual_scores.insert().values(
                submission_id=submission_id, item_id=item_id, points=value, grader=grader_name,
                note=str(note or ""), scored_at=_naive_utc(_now())))

        self._write(work)
        return self._attempts(submission_id=submission_id)[0]

    # ----------------------------------------------------------------- queries
    def _attempts(self, *, learner_id: str | None = None, exercise_id: str | None = None,
                  submission_id: int | None = None) -> list[Attempt]:
        conditions = []
        if learner_id is not None:
            conditions.append(submissions.c.learner_id == learner_id)
        if exercise_id is not None:
            conditions.append(submissions.c.exercise_id == exercise_id)
        if submission_id is not None:
            conditions.append(submissions.c.id == submission_id)
        where = and_(*conditions) if conditions else None

        def work(connection: Connection) -> tuple[list[Any], list[Any]]:
            query = select(submissions).order_by(submissions.c.submitted_at, submissions.c.id)
            scores = (select(manual_scores).join(submissions, manual_scores.c.submission_id == submissions.c.id)
                      .order_by(manual_scores.c.scored_at, manual_scores.c.id))
            if where is not None:
                query, scores = query.where(where), scores.where(where)
            return list(connection.execute(query)), list(connection.execute(scores))

        rows, manual = self._read(work)
        latest: dict[tuple[int, str], Any] = {}
        for score in manual:  # ordered by time: the last one per item wins
            latest[(score.submission_id, score.item_id)] = score
        return [_attempt(row, latest) for row in rows]

    def learner_attempts(self, learner_id: str, exercise_id: str | None = None) -> list[Attempt]:
        """Instructor drill-down: every attempt of one learner (oldest first) with per-item feedback."""
        return self._attempts(learner_id=_check_learner_id(learner_id), exercise_id=exercise_id)

    def all_attempts(self, exercise_id: str | None = None) -> list[Attempt]:
        """Every attempt of every learner (instructor only)."""
        return self._attempts(exercise_id=exercise_id)

    def learner_view(self, learner_id: str) -> LearnerView:
        """A view bound to one learner; the learner dashboard uses only this."""
        return LearnerView(self, _check_learner_id(learner_id))

    def overview(self) -> pd.DataFrame:
        """Class overview: one row per learner × exercise (attempts, best and latest total, max, pending).

        Columns: ``learner_id exercise_id exercise_title attempts best_score latest_score max_score best_share
        last_submitted_at pending_manual``.
        """
        return _overview(self._attempts())

    def item_difficulty(self, exercise_id: str | None = None, *,
                        attempts: Literal["latest", "all"] = "latest") -> pd.DataFrame:
        """Share of learners who got each item right ("within_tolerance" counts as right).

        By default each learner's latest attempt per exercise counts once (``attempts="all"``: every
        attempt). A manual item counts as right when the instructor gave it full points, and is left out
        (column ``pending``) until scored.
        """
        if attempts not in ("latest", "all"):
            raise InputError("只能是 latest 或 all", field="attempts")
        chosen = self._attempts(exercise_id=exercise_id)
        if attempts == "latest":
            chosen = list(_latest_per_pair(chosen).values())
        return _difficulty(chosen)

    def pending_manual(self) -> pd.DataFrame:
        """Free-text items still waiting for the instructor (newest first); ``is_latest`` marks final answers."""
        import pandas as pd

        everything = self._attempts()
        latest_ids = {a.submission_id for a in _latest_per_pair(everything).values()}
        rows = [{"submission_id": a.submission_id, "learner_id": a.learner_id, "exercise_id": a.exercise_id,
                 "item_id": item["item_id"], "label": item["label"], "given": item["given"],
                 "max_points": item["max_points"], "submitted_at": a.submitted_at,
                 "is_latest": a.submission_id in latest_ids}
                for a in reversed(everything) for item in a.items
                if item["status"] == "manual" and item.get("manual_points") is None]
        return pd.DataFrame(rows, columns=["submission_id", "learner_id", "exercise_id", "item_id", "label",
                                           "given", "max_points", "submitted_at", "is_latest"])

    # ----------------------------------------------------------------- exports
    def export(self, path: str | Path, format: str = "csv") -> Path:
        """Write the gradebook: one row per learner × exercise with the best score (Chinese headers).

        ``xlsx`` adds the sheets 逐题得分 (items of each best attempt) and 题目难度 (item difficulty).
        CSV is UTF-8 with a BOM so that Excel shows the Chinese; text that a spreadsheet would run as a
        formula (starting with ``= + - @``) is written as plain text.

        Examples
        --------
        >>> import tempfile
        >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
        ...     out = book.export(book.data_dir / "成绩册.csv")
        >>> out.read_text(encoding="utf-8-sig").splitlines()[0]
        '学员编号,练习编号,练习名称,提交次数,最高得分,最近一次得分,满分,最高得分率,最近提交时间（UTC）,待讲师评分题数'
        """
        kind = str(format).lower().lstrip(".")
        if kind not in ("csv", "xlsx"):
            raise InputError(f"只支持 csv 或 xlsx（收到“{format}”）", field="格式")
        target = Path(path)
        attempts = self._attempts()
        summary = _overview(attempts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "csv":
                _write_csv(target, summary)
            else:
                best = _best_per_pair(attempts)
                _write_xlsx(target, [("成绩册", summary), ("逐题得分", _item_rows(best)),
                                     ("题目难度", _difficulty(list(_latest_per_pair(attempts).values())))])
        except OSError as exc:
            raise InputError(f"无法写入：{exc.strerror or exc}", file=str(target)) from None
        return target

    def learner_report_html(self, learner_id: str) -> str:
        """Self-contained HTML feedback report for one learner (Chinese, every value escaped)."""
        who = _check_learner_id(learner_id)
        return _report_html(who, self._attempts(learner_id=who))


class LearnerView:
    """The gradebook as one learner may see it: every query is restricted to the bound learner id.

    Examples
    --------
    >>> import tempfile
    >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
    ...     _ = book.submit("甲", "ex01", {"equity": "1"})
    ...     _ = book.submit("乙", "ex01", {"equity": "2"})
    ...     [a.learner_id for a in book.learner_view("甲").attempts()]
    ['甲']
    """

    def __init__(self, book: Gradebook, learner_id: str) -> None:
        self._book = book
        self.learner_id = learner_id

    def attempts(self, exercise_id: str | None = None) -> list[Attempt]:
        """This learner's attempts, oldest first."""
        found = self._book._attempts(learner_id=self.learner_id, exercise_id=exercise_id)
        return [attempt for attempt in found if attempt.learner_id == self.learner_id]

    def attempt(self, submission_id: int) -> Attempt | None:
        """One of this learner's attempts by id; ``None`` for another learner's submission."""
        return next((a for a in self.attempts() if a.submission_id == submission_id), None)

    def summary(self) -> pd.DataFrame:
        """Per exercise: attempts, best and latest score."""
        return _overview(self.attempts())

    def submit(self, exercise_id: str, answers: dict[str, Any]) -> Submission:
        """Grade and record an attempt for this learner (on their own variant)."""
        return self._book.submit(self.learner_id, exercise_id, answers)

    def report_html(self) -> str:
        return _report_html(self.learner_id, self.attempts())


# --------------------------------------------------------------------------- receipt validation

def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _receipt_files(paths: Iterable[str | Path], summary: ImportSummary) -> Iterator[Path]:
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            summary.rejected.append(RejectedReceipt(str(path), f"文件 {path}：找不到文件或文件夹"))


def _validate_receipt(raw: dict[str, Any], key: bytes, name: str) -> dict[str, Any]:
    def need(field_name: str) -> Any:
        if field_name not in raw:
            raise InputError("缺少此字段", field=field_name, file=name)
        return raw[field_name]

    def text(field_name: str) -> str:
        value = need(field_name)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"应为非空文字（收到 {value!r}）", field=field_name, file=name)
        return value

    def number(field_name: str) -> float:
        value = need(field_name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"应为数字（收到 {value!r}）", field=field_name, file=name)
        return float(value)

    if need("format") != RECEIPT_FORMAT:
        raise InputError(f"不是微贷实训的回执（应为 {RECEIPT_FORMAT}）", field="format", file=name)
    version = need("format_version")
    if version != RECEIPT_VERSION or isinstance(version, bool):
        raise InputError(f"不支持的回执版本 {version!r}", field="format_version", file=name)
    receipt_id = text("receipt_id")
    if not re.fullmatch(r"[0-9a-f]{32}", receipt_id):
        raise InputError("格式不对（应为 32 位十六进制）", field="receipt_id", file=name)
    learner_id = _check_learner_id(need("learner_id"), file=name, field_name="learner_id")
    exercise_id = text("exercise_id")
    variant = need("variant")
    if variant is not None and (isinstance(variant, bool) or not isinstance(variant, int)
                                or not 0 <= variant < 2 ** 63):
        raise InputError(f"应为非负整数或 null（收到 {variant!r}）", field="variant", file=name)
    answers = need("answers")
    if not isinstance(answers, dict):
        raise InputError(f"应为键值表（收到 {type(answers).__name__}）", field="answers", file=name)
    score, max_score = number("score"), number("max_score")
    app_version = text("app_version")
    stamp = text("submitted_at")
    try:
        submitted_at = datetime.fromisoformat(stamp)
    except ValueError:
        raise InputError(f"时间格式不对（收到 {stamp!r}）", field="submitted_at", file=name) from None
    if submitted_at.tzinfo is None:
        raise InputError("时间缺少时区", field="submitted_at", file=name)
    digest = text("digest")
    if not hmac.compare_digest(_sign(raw, key), digest):
        raise InputError("回执已被修改（完整性校验不符，或不是用本课程的密钥签发的）", field="digest", file=name)
    return {"receipt_id": receipt_id, "learner_id": learner_id, "exercise_id": exercise_id.strip(),
            "variant": variant, "answers": answers, "score": score, "max_score": max_score,
            "app_version": app_version, "submitted_at": submitted_at, "digest": digest}


# --------------------------------------------------------------------------- building results

def _attempt(row: Any, manual: dict[tuple[int, str], Any]) -> Attempt:
    items = []
    auto = float(row.score)
    extra = 0.0
    for stored in row._mapping["items"]:
        item = dict(stored)
        if item["status"] == "manual":
            auto -= float(item["points"])  # in case a grader ever pre-scores manual items
            scored = manual.get((row.id, item["item_id"]))
            item["manual_points"] = None if scored is None else float(scored.points)
            item["grader"] = None if scored is None else scored.grader
            item["note"] = "" if scored is None else scored.note
            item["points"] = 0.0 if scored is None else float(scored.points)
            extra += item["points"]
        items.append(item)
    return Attempt(
        submission_id=int(row.id), learner_id=row.learner_id, exercise_id=row.exercise_id,
        exercise_title=row.exercise_title, variant=None if row.variant is None else int(row.variant),
        auto_score=round(auto, 6), manual_points=round(extra, 6), max_score=float(row.max_score),
        claimed_score=None if row.claimed_score is None else float(row.claimed_score),
        submitted_at=_aware(row.submitted_at), source=row.source, items=tuple(items), answers=dict(row.answers),
        receipt_id=row.receipt_id)


def _latest_per_pair(attempts: Sequence[Attempt]) -> dict[tuple[str, str], Attempt]:
    latest: dict[tuple[str, str], Attempt] = {}
    for attempt in attempts:  # oldest first, so the last one wins
        latest[(attempt.learner_id, attempt.exercise_id)] = attempt
    return latest


def _best_per_pair(attempts: Sequence[Attempt]) -> list[Attempt]:
    best: dict[tuple[str, str], Attempt] = {}
    for attempt in attempts:
        pair = (attempt.learner_id, attempt.exercise_id)
        if pair not in best or attempt.score > best[pair].score:  # ties: the earliest best attempt
            best[pair] = attempt
    return sorted(best.values(), key=lambda a: (a.learner_id, a.exercise_id))


_OVERVIEW_COLUMNS = ["learner_id", "exercise_id", "exercise_title", "attempts", "best_score", "latest_score",
                     "max_score", "best_share", "last_submitted_at", "pending_manual"]


def _overview(attempts: Sequence[Attempt]) -> pd.DataFrame:
    import pandas as pd

    groups: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in attempts:
        groups.setdefault((attempt.learner_id, attempt.exercise_id), []).append(attempt)
    rows = []
    for (learner, exercise), group in sorted(groups.items()):
        latest = group[-1]
        best = max(a.score for a in group)
        rows.append({"learner_id": learner, "exercise_id": exercise, "exercise_title": latest.exercise_title,
                     "attempts": len(group), "best_score": best, "latest_score": latest.score,
                     "max_score": latest.max_score,
                     "best_share": round(best / latest.max_score, 4) if latest.max_score else 0.0,
                     "last_submitted_at": latest.submitted_at,
                     "pending_manual": sum(a.pending_manual for a in group)})
    return pd.DataFrame(rows, columns=_OVERVIEW_COLUMNS)


def _difficulty(attempts: Sequence[Attempt]) -> pd.DataFrame:
    import pandas as pd

    table: dict[tuple[str, str], dict[str, Any]] = {}
    for attempt in sorted(attempts, key=lambda a: a.exercise_id):
        for item in attempt.items:
            entry = table.setdefault((attempt.exercise_id, item["item_id"]), {
                "exercise_id": attempt.exercise_id, "item_id": item["item_id"], "label": item["label"],
                "judged": 0, "correct": 0, "pending": 0})
            if item["status"] == "manual":
                if item.get("manual_points") is None:
                    entry["pending"] += 1
                    continue
                right = item["manual_points"] >= item["max_points"] - 1e-9
            else:
                right = item["status"] in CORRECT_STATUSES
            entry["judged"] += 1
            entry["correct"] += int(right)
    rows = []
    for entry in table.values():
        share = entry["correct"] / entry["judged"] if entry["judged"] else float("nan")
        rows.append({**entry, "share_correct": share})
    return pd.DataFrame(rows, columns=["exercise_id", "item_id", "label", "judged", "correct", "share_correct",
                                       "pending"])


def _item_rows(attempts: Sequence[Attempt]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for attempt in attempts:
        for item in attempt.items:
            status = item["status"]
            if status == "manual" and item.get("manual_points") is not None:
                status = "manual_scored"
            given = item["given"]
            rows.append({"learner_id": attempt.learner_id, "exercise_id": attempt.exercise_id,
                         "submission_id": attempt.submission_id, "item_id": item["item_id"],
                         "label": item["label"], "status": STATUS_LABELS.get(status, status),
                         "points": item["points"], "max_points": item["max_points"],
                         "given": "" if given is None else str(given), "note": item.get("note", "")})
    return pd.DataFrame(rows, columns=["learner_id", "exercise_id", "submission_id", "item_id", "label", "status",
                                       "points", "max_points", "given", "note"])


# --------------------------------------------------------------------------- writers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalar from a DataFrame
        value = value.item()
    return value


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([CHINESE_HEADERS.get(str(c), str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            cells = [_cell(v) for v in row]
            writer.writerow(["'" + c if isinstance(c, str) and c.startswith(_FORMULA_START) else
                             ("" if c is None else c) for c in cells])


def _write_xlsx(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets:
        sheet = workbook.create_sheet(title)
        headers = [CHINESE_HEADERS.get(str(c), str(c)) for c in frame.columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(10, min(40, 2 * len(header) + 2))
    workbook.save(path)


_REPORT_CSS = """
body{font-family:"Noto Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right}.correct,.within_tolerance,.manual_scored{color:#17702e}
.wrong,.missing{color:#b00020}.manual{color:#a05a00}.hint{max-width:36em;font-size:.9em}
"""


def _report_html(learner_id: str, attempts: Sequence[Attempt]) -> str:
    e = html.escape
    generated = _now().astimezone().strftime("%Y-%m-%d %H:%M（%Z）")
    parts = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>学习反馈报告 · {e(learner_id)}</title><style>{_REPORT_CSS}</style></head><body>",
             "<h1>学习反馈报告</h1>", f"<p>学员编号：{e(learner_id)}　生成时间：{e(generated)}</p>"]
    if not attempts:
        parts.append("<p>暂无提交记录。</p></body></html>")
        return "\n".join(parts)
    summary = _overview(attempts)
    parts.append("<h2>总览</h2><table><thead><tr><th>练习</th><th>提交次数</th><th>最高得分</th>"
                 "<th>最近一次得分</th><th>满分</th></tr></thead><tbody>")
    for row in summary.to_dict("records"):
        parts.append(f"<tr><td>{e(str(row['exercise_id']))} {e(str(row['exercise_title']))}</td>"
                     f"<td class='num'>{row['attempts']}</td><td class='num'>{_fmt(row['best_score'])}</td>"
                     f"<td class='num'>{_fmt(row['latest_score'])}</td>"
                     f"<td class='num'>{_fmt(row['max_score'])}</td></tr>")
    parts.append("</tbody></table>")
    by_exercise: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_exercise.setdefault(attempt.exercise_id, []).append(attempt)
    for exercise_id, group in sorted(by_exercise.items()):
        parts.append(f"<h2>{e(exercise_id)} {e(group[-1].exercise_title)}</h2>")
        for number, attempt in reversed(list(enumerate(group, start=1))):
            when = attempt.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
            pending = f"（另有 {attempt.pending_manual} 题待讲师评分）" if attempt.pending_manual else ""
            parts.append(f"<h3>第 {number} 次提交 · {e(when)} · 得分 {_fmt(attempt.score)} / "
                         f"{_fmt(attempt.max_score)}{e(pending)}</h3>")
            parts.append("<table><thead><tr><th>题目</th><th>你的答案</th><th>结果</th><th>得分</th>"
                         "<th>提示 / 讲师评语</th></tr></thead><tbody>")
            for item in attempt.items:
                status = item["status"]
                if status == "manual" and item.get("manual_points") is not None:
                    status = "manual_scored"
                given = "" if item["given"] is None else str(item["given"])
                advice = item.get("note") or item["hint"]
                parts.append(f"<tr><td>{e(item['label'])}</td><td>{e(given)}</td>"
                             f"<td class='{e(status)}'>{e(STATUS_LABELS.get(status, status))}</td>"
                             f"<td class='num'>{_fmt(item['points'])} / {_fmt(item['max_points'])}</td>"
                             f"<td class='hint'>{e(str(advice))}</td></tr>")
            parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- module-level conveniences

_DEFAULT: dict[tuple[str, str], Gradebook] = {}


def open_gradebook(data_dir: Path | str | None = None, url: str | None = None,
                   registry: Registry | None = None) -> Gradebook:
    """A new :class:`Gradebook` (close it when done); arguments default to the environment."""
    return Gradebook(url, data_dir=data_dir, registry=registry)


def default_gradebook() -> Gradebook:
    """The process-wide gradebook for the current environment (one per data directory and URL)."""
    directory = data_dir()
    key = (str(directory), database_url(directory))
    if key not in _DEFAULT:
        _DEFAULT[key] = Gradebook(key[1], data_dir=directory)
    return _DEFAULT[key]


def record_attempt(learner_id: str, answers: dict[str, Any], result: ResultLike) -> str:
    """Recorder for the exercise forms: store the attempt, return a short Chinese confirmation."""
    return default_gradebook().record(learner_id, answers, result).confirmation()


def import_receipts(paths: Iterable[str | Path]) -> ImportSummary:
    """:meth:`Gradebook.import_receipts` on the default gradebook."""
    return default_gradebook().import_receipts(paths)


def export(path: str | Path, format: str = "csv") -> Path:
    """:meth:`Gradebook.export` on the default gradebook."""
    return default_gradebook().export(path, format)


def learner_report_html(learner_id: str) -> str:
    """:meth:`Gradebook.learner_report_html` on the default gradebook."""
    return default_gradebook().learner_report_html(learner_id)

