"""What real exports write where BibTeX wants something else: PubMed's dates and names, files
that hold no entries, doubled backslashes, broken entries and encodings.

Each test writes its own small files, formats them through the citation stage
(``prepare``) and reads the printed text and references, or the problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.tree import stringify

FRONT = ("---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
         "bibliography: [{bib}]\ncsl: {csl}\n---\n\n")


def _cite(folder: Path, body: str, bib: str, csl: str, name: str = "refs.bib"):
    """(first paragraph, references as text, problems as text) of a manuscript citing ``bib``."""
    from test_bib_semantics import _plain, _prepared

    doc, texts = _prepared(folder, body, bib, csl, name)
    if doc is None:
        return "", [], texts
    text = " ".join(stringify(doc.ast["blocks"][0]).split())
    return text, [_plain(r.html) for r in doc.references], texts


# ------------------------------------------------------------ years as PubMed writes them

PUBMED_YEARS = """@article{sun2013,
  author = {Sun, Wei and Rumshisky, Anna and Uzuner, Ozlem},
  title = {Temporal relations in clinical text},
  journal = {J Am Med Inform Assoc},
  year = {2013 Sep-Oct},
  volume = {20}, number = {5}, pages = {806--813},
}
@article{ode2024, author = {Ode, Cy}, title = {Accepted work}, journal = {JAMA},
  year = {in press}}
@article{roe2019, author = {Roe, Ed}, title = {A day}, journal = {JAMA}, year = {2019 Jan 15}}
@article{poe2014, author = {Poe, Di}, title = {A season}, journal = {JAMA}, year = {2014 Spring},
  volume = {3}}
@article{tao2013, author = {Tao, Fu}, title = {A typo},
  journal = {JAMA},
  year = {2013x}}
"""
YEAR_WARNING = ("refs.bib:15: warning: entry 'tao2013': year '2013x' is not a date; it is "
                "printed as written")
YEAR_CITES = "See @sun2013 [p. 807] and [@ode2024; @roe2019; @poe2014; @tao2013].\n"


@pytest.mark.parametrize(("csl", "text", "expected"), [
    ("american-medical-association", "See Sun et al.1(p807) and2–5.", [
        ("Sun W, Rumshisky A, Uzuner O. Temporal relations in clinical text. <i>J Am Med Inform "
         "Assoc</i>. 2013;20(5):806-813."),
        "Ode C. Accepted work. <i>JAMA</i>. Published online in press.",
        "Roe E. A day. <i>JAMA</i>. Published online January 15, 2019.",
        "Poe D. A season. <i>JAMA</i>. 2014;3.",
        "Tao F. A typo. <i>JAMA</i>. Published online 2013x.",
    ]),
    ("nlm-citation-sequence", "See Sun et al. (1) and (2–5).", [
        ("Sun W, Rumshisky A, Uzuner O. Temporal relations in clinical text. J Am Med Inform "
         "Assoc. 2013 Sep–Oct;20(5):806–13."),
        "Ode C. Accepted work. JAMA. in press.",
        "Roe E. A day. JAMA. 2019 Jan 15.",
        "Poe D. A season. JAMA. 2014 Spring;3.",
        "Tao F. A typo. JAMA. 2013x.",
    ]),
    ("apa", ("See Sun et al. (2013, p. 807) and (Ode, in press; Poe, 2014; Roe, 2019; "
             "Tao, 2013x)."), [
        "Ode, C. (in press). Accepted work. <i>JAMA</i>.",
        "Poe, D. (2014). A season. <i>JAMA</i>, <i>3</i>.",
        "Roe, E. (2019). A day. <i>JAMA</i>.",
        ("Sun, W., Rumshisky, A., & Uzuner, O. (2013). Temporal relations in clinical text. "
         "<i>J Am Med Inform Assoc</i>, <i>20</i>(5), 806–813."),
        "Tao, F. (2013x). A typo. <i>JAMA</i>.",
    ]),
])
def test_a_year_written_as_pubmed_writes_it_is_a_date(tmp_path, csl, text, expected):
    printed, refs, problems = _cite(tmp_path, YEAR_CITES, PUBMED_YEARS, csl)
    assert problems == [YEAR_WARNING]
    assert refs == expected
    assert printed == text


def test_pubmed_years_are_read_as_dates_ranges_seasons_or_literals():
    from pipeline.bibdates import year_date

    assert {y: year_date(y) for y in (
        "2013 Sep-Oct", "2019 Jan 15", "2019 Jan 15-22", "2012 Dec-2013 Jan", "2014 Spring",
        "2013 Fall-Winter", "2013 Sept.", "2001-2002", "2013", "2019~", "2013-09/2013-10",
        "in press", "2013 Suppl", "{2013} {Sep}")} == {
        "2013 Sep-Oct": ("2013-09/2013-10", None), "2019 Jan 15": ("2019-01-15", None),
        "2019 Jan 15-22": ("2019-01-15/2019-01-22", None),
        "2012 Dec-2013 Jan": ("2012-12/2013-01", None), "2014 Spring": ("2014-21", None),
        "2013 Fall-Winter": ("2013-23/2013-24", None), "2013 Sept.": ("2013-09", None),
        "2001-2002": ("2001/2002", None), "2013": (None, None), "2019~": (None, None),
        "2013-09/2013-10": (None, None), "in press": (None, "in press"),
        "2013 Suppl": (None, "2013 Suppl"), "{2013} {Sep}": ("2013-09", None)}


# ------------------------------------------------------------ files that hold no entries

NOT_BIBTEX = {
    "empty.bib": "\n\n",
    "ris.bib": "\nTY  - JOUR\nAU  - Lee, Ann\nTI  - A title\nER  - \n",
    "endnote.bib": '<?xml version="1.0" encoding="UTF-8"?>\n<xml><records><record>'
                   "<titles><title>A</title></titles></record></records></xml>\n",
    "notes.bib": "Lee A. A title. JAMA. 2020.\n",
    "strings.bib": "@string{jama = {JAMA}}\n",
    "empty.json": "",
    "none.json": "[]\n",
    "none.yaml": "references: []\n",
}


def test_a_file_with_no_entries_is_said_at_the_file(tmp_path):
    from pipeline.bibtex import load_bibliographies
    from pipeline.errors import Problems

    for name, text in NOT_BIBTEX.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    problems = Problems()
    entries = load_bibliographies(tuple(tmp_path / n for n in NOT_BIBTEX), problems, ["lee"])
    assert entries == {}
    assert [str(p).replace(f"{tmp_path}/", "") for p in problems.items] == [
        "empty.bib:1: warning: no BibTeX entries found: the file is empty",
        ("ris.bib:2: warning: no BibTeX entries found; this looks like a RIS file (name it "
         ".ris): export BibTeX, CSL-JSON or CSL-YAML"),
        ("endnote.bib:2: warning: no BibTeX entries found; this looks like an EndNote XML file: "
         "export BibTeX, CSL-JSON or CSL-YAML"),
        ("notes.bib:1: warning: no BibTeX entries found (an entry starts with '@article{key,' "
         "or another type)"),
        "empty.json:1: warning: no items found: the file is empty",
        "none.json:1: warning: no items found",
        "none.yaml:1: warning: no items found",
    ]


# ------------------------------------------------------------ names as PubMed writes them

NAMES = """@article{mcmurray2019,
  title = {Dapagliflozin in heart failure},
  author = {McMurray JJV and Solomon SD and Kim JH},
  journal = {N Engl J Med}, year = {2019}}
@article{real2020,
  author = {Andrew Ng and Fei-Fei Li and Wei LI and Jae-Won KIM and Xin WU
            and {World Health Organization}},
  editor = {Ehteshami Bejnordi B},
  title = {Real names}, journal = {JAMA}, year = {2020}}
"""


def test_names_written_as_pubmed_writes_them_are_warned_about(tmp_path):
    _, refs, problems = _cite(tmp_path, "See [@mcmurray2019; @real2020].\n", NAMES,
                              "american-medical-association")
    assert problems == [
        ("refs.bib:3: warning: entry 'mcmurray2019': 'McMurray JJV' in 'author' reads as given "
         "name 'McMurray', family name 'JJV' (and 2 more names written so); write 'McMurray, "
         "J. J. V.'"),
        ("refs.bib:8: warning: entry 'real2020': 'Ehteshami Bejnordi B' in 'editor' reads as "
         "given name 'Ehteshami Bejnordi', family name 'B'; write 'Ehteshami Bejnordi, B.'"),
    ]
    assert refs[1] == ("Ng A, Li FF, LI W, KIM JW, WU X, World Health Organization. Real names. "
                       "B EB, ed. <i>JAMA</i>. Published online 2020.")


# ------------------------------------------------------------ smaller faults, said where they are

DOUBLED = r"""@article{gotzsche2011,
  author = {G{\\o}tzsche, Peter and Hr{\\'{o}}bjartsson, Asbj{\\o}rn},
  title = {Placebo interventions in {\\O}stfold},
  journal = {Cochrane}, year = {2011}, url = {https://example.org/a\\b}}
"""


def test_a_doubled_backslash_in_names_and_titles_is_warned_about(tmp_path):
    _, refs, problems = _cite(tmp_path, "See [@gotzsche2011].\n", DOUBLED,
                              "american-medical-association")
    assert problems == [
        ("refs.bib:2: warning: entry 'gotzsche2011': field 'author' has 'G{\\\\o}tzsche': "
         "'\\\\' is a line break in TeX; did you mean 'G{\\o}tzsche'?"),
        ("refs.bib:3: warning: entry 'gotzsche2011': field 'title' has '{\\\\O}stfold': "
         "'\\\\' is a line break in TeX; did you mean '{\\O}stfold'?"),
    ]
    assert len(refs) == 1


UNCLOSED = """@article{u1,
  author = {Smith, John},
  title = {Unclosed {brace title},
  journal = {J},
  year = {2020}
}

@article{ok1, author = {Ok, Ann}, title = {Fine}, journal = {J}, year = {2021}}
"""


def test_an_unclosed_brace_is_reported_once_as_an_error_where_it_is(tmp_path):
    from pipeline.build import BuildOptions, check

    (tmp_path / "refs.bib").write_text(UNCLOSED, encoding="utf-8")
    for name, key in (("cites.md", "u1"), ("other.md", "ok1")):
        (tmp_path / name).write_text(FRONT.format(bib="refs.bib", csl="american-medical-"
                                                  "association") + f"See [@{key}].\n",
                                     encoding="utf-8")
    report = check([tmp_path / "other.md", tmp_path / "cites.md"],
                   BuildOptions(bibliography_dir=tmp_path))
    assert [str(p).replace(f"{tmp_path}/", "") for p in report.problems] == [
        ("refs.bib:3: entry 'u1' (line 1) is not closed: the value of field 'title' has a '{' "
         "that is not closed, so it runs on to line 6"),
        "cites.md:10: citation '@u1': its entry could not be read (see refs.bib:3)",
    ]


@pytest.mark.parametrize(("data", "said"), [
    (b"\xff\xfe" + "---\ntitle: T\n---\n".encode("utf-16-le"),
     "UTF-16 (little-endian), with a byte-order mark"),
    (b"\xfe\xff" + "---\ntitle: T\n---\n".encode("utf-16-be"),
     "UTF-16 (big-endian), with a byte-order mark"),
    ("---\ntitle: T\n---\nSome text.\n".encode("utf-16-le"),
     "UTF-16 (little-endian), without a byte-order mark"),
], ids=["utf-16-le", "utf-16-be", "utf-16-le-no-bom"])
def test_a_utf16_manuscript_is_named_as_such(tmp_path, data, said):
    from pipeline.errors import PipelineError
    from pipeline.frontmatter import read_text

    (tmp_path / "m.md").write_bytes(data)
    with pytest.raises(PipelineError) as caught:
        read_text(tmp_path / "m.md")
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        f"m.md:1: the file is {said}, not UTF-8: save it as UTF-8"]


NO_DATES = """@article{ode, author = {Ode, Cy}, title = {Written n.d.}, journal = {JAMA},
  year = {n.d.}}
@article{roe, author = {Roe, Ed}, title = {No year}, journal = {JAMA}}
@article{poe, author = {Poe, Di}, title = {Submitted}, journal = {JAMA}, year = {Submitted}}
"""


@pytest.mark.parametrize(("csl", "text", "expected"), [
    ("apa", "See Ode (n.d.), Roe (n.d.) and Poe (Submitted, p. 3).", [
        "Ode, C. (n.d.). Written n.d. <i>JAMA</i>.",
        "Poe, D. (Submitted). Submitted. <i>JAMA</i>.",
        "Roe, E. (n.d.). No year. <i>JAMA</i>.",
    ]),
    ("american-medical-association", "See Ode1, Roe2 and Poe3(p3).", [
        "Ode C. Written n.d. <i>JAMA</i>.",
        "Roe E. No year. <i>JAMA</i>.",
        "Poe D. Submitted. <i>JAMA</i>. Published online Submitted.",
    ]),
])
def test_no_date_is_the_styles_own_no_date(tmp_path, csl, text, expected):
    printed, refs, problems = _cite(tmp_path, "See @ode, @roe and @poe [p. 3].\n", NO_DATES, csl)
    assert (printed, refs, problems) == (text, expected, [])


def test_the_fix_for_a_pubmed_name_keeps_every_initial():
    from pipeline.bibnames import pubmed_names

    assert pubmed_names("k", "author", "Smith J. A. and Jae KIM") == (
        "entry 'k': 'Smith J. A.' in 'author' reads as given name 'Smith J.', family name 'A'; "
        "write 'Smith, J. A.'")
    assert [pubmed_names("k", "author", v) for v in (
        "Andrew Ng", "Wei LI and Xin WU", "Smith, JA", "{Ng} and {JA} and Lee, J", "ME Smith")
    ] == [None] * 5


ORGANISATION = """@misc{cdc,
   author = {Centers for Disease Control and Prevention},
   title = {Hospital Sepsis Program Core Elements},
   year = {2023},
   type = {Web Page}
}
@misc{who, author = {{World Health Organization} and Ludwig van Beethoven and Jean de la Fontaine},
   title = {Braced}, year = {2020}}
"""


def test_an_organisation_written_as_people_is_a_warning_with_the_fix(tmp_path):
    _, refs, problems = _cite(tmp_path, "See [@cdc; @who].\n", ORGANISATION,
                              "nlm-citation-sequence")
    assert problems == [
        ("refs.bib:2: warning: entry 'cdc': 'Centers for Disease Control' in 'author' is read as "
         "the name of a person; an organisation's name goes in double braces: "
         "author = {{Centers for Disease Control and Prevention}}"),
    ]
    assert refs[1] == ("World Health Organization, van Beethoven L, de la Fontaine J. Braced. "
                       "2020.")
