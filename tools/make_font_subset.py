"""Rebuild the bundled CJK font subset (maintainer tool, not run by tests).

The package ships ``microloan_sim/data/fonts/NotoSansSC-GB2312.otf``: Noto Sans CJK SC Regular cut down to
ASCII, common punctuation and the 7,445 GB2312 characters, so Chinese renders in matplotlib on a machine
with no CJK font. Licence: SIL Open Font License 1.1 (``OFL.txt`` beside the font).

Usage (Debian)::

    apt-get install fonts-noto-cjk
    pip install fonttools
    python tools/make_font_subset.py
"""
from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
TARGET = Path(__file__).resolve().parents[1] / "microloan_sim" / "data" / "fonts" / "NotoSansSC-GB2312.otf"
SIMPLIFIED_CHINESE_INDEX = 2  # JP, KR, SC, TC, HK order inside the collection


def gb2312_characters() -> str:
    """Every character of the GB2312 charset plus printable ASCII and CJK punctuation."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars.update("，。、；：？！“”‘’（）《》【】—…·￥％０１２３４５６７８９−≈≤≥×÷Δ±⚠✓✗")
    return "".join(sorted(chars))


def main() -> None:
    font = TTCollection(SOURCE).fonts[SIMPLIFIED_CHINESE_INDEX]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=gb2312_characters())
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
