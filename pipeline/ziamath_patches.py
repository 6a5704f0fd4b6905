"""The one place where ziamath, the math typesetter of the print edition, is changed.

``skip_unstretched_rows``: before laying out a row, ziamath lays out a copy of
every child once more, only to learn how tall the row is without its
stretchy operators (``Mrow._get_height_nostretch``), so that a ``\\left(``
or a stretchy bar can grow to it.  Rows nest, so a formula of depth *d* is
laid out about 2^d times.  Only a stretchy ``<mo>`` reads that height
(``rowymin``/``rowymax`` in ``nodes/moperator.py``); a row with none below it
gets a zero height without the extra layout, and draws the same paths (checked
by ``tests/test_math.py``); a row with one lays its children out once more
on deep copies, not on copies written out as text and parsed again.

``shallow_parent_style``: every node reads its parent's style through
``dataclasses.asdict``, which deep-copies it, nested variant and all; the
style reader only looks up the parent's plain values (colour, size, script
level, display style), so a shallow mapping of its fields gives the same
style at a fraction of the cost.

``plain_style_reading``: ``styles.parse_style`` looks every attribute up in a
``ChainMap`` of the element's attributes and its parent's style, most of the
time of laying out a formula; the same lookups read the two directly.  And
``Mnode.size_px`` builds its table of named spaces afresh for every length
it converts; a length's size depends only on its text and the font size, so
each is converted once.

``cubic_glyph_paths``: ziafont writes a TrueType glyph's outline as quadratic
curves (``Q``), which a PDF cannot hold: WeasyPrint reads every number of
them back and writes each curve as a cubic one with six-decimal control
points.  ziafont's glyph paths are written as those cubic curves (``C``)
straight away, in its own three-decimal numbers: the same outline to a
thousandth of a unit (checked by ``tests/test_math.py``), which
``pipeline/formats/svg_numbers.py`` copies into the PDF as written.

``mstyle_when_present``: ziamath moves the attributes of every ``<mstyle>``
to its children by writing the whole formula out as text, deleting the
``<mstyle>`` tags from the text and parsing it again; a formula without one
(most: pandoc writes ``<mstyle>`` only for style switches) comes back as it
was, so it is not written out and read again.

``remembered_symbols``: each formula writes the ``<symbol>`` of every glyph
it uses (its outline at ziafont's 12-point size, the same in any formula and
at any size); a glyph's symbol is written once a process and copied.

Written for ziamath 0.13 and ziafont 0.11; another release is left as it is
(slower, never wrong).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import warnings
import xml.etree.ElementTree as ET
from typing import Any

WRITTEN_FOR = "0.13"
ZIAFONT_WRITTEN_FOR = "0.11"


def _may_stretch(element: ET.Element, operators: Any) -> bool:
    """Whether ``element`` or anything below it is an operator ziamath may stretch."""
    for node in element.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag == "mfenced":
            return True
        text = "".join(node.itertext()).strip()
        if tag == "mo" or (tag == "mi" and text in operators.names):
            stretchy = node.get("stretchy")
            if stretchy is not None:
                if stretchy != "false":
                    return True
                continue
            if any(operators.get_params(text, form).get("stretchy", "false") != "false"
                   for form in ("prefix", "infix", "postfix")):
                return True
            if "minsize" in node.attrib or "maxsize" in node.attrib:
                return True
    return False


def _copying_height_nostretch(node_class: Any, elementtext: Any) -> Any:
    """``Mrow._get_height_nostretch`` with each child copied by ``deepcopy``.

    ziamath copies a child by writing it out as text and parsing it again; the
    deep copy is the same tree (its own tail aside, which no node reads).
    """

    def get_height_nostretch(self: Any, line: list[ET.Element],
                             **kwargs: Any) -> tuple[float, float]:
        ymax, ymin = -9999.0, 9999.0
        kwargs["nostretch"] = True  # children leave stretchy operators out of their boxes
        for child in line:
            if child.tag == "mo" and elementtext(child) == "":
                continue
            node = node_class.fromelement(copy.deepcopy(child), parent=self, **kwargs)
            ymax = max(ymax, node.bbox.ymax)
            ymin = min(ymin, node.bbox.ymin)
        return ymin, ymax

    return get_height_nostretch


def _plain_style_reader(styles: Any) -> Any:
    """``styles.parse_style`` without its ``ChainMap``: the same style from the same lookups."""
    inherited = {f.name for f in dataclasses.fields(styles.MathStyle)}
    config = styles.config

    def parse_style(element: ET.Element, parent_style: Any = None) -> Any:
        attrib = element.attrib
        if parent_style is None:
            def get(key: str, default: Any) -> Any:
                return attrib.get(key, default)
            parent_variant = styles.MathVariant()
            displaystyle = (attrib.get("displaystyle") in ("true", True)
                            if "displaystyle" in attrib
                            else attrib.get("display", "block") != "inline"
                            if "display" in attrib else True)
        else:
            def get(key: str, default: Any) -> Any:
                if key in attrib:
                    return attrib[key]
                return getattr(parent_style, key) if key in inherited else default
            parent_variant = parent_style.mathvariant
            displaystyle = get("displaystyle", None) in ("true", True)
        args = {"mathcolor": get("mathcolor", config.math.color),
                "mathbackground": get("mathbackground", config.math.background),
                "mathsize": get("mathsize", ""),
                "scriptlevel": int(get("scriptlevel", 0)),
                "mathvariant": styles.parse_variant(
                    attrib.get("mathvariant", config.math.variant), parent_variant),
                "displaystyle": displaystyle}
        css = attrib.get("style", "")
        for declaration in css.split(";") if css else ():
            if not declaration:
                continue
            key, value = declaration.split(":")
            key, value = key.strip().lower(), value.strip()
            if key == "background":
                args["mathbackground"] = value
            elif key == "color":
                args["mathcolor"] = value
        return styles.MathStyle(**args)

    parse_style.original = styles.parse_style  # type: ignore[attr-defined]
    return parse_style


def _remembered_sizes(original: Any) -> Any:
    """``Mnode.size_px`` converting each (length, font size) once."""

    @functools.lru_cache(maxsize=4096)
    def converted(size: str, fontsize: float) -> float:
        return original(None, size, fontsize)  # the node is only read for a missing fontsize

    def size_px(self: Any, size: str, fontsize: float | None = None) -> float:
        return converted(size, self.glyphsize if fontsize is None else fontsize)

    size_px.original = original  # type: ignore[attr-defined]
    return size_px


def _cubic_glyph_paths(svgpath: Any, kinds: Any, config: Any) -> Any:
    """ziafont's ``SimpleGlyph.svgpath`` writing quadratic curves as the cubic ones they are."""
    moveto, lineto, quad, cubic = kinds

    def cubic_svgpath(self: Any, x0: float = 0, y0: float = 0,
                      scale_factor: float = 1) -> ET.Element | None:
        written = f".{config.precision}f"

        def fmt(value: float) -> str:
            return format(value, written).rstrip("0").rstrip(".")

        scale = self.funits_to_points(1, scale_factor)
        parts: list[str] = []
        x = y = 0.0
        for operator in self.operators:
            kind = type(operator)
            if kind is moveto or kind is lineto:
                x, y = x0 + operator.p.x * scale, y0 - operator.p.y * scale
                if kind is moveto and parts:
                    parts.append("Z ")
                parts.append(f"{'M' if kind is moveto else 'L'} {fmt(x)} {fmt(y)} ")
            elif kind is quad:
                qx, qy = x0 + operator.p1.x * scale, y0 - operator.p1.y * scale
                ex, ey = x0 + operator.p2.x * scale, y0 - operator.p2.y * scale
                parts.append(f"C {fmt(x + (qx - x) * 2 / 3)} {fmt(y + (qy - y) * 2 / 3)} "
                             f"{fmt(ex + (qx - ex) * 2 / 3)} {fmt(ey + (qy - ey) * 2 / 3)} "
                             f"{fmt(ex)} {fmt(ey)} ")
                x, y = ex, ey
            elif kind is cubic:
                parts.append(operator.path(x0, y0, scale=scale))
                x, y = x0 + operator.p3.x * scale, y0 - operator.p3.y * scale
            else:  # an outline ziafont may learn to write: left to it
                return svgpath(self, x0, y0, scale_factor)
        if not parts:
            return None
        parts.append("Z ")
        return ET.Element("path", attrib={"d": "".join(parts)})

    cubic_svgpath.original = svgpath  # type: ignore[attr-defined]
    return cubic_svgpath


def _mstyle_when_present(apply_mstyle: Any) -> Any:
    """``zmath.apply_mstyle`` only for a formula that has an ``<mstyle>``."""

    def apply_present_mstyle(element: ET.Element) -> ET.Element:
        if element.tag != "mstyle" and element.find(".//mstyle") is None:
            return element  # what the round trip through text would give back
        return apply_mstyle(element)

    apply_present_mstyle.original = apply_mstyle  # type: ignore[attr-defined]
    return apply_present_mstyle


def _remembered_symbols(svgsymbol: Any) -> Any:
    """ziafont's ``SimpleGlyph.svgsymbol`` written once a glyph, then copied."""

    def remembered_svgsymbol(self: Any) -> ET.Element:
        kept = self.__dict__.get("_written_symbol")
        if kept is None:
            kept = self.__dict__["_written_symbol"] = svgsymbol(self)
        return copy.copy(kept)  # a formula may set attributes on its own copy

    remembered_svgsymbol.original = svgsymbol  # type: ignore[attr-defined]
    return remembered_svgsymbol


def _shallow_fields(instance: Any) -> dict[str, Any]:
    """A dataclass's fields as a mapping, values as they are (``asdict`` copies them)."""
    return {f.name: getattr(instance, f.name) for f in dataclasses.fields(instance)}


@functools.cache
def ziamath() -> Any:
    """ziamath, imported quietly (its import warns on Python 3.11+), with the patch applied.

    Glyphs are written as SVG 2 ``<symbol>``/``<use>`` pairs, each outline
    once a formula: the PDF writes each outline once a file from them
    (``pipeline/formats/formula_images.py``).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath as module
        from ziafont import svgpath
        from ziafont.config import config as ziafont_config
        from ziafont.glyph import SimpleGlyph
        from ziamath import operators, styles, zmath
        from ziamath.nodes import mfrac, mnode
        from ziamath.nodes.mrow import Mrow
        from ziamath.nodes.nodetools import elementtext
    module.config.svg2 = True
    original = Mrow._get_height_nostretch
    if module.__version__ == WRITTEN_FOR and not getattr(original, "skips_unstretched", False):
        measured = _copying_height_nostretch(mnode.Mnode, elementtext)

        def height_nostretch(self: Any, line: list[ET.Element], **kwargs: Any) -> Any:
            if not any(_may_stretch(child, operators) for child in line):
                return 0.0, 0.0
            return measured(self, line, **kwargs)

        height_nostretch.skips_unstretched = True  # type: ignore[attr-defined]
        height_nostretch.original = original  # type: ignore[attr-defined]
        Mrow._get_height_nostretch = height_nostretch
        styles.asdict = _shallow_fields
        parse_style = _plain_style_reader(styles)
        for reader in (styles, zmath, mnode, mfrac):
            reader.parse_style = parse_style
        mnode.Mnode.size_px = _remembered_sizes(mnode.Mnode.size_px)
        zmath.apply_mstyle = _mstyle_when_present(zmath.apply_mstyle)
    from importlib.metadata import version  # here: loading the format registry needs none

    if version("ziafont") == ZIAFONT_WRITTEN_FOR and not hasattr(SimpleGlyph.svgpath, "original"):
        SimpleGlyph.svgpath = _cubic_glyph_paths(
            SimpleGlyph.svgpath, (svgpath.Moveto, svgpath.Lineto, svgpath.Quad, svgpath.Cubic),
            ziafont_config)
        SimpleGlyph.svgsymbol = _remembered_symbols(SimpleGlyph.svgsymbol)
    return module
