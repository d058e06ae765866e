"""非现场调查 (off-site investigation, course Part 4 §1): analysis of a borrower's bank-statement transactions.

A statement is a :class:`pandas.DataFrame` with one row per transaction and the columns

* ``date``: date, optionally with a time of day (``2025-03-05 14:20``); rows in time order;
* ``amount``: 元, positive for money in (流入), negative for money out (流出);
* ``counterparty``: 交易对手 (对方户名);
* optional ``description`` (摘要) and ``channel`` (渠道: 微信、支付宝、手机银行、柜面…).

Chinese headers (日期、金额、交易对手/对方户名、摘要、渠道) are accepted too. :func:`validate_transactions`
checks a statement; :func:`analyse` bundles every analysis in an :class:`OffsiteReport`:

* monthly inflows and outflows and a seasonality index (each month ÷ the monthly average);
* counterparty concentration, separately for inflows and outflows: the top-N share and the
  Herfindahl–Hirschman index ``HHI = Σ sᵢ²`` of the counterparties' shares ``sᵢ``;
* large transfers (≥ a threshold, or ≥ a multiple of the median of the same direction and ≥ a floor) and
  round-number transfers (整千、整万);
* transfers with family or related parties (a given list of names), the borrower's own accounts, and
  people with the same surname (同姓，需核实);
* unusual timing: late night (only when times are present), weekends and public holidays, month-end
  bursts, and money that comes in and goes out again the same day in a similar amount (过账/走账).

The package's modules, one concern each: :mod:`.thresholds`, :mod:`.read` (reading and checking),
:mod:`.flows` (monthly flows, seasonality, concentration), :mod:`.flags` (per-transaction flags),
:mod:`.report` (:func:`analyse`) and :mod:`.simulate`.

Thresholds are 示例参数 from the ``offsite`` section of ``data/crosscheck.yaml``. Everything is vectorised:
100,000 transactions are analysed in well under a second (``bench/bench_offsite.py``).

Examples
--------
>>> tx = simulate_transactions(n_months=12, seed=1, monthly_sales=100_000)
>>> report = analyse(tx, related_parties=("李建国", "王秀兰"), borrower_name="王秀英")
>>> len(report.monthly)
12
>>> bool(abs(report.monthly["inflow"].sum() - tx.loc[tx["amount"] > 0, "amount"].sum()) < 1e-6)
True
>>> report.pass_through.shape[0] >= 1
True
"""
from __future__ import annotations

# The public face: every name of __all__, and the constants callers read (column and counterparty tables,
# the simulated shop's suppliers and customers).
from .flags import COMPOUND_SURNAMES, FLAG_LABELS, LISTED_FLAGS, annotate, recurring_private_payments
from .flows import Concentration, concentration, monthly_flows, seasonality
from .thresholds import OffsiteParameters, parameters, with_parameters
from .read import (COLUMN_ALIASES, COLUMN_LABELS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, read_transactions,
                   validate_transactions)
from .report import OffsiteReport, analyse, to_frame
from .simulate import BUSINESS_CUSTOMERS, SETTLEMENT, SUPPLIERS, TAX_OFFICE, UTILITIES, simulate_transactions

__all__ = [
    "COLUMN_ALIASES", "FLAG_LABELS", "LISTED_FLAGS", "Concentration", "OffsiteParameters", "OffsiteReport", "analyse",
    "annotate", "concentration", "monthly_flows", "parameters", "read_transactions", "recurring_private_payments",
    "seasonality",
    "simulate_transactions", "to_frame", "validate_transactions", "with_parameters",
]
