"""An image sized in pixels (``{width=300px}``, ``<img height="80">``) has that size on paper."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from helpers import build_fixed
from PIL import Image


def drawn_sizes(pdf_path: Path) -> list[tuple[float, float]]:
    """(width, height) in CSS pixels of each image the pages draw, in order."""
    sizes = []
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            last = None
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator == "cm":
                    last = [float(x) for x in instruction.operands]
                elif operator == "Do" and last is not None:
                    sizes.append((round(last[0], 2), round(abs(last[3]), 2)))
    return sizes


def test_sizes_in_pixels_are_kept_in_the_pdf(tmp_path):
    Image.new("RGB", (100, 50), (200, 0, 0)).save(tmp_path / "red.png")
    (tmp_path / "s.md").write_text(
        '---\ntitle: "Sizes"\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n'
        "---\n\n![wide](red.png){width=300px}\n\n![short](red.png){height=80}\n\n"
        '![both](red.png){width=40px height=40px}\n\n![own size](red.png)\n\n'
        'Raw: <img src="red.png" alt="raw" width="200">\n\n'
        "![half](red.png){width=50% height=30px}\n\n"
        # Typora's zoom, which WeasyPrint does not read: the width it means
        '<img src="red.png" alt="zoomed" style="zoom:50%;" />\n\n'
        '<img src="red.png" alt="zoomed again" style="zoom: 1.5" />\n', encoding="utf-8")
    out = build_fixed([tmp_path / "s.md"], tmp_path / "out", jobs=1, formats=("pdf",))
    sizes = drawn_sizes(out / "s.clinician.pdf")
    assert sizes[:5] == [(300, 150), (160, 80), (40, 40), (100, 50), (200, 100)]
    assert sizes[5][1] == 30 and sizes[5][0] > 300  # half of the text's width, 30px high
    assert sizes[6:] == [(50, 25), (150, 75)]
