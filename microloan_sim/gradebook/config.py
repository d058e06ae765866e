"""Where the gradebook lives: the data directory, the database URL and the course key (environment first)."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from .._data import PACKAGE_DIR
from ..errors import InputError

KEY_FILE = "course.key"
DB_FILE = "gradebook.sqlite"


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
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data directory is owner-only
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
