"""Casebook: loading, per-learner variants, and bad input giving Chinese errors that name file and field."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import microloan_sim as ml
from microloan_sim.casebook import Case

SEGMENTS = {"C01": "business", "C02": "business", "C03": "farm", "C04": "business", "C05": "farm", "C06": "consumer",
            "C07": "business", "C08": "business", "C09": "business"}


def test_list_cases_covers_the_three_segments() -> None:
    cases = ml.casebook.list_cases()
    assert list(cases.columns) == ["id", "title", "segment", "industry"]
    assert set(SEGMENTS) <= set(cases["id"])
    titles = dict(zip(cases["id"], cases["title"]))
    assert "个体工商户" in titles["C01"] and "小微企业" in titles["C02"] and "农户" in titles["C03"]
    assert len(cases) >= 9


@pytest.mark.parametrize("case_id", sorted(SEGMENTS))
def test_each_case_has_a_year_of_records_and_a_household(case_id: str) -> None:
    case = ml.casebook.load_case(case_id)
    assert case.segment == SEGMENTS[case_id]
    assert case.months >= 12
    assert case.household.members >= 1 and case.household.assets
    assert len(case.interview) > 100
    assert ml.statements.cash_flow(case).lowest_cash >= 0


def test_variants_are_deterministic_and_differ() -> None:
    a = ml.casebook.load_case("C01", variant="学员-07")
    b = ml.casebook.load_case("C01", variant="学员-07")
    c = ml.casebook.load_case("C01", variant="学员-08")
    canonical = ml.casebook.load_case("C01")
    assert a.records.equals(b.records) and a.opening == b.opening
    assert not a.records["revenue"].equals(c.records["revenue"])
    assert not a.records["revenue"].equals(canonical.records["revenue"])
    assert a.variant == ml.casebook.seed_for("学员-07")
    assert canonical.variant is None


def test_unknown_case_and_empty_learner_id() -> None:
    with pytest.raises(ml.InputError, match="C99"):
        ml.casebook.load_case("C99")
    with pytest.raises(ml.InputError, match="学员编号"):
        ml.casebook.load_case("C01", variant="   ")


def _edit_csv(folder: Path, edit: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = folder / "monthly_records.csv"
    frame = pd.read_csv(path, dtype=str)
    edit(frame).to_csv(path, index=False)


def _set(column: str, row: int, value: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return edit


@pytest.mark.parametrize(("edit", "expected"), [
    (_set("revenue", 2, "-500"), r"revenue（销售收入）：第 4 行不能为负数"),
    (_set("revenue", 0, "一万二"), r"revenue（销售收入）：第 2 行应为数字，收到了“一万二”"),
    (_set("inventory", 5, ""), r"inventory（存货和原材料）：第 7 行缺少数值"),
    (_set("wages", 1, "NaN"), r"wages.*第 3 行缺少数值"),
    (lambda f: f.drop(columns="accounts_payable"), r"缺少必需的列：accounts_payable（应付账款）"),
    (lambda f: f.assign(mystery=1), "未知的列：mystery"),
    (lambda f: f.iloc[[1, 0, *range(2, len(f))]], "按时间顺序排列"),
    (_set("month", 3, "2025/04"), "第 5 行月份格式应为 YYYY-MM"),
    (lambda f: f.iloc[:6], "至少需要 12 个月"),
])
def test_bad_monthly_records(case_copy: Callable[[str], Path], load_folder: Callable[[Path], Case],
                             edit: Callable[[pd.DataFrame], pd.DataFrame], expected: str) -> None:
    folder = case_copy("C01")
    _edit_csv(folder, edit)
    with pytest.raises(ml.InputError, match=expected) as info:
        load_folder(folder)
    assert "monthly_records.csv" in str(info.value)


def test_malformed_csv_row(case_copy: Callable[[str], Path], load_folder: Callable[[Path], Case]) -> None:
    folder = case_copy("C01")
    with (folder / "monthly_records.csv").open("a", encoding="utf-8") as handle:
        handle.write('2026-01,1,2,"3\n')
    with pytest.raises(ml.InputError, match="monthly_records.csv"):
        load_folder(folder)


def test_missing_document(case_copy: Callable[[str], Path], load_folder: Callable[[Path], Case]) -> None:
    folder = case_copy("C02")
    (folder / "monthly_records.csv").unlink()
    with pytest.raises(ml.InputError, match="找不到该文件"):
        load_folder(folder)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  inventory: 150000", "  inventory: -150000", r"case.yaml：opening_balance_sheet.inventory：不能小于下限 0"),
    ("  inventory: 150000", "  inventory: 很多", r"opening_balance_sheet.inventory：应为数字"),
    ("  inventory: 150000", "  inventory: .nan", r"opening_balance_sheet.inventory"),
    ("segment: business", "segment: shop", r"segment：取值不在允许范围内"),
    ("  age: 41", "  age: 41\n  shoe_size: 38", r"borrower.shoe_size：未知字段"),
    ("income_source: 商业项目", "income_source: 炒股", r"income_source：收入来源“炒股”不在"),
    ("    - {item: 家用电器, category: 家用电器, value: 30000}", "", r"household.assets：明细合计"),
    ("request:", "request: [", r"YAML 格式错误（第 \d+ 行"),
])
def test_bad_case_yaml(case_copy: Callable[[str], Path], load_folder: Callable[[Path], Case],
                       old: str, new: str, expected: str) -> None:
    folder = case_copy("C01")
    path = folder / "case.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ml.InputError, match=expected):
        load_folder(folder)


def test_editing_a_copy_loses_no_data(case_copy: Callable[[str], Path], load_folder: Callable[[Path], Case]) -> None:
    """A rejected file is left exactly as it was (the loader never rewrites case files)."""
    folder = case_copy("C01")
    path = folder / "monthly_records.csv"
    _edit_csv(folder, _set("revenue", 0, "abc"))
    before = path.read_bytes()
    with pytest.raises(ml.InputError):
        load_folder(folder)
    assert path.read_bytes() == before


def test_an_edited_case_file_is_read_again(tmp_path: Path) -> None:
    """The case cache is keyed by the files' sizes and times (a forked kernel inherits its fork server's cache):
    a case folder edited after it was loaded gives the edited case."""
    import shutil

    folder = tmp_path / "C01_便利店"
    shutil.copytree(ml.casebook.load_case("C01").folder, folder)
    first = ml.casebook.load_case_folder(folder)
    assert ml.casebook.load_case_folder(folder) is first          # cached while nothing changes
    yaml_file = folder / "case.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(
        f"title: {first.title}", "title: 城郊便利店（改过的标题）"), encoding="utf-8")
    assert ml.casebook.load_case_folder(folder).title == "城郊便利店（改过的标题）"
