"""Detection table of the casebook (交叉验证): case × method → share of runs that say 矛盾.

Each case is run through ``crosscheck.run_all`` for the canonical case and variants 0–49, with the planted
flaws of its ``answer_key.yaml`` (``flawed``: share of runs where the method says 矛盾; ``flawed_flagged``:
share where it says anything but 一致) and as the clean control (``clean``: share of runs with a 矛盾, which
must be 0). ``targets`` lists the planted flaws that name the method in ``detected_by``. Also prints, per
flaw, the share of runs in which one of its methods said 矛盾, and the wall time. Writes
``bench/results/detection.json``. The answer keys are read: instructors only.

Run: ``python bench/bench_detection.py [variants]``
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _report import report  # noqa: E402

import microloan_sim as ml  # noqa: E402
from microloan_sim import crosscheck as cc  # noqa: E402
from microloan_sim import documents as dm  # noqa: E402


def main(variants: int = 50) -> None:
    ids = list(ml.casebook.list_cases()["id"])
    start = time.perf_counter()
    runs = cc.collect_runs(ids, (None, *range(variants)), processes=min(2, os.cpu_count() or 1))
    seconds = time.perf_counter() - start
    table = cc.detection_table(ids, range(variants), runs=runs)
    report("detection", [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
                         for row in table.to_dict("records")])
    print()
    for case_id in ids:
        flaws = dm.load_answer_key(ml.casebook.load_case(case_id))
        found = cc.flaw_detection(runs[runs["case"] == case_id], flaws)
        for flaw_id, rows in found.groupby("flaw", sort=False):
            print(f"{flaw_id}: 矛盾 in {rows['contradiction'].mean():.0%} of {len(rows)} runs")
    print(f"\n{len(runs):,} results from {len(ids) * (variants + 1) * 2} runs in {seconds:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
