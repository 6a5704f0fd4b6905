"""A note style (Chicago's notes and bibliography) in a handout, as pandoc --citeproc prints it.

Each citation in the text is a footnote of its own, numbered with the
manuscript's footnotes; a citation inside a footnote stays there, in
parentheses; punctuation after a citation moves before its note mark. The
reference list is made of the works, never of one cite's page, and an edited
book lists its editors as the style says. Styles Zotero's repository renamed
(``vancouver``, ``chicago-note-bibliography``) still work, with a warning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_in, epub_documents, epubcheck, pdf_pages

from pipeline.build import BuildOptions, check

BIB = """@article{holliday1957,
  author = {Holliday, Malcolm A. and Segar, William E.},
  title = {The maintenance need for water in parenteral fluid therapy},
  journal = {Pediatrics}, year = {1957}, volume = {19}, number = {5}, pages = {823--832},
}
@book{harrison2013,
  editor = {Longo, Dan L. and Fauci, Anthony S.},
  title = {Harrison's Principles of Internal Medicine},
  publisher = {McGraw-Hill}, address = {New York}, edition = {18}, year = {2013},
}
"""
FRONT = """---
title: "Notes"
version: 1.0.0
status: draft
last_updated: 2025-09-01
bibliography: [notes.bib]
csl: {csl}
---

"""
BODY = """Fluids save lives [@holliday1957, p. 825]. Again [@holliday1957, p. 826], as the textbook
says [@harrison2013].[^own]

[^own]: My own note, which cites [@holliday1957].
"""
TITLE = "“The Maintenance Need for Water in Parenteral Fluid Therapy"
# What pandoc 3.9 --citeproc prints with the same style and entries.
NOTES = [
    f"1. Holliday and Segar, {TITLE},” 825.",
    f"2. Holliday and Segar, {TITLE},” 826.",
    "3. Longo and Fauci, Harrison’s Principles of Internal Medicine.",
    f"4. My own note, which cites (Holliday and Segar, {TITLE}”).",
]
REFERENCES = [
    (f"Holliday, Malcolm A., and William E. Segar. {TITLE}.” Pediatrics 19, no. 5 (1957): "
     "823–32."),
    ("Longo, Dan L., and Anthony S. Fauci, eds. Harrison’s Principles of Internal Medicine. "
     "18th ed. McGraw-Hill, 2013."),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("notes")
    (folder / "notes.bib").write_text(BIB, encoding="utf-8")
    (folder / "notes.md").write_text(FRONT.format(csl="chicago-shortened-notes-bibliography")
                                     + BODY,
                                     encoding="utf-8")
    return build_in(folder, ["notes.md"])


def _text(out: Path) -> str:
    """The PDF's text, with the words hyphenation broke at a line's end joined again."""
    return " ".join(" ".join(pdf_pages(out / "notes.clinician.pdf")).split()).replace("\u2010 ", "")


def test_the_style_gives_no_warning(built):
    _out, problems = built
    assert problems == []


def test_citations_are_footnotes_after_the_punctuation_in_the_pdf(built):
    out, _ = built
    text = _text(out)
    assert "Fluids save lives.1 Again,2 as the textbook says.34" in text
    assert " ".join(NOTES) in text


def test_the_reference_list_names_works_not_the_page_a_cite_pointed_to(built):
    out, _ = built
    text = _text(out)
    assert f"Research {REFERENCES[0]} Book {REFERENCES[1]}" in text
    assert "(1957): 825" not in text


def test_the_epub_has_the_citations_as_footnotes_and_passes_epubcheck(built):
    out, _ = built
    book = out / "notes.clinician.epub"
    assert epubcheck([book])[book] == []
    xhtml = "{http://www.w3.org/1999/xhtml}"
    epub = "{http://www.idpf.org/2007/ops}"
    docs = epub_documents(book).values()
    refs = [a for root in docs for a in root.iter(f"{xhtml}a")
            if a.get(f"{epub}type") == "noteref"]
    assert ["".join(a.itertext()) for a in refs] == ["1", "2", "3", "4"]
    notes = [" ".join("".join(n.itertext()).split()) for root in docs
             for n in root.iter(f"{xhtml}aside")]
    assert [n.removesuffix(" ↩︎").strip() for n in notes] == [n[3:] for n in NOTES]


@pytest.mark.parametrize(("csl", "expected"), [
    ("vancouver", [("m.md:7: warning: CSL style 'vancouver' is now called "
                   "'nlm-citation-sequence', which is used: write 'csl: nlm-citation-sequence'")]),
    ("https://www.zotero.org/styles/vancouver",
     [("m.md:7: warning: CSL style 'vancouver' is now called 'nlm-citation-sequence', which is "
      "used: write 'csl: nlm-citation-sequence'")]),
    ("nlm-citation-sequence", []),
    ("chicago-note-bibliography",
     [("m.md:7: warning: CSL style 'chicago-note-bibliography' is now called "
       "'chicago-shortened-notes-bibliography', which is used: write "
       "'csl: chicago-shortened-notes-bibliography'")]),
    ("vancouverr", [("m.md:7: unknown CSL style 'vancouverr' (did you mean "
                    "'nlm-citation-sequence', 'universite-de-montreal-nlm-fr-ca', 'sage-vancouver'?)")]),
])
def test_former_style_names_mean_the_renamed_style(tmp_path, monkeypatch, csl, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "m.md").write_text(FRONT.format(csl=csl) + "Fluids [@holliday1957].\n",
                                   encoding="utf-8")
    assert [str(p) for p in check([tmp_path / "m.md"], BuildOptions()).problems] == expected
