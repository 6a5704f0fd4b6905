"""Sorting: the locale's collation, and dates as sortable numbers."""

from __future__ import annotations

import functools
import re
from typing import Any

from .groups import GROUP_FRAMES
from .registry import patch

_MARKUP = re.compile("[\ue000-\uf8ff]")  # the engine's formatting marks
_COLLATORS: dict[str, Any] = {}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def collator(language: str) -> Any:
    """ICU's collator for a CSL locale ('sv-SE'), as citeproc-js configures its collator.

    Base strength: accents and case are ignored ('Östberg' sorts with O in
    English, after Z in Swedish, as the locale's tailoring says).
    """
    found = _COLLATORS.get(language)
    if found is None:
        import icu

        found = icu.Collator.createInstance(icu.Locale(language.replace("-", "_")))
        found.setStrength(icu.Collator.PRIMARY)
        _COLLATORS[language] = found
    return found


_RUNS = re.compile(r"\d+|[^\W\d_]+")


def collation_key(value: Any, language: str = "en-US") -> list[tuple[int, int, bytes]]:
    """A sort key comparing text word by word with the locale's collation.

    Punctuation and spacing only separate words ("O'Brien" before 'Okafor',
    '&' in a name list, 'Dale' before 'Dalebout'), and runs of digits compare
    as numbers ('Vol 9' before 'Vol 10'), as citeproc-js compares.
    """
    ordering = collator(language)
    return [(0, int(run), b"") if run.isdigit() else (1, 0, ordering.getSortKey(run))
            for run in _RUNS.findall(_MARKUP.sub("", str(value)))]


# inside a sort key: its name options (dates render as sortable numbers)
SORTING: list[dict[str, str]] = []


def key_name_options(key: Any) -> dict[str, str]:
    """The name options a ``<key>`` sets on every name it renders, as citeproc-py's own."""
    options = {"name-as-sort-order": "all"}
    for option in ("names-min", "names-use-first", "names-use-last"):
        if option in key.attrib:
            options[option.replace("names", "et-al")] = key.get(option)
    return options


def _date_sort_key(date: Any, shown: list[str]) -> str:
    """'0200011' style key of a date, with the parts the element does not show as zero."""
    from citeproc.source import LiteralDate

    if isinstance(date, LiteralDate):  # a literal date ("in press") sorts by its text
        return str(date.sort_key())
    try:
        year = date.year
    except Exception:  # noqa: BLE001 - citeproc-py raises its own VariableError
        return ""
    month = date.get("month", 0) if "month" in shown else 0
    day = date.get("day", 0) if "day" in shown else 0
    return f"{year + 10000:05}{month:02}{day:02}"


def _range_key(date: Any, shown: list[str]) -> str:
    """A date's or range's key: its start, then its end (zeros for a single date).

    One number of the same width for a date and a range, so a range sorts by its
    start among single dates rather than after all of them as text.
    """
    begin, end = date.get("begin", date), date.get("end")
    key = _date_sort_key(begin, shown)
    if not key.isdigit():
        return key
    rest = _date_sort_key(end, shown) if end is not None else ""
    return key + (rest if rest.isdigit() and len(rest) == len(key) else "0" * len(key))


def _whole_date_key(date: Any) -> str | None:
    """A ``<key variable="issued">``'s key: a range sorts by its start among single dates.

    citeproc-py gave a range a text key ('120171100-120171200'), which sorted after
    every single date's number: 'Novak 2017' (Nov.-Dec.) came after 'Abernethy 2020'.
    """
    if date is None:
        return None
    return _range_key(date, ["year", "month", "day"])


def _sort_value(value: Any, language: str) -> Any:
    try:
        return (0, int(str(value)), [])
    except ValueError:
        return (1, 0, collation_key(value, language))


@patch
def locale_collation_sort() -> None:
    """Sort keys compare by the locale's collation (ICU), not by code point.

    citeproc-py compares lower-cased strings code point by code point:
    'Håkansson' and 'Östberg' sorted after 'Zhou', 'Álvarez' last, and a title
    in quotes or brackets before every letter.  Empty keys still sort last,
    ascending or descending, as CSL asks.  A date inside a sort macro is its
    sortable number (year, month, day), as in citeproc-js, not its printed
    text ('44 BC' before '100 BC' in numeric order).  A names label ('ed.')
    is left out of the key (sort_DropNameLabelInSort, sort_SeparateAuthorsAndOthers),
    and so is a year suffix, which is given after the sort (Harvard's 'year-date' key
    keeps 'Smith 2021c, 2021b' in the order cited).  The key's name options
    (family name first, ``names-min``) reach the names of every macro its macro
    calls, as in citeproc-js: citeproc-py's ``<text macro>`` dropped them, so
    editors standing in for the author through their own macro sorted by given
    name (see ``disambiguation_hooks``, which hands them on).  A
    ``citation-number`` key of the reference list sorts by the order the works
    were first cited, as in citeproc-js (forum-qualitative-sozialforschung's
    works of one author and year, told apart by it before their titles).
    """
    from citeproc import model

    def sort(self: Any, items: list[Any], context: Any) -> list[Any]:
        language = next((str(loc.get(XML_LANG)) for loc in self.get_root().locales
                         if loc.get(XML_LANG)), "en-US")
        keys, descending = [], []
        for key in self.findall("cs:key", self.nsmap):
            descending.append(key.get("sort", "ascending").lower() == "descending")
            keys.append([None if k is None or str(k) == "" else _sort_value(k, language)
                         for k in key.sort_keys(items, context)])

        def compare(left: int, right: int) -> int:
            for values, desc in zip(keys, descending, strict=True):
                a, b = values[left], values[right]
                if a is None or b is None:
                    if a is None and b is None:
                        continue
                    return 1 if a is None else -1
                if a != b:
                    result = -1 if a < b else 1
                    return -result if desc else result
            return 0

        order = sorted(range(len(items)), key=functools.cmp_to_key(compare))
        return [items[i] for i in order]

    original_keys = model.Key.sort_keys
    original_date = model.Date.render

    def sort_keys(self: Any, items: list[Any], context: Any) -> list[Any]:
        variable = (self.get("variable") or "").replace("-", "_")
        if variable in ("accessed", "available_date", "event_date", "issued", "original_date",
                        "submitted"):
            return [_whole_date_key(item.reference.get(variable)) for item in items]
        if variable == "citation_number":  # a number by the order cited, as citeproc-py
            return [item.number for item in items]  # meant (it is in NUMBERS: variables.py)
        SORTING.append(key_name_options(self))
        try:
            return original_keys(self, items, context)
        finally:
            SORTING.pop()

    def date_render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        variable = self.get("variable")
        if not SORTING or not variable:
            return original_date(self, item, *args, **kwargs)
        date = item.reference.get(variable.replace("-", "_"))
        if GROUP_FRAMES:  # the group around it sees a variable called
            if date is None:
                GROUP_FRAMES[-1].attempt = True
            else:
                GROUP_FRAMES[-1].success = True
        if date is None:
            return None
        children = [part.get("name") for part in self.iterchildren() if part.get("name")]
        shown = (self.get("date-parts") or "-".join(children) or "year-month-day").split("-")
        if self.get("form") is None and not children:
            shown = []
        return _range_key(date, shown)

    original_text = model.Text.render

    def text_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        if SORTING and self.get("variable") == "year-suffix":
            return None  # given after sorting: no part of a key, as in citeproc-js
        return original_text(self, *args, **kwargs)

    original_label = model.Label.render

    def label_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        if SORTING and self.getparent().tag.endswith("}names"):
            return None  # a name's role is no part of its sort key
        return original_label(self, *args, **kwargs)

    model.Sort.sort = sort
    model.Key.sort_keys = sort_keys
    model.Date.render = date_render
    model.Label.render = label_render
    model.Text.render = text_render
