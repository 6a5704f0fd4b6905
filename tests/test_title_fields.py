"""A subtitle, a summary and keywords from the front matter, as each format carries them."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_fixed, epub_documents, epub_opf, epubcheck, pdf_pages
from lxml import html as lxml_html
from pypdf import PdfReader

MANUSCRIPT = """---
title: Oral iron
subtitle: A short guide for clinic nurses
summary: When to give oral iron, how much, and what to tell the patient.
keywords: [iron deficiency, anaemia]
version: 1.0.0
status: draft
last_updated: 2025-01-01
---

## Dosing

Give one tablet a day.
"""

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("title-fields")
    (root / "iron.md").write_text(MANUSCRIPT, encoding="utf-8")
    return build_fixed([root / "iron.md"], root / "dist")


def test_the_pdf_shows_the_subtitle_under_the_title_and_describes_itself(dist):
    lines = pdf_pages(dist / "iron.clinician.pdf")[0].splitlines()
    assert lines[lines.index("Oral iron") + 1] == "A short guide for clinic nurses"
    info = PdfReader(dist / "iron.clinician.pdf").metadata
    assert info["/Subject"] == "When to give oral iron, how much, and what to tell the patient."
    assert info["/Keywords"].startswith("iron deficiency, anaemia, Clinician edition, draft")


def test_the_epub_names_main_title_and_subtitle_and_passes_epubcheck(dist):
    book = dist / "iron.clinician.epub"
    metadata = epub_opf(book).find(f"{OPF}metadata")
    titles = {t.get("id"): t.text for t in metadata.findall(f"{DC}title")}
    kinds = {m.get("refines"): m.text for m in metadata.findall(f"{OPF}meta")
             if m.get("property") == "title-type"}
    assert {kinds[f"#{key}"]: text for key, text in titles.items()} == {
        "main": "Oral iron", "subtitle": "A short guide for clinic nurses"}
    assert metadata.findtext(f"{DC}description") == (
        "When to give oral iron, how much, and what to tell the patient.")
    shown = [" ".join(" ".join(e.itertext()).split()) for root in epub_documents(book).values()
             for e in root.iter("{http://www.w3.org/1999/xhtml}div") if e.get("class") == "subtitle"]
    assert shown == ["A short guide for clinic nurses"]
    assert epubcheck([book]) == {book: []}


def test_the_web_page_shows_the_subtitle(dist):
    page = lxml_html.parse(str(dist / "iron.clinician.html")).getroot()
    assert [p.text for p in page.cssselect("header p.subtitle")] == [
        "A short guide for clinic nurses"]
    assert page.cssselect('meta[name="description"]')[0].get("content") == (
        "When to give oral iron, how much, and what to tell the patient.")
