"""Officer-days spent on marketing strategies in the county, the funnel they yield and the book they make.

Strategies (``data/marketing.yaml``, 示例参数):

* ``sweep`` 扫街: scattered visits across the whole county; contacts spread over every cell in proportion to
  its clients; no set-up, low conversion, the least known borrowers (higher shock rate);
* ``grid`` 网格化: 定格定员定岗定责 (domain-parts §5.1, the 路桥/苍南 pattern): the officer takes grid cells
  one by one, richest first; each costs ``setup_days`` to divide and survey (摸底建档), then every client in
  it is visited (精耕细作) before the next cell;
* ``market`` 批量营销（商圈）: one-to-many in the market (C09-like stalls) after a set-up;
* ``chain`` 产业链（供应链）: the 核心企业's upstream suppliers (C08-like), 围点打援;
* ``village`` 整村授信: villages of 200 households one by one; every household is rated with the farmer
  scorecard (``data/scorecards/farmer.yaml``) and those at ``min_grade`` or better get a line; a share draws it.

:func:`simulate_plan` turns days per strategy into the funnel, cost, cost per loan, coverage, concentration
(HHI by source of risk) and the book played forward on the performance engine (PAR30 at month 12). The
围点打援 shock (:func:`core_delay`) makes the 核心企业 pay its suppliers 60 days late.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import performance, rating
from ..rating.credit_line import farmer_line
from ..errors import InputError, require_number
from ._params import KINDS, STRATEGIES, CoreShock, MarketingParameters, parameters
from .county import County, check_seed, funnel, hhi, make_county, split

MAX_DAYS = 5_000
CORE_GROUP = "核心企业上下游"
MARKET_GROUP = "商圈"


@dataclass(frozen=True)
class Reach:
    """Contacts of one strategy: a table (group, kind, reached, applied, approved, disbursed) and days used."""

    strategy: str
    days: float
    days_used: float
    units: int
    table: pd.DataFrame


def _group(cell: pd.Series, kind: str) -> str:
    if kind == "supplier":
        return CORE_GROUP
    if kind == "stall":
        return MARKET_GROUP
    return str(cell["label"])


def _rows(strategy: str, reached: Mapping[tuple[str, str], int], p: MarketingParameters) -> list[dict[str, Any]]:
    s = p.strategies[strategy]
    rows = []
    for (group, kind), n in reached.items():
        if n <= 0:
            continue
        r, a, b, d = funnel(n, s.apply_rate, s.approve_rate, s.draw_rate)
        rows.append({"group": group, "kind": kind, "reached": r, "applied": a, "approved": b, "disbursed": d})
    return rows


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["group", "kind", "reached", "applied", "approved", "disbursed"]
    return pd.DataFrame(rows, columns=columns).astype({c: int for c in columns[2:]})


def _sweep(county: County, days: float, p: MarketingParameters) -> Reach:
    s = p.strategies["sweep"]
    cells = county.cells
    counts = cells[s.kinds].to_numpy(dtype=int)
    pairs = {(int(i), k): int(counts[n, j]) for n, i in enumerate(cells.index) for j, k in enumerate(s.kinds)
             if counts[n, j] > 0}
    population = sum(pairs.values())
    target = min(math.floor(days * s.reach_per_day + 1e-9), population)
    shares = split(target, {f"{i}|{k}": n for (i, k), n in pairs.items()}) if target > 0 else {}
    reached: dict[tuple[str, str], int] = {}
    for key, n in shares.items():
        i, k = key.split("|")
        group = _group(cells.loc[int(i)], k)
        reached[(group, k)] = reached.get((group, k), 0) + n
    used = target / s.reach_per_day
    return Reach("sweep", days, used, 0, _table(_rows("sweep", reached, p)))


def _units(county: County, strategy: str, p: MarketingParameters) -> list[pd.Series]:
    cells = county.cells
    kinds = STRATEGY_UNITS[strategy]
    if strategy == "market":
        return [county.cell("market")]
    if strategy == "chain":
        return [county.cell("cluster")]
    chosen = cells[cells["type"].isin(kinds)].copy()
    s_kinds = p.strategies[strategy].kinds
    chosen["eligible"] = chosen[s_kinds].sum(axis=1)
    chosen = chosen.sort_values(["eligible", "cell"], ascending=[False, True], kind="stable")
    return [row for _, row in chosen.iterrows()]


STRATEGY_UNITS = {"grid": ("village", "town"), "village": ("village",), "market": ("market",), "chain": ("cluster",)}


def _by_units(county: County, strategy: str, days: float, p: MarketingParameters) -> Reach:
    s = p.strategies[strategy]
    left = float(days)
    reached: dict[tuple[str, str], int] = {}
    units = 0
    village_rows: list[dict[str, Any]] = []
    for cell in _units(county, strategy, p):
        if left < s.setup_days or left <= 0:
            break
        left -= s.setup_days
        units += 1
        eligible = {k: int(cell[k]) for k in s.kinds if int(cell[k]) > 0}
        total = sum(eligible.values())
        can = min(total, math.floor(left * s.reach_per_day + 1e-9))
        left -= can / s.reach_per_day
        if strategy == "village":
            village_rows.extend(_village_rows(county.seed, cell, eligible, can, p))
        else:
            for k, n in split(can, eligible).items():
                reached[(_group(cell, k), k)] = reached.get((_group(cell, k), k), 0) + n
        if can < total:
            break
    rows = village_rows if strategy == "village" else _rows(strategy, reached, p)
    return Reach(strategy, days, days - left, units, _table(rows))


@lru_cache(maxsize=256)
def village_households(seed: int, cell: int) -> pd.DataFrame:
    """The households of one village with the farmer scorecard's inputs, score, grade and credit line (seeded).

    Examples
    --------
    >>> v = village_households(0, 5)
    >>> len(v), bool(v["score"].between(0, 100).all())
    (200, True)
    """
    p = parameters()
    vr = p.village_rating
    n = p.county.village_households
    rng = np.random.default_rng([seed, cell, 60])
    people = rng.integers(vr.people[0], vr.people[1] + 1, n)
    income_pc = rng.uniform(*vr.income_per_capita, n)
    overdue = rng.random(n) < vr.overdue_probability
    times = np.where(overdue, rng.integers(1, 4, n), 0)
    rep_names = list(vr.reputation)
    rep_p = np.array([vr.reputation[k] for k in rep_names], dtype=float)
    net_assets = rng.uniform(*vr.net_assets, n)
    disposable = income_pc * people * 0.45
    frame = pd.DataFrame({
        "credit.overdue_times_24m": times,
        "credit.max_overdue_days": np.where(overdue, rng.integers(5, 120, n), 0),
        "credit.current_overdue": np.where(overdue & (rng.random(n) < 0.2), "是", "否"),
        "credit.years_with_bank": rng.integers(0, 11, n),
        "derived.net_income_per_capita": income_pc,
        "ratio.debt_ratio": rng.uniform(*vr.debt_ratio, n),
        "derived.disposable_to_request": disposable / 50_000,
        "derived.net_assets": net_assets,
        "borrower.years_in_business": rng.integers(0, 30, n),
        "household.labourers": rng.integers(1, 4, n),
        "soft_information.reputation": rng.choice(rep_names, n, p=rep_p / rep_p.sum()),
        "soft_information.family_stability": rng.choice(["好", "一般", "差"], n, p=[0.7, 0.25, 0.05]),
        "soft_information.local_residence_years": rng.integers(1, 50, n),
        "derived.guarantee_type": rng.choice(["无", "保证人", "农业设施", "房产"], n, p=[0.4, 0.35, 0.15, 0.1]),
    })
    card = rating.load_scorecard("farmer")
    scores = rating.score_frame(card, frame)
    grades = [card.grade_for(x).grade for x in scores]
    lines = [float(farmer_line(d, a, g)) if g != "C" else 0.0
             for d, a, g in zip(disposable, net_assets, grades)]
    return frame.assign(score=scores, grade=grades, line=lines, annual_disposable=disposable)


def _village_rows(seed: int, cell: pd.Series, eligible: dict[str, int], can: int,
                  p: MarketingParameters) -> list[dict[str, Any]]:
    """整村授信 in one village: the first ``can`` households are visited (户户到), a share agree to be rated
    (applied), those rated ``min_grade`` or better get a line (approved), a share draw it (disbursed)."""
    s = p.strategies["village"]
    card = rating.load_scorecard("farmer")
    order = [g.grade for g in sorted(card.grades, key=lambda g: -g.min)]
    if p.village_rating.min_grade not in order:
        raise InputError(f"评分卡中没有“{p.village_rating.min_grade}”这个等级", field="整村授信最低等级")
    passing = set(order[: order.index(p.village_rating.min_grade) + 1])
    homes = village_households(seed, int(cell["cell"]))
    kinds = np.repeat(list(eligible), list(eligible.values()))[: len(homes)]
    visited = homes.iloc[: min(can, len(kinds))].assign(kind=kinds[: min(can, len(kinds))])
    rows = []
    for k in eligible:
        members = visited[visited["kind"] == k]
        if members.empty:
            continue
        applied = int(np.floor(len(members) * s.apply_rate + 0.5 + 1e-9))
        approved = int(members["grade"].iloc[:applied].isin(passing).sum())
        disbursed = int(np.floor(approved * s.draw_rate + 0.5 + 1e-9))
        rows.append({"group": str(cell["label"]), "kind": k, "reached": len(members), "applied": applied,
                     "approved": approved, "disbursed": disbursed})
    return rows


def village_credit(seed: int, cell: int, min_grade: str | None = None,
                   params: MarketingParameters | None = None) -> dict[str, Any]:
    """整村授信 in one village: households by grade, how many get a line at ``min_grade`` or better, the lines'
    total, and whether the village qualifies as a 信用村 (share of households rated A or better, 示例参数).

    Examples
    --------
    >>> v = village_credit(0, int(make_county(0).cells.query("type == 'village'")["cell"].iloc[0]))
    >>> sum(v["by_grade"].values()) == 200 and v["approved"] <= 200
    True
    >>> v["line_total"] > 0
    True
    """
    p = params or parameters()
    county = make_county(check_seed(seed), p)
    villages = county.cells[county.cells["type"] == "village"]
    if int(cell) not in set(villages["cell"]):
        raise InputError("这个网格不是村", field="村")
    card = rating.load_scorecard("farmer")
    order = [g.grade for g in sorted(card.grades, key=lambda g: -g.min)]
    grade = p.village_rating.min_grade if min_grade is None else str(min_grade)
    if grade not in order:
        raise InputError(f"没有“{grade}”这个等级（可选：{'、'.join(order)}）", field="最低授信等级")
    homes = village_households(county.seed, int(cell))
    passing = homes["grade"].isin(order[: order.index(grade) + 1])
    good = homes["grade"].isin(order[: order.index("A") + 1]).mean() if "A" in order else 0.0
    return {"label": str(villages.set_index("cell").at[int(cell), "label"]), "households": len(homes),
            "by_grade": {g: int((homes["grade"] == g).sum()) for g in order}, "approved": int(passing.sum()),
            "line_total": float(homes.loc[passing, "line"].sum()), "good_share": float(good),
            "credit_village": bool(good >= p.village_rating.credit_village_share)}


def reach(county: County, strategy: str, days: float, params: MarketingParameters | None = None) -> Reach:
    """What ``days`` officer-days of ``strategy`` reach in ``county`` (funnel by group and kind).

    Examples
    --------
    >>> r = reach(make_county(0), "chain", 10)       # the set-up alone: no supplier visited yet
    >>> r.units, int(r.table["reached"].sum())
    (1, 0)
    >>> int(reach(make_county(0), "chain", 12).table["reached"].sum())     # 2 days × 12 a day
    24
    """
    p = params or parameters()
    if strategy not in STRATEGIES:
        raise InputError(f"没有“{strategy}”这种营销方式（可选：{'、'.join(p.strategies[k].label for k in STRATEGIES)}）",
                         field="营销方式")
    d = require_number(days, f"{p.strategies[strategy].label}天数", minimum=0, maximum=MAX_DAYS)
    if strategy == "sweep":
        return _sweep(county, d, p)
    return _by_units(county, strategy, d, p)


def check_plan(plan: Mapping[str, Any], params: MarketingParameters | None = None) -> dict[str, float]:
    """Officer-days per strategy, checked (Chinese messages name the strategy); unknown keys are refused."""
    p = params or parameters()
    out = {}
    for key, value in plan.items():
        if key not in STRATEGIES:
            raise InputError(f"没有“{key}”这种营销方式", field="营销方式")
        out[key] = require_number(value, f"{p.strategies[key].label}天数", minimum=0, maximum=MAX_DAYS)
    if sum(out.values()) <= 0:
        raise InputError("至少给一种营销方式安排工作日", field="客户经理工作日")
    return out


def core_delay(inputs: performance.BookInputs, suppliers: np.ndarray, shock: CoreShock,
               shares: np.ndarray | None = None) -> performance.BookInputs:
    """围点打援 shock: for ``duration_months`` from ``start_month`` the 核心企业 pays its suppliers' sales
    ``delay_days`` late; each supplier sells ``shares`` (per loan; default the middle of ``core_share``) of its
    sales to it and passes ``pass_through`` of the gap on to its own suppliers (paying them late too). The
    money arrives later, nothing is lost (within the horizon).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> inp = SimpleNamespace(income=np.array([[10.0] * 6]), inflow=np.array([[100.0] * 6]))
    >>> s = CoreShock(delay_days=60, start_month=2, duration_months=2, core_share=(0.5, 0.5), pass_through=0)
    >>> out = core_delay(inp, np.array([True]), s)        # months 2–3 lose 50, months 4–5 get it back
    >>> out.income.tolist()
    [[10.0, -40.0, -40.0, 60.0, 60.0, 10.0]]
    """
    share = np.full(len(suppliers), sum(shock.core_share) / 2) if shares is None else np.asarray(shares, dtype=float)
    t = inputs.income.shape[1]
    lag = int(round(shock.delay_days / 30))
    window = np.zeros(t, dtype=bool)
    window[shock.start_month - 1: shock.start_month - 1 + shock.duration_months] = True
    moved = np.where(suppliers[:, None] & window[None, :], share[:, None] * inputs.inflow, 0.0)
    moved = moved * (1 - shock.pass_through)
    back = np.zeros_like(moved)
    if lag < t:
        back[:, lag:] = moved[:, : t - lag]
    income = inputs.income - moved + back
    inflow = np.maximum(inputs.inflow - moved + back, 0.0)
    if isinstance(inputs, performance.BookInputs):
        return replace(inputs, income=income, inflow=inflow)
    return type(inputs)(**{**vars(inputs), "income": income, "inflow": inflow})


def _concat(parts: list[performance.BookInputs]) -> performance.BookInputs:
    values: dict[str, Any] = {}
    for f in fields(performance.BookInputs):
        items = [getattr(x, f.name) for x in parts]
        values[f.name] = items[0] if f.name == "annual_rate" else np.concatenate(items, axis=0)
    return performance.BookInputs(**values)


@dataclass(frozen=True)
class PlanResult:
    """A marketing plan's outcome: per-strategy rows (``table``), totals, the loans with their source of risk,
    and the book played forward (``book``; ``shocked`` under the 围点打援 shock when asked)."""

    county: County
    table: pd.DataFrame
    reaches: dict[str, Reach]
    loans: pd.DataFrame
    book: performance.BookResult | None
    shocked: performance.BookResult | None
    totals: dict[str, float]


def _book(reaches: dict[str, Reach], county: County, shock: bool,
          p: MarketingParameters) -> tuple[pd.DataFrame, performance.BookResult | None, performance.BookResult | None]:
    perf = performance.load_parameters()
    bp = perf.book.model_copy(update={"disbursement_months": min(p.disbursement_months, p.months)})
    parts, tables = [], []
    for si, key in enumerate(STRATEGIES):
        if key not in reaches:
            continue
        table = reaches[key].table
        for ki, kind in enumerate(KINDS):
            rows = table[(table["kind"] == kind) & (table["disbursed"] > 0)]
            n = int(rows["disbursed"].sum())
            if n == 0:
                continue
            inputs, loans = performance.draw_book(
                n, p.months, seed=county.seed * 1_000 + si * 10 + ki, params=bp,
                case_mix=p.kinds[kind].cases, shock_rate=min(bp.shock_rate * p.strategies[key].shock_factor, 1.0))
            loans = loans.assign(strategy=key, kind=kind,
                                 group=np.repeat(rows["group"].to_numpy(), rows["disbursed"].to_numpy()))
            parts.append(inputs)
            tables.append(loans)
    if not parts:
        return pd.DataFrame(columns=["strategy", "kind", "group", "principal"]), None, None
    inputs = _concat(parts)
    loans = pd.concat(tables, ignore_index=True)
    days = perf.playback.days_per_period
    book = performance.play_book(inputs, loans, days)
    shocked = None
    if shock:
        suppliers = (loans["kind"] == "supplier").to_numpy()
        shares = np.random.default_rng([county.seed, 61]).uniform(*p.core_shock.core_share, len(loans))
        shocked = performance.play_book(core_delay(inputs, suppliers, p.core_shock, shares), loans, days)
    return loans, book, shocked


def simulate_plan(plan: Mapping[str, Any], seed: int = 0, *, shock: bool = False,
                  params: MarketingParameters | None = None) -> PlanResult:
    """Spend officer-days on strategies in the county of ``seed``; the funnel, costs, coverage, HHI and PAR.

    Parameters
    ----------
    plan : mapping
        Officer-days per strategy: ``{"grid": 120, "chain": 40}`` (keys ``sweep``, ``grid``, ``market``,
        ``chain``, ``village``).
    seed : int
        The county (the same seed gives the same county and the same book).
    shock : bool
        Also play the book with the 围点打援 shock (the 核心企业 pays its suppliers 60 days late).

    Examples
    --------
    >>> r = simulate_plan({"grid": 60}, seed=1)
    >>> t = r.totals
    >>> t["reached"] >= t["applied"] >= t["approved"] >= t["disbursed"] > 0
    True
    >>> t["cost"] == t["days_used"] * 800 + r.reaches["grid"].units * 300     # officer-days + set-up cash
    True
    >>> simulate_plan({"grid": -5})
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 网格化天数：不能小于 0（当前为 -5）
    """
    p = params or parameters()
    days = check_plan(plan, p)
    county = make_county(check_seed(seed), p)
    reaches = {k: reach(county, k, d, p) for k, d in days.items() if d > 0}
    rows = []
    for key, r in reaches.items():
        s = p.strategies[key]
        sums = r.table[["reached", "applied", "approved", "disbursed"]].sum()
        cost = r.days_used * p.cost_per_officer_day + r.units * s.setup_cost
        rows.append({"strategy": key, "label": s.label, "days": r.days, "days_used": r.days_used,
                     **{c: int(sums[c]) for c in sums.index}, "cost": cost})
    table = pd.DataFrame(rows)
    table["cost_per_loan"] = table["cost"] / table["disbursed"].where(table["disbursed"] > 0)
    loans, book, shocked = _book(reaches, county, shock, p)
    total = {c: float(table[c].sum()) for c in ("days", "days_used", "reached", "applied", "approved", "disbursed",
                                                 "cost")}
    total["cost_per_loan"] = total["cost"] / total["disbursed"] if total["disbursed"] > 0 else math.nan
    total["coverage"] = total["reached"] / county.population
    total["credit_coverage"] = total["approved"] / county.population
    total["amount"] = float(loans["principal"].sum()) if len(loans) else 0.0
    total["hhi"] = hhi(loans.groupby("group")["principal"].sum()) if total["amount"] > 0 else math.nan
    total["par30"] = float(book.par(30).iloc[-1]) if book is not None else math.nan
    total["par30_shocked"] = float(shocked.par(30).iloc[-1]) if shocked is not None else math.nan
    total["par30_peak"] = float(book.par(30).max()) if book is not None else math.nan
    total["par30_peak_shocked"] = float(shocked.par(30).max()) if shocked is not None else math.nan
    return PlanResult(county, table, reaches, loans, book, shocked, total)


def days_to_target(strategy: str, target: int, seed: int = 0, params: MarketingParameters | None = None) -> float | None:
    """The fewest whole officer-days of one strategy that disburse at least ``target`` loans (``None`` if even
    the whole county is not enough).

    Examples
    --------
    >>> d = days_to_target("grid", 30, seed=1)
    >>> simulate_plan({"grid": d}, 1).totals["disbursed"] >= 30 > simulate_plan({"grid": d - 1}, 1).totals["disbursed"]
    True
    """
    p = params or parameters()
    goal = require_number(target, "目标放款笔数", strictly_positive=True)
    county = make_county(check_seed(seed), p)

    def loans(d: float) -> int:
        return int(reach(county, strategy, d, p).table["disbursed"].sum())

    if loans(MAX_DAYS) < goal:
        return None
    low, high = 0, MAX_DAYS
    while high - low > 1:
        mid = (low + high) // 2
        if loans(mid) >= goal:
            high = mid
        else:
            low = mid
    return float(high)
