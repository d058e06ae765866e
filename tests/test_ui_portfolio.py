"""Dashboards of course 03: they react to their widgets, show bad input as a Chinese message in place, and
never show a negative zero, 'nan' or a traceback."""
from __future__ import annotations

import re
from typing import Any

import ipywidgets as widgets

from microloan_sim.ui import portfolio as ui


def _html(output: widgets.Output) -> str:
    return "".join(o["data"].get("text/html", "") for o in output.outputs)


def _find(box: Any, kind: type, css: str | None = None) -> Any:
    """The first descendant widget of ``kind`` (with CSS class ``css``, if given)."""
    stack = [box]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, kind) and (css is None or css in widget._dom_classes):
            return widget
        stack.extend(getattr(widget, "children", ()))
    raise LookupError(f"{kind.__name__} {css or ''}")


def test_policy_checker_shows_bad_input_in_chinese() -> None:
    box = ui.policy_checker()
    output = _find(box, widgets.Output)
    assert "未达标" in _html(output)
    first = _find(box, widgets.BoundedFloatText)          # 各项贷款 上年末
    first.value = 0
    text = _html(output)
    assert "class=\"ml-error\"" in text and "上年末余额必须大于 0" in text and "Traceback" not in text
    first.value = 100
    assert "class=\"ml-error\"" not in _html(output)


def test_granularity_simulator_reacts_to_loans_model_and_shock() -> None:
    box = ui.granularity_simulator()
    summary = _find(box, widgets.HTML, "ml-granularity-summary")
    loans = _find(box, widgets.SelectionSlider, "ml-loans")
    rho = _find(box, widgets.FloatSlider, "ml-rho")
    model = _find(box, widgets.ToggleButtons, "ml-model")
    shock = _find(box, widgets.Dropdown, "ml-shock")
    start = summary.value
    loans.value = 2000
    assert summary.value != start and "2,000</b> 笔" in summary.value
    model.value = "binomial"
    assert rho.disabled and "违约相互独立" in summary.value
    model.value = "vasicek"
    assert not rho.disabled
    plain = summary.value
    shock.value = "core_enterprise"
    assert "冲击：一家核心企业的上下游（供应链）" in summary.value and summary.value != plain
    assert "nan" not in summary.value.lower()


def test_economics_explorer_switches_prescreening() -> None:
    box = ui.economics_explorer()
    summary = _find(box, widgets.HTML, "ml-economics-summary")
    toggle = _find(box, widgets.ToggleButtons, "ml-prescreen")
    assert summary.value.startswith("不预筛")
    toggle.value = True
    assert summary.value.startswith("线上预筛")
    text = _html(_find(box, widgets.Output))
    assert re.search(r">-0<", text) is None and "nan" not in text.lower()


def test_incentive_simulator_scheme_changes_the_book() -> None:
    box = ui.incentive_simulator("volume")
    summary = _find(box, widgets.HTML, "ml-incentive-summary")
    scheme = _find(box, widgets.ToggleButtons, "ml-scheme")
    assert "超出" in summary.value and "100.0%" in summary.value
    volume_par = float(re.search(r"PAR30 <b>([0-9.]+)%", summary.value).group(1))   # type: ignore[union-attr]
    assert "逐月推演 12 个月后" in summary.value and "五级分类" in summary.value
    scheme.value = "risk_exempt"
    assert "未超出" in summary.value and "100.0%" not in summary.value
    exempt_par = float(re.search(r"PAR30 <b>([0-9.]+)%", summary.value).group(1))   # type: ignore[union-attr]
    assert exempt_par < volume_par                        # a stricter cut-off, a healthier book 12 months on
    text = _html(_find(box, widgets.Output))
    assert "PAR30" in text and "nan" not in text.lower() and re.search(r">-0", text) is None
