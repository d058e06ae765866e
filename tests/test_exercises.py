"""Exercise grading, checked against answer keys computed here independently of the package's statements."""
from __future__ import annotations

import pytest

import microloan_sim as ml
from microloan_sim.casebook import BALANCE_COLUMNS, Case


def independent_ex01_key(case: Case) -> dict[str, float]:
    """Roll the records forward month by month with plain arithmetic (no use of microloan_sim.statements)."""
    o = case.opening.model_dump()
    cash, loans, fixed, house_debt, house_assets = (o["cash_and_deposits"], o["short_term_loans"], o["fixed_assets"],
                                                     o["household_liabilities"], o["household_assets"])
    previous = {c: o[c] for c in BALANCE_COLUMNS}
    revenue = gross = net = disposable = 0.0
    expense_columns = case.operating_expense_columns
    for _, row in case.records.iterrows():
        d = {c: row[c] - previous[c] for c in BALANCE_COLUMNS}
        previous = {c: row[c] for c in BALANCE_COLUMNS}
        expenses = sum(row[c] for c in expense_columns)
        instalment = row["business_loan_interest"] + row["business_loan_principal"]
        private = row["private_loan_interest"] + row["private_loan_principal"]
        month_net = row["revenue"] - row["cost_of_goods_sold"] - expenses - instalment
        revenue += row["revenue"]
        gross += row["revenue"] - row["cost_of_goods_sold"]
        net += month_net
        disposable += month_net + row["other_income"] - row["household_expenses"] - private
        collected = row["revenue"] - d["accounts_receivable"] + d["advances_received"]
        paid = row["cost_of_goods_sold"] + d["inventory"] + d["prepayments"] - d["accounts_payable"]
        cash += (collected + row["other_income"] + row["loan_drawdown"] + row["injections"] - paid
                 - (expenses - row["depreciation"]) - instalment - row["loan_repayment"] - row["household_expenses"]
                 - private - row["capex"] - row["withdrawals"])
        loans += row["loan_drawdown"] - row["loan_repayment"] - row["business_loan_principal"]
        fixed += row["capex"] - row["depreciation"]
        house_debt -= row["private_loan_principal"]
        house_assets += row["appreciation"]
    last = case.records.iloc[-1]
    current = cash + last["accounts_receivable"] + last["prepayments"] + last["inventory"]
    assets = current + fixed + o["other_assets"] + house_assets
    debts = (last["accounts_payable"] + last["advances_received"] + loans + o["informal_borrowing"]
             + o["long_term_liabilities"] + o["other_liabilities"] + house_debt)
    return {"closing_cash": cash, "current_assets": current, "total_assets": assets, "total_liabilities": debts,
            "equity": assets - debts, "debt_ratio": debts / assets, "revenue_total": revenue,
            "gross_profit_total": gross, "net_profit_total": net, "average_disposable": disposable / len(case.records)}


EX01 = ml.exercises.get("ex01")


@pytest.mark.parametrize("variant", [None, *range(49)])
def test_ex01_key_matches_independent_computation(variant: int | None) -> None:
    case = EX01.case(variant)
    ours = independent_ex01_key(case)
    key = EX01.expected(variant)
    assert set(key) == {item.id for item in EX01.items_for(case)}
    shared = set(key) & set(ours)  # a salaried borrower (C06) is asked household items instead of sales and profit
    assert shared == set(ours) if case.segment != "consumer" else len(shared) == 6
    for item in shared:
        assert key[item] == pytest.approx(ours[item], rel=1e-9, abs=1e-6), item
    if case.segment == "consumer":  # its own items are rebuilt by hand in test_ex01_reconstruction (100/100 there)
        return
    # a learner who types the independent answers (as text with separators) gets full marks
    typed = {k: (f"{v:.2%}" if k == "debt_ratio" else f"{v:,.2f}") for k, v in ours.items()}
    result = EX01.grade(typed, variant)
    assert result.score == result.max_score == 100
    assert all(item.status == "correct" for item in result.items)


def test_partial_credit_wrong_and_missing() -> None:
    key = independent_ex01_key(EX01.case("学员-42"))
    answers = {
        "closing_cash": key["closing_cash"] * 1.005 + 100,      # off by ~0.5 %: within the 1 % tolerance
        "equity": key["equity"] * 1.2,                          # wrong
        "debt_ratio": "abc",                                    # text in a number field
        "revenue_total": f"{key['revenue_total']:,.0f} 元",
    }
    result = EX01.grade(answers, "学员-42")
    items = {item.item_id: item for item in result.items}
    assert items["closing_cash"].status == "within_tolerance" and items["closing_cash"].points == 7.0
    assert items["equity"].status == "wrong" and items["equity"].points == 0
    assert "资产总计 − 负债总计" in items["equity"].hint                     # points at the concept
    assert f"{key['equity']:,.0f}" not in items["equity"].hint               # never gives the answer away
    assert items["debt_ratio"].status == "wrong" and "期末负债率（%）：应为数字" in items["debt_ratio"].hint
    assert items["revenue_total"].status == "correct"
    assert items["net_profit_total"].status == "missing"
    assert result.score == 7 + 10 and result.max_score == 100


def test_grading_is_per_variant() -> None:
    mine = EX01.expected("学员-01")
    assert EX01.grade(mine, "学员-02").score < 50  # another learner's numbers do not pass


def test_bad_answer_shapes() -> None:
    with pytest.raises(ml.InputError, match="未知的题目编号：surprise"):
        EX01.grade({"surprise": 1}, None)
    with pytest.raises(ml.InputError, match="键值表"):
        EX01.grade([1, 2], None)  # type: ignore[arg-type]
    with pytest.raises(ml.InputError, match="练习编号"):
        ml.exercises.get("ex99")


def test_result_is_json_safe() -> None:
    import json

    result = EX01.grade({"equity": "1"}, 5)
    payload = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert payload["exercise_id"] == "ex01" and payload["variant"] == 5
    assert {item["status"] for item in payload["items"]} == {"wrong", "missing"}


@pytest.mark.parametrize("exercise_id", ["ex03", "ex04"])
def test_choice_answers_are_always_offered(exercise_id: str) -> None:
    exercise = ml.exercises.get(exercise_id)
    choices = {item.id: set(item.options) for item in exercise.items if item.kind == "choice"}
    for variant in [None, *range(50)]:
        key = exercise.expected(variant)
        for item_id, options in choices.items():
            assert key[item_id] in options, (variant, item_id, key[item_id])
        result = exercise.grade(key, variant)
        assert result.score == result.max_score


def test_ex03_key_agrees_with_the_scorecard_file() -> None:
    """Score = sum of the breakdown's points; grade = the band of that score in the card file of the borrower's
    segment (read directly: business.yaml, farmer.yaml, consumer.yaml)."""
    import yaml

    card_of = {"business": "business", "farm": "farmer", "consumer": "consumer"}
    exercise = ml.exercises.get("ex03")
    segments = set()
    for variant in range(50):
        key = exercise.expected(variant)
        case = exercise.case(variant)
        segments.add(case.segment)
        name = card_of[case.segment]
        card = yaml.safe_load((ml._data.data_path("scorecards", f"{name}.yaml")).read_text(encoding="utf-8"))
        breakdown = ml.rating.rate(case, name).breakdown
        assert key["score"] == pytest.approx(breakdown["得分"].sum())
        assert key["main_reason"] == breakdown.loc[breakdown["扣分"].idxmax(), "指标"]
        band = next(g for g in card["grades"] if g["min"] <= key["score"] < g["max"] or key["score"] == g["max"] == 100)
        assert key["grade"] == band["grade"]
    assert segments == {"business", "farm", "consumer"}   # the pool's three kinds of borrower all came up


def test_ex04_capacity_and_recommendation_independently() -> None:
    """Capacity recomputed with numpy-financial from the independent disposable income; the recommendation is the
    minimum of the binding limits rounded down to 100 元."""
    import numpy_financial as npf
    import yaml

    params = yaml.safe_load(ml._data.data_path("sizing.yaml").read_text(encoding="utf-8"))
    exercise = ml.exercises.get("ex04")
    for variant in range(50):
        case = exercise.case(variant)
        key = exercise.expected(variant)
        disposable = independent_ex01_key(case)["average_disposable"]
        assert key["monthly_disposable"] == pytest.approx(disposable)
        rate = params["defaults"]["annual_rate"] / 12
        share = params["capacity"]["share"]
        capacity = -npf.pv(rate, case.request.months, share * disposable)  # level payment = k × disposable
        assert key["capacity"] == pytest.approx(max(capacity, 0), rel=1e-6)
        advice = ml.sizing.recommend(case, method="equal_installment")  # the exercise states 等额本息
        lowest = min(advice.binding_limits().min(), case.request.amount)
        assert key["recommended"] == pytest.approx(lowest // 100 * 100)


def _independent_cost(product, principal: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """IRR annual rate and total cost of a 12-month product, from its terms with numpy-financial only.

    Semantics: upfront/guarantee fees (upfront timing) are paid at disbursement; a monthly insurance premium is
    the annual premium rate × principal / 12 each month; the monthly fee is on the original principal; a deposit
    is withheld at disbursement and returned with the last instalment.
    """
    import numpy as np
    import numpy_financial as npf

    n, r = product.months, product.rate / 12
    if product.method == "equal_installment":
        payment = float(-npf.pmt(r, n, principal)) if r else principal / n
        balance, interest = principal, []
        for _ in range(n):
            interest.append(balance * r)
            balance -= payment - balance * r
        principal_paid = [payment - i for i in interest]
    else:  # equal_principal
        principal_paid = [principal / n] * n
        interest = [(principal - k * principal / n) * r for k in range(n)]
    monthly = np.array(principal_paid) + np.array(interest) + principal * product.monthly_fee
    upfront = principal * (product.upfront_fee + product.guarantee_fee)
    if product.insurance_timing == "monthly":
        monthly = monthly + principal * product.insurance_premium / 12
    else:
        upfront += principal * product.insurance_premium
    deposit = principal * product.deposit
    flows = np.concatenate([[principal - upfront - deposit], -monthly])
    flows[-1] += deposit
    cost = sum(interest) + principal * product.monthly_fee * n + upfront + (
        principal * product.insurance_premium if product.insurance_timing == "monthly" else 0)
    return float(npf.irr(flows)) * 12, cost


def test_ex05_key_against_independent_cash_flows() -> None:
    from microloan_sim.exercises import _product_set

    exercise = ml.exercises.get("ex05")
    for variant in range(50):
        case = exercise.case(variant)
        chosen, target, principal = _product_set(case)
        key = exercise.expected(variant)
        costs = {p.name: _independent_cost(p, principal) for p in chosen}
        assert key["target_irr"] == pytest.approx(costs[target.name][0], abs=2e-4)     # payments rounded to 分
        assert key["target_total_cost"] == pytest.approx(costs[target.name][1], abs=1.0)
        assert key["cheapest"] == min(costs, key=lambda name: costs[name][0])
        assert key["most_expensive"] == max(costs, key=lambda name: costs[name][0])
        by_nominal = min(chosen, key=lambda p: p.rate).name
        assert key["nominal_misleading"] == ("是" if by_nominal == key["cheapest"] else "否")
        assert exercise.briefing(variant).note.count(target.name) == 1
        catalogue = ml.products.get(target.id)  # the branch's own version: a higher one-off fee than the catalogue
        assert target.upfront_fee >= catalogue.upfront_fee + 0.005 - 1e-9 and abs(target.rate - catalogue.rate) <= 0.006 + 1e-9


def test_ex05_branch_version_never_shows_as_a_catalogue_product() -> None:
    """The product to compute is the branch's own version; its IRR, written to 0.01 个百分点 as 05a–05c write rates,
    is never that of a catalogue product at the learner's principal (own term or 12 months), so a comparator's
    table cannot be read as the answer. The target's cost computed here from its cash flows, not from the key."""
    from microloan_sim.exercises import _product_set

    exercise = ml.exercises.get("ex05")
    catalogue = list(ml.products.load_catalogue().values())
    costs: dict[float, list[float]] = {}
    for variant in range(40):
        chosen, target, principal = _product_set(exercise.case(variant))
        if principal not in costs:
            costs[principal] = [*ml.products.compare(catalogue, principal)["年化利率（IRR）"],   # as the screens show
                                *ml.products.compare(catalogue, principal, 12)["年化利率（IRR）"]]
        irr = _independent_cost(target, principal)[0]
        shown = {round(100 * value, 2) for value in costs[principal]}
        assert round(100 * irr, 2) not in shown, (variant, target.name, irr)


def test_ex06_decision_follows_the_rule_and_reasoning_goes_to_the_instructor() -> None:
    exercise = ml.exercises.get("ex06")
    decisions = set()
    for variant in range(50):
        key = exercise.expected(variant)
        case = exercise.case(variant)
        assert key["average_disposable"] == pytest.approx(independent_ex01_key(case)["average_disposable"])
        expected_decision = ("拒绝" if key["grade"] == "C" else
                             "有条件批准（降低额度）" if key["recommended"] < case.request.amount else "批准")
        assert key["decision"] == expected_decision
        decisions.add(key["decision"])
        answers = {k: v for k, v in key.items() if v is not None}
        answers["reasoning"] = "月可支配资金约为月供的 1.5 倍；流水与口述销售额一致。"
        result = exercise.grade(answers, variant)
        reasoning = next(item for item in result.items if item.item_id == "reasoning")
        assert reasoning.status == "manual" and reasoning.points == 0
        assert result.score == result.max_score - reasoning.max_points
    assert len(decisions) >= 2   # the variants do not all lead to the same decision


def test_ex02_key_from_documents_and_the_answer_key_file() -> None:
    import yaml

    from microloan_sim import crosscheck, documents

    from microloan_sim.exercises.keys_casework import exam_flaws

    exercise = ml.exercises.get("ex02")
    patterns = set()
    for variant in [None, *range(50)]:
        case = exercise.case(variant)
        flaws = yaml.safe_load((case.folder / "answer_key.yaml").read_text(encoding="utf-8"))
        chosen = exam_flaws(case)   # the seed's subset of the case's flaws (all of them for the canonical case)
        if variant is not None:
            assert set(chosen) < {flaw["id"] for flaw in flaws["flaws"]}   # never all: the dashboards plant all
        kinds = {flaw["kind"] for flaw in flaws["flaws"] if chosen is None or flaw["id"] in chosen}
        docs = documents.build_documents(case, only=chosen)
        key = exercise.expected(variant)
        patterns.add((case.id, key["sales_verdict"], key["debt_verdict"], key["inventory_verdict"]))
        count = docs.inventory_count
        assert key["counted_inventory"] == pytest.approx(float((count["quantity"] * count["unit_cost"]).sum()), abs=1)
        said = docs.statements.set_index(["role", "topic"])["value"]
        assert key["debt_gap"] == pytest.approx(said[("配偶", "负债合计")] - docs.claims.debts["balance"].sum())
        assert (key["sales_verdict"] == "被夸大") == ("inflated_sales" in kinds)
        assert (key["sales_verdict"] == "被少报") == ("hidden_income" in kinds)
        assert (key["debt_verdict"] == "有隐性负债") == bool({"hidden_debt", "undeclared_card_debt"} & kinds)
        if key["debt_verdict"] == "有隐性负债":
            assert key["debt_gap"] > 0   # the spouse counts the debt the borrower left out
        assert (key["inventory_verdict"] == "被高报") == ("overstated_inventory" in kinds)
        # the classification agrees with what the engine sees in the learner's own variant
        verdicts = {r.method: r for r in crosscheck.run_all(case)}
        if key["sales_verdict"] == "被夸大":
            bank = verdicts["sales_from_bank_flows"]
            assert bank.verdict.value == "矛盾" and bank.expected < bank.reported
        if key["inventory_verdict"] == "被高报":
            assert verdicts["inventory_count"].verdict.value == "矛盾"
        result = exercise.grade(key, variant)
        assert result.score == result.max_score
    assert len(patterns) >= 8   # the verdicts depend on the case and the seed
    briefing = exercise.briefing(3)
    shown = briefing.note + "".join(frame.to_string() for frame in briefing.tables.values())
    flaws = yaml.safe_load((exercise.case(3).folder / "answer_key.yaml").read_text(encoding="utf-8"))
    for flaw in flaws["flaws"]:
        assert flaw["description"] not in shown   # the answer key never reaches the learner


# --------------------------------------------------------------------------- ex09: 分散经营 and 考核 (course 03)

def test_ex09_key_by_hand_for_one_learner() -> None:
    """学员-01 gets 8,000,000 元 in 100 loans, PD 2%, LGD 40%; a branch book of one 2,000,000 元 loan and 50 ×
    50,000 元; the scheme 4,000 元 per default with 65% exempt; and 两增两控 figures that all pass.

    EL = 8,000,000 × 2% × 40% = 64,000. SD = 80,000 × 40% × √(100 × 0.02 × 0.98) = 32,000 × 1.4 = 44,800.
    Total 4,500,000: HHI = (2/4.5)² + 50 × (0.05/4.5)² = (1,600 + 50) / 8,100 = 0.203704; effective number
    8,100 / 1,650 = 4.909. Growth 63.72/59 − 1 = 8.00% ≤ 26.40/24 − 1 = 10.00%; 7,812 → 8,089 households;
    NPL 2.20% ≤ 1.20% + 3 points."""
    exercise = ml.exercises.get("ex09")
    briefing = exercise.briefing("学员-01")
    assert briefing is not None
    split = dict(zip(briefing.tables["分散经营"]["项目"], briefing.tables["分散经营"]["数值"]))
    assert split["总敞口"] == "8,000,000 元" and split["每笔违约概率 PD"] == "2.0%" and split["违约损失率 LGD"] == "40%"
    scheme = dict(zip(briefing.tables["考核方案（风险调整 + 尽职免责）"]["项目"],
                      briefing.tables["考核方案（风险调整 + 尽职免责）"]["数值"]))
    assert scheme["每笔违约贷款扣减"] == "4,000 元" and scheme["尽职免责比例"] == "65%"
    key = exercise.expected("学员-01")
    assert key["expected_loss"] == pytest.approx(64_000)
    assert key["sd_independent"] == pytest.approx(44_800)
    assert key["hhi"] == pytest.approx(1_650 / 8_100)
    assert key["effective_number"] == pytest.approx(8_100 / 1_650)
    assert key["policy_verdict"] == "全部达标"


def test_ex09_cut_off_and_par30_independently() -> None:
    """The officer's cut-off recomputed from the approval table: bonus = 20 元 per 10,000 disbursed − penalty ×
    (1 − exempt share) × defaults among the approved; the PAR30 from the performance engine called directly with
    a shock probability of 0.3 × the highest pool default rate at that cut-off or any stricter one (one cohort,
    12 months, 2,000 loans, seed 2024: data/portfolio.yaml)."""
    exercise = ml.exercises.get("ex09")
    sim = ml.rating.approval_simulation("statistical", steps=81)
    table = sim.table
    params = ml.performance.load_parameters()
    one_cohort = params.model_copy(update={"book": params.book.model_copy(update={"disbursement_months": 1})})
    for learner in ("学员-01", "学员-02"):
        scheme = exercise.briefing(learner).tables["考核方案（风险调整 + 尽职免责）"]  # type: ignore[union-attr]
        values = dict(zip(scheme["项目"], scheme["数值"]))
        penalty = float(values["每笔违约贷款扣减"].replace(",", "").rstrip(" 元"))
        exempt = float(values["尽职免责比例"].rstrip("%")) / 100
        defaults = table["通过户数"] * table["通过户违约率"].fillna(0)
        bonus = 20 * table["放款总额"] / 10_000 - penalty * (1 - exempt) * defaults
        pick = int(bonus.to_numpy().argmax())
        key = exercise.expected(learner)
        assert key["cut_off"] == table["分数线"].iloc[pick]
        stricter = table[table["分数线"] >= table["分数线"].iloc[pick]]["通过户违约率"].fillna(0)
        book = ml.performance.simulate_book(2_000, 12, seed=2024, shock_rate=round(0.3 * stricter.max(), 6),
                                            params=one_cohort)
        assert key["par30"] == pytest.approx(float(book.par(30).iloc[-1]))


def test_ex09_every_policy_verdict_occurs_and_matches_the_figures() -> None:
    """Over 40 learners each verdict appears, and the verdict follows the three rules applied to the briefing."""
    exercise = ml.exercises.get("ex09")
    seen = set()
    for n in range(40):
        learner = f"学员-{n:02d}"
        rows = exercise.briefing(learner).tables["网点的两增两控数据"].set_index("项目")  # type: ignore[union-attr]
        number = lambda text: float(str(text).split(" ")[-1].replace(",", "").rstrip("%"))  # noqa: E731
        total = number(rows.loc["各项贷款余额（亿元）", "本期末"]) / number(rows.loc["各项贷款余额（亿元）", "上年末"])
        small = number(rows.loc["普惠小微贷款余额（亿元）", "本期末"]) / number(rows.loc["普惠小微贷款余额（亿元）", "上年末"])
        households = number(rows.loc["有贷款余额的户数（户）", "本期末"]) - number(rows.loc["有贷款余额的户数（户）", "上年末"])
        npl_gap = number(rows.loc["不良率", "本期末"]) - number(rows.loc["不良率", "上年末"])
        failed = [name for name, bad in (("普惠小微贷款增速未达标", small < total), ("有贷款余额的户数未达标", households < 0),
                                         ("不良率超出容忍度", npl_gap > 3.0 + 1e-9)) if bad]
        assert len(failed) <= 1
        verdict = exercise.expected(learner)["policy_verdict"]
        assert verdict == (failed[0] if failed else "全部达标")
        seen.add(verdict)
    assert seen == {"全部达标", "普惠小微贷款增速未达标", "有贷款余额的户数未达标", "不良率超出容忍度"}


def test_ex09_grading_full_marks_and_hints() -> None:
    exercise = ml.exercises.get("ex09")
    key = exercise.expected("学员-01")
    answers = {"expected_loss": "64,000", "sd_independent": "44,800 元", "hhi": "0.204", "effective_number": "4.9",
               "cut_off": f"{key['cut_off']:.0f}", "par30": f"{key['par30']:.2%}", "policy_verdict": "全部达标",
               "reasoning": "压降大额贷款；尽职免责"}
    result = exercise.grade(answers, "学员-01")
    assert result.score == result.max_score - 10          # the reasoning waits for the instructor
    wrong = exercise.grade({"expected_loss": "128,000", "effective_number": "51"}, "学员-01")
    statuses = {i.item_id: (i.status, i.hint) for i in wrong.items}
    assert statuses["expected_loss"][0] == "wrong" and "PD × LGD" in statuses["expected_loss"][1]
    assert statuses["effective_number"][0] == "wrong" and statuses["cut_off"][0] == "missing"
