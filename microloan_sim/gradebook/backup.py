"""The instructor's manual scores, backed up beside the database on every change and restored on rebuild.

Receipts hold everything a learner submitted, so the database can always be rebuilt from them; the manual
scores an instructor typed exist only in the database. After every :meth:`Gradebook.set_manual_score` the
whole ``manual_scores`` table is written to ``manual-scores.json`` in the data directory (fsync'd temporary
file + atomic rename, mode 0600). Each entry names its submission by **receipt id**, which survives a rebuild
(row ids do not); :func:`_restore_rows` maps them back.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> entry = {"receipt_id": "ab" * 16, "learner_id": "甲", "exercise_id": "ex06", "item_id": "why",
...          "points": 8.0, "grader": "王老师", "note": "", "scored_at": "2025-03-01T08:00:00"}
>>> _write_backup(folder, [entry])
>>> _read_backup(folder) == [entry], oct(backup_path(folder).stat().st_mode & 0o777)
(True, '0o600')
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import InputError
from ._common import _write_private
from .database import manual_scores, submissions

BACKUP_FILE = "manual-scores.json"
BACKUP_FORMAT = "microloan-manual-scores"


def backup_path(data_dir: Path) -> Path:
    return data_dir / BACKUP_FILE


def _backup_rows(connection: Connection) -> list[dict[str, Any]]:
    """Every manual score, oldest first, with the receipt id, learner and exercise of its submission."""
    query = (select(manual_scores, submissions.c.receipt_id, submissions.c.learner_id, submissions.c.exercise_id)
             .join(submissions, manual_scores.c.submission_id == submissions.c.id)
             .order_by(manual_scores.c.scored_at, manual_scores.c.id))
    return [{"receipt_id": row.receipt_id, "learner_id": row.learner_id, "exercise_id": row.exercise_id,
             "item_id": row.item_id, "points": float(row.points), "grader": row.grader, "note": row.note,
             "scored_at": row.scored_at.isoformat()} for row in connection.execute(query)]


def _write_backup(data_dir: Path, rows: list[dict[str, Any]]) -> None:
    payload = {"format": BACKUP_FORMAT, "count": len(rows), "scores": rows}
    text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    _write_private(backup_path(data_dir), text.encode("utf-8"))


def _read_backup(data_dir: Path) -> list[dict[str, Any]]:
    """The backed-up scores (empty when there is no backup); a malformed backup raises InputError."""
    path = backup_path(data_dir)
    if not path.is_file():
        return []
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        raise InputError("人工评分备份无法读取（不是有效的 JSON）", file=str(path)) from None
    if not isinstance(payload, dict) or payload.get("format") != BACKUP_FORMAT or \
            not isinstance(payload.get("scores"), list):
        raise InputError(f"不是人工评分备份（应为 {BACKUP_FORMAT}）", file=str(path))
    return [entry for entry in payload["scores"] if isinstance(entry, dict)]


def _restore_rows(connection: Connection, entries: list[dict[str, Any]]) -> tuple[int, list[dict[str, Any]]]:
    """Insert backed-up scores whose submission (by receipt id) is in the database and that are not there yet.

    Returns how many were restored and the entries that could not be (no receipt id, or no such receipt).
    """
    by_receipt = dict(connection.execute(
        select(submissions.c.receipt_id, submissions.c.id).where(submissions.c.receipt_id.is_not(None))).all())
    present = {(row.submission_id, row.item_id, row.scored_at, float(row.points))
               for row in connection.execute(select(manual_scores))}
    restored, missing = 0, []
    for entry in entries:
        submission_id = by_receipt.get(entry.get("receipt_id"))
        try:
            scored_at = datetime.fromisoformat(str(entry["scored_at"]))
            points = float(entry["points"])
            item_id = str(entry["item_id"])
        except (KeyError, TypeError, ValueError):
            missing.append(entry)
            continue
        if submission_id is None:
            missing.append(entry)
            continue
        if (submission_id, item_id, scored_at, points) in present:
            continue
        connection.execute(manual_scores.insert().values(
            submission_id=submission_id, item_id=item_id, points=points, grader=str(entry.get("grader") or "?"),
            note=str(entry.get("note") or ""), scored_at=scored_at))
        present.add((submission_id, item_id, scored_at, points))
        restored += 1
    return restored, missing
