"""Narrative citations (``@smith2020 says``): the names in the sentence, the rest after them.

pandoc's author-in-text cite prints the work's names as the style's citation
layout prints them (citeproc's "author-only" form: the first ``<names>`` the
layout renders, with its substitute, disambiguation and et-al rules), then the
rest of the citation without them: "Smith & Jones (2020, p. 4)" in APA.
citeproc-py renders both (``pipeline/citeproc_fixes/cluster.py``); here pandoc's
cites become CSL cites, and a citation with several narrative cites is cut so
that each one's names stand before its own part.  For a style whose citation
layout prints no names (numeric and label styles) pandoc prints the number
alone, which leaves sentences such as "4 reviewed ..."; there the names are
written from the item: one family name, two joined by the locale's "and",
the first and "et al." for three or more.
"""

from __future__ import annotations

from typing import Any

from .citeproc_engine import html_to_marks
from .locators import parse_locator
from .model import CiteItem
from .tree import Node, stringify

NARRATIVE = "AuthorInText"
_MODES = {NARRATIVE: "author-in-text", "SuppressAuthor": "suppress-author"}


def is_narrative(cite: Node) -> bool:
    """Whether a pandoc citation is author-in-text (``@key``, not ``[@key]``)."""
    return bool(cite["citationMode"]["t"] == NARRATIVE)


def _suffix(text: str) -> str:
    """A cite's suffix as CSL appends it: ', for a review' as is, 'ff.' after a space."""
    if not text:
        return ""
    return text if text[0] in ",.;:" else " " + text


def cite_item(cite: Node, in_note: bool = False) -> CiteItem:
    """A pandoc citation as a CSL cite: prefix, locator (from the suffix) and mode.

    A narrative cite's prefix goes before its names, outside the citation.  A
    note style's narrative cite written in a footnote is the whole citation
    (names included) in the sentence, as pandoc prints it.
    """
    label, locator, rest = parse_locator(stringify(cite["citationSuffix"]))
    whole = in_note and is_narrative(cite)
    prefix = "" if is_narrative(cite) else stringify(cite["citationPrefix"]).strip()
    return CiteItem(key=cite["citationId"], locator=locator, label=label,
                    prefix=prefix + " " if prefix else "", suffix=_suffix(rest),
                    mode="normal" if whole else _MODES.get(cite["citationMode"]["t"], "normal"))


def parts(cites: list[Node]) -> list[list[Node]]:
    """A citation's cites in parts: each narrative cite starts one, the others follow."""
    out: list[list[Node]] = []
    for cite in cites:
        if out and not is_narrative(cite):
            out[-1].append(cite)
        else:
            out.append([cite])
    return out


def fallback_name(item: dict[str, Any], and_word: str, et_al: str) -> str:
    """The names of a CSL item for a style that prints none in its citations: 'Smith et al.'."""
    names = item.get("author") or item.get("editor") or []

    def one(name: dict[str, Any]) -> str:
        if "literal" in name:
            return str(name["literal"])
        particle = name.get("non-dropping-particle", "")
        return f"{particle} {name.get('family', '')}".strip()

    names = [n for n in names if n.get("literal") != "et al."]
    if not names:
        return html_to_marks(item.get("title", item.get("id", "")))
    if len(names) == 1:
        return one(names[0])
    if len(names) == 2:
        return f"{one(names[0])} {and_word} {one(names[1])}"
    return f"{one(names[0])} {et_al}"
