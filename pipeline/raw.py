"""Raw HTML and raw TeX in the body, made into what both outputs can show.

Raw HTML is read together with the Markdown around it, cleaned and written
back as XHTML (see :mod:`.rawhtml`): scripts, forms, event handlers and the
like are left out with a warning at their line.  ``\\newpage``,
``\\pagebreak`` and ``\\clearpage`` become page breaks; a display-math
environment (``\\begin{equation}``, ``align``, ``gather``...) a formula, as
pandoc's web writer shows it (its ``\\label`` left out); any other raw TeX is
a warning at its line and left out of every output.  Raw content for another
writer (``{=openxml}``, ``{=typst}``, ...) is a warning and left out likewise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .body import source_line
from .errors import Problems, excerpt
from .foreign import SVG_NS, gather_foreign
from .model import Manuscript
from .rawhtml import (
    BLOCK_HOLDERS,
    HIDDEN_TEXT,
    Cleaning,
    clean,
    is_hidden,
    local,
    parse_fragment,
    to_xhtml,
    unwrap_or_drop,
)
from .source_lines import nth_line, nth_line_containing, nth_line_outside_code
from .tree import CONTAINERS, Node, walk

HTML_FORMATS = {"html", "html4", "html5"}
TEX_FORMATS = {"tex", "latex"}
RAW = {"RawBlock", "RawInline"}
BLOCKS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList",
          "BulletList", "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}
PAGE_BREAK = re.compile(r"^\\(newpage|pagebreak|clearpage|cleardoublepage)(\[\d\])?(\{\})?$")
# A LaTeX display-math environment: pandoc's web and EPUB writers show it as a formula.
MATH_ENVIRONMENT = re.compile(r"\\begin\{(equation|align|alignat|flalign|gather|multline|eqnarray|"
                              r"displaymath|math)(\*?)\}(?:\{\d+\})?.*\\end\{\1\2\}", re.DOTALL)
# What names a formula for a cross-reference, which nothing shows: \label{x}, bookdown's (\#eq:x)
FORMULA_LABEL = re.compile(r"\\label\{[^{}]*\}|\(\\#eq:[\w.:-]+\)|\\(?:nonumber|notag)\b")
MACRO_DEFINITION = re.compile(r"\s*\\(?:(?:re)?newcommand|providecommand|def|let|"
                              r"DeclareMathOperator|(?:re)?newenvironment)(?![A-Za-z])")
PLACEHOLDER = re.compile("\ue10a(\\d+)\ue10b")
BARE_WORD = re.compile(r"\\([A-Za-z]+)\s*")


# control words written alone in prose by TeX users (left out with a warning);
# any other bare \word is ordinary text
_TEX_WORDS = """
    newpage pagebreak clearpage cleardoublepage noindent indent par newline linebreak
    nolinebreak nopagebreak smallskip medskip bigskip vfill hfill hfil vfil centering
    raggedright raggedleft flushleft flushright tiny scriptsize footnotesize small
    normalsize large Large LARGE huge Huge bfseries itshape mdseries rmfamily sffamily
    ttfamily upshape slshape scshape normalfont em maketitle tableofcontents listoffigures
    listoftables appendix today TeX LaTeX LaTeXe ldots dots cdots textbackslash quad qquad
    item hline toprule midrule bottomrule relax protect displaystyle frac sqrt sum int prod
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu
    nu xi pi varpi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda
    Xi Pi Sigma Upsilon Phi Psi Omega times div pm mp leq geq le ge neq approx sim infty
    rightarrow leftarrow uparrow downarrow Rightarrow Leftarrow degree copyright S P
"""
TEX_WORDS = frozenset(_TEX_WORDS.split())

SVG_ROOT = f"{{{SVG_NS}}}svg"
SVG_TITLE = f"{{{SVG_NS}}}title"
SVG_OPENING = re.compile(r"<svg\b[^>]*>?", re.IGNORECASE)


def page_break() -> Node:
    """An empty block that starts a new page in print (class ``page-break``)."""
    return {"t": "Div", "c": [["", ["page-break"], []], []]}


def clean_raw_markup(manuscript: Manuscript, ast: Mapping[str, Any],
                     problems: Problems) -> dict[str, Any]:
    """The AST with raw TeX resolved and raw HTML normalised and cleaned.

    What holds no raw markup is shared with ``ast``, not copied.
    """
    blocks = list(ast["blocks"])
    hidden = [node for node in walk(blocks) if _is_hidden_node(node)]
    if not hidden and not any(node["t"] in RAW for node in walk(blocks)):  # nothing to clean
        return {**ast, "blocks": blocks}
    cleaner = _Cleaner(manuscript, problems)
    seen: dict[str, int] = {}
    for node in hidden:  # their lines in the order they are written
        attributes = dict(node["c"][0][2])
        style = attributes.get("style", "")
        needle = style if style and "hidden" not in attributes else "hidden"
        seen[needle] = seen.get(needle, 0) + 1
        line = (nth_line_containing(manuscript, needle, seen[needle])
                or source_line(manuscript, needle))
        cleaner.hidden_lines.setdefault(_signature(node), []).append(line)
    return {**ast, "blocks": cleaner.visit(blocks)}


def _is_hidden_node(node: Node) -> bool:
    return node["t"] in ("Div", "Span") and is_hidden(dict(node["c"][0][2]))


def _signature(node: Node) -> str:
    return node["t"] + repr(node["c"][0])


class _Cleaner:
    def __init__(self, manuscript: Manuscript, problems: Problems):
        self.manuscript = manuscript
        self.problems = problems
        self.tex_seen: dict[str, int] = {}
        self.svg_seen: dict[str, int] = {}
        self.foreign_seen: dict[str, int] = {}
        self.hidden_lines: dict[str, list[int | None]] = {}  # by attributes, in order
        self.tables = 0  # tables the visit is inside

    def warn(self, needle: str | list[str], message: str, code: str) -> None:
        needles = [needle] if isinstance(needle, str) else needle
        line = next((found for n in needles if (found := source_line(self.manuscript, n))),
                    None)
        self.problems.warn(self.manuscript.path, line, message, code=code)

    def visit(self, value: Any) -> Any:
        """``value`` cleaned; what the cleaning left as it was is ``value`` itself."""
        if isinstance(value, dict):
            if not any(isinstance(v, CONTAINERS) for v in value.values()):
                return value  # a word, a space: nothing inside to clean
            table = value.get("t") == "Table"
            self.tables += table
            try:
                items = {k: self.visit(v) for k, v in value.items()}
            finally:
                self.tables -= table
            return value if all(items[k] is v for k, v in value.items()) else items
        if not isinstance(value, list):
            return value
        given = value
        if value and all(isinstance(i, dict) and "t" in i for i in value):
            block = value[0]["t"] in BLOCKS
            value = gather_foreign(value, block)
            if block and not self.tables:
                value = self.split_at_page_breaks(value)
        items = [self.visit(v) for v in value]
        if items and all(isinstance(i, dict) and "t" in i for i in items):
            inline = items[0]["t"] not in BLOCKS
            items = self._html(self._tex(self._foreign(self._hidden(items))), inline)
        unchanged = len(items) == len(given) and all(a is b for a, b in zip(items, given))
        return given if unchanged else items

    def _hidden(self, items: list[Node]) -> list[Node]:
        """Divs and spans that hide themselves (``{hidden}``, ``display: none``): left out."""
        out: list[Node] = []
        for node in items:
            if not _is_hidden_node(node):
                out.append(node)
                continue
            lines = self.hidden_lines.get(_signature(node)) or [None]
            kind = "div" if node["t"] == "Div" else "span"
            self.problems.warn(self.manuscript.path, lines.pop(0),
                               f"a hidden {kind} is left out with its text: {HIDDEN_TEXT}",
                               code="hidden")
        return out

    def _foreign(self, items: list[Node]) -> list[Node]:
        """Raw content for another writer (``{=openxml}``, ``{=typst}``): left out, warned."""
        out: list[Node] = []
        for node in items:
            kind = node["c"][0].lower() if node["t"] in RAW else ""
            if not kind or kind in HTML_FORMATS or kind in TEX_FORMATS:
                out.append(node)
                continue
            seen = self.foreign_seen[kind] = self.foreign_seen.get(kind, 0) + 1
            written = "{=" + node["c"][0] + "}"
            line = (nth_line_containing(self.manuscript, written, seen)
                    or source_line(self.manuscript, node["c"][1].strip().split("\n")[0][:40]))
            self.problems.warn(
                self.manuscript.path, line,
                f"raw {written} content '{excerpt(node['c'][1].strip())}' is left out of the "
                "handout: only raw HTML ({=html}) and TeX page breaks are shown",
                code="raw-format")
        return out

    def _tex(self, items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for node in items:
            if node["t"] not in RAW or node["c"][0].lower() not in TEX_FORMATS:
                out.append(node)
                continue
            text = node["c"][1].strip()
            if is_macro_definition(text):
                self._tex_line(text.split("\n")[0][:40])
                continue  # pandoc has written the macros into every formula
            if MATH_ENVIRONMENT.fullmatch(text):
                formula = {"t": "Math", "c": [{"t": "DisplayMath"}, FORMULA_LABEL.sub("", text)]}
                out.append(formula if node["t"] == "RawInline" else {"t": "Para", "c": [formula]})
            elif PAGE_BREAK.match(text) and self.tables:
                self.problems.warn(
                    self.manuscript.path, self._tex_line(text),
                    f"'{text}' inside a table cell is left out: a table row is never split "
                    "across pages; put the page break before or after the table", code="raw-tex")
            elif PAGE_BREAK.match(text) and node["t"] == "RawBlock":
                out.append(page_break())
            elif PAGE_BREAK.match(text):
                self.problems.warn(
                    self.manuscript.path, self._tex_line(text),
                    f"'{text}' inside emphasis, a link or another inline element is left out: "
                    "put it on a line of its own to start a new page", code="raw-tex")
            elif node["t"] == "RawInline" and not is_tex_command(node["c"][1]):
                out.extend(_as_written(node["c"][1]))
            else:
                self.problems.warn(
                    self.manuscript.path, self._tex_line(text.split("\n")[0][:40]),
                    f"raw TeX '{excerpt(text)}' is left out of the handout: only \\newpage, \\pagebreak "
                    "and \\clearpage are understood (write $...$ for math)", code="raw-tex")
        return out

    def _tex_line(self, text: str) -> int | None:
        """The line of the next occurrence of ``text`` in the body, outside code and math."""
        seen = self.tex_seen[text] = self.tex_seen.get(text, 0) + 1
        return (nth_line_outside_code(self.manuscript, text, seen)
                or source_line(self.manuscript, text))

    def split_at_page_breaks(self, blocks: list[Node]) -> list[Node]:
        """Paragraphs cut where a page-break command sits among their words.

        ``Text\\n\\newpage`` (no blank line) is read by pandoc as part of the
        paragraph; the command still starts a new page there.
        """
        out: list[Node] = []
        for block in blocks:
            if block["t"] not in ("Para", "Plain") or not any(
                    _is_page_break(inline) for inline in block["c"]):
                out.append(block)
                continue
            piece: list[Node] = []
            for inline in block["c"] + [None]:
                if inline is not None and not _is_page_break(inline):
                    piece.append(inline)
                    continue
                piece = _trimmed(piece)
                if piece:
                    out.append({"t": block["t"], "c": piece})
                if inline is not None:
                    self._tex_line(inline["c"][1].strip())
                    out.append(page_break())
                piece = []
        return out

    def _html(self, items: list[Node], inline: bool) -> list[Node]:
        raws = {i for i, n in enumerate(items)
                if n["t"] in RAW and n["c"][0].lower() in HTML_FORMATS}
        if not raws:
            return items
        fragments = [items[i]["c"][1] for i in sorted(raws)]
        source = "".join(items[i]["c"][1] if i in raws else f"\ue10a{i}\ue10b"
                         for i in range(len(items)))
        root = parse_fragment(source, inline)
        if _nested_past(root, MAX_HTML_DEPTH):  # pandoc's tree is flat: each tag a raw node
            self.problems.add(self.manuscript.path, source_line(
                self.manuscript, fragments[0].strip().split("\n")[0][:37]),
                f"raw HTML nests more than {MAX_HTML_DEPTH} elements inside each other: close "
                "its tags sooner", code="raw-html")
            return [n for i, n in enumerate(items) if i not in raws]
        report = Cleaning()
        clean(root, inline, report)
        self._untitled_drawings(root, fragments)
        if not inline:
            _unwrap_around_blocks(root, items, report)
        pieces = PLACEHOLDER.split(to_xhtml(root))
        order = [int(p) for p in pieces[1::2]]
        if order != sorted(set(order)) or raws & set(order):
            self.warn(fragments[0].strip().split("\n")[0][:37], "raw HTML that cannot be kept "
                      "in order with the text around it is left out", "raw-html")
            return [n for i, n in enumerate(items) if i not in raws]
        told: dict[str, int] = {}
        for what, why in report.removed:  # the second note of a tag: its second fragment
            told[what] = told.get(what, -1) + 1
            self.warn(_needle(fragments, what, told[what]), f"raw HTML {what} is left out: "
                      f"{why}", "raw-html")
        kind = "RawInline" if inline else "RawBlock"
        out: list[Node] = []
        for k, piece in enumerate(pieces):
            if k % 2:
                out.append(items[int(piece)])
            elif piece.strip() or (inline and piece):
                out.append({"t": kind, "c": ["html", piece]})
        return out


    def _untitled_drawings(self, root: Any, fragments: list[str]) -> None:
        """An ``<svg>`` without a ``<title>`` has no text alternative: an error, as for images.

        Its ``<title>`` is what the PDF's ``/Alt`` and a screen reader say.
        """
        openings = [f.strip() for f in fragments if SVG_OPENING.search(f)]
        for drawing in _outer_drawings(root):
            written = openings.pop(0) if openings else "<svg"
            seen = self.svg_seen[written] = self.svg_seen.get(written, 0) + 1
            if any(child.tag == SVG_TITLE and "".join(child.itertext()).strip()
                   for child in drawing):
                continue
            line = (nth_line(self.manuscript, written, seen)
                    or source_line(self.manuscript, written.split("\n")[0][:40]))
            self.problems.add(self.manuscript.path, line,
                              "raw <svg> has no text alternative: give it a <title> that says "
                              "what it shows, as an image's alt text", code="no-alt")


# as deep as the body's quotes, lists and divs may go (body.MAX_DEPTH // 3): every
# stage after this one, and WeasyPrint's layout, walks the elements recursively
MAX_HTML_DEPTH = 40


def _nested_past(root: Any, limit: int) -> bool:
    """Whether an element under ``root`` lies more than ``limit`` levels down."""
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def _outer_drawings(element: Any) -> list[Any]:
    """The ``<svg>`` elements under ``element`` that are not inside another."""
    found = []
    for child in element:
        if child.tag == SVG_ROOT:
            found.append(child)
        elif isinstance(child.tag, str):
            found.extend(_outer_drawings(child))
    return found


def is_macro_definition(text: str) -> bool:
    """Whether raw TeX only defines macros (``\\newcommand{\\RR}{\\mathbb{R}}``, ``\\def``).

    pandoc reads such definitions and writes them out in every formula that
    uses them, so nothing is lost when the TeX itself is left out.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    return bool(lines) and MACRO_DEFINITION.match(lines[0]) is not None and all(
        MACRO_DEFINITION.match(line) or line[:1].isspace() or line.lstrip().startswith("}")
        for line in lines)


def _is_page_break(inline: Node) -> bool:
    return (inline["t"] == "RawInline" and inline["c"][0].lower() in TEX_FORMATS
            and PAGE_BREAK.match(inline["c"][1].strip()) is not None)


def _trimmed(inlines: list[Node]) -> list[Node]:
    """``inlines`` without the spaces and line breaks at either end."""
    spaces = ("Space", "SoftBreak", "LineBreak")
    start, end = 0, len(inlines)
    while start < end and inlines[start]["t"] in spaces:
        start += 1
    while end > start and inlines[end - 1]["t"] in spaces:
        end -= 1
    return inlines[start:end]


def is_tex_command(raw: str) -> bool:
    """Whether raw TeX pandoc found in prose is TeX, not a backslash in ordinary text.

    pandoc reads any ``\\word`` as raw TeX, so ``C:\\Users\\ana`` would lose two
    words.  A command with arguments or braces (``\\vspace{1cm}``), an
    environment, or a control word TeX users write on its own (``\\noindent``,
    ``\\alpha``) is TeX; any other bare word is text.
    """
    match = BARE_WORD.fullmatch(raw)
    return match is None or match.group(1) in TEX_WORDS


def _as_written(raw: str) -> list[Node]:
    """A backslash word that is not TeX, as the text its author typed."""
    word = raw.rstrip()
    return [{"t": "Str", "c": word}] + ([{"t": "Space"}] if word != raw else [])


def _needle(fragments: list[str], what: str, nth: int = 0) -> list[str]:
    """Text to find the line of ``what`` (``<tag>`` or ``attr=``) by, surest first."""
    name = what.strip("<>=")
    pattern = re.compile((r"<\s*" + re.escape(name) + r"\b") if what.startswith("<")
                         else (r"\s" + re.escape(name) + r"\s*="), re.IGNORECASE)
    having = [f for f in fragments if pattern.search(f)] or fragments[:1]
    found = having[min(nth, len(having) - 1)]
    match = pattern.search(found)
    start = match.start() if match else 0
    # one line of the source each: pieces pandoc read as blocks are joined by line breaks
    return [found[start:start + 40].split("\n")[0].strip() or found.strip()[:40],
            found.strip()[:20].split("\n")[0], what.rstrip(">").rstrip("=")]


def _unwrap_around_blocks(root: Any, items: list[Node], report: Cleaning) -> None:
    """Raw elements that would hold a heading, or a block they cannot hold, lose their tags.

    pandoc makes sections from headings and writes paragraphs as ``<p>``: a
    heading inside raw ``<details>`` or a paragraph inside raw ``<p>`` would
    make XHTML that is not well-formed or not valid.
    """
    changed = True
    while changed:
        changed = False
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter())[1:]:
            found = [items[int(i)]["t"] for i in PLACEHOLDER.findall("".join(element.itertext()))]
            name = local(element)
            if "Header" in found:
                why = ("a heading cannot sit inside it; use a fenced div (:::) instead "
                       "(its content is kept)")
            elif any(t != "Plain" for t in found) and name not in BLOCK_HOLDERS:
                why = "it cannot hold the paragraphs or lists inside it (its content is kept)"
            else:
                continue
            report.note(f"<{name}>", why)
            unwrap_or_drop(parents[element], element, keep_children=True)
            changed = True
            break
