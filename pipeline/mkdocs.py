"""MkDocs Material's Markdown (Python-Markdown and pymdownx) read where a handout can show it.

- An admonition (``!!! warning "Title"``, collapsible ``??? tip`` and ``???+ note``, its
  text indented four spaces) is written as the Quarto callout it means, line for line
  (so every line keeps its number), and read as a box: NOTE, ABSTRACT, INFO, QUESTION,
  EXAMPLE, QUOTE and any other type a ``note``; TIP, HINT, SUCCESS a ``tip``; WARNING,
  CAUTION, ATTENTION, FAILURE, DANGER, ERROR and BUG a ``warning``.  The quoted title is
  the box's title; without one, a type other than note, tip and warning is the title
  ("Danger"), as MkDocs shows it; ``""`` is no title.  Boxes nest, and one indented in a
  list item stays in it.
- A content tab (``=== "Adults"``, ``===! "..."``, ``===+ "..."``) is a labelled section:
  its title in bold, then its text, no longer indented (a page shows every tab).
- A snippet (``--8<-- "file.md"``, or ``--8<--`` lines around a list of files) is left
  out with a warning at its line: the handout does not include other files so.
- An attribute list of Python-Markdown's (``{ .annotate }`` on the line after a list,
  ``Text. { #intro .lead }`` at the end of a paragraph) is left out with a warning at its
  line: pandoc's Markdown reads one only right after a heading, a link, an image, a span,
  code or a fence, and would print it.  kramdown's ``{: .lead}`` is read with Jekyll's
  marks (see :mod:`.liquid`).
- An icon (``:material-hand-wash:``, ``:fontawesome-solid-syringe:``, ``:octicons-x-16:``,
  ``:simple-x:``, with its ``{ .class }``) is left out with a warning: no font of the
  handout draws it.

Abbreviations (``*[HTML]: Hyper Text Markup Language``) are read by pandoc's
``abbreviations`` extension, which leaves the definitions out (see :mod:`.pandoc`).
Fenced code is never read as any of these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problems
from .fences import FENCE, cut_keeping_lines, fenced
from .model import Manuscript
from .obsidian import BARRIER, _masked

ADMONITION = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>!!!|\?\?\?\+?)[ \t]*(?P<type>[\w-]+)"
                        r"(?:[ \t]+[\w-]+)*(?:[ \t]+\"(?P<title>.*)\")?[ \t]*$")
TAB = re.compile(r"^(?P<indent>[ \t]*)===[!+]?[ \t]+\"(?P<title>.*)\"[ \t]*$")
TIPS = frozenset(("tip", "hint", "success", "check", "done"))
WARNINGS = frozenset(("warning", "caution", "attention", "failure", "fail", "missing", "danger",
                      "error", "bug"))
TAB_CLASS = "mkdocs-tab"  # a content tab's div: its title in bold, then its text (dialects)
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]")
SNIPPET = re.compile(r"^[ \t]*--8<--(?:[ \t]+(['\"]).*\1)?[ \t]*$")
ICON = re.compile(r":(?:material|fontawesome|octicons|simple)-[a-z0-9-]+:(?:\{[^}\n]*\})?")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# A block's attribute list: alone on its line, or after a space at the end of one (pandoc
# reads '{#id .class}' after a heading, and right after a link, image, span or code).
ATTRIBUTES = re.compile(r"\{[ \t]*(?:(?:#[\w:.-]+|\.[\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
                        r"[ \t]*)+\}")
LINE_END_BRACES = re.compile(r"\{[ \t]*[#.\w][^{}\n]*\}(?=[ \t]*$)", re.MULTILINE)
SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)  # the line under a heading
NOT_A_BLOCK = re.compile(r"(?: {0,3}(?:#|:|Table:)|.*\$\$)")  # headings, divs, captions, math


@dataclass
class _Box:
    indent: int  # the columns of the opener's line before its mark


def _columns(line: str) -> tuple[int, str]:
    """The indentation of ``line`` in columns (a tab to the next multiple of four) and
    its text after it."""
    text = line.lstrip(" \t")
    return len(line[:len(line) - len(text)].expandtabs(4)), text


def _quoted(title: str) -> str:
    return title.replace("\\", "\\\\").replace('"', '\\"')


def _opener(match: re.Match[str]) -> str:
    """The fenced div an admonition or a tab opens."""
    if match.re is TAB:
        return f'::: {{.{TAB_CLASS} title="{_quoted(match.group("title"))}"}}'
    kind = match.group("type").lower()
    box = "tip" if kind in TIPS else "warning" if kind in WARNINGS else "note"
    title = match.group("title")
    if title is None and kind not in ("note", "tip", "warning"):
        title = kind.capitalize()
    attrs = f' title="{_quoted(title)}"' if title and title.strip() else ""
    return f"::: {{.callout-{box}{attrs}}}"


def as_boxes(text: str) -> str:
    """``text`` with MkDocs's admonitions and content tabs written as fenced divs, their
    text no longer indented, line for line; where a box ends with no blank line after it,
    a line is added for its closing fence."""
    if "!!!" not in text and "???" not in text and "===" not in text:
        return text
    out: list[str] = []
    boxes: list[_Box] = []
    code: str | None = None  # the fence of the code block the line is in
    changed = False
    for line in text.split("\n"):
        indent, rest = _columns(line)
        if rest and boxes and indent < boxes[-1].indent + 4:
            while boxes and indent < boxes[-1].indent + 4:
                boxes.pop()
                _close(out)
            code = None
        shift = 4 * len(boxes)
        shifted = " " * (indent - shift) + rest if rest else ""
        if code is not None:
            stripped = rest.strip()
            if stripped and set(stripped) == {code[0]} and len(stripped) >= len(code):
                code = None
            out.append(shifted if boxes else line)
            continue
        opener = ADMONITION.match(line) or TAB.match(line)
        if opener and (indent - shift <= 3 or _in_list_item(out, indent - shift)):
            boxes.append(_Box(indent))
            out.append(" " * (indent - shift) + _opener(opener))
            changed = True
            continue
        fence = FENCE.match(shifted)
        if fence:
            code = fence.group(1)
        out.append(shifted if boxes else line)
    while boxes:
        boxes.pop()
        _close(out)
    return "\n".join(out) if changed else text


def _close(out: list[str]) -> None:
    """A closing fence on the first of the blank lines that end ``out``, else a new line."""
    blanks = 0
    while blanks < len(out) and not out[-1 - blanks].strip():
        blanks += 1
    for index in range(len(out) - blanks, len(out)):
        if not out[index]:
            out[index] = ":::"
            return
    out.append(":::")


def _in_list_item(out: list[str], indent: int) -> bool:
    """Whether the last line of ``out`` less indented than ``indent`` opens a list item (an
    indented admonition is then in the item; otherwise it is an indented code block)."""
    for line in reversed(out):
        columns, rest = _columns(line)
        if rest and columns < indent:
            return LIST_ITEM.match(line) is not None
    return False


def without_snippets(text: str) -> str:
    """``text`` without MkDocs's snippet lines and icons (outside code), line for line."""
    if "--8<--" not in text and not any(f":{s}-" in text for s in
                                        ("material", "fontawesome", "octicons", "simple")):
        return text
    lines = text.split("\n")
    snippets = set(_snippet_lines(lines))
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if index in snippets:
            lines[index] = ""
        elif not code and ":" in line:
            lines[index] = _without_icons(line)
    return "\n".join(lines)


def _snippet_lines(lines: list[str]) -> list[int]:
    """The index of each line of a snippet: ``--8<-- "file"``, or ``--8<--`` lines and the
    file names between them; fenced code holds none."""
    found: list[int] = []
    block = False
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code:
            continue
        match = SNIPPET.match(line)
        if match or block:
            found.append(index)
        if match and match.group(1) is None:
            block = not block
        elif block and not line.strip():
            block = False  # a blank line ends a list of files
    return found


def _attribute_lists(text: str) -> list[tuple[int, int]]:
    """The start and end of each block attribute list of Python-Markdown's, outside code."""
    found = []
    for match in LINE_END_BRACES.finditer(text) if "{" in text else ():
        start = text.rfind("\n", 0, match.start()) + 1
        attached = text[start:match.start()].strip() and text[match.start() - 1] not in " \t"
        after = text.find("\n", match.end())
        if attached or not ATTRIBUTES.fullmatch(match.group(0)) \
                or NOT_A_BLOCK.match(text, start) or after >= 0 and SETEXT.match(text, after + 1):
            continue  # pandoc's: after a link, a span or code, a heading, a div or math
        found.append(match.span())
    if not found:
        return []
    masked = _masked(text)  # fenced and inline code keep theirs
    return [(a, b) for a, b in found if BARRIER not in masked[a:b] and masked[a:b] == text[a:b]]


def without_attribute_lists(text: str) -> str:
    """``text`` without Python-Markdown's block attribute lists (see the module)."""
    found = _attribute_lists(text)
    return cut_keeping_lines(text, found) if found else text


def _without_icons(line: str) -> str:
    spans = [m.span() for m in CODE_SPAN.finditer(line)]
    return ICON.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in spans) else "",
                    line)


# PHP Markdown Extra's and MkDocs's, which pandoc's abbreviations extension leaves out, and
# MultiMarkdown 6's, which pandoc reads as a link's definition (and so leaves out too)
ABBREVIATION = re.compile(r"^(?:\*| {0,3})\[(>?)[^\]\n]+\]:")


def mkdocs_problems(manuscript: Manuscript, problems: Problems) -> None:
    """A warning at each snippet and each icon of MkDocs, which are left out, and at the
    first abbreviation."""
    body = manuscript.body
    for start, end in _attribute_lists(body):
        problems.warn(manuscript.path, manuscript.body_line + body.count("\n", 0, start),
                      f"'{body[start:end]}' is an attribute list of Python-Markdown (MkDocs), "
                      "which pandoc's Markdown reads only after a heading, a link, an image, a "
                      "span or code: it is left out; write ::: {.class} around a block, or "
                      "{#id} after a heading's title", code="attributes")
    if "--8<--" not in body and "*[" not in body and "[>" not in body \
            and not ICON.search(body):
        return
    lines = body.split("\n")
    snippets = _snippet_lines(lines)
    for offset, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if code:
            continue
        where = manuscript.body_line + offset
        if offset in snippets:
            if offset - 1 in snippets:
                continue  # one warning for the lines of a snippet
            problems.warn(manuscript.path, where,
                          f"'{line.strip()}' is a snippet of MkDocs (pymdownx.snippets), which "
                          "pandoc's Markdown does not have: it is left out; write the text "
                          "here, or include the file with {{< include file.md >}} on a line "
                          "of its own", code="snippet")
            continue
        spans = [m.span() for m in CODE_SPAN.finditer(line)]
        for icon in ICON.finditer(line):
            if not any(a <= icon.start() < b for a, b in spans):
                problems.warn(manuscript.path, where,
                              f"'{icon.group(0)}' is an icon of MkDocs Material, which no font "
                              "of the handout draws: it is left out; write its meaning in "
                              "words", code="icon")
    abbreviations = [i for i, (line, code) in enumerate(zip(lines, fenced(lines), strict=True))
                     if not code and _is_abbreviation(line)]
    if abbreviations:
        more = len(abbreviations) - 1
        whose = "MultiMarkdown's" if lines[abbreviations[0]].lstrip().startswith("[>") \
            else "PHP Markdown Extra's, MkDocs's"
        problems.warn(manuscript.path, manuscript.body_line + abbreviations[0],
                      f"'{lines[abbreviations[0]].strip()[:60]}' is an abbreviation ({whose}): "
                      "it is left out" + _and_after(more)
                      + ", since a handout shows no tooltip; write the words out where the "
                      "abbreviation is first used", code="abbreviation")


def _is_abbreviation(line: str) -> bool:
    match = ABBREVIATION.match(line)
    return match is not None and (line.startswith("*") or match.group(1) == ">")


def _and_after(more: int) -> str:
    """What else is left out with the first one: nothing, the one after it, the N after it."""
    return f", as are the {more} after it" if more > 1 else ", as is the one after it" \
        if more else ""
