"""Grading policy per exercise: how many attempts, what a learner sees before the last one, which score
counts, and the deadline; read from YAML and enforced by the gradebook (never by the widget).

The package's ``data/grading_policy.yaml`` holds the defaults (示例参数); an instructor overrides them without
touching the package with a ``grading_policy.yaml`` of the same shape in the gradebook's data directory. Field
by field, later wins: package ``default`` → package ``exercises.<id>`` → instructor ``default`` → instructor
``exercises.<id>``. A broken instructor file is an :class:`~microloan_sim.errors.InputError` naming the file
and the field, wherever the policy is needed (a submission, the instructor dashboard); it is never ignored.

Which attempts count is decided when the gradebook is read, not when it is written: ordered by submission
time, the first ``attempts`` submitted by the deadline count, and of those the last (or the best) is the
score. So an imported receipt beyond the limit is stored (it is not imported again at every opening) and
reported, but not counted, and a policy the instructor changes later applies to every attempt alike.

Examples
--------
>>> from datetime import datetime, timezone
>>> policy = GradingPolicy(attempts=2, deadline="2026-12-31T23:59:00+08:00")
>>> policy.counts, policy.reveal_before_last.choice, policy.reveal_before_last.money
('last', False, True)
>>> policy_line(policy, 1)
'第 1 次提交，共 2 次；计分方式：以最后一次为准；截止时间：2026年12月31日 23:59（北京时间）'
>>> refusal(policy, used=2, moment=datetime(2026, 1, 1, tzinfo=timezone.utc))
'2 次提交机会已用完，本次提交没有记录（答案仍在表单中）；如有疑问请联系讲师'
>>> counted_flags(policy, [datetime(2026, 1, d, tzinfo=timezone.utc) for d in (1, 2, 3)])
[True, True, False]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._data import data_path, file_stamp, load_yaml_mapping, validate_model
from ..errors import InputError
from .records import Attempt

#: File name of the policy, both in the package's data folder and in the gradebook's data directory.
POLICY_FILE = "grading_policy.yaml"
Counts = Literal["best", "last"]
COUNTS_LABELS: dict[str, str] = {"last": "以最后一次为准", "best": "以最高一次为准"}
#: Item kinds whose right/wrong a policy may show before the last attempt (free text is always 待讲师评分).
REVEALABLE_KINDS = ("choice", "money", "number", "ratio")
KIND_LABELS: dict[str, str] = {"choice": "选择题", "money": "金额题", "number": "数值题", "ratio": "比率题"}
#: Chinese headers of :func:`policy_table`.
POLICY_HEADERS = ("练习", "练习名称", "次数", "最后一次提交前是否显示对错", "计分方式", "截止时间")

_Model = TypeVar("_Model", bound=BaseModel)


def _aware_deadline(value: Any) -> Any:
    """A deadline as an aware datetime; text and naive times are refused in Chinese."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"应为带时区的日期时间，例如 2026-12-31T23:59:00+08:00（收到“{value}”）") from None
    if not isinstance(value, datetime):
        raise ValueError(f"应为带时区的日期时间，例如 2026-12-31T23:59:00+08:00（收到 {value!r}）")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("必须写明时区，例如 2026-12-31T23:59:00+08:00（北京时间）")
    return value


class RevealRules(BaseModel):
    """Per item kind: whether right/wrong is shown before the last attempt (never the expected value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    choice: bool = Field(default=False, strict=True)
    money: bool = Field(default=True, strict=True)
    number: bool = Field(default=True, strict=True)
    ratio: bool = Field(default=True, strict=True)


class GradingPolicy(BaseModel):
    """The rules of one exercise.

    Examples
    --------
    >>> GradingPolicy().attempts
    3
    >>> GradingPolicy(deadline="2026-12-31 23:59")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for GradingPolicy
    deadline
      Value error, 必须写明时区，例如 2026-12-31T23:59:00+08:00（北京时间） ...
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    attempts: int = Field(default=3, ge=1, le=1000, strict=True)
    reveal_before_last: RevealRules = RevealRules()
    counts: Counts = "last"
    deadline: datetime | None = None

    _deadline = field_validator("deadline", mode="before")(_aware_deadline)

    def reveals(self, kind: str, *, full: bool) -> bool:
        """Whether an item of ``kind`` shows right/wrong: always on full feedback, else per the rules."""
        if full or kind not in REVEALABLE_KINDS:
            return True
        return bool(getattr(self.reveal_before_last, kind))

    def closed(self, moment: datetime) -> bool:
        """True once the deadline has passed at ``moment`` (an aware datetime)."""
        return self.deadline is not None and moment > self.deadline


class _RevealOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")
    choice: bool | None = Field(default=None, strict=True)
    money: bool | None = Field(default=None, strict=True)
    number: bool | None = Field(default=None, strict=True)
    ratio: bool | None = Field(default=None, strict=True)


class _PolicyOverride(BaseModel):
    """Some fields of a :class:`GradingPolicy`; what is not written is inherited."""

    model_config = ConfigDict(extra="forbid")
    attempts: int | None = Field(default=None, ge=1, le=1000, strict=True)
    reveal_before_last: _RevealOverride | None = None
    counts: Counts | None = None
    deadline: datetime | None = None

    _deadline = field_validator("deadline", mode="before")(_aware_deadline)

    def changes(self) -> dict[str, Any]:
        """The fields written in the file (an explicit ``deadline: null`` removes the deadline)."""
        written = self.model_dump(exclude_unset=True)
        if self.reveal_before_last is not None:
            written["reveal_before_last"] = self.reveal_before_last.model_dump(exclude_unset=True)
        return written


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: _PolicyOverride = _PolicyOverride()
    exercises: dict[str, _PolicyOverride] = {}


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = {**merged.get(key, {}), **value} if key == "reveal_before_last" else value
    return merged


@dataclass(frozen=True)
class PolicyBook:
    """The policies in force: the package file plus the instructor's file (when there is one).

    Examples
    --------
    >>> book = load_policies(None)
    >>> book.for_exercise("ex01") == GradingPolicy()
    True
    """

    layers: tuple[_PolicyFile, ...]
    instructor_file: Path | None = None
    overridden: frozenset[str] = field(default_factory=frozenset)

    def for_exercise(self, exercise_id: str) -> GradingPolicy:
        """The policy of one exercise (every field resolved)."""
        merged: dict[str, Any] = {}
        for layer in self.layers:
            merged = _merge(merged, layer.default.changes())
            if exercise_id in layer.exercises:
                merged = _merge(merged, layer.exercises[exercise_id].changes())
        return GradingPolicy.model_validate(merged)


def load_policies(directory: Path | str | None) -> PolicyBook:
    """The package's policy file plus ``<directory>/grading_policy.yaml`` if present (re-read when edited).

    Raises :class:`InputError` naming the file and the field when the instructor's file is broken.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / POLICY_FILE).write_text("default:\\n  attempts: 0\\n", encoding="utf-8")
    >>> load_policies(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 文件 .../grading_policy.yaml：default.attempts：不能小于下限 1（收到 0）
    >>> _ = (folder / POLICY_FILE).write_text("exercises:\\n  ex06:\\n    counts: best\\n", encoding="utf-8")
    >>> load_policies(folder).for_exercise("ex06").counts
    'best'
    """
    package = data_path(POLICY_FILE)
    override = Path(directory) / POLICY_FILE if directory is not None else None
    stamp = file_stamp(override) if override is not None else -1
    return _load(package, file_stamp(package), override if stamp >= 0 else None, stamp)


@lru_cache(maxsize=16)
def _load(package: Path, _package_stamp: int, override: Path | None, _stamp: int) -> PolicyBook:
    layers = [_read(package, package.name)]
    try:
        GradingPolicy.model_validate(layers[0].default.changes())
    except ValueError as exc:
        raise InputError(f"默认评分规则不完整：{exc}", field="default", file=package.name) from None
    if override is None:
        return PolicyBook(tuple(layers))
    instructor = _read(override, str(override))
    layers.append(instructor)
    book = PolicyBook(tuple(layers), override, frozenset(instructor.exercises))
    for exercise_id in instructor.exercises:  # every merged policy must validate
        book.for_exercise(exercise_id)
    return book


def _read(path: Path, name: str) -> _PolicyFile:
    try:
        raw = load_yaml_mapping(path, display_name=name)
    except InputError as exc:  # a YAML syntax error names the bare file name: name the whole path
        if exc.file in (None, name):
            raise
        raise InputError(str(exc).removeprefix(f"文件 {exc.file}："), file=name) from None
    if raw.get("exercises") is None:
        raw = {**raw, "exercises": {}}
    parsed: _PolicyFile = validate_model(_PolicyFile, raw, file=name)
    return parsed


# --------------------------------------------------------------------------- enforcement

class AttemptRefused(InputError):
    """A submission the policy does not accept (limit reached, deadline passed); nothing was recorded."""


def refusal(policy: GradingPolicy, used: int, moment: datetime) -> str | None:
    """Why a new attempt is refused (Chinese), or ``None`` when it is accepted.

    ``used`` is how many attempts are already recorded; ``moment`` the server's time of the submission.
    """
    if policy.closed(moment):
        assert policy.deadline is not None
        return (f"已过截止时间（{deadline_text(policy.deadline)}），本次提交没有记录（答案仍在表单中）；"
                "如需补交请联系讲师")
    if used >= policy.attempts:
        return f"{policy.attempts} 次提交机会已用完，本次提交没有记录（答案仍在表单中）；如有疑问请联系讲师"
    return None


def check_open(policy: GradingPolicy, used: int, moment: datetime) -> None:
    """Raise :class:`AttemptRefused` when :func:`refusal` gives a reason."""
    reason = refusal(policy, used, moment)
    if reason is not None:
        raise AttemptRefused(reason, field="提交")


def counted_flags(policy: GradingPolicy, moments: Sequence[datetime]) -> list[bool]:
    """For attempts in submission order: whether each counts (within the limit and by the deadline)."""
    return [number <= policy.attempts and not policy.closed(moment)
            for number, moment in enumerate(moments, start=1)]


def full_feedback(policy: GradingPolicy, attempt: int, moment: datetime | None = None) -> bool:
    """Whether attempt number ``attempt`` gets full feedback: the last one, or once the deadline has passed.

    Examples
    --------
    >>> [full_feedback(GradingPolicy(attempts=3), k) for k in (1, 2, 3)]
    [False, False, True]
    """
    return attempt >= policy.attempts or (moment is not None and policy.closed(moment))


def counted_attempts(policy: GradingPolicy, group: Sequence[Attempt]) -> list[Attempt]:
    """The attempts of one learner × exercise (oldest first) that count under ``policy``."""
    flags = counted_flags(policy, [attempt.submitted_at for attempt in group])
    return [attempt for attempt, counts in zip(group, flags) if counts]


def attempt_that_counts(policy: GradingPolicy, group: Sequence[Attempt]) -> Attempt | None:
    """The attempt whose score counts: the last counted one, or the best (ties: the earliest); ``None`` when
    no attempt counts (all after the deadline)."""
    counted = counted_attempts(policy, group)
    if not counted:
        return None
    if policy.counts == "last":
        return counted[-1]
    return max(counted, key=lambda attempt: (attempt.score, -counted.index(attempt)))


def uncounted_reason(policy: GradingPolicy, number: int, attempt: Attempt) -> str:
    """Why attempt number ``number`` of a learner does not count (Chinese)."""
    if policy.closed(attempt.submitted_at):
        assert policy.deadline is not None
        why = f"晚于截止时间 {deadline_text(policy.deadline)}"
    else:
        why = f"超过提交次数上限（{policy.attempts} 次）"
    return f"学员 {attempt.learner_id} 的 {attempt.exercise_id} 第 {number} 次提交{why}"


def uncounted_imports(book: PolicyBook, attempts: Sequence[Attempt], imported: set[int]) -> list[str]:
    """Why each of the ``imported`` submissions (ids) does not count, for the import summary."""
    groups: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in attempts:  # oldest first
        groups.setdefault((attempt.learner_id, attempt.exercise_id), []).append(attempt)
    reasons = []
    for (_, exercise_id), group in sorted(groups.items()):
        policy = book.for_exercise(exercise_id)
        flags = counted_flags(policy, [attempt.submitted_at for attempt in group])
        reasons += [uncounted_reason(policy, number, attempt)
                    for number, (attempt, counts) in enumerate(zip(group, flags), start=1)
                    if not counts and attempt.submission_id in imported]
    return reasons


def check_exercise_ids(book: PolicyBook, exists: Callable[[str], object]) -> PolicyBook:
    """Refuse an instructor file that names an exercise that does not exist (a typo would be ignored)."""
    for exercise_id in sorted(book.overridden):
        try:
            exists(exercise_id)
        except (InputError, KeyError, LookupError):
            raise InputError(f"没有编号为“{exercise_id}”的练习", field=f"exercises.{exercise_id}",
                             file=str(book.instructor_file)) from None
    return book


# --------------------------------------------------------------------------- Chinese text

def deadline_text(moment: datetime) -> str:
    """``2026年12月31日 23:59（北京时间）`` in the deadline's own time zone.

    Examples
    --------
    >>> from datetime import timezone
    >>> deadline_text(datetime(2027, 3, 5, 8, 0, tzinfo=timezone.utc))
    '2027年3月5日 08:00（UTC）'
    """
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    if minutes == 8 * 60:
        zone = "北京时间"
    else:
        zone = "UTC" + ("" if minutes == 0 else ("+" if minutes > 0 else "−") + str(hours)
                        + (f":{rest:02d}" if rest else ""))
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}（{zone}）"


def policy_line(policy: GradingPolicy, attempt: int) -> str:
    """``第 k 次提交，共 N 次；计分方式：…；截止时间：…`` for the learner's form."""
    deadline = f"截止时间：{deadline_text(policy.deadline)}" if policy.deadline is not None else "不设截止时间"
    return (f"第 {attempt} 次提交，共 {policy.attempts} 次；计分方式：{COUNTS_LABELS[policy.counts]}；{deadline}")


def next_attempt_text(policy: GradingPolicy, used: int | None, moment: datetime) -> str:
    """What the form says before a submission: the next attempt's number (``used`` recorded so far; ``None``
    while the learner is unknown), the counting rule and the deadline, or why no attempt is left.

    Examples
    --------
    >>> from datetime import timezone
    >>> now = datetime(2026, 6, 1, tzinfo=timezone.utc)
    >>> next_attempt_text(GradingPolicy(), 1, now)
    '本次将是第 2 次提交，共 3 次；计分方式：以最后一次为准；不设截止时间'
    >>> next_attempt_text(GradingPolicy(), 3, now)
    '3 次提交机会已用完；计分方式：以最后一次为准；不设截止时间'
    """
    rule = policy_line(policy, 1).split("；", 1)[1]
    if policy.closed(moment):
        return f"已过截止时间，不能再提交；{rule}"
    if used is None:
        return f"每位学员共 {policy.attempts} 次提交机会；{rule}"
    if used >= policy.attempts:
        return f"{policy.attempts} 次提交机会已用完；{rule}"
    return f"本次将是{policy_line(policy, used + 1)}"


def reveal_text(policy: GradingPolicy) -> str:
    """What the learner sees before the last attempt, e.g. ``选择题：否；金额题、数值题、比率题：是（只显示对错）``."""
    shown = [KIND_LABELS[k] for k in REVEALABLE_KINDS if getattr(policy.reveal_before_last, k)]
    hidden = [KIND_LABELS[k] for k in REVEALABLE_KINDS if not getattr(policy.reveal_before_last, k)]
    parts = ([f"{'、'.join(hidden)}：否"] if hidden else []) + \
            ([f"{'、'.join(shown)}：是（只显示对错，不显示答案）"] if shown else [])
    return "；".join(parts)


def policy_table(policies: Sequence[tuple[str, str, GradingPolicy]]) -> Any:
    """A Chinese table of ``(exercise id, title, policy)``: 次数、最后一次提交前是否显示对错、计分方式、截止时间.

    Examples
    --------
    >>> table = policy_table([("ex01", "报表重构", GradingPolicy())])
    >>> [str(value) for value in table.iloc[0]]
    ['ex01', '报表重构', '3', '选择题：否；金额题、数值题、比率题：是（只显示对错，不显示答案）', '以最后一次为准', '不设']
    """
    import pandas as pd

    rows = [(exercise_id, title, policy.attempts, reveal_text(policy), COUNTS_LABELS[policy.counts],
             deadline_text(policy.deadline) if policy.deadline is not None else "不设")
            for exercise_id, title, policy in policies]
    return pd.DataFrame(rows, columns=list(POLICY_HEADERS))


PolicyLookup = Callable[[str], GradingPolicy]


def policy_for(exercise_id: str) -> GradingPolicy:
    """The policy of one exercise in this machine's data directory (package defaults + the instructor's file),
    without opening the database: what a form shows before the learner is known.

    Examples
    --------
    >>> policy_for("ex06").attempts >= 1
    True
    """
    from .. import exercises
    from .config import data_dir

    return check_exercise_ids(load_policies(data_dir()), exercises.get).for_exercise(exercise_id)
