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
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CSL = "http://purl.org/net/xbiblio/csl"


def _own_locales(root: Any) -> list[Any] | None:
    """The root's locales in its output language, when some others (en-US) follow them."""
    language = getattr(root, "output_language", None)
    locales = getattr(root, "locales", None)
    if not language or not locales:
        return None
    own = [locale for locale in locales
           if (locale.get(XML_LANG) or language).split("-")[0].lower() == language]
    return own if len(own) < len(locales) else None


@patch
def terms_found_by_name() -> None:
    """A locale's term is found by name and form in a table made once per locale.

    citeproc-py asks XPath for each term (``./cs:term[@name='in' and not(@form)]``),
    which reads through the locale's hundreds of terms: a tenth of the time of
    a style's citations and list, since each style reads its locales anew.
    The table keeps the first term of each name and form, the one XPath gave;
    ``zero_padded`` (a page's short ordinal) skips the terms that match whole
    numbers or the last two digits, as citeproc-py's expression does.
    """
    from citeproc import model

    from .speed import memo

    skipped = ("whole-number", "last-two-digits")

    def table(terms: Any, zero_padded: bool) -> dict[tuple[str | None, str | None], Any]:
        kept = memo(terms)
        found = kept.get(("terms by name", zero_padded))
        if found is None:
            found = kept[("terms by name", zero_padded)] = {}
            for term in terms.iterchildren(f"{{{CSL}}}term"):
                if not (zero_padded and term.get("match") in skipped):
                    found.setdefault((term.get("name"), term.get("form")), term)
        return found

    def get_term(self: Any, name: str, form: str | None = None,
                 zero_padded: bool = False) -> Any:
        terms = self.terms
        if terms is None:
            raise IndexError(name)
        try:
            return table(terms, zero_padded)[name, form]
        except KeyError:
            raise IndexError(name) from None

    model.Locale.get_term = get_term


@patch
def term_form_fallback() -> None:
    """A term asked for in a form the locales lack is taken in the form CSL falls back to.

    citeproc-py looks a term up in the asked form only, so a role label in
    ``form="verb-short"`` that the locale defines only as a verb ('by' for
    reviewed-author) printed nothing.  Each form is looked up in every locale
    (the style's own, then the locale file) before the next form is tried.
    In another language than English, every form is first looked up in that
    language's locales, and only then in en-US: a Spanish handout printed the
    English 'v.' (short 'version', which es-ES defines only long) for 'versión'
    as citeproc-js prints it, which reads no en-US file for another language.
    A term written with ``form="long"`` is the long form a plain ``<text
    term>`` asks for (a style's 'op.cit.' for 'cited', not the locale's 'citato').
    Fixtures: bugreports_ByBy, label_NameLabelThroughSubstitute.
    """
    from citeproc import model

    original = model.CitationStylesElement.get_term
    locale_term = model.Locale.get_term

    def long_term(self: Any, name: str, form: str | None = None,
                  zero_padded: bool = False) -> Any:
        try:
            return locale_term(self, name, form, zero_padded=zero_padded)
        except IndexError:
            if form is not None:
                raise
            return locale_term(self, name, "long", zero_padded=zero_padded)

    model.Locale.get_term = long_term

    def get_term(self: Any, name: str, form: str | None = None, *args: Any, **kwargs: Any) -> Any:
        root = self.get_root()
        own = None if args or not kwargs.get("fallback_locale", True) else _own_locales(root)
        for each in FORM_FALLBACK.get(form, (form,)) if own else ():
            for locale in own or ():
                try:
                    return locale.get_term(name, each,
                                           zero_padded=kwargs.get("zero_padded", False))
                except IndexError:  # not in this locale
                    continue
        for each in FORM_FALLBACK.get(form, (form,)):
            term = original(self, name, each, *args, **kwargs)
            if term is not None:
                return term
        return None

    model.CitationStylesElement.get_term = get_term


@patch
def typographic_apostrophe_in_terms() -> None:
    """A locale term's straight apostrophe after a letter is printed as a typographic one.

    citeproc-py printed the French 'à l'adresse' as the locale file writes it,
    beside titles whose apostrophes are typographic ('l’enfant'); citeproc-js
    prints 'à l’adresse'.
    """
    import re

    from citeproc import model
    from citeproc.string import String

    def typographic(form: str) -> property:
        def text(self: Any) -> Any:
            found = self.find(f"cs:{form}", self.nsmap)
            raw = (found.text if found is not None else self.text) or ""
            return String(self.preformat(re.sub(r"(?<=\w)'", "\u2019", raw)))
        return property(text)

    model.Term.single = typographic("single")
    model.Term.multiple = typographic("multiple")
