"""The one error type learners may see.

Every check of user- or file-supplied input raises :class:`InputError`. Its message is Chinese, names the
field (and the file, where there is one) and says what is wrong; dashboards show it in place of output.

Examples
--------
>>> from microloan_sim.errors import InputError, require_number
>>> require_number(-5, "贷款金额", minimum=0)
Traceback (most recent call last):
...
microloan_sim.errors.InputError: 贷款金额：不能小于 0（当前为 -5）
"""
from __future__ import annotations

import math
from typing import Any


class InputError(ValueError):
    """Bad input, with a Chinese message that names the field (and file, if any)."""

    def __init__(self, message: str, *, field: str | None = None, file: str | None = None) -> None:
        self.field = field
        self.file = file
        prefix = ""
        if file:
            prefix += f"文件 {file}："
        if field:
            prefix += f"{field}："
        super().__init__(prefix + message)


def require_number(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strictly_positive: bool = False,
    file: str | None = None,
) -> float:
    """Return ``value`` as a finite float or raise :class:`InputError` naming ``field``.

    Examples
    --------
    >>> require_number("12.5", "月销售额")
    12.5
    >>> require_number("abc", "月销售额")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 月销售额：应为数字，收到了文字“abc”
    >>> require_number(float("nan"), "月销售额")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 月销售额：缺少数值（NaN），请填写
    """
    if isinstance(value, bool) or value is None:
        raise InputError("缺少数值，请填写", field=field, file=file)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"应为数字，收到了文字“{value}”", field=field, file=file) from None
    if math.isnan(number):
        raise InputError("缺少数值（NaN），请填写", field=field, file=file)
    if math.isinf(number):
        raise InputError("数值为无穷大，请检查", field=field, file=file)
    if strictly_positive and number <= 0:
        raise InputError(f"必须大于 0（当前为 {value}）", field=field, file=file)
    if minimum is not None and number < minimum:
        raise InputError(f"不能小于 {minimum:g}（当前为 {value}）", field=field, file=file)
    if maximum is not None and number > maximum:
        raise InputError(f"不能大于 {maximum:g}（当前为 {value}）", field=field, file=file)
    return number
