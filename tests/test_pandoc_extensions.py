"""The extensions pandoc enables for ``markdown``, checked against pandoc's own HTML.

``tests/fixtures/extensions/extensions.md`` uses each of them once (small
caps, underline, strikeout, super- and subscripts, bracketed spans, smart
punctuation, inline notes, a citation in a footnote, link attributes, autolinks, heading attributes,
fenced divs, example lists, task lists, definition lists, grid tables with a
spanning cell, simple, multiline and pipe tables, figures with attributes, line
blocks, raw SVG and MathML, a page break under a paragraph).  Every block of
text ``pandoc -t html`` shows must be in the PDF and the EPUB, in order within
its block, and nothing pandoc reads as markup may be printed as such.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT, build_fixed, epub_documents, epub_text, epubcheck, pdf_pages
from lxml import etree
from lxml import html as lxml_html

from pipeline.pandoc import run_pandoc

FIXTURE = ROOT / "tests" / "fixtures" / "extensions" / "extensions.md"
SVG = "{http://www.w3.org/2000/svg}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
# pandoc drops "\Users" and the like as raw TeX; the handout keeps a path as written
WINDOWS_PATH = "C:\\Users\\clinic\\Documents on the desk"
BLOCKS = ("p", "h1", "h2", "h3", "li", "dt", "dd", "td", "th", "figcaption", "caption")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("extensions")
    shutil.copytree(FIXTURE.parent, work / "src")
    return build_fixed([work / "src" / "extensions.md"], work / "out")


def letters(text: str) -> str:
    """Letters and digits only, so line breaks, hyphenation and spacing do not matter."""
    return re.sub(r"[\W_]+", "", text.lower())


def pandoc_blocks() -> list[list[str]]:
    """Each text block of pandoc's own HTML, as the pieces between its note marks."""
    body = FIXTURE.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    page = lxml_html.fromstring(
        run_pandoc(["--from", "markdown", "--to", "html5", "--wrap=none"], body).decode("utf-8"))
    for element in page.xpath("//script | //style | //*[local-name()='math'] | //svg | "
                              "//section[@id='footnotes'] | //aside[@id='footnotes']"):
        element.drop_tree()
    blocks = []
    for element in page.iter(*BLOCKS):
        if element.xpath(f".//{' | .//'.join(BLOCKS)}"):
            continue  # its inner blocks are checked one by one
        for mark in element.xpath(".//a[contains(@class, 'footnote-ref')]"):
            mark.text = "\ue000"
            for child in mark:
                mark.remove(child)
        text = element.text_content().replace("C:on the desk", WINDOWS_PATH)
        pieces = [letters(piece) for piece in text.split("\ue000")]
        if any(pieces):
            blocks.append(pieces)
    return blocks


def found_in(text: str, pieces: list[str]) -> bool:
    """Whether ``pieces`` appear in ``text`` in order, a note mark at most between them."""
    return re.search(r".{0,3}".join(map(re.escape, pieces)), text) is not None


def pdf_text(path: Path) -> str:
    """The text of every page without its running header and footer or printed addresses.

    The words drawn in the block SVG (checked on their own) are left out too:
    text extraction puts them after the page's text.
    """
    furniture = re.compile(r"^(Every extension of pandoc's Markdown Clinician edition.*|"
                           r"Version\s1\.0\.0 · approved · .*Page \d+ of \d+|Scale text)$")
    text = "\n".join(line for page in pdf_pages(path) for line in page.splitlines()
                     if not furniture.match(line.strip()))
    return re.sub(r"\s?\((?:https?://|mailto:)[^)]*\)", "", text)  # a link's address in print


def test_every_block_pandoc_shows_is_in_the_pdf_and_the_epub(built):
    blocks = pandoc_blocks()
    assert len(blocks) > 40
    pdf = letters(pdf_text(built / "extensions.clinician.pdf"))
    epub = letters(epub_text(built / "extensions.clinician.epub"))
    assert [b for b in blocks if not found_in(pdf, b)] == []
    assert [b for b in blocks if not found_in(epub, b)] == []


def test_no_markup_is_printed(built):
    text = pdf_text(built / "extensions.clinician.pdf")
    for markup in ("{.", "{-}", "{#", ":::", "^[", "~~", "(@", "[ ]", "[x]", "+---", "<svg",
                   "<math", "<title>", "alert(", "\\newpage", "<rect"):
        assert markup not in text, markup
    assert "C:\\Users\\clinic\\Documents" in text  # a backslash in prose is not TeX
    drawn = "\n".join(pdf_pages(built / "extensions.clinician.pdf"))
    assert re.search(r"\bBar\b", drawn) and "Scale text" in drawn  # the SVGs' own text


def test_the_pdf_draws_the_inline_styles_and_the_page_break(built):
    pages = pdf_pages(built / "extensions.clinician.pdf")
    after = next(i for i, page in enumerate(pages) if "The first line after the break" in page)
    assert "The last line of the page." in pages[after - 1]
    body = [line for line in pages[after].splitlines()
            if not line.startswith("Every extension of pandoc's Markdown")]
    assert body[0].startswith("The first line after the break")
    with pikepdf.open(built / "extensions.clinician.pdf") as pdf:
        elements = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/StructElem"]
        formulas = sorted(str(obj.Alt) for obj in elements if obj.get("/S") == "/Formula")
        # alttext, else aria-label, else the formula's tokens
        assert formulas == ["a over b", "x squared", "y = x 2"]


def test_the_epub_keeps_the_markup_of_each_extension(built):
    documents = epub_documents(built / "extensions.clinician.epub")
    root = etree.Element("documents")  # every chapter, in reading order
    for name in sorted(documents):
        if not name.endswith("nav.xhtml"):
            root.append(documents[name])
    x = {"x": "http://www.w3.org/1999/xhtml"}

    def texts(path: str) -> list[str]:
        return [" ".join("".join(e.itertext()).split()) for e in root.xpath(path, namespaces=x)]

    assert texts("//x:span[@class='smallcaps']") == ["Paracetamol overdose"]
    assert texts("//x:u") == ["take with food"]
    assert texts("//x:del") == ["twice daily"]
    assert texts("//x:sup[not(ancestor::x:a)]")[:1] == ["6"]
    assert texts("//x:sub") == ["2", "2"]
    assert texts("//x:a[@title='Leaflet']") == ["the leaflet"]
    assert root.xpath("//x:div[@id='box1']/x:div[contains(@class, 'inner')]", namespaces=x)
    assert texts("//x:ol[@class='example']/x:li") == [
        "The first example, numbered across the document.", "The second example.",
        "The last example."]
    assert root.xpath("//x:ol[@class='example'][@start='3']", namespaces=x)
    assert len(root.xpath("//x:input[@type='checkbox']", namespaces=x)) == 2
    assert root.xpath("//x:td[@colspan='2']", namespaces=x)
    assert texts("//x:div[@class='line-block']")[0].startswith("The first line of a line")
    assert texts("//x:h2[contains(@class, 'unnumbered')]") == [
        "An unnumbered heading", "Another one"]
    svgs = root.findall(f".//{SVG}svg")
    assert [s.findtext(f"{SVG}title") for s in svgs] == ["A blue bar", "Dose scale"]
    assert not root.findall(f".//{SVG}script")
    assert not [k for s in svgs for e in s.iter() for k in e.attrib if k.startswith("on")]
    assert sorted(m.get("alttext") for m in root.iter(f"{MATHML}math")) == [
        "a over b", "x squared", "y = x 2"]


def test_a_citation_in_a_footnote_is_formatted_and_listed(built):
    text = pdf_text(built / "extensions.clinician.pdf")
    assert "@okafor" not in text and "[@" not in text
    note = re.search(r"A note that cites its source: fever phobia is common(\S*)", text)
    assert note and note.group(1) == "1(p31)."  # AMA: the reference number and the page
    assert re.search(r"1\.\s*Research\s*Okafor N, Lindqvist E\. Fever phobia in parents of young "
                     r"children", text)
    epub = epub_text(built / "extensions.clinician.epub")
    assert "A note that cites its source" in epub and "Okafor N, Lindqvist E" in epub


def test_the_epub_passes_epubcheck(built):
    path = built / "extensions.clinician.epub"
    assert epubcheck([path])[path] == []


def test_the_web_page_keeps_the_drawings_and_formulas(built):
    page = lxml_html.parse(str(built / "extensions.clinician.html")).getroot()
    assert len(page.xpath("//*[local-name()='svg']")) == 2
    maths = page.xpath("//*[local-name()='math']")
    assert sorted(m.get("alttext") or m.get("aria-label") for m in maths) == [
        "a over b", "x squared", "y = x 2"]
    assert not page.xpath("//*[local-name()='script']")
    assert "alert(" not in lxml_html.tostring(page, encoding="unicode")
