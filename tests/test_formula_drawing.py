"""Formulas in the PDF: each glyph outline written once a file, drawn as WeasyPrint draws the SVG.

The print HTML names each drawing by a short address while a PDF is laid
out (pipeline/math.py), and pipeline/formats/formula_images.py draws it from
glyph forms instead of WeasyPrint's SVG reader.  These tests draw the same
formulas both ways and compare what a reader sees.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers import ROOT
from PIL import Image, ImageChops

from pipeline import math
from pipeline.formats import formula_images, formula_svg

FONT = str(ROOT / "styles" / math.MATH_FONT)
SVG = "{http://www.w3.org/2000/svg}"
FORMULAS = [
    (False, r"\mathrm{BSA} = \sqrt{\frac{h \times w}{3600}}"),
    (False, r"\left(\frac{a}{b}\right)^2 + \left\{ x \mid x > 0 \right\}"),
    (False, r"\mathrm{eGFR} = 142 \times \min(S_{\mathrm{Cr}}/\kappa, 1)^{\alpha}"),
    (True, r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i"),
    (True, r"\begin{pmatrix}1&2\\3&4\end{pmatrix} \overbrace{a+b}^{n} \sqrt[3]{\frac{1}{2}}"),
    (True, r"f(x) = \frac{1}{\sigma\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}"),
]
STROKED = (False, r"\cancel{x} + \boxed{y}")  # lines and frames: WeasyPrint's SVG reader
# TeX's \color is lost in pandoc's MathML; MathML written as raw HTML keeps its colours
COLOURED = ('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi mathcolor="red">x</mi>'
            '<mo>+</mo><msup mathcolor="#0000ff"><mi>y</mi><mn>2</mn></msup></math>')


def _formulas(items: list[tuple[bool, str]]) -> list[math.Formula]:
    return [*math.read_formulas(items).values(), math.Formula("x + y^2", False, COLOURED)]


def _html(items: list[tuple[bool, str]]) -> str:
    return "".join(f"<p>Dose {math.image_html(f, math.draw(f.mathml, FONT))} a day.</p>"
                   for f in _formulas(items))


def _pdf(items: list[tuple[bool, str]], by_address: bool) -> bytes:
    import weasyprint

    if not by_address:  # data: URLs, read by WeasyPrint's SVG reader
        return weasyprint.HTML(string=_html(items)).write_pdf()
    formula_images.install()
    with math.drawings_by_address():
        document = weasyprint.HTML(string=_html(items)).render()
    return document.write_pdf()


def _picture(pdf: bytes) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=150 / 72).to_pil().convert("L")
    finally:
        document.close()


@pytest.fixture(scope="module")
def drawn() -> dict[bool, bytes]:
    """The formulas as a PDF page, drawn from glyph forms (True) and by the SVG reader."""
    return {by_address: _pdf(FORMULAS + [STROKED], by_address) for by_address in (True, False)}


def test_formulas_from_glyph_forms_look_as_the_svg_reader_draws_them(drawn):
    fast, reference = _picture(drawn[True]), _picture(drawn[False])
    assert fast.size == reference.size
    histogram = ImageChops.difference(fast, reference).histogram()
    pixels = fast.size[0] * fast.size[1]
    inked = sum(ImageChops.invert(reference).point(lambda v: 255 if v > 64 else 0).histogram()[255:])
    assert inked > 10_000  # eight lines of formulas
    assert sum(histogram[64:]) / inked < 0.002  # anti-aliasing at most
    assert sum(level * count for level, count in enumerate(histogram)) / pixels < 0.1


def _placed(pdf: bytes) -> tuple[dict[str, pikepdf.Object], Counter[str], list[str]]:
    """The page's form XObjects, how often each is drawn, and the page's other operators."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        forms = {str(name): page.Resources.XObject[name] for name in page.Resources.XObject
                 if page.Resources.XObject[name].get("/Subtype") == "/Form"}
        used: Counter[str] = Counter()
        others = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Do":
                used[str(operands[0])] += 1
            else:
                others.append(str(operator))
        return forms, used, others


def test_each_glyph_outline_is_written_once_a_file(drawn):
    forms, used, others = _placed(drawn[True])
    outlines, glyphs = set(), 0
    for formula in _formulas(FORMULAS):
        root = ET.fromstring(math.draw(formula.mathml, FONT).svg)
        inked = {}  # symbol id -> its outline: the d of each path in it
        for symbol in root.iter(f"{SVG}symbol"):
            paths = tuple(path.get("d") for path in symbol.iter(f"{SVG}path"))
            if paths:
                inked[symbol.get("id")] = paths
        outlines.update(inked.values())
        glyphs += sum(1 for use in root.iter(f"{SVG}use") if use.get("href")[1:] in inked)
    assert len(forms) == len(used) == len(outlines)
    assert sum(used.values()) == glyphs  # a space is placed but has nothing to draw
    assert max(used.values()) >= 5  # "1", "x", "(" ...: one outline, drawn many times
    # the glyphs' curves live in the forms, not in the page: only the stroked formula,
    # left to WeasyPrint's SVG reader, draws curves there
    _, _, reference = _placed(drawn[False])
    assert others.count("c") * 10 < reference.count("c")
    assert "S" in others  # the strike and the frame of the stroked formula


def test_a_formula_keeps_its_colours(drawn):
    document = pdfium.PdfDocument(drawn[True])
    try:
        picture = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    colours = Counter(picture.get_flattened_data())
    red = sum(n for (r, g, b), n in colours.items() if r > 200 and g < 60 and b < 60)
    blue = sum(n for (r, g, b), n in colours.items() if b > 200 and r < 60 and g < 60)
    assert red > 20 and blue > 20


def test_drawings_are_named_by_address_only_while_a_pdf_is_laid_out():
    formula = math.read_formulas([FORMULAS[0]])[FORMULAS[0]]
    drawing = math.draw(formula.mathml, FONT)
    assert 'src="data:image/svg+xml;base64,' in math.image_html(formula, drawing)
    with math.drawings_by_address() as book:
        html = math.image_html(formula, drawing)
        address = re.search(r'src="([^"]+)"', html).group(1)
        assert re.fullmatch(r"formula:[0-9a-f]{32}", address)
        assert list(book) == [address]
        # the same drawing, with the words the PDF writes over it
        assert math.addressed(address) == replace(drawing, words="BSA = √((h × w)/3600)")
    assert math.addressed(address) is None


def test_the_typesetters_writing_reads_as_the_tree_reader_reads_it():
    from test_math import STRETCHY, STYLED_MATHML, _source_formulas

    items = [(True, tex) for tex in _source_formulas() + STRETCHY] + FORMULAS
    drawings = [math.draw(f.mathml, FONT).svg for f in math.read_formulas(items).values()]
    drawings += [math.draw(mathml, FONT).svg for mathml in STYLED_MATHML]
    read = [(formula_svg._read_written(svg), svg) for svg in drawings]
    assert sum(1 for written, _ in read if written is not None) > len(drawings) * 0.8
    for written, svg in read:
        if written is not None:
            assert written == formula_svg._read_tree(svg)
    # anything else is left to the tree reader
    svg = drawings[0]
    assert formula_svg._read_written(svg.replace("<use ", '<use opacity="0.5" ', 1)) is None
    assert formula_svg.read_drawing(svg.replace("<use ", '<use opacity="0.5" ', 1)) is None
