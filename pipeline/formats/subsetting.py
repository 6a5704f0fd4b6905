"""Faster font subsetting for WeasyPrint's fontTools path, with the same bytes.

Without HarfBuzz's subsetter (``libharfbuzz-subset``), WeasyPrint subsets
every embedded font with fontTools and asks it to drop the GSUB, GPOS and
SVG tables.  fontTools first decompiles GSUB and GPOS in full (to check their
offsets) and only then drops them: for Noto Sans that is most of a PDF's
writing time, spent on tables that never reach the file.  Deleting those
tables before subsetting gives the same subset, byte for byte (checked by
``tests/test_subsetting.py``), in a fraction of the time.

The subset also keeps the font file's own modification time: fontTools
would stamp the time of the build (or ``SOURCE_DATE_EPOCH``) into it, so two
builds of the same handout would differ.  With HarfBuzz's subsetter
WeasyPrint never calls fontTools and none of this applies.
"""

from __future__ import annotations

import functools
import types
from typing import Any

LAYOUT_TABLES = ("GSUB", "GPOS", "SVG ")


@functools.cache
def install() -> bool:
    """Make WeasyPrint's fontTools subsetting skip tables it drops anyway (once per process)."""
    try:
        from fontTools import subset
        from weasyprint.pdf import fonts
    except ImportError:  # pragma: no cover - both are WeasyPrint's dependencies
        return False
    if getattr(fonts, "subset", None) is not subset:  # someone else's change: leave it
        return False

    class Subsetter(subset.Subsetter):
        def subset(self, font: Any) -> None:
            drop_tables(font, self.options)
            font.recalcTimestamp = False
            super().subset(font)

    fonts.subset = types.SimpleNamespace(Options=subset.Options, Subsetter=Subsetter)
    return True


def drop_tables(font: Any, options: Any) -> None:
    """Delete, undecoded, the layout tables ``options`` would drop after decoding them."""
    dropped = {tag.strip() for tag in options.drop_tables}
    if "GPOS" in dropped and "GPOS" in font and "kern" in font and not options.legacy_kern:
        del font["kern"]  # fontTools drops 'kern' when GPOS is there: keep that so
    for tag in LAYOUT_TABLES:
        if tag.strip() in dropped and tag in font:
            del font[tag]
