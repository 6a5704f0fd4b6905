"""Word's tracked changes and comments, as ``pandoc --track-changes=all`` writes them.

A Word document turned into Markdown with its changes kept carries them as spans:
``[new words]{.insertion author=".." date=".."}``, ``[old words]{.deletion ...}``,
``[the comment's text]{.comment-start id="0" author=".."}`` before the words it is
about and ``[]{.comment-end id="0"}`` after them, and ``[]{.paragraph-insertion}``
on a paragraph mark.  A deleted word, a comment and the names of their authors are the
team's, never a reader's: the handout reads the document as Word shows it with every
change accepted (pandoc's own default), so an insertion is its words, a deletion and a
comment are left out, and the marks go with them.  Each kind is a warning at the line of
its first mark, with how many there were, so the editor can accept or reject the changes
in Word and convert again; the warning names no author and quotes no text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .body import source_line
from .errors import Problems
from .model import Manuscript
from .tree import Node, rewrite

KEPT = frozenset({"insertion"})  # its words are the document as Word shows it accepted
LEFT_OUT = frozenset({"deletion", "comment-start", "comment-end", "paragraph-insertion",
                      "paragraph-deletion"})
BLANK = frozenset({"Space", "SoftBreak", "LineBreak"})
# What the body's text holds when pandoc wrote a tracked change or a comment (a prefilter:
# most bodies have none, and their tree is not walked).
MARKS = ("insertion", "deletion", "comment-")
SAID = {"insertion": "an insertion tracked in Word is kept as text, as Word shows it with "
                     "the change accepted",
        "deletion": "a deletion tracked in Word is left out with its words, as Word shows "
                    "the document with the change accepted",
        "comment-start": "a comment written in Word is left out with its author, since a "
                         "comment is for the team, not for readers"}


def without_tracked_changes(manuscript: Manuscript, ast: Mapping[str, Any],
                            problems: Problems) -> dict[str, Any]:
    """The AST with Word's insertions accepted, its deletions and comments left out."""
    if not any(mark in manuscript.body for mark in MARKS):
        return dict(ast)
    counts: dict[str, int] = {}

    def read(node: Node) -> Any:
        classes = node["c"][0][1]
        kind = next((c for c in classes if c in KEPT or c in LEFT_OUT), None)
        if kind is None:
            return None
        counts[kind] = counts.get(kind, 0) + 1
        return rewrite(node["c"][1], read, ("Span",)) if kind in KEPT else []

    blocks = rewrite(list(ast["blocks"]), read, ("Span",))
    if not counts:
        return dict(ast)
    # a paragraph that was all deletion or comment is left out with them
    blocks = rewrite(blocks, lambda n: None if any(i["t"] not in BLANK for i in n["c"])
                     else [], ("Para", "Plain"))
    for kind, said in SAID.items():
        if counts.get(kind):
            times = counts[kind]
            problems.warn(manuscript.path, source_line(manuscript, f".{kind}"),
                          f"{said} ({times} in the document); accept or reject the changes "
                          "and delete the comments in Word, then convert it again",
                          code="tracked-change")
    return {**ast, "blocks": blocks}
