"""A formula in a heading: the contents of the EPUB and the PDF's bookmarks read it as words."""

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
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formula-headings")
    (folder / "cap.md").write_text(MANUSCRIPT, encoding="utf-8")
    out, _ = build_in(folder, ["cap.md"], formats=("pdf", "epub"))
    return out


def _member(book: Path, suffix: str) -> etree._Element:
    with zipfile.ZipFile(book) as archive:
        name = next(n for n in archive.namelist() if n.endswith(suffix))
        return etree.parse(io.BytesIO(archive.read(name))).getroot()


def test_the_epub_contents_name_a_headings_formula_by_its_characters(built):
    book = built / "cap.clinician.epub"
    assert epubcheck([book])[book] == []  # no MathML in the undeclared navigation document
    nav = _member(book, "nav.xhtml")
    toc = nav.find(".//{*}nav[@id='toc']")
    assert toc.find(".//{http://www.w3.org/1998/Math/MathML}math") is None
    entries = ["".join(a.itertext()) for a in toc.iter("{http://www.w3.org/1999/xhtml}a")]
    assert "Severity with CRB-65 ≥ 3" in entries and "Dosing when CrCl < 30" in entries
    ncx = _member(book, "toc.ncx")
    labels = [t.text for t in ncx.iter("{http://www.daisy.org/z3986/2005/ncx/}text")]
    assert "Severity with CRB-65 ≥ 3" in labels and "Dosing when CrCl < 30" in labels
    assert not any("\\" in label for label in labels)


def test_the_pdf_bookmarks_name_a_headings_formula_by_its_characters(built):
    reader = pypdf.PdfReader(built / "cap.clinician.pdf")

    def titles(outline: list) -> list[str]:
        return [t for item in outline
                for t in (titles(item) if isinstance(item, list) else [item.title])]

    found = titles(reader.outline)
    assert "Severity with CRB-65 ≥ 3" in found
    assert "Dosing when CrCl < 30" in found  # the note's call left out, the formula kept
