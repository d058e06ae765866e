"""Small helpers shared by the gradebook's modules: clock, number text, JSON-safe answers, ids and file names."""
from __future__ import annotations

import hashlib
import math
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from ..errors import InputError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
    if not isinstance(learner_id, str):
        raise InputError(f"应为文字（收到 {type(learner_id).__name__}）", field=field_name, file=file)
    text = learner_id.strip()
    if not text:
        raise InputError("不能为空", field=field_name, file=file)
    if len(text) > 100 or _CONTROL.search(text):
        raise InputError("过长或含有控制字符", field=field_name, file=file)
    return text
