"""An Org heading's task keyword and tags, as ``pandoc -f org -t markdown`` writes them.

``** TODO Check the dose :pharm:`` becomes a heading that reads "TODO Check the
dose PHARM": pandoc writes the keyword as ``[TODO]{.todo .TODO}`` (``.done`` for
DONE) and each tag as ``[[pharm]{.smallcaps}]{.tag tag-name="pharm"}``.  Both are
the team's marks for planning its work, not words for readers: they are left
out of the heading, with a warning at its line that names the keyword and the
number of tags, never the tags.
"""

from __future__ import annotations

from typing import Any

from .errors import Problems
from .model import Manuscript
from .tree import Node, rewrite, stringify

MARKS = ("todo", "done", "tag")  # the classes pandoc gives a keyword and a tag


def _mark(node: Node) -> str | None:
    if node["t"] != "Span":
        return None
    classes = node["c"][0][1]
    return next((c for c in MARKS if c in classes), None)


def without_org_marks(manuscript: Manuscript, blocks: list[Node],
                      problems: Problems) -> list[Node]:
    """``blocks`` with each heading's Org keyword and tags left out (see the module)."""
    body = manuscript.body
    if "{.todo" not in body and "{.done" not in body and "{.tag" not in body:
        return blocks
    lines = [k for k, line in enumerate(body.split("\n"))
             if line.startswith("#") and any(f"{{.{mark}" in line for mark in MARKS)]
    found = iter(lines)

    def heading(node: Node) -> Any:
        inlines = node["c"][2]
        marks = [(n, kind) for n in inlines if (kind := _mark(n))]
        if not marks:
            return None
        kept = [n for n in inlines if not _mark(n)]
        while kept and kept[0]["t"] in ("Space", "SoftBreak"):
            kept = kept[1:]
        while kept and kept[-1]["t"] in ("Space", "SoftBreak"):
            kept = kept[:-1]
        keyword = next((stringify(n) for n, kind in marks if kind != "tag"), "")
        tags = sum(kind == "tag" for _, kind in marks)
        line = next(found, None)
        said = " and ".join(part for part in (
            f"the task keyword '{keyword}'" if keyword else "",
            f"{tags} tag{'s' if tags > 1 else ''}" if tags else "") if part)
        one = (not keyword) + (tags == 0) == 1 and tags <= 1
        problems.warn(manuscript.path, None if line is None else manuscript.body_line + line,
                      f"{said[0].upper()}{said[1:]} of an Org heading {'is' if one else 'are'} "
                      "left out of it: the team's marks for its work, not words for readers",
                      code="org-heading")
        return {"t": "Header", "c": [node["c"][0], node["c"][1], kept]}

    return rewrite(blocks, heading, ("Header",))
