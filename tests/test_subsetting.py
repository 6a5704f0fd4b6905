"""Font subsetting without decoding the tables WeasyPrint drops: the same bytes, faster."""

from __future__ import annotations

import io
import random
import time

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from helpers import ROOT

from pipeline.formats.subsetting import drop_tables, install

FONTS = [ROOT / "styles" / "fonts" / name for name in (
    "NotoSans-Regular.ttf", "NotoSansMath-Regular.ttf", "NotoSansSymbols2-Regular.ttf")]


def weasyprint_options() -> subset.Options:
    """The options WeasyPrint 70 gives fontTools (weasyprint/pdf/fonts.py)."""
    options = subset.Options(retain_gids=True, passthrough_tables=True,
                             ignore_missing_glyphs=True, hinting=False, desubroutinize=True,
                             notdef_outline=False)
    options.drop_tables += ["GSUB", "GPOS", "SVG"]
    return options


def subset_bytes(data: bytes, gids: list[int], early_drop: bool) -> tuple[bytes, float]:
    options = weasyprint_options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=gids)
    font = TTFont(io.BytesIO(data))
    started = time.perf_counter()
    if early_drop:
        drop_tables(font, options)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), time.perf_counter() - started


@pytest.mark.parametrize("font", FONTS, ids=lambda p: p.name)
def test_dropping_early_gives_the_same_subset(font, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")  # fontTools stamps the time
    data = font.read_bytes()
    count = len(TTFont(io.BytesIO(data)).getGlyphOrder())
    gids = sorted(random.Random(font.name).sample(range(1, count), min(120, count - 1)))
    slow, _ = subset_bytes(data, gids, early_drop=False)
    fast, _ = subset_bytes(data, gids, early_drop=True)
    assert fast == slow


def test_weasyprint_uses_the_faster_subsetter_and_keeps_the_fonts_own_time(monkeypatch):
    from weasyprint.pdf import fonts

    install()
    assert fonts.subset.Options is subset.Options
    assert issubclass(fonts.subset.Subsetter, subset.Subsetter)
    data = FONTS[0].read_bytes()
    made = []
    for epoch in ("1000000000", "1760000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        subsetter = fonts.subset.Subsetter(weasyprint_options())
        subsetter.populate(gids=[1, 2, 3])
        font = TTFont(io.BytesIO(data))
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        made.append(out.getvalue())
    assert made[0] == made[1]
    assert TTFont(io.BytesIO(made[0]))["head"].modified == TTFont(io.BytesIO(data))["head"].modified


def test_the_set_up_gives_weasyprint_harfbuzz_subsetting():
    """bootstrap.py installs libharfbuzz-subset0: every set-up machine subsets fonts with
    HarfBuzz (and WeasyPrint's warning that it will be required never shows)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    assert harfbuzz_subset is not None
    assert harfbuzz.hb_version_atleast(4, 1, 0)
