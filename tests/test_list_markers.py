"""A list item's marker is written just before its text: a copied page keeps its numbering."""

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
3. Start antibiotics within 4 hours.

(1) Take a history.
(2) Examine the chest.

- Oxygen if the saturation is below 94%.
"""


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder: Path = tmp_path_factory.mktemp("list-markers")
    (folder / "cap.md").write_text(MANUSCRIPT, encoding="utf-8")
    out, _ = build_in(folder, ["cap.md"], formats=("pdf",))
    return [line.strip() for line in pdf_pages(out / "cap.clinician.pdf")[0].splitlines()]


def test_each_marker_comes_just_before_its_items_text(text):
    start = text.index("1. Assess severity:")
    assert text[start:start + 10] == [
        "1. Assess severity:", "a. confusion;", "b. respiratory rate of 30 a minute or more;",
        "– measured over a full minute,", "– at rest.", "2. Decide where to treat.",
        "3. Start antibiotics within 4 hours.", "(1) Take a history.", "(2) Examine the chest.",
        "• Oxygen if the saturation is below 94%."]
    assert not any(line in {"1.", "a.", "•", "–", "(1)"} for line in text)
