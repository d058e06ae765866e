"""Off-site explorer (course 04a): a case's bank statement analysed as an officer does before the visit.

The learner picks a case (and a learner id for a personal variant). The statement from the case documents
(:func:`microloan_sim.documents.build_documents`) goes through :func:`microloan_sim.offsite.analyse`: monthly
inflows and outflows, the seasonality index, counterparty concentration, flagged transactions with Chinese
reasons (large, round-number, family/related party, same surname, late night, pass-through 过账), unusual
timing, and the findings in plain Chinese. Thresholds are shown with the 示例参数 tag.

Everything a widget change needs is cached per case object, so switching back and forth is instant.
"""
from __future__ import annotations

import html
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import Image

from .. import casebook, documents, offsite
from ..errors import InputError
from ..offsite import FLAG_LABELS, LISTED_FLAGS, OffsiteReport
from ..plotting import PALETTE, bar_line_chart, new_figure
from ._common import (TABLE_CSS, case_pickers, figure_png, illustrative_tag, learner_variant, money, percent, replace_output, safe,
                      table_html)
from .crosscheck import load

#: Rows of the flagged-transaction table shown at most (the rest are counted, not listed).
MAX_ROWS = 300
_FLAGGED_CSS = ("<style>.ml-flagged td {white-space: nowrap;} "
                ".ml-flagged td:last-child {white-space: normal; min-width: 280px;}</style>")


# --------------------------------------------------------------------------- data helpers (no widgets)

@lru_cache(maxsize=64)
def statement_documents(case: casebook.Case) -> documents.CaseDocuments:
    """The case documents the officer holds (with the case's planted inconsistencies where it has them).

    Examples
    --------
    >>> statement_documents(load("C01")) is statement_documents(load("C01"))
    True
    """
    return documents.build_documents(case, with_flaws=documents.has_answer_key(case))


@lru_cache(maxsize=64)
def report_for(case: casebook.Case) -> OffsiteReport:
    """:func:`microloan_sim.offsite.analyse` of the case's bank statement, cached per case object.

    The related parties and the borrower's name are what the officer learned in the interview.

    Examples
    --------
    >>> r = report_for(load("C01"))
    >>> len(r.monthly), r.average_monthly_inflow > r.average_monthly_business_inflow > 0
    (12, True)
    """
    docs = statement_documents(case)
    return offsite.analyse(docs.bank_transactions, related_parties=docs.facts.related_parties,
                           borrower_name=docs.facts.borrower)


def findings(case: casebook.Case) -> list[str]:
    """The Chinese findings of the off-site analysis (thresholds are 示例参数).

    Examples
    --------
    >>> any("过账" in note for note in findings(load("C01")))
    True
    """
    return report_for(case).findings()


def monthly_table(report: OffsiteReport) -> pd.DataFrame:
    """Monthly inflow, outflow, net, business inflow (元), counts and the seasonality index, Chinese headers.

    Examples
    --------
    >>> t = monthly_table(report_for(load("C03")))
    >>> t.index[0], round(float(t["季节性指数"].mean()), 6)
    ('2025-01', 1.0)
    """
    table = offsite.to_frame(report)
    keep = ["流入（元）", "流出（元）", "净流入（元）", "经营性流入（元）", "流入笔数", "流出笔数", "季节性指数"]
    return table[keep]


def concentration_table(report: OffsiteReport, direction: str = "inflow", top: int = 10) -> pd.DataFrame:
    """The largest counterparties of inflows (``"inflow"``) or outflows (``"outflow"``) with their shares.

    Examples
    --------
    >>> t = concentration_table(report_for(load("C01")), "inflow", top=3)
    >>> list(t.columns), t.index[0]
    (['金额（元）', '笔数', '占比', '累计占比'], '财付通支付科技有限公司')
    """
    c = report.inflow_concentration if direction == "inflow" else report.outflow_concentration
    table = c.table.head(top)
    out = pd.DataFrame({"金额（元）": table["amount"].astype(float), "笔数": table["count"].astype(float),
                        "占比": table["share"].astype(float), "累计占比": table["cumulative_share"].astype(float)})
    out.index = pd.Index([str(i) for i in table.index], name="交易对手")
    return out


def _reason(flag: str, row: pd.Series, report: OffsiteReport) -> str:
    p = report.params
    if flag == "large":
        return f"大额（单笔 {abs(float(row['amount'])):,.0f} 元）"
    if flag == "round_number":
        unit = int(report.transactions["round_unit"].to_numpy()[int(row["row"])])
        return "整数金额（整万）" if unit >= 10_000 else "整数金额（整千）"
    if flag == "related_party":
        return "家庭成员/关联方往来，不是经营收入"
    if flag == "self_transfer":
        return "本人账户互转，不是经营收入"
    if flag == "same_surname":
        return "对手与借款人或家人同姓，可能是亲属，需核实"
    if flag == "late_night":
        return f"深夜交易（{p.late_night_from} 点至次日 {p.late_night_to} 点）"
    if flag == "pass_through":
        return "同日快进快出、金额相近（过账/走账）"
    return FLAG_LABELS.get(flag, flag)


def flagged_table(report: OffsiteReport, flag: str | None = None) -> pd.DataFrame:
    """Flagged transactions, one row each, with every reason in Chinese (``标记原因``).

    ``flag`` keeps only transactions with that flag (a key of :data:`microloan_sim.offsite.FLAG_LABELS`).

    Examples
    --------
    >>> t = flagged_table(report_for(load("C01")), "pass_through")
    >>> len(t), "过账" in t["标记原因"].iloc[0]
    (4, True)
    """
    flags = report.flags
    columns = ["日期", "金额（元）", "交易对手", "摘要", "渠道", "标记原因"]
    if flag is not None and flag not in FLAG_LABELS:
        raise InputError(f"没有“{flag}”这种标记（可用：{'、'.join(FLAG_LABELS)}）", field="标记类型")
    if flags.empty:
        return pd.DataFrame(columns=columns)
    if flag is not None:
        flags = flags[flags["row"].isin(flags.loc[flags["flag"] == flag, "row"])]
    if flags.empty:
        return pd.DataFrame(columns=columns)
    order = {f: i for i, f in enumerate(LISTED_FLAGS)}
    flags = flags.assign(order=flags["flag"].map(order)).sort_values(["row", "order"], kind="stable")
    reasons = [_reason(str(f), row, report) for f, (_, row) in zip(flags["flag"], flags.iterrows())]
    flags = flags.assign(reason=reasons)
    grouped = flags.groupby("row", sort=True)
    first = grouped.first()
    return pd.DataFrame({
        "日期": first["date"].dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
        "金额（元）": first["amount"].astype(float).to_numpy(),
        "交易对手": first["counterparty"].astype(str).to_numpy(),
        "摘要": first["description"].astype(str).to_numpy(),
        "渠道": first["channel"].astype(str).to_numpy(),
        "标记原因": grouped["reason"].agg("；".join).to_numpy(),
    }, columns=columns)


def flag_options(report: OffsiteReport) -> list[tuple[str, str]]:
    """Dropdown options for the flag filter: ("全部标记（57 笔）", "all"), then one per flag with its count.

    Examples
    --------
    >>> flag_options(report_for(load("C01")))[-1]
    ('过账/走账（同日快进快出）（4 笔）', 'pass_through')
    """
    counts = report.flags["flag"].value_counts()
    options = [(f"全部标记（{report.flags['row'].nunique():,} 笔）", "all")]
    options += [(f"{FLAG_LABELS[f]}（{int(counts.get(f, 0)):,} 笔）", f) for f in LISTED_FLAGS]
    return options


def timing_table(report: OffsiteReport) -> pd.DataFrame:
    """Late-night, weekend, holiday and month-end transactions: count, share, inflow and outflow.

    Examples
    --------
    >>> list(timing_table(report_for(load("C01"))).index)
    ['深夜交易', '周末交易', '节假日交易', '月末交易']
    """
    t = report.timing
    return pd.DataFrame({
        "笔数": ["无时间，无法判断" if pd.isna(v) else f"{v:,.0f}" for v in t["count"]],
        "占全部交易": ["" if pd.isna(v) else percent(v) for v in t["share_of_transactions"]],
        "流入（元）": ["" if pd.isna(v) else money(v + 0.0) for v in t["inflow"]],
        "流出（元）": ["" if pd.isna(v) else money(v + 0.0) for v in t["outflow"]],
    }, index=pd.Index(t["label"].astype(str), name="时间特征"))


def pass_through_table(report: OffsiteReport) -> pd.DataFrame:
    """Same-day in-then-out pairs (过账/走账) with Chinese headers.

    Examples
    --------
    >>> pass_through_table(report_for(load("C01")))[["转入方", "转出方"]].iloc[0].tolist()
    ['王德贵', '某商贸有限公司']
    """
    pairs = report.pass_through
    return pd.DataFrame({
        "日期": pd.to_datetime(pairs["date"]).dt.strftime("%Y-%m-%d").to_numpy(),
        "转入方": pairs["in_counterparty"].astype(str).to_numpy(),
        "转入金额（元）": pairs["in_amount"].astype(float).to_numpy(),
        "转出方": pairs["out_counterparty"].astype(str).to_numpy(),
        "转出金额（元）": pairs["out_amount"].astype(float).to_numpy(),
        "差额（元）": pairs["gap"].astype(float).to_numpy(),
    })


def thresholds_table(report: OffsiteReport) -> pd.DataFrame:
    """The thresholds in use (示例参数 from ``data/crosscheck.yaml``), in Chinese.

    Examples
    --------
    >>> thresholds_table(report_for(load("C01"))).loc["深夜交易", "标准"]
    '23 点至次日 5 点'
    """
    p = report.params
    units = "、".join(f"{u:,} 元" for u in p.round_units)
    rows = [
        ("大额交易", f"单笔 ≥ {p.large_amount:,.0f} 元；或 ≥ 同方向交易中位数的 {p.large_median_multiple:g} 倍且 ≥ "
                    f"{p.large_min_amount:,.0f} 元"),
        ("整数金额", f"金额是 {units} 的整数倍，且 ≥ {p.round_min_amount:,.0f} 元"),
        ("同姓交易对手", f"对手是个人、与借款人或家人同姓，且金额 ≥ {p.same_surname_min_amount:,.0f} 元"),
        ("深夜交易", f"{p.late_night_from} 点至次日 {p.late_night_to} 点"),
        ("过账/走账", f"同一天先转入后转出，金额相差不超过 {p.pass_through_tolerance:.0%}，且 ≥ "
                     f"{p.pass_through_min_amount:,.0f} 元"),
        ("月末集中", f"当月最后 {p.month_end_days} 天的流入或流出占全月 ≥ {p.month_end_burst_share:.0%}"),
        ("集中度", f"前 {p.top_n} 大交易对手占比；HHI < {p.hhi_moderate:g} 为分散，> {p.hhi_high:g} 为高度集中"),
    ]
    return pd.DataFrame(rows, columns=["识别项目", "标准"]).set_index("识别项目")


@lru_cache(maxsize=64)
def monthly_chart_png(case: casebook.Case) -> bytes:
    """Monthly inflow and outflow bars with the business-inflow line (PNG), cached per case object."""
    m = report_for(case).monthly
    fig = bar_line_chart([str(p) for p in m.index], {"流入": m["inflow"], "流出": m["outflow"]},
                         ("经营性流入", m["business_inflow"]), "银行流水月度流入与流出")
    return figure_png(fig)


@lru_cache(maxsize=64)
def seasonality_chart_png(case: casebook.Case) -> bytes:
    """The seasonality index of business inflows per month (PNG), cached per case object."""
    index = report_for(case).seasonality
    fig, ax = new_figure("经营性流入的季节性指数（1.0 = 平均月份）", "季节性指数（倍）", "月份")
    values = index.to_numpy(dtype=float)
    colours = [PALETTE[3] if v >= 1.15 else PALETTE[0] if v > 0.85 else PALETTE[5] for v in values]
    positions = np.arange(len(values))
    ax.bar(positions, values, color=colours, width=0.7)
    ax.axhline(1.0, color="#222222", linewidth=1.0, linestyle="--")
    ax.set_xticks(list(positions), [str(p)[-5:] for p in index.index], fontsize=8)
    for x, v in zip(positions, values):
        ax.annotate(f"{v:.2f}", (x, v), ha="center", va="bottom", fontsize=7)
    return figure_png(fig)


def _summary_html(case: casebook.Case) -> str:
    docs = statement_documents(case)
    r = report_for(case)
    tag = "标准案例" if case.variant is None else f"变体 {case.variant}"
    months = f"{r.monthly.index[0]} 至 {r.monthly.index[-1]}" if len(r.monthly) else ""
    related = "、".join(docs.facts.related_parties) or "无"
    return (
        f'<div class="ml-offsite-summary"><b>{html.escape(case.title)}</b>（{tag}）｜'
        f"{html.escape(docs.facts.account)}<br>{months}，共 <b>{len(r.transactions):,}</b> 笔交易｜"
        f"月均流入 <b>{r.average_monthly_inflow:,.0f}</b> 元，其中可能属于经营收入的 "
        f"<b>{r.average_monthly_business_inflow:,.0f}</b> 元｜月均流出 {float(r.monthly['outflow'].mean()):,.0f} 元"
        f"<br>访谈中了解到的家庭成员和关联方：{html.escape(related)}（用于识别关联方交易）</div>"
    )


def _list_html(items: list[str], css: str) -> str:
    return f'<ol class="{css}">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ol>"


# --------------------------------------------------------------------------- the dashboard

def offsite_explorer(case_id: str = "C01") -> widgets.VBox:
    """Pick a case and a variant and see its bank statement analysed: flows, seasonality, counterparties,
    flagged transactions and findings.

    Examples
    --------
    Outside a kernel the output widgets print to stdout, so the example silences them:

    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = offsite_explorer()
    >>> box.children[0].children[0].value
    'C01'
    >>> "ml-offsite-summary" in box.children[1].value
    True
    """
    case_picker, variant_box = case_pickers(case_id)
    summary = widgets.HTML()
    summary.add_class("ml-summary")
    flow_out, season_out, party_out, flag_out, finding_out = (widgets.Output() for _ in range(5))
    flag_filter = widgets.Dropdown(options=[("全部标记", "all")], value="all", description="标记类型",
                                   layout=widgets.Layout(width="340px"))
    flag_filter.add_class("ml-flag-filter")
    flag_table = widgets.HTML()
    flag_table.add_class("ml-flagged")
    flag_box = widgets.VBox([flag_out, flag_filter, flag_table])
    tabs = widgets.Tab(children=[flow_out, season_out, party_out, flag_box, finding_out])
    for i, title in enumerate(("月度流入流出", "季节性", "交易对手集中度", "异常交易", "主要发现")):
        tabs.set_title(i, title)
    state: dict[str, casebook.Case] = {}

    def current() -> casebook.Case:
        return state["case"]

    @safe(flow_out)
    def render_flows(case: casebook.Case) -> None:
        r = report_for(case)
        replace_output(flow_out, Image(data=monthly_chart_png(case), format="png"),
                       TABLE_CSS + table_html(monthly_table(r), formatters={"季节性指数": lambda v: f"{v:.2f}"},
                                              caption="月度流入与流出（元）"))

    @safe(season_out)
    def render_season(case: casebook.Case) -> None:
        r = report_for(case)
        peak, low = r.seasonality.idxmax(), r.seasonality.idxmin()
        note = (f"<p>季节性指数 = 当月经营性流入 ÷ 月平均经营性流入。最高 {peak}（{r.seasonality.max():.2f}），"
                f"最低 {low}（{r.seasonality.min():.2f}）。红色柱 ≥ 1.15 为旺季，灰色柱 ≤ 0.85 为淡季"
                f"{illustrative_tag()}。用经营性流入（剔除家人转账、过账和贷款）计算，一笔偶然的大额转账不会被当成旺季。</p>")
        replace_output(season_out, Image(data=seasonality_chart_png(case), format="png"), TABLE_CSS + note)

    @safe(party_out)
    def render_parties(case: casebook.Case) -> None:
        r = report_for(case)
        share = {"占比": percent, "累计占比": percent, "笔数": lambda v: f"{v:,.0f}"}
        blocks = [TABLE_CSS]
        for direction, conc, word in (("inflow", r.inflow_concentration, "流入"),
                                      ("outflow", r.outflow_concentration, "流出")):
            p = r.params
            level = "分散" if conc.hhi < p.hhi_moderate else ("中等集中" if conc.hhi <= p.hhi_high else "高度集中")
            blocks.append(f"<p><b>{word}</b>：前 {conc.top_n} 大交易对手占 {percent(conc.top_n_share)}，"
                          f"HHI {conc.hhi:.3f}（{level}{illustrative_tag()}）。</p>")
            blocks.append(table_html(concentration_table(r, direction), formatters=share,
                                     caption=f"{word}前 10 大交易对手"))
        replace_output(party_out, "".join(blocks))

    @safe(flag_out)
    def render_flags(case: casebook.Case) -> None:
        r = report_for(case)
        blocks = [TABLE_CSS, f"<p><b>识别标准</b>{illustrative_tag()}</p>", table_html(thresholds_table(r)),
                  table_html(timing_table(r), caption="交易时间特征（周末、节假日、月末常见，作为背景参考）")]
        if len(r.burst_months):
            blocks.append(f"<p>月末集中的月份：{'、'.join(map(str, r.burst_months.index))}</p>")
        if len(r.pass_through):
            blocks.append(table_html(pass_through_table(r), index=False, caption="过账/走账配对（同日快进快出）"))
        replace_output(flag_out, "".join(blocks))
        options = flag_options(r)
        keep = flag_filter.value if flag_filter.value in {v for _, v in options} else "all"
        flag_filter.unobserve(render_flag_table, names="value")
        flag_filter.options = options
        flag_filter.value = keep
        flag_filter.observe(render_flag_table, names="value")
        render_flag_table()

    @safe(flag_out)
    def render_flag_table(_change: object = None) -> None:
        r = report_for(current())
        chosen = None if flag_filter.value == "all" else str(flag_filter.value)
        table = flagged_table(r, chosen)
        more = ""
        if len(table) > MAX_ROWS:
            more = f"<p>共 {len(table):,} 笔，只列出前 {MAX_ROWS} 笔；请用“标记类型”筛选。</p>"
            table = table.head(MAX_ROWS)
        if table.empty:
            flag_table.value = TABLE_CSS + "<p>没有符合此标记的交易。</p>"
            return
        flag_table.value = TABLE_CSS + _FLAGGED_CSS + more + table_html(
            table, index=False, formatters={"金额（元）": lambda v: money(v, decimals=2)},
            caption=f"被标记的交易（{len(table):,} 笔；一笔交易可有多个原因）")

    @safe(finding_out)
    def render_findings(case: casebook.Case) -> None:
        replace_output(finding_out, TABLE_CSS + "<p><b>非现场调查发现</b>（阈值为示例参数" + illustrative_tag()
                       + "）：这些只是线索，要在现场调查中逐一核实。</p>" + _list_html(findings(case), "ml-findings"))

    # Charts are drawn when their tab is shown (each once per case); the tables are cheap and always drawn.
    charts = {0: render_flows, 1: render_season}
    drawn: set[int] = set()

    @safe(flow_out)
    def show_tab(_change: object = None) -> None:
        index = tabs.selected_index or 0
        if index in charts and index not in drawn:
            drawn.add(index)
            charts[index](current())

    @safe(flow_out)
    def refresh(_change: object = None) -> None:
        case = load(case_picker.value, learner_variant(variant_box))
        state["case"] = case
        summary.value = TABLE_CSS + _summary_html(case)
        drawn.clear()
        for output in (flow_out, season_out):
            replace_output(output)
        show_tab()
        render_parties(case)
        render_flags(case)
        render_findings(case)

    case_picker.observe(refresh, names="value")
    variant_box.observe(refresh, names="value")
    tabs.observe(show_tab, names="selected_index")
    flag_filter.observe(render_flag_table, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([case_picker, variant_box]), summary, tabs])
    root.add_class("ml-offsite")
    return root
