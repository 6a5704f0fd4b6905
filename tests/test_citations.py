"""The citation stage: real-world BibTeX, numbering, collapsing, and pandoc's citeproc."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re

import pytest
from helpers import ROOT

from pipeline.cli import main
from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.pandoc import run_pandoc
from pipeline.prepare import prepare
from pipeline.tree import stringify, walk

VARIED = ROOT / "tests" / "fixtures" / "varied" / "varied.md"
STAMP = Stamp(version="1.0.0", status="draft", last_updated="2025-06-01",
              build_date="2025-06-01", commit="", dirty=False)

# Entries where the pipeline and pandoc's citeproc disagree, and why.  The
# test fails when a difference appears or disappears, so this list stays true.
KNOWN_DIFFERENCES = {
    ("american-medical-association", "tanaka-2020"):
        "TeX math in a title: the pipeline prints α and β, pandoc leaves \\alpha and \\beta",
    ("elsevier-vancouver", "tanaka-2020"):
        "TeX math in a title: the pipeline prints α and β, pandoc leaves \\alpha and \\beta",
    ("american-medical-association", "muller-2019"):
        "{\\'\\i}: pandoc keeps a dotless i with a combining accent (Garcı́a), which "
        "searches and screen readers miss; the pipeline composes it to í (García)",
    ("elsevier-vancouver", "muller-2019"):
        "{\\'\\i}: pandoc keeps a dotless i with a combining accent (Garcı́a); the "
        "pipeline composes it to í (García)",
    ("american-medical-association", "van-der-berg-2021"):
        "BibTeX's von part: pandoc reads 'van der' as a dropping particle and prints "
        "'Berg A van der'; the style keeps particles in front (demote sort-only), as "
        "PubMed and AMA write 'van der Berg A'",
    ("elsevier-vancouver", "van-der-berg-2021"):
        "BibTeX's von part: pandoc prints 'Berg A van der'; the pipeline 'van der Berg A'",
    ("american-medical-association", "oconnor-2016"):
        "a DOI pasted as a link: pandoc prints 'doi:https://doi.org/10.1370/...'; the "
        "pipeline keeps the bare identifier",
    ("elsevier-vancouver", "oconnor-2016"):
        "a DOI pasted as a link: pandoc prints 'https://doi.org/https://doi.org/...'",
    ("american-medical-association", "lee-2017"):
        "pandoc misplaces the editors of a chapter ('In, eds.Hart O, Stone D.'); the "
        "pipeline follows the style: 'In: Hart O, Stone D, eds.'",
}
# In-text: for a narrative citation (@key) in a numeric style, pandoc prints only
# the number, which leaves sentences such as "11 reviewed dextrose"; the
# pipeline prints the authors' names before the number, as AMA asks.
NARRATIVE = {"oconnor-2016": "O’Connor and Ng", "andersson-2015": "Andersson et al."}


def _plain(markup: str) -> str:
    text = re.sub(r"<[^>]+>|[\ue000-\uf8ff]", "", markup)
    return " ".join(html.unescape(text).split())


def _ours(style: str):
    manuscript, _ = load_manuscript(VARIED, ROOT / "bibliography")
    manuscript = dataclasses.replace(manuscript, csl=style)
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    return documents[0]


def _pandoc(style_path: str) -> dict:
    out = run_pandoc(["--from", "markdown", "--to", "json", "--citeproc", "--csl", style_path,
                      "--bibliography", str(VARIED.with_suffix(".bib"))],
                     VARIED.read_text(encoding="utf-8"))
    return json.loads(out)


def _citations(blocks) -> list:
    return [" ".join(stringify(n["c"][1]).split()) for n in walk(blocks)
            if (n["t"] == "Cite") or (n["t"] == "Span" and "citation" in n["c"][0][1])]


@pytest.fixture(scope="module", params=["american-medical-association", "elsevier-vancouver"])
def compared(request):
    from pipeline.csl import resolve_style

    document = _ours(request.param)
    theirs = _pandoc(str(resolve_style(request.param, VARIED, None)))
    return request.param, document, theirs


def test_reference_list_matches_pandoc_citeproc(compared):
    style, document, theirs = compared
    pandoc_refs = {n["c"][0][0].removeprefix("ref-"): " ".join(stringify(n["c"][1]).split())
                   for n in walk(theirs["blocks"])
                   if n["t"] == "Div" and n["c"][0][0].startswith("ref-")}
    assert len(document.references) == len(pandoc_refs) == 17
    assert [r.key for r in document.references] == list(pandoc_refs)
    differing = {}
    for ref in document.references:
        ours = " ".join(f"{ref.label} {_plain(ref.html)}".split())
        if ours != pandoc_refs[ref.key]:
            differing[ref.key] = (ours, pandoc_refs[ref.key])
    expected = {key for (s, key) in KNOWN_DIFFERENCES if s == style}
    assert set(differing) == expected, differing


def test_in_text_citations_match_pandoc_citeproc(compared):
    style, document, theirs = compared
    ours, pandocs = _citations(document.ast["blocks"]), _citations(theirs["blocks"])
    assert len(ours) == len(pandocs) == 10
    keys = [n["c"][0][2][0][1] for n in walk(document.ast["blocks"])
            if n["t"] == "Span" and "citation" in n["c"][0][1]]
    for key, mine, pandoc in zip(keys, ours, pandocs, strict=True):
        if key in NARRATIVE:
            gap = "" if style == "american-medical-association" else " "
            assert mine == NARRATIVE[key] + gap + pandoc
        else:
            assert mine == pandoc


def test_ama_superscripts_collapse_sort_and_keep_locators():
    document = _ours("american-medical-association")
    sups = [stringify(n["c"]) for n in walk(document.ast["blocks"]) if n["t"] == "Superscript"]
    assert sups[:8] == ["1", "2,3", "4–7", "8(p125)", "9(chap4)", "10", "11–17", "1"]
    numbers = [r.label for r in document.references]
    assert numbers == [f"{i}." for i in range(1, 18)]


def test_real_world_bibtex_is_read_faithfully():
    refs = {r.key: _plain(r.html) for r in _ours("american-medical-association").references}
    # LaTeX accents, brace-protected words, math
    assert refs["muller-2019"].startswith("Müller J, García M, Østergaard S. Platelet-rich "
                                          "plasma for Lumbar facet pain: A Randomized trial.")
    assert refs["dubois-2018"].startswith("Dubois F, Lévesque A.")
    assert "Growth factors α and β" in refs["tanaka-2020"]
    # particles and "and others"; @string and # concatenation
    assert refs["van-der-berg-2021"].startswith("van der Berg A, de la Cruz P, Smith J, et al.")
    assert refs["oconnor-2016"].endswith("doi:10.1370/afm.1970")
    assert "Journal of Pain Research: Supplement." in refs["van-der-berg-2021"]
    assert "Pain Practice. 2019;19(4):401-412. doi:10.1111/papr.12345" in refs["muller-2019"]
    # corporate authors stay whole, never "Organization WH"
    assert refs["who-2020"].startswith("World Health Organization.")
    assert refs["nice-2023"].startswith("National Institute for Health and Care Excellence.")
    # @misc, @online, @techreport, @incollection, @phdthesis, @inproceedings
    assert "https://www.nice.org.uk/guidance/ng59" in refs["nice-2023"]
    assert "https://www.britishpainsociety.org/example" in refs["pain-society-2024"]
    assert "In: Hart O, Stone D, eds. Regenerative Treatments" in refs["lee-2017"]
    assert "University of Bologna" in refs["rossi-2019"]
    assert "Proceedings of the European Pain Congress" in refs["schmidt-2022"]
    assert "Pain & function scores at <6 months after PRP injection" in refs["wu-2021"]


def test_reference_list_html_is_escaped_and_links_are_links():
    from lxml import html as lhtml

    from pipeline.html import body_html

    document = _ours("american-medical-association")
    markup = body_html(document)
    assert "at &lt;6 months" in markup and "Pain &amp; function" in markup
    tree = lhtml.fromstring(markup)
    entry = tree.get_element_by_id("ref-wu-2021")
    assert " ".join(entry.text_content().split()).endswith(
        "Wu L, Zhang H. Pain & function scores at <6 months after PRP injection. Regional "
        "Anesthesia & Pain Medicine. 2021;46:210-215. doi:10.1136/rapm-2020-101234")
    links = {" ".join(a.text_content().split()): a.get("href") for a in tree.iter("a")}
    assert links["doi:10.1136/rapm-2020-101234"] == "https://doi.org/10.1136/rapm-2020-101234"
    assert links["https://www.nice.org.uk/guidance/ng59"] == "https://www.nice.org.uk/guidance/ng59"
    number = entry.find_class("csl-left-margin")[0]
    assert number.text_content() == "17."  # the number in its own column, not in the text
    assert "17." not in entry.find_class("csl-right-inline")[0].text_content()


def test_kind_of_each_entry_from_category_or_type():
    kinds = {r.key: r.kind for r in _ours("american-medical-association").references}
    assert kinds["who-2020"] == kinds["nice-2023"] == kinds["cdc-2022"] == "Guideline"
    assert kinds["van-der-berg-2021"] == "Research"
    assert kinds["nguyen-2018"] == "Book"
    assert kinds["rossi-2019"] == "Thesis"


def test_only_cited_entries_are_listed(tmp_path):
    (tmp_path / "refs.bib").write_text(VARIED.with_suffix(".bib").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (tmp_path / "one.md").write_text(
        "---\ntitle: One source\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        "bibliography: [refs.bib]\n---\n\nOne claim [@kim-2023].\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "one.md", ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors
    assert [r.key for r in documents[0].references] == ["kim-2023"]


def test_seed_defect_missing_sources_are_named_with_their_lines():
    """The source article cites sources 5-7 that its reference list lacks."""
    out, err = io.StringIO(), io.StringIO()
    path = "tests/fixtures/seed-defect/regen-pain-seed.md"
    status = main(["check", str(ROOT / path)], stdout=out, stderr=err)
    assert status == 1
    lines = err.getvalue().splitlines()
    assert [line for line in lines if line.startswith(f"{path}:")] == [
        f"{path}:12: citation '@seed-source-5' has no entry in the bibliography",
        f"{path}:18: citation '@seed-source-6' has no entry in the bibliography",
        f"{path}:18: citation '@seed-source-7' has no entry in the bibliography",
    ]
    assert "3 error(s)" in lines[-1]
    assert out.getvalue() == ""  # progress, problems and summary go to standard error


def test_author_date_narrative_and_suppressed_author(tmp_path):
    (tmp_path / "ad.md").write_text(
        "---\ntitle: Author-date\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-01-01\n"
        f"bibliography: [{VARIED.with_suffix('.bib')}]\ncsl: apa\n---\n\n"
        "As @muller-2019 found, and @van-der-berg-2021 [p. 4] too. Suppressed [-@kim-2023].\n"
        "Normal [@tanaka-2020; @who-2020]. Corporate @who-2020.\n", encoding="utf-8")
    manuscript, _ = load_manuscript(tmp_path / "ad.md", ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors
    assert " ".join(stringify(documents[0].ast["blocks"][0]).split()) == (
        "As Müller et al. (2019) found, and van der Berg et al. (2021, p. 4) too. "
        "Suppressed (2023). Normal (Tanaka, 2020; World Health Organization, 2020). "
        "Corporate World Health Organization (2020).")
    refs = {r.key: _plain(r.html) for r in documents[0].references}
    assert refs["van-der-berg-2021"].startswith("van der Berg, A., de la Cruz, P., Smith, J., "
                                                "et al. (2021).")
