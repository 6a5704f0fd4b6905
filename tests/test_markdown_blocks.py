"""Every block of pandoc's Markdown, built once, read back from the PDF and the EPUB.

``tests/fixtures/constructs/constructs.md`` walks through the Markdown
sections of pandoc's manual (paragraphs to raw TeX); ``dosing-card.md`` is a
real-world card with ``<br>`` in its table cells, a table longer than a page
and a ``::: {#refs}`` under its own heading.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from helpers import ROOT, build_fixed, epub_documents, epub_opf, epubcheck, pdf_pages
from page_geometry import outside

FIXTURES = ROOT / "tests" / "fixtures" / "constructs"
XHTML = "{http://www.w3.org/1999/xhtml}"
TITLE = "Children's fever & pain: every block of the handout format"


@pytest.fixture(scope="module")
def dist(constructs: Path) -> Path:
    """The constructs fixture's outputs (built once per run, DAISY Ace reads its EPUB too)."""
    return constructs


@pytest.fixture(scope="module")
def pages(dist: Path) -> list[str]:
    """The text pdfium draws on each page of the constructs PDF (list markers included)."""
    return drawn_text(dist / "constructs.clinician.pdf")


@pytest.fixture(scope="module")
def xhtml(dist: Path) -> dict:
    return {name: root for name, root in epub_documents(dist / "constructs.clinician.epub").items()
            if not name.endswith("nav.xhtml")}


def drawn_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range().replace("\r\n", "\n") for page in pdf]
    finally:
        pdf.close()


def where(path: Path, needle: str) -> tuple[int, float]:
    """(page index, height of the text's baseline above the page bottom) of ``needle``."""
    pdf = pdfium.PdfDocument(path)
    try:
        for number, page in enumerate(pdf):
            text = page.get_textpage()
            found = text.search(needle).get_next()
            if found:
                return number, text.get_charbox(found[0])[1]
    finally:
        pdf.close()
    raise AssertionError(f"{needle!r} is drawn on no page")


def all_of(xhtml: dict, tag: str) -> list:
    return [el for root in xhtml.values() for el in root.iter(XHTML + tag)]


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_has_every_block_and_no_markup(dist, pages):
    text = "\n".join(pages)
    for shown in ["A backslash at the end of a line breaks it here,", "Setext level two",
                  "Quoted advice on fever.", "A quotation nested in the first.",
                  "indented code block", "def dose(weight_kg):", "falls mainly on the plain",
                  "macintosh", "task done", "Pomaceous fruit", "Below the rule.",
                  "A simple table with its caption.", "Example of a row that",
                  "built-in wrapper", "Max: 4 mg/kg", "*not emphasised*", "non\xa0breaking space",
                  "strikeout", "highlighted and marked as Obsidian marks text",
                  "https://example.org/reference",
                  "A bar chart of three rising columns", "Check the weight before every dose.",
                  "blue span", "Hidden dosing notes.", "Old-fashioned font tag.",
                  "A paragraph with an event handler.", "Inline notes are easier to write.",
                  "The second paragraph of the long note.", "Weight-based dosing errors",
                  "The appendix comes after the references."]:
        assert shown in text, shown
    for markup in ["<br", "<b>", "<font", "onclick", "never printed", "\\newpage", "\\textbf",
                   "{.smallcaps}", "&amp;", "&#39;", ":::", "[^list]", "@okafor", "=="]:
        assert markup not in text, markup
    assert len(pages) == 5
    assert outside(dist / "constructs.clinician.pdf") == []


def test_ordered_lists_keep_their_numbers_and_markers_in_print(pages):
    lines = [line.strip() for line in "\n".join(pages).splitlines()]
    markers = ["3.", "4.", "a.", "b.", "A)", "B)", "iv.", "v.", "IX.", "X.", "(7)", "(8)",
               "1)", "2)", "1.", "2.", "(1)", "(2)"]
    # each marker starts its item's line, as a reader copying the page gets it
    found = iter(lines)
    assert all(any(line.startswith(marker + " ") for line in found) for marker in markers), \
        "markers missing, out of order or away from their items"
    assert not any(line in markers for line in lines)
    assert "As example (1) shows" in "\n".join(pages)


def test_footnotes_keep_their_blocks_at_the_foot_of_the_calling_page(dist):
    pdf = dist / "constructs.clinician.pdf"
    call_page, call_height = where(pdf, "A note with a list.")
    for part in ["The list note starts here.", "first listed point", "second listed point",
                 "weight * 15", "The first paragraph of the long note.",
                 "The second paragraph of the long note."]:
        page, height = where(pdf, part)
        assert page == call_page, part
        assert height < call_height and height < 842 / 3, part  # in the footnote area
    assert where(pdf, "first listed point")[1] > where(pdf, "second listed point")[1]


def test_raw_tex_page_break_starts_a_new_page(dist, pages):
    before, _ = where(dist / "constructs.clinician.pdf", "Before the page break.")
    after, _ = where(dist / "constructs.clinician.pdf", "After the page break.")
    assert after == before + 1
    assert pages[after].lstrip().startswith("After the page break.")


def test_references_sit_where_the_refs_div_is_under_the_manuscripts_heading(pages):
    text = "\n".join(pages)
    assert [line.strip() for line in text.splitlines()].count("References") == 1
    assert text.index("References") < text.index("Weight-based dosing errors") \
        < text.index("Appendix")


def test_the_running_header_shows_the_title_as_written(dist):
    later = pdf_pages(dist / "constructs.clinician.pdf")[1:]
    assert later and all(TITLE in page for page in later)
    from pypdf import PdfReader

    reader = PdfReader(dist / "constructs.clinician.pdf")
    assert reader.metadata.title == TITLE
    assert [item.title for item in reader.outline[:2]] == [TITLE, "Paragraphs and headings"]


def test_a_long_table_repeats_its_header_and_keeps_its_caption(dosing_card):
    pdf = dosing_card / "dosing-card.clinician.pdf"
    pages = drawn_text(pdf)
    assert len(pages) == 3
    caption_page, _ = where(pdf, "Doses by weight for the resuscitation room.")
    assert where(pdf, "Adrenaline (anaphy")[0] == caption_page
    assert where(pdf, "Tranexamic acid")[0] == caption_page + 1
    assert all("Drug Dose Strength Notes" in " ".join(p.split()) for p in pages[:2])
    assert "Max: 3 mg/kg plain" in pages[0] + pages[1]
    assert "<br" not in "".join(pages)
    # the footnote of the caption, with its list, at the foot of the first page
    assert where(pdf, "round down to the nearest")[0] == caption_page
    assert [line.strip() for line in "\n".join(pages).splitlines()].count("References") == 1
    assert outside(pdf) == []


# -- the EPUB --------------------------------------------------------------------------------


def test_every_epub_passes_epubcheck(dist, dosing_card):
    # a heading holding a Word bookmark ("# []{#_Toc99887766 .anchor}Line blocks", as pandoc
    # writes a .docx): its empty span is no part of the contents (EPUBCheck's RSC-005)
    nav = next(el for el in epub_documents(dist / "constructs.clinician.epub").values()
               if el.find(f".//{XHTML}nav") is not None)
    entry = next(a for a in nav.iter(f"{XHTML}a") if "Line blocks" in "".join(a.itertext()))
    assert (entry.text, list(entry)) == ("Line blocks", [])
    results = epubcheck(sorted(dist.glob("*.epub")) + sorted(dosing_card.glob("*.epub")))
    assert len(results) == 2
    assert results == {path: [] for path in results}


def test_epub_lists_keep_start_style_and_markers(xhtml):
    ols = [(ol.get("start"), ol.get("type"), text_of(ol)[:20]) for ol in all_of(xhtml, "ol")]
    for expected in [("3", "1", "Adrenaline Atropine"), (None, "a", "lower alpha first lo"),
                     (None, "A", "upper alpha paren fi"), ("4", "i", "lower roman four low"),
                     ("9", "I", "upper roman nine upp"), ("7", "1", "parenthesised seven "),
                     (None, "1", "one paren first one ")]:
        assert expected in ols, expected
    wrappers = [(div.get("class"), text_of(div)[:20])
                for div in all_of(xhtml, "div") if "list-" in div.get("class", "")]
    assert wrappers == [("list-one-paren list-upper-alpha", "upper alpha paren fi"),
                        ("list-two-parens list-decimal", "parenthesised seven "),
                        ("list-one-paren list-decimal", "one paren first one "),
                        ("list-two-parens list-decimal", "An example list item")]
    tasks = [li for ul in all_of(xhtml, "ul") if "task-list" in ul.get("class", "")
             for li in ul.iter(XHTML + "li")]
    assert [(text_of(li), li.find(f".//{XHTML}input").get("checked")) for li in tasks] == [
        ("task not done", None), ("task done", "")]


def test_epub_blocks_have_their_elements(xhtml):
    nested = [q for q in all_of(xhtml, "blockquote") if q.find(XHTML + "blockquote") is not None]
    assert len(nested) == 1
    terms = [dt for dt in all_of(xhtml, "dt") if text_of(dt) in ("Apple", "Orange")]
    assert [text_of(dt.getnext()).split(" of ")[0] for dt in terms] == [
        "Pomaceous fruit", "The fruit"]
    assert [text_of(d) for d in all_of(xhtml, "div") if d.get("class") == "line-block"] == [
        "The rain in Spain falls mainly on the plain Lines keep their breaks"]
    captions = [text_of(c) for c in all_of(xhtml, "caption")]
    assert captions[:4] == ["A simple table with its caption.", "A multiline table.",
                            "A grid table with lists in its cells.",
                            "A pipe table with line breaks in its cells."]
    cells = [td for td in all_of(xhtml, "td") if "Max: 4 mg/kg" in text_of(td)]
    assert len(cells) == 1 and cells[0].find(XHTML + "br") is not None
    assert [text_of(s) for s in all_of(xhtml, "summary")] == ["Dosing notes"]
    assert len(all_of(xhtml, "hr")) >= 3
    assert [text_of(s) for s in all_of(xhtml, "sup") if text_of(s) == "raised"] == ["raised"]
    assert any(d.get("class") == "page-break" for d in all_of(xhtml, "div"))
    assert [text_of(m) for m in all_of(xhtml, "mark")] == ["highlighted",
                                                           "marked as Obsidian marks"]


def test_epub_raw_html_is_clean(xhtml):
    for tag in ("script", "font", "form"):
        assert all_of(xhtml, tag) == [], tag
    assert [i.get("type") for i in all_of(xhtml, "input")] == ["checkbox", "checkbox"]
    assert not any(k.startswith("on") for root in xhtml.values() for el in root.iter()
                   for k in el.attrib)
    text = " ".join(text_of(root) for root in xhtml.values())
    assert "Old-fashioned font tag." in text and "never printed" not in text
    assert "\\newpage" not in text and "\\textbf" not in text


def test_epub_footnotes_keep_their_blocks_and_ids_stay_unique(xhtml):
    ids = [el.get("id") for root in xhtml.values() for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    heading = next(h for h in all_of(xhtml, "h1") if text_of(h) == "Footnotes")
    assert heading.getparent().get("id") == "footnotes-1"
    link = next(a for a in all_of(xhtml, "a") if text_of(a) == "footnotes section")
    assert link.get("href").endswith("#footnotes-1")
    notes = [el for el in all_of(xhtml, "aside") if "listed point" in text_of(el)]
    assert len(notes) == 1 and len(list(notes[0].iter(XHTML + "li"))) == 2


def test_the_epub_names_the_title_as_written(dist):
    opf = epub_opf(dist / "constructs.clinician.epub")
    assert opf.findtext("{*}metadata/{http://purl.org/dc/elements/1.1/}title") == TITLE
    nav = next(root for name, root in epub_documents(dist / "constructs.clinician.epub").items()
               if name.endswith("nav.xhtml"))
    assert nav.findtext(f"{XHTML}head/{XHTML}title") == TITLE
    assert text_of(next(nav.iter(XHTML + "a"))) == TITLE


def test_epub_references_are_placed_once_before_the_appendix(xhtml):
    sections = [s for s in all_of(xhtml, "section") if s.get("id") == "references"]
    assert len(sections) == 1
    assert [text_of(h) for h in sections[0].iter(XHTML + "h1")] == ["References"]
    refs = sections[0].find(f".//{XHTML}div[@id='refs']")
    assert "Weight-based dosing errors" in text_of(refs)
    order = [text_of(h) for h in all_of(xhtml, "h1")]
    assert order.index("References") == order.index("Appendix") - 1
    assert order.count("References") == 1


# -- what the author is told -----------------------------------------------------------------


def test_left_out_raw_markup_is_a_warning_at_its_line():
    from pipeline.build import check

    report = check([FIXTURES / "constructs.md"])
    path = "tests/fixtures/constructs/constructs.md"
    raw = sorted((p for p in report.problems if "raw" in p.code), key=lambda p: p.line)
    assert [str(p) for p in raw] == [
        (f"{path}:211: warning: raw HTML <font> is left out: it is not an element of HTML5 "
        "(its text is kept)"),
        f"{path}:213: warning: raw HTML onclick= is left out: event handlers are scripts",
        (f"{path}:215: warning: raw HTML <script> is left out: scripts and embedded content "
        "never go into a handout"),
        (f"{path}:217: warning: raw HTML <input> is left out: forms have no place in a printed "
        "handout"),
        (f"{path}:217: warning: raw HTML <form> is left out: forms have no place in a printed "
        "handout"),
        (f"{path}:227: warning: raw TeX '\\vspace{{1em}}' is left out of the handout: only "
        "\\newpage, \\pagebreak and \\clearpage are understood (write $...$ for math)"),
    ]
    assert not re.search("error", " ".join(str(p) for p in report.problems))


TASKS = """---
title: "Tasks"
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

* Bring your medicines
  + and their boxes

- [ ] Stop anticoagulants
- [x] Fast from midnight

On their own:

- [ ] Book the transport
- [ ] Pack a bag
  - [ ] a change of clothes

1. [ ] Sign the consent form

###### Deepest heading

Text under the deepest heading.
"""


def test_a_task_item_among_bullets_has_its_checkbox_in_place_of_the_bullet(tmp_path):
    from page_geometry import characters, text_boxes

    (tmp_path / "tasks.md").write_text(TASKS, encoding="utf-8")
    pdf = build_fixed([tmp_path / "tasks.md"], tmp_path / "dist", formats=("pdf",)) \
        / "tasks.clinician.pdf"
    # The box is a character, so the text (pypdf's, a search's, a screen reader's) says
    # whether the task is ticked.
    lines = [" ".join(line.split()) for line in pdf_pages(pdf)[0].splitlines()]
    assert ["\u2610 Stop anticoagulants", "\u2611 Fast from midnight",
            "\u2610 Book the transport", "\u2610 Pack a bag", "\u2610 a change of clothes",
            "1. \u2610 Sign the consent form"] == [line for line in lines
                                                   if line[:1] in "\u2610\u2611" or "Sign" in line]
    drawn = characters(pdf)
    boxes = [box for _page, ch, box, _ in drawn if ch in "\u2610\u2611"]
    bullets = [box for _page, ch, box, _ in drawn if ch == "\u2022"]
    assert len(bullets) == 1  # "Bring your medicines" only
    for task in ("Stop anticoagulants", "Fast from midnight", "Book the transport"):
        left, bottom, _right, top = text_boxes(pdf, task)[0]
        beside = [b for b in boxes if b[1] - 1 < top and bottom < b[3] + 1]
        assert len(beside) == 1, f"no box on the line of {task!r}"
        assert beside[0][2] < left  # the box before the text
        bullet_line = [b for b in bullets if b[1] - 1 < top and bottom < b[3] + 1]
        assert bullet_line == []
    (first, *_), (item, *_) = text_boxes(pdf, "Bring"), text_boxes(pdf, "Stop")
    assert abs(first[0] - item[0]) < 0.5  # the task's text where the bullet item's text is
    # a task list inside a task: its box under that task's text, as on GitHub
    (parent, *_), (nested, *_) = text_boxes(pdf, "Pack"), text_boxes(pdf, "change")
    nested_box = [b for b in boxes if b[1] - 1 < nested[3] and nested[1] < b[3] + 1]
    assert len(nested_box) == 1 and abs(nested_box[0][0] - parent[0]) < 1.5
    # the deepest heading is no smaller than the text under it
    (heading, *_), (text, *_) = text_boxes(pdf, "Deepest"), text_boxes(pdf, "under")
    assert heading[3] - heading[1] >= (text[3] - text[1]) - 0.1


NOTES_FROM_STYLED_PLACES = """---
title: "Notes"
version: 1.0.0
status: draft
last_updated: 2025-09-01
bibliography: refs.bib
---

# Dosing[^heading]

| Drug | Dose[^header] |
|------|---------------|
| Adrenaline | 0.01 mg/kg |

**Strong text with a note[^strong]** and *emphasis[^emphasis]*.

[^heading]: Called from a heading.
[^header]: Called from a header cell.
[^strong]: Called from strong text.
[^emphasis]: Called from emphasis.

# Evidence [@lee2020]
"""


def test_a_note_looks_the_same_wherever_it_is_called_from_and_bookmarks_omit_calls(
        tmp_path):
    from pypdf import PdfReader

    (tmp_path / "notes.md").write_text(NOTES_FROM_STYLED_PLACES, encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@article{lee2020, author = {Lee, Ann}, title = {A trial},"
                                       " journal = {JAMA}, year = {2020}}\n", encoding="utf-8")
    dist = build_fixed([tmp_path / "notes.md"], tmp_path / "dist", formats=("pdf", "epub"))
    pdf = dist / "notes.clinician.pdf"
    nav = {name: root for name, root in epub_documents(dist / "notes.clinician.epub").items()
           if name.endswith("nav.xhtml")}
    entries = [text_of(a) for a in all_of(nav, "a")]
    assert entries[1:3] == ["Dosing", "Evidence"]  # nor in the EPUB's table of contents
    looks: dict[str, tuple[str, float, tuple]] = {}
    colour: list[tuple] = [()]

    def visit(operator, operands, cm, tm):
        if operator in (b"rg", b"sc", b"scn"):
            colour[0] = tuple(round(float(v), 3) for v in operands)

    def text(content, cm, tm, font, size):
        if content.startswith("Called from") and font is not None:
            looks[content.strip()] = (str(font["/BaseFont"]).split("+")[-1],
                                      round(size * tm[0], 1), colour[0])

    reader = PdfReader(pdf)
    reader.pages[0].extract_text(visitor_operand_before=visit, visitor_text=text)
    # the bookmarks name the headings by their words, without the note's call or the citation
    assert [o.title for o in reader.outline if not isinstance(o, list)][1:3] == [
        "Dosing", "Evidence"]
    assert len(looks) == 4, looks
    assert len(set(looks.values())) == 1, looks  # one font, size and colour for every note
    font, _size, rgb = next(iter(looks.values()))
    assert "Bold" not in font and "Italic" not in font and rgb == (0.067,) * 3
