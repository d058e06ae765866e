"""Parameters of the cross-checks (示例参数 in ``data/crosscheck.yaml``): the tolerances behind each verdict,
industry norms and other reference values.

The file is read by :func:`microloan_sim._data.load_crosscheck_config` (:func:`microloan_sim.crosscheck.load_config`),
one cache shared with :mod:`microloan_sim.offsite`, whose thresholds live in the same file.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._data import CROSSCHECK_CONFIG as CONFIG_FILE
from .._data import crosscheck_config_path as _config_path
from .._data import file_stamp as _stamp
from .._data import read_crosscheck_config as _load_config
from ..errors import InputError, require_number
from .results import Verdict


def _section(raw: Mapping[str, Any], key: str, file: str) -> Mapping[str, Any]:
    section = raw.get(key)
    if not isinstance(section, Mapping) or not section:
        raise InputError("缺少此部分，或内容不是键值表", field=key, file=file)
    return section


def tolerances(path: Path | str | None = None) -> dict[str, dict[str, float]]:
    """Tolerances per method (示例参数) from ``data/crosscheck.yaml``: ``explain`` and ``contradiction`` bounds.

    Examples
    --------
    >>> tolerances()["equity"]
    {'explain': 0.1, 'contradiction': 0.2}
    """
    p = _config_path(path)
    cached = _load_tolerances(p, _stamp(p))
    return {method: dict(bounds) for method, bounds in cached.items()}


@lru_cache(maxsize=8)
def _load_tolerances(path: Path, stamp: int) -> dict[str, dict[str, float]]:
    raw = _load_config(path, stamp)
    file = path.name
    result: dict[str, dict[str, float]] = {}
    for method, bounds in _section(raw, "tolerances", file).items():
        if not isinstance(bounds, Mapping):
            raise InputError("应为键值表（explain、contradiction）", field=f"tolerances.{method}", file=file)
        explain = require_number(bounds.get("explain"), f"tolerances.{method}.explain", minimum=0, file=file)
        contra = require_number(bounds.get("contradiction"), f"tolerances.{method}.contradiction", minimum=0,
                                file=file)
        if contra < explain:
            raise InputError("“矛盾”阈值不能小于“需解释”阈值", field=f"tolerances.{method}", file=file)
        result[str(method)] = {"explain": explain, "contradiction": contra}
    return result


def _bounds(key: str) -> dict[str, float]:
    table = tolerances()
    if key not in table:
        raise InputError(f"参数文件中没有方法“{key}”的容差", field="tolerances", file=CONFIG_FILE)
    return table[key]


def verdict_for(deviation: float, method: str) -> tuple[Verdict, float]:
    """Verdict for an absolute relative deviation under the method's tolerance (示例参数).

    ``method`` is a tolerance key of ``data/crosscheck.yaml`` or a method id / alias of :data:`METHODS`.
    Returns the verdict and the ``explain`` tolerance.

    Examples
    --------
    >>> verdict_for(-0.05, "equity")
    (<Verdict.CONSISTENT: '一致'>, 0.1)
    >>> verdict_for(0.15, "equity")[0].value, verdict_for(0.25, "equity")[0].value
    ('需解释', '矛盾')
    """
    bounds = _bounds(method if method in tolerances() else _tolerance_key(method))
    size = abs(deviation)
    if size <= bounds["explain"]:
        return Verdict.CONSISTENT, bounds["explain"]
    if size <= bounds["contradiction"]:
        return Verdict.EXPLAIN, bounds["explain"]
    return Verdict.CONTRADICTION, bounds["explain"]


def _tolerance_key(name: str) -> str:
    from .registry import method  # the registry is built from the method functions, which use this module

    return method(name).tolerance_key


def industry_norms(industry: str, path: Path | str | None = None) -> dict[str, float]:
    """Industry norms (示例参数): ``gross_margin``, ``expense_ratio``, ``inventory_days``, ``receivable_days``.

    ``industry`` is looked up as written (e.g. ``"零售（便利店）"``), then by the part before a bracket
    (``"零售"``).

    Examples
    --------
    >>> industry_norms("零售（便利店）")["inventory_days"]
    35.0
    >>> industry_norms("零售（水果店）")["gross_margin"]  # falls back to 零售
    0.2
    """
    p = _config_path(path)
    raw = _load_config(p, _stamp(p))
    table = _section(raw, "industry_norms", p.name)
    text = str(industry).strip()
    key = text if text in table else text.replace("(", "（").split("（", 1)[0].strip()
    if key not in table:
        raise InputError(f"没有“{text}”的行业参考值（现有：{'、'.join(map(str, table))}），请直接填写参考值",
                         field="行业")
    entry = table[key]
    if not isinstance(entry, Mapping):
        raise InputError("应为键值表", field=f"industry_norms.{key}", file=p.name)
    return {str(k): require_number(v, f"industry_norms.{key}.{k}", minimum=0, file=p.name) for k, v in entry.items()}


def _parameter(section: str, key: str, field_name: str) -> float:
    p = _config_path(None)
    table = _section(_load_config(p, _stamp(p)), section, p.name)
    if key not in table:
        raise InputError(f"没有“{key}”的参考值（现有：{'、'.join(map(str, table))}）", field=field_name)
    return require_number(table[key], f"{section}.{key}", minimum=0, file=p.name)


def _norm(value: float | None, industry: str | None, key: str, field_name: str) -> float:
    if value is not None:
        return require_number(value, field_name, strictly_positive=True)
    if industry is None:
        raise InputError("请填写行业参考值，或给出行业名称以使用示例参数", field=field_name)
    norms = industry_norms(industry)
    if key not in norms:
        raise InputError(f"行业“{industry}”没有此项参考值", field=field_name)
    return require_number(norms[key], field_name, strictly_positive=True)
