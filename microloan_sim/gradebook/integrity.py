"""A damaged database is found and reported, never silently replaced by an empty one.

For a SQLite gradebook three things are checked when it opens:

* a *marker* file beside the database (``gradebook.sqlite.created``) is written once the database exists;
  if the marker is there but the database file is missing or empty (0 bytes, e.g. truncated), the gradebook
  refuses to create a new, empty database;
* the file must start with SQLite's header;
* ``PRAGMA quick_check`` must answer ``ok`` (a truncated or overwritten file fails it, or fails to open).

Any of these raises :class:`GradebookDamagedError` (an :class:`~microloan_sim.errors.InputError`): a Chinese
message naming the file and the recovery path, ``microloan gradebook rebuild``, which moves the damaged file
aside (it is kept), re-imports every receipt and restores the instructor's manual scores from their backup.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> database = folder / "gradebook.sqlite"
>>> check_database_file(database)            # nothing there yet: a new gradebook may be created
>>> _ = database.write_bytes(b"")
>>> mark_created(database)
>>> check_database_file(database)            # doctest: +ELLIPSIS
Traceback (most recent call last):
...
microloan_sim.gradebook.integrity.GradebookDamagedError: 成绩册数据库已损坏（文件为空（0 字节），可能被截断）：.../gradebook.sqlite。...
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError
from ._common import _chmod, _write_private

MARKER_SUFFIX = ".created"
_SQLITE_HEADER = b"SQLite format 3\x00"
#: Error texts from SQLite that mean the file itself is broken (not locked, not missing permissions).
DAMAGE_MARKERS = ("malformed", "not a database", "file is encrypted", "disk image", "corrupt")


class GradebookDamagedError(InputError):
    """The gradebook's database is damaged, truncated or gone; it was not replaced by an empty one.

    ``path`` is the database file and ``detail`` says what was found (Chinese).
    """

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(
            f"成绩册数据库已损坏（{detail}）：{path}。为免丢失数据，系统没有自动新建空的成绩册。"
            "请讲师运行 microloan gradebook rebuild（或在讲师成绩册中点“从回执重建成绩册”）："
            "从回执文件夹重建全部提交，并从备份 manual-scores.json 恢复人工评分；损坏的文件会改名保留。"
            "学员此时提交的答案仍会保存为回执。")


def marker_path(database: Path) -> Path:
    """The marker file that says "this database existed" (``<database>.created``)."""
    return database.with_name(database.name + MARKER_SUFFIX)


def mark_created(database: Path) -> None:
    """Write the marker once the database exists with its tables (no-op when it is already there)."""
    marker = marker_path(database)
    if marker.exists():
        return
    note = {"database": database.name, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "note": "成绩册数据库已建立；若数据库文件丢失或为空，成绩册不会自动新建空库，请用 microloan gradebook rebuild 重建。"}
    try:
        _write_private(marker, (json.dumps(note, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    except OSError:  # a read-only folder: the header and quick_check checks still apply
        pass


def check_database_file(database: Path) -> None:
    """Raise :class:`GradebookDamagedError` if the file is gone or empty after it existed, or is not SQLite."""
    existed = marker_path(database).exists()
    if not database.exists():
        if existed:
            raise GradebookDamagedError(database, "数据库文件不见了")
        return
    try:
        size = database.stat().st_size
        with open(database, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise InputError(f"无法读取成绩册数据库：{exc.strerror or exc}", file=str(database)) from None
    if size == 0:
        if existed:
            raise GradebookDamagedError(database, "文件为空（0 字节），可能被截断")
        return
    if header != _SQLITE_HEADER:
        raise GradebookDamagedError(database, "文件开头不是 SQLite 数据库的标志，可能被截断或覆盖")


def is_damage(message: str) -> bool:
    """Whether a database error message means a broken file.

    Examples
    --------
    >>> is_damage("(sqlite3.DatabaseError) database disk image is malformed"), is_damage("database is locked")
    (True, False)
    """
    text = message.lower()
    return any(marker in text for marker in DAMAGE_MARKERS)


def private_database_files(database: Path) -> None:
    """The database and its WAL / shared-memory files: owner-only (0600)."""
    for suffix in ("", "-wal", "-shm", "-journal", MARKER_SUFFIX):
        path = database.with_name(database.name + suffix)
        if path.exists():
            _chmod(path, 0o600)
