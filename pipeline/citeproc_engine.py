"""Run citeproc-py: citations and a reference list, with formatting as marks.

This is the one place the project calls citeproc-py.  The citation stage
(``pipeline/citations.py``) and the CSL test-suite runner both go through
:func:`format_clusters`, so the suite measures what the build prints.
Private-use characters stand for formatting while citeproc-py works, so that
no text it produces can be mistaken for markup: the caller turns them into
pandoc AST nodes (or, for the test suite, into HTML).
"""

from __future__ import annotations

import functools
import io
import types
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from . import citeproc_fixes
from .citeproc_fixes.cluster import RENDERING, author_only
from .citeproc_fixes.disambiguation import disambiguate
from .citeproc_input import clean_item, rich_text_marks
from .citeproc_marks import (
    CLOSE,
    FIELD_EMPH,
    FIELD_NODECOR,
    FIELD_SMALLCAPS,
    FIELD_STRONG,
    MARK_NUMBER_CLOSE,
    MARK_NUMBER_OPEN,
    MARKS,
    OPEN,
    OPEN_CHARS,
)
from .citeproc_output import Quotes, finish, quotes_of
from .model import CiteItem, Cluster, FormattedCitations

__all__ = ["CLOSE", "MARKER_FORMATTER", "MARKS", "OPEN", "OPEN_CHARS", "clean_item",
           "format_clusters", "html_to_marks", "marks_to_html"]

def _wrapper(kind: str) -> type:
    return type(kind, (str,), {"__new__": lambda cls, text: str.__new__(
        cls, OPEN[kind] + str(text) + CLOSE)})


MARKER_FORMATTER = types.SimpleNamespace(
    preformat=lambda text: str(text),
    Italic=_wrapper("emph"), Oblique=_wrapper("emph"), Bold=_wrapper("strong"),
    Light=_wrapper("plain"), Underline=_wrapper("underline"),
    Superscript=_wrapper("sup"), Subscript=_wrapper("sub"), SmallCaps=_wrapper("smallcaps"),
)

_PLAIN_FIELD_MARKS = str.maketrans({FIELD_EMPH: OPEN["emph"], FIELD_STRONG: OPEN["strong"],
                                    FIELD_SMALLCAPS: OPEN["smallcaps"],
                                    FIELD_NODECOR: OPEN["plain"]})


def html_to_marks(value: str) -> str:
    """CSL-JSON's rich-text markup (<i>, <sup>, ...) as formatting marks (no flip-flop)."""
    return rich_text_marks(value, quotes=False).translate(_PLAIN_FIELD_MARKS)


_HTML_OPEN = {"emph": "<i>", "strong": "<b>", "sup": "<sup>", "sub": "<sub>",
              "smallcaps": '<span style="font-variant:small-caps;">',
              "underline": '<span style="text-decoration:underline;">', "plain": "",
              "normal": '<span style="font-weight:normal;">',
              "roman": '<span style="font-style:normal;">',
              "nodecoration": '<span style="text-decoration:none;">',
              "baseline": '<span style="baseline">',
              "upright-caps": '<span style="font-variant:normal;">'}
_HTML_CLOSE = {"emph": "</i>", "strong": "</b>", "sup": "</sup>", "sub": "</sub>", "plain": ""}
# Unicode superscript letters, written as <sup> in HTML as citeproc-js writes them
_SUPERSCRIPTS = dict(zip(
    ("\u00aa\u00b2\u00b3\u00b9\u00ba\u02b0\u02b1\u02b2\u02b3\u02b4\u02b5\u02b6\u02b7\u02b8"
     "\u02e0\u02e1\u02e2\u02e3\u02e4\u1d2c\u1d2d\u1d2e\u1d30\u1d31\u1d32\u1d33\u1d34\u1d35"
     "\u1d36\u1d37\u1d38\u1d39\u1d3a\u1d3c\u1d3d\u1d3e\u1d3f\u1d40\u1d41\u1d42\u1d43\u1d44"
     "\u1d45\u1d46\u1d47\u1d48\u1d49\u1d4a\u1d4b\u1d4c\u1d4d\u1d4f\u1d50\u1d51\u1d52\u1d53"
     "\u1d54\u1d55\u1d56\u1d57\u1d58\u1d59\u1d5a\u1d5b\u1d5c\u1d5d\u1d5e\u1d5f\u1d60\u1d61"
     "\u2070\u2071\u2074\u2075\u2076\u2077\u2078\u2079\u207a\u207b\u207c\u207d\u207e\u207f"
     "\u3192\u3193\u3194\u3195\u3196\u3197\u3198\u3199\u319a\u319b\u319c\u319d\u319e\u319f"
     "\u02c0\u02c1\u06e5\u06e6"),
    ("a231oh\u0266jr\u0279\u027b\u0281wy\u0263lsx\u0295A\u00c6BDE\u018eGHIJKLMNO\u0222PRTU"
     "Wa\u0250\u0251\u1d02bde\u0259\u025b\u025cgkm\u014bo\u0254\u1d16\u1d17ptu\u1d1d\u026f"
     "v\u1d25\u03b2\u03b3\u03b4\u03c6\u03c70i456789+\u2212=()n\u4e00\u4e8c\u4e09\u56db"
     "\u4e0a\u4e2d\u4e0b\u7532\u4e59\u4e19\u4e01\u5929\u5730\u4eba\u0294\u0295\u0648\u064a"), strict=True))
_SUPERSCRIPTS.update({"\u2120": "SM", "\u2122": "TM"})
# the reference list's areas, written as citeproc-js writes them
_HTML_DISPLAY = {"block": ('\n\n    <div class="csl-block">', "</div>\n"),
                 "left-margin": ('\n    <div class="csl-left-margin">', "</div>"),
                 "right-inline": ('<div class="csl-right-inline">', "</div>\n  "),
                 "indent": ('<div class="csl-indent">', "</div>\n  ")}


def marks_to_html(text: str) -> str:
    """Formatted output (with marks) as the HTML the CSL test suite expects."""
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in OPEN_CHARS:
            stack.append(OPEN_CHARS[ch])
            out.append(_HTML_DISPLAY[stack[-1]][0] if stack[-1] in _HTML_DISPLAY
                       else _HTML_OPEN[stack[-1]])
        elif ch == CLOSE:
            if stack:
                kind = stack.pop()
                out.append(_HTML_DISPLAY[kind][1] if kind in _HTML_DISPLAY
                           else _HTML_CLOSE.get(kind, "</span>"))
        elif ch in (MARK_NUMBER_OPEN, MARK_NUMBER_CLOSE):
            continue
        elif ch in _SUPERSCRIPTS:
            out.append(f"<sup>{_SUPERSCRIPTS[ch]}</sup>")
        else:
            out.append({"&": "&#38;", "<": "&#60;", ">": "&#62;"}.get(ch, ch))
    return "".join(out)


def _citation_item(cite: CiteItem) -> Any:
    from citeproc import CitationItem, Locator

    options: dict[str, Any] = {}
    if cite.locator:
        label = (cite.label or "page").replace(" ", "-")  # CSL 1.0 wrote "sub verbo"
        options["locator"] = Locator(label, rich_text_marks(cite.locator.strip()))
    if cite.prefix:
        options["prefix"] = cite.prefix
    if cite.suffix:
        options["suffix"] = cite.suffix
    item = CitationItem(cite.key, **options)
    if cite.mode == "author-in-text":  # the names before the citation, the rest after them
        item["suppress_author"] = item["author_in_text"] = True
    elif cite.mode != "normal":  # read by citeproc_fixes.cluster, unknown to citeproc-py
        item[cite.mode.replace("-", "_")] = True
    return item


def _bare(items: Sequence[Any]) -> None:
    """The reference list's items without what their first cite said of one place in them.

    citeproc-py lists each work through the item of its first cite, so a style
    that asks for the locator in its bibliography (Chicago's notes styles do,
    to print a cited page in place of the page range) printed that cite's
    page, and its prefix, suffix or suppressed author, in the reference list.
    """
    for item in items:
        for name in [k for k in item if k not in ("key", "citation")]:
            del item[name]


@functools.lru_cache(maxsize=16)
def read_style(style_xml: bytes, locale: str) -> Any:
    """citeproc-py's style for ``style_xml`` in ``locale``, read once per process.

    A style is not changed by what it formats (see ``citeproc_fixes.speed``),
    so a worker keeps it, with its locale and the answers it has learned about
    itself, from one handout to the next.
    """
    from citeproc import CitationStylesStyle

    citeproc_fixes.apply()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(style_xml), locale=locale, validate=False)


def format_clusters(style_xml: bytes, items: Mapping[str, Mapping[str, Any]],
                    clusters: Sequence[Cluster], locale: str,
                    nocite: Sequence[str] = (), mark_cites: bool = False) -> FormattedCitations:
    """Each cluster formatted in document order, and the reference list of the cited items.

    ``nocite`` are items listed without being cited, after the cited ones.  With
    ``mark_cites`` each cite of a citation stands between cite marks
    (:func:`pipeline.citeproc_marks.cite_marked`), so that each can link to its entry.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    style = read_style(style_xml, locale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([clean_item(i) for i in items.values()])
    original = {str(k).lower(): str(k) for k in items}
    bib = CitationStylesBibliography(style, source, MARKER_FORMATTER)
    citations = []
    for cluster in clusters:
        citation = Citation([_citation_item(c) for c in cluster.items])
        citation.note_index = cluster.note_index
        citations.append(citation)
        bib.register(citation)
    if nocite:
        bib.register(Citation([CitationItem(key) for key in nocite]))
    has_bibliography = style.has_bibliography()
    if has_bibliography:
        bib.sort()
    disambiguate(bib)
    quotes = quotes_of(style.root)
    RENDERING["mark_cites"] = mark_cites
    texts: list[str] = []
    names: list[tuple[str | None, ...]] = []
    try:
        for citation in citations:
            rendered = bib.cite(citation, lambda _item: None)  # None: nothing printed
            texts.append("" if rendered is None else finish(str(rendered), quotes))
            names.append(tuple(_finished(author_only(style.root.citation.layout, item), quotes)
                               for item in citation.cites if item.get("author_in_text")))
    finally:
        RENDERING["mark_cites"] = False
    entries: tuple[tuple[str, str], ...] = ()
    if has_bibliography:
        _bare(bib.items)
        entries = tuple((original.get(item.key, item.key), finish(str(text), quotes))
                        for item, text in zip(bib.items, bib.bibliography(), strict=True)
                        if str(text))
    return FormattedCitations(citations=tuple(texts), bibliography=entries, names=tuple(names))


def _finished(text: str | None, quotes: Quotes) -> str | None:
    return None if text is None else finish(text, quotes)
