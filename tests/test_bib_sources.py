"""Exports of databases and reference managers as they write them: NASA ADS's journal macros,
IEEE's and RePEc's empty fields, DBLP's quoted nicknames.

Each test writes its own small .bib in the export's manner, prints it through
the citation stage and compares the references with pandoc --citeproc's, or,
where pandoc loses text the export holds, says what the project prints.
"""

from __future__ import annotations

import json
import re

import pytest
from test_bib_forms import STYLES, _compared
from test_bib_semantics import _references

from pipeline.csl import resolve_style
from pipeline.pandoc import run_pandoc
from pipeline.tree import stringify, walk

ADS = r"""@ARTICLE{2019ApJ...882...12S,
       author = {{Smith}, J.~A. and {Garc{\'\i}a}, M.},
        title = "{Dust at z$\sim$2 in the \ensuremath{\Lambda}CDM model}",
      journal = {\apj},
         year = 2019,
       volume = {882},
        pages = {12},
       adsurl = {https://ui.adsabs.harvard.edu/abs/2019ApJ...882...12S},
      adsnote = {Provided by the SAO/NASA Astrophysics Data System}
}
@ARTICLE{2020A&A...641A...6P,
       author = {{Planck Collaboration}},
        title = "{Cosmological parameters}",
      journal = {\aap},
         year = 2020,
       volume = {641},
        pages = {A6}
}
@ARTICLE{2018Unknown,
       author = {{Nagy}, P.},
        title = "{Voids}",
      journal = {\jcomp},
         year = 2018
}
"""


def test_ads_journal_macros_are_the_journals_aas_macros_names(tmp_path):
    refs, problems = _references(
        tmp_path, "See [@{2019ApJ...882...12S}; @{2020A&A...641A...6P}; @2018Unknown].\n", ADS)
    # pandoc drops \apj with its text: the reference had no journal at all
    assert refs == [
        ("1.", "Smith JA, García M. Dust at z∼2 in the ΛCDM model. <i>ApJ</i>. 2019;882:12."),
        ("2.", "Planck Collaboration. Cosmological parameters. <i>A&A</i>. 2020;641:A6."),
        ("3.", "Nagy P. Voids. Published online 2018.")]
    assert problems == [
        ("refs.bib:22: warning: entry '2018Unknown': field 'journal' is only the macro '\\jcomp', "
        "which the reader does not know, so it is left out: write the text itself")]


def test_an_ads_bibcode_cited_without_braces_is_said_with_the_braces(tmp_path):
    refs, problems = _references(tmp_path, "See [@2019ApJ...882...12S].\n", ADS)
    assert (refs, problems) == ([], [
        ("m.md:10: citation '@2019ApJ' has no entry in the bibliography; a key with punctuation "
         "such as '...' is written in braces: @{2019ApJ...882...12S}")])


EMPTY = """@ARTICLE{8765432,
  author={Ng, Li and Roe, Peter},
  journal={IEEE Transactions on Medical Imaging},
  title={Cell Counting},
  year={2019},
  volume={},
  number={},
  pages={1-4},
  doi={},
  url={https://ieeexplore.ieee.org/document/8765432},}
"""


@pytest.mark.parametrize("style", STYLES)
def test_an_empty_field_is_no_field(tmp_path, style):
    ours, theirs = _compared(tmp_path, "See [@8765432].\n", EMPTY, style)
    assert ours == theirs  # an empty DOI hid the URL in AMA, APA and Chicago
    if style != "elsevier-vancouver":  # it prints a URL only for a web page
        assert "https://ieeexplore.ieee.org/document/8765432" in ours[0]


NICKNAME = """@inproceedings{DBLP:conf/chi/SmithL20,
  author       = {John Smith},
  editor       = {Regina Bernhaupt and
                  Florian 'Floyd' Mueller},
  title        = {Designing for Nurses},
  booktitle    = {{CHI} '20},
  pages        = {1--12},
  publisher    = {{ACM}},
  year         = {2020},
  biburl       = {https://dblp.org/rec/conf/chi/SmithL20.bib},
  bibsource    = {dblp computer science bibliography, https://dblp.org}
}
"""


@pytest.mark.parametrize(("style", "editors"), [
    ("american-medical-association", "In: Bernhaupt R, Mueller F ’Floyd’, eds."),
    ("chicago-author-date", "edited by Regina Bernhaupt and Florian ’Floyd’ Mueller.")])
def test_a_quoted_nickname_is_a_given_name_as_bibtex_reads_it(tmp_path, style, editors):
    ours, theirs = _compared(tmp_path, "See [@DBLP:conf/chi/SmithL20].\n", NICKNAME, style)
    assert editors in ours[0]
    if style == "chicago-author-date":  # pandoc reads the nickname as a particle
        assert "Florian ’Floyd’Mueller" in theirs[0]


ACCESSED = """@online{citavi, author = {{WHO}}, title = {Sleep}, url = {https://who.int/s},
  urldate = {6.5.2021}}
@online{worded, author = {{CDC}}, title = {Rest}, url = {https://cdc.gov/r},
  urldate = {Sept. 3, 2020}}
@online{loose, author = {{NHS}}, title = {Naps}, url = {https://nhs.uk/n}, urldate = {2021-5-6}}
@online{either, author = {{NIH}}, title = {Beds}, url = {https://nih.gov/b},
  urldate = {06/05/2021}}
@misc{noted, author = {{AHA}}, title = {Hearts}, year = {2020},
  note = {Available at: \\url{https://heart.org/h}}}
"""


def test_an_access_date_as_reference_managers_write_it_is_read(tmp_path):
    refs, problems = _references(
        tmp_path, "See [@citavi; @worded; @loose; @either; @noted].\n", ACCESSED)
    # pandoc drops each of these access dates, and the note's URL, without a word
    assert refs == [("1.", "WHO. Sleep. Accessed May 6, 2021. https://who.int/s"),
                    ("2.", "CDC. Rest. Accessed September 3, 2020. https://cdc.gov/r"),
                    ("3.", "NHS. Naps. Accessed May 6, 2021. https://nhs.uk/n"),
                    ("4.", "NIH. Beds. https://nih.gov/b"),
                    ("5.", "AHA. Hearts. Published online 2020. https://heart.org/h")]
    assert problems == [
        ("refs.bib:7: warning: entry 'either': urldate '06/05/2021' is left out: either number "
         "could be the month: write it as YYYY-MM-DD")]


RIS = """TY  - JOUR
AU  - Smith, John
AU  - Lee, K.
TI  - Effects of sleep
T2  - Sleep Medicine
PY  - 2019
DA  - 2019/05/06/
VL  - 3
SP  - 10
EP  - 20
DO  - 10.5555/sleep.3
AB  - PRIVATE abstract
N1  - PRIVATE note
KW  - sleep
L1  - file:///home/editor/smith.pdf
ER  - 

TY  - BOOK
ID  - kim2018
AU  - Kim, Anna
TI  - Handbook of sleep
PB  - Oxford University Press
CY  - Oxford
PY  - 2018///
ER  - 
"""


@pytest.mark.parametrize("style", STYLES)
def test_a_ris_file_is_read_as_pandoc_reads_it(tmp_path, style):
    body = "See [@Smith_Lee_2019; @kim2018].\n"  # pandoc's key for a record without ID
    refs, problems = _references(tmp_path, body, RIS, style, name="refs.ris")
    assert problems == []
    ours = [re.sub(r"</?\w+>", "", f"{label} {text}").strip() for label, text in refs]
    out = json.loads(run_pandoc(
        ["--from", "markdown", "--to", "json", "--citeproc", "--bibliography",
         str(tmp_path / "refs.ris"), "--csl", str(resolve_style(style, tmp_path / "m.md", None))],
        body))
    theirs = [" ".join(stringify(n["c"][1]).split()) for n in walk(out["blocks"])
              if n["t"] == "Div" and n["c"][0][0].startswith("ref-")]
    # pandoc reads 'PY  - 2018///' as a range open at its end ("2018–"): RIS's empty parts
    assert ours == [t.replace("2018–", "2018") for t in theirs]
    assert "PRIVATE" not in " ".join(ours) and "smith.pdf" not in " ".join(ours)


NESTED = r"""@article{species, author = {Ng, Li}, title = {Carriage of {\textit{Staphylococcus
  {aureus}}} and \emph{Homo {sapiens}} in {\em vivo}}, journal = {Pain}, year = 2016}
"""


def test_a_braced_word_inside_a_commands_argument_keeps_its_case(tmp_path):
    ours, theirs = _compared(tmp_path, "See [@species].\n", NESTED, "chicago-author-date")
    assert ours == theirs  # title case printed "Staphylococcus Aureus", "Homo Sapiens"
    assert "Staphylococcus aureus" in ours[0] and "Homo sapiens" in ours[0]


def test_a_key_without_its_comma_is_named_with_the_fix(tmp_path):
    bib = "@article{ok, title = {A}, year = 2019}\n@article{ng2019 author = {Ng, Li}, year = 2019}\n"
    refs, problems = _references(tmp_path, "See [@ng2019].\n", bib)
    assert (refs, problems) == ([], [
        ("refs.bib:2: entry @article{ng2019: a comma is missing after the key: write "
         "@article{ng2019, ...}"),
        "m.md:10: citation '@ng2019': its entry could not be read (see refs.bib:2)"])


ENDNOTE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<xml><records>
<record><rec-number>12</rec-number><ref-type name="Journal Article">17</ref-type>
<contributors><authors><author>Smith, John</author><author>Lee, K.</author></authors>
</contributors><titles><title>Effects of sleep</title><secondary-title>Sleep Medicine
</secondary-title></titles><pages>10-20</pages><volume>3</volume><dates><year>2019</year>
</dates><abstract>PRIVATE abstract</abstract><notes>PRIVATE note</notes></record>
<record><rec-number>13</rec-number><ref-type name="Book">6</ref-type><contributors><authors>
<author>Kim, Anna</author></authors></contributors><titles><title>Handbook</title></titles>
<publisher>Oxford University Press</publisher><dates><year>2018</year></dates></record>
</records></xml>
"""


def test_an_endnote_xml_file_is_read_by_pandocs_endnote_reader(tmp_path):
    refs, problems = _references(tmp_path, "See [@12; @13].\n", ENDNOTE_XML, name="refs.xml")
    # pandoc's reader writes the pages as 'pages', which no style prints: read as 'page'
    assert (refs, problems) == ([
        ("1.", "Smith J, Lee K. Effects of sleep. <i>Sleep Medicine</i>. 2019;3:10-20."),
        ("2.", "Kim A. <i>Handbook</i>. Oxford University Press; 2018.")], [])


def test_a_note_that_is_only_a_url_is_the_url_of_the_attached_entry(tmp_path):
    from pipeline.attachments import cited_bibtex
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    (tmp_path / "refs.bib").write_text(ACCESSED, encoding="utf-8")
    entries = load_bibliographies((tmp_path / "refs.bib",), Problems())
    assert cited_bibtex(entries, ["noted"]) == (
        "@misc{noted,\n  author = {{AHA}},\n  title  = {Hearts},\n  year   = {2020},\n"
        "  url    = {https://heart.org/h}\n}\n")


def test_a_double_quoted_nickname_stays_out_of_the_citation(tmp_path):
    from test_bib_exports import _cite

    bib = '@book{q1, author = {Jim "Bo" Lee and Ann Roe}, title = {Quoted}, publisher = {P},\n' \
          '  year = 2019}\n'
    text, refs, problems = _cite(tmp_path, "See [@q1].\n", bib, "chicago-author-date")
    # pandoc reads "Bo" as a dropping particle: "(Lee and Roe 2019)", "Lee, Jim "Bo", and"
    assert (text, problems) == ("See (Lee and Roe 2019).", [])
    assert refs == ["Lee, Jim “Bo,” and Ann Roe. 2019. <i>Quoted</i>. P."]


def test_a_file_named_as_another_format_says_which_name_it_wants(tmp_path):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    files = {"refs.json": "% exported\n@article{a, title = {A}}\n",
             "more.yaml": "TY  - JOUR\nTI  - B\nER  - \n",
             "en.ris": '<?xml version="1.0"?>\n<xml><records><record></record></records></xml>\n'}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems = Problems()
    load_bibliographies(tuple(tmp_path / n for n in files), problems)
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [
        "refs.json:1: warning: this is BibTeX, not what a '.json' file holds: name it 'refs.bib'",
        "more.yaml:1: warning: this is RIS, not what a '.yaml' file holds: name it 'more.ris'",
        ("en.ris:1: warning: this is EndNote XML, not what a '.ris' file holds: name it "
         "'en.xml'")]
