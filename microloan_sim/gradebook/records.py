"""What grading hands the gradebook (the protocols it relies on) and what the gradebook hands back.

:class:`Submission` is what :meth:`Gradebook.record` stored; :class:`Attempt` is one stored submission with the
instructor's manual scores applied, as every query returns it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ._common import _aware, _json_safe


class ItemLike(Protocol):
    """Per-item feedback as :class:`microloan_sim.exercises.ItemFeedback` provides it."""

    @property
    def item_id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def points(self) -> float: ...
    @property
    def max_points(self) -> float: ...
    @property
    def hint(self) -> str: ...
    @property
    def given(self) -> Any: ...


class ResultLike(Protocol):
    """A grade result as :class:`microloan_sim.exercises.GradeResult` provides it."""

    @property
    def exercise_id(self) -> str: ...
    @property
    def variant(self) -> int | None: ...
    @property
    def score(self) -> float: ...
    @property
    def max_score(self) -> float: ...
    @property
    def items(self) -> Sequence[ItemLike]: ...


class ExerciseLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    def grade(self, answers: dict[str, Any], variant: int | str | None) -> ResultLike: ...


class Registry(Protocol):
    """Where exercises are looked up: the :mod:`microloan_sim.exercises` module, or a stand-in in tests."""

    def get(self, exercise_id: str) -> ExerciseLike: ...


def _default_registry() -> Registry:
    from .. import exercises

    return exercises


@dataclass(frozen=True)
class Submission:
    """What :meth:`Gradebook.record` stored: the row id, the attempt number and the receipt file.

    ``receipt_saved`` is false when the receipt could not be written (the row is stored all the same);
    ``repeated`` is true when the same answers were sent again at once and the first attempt is returned.
    """

    id: int
    learner_id: str
    exercise_id: str
    attempt: int
    score: float
    max_score: float
    receipt_path: Path
    receipt_saved: bool = True
    #: True when this was the same answers sent again at once (a double click): no new attempt was recorded.
    repeated: bool = False

    def confirmation(self) -> str:
        """Short Chinese note for the learner's form."""
        if self.repeated:
            return f"已记录（第 {self.attempt} 次提交；重复点击只记一次）"
        if not self.receipt_saved:
            return f"已记录（第 {self.attempt} 次提交；回执未能保存，请告诉讲师）"
        return f"已记录（第 {self.attempt} 次提交）"


@dataclass(frozen=True)
class Attempt:
    """One stored submission with manual scores applied; ``score`` is the total the learner is credited with.

    ``items`` are dicts with ``item_id label status points max_points hint given`` and, for manual items,
    ``manual_points`` (``None`` until scored), ``grader`` and ``note``.
    """

    submission_id: int
    learner_id: str
    exercise_id: str
    exercise_title: str
    variant: int | None
    auto_score: float
    manual_points: float
    max_score: float
    claimed_score: float | None
    submitted_at: datetime
    source: str
    items: tuple[dict[str, Any], ...]
    answers: dict[str, Any]
    receipt_id: str | None

    @property
    def score(self) -> float:
        return round(self.auto_score + self.manual_points, 2)

    @property
    def pending_manual(self) -> int:
        """Manual items not scored yet."""
        return sum(1 for item in self.items if item["status"] == "manual" and item.get("manual_points") is None)


def _item_dict(item: ItemLike) -> dict[str, Any]:
    return {"item_id": str(item.item_id), "label": str(item.label), "status": str(item.status),
            "points": float(item.points), "max_points": float(item.max_points), "hint": str(item.hint or ""),
            "given": _json_safe(item.given)}


def _attempt(row: Any, manual: dict[tuple[int, str], Any]) -> Attempt:
    items = []
    auto = float(row.score)
    extra = 0.0
    for stored in row._mapping["items"]:
        item = dict(stored)
        if item["status"] == "manual":
            auto -= float(item["points"])  # in case a grader ever pre-scores manual items
            scored = manual.get((row.id, item["item_id"]))
            item["manual_points"] = None if scored is None else float(scored.points)
            item["grader"] = None if scored is None else scored.grader
            item["note"] = "" if scored is None else scored.note
            item["points"] = 0.0 if scored is None else float(scored.points)
            extra += item["points"]
        items.append(item)
    return Attempt(
        submission_id=int(row.id), learner_id=row.learner_id, exercise_id=row.exercise_id,
        exercise_title=row.exercise_title, variant=None if row.variant is None else int(row.variant),
        auto_score=round(auto, 6), manual_points=round(extra, 6), max_score=float(row.max_score),
        claimed_score=None if row.claimed_score is None else float(row.claimed_score),
        submitted_at=_aware(row.submitted_at), source=row.source, items=tuple(items), answers=dict(row.answers),
        receipt_id=row.receipt_id)
