"""An EPUB's contents in words: a heading's formula named by the characters it draws.

pandoc copies a heading's MathML into the navigation document (which the
package does not declare as holding MathML, so EPUBCheck fails it, and few
reading systems draw MathML in their contents view) and its TeX into the
EPUB 2 contents (``toc.ncx``), where a reader would see ``\\geq``.  Both get
the formula's characters instead (``CRB-65 ≥ 3``), as the PDF's bookmarks do.
"""

from __future__ import annotations

import io

from lxml import etree

from ..math_words import spelled

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"


def formula_words(math: etree._Element) -> str:
    """The characters a MathML formula draws, as :func:`..math_words.spelled` writes them."""
    return spelled(math)


def words_of(element: etree._Element) -> str:
    """An element's text on one line, each formula in it as :func:`formula_words`."""
    parts: list[str] = []

    def collect(node: etree._Element) -> None:
        if node.tag == f"{{{MATHML_NS}}}math":
            parts.append(" " + formula_words(node) + " ")
        elif node.tag == f"{{{XHTML_NS}}}img":
            parts.append(node.get("alt", ""))
        else:
            parts.append(node.text or "")
            for child in node:
                collect(child)
                parts.append(child.tail or "")

    collect(element)
    return " ".join("".join(parts).split())


def _without_empty_spans(link: etree._Element) -> bool:
    """``link`` without the empty spans pandoc copies from its heading (a Word bookmark,
    ``[]{#_Toc123 .anchor}``), which EPUBCheck refuses in a navigation document."""
    empty = [s for s in link.iter(f"{{{XHTML_NS}}}span") if not (s.text or "").strip()
             and len(s) == 0]
    for span in empty:
        parent, previous, tail = span.getparent(), span.getprevious(), span.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(span)
    return bool(empty)


def contents_in_words(files: dict[str, bytes], nav_name: str) -> None:
    """The contents' entries as words: in the navigation document and in ``toc.ncx``.

    A formula is named by its characters and a picture by its alternative text
    (pandoc copies a heading's image with an address relative to the chapter,
    which the navigation document, in another folder, cannot reach); every
    entry of ``toc.ncx`` reads as the navigation document's, without the note
    calls and citations pandoc leaves in it.
    """
    tree = etree.parse(io.BytesIO(files[nav_name]))
    named: dict[str, str] = {}
    changed = False
    for link in tree.getroot().iter(f"{{{XHTML_NS}}}a"):
        changed = _without_empty_spans(link) or changed
        if next(link.iter(f"{{{MATHML_NS}}}math", f"{{{XHTML_NS}}}img"), None) is not None:
            words = words_of(link)
            for child in list(link):
                link.remove(child)
            link.text = words
            changed = True
        named[link.get("href", "")] = words_of(link)
    if changed:
        files[nav_name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    folder = nav_name.rsplit("/", 1)[0] + "/" if "/" in nav_name else ""
    ncx_name = next((n for n in files if n.endswith(".ncx")), None)
    if ncx_name is None:
        return
    ncx = etree.parse(io.BytesIO(files[ncx_name]))
    ncx_folder = ncx_name.rsplit("/", 1)[0] + "/" if "/" in ncx_name else ""
    by_path = {folder + href: words for href, words in named.items()}
    for point in ncx.getroot().iter(f"{{{NCX_NS}}}navPoint"):
        content = point.find(f"{{{NCX_NS}}}content")
        text = point.find(f"{{{NCX_NS}}}navLabel/{{{NCX_NS}}}text")
        words = None if content is None else by_path.get(ncx_folder + content.get("src", ""))
        if text is not None and words and text.text != words:
            text.text = words
    files[ncx_name] = etree.tostring(ncx, xml_declaration=True, encoding="UTF-8")
