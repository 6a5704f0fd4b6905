"""CSL disambiguation for citeproc-py: added names, given names, year suffixes.

citeproc-py 0.11 prints two works whose citations read alike, such as two
papers by Smith in 2020, as the same "(Smith, 2020)".  CSL removes the
ambiguity in steps, each only where the style asks for it: more names
(``disambiguate-add-names``), given names or initials
(``disambiguate-add-givenname`` with its ``givenname-disambiguation-rule``),
``<if disambiguate="true">`` branches, and year suffixes "2020a", "2020b"
(``disambiguate-add-year-suffix``).  The decisions are stored on each
reference under private keys that the hooks below read.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .cluster import RENDERING
from .registry import patch

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


# -- disambiguation ------------------------------------------------------------


@patch
def disambiguation_hooks() -> None:
    """Names, given names, ``disambiguate="true"`` and year suffixes as decided per reference.

    citeproc-py has no disambiguation (its ``<if disambiguate>`` is a TODO that
    always holds).  :func:`disambiguate` decides, per
    reference, how many names a citation shows, whether given names or initials
    join them, whether ``disambiguate="true"`` holds, and the year suffix; these
    hooks print what it decided.  Without an explicit ``year-suffix`` variable
    in the style, the suffix follows the first year printed, as CSL says.
    Fixtures: disambiguate_* (most), sort_ChicagoYearSuffix*, sort_AguStyle.
    """
    from citeproc import model


    original_name = model.Name.process

    def name_process(self: Any, item: Any, variable: str, context: Any = None,
                     sort_options: Any = None, **kwargs: Any) -> Any:
        reference = item.reference
        names, given = reference.get(NAMES), reference.get(GIVEN)
        if sort_options is None and (names or given) and (context if context is not None
                                                          else self).xpath_search(
                "./ancestor::cs:citation"):
            options: dict[str, Any] = {}
            if names:
                use_first = self.get_option("et-al-use-first", context)
                options["et-al-use-first"] = str(max(int(use_first or 0), names))
            if given:
                options["form"] = "long"
                if given > 1:
                    options["initialize-with"] = None
            return original_name(self, item, variable, context, options, **kwargs)
        return original_name(self, item, variable, context, sort_options, **kwargs)

    original_date = model.Date.process

    def date_process(self: Any, item: Any, variable: Any = None, show_parts: Any = None,
                     context: Any = None, **kwargs: Any) -> Any:
        reference = item.reference
        suffix = reference.get(YEAR_SUFFIX)
        name = (variable or self.get("variable") or "").replace("-", "_")
        if not suffix or not self.is_locale_date() and self.get("form") is not None \
                or _explicit_year_suffix(context if context is not None else self):
            # (a localized date's own root is the locale: ask the calling style element)
            return original_date(self, item, variable, show_parts, context, **kwargs)
        date = reference.get(name)
        if date is None or RENDERING["year_suffix_done"]:
            return original_date(self, item, variable, show_parts, context, **kwargs)
        target = date.get("end", date) if isinstance(date, dict) else None
        if target is None or not hasattr(target, "get"):
            return original_date(self, item, variable, show_parts, context, **kwargs)
        target["_year_suffix"] = suffix
        try:
            text = original_date(self, item, variable, show_parts, context, **kwargs)
        finally:
            del target["_year_suffix"]
        if text is not None and suffix in str(text):
            RENDERING["year_suffix_done"] = True
        return text

    def render_bibliography(self: Any, citation_items: Any) -> list[Any]:
        output = []
        for item in citation_items:
            self.repressed = {}
            RENDERING["year_suffix_done"] = False
            text = self.format(self.wrap(self.render_children(item)))
            output.append("" if text is None else text)  # one per item, in order
        return output

    original_part = model.Date_Part.process

    def part_process(self: Any, date: Any, context: Any = None) -> Any:
        text = original_part(self, date, context)
        if self.get("name") == "year" and text is not None and hasattr(date, "get") \
                and date.get("_year_suffix"):
            text = str(text) + date["_year_suffix"]
        return text

    original_if = model.If.render

    def if_render(self: Any, item: Any, context: Any = None, delimiter: str = "",
                  **kwargs: Any) -> Any:
        if "disambiguate" not in self.attrib:
            return original_if(self, item, context, delimiter, **kwargs)
        holds = bool(item.reference.get(CONDITION))
        wanted = self.get("disambiguate") == "true"
        others = {k: v for k, v in self.attrib.items() if k not in ("disambiguate", "match")}
        match = self.get("match", "all")
        if not others:
            if holds != wanted:
                raise model.ConditionFailed
            return self.render_children(item, context=context, delimiter=delimiter, **kwargs)
        attribute = self.attrib.pop("disambiguate")
        try:
            if match == "any" and holds == wanted:
                return self.render_children(item, context=context, delimiter=delimiter,
                                            **kwargs)
            if match == "all" and holds != wanted or match == "none" and holds == wanted:
                raise model.ConditionFailed
            return original_if(self, item, context, delimiter, **kwargs)
        finally:
            self.set("disambiguate", attribute)

    model.Name.process = name_process
    model.Date.process = date_process
    model.Date_Part.process = part_process
    model.Layout.render_bibliography = render_bibliography
    model.If.render = if_render


def _explicit_year_suffix(element: Any) -> bool:
    root = element.get_root()
    found = getattr(root, "_explicit_year_suffix", None)
    if found is None:
        found = bool(root.xpath_search('//cs:text[@variable="year-suffix"]'))
    return found
