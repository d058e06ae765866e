"""Where bundled data lives, and a YAML loader whose errors name the file.

Examples
--------
>>> from microloan_sim._data import data_path
>>> data_path("fonts").name
'fonts'
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def data_path(*parts: str) -> Path:
    """Path of a file under ``microloan_sim/data``."""
    return DATA_DIR.joinpath(*parts)


#: libyaml's safe loader where PyYAML was built with it (parses the case and product files about 5× faster
#: than the pure-Python one, which every kernel pays at start-up); the pure-Python safe loader otherwise.
#: A file libyaml refuses is parsed again by the pure-Python loader, whose error names the line at fault.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file; a missing file or a syntax error becomes a Chinese :class:`InputError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"
    >>> _ = p.write_text("a: [1, 2", encoding="utf-8")
    >>> load_yaml(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 bad.yaml：YAML 格式错误（第 1 行...
    """
    if not path.is_file():
        raise InputError("找不到文件", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
        try:
            return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            return yaml.safe_load(text)  # the pure-Python parser names the line where the mistake is
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行，第 {mark.column + 1} 列）" if mark is not None else ""
        raise InputError(f"YAML 格式错误{where}：{getattr(exc, 'problem', exc)}", file=path.name) from None
    except UnicodeDecodeError:
        raise InputError("文件不是 UTF-8 编码", file=path.name) from None


def load_yaml_mapping(path: Path, *, display_name: str | None = None) -> dict[str, Any]:
    """:func:`load_yaml` for files whose top level must be a mapping (every data file of the package).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "list.yaml"
    >>> _ = p.write_text("[1, 2]", encoding="utf-8")
    >>> load_yaml_mapping(p)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 list.yaml：内容应为键值表（YAML mapping）
    """
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError("内容应为键值表（YAML mapping）", file=display_name or path.name)
    return raw


def load_model(model: Any, path: Path, *, display_name: str | None = None) -> Any:
    """Read a YAML mapping and validate it with a pydantic model; errors name the file and field."""
    name = display_name or path.name
    return validate_model(model, load_yaml_mapping(path, display_name=name), file=name)


def load_cached_model(model: Any, path: Path | str | None, default_file: str) -> Any:
    """:func:`load_model` of ``path`` (default ``data/<default_file>``), cached until the file changes.

    Parameter files are read once per kernel and again only when an instructor edits them (the cache key is
    the file's modification time).

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> import tempfile
    >>> class Demo(BaseModel):
    ...     share: float
    >>> file = Path(tempfile.mkdtemp()) / "demo.yaml"
    >>> _ = file.write_text("share: 0.7", encoding="utf-8")
    >>> load_cached_model(Demo, file, "unused.yaml").share
    0.7
    """
    file = Path(path) if path is not None else data_path(default_file)
    return _load_cached(model, file, file.stat().st_mtime_ns if file.is_file() else 0)


@lru_cache(maxsize=32)
def _load_cached(model: Any, file: Path, _mtime: int) -> Any:
    return load_model(model, file)


_PYDANTIC_MESSAGES = {
    "missing": "缺少此字段",
    "extra_forbidden": "未知字段（可能拼写错误）",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "finite_number": "应为有限数字（不能是 NaN 或无穷大）",
    "greater_than_equal": "不能小于下限",
    "greater_than": "必须大于下限",
    "less_than_equal": "超过上限",
    "less_than": "超过上限",
    "string_type": "应为文字",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "list_type": "应为列表",
    "dict_type": "应为键值表",
    "model_type": "应为键值表",
    "too_short": "条目太少",
}


def validate_model(model: Any, data: Any, *, file: str) -> Any:
    """Validate ``data`` with a pydantic model; the first problem becomes a Chinese :class:`InputError`.

    The message names the file and the dotted field path, e.g. ``文件 case.yaml：opening_balance_sheet.inventory：...``.

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> class Card(BaseModel):
    ...     weight: float
    >>> validate_model(Card, {"weight": "heavy"}, file="card.yaml")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 card.yaml：weight：应为数字（收到 'heavy'）
    """
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "（整个文件）"
        kind = first["type"]
        message = _PYDANTIC_MESSAGES.get(kind)
        if message is None or kind in {"value_error", "assertion_error"}:
            message = str(first["msg"]).removeprefix("Value error, ")
        elif "input" in first and kind not in {"missing", "extra_forbidden"}:
            ctx = first.get("ctx") or {}
            bound = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), None)
            if bound is not None:
                message = f"{message} {bound}"
            message = f"{message}（收到 {first['input']!r}）"
        raise InputError(message, field=field, file=file) from None


# --------------------------------------------------------------------------- data/crosscheck.yaml (示例参数)
# One file holds the cross-check tolerances and industry norms (read by crosscheck) and the off-site thresholds
# (read by offsite). Its loader lives here, on the lowest rung, so both can share one cache without offsite
# importing crosscheck; :func:`microloan_sim.crosscheck.load_config` is this loader.

#: File name of the cross-check and off-site parameters under ``microloan_sim/data``.
CROSSCHECK_CONFIG = "crosscheck.yaml"


def file_stamp(path: Path) -> int:
    """Modification time of ``path`` in nanoseconds, ``-1`` when it is missing: a cache key that changes when
    the file is edited."""
    return path.stat().st_mtime_ns if path.is_file() else -1


def crosscheck_config_path(path: Path | str | None = None) -> Path:
    """``path`` as a :class:`~pathlib.Path`, or the bundled ``data/crosscheck.yaml`` when it is ``None``."""
    return Path(path) if path is not None else data_path(CROSSCHECK_CONFIG)


def load_crosscheck_config(path: Path | str | None = None) -> dict[str, Any]:
    """The raw parameter file ``data/crosscheck.yaml`` (or ``path``), re-read when the file changes.

    Examples
    --------
    >>> sorted(load_crosscheck_config())[:3]
    ['industry_norms', 'living_cost', 'loan_purpose']
    """
    p = crosscheck_config_path(path)
    return read_crosscheck_config(p, file_stamp(p))


@lru_cache(maxsize=8)
def read_crosscheck_config(path: Path, stamp: int) -> dict[str, Any]:
    """:func:`load_yaml_mapping` of ``path``, cached per file version (``stamp`` from :func:`file_stamp`)."""
    return load_yaml_mapping(path)
