"""The EPUB package pandoc wrote, finished: accessibility and version metadata, navigation
and landmarks, image media types, and the archive rewritten with fixed timestamps so that
builds are reproducible."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from ..images import for_screen
from ..math import label_mathml
from ..model import CitedDocument
from ..notemarks import (
    captions_with_links_shown,
    line_anchors_hidden,
    summaries_without_links,
    symbol_footnotes,
)
from .archive import write_archive
from .epub_nav import contents_in_words, words_of

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
EPUB_NS = "http://www.idpf.org/2007/ops"
XHTML_NS = "http://www.w3.org/1999/xhtml"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
A11Y = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
]
# Only true of books with images (every image must have its alternative text).
A11Y_IMAGES = [
    ("schema:accessMode", "visual"),
    ("schema:accessibilityFeature", "alternativeText"),
]
A11Y_PROPERTIES = {prop for prop, _ in A11Y + A11Y_IMAGES} | {
    "schema:accessibilitySummary", "dcterms:conformsTo", "a11y:certifiedBy"}


def unpacked(data: bytes) -> dict[str, bytes]:
    """The files of an EPUB archive by name, in the archive's order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return {name: source.read(name) for name in source.namelist()}


def finish_epub(data: bytes | Mapping[str, bytes], doc: CitedDocument, epoch: int,
                fonts: Mapping[str, Path] | None = None) -> bytes:
    """Add accessibility and version metadata; rewrite the zip deterministically.

    ``data``: the archive pandoc wrote, or its files (:func:`unpacked`).
    ``fonts``: the fonts pandoc embedded as empty stand-ins, by file name (see
    :mod:`.archive`).
    """
    files = unpacked(data) if isinstance(data, bytes) else dict(data)
    names = list(files)
    opf_name = next(n for n in names if n.endswith(".opf"))
    files[opf_name] = _patch_opf(files[opf_name], doc)
    _image_media_types(files, opf_name)
    nav_name = next((n for n in names if n.endswith("nav.xhtml")), None)
    if nav_name:
        files[nav_name] = _contents_without_citations(
            _localize_nav(files[nav_name], doc.words["contents"]))
        contents_in_words(files, nav_name)
    for name in names:
        if name.endswith(".xhtml"):
            files[name] = _lowercase_data_attributes(line_anchors_hidden(summaries_without_links(
                captions_with_links_shown(label_mathml(files[name]).decode("utf-8"))))
            ).encode("utf-8")
    _links_across_chapters(files)
    _navigable_documents(files, opf_name, doc)
    if doc.footnote_symbols:
        for name in [n for n in files if n.endswith(".xhtml")]:
            files[name] = symbol_footnotes(files[name])
    return write_archive(files, dt.datetime.fromtimestamp(epoch, dt.UTC), fonts)


ID = re.compile(r'\sid="([^"]+)"')
LOCAL_LINK = re.compile(r'(\shref=")#([^"]+)(")')


def _links_across_chapters(files: dict[str, bytes]) -> None:
    """A link to an element of another chapter names that chapter's file.

    pandoc 3.9's EPUB writer does so for headings, divs, spans and tables, not for a
    figure: ``[Figure 1](#fig-knee)`` (or ``@fig-knee``) to a figure under a later
    first-level heading went nowhere (EPUBCheck RSC-012).
    """
    chapters = {name: files[name].decode("utf-8") for name in files if name.endswith(".xhtml")}
    ids = {name: set(ID.findall(text)) for name, text in chapters.items()}
    home: dict[str, str] = {}
    for name in sorted(ids):
        for ident in ids[name]:
            home.setdefault(ident, name)
    for name, text in chapters.items():
        if 'href="#' not in text:
            continue

        def address(match: re.Match[str], name: str = name) -> str:
            other = home.get(match.group(2))
            if match.group(2) in ids[name] or other is None \
                    or other.rpartition("/")[0] != name.rpartition("/")[0]:
                return match.group(0)  # its own, none, or not a chapter beside it
            return f"{match.group(1)}{other.rpartition('/')[2]}#{match.group(2)}{match.group(3)}"

        fixed = LOCAL_LINK.sub(address, text)
        if fixed != text:
            files[name] = fixed.encode("utf-8")


# pandoc writes an attribute it keeps as data-NAME as written (a numbered code block's
# data-startFrom), and XHTML forbids capitals in a data- name (EPUBCheck HTM_061)
DATA_NAME = re.compile(r"(\s)(data-[\w.:-]*[A-Z][\w.:-]*)(=\")")


def _lowercase_data_attributes(text: str) -> str:
    if "data-" not in text:
        return text
    return DATA_NAME.sub(lambda m: m.group(1) + m.group(2).lower() + m.group(3), text)


def _image_media_types(files: dict[str, bytes], opf_name: str) -> None:
    """Each raster image named and declared by the type of its bytes, not of its file name.

    pandoc goes by the name: a PNG saved as ``photo.jpg`` would be declared
    ``image/jpeg``, which reading systems may refuse to show and EPUBCheck fails.
    Such an image is renamed (``media/file0.png``) wherever the book names it,
    as is a TIFF or BMP turned into a PNG (EPUB readers need not show them).
    """
    from PIL import Image

    folder = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    root = etree.fromstring(files[opf_name])
    renamed: dict[str, str] = {}
    for item in root.iter(f"{{{OPF_NS}}}item"):
        declared, href = item.get("media-type", ""), item.get("href") or ""
        if not declared.startswith("image/") or folder + href not in files:
            continue
        # A TIFF or BMP becomes a PNG, an SVG loses its scripts (see pipeline.images).
        files[folder + href], kind = for_screen(files[folder + href],
                                                svg=declared == "image/svg+xml")
        if kind is None or kind == "SVG":
            continue
        actual = Image.MIME.get(kind)
        if not actual or actual == declared:
            continue
        new = href.rsplit(".", 1)[0] + IMAGE_SUFFIXES.get(kind, "." + kind.lower())
        item.set("media-type", actual)
        item.set("href", new)
        files[folder + new] = files.pop(folder + href)
        renamed[href.rsplit("/", 1)[-1]] = new.rsplit("/", 1)[-1]
    if not renamed:
        return
    files[opf_name] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    for name, data in list(files.items()):
        if name.endswith((".xhtml", ".ncx")):
            for old, new in renamed.items():
                data = data.replace(b"/" + old.encode() + b'"', b"/" + new.encode() + b'"')
            files[name] = data


IMAGE_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}


def _navigable_documents(files: dict[str, bytes], opf_name: str, doc: CitedDocument) -> None:
    """Titles, a marked bibliography and landmarks, so assistive reading can navigate.

    pandoc titles each chapter document with its file name and lists only the
    table of contents among the landmarks; each document is titled with its
    first heading, the reference list is marked as the bibliography, and the
    landmarks gain the start of the content and the references.
    """
    folder = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    spine = _spine(files[opf_name], folder)
    nav_name = next((n for n in spine if n.endswith("nav.xhtml")), None) \
        or next((n for n in files if n.endswith("nav.xhtml")), None)
    landmarks: list[tuple[str, str, str]] = []
    for name in spine:
        if name == nav_name:
            continue
        tree = etree.parse(io.BytesIO(files[name]))
        root = tree.getroot()
        heading = next(root.iter(*(f"{{{XHTML_NS}}}h{n}" for n in range(1, 7))), None)
        title = root.find(f"{{{XHTML_NS}}}head/{{{XHTML_NS}}}title")
        if heading is not None and title is not None:
            title.text = words_of(heading)
        href = name[len(folder):]
        if not landmarks:
            landmarks.append(("bodymatter", href, doc.manuscript.title))
        for cell in root.iter(f"{{{XHTML_NS}}}th"):
            if len(cell) == 0 and not (cell.text or "").strip():
                cell.tag = f"{{{XHTML_NS}}}td"  # as html.empty_header_cells
        for section in root.iter(f"{{{XHTML_NS}}}section"):
            if section.get("id") == "references":
                section.set(f"{{{EPUB_NS}}}type", "bibliography")
                section.set("role", "doc-bibliography")  # the ARIA role that epub:type asks for
                landmarks.append(("bibliography", f"{href}#references",
                                  doc.manuscript.references_title or doc.words["references"]))
        files[name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    if nav_name:
        files[nav_name] = _add_landmarks(files[nav_name], nav_name, folder, landmarks)


def _spine(opf: bytes, folder: str) -> list[str]:
    """The archive names of the spine's documents, in reading order."""
    root = etree.fromstring(opf)
    hrefs = {item.get("id"): item.get("href") for item in root.iter(f"{{{OPF_NS}}}item")}
    return [folder + hrefs[ref.get("idref")] for ref in root.iter(f"{{{OPF_NS}}}itemref")
            if ref.get("idref") in hrefs]


def _add_landmarks(nav: bytes, nav_name: str, folder: str,
                   landmarks: list[tuple[str, str, str]]) -> bytes:
    tree = etree.parse(io.BytesIO(nav))
    nav_folder = nav_name[len(folder):].rsplit("/", 1)[0] + "/" if "/" in nav_name[len(folder):] \
        else ""
    for element in tree.getroot().iter(f"{{{XHTML_NS}}}nav"):
        if element.get(f"{{{EPUB_NS}}}type") != "landmarks":
            continue
        entries = element.find(f"{{{XHTML_NS}}}ol")
        for kind, href, label in landmarks:
            item = etree.SubElement(entries, f"{{{XHTML_NS}}}li")
            link = etree.SubElement(item, f"{{{XHTML_NS}}}a", href=href.removeprefix(nav_folder))
            link.set(f"{{{EPUB_NS}}}type", kind)
            link.text = label
            item.tail = "\n  "
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _localize_nav(nav: bytes, contents: str) -> bytes:
    """pandoc labels the (hidden) landmark of the table of contents in English only."""
    return nav.replace(b'epub:type="toc">Table of Contents</a>',
                       b'epub:type="toc">' + html.escape(contents).encode("utf-8") + b"</a>")


def _contents_without_citations(nav: bytes) -> bytes:
    """The table of contents names a heading that cites a work by its words alone.

    pandoc copies the heading's citation into the entry, where it reads as
    part of the title ("Appendix2").
    """
    if b'class="citation"' not in nav:
        return nav
    tree = etree.parse(io.BytesIO(nav))
    for span in list(tree.iter(f"{{{XHTML_NS}}}span")):
        if "citation" in (span.get("class") or "").split() and any(
                a.tag == f"{{{XHTML_NS}}}a" for a in span.iterancestors()):
            parent, previous = span.getparent(), span.getprevious()
            if span.tail:
                if previous is not None:
                    previous.tail = (previous.tail or "") + span.tail
                else:
                    parent.text = (parent.text or "") + span.tail
            parent.remove(span)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _patch_opf(opf: bytes, doc: CitedDocument) -> bytes:
    from ..html import handout_context  # Jinja2: loaded only to render

    root = etree.fromstring(opf)
    metadata = root.find(f"{{{OPF_NS}}}metadata")
    ctx = handout_context(doc)
    summary = doc.words["accessibility_summary"].format(edition=ctx["edition"])
    pairs = A11Y + [
        ("schema:accessibilitySummary", summary),
        ("dcterms:conformsTo", CONFORMS_TO),
        ("handout:version", doc.stamp.version),
        ("handout:status", doc.stamp.status),
        ("handout:audience", doc.audience),
        ("handout:last-updated", doc.stamp.last_updated.isoformat()),
        ("handout:build-date", doc.stamp.build_date.isoformat()),
        ("handout:source-commit", doc.stamp.commit or "unknown"),
    ]
    images = any(item.get("media-type", "").startswith("image/")
                 for item in root.iter(f"{{{OPF_NS}}}item"))
    if images:
        pairs[1:1] = A11Y_IMAGES
    pairs.append(("a11y:certifiedBy", "handout-pipeline"))
    for meta in metadata.findall(f"{{{OPF_NS}}}meta"):
        if meta.get("property") in A11Y_PROPERTIES:  # pandoc's shorter set, replaced by ours
            metadata.remove(meta)
    for prop, value in pairs:
        meta = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", nsmap={None: OPF_NS},
                                property=prop)
        meta.text = value
        meta.tail = "\n    "
    prefix = root.get("prefix", "")
    extra = "handout: https://handout-pipeline.invalid/vocab#"
    if "schema:" not in prefix:
        extra += " schema: http://schema.org/"
    root.set("prefix", (prefix + " " + extra).strip())
    title = metadata.find(f"{{{DC_NS}}}title")
    if doc.manuscript.subtitle and title is not None:  # main title and subtitle, refined
        subtitle = etree.Element(f"{{{DC_NS}}}title", id="epub-subtitle")
        subtitle.text, subtitle.tail = doc.manuscript.subtitle, title.tail
        title.addnext(subtitle)
        for refined, kind in ((title, "main"), (subtitle, "subtitle")):
            meta = etree.SubElement(metadata, f"{{{OPF_NS}}}meta", nsmap={None: OPF_NS},
                                    refines=f"#{refined.get('id')}", property="title-type")
            meta.text, meta.tail = kind, "\n    "
    for rights in metadata.findall(f"{{{DC_NS}}}rights"):
        if not (rights.text or "").strip():
            metadata.remove(rights)
    text = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return re.sub(rb"\n\s*\n", b"\n", text)
