"""EPUB 3 through pandoc's EPUB writer, from the same AST as the PDF.

The edition's AST gets its front matter (title block, review banner) and
back matter (disclaimer, colophon with the version stamp) as AST blocks;
pandoc writes the book with the project's CSS and fonts embedded; the
package document then receives the accessibility and version metadata, and
the archive is rewritten with fixed timestamps so builds are reproducible.
"""

from __future__ import annotations

import calendar
import json
import re
import uuid
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import PipelineError
from ..images import self_contained_svg
from ..links import standalone_links
from ..math import MATH_FONT, has_formulas_written
from ..model import CitedDocument, RenderOptions
from ..notemarks import (
    link_citations,
)
from ..pandoc import run_pandoc, write_book
from ..tree import Node, str_inlines
from . import OutputFormat
from .archive import stand_ins
from .epub_package import finish_epub, unpacked
from .epub_pages import framed, needs_template

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
        written = json.dumps(book)
        if '"t": "Image"' in written:  # without an image there is no drawing: no walk
            book["blocks"] = _drawings_on_their_own(book["blocks"], doc.manuscript.path.parent)
            written = json.dumps(book)
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
            source = written.encode("utf-8")
            if has_formulas_written(book["blocks"], written):
                args += ["--css", str(styles / "css" / "math.css")]
                fonts.append(styles / MATH_FONT)
            embedded = stand_ins(fonts, Path(tmp) / "fonts")
            font_files = [str(embedded.get(font.name, font)) for font in fonts]
            for font in font_files:
                args += ["--epub-embed-font", font]
            env = {"SOURCE_DATE_EPOCH": str(epoch)}
            options = _writer_options(args, font_files)
            data: bytes | dict[str, bytes] | None = None
            if not needs_template(written):  # pages framed here (see epub_pages)
                bare = write_book(source, "epub3", options, meta_file, env, folder,
                                  template=False)
                data = framed(unpacked(bare), doc.manuscript.title) if bare else None
            data = data or write_book(source, "epub3", options, meta_file, env, folder) \
                or run_pandoc(args, source, env=env, cwd=folder)
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
