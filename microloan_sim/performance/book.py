r"""Books of loans (贷款组合): N loans drawn from the casebook, played forward together with NumPy.

Each loan is drawn from a case of its segment (``book.segment_mix``) and a few per-learner variants of
it, with its own income level (log-normal around the case), amount (a share of the case's request,
scaled with income), disbursement month (``disbursement_months`` cohorts) and random shocks: a business
shock with probability ``shock_rate`` a month (its size a multiple of the loan's average disposable cash,
lasting some months), a hidden second lender with probability ``hidden_lender_rate`` a month, and one
systematic factor shared by every borrower each month. All these are 示例参数 in ``data/performance.yaml``.

Each book month, for every loan at once: cash += disposable; pay = min(owed, max(cash, 0)); the rest is
arrears. Payments settle instalments oldest first (each one's interest before its principal); days past due
come from the oldest unpaid instalment (``30 × (MOB − k_oldest) + 1``), and the principal outstanding gives
the balance-weighted PAR. The book engine has
no fees and no penalty interest (the single-loan engine :func:`~microloan_sim.performance.play` has them);
with those set to zero both give the same path (a test checks it).

Examples
--------
>>> book = simulate_book(2_000, months=24, seed=7)
>>> book.balance.shape
(2000, 24)
>>> bool(0 <= book.par(30).iloc[-1] < 0.5)
True
>>> list(book.roll_rates().columns)
['M0→M1', 'M1→M2', 'M2→M3', 'M3→M4+']
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import casebook, schedules
from ..errors import InputError, require_number
from ..statements import cash_flow
from . import classification as cls
from .cashflow import _profile
from .parameters import BookParameters, PerformanceParameters, load_parameters

METHOD_CODES = {"equal_installment": 0, "equal_principal": 1, "interest_only": 2}
MAX_LOANS = 1_000_000


@dataclass(frozen=True)
class Profiles:
    """Per borrower profile (one per case variant): seasonal disposable cash (12 calendar months), the
    opening cash buffer, the request, the repayment method code and what a default recovers per 元."""

    case_id: np.ndarray
    segment: np.ndarray
    disposable: np.ndarray      # (P, 12)
    buffer: np.ndarray
    amount: np.ndarray
    months: np.ndarray
    method: np.ndarray
    collateral_recovery: np.ndarray   # 元 recovered from collateral
    guarantee: np.ndarray             # bool
    inflow: np.ndarray                # (P, 12) account inflows
    margin: np.ndarray                # gross profit ÷ revenue (1 for wages)


def profiles(variants_per_case: int = 3) -> Profiles:
    """Profiles of every case in the casebook and ``variants_per_case`` variants of each (cached).

    A profile's loan amount is the case's request capped at its repayment capacity
    (:func:`microloan_sim.sizing.capacity_limit` on the average projected disposable cash; for 先息后本 the
    share ``k`` of the term's surplus), as a bank following the course would size it."""
    return _profiles(int(variants_per_case))


def _profile_row(case: casebook.Case, p: PerformanceParameters, methods: Mapping[str, str], share: float,
                 rate: float) -> dict[str, Any]:
    from ..sizing import capacity_limit

    cash = cash_flow(case)
    profile = _profile(case, cash.monthly["collections"])
    method = methods.get(case.segment, "equal_installment")
    mean = float(profile["disposable"].mean())
    if method == "interest_only":   # principal at maturity from the surplus of the whole term
        capacity = max(mean, 0.0) * share * case.request.months
    else:
        capacity = float(capacity_limit(mean, rate, case.request.months, share, method))
    return {
        "case_id": case.id, "segment": case.segment, "disposable": profile["disposable"].to_numpy(),
        "buffer": max(cash.closing_cash, 0.0) * p.playback.buffer_share,
        "amount": min(case.request.amount, capacity), "months": case.request.months,
        "method": METHOD_CODES.get(method, 0),
        "collateral_recovery": sum(c.value * p.recovery.collateral.get(c.type, 0.0)
                                   for c in case.collateral if c.type != "保证人"),
        "guarantee": any(c.type == "保证人" for c in case.collateral),
        "inflow": profile["inflow"].to_numpy(),
        "margin": float(profile["gross_profit"].sum() / profile["revenue"].sum())
        if profile["revenue"].sum() > 0 else 1.0,
    }


@lru_cache(maxsize=4)
def _profiles(variants_per_case: int) -> Profiles:
    from ..sizing import load_parameters as sizing_parameters

    p = load_parameters()
    sizing = sizing_parameters()
    methods, share, rate = sizing.defaults.method_by_segment, sizing.capacity.share, p.book.annual_rate
    rows: list[dict[str, Any]] = []
    for case_id in casebook.list_cases()["id"]:
        base = casebook.load_case(case_id)
        for v in range(variants_per_case + 1):
            case = base if v == 0 else casebook.make_variant(base, 1_000 + v)
            rows.append(_profile_row(case, p, {str(k): v for k, v in methods.items()}, share, rate))
    return Profiles(
        case_id=np.array([r["case_id"] for r in rows]), segment=np.array([r["segment"] for r in rows]),
        disposable=np.vstack([r["disposable"] for r in rows]), buffer=np.array([r["buffer"] for r in rows]),
        amount=np.array([r["amount"] for r in rows], dtype=float), months=np.array([r["months"] for r in rows]),
        method=np.array([r["method"] for r in rows]),
        collateral_recovery=np.array([r["collateral_recovery"] for r in rows], dtype=float),
        guarantee=np.array([r["guarantee"] for r in rows], dtype=bool),
        inflow=np.vstack([r["inflow"] for r in rows]), margin=np.array([max(r["margin"], 0.05) for r in rows]))


@dataclass(frozen=True)
class BookInputs:
    """Everything the playback needs, loan by loan (arrays of length N, matrices N × months)."""

    principal: np.ndarray
    annual_rate: float
    term: np.ndarray
    method: np.ndarray
    disbursed: np.ndarray       # book month of disbursement (0-based: first instalment at month index d)
    income: np.ndarray          # N × T disposable cash (0 before disbursement)
    inflow: np.ndarray          # N × T account inflows (sales collections), with the shocks
    expected_inflow: np.ndarray  # N × T the same without shocks
    buffer: np.ndarray
    new_lender: np.ndarray      # N × T bool


def draw_book(n_loans: int, months: int = 24, *, seed: int = 0, params: BookParameters | None = None,
              segment_mix: Mapping[str, float] | None = None, annual_rate: float | None = None,
              shock_rate: float | None = None, systematic_sd: float | None = None, amount_factor: float = 1.0,
              variants_per_case: int = 3, case_mix: Mapping[str, float] | None = None
              ) -> tuple[BookInputs, pd.DataFrame]:
    """Draw the loans of a book (see the module docstring); returns the playback inputs and a loan table.

    ``case_mix`` (case id → share), when given, draws the borrowers from those cases instead of by segment
    (e.g. a supply-chain book of C08-like suppliers only)."""
    n = int(require_number(n_loans, "贷款笔数", strictly_positive=True))
    if n > MAX_LOANS:
        raise InputError(f"不能超过 {MAX_LOANS:,} 笔", field="贷款笔数")
    t_count = int(schedules.check_months(months, "模拟月数"))
    bp = params or load_parameters().book
    mix: dict[str, float] = {str(k): v for k, v in (bp.segment_mix if segment_mix is None else segment_mix).items()}
    if not mix or any(require_number(v, f"客户结构“{k}”", minimum=0) < 0 for k, v in mix.items()) \
            or sum(mix.values()) <= 0:
        raise InputError("比例应为非负数且合计大于 0", field="客户结构")
    rate = bp.annual_rate if annual_rate is None else schedules.check_rate(annual_rate)
    p_shock = bp.shock_rate if shock_rate is None else require_number(shock_rate, "冲击概率", minimum=0, maximum=1)
    sys_sd = bp.systematic_sd if systematic_sd is None else require_number(systematic_sd, "系统性波动", minimum=0,
                                                                            maximum=2)
    factor = require_number(amount_factor, "贷款金额倍数", strictly_positive=True, maximum=10)
    prof = profiles(variants_per_case)
    rng = np.random.default_rng(seed)
    groups, column = (mix, prof.segment) if case_mix is None else (_case_mix(case_mix, prof), prof.case_id)
    segments = [s for s in groups if groups[s] > 0]
    unknown = [s for s in segments if s not in set(column)]
    if unknown:
        raise InputError(f"案例库中没有这类客户：{'、'.join(unknown)}", field="客户结构")
    weights = np.array([groups[s] for s in segments], dtype=float)
    chosen_segment = rng.choice(len(segments), size=n, p=weights / weights.sum())
    pick = np.empty(n, dtype=np.int64)
    for i, seg in enumerate(segments):
        members = np.flatnonzero(column == seg)
        where = chosen_segment == i
        pick[where] = rng.choice(members, size=int(where.sum()))
    scale = rng.lognormal(0.0, bp.income_sd, n)
    principal = np.round(prof.amount[pick] * rng.uniform(bp.amount_low, bp.amount_high, n) * scale * factor, -2)
    term = prof.months[pick]
    disbursed = rng.integers(0, min(bp.disbursement_months, t_count), n)
    t_idx = np.arange(t_count)
    mob = t_idx[None, :] - disbursed[:, None] + 1               # MOB of the first instalment = 1
    season = prof.disposable[pick][:, t_idx % 12]                  # book month 0 = January
    systematic = rng.normal(0.0, sys_sd, t_count)
    mean_abs = np.maximum(np.abs(prof.disposable[pick]).mean(axis=1), 1.0) * scale
    income = season * scale[:, None] + systematic[None, :] * mean_abs[:, None]
    margin = prof.margin[pick][:, None]
    expected_inflow = prof.inflow[pick][:, t_idx % 12] * scale[:, None]
    inflow = expected_inflow + systematic[None, :] * mean_abs[:, None] / margin
    # an idiosyncratic business shock: start MOB, size, length
    start = rng.geometric(p_shock, n) if p_shock > 0 else np.full(n, 10**6)
    size = rng.uniform(bp.shock_size_low, bp.shock_size_high, n) * mean_abs
    length = rng.integers(bp.shock_months_low, bp.shock_months_high + 1, n)
    hit = (mob >= start[:, None]) & (mob < (start + length)[:, None])
    income = income - hit * size[:, None]
    inflow = inflow - hit * (size[:, None] / margin)          # a sales shock: lost gross profit ÷ margin of sales
    lender_start = rng.geometric(bp.hidden_lender_rate, n) if bp.hidden_lender_rate > 0 else np.full(n, 10**6)
    new_lender = mob >= lender_start[:, None]
    income = income - new_lender * (bp.hidden_lender_share * mean_abs)[:, None]
    active = mob >= 1
    income = np.where(active, income, 0.0)
    inflow = np.where(active, np.maximum(inflow, 0.0), 0.0)
    expected_inflow = np.where(active, expected_inflow, 0.0)
    inputs = BookInputs(principal=principal, annual_rate=float(rate), term=term, method=prof.method[pick],
                        disbursed=disbursed, income=income, inflow=inflow, expected_inflow=expected_inflow,
                        buffer=prof.buffer[pick] * scale,
                        new_lender=new_lender & active)
    loans = pd.DataFrame({"case_id": prof.case_id[pick], "segment": prof.segment[pick], "principal": principal,
                          "months": term, "method": prof.method[pick], "disbursed": disbursed + 1,
                          "collateral_recovery": prof.collateral_recovery[pick] * scale,
                          "guarantee": prof.guarantee[pick]})
    return inputs, loans


def _case_mix(case_mix: Mapping[str, float], prof: Profiles) -> dict[str, float]:
    mix = {str(k): require_number(v, f"案例结构“{k}”", minimum=0) for k, v in case_mix.items()}
    if not mix or sum(mix.values()) <= 0:
        raise InputError("比例应为非负数且合计大于 0", field="案例结构")
    return mix


def _dues(inputs: BookInputs, t_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Scheduled interest and principal by MOB 1 … T (N × T), unrounded."""
    p = inputs.principal[:, None]
    n = inputs.term[:, None].astype(float)
    r = inputs.annual_rate / 12
    k = np.arange(1, t_count + 1)[None, :].astype(float)
    live = k <= n
    method = inputs.method[:, None]
    if r > 0:
        growth_n = (1 + r) ** n
        before = p * (growth_n - (1 + r) ** (k - 1)) / (growth_n - 1)       # annuity balance before instalment k
        level = p * r * growth_n / (growth_n - 1)
    else:
        before = p * (1 - (k - 1) / n)
        level = p / n
    ep_before = p * (1 - (k - 1) / n)
    balance_before = np.where(method == 1, ep_before, np.where(method == 2, p, before))
    interest = balance_before * r
    principal = np.where(method == 0, level - interest, np.where(method == 1, p / n, np.where(k == n, p, 0.0)))
    return np.where(live, interest, 0.0), np.where(live, principal, 0.0)


@dataclass(frozen=True)
class BookResult:
    """A played book: loan table ``loans`` and N × T matrices ``balance`` (principal outstanding, 元),
    ``dpd``, ``paid``, ``cash``, ``arrears``, plus ``income``, ``inflow``, ``expected_inflow`` and ``new_lender``
    for the early-warning signals. Book months are 1 … T (columns)."""

    loans: pd.DataFrame
    balance: np.ndarray
    dpd: np.ndarray
    arrears: np.ndarray
    cash: np.ndarray
    paid: np.ndarray
    income: np.ndarray
    inflow: np.ndarray
    expected_inflow: np.ndarray
    new_lender: np.ndarray
    disbursed: np.ndarray
    days_per_period: int = 30

    @property
    def months(self) -> pd.RangeIndex:
        return pd.RangeIndex(1, self.balance.shape[1] + 1, name="book_month")

    def par(self, days: int = 30) -> pd.Series:
        """PAR_days for each book month (principal more than ``days`` past due ÷ principal outstanding)."""
        total = self.balance.sum(axis=0)
        risky = np.where(self.dpd > days, self.balance, 0.0).sum(axis=0)
        return pd.Series(np.divide(risky, total, out=np.zeros_like(total), where=total > 0), index=self.months)

    def buckets(self) -> np.ndarray:
        return np.minimum(np.ceil(self.dpd / self.days_per_period), 4).astype(np.int8)

    def bucket_balances(self) -> pd.DataFrame:
        """Principal outstanding in M0 … M4+ for each book month."""
        b = self.buckets()
        return pd.DataFrame({name: np.where(b == k, self.balance, 0.0).sum(axis=0)
                             for k, name in enumerate(cls.BUCKETS)}, index=self.months)

    def classification(self) -> pd.DataFrame:
        """Principal outstanding by 五级分类 floor (正常 … 损失) for each book month."""
        codes = cls.floor(self.dpd)
        return pd.DataFrame({name: np.where(codes == k, self.balance, 0.0).sum(axis=0)
                             for k, name in enumerate(cls.CATEGORIES)}, index=self.months)

    def npl_ratio(self) -> pd.Series:
        """不良率 (次级 + 可疑 + 损失 ÷ balance) for each book month."""
        table = self.classification()
        total = table.sum(axis=1)
        return (table[["次级", "可疑", "损失"]].sum(axis=1) / total.where(total > 0)).fillna(0.0)

    def roll_rates(self) -> pd.DataFrame:
        """Balance-weighted roll rates M0→M1 … M3→M4+ from each month to the next (rows: the first month)."""
        b = self.buckets()
        rows = []
        for t in range(b.shape[1] - 1):
            rates = {}
            for k in range(4):
                here = b[:, t] == k
                base = self.balance[here, t].sum()
                moved = self.balance[here & (b[:, t + 1] >= k + 1), t].sum()
                rates[f"{cls.BUCKETS[k]}→{cls.BUCKETS[k + 1]}"] = moved / base if base > 0 else np.nan
            rows.append(rates)
        return pd.DataFrame(rows, index=self.months[:-1])

    def flow_to_loss(self) -> pd.Series:
        """Flow to loss from M1 each month: the product of that month's roll rates M1→M2→M3→M4+."""
        rates = self.roll_rates()
        return rates[["M1→M2", "M2→M3", "M3→M4+"]].prod(axis=1, skipna=False)

    def vintages(self, days: int = 30) -> pd.DataFrame:
        """Vintage curves: for each disbursement cohort (rows) the balance more than ``days`` past due at each
        MOB (columns) ÷ the amount the cohort disbursed."""
        t_count = self.balance.shape[1]
        cohorts = np.unique(self.disbursed)
        table = pd.DataFrame(np.nan, index=pd.Index(cohorts + 1, name="cohort"),
                             columns=pd.RangeIndex(1, t_count + 1, name="mob"))
        principal = self.loans["principal"].to_numpy()
        risky = np.where(self.dpd > days, self.balance, 0.0)
        for c in cohorts:
            members = self.disbursed == c
            amount = principal[members].sum()
            for mob in range(1, t_count - c + 1):
                table.loc[c + 1, mob] = risky[members, c + mob - 1].sum() / amount
        return table

    def losses(self, default_after: int | None = None, guarantee_share: float | None = None) -> pd.Series:
        """Loss per loan at the last month if then in default: balance − collateral − guarantee recovery."""
        rec = load_parameters().recovery
        limit = rec.default_after if default_after is None else default_after
        share = rec.guarantee if guarantee_share is None else guarantee_share
        exposure = np.where(self.dpd[:, -1] > limit, self.balance[:, -1], 0.0)   # principal, as LoanPath.loss
        left = np.maximum(exposure - self.loans["collateral_recovery"].to_numpy(), 0.0)
        left = left - np.where(self.loans["guarantee"].to_numpy(), left * share, 0.0)
        return pd.Series(np.where(exposure > 0, left, 0.0), index=self.loans.index)


def play_book(inputs: BookInputs, loans: pd.DataFrame, days_per_period: int = 30) -> BookResult:
    """Vectorised playback of a drawn book (one NumPy step per month for all loans)."""
    n, t_count = inputs.income.shape
    interest_mob, principal_mob = _dues(inputs, t_count)
    due_mob = interest_mob + principal_mob
    cum_due_mob = np.cumsum(due_mob, axis=1)
    cum_principal_mob = np.hstack([np.zeros((n, 1)), np.cumsum(principal_mob, axis=1)])
    cum_due_before = np.hstack([np.zeros((n, 1)), cum_due_mob])
    interest_next = np.hstack([interest_mob, np.zeros((n, 1))])
    rows = np.arange(n)
    cash = inputs.buffer.astype(float).copy()
    arrears = np.zeros(n)
    cum_paid = np.zeros(n)
    cum_principal = np.zeros(n)
    out = {name: np.zeros((n, t_count)) for name in ("balance", "arrears", "cash", "paid")}
    dpd = np.zeros((n, t_count), dtype=np.int32)
    for t in range(t_count):
        mob = t - inputs.disbursed + 1
        live = mob >= 1
        k = np.clip(mob - 1, 0, t_count - 1)
        due_i = np.where(live, interest_mob[rows, k], 0.0)
        due_p = np.where(live, principal_mob[rows, k], 0.0)
        cum_principal += due_p
        cash += inputs.income[:, t]
        owed = arrears + due_i + due_p
        pay = np.minimum(owed, np.maximum(cash, 0.0))
        cash -= pay
        arrears = owed - pay
        cum_paid += pay
        covered = (cum_due_mob <= (cum_paid + 0.005)[:, None]).sum(axis=1)   # instalments fully paid
        oldest = covered + 1
        # paid instalment by instalment: the covered ones whole, then the next one's interest before its principal
        partial = np.maximum(cum_paid - cum_due_before[rows, covered] - interest_next[rows, covered], 0.0)
        principal_paid = np.minimum(cum_principal_mob[rows, covered] + partial, cum_principal)
        late = live & (arrears > 0.005) & (oldest <= mob)
        dpd[:, t] = np.where(late, days_per_period * (mob - oldest) + 1, 0)
        out["balance"][:, t] = np.where(live, inputs.principal - principal_paid, 0.0)
        out["arrears"][:, t] = arrears
        out["cash"][:, t] = cash
        out["paid"][:, t] = pay
    return BookResult(loans=loans, balance=out["balance"], dpd=dpd, arrears=out["arrears"], cash=out["cash"],
                      paid=out["paid"], income=inputs.income, inflow=inputs.inflow, expected_inflow=inputs.expected_inflow,
                      new_lender=inputs.new_lender,
                      disbursed=inputs.disbursed, days_per_period=days_per_period)


def play_book_loop(inputs: BookInputs, loans: pd.DataFrame, days_per_period: int = 30) -> BookResult:
    """The same playback as :func:`play_book` with a plain Python loop over loans and months (the benchmark's
    reference; also a check that the vectorised version computes the same thing)."""
    n, t_count = inputs.income.shape
    r = inputs.annual_rate / 12
    out = {name: np.zeros((n, t_count)) for name in ("balance", "arrears", "cash", "paid")}
    dpd = np.zeros((n, t_count), dtype=np.int32)
    for i in range(n):
        principal = float(inputs.principal[i])
        term = int(inputs.term[i])
        method = int(inputs.method[i])
        dues = []
        balance = principal
        level = principal * r * (1 + r) ** term / ((1 + r) ** term - 1) if r > 0 else principal / term
        for k in range(1, t_count + 1):
            if k > term:
                dues.append((0.0, 0.0))
                continue
            if method == 0:
                interest = balance * r
                part = level - interest
            elif method == 1:
                interest = principal * (1 - (k - 1) / term) * r
                part = principal / term
            else:
                interest = principal * r
                part = principal if k == term else 0.0
            balance -= part
            dues.append((interest, part))
        cum_due = []
        running = 0.0
        for interest, part in dues:
            running += interest + part
            cum_due.append(running)
        cash = float(inputs.buffer[i])
        arrears = paid_total = due_interest = due_principal = 0.0
        for t in range(t_count):
            mob = t - int(inputs.disbursed[i]) + 1
            if mob >= 1:
                interest, part = dues[mob - 1]
                due_interest += interest
                due_principal += part
            else:
                interest = part = 0.0
            cash += float(inputs.income[i, t])
            owed = arrears + interest + part
            pay = min(owed, max(cash, 0.0))
            cash -= pay
            arrears = owed - pay
            paid_total += pay
            if mob >= 1:
                covered = sum(1 for c in cum_due if c <= paid_total + 0.005)
                oldest = covered + 1
                principal_paid = sum(part for _, part in dues[:covered])
                if covered < len(dues):
                    before = cum_due[covered - 1] if covered else 0.0
                    principal_paid += max(paid_total - before - dues[covered][0], 0.0)
                principal_paid = min(principal_paid, due_principal)
                if arrears > 0.005 and oldest <= mob:
                    dpd[i, t] = days_per_period * (mob - oldest) + 1
                out["balance"][i, t] = principal - principal_paid
            out["arrears"][i, t] = arrears
            out["cash"][i, t] = cash
            out["paid"][i, t] = pay
    return BookResult(loans=loans, balance=out["balance"], dpd=dpd, arrears=out["arrears"], cash=out["cash"],
                      paid=out["paid"], income=inputs.income, inflow=inputs.inflow, expected_inflow=inputs.expected_inflow,
                      new_lender=inputs.new_lender,
                      disbursed=inputs.disbursed, days_per_period=days_per_period)


def simulate_book(n_loans: int = 10_000, months: int = 24, *, seed: int = 0,
                  segment_mix: Mapping[str, float] | None = None, annual_rate: float | None = None,
                  shock_rate: float | None = None, systematic_sd: float | None = None, amount_factor: float = 1.0,
                  params: PerformanceParameters | None = None) -> BookResult:
    """Simulate a book of ``n_loans`` loans for ``months`` book months (vectorised).

    Parameters
    ----------
    n_loans : int
        Number of loans (1 … 1,000,000).
    months : int
        Book months to simulate (1 … 360).
    seed : int
        Random seed (the same seed gives the same book).
    segment_mix : mapping, optional
        Share of ``business`` / ``farm`` / ``consumer`` loans; default ``book.segment_mix``.
    annual_rate : float, optional
        Loan rate for every loan; default ``book.annual_rate``.
    shock_rate : float, optional
        Monthly probability of a business shock per loan (e.g. a stricter or looser approval policy can be
        mimicked with a lower or higher rate); default ``book.shock_rate``.
    systematic_sd : float, optional
        Standard deviation of the common monthly factor; default ``book.systematic_sd``.
    amount_factor : float
        Multiplies every loan amount (1 = sized at the borrowers' repayment capacity as the course teaches;
        1.5 = an officer who lends half as much again, e.g. under a volume bonus). Same seed, same borrowers.
    params : PerformanceParameters, optional
        Default: ``data/performance.yaml``.

    Returns
    -------
    BookResult
        ``.par(30)``, ``.par(90)``, ``.classification()``, ``.npl_ratio()``, ``.roll_rates()``,
        ``.flow_to_loss()``, ``.vintages()``, ``.losses()``; loan table ``.loans``; N × T matrices.

    Examples
    --------
    >>> book = simulate_book(500, 12, seed=1)
    >>> bool(book.loans["principal"].gt(0).all()), bool(book.dpd.min() >= 0)
    (True, True)
    >>> simulate_book(0)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 贷款笔数：必须大于 0（当前为 0）
    """
    p = params or load_parameters()
    inputs, loans = draw_book(n_loans, months, seed=seed, params=p.book, segment_mix=segment_mix,
                              annual_rate=annual_rate, shock_rate=shock_rate, systematic_sd=systematic_sd,
                              amount_factor=amount_factor)
    return play_book(inputs, loans, p.playback.days_per_period)


def early_warning(book: BookResult, inflow_drop: float | None = None, drain_months: int | None = None,
                  new_lender: bool | None = None, *, target_days: int = 90) -> dict[str, float]:
    """Score early-warning rules on a book: which loans were flagged, while still current, before they first
    passed ``target_days`` past due (a signal after the first missed payment is collections, not warning).

    A loan is flagged in a month when any rule fires: its account inflows over the last three months are
    more than ``inflow_drop`` below the same months of its history, its cash stays below one
    instalment for ``drain_months`` months in a row, or a new lender appears in its flows.

    Returns hits (loans that reached ``target_days`` and were flagged earlier), misses, false alarms
    (flagged, never reached it), the hit rate, the false-alarm rate and the mean months of warning.

    Examples
    --------
    >>> book = simulate_book(1_000, 24, seed=3)
    >>> strict, loose = early_warning(book, 0.1), early_warning(book, 0.6)
    >>> strict["flagged"] >= loose["flagged"]
    True
    """
    ew = load_parameters().early_warning
    drop = ew.inflow_drop if inflow_drop is None else require_number(inflow_drop, "入账下降幅度", minimum=0, maximum=1)
    run = ew.drain_months if drain_months is None else int(schedules.check_months(drain_months, "余额不足月数"))
    use_lender = ew.new_lender if new_lender is None else bool(new_lender)
    n, t_count = book.income.shape
    kernel = 3
    got_c = np.cumsum(np.pad(book.inflow, ((0, 0), (kernel, 0))), axis=1)
    want_c = np.cumsum(np.pad(book.expected_inflow, ((0, 0), (kernel, 0))), axis=1)
    got = got_c[:, kernel:] - got_c[:, :-kernel]
    want = want_c[:, kernel:] - want_c[:, :-kernel]
    inflow_flag = (want > 0) & (got < (1 - drop) * want)
    instalment = np.maximum(book.paid.max(axis=1, initial=0.0), 1.0)
    low = (book.cash < instalment[:, None]) & (book.balance > 0)
    streak = np.zeros(n, dtype=np.int32)
    drain_flag = np.zeros_like(low)
    for t in range(t_count):
        streak = np.where(low[:, t], streak + 1, 0)
        drain_flag[:, t] = streak >= run
    flags = inflow_flag | drain_flag | (book.new_lender if use_lender else False)
    flags &= (book.balance > 0) & (book.dpd == 0)      # a warning counts only while the loan is still current
    first_flag = np.where(flags.any(axis=1), flags.argmax(axis=1), t_count)
    bad = book.dpd > target_days
    first_bad = np.where(bad.any(axis=1), bad.argmax(axis=1), t_count)
    went_bad = first_bad < t_count
    flagged = first_flag < t_count
    hit = went_bad & (first_flag < first_bad)
    lead = (first_bad - first_flag)[hit]
    return {
        "loans": float(n), "went_bad": float(went_bad.sum()), "flagged": float(flagged.sum()),
        "hits": float(hit.sum()), "misses": float((went_bad & ~hit).sum()),
        "false_alarms": float((flagged & ~went_bad).sum()),
        "hit_rate": float(hit.sum() / went_bad.sum()) if went_bad.any() else math.nan,
        "false_alarm_rate": float((flagged & ~went_bad).sum() / (~went_bad).sum()) if (~went_bad).any() else math.nan,
        "mean_lead_months": float(lead.mean()) if lead.size else math.nan,
    }
