"""Editions that make sense: empty sections, unknown boxes, and callout boxes.

- A heading an edition keeps with nothing under it (its text was all for
  other audiences) is a warning at the heading's line, naming the edition.
- A fenced div whose class the pipeline does not know would print as plain
  text: a warning that lists the known ones.
- Callout boxes, ``::: note``, ``::: warning`` and ``::: tip`` (combinable
  with ``audience=``), become boxes with a visible, localized label and the
  ARIA role ``note``; ``styles/css/callouts.css`` styles them for every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problems
from .model import Manuscript
from .tree import Node, str_inlines, stringify, transform, walk

CALLOUTS = ("note", "tip", "warning")


def _line(manuscript: Manuscript, needle: str) -> int | None:
    from .body import source_line

    return source_line(manuscript, needle)


def check_div_classes(manuscript: Manuscript, ast: Mapping[str, Any], problems: Problems) -> None:
    """A warning for each fenced-div class that is neither a callout nor the pipeline's own."""
    for node in walk(ast["blocks"]):
        if node["t"] != "Div":
            continue
        for name in node["c"][0][1]:
            if name not in CALLOUTS:
                line = _line(manuscript, f".{name}") or _line(manuscript, f"::: {name}")
                problems.warn(manuscript.path, line,
                              f"unknown box '{name}': it is shown as plain text; the known boxes "
                              f"are {', '.join(CALLOUTS)} (::: note ... :::)",
                              code="unknown-class")


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


def check_empty_sections(manuscript: Manuscript, edition: Mapping[str, Any], audience: str,
                         problems: Problems, whole: Mapping[str, Any] | None = None) -> None:
    """A warning for each heading left with nothing under it by choosing ``audience``.

    A heading that has nothing under it in the ``whole`` manuscript either
    (a part title followed by its first section) is as its author wrote it.
    """
    written = {block["c"][1][0] for block in _empty_headings(list(whole["blocks"]))} \
        if whole is not None else set()
    for block in _empty_headings(list(edition["blocks"])):
        if block["c"][1][0] in written:
            continue
        title = stringify(block["c"][2]).strip()
        problems.warn(manuscript.path, _line(manuscript, title),
                      f"the heading '{title}' has nothing under it in the {audience} "
                      "edition: its text is all for other audiences", code="empty-section")


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
        inner = transform(node["c"][1], box)
        attributes = [[k, v] for k, v in attrs if k not in ("role", "aria-label")]
        return {"t": "Div", "c": [[ident, ["callout", f"callout-{kind}",
                                          *[c for c in classes if c != kind]],
                                   [*attributes, ["role", "note"], ["aria-label", label]]],
                                  [title, *inner]]}

    return transform(blocks, box)
