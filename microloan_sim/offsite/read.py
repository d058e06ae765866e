"""Reading and checking a bank statement: column names (Chinese headers accepted), dates, amounts and
counterparties, with messages that name the file, the column and the row."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError


REQUIRED_COLUMNS = ("date", "amount", "counterparty")
OPTIONAL_COLUMNS = ("description", "channel")
COLUMN_LABELS = {"date": "日期", "amount": "金额", "counterparty": "交易对手", "description": "摘要", "channel": "渠道"}
#: Chinese headers of common bank exports → identifiers.
COLUMN_ALIASES = {
    "日期": "date", "交易日期": "date", "交易时间": "date", "金额": "amount", "交易金额": "amount",
    "交易对手": "counterparty", "对方户名": "counterparty", "对方名称": "counterparty", "摘要": "description",
    "用途": "description", "渠道": "channel", "交易渠道": "channel",
}


def _row(position: int, file: str | None) -> str:
    """Where a row is: the CSV line number (header = line 1) for files, the 1-based transaction otherwise."""
    return f"第 {position + 2} 行" if file else f"第 {position + 1} 条交易"


def _blank(values: pd.Series) -> pd.Series:
    """Missing or whitespace-only cells (tested once per distinct value)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    empty = np.append(pd.Index(uniques).astype(str).str.strip().to_numpy() == "", True)
    return pd.Series(empty[codes], index=values.index)


def validate_transactions(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check a bank statement and return a clean copy.

    The result has a fresh ``RangeIndex`` and the columns ``date`` (datetime64), ``amount`` (float),
    ``counterparty``, ``description`` and ``channel`` (text, stripped; missing optional text is ``""``).

    Parameters
    ----------
    df : DataFrame
        The statement (see the module docstring). Amount text such as ``"1,200.00"`` is accepted.
    file : str, optional
        File name for messages; rows are then named by CSV line (the header is line 1).

    Raises
    ------
    InputError
        Missing columns, no rows, unreadable or missing dates, text or NaN or zero in ``amount``, missing
        counterparty, or dates out of order; the message names the field and the row.

    Examples
    --------
    >>> raw = pd.DataFrame({"日期": ["2025-01-02", "2025-01-03"], "金额": ["1,200.50", "-300"],
    ...                     "对方户名": ["财付通支付科技有限公司", " 国网供电公司 "]})
    >>> clean = validate_transactions(raw)
    >>> clean["amount"].tolist(), clean["counterparty"].tolist()
    ([1200.5, -300.0], ['财付通支付科技有限公司', '国网供电公司'])
    >>> validate_transactions(raw.assign(金额=["12", "abc"]), file="流水.csv")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 流水.csv：amount（金额）：第 3 行应为数字，收到了文字“abc”
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError("应为表格（DataFrame）", field="银行流水", file=file)
    frame = df.rename(columns=lambda c: COLUMN_ALIASES.get(str(c).strip(), str(c).strip()))
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise InputError("列名重复：" + "、".join(map(str, duplicated)), field="表头", file=file)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("缺少必需的列：" + "、".join(f"{c}（{COLUMN_LABELS[c]}）" for c in missing), file=file)
    if len(frame) == 0:
        raise InputError("没有交易记录", field="银行流水", file=file)
    frame = frame.reset_index(drop=True)

    dates = _parse_dates(frame["date"], file)
    amounts = _parse_amounts(frame["amount"], file)
    counterparty = _clean_text(frame["counterparty"])
    empty = _blank(frame["counterparty"])
    if empty.any():
        position = int(np.argmax(empty.to_numpy()))
        raise InputError(f"{_row(position, file)}缺少交易对手", field="counterparty（交易对手）", file=file)

    backwards = (dates.diff() < pd.Timedelta(0)).to_numpy()
    if backwards.any():
        position = int(np.argmax(backwards))
        raise InputError(
            f"{_row(position, file)}的日期 {dates.iloc[position]:%Y-%m-%d %H:%M} 早于上一行的 "
            f"{dates.iloc[position - 1]:%Y-%m-%d %H:%M}：流水应按时间先后排列（请先按日期排序）",
            field="date（日期）", file=file)

    clean = pd.DataFrame({"date": dates, "amount": amounts, "counterparty": counterparty})
    for column in OPTIONAL_COLUMNS:
        clean[column] = _clean_text(frame[column]) if column in frame.columns else ""
    return clean


def _parse_dates(raw: pd.Series, file: str | None) -> pd.Series:
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        dates = raw.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(raw.dtype):
        dates = raw
    else:
        if pd.api.types.is_numeric_dtype(raw.dtype):
            text = raw.astype("Int64").astype(str)
        else:
            text = raw
        dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
        failed = dates.isna() & ~_blank(raw)
        if failed.any():  # other layouts (2025/1/3, 20250103 …), parsed only for the rows that need it
            retry = pd.to_datetime(text[failed].astype(str).str.replace(r"[/.年月]", "-", regex=True)
                                   .str.replace("日", "", regex=False), errors="coerce", format="mixed")
            dates = dates.copy()
            dates[failed] = retry
    missing = dates.isna().to_numpy()
    if missing.any():
        position = int(np.argmax(missing))
        value = raw.iloc[position]
        problem = "缺少日期" if _blank(raw.iloc[[position]]).iloc[0] else f"日期格式错误，收到“{value}”（应为 YYYY-MM-DD）"
        raise InputError(f"{_row(position, file)}{problem}", field="date（日期）", file=file)
    return dates.astype("datetime64[ns]").reset_index(drop=True)


def _parse_amounts(raw: pd.Series, file: str | None) -> pd.Series:
    if pd.api.types.is_bool_dtype(raw.dtype):
        raise InputError("应为数字，收到了是/否值", field="amount（金额）", file=file)
    if pd.api.types.is_numeric_dtype(raw.dtype):
        values = raw.astype(float)
        text_bad = np.zeros(len(raw), dtype=bool)
    else:
        cleaned = raw.astype(str).str.replace(r"[,，\s¥￥元]", "", regex=True)
        values = pd.to_numeric(cleaned, errors="coerce").astype(float)
        text_bad = (values.isna() & ~_blank(raw)).to_numpy()
    if text_bad.any():
        position = int(np.argmax(text_bad))
        raise InputError(f"{_row(position, file)}应为数字，收到了文字“{raw.iloc[position]}”",
                         field="amount（金额）", file=file)
    array = values.to_numpy(dtype=float)
    checks = ((np.isnan(array), "缺少金额（NaN）"), (np.isinf(array), "金额为无穷大"),
              (array == 0, "金额为 0（既不是流入也不是流出），请删除或更正"))
    for bad, problem in checks:
        if bad.any():
            position = int(np.argmax(bad))
            raise InputError(f"{_row(position, file)}{problem}", field="amount（金额）", file=file)
    return pd.Series(array, name="amount")


def _clean_text(raw: pd.Series) -> pd.Series:
    """Strip text at the level of unique values (fast for long statements); missing → ``""``."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    stripped = np.append(pd.Index(uniques).astype(str).str.strip().to_numpy(dtype=object), "")
    return pd.Series(stripped[codes], dtype=str)


_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_transactions(path: Path | str) -> pd.DataFrame:
    """Read a statement CSV (UTF-8 or GB18030) and validate it; messages name the file and the line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "流水.csv"
    >>> _ = p.write_text("日期,金额,对方户名\\n2025-01-02,500,张三\\n2025-01-03,200,李四,多余\\n", encoding="utf-8")
    >>> read_transactions(p)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 流水.csv：第 3 行有 4 个字段，应为 3 个（金额中的逗号要加引号）
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("找不到文件", file=path.name)
    frame = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise InputError("文件是空的", file=path.name) from None
        except pd.errors.ParserError as exc:
            match = _PARSER_LINE.search(str(exc))
            if match:
                expected, line, saw = match.groups()
                raise InputError(f"第 {line} 行有 {saw} 个字段，应为 {expected} 个（金额中的逗号要加引号）",
                                 file=path.name) from None
            raise InputError(f"CSV 格式错误：{str(exc).splitlines()[0]}", file=path.name) from None
    if frame is None:
        raise InputError("无法识别文件编码（应为 UTF-8 或 GBK）", file=path.name)
    return validate_transactions(frame, file=path.name)
