"""Small helpers shared by the gradebook's modules: clock, number text, JSON-safe answers, ids and file names."""
from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
import unicodedata
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..casebook import MAX_LEARNER_ID, normalize_learner_id
from ..errors import InputError

#: Longest learner id accepted (after normalisation), in characters.


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


def safe_file_name(text: str) -> str:
    """A file-name-safe form of a learner or exercise id (Chinese kept; a hash keeps altered names distinct).

    Examples
    --------
    >>> safe_file_name("学员-01")
    '学员-01'
    >>> name = safe_file_name("../../etc/passwd")
    >>> name.startswith("etc_passwd-"), "/" in name, name == safe_file_name("etc_passwd")
    (True, False, False)
    """
    cleaned = re.sub(r"[^\w\-]", "_", text).strip("_")[:60] or "_"
    if cleaned != text:
        cleaned += "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return cleaned


def _check_learner_id(learner_id: Any, *, file: str | None = None, field_name: str = "学员编号") -> str:
    return normalize_learner_id(learner_id, file=file, field_name=field_name)


# --------------------------------------------------------------------------- private files and folders

def _private_dir(path: Path) -> Path:
    """Create ``path`` (mode 0700) if needed and make it owner-only; returns it.

    Missing parents above it are created with the default mode (they are not the gradebook's).
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _chmod(path, 0o700)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        if (path.stat().st_mode & 0o777) != mode:
            os.chmod(path, mode)
    except OSError:  # not our file (shared folder) or a file system without modes: leave it
        pass


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably and atomically, mode 0600.

    A temporary file beside it is written, flushed and fsync'd, then renamed over ``path``, and the folder
    is fsync'd so that the rename itself survives a crash. Raises :class:`OSError`.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open folders
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
