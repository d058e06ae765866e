"""Case files: schema, loading, validation and per-learner variants.

A case is a folder under ``casebook/`` holding ``case.yaml`` (profile, interview narrative, opening balance
sheet, household block) and CSV documents beside it. ``monthly_records.csv`` holds one row per month: the
accrual-basis flows, the financing flows, and the month-end balances of the working-capital items. The
current balance sheet, the cash position and every statement are derived from these records, so all the
accounting identities hold by construction, also in every variant.

Examples
--------
>>> import microloan_sim as ml
>>> case = ml.casebook.load_case("C01")
>>> case.segment
'business'
>>> len(case.records) >= 12
True
>>> v1 = ml.casebook.load_case("C01", variant="learner-07")
>>> v2 = ml.casebook.load_case("C01", variant="learner-07")
>>> bool((v1.records["revenue"] == v2.records["revenue"]).all())
True
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._data import PACKAGE_DIR, load_model, load_yaml_mapping
from .errors import InputError
from .labels import label

Segment = Literal["business", "farm", "consumer"]

#: Operating-expense columns a monthly record may carry (IPC P&L lines, domain §1.3).
OPERATING_EXPENSE_COLUMNS = (
    "wages", "rent", "water", "electricity", "depreciation", "meals", "telephone", "entertainment",
    "vehicle_repairs", "machine_repairs", "advertising", "transport_fuel", "property_management",
    "licences", "insurance", "taxes", "feed", "veterinary", "other_expenses",
)
#: Month-end balances of the working-capital items.
BALANCE_COLUMNS = ("accounts_receivable", "inventory", "prepayments", "accounts_payable", "advances_received")
#: Flows that are not operating expenses. Missing optional columns count as zero.
#: ``business_loan_principal`` is the principal inside regular instalments (deducted in the IPC profit line);
#: ``loan_repayment`` is principal repaid outside instalments (a maturing loan, a renewal): financing only.
FLOW_COLUMNS = (
    "revenue", "cost_of_goods_sold", "business_loan_interest", "business_loan_principal", "loan_drawdown",
    "loan_repayment", "capex", "other_income", "household_expenses", "private_loan_interest", "private_loan_principal",
    "injections", "withdrawals", "appreciation",
)
REQUIRED_COLUMNS = ("month", "revenue", "cost_of_goods_sold", "household_expenses",
                    "accounts_receivable", "inventory", "accounts_payable")
MIN_MONTHS = 12


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class OpeningBalanceSheet(_Strict):
    """Balance sheet at the start of the analysis period (previous investigation)."""

    date: date
    cash_and_deposits: float = Field(ge=0)
    accounts_receivable: float = Field(default=0, ge=0)
    prepayments: float = Field(default=0, ge=0)
    inventory: float = Field(default=0, ge=0)
    fixed_assets: float = Field(default=0, ge=0)
    other_assets: float = Field(default=0, ge=0)
    household_assets: float = Field(default=0, ge=0)
    accounts_payable: float = Field(default=0, ge=0)
    advances_received: float = Field(default=0, ge=0)
    short_term_loans: float = Field(default=0, ge=0)
    informal_borrowing: float = Field(default=0, ge=0)
    long_term_liabilities: float = Field(default=0, ge=0)
    other_liabilities: float = Field(default=0, ge=0)
    household_liabilities: float = Field(default=0, ge=0)


class HouseholdItem(_Strict):
    item: str
    category: str
    value: float = Field(ge=0)


class Household(_Strict):
    """Household block (domain §1.5): members, income source of the side job, assets and debts."""

    members: int = Field(ge=1)
    labourers: int = Field(ge=0)
    other_income_source: str = "工资性项目"
    assets: list[HouseholdItem] = []
    liabilities: list[HouseholdItem] = []


class Borrower(_Strict):
    name: str
    age: int = Field(ge=18, le=100)
    gender: Literal["男", "女"]
    years_in_business: float = Field(ge=0)
    premises: str
    education: str = ""
    spouse: str = ""
    #: 创业担保贷款 target groups the borrower belongs to (names from labels.STARTUP_TARGET_GROUPS)
    target_groups: list[str] = []
    #: 纳税信用级别 of the business, if it is rated (A/B/M/C/D); None for a business the tax office does not rate
    tax_credit_level: Literal["A", "B", "M", "C", "D"] | None = None

    @field_validator("target_groups")
    @classmethod
    def _known_groups(cls, value: list[str]) -> list[str]:
        from .labels import STARTUP_TARGET_GROUPS
        unknown = [g for g in value if g not in STARTUP_TARGET_GROUPS]
        if unknown:
            raise ValueError(f"未知的创业担保贷款扶持对象：{'、'.join(unknown)}（可选：{'、'.join(STARTUP_TARGET_GROUPS)}）")
        return value


class LoanRequest(_Strict):
    amount: float = Field(gt=0)
    months: int = Field(gt=0, le=360)
    purpose: str


class CreditRecord(_Strict):
    """征信 and banking relationship, as read from the PBoC credit report and the bank's own records."""

    overdue_times_24m: int = Field(default=0, ge=0, description="近 24 个月逾期次数")
    max_overdue_days: int = Field(default=0, ge=0, description="最长逾期天数")
    current_overdue: bool = False
    years_with_bank: float = Field(default=0, ge=0, description="与本行信贷往来年限")
    inquiries_6m: int = Field(default=0, ge=0, description="近 6 个月贷款审批查询次数")
    credit_card_utilisation: float = Field(default=0, ge=0, le=2, description="信用卡额度使用率")


class SoftInformation(_Strict):
    """软信息 from neighbours, village cadres, suppliers: each rated 好 / 一般 / 差."""

    reputation: Literal["好", "一般", "差"] = "一般"
    family_stability: Literal["好", "一般", "差"] = "一般"
    local_residence_years: float = Field(default=0, ge=0)
    industry_outlook: Literal["好", "一般", "差"] = "一般"


class Collateral(_Strict):
    """Collateral or guarantee offered: ``type`` is a key of the LTV table in the sizing parameters."""

    type: str
    description: str
    value: float = Field(ge=0)


class Documents(_Strict):
    monthly_records: str = "monthly_records.csv"


class CaseFile(_Strict):
    """Schema of ``case.yaml``."""

    id: str
    title: str
    segment: Segment
    industry: str
    income_source: str = Field(description="§1.5 income category of the main business, e.g. 商业项目")
    borrower: Borrower
    request: LoanRequest
    interview: str = Field(min_length=20)
    opening_balance_sheet: OpeningBalanceSheet
    household: Household
    credit: CreditRecord = CreditRecord()
    soft_information: SoftInformation = SoftInformation()
    collateral: list[Collateral] = []
    documents: Documents = Documents()

    @field_validator("income_source", "household")
    @classmethod
    def _known_source(cls, value: Any) -> Any:
        from .labels import INCOME_SOURCES

        source = value if isinstance(value, str) else value.other_income_source
        if source not in INCOME_SOURCES:
            raise ValueError(f"收入来源“{source}”不在 {'、'.join(INCOME_SOURCES)} 之中")
        return value


@dataclass(frozen=True, eq=False)
class Case:
    """A loaded, validated case. ``records`` is indexed by month (``Period``) with every column present."""

    id: str
    title: str
    segment: Segment
    industry: str
    income_source: str
    borrower: Borrower
    request: LoanRequest
    interview: str
    opening: OpeningBalanceSheet
    household: Household
    credit: CreditRecord
    soft_information: SoftInformation
    collateral: tuple[Collateral, ...]
    records: pd.DataFrame
    folder: Path
    variant: int | None = None
    operating_expense_columns: tuple[str, ...] = field(default=())

    @property
    def months(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        tag = "" if self.variant is None else f", variant={self.variant}"
        return f"Case({self.id!r}, {self.title!r}{tag})"


# --------------------------------------------------------------------------- locating cases

def casebook_dir() -> Path:
    """Folder that holds the case folders.

    Order: the ``MICROLOAN_CASEBOOK`` environment variable, the repository's ``casebook/`` (editable
    installs), then the copy inside an installed wheel (``microloan_sim/_casebook``).
    """
    env = os.environ.get("MICROLOAN_CASEBOOK")
    if env:
        return Path(env)
    for candidate in (PACKAGE_DIR.parent / "casebook", PACKAGE_DIR / "_casebook"):
        if candidate.is_dir() and any(candidate.glob("*/case.yaml")):
            return candidate
    raise InputError("找不到案例库目录（casebook/），请检查安装或设置 MICROLOAN_CASEBOOK")


def _case_folders() -> dict[str, Path]:
    folders = {}
    for yaml_file in sorted(casebook_dir().glob("*/case.yaml")):
        case_id = yaml_file.parent.name.split("_", 1)[0]
        folders[case_id] = yaml_file.parent
    return folders


def list_cases() -> pd.DataFrame:
    """Table of the cases: ``id``, ``title`` (Chinese), ``segment``, ``industry``.

    Examples
    --------
    >>> cases = list_cases()
    >>> {"C01", "C02", "C03"} <= set(cases["id"])
    True
    """
    rows = []
    for case_id in _case_folders():
        case = load_case(case_id)
        rows.append({"id": case.id, "title": case.title, "segment": case.segment, "industry": case.industry})
    return pd.DataFrame(rows, columns=["id", "title", "segment", "industry"])


def case_titles() -> tuple[tuple[str, str], ...]:
    """``(id, title)`` of every case, read from the head of each ``case.yaml`` without loading its records.

    A case picker needs only the titles; :func:`list_cases` validates and loads all nine cases (a third of
    a second of a kernel's start-up). The answer is cached per process and read again when a case file
    changes; it is a tuple of strings, so no caller can change what the next one sees.

    Examples
    --------
    >>> case_titles()[0]
    ('C01', '城郊便利店（个体工商户）')
    >>> [case_id for case_id, _ in case_titles()] == list(list_cases()["id"])
    True
    """
    files = tuple((str(folder / "case.yaml"), (folder / "case.yaml").stat().st_mtime_ns)
                  for folder in _case_folders().values())
    return _case_titles(files)


@lru_cache(maxsize=4)
def _case_titles(files: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    titles = []
    for file, _mtime in files:
        path = Path(file)
        head = load_yaml_mapping(path, display_name=f"{path.parent.name}/case.yaml")
        if "id" not in head or "title" not in head:
            load_case_folder(path.parent)  # the full validation names the missing field
        titles.append((str(head["id"]), str(head["title"])))
    return tuple(titles)


# --------------------------------------------------------------------------- loading

def load_case(case_id: str, variant: int | str | None = None) -> Case:
    """Load a case by id; ``variant`` (an int seed or a learner id) gives that learner's own numbers.

    ``variant=None`` is the canonical case. The same variant always gives the same case.
    """
    folders = _case_folders()
    if case_id not in folders:
        raise InputError(f"没有编号为“{case_id}”的案例（现有：{'、'.join(folders)}）", field="案例编号")
    case = _load_canonical(folders[case_id], _files_stamp(folders[case_id]))
    if variant is None:
        return case
    return make_variant(case, seed_for(variant))


def load_case_folder(folder: Path | str) -> Case:
    """Load and validate a case folder anywhere on disk (for authors of new cases)."""
    return _load_canonical(Path(folder), _files_stamp(Path(folder)))


def _files_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, modification time) of the files in a case folder: part of the cache key, so an edited case
    file is read again (in a kernel forked from a process that loaded the case earlier, too)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        return tuple((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file())
    except OSError:
        return ()


@lru_cache(maxsize=32)
def _load_canonical(folder: Path, _stamp: tuple[tuple[str, int, int], ...] = ()) -> Case:
    yaml_file = folder / "case.yaml"
    where = f"{folder.name}/case.yaml"
    spec: CaseFile = load_model(CaseFile, yaml_file, display_name=where)
    _check_household_details(spec, where)
    records_name = spec.documents.monthly_records
    records, expense_columns = read_monthly_records(folder / records_name, display_name=f"{folder.name}/{records_name}")
    if spec.opening_balance_sheet.date >= records.index[0].start_time.date():
        raise InputError("期初资产负债表日期应早于第一个记录月份", field="opening_balance_sheet.date", file=where)
    return Case(
        id=spec.id, title=spec.title, segment=spec.segment, industry=spec.industry,
        income_source=spec.income_source, borrower=spec.borrower, request=spec.request,
        interview=spec.interview.strip(), opening=spec.opening_balance_sheet, household=spec.household,
        credit=spec.credit, soft_information=spec.soft_information, collateral=tuple(spec.collateral),
        records=records, folder=folder, operating_expense_columns=expense_columns,
    )


def _check_household_details(spec: CaseFile, where: str) -> None:
    """The household asset/debt lists must add up to the opening balance-sheet totals."""
    pairs = (("household.assets", spec.household.assets, spec.opening_balance_sheet.household_assets),
             ("household.liabilities", spec.household.liabilities, spec.opening_balance_sheet.household_liabilities))
    for name, items, total in pairs:
        listed = sum(item.value for item in items)
        if items and abs(listed - total) > 0.5:
            raise InputError(
                f"明细合计 {listed:,.0f} 元与期初资产负债表中的合计 {total:,.0f} 元不符", field=name, file=where)


def read_monthly_records(path: Path, display_name: str | None = None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Read and validate ``monthly_records.csv``.

    Returns the records indexed by month (every known column present, missing optional ones as 0) and the
    operating-expense columns the file actually uses.
    """
    name = display_name or path.name
    if not path.is_file():
        raise InputError("找不到该文件（案例缺少月度记录）", file=name)
    try:
        frame = pd.read_csv(path, dtype=str, skipinitialspace=True, comment="#")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"CSV 格式错误：{str(exc).splitlines()[0]}", file=name) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError("缺少必需的列：" + "、".join(f"{c}（{label(c)}）" for c in missing), file=name)
    known = set(OPERATING_EXPENSE_COLUMNS) | set(BALANCE_COLUMNS) | set(FLOW_COLUMNS) | {"month"}
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        raise InputError("未知的列：" + "、".join(unknown), file=name)
    if len(frame) < MIN_MONTHS:
        raise InputError(f"至少需要 {MIN_MONTHS} 个月的记录，现有 {len(frame)} 个月", file=name)
    month_text = frame["month"].fillna("").str.strip()
    malformed = ~month_text.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if malformed.any():
        row = int(malformed.to_numpy().argmax())
        raise InputError(f"第 {row + 2} 行月份格式应为 YYYY-MM，收到“{month_text.iloc[row]}”",
                         field="month（月份）", file=name)
    months = pd.PeriodIndex(month_text, freq="M")
    expected = pd.period_range(months[0], periods=len(months), freq="M")
    if not months.equals(expected):
        bad = next(i for i, (a, b) in enumerate(zip(months, expected)) if a != b)
        raise InputError(f"月份应逐月连续且按时间顺序排列，第 {bad + 2} 行为 {months[bad]}，应为 {expected[bad]}",
                         field="month（月份）", file=name)
    numeric = frame.drop(columns="month")
    values = numeric.apply(pd.to_numeric, errors="coerce")
    bad_cells = values.isna() & numeric.notna() & (numeric.apply(lambda s: s.str.strip()) != "")
    if bad_cells.any().any():
        column = bad_cells.any().idxmax()
        row = int(bad_cells[column].to_numpy().argmax())
        raise InputError(f"第 {row + 2} 行应为数字，收到了“{numeric[column].iloc[row]}”",
                         field=f"{column}（{label(column)}）", file=name)
    empty = values.isna()
    if empty.any().any():
        column = empty.any().idxmax()
        row = int(empty[column].to_numpy().argmax())
        raise InputError(f"第 {row + 2} 行缺少数值", field=f"{column}（{label(column)}）", file=name)
    negative = values < 0
    if negative.any().any():
        column = negative.any().idxmax()
        row = int(negative[column].to_numpy().argmax())
        raise InputError(f"第 {row + 2} 行不能为负数（{values[column].iloc[row]:g}）",
                         field=f"{column}（{label(column)}）", file=name)
    expense_columns = tuple(c for c in OPERATING_EXPENSE_COLUMNS if c in values.columns)
    full = pd.DataFrame(0.0, index=months, columns=[*FLOW_COLUMNS, *OPERATING_EXPENSE_COLUMNS, *BALANCE_COLUMNS])
    full.index.name = "month"
    for column in values.columns:
        full[column] = values[column].to_numpy(dtype=float)
    return full, expense_columns


# --------------------------------------------------------------------------- variants

#: Longest learner id accepted (characters, after normalising).
MAX_LEARNER_ID = 64
_ALLOWED_CONTROLS = frozenset("\t\n\r\x0b\x0c")  # plain whitespace: collapsed to one space
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # controls, invisible format marks, unassigned
_WHITESPACE = re.compile(r"\s+")


def normalize_learner_id(learner_id: Any, *, file: str | None = None, field_name: str = "学员编号") -> str:
    r"""The canonical form of a learner id, or :class:`InputError` with a Chinese reason (used by the variants, the
    exercise forms and the gradebook alike).

    NFKC (full-width letters and digits become ASCII, the ideographic space a plain space), trimmed, inner
    whitespace collapsed to one space; control and invisible format characters (zero-width space, bidi
    overrides) are refused, so are ids over :data:`MAX_LEARNER_ID` characters and ids without a single letter
    or digit. The id is data: it is never read as HTML, mathtext or a spreadsheet formula anywhere.

    Examples
    --------
    >>> normalize_learner_id("  ２０２５－班１　 07 ")
    '2025-班1 07'
    >>> normalize_learner_id("$\\frac{a}{$")
    '$\\frac{a}{$'
    >>> normalize_learner_id("!!!@@@")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 学员编号：应包含文字或数字（收到“!!!@@@”）
    >>> normalize_learner_id("学员\u200b01")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 学员编号：含有控制字符或不可见字符
    """
    if not isinstance(learner_id, str):
        raise InputError(f"应为文字（收到 {type(learner_id).__name__}）", field=field_name, file=file)
    text = unicodedata.normalize("NFKC", learner_id)
    if any(unicodedata.category(ch) in _BAD_CATEGORIES and ch not in _ALLOWED_CONTROLS for ch in text):
        raise InputError("含有控制字符或不可见字符", field=field_name, file=file)
    text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        raise InputError("不能为空", field=field_name, file=file)
    if len(text) > MAX_LEARNER_ID:
        raise InputError(f"过长（最多 {MAX_LEARNER_ID} 个字符，收到 {len(text)} 个）", field=field_name, file=file)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        raise InputError(f"应包含文字或数字（收到“{text}”）", field=field_name, file=file)
    return text


def seed_for(variant: int | str) -> int:
    """Stable seed for a variant: ints are used as they are, learner ids are hashed (SHA-256).

    Examples
    --------
    >>> seed_for(42)
    42
    >>> seed_for("张三-01") == seed_for("张三-01")
    True
    >>> seed_for(" 张三-01 ") == seed_for("张三-01")
    True
    >>> seed_for("学员０７") == seed_for("学员07")
    True
    """
    if isinstance(variant, (int, np.integer)) and not isinstance(variant, bool):
        if variant < 0:
            raise InputError("变体编号不能为负数", field="变体")
        return int(variant)
    text = normalize_learner_id(str(variant))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")


_SALES_LINKED = ("revenue", "cost_of_goods_sold", "accounts_receivable", "inventory", "prepayments",
                 "accounts_payable", "advances_received")


def make_variant(case: Case, seed: int) -> Case:
    """A consistent variant of ``case``: business volume, margin, costs and household figures are rescaled.

    The household's debts (the opening balance, each listed debt and the instalments on them) are rescaled
    together, so the loan schedule keeps its rate and the debt list still adds up to the balance sheet. All
    statements are derived from the rescaled records, so every identity still holds. The opening cash is raised
    where needed so that the cash balance never falls below zero.

    Examples
    --------
    >>> standard, variant = load_case("C06"), make_variant(load_case("C06"), 5)
    >>> variant.opening.household_liabilities != standard.opening.household_liabilities
    True
    >>> sum(i.value for i in variant.household.liabilities) == variant.opening.household_liabilities
    True
    """
    rng = np.random.default_rng(seed)
    records = case.records.copy()
    scale_sales = rng.uniform(0.8, 1.25)
    margin_shift = rng.uniform(0.97, 1.02)  # multiplies the cost ratio
    # operating costs move partly with volume (staff, utilities), so a variant is not loss-making by accident
    scale_expenses = scale_sales ** 0.8 * rng.uniform(0.96, 1.05)
    scale_household = rng.uniform(0.85, 1.2)
    scale_other_income = rng.uniform(0.8, 1.25)
    scale_assets = rng.uniform(0.85, 1.2)

    for column in _SALES_LINKED:
        records[column] = records[column] * scale_sales
    records["cost_of_goods_sold"] = np.minimum(records["cost_of_goods_sold"] * margin_shift, records["revenue"])
    for column in case.operating_expense_columns:
        records[column] = records[column] * scale_expenses
    records["household_expenses"] *= scale_household
    records["other_income"] *= scale_other_income
    records["capex"] *= scale_assets
    records["appreciation"] *= scale_assets
    scale_debts = rng.uniform(0.85, 1.2)   # drawn last, so the draws above give the same numbers as before
    records["private_loan_interest"] *= scale_debts
    records["private_loan_principal"] *= scale_debts
    records = records.round(0)

    opening = case.opening.model_copy(update={
        "accounts_receivable": round(case.opening.accounts_receivable * scale_sales),
        "prepayments": round(case.opening.prepayments * scale_sales),
        "inventory": round(case.opening.inventory * scale_sales),
        "accounts_payable": round(case.opening.accounts_payable * scale_sales),
        "advances_received": round(case.opening.advances_received * scale_sales),
        "fixed_assets": round(case.opening.fixed_assets * scale_assets),
    })
    household = _scale_household_debts(case.household, scale_debts)
    opening = opening.model_copy(update={
        "household_liabilities": (sum(i.value for i in household.liabilities) if household.liabilities
                                  else round(case.opening.household_liabilities * scale_debts))})
    variant = replace(case, records=records, opening=opening, household=household, variant=seed)
    variant = _keep_cash_non_negative(variant)
    return variant


def _scale_household_debts(household: Household, factor: float) -> Household:
    """Each listed household debt × ``factor``, rounded to 元."""
    debts = [item.model_copy(update={"value": float(round(item.value * factor))}) for item in household.liabilities]
    return household.model_copy(update={"liabilities": debts})


def _keep_cash_non_negative(case: Case) -> Case:
    lowest = float(monthly_ledger(case)["closing_cash"].min())
    if lowest >= 0:
        return case
    top_up = float(np.ceil(-lowest / 1000.0) * 1000.0)
    opening = case.opening.model_copy(update={"cash_and_deposits": case.opening.cash_and_deposits + top_up})
    return replace(case, opening=opening)


# --------------------------------------------------------------------------- the ledger

@lru_cache(maxsize=128)
def monthly_ledger(case: Case) -> pd.DataFrame:
    """The case's monthly records rolled forward: flows on both bases, cash and balances (domain §1.4).

    This is the bookkeeping every statement is presented from (``statements`` lays it out; variants use it
    to keep cash non-negative), so it lives with the case. Cached per case object.

    Examples
    --------
    >>> case = load_case("C01")
    >>> led = monthly_ledger(case)
    >>> first = led.iloc[0]
    >>> bool(abs(first["opening_cash"] + first["net_cash_flow"] - first["closing_cash"]) < 1e-6)
    True
    >>> bool(abs(led["opening_cash"].iloc[0] - case.opening.cash_and_deposits) < 1e-6)
    True
    """
    r = case.records
    o = case.opening
    opening_balances = pd.Series({c: getattr(o, c) for c in BALANCE_COLUMNS})
    previous = r[list(BALANCE_COLUMNS)].shift(1)
    previous.iloc[0] = opening_balances
    change = r[list(BALANCE_COLUMNS)] - previous

    led = pd.DataFrame(index=r.index)
    led["revenue"] = r["revenue"]
    led["cost_of_goods_sold"] = r["cost_of_goods_sold"]
    expenses = list(case.operating_expense_columns)
    led["operating_expenses"] = r[expenses].sum(axis=1) if expenses else 0.0
    led["depreciation"] = r["depreciation"]
    led["business_loan_payments"] = r["business_loan_interest"] + r["business_loan_principal"]
    led["private_loan_payments"] = r["private_loan_interest"] + r["private_loan_principal"]
    led["working_capital_change"] = (change["accounts_receivable"] + change["inventory"] + change["prepayments"]
                                     - change["accounts_payable"] - change["advances_received"])
    led["collections"] = r["revenue"] - change["accounts_receivable"] + change["advances_received"]
    led["supplier_payments"] = (r["cost_of_goods_sold"] + change["inventory"] + change["prepayments"]
                                - change["accounts_payable"])
    led["operating_expenses_paid"] = led["operating_expenses"] - r["depreciation"]
    inflow = led["collections"] + r["other_income"] + r["loan_drawdown"] + r["injections"]
    outflow = (led["supplier_payments"] + led["operating_expenses_paid"] + led["business_loan_payments"]
               + r["loan_repayment"] + r["household_expenses"] + led["private_loan_payments"] + r["capex"]
               + r["withdrawals"])
    led["net_cash_flow"] = inflow - outflow
    led["closing_cash"] = o.cash_and_deposits + led["net_cash_flow"].cumsum()
    led["opening_cash"] = led["closing_cash"] - led["net_cash_flow"]
    led["short_term_loans"] = o.short_term_loans + (
        r["loan_drawdown"] - r["loan_repayment"] - r["business_loan_principal"]).cumsum()
    led["fixed_assets"] = o.fixed_assets + (r["capex"] - r["depreciation"]).cumsum()
    led["household_liabilities"] = o.household_liabilities - r["private_loan_principal"].cumsum()
    led["household_assets"] = o.household_assets + r["appreciation"].cumsum()
    return led
