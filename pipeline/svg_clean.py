"""What an SVG file may hold in an EPUB and a web page: what draws stays, what acts goes.

Scripts, event handlers, HTML inside the drawing (``foreignObject``), animations
that set a link or a handler, and entities that name a file or hold markup are
left out (:func:`clean_svg`), each with a warning at its line
(:func:`svg_problems`).  The PDF draws the file as it is.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from .errors import WARNING, Problem, display_path

XHTML_NS = "http://www.w3.org/1999/xhtml"
# Animation that sets a link or a handler can smuggle a script in.
ANIMATIONS = {"set", "animate"}
SCRIPT_TARGET = re.compile(r"^\s*(on|href$|xlink:href$)", re.IGNORECASE)


def svg_tree(data: bytes) -> Any:
    """The root element of an SVG file, read without loading any file or entity it names."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    return etree.parse(io.BytesIO(data), parser).getroot()


def _active_parts(root: Any) -> list[tuple[Any, str | None, str]]:
    """(element, attribute or None, what) of each part of an SVG that acts rather than draws."""
    from lxml import etree

    found: list[tuple[Any, str | None, str]] = []
    stack = [root]
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        name = qname.localname
        if name in ("script", "foreignObject") or qname.namespace == XHTML_NS or (
                name in ANIMATIONS and SCRIPT_TARGET.match(element.get("attributeName", ""))):
            found.append((element, None, f"<{name}>"))
            continue  # what is inside goes with it
        for key in element.attrib:
            local = etree.QName(key).localname
            # A link or a source outside the drawing (javascript: too) is refused by check_svg.
            if local.lower().startswith("on"):
                found.append((element, key, f"{local}="))
        stack.extend(reversed(element))
    return found


def _entities(root: Any) -> list[tuple[Any, str | None]]:
    """Each entity reference of an SVG (``&name;``) and the plain text it stands for; None
    for one that names a file (``SYSTEM "file:///etc/passwd"``), holds markup or is
    not declared: those are left out."""
    from lxml import etree

    dtd = root.getroottree().docinfo.internalDTD
    declared = {e.name: e for e in dtd.iterentities()} if dtd is not None else {}
    found = []
    for ref in root.iter(etree.Entity):
        decl = declared.get(ref.name)
        text = decl.content if decl is not None and decl.system_url is None else None
        found.append((ref, None if text is None or "&" in text or "<" in text else text))
    return found


def _why(what: str) -> str:
    if what.startswith("<foreignObject"):
        return "HTML inside a drawing cannot be checked; draw it in SVG"
    if what.startswith(("<set", "<animate")):
        return "an animation that changes a link or an event handler can run a script"
    return "scripts never go into a handout"


def svg_problems(path: Path) -> list[Problem]:
    """A warning at its line for each part of an SVG file left out of the EPUB and the web page."""
    try:
        root = svg_tree(path.read_bytes())
    except Exception:  # noqa: BLE001 - not XML: check_svg in body.py reports it
        return []
    shown = display_path(path)
    return [Problem(shown, element.sourceline,
                    f"{what} is left out of the image in the EPUB and the web page: "
                    f"{_why(what)}", WARNING, "svg-script")
            for element, _key, what in _active_parts(root)] + [
        Problem(shown, ref.sourceline, f"the entity '{ref.text}' is left out of the image: it "
                "names a file or holds markup, and a drawing may not load another file or "
                "hide markup; write its text in the drawing", WARNING, "svg-entity")
        for ref, text in _entities(root) if text is None]


def clean_svg(data: bytes) -> bytes:
    """An SVG file's bytes without what acts (see :func:`svg_problems`); others unchanged."""
    from lxml import etree

    try:
        root = svg_tree(data)
    except Exception:  # noqa: BLE001 - not XML: refused by check, never shown as is
        return data
    parts = _active_parts(root)
    doctype = root.getroottree().docinfo.doctype
    if not parts and not doctype:
        return data
    for ref, text in _entities(root):  # plain text in their place; the declarations go
        _remove_keeping_tail(ref, text or "")
    for element, key, _what in parts:
        if key is not None:
            element.attrib.pop(key, None)
        elif element.getparent() is not None:
            _remove_keeping_tail(element)
    # without its DOCTYPE: no reader may load what it names (EPUB forbids external ones)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _remove_keeping_tail(element: Any, text: str = "") -> None:
    """``element`` out of its parent; ``text``, then the text after it, stay where it was."""
    parent = element.getparent()
    if parent is None:
        return
    tail = text + (element.tail or "")
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


# A drawing repeats a part with <use>; a <use> of a group of <use>s of groups ... draws
# ten times more at each level, and WeasyPrint draws every copy (nine levels of ten: a
# billion shapes, minutes of CPU for one small file).  A detailed map or chart draws some
# tens of thousands of elements.
MAX_DRAWN = 200_000


def overdrawn_use(root: Any, limit: int = MAX_DRAWN) -> Any | None:
    """The first ``<use>`` through which the drawing draws more than ``limit`` elements,
    counting each copy a ``<use>`` makes of what it names; None when it draws fewer."""
    uses = list(root.iter("{*}use"))
    if not uses:
        return None
    by_id = {e.get("id"): e for e in root.iter("{*}*") if e.get("id")}
    drawn: dict[Any, int] = {}
    under_way: set[Any] = set()
    culprit: list[Any] = []

    def count(element: Any) -> int:
        """Elements drawn for ``element``: those under it, and what each of its uses copies."""
        if element in drawn:
            return drawn[element]
        if element in under_way:  # a <use> of its own ancestor: drawn once, as WeasyPrint does
            return 0
        under_way.add(element)
        total = sum(1 for _ in element.iter("{*}*"))
        for use in element.iter("{*}use"):
            if use is not element and _only_referenced(use, element):
                continue  # in <defs> or a <symbol>: drawn where a <use> names it, counted there
            href = use.get("href") or use.get("{http://www.w3.org/1999/xlink}href") or ""
            target = by_id.get(href[1:]) if href.startswith("#") else None
            if target is not None:
                total = min(total + count(target), limit + 1)
                if total > limit:
                    culprit.append(use)
                    break
        under_way.discard(element)
        drawn[element] = total
        return total

    try:
        count(root)
    except RecursionError:  # thousands of <use>s, each of the next: refused as well
        return uses[0]
    return culprit[0] if culprit else None


def _only_referenced(element: Any, within: Any) -> bool:
    """Whether ``element`` lies in a ``<defs>`` or ``<symbol>`` below ``within``: drawn only
    where a ``<use>`` names it."""
    from lxml import etree

    for ancestor in element.iterancestors():
        if ancestor is within:
            return False
        if isinstance(ancestor.tag, str) and etree.QName(ancestor).localname in ("defs",
                                                                                  "symbol"):
            return True
    return False
