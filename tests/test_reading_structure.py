"""Structure a screen reader can follow, read back from the PDF's structure tree, the EPUB
and the web page.

- Headings that skip a level are shown one level below their parent, with a
  warning: screen readers, the EPUB's contents and accessibility checkers
  (axe-core's heading-order, which DAISY Ace runs) expect no jump such as
  ``###`` right under ``#``.
- An empty header cell (the corner above row labels) is a data cell: a header
  cell must name its column (axe-core's empty-table-header).
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers import build_in, epub_documents

MANUSCRIPT = """---
title: Anaphylaxis
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

# Adults

Lie the patient flat.

### Adrenaline

Give it into the thigh.

### Fluids

Give a bolus.

## Children

Weigh the child.

##### Dosing by weight

Use the chart.

###### Under 10 kg

Ask a senior.

# Aftercare

Observe for six hours.

|            | Adult  | Child      |
|------------|--------|------------|
| Adrenaline | 0.5 mg | 0.01 mg/kg |

## Staff notes {.unlisted}

Record the batch number.
"""

# (written level, shown level) of each heading, in order
LEVELS = [("Adults", 1), ("Adrenaline", 2), ("Fluids", 2), ("Children", 2),
          ("Dosing by weight", 3), ("Under 10 kg", 4), ("Aftercare", 1),
          ("Staff notes", 2)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("headings")
    (folder / "anaphylaxis.md").write_text(MANUSCRIPT, encoding="utf-8")
    return build_in(folder, ["anaphylaxis.md"], formats=("pdf", "epub", "html"))


def test_one_warning_at_the_first_heading_under_each_parent(built):
    _out, problems = built
    assert problems == [
        ("anaphylaxis.md:12: warning: the heading 'Adrenaline' is level 3 right under the "
        "level-1 heading 'Adults': it and the headings after it at its level are shown as "
        "level 2 (write ## for them)"),
        ("anaphylaxis.md:24: warning: the heading 'Dosing by weight' is level 5 right under the "
        "level-2 heading 'Children': it and the headings after it at its level are shown as "
        "level 3 (write ### for them)"),
    ]


def test_a_first_heading_far_below_the_title_is_shown_as_level_2(tmp_path, monkeypatch):
    from pipeline.build import BuildOptions, check

    monkeypatch.chdir(tmp_path)
    Path("note.md").write_text(MANUSCRIPT.split("# Adults")[0].replace("Anaphylaxis", "Ward")
                               + "###### tags: `ward`\n\nText.\n\n## Plan\n\nMore.\n")
    assert [str(p) for p in check([Path("note.md")], BuildOptions()).problems] == [
        ("note.md:8: warning: the heading 'tags: ward' is level 6 right under the level-1 "
        "heading 'Ward': it and the headings after it at its level are shown as level 2 "
        "(write ## for them)")]


def test_the_epub_and_the_web_page_show_the_even_levels(built):
    out, _problems = built
    documents = epub_documents(out / "anaphylaxis.clinician.epub")
    found = [(" ".join("".join(h.itertext()).split()), int(h.tag[-1]))
             for name, root in sorted(documents.items(), key=lambda kv: _chapter(kv[0]))
             if "/text/ch" in f"/{name}"
             for h in root.iter(*(f"{{http://www.w3.org/1999/xhtml}}h{n}" for n in range(1, 7)))]
    assert [h for h in found if h[0] in dict(LEVELS)] == LEVELS
    page = (out / "anaphylaxis.clinician.html").read_text(encoding="utf-8")
    shown = [(re.sub(r"<[^>]+>", "", text).strip(), int(level))
             for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", page, re.DOTALL)]
    assert [h for h in shown if h[0] in dict(LEVELS)] == LEVELS


def test_the_pdf_structure_tree_has_the_even_levels(built):
    out, _problems = built
    with pikepdf.open(out / "anaphylaxis.clinician.pdf") as pdf:
        tags = [str(element.S)[1:] for element in _elements(pdf.Root.StructTreeRoot)]
    headings = [int(tag[1]) for tag in tags if re.fullmatch(r"H[1-6]", tag)]
    # the title block comes first and the disclaimer after: the body's headings are a run
    wanted = [level for _title, level in LEVELS]
    assert any(headings[i:i + len(wanted)] == wanted for i in range(len(headings))), headings


def test_the_empty_corner_cell_is_a_data_cell_in_every_format(built):
    out, _problems = built
    xhtml = "{http://www.w3.org/1999/xhtml}"
    documents = epub_documents(out / "anaphylaxis.clinician.epub")
    table = next(t for root in documents.values() for t in root.iter(f"{xhtml}table"))
    header = next(table.iter(f"{xhtml}tr"))
    assert [(cell.tag.removeprefix(xhtml), "".join(cell.itertext()).strip())
            for cell in header] == [("td", ""), ("th", "Adult"), ("th", "Child")]
    page = (out / "anaphylaxis.clinician.html").read_text(encoding="utf-8")
    head = re.search(r"<thead>(.*?)</thead>", page, re.DOTALL).group(1)
    assert re.findall(r"<(t[hd])\b", head) == ["td", "th", "th"]
    with pikepdf.open(out / "anaphylaxis.clinician.pdf") as pdf:
        tags = [str(element.S)[1:] for element in _elements(pdf.Root.StructTreeRoot)]
    assert tags.count("TH") == 2, tags
    assert "TD" in tags


def _chapter(name: str) -> int:
    match = re.search(r"ch(\d+)", name)
    return int(match.group(1)) if match else -1


def _elements(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def test_the_back_matter_stands_beside_a_body_of_level_one_sections_in_the_pdf(built):
    """The disclaimer and the colophon are not subsections of the body's last section, whose
    heading marked {.unlisted} has no bookmark, as it has no line in the EPUB's contents."""
    out, _problems = built
    with pikepdf.open(out / "anaphylaxis.clinician.pdf") as pdf:
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            last = next(item for item in outline.root if item.title == "Aftercare")
            assert [child.title for child in last.children] == []
        tags = [str(element.S)[1:] for element in _elements(pdf.Root.StructTreeRoot)]
    assert top[-3:] == ["Aftercare", "Disclaimer for Healthcare Professionals",
                        "About this handout"]
    headings = [tag for tag in tags if re.fullmatch(r"H[1-6]", tag)]
    assert headings[-2:] == ["H1", "H1"]
