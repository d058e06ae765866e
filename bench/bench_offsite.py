"""Benchmark of the off-site analysis (非现场调查): statement size → seconds for ``offsite.analyse``.

Two inputs per size: the simulated statement as produced (``date`` as datetime64, ``amount`` as float), and
the same statement as text, as it comes out of a CSV (dates and amounts to be parsed). The target is
100,000 transactions in under a second. Prints a table and writes ``bench/results/offsite.json``.

Run: ``python bench/bench_offsite.py``
"""
from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from microloan_sim import offsite  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 200_000)
REPEATS = 5
RELATED = ("李建国", "王秀兰", "李德明")


def statement(rows: int) -> pd.DataFrame:
    """A simulated 12-month statement of about ``rows`` transactions (individual transfers fill it up)."""
    per_day = max((rows - 2_300) / 365, 0.0)  # the fixed flows of a year are about 2,300 transactions
    return offsite.simulate_transactions(12, seed=2025, monthly_sales=30.0 * rows, payments_per_day=per_day)


def best_of(frame: pd.DataFrame) -> float:
    offsite.analyse(frame, RELATED, borrower_name="王秀英")  # warm-up
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        offsite.analyse(frame, RELATED, borrower_name="王秀英")
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    results = []
    for target in SIZES:
        frame = statement(target)
        as_text = frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d %H:%M:%S"),
                               amount=frame["amount"].map("{:.2f}".format))
        typed, text = best_of(frame), best_of(as_text)
        results.append({"rows": len(frame), "seconds": typed, "transactions_per_second": len(frame) / typed,
                        "seconds_from_text": text, "transactions_per_second_from_text": len(frame) / text})

    print(f"offsite.analyse, best of {REPEATS} (Python {platform.python_version()}, pandas {pd.__version__})")
    print(f"{'rows':>9} {'seconds':>9} {'tx/s':>12} {'s (text)':>9} {'tx/s (text)':>12}")
    for r in results:
        print(f"{r['rows']:>9,} {r['seconds']:>9.3f} {r['transactions_per_second']:>12,.0f} "
              f"{r['seconds_from_text']:>9.3f} {r['transactions_per_second_from_text']:>12,.0f}")

    out = Path(__file__).resolve().parent / "results" / "offsite.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "benchmark": "offsite.analyse", "repeats": REPEATS, "python": platform.python_version(),
        "pandas": pd.__version__, "machine": platform.machine(), "results": results,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
