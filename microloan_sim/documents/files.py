"""Document files: export as CSV (UTF-8 with BOM, Chinese headers), the committed snapshots of each case, and
reading a document back with every row checked."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..casebook import Case
from ..errors import InputError
from .bundle import DOCUMENT_FILES, DocumentSpec
from .generate import build_documents
from .load import has_investigation
from .schema import DOCUMENTS_FOLDER


def _format(value: Any, numeric: bool, decimals: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    if numeric:
        number = float(value)
        if decimals == 0 or number == round(number):
            return f"{number:.0f}" if decimals == 0 else f"{number:.{decimals}f}".rstrip("0").rstrip(".")
        return f"{number:.{decimals}f}".rstrip("0").rstrip(".")
    return str(value)


def document_csv(frame: pd.DataFrame, spec: DocumentSpec) -> str:
    """A document as CSV text (Chinese headers, numbers written plainly); UTF-8 BOM added on export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header for _, header in spec.columns])
    keys = [key for key, _ in spec.columns]
    for row in frame[keys].itertuples(index=False):
        writer.writerow([_format(v, k in spec.numeric, spec.decimals) for k, v in zip(keys, row)])
    return buffer.getvalue()


def export_documents(case: Case, folder: Path | str, *, with_flaws: bool = True) -> list[Path]:
    """Write the documents of ``case`` as CSV files (UTF-8 with BOM, so Excel shows Chinese) into ``folder``.

    Only documents that apply are written (a salaried borrower has no inventory count). The answer key is
    never written. Returns the paths written, in :data:`DOCUMENT_FILES` order.

    Examples
    --------
    >>> import tempfile, microloan_sim as ml
    >>> paths = export_documents(ml.casebook.load_case("C01"), tempfile.mkdtemp())
    >>> paths[0].name, paths[0].read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    ('bank_transactions.csv', True)
    """
    docs = build_documents(case, with_flaws=with_flaws)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in DOCUMENT_FILES.items():
        frame = docs._frame(name)
        if frame is None or frame.empty:
            continue
        path = target / f"{name}.csv"
        path.write_bytes(("\ufeff" + document_csv(frame, spec)).encode("utf-8"))
        written.append(path)
    return written


def snapshot_folder(case: Case) -> Path:
    """Where the committed canonical documents of a case live: ``<case folder>/documents``."""
    return case.folder / DOCUMENTS_FOLDER


def read_document(path: Path | str, name: str | None = None) -> pd.DataFrame:
    """Read one document CSV back (identifier columns, numbers as floats), checking every row.

    ``name`` is the file stem of :data:`DOCUMENT_FILES` (default: taken from the file name). Bank statements
    go through :func:`microloan_sim.offsite.read_transactions` (dates in order, amounts, counterparties).

    Raises
    ------
    InputError
        Missing file, unknown document, missing columns, or a row with a bad number; the message names the
        file, the column and the CSV line.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sales_ledger.csv"
    >>> _ = p.write_text("月份,销售额（元）\\n2025-01,1000\\n2025-02,一千\\n", encoding="utf-8")
    >>> read_document(p)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 sales_ledger.csv：销售额（元）：第 3 行应为数字，收到了“一千”
    """
    path = Path(path)
    stem = name or path.stem
    if stem not in DOCUMENT_FILES:
        raise InputError(f"未知的单据“{stem}”（应为 {'、'.join(DOCUMENT_FILES)} 之一）", file=path.name)
    if not path.is_file():
        raise InputError(f"找不到该单据（{DOCUMENT_FILES[stem].title}）", file=path.name)
    spec = DOCUMENT_FILES[stem]
    if stem == "bank_transactions":
        from ..offsite import read_transactions

        return read_transactions(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"CSV 格式错误：{str(exc).splitlines()[0]}", file=path.name) from None
    except pd.errors.EmptyDataError:
        raise InputError("文件是空的", file=path.name) from None
    headers = dict((header, key) for key, header in spec.columns)
    missing = [header for _, header in spec.columns if header not in frame.columns]
    if missing:
        raise InputError("缺少必需的列：" + "、".join(missing), file=path.name)
    frame = frame[[header for _, header in spec.columns]].rename(columns=headers)
    for key in spec.numeric:
        text = frame[key].str.strip()
        values = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = values.isna() & (text != "")
        empty = text == ""
        header = dict(spec.columns)[key]
        if bad.any():
            row = int(np.argmax(bad.to_numpy()))
            raise InputError(f"第 {row + 2} 行应为数字，收到了“{frame[key].iloc[row]}”", field=header, file=path.name)
        if empty.any():
            row = int(np.argmax(empty.to_numpy()))
            raise InputError(f"第 {row + 2} 行缺少数值", field=header, file=path.name)
        frame[key] = values.astype(float)
    return frame


def read_documents(folder: Path | str, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Read the document CSVs of a folder (by default every file of :data:`DOCUMENT_FILES` present there).

    ``names`` lists documents that must be present: a missing one raises :class:`InputError`.
    """
    folder = Path(folder)
    wanted = list(names) if names is not None else [n for n in DOCUMENT_FILES if (folder / f"{n}.csv").is_file()]
    return {n: read_document(folder / f"{n}.csv", n) for n in wanted}


def write_snapshots(case_ids: Iterable[str] | None = None) -> list[Path]:
    """Write the canonical documents of each case (with its flaws) into ``<case folder>/documents``.

    Stale files of documents that no longer apply are removed. Returns the files written.
    """
    from .. import casebook

    ids = list(case_ids) if case_ids is not None else list(casebook.list_cases()["id"])
    written: list[Path] = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        if not has_investigation(case):
            continue
        folder = snapshot_folder(case)
        paths = export_documents(case, folder)
        for stale in folder.glob("*.csv"):
            if stale not in paths:
                stale.unlink()
        written += paths
    return written
