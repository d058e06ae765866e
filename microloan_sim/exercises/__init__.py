"""Exercises: definitions (YAML content + an expected-answer function), grading and per-item feedback.

An exercise's content (items, points, tolerances, hints) lives in ``data/exercises/<id>.yaml``; the
expected answers for a learner's variant come from a Python function registered with :func:`expected_answers`.
Grading compares each answer with its expected value:

* ``correct``: within the item's absolute tolerance (e.g. 1 元) → full points;
* ``within_tolerance``: within its relative tolerance → ``partial_credit`` × points (示例参数);
* ``wrong``: a Chinese hint that points at the concept, not at the answer;
* ``missing``: left empty; ``manual``: free text scored by the instructor.

Variants and pools: every method takes a variant, an int seed or a learner id (hashed by
``casebook.seed_for``, the practice variant the dashboards show). The seed picks the borrower from the exercise's
case pool (``cases:`` in the YAML; ``cases[seed % len(cases)]``) and that borrower's variant. Graded attempts use
the exam variant, an int from :func:`microloan_sim.gradebook.exam_variant` (keyed with the course key, one rung
up), so this package never needs the key.

The package: ``core`` (specs, parsing, grading, registry) and one ``keys_*`` module per group of exercises.

Examples
--------
>>> import microloan_sim as ml
>>> ex = ml.exercises.get("ex01")
>>> key = ex.expected(variant="学员-01")
>>> result = ex.grade(key, variant="学员-01")
>>> result.score == result.max_score
True
>>> ex.grade({"debt_ratio": f"{key['debt_ratio']:.1%}"}, variant="学员-01").items[5].status
'correct'
>>> ex.grade({"equity": "一百万"}, variant="学员-01").items[4].status
'wrong'
"""
from __future__ import annotations

from . import keys_casework, keys_compliance, keys_marketing, keys_overview, keys_portfolio, keys_products  # noqa: F401  (register the keys)
from .core import (
    MAX_SHORT_CHARS, MAX_TEXT_CHARS, STATUS_LABELS, Briefing, Exercise, ExerciseSpec, GradeResult, ItemFeedback,
    ItemKind, ItemSpec, Status, all_exercises, check_answer_lengths, exercise_briefing, expected_answers, get,
    parse_answer,
)
from .keys_products import Consequence, _product_set, consequence

__all__ = [
    "MAX_SHORT_CHARS", "MAX_TEXT_CHARS", "STATUS_LABELS", "Briefing", "Consequence", "Exercise", "ExerciseSpec",
    "GradeResult", "ItemFeedback", "ItemKind", "ItemSpec", "Status", "all_exercises", "check_answer_lengths",
    "consequence", "exercise_briefing", "expected_answers", "get", "parse_answer",
]
