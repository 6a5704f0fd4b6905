"""No line of the PDF is one hyphenated word left before an inline element that moved on.

A paragraph whose line ends in ``code`` or *emphasis* that does not fit used to print
"Gener‐" alone on its first line and "ate a bash ..." on the next.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from helpers import build_in

SENTENCE = ("Generate a bash completion script. To enable bash completion with pandoc, add this "
            "to your configuration file in the home folder of the person who runs it")
WORDS = SENTENCE.split(" ")
FRONT = """---
title: Line breaks
version: 1.0.0
status: draft
last_updated: 2025-01-10
slug: breaks
audiences: [clinician]
---

"""


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("line-breaks")
    paragraphs = [f"{' '.join(WORDS[:n])} {inline}: end.\n"
                  for n in range(4, len(WORDS)) for inline in ("`.bashrc-and-more`",
                                                              "*bashrc-and-more*")]
    (folder / "breaks.md").write_text(FRONT + "\n".join(paragraphs), encoding="utf-8")
    out, _ = build_in(folder, ["breaks.md"], formats=("pdf",))
    reader = pypdf.PdfReader(Path(out / "breaks.clinician.pdf"))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def test_no_line_is_one_hyphenated_word(lines):
    alone = [line for line in lines if re.fullmatch(r"\S+‐", line)]
    assert alone == []
    # every paragraph's first word is whole where it starts its line
    starts = [line for line in lines if line.startswith("Gener")]
    assert len(starts) == 2 * (len(WORDS) - 4)
    assert all(line.startswith("Generate a bash") for line in starts)


def test_a_number_and_its_unit_stay_on_one_line_in_a_narrow_table_cell(tmp_path):
    """A column narrower than "10 mg" breaks after "10" unless the pair is kept whole; the
    space stays an ordinary one, so the PDF's text reads (and a search finds) "10 mg"."""
    cells = ["12.5 mg/kg", "37.5 °C", *["paracetamol suspension given orally with food"] * 11]
    table = ("| " + " | ".join(f"C{i}" for i in range(14)) + " |\n|" + "---|" * 14
             + "\n| 10 mg | " + " | ".join(cells) + " |\n\nThe code `10 mg` is left alone.\n")
    (tmp_path / "breaks.md").write_text(FRONT + table, encoding="utf-8")
    out, _ = build_in(tmp_path, ["breaks.md"], formats=("pdf", "html"))
    text = pypdf.PdfReader(out / "breaks.clinician.pdf").pages[0].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    assert "10 mg" in " ".join(lines) and "12.5 mg/kg" in text and "37.5 °C" in text
    assert not {"10", "12.5", "37.5"} & {line.split(" ")[-1] for line in lines}
    page = (out / "breaks.clinician.html").read_text(encoding="utf-8")
    assert '<span class="quantity">10 mg</span>' in page
    assert "<code>10 mg</code>" in page
