"""CSL-JSON as doi.org and Crossref write it: names with affiliations, group names, Crossref's
type names, text given as lists.  Each test writes its own file, formats it through the
citation stage and reads the printed references and the problems.
"""

from __future__ import annotations

import json

import pytest
from test_bib_exports import _cite

CROSSREF = [
    {"id": "bejnordi2017", "type": "journal-article", "source": "Crossref",
     "title": "Deep learning for lymph node metastases", "subtitle": [], "short-title": [],
     "original-title": [], "container-title": ["JAMA"], "short-container-title": ["JAMA"],
     "ISSN": ["0098-7484", "1538-3598"], "volume": "318", "issue": "22", "page": "2199",
     "is-referenced-by-count": 556, "indexed": {"date-parts": [[2024, 3, 1]], "timestamp": 1},
     "link": [{"URL": "https://example.org/x.pdf", "content-type": "unspecified"}],
     "issued": {"date-parts": [[2017, 12, 12]]},
     "author": [
         {"given": "Babak", "family": "Ehteshami Bejnordi", "sequence": "first",
          "affiliation": [{"name": "Radboud University Medical Center"}],
          "ORCID": "https://orcid.org/0000-0000-0000-0000", "authenticated-orcid": False},
         {"given": "Ann", "family": "Lee", "suffix": None, "affiliation": []},
         {"name": "and the CAMELYON16 Consortium", "sequence": "additional",
          "affiliation": []}]},
    {"id": "kim2020", "type": "book-chapter", "title": "A chapter",
     "container-title": ["A book"], "publisher": "Mosby", "issued": {"date-parts": [[2020]]},
     "author": [{"family": "Kim", "given": "Bo", "sequence": "first", "affiliation": []}]},
    {"id": "typo2021", "type": "jornal-article", "title": "A typo", "container-title": "JAMA",
     "issued": {"date-parts": [[2021]]}, "author": [{"family": "Roe", "given": "Ed"}]},
    {"id": "two2022", "type": "article-journal", "title": ["First title", "Second title"],
     "container-title": "JAMA", "issued": {"date-parts": [[2022]]},
     "author": [{"family": "Poe", "given": "Di"}, {"affiliation": []}]},
]


@pytest.fixture(scope="module")
def crossref(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crossref")
    text = json.dumps(CROSSREF, indent=1)
    return _cite(folder, "See [@bejnordi2017; @kim2020; @typo2021; @two2022].\n", text,
                 "american-medical-association", "refs.json")


def test_crossref_names_keep_their_authors_and_groups(crossref):
    _, refs, _ = crossref
    assert refs[0] == ("Ehteshami Bejnordi B, Lee A, CAMELYON16 Consortium. Deep learning for "
                       "lymph node metastases. <i>JAMA</i>. 2017;318(22):2199.")


def test_crossref_types_and_lists_are_read_as_csl(crossref):
    _, refs, problems = crossref
    text = json.dumps(CROSSREF, indent=1)
    def line(field: str, after: str) -> int:  # each warning is at its field's line
        return text[:text.index(field, text.index(f'"id": "{after}"'))].count("\n") + 1

    typo = line('"type"', "typo2021")
    title, author = line('"title"', "two2022"), line('"author"', "two2022")
    assert refs[1:] == [
        "Kim B. A chapter. In: <i>A Book</i>. Mosby; 2020.",
        "Roe E. A typo. <i>JAMA</i>. Published online 2021.",
        "Poe D. First title. <i>JAMA</i>. Published online 2022.",
    ]
    assert problems == [
        (f"refs.json:{typo}: warning: item 'typo2021': type 'jornal-article' is not a CSL type "
         "(did you mean 'article-journal'?); read as 'document'"),
        (f"refs.json:{title}: warning: item 'two2022': 'title' has 2 values; the first is used "
         "('First title')"),
        (f"refs.json:{author}: warning: item 'two2022': a name in 'author' has no family, given or "
         "literal name; it is left out"),
    ]


def test_crossref_kinds_follow_the_csl_type(tmp_path):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    (tmp_path / "refs.json").write_text(json.dumps(CROSSREF[:2]), encoding="utf-8")
    entries = load_bibliographies((tmp_path / "refs.json",), Problems())
    assert [e.kind for e in entries.values()] == ["Research", "Book chapter"]


def test_items_of_the_wrong_kind_are_named_in_words_not_as_python_types(tmp_path):
    items = [1, "x", None, [], {"id": "b", "type": ["article"], "title": "Kept",
                                "issued": {"date-parts": [[2020]]}}]
    text = json.dumps(items, indent=1)
    _first, references, problems = _cite(tmp_path, "See [@b].\n", text,
                                         "american-medical-association", "refs.json")
    shape = ('warning: an item must be an object of CSL fields such as {"id": "doe2020", '
             '"type": "article-journal"}, found ')
    assert [p.split(": ", 1)[1] for p in problems] == [
        shape + "a number (1)", shape + "text ('x')", shape + "nothing (null)",
        shape + "a list",
        ("warning: item 'b': 'type' must be text such as 'article-journal', found a list; read "
         "as 'document'")]
    assert "Kept" in references[0]


def test_zoteros_names_of_the_short_forms_are_the_short_forms(tmp_path):
    # Zotero's CSL-JSON names the journal's abbreviation 'journalAbbreviation' (citeproc-js
    # and pandoc read it as container-title-short); AMA prints it: 'Lancet', not 'The Lancet'
    items = [{"id": "hart2021", "type": "article-journal", "title": "Low back pain",
              "container-title": "The Lancet", "journalAbbreviation": "Lancet",
              "shortTitle": "Back pain", "volume": "397", "page": "1001-1010",
              "author": [{"family": "Hartvigsen", "given": "Jan"}],
              "issued": {"date-parts": [["2021", 3]]}}]
    _, refs, problems = _cite(tmp_path, "See [@hart2021].\n", json.dumps(items),
                              "american-medical-association", "refs.json")
    assert refs == ["Hartvigsen J. Low back pain. <i>Lancet</i>. 2021;397:1001-1010."]
    assert problems == []
