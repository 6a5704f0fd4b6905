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
