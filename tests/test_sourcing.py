"""No figure without a source (issue 14): every number that 01 微贷概述 and 02 成功案例 show about the history
of the method and the success cases comes from an entry of data/lending_history.yaml that carries its source,
the dashboards render only from those entries, and the notebooks' prose quotes only numbers found in the
data files."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import microloan_sim as ml
from microloan_sim.errors import InputError
from microloan_sim.lending_models import load_history, load_parameters

REPO = Path(__file__).resolve().parents[1]
DATA = Path(ml.__file__).parent / "data"
URL = re.compile(r"^(https?://\S+|LawRefBook/\S.*)$")


def test_every_entry_figure_and_point_has_a_source() -> None:
    history = load_history()
    count = 0
    for entry in history.timeline:
        assert URL.match(entry.source), entry.date
        for figure in entry.figures:
            assert URL.match(figure.source), figure.label
            count += 1
    for card in history.cases:
        assert URL.match(card.source), card.id
        for figure in card.figures:
            assert URL.match(figure.source), (card.id, figure.label)
            count += 1
        if card.series is not None:
            for point in card.series.points:
                assert URL.match(point.source), (card.id, point.x)
                count += 1
    assert count >= 60                                       # the file is not empty


def test_every_outline_section_of_part_two_has_a_card() -> None:
    sections = {c.section for c in load_history().cases}
    assert sections == {"foreign", "joint_stock", "policy", "city", "rural", "village", "warning"}


@pytest.mark.parametrize("edit, field", [
    ('{label: 贷款余额, value: 6382, unit: 万元, source: "https://business.sohu.com/20060921/n245456031.shtml"}',
     "source"),
    ("text: 试点至八月末的放款情况。", "text"),
])
def test_a_figure_without_source_or_a_number_in_prose_is_refused(tmp_path: Path, edit: str, field: str) -> None:
    text = (DATA / "lending_history.yaml").read_text(encoding="utf-8")
    assert edit in text
    if field == "source":
        broken = text.replace(edit, "{label: 贷款余额, value: 6382, unit: 万元, source: \"\"}")
    else:
        broken = text.replace(edit, "text: 试点至 8 月末的放款情况。")
    path = tmp_path / "lending_history.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError, match=field):
        load_history(path)


def _text_outside_sourced_figures(html: str) -> str:
    """The visible text of a card or timeline entry with every sourced figure, date and source link removed."""
    html = re.sub(r"<span class='ml-fig'[^>]*>.*?</span>", "", html, flags=re.S)
    html = re.sub(r"<b class='ml-date'>.*?</b>", "", html, flags=re.S)
    html = re.sub(r"<a class='ml-src'[^>]*>.*?</a>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


def test_cards_show_only_sourced_figures() -> None:
    from microloan_sim.ui.cases import card_html

    for card in load_history().cases:
        html = card_html(card)
        spans = re.findall(r"<span class='ml-fig' data-source='([^']*)'>", html)
        assert spans == [f.source for f in card.figures], card.id
        assert not re.search(r"[0-9]", _text_outside_sourced_figures(html)), card.id
        for figure in card.figures:                                   # the value shown is the entry's value
            shown = f"{figure.value:,.4f}".rstrip("0").rstrip(".")
            assert f"<b>{shown}</b>" in html, (card.id, figure.label)


def test_timeline_shows_only_sourced_figures() -> None:
    from microloan_sim.ui.overview import timeline_entry_html

    for entry in load_history().timeline:
        html = timeline_entry_html(entry)
        assert len(re.findall(r"class='ml-fig'", html)) == len(entry.figures)
        assert not re.search(r"[0-9]", _text_outside_sourced_figures(html)), entry.date


def test_series_charts_plot_only_sourced_points() -> None:
    from microloan_sim.ui.cases import series_chart

    for card in load_history().cases:
        figure = series_chart(card)
        if card.series is None:
            assert figure is None
            continue
        bars = figure.axes[0].patches
        assert [b.get_height() for b in bars] == [p.value for p in card.series.points]
        import matplotlib.pyplot as plt

        plt.close(figure)


def _allowed_numbers() -> set[str]:
    """Numbers the data files give a source (or a 示例参数 label) for, in the spellings a text may use."""
    allowed: set[str] = set()

    def add(value: float) -> None:
        for v in (value, value / 10_000):                         # 元 and 万元
            if float(v).is_integer():
                allowed.update({f"{int(v)}", f"{int(v):,}"})
            else:
                allowed.add(f"{v:.4f}".rstrip("0").rstrip("."))

    history = load_history()
    for entry in history.timeline:
        allowed.update(re.findall(r"\d+", entry.date))
        for f in entry.figures:
            add(f.value)
    for card in history.cases:
        for f in card.figures:
            add(f.value)
            allowed.update(re.findall(r"\d+", f.date or ""))
        for p in (card.series.points if card.series else []):
            add(p.value)
            allowed.update(re.findall(r"\d+", p.x))
    for limit in load_parameters().size_bands.limits:
        add(limit)
    return allowed


@pytest.mark.parametrize("notebook", ["course/01_微贷概述.ipynb", "course/02_成功案例.ipynb"])
def test_notebook_prose_quotes_only_numbers_from_the_data_files(notebook: str) -> None:
    cells = json.loads((REPO / notebook).read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    text = re.sub(r"\]\([^)]*\)", "]", text)                       # link targets
    text = re.sub(r"(C\d\d|ex\d\d)", "", text)                      # case and exercise ids
    text = re.sub(r"(?m)^\d+\. ", "", text)                           # numbered lists
    allowed = _allowed_numbers()
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    assert numbers                                                  # the check does look at something
    unknown = sorted({n for n in numbers if n not in allowed})
    assert not unknown, f"{notebook}: numbers without a sourced data entry: {unknown}"
