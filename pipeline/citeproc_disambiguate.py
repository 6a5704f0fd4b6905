"""CSL disambiguation for citeproc-py: added names, given names, year suffixes.

citeproc-py 0.11 prints two works whose citations read alike, such as two
papers by Smith in 2020, as the same "(Smith, 2020)".  CSL removes the
ambiguity in steps, each only where the style asks for it: more names
(``disambiguate-add-names``), given names or initials
(``disambiguate-add-givenname`` with its ``givenname-disambiguation-rule``),
``<if disambiguate="true">`` branches, and year suffixes "2020a", "2020b"
(``disambiguate-add-year-suffix``).  The decisions are stored on each
reference under private keys that the hooks in ``citeproc_patches`` read.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

NAMES = "_disambiguate_names"  # et-al-use-first for this reference's citations
GIVEN = "_disambiguate_given"  # 1: initials (or given names), 2: full given names
CONDITION = "_disambiguate_condition"  # <if disambiguate="true"> holds
YEAR_SUFFIX = "year_suffix"


def _option(citation: Any, name: str) -> bool:
    return str(citation.get_option(name)).lower() == "true"


def cite_text(bib: Any, key: str) -> str:
    """A reference's citation on its own, first cited, without locator: what readers tell apart."""
    from citeproc import Citation, CitationItem
    from citeproc.source import VariableError

    item = CitationItem(key)
    Citation([item]).bibliography = bib
    citation = bib.style.root.citation
    layout = citation.layout
    citation.cites = []
    layout.repressed = {}
    try:
        return str(layout.render_children(item))
    except VariableError:
        return ""


def _ambiguous(bib: Any, keys: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[cite_text(bib, key)].append(key)
    return [group for group in groups.values() if len(group) > 1]


def _names_count(bib: Any, key: str) -> int:
    reference = bib.source[key]
    return max((len(reference.get(v) or []) for v in ("author", "editor", "translator")
                if isinstance(reference.get(v), list)), default=0)


def _left(bib: Any, group: list[str]) -> int:
    return sum(len(g) for g in _ambiguous(bib, group))


def _try(bib: Any, group: list[str], field: str, values: list[Any]) -> None:
    """Set ``field`` to the first value that tells the group apart, or that helps most."""
    best_left, best = _left(bib, group), None
    for value in values:
        for key in group:
            bib.source[key][field] = value
        left = _left(bib, group)
        if left < best_left:
            best_left, best = left, value
        if left == 0:
            break
    for key in group:
        if best is None:
            bib.source[key].pop(field, None)
        else:
            bib.source[key][field] = best


def disambiguate(bib: Any) -> None:
    """Make the registered references' citations distinct, as far as the style allows."""
    citation = bib.style.root.citation
    if citation is None:
        return
    add_names = _option(citation, "disambiguate-add-names")
    add_given = _option(citation, "disambiguate-add-givenname")
    conditional = bool(citation.xpath_search(
        './/cs:if[@disambiguate="true"] | //cs:else-if[@disambiguate="true"]'))
    add_suffix = _option(citation, "disambiguate-add-year-suffix")
    if not (add_names or add_given or conditional or add_suffix):
        return  # the style asks for none of it
    keys = list(bib.keys)
    groups = _ambiguous(bib, keys)
    if not groups:
        return
    rule = str(citation.get_option("givenname-disambiguation-rule"))
    for group in groups:
        if add_names:
            most = max(_names_count(bib, key) for key in group)
            _try(bib, group, NAMES, list(range(1, most + 1)))
        if add_given:
            levels = [1] if rule.endswith("with-initials") else [1, 2]
            _try(bib, group, GIVEN, levels)
    remaining = _ambiguous(bib, keys)
    if conditional:
        for group in remaining:
            for key in group:
                bib.source[key][CONDITION] = True
        remaining = _ambiguous(bib, keys)
    if add_suffix:
        order = {key: i for i, key in enumerate(keys)}
        for group in remaining:
            for index, key in enumerate(sorted(group, key=order.__getitem__)):
                bib.source[key][YEAR_SUFFIX] = _suffix(index)


def _suffix(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: the year suffix of the index-th work."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
