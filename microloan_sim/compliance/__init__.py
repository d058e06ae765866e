"""法律合规 (compliance, course 07, 004 ch5): the checks a loan officer runs, as functions on explicit inputs.

Every check returns :class:`Finding` objects that name their rule (law and article, in Chinese) and say what was
found in Chinese. One module per check:

* :mod:`~microloan_sim.compliance.disclosure`: price disclosure (true annualised rate per PBoC 2021 No. 3,
  砍头息 and 《民法典》第670条, bundled or forced services);
* :mod:`~microloan_sim.compliance.contract`: contract terms (第668、496–497、686/692、201–203、1064、402–403条);
* :mod:`~microloan_sim.compliance.caps`: the private-lending cap of 4 × the one-year LPR (not for licensed lenders);
* :mod:`~microloan_sim.compliance.limits`: internet-lending limits, 受托支付, concentration, debt-service ratios;
* :mod:`~microloan_sim.compliance.aml`: large-value report flags and suspicious patterns on a bank statement;
* :mod:`~microloan_sim.compliance.collection`: a collection call log against the collection rules.

Thresholds and the LPR table live in ``data/compliance.yaml``; illustrative ones are marked 示例参数.

Examples
--------
>>> import microloan_sim as ml
>>> r = ml.compliance.check_disclosure(ml.compliance.Offer(100_000, 12, 0.0005, quote_unit="日息"))
>>> [f.rule for f in r.findings]
['中国人民银行公告〔2021〕第3号（明示贷款年化利率）']
"""
from __future__ import annotations

from .aml import AmlReport, aml_review, aml_review_case, classify, large_value_flags, record_retention_until, with_thresholds
from .caps import CapResult, implied_rate, informal_debts, is_licensed, private_lending_cap
from .collection import check_call_log, sample_call_log, validate_call_log
from .contract import (Guarantee, LoanContract, Pledge, StandardTerm, check_contract, guarantee_period_end, period_end,
                       sample_contract)
from .disclosure import DisclosureResult, Offer, check_disclosure, contract_rate
from .findings import BREACH, NOTE, REPORT, RISK, SEVERITIES, SUSPICIOUS, CHECK_LABELS, Finding, codes, findings_frame
from .limits import (InternetLimits, debt_service_ratios, entrusted_payment, internet_lending_limits,
                     single_borrower_limit)
from .parameters import ComplianceParameters, lpr_on, parameters

__all__ = [
    "AmlReport", "BREACH", "CHECK_LABELS", "CapResult", "ComplianceParameters", "DisclosureResult", "Finding",
    "Guarantee", "InternetLimits", "LoanContract", "NOTE", "Offer", "Pledge", "REPORT", "RISK", "SEVERITIES",
    "SUSPICIOUS", "StandardTerm", "aml_review", "aml_review_case", "check_call_log", "check_contract",
    "check_disclosure", "classify", "codes", "contract_rate", "debt_service_ratios", "entrusted_payment",
    "findings_frame", "guarantee_period_end", "implied_rate", "informal_debts", "internet_lending_limits",
    "is_licensed", "large_value_flags", "lpr_on", "parameters", "period_end", "private_lending_cap",
    "record_retention_until", "sample_call_log", "sample_contract", "single_borrower_limit", "validate_call_log",
    "with_thresholds",
]
