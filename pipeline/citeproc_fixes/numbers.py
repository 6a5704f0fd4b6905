"""Numbers: ``is-numeric`` and label plurals as CSL defines them."""

from __future__ import annotations

import re
from typing import Any

from .registry import patch

# CSL: numeric content is numbers with optional letter affixes ('2b', 'L2d'),
# possibly several separated by commas, hyphens or ampersands ('2, 3', '2-4').
_NUMBER = r"[A-Za-z]*\d+[A-Za-z]*"
NUMERIC = re.compile(rf"\s*{_NUMBER}(?:\s*(?:[,&\-\u2013]|and)\s*{_NUMBER})*\s*")
# several numbers (arabic or roman): a plural label ('pp. 4-6', 'pp. ix-xi', '213 et 235'),
# but not '3-B', 'Michaelson-Morely' or an escaped hyphen ('327\-30')
_PIECES = re.compile(r"[\s,&\-\u2013]+")
_ONE_NUMBER = re.compile(rf"{_NUMBER}|\d\S*|[ivxlcdm]+|[IVXLCDM]+")


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # '10,123,456' is one number


def _variable_value(item: Any, variable: str) -> Any:
    if variable == "locator":
        return item.locator.identifier if item.has_locator else None
    return item.reference.get(variable.replace("-", "_"))


@patch
def numeric_tests_and_plural_labels() -> None:
    """``is-numeric`` and label plurals as CSL defines them, for the locator too.

    citeproc-py looks for the locator among the reference's variables, so
    ``is-numeric="locator"`` never holds (APA printed '(Osler, 2016, 4)' for
    'Chapter 4'); it takes '2-4' for not numeric; its label plural reads
    ``number-of-volumes`` from the wrong place and raises, which left out
    APA's '(Vols. 1-3)', and it counts 'ix-xi' as one page ('p. ix-xi').
    """
    from citeproc import model

    def is_numeric(self: Any, item: Any) -> list[bool]:
        out = []
        for variable in self.get("is-numeric").split():
            value = _variable_value(item, variable)
            out.append(value is not None and NUMERIC.fullmatch(str(value)) is not None)
        return out

    def is_plural(self: Any, item: Any) -> bool:
        variable = self.get("variable")
        value = _variable_value(item, variable)
        if value is None:
            return False
        if variable.startswith("number-of"):
            match = re.match(r"\s*(\d+)", str(value))
            return bool(match) and int(match.group(1)) > 1
        text = _THOUSANDS.sub("", str(value).replace("\\-", ""))
        if not re.search(r"[,&\-\u2013]|\d\s+[a-z]+\.?\s+\S", text):
            return False  # 'US 10,123,456 B2' is one patent number
        pieces = _PIECES.split(text)
        return sum(1 for p in pieces if _ONE_NUMBER.fullmatch(p)) > 1

    model.If._is_numeric = is_numeric
    model.Label._is_plural = is_plural


# -- ordinals ----------------------------------------------------------------------

_NOUN: list[str | None] = []  # the term whose gender an ordinal being rendered agrees with
_ORDINAL_TERMS = ("./cs:term[(@name='ordinal' or starts-with(@name, 'ordinal-')) "
                  "and not(@form)]")


def _locales(context: Any) -> list[Any]:
    from citeproc.model import Locale

    root = context.get_root()
    if isinstance(root, Locale):  # a localized date's own root: the style that uses it
        root = getattr(root, "style", None) or root
    return list(getattr(root, "locales", None) or [root])


def _terms(locale: Any, expression: str) -> list[Any]:
    terms = getattr(locale, "terms", None)
    return list(terms.xpath_search(expression)) if terms is not None else []


def term_gender(context: Any, name: str) -> str | None:
    """The grammatical gender the locale gives a term ('edition': 'feminine' in French)."""
    for locale in _locales(context):
        found = _terms(locale, f"./cs:term[@name='{name}' and not(@form)]")
        if found:
            return found[0].get("gender")
    return None


def _matches(term: Any, number: int) -> bool:
    digits = int(term.get("name").rsplit("-", 1)[1])
    match = term.get("match") or ("last-digit" if digits < 10 else "last-two-digits")
    if match == "whole-number":
        return number == digits
    return number % (10 if match == "last-digit" else 100) == digits


def ordinal_suffix(number: int, context: Any, gender: str | None) -> str:
    """The ordinal suffix of ``number`` by CSL 1.0.2's rules, in the noun's gender.

    The first locale in the fallback chain that defines any ordinal term
    defines them all; 'ordinal-10' to 'ordinal-99' win over 'ordinal-00' to
    'ordinal-09', which win over 'ordinal'; a term's gender-form variant of
    the noun's gender wins over its variant without gender.
    """
    chain = [_terms(locale, _ORDINAL_TERMS) for locale in _locales(context)]
    # the rules (which names, matching what) are the first set with 'ordinal' (CSL 1.0.1),
    # else the first set; a locale before it without 'ordinal' only rewords its terms
    rules = next((i for i, terms in enumerate(chain)
                  if any(t.get("name") == "ordinal" for t in terms)), None)
    if rules is None:
        rules = next((i for i, terms in enumerate(chain) if terms), 0)
    terms = chain[rules] if chain else []

    def variant(candidates: list[Any]) -> Any:
        name = candidates[0].get("name") if candidates else None
        for wanted in ((gender, None) if gender else (None,)):
            for earlier in chain[:rules]:  # a style's own wording of the term
                for term in earlier:
                    if term.get("name") == name and term.get("gender-form") == wanted:
                        return term
            for term in candidates:
                if term.get("gender-form") == wanted:
                    return term
        return None

    numbered = [t for t in terms if t.get("name") != "ordinal" and _matches(t, number)]
    for group in ([t for t in numbered if len(t.get("name")) == len("ordinal-10")
                   and int(t.get("name")[-2:]) >= 10],
                  [t for t in numbered if int(t.get("name")[-2:]) < 10],
                  [t for t in terms if t.get("name") == "ordinal"]):
        for name in dict.fromkeys(t.get("name") for t in group):
            found = variant([t for t in group if t.get("name") == name])
            if found is not None:
                return str(found.single)
    return ""


@patch
def gendered_ordinals() -> None:
    """Ordinals take the gender of their noun, and match numbers as CSL 1.0.2 says.

    citeproc-py takes the first 'ordinal-01' term whatever its gender-form
    (French '1re octobre' for '1er octobre', the month being masculine) and
    reads ordinal terms from every locale of the fallback chain.  CSL 1.0.2:
    a number agrees with the term of its variable ('edition' feminine, 'issue'
    masculine), a day with its month; a style locale that defines ordinal
    terms replaces all of the locale file's.  As in citeproc-js, a style locale
    whose ordinals lack 'ordinal' (the CSL 1.0 set, 'ordinal-01' to '-04') only
    rewords the terms of the locale file's rules: French '21ᵉ', not '21re' for a
    style's 'ordinal-01' 're'.  Fixtures:
    number_LimitOrdinalsToDayOne, number_SeparateOrdinalNamespaces.
    """
    from citeproc import model

    def to_ordinal(number: int, context: Any) -> str:
        noun = _NOUN[-1] if _NOUN else None
        gender = term_gender(context, noun) if noun else None
        return str(number) + ordinal_suffix(int(number), context, gender)

    original_number = model.Number.process

    def number_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        variable = self.get("variable")
        if variable == "locator":
            variable = item.locator.label if item.has_locator else None
        _NOUN.append(variable)
        try:
            return original_number(self, item, context, **kwargs)
        finally:
            _NOUN.pop()

    original_part = model.Date_Part.process

    def part_process(self: Any, date: Any, context: Any = None) -> Any:
        month = date.get("month") if self.get("name") == "day" and hasattr(date, "get") else None
        _NOUN.append(f"month-{month:02}" if isinstance(month, int) and 1 <= month <= 12
                     else None)
        try:
            return original_part(self, date, context)
        finally:
            _NOUN.pop()

    model.to_ordinal = to_ordinal
    model.Number.process = number_process
    model.Date_Part.process = part_process


# -- locators that carry their own label ---------------------------------------------

LOCATOR_TERMS = ("appendix", "article-locator", "book", "canon", "chapter", "column",
                 "elocation", "equation", "figure", "folio", "issue", "line", "note", "opus",
                 "page", "paragraph", "part", "rule", "section", "sub-verbo", "supplement",
                 "table", "timestamp", "title", "verse", "volume")
_LABELS: list[Any] = [None, None]  # the style last asked, and its locator labels pattern


def own_label(element: Any, locator: str) -> bool:
    """Whether the locator starts with a locator label of the locale ('vol. 1, fol. 186')."""
    root = element.get_root()
    if _LABELS[0] is not root:
        words = set()
        for name in LOCATOR_TERMS:
            for form in ("short", "symbol"):
                for text in (element.get_single_term(name=name, form=form),
                             element.get_plural_term(name=name, form=form)):
                    if str(text or "").strip():
                        words.add(str(text).strip())
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        _LABELS[:] = [root, re.compile(rf"(?:{alternatives})(?<=\.)\s*\d|(?:{alternatives})"
                                       r"\s+\d") if words else None]
    return _LABELS[1] is not None and _LABELS[1].match(locator) is not None


@patch
def locator_with_its_own_label() -> None:
    """A locator that starts with its own label prints no label of the style's.

    A cite's locator may name its parts itself ('vol. 1, fol. 186'): the
    style's ``<label variable="locator">`` would print a second label
    ('pp. vol. 1, ...').  A locator starting with one of the locale's short
    locator terms, followed by a number, is printed as written, as citeproc-js
    does.  In the reference list, where no work has a locator, the label is
    the page label, singular, as citeproc-js prints it: 16 styles of a sample
    print pages after it ('Band 33, 2019, S. 112-119'; citeproc-py printed
    '2019112-119').  Fixture: locator_TrickyEntryForPlurals.
    """
    from citeproc import model

    original = model.Label.process

    def process(self: Any, item: Any, variable: Any = None, plural: Any = None,
                context: Any = None, **kwargs: Any) -> Any:
        if (variable or self.get("variable")) == "locator":
            if not item.has_locator:
                layout = (context if context is not None else self).get_layout()
                if isinstance(layout.getparent(), model.Bibliography):
                    return original(self, item, "page", False, context, **kwargs)
            elif own_label(self, str(item.locator.identifier)):
                return None
        return original(self, item, variable, plural, context, **kwargs)

    model.Label.process = process


@patch
def numbers_as_written() -> None:
    """A ``<number>`` in the numeric form keeps its digits as written ('20-07', '007').

    citeproc-py reads each number as an integer and so drops its leading zeros
    ('20–7' for report number '20-07'); citeproc-js, as CSL's "numeric" form,
    prints the number's digits.
    """
    from citeproc import model

    original = model.Number.format_number

    def format_number(self: Any, number: Any) -> Any:
        if self.get("form", "numeric") == "numeric" and str(number).strip().isdigit():
            return str(number).strip()
        return original(self, number)

    model.Number.format_number = format_number
