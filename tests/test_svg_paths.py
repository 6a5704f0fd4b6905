"""Drawings with broken path data are drawn up to the error, as SVG says, and never hang."""

from __future__ import annotations

import os
import subprocess
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from helpers import EPOCH

# Numbers after a closepath ("Z 4 4") are an error in SVG path data.
BROKEN = "M 2 2 L 18 2 L 18 18 Z 4 4"
DRAWING = (f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20">'
           f'<title>A square</title><path d="{BROKEN}" fill="black"/></svg>')
MANUSCRIPT = f"""---
title: Broken paths
version: 1.0.0
status: draft
last_updated: 2025-01-01
---

Inline drawing: {DRAWING}

![A square drawn from a file](square.svg)
"""


def test_a_path_with_numbers_after_its_close_is_drawn_up_to_them(tmp_path):
    (tmp_path / "m.md").write_text(MANUSCRIPT, encoding="utf-8")
    (tmp_path / "square.svg").write_text(DRAWING, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pipeline", "build", "m.md", "--format", "pdf",
                           "--no-cache", "--out", "dist"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert done.returncode == 0, done.stderr
    pdf = pdfium.PdfDocument(tmp_path / "dist" / "m.clinician.pdf")
    try:
        squares = [obj.get_bounds() for obj in pdf[0].get_objects(max_depth=4)
                   if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH]
    finally:
        pdf.close()
    sizes = [(round(right - left), round(top - bottom)) for left, bottom, right, top in squares]
    assert sizes.count((12, 12)) == 2, sizes  # 16 of 20 units at 15 pt: the inline and the file
