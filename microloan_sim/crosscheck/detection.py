"""Detection sweeps over the casebook (instructors, tests and ``bench/bench_detection.py``): run
:func:`~microloan_sim.crosscheck.run_all` on cases and variants with and without their planted flaws, and
tell which planted flaw each method catches. These read the answer keys (``answer_key.yaml``)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .engine import run_all

if TYPE_CHECKING:
    from ..documents import Flaw


def detection_runs(case_id: str, variants: Iterable[int | None] = (None, *range(50)), *,
                   strict: bool = False) -> pd.DataFrame:
    """Every result of :func:`microloan_sim.crosscheck.run_all` for a case over variants, with and without flaws.

    One row per result: ``case``, ``variant`` (``-1`` for the canonical case), ``with_flaws``, ``method``,
    ``verdict`` (Chinese) and ``deviation``. ``strict`` turns every warning into an error (the test suite
    runs this in worker processes, outside pytest's warning filters). For instructors and the test suite.
    """
    import warnings

    from .. import casebook

    rows = []
    with warnings.catch_warnings():
        if strict:
            warnings.simplefilter("error")
        for seed in variants:
            case = casebook.load_case(case_id, variant=seed)
            for flawed in (True, False):
                for r in run_all(case, with_flaws=flawed):
                    rows.append((case_id, -1 if seed is None else int(seed), flawed, r.method, r.verdict.value,
                                 r.deviation))
    return pd.DataFrame(rows, columns=["case", "variant", "with_flaws", "method", "verdict", "deviation"])


def flaw_detection(runs: pd.DataFrame, flaws: Iterable[Flaw]) -> pd.DataFrame:
    """Per planted flaw and run: whether one of its ``detected_by`` methods said 矛盾 (or anything but 一致).

    ``runs`` is (part of) :func:`detection_runs` for one case. Columns: ``flaw``, ``variant``, ``contradiction``,
    ``flagged``.
    """
    flawed = runs[runs["with_flaws"]]
    rows = []
    for flaw in flaws:
        mine = flawed[flawed["method"].isin(flaw.detected_by)]
        by_variant = mine.groupby("variant")["verdict"]
        contra = by_variant.apply(lambda v: bool((v == "矛盾").any()))
        flagged = by_variant.apply(lambda v: bool((v != "一致").any()))
        for variant in sorted(flawed["variant"].unique()):
            rows.append((flaw.id, int(variant), bool(contra.get(variant, False)), bool(flagged.get(variant, False))))
    return pd.DataFrame(rows, columns=["flaw", "variant", "contradiction", "flagged"])


def detection_table(case_ids: Iterable[str] | None = None, variants: Iterable[int] = range(50), *,
                    processes: int = 1, runs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of runs (canonical + each variant) in which each method returns 矛盾, per case and method.

    Columns: ``case``, ``method``, ``flawed`` (share of runs with flaws where the method says 矛盾),
    ``flawed_flagged`` (share not 一致), ``clean`` (share of clean-control runs with 矛盾) and ``targets``
    (ids of the planted flaws that name this method in ``detected_by``). ``processes`` > 1 runs the cases in
    parallel; ``runs`` reuses the output of :func:`collect_runs`. For instructors and the test suite: it reads
    the answer keys.
    """
    from .. import casebook
    from ..documents import has_answer_key, load_answer_key

    ids = list(case_ids) if case_ids is not None else list(casebook.list_cases()["id"])
    if runs is None:
        runs = collect_runs(ids, (None, *variants), processes=processes)
    rows = []
    for case_id in ids:
        case = casebook.load_case(case_id)
        targets: dict[str, list[str]] = {}
        for flaw in (load_answer_key(case) if has_answer_key(case) else ()):
            for m in flaw.detected_by:
                targets.setdefault(m, []).append(flaw.id)
        mine = runs[runs["case"] == case_id]
        per_run = mine.assign(contra=mine["verdict"] == "矛盾", flagged=mine["verdict"] != "一致") \
            .groupby(["method", "with_flaws", "variant"])[["contra", "flagged"]].any().reset_index()
        for method_id, group in per_run.groupby("method", sort=False):
            flawed = group[group["with_flaws"]]
            clean = group[~group["with_flaws"]]
            rows.append({"case": case_id, "method": method_id,
                         "flawed": float(flawed["contra"].mean()) if len(flawed) else np.nan,
                         "flawed_flagged": float(flawed["flagged"].mean()) if len(flawed) else np.nan,
                         "clean": float(clean["contra"].mean()) if len(clean) else np.nan,
                         "targets": ",".join(targets.get(str(method_id), []))})
    return pd.DataFrame(rows, columns=["case", "method", "flawed", "flawed_flagged", "clean", "targets"])


def collect_runs(case_ids: Sequence[str], seeds: Sequence[int | None], *, processes: int = 1,
                 strict: bool = False) -> pd.DataFrame:
    """:func:`detection_runs` for several cases, in ``processes`` worker processes (spawned) when > 1."""
    if processes <= 1 or len(case_ids) <= 1:
        return pd.concat([detection_runs(c, seeds, strict=strict) for c in case_ids], ignore_index=True)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    work = partial(detection_runs, variants=tuple(seeds), strict=strict)
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(work, case_ids))
    return pd.concat(parts, ignore_index=True)
