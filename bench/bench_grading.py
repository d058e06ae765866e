"""Grading throughput: 30 learners submit ex01 (grade + row + signed receipt), then the 30 receipts are imported
into a fresh gradebook (verify digest + re-grade + row), then the gradebook is exported.

Run: ``.venv/bin/python bench/bench_grading.py``
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import microloan_sim as ml  # noqa: E402
from _report import report  # noqa: E402
from microloan_sim.gradebook import Gradebook  # noqa: E402

LEARNERS = 30


def answers_for(learner: str, number: int) -> dict[str, str]:
    """Learner ``number`` gets the first ``number % 10 + 1`` items right and the next one off by 0.5 %."""
    key = ml.exercises.get("ex01").expected(learner)
    items = list(key.items())
    right = number % 10 + 1
    answers = {item: f"{value:.6f}" for item, value in items[:right]}
    if right < len(items):
        item, value = items[right]
        answers[item] = f"{value * 1.005:.6f}"
    return answers


def main() -> None:
    os.environ.setdefault("MICROLOAN_COURSE_KEY", "bench-course-key")
    exercise = ml.exercises.get("ex01")
    learners = [f"学员-{n:02d}" for n in range(LEARNERS)]
    answers = {learner: answers_for(learner, n) for n, learner in enumerate(learners)}
    exercise.grade(answers[learners[0]], learners[0])  # warm caches (canonical case, YAML) outside the timings
    rows = []

    def row(stage: str, count: int, seconds: float) -> None:
        rows.append({"stage": stage, "receipts": count, "seconds": seconds, "receipts_per_s": count / seconds})

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        for learner in learners:
            exercise.grade(answers[learner], learner)
        row("grade only (ex01, own variant)", LEARNERS, time.perf_counter() - start)

        with Gradebook(data_dir=Path(folder) / "class") as book:
            start = time.perf_counter()
            for learner in learners:
                book.submit(learner, "ex01", answers[learner])
            row("submit: grade + row + signed receipt", LEARNERS, time.perf_counter() - start)
            receipts = book.receipts_dir

        with Gradebook(data_dir=Path(folder) / "instructor") as other:
            start = time.perf_counter()
            summary = other.import_receipts([receipts])
            row("import: verify + re-grade + row", len(summary.imported), time.perf_counter() - start)
            assert len(summary.imported) == LEARNERS and not summary.rejected and not summary.changed
            start = time.perf_counter()
            other.export(Path(folder) / "gradebook.xlsx", "xlsx")
            row("export xlsx (3 sheets)", LEARNERS, time.perf_counter() - start)
            start = time.perf_counter()
            for learner in learners:
                other.learner_report_html(learner)
            row("HTML report per learner", LEARNERS, time.perf_counter() - start)
    report("grading", rows)


if __name__ == "__main__":
    main()
