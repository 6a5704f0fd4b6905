"""Tags of a note-taking app (Obsidian, Foam, Dendron, Bear, Logseq): ``#knee #aftercare``.

A note's tags file it; they are no words for the note's readers.  Where a tag
stands as the app's metadata, at the end of a heading (``# Aftercare #knee``)
or in a paragraph of tags alone (``#knee #ice``), it is left out, with a warning
at its line.  A tag inside a sentence ("ask about #pain-relief") is shown as
written, as the apps show it.  A tag starts with a letter after ``#``: ``C#``,
``#12`` and a heading's own ``# `` are no tags.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problems
from .model import Manuscript
from .source_lines import nth_line_containing
from .tree import Node, rewrite

TAG = re.compile(r"#[^\W\d_][\w/-]*")
# what a body holds when a tag may stand as metadata: a line that ends in a tag
IN_BODY = re.compile(r"#[^\W\d_][\w/-]*[ \t]*$", re.MULTILINE)
SPACES = ("Space", "SoftBreak")


def _is_tag(node: Node) -> bool:
    return node["t"] == "Str" and TAG.fullmatch(node["c"]) is not None


def _trailing_tags(inlines: list[Node]) -> int:
    """How many of ``inlines``' last nodes are tags and the spaces before them."""
    cut = len(inlines)
    while cut >= 2 and _is_tag(inlines[cut - 1]) and inlines[cut - 2]["t"] in SPACES:
        cut -= 2
    return len(inlines) - cut


def without_note_tags(manuscript: Manuscript, blocks: list[Node],
                      problems: Problems) -> list[Node]:
    """``blocks`` with tags that stand as metadata left out (see the module)."""
    if "#" not in manuscript.body or not IN_BODY.search(manuscript.body):
        return blocks
    seen: dict[str, int] = {}

    def warn(tags: list[str], where: str) -> None:
        seen[tags[0]] = seen.get(tags[0], 0) + 1
        line = nth_line_containing(manuscript, " ".join(tags), seen[tags[0]]) \
            or nth_line_containing(manuscript, tags[0], seen[tags[0]])
        problems.warn(manuscript.path, line,
                      f"{len(tags)} tag{'s' if len(tags) > 1 else ''} of a note ('{tags[0]}'"
                      f"{' ...' if len(tags) > 1 else ''}) {where} {'is' if len(tags) == 1 else 'are'}"
                      " left out: a note's tags file it and are no words for its readers",
                      code="note-tag")

    def visit(node: Node) -> Any:
        inlines = node["c"][2] if node["t"] == "Header" else node["c"]
        if node["t"] != "Header":
            if not inlines or not any(_is_tag(n) for n in inlines) \
                    or not all(_is_tag(n) or n["t"] in SPACES for n in inlines):
                return None
            warn([n["c"] for n in inlines if _is_tag(n)], "on a line of their own")
            return []
        count = _trailing_tags(inlines)
        if not count or count == len(inlines):
            return None
        warn([n["c"] for n in inlines[-count:] if _is_tag(n)], "at the end of a heading")
        return {"t": "Header", "c": [node["c"][0], node["c"][1], inlines[:-count]]}

    return rewrite(blocks, visit, ("Header", "Para", "Plain"))
