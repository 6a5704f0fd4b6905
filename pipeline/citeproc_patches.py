"""Every change the project makes to citeproc-py, one named patch per CSL feature.

citeproc-py is the citation engine; where it lacks a CSL feature or gets one
wrong, the fix lives here and nowhere else.  Each patch says what CSL asks
for, what citeproc-py does instead, and which fixtures of the CSL test suite
(``invoke csl-suite``) it makes pass.  The patches were written against one
citeproc-py release, :data:`CITEPROC_VERSION`; :func:`apply` refuses any other
release rather than misbehave silently.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

CITEPROC_VERSION = "0.11.1"
PATCHES: dict[str, Callable[[], None]] = {}
_applied = False


class CiteprocVersionError(RuntimeError):
    """The installed citeproc-py is not the release the patches were written for."""


def patch(function: Callable[[], None]) -> Callable[[], None]:
    """Register a patch under its function's name."""
    PATCHES[function.__name__] = function
    return function


def check_version() -> None:
    """Refuse a citeproc-py release other than the one the patches were written for."""
    from importlib.metadata import version

    installed = version("citeproc-py")
    if installed != CITEPROC_VERSION:
        raise CiteprocVersionError(
            f"citeproc-py {installed} is installed, but the project's changes to it "
            f"(pipeline/citeproc_patches.py) were written for {CITEPROC_VERSION}: run "
            f"'pip install citeproc-py=={CITEPROC_VERSION}' (or 'python3 bootstrap.py setup'), "
            "or check each patch against the new release and update CITEPROC_VERSION")


def apply() -> None:
    """Install every patch once (after checking citeproc-py's version)."""
    global _applied
    if _applied:
        return
    check_version()
    for install in PATCHES.values():
        install()
    _applied = True


# -- substitute ------------------------------------------------------------


# (tag, variable) of what each substitute being rendered printed, innermost last
_SUBSTITUTE_RECORDS: list[list[tuple[str, str]]] = []


@patch
def substitute_suppresses_rendered_variables() -> None:
    """CSL: the variables a substitute printed are suppressed in the rest of the entry.

    citeproc-py represses only a substitute's own ``variable``: a macro or a
    ``<choose>`` standing in for the author (AMA's title, APA's publisher for a
    web page) was printed a second time.  The variables it printed are recorded
    while it renders (see ``_tracked``), so those of branches not taken stay
    printable (APA: a book's publisher after the title that replaced its author).
    """
    from citeproc import model

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        for child in self.getchildren():
            _SUBSTITUTE_RECORDS.append([])
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                printed = _SUBSTITUTE_RECORDS.pop()
            if text:
                try:
                    layout = (context if context is not None else self).get_layout()
                except IndexError:  # rendered for sorting, outside a layout
                    return text
                for tag, variable in printed:
                    layout.repressed.setdefault(tag, []).append(variable)
                return text
        return None

    model.Substitute.render = render


# -- variables ---------------------------------------------------------------

# CSL 1.0.2 variables citeproc-py 0.11 does not know: a name variable it does
# not know is kept as a string and crashes <names> ("'String' object has no
# attribute 'parts'"); any unknown variable is a warning on every reference.
CSL_102_NAMES = ["chair", "compiler", "contributor", "curator", "director",
                 "editor_translator", "executive_producer", "guest", "host", "narrator",
                 "organizer", "performer", "producer", "reviewed_author", "script_writer",
                 "series_creator"]
CSL_102_DATES = ["available_date"]
CSL_102_NUMBERS = ["chapter_number", "citation_number", "collection_number", "part_number",
                   "printing_number", "supplement_number"]
CSL_102_VARIABLES = ["archive_collection", "container_title_short", "division",
                     "event_title", "part_title", "reviewed_genre", "reviewed_title",
                     "volume_title", "issued_title", "title_short", "PMCID", "PMID"]


@patch
def csl_102_variables() -> None:
    """CSL 1.0.2's name, date and number variables are known variables.

    citeproc-py 0.11 knows only CSL 1.0's variables: a ``director`` (a video),
    ``compiler`` or ``chair`` is read as plain text, and a style that lists it in
    ``<names>`` (APA does) raises ``AttributeError``.  The lists are extended in
    place, since citeproc-py's modules hold references to them.
    """
    import citeproc

    for known, extra in ((citeproc.NAMES, CSL_102_NAMES), (citeproc.DATES, CSL_102_DATES),
                         (citeproc.NUMBERS, CSL_102_NUMBERS)):
        known.extend(v for v in extra if v not in known)
    citeproc.VARIABLES.extend(v for v in CSL_102_NAMES + CSL_102_DATES + CSL_102_NUMBERS
                              + CSL_102_VARIABLES if v not in citeproc.VARIABLES)


# -- page ranges -------------------------------------------------------------

_NUMBER_RANGE = re.compile(r"(\d)\s*[-\u2013]\s*(\d)")
_RANGE_SEPARATOR = re.compile(r"(\s*[,&]\s*)")
_NUMERIC_RANGE = re.compile(r"([^\d\s\-\u2013]*)(\d+)\s*[\-\u2013]+\s*([^\d\s\-\u2013]*)(\d+)")
_WORD_RANGE = re.compile(r"([^\d\s\-\u2013]+)\s*[\-\u2013]+\s*([^\d\s\-\u2013]+)")


def _last_page(first: str, last: str, range_format: str) -> str:
    """The second number of a range as ``page-range-format`` writes it (CSL appendix V)."""
    if len(last) < len(first):  # '12-4' is 12-14, '1101-09' is 1101-1109
        last = first[:len(first) - len(last)] + last
    if len(last) != len(first) or range_format == "expanded":
        return last
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return last
        if (range_format != "chicago-16" and len(first) == 4
                and sum(a != b for a, b in zip(first[1:], last[1:], strict=True)) >= 3):
            return last
        range_format = "minimal" if number % 100 < 10 else "minimal-two"
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    if range_format == "minimal-two":
        common = min(common, max(len(first) - 2, 0))
    return last[common:]


def format_page_ranges(element: Any, value: str) -> str:
    """Page ranges in ``value`` ('1-12', 'S12-S19, 30-2') as the style asks.

    Only a range whose two ends are numbers with the same prefix is
    reformatted; '185-203.e13' is left as written, as citeproc-js does.
    """
    range_format = element.get_root().get("page-range-format")
    delimiter = element.get_single_term(name="page-range-delimiter") or "\u2013"
    delimiter = str(delimiter)
    parts = _RANGE_SEPARATOR.split(str(value))
    out = []
    for i, part in enumerate(parts):
        numeric = _NUMERIC_RANGE.fullmatch(part) if i % 2 == 0 else None
        words = _WORD_RANGE.fullmatch(part) if i % 2 == 0 else None
        if numeric and numeric.group(1) == numeric.group(3):
            prefix, first, _, last = numeric.groups()
            if range_format:
                last = _last_page(first, last, range_format)
                keep = range_format == "expanded"
                out.append(f"{prefix}{first}{delimiter}{prefix if keep else ''}{last}")
            else:
                out.append(f"{prefix}{first}{delimiter}{prefix}{last}")
        elif words:
            out.append(f"{words.group(1)}{delimiter}{words.group(2)}")
        else:
            out.append(part)
    return "".join(out)


@patch
def page_range_format() -> None:
    """``page-range-format`` as CSL defines it, for pages and page locators.

    citeproc-py 0.11 drops digits by comparing the two numbers as strings,
    so 'minimal' prints '1-12' as '1-2' and '1-10' as '1-0' (a page the reader
    will not find); it reformats ranges that are not numbers ('185-203.e13'),
    and never applies the style's format or ``page-range-delimiter`` term to a
    page locator.
    """
    from citeproc import model

    original_process = model.FormatNumber._process
    original_variable = model.Text._variable

    def _process(self: Any, value: Any, variable: str) -> Any:
        if variable == "page-first":
            match = re.match(r"\s*([^\s,&\-\u2013]+)", str(value))
            return match.group(1) if match else str(value)
        if variable == "page":
            return format_page_ranges(self, str(value))
        return original_process(self, value, variable)

    def _variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "locator":
            repressed = context.get_layout().repressed
            if "locator" in repressed.get(self.tag, ()):
                return None
            if item.locator.label == "page":
                return format_page_ranges(self, str(item.locator.identifier))
            # any other locator: a range of numbers takes an en dash, as written otherwise
            return _NUMBER_RANGE.sub("\\1\u2013\\2", str(item.locator.identifier))
        return original_variable(self, item, context)

    model.FormatNumber._process = _process
    model.Text._variable = _variable


# -- dates -------------------------------------------------------------------


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


# -- substitute (names) ------------------------------------------------------


@patch
def substituted_names_suppressed() -> None:
    """A name variable used as a substitute is not printed again in the entry.

    CSL: substituted variables are suppressed in the rest of the output.
    citeproc-py only checks that for ``<text variable>``, so an edited book
    whose editors stand in for the author prints them twice:
    'Moore S, ed. Open Research Data. (Moore S, ed.). Ubiquity Press'.
    """
    from citeproc import model

    original = model.Names.process

    def process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                **kwargs: Any) -> Any:
        try:
            layout = (context if context is not None else self).get_layout()
        except IndexError:  # a macro rendered outside a layout
            layout = None
        repressed = getattr(layout, "repressed", {}).get(self.tag, ())
        roles = (self.get("variable") or "").split()
        if repressed and roles and all(role in repressed for role in roles):
            raise model.VariableError
        if repressed and any(role in repressed for role in roles):
            kept = " ".join(r for r in roles if r not in repressed)
            original_roles = self.get("variable")
            self.set("variable", kept)
            try:
                return original(self, item, names_context, context, **kwargs)
            finally:
                self.set("variable", original_roles)
        return original(self, item, names_context, context, **kwargs)

    model.Names.process = process


# -- citation layout: collapsing, suppress-author, author-only ----------------


@patch
def citation_collapse_and_author_modes() -> None:
    """CSL ``collapse`` (all four kinds), and ``suppress-author``/``author-only`` cites.

    citeproc-py ignores ``collapse``: ``[1,2,3]`` instead of ``[1–3]``,
    "Smith 1900, Smith 2000" instead of "Smith 1900, 2000", "2000a, 2000b"
    instead of "2000a, b"; nor ``cite-group-delimiter``, ``year-suffix-delimiter``
    and ``after-collapse-delimiter``.  It also has no cite modes:
    ``suppress-author`` leaves out the first names the cite prints (or their
    substitute), ``author-only`` prints nothing but them.  The rendering is in
    ``citeproc_cluster``.  Fixtures: collapse_* (most), sort_GroupedByAuthorstring,
    name_CiteGroupDelimiter*, and the project's narrative citations.
    """
    from citeproc import model

    from . import citeproc_cluster
    from .citeproc_cluster import RENDERING

    def render_citation(self: Any, citation: Any, callback: Any) -> Any:
        return citeproc_cluster.render_citation(self, citation, callback)

    original_names = model.Names.process

    def names_process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                      **kwargs: Any) -> Any:
        mode = RENDERING["names_mode"]
        if mode not in ("suppress", "only"):
            return original_names(self, item, names_context, context, **kwargs)
        RENDERING["names_mode"] = None  # only the first names the cite prints
        text = original_names(self, item, names_context, context, **kwargs)
        if mode == "only":
            RENDERING["names_seen"] = text
            RENDERING["names_mode"] = "done"
        return None if mode == "suppress" else text

    model.Layout.render_citation = render_citation
    model.Names.process = names_process


# -- disambiguation ------------------------------------------------------------


@patch
def disambiguation_hooks() -> None:
    """Names, given names, ``disambiguate="true"`` and year suffixes as decided per reference.

    citeproc-py has no disambiguation (its ``<if disambiguate>`` is a TODO that
    always holds).  ``citeproc_disambiguate.disambiguate`` decides, per
    reference, how many names a citation shows, whether given names or initials
    join them, whether ``disambiguate="true"`` holds, and the year suffix; these
    hooks print what it decided.  Without an explicit ``year-suffix`` variable
    in the style, the suffix follows the first year printed, as CSL says.
    Fixtures: disambiguate_* (most), sort_ChicagoYearSuffix*, sort_AguStyle.
    """
    from citeproc import model

    from . import citeproc_disambiguate as dis
    from .citeproc_cluster import RENDERING

    original_name = model.Name.process

    def name_process(self: Any, item: Any, variable: str, context: Any = None,
                     sort_options: Any = None, **kwargs: Any) -> Any:
        reference = item.reference
        names, given = reference.get(dis.NAMES), reference.get(dis.GIVEN)
        if sort_options is None and (names or given) and (context if context is not None
                                                          else self).xpath_search(
                "./ancestor::cs:citation"):
            options: dict[str, Any] = {}
            if names:
                use_first = self.get_option("et-al-use-first", context)
                options["et-al-use-first"] = str(max(int(use_first or 0), names))
            if given:
                options["form"] = "long"
                if given > 1:
                    options["initialize-with"] = None
            return original_name(self, item, variable, context, options, **kwargs)
        return original_name(self, item, variable, context, sort_options, **kwargs)

    original_date = model.Date.process

    def date_process(self: Any, item: Any, variable: Any = None, show_parts: Any = None,
                     context: Any = None, **kwargs: Any) -> Any:
        reference = item.reference
        suffix = reference.get(dis.YEAR_SUFFIX)
        name = (variable or self.get("variable") or "").replace("-", "_")
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
        holds = bool(item.reference.get(dis.CONDITION))
        wanted = self.get("disambiguate") == "true"
        others = {k: v for k, v in self.attrib.items() if k not in ("disambiguate", "match")}
        match = self.get("match", "all")
        if not others:
            if holds != wanted:
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
        found = bool(root.xpath_search('//cs:text[@variable="year-suffix"]'))
    return found


# -- groups ------------------------------------------------------------------

class _GroupFrame:
    """What the elements of one group (or macro) rendered, as citeproc-js tracks it."""

    __slots__ = ("attempt", "success", "term")

    def __init__(self) -> None:
        self.attempt = self.success = self.term = False

    def close(self) -> bool:
        """Whether the group is kept; tells the enclosing group what happened."""
        kept = self.success or (self.term and not self.attempt)
        if _GROUP_FRAMES:
            parent = _GROUP_FRAMES[-1]
            if kept:
                parent.success = True
            else:
                parent.attempt = parent.attempt or self.attempt
        return kept


_GROUP_FRAMES: list[_GroupFrame] = []
_ALWAYS_RENDERED = ("year-suffix", "citation-number")


def _non_empty(text: Any) -> bool:
    return text is not None and str(text) != ""


def _tracked(render: Callable[..., Any]) -> Callable[..., Any]:
    """A rendering element's render that reports called variables and terms to its group."""

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if "macro" in self.attrib and "variable" not in self.attrib:
            _GROUP_FRAMES.append(_GroupFrame())
            try:
                text = render(self, *args, **kwargs)
            finally:
                frame = _GROUP_FRAMES.pop()
            return text if frame.close() else None
        frame = _GROUP_FRAMES[-1] if _GROUP_FRAMES else None
        try:
            text = render(self, *args, **kwargs)
        except Exception:
            if frame is not None and "variable" in self.attrib:
                if self.get("variable") in _ALWAYS_RENDERED:
                    frame.success = True
                else:
                    frame.attempt = True
            raise
        if _SUBSTITUTE_RECORDS and "variable" in self.attrib and _non_empty(text):
            _SUBSTITUTE_RECORDS[-1].extend((self.tag, v) for v in self.get("variable").split())
        if frame is not None:
            if "variable" in self.attrib:
                if _non_empty(text) or self.get("variable") in _ALWAYS_RENDERED:
                    frame.success = True
                else:
                    frame.attempt = True
            elif _non_empty(text):
                frame.term = True
        return text

    return wrapper


@patch
def group_suppressed_by_rendered_variables() -> None:
    """A group is left out when the variables it called were all empty.

    CSL 1.0.2: a group is suppressed when it calls variables and all of them
    are empty; a group with only terms is kept.  citeproc-py decides from the
    variables its children could call in any branch of a ``<choose>``, so APA's
    thesis entries got a lone '(Publication)' from a group whose number is
    empty.  As in citeproc-js, a macro behaves as a group, and a nested group
    (or macro) that is kept counts as a variable that rendered.
    """
    from citeproc import model

    for cls in (model.Text, model.Number, model.Date, model.Names):
        cls.render = _tracked(cls.render)

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        output = []
        delimiter = self.get("delimiter", "")
        _GROUP_FRAMES.append(_GroupFrame())
        try:
            for child in self.iterchildren():
                try:
                    if isinstance(child, model.Choose):
                        text = child.render(item, context=context, delimiter=delimiter,
                                            **kwargs)
                    else:
                        text = child.render(item, context=context, **kwargs)
                except model.VariableError:
                    continue
                if text is not None:
                    output.append(text)
        finally:
            frame = _GROUP_FRAMES.pop()
        if frame.close() and output:
            return self.join(output)
        raise model.VariableError

    model.Group.process = process


# -- text case ---------------------------------------------------------------

# Words title case leaves in lower case inside a title: CSL 1.0.2's stop
# words, as the reference processor (citeproc-js) lists them.
_STOP_WORDS = """
a about above across afore after against al along alongside amid amidst among amongst
an and anenst apropos apud around as aside astride at athwart atop barring before behind below
beneath beside besides between beyond but by c ca circa d' de despite down during et except for
forenenst from given in inside into lest like modulo near next nor notwithstanding of off on onto
or out over per plus pro qua sans since so than the through throughout thruout till to toward
towards under underneath until unto up upon v v. van versus via vis-à-vis von vs vs. with within
without yet
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_EDGE_PUNCTUATION = "\"'“”‘’()[]{},;:.!?"


def _title_word(word: Any, edge: bool) -> Any:
    """One word in title case; a hyphenated word capitalized part by part.

    A single letter stays as written ('vitamin d', 'e-mail', '07-x') except
    where the title or a subtitle starts, as citeproc-js and the CSL suite do.
    """
    parts = str(word).split("-")
    if not word.islower():
        return word
    out = []
    for i, part in enumerate(parts):
        bare = part.strip(_EDGE_PUNCTUATION)
        if (bare and part.islower() and (len(bare) > 1 or edge and i == 0)
                and (i == 0 or bare not in STOP_WORDS)):
            lead = len(part) - len(part.lstrip(_EDGE_PUNCTUATION))
            part = part[:lead] + part[lead].upper() + part[lead + 1:]
        out.append(part)
    return word.__class__("-".join(out))


@patch
def text_case_rules() -> None:
    """``text-case="title"`` with CSL 1.0.2's stop words, hyphens, and on labels.

    citeproc-py knows 26 stop words (CSL 1.0.2 has about 150, so AMA printed
    'Pain After Spinal Cord Injury'), stops at hyphens ('Real-time'), and
    skips title case wherever it is not told the item's language: labels,
    so APA printed '(eds.)' for '(Eds.)'.  Without a language, the language
    of the output locale decides.
    """
    from citeproc import model
    from citeproc.string import MixedString, String

    original_case = model.TextCased.case
    original_locales = model.Style.set_locale_list

    def set_locale_list(self: Any, output_locale: str, validate: bool = True) -> None:
        self.output_language = output_locale.split("-")[0]
        original_locales(self, output_locale, validate)

    def case(self: Any, text: Any, language: str | None = None) -> Any:
        mixed, plain = isinstance(text, MixedString), type(text) is str
        if mixed:  # a joined macro holds plain str pieces too
            text = MixedString([String(t) if type(t) is str else t for t in text])
        elif plain:  # citeproc-py's case methods live on its String
            text = String(text)
        if language is None:
            language = getattr(self.get_root(), "output_language", "en")
        if self.get("text-case") != "title" or language != "en":
            cased = original_case(self, text, language)
            return str(cased) if plain and cased is not None else cased
        words = list(text.words())
        if not words:
            return text
        stop = [str(w).strip(_EDGE_PUNCTUATION).lower() in STOP_WORDS for w in words]
        out = MixedString([])
        after_colon = True
        for i, word in enumerate(words):
            edge = after_colon or i == len(words) - 1
            if stop[i] and not edge and word.islower():
                word = word.soft_lower()
            else:
                word = _title_word(word, edge)
            out = out + (" " if i else "") + word
            after_colon = str(word)[-1:] in ":?!."
        if mixed:
            return out
        return str(out) if plain else String(str(out))  # name parts are joined as str

    model.Style.set_locale_list = set_locale_list
    model.TextCased.case = case


# -- punctuation -------------------------------------------------------------

# formatting marks that may sit between two pieces of text (see citations.py)
_MARK_CHARS = "".join(chr(c) for c in range(0xE000, 0xE008)) + "\ue0f0\ue0f1"


@patch
def seam_punctuation() -> None:
    """No period after a question or exclamation mark where two pieces meet.

    citeproc-py only drops a repeated mark ('..'), so a title ending in '?'
    followed by the style's '.' printed 'phenomenon?.'.  Formatting marks
    around the seam are looked through.
    """
    from citeproc import model
    from citeproc import string as cstring

    original = cstring.normalize_seam

    def normalize_seam(left: Any, other: Any) -> Any:
        before = str(left).rstrip(_MARK_CHARS)
        after = str(other)
        if before and after[:1] == "." and before[-1] in "?!":
            return cstring._strip_first_char(other)
        return original(left, other)

    cstring.normalize_seam = normalize_seam
    model.normalize_seam = normalize_seam


# -- initials -------------------------------------------------------------------

_GIVEN_TOKEN = re.compile(r"([^\s.]+)(\.?)")


def initialize_given(given: str, mark: str, initialize: bool, hyphen: bool) -> str:
    """A given name as initials the way CSL and citeproc-js write them.

    A word becomes its first letter followed by ``mark`` (only with
    ``initialize="true"``); a single letter or a word written with a period
    ('Ph.', 'ME.') is already an initial and keeps its letters; a word in
    lower case ('de') is a particle and stays as written.
    """
    parts = given.split("-") if hyphen else [given.replace("-", " ")]
    out = []
    for part in parts:
        text = ""
        for word, period in _GIVEN_TOKEN.findall(part):
            if not word[0].isupper() or not (period or len(word) == 1 or initialize):
                text += ("" if not text or text.endswith(" ") else " ") + word + " "
            elif period or len(word) == 1:
                text += word + mark
            else:
                text += word[0] + mark
        out.append(text.strip())
    return "-".join(p for p in out if p)


@patch
def initials_as_written() -> None:
    """``initialize-with`` keeps initials whole and honours ``initialize="false"``.

    citeproc-py takes the first letter of every part, so a given name written
    as initials, "ME" (PubMed's form), becomes "M", "Ph." becomes "P.", and
    ``initialize="false"`` (keep full given names, only punctuate initials) is
    ignored.  Fixtures: name_InitialsInitialize* (eight of them).
    """
    from citeproc import model

    def initialize(self: Any, given: str, mark: str, context: Any) -> str:
        value = self.get("initialize")
        if value is None:
            for element in (context if context is not None else self).xpath_search(
                    "./ancestor::*[self::cs:citation or self::cs:bibliography or self::cs:style]"):
                value = value or element.get("initialize")
        return initialize_given(str(given), str(mark), value != "false",
                                self.get_option("initialize-with-hyphen", context))

    model.Name.initialize = initialize


# -- sorting -----------------------------------------------------------------

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


_SORTING: list[bool] = []  # inside a sort key: dates render as sortable numbers


def _date_sort_key(date: Any, shown: list[str]) -> str:
    """'0200011' style key of a date, with the parts the element does not show as zero."""
    if not hasattr(date, "year"):  # a literal date sorts by its text
        return str(date.sort_key())
    try:
        year = date.year
    except Exception:  # noqa: BLE001 - citeproc-py raises its own VariableError
        return ""
    month = date.get("month", 0) if "month" in shown else 0
    day = date.get("day", 0) if "day" in shown else 0
    return f"{year + 10000:05}{month:02}{day:02}"


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
    text ('44 BC' before '100 BC' in numeric order).
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
        _SORTING.append(True)
        try:
            return original_keys(self, items, context)
        finally:
            _SORTING.pop()

    def date_render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
        variable = self.get("variable")
        if not _SORTING or not variable:
            return original_date(self, item, *args, **kwargs)
        date = item.reference.get(variable.replace("-", "_"))
        if _GROUP_FRAMES:  # the group around it sees a variable called
            if date is None:
                _GROUP_FRAMES[-1].attempt = True
            else:
                _GROUP_FRAMES[-1].success = True
        if date is None:
            return None
        children = [part.get("name") for part in self.iterchildren() if part.get("name")]
        shown = (self.get("date-parts") or "-".join(children) or "year-month-day").split("-")
        if self.get("form") is None and not children:
            shown = []
        return "-".join(_date_sort_key(d, shown) for d in (date.get("begin", date),
                                                             date.get("end")) if d is not None)

    model.Sort.sort = sort
    model.Key.sort_keys = sort_keys
    model.Date.render = date_render


# -- numbers and labels ------------------------------------------------------

# CSL: numeric content is numbers with optional letter affixes ('2b', 'L2d'),
# possibly several separated by commas, hyphens or ampersands ('2, 3', '2-4').
_NUMBER = r"[A-Za-z]*\d+[A-Za-z]*"
NUMERIC = re.compile(rf"\s*{_NUMBER}(?:\s*(?:[,&\-\u2013]|and)\s*{_NUMBER})*\s*")
# several numbers (arabic or roman): a plural label ('pp. 4-6', 'pp. ix-xi')
_MULTIPLE = re.compile(r"\w\s*(?:[,&\-\u2013]|and)\s*\w")


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
        text = str(value)  # '4-6', 'ix-xi', '213 et 235' (the locale's 'and')
        return bool(_MULTIPLE.search(text) or re.search(r"\d+[^\d.]+\d+", text))

    model.If._is_numeric = is_numeric
    model.Label._is_plural = is_plural


@patch
def hyphenated_variable_names() -> None:
    """A reference answers for ``container-author`` as for ``container_author``.

    citeproc-py stores variables with underscores but ``<names>`` looks its
    roles up as the style spells them, so no hyphenated name variable
    (container-author, collection-editor, original-author, ...) was ever
    printed: APA's 'In T. Reid, Managing chronic pain' lost its author.
    """
    from citeproc.source import CustomDict, Reference

    def contains(self: Any, key: object) -> bool:
        return dict.__contains__(self, key.replace("-", "_") if isinstance(key, str) else key)

    def getitem(self: Any, key: str) -> Any:
        return CustomDict.__getitem__(self, key.replace("-", "_"))

    def get(self: Any, key: str, default: Any = None) -> Any:
        return dict.get(self, key.replace("-", "_"), default)

    Reference.__contains__ = contains
    Reference.__getitem__ = getitem
    Reference.get = get


# -- speed -------------------------------------------------------------------


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
