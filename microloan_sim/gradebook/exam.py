"""The exam variant: the seed a learner is graded on, keyed with the course key so no dashboard reproduces it.

The course dashboards take a learner id in their 学员编号 box and show the *practice* variant,
``casebook.seed_for(id)`` (a plain SHA-256 of the id, so anyone can compute it). A graded exercise uses the
*exam* variant instead: HMAC-SHA256 of ``"<exercise id>|<normalised learner id>"`` under the course key
(:func:`~microloan_sim.gradebook.config.course_key`), read as a non-negative int. Without the key a learner cannot
compute it, and it differs per exercise, so the numbers a dashboard shows for a typed id are another variant
of the same story, never the graded one.

The seed also picks the borrower from the exercise's case pool (``seed % pool size``, see
:meth:`microloan_sim.exercises.Exercise.case`). When the learner id ends in digits (学员07, 2025-班1-08) the pool
index is ``(that number + an offset derived from the key) mod pool size``, so neighbours in a class list get
neighbouring cases and never share a borrower; otherwise the HMAC picks.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from ._common import _check_learner_id
from .config import course_key

#: Seeds stay below this (they are stored in receipts and database rows as plain integers).
SEED_LIMIT = 2 ** 32
_TRAILING_NUMBER = re.compile(r"(\d+)$")


def _digest(key: bytes, message: str) -> int:
    return int.from_bytes(hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()[:4], "big")


def _pool_size(exercise_id: str) -> int:
    from .. import exercises
    from ..errors import InputError

    try:
        return exercises.get(exercise_id).pool_size
    except InputError:  # an exercise of another registry (tests): a pool of one
        return 1


def exam_variant(exercise_id: str, learner_id: str, key: bytes | None = None, *, pool_size: int | None = None) -> int:
    """The seed of a learner's graded variant of an exercise (a non-negative int below :data:`SEED_LIMIT`).

    Parameters
    ----------
    exercise_id, learner_id : str
        The learner id is normalised first (full-width digits, spaces), as everywhere else.
    key : bytes, optional
        The course key; default :func:`~microloan_sim.gradebook.config.course_key` (environment, else the key
        file in the data directory, created on first use, so self-study offline works too).
    pool_size : int, optional
        Cases in the exercise's pool; default: looked up in :mod:`microloan_sim.exercises` (1 if unknown).

    Examples
    --------
    >>> from microloan_sim.casebook import seed_for
    >>> seed = exam_variant("ex01", "学员07", b"course-key")
    >>> seed == exam_variant("ex01", " 学员０７ ", b"course-key"), seed == seed_for("学员07")
    (True, False)
    >>> seed != exam_variant("ex02", "学员07", b"course-key") and seed != exam_variant("ex01", "学员07", b"other")
    True
    >>> [exam_variant("ex01", f"学员{n:02d}", b"course-key") % 4 for n in range(7, 12)]  # neighbours: next case
    [3, 0, 1, 2, 3]
    """
    who = _check_learner_id(learner_id)
    exercise = str(exercise_id).strip()
    secret = course_key() if key is None else key
    size = _pool_size(exercise) if pool_size is None else int(pool_size)
    size = max(size, 1)
    drawn = _digest(secret, f"{exercise}|{who}")
    number = _TRAILING_NUMBER.search(who)
    if number is None:
        index = drawn % size
    else:
        offset = _digest(secret, f"{exercise}|pool-offset")
        index = (int(number.group(1)) + offset) % size
    seed = drawn - drawn % size + index
    return seed if seed < SEED_LIMIT else seed - size


def is_exam_variant(variant: object, exercise_id: str, learner_id: str, key: bytes | None = None, *,
                    pool_size: int | None = None) -> bool:
    """Whether ``variant`` is the exam variant of this learner and exercise under the key (receipt import).

    Examples
    --------
    >>> is_exam_variant(exam_variant("ex01", "学员07", b"k"), "ex01", "学员07", b"k")
    True
    >>> is_exam_variant(exam_variant("ex01", "学员07", b"k"), "ex01", "学员08", b"k")
    False
    """
    if isinstance(variant, bool) or not isinstance(variant, int):
        return False
    return variant == exam_variant(exercise_id, learner_id, key, pool_size=pool_size)
