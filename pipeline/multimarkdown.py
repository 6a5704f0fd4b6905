"""MultiMarkdown's citations (Scrivener, MultiMarkdown Composer) written as pandoc's.

``[#key]`` cites ``key`` as ``[@key]`` does, and ``[p. 3][#key]`` as ``[@key, p. 3]``
does, so the entry is numbered and listed by the manuscript's style (a key with no
entry is then an error at its line, as any citation's is).  A label that a line of the
text defines (``[#key]: address``) stays the link it is; fenced code and inline code
keep these as written.
"""

from __future__ import annotations

import re

from .obsidian import BARRIER, _masked

KEY = r"\w(?:[\w:./+-]*\w)?"
CITATION = re.compile(rf"(?<![\]\\!])(?:\[([^\[\]\n]+)\])?\[#({KEY})\](?![(\[:])")
DEFINED = re.compile(rf"^ {{0,3}}\[#({KEY})\]:", re.MULTILINE)


def as_citations(text: str) -> str:
    """``text`` with MultiMarkdown's citations written as pandoc's, outside code."""
    if "[#" not in text:
        return text
    masked = _masked(text)
    defined = set(DEFINED.findall(masked))
    out: list[str] = []
    last = 0
    for match in CITATION.finditer(masked):
        locator, key = match.groups()
        if key in defined or BARRIER in match.group(0):
            continue
        written = text[match.start(1):match.end(1)] if locator else ""
        out += [text[last:match.start()], f"[@{key}, {written}]" if locator else f"[@{key}]"]
        last = match.end()
    return "".join(out) + text[last:] if out else text
