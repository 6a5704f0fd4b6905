"""Fonts that travel: every glyph of a handout comes from the project's fonts.

The PDF embeds subsets of styles/fonts/ and nothing else, whatever fonts the
build machine has; the EPUB carries the same font files.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from helpers import EPOCH, ROOT, epub_opf
from pdf_content import PROJECT_FONT, base_name, shown_strings, to_unicode

from pipeline.build import BuildOptions, build
from pipeline.errors import display_path
from pipeline.formats.tagged_pdf import PROJECT_FAMILIES

FONTS = ROOT / "styles" / "fonts"
GREEK = "αβγδεΔΣΩμπ"
OTHERS = "±µ°ñÑ¿¡áéíóú—–…“”"
GLYPHS = f"""---
title: "Dosis ≥ 5 µg/kg ± 10 %: ¿α → β?"
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{{name: Revisora Núñez, role: Farmacéutica, date: 2025-05-30}}]
lang: es-ES
---

## Señales — ¿qué vigilar?

Texto: {GREEK} → ← ↑ ↓ ↔ ⇒ ≥ ≤ ≈ ≠ {OTHERS} × ÷ ‰ ½ CO₂ 10⁻³ ✓ ✗ • ‘x’ en–dash.

Кириллица: доза ≥ 5 мг; ⩾ ⩽ ™ ® 𝒩 𝔼 𝐱 𝑥 ℝ 𝟙 ↑↓→ ąčęłőřšžůÿ ŒœÆæØøßÞð.

**Negrita: {GREEK} → ⇒ ≥ ≤ {OTHERS}**

*Cursiva: {GREEK} → ⇒ ≥ ≤ {OTHERS}*

***Negrita cursiva: {GREEK} → ≥ {OTHERS}***

| Dosis ≥ | Intervalo — horas |
|---------|-------------------|
| 5 µg ± 1 | 6–8 h → 12 h |
"""


def _build(tmp: Path, text: str, formats: tuple[str, ...]):
    source = tmp / "glifos.md"
    source.write_text(text, encoding="utf-8")
    return build([source], BuildOptions(out=tmp / "out", use_cache=False, jobs=1,
                                        formats=formats)), tmp / "out"


@pytest.fixture(scope="module")
def glyphs(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("glyphs")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        report, out = _build(tmp, GLYPHS, ("pdf", "epub"))
    finally:
        mp.undo()
    assert report.ok, [str(p) for p in report.problems] + report.internal_errors
    return out


def pdf_fonts(path: Path) -> dict[str, pikepdf.Dictionary]:
    """Every composite font object in the file, by BaseFont (no font escapes this)."""
    fonts = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                assert obj.Subtype in ("/Type0", "/CIDFontType2"), (obj.Subtype, obj.BaseFont)
                if obj.Subtype == "/Type0":
                    fonts[base_name(obj)] = obj
                    descendant = obj.DescendantFonts[0]
                    assert base_name(descendant) == base_name(obj)
                    descriptor = descendant.FontDescriptor
                    assert "/FontFile2" in descriptor, f"{base_name(obj)} is not embedded"
                    fonts[base_name(obj) + "#program"] = TTFont(
                        io.BytesIO(descriptor.FontFile2.read_bytes()))
                    fonts[base_name(obj) + "#unicode"] = to_unicode(obj)
    return fonts


def _names(fonts: dict) -> list[str]:
    return sorted(name for name in fonts if "#" not in name)


def test_example_pdfs_embed_only_subsets_of_the_projects_fonts(built):
    pdfs = sorted(built.glob("*.pdf"))
    assert pdfs
    for path in pdfs:
        names = _names(pdf_fonts(path))
        assert names, path
        foreign = [n for n in names if not PROJECT_FONT.fullmatch(n)]
        assert foreign == [], f"{path.name} uses fonts that are not the project's: {foreign}"
        # the six-letter tag of a subset, and the project's styles in use
        assert {re.sub(r"^[A-Z]{6}\+", "", n) for n in names} >= {
            "Handout-Sans", "Handout-Sans-Bold"}, path.name


def test_every_glyph_of_a_multilingual_manuscript_comes_from_the_projects_fonts(glyphs):
    path = glyphs / "glifos.clinician.pdf"
    fonts = pdf_fonts(path)
    names = _names(fonts)
    assert [n for n in names if not PROJECT_FONT.fullmatch(n)] == []
    drawn: dict[str, str] = {}
    for shown in shown_strings(path):
        program = fonts[shown.font + "#program"]
        order = program.getGlyphOrder()
        for code, ch in zip(shown.codes, shown.pieces, strict=True):
            # Identity-H with an identity CID-to-GID map: the code is the glyph id
            assert code != 0, f".notdef drawn for {ch!r} in {shown.font}"
            assert code < len(order), f"{ch!r}: glyph {code} missing from {shown.font}"
            assert code in fonts[shown.font + "#unicode"], f"glyph {code} has no text"
            if ch.strip():
                glyph = program["glyf"][order[code]]
                assert glyph.numberOfContours != 0, f"{ch!r} drawn empty by {shown.font}"
        key = re.sub(r"^[A-Z]{6}\+", "", shown.font)
        drawn[key] = drawn.get(key, "") + shown.text
    # each character comes from the style it is written in ...
    for style, prefix in (("Handout-Sans", "Texto"), ("Handout-Sans-Bold", "Negrita"),
                          ("Handout-Sans-Italic", "Cursiva"),
                          ("Handout-Sans-Bold-Italic", "Negrita cursiva")):
        for ch in GREEK + OTHERS + prefix:
            assert ch in drawn.get(style, ""), f"{ch!r} not drawn in {style}"
    # ... and what Noto Sans lacks comes from the project's math and symbol fonts
    math = "".join(text for name, text in drawn.items() if name.startswith("Handout-Math"))
    assert set("→←↑↓↔⇒≥≤≈≠⩾⩽𝒩𝔼𝐱𝑥𝟙") <= set(math)
    assert set("✓✗") <= set(drawn["Handout-Symbols"])
    assert set("₂⁻³") <= set(drawn["Handout-Sans"])
    every = "".join(drawn.values())
    for ch in "".join(GLYPHS.split("\n---\n", 1)[1].split()):
        if ch not in "|-*#":  # markup
            assert ch in every, f"{ch!r} of the manuscript is not drawn"


def test_a_character_the_projects_fonts_lack_stops_the_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    text = GLYPHS.replace("## Señales", "Kanji 漢 here.\n\n## Señales")
    report, out = _build(tmp_path, text, ("pdf",))
    assert not report.ok
    line = text.split("\n").index("Kanji 漢 here.") + 1
    expected = (f"{display_path(tmp_path / 'glifos.md')}:{line}: character '漢' (U+6F22) at "
                f"column 7 is in "
                "none of the project's fonts: add a font that has it (a file in styles/fonts/, "
                "declared in styles/css/fonts.css), or write it another way")
    assert [str(p) for p in report.problems if p.code == "font"] == [expected]
    assert not list(out.glob("*.pdf"))


def test_an_emoji_presentation_selector_is_dropped_and_its_symbol_drawn(tmp_path, monkeypatch):
    from helpers import epub_text, pdf_pages

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # as phones write them: the symbol, then U+FE0F (show it as an emoji)
    body = ("\u26a0\ufe0f Do not drive. \u2714\ufe0f Done. `\u2764\ufe0f` in code.\n\n"
            # GitHub's and HackMD's shortcodes, read by pandoc's emoji extension: drawn when a
            # font has them, else as written with a warning; a dilution stays a dilution
            ":warning: Hot. :heavy_check_mark: Checked. :smile: Fine. Dilute 1:100:1000.\n")
    text = GLYPHS.split("\n---\n")[0] + "\n---\n\n" + body
    report, out = _build(tmp_path, text, ("pdf", "epub"))
    path = display_path(tmp_path / "glifos.md")
    assert report.ok and [str(p) for p in report.problems if p.code == "font"] == [
        (f"{path}:{text.count(chr(10))}: warning: emoji ':smile:' (\U0001f604, U+1F604) is in "
         "none of the project's fonts: it is shown as written; add a font that has it (a file "
         "in styles/fonts/, declared in styles/css/fonts.css), or write it another way")]
    expected = ("\u26a0 Do not drive. \u2714 Done. \u2764 in code. \u26a0 Hot. \u2714 "
                "Checked. :smile: Fine. Dilute 1:100:1000.")
    pdf, = out.glob("*.pdf")
    assert expected in " ".join(" ".join(pdf_pages(pdf)).split())
    epub, = out.glob("*.epub")
    assert expected in " ".join(epub_text(epub).split())
    assert "\ufe0f" not in epub_text(epub)


def test_the_epub_embeds_the_projects_fonts_and_uses_them_everywhere(built, glyphs):
    shipped = {p.name: p.read_bytes() for p in FONTS.glob("*.ttf")}
    for path in [*sorted(built.glob("*.epub")), glyphs / "glifos.clinician.epub"]:
        with zipfile.ZipFile(path) as z:
            embedded = {Path(n).name: z.read(n) for n in z.namelist() if n.endswith(".ttf")}
            css = "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
        assert embedded == shipped, path.name
        manifest = {Path(i.get("href")).name: i.get("media-type")
                    for i in epub_opf(path).iter("{http://www.idpf.org/2007/opf}item")}
        assert all(manifest.get(name) == "font/ttf" for name in shipped), manifest
        faces = re.findall(r"@font-face\s*{[^}]*font-family:\s*\"([^\"]+)\"[^}]*url\(([^)]+)\)",
                           css)
        assert {family for family, _ in faces} == set(PROJECT_FAMILIES)
        assert {Path(url).name for _, url in faces} == set(shipped)
        body = re.search(r"\bbody\s*{[^}]*font-family:\s*([^;]+);", css).group(1)
        assert body.split(",")[0].strip() == '"Handout Sans"'


def test_the_print_stylesheets_name_only_the_projects_font_files():
    css = (ROOT / "styles" / "css" / "fonts.css").read_text()
    faces = re.findall(r"font-family:\s*\"([^\"]+)\";\s*src:\s*url\(([^)]+)\)", css)
    assert {family for family, _ in faces} == set(PROJECT_FAMILIES)
    assert sorted((ROOT / "styles" / "css" / url).resolve().name for _, url in faces) == sorted(
        p.name for p in FONTS.glob("*.ttf"))
    assert (FONTS / "OFL.txt").is_file()
    print_css = (ROOT / "styles" / "css" / "print.css").read_text()
    rules = re.findall(r"([^{}]+){[^}]*font-family:\s*([^;]+);", print_css)
    assert rules
    for selector, families in rules:
        first = families.split(",")[0].strip()
        code = {"code", "pre", "kbd", "samp"} & set(re.split(r"[\s,>:()]+", selector))
        assert first == ('"Handout Mono"' if code else '"Handout Sans"'), selector
        assert '"Handout Math"' in families and '"Handout Symbols"' in families, selector


def test_a_run_of_missing_characters_is_one_problem_at_its_line_and_column(tmp_path,
                                                                          monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    text = GLYPHS.replace("## Señales", "Texto 漢字 テスト y 한.\n\nEn código `print(\"漢\")`.\n\n"
                          "## Señales")
    report, out = _build(tmp_path, text, ("pdf",))
    lines = text.split("\n")
    first = lines.index("Texto 漢字 テスト y 한.") + 1
    path = display_path(tmp_path / "glifos.md")
    assert [str(p) for p in report.problems if p.code == "font"] == [
        (f"{path}:{first}: characters '漢字 テスト' (U+6F22, U+5B57, U+30C6, U+30B9, U+30C8) "
         "at column 7 are in none of the project's fonts: add a font that has them (a file in "
         "styles/fonts/, declared in styles/css/fonts.css), or write them another way"),
        (f"{path}:{first}: character '한' (U+D55C) at column 16 is in none of the project's "
         "fonts: add a font that has it (a file in styles/fonts/, declared in "
         "styles/css/fonts.css), or write it another way"),
        (f"{path}:{first + 2}: character '漢' (U+6F22) at column 19 is in none of the "
         "project's fonts: add a font that has it (a file in styles/fonts/, declared in "
         "styles/css/fonts.css), or write it another way"),
    ]
    assert not list(out.glob("*.pdf"))
