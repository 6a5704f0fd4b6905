"""Formula drawings in the PDF without WeasyPrint's SVG reader: each glyph written once a file.

A formula of the print edition is an SVG drawing (:mod:`pipeline.math`): the
typesetter writes each glyph of the math font once as a ``<symbol>`` and
places it with ``<use>``, fraction and radical bars as ``<rect>``.  Read by
WeasyPrint's SVG reader, every drawing is parsed into a node tree, every
placed glyph's tree copied and its outline read number by number and written
out again, so a page of formulas holds each outline as many times as it is
used.  Here the print HTML names each drawing by a short address
(``formula:<digest>``, see :func:`pipeline.math.drawings_by_address`) and
the image WeasyPrint gets for it draws straight into the page:

- each glyph outline is one PDF form XObject per file, written once from the
  symbol's path (the cubic curves the typesetter writes, copied as written:
  see :mod:`.svg_numbers`) and remembered per process, since outlines
  belong to the font and not to a formula;
- each placed glyph is ``q a 0 0 a e f cm /Name Do Q``, with the scale and
  offset SVG gives a ``<use>`` of a ``<symbol>`` (its viewBox fitted to the
  use's box, centred), inside the drawing's own viewBox transform;
- bars and other plain paths are filled in place, in their colour.

The drawing is read by :mod:`.formula_svg`; one it does not read (strokes,
transforms, markers, other elements or attributes) is drawn by WeasyPrint's
SVG reader as before, so nothing is drawn differently, only faster.  Written
for WeasyPrint 70.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from typing import Any

from . import formula_text
from .formula_svg import FormulaDrawing, read_drawing

ADDRESS = "formula:"  # the scheme of a drawing's address in the print HTML


class FormulaImage:
    """What WeasyPrint draws for a formula's ``<img>``: its glyph forms placed, bars filled.

    Its size and its depth below the baseline are the formula's, in em of
    the text around it (the print HTML writes neither: every formula shares
    one style); a drawing this module does not read is drawn by WeasyPrint's
    own SVG image, ``svg_image``, at that size.
    """

    def __init__(self, em: tuple[float, float], depth: float, drawing: FormulaDrawing | None,
                 svg_image: Any = None, words: str = ""):
        self.em = em
        self.depth = depth
        self.drawing = drawing
        self.svg_image = svg_image
        self.words = words

    def get_intrinsic_size(self, resolution: float, font_size: float) -> tuple[float, ...]:
        """Width and height at the image's font size, and their ratio."""
        width, height = self.em
        return width * font_size, height * font_size, width / height

    def draw(self, stream: Any, concrete_width: float, concrete_height: float,
             style: Any) -> None:
        """Draw into ``stream`` at the box's size, as WeasyPrint draws the root ``<svg>``.

        The formula's words go over it as invisible text (:mod:`.formula_text`),
        written after it: a reader that breaks lines at each drawn form (pypdf)
        keeps them with the text that follows.
        """
        self._draw(stream, concrete_width, concrete_height, style)
        height = self.em[1]
        formula_text.show(stream, self.words, concrete_width,
                          concrete_height * (height - self.depth) / height)

    def _draw(self, stream: Any, concrete_width: float, concrete_height: float,
              style: Any) -> None:
        if self.drawing is None:
            self.svg_image.draw(stream, concrete_width, concrete_height, style)
            return
        vx, vy, vw, vh = self.drawing.view_box
        scale = min(concrete_width / vw, concrete_height / vh)
        stream.push_state()
        stream.transform(a=scale, d=scale, e=(concrete_width - vw * scale) / 2 - vx * scale,
                         f=(concrete_height - vh * scale) / 2 - vy * scale)
        for placed in self.drawing.placed:
            stream.set_color(placed.color)
            if placed.glyph is not None:
                name = stream.add_image(placed.glyph, False, 1)
                stream.stream.append(b"q " + placed.matrix + b" cm /" + name.encode("ascii")
                                     + b" Do Q")
            else:
                stream.stream.append(placed.operators)
                stream.stream.append(b"f")
        stream.pop_state()


@functools.cache
def install() -> bool:
    """Give WeasyPrint the formulas named by address (once per process).

    Its image loader gets a :class:`FormulaImage` for each, and its inline
    layout sets a formula's baseline its depth above the image's bottom.
    """
    try:
        from weasyprint import document
        from weasyprint.images import SVGImage
        from weasyprint.layout import inline
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original = document.original_get_image_from_uri
    if getattr(original, "formulas_by_address", False):
        return False

    def get_image_from_uri(cache: Any, url_fetcher: Any, options: Any, url: str,
                           forced_mime_type: str | None = None, context: Any = None,
                           orientation: str = "from-image") -> Any:
        if not url.startswith(ADDRESS):
            image = original(cache, url_fetcher, options, url, forced_mime_type, context,
                             orientation)
            # WeasyPrint names a picture in the PDF by a digest of its address, which holds
            # the checkout's folder: named by its bytes, two checkouts write the same PDF
            named = getattr(url_fetcher, "digests", {}).get(url)
            if named is not None and isinstance(getattr(image, "id", None), str):
                image.id = named
            return image
        from ..math import addressed

        drawing = addressed(url)
        if drawing is None:  # named outside drawings_by_address: a mistake in the pipeline
            raise LookupError(f"no formula drawing at {url}")
        read = read_drawing(drawing.svg)
        em = (drawing.width, drawing.height)
        if read is not None:
            return FormulaImage(em, drawing.depth, read, words=drawing.words)
        return FormulaImage(em, drawing.depth, None,
                            SVGImage(ET.fromstring(drawing.svg), url, url_fetcher, context),
                            drawing.words)

    get_image_from_uri.formulas_by_address = True  # type: ignore[attr-defined]
    get_image_from_uri.original = original  # type: ignore[attr-defined]
    document.original_get_image_from_uri = get_image_from_uri
    laid_out = inline.atomic_box

    def atomic_box(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        laid = laid_out(context, box, *args, **kwargs)
        image = getattr(laid, "replacement", None)
        if isinstance(image, FormulaImage):  # as "vertical-align: -<depth>em" would
            laid.baseline -= image.depth * laid.style["font_size"]
        return laid

    atomic_box.original = laid_out  # type: ignore[attr-defined]
    inline.atomic_box = atomic_box
    return True
