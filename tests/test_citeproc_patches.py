"""The project's changes to citeproc-py: the version guard, collation, initials, collapsing."""

from __future__ import annotations

import io

import pytest
from helpers import ROOT

from pipeline import citeproc_fixes
from pipeline.citeproc_engine import format_clusters, marks_to_html
from pipeline.citeproc_marks import strip_cite_marks
from pipeline.cli import main
from pipeline.csl import bundled_styles, prepare_xml
from pipeline.manuscript import load_manuscript
from pipeline.model import CiteItem, Cluster, Stamp
from pipeline.prepare import prepare
from pipeline.tree import stringify

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"
  default-locale="{locale}"><info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated>
  </info>
  <citation collapse="{collapse}" disambiguate-add-year-suffix="true">
    <sort><key macro="author"/><key variable="issued"/></sort>
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" "><text macro="author"/><date variable="issued">
        <date-part name="year"/></date></group></layout></citation>
  <macro name="author"><names variable="author"><name form="short" and="symbol"/></names></macro>
  <bibliography><sort><key macro="author"/><key variable="issued"/></sort><layout>
    <group delimiter=", "><names variable="author"><name initialize-with="" initialize="false"
      name-as-sort-order="all"/></names><date variable="issued"><date-part name="year"/></date>
    </group></layout></bibliography></style>"""


STAMP = Stamp(version="1.0.0", status="draft", last_updated="2025-06-01",
              build_date="2025-06-01", commit="", dirty=False)


def _item(key: str, family: str, given: str, year: int) -> dict:
    return {"id": key, "type": "article-journal", "title": key,
            "author": [{"family": family, "given": given}], "issued": {"date-parts": [[year]]}}


ITEMS = {i["id"]: i for i in [
    _item("zhang", "Zhang", "Wei", 2019), _item("ostberg", "Östberg", "ME", 2020),
    _item("hakansson", "Håkansson", "Anna", 2018), _item("smith-a", "Smith", "John", 2020),
    _item("smith-b", "Smith", "John", 2020), _item("adams", "adams", "Jo", 2017)]}


def _format(locale: str = "en-US", collapse: str = "year-suffix", cited=None):
    style = prepare_xml(STYLE.format(locale=locale, collapse=collapse).encode(), "test")
    keys = cited or list(ITEMS)
    return format_clusters(style.xml, {k: ITEMS[k] for k in keys},
                           [Cluster(tuple(CiteItem(k) for k in keys))], locale)


def test_reference_list_sorted_by_the_locales_collation():
    english = [text for _key, text in _format().bibliography]
    assert english == ["adams, Jo, 2017", "Håkansson, Anna, 2018", "Östberg, ME, 2020",
                       "Smith, John, 2020a", "Smith, John, 2020b", "Zhang, Wei, 2019"]
    swedish = [key for key, _text in _format("sv-SE").bibliography]
    assert swedish == ["adams", "hakansson", "smith-a", "smith-b", "zhang", "ostberg"]


def test_same_author_and_year_collapse_with_year_suffixes():
    (citation,) = _format().citations
    assert marks_to_html(citation) == ("(adams 2017; Håkansson 2018; Östberg 2020; "
                                       "Smith 2020a; b; Zhang 2019)")
    (citation,) = _format(collapse="year", cited=["smith-b", "zhang", "smith-a"]).citations
    assert citation == "(Smith 2020a, 2020b; Zhang 2019)"


def test_citations_that_read_apart_are_rendered_once_to_be_compared(monkeypatch):
    """No two works alike: no step of disambiguation changed a citation, so none is
    rendered again to see whether they still read apart."""
    from pipeline.citeproc_fixes import disambiguation

    compared: list[str] = []
    original = disambiguation.cite_text
    monkeypatch.setattr(disambiguation, "cite_text", lambda bib, key, *args: (
        compared.append(key), original(bib, key, *args))[1])
    (citation,) = _format(cited=["zhang", "ostberg", "adams"]).citations
    assert citation == "(adams 2017; Östberg 2020; Zhang 2019)"
    assert sorted(compared) == ["adams", "ostberg", "zhang"]


def test_a_citation_of_one_work_renders_no_names_to_group_it_by(monkeypatch):
    """collapse="year" groups a citation's cites by their names; one work alone is a group
    of its own, so its names are not rendered to be compared."""
    from pipeline.citeproc_fixes import cluster

    modes: list[str | None] = []
    original = cluster.render_cite
    monkeypatch.setattr(cluster, "render_cite", lambda layout, item, mode: (
        modes.append(mode), original(layout, item, mode))[1])
    (citation,) = _format(collapse="year", cited=["zhang"]).citations
    assert citation == "(Zhang 2019)"
    assert modes == [None]  # the cite itself, never "only" its names


TERMS_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>
  <locale><terms><term name="et-al">and others</term></terms></locale>
  <citation et-al-min="2" et-al-use-first="1"><layout prefix="(" suffix=")" delimiter="; ">
    <group delimiter=", "><names variable="author"><name form="short"/></names>
      <group delimiter=" "><label variable="locator" form="short"/><text variable="locator"/>
      </group></group></layout></citation></style>"""


def test_a_locale_term_is_found_in_its_locale_without_an_xpath_question(monkeypatch):
    """'and others' from the style's own locale, 'p.' from the locale file: each is
    taken from a table of its locale's terms, not found by XPath among all of them."""
    from citeproc import model

    citeproc_fixes.apply()  # (it installs xpath_search)
    asked: list[str] = []
    original = model.CitationStylesElement.xpath_search
    monkeypatch.setattr(model.CitationStylesElement, "xpath_search", lambda self, expression: (
        asked.append(expression), original(self, expression))[1])
    style = prepare_xml(TERMS_STYLE.encode(), "terms")
    two = {**ITEMS["smith-a"], "author": [*ITEMS["smith-a"]["author"], *ITEMS["zhang"]["author"]]}
    (citation,) = format_clusters(style.xml, {"smith-a": two}, [Cluster((CiteItem(
        "smith-a", locator="12", label="page"),))], "en-US").citations
    assert citation == "(Smith and others, p. 12)"
    assert [e for e in asked if "cs:term[" in e] == []


def test_the_installed_release_is_read_from_its_metadata_folder():
    from importlib.metadata import version

    from pipeline.citeproc_fixes.registry import installed_version

    assert installed_version() == version("citeproc-py")


def test_another_citeproc_release_is_refused_at_start(monkeypatch):
    monkeypatch.setattr("pipeline.citeproc_fixes.registry.installed_version", lambda: "0.12.0")
    err = io.StringIO()
    assert main(["check", "manuscripts"], stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        "error: citeproc-py 0.12.0 is installed, but the project's changes to it "
        "(pipeline/citeproc_fixes/) were written for 0.11.1: run "
        "'pip install citeproc-py==0.11.1' (or 'python3 bootstrap.py setup'), or check each "
        "patch against the new release and update CITEPROC_VERSION\n")
    assert citeproc_fixes.CITEPROC_VERSION == "0.11.1"


GERMAN_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"
  default-locale="de-DE"><info><title>Deutsch</title><id>de</id>
  <updated>2020-01-01T00:00:00Z</updated></info>
  <citation><layout prefix="(" suffix=")"><names variable="author"><name form="short"/></names>
  </layout></citation>
  <bibliography><layout><group delimiter=", "><names variable="author"/>
  <date variable="issued"><date-part name="month"/><date-part name="year" prefix=" "/></date>
  </group></layout></bibliography></style>"""


@pytest.mark.parametrize(("lang", "entry"), [(None, "Anna Berg, März 2021"),
                                             ("en-US", "Anna Berg, March 2021")])
def test_style_default_locale_unless_the_manuscript_gives_lang(tmp_path, lang, entry):
    (tmp_path / "de.csl").write_text(GERMAN_STYLE, encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@article{berg, author={Berg, Anna}, title={T}, "
                                       "journal={J}, year={2021}, month=mar}\n", encoding="utf-8")
    (tmp_path / "m.md").write_text(
        "---\ntitle: Locale\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        + (f"lang: {lang}\n" if lang else "") + "bibliography: [refs.bib]\ncsl: de.csl\n---\n\n"
        "A claim [@berg].\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "m.md", ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    assert [r.html for r in documents[0].references] == [entry]


def _style(citation: str, bibliography: str = "", cls: str = "in-text",
           options: str = "") -> bytes:
    return prepare_xml((
        f'<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="{cls}" {options}>'
        "<info><title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info>"
        f"{citation}{bibliography}</style>").encode(), "test").xml


def _person(key: str, family: str, given: str, year: int = 2020, **extra) -> dict:
    return {"id": key, "type": "book", "title": f"Title {key}", "issued": {
        "date-parts": [[year]]}, "author": [{"family": family, "given": given}], **extra}


def test_subsequent_author_substitute_replaces_a_repeated_author():
    style = _style('<citation><layout><text variable="title"/></layout></citation>',
                   '<bibliography subsequent-author-substitute="———"><sort><key variable='
                   '"title"/></sort><layout><group delimiter=". "><names variable="author">'
                   '<name name-as-sort-order="all"/></names><text variable="title"/></group>'
                   "</layout></bibliography>")
    items = {k: _person(k, "Berg", "Anna") for k in ("a", "b")}
    items["c"] = _person("c", "Chen", "Wei")
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert [text for _key, text in out.bibliography] == [
        "Berg, Anna. Title a", "———. Title b", "Chen, Wei. Title c"]


def test_particles_are_parsed_and_placed_as_csl_says():
    style = _style('<citation><layout delimiter="; "><names variable="author"><name '
                   'name-as-sort-order="all"/></names></layout></citation>',
                   options='demote-non-dropping-particle="never"')
    items = {"g": _person("g", "van Gogh", "Vincent"), "h": _person("h", "Humboldt",
                                                                  "Alexander von"),
             "a": _person("a", "d'Aubignac", "François")}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert out.citations == ("van Gogh, Vincent; Humboldt, Alexander von; d’Aubignac, François",)


def test_a_note_style_writes_ibid_and_the_first_note_of_a_work():
    style = _style('<citation><layout suffix="."><choose><if position="ibid"><text term="ibid"/>'
                   '</if><else-if position="subsequent"><names variable="author"/><text '
                   'variable="first-reference-note-number" prefix=", n. "/></else-if><else>'
                   '<names variable="author"/><text variable="title" prefix=", "/></else>'
                   "</choose></layout></citation>", cls="note")
    items = {"a": _person("a", "Berg", "Anna"), "b": _person("b", "Chen", "Wei")}
    notes = [Cluster((CiteItem("a"),), 1), Cluster((CiteItem("a"),), 2),
             Cluster((CiteItem("b"),), 3), Cluster((CiteItem("a"),), 4),
             Cluster((CiteItem("a", prefix="See "),), 5)]
    out = format_clusters(style, items, notes, "en-US")
    assert out.citations == ("Anna Berg, Title a.", "Ibid.", "Wei Chen, Title b.",
                             "Anna Berg, n. 1.", "See ibid.")


@pytest.mark.parametrize(("rule", "marks"), [
    ("by-cite", ("(J. Smith 2020; A. Smith 2020; Lee 2019)",)),
    ("all-names", ("(J. Smith 2020; A. Smith 2020; Lee 2019)",)),
])
def test_given_names_tell_two_authors_apart(rule, marks):
    style = _style('<citation disambiguate-add-givenname="true" givenname-disambiguation-rule='
                   f'"{rule}"><layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">'
                   '<names variable="author"><name form="short" initialize-with=". "/></names>'
                   '<date variable="issued"><date-part name="year"/></date></group></layout>'
                   "</citation>")
    items = {"j": _person("j", "Smith", "John"), "a": _person("a", "Smith", "Ann"),
             "l": _person("l", "Lee", "Min", 2019)}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert out.citations == marks


def test_a_label_style_makes_trigraphs_with_year_suffixes():
    style = _style('<citation disambiguate-add-year-suffix="true"><sort><key variable='
                   '"citation-label"/></sort><layout prefix="[" suffix="]" delimiter=", ">'
                   '<text variable="citation-label"/></layout></citation>')
    items = {"w": _person("w", "Weber", "Max", 1905), "x": _person("x", "Weber", "Max", 1905),
             "b": {**_person("b", "van der Berg", "Anna", 1998), "author": [
                 {"family": "van der Berg", "given": "Anna"}, {"family": "Chen", "given": "W"},
                 {"family": "O'Neil", "given": "Ray"}]},
             "n": {"id": "n", "type": "book", "title": "The Art of Healing"},
             "g": {**_person("g", "Amir", "Ali", 2011), "citation-label": "WHO11"}}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert out.citations == ("[Arth00, BeCO98, Webe05a, Webe05b, WHO11]",)


def test_an_access_date_does_not_tell_two_undated_pages_apart():
    style = _style('<citation disambiguate-add-year-suffix="true"><layout delimiter="; ">'
                   '<group delimiter=" "><names variable="author"/><choose><if variable='
                   '"issued"><date variable="issued" date-parts="year" form="text"/></if><else><group>'
                   '<text term="no date" form="short"/><text variable="year-suffix" prefix="-"/>'
                   '</group></else></choose><date variable="accessed" form="numeric" prefix="[" '
                   'suffix="]"/></group></layout></citation>')
    items = {k: {"id": k, "type": "webpage", "author": [{"family": "Ng", "given": "Li"}],
                 "accessed": {"date-parts": [[2020, 5, day]]}} for k, day in (("a", 1), ("b", 2))}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert out.citations == ("Li Ng n.d.-a [05/01/2020]; Li Ng n.d.-b [05/02/2020]",)


def test_a_formatted_year_suffix_is_printed_once_per_collapsed_cite():
    # acta-amazonica prints the year suffix itself, in italics, and collapses by year suffix
    style = prepare_xml(bundled_styles()["acta-amazonica"].read_bytes(), "acta-amazonica")
    items = {k: _person(k, "Smith", "John", year) for k, year in
             (("a", 2020), ("b", 2020), ("c", 2021))}
    cluster = Cluster(tuple(CiteItem(k) for k in items))
    out = format_clusters(style.xml, items, [cluster], "en-US")
    assert [marks_to_html(c) for c in out.citations] == ["(Smith 2020<i>a</i>, <i>b</i>, 2021)"]
    linked = format_clusters(style.xml, items, [cluster], "en-US", mark_cites=True)
    assert strip_cite_marks(linked.citations[0]) == out.citations[0]


@pytest.mark.parametrize(("given", "hyphen", "printed"), [
    ("Soo-jin", "false", "Park S"), ("Soo-jin", "true", "Park S"),
    ("Soo-Jin", "false", "Park SJ"), ("Soo-Jin", "true", "Park S-J"),
])
def test_a_lower_case_part_of_a_hyphenated_given_name_is_no_initial(given, hyphen, printed):
    style = _style('<citation><layout><names variable="author"><name initialize-with="" '
                   'name-as-sort-order="all" sort-separator=" "/></names></layout></citation>',
                   options=f'initialize-with-hyphen="{hyphen}"')
    out = format_clusters(style, {"p": _person("p", "Park", given)},
                          [Cluster((CiteItem("p"),))], "en-US")
    assert out.citations == (printed,)


def test_ordinals_agree_with_the_gender_of_their_noun():
    style = _style('<citation><layout delimiter="; "><group delimiter=", "><group delimiter=" ">'
                   '<number variable="edition" form="ordinal"/><label variable="edition"/>'
                   '</group><date variable="issued"><date-part name="day" form="ordinal" '
                   'suffix=" "/><date-part name="month"/></date></group></layout></citation>',
                   options='default-locale="fr-FR"')
    items = {"a": {"id": "a", "type": "book", "edition": "1", "issued": {
        "date-parts": [[2004, 10, 1]]}},
        "b": {"id": "b", "type": "book", "edition": "2", "issued": {"date-parts": [[2004, 5, 1]]}}}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "fr-FR")
    assert out.citations == ("1ʳᵉ édition, 1ᵉʳ octobre; 2ᵉ édition, 1ᵉʳ mai",)


def test_a_style_locale_with_ordinals_replaces_the_locale_files_ordinals():
    style = _style('<locale><terms><term name="ordinal">.º</term><term name="ordinal-01" '
                   'gender-form="feminine">.ª</term><term name="edition" gender="feminine">edición</term>'
                   '</terms></locale><citation><layout '
                   'delimiter="; "><group delimiter=" "><number variable="edition" form="ordinal"/>'
                   '<number variable="volume" form="ordinal"/></group></layout></citation>',
                   options='default-locale="es-ES"')
    items = {k: {"id": k, "type": "book", "edition": k, "volume": k} for k in ("1", "3", "11")}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "es-ES")
    assert out.citations == ("1.ª 1.º; 3.º 3.º; 11.ª 11.º",)


def test_pages_joined_by_an_ampersand_take_the_locales_and_symbol():
    style = _style('<locale><terms><term name="and" form="symbol">und</term></terms></locale>'
                   '<citation><layout><group delimiter=" "><label variable="locator" '
                   'form="short"/><text variable="locator"/></group></layout></citation>')
    items = {"a": _person("a", "Berg", "Anna")}
    out = format_clusters(style, items, [Cluster((CiteItem("a", locator="12 & 15"),))], "en-US")
    assert out.citations == ("pp. 12 und 15",)


def test_line_breaks_around_a_terms_text_are_not_printed():
    style = _style('<locale><terms><term name="et-al">\n      </term><term name="editor" '
                   'form="short">\n  <single> ed.\n</single><multiple>eds.</multiple>\n</term>'
                   '</terms></locale><citation><layout><names variable="author"><name '
                   'et-al-min="2" et-al-use-first="1"/></names><names variable="editor" '
                   'prefix=", "><name/><label form="short"/></names></layout></citation>')
    items = {"a": {**_person("a", "Berg", "Anna"), "editor": [{"family": "Ng", "given": "Li"}],
                   "author": [{"family": "Berg", "given": "Anna"}, {"family": "Li", "given": "M"}]}}
    out = format_clusters(style, items, [Cluster((CiteItem("a"),))], "en-US")
    assert out.citations == ("Anna Berg, Li Ng ed.",)


def test_a_sort_key_leaves_out_et_al_and_counts_sort_as_numbers():
    style = _style('<macro name="first"><names variable="author"><name/></names></macro>'
                   '<macro name="count"><names variable="author"><name form="count"/></names>'
                   '</macro><citation><layout><text value="-"/></layout></citation>',
                   '<bibliography><sort><key macro="first" names-min="1" names-use-first="1"/>'
                   '<key macro="count" sort="descending"/></sort><layout><names '
                   'variable="author"><name form="short" and="text"/></names></layout>'
                   "</bibliography>")
    people = [{"family": f, "given": "A"} for f in ("Berg", "Chen", "Diaz", "Eto", "Fox", "Gil",
                                                      "Ha", "Ito", "Jo", "Ka", "Le")]
    items = {"one": {"id": "one", "type": "book", "author": people[:1]},
             "two": {"id": "two", "type": "book", "author": people[:2]},
             "many": {"id": "many", "type": "book", "author": people}}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert [key for key, _text in out.bibliography] == ["many", "two", "one"]


def test_an_and_term_of_a_script_without_spaces_joins_the_names():
    style = _style('<locale><terms><term name="and">と</term></terms></locale><citation>'
                   '<layout><names variable="author"><name and="text"/></names></layout>'
                   "</citation>")
    items = {"a": {"id": "a", "type": "book", "author": [{"literal": "山田"}, {"literal": "佐藤"}]}}
    out = format_clusters(style, items, [Cluster((CiteItem("a"),))], "en-US")
    assert out.citations == ("山田と佐藤",)


def test_french_spacing_in_a_title_does_not_break():
    style = _style('<citation><layout><text variable="title"/></layout></citation>')
    items = {"a": {"id": "a", "type": "book", "title": "Le « vivre » : essai ; suite ?"}}
    out = format_clusters(style, items, [Cluster((CiteItem("a"),))], "fr-FR")
    assert out.citations == ("Le «\u202fvivre\u202f»\u202f: essai\u202f; suite\u202f?",)


@pytest.mark.parametrize(("locator", "label", "printed"), [
    ("vol. 2, fol. 7", "page", "Title a, vol. 2, fol. 7"),
    ("3-5", "chapter", "Title a, chaps. 3–5"),
    ("volume 2", "page", "Title a, p. volume 2"),  # not the locale's short label
])
def test_a_locator_with_its_own_label_prints_no_other(locator, label, printed):
    style = _style('<citation><layout><group delimiter=", "><text variable="title"/>'
                   '<group delimiter=" "><label variable="locator" form="short"/><text '
                   'variable="locator"/></group></group></layout></citation>')
    items = {"a": _person("a", "Berg", "Anna")}
    out = format_clusters(style, items, [Cluster((CiteItem("a", locator=locator, label=label),))],
                          "en-US")
    assert out.citations == (printed,)


def test_disambiguate_branches_are_tried_one_at_a_time():
    style = _style('<citation><layout delimiter="; "><group delimiter=", "><names variable='
                   '"author"/><choose><if disambiguate="true"><text variable="title"/></if>'
                   '</choose><choose><if disambiguate="true"><text variable="edition" prefix='
                   '"ed. "/></if></choose></group></layout></citation>')
    items = {k: {**_person(k, "Berg", "Anna"), "title": title, "edition": edition}
             for k, title, edition in (("a", "Atlas", "1"), ("b", "Guide", "2"),
                                       ("c", "Works", "3"), ("d", "Works", "4"))}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert out.citations == (("Anna Berg, Atlas; Anna Berg, Guide; Anna Berg, Works, ed. 3; "
                              "Anna Berg, Works, ed. 4"),)


def test_an_initial_keeps_the_formatting_of_its_given_name():
    style = _style('<citation><layout delimiter="; "><names variable="author"><name '
                   'initialize-with=". "/></names></layout></citation>')
    items = {"a": _person("a", "Berg", "<i>Anna</i> Maria"), "b": _person("b", "Chen", "<b>W</b>-L")}
    out = format_clusters(style, items, [Cluster(tuple(CiteItem(k) for k in items))], "en-US")
    assert [marks_to_html(c) for c in out.citations] == ["<i>A.</i> M. Berg; <b>W.</b>-L. Chen"]


def test_a_cite_affix_punctuation_takes_the_delimiter_place(tmp_path):
    (tmp_path / "s.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"><info>'
        "<title>t</title><id>t</id><updated>2020-01-01T00:00:00Z</updated></info><citation>"
        '<layout prefix="(" suffix=")" delimiter="; "><names variable="author"><name '
        'form="short"/></names></layout></citation><bibliography><layout><names '
        'variable="author"/></layout></bibliography></style>', encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@book{a, author={Berg, Anna}, title={A}, year=2020}\n"
                                       "@book{b, author={Chen, Wei}, title={B}, year=2021}\n",
                                       encoding="utf-8")
    (tmp_path / "m.md").write_text(
        "---\ntitle: Affixes\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        "bibliography: [refs.bib]\ncsl: s.csl\n---\n\nOne [@a; , and @b]. Two [@a, is one "
        "source,; @b]. Three [@a; @b].\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "m.md", ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    assert stringify(documents[0].ast["blocks"][0]).strip() == (
        "One (Berg, and Chen). Two (Berg, is one source, Chen). Three (Berg; Chen).")


def test_subsequent_cites_take_et_al_subsequent_and_a_verb_label_falls_back():
    style = _style('<citation et-al-min="5" et-al-use-first="1" et-al-subsequent-min="3" '
                   'et-al-subsequent-use-first="1"><layout delimiter="; "><names '
                   'variable="author"><name/></names><names variable="reviewed-author" '
                   'prefix=", "><label form="verb-short" suffix=" "/><name/></names></layout>'
                   "</citation>", cls="note")
    authors = [{"family": f, "given": g} for f, g in
               (("Doe", "John, III"), ("Roe", "Jane"), ("Lee", "Min"), ("Ng", "Li"))]
    items = {"a": {**_person("a", "Doe", "John"), "author": authors,
                   "reviewed-author": [{"family": "Hall", "given": "Wes"}]}}
    out = format_clusters(style, items, [Cluster((CiteItem("a"),), 1),
                                         Cluster((CiteItem("a"),), 2)], "en-US")
    assert out.citations == ("John Doe III, Jane Roe, Min Lee, Li Ng, by Wes Hall",
                             "John Doe III et al., by Wes Hall")


def test_works_alike_when_cited_again_take_year_suffixes():
    style = _style('<citation disambiguate-add-year-suffix="true" et-al-min="3" et-al-use-first='
                   '"3" et-al-subsequent-min="2" et-al-subsequent-use-first="1"><layout delimiter='
                   '"; "><group delimiter=" "><names variable="author"><name form="short"/>'
                   '</names><date variable="issued"><date-part name="year"/></date></group>'
                   "</layout></citation>")
    items = {k: {**_person(k, "Berg", "A"), "author": [{"family": "Berg", "given": "A"},
                                                      {"family": other, "given": "B"}]}
             for k, other in (("a", "Chen"), ("b", "Diaz"))}
    cited = [Cluster((CiteItem("a"),)), Cluster((CiteItem("b"),)), Cluster((CiteItem("a"),))]
    out = format_clusters(style, items, cited, "en-US")
    assert out.citations == ("Berg, Chen 2020a", "Berg, Diaz 2020b", "Berg et al. 2020a")
