"""TeX math: drawn in the PDF on the text's baseline, MathML with alt text in the EPUB.

The formula fixture (tests/fixtures/math/formulas.md) holds the formulas of
dosing and statistics handouts: square roots, fractions, sums, sub- and
superscripts, Greek, ``\\text{}``, ``\\mathcal``, cases and aligned display math.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT, build_fixed, epub_documents, epubcheck, pdf_pages
from page_geometry import outside, paths, text_boxes

from pipeline import math, texmath_dialects
from pipeline.build import BuildOptions, build
from pipeline.errors import display_path
from pipeline.pandoc import markdown_to_ast

FIXTURE = ROOT / "tests" / "fixtures" / "math" / "formulas.md"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
BSA = r"\sqrt{\frac{h \times w}{3600}}"
GEOMETRY = """---
title: "Where formulas sit"
version: 1.0.0
status: approved
last_updated: 2025-06-01
reviewers: [{name: Panel, role: Reviewer, date: 2025-05-30}]
---

Hx $x$ Hx and more text on the line.

Before the display.

$$E = mc^2$$

After the display.
"""


@pytest.fixture(scope="module")
def built(formulas_and_code: Path) -> Path:
    return formulas_and_code


@pytest.fixture(scope="module")
def geometry(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("math")
    (tmp / "geometry.md").write_text(GEOMETRY, encoding="utf-8")
    return build_fixed([tmp / "geometry.md"], tmp / "out", jobs=1, formats=("pdf",))


def _source_formulas() -> list[str]:
    body = FIXTURE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    return [math.alternative(tex)
            for _display, tex in math.math_nodes(markdown_to_ast(body)["blocks"])]


def test_the_pdf_shows_no_tex_source(built):
    text = "\n".join(pdf_pages(built / "formulas.clinician.pdf"))
    assert "BSA" in text and "m²" in text and "Cockcroft–Gault" in text
    for source in ("\\", "$", "frac", "sqrt", "mathcal", "begin{"):
        assert source not in text, source
    assert outside(built / "formulas.clinician.pdf", margin=18 * 72 / 25.4) == []


def test_every_formula_is_a_formula_with_its_tex_as_alternative_text(built):
    with pikepdf.open(built / "formulas.clinician.pdf") as pdf:
        elements = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/StructElem"]
        alts = [str(obj.Alt) for obj in elements if obj.get("/S") == "/Formula"]
        assert all("/BBox" in obj.A for obj in elements if obj.get("/S") == "/Formula")
        assert not [obj for obj in elements if obj.get("/S") == "/Figure"]
    formulas = _source_formulas()
    assert len(formulas) == 21
    assert sorted(alts) == sorted(formulas)
    assert BSA in alts and r"\mathcal{N}(\mu, \sigma^2)" in alts


def test_inline_math_sits_on_the_baseline_at_the_text_size(geometry):
    pdf = geometry / "geometry.clinician.pdf"
    h_before, x_text = text_boxes(pdf, "Hx")
    h_after = text_boxes(pdf, "Hx and")[0]
    baseline = h_before[1]
    x_height = x_text[3] - x_text[1]
    between = [box for box in paths(pdf) if h_before[2] < box[0] and box[2] < h_after[0]
               and baseline - 5 < box[1] < baseline + 10]
    assert len(between) == 1, between
    _left, bottom, _right, top = between[0]
    assert abs(bottom - baseline) < 0.3, (bottom, baseline)
    assert 0.8 < (top - bottom) / x_height < 1.2, (top - bottom, x_height)


def test_display_math_is_centred_on_its_own_line(geometry):
    pdf = geometry / "geometry.clinician.pdf"
    before = text_boxes(pdf, "Before")[0]
    after = text_boxes(pdf, "After")[0]
    drawn = [box for box in paths(pdf) if after[3] < box[1] and box[3] < before[1]]
    assert drawn  # the glyphs of E = mc², one path per colour
    left = min(box[0] for box in drawn)
    right = max(box[2] for box in drawn)
    page_width = 595.28
    assert abs((left + right) / 2 - page_width / 2) < 1.0, (left, right)


def test_the_epub_carries_mathml_with_the_tex_as_alttext(built):
    path = built / "formulas.clinician.epub"
    documents = epub_documents(path)
    maths = [m for root in documents.values() for m in root.iter(f"{MATHML}math")]
    assert sorted(m.get("alttext") for m in maths) == sorted(_source_formulas())
    displays = [m for m in maths if m.get("display") == "block"]
    assert len(displays) == 4
    bsa = next(m for m in maths if m.get("alttext") == BSA)
    assert bsa.find(f".//{MATHML}msqrt/{MATHML}mfrac") is not None
    n = next(m for m in maths if m.get("alttext").startswith(r"\mathcal{N}"))
    assert "𝒩" in "".join(n.itertext())
    # no TeX outside the annotations: every formula became MathML
    for root in documents.values():
        for element in root.iter("{http://www.w3.org/1999/xhtml}span"):
            assert "math" not in (element.get("class") or "").split(), element.text
    assert epubcheck([path])[path] == []


BAD = """---
title: "Bad formulas"
version: 1.0.0
status: draft
last_updated: 2025-06-01
---

A fraction $\\frac{1}{$ is not closed.

An unknown command $\\dose{x}$ here.

$$a + b
+ \\frac{c}{\\unknown}$$

Math text $x + \\text{漢字}$ here.

A macro $\\def\\half{1/2} \\half$ here.

See $\\eqref{eq:x}$ here.
"""


def test_a_formula_that_cannot_be_read_is_an_error_at_its_line_and_column(tmp_path):
    source = tmp_path / "bad.md"
    source.write_text(BAD, encoding="utf-8")
    report = build([source], BuildOptions(out=tmp_path / "out", use_cache=False, jobs=1))
    path = display_path(source)
    assert [str(p) for p in report.problems] == [
        f"{path}:8: TeX math $\\frac{{1}}{{$ cannot be read: unexpected eof (column 22)",
        (f"{path}:10: TeX math $\\dose{{x}}$ cannot be read: unexpected control sequence "
        "\\dose (column 21)"),
        (f"{path}:13: TeX math $$a + b + \\frac{{c}}{{\\unknown}}$$ cannot be read: "
        "unexpected control sequence \\unknown (column 12)"),
        (f"{path}:15: characters '漢字' (U+6F22, U+5B57) at column 22 are in no formula font: "
         "write them outside the formula, as text"),
        (f"{path}:17: TeX math $\\def\\half{{1/2}} \\half$ cannot be read: unexpected control "
         "sequence \\def (column 10): define a macro with \\newcommand{\\name}{...}, in the "
         "formula or on a line of its own before the text"),
        (f"{path}:19: TeX math $\\eqref{{eq:x}}$ cannot be read: unexpected control sequence "
         "\\eqref (column 6): a formula is not numbered for a reference; write its number as "
         "text, (1), and \\tag{1} on the formula"),
    ]
    assert not list((tmp_path / "out").glob("*.pdf"))
    assert not list((tmp_path / "out").glob("*.epub"))


def test_chemistry_units_degrees_colour_and_mathjax_commands_are_read_as_plain_tex():
    ast = markdown_to_ast("$\\ce{CO2 + H2O <=> H2CO3}$, $\\ce{SO4^2-}$ at $37\\degree$, "
                          "$\\SI{5}{mg.kg^{-1}}$, "
                          "$\\textcolor{red}{x}$, $\\require{cancel}\\cancel{y}$\n\n"
                          "$$a = b \\label{eq:x}$$\n")
    items = math.math_nodes(ast["blocks"])
    formulas = math.read_formulas(items)
    assert all(formula.mathml for formula in formulas.values())
    assert [math.formula_words(tex) for _, tex in items] == [
        "CO₂ + H₂O ⇌ H₂CO₃", "SO₄²⁻", "37°", "5 mg kg⁻¹", "x", "y", "a = b"]
    unit = formulas[items[3]].mathml or ""
    assert '<mi mathvariant="normal">m</mi>' in unit and "<mi>" not in unit  # upright
    # mhchem: a count, then a charge; a charge after ^ may have a number
    assert texmath_dialects.plain_tex(r"\ce{HCO3- + Fe^3+}") == (
        r"{\mathrm{HCO_{3}}^{-} + \mathrm{Fe}^{3+}}")


def test_a_formula_used_twice_is_laid_out_once(monkeypatch):
    import ziamath

    calls = []
    real = ziamath.Math

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(ziamath, "Math", counting)
    math.draw.cache_clear()
    tex = r"\frac{a_1}{b^2}"
    blocks = [{"t": "Para", "c": [{"t": "Math", "c": [{"t": "InlineMath"}, tex]}]}] * 3
    drawn = math.draw_for_print(blocks, ROOT / "styles")
    assert len(calls) == 1
    html = [node["c"][0]["c"][1] for node in drawn]
    assert len(set(html)) == 1 and re.search(r'<img class="math" src="data:image/svg\+xml;'
                                             r'base64,[^"]+" alt="\\frac\{a_1\}\{b\^2\}"',
                                             html[0])


def test_the_web_page_carries_mathml_with_the_tex_as_alttext(built):
    from lxml import html as lxml_html

    page = lxml_html.parse(str(built / "formulas.clinician.html")).getroot()
    maths = page.xpath("//*[local-name()='math']")
    assert sorted(m.get("alttext") for m in maths) == sorted(_source_formulas())
    assert not page.xpath("//span[contains(concat(' ', @class, ' '), ' math ')]")


def test_the_faster_svg_coordinates_draw_the_same_pdf(monkeypatch):
    import base64

    import weasyprint
    from weasyprint.svg import SVG, TAGS

    from pipeline.formats import svg_numbers

    formula = math.read_formulas([(True, BSA)])[(True, BSA)]
    svg = math.draw(formula.mathml, str(ROOT / "styles" / math.MATH_FONT)).svg
    page = (f'<p>BSA <img alt="x" src="data:image/svg+xml;base64,'
            f'{base64.b64encode(svg.encode()).decode()}" style="width:4em"> m²</p>'
            '<svg width="20mm" height="10%"><rect x="1mm" y="" width="50%" height="2em"/></svg>')
    # paths WeasyPrint's own parser reads: implicit lines after M, a Z with no
    # path, relative and other commands, exponents
    page += ('<svg width="40" height="40"><path d="M 1 1 L 5 5 Q 1 2 3 4 Z L 3 3 Z M 10 10 '
             'L 12 12 14 14 Z"/><path d="M1 2 3 4 z"/><path d="M 5 5 Z Z L 1 1"/>'
             '<path d="M 1e1 1 L 2 2 h 3 v 2 c 1 1 2 2 3 3 Z"/>'
             '<path d="M 1 1 L 2"/><path d="M 1 1 C 2 2.5 3.25 4 5 5 L 6 6 C 7 7 8 8 9 9 10 10 '
             '11 11 12 12 Z C 1 1 2 2 3 3 Z"/><path d="M 1 1 C 2 2 3"/></svg>')
    # markers read the vertices of a path
    page += ('<svg width="40" height="40"><defs><marker id="dot" markerWidth="4" '
             'markerHeight="4" refX="2" refY="2"><rect width="4" height="4"/></marker></defs>'
             '<path d="M 2 2 L 20 2 Q 30 10 20 20 Z M 5 30 L 9 35" marker-start="url(#dot)" '
             'marker-mid="url(#dot)" marker-end="url(#dot)" fill="none" stroke="black"/>'
             '<g marker="url(#dot)"><path d="M 1 5 L 6 9 L 9 1 Z" fill="none" stroke="black"/>'
             '</g></svg>')
    svg_numbers.install()
    svg_numbers.install_paths()
    assert getattr(SVG.point, "plain_numbers_first", False)
    assert getattr(TAGS["path"], "plain_paths_first", False)
    fast = weasyprint.HTML(string=page).write_pdf()
    monkeypatch.setattr(SVG, "point", SVG.point.original)
    monkeypatch.setitem(TAGS, "path", TAGS["path"].original)
    assert weasyprint.HTML(string=page).write_pdf() == fast


STRETCHY = [r"\left(\frac{a}{b}\right)^2", r"\left[\sum_{k=0}^{n}\binom{n}{k}\right]",
            r"\left|x\right| + |y|", r"\sqrt[3]{\frac{1}{2}}",
            r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\Big( \frac{a}{b} \Big)",
            r"\left\langle \psi \middle| \phi \right\rangle", r"\{x \mid x>0\}",
            r"\overbrace{a+b}^{n} \underbrace{x+y}_{z} \hat{x}\vec{v}",
            # colours, style switches, variants and named spaces: what styles and sizes read
            r"{\color{red} x} + \color{blue}{y^2}", r"\displaystyle\sum_i x_i \textstyle\int f",
            r"\scriptstyle a \scriptscriptstyle b", r"a\,b\;c\:d\quad e\qquad f\!g",
            r"\mathbf{x}\boldsymbol{\alpha}\mathsf{A}\mathtt{B}\mathfrak{g}\mathbb{R}\mathit{h}"]


STYLED_MATHML = [
    ('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mstyle displaystyle="false" '
     'mathcolor="#336699" style="background: yellow; color: green"><mfrac><mi>a</mi>'
     '<mi mathsize="2em">b</mi></mfrac></mstyle><mstyle scriptlevel="1" mathbackground="#eee">'
     '<mi>c</mi><mspace width="thickmathspace"/><mi>d</mi></mstyle></math>'),
    ('<math xmlns="http://www.w3.org/1998/Math/MathML" displaystyle="true"><munderover><mo>∑</mo>'
     '<mi>i</mi><mi>n</mi></munderover><mpadded width="+2mm"><mi>x</mi></mpadded></math>')]


def test_the_faster_row_layout_style_reading_sizes_and_symbols_draw_the_same():
    import dataclasses

    from ziafont.glyph import SimpleGlyph
    from ziamath import styles, zmath
    from ziamath.nodes import mfrac, mnode
    from ziamath.nodes.mrow import Mrow

    from pipeline.ziamath_patches import ziamath

    ziamath()
    patched = Mrow._get_height_nostretch
    mstyle, symbols = zmath.apply_mstyle, SimpleGlyph.svgsymbol
    assert hasattr(mstyle, "original") and hasattr(symbols, "original")
    assert getattr(patched, "skips_unstretched", False)
    assert styles.asdict is not dataclasses.asdict
    shallow = styles.asdict
    readers = (styles, zmath, mnode, mfrac)
    plain_style, sizes = mnode.parse_style, mnode.Mnode.size_px
    assert all(reader.parse_style is plain_style for reader in readers)
    assert hasattr(plain_style, "original") and hasattr(sizes, "original")
    items = [(display, tex) for tex in _source_formulas() + STRETCHY for display in (False, True)]
    formulas = [f for f in math.read_formulas(items).values() if f.mathml]
    assert len(formulas) == len(items)
    font = str(ROOT / "styles" / math.MATH_FONT)

    mathml = [formula.mathml for formula in formulas] + STYLED_MATHML

    def drawn() -> list[str]:
        math.draw.cache_clear()
        return [math.draw(written, font).svg for written in mathml]

    fast = drawn()
    try:
        Mrow._get_height_nostretch = patched.original
        styles.asdict = dataclasses.asdict
        for reader in readers:
            reader.parse_style = plain_style.original
        mnode.Mnode.size_px = sizes.original
        zmath.apply_mstyle, SimpleGlyph.svgsymbol = mstyle.original, symbols.original
        assert drawn() == fast
    finally:
        Mrow._get_height_nostretch = patched
        styles.asdict = shallow
        for reader in readers:
            reader.parse_style = plain_style
        mnode.Mnode.size_px = sizes
        zmath.apply_mstyle, SimpleGlyph.svgsymbol = mstyle, symbols
        math.draw.cache_clear()


def test_an_epub_with_formulas_carries_the_math_font_and_one_without_does_not(built):
    import zipfile

    font = (ROOT / "styles" / math.MATH_FONT).read_bytes()
    with zipfile.ZipFile(built / "formulas.clinician.epub") as z:
        fonts = {Path(n).name: z.read(n) for n in z.namelist() if n.endswith(".ttf")}
        css = "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    assert fonts["STIXTwoMath-Regular.ttf"] == font
    assert re.search(r'@font-face \{ font-family: "Handout Formula"; '
                     r'src: url\(\.\./fonts/STIXTwoMath-Regular\.ttf\); \}', css)
    assert re.search(r'\bmath \{ font-family: "Handout Formula", math; \}', css)
    with zipfile.ZipFile(built / "code.clinician.epub") as z:
        assert not [n for n in z.namelist() if "STIXTwoMath" in n]
        assert "Handout Formula" not in "".join(
            z.read(n).decode() for n in z.namelist() if n.endswith(".css"))


def test_glyph_outlines_written_as_cubic_curves_draw_the_quadratic_ones(monkeypatch):
    import base64
    import io

    import weasyprint
    from weasyprint.svg import TAGS
    from ziafont.glyph import SimpleGlyph

    from pipeline.ziamath_patches import ziamath

    ziamath()
    cubic, remembered = SimpleGlyph.svgpath, SimpleGlyph.svgsymbol
    assert hasattr(cubic, "original") and hasattr(remembered, "original")
    # each formula writes its glyphs' outlines afresh, with the svgpath of the moment
    monkeypatch.setattr(SimpleGlyph, "svgsymbol", remembered.original)
    items = [(True, tex) for tex in _source_formulas() + STRETCHY]
    formulas = [f.mathml for f in math.read_formulas(items).values()]
    font = str(ROOT / "styles" / math.MATH_FONT)
    if hasattr(TAGS["path"], "original"):  # WeasyPrint's own reader for both
        monkeypatch.setitem(TAGS, "path", TAGS["path"].original)

    def page() -> list[tuple[str, list[float]]]:
        math.draw.cache_clear()
        svgs = [math.draw(mathml, font).svg for mathml in formulas]
        html = "".join(f'<p><img alt="f" src="data:image/svg+xml;base64,'
                       f'{base64.b64encode(svg.encode()).decode()}"></p>' for svg in svgs)
        with pikepdf.open(io.BytesIO(weasyprint.HTML(string=html).write_pdf())) as pdf:
            return [(str(op), [float(x) for x in operands])
                    for page in pdf.pages
                    for operands, op in pikepdf.parse_content_stream(page)
                    if str(op) in ("m", "l", "c", "h", "re", "f")]

    written = page()
    assert any(op == "c" for op, _ in written)
    try:
        SimpleGlyph.svgpath = cubic.original
        quadratic = page()
    finally:
        SimpleGlyph.svgpath = cubic
        math.draw.cache_clear()
    assert [op for op, _ in written] == [op for op, _ in quadratic]
    worst = max(abs(a - b) for (_, xs), (_, ys) in zip(written, quadratic, strict=True)
                for a, b in zip(xs, ys, strict=True))
    # at the symbols' 12-point size, where a font unit is 0.012, the cubic control
    # points fall on the thousandths the outline is written in: no rounding at all
    assert worst < 0.002, worst
