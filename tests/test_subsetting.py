"""Font subsetting without decoding the tables WeasyPrint drops: the same bytes, faster."""

from __future__ import annotations

import io
import random
import time

import pikepdf
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


def render_pdf(monkeypatch, harfbuzz: bool) -> bytes:
    """A handout's PDF rendered in this process, its fonts subset by HarfBuzz or fontTools."""
    from weasyprint.pdf import fonts

    from pipeline.build import STYLES, inputs_of
    from pipeline.jobs import RenderJob, run_job
    from pipeline.manuscript import load_manuscript
    from pipeline.model import RenderOptions
    from pipeline.stamp import GitHistory, make_stamp

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    if not harfbuzz:
        monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    m, _ = load_manuscript(ROOT / "manuscripts" / "regen-pain.md", ROOT / "bibliography")
    job = RenderJob(m, make_stamp(m, inputs_of(m, STYLES), GitHistory()), STYLES,
                    (("clinician", "pdf"),), RenderOptions())
    result = run_job(job)
    assert not [p for p in result.problems if p.is_error]
    return result.outputs[0][2]


def font_programs(pdf) -> dict[str, bytes]:
    """Each embedded font's program (FontFile2) by its subset's name."""
    found = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            found[str(obj["/FontName"])] = obj["/FontFile2"].read_bytes()
    return found


@pytest.mark.slow
def test_harfbuzz_and_fonttools_subsets_differ_only_in_the_font_programs(monkeypatch):
    """Why every machine must subset alike (the set-up installs HarfBuzz's subsetter):
    with fontTools instead, a PDF's pages, text and glyphs are the same, but the embedded
    font programs are other bytes, so the file is not byte-identical."""
    with_harfbuzz = render_pdf(monkeypatch, harfbuzz=True)
    with_fonttools = render_pdf(monkeypatch, harfbuzz=False)
    assert with_harfbuzz != with_fonttools
    a, b = pikepdf.open(io.BytesIO(with_harfbuzz)), pikepdf.open(io.BytesIO(with_fonttools))
    assert len(a.pages) == len(b.pages)
    for page_a, page_b in zip(a.pages, b.pages, strict=True):
        assert page_a.Contents.read_bytes() == page_b.Contents.read_bytes()  # same glyph ids
    programs_a, programs_b = font_programs(a), font_programs(b)
    assert sorted(programs_a) == sorted(programs_b)
    differing = [name for name in programs_a if programs_a[name] != programs_b[name]]
    assert differing, "the subsetters now agree: the set-up need not insist on HarfBuzz"
    for name in programs_a:  # every glyph kept (by id) has the same outline in both
        font_a = TTFont(io.BytesIO(programs_a[name]))
        font_b = TTFont(io.BytesIO(programs_b[name]))
        glyf_a, glyf_b = font_a["glyf"], font_b["glyf"]
        order_a, order_b = font_a.getGlyphOrder(), font_b.getGlyphOrder()
        drawn = 0
        for gid in range(min(len(order_a), len(order_b))):
            a_glyph, b_glyph = glyf_a[order_a[gid]], glyf_b[order_b[gid]]
            if a_glyph.numberOfContours or b_glyph.numberOfContours:
                coords_a, ends_a, _ = a_glyph.getCoordinates(glyf_a)
                coords_b, ends_b, _ = b_glyph.getCoordinates(glyf_b)
                assert (list(coords_a), ends_a) == (list(coords_b), ends_b), (name, gid)
                drawn += 1
        assert drawn > 0, name
