"""Signed receipts: one JSON file per submission, HMAC-SHA256 with the course key; checked before import.

A receipt holds everything needed to re-grade the attempt (exercise id, learner id, variant seed, raw answers)
plus the score the dashboard showed. :meth:`Gradebook.import_receipts` verifies the digest with
:func:`_validate_receipt` and then re-grades: the stored score is never trusted.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import InputError
from ._common import _check_learner_id, _fmt, _private_dir, _write_private, safe_file_name
from .records import ResultLike

RECEIPT_FORMAT = "microloan-receipt"
RECEIPT_VERSION = 1
#: A receipt file larger than this is refused unread (a real one, with every free text full, is ~100 KB).
MAX_RECEIPT_BYTES = 1_000_000
#: At most this many answers in one receipt; each answer is text, a number, true/false or null.
MAX_ANSWERS = 200
_RECEIPT_ID = re.compile(r"[0-9a-f]{32}")
_ID_IN_NAME = re.compile(r"-([0-9a-f]{32})\.json$")


@dataclass(frozen=True)
class ImportedReceipt:
    file: str
    submission_id: int
    learner_id: str
    exercise_id: str
    score: float
    claimed_score: float

    @property
    def score_changed(self) -> bool:
        return not math.isclose(self.score, self.claimed_score, abs_tol=1e-6)


@dataclass(frozen=True)
class RejectedReceipt:
    file: str
    reason: str


@dataclass
class ImportSummary:
    """Result of :meth:`Gradebook.import_receipts`: imported, rejected (with reasons), duplicates."""

    imported: list[ImportedReceipt] = field(default_factory=list)
    rejected: list[RejectedReceipt] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    #: Imported attempts the grading policy does not count (beyond the attempt limit, after the deadline).
    uncounted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[ImportedReceipt]:
        """Imported receipts whose re-graded score differs from the score the receipt claims."""
        return [receipt for receipt in self.imported if receipt.score_changed]

    def lines(self) -> list[str]:
        """Chinese summary, one line per fact."""
        out = [(f"已导入 {len(self.imported)} 份回执，拒收 {len(self.rejected)} 份，"
                f"已在成绩册中（跳过）{len(self.duplicates)} 份；"
                f"重新评分后与回执分数不同 {len(self.changed)} 份。")]
        out += [f"拒收：{item.reason}" for item in self.rejected]
        out += [f"分数已按重新评分记录：{item.file}（学员 {item.learner_id}，{item.exercise_id}）："
                f"回执上为 {_fmt(item.claimed_score)}，重新评分为 {_fmt(item.score)}" for item in self.changed]
        out += [f"已导入但不计分：{reason}" for reason in self.uncounted]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _sign(payload: dict[str, Any], key: bytes) -> str:
    body = {name: value for name, value in payload.items() if name != "digest"}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def _new_receipt(learner_id: str, result: ResultLike, answers: dict[str, Any], moment: datetime,
                 key: bytes) -> dict[str, Any]:
    """The receipt of one graded attempt, signed with ``key``."""
    payload: dict[str, Any] = {
        "format": RECEIPT_FORMAT, "format_version": RECEIPT_VERSION, "receipt_id": secrets.token_hex(16),
        "learner_id": learner_id, "exercise_id": result.exercise_id, "variant": result.variant,
        "answers": answers, "score": float(result.score), "max_score": float(result.max_score),
        "app_version": __version__, "submitted_at": moment.isoformat(timespec="microseconds"),
    }
    payload["digest"] = _sign(payload, key)
    return payload


def _receipt_path(receipts_dir: Path, receipt: dict[str, Any]) -> Path:
    """``<receipts_dir>/<learner>/<exercise>-<time>-<id>.json``, every part file-name-safe."""
    folder = receipts_dir / safe_file_name(receipt["learner_id"])
    stamp = datetime.fromisoformat(receipt["submitted_at"]).strftime("%Y%m%dT%H%M%S%fZ")
    # the whole receipt id is in the name, so the gradebook can tell which files it holds without reading them
    return folder / f"{safe_file_name(receipt['exercise_id'])}-{stamp}-{receipt['receipt_id']}.json"


def _write_receipt(receipt: dict[str, Any], path: Path) -> None:
    """Write the receipt durably: fsync'd temporary file, atomic rename, fsync'd folder; 0600 in 0700 folders."""
    try:
        _private_dir(path.parent.parent)
        _private_dir(path.parent)
        text = json.dumps(receipt, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        _write_private(path, text.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"无法保存回执：{exc.strerror or exc}", field="回执", file=str(path)) from None


def _receipt_id_of(file: Path) -> str | None:
    """The receipt id in a receipt's file name (``None`` for names from before it was there in full)."""
    found = _ID_IN_NAME.search(file.name)
    return found.group(1) if found else None


def _load_receipt(file: Path) -> dict[str, Any]:
    """A receipt file's JSON object, unchecked; :func:`_validate_receipt` checks its fields and digest."""
    name = str(file)
    try:
        size = file.stat().st_size
        if size > MAX_RECEIPT_BYTES:
            raise InputError(f"文件过大（{size / 1e6:.1f} MB，回执最大 {MAX_RECEIPT_BYTES / 1e6:g} MB）", file=name)
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("文件不是 UTF-8 编码", file=name) from None
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", file=name) from None
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"不是有效的 JSON（第 {exc.lineno} 行，第 {exc.colno} 列）", file=name) from None
    except ValueError:
        raise InputError("不是有效的 JSON（含 NaN 或无穷大）", file=name) from None
    except RecursionError:
        raise InputError("不是有效的回执（JSON 嵌套层数过深）", file=name) from None
    if not isinstance(raw, dict):
        raise InputError("内容应为键值表（JSON 对象）", file=name)
    return raw


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _receipt_files(paths: Iterable[str | Path], summary: ImportSummary) -> Iterator[Path]:
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            yield path
        else:
            summary.rejected.append(RejectedReceipt(str(path), f"文件 {path}：找不到文件或文件夹"))


def _validate_receipt(raw: dict[str, Any], key: bytes, name: str) -> dict[str, Any]:
    def need(field_name: str) -> Any:
        if field_name not in raw:
            raise InputError("缺少此字段", field=field_name, file=name)
        return raw[field_name]

    def text(field_name: str) -> str:
        value = need(field_name)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"应为非空文字（收到 {value!r}）", field=field_name, file=name)
        return value

    def number(field_name: str) -> float:
        value = need(field_name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"应为数字（收到 {value!r}）", field=field_name, file=name)
        return float(value)

    if need("format") != RECEIPT_FORMAT:
        raise InputError(f"不是微贷实训的回执（应为 {RECEIPT_FORMAT}）", field="format", file=name)
    version = need("format_version")
    if version != RECEIPT_VERSION or isinstance(version, bool):
        raise InputError(f"不支持的回执版本 {version!r}", field="format_version", file=name)
    receipt_id = text("receipt_id")
    if not _RECEIPT_ID.fullmatch(receipt_id):
        raise InputError("格式不对（应为 32 位十六进制）", field="receipt_id", file=name)
    learner_id = _check_learner_id(need("learner_id"), file=name, field_name="learner_id")
    exercise_id = text("exercise_id")
    variant = need("variant")
    if variant is not None and (isinstance(variant, bool) or not isinstance(variant, int)
                                or not 0 <= variant < 2 ** 63):
        raise InputError(f"应为非负整数或 null（收到 {variant!r}）", field="variant", file=name)
    answers = need("answers")
    if not isinstance(answers, dict):
        raise InputError(f"应为键值表（收到 {type(answers).__name__}）", field="answers", file=name)
    if len(answers) > MAX_ANSWERS:
        raise InputError(f"答案过多（{len(answers)} 项，最多 {MAX_ANSWERS} 项）", field="answers", file=name)
    for item_id, value in answers.items():
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise InputError(f"题目“{item_id[:40]}”的答案应为文字或数字（收到 {type(value).__name__}）",
                             field="answers", file=name)
    score, max_score = number("score"), number("max_score")
    app_version = text("app_version")
    stamp = text("submitted_at")
    try:
        submitted_at = datetime.fromisoformat(stamp)
    except ValueError:
        raise InputError(f"时间格式不对（收到 {stamp!r}）", field="submitted_at", file=name) from None
    if submitted_at.tzinfo is None:
        raise InputError("时间缺少时区", field="submitted_at", file=name)
    digest = text("digest")
    if not hmac.compare_digest(_sign(raw, key), digest):
        raise InputError("回执已被修改（完整性校验不符，或不是用本课程的密钥签发的）", field="digest", file=name)
    return {"receipt_id": receipt_id, "learner_id": learner_id, "exercise_id": exercise_id.strip(),
            "variant": variant, "answers": answers, "score": score, "max_score": max_score,
            "app_version": app_version, "submitted_at": submitted_at, "digest": digest}
