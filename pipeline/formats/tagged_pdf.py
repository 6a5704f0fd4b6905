"""Finishing WeasyPrint's PDF objects before they are written: PDF/A-3a fixes.

WeasyPrint (70) writes a tagged PDF/A-3a with a few gaps this module closes,
working on the ``pydyf`` objects through WeasyPrint's ``finisher`` hook:

- text in the page margins (running title, stamp, page numbers, watermark)
  is tagged as marked content whose structure elements are left out of the
  structure tree; it becomes ``/Artifact`` (pagination) content instead, and
  the remaining marked-content identifiers are renumbered;
- each attachment is listed twice in the catalogue's ``/AF``, and the
  embedded-files name tree is not sorted by name;
- the media type of an attachment is guessed from the machine's MIME tables,
  so the same file could be labelled differently on two build machines.

It also reports the fonts that did not come from the project: a character
none of the project's fonts has is drawn from a font of the build machine
(or as a missing glyph), which would make the file depend on that machine.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .formula_text import FormulaText
from .pdf_refs import object_number

PROJECT_FAMILIES = ("Handout Sans", "Handout Mono", "Handout Math", "Handout Symbols")
ATTACHMENT_TYPES = {".md": "text/markdown", ".bib": "text/x-bibtex"}


@dataclass
class FontReport:
    """Characters drawn from fonts outside the project, or with no glyph at all."""

    foreign: dict[str, set[str]] = field(default_factory=dict)  # font family -> characters
    missing: set[str] = field(default_factory=set)

    @property
    def characters(self) -> list[str]:
        found = set(self.missing).union(*self.foreign.values())
        return sorted(ch for ch in found if ch.strip())


class PdfFinisher:
    """The ``finisher`` WeasyPrint calls with the document and its ``pydyf.PDF``."""

    def __init__(self) -> None:
        self.fonts = FontReport()
        self.formula_text = FormulaText()

    def __call__(self, document: Any, pdf: Any) -> None:
        self.fonts = font_report(document.fonts.values())
        objects = pdf.objects
        self.formula_text.add_fonts(pdf, objects)
        if "StructTreeRoot" in pdf.catalog:
            mark_margins_as_artifacts(pdf, objects)
            list_items_in_bodies(pdf, objects)
        tidy_attachments(pdf, objects)


def font_report(fonts: Iterable[Any]) -> FontReport:
    report = FontReport()
    for font in fonts:
        if font.family not in PROJECT_FAMILIES:
            report.foreign.setdefault(font.family, set()).update(
                ch for text in font.to_unicode.values() for ch in text)
        report.missing.update(chr(codepoint) for codepoint in font.missing)
    return report


def _reachable_elements(pdf: Any, objects: list) -> set[int]:
    root = objects[object_number(pdf.catalog["StructTreeRoot"])]
    seen: set[int] = set()
    stack = [object_number(k) for k in root["K"]]
    while stack:
        number = stack.pop()
        if number is None or number in seen:
            continue
        element = objects[number]
        if not isinstance(element, dict) or element.get("Type") != "/StructElem":
            continue
        seen.add(number)
        stack.extend(object_number(k) for k in element.get("K", ()))
    return seen


def mark_margins_as_artifacts(pdf: Any, objects: list) -> None:
    """Marked content whose structure element is not in the tree becomes an artifact.

    WeasyPrint builds structure elements for page-margin boxes but never links
    them into the structure tree; PDF/UA wants such content as artifacts.
    """
    import pydyf

    reachable = _reachable_elements(pdf, objects)
    root = objects[object_number(pdf.catalog["StructTreeRoot"])]
    nums = objects[object_number(root["ParentTree"])]["Nums"]
    orphans: set[int] = set()
    for index in range(0, len(nums), 2):
        page_number, parents = nums[index], nums[index + 1]
        if not isinstance(parents, list):
            continue  # an annotation's entry
        page = objects[object_number(pdf.page_references[page_number])]
        stream = objects[object_number(page["Contents"])]
        renumbered: dict[int, int] = {}
        kept = pydyf.Array()
        items = stream.stream
        for i, item in enumerate(items):
            if not (isinstance(item, dict) and "MCID" in item and i + 1 < len(items)
                    and items[i + 1] == b"BDC"):
                continue
            mcid = item["MCID"]
            parent = parents[mcid]
            if object_number(parent) in reachable:
                renumbered[mcid] = len(kept)
                item["MCID"] = len(kept)
                kept.append(parent)
            else:
                orphans.add(object_number(parent))
                items[i - 1] = "/Artifact"
                items[i] = pydyf.Dictionary({"Type": "/Pagination"})
        nums[index + 1] = kept
        for number in {object_number(parent) for parent in kept}:
            element = objects[number]
            element["K"] = pydyf.Array(
                renumbered[k] if isinstance(k, int) and not isinstance(k, bool) else k
                for k in element["K"])
    _drop_elements(objects, orphans)


def list_items_in_bodies(pdf: Any, objects: list) -> None:
    """Each list item holds its label and one body: what else it holds goes into the body.

    WeasyPrint puts a loose item's paragraphs, and the tables and lists inside
    an item, straight under its ``/LI``; PDF/UA allows only ``/Lbl`` and
    ``/LBody`` there, so a screen reader may not read them as the item's.
    """
    import pydyf

    for number in sorted(_reachable_elements(pdf, objects)):
        item = objects[number]
        if item.get("S") != "/LI":
            continue
        kids = [(k, objects[n]) for k in item.get("K", ()) if (n := object_number(k)) is not None
                and isinstance(objects[n], dict)]
        strays = [(k, e) for k, e in kids if e.get("S") not in ("/Lbl", "/LBody")]
        if not strays or len(kids) != len(item["K"]):
            continue  # nothing to move, or marked content of its own (left as it is)
        bodies = [(k, e) for k, e in kids if e.get("S") == "/LBody"]
        if len(bodies) > 1:
            continue
        if bodies:
            body_reference, body = bodies[0]
            body_at = next(i for i, (k, _) in enumerate(kids) if k == body_reference)
            moved = {id(e) for _, e in strays}
            before = [k for k, e in kids[:body_at] if id(e) in moved]
            after = [k for k, e in kids[body_at + 1:] if id(e) in moved]
            body["K"] = pydyf.Array([*before, *body["K"], *after])
        else:
            body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody",
                                     "K": pydyf.Array([k for k, _ in strays]),
                                     "Pg": item["Pg"], "P": item.reference})
            pdf.add_object(body)
            body_reference = body.reference
        for _, element in strays:
            element["P"] = body_reference
        labels = [k for k, e in kids if e.get("S") == "/Lbl"]
        item["K"] = pydyf.Array([*labels, body_reference])


def _drop_elements(objects: list, numbers: set[int]) -> None:
    """Empty the orphaned structure elements (and their descendants)."""
    stack = list(numbers)
    while stack:
        number = stack.pop()
        element = objects[number] if number is not None else None
        if not isinstance(element, dict) or element.get("Type") != "/StructElem":
            continue
        stack.extend(object_number(k) for k in element.get("K", ()))
        element.clear()


def tidy_attachments(pdf: Any, objects: list) -> None:
    """One ``/AF`` entry per file, a sorted name tree, media types by file name."""
    import pydyf

    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
    names = pdf.catalog.get("Names", {})
    if "EmbeddedFiles" not in names:
        return
    tree = objects[object_number(names["EmbeddedFiles"])]
    pairs = list(zip(tree["Names"][0::2], tree["Names"][1::2], strict=True))
    pairs.sort(key=lambda pair: str(pair[0].string).encode("utf-16-be"))
    tree["Names"] = pydyf.Array(item for pair in pairs for item in pair)
    for name, reference in pairs:
        filespec = objects[object_number(reference)]
        suffix = "." + str(name.string).rsplit(".", 1)[-1]
        media_type = ATTACHMENT_TYPES.get(suffix)
        if media_type:
            stream = objects[object_number(filespec["EF"]["F"])]
            stream.extra["Subtype"] = "/" + media_type.replace("/", "#2f")


FORMULA_CLASS = "math"  # the class of a formula's <img> in the print HTML (pipeline/math.py)
FOOTNOTE_CLASS = "footnote"  # the class of a note's span in the print HTML (pipeline/footnotes.py)


@functools.cache
def install_formula_tags() -> bool:
    """Tag a formula's drawing ``/Formula`` and a footnote ``/Note`` (once per process).

    WeasyPrint (70) tags every ``<img>`` a ``/Figure``; PDF/UA wants a formula
    to be a ``/Formula`` element, with the same ``/Alt`` (its TeX) and layout
    box.  The structure elements WeasyPrint builds for ``<img class="math">``
    are renamed as its tree builder yields them.  An element with a ``lang``
    of its own (``::: {lang=fr}``) gives its structure element that ``/Lang``.
    """
    try:
        from weasyprint.pdf import tags
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original = tags._build_box_tree
    if getattr(original, "tags_formulas", False):
        return False

    import pydyf

    def build_box_tree(box: Any, *args: Any) -> Any:
        source = getattr(box, "element", None)
        for element in original(box, *args):
            if (element.get("S") == "/Figure" and source is not None
                    and box.element_tag == "img"
                    and FORMULA_CLASS in source.get("class", "").split()):
                element["S"] = "/Formula"
            if (element.get("S") == "/Span" and source is not None
                    and box.element_tag == "span"
                    and FOOTNOTE_CLASS in source.get("class", "").split()):
                # a footnote is a /Note with an identifier (PDF/UA 7.9), read where it is called
                element["S"] = "/Note"
                element["ID"] = pydyf.String(f"note-{element.number}")
            if source is not None and source.get("lang") and "Lang" not in element:
                # a part in another language is read in that language (PDF/UA, WCAG 3.1.2)
                element["Lang"] = pydyf.String(source.get("lang"))
            yield element

    build_box_tree.tags_formulas = True  # type: ignore[attr-defined]
    build_box_tree.original = original  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
    return True


@functools.cache
def install_definition_tags() -> bool:
    """Tag a definition list's term and its definition as one item (once per process).

    WeasyPrint (70) makes each ``<dt>`` and each ``<dd>`` an ``/LI`` of its own
    holding an ``/LBody``, so a screen reader announces twice as many items as
    there are terms, each term apart from its definition.  A term becomes the
    ``/Lbl`` of its item and the definition that follows it that item's
    ``/LBody``; a second definition of the same term stays an item of its own.
    """
    try:
        from weasyprint.pdf import tags
    except ImportError:  # pragma: no cover - WeasyPrint is a dependency
        return False
    original = tags._build_box_tree
    if getattr(original, "tags_definitions", False):
        return False
    open_terms: dict[int, Any] = {}  # a list's element -> the item of its last term

    def build_box_tree(box: Any, parent: Any, pdf: Any, *args: Any) -> Any:
        tag = getattr(box, "element_tag", None) if getattr(box, "element", None) is not None \
            else None
        for element in original(box, parent, pdf, *args):
            kids = list(element.get("K", ())) if isinstance(element, dict) else []
            if tag not in ("dt", "dd") or element.get("S") != "/LI" or len(kids) != 1 \
                    or (number := object_number(kids[0])) is None:
                open_terms.pop(id(parent), None)
                yield element
                continue
            body = pdf.objects[number]
            term_item = open_terms.pop(id(parent), None)
            if tag == "dt":
                body["S"] = "/Lbl"
                open_terms[id(parent)] = element
                yield element
            elif term_item is not None and term_item.get("P") == element.get("P"):
                body["P"] = term_item.reference
                term_item["K"].append(kids[0])
            else:
                yield element

    build_box_tree.tags_definitions = True  # type: ignore[attr-defined]
    tags._build_box_tree = build_box_tree
    return True
