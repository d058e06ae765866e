"""Shared dashboard plumbing: safe callbacks, Chinese error display, number formatting, tables, charts.

Every dashboard callback is wrapped with :func:`safe`, so an :class:`~microloan_sim.InputError` shows its
Chinese message in place and any other exception shows a short apology. No traceback reaches a learner;
the full traceback goes to the server log (``logging``) for the instructor.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import ipywidgets as widgets
import pandas as pd
from IPython.core.formatters import format_display_data

if TYPE_CHECKING:  # matplotlib is imported by the dashboards that draw, not by every page (a form draws nothing)
    from matplotlib.figure import Figure

from .. import casebook
from ..errors import InputError
from ..labels import ILLUSTRATIVE

log = logging.getLogger("microloan_sim.ui")
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

TABLE_CSS = """
<style>
.ml-table {border-collapse: collapse; font-size: 13px; margin: 4px 0 10px 0;}
.ml-table th, .ml-table td {border: 1px solid #d0d7de; padding: 3px 8px; text-align: left !important;}
.ml-table th {background: #f3f6f9; font-weight: 600;}
.ml-table td.num {text-align: right !important; font-variant-numeric: tabular-nums;}
.ml-table tr.subtotal td {font-weight: 600; background: #fafbfc;}
.ml-error {color: #b42318; background: #fef3f2; border: 1px solid #fecdca; padding: 6px 10px; border-radius: 4px;}
.ml-tag {display: inline-block; font-size: 11px; color: #7a4d00; background: #fff4d6; border: 1px solid #f5d48a;
         border-radius: 3px; padding: 0 4px; margin-left: 4px;}
.ml-verdict-ok {color: #1a7f37; font-weight: 600;} .ml-verdict-warn {color: #9a6700; font-weight: 600;}
.ml-verdict-bad {color: #b42318; font-weight: 600;}
</style>
"""


def error_html(message: str) -> str:
    """HTML block for a Chinese error message (escaped)."""
    return f'<div class="ml-error">⚠ {html.escape(message)}</div>'


def illustrative_tag() -> str:
    """The 示例参数 badge shown beside illustrative parameters."""
    return f'<span class="ml-tag" title="示例参数：非监管规定，可由讲师在数据文件中修改">{ILLUSTRATIVE}</span>'


def safe(output: widgets.Output) -> Callable[[F], F]:
    """Decorator for widget callbacks: errors are shown in ``output`` as Chinese text, never as a traceback."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except InputError as exc:
                _show_error(output, str(exc))
            except Exception:  # noqa: BLE001 - last line of defence for learners' screens
                log.exception("dashboard callback failed")
                _show_error(output, "计算出错了。请检查输入，或请讲师查看服务器日志。")
            return None

        return guarded  # type: ignore[return-value]

    return wrap


def _show_error(output: widgets.Output, message: str) -> None:
    replace_output(output, TABLE_CSS + error_html(message))


def money(value: float | None, unit: str = "元", decimals: int = 0) -> str:
    """Format money with thousands separators.

    Examples
    --------
    >>> money(1234567.8)
    '1,234,568'
    >>> money(1234567.8, "万元")
    '123.46'
    >>> money(None)
    ''
    >>> money(-0.4), money(-0.004, decimals=2)       # never "-0"
    ('0', '0.00')
    """
    if value is None or pd.isna(value):
        return ""
    if unit == "万元":
        value = value / 10_000
        decimals = 2
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:,.{decimals}f}"


def percent(value: float, decimals: int = 1) -> str:
    """Format a fraction as a percentage.

    Examples
    --------
    >>> percent(0.43902)
    '43.9%'
    >>> percent(-0.00001)
    '0.0%'
    """
    if pd.isna(value):
        return ""
    shown = value * 100
    return f"{0.0 if round(shown, decimals) == 0 else shown:.{decimals}f}%"


def table_html(frame: pd.DataFrame, *, index: bool = True, subtotals: Iterable[str] = (),
               formatters: dict[str, Callable[[Any], str]] | None = None, caption: str = "") -> str:
    """Render a DataFrame as a compact HTML table; numbers right-aligned with thousands separators.

    Rows whose index label (or first cell) is in ``subtotals`` are set in bold.
    """
    formatters = formatters or {}
    marks = set(subtotals)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ([frame.index.name or ""] if index else []) + list(frame.columns))
    rows = []
    for key, row in frame.iterrows():
        cells = [f"<th>{html.escape(str(key))}</th>"] if index else []
        for column, value in row.items():
            if column in formatters:
                text, numeric = formatters[str(column)](value), True
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                text, numeric = money(value), True
            else:
                text, numeric = ("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)), False
            cells.append(f'<td class="num">{html.escape(text)}</td>' if numeric else f"<td>{html.escape(text)}</td>")
        first = str(key) if index else str(row.iloc[0])
        css = ' class="subtotal"' if first in marks or any(str(v) in marks for v in row.to_numpy()) else ""
        rows.append(f"<tr{css}>{''.join(cells)}</tr>")
    cap = f"<caption style='caption-side:top;text-align:left;font-weight:600'>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="ml-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def figure_png(figure: Figure, dpi: int = 100) -> bytes:
    """PNG bytes of a matplotlib figure (as the inline backend draws it); the figure is closed.

    A figure laid out by a layout engine (``new_figure`` uses constrained layout) already fits its canvas, so
    it is saved as laid out: the tight bounding box would measure every text a second time (about a third of
    a chart's drawing time). Other figures are cropped to their tight bounding box.
    """
    buffer = io.BytesIO()
    tight = None if figure.get_layout_engine() is not None else "tight"
    try:
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches=tight)
    finally:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:  # a figure made with pyplot is released; one made by new_figure never was held
            pyplot.close(figure)
    return buffer.getvalue()


def _is_figure(item: Any) -> bool:
    """Whether ``item`` is a matplotlib figure, without importing matplotlib when nothing has drawn yet."""
    module = sys.modules.get("matplotlib.figure")
    return module is not None and isinstance(item, module.Figure)


def _bundle(item: Any) -> dict[str, Any]:
    """One nbformat ``display_data`` output for an HTML string, a matplotlib figure or any displayable object."""
    if isinstance(item, str):
        data: dict[str, Any] = {"text/html": item, "text/plain": ""}
        metadata: dict[str, Any] = {}
    elif _is_figure(item):
        data, metadata = {"image/png": base64.b64encode(figure_png(item)).decode("ascii"), "text/plain": "图表"}, {}
    else:
        data, metadata = format_display_data(item)
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def rendered(*items: Any) -> tuple[dict[str, Any], ...]:
    """The outputs :func:`replace_output` would show for ``items`` (charts drawn to PNG), to keep or show later."""
    return tuple(_bundle(item) for item in items)


#: Views already worked out in this process, by what they depend on (:func:`remembered`); oldest dropped first.
_VIEWS: dict[Any, Any] = {}
VIEWS_KEPT = 64


def remembered(key: Any, build: Callable[[], T]) -> T:
    """``build()``, worked out once per process for the same ``key``.

    A dashboard's opening view (the standard case, the page's own settings) is the same for every learner. The
    fork server of ``microloan serve`` (:mod:`microloan_sim.kernel_fork`) opens the course's dashboards once
    before it forks, so every learner's kernel starts with those views already worked out; a learner who
    changes a setting gets a new key and a fresh view. ``key`` must name everything the view depends on: the
    dashboard, the case object (a case is loaded once per process, so the same case is the same object; a
    learner's variant is a new object) and every setting. Errors are not kept.

    >>> calls = []
    >>> remembered(("doc-example", 1), lambda: calls.append(1) or "视图")
    '视图'
    >>> remembered(("doc-example", 1), lambda: calls.append(1) or "视图"), len(calls)
    ('视图', 1)
    """
    try:
        return _VIEWS[key]
    except KeyError:
        pass
    value = build()
    if len(_VIEWS) >= VIEWS_KEPT:
        _VIEWS.pop(next(iter(_VIEWS)))
    _VIEWS[key] = value
    return value


def replace_output(output: widgets.Output, *items: Any) -> None:
    """Replace what ``output`` shows by ``items`` (HTML strings, matplotlib figures, IPython display objects)
    in one state update, without flicker.

    The outputs are set on the widget's ``outputs`` trait instead of being captured with ``with output:``,
    whose message capture occasionally left a Voila page waiting for ever on a 2-core machine
    (voila-dashboards/voila#1428); it also works outside a kernel.

    Examples
    --------
    >>> out = widgets.Output()
    >>> replace_output(out, "<b>额度</b>")
    >>> out.outputs[0]["data"]["text/html"]
    '<b>额度</b>'
    >>> replace_output(out)
    >>> out.outputs
    ()
    """
    output.outputs = rendered(*items)


def folded(sections: dict[str, Callable[[], widgets.Widget]]) -> widgets.Accordion:
    """A closed accordion whose sections are built when first opened (title → function building its content).

    A folded section that most learners never open then costs no widgets on every page.

    >>> calls = []
    >>> accordion = folded({"明细": lambda: calls.append(1) or widgets.HTML("细节")})
    >>> accordion.selected_index is None, calls, accordion.titles
    (True, [], ('明细',))
    >>> accordion.selected_index = 0
    >>> accordion.children[0].children[0].value, calls
    ('细节', [1])
    """
    builders: list[Callable[[], widgets.Widget] | None] = list(sections.values())
    accordion = widgets.Accordion(children=[widgets.VBox() for _ in builders], titles=tuple(sections))
    accordion.selected_index = None

    def show(change: dict[str, Any]) -> None:
        index = change["new"]
        build = builders[index] if index is not None else None
        if build is not None:
            builders[index] = None
            accordion.children[index].children = (build(),)

    accordion.observe(show, names="selected_index")
    return accordion


def with_class(root: Any, css: str) -> list[Any]:
    """Every widget under ``root`` (itself included, depth first) that carries the CSS class ``css``.

    >>> box = widgets.VBox([widgets.HTML("a"), widgets.HBox([widgets.Text()])])
    >>> box.children[1].children[0].add_class("ml-variant")
    Text(value='', _dom_classes=('ml-variant',))
    >>> [type(w).__name__ for w in with_class(box, "ml-variant")]
    ['Text']
    """
    found = [root] if css in getattr(root, "_dom_classes", ()) else []
    for child in getattr(root, "children", ()):
        found += with_class(child, css)
    return found


def heading(text: str, level: int = 4) -> widgets.HTML:
    return widgets.HTML(f"<h{level} style='margin:6px 0'>{html.escape(text)}</h{level}>")


def case_options() -> list[tuple[str, str]]:
    """Dropdown options ``("C01 城郊便利店（个体工商户）", "C01")`` for every case in the casebook."""
    return [(f"{case_id} {title}", case_id) for case_id, title in casebook.case_titles()]


def case_pickers(case_id: str, *, width: str = "340px") -> tuple[widgets.Dropdown, widgets.Text]:
    """The case dropdown and learner-id box a case dashboard starts with (CSS classes ``ml-case`` and
    ``ml-variant``); an empty learner id means the standard case.

    Examples
    --------
    >>> picker, learner = case_pickers("C03")
    >>> picker.value, learner.value, "ml-variant" in learner._dom_classes
    ('C03', '', True)
    """
    picker = widgets.Dropdown(options=case_options(), value=case_id, description="案例", layout=widgets.Layout(width=width))
    learner = widgets.Text(value="", placeholder="留空 = 标准案例", description="学员编号", continuous_update=False,
                           layout=widgets.Layout(width="260px"))
    picker.add_class("ml-case")
    learner.add_class("ml-variant")
    return picker, learner


def learner_variant(learner: widgets.Text) -> str | None:
    """The learner id typed in a :func:`case_pickers` box (normalised: full-width digits, spaces), or ``None``
    for the standard case; an id without any letter, digit or Chinese character raises :class:`InputError`.

    Examples
    --------
    >>> learner_variant(widgets.Text(value=" 学员０７ "))
    '学员07'
    >>> learner_variant(widgets.Text(value="  ")) is None
    True
    """
    if not str(learner.value).strip():
        return None
    return casebook.normalize_learner_id(str(learner.value))


def parse_numbers(text: str, field: str) -> list[float]:
    """Numbers typed as a list: commas (half- or full-width), 、 or spaces between them, full-width digits
    and a trailing % allowed; empty text gives ``[]``.

    Examples
    --------
    >>> parse_numbers("6, 12", "还本月份")
    [6.0, 12.0]
    >>> parse_numbers("２０，８０", "还本比例")
    [20.0, 80.0]
    >>> parse_numbers("20%、 80%", "还本比例")
    [20.0, 80.0]
    >>> parse_numbers("六月", "还本月份")
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 还本月份：请用逗号分隔的数字填写，例如 6, 12（收到“六月”）
    """
    normal = unicodedata.normalize("NFKC", str(text))
    parts = [p.strip().rstrip("%").strip() for p in re.split(r"[,、;；\s]+", normal) if p.strip()]
    try:
        return [float(p) for p in parts]
    except ValueError:
        example = "20, 80" if "比例" in field else "6, 12"
        raise InputError(f"请用逗号分隔的数字填写，例如 {example}（收到“{text}”）", field=field) from None


def parse_shares(text: str, count: int, field: str = "还本比例") -> list[float] | None:
    """Shares of a whole typed as percentages ("20, 80", "20%, 80%", "２０，８０") or fractions ("0.2, 0.8");
    returns fractions, or ``None`` for empty text (equal shares). They must add up to 100%.

    Examples
    --------
    >>> parse_shares("20, 80", 2)
    [0.2, 0.8]
    >>> parse_shares("20%, 80%", 2) == parse_shares("0.2，0.8", 2) == parse_shares("２０，８０", 2)
    True
    >>> parse_shares("", 2) is None
    True
    >>> parse_shares("30, 30", 2)
    Traceback (most recent call last):
    ...
    microloan_sim.errors.InputError: 还本比例：之和应为 100%（当前为 60%）
    """
    numbers = parse_numbers(text, field)
    if not numbers:
        return None
    if len(numbers) != count:
        raise InputError(f"填了 {len(numbers)} 个比例，应与还本月份个数（{count} 个）相同", field=field)
    total = sum(numbers)
    percents = "%" in unicodedata.normalize("NFKC", str(text)) or total > 1 + 1e-9
    fractions = [n / 100 for n in numbers] if percents else numbers
    if abs(sum(fractions) - 1) > 1e-6:
        raise InputError(f"之和应为 100%（当前为 {sum(fractions) * 100:g}%）", field=field)
    return fractions
