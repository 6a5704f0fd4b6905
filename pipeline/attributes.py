"""Which of the attributes an author writes reach a handout.

pandoc writes an attribute it has no use for (``::: {owner="Dr X"}``,
``[text]{checked-by="..."}``) into the web page and the EPUB as ``data-owner``,
and the attached source would carry it too: words written for the team, not
for readers, that no reader sees and every file would hold.  A handout keeps
the attributes that mean something in it (language and direction, an image's
size and its alternative text, written ``alt`` or as Quarto writes it ``fig-alt``,
accessibility, a style, a link's relation, a title, code line numbers,
an audience); the others are left out of every output, with a warning at the
line where each name is first written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .body import source_line
from .errors import Problems
from .model import Manuscript
from .tree import ATTRIBUTED, Node, attr_of, rewrite

KEPT = frozenset({
    "audience", "lang", "dir", "width", "height", "style", "rel", "title", "role", "hidden",
    "startFrom", "start-from", "epub:type",
})


# Classes the handout's own parts wear (styles/templates): written on the author's text
# (Manubot's "[...]{.banner}") they would dress it as the approval banner, the disclaimer
# or the stamp, so they are left out of it.
OWN_CLASSES = frozenset({
    "audiences", "back-subtitle", "back-title", "banner", "colophon", "disclaimer", "downloads",
    "edition", "edition-links",
    "facts", "fact-status", "footer-stamp", "history", "index", "index-table", "label",
    "masthead", "people", "preview-problems", "problems-row", "qr", "skip-link", "stamp",
    "status", "subtitle", "table-scroll", "title-block", "track", "track-note", "value",
})

# Quarto's options of a box's or a layout's look (a folded callout, a grid of figures, a
# format's own text): a handout shows the text open and in order, so nothing is lost and,
# unlike a note for the team, nothing needs saying (the layout's class is warned about).
QUARTO_OPTIONS = frozenset({
    "collapse", "appearance", "icon", "layout", "layout-ncol", "layout-nrow", "layout-align",
    "layout-valign", "when-format", "unless-format", "when-profile", "unless-profile",
    "when-meta", "unless-meta",
})

# What pandoc's LaTeX reader writes on a link it made of \ref or \eqref
# ('[2](#sec:x){reference-type="ref" reference="sec:x"}', in a paper turned to Markdown):
# the link's words and target say all, so nothing needs saying.
REFERENCE_MARKS = frozenset({"reference-type", "reference"})

IMAGE_KEPT = frozenset({"alt"})  # an image's alternative text, when it differs from its caption


def _image_description(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Quarto's ``fig-alt`` as the image's ``alt`` (an ``alt`` written too wins)."""
    if not any(k == "fig-alt" for k, _ in pairs):
        return pairs
    if any(k == "alt" for k, _ in pairs):
        return [(k, v) for k, v in pairs if k != "fig-alt"]
    return [("alt" if k == "fig-alt" else k, v) for k, v in pairs]


ALIGNMENTS = frozenset({"left", "right", "center", "justify"})


def _aligned(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``align="center"`` (old HTML's, as GitHub's READMEs write ``<div align="center">``)
    as the style it means, ``text-align: center``, as raw HTML's is."""
    align = next((v.strip().lower() for k, v in pairs if k == "align"), None)
    if align not in ALIGNMENTS:
        return pairs
    style = next((v.rstrip("; ") for k, v in pairs if k == "style"), "")
    style = f"{style}; text-align: {align}" if style else f"text-align: {align}"
    return [(k, v) for k, v in pairs if k not in ("align", "style")] + [("style", style)]


def kept(key: str) -> bool:
    """Whether an attribute named ``key`` means something in a handout."""
    return key in KEPT or key.startswith("aria-")


# pandoc's name for the Word style of a paragraph or a run (``pandoc -f docx+styles``)
WORD_STYLE = "custom-style"


def without_private_attributes(manuscript: Manuscript, ast: Mapping[str, Any],
                               problems: Problems) -> dict[str, Any]:
    """The AST without the attributes no handout uses, each name warned about once."""
    dropped: list[str] = []
    classes: list[str] = []

    def strip(node: Node) -> Any:
        attr = attr_of(node)
        if attr is None:
            return None
        own = [c for c in attr[1] if c in OWN_CLASSES]
        classes.extend(c for c in own if c not in classes)
        written = [(k, v) for k, v in attr[2]]
        pairs = written
        if node["t"] == "Image":  # an image's own description, Quarto's name for it too
            pairs = _image_description(written)
        pairs = _aligned(pairs)
        keep = IMAGE_KEPT if node["t"] == "Image" else frozenset()
        if not own and pairs == written and all(kept(k) or k in keep for k, _ in pairs):
            return None
        dropped.extend(key for key, _ in pairs
                       if not kept(key) and key not in keep and key not in dropped)
        inside = [attr[0], [c for c in attr[1] if c not in OWN_CLASSES],
                  [[k, v] for k, v in pairs if kept(k) or k in keep]]
        content = list(node["c"])
        content[1 if node["t"] == "Header" else 0] = inside
        return rewrite({"t": node["t"], "c": content}, strip, ATTRIBUTED)

    blocks = rewrite(ast["blocks"], strip, ATTRIBUTED)
    for key in (k for k in dropped if k not in QUARTO_OPTIONS and k not in REFERENCE_MARKS):
        if key == WORD_STYLE:
            problems.warn(manuscript.path, source_line(manuscript, f"{key}="),
                          f"attribute '{key}' (the name of a Word style, as pandoc reads a "
                          ".docx) is left out: the words are kept and the handout's own styles "
                          "set how they look; for a box or a heading, write it as one",
                          code="attribute-left-out")
            continue
        problems.warn(manuscript.path, source_line(manuscript, f"{key}="),
                      f"attribute '{key}' is left out of the handout: pandoc would write it "
                      "into the web page and the EPUB, where no reader sees it (a handout keeps "
                      "lang, dir, width, height, style, title, role, aria-*, rel, audience and an "
                      "image's alt); "
                      "write a note to editors as an HTML comment", code="attribute-left-out")
    for name in classes:
        line = source_line(manuscript, f".{name}") or source_line(manuscript, name, "class")
        problems.warn(manuscript.path, line,
                      f"class '{name}' is left out: the handout's own parts wear it (its "
                      "approval banner, disclaimer, stamp), and the text must not look like "
                      "them; choose another name", code="attribute-left-out")
    return {**ast, "blocks": blocks}
