"""A formula's words as invisible text over its drawing: the PDF's text holds its formulas.

A formula of the print edition is drawn as glyph outlines (:mod:`.formula_images`),
so a PDF reader's search, copy and text extraction found nothing where it stood:
``dose = 15 mg/kg`` came out as ``dose =  mg/kg``.  Over each drawing this module
writes the formula's words (``x² + 1``, ``CrCl < 30``: :func:`pipeline.math_words.spelled`)
as text in rendering mode 3 (invisible), as wide as the drawing and on its
baseline, inside the drawing's marked content: the ``/Formula`` structure element
keeps its ``/Alt``, which a screen reader reads in its place.

The text uses one Type 3 font per 255 characters, made for the file: each code an
empty glyph half an em wide, named for its character (``uni2265``) and mapped to it by a
``/ToUnicode`` map, so no font program is embedded and the file stays PDF/A-3a.  Codes are given in the
order characters are first drawn: the same document gives the same bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from .pdf_refs import resolved
from .svg_numbers import pdf_number

FONT_NAME = "FormulaText"  # resource names FormulaText0, FormulaText1, ...
CODES_PER_FONT = 255  # codes 1-255 of a simple font
WIDTH = 500  # every glyph's advance, in thousandths of the font size


class FormulaText:
    """The characters one PDF's formulas spell, each given a font and a code."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[int, int]] = {}  # character -> (font index, code)

    def runs(self, text: str) -> list[tuple[int, bytes]]:
        """``text`` as (font index, codes) runs, new characters given the next free code."""
        runs: list[tuple[int, bytes]] = []
        for ch in text:
            if ch not in self.codes:
                count = len(self.codes)
                self.codes[ch] = (count // CODES_PER_FONT, count % CODES_PER_FONT + 1)
            font, code = self.codes[ch]
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + bytes((code,)))
            else:
                runs.append((font, bytes((code,))))
        return runs

    def add_fonts(self, pdf: Any, objects: list[Any]) -> None:
        """Write the fonts into ``pdf`` and name them in every font resource dictionary."""
        if not self.codes:
            return
        import pydyf

        by_font: dict[int, dict[int, str]] = {}
        for ch, (font, code) in self.codes.items():
            by_font.setdefault(font, {})[code] = ch
        glyph = pydyf.Stream([f"{WIDTH} 0 d0".encode("ascii")])
        pdf.add_object(glyph)
        references = {}
        for font, characters in sorted(by_font.items()):
            last = max(characters)
            to_unicode = pydyf.Stream([_cmap(characters)])
            pdf.add_object(to_unicode)
            names = pydyf.Dictionary({_glyph_name(ch): glyph.reference
                                      for ch in characters.values()})
            dictionary = pydyf.Dictionary({
                "Type": "/Font", "Subtype": "/Type3",
                "FontBBox": pydyf.Array((0, -250, WIDTH, 750)),  # a line's height: readers join lines
                "FontMatrix": pydyf.Array((0.001, 0, 0, 0.001, 0, 0)),
                "CharProcs": names,
                "Encoding": pydyf.Dictionary({
                    "Type": "/Encoding",
                    "Differences": pydyf.Array(
                        [1, *("/" + _glyph_name(characters[code])
                              for code in range(1, last + 1))]),
                }),
                "FirstChar": 1, "LastChar": last,
                "Widths": pydyf.Array([WIDTH] * last),
                "ToUnicode": to_unicode.reference,
                "Resources": pydyf.Dictionary(),
            })
            pdf.add_object(dictionary)
            references[f"{FONT_NAME}{font}"] = dictionary.reference
        for fonts in _font_dictionaries(pdf, objects):
            fonts.update(references)


def _glyph_name(ch: str) -> str:
    """The glyph name readers map back to ``ch`` without the CMap (``uni2265``: ≥)."""
    return "space" if ch == " " else f"uni{ord(ch):04X}" if ord(ch) < 0x10000 \
        else f"u{ord(ch):05X}"


def _cmap(characters: dict[int, str]) -> bytes:
    """A ``/ToUnicode`` CMap naming each code's character."""
    pairs = [f"<{code:02X}> <{ch.encode('utf-16-be').hex().upper()}>"
             for code, ch in sorted(characters.items())]
    blocks = []
    for start in range(0, len(pairs), 100):  # at most 100 a block
        block = pairs[start:start + 100]
        blocks.append(f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
            + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
            ).encode("ascii")


def _font_dictionaries(pdf: Any, objects: list[Any]) -> Iterator[Any]:
    """Each font resource dictionary of the file's pages and forms, once."""
    seen: set[int] = set()
    for page in pdf.pages["Kids"][::3]:  # pydyf lists "n 0 R" as three items
        resources = objects[int(page)]["Resources"]
        yield from _fonts_of(objects, resources, seen)


def _fonts_of(objects: list[Any], resources: Any, seen: set[int]) -> Iterator[Any]:
    resources = resolved(objects, resources)
    if resources is None or id(resources) in seen:
        return
    seen.add(id(resources))
    fonts = resolved(objects, resources.get("Font"))
    if fonts is not None and id(fonts) not in seen:
        seen.add(id(fonts))
        yield fonts
    for x_object in (resolved(objects, resources.get("XObject")) or {}).values():
        x_object = resolved(objects, x_object)
        extra = getattr(x_object, "extra", None)
        if extra is not None and "Resources" in extra:
            yield from _fonts_of(objects, extra["Resources"], seen)


_OPEN: ContextVar[FormulaText | None] = ContextVar("formula_text", default=None)


@contextlib.contextmanager
def collecting(text: FormulaText) -> Iterator[FormulaText]:
    """Within the block, formulas drawn write their words through ``text``."""
    token = _OPEN.set(text)
    try:
        yield text
    finally:
        _OPEN.reset(token)


def show(stream: Any, words: str, width: float, baseline: float) -> None:
    """Write ``words`` invisibly from (0, ``baseline``) across ``width`` of a y-down ``stream``.

    The font size makes the words exactly as wide as the drawing: readers that
    ignore text scaling (pypdf) measure them as drawn and join the text after them.
    """
    text = _OPEN.get()
    words = " ".join(words.split())
    if text is None or not words or width <= 0:
        return
    size = round(width / (len(words) * WIDTH / 1000), 3)
    operators = [b"q BT 3 Tr", f"1 0 0 -1 0 {pdf_number(baseline)} Tm".encode("ascii")]
    for font, codes in text.runs(words):
        operators.append(f"/{FONT_NAME}{font} {pdf_number(size)} Tf <{codes.hex()}> Tj"
                         .encode("ascii"))
    operators.append(b"ET Q")
    stream.stream.append(b" ".join(operators))
