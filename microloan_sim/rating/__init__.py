r"""信用评级 (credit rating), domain §4: scorecards as data, grades, initial credit line and reason codes;
and a statistical scorecard (WoE binning + logistic regression) beside the expert one.

Expert scorecards
-----------------
A scorecard is a YAML file in ``microloan_sim/data/scorecards/`` (all numbers 示例参数). Each indicator
names a **source**, a field of the case in a small explicit vocabulary (see :func:`sources`)::

    borrower.years_in_business   credit.overdue_times_24m   soft_information.reputation
    household.labourers          ratio.debt_ratio           derived.disposable_to_instalment
    answer.<name>                (an answer the officer types in; needs a ``default``)

and a point table: ``bins`` (``[min, max)`` ranges), ``categories`` (value → points) or ``linear``
(points grow in proportion from ``from`` to ``to``). The points add up to a score; grade bands turn the
score into a grade (AAA ≥ 90 …, domain §4.2); the grade sets the initial credit line
(``min(multiple × source, …) × coefficient``, capped by grade). Reason codes are the indicators that
cost the most points.

Loading checks more than the schema: the indicator maxima must add up to the card's ``total``; the grade
bands must cover ``0 … total`` with no gap and no overlap; the bins of an indicator must not overlap or
leave a gap; every source must be in the vocabulary. Errors are Chinese and name the file and key. An
instructor adds a card by dropping a YAML file into the folder: :func:`list_scorecards` finds it.

Statistical scorecard
---------------------
:func:`simulate_portfolio` draws applicants with the business card's features and a default flag from a
known latent logistic model (``data/statistical_scorecard.yaml``). :func:`fit_statistical_scorecard`
bins each feature, replaces it by its weight of evidence

.. math:: \mathrm{WoE}_i = \ln \frac{(g_i + s)/(G + s k)}{(b_i + s)/(B + s k)}

fits :class:`sklearn.linear_model.LogisticRegression` on the WoE values and scales the log-odds to
points: ``score = offset + factor × ln(odds good:bad)`` with ``factor = PDO / ln 2`` and
``offset = base_points − factor × ln(base_odds)`` (600 points at 50:1, PDO 20). :func:`compare_expert_vs_statistical`
reports AUC and KS on held-out data; :func:`data_size_effect` shows how the statistical card degrades when
it is trained on few borrowers, the reason a data-poor segment needs an expert card.

Layout
------
This package is the public face; one module per concern behind it:

* :mod:`~microloan_sim.rating.vocabulary`: the source vocabulary;
* :mod:`~microloan_sim.rating.scorecards`: the scorecard schema, its checks, loading and discovery;
* :mod:`~microloan_sim.rating.expert`: rating a case (answers, score, grade, reasons, what-ifs);
* :mod:`~microloan_sim.rating.credit_line`: initial credit lines, including the farmer line (re-exported by
  :mod:`microloan_sim.sizing`);
* :mod:`~microloan_sim.rating.sizing_parameters`: ``data/sizing.yaml``, read by the rating and by sizing;
* :mod:`~microloan_sim.rating.statistical`: the statistical scorecard, AUC/KS, simulated applicants;
* :mod:`~microloan_sim.rating.approval`: the approval-threshold trade-off.

The statistical card and the approval trade-off are imported on first use of one of their names (module
``__getattr__``): rating a case, which every sizing page does, does not pay for their models.

The rating sits below :mod:`microloan_sim.sizing` on the layer ladder and never imports it.

Examples
--------
>>> import microloan_sim as ml
>>> r = rate(ml.casebook.load_case("C01"), "小微企业")
>>> r.score, r.grade
(64.0, 'B')
>>> [reason.code for reason in r.reasons][:2]
['disposable_to_instalment', 'equity_check']
>>> what_if = rate(ml.casebook.load_case("C01"), "business", overrides={"credit.overdue_times_24m": 3})
>>> r.score - what_if.score
10.0
"""
from __future__ import annotations

import importlib
from typing import Any

from .expert import Rating, Reason, case_answers, rate, rate_answers
from .scorecards import (
    SCORECARD_DIR,
    SCORECARDS_ENV,
    Assumptions,
    match_category,
    Bin,
    CreditLineRule,
    GradeBand,
    Indicator,
    LineTerm,
    Linear,
    Scorecard,
    Segment,
    applicable_scorecards,
    bin_label,
    default_scorecard,
    list_scorecards,
    load_scorecard,
    load_scorecard_file,
    scorecard_dirs,
)
from .vocabulary import SOURCES, Source, source_info, sources

__all__ = [
    "APPROVAL_COLUMNS", "APPROVAL_MODELS", "ApprovalEconomics", "ApprovalSimulation", "approval_simulation",
    "approval_tradeoff", "Bin", "Comparison", "CreditLineRule", "FeatureBins", "GradeBand", "Indicator", "Rating", "Reason", "Scorecard",
    "Source", "StatisticalParameters", "StatisticalScorecard", "applicable_scorecards", "auc_ks", "bin_label",
    "case_answers", "compare_expert_vs_statistical", "data_size_effect", "default_scorecard",
    "fit_statistical_scorecard", "list_scorecards", "load_scorecard", "load_scorecard_file", "match_category", "rate", "rate_answers",
    "score_frame", "scorecard_dirs", "simulate_portfolio", "source_info", "sources", "statistical_parameters",
]

#: names of the statistical card and the approval trade-off -> the module that defines them (imported on use)
_LAZY = {
    **dict.fromkeys(("APPROVAL_COLUMNS", "APPROVAL_MODELS", "ApprovalSimulation", "approval_simulation",
                     "approval_tradeoff"), "approval"),
    **dict.fromkeys(("STATISTICAL_FILE", "ApprovalEconomics", "Comparison", "FeatureBins", "StatisticalParameters",
                     "StatisticalScorecard", "auc_ks", "compare_expert_vs_statistical", "data_size_effect",
                     "fit_statistical_scorecard", "score_frame", "simulate_portfolio", "statistical_parameters"),
                    "statistical"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'microloan_sim.rating' has no attribute {name!r}")
