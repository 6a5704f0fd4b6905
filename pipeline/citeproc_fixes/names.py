"""Names: initials as CSL and citeproc-js write them."""

from __future__ import annotations

import functools
import re
from typing import Any

from .positions import POSITION
from .registry import patch
from .substitute import SUBSTITUTE_NAMES

_GIVEN_TOKEN = re.compile(r"([^\s.]+)(\.?)")
_WRAPPED = re.compile("([\ue000-\uf8ff]*)(.*?)([\ue000-\uf8ff]*)", re.DOTALL)  # marks


@functools.lru_cache(maxsize=4096)  # a reference list repeats its authors' given names
def initialize_given(given: str, mark: str, initialize: bool, hyphen: bool) -> str:
    """A given name as initials the way CSL and citeproc-js write them.

    A word becomes its first letter followed by ``mark`` (only with
    ``initialize="true"``); a single letter or a word written with a period
    ('Ph.', 'ME.') is already an initial and keeps its letters; a word in
    lower case ('de') is a particle and stays as written, except after a
    hyphen ('Guo-ping': 'G.', with or without ``initialize-with-hyphen``).  A word opening with two capitals keeps both
    ('TSerendorjiin': 'Ts.'), as in citeproc-js.  Formatting around a word
    ('<b>John</b>') stays around its initial ('<b>J.</b>').
    """
    parts = given.split("-")
    if initialize and len(parts) > 1:  # 'Soo-jin': the lower-case part is no initial
        parts = parts[:1] + [p for p in parts[1:] if not p[:1].islower()]
    if not hyphen:
        parts = [" ".join(parts)]
    punctuation = mark.rstrip()
    space = mark[len(punctuation):]
    out = []
    for part in parts:
        text = ""
        for token, period in _GIVEN_TOKEN.findall(part):
            lead, word, trail = _WRAPPED.fullmatch(token).groups()  # formatting kept around
            if not word[:1].isupper() or not (period or len(word) == 1 or initialize):
                text += ("" if not text or text.endswith(" ") else " ") + token + " "
                continue
            if period or len(word) == 1:
                initial = word
            elif word[1].isupper() and word[2:3].islower():
                initial = word[0] + word[1].lower()
            else:
                initial = word[0]
            text += lead + initial + punctuation + trail + space
        out.append(text.strip())
    return "-".join(p for p in out if p)


@patch
def initials_as_written() -> None:
    """``initialize-with`` keeps initials whole and honours ``initialize="false"``.

    citeproc-py takes the first letter of every part, so a given name written
    as initials, "ME" (PubMed's form), becomes "M", "Ph." becomes "P.", and
    ``initialize="false"`` (keep full given names, only punctuate initials) is
    ignored; an initial keeps the formatting of its word ('<b>J.</b> Q.').
    Fixtures: name_InitialsInitialize* (eight of them), name_InTextMarkupInitialize,
    name_InTextMarkupNormalizeInitials.
    """
    from citeproc import model

    def initialize(self: Any, given: str, mark: str, context: Any) -> str:
        value = self.get("initialize")
        if value is None:  # the nearest of the elements it is inherited from
            for element in reversed((context if context is not None else self).xpath_search(
                    "./ancestor::*[self::cs:citation or self::cs:bibliography or self::cs:style]")):
                value = value or element.get("initialize")
        return initialize_given(str(given), str(mark), value != "false",
                                self.get_option("initialize-with-hyphen", context))

    model.Name.initialize = initialize


# -- the name list ----------------------------------------------------------------

# The first names a bibliography entry prints, for subsequent-author-substitute:
# "capture" while they render, "current" the entry's names (or text standing
# in for them), "previous" the previous entry's, "replaced" set when the
# style's substitute string took their place.
# Given names added to tell citations apart (see disambiguation.py): per
# reference under GIVEN, {name index: level}; for the all-names and
# primary-name rules in GIVEN_LEVELS, {(family, given): level}.  Level 1:
# initials (the given name where the style sets none), 2: the given name.
GIVEN = "_disambiguate_given"
ADDED_NAMES = "_disambiguate_names"  # et-al-use-first for a reference's citations
GIVEN_LEVELS: dict[Any, Any] = {}
SUBSEQUENT: dict[str, Any] = {"capture": False, "current": None, "previous": None,
                              "string": None, "rule": "complete-all"}


def _substituted(keys: list[tuple[str, ...]], texts: list[str]) -> tuple[list[str], bool]:
    """The name texts with subsequent-author-substitute applied; whether all were replaced."""
    previous, rule, string = SUBSEQUENT["previous"], SUBSEQUENT["rule"], SUBSEQUENT["string"]
    SUBSEQUENT["current"] = ("names", tuple(keys))
    if string is None or not previous or previous[0] != "names":
        return texts, False
    before = previous[1]
    if rule in ("complete-all", "complete-each"):
        if tuple(keys) != before:
            return texts, False
        return ([string] * len(texts), rule == "complete-all")
    same = 0
    while same < min(len(keys), len(before)) and keys[same] == before[same]:
        same += 1
        if rule == "partial-first":
            break
    return [string] * same + texts[same:], False


# An 'and' term starting with a letter of a script that spaces its words (Latin, Greek,
# Cyrillic, Arabic, Thai, Hebrew but its prefix conjunction 'ו') stands between spaces;
# any other ('と', 'ו') joins the names as the term is written, as in citeproc-js.
_MARKS_AT_START = re.compile("^[\ue000-\ue0ff]+")
_SPACED_WORD = re.compile("[&A-Za-z\u00c0-\u017f\u0218-\u021b\u0370-\u03ff\u0400-\u052f"
                          "\u0590-\u05d4\u05d6-\u05ff\u0600-\u06ff\u0e01-\u0e5b\u1f00-\u1fff]")


def _is_others(name: Any) -> bool:
    """Whether a name is BibTeX's "others", which the project reads as the literal 'et al.'."""
    try:
        return str(name.get("literal") or "") == "et al."
    except AttributeError:
        return False


def _separator(option: str, delimiter: str, shown: int, inverted_before: bool,
               contextual_at: int) -> str:
    """The delimiter before 'and' or 'et al.' as ``delimiter-precedes-*`` asks, or a space."""
    if (option == "always" or option == "contextual" and shown >= contextual_at
            or option == "after-inverted-name" and inverted_before):
        return delimiter
    return " "


def _given_levels(item: Any, names: list[Any]) -> dict[int, int]:
    """How far each shown name's given name is spelled out to tell citations apart."""
    levels = dict(item.reference.get(GIVEN) or {})
    primary = GIVEN_LEVELS.get("primary")
    for index, name in enumerate(names[:1] if primary else names):
        family = " ".join(str(name.get(p)) for p in ("non-dropping-particle", "family")
                          if name.get(p))
        found = GIVEN_LEVELS.get((family, str(name.get("given"))))
        if found:
            levels[index] = max(levels.get(index, 0), found)
    return levels


def _sorting() -> bool:
    from .sorting import SORTING

    return bool(SORTING)


def _use_first_given(name: Any, context: Any, sort_options: Any) -> bool:
    """Whether the style sets ``et-al-use-first`` for this name (citeproc-py assumes 1)."""
    if sort_options and "et-al-use-first" in sort_options or name.get("et-al-use-first"):
        return True
    element = context if context is not None else name
    found = element.xpath_search("./ancestor::*[self::cs:citation or self::cs:bibliography]")
    root = name.get_root()
    options = root.find("cs:style-options", root.nsmap) if hasattr(root, "nsmap") else None
    return bool(found and found[0].get("et-al-use-first") or root.get("et-al-use-first")
                or options is not None and options.get("et-al-use-first"))


def _subsequent_et_al(name: Any, context: Any, et_al_min: Any, use_first: Any) -> tuple[Any, Any]:
    """``et-al-subsequent-min``/``-use-first`` in place of the first cite's, where set."""
    element = context if context is not None else name
    found = element.xpath_search("./ancestor::*[self::cs:citation]")
    if not found:
        return et_al_min, use_first
    holders = [name, *(n for n in (name.getparent(),) if n is not None), found[0],
               name.get_root()]
    for attribute in ("et-al-subsequent-min", "et-al-subsequent-use-first"):
        value = next((h.get(attribute) for h in holders if h.get(attribute)), None)
        if value is not None and attribute.endswith("min"):
            et_al_min = int(value)
        elif value is not None:
            use_first = int(value)
    return et_al_min, use_first


_FONT = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


class EachFormatted(str):
    """A name list whose names carry the ``<name>`` element's formatting already."""


def _wraps_each(name: Any) -> bool:
    """Whether the affixes go on each name (a space alone reads the same either way)."""
    return bool((name.get("prefix") or "").strip() or (name.get("suffix") or "").strip())


def _formats(name: Any) -> bool:
    return bool(name.get("prefix") or name.get("suffix")) or any(
        name.get(attribute) is not None for attribute in _FONT)


def render_names(self: Any, item: Any, variable: str, context: Any = None,
                 sort_options: Any = None, **kwargs: Any) -> Any:
    """A ``<name>`` element's rendering of one name variable (CSL 1.0.2, "Name").

    The element's formatting and affixes go on each name, as citeproc-js sets them:
    'S<sc>chmidt</sc> and R<sc>ossi</sc>', 'Mbeki T., Lindqvist E.' (``suffix="."``), the
    'and', 'et al.' and the delimiters in the text's own style.
    """
    text = _render_names(self, item, variable, context, sort_options, **kwargs)
    if isinstance(text, str) and text and _formats(self) and text != SUBSEQUENT["string"]:
        return EachFormatted(text)
    return text


def _render_names(self: Any, item: Any, variable: str, context: Any = None,
                  sort_options: Any = None, **_kwargs: Any) -> Any:
    from .name_parts import PartFormat, display, parse, suffix_abbreviations

    def option(name: str) -> Any:
        return self.get_option(name, context, sort_options)

    names = item.reference.get(variable) or []
    # BibTeX's "and others" (a last name "et al."): the style's own 'et al.', as pandoc prints it
    others = bool(names) and _is_others(names[-1])
    names = names[:-1] if others else names
    et_al_min = option("et-al-min")
    use_first = option("et-al-use-first") if _use_first_given(self, context, sort_options) \
        else len(names)  # et-al-min alone truncates nothing
    if ((not sort_options or sort_options.get("_cite"))
            and "subsequent" in (item.get(POSITION) or ())):
        et_al_min, use_first = _subsequent_et_al(self, context, et_al_min, use_first)
        # names added to tell references apart stay (see disambiguation.py)
        use_first = max(use_first, item.reference.get(ADDED_NAMES) or 0)
    count = len(names) + others  # "others" counts as a name towards et-al-min
    truncate = bool(et_al_min) and count >= et_al_min and use_first < count
    if others and names:
        truncate, use_first = True, min(use_first, len(names))
    if truncate and use_first == 0:
        return ""  # no names at all
    shown = names[:use_first] if truncate else list(names)
    form = option("form") or "long"
    if form == "count":
        return len(shown)
    use_last = truncate and option("et-al-use-last") and use_first <= et_al_min - 2 \
        and not others  # the last author is not known
    order = option("name-as-sort-order")
    initialize_with = option("initialize-with")
    demote = option("demote-non-dropping-particle")
    if demote == "sort-only" and _sorting():
        demote = "display-and-sort"  # 'van Gogh' sorts under G
    separator = option("sort-separator")
    delimiter = option("delimiter")
    fmt = PartFormat(self)
    if SUBSTITUTE_NAMES:  # standing in for names: their <name-part>s, where this says none
        fmt.inherit(SUBSTITUTE_NAMES[-1].find("cs:name", self.nsmap))
    texts, inverted, literals = [], [], []
    listed = shown + ([names[-1]] if use_last else [])
    levels = _given_levels(item, listed) if sort_options and sort_options.get("_cite") else {}
    for index, name in enumerate(listed):
        parts = parse(name)
        level = levels.get(index, 0)
        own_form = "long" if level else form
        if parts.given and parts.family and initialize_with is not None and level < 2:
            parts.given = str(self.initialize(parts.given, initialize_with, context))
        if parts.suffix and initialize_with is not None:
            parts.suffix = suffix_abbreviations(parts.suffix, str(initialize_with))
        flip = own_form == "long" and (order == "all" or order == "first" and index == 0)
        inverted.append(flip and not parts.literal)
        literals.append(bool(parts.literal))
        texts.append(display(parts, own_form, flip, demote, separator, fmt))
    if _formats(self):  # each name formatted and in affixes, not the 'and' or delimiters
        # an institution's name (a literal) takes no affixes, as in citeproc-js: 'Lee J., WHO'
        texts = [str(self.wrap(self.format(text)) if _wraps_each(self) and not literal
                     else self.format(text))
                 for text, literal in zip(texts, literals, strict=True)]
    replaced = False
    if SUBSEQUENT["capture"] and SUBSEQUENT["current"] is None:
        texts, replaced = _substituted([(str(t),) for t in texts], texts)  # as printed
        if replaced:
            return SUBSEQUENT["string"]
    et_al = self.et_al() if truncate else None
    if use_last:
        return delimiter.join(texts[:-1]) + delimiter + "\u2026 " + texts[-1]
    if truncate and et_al and not _sorting():  # CSL: no 'et al.' in a sort key
        precedes = option("delimiter-precedes-et-al")
        before = _separator(precedes, delimiter, len(texts), inverted[-1], 2)
        if others and precedes in (None, "contextual") and inverted[-1]:
            before = delimiter  # one inverted name: 'Walsh D, et al.'; in text '(Walsh et al.)'
        if before == " " and not _SPACED_WORD.match(_MARKS_AT_START.sub("", str(et_al))):
            before = ""  # a term of a script without word spaces: 'Okonkwoほか', as citeproc-js
        text = delimiter.join(texts) + before + str(et_al)
        # as in citeproc-js, the name's formatting takes in the delimiters and 'et al.'
        return str(self.format(text)) if _formats(self) else text
    and_ = option("and")
    if and_ in ("text", "symbol") and len(texts) > 1 and not truncate and not _sorting():
        word = str(self.get_single_term(name="and") if and_ == "text" else "&")
        before = _separator(option("delimiter-precedes-last"), delimiter, len(texts),
                            inverted[-2], 3)
        after = " "
        if not _SPACED_WORD.match(word):  # 'と', the Hebrew 'ו': joined as the term is written
            # as citeproc-js joins them: the delimiter stays only between two names it
            # always precedes ('Lee, J., とPark, S.'), not before the last of more
            two = len(texts) == 2 and option("delimiter-precedes-last") == "always"
            before, after = (delimiter if two else ""), ""
        return delimiter.join(texts[:-1]) + before + word + after + texts[-1]
    return delimiter.join(texts)


@patch
def name_lists_as_csl_writes_them() -> None:
    """Names with particles, name-part formatting, ``et-al-use-last`` and every delimiter rule.

    citeproc-py joins particles with spaces ("d' Aubignac"), never parses them
    out of the family name ('van Gogh' sorted under V), formats the family
    name-part over the dropping particle, ignores ``comma-suffix``,
    ``after-inverted-name``, ``et-al-subsequent-min``/``-use-first``, a suffix
    written in the given name ('John, III') and CJK name order, and
    ``form="count"`` names come out as text ('32' for 3 + 2).  It also has no
    ``subsequent-author-substitute`` (see :data:`SUBSEQUENT`).  Fixtures:
    name_* (particles, affixes, counts), nameattr_*, sort_LeadingApostrophe*,
    magic_NameSuffix*, bugreports_EtAlSubsequent.
    """
    from citeproc import model

    original_markup = model.Name.markup

    def markup(self: Any, text: Any) -> Any:
        if isinstance(text, int):  # form="count": Names adds the counts up
            return text
        if isinstance(text, EachFormatted):  # the names are formatted, one by one
            return str(text) if _wraps_each(self) else self.wrap(str(text))
        return original_markup(self, text)

    def format_name(self: Any, item: Any, variable: str) -> Any:
        """A name variable's sort key, particles parsed ('van Gogh' under G unless never)."""
        from .name_parts import parse

        names = item.reference.get(variable)
        if names is None:
            return None
        demote = self.get_root().get("demote-non-dropping-particle", "display-and-sort")
        keys = []
        for name in names:
            parts = parse(name)
            if parts.literal:
                keys.append(parts.literal)
                continue
            if demote in ("sort-only", "display-and-sort"):
                family, given = parts.family, " ".join(
                    p for p in (parts.given, parts.dropping, parts.non_dropping) if p)
            else:
                family = " ".join(p for p in (parts.non_dropping, parts.family) if p)
                given = " ".join(p for p in (parts.given, parts.dropping) if p)
            keys.append(", ".join(p for p in (family, given, parts.suffix) if p))
        return ";".join(keys)

    model.Name.process = render_names
    model.Name.markup = markup
    model.Key._format_name = format_name
