"""The statistical scorecard beside the expert one: simulated applicants from a known latent model, WoE
binning + logistic regression scaled to points, AUC/KS on held-out applicants, and the effect of the
training-sample size. :func:`score_frame` scores many applicants with an expert card for the comparison.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from .._data import data_path, load_cached_model
from ..errors import InputError, require_number
from .scorecards import SCORECARD_DIR, Scorecard, _lookup, _Strict, load_scorecard
from .vocabulary import SOURCES, _unit_value

STATISTICAL_FILE = "statistical_scorecard.yaml"


def score_frame(scorecard: str | Path | Scorecard, frame: pd.DataFrame) -> np.ndarray:
    """Expert scores of many applicants at once; ``frame`` has one column per source the card reads.

    Examples
    --------
    >>> portfolio = simulate_portfolio(3, seed=1)
    >>> score_frame("business", portfolio).shape
    (3,)
    """
    card = load_scorecard(scorecard)
    missing = [ind.source for ind in card.indicators if ind.source not in frame.columns]
    if missing:
        raise InputError(f"缺少评分卡需要的列：{'、'.join(missing)}", field="数据")
    total = np.zeros(len(frame))
    for ind in card.indicators:
        points = _lookup(ind, frame[ind.source])
        if np.isnan(points).any():
            row = int(np.argmax(np.isnan(points)))
            raise InputError(f"第 {row + 1} 行的取值“{frame[ind.source].iloc[row]}”无法评分", field=ind.source)
        total += points
    return total


class _Scaling(_Strict):
    base_points: float
    base_odds: float = Field(gt=0)
    pdo: float = Field(gt=0)


class _Binning(_Strict):
    max_bins: int = Field(ge=2, le=20)
    smoothing: float = Field(gt=0)


class _Model(_Strict):
    C: float = Field(gt=0)


class _Evaluation(_Strict):
    expert_scorecard: str
    n_train: int = Field(ge=20)
    n_test: int = Field(ge=20)
    train_sizes: list[int] = Field(min_length=1)
    repeats: int = Field(ge=1, le=200)
    seed: int = Field(ge=0)


class _LatentTerm(_Strict):
    feature: str
    coefficient: float | None = None
    transform: Literal["linear", "log"] = "linear"
    categories: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> _LatentTerm:
        if (self.coefficient is None) == (self.categories is None):
            raise ValueError(f"{self.feature}：应且只应给出 coefficient 或 categories 之一")
        if self.feature not in _SIMULATED:
            raise ValueError(f"模拟客户群没有特征“{self.feature}”（可用：{'、'.join(_SIMULATED)}）")
        return self


class _Latent(_Strict):
    intercept: float
    terms: list[_LatentTerm]


class ApprovalEconomics(_Strict):
    """Per-loan economics of the approval-threshold simulation (示例参数, ``approval:`` block).

    A loan that is repaid earns ``loan_amount × (annual_rate − funding_cost) × term_months / 12 −
    operating_cost``; a loan that defaults loses ``loan_amount × lgd + operating_cost``.
    """

    loan_amount: float = Field(gt=0)
    term_months: int = Field(ge=1, le=360)
    annual_rate: float = Field(ge=0, le=1)
    funding_cost: float = Field(ge=0, le=1)
    operating_cost: float = Field(ge=0)
    lgd: float = Field(ge=0, le=1)

    @property
    def profit_if_repaid(self) -> float:
        return self.loan_amount * (self.annual_rate - self.funding_cost) * self.term_months / 12 - self.operating_cost

    @property
    def loss_if_default(self) -> float:
        return self.loan_amount * self.lgd + self.operating_cost

    @property
    def break_even_default_rate(self) -> float:
        """The default rate among approved loans at which the book just breaks even: g / (g + l)."""
        gain, loss = self.profit_if_repaid, self.loss_if_default
        return gain / (gain + loss) if gain > 0 else 0.0


class StatisticalParameters(_Strict):
    """Schema of ``data/statistical_scorecard.yaml`` (示例参数)."""

    illustrative: Literal[True] = True
    scaling: _Scaling
    binning: _Binning
    model: _Model
    evaluation: _Evaluation
    latent_model: _Latent
    approval: ApprovalEconomics


def statistical_parameters(path: Path | str | None = None) -> StatisticalParameters:
    """Load and validate the statistical-scorecard parameters.

    Examples
    --------
    >>> p = statistical_parameters()
    >>> p.scaling.base_points, p.scaling.base_odds, p.scaling.pdo
    (600.0, 50.0, 20.0)
    """
    result: StatisticalParameters = load_cached_model(StatisticalParameters, path, STATISTICAL_FILE)
    return result



#: Features of a simulated applicant (the sources of the business card).
_SIMULATED = (
    "borrower.years_in_business", "derived.premises_type", "soft_information.industry_outlook",
    "derived.equity_check_deviation", "ratio.debt_ratio", "ratio.current_ratio", "derived.disposable_to_instalment",
    "credit.overdue_times_24m", "credit.max_overdue_days", "credit.current_overdue", "credit.inquiries_6m",
    "credit.years_with_bank", "soft_information.reputation", "soft_information.family_stability",
    "derived.guarantee_type",
)


def _child_seed(seed: int, *path: int) -> int:
    return int(np.random.SeedSequence([int(seed), *path]).generate_state(1)[0])


def _rating_word(z: np.ndarray, good: float, bad: float) -> np.ndarray:
    return np.where(z > good, "好", np.where(z < bad, "差", "一般"))


def simulate_portfolio(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Simulated small-business applicants with a default flag drawn from a known latent model.

    Features (columns named by source, as the business card reads them) are drawn around a hidden
    "management quality" ``q ~ N(0, 1)``, so they are correlated as in life. The default flag is drawn
    with probability ``sigmoid(intercept + Σ terms)`` of ``latent_model`` in
    ``data/statistical_scorecard.yaml``; the column ``true_pd`` holds that probability (a fitted model
    never sees it).

    Examples
    --------
    >>> a = simulate_portfolio(1000, seed=7)
    >>> b = simulate_portfolio(1000, seed=7)
    >>> a.equals(b), bool(0.02 < a["default"].mean() < 0.2)
    (True, True)
    """
    count = int(require_number(n, "样本量", strictly_positive=True, maximum=1_000_000))
    rng = np.random.default_rng(int(require_number(seed, "随机种子", minimum=0)))
    q = rng.normal(size=count)
    years = np.clip(np.round(rng.gamma(2.2, 3.0, count) + 0.8 * q, 1), 0, 40)
    overdue = rng.poisson(np.exp(-1.1 - 0.7 * q))
    frame = pd.DataFrame({
        "borrower.years_in_business": years,
        "derived.premises_type": rng.choice(["自有", "租赁", "其他"], count, p=[0.3, 0.62, 0.08]),
        "soft_information.industry_outlook": rng.choice(["好", "一般", "差"], count, p=[0.25, 0.6, 0.15]),
        "derived.equity_check_deviation": np.abs(rng.normal(0, 0.07, count) * np.exp(-0.35 * q)),
        "ratio.debt_ratio": np.clip(rng.beta(2.0, 4.0, count) - 0.06 * q, 0, 0.98),
        "ratio.current_ratio": np.exp(rng.normal(np.log(1.6) + 0.15 * q, 0.45)),
        "derived.disposable_to_instalment": np.exp(rng.normal(np.log(1.5) + 0.2 * q, 0.45)),
        "credit.overdue_times_24m": overdue.astype(float),
        "credit.max_overdue_days": np.where(overdue > 0, np.ceil(rng.exponential(12.0, count) * overdue), 0.0),
        "credit.current_overdue": np.where(rng.random(count) < np.where(overdue > 0, 0.12, 0.01), "是", "否"),
        "credit.inquiries_6m": rng.poisson(np.exp(0.35 - 0.3 * q)).astype(float),
        "credit.years_with_bank": np.round(np.minimum(rng.gamma(1.5, 2.0, count), years), 1),
        "soft_information.reputation": _rating_word(q + rng.normal(0, 1, count), 0.3, -1.6),
        "soft_information.family_stability": _rating_word(rng.normal(0, 1, count), 0.0, -1.5),
        "derived.guarantee_type": rng.choice(["房产", "应收账款", "存货", "保证人", "无"], count,
                                             p=[0.2, 0.1, 0.1, 0.45, 0.15]),
    })
    logit = _latent_logit(frame, statistical_parameters().latent_model)
    true_pd = 1 / (1 + np.exp(-logit))
    frame["true_pd"] = true_pd
    frame["default"] = (rng.random(count) < true_pd).astype(int)
    return frame


def _latent_logit(frame: pd.DataFrame, latent: _Latent) -> np.ndarray:
    logit = np.full(len(frame), latent.intercept)
    for term in latent.terms:
        column = frame[term.feature]
        if term.categories is not None:
            logit = logit + column.map(term.categories).fillna(0.0).to_numpy(dtype=float)
        else:
            x = column.to_numpy(dtype=float)
            x = np.log(np.maximum(x, 1e-6)) if term.transform == "log" else x
            assert term.coefficient is not None
            logit = logit + term.coefficient * x
    return logit


@dataclass(frozen=True)
class FeatureBins:
    """The bins of one feature in a statistical scorecard: cut points (numeric) or categories, with WoE."""

    feature: str
    cuts: tuple[float, ...] | None
    categories: tuple[str, ...] | None
    woe: tuple[float, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    bad_rates: tuple[float, ...]

    def index(self, values: pd.Series) -> np.ndarray:
        """Bin number of each value (−1 for a category unseen in training)."""
        if self.cuts is not None:
            return np.searchsorted(np.asarray(self.cuts), values.to_numpy(dtype=float), side="right")
        text = np.asarray(values, dtype=object).astype(str)
        return np.asarray(pd.Index(list(self.categories or ()), dtype=object).get_indexer(text), dtype=int)

    def transform(self, values: pd.Series) -> np.ndarray:
        """WoE of each value (0 for an unseen category: no evidence either way)."""
        idx = self.index(values)
        woe = np.append(np.asarray(self.woe), 0.0)
        return woe[np.where(idx < 0, len(self.woe), idx)]


@dataclass(frozen=True)
class StatisticalScorecard:
    """A fitted statistical scorecard: WoE bins, logistic-regression weights and the points scaling.

    ``table`` lists every bin: 特征, 分箱, 样本数, 违约率, WoE, 分值 (points, rounded for display).
    """

    features: tuple[str, ...]
    bins: dict[str, FeatureBins]
    intercept: float
    coefficients: dict[str, float]
    factor: float
    offset: float
    n_train: int
    default_rate: float
    table: pd.DataFrame

    @property
    def base_points(self) -> float:
        """Points every applicant starts with: ``offset − factor × intercept``."""
        return self.offset - self.factor * self.intercept

    def log_odds_bad(self, data: pd.DataFrame) -> np.ndarray:
        z = np.full(len(data), self.intercept)
        for f in self.features:
            z = z + self.coefficients[f] * self.bins[f].transform(data[f])
        return z

    def predict_pd(self, data: pd.DataFrame) -> np.ndarray:
        """Predicted probability of default."""
        return 1 / (1 + np.exp(-self.log_odds_bad(data)))

    def score(self, data: pd.DataFrame) -> np.ndarray:
        """Points: ``offset + factor × ln(odds good:bad)``; higher is safer."""
        return self.offset - self.factor * self.log_odds_bad(data)


def _bin_feature(feature: str, x: pd.Series, y: np.ndarray, max_bins: int, smoothing: float) -> FeatureBins:
    numeric = pd.api.types.is_numeric_dtype(x)
    if numeric:
        values = x.to_numpy(dtype=float)
        unique = np.unique(values)
        if len(unique) <= max_bins:
            cuts = unique[1:]
        else:
            cuts = np.unique(np.quantile(values, np.linspace(0, 1, max_bins + 1)[1:-1]))
            cuts = cuts[cuts > values.min()]
        holder = FeatureBins(feature, tuple(float(c) for c in cuts), None, (), (), (), ())
        count = len(cuts) + 1
    else:
        cats = tuple(sorted(x.astype(str).unique()))
        holder = FeatureBins(feature, None, cats, (), (), (), ())
        count = len(cats)
    idx = holder.index(x)
    bad = np.bincount(idx, weights=y, minlength=count)
    total = np.bincount(idx, minlength=count).astype(float)
    good = total - bad
    big_g, big_b = good.sum(), bad.sum()
    woe = np.log(((good + smoothing) / (big_g + smoothing * count)) / ((bad + smoothing) / (big_b + smoothing * count)))
    unit = SOURCES[feature].unit if feature in SOURCES else ""
    if holder.cuts is not None:
        edges = [-math.inf, *holder.cuts, math.inf]
        labels = []
        for lo, hi in pairwise(edges):
            if math.isinf(lo):
                labels.append(f"< {_unit_value(hi, unit)}")
            elif math.isinf(hi):
                labels.append(f"≥ {_unit_value(lo, unit)}")
            else:
                labels.append(f"{_unit_value(lo, unit)} – {_unit_value(hi, unit)}")
    else:
        labels = list(holder.categories or ())
    rates = np.divide(bad, total, out=np.full(count, np.nan), where=total > 0)
    return FeatureBins(feature, holder.cuts, holder.categories, tuple(float(w) for w in woe), tuple(labels),
                       tuple(int(t) for t in total), tuple(float(r) for r in rates))


def fit_statistical_scorecard(data: pd.DataFrame | None = None, *, n: int | None = None, seed: int | None = None,
                              features: Sequence[str] | None = None) -> StatisticalScorecard:
    """Fit a statistical scorecard: WoE binning + scikit-learn ``LogisticRegression``, scaled by PDO/odds.

    Parameters
    ----------
    data : DataFrame, optional
        Training applicants: feature columns plus ``default`` (0/1). If omitted, ``n`` applicants are
        simulated with ``seed`` (defaults from ``data/statistical_scorecard.yaml``).
    features : sequence of str, optional
        Feature columns to use; default: every simulated feature.

    Examples
    --------
    >>> card = fit_statistical_scorecard(n=2000, seed=3)
    >>> p = statistical_parameters().scaling
    >>> # at the base odds (50:1 good:bad) the score is the base points, and doubling the odds adds PDO:
    >>> round(card.offset + card.factor * math.log(p.base_odds), 6), round(card.factor * math.log(2), 6)
    (600.0, 20.0)
    """
    from sklearn.linear_model import LogisticRegression

    params = statistical_parameters()
    if data is None:
        data = simulate_portfolio(params.evaluation.n_train if n is None else n,
                                  params.evaluation.seed if seed is None else seed)
    chosen = tuple(features) if features is not None else tuple(c for c in _SIMULATED if c in data.columns)
    missing = [c for c in (*chosen, "default") if c not in data.columns]
    if missing:
        raise InputError(f"训练数据缺少列：{'、'.join(missing)}", field="数据")
    y = pd.to_numeric(data["default"], errors="coerce").to_numpy(dtype=float)
    if np.isnan(y).any() or not set(np.unique(y)) <= {0.0, 1.0}:
        raise InputError("default 列只能是 0（正常）或 1（违约）", field="default")
    if y.sum() < 2 or (len(y) - y.sum()) < 2:
        raise InputError(f"训练样本中违约 {int(y.sum())} 户、正常 {int(len(y) - y.sum())} 户：两类都至少要有 2 户才能建模",
                         field="default")
    bins = {f: _bin_feature(f, data[f], y, params.binning.max_bins, params.binning.smoothing) for f in chosen}
    woe = np.column_stack([bins[f].transform(data[f]) for f in chosen])
    model = LogisticRegression(C=params.model.C, max_iter=2000)
    model.fit(woe, y.astype(int))
    factor = params.scaling.pdo / math.log(2)
    offset = params.scaling.base_points - factor * math.log(params.scaling.base_odds)
    coefficients = {f: float(c) for f, c in zip(chosen, model.coef_[0])}
    rows = []
    for f in chosen:
        fb = bins[f]
        for label, count, rate_, w in zip(fb.labels, fb.counts, fb.bad_rates, fb.woe):
            rows.append({"特征": SOURCES[f].label if f in SOURCES else f, "分箱": label, "样本数": count,
                         "违约率": rate_, "WoE": w, "分值": round(-factor * coefficients[f] * w)})
    table = pd.DataFrame(rows, columns=["特征", "分箱", "样本数", "违约率", "WoE", "分值"])
    return StatisticalScorecard(features=chosen, bins=bins, intercept=float(model.intercept_[0]),
                                coefficients=coefficients, factor=factor, offset=offset, n_train=len(data),
                                default_rate=float(y.mean()), table=table)


def auc_ks(defaults: np.ndarray | pd.Series, scores: np.ndarray | pd.Series) -> tuple[float, float]:
    """AUC (``sklearn.metrics.roc_auc_score``) and KS (max of TPR − FPR on the ROC curve) of a score
    where **higher means safer**.

    Examples
    --------
    >>> auc_ks([0, 0, 1, 1], [700, 650, 600, 640])
    (1.0, 1.0)
    """
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.asarray(defaults, dtype=int)
    risk = -np.asarray(scores, dtype=float)
    fpr, tpr, _ = roc_curve(y, risk)
    return float(roc_auc_score(y, risk)), float(np.max(tpr - fpr))


@dataclass(frozen=True)
class Comparison:
    """Expert vs statistical scorecard on the same held-out applicants."""

    table: pd.DataFrame
    expert_auc: float
    expert_ks: float
    statistical_auc: float
    statistical_ks: float
    true_auc: float
    true_ks: float
    n_train: int
    n_test: int
    default_rate: float
    statistical: StatisticalScorecard
    #: the held-out applicants' default flags and each model's scores on them (for the approval simulation)
    test_defaults: np.ndarray
    test_scores: dict[str, np.ndarray]


def compare_expert_vs_statistical(scorecard: str = "", *, n_train: int | None = None, n_test: int | None = None,
                                  seed: int | None = None) -> Comparison:
    """AUC and KS of the expert card and of a statistical card fitted on ``n_train`` simulated applicants,
    both measured on ``n_test`` held-out applicants; the latent model's own PD is the ceiling.

    Results are cached (the same arguments give the same object).

    Examples
    --------
    >>> c = compare_expert_vs_statistical(n_train=5000, n_test=5000, seed=11)
    >>> c.statistical_auc > c.expert_auc > 0.6, c.true_auc >= c.statistical_auc - 0.01
    (True, True)
    """
    p = statistical_parameters().evaluation
    return _compare(scorecard or p.expert_scorecard, p.n_train if n_train is None else int(n_train),
                    p.n_test if n_test is None else int(n_test), p.seed if seed is None else int(seed),
                    _parameters_stamp())


def _parameters_stamp() -> tuple[int, ...]:
    files = [data_path(STATISTICAL_FILE), *sorted(SCORECARD_DIR.glob("*.yaml"))]
    return tuple(f.stat().st_mtime_ns for f in files)


@lru_cache(maxsize=16)
def _compare(scorecard: str, n_train: int, n_test: int, seed: int, _stamp: tuple[int, ...]) -> Comparison:
    train = simulate_portfolio(n_train, _child_seed(seed, 1))
    test = simulate_portfolio(n_test, _child_seed(seed, 2))
    stat = fit_statistical_scorecard(train)
    y = test["default"].to_numpy()
    scores = {"expert": np.asarray(score_frame(scorecard, test), dtype=float),
              "statistical": np.asarray(stat.score(test), dtype=float)}
    expert = auc_ks(y, scores["expert"])
    statistical = auc_ks(y, scores["statistical"])
    truth = auc_ks(y, -test["true_pd"].to_numpy())
    card = load_scorecard(scorecard)
    table = pd.DataFrame({"AUC": [expert[0], statistical[0], truth[0]], "KS": [expert[1], statistical[1], truth[1]]},
                         index=[f"专家评分卡：{card.name}", f"统计评分卡：{n_train:,} 户训练", "真实模型（理论上限）"])
    table.index.name = "模型"
    return Comparison(table=table, expert_auc=expert[0], expert_ks=expert[1], statistical_auc=statistical[0],
                      statistical_ks=statistical[1], true_auc=truth[0], true_ks=truth[1], n_train=n_train,
                      n_test=n_test, default_rate=float(y.mean()), statistical=stat, test_defaults=y,
                      test_scores=scores)


def data_size_effect(sizes: Sequence[int] | None = None, *, repeats: int | None = None, seed: int | None = None,
                     n_test: int | None = None, scorecard: str = "") -> pd.DataFrame:
    """How the statistical card's held-out AUC depends on the training sample size, beside the expert card.

    For each size the card is fitted ``repeats`` times on fresh simulated samples; samples with fewer than
    two defaults cannot be fitted and are counted as failures. Columns: 训练样本量, 统计评分卡 AUC（平均）,
    最低, 最高, 专家评分卡 AUC, 建模成功次数. Cached.

    Examples
    --------
    >>> t = data_size_effect([100, 5000], repeats=5, seed=3)
    >>> bool(t.loc[0, "统计评分卡 AUC（平均）"] < t.loc[1, "统计评分卡 AUC（平均）"])
    True
    """
    p = statistical_parameters().evaluation
    chosen = tuple(int(require_number(s, "训练样本量", minimum=20)) for s in (p.train_sizes if sizes is None else sizes))
    return _size_effect(chosen, p.repeats if repeats is None else int(repeats), p.seed if seed is None else int(seed),
                        p.n_test if n_test is None else int(n_test), scorecard or p.expert_scorecard,
                        _parameters_stamp()).copy()


@lru_cache(maxsize=8)
def _size_effect(sizes: tuple[int, ...], repeats: int, seed: int, n_test: int, scorecard: str,
                 _stamp: tuple[int, ...]) -> pd.DataFrame:
    test = simulate_portfolio(n_test, _child_seed(seed, 2))
    y = test["default"].to_numpy()
    expert_auc = auc_ks(y, score_frame(scorecard, test))[0]
    rows = []
    for i, size in enumerate(sizes):
        aucs = []
        for r in range(repeats):
            train = simulate_portfolio(size, _child_seed(seed, 10 + i, r))
            try:
                card = fit_statistical_scorecard(train)
            except InputError:
                continue
            aucs.append(auc_ks(y, card.score(test))[0])
        rows.append({"训练样本量": size,
                     "统计评分卡 AUC（平均）": float(np.mean(aucs)) if aucs else math.nan,
                     "最低": float(np.min(aucs)) if aucs else math.nan,
                     "最高": float(np.max(aucs)) if aucs else math.nan,
                     "专家评分卡 AUC": expert_auc, "建模成功次数": f"{len(aucs)}/{repeats}"})
    return pd.DataFrame(rows)


__all__ = [
    "STATISTICAL_FILE", "ApprovalEconomics", "Comparison", "FeatureBins", "StatisticalParameters",
    "StatisticalScorecard", "auc_ks", "compare_expert_vs_statistical", "data_size_effect",
    "fit_statistical_scorecard", "score_frame", "simulate_portfolio", "statistical_parameters",
]
