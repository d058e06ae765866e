"""Time to load a case and build all three statements (canonical and learner variants).

Run: ``.venv/bin/python bench/bench_statements.py``
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import microloan_sim as ml  # noqa: E402
from _report import report  # noqa: E402


def build_all(case_id: str, variant: object) -> None:
    case = ml.casebook.load_case(case_id, variant=variant)
    ml.statements.balance_sheet(case).to_frame()
    ml.statements.income_statement(case, "accrual").to_frame()
    ml.statements.income_statement(case, "cash").to_frame()
    ml.statements.cash_flow(case).to_frame()
    ml.statements.equity_link(case)


def main() -> None:
    rows = []
    for case_id in ml.casebook.list_cases()["id"]:
        ml.casebook._load_canonical.cache_clear()
        start = time.perf_counter()
        build_all(case_id, None)
        cold = time.perf_counter() - start
        timings = []
        for seed in range(50):  # 50 different learners: every one a fresh variant (no statement cache hits)
            start = time.perf_counter()
            build_all(case_id, seed)
            timings.append(time.perf_counter() - start)
        rows.append({"case": case_id, "cold_load_and_statements_ms": cold * 1000,
                     "variant_median_ms": statistics.median(timings) * 1000,
                     "variant_p95_ms": sorted(timings)[int(0.95 * len(timings))] * 1000,
                     "learner_variants_per_s": len(timings) / sum(timings)})
    report("statements", rows)


if __name__ == "__main__":
    main()
