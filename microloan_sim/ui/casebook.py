"""Case browser (casebook/案例浏览.ipynb): a case's profile, the interview notes and every document.

The learner picks a case (and a learner id for a personal variant) and reads what a loan officer has in
hand: the borrower's profile and credit record, the previous balance sheet, the interview notes (访谈记录),
and each document as a table with Chinese headers (银行流水 by month, 进货发票, 电费单, 纳税记录, 存货盘点表,
询问记录, 借款人申报 …). The case's true monthly records and its answer key are never shown.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import casebook, documents
from ..labels import BALANCE_SHEET, CANONICAL_STORY_NOTE, SEGMENTS
from ._common import TABLE_CSS, case_pickers, learner_variant, money, percent, replace_output, safe, table_html
from .crosscheck import load
from .offsite import statement_documents

#: Extra "document": the price survey of the main products (进价、售价、销售占比), used by 加权毛利率检验.
PRICE_SURVEY = "price_survey"
#: Tab titles keep their full width and wrap onto a second row (a case has up to 13 tabs).
_TAB_CSS = ("<style>.ml-casebook-tabs .lm-TabBar-content, .ml-casebook-tabs .p-TabBar-content {flex-wrap: wrap;}"
            ".ml-casebook-tabs .lm-TabBar-tab, .ml-casebook-tabs .p-TabBar-tab {flex: 0 0 auto !important; "
            "min-width: 0 !important; max-width: none !important; padding: 0 12px;}</style>")
_INTERVIEW_CSS = ("<style>.ml-interview {white-space: pre-wrap; line-height: 1.7; background: #fafbfc; "
                  "border-left: 3px solid #1f6fb2; padding: 8px 12px; max-width: 860px;}</style>")
_ASSETS = ("cash_and_deposits", "accounts_receivable", "prepayments", "inventory", "fixed_assets", "other_assets",
           "household_assets")
_LIABILITIES = ("accounts_payable", "advances_received", "short_term_loans", "informal_borrowing",
                "long_term_liabilities", "other_liabilities", "household_liabilities")


# --------------------------------------------------------------------------- data helpers (no widgets)

def profile_table(case: casebook.Case) -> pd.DataFrame:
    """The borrower's profile, loan request, credit record, soft information and collateral (项目, 内容).

    Examples
    --------
    >>> t = profile_table(load("C01"))
    >>> t.loc["借款人", "内容"]
    '王秀英，女，41 岁，高中'
    """
    b, r, c, s, h = case.borrower, case.request, case.credit, case.soft_information, case.household
    collateral = "；".join(f"{item.type}：{item.description}" + (f"（价值 {item.value:,.0f} 元）" if item.value else "")
                          for item in case.collateral) or "无"
    rows = [
        ("案例", f"{case.id} {case.title}" + ("" if case.variant is None else f"（变体 {case.variant}）")),
        ("客户类别", SEGMENTS.get(case.segment, case.segment)),
        ("行业", case.industry),
        ("主要收入来源", case.income_source),
        ("借款人", f"{b.name}，{b.gender}，{b.age} 岁" + (f"，{b.education}" if b.education else "")),
        ("经营年限", f"{b.years_in_business:g} 年"),
        ("经营场所", b.premises),
        ("配偶", b.spouse or "无"),
        ("纳税信用", f"{b.tax_credit_level} 级" if b.tax_credit_level else "未参加纳税信用评价"),
        ("创业扶持对象", "、".join(b.target_groups) or "不属于"),
        ("家庭", f"{h.members} 口人，劳动力 {h.labourers} 人；家庭其他收入来源：{h.other_income_source}"),
        ("借款申请", f"{r.amount:,.0f} 元，{r.months} 个月，用途：{r.purpose}"),
        ("征信记录", f"近 24 个月逾期 {c.overdue_times_24m} 次，最长逾期 {c.max_overdue_days} 天，"
                     f"目前{'有' if c.current_overdue else '无'}逾期；近 6 个月贷款审批查询 {c.inquiries_6m} 次；"
                     f"信用卡额度使用率 {percent(c.credit_card_utilisation, 0)}"),
        ("与本行往来", f"{c.years_with_bank:g} 年"),
        ("软信息", f"口碑{s.reputation}，家庭稳定性{s.family_stability}，本地居住 {s.local_residence_years:g} 年，"
                   f"行业前景{s.industry_outlook}"),
        ("担保", collateral),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"]).set_index("项目")


def opening_balance_table(case: casebook.Case) -> pd.DataFrame:
    """The balance sheet of the previous investigation (期初资产负债表), assets beside liabilities, in 元.

    Examples
    --------
    >>> total = opening_balance_table(load("C01")).iloc[-1]
    >>> total["资产"], float(total["资产金额（元）"]), float(total["负债金额（元）"])
    ('资产总计', 990600.0, 161000.0)
    """
    o = case.opening
    assets = [(BALANCE_SHEET[k], float(getattr(o, k))) for k in _ASSETS]
    debts = [(BALANCE_SHEET[k], float(getattr(o, k))) for k in _LIABILITIES]
    rows = [(a, av, d, dv) for (a, av), (d, dv) in zip(assets, debts)]
    rows.append((BALANCE_SHEET["total_assets"], sum(v for _, v in assets),
                 BALANCE_SHEET["total_liabilities"], sum(v for _, v in debts)))
    return pd.DataFrame(rows, columns=["资产", "资产金额（元）", "负债", "负债金额（元）"])


def household_table(case: casebook.Case) -> pd.DataFrame:
    """Household assets and debts listed in the case (类型, 类别, 项目, 金额).

    Examples
    --------
    >>> household_table(load("C01")).iloc[0, :3].tolist()
    ['家庭资产', '房地产', '自住商品房（95 平方米）']
    """
    rows = [("家庭资产", i.category, i.item, i.value) for i in case.household.assets]
    rows += [("家庭负债", i.category, i.item, i.value) for i in case.household.liabilities]
    return pd.DataFrame(rows, columns=["类型", "类别", "项目", "金额（元）"])


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    number = float(value)
    return f"{number:,.0f}" if number == round(number) else f"{number:,.2f}"


def document_tables(case: casebook.Case) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every document of ``case``: file stem → (Chinese title, table with Chinese headers), in the order of
    :data:`microloan_sim.documents.DOCUMENT_FILES`, then the price survey. Dates are text, ratios in %.

    Examples
    --------
    >>> docs = document_tables(load("C01"))
    >>> docs["bank_transactions"][0], list(docs["bank_transactions"][1].columns)[:3]
    ('银行流水', ['日期', '金额', '对方户名'])
    >>> docs["claims"][1].loc[1, "数值"]
    '25.0%'
    """
    docs = statement_documents(case)
    out: dict[str, tuple[str, pd.DataFrame]] = {}
    for name, table in docs.tables().items():
        frame = table.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
        if name == "claims":
            frame["数值"] = [percent(v) if u == "比率" else money(v) for v, u in zip(frame["数值"], frame["单位"])]
        out[name] = (documents.DOCUMENT_FILES[name].title, frame)
    products = docs.facts.products
    if products is not None and not products.empty:
        survey = pd.DataFrame({
            "商品": products["item"].astype(str), "单位": products["unit"].astype(str),
            "进价（元）": products["purchase_price"].astype(float), "售价（元）": products["sale_price"].astype(float),
            "销售占比": [percent(v) for v in products["share"]],
        })
        out[PRICE_SURVEY] = ("商品进价售价调查", survey.reset_index(drop=True))
    return out


def document_html(frame: pd.DataFrame, caption: str = "") -> str:
    """A document as an HTML table: numbers with thousands separators (cents where there are cents).

    Examples
    --------
    >>> text = document_html(pd.DataFrame({"货物": ["卷烟"], "金额（元）": [34764.63]}))
    >>> '<td class="num">34,764.63</td>' in text
    True
    """
    numeric: dict[str, Callable[[Any], str]] = {
        str(c): _number for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    return table_html(frame, index=False, formatters=numeric, caption=caption)


def month_options(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Month choices for the bank statement: each month with its transaction count, then 全部.

    Examples
    --------
    >>> month_options(document_tables(load("C01"))["bank_transactions"][1])[0]
    ('2025-01（156 笔）', '2025-01')
    """
    months = frame["日期"].str[:7]
    counts = months.value_counts()
    options = [(f"{m}（{int(counts[m]):,} 笔）", str(m)) for m in sorted(counts.index)]
    return options + [(f"全部（{len(frame):,} 笔）", "all")]


def _profile_html(case: casebook.Case) -> str:
    parts = [TABLE_CSS, table_html(profile_table(case), caption="客户基本情况"),
             table_html(opening_balance_table(case), index=False,
                        caption=f"上次调查的资产负债表（{case.opening.date}，元）")]
    household = household_table(case)
    if not household.empty:
        parts.append(table_html(household, index=False, caption="家庭资产与负债明细（元）"))
    return "".join(parts)


def _interview_html(case: casebook.Case) -> str:
    note = ("" if case.variant is None else
            f"<p class='ml-canonical-story'>{html.escape(CANONICAL_STORY_NOTE)}</p>")
    return (_INTERVIEW_CSS + "<p><b>访谈记录</b>（客户经理现场访谈整理）</p>" + note
            + f'<div class="ml-interview">{html.escape(case.interview)}</div>')


# --------------------------------------------------------------------------- the dashboard

def case_browser(case_id: str = "C01") -> widgets.VBox:
    """Pick a case and a variant and read its profile, interview notes and every document.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stdout(io.StringIO()):
    ...     box = case_browser()
    >>> box.children[0].children[0].value
    'C01'
    >>> tabs = box.children[2]
    >>> [tabs.get_title(i) for i in range(3)]
    ['基本情况', '访谈记录', '银行流水']
    """
    case_picker, variant_box = case_pickers(case_id)
    summary = widgets.HTML()
    summary.add_class("ml-summary")
    message = widgets.Output()
    tabs = widgets.Tab()
    tabs.add_class("ml-casebook-tabs")
    month = widgets.Dropdown(options=[("全部", "all")], value="all", description="月份",
                             layout=widgets.Layout(width="260px"))
    month.add_class("ml-bank-month")
    bank_table = widgets.HTML()
    bank_table.add_class("ml-bank-table")
    state: dict[str, pd.DataFrame] = {}

    @safe(message)
    def render_bank(_change: object = None) -> None:
        frame = state.get("bank")
        if frame is None:
            return
        chosen = frame if month.value == "all" else frame[frame["日期"].str.startswith(str(month.value))]
        inflow = float(chosen["金额"].clip(lower=0).sum())
        outflow = float(-chosen["金额"].clip(upper=0).sum())
        caption = (f"银行流水（{'全部月份' if month.value == 'all' else month.value}，{len(chosen):,} 笔，"
                   f"流入 {inflow:,.2f} 元，流出 {outflow:,.2f} 元；金额为正是流入，为负是流出）")
        bank_table.value = TABLE_CSS + document_html(chosen, caption)

    @safe(message)
    def refresh(_change: object = None) -> None:
        case = load(case_picker.value, learner_variant(variant_box))
        tag = "标准案例" if case.variant is None else f"变体 {case.variant}"
        summary.value = (_TAB_CSS + f"<b>{html.escape(case.title)}</b>（{tag}）｜{html.escape(case.borrower.name)}，"
                         f"{html.escape(case.industry)}｜申请 {case.request.amount:,.0f} 元、{case.request.months} 个月"
                         f"｜用途：{html.escape(case.request.purpose)}")
        children: list[widgets.Widget] = [widgets.HTML(_profile_html(case)), widgets.HTML(_interview_html(case))]
        titles = ["基本情况", "访谈记录"]
        state.pop("bank", None)
        if documents.has_investigation(case):
            for name, (title, frame) in document_tables(case).items():
                if name == "bank_transactions":
                    state["bank"] = frame
                    month.unobserve(render_bank, names="value")
                    month.options = month_options(frame)
                    month.value = month.options[0][1]
                    month.observe(render_bank, names="value")
                    render_bank()
                    children.append(widgets.VBox([month, bank_table]))
                else:
                    page = widgets.HTML(TABLE_CSS + document_html(frame, title))
                    page.add_class(f"ml-document-{name}")
                    children.append(page)
                titles.append(title)
        selected = tabs.selected_index
        tabs.children = tuple(children)
        tabs.titles = tuple(titles)
        tabs.selected_index = selected if selected is not None and selected < len(children) else 0
        replace_output(message)

    case_picker.observe(refresh, names="value")
    variant_box.observe(refresh, names="value")
    month.observe(render_bank, names="value")
    refresh()
    root = widgets.VBox([widgets.HBox([case_picker, variant_box]), summary, tabs, message])
    root.add_class("ml-casebook")
    return root
