"""贷后表现 (loan performance): a loan played forward on a borrower, and books of loans.

One loan (:func:`play_loan`, :func:`play`): the case's monthly cash (its statements, extended with their
seasonality, :func:`project`) meets the schedule; the borrower pays fees → interest → principal from what
cash allows; the rest is arrears, days past due, the M0…M4+ bucket and the 五级分类 floor
(:func:`floor`); shocks (:class:`Shock`) and 展期 / 重组 (:class:`Extension`, :class:`Restructure`) are data;
the loss of a defaulted loan comes after collateral and guarantee recovery (:func:`loss_after_recovery`);
early-warning signals read the post-loan flows (:func:`warning_signals`). The four failure patterns of
004 ch.6 (过度借贷, 信息不透明, 缺乏风险评估, 还款计划不合理) are one officer decision each, replayed with
:func:`replay_failure` (:mod:`.failures`, ``data/failure_patterns.yaml``).

Books (:func:`simulate_book`)::

    book = ml.performance.simulate_book(n_loans=10_000, months=24, seed=0,
                                        segment_mix=None, annual_rate=None, shock_rate=None,
                                        systematic_sd=None, amount_factor=1.0, params=None)
    book.par(30), book.par(90)            # pandas Series by book month
    book.classification(), book.npl_ratio()
    book.roll_rates(), book.flow_to_loss(), book.vintages(days=30), book.losses()
    ml.performance.early_warning(book, inflow_drop=0.3, drain_months=2, new_lender=True)

Two knobs let another engine stand for an officer's behaviour: ``shock_rate`` (monthly probability of a
business shock per loan: a looser approval cut-off admits riskier borrowers) and ``amount_factor``
(loans larger than the borrowers' capacity, e.g. under a volume bonus). The same seed draws the same
borrowers, so two policies can be compared loan for loan. Every parameter is a 示例参数 in
``data/performance.yaml``.
"""
from __future__ import annotations

from .book import BookInputs, BookResult, draw_book, early_warning, play_book, play_book_loop, simulate_book
from .cashflow import SHOCK_KINDS, Shock, project, seasonal_profile
from . import failures
from .failures import FailureReplay, load_patterns, outcome, replay_all, replay_failure, success_levers
from .classification import BUCKETS, CATEGORIES, bucket, floor, floor_table, npl_ratio
from .loan import Extension, LoanPath, Restructure, loss_after_recovery, play, play_loan
from .metrics import flow_to_loss, npl_tolerance, par, roll_rates, vintage_rate
from .stages import CHOICES, LoanFileReview, ReviewOutcome, check_contact, collection_step, load_review
from .parameters import PerformanceParameters, load_parameters
from .warning import SIGNAL_LABELS, warning_signals

__all__ = ["BookInputs", "BookResult", "bucket", "BUCKETS", "CATEGORIES", "check_contact", "CHOICES", "collection_step",
           "draw_book", "early_warning", "Extension", "FailureReplay", "load_patterns", "outcome", "replay_all", "replay_failure",
           "success_levers", "floor", "floor_table", "flow_to_loss",
           "load_parameters", "load_review", "LoanFileReview", "LoanPath", "loss_after_recovery", "npl_ratio",
           "npl_tolerance", "par", "PerformanceParameters", "play", "play_book", "play_book_loop", "play_loan",
           "project", "Restructure", "ReviewOutcome", "roll_rates", "seasonal_profile", "Shock", "SHOCK_KINDS",
           "SIGNAL_LABELS", "simulate_book", "vintage_rate", "warning_signals"]
