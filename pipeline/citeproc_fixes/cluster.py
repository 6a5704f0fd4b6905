"""A citation's cites rendered and joined as CSL's ``<citation>`` asks.

citeproc-py renders each cite and joins them with the layout's delimiter.
CSL also collapses: numbers (``[1–3]``), cites by the same authors
(``Smith 1900, 2000``, ``collapse="year"``), their year suffixes
(``Smith 2000a, b`` and ``2000a–c``), with ``cite-group-delimiter``,
``year-suffix-delimiter`` and ``after-collapse-delimiter``; and cite modes
(``suppress-author``, ``author-only``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..citeproc_marks import cite_marked, strip_cite_marks
from . import positions
from .registry import patch
from .year_suffixes import suffix_at_end, suffix_spans

EN_DASH = "\u2013"
NO_NAMES = "\x00"  # what a cite that prints no names is grouped by
Group = tuple[str, bool, Any, Any]  # text, collapsed, its first and last cite
MARKS = re.compile("[\ue000-\uf8ff]")  # the private-use marks around cites and formatting
BY_YEAR = ("year", "year-suffix", "year-suffix-ranged")
AFFIX_PUNCTUATION = (",", ".", ";")  # a cite affix's edge that takes the delimiter's place
SENTENCE_END = (".", "?", "!", ":", ";")
CLOSING = "\"'\u201d\u2019\u00bb\u202f\u00a0 "  # closing quotes and spaces after a full stop
# What one cite or entry has printed so far (reset for each): CSL prints an
# implicit year suffix after the first year only.
# The cite mode asks Names to leave out ("suppress") or keep only ("only") the
# first names printed, and the names kept are noted.  "printed": whether a
# note style's cite has printed anything yet (a term that starts it is
# capitalized: 'Ibid.'); None outside a note style's cites; "citation_start":
# no cite of the citation printed yet.  "mark_cites": put each cite between
# cite marks (while format_clusters asks for them); "citation": the one rendered.
RENDERING: dict[str, Any] = {"year_suffix_done": False, "names_mode": None, "names_seen": None,
                             "printed": None, "citation_start": True, "mark_cites": False,
                             "citation": None}


def render_cite(layout: Any, item: Any, mode: str | None) -> str | None:
    """One cite through the layout's children; ``mode`` 'suppress' or 'only' the first names."""
    from citeproc.source import VariableError

    layout.repressed = {}
    RENDERING["year_suffix_done"] = False
    RENDERING["names_mode"] = mode
    RENDERING["names_seen"] = None
    prefix = MARKS.sub("", str(item.get("prefix", "")))
    RENDERING["printed"] = (None if layout.get_root().get("class") != "note" else
                            not _ends_sentence(prefix) if prefix
                            else not RENDERING["citation_start"])
    try:
        output = layout.render_children(item)
    except VariableError:
        return None
    finally:
        RENDERING["names_mode"] = RENDERING["printed"] = None
        if mode != "only":
            RENDERING["citation_start"] = False
    if mode == "only":
        return None if RENDERING["names_seen"] is None else str(RENDERING["names_seen"])
    return None if output is None else str(output)


def author_only(layout: Any, item: Any) -> str | None:
    """The first names a rendered cite prints (or their substitute), or None: author-only."""
    return render_cite(layout, item, "only")


def _ends_sentence(prefix: str) -> bool:
    """A prefix of more than one word whose last character (before quotes) ends a sentence.

    citeproc-js capitalizes a term after 'He said "Please work." ' but not after
    an abbreviation standing alone ('Cf. ').
    """
    return (prefix.rstrip(CLOSING).endswith(SENTENCE_END)
            and " " in prefix.strip())


def _splice(delimiter: str, before: Any, after: Any) -> str:
    """The delimiter between two cites, given the punctuation of their own affixes.

    After a cite whose suffix ends in ',', '.' or ';', only the delimiter's
    space (from its first space on) is kept; before a cite whose prefix starts
    with one of them (and after one with no suffix), none is: 'Book A, cited in
    Book B' for the prefix ', cited in', as citeproc-js joins them.
    """
    suffix = MARKS.sub("", str(before.get("suffix", "")))
    prefix = MARKS.sub("", str(after.get("prefix", "")))
    if suffix.endswith(AFFIX_PUNCTUATION):
        space = delimiter.find(" ")
        return delimiter[space:] if space > -1 else ""
    if not suffix and prefix.startswith(AFFIX_PUNCTUATION):
        return ""
    return delimiter


def _mode(item: Any) -> str | None:
    """The cite's own mode: 'suppress' (suppress-author), 'only' (author-only) or None."""
    return ("suppress" if item.get("suppress_author")
            else "only" if item.get("author_only") else None)


def _plain(item: Any) -> bool:
    return not (item.has_locator or item.get("prefix") or item.get("suffix"))


def _bare(cite: tuple[Any, str]) -> bool:
    """A cite that prints its number alone (a locator the style does not print is no bar)."""
    item, text = cite
    return _plain(item) or (not (item.get("prefix") or item.get("suffix"))
                            and MARKS.sub("", text) == str(item.number))


def _collapse_numbers(rendered: list[tuple[Any, str]]) -> list[Group]:
    """Runs of three or more consecutive citation numbers as 'first–last'."""
    groups: list[Group] = []
    i = 0
    while i < len(rendered):
        j = i
        while (j + 1 < len(rendered) and _bare(rendered[j + 1]) and _bare(rendered[j])
               and rendered[j + 1][0].number == rendered[j][0].number + 1):
            j += 1
        if j - i >= 2:
            groups.append((rendered[i][1] + EN_DASH + rendered[j][1], True, rendered[i][0],
                           rendered[j][0]))
            i = j + 1
        else:
            groups.append((rendered[i][1], False, rendered[i][0], rendered[i][0]))
            i += 1
    return groups


def _year(item: Any) -> Any:
    issued = item.reference.get("issued")
    try:
        return issued.year
    except Exception:  # noqa: BLE001 - no date, a literal date or a range
        return None


def _unnamed(layout: Any, item: Any) -> str:
    """What a cite that prints no names is grouped by: its text but for the numbers (and year suffixes).

    As in citeproc-js, cites printing only a year collapse together ('1965a,b'),
    while cites printing a title instead of names ('Adeyemi v Northfield Health
    Trust, 2014; Clinical Records Act 2011, 2011') stay apart.
    """
    start = RENDERING["citation_start"]
    try:
        text = render_cite(layout, item, None) or ""
    finally:
        RENDERING["citation_start"] = start
    return NO_NAMES + re.sub(r"\d+[a-z]{0,2}\b", "", MARKS.sub("", text))


def _names_to_group_by(cites: list[Any], names_of: Callable[[Any], Any]) -> dict[int, Any]:
    """Each cite's names, to group by; a cite alone is a group: its names are not rendered."""
    return {id(item): names_of(item) if len(cites) > 1 else None for item in cites}


def _by_names(cites: list[Any], names: dict[int, str | None], regroup: bool) -> list[list[Any]]:
    """Cites with the same names together (all of them when the citation is sorted)."""
    groups: list[list[Any]] = []
    for item in cites:
        name = names[id(item)]
        if name and groups:
            candidates = groups if regroup else groups[-1:]
            match = next((g for g in candidates if names[id(g[0])] == name), None)
            if match is not None:
                match.append(item)
                continue
        groups.append([item])
    return groups


def _runs_by_names(rendered: list[tuple[Any, str]], names: dict[int, str | None]
                   ) -> list[list[tuple[Any, str]]]:
    """Rendered cites in runs of the same names (``cite-group-delimiter`` joins a run)."""
    runs: list[list[tuple[Any, str]]] = []
    for item, text in rendered:
        name = names[id(item)]
        if runs and name and names[id(runs[-1][0][0])] == name:
            runs[-1].append((item, text))
        else:
            runs.append([(item, text)])
    return runs


def _year_group(layout: Any, group: list[Any], collapse: str, options: dict[str, Any]
                ) -> tuple[str, list[Any]]:
    """One author's cites: the first in full, the others without names (or just a suffix)."""
    parts: list[tuple[Any, str, bool | None]] = []  # (item, text, suffix only; None: shortened)
    for index, item in enumerate(group):
        previous = group[index - 1] if index else None
        suffix = item.reference.get("year_suffix")
        if (previous is not None and collapse != "year" and suffix
                and previous.reference.get("year_suffix")
                and _year(previous) == _year(item) and _year(item) is not None):
            if _plain(item) and _plain(previous):
                parts.append((item, suffix, True))
                continue
            short = _without_year(render_cite(layout, item, "suppress"), _year(item), suffix)
            if short is not None:  # as citeproc-js: 'Smith 2000a, b, p. 3', '2000a, p. 3, b'
                parts.append((item, _mark(item, item.get("prefix", "") + short
                                          + item.get("suffix", "")), None))
                continue
        text = render_cite(layout, item, "suppress" if index else _mode(item))
        if text is not None:
            parts.append((item, item.get("prefix", "") + text + item.get("suffix", ""), False))
    done = [item for item, _text, _only in parts]
    out = ""
    i = 0
    suffixes_before = False
    while i < len(parts):
        item, text, only = parts[i]
        if only is None:  # a shortened cite follows its year's cite as a suffix does
            previous = parts[i - 1][0]
            if _plain(item) and not (previous.get("prefix") or previous.get("suffix")):
                out += options["year-suffix-delimiter"]  # after a locator: '2000a:4; b'
            else:  # citeproc-js's splice delimiter of a cite whose names collapsed
                out += (options["after-collapse-delimiter"] if options["explicit-after"]
                        and previous.has_locator else options["cite-group-delimiter"])
            out += text
            suffixes_before = True
            i += 1
            continue
        j = i
        while j + 1 < len(parts) and parts[j + 1][2]:
            j += 1
        if j > i:
            letters = [item.reference.get("year_suffix") or ""] + [p[1] for p in parts[i + 1:j + 1]]
            text = _joined_suffixes(text, letters, [p[0] for p in parts[i:j + 1]],
                                    collapse == "year-suffix-ranged",
                                    options["year-suffix-delimiter"])
        else:
            text = _mark(item, text)
        if i:
            # after a located cite only a style's own after-collapse-delimiter, as in citeproc-js
            located = parts[i - 1][0].has_locator and options["explicit-after"]
            out += (options["after-collapse-delimiter"] if located or suffixes_before
                    else options["cite-group-delimiter"])
        out += text
        suffixes_before = j > i
        i = j + 1
    return out, done


def _without_year(text: str | None, year: Any, suffix: str) -> str | None:
    """A cite's text without the year before its suffix ('b, p. 3' of '2000b, p. 3'), or None."""
    if not text:
        return None
    found = re.search(f"{re.escape(str(year))}(?=[\ue000-\uf8ff]*{re.escape(suffix)})", text)
    if found is None or MARKS.sub("", text[:found.start()]).strip():
        return None  # the year is not where the cite begins: left whole
    return text[:found.start()] + text[found.end():]


def _mark(item: Any, text: str) -> str:
    """A cite's text between its marks, when the caller asked for them (see citeproc_marks)."""
    if not RENDERING.get("mark_cites"):
        return text
    index = next((n for n, cite in enumerate(RENDERING["citation"].cites) if cite is item), -1)
    return cite_marked(index, text)


def _joined_suffixes(text: str, letters: list[str], items: list[Any], ranged: bool,
                     delimiter: str) -> str:
    """The first cite's text with the others' year suffixes: 'Smith 2000a, b' or '2000a–c'.

    Each letter is marked as its own cite's when the caller asked for marks.
    """
    head, opening, inner, outer = suffix_at_end(text, letters[0])
    closed = ""  # formatting opened before the suffix closes inside the first cite's marks
    if outer and RENDERING.get("mark_cites"):
        closed, outer = outer, ""
    pieces = []
    for first, last in suffix_spans(letters, ranged):
        piece = _mark(items[first], (head if first == 0 else "") + opening + letters[first]
                      + inner + (closed if first == 0 else ""))
        if last != first:
            piece += EN_DASH + _mark(items[last], opening + letters[last] + inner)
        pieces.append(piece)
    return delimiter.join(pieces) + outer


def render_citation(layout: Any, citation: Any, callback: Any) -> Any:
    """The whole citation: cites sorted, rendered, collapsed, joined, formatted."""
    element = layout.getparent()
    RENDERING["citation"] = citation
    good = [cite for cite in citation.cites if not cite.is_bad()]
    bad = [cite for cite in citation.cites if cite.is_bad()]
    if element.sort is not None:
        # ties in the style's keys keep the order of the cites, as in citeproc-js
        # ('Smith 2021c, 2021b' as written); a citation number is the reference list's
        if any(key.get("variable") == "citation-number"
               for key in element.sort.findall("cs:key", element.sort.nsmap)):
            keys = citation.bibliography.keys
            good.sort(key=lambda item: keys.index(item.key))
        good = element.sort.sort(good, layout)
        # a narrative cite's names come before the citation: it stays first in it
        narrative = [item for item in good if item.get("author_in_text")
                     and render_cite(layout, item, "only")]
        good = narrative + [item for item in good if all(item is not n for n in narrative)]
    positions.assign(good, element.cites, int(element.get("near-note-distance") or 5))
    RENDERING["citation_start"] = True
    delimiter = layout.get("delimiter", "")
    collapse = element.get_option("collapse")
    after = element.get_option("after-collapse-delimiter")
    # as citeproc-js does: a style's own after-collapse-delimiter also follows a cite with
    # a locator, and with collapse="year" (or "year-suffix-ranged") every group of names
    explicit_after = after is not None and collapse in BY_YEAR
    after = delimiter if after is None else after
    groups: list[Group] = []
    if collapse in BY_YEAR:
        group_delimiter = element.get("cite-group-delimiter") or None  # "" is unset (citeproc-js)
        # unset, citeproc-js joins one author's cites with ', ' in an in-text style only
        unset = ", " if layout.get_root().get("class") != "note" else delimiter
        options = {"cite-group-delimiter": unset if group_delimiter is None else group_delimiter,
                   "after-collapse-delimiter": after, "explicit-after": explicit_after,
                   "year-suffix-delimiter": element.get("year-suffix-delimiter", delimiter
                                                        if group_delimiter is None
                                                        else group_delimiter)}
        names = _names_to_group_by(good, lambda item: render_cite(layout, item, "only")
                                   or _unnamed(layout, item))
        for group in _by_names(good, names, regroup=element.sort is not None):
            text, done = _year_group(layout, group, collapse, options)
            element.cites.extend(done)
            if done:
                groups.append((text, len(done) > 1, done[0], done[-1]))
    else:
        group_delimiter = element.get("cite-group-delimiter") or None  # "" is unset (citeproc-js)
        if group_delimiter is not None and collapse is None:  # same names together
            names = _names_to_group_by(good, lambda item: render_cite(layout, item, "only"))
            good = [i for g in _by_names(good, names, regroup=element.sort is not None)
                    for i in g]
        rendered: list[tuple[Any, str]] = []
        for item in good:
            output = render_cite(layout, item, _mode(item))
            if output is not None:
                rendered.append((item, _mark(item, item.get("prefix", "") + output
                                             + item.get("suffix", ""))))
                element.cites.append(item)
        if collapse == "citation-number":
            groups = _collapse_numbers(rendered)
        elif group_delimiter is not None and collapse is None:
            groups = [(group_delimiter.join(text for _item, text in group), False, group[0][0],
                       group[-1][0]) for group in _runs_by_names(rendered, names)]
        else:
            groups = [(text, False, item, item) for item, text in rendered]
    text = ""
    for index, (group, _collapsed, first, _last) in enumerate(groups):
        if index:
            previous = groups[index - 1]
            text += _splice(after if previous[1] or explicit_after and (
                collapse in ("year", "year-suffix-ranged") or previous[3].has_locator)
                else delimiter, previous[3], first)
        text += group
    for item in bad:
        text += (delimiter if text else "") + (callback(item) or f"{item.key}?")
    if not text:
        return None
    if good and all(item.get("author_only") for item in good):
        return text
    wrapped = layout.format(layout.wrap(text))
    if RENDERING.get("mark_cites"):
        # the marks must change nothing of the text (a seam with the layout's affixes)
        plain = layout.format(layout.wrap(strip_cite_marks(text)))
        if strip_cite_marks(str(wrapped)) != str(plain):
            return plain
    return wrapped


# -- citation layout: collapsing, suppress-author, author-only ----------------


@patch
def citation_collapse_and_author_modes() -> None:
    """CSL ``collapse`` (all four kinds), and ``suppress-author``/``author-only`` cites.

    citeproc-py ignores ``collapse``: ``[1,2,3]`` instead of ``[1–3]``,
    "Smith 1900, Smith 2000" instead of "Smith 1900, 2000", "2000a, 2000b"
    instead of "2000a, b"; nor ``cite-group-delimiter``, ``year-suffix-delimiter``
    and ``after-collapse-delimiter``.  It also has no cite modes:
    ``suppress-author`` leaves out the first names the cite prints (or their
    substitute), ``author-only`` prints nothing but them.  A cite affix's own
    punctuation takes the delimiter's place (:func:`_splice`).  The rendering is
    :func:`render_citation`.  Fixtures: collapse_* (most), sort_GroupedByAuthorstring,
    name_CiteGroupDelimiter*, affix_WithCommas, magic_SuppressLayoutDelimiterIfPrefixComma,
    position_IbidWithPrefixFullStop, magic_ImplicitYearSuffixExplicitDelimiter,
    collapse_ChicagoAfterCollapse, and the project's narrative citations.
    """
    from citeproc import model

    def layout_render_citation(self: Any, citation: Any, callback: Any) -> Any:
        return render_citation(self, citation, callback)

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

    model.Layout.render_citation = layout_render_citation
    model.Names.process = names_process
