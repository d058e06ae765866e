"""催收行为 (collection conduct): a call log checked against the collection rules.

中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》 (reported 2026-02; for 经营贷 good practice):
no calls 22:00–08:00 without the debtor's consent; at most 6 unanswered calls to one number a day; third parties
only when the debtor cannot be reached (here: after 3 failed contacts), and never telling them about the debt.
《银行保险机构消费者权益保护管理办法》: no violence, threats, deceit or impersonating the authorities (第四十一条,
article number from secondary sources). The limits live in ``data/compliance.yaml``.

A call log is a table with one row per call: ``time`` (date and time), ``number`` (the number dialled),
``contact`` (who), ``relation`` (本人 for the debtor, otherwise e.g. 配偶、同事), ``answered`` (是/否), and optional
``consent`` (the debtor agreed to calls at that hour), ``disclosed_debt`` (the debt was mentioned to a third
party) and ``notes`` (what was said).

Examples
--------
Worked example 10 (domain-parts §7): the 7th unanswered call of the day and a 22:30 call are not allowed.

>>> log = pd.DataFrame({"time": [f"2025-05-06 {9 + i}:00" for i in range(7)] + ["2025-05-06 22:30"],
...                     "number": ["138"] * 8, "contact": ["王秀英"] * 8, "relation": ["本人"] * 8,
...                     "answered": [False] * 8})
>>> sorted({f.code for f in check_call_log(log)})
['quiet_hours', 'too_many_calls']
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .findings import BREACH, Finding
from .parameters import ComplianceParameters, as_date, parameters

CHECK = "collection"
GUIDE = "中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》"
CONSUMER = "《银行保险机构消费者权益保护管理办法》"
DEBTOR = "本人"
COLUMNS = {"time": "时间", "number": "号码", "contact": "联系人", "relation": "关系", "answered": "是否接通",
           "consent": "本人同意", "disclosed_debt": "向第三方透露债务", "notes": "通话内容"}
_ALIASES = {v: k for k, v in COLUMNS.items()}
_BANNED = r"冒充|公检法|公安|法院传票|律师函恐吓|威胁|恐吓|辱骂|曝光|黑名单|通讯录|上门闹|以暴力"
_TRUE = {True, 1, "1", "是", "true", "True", "yes", "接通", "同意"}
_FALSE = {False, 0, "0", "否", "false", "False", "no", "未接通", "", "nan", "None"}


def _flag(values: pd.Series, field: str) -> pd.Series:
    out = []
    for i, v in enumerate(values.tolist()):
        key = v.strip() if isinstance(v, str) else v
        if key in _TRUE:
            out.append(True)
        elif key in _FALSE or (isinstance(key, float) and np.isnan(key)):
            out.append(False)
        else:
            raise InputError(f"第 {i + 1} 条通话应为“是”或“否”，收到“{v}”", field=field)
    return pd.Series(out, index=values.index, dtype=bool)


def validate_call_log(log: pd.DataFrame, contract_date: Any = None) -> pd.DataFrame:
    """A clean copy of a call log, sorted by time; Chinese headers accepted.

    Raises :class:`InputError` naming the column and the call for a missing column, an unreadable time, a
    yes/no cell that is neither, or a call before the contract date.

    Examples
    --------
    >>> log = pd.DataFrame({"时间": ["2025-01-02 10:00"], "号码": ["138"], "联系人": ["王秀英"], "关系": ["本人"],
    ...                     "是否接通": ["否"]})
    >>> validate_call_log(log, contract_date="2025-03-01")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: time（时间）：第 1 条通话的日期 2025-01-02 早于合同日期 2025-03-01
    """
    if not isinstance(log, pd.DataFrame) or log.empty:
        raise InputError("应为至少有一条通话的表格", field="催收通话记录")
    frame = log.rename(columns=lambda c: _ALIASES.get(str(c).strip(), str(c).strip())).reset_index(drop=True)
    missing = [c for c in ("time", "number", "contact", "relation", "answered") if c not in frame.columns]
    if missing:
        raise InputError("缺少必需的列：" + "、".join(f"{c}（{COLUMNS[c]}）" for c in missing), field="催收通话记录")
    times = pd.to_datetime(frame["time"], errors="coerce", format="mixed")
    if times.isna().any():
        i = int(np.argmax(times.isna().to_numpy()))
        raise InputError(f"第 {i + 1} 条通话的时间无法识别：“{frame['time'].iloc[i]}”（应为 YYYY-MM-DD HH:MM）",
                         field="time（时间）")
    if contract_date is not None:
        start = as_date(contract_date, "合同日期")
        early = (times.dt.date < start).to_numpy()
        if early.any():
            i = int(np.argmax(early))
            raise InputError(f"第 {i + 1} 条通话的日期 {times.iloc[i].date()} 早于合同日期 {start}", field="time（时间）")
    clean = pd.DataFrame({
        "time": times, "number": frame["number"].astype(str).str.strip(),
        "contact": frame["contact"].astype(str).str.strip(), "relation": frame["relation"].astype(str).str.strip(),
        "answered": _flag(frame["answered"], "answered（是否接通）"),
        "consent": _flag(frame["consent"], "consent（本人同意）") if "consent" in frame else False,
        "disclosed_debt": _flag(frame["disclosed_debt"], "disclosed_debt（向第三方透露债务）")
        if "disclosed_debt" in frame else False,
        "notes": frame["notes"].fillna("").astype(str) if "notes" in frame else "",
    })
    return clean.sort_values("time", kind="stable").reset_index(drop=True)


def _in_quiet_hours(times: pd.Series, start: dt.time, end: dt.time) -> pd.Series:
    clock = times.dt.time
    if start > end:  # wraps midnight, e.g. 22:00–08:00
        return (clock >= start) | (clock < end)
    return (clock >= start) & (clock < end)


def check_call_log(log: pd.DataFrame, *, contract_date: Any = None,
                   params: ComplianceParameters | None = None) -> list[Finding]:
    """Every collection-conduct finding in a call log (see the module docstring)."""
    p = (params or parameters()).collection
    calls = validate_call_log(log, contract_date)
    findings: list[Finding] = []
    quiet = _in_quiet_hours(calls["time"], p.quiet_from, p.quiet_to) & ~calls["consent"]
    for row in calls[quiet].itertuples():
        findings.append(Finding(CHECK, "quiet_hours", GUIDE, "（催收时间）",
                                f"{row.time:%Y-%m-%d %H:%M} 致电{row.contact}：{p.quiet_from:%H:%M}–{p.quiet_to:%H:%M} "
                                f"之间未经本人同意不得催收。", BREACH))
    unanswered = calls[~calls["answered"]].assign(day=lambda f: f["time"].dt.date)
    for (number, day), group in unanswered.groupby(["number", "day"], sort=True):
        if len(group) > p.max_unanswered_calls_per_day:
            excess = group["time"].iloc[p.max_unanswered_calls_per_day:]
            findings.append(Finding(CHECK, "too_many_calls", GUIDE, "（拨打频次）",
                                    f"{day} 对号码 {number} 拨打未接通电话 {len(group)} 次，超过每日 {p.max_unanswered_calls_per_day} 次；"
                                    f"第 {p.max_unanswered_calls_per_day + 1} 次起（{excess.iloc[0]:%H:%M} 起）不应再拨打。",
                                    BREACH, {"count": len(group)}))
    failed = (~calls["answered"] & (calls["relation"] == DEBTOR)).cumsum()
    failed_before = failed - (~calls["answered"] & (calls["relation"] == DEBTOR)).astype(int)
    for i, row in enumerate(calls.itertuples()):
        if row.relation == DEBTOR:
            continue
        if failed_before.iloc[i] < p.failed_contacts_before_third_party:
            findings.append(Finding(CHECK, "third_party_too_early", GUIDE, "（第三方联系）",
                                    f"{row.time:%Y-%m-%d %H:%M} 联系了第三方{row.contact}（{row.relation}），而此前只有 "
                                    f"{int(failed_before.iloc[i])} 次联系本人未果：只有在联系不上本人时才能联系第三方。", BREACH))
        if row.disclosed_debt:
            findings.append(Finding(CHECK, "debt_disclosed", GUIDE, "（不得向第三方透露债务）",
                                    f"{row.time:%Y-%m-%d %H:%M} 向{row.contact}（{row.relation}）透露了借款人的债务情况。", BREACH))
    banned = calls["notes"].str.contains(_BANNED)
    for row in calls[banned].itertuples():
        findings.append(Finding(CHECK, "abusive_conduct", CONSUMER, "第四十一条",
                                f"{row.time:%Y-%m-%d %H:%M} 的通话内容“{row.notes}”涉及威胁、恐吓、冒充司法机关或曝光等手段：禁止。",
                                BREACH))
    return findings


def sample_call_log() -> pd.DataFrame:
    """A call log with planted problems (course 07): seven unanswered calls in one day, a late-evening call, a
    colleague called too early and told about the debt, and a threat.

    Examples
    --------
    >>> len(sample_call_log())
    12
    """
    rows = [("2025-05-06 09:05", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 09:40", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 10:30", "0571-8888****", "刘芳", "店员", "是", "是", "告诉店员老板欠银行钱不还"),
            ("2025-05-06 11:15", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 14:00", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 15:20", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 16:45", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 18:10", "139****1234", "王秀英", "本人", "否", "否", ""),
            ("2025-05-06 22:30", "137****5678", "李建国", "配偶", "是", "否", "提醒按时还款"),
            ("2025-05-07 10:00", "139****1234", "王秀英", "本人", "是", "否", "协商还款计划"),
            ("2025-05-08 10:00", "139****1234", "王秀英", "本人", "是", "否", "称再不还款就到店里曝光"),
            ("2025-05-09 09:30", "139****1234", "王秀英", "本人", "是", "否", "确认已还款")]
    return pd.DataFrame(rows, columns=["时间", "号码", "联系人", "关系", "是否接通", "向第三方透露债务", "通话内容"])
