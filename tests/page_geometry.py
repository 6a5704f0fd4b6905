"""Where a PDF draws things, read back with pdfium: character boxes and path boxes."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # left, bottom, right, top in points


def characters(path: Path) -> list[tuple[int, str, Box, Box]]:
    """(page, character, its box, the page box) of every character drawn."""
    out = []
    pdf = pdfium.PdfDocument(path)
    try:
        for number, page in enumerate(pdf, 1):
            width, height = page.get_size()
            text = page.get_textpage()
            for index in range(text.count_chars()):
                ch = text.get_text_range(index, 1)
                if ch.strip():
                    out.append((number, ch, text.get_charbox(index), (0, 0, width, height)))
    finally:
        pdf.close()
    return out


def outside(path: Path, margin: float = 0.0) -> list[str]:
    """Characters drawn (even partly) outside the page box less ``margin`` on each side."""
    found = []
    for page, ch, (left, bottom, right, top), (x0, y0, x1, y1) in characters(path):
        if left < x0 + margin - 0.5 or right > x1 - margin + 0.5 \
                or bottom < y0 - 0.5 or top > y1 + 0.5:
            found.append(f"page {page}: {ch!r} at {left:.1f}-{right:.1f} pt")
    return found


def paths(path: Path, page: int = 1) -> list[Box]:
    """The boxes of the vector paths drawn on ``page``, in page space (formulas are paths).

    A path inside a form XObject (a formula's glyph is one, drawn once a file)
    is placed where each use of the form puts it.
    """
    pdf = pdfium.PdfDocument(path)
    try:
        boxes: list[Box] = []
        placing: list = []  # the matrices of the forms around an object, outermost first
        for obj in pdf[page - 1].get_objects(max_depth=3):
            del placing[obj.level:]
            if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
                matrix = obj.get_matrix()
                placing.append(matrix.multiply(placing[-1]) if placing else matrix)
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                left, bottom, right, top = obj.get_bounds()
                if placing:
                    xs, ys = zip(*(placing[-1].on_point(x, y)
                                   for x in (left, right) for y in (bottom, top)), strict=True)
                    left, bottom, right, top = min(xs), min(ys), max(xs), max(ys)
                boxes.append((left, bottom, right, top))
        return boxes
    finally:
        pdf.close()


def text_boxes(path: Path, needle: str, page: int = 1) -> list[Box]:
    """The character boxes of the first occurrence of ``needle`` on ``page``."""
    pdf = pdfium.PdfDocument(path)
    try:
        text = pdf[page - 1].get_textpage()
        whole = text.get_text_range()
        start = whole.index(needle)
        return [text.get_charbox(i) for i in range(start, start + len(needle))]
    finally:
        pdf.close()
