"""Locale terms: a form the locale does not define falls back to another form."""

from __future__ import annotations

from typing import Any

from .registry import patch

# CSL 1.0.2, "Terms": verb-short falls back to verb, symbol to short, and verb and
# short to long (the form written without a ``form`` attribute).
FORM_FALLBACK: dict[str | None, tuple[str | None, ...]] = {
    None: (None,), "long": ("long", None), "short": ("short", None), "verb": ("verb", None),
    "verb-short": ("verb-short", "verb", None), "symbol": ("symbol", "short", None),
}


@patch
def term_form_fallback() -> None:
    """A term asked for in a form the locales lack is taken in the form CSL falls back to.

    citeproc-py looks a term up in the asked form only, so a role label in
    ``form="verb-short"`` that the locale defines only as a verb ('by' for
    reviewed-author) printed nothing.  Each form is looked up in every locale
    (the style's own, then the locale file) before the next form is tried.
    Fixtures: bugreports_ByBy, label_NameLabelThroughSubstitute.
    """
    from citeproc import model

    original = model.CitationStylesElement.get_term

    def get_term(self: Any, name: str, form: str | None = None, *args: Any, **kwargs: Any) -> Any:
        for each in FORM_FALLBACK.get(form, (form,)):
            term = original(self, name, each, *args, **kwargs)
            if term is not None:
                return term
        return None

    model.CitationStylesElement.get_term = get_term
