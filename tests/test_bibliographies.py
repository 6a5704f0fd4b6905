"""Real bibliographies: what each reference manager exports is read and printed right.

The fixtures in ``tests/fixtures/exporters/`` are written in the manner of
Zotero (BibTeX, CSL-JSON, CSL-YAML), Better BibTeX, Better BibLaTeX,
Mendeley Desktop, EndNote, JabRef and a hand-written biblatex database.  One
build cites every entry in AMA, another in Elsevier-Vancouver and APA; the
tests read the reference lists out of the EPUBs and the warnings out of the
build report.
"""

from __future__ import annotations

import os
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT
from lxml import etree

from pipeline.build import BuildOptions, build

FIXTURES = ROOT / "tests" / "fixtures" / "exporters"
FILES = ["zotero.bib", "betterbibtex.bib", "betterbiblatex.bib", "mendeley.bib", "endnote.bib",
         "endnote-windows1252.bib", "jabref.bib", "jabref-cp1252.bib", "jabref-utf16.bib",
         "biblatex.bib", "zotero.json", "zotero.yaml"]
KEYS = {
    "zotero.bib": ["axford_uptake_2020", "okafor_chronic_2018",
                   "world_health_organization_guidelines_2019",
                   "national_institute_for_health_and_care_excellence_low_2016"],
    "betterbibtex.bib": ["lindqvistRandomisedTrialPlateletrich2021",
                         "haddadPainMedicinePrimer2022",
                         "centersfordiseasecontrolandpreventionCDCClinicalPractice2022"],
    "betterbiblatex.bib": ["kubrickLivingPainDocumentary2019",
                           "americanSocietyAnesthesiologistsPracticeGuidelines2024",
                           "cruzSciatica2023", "tanakaPainScoresDataset2022",
                           "rossiPainTrackerOpensource2021", "okaforDeviceTranscutaneousNerve2020",
                           "geerRegionalAnaesthesia2017"],
    "mendeley.bib": ["Nakamura2019", "Patel2020", "BritishPainSociety2023", "Okafor2021"],
    "endnote.bib": ["RN12", "RN15", "RN20"],
    "endnote-windows1252.bib": ["RN31", "RN32"],
    "jabref.bib": ["Fischer2018", "Sandoval2015", "Benzon2015"],
    "jabref-cp1252.bib": ["Ostergaard2018"],
    "jabref-utf16.bib": ["Zielinski2023"],
    "biblatex.bib": ["gullam2011", "hart2011", "stone2014", "painmed2020", "brennan2017",
                     "hipaa1996", "ama2024", "okafor2022knee", "lindqvist2022hip", "prpTrials"],
    "zotero.json": ["http://zotero.org/users/1/items/ABCD1234", "brennan-cohort-2022",
                    "bad-names-2020"],
    "zotero.yaml": ["whoGuideline2023", "chenTrial2024", "noType2020"],
}
PARENTS = ["hart2011", "Benzon2015"]  # crossref parents: cited in AMA only
# Listed though not cited: a @set's members (the set is cited), and a crossref parent that
# two cited entries name (biblatex's mincrossrefs); the @set itself is not an entry.
LISTED = {"prpTrialA", "prpTrialB", "painatlas"}
SETS = {"prpTrials"}
STYLES = {"ama": "american-medical-association", "vancouver": "elsevier-vancouver",
          "apa": "apa"}


def _manuscript(folder: Path, name: str, style: str, keys: list[str]) -> Path:
    body = "\n\n".join(f"Claim {i} [@{key}]." for i, key in enumerate(keys, 1))
    path = folder / f"{name}.md"
    path.write_text(
        f"---\ntitle: Every exporter in {name}\nversion: 1.0.0\nstatus: draft\n"
        f"last_updated: 2025-01-01\nbibliography: [{', '.join(FILES)}]\ncsl: {style}\n---\n\n"
        f"{body}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("exporters")
    for name in FILES:
        shutil.copy(FIXTURES / name, folder / name)
    every = [k for keys in KEYS.values() for k in keys]
    paths = [_manuscript(folder, name, style, every if name == "ama" else
                         [k for k in every if k not in PARENTS])
             for name, style in STYLES.items()]
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            report = build(paths, BuildOptions(out=folder / "dist", formats=("epub",), jobs=1,
                                               use_cache=False, bibliography_dir=folder))
        # No library's warning (citeproc-py's "unsupported" arguments) reaches the user.
        assert [str(w.message) for w in raised if w.category is UserWarning] == []
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert report.ok and not report.internal_errors, [str(p) for p in report.problems]
    return folder, report


def _entries(folder: Path, name: str) -> dict[str, tuple[str, str, etree._Element]]:
    """key -> (kind, printed text, element) of each reference-list entry in the EPUB."""
    out = {}
    with zipfile.ZipFile(folder / "dist" / f"{name}.clinician.epub") as z:
        for member in z.namelist():
            if not member.endswith(".xhtml"):
                continue
            root = etree.fromstring(z.read(member))
            for div in root.iter("{http://www.w3.org/1999/xhtml}div"):
                if not (div.get("id") or "").startswith("ref-"):
                    continue
                body = div.find(".//*[@class='csl-right-inline']")
                for back in body.findall(".//*[@class='cited-at']"):  # links back to the text
                    back.getparent().remove(back)
                kind = body.find("*[@class='ref-kind']")
                text = " ".join("".join(body.itertext()).split())
                kind_text = "".join(kind.itertext())
                out[div.get("id")[4:]] = (kind_text, text[len(kind_text):].strip(), body)
    return out


@pytest.fixture(scope="module")
def printed(built) -> dict[str, dict[str, tuple[str, str, etree._Element]]]:
    folder, _report = built
    return {name: _entries(folder, name) for name in STYLES}


def _expected(style: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in (FIXTURES / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, key, kind, text = (part.strip() for part in line.split(" | ", 3))
        if name == style:
            out[key] = (kind, text)
    return out


@pytest.mark.parametrize("style", list(STYLES))
def test_every_exported_entry_is_printed_in_the_style(printed, style):
    got = {key: (kind, text) for key, (kind, text, _el) in printed[style].items()}
    assert got == _expected(style)


def test_every_cited_entry_is_listed_and_uncited_parents_are_not(printed):
    every = {k for keys in KEYS.values() for k in keys} - SETS | LISTED
    assert set(printed["ama"]) == every
    assert set(printed["vancouver"]) == set(printed["apa"]) == every - set(PARENTS)


def test_tex_superscripts_and_emphasis_reach_the_output(printed):
    for style in STYLES:
        _kind, text, body = printed[style]["axford_uptake_2020"]
        sups = ["".join(s.itertext()) for s in body.iter("{http://www.w3.org/1999/xhtml}sup")]
        assert sups == ["18"] and "Uptake of 18FAV-1451" in text
    _kind, text, body = printed["ama"]["haddadPainMedicinePrimer2022"]
    assert [s.text for s in body.iter("{http://www.w3.org/1999/xhtml}sup")] == ["th"]
    _kind, text, body = printed["ama"]["ama2024"]
    assert "in the 5th year" in text
    assert [s.text for s in body.iter("{http://www.w3.org/1999/xhtml}sup")] == ["th"]


def test_exporters_warnings_are_located_and_exact(built):
    folder, report = built
    seen = sorted({str(p).replace(f"{folder}/", "") for p in report.problems})
    assert seen == [
        ("endnote-windows1252.bib:2: warning: not valid UTF-8 (byte 0xfc at offset 30); the "
         "file is read as Windows-1252 (Latin-1): save it as UTF-8 if any letter looks wrong"),
        ("endnote.bib:1: warning: key 'RN12' is defined again at line 27; this first entry is "
        "used"),
        ("endnote.bib:27: warning: key 'RN12' is defined twice in this file (first at line 1); "
        "this entry is ignored"),
        ("endnote.bib:36: warning: entry 'RN20': 'European Medicines Agency' in 'author' is "
         "read as an organisation, not as a person named 'Agency'; write it in double braces: "
         "author = {{European Medicines Agency}}"),
        ("jabref-cp1252.bib:1: warning: the file declares '% Encoding: Cp1252'; read as "
        "Windows-1252 (Latin-1)"),
        ("jabref-utf16.bib:1: warning: the file is UTF-16 (little-endian) (it starts with a "
         "byte-order mark); read as UTF-16 (little-endian)"),
        ("mendeley.bib:53: warning: key 'Nakamura2019' is defined twice in this file (first at "
        "line 6); this entry is ignored"),
        ("mendeley.bib:6: warning: key 'Nakamura2019' is defined again at line 53; this first "
        "entry is used"),
        "zotero.json:27: warning: item has no 'id': it cannot be cited",
        ("zotero.json:35: warning: item 'bad-names-2020': 'author' must be a list of names "
        "({family, given} or {literal}); left out"),
        "zotero.yaml:26: warning: item 'noType2020' has no 'type'; read as 'document'",
    ]


# ------------------------------------------------------------ reading, entry by entry

def _read(tmp_path: Path, text: str, name: str = "refs.bib", cited=None):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    (tmp_path / name).write_text(text, encoding="utf-8")
    problems = Problems()
    entries = load_bibliographies((tmp_path / name,), problems, cited)
    return entries, [str(p).replace(f"{tmp_path}/", "") for p in problems.items]


def _items(entries) -> dict:
    from pipeline.bibtex import to_csl
    from pipeline.errors import Problems

    problems = Problems()
    items = to_csl(list(entries.values()), problems)
    assert not problems.items, [str(p) for p in problems.items]
    return items


SCANNED = """Free text before the first entry, with an address: editor@example.org
% a comment line
@Comment{jabref-meta: databaseType:biblatex;}
@STRING{ jpr = {J Pain Res} }
@preamble{ "\\providecommand{\\noopsort}[1]{}" }

@ARTICLE{one,
  % second edition: ask the author
  Author  = {van der Velde, Jan},
  TITLE   = "Lexical access: (re)consideration",
  journal = jpr # { Suppl},
  month   = mar,
  year    = 2019,
}

%@ARTICLE{commented,
%  title = {Gone},
%}

@Article(two,
  title = "A ) in a quoted value",
  url = {https://example.org/a%20b},
  year = {2020}
)
@web_page{three, title = {A page}, url = {https://example.org}}
"""


def test_a_bib_is_read_as_biber_reads_it(tmp_path):
    entries, problems = _read(tmp_path, SCANNED)
    assert problems == []
    assert list(entries) == ["one", "two", "three"]
    one = entries["one"]
    assert (one.type, one.field("author"), one.field("journal"), one.field("month")) == (
        "article", "van der Velde, Jan", "J Pain Res Suppl", "March")
    assert [(f.name, f.line) for f in one.located_fields()] == [
        ("author", 9), ("title", 10), ("journal", 11), ("month", 12), ("year", 13)]
    assert dict(one.values)["journal"] == "jpr # { Suppl}"
    assert entries["two"].field("title") == "A ) in a quoted value"
    assert entries["two"].field("url") == "https://example.org/a%20b"
    assert (entries["three"].type, entries["three"].written_type) == ("online", "web_page")
    items = _items(entries)
    assert items["one"]["issued"] == {"date-parts": [[2019, 3]]}
    assert items["three"]["type"] == "webpage"


def test_broken_entries_cost_only_themselves(tmp_path):
    text = ("@article{good1, title = {Good}, year = 2020}\n"
            "@article{bad1,\n  title = {Never closed,\n  year = 2020,\n}\n"
            "@article{good2, title = {Also good}, note = undefinedmacro}\n"
            "@article{bad2, title = {x} year = 2021}\n")
    entries, problems = _read(tmp_path, text, cited=["good1", "bad1"])
    assert list(entries) == ["good1", "good2"]
    assert problems == [
        # the value runs to the '}' of line 5: said at the field whose '{' is not closed
        ("refs.bib:3: entry 'bad1' (line 2) is not closed: the value of field 'title' has a "
         "'{' that is not closed, so it runs on to line 5"),
        ("refs.bib:6: warning: @string 'undefinedmacro' is not defined; its name is used as "
        "the text"),
        "refs.bib:7: warning: entry 'bad2': missing ',' after field 'title'",
    ]


def test_crossref_and_xdata_follow_biblatex_and_report_what_is_missing(tmp_path):
    text = ("@incollection{child, title = {Chapter}, crossref = {parent}, pages = {1--9}}\n"
            "@collection{parent, title = {The Book}, editor = {Hart, Owen}, date = {2015},\n"
            "  publisher = {Mosby}, shorttitle = {Book}, keywords = {guideline}}\n"
            "@article{orphan, title = {Alone}, crossref = {nowhere}}\n"
            "@book{loop1, title = {L1}, crossref = {loop2}}\n"
            "@book{loop2, title = {L2}, crossref = {loop1}}\n"
            "@misc{film, title = {Film}, xdata = {studio}}\n"
            "@xdata{studio, publisher = {Northlight}, location = {London}}\n")
    entries, problems = _read(tmp_path, text, cited=["child", "orphan", "loop1", "film"])
    assert problems == [
        ("refs.bib:4: warning: entry 'orphan': crossref 'nowhere' has no entry in the "
        "bibliography; nothing is inherited"),
        # loop2 is used too (loop1 inherits from it): the loop is named from both ends
        ("refs.bib:6: warning: entry 'loop2': crossref 'loop1' makes a loop (loop1 -> loop2 "
         "-> loop1); nothing more is inherited"),
        ("refs.bib:5: warning: entry 'loop1': crossref 'loop2' makes a loop (loop2 -> loop1 "
         "-> loop2); nothing more is inherited"),
    ]
    child = dict(entries["child"].fields)
    assert child["booktitle"] == "The Book" and child["editor"] == "Hart, Owen"
    assert "shorttitle" not in child and child["title"] == "Chapter"
    assert [f.line for f in entries["child"].located_fields() if f.name == "publisher"] == [3]
    assert entries["child"].kind == "Guideline"  # keywords are inherited, as biblatex does
    assert dict(entries["film"].fields)["location"] == "London"
    assert "studio" not in entries  # @xdata entries are never cited
    items = _items({k: entries[k] for k in ("child", "film")})
    assert items["child"]["container-title"] == "The book"  # pandoc: sentence case
    assert items["film"]["publisher-place"] == "London"


def test_names_roles_initials_and_useprefix(tmp_path):
    text = ("@book{b, author = {Axford, ME and de Geer, Ingrid and {World Health Organization}"
            " and SMITH, ANN and others},\n  editor = {Kubrick, Stella}, editortype = {director},\n"
            "  editora = {Petrov, Ivan}, editoratype = {compiler},\n"
            "  editorb = {Lee, Ann}, editorbtype = {scribe}, title = {T}, year = 2020}\n"
            "@book{p, author = {de Geer, Ingrid}, options = {useprefix=true}, title = {T}}\n"
            "@book{e1, author = {Smith, J. and et al.}, title = {T}}\n"
            "@book{e2, author = {Smith, J. and Lee, K. and ...}, title = {T}}\n")
    entries, _problems = _read(tmp_path, text)
    from pipeline.bibtex import to_csl
    from pipeline.errors import Problems

    problems = Problems()
    items = to_csl(list(entries.values()), problems)
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [
        ("refs.bib:4: warning: entry 'b': editorbtype 'scribe' is not a role the styles know; "
        "the names of 'editorb' are read as contributor")]
    assert items["b"]["author"] == [
        {"family": "Axford", "given": "M. E."},
        {"family": "Geer", "given": "Ingrid", "non-dropping-particle": "de"},
        {"literal": "World Health Organization"}, {"family": "SMITH", "given": "ANN"},
        {"literal": "et al."}]
    assert items["b"]["director"] == [{"family": "Kubrick", "given": "Stella"}]
    assert items["b"]["compiler"] == [{"family": "Petrov", "given": "Ivan"}]
    assert items["b"]["contributor"] == [{"family": "Lee", "given": "Ann"}]
    assert "editor" not in items["b"]
    assert items["p"]["author"] == [{"family": "de Geer", "given": "Ingrid"}]
    assert items["e1"]["author"][-1] == items["e2"]["author"][-1] == {"literal": "et al."}


@pytest.mark.parametrize(("fields", "kind"), [
    ("category = {Review}, keywords = {Practice Guideline}", "Review"),
    ("keywords = {Humans; Practice Guideline.}", "Guideline"),
    ("keywords = {Guideline Adherence, Humans}", "Research"),
    ("keywords = {Randomized Controlled Trial, Meta-Analysis}", "Review"),
    ("keywords = {{Consensus Statement}}", "Guideline"),
])
def test_kind_from_category_then_keywords_then_type(tmp_path, fields, kind):
    entries, _ = _read(tmp_path, f"@article{{a, title = {{T}}, {fields}}}\n")
    assert entries["a"].kind == kind


def test_kinds_of_biblatex_types(tmp_path):
    text = "".join(f"@{t}{{k{t}, title = {{T}}}}\n" for t in (
        "collection", "mvbook", "periodical", "patent", "inreference", "legislation", "video",
        "dataset", "software", "report", "book_section", "conference_paper"))
    entries, _ = _read(tmp_path, text)
    assert {k[1:]: e.kind for k, e in entries.items()} == {
        "collection": "Book", "mvbook": "Book", "periodical": "Journal issue",
        "patent": "Patent", "inreference": "Encyclopedia entry", "legislation": "Legislation",
        "video": "Video", "dataset": "Dataset", "software": "Software", "report": "Report",
        "book_section": "Book chapter", "conference_paper": "Conference paper"}


# ------------------------------------------------------------ CSL-JSON and CSL-YAML

@pytest.mark.parametrize(("name", "text", "expected", "keys"), [
    ("refs.json", '[\n  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b",, }\n]\n',
     [("refs.json:3: not valid JSON: Expecting property name enclosed in double quotes "
      "(column 14); the items after it are not read")], ["a"]),
    ("refs.json", '{"id": "a", "type": "book", "title": "One item"}\n', [], ["a"]),
    ("refs.json", '"text"\n', [("refs.json:1: a CSL-JSON bibliography is a list of items: it "
                              "starts with '['")], []),
    ("refs.yaml", "references:\n- id: a\n  type: book\n  title: [unclosed\n",
     [("refs.yaml:5: not valid YAML: did not find expected ',' or ']' (while parsing a flow "
      "sequence that starts at line 4); the items after it are not read")], []),
    ("refs.yml", "- id: a\n  type: book\n  issued: {date-parts: [[twenty]]}\n- id: b\n",
     [("refs.yml:3: warning: item 'a': 'issued' is not a date ({date-parts}, raw, literal or "
      "YYYY-MM-DD); left out"),
      "refs.yml:4: warning: item 'b' has no 'type'; read as 'document'"], ["a", "b"]),
    ("refs.yaml", "title: not a list\n",
     ["refs.yaml:1: a CSL-YAML bibliography has a 'references:' list of items"], []),
])
def test_csl_bibliographies_report_each_item_and_field_at_its_line(tmp_path, name, text, expected, keys):
    entries, problems = _read(tmp_path, text, name)
    assert problems == expected
    assert list(entries) == keys


def test_csl_yaml_items_are_cited(tmp_path):
    text = ("references:\n- id: who2023\n  type: report\n  title: WHO guideline\n"
            "  author: [{literal: World Health Organization}]\n  issued: 2023-12-07\n"
            "  keyword: Guideline\n  custom-field: dropped\n")
    entries, problems = _read(tmp_path, text, "refs.yaml")
    assert problems == [] and entries["who2023"].kind == "Guideline"
    item = _items(entries)["who2023"]
    assert item["issued"] == {"date-parts": [[2023, 12, 7]]} and "custom-field" not in item


def test_better_bibtex_yaml_dates_of_year_month_and_day_are_read(tmp_path):
    text = ("references:\n- id: angus2013\n  type: article-journal\n  title: Severe sepsis\n"
            "  issued:\n    - year: 2013\n      month: 8\n      day: 29\n"
            "  accessed:\n    year: '2024'\n    month: 1\n"
            "- id: trial\n  type: report\n  title: A trial\n"
            "  issued:\n    - year: 2019\n      month: 3\n    - year: 2021\n"
            "- id: bad\n  type: book\n  title: No year\n  issued:\n    - month: 3\n")
    entries, problems = _read(tmp_path, text, "refs.yaml")
    assert problems == [("refs.yaml:22: warning: item 'bad': 'issued' is not a date "
                         "({date-parts}, raw, literal or YYYY-MM-DD); left out")]
    items = _items(entries)
    assert items["angus2013"]["issued"] == {"date-parts": [[2013, 8, 29]]}
    assert items["angus2013"]["accessed"] == {"date-parts": [[2024, 1]]}
    assert items["trial"]["issued"] == {"date-parts": [[2019, 3], [2021]]}
    assert ("date", "{2013-08-29}") in entries["angus2013"].values


@pytest.mark.parametrize(("name", "said"), [
    ("refs.enw", ("; an EndNote (Refer) file is not read: export the references as BibTeX "
     "or CSL-JSON")),
    ("refs.bbl", "")])
def test_a_bibliography_of_another_format_is_named(tmp_path, monkeypatch, name, said):
    from pipeline.errors import PipelineError
    from pipeline.manuscript import load_manuscript

    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text("TY  - JOUR\n")
    (tmp_path / "m.md").write_text("---\ntitle: T\nversion: 1.0.0\nstatus: draft\n"
                                   f"last_updated: 2025-01-01\nbibliography: [{name}]\n---\n")
    with pytest.raises(PipelineError) as caught:
        load_manuscript(tmp_path / "m.md", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        (f"m.md:6: bibliography file '{name}' must be .bib (BibTeX, biblatex), .json "
         "(CSL-JSON), .yaml (CSL-YAML), .ris (RIS), .xml (EndNote XML) or .nbib (PubMed's "
         "MEDLINE)" + said)]


def test_zoteros_own_json_is_named_once_not_an_item_without_id_each(tmp_path):
    from test_bib_semantics import _prepared

    item = ('{"key": "AB%d", "version": 1, "data": {"key": "AB%d", "itemType": '
            '"journalArticle", "title": "T", "abstractNote": "private"}}')
    _, problems = _prepared(tmp_path, "See [@AB1].\n", "[\n" + ",\n".join(
        item % (i, i) for i in (1, 2)) + "\n]\n", name="zotero.json")
    assert problems == [
        ("zotero.json:2: warning: this is Zotero's own JSON (items with 'itemType'), not "
         "CSL-JSON: export the items as 'CSL JSON'"),
        "m.md:10: citation '@AB1' has no entry in the bibliography"]


def test_an_entry_pandoc_refuses_is_reported_at_its_line_in_one_more_run(tmp_path, monkeypatch):
    from pipeline import bibconvert
    from pipeline.errors import Problems

    entries, _ = _read(tmp_path, "@article{a, title = {A}}\n@article{b,\n  title = {B}}\n"
                       "@article{c, title = {C}}\n")
    runs = []
    real = bibconvert.convert_text

    def counted(source, target, text):
        runs.append(text)
        return real(source, target, text)

    monkeypatch.setattr(bibconvert, "convert_text", counted)
    todo = [bibconvert._prepare(e) for e in entries.values()]
    todo[1].text = todo[1].text.replace("title = {B}", "title == {B}")  # what pandoc refuses
    problems = Problems()
    converted = bibconvert._run(todo, problems)
    assert [p.entry.key for p in converted] == ["a", "c"] and len(runs) == 2
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [
        "refs.bib:3: entry 'b' cannot be read: unexpected '='"]


def write_expected() -> None:
    """Rewrite ``expected.txt`` from a fresh build (check every changed line by hand)."""
    import tempfile

    class Factory:
        def mktemp(self, _name: str) -> Path:
            return Path(tempfile.mkdtemp())

    folder, _report = built.__wrapped__(Factory())
    lines = [line for line in (FIXTURES / "expected.txt").read_text().splitlines()
             if line.startswith("#")]
    for style in STYLES:
        for key, (kind, text, _el) in _entries(folder, style).items():
            lines.append(f"{style} | {key} | {kind} | {text}")
    (FIXTURES / "expected.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python tests/test_bibliographies.py: refresh the expected lists
    write_expected()


def test_tex_in_every_notation_becomes_unicode_and_formatting(tmp_path):
    note = (r"\"o \"{o} {\"o} \'e \'{e} {\'e} \^e \`a \~n \c{c} \c c \v{s} \u{a} \H{o} \r{a} "
            r"\k{a} \=a \.z \d{s} {\aa} {\AA} {\o} {\O} {\ss} {\ae} {\oe} {\l} {\L} \'{\i} "
            r"{\'\i} \textregistered\ \textdegree C \textendash\ \textemdash\ \ldots\ \% \$ \_ "
            r"\# a~b x--y x---y ``q'' \textit{it} {\bf bf} {\it it} H\textsubscript{2}O "
            r"\href{https://e.org}{link} \url{https://e.org/x_y} $\geq$ 5 $\mu$g \emph{e} "
            r"{\em em} \textbf{b} \mbox{m} \textrm{r} \& $^{\textrm{18}}${F} 5\({}^{\mbox{th}}\) "
            r"\mkbibacro{NASA} \textquote{tq} \NoCaseChange{ncc} \mkbibsuperscript{sup}")
    entries, problems = _read(tmp_path, "@misc{t,\n  note = {" + note + "},\n}\n")
    assert problems == []
    assert _items(entries)["t"]["note"] == (
        "ö ö ö é é é ê à ñ ç ç š ă ő å ą ā ż ṣ å Å ø Ø ß æ œ ł Ł í í ® °C – — … % $ _ # "
        "a\u00a0b x–y x—y “q” <i>it</i> <b>bf</b> <i>it</i> H<sub>2</sub>O link "
        "https://e.org/x_y ≥ 5 μg <i>e</i> <i>em</i> <b>b</b> m r & <sup>18</sup>F 5<sup>th</sup> "
        "NASA “tq” ncc <sup>sup</sup>")


def test_csl_items_have_a_bibtex_form_for_the_pdf_attachment(tmp_path):
    from pipeline.attachments import cited_bibtex

    entries, _ = _read(tmp_path, (FIXTURES / "zotero.json").read_text(), "refs.json")
    key = "http://zotero.org/users/1/items/ABCD1234"
    text = cited_bibtex(entries, [key])
    again, problems = _read(tmp_path, text, "again.bib")
    assert problems == [] and again[key].type == "article"
    assert dict(again[key].fields) == {
        "author": "Sørensen, Mette and Axford, M. E.",
        "title": "Ketamine infusions for complex regional pain syndrome: a \\emph{post hoc} "
                 "analysis",
        "journal": "Pain", "volume": "162", "number": "4", "pages": "1120-1131",
        "doi": "10.5555/pain.0000000000002101", "date": "2021-04"}
    assert again[key].kind == entries[key].kind == "Research"


def test_the_render_cache_sees_changes_to_parents_and_csl_files(tmp_path):
    from pipeline.cache import Cache
    from pipeline.manuscript import load_manuscript

    bib = ("@inbook{child, title = {Chapter}, crossref = {parent}}\n"
           "@book{parent, title = {The Book}, year = 2015}\n")
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "refs.json").write_text('[{"id": "j", "type": "book", "title": "J"}]\n')
    (tmp_path / "m.md").write_text(
        "---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        "bibliography: [refs.bib, refs.json]\n---\n\nSee [@child] and [@j].\n")

    def digest() -> str | None:
        manuscript, _ = load_manuscript(tmp_path / "m.md", tmp_path)
        return Cache(tmp_path / "cache", ROOT / "styles").input_digest(manuscript)

    first = digest()
    (tmp_path / "refs.bib").write_text(bib.replace("2015", "2016"), encoding="utf-8")
    second = digest()
    (tmp_path / "refs.json").write_text('[{"id": "j", "type": "book", "title": "J2"}]\n')
    third = digest()
    assert len({first, second, third}) == 3 and None not in (first, second, third)
