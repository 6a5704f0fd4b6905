"""The project's citations against citeproc-js in many styles, on references of every kind.

``tests/fixtures/citation_styles/varied.bib`` holds every entry type the project
maps from BibTeX/biblatex, names with particles, suffixes and organisations,
dates with ranges, a season and none, works by the same authors in the same
year, and author lists of every et-al length.  Each style cites every entry,
clusters of several, a locator of every label, affixes and repeated cites
(:func:`citeproc_js.varied_clusters`); in a note style each citation is its own
footnote.  Every entry and citation must read as citeproc-js prints it, or be
explained by a cause below; a cause that explains nothing fails too.  The quick
subset runs one style of each kind; the most used styles (``MAJOR_STYLES``)
run in the slow test.  ``.venv/bin/python tests/citeproc_js.py --wide --summary``
prints the agreement per style and group.
"""

from __future__ import annotations

import re

import pytest
from citeproc_js import (
    MAJOR_STYLES,
    QUICK_STYLES,
    VARIED,
    Cite,
    Comparison,
    compare,
    node_available,
    project_output,
    varied_clusters,
)

needs_node = pytest.mark.skipif(node_available() is not None,
                                reason=node_available() or "citeproc-js available")

HYPHENATED = ("citeproc-js's own: a given name with a lower-case part after a hyphen "
              "('Jae-won') keeps that part as a word when initials take no period ('Lee J won', "
              "AMA); CSL initialises each part of a hyphenated name ('Lee JW'), as the project")
AFFIX_IN_QUOTES = ("citeproc-js's own: the comma of a cite's suffix (', with caution') stays "
                   "outside a title's closing quote; the project moves it inside, as the locale's "
                   "punctuation-in-quote asks and as pandoc prints it")
# (style pattern, entry key or cite pattern, why): a difference from citeproc-js explained.
CAUSES = [
    (r".*", r"leej2018|leek2018|phd2017", HYPHENATED),
    (r"modern-language-association|chicago-.*notes.*|iso690-full-note-en", r"cite:73",
     AFFIX_IN_QUOTES),
]


def _explained(style: str, key: str) -> str | None:
    return next((why for styles, keys, why in CAUSES
                 if re.fullmatch(styles, style) and re.fullmatch(keys, key)), None)


def _check(comparisons: list[Comparison]) -> set[str | None]:
    unexplained, used = [], set()
    for comparison in comparisons:
        assert not comparison.error, f"{comparison.style}: {comparison.error}"
        for key, (ours, theirs) in comparison.differing().items():
            why = _explained(comparison.style, key)
            if why is None:
                unexplained.append(f"{comparison.style} {key}\n  ours:        {ours}\n"
                                   f"  citeproc-js: {theirs}")
            used.add(why)
    assert not unexplained, "differences from citeproc-js without a cause:\n" + "\n".join(
        unexplained)
    return used


@pytest.fixture(scope="module")
def quick():
    """The quick styles on the varied references, once for the module."""
    return compare([VARIED], QUICK_STYLES, varied_clusters)


@needs_node
def test_one_style_of_each_kind_prints_as_citeproc_js(quick):
    _check(quick)
    for comparison in quick:
        _same, total, _cited, clusters = comparison.agreement()
        assert total >= 40 and clusters >= 70
        assert comparison.order[0] == comparison.order[1]


@needs_node
@pytest.mark.slow
def test_the_most_used_styles_print_as_citeproc_js():
    comparisons = compare([VARIED], MAJOR_STYLES, varied_clusters)
    used = _check(comparisons)
    stale = {why for _s, _k, why in CAUSES} - used
    assert not stale, f"causes that explain no difference any more: {stale}"


@pytest.mark.parametrize(("style", "names"), [
    ("apa", "Mbeki & Lindqvist"),  # sorted by names and year
    ("harvard-cite-them-right", "Mbeki and Lindqvist"),  # by a key that prints the suffix
])
def test_cites_alike_in_the_sort_keep_the_order_they_are_written_in(style, names):
    _entries, marks = project_output([VARIED], style, [
        [Cite("mbeki2021a"), Cite("mbeki2021b")], [Cite("mbeki2021b"), Cite("mbeki2021a")]])
    # 'Insomnia ...' (mbeki2021b) is 2021a in the reference list, 'Sleep ...' 2021b
    assert marks == [f"({names}, 2021b, 2021a)", f"({names}, 2021a, 2021b)"]


def test_a_citation_number_sort_still_follows_the_reference_list():
    _entries, marks = project_output([VARIED], "ieee", [
        [Cite("okonkwo2019")], [Cite("mbeki2021a")], [Cite("mbeki2021a"), Cite("okonkwo2019")]])
    assert marks[2] == "[1], [2]"


@pytest.mark.parametrize(("style", "written"), [
    ("american-medical-association", "de la Cruz M, von Neumann K, Smith R Jr, Davis T III."),
    ("apa", "de la Cruz, M., von Neumann, K., Smith, R., Jr., & Davis, T., III."),
])
def test_a_name_suffix_ends_as_the_styles_initials_do(style, written):
    entries, _marks = project_output([VARIED], style, [[Cite("beethovenlike2015")]])
    (text,) = [text for key, text in entries if key == "beethovenlike2015"]
    assert written in text


def test_an_entry_area_after_text_stands_apart_from_it():
    """AAA sets the names as a block, the year in the margin, the rest beside it."""
    entries, _marks = project_output([VARIED], "american-anthropological-association",
                                     [[Cite("consortium2020")]])
    (text,) = [text for key, text in entries if key == "consortium2020"]
    assert "et al. 2020 Opioid Tapering in Primary Care" in text
