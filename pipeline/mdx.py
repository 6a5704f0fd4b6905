"""MDX's JavaScript lines and comments (Docusaurus pages), left out line for line.

An MDX page opens with ``import Tabs from '@theme/Tabs';`` and ``export const
x = ...`` lines, and keeps notes in ``{/* ... */}`` comments that no reader of
the site sees.  pandoc's Markdown reads the first as a paragraph whose
``@theme/Tabs`` is a citation (an error naming a bibliography entry the author
never meant) and prints the comment in every file.  Both are left out before
pandoc reads the text, their lines kept as empty lines so that every other line
keeps its number, and :func:`mdx_problems` warns at the first line of each.
Docusaurus's ``<Admonition type="tip" title="...">`` component is the box it shows.
Code (fenced, or inline) keeps them as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import cut_keeping_lines
from .model import Manuscript
from .obsidian import BARRIER, _masked

COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
SPACE = re.compile(r"\{(['\"]) \1\}")  # JSX's {' '}: five characters for one space
# An ECMAScript import or export statement opening a paragraph, as MDX reads one.
STATEMENT = re.compile(r"(?:import\s+(?:[\w*{}\s,]+?\s+from\s+)?['\"][^'\"\n]+['\"]\s*;?\s*$"
                       r"|export\s+(?:const|let|var|function|default|async|class|\{))")


def _found(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each statement paragraph and comment of ``text``, outside code."""
    if "{/*" not in text and "import" not in text and "export" not in text:
        return []
    masked = _masked(text)
    found = [(m.start(), m.end(), "comment") for m in COMMENT.finditer(masked)
             if BARRIER not in m.group(0)]
    offset, previous_blank = 0, True
    lines = masked.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if previous_blank and STATEMENT.match(line):
            start = offset
            while index < len(lines) and lines[index].strip():
                offset += len(lines[index]) + 1
                index += 1
            found.append((start, offset - 1, "statement"))
            previous_blank = False
            continue
        previous_blank = not line.strip()
        offset += len(line) + 1
        index += 1
    inside = [f for f in found if f[2] == "statement"]
    return sorted(f for f in found if f[2] == "statement" or not any(
        s <= f[0] < e for s, e, _ in inside))


# Docusaurus's <Admonition type="tip" title="..."> component, on lines of their own: a box
ADMONITION_OPEN = re.compile(r"^( {0,3})<Admonition\b([^<>]*)>[ \t]*$")
ADMONITION_CLOSE = re.compile(r"^ {0,3}</Admonition>[ \t]*$")
ADMONITION_TYPE = re.compile(r"""\btype=(?:"(\w+)"|'(\w+)')""")
ADMONITION_TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)')""")
ADMONITIONS = {"note": "note", "info": "note", "secondary": "note", "tip": "tip",
               "success": "tip", "important": "important", "caution": "caution",
               "warning": "warning", "danger": "warning"}


def _admonitions(text: str) -> str:
    """Docusaurus's ``<Admonition type="tip" title="...">`` ... ``</Admonition>``, each tag on
    a line of its own, as the box it is (a Quarto callout with that title), line for line;
    a type Docusaurus does not have stays raw HTML (warned, its text kept)."""
    lines = text.split("\n")
    masked = _masked(text).split("\n")
    opened: list[bool] = []  # whether each open component became a box
    for index, line in enumerate(masked):
        opener = ADMONITION_OPEN.match(line)
        if opener:
            kind = ADMONITION_TYPE.search(opener.group(2))
            kind = ADMONITIONS.get(((kind.group(1) or kind.group(2)) if kind else "").lower())
            opened.append(kind is not None)
            if kind is None:
                continue
            title = ADMONITION_TITLE.search(opener.group(2))
            title = (title.group(1) or title.group(2) or "") if title else ""
            title = title.replace("\\", "\\\\").replace('"', '\\"')
            lines[index] = f"{opener.group(1)}::: {{.callout-{kind}" + (
                f' title="{title}"' if title.strip() else "") + "}"
        elif ADMONITION_CLOSE.match(line) and opened and opened.pop():
            lines[index] = ":::"
    return "\n".join(lines)


def without_mdx(text: str) -> str:
    """``text`` without MDX's import/export paragraphs and comments, its line breaks kept,
    and JSX's written space (``text{' '}``, which ends a line without losing its space) as
    the space it is."""
    if "<Admonition" in text:
        text = _admonitions(text)
    found = _found(text)
    text = cut_keeping_lines(text, [(start, end) for start, end, _kind in found]) \
        if found else text
    if "{'" not in text and '{"' not in text:
        return text
    spaces = [m.start() for m in SPACE.finditer(_masked(text))]
    for start in reversed(spaces):
        text = text[:start] + " " + text[start + 5:]
    return text


def mdx_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the first line of each MDX statement and comment: it is left out."""
    body = manuscript.body
    for start, _end, kind in _found(body):
        line = manuscript.body_line + body.count("\n", 0, start)
        if kind == "comment":
            message = ("'{/* ... */}' is an MDX comment, which pandoc's Markdown does not have: "
                       "it is left out of the handout; for a note to the editors write an HTML "
                       "comment <!-- ... -->, which no file shows")
        else:
            first = body[start:].split("\n", 1)[0].split()[0]
            message = (f"MDX's '{first}' line (JavaScript, as a Docusaurus page has) is left "
                       "out: a handout runs no code, and the components it brings in are "
                       "shown as their text")
        problems.warn(manuscript.path, line, message, code="mdx")
