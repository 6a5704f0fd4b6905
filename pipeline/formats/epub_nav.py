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

from ..math import spelled

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"
UNSPOKEN = (f"{{{MATHML_NS}}}annotation", f"{{{MATHML_NS}}}annotation-xml")


def formula_words(math: etree._Element) -> str:
    """The characters a MathML formula draws, operators spaced, its TeX annotation left out."""
    return spelled((etree.QName(e).localname, e.text or "") for e in math.iter()
                   if len(e) == 0 and e.tag not in UNSPOKEN
                   and not any(a.tag in UNSPOKEN for a in e.iterancestors()))


def words_of(element: etree._Element) -> str:
    """An element's text on one line, each formula in it as :func:`formula_words`."""
    parts: list[str] = []

    def collect(node: etree._Element) -> None:
        if node.tag == f"{{{MATHML_NS}}}math":
            parts.append(" " + formula_words(node) + " ")
        else:
            parts.append(node.text or "")
            for child in node:
                collect(child)
                parts.append(child.tail or "")

    collect(element)
    return " ".join("".join(parts).split())


def contents_in_words(files: dict[str, bytes], nav_name: str) -> None:
    """Each formula of the navigation document's entries, and of ``toc.ncx``'s, as words."""
    tree = etree.parse(io.BytesIO(files[nav_name]))
    named: dict[str, str] = {}
    for link in tree.getroot().iter(f"{{{XHTML_NS}}}a"):
        if next(link.iter(f"{{{MATHML_NS}}}math"), None) is None:
            continue
        words = words_of(link)
        for child in list(link):
            link.remove(child)
        link.text = words
        named[link.get("href", "")] = words
    if not named:
        return
    files[nav_name] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    folder = nav_name.rsplit("/", 1)[0] + "/" if "/" in nav_name else ""
    ncx_name = next((n for n in files if n.endswith(".ncx")), None)
    if ncx_name is None:
        return
    ncx = etree.parse(io.BytesIO(files[ncx_name]))
    ncx_folder = ncx_name.rsplit("/", 1)[0] + "/" if "/" in ncx_name else ""
    for point in ncx.getroot().iter(f"{{{NCX_NS}}}navPoint"):
        content = point.find(f"{{{NCX_NS}}}content")
        text = point.find(f"{{{NCX_NS}}}navLabel/{{{NCX_NS}}}text")
        if content is None or text is None:
            continue
        src = ncx_folder + content.get("src", "")
        href = next((h for h in named if folder + h == src), None)
        if href is not None:
            text.text = named[href]
    files[ncx_name] = etree.tostring(ncx, xml_declaration=True, encoding="UTF-8")
