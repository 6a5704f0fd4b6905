"""Dates: localized formats with their locale's delimiter, ranges, seasons."""

from __future__ import annotations

from typing import Any

from .registry import patch


@patch
def localized_date_delimiter() -> None:
    """A localized date (``form="text"``) is joined with its locale definition's delimiter.

    citeproc-py joins the parts with the calling ``<date>``'s delimiter, which
    has none, so NLM's ``<date delimiter=" " form="text">`` prints '2018Mar'
    for '2018 Mar'.  The calling element still supplies the affixes.
    """
    from citeproc import model

    def render_single_date(self: Any, date: Any, show_parts: Any = None,
                           context: Any = None) -> Any:
        parts = self.parts(date, show_parts, context) if context is not self \
            else self.parts(date, show_parts)
        return self.join(parts) if parts else None

    model.Date.render_single_date = render_single_date


EN_DASH = "\u2013"
_GRAIN = ("year", "month", "day")
# the parts printed twice when a range's ends differ in the year, the month or the day
_DIFFERING = {"year": {"year", "month", "day"}, "month": {"month", "day"}, "day": {"day"}}


def _value(date: Any, name: str) -> Any:
    if name == "month":
        return date.get("month", date.get("season"))
    return date.get(name)


def _render_part(part: Any, date: Any, context: Any) -> list[str] | None:
    """One date-part as [prefix, formatted text, suffix]."""
    from citeproc.source import VariableError

    try:
        text = part.process(date, context)
    except (VariableError, AttributeError, TypeError):
        return None
    if text is None or str(text) == "":
        return None
    text = part.format(part.case(part.strip_periods(str(text))))
    return [part.get("prefix", ""), str(text), part.get("suffix", "")]


def _rendered(parts: list[Any], date: Any, context: Any) -> list[list[str]]:
    return [r for r in (_render_part(p, date, context) for p in parts) if r is not None]


def render_range(element: Any, date_range: Any, show_parts: Any, context: Any) -> Any:
    """A date range as CSL prints it: shared parts once, the differing ones on either side.

    The range delimiter is that of the largest differing part (``range-delimiter``,
    an en dash by default): '2–4 January 1999', 'January–March 1999', '2017 Feb–Mar',
    'December 3, 2016–March 9, 2017'.  A range whose shown parts are equal prints
    once, and one open at its end is '1987–'.
    """
    wanted = list(show_parts or _GRAIN)
    parts = [p for p in element.iterchildren() if p.get("name") in wanted]
    begin, end = date_range.begin, date_range.end
    if end.is_nil():
        text = element.render_single_date(begin, wanted, context)
        return None if text is None else str(text) + EN_DASH
    names = [p.get("name") for p in parts]
    differing = next((g for g in _GRAIN if g in names and _value(begin, g) != _value(end, g)),
                     None)
    if differing is None:
        return element.render_single_date(begin, wanted, context)
    inside = [i for i, name in enumerate(names) if name in _DIFFERING[differing]]
    low, high = inside[0], inside[-1]
    first = _rendered(parts[low:high + 1], begin, context)
    last = _rendered(parts[low:high + 1], end, context)
    if first:  # the two ends meet at the range delimiter, without affixes
        first[-1][2] = ""
    if last:
        last[0][0] = ""
    delimiter = parts[names.index(differing)].get("range-delimiter", EN_DASH)
    join = element.join
    middle = (str(join(["".join(r) for r in first])) + delimiter
              + str(join(["".join(r) for r in last])))
    pieces = (["".join(r) for r in _rendered(parts[:low], end, context)] + [middle]
              + ["".join(r) for r in _rendered(parts[high + 1:], end, context)])
    return join(pieces)


@patch
def date_range_in_the_parts_shown() -> None:
    """Date ranges print the parts their ends share once, and never lose a part.

    CSL (Specification, "Date Ranges") collapses the parts a range's two ends
    share.  citeproc-py takes the shared year away from the parts to print and,
    when nothing else is shown (a year-only date of a 2017-02/2017-03 range, as
    AMA and APA print an article's date), prints nothing at all; it puts the
    shared parts after the range whatever the date's order ('Feb–Mar2017' in
    NLM for '2017 Feb–Mar'), keeps the first end's affixes ('3,–9, February
    2017'), ignores ``range-delimiter``, and removes the parts from the list it
    was given.  Fixtures: date_RangeDelimiter, date_SeasonRange*,
    date_TextFormYeardateYearRangeOpen.
    """
    from citeproc import model

    def render_date_range(self: Any, date_range: Any, show_parts: Any = None,
                          context: Any = None) -> Any:
        return render_range(self, date_range, show_parts, context)

    model.Date.render_date_range = render_date_range


@patch
def seasons_given_as_months() -> None:
    """A month of 21-24 (CSL-JSON's seasons, see ``citeproc_input``) prints the season's term.

    citeproc-py looks up a term 'month-21' that no locale has.  Fixtures:
    date_SeasonRange*, date_VariousInvalidDates.
    """
    from citeproc import model

    from ..citeproc_input import SEASON_BASE

    original = model.Date_Part.process

    def process(self: Any, date: Any, context: Any = None) -> Any:
        month = date.get("month") if hasattr(date, "get") else None
        if self.get("name") != "month" or not isinstance(month, int) or month <= SEASON_BASE:
            return original(self, date, context)
        scope = context if context is not None else self
        override = scope.xpath_search('./cs:date-part[@name="month"]') if scope is not self \
            else []
        if override:  # the calling <date>'s attributes for its month, as citeproc-py merges them
            self.attrib.update(dict(override[0].attrib))
        term = scope.get_single_term(name=f"season-{month - SEASON_BASE:02}")
        return None if term is None else str(term)

    model.Date_Part.process = process


@patch
def formatting_of_the_date_element() -> None:
    """A ``<date>``'s own font-style, font-weight and the like format its text.

    citeproc-py applied only its affixes, so Journal of Neuroscience and
    Neuroengineering's ``<date variable="issued" font-weight="bold" prefix=" (">``
    printed '(2019)' where citeproc-js prints '(**2019**)'; the affixes stay
    outside the formatting.
    """
    from citeproc import model

    def wrap(self: Any, text: Any) -> Any:
        return model.Affixed.wrap(self, self.format(text))

    model.Date.wrap = wrap
