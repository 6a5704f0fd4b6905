"""Marks a reader follows: citations to their references and back, footnote symbols.

- In the web page and the EPUB each work a citation names links to its entry
  in the reference list (``doc-biblioref``), and each entry links back to
  every place it is cited (``doc-backlink``); in the EPUB pandoc points the
  links into the right chapter file.
- With a numeric superscript citation style (AMA, Vancouver ...), a
  superscript digit is a reference: footnotes are then marked with symbols,
  as the AMA Manual of Style does: *, †, ‡, §, ‖, ¶, then doubled (**, ††...).
  The PDF draws them through ``@counter-style footnote-symbols`` in
  print.css; the EPUB's notes are rewritten here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from lxml import etree

from .tree import Node, rewrite, transform, walk, walk_lazily

SYMBOLS = ("*", "\u2020", "\u2021", "\u00a7", "\u2016", "\u00b6")
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"


def footnote_symbol(n: int) -> str:
    """The ``n``-th footnote mark (from 1): *, †, ‡, §, ‖, ¶, **, ††, ..."""
    return SYMBOLS[(n - 1) % len(SYMBOLS)] * ((n - 1) // len(SYMBOLS) + 1)


def superscript_citations(ast: Mapping[str, Any]) -> bool:
    """Whether the edition's citation marks are superscript (a numeric superscript style)."""
    for node in walk_lazily(ast["blocks"]):  # the first citation is near the start
        if _cited_keys(node):
            return any(n["t"] == "Superscript" for n in walk(node["c"][1]))
    return False


def _cited_keys(node: Node) -> list[str]:
    """The keys of a formatted citation mark (a ``citation`` span), else nothing."""
    if node["t"] != "Span" or "citation" not in node["c"][0][1]:
        return []
    cites = dict(node["c"][0][2]).get("data-cites", "")
    return cites.split()


def link_citations(blocks: list[Node], words: Mapping[str, str]) -> list[Node]:
    """Each work a citation names linked to its entry (``#ref-KEY``), each entry back to it.

    The citation stage puts each work of a citation in a ``cite-item`` span
    (``Lee, 2021`` and ``Smith, 2020`` of ``(Lee, 2021; Smith, 2020)``; ``1`` and
    ``3`` of ``[1–3]``): each becomes a link, ``cite-KEY-N`` for the N-th place
    the work is cited.  A citation of one work (``Smith (2020)``, the name
    included), or one without them, links whole to its first work.
    Each entry then ends with "Back to the text:" and a link to every place.
    """
    places: dict[str, list[str]] = {}

    def link(key: str, inlines: list[Node]) -> Node:
        ids = places.setdefault(key, [])
        ids.append(f"cite-{key}-{len(ids) + 1}")
        return {"t": "Link", "c": [[ids[-1], ["citation-link"], [["role", "doc-biblioref"]]],
                                   inlines, [f"#ref-{key}", ""]]}

    def cite(node: Node) -> Any:
        keys = _cited_keys(node)
        if not keys or not node["c"][1]:
            return None
        linked = False

        def item(inner: Node) -> Any:
            nonlocal linked
            if inner["t"] != "Span" or "cite-item" not in inner["c"][0][1]:
                return None
            key = dict(inner["c"][0][2]).get("data-cite", "")
            if single or key not in keys:
                return list(inner["c"][1])
            linked = True
            return link(key, inner["c"][1])

        single = len(set(keys)) == 1
        before = {key: len(places.get(key, ())) for key in keys}
        inlines = transform(node["c"][1], item)
        if not linked:
            inlines = [link(keys[0], inlines)]
        first = next(places[k][before[k]] for k in keys if len(places.get(k, ())) > before[k])
        for key in dict.fromkeys(keys):  # a work inside a range ("2" of "1–3") has no text
            if len(places.get(key, ())) == before[key]:  # of its own: it points back here
                places.setdefault(key, []).append(first)
        return {"t": "Span", "c": [node["c"][0], inlines]}

    # A figure's picture has its caption again as alternative text, which pandoc writes as
    # plain words: a citation there is no place to come back to.
    blocks = rewrite(blocks, lambda node: node if node["t"] == "Image" else cite(node),
                     only=("Span", "Image"))
    return rewrite(blocks, lambda node: _back_links(node, places, words), only=("Div",))


def _back_links(node: Node, places: Mapping[str, list[str]], words: Mapping[str, str]) -> Any:
    """A reference entry followed by a link back to each place it is cited."""
    if node["t"] != "Div" or "csl-entry" not in node["c"][0][1]:
        return None
    ids = places.get(node["c"][0][0].removeprefix("ref-"), [])
    if not ids:
        return None
    links: list[Node] = [{"t": "Str", "c": f"\u21a9\u00a0{words['cited_at']}:"}]
    for n, place in enumerate(ids, 1):
        label = words["back_to_citation_n"].format(n=n)
        links += [{"t": "Space"},
                  {"t": "Link", "c": [["", ["cite-back"], [["role", "doc-backlink"],
                                                           ["aria-label", label]]],
                                      [{"t": "Str", "c": str(n)}], [f"#{place}", ""]]}]
    back = {"t": "Span", "c": [["", ["cited-at"], []], links]}

    def inside(inner: Node) -> Any:  # at the end of the entry's text, not beside it
        if inner["t"] == "Span" and "csl-right-inline" in inner["c"][0][1]:
            return {"t": "Span", "c": [inner["c"][0], [*inner["c"][1], {"t": "LineBreak"},
                                                       back]]}
        return None

    blocks = transform(list(node["c"][1]), inside)
    if blocks == list(node["c"][1]):
        blocks.append({"t": "Plain", "c": [back]})
    return {"t": "Div", "c": [node["c"][0], blocks]}


HIDDEN_CAPTION = re.compile(r'<figcaption aria-hidden="true">((?:(?!</figcaption>).)*?<a\b)',
                            re.DOTALL)


def captions_with_links_shown(markup: str) -> str:
    """Figure captions that hold a link (a citation, a note's call) not hidden from screen readers.

    pandoc hides a caption that repeats its picture's alternative text
    (``aria-hidden="true"``); a link inside it would be reachable by the
    keyboard yet hidden, which WCAG forbids (axe's ``aria-hidden-focus``).
    Such a caption is read like any other.
    """
    if 'aria-hidden="true"' not in markup:
        return markup
    return HIDDEN_CAPTION.sub(r"<figcaption>\1", markup)


LINE_ANCHOR = re.compile(r'<a href="#(cb\d+-\d+)"></a>')


def line_anchors_hidden(markup: str) -> str:
    """The empty link before each line of a numbered code block (``.numberLines``) out of
    the keyboard's and screen readers' way.

    pandoc writes ``<a href="#cb1-10"></a>`` there, on which its style sheet draws the
    line's number: a link with no words (axe's ``link-name``) that a keyboard would stop
    at on every line.  The number stays drawn.
    """
    if 'href="#cb' not in markup:
        return markup
    return LINE_ANCHOR.sub(r'<a href="#\1" aria-hidden="true" tabindex="-1"></a>', markup)


SUMMARY = re.compile(r"(<summary\b[^>]*>)(.*?)(</summary>)", re.DOTALL)
LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL)
LINK_ID = re.compile(r'\bid="[^"]*"')


def summaries_without_links(markup: str) -> str:
    """The links inside a ``<summary>`` (a citation's, an author's) as their words.

    A summary is the control that opens its ``<details>``: a link inside it is
    a control inside a control, which screen readers may not announce (axe's
    ``nested-interactive``), and a click on it would not open the details.  A
    citation keeps its ``id``, so that its reference still links back to it.
    """
    if "<summary" not in markup:
        return markup

    def words(link: re.Match[str]) -> str:
        ident = LINK_ID.search(link.group(1))
        return f"<span {ident.group(0)}>{link.group(2)}</span>" if ident else link.group(2)

    return SUMMARY.sub(lambda m: m.group(1) + LINK.sub(words, m.group(2)) + m.group(3), markup)


def symbol_footnotes(xhtml: bytes) -> bytes:
    """pandoc's EPUB notes with symbols for numbers: the calls, and a mark before each note."""
    if b"footnote-ref" not in xhtml:
        return xhtml
    tree = etree.parse(io.BytesIO(xhtml))
    number: dict[str, str] = {}
    for link in tree.getroot().iter(f"{{{XHTML_NS}}}a"):
        if "footnote-ref" in (link.get("class") or "").split():
            target = (link.get("href") or "").rsplit("#", 1)[-1]
            text = "".join(link.itertext()).strip()
            if not re.fullmatch(r"\d+", text):
                continue
            mark = footnote_symbol(int(text))
            number[target] = mark
            for child in list(link):
                link.remove(child)
            link.text = mark
            if link.getparent().tag != f"{{{XHTML_NS}}}sup":
                sup = etree.Element(f"{{{XHTML_NS}}}sup")
                sup.tail, link.tail = link.tail, None
                link.addprevious(sup)
                sup.append(link)
    for aside in tree.getroot().iter(f"{{{XHTML_NS}}}aside", f"{{{XHTML_NS}}}li"):
        mark = number.get(aside.get("id") or "")
        first = next(iter(aside), None)
        if mark is None or first is None or first.tag != f"{{{XHTML_NS}}}p":
            continue
        label = etree.Element(f"{{{XHTML_NS}}}span", {"class": "footnote-mark"})
        label.text = mark
        label.tail = "\u00a0" + (first.text or "")
        first.text = None
        first.insert(0, label)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


NOTE_CALL = re.compile(r'(<a\b[^>]*\bclass="footnote-ref"[^>]*><sup>)(\d+)(</sup></a>)')
NOTES_LIST = re.compile(r'(<section\b[^>]*\bclass="footnotes\b[^>]*>\s*(?:<hr\s*/?>\s*)?<ol)>')


def symbol_footnotes_html(html: str) -> str:
    """The web page's notes with symbols for numbers: the calls, and the list of notes
    (marked for the ``footnote-symbols`` counter style of web.css)."""
    html = NOTE_CALL.sub(lambda m: m.group(1) + footnote_symbol(int(m.group(2))) + m.group(3),
                         html)
    return NOTES_LIST.sub(r'\1 class="footnote-symbols">', html, count=1)
