"""reStructuredText's roles, as ``pandoc -t markdown`` writes them from a ``.rst`` file.

pandoc keeps a role it does not read as inline code with its name
(```dosing`{.interpreted-text role="ref"}``), which would print a label or a
Sphinx target as code.  Here:

- ``ref`` and ``numref`` to a heading, figure or table of the handout are links to it,
  their words the role's title (``Dosing <dosing>``) or the label's; to anything else, the
  words alone, with a warning at their line;
- ``abbr`` (``PRP (platelet-rich plasma)``) and ``term`` are their words;
- roles that mark code (``code``, ``file``, ``kbd``, ``samp``, ``command``, ...) stay code;
- ``cite`` (``cite:p``, ``cite:t``, ``footcite``: sphinxcontrib-bibtex's) cites its keys, as
  ``[@a; @b]`` (``cite:t`` as the narrative ``@a``);
- ``doc`` (a link to another page, also MyST's ``{doc}``) is its title, or its target, as
  text: a handout stands alone; a warning at its line says so;
- any other (a project's own) is its words, with a warning at its line.
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
# sphinxcontrib-bibtex's roles (as MyST's {cite}, see mystmarkup.py): how each cites
CITE_ROLES = {"cite": "NormalCitation", "cite:p": "NormalCitation",
              "cite:ps": "NormalCitation", "footcite": "NormalCitation",
              "cite:t": "AuthorInText", "cite:ts": "AuthorInText",
              "cite:year": "SuppressAuthor", "cite:yearpar": "SuppressAuthor"}
TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)


def _citation(text: str, mode: str) -> Node:
    """``:cite:`a,b``` as pandoc's ``[@a; @b]`` reads."""
    keys = [key.strip() for key in text.split(",") if key.strip()]
    written = "; ".join(("-@" if mode == "SuppressAuthor" else "@") + key for key in keys)
    return {"t": "Cite", "c": [
        [{"citationId": key, "citationPrefix": [], "citationSuffix": [],
          "citationMode": {"t": mode}, "citationNoteNum": 0, "citationHash": 0}
         for key in keys],
        str_inlines(written if mode == "AuthorInText" else f"[{written}]")]}


def read_roles(manuscript: Manuscript, blocks: list[Node], problems: Problems) -> list[Node]:
    """``blocks`` with each role pandoc kept as code read (see the module)."""
    if "interpreted-text" not in manuscript.body and "{doc}`" not in manuscript.body:
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
        if role in CITE_ROLES:
            return _citation(text, CITE_ROLES[role])
        titled = TITLED.match(text)
        words, target = (titled.group(1), titled.group(2)) if titled else (text, text)
        if role in ("ref", "numref") and target in ids:
            return {"t": "Link", "c": [["", [], []], str_inlines(words), ["#" + target, ""]]}
        if role not in ("abbr", "term"):
            seen[text] = seen.get(text, 0) + 1
            line = nth_line_containing(manuscript, f"`{text}`{{.interpreted-text", seen[text]) \
                or nth_line_containing(manuscript, f"{{doc}}`{text}`", seen[text])
            said = ("it names nothing in the handout" if role in ("ref", "numref")
                    else "it links to another page of the project, which a handout (a file "
                    "that stands alone) cannot" if role == "doc"
                    else "the handout does not read that role")
            problems.warn(manuscript.path, line,
                          f"'{text}' is a reStructuredText :{role}: role: {said}, so its "
                          "words are shown as text", code="rst-role")
        return str_inlines(words)

    return rewrite(blocks, read, ("Code",))
