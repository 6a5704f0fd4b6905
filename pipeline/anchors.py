"""Links inside a handout (``[the doses](#doses)``): each leads to an identifier the edition has.

A link to an identifier no element has goes nowhere, and an EPUB holding one
fails EPUBCheck (RSC-012).  Authors often write the identifier GitHub gives a
heading (``#fsaccesspath-mode-callback`` for ``fs.access(path[, mode],
callback)``), where pandoc's differs (``fs.accesspath-mode-callback``): such a
link is pointed at its heading.  Any other is shown as plain text with a
warning at its line, which says so when the identifier is in another edition.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .blocks import RAW_ID, RESERVED_IDS, RESERVED_PATTERN, attr_of
from .body import source_line
from .errors import Problems
from .links import LINKS_AND_RAW, RAW_HREF
from .model import Manuscript
from .tree import Node, rewrite, stringify, walk


def _raw_html(node: Node) -> bool:
    return node["t"] in ("RawInline", "RawBlock") and node["c"][0].lower().startswith("html")


def identifiers(blocks: list[Node]) -> set[str]:
    """Every identifier of ``blocks``: elements' attributes and raw HTML's ``id``."""
    return _identifiers(blocks)[0]


def _identifiers(blocks: list[Node]) -> tuple[set[str], list[Node]]:
    """``identifiers(blocks)`` and the headings of ``blocks`` that have one, in one walk."""
    found: set[str] = set()
    headings: list[Node] = []
    for node in walk(blocks):
        if (attr := attr_of(node)) and attr[0]:
            found.add(attr[0])
            if node["t"] == "Header":
                headings.append(node)
        elif _raw_html(node):
            found.update(html.unescape(m.group(2)) for m in RAW_ID.finditer(node["c"][1]))
    return found, headings


def github_id(text: str) -> str:
    """The identifier GitHub gives a heading of ``text``."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def internal_links(manuscript: Manuscript, blocks: list[Node], whole: list[Node],
                   audience: str, problems: Problems, warned: set[str]) -> list[Node]:
    """``blocks`` (one edition) with each internal link leading to an identifier it has.

    ``whole`` is the body of every edition, to tell an identifier another
    edition has; ``warned`` holds the targets already reported.
    """
    # gathered when a link first needs them: most editions have no internal link
    known: set[str] = set()
    headings: list[Node] = []
    github: dict[str, str] = {}

    def target(fragment: str) -> str | None:
        """The identifier a ``#fragment`` link leads to; None when there is none."""
        if not known:
            found, heads = _identifiers(blocks)
            known.update(found | RESERVED_IDS)
            headings.extend(heads)
        if fragment in known or RESERVED_PATTERN.match(fragment):
            return fragment
        if not github:
            for node in headings:
                github.setdefault(github_id(stringify(node["c"][2])), node["c"][1][0])
        return github.get(fragment) or github.get(github_id(fragment))

    def report(fragment: str) -> None:
        if fragment in warned:
            return
        warned.add(fragment)
        line = source_line(manuscript, f"(#{fragment}") or source_line(manuscript, f"#{fragment}")
        where = (f"is not in the {audience} edition" if fragment in identifiers(whole)
                 else "is no heading or element of the handout")
        problems.warn(manuscript.path, line, f"link '#{fragment}' goes nowhere: '{fragment}' "
                      f"{where}; the link is shown as plain text (give its target "
                      f"{{#{fragment}}})", code="internal-link")

    def raw_href(match: re.Match[str]) -> str:
        href = html.unescape(match.group(2))
        if not href.startswith("#") or len(href) == 1:
            return match.group(0)
        found = target(href[1:])
        if found is None:
            report(href[1:])
            return match.group(1) + match.group(3)
        return match.group(1) + f' href="#{html.escape(found)}"' + match.group(3)

    def fix(node: Node) -> Any:
        if node["t"] == "Link" and node["c"][2][0].startswith("#") and len(node["c"][2][0]) > 1:
            fragment = node["c"][2][0][1:]
            found = target(fragment)
            if found == fragment:
                return None
            inner = rewrite(node["c"][1], fix, LINKS_AND_RAW)
            if found is None:
                report(fragment)
                return {"t": "Span", "c": [node["c"][0], inner]}
            return {"t": "Link", "c": [node["c"][0], inner, [f"#{found}", node["c"][2][1]]]}
        if _raw_html(node):
            text = RAW_HREF.sub(raw_href, node["c"][1])
            return None if text == node["c"][1] else {"t": node["t"], "c": [node["c"][0], text]}
        return None

    return rewrite(blocks, fix, LINKS_AND_RAW)  # blocks fresh from unique_ids: shared
