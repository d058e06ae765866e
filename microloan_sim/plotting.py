"""Chart helpers. Chinese glyphs are set up here and nowhere else (architecture §5).

:func:`use_chinese_font` registers the bundled Noto Sans SC subset (or a system CJK font when one exists)
and puts it first in ``rcParams["font.family"]`` with DejaVu Sans as per-glyph fallback.

Examples
--------
>>> name = use_chinese_font()
>>> import matplotlib
>>> matplotlib.rcParams["font.family"][0] == name
True
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ._data import data_path

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

BUNDLED_FONT = data_path("fonts", "NotoSansSC-GB2312.otf")
#: System CJK families preferred over the bundled subset when installed (full glyph coverage).
SYSTEM_CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei")
PALETTE = ("#1f6fb2", "#e07b39", "#3a9d5d", "#c8423b", "#7b5ea7", "#8c8c8c")


@lru_cache(maxsize=2)
def use_chinese_font(prefer_system: bool = True) -> str:
    """Make matplotlib render Chinese; returns the family name in use.

    With ``prefer_system=False`` the bundled subset is used even where a system CJK font exists (tests use
    this to prove that a machine with no CJK font still renders Chinese). The set-up is done once per
    process (cached): a dashboard imports matplotlib only when it first draws a chart.
    """
    import matplotlib
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    name = next((family for family in SYSTEM_CJK_FAMILIES if family in installed), None) if prefer_system else None
    if name is None:
        font_manager.fontManager.addfont(str(BUNDLED_FONT))
        name = font_manager.FontProperties(fname=str(BUNDLED_FONT)).get_name()
    matplotlib.rcParams["font.family"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["figure.dpi"] = 96
    return name


def plain_text(text: object) -> str:
    r"""Text that matplotlib draws as typed: every ``$`` escaped, so that no mathtext is ever parsed.

    Use it for anything a person typed (learner ids, free text) that goes into a chart; ``usetex`` stays off.

    Examples
    --------
    >>> print(plain_text("$\\frac{a}{$"))
    \$\frac{a}{\$
    >>> plain_text("学员-01")
    '学员-01'
    """
    return str(text).replace("$", r"\$")


def yuan_formatter(unit: str = "元") -> FuncFormatter:
    """Axis tick formatter: thousands separators in 元, or one decimal in 万元.

    Examples
    --------
    >>> yuan_formatter()(1234567, 0)
    '1,234,567'
    >>> yuan_formatter("万元")(1234567, 0)
    '123.5'
    """
    from matplotlib.ticker import FuncFormatter

    if unit == "万元":
        return FuncFormatter(lambda value, _pos: f"{value / 10_000:,.1f}")
    return FuncFormatter(lambda value, _pos: f"{value:,.0f}")


def new_figure(title: str, ylabel: str, xlabel: str = "", size: tuple[float, float] = (8.0, 3.6)) -> tuple[Figure, Axes]:
    """A figure with a Chinese title and axis labels, money ticks with separators.

    The figure is made without pyplot: the dashboards turn it into a PNG themselves, so neither pyplot nor
    the notebook's inline backend is loaded, and nothing has to be closed.
    """
    from matplotlib.figure import Figure

    use_chinese_font()
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def bar_line_chart(months: Sequence[str], bars: dict[str, Iterable[float]], line: tuple[str, Iterable[float]] | None,
                   title: str, unit: str = "元") -> Figure:
    """Grouped monthly bars with an optional line on the same axis (e.g. inflow/outflow and closing cash)."""
    fig, ax = new_figure(title, f"金额（{unit}）", "月份")
    count = max(len(bars), 1)
    width = 0.8 / count
    positions = range(len(months))
    for i, (name, values) in enumerate(bars.items()):
        ax.bar([p + (i - (count - 1) / 2) * width for p in positions], list(values), width=width, label=name,
               color=PALETTE[i % len(PALETTE)])
    if line is not None:
        ax.plot(list(positions), list(line[1]), color="#222222", marker="o", linewidth=1.5, label=line[0])
    ax.set_xticks(list(positions), [m[-5:] for m in months], rotation=0, fontsize=8)
    ax.yaxis.set_major_formatter(yuan_formatter(unit))
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.legend(fontsize=8, ncols=min(count + 1, 4), loc="upper left", frameon=False)
    return fig


def paired_bars(labels: Sequence[str], left: tuple[str, Iterable[float], str], right: tuple[str, Iterable[float], str],
                title: str, ylabel: str = "额度（元）", xlabel: str = "案例") -> Figure:
    """Two bars per label, each series given as (legend, values, colour), amounts in 元 (e.g. the traditional
    rule's and IPC's amount per case)."""
    fig, ax = new_figure(title, ylabel, xlabel, size=(8.0, 3.4))
    x = list(range(len(labels)))
    for offset, (name, values, color) in ((-0.2, left), (0.2, right)):
        ax.bar([p + offset for p in x], list(values), width=0.4, color=color, label=name)
    ax.set_xticks(x, list(labels))
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig
