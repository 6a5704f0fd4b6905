"""PubMed's MEDLINE export (.nbib), which neither pandoc nor citeproc-js reads.

The references are compared with pandoc --citeproc's for the same records as
NCBI's citation exporter gives them in CSL-JSON; what a record holds beyond
the reference (affiliations with e-mail addresses, grants, abstracts) is never
printed.
"""

from __future__ import annotations

import json

import pytest
from test_bib_forms import STYLES
from test_bib_semantics import _references

NBIB = """
PMID- 31000001
OWN - NLM
STAT- MEDLINE
IS  - 1532-821X (Electronic)
IS  - 0003-9993 (Linking)
VI  - 100
IP  - 6
DP  - 2019 Jun
TI  - Custom insoles for heel pain in runners: a randomized trial of two
      designs.
PG  - 1045-1052
LID - 10.5555/apmr.2019.0100 [doi]
AB  - OBJECTIVE: To compare two insoles.
FAU - Ng, Pei
AU  - Ng P
AD  - School of Podiatry, Example University. Electronic address: pei.ng.home@example.org.
FAU - van der Berg, Anke
AU  - van der Berg A
CN  - Heel Pain Study Group
LA  - eng
GR  - QT-31337/Quokka Trust/United Kingdom
PT  - Journal Article
PT  - Randomized Controlled Trial
DEP - 20190301
TA  - Arch Phys Med Rehabil
JT  - Archives of physical medicine and rehabilitation
COIS- Dr Ng reports fees from Wombat Ltd.
AID - 10.5555/apmr.2019.0100 [doi]
AID - S0003-9993(19)30001-1 [pii]
SO  - Arch Phys Med Rehabil. 2019 Jun;100(6):1045-1052.

PMID- 31000002
STAT- Publisher
DP  - 2018 Dec-2019 Jan
TI  - Plantar fasciitis.
BTI - FootReviews((R))
PB  - Example University Press
PL  - Springfield (IL)
FED - Roe, Ann
ED  - Roe A
FAU - Doe, Jon
AU  - Doe J
PT  - Review
PT  - Book Chapter
AID - NBK5555 [bookaccession]
"""
# The same records as NCBI's citation exporter writes them (CSL-JSON).
CSL = [
    {"id": "31000001", "type": "article-journal", "title": "Custom insoles for heel pain in "
     "runners: a randomized trial of two designs", "container-title": "Archives of physical "
     "medicine and rehabilitation", "container-title-short": "Arch Phys Med Rehabil",
     "page": "1045-1052", "volume": "100", "issue": "6", "DOI": "10.5555/apmr.2019.0100",
     "PMID": "31000001", "ISSN": "1532-821X",
     "author": [{"family": "Ng", "given": "Pei"},
                {"family": "Berg", "non-dropping-particle": "van der", "given": "Anke"},
                {"literal": "Heel Pain Study Group"}],
     "issued": {"date-parts": [[2019, 6]]}},
    {"id": "31000002", "type": "chapter", "title": "Plantar fasciitis",
     "container-title": "FootReviews®", "publisher": "Example University Press",
     "publisher-place": "Springfield (IL)", "PMID": "31000002",
     "author": [{"family": "Doe", "given": "Jon"}], "editor": [{"family": "Roe", "given": "Ann"}],
     "issued": {"date-parts": [[2018, 12], [2019, 1]]}},
]


@pytest.mark.parametrize("style", STYLES)
def test_a_medline_file_prints_as_pandoc_prints_its_records_csl_json(tmp_path, style):
    body = "Insoles [@31000001; @31000002].\n"
    refs, problems = _references(tmp_path, body, NBIB, style, name="pubmed.nbib")
    assert problems == []
    (tmp_path / "refs.json").write_text(json.dumps(CSL), encoding="utf-8")
    (tmp_path / "refs.bib").unlink(missing_ok=True)
    theirs = _pandoc_json(tmp_path, body, style)
    ours = [f"{label} {text}".strip() for label, text in refs]
    ours = [__import__("re").sub(r"</?\w+>", "", r) for r in ours]
    if style == "american-medical-association":  # pandoc's AMA chapter: "In, eds.Roe A."
        assert ours[1] == ("2. Doe J. Plantar fasciitis. In: Roe A, ed. FootReviews®. Example "
                           "University Press; 2018–2019.")
        ours, theirs = ours[:1], theirs[:1]
    assert ours == theirs


def _pandoc_json(folder, body, style):
    from pipeline.csl import resolve_style
    from pipeline.pandoc import run_pandoc
    from pipeline.tree import stringify, walk

    out = json.loads(run_pandoc(
        ["--from", "markdown", "--to", "json", "--citeproc", "--bibliography",
         str(folder / "refs.json"), "--csl", str(resolve_style(style, folder / "m.md", None))],
        body))
    return [" ".join(stringify(n["c"][1]).split()) for n in walk(out["blocks"])
            if n["t"] == "Div" and n["c"][0][0].startswith("ref-")]


def test_a_medline_files_kinds_and_broken_lines(tmp_path):
    from test_bib_semantics import _prepared

    broken = NBIB.replace("PT  - Review\n", "PT  - Review\nthis line is no tag\n")
    doc, problems = _prepared(tmp_path, "See [@31000001; @31000002].\n", broken,
                              "american-medical-association", "pubmed.nbib")
    assert problems == [("pubmed.nbib:45: warning: not a MEDLINE line (a tag of up to four "
                        "capitals, then '- '); the line is skipped")]
    assert [r.kind for r in doc.references] == ["Research", "Review"]


def test_medline_records_run_together_and_seasons(tmp_path):
    nbib = ("PMID- 2\nDP  - 2019 Spring\nTI  - Heel pain.\nFAU - Ng, Pei\nTA  - Foot\n"
            "PMID- 3\nDP  - 2018 Dec-2019 Jan\nTI  - Insoles.\nAU  - van der Berg A\n"
            "JT  - Foot\n")
    refs, problems = _references(tmp_path, "See [@2; @3].\n", nbib, name="pubmed.nbib")
    assert (refs, problems) == ([
        ("1.", "Ng P. Heel pain. <i>Foot</i>. Published online Spring 2019."),
        ("2.", ("van der Berg A. Insoles. <i>Foot</i>. Published online December 2018–January "
               "2019."))], [])
