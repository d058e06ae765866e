"""Products and pricing dashboards (course 05a–05c): product comparator, schedule explorer, revolving-loan
calculator and product cards. The numbers come from :mod:`microloan_sim.products`, :mod:`~microloan_sim.pricing`
and :mod:`~microloan_sim.schedules`; nothing is computed here.

Stable hooks for browser tests (CSS classes): ``ml-case``, ``ml-principal``, ``ml-months``, ``ml-products``,
``ml-renew``, ``ml-edit-product``, ``ml-fee-<field>``, ``ml-compare-summary``, ``ml-method``, ``ml-rate``,
``ml-schedule-summary``, ``ml-revolving-summary``, ``ml-category``, ``ml-cards-summary``.
"""
from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import casebook, pricing, products, schedules
from ..errors import InputError
from ..plotting import PALETTE, new_figure, yuan_formatter
from ._common import (TABLE_CSS, case_options, folded, illustrative_tag, money, parse_numbers, parse_shares, percent,
                      remembered, rendered, replace_output, safe, table_html)

#: Products shown by default in the comparator (course 05b: cooperation products and a fee-laden contrast).
DEFAULT_COMPARISON = ("gov_guarantee_loan", "batch_guarantee_loan", "private_guarantee_loan",
                      "guarantee_insurance_loan", "risk_pool_loan", "startup_guarantee_loan")
#: Editable terms: field -> (label, slider maximum in %, step in %).
EDITABLE_TERMS: dict[str, tuple[str, float, float]] = {
    "rate": ("名义年利率（%）", 36.0, 0.05),
    "upfront_fee": ("一次性手续费（%）", 10.0, 0.1),
    "monthly_fee": ("月手续费（%，按原始本金）", 2.0, 0.05),
    "guarantee_fee": ("担保费（%/年）", 5.0, 0.1),
    "insurance_premium": ("保证保险费（%/年）", 10.0, 0.1),
    "deposit": ("保证金（%）", 50.0, 1.0),
    "interest_subsidy": ("贴息（百分点/年）", 10.0, 0.05),
}
BORROWER_COLUMNS = ("产品", "还款方式", "名义年利率", "年化利率（IRR）", "年化利率（单利）", "实际年利率（EAR）",
                    "总成本（元）", "实际到手（元）", "首期还款（元）", "最高单期还款（元）", "成本警示")
CASE_COLUMNS = ("首期还款/月可支配资金", "最低现金（元）", "现金流可行", "符合准入", "可贷额度（元）")
BANK_COLUMNS = ("产品", "银行分担比例", "预期损失（元）", "保险赔付（元）", "银行承担损失（元）", "其他方承担损失（元）", "银行净收益（元）",
                "银行净收益率（年化）")
_STYLE = {"description_width": "initial"}


def _percent_formatters(columns: Sequence[str]) -> dict[str, Any]:
    return {c: (lambda v: percent(v, 2)) for c in columns if c in products.COMPARE_PERCENT_COLUMNS}


def comparison_tables(table: pd.DataFrame) -> tuple[str, str]:
    """Borrower-view and bank-view HTML tables of a :func:`microloan_sim.products.compare` result."""
    borrower = [c for c in (*BORROWER_COLUMNS, *CASE_COLUMNS) if c in table.columns]
    formatters = _percent_formatters(borrower)
    formatters["首期还款/月可支配资金"] = lambda v: f"{v:.0%}" if np.isfinite(v) else "无可支配资金"
    view = table[borrower]
    left = table_html(view, index=False, formatters=formatters,
                      caption="借款人视角：年化利率按 IRR（复利）与单利两种方法计算（元）")
    bank = table[list(BANK_COLUMNS)]
    right = table_html(bank, index=False, formatters=_percent_formatters(BANK_COLUMNS),
                       caption="银行视角：风险分担后的预期损失与净收益（元；PD、LGD、资金成本、运营成本为示例参数）")
    return left, right


def term_note(items: Sequence[products.Product], table: pd.DataFrame, borrower: casebook.Case | None,
              months: int) -> str:
    """Why a product's 可贷额度 here differs from its product card: the card tests repayment capacity over the
    product's own term, the comparison over the term being compared (issue 12, item 17)."""
    if borrower is None:
        return ""
    lines = []
    for item, (_, row) in zip(items, table.iterrows()):
        card = products.assess(item, borrower)
        here = float(row["可贷额度（元）"])
        if item.months != months and np.isfinite(here) and np.isfinite(card.amount) and abs(card.amount - here) >= 1:
            lines.append(f"{item.name}：产品卡片按产品期限 {item.months} 个月测算为 {card.amount:,.0f} 元，"
                         f"这里按 {months} 个月测算为 {here:,.0f} 元")
    if not lines:
        return ""
    items_html = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ("<div class='ml-term-note' style='font-size:12px;color:#57606a'>“可贷额度”取各条额度规则中最小的一个，"
            f"其中还款能力一条按本次比较的期限（{months} 个月）计算月供：期限越短，月供越高，"
            f"还款能力支撑的额度越小。所以下列产品与产品卡片上的额度不同：<ul>{items_html}</ul></div>")


def cost_chart(table: pd.DataFrame) -> Figure:
    """Horizontal bars per product: nominal rate, IRR annualised rate and simple annualised rate (%)."""
    count = len(table)
    fig, ax = new_figure("各产品名义利率与真实年化成本", "产品", xlabel="年利率（%）", size=(8.0, 0.55 * count + 1.6))
    positions = np.arange(count)[::-1]
    series = (("名义年利率", "名义年利率", PALETTE[5]), ("年化利率（IRR）", "年化利率（IRR 复利法）", PALETTE[3]),
              ("年化利率（单利）", "年化利率（单利）", PALETTE[0]))
    height = 0.26
    for i, (column, name, colour) in enumerate(series):
        values = table[column].to_numpy(dtype=float) * 100
        bars = ax.barh(positions + (1 - i) * height, values, height=height, color=colour, label=name)
        if column == "年化利率（IRR）":
            for bar, value in zip(bars, values):
                ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {value:.2f}%", va="center",
                        fontsize=8)
    ax.set_yticks(positions, [str(n) for n in table["产品"]], fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    rates = table[["名义年利率", "年化利率（IRR）", "年化利率（单利）"]].to_numpy(dtype=float) * 100
    ax.set_xlim(min(0.0, float(np.nanmin(rates)) * 1.2), max(float(np.nanmax(rates)) * 1.2, 1.0))
    return fig


def _product_options() -> list[tuple[str, str]]:
    return [(f"{p.category_name}｜{p.name}", p.id) for p in products.load_catalogue().values()]


def product_comparator(case_id: str | None = "C01", product_ids: Sequence[str] | None = None,
                       principal: float = 100_000, months: int = 12) -> widgets.VBox:
    """Compare products for one loan: nominal vs IRR vs simple annualised rate, total cost, instalments against
    the borrower's 月可支配资金 and cash flow, and the bank's loss after risk sharing. One product's fees can
    be edited with sliders.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = product_comparator("C03", ["agri_guarantee_loan", "gov_guarantee_loan"])
    >>> box.children[0].children[0].value, list(box.children[1].children[0].value)
    ('C03', ['agri_guarantee_loan', 'gov_guarantee_loan'])
    """
    chosen = list(product_ids) if product_ids is not None else list(DEFAULT_COMPARISON)
    for pid in chosen:
        products.get(pid)
    case_picker = widgets.Dropdown(options=[("不指定客户", ""), *case_options()], value=case_id or "",
                                   description="客户案例", style=_STYLE, layout=widgets.Layout(width="340px"))
    amount = widgets.BoundedFloatText(value=principal, min=1_000, max=50_000_000, step=10_000,
                                      description="贷款本金（元）", style=_STYLE, layout=widgets.Layout(width="240px"))
    term = widgets.IntSlider(value=months, min=1, max=60, description="期限（月）", continuous_update=False,
                             style=_STYLE)
    picker = widgets.SelectMultiple(options=_product_options(), value=chosen, rows=8, description="比较的产品",
                                    style=_STYLE, layout=widgets.Layout(width="520px"))
    renew = widgets.Checkbox(value=False, indent=False, description="新贷款替代客户现有贷款（续贷）")
    for widget, css in ((case_picker, "ml-case"), (amount, "ml-principal"), (term, "ml-months"),
                        (picker, "ml-products"), (renew, "ml-renew")):
        widget.add_class(css)
    # the two folded sections (a product's fees, the bank's view) are built when first opened: most learners
    # never open them, and their 40-odd widgets were half of every page's comparator
    bank = products.bank_assumptions()
    risk = {"pd": bank.default_pd * 100, "lgd": bank.default_lgd * 100}   # the bank view's sliders, in %
    editor = widgets.Dropdown(description="调整产品", style=_STYLE, layout=widgets.Layout(width="360px"))
    editor.add_class("ml-edit-product")
    sliders: dict[str, widgets.FloatSlider] = {}
    summary = widgets.HTML()
    summary.add_class("ml-compare-summary")
    output, disclosure = widgets.Output(), widgets.HTML()
    bank_output: list[widgets.Output] = []   # once the bank's view is opened
    bank_view: list[tuple[dict[str, Any], ...]] = [()]
    edited: dict[str, products.Product] = {}
    loading: list[bool] = []

    def current(pid: str) -> products.Product:
        return edited.get(pid, products.get(pid))

    @safe(output)
    def refresh(_change: object = None) -> None:
        if loading:
            return
        if not picker.value:
            raise InputError("请至少选择一个产品", field="比较的产品")
        borrower = casebook.load_case(case_picker.value) if case_picker.value else None
        items = [current(pid) for pid in picker.value]

        def build() -> tuple[str, tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
            table = products.compare(items, amount.value, term.value, borrower, risk["pd"] / 100, risk["lgd"] / 100,
                                     replace_existing_loans=renew.value)
            left, right = comparison_tables(table)
            irr = table["年化利率（IRR）"].to_numpy(dtype=float)
            cheapest, dearest = table.iloc[int(np.argmin(irr))], table.iloc[int(np.argmax(irr))]
            text = (f"本金 <b>{amount.value:,.0f}</b> 元、<b>{term.value}</b> 个月：真实年化成本（IRR）最低的是"
                    f"<b>{html.escape(str(cheapest['产品']))}</b>（{percent(cheapest['年化利率（IRR）'], 2)}），"
                    f"最高的是<b>{html.escape(str(dearest['产品']))}</b>（{percent(dearest['年化利率（IRR）'], 2)}）。"
                    f"产品参数均为{illustrative_tag()}")
            return (text, rendered(TABLE_CSS + left + term_note(items, table, borrower, term.value), cost_chart(table)),
                    rendered(TABLE_CSS + right))

        terms = tuple(product.model_dump_json() for product in items)   # an edited fee is another view
        text, view, bank_view[0] = remembered(("product_comparator", borrower, terms, amount.value, term.value,
                                               risk["pd"], risk["lgd"], renew.value), build)
        summary.value = text
        output.outputs = view
        for shown in bank_output:
            shown.outputs = bank_view[0]
        if editor.value:
            product = current(editor.value)
            rate = pricing.annualized_rate(product.cashflows(amount.value, term.value, borrower, renew.value))
            text = html.escape(rate.disclosure).replace("\n", "<br>")
            disclosure.value = (f"<div style='border:1px solid #d0d7de;padding:6px 10px;margin:4px 0'>"
                                f"<b>{html.escape(product.name)}</b> 的年化利率披露（按人民银行公告〔2021〕第3号）："
                                f"<br>{text}</div>")

    def sync_editor(_change: object = None) -> None:
        options = [(current(pid).name, pid) for pid in picker.value]
        previous = editor.value
        loading.append(True)
        try:
            editor.options = options
            if previous in picker.value:
                editor.value = previous
            elif options:
                editor.value = options[0][1]
            load_sliders()
        finally:
            loading.clear()

    def load_sliders(_change: object = None) -> None:
        if not editor.value:
            return
        product = current(editor.value)
        loading.append(True)
        try:
            for key, slider in sliders.items():
                slider.value = round(getattr(product, key) * 100, 4)
        finally:
            loading.pop()

    @safe(output)
    def apply_edit(_change: object = None) -> None:
        if loading or not editor.value:
            return
        base = products.get(editor.value)
        changes = {key: slider.value / 100 for key, slider in sliders.items()}
        if all(abs(getattr(base, key) - value) < 1e-9 for key, value in changes.items()):
            edited.pop(editor.value, None)
        else:
            edited[editor.value] = base.with_changes(name=f"{base.name}（已调整）", **changes)
        sync_editor()
        refresh()

    @safe(output)
    def on_products(_change: object = None) -> None:
        sync_editor()
        refresh()

    @safe(output)
    def on_editor(_change: object = None) -> None:
        if loading:
            return
        load_sliders()
        refresh()

    @safe(output)
    def on_reset(_button: object = None) -> None:
        edited.clear()
        sync_editor()
        refresh()

    def fee_section() -> widgets.VBox:
        for key, (text, top, step) in EDITABLE_TERMS.items():
            sliders[key] = widgets.FloatSlider(min=0, max=top, step=step, description=text, readout_format=".2f",
                                               continuous_update=False, style=_STYLE,
                                               layout=widgets.Layout(width="420px"))
            sliders[key].add_class(f"ml-fee-{key.replace('_', '-')}")
        load_sliders()
        for slider in sliders.values():
            slider.observe(apply_edit, names="value")
        reset = widgets.Button(description="恢复示例参数", icon="undo")
        reset.on_click(on_reset)
        return widgets.VBox([widgets.HBox([editor, reset]), *sliders.values()])

    def bank_section() -> widgets.VBox:
        pd_slider = widgets.FloatSlider(value=risk["pd"], min=0, max=30, step=0.5, description="违约概率 PD（%）",
                                        continuous_update=False, style=_STYLE)
        lgd_slider = widgets.FloatSlider(value=risk["lgd"], min=0, max=100, step=5, description="违约损失率 LGD（%）",
                                         continuous_update=False, style=_STYLE)

        def on_risk(_change: object = None) -> None:
            risk.update(pd=pd_slider.value, lgd=lgd_slider.value)
            refresh()

        pd_slider.observe(on_risk, names="value")
        lgd_slider.observe(on_risk, names="value")
        bank_output.append(widgets.Output())
        bank_output[0].outputs = bank_view[0]
        return widgets.VBox([widgets.HBox([pd_slider, lgd_slider]), bank_output[0]])

    picker.observe(on_products, names="value")
    editor.observe(on_editor, names="value")
    for widget in (case_picker, amount, term, renew):
        widget.observe(refresh, names="value")
    sync_editor()
    refresh()
    note = widgets.HTML(f"<small>利率、费率、额度规则、风险分担比例、PD/LGD 均为{illustrative_tag()}"
                        "（讲师可在产品数据文件中修改），不是监管规定或任何银行的真实报价。"
                        "“现金流可行”：按客户去年的月度现金流重演，扣除新贷款的全部还款和费用后，"
                        "每月末现金不低于 0。</small>")
    pick_hint = widgets.HTML("<small class='ml-pick-hint'>怎样选几个产品：按住 Ctrl（苹果电脑按 ⌘）再点击，可以"
                             "多选或取消；按住 Shift 点击，可以选中连续的一段。</small>",
                             layout=widgets.Layout(max_width="300px"))
    accordion = folded({"调整一个产品的利率和费用": fee_section, "银行视角：风险分担后的损失与收益": bank_section})
    return widgets.VBox([
        widgets.HBox([case_picker, amount, term]),
        widgets.HBox([picker, widgets.VBox([renew, pick_hint])]),
        note, summary, output, disclosure, accordion,
    ])


# --------------------------------------------------------------------------- schedule explorer

def schedule_chart(plan: pd.DataFrame, title: str) -> Figure:
    """Stacked bars: principal and interest of every instalment."""
    fig, ax = new_figure(title, "金额（元）", "期数")
    periods = plan["period"].to_numpy()
    ax.bar(periods, plan["principal"], color=PALETTE[0], label="本金")
    ax.bar(periods, plan["interest"], bottom=plan["principal"], color=PALETTE[1], label="利息")
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.legend(fontsize=8, frameon=False)
    if len(periods) <= 24:
        ax.set_xticks(periods)
    return fig


def schedule_explorer(method: str = "equal_installment", principal: float = 100_000, annual_rate: float = 0.072,
                      months: int = 12) -> widgets.VBox:
    """Pick a repayment method, principal, rate and term (and grace months, sales months, real dates) and see
    the schedule, a chart of principal and interest, and the totals.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = schedule_explorer("先息后本")
    >>> box.children[0].children[0].value
    'interest_only'
    """
    key = schedules.normalize_method(method)
    chooser = widgets.Dropdown(options=[(schedules.METHOD_DESCRIPTIONS[m], m) for m in schedules.METHODS], value=key,
                               description="还款方式", style=_STYLE, layout=widgets.Layout(width="460px"))
    amount = widgets.BoundedFloatText(value=principal, min=100, max=50_000_000, step=10_000, description="本金（元）",
                                      style=_STYLE, layout=widgets.Layout(width="220px"))
    rate = widgets.FloatSlider(value=annual_rate * 100, min=0, max=36, step=0.1, readout_format=".1f",
                               description="年利率（%）", continuous_update=False, style=_STYLE)
    term = widgets.IntSlider(value=months, min=1, max=60, description="期限（月）", continuous_update=False,
                             style=_STYLE)
    grace = widgets.IntSlider(value=0, min=0, max=24, description="宽限期（月）", continuous_update=False, style=_STYLE)
    sale_months = widgets.Text(value="6, 12", description="还本月份（期数）", style=_STYLE, continuous_update=False)
    shares = widgets.Text(value="", placeholder="如 20, 80（%）；留空 = 平均分配", description="还本比例（%）",
                          style=_STYLE, continuous_update=False)
    shares.add_class("ml-shares")
    day_count = widgets.Dropdown(options=[("30/360（每月按 30 天）", "30/360"), ("实际天数/360", "actual/360"),
                                          ("实际天数/365", "actual/365")], value="30/360", description="计息天数",
                                 style=_STYLE)
    start = widgets.Text(value="", placeholder="如 2026-01-15", description="放款日期", style=_STYLE,
                         continuous_update=False)
    for widget, css in ((chooser, "ml-method"), (amount, "ml-principal"), (rate, "ml-rate"), (term, "ml-months")):
        widget.add_class(css)
    seasonal_box = widgets.HBox([sale_months, shares])
    summary = widgets.HTML()
    summary.add_class("ml-schedule-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        seasonal_box.layout.display = "" if chooser.value == "seasonal" else "none"
        options: dict[str, Any] = {"day_count": day_count.value}
        if start.value.strip():
            options["start_date"] = start.value.strip()
        if chooser.value == "seasonal":
            months_due = parse_numbers(sale_months.value, "还本月份")
            options["repayment_months"] = months_due
            options["shares"] = parse_shares(shares.value, len(months_due))
        use_grace = grace.value if chooser.value in ("equal_installment", "equal_principal", "interest_only") else 0

        def build() -> tuple[str, tuple[dict[str, Any], ...]]:
            plan = schedules.schedule(amount.value, rate.value / 100, term.value, chooser.value, use_grace, **options)
            cost = pricing.annualized_rate(pricing.borrower_cashflows(plan))
            assert cost.simple_rate is not None  # a schedule table carries the contract balance
            name = schedules.METHODS[chooser.value]
            text = (f"<b>{name}</b>：首期还款 <b>{plan['payment'].iloc[0]:,.2f}</b> 元，最高一期 "
                    f"{plan['payment'].max():,.2f} 元；利息合计 <b>{plan['interest'].sum():,.2f}</b> 元，"
                    f"还款合计 {plan['payment'].sum():,.2f} 元。IRR 年化利率 {percent(cost.irr_rate, 2)}，"
                    f"单利年化 {percent(cost.simple_rate, 2)}（名义年利率 {rate.value:.2f}%）。")
            shown = schedules.to_display(plan)
            money2 = {c: (lambda v: money(v, decimals=2)) for c in shown.columns if "元" in c}
            table = table_html(shown, index=False, formatters=money2, caption=f"还款计划（{name}，元）")
            return text, rendered(TABLE_CSS + f"<div style='max-height:340px;overflow:auto'>{table}</div>",
                                  schedule_chart(plan, f"每期还款构成：本金与利息（{name}）"))

        text, view = remembered(("schedule_explorer", chooser.value, amount.value, rate.value, term.value, use_grace,
                                 repr(sorted(options.items()))), build)
        summary.value = text
        output.outputs = view

    for widget in (chooser, amount, rate, term, grace, sale_months, shares, day_count, start):
        widget.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([widgets.HBox([chooser, amount]), widgets.HBox([rate, term, grace]), seasonal_box,
                        widgets.HBox([day_count, start]), summary, output])
    box.add_class("ml-schedule")
    return box


# --------------------------------------------------------------------------- revolving loans (随借随还)

def revolving_explorer(amount: float = 50_000, days: int = 45, daily_rate_per_10000: float = 2.0) -> widgets.VBox:
    """随借随还: interest for a draw of ``amount`` over ``days`` at a daily rate quoted in 万分之, and the
    annual rates that quote stands for (simple on 365 or 360 days, compounded).

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = revolving_explorer()
    >>> "450.00" in box.children[2].value
    True
    """
    draw = widgets.BoundedFloatText(value=amount, min=100, max=10_000_000, step=1_000, description="借款金额（元）",
                                    style=_STYLE, layout=widgets.Layout(width="240px"))
    length = widgets.IntSlider(value=days, min=1, max=365, description="用款天数", continuous_update=False,
                               style=_STYLE)
    daily = widgets.FloatSlider(value=daily_rate_per_10000, min=0.5, max=10, step=0.1, readout_format=".1f",
                                description="日利率（万分之）", continuous_update=False, style=_STYLE)
    summary = widgets.HTML()
    summary.add_class("ml-revolving-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        rate_per_day = daily.value / 10_000
        start = pd.Timestamp("2026-01-01")
        moves = [(start, draw.value), (start + pd.Timedelta(days=length.value), -draw.value)]
        table = schedules.revolving(moves, rate_per_day * 360, day_count="actual/360")
        interest = float(table["interest"].sum())
        quotes = pricing.quoted_rate_to_annual(rate_per_day, "day")
        summary.value = (f"借 <b>{draw.value:,.0f}</b> 元、用 <b>{length.value}</b> 天，日利率万分之 {daily.value:.1f}："
                         f"利息 = {draw.value:,.0f} × 万分之 {daily.value:.1f} × {length.value} 天 = <b>{interest:,.2f}</b> 元。"
                         f"按规定要醒目展示的是<b>年化利率</b>：单利 {percent(quotes['simple_365'], 2)}（按 365 天），"
                         f"复利 {percent(quotes['compound'], 2)}。")
        frame = pd.DataFrame({
            "折算方法": ["日利率 × 365（单利）", "日利率 × 360（单利，银行惯例 日利率 = 年利率 ÷ 360）",
                      "(1 + 日利率)^365 − 1（复利）"],
            "年化利率": [quotes["simple_365"], quotes["simple_360"], quotes["compound"]],
        })
        replace_output(output, TABLE_CSS + table_html(frame, index=False,
                                                      formatters={"年化利率": lambda v: percent(v, 2)},
                                                      caption="同一个日利率，三种年化口径"))

    for widget in (draw, length, daily):
        widget.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([draw, length]), daily, summary, output])


# --------------------------------------------------------------------------- product cards

def product_card(product: products.Product, case: casebook.Case | None) -> str:
    """HTML card: terms, and (for a case) each eligibility condition and sizing rule with the result."""
    terms = products.product_terms(product)
    parts = [f"<div class='ml-card' style='border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;"
             f"margin:6px 0'><h4 style='margin:2px 0'>{html.escape(product.name)}"
             f"{illustrative_tag() if product.illustrative else ''}</h4>",
             table_html(terms.set_index("项目"), caption="")]
    if case is not None:
        fit = products.assess(product, case)
        checks = fit.checks.assign(是否满足=fit.checks["是否满足"].map({True: "✓ 满足", False: "✗ 不满足"}))
        limits = fit.limits.copy()
        limits.loc[limits["规则"] == fit.binding, "规则"] = fit.binding + " ★"
        verdict = (f"<p style='color:#1a7f37'><b>符合准入，可贷额度 {fit.amount:,.0f} 元</b>（由“{html.escape(fit.binding)}”"
                   f"决定；还款能力按产品期限 {product.months} 个月测算，换成更短的期限，额度会变小）</p>" if fit.eligible else
                   f"<p style='color:#b42318'><b>不符合准入</b>：{html.escape('；'.join(fit.reasons) or '额度为 0')}</p>")
        if len(checks):
            parts.append(table_html(checks, index=False, caption=f"准入条件（{case.title}）"))
        parts.append(table_html(limits, index=False, caption="额度规则（★ 为起决定作用的规则，元）"))
        parts.append(verdict)
    parts.append("</div>")
    return "".join(parts)


def product_cards(case_id: str | None = "C01", category: str = "featured") -> widgets.VBox:
    """Product cards of one category with eligibility and sizing rules applied to a case.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = product_cards("C02", "featured")
    >>> box.children[0].children[1].value
    'featured'
    """
    if category not in products.CATEGORIES:
        raise InputError(f"没有“{category}”这一类产品，可选：{'、'.join(products.CATEGORIES)}", field="产品类别")
    case_picker = widgets.Dropdown(options=[("不指定客户", ""), *case_options()], value=case_id or "",
                                   description="客户案例", style=_STYLE, layout=widgets.Layout(width="340px"))
    chooser = widgets.Dropdown(options=[(name, key) for key, name in products.CATEGORIES.items()], value=category,
                               description="产品类别", style=_STYLE, layout=widgets.Layout(width="360px"))
    case_picker.add_class("ml-case")
    chooser.add_class("ml-category")
    summary = widgets.HTML()
    summary.add_class("ml-cards-summary")
    output = widgets.Output()

    @safe(output)
    def refresh(_change: object = None) -> None:
        case = casebook.load_case(case_picker.value) if case_picker.value else None
        items = [p for p in products.load_catalogue().values() if p.category == chooser.value]
        cards = [product_card(p, case) for p in items]
        if case is not None:
            fits = [products.assess(p, case) for p in items]
            rows = pd.DataFrame({"产品": [p.name for p in items], "符合准入": ["是" if f.eligible else "否" for f in fits],
                                 "可贷额度（元）": [f.amount if f.eligible else 0.0 for f in fits],
                                 "决定额度的规则": [f.binding if f.eligible else "—" for f in fits]})
            eligible = int((rows["符合准入"] == "是").sum())
            summary.value = (f"<b>{html.escape(case.title)}</b>：本类 {len(items)} 个产品中 <b>{eligible}</b> 个符合准入。"
                             f"规则和系数均为{illustrative_tag()}")
            cards.insert(0, table_html(rows, index=False, caption="汇总"))
        else:
            summary.value = f"本类共 {len(items)} 个产品（选择客户案例即可逐条检验准入条件和额度规则）。"
        replace_output(output, TABLE_CSS + "".join(cards))

    case_picker.observe(refresh, names="value")
    chooser.observe(refresh, names="value")
    refresh()
    return widgets.VBox([widgets.HBox([case_picker, chooser]), summary, output])


__all__ = ["comparison_tables", "cost_chart", "product_card", "product_cards", "product_comparator",
           "revolving_explorer", "schedule_chart", "schedule_explorer"]
