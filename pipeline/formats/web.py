"""The HTML edition: one web page per edition, beside a shared ``assets/`` folder.

The page reads the same cited AST as the PDF and the EPUB and knows what
their templates know (:func:`pipeline.html.handout_context`); what differs is
the web's: each work a citation names links to its reference entry and the
entry back to each place (:func:`pipeline.notemarks.link_citations`, as in the
EPUB), the review-status track marks the current step, the audience
choice links to the handout's other editions, and images are content-named
files under ``assets/images/`` that :mod:`pipeline.site` copies there.  Every
link is relative, so the folder works from ``file://``, an intranet or any
URL path.  No script: the page is complete without JavaScript.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..html import empty_header_cells
from ..imagemeta import data_url_without_metadata
from ..images import screen_copy
from ..math import label_mathml
from ..model import CitedDocument, RenderOptions
from ..notemarks import (
    captions_with_links_shown,
    line_anchors_hidden,
    link_citations,
    summaries_without_links,
    symbol_footnotes_html,
)
from ..pandoc import ast_to
from ..sitefile import site_settings
from ..tree import Node, stringify, transform
from . import OutputFormat

ASSETS = "assets"
TRACK = ("submitted", "under-review", "approved")
# An <img> of raw HTML as the cleaning writes it back (double-quoted attributes).
RAW_IMAGE = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')


class HtmlFormat(OutputFormat):
    name = "html"
    suffix = ".html"
    media_type = "text/html"

    def render(self, doc: CitedDocument, options: RenderOptions, styles: Path) -> bytes:
        return render_web_html(doc, styles, options.formats).encode("utf-8")


def image_name(path: Path) -> str:
    """The content-addressed name of a local image under ``assets/images/``.

    Named after the bytes served (:func:`pipeline.images.screen_copy`: a TIFF
    as a PNG, an SVG without scripts), so a changed image is a new address.
    """
    data, suffix = screen_copy(path)
    digest = hashlib.sha256(data).hexdigest()[:20]
    return f"{digest}{suffix}"


def review_track(status: str, words: Mapping[str, str]) -> list[dict[str, str]]:
    """The steps Submitted, Under review, Approved, each done, current or to come."""
    reached = TRACK.index(status) if status in TRACK else (len(TRACK) if status == "retired"
                                                          else -1)
    steps = []
    for i, step in enumerate(TRACK):
        state = "done" if i < reached else "current" if i == reached else "todo"
        steps.append({"label": words[f"track_{step}"], "state": state})
    return steps


def _served(target: str, folder: Path) -> str | None:
    """The address under ``assets/images/`` of a local image, else None."""
    if "://" in target or target.startswith(("data:", "/", "#")):
        return None
    path = folder / unquote(target)
    if not path.is_file():
        return None
    return f"{ASSETS}/images/{image_name(path)}"


def _raw_image(match: re.Match[str], folder: Path) -> str:
    target = unescape(match.group(2))
    if target.startswith("data:"):  # written into the page: without its image's notes
        cleaned = data_url_without_metadata(target)
        return match.group(0) if cleaned == target else \
            f"{match.group(1)}{escape(cleaned)}{match.group(3)}"
    served = _served(target, folder)
    return match.group(0) if served is None else f"{match.group(1)}{served}{match.group(3)}"


def _images(node: Node, folder: Path) -> Any:
    if node["t"] in ("RawInline", "RawBlock") and node["c"][0] == "html" \
            and "<img" in node["c"][1]:
        text = RAW_IMAGE.sub(lambda m: _raw_image(m, folder), node["c"][1])
        return {"t": node["t"], "c": ["html", text]}
    if node["t"] != "Image":
        return None
    if node["c"][2][0].startswith("data:"):
        cleaned = data_url_without_metadata(node["c"][2][0])
        if cleaned == node["c"][2][0]:
            return None
        return {"t": "Image", "c": [node["c"][0], node["c"][1], [cleaned, node["c"][2][1]]]}
    served = _served(node["c"][2][0], folder)
    if served is None:
        return None
    c = list(node["c"])
    c[2] = [served, c[2][1]]
    return {"t": "Image", "c": c}


def scrolling_tables(blocks: list[Node], words: Mapping[str, str]) -> list[Node]:
    """Each table in a region of its own that scrolls sideways when the table is wider.

    The page itself never scrolls sideways; keyboard users reach the region
    (``tabindex=0``) and screen readers hear its name: the caption, else "Table N";
    a caption given twice is told apart by its number, as landmarks must be.
    """
    count = 0
    used: set[str] = set()

    def wrap(node: Node) -> Any:
        nonlocal count
        if node["t"] != "Table":
            return None
        count += 1
        caption = " ".join(stringify(node["c"][1][1]).split())
        numbered = words.get("table_n", "Table {n}").format(n=count)
        label = caption or numbered
        if label in used:
            label = f"{caption} ({numbered})"
        used.add(label)
        inner = {"t": "Table", "c": transform(node["c"], wrap)}
        return {"t": "Div", "c": [["", ["table-scroll"], [
            ["role", "region"], ["tabindex", "0"], ["aria-label", label]]], [inner]]}

    return transform(blocks, wrap)


def web_body(doc: CitedDocument) -> str:
    """The body as web HTML: linked citations, back links, images under assets/."""
    blocks = link_citations(list(doc.ast["blocks"]), doc.words)
    folder = doc.manuscript.path.parent
    blocks = transform(blocks, lambda n: _images(n, folder))
    blocks = scrolling_tables(blocks, doc.words)
    html = ast_to({**doc.ast, "blocks": blocks}, "html5", ["--section-divs", "--mathml"])
    if doc.footnote_symbols:  # superscript numbers are the citations' (as in print)
        html = symbol_footnotes_html(html)
    html = line_anchors_hidden(summaries_without_links(
        captions_with_links_shown(DISPLAY_MATH.sub(r'\1 tabindex="0"', html))))
    return label_mathml(empty_header_cells(html).encode("utf-8")).decode("utf-8")


# A display formula wider than the page scrolls by itself (web.css): a keyboard must reach it.
DISPLAY_MATH = re.compile(r'(<math\b[^>]*\bdisplay="block")(?![^>]*\btabindex=)')


def web_context(doc: CitedDocument, styles: Path,
                formats: tuple[str, ...] = ("pdf", "epub")) -> dict[str, Any]:
    """What the web template knows about an edition, beyond the shared context.

    ``formats`` are those built beside the page: only they are linked.
    """
    m, words = doc.manuscript, doc.words
    from ..html import disclaimer_html, handout_context  # Jinja2: loaded only to render

    context = handout_context(doc)
    slug = m.slug
    context.update(
        body=web_body(doc),
        disclaimer=disclaimer_html(doc),
        assets=ASSETS,
        track=review_track(m.status, words),
        track_note=words["track_draft"] if m.status == "draft"
        else words["track_retired"] if m.status == "retired" else "",
        editions=[{"label": words[f"audience_choice_{a}"], "href": f"{slug}.{a}.html",
                   "current": a == doc.audience} for a in m.audiences],
        downloads=[{"label": words[f"format_{fmt}"], "href": f"{slug}.{doc.audience}.{fmt}"}
                   for fmt in ("pdf", "epub") if fmt in formats],
        editorial_policy=site_settings(styles).editorial_policy,
        last_updated_iso=m.last_updated.isoformat(),
        next_review_iso=m.next_review.isoformat() if m.next_review else "",
    )
    return context


def render_web_html(doc: CitedDocument, styles: Path,
                    formats: tuple[str, ...] = ("pdf", "epub")) -> str:
    """The complete page of one edition, linking the other ``formats`` built beside it."""
    from ..errors import PipelineError

    context = web_context(doc, styles, formats)
    if not context["disclaimer"].strip():
        raise PipelineError.at(doc.manuscript.path, None, "no disclaimer text: refusing to "
                               "produce an output without one", "no-disclaimer")
    from ..html import render_template

    return render_template(styles / "templates", "web.html.j2", context)
