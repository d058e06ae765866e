"""反洗钱 (anti-money-laundering) on a bank statement: large-value report flags and suspicious patterns.

**Large-value reports** (《金融机构大额交易和可疑交易报告管理办法》, 中国人民银行令〔2016〕第3号 第五条): the same
customer's transactions of one day in one direction (收 or 付) are added up by kind, and a report is due when
the sum reaches (含) the threshold: cash 5万元; a natural person's domestic transfers 50万元, cross-border
20万元; a non-natural person's transfers 200万元. Thresholds live in ``data/compliance.yaml``.

**Suspicious patterns** (第十一条: report whatever the amount once there are reasonable grounds; 第十二条: each
institution sets its own monitoring standards, so every threshold here is 示例参数):

* ``near_threshold``: repeated amounts just under a large-value threshold (拆分交易、规避报告);
* ``rapid_in_out``: money in and most of it out again within days (快进快出);
* ``dormant_reactivated``: an account silent for months suddenly moving money;
* ``early_repayment``: an early repayment out of line with the account's usual inflows;
* ``loan_to_restricted_use``: loan money going to property or securities soon after disbursement.

The statement is a table as :mod:`microloan_sim.offsite` reads it (``date``, ``amount`` + in / − out,
``counterparty``, ``description``, ``channel``), checked by :func:`microloan_sim.offsite.validate_transactions`.
Optional columns: ``kind`` (``cash`` 现金 / ``transfer`` 境内转账 / ``cross_border`` 跨境转账; otherwise inferred from
the description and channel), ``customer`` and ``customer_kind`` (``natural`` 自然人 / ``non_natural`` 非自然人).
The result does not depend on the order of the rows.

Examples
--------
Worked example 2 (domain-parts §7):

>>> tx = pd.DataFrame({"date": ["2025-03-03 10:00", "2025-03-03 15:00"], "amount": [30_000, 25_000],
...                    "counterparty": ["本人", "本人"], "kind": ["cash", "cash"]})
>>> [f.code for f in aml_review(tx).findings]
['large_cash']
>>> both = tx.assign(amount=[30_000, -30_000])  # 3万 in and 3万 out: each direction below 5万
>>> aml_review(both).large_value.empty
True
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import documents, offsite
from ..casebook import Case
from ..errors import InputError
from .findings import REPORT, SUSPICIOUS, Finding, yuan
from .parameters import ComplianceParameters, as_date, parameters

CHECK = "aml"
AML_ORDER = "《金融机构大额交易和可疑交易报告管理办法》（中国人民银行令〔2016〕第3号）"
AML_LAW = "《中华人民共和国反洗钱法》"
KIND_LABELS = {"cash": "现金", "transfer": "境内转账", "cross_border": "跨境转账"}
CUSTOMER_KINDS = {"natural": "自然人", "non_natural": "非自然人"}
_KIND_ALIASES = {**{k: k for k in KIND_LABELS}, **{v: k for k, v in KIND_LABELS.items()}, "转账": "transfer"}
_CUSTOMER_ALIASES = {**{k: k for k in CUSTOMER_KINDS}, **{v: k for k, v in CUSTOMER_KINDS.items()}}
_CASH_WORDS = r"现金|存现|取现|现金缴存|现金支取"
_CROSS_BORDER_WORDS = r"跨境|境外|汇往境外|国际汇款|外汇汇出"
_LOAN_IN_WORDS = r"贷款发放|放款|贷款入账"
_EARLY_WORDS = r"提前还款|提前结清|提前归还"
DIRECTIONS = {"in": "收", "out": "付"}


@dataclass(frozen=True)
class AmlReport:
    """Large-value groups (one row per customer, day, direction and report type), findings, and the classified
    transactions."""

    large_value: pd.DataFrame
    findings: list[Finding]
    transactions: pd.DataFrame = field(repr=False)

    def large_value_table(self) -> pd.DataFrame:
        """Large-value groups with Chinese headers."""
        frame = self.large_value
        return pd.DataFrame({
            "日期": frame["day"].astype(str), "客户": frame["customer"], "方向": frame["direction"].map(DIRECTIONS),
            "报告类型": frame["report"], "笔数": frame["count"], "合计（元）": frame["total"],
            "阈值（元）": frame["threshold"],
        })


def _canonical(df: pd.DataFrame) -> pd.DataFrame:
    """The rows in one fixed order (by time, then every column), so that results do not depend on input order."""
    if not isinstance(df, pd.DataFrame):
        raise InputError("应为表格（DataFrame）", field="银行流水")
    frame = df.rename(columns=lambda c: offsite.COLUMN_ALIASES.get(str(c).strip(), str(c).strip()))
    if "date" not in frame.columns or len(frame) == 0:
        return frame
    parsed = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
    if parsed.isna().any():
        return frame  # validation names the bad row
    keys = pd.DataFrame({"_date": parsed.to_numpy()})
    for i, column in enumerate(frame.columns):
        keys[f"_{i}"] = frame[column].astype(str).to_numpy()
    order = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    return frame.iloc[order].reset_index(drop=True)


def classify(df: pd.DataFrame, customer: str = "本客户", customer_kind: str = "natural") -> pd.DataFrame:
    """Validated statement in canonical order with ``kind``, ``customer``, ``customer_kind``, ``day`` and
    ``direction`` columns.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": ["2025-03-03"], "amount": [-60_000], "counterparty": ["柜面"],
    ...                    "description": ["现金支取"]})
    >>> classify(tx)[["kind", "direction"]].values.tolist()
    [['cash', 'out']]
    """
    frame = _canonical(df)
    clean = offsite.validate_transactions(frame)
    text = clean["description"].astype(str) + " " + clean["channel"].astype(str)
    if "kind" in frame.columns:
        raw = frame["kind"].astype(str).str.strip()
        kinds = raw.map(_KIND_ALIASES)
        if kinds.isna().any():
            bad = raw[kinds.isna()].iloc[0]
            raise InputError(f"应为现金、境内转账或跨境转账，收到“{bad}”", field="kind（交易类型）")
        clean["kind"] = kinds.to_numpy()
    else:
        clean["kind"] = np.where(text.str.contains(_CASH_WORDS), "cash",
                                 np.where(text.str.contains(_CROSS_BORDER_WORDS), "cross_border", "transfer"))
    clean["customer"] = frame["customer"].astype(str).to_numpy() if "customer" in frame.columns else customer
    if "customer_kind" in frame.columns:
        raw_kind = frame["customer_kind"].astype(str).str.strip()
        mapped = raw_kind.map(_CUSTOMER_ALIASES)
        if mapped.isna().any():
            raise InputError(f"应为自然人或非自然人，收到“{raw_kind[mapped.isna()].iloc[0]}”", field="customer_kind（客户类型）")
        clean["customer_kind"] = mapped.to_numpy()
    else:
        if customer_kind not in _CUSTOMER_ALIASES:
            raise InputError(f"应为自然人或非自然人，收到“{customer_kind}”", field="客户类型")
        clean["customer_kind"] = _CUSTOMER_ALIASES[customer_kind]
    clean["day"] = clean["date"].dt.normalize()
    clean["direction"] = np.where(clean["amount"] > 0, "in", "out")
    return clean


def _report_type(tx: pd.DataFrame) -> pd.Series:
    """Large-value report type of each transaction (a transaction counts toward exactly one type)."""
    natural = tx["customer_kind"] == "natural"
    return pd.Series(np.select(
        [tx["kind"] == "cash", natural & (tx["kind"] == "cross_border"), natural, ~natural],
        ["cash", "cross_border", "domestic", "non_natural"], default="domestic"), index=tx.index)


REPORT_LABELS = {"cash": "大额现金交易", "domestic": "自然人境内大额转账", "cross_border": "自然人跨境大额转账",
                 "non_natural": "非自然人大额转账"}
REPORT_CODES = {"cash": "large_cash", "domestic": "large_transfer", "cross_border": "large_cross_border",
                "non_natural": "large_corporate_transfer"}


def _thresholds(p: ComplianceParameters) -> dict[str, float]:
    lv = p.large_value
    return {"cash": lv.cash, "domestic": lv.natural_person_domestic, "cross_border": lv.natural_person_cross_border,
            "non_natural": lv.non_natural_person_transfer}


def large_value_flags(tx: pd.DataFrame, params: ComplianceParameters | None = None) -> pd.DataFrame:
    """Days on which one customer's transactions of one type and direction reach the report threshold.

    ``tx`` is a :func:`classify` result. Columns: ``customer``, ``day``, ``direction``, ``type``, ``report``
    (Chinese), ``count``, ``total`` (元) and ``threshold`` (元).
    """
    p = params or parameters()
    limits = _thresholds(p)
    work = tx.assign(type=_report_type(tx), size=tx["amount"].abs())
    grouped = work.groupby(["customer", "day", "direction", "type"], sort=True)["size"].agg(["count", "sum"]).reset_index()
    grouped["threshold"] = grouped["type"].map(limits)
    flagged = grouped[grouped["sum"] >= grouped["threshold"] - 1e-9].rename(columns={"sum": "total"})
    flagged = flagged.assign(report=flagged["type"].map(REPORT_LABELS))
    return flagged[["customer", "day", "direction", "type", "report", "count", "total", "threshold"]].reset_index(drop=True)


def _near_threshold(tx: pd.DataFrame, p: ComplianceParameters) -> list[Finding]:
    s = p.suspicious
    limits = _thresholds(p)
    work = tx.assign(type=_report_type(tx), size=tx["amount"].abs())
    work = work[work["size"] < work["type"].map(limits)]
    work = work[work["size"] >= work["type"].map(limits) * (1 - s.near_threshold_share)]
    findings: list[Finding] = []
    window = pd.Timedelta(days=s.near_threshold_window_days)
    for (customer, kind, direction), group in work.groupby(["customer", "type", "direction"], sort=True):
        days = group["day"].sort_values().to_numpy()
        counts = np.searchsorted(days, days + window, side="left") - np.arange(len(days))
        if len(days) and counts.max() >= s.near_threshold_count:
            findings.append(Finding(
                CHECK, "near_threshold", AML_ORDER, "第十一条",
                f"{customer}在 {s.near_threshold_window_days} 天内有 {int(counts.max())} 笔{DIRECTIONS[direction]}款"
                f"金额接近{REPORT_LABELS[kind]}报告标准 {yuan(limits[kind])}（刚好低于阈值），疑似拆分交易规避大额报告。",
                SUSPICIOUS, {"count": int(counts.max()), "threshold": limits[kind]}))
    return findings


def _rapid_in_out(tx: pd.DataFrame, p: ComplianceParameters) -> list[Finding]:
    s = p.suspicious
    findings: list[Finding] = []
    for customer, group in tx.groupby("customer", sort=True):
        # a loan disbursement is followed by its use (checked by _restricted_use) or by repaying the old loan
        ins = group[(group["amount"] >= s.rapid_min_amount) & ~group["description"].str.contains(_LOAN_IN_WORDS)]
        outs = group[group["amount"] < 0]
        out_days = outs["day"].to_numpy()
        out_sizes = (-outs["amount"]).to_numpy()
        hits = []
        for day, amount in zip(ins["day"].to_numpy(), ins["amount"].to_numpy()):
            near = (out_days >= day) & (out_days <= day + np.timedelta64(s.rapid_window_days, "D"))
            if out_sizes[near].sum() >= s.rapid_out_share * amount and out_sizes[near].max(initial=0) >= 0.5 * amount:
                hits.append((pd.Timestamp(day).date(), float(amount)))
        if hits:
            sample = "、".join(f"{d} 流入 {yuan(a)}" for d, a in hits[:3])
            findings.append(Finding(
                CHECK, "rapid_in_out", AML_ORDER, "第十一条",
                f"{customer}有 {len(hits)} 次资金快进快出：大额流入后 {s.rapid_window_days} 天内转出九成以上"
                f"（如 {sample}），与正常经营不符时应进一步核实。", SUSPICIOUS, {"count": len(hits)}))
    return findings


def _dormant(tx: pd.DataFrame, p: ComplianceParameters) -> list[Finding]:
    s = p.suspicious
    findings: list[Finding] = []
    for customer, group in tx.groupby("customer", sort=True):
        days = group["day"].drop_duplicates().sort_values().reset_index(drop=True)
        gaps = days.diff().dt.days
        for i in np.flatnonzero((gaps >= s.dormant_days).to_numpy()):
            start = days.iloc[i]
            burst = group.loc[(group["day"] >= start) & (group["day"] < start + pd.Timedelta(days=30)), "amount"].abs().sum()
            if burst >= s.dormant_burst_amount:
                findings.append(Finding(
                    CHECK, "dormant_reactivated", AML_ORDER, "第十一条",
                    f"{customer}的账户 {int(gaps.iloc[i])} 天没有交易后，自 {start.date()} 起 30 天内交易 {yuan(burst)}：长期闲置账户突然启用。",
                    SUSPICIOUS))
    return findings


def _early_repayment(tx: pd.DataFrame, p: ComplianceParameters) -> list[Finding]:
    s = p.suspicious
    findings: list[Finding] = []
    for customer, group in tx.groupby("customer", sort=True):
        months = max(group["date"].dt.to_period("M").nunique(), 1)
        monthly_inflow = group.loc[group["amount"] > 0, "amount"].sum() / months
        early = group[(group["amount"] < 0) & group["description"].str.contains(_EARLY_WORDS)]
        for row in early.itertuples():
            if -row.amount >= s.early_repayment_income_multiple * monthly_inflow:
                findings.append(Finding(
                    CHECK, "early_repayment", AML_ORDER, "第十一条",
                    f"{customer}于 {row.date.date()} 提前还款 {yuan(-row.amount)}，是月均流入 {yuan(monthly_inflow)} 的"
                    f" {-row.amount / monthly_inflow:.1f} 倍，与其财务状况明显不符，应核实资金来源。" if monthly_inflow > 0 else
                    f"{customer}于 {row.date.date()} 提前还款 {yuan(-row.amount)}，账户没有相应的资金流入，应核实资金来源。",
                    SUSPICIOUS))
    return findings


def _restricted_use(tx: pd.DataFrame, p: ComplianceParameters) -> list[Finding]:
    s = p.suspicious
    words = "|".join(s.restricted_use_words)
    findings: list[Finding] = []
    for customer, group in tx.groupby("customer", sort=True):
        loans = group[(group["amount"] > 0) & group["description"].str.contains(_LOAN_IN_WORDS)]
        text = group["counterparty"] + " " + group["description"]
        targets = group[(group["amount"] < 0) & text.str.contains(words)]
        seen: set[int] = set()
        for loan in loans.itertuples():
            near = targets[(targets["day"] >= loan.day) &
                           (targets["day"] <= loan.day + pd.Timedelta(days=s.loan_use_window_days))]
            for row in near.itertuples():
                if row.Index in seen:
                    continue
                seen.add(row.Index)
                findings.append(Finding(
                    CHECK, "loan_to_restricted_use", AML_ORDER, "第十一条",
                    f"{customer}于 {loan.day.date()} 收到贷款 {yuan(loan.amount)} 后，{row.day.date()} 向“{row.counterparty}”"
                    f"支付 {yuan(-row.amount)}（{row.description}）：贷款资金疑似流入房地产或证券；"
                    f"挪用贷款用途的，贷款人可停止发放、提前收回（《民法典》第673条）。", SUSPICIOUS))
    return findings


def aml_review(df: pd.DataFrame, *, customer: str = "本客户", customer_kind: str = "natural",
               params: ComplianceParameters | None = None) -> AmlReport:
    """Large-value flags and suspicious patterns of a statement (see the module docstring).

    Raises
    ------
    InputError
        A malformed statement (missing column, bad date, text or zero amount…), an unknown ``kind`` or
        customer kind; the message names the field and the row.

    Examples
    --------
    Company C transfers exactly 200万 (a report: "200万元以上（含）"); natural person D sends 20万 abroad:

    >>> c = pd.DataFrame({"date": ["2025-03-03"], "amount": [-2_000_000], "counterparty": ["某公司"]})
    >>> [f.code for f in aml_review(c, customer_kind="非自然人").findings]
    ['large_corporate_transfer']
    >>> d = pd.DataFrame({"date": ["2025-03-03"], "amount": [-200_000], "counterparty": ["境外某人"],
    ...                   "kind": ["跨境转账"]})
    >>> [f.code for f in aml_review(d).findings]
    ['large_cross_border']
    """
    p = params or parameters()
    tx = classify(df, customer, customer_kind)
    large = large_value_flags(tx, p)
    rows: list[dict[Any, Any]] = large.to_dict("records")
    findings = [Finding(
        CHECK, REPORT_CODES[row["type"]], AML_ORDER, "第五条",
        f"{row['customer']} {row['day'].date()} 当日{DIRECTIONS[row['direction']]}方{REPORT_LABELS[row['type']]} "
        f"{int(row['count'])} 笔，累计 {yuan(row['total'])}，达到 {yuan(row['threshold'])}的报告标准：应在 5 个工作日内报送大额交易报告。",
        REPORT, {"day": row["day"].date(), "total": float(row["total"]), "count": int(row["count"])})
        for row in rows]
    for detector in (_near_threshold, _rapid_in_out, _dormant, _early_repayment, _restricted_use):
        findings += detector(tx, p)
    return AmlReport(large_value=large, findings=findings, transactions=tx)


def aml_review_case(case: Case, *, customer_kind: str = "natural",
                    params: ComplianceParameters | None = None) -> AmlReport:
    """:func:`aml_review` on a case's bank statement (its documents, as the officer sees them).

    Examples
    --------
    >>> import microloan_sim as ml
    >>> report = aml_review_case(ml.casebook.load_case("C01"))
    >>> report.large_value.empty
    True
    """
    statement = documents.build_documents(case).bank_transactions
    return aml_review(statement, customer=case.borrower.name, customer_kind=customer_kind, params=params)


def with_thresholds(params: ComplianceParameters | None = None, **changes: float) -> ComplianceParameters:
    """A copy of the parameters with some large-value or suspicious-pattern thresholds changed (for dashboards).

    Examples
    --------
    >>> with_thresholds(cash=30_000).large_value.cash
    30000.0
    >>> with_thresholds(no_such=1)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: no_such：不是可调的反洗钱阈值
    """
    p = params or parameters()
    large, suspicious = {}, {}
    for key, value in changes.items():
        if key in type(p.large_value).model_fields and key not in ("source", "illustrative", "illustrative_keys"):
            large[key] = float(value)
            if not large[key] > 0:
                raise InputError(f"必须大于 0（当前为 {value}）", field=key)
        elif key in type(p.suspicious).model_fields and key not in ("source", "illustrative", "illustrative_keys"):
            suspicious[key] = value
        else:
            raise InputError("不是可调的反洗钱阈值", field=key)
    return p.model_copy(update={"large_value": p.large_value.model_copy(update=large),
                                "suspicious": p.suspicious.model_copy(update=suspicious)})


def record_retention_until(relationship_end: Any, params: ComplianceParameters | None = None) -> dt.date:
    """Earliest date identity and transaction records may be destroyed (《反洗钱法》第34条: at least 10 years after
    the relationship or transaction ends).

    Examples
    --------
    Worked example 10:

    >>> record_retention_until("2025-03-31")
    datetime.date(2035, 3, 31)
    """
    end = as_date(relationship_end, "业务关系结束日期")
    years = (params or parameters()).records.retention_years
    try:
        return end.replace(year=end.year + years)
    except ValueError:  # 29 February
        return end.replace(year=end.year + years, day=28)
