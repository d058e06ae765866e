"""30 learners submitting at once: 30 separate processes (as 30 Voila kernels are) writing one SQLite file,
or one PostgreSQL database (a private server, see tests/postgres_support.py).

Every process opens the gradebook at the same moment (racing to create the schema and the course key), waits
at a barrier, then submits several attempts as fast as it can. Afterwards every attempt must be in the
database exactly once, every receipt must be on disk and verify with the one course key, and the file must
pass SQLite's integrity check. The second run makes SQLite give up on a lock after 1 ms, so the
"database is locked" retry path carries the load. The third run is the same against PostgreSQL, where
attempts race on row inserts and the schema is created by 30 processes at once. The figures are printed;
wall time is never asserted.
"""
from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from microloan_sim.gradebook import Gradebook

from .test_gradebook import FakeRegistry

PROCESSES = 30
ATTEMPTS = 5


def submit_many(data_dir: str, learner: str, attempts: int, busy_timeout_ms: int, barrier: Any,
                results: Any, url: str | None = None) -> None:
    """One learner's kernel: open the gradebook, wait for everybody, submit ``attempts`` times."""
    try:
        book = Gradebook(url, data_dir=data_dir, registry=FakeRegistry(), busy_timeout_ms=busy_timeout_ms)
        barrier.wait(timeout=300)
        began = time.time()
        ids = [book.submit(learner, "fx01", {"a": float(n), "b": "甲" if n % 2 else "乙"}).id
               for n in range(attempts)]
        results.put((learner, ids, book.lock_retries, (began, time.time()), ""))
        book.close()
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put((learner, [], 0, (0.0, 0.0), f"{type(exc).__name__}: {exc}"))


@pytest.mark.slow
@pytest.mark.parametrize(("backend", "busy_timeout_ms"), [("sqlite", 30_000), ("sqlite", 1), ("postgresql", 30_000)])
def test_thirty_processes_lose_no_submission(tmp_path: Path, backend: str, busy_timeout_ms: int,
                                            request: pytest.FixtureRequest,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    # more attempts per learner than the default grading policy allows (3): the instructor's override
    (tmp_path / "grading_policy.yaml").write_text(f"default:\n  attempts: {ATTEMPTS}\n", encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    learners = [f"学员-{n:02d}" for n in range(PROCESSES)]
    workers = [context.Process(target=submit_many,
                               args=(str(tmp_path), learner, ATTEMPTS, busy_timeout_ms, barrier, results, url))
               for learner in learners]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    seconds = time.perf_counter() - start

    errors = [error for *_, error in reports if error]
    assert not errors, errors
    assert all(worker.exitcode == 0 for worker in workers)
    returned = {learner: ids for learner, ids, *_ in reports}
    retries = sum(report[2] for report in reports)
    submit_phase = max(report[3][1] for report in reports) - min(report[3][0] for report in reports)

    engine = sqlalchemy.create_engine(url or f"sqlite:///{tmp_path / 'gradebook.sqlite'}")
    try:
        with engine.connect() as connection:
            rows = [(id_, learner, (json.loads(answers) if isinstance(answers, str) else answers)["a"])
                    for id_, learner, answers in connection.exec_driver_sql(
                        "SELECT id, learner_id, answers FROM submissions")]
            if backend == "sqlite":
                integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
                mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
                assert (integrity, mode) == ("ok", "wal")
            else:
                assert connection.dialect.name == "postgresql"
    finally:
        engine.dispose()
    expected = {(learner, float(n)) for learner in learners for n in range(ATTEMPTS)}
    found = {(learner, a) for _, learner, a in rows}
    assert len(rows) == PROCESSES * ATTEMPTS and found == expected
    assert sorted(row[0] for row in rows) == sorted(i for ids in returned.values() for i in ids)
    receipts = sorted((tmp_path / "receipts").rglob("*.json"))
    assert len(receipts) == PROCESSES * ATTEMPTS

    with Gradebook(url, data_dir=tmp_path, registry=FakeRegistry()) as book:
        # every receipt verifies with the one course key the racing processes agreed on, and none is new
        summary = book.import_receipts([tmp_path / "receipts"])
        assert (len(summary.imported), len(summary.rejected), len(summary.duplicates)) == (0, 0, len(receipts))
        overview = book.overview()
        assert list(overview["attempts"]) == [ATTEMPTS] * PROCESSES
        for learner in learners:  # attempts numbered 1..n per learner, in order
            assert [a.answers["a"] for a in book.learner_attempts(learner)] == [float(n) for n in range(ATTEMPTS)]

    with capsys.disabled():
        print(f"\n[gradebook concurrency] {backend}, busy_timeout={busy_timeout_ms} ms: {PROCESSES} processes, "
              f"{PROCESSES * ATTEMPTS} submissions, {len(rows)} rows found, {len(receipts)} receipts, "
              f"{retries} locked-retries; all submissions written in {submit_phase:.2f} s "
              f"({seconds:.1f} s including starting 30 Python processes)")
