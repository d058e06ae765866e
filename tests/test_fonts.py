"""Chinese renders in charts out of the box: any "Glyph ... missing" warning fails the test."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("error")            # "Glyph 38144 missing from font(s) DejaVu Sans" -> failure
    import matplotlib
    matplotlib.use("Agg")
    from microloan_sim import plotting
    name = plotting.use_chinese_font(prefer_system={prefer_system})
    fig = plotting.bar_line_chart(["2025-01", "2025-02"], {{"销售收入": [1, 2], "净利润": [0.5, 1]}},
                                  ("月可支配资金", [0.2, 0.4]), "月度收入、净利润与月可支配资金（权责发生制）")
    fig.savefig(sys.argv[1])
    print(name)
""")


@pytest.mark.parametrize("prefer_system", [False, True], ids=["bundled-font", "system-or-bundled"])
def test_chinese_chart_has_no_missing_glyphs(tmp_path: Path, prefer_system: bool) -> None:
    out = tmp_path / "chart.png"
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(prefer_system=prefer_system), str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "missing" not in result.stderr.lower()
    assert out.stat().st_size > 5_000
    if not prefer_system:
        assert result.stdout.strip() == "Noto Sans CJK SC"


def test_bundled_font_and_licence_ship_with_the_package() -> None:
    from microloan_sim import plotting

    assert plotting.BUNDLED_FONT.stat().st_size > 1_000_000
    licence = (plotting.BUNDLED_FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in licence


def test_bundled_subset_covers_every_label() -> None:
    """Every Chinese character used in labels is in the bundled subset."""
    from fontTools.ttLib import TTFont

    from microloan_sim import labels, plotting

    cmap = TTFont(plotting.BUNDLED_FONT)["cmap"].getBestCmap()
    text = "".join(labels._ALL.values()) + labels.ILLUSTRATIVE
    missing = sorted({ch for ch in text if ord(ch) > 127 and ord(ch) not in cmap})
    assert not missing, missing
