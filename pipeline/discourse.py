"""A forum post of Discourse (its BBCode-like tags) read as pandoc's Markdown, line for line.

- ``[quote="jdoe, post:3, topic:41"]`` ... ``[/quote]`` is a block quote.  The name
  of who wrote the post quoted is left out: a forum's user name is no source a
  handout cites (cite the post, or name the person in words); a warning at the
  quote's line says so, without the name.
- ``[details="Before the injection"]`` ... ``[/details]`` is a note box with that
  title (paper opens every box); ``[spoiler]`` ... ``[/spoiler]`` its text.
- ``[date=2025-09-01 time=10:00:00 timezone="..."]`` is the date (and time) as written.
- A poll (``[poll ...]`` ... ``[/poll]``) shows its choices as the list they are, with a
  warning that no one can vote on paper; its tags are left out.

Each tag alone on its line becomes a blank line (or the box's fence), so every
line keeps its number; fenced code keeps tags as written.
"""

from __future__ import annotations

import re

from .errors import Problems
from .fences import fenced
from .model import Manuscript

OPEN = re.compile(r"^ {0,3}\[(quote|details|spoiler|poll)(?:=?([^\]\n]*))?\][ \t]*$", re.IGNORECASE)
CLOSE = re.compile(r"^ {0,3}\[/(quote|details|spoiler|poll)\][ \t]*$", re.IGNORECASE)
INLINE_SPOILER = re.compile(r"\[spoiler\](.*?)\[/spoiler\]", re.IGNORECASE)
DATE = re.compile(r"\[date=(\d{4}-\d\d-\d\d)(?:[ \t]+time=(\d\d:\d\d)(?::\d\d)?)?[^\]\n]*\]")
NAMED = re.compile(r"^\s*\"?([^\",]+?)\s*(?:,\s*post:\d+.*)?\"?\s*$")


def _marks(text: str) -> bool:
    return "[/" in text or "[date=" in text


def _blocks(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """Each tag pair outside code: its opening and closing lines, its name and its value."""
    found: list[tuple[int, int, str, str]] = []
    stack: list[tuple[int, str, str]] = []
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code or "[" not in line:
            continue
        opened, closed = OPEN.match(line), CLOSE.match(line)
        if opened:
            stack.append((index, opened.group(1).lower(), (opened.group(2) or "").strip()))
        elif closed and stack and stack[-1][1] == closed.group(1).lower():
            start, name, value = stack.pop()
            found.append((start, index, name, value))
    return sorted(found)


def _title(value: str) -> str:
    return value.strip().strip('"').replace("\\", "\\\\").replace('"', '\\"')


def as_pandoc(text: str) -> str:
    """``text`` with a Discourse post's tags written as pandoc's Markdown (see the module)."""
    if not _marks(text):
        return text
    lines = text.split("\n")
    changed = False
    for start, end, name, value in _blocks(lines):
        changed = True
        if name == "quote":
            lines[start], lines[end] = "", ""
            for index in range(start + 1, end):
                lines[index] = "> " + lines[index] if lines[index].strip() else ">"
        elif name == "details":
            title = _title(value)
            lines[start] = f'::: {{.note title="{title}"}}' if title else "::: note"
            lines[end] = ":::"
        else:  # a spoiler's text as it is; a poll's choices the list they are
            lines[start], lines[end] = "", ""
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if not code and "[" in line and ("[spoiler]" in line.lower() or "[date=" in line):
            new = DATE.sub(lambda m: m.group(1) + (f" {m.group(2)}" if m.group(2) else ""),
                           INLINE_SPOILER.sub(r"\1", line))
            changed = changed or new != line
            lines[index] = new
    return "\n".join(lines) if changed else text


def discourse_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each quote whose author's name is left out, and at each poll."""
    if not _marks(manuscript.body):
        return
    for start, _end, name, value in _blocks(manuscript.body.split("\n")):
        line = manuscript.body_line + start
        if name == "quote" and value.strip().strip('"'):
            problems.warn(manuscript.path, line,
                          "a quote of a forum post (Discourse's [quote=...]) is a block quote; "
                          "the name of who wrote it is left out, since a forum's user name is "
                          "no source a handout cites: cite the post, or name the person in "
                          "words", code="forum")
        elif name == "poll":
            problems.warn(manuscript.path, line,
                          "a poll (Discourse's [poll]) shows its choices as a list: no one can "
                          "vote on paper", code="forum")
