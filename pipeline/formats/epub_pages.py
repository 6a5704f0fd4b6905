"""The book's XHTML pages framed here as pandoc's epub3 template frames them.

pandoc's EPUB writer passes each page through its template, which lays the
whole body out again (doclayout) only to put a head and a few lines around
it: about a third of the writer's time for a handout.  The book is asked for
without the template (``pandoc.write_book(..., template=False)``: each page
is its body alone), and :func:`framed` puts around each body what the
template writes there, the template itself rendered by the resident pandoc
with the variables the writer would give it (``pandoc.page_frame``), so that
the pages are byte for byte the template's.

Two things the layout pass does are not done here, so a book that needs them
is written with the template (:func:`needs_template` before asking, and
:func:`framed` answering None after): spaces that pandoc's layout merges or
drops (two in a row, at the start or end of a line, which the pipeline's own
rewrites can leave), and the highlighting CSS of code in a named language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from ..pandoc import page_frame

# In pandoc's JSON: code in a named language (highlighted, with CSS in the page's head);
# a section marked as front or back matter (the page's body type); a word holding a line
# break (laid out as one); raw HTML that could hold a reference list's div; two spaces in
# a row (laid out as one: a TeX command or a comment left out mid-sentence leaves them).
_WRITTEN_APART = re.compile(
    r'"t": "(?:Code|CodeBlock)", "c": \[\["(?:[^"\\]|\\.)*", \["'
    r'|\{"t": "(?:Space|SoftBreak)"\}, \{"t": "(?:Space|SoftBreak)"\}'
    r'|"epub:type"'
    r'|"t": "Str", "c": "(?:[^"\\]|\\.)*?\\n'
    r'|"t": "Raw(?:Block|Inline)", "c": \["html", "(?:[^"\\]|\\.)*?(?:refs|csl-bib-body)')

# What the layout leaves as it is: code, preformatted text, pandoc's MathML and the
# landmarks of the contents page.
_AS_WRITTEN = re.compile(r"<(pre|code|math|style|script|textarea)[ >].*?</\1>"
                         r'|<nav epub:type="landmarks".*?</nav>', re.DOTALL)
# A reference list's div: the page's head then holds the citation CSS.
_REFERENCES = re.compile(r'<div id="refs"[ >]|<div (?:id="[^"]*" )?class="(?:[^"]* )?'
                         r'csl-bib-body[ "]')
_DECLARATION = b"<?xml "
_STYLESHEET = re.compile(r"EPUB/(styles/stylesheet(\d+)\.css)")
_LANGUAGE = re.compile(rb"<dc:language>([^<&]*)</dc:language>")
# Stand-ins for the page's title and body in a frame rendered once for many pages.
TITLE, BODY = "\x01title\x01", "\x01body\x01"


def needs_template(written: str) -> bool:
    """Whether the book whose JSON is ``written`` must be written with pandoc's template."""
    return _WRITTEN_APART.search(written) is not None


def framed(files: Mapping[str, bytes], title: str) -> dict[str, bytes] | None:
    """``files`` (the book pandoc wrote without its template) with each page framed as the
    template frames it; None when a page needs the template.

    ``title``: the book's title as written in its AST (the contents page's title).
    """
    opf = next((files[n] for n in files if n.endswith(".opf")), b"")
    language = _LANGUAGE.search(opf)
    styles = sorted((int(m[2]), m[1]) for m in map(_STYLESHEET.fullmatch, files) if m)
    if language is None or any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF
                               or c in "\ufffe\uffff" for c in title) or not title:
        return None
    lang = language[1].decode("utf-8")
    out = dict(files)
    for name, data in files.items():
        if not name.endswith(".xhtml"):
            continue
        if data.startswith(_DECLARATION):  # already framed: pandoc wrote this book whole
            return None
        body = data.decode("utf-8")
        if _laid_out(body) or "entry-spacing" in body:
            return None
        references = ('id="refs"' in body or "csl-bib-body" in body)
        if references and _REFERENCES.search(body) is None:
            return None  # named, not as pandoc writes a reference list's div
        nav = name.endswith("nav.xhtml")
        frame = _frame(lang, tuple(href if nav else "../" + href for _, href in styles),
                       "frontmatter" if nav else "bodymatter", references)
        if frame is None:
            return None
        page_title = _xml_text(title) if nav else name.rsplit("/", 1)[-1]
        head, tail = frame
        out[name] = (head.replace(TITLE, page_title) + body + tail).encode("utf-8")
    return out


def _laid_out(body: str) -> bool:
    """Whether pandoc's layout could write ``body`` otherwise: spaces it merges (two in a
    row) or drops (at the start or end of a line), outside what it leaves as it is."""
    if body.startswith((" ", "\n")) or body.endswith((" ", "\n")) or " \n" in body:
        return True
    if "  " not in body and "\n " not in body:
        return False
    laid = _AS_WRITTEN.sub("#", body)
    return "  " in laid or "\n " in laid


def _xml_text(text: str) -> str:
    """``text`` escaped as pandoc escapes a page title (its ``escapeStringForXML``)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@functools.lru_cache(maxsize=64)
def _frame(lang: str, css: tuple[str, ...], body_type: str,
           references: bool) -> tuple[str, str] | None:
    """(what comes before a page's body, what comes after), the title a stand-in."""
    context: dict[str, object] = {"lang": lang, "pagetitle": TITLE, "css": list(css),
                                  "body-type": body_type, "body": BODY}
    if references:
        context["csl-css"] = True
    text = page_frame("epub3", context)
    if text is None or text.count(BODY) != 1 or text.count(TITLE) != 1:
        return None
    head, _, tail = text.partition(BODY)
    return head, tail
