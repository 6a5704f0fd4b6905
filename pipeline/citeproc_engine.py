"""Run citeproc-py: citations and a reference list, with formatting as marks.

This is the one place the project calls citeproc-py.  The citation stage
(``pipeline/citations.py``) and the CSL test-suite runner both go through
:func:`format_clusters`, so the suite measures what the build prints.
Private-use characters stand for formatting while citeproc-py works, so that
no text it produces can be mistaken for markup: the caller turns them into
pandoc AST nodes (or, for the test suite, into HTML).
"""

from __future__ import annotations

import io
import types
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from . import citeproc_fixes
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
from .citeproc_output import finish, quotes_of
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
        else:
            out.append({"&": "&#38;", "<": "&#60;", ">": "&#62;"}.get(ch, ch))
    return "".join(out)


def _citation_item(cite: CiteItem) -> Any:
    from citeproc import CitationItem, Locator

    options: dict[str, Any] = {}
    if cite.locator:
        options["locator"] = Locator(cite.label or "page", cite.locator)
    if cite.prefix:
        options["prefix"] = cite.prefix
    if cite.suffix:
        options["suffix"] = cite.suffix
    item = CitationItem(cite.key, **options)
    if cite.mode != "normal":  # read by citeproc_fixes.cluster, unknown to citeproc-py
        item[cite.mode.replace("-", "_")] = True
    return item


def format_clusters(style_xml: bytes, items: Mapping[str, Mapping[str, Any]],
                    clusters: Sequence[Cluster], locale: str,
                    nocite: Sequence[str] = ()) -> FormattedCitations:
    """Each cluster formatted in document order, and the reference list of the cited items.

    ``nocite`` are items listed without being cited, after the cited ones.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
    from citeproc.source.json import CiteProcJSON

    citeproc_fixes.apply()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(io.BytesIO(style_xml), locale=locale, validate=False)
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
    texts = tuple(finish(str(bib.cite(c, lambda _item: None)), quotes) for c in citations)
    entries: tuple[tuple[str, str], ...] = ()
    if has_bibliography:
        entries = tuple((original.get(item.key, item.key), finish(str(text), quotes))
                        for item, text in zip(bib.items, bib.bibliography(), strict=True)
                        if str(text))
    return FormattedCitations(citations=texts, bibliography=entries)
