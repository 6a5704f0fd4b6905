"""A formula's words in the PDF's text: found by search, copy and text extraction, never seen.

Formulas are drawn as glyph outlines; the words of each (``15 mg/kg``, ``CrCl ≥ 30``) are
written over the drawing as invisible text, in reading order, inside its ``/Formula``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from helpers import build_in

from pipeline import math

MANUSCRIPT = r"""---
title: Dosing by weight
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: dosing
audiences: [clinician]
---

# Working out the dose

Give $15\,\text{mg/kg}$ every 8 hours when $\text{CrCl} \geq 30$, and stop.

$$x^2 + \frac{a+b}{2} = \sqrt{y}$$

- A step with $a_1 + a_2$ inside a list.

| Drug | Dose |
|------|------|
| Gentamicin | $5\,\mu\text{g/mL}$ |
"""
SENTENCE = "Give 15 mg/kg every 8 hours when CrCl ≥ 30, and stop."


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formula-text")
    (folder / "dosing.md").write_text(MANUSCRIPT, encoding="utf-8")
    out, _ = build_in(folder, ["dosing.md"], formats=("pdf",))
    return out / "dosing.clinician.pdf"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdfium_reads_each_formula_in_its_place(pdf):
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    lines = [line.strip() for line in text.splitlines()]
    assert SENTENCE in lines
    assert "x² + (a + b)/2 = √y" in lines
    assert "• A step with a₁ + a₂ inside a list." in lines
    assert "Gentamicin 5 μg/mL" in lines


def test_pypdf_reads_the_formulas_in_reading_order(pdf):
    text = _flat(pypdf.PdfReader(pdf).pages[0].extract_text())
    assert SENTENCE in text
    assert "x² + (a + b)/2 = √y" in text
    assert text.index("stop.") < text.index("x² +") < text.index("A step with a₁ + a₂ inside")


def _without_formula_text(data: bytes) -> bytes:
    """The file with every invisible text object taken out of its page."""
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            content = page.Contents.read_bytes()
            stripped, count = re.subn(rb"q BT 3 Tr .*? ET Q", b"", content)
            assert count == 5  # the five formulas of the page
            page.Contents.write(stripped)
        written = io.BytesIO()
        document.save(written)
    return written.getvalue()


def test_the_text_is_invisible_and_sits_in_its_formula(pdf):
    data = pdf.read_bytes()

    def picture(source: bytes) -> bytes:
        page = pdfium.PdfDocument(source)[0]
        return page.render(scale=1.5).to_pil().tobytes()

    assert picture(data) == picture(_without_formula_text(data))
    with pikepdf.open(pdf) as document:
        page = document.pages[0]
        fonts = page.Resources.Font
        ours = [name for name in fonts if name.startswith("/FormulaText")]
        assert ours == ["/FormulaText0"]
        font = fonts[ours[0]]
        assert font.Subtype == "/Type3" and "/FontFile" not in str(font)
        widths = [int(w) for w in font.Widths]
        assert len(widths) == int(font.LastChar) - int(font.FirstChar) + 1
        assert set(widths) == {500}
        cmap = font.ToUnicode.read_bytes().decode("ascii")
        mapped = re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>\n", cmap.split("endcodespacerange")[1])
        assert len(mapped) == len(widths)
        characters = {bytes.fromhex(u).decode("utf-16-be") for _, u in mapped}
        assert {"≥", "√", "μ", "²", "₁", " "} <= characters
        # each invisible text object is inside the marked content of a /Formula
        formulas = 0
        marked: list[int | None] = []
        parents = document.Root.StructTreeRoot.ParentTree.Nums[1]
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("BMC"):
                marked.append(None)
            elif operator == pikepdf.Operator("BDC"):
                properties = operands[1]
                marked.append(int(properties.MCID) if "/MCID" in properties else None)
            elif operator == pikepdf.Operator("EMC"):
                marked.pop()
            elif operator == pikepdf.Operator("Tf") and str(operands[0]) == "/FormulaText0":
                mcid = marked[-1]
                assert parents[mcid].S == "/Formula" and "/Alt" in parents[mcid]
                formulas += 1
        assert formulas == 5


@pytest.mark.parametrize(("tex", "words"), [
    (r"15\,\text{mg/kg}", "15 mg/kg"),
    (r"\text{CRB-65} \geq 3", "CRB-65 ≥ 3"),
    (r"\frac{a+b}{2}", "(a + b)/2"),
    (r"\sin x", "sin x"),
    (r"\sqrt[3]{8}", "∛8"),
    (r"\sqrt[n]{a}", "n√a"),
    (r"\sum_{i=1}^{n} x_i", "∑_(i = 1)ⁿ xᵢ"),
    (r"\lim_{x\to 0} f", "lim_(x → 0) f"),
    (r"\bar{x} \pm 2\sigma", "x̄ ± 2σ"),
    (r"\hat{\beta}", "β̂"),
    (r"\overline{AB}", "A̅B̅"),
    (r"\overbrace{a+b}^{n}", "(a + b)ⁿ"),
    (r"\mathbf{v}_t", "vₜ"),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", "(1, 2; 3, 4)"),
    (r"37\,^\circ\mathrm{C}", "37°C"),
    (r"e^{-kt}", "e^(−kt)"),
    (r"\sigma\sqrt{2\pi}", "σ√(2π)"),  # the whole radicand, not √2 times π
    (r"\frac{1}{n}\sum_{i} x_i", "1/n ∑ᵢ xᵢ"),
    (r"\frac{x}{2\sigma^2}", "x/(2σ²)"),
    (r"\lambda^k e^{-\lambda}", "λ^k e^(−λ)"),  # a script half raised is written out
    (r"C_0 e^{-k_{el} t}", "C₀ e^(−kₑₗ t)"),
    (r"\mathrm{H_2O} + \mathrm{Na}^{+}\mathrm{Cl}^{-}", "H₂O + Na⁺Cl⁻"),  # one word each
    (r"\mathrm{Ca}^{2+} + \mathrm{SO_4}^{2-}", "Ca²⁺ + SO₄²⁻"),
    (r"\begin{aligned} a &= b \\ c &= d + 1 \end{aligned}", "a = b; c = d + 1"),
    (r"\begin{cases} 1 & x > 0 \\ 0 & x \leq 0 \end{cases}", "{1, x > 0; 0, x ≤ 0"),
])
def test_a_formula_is_spelled_as_a_reader_would_type_it(tex, words):
    assert math.formula_words(tex) == words
