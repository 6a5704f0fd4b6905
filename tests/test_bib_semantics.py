"""biblatex's semantics on real exports: encodings, sets, mincrossrefs, name roles, small
caps, date ranges, and what --strict counts against a manuscript.

Each test writes its own small .bib, formats it through the citation stage
(``prepare``) in AMA unless said otherwise, and reads the printed reference
list.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from helpers import ROOT

from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.build import BuildOptions, check
from pipeline.errors import Problems
from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.prepare import prepare

FRONT = ("---\ntitle: T\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
         "bibliography: [{bib}]\ncsl: {csl}\n---\n\n")


def _prepared(folder: Path, body: str, bib: str | bytes, csl: str = "american-medical-association",
              name: str = "refs.bib"):
    """(the clinician document or None, problems as text) of a manuscript citing ``bib``."""
    path = folder / name
    if isinstance(bib, bytes):
        path.write_bytes(bib)
    else:
        path.write_text(bib, encoding="utf-8")
    md = folder / "m.md"
    md.write_text(FRONT.format(bib=name, csl=csl) + body, encoding="utf-8")
    manuscript, _ = load_manuscript(md, folder)
    day = date(2025, 1, 1)
    docs, problems = prepare(manuscript, Stamp("1.0.0", "draft", day, day, ""),
                             ROOT / "styles", ("clinician",))
    return (docs[0] if docs else None), [str(p).replace(f"{folder}/", "") for p in problems.items]


def _references(folder: Path, body: str, bib: str | bytes, csl: str = "american-medical-association",
                name: str = "refs.bib"):
    """(printed references as (label, text), problems as text) of a manuscript citing ``bib``."""
    doc, texts = _prepared(folder, body, bib, csl, name)
    if doc is None:
        return [], texts
    return [(r.label, _plain(r.html)) for r in doc.references], texts


def _plain(html: str) -> str:
    """The reference as a reader sees it: formatting as <i>, <sup>, <sc>; other marks left out."""
    from pipeline.citeproc_engine import CLOSE, OPEN_CHARS

    tags = {"emph": "i", "sup": "sup", "sub": "sub", "smallcaps": "sc", "strong": "b"}
    out, stack = [], []
    for ch in html:
        if ch in OPEN_CHARS:
            stack.append(tags.get(OPEN_CHARS[ch], ""))
            out.append(f"<{stack[-1]}>" if stack[-1] else "")
        elif ch == CLOSE and stack:
            tag = stack.pop()
            out.append(f"</{tag}>" if tag else "")
        else:
            out.append(ch)
    return re.sub(r"[\ue000-\uf8ff]", "", "".join(out))


def _items(folder: Path, bib: str) -> dict:
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    problems = Problems()
    entries = load_bibliographies((folder / "refs.bib",), problems)
    items = to_csl(list(entries.values()), problems)
    assert problems.items == [], [str(p) for p in problems.items]
    return items


# ------------------------------------------------------------ encodings

ENTRY = ("% Encoding: {declared}\n@article{{kowalczyk2019,\n  author = {{Kowalczyk, Zoë and "
         "Müller, José}},\n  title = {{Pain “scores” – a review}},\n  journal = {{Pain}},\n"
         "  year = 2019,\n}}\n")
PRINTED = [("1.", ("Kowalczyk Z, Müller J. Pain “scores” – a review. <i>Pain</i>. Published online "
                  "2019."))]


@pytest.mark.parametrize(("encoding", "declared", "warning"), [
    ("utf-8", "UTF-8", []),
    ("utf-8-sig", "UTF-8", []),
    ("cp1252", "UTF-8", [("refs.bib:3: warning: not valid UTF-8 (byte 0xeb at offset 67); the "
                         "file is read as Windows-1252 (Latin-1): save it as UTF-8 if any "
                         "letter looks wrong")]),
    ("utf-16", "UTF-16", [("refs.bib:1: warning: the file is UTF-16 (little-endian) (it starts "
                          "with a byte-order mark); read as UTF-16 (little-endian)")]),
    ("utf-16-be", "UTF-16", [("refs.bib:1: warning: the file is UTF-16 (big-endian) without a "
                             "byte-order mark; read as UTF-16 (big-endian)")]),
])
def test_every_encoding_exporters_write_is_read(tmp_path, encoding, declared, warning):
    data = ENTRY.format(declared=declared).encode(encoding)
    refs, problems = _references(tmp_path, "See [@kowalczyk2019].\n", data)
    assert (refs, problems) == (PRINTED, warning)


def test_a_declared_encoding_is_believed_when_the_bytes_are_not_utf8(tmp_path):
    # ISO-8859-15 has the euro sign at 0xa4, where Windows-1252 has the currency sign.
    bib = ENTRY.format(declared="ISO8859_15").replace("Pain “scores” – a review",
                                                      "Costs in € per patient")
    refs, problems = _references(tmp_path, "See [@kowalczyk2019].\n", bib.encode("iso8859-15"))
    assert refs == [("1.", ("Kowalczyk Z, Müller J. Costs in € per patient. <i>Pain</i>. Published "
                           "online 2019."))]
    assert problems == [("refs.bib:1: warning: the file declares '% Encoding: ISO8859_15'; "
                        "read as ISO-8859-15 (Latin-9)")]


# ------------------------------------------------------------ --strict

BROKEN = ("@article{good, author = {Alvarez, M}, title = {Good}, journal = {Pain}, year = 2020}\n"
          "@article{broken, author = {Kim, S}, title = {Broken} year = 2021}\n"
          "@article{twice, title = {Twice}, title = {Again}, journal = {Pain}, year = 2019}\n")


def test_strict_counts_only_what_the_manuscript_uses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_text(BROKEN, encoding="utf-8")
    for name, key in (("clean", "good"), ("uses-twice", "twice")):
        (tmp_path / f"{name}.md").write_text(
            FRONT.format(bib="refs.bib", csl="american-medical-association")
            + f"See [@{key}].\n", encoding="utf-8")
    report = check([tmp_path / "clean.md", tmp_path / "uses-twice.md"],
                   BuildOptions(strict=True, bibliography_dir=tmp_path))
    assert report.failed == ["uses-twice.md"]
    assert [str(p) for p in report.problems] == [
        # an entry no manuscript cites: reported once, fails nobody
        "refs.bib:2: warning: entry 'broken': missing ',' after field 'title'",
        # the field given twice in the entry uses-twice.md cites: an error under --strict
        ("refs.bib:3: entry 'twice': field 'title' is given again (first at line 3); the first "
         "value is kept"),
    ]
    plain = check([tmp_path / "clean.md"], BuildOptions(strict=True, bibliography_dir=tmp_path))
    assert plain.failed == [] and plain.ok


# ------------------------------------------------------------ sets and mincrossrefs

SETS = """@collection{atlas, editor = {Hart, Owen}, title = {Atlas of Pain}, publisher = {Mosby},
  year = 2011}
@incollection{ch1, author = {Gullam, G}, title = {Nerve blocks}, crossref = {atlas},
  pages = {1--9}}
@incollection{ch2, author = {Lee, K}, title = {Spinal blocks}, crossref = {atlas},
  pages = {10--19}}
@collection{other, title = {Other Book}, publisher = {Mosby}, year = 2012}
@incollection{ch3, author = {Ng, P}, title = {Alone}, crossref = {other}}
@set{trials, entryset = {trialA, trialB, missing}}
@article{trialA, author = {Alvarez, M}, title = {Trial A}, journal = {Pain}, year = 2020}
@article{trialB, author = {Kim, S}, title = {Trial B}, journal = {Pain}, year = 2021}
"""


def test_sets_cite_their_members_and_parents_named_twice_are_listed(tmp_path):
    refs, problems = _references(
        tmp_path, "Two chapters [@ch1] and [@ch2]. A set [see @trials, p. 3]. One [@ch3].\n",
        SETS)
    assert problems == [("refs.bib:9: warning: entry 'trials': entryset member 'missing' has no "
                        "entry in the bibliography; it is left out")]
    assert refs == [
        ("1.", "Gullam G. Nerve blocks. In: Hart O, ed. <i>Atlas of Pain</i>. Mosby; 2011:1-9."),
        ("2.", "Lee K. Spinal blocks. In: Hart O, ed. <i>Atlas of Pain</i>. Mosby; 2011:10-19."),
        ("3.", "Alvarez M. Trial a. <i>Pain</i>. Published online 2020."),
        ("4.", "Kim S. Trial b. <i>Pain</i>. Published online 2021."),
        ("5.", "Ng P. Alone. In: <i>Other Book</i>. Mosby; 2012."),
        # cited by two chapters (biblatex's mincrossrefs = 2), listed after the cited ones;
        # 'other' is named by one chapter only and is not listed
        ("6.", "Hart O, ed. <i>Atlas of Pain</i>. Mosby; 2011."),
    ]


# ------------------------------------------------------------ roles, small caps, dates

SEMANTICS = r"""@patent{okafor2020, author = {Okafor, Chidi}, holder = {{Medtronic Inc} and Lee, Ann},
  title = {Device for nerve stimulation}, number = {US 10,744,321}, date = {2020-08-18}}
@book{smith2000, author = {Smith, Ann}, translator = {Roe, Rita}, annotator = {Lee, Kim},
  commentator = {Ng, Paul}, foreword = {Hart, Owen}, title = {Pain in {\sc Who} and \textsc{Nice}
  guidance}, publisher = {Mosby}, year = 2000}
@article{brennan2017, author = {Brennan, Ann}, title = {Date range}, journal = {Pain},
  date = {2017-02/2017-03}, volume = 3, pages = {1--4}}
@article{brennan2018, author = {Brennan, Ann}, title = {Month range}, journal = {Pain},
  year = 2018, month = {feb-mar}, volume = 4, pages = {5--9}}
@article{brennan2019, author = {Brennan, Ann}, title = {Year range}, journal = {Pain},
  date = {2018/2019}, volume = 5, pages = {10--19}}
"""
CITES = "See [@okafor2020; @smith2000; @brennan2017; @brennan2018; @brennan2019].\n"


@pytest.mark.parametrize(("csl", "expected"), [
    ("american-medical-association", [
        ("1.", ("Okafor C. Device for nerve stimulation. Published online August 18, 2020:US "
               "10,744,321.")),
        ("2.", "Smith A. <i>Pain in <sc>Who</sc> and <sc>Nice</sc> Guidance</i>. Mosby; 2000."),
        ("3.", "Brennan A. Date range. <i>Pain</i>. 2017;3:1-4."),
        ("4.", "Brennan A. Month range. <i>Pain</i>. 2018;4:5-9."),
        ("5.", "Brennan A. Year range. <i>Pain</i>. 2018–2019;5:10-19."),
    ]),
    ("elsevier-vancouver", [
        ("[1]", "Okafor C. Device for nerve stimulation. US 10,744,321, 2020."),
        ("[2]", "Smith A. Pain in <sc>Who</sc> and <sc>Nice</sc> guidance. Mosby; 2000."),
        ("[3]", "Brennan A. Date range. Pain 2017;3:1–4."),
        ("[4]", "Brennan A. Month range. Pain 2018;4:5–9."),
        ("[5]", "Brennan A. Year range. Pain 2018–2019;5:10–9."),
    ]),
    ("apa", [
        ("", "Brennan, A. (2017). Date range. <i>Pain</i>, <i>3</i>, 1–4."),
        ("", "Brennan, A. (2018). Month range. <i>Pain</i>, <i>4</i>, 5–9."),
        ("", "Brennan, A. (2018–2019). Year range. <i>Pain</i>, <i>5</i>, 10–19."),
        # the holder is printed where the publisher goes
        ("", ("Okafor, C. (2020). <i>Device for nerve stimulation</i> (Patent No. US "
             "10,744,321). Medtronic Inc; Ann Lee.")),
        ("", ("Smith, A. (with Lee, K., Ng, P., & Hart, O.). (2000). <i>Pain in <sc>Who</sc> and "
             "<sc>Nice</sc> guidance</i> (R. Roe, Trans.). Mosby.")),
    ]),
])
def test_roles_small_caps_and_date_ranges_are_printed(tmp_path, csl, expected):
    refs, problems = _references(tmp_path, CITES, SEMANTICS, csl)
    assert problems == []
    assert refs == expected


def test_roles_and_holder_reach_their_csl_variables(tmp_path):
    items = _items(tmp_path, SEMANTICS)
    assert items["smith2000"]["translator"] == [{"family": "Roe", "given": "Rita"}]
    assert items["smith2000"]["contributor"] == [
        {"family": "Lee", "given": "Kim"}, {"family": "Ng", "given": "Paul"},
        {"family": "Hart", "given": "Owen"}]
    assert items["okafor2020"]["publisher"] == "Medtronic Inc; Ann Lee"
    assert items["brennan2018"]["issued"] == {"date-parts": [[2018, 2], [2018, 3]]}
    assert items["brennan2017"]["issued"] == {"date-parts": [[2017, 2], [2017, 3]]}


# ------------------------------------------------------------ what real exports also contain

EXPORTS = r"""@preamble{"\providecommand{\noopsort}[1]{}"}
@string{pain = "Pain"}
@string{sup = " Suppl"}
@article{circa, author = {Ng, P}, title = {Approximate}, journal = pain # sup, date = {2017~}}
@article{decade, author = {Ng, P}, title = {Unspecified}, journal = pain, date = {201X}}
@article{open, author = {Ng, P}, title = {Open}, journal = pain, date = {2019/..}}
@article{opened, author = {Ng, P}, title = {Open start}, journal = pain, date = {../2019}}
@article{months, author = {Ng, P}, title = {Months}, journal = pain, year = 2018,
  month = jan # "--" # feb}
@online{arxiv, author = {Ng, P}, title = {Preprint}, eprint = {2101.00001},
  eprinttype = {arXiv}, eprintclass = {cs.CL}, date = 2021}
@article{arxiv2, author = {Ng, P}, title = {Preprint}, journal = pain, eprint = {2101.00002},
  archivePrefix = {arXiv}, primaryClass = {q-bio}, year = 2021}
@article{pubmed, author = {Ng, P}, title = {PubMed}, journal = pain, eprint = {31234567},
  eprinttype = {pubmed}, year = 2019}
@article{pmc, author = {Ng, P}, title = {PMC}, journal = pain, eprint = {PMC6543210},
  eprinttype = {pmcid}, year = 2019}
@article{escaped, author = {Ng, P}, title = {Escaped}, journal = pain, year = 2020,
  doi = {https://doi.org/10.1000/abc\_def}, url = {https://example.org/a\_b?x=1{\&}y=2\%20}}
@article{mendeley, author = {Ng, P}, title = {{Two URLs}}, journal = pain, year = 2020,
  url = {http://www.ncbi.nlm.nih.gov/pubmed/12345 http://example.org/full},
  file = {:C$\backslash$:/Users/editor/Mendeley/ng2020.pdf:pdf},
  abstract = {PRIVATE abstract}, annote = {PRIVATE note}, keywords = {pain, knee},
  mendeley-tags = {pain}, note = {See \url{https://example.org/x_y} and {\noopsort{b}}B}}
@misc{who, author = {{World Health Organization}}, title = {Fact sheet},
  howpublished = {\url{https://example.org/who}}, year = 2021}
"""


def test_what_real_exports_contain_reaches_the_item_as_biblatex_means_it(tmp_path):
    items = _items(tmp_path, EXPORTS)
    assert items["circa"]["container-title"] == "Pain Suppl"
    assert items["circa"]["issued"] == {"circa": True, "date-parts": [[2017]]}
    assert items["decade"]["issued"] == {"date-parts": [[2010], [2019]]}
    assert items["open"]["issued"] == {"date-parts": [[2019], [0]]}  # pandoc's open range
    assert items["opened"]["issued"] == {"date-parts": [[2019]]}
    assert items["months"]["issued"] == {"date-parts": [[2018, 1], [2018, 2]]}
    assert items["arxiv"]["URL"] == "https://arxiv.org/abs/2101.00001"
    assert items["arxiv2"]["URL"] == "https://arxiv.org/abs/2101.00002"
    assert (items["pubmed"]["PMID"], items["pubmed"]["URL"]) == (
        "31234567", "https://www.ncbi.nlm.nih.gov/pubmed/31234567")
    assert (items["pmc"]["PMCID"], items["pmc"]["URL"]) == (
        "PMC6543210", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6543210/")
    assert items["escaped"]["DOI"] == "10.1000/abc_def"
    assert items["escaped"]["URL"] == "https://example.org/a_b?x=1&y=2%20"
    mendeley = items["mendeley"]
    assert mendeley["URL"] == "http://www.ncbi.nlm.nih.gov/pubmed/12345"
    assert mendeley["note"] == "See https://example.org/x_y and B"
    assert not {"abstract", "annote", "keyword", "file", "mendeley-tags"} & set(mendeley)
    assert items["who"]["URL"] == "https://example.org/who" and "howpublished" not in items["who"]


def test_private_fields_never_reach_the_printed_list(tmp_path):
    cites = "See [@mendeley; @who; @escaped; @decade].\n"
    for csl in ("american-medical-association", "elsevier-vancouver", "apa"):
        refs, problems = _references(tmp_path, cites, EXPORTS, csl)
        assert problems == [] and len(refs) == 4
        assert not any("PRIVATE" in text or "Users" in text or "knee" in text
                       for _label, text in refs)
    assert refs == [
        ("", "Ng, P. (2010–2019). Unspecified. <i>Pain</i>."),
        ("", "Ng, P. (2020a). Escaped. <i>Pain</i>. https://doi.org/10.1000/abc_def"),
        ("", "Ng, P. (2020b). Two URLs. <i>Pain</i>. http://www.ncbi.nlm.nih.gov/pubmed/12345"),
        ("", "World Health Organization. (2021). <i>Fact sheet</i>. https://example.org/who"),
    ]


def test_a_date_range_from_a_month_to_a_year_keeps_the_parts_both_ends_have(tmp_path):
    # Zotero Better BibTeX writes a range as the user typed it ('2020-05/2021'); CSL
    # dates a range part by part (citeproc-js refuses the item), and APA printed
    # '(2020–2021, May–)'
    bib = ("@online{nhs, author = {{National Health Service}}, title = {Chronic pain},\n"
           "  date = {2020-05/2021}, url = {https://example.org/pain}, urldate = {2024-02-03}}\n"
           "@online{ng, author = {Ng, P}, title = {Days}, url = {https://example.org/ng},\n"
           "  date = {2020-05-01/2020-06}}\n")
    refs, problems = _references(tmp_path, "See [@nhs; @ng].\n", bib, "apa")
    assert problems == []
    assert [text.split(". ", 2)[1] for _label, text in refs] == [
        "(2020–2021)", "(2020, May–June)"]


def test_a_day_written_beside_the_month_makes_the_date_that_day(tmp_path):
    # BibTeX's idiom month = jan # "~15" (BibDesk and hand-written files); the month
    # alone was kept, the day lost without a word
    bib = ("@string{pm = {Pain}}\n"
           "@online{a, author = {Ng, P}, title = {Day after}, url = {https://example.org/a},\n"
           "  year = 2019, month = jan # \"~15\"}\n"
           "@online{b, author = {Ng, Q}, title = {Day before}, url = {https://example.org/b},\n"
           "  year = 2021, month = \"15~\" # jun}\n")
    refs, problems = _references(tmp_path, "See [@a; @b].\n", bib, "apa")
    assert problems == []
    assert [text.split(". ", 2)[1] for _label, text in refs] == [
        "(2019, January 15)", "(2021, June 15)"]
