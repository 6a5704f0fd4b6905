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
from .names import ADDED_NAMES, GIVEN, GIVEN_LEVELS
from .registry import patch
from .sorting import SORTING

NAMES = ADDED_NAMES
CONDITION = "_disambiguate_condition"  # <if disambiguate="true"> holds
YEAR_SUFFIX = "year_suffix"
COMPARING: list[bool] = []  # while citations are rendered to be compared


def _option(citation: Any, name: str) -> bool:
    return str(citation.get_option(name)).lower() == "true"


def cite_text(bib: Any, key: str) -> str:
    """A reference's citation on its own, without locator: what readers tell apart.

    As citeproc-js compares them, the form of a work cited again in a near note
    (``position="subsequent"``, ``et-al-subsequent-min``), not its first, full one.
    """
    from citeproc import Citation, CitationItem
    from citeproc.source import VariableError

    from .positions import POSITION

    item = CitationItem(key)
    item[POSITION] = {"subsequent", "near-note"}
    Citation([item]).bibliography = bib
    citation = bib.style.root.citation
    layout = citation.layout
    citation.cites = []
    layout.repressed = {}
    COMPARING.append(True)
    try:
        return str(layout.render_children(item))
    except VariableError:
        return ""
    finally:
        COMPARING.pop()


def _ambiguous(bib: Any, keys: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        groups[cite_text(bib, key)].append(key)
    return [group for group in groups.values() if len(group) > 1]


def _names_count(bib: Any, key: str) -> int:
    reference = bib.source[key]
    return max((len(reference.get(v) or []) for v in ("author", "editor", "translator")
                if isinstance(reference.get(v), list)), default=0)


def _collisions(texts: dict[str, str], group: list[str]) -> dict[str, int]:
    """For each key, how many other keys of the group print the same citation."""
    return {key: sum(texts[other] == texts[key] for other in group) - 1 for key in group}


def _add_names(bib: Any, group: list[str], with_given: bool) -> None:
    """Each reference shows the fewest names that tell it apart from the others.

    A reference that never becomes distinct keeps the fewest names with which
    it collides with as few others as it ever does (no names added in vain).
    Where given names may be added next, names count as distinct when their
    given names are.
    """
    most = max(_names_count(bib, key) for key in group)
    if not most:
        return
    given = {key: bib.source[key].get(GIVEN) for key in group}
    best: dict[str, tuple[int, int]] = {}  # key: (collisions, names)
    for count in range(1, most + 1):
        for key in group:
            bib.source[key][NAMES] = count
            if with_given:
                bib.source[key][GIVEN] = dict.fromkeys(range(most), 2)
        collisions = _collisions({k: cite_text(bib, k) for k in group}, group)
        for key, found in collisions.items():
            if key not in best or found < best[key][0]:
                best[key] = (found, count)
    for key in group:
        bib.source[key][NAMES] = best[key][1]
        if given[key] is None:
            bib.source[key].pop(GIVEN, None)
        else:
            bib.source[key][GIVEN] = given[key]


def _shown_names(bib: Any, key: str) -> int:
    reference = bib.source[key]
    names = next((reference.get(v) for v in ("author", "editor", "translator")
                  if isinstance(reference.get(v), list)), [])
    return len(names)


def _add_given_by_cite(bib: Any, group: list[str], top: int) -> None:
    """Given names (initials, then full) name by name, where they tell cites apart."""
    texts = {k: cite_text(bib, k) for k in group}
    left = sum(1 for n in _collisions(texts, group).values() if n)
    for index in range(max(_shown_names(bib, k) for k in group)):
        for level in range(1, top + 1):
            if not left:
                return
            before = {k: dict(bib.source[k].get(GIVEN) or {}) for k in group}
            for key in group:
                bib.source[key][GIVEN] = {**before[key], index: level}
            texts = {k: cite_text(bib, k) for k in group}
            now = sum(1 for n in _collisions(texts, group).values() if n)
            if now < left:
                left = now
            else:
                for key in group:
                    bib.source[key][GIVEN] = before[key]


def _add_given_globally(bib: Any, keys: list[str], primary: bool, top: int) -> None:
    """``all-names``/``primary-name``: a name shared by two people gets initials or given names."""
    people: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for key in keys:
        reference = bib.source[key]
        names = next((reference.get(v) for v in ("author", "editor", "translator")
                      if isinstance(reference.get(v), list)), [])
        for name in names[:1] if primary else names:
            if name.get("family") and name.get("given"):
                people[_family(name)][str(name.get("given"))].add(key)
    levels: dict[Any, int] = {}
    for family, givens in people.items():
        for given, cited_in in givens.items():
            # other people of that family name, in other references
            others = [g for g, where in givens.items()
                      if _plain(g) != _plain(given) and where - cited_in | cited_in - where]
            if not others:
                continue
            initials = _initials(given)
            if all(_initials(other) != initials for other in others):
                levels[(family, given)] = 1
            elif top == 2:
                levels[(family, given)] = 2
    GIVEN_LEVELS.clear()
    GIVEN_LEVELS.update(levels)
    GIVEN_LEVELS["primary"] = primary


def _family(name: Any) -> str:
    return " ".join(str(name.get(p)) for p in ("non-dropping-particle", "family") if name.get(p))


def _plain(given: str) -> str:
    return "".join(given.replace(".", " ").split())


def _initials(given: str) -> str:
    return "".join(word[:1] for word in given.replace("-", " ").replace(".", " ").split())


def disambiguate(bib: Any) -> None:
    """Make the registered references' citations distinct, as far as the style allows."""
    GIVEN_LEVELS.clear()
    citation = bib.style.root.citation
    if citation is None:
        return
    add_names = _option(citation, "disambiguate-add-names")
    add_given = _option(citation, "disambiguate-add-givenname")
    conditional = max((rank + 1 for _condition, rank in _conditions(citation)), default=0)
    add_suffix = _option(citation, "disambiguate-add-year-suffix")
    if not (add_names or add_given or conditional or add_suffix):
        return  # the style asks for none of it
    keys = list(bib.keys)
    rule = citation.get("givenname-disambiguation-rule") or "by-cite"  # CSL's default
    top = 1 if rule.endswith("with-initials") else 2
    if add_given and rule != "by-cite":
        _add_given_globally(bib, keys, rule.startswith("primary"), top)
    # A step that changed nothing leaves every citation as it was: the groups found
    # before it still hold, so they are not rendered again (most lists have none).
    remaining = _ambiguous(bib, keys)
    if remaining:
        for group in remaining:
            if add_names:
                _add_names(bib, group, add_given and rule == "by-cite")
            if add_given and rule == "by-cite":
                for still in _ambiguous(bib, group):
                    _add_given_by_cite(bib, still, top)
        remaining = _ambiguous(bib, keys)
    # citeproc-js tries year suffixes before disambiguate="true" branches, and suffixes
    # end it: a style with both never reaches the branches
    if conditional and remaining and not add_suffix:  # one more branch at a time
        for group in remaining:
            for level in range(1, conditional + 1):
                for key in group:
                    bib.source[key][CONDITION] = level
                group = [key for still in _ambiguous(bib, group) for key in still]
                if not group:
                    break
        remaining = _ambiguous(bib, keys)
    if add_suffix:
        order = {key: i for i, key in enumerate(keys)}
        for group in remaining:
            for index, key in enumerate(sorted(group, key=order.__getitem__)):
                bib.source[key][YEAR_SUFFIX] = _suffix(index)


_CONDITIONS: list[Any] = [None, []]  # the style last asked, and its conditions


def _conditions(element: Any) -> list[tuple[Any, int]]:
    """The style's ``disambiguate="true"`` conditions, each with its rank in its area.

    The rank counts the conditions written before it in the same citation,
    bibliography or macro: the n-th holds from the n-th step of disambiguation.
    """
    root = element.get_root()
    if _CONDITIONS[0] is not root:
        found = []
        for area in root.xpath_search("./cs:citation | ./cs:bibliography | ./cs:macro"):
            found.extend((condition, rank) for rank, condition in enumerate(area.xpath_search(
                './/cs:if[@disambiguate="true"] | .//cs:else-if[@disambiguate="true"]')))
        _CONDITIONS[:] = [root, found]
    return _CONDITIONS[1]


def _rank(element: Any) -> int:
    return next((rank for condition, rank in _conditions(element) if condition is element), 0)


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
    ``disambiguate="true"`` branches are tried one at a time, in the order
    written, each only for the citations still alike
    (disambiguate_IncrementalExtraText).
    As in citeproc-js, citations are compared in the form of a work cited again
    in a near note (``position="subsequent"``, ``et-al-subsequent-min``): a note
    style's short form, not its full first note (disambiguate_BasedOnEtAlSubsequent,
    disambiguate_BasedOnSubsequentFormWithBackref2); with year suffixes on,
    ``disambiguate="true"`` branches are never reached, suffixes coming first.
    The date a work was accessed is left out of the citations compared: two
    reads of one undated page are two works ('n.d.-a', 'n.d.-b'), as in
    citeproc-js (date_YearSuffixWithNoDate, date_YearSuffixImplicitWithNoDate).
    Fixtures: disambiguate_* (most), sort_ChicagoYearSuffix*, sort_AguStyle.
    """
    from citeproc import model


    original_name = model.Name.process

    def name_process(self: Any, item: Any, variable: str, context: Any = None,
                     sort_options: Any = None, **kwargs: Any) -> Any:
        if sort_options is None and SORTING:  # a macro of a sort key's macro: its options
            sort_options = SORTING[-1]
        reference = item.reference
        names, given = reference.get(NAMES), reference.get(GIVEN)
        if sort_options is None and (names or given or GIVEN_LEVELS) and (
                context if context is not None else self).xpath_search("./ancestor::cs:citation"):
            options: dict[str, Any] = {"_cite": True}  # given names: see names.render_names
            if names:
                use_first = self.get_option("et-al-use-first", context)
                options["et-al-use-first"] = str(max(int(use_first or 0), names))
            return original_name(self, item, variable, context, options, **kwargs)
        return original_name(self, item, variable, context, sort_options, **kwargs)

    original_date = model.Date.process

    def date_process(self: Any, item: Any, variable: Any = None, show_parts: Any = None,
                     context: Any = None, **kwargs: Any) -> Any:
        reference = item.reference
        suffix = reference.get(YEAR_SUFFIX)
        name = (variable or self.get("variable") or "").replace("-", "_")
        if COMPARING and name == "accessed":  # when it was read tells no two works apart
            from citeproc.source import VariableError

            raise VariableError(name)
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
        level = item.reference.get(CONDITION) or 0
        holds = level > _rank(self)
        wanted = self.get("disambiguate") == "true"
        others = {k: v for k, v in self.attrib.items() if k not in ("disambiguate", "match")}
        match = self.get("match", "all")
        if not others:  # match="none" negates the one test ('<if disambiguate="true" match="none"/>')
            if (holds == wanted) == (match == "none"):
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
        found = bool(root.xpath_search('//cs:text[@variable="year-suffix"]'
                                       ' | //cs:text[@variable="citation-label"]'))
    return found
