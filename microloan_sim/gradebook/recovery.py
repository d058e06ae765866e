"""Rebuilding a damaged gradebook from its receipts, with the instructor's manual scores put back.

:func:`rebuild_gradebook` is what ``microloan gradebook rebuild`` and the instructor dashboard's
"从回执重建成绩册" button run. A sound database is left where it is (missing receipts and manual scores are
added to it); a damaged SQLite file, its WAL and its marker are renamed ``*.damaged-<time>`` (kept, never
deleted), a new database is created, every receipt is re-graded into it and the manual scores are restored
from ``manual-scores.json`` (a copy of that backup is kept as ``manual-scores.before-rebuild-<time>.json``).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ._common import _now
from .backup import backup_path
from .config import data_dir as _default_data_dir
from .config import database_url
from .database import sqlite_file
from .integrity import MARKER_SUFFIX, GradebookDamagedError
from .receipts import ImportSummary
from .records import Registry
from .store import Gradebook, Progress


@dataclass
class RebuildReport:
    """What :func:`rebuild_gradebook` did."""

    damaged: str | None = None
    moved: list[Path] = field(default_factory=list)
    receipts: ImportSummary = field(default_factory=ImportSummary)
    restored_scores: int = 0
    unrestored_scores: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0

    def lines(self) -> list[str]:
        """Chinese summary, one line per fact."""
        out = []
        if self.damaged:
            out.append(f"发现数据库损坏（{self.damaged}）；原文件已改名保留：" + "、".join(p.name for p in self.moved))
        else:
            out.append("数据库完好，只补入缺少的回执和人工评分。")
        out += self.receipts.lines()
        out.append(f"从备份恢复人工评分 {self.restored_scores} 条。")
        if self.unrestored_scores:
            out.append(f"有 {len(self.unrestored_scores)} 条人工评分找不到对应的回执，未能恢复（仍在备份文件中）。")
        out.append(f"成绩册现有 {self.attempts} 次提交。")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def rebuild_gradebook(data_dir: Path | str | None = None, url: str | None = None, *,
                      registry: Registry | None = None, on_progress: Progress | None = None) -> RebuildReport:
    """Rebuild the gradebook from the receipts folder and restore manual scores from their backup.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> import microloan_sim as ml
    >>> with Gradebook(data_dir=folder) as book:
    ...     _ = book.submit("学员-01", "ex01", {"equity": "1"})
    >>> _ = (folder / "gradebook.sqlite").write_bytes(b"")    # truncated to nothing
    >>> Gradebook(data_dir=folder)                             # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    microloan_sim.gradebook.integrity.GradebookDamagedError: 成绩册数据库已损坏（文件为空（0 字节），可能被截断）：...
    >>> report = rebuild_gradebook(folder)
    >>> report.attempts, len(report.moved) >= 1
    (1, True)
    """
    directory = Path(data_dir).expanduser().resolve() if data_dir is not None else _default_data_dir()
    address = url or database_url(directory)
    report = RebuildReport()
    try:
        Gradebook(address, data_dir=directory, registry=registry, recover=False).close()
    except GradebookDamagedError as exc:
        report.damaged = exc.detail
        database = sqlite_file(address)
        if database is None:  # pragma: no cover - only SQLite files are checked this way
            raise InputError("只能自动重建 SQLite 成绩册；其他数据库请由数据库管理员修复", field="成绩册") from None
        report.moved = _move_aside(database)
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    backup = backup_path(directory)
    if backup.is_file():
        shutil.copy2(backup, backup.with_name(f"manual-scores.before-rebuild-{stamp}.json"))
    with Gradebook(address, data_dir=directory, registry=registry, recover=False) as book:
        report.receipts = book.import_receipts([book.receipts_dir], on_progress=on_progress) \
            if book.receipts_dir.is_dir() else ImportSummary()
        report.restored_scores, report.unrestored_scores = book.restore_manual_scores()
        report.attempts = len(book.all_attempts())
    return report


def _move_aside(database: Path) -> list[Path]:
    """Rename the damaged database, its WAL / shared memory and its marker to ``*.damaged-<time>``."""
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    moved = []
    for suffix in ("", "-wal", "-shm", "-journal", MARKER_SUFFIX):
        path = database.with_name(database.name + suffix)
        if path.exists():
            target = path.with_name(f"{path.name}.damaged-{stamp}")
            path.rename(target)
            moved.append(target)
    return moved
