"""A list item's marker is written just before its text: a copied page keeps its numbering;
in the structure tree each item holds its label and one body, whatever blocks it has."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_in, pdf_pages

MANUSCRIPT = """---
title: "Community-acquired pneumonia"
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: cap
audiences: [clinician]
---

1. Assess severity:
   a. confusion;
   b. respiratory rate of 30 a minute or more;
      - measured over a full minute,
      - at rest.
2. Decide where to treat.

   | Score | Place of care |
   |-------|---------------|
   | 0     | Home          |

3. Start antibiotics within 4 hours.

(1) Take a history.
(2) Examine the chest.

- Oxygen if the saturation is below 94%.

CAP
:   community-acquired pneumonia

CRB-65
:   a severity score
:   scored from 0 to 4

Wide markers:

99999. The last but one.
100000. The last.

Between.

(vii) Seventh.
(viii) Eighth.
"""


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder: Path = tmp_path_factory.mktemp("list-markers")
    (folder / "cap.md").write_text(MANUSCRIPT, encoding="utf-8")
    out, _ = build_in(folder, ["cap.md"], formats=("pdf",))
    return out / "cap.clinician.pdf"


@pytest.fixture(scope="module")
def text(pdf: Path) -> list[str]:
    return [line.strip() for line in pdf_pages(pdf)[0].splitlines()]


def test_each_marker_comes_just_before_its_items_text(text):
    start = text.index("1. Assess severity:")
    assert text[start:start + 12] == [
        "1. Assess severity:", "a. confusion;", "b. respiratory rate of 30 a minute or more;",
        "– measured over a full minute,", "– at rest.", "2. Decide where to treat.",
        "Score Place of care", "0 Home", "3. Start antibiotics within 4 hours.", "(1) Take a history.", "(2) Examine the chest.",
        "• Oxygen if the saturation is below 94%."]
    assert not any(line in {"1.", "a.", "•", "–", "(1)"} for line in text)


def test_each_list_item_holds_its_label_and_one_body(pdf):
    import pikepdf

    items: list[tuple[list[str], list[str]]] = []

    def walk(element: pikepdf.Dictionary) -> None:
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        kids = [k for k in kids if isinstance(k, pikepdf.Dictionary)]
        if element.get("/S") == "/LI":
            body = [str(g.get("/S")) for k in kids if k.get("/S") == "/LBody"
                    for g in (list(k.get("/K")) if isinstance(k.get("/K"), pikepdf.Array)
                              else [k.get("/K")]) if isinstance(g, pikepdf.Dictionary)]
            items.append(([str(k.get("/S")) for k in kids], body))
        for kid in kids:
            walk(kid)

    with pikepdf.open(pdf) as document:
        walk(document.Root.StructTreeRoot)
    assert all(children in (["/Lbl", "/LBody"], ["/LBody"]) for children, _ in items), items
    # the loose item: its paragraph and its table in its body, in that order
    assert (["/Lbl", "/LBody"], ["/P", "/Table"]) in items


def test_a_wide_marker_stays_out_of_the_page_margin(pdf, text):
    """The list's indent grows to hold its widest marker, as "100000." or "(viii)"."""
    from page_geometry import text_boxes

    assert ["99999. The last but one.", "100000. The last.", "Between.", "(vii) Seventh.",
            "(viii) Eighth."] == text[text.index("Wide markers:") + 1:][:5]
    left = text_boxes(pdf, "Wide markers:")[0][0]
    for marker in ("99999.", "100000.", "(vii)", "(viii)", "1.", "(1)"):
        assert text_boxes(pdf, marker)[0][0] > left - 1.5, marker


def test_a_definition_lists_term_labels_its_definition(pdf):
    """Each term is its item's label and the definition after it the item's body."""
    from test_pdf_archival import structure_tree

    root, _ = structure_tree(pdf)
    [terms] = [lst for lst in root.iter("/L") if "CAP" in lst.text]
    assert [[(c.tag, c.text) for c in item.children] for item in terms.children] == [
        [("/Lbl", "CAP"), ("/LBody", "community-acquired pneumonia")],
        [("/Lbl", "CRB-65"), ("/LBody", "a severity score")],
        [("/LBody", "scored from 0 to 4")],
    ]
