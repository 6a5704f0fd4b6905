"""Citations as citeproc-js prints them, found different in samples of the collection.

``.venv/bin/python tests/citeproc_js.py --sample 60 --seed N --lang LOCALE`` compares
styles taken at random with citeproc-js; each test here holds one cause of difference
it found, with the smallest items that show it, formatted by the citation engine.
"""

from __future__ import annotations

from citeproc_js import canonical_html

from pipeline.citeproc_engine import format_clusters, marks_to_html
from pipeline.csl import bundled_styles, prepare_xml
from pipeline.model import CiteItem, Cluster

NB_HYPHEN = "\u2011"  # fr-FR's page-range-delimiter


def _formatted(style: str, items: dict[str, dict], locale: str = "en-US",
               clusters: list[list[str]] | None = None) -> tuple[list[str], list[str]]:
    """(each citation, each reference-list entry) as HTML, one cluster per item by default."""
    xml = prepare_xml(bundled_styles()[style].read_bytes(), style).xml
    clusters = clusters if clusters is not None else [[key] for key in items]
    out = format_clusters(xml, items, [Cluster(tuple(CiteItem(k) for k in keys))
                                       for keys in clusters], locale)
    return ([canonical_html(marks_to_html(text)) for text in out.citations],
            [canonical_html(marks_to_html(text)) for _key, text in out.bibliography])


def _article(key: str, family: str, year: int, **fields: str) -> dict:
    return {"id": key, "type": "article-journal", "title": f"On {family}",
            "container-title": "Pain", "author": [{"family": family, "given": "Ana"}],
            "issued": {"date-parts": [[year]]}, **fields}


def test_page_first_is_there_when_the_item_has_pages():
    # steel-research-international prints the first page where <if variable="page-first">
    # holds, which citeproc-js derives from every item's pages; else the whole range
    _cites, entries = _formatted("steel-research-international", {
        "a": _article("a", "Okonkwo", 2019, page="112-119", volume="33")})
    assert entries == ['[1] A. Okonkwo, <i>Pain</i> <b>2019</b>, 33, 112.']


def test_a_macro_whose_names_fall_back_to_a_term_alone_is_left_out():
    # comparative-population-studies' author macros end their substitute with the
    # 'anonymous' term; citeproc-js leaves such a macro out as a group without a
    # variable, so two works of 2016 without authors are told apart by their year
    untitled = {"type": "article-journal", "container-title": "Pain",
                "issued": {"date-parts": [[2016]]}}
    cites, entries = _formatted("comparative-population-studies", {
        "paper": {"id": "paper", "title": "Anonymous Paper", **untitled},
        "act": {"id": "act", "type": "legislation", "title": "Health and Social Care Act",
                "issued": {"date-parts": [[2016]]}}})
    assert cites == ["(2016a)", "(2016b)"]
    assert entries == ["2016a: Anonymous Paper. In: Pain.",
                       "2016b: Health and Social Care Act. 2016."]


def test_a_term_without_latin_letters_is_not_set_in_italics():
    # west-european-politics sets 'et al.' in italics; citeproc-js prints Japanese and
    # Chinese text (which has no italics) upright, and so does a Latin 'et al.' stay italic
    authors = [{"family": family, "given": "Ana"} for family in ("Okonkwo", "Berg", "Dunn")]
    items = {"a": {**_article("a", "Okonkwo", 2019), "author": authors}}
    assert _formatted("west-european-politics", items, "ja-JP")[0] == ["(Okonkwoほか 2019)"]
    assert _formatted("west-european-politics", items, "zh-CN")[0] == ["(Okonkwo等 2019)"]
    assert _formatted("west-european-politics", items)[0] == ["(Okonkwo <i>et al.</i> 2019)"]


def test_names_a_sort_key_reaches_through_another_macro_sort_by_family_name():
    # jahrbuch-der-osterreichischen-byzantinischen-gesellschaft sorts by a macro whose
    # substitute calls the editors' macro; citeproc-js sorts every name of a key
    # family first, so 'Martin Hughes' (ed.) files under H, not under M after 'Lee'
    def edited(key: str, family: str, given: str) -> dict:
        return {"id": key, "type": "book", "title": f"Book {key}",
                "editor": [{"family": family, "given": given}],
                "issued": {"date-parts": [[2020]]}}
    _cites, entries = _formatted(
        "jahrbuch-der-osterreichischen-byzantinischen-gesellschaft",
        {"lee": _article("lee", "Lee", 2018), "hughes": edited("hughes", "Hughes", "Martin"),
         "ivers": edited("ivers", "Ivers", "Zoe")})
    assert [entry.split(" ", 1)[0] for entry in entries] == ["M.", "Z.", "A."]


def test_a_locator_range_takes_the_locales_page_range_delimiter():
    # fr-FR writes ranges with a non-breaking hyphen; citeproc-js joins every numeric
    # locator range with it ('chap. 3-4', '§ 14-15' in all eleven note styles), and the
    # volume and issue ranges too, not only the pages
    items = {"a": {**_article("a", "Rossi", 2019, volume="3-4"), "type": "book"}}
    xml = prepare_xml(bundled_styles()["chicago-notes-bibliography"].read_bytes(),
                      "chicago-notes-bibliography").xml
    located = [Cluster((CiteItem("a", locator="3-4", label=label),))
               for label in ("chapter", "section", "page")]
    out = format_clusters(xml, items, located, "fr-FR")
    cites = [canonical_html(marks_to_html(text)) for text in out.citations]
    assert [cite.rsplit(", ", 1)[1] for cite in cites] == [
        f"chap. 3{NB_HYPHEN}4.", f"sect. 3{NB_HYPHEN}4.", f"3{NB_HYPHEN}4."]
    assert f"vol. 3{NB_HYPHEN}4" in canonical_html(marks_to_html(out.bibliography[0][1]))
    english = format_clusters(xml, items, located[:1], "en-US").citations[0]
    assert canonical_html(marks_to_html(english)).endswith("chaps. 3\u20134.")


def test_editors_standing_in_for_the_author_take_the_authors_name_part_formatting():
    # biblio-3w writes the author's family name in capitals and lets a macro of the
    # editors stand in for it; citeproc-js formats the editors' family names as the
    # author's <name-part> says wherever their own <name> says nothing of them
    edited = {"id": "e", "type": "book", "title": "Handbook of pain",
              "editor": [{"family": "Schmidt", "given": "Ulrike"},
                         {"family": "Rossi", "given": "Giulia"}],
              "issued": {"date-parts": [[2018]]}}
    _cites, entries = _formatted("biblio-3w", {"e": edited})
    assert entries[0].startswith("SCHMIDT, Ulrike and ROSSI, Giulia (eds.). <i>Handbook")


def test_an_empty_cite_group_delimiter_is_no_delimiter_set():
    # decision-sciences writes cite-group-delimiter="" with collapse="year"; citeproc-js
    # reads an empty value as none given, so one author's years keep CSL's ', '
    items = {key: _article(key, "Mbeki", 2021, title=f"Sleep {key}") for key in ("a", "b")}
    cites, _entries = _formatted("decision-sciences", items, clusters=[["a", "b"]])
    assert cites == ["(Mbeki, 2021a, 2021b)"]


def test_a_note_styles_collapsed_years_are_joined_by_the_layout_delimiter():
    # nova-univerza, a note style, collapses one author's years without a
    # cite-group-delimiter; citeproc-js gives CSL's ', ' only to in-text styles, and a
    # note style's years keep the layout's '; ' (64 note styles collapse by year)
    items = {key: _article(key, "Mbeki", year, title=f"Sleep {key}")
             for key, year in (("a", 2019), ("b", 2021))}
    cites, _entries = _formatted("nova-univerza", items, clusters=[["a", "b"]])
    assert cites == ["Mbeki, 2019; 2021."]


def test_works_alike_when_cited_again_take_year_suffixes_before_a_disambiguate_branch():
    # associacao-brasileira-de-normas-tecnicas-ufrgs-note-initials-with-ibid cites a work
    # in full first, then as '(Mbeki, 2021)'; citeproc-js tells works apart on that later
    # form, and by year suffix before its <if disambiguate="true"> title, which it never
    # reaches once suffixes are on (and comparative-politics' short notes likewise)
    items = {key: _article(key, "Mbeki", 2021, title=title)
             for key, title in (("a", "Sleep"), ("b", "Insomnia"))}
    cites, entries = _formatted("associacao-brasileira-de-normas-tecnicas-ufrgs-note-"
                                "initials-with-ibid", items, clusters=[["a"], ["b"], ["a"]])
    assert cites[2] == "(Mbeki, 2021b)"
    assert [entry.rsplit(", ", 1)[1] for entry in entries] == ["2021a.", "2021b."]


def test_strip_periods_on_a_citation_number_prints_the_number():
    # revista-da-sociedade-brasileira-de-medicina-tropical strips periods from its
    # citation number, an int to citeproc-py: every build stopped with an AttributeError
    items = {"a": _article("a", "Mbeki", 2021), "b": _article("b", "Rossi", 2020)}
    cites, entries = _formatted("revista-da-sociedade-brasileira-de-medicina-tropical", items,
                                clusters=[["a"], ["b", "a"]])
    assert cites == ["<sup>(1)</sup>", "<sup>(1) (2)</sup>"]
    assert entries[1].endswith("Rossi A. On Rossi. Pain 2020.")


def test_a_citation_number_key_sorts_the_reference_list_by_the_order_cited():
    # forum-qualitative-sozialforschung sorts one author's works of a year by their
    # citation number before their titles; the key was read as a number variable the
    # works do not have, so the titles decided: the first work cited was '2021c'
    items = {key: _article(key, "Mbeki", 2021, title=title)
             for key, title in (("x", "Sleep"), ("y", "Insomnia"), ("z", "A reply"))}
    cites, entries = _formatted("forum-qualitative-sozialforschung", items)
    assert cites == ["(MBEKI 2021a)", "(MBEKI 2021b)", "(MBEKI 2021c)"]
    assert [entry.split(". ")[1] for entry in entries] == ["Sleep", "Insomnia", "A reply"]


def test_a_term_capitalised_in_turkish_dots_its_capital_i():
    # folia-morphologia writes <text term="in" text-case="capitalize-first"/>; Turkish's
    # 'içinde' starts with a dotted i, whose capital is 'İ' (citeproc-js), not 'I'
    chapter = {"id": "c", "type": "chapter", "title": "Pain in children",
               "container-title": "Paediatrics", "author": [{"family": "Okonkwo", "given": "Ana"}],
               "editor": [{"family": "Berg", "given": "Lia"}], "publisher": "Hill",
               "page": "77-98", "issued": {"date-parts": [[2018]]}}
    _cites, entries = _formatted("folia-morphologia", {"c": chapter}, "tr-TR")
    assert "İçinde:" in entries[0] and "Içinde" not in entries[0]


def test_a_locator_label_in_the_reference_list_is_the_page_label():
    # hochschule-fur-wirtschaft-und-recht-berlin prints an article's pages after
    # <label variable="locator" prefix=", " suffix=" "/>; a reference list has no
    # locator, and citeproc-js labels what follows as pages (singular), as 16 styles expect
    _cites, entries = _formatted("hochschule-fur-wirtschaft-und-recht-berlin", {
        "a": _article("a", "Okonkwo", 2019, page="112-119", volume="33")})
    assert entries == [("<b>Okonkwo, Ana (2019):</b> On Okonkwo <i>In: Pain</i>, Band 33, "
                        "2019, p. 112–119.")]
