"""What a loan officer has in hand to rebuild a borrower's statements (exercise ex01): one tab per document.

The interview notes, the household (members, assets today, monthly spending), the balance sheet of the
previous investigation, the bank statement (a summary by 摘要 and 对方 for the year, and every line month by
month), the sales record, purchase invoices, the stock count, the fixed-asset list, the open items
(receivables, payables, deposits), the cash count, the list of debts, small cash expenses, electricity bills
and tax records. The documents are the clean ones (:func:`microloan_sim.documents.build_documents` with
``with_flaws=False`` and :func:`microloan_sim.documents.visit_records`): every graded figure can be rebuilt
from them. The case's monthly records are never shown.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .. import casebook, documents
from ..labels import CANONICAL_STORY_NOTE
from ._common import TABLE_CSS, money
from .casebook import _INTERVIEW_CSS, _TAB_CSS, document_html, month_options, opening_balance_table

#: The documents of a business or farm, in tab order after 访谈记录; a salaried borrower's list leaves out the
#: business documents that are empty for him.
DOCUMENT_TITLES = ("家庭情况", "上次调查的资产负债表", "银行流水", "销售记录", "进货发票", "存货盘点表", "固定资产清单",
                   "往来款项清单", "现金及存款核实表", "负债清单", "零星费用记录", "电费单", "纳税记录")
_BUSINESS_ONLY = frozenset({"销售记录", "进货发票", "存货盘点表", "固定资产清单", "往来款项清单", "零星费用记录"})
_EMPTY_NOTE = {"销售记录": "本期没有销售。", "进货发票": "本期没有进货发票。", "存货盘点表": "核实日盘点：没有存货。",
               "固定资产清单": "没有经营用固定资产。", "往来款项清单": "核实日没有应收、预付、应付、预收款项和押金。",
               "零星费用记录": "本期没有用现金支付的零星费用。"}

Tables = list[tuple[str, pd.DataFrame]]


def _chinese(frame: pd.DataFrame, spec: documents.DocumentSpec) -> pd.DataFrame:
    out = frame[[key for key, _ in spec.columns]].rename(columns=dict(spec.columns)).reset_index(drop=True)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d %H:%M")
    return out


def _total(frame: pd.DataFrame, column: str) -> str:
    return money(float(frame[column].sum()) if not frame.empty else 0.0, decimals=2)


def officer_documents(case: casebook.Case) -> dict[str, Tables]:
    """Every document of ``case`` as the learner sees it: tab title → [(caption, table with Chinese headers)].

    The bank statement's lines are in ``bank_lines`` (:func:`bank_lines`); here it is the year's summary.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> docs = officer_documents(ml.casebook.load_case("C01"))
    >>> list(docs)[:4]
    ['家庭情况', '上次调查的资产负债表', '银行流水', '销售记录']
    >>> list(docs["现金及存款核实表"][0][1].columns)
    ['项目', '核实方式', '金额（元）']
    >>> "销售记录" in officer_documents(ml.casebook.load_case("C06"))
    False
    """
    clean = documents.build_documents(case, with_flaws=False)
    visit = documents.visit_records(case)
    files, vf = documents.DOCUMENT_FILES, documents.VISIT_FILES
    h = case.household
    household = pd.DataFrame([("家庭人口", f"{h.members} 人（劳动力 {h.labourers} 人）"),
                              ("家庭其他收入来源", h.other_income_source),
                              ("借款人", f"{case.borrower.name}，{case.borrower.age} 岁"),
                              ("配偶", case.borrower.spouse or "无")], columns=["项目", "内容"])
    spending = _chinese(visit.household_spending, vf["household_spending"])
    sales = _chinese(visit.sales_record, vf["sales_record"])
    invoices = _chinese(clean.purchase_invoices, files["purchase_invoices"])
    count = _chinese(clean.inventory_count, files["inventory_count"])
    assets = _chinese(clean.fixed_assets, files["fixed_assets"])
    summary = documents.bank_summary(clean.bank_transactions).rename(columns={
        "description": "摘要", "counterparty": "对方户名", "count": "笔数", "inflow": "流入（元）", "outflow": "流出（元）"})
    debts = clean.claims.debts.rename(columns=dict(files["declared_debts"].columns))
    out: dict[str, Tables] = {
        "家庭情况": [("家庭基本情况", household),
                     (f"家庭资产（{visit.date} 现值，借款人提供，信贷员实地查看）", _chinese(visit.household_assets,
                                                                          vf["household_assets"])),
                     (f"家庭月开支（家庭记账，全年合计 {_total(spending, '家庭开支（元）')} 元）", spending)],
        "上次调查的资产负债表": [(f"上次调查的资产负债表（{case.opening.date}，元）", opening_balance_table(case))],
        "银行流水": [(f"银行流水汇总（{visit.account}，全年按摘要和对方归类；逐笔明细见下方）", summary)],
        "销售记录": [(f"销售记录（按卖出的月份记，含赊销；全年合计 {_total(sales, '销售额（元）')} 元）", sales)],
        "进货发票": [(f"进货发票（共 {len(invoices):,} 张，合计 {_total(invoices, '金额（元）')} 元）", invoices)],
        "存货盘点表": [(f"存货盘点表（{visit.date}，按进价，合计 {_total(count, '金额（元）')} 元）", count)],
        "固定资产清单": [(f"固定资产清单（{visit.date}，现值合计 {_total(assets, '现值（元）')} 元）", assets)],
        "往来款项清单": [(f"往来款项清单（{visit.date} 余额）", _chinese(visit.open_items, vf["open_items"]))],
        "现金及存款核实表": [(f"现金及存款核实表（{visit.date}）", _chinese(visit.cash_count, vf["cash_count"]))],
        "负债清单": [(f"负债清单（{visit.date} 余额，已与借款合同和征信报告核对）", debts)],
        "零星费用记录": [("零星费用记录（现金支付，不经过银行账户）", _chinese(visit.cash_expenses, vf["cash_expenses"]))],
        "电费单": [("电费单", _chinese(clean.utility_bills, files["utility_bills"]))],
        "纳税记录": [(f"纳税记录（{clean.facts.tax_regime}）", _chinese(clean.tax_records, files["tax_records"]))],
    }
    consumer = case.segment == "consumer"
    return {title: tables for title, tables in out.items()
            if not all(frame.empty for _, frame in tables) or (title in _BUSINESS_ONLY and not consumer)}


def bank_lines(case: casebook.Case) -> pd.DataFrame:
    """Every line of the (clean) bank statement with Chinese headers; dates as text.

    >>> import microloan_sim as ml
    >>> list(bank_lines(ml.casebook.load_case("C01")).columns)
    ['日期', '金额', '对方户名', '渠道', '摘要']
    """
    clean = documents.build_documents(case, with_flaws=False)
    return _chinese(clean.bank_transactions, documents.DOCUMENT_FILES["bank_transactions"])


def _page(tables: Tables, title: str) -> str:
    parts = [TABLE_CSS]
    for caption, frame in tables:
        if frame.empty:
            parts.append(f"<p class='ml-empty-document'><b>{html.escape(caption)}</b>：{html.escape(_EMPTY_NOTE.get(title, '无。'))}</p>")
        else:
            parts.append(document_html(frame, caption))
    return "".join(parts)


def _interview(case: casebook.Case) -> str:
    note = "" if case.variant is None else \
        f"<p class='ml-canonical-story' style='max-width:860px;color:#9a6700'>{html.escape(CANONICAL_STORY_NOTE)}</p>"
    return (_INTERVIEW_CSS + "<p><b>访谈记录</b>（客户经理现场访谈整理）</p>" + note
            + f'<div class="ml-interview">{html.escape(case.interview)}</div>')


def reconstruction_view(case: casebook.Case) -> widgets.VBox:
    """The officer's documents of ``case`` in tabs (访谈记录 first), readable at 1366 px.

    Examples
    --------
    >>> import microloan_sim as ml
    >>> view = reconstruction_view(ml.casebook.load_case("C03", variant=2))
    >>> tabs = view.children[1]
    >>> [tabs.get_title(i) for i in range(3)]
    ['访谈记录', '家庭情况', '上次调查的资产负债表']
    """
    docs = officer_documents(case)
    header = widgets.HTML(
        _TAB_CSS + f"<p class='ml-recon-header'><b>{html.escape(case.title)}</b>（{html.escape(case.borrower.name)}）"
        f"｜核实日 {html.escape(documents.visit_records(case).date)}｜申请 {case.request.amount:,.0f} 元、"
        f"{case.request.months} 个月｜用途：{html.escape(case.request.purpose)}</p>")
    children: list[widgets.Widget] = [widgets.HTML(_interview(case))]
    titles = ["访谈记录"]
    for title, tables in docs.items():
        page = widgets.HTML(_page(tables, title))
        page.add_class("ml-document-page")
        if title == "银行流水":
            children.append(widgets.VBox([page, _bank_months(case)]))
        else:
            children.append(page)
        titles.append(title)
    tabs = widgets.Tab(children=children)
    for i, title in enumerate(titles):
        tabs.set_title(i, title)
    tabs.add_class("ml-casebook-tabs")
    tabs.add_class("ml-recon-tabs")
    box = widgets.VBox([header, tabs])
    box.add_class("ml-reconstruction")
    return box


def _bank_months(case: casebook.Case) -> widgets.VBox:
    lines = bank_lines(case)
    month = widgets.Dropdown(options=month_options(lines), description="逐笔明细", layout=widgets.Layout(width="300px"))
    month.add_class("ml-bank-month")
    table = widgets.HTML()
    table.add_class("ml-bank-table")

    def render(_change: object = None) -> None:
        chosen = lines if month.value == "all" else lines[lines["日期"].str.startswith(str(month.value))]
        inflow = float(chosen["金额"].clip(lower=0).sum())
        outflow = float(-chosen["金额"].clip(upper=0).sum())
        caption = (f"银行流水逐笔（{'全部月份' if month.value == 'all' else month.value}，{len(chosen):,} 笔，"
                   f"流入 {inflow:,.2f} 元，流出 {outflow:,.2f} 元；金额为正是流入，为负是流出）")
        table.value = TABLE_CSS + document_html(chosen, caption)

    month.value = month.options[0][1]
    month.observe(render, names="value")
    render()
    return widgets.VBox([month, table])
