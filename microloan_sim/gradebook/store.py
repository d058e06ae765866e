"""The :class:`Gradebook` over one database, the :class:`LearnerView` a learner's dashboard gets, and the
process-wide default gradebook behind the exercise forms and the module-level shortcuts."""
from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from ..errors import InputError, require_number
from ._common import _aware, _check_learner_id, _json_safe, _naive_utc, _now, _private_dir
from .backup import _backup_rows, _read_backup, _restore_rows, _write_backup
from .config import course_key, data_dir, database_url
from .exam import exam_variant, is_exam_variant
from .database import (
    _create_schema,
    _has_schema,
    _is_locked,
    _make_engine,
    _new_id,
    _quick_check,
    manual_scores,
    sqlite_file,
    submissions,
)
from .integrity import GradebookDamagedError, check_database_file, is_damage, mark_created, private_database_files
from .receipts import (
    ImportedReceipt,
    ImportSummary,
    RejectedReceipt,
    _load_receipt,
    _new_receipt,
    _receipt_files,
    _receipt_id_of,
    _receipt_path,
    _validate_receipt,
    _write_receipt,
)
from .policy import (
    AttemptRefused,
    GradingPolicy,
    PolicyBook,
    check_exercise_ids,
    check_open,
    load_policies,
    policy_for,
    uncounted_imports,
)
from .records import (
    Attempt,
    ExerciseLike,
    Registry,
    ResultLike,
    Submission,
    _attempt,
    _default_registry,
    _item_dict,
)
from .reports import (
    _counted_per_pair,
    _difficulty,
    _item_rows,
    _latest_per_pair,
    _overview,
    _report_html,
    _write_csv,
    _write_xlsx,
)

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")
Source = Literal["dashboard", "receipt"]
#: ``on_progress(done, total)``: called as a long import or export goes (the CLI draws a tqdm bar with it).
Progress = Callable[[int, int], None]
#: The same learner sending the same answers to the same exercise again within this many seconds (a double
#: click, a re-sent request) is one attempt, not two.
DOUBLE_SUBMIT_SECONDS = 10.0
#: Receipts imported per write transaction.
IMPORT_BATCH = 500

_default_data_dir = data_dir  # Gradebook's parameter ``data_dir`` shadows the function


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
    recover : bool
        On opening, import the receipts in the receipts folder that have no row (a kernel killed while it
        waited for the database, a write that stayed locked); what was found is in :attr:`recovered`.

    Raises
    ------
    GradebookDamagedError
        The SQLite file is damaged, truncated or gone after it existed; it is never replaced by an empty
        database (see :func:`rebuild_gradebook`).

    Examples
    --------
    >>> import tempfile
    >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
    ...     book.url.endswith("gradebook.sqlite"), book.overview().empty
    (True, True)
    """

    def __init__(self, url: str | None = None, *, data_dir: Path | str | None = None,
                 registry: Registry | None = None, busy_timeout_ms: int = 30_000,
                 retry_seconds: float = 120.0, recover: bool = True) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve() if data_dir is not None else _default_data_dir()
        self.url = url or database_url(self.data_dir)
        self._registry = registry
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._retry_seconds = float(retry_seconds)
        self._key: bytes | None = None
        #: How many times a write met a locked database and was retried (for the tests and the bench).
        self.lock_retries = 0
        #: Receipts found without a row and imported when the gradebook opened (``None``: not looked).
        self.recovered: ImportSummary | None = None
        self.database_file = sqlite_file(self.url)
        if self.database_file is not None:
            check_database_file(self.database_file)  # before anything could create an empty file
        self.engine = _make_engine(self.url, self._busy_timeout_ms)
        try:
            self._open_schema()
        except BaseException:
            self.engine.dispose()
            raise
        if self.database_file is not None:
            mark_created(self.database_file)
            private_database_files(self.database_file)
        if recover:
            self.recovered = self.recover_receipts()

    def _open_schema(self) -> None:
        """Check the file (SQLite: quick_check) and create the tables if missing; only then write."""
        def inspect_database(connection: Connection) -> tuple[str | None, bool]:
            problem = _quick_check(connection) if self.database_file is not None else None
            return problem, (problem is None and _has_schema(connection))

        try:
            problem, ready = self._read(inspect_database)
            if problem is not None:
                raise GradebookDamagedError(self.database_file or Path(self.url), f"完整性检查未通过：{problem}")
            if not ready:
                try:
                    self._write(_create_schema)
                except (IntegrityError, ProgrammingError):  # PostgreSQL: two processes created a table at once
                    time.sleep(0.2)
                    self._write(_create_schema)
        except SQLAlchemyError as exc:
            reason = f"{exc.__class__.__name__}: {getattr(exc, 'orig', exc)}"
            if self.database_file is not None and is_damage(reason):
                raise GradebookDamagedError(self.database_file, f"无法读取：{getattr(exc, 'orig', exc)}") from None
            raise InputError(f"无法打开成绩册数据库：{reason}", field="成绩册") from None

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

    def _exercise(self, exercise_id: str, *, file: str | None = None) -> ExerciseLike:
        try:
            return self.registry.get(exercise_id)
        except (InputError, KeyError, LookupError):
            raise InputError(f"没有编号为“{exercise_id}”的练习", field="exercise_id" if file else "练习编号",
                             file=file) from None

    def policies(self) -> PolicyBook:
        """The grading policies in force: the package's defaults and ``grading_policy.yaml`` in the data
        directory (re-read when edited; a broken file or an unknown exercise id is an :class:`InputError`)."""
        return check_exercise_ids(load_policies(self.data_dir), self.registry.get)

    def policy(self, exercise_id: str) -> GradingPolicy:
        """The grading policy of one exercise (attempts, feedback before the last one, counting, deadline)."""
        return self.policies().for_exercise(str(exercise_id))

    def _title(self, exercise_id: str) -> str:
        try:
            return str(self.registry.get(exercise_id).title)
        except (InputError, KeyError, LookupError, ImportError):
            return exercise_id

    # ----------------------------------------------------------------- submitting
    def submit(self, learner_id: str, exercise_id: str, answers: dict[str, Any],
               variant: int | str | None = None) -> Submission:
        """Grade ``answers`` and record the attempt; ``variant`` defaults to the learner's exam variant
        (:func:`~microloan_sim.gradebook.exam.exam_variant` under this gradebook's course key)."""
        who = _check_learner_id(learner_id)
        if not isinstance(answers, dict):
            raise InputError("答案应为“题目编号 → 答案”的键值表", field="answers")
        clean = _json_safe(answers)
        exercise = self._exercise(str(exercise_id))
        if variant is None:
            variant = exam_variant(str(exercise_id), who, self.key, pool_size=getattr(exercise, "pool_size", 1))
        result = exercise.grade(clean, variant)
        return self.record(who, clean, result)

    def record(self, learner_id: str, answers: dict[str, Any], result: ResultLike, *,
               source: Source = "dashboard") -> Submission:
        """Store a graded attempt (a new row, never an overwrite) and write its signed receipt.

        The receipt goes to disk first (fsync'd, atomic rename), before anything waits for the database; if
        the database then stays locked past ``retry_seconds`` the learner is told the receipt was kept, and the
        next opening of the gradebook (or ``microloan gradebook import``) brings it in. The same answers sent
        again within :data:`DOUBLE_SUBMIT_SECONDS` (a double click) give back the first attempt.
        """
        prepared = _prepare(self.receipts_dir, self.key, learner_id, answers, result)
        return self._commit(prepared, source)

    def _commit(self, prepared: _Prepared, source: Source = "dashboard") -> Submission:
        receipt, result = prepared.receipt, prepared.result
        try:  # the trusted side: past the attempt limit or the deadline nothing is recorded
            policy = self.policy(result.exercise_id)
        except InputError as exc:
            prepared.path.unlink(missing_ok=True)
            raise AttemptRefused(f"评分规则有误，本次提交没有记录（答案仍在表单中），请告诉讲师：{exc}") from None
        row = {
            "learner_id": prepared.learner_id, "exercise_id": result.exercise_id,
            "exercise_title": self._title(result.exercise_id), "variant": result.variant,
            "answers": prepared.answers, "score": float(result.score), "max_score": float(result.max_score),
            "claimed_score": float(result.score), "items": [_item_dict(item) for item in result.items],
            "submitted_at": _naive_utc(prepared.moment), "recorded_at": _naive_utc(prepared.moment),
            "source": source, "receipt_id": receipt["receipt_id"], "receipt_digest": receipt["digest"],
            "app_version": receipt["app_version"],
        }
        try:
            submission_id, attempt, first = self._write(lambda connection: self._insert(connection, row, policy))
        except AttemptRefused:
            if prepared.saved:
                prepared.path.unlink(missing_ok=True)
            raise
        except SQLAlchemyError:
            if not prepared.saved:
                raise InputError("成绩册和回执都无法写入，本次提交没有保存，请告诉讲师（答案仍在表单中）",
                                 field="提交") from None
            raise InputError(f"成绩册暂时无法写入；本次提交已保存为回执 {prepared.path.name}，请告诉讲师",
                             field="提交") from None
        path, duplicate = prepared.path, first is not None
        if first is not None:  # a double click: the first attempt stands and keeps its own receipt
            if prepared.saved:
                prepared.path.unlink(missing_ok=True)
            path = _receipt_path(self.receipts_dir, {
                "learner_id": prepared.learner_id, "exercise_id": result.exercise_id, "receipt_id": first[0],
                "submitted_at": _aware(first[1]).isoformat()})
        return Submission(submission_id, prepared.learner_id, result.exercise_id, attempt, float(result.score),
                          float(result.max_score), path, prepared.saved, duplicate)

    @staticmethod
    def _insert(connection: Connection, row: dict[str, Any],
                policy: GradingPolicy | None = None) -> tuple[int, int, tuple[str, datetime] | None]:
        """Insert the row unless it is there already or repeats the latest attempt within the double-click
        window; returns (row id, attempt number, (receipt id, time) of the first attempt for a repeat).
        Past the policy's attempt limit or deadline: :class:`AttemptRefused` (checked in the same transaction)."""
        def attempt_number(submission_id: int) -> int:
            return int(connection.execute(
                select(func.count()).select_from(submissions).where(
                    submissions.c.learner_id == row["learner_id"], submissions.c.exercise_id == row["exercise_id"],
                    submissions.c.id <= submission_id)).scalar_one())

        present = connection.execute(
            select(submissions.c.id).where(submissions.c.receipt_id == row["receipt_id"])).first()
        if present is not None:  # imported from its receipt meanwhile (an instructor opened the gradebook)
            return int(present[0]), attempt_number(int(present[0])), None
        latest = connection.execute(
            select(submissions.c.id, submissions.c.answers, submissions.c.variant, submissions.c.submitted_at,
                   submissions.c.receipt_id)
            .where(submissions.c.learner_id == row["learner_id"], submissions.c.exercise_id == row["exercise_id"])
            .order_by(submissions.c.id.desc()).limit(1)).first()
        if latest is not None and latest.receipt_id and latest.answers == row["answers"] \
                and latest.variant == row["variant"] \
                and 0 <= (row["submitted_at"] - latest.submitted_at).total_seconds() < DOUBLE_SUBMIT_SECONDS:
            return int(latest.id), attempt_number(int(latest.id)), (str(latest.receipt_id), latest.submitted_at)
        if policy is not None:
            check_open(policy, 0 if latest is None else attempt_number(int(latest.id)), _aware(row["submitted_at"]))
        submission_id = _new_id(connection.execute(submissions.insert().values(**row)))
        return submission_id, attempt_number(submission_id), None

    # ----------------------------------------------------------------- receipts
    def import_receipts(self, paths: Iterable[str | Path], *, on_progress: Progress | None = None) -> ImportSummary:
        """Re-grade and record receipt files (or every ``*.json`` under folders); never trusts stored scores.

        Each file is handled on its own: a file that is too big, not JSON, nested too deep, missing fields,
        with wrong types, a digest that does not match (回执已被修改) or an unknown exercise is rejected with a
        Chinese reason naming the file and the field, and the others go on. A receipt already in the
        gradebook (same receipt id and digest) is skipped *before* it is re-graded, so re-importing a folder
        costs a read and a digest per file. Rows are written in batches of :data:`IMPORT_BATCH`.

        Examples
        --------
        >>> import tempfile, json
        >>> book = Gradebook(data_dir=tempfile.mkdtemp())
        >>> bad = Path(book.data_dir) / "bad.json"
        >>> _ = bad.write_text("{not json", encoding="utf-8")
        >>> deep = Path(book.data_dir) / "deep.json"
        >>> _ = deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
        >>> for item in book.import_receipts([bad, deep]).rejected:
        ...     print(item.reason)  # doctest: +ELLIPSIS
        文件 .../bad.json：不是有效的 JSON（第 1 行，第 2 列）
        文件 .../deep.json：不是有效的回执（JSON 嵌套层数过深）
        >>> book.close()
        """
        summary = ImportSummary()
        files = list(_receipt_files(paths, summary))
        known = self._known_receipts()
        batch: list[tuple[str, dict[str, Any]]] = []
        for done, file in enumerate(files, start=1):
            name = str(file)
            try:
                row = self._regraded_row(file, known, summary)
            except InputError as exc:
                summary.rejected.append(RejectedReceipt(name, str(exc)))
            except RecursionError:
                summary.rejected.append(RejectedReceipt(name, f"文件 {name}：不是有效的回执（嵌套层数过深）"))
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError, MemoryError) as exc:
                summary.rejected.append(RejectedReceipt(name, f"文件 {name}：无法评分（{type(exc).__name__}）"))
            else:
                if row is not None:
                    known[row["receipt_id"]] = row["receipt_digest"]
                    batch.append((name, row))
            if len(batch) >= IMPORT_BATCH:
                self._flush(batch, summary)
            if on_progress is not None:
                on_progress(done, len(files))
        self._flush(batch, summary)
        if summary.imported:  # reported, stored, not counted: the policy applies when the gradebook is read
            summary.uncounted += uncounted_imports(self.policies(), self._attempts(),
                                                   {item.submission_id for item in summary.imported})
        return summary

    def _regraded_row(self, file: Path, known: dict[str, str | None],
                      summary: ImportSummary) -> dict[str, Any] | None:
        """The row for one receipt file, or ``None`` for a duplicate (noted in ``summary``)."""
        name = str(file)
        receipt = _validate_receipt(_load_receipt(file), self.key, name)
        if receipt["receipt_id"] in known:
            if known[receipt["receipt_id"]] not in (None, receipt["digest"]):
                raise InputError("回执编号与成绩册中的另一份回执相同，内容却不同", field="receipt_id", file=name)
            summary.duplicates.append(name)
            return None
        exercise = self._exercise(receipt["exercise_id"], file=name)
        if not is_exam_variant(receipt["variant"], receipt["exercise_id"], receipt["learner_id"], self.key,
                               pool_size=getattr(exercise, "pool_size", 1)):
            raise InputError("变体不是该学员在本课程密钥下的考核变体，未导入", field="variant", file=name)
        try:
            result = exercise.grade(dict(receipt["answers"]), receipt["variant"])
        except InputError as exc:
            raise InputError(f"无法重新评分：{exc}", field="answers", file=name) from None
        if str(result.exercise_id) != receipt["exercise_id"]:
            raise InputError("评分结果与练习编号不符", field="exercise_id", file=name)
        return {
            "learner_id": receipt["learner_id"], "exercise_id": receipt["exercise_id"],
            "exercise_title": str(exercise.title), "variant": result.variant, "answers": receipt["answers"],
            "score": float(result.score), "max_score": float(result.max_score),
            "claimed_score": float(receipt["score"]), "items": [_item_dict(item) for item in result.items],
            "submitted_at": _naive_utc(receipt["submitted_at"]), "recorded_at": _naive_utc(_now()),
            "source": "receipt", "receipt_id": receipt["receipt_id"], "receipt_digest": receipt["digest"],
            "app_version": receipt["app_version"],
        }

    def _flush(self, batch: list[tuple[str, dict[str, Any]]], summary: ImportSummary) -> None:
        """Write a batch of imported rows in one transaction (rows another importer wrote meanwhile: duplicates)."""
        if not batch:
            return

        def work(connection: Connection) -> list[int | None]:
            return [self._insert_receipt(connection, row) for _, row in batch]

        for (name, row), submission_id in zip(batch, self._write(work)):
            if submission_id is None:
                summary.duplicates.append(name)
            else:
                summary.imported.append(ImportedReceipt(name, submission_id, row["learner_id"], row["exercise_id"],
                                                        row["score"], row["claimed_score"]))
        batch.clear()

    def _known_receipts(self) -> dict[str, str | None]:
        """Receipt id → digest of every row that came with a receipt."""
        def work(connection: Connection) -> dict[str, str | None]:
            query = select(submissions.c.receipt_id, submissions.c.receipt_digest).where(
                submissions.c.receipt_id.is_not(None))
            return {str(rid): digest for rid, digest in connection.execute(query)}

        return self._read(work)

    def recover_receipts(self, *, on_progress: Progress | None = None) -> ImportSummary:
        """Import the receipts in :attr:`receipts_dir` that have no row (runs when the gradebook opens).

        A receipt is written before its row; a kernel killed in between, or a database that stayed locked,
        leaves a receipt without a row. Files are matched by the receipt id in their name (older names are
        read), so a folder of receipts that are all in the gradebook costs one listing and one query.
        """
        if not self.receipts_dir.is_dir():
            return ImportSummary()
        known = self._known_receipts()
        listing = ImportSummary()
        missing = [file for file in _receipt_files([self.receipts_dir], listing)
                   if (_receipt_id_of(file) or "") not in known]
        return self.import_receipts(missing, on_progress=on_progress) if missing else ImportSummary()

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

        def work(connection: Connection) -> list[dict[str, Any]]:
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
            return _backup_rows(connection)

        self._save_backup(self._write(work))
        return self._attempts(submission_id=submission_id)[0]

    def _save_backup(self, rows: list[dict[str, Any]]) -> None:
        try:
            _private_dir(self.data_dir)
            _write_backup(self.data_dir, rows)
        except OSError as exc:
            raise InputError(f"评分已存入成绩册，但人工评分备份无法写入：{exc.strerror or exc}",
                             file=str(self.data_dir / "manual-scores.json")) from None

    def restore_manual_scores(self) -> tuple[int, list[dict[str, Any]]]:
        """Put back the backed-up manual scores (``manual-scores.json``) that the database lacks.

        Returns how many were restored and the backup entries whose submission is not in the gradebook.
        """
        entries = _read_backup(self.data_dir)
        if not entries:
            return 0, []
        return self._write(lambda connection: _restore_rows(connection, entries))

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
        last_submitted_at pending_manual counts counted_score counted_share uncounted``; the last four come
        from the grading policy (计分方式, the score that counts, its share, attempts that do not count).
        """
        return _overview(self._attempts(), self.policies().for_exercise)

    def item_difficulty(self, exercise_id: str | None = None, *,
                        attempts: Literal["latest", "all"] = "latest") -> pd.DataFrame:
        """Share of learners who got each item right ("within_tolerance" counts as right).

        By default each learner's attempt that counts under the grading policy counts once
        (``attempts="all"``: every attempt). A manual item counts as right when the instructor gave it full
        points, and is left out (column ``pending``) until scored.
        """
        if attempts not in ("latest", "all"):
            raise InputError("只能是 latest 或 all", field="attempts")
        chosen = self._attempts(exercise_id=exercise_id)
        if attempts == "latest":
            chosen = _counted_per_pair(chosen, self.policies().for_exercise)
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
    def export(self, path: str | Path, format: str = "csv", *, on_progress: Progress | None = None) -> Path:
        """Write the gradebook: one row per learner × exercise (Chinese headers) with the best and the latest
        score and the score that counts (计分得分) with its rule (计分方式, from the grading policy).

        ``xlsx`` adds the sheets 逐题得分 (items of each attempt that counts) and 题目难度 (item difficulty).
        CSV is UTF-8 with a BOM so that Excel shows the Chinese; text that a spreadsheet would run as a
        formula (starting with ``= + - @``) is written as plain text.

        Examples
        --------
        >>> import tempfile
        >>> with Gradebook(data_dir=tempfile.mkdtemp()) as book:
        ...     out = book.export(book.data_dir / "成绩册.csv")
        >>> out.read_text(encoding="utf-8-sig").splitlines()[0]
        '学员编号,练习编号,练习名称,提交次数,最高得分,最近一次得分,满分,最高得分率,最近提交时间（UTC）,待讲师评分题数,计分方式,计分得分,计分得分率,不计分提交次数'
        """
        kind = str(format).lower().lstrip(".")
        if kind not in ("csv", "xlsx"):
            raise InputError(f"只支持 csv 或 xlsx（收到“{format}”）", field="格式")
        target = Path(path)
        attempts = self._attempts()
        policy_of = self.policies().for_exercise
        summary = _overview(attempts, policy_of)
        try:
            if target.parent == self.data_dir / "exports":
                _private_dir(self.data_dir)
                _private_dir(target.parent)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
            if kind == "csv":
                _write_csv(target, summary, on_progress)
            else:
                counted = _counted_per_pair(attempts, policy_of)
                _write_xlsx(target, [("成绩册", summary), ("逐题得分", _item_rows(counted)),
                                     ("题目难度", _difficulty(counted))],
                            on_progress)
            os.chmod(target, 0o600)  # learners' names and scores
        except OSError as exc:
            raise InputError(f"无法写入：{exc.strerror or exc}", file=str(target)) from None
        return target

    def learner_report_html(self, learner_id: str) -> str:
        """Self-contained HTML feedback report for one learner (Chinese, every value escaped)."""
        who = _check_learner_id(learner_id)
        return _report_html(who, self._attempts(learner_id=who), self.policies().for_exercise)


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
        return _overview(self.attempts(), self._book.policies().for_exercise)

    def submit(self, exercise_id: str, answers: dict[str, Any]) -> Submission:
        """Grade and record an attempt for this learner (on their exam variant)."""
        return self._book.submit(self.learner_id, exercise_id, answers)

    def report_html(self) -> str:
        return _report_html(self.learner_id, self.attempts(), self._book.policies().for_exercise)


# --------------------------------------------------------------------------- module-level conveniences

_DEFAULT: dict[tuple[str, str], Gradebook] = {}


@dataclass(frozen=True)
class _Prepared:
    """An attempt whose receipt is on disk (``saved``) and whose row is still to be written."""

    learner_id: str
    answers: dict[str, Any]
    result: ResultLike
    moment: datetime
    receipt: dict[str, Any]
    path: Path
    saved: bool


def _prepare(receipts_dir: Path, key: bytes, learner_id: str, answers: dict[str, Any],
             result: ResultLike) -> _Prepared:
    """Check the attempt and write its signed receipt; touches no database."""
    who = _check_learner_id(learner_id)
    if not isinstance(answers, dict):
        raise InputError("答案应为“题目编号 → 答案”的键值表", field="answers")
    try:
        clean = _json_safe(answers)
    except RecursionError:
        raise InputError("答案嵌套层数过深", field="answers") from None
    moment = _now()
    receipt = _new_receipt(who, result, clean, moment, key)
    path = _receipt_path(receipts_dir, receipt)
    try:
        _write_receipt(receipt, path)
        saved = True
    except InputError:  # e.g. disk full or no permission: the database row still records it
        saved = False
    return _Prepared(who, clean, result, moment, receipt, path, saved)


def open_gradebook(data_dir: Path | str | None = None, url: str | None = None,
                   registry: Registry | None = None, *, recover: bool = True) -> Gradebook:
    """A new :class:`Gradebook` (close it when done); arguments default to the environment."""
    return Gradebook(url, data_dir=data_dir, registry=registry, recover=recover)


def default_gradebook() -> Gradebook:
    """The process-wide gradebook for the current environment (one per data directory and URL).

    Learners' kernels open it without the receipt recovery scan (the instructor's opening does that).
    """
    directory = data_dir()
    key = (str(directory), database_url(directory))
    if key not in _DEFAULT:
        _DEFAULT[key] = Gradebook(key[1], data_dir=directory, recover=False)
    return _DEFAULT[key]


def record_attempt(learner_id: str, answers: dict[str, Any], result: ResultLike) -> str:
    """Recorder for the exercise forms: store the attempt, return a short Chinese confirmation.

    The receipt is written before the gradebook is even opened (opening may wait for a lock), so a kernel
    killed at any moment after the click leaves the attempt on disk.
    """
    directory = data_dir()
    prepared = _prepare(directory / "receipts", course_key(directory), learner_id, answers, result)
    try:
        book = default_gradebook()
    except InputError:
        if not prepared.saved:
            raise InputError("成绩册和回执都无法写入，本次提交没有保存，请告诉讲师（答案仍在表单中）",
                             field="提交") from None
        raise InputError(f"成绩册暂时无法打开；本次提交已保存为回执 {prepared.path.name}，请告诉讲师",
                         field="提交") from None
    return book._commit(prepared).confirmation()


def attempt_status(learner_id: str | None, exercise_id: str) -> tuple[int, GradingPolicy]:
    """For the exercise forms: how many attempts the learner has recorded (0 for ``None``) and the policy."""
    if learner_id is None:  # the rules only: no need to open the database
        return 0, policy_for(exercise_id)
    book = default_gradebook()
    return len(book.learner_attempts(learner_id, exercise_id)), book.policy(exercise_id)


def import_receipts(paths: Iterable[str | Path]) -> ImportSummary:
    """:meth:`Gradebook.import_receipts` on the default gradebook."""
    return default_gradebook().import_receipts(paths)


def export(path: str | Path, format: str = "csv") -> Path:
    """:meth:`Gradebook.export` on the default gradebook."""
    return default_gradebook().export(path, format)


def learner_report_html(learner_id: str) -> str:
    """:meth:`Gradebook.learner_report_html` on the default gradebook."""
    return default_gradebook().learner_report_html(learner_id)
