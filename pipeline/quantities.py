"""A number and its unit kept on one line: "10 mg", "37.5 °C", "2–4 h", "120 mmHg".

A narrow table cell (a dosing table of 14 columns, a phone's screen) would
otherwise break "10" from "mg", which a reader can misread as two values.  The
pair becomes a span of class ``quantity``, which the style sheets of every
format set ``white-space: nowrap``; the words and the space between them are
unchanged, so a PDF's text, a search and a screen reader read "10 mg" as
written.
"""

from __future__ import annotations

import re

from .tree import Node, rewrite

# SI units with their prefixes, and those clinics write: doses, concentrations, pressures,
# times, rates and radiation.
_PREFIXED = ("g|L|l|m|mol|Eq|eq|U|IU|Pa|Hz|J|cal|W|V|A|Gy|Sv|Bq|Ci|s|M|osm|Osm|kat")
UNIT = (r"(?:(?:[kcmdnpfµμu]|mc)?(?:" + _PREFIXED + r")|mEq|mmHg|cmH2O|mm\s?Hg|°C|°F|K|"
        r"%|‰|h|hr|hrs|min|mins|d|wk|wks|mo|y|yr|yrs|bpm|dB|IE|UI|gtt|kcal|kDa|Da|"
        r"ppm|pH|mSv|MBq|mCi|mg/dl|mmol/l)")
# the unit's word: the unit, perhaps squared or cubed, per other units ("mg/kg/day",
# "mL/min/1.73 m²"'s first part), then a sentence's punctuation
UNIT_WORD = re.compile(r"(?:" + UNIT + r")[²³23]?(?:/[\w.²³µμ°%]+)*[.,;:!?)\]]*")
# a number, perhaps a range, a comparison or a sign before it ("≥5", "10–20", "(0.5")
NUMBER = re.compile(r"[(\[]?[<>≤≥±~≈+−-]?\d+(?:[.,]\d+)*(?:[–-]\d+(?:[.,]\d+)*)?")
SPACES = ("Space", "SoftBreak")
# what a body holds when it may hold a quantity: a digit, spaces, a unit, its word's end
QUANTITY = re.compile(r"\d[ \t\n]+" + UNIT + r"(?![^\s/.,;:!?)\]²³23])")


# inlines whose content is inlines, and where in ``c`` they are; a note's are blocks
WITHIN = {"Emph": None, "Strong": None, "Underline": None, "Strikeout": None,
          "Superscript": None, "Subscript": None, "SmallCaps": None, "Span": 1, "Link": 1,
          "Quoted": 1, "Cite": 1}


def _quantity(items: list[Node], index: int) -> bool:
    """Whether ``items[index]`` is a space between a number and a unit."""
    if index == 0 or index + 1 >= len(items):
        return False
    number, unit = items[index - 1], items[index + 1]
    return (number["t"] == "Str" and unit["t"] == "Str" and number["c"][-1:].isdigit()
            and NUMBER.fullmatch(number["c"]) is not None
            and UNIT_WORD.fullmatch(unit["c"]) is not None)


def _inlines(items: list[Node]) -> list[Node] | None:
    """``items`` with each quantity in its span, or None when there is none."""
    out: list[Node] | None = None
    index = 0
    while index < len(items):
        item = items[index]
        kind = item["t"]
        new = item
        if kind in SPACES and _quantity(items, index):
            if out is None:
                out = items[:index - 1]
            else:
                out.pop()
            out.append({"t": "Span", "c": [["", ["quantity"], []],
                                           [items[index - 1], {"t": "Space"}, items[index + 1]]]})
            index += 2
            continue
        if kind in WITHIN:
            where = WITHIN[kind]
            inner = _inlines(item["c"] if where is None else item["c"][where])
            if inner is not None:
                new = {"t": kind, "c": inner if where is None
                       else [*item["c"][:where], inner, *item["c"][where + 1:]]}
        elif kind == "Note":
            inner = _blocks(item["c"])
            if inner is not item["c"]:
                new = {"t": kind, "c": inner}
        if new is not item and out is None:
            out = items[:index]
        if out is not None:
            out.append(new)
        index += 1
    return out


def _with_inlines(node: Node) -> Node:
    """``node`` with its quantities in spans; itself (not None, which would have ``rewrite``
    walk its inlines again) when it has none."""
    if node["t"] == "Header":
        inner = _inlines(node["c"][2])
        return node if inner is None else {"t": "Header", "c": [*node["c"][:2], inner]}
    if node["t"] == "LineBlock":
        lines = [_inlines(line) for line in node["c"]]
        return node if all(line is None for line in lines) else \
            {"t": "LineBlock", "c": [new or old for new, old in zip(lines, node["c"],
                                                                     strict=True)]}
    inner = _inlines(node["c"])
    return node if inner is None else {"t": node["t"], "c": inner}


def _blocks(blocks: list[Node]) -> list[Node]:
    return rewrite(blocks, _with_inlines, ("Para", "Plain", "Header", "LineBlock"))


def unbroken_quantities(blocks: list[Node]) -> list[Node]:
    """``blocks`` with each number and the unit after it in one ``quantity`` span.

    Code, formulas and raw markup are shown as written and left alone.
    """
    return _blocks(blocks)
