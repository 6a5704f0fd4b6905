"""Exports of citation databases (Web of Science, Scopus) and of editors' BibTeX templates.

Web of Science doubles every brace, writes the record's document type as
``Type``, the publisher's street address as ``Address`` and the journal's ISO
abbreviation as ``Journal-ISO``; Scopus names a field ``funding_text 1``.
pandoc --citeproc prints ``[{Article}]`` (APA), the street address (Chicago)
and refuses a whole file for one such field name.
"""

from __future__ import annotations

import pytest
from test_bib_semantics import _references

WOS = """@article{ WOS:000111222300004,
Author = {Ng, Pei and Roe, Ann},
Title = {{Heel pain in runners: a cohort study}},
Journal = {{JOURNAL OF FOOT PAIN}},
Year = {{2020}},
Volume = {{12}},
Number = {{3}},
Pages = {{101-109}},
Month = {{MAR}},
Publisher = {{EXAMPLE PRESS LTD}},
Address = {{12 MARKET ST, SPRINGFIELD 01101, USA}},
Type = {{Article}},
Language = {{English}},
DOI = {{10.5555/jfp.2020.0012}},
ISSN = {{1234-5678}},
Journal-ISO = {{J. Foot Pain}},
Times-Cited = {{4}},
Unique-ID = {{WOS:000111222300004}},
}
@article{ WOS:000111222300005,
Author = {Doe, Jon},
Title = {{Night splints for plantar fasciitis}},
Journal = {{JOURNAL OF FOOT PAIN}},
Year = {{2021}},
Type = {{Review}},
Unique-ID = {{WOS:000111222300005}},
}
"""


@pytest.mark.parametrize(("style", "expected"), [
    ("american-medical-association", [
        ("1.", ("Ng P, Roe A. Heel pain in runners: a cohort study. <i>J Foot Pain</i>. "
               "2020;12(3):101-109. doi:10.5555/jfp.2020.0012")),
        ("2.", ("Doe J. Night splints for plantar fasciitis. <i>JOURNAL OF FOOT PAIN</i>. "
               "Published online 2021."))]),
    ("apa", [
        ("", ("Doe, J. (2021). Night splints for plantar fasciitis [Review]. "
             "<i>JOURNAL OF FOOT PAIN</i>.")),
        ("", ("Ng, P., & Roe, A. (2020). Heel pain in runners: a cohort study. <i>JOURNAL OF FOOT "
             "PAIN</i>, <i>12</i>(3), 101–109. https://doi.org/10.5555/jfp.2020.0012"))]),
    ("chicago-author-date", [
        ("", ("Doe, Jon. 2021. “Night splints for plantar fasciitis.” Review. <i>JOURNAL OF FOOT "
             "PAIN</i>.")),
        ("", ("Ng, Pei, and Ann Roe. 2020. “Heel pain in runners: a cohort study.” <i>JOURNAL OF "
             "FOOT PAIN</i> 12 (3): 101–9. https://doi.org/10.5555/jfp.2020.0012."))]),
])
def test_a_web_of_science_record_prints_without_its_database_fields(tmp_path, style, expected):
    # pandoc: "[{Article}]" (APA), "{Article}. JOURNAL OF FOOT PAIN (12 MARKET ST, ...)"
    # (Chicago), "doi:{10.5555/...}" and the journal in capitals where AMA abbreviates it
    refs, problems = _references(
        tmp_path, "See [@{WOS:000111222300004}; @{WOS:000111222300005}].\n", WOS, style)
    assert (refs, problems) == (expected, [])


SCOPUS = """Scopus
EXPORT DATE: 02 March 2024

@ARTICLE{Ng2020101,
	author = {Ng, P. and Roe, A.},
	title = {Heel pain in runners: A cohort study},
	year = {2020},
	journal = {Journal of Foot Pain},
	volume = {12},
	pages = {101 – 109},
	abbrev_source_title = {J. Foot Pain},
	funding_details = {Example Trust, ET-0042},
	funding_text 1 = {Funded by the Example Trust (grant ET-0042).},
	note = {Cited by: 4},
	source = {Scopus}
}
"""


def test_a_scopus_field_name_with_a_space_costs_that_field_not_the_entry(tmp_path):
    # pandoc refuses the whole file ("unexpected '1'"); biber drops the entry
    refs, problems = _references(tmp_path, "See [@Ng2020101].\n", SCOPUS)
    assert refs == [("1.", ("Ng P, Roe A. Heel pain in runners: A cohort study. <i>J Foot "
                           "Pain</i>. 2020;12:101-109."))]
    assert problems == [
        ("refs.bib:13: warning: entry 'Ng2020101': field name 'funding_text 1' has a space, "
        "which BibTeX does not allow (biber and pandoc stop reading there); the field is left "
        "out")]


def test_a_broken_field_is_named_without_its_value(tmp_path):
    bib = "@article{x,\n  title = {T},\n  {Private note: call 555-0100},\n}\n"
    _refs, problems = _references(tmp_path, "See [@x].\n", bib)
    assert problems == [
        "refs.bib:3: entry 'x': expected 'field = value', found '{'",
        "m.md:10: citation '@x': its entry could not be read (see refs.bib:3)"]


KILE = """@Article{ng2020,
AUTHOR = {Ng, Pei},
TITLE = {Heel pain in runners},
JOURNAL = {Foot},
YEAR = {2020},
OPTkey = {},
OPTvolume = {12},
OPTnumber = {},
OPTpages = {101--109},
}
@Book{roe2019,
ALTauthor = {Roe, Ann},
ALTeditor = {},
TITLE = {Running},
PUBLISHER = {Mosby},
YEAR = {2019},
}
"""


def test_an_editors_template_field_left_marked_is_said_with_its_name(tmp_path):
    refs, problems = _references(tmp_path, "See [@ng2020; @roe2019].\n", KILE)
    assert refs == [("1.", "Ng P. Heel pain in runners. <i>Foot</i>. Published online 2020."),
                    ("2.", "<i>Running</i>. Mosby; 2019.")]
    template = ("(an editor's template marks an unfilled field with '{0}'; BibTeX, biber and "
                "pandoc ignore it): rename it '{1}'")
    assert problems == [
        (f"refs.bib:7: warning: entry 'ng2020': field 'OPTvolume' is not read "
        f"{template.format('OPT', 'volume')}"),
        (f"refs.bib:9: warning: entry 'ng2020': field 'OPTpages' is not read "
        f"{template.format('OPT', 'pages')}"),
        (f"refs.bib:12: warning: entry 'roe2019': field 'ALTauthor' is not read "
        f"{template.format('ALT', 'author')}")]


@pytest.mark.parametrize(("text", "said"), [
    (('{"id": "https://openalex.org/W1", "title": "Heel pain", "type": "article", '
     '"authorships": [{"author": {"display_name": "Pei Ng"}}], "cited_by_count": 4}'),
     ("OpenAlex's JSON (works with 'authorships'), not CSL-JSON: export the references as "
     "BibTeX or RIS")),
    ('{"meta": {"count": 1}, "results": [{"id": "https://openalex.org/W1", "title": "Heel"}]}',
     ("OpenAlex's JSON (works with 'authorships'), not CSL-JSON: export the references as "
     "BibTeX or RIS")),
    ('[{"paperId": "649d", "title": "Heel pain", "authors": [{"name": "Pei Ng"}]}]',
     ("Semantic Scholar's JSON (papers with 'paperId'), not CSL-JSON: export the references as "
     "BibTeX (the paper's 'Cite' button)")),
    ('{"last-modified-date": {"value": 1}, "group": [{"work-summary": [{"put-code": 1}]}]}',
     ("ORCID's JSON (works with 'put-code'), not CSL-JSON: export the references as BibTeX "
     "(ORCID's 'Export works')")),
    ('{"header": {"type": "esummary"}, "result": {"uids": ["1"]}}',
     ("PubMed's E-utilities JSON (esummary), not CSL-JSON: export the references as PubMed's "
     ".nbib ('Send to: Citation manager')")),
])
def test_a_databases_own_json_is_named_not_read_as_items(tmp_path, text, said):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    (tmp_path / "refs.json").write_text(text, encoding="utf-8")
    problems = Problems()
    assert load_bibliographies((tmp_path / "refs.json",), problems) == {}
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [
        f"refs.json:1: warning: this is {said}"]


def test_crossrefs_api_answer_is_read_keyed_by_its_doi(tmp_path):
    work = ('{"status": "ok", "message-type": "work", "message": {"DOI": "10.5555/jfp.12", '
            '"type": "journal-article", "title": ["Heel pain"], "author": [{"given": "Pei", '
            '"family": "Ng", "sequence": "first", "affiliation": []}], "container-title": '
            '["Journal of Foot Pain"], "issued": {"date-parts": [[2020, 3]]}, '
            '"is-referenced-by-count": 4}}')
    refs, problems = _references(tmp_path, "See [@{10.5555/jfp.12}].\n", work, name="refs.json")
    assert (refs, problems) == ([("1.", ("Ng P. Heel pain. <i>Journal of Foot Pain</i>. "
                                        "Published online March 2020. doi:10.5555/jfp.12"))], [])


SCHOLAR = """@book{who2020guidelines,
  title={WHO guidelines on physical activity and sedentary behaviour},
  author={World Health Organization and others},
  year={2020},
  publisher={World Health Organization}
}
@article{ng2020heel,
  title={Heel pain in runners},
  author={Ng, Pei and Example Podiatry Research Group},
  journal={Foot},
  volume={12},
  year={2020}
}
"""


def test_google_scholars_unbraced_organisation_is_not_a_person(tmp_path):
    # pandoc: "Organization WH et al.", "(Organization et al. 2020)"
    refs, problems = _references(tmp_path, "See [@who2020guidelines; @ng2020heel].\n", SCHOLAR)
    assert refs == [
        ("1.", ("World Health Organization et al. <i>WHO Guidelines on Physical Activity and "
               "Sedentary Behaviour</i>. World Health Organization; 2020.")),
        ("2.", ("Ng P, Example Podiatry Research Group. Heel pain in runners. <i>Foot</i>. "
               "2020;12."))]
    assert problems == [
        ("refs.bib:3: warning: entry 'who2020guidelines': 'World Health Organization' in "
        "'author' is read as an organisation, not as a person named 'Organization'; write it "
        "in double braces: author = {{World Health Organization}}"),
        ("refs.bib:9: warning: entry 'ng2020heel': 'Example Podiatry Research Group' in "
        "'author' is read as an organisation, not as a person named 'Group'; write it in "
        "double braces: author = {{Example Podiatry Research Group}}")]


def test_an_article_number_stands_for_the_pages_it_has_not(tmp_path):
    # pandoc drops eid, Article-Number and art_number: "PLOS ONE. 2021;16(3)."
    bib = """@article{ WOS:000600111200001,
Author = {Ng, Pei}, Title = {{Heel pain}}, Journal = {{PLOS ONE}}, Year = {{2021}},
Volume = {{16}}, Number = {{3}}, Article-Number = {{e0248123}},
Unique-ID = {{WOS:000600111200001}}}
@ARTICLE{Roe2021, author = {Roe, A.}, title = {Insoles}, journal = {PLoS ONE}, year = {2021},
  volume = {16}, pages = {1-9}, art_number = {e0248124}}
@article{kay2020, author = {Kay, Li}, title = {Taping}, journaltitle = {Foot}, date = {2020},
  eid = {102}}
"""
    refs, problems = _references(
        tmp_path, "See [@{WOS:000600111200001}; @Roe2021; @kay2020].\n", bib)
    assert (refs, problems) == ([
        ("1.", "Ng P. Heel pain. <i>PLOS ONE</i>. 2021;16(3):e0248123."),
        ("2.", "Roe A. Insoles. <i>PLoS ONE</i>. 2021;16:1-9."),
        ("3.", "Kay L. Taping. <i>Foot</i>. Published online 2020:102.")], [])


@pytest.mark.parametrize(("text", "said"), [
    ("<!DOCTYPE html>\n<html><body><p>Please show you're not a robot</p></body></html>\n",
     ("1: warning: no BibTeX entries found; this looks like a web page (HTML) saved instead of "
     "the export: export BibTeX, CSL-JSON or CSL-YAML")),
    ("Title,Authors,Year\nHeel pain,Ng P,2020\n",
     ("1: warning: no BibTeX entries found; this looks like a CSV table: export BibTeX, "
     "CSL-JSON or CSL-YAML")),
    ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="x"><bib:Article/></rdf:RDF>\n',
     ("2: warning: no BibTeX entries found; this looks like a Zotero RDF file: export BibTeX, "
     "CSL-JSON or CSL-YAML")),
    (("<html><body><pre>@article{ng, title={Heel}, author={Ng, P}, year={2020}}</pre></body>"
     "</html>\n"),
     ("1: warning: this is a web page (HTML), not a BibTeX file: its entries are read, but not "
     "HTML's escapes such as '&amp;'; save the BibTeX the page shows as the file")),
])
def test_a_page_or_table_saved_as_bib_is_named(tmp_path, text, said):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    problems = Problems()
    entries = load_bibliographies((tmp_path / "refs.bib",), problems)
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [f"refs.bib:{said}"]
    assert list(entries) == (["ng"] if "@article" in text else [])
