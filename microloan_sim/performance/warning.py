"""Early-warning signals (贷后预警) read from one loan's post-loan account flows.

Three rules (thresholds are 示例参数 in ``data/performance.yaml``, ``early_warning``):

* 入账下降 inflow drop: account inflows over the last three months more than ``inflow_drop`` below the same
  months of the record year;
* 余额枯竭 balance drain: cash below one scheduled payment for ``drain_months`` months in a row;
* 新增债权人 new lender: payments to a lender that was not there before.

Examples
--------
>>> import microloan_sim as ml
>>> from microloan_sim.performance import Shock, play_loan
>>> path = play_loan(ml.casebook.load_case("C07"), 200_000, 0.072, 24,
...                  shocks=[Shock("sales_drop", start=5, size=0.35)])
>>> signals = warning_signals(path)
>>> int(signals["any"].idxmax()) < int((path.frame["dpd"] > 90).idxmax())
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, require_number
from .loan import LoanPath
from .parameters import load_parameters

SIGNAL_LABELS = {"inflow_drop": "入账下降", "balance_drain": "余额枯竭", "new_lender": "新增债权人"}


def warning_signals(path: LoanPath, inflow_drop: float | None = None, drain_months: int | None = None,
                    new_lender: bool | None = None) -> pd.DataFrame:
    """One row per loan month: ``inflow_drop``, ``balance_drain``, ``new_lender`` and ``any`` (booleans; ``any``
    only while the loan is current: an early warning comes before the first missed payment).

    ``path`` must come from :func:`~microloan_sim.performance.play_loan` (it carries the account inflows).
    """
    if "inflow" not in path.frame.columns:
        raise InputError("需要由 play_loan 得到的回放（含账户入账）", field="贷款回放")
    ew = load_parameters().early_warning
    drop = ew.inflow_drop if inflow_drop is None else require_number(inflow_drop, "入账下降幅度", minimum=0, maximum=1)
    run = ew.drain_months if drain_months is None else int(require_number(drain_months, "余额不足月数", minimum=1))
    use_lender = ew.new_lender if new_lender is None else bool(new_lender)
    f = path.frame
    got = f["inflow"].rolling(3, min_periods=1).sum()
    want = f["expected_inflow"].rolling(3, min_periods=1).sum()
    inflow = (want > 0) & (got < (1 - drop) * want)
    instalment = float(f["due"].max()) if len(f) else 0.0
    low = (f["cash"] < instalment) & (f["balance"] > 0)
    streak = low.astype(int).groupby((~low).cumsum()).cumsum()
    drain = streak >= run
    lender = f["new_lender"].astype(bool) & use_lender
    out = pd.DataFrame({"inflow_drop": inflow, "balance_drain": drain, "new_lender": lender}, index=f.index)
    out["any"] = out.any(axis=1) & (f["balance"] > 0) & (f["dpd"] == 0)
    return out


def first_warning(signals: pd.DataFrame) -> int | None:
    """The first loan month with any signal, or None."""
    hits = np.flatnonzero(signals["any"].to_numpy())
    return int(signals.index[hits[0]]) if hits.size else None
