"""Print typography, read from the PDFs and from WeasyPrint's laid-out pages.

Paper size per build, hyphenation by the manuscript's language, no widows or
orphans, no heading alone at the foot of a page, reference numbers in their
own column, links visible on paper, a first page readable at a glance and
long tables that repeat their header row.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pyphen
import pytest
from helpers import EPOCH, ROOT, pdf_pages
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.formats.pdf import layout
from pipeline.manuscript import load_manuscript
from pipeline.model import RenderOptions, Stamp
from pipeline.prepare import prepare

STYLES = ROOT / "styles"
HYPHEN = "\u2010"  # what WeasyPrint draws where it hyphenates
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)
SENTENCES = [
    "Platelet-rich plasma is prepared from a small sample of the patient's own blood.",
    "Relief, when it comes, usually builds over several weeks rather than days.",
    "Imaging and diagnostic blocks should confirm the source of the pain first.",
    "Most people feel sore for a day or two; this is expected and settles by itself.",
    "The evidence comes from small trials, so expectations should stay realistic.",
    "Tell the care team straight away about fever, redness or new numbness.",
]


def _paragraph(n: int) -> str:
    return " ".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(2 + (n * 5) % 9))


def long_manuscript() -> str:
    sections = []
    for s in range(7):
        paragraphs = "\n\n".join(_paragraph(s * 3 + p) for p in range(1 + s % 3))
        sections.append(f"## Section {s + 1}: what to know\n\n{paragraphs}\n\n"
                        f"### Details of section {s + 1}\n\n{_paragraph(s + 11)}\n\n")
    rows = "\n".join(f"| Medicine {n:02d} | {5 + n} mg every {4 + n % 8} h | "
                     f"{'Take with food. ' * (1 + n % 3)}|" for n in range(1, 71))
    return f"""---
title: A long handout to lay out
version: 3.1.4
status: approved
last_updated: 2025-05-02
next_review: 2026-05-02
reviewers: [{{name: A Reviewer, role: Pharmacist, date: 2025-04-30}}]
---

See [the dosing guideline](https://example.org/dosing/guide) and
<https://example.org/raw-address>, or [write to the team](mailto:team@example.org).

{"".join(sections)}
## Doses

| Medicine | Usual adult dose | Notes |
|----------|------------------|-------|
{rows}

## After the table

{_paragraph(4)}
"""


@pytest.fixture(scope="module")
def long_handout(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("long")
    (folder / "long.md").write_text(long_manuscript(), encoding="utf-8")
    return folder / "long.md"


@pytest.fixture(scope="module")
def long_pdf(long_handout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("long-out")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        status = main(["build", str(long_handout), "--out", str(out), "--paper", "letter",
                       "--format", "pdf", "--no-cache"], io.StringIO(), io.StringIO())
    finally:
        mp.undo()
    assert status == 0
    return out / "long.clinician.pdf"


def laid_out(path: Path, paper: str = "a4") -> list:
    """WeasyPrint's page boxes for the first edition of the manuscript at ``path``."""
    manuscript, _ = load_manuscript(path, ROOT / "bibliography")
    stamp = Stamp(manuscript.version, manuscript.status, manuscript.last_updated,
                  dt.date(2025, 10, 9), "")
    documents, problems = prepare(manuscript, stamp, STYLES)
    assert documents, [str(p) for p in problems.items]
    document, _ = layout(documents[0], RenderOptions(paper=paper), STYLES)
    return [page._page_box for page in document.pages]


@pytest.fixture(scope="module")
def long_pages(long_handout) -> list:
    return laid_out(long_handout, "letter")


def _flow(page_box):
    """The page's content boxes, in order, without margin boxes and footnotes."""
    from weasyprint.formatting_structure import boxes

    for child in page_box.children:
        if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            yield from child.descendants()


def _line_blocks(page_box):
    """Block containers that hold lines of text, with their number of lines."""
    from weasyprint.formatting_structure import boxes

    for box in _flow(page_box):
        if isinstance(box, boxes.BlockContainerBox):
            lines = [c for c in box.children if isinstance(c, boxes.LineBox)]
            if lines:
                yield box, len(lines)


def test_paper_size_per_build(built, long_pdf):
    for path, size in [(built / "regen-pain.clinician.pdf", A4), (long_pdf, LETTER)]:
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 1
            for page in pdf.pages:
                box = [float(v) for v in page.MediaBox]
                assert box[:2] == [0, 0]
                assert box[2:] == pytest.approx(size, abs=0.05), path.name


@pytest.mark.parametrize(("name", "lang", "other"), [
    ("regen-pain.clinician", "en_US", "es"), ("prp-columna-es.clinician", "es", "en_US")])
def test_hyphenation_follows_the_manuscripts_language(built, name, lang, other):
    splits = []
    for text in pdf_pages(built / f"{name}.pdf"):
        lines = text.split("\n")
        for line, following in itertools.pairwise(lines):
            if line.endswith(HYPHEN) and following.strip():
                left = re.findall(r"\w+$", line[:-1])[0]
                right = re.findall(r"^\w+", following.strip())[0]
                splits.append((left, right))
    assert len(splits) >= 2, f"{name}: nothing hyphenated"
    rules, foreign = pyphen.Pyphen(lang=lang), pyphen.Pyphen(lang=other)
    for left, right in splits:
        word = (left + right).lower()
        assert len(left) in rules.positions(word), (left, right)
    # the other language would not have broken every one of these words there
    assert any(len(left) not in foreign.positions((left + right).lower())
               for left, right in splits)


def test_no_widows_no_orphans_and_no_heading_at_the_foot_of_a_page(long_pages):
    assert len(long_pages) >= 4
    parts: dict[int, list[int]] = {}
    for page_box in long_pages:
        for box, lines in _line_blocks(page_box):
            if box.element_tag not in ("td", "th"):  # header cells repeat on every page
                parts.setdefault(id(box.element), []).append(lines)
    split = [counts for counts in parts.values() if len(counts) > 1]
    assert split, "no paragraph was broken across pages: the check proves nothing"
    for counts in split:
        assert counts[0] >= 2 and counts[-1] >= 2, counts
    for page_box in long_pages[:-1]:
        last = list(_line_blocks(page_box))[-1][0]
        assert not re.fullmatch(r"h[1-6]", last.element_tag), \
            f"heading alone at the foot of a page: {last.element.text!r}"


def test_long_tables_repeat_their_header_row(long_pdf):
    pages = [" ".join(text.split()) for text in pdf_pages(long_pdf)]
    with_rows = [n for n, text in enumerate(pages) if re.search(r"Medicine \d\d", text)]
    assert len(with_rows) >= 2
    assert with_rows == list(range(with_rows[0], with_rows[-1] + 1))
    for n in with_rows:
        assert "Medicine Usual adult dose Notes" in pages[n], f"page {n + 1} has no header row"
    rows = [int(m) for text in pages for m in re.findall(r"Medicine (\d\d)", text)]
    assert rows == list(range(1, 71))  # every row once, none cut in two


def _reference_text(box, entry=None, part=None, line=None, out=None):
    """(entry, part, line, left, right) of each piece of text in the reference list."""
    from weasyprint.formatting_structure import boxes

    out = [] if out is None else out
    classes = (box.element.get("class") or "").split() if box.element is not None else []
    if "csl-entry" in classes:
        entry = id(box.element)
    part = "number" if "csl-left-margin" in classes else \
        "entry" if "csl-right-inline" in classes else part
    line = id(box) if isinstance(box, boxes.LineBox) else line
    if isinstance(box, boxes.TextBox) and box.text.strip() and entry is not None:
        out.append((entry, part, line, box.position_x, box.position_x + box.width))
    for child in getattr(box, "children", ()):
        _reference_text(child, entry, part, line, out)
    return out


def test_reference_numbers_hang_in_their_own_column(built):
    # read in order: each number just before its entry, not gathered elsewhere
    text = "\n".join(pdf_pages(built / "regen-pain.clinician.pdf"))
    assert re.findall(r"^(\d)\. (?:Research|Guideline)$", text, re.MULTILINE) == list("1234")
    pieces = [piece for page_box in laid_out(ROOT / "manuscripts" / "regen-pain.md")
              for piece in _reference_text(page_box)]
    entries = sorted({entry for entry, *_ in pieces}, key=[p[0] for p in pieces].index)
    assert len(entries) == 4
    number_edges, starts = set(), set()
    for entry in entries:
        numbers = [p for p in pieces if p[0] == entry and p[1] == "number"]
        text = [p for p in pieces if p[0] == entry and p[1] == "entry"]
        assert len({line for _, _, line, _, _ in numbers}) == 1  # the number: one line
        number_edges.add(round(max(right for *_, right in numbers), 1))
        lines = {line for _, _, line, _, _ in text}
        assert len(lines) >= 2
        # every line of the entry starts at the same place, right of the number
        starts |= {round(min(left for _, _, ln, left, _ in text if ln == line), 1)
                   for line in lines}
    assert len(number_edges) == 1  # numbers right-aligned in one column
    assert len(starts) == 1 and starts.pop() > number_edges.pop()


def test_links_are_visible_on_paper_with_their_address(long_pdf, long_pages):
    first = " ".join(pdf_pages(long_pdf)[0].split())
    assert "the dosing guideline (https://example.org/dosing/guide)" in first
    assert first.count("https://example.org/raw-address") == 1
    assert "write to the team (team@example.org)" in first
    with pikepdf.open(long_pdf) as pdf:
        uris = {str(a.A.URI) for a in pdf.pages[0].get("/Annots", []) if "/A" in a}
    assert {"https://example.org/dosing/guide", "https://example.org/raw-address",
            "mailto:team@example.org"} <= uris
    anchors = [b for b in _flow(long_pages[0]) if b.element_tag == "a"]
    assert len(anchors) >= 3
    for anchor in anchors:
        assert "underline" in anchor.style["text_decoration_line"]
        assert tuple(anchor.style["color"])[:3] != (0, 0, 0)
        assert anchor.style["color"] != anchor.element_tag and \
            anchor.style["color"] != long_pages[0].style["color"]


@pytest.mark.parametrize("name", ["regen-pain.clinician", "prp-spine-pain.patient",
                                  "prp-columna-es.clinician"])
def test_the_first_page_says_what_which_version_and_how_recent(built, name):
    text = " ".join(PdfReader(built / f"{name}.pdf").pages[0].extract_text().split())
    words = {"en": ("Status:", "Version:", "Last updated:"),
             "es": ("Estado:", "Versión:", "Última actualización:")}[
        "es" if "-es." in name else "en"]
    pdf = pdfium.PdfDocument(built / f"{name}.pdf")
    page = pdf[0]
    height = page.get_height()
    textpage = page.get_textpage()
    for label in words:
        assert label in text
        searcher = textpage.search(label)
        index, _count = searcher.get_next()
        _left, _bottom, _right, top = textpage.get_charbox(index)
        assert top > height * 0.72, f"{label} is not in the top part of page 1"
    title = PdfReader(built / f"{name}.pdf").metadata.title
    assert text.index(title[:20]) < text.index(words[0]) < text.index(words[2])
    pdf.close()
