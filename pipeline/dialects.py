"""What authors bring from GitHub, Quarto, bookdown and MkDocs: read where the meaning is clear.

- GitHub alerts (``> [!NOTE]`` as the first line of a quote) become callout
  boxes: NOTE and IMPORTANT a ``note``, TIP a ``tip``, WARNING and CAUTION a
  ``warning``; words after the marker (``> [!TIP] Before you start``) are the
  box's title in bold.  Another ``[!WORD]`` stays a quote, with a warning.
- Quarto callouts (``::: {.callout-note}``, ``-tip``, ``-warning``,
  ``-caution``, ``-important``) are the same boxes; a ``title="..."`` is the
  box's title in bold.
- Quarto's ``{{< pagebreak >}}`` is a page break, ``{{< meta title >}}`` the front
  matter's value (``kbd`` and Hugo's figures and boxes are read before pandoc, see
  :mod:`.hugo`); any other shortcode (``{{< video ... >}}``) is left out with a warning
  at its line, since no handout format can show what it stands for.
- bookdown's part headings (``# (PART) Title {-}``) lose their mark, and its boxes
  (``::: rmdnote``) are the boxes their names say.
- Jekyll's Liquid tags and kramdown's attribute lists are read before pandoc, and warned
  about here (see :mod:`.liquid`).
- bookdown's cross-references (``\\@ref(fig:x)``, written by R Markdown
  books) are links numbered with Quarto's (see :mod:`.crossrefs`), or, when they name
  nothing the body has, text with a warning at their line; the labels they point at (``(\\#fig:x)``, ``(\\#tab:x)`` at the
  start of a caption) are left out, since nothing can show them.  Its text
  references (``(ref:label) text``) are read (see :mod:`.textrefs`).
- R Markdown's and Quarto's code chunks are shown as code, with a warning
  (see :mod:`.chunks`).
- MkDocs's admonitions and content tabs are read as boxes and labelled text (see
  :mod:`.mkdocs`); one its reader could not take (no type after ``!!!``) is a warning at
  its line saying to write ``::: warning``.
- A wiki link (``[[Page]]``, ``[[Text|Page]]`` of GitHub and GitLab wikis,
  Obsidian's ``![[picture.png]]``) is text to pandoc's Markdown: a warning at
  its line says to write a Markdown link.
- Obsidian's comments (``%%private%%``) are left out with a warning (see
  :mod:`.obsidian`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping
from typing import Any

from .captions import table_captions
from .changemarks import change_problems
from .chunks import chunk_problems, titled_code, without_options
from .crossrefs import bookdown_ids, number_link, target_ids
from .discourse import discourse_problems
from .errors import Problems
from .gitlab import diagram_problems
from .gridtables import grid_table_problems
from .hugo import hugo_shortcodes
from .liquid import liquid_problems, without_liquid
from .mdx import mdx_problems
from .mkdocs import TAB_CLASS, mkdocs_problems
from .model import Manuscript
from .notetags import without_note_tags
from .obsidian import block_id_problems, comment_problems, nested_quote_problems
from .orgheadings import without_org_marks
from .outliner import outliner_problems
from .percent import percent_problems
from .rstroles import read_roles
from .shortcodes import PAGE_BREAK, SHORTCODE_OPEN, read_shortcodes, shortened
from .texmath_dialects import delimiter_problems
from .textrefs import read_text_references
from .tree import Node, rewrite, str_inlines, stringify, transform
from .typstrefs import read_typst_references
from .vitepress import vitepress_problems
from .wikipictures import is_picture

ALERTS = {"NOTE": "note", "IMPORTANT": "note", "TIP": "tip", "WARNING": "warning",
          "CAUTION": "warning"}
QUARTO_CALLOUTS = {f"callout-{name.lower()}": kind for name, kind in ALERTS.items()}
# bookdown's own boxes (R Markdown books style .rmdnote ... in their CSS): the same boxes
QUARTO_CALLOUTS |= {f"rmd{name.lower()}": kind for name, kind in ALERTS.items()}
# Bootstrap's alerts, as a hospital's web page writes them (<div class="alert alert-warning">)
BOOTSTRAP_ALERTS = {"alert-info": "note", "alert-primary": "note", "alert-secondary": "note",
                    "alert-light": "note", "alert-dark": "note", "alert-success": "tip",
                    "alert-warning": "warning", "alert-danger": "warning"}
QUARTO_CALLOUTS |= BOOTSTRAP_ALERTS
# Confluence's info, note, tip and warning macros, as its HTML and Markdown exports write them
QUARTO_CALLOUTS |= {f"confluence-information-macro-{name}": kind for name, kind in (
    ("information", "note"), ("note", "note"), ("tip", "tip"), ("warning", "warning"))}
# docutils' and DocBook's admonitions (and a DocBook sidebar), as pandoc writes them from a
# .rst file, from DocBook (asciidoctor's) and from Org: the boxes GitHub's alerts of the
# same names are
QUARTO_CALLOUTS |= {"important": "note", "caution": "warning", "attention": "warning",
                    "error": "warning", "sidebar": "note"}
WRAPPERS = ("alert", "confluence-information-macro")  # left out beside the class of their kind
ALERT = re.compile(r"^\[!([A-Za-z]+)\][+-]?$")
TOC = re.compile(r"^(?:\[(?:TOC|toc)\]|\[\[(?:TOC|toc|_TOC_)\]\])$")  # HackMD, VitePress, GitLab
ADMONITION = re.compile(r"^(!!!|\?\?\?\+?)$")
# bookdown: "\@ref(label)" (pandoc reads the escaped @ as text) and "(\#fig:label)".
BOOKDOWN_REF = re.compile(r"@ref\(([\w:.-]+)\)")
# A reference link or image whose label nothing defines: pandoc leaves it as text.
UNDEFINED_REFERENCE = re.compile(r"(!?)\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]")
NOT_PLAIN_TEXT = ("Code", "Note", "Link", "Image", "Span", "Math", "RawInline")
NUMBERS = re.compile(r"[\d\s,;.\u2013-]*")  # "[1][2]", "[3, 4][]": numbers in brackets, as text
WIKI_LINK = re.compile(r"!?\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]")
# What a paragraph's words hold when it has one of the constructs above (a Str holds each).
PARAGRAPH_MARKS = ("[[", "][", "@ref(", "(#", *SHORTCODE_OPEN)
BOOKDOWN_LABEL = re.compile(r"\(#(?:fig|tab|eq|thm|lem|cor|prp|cnj|def|exm|exr|hyp|rem|sol):"
                            r"[\w.-]+\)")


class _Reader:
    """One pass over a manuscript's blocks, counting each construct to find its line."""

    def __init__(self, manuscript: Manuscript, problems: Problems):
        self.manuscript = manuscript
        self.problems = problems
        self.seen: dict[str, int] = {}
        self.line_of_last_shortcode: int | None = None
        self.blocks: list[Node] = []  # the body's: its figures, tables and headings are named

    @functools.cached_property
    def ids(self) -> frozenset[str]:
        """The ids of the body's figures, tables and headings (found at the first
        cross-reference; most bodies have none)."""
        return target_ids(self.blocks)

    @functools.cached_property
    def read(self) -> Manuscript:
        """The manuscript with its text as pandoc reads it, line for line: what was read
        before it is not counted (made at the first warning; most bodies have none)."""
        return dataclasses.replace(self.manuscript, body=hugo_shortcodes(without_liquid(
            self.manuscript.body)))

    def line(self, text: str) -> int | None:
        from .source_lines import nth_line_outside_code

        self.seen[text] = self.seen.get(text, 0) + 1
        return nth_line_outside_code(self.read, text, self.seen[text])

    def own_line(self, line: int | None) -> bool:
        """Whether ``line`` of the manuscript holds an include alone (one that failed: an
        error already says why)."""
        from .includes import INCLUDE

        lines = self.manuscript.body.split("\n")
        index = (line or 0) - self.manuscript.body_line
        return 0 <= index < len(lines) and INCLUDE.match(lines[index]) is not None

    def warn(self, text: str, message: str, code: str) -> None:
        self.problems.warn(self.manuscript.path, self.line(text), message, code=code)

    def visit(self, node: Node) -> Any:  # only the nodes of VISITED
        kind = node["t"]
        if kind == "BlockQuote":
            return self.alert(node)
        if kind == "Div":
            return self.quarto_callout(node)
        if kind in ("Para", "Plain"):
            return self.paragraph(node)
        if kind == "Header":
            return _part_heading(node)
        return None

    def alert(self, node: Node) -> Any:
        blocks = node["c"]
        first = blocks[0] if blocks else None
        if first is None or first["t"] not in ("Para", "Plain") or not first["c"] \
                or first["c"][0]["t"] != "Str":
            return None
        match = ALERT.match(first["c"][0]["c"])
        if not match:
            return None
        rest = first["c"][1:]
        title: list[Node] = []
        if rest and rest[0]["t"] == "Space":  # a title on the marker's line (as Obsidian has)
            end = next((i for i, n in enumerate(rest) if n["t"] in ("SoftBreak", "LineBreak")),
                       len(rest))
            title, rest = rest[1:end], rest[end:]
        name = match.group(1).upper()
        box = ALERTS.get(name)
        if box is None:
            self.warn(match.group(0), f"'{match.group(0)}' is not a GitHub alert the handout "
                      f"knows: it is shown as a quote; the known alerts are "
                      f"{', '.join(f'[!{a}]' for a in ALERTS)}", "unknown-class")
            return None
        self.line(match.group(0))
        inner = [{"t": first["t"], "c": rest[1:]}, *blocks[1:]] if rest[1:] else blocks[1:]
        if title:
            inner = [{"t": "Para", "c": [{"t": "Strong", "c": title}]}, *inner]
        return {"t": "Div", "c": [["", [box], []], rewrite(inner, self.visit, VISITED)]}

    def quarto_callout(self, node: Node) -> Any:
        retitled = _docutils_title(node)
        if retitled is not None:
            return rewrite([retitled], self.visit, VISITED)
        ident, classes, attrs = node["c"][0]
        if TAB_CLASS in classes:  # an MkDocs content tab: its title in bold, then its text
            title = next((v for k, v in attrs if k == "title"), "")
            inner = rewrite(node["c"][1], self.visit, VISITED)
            return [{"t": "Para", "c": [{"t": "Strong", "c": str_inlines(title)}]}, *inner] \
                if title.strip() else inner
        # a box's title="..." (::: {.warning title="Boxed warning"}) is its title, as a Quarto
        # callout's is, not a tooltip no page shows
        titled = any(c in ALERTS.values() for c in classes) and any(k == "title" for k, _ in attrs)
        if not titled and not any(c in QUARTO_CALLOUTS for c in classes):
            return None
        classes = [QUARTO_CALLOUTS.get(c, c) for c in classes
                   if c not in WRAPPERS or not any(a in QUARTO_CALLOUTS for a in classes)]
        inner = [b for block in rewrite(node["c"][1], self.visit, VISITED)  # a macro's body
                 for b in (block["c"][1] if block["t"] == "Div" and block["c"][0][1] ==
                           ["confluence-information-macro-body"] else [block])]
        title = next((v for k, v in attrs if k == "title"), "")
        if title.strip():  # shown as the title of a GitHub alert is
            inner = [{"t": "Para", "c": [{"t": "Strong", "c": str_inlines(title)}]}, *inner]
        attrs = [[k, v] for k, v in attrs if k != "title"]
        return {"t": "Div", "c": [[ident, classes, attrs], inner]}

    def paragraph(self, node: Node) -> Any:
        inlines = node["c"]
        toc = _toc_mark(inlines)
        if toc:
            self.warn(toc, f"'{toc}' (a table of contents, as HackMD, Typora, GitLab and "
                      "VitePress write it) is left out: the PDF's bookmarks and the EPUB's "
                      "contents list the headings", "toc")
            return []
        if len(inlines) >= 3 and inlines[0]["t"] == "Str" and ADMONITION.match(
                inlines[0]["c"]) and inlines[1]["t"] == "Space" and inlines[2]["t"] == "Str":
            kind = inlines[2]["c"]
            written = f"{inlines[0]['c']} {kind}"
            self.warn(written, f"'{written}' is an MkDocs admonition, which pandoc's Markdown "
                      f"does not have: it is shown as text; write '::: {kind}' on the line "
                      "before its text and ':::' after it, without indenting the text",
                      "admonition")
            return None
        if len(inlines) >= 3 and inlines[0]["t"] == "Str" and inlines[0]["c"] in ("===", "===!",
                                                                                   "===+") \
                and inlines[1]["t"] == "Space" and inlines[2]["t"] == "Quoted":
            written = f"{inlines[0]['c']} \"{stringify(inlines[2]['c'])}\""
            self.warn(inlines[0]["c"] + " ", f"'{written}' is a content tab of MkDocs "
                      "(pymdownx.tabbed), which pandoc's Markdown does not have: it is shown "
                      "as text and its indented text as code; write the tab's title as a "
                      "heading or a bold line and its text without indenting it", "admonition")
            return None
        words = "\0".join(n["c"] for n in inlines if n["t"] == "Str")
        if not any(mark in words for mark in PARAGRAPH_MARKS):
            return None  # no wiki link, reference, bookdown label or shortcode: as it is
        self.wiki_links(inlines)
        self.undefined_references(inlines)
        kept = read_shortcodes(self, self.bookdown(inlines))
        if kept is inlines:
            return None
        if len(kept) == 1 and kept[0] is PAGE_BREAK:
            return {"t": "RawBlock", "c": ["tex", "\\newpage"]}
        if any(n is PAGE_BREAK for n in kept):
            self.problems.warn(self.manuscript.path, self.line_of_last_shortcode,
                               "'{{< pagebreak >}}' inside a paragraph is left out: put it on a "
                               "line of its own to start a new page", code="shortcode")
            kept = [n for n in kept if n is not PAGE_BREAK]
        return {"t": node["t"], "c": rewrite(kept, self.visit, VISITED)} if _visible(kept) else []

    def wiki_links(self, inlines: list[Node]) -> None:
        """A warning for each wiki link, which stays as written."""
        if not any(n["t"] == "Str" and "[[" in n["c"] for n in inlines):
            return
        words = transform(inlines, lambda n: [{"t": "Space"}] if n["t"] == "Code" else None)
        for match in WIKI_LINK.finditer(stringify(words)):
            number = match.group(1).strip()
            if number.isdigit() and len(number) < 8:
                continue  # "[[1]]": a bracketed number, not a page (Zettlr's ids have 14)
            written = " ".join(match.group(0).split())
            if is_picture(match.group(1)):  # one with a description is an image already
                self.warn(written, f"'{shortened(written)}' is a picture embedded as a wiki or "
                          "Obsidian writes it, with nothing said of what it shows: it is shown "
                          "as text; write ![what the image shows]"
                          f"({match.group(1).strip()})", "wiki-link")
                continue
            self.warn(written, f"'{shortened(written)}' is a wiki link, which pandoc's Markdown "
                      "does not have: it is shown as text; write a Markdown link instead, "
                      "[its text](its address)", "wiki-link")

    def undefined_references(self, inlines: list[Node]) -> None:
        """A warning for each ``[text][label]`` or ``[text][]`` no ``[label]: address``
        defines (pandoc's Markdown shows it as text, brackets and all).

        Only what pandoc left as text is searched: code, notes, links and spans
        are not, nor citations side by side or bracketed numbers (``[1][2]``); brackets written escaped (``\\[a\\][b]``) are not found in
        the source, so not reported.
        """
        if not any(n["t"] == "Str" and "][" in n["c"] for n in inlines):
            return
        words = transform(inlines, lambda n: [{"t": "Space"}]
                          if n["t"] in NOT_PLAIN_TEXT else None)
        for match in UNDEFINED_REFERENCE.finditer(stringify(words)):
            image, text, label = match.groups()
            if text.startswith("[") or match.group(0).startswith("[["):
                continue  # a wiki link, reported as one
            if text.lstrip().startswith(("@", "-@")) or NUMBERS.fullmatch(text + label):
                continue  # citations side by side ("[@a][@b]"); numbers written as text
            written = " ".join(match.group(0).split())
            line = self.line(written) or self.line(f"][{label}]")
            if line is None:
                continue  # written escaped, or not as the text shows it
            name = " ".join((label or text).split())
            kind = "reference image" if image else "reference link"
            self.problems.warn(
                self.manuscript.path, line,
                f"'{shortened(written)}' is a {kind}, but no line '[{shortened(name)}]: address' "
                f"defines its label: it is shown as text, brackets and all; add that line, "
                f"or write {image}[{shortened(' '.join(text.split()))}](its address)",
                code="undefined-reference")

    def bookdown(self, inlines: list[Node]) -> list[Node]:
        """``inlines`` without bookdown's labels; a warning for each of its cross-references."""
        out: list[Node] = []
        for node in inlines:
            if node["t"] != "Str" or ("@ref(" not in node["c"] and "(#" not in node["c"]):
                out.append(node)
                continue
            text, last = BOOKDOWN_LABEL.sub("", node["c"]), 0
            for match in BOOKDOWN_REF.finditer(text):
                written = f"\\{match.group(0)}"
                if match.group(1) in self.ids:  # numbered as Quarto's are (see crossrefs.py)
                    out += [*([{"t": "Str", "c": text[last:match.start()]}]
                              if match.start() > last else []),
                            number_link(match.group(1), written)]
                    last = match.end()
                    continue
                self.warn(written, f"bookdown's cross-reference '{written}' names no figure, "
                          "table or heading of the handout: it is shown as text; give its "
                          "target that id ({#its-id}, or (\\#fig:x) first in a caption)",
                          "cross-reference")
            if text[last:]:
                out.append(node if not last and text == node["c"]
                           else {"t": "Str", "c": text[last:]})
        return out if len(out) != len(inlines) or any(a is not b for a, b in zip(out, inlines))\
            else inlines

# the title docutils gives a box (pandoc's reStructuredText reader writes it as a ``::: title``
# div first in the box, its HTML reader as ``::: admonition-title``), and the default ones
TITLE_CLASSES = (["title"], ["admonition-title"])
DEFAULT_TITLES = frozenset(("note", "tip", "warning", "important", "caution", "danger",
                            "attention", "hint", "error", "see also", "admonition"))


def _docutils_title(node: Node) -> Node | None:
    """A box whose first block is docutils' title: without it when it names the box's kind
    (the box's label does), else with it in bold as its title; None for any other div."""
    blocks = node["c"][1]
    if not blocks or blocks[0]["t"] != "Div" or blocks[0]["c"][0][1] not in TITLE_CLASSES:
        return None
    words = stringify(blocks[0]["c"][1]).strip()
    title = [] if words.lower() in DEFAULT_TITLES else \
        [{"t": "Para", "c": [{"t": "Strong", "c": str_inlines(words)}]}]
    return {"t": "Div", "c": [node["c"][0], [*title, *blocks[1:]]]}


def _toc_mark(inlines: list[Node]) -> str | None:
    """The table of contents a paragraph is, as written (pandoc reads GitLab's as emphasis)."""
    written = "".join(n["c"] if n["t"] == "Str" else f"_{stringify(n['c'])}_"
                      if n["t"] == "Emph" else "\0" for n in inlines[:4])
    return written if len(inlines) < 4 and TOC.match(written) else None


def _visible(inlines: list[Node]) -> bool:
    return bool(stringify([n for n in inlines if n is not PAGE_BREAK]).strip())


VISITED = ("BlockQuote", "Div", "Para", "Plain", "Header")  # what _Reader.visit rewrites
BOOKDOWN_PART = ("(PART)", "(PART*)", "(PART\\*)", "(APPENDIX)")


def _part_heading(node: Node) -> Node | None:
    """bookdown's ``# (PART) Title {-}`` and ``# (APPENDIX) Appendix {-}``: the heading
    without its mark, which only bookdown's book layout reads."""
    inlines = node["c"][2]
    if len(inlines) < 3 or inlines[0]["t"] != "Str" or inlines[0]["c"] not in BOOKDOWN_PART \
            or inlines[1]["t"] != "Space":
        return None
    return {"t": "Header", "c": [node["c"][0], node["c"][1], inlines[2:]]}


# What a body holds when a code block of it may be a chunk or have a title: a chunk's or an
# attribute's brace, or a fence's 'title=' or '[title]' (see chunks.as_code_fences).
ATTRIBUTED_CODE = re.compile(r"[{]|title=|^ {0,3}(?:`{3,}|~{3,}).*\][ \t]*$", re.MULTILINE)


def read_dialects(manuscript: Manuscript, ast: Mapping[str, Any],
                  problems: Problems) -> dict[str, Any]:
    """The AST with alerts, Quarto callouts and shortcodes read (see the module)."""
    chunk_problems(manuscript, problems)
    reader = _Reader(manuscript, problems)
    ast = {**ast, "blocks": bookdown_ids(list(ast["blocks"]), manuscript.body)}
    reader.blocks = ast["blocks"]
    ast = read_text_references(manuscript, ast, problems)
    blocks = rewrite(list(ast["blocks"]), reader.visit, VISITED)
    if ATTRIBUTED_CODE.search(manuscript.body):  # no chunk and no title without them
        blocks = rewrite(blocks, lambda n: without_options(n) or titled_code(n), ("CodeBlock",))
    blocks = table_captions(manuscript, blocks, problems)
    blocks = read_roles(manuscript, blocks, problems)
    blocks = read_typst_references(manuscript, blocks, problems)
    blocks = without_org_marks(manuscript, blocks, problems)
    blocks = without_note_tags(manuscript, blocks, problems)
    for warn in (comment_problems, block_id_problems, nested_quote_problems, mdx_problems,
                 liquid_problems, mkdocs_problems, delimiter_problems, percent_problems,
                 change_problems, diagram_problems, vitepress_problems, outliner_problems,
                 grid_table_problems, discourse_problems):
        warn(manuscript, problems)
    return {**ast, "blocks": blocks}
