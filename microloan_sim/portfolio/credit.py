r"""分散经营 in numbers: the loss distribution of a book of loans.

The same total exposure :math:`E` split into :math:`n` loans, each with default probability PD and loss given
default LGD (shared/domain-parts.md §3.2, worked numbers in §7 Example 7).

*Independent defaults (binomial)*: :math:`D \sim \mathrm{Bin}(n, PD)`, :math:`L = D \cdot (E/n) \cdot LGD`,
:math:`EL = E \cdot PD \cdot LGD` (independent of :math:`n`) and
:math:`SD(L) = E \cdot LGD \sqrt{PD(1-PD)/n}` (falls like :math:`1/\sqrt{n}`).

*Correlated defaults (Vasicek one-factor, the Basel IRB basis)*: borrower :math:`i` defaults when
:math:`\sqrt{\rho}\,M + \sqrt{1-\rho}\,\varepsilon_i < \Phi^{-1}(PD)`, so given the common factor :math:`M=z`

.. math:: PD(z) = \Phi\!\left(\frac{\Phi^{-1}(PD) - \sqrt{\rho}\,z}{\sqrt{1-\rho}}\right)

and defaults are independent given :math:`z`. A Monte Carlo scenario draws :math:`z`, then each loan's default
with probability :math:`PD(z)`. For a very large book the :math:`\alpha` loss quantile is
:math:`E \cdot LGD \cdot \Phi\big((\Phi^{-1}(PD) + \sqrt{\rho}\,\Phi^{-1}(\alpha))/\sqrt{1-\rho}\big)`.
Source of the model: https://merton.readthedocs.io/en/stable/theory/portfolio/vasicek.html .

The default correlation is Basel's *other retail* correlation (Basel II §330; EU CRR Article 154(3)):
:math:`\rho = 0.03\,w + 0.16\,(1-w)`, :math:`w = (1-e^{-35 PD})/(1-e^{-35})`
(https://rdrr.io/github/dangulod/ECTools/man/rho_retail.html ;
https://cbben.thomsonreuters.com/entiresection/109036).

Splitting removes the idiosyncratic risk (:math:`1/\sqrt{n}`) but not the systematic risk (:math:`\rho`); a
*concentration shock* adds a cluster (one 核心企业's suppliers and dealers, or one market) whose default
probability jumps to ``shocked_pd`` in a year when the cluster's event happens (示例参数).

Examples
--------
>>> round(basel_retail_correlation(0.02), 4)
0.0946
>>> book = equal_book(10_000_000, 200, pd=0.02, lgd=0.5)
>>> book.expected_loss, round(book.effective_number)
(100000.0, 200)
>>> dist = simulate_losses(book, model="binomial", scenarios=20_000, seed=1)
>>> abs(dist.mean - 100_000) < 2_000, round(dist.sd, -3)
(True, 50000.0)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas
from scipy.special import ndtr, ndtri
from scipy.stats import binom

from ..errors import InputError, require_number
from ._params import Shock, parameters

#: Loss-distribution models and their Chinese names.
MODELS = {"binomial": "独立违约（二项分布）", "vasicek": "相关违约（Vasicek 单因子）"}
_MODEL_ALIASES = {"二项分布": "binomial", "独立违约": "binomial", "单因子": "vasicek", "相关违约": "vasicek",
                  "vasicek 单因子": "vasicek"}
#: Simulation methods: exact binomial draws per group of identical loans, or one uniform draw per loan.
METHODS = ("grouped", "loans")
_CHUNK_CELLS = 2_000_000   # loan-level draws per chunk (8 MB of float32), keeps memory flat


def basel_retail_correlation(pd_: float | np.ndarray) -> Any:
    """Basel "other retail" asset correlation for a default probability (Basel II §330; CRR Art. 154(3)).

    .. math:: \\rho = 0.03\\,w + 0.16\\,(1-w),\\quad w = \\frac{1-e^{-35\\,PD}}{1-e^{-35}}

    Source: https://rdrr.io/github/dangulod/ECTools/man/rho_retail.html (domain-parts §3.2, §7 Example 7).

    Examples
    --------
    >>> round(basel_retail_correlation(0.02), 4)          # domain-parts §7 Example 7: 0.0946
    0.0946
    >>> [round(float(r), 3) for r in basel_retail_correlation(np.array([0.0, 1.0]))]
    [0.16, 0.03]
    """
    value = np.asarray(pd_, dtype=float)
    if np.isnan(value).any() or (value < 0).any() or (value > 1).any():
        raise InputError("应在 0 到 1 之间", field="违约概率 PD")
    w = (1 - np.exp(-35 * value)) / (1 - np.exp(-35))
    rho = 0.03 * w + 0.16 * (1 - w)
    return float(rho) if rho.ndim == 0 else rho


def hhi(exposures: np.ndarray | list[float] | pandas.Series) -> float:
    """Herfindahl–Hirschman index of a book: :math:`\\sum_i (EAD_i/E)^2` (1 for one loan, 1/n for n equal).

    Examples
    --------
    >>> hhi([100, 100, 100, 100])
    0.25
    >>> round(hhi([700, 100, 100, 100]), 2)
    0.52
    """
    values = _exposures(exposures)
    shares = values / values.sum()
    return float(np.sum(shares ** 2))


def effective_number(exposures: np.ndarray | list[float] | pandas.Series) -> float:
    """Effective number of loans, :math:`1/HHI`: how many equal loans would be as concentrated.

    Examples
    --------
    >>> effective_number([100, 100, 100, 100])
    4.0
    >>> round(effective_number([700, 100, 100, 100]), 2)
    1.92
    """
    return 1.0 / hhi(exposures)


def _exposures(exposures: Any) -> np.ndarray:
    values = np.asarray(exposures, dtype=float).ravel()
    if values.size == 0:
        raise InputError("贷款组合为空，至少需要一笔贷款", field="贷款组合")
    if np.isnan(values).any() or np.isinf(values).any():
        raise InputError("有贷款金额不是有限数字", field="贷款金额")
    if (values < 0).any():
        raise InputError("贷款金额不能为负数", field="贷款金额")
    if values.sum() <= 0:
        raise InputError("贷款总额必须大于 0", field="贷款金额")
    return values


def _fractions(value: Any, n: int, field_name: str) -> np.ndarray:
    array = np.asarray(value, dtype=float).ravel()
    if array.size == 1:
        array = np.full(n, float(array[0]))
    if array.size != n:
        raise InputError(f"应有 {n} 个取值（每笔贷款一个），收到 {array.size} 个", field=field_name)
    if np.isnan(array).any():
        raise InputError("缺少数值（NaN）", field=field_name)
    if (array < 0).any():
        raise InputError(f"不能为负数（收到 {float(array.min()):g}）", field=field_name)
    if (array > 1).any():
        raise InputError(f"不能大于 1，即 100%（收到 {float(array.max()):g}）", field=field_name)
    return array


@dataclass(frozen=True)
class Book:
    """A book of loans: exposure at default (元), PD and LGD per loan, and whether the loan is in the
    concentrated cluster that a :class:`Shock` hits."""

    exposure: np.ndarray
    pd: np.ndarray
    lgd: np.ndarray
    cluster: np.ndarray

    @property
    def n(self) -> int:
        return int(self.exposure.size)

    @property
    def total(self) -> float:
        return float(self.exposure.sum())

    @property
    def hhi(self) -> float:
        return hhi(self.exposure)

    @property
    def effective_number(self) -> float:
        return 1.0 / self.hhi

    @property
    def expected_loss(self) -> float:
        """EL = Σ EAD × PD × LGD (without a shock)."""
        return float(np.round(np.sum(self.exposure * self.pd * self.lgd), 6))

    @property
    def cluster_share(self) -> float:
        """Share of the exposure in the concentrated cluster."""
        return float(self.exposure[self.cluster].sum() / self.total)


def make_book(exposures: Any, pd: Any, lgd: Any, cluster: Any = None) -> Book:
    """Validate and build a :class:`Book`; ``pd`` and ``lgd`` may be one number for every loan.

    Examples
    --------
    >>> make_book([50_000, 30_000], pd=0.03, lgd=0.6).expected_loss
    1440.0
    >>> make_book([], pd=0.02, lgd=0.5)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 贷款组合：贷款组合为空，至少需要一笔贷款
    >>> make_book([10_000], pd=-0.01, lgd=0.5)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 违约概率 PD：不能为负数（收到 -0.01）
    """
    values = _exposures(exposures)
    n = values.size
    flags = np.zeros(n, dtype=bool) if cluster is None else np.asarray(cluster, dtype=bool).ravel()
    if flags.size != n:
        raise InputError(f"应有 {n} 个取值（每笔贷款一个），收到 {flags.size} 个", field="集中部分标记")
    return Book(exposure=values, pd=_fractions(pd, n, "违约概率 PD"), lgd=_fractions(lgd, n, "违约损失率 LGD"),
                cluster=flags)


def equal_book(total_exposure: float, n_loans: int, pd: float, lgd: float, *, cluster_share: float = 0.0) -> Book:
    """The same total exposure split into ``n_loans`` equal loans; the first ``round(cluster_share × n)`` loans
    form the concentrated cluster.

    Examples
    --------
    >>> b = equal_book(10_000_000, 20, pd=0.02, lgd=0.5, cluster_share=0.2)
    >>> float(b.exposure[0]), int(b.cluster.sum()), b.cluster_share
    (500000.0, 4, 0.2)
    >>> equal_book(10_000_000, 0, pd=0.02, lgd=0.5)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 贷款笔数：不能小于 1（当前为 0）
    """
    total = require_number(total_exposure, "总敞口", strictly_positive=True)
    count = int(require_number(n_loans, "贷款笔数", minimum=1, maximum=1_000_000))
    share = require_number(cluster_share, "集中部分占比", minimum=0, maximum=1)
    flags = np.zeros(count, dtype=bool)
    flags[: int(round(share * count))] = True
    return make_book(np.full(count, total / count), pd, lgd, flags)


def _model(model: str) -> str:
    key = str(model).strip()
    key = _MODEL_ALIASES.get(key, _MODEL_ALIASES.get(key.lower(), key.lower()))
    if key not in MODELS:
        raise InputError(f"未知的模型“{model}”（可选：二项分布、单因子）", field="模型")
    return key


def _rho(value: Any) -> float:
    rho = require_number(value, "相关系数 ρ", minimum=0)
    if rho >= 1:
        raise InputError(f"应小于 1（当前为 {value}）", field="相关系数 ρ")
    return rho


def _shock(shock: Shock | str | None) -> Shock | None:
    if shock is None or isinstance(shock, Shock):
        return shock
    shocks = parameters().shocks
    if shock not in shocks:
        raise InputError(f"未知的集中度冲击“{shock}”（可选：{'、'.join(shocks)}）", field="集中度冲击")
    return shocks[shock]


@dataclass(frozen=True)
class LossDistribution:
    """Simulated losses of a book (元, one value per scenario) and the figures a learner reads off it."""

    losses: np.ndarray
    total_exposure: float
    n_loans: int
    model: str
    rho: float | None          # one correlation for every loan, or None when it varies by loan (Basel by PD)
    expected_loss: float       # analytic EL (with the shock's probability-weighted PD)
    hhi: float
    shock: str | None = None
    cluster_share: float = 0.0  # share of the exposure the shock hits (0 without a shock)

    @property
    def scenarios(self) -> int:
        return int(self.losses.size)

    @property
    def mean(self) -> float:
        return float(self.losses.mean())

    @property
    def sd(self) -> float:
        return float(self.losses.std(ddof=1)) if self.losses.size > 1 else 0.0

    def quantile(self, q: float = 0.99) -> float:
        """The loss not exceeded in a share ``q`` of scenarios (smallest x with P(L ≤ x) ≥ q)."""
        level = require_number(q, "分位数", minimum=0, maximum=1)
        return float(np.quantile(self.losses, level, method="inverted_cdf"))

    @property
    def loss_99(self) -> float:
        return self.quantile(0.99)

    def summary(self) -> pandas.Series:
        """The figures of the granularity simulator, with Chinese labels (元, rates as fractions)."""
        return pandas.Series({
            "贷款笔数": float(self.n_loans), "单笔平均金额": self.total_exposure / self.n_loans,
            "预期损失 EL": self.expected_loss, "模拟平均损失": self.mean, "损失标准差": self.sd,
            "99% 分位损失": self.loss_99, "99% 分位损失率": self.loss_99 / self.total_exposure,
            "HHI": self.hhi, "有效笔数": 1.0 / self.hhi, "情景数": float(self.scenarios)})


def _conditional_pd(pd_: np.ndarray, rho: np.ndarray, z: np.ndarray) -> np.ndarray:
    """PD(z) for each scenario (rows) and group (columns)."""
    with np.errstate(divide="ignore"):
        threshold = ndtri(pd_)
    out = ndtr((threshold[None, :] - np.sqrt(rho)[None, :] * z[:, None]) / np.sqrt(1 - rho)[None, :])
    # PD 0 and 1 stay exactly 0 and 1; ρ = 0 gives the PD itself (no round-off through Φ(Φ⁻¹(PD)))
    independent = rho == 0
    out[:, independent] = pd_[independent]
    return np.asarray(out)


def simulate_losses(book: Book, *, model: str = "vasicek", rho: float | None = None, scenarios: int | None = None,
                    seed: int | None = None, shock: Shock | str | None = None, method: str = "grouped") -> LossDistribution:
    """Monte Carlo loss distribution of ``book``.

    Parameters
    ----------
    model : ``"binomial"`` (independent defaults) or ``"vasicek"`` (one common factor; 二项分布 / 单因子).
    rho : the asset correlation for every loan; ``None`` uses Basel's other-retail correlation of each loan's
        PD (:func:`basel_retail_correlation`). Must be 0 ≤ ρ < 1. Ignored (0) under ``binomial``.
    scenarios, seed : default from ``data/portfolio.yaml`` (10,000 and 2024).
    shock : a :class:`Shock` or a key of ``shocks`` in ``data/portfolio.yaml`` (``core_enterprise``,
        ``market``). In each scenario the cluster's event happens with ``event_probability``; then the
        cluster loans' PD is ``shocked_pd`` instead of their own.
    method : ``"grouped"`` draws the number of defaults of each group of identical loans from the binomial
        distribution given the scenario (exact, fast); ``"loans"`` draws one uniform per loan and scenario
        (the general vectorised form, 10,000 × 5,000 in well under a second here). Both give the same distribution,
        and for one seed the same common factor and shock events.

    Examples
    --------
    >>> book = equal_book(10_000_000, 1, pd=0.02, lgd=0.5)
    >>> simulate_losses(book, model="binomial", seed=3).loss_99     # one loan: P(loss) = 2% > 1%
    5000000.0
    >>> simulate_losses(book, rho=1.0)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 相关系数 ρ：应小于 1（当前为 1.0）
    """
    key = _model(model)
    if method not in METHODS:
        raise InputError(f"未知的模拟方法“{method}”（可选：{'、'.join(METHODS)}）", field="模拟方法")
    params = parameters().granularity
    count = int(require_number(scenarios if scenarios is not None else params.scenarios, "情景数", minimum=1,
                               maximum=1_000_000))
    rng = np.random.default_rng(params.seed if seed is None else int(seed))
    the_shock = _shock(shock)
    if key == "binomial":
        rho_loans = np.zeros(book.n)
        single_rho: float | None = 0.0
    elif rho is None:
        rho_loans = np.asarray(basel_retail_correlation(book.pd), dtype=float).reshape(book.n)
        single_rho = float(rho_loans[0]) if np.all(rho_loans == rho_loans[0]) else None
    else:
        single_rho = _rho(rho)
        rho_loans = np.full(book.n, single_rho)
    z = rng.standard_normal(count) if key == "vasicek" else np.zeros(count)
    event = rng.random(count) < the_shock.event_probability if the_shock is not None else np.zeros(count, dtype=bool)

    weight = book.exposure * book.lgd
    in_cluster = book.cluster if the_shock is not None else np.zeros(book.n, dtype=bool)
    keys = np.column_stack([weight, book.pd, rho_loans, in_cluster.astype(float)])
    groups, index, sizes = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    index = index.ravel()
    g_weight, g_pd, g_rho, g_cluster = groups[:, 0], groups[:, 1], groups[:, 2], groups[:, 3].astype(bool)
    p = _conditional_pd(g_pd, g_rho, z)
    if the_shock is not None and g_cluster.any():
        shocked = _conditional_pd(np.full(int(g_cluster.sum()), the_shock.shocked_pd), g_rho[g_cluster], z)
        p[:, g_cluster] = np.where(event[:, None], shocked, p[:, g_cluster])
    if method == "grouped":
        defaults = rng.binomial(sizes[None, :], np.clip(p, 0.0, 1.0))
        losses = defaults @ g_weight
    else:
        losses = _loan_level(rng, p, index, weight)

    expected_pd = book.pd.copy()
    if the_shock is not None:
        q = the_shock.event_probability
        expected_pd[in_cluster] = (1 - q) * book.pd[in_cluster] + q * the_shock.shocked_pd
    expected = float(np.round(np.sum(weight * expected_pd), 6))
    return LossDistribution(losses=np.asarray(losses, dtype=float), total_exposure=book.total, n_loans=book.n,
                            model=key, rho=single_rho, expected_loss=expected, hhi=book.hhi,
                            shock=the_shock.name if the_shock is not None else None,
                            cluster_share=float(book.exposure[in_cluster].sum() / book.total))


def _loan_level(rng: np.random.Generator, p: np.ndarray, index: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """One uniform draw per loan and scenario, compared with the loan's conditional PD; chunked over scenarios.

    Each loan's uniform U is drawn a byte at a time: its first byte B (eight raw bits) decides the default when
    ``B < ⌊256·PD(z)⌋`` (U < PD for sure) or ``B > ⌊256·PD(z)⌋`` (U > PD for sure); only when ``B`` equals that
    integer (about 1 loan in 256) is a second uniform V drawn and the loan defaults when
    ``V < 256·PD(z) − ⌊256·PD(z)⌋``. This is exactly a Bernoulli(PD(z)) draw per loan, at one random byte per
    loan instead of eight. Loans are ordered by group so that each group's threshold broadcasts over a contiguous
    block, and all loans of a group share one loss weight, so a scenario's loss is Σ weight × defaults counted."""
    count, n = p.shape[0], index.size
    order = np.argsort(index, kind="stable")
    sorted_index = index[order]
    bounds = np.flatnonzero(np.diff(sorted_index)) + 1
    starts = np.concatenate([[0], bounds]).astype(int)
    ends = np.concatenate([bounds, [n]]).astype(int)
    group_of_block = sorted_index[starts]
    block_weight = weight[order][starts]
    scaled = np.clip(p, 0.0, 1.0) * 256.0
    first = np.minimum(np.floor(scaled), 255.0)
    remainder = scaled - first                # in [0, 1]; 1 only when PD(z) = 1 (then every loan defaults)
    first_byte = first.astype(np.uint8)
    chunk = max(1, min(count, _CHUNK_CELLS // max(n, 1)))
    losses = np.zeros(count, dtype=float)
    below = np.empty((chunk, n), dtype=bool)
    bits = rng.bit_generator
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        rows = stop - start
        cells = rows * n
        raw = bits.random_raw(-(-cells // 8)).view(np.uint8)[:cells].reshape(rows, n)
        for lo, hi, g, w in zip(starts, ends, group_of_block, block_weight):
            block, cut = raw[:, lo:hi], first_byte[start:stop, g:g + 1]
            out = below[:rows, lo:hi]
            np.less(block, cut, out=out)
            defaults = _row_counts(out).astype(float)
            np.equal(block, cut, out=out)
            ties = _row_counts(out)
            defaults += rng.binomial(ties, remainder[start:stop, g])
            losses[start:stop] += w * defaults
    return losses


def _row_counts(flags: np.ndarray) -> np.ndarray:
    """True values per row of a boolean block; summing the bytes as uint16 is about 4× faster than
    ``count_nonzero(axis=1)`` and cannot overflow while a row is shorter than 65,536."""
    if flags.shape[1] < 65_536:
        return flags.view(np.uint8).sum(axis=1, dtype=np.uint16).astype(np.int64)
    return np.count_nonzero(flags, axis=1)


def binomial_loss_quantile(total_exposure: float, n_loans: int, pd: float, lgd: float, q: float = 0.99) -> float:
    """q-quantile of the loss of ``n`` equal independent loans: (E/n) × LGD × F⁻¹_Bin(q; n, PD).

    Examples
    --------
    >>> binomial_loss_quantile(10_000_000, 200, 0.02, 0.5)      # domain-parts §7 Example 7: 9 defaults
    225000.0
    >>> binomial_loss_quantile(10_000_000, 2000, 0.02, 0.5)     # §3.2 table: 55 defaults
    137500.0
    """
    book = equal_book(total_exposure, n_loans, pd, lgd)
    level = require_number(q, "分位数", minimum=0, maximum=1)
    defaults = float(binom.ppf(level, book.n, float(book.pd[0])))
    return float(book.exposure[0] * book.lgd[0] * defaults)


def vasicek_loss_quantile(total_exposure: float, pd: float, lgd: float, rho: float, q: float = 0.99) -> float:
    """Large-portfolio (n → ∞) q-quantile of the loss under the Vasicek one-factor model:
    E × LGD × Φ((Φ⁻¹(PD) + √ρ Φ⁻¹(q)) / √(1 − ρ)).

    Examples
    --------
    >>> round(vasicek_loss_quantile(10_000_000, 0.02, 0.5, 0.15), -3)      # §7 Example 7: ≈ 52.8万
    528000.0
    >>> round(vasicek_loss_quantile(10_000_000, 0.02, 0.5, basel_retail_correlation(0.02)), -3)   # ≈ 39.9万
    399000.0
    """
    total = require_number(total_exposure, "总敞口", strictly_positive=True)
    p = float(_fractions(pd, 1, "违约概率 PD")[0])
    loss_rate = float(_fractions(lgd, 1, "违约损失率 LGD")[0])
    r = _rho(rho)
    level = require_number(q, "分位数", minimum=0, maximum=1)
    with np.errstate(divide="ignore"):
        conditional = float(ndtr((ndtri(p) + np.sqrt(r) * ndtri(level)) / np.sqrt(1 - r)))
    return total * loss_rate * conditional


#: Columns of :func:`granularity_table`.
GRANULARITY_COLUMNS = ("贷款笔数", "单笔金额", "预期损失 EL", "损失标准差（独立）", "99% 分位损失（独立）",
                       "99% 分位损失（相关，大样本）", "HHI", "有效笔数")


def granularity_table(total_exposure: float | None = None, pd: float | None = None, lgd: float | None = None,
                      loan_counts: list[int] | tuple[int, ...] | None = None, rho: float | None = None) -> pandas.DataFrame:
    """Exact figures of the same exposure split into 1 … n equal loans (domain-parts §3.2 table).

    Independent columns are exact binomial results; the correlated column is the Vasicek large-portfolio
    99% quantile (the same for every n: splitting cannot remove systematic risk). It is left empty for one loan
    and for fewer than 200 loans, where the large-portfolio formula does not apply. ``rho`` defaults to Basel
    other retail at ``pd``. Defaults come from ``data/portfolio.yaml``.

    Examples
    --------
    >>> t = granularity_table(10_000_000, 0.02, 0.5, [1, 20, 200, 2000])
    >>> (t["损失标准差（独立）"] / 10_000).round(2).tolist()          # §3.2 table: 70, 15.65, 4.95, 1.57 万
    [70.0, 15.65, 4.95, 1.57]
    >>> (t["99% 分位损失（独立）"] / 10_000).tolist()                 # 500, 50, 22.5, 13.75 万
    [500.0, 50.0, 22.5, 13.75]
    """
    params = parameters().granularity
    total = require_number(params.total_exposure if total_exposure is None else total_exposure, "总敞口",
                           strictly_positive=True)
    p = float(_fractions(params.pd if pd is None else pd, 1, "违约概率 PD")[0])
    loss_rate = float(_fractions(params.lgd if lgd is None else lgd, 1, "违约损失率 LGD")[0])
    counts = list(params.loan_counts if loan_counts is None else loan_counts)
    if not counts:
        raise InputError("至少给出一个贷款笔数", field="贷款笔数")
    r = basel_retail_correlation(p) if rho is None else _rho(rho)
    large = vasicek_loss_quantile(total, p, loss_rate, r)
    rows = []
    for n in counts:
        book = equal_book(total, n, p, loss_rate)
        rows.append({"贷款笔数": book.n, "单笔金额": total / book.n, "预期损失 EL": book.expected_loss,
                     "损失标准差（独立）": total * loss_rate * float(np.sqrt(p * (1 - p) / book.n)),
                     "99% 分位损失（独立）": binomial_loss_quantile(total, book.n, p, loss_rate),
                     "99% 分位损失（相关，大样本）": large if book.n >= 200 else np.nan,
                     "HHI": book.hhi, "有效笔数": book.effective_number})
    return pandas.DataFrame(rows, columns=list(GRANULARITY_COLUMNS))


def granularity_simulation(loan_counts: list[int] | tuple[int, ...] | None = None, *, model: str = "vasicek",
                           rho: float | None = None, shock: Shock | str | None = None, scenarios: int | None = None,
                           seed: int | None = None, total_exposure: float | None = None, pd: float | None = None,
                           lgd: float | None = None) -> pandas.DataFrame:
    """Monte Carlo summary (:meth:`LossDistribution.summary`) for each number of loans, one row per count.

    Examples
    --------
    >>> t = granularity_simulation([1, 200, 2000], model="binomial", scenarios=5_000, seed=7)
    >>> bool(t["损失标准差"].is_monotonic_decreasing), t["有效笔数"].round().tolist()
    (True, [1.0, 200.0, 2000.0])
    """
    params = parameters().granularity
    the_shock = _shock(shock)
    rows = []
    for n in (params.loan_counts if loan_counts is None else loan_counts):
        book = equal_book(params.total_exposure if total_exposure is None else total_exposure, n,
                          params.pd if pd is None else pd, params.lgd if lgd is None else lgd,
                          cluster_share=the_shock.share if the_shock is not None else 0.0)
        rows.append(simulate_losses(book, model=model, rho=rho, shock=the_shock, scenarios=scenarios,
                                    seed=seed).summary())
    return pandas.DataFrame(rows).reset_index(drop=True)
