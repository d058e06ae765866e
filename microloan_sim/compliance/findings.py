"""What every compliance check returns: :class:`Finding` objects that name their rule (law and article).

A finding is small and self-describing: which check produced it, a stable ``code`` for tests and grading,
the law and the article in Chinese, a Chinese message a learner reads, and a severity.

Examples
--------
>>> f = Finding("disclosure", "upfront_interest", "《民法典》", "第670条", "利息不得预先在本金中扣除。", BREACH)
>>> f.rule
'《民法典》第670条'
>>> findings_frame([f]).columns.tolist()
['检查', '结论', '依据', '说明']
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Severities, most serious first. 违规: breaks a rule; 需报告: triggers a reporting duty (大额交易);
#: 可疑: a suspicious indicator to look into; 风险: a contract defect that weakens the lender's position;
#: 提示: information (a computed limit, a rule that does not apply).
BREACH, REPORT, SUSPICIOUS, RISK, NOTE = "违规", "需报告", "可疑", "风险", "提示"
SEVERITIES = (BREACH, REPORT, SUSPICIOUS, RISK, NOTE)

#: Chinese names of the checks.
CHECK_LABELS = {
    "disclosure": "价格披露",
    "contract": "合同条款",
    "interest_cap": "利率上限",
    "internet_lending": "互联网贷款限额",
    "entrusted_payment": "受托支付",
    "concentration": "集中度",
    "debt_service": "偿债比率",
    "aml": "反洗钱",
    "records": "资料保存",
    "collection": "催收行为",
}


@dataclass(frozen=True)
class Finding:
    """One result of a compliance check.

    Attributes
    ----------
    check : str
        The check's identifier (a key of :data:`CHECK_LABELS`).
    code : str
        Stable identifier of the finding kind (``upfront_interest``, ``large_cash`` …).
    law : str
        The law or rule in Chinese, e.g. ``《民法典》``.
    article : str
        The article, e.g. ``第670条``; for a rule without numbered articles, the provision's subject in
        parentheses.
    message : str
        What was found, in Chinese, with the figures.
    severity : str
        One of :data:`SEVERITIES`.
    details : Mapping
        Figures behind the message (元, dates, rates), for tests and dashboards.
    """

    check: str
    code: str
    law: str
    article: str
    message: str
    severity: str = BREACH
    details: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def rule(self) -> str:
        """Law and article together, e.g. ``《民法典》第670条``."""
        return f"{self.law}{self.article}"

    def __str__(self) -> str:
        return f"【{self.severity}】{self.message}（依据：{self.rule}）"


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table with Chinese headers (检查、结论、依据、说明), most serious first.

    Examples
    --------
    >>> rows = [Finding("aml", "a", "法", "第一条", "甲", NOTE), Finding("aml", "b", "法", "第二条", "乙", BREACH)]
    >>> findings_frame(rows)["结论"].tolist()
    ['违规', '提示']
    """
    items = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))
    return pd.DataFrame({
        "检查": [CHECK_LABELS.get(f.check, f.check) for f in items],
        "结论": [f.severity for f in items],
        "依据": [f.rule for f in items],
        "说明": [f.message for f in items],
    }, columns=["检查", "结论", "依据", "说明"])


def codes(findings: Iterable[Finding]) -> list[str]:
    """The ``code`` of each finding, in order (handy in tests and answer keys).

    Examples
    --------
    >>> codes([Finding("aml", "large_cash", "法", "第五条", "甲", REPORT)])
    ['large_cash']
    """
    return [f.code for f in findings]


def yuan(value: float) -> str:
    """Money for messages: thousands separators, no decimals unless there are fen, never ``-0``.

    Examples
    --------
    >>> yuan(100800.0), yuan(2860.5), yuan(-0.0)
    ('100,800 元', '2,860.50 元', '0 元')
    """
    value = round(float(value), 2) + 0.0
    text = f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"
    return f"{text} 元"


def pct(value: float, decimals: int = 2) -> str:
    """A fraction as a percentage for messages.

    Examples
    --------
    >>> pct(0.12), pct(0.1234, 1)
    ('12.00%', '12.3%')
    """
    return f"{float(value) * 100 + 0.0:.{decimals}f}%"
