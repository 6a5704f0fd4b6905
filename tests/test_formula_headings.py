"""A heading's formula, picture, link, note call and citation: the contents of the EPUB
(navigation document and toc.ncx) and the PDF's bookmarks read the heading as words."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdf
import pytest
from helpers import build_in, epubcheck
from lxml import etree

MANUSCRIPT = """---
title: "Community-acquired pneumonia"
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: cap
authors:
  - {name: Clinical Editorial Team, role: Writer}
lang: en-GB
audiences: [clinician]
---

## Severity with $\\text{CRB-65} \\geq 3$

Treat in critical care.

## Dosing when $\\mathrm{CrCl} < 30$[^1]

Halve the dose.

[^1]: Measured over a day.

## A sign ![warning sign](sign.png) before the dose

## See [the guideline](https://example.org/guideline) first

## The mean $\\frac{a + b}{2}$ and $x^2 + 1$ at $37\\,^\\circ\\mathrm{C}$
"""
HEADINGS = ["Severity with CRB-65 ≥ 3", "Dosing when CrCl < 30",
            "A sign warning sign before the dose", "See the guideline first",
            "The mean (a + b)/2 and x² + 1 at 37°C"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formula-headings")
    from PIL import Image

    (folder / "cap.md").write_text(MANUSCRIPT, encoding="utf-8")
    Image.new("RGB", (8, 8), (200, 30, 30)).save(folder / "sign.png")
    out, _ = build_in(folder, ["cap.md"], formats=("pdf", "epub"))
    return out


def _member(book: Path, suffix: str) -> etree._Element:
    with zipfile.ZipFile(book) as archive:
        name = next(n for n in archive.namelist() if n.endswith(suffix))
        return etree.parse(io.BytesIO(archive.read(name))).getroot()


def test_the_epub_contents_name_a_headings_formula_by_its_characters(built):
    book = built / "cap.clinician.epub"
    # no MathML in the undeclared navigation document, no picture it cannot reach
    assert epubcheck([book])[book] == []
    nav = _member(book, "nav.xhtml")
    toc = nav.find(".//{*}nav[@id='toc']")
    assert toc.find(".//{http://www.w3.org/1998/Math/MathML}math") is None
    assert toc.find(".//{http://www.w3.org/1999/xhtml}img") is None
    entries = ["".join(a.itertext()) for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]
    assert entries[1:6] == HEADINGS
    ncx = _member(book, "toc.ncx")
    labels = [t.text for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    assert labels[2:7] == HEADINGS  # no TeX, no note call


def test_the_pdf_bookmarks_name_a_headings_formula_by_its_characters(built):
    reader = pypdf.PdfReader(built / "cap.clinician.pdf")

    def titles(outline: list) -> list[str]:
        return [t for item in outline
                for t in (titles(item) if isinstance(item, list) else [item.title])]

    # the note's call and the printed address left out, the formula and the picture kept
    assert titles(reader.outline)[1:6] == HEADINGS
