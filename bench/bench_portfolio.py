"""Monte Carlo of a 分散经营 book: 10,000 scenarios × 5,000 loans, vectorised vs a plain Python loop.

Run: ``.venv/bin/python bench/bench_portfolio.py``

Three ways to draw the same Vasicek one-factor loss distribution (Basel other-retail ρ, PD 2%, LGD 50%,
1,000万 split into 5,000 loans):

* ``grouped`` — the engine's default: the defaults of each group of identical loans are one binomial draw
  given the scenario's common factor (exact; cost grows with the number of distinct loans, not loans);
* ``loans`` — the engine's loan-level vectorised path: one float32 uniform per loan and scenario, compared
  with the loan's conditional PD and summed by a matrix product, in chunks;
* ``python loop`` — the same loan-level algorithm written as plain Python loops (``random.random`` per loan).
  It is run on a reduced size (``LOOP_SCENARIOS`` scenarios × 5,000 loans) and scaled linearly to 10,000
  scenarios: its cost is exactly proportional to scenarios × loans. The scaling is stated in the table.

Each vectorised timing is the median of ``REPEATS`` runs, the loop's the median of ``LOOP_REPEATS``; the mean
loss shown for the loop is that of its last (reduced) run.
"""
from __future__ import annotations

import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from microloan_sim import portfolio  # noqa: E402
from _report import report  # noqa: E402

SCENARIOS, LOANS, LOOP_SCENARIOS, REPEATS, LOOP_REPEATS = 10_000, 5_000, 200, 5, 3
TOTAL, PD, LGD = 10_000_000.0, 0.02, 0.5


def python_loop(scenarios: int, n: int, pd: float, lgd: float, rho: float, seed: int = 0) -> list[float]:
    """Loan-level Vasicek Monte Carlo in plain Python: one common factor per scenario, one uniform per loan."""
    rng = random.Random(seed)
    nd = statistics.NormalDist()
    threshold = nd.inv_cdf(pd)
    exposure = TOTAL / n
    losses = []
    for _ in range(scenarios):
        z = rng.gauss(0.0, 1.0)
        p = nd.cdf((threshold - math.sqrt(rho) * z) / math.sqrt(1 - rho))
        loss = 0.0
        for _ in range(n):
            if rng.random() < p:
                loss += exposure * lgd
        losses.append(loss)
    return losses


def timed(method: str) -> tuple[float, portfolio.LossDistribution]:
    book = portfolio.equal_book(TOTAL, LOANS, PD, LGD)
    times, dist = [], None
    for repeat in range(REPEATS):
        start = time.perf_counter()
        dist = portfolio.simulate_losses(book, scenarios=SCENARIOS, seed=repeat, method=method)
        times.append(time.perf_counter() - start)
    assert dist is not None
    return statistics.median(times), dist


def main() -> None:
    rho = portfolio.basel_retail_correlation(PD)
    rows: list[dict[str, object]] = []
    grouped_s, grouped = timed("grouped")
    loans_s, loans = timed("loans")
    loop_times = []
    for repeat in range(LOOP_REPEATS):
        start = time.perf_counter()
        loop_losses = python_loop(LOOP_SCENARIOS, LOANS, PD, LGD, rho, seed=repeat)
        loop_times.append(time.perf_counter() - start)
    loop_measured = statistics.median(loop_times)
    loop_scaled = loop_measured * SCENARIOS / LOOP_SCENARIOS
    loop_mean = statistics.fmean(loop_losses)
    for name, seconds, measured_on, dist_mean in (
            ("grouped (engine default)", grouped_s, f"{SCENARIOS}x{LOANS}", grouped.mean),
            ("loans (loan-level vectorised)", loans_s, f"{SCENARIOS}x{LOANS}", loans.mean),
            ("python loop (scaled)", loop_scaled, f"{LOOP_SCENARIOS}x{LOANS}, x{SCENARIOS // LOOP_SCENARIOS}",
             loop_mean)):
        rows.append({"method": name, "seconds_for_10000x5000": seconds, "measured_on": measured_on,
                     "speed_up_vs_loop": loop_scaled / seconds, "mean_loss_yuan": dist_mean,
                     "expected_loss_yuan": grouped.expected_loss})
    report("portfolio", rows)


if __name__ == "__main__":
    main()
