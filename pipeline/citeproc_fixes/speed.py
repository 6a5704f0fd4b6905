"""Speed: answers about a style kept, since styles do not change once read.

citeproc-py asks the style tree the same questions over and over (its root,
an XPath, a locale term, a formatter) for every reference and citation.
Once read, a style changes in one way only: citeproc-py gives a ``<names>``
without a ``<name>`` one, so answers that could be "nothing" about children
are not kept.  Answers are kept on the element asked (lxml drops them with
the element), and change no output.
"""

from __future__ import annotations

from typing import Any

from .registry import patch

_COMPILED: dict[str, Any] = {}  # an XPath expression, compiled once for every style


def memo(element: Any) -> dict[str, Any]:
    """What is kept about one style element.

    lxml makes a new Python object for an element each time it is reached
    unless the last one is still held, so the element is held by its root
    (its style or locale): what is kept lasts as long as the style.  A
    default ``<name>`` (see :func:`one_default_name`) keeps it on its
    ``<names>``, where each new one stands in the same place.
    """
    kept = element.__dict__.get("_memo")
    if kept is None:
        parent = element.getparent()
        if parent is not None and _is_default_name(element):
            kept = memo(parent).setdefault(("default name",), {})
        else:
            kept = {}
            root = element.getroottree().getroot()
            root.__dict__.setdefault("_held", []).append(element)
        element.__dict__["_memo"] = kept
    return kept


def _is_default_name(element: Any) -> bool:
    """A ``<name>`` citeproc-py made, outside the CSL namespace (its tag is 'Name')."""
    return element.tag == "Name"


@patch
def cached_xpath_search() -> None:
    """Each XPath question about a style or locale element is answered once.

    citeproc-py asks lxml the same questions (a term in each locale, a name
    option on every ancestor, the layout above an element) for every
    reference and citation; they took more than half of the time of a
    200-entry list.  Styles and locales do not change once read, so the
    answers are kept on the element asked, and go with it; an expression is
    compiled once for all elements.
    """
    from citeproc import model
    from lxml import etree

    namespaces = model.CitationStylesElement.nsmap

    def xpath_search(self: Any, expression: str) -> Any:
        cache = self.__dict__.get("_memo") or memo(self)
        found = cache.get(expression)
        if found is None:
            compiled = _COMPILED.get(expression)
            if compiled is None:
                compiled = _COMPILED[expression] = etree.XPath(expression,
                                                               namespaces=namespaces)
            found = cache[expression] = compiled(self)
        return found

    model.CitationStylesElement.xpath_search = xpath_search


@patch
def cached_root() -> None:
    """An element's root (its style or locale) is found once.

    Every option, term and formatter lookup starts from the root: tens of
    thousands of walks up the tree for a 200-entry list.  An element not in a
    tree yet (the ``<name>`` citeproc-py makes for a bare ``<names>``) is
    its own root until it is placed, so only a root above the element, or a
    style or locale itself, is kept.
    """
    from citeproc import model

    def get_root(self: Any) -> Any:
        root = self.__dict__.get("_root")
        if root is None:
            memo(self)  # the element is held, and what it keeps with it
            root = self.getroottree().getroot()
            if root is not self or isinstance(self, model.Style | model.Locale):
                self.__dict__["_root"] = root
        return root

    model.CitationStylesElement.get_root = get_root


@patch
def children_found_once() -> None:
    """A child an element is asked for by name (``citation.layout``, ``names.name``) is found once.

    citeproc-py reads an element's children as its attributes, each an
    ElementPath search, for every name list, label, term and citation.  No
    child in the CSL namespace is added once a style or locale is read (the
    default ``<name>`` citeproc-py adds to a bare ``<names>`` is outside it,
    so no search finds it), so the answer, a child or none, is kept.
    """
    from citeproc import model

    original = model.SomewhatObjectifiedElement.__getattr__

    def __getattr__(self: Any, name: str) -> Any:
        kept = self.__dict__.get("_memo") or memo(self)
        key = ("child", name)
        try:
            return kept[key]
        except KeyError:
            found = kept[key] = original(self, name)
            return found

    model.SomewhatObjectifiedElement.__getattr__ = __getattr__


@patch
def cached_terms() -> None:
    """A locale term is looked up once per style, form and option.

    Each lookup tries each form CSL falls back to in each of the style's
    locales, through XPath: 'et al.', 'ed.', 'p.' and the ordinal suffixes
    were looked up anew for every name list, label and number.
    """
    from citeproc import model

    original = model.CitationStylesElement.get_term
    missing = object()

    def get_term(self: Any, name: str, form: str | None = None, fallback_locale: bool = True,
                 zero_padded: bool = False) -> Any:
        cache = memo(self.get_root())
        key = ("term", name, form, fallback_locale, zero_padded)
        found = cache.get(key, missing)
        if found is missing:
            found = cache[key] = original(self, name, form, fallback_locale=fallback_locale,
                                          zero_padded=zero_padded)
        return found

    model.CitationStylesElement.get_term = get_term


@patch
def plain_text_not_formatted() -> None:
    """Text from an element without font or alignment attributes is returned as it is.

    citeproc-py asks the formatter five times (style, variant, weight,
    decoration, alignment) for every piece of text, each time walking up to
    the root, though most elements set none of them.
    """
    from citeproc import model

    original = model.Formatted.format
    attributes = ("font-style", "font-variant", "font-weight", "text-decoration",
                  "vertical-align")

    def format(self: Any, string: Any) -> Any:
        formatted = self.__dict__.get("_formatted")
        if formatted is None:
            memo(self)  # the element is held, and what it keeps with it
            attrib = self.attrib
            formatted = self.__dict__["_formatted"] = any(name in attrib for name in attributes)
        if formatted:
            return original(self, string)
        return str(string) if isinstance(string, int | float) else string

    model.Formatted.format = format


@patch
def plain_text_not_wrapped() -> None:
    """Text from an element without affixes or ``display`` is returned as it is.

    Adding an empty prefix and suffix to a text still looks for punctuation
    to merge at both seams and copies the text twice, for every piece of
    every entry.  (A number is still left to citeproc-py, which refuses it.)
    """
    from citeproc import model
    from citeproc.string import MixedString

    original = model.Affixed.wrap
    attributes = ("prefix", "suffix", "display")

    def wrap(self: Any, string: Any) -> Any:
        affixed = self.__dict__.get("_affixed")
        if affixed is None:
            memo(self)  # the element is held, and what it keeps with it
            attrib = self.attrib
            affixed = self.__dict__["_affixed"] = any(attrib.get(name) for name in attributes)
        if affixed or not isinstance(string, str | MixedString):
            return original(self, string)
        return string

    model.Affixed.wrap = wrap


@patch
def quick_record_fields() -> None:
    """A reference's, citation's or cite's fields are read in one dictionary lookup.

    citeproc-py reads ``item.reference.title`` through two Python-level
    lookups per attribute, and ``item.reference`` (``item.bibliography``,
    ``item.number``) through four: some 150,000 calls for a 200-entry list.  (Names read as attributes have no hyphen, so
    a reference's own lookup, which reads 'container-title' as
    'container_title', has nothing to do for them.)
    """
    from citeproc.source import CitationItem, CustomDict, VariableError

    lookup = dict.__getitem__

    def getattr_(self: Any, name: str) -> Any:
        try:
            return lookup(self, name)
        except KeyError:
            raise VariableError from None

    def keyed(self: Any) -> tuple[Any, Any]:
        """The cite's key and its bibliography."""
        try:
            return lookup(self, "key"), lookup(lookup(self, "citation"), "bibliography")
        except KeyError:
            raise VariableError from None

    def reference(self: Any) -> Any:
        key, bibliography = keyed(self)
        return bibliography.source[key]

    def bibliography(self: Any) -> Any:
        try:
            return lookup(lookup(self, "citation"), "bibliography")
        except KeyError:
            raise VariableError from None

    def number(self: Any) -> int:
        key, bibliography = keyed(self)
        return bibliography.keys.index(key) + 1

    CustomDict.__getattr__ = getattr_
    CitationItem.reference = property(reference)
    CitationItem.bibliography = property(bibliography)
    CitationItem.number = property(number)


@patch
def one_default_name() -> None:
    """citeproc-py's default ``<name>`` for a bare ``<names>`` replaces the one it made before.

    For a ``<names>`` without ``<name>``, citeproc-py makes a ``<name>`` outside
    the CSL namespace, never finds it again, and adds another each time the
    names are printed: some 200 under one ``<names>`` after a 200-entry
    list, each skipped by every later lookup, each asking its options anew.
    The one made before is taken out as the new one goes in (nothing ever
    finds it), and what is known about the default name is kept on its
    ``<names>`` (see :func:`memo`).
    """
    from citeproc import model
    from lxml import etree

    def insert(self: Any, index: int, element: Any) -> None:
        if _is_default_name(element) and len(self) and _is_default_name(self[0]):
            self.remove(self[0])
        etree.ElementBase.insert(self, index, element)

    model.Names.insert = insert


@patch
def cached_name_options() -> None:
    """A ``<name>``'s options are worked out once per place it is used from.

    Each name list asks a dozen options, each found on the ``<name>``, else
    on the citation or bibliography above it (through XPath), else the
    style, and converted to a number or a flag: anew for every name list.
    Options given for sorting are still read from the sort key each time.
    """
    from citeproc import model

    original = model.Name.get_option

    def get_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options is not None and name in sort_options:
            return original(self, name, context, sort_options)
        kept = self.__dict__.get("_memo") or memo(self)
        key = ("option", name, context)
        if key in kept:
            return kept[key]
        value = kept[key] = original(self, name, context, sort_options)
        return value

    model.Name.get_option = get_option


@patch
def type_read_once() -> None:
    """``<if type="...">`` reads the item's type once, not once for each type it names.

    AMA's first branch names seven types: the item's reference was looked up
    seven times, in every entry.  The types an element names are split once.
    They are one test, met by any of them, as citeproc-js composes them: under
    the default ``match="all"``, ASA's ``<if type="thesis manuscript">`` holds for
    a thesis (citeproc-py asked the item to be both and took the ``else``).
    """
    from citeproc import model

    def _type(self: Any, item: Any) -> list[bool]:
        types = self.__dict__.get("_types")
        if types is None:
            memo(self)  # the element is held, and what it keeps with it
            types = self.__dict__["_types"] = [kind.lower() for kind in self.get("type").split()]
        if not types:
            return []
        return [item.reference.type in types]

    model.If._type = _type


@patch
def formatter_from_one_root() -> None:
    """An element's formatter is read from its root, found once, not twice.

    Every decoration (italics, bold, small caps, ...) asks for the formatter:
    citeproc-py finds the element's root to tell a locale from a style, then
    finds it again to read its formatter.
    """
    from citeproc import model

    locale = model.Locale

    def get_formatter(self: Any) -> Any:
        root = self.get_root()
        return root.style.formatter if isinstance(root, locale) else root.formatter

    model.CitationStylesElement.get_formatter = get_formatter


_CONDITIONS = (("type", "_type"), ("variable", "_variable"), ("is-numeric", "_is_numeric"),
               ("is-uncertain-date", "_is_uncertain_date"), ("locator", "_locator"))


@patch
def conditions_read_once() -> None:
    """An ``<if>``'s tests, and how they combine, are read from its attributes once.

    citeproc-py looks for each of six tests and for ``match`` on every
    ``<if>`` and ``<else-if>`` it meets, in every entry and cite, each look
    building lxml's proxy of the attributes anew.  The tests an element names
    are worked out once (as citeproc-py's methods for them, whatever patches
    they carry); an element with ``disambiguate`` goes through its own
    rendering (see :func:`disambiguation.disambiguation_hooks`).
    """
    from citeproc import model

    installed = model.If.render
    failed = model.ConditionFailed

    def render(self: Any, item: Any, context: Any = None, delimiter: str = "",
               **kwargs: Any) -> Any:
        known = self.__dict__.get("_conditions")
        if known is None:
            memo(self)  # the element is held, and what it keeps with it
            attrib, cls = self.attrib, type(self)
            tests = [getattr(cls, method) for name, method in _CONDITIONS if name in attrib]
            known = self.__dict__["_conditions"] = (
                "disambiguate" in attrib, tuple(tests),
                cls._position if "position" in attrib else None, attrib.get("match"))
        special, tests, position, match = known
        if special:
            return installed(self, item, context, delimiter, **kwargs)
        results: list[Any] = []
        for test in tests:
            results += test(self, item)
        if position is not None:
            results += position(self, item, context)
        if match == "any":
            result = any(results)
        elif match == "none":
            result = not any(results)
        else:
            result = all(results)
        if not result:
            raise failed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    model.If.render = render
