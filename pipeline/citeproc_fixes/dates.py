"""Dates: localized date formats with their locale's delimiter."""

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


@patch
def date_range_in_the_parts_shown() -> None:
    """A date range whose shown parts are all equal prints once ('2017'), never empty.

    CSL (Specification, "Date Ranges") collapses the parts a range's two ends
    share.  citeproc-py takes the shared year away from the parts to print and,
    when nothing else is shown (a year-only date of a 2017-02/2017-03 range, as
    AMA and APA print an article's date), prints nothing at all, not even the
    year (Vancouver's year-only ``<date>``: 2017-02/2017-03 printed no date).  It
    also removes the parts from the list it was given.  Written for citeproc-py
    0.11.1.
    """
    from citeproc import model

    original = model.Date.render_date_range

    def render_date_range(self: Any, date_range: Any, show_parts: Any = None,
                          context: Any = None) -> Any:
        parts = list(show_parts or ("year", "month", "day"))
        begin, end = date_range.begin, date_range.end
        # the parts this <date> prints: its date-parts (a localized form has all three)
        named = {child.get("name") for child in self.iterchildren() if child.get("name")}
        shown = [p for p in parts if p in named] or parts
        if not end.is_nil() and all(getattr(begin, p, None) == getattr(end, p, None)
                                    for p in shown):
            return self.render_single_date(begin, parts, context)
        return original(self, date_range, parts, context)

    model.Date.render_date_range = render_date_range
