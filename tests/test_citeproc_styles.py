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
run in the slow test, and in other languages in ``test_citeproc_styles_languages.py``.
``.venv/bin/python tests/citeproc_js.py --wide --summary`` prints the agreement per style
and group.
"""

from __future__ import annotations

import re

import pytest
from citeproc_js import (
    MAJOR_STYLES,
    NOTE_STYLES,
    QUICK_STYLES,
    VARIED,
    Cite,
    Comparison,
    compare,
    node_available,
    note_clusters,
    project_output,
    varied_clusters,
)

needs_node = pytest.mark.skipif(node_available() is not None,
                                reason=node_available() or "citeproc-js available")

HYPHENATED = ("citeproc-js's own: where initials take no period (AMA, NLM), a lower-case part "
              "after a hyphen ('Jae-won', 'Soo-ah') stays as a word ('Lee J won'); with periods "
              "citeproc-js itself drops it ('Lee, J.' in APA), as the project does in both")
AFFIX_IN_QUOTES = ("citeproc-js's own: the comma of a cite's suffix (', with caution') stays "
                   "outside a title's closing quote; the project moves it inside, as the locale's "
                   "punctuation-in-quote asks and as pandoc prints it")
# (style pattern, entry key or cite pattern, why): a difference from citeproc-js explained.
CAUSES = [
    (r".*", r"leej2018|leek2018|phd2017", HYPHENATED),
    (r"modern-language-association|chicago-.*notes.*|iso690-full-note-en", r"cite:73",
     AFFIX_IN_QUOTES),
    (r"iso690-author-date-en", r"cite:(46|52|74)",
     ("citeproc-js's own: where a style sets after-collapse-delimiter, the cites of one "
     "author's group are joined by the layout's delimiter ('Mbeki, Lindqvist 2021a; 2021b'); "
     "CSL joins them with cite-group-delimiter, ', ' by default, as the project")),
    (r"american-institute-of-physics", r"law2016|case2010",
     ("the entry's number: the project sets it in the list's own margin column, so it stands "
     "apart from the text; citeproc-js's flat entry runs it into a title with no author "
     "('³⁸Health and Social Care Act')")),
    (r"american-anthropological-association", r"law2016|case2010",
     ("citeproc-js's own: the layout's closing '.' is lost when the entry's last area "
     "(right-inline) is empty, as for a law with no author, title or publisher after the "
     "year; the project ends the entry with it")),
    (r"multidisciplinary-digital-publishing-institute|iso690-full-note-en",
     r"textbook2016|cite:14",
     ("citeproc-js's own: punctuation doubled where a group's delimiter or an abbreviation's "
     "period meets the next affix ('Vol. 2;.', 'trans..'); the project merges it, as "
     "CSL's punctuation rules and pandoc do")),
    (r"annual-reviews", r"online2024",
     ("citeproc-js's own extension: <text variable=\"URL\" form=\"short\"> prints the host "
     "('www.nhs.uk'); CSL has no short URL, so the project prints the URL itself")),
    (r"oscola.*", r"order",
     ("CSL spec question: OSCOLA sorts legal sources by <name form=\"count\"/>; citeproc-js "
      "counts a work without names as 0, before one with a corporate author (the ISO "
      "standard); CSL puts an empty sort key last, as the project")),
    (r"associacao-brasileira-de-normas-tecnicas", r"sixauthors2017",
     ("citeproc-js's own: a month range cut by the style's access-date group ('nov.–. Acesso "
     "em: dez. 2017'); the project prints the range 'nov.–dez. 2017'")),
]


def _explained(style: str, key: str, causes: list[tuple[str, str, str]]) -> str | None:
    return next((why for styles, keys, why in causes
                 if re.fullmatch(styles, style) and re.fullmatch(keys, key)), None)


def _check(comparisons: list[Comparison], causes: list[tuple[str, str, str]] | None = None
           ) -> set[str | None]:
    unexplained, used = [], set()
    for comparison in comparisons:
        assert not comparison.error, f"{comparison.style}: {comparison.error}"
        for key, (ours, theirs) in comparison.differing().items():
            why = _explained(comparison.style, key, CAUSES if causes is None else causes)
            if why is None:
                unexplained.append(f"{comparison.style} {key}\n  ours:        {ours}\n"
                                   f"  citeproc-js: {theirs}")
            used.add(why)
    assert not unexplained, "differences from citeproc-js without a cause:\n" + "\n".join(
        unexplained)
    return used


_COMPARED: dict[tuple[str, object, str], Comparison] = {}


def _compare(styles: tuple[str, ...], clusters_for: object, lang: str = "") -> list[Comparison]:
    """:func:`compare` on the varied references, each style, clusters and language once per
    run: the quick tests' styles are among the slow tests', which reuse them."""
    todo = [style for style in styles if (style, clusters_for, lang) not in _COMPARED]
    if todo:
        for style, comparison in zip(todo, compare([VARIED], todo, clusters_for, lang),
                                     strict=True):
            _COMPARED[style, clusters_for, lang] = comparison
    return [_COMPARED[style, clusters_for, lang] for style in styles]


@pytest.fixture(scope="module")
def quick():
    """The quick styles on the varied references, once for the module."""
    return _compare(QUICK_STYLES, varied_clusters)


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
    comparisons = _compare(MAJOR_STYLES, varied_clusters)
    used = _check(comparisons)
    # a cause of these styles that explains nothing any more (note styles' causes have theirs)
    stale = {why for styles, _k, why in CAUSES
             if any(re.fullmatch(styles, style) for style in MAJOR_STYLES)} - used
    assert not stale, f"causes that explain no difference any more: {stale}"


@needs_node
def test_a_note_style_cites_again_as_citeproc_js():
    """OSCOLA: ibid with and without a locator, '(n 2)' back to the first note, a later
    note beside another work, plural and braced locators, an author suppressed (the
    title added, since the authors' three works read alike when cited again)."""
    (oscola,) = _compare(("oscola",), note_clusters)
    _check([oscola])
    marks = [ours for _md, ours, _theirs in oscola.citations]
    assert marks[45:50] == ["Fernández and Moreau (n 14).", "ibid 5.", "ibid.", "ibid 7–9.",
                            "Rossi (n 17) chs 3–4."]
    assert marks[55] == "‘Sleep and Chronic Pain in Older Adults’ (n 2)."


@needs_node
@pytest.mark.slow
def test_the_note_styles_cite_again_as_citeproc_js():
    _check(_compare(NOTE_STYLES, note_clusters))


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


def test_the_name_elements_formatting_is_on_each_name_not_on_the_and():
    """Oxford's names in small capitals: 'and' between them stays in the text's style."""
    entries, _marks = project_output([VARIED], "oxford-guide-to-style-notes",
                                     [[Cite("edited2018")]])
    (text,) = [text for key, text in entries if key == "edited2018"]
    assert text.startswith("S<sc>chmidt</sc>, U., and G. R<sc>ossi</sc> (eds.)")


def test_the_types_a_condition_names_are_met_by_any_of_them():
    """ASA: <if type="thesis manuscript"> (match="all" by default) holds for a thesis."""
    entries, _marks = project_output([VARIED], "american-sociological-association",
                                     [[Cite("masters2020")]])
    (text,) = [text for key, text in entries if key == "masters2020"]
    assert text.endswith("Master’s thesis, University of Toronto, Toronto.")


def test_a_date_range_sorts_by_its_start_among_single_dates():
    """Springer sorts a citation by <key variable="issued">: Nov.-Dec. 2017 before 2020."""
    _entries, marks = project_output([VARIED], "springer-basic-author-date",
                                     [[Cite("consortium2020"), Cite("sixauthors2017")]])
    assert marks == ["(Novak et al. 2017; Abernethy et al. 2020)"]


def test_the_name_elements_affixes_go_on_each_name():
    """Neurología's <name suffix="."> ends each name: 'Mbeki T., Lindqvist E.'."""
    entries, _marks = project_output([VARIED], "neurologia", [[Cite("mbeki2021a")]])
    (text,) = [text for key, text in entries if key == "mbeki2021a"]
    assert text.startswith("1. Mbeki T., Lindqvist E. Sleep and chronic pain")


def test_a_character_reference_written_as_text_in_a_style_is_the_character():
    """Heidelberg's suffix="&amp;#160;" is a no-break space, as citeproc-js's HTML reads it."""
    entries, _marks = project_output(
        [VARIED], "universitat-heidelberg-medizinische-fakultat-mannheim-numeric",
        [[Cite("okonkwo2019")]])
    (text,) = [text for key, text in entries if key == "okonkwo2019"]
    assert "&#" not in text
    assert text.endswith("<i>Journal of Orthopaedic Trauma</i>, 33: 112–119, 2019.")
