"""Editions that make sense: empty sections, unknown boxes, and callout boxes.

- A heading with nothing under it is a warning at the heading's line; when
  its text was all for other audiences, the warning names the edition.
- A heading that skips a level (``###`` right under ``#``) is shown one level
  below its parent, as screen readers and the contents expect, with a warning
  at the first such heading under each parent.
- A fenced div whose class the pipeline does not know would print as plain
  text: a warning that lists the known ones.
- A div or span for an audience the front matter does not list, or inside a
  div or span for other audiences only, is text no edition shows: an error.
- Callout boxes, ``::: note``, ``::: warning`` and ``::: tip`` (combinable
  with ``audience=``), become boxes with a visible, localized label and the
  ARIA role ``note``; ``styles/css/callouts.css`` styles them for every format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import count, pairwise
from typing import Any

from .errors import Problems, did_you_mean
from .model import Manuscript
from .tree import Node, rewrite, str_inlines, stringify, walk

CALLOUTS = ("note", "tip", "warning")


def _line(manuscript: Manuscript, needle: str) -> int | None:
    from .body import source_line

    return source_line(manuscript, needle)


def _html_class_line(manuscript: Manuscript, name: str) -> int | None:
    """The first body line whose raw HTML gives an element the class ``name``."""
    pattern = re.compile(r"""<\w+\b[^>]*\bclass\s*=\s*["']?[^"'>]*?(?<![\w-])"""
                         + re.escape(name) + r"(?![\w-])")
    for offset, text in enumerate(manuscript.body.split("\n")):
        if pattern.search(text):
            return manuscript.body_line + offset
    return None


_LAYOUT = ("Quarto's layout '{name}' is not used in a handout: its text is shown in order, "
           "in every format")
_CONDITION = ("Quarto's '{name}' is not read: its text is shown in every format and edition; "
              "for one audience's text write ::: {{audience=\"patient\"}}")
QUARTO_LAYOUTS = {
    **dict.fromkeys(("columns", "column", "column-margin", "column-page", "column-screen",
                     "column-body-outset", "column-page-inset", "column-screen-inset",
                     "panel-tabset", "panel-sidebar", "panel-fill", "panel-center",
                     "panel-input", "aside"), _LAYOUT),
    **dict.fromkeys(("content-visible", "content-hidden"), _CONDITION),
}


def check_div_classes(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems) -> None:
    """A warning for each fenced-div class that is neither a callout nor the pipeline's own."""
    for node in walk(ast["blocks"]):
        if node["t"] != "Div":
            continue
        for name in node["c"][0][1]:
            if name not in CALLOUTS:
                # ".column}" before ".column", which ".columns" holds too
                line = _line(manuscript, f".{name}}}") or _line(manuscript, f".{name} ") \
                    or _line(manuscript, f".{name}") or _line(manuscript, f"::: {name}") \
                    or _line(manuscript, f":::{name}") \
                    or _html_class_line(manuscript, name)
                problems.warn(manuscript.path, line, QUARTO_LAYOUTS[name].format(name=name)
                              if name in QUARTO_LAYOUTS else
                              f"unknown box '{name}': it is shown as plain text; the known boxes "
                              f"are {', '.join(CALLOUTS)} (::: note ... :::)",
                              code="unknown-class")


def audiences_of(node: Node) -> tuple[str, list[str]] | None:
    """(as written, the names) of a div's or span's ``audience`` attribute, if it has one."""
    if node["t"] not in ("Div", "Span"):
        return None
    value = next((v for k, v in node["c"][0][2] if k == "audience"), None)
    return None if value is None else (value, value.replace(",", " ").split())


def check_audiences(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems) -> None:
    """Errors, at their line, for text no edition would show.

    A div or span for an audience the front matter does not list, and one
    inside a div or span for other audiences only (``::: {audience="patient"}``
    around ``[...]{audience="clinician"}``).
    """
    seen: dict[str, int] = {}

    def line(value: str) -> int | None:
        seen[value] = seen.get(value, 0) + 1
        return _audience_line(manuscript, value, seen[value])

    def visit(value: Any, around: tuple[str, set[str]] | None) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item, around)
            return
        if not isinstance(value, dict):
            return
        found = audiences_of(value) if "t" in value else None
        if found is not None:
            written, names = found
            at = line(written)
            kind = "block" if value["t"] == "Div" else "span"
            for audience in names:
                if audience not in manuscript.audiences:
                    problems.add(manuscript.path, at,
                                 f"audience {kind} for '{audience}', which the front matter does "
                                 f"not list (audiences: {', '.join(manuscript.audiences)})"
                                 + did_you_mean(audience, manuscript.audiences),
                                 code="bad-audience")
            shown = set(names) & set(manuscript.audiences)
            if around is not None and shown and not shown & around[1]:
                problems.add(manuscript.path, at,
                             f"this text is for {' and '.join(sorted(shown))} inside a block for "
                             f"{around[0]}: no edition shows it", code="bad-audience")
            if shown:
                outer = shown if around is None else shown & around[1]
                around = (", ".join(sorted(outer)) if around is None else around[0], outer)
        for child in value.values():
            visit(child, around)

    visit(ast["blocks"], None)


def _audience_line(manuscript: Manuscript, value: str, nth: int) -> int | None:
    """The line of the ``nth`` ``audience=`` attribute with ``value``, however it is quoted."""
    pattern = re.compile(r"audience\s*=\s*(?:\"" + re.escape(value) + r"\"|'" + re.escape(value)
                         + r"'|" + re.escape(value) + r"(?=[\s}]))")
    starts = [m.start() for m in pattern.finditer(manuscript.body)]
    if not starts:
        return _line(manuscript, value)
    start = starts[min(nth, len(starts)) - 1]
    return manuscript.body_line + manuscript.body.count("\n", 0, start)


def _flatten(blocks: list[Node]) -> list[Node]:
    """Blocks in reading order, divs opened (an empty div is nothing)."""
    out: list[Node] = []
    for block in blocks:
        if block["t"] == "Div" and block["c"][0][0] != "refs":
            out.extend(_flatten(block["c"][1]))
        else:
            out.append(block)
    return out


def _empty_headings(blocks: list[Node]) -> list[Node]:
    """Headings with nothing under them before the next heading of their level or above."""
    blocks = _flatten(blocks)
    empty = []
    for i, block in enumerate(blocks):
        if block["t"] != "Header":
            continue
        level = block["c"][0]
        content = False
        for after in blocks[i + 1:]:
            if after["t"] == "Header" and after["c"][0] <= level:
                break
            if after["t"] != "Header":
                content = True
                break
        if not content:
            empty.append(block)
    return empty


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def heading_line(manuscript: Manuscript, level: int, title: str) -> int | None:
    """The body line of the heading ``title`` at ``level``, its inline markup read through.

    An ATX heading (``## Dosing in *adults*``) or a setext one (text over ``===``/``---``).
    """
    wanted = _words(title)
    lines = manuscript.body.split("\n")
    for offset, line in enumerate(lines):
        atx = re.match(r" {0,3}(#{1,6})\s+(.*)$", line)
        setext = (offset + 1 < len(lines) and line.strip()
                  and re.fullmatch(r" {0,3}(=+|-+)\s*", lines[offset + 1]))
        if atx and len(atx.group(1)) == level:
            text = atx.group(2)
        elif setext and (1 if lines[offset + 1].strip()[0] == "=" else 2) == level:
            text = line
        else:
            continue
        # Link targets and attributes are not part of the heading's words.
        text = re.sub(r"\]\([^)]*\)|\{[^}]*\}\s*$", "]", text)
        if wanted and wanted in _words(text):
            return manuscript.body_line + offset
    return _line(manuscript, title)


def _part_titles(blocks: list[Node]) -> set[str]:
    """Ids of headings whose very next block is a heading one level down or more."""
    flat = _flatten(blocks)
    return {block["c"][1][0] for block, after in pairwise(flat)
            if block["t"] == "Header" and after["t"] == "Header" and after["c"][0] > block["c"][0]}


def check_empty_sections(manuscript: Manuscript, edition: Mapping[str, Any], audience: str,
                         problems: Problems, whole: Mapping[str, Any] | None = None) -> None:
    """A warning, at its line, for each heading of ``edition`` with nothing under it.

    One left empty by choosing ``audience`` names the edition.  One empty in the
    ``whole`` manuscript too is as its author wrote it: a part title followed by
    its first section is fine; any other "has no text under it".
    """
    written = {block["c"][1][0] for block in _empty_headings(list(whole["blocks"]))} \
        if whole is not None else set()
    parts = _part_titles(list(whole["blocks"])) if whole is not None else set()
    for block in _empty_headings(list(edition["blocks"])):
        ident, level, title = block["c"][1][0], block["c"][0], stringify(block["c"][2]).strip()
        if ident in parts:
            continue
        line = heading_line(manuscript, level, title)
        if ident in written:
            problems.warn(manuscript.path, line, f"the heading '{title}' has no text under it",
                          code="empty-section")
        else:
            problems.warn(manuscript.path, line,
                          f"the heading '{title}' has nothing under it in the {audience} "
                          "edition: its text is all for other audiences", code="empty-section")


def even_heading_levels(manuscript: Manuscript, blocks: list[Node],
                        problems: Problems) -> list[Node]:
    """``blocks`` with each heading at most one level below the heading it falls under.

    Siblings stay siblings (``#``, ``###``, ``###`` becomes 1, 2, 2); the title is
    the level-1 heading above them all (HackMD's ``###### tags: ...`` first in a note is
    shown as level 2).
    """
    # parents: written, shown level, title, n
    stack: list[tuple[int, int, str, int]] = [(1, 1, manuscript.title, -1)]
    warned: set[int] = set()  # the parents whose children were moved up
    numbers = count()

    def fix(node: Node) -> Any:
        if node["t"] != "Header":
            return None
        written, title = node["c"][0], stringify(node["c"][2]).strip()
        while stack and stack[-1][0] >= written:
            stack.pop()
        shown = min(written, stack[-1][1] + 1) if stack else written
        if stack and written > stack[-1][0] + 1 and stack[-1][3] not in warned:
            parent_level, _, parent, number = stack[-1]
            warned.add(number)
            problems.warn(manuscript.path, heading_line(manuscript, written, title),
                          f"the heading '{title}' is level {written} right under the level-"
                          f"{parent_level} heading '{parent}': it and the headings after it at its "
                          f"level are shown as level {shown} (write {'#' * shown} for them)",
                          code="heading-order")
        stack.append((written, shown, title, next(numbers)))
        if shown == written:
            return None
        return {"t": "Header", "c": [shown, node["c"][1], node["c"][2]]}

    return rewrite(blocks, fix, only=("Header",))


DIVS = ("Div",)


def callouts(blocks: list[Node], words: Mapping[str, str]) -> list[Node]:
    """Callout divs with their label first and the ARIA role ``note``."""

    def box(node: Node) -> Any:
        if node["t"] != "Div":
            return None
        ident, classes, attrs = node["c"][0]
        kind = next((c for c in classes if c in CALLOUTS), None)
        if kind is None:
            return None
        label = words.get(f"callout_{kind}", kind.capitalize())
        title = {"t": "Div", "c": [["", ["callout-title"], []],
                                   [{"t": "Para", "c": [{"t": "Strong",
                                                         "c": str_inlines(label)}]}]]}
        inner = rewrite(node["c"][1], box, DIVS)
        attributes = [[k, v] for k, v in attrs if k not in ("role", "aria-label")]
        return {"t": "Div", "c": [[ident, ["callout", f"callout-{kind}",
                                          *[c for c in classes if c != kind]],
                                   [*attributes, ["role", "note"], ["aria-label", label]]],
                                  [title, *inner]]}

    return rewrite(blocks, box, DIVS)
