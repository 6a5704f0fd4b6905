"""Obsidian's comments (``%%a note to myself%%``, or ``%%`` lines around a block) and block
ids (``^ab12cd``), left out; a quote opened inside a quote's paragraph, warned about.

Obsidian shows nothing of what stands between two ``%%``: authors keep
private notes there (a patient's name, a reviewer's remark).  pandoc's
Markdown has no such comment and would print the text in every format, so
each comment is left out before pandoc reads the text, its lines kept as
empty lines so that every other line keeps its number, and
:func:`comment_problems` warns at its first line.  ``%%`` in a fenced code
block or in inline code is code and stays as written.

A block id (``Text of the step. ^step-3``, or ``^step-3`` on a line of its own) names a
paragraph for Obsidian's links to it; pandoc would print it.  It is left out the same way,
with a warning.  A quote inside a quote written right under a line of its text
(``> [!warning] Outer`` then ``> > [!note] Inner``), which Obsidian and GitHub read as a
nested quote, is that line's text to pandoc's Markdown, ``>`` and all: a warning says to
put a line holding only ``>`` between them.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import cut_keeping_lines, fenced
from .model import Manuscript
from .percent import MARKER  # a notebook's cell marker ("# %%"): no comment crosses it

CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
COMMENT = re.compile(r"%%(?:(?!%%).)*?%%", re.DOTALL)
BARRIER = "\0"  # stands for a line of code while comments are found: none crosses it
BLOCK_ID = re.compile(r"(?:^|[ \t])\^[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*[ \t]*$", re.MULTILINE)
QUOTE = re.compile(r"^ {0,3}((?:>[ \t]?)+)(.*)$")


def _masked(text: str) -> str:
    """``text`` with its code blanked out (fenced lines a barrier, inline code spaces)."""
    lines = text.split("\n")
    masked = "\n".join(BARRIER * len(line) if code or MARKER.match(line) else line
                       for line, code in zip(lines, fenced(lines), strict=True))
    return CODE_SPAN.sub(lambda m: " " * len(m.group(0)), masked)


def _comments(text: str) -> list[tuple[int, int]]:
    """The start and end of each comment of ``text``, outside code."""
    if "%%" not in text:
        return []
    return [(m.start(), m.end()) for m in COMMENT.finditer(_masked(text))
            if BARRIER not in m.group(0)]


def _block_ids(text: str) -> list[tuple[int, int]]:
    """The start and end of each block id of ``text``, outside code."""
    if "^" not in text:
        return []
    return [(m.start(), m.end()) for m in BLOCK_ID.finditer(_masked(text))
            if BARRIER not in m.group(0)]


def without_comments(text: str) -> str:
    """``text`` with each Obsidian comment and block id left out, its line breaks kept."""
    found = sorted(_comments(text) + _block_ids(text))
    return cut_keeping_lines(text, found) if found else text


def comment_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the first line of each Obsidian comment: it is left out."""
    body = manuscript.body
    for start, _end in _comments(body):
        problems.warn(manuscript.path, manuscript.body_line + body.count("\n", 0, start),
                      "'%%...%%' is an Obsidian comment, which pandoc's Markdown does not "
                      "have: it is left out of the handout; for a note to the editors write "
                      "an HTML comment <!-- ... -->, which no file shows", code="comment")


def block_id_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at the line of each Obsidian block id: it is left out."""
    body = manuscript.body
    for start, end in _block_ids(body):
        written = body[start:end].strip()
        problems.warn(manuscript.path, manuscript.body_line + body.count("\n", 0, start),
                      f"'{written}' is an Obsidian block id, which pandoc's Markdown does not "
                      "have: it is left out of the handout; to link to this text, give it an "
                      f"id pandoc reads ([text]{{#{written[1:]}}})", code="comment")


def nested_quote_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each quote opened inside a quote right under a line of its text."""
    if "> >" not in manuscript.body and ">>" not in manuscript.body:
        return
    lines = manuscript.body.split("\n")
    depth, text = 0, False
    for offset, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        match = None if code else QUOTE.match(line)
        inner = match.group(1).count(">") if match else 0
        if match and text and 0 < depth < inner:
            problems.warn(manuscript.path, manuscript.body_line + offset,
                          "a quote inside a quote right under a line of its text is that "
                          "text to pandoc's Markdown, '>' and all: put a line holding only "
                          f"'{'>' * depth}' before it", code="nested-quote")
        depth, text = inner, bool(match and match.group(2).strip())
