"""Benchmark of the book playback (贷款组合逐月回放): 10,000 loans × 24 months, vectorised NumPy against a plain
Python loop over loans, side by side. Drawing the book (the random loans and shocks) is timed separately.

Prints a table and writes ``bench/results/performance.json``.

Run: ``python bench/bench_performance.py``
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import report  # noqa: E402

from microloan_sim.performance import book  # noqa: E402

SIZES = ((1_000, 24), (10_000, 24), (10_000, 36))
REPEATS = 5


def best(fn, repeats: int = REPEATS) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    book.profiles()  # the casebook profiles are computed once and cached (about a second)
    rows = []
    for n, months in SIZES:
        inputs, loans = book.draw_book(n, months, seed=2025)
        draw = best(lambda: book.draw_book(n, months, seed=2025))
        fast = best(lambda: book.play_book(inputs, loans))
        slow = best(lambda: book.play_book_loop(inputs, loans), repeats=1)
        a, b = book.play_book(inputs, loans), book.play_book_loop(inputs, loans)
        same = bool(np.allclose(a.balance, b.balance) and (a.dpd == b.dpd).all())
        rows.append({"loans": n, "months": months, "draw_s": draw, "vectorised_s": fast, "python_loop_s": slow,
                     "speed_up": slow / fast, "same_result": same, "par30_last_month": float(a.par(30).iloc[-1])})
    print(f"Book playback, vectorised best of {REPEATS}, loop once")
    report("performance", rows)


if __name__ == "__main__":
    main()
