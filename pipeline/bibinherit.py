"""biblatex's inheritance: the fields ``crossref`` and ``xdata`` parents pass on.

Resolved across all of a manuscript's files, whether or not the parent is
cited, with biblatex's default rules (``\\DefaultInheritance``: a book's title
becomes an inbook's booktitle, an mvbook's its maintitle, ...).  A missing
parent or a loop is a warning at the link's line; nothing more is inherited.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from .bibtex_tex import plain_text
from .errors import Problems

if TYPE_CHECKING:
    from .bibtex import BibEntry

# Fields a crossref parent never passes on (biblatex's \DefaultInheritance exclusions).
NOT_INHERITED = frozenset({"ids", "crossref", "xref", "xdata", "entryset", "entrysubtype",
                           "execute", "label", "options", "presort", "related",
                           "relatedoptions", "relatedstring", "relatedtype", "shorthand",
                           "shorthandintro", "sortkey", "category"})
_TITLES = {"title": "title", "subtitle": "subtitle", "titleaddon": "titleaddon",
           "shorttitle": None, "sorttitle": None, "indextitle": None, "indexsorttitle": None}


def used_keys(by_key: dict[str, BibEntry], cited: Collection[str]) -> set[str]:
    """The keys a manuscript uses: those cited, their parents and their sets' members."""
    used: set[str] = set(cited)  # a cited key without an entry may name a broken one
    todo = [k for k in cited if k in by_key]
    while todo:
        entry = by_key[todo.pop()]
        if entry.item:
            continue
        for _link, target, _line in links_of(entry, LINKS + ("entryset", "xref")):
            if target not in used:
                used.add(target)
                if target in by_key:
                    todo.append(target)
    return used


LINKS = ("crossref", "xdata")


def links_of(entry: BibEntry, names: tuple[str, ...] = LINKS) -> list[tuple[str, str, int]]:
    """(field, target key, line) of each key ``entry``'s ``names`` fields link to."""
    out = []
    for (name, value), line in zip(entry.fields, entry.field_lines or
                                   (entry.line,) * len(entry.fields), strict=True):
        if name in names:
            for target in re.split(r"[\s,]+", plain_text(value)):
                if target:
                    out.append((name, target, line))
    return out


def inherit(entry: BibEntry, by_key: dict[str, BibEntry], problems: Problems,
             chain: tuple[str, ...]) -> BibEntry:
    """``entry`` with the fields its crossref and xdata parents pass on (biblatex's rules)."""
    fields = list(entry.fields)
    lines = list(entry.field_lines or (entry.line,) * len(entry.fields))
    have = {name for name, _ in fields}
    parents = []
    for link, target, line in links_of(entry):
        parent = by_key.get(target)
        if parent is None or parent.item:
            problems.warn(entry.path, line, f"entry '{entry.key}': {link} '{target}' has no "
                          "entry in the bibliography; nothing is inherited",
                          code="bibtex-crossref")
            continue
        if target in chain or target == entry.key:
            loop = " -> ".join(chain + (entry.key, target))
            problems.warn(entry.path, line, f"entry '{entry.key}': {link} '{target}' makes a "
                          f"loop ({loop}); nothing more is inherited", code="bibtex-crossref")
            continue
        if link == "xdata" and parent.type != "xdata":
            problems.warn(entry.path, line, f"entry '{entry.key}': xdata '{target}' is a "
                          f"@{parent.written_type}, not an @xdata entry; its fields are used",
                          code="bibtex-crossref")
        if links_of(parent):
            parent = inherit(parent, by_key, problems, chain + (entry.key,))
        parents.append(target)
        for (name, value), pline in zip(parent.fields, parent.field_lines or
                                        (parent.line,) * len(parent.fields), strict=True):
            for target_name in _inherited_names(link, parent.type, entry.type, name):
                if target_name not in have:
                    have.add(target_name)
                    fields.append((target_name, value))
                    lines.append(pline)
    return replace(entry, fields=tuple(fields), field_lines=tuple(lines),
                   inherited_from=tuple(parents))


def _inherited_names(link: str, source: str, target: str, name: str) -> list[str]:
    """The child fields a parent's field fills (biblatex's default inheritance)."""
    if link == "xdata":
        return [] if name in ("ids", "crossref", "xref", "xdata") else [name]
    if name in NOT_INHERITED:
        return []
    books = ("inbook", "bookinbook", "suppbook")
    if name == "author" and ((source in ("mvbook", "book") and target in books)
                             or (source == "mvbook" and target == "book")):
        return ["bookauthor", "author"]
    if source == "mvbook" and target in ("book",) + books \
            or source in ("mvcollection", "mvreference") and target in (
                "collection", "reference", "incollection", "inreference", "suppcollection") \
            or source == "mvproceedings" and target in ("proceedings", "inproceedings"):
        return _retitled(name, "main")
    if source == "book" and target in books \
            or source in ("collection", "reference") and target in (
                "incollection", "inreference", "suppcollection") \
            or source == "proceedings" and target == "inproceedings":
        return _retitled(name, "book")
    if source == "periodical" and target in ("article", "suppperiodical"):
        if name in ("title", "subtitle"):
            return ["journal" + name]
        if name in _TITLES:
            return []
    return [name]


def _retitled(name: str, prefix: str) -> list[str]:
    if name in _TITLES:
        return [prefix + name] if _TITLES[name] else []
    return [name]
