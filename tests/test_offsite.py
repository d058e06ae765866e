"""非现场调查: bank-statement validation, the analyses on hand examples, properties, and the simulator.

Expected values are worked out by hand in the comments. Thresholds are the shipped 示例参数 unless a test
sets its own with :func:`with_parameters`. No test asserts wall time (see bench/bench_offsite.py).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim import crosscheck as cc
from microloan_sim import offsite as off
from microloan_sim._data import data_path
from microloan_sim.errors import InputError


def frame(rows: list[tuple[str, float, str]], **extra: list[str]) -> pd.DataFrame:
    data: dict[str, list[object]] = {"date": [r[0] for r in rows], "amount": [r[1] for r in rows],
                                     "counterparty": [r[2] for r in rows]}
    data.update(extra)
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- validation

def test_validate_cleans_types_and_chinese_headers() -> None:
    raw = pd.DataFrame({"交易日期": ["2025-01-02 09:30", "2025/1/3"], "交易金额": ["1,200.50", " -300 "],
                        "对方户名": ["财付通支付科技有限公司", " 国网某市供电公司 "], "摘要": ["财付通结算", None]})
    tx = off.validate_transactions(raw)
    assert list(tx.columns) == ["date", "amount", "counterparty", "description", "channel"]
    assert tx["date"].tolist() == [pd.Timestamp("2025-01-02 09:30"), pd.Timestamp("2025-01-03")]
    assert tx["amount"].tolist() == [1200.5, -300.0]
    assert tx["counterparty"].tolist() == ["财付通支付科技有限公司", "国网某市供电公司"]
    assert tx["description"].tolist() == ["财付通结算", ""]
    assert tx["channel"].tolist() == ["", ""]


def test_validate_accepts_datetime_and_timezone_columns() -> None:
    raw = frame([("2025-01-02", 10.0, "甲"), ("2025-01-03", -5.0, "乙")])
    raw["date"] = pd.to_datetime(raw["date"]).dt.tz_localize("Asia/Shanghai")
    tx = off.validate_transactions(raw)
    assert tx["date"].dt.tz is None
    assert tx["date"].iloc[1] == pd.Timestamp("2025-01-03")


@pytest.mark.parametrize(("raw", "message"), [
    (frame([("2025-01-02", 10, "甲")]).drop(columns="amount"), "缺少必需的列：amount（金额）"),
    (frame([("2025-01-02", 10, "甲")]).drop(columns=["date", "counterparty"]),
     "缺少必需的列：date（日期）、counterparty（交易对手）"),
    (frame([]), "银行流水：没有交易记录"),
    (frame([("2025-01-02", 10, "甲"), ("2025-01-03", "十元", "乙")]), "amount（金额）：第 2 条交易应为数字，收到了文字“十元”"),
    (frame([("2025-01-02", 10, "甲"), ("2025-01-03", float("nan"), "乙")]), "amount（金额）：第 2 条交易缺少金额（NaN）"),
    (frame([("2025-01-02", 10, "甲"), ("2025-01-03", np.inf, "乙")]), "第 2 条交易金额为无穷大"),
    (frame([("2025-01-02", 0, "甲")]), "第 1 条交易金额为 0"),
    (frame([("2025-01-02", 10, "甲"), ("", 5, "乙")]), "date（日期）：第 2 条交易缺少日期"),
    (frame([("2025-01-02", 10, "甲"), ("下周一", 5, "乙")]), "第 2 条交易日期格式错误，收到“下周一”"),
    (frame([("2025-01-02", 10, "甲"), ("2025-01-03", 5, "  ")]), "counterparty（交易对手）：第 2 条交易缺少交易对手"),
    (frame([("2025-01-05", 10, "甲"), ("2025-01-03", 5, "乙")]),
     "date（日期）：第 2 条交易的日期 2025-01-03 00:00 早于上一行的 2025-01-05 00:00"),
    (frame([("2025-01-02", True, "甲")]).astype({"amount": bool}), "应为数字，收到了是/否值"),
    (pd.DataFrame({"date": ["2025-01-02"], "日期": ["2025-01-02"], "amount": [1], "counterparty": ["甲"]}),
     "表头：列名重复：date"),
    ([("2025-01-02", 10, "甲")], "银行流水：应为表格"),
])
def test_validate_rejects_bad_statements(raw: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        off.validate_transactions(raw)


def test_row_numbers_are_csv_lines_when_a_file_is_named() -> None:
    raw = frame([("2025-01-02", 10, "甲"), ("2025-01-03", "abc", "乙")])
    with pytest.raises(InputError, match="文件 流水.csv：amount（金额）：第 3 行应为数字"):
        off.validate_transactions(raw, file="流水.csv")


def test_read_transactions_from_csv(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text('日期,金额,对方户名,摘要\n2025-01-02,"1,500.00",张三,转账\n2025-01-03,-200,国网供电公司,电费\n',
                    encoding="utf-8")
    tx = off.read_transactions(good)
    assert tx["amount"].tolist() == [1500.0, -200.0]
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("日期,金额,对方户名\n2025-01-02,88,李四\n".encode("gbk"))
    assert off.read_transactions(gbk)["counterparty"].tolist() == ["李四"]


@pytest.mark.parametrize(("text", "message"), [
    # an unquoted thousands separator gives line 3 one field too many
    ("date,amount,counterparty\n2025-01-02,500,张三\n2025-01-03,1,200,李四\n", "第 3 行有 4 个字段，应为 3 个"),
    # a short line: the missing amount is NaN, named by its CSV line
    ("date,amount,counterparty\n2025-01-02,500,张三\n2025-01-03\n", "第 3 行缺少金额"),
    ("date,amount,counterparty\n2025-01-02,5OO,张三\n", "amount（金额）：第 2 行应为数字，收到了文字“5OO”"),
    ("date,amount,counterparty\n2025-02-02,500,张三\n2025-01-03,100,李四\n", "第 3 行的日期 2025-01-03"),
    ("date,amount\n2025-01-02,500\n", "缺少必需的列：counterparty（交易对手）"),
    ("", "文件是空的"),
])
def test_read_transactions_rejects_malformed_csv(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "流水.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"文件 流水.csv：.*{message}"):
        off.read_transactions(path)


def test_read_transactions_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到文件"):
        off.read_transactions(tmp_path / "none.csv")


# --------------------------------------------------------------------------- monthly flows, seasonality

def test_monthly_flows_hand_example() -> None:
    tx = off.validate_transactions(frame([
        ("2025-01-05", 1_000, "甲"), ("2025-01-20", -400, "乙"), ("2025-01-31", 500, "甲"),
        ("2025-03-01", 250, "丙"), ("2025-03-02", -100, "乙"),
    ]))
    m = off.monthly_flows(tx)
    assert [str(p) for p in m.index] == ["2025-01", "2025-02", "2025-03"]   # the empty February is kept
    assert m["inflow"].tolist() == [1_500.0, 0.0, 250.0]                    # 1,000 + 500; 0; 250
    assert m["outflow"].tolist() == [400.0, 0.0, 100.0]
    assert m["net"].tolist() == [1_100.0, 0.0, 150.0]
    assert m["inflow_count"].tolist() == [2, 0, 1]
    # seasonality of the inflow: mean (1,500 + 0 + 250) / 3 = 583.33 → 2.5714, 0, 0.4286
    s = off.seasonality(m)
    assert s.tolist() == pytest.approx([1_500 / (1_750 / 3), 0.0, 250 / (1_750 / 3)])


def test_seasonality_by_calendar_month() -> None:
    months = pd.period_range("2024-01", periods=24, freq="M")
    # January 300 in both years, every other month 100: mean = (2 × 300 + 22 × 100) / 24 = 116.67
    m = pd.DataFrame({"inflow": [300.0 if p.month == 1 else 100.0 for p in months]}, index=months)
    profile = off.seasonality(m, by="calendar_month")
    assert list(profile.index) == list(range(1, 13))
    assert profile[1] == pytest.approx(300 / (2_800 / 24))
    with pytest.raises(InputError, match="季节性指数"):
        off.seasonality(m, by="week")
    with pytest.raises(InputError, match="没有“sales”列"):
        off.seasonality(m, column="sales")


# --------------------------------------------------------------------------- concentration

def test_concentration_hand_example() -> None:
    tx = off.validate_transactions(frame([
        ("2025-01-01", 600, "甲"), ("2025-01-02", 200, "乙"), ("2025-01-03", 200, "甲"),
        ("2025-01-04", -300, "丙"), ("2025-01-05", -100, "丁"),
    ]))
    c = off.concentration(tx, "流入", top_n=1)
    # 甲 800, 乙 200 of 1,000 → shares 0.8 / 0.2; HHI = 0.64 + 0.04 = 0.68; 1/HHI = 1.47
    assert c.table.index.tolist() == ["甲", "乙"]
    assert c.table["share"].tolist() == pytest.approx([0.8, 0.2])
    assert c.table["count"].tolist() == [2, 1]
    assert c.top_n_share == pytest.approx(0.8)
    assert c.hhi == pytest.approx(0.68)
    assert c.equivalent_counterparties == pytest.approx(1 / 0.68)
    out = off.concentration(tx, "outflow", top_n=5)
    # 丙 300, 丁 100 → 0.75 / 0.25; HHI = 0.5625 + 0.0625 = 0.625
    assert out.table["amount"].tolist() == [300.0, 100.0]
    assert out.hhi == pytest.approx(0.625)
    assert out.top_n_share == pytest.approx(1.0)
    with pytest.raises(InputError, match="方向"):
        off.concentration(tx, "sideways")


# --------------------------------------------------------------------------- flags

def test_large_and_round_number_transfers() -> None:
    params = off.with_parameters(large_amount=50_000, large_median_multiple=10, large_min_amount=10_000)
    tx = off.validate_transactions(frame([
        ("2025-01-02", 100, "甲"), ("2025-01-02", 120, "乙"), ("2025-01-03", 80, "丙"),
        ("2025-01-04", 12_000, "丁"),      # ≥ 10 × median inflow (median of 80, 100, 120, 12,000, 60,000 = 120) and ≥ 10,000
        ("2025-01-05", 60_000, "戊"),      # ≥ 50,000 outright; also a round 10,000
        ("2025-01-06", -3_000, "己"),      # round thousand, not large (the only outflow: median 3,000)
        ("2025-01-07", -3_500, "庚"),      # not round: 3,500 is no multiple of 1,000
        ("2025-01-08", 900, "辛"),         # below the round-number floor of 1,000
    ]))
    a = off.annotate(tx, params=params)
    assert a["large"].tolist() == [False, False, False, True, True, False, False, False]
    assert a["round_unit"].tolist() == [0, 0, 0, 1_000, 10_000, 1_000, 0, 0]
    assert a["round_number"].sum() == 3


def test_related_parties_self_transfers_and_same_surname() -> None:
    tx = off.validate_transactions(frame([
        ("2025-01-02", 4_600, "李建国"),            # spouse: related party
        ("2025-01-03", -2_000, "王秀兰（农行）"),     # relative, named inside a longer account name
        ("2025-01-04", 10_000, "王秀英"),            # the borrower's own other account
        ("2025-01-05", 20_000, "王德贵"),            # same surname as the borrower: 需核实
        ("2025-01-06", -8_000, "李明"),              # same surname as the spouse: 需核实
        ("2025-01-07", -9_000, "王记批发部"),         # a firm, not a person
        ("2025-01-08", 300, "王小二"),               # a person with the surname, but below 5,000
        ("2025-01-09", 6_000, "欧阳文华"),            # compound surname 欧阳, not 欧
        ("2025-01-10", 7_000, "欧建"),               # surname 欧 is not 欧阳
    ]))
    a = off.annotate(tx, ["李建国", "王秀兰"], borrower_name="王秀英")
    assert a["related_party"].tolist() == [True, True, False, False, False, False, False, False, False]
    assert a["self_transfer"].tolist() == [False, False, True, False, False, False, False, False, False]
    assert a["same_surname"].tolist() == [False, False, False, True, True, False, False, False, False]
    b = off.annotate(tx, ["欧阳明"], borrower_name="王秀英")
    assert b.loc[7, "same_surname"] and not b.loc[8, "same_surname"]


def test_timing_flags() -> None:
    tx = off.validate_transactions(frame([
        ("2025-01-29 10:00", 100, "甲"),   # 春节 (holiday 示例参数), a Wednesday; also January's last 3 days
        ("2025-03-08 23:30", -100, "乙"),  # Saturday, late night
        ("2025-03-10 04:59", 100, "丙"),   # Monday, late night (before 05:00)
        ("2025-03-10 05:00", 100, "丁"),   # Monday, not late night
        ("2025-03-29 12:00", 100, "戊"),   # month end (29, 30, 31 of March), also a Saturday
    ]))
    a = off.annotate(tx)
    assert a["holiday"].tolist() == [True, False, False, False, False]
    assert a["weekend"].tolist() == [False, True, False, False, True]
    assert a["late_night"].tolist() == [False, True, True, False, False]
    assert a["month_end"].tolist() == [True, False, False, False, True]
    # without times of day there is no late-night check
    dates_only = off.annotate(off.validate_transactions(frame([("2025-03-08", 100, "甲")])))
    assert not dates_only["late_night"].any()
    report = off.analyse(frame([("2025-03-08", 100, "甲")]))
    assert not report.has_time and np.isnan(report.timing.loc["late_night", "count"])
    assert "无法检查深夜交易" in " ".join(report.findings())


def test_month_end_burst() -> None:
    # April: 10,000 on the 5th, 30,000 on the 29th → month-end share 30,000 / 40,000 = 0.75 ≥ 0.40
    # May: 10,000 on the 5th, 2,000 on the 30th → 2,000 / 12,000 = 0.167 < 0.40
    r = off.analyse(frame([("2025-04-05", 10_000, "甲"), ("2025-04-29", 30_000, "乙"),
                           ("2025-05-05", 10_000, "甲"), ("2025-05-30", 2_000, "丙"), ("2025-05-30", -500, "丁")]))
    assert r.monthly["month_end_inflow_share"].tolist() == pytest.approx([0.75, 2_000 / 12_000])
    assert [str(p) for p in r.burst_months.index] == ["2025-04", "2025-05"]  # May: the only outflow is at month end
    assert r.monthly["month_end_inflow_burst"].tolist() == [True, False]
    assert r.monthly["month_end_outflow_burst"].tolist() == [False, True]


def test_pass_through_pairs() -> None:
    tx = frame([
        ("2025-01-03 10:00", 50_000, "张海涛"),     # in …
        ("2025-01-03 15:00", -49_800, "刘建军"),    # … and out the same day, 0.4 % less: 过账
        ("2025-01-04 09:00", -20_000, "甲"),       # out first …
        ("2025-01-04 11:00", 20_000, "乙"),        # … then in: not in-then-out
        ("2025-01-05 10:00", 30_000, "丙"),        # in 30,000
        ("2025-01-05 11:00", -27_000, "丁"),       # out 27,000: 10 % apart, beyond 5 %
        ("2025-01-06 10:00", 3_000, "戊"),         # below the 5,000 minimum
        ("2025-01-06 11:00", -3_000, "己"),
        ("2025-01-07 09:00", 10_000, "庚"),        # two inflows, one outflow: the closer one pairs
        ("2025-01-07 09:30", 10_100, "辛"),
        ("2025-01-07 12:00", -10_080, "壬"),
    ])
    r = off.analyse(frame_sorted(tx))
    pairs = r.pass_through
    assert pairs[["in_counterparty", "out_counterparty"]].values.tolist() == [["张海涛", "刘建军"], ["辛", "壬"]]
    assert pairs["gap"].tolist() == pytest.approx([200.0, 20.0])
    assert r.transactions["pass_through"].sum() == 4
    # without times, the order within the day is unknown: 乙 (in) and 甲 (out) now pair too
    no_time = tx.assign(date=pd.to_datetime(tx["date"]).dt.normalize())
    assert len(off.analyse(no_time).pass_through) == 3


def frame_sorted(tx: pd.DataFrame) -> pd.DataFrame:
    return tx.assign(date=pd.to_datetime(tx["date"])).sort_values("date", kind="stable").reset_index(drop=True)


def test_analyse_business_inflow_excludes_non_sales() -> None:
    r = off.analyse(frame([
        ("2025-01-03 10:00", 50_000, "张海涛"), ("2025-01-03 15:00", -49_800, "刘建军"),   # pass-through
        ("2025-01-10 09:00", 4_600, "李建国"),                                             # spouse
        ("2025-01-12 09:00", 80_000, "某市农村商业银行"),                                   # loan drawdown
        ("2025-01-15 09:00", 3_000, "王秀英"),                                             # own account
        ("2025-01-20 09:00", 12_000, "园区电子厂职工食堂"),                                  # sales
    ], description=["转账", "转账", "家用", "贷款发放", "转账", "货款"]), ["李建国"], borrower_name="王秀英")
    # inflow 50,000 + 4,600 + 80,000 + 3,000 + 12,000 = 149,600; only the canteen's 12,000 may be sales
    assert r.monthly.loc["2025-01", "inflow"] == pytest.approx(149_600)
    assert r.monthly.loc["2025-01", "business_inflow"] == pytest.approx(12_000)
    assert r.related["counterparty"].tolist() == ["李建国", "王秀英"]
    labels = set(r.flags["label"])
    assert {"过账/走账（同日快进快出）", "家庭成员/关联方", "本人账户互转", "大额交易"} <= labels


# --------------------------------------------------------------------------- simulator and full report

def test_simulated_statement_shows_the_planted_anomalies() -> None:
    tx = off.simulate_transactions(12, seed=3, monthly_sales=100_000)
    r = off.analyse(tx, ("李建国", "王秀兰", "李德明"), borrower_name="王秀英")
    assert r.has_time
    assert ["张海涛", "刘建军"] in r.pass_through[["in_counterparty", "out_counterparty"]].values.tolist()
    night = r.transactions[r.transactions["late_night"]]
    assert night["counterparty"].tolist() == ["王秀兰"] and night["amount"].tolist() == [-30_000.0]
    assert "2025-06" in [str(p) for p in r.burst_months.index]       # 冲时点 at the end of June
    assert "王德贵" in set(r.transactions.loc[r.transactions["same_surname"], "counterparty"])
    assert set(r.related["counterparty"]) <= {"李建国", "王秀兰", "李德明"}
    assert r.inflow_concentration.table.index[0] in {"财付通支付科技有限公司", "支付宝（中国）网络技术有限公司"}
    findings = " ".join(r.findings())
    assert "过账/走账" in findings and "冲时点" in findings and "需核实" in findings
    # the business inflow recovers about account_share of sales: 80 % of 100,000 a month, ± seasonality noise
    assert 70_000 < r.average_monthly_business_inflow < 90_000
    table = off.to_frame(r)
    assert table.index[0] == "2025-01" and "季节性指数" in table.columns


def test_offsite_feeds_the_bank_flow_cross_check() -> None:
    r = off.analyse(off.simulate_transactions(12, seed=5, monthly_sales=100_000), ("李建国", "王秀兰", "李德明"),
                    borrower_name="王秀英")
    check = cc.sales_from_bank_flows(r.average_monthly_business_inflow, 0.8, 100_000)
    assert check.verdict is cc.Verdict.CONSISTENT
    inflated = cc.sales_from_bank_flows(r.average_monthly_business_inflow, 0.8, 150_000)
    assert inflated.verdict is not cc.Verdict.CONSISTENT


def test_simulator_is_deterministic_and_valid() -> None:
    a = off.simulate_transactions(6, seed=11, with_time=False, anomalies=False)
    b = off.simulate_transactions(6, seed=11, with_time=False, anomalies=False)
    c = off.simulate_transactions(6, seed=12, with_time=False, anomalies=False)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert (a["date"] == a["date"].dt.normalize()).all()
    clean = off.validate_transactions(a)
    assert len(clean) == len(a)
    kinds = set(a["counterparty"])
    assert {"财付通支付科技有限公司", "国网某市供电公司", "国家税务总局某市某区税务局", "李建国"} <= kinds


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n_months": 0}, "月份数：必须大于 0"),
    ({"monthly_sales": "很多"}, "月销售额：应为数字"),
    ({"account_share": 1.5}, "经账户收款的销售占比：不能大于 1"),
    ({"seasonal": [1.0] * 11}, "季节系数"),
    ({"start": "明年"}, "起始月份"),
])
def test_simulator_rejects_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        off.simulate_transactions(**kwargs)  # type: ignore[arg-type]


def test_parameters_and_overrides(tmp_path: Path) -> None:
    p = off.parameters()
    assert p.month_end_days == 3 and date(2025, 10, 8) in p.holidays
    assert off.with_parameters(p, top_n=3).top_n == 3
    with pytest.raises(InputError, match="未知参数：colour"):
        off.with_parameters(colour="red")
    with pytest.raises(InputError, match="large_amount：不能小于 0"):
        off.with_parameters(large_amount=-1)
    bad = tmp_path / "bad.yaml"
    text = data_path("crosscheck.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("hhi_high: 0.25", "hhi_high: 0.10"), encoding="utf-8")
    with pytest.raises(InputError, match="hhi_high 不能小于 hhi_moderate"):
        off.parameters(bad)
    bad.write_text(text.replace("    - [2024-01-01, 2024-01-01]", "    - [2024-01-05, 2024-01-01]"), encoding="utf-8")
    with pytest.raises(InputError, match="offsite.holidays 第 1 项：结束日期早于开始日期"):
        off.parameters(bad)
    bad.write_text(text.replace("top_n: 5", "top_n: 五"), encoding="utf-8")
    with pytest.raises(InputError, match="文件 bad.yaml：offsite.top_n：应为数字"):
        off.parameters(bad)


# --------------------------------------------------------------------------- properties

names = st.sampled_from(["甲", "乙", "丙", "丁", "财付通支付科技有限公司", "王德贵", "李建国"])
amounts = st.floats(min_value=-200_000, max_value=200_000, allow_nan=False).map(lambda x: round(x, 2)).filter(
    lambda x: x != 0)


@st.composite
def statements(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 60))
    offsets = sorted(draw(st.lists(st.integers(0, 400 * 24 * 60), min_size=n, max_size=n)))
    dates = pd.Timestamp("2024-12-01") + pd.to_timedelta(offsets, unit="min")
    return pd.DataFrame({"date": dates, "amount": draw(st.lists(amounts, min_size=n, max_size=n)),
                         "counterparty": draw(st.lists(names, min_size=n, max_size=n))})


@settings(max_examples=60, deadline=None)
@given(statements())
def test_monthly_totals_equal_the_signed_sums(tx: pd.DataFrame) -> None:
    r = off.analyse(tx, ["李建国"], borrower_name="王秀英")
    amount = tx["amount"]
    assert r.monthly["inflow"].sum() == pytest.approx(amount[amount > 0].sum())
    assert r.monthly["outflow"].sum() == pytest.approx(-amount[amount < 0].sum())
    assert r.monthly["inflow_count"].sum() + r.monthly["outflow_count"].sum() == len(tx)
    assert (r.monthly["business_inflow"] <= r.monthly["inflow"] + 1e-6).all()
    by_month = amount.where(amount > 0, 0.0).groupby(tx["date"].dt.to_period("M")).sum()
    assert r.monthly["inflow"].reindex(by_month.index).to_numpy() == pytest.approx(by_month.to_numpy())
    if r.monthly["business_inflow"].sum() > 0:
        assert r.seasonality.mean() == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(statements(), st.integers(1, 8))
def test_concentration_shares_sum_to_one(tx: pd.DataFrame, top_n: int) -> None:
    clean = off.validate_transactions(tx)
    for direction in ("inflow", "outflow"):
        chosen = clean["amount"] > 0 if direction == "inflow" else clean["amount"] < 0
        if not chosen.any():
            continue
        c = off.concentration(clean, direction, top_n)
        k = len(c.table)
        assert c.table["share"].sum() == pytest.approx(1.0)
        assert c.table["cumulative_share"].iloc[-1] == pytest.approx(1.0)
        assert 1 / k - 1e-9 <= c.hhi <= 1 + 1e-9
        assert c.top_n_share <= off.concentration(clean, direction, top_n + 1).top_n_share + 1e-12
        assert c.table["amount"].is_monotonic_decreasing


@settings(max_examples=40, deadline=None)
@given(statements())
def test_flag_table_matches_the_flag_columns(tx: pd.DataFrame) -> None:
    r = off.analyse(tx, ["李建国"], borrower_name="王秀英")
    counts = r.flags["flag"].value_counts()
    for flag in off.LISTED_FLAGS:
        assert counts.get(flag, 0) == int(r.transactions[flag].sum())
    assert set(r.flags["label"]) <= set(off.FLAG_LABELS.values())
    assert r.pass_through["in_id"].is_unique and r.pass_through["out_id"].is_unique


def test_findings_never_print_minus_zero_for_one_way_related_transfers() -> None:
    # only inflows from the spouse: the outflow total is 0 元, not "-0 元"
    rows = [("2025-01-05", 3_000.0, "李娜"), ("2025-02-05", 3_000.0, "李娜"), ("2025-02-10", 800.0, "超市货款")]
    report = off.analyse(frame(rows), related_parties=["李娜"])
    text = next(n for n in report.findings() if "家庭成员" in n)
    assert "合计流入 6,000 元，流出 0 元" in text and "-0" not in text


def test_wages_paid_in_are_not_business_income() -> None:
    """C03's interview: the spouse 张桂兰 earns about 2,600 元 a month at the food factory, paid in as 代发工资.
    That is household wage income, so off-site analysis must not count it as possible sales (domain §2.4 #3:
    流水核定法 removes non-sales inflows)."""
    case = ml.casebook.load_case("C03")
    tx = ml.documents.build_documents(case).bank_transactions
    report = ml.offsite.analyse(tx, borrower_name=case.borrower.name)
    wages = report.transactions[report.transactions["salary"]]
    assert len(wages) == 12 and (wages["amount"] > 0).all()
    assert report.transactions.loc[wages.index, "non_sales_inflow"].all()
    business = report.monthly["business_inflow"].sum()
    assert business == pytest.approx(report.monthly["inflow"].sum() - report.transactions.loc[
        report.transactions["non_sales_inflow"], "amount"].sum())


def test_regular_payments_to_a_private_person_are_found() -> None:
    """An officer finds hidden debt in the statement as regular transfers to a private person. By hand: 3,000,
    3,000 and 3,100 元 to 赵建军 in three months (each within 15 % of the 3,033 average) → listed; a one-off 800
    to 李明, staff wages (memo 工资) and a supplier are not."""
    tx = pd.DataFrame({
        "date": ["2025-01-05", "2025-01-08", "2025-01-10", "2025-02-05", "2025-02-10", "2025-03-05", "2025-03-09",
                 "2025-03-10"],
        "amount": [-3_000, -20_000, -3_500, -3_000, -3_500, -3_100, -800, -3_500],
        "counterparty": ["赵建军", "某某批发部", "陈丽", "赵建军", "陈丽", "赵建军", "李明", "陈丽"],
        "description": ["转账", "货款", "工资", "转账", "工资", "转账", "转账", "工资"]})
    report = ml.offsite.analyse(tx)
    table = report.recurring_private
    assert table.index.tolist() == ["赵建军"]
    assert table.loc["赵建军", "合计（元）"] == 9_100 and table.loc["赵建军", "月份数"] == 3
    assert any("赵建军" in note and "隐性负债" in note for note in report.findings())
    # C01's monthly 2,860 元 to 周海涛 (memo 还款) is found in its generated statement.
    c01 = ml.casebook.load_case("C01")
    found = ml.offsite.analyse(ml.documents.build_documents(c01).bank_transactions, borrower_name=c01.borrower.name)
    assert "周海涛" in found.recurring_private.index


def test_a_statement_with_only_wages_has_no_business_inflow() -> None:
    """C06 is a salaried nurse: every inflow of her statement is wages (代发工资) or family transfers, so there is
    no possible sales; the findings say so instead of failing on an empty seasonality."""
    case = ml.casebook.load_case("C06")
    report = ml.offsite.analyse(ml.documents.build_documents(case).bank_transactions, borrower_name=case.borrower.name)
    assert report.monthly["business_inflow"].sum() == 0
    assert any("没有可能属于经营收入" in note for note in report.findings())
