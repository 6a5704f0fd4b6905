"""The print HTML of an edition: the AST through pandoc's HTML writer, wrapped
in the Jinja2 print template (StrictUndefined: a typo in a template is an
error, never empty text).  Manuscript text only ever enters the template as
data, never as template source.
"""

from __future__ import annotations

import functools
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, i18n
from .errors import PipelineError
from .footnotes import note_for_print, transform_inlines
from .links import standalone_links
from .math import draw_for_print, formula_words
from .model import CitedDocument, RenderOptions
from .pandoc import ast_to
from .tree import Node, rewrite, stringify, transform, walk

if TYPE_CHECKING:  # Jinja2 is loaded only to render a page
    import jinja2
    from markupsafe import Markup


def css_string(value: str) -> Markup:
    """Text safe inside a double-quoted CSS string in a ``<style>`` element.

    Written with CSS escapes, never HTML ones: a ``<style>`` element's text
    is not decoded, so ``&amp;`` would print as such in a running header.
    """
    from markupsafe import Markup

    return Markup("".join(ch if ch not in '\\"\n\r\f<>&' and ord(ch) >= 0x20
                          else f"\\{ord(ch):x} " for ch in str(value)))


@functools.cache
def environment(templates: Path) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env


def render_template(templates: Path, name: str, context: dict[str, Any]) -> str:
    """Render ``name``; template mistakes become ``template:line`` errors."""
    import jinja2

    try:
        return environment(templates).get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise PipelineError.at(exc.filename or templates / name, exc.lineno,
                               f"template error: {exc.message}", "template") from None
    except jinja2.TemplateNotFound as exc:
        raise PipelineError.at(templates / str(exc.name), None, "template not found",
                               "template") from None
    except jinja2.UndefinedError as exc:
        path, line = _template_frame(templates)
        raise PipelineError.at(path or templates / name, line,
                               f"template error: {exc.message}", "template") from None


def _template_frame(templates: Path) -> tuple[str | None, int | None]:
    for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
        if frame.filename.startswith(str(templates)):
            return frame.filename, frame.lineno
    return None, None


def person_line(person: Any) -> str:
    return person.name + (f", {person.role}" if person.role else "")


def handout_context(doc: CitedDocument) -> dict[str, Any]:
    """What the templates of every format know about an edition."""
    m, words, stamp = doc.manuscript, doc.words, doc.stamp
    status_label = words.get(f"status_{stamp.status}", stamp.status)
    edition = words[f"audience_{doc.audience}"]
    last_updated = i18n.format_date(stamp.last_updated, m.lang)
    commit = stamp.short_commit if stamp.commit else words["commit_unknown"]
    # A long stamp wraps only between its items, never inside "label value".
    footer = " · ".join(part.replace(" ", "\u00a0") for part in (
        f"{words['version']} {stamp.version}", status_label,
        f"{words['last_updated']} {last_updated}",
        f"{words['built']} {stamp.build_date.isoformat()}", f"{words['source']} {commit}"))
    return {
        "lang": m.lang,
        "title": m.title,
        "subtitle": m.subtitle or "",
        "slug": m.slug,
        "audience": doc.audience,
        "edition": edition,
        "approved": m.approved,
        "stamp": stamp,
        "status_label": status_label,
        "last_updated": last_updated,
        "next_review": i18n.format_date(m.next_review, m.lang) if m.next_review else "",
        "authors": [person_line(p) for p in m.authors],
        "reviewers": [person_line(p) + (f" ({i18n.format_date(p.date, m.lang)})" if p.date else "")
                      for p in m.reviewers],
        "authors_line": "; ".join(p.name for p in m.authors),
        "subject": m.summary or f"{edition}: {m.title}",
        "keywords": ", ".join([*m.keywords, edition, status_label,
                               f"{words['version'].lower()} {stamp.version}", m.slug]),
        # a retired handout is withdrawn, not waiting for review
        "banner_title": words["banner_title_retired" if m.status == "retired" else "banner_title"],
        "banner_text": words["banner_text_retired" if m.status == "retired" else "banner_text"]
        .format(status=status_label),
        "footer_stamp": footer,
        "commit_label": (stamp.commit + (f" {words['uncommitted_changes']}" if stamp.dirty else ""))
        if stamp.commit else words["commit_unknown"],
        "canonical_url": versioned_url(m.canonical_url, stamp.version),
        "history": [{"version": c.version, "date": i18n.format_date(c.date, m.lang),
                     "summary": c.summary} for c in m.changes] if doc.audience == "clinician" else [],
        "words": words,
        "footnote_marks": "symbols" if doc.footnote_symbols else "numbers",
        "pipeline_version": __version__,
        "disclaimer_title": doc.disclaimer_title,
        "custom_metadata": [
            ("handout-version", stamp.version), ("handout-status", stamp.status),
            ("handout-audience", doc.audience), ("handout-lang", m.lang),
            ("handout-last-updated", stamp.last_updated.isoformat()),
            ("handout-build-date", stamp.build_date.isoformat()),
            ("handout-source-commit", stamp.commit or "unknown"),
            ("handout-slug", m.slug),
        ],
    }


def versioned_url(url: str | None, version: str) -> str:
    """The online address with the version in it, so a reader lands on the same text."""
    if not url:
        return ""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}version={version}"


def _bare_address(url: str) -> str:
    for prefix in ("mailto:", "https://", "http://", "www."):
        url = url.removeprefix(prefix)
    return url.rstrip("/")


def _for_print(node: Node) -> Any:
    """Paper has no links to click: notes become footnotes, addresses are shown.

    A note becomes an inline span that CSS floats into the page's footnote
    area, its blocks kept as spans (see :mod:`.footnotes`).  A link to the web whose text is not its address is followed by the
    address, so a reader of the printed page can still find it.
    """
    if node["t"] == "Note":
        return note_for_print(node["c"], transform_inlines(_for_print))
    if node["t"] == "Span" and "cited-at" in node["c"][0][1]:
        return []  # paper has no way back
    if node["t"] == "Link":
        url = node["c"][2][0]
        text = stringify(node["c"][1]).strip()
        if not url.startswith(("http://", "https://", "mailto:")) \
                or _bare_address(text) == _bare_address(url) \
                or (text.lower().startswith("doi:") and url.endswith(text[4:].strip())):
            return None  # a printed DOI already is the address
        shown = url.removeprefix("mailto:")
        return [node, {"t": "Space"},
                {"t": "Span", "c": [["", ["link-url"], []], [{"t": "Str", "c": f"({shown})"}]]}]
    return None


FOR_PRINT = ("Note", "Span", "Link")  # what _for_print rewrites


def _is_citation(node: Node) -> bool:
    return node["t"] == "Span" and "citation" in node["c"][0][1]


BOOKMARKED = ("Note", "Math", "Link", "Image")  # what a heading's bookmark reads as words


def _bookmarked(node: Node) -> Any:
    """A heading that calls a note, cites a work or holds a formula, a link or a picture,
    with its bookmark's words.

    The bookmark reads the heading's words alone: a formula as the characters
    it draws (``CRB-65 ≥ 3``, set before formulas are drawn as pictures), a
    picture as its alternative text, a link without the address print adds.
    """
    if node["t"] != "Header" or not any(n["t"] in BOOKMARKED or _is_citation(n)
                                        for n in walk(node["c"][2])):
        return None
    level, (ident, classes, pairs), inlines = node["c"]
    label = " ".join(stringify(transform(inlines, _bookmark_words)).split())
    return {"t": "Header", "c": [level, [ident, classes, [*pairs, ["bookmark", label]]],
                                 inlines]}


def _bookmark_words(node: Node) -> Any:
    """A heading's text as the PDF's bookmarks show it: no note calls, no citations."""
    if node["t"] == "Note" or _is_citation(node):
        return []
    if node["t"] == "Math":
        return [{"t": "Str", "c": formula_words(node["c"][1])}]
    return None


def body_html(doc: CitedDocument, for_print: bool = True, styles: Path | None = None) -> str:
    """The body as HTML; for print, notes and links made for paper and math drawn."""
    ast = dict(doc.ast)
    if not for_print:
        return empty_header_cells(ast_to(ast, "html5", ["--section-divs"]))
    blocks = standalone_links(list(ast["blocks"]), doc.manuscript.canonical_url,
                              attachments=True)
    blocks = rewrite(blocks, _bookmarked, ("Header",))
    if styles is not None:
        blocks = draw_for_print(blocks, styles)
    ast["blocks"] = rewrite(blocks, _for_print, FOR_PRINT)
    html = ORDERED_LIST.sub(_numbered_for_print, ast_to(ast, "html5", ["--section-divs"]))
    folder = doc.manuscript.path.parent
    html = IMAGE.sub(lambda match: _sized_for_print(match, folder), html)
    html = TASK_ITEM.sub('<li class="task">', html)
    return empty_header_cells(TASK_BOX.sub(_task_box, html))


# A task item, in a task list or among ordinary items: print.css sets its box where the
# bullet would be, which it can only do for an item marked so.
TASK_ITEM = re.compile(r'<li>(?=(?:<p>)?<label><input type="checkbox")')
# Its box as a character, ☐ or ☑: a drawn box is no text, and the PDF's text and tags
# (what pypdf, search and a screen reader get) would not say whether it is ticked.
TASK_BOX = re.compile(r'<input type="checkbox"( checked="")? />')


TICKED, UNTICKED = "\u2611", "\u2610"


def _task_box(match: re.Match[str]) -> str:
    return f'<span class="task-box">{TICKED if match.group(1) else UNTICKED} </span>'


EMPTY_HEADER = re.compile(r'<th((?: [a-z-]+="[^"]*")*)>\s*</th>')


def empty_header_cells(html: str) -> str:
    """Empty header cells (the corner above row labels) as data cells.

    A header cell names its column for a screen reader; an empty one names
    nothing, and accessibility checkers flag it (axe-core's empty-table-header).
    """
    return EMPTY_HEADER.sub(r"<td\1></td>", html)


ORDERED_LIST = re.compile(r'<ol((?: [a-z-]+="[^"]*")*)>')
LIST_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman",
              "I": "upper-roman"}


def _numbered_for_print(match: re.Match[str]) -> str:
    """``<ol start type>`` as the CSS WeasyPrint follows (it reads neither attribute)."""
    attrs = dict(re.findall(r' ([a-z-]+)="([^"]*)"', match.group(1)))
    css = [attrs["style"].rstrip("; ")] if attrs.get("style") else []
    if attrs.get("type") in LIST_TYPES:
        css.append(f"list-style-type: {LIST_TYPES[attrs['type']]}")
    start = attrs.get("start", "1")
    first = int(start) if re.fullmatch(r"-?\d{1,9}", start) else 1
    if first != 1:
        css.append(f"counter-reset: list-item {first - 1}")
    div = LIST_DIV.search(match.string, max(0, match.start() - 200), match.start())
    widest = _widest_marker(first, first + _items(match.string, match.end()) - 1,
                            attrs.get("type", "1"), DELIMITERS_EM[div.group(1) if div else ""])
    if widest > MARKER_FITS:  # the padding holds its marker, not the page's margin
        css.append(f"padding-left: {widest + 0.15:.2f}em")
    if not css:
        return match.group(0)
    attrs["style"] = "; ".join(css)
    return "<ol" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"


# Widths in em of what a marker is written with (Noto Sans); a marker wider than
# MARKER_FITS would reach past print.css's 16pt padding into the page's margin (as "98. "
# reaches 1pt into it, as it always has).
GLYPH_EM = {**dict.fromkeys("0123456789-", 0.572), "i": 0.258, "v": 0.5, "x": 0.52,
            "l": 0.258, "c": 0.48, "d": 0.571, "m": 0.924, "I": 0.307, "V": 0.6, "X": 0.6,
            "L": 0.5, "C": 0.632, "D": 0.73, "M": 0.9}
DELIMITERS_EM = {"list-two-parens": 0.3 + 0.3 + 0.26, "list-one-paren": 0.3 + 0.26,
                 "": 0.268 + 0.26}  # "(9) ", "9) ", "9. " (pipeline/blocks.py's classes)
LIST_DIV = re.compile(r'<div class="(list-(?:two-parens|one-paren))[^"]*">\s*$')
LETTER_EM = {"a": 0.62, "A": 0.75}
MARKER_FITS = 1.7
LIST_TAG = re.compile(r"<(/?)(ol|ul|li)\b")


def _items(html: str, position: int) -> int:
    """How many items the list opened just before ``position`` has (not its lists' items)."""
    depth = count = 0
    for tag in LIST_TAG.finditer(html, position):
        closing, name = tag.groups()
        if name == "li":
            count += depth == 0 and not closing
        elif closing:
            if depth == 0:
                break
            depth -= 1
        else:
            depth += 1
    return count


def _widest_marker(first: int, last: int, kind: str, delimiters: float) -> float:
    """Width in em of the widest marker from ``first`` to ``last``, its ``delimiters`` too."""
    if kind in ("i", "I"):
        numbers = range(max(first, 1), min(last, 3999) + 1)
        labels = [_roman(n).upper() if kind == "I" else _roman(n) for n in numbers]
    elif kind in ("a", "A"):
        return len(_alphabetic(max(last, 1))) * LETTER_EM[kind] + delimiters
    else:
        labels = [str(first), str(last)]
    return max((sum(GLYPH_EM.get(c, 0.6) for c in label) for label in labels),
               default=0.0) + delimiters


def _roman(n: int) -> str:
    digits = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in digits:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _alphabetic(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(97 + rest) + out
    return out


IMAGE = re.compile(r'<img((?: [a-z-]+="[^"]*")*)( ?/?>)')
PIXELS = re.compile(r"\d{1,5}(?:\.\d+)?")


# Typora's "zoom: 50%" (or "zoom: 0.5"), which WeasyPrint does not read
ZOOM = re.compile(r"(?:^|;)\s*zoom\s*:\s*(\d{1,4}(?:\.\d+)?)\s*(%?)\s*(?=;|$)", re.IGNORECASE)


def _sized_for_print(match: re.Match[str], folder: Path | None = None) -> str:
    """``<img width height>`` (pandoc's ``{width=300px}``) as the CSS WeasyPrint follows.

    WeasyPrint reads no presentational attribute, so an image sized in pixels
    would be drawn at its own size on paper; nor does it read ``zoom`` (Typora's
    ``<img style="zoom:50%">``), which becomes the width it means.
    """
    attrs = dict(re.findall(r' ([a-z-]+)="([^"]*)"', match.group(1)))
    style = attrs.get("style", "").rstrip("; ")
    zoom = ZOOM.search(style)
    if zoom and folder is not None:
        width = _zoomed_width(folder, attrs.get("src", ""), zoom)
        if width:
            style = "; ".join(p for p in (style[:zoom.start()].strip("; "),
                                          style[zoom.end():].strip("; "), f"width: {width}px")
                              if p)
            attrs["style"] = style
    given = {d.split(":")[0].strip() for d in style.split(";") if ":" in d}
    css = [style] if style else []
    for dimension in ("width", "height"):
        value = attrs.get(dimension, "")
        if dimension not in given and PIXELS.fullmatch(value):
            css.append(f"{dimension}: {value}px")
    if len(css) == (1 if style else 0) and not zoom:
        return match.group(0)
    attrs["style"] = "; ".join(css)
    return "<img" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + match.group(2)


def _zoomed_width(folder: Path, src: str, zoom: re.Match[str]) -> int | None:
    """The width in pixels an image's ``zoom`` shows it at, from its file's own width."""
    from urllib.parse import unquote, urlsplit

    if not src or urlsplit(src).scheme:
        return None
    factor = float(zoom.group(1)) / (100 if zoom.group(2) else 1)
    try:
        from PIL import Image

        with Image.open(folder / unquote(src)) as image:
            return max(1, round(image.width * factor))
    except (OSError, ValueError):  # not a raster file (an SVG): left as written
        return None


def disclaimer_html(doc: CitedDocument) -> str:
    return ast_to({**doc.ast, "blocks": list(doc.disclaimer_blocks)}, "html5")


def qr_data_uri(url: str) -> str:
    if not url:
        return ""
    import segno

    return segno.make(url, error="m").svg_data_uri(border=0)


def back_matter_level(doc: CitedDocument) -> int:
    """The level of the disclaimer's and the colophon's headings in print: the body's top
    level, so that a body of ``#`` sections (a wiki's, a document from Word) does not hold
    them in its last section, in the bookmarks and the structure tree alike."""
    levels = [n["c"][0] for n in doc.ast["blocks"] if n["t"] == "Header"]
    return 1 if levels and min(levels) == 1 else 2


def render_print_html(doc: CitedDocument, options: RenderOptions, templates: Path) -> str:
    context = handout_context(doc)
    context.update(
        body=body_html(doc, styles=templates.parent),
        disclaimer=disclaimer_html(doc),
        paper=options.paper.upper() if options.paper in ("a4", "a5") else options.paper,
        qr_svg=qr_data_uri(context["canonical_url"]),
        back_level=back_matter_level(doc),
    )
    if not context["disclaimer"].strip():
        raise PipelineError.at(doc.manuscript.path, None, "no disclaimer text: refusing to "
                               "produce an output without one", "no-disclaimer")
    return render_template(templates, "print.html.j2", context)
