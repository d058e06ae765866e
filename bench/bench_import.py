"""Importing 10,000 receipts, then the same 10,000 again (all duplicates), re-opening, exporting.

Issue 11 measured 583 s for re-importing 10,080 receipts that were already in the gradebook, because each was
re-graded before the duplicate check. Now a duplicate costs a read, a digest check and a set lookup. The
receipts are ex01 attempts of 40 learners (250 each, every one with different answers), signed with the
course key as the dashboard signs them; the first import re-grades every one of them. They sit in the class's
own receipts folder, so re-opening the gradebook (quick_check + the scan for receipts without rows) is timed too.

Run: ``.venv/bin/python bench/bench_import.py [N]`` (N receipts, default 10,000).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import microloan_sim as ml  # noqa: E402
from _report import report  # noqa: E402
from microloan_sim.gradebook import Gradebook  # noqa: E402
from microloan_sim.gradebook._common import _now  # noqa: E402
from microloan_sim.gradebook.exam import exam_variant  # noqa: E402
from microloan_sim.gradebook.receipts import _new_receipt, _receipt_path  # noqa: E402

LEARNERS = 40


def write_receipts(folder: Path, count: int, key: bytes) -> None:
    """``count`` signed ex01 receipts: learner n's attempt k has k items right and one number off."""
    exercise = ml.exercises.get("ex01")
    learners = [f"学员-{n:02d}" for n in range(LEARNERS)]
    variants = {learner: exam_variant("ex01", learner, key) for learner in learners}  # as the form grades them
    keys = {learner: list(exercise.expected(variants[learner]).items()) for learner in learners}
    start = _now() - timedelta(days=1)
    for number in range(count):
        learner = learners[number % LEARNERS]
        items = keys[learner]
        right = number // LEARNERS % len(items)
        answers = {item: f"{value:.2f}" for item, value in items[:right]}
        answers[items[right][0]] = f"{items[right][1] * 1.5 + number:.2f}"  # wrong, and unique per attempt
        result = exercise.grade(answers, variants[learner]) if number < LEARNERS else None
        receipt = _new_receipt(learner, result or _Claimed(variants[learner], exercise), answers,
                               start + timedelta(seconds=number), key)
        path = _receipt_path(folder, receipt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(receipt, ensure_ascii=False), encoding="utf-8")


class _Claimed:
    """What a dashboard claims (the import re-grades anyway): the learner's exam variant, a score of 0."""

    def __init__(self, variant: int, exercise: ml.exercises.Exercise) -> None:
        self.exercise_id = exercise.id
        self.variant = variant
        self.score = 0.0
        self.max_score = sum(item.points for item in exercise.items)
        self.items: list[object] = []


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ["MICROLOAN_COURSE_KEY"] = "bench-course-key"
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        start = time.perf_counter()
        incoming = folder / "class" / "receipts"
        write_receipts(incoming, count, b"bench-course-key")
        print(f"wrote {count} receipts in {time.perf_counter() - start:.1f} s", flush=True)
        with Gradebook(data_dir=folder / "class", recover=False) as book:
            timings = {}
            for stage in ("first import (re-grade every receipt)", "same receipts again (all duplicates)"):
                start = time.perf_counter()
                summary = book.import_receipts([incoming])
                seconds = time.perf_counter() - start
                timings[stage] = seconds
                rows.append({"stage": stage, "receipts": count, "imported": len(summary.imported),
                             "duplicates": len(summary.duplicates), "rejected": len(summary.rejected),
                             "seconds": seconds, "receipts_per_s": count / seconds})
                print(f"{stage}: {seconds:.1f} s", flush=True)
        start = time.perf_counter()
        with Gradebook(data_dir=folder / "class") as book:  # quick_check, then the receipts folder scan
            seconds = time.perf_counter() - start
            assert book.recovered is not None and not book.recovered.imported
            rows.append({"stage": "re-open: quick_check + scan for receipts without rows", "receipts": count,
                         "imported": 0, "duplicates": 0, "rejected": 0, "seconds": seconds,
                         "receipts_per_s": count / seconds})
            for kind in ("csv", "xlsx"):
                start = time.perf_counter()
                book.export(folder / f"gradebook.{kind}", kind)
                seconds = time.perf_counter() - start
                rows.append({"stage": f"export {kind} ({LEARNERS} learners, {count} attempts)", "receipts": count,
                             "imported": 0, "duplicates": 0, "rejected": 0, "seconds": seconds,
                             "receipts_per_s": count / seconds})
    report("import", rows)
    first, again = timings.values()
    print(f"\nfirst import {first:.1f} s | duplicates {again:.1f} s | {first / again:.0f}× faster")


if __name__ == "__main__":
    main()
