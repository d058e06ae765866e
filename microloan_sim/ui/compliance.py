"""Compliance dashboards (course 07 法律合规): disclosure checker, contract-terms checker, AML explorer, private-
lending cap on a case's informal debt, collection-log review. Every number and finding comes from
:mod:`microloan_sim.compliance`; nothing is computed here.

Stable hooks for browser tests (CSS classes): ``ml-disclosure``, ``ml-upfront`` (the 砍头息 checkbox),
``ml-true-rate`` (its ``data-irr`` attribute holds the IRR rate in %), ``ml-findings`` (a findings table; each row
has class ``ml-finding`` and ``ml-finding-<code>``, and ``data-rule``), ``ml-contract``, ``ml-aml``,
``ml-aml-cash``, ``ml-informal-cap``, ``ml-collection``.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import ipywidgets as widgets
from matplotlib.figure import Figure

from .. import casebook, compliance
from ..compliance import Finding
from ..errors import InputError
from ..plotting import PALETTE, new_figure
from ..schedules import METHODS
from ._common import (TABLE_CSS, case_pickers, illustrative_tag, learner_variant, money, percent, replace_output,
                      safe, table_html)

_STYLE = {"description_width": "initial"}
_SEVERITY_CSS = {compliance.BREACH: "ml-verdict-bad", compliance.REPORT: "ml-verdict-bad",
                 compliance.SUSPICIOUS: "ml-verdict-warn", compliance.RISK: "ml-verdict-warn",
                 compliance.NOTE: "ml-verdict-ok"}


def findings_html(findings: Sequence[Finding], empty: str = "未发现问题。") -> str:
    """Findings as an HTML table (most serious first), each row tagged with its code and rule.

    Examples
    --------
    >>> f = compliance.Finding("disclosure", "upfront_interest", "《民法典》", "第670条", "砍头息", "违规")
    >>> 'ml-finding-upfront_interest' in findings_html([f])
    True
    """
    if not findings:
        return f"<div class='ml-findings ml-findings-empty'>{html.escape(empty)}</div>"
    ordered = sorted(findings, key=lambda f: compliance.SEVERITIES.index(f.severity))
    rows = "".join(
        f"<tr class='ml-finding ml-finding-{html.escape(f.code)}' data-rule='{html.escape(f.rule)}'>"
        f"<td class='{_SEVERITY_CSS[f.severity]}' style='white-space:nowrap'>{html.escape(f.severity)}</td>"
        f"<td style='white-space:nowrap'>{html.escape(compliance.CHECK_LABELS.get(f.check, f.check))}</td>"
        f"<td>{html.escape(f.rule)}</td><td>{html.escape(f.message)}</td></tr>" for f in ordered)
    return ("<table class='ml-table ml-findings'><thead><tr><th>结论</th><th>检查</th><th>依据（法规与条款）</th>"
            f"<th>说明</th></tr></thead><tbody>{rows}</tbody></table>")


def _percent_box(value: float, description: str, *, step: float = 0.01, maximum: float = 100.0,
                 width: str = "250px") -> widgets.BoundedFloatText:
    return widgets.BoundedFloatText(value=value, min=0, max=maximum, step=step, description=description,
                                    style=_STYLE, layout=widgets.Layout(width=width))


# --------------------------------------------------------------------------- 1. disclosure checker

def rate_chart(result: compliance.DisclosureResult) -> Figure:
    """Bars: the advertised rate, the contract rate, and the true annualised rates (IRR and simple), in %."""
    shown = result.offer.shown_annual_rate
    assert result.rate.simple_rate is not None  # check_disclosure works on a schedule table
    items = [("合同年利率", result.contract_rate, PALETTE[5]),
             ("年化利率（单利）", result.rate.simple_rate, PALETTE[0]),
             ("年化利率（IRR 复利法）", result.rate.irr_rate, PALETTE[3])]
    if shown is not None:
        items.insert(0, ("广告展示的年化利率", shown, PALETTE[1]))
    fig, ax = new_figure("广告利率与真实年化利率", "", xlabel="年利率（%）", size=(7.0, 0.5 * len(items) + 1.3))
    values = [v * 100 for _, v, _ in items]
    bars = ax.barh([n for n, _, _ in items][::-1], values[::-1], color=[c for _, _, c in items][::-1])
    for bar, value in zip(bars, values[::-1]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:.2f}%", va="center", fontsize=9)
    ax.set_xlim(0, max(max(values) * 1.25, 1.0))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    return fig


def _rate_html(result: compliance.DisclosureResult) -> str:
    r = result.rate
    assert r.simple_rate is not None  # check_disclosure works on a schedule table
    deducted = (f"；放款时预扣利息 {money(result.upfront_interest)} 元，依法应还本息 {money(result.legally_owed, decimals=2)} 元，"
                f"多收 {money(result.over_collected, decimals=2)} 元") if result.upfront_interest else ""
    return (f"<div class='ml-true-rate' data-irr='{r.irr_rate * 100:.4f}' style='font-size:15px;margin:6px 0'>"
            f"真实年化利率（IRR 复利法）：<b>{percent(r.irr_rate, 2)}</b>；单利口径 {percent(r.simple_rate, 2)}；"
            f"合同年利率 {percent(result.contract_rate, 2)}。实际到手 {money(r.net_received)} 元，"
            f"利息和费用合计 {money(r.total_cost, decimals=2)} 元{deducted}。</div>")


def disclosure_checker(principal: float = 100_000, months: int = 12, quoted_rate: float = 0.8,
                       quote_unit: str = "month") -> widgets.VBox:
    """Edit a loan advert (日息/月息 quote, fees, insurance, 保证金, 砍头息, the 年化 rate it shows) and see the true
    annualised rate and every disclosure breach with its rule.

    ``quoted_rate`` is in % per ``quote_unit`` (0.8 → 月息 0.8 %).

    Examples
    --------
    >>> box = disclosure_checker()
    >>> upfront = [w for w in box.children[2].children if "ml-upfront" in w._dom_classes][0]
    >>> upfront.value
    False
    """
    amount = widgets.BoundedFloatText(value=principal, min=1_000, max=10_000_000, step=1_000, description="借款金额（元）",
                                      style=_STYLE, layout=widgets.Layout(width="250px"))
    term = widgets.IntSlider(value=months, min=1, max=60, description="期限（月）", continuous_update=False, style=_STYLE)
    unit = widgets.Dropdown(options=[("日息（日利率）", "day"), ("月息（月利率）", "month"), ("年利率", "year")],
                            value=quote_unit, description="广告报价", style=_STYLE, layout=widgets.Layout(width="240px"))
    rate = _percent_box(quoted_rate, "报价利率（%）", step=0.01)
    method = widgets.Dropdown(options=[(v, k) for k, v in METHODS.items() if k != "seasonal"], value="equal_installment",
                              description="还款方式", style=_STYLE, layout=widgets.Layout(width="220px"))
    monthly_fee = _percent_box(0.0, "月手续费（%，按本金）", maximum=5)
    service_fee = _percent_box(2.0, "一次性服务费（%）", maximum=20)
    service_required = widgets.Checkbox(value=True, indent=False, description="服务费是放款前提（强制）")
    insurance = _percent_box(0.0, "保险费（%/年）", maximum=20)
    insurance_required = widgets.Checkbox(value=False, indent=False, description="必须投保才放款（搭售）")
    deposit = _percent_box(0.0, "保证金（%）", maximum=50, step=1)
    upfront = widgets.Checkbox(value=False, indent=False, description="砍头息：利息在放款时从本金中预先扣除")
    shows_annual = widgets.Checkbox(value=True, indent=False, description="广告展示了年化利率")
    shown_rate = _percent_box(round(quoted_rate * 12 if quote_unit == "month" else quoted_rate, 4), "展示的年化利率（%）",
                              maximum=1000)
    shown_method = widgets.Dropdown(options=[("未注明计算方法", ""), ("注明为单利", "simple"), ("注明为复利（IRR）", "irr")],
                                    description="年化口径", style=_STYLE, layout=widgets.Layout(width="250px"))
    prominent = widgets.Checkbox(value=True, indent=False, description="年化利率不比日/月利率更不醒目")
    for widget, css in ((amount, "ml-principal"), (term, "ml-months"), (unit, "ml-quote-unit"), (rate, "ml-quoted-rate"),
                        (upfront, "ml-upfront"), (shows_annual, "ml-shows-annual"), (shown_rate, "ml-shown-rate"),
                        (insurance_required, "ml-insurance-required"), (service_required, "ml-service-required")):
        widget.add_class(css)
    headline = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        headline.value = ""
        offer = compliance.Offer(
            principal=amount.value, months=term.value, quoted_rate=rate.value / 100, quote_unit=unit.value,
            method=method.value, monthly_fee=monthly_fee.value / 100, service_fee=service_fee.value / 100,
            service_required=service_required.value, insurance_premium=insurance.value / 100,
            insurance_required=insurance_required.value, deposit=deposit.value / 100, interest_upfront=upfront.value,
            shown_annual_rate=shown_rate.value / 100 if shows_annual.value else None,
            shown_method=shown_method.value or None, annual_rate_prominent=prominent.value)
        result = compliance.check_disclosure(offer)
        headline.value = TABLE_CSS + _rate_html(result)
        replace_output(output, TABLE_CSS + findings_html(result.findings, "未发现价格披露问题。"), rate_chart(result))

    widgets_all = (amount, term, unit, rate, method, monthly_fee, service_fee, service_required, insurance,
                   insurance_required, deposit, upfront, shows_annual, shown_rate, shown_method, prominent)
    for widget in widgets_all:
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML(f"<small>日息按 × 360 折算合同年利率、展示利率的容差为{illustrative_tag()}；"
                        "年化利率 = 借款人支付的全部利息和费用 ÷ 实际占用本金（中国人民银行公告〔2021〕第3号）。</small>")
    box = widgets.VBox([
        widgets.HBox([amount, term, method]),
        widgets.HBox([unit, rate, monthly_fee]),
        widgets.HBox([upfront, deposit]),
        widgets.HBox([service_fee, service_required, insurance, insurance_required]),
        widgets.HBox([shows_annual, shown_rate, shown_method, prominent]),
        note, headline, output,
    ])
    box.add_class("ml-disclosure")
    return box


# --------------------------------------------------------------------------- 2. contract-terms checker

def contract_checker() -> widgets.VBox:
    """The sample contract with planted defects; fix them one by one and watch the findings go.

    Examples
    --------
    >>> box = contract_checker()
    >>> "ml-contract" in box._dom_classes
    True
    """
    sample = compliance.sample_contract()
    terms_box = widgets.HTML()
    purpose = widgets.Text(value="", placeholder="未写明", description="借款用途", style=_STYLE,
                           layout=widgets.Layout(width="300px"))
    due = widgets.DatePicker(value=dt.date.fromisoformat(str(sample.due_date)), description="主债务到期日", style=_STYLE)
    kind = widgets.Dropdown(options=[("未约定", ""), ("一般保证", "一般保证"), ("连带责任保证", "连带责任保证")],
                            description="保证方式", style=_STYLE, layout=widgets.Layout(width="240px"))
    period = widgets.Dropdown(options=[("未约定", 0), ("6 个月", 6), ("1 年", 12), ("2 年", 24), ("3 年", 36)],
                              description="保证期间", style=_STYLE, layout=widgets.Layout(width="200px"))
    spouse = widgets.Checkbox(value=sample.spouse_signed, indent=False, description="配偶共同签字")
    registered = widgets.Checkbox(value=False, indent=False, description="房产已办理抵押登记")
    term_checks = [widgets.Checkbox(value=t.highlighted and t.explained and not t.unfair, indent=False,
                                    description=f"格式条款“{t.text}”已提示说明且公平",
                                    layout=widgets.Layout(width="560px"))
                   for t in sample.standard_terms]
    for widget, css in ((purpose, "ml-contract-purpose"), (kind, "ml-guarantee-kind"), (period, "ml-guarantee-period"),
                        (spouse, "ml-spouse"), (registered, "ml-registered")):
        widget.add_class(css)
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        if due.value is None:
            raise InputError("请选择日期", field="主债务到期日")
        standard = tuple(compliance.StandardTerm(t.text, True, True, False) if box.value else t
                         for t, box in zip(sample.standard_terms, term_checks))
        guarantor = sample.guarantees[0].guarantor
        contract = sample.with_changes(
            purpose=purpose.value.strip() or None, due_date=due.value, spouse_signed=spouse.value,
            guarantees=(compliance.Guarantee(guarantor, kind.value or None, period.value or None),),
            pledges=(compliance.Pledge(sample.pledges[0].description, "不动产", registered.value),),
            standard_terms=standard)
        terms_box.value = (f"<b>借款合同（示例）</b>：贷款人 {html.escape(contract.lender)}，借款人 {html.escape(contract.borrower)}"
                           f"（已婚），{money(contract.amount or 0)} 元，年利率 {percent(contract.annual_rate or 0, 2)}，"
                           f"{contract.months} 个月，等额本息；签订日 {contract.contract_date}；保证人 {html.escape(guarantor)}；"
                           f"抵押物 {html.escape(sample.pledges[0].description)}。")
        replace_output(output, TABLE_CSS + findings_html(compliance.check_contract(contract), "合同条款未发现问题。"))

    for widget in (purpose, due, kind, period, spouse, registered, *term_checks):
        widget.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([terms_box, widgets.HBox([purpose, due]), widgets.HBox([kind, period]),
                        widgets.HBox([spouse, registered]), *term_checks, output])
    box.add_class("ml-contract")
    return box


# --------------------------------------------------------------------------- 3. AML on a case's statement

def aml_explorer(case_id: str = "C01") -> widgets.VBox:
    """Large-value report flags and suspicious patterns on a case's bank statement, with tunable thresholds.

    Examples
    --------
    >>> box = aml_explorer("C02")
    >>> box.children[0].children[0].value
    'C02'
    """
    p = compliance.parameters()
    case_picker, variant_box = case_pickers(case_id, width="330px")
    customer_kind = widgets.Dropdown(options=[("自然人", "natural"), ("非自然人（单位）", "non_natural")],
                                     description="客户类型", style=_STYLE, layout=widgets.Layout(width="240px"))
    cash = widgets.FloatSlider(value=p.large_value.cash / 10_000, min=0.5, max=20, step=0.5, readout_format=".1f",
                               description="大额现金标准（万元）", continuous_update=False, style=_STYLE)
    domestic = widgets.FloatSlider(value=p.large_value.natural_person_domestic / 10_000, min=1, max=100, step=1,
                                   readout_format=".0f", description="自然人境内转账标准（万元）", continuous_update=False,
                                   style=_STYLE)
    rapid_min = widgets.FloatSlider(value=p.suspicious.rapid_min_amount / 10_000, min=0.5, max=50, step=0.5,
                                    readout_format=".1f", description="快进快出起点（万元）", continuous_update=False,
                                    style=_STYLE)
    rapid_days = widgets.IntSlider(value=p.suspicious.rapid_window_days, min=0, max=10, description="快进快出窗口（天）",
                                   continuous_update=False, style=_STYLE)
    near = widgets.FloatSlider(value=p.suspicious.near_threshold_share * 100, min=1, max=30, step=1, readout_format=".0f",
                               description="“接近阈值”范围（%）", continuous_update=False, style=_STYLE)
    for widget, css in ((cash, "ml-aml-cash"), (domestic, "ml-aml-domestic"), (rapid_min, "ml-aml-rapid-min"),
                        (rapid_days, "ml-aml-rapid-days"), (customer_kind, "ml-aml-customer-kind")):
        widget.add_class(css)
    summary = widgets.HTML()
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        summary.value = ""
        case = casebook.load_case(case_picker.value, variant=learner_variant(variant_box))
        params = compliance.with_thresholds(cash=cash.value * 10_000, natural_person_domestic=domestic.value * 10_000,
                                            rapid_min_amount=rapid_min.value * 10_000, rapid_window_days=rapid_days.value,
                                            near_threshold_share=near.value / 100)
        report = compliance.aml_review_case(case, customer_kind=customer_kind.value, params=params)
        tx = report.transactions
        summary.value = (f"<div class='ml-aml-summary'><b>{html.escape(case.title)}</b>：银行流水 {len(tx):,} 笔，"
                         f"{tx['date'].min():%Y-%m-%d} 至 {tx['date'].max():%Y-%m-%d}；需报告的大额交易 "
                         f"{len(report.large_value)} 组，可疑迹象 "
                         f"{sum(f.severity == compliance.SUSPICIOUS for f in report.findings)} 项。</div>")
        parts = [TABLE_CSS]
        if not report.large_value.empty:
            parts.append(table_html(report.large_value_table(), index=False,
                                    caption="大额交易：同一客户、同一天、同一方向累计（元）"))
        parts.append(findings_html(report.findings, "未发现大额或可疑交易。"))
        replace_output(output, "".join(parts))

    for widget in (case_picker, variant_box, customer_kind, cash, domestic, rapid_min, rapid_days, near):
        widget.observe(refresh, names="value")
    refresh()
    note = widgets.HTML("<small>大额交易标准来自中国人民银行令〔2016〕第3号第五条（可在此调低以作演示）；"
                        f"可疑交易的监测标准由各机构自定，这里的起点、窗口和范围均为{illustrative_tag()}。</small>")
    box = widgets.VBox([widgets.HBox([case_picker, variant_box, customer_kind]), widgets.HBox([cash, domestic]),
                        widgets.HBox([rapid_min, rapid_days, near]), note, summary, output])
    box.add_class("ml-aml")
    return box


# --------------------------------------------------------------------------- 4. 4 × LPR on an informal debt

def informal_debt_cap(case_id: str = "C01") -> widgets.VBox:
    """The informal debts seen in a case's bank statement and the 4 × LPR cap applied to one of them; the IOU
    terms (date, amount, term, deduction) are 示例参数 the learner edits.

    Examples
    --------
    >>> box = informal_debt_cap("C01")
    >>> "ml-informal-cap" in box._dom_classes
    True
    """
    example = compliance.parameters().informal_debt_example
    case_picker, variant_box = case_pickers(case_id, width="330px")
    lender = widgets.Dropdown(description="出借人", style=_STYLE, layout=widgets.Layout(width="260px"))
    lender_kind = widgets.Dropdown(options=["自然人", "小额贷款公司", "农村商业银行"], value="自然人",
                                   description="出借人类型", style=_STYLE, layout=widgets.Layout(width="240px"))
    signed = widgets.DatePicker(value=example.contract_date, description="借条日期", style=_STYLE)
    iou = widgets.BoundedFloatText(value=example.iou_amount, min=1, max=100_000_000, step=1_000,
                                   description="借条金额（元）", style=_STYLE, layout=widgets.Layout(width="250px"))
    months = widgets.IntSlider(value=example.months, min=1, max=120, description="还款期数（月）",
                               continuous_update=False, style=_STYLE)
    deducted = widgets.BoundedFloatText(value=example.deducted_upfront, min=0, max=100_000_000, step=1_000,
                                        description="出借时预扣（元）", style=_STYLE, layout=widgets.Layout(width="250px"))
    for widget, css in ((lender_kind, "ml-lender-kind"), (signed, "ml-iou-date"), (iou, "ml-iou-amount"),
                        (deducted, "ml-iou-deducted")):
        widget.add_class(css)
    seen = widgets.HTML()
    output = widgets.Output()
    state: dict[str, object] = {}
    loading: list[bool] = []  # non-empty while the lender list is replaced

    @safe(output)
    def load(_change: object = None) -> None:
        case = casebook.load_case(case_picker.value, variant=learner_variant(variant_box))
        debts = compliance.informal_debts(case)
        state["debts"] = debts
        options = [(f"{row['lender']}（每月 {money(float(row['monthly_payment']))} 元）", i)
                   for i, row in enumerate(debts.to_dict("records"))]
        loading.append(True)
        try:
            lender.options = options or [("流水中未发现民间借款", -1)]
            lender.value = lender.options[0][1]
        finally:
            loading.clear()
        shown = debts.rename(columns={"lender": "出借人", "monthly_payment": "每月还款（元）", "payments": "还款笔数",
                                      "first": "首笔", "last": "末笔"})
        seen.value = TABLE_CSS + (table_html(shown, index=False, caption="银行流水中按月固定还给个人的款项（疑似民间借款）")
                                  if not debts.empty else "<p>银行流水中未发现按月还给个人的款项。</p>")
        refresh()

    @safe(output)
    def refresh(_change: object = None) -> None:
        if loading:
            return
        debts = state.get("debts")
        if debts is None or lender.value is None or lender.value < 0:
            replace_output(output, "<p>没有可检查的民间借款。</p>")
            return
        if signed.value is None:
            raise InputError("请选择日期", field="借条日期")
        row = debts.iloc[int(lender.value)]  # type: ignore[attr-defined]
        result = compliance.private_lending_cap(signed.value, iou.value, months=months.value,
                                                deducted_upfront=deducted.value, monthly_payment=row["monthly_payment"],
                                                lender=lender_kind.value)
        figures = result.summary().to_frame("数值")
        text = [percent(v, 2) if isinstance(v, float) and ("LPR" in str(k) or "利率" in str(k)) else
                (money(v) if isinstance(v, float) else str(v)) for k, v in figures["数值"].items()]
        figures["数值"] = text
        if not result.applies:
            figures.loc["依法最多支持本息（元）", "数值"] = "不适用（持牌机构）"
        if result.applies and result.capped_monthly_payment is not None:
            figures.loc["依法最多支持的每月还款（元）"] = money(result.capped_monthly_payment, decimals=2)
        replace_output(output, TABLE_CSS + table_html(figures, caption="4 倍 LPR 上限测算") + findings_html(result.findings))

    for widget in (lender, lender_kind, signed, iou, months, deducted):
        widget.observe(refresh, names="value")
    case_picker.observe(load, names="value")
    variant_box.observe(load, names="value")
    load()
    note = widgets.HTML(f"<small>借条日期、金额、期数和预扣金额为{illustrative_tag()}（案例只记录了每月还款，借条条款需向借款人核实）；"
                        "一年期 LPR 取自数据文件，请按全国银行间同业拆借中心公布值核对。</small>")
    box = widgets.VBox([widgets.HBox([case_picker, variant_box]), seen, widgets.HBox([lender, lender_kind]),
                        widgets.HBox([signed, iou]), widgets.HBox([months, deducted]), note, output])
    box.add_class("ml-informal-cap")
    return box


# --------------------------------------------------------------------------- 5. collection log review

def collection_review() -> widgets.VBox:
    """A sample collection call log and its findings; strike calls out to see which breaches they caused.

    Examples
    --------
    >>> box = collection_review()
    >>> "ml-collection" in box._dom_classes
    True
    """
    log = compliance.sample_call_log()
    labels = [f"{i + 1:>2}. {r.时间} {r.联系人}（{r.关系}）{'接通' if r.是否接通 == '是' else '未接通'}"
              for i, r in enumerate(log.itertuples())]
    removed = widgets.SelectMultiple(options=list(zip(labels, range(len(log)))), rows=min(len(log), 12),
                                     description="划掉的通话", style=_STYLE, layout=widgets.Layout(width="520px"))
    removed.add_class("ml-collection-removed")
    table = widgets.HTML(TABLE_CSS + table_html(log.replace({"": "—"}), index=False, caption="催收通话记录（示例）"))
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        keep = log.drop(index=list(removed.value))
        if keep.empty:
            replace_output(output, "<p>通话记录已全部划掉。</p>")
            return
        replace_output(output, TABLE_CSS + findings_html(compliance.check_call_log(keep), "催收行为未发现问题。"))

    removed.observe(refresh, names="value")
    refresh()
    p = compliance.parameters().collection
    note = widgets.HTML(f"<small>规则：{p.quiet_from:%H:%M}–{p.quiet_to:%H:%M} 未经本人同意不催收；同一号码每天未接通不超过 "
                        f"{p.max_unanswered_calls_per_day} 次；联系本人 {p.failed_contacts_before_third_party} 次未果后才可联系第三方，"
                        "且不得向第三方透露债务（中国银行业协会催收工作指引；经营贷参照执行）。</small>")
    box = widgets.VBox([table, note, removed, output])
    box.add_class("ml-collection")
    return box


__all__ = ["aml_explorer", "collection_review", "contract_checker", "disclosure_checker", "findings_html",
           "informal_debt_cap", "rate_chart"]
