"""EPUB 3 through pandoc's EPUB writer, from the same AST as the PDF.

The edition's AST gets its front matter (title block, review banner) and
back matter (disclaimer, colophon with the version stamp) as AST blocks;
pandoc writes the book with the project's CSS and fonts embedded; the
package document then receives the accessibility and version metadata, and
the archive is rewritten with fixed timestamps so builds are reproducible.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import io
import json
import re
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import PipelineError
from ..images import for_screen, self_contained_svg
from ..links import standalone_links
from ..math import MATH_FONT, has_formulas_written, label_mathml
from ..model import CitedDocument, RenderOptions
from ..notemarks import (
    captions_with_links_shown,
    link_citations,
    summaries_without_links,
    symbol_footnotes,
)
from ..pandoc import run_pandoc, write_book
from ..tree import Node, str_inlines
from . import OutputFormat
from .archive import stand_ins, write_archive
from .epub_nav import contents_in_words, words_of

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
NAMESPACE = uuid.UUID("6f1c2a9e-3c55-4d3c-9b61-0b7d4c1e2a10")


def identifier(doc: CitedDocument) -> str:
    """Stable per manuscript, version and audience."""
    name = f"{doc.manuscript.slug}/{doc.stamp.version}/{doc.audience}/{doc.manuscript.lang}"
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def _para(text: str, cls: str | None = None) -> Node:
    para = {"t": "Para", "c": str_inlines(text)}
    if cls:
        return {"t": "Div", "c": [["", [cls], []], [para]]}
    return para


def _facts(pairs: list[tuple[str, str]]) -> Node:
    return {"t": "Div", "c": [["", ["facts"], []], [{"t": "DefinitionList", "c": [
        [str_inlines(k), [[{"t": "Plain", "c": _value(v)}]]] for k, v in pairs if v]}]]}


def _value(text: str) -> list[Node]:
    """A fact's inlines; a web address is a link to itself."""
    if re.fullmatch(r"https?://\S+", text):
        return [{"t": "Link", "c": [["", ["uri"], []], [{"t": "Str", "c": text}], [text, ""]]}]
    return str_inlines(text)


def history_table(history: list[dict[str, str]], words: dict[str, str]) -> Node:
    """The revision history as a small table: version, date, summary."""

    def cell(text: str) -> list[Any]:
        return [["", [], []], {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": str_inlines(text)}]]

    def row(texts: list[str]) -> list[Any]:
        return [["", [], []], [cell(t) for t in texts]]

    head = row([words["version"], words["date"], words["summary"]])
    body = [row([c["version"], c["date"], c["summary"]]) for c in history]
    return {"t": "Table", "c": [
        ["", ["history"], []], [None, []],
        [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(3)],
        [["", [], []], [head]],
        [[["", [], []], 0, [], body]],
        [["", [], []], []]]}


def book_ast(doc: CitedDocument) -> dict[str, Any]:
    """The whole book: front matter, body, references, disclaimer, colophon."""
    from ..html import handout_context  # Jinja2: loaded only to render

    ctx = handout_context(doc)
    words = doc.words
    front: list[Node] = [
        {"t": "Div", "c": [["title-block", ["title-block"], []], [
            _para(ctx["edition"], "edition"),
            *([_para(ctx["subtitle"], "subtitle")] if ctx["subtitle"] else []),
            _facts([(words["status"], ctx["status_label"]), (words["version"], doc.stamp.version),
                    (words["last_updated"], ctx["last_updated"]),
                    (words["next_review"], ctx["next_review"]),
                    (words["authors"], "; ".join(ctx["authors"])),
                    (words["reviewers"], "; ".join(ctx["reviewers"]))]),
        ]]},
    ]
    if not doc.manuscript.approved:
        front.append({"t": "Div", "c": [["review-banner", ["banner"], [["role", "note"]]], [
            {"t": "Para", "c": [{"t": "Strong", "c": str_inlines(ctx["banner_title"])}]},
            _para(ctx["banner_text"])]]})
    back: list[Node] = [
        {"t": "Header", "c": [1, ["disclaimer", ["unnumbered"], []],
                              str_inlines(doc.disclaimer_title)]},
        {"t": "Div", "c": [["", ["disclaimer"], [["role", "note"]]],
                           list(doc.disclaimer_blocks)]},
        {"t": "Header", "c": [1, ["colophon", ["unnumbered"], []], str_inlines(words["colophon"])]},
        _facts([(words["version"], f"{doc.stamp.version} ({ctx['status_label']})"),
                (words["last_updated"], ctx["last_updated"]),
                (words["built"], doc.stamp.build_date.isoformat()),
                (words["source"], ctx["commit_label"]),
                (words["online_version"], ctx["canonical_url"])]),
    ]
    if ctx["history"]:
        back.append({"t": "Para", "c": [{"t": "Strong",
                                         "c": str_inlines(words["revision_history"])}]})
        back.append(history_table(ctx["history"], words))
    blocks = link_citations(standalone_links(list(doc.ast["blocks"]),
                                             doc.manuscript.canonical_url), words)
    # The title as written: metadata-file strings would be read as Markdown
    # ("Children's" made "Children’s", "*" emphasis), unlike in the PDF.
    meta = {"title": {"t": "MetaInlines", "c": str_inlines(doc.manuscript.title)}}
    return {**doc.ast, "meta": meta, "blocks": front + blocks + back}


def _metadata(doc: CitedDocument) -> dict[str, Any]:
    from ..html import handout_context  # Jinja2: loaded only to render

    ctx = handout_context(doc)
    meta: dict[str, Any] = {
        "title": doc.manuscript.title,
        "lang": doc.manuscript.lang,
        "identifier": [{"scheme": "UUID", "text": identifier(doc)}],
        "date": doc.stamp.last_updated.isoformat(),
        "description": ctx["subject"],
        "subject": ctx["keywords"],
        "publisher": "handout-pipeline",
        "rights": "",
    }
    if doc.manuscript.authors:
        meta["creator"] = [{"role": "author", "text": p.name} for p in doc.manuscript.authors]
    return meta


class EpubFormat(OutputFormat):
    name = "epub"
    suffix = ".epub"
    media_type = "application/epub+zip"

    def render(self, doc: CitedDocument, options: RenderOptions, styles: Path) -> bytes:
        if not doc.disclaimer_blocks:
            raise PipelineError.at(doc.manuscript.path, None, "no disclaimer text: refusing to "
                                   "produce an output without one", "no-disclaimer")
        book = book_ast(doc)
        book["blocks"] = _drawings_on_their_own(book["blocks"], doc.manuscript.path.parent)
        meta_file = json.dumps(_metadata(doc))
        epoch = calendar.timegm(doc.stamp.build_date.timetuple())
        fonts = sorted((styles / "fonts").glob("*.ttf"))
        folder = doc.manuscript.path.parent.resolve()
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            meta_path = Path(tmp) / "meta.json"
            meta_path.write_text(meta_file, encoding="utf-8")
            args = ["--from", "json", "--to", "epub3", "--output", "-",
                    "--metadata-file", str(meta_path),
                    # the same @font-face rules as the PDF, then the reading layout
                    "--css", str(styles / "css" / "fonts.css"),
                    "--css", str(styles / "css" / "epub.css"),
                    "--css", str(styles / "css" / "callouts.css"),
                    "--css", str(styles / "css" / "code.css"),
                    "--css", str(styles / "css" / "lists.css"), "--mathml",
                    "--toc", "--toc-depth=2", "--split-level=1", "--epub-title-page=false",
                    "--resource-path", str(folder), "--wrap=none"]
            written = json.dumps(book)
            source = written.encode("utf-8")
            if has_formulas_written(book["blocks"], written):
                args += ["--css", str(styles / "css" / "math.css")]
                fonts.append(styles / MATH_FONT)
            embedded = stand_ins(fonts, Path(tmp) / "fonts")
            font_files = [str(embedded.get(font.name, font)) for font in fonts]
            for font in font_files:
                args += ["--epub-embed-font", font]
            env = {"SOURCE_DATE_EPOCH": str(epoch)}
            data = write_book(source, "epub3", _writer_options(args, font_files), meta_file,
                              env, folder) or run_pandoc(args, source, env=env, cwd=folder)
        try:
            return finish_epub(data, doc, epoch,
                               {font.name: font for font in fonts} if embedded else None)
        except etree.XMLSyntaxError as exc:  # only the library's message can travel
            raise PipelineError.at(doc.manuscript.path, None, "the EPUB cannot be written: "
                                   f"pandoc's XHTML is not well-formed ({exc.msg})",
                                   "epub") from None


def _writer_options(args: list[str], fonts: list[str]) -> dict[str, Any]:
    """The writer options the command line's ``args`` set (see ``pandoc.write_book``)."""
    css = [args[i + 1] for i, arg in enumerate(args) if arg == "--css"]
    return {"html_math_method": "mathml", "table_of_contents": True, "toc_depth": 2,
            "split_level": 1, "epub_title_page": False, "wrap_text": "wrap-none",
            "variables": {"css": css},
            # the command line keeps the last --epub-embed-font first
            "epub_fonts": fonts[::-1]}


def _drawings_on_their_own(blocks: list[Node], folder: Path) -> list[Node]:
    """``blocks`` with each SVG image that shows files beside it (a linked photograph, a
    font) made whole.

    pandoc packs the SVG file alone: what it links to would be missing from the
    book, so the drawing goes in as a ``data:`` address with those files inside.
    """
    import base64
    from urllib.parse import unquote, urlsplit

    from ..tree import rewrite

    def whole(node: Node) -> Node | None:
        (attr, alt, (target, title)) = node["c"]
        inner = rewrite(alt, whole, ("Image",))  # an image in an image's description
        parts = urlsplit(target)
        path = folder / unquote(parts.path)
        if not parts.scheme and target.lower().endswith(".svg") and path.is_file():
            data = path.read_bytes()
            drawing = self_contained_svg(data, path.parent, folder)
            if drawing is not data:
                target = "data:image/svg+xml;base64," + base64.b64encode(drawing).decode("ascii")
        if inner is alt and target is node["c"][2][0]:
            return None
        return {"t": "Image", "c": [attr, inner, [target, title]]}

    return rewrite(blocks, whole, ("Image",))


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


def finish_epub(data: bytes, doc: CitedDocument, epoch: int,
                fonts: Mapping[str, Path] | None = None) -> bytes:
    """Add accessibility and version metadata; rewrite the zip deterministically.

    ``fonts``: the fonts pandoc embedded as empty stand-ins, by file name (see
    :mod:`.archive`).
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    opf_name = next(n for n in names if n.endswith(".opf"))
    files = {name: source.read(name) for name in names}
    files[opf_name] = _patch_opf(files[opf_name], doc)
    _image_media_types(files, opf_name)
    nav_name = next((n for n in names if n.endswith("nav.xhtml")), None)
    if nav_name:
        files[nav_name] = _contents_without_citations(
            _localize_nav(files[nav_name], doc.words["contents"]))
        contents_in_words(files, nav_name)
    for name in names:
        if name.endswith(".xhtml"):
            files[name] = summaries_without_links(captions_with_links_shown(
                label_mathml(files[name]).decode("utf-8"))).encode("utf-8")
    _navigable_documents(files, opf_name, doc)
    if doc.footnote_symbols:
        for name in [n for n in files if n.endswith(".xhtml")]:
            files[name] = symbol_footnotes(files[name])
    return write_archive(files, dt.datetime.fromtimestamp(epoch, dt.UTC), fonts)


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
