"""Where a Markdown body nests too deeply: the line a "too deep" message points at.

pandoc reads any depth, but its JSON then nests past what the stages walk, so
the body is refused as a whole (:func:`pipeline.body.parse_body`).  This scan
of the source finds the first line inside more than ``limit`` block quotes,
list items and fenced divs, as an editor counts them: ``>`` markers, list
items indented under the one before, and ``:::`` fences not yet closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .fences import fenced

QUOTES = re.compile(r"^[ \t]{0,3}((?:>[ \t]?)+)")
LIST_ITEM = re.compile(r"^([ \t]*)(?:[-+*]|\d{1,9}[.)]|[a-zA-Z#][.)])[ \t]+\S")
DIV_FENCE = re.compile(r"^[ \t]*(:{3,})[ \t]*(\S*)")
HTML_OPEN = re.compile(r"<(?:div|span|blockquote|section|article|aside|details|ul|ol|li|dl|dd)\b",
                       re.IGNORECASE)
HTML_CLOSE = re.compile(r"</(?:div|span|blockquote|section|article|aside|details|ul|ol|li|dl|dd)\s*>",
                        re.IGNORECASE)


def deepest_line(body: str, limit: int) -> int | None:
    """The 1-based line of ``body`` first nested more than ``limit`` levels, or None."""
    divs = html = 0
    items: list[int] = []  # the indents of the list items the line is inside
    for number, line in enumerate(body.split("\n"), 1):
        quotes = QUOTES.match(line)
        depth = quotes.group(1).count(">") if quotes else 0
        rest = line[quotes.end():] if quotes else line
        fence = DIV_FENCE.match(rest)
        if fence:
            divs = divs + 1 if fence.group(2) else max(divs - 1, 0)
        item = LIST_ITEM.match(rest)
        if item:
            indent = len(item.group(1).expandtabs(4))
            while items and items[-1] >= indent:
                items.pop()
            items.append(indent)
        elif rest.strip() and not rest.startswith((" ", "\t")):
            items.clear()  # a paragraph at the margin ends the lists
        opened = len(HTML_OPEN.findall(rest))
        if depth + divs + len(items) + html + opened > limit:
            return number
        html = max(html + opened - len(HTML_CLOSE.findall(rest)), 0)
    return None


# what may open a line before its text: indentation, a footnote's label, then quote
# markers, list markers and a definition's ':' (or '~')
LINE_PREFIX = re.compile(r"^([ \t]*)(?:\[\^[^\]\s]+\]:[ \t]*)?((?:(?:>|[-+*:~]|\d{1,9}[.)])[ \t]+)*)")


def busiest_line(body: str, limit: int) -> int | None:
    """The 1-based line of ``body`` that opens with the most structure, or None.

    Where :func:`deepest_line` finds no line (quotes in a footnote, definition lists
    indented under each other), the line whose indentation (4 columns a level) and
    markers count more than ``limit`` first, else the most, is where to look.
    """
    best, best_line = 0, None
    for number, line in enumerate(body.split("\n"), 1):
        found = LINE_PREFIX.match(line)
        assert found is not None  # every part of it is optional
        level = len(found.group(1).expandtabs(4)) // 4 + len(found.group(2).split())
        if level > limit:
            return number
        if level > best:
            best, best_line = level, number
    return best_line


# pandoc's Markdown reader slows with the square of the nesting before the tree is ever
# measured: 3,000 quote or list markers opening one line take 2.5 s of CPU, 10,000 about
# half a minute, 700 lists indented under each other minutes.  A line that opens more than
# this many levels (markers, and indentation at 4 columns a level) is refused before pandoc
# reads it: no handout pandoc would accept (40 levels) comes near it.
MAX_OPENED_LEVELS = 100
OPENING = re.compile(r"^[ \t>*+\-:~.)0-9]*")
LEVEL_MARKER = re.compile(r">|[-+*:~](?=[ \t])|\d{1,9}[.)](?=[ \t])")
# after a line break rather than at '^' in multi-line mode: ten times as quick to search
RUNAWAY = re.compile("\n" + OPENING.pattern[1:-1] + f"{{{MAX_OPENED_LEVELS}}}")


def runaway_line(body: str, limit: int = MAX_OPENED_LEVELS) -> int | None:
    """The 1-based line of ``body``, outside fenced code, that opens more than ``limit``
    levels of quotes and lists at once, or None."""
    if not RUNAWAY.search("\n" + body):
        return None  # the common case: no line opens with that many markers or spaces
    lines = body.split("\n")
    for number, (line, code) in enumerate(zip(lines, fenced(lines)), 1):
        if code:
            continue
        opening = OPENING.match(line).group(0)  # type: ignore[union-attr]
        margin = opening[:len(opening) - len(opening.lstrip(" \t"))]
        if len(margin.expandtabs(4)) // 4 + len(LEVEL_MARKER.findall(opening)) > limit:
            return number
    return None


# pandoc's Markdown reader tries every way to pair brackets: its time grows about
# threefold with each '[' open inside another (8: 2.5 s, 9: 7 s, 14: over a minute).
MAX_BRACKETS = 8
BRACKET_EVENTS = re.compile(r"\\.|`+|[\[\]]")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


def _markup_tokens(lines: list[str], events: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    """(1-based line, token) of each of ``events`` outside code (fenced blocks and backtick
    spans; an escaped character is none), and (line, "") for a blank line or a line of a
    fenced block: a paragraph ends there, and a backtick span never closed with it."""
    code, fence = "", ""
    for number, text in enumerate(lines, 1):
        opener = FENCE.match(text)
        if opener and (not fence or opener.group(1).startswith(fence)):
            fence = "" if fence else opener.group(1)[0] * 3
            continue
        if fence or not text.strip():
            code = ""
            yield number, ""
            continue
        for match in events.finditer(text):
            token = match.group(0)
            if token.startswith("\\"):
                continue
            if token.startswith("`"):
                code = "" if code == token else (code or token)
            elif not code:
                yield number, token


def bracket_line(body: str, limit: int = MAX_BRACKETS) -> int | None:
    """The 1-based line of ``body`` where more than ``limit`` '[' are open at once, or None.

    Counted per paragraph, outside code (fenced blocks and backtick spans);
    an escaped ``\\[`` does not count.
    """
    if not any(part.count("[") > limit for part in BLANK_LINE.split(body)):
        return None  # the common case, at the speed of str.count
    depth = 0
    for number, token in _markup_tokens(body.split("\n"), BRACKET_EVENTS):
        if not token:
            depth = 0  # a blank line ends the paragraph
        elif token == "[":
            depth += 1
            if depth > limit:
                return number
        else:
            depth = max(depth - 1, 0)
    return None


# pandoc's reader tries each '<' that may start a tag or comment up to the next '>' (or the
# end of the body) before it gives up on it: its time grows with their count times the text
# they run over (500 '<a ' with no '>': 0.3 s, 1,000: 1.3 s, 5,000: 30 s, 100,000: hours).
MAX_OPEN_TAGS = 500
TAG_EVENTS = re.compile(r"\\.|`+|<[A-Za-z!?/]|>")


def open_tag_line(body: str, limit: int = MAX_OPEN_TAGS) -> int | None:
    """The 1-based line of ``body`` where more than ``limit`` '<' that start a tag or comment
    are open with no '>' after them, or None.

    Outside code (fenced blocks and backtick spans); an escaped ``\\<`` does not count.
    """
    if body.count("<") <= limit:
        return None  # the common case, at the speed of str.count
    opened = 0
    for number, token in _markup_tokens(body.split("\n"), TAG_EVENTS):
        if token == ">":
            opened = 0
        elif token:
            opened += 1
            if opened > limit:
                return number
    return None
