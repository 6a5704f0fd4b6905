"""What a real manuscript puts in the files: wide tables that fit, books EPUBCheck accepts.

One small project is built once (PDF, EPUB and web page): a twelve-column
table, links to local files, the same raw HTML id twice, a PNG saved under a
.jpg name and an equation tag.  The outputs are opened as a reader's software
opens them: pdfium for where characters are drawn, EPUBCheck and lxml for the
book, lxml for the web page.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import EPOCH, build_in, epub_documents, epub_opf, epubcheck
from lxml import html as lxml_html
from page_geometry import outside

from pipeline.build import BuildOptions, build

XHTML = "{http://www.w3.org/1999/xhtml}"
FRONT = """---
title: "{title}"
version: 1.0.0
status: draft
last_updated: 2025-09-01
{extra}---

"""
COLUMNS = 12
WIDE = ("| " + " | ".join(f"Dose{i}" for i in range(COLUMNS)) + " |\n"
        + "|" + "---|" * COLUMNS + "\n"
        + "| " + " | ".join(f"amount{i}_micrograms_per_kilogram" for i in range(COLUMNS))
        + " |\n")
BOOK = FRONT.format(title="Files that stand alone", extra="") + f"""# Links

Read [the flow chart](/files/chart.pdf) and [the knee handout](other.html), or
[the doses](#doses) and [the society](https://example.org/guide).

<hr id="rule">

Between the rules.

<hr id="rule">

![A red square](photo.jpg)

# Doses {{#doses}}

{WIDE}
The dose follows

$$D = \\frac{{w}}{{10}} + c \\tag{{2}}$$

and is given once.
"""
ONLINE = FRONT.format(title="Online", extra="canonical_url: https://handouts.example.org/sepsis/\n") \
    + "See [the flow chart](/files/chart.pdf) and [the knee handout](knee.html).\n\n" \
    + "My [notes](file:///home/ana/notes.docx), [the draft](C:\\\\Users\\\\ana\\\\draft.docx)" \
    + " and [the scan](/Users/ana/Desktop/scan.pdf).\n"
COMPUTER_FILES = ("file:///home/ana/notes.docx", "C:\\Users\\ana\\draft.docx",
                  "/Users/ana/Desktop/scan.pdf")
# every line of BOOK counted from the file's first line
LINE_OF_LINKS = 10


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, list[str]]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("standalone")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "book.md").write_text(BOOK, encoding="utf-8")
    (docs / "online.md").write_text(ONLINE, encoding="utf-8")
    Image.new("RGB", (40, 30), (200, 30, 30)).save(docs / "photo.jpg", format="PNG")
    return build_in(folder, ["docs"])


def test_local_links_are_plain_text_with_a_warning_at_their_line(project):
    _out, problems = project
    assert problems == [
        (f"docs/book.md:{LINE_OF_LINKS}: warning: link '/files/chart.pdf' points to a file that "
        "is not part of the PDF or EPUB: there it is plain text (set canonical_url to link to "
        "the online version)"),
        (f"docs/book.md:{LINE_OF_LINKS}: warning: link 'other.html' points to a file that is not "
        "part of the PDF or EPUB: there it is plain text (set canonical_url to link to the "
        "online version)"),
        *(f"docs/online.md:11: warning: link '{target}' points to a file on the computer it "
          "was written on, which no reader can open: it is plain text in every format (put the "
          "file beside the manuscript and link to it by its relative path, or link to its web "
          "address)" for target in COMPUTER_FILES),
    ]


def test_links_to_files_on_the_authors_computer_are_in_no_format(project):
    from pypdf import PdfReader

    out, _ = project
    page = lxml_html.parse(str(out / "online.clinician.html")).getroot()
    links = [a.get("href") for a in page.iter("a")]
    links += [a.get("href") for root in epub_documents(out / "online.clinician.epub").values()
              for a in root.iter(f"{XHTML}a")]
    links += [annot.get_object()["/A"].get("/URI") for pdf_page in
              PdfReader(out / "online.clinician.pdf").pages
              for annot in pdf_page.get("/Annots") or [] if "/A" in annot.get_object()]
    assert "https://handouts.example.org/files/chart.pdf" in links
    assert not [link for link in links if link and ("ana" in link or "file:" in link)]
    assert "My notes, the draft and the scan." in " ".join(page.text_content().split())


def test_every_epub_passes_epubcheck(project):
    out, _ = project
    books = sorted(out.glob("*.epub"))
    assert [b.name for b in books] == ["book.clinician.epub", "online.clinician.epub"]
    assert epubcheck(books) == {book: [] for book in books}


def test_epub_links_only_what_the_book_holds_or_the_web(project):
    out, _ = project
    hrefs = {name: [a.get("href") for a in root.iter(f"{XHTML}a")]
             for name, root in epub_documents(out / "book.clinician.epub").items()
             if not name.endswith("nav.xhtml")}
    body = next(links for links in hrefs.values() if "https://example.org/guide" in links)
    assert [h for h in body if not h.startswith("#ref")] == [
        "ch003.xhtml#doses", "https://example.org/guide"]
    text = " ".join(" ".join(r.itertext()) for r in
                    epub_documents(out / "book.clinician.epub").values())
    assert "the flow chart" in text and "the knee handout" in text
    online = [a.get("href") for root in epub_documents(out / "online.clinician.epub").values()
              for a in root.iter(f"{XHTML}a") if "example.org" in (a.get("href") or "")]
    assert online[:2] == ["https://handouts.example.org/files/chart.pdf",
                          "https://handouts.example.org/sepsis/knee.html"]


def test_pdf_links_never_point_into_the_build_machine(project):
    from pypdf import PdfReader

    out, _ = project
    uris = [annot.get_object()["/A"].get("/URI") for page in
            PdfReader(out / "book.clinician.pdf").pages
            for annot in page.get("/Annots") or [] if "/A" in annot.get_object()]
    assert [u for u in uris if u] == ["https://example.org/guide"]
    online = [annot.get_object()["/A"]["/URI"] for page in
              PdfReader(out / "online.clinician.pdf").pages
              for annot in page.get("/Annots") or [] if "/URI" in annot.get_object()["/A"]]
    assert online[:2] == ["https://handouts.example.org/files/chart.pdf",
                          "https://handouts.example.org/sepsis/knee.html"]


def test_raw_html_ids_are_unique_in_every_format(project):
    out, _ = project
    page = lxml_html.parse(str(out / "book.clinician.html")).getroot()
    ids = [e.get("id") for e in page.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))
    assert [hr.get("id") for hr in page.iter("hr")] == ["rule", "rule-1"]
    book_ids = [e.get("id") for root in epub_documents(out / "book.clinician.epub").values()
                for e in root.iter(f"{XHTML}hr")]
    assert book_ids == ["rule", "rule-1"]


def test_an_image_is_declared_by_its_bytes(project):
    out, _ = project
    opf = epub_opf(out / "book.clinician.epub")
    images = [(i.get("href"), i.get("media-type")) for i in opf.iter("{*}item")
              if i.get("media-type", "").startswith("image/")]
    assert images == [("media/file0.png", "image/png")]
    with zipfile.ZipFile(out / "book.clinician.epub") as z:
        assert z.read("EPUB/media/file0.png").startswith(b"\x89PNG")
    sources = [img.get("src") for root in epub_documents(out / "book.clinician.epub").values()
               for img in root.iter(f"{XHTML}img")]
    assert sources == ["../media/file0.png"]


def test_a_wide_table_fits_the_pdf_page(project):
    import pypdfium2 as pdfium

    out, _ = project
    pdf = out / "book.clinician.pdf"
    assert outside(pdf) == []
    document = pdfium.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    flat = "".join(text.split())
    for i in range(COLUMNS):  # every column's header and value is there to be read
        assert f"Dose{i}" in flat
        assert f"amount{i}_micrograms_per_kilogram" in flat


def test_the_equation_tag_is_at_the_right_of_its_formula(project):
    from page_geometry import paths, text_boxes

    out, _ = project
    pdf = out / "book.clinician.pdf"
    pages = __import__("pypdf").PdfReader(pdf).pages
    page = next(n for n, p in enumerate(pages, 1) if "(2)" in p.extract_text())
    left, bottom, _right, top = text_boxes(pdf, "(2)", page)[0]
    formula = [b for b in paths(pdf, page) if b[1] < top + 20 and b[3] > bottom - 20
               and b[2] < left]
    assert formula, "no formula drawn beside the tag"
    assert left > max(b[2] for b in formula) + 50  # well to the right of the formula
    tags = [span.text for root in epub_documents(out / "book.clinician.epub").values()
            for span in root.iter(f"{XHTML}span") if span.get("class") == "math-tag"]
    assert tags == ["(2)"]
    maths = [m for root in epub_documents(out / "book.clinician.epub").values()
             for m in root.iter("{http://www.w3.org/1998/Math/MathML}annotation")]
    # read without its tag (pandoc refuses "c \\tag{2}")
    assert [m.text for m in maths] == ["D = \\frac{w}{10} + c"]


def test_each_table_of_the_web_page_scrolls_in_a_labelled_region(project):
    out, _ = project
    page = lxml_html.parse(str(out / "book.clinician.html")).getroot()
    regions = page.cssselect("main div.table-scroll") or page.cssselect("div.table-scroll")
    wide = [r for r in regions if r.cssselect("table") and "Dose0" in r.text_content()]
    assert [(r.get("role"), r.get("tabindex"), r.get("aria-label")) for r in wide] == [
        ("region", "0", "Table 1")]


def test_the_web_page_links_only_the_formats_built(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "online.md").write_text(ONLINE, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    report = build([Path("docs")], BuildOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                                formats=("html", "epub")))
    assert report.ok
    page = lxml_html.parse(str(tmp_path / "out" / "online.clinician.html")).getroot()
    assert [(a.get("href"), a.text) for a in page.cssselect(".downloads a")] == [
        ("online.clinician.epub", "EPUB for e-readers")]
    assert sorted(p.name for p in (tmp_path / "out").glob("online.*")) == [
        "online.clinician.epub", "online.clinician.html"]


def test_a_table_that_cannot_fit_is_a_warning_at_its_line(tmp_path, monkeypatch):
    formula = "$" + " + ".join(f"a_{{{i}}}" for i in range(14)) + "$"
    body = FRONT.format(title="Too wide", extra="") + (
        "Text.\n\n| Sum | Other sum | Third sum |\n|---|---|---|\n"
        f"| {formula} | {formula} | {formula} |\n")
    (tmp_path / "n.md").write_text(body, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.chdir(tmp_path)
    report = build([Path("n.md")], BuildOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                                formats=("pdf",)))
    assert [str(p) for p in report.problems] == [
        ("n.md:10: warning: this table is too wide for the page even in small type: its right "
        "side is cut off in the PDF; give it fewer columns or split it")]
    assert (tmp_path / "out" / "n.clinician.pdf").is_file()


def test_zip_names_are_what_the_opf_declares(project):
    out, _ = project
    with zipfile.ZipFile(out / "book.clinician.epub") as z:
        names = set(z.namelist())
    opf = epub_opf(out / "book.clinician.epub")
    assert {"EPUB/" + i.get("href") for i in opf.iter("{*}item")} <= names
