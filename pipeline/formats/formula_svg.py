"""The typesetter's SVG of a formula read for the PDF: glyph outlines as forms, bars as paths.

The typesetter (:mod:`pipeline.math`) writes each glyph of the math font once
as a ``<symbol>`` and places it with ``<use>``, fraction and radical bars as
``<rect>``.  A drawing as it writes it is read piece by piece with regular
expressions; another (a glyph made of parts, a path of its own) as an XML
tree; one with anything else (strokes, transforms, markers, other elements
or attributes) is :class:`Unsupported` and left to WeasyPrint's SVG reader
(:mod:`.formula_images` draws what is read here).
"""

from __future__ import annotations

import functools
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .svg_numbers import is_plain_path, path_operators, pdf_number

SVG_NS = "{http://www.w3.org/2000/svg}"
GLYPH_ATTRIBUTES = frozenset(("href", "x", "y", "width", "height", "fill"))
RECT_ATTRIBUTES = frozenset(("x", "y", "width", "height", "fill"))
IGNORED = ("title", "desc")


class Unsupported(ValueError):
    """A drawing this module does not draw: WeasyPrint's SVG reader draws it."""


class GlyphForm:
    """A glyph outline as a form XObject, drawn through WeasyPrint's image resources.

    WeasyPrint writes an image once a file however often it is placed; a glyph
    passes for one (``id`` and ``get_x_object``), with no resources of its own.
    The form's bytes (compressed) are made once a process, the same in every
    file: pydyf reads an object's bytes twice, to write it and for the file's
    identifier, and would compress the outline again each time.
    """

    def __init__(self, operators: bytes, box: tuple[float, float, float, float]):
        self.operators = operators
        self.box = box
        self.id = hashlib.sha256(operators).hexdigest()[:16]

    @functools.cached_property
    def written(self) -> bytes:
        """The form's dictionary and compressed stream, as pydyf writes them."""
        import pydyf

        return pydyf.Stream([self.operators, b"f"], pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Form",
            "BBox": pydyf.Array(self.box)}), compress=True).data

    def get_x_object(self, interpolate: bool, dpi_ratio: float) -> Any:
        """The form XObject: the outline, filled in the colour of where it is placed."""
        return _written_form()(self.written)


@functools.cache
def _written_form() -> type:
    import pydyf

    class WrittenForm(pydyf.Stream):
        """A form XObject whose bytes are written already."""

        def __init__(self, written: bytes):
            super().__init__(extra={"Subtype": "/Form"})
            self.written = written

        @property
        def data(self) -> bytes:
            return self.written

    return WrittenForm


@functools.lru_cache(maxsize=4096)
def glyph_form(paths: tuple[str, ...]) -> GlyphForm:
    """The form of a symbol's outline, one or more ``paths`` (remembered: fonts hold them).

    Raises :class:`Unsupported` for a path :func:`.svg_numbers.path_operators` does not write.
    """
    if not all(is_plain_path(d) for d in paths):
        raise Unsupported("symbol path")
    operators = b"\n".join(path_operators(d).removeprefix(b"0 0 m\n") for d in paths)
    numbers = [float(n) for n in operators.split() if not n.isalpha()]
    xs, ys = numbers[0::2], numbers[1::2]
    # control points bound a Bézier curve: the box holds the whole outline
    box = (min(xs, default=0.0), min(ys, default=0.0), max(xs, default=0.0),
           max(ys, default=0.0))
    return GlyphForm(operators, box)


class Placed(NamedTuple):
    """One thing a formula draws: a glyph form, a rectangle or a path, in its colour."""

    color: Any
    glyph: GlyphForm | None = None
    matrix: bytes = b""  # the glyph's "a 0 0 a e f" in the drawing's units
    operators: bytes = b""  # a rectangle or a path, ready to fill


@dataclass(frozen=True)
class FormulaDrawing:
    """A formula's drawing read for the PDF: its size, viewBox and what it draws."""

    width: float
    height: float
    view_box: tuple[float, float, float, float]
    placed: tuple[Placed, ...]


def _number(element: ET.Element, name: str) -> float:
    return float(element.get(name, "0"))


@functools.lru_cache(maxsize=256)
def _color(value: str | None) -> Any:
    """The colour a ``fill`` names (tinycss2's, as WeasyPrint reads it)."""
    from tinycss2.color5 import parse_color

    color = parse_color(value or "black")
    if color is None or isinstance(color, str):  # currentColor, or not a colour
        raise Unsupported(f"fill {value!r}")
    return color


def _tag(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG_NS)


Symbol = tuple[tuple[float, ...], GlyphForm | None]


def _symbol(view_box: str, paths: tuple[str, ...]) -> Symbol:
    """A symbol's viewBox and the form of its outline (a space has none)."""
    box = tuple(float(v) for v in view_box.split())
    if not paths:
        return box, None
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
        raise Unsupported("symbol viewBox")
    return box, glyph_form(paths)


def _glyph(symbol: Symbol, x: float, y: float, width: float, height: float,
           fill: str | None) -> Placed | None:
    """A ``<use>`` of a symbol: the symbol's viewBox fitted to the use's box, as SVG does."""
    (vx, vy, vw, vh), glyph = symbol
    if glyph is None:
        return None
    scale = min(width / vw, height / vh)  # preserveAspectRatio="xMidYMid meet"
    e = x + (width - vw * scale) / 2 - vx * scale
    f = y + (height - vh * scale) / 2 - vy * scale
    a = pdf_number(scale)
    matrix = f"{a} 0 0 {a} {pdf_number(e)} {pdf_number(f)}".encode("ascii")
    return Placed(_color(fill), glyph=glyph, matrix=matrix)


def _rect(box: Iterable[float], fill: str | None) -> Placed | None:
    """A ``<rect>`` to fill (None when its fill is none)."""
    if fill == "none":
        return None
    return Placed(_color(fill), operators=(" ".join(pdf_number(v) for v in box)
                                           + " re").encode("ascii"))


# the typesetter's own writing, read without building a tree (anything else: _read_tree)
NUMBER = r"(-?\d+(?:\.\d+)?)"
ROOT = re.compile(rf'<svg xmlns="http://www\.w3\.org/2000/svg" width="{NUMBER}" '
                  rf'height="{NUMBER}" viewBox="([-\d. ]+)">')
SYMBOL = re.compile(r'<symbol id="([^"&<]+)" viewBox="([-\d. ]+)"'
                    r'(?: />|><path d="([MLQCZ\d. -]+)" /></symbol>)')
USE = re.compile(rf'<use href="#([^"&<]+)" x="{NUMBER}" y="{NUMBER}" width="{NUMBER}" '
                 rf'height="{NUMBER}" fill="([^"&<]+)" />')
RECT = re.compile(rf'<rect x="{NUMBER}" y="{NUMBER}" width="{NUMBER}" height="{NUMBER}" '
                  r'fill="([^"&<]+)" />')


def _read_written(svg: str) -> FormulaDrawing | None:
    """``svg`` as the typesetter writes it, read piece by piece; None for anything else."""
    root = ROOT.match(svg)
    if root is None or not svg.endswith("</svg>"):
        return None
    symbols: dict[str, Symbol] = {}
    placed: list[Placed] = []
    at, end = root.end(), len(svg) - len("</svg>")
    while at < end:
        kind = svg[at + 1:at + 2]
        if kind == "s" and (match := SYMBOL.match(svg, at)):
            ident, view_box, path = match.groups()
            symbols[ident] = _symbol(view_box, (path,) if path else ())
        elif kind == "u" and (match := USE.match(svg, at)):
            ident, x, y, width, height, fill = match.groups()
            if ident not in symbols:
                return None
            glyph = _glyph(symbols[ident], float(x), float(y), float(width), float(height),
                           fill)
            if glyph is not None:
                placed.append(glyph)
        elif kind == "r" and (match := RECT.match(svg, at)):
            found = _rect(map(float, match.groups()[:4]), match.group(5))
            if found is not None:
                placed.append(found)
        else:
            return None
        at = match.end()
    width, height, view_box = float(root.group(1)), float(root.group(2)), root.group(3)
    return _drawing(width, height, view_box, placed)


def _drawing(width: float, height: float, view_box: str,
             placed: list[Placed]) -> FormulaDrawing:
    box = tuple(float(v) for v in view_box.split())
    if len(box) != 4 or min(box[2], box[3], width, height) <= 0:
        raise Unsupported("viewBox")
    return FormulaDrawing(width, height, box, tuple(placed))  # type: ignore[arg-type]


def _tree_symbol(element: ET.Element) -> Symbol:
    """A ``<symbol>`` of an outline: a path, or a group of paths (a glyph made of parts)."""
    if set(element.attrib) != {"id", "viewBox"}:
        raise Unsupported("symbol")
    paths = []
    for child in element.iter():
        if child is element or (_tag(child) == "g" and not child.attrib):
            continue
        if _tag(child) != "path" or set(child.attrib) != {"d"}:
            raise Unsupported("symbol content")
        paths.append(child.get("d", ""))
    return _symbol(element.get("viewBox", ""), tuple(paths))


def _filled(element: ET.Element, fill: str | None) -> Placed | None:
    """A ``<rect>`` or a ``<path>`` to fill (None when its fill is none)."""
    tag = _tag(element)
    fill = element.get("fill", fill)
    if tag == "rect" and set(element.attrib) <= RECT_ATTRIBUTES:
        return _rect((_number(element, name) for name in ("x", "y", "width", "height")), fill)
    if tag == "path" and set(element.attrib) <= {"d", "fill"} \
            and is_plain_path(element.get("d", "")):
        return None if fill == "none" else Placed(
            _color(fill), operators=path_operators(element.get("d", "")))
    raise Unsupported(tag)


def _read_tree(svg: str) -> FormulaDrawing:
    """``svg`` read as a tree: symbols of paths or groups of paths, uses, rects and paths."""
    root = ET.fromstring(svg)
    if _tag(root) != "svg":
        raise Unsupported("root")
    symbols: dict[str, Symbol] = {}
    placed: list[Placed] = []
    for element in root:
        tag = _tag(element)
        if tag == "symbol":
            symbols[element.get("id", "")] = _tree_symbol(element)
        elif tag == "use":
            href = element.get("href", "")
            if not GLYPH_ATTRIBUTES.issuperset(element.attrib) or not href.startswith("#") \
                    or href[1:] not in symbols:
                raise Unsupported("use")
            glyph = _glyph(symbols[href[1:]], *(_number(element, name) for name in
                                                 ("x", "y", "width", "height")),
                           element.get("fill"))
            if glyph is not None:
                placed.append(glyph)
        elif tag == "g" and set(element.attrib) <= {"fill"}:
            placed.extend(p for child in element
                          if (p := _filled(child, element.get("fill"))) is not None)
        elif tag not in IGNORED:
            found = _filled(element, None)
            if found is not None:
                placed.append(found)
    return _drawing(_number(root, "width"), _number(root, "height"), root.get("viewBox", ""),
                    placed)


@functools.lru_cache(maxsize=1024)
def read_drawing(svg: str) -> FormulaDrawing | None:
    """``svg`` as :class:`FormulaDrawing`, or None when WeasyPrint's reader must draw it."""
    try:
        return _read_written(svg) or _read_tree(svg)
    except (Unsupported, ET.ParseError, ValueError):
        return None
