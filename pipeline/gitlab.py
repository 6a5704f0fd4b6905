"""GitLab's multi-line quotes, and diagrams written as code, read where a handout can show them.

- GitLab's quote fence (a line ``>>>`` before the quoted lines and another after them)
  is a block quote: pandoc's Markdown reads the fences as empty quotes and the lines as
  paragraphs.  Each quoted line is written with ``> `` before it and the fences as
  blank lines, line for line, so every line keeps its number.
- A task GitLab marks inapplicable (``- [~] Bring the old card``) is an open task whose
  words are struck through, as GitLab shows it; pandoc's Markdown would print ``[~]``.
- A diagram written as code (```` ```mermaid ````, ``plantuml``), which GitLab, GitHub,
  Obsidian, Typora and MkDocs draw, is shown as its code: a handout draws no diagram,
  and a warning at its line says to show a picture of it.

Fenced code keeps ``>>>`` lines as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import fenced
from .model import Manuscript

QUOTE_FENCE = re.compile(r"^ {0,3}>>>[ \t]*$")
INAPPLICABLE = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[~\][ \t]+(\S.*?)[ \t]*$")
DIAGRAM = re.compile(r"^ {0,3}(?:`{3,}|~{3,})[ \t]*\{?\.?(mermaid|plantuml)\b", re.MULTILINE)


def as_quotes(text: str) -> str:
    """``text`` with GitLab's fenced quotes written as pandoc's block quotes, and its
    inapplicable tasks as struck-through ones, line for line."""
    if "[~]" in text:
        text = _inapplicable_tasks(text)
    if ">>>" not in text:
        return text
    lines = text.split("\n")
    last = max(i for i, line in enumerate(lines) if ">>>" in line)
    quoting = False
    changed = False
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if QUOTE_FENCE.match(line) and (not code or quoting):
            if not quoting and index >= last:
                break  # no fence closes it: left as written
            quoting, changed = not quoting, True
            lines[index] = ""
        elif quoting:
            lines[index] = f"> {line}" if line.strip() else ">"
    return "\n".join(lines) if changed else text


def _inapplicable_tasks(text: str) -> str:
    lines = text.split("\n")
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        task = None if code or "[~]" not in line else INAPPLICABLE.match(line)
        if task:
            lines[index] = f"{task.group(1)}[ ] ~~{task.group(2)}~~"
    return "\n".join(lines)


def diagram_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each diagram written as code, which is shown as its code."""
    if "mermaid" not in manuscript.body and "plantuml" not in manuscript.body:
        return
    lines = manuscript.body.split("\n")
    inside = fenced(lines)
    for offset, line in enumerate(lines):
        match = DIAGRAM.match(line)
        if match and inside[offset] and (offset == 0 or not inside[offset - 1]
                                         or _closes(lines[offset - 1])):
            problems.warn(manuscript.path, manuscript.body_line + offset,
                          f"'{line.strip()}' is a diagram written as code ({match.group(1)}), "
                          "which a handout does not draw: it is shown as its code; show a "
                          "picture of it instead, ![what the diagram shows](diagram.png)",
                          code="diagram")


def _closes(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) <= {"`", "~"} and len(stripped) >= 3
