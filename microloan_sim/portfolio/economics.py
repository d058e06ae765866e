r"""Officer and branch economics: hours per stage → loans per officer per month → cost per loan → the
break-even loan size and rate, with digital pre-screening on or off.

Every figure comes from ``data/portfolio.yaml`` and is a 示例参数: no public source was found for officer
caseloads, loans per officer or cost per loan (shared/domain-parts.md §3.3; the one sourced figure there is
阜宁农商银行's visit standard of 12 households on each of three days a week).

The model (steady state, one officer):

* Without pre-screening every applicant is visited; ``1/approval_rate`` applicants per loan.
  With pre-screening a share ``rejected_share`` is turned away online before any visit; of those visited
  ``prescreen.approval_rate`` are approved, so :math:`1/((1-r)\,a')` applicants and :math:`1/a'` visits per
  loan, and the stages listed in ``hours_saved`` take that many hours less per applicant.
* Hours per new loan :math:`h = \sum_{\text{stages}} \text{hours} \times \text{(applicants, visits or 1) per loan}`;
  post-loan monitoring costs :math:`m` hours per active loan and month, and a loan stays active ``term``
  months. With :math:`H` hours a month for lending, :math:`L` loans a month satisfy
  :math:`L\,h + L\,T\,m = H`, so :math:`L = H / (h + T m)`.
* Cost per loan :math:`c` = officer cost / L + data fees per loan + the branch's fixed cost / branch loans.
* A loan of amount :math:`A` at annual rate :math:`r` earns :math:`A\,b\,(r-f)\,T/12` (average balance factor
  :math:`b`, funding cost :math:`f`) and loses :math:`A \cdot PD \cdot LGD` on average. It breaks even when
  :math:`A\,b\,(r-f)\,T/12 = c + A\,PD\,LGD`, i.e. at

  .. math:: r^* = f + \frac{c/A + PD\cdot LGD}{b\,T/12}, \qquad A^* = \frac{c}{b\,(r-f)\,T/12 - PD\cdot LGD}.

Examples
--------
>>> off = officer_economics(prescreen=False)
>>> off.applicants_per_loan, off.hours_per_new_loan, round(off.loans_per_month, 2)
(2.0, 17.0, 7.04)
>>> on = officer_economics(prescreen=True)
>>> round(on.loans_per_month, 2), on.loans_per_month > off.loans_per_month
(10.26, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError, require_number
from ._params import Branch, Officer, parameters


@dataclass(frozen=True)
class OfficerEconomics:
    """One officer's month in steady state."""

    prescreen: bool
    applicants_per_loan: float
    visits_per_loan: float
    stage_hours: pd.DataFrame          # 环节, 每户小时, 计算口径, 每笔贷款小时
    hours_per_new_loan: float
    monitoring_hours_per_loan: float   # over the loan's life
    available_hours: float
    loans_per_month: float
    active_loans: float
    officer_cost_per_loan: float
    data_cost_per_loan: float

    @property
    def cost_per_loan(self) -> float:
        """Officer and data cost of one loan (元), before the branch's fixed cost."""
        return self.officer_cost_per_loan + self.data_cost_per_loan


_PER_LABEL = {"applicant": "每个申请人", "visited": "每个上门调查的申请人", "loan": "每笔获批贷款"}


def officer_economics(prescreen: bool = False, officer: Officer | None = None) -> OfficerEconomics:
    """Loans per officer per month and cost per loan, with digital pre-screening on or off (示例参数).

    Examples
    --------
    >>> e = officer_economics(True)
    >>> round(e.applicants_per_loan, 3), round(e.visits_per_loan, 3), round(e.hours_per_new_loan, 2)
    (2.051, 1.333, 10.72)
    >>> round(e.cost_per_loan)            # 15,000 / 10.264 + 20 × 2.051 data fees
    1502
    """
    p = officer if officer is not None else parameters().officer
    ps = p.prescreen
    if prescreen:
        visits = 1.0 / ps.approval_rate
        applicants = visits / (1.0 - ps.rejected_share)
    else:
        visits = applicants = 1.0 / p.approval_rate
    multiplier = {"applicant": applicants, "visited": visits, "loan": 1.0}
    rows = []
    for stage in p.stages:
        hours = stage.hours - (ps.hours_saved.get(stage.name, 0.0) if prescreen else 0.0)
        rows.append({"环节": stage.name, "每户小时": hours, "计算口径": _PER_LABEL[stage.per],
                     "每笔贷款小时": hours * multiplier[stage.per]})
    monitoring = p.monitoring_hours_per_loan_month * p.term_months
    rows.append({"环节": "贷后管理（贷款存续期内合计）", "每户小时": p.monitoring_hours_per_loan_month,
                 "计算口径": f"每笔在贷贷款每月，共 {p.term_months} 个月", "每笔贷款小时": monitoring})
    table = pd.DataFrame(rows)
    new_loan = float(table["每笔贷款小时"].iloc[:-1].sum())
    available = p.hours_per_month * (1 - p.admin_share)
    per_loan = new_loan + monitoring
    if per_loan <= 0:
        raise InputError("各环节小时数之和必须大于 0", field="officer.stages")
    loans = available / per_loan
    return OfficerEconomics(
        prescreen=prescreen, applicants_per_loan=applicants, visits_per_loan=visits, stage_hours=table,
        hours_per_new_loan=round(new_loan, 10), monitoring_hours_per_loan=monitoring, available_hours=available,
        loans_per_month=loans, active_loans=loans * p.term_months, officer_cost_per_loan=p.monthly_cost / loans,
        data_cost_per_loan=(ps.data_cost_per_applicant * applicants) if prescreen else 0.0)


def break_even_rate(cost_per_loan: float, loan_amount: float, *, funding_cost: float, pd: float, lgd: float,
                    term_months: int, balance_factor: float) -> float:
    """The annual rate at which a loan just covers funding, expected loss and its cost:
    r* = f + (c/A + PD·LGD) / (b·T/12).

    Examples
    --------
    >>> round(break_even_rate(2_000, 100_000, funding_cost=0.025, pd=0.02, lgd=0.5, term_months=12,
    ...                       balance_factor=0.5), 4)            # 0.025 + (0.02 + 0.01) / 0.5
    0.085
    """
    c = require_number(cost_per_loan, "每笔成本", minimum=0)
    a = require_number(loan_amount, "贷款金额", strictly_positive=True)
    years = _years(term_months, balance_factor)
    return require_number(funding_cost, "资金成本", minimum=0) + (c / a + _el_rate(pd, lgd)) / years


def break_even_amount(cost_per_loan: float, annual_rate: float, *, funding_cost: float, pd: float, lgd: float,
                      term_months: int, balance_factor: float) -> float:
    """The smallest loan that breaks even at ``annual_rate``: A* = c / (b·(r − f)·T/12 − PD·LGD);
    ``inf`` when the rate does not even cover funding and expected loss.

    Examples
    --------
    >>> round(break_even_amount(2_000, 0.085, funding_cost=0.025, pd=0.02, lgd=0.5, term_months=12,
    ...                         balance_factor=0.5))
    100000
    >>> break_even_amount(2_000, 0.03, funding_cost=0.025, pd=0.02, lgd=0.5, term_months=12, balance_factor=0.5)
    inf
    """
    c = require_number(cost_per_loan, "每笔成本", minimum=0)
    r = require_number(annual_rate, "贷款年利率", minimum=0, maximum=1)
    margin = _years(term_months, balance_factor) * (r - require_number(funding_cost, "资金成本", minimum=0))
    margin -= _el_rate(pd, lgd)
    return c / margin if margin > 0 else math.inf


def _years(term_months: int, balance_factor: float) -> float:
    t = require_number(term_months, "贷款期限（月）", minimum=1)
    b = require_number(balance_factor, "平均余额系数", strictly_positive=True, maximum=1)
    return b * t / 12


def _el_rate(pd: float, lgd: float) -> float:
    return require_number(pd, "违约概率 PD", minimum=0, maximum=1) * require_number(lgd, "违约损失率 LGD", minimum=0,
                                                                                     maximum=1)


@dataclass(frozen=True)
class BranchEconomics:
    """A branch's month in steady state and the per-loan economics behind it (元)."""

    prescreen: bool
    officer: OfficerEconomics
    officers: int
    loans_per_month: float
    volume_per_month: float
    cost_per_loan: float               # officer + data + share of the branch's fixed cost
    margin_per_loan: float             # interest margin over funding, over the loan's life
    expected_loss_per_loan: float
    profit_per_loan: float
    break_even_rate: float
    break_even_amount: float

    @property
    def profit_per_month(self) -> float:
        """Lifetime profit of one month's new loans (a cohort view of the steady state)."""
        return self.profit_per_loan * self.loans_per_month

    def to_frame(self) -> pd.DataFrame:
        """The figures a learner reads, one row each: 项目, 数值, 单位."""
        rows = [
            ("每位客户经理每月放款笔数", self.officer.loans_per_month, "笔"),
            ("每位客户经理在贷笔数（管户数）", self.officer.active_loans, "笔"),
            ("网点每月放款笔数", self.loans_per_month, "笔"),
            ("网点每月放款金额", self.volume_per_month, "元"),
            ("每笔贷款成本（人工 + 数据 + 网点固定费用分摊）", self.cost_per_loan, "元"),
            ("每笔贷款利差收入（扣资金成本）", self.margin_per_loan, "元"),
            ("每笔贷款预期损失", self.expected_loss_per_loan, "元"),
            ("每笔贷款利润", self.profit_per_loan, "元"),
            ("每月新放贷款的利润合计", self.profit_per_month, "元"),
            ("保本利率", self.break_even_rate, "年利率"),
            ("按当前利率的保本贷款金额", self.break_even_amount, "元"),
        ]
        return pd.DataFrame(rows, columns=["项目", "数值", "单位"])


def branch_economics(prescreen: bool = False, *, officers: int | None = None, loan_amount: float | None = None,
                     annual_rate: float | None = None, branch: Branch | None = None,
                     officer: Officer | None = None) -> BranchEconomics:
    """Branch economics with digital pre-screening on or off; arguments override ``data/portfolio.yaml``.

    Examples
    --------
    >>> off, on = branch_economics(False), branch_economics(True)
    >>> round(off.cost_per_loan), round(on.cost_per_loan)
    (3551, 2477)
    >>> round(off.profit_per_loan), round(on.profit_per_loan)    # margin 4,125 − EL 1,000 − cost
    (-426, 648)
    >>> round(off.break_even_rate, 4), round(on.break_even_rate, 4)
    (0.1077, 0.0882)
    """
    b = branch if branch is not None else parameters().branch
    p = officer if officer is not None else parameters().officer
    staff = int(require_number(b.officers if officers is None else officers, "客户经理人数", minimum=1, maximum=1000))
    amount = require_number(b.loan_amount if loan_amount is None else loan_amount, "贷款金额", strictly_positive=True)
    rate = require_number(b.annual_rate if annual_rate is None else annual_rate, "贷款年利率", minimum=0, maximum=1)
    one = officer_economics(prescreen, p)
    loans = one.loans_per_month * staff
    cost = one.cost_per_loan + b.fixed_cost_per_month / loans
    years = _years(p.term_months, b.average_balance_factor)
    margin = amount * years * (rate - b.funding_cost)
    expected_loss = amount * _el_rate(b.pd, b.lgd)
    common = dict(funding_cost=b.funding_cost, pd=b.pd, lgd=b.lgd, term_months=p.term_months,
                  balance_factor=b.average_balance_factor)
    return BranchEconomics(
        prescreen=prescreen, officer=one, officers=staff, loans_per_month=loans, volume_per_month=loans * amount,
        cost_per_loan=cost, margin_per_loan=margin, expected_loss_per_loan=expected_loss,
        profit_per_loan=margin - expected_loss - cost,
        break_even_rate=break_even_rate(cost, amount, **common),  # type: ignore[arg-type]
        break_even_amount=break_even_amount(cost, rate, **common))  # type: ignore[arg-type]
