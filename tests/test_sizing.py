"""Loan sizing (domain §3): worked examples, hand examples, properties, bad input, every case sized."""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microloan_sim as ml
from microloan_sim.ui._common import with_class
from microloan_sim import sizing
from microloan_sim.errors import InputError

SIZING_YAML = Path(sizing.__file__).parent / "data" / "sizing.yaml"


# --------------------------------------------------------------------------- domain §3 worked examples

def test_exam_example_new_loan_220_wan() -> None:
    # 800 − 300 − 200 − 80 = 220 (万元), domain §3.1 example 1
    assert sizing.new_working_capital_loan(800, 300, 200, 80) == pytest.approx(220)


def test_own_example_241_5_and_41_5() -> None:
    # days 60 + 45 − 30 + 10 − 15 = 70 → 360 / 70 = 5.142857 turns;
    # 1,200 × 0.9 × 1.15 / 5.142857 = 1,242 × 70 / 360 = 241.5; new = 241.5 − 80 − 100 − 20 = 41.5
    need = sizing.working_capital_need(1200, 0.10, 0.15, 60, 45, 30, days_prepaid=10, days_advance=15)
    assert need == pytest.approx(241.5)
    assert need.details["cycle_days"] == pytest.approx(70)
    assert need.details["turnover"] == pytest.approx(5.142857, abs=1e-6)
    assert sizing.new_working_capital_loan(need, 80, 100, 20) == pytest.approx(41.5)


def test_turnover_days_from_balances_60_and_45() -> None:
    # inventory: cost of sales 1,000 / average 166.67 = 6.0 turns → 60 days (on cost of sales);
    # receivables: sales 1,200 / average 150 = 8 turns → 45 days (on sales)
    days = sizing.turnover_days(1200, 1000, inventory=166.67, receivables=150)
    assert days.days_inventory == pytest.approx(60, abs=0.01)
    assert days.days_receivable == pytest.approx(45)
    assert days.days_payable == days.days_prepaid == days.days_advance == 0


def test_small_business_example_116160_and_6160_is_explained_as_tiny() -> None:
    # 40 + 20 − 15 = 45 days → 8 turns; 960,000 × 0.88 × 1.10 / 8 = 116,160; 116,160 − 60,000 − 50,000 = 6,160
    need = sizing.working_capital_need(960_000, 0.12, 0.10, 40, 20, 15)
    assert need == pytest.approx(116_160)
    gap = sizing.new_working_capital_loan(need, 60_000, 50_000, 0)
    assert gap == pytest.approx(6_160)
    assert "很小" in gap.explanation and "还款能力" in gap.explanation


def test_farmer_line_78400() -> None:
    # min(2 × 49,000, 0.5 × 200,000) = 98,000; × 0.8 (AA) = 78,400
    assert sizing.farmer_line(49_000, 200_000, "AA") == pytest.approx(78_400)


def test_livestock_collateral_750000() -> None:
    # 100 head × 15,000 = 1,500,000 at 50% LTV
    assert sizing.collateral_limit([{"type": "活体", "value": 100 * 15_000}]) == pytest.approx(750_000)


def test_flow_loan_540000() -> None:
    # 300,000 a month × 12 × 15%
    assert sizing.flow_line(300_000 * 12) == pytest.approx(540_000)


# --------------------------------------------------------------------------- hand examples of our own

def test_working_capital_with_all_five_items() -> None:
    # sales 500,000, margin 20%, no growth; 30 + 30 − 20 + 5 − 5 = 40 days → 9 turns
    # 500,000 × 0.8 / 9 = 44,444.44
    need = sizing.working_capital_need(500_000, 0.20, 0.0, 30, 30, 20, days_prepaid=5, days_advance=5)
    assert need == pytest.approx(44_444.44, abs=0.01)
    assert need.details["turnover"] == pytest.approx(9)


def test_negative_working_capital_need_is_explained() -> None:
    # 10 + 5 − 30 = −15 days: 720,000 × 0.9 × −15 / 360 = −27,000
    need = sizing.working_capital_need(720_000, 0.10, 0.0, 10, 5, 30)
    assert need == pytest.approx(-27_000)
    assert "不需要流动资金贷款" in need.explanation
    gap = sizing.new_working_capital_loan(need, 10_000, 0, 0)
    assert gap == pytest.approx(-37_000)
    assert "不需要新增流动资金贷款" in gap.explanation


def test_turnover_days_from_balance_series_and_all_denominators() -> None:
    # sales 720, cost 540: payables average (40 + 50) / 2 = 45 → 360 × 45 / 540 = 30 days (cost);
    # advances 18 → 360 × 18 / 720 = 9 days (sales); prepaid 27 → 360 × 27 / 540 = 18 days (cost)
    days = sizing.turnover_days(720, 540, payables=[40, 50], advances=18, prepaid=27)
    assert (days.days_payable, days.days_advance, days.days_prepaid) == pytest.approx((30, 9, 18))
    assert days.cycle_days == pytest.approx(18 - 30 - 9)
    need = sizing.working_capital_need(720, 0.1, 0, **days.as_dict())
    assert need == pytest.approx(720 * 0.9 * (-21) / 360)


def test_capacity_equal_installment_by_hand() -> None:
    # payment cap 0.5 × 12,000 = 6,000; r = 1% a month, n = 12:
    # 1.01^12 = 1.126825, 1 − 1/1.126825 = 0.112551, / 0.01 = 11.2551 → 67,530.5
    assert sizing.capacity_limit(12_000, 0.12, 12, share=0.5) == pytest.approx(67_530.5, abs=1)
    # zero rate: 0.5 × 10,000 × 10 months = 50,000
    assert sizing.capacity_limit(10_000, 0.0, 10, share=0.5) == pytest.approx(50_000)


def test_capacity_other_methods_by_hand() -> None:
    # 等额本金: the first payment P/12 + P × 0.006 ≤ 7,000 → P = 7,000 / 0.0893333 = 78,358.21
    assert sizing.capacity_limit(10_000, 0.072, 12, 0.7, "等额本金") == pytest.approx(78_358.21, abs=0.01)
    # 先息后本 and 利随本清 repay the principal at maturity (domain §1.4, §3.2): 600 a month for 12 months must
    # cover 12 months of interest and the principal, 7,200 ≥ P × (1 + 0.006 × 12) → P = 6,716.42. Dividing the
    # payment by the monthly rate (600 / 0.006 = 100,000) would never repay the principal.
    assert sizing.capacity_limit(1_000, 0.072, 12, 0.6, "先息后本") == pytest.approx(7_200 / 1.072, abs=0.01)
    assert sizing.capacity_limit(1_000, 0.072, 12, 0.6, "利随本清") == pytest.approx(7_200 / 1.072, abs=0.01)
    assert sizing.capacity_limit(1_000, 0.0, 12, 0.6, "interest_only") == pytest.approx(7_200)
    assert "到期" in sizing.capacity_limit(1_000, 0.072, 12, 0.6, "先息后本").explanation
    # With a projected cash path the tightest month decides: 0.6 × 3,000 available after month 3 covers
    # 3 × 0.006 × P of interest, and 0.6 × 7,000 at maturity covers P × 1.072: min(100,000, 3,917.91).
    path = [1_000, 2_000, 3_000] + [5_000] * 8 + [7_000]
    assert sizing.capacity_limit(1_000, 0.072, 12, 0.6, "先息后本", cash_path=path) == pytest.approx(
        0.6 * 7_000 / 1.072, abs=0.01)
    with pytest.raises(ml.InputError, match="预计现金"):
        sizing.capacity_limit(1_000, 0.072, 12, 0.6, "先息后本", cash_path=[1_000] * 6)


def test_capacity_is_zero_without_disposable_income() -> None:
    assert sizing.capacity_limit(0, 0.072, 12) == 0
    assert sizing.capacity_limit(-3_000, 0.072, 12, method="equal_principal") == 0


@pytest.mark.parametrize("method", ["equal_installment", "equal_principal", "interest_only"])
def test_capacity_inverts_the_schedule(method: str) -> None:
    """The schedule of the capacity-limited principal pays at most k × disposable in its regular months."""
    cap = 0.7 * 9_000
    principal = sizing.capacity_limit(9_000, 0.084, 18, 0.7, method)
    plan = ml.schedules.schedule(principal, 0.084, 18, method)
    if method == "interest_only":  # the cumulative payments, principal included, stay within the cumulative cap
        paid = plan["payment"].cumsum().to_numpy()
        allowed = cap * plan["period"].to_numpy()
        assert (paid <= allowed + 0.02).all()
        assert paid[-1] >= allowed[-1] - 0.5  # tight at maturity (payments are rounded to the fen)
        return
    assert plan["payment"].max() <= cap + 0.01
    assert plan["payment"].max() >= cap - 0.02  # tight: the limit is the largest such principal


def test_collateral_limit_by_hand_and_table() -> None:
    # 房产 500,000 × 70% = 350,000; 保证人 LTV 0; custom table 房产 60% → 300,000
    items = [{"type": "房产", "value": 500_000, "description": "门面"}, {"type": "保证人", "value": 0}]
    limit = sizing.collateral_limit(items)
    assert limit == pytest.approx(350_000)
    assert list(limit.details["table"]["可贷额度（元）"]) == pytest.approx([350_000, 0])
    assert sizing.collateral_limit(items, {"房产": 0.6, "保证人": 0}) == pytest.approx(300_000)
    assert sizing.collateral_limit([]) == 0


def test_farmer_line_caps_and_grades() -> None:
    # AAA: min(2 × 200,000, 0.5 × 1,000,000) = 400,000 × 1.0 → capped at 300,000 (sizing.yaml)
    assert sizing.farmer_line(200_000, 1_000_000, "AAA") == pytest.approx(300_000)
    # A: min(2 × 30,000, 0.5 × 100,000) = 50,000 × 0.6 = 30,000
    assert sizing.farmer_line(30_000, 100_000, "A") == pytest.approx(30_000)
    assert sizing.farmer_line(30_000, 100_000, "C") == 0
    assert sizing.farmer_line(-5_000, 100_000, "AAA") == 0


def test_flow_line_cap() -> None:
    # 40,000,000 × 15% = 6,000,000 > 5,000,000 cap
    assert sizing.flow_line(40_000_000) == pytest.approx(5_000_000)
    assert sizing.flow_line(1_000_000, coefficient=0.2, cap=100_000) == pytest.approx(100_000)


# --------------------------------------------------------------------------- recommend on the cases

def test_recommend_c01_is_bound_by_repayment_capacity() -> None:
    case = ml.casebook.load_case("C01")
    monthly = ml.statements.income_statement(case).average_disposable_income  # 84,591 / 12 = 7,049.25
    assert monthly == pytest.approx(7_049.25)
    # 0.7 × 7,049.25 = 4,934.48 a month; × 100,000 / 8,661.90 (domain §5.2 factor) = 56,967 → 56,900
    rec = sizing.recommend(case)
    assert rec.binding_constraint == "capacity"
    assert rec.binding_label == "还款能力上限"
    assert rec.minimum == pytest.approx(4_934.475 * 100_000 / 8_661.90, abs=2)
    assert rec.amount == 56_900
    assert rec.limit("request") == 150_000
    assert "还款能力上限" in rec.explanation
    # the working-capital formula is shown for reference and explained (negative for this shop)
    assert rec.limits.loc["working_capital", "作用"] == "参考"
    assert any("不需要新增流动资金贷款" in note for note in rec.notes)


def test_recommend_c01_what_ifs_move_the_binding_constraint() -> None:
    case = ml.casebook.load_case("C01")
    # 先息后本 used to give 4,934.48 / 0.006 = 822,413 against 84,591 元 of annual disposable income. Now the
    # principal must be repaid from C01's projected cash: at every month the payments so far (interest, and
    # the principal at maturity) stay within 70 % of the cash the projection has, and the limit is tight.
    rec = sizing.recommend(case, method="先息后本")
    assert rec.binding_constraint == "capacity"
    capacity = rec.limit("capacity")
    assert capacity < 84_591
    cash = ml.statements.projected_cash(case, rec.months)[1]
    paid = ml.schedules.schedule(capacity, rec.annual_rate, rec.months, "interest_only")["payment"].cumsum()
    assert (paid.to_numpy() <= 0.7 * cash + 0.05).all()
    assert (paid.to_numpy() >= 0.7 * cash - 1.0).any()
    # asking for less than every limit: the request binds
    small = sizing.recommend(case, amount=20_000)
    assert (small.binding_constraint, small.amount) == ("request", 20_000)
    # making the regulatory formula binding: its need is negative for this shop → nothing to lend
    wc = sizing.recommend(case, working_capital_binding=True)
    assert (wc.binding_constraint, wc.amount) == ("working_capital", 0)
    assert "不建议发放" in wc.explanation


def test_recommend_c03_farmer_collateral_and_line() -> None:
    case = ml.casebook.load_case("C03")
    # No herd at application (sold in December); a guarantor is not collateral, so the loan is unsecured and
    # the farmer line binds: AA 79,900 (test_rating: min(2 × 49,980, 50 % × 616,980) × 0.8 → 79,900) < capacity
    # < request 120,000.
    rec = sizing.recommend(case)
    assert (rec.binding_constraint, rec.amount) == ("farmer_line", 79_900)
    assert rec.limits.loc["collateral", "作用"] == "不适用"
    assert rec.method == "interest_only"
    assert rec.limits.loc["working_capital", "作用"] == "不适用"
    assert any("销售月份" in note for note in rec.notes)
    unsecured = sizing.recommend(case, secured=False)
    assert (unsecured.binding_constraint, unsecured.amount) == ("farmer_line", 79_900)


def test_every_case_and_variant_can_be_sized() -> None:
    for case_id in ml.casebook.list_cases()["id"]:
        for variant in (None, "学员-01"):
            case = ml.casebook.load_case(case_id, variant=variant)
            rec = sizing.recommend(case)
            limits = rec.binding_limits()
            assert 0 <= rec.amount <= limits.min() + 1e-6
            assert rec.binding_constraint in rec.limits.index
            assert {"request", "capacity", "collateral", "product_cap", "working_capital"} <= set(rec.limits.index)
            assert set(rec.limits["作用"]) <= {"约束", "参考", "不适用"}


# --------------------------------------------------------------------------- properties

CASES = ["C01", "C02", "C03"]
methods = st.sampled_from(["equal_installment", "equal_principal", "interest_only", "bullet", "等额本息", "先息后本"])


@settings(max_examples=25, deadline=None)
@given(case_id=st.sampled_from(CASES), variant=st.one_of(st.none(), st.integers(0, 10_000)),
       amount=st.floats(1_000, 2_000_000), rate=st.floats(0.0, 0.3), months=st.integers(1, 60),
       share=st.floats(0.05, 1.0), method=methods, secured=st.one_of(st.none(), st.booleans()),
       wc=st.one_of(st.none(), st.booleans()))
def test_recommended_amount_never_exceeds_a_limit_or_the_request(case_id: str, variant: int | None, amount: float,
                                                                 rate: float, months: int, share: float,
                                                                 method: str, secured: bool | None,
                                                                 wc: bool | None) -> None:
    case = ml.casebook.load_case(case_id, variant=variant)
    rec = sizing.recommend(case, amount=amount, annual_rate=rate, months=months, share=share, method=method,
                           secured=secured, working_capital_binding=wc)
    binding = rec.limits[rec.limits["作用"] == "约束"]["额度（元）"].astype(float)
    assert rec.amount >= 0
    assert rec.amount <= amount + 1e-6
    assert all(rec.amount <= value + 1e-6 for value in binding)
    assert rec.minimum == pytest.approx(binding.min())


@given(low=st.floats(-50_000, 500_000), extra=st.floats(0, 500_000), rate=st.floats(0, 0.5),
       months=st.integers(1, 360), share=st.floats(0.01, 1.0),
       method=st.sampled_from(["equal_installment", "equal_principal", "interest_only", "bullet", "seasonal"]))
def test_higher_disposable_income_never_lowers_capacity(low: float, extra: float, rate: float, months: int,
                                                        share: float, method: str) -> None:
    lower = sizing.capacity_limit(low, rate, months, share, method)
    higher = sizing.capacity_limit(low + extra, rate, months, share, method)
    assert higher >= lower or math.isclose(higher, lower, rel_tol=1e-12)


@given(sales=st.floats(0, 1e9), more=st.floats(0, 1e9), margin=st.floats(-0.9, 0.95), growth=st.floats(-0.9, 2),
       days=st.lists(st.floats(0, 400), min_size=5, max_size=5), bump=st.floats(0, 200),
       which=st.integers(0, 4))
def test_working_capital_need_is_monotone_in_sales_and_days(sales: float, more: float, margin: float, growth: float,
                                                            days: list[float], bump: float, which: int) -> None:
    inv, ar, ap, pre, adv = days
    base = sizing.working_capital_need(sales, margin, growth, inv, ar, ap, pre, adv)
    bigger = sizing.working_capital_need(sales + more, margin, growth, inv, ar, ap, pre, adv)
    cycle = inv + ar - ap + pre - adv
    tol = 1e-9 * max(1.0, abs(base), abs(bigger))
    if cycle >= 0:
        assert bigger >= base - tol
    else:
        assert bigger <= base + tol
    bumped = list(days)
    bumped[which] += bump
    moved = sizing.working_capital_need(sales, margin, growth, *bumped[:3], *bumped[3:])
    tol = 1e-9 * max(1.0, abs(base), abs(moved))
    if which in (2, 4):  # payables and advances finance the cycle: more days, less need
        assert moved <= base + tol
    else:
        assert moved >= base - tol


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: sizing.working_capital_need(-1, 0.1, 0.1, 30, 30, 10), "上年度销售收入"),
    (lambda: sizing.working_capital_need(float("nan"), 0.1, 0.1, 30, 30, 10), "NaN"),
    (lambda: sizing.working_capital_need(100, 10, 0.1, 30, 30, 10), "销售利润率"),
    (lambda: sizing.working_capital_need(100, 0.1, 15, 30, 30, 10), "增长率"),
    (lambda: sizing.working_capital_need(100, 0.1, 0.1, "三十", 30, 10), "存货周转天数"),
    (lambda: sizing.working_capital_need(100, 0.1, 0.1, 30, -5, 10), "应收账款周转天数"),
    (lambda: sizing.turnover_days(100, 0, inventory=10), "销售成本为 0"),
    (lambda: sizing.turnover_days(100, 80, receivables=[]), "余额列表为空"),
    (lambda: sizing.new_working_capital_loan(100, 10, -5, 0), "现有流动资金贷款"),
    (lambda: sizing.new_working_capital_loan("abc", 10, 5, 0), "营运资金量"),
    (lambda: sizing.capacity_limit(5_000, 0.072, 0), "期限"),
    (lambda: sizing.capacity_limit(5_000, 0.072, 12.5), "整数"),
    (lambda: sizing.capacity_limit(5_000, 7.2, 12), "年利率"),
    (lambda: sizing.capacity_limit(5_000, -0.01, 12), "年利率"),
    (lambda: sizing.capacity_limit(5_000, 0.072, 12, share=0), "还款占比"),
    (lambda: sizing.capacity_limit(5_000, 0.072, 12, share=70), "还款占比"),
    (lambda: sizing.capacity_limit("五千", 0.072, 12), "月可支配资金"),
    (lambda: sizing.capacity_limit(5_000, 0.072, 12, method="气泡贷"), "还款方式"),
    (lambda: sizing.collateral_limit([{"type": "古董", "value": 1}]), "collateral[0].type"),
    (lambda: sizing.collateral_limit([{"type": "房产", "value": -1}]), "评估价值"),
    (lambda: sizing.collateral_limit([{"value": 1}]), "缺少抵押物类型"),
    (lambda: sizing.farmer_line(1, 1, "AAAA"), "信用等级"),
    (lambda: sizing.farmer_line(float("nan"), 1, "AA"), "年可支配收入"),
    (lambda: sizing.flow_line(-1), "年结算流水"),
    (lambda: sizing.recommend(ml.casebook.load_case("C01"), months=0), "期限"),
    (lambda: sizing.recommend(ml.casebook.load_case("C01"), amount="很多"), "申请金额"),
])
def test_bad_input_gives_a_chinese_error_naming_the_field(call, fragment: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=re.escape(fragment)):
        call()


def _write_parameters(tmp_path: Path, old: str, new: str) -> Path:
    text = SIZING_YAML.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "sizing.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ("  房产: 0.70", "  房产: 1.70", "ltv：“房产”的抵押率应在 0 到 1 之间"),
    ("  share: 0.7 ", "  share: 1.7 ", "capacity.share"),
    ("coefficients: {AAA: 1.0, AA: 0.8, A: 0.6, B: 0.3, C: 0.0}", "coefficients: {AAA: 1.0, AA: 0.8}",
     "farmer_line：coefficients 与 caps 应列出相同的等级"),
    ("    farm: interest_only", "    farm: 随便还", "defaults.method_by_segment"),
    ("  cap: 5000000", "  cap: 五百万", "flow_line.cap"),
    ("  round_down_to: 100 ", "  round_dwn_to: 100 ", "recommend.round_down_to：缺少此字段"),
    ("  product_cap: 1000000 ", "  product_cap: 1000000\n  extra_key: 1 ", "recommend.extra_key：未知字段"),
    ("recommend:\n", "recommend: [\n", "YAML 格式错误"),
])
def test_bad_parameter_file_names_file_and_key(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    path = _write_parameters(tmp_path, old, new)
    with pytest.raises(InputError, match="文件 sizing.yaml") as info:
        sizing.load_parameters(path)
    assert fragment in str(info.value)


def test_bundled_parameters_are_marked_illustrative() -> None:
    params = sizing.load_parameters()
    assert params.illustrative is True
    assert "示例参数" in SIZING_YAML.read_text(encoding="utf-8")
    farmer_grades = {band.grade for band in ml.rating.load_scorecard("farmer").grades}
    assert farmer_grades <= set(params.farmer_line.coefficients)


# --------------------------------------------------------------------------- the sizing calculator (ui)



def _binding(box: object) -> str:
    html = [w for w in getattr(box, "children", ()) if "ml-binding" in str(getattr(w, "value", ""))]
    return html[0].value if html else ""


def test_sizing_calculator_reacts_to_every_input(capsys: pytest.CaptureFixture[str]) -> None:
    from microloan_sim.ui.sizing import sizing_calculator

    box = sizing_calculator("C01")
    (share,) = with_class(box, "ml-sizing-share")
    (method,) = with_class(box, "ml-sizing-method")
    (amount,) = with_class(box, "ml-sizing-amount")
    (case,) = with_class(box, "ml-case")
    (secured,) = with_class(box, "ml-sizing-secured")
    assert "data-binding='capacity'" in _binding(box) and "56,900" in _binding(box)
    share.value = 0.5  # 0.5 × 7,049.25 × 11.5448 = 40,691 → 40,600
    assert "40,600" in _binding(box)
    method.value = "interest_only"  # principal at maturity: sized on the projected cash, lower than 40,600
    assert "data-binding='capacity'" in _binding(box) and "40,600" not in _binding(box)
    amount.value = 20_000
    assert "data-binding='request'" in _binding(box)
    case.value = "C03"  # loading a case restores its own request and defaults
    # C03 offers a guarantor, not collateral (the herd is sold in December): unsecured; with the 50 % share set
    # above, its projected cash is the limit, below its AA 农户 line of 79,900
    assert (amount.value, method.value, secured.value) == (120_000, "interest_only", False)
    assert "data-binding='capacity'" in _binding(box) and "79,900" not in _binding(box)
    secured.value = True  # treated as secured, a guarantee counts 0 % (not collateral), so nothing can be lent
    assert "data-binding='collateral'" in _binding(box)
    capsys.readouterr()


def test_sizing_calculator_shows_errors_in_place(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from microloan_sim.ui.sizing import sizing_calculator

    box = sizing_calculator("C02")
    (variant,) = with_class(box, "ml-variant")
    variant.value = "学员-05"
    assert "data-binding=" in _binding(box)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise InputError("测试用的错误", field="申请金额")

    monkeypatch.setattr(sizing, "recommend", broken)
    (share,) = with_class(box, "ml-sizing-share")
    share.value = 0.6  # no exception escapes; the stale recommendation is cleared
    assert _binding(box) == ""
    capsys.readouterr()
