"""Gradebook: every submission stored, signed receipts, instructor queries and exports.

Storage goes through SQLAlchemy 2 (Core), so any database URL works; the default is one SQLite file,
``gradebook.sqlite``, in the data directory:

* data directory: ``MICROLOAN_DATA_DIR``, else ``microloan-data/`` next to the project (the folder that holds
  ``course/``), else ``./microloan-data/``. It is git-ignored and ``microloan serve`` never serves it;
* database: ``MICROLOAN_DB_URL`` (e.g. ``postgresql+psycopg://…``), else ``sqlite:///<data dir>/gradebook.sqlite``;
* course key for receipt digests and exam variants: ``MICROLOAN_COURSE_KEY``, else ``<data dir>/course.key``
  (created on first use).

Exam variants
    A learner is graded on :func:`exam_variant` (HMAC-SHA256 of exercise id and learner id under the course key),
    not on the practice variant the course dashboards show for a typed 学员编号 (``casebook.seed_for``), so no
    dashboard spells out graded answers. :meth:`Gradebook.submit` defaults to it, and importing a receipt whose
    variant is not its learner's exam variant under this gradebook's key is refused (reported, skipped).

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
    :meth:`Gradebook.set_manual_score`; every total shown afterwards includes those points. Every change is
    also written to ``manual-scores.json`` beside the database (keyed by receipt id).

Grading policy
    Per exercise (:class:`GradingPolicy`): how many attempts, what the form shows before the last one, whether
    the best or the last counts, and a deadline; defaults in ``data/grading_policy.yaml``, overridden by
    ``grading_policy.yaml`` in the data directory. A submission past the limit or the deadline is refused
    (:class:`AttemptRefused`, nothing recorded); imported receipts beyond it are stored and reported but not
    counted. The overview, exports and reports carry the score that counts (计分得分) and its rule.

Losing nothing
    The receipt is on disk (fsync'd, atomic rename) before anything waits for the database; opening the
    gradebook imports receipts whose rows are missing. A damaged, truncated or vanished SQLite file raises
    :class:`GradebookDamagedError` instead of being replaced by an empty database; :func:`rebuild_gradebook`
    (``microloan gradebook rebuild``) rebuilds it from the receipts and restores the manual scores. A double
    click records one attempt. Learner ids are normalised (:func:`normalize_learner_id`). Database, receipts,
    backups and exports are owner-only (files 0600, folders 0700).

Inside the package, one module per concern (this ``__init__`` is the public face; names with a leading
underscore are private to the package):

* :mod:`~microloan_sim.gradebook.config` — data directory, database URL, course key;
* :mod:`~microloan_sim.gradebook.exam` — :func:`exam_variant`, the keyed seed a learner is graded on;
* :mod:`~microloan_sim.gradebook.database` — tables, engine set-up, lock detection;
* :mod:`~microloan_sim.gradebook.records` — what grading hands in (protocols) and what queries hand back;
* :mod:`~microloan_sim.gradebook.receipts` — signing, writing, reading and checking receipts;
* :mod:`~microloan_sim.gradebook.reports` — overview, item difficulty, HTML report, CSV / xlsx writers;
* :mod:`~microloan_sim.gradebook.policy` — grading policy per exercise (attempts, feedback before the last
  attempt, best or last, deadline) from ``data/grading_policy.yaml`` and the instructor's override;
* :mod:`~microloan_sim.gradebook.store` — :class:`Gradebook`, :class:`LearnerView`, the default gradebook;
* :mod:`~microloan_sim.gradebook.integrity` — damaged-database detection (marker, header, quick_check);
* :mod:`~microloan_sim.gradebook.backup` — the manual-score backup;
* :mod:`~microloan_sim.gradebook.recovery` — :func:`rebuild_gradebook`.

Examples
--------
>>> import tempfile
>>> import microloan_sim as ml
>>> from microloan_sim.gradebook import Gradebook, exam_variant
>>> book = Gradebook(data_dir=tempfile.mkdtemp())
>>> key = ml.exercises.get("ex01").expected(exam_variant("ex01", "学员-01", book.key))
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

# Besides __all__, the constants, tables, protocols, ``_DEFAULT`` and ``_sign`` are importable from here
# as they were from the single-module gradebook (the tests use the last two). They load on first use, so a form
# that needs only the exam variant or the policy never imports SQLAlchemy while a class opens its pages.
import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "MAX_LEARNER_ID": "_common",
    "normalize_learner_id": "_common",
    "safe_file_name": "_common",
    "BACKUP_FILE": "backup",
    "DB_FILE": "config",
    "KEY_FILE": "config",
    "course_key": "config",
    "data_dir": "config",
    "database_url": "config",
    "manual_scores": "database",
    "metadata": "database",
    "submissions": "database",
    "exam_variant": "exam",
    "is_exam_variant": "exam",
    "GradebookDamagedError": "integrity",
    "POLICY_FILE": "policy",
    "AttemptRefused": "policy",
    "GradingPolicy": "policy",
    "PolicyBook": "policy",
    "load_policies": "policy",
    "policy_table": "policy",
    "RECEIPT_FORMAT": "receipts",
    "RECEIPT_VERSION": "receipts",
    "ImportedReceipt": "receipts",
    "ImportSummary": "receipts",
    "RejectedReceipt": "receipts",
    "_sign": "receipts",
    "Attempt": "records",
    "ExerciseLike": "records",
    "ItemLike": "records",
    "Registry": "records",
    "ResultLike": "records",
    "Submission": "records",
    "RebuildReport": "recovery",
    "rebuild_gradebook": "recovery",
    "CHINESE_HEADERS": "reports",
    "CORRECT_STATUSES": "reports",
    "STATUS_LABELS": "reports",
    "_DEFAULT": "store",
    "DOUBLE_SUBMIT_SECONDS": "store",
    "Gradebook": "store",
    "LearnerView": "store",
    "Source": "store",
    "attempt_status": "store",
    "default_gradebook": "store",
    "export": "store",
    "import_receipts": "store",
    "learner_report_html": "store",
    "open_gradebook": "store",
    "record_attempt": "store",
}

if TYPE_CHECKING:
    from ._common import MAX_LEARNER_ID, normalize_learner_id, safe_file_name
    from .backup import BACKUP_FILE
    from .config import DB_FILE, KEY_FILE, course_key, data_dir, database_url
    from .database import manual_scores, metadata, submissions
    from .exam import exam_variant, is_exam_variant
    from .integrity import GradebookDamagedError
    from .policy import POLICY_FILE, AttemptRefused, GradingPolicy, PolicyBook, load_policies, policy_table
    from .receipts import (
        RECEIPT_FORMAT,
        RECEIPT_VERSION,
        ImportedReceipt,
        ImportSummary,
        RejectedReceipt,
        _sign,
    )
    from .records import Attempt, ExerciseLike, ItemLike, Registry, ResultLike, Submission
    from .recovery import RebuildReport, rebuild_gradebook
    from .reports import CHINESE_HEADERS, CORRECT_STATUSES, STATUS_LABELS
    from .store import (
        _DEFAULT,
        DOUBLE_SUBMIT_SECONDS,
        Gradebook,
        LearnerView,
        Source,
        attempt_status,
        default_gradebook,
        export,
        import_receipts,
        learner_report_html,
        open_gradebook,
        record_attempt,
    )


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Attempt", "AttemptRefused", "Gradebook", "GradingPolicy", "PolicyBook", "attempt_status", "load_policies",
    "policy_table", "GradebookDamagedError", "ImportSummary", "LearnerView", "RebuildReport",
    "Submission", "course_key", "data_dir", "database_url", "default_gradebook", "exam_variant", "export", "import_receipts", "is_exam_variant",
    "learner_report_html", "normalize_learner_id", "open_gradebook", "rebuild_gradebook", "record_attempt",
    "safe_file_name",
]
