"""Entries a manuscript's citations bring in as biblatex does: @set members, mincrossrefs.

- A citation of a ``@set`` entry (``entryset = {a, b, c}``) cites its members
  in that order, the prefix before the first and the suffix after the last.
  CSL has no sets, so each member is its own entry in the reference list
  (biblatex prints them as one entry under one number).
- ``mincrossrefs``: a ``crossref`` (or ``xref``) parent that is not cited is
  still listed when at least :data:`MINCROSSREFS` cited entries name it, as
  biblatex does with its default of 2; below that its fields only fill its
  children.
- ``ids = {old-key, other}``: biber's other keys of an entry; citing one cites
  the entry (a key of its own entry wins).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .bibtex import BibEntry
from .bibtex_tex import plain_text
from .errors import Problems
from .tree import transform

# biblatex's default for both mincrossrefs and minxrefs.
MINCROSSREFS = 2


def set_members(entry: BibEntry) -> list[str]:
    """The keys of a @set entry's members, in order; empty for any other entry."""
    if entry.type != "set" or entry.item:
        return []
    return [k for k in re.split(r"[\s,]+", plain_text(entry.field("entryset") or "")) if k]


def cite_set_members(ast: Mapping[str, Any], entries: Mapping[str, BibEntry],
                     cited: list[str], problems: Problems) -> dict[str, Any]:
    """The AST with each citation of a @set entry made a citation of its members."""
    sets = {}
    for key in cited:
        entry = entries.get(key)
        members = set_members(entry) if entry else []
        for member in members:
            if member not in entries:
                problems.warn(entry.path, entry.line, f"entry '{key}': entryset member "
                              f"'{member}' has no entry in the bibliography; it is left out",
                              code="bibtex-set")
        if members:
            sets[key] = [m for m in members if m in entries and not set_members(entries[m])]
    if not sets:
        return dict(ast)

    def expand(node: dict[str, Any]) -> dict[str, Any] | None:
        if node["t"] != "Cite" or not any(c["citationId"] in sets for c in node["c"][0]):
            return None
        cites = []
        for cite in node["c"][0]:
            members = sets.get(cite["citationId"])
            if not members:
                cites.append(cite)
                continue
            for i, key in enumerate(members):
                cites.append({**cite, "citationId": key,
                              "citationPrefix": cite["citationPrefix"] if i == 0 else [],
                              "citationSuffix": cite["citationSuffix"]
                              if i == len(members) - 1 else []})
        return {"t": "Cite", "c": [cites, node["c"][1]]}

    return {**ast, "blocks": transform(list(ast["blocks"]), expand)}


def alias_keys(entries: Mapping[str, BibEntry], cited: list[str]) -> dict[str, str]:
    """Each cited key that is no entry's key but another key (``ids``) of one: alias -> key."""
    wanted = {k for k in cited if k not in entries}
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for key, entry in entries.items():
        for alias in re.split(r"[\s,]+", plain_text(entry.field("ids") or "")):
            if alias in wanted:
                found.setdefault(alias, key)
    return found


def cite_aliases(ast: Mapping[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """The AST with each citation of another key (``ids``) made a citation of its entry."""
    if not aliases:
        return dict(ast)

    def rename(node: dict[str, Any]) -> dict[str, Any] | None:
        if node["t"] != "Cite" or not any(c["citationId"] in aliases for c in node["c"][0]):
            return None
        return {"t": "Cite", "c": [[{**c, "citationId": aliases.get(c["citationId"],
                                                                    c["citationId"])}
                                    for c in node["c"][0]], node["c"][1]]}

    return {**ast, "blocks": transform(list(ast["blocks"]), rename)}


def crossref_parents(entries: Mapping[str, BibEntry], cited: list[str],
                     minimum: int = MINCROSSREFS) -> list[str]:
    """Uncited parents that at least ``minimum`` cited entries name in crossref or xref."""
    children: dict[str, set[str]] = {}
    for key in cited:
        entry = entries.get(key)
        if entry is None or entry.item:
            continue
        for name in ("crossref", "xref"):  # never inherited: always the entry's own
            target = plain_text(entry.field(name) or "")
            if target:
                children.setdefault(target, set()).add(key)
    return [parent for parent, kids in children.items()
            if len(kids) >= minimum and parent not in cited and parent in entries]
