"""A footnote, of the text or of a table cell, is tagged ``/Note`` with an identifier (PDF/UA 7.9)."""

from __future__ import annotations

import pikepdf
from helpers import build_in

MANUSCRIPT = """---
title: "Notes"
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: notes
audiences: [clinician]
---

Give the dose once a day.[^1]

| Drug | Renal adjustment |
|------|------------------|
| Aciclovir | halve the dose[^2] |

[^1]: With food.
[^2]: Below an eGFR of 25.
"""


def test_each_footnote_is_a_note_with_its_own_identifier(tmp_path):
    (tmp_path / "notes.md").write_text(MANUSCRIPT, encoding="utf-8")
    out, _ = build_in(tmp_path, ["notes.md"], formats=("pdf",))
    notes: list[str] = []

    def walk(element: pikepdf.Dictionary) -> None:
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/S") == "/Note":
                    notes.append(str(kid.get("/ID")))
                walk(kid)

    with pikepdf.open(out / "notes.clinician.pdf") as pdf:
        walk(pdf.Root.StructTreeRoot)
    assert len(notes) == len(set(notes)) == 2 and all(i.startswith("note-") for i in notes)
