"""Speed: XPath answers about a style kept, since styles do not change once read."""

from __future__ import annotations

from typing import Any

from .registry import patch


@patch
def cached_xpath_search() -> None:
    """Each XPath question about a style or locale element is answered once.

    citeproc-py asks lxml the same questions (a term in each locale, a name
    option on every ancestor, the layout above an element) for every
    reference and citation; they took more than half of the time of a
    200-entry list.  Styles and locales do not change once read, so the
    answers are kept on the tree's root element, and go with it.
    """
    from citeproc import model

    original = model.CitationStylesElement.xpath_search

    def xpath_search(self: Any, expression: str) -> Any:
        root = self.getroottree().getroot()
        cache = root.__dict__.setdefault("_xpath_answers", {})
        key = (self, expression)
        found = cache.get(key)
        if found is None:
            found = cache[key] = original(self, expression)
        return found

    model.CitationStylesElement.xpath_search = xpath_search
