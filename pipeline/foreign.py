"""SVG drawings and MathML formulas written as raw HTML, kept and made safe.

pandoc passes ``<svg>`` and ``<math>`` through one tag at a time and reads
the text between the tags as Markdown (``<mi>x</mi>`` is a raw tag, the
word ``x``, another raw tag).  ``gather_foreign`` joins such an element back
into one raw piece, so the HTML5 parser (:mod:`.rawhtml`) sees it whole.
``clean_foreign`` then keeps what draws and drops what acts or reaches
outside the handout: scripts, event handlers, ``foreignObject``, animation,
external images, links and style sheets, and any reference that is not to
an element of the same drawing (``href="#id"``, ``url(#id)``).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .tree import Node, stringify

SVG_NS = "http://www.w3.org/2000/svg"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
PREFIXES = {XLINK_NS: "xlink", XML_NS: "xml"}
OPENING = re.compile(r"^\s*<(svg|math)\b", re.IGNORECASE)
SVG_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "title", "desc", "linearGradient",
    "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "switch", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feMerge",
    "feMergeNode", "feColorMatrix", "feDropShadow"}
MATHML_ELEMENTS = {
    "math", "mi", "mn", "mo", "mtext", "mspace", "ms", "mrow", "mfrac", "msqrt", "mroot",
    "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
    "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none",
    "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation", "maligngroup",
    "malignmark", "mglyph"}
WHY = {
    "script": "scripts never go into a handout",
    "foreignObject": "HTML inside a drawing cannot be checked; draw it in SVG",
    "image": "a drawing may not load another file; use an image (![text](file.svg))",
    "a": "links inside a drawing are not kept (its content is)",
    "style": "it would change the whole document; use attributes on the shapes",
    "annotation-xml": "it holds markup no reader shows",
}
UNWRAPPED = {"a", "maction"}  # left out, their content kept
EXTERNAL_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


def _source(node: Node) -> str:
    """The text a node stands for inside an SVG or MathML element."""
    kind = node.get("t")
    if kind in ("RawInline", "RawBlock"):
        return node["c"][1] if node["c"][0].lower() in ("html", "html5", "html4") else ""
    if kind in ("Space",):
        return " "
    if kind in ("SoftBreak", "LineBreak"):
        return "\n"
    if kind in ("Plain", "Para"):
        return "".join(_source(child) for child in node["c"])
    if kind in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                "SmallCaps"):
        return "".join(_source(child) for child in node["c"])
    if kind == "Span":
        return "".join(_source(child) for child in node["c"][1])
    return html.escape(stringify(node), quote=False)


def _depth_change(text: str, name: str) -> int:
    opens = re.findall(rf"<{name}\b[^>]*?(/?)>", text, re.IGNORECASE)
    closes = re.findall(rf"</{name}\s*>", text, re.IGNORECASE)
    return sum(1 for slash in opens if not slash) - len(closes)


def gather_foreign(items: list[Node], block: bool) -> list[Node]:
    """Each raw ``<svg>``/``<math>`` element of ``items`` as one raw piece, whole."""
    if block:
        items = _rejoin_paragraphs(items)
    out: list[Node] = []
    index = 0
    while index < len(items):
        node = items[index]
        text = _source(node) if node.get("t") in ("RawInline", "RawBlock") else ""
        match = OPENING.match(text)
        if not match or _depth_change(text, match.group(1).lower()) <= 0:
            out.append(node)
            index += 1
            continue
        name = match.group(1).lower()
        depth, end, joined = 0, index, []
        while end < len(items):
            piece = _source(items[end])
            joined.append(piece)
            depth += _depth_change(piece, name)
            end += 1
            if depth <= 0:
                break
        out.append({"t": "RawBlock" if block else "RawInline", "c": ["html", "".join(joined)]})
        index = end
    return out


def _open_depths(text: str) -> tuple[int, int]:
    return _depth_change(text, "svg"), _depth_change(text, "math")


def _rejoin_paragraphs(blocks: list[Node]) -> list[Node]:
    """A paragraph pandoc cut inside a drawing or formula, joined again.

    pandoc ends a paragraph at a tag it counts as a block (``<title>`` inside
    an inline ``<svg>``); the element's pieces are put back in the paragraph.
    """
    out: list[Node] = []
    index = 0
    while index < len(blocks):
        node = blocks[index]
        svg, math = _open_depths(_source(node)) if node["t"] in ("Para", "Plain") else (0, 0)
        if svg <= 0 and math <= 0:
            out.append(node)
            index += 1
            continue
        inlines, kind = list(node["c"]), node["t"]
        index += 1
        while (svg > 0 or math > 0) and index < len(blocks):
            following = blocks[index]
            more_svg, more_math = _open_depths(_source(following))
            svg, math = svg + more_svg, math + more_math
            if following["t"] in ("Para", "Plain"):
                inlines.extend(following["c"])
                kind = following["t"]  # a Para when pandoc's cut paragraph was one
            else:
                inlines.append({"t": "RawInline", "c": ["html", _source(following)]})
            index += 1
        out.append({"t": kind, "c": inlines})
    return out


def namespace(element: Any) -> str | None:
    """The namespace URI of ``element``'s tag, if it has one."""
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else None


def is_foreign_root(element: Any) -> bool:
    """Whether ``element`` is an ``<svg>`` or ``<math>`` the HTML5 parser read as such."""
    return element.tag in (f"{{{SVG_NS}}}svg", f"{{{MATHML_NS}}}math")


def clean_foreign(element: Any, report: Any) -> None:
    """Keep in ``element`` (an svg or math root) only what draws, nothing that acts."""
    allowed = SVG_ELEMENTS if namespace(element) == SVG_NS else MATHML_ELEMENTS
    _clean_attributes(element, report)
    for child in list(element):
        if not isinstance(child.tag, str):  # a comment
            _remove(element, child, keep=False)
            continue
        name = child.tag.rsplit("}", 1)[-1]
        if namespace(child) != namespace(element) or name not in allowed:
            keep = name in UNWRAPPED
            report.note(f"<{name}>", WHY.get(name, "it is not kept in a drawing or formula"
                                            + (" (its content is)" if keep else "")))
            if keep:
                clean_foreign_children(child, allowed, report)
            _remove(element, child, keep=keep)
            continue
        clean_foreign(child, report)


def clean_foreign_children(element: Any, allowed: set[str], report: Any) -> None:
    """Clean the children of an element about to be unwrapped."""
    for child in list(element):
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] in allowed:
            clean_foreign(child, report)
        else:
            _remove(element, child, keep=False)


def _clean_attributes(element: Any, report: Any) -> None:
    for key in list(element.attrib):
        value = element.attrib[key]
        local = key.rsplit("}", 1)[-1].lower()
        if local.startswith("on"):
            report.note(f"{local}=", "event handlers are scripts")
        elif (local in ("href", "src") and not value.strip().startswith("#")) \
                or EXTERNAL_URL.search(value) or (local == "style" and "@import" in value):
            report.note(f"{local}=", "a drawing or formula may only refer to its own parts")
        else:
            continue
        del element.attrib[key]


def _remove(parent: Any, element: Any, keep: bool) -> None:
    from .rawhtml import unwrap_or_drop

    unwrap_or_drop(parent, element, keep_children=keep)


def qualified(key: str) -> str | None:
    """An attribute name as XML writes it (``xlink:href``), None when it cannot be written."""
    if key.startswith("{"):
        uri, local = key[1:].split("}", 1)
        prefix = PREFIXES.get(uri)
        return f"{prefix}:{local}" if prefix else None
    return key


def declarations(element: Any) -> str:
    """The namespace declarations the root of a drawing or formula needs."""
    out = f' xmlns="{namespace(element)}"'
    if any(key.startswith(f"{{{XLINK_NS}}}") for node in element.iter()
           if isinstance(node.tag, str) for key in node.attrib):
        out += f' xmlns:xlink="{XLINK_NS}"'
    return out
