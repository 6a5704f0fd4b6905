"""A TeX command written in Markdown ends at its last letter, before a star that is text.

pandoc's Markdown reader takes a star straight after any raw TeX command as
part of it, the starred form (``\\section*``), so ``*text \\newpage*`` reads
as the word ``*text`` and the command ``\\newpage*``: the emphasis is lost
and the page break not recognised.  Only some commands have a starred form;
after any other, the star is Markdown.  ``separate_stars`` writes an empty
HTML comment between such a command and its star (outside code and math),
which ends the command for pandoc and is taken out of the tree again by
``drop_separators``; the text itself is read as written.  Code, math and
table rows are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

from .tree import Node, transform

# commands of LaTeX and its common packages that have a starred form
_STARRED = """
    part chapter section subsection subsubsection paragraph subparagraph
    vspace hspace newcommand renewcommand providecommand newenvironment renewenvironment
    DeclareMathOperator operatorname tag caption includegraphics newtheorem
    cite citet citep citeauthor citealt citealp citeyear parencite textcite footcite
    autocite smartcite Cite Parencite Textcite Autocite ref pageref eqref
"""
STARRED = frozenset(_STARRED.split())
SEPARATOR = "<!---->"
# a command (not an escaped backslash's "\\" before letters) and the star after it
COMMAND_STAR = re.compile(r"(?<!\\)((?:\\\\)*\\([A-Za-z]+))(?=\*)")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# code spans and inline math, left as they are
CODE_OR_MATH = re.compile(r"(`+)[^`].*?\1|(?<![\\$])\$(?!\s)[^$]*?(?<![\s\\])\$")


def separate_stars(text: str) -> str:
    """``text`` with :data:`SEPARATOR` between a TeX command and a star that is not its own."""
    if "*" not in text or "\\" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        opener = FENCE.match(line)
        if opener and (fence is None or opener.group(1).startswith(fence)):
            fence = None if fence else opener.group(1)
            continue
        # code blocks, and table rows (a grid table's columns are counted in characters)
        if fence is not None or line.startswith(("    ", "\t")) or "*" not in line \
                or line.lstrip().startswith(("|", "+")):
            continue
        pieces, at = [], 0
        for kept in CODE_OR_MATH.finditer(line):
            pieces.append(_separated(line[at:kept.start()]) + kept.group(0))
            at = kept.end()
        lines[number] = "".join(pieces) + _separated(line[at:])
    return "\n".join(lines)


def _separated(prose: str) -> str:
    return COMMAND_STAR.sub(
        lambda m: m.group(0) if m.group(2) in STARRED else m.group(1) + SEPARATOR, prose)


def drop_separators(blocks: list[Node]) -> Any:
    """``blocks`` without the comments :func:`separate_stars` wrote."""

    def drop(node: Node) -> Any:
        if node["t"] == "RawInline" and node["c"] == ["html", SEPARATOR]:
            return []
        return None

    return transform(blocks, drop)
