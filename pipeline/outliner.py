"""What outliners (Logseq, Roam Research) write into a page: properties and block references.

- A property (``type:: summary``, ``id:: 6523a1b2-...`` under a block) is data of the
  outliner's database, which Logseq and Roam do not print with the text, and it may name
  people (``reviewer:: Dr Roe``).  pandoc's Markdown would print it, so each property line
  is left out before pandoc reads the text, its line kept as an empty line so that every
  other line keeps its number, with a warning at its line saying to use the front matter.
- A block reference (``((6523a1b2-3c4d-4e5f-a6b7-c8d9e0f1a2b3))``, or Roam's nine-character
  ``((GRmzn0ESv))``) shows another block's text, which is not in this file: it is left out,
  with a warning at its line saying to copy the text.

- A task marker opening a list item (``- TODO Call the ward``; ``DOING``, ``NOW``,
  ``LATER`` and ``WAITING`` too) is an open task, ``DONE`` a done one, ``CANCELED`` an open
  task struck through, as Logseq shows them.

Fenced code and inline code keep these as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import cut_keeping_lines, fenced
from .model import Manuscript
from .obsidian import BARRIER, _masked

PROPERTY = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?([A-Za-z][\w-]*)::[ \t]+\S[^\n]*$",
                      re.MULTILINE)
REFERENCE = re.compile(r"\(\((?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                       r"|[\w-]{9})\)\)")

TASK = re.compile(r"^([ \t]*[-*+][ \t]+)(TODO|DOING|NOW|LATER|WAITING|DONE|CANCELED|CANCELLED)"
                  r"[ \t]+(\S.*?)[ \t]*$", re.MULTILINE)


def as_tasks(text: str) -> str:
    """``text`` with each list item an outliner's marker opens written as a task."""
    if TASK.search(text) is None:
        return text
    lines = text.split("\n")
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        task = None if code else TASK.match(line)
        if task:
            bullet, marker, words = task.groups()
            lines[index] = (f"{bullet}[x] {words}" if marker == "DONE" else
                            f"{bullet}[ ] ~~{words}~~" if marker.startswith("CANCEL") else
                            f"{bullet}[ ] {words}")
    return "\n".join(lines)


def _word(uid: str) -> bool:
    """Whether ``uid`` is a word in double parentheses ("((important))"), not a Roam uid."""
    return uid.isalpha() and uid[1:].islower()


def _marks(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The start and end of each property line and each block reference, outside code."""
    properties = "::" in text and PROPERTY.search(text) is not None  # the prefilter: no mask
    references = "((" in text and REFERENCE.search(text) is not None
    if not (properties or references):
        return [], []
    masked = _masked(text)
    found = ([(m.start(), m.end()) for m in PROPERTY.finditer(masked)
              if BARRIER not in m.group(0)] if properties else [],
             [(m.start(), m.end()) for m in REFERENCE.finditer(masked)
              if not _word(m.group(0)[2:-2])] if references else [])
    return found


def without_outliner_marks(text: str) -> str:
    """``text`` with each property line and block reference left out, its line breaks kept."""
    properties, references = _marks(text)
    found = sorted(properties + references)
    return as_tasks(cut_keeping_lines(text, found) if found else text)


def outliner_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the line of each property and block reference: it is left out."""
    body = manuscript.body
    properties, references = _marks(body)
    for start, end in sorted(properties + references):
        written = body[start:end].strip().lstrip("-*+").strip()
        line = manuscript.body_line + body.count("\n", 0, start)
        if written.startswith("(("):
            problems.warn(manuscript.path, line,
                          f"'{written}' is a block reference (Logseq's, Roam's): the text it "
                          "shows is not in this file, so it is left out of the handout; copy "
                          "the text itself here", code="outliner")
        else:
            key = written.split("::", 1)[0]
            problems.warn(manuscript.path, line,
                          f"'{key}::' is a property (Logseq's, Roam's), which pandoc's Markdown "
                          "does not have: its line is left out of the handout; put what a "
                          "reader needs in the text, and the handout's data in its front "
                          "matter", code="outliner")
