"""reStructuredText's roles, as ``pandoc -t markdown`` writes them from a ``.rst`` file.

pandoc keeps a role it does not read as inline code with its name
(```dosing`{.interpreted-text role="ref"}``), which would print a label or a
Sphinx target as code.  Here:

- ``ref`` and ``numref`` to a heading, figure or table of the handout are links to it,
  their words the role's title (``Dosing <dosing>``) or the label's; to anything else, the
  words alone, with a warning at their line;
- ``abbr`` (``PRP (platelet-rich plasma)``) and ``term`` are their words;
- roles that mark code (``code``, ``file``, ``kbd``, ``samp``, ``command``, ...) stay code;
- any other (``doc``, ``cite``, a project's own) is its words, with a warning at its line.
"""

from __future__ import annotations

import re
from typing import Any

from .crossrefs import target_ids
from .errors import Problems
from .model import Manuscript
from .source_lines import nth_line_containing
from .tree import Node, rewrite, str_inlines

CODE_ROLES = frozenset(("code", "literal", "file", "kbd", "samp", "command", "program",
                        "envvar", "option", "makevar", "mailheader", "regexp", "guilabel",
                        "menuselection", "dfn"))
TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)


def read_roles(manuscript: Manuscript, blocks: list[Node], problems: Problems) -> list[Node]:
    """``blocks`` with each role pandoc kept as code read (see the module)."""
    if "interpreted-text" not in manuscript.body:
        return blocks
    ids = target_ids(blocks)
    seen: dict[str, int] = {}

    def read(node: Node) -> Any:
        (_ident, classes, attrs), text = node["c"]
        role = next((v for k, v in attrs if k == "role"), None)
        if "interpreted-text" not in classes or role is None:
            return None
        if role in CODE_ROLES:
            return {"t": "Code", "c": [["", [], []], text]}
        titled = TITLED.match(text)
        words, target = (titled.group(1), titled.group(2)) if titled else (text, text)
        if role in ("ref", "numref") and target in ids:
            return {"t": "Link", "c": [["", [], []], str_inlines(words), ["#" + target, ""]]}
        if role not in ("abbr", "term"):
            seen[text] = seen.get(text, 0) + 1
            line = nth_line_containing(manuscript, f"`{text}`{{.interpreted-text", seen[text])
            said = ("it names nothing in the handout" if role in ("ref", "numref")
                    else "the handout does not read that role")
            problems.warn(manuscript.path, line,
                          f"'{text}' is a reStructuredText :{role}: role: {said}, so its "
                          "words are shown as text", code="rst-role")
        return str_inlines(words)

    return rewrite(blocks, read, ("Code",))
