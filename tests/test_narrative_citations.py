"""Narrative citations (``@key says``) named as the style names them, as pandoc and citeproc-js do.

One bibliography, cited narratively in every way pandoc Markdown allows (alone,
with a locator, with a suffix, followed by other cites, two in a row, an edited
book, a work without an author, two authors sharing a family name), is built
into a PDF and an EPUB in APA, Chicago author-date, Harvard, AMA and Chicago
notes.  The text a reader sees is compared with pandoc's own ``--citeproc`` for
the same manuscript, and each citation with citeproc-js's author-only and
suppress-author forms.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from citeproc_js import (
    canonical_html,
    canonical_inlines,
    citeproc_js_output,
    load_items,
    node_available,
    style_xml,
)
from helpers import ROOT, build_fixed, epub_documents, epub_text, pdf_pages
from lxml import etree

from pipeline import i18n
from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.citations import format_citations
from pipeline.csl import load_style, resolve_style
from pipeline.errors import Problems
from pipeline.manuscript import load_manuscript
from pipeline.model import Manuscript, Stamp
from pipeline.pandoc import markdown_to_ast, run_pandoc
from pipeline.prepare import prepare
from pipeline.tree import stringify, walk

BIB = """\
@article{two, author = {Smith, John and Jones, Anna}, title = {Pain in clinics},
  journal = {J Pain}, year = {2020}, volume = {3}, pages = {1--9}}
@article{three, author = {Lee, Kim and Park, Min and Cho, Hana}, title = {Sleep and pain},
  journal = {J Pain}, year = {2019}, volume = {4}, pages = {10--19}}
@article{four, author = {Novak, Eva and Horak, Jan and Dvorak, Petr and Svoboda, Ivan},
  title = {Four of us}, journal = {J Pain}, year = {2018}, volume = {5}, pages = {20--29}}
@article{smitha, author = {Smith, Alice}, title = {Another study}, journal = {J Pain},
  year = {2021}, volume = {6}, pages = {1--2}}
@article{smithb, author = {Smith, Bob}, title = {A third study}, journal = {J Pain},
  year = {2021}, volume = {7}, pages = {1--2}}
@book{noauthor, title = {Guidelines for clinic handouts}, year = {2022},
  publisher = {Health Office}}
@book{edited, editor = {Brown, Carol}, title = {Edited volume}, year = {2017},
  publisher = {Press}}
"""
BODY = [
    "S1: @two says.",
    "S2: @two [p. 4] says.",
    "S3: @three says.",
    "S4: @four says.",
    "S5: @smitha and @smithb agree.",
    "S6: @noauthor says.",
    "S7: @edited says.",
    "S8: @two; @three.",
    "S9: @two [p. 4; see @three].",
    "S10: @two [p. 4, for a review].",
]
AUTHOR_DATE = ("apa", "chicago-author-date", "harvard-cite-them-right")
NUMERIC = "american-medical-association"
NOTES = "chicago-notes-bibliography"
STYLES = (*AUTHOR_DATE, NUMERIC, NOTES)


STAMP = Stamp(version="1.0.0", status="draft", last_updated="2025-01-01",
              build_date="2025-01-01", commit="", dirty=False)


def _manuscript(style: str, body: list[str] = BODY) -> str:
    return (f"---\ntitle: Narrative citations\nversion: 1.0.0\nstatus: draft\n"
            f"last_updated: 2025-01-01\nbibliography: refs.bib\ncsl: {style}\n---\n\n"
            + "\n\n".join(body) + "\n")


def _written(folder: Path, style: str, body: list[str] = BODY) -> Manuscript:
    """The manuscript and its bibliography written into ``folder``, and read."""
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / f"{style}.md").write_text(_manuscript(style, body), encoding="utf-8")
    return load_manuscript(folder / f"{style}.md", folder)[0]


def _prepared(folder: Path, style: str, body: list[str] = BODY) -> list:
    """The manuscript's blocks after the citation stage, as a build prepares them."""
    manuscript = _written(folder, style, body)
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    return documents[0].ast["blocks"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every style's handout, built once for the module as PDF and EPUB."""
    folder = tmp_path_factory.mktemp("narrative")
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    for style in STYLES:
        (folder / f"{style}.md").write_text(_manuscript(style), encoding="utf-8")
    build_fixed([folder / f"{style}.md" for style in STYLES], folder / "out", jobs=1,
                formats=("pdf", "epub"))
    return folder


def _sentences(text: str) -> dict[str, str]:
    """Each 'S<n>: ...' sentence of a text, by its number, with spaces made single."""
    flat = " ".join(text.replace("\u2010", "").split())
    found = re.findall(r"\b(S\d+): ?(.*?)(?= S\d+:| References|$)", flat)
    return {label: sentence for label, sentence in found}


def _pdf(built: Path, style: str) -> dict[str, str]:
    return _sentences(" ".join(pdf_pages(built / "out" / f"{style}.clinician.pdf")))


def _epub(built: Path, style: str) -> dict[str, str]:
    text = epub_text(built / "out" / f"{style}.clinician.epub")
    # the EPUB's inline elements stand apart in itertext(): "Jones (2020) ; Lee"
    text = re.sub(r"\s+([;.,)])", r"\1", re.sub(r"\(\s+", "(", text))
    return _sentences(text)


def _pandoc(built: Path, style: str) -> dict[str, str]:
    """pandoc 3's own --citeproc output for the same manuscript, as plain text."""
    csl = resolve_style(style, built / f"{style}.md", None)
    out = run_pandoc(["--from", "markdown", "--to", "plain", "--wrap=none", "--citeproc",
                      "--csl", str(csl), "--bibliography", "refs.bib"],
                     _manuscript(style), cwd=built).decode("utf-8")
    return _sentences(" ".join(p for p in out.split("\n\n") if re.match(r"S\d+:", p)))


@pytest.mark.parametrize("style", AUTHOR_DATE)
def test_author_date_names_are_pandocs_in_the_pdf_and_the_epub(built, style):
    theirs = _pandoc(built, style)
    assert len(theirs) == len(BODY)
    assert _pdf(built, style) == theirs
    assert _epub(built, style) == theirs


def test_the_style_decides_the_names(tmp_path):
    """What each style's own rules make of the same works (pandoc prints the same)."""
    expected = {
        "apa": ("J. Smith & Jones (2020, p. 4)", "Lee et al. (2019)",
                "A. Smith (2021) and B. Smith (2021)", "Guidelines for Clinic Handouts (2022)",
                "J. Smith & Jones (2020, p. 4; see Lee et al., 2019)"),
        "chicago-author-date": ("J. Smith and Jones (2020, 4)", "Lee et al. (2019)",
                                "A. Smith (2021) and B. Smith (2021)",
                                "Guidelines for Clinic Handouts (2022)",
                                "J. Smith and Jones (2020, 4; see Lee et al. 2019)"),
        "harvard-cite-them-right": ("Smith and Jones (2020, p. 4)", "Lee, Park and Cho (2019)",
                                    "A. Smith (2021) and B. Smith (2021)",
                                    "Guidelines for clinic handouts (2022)",
                                    "Smith and Jones (2020, p. 4; see Lee, Park and Cho, 2019)"),
    }
    for style, (page, three, same_family, untitled, followed) in expected.items():
        got = _sentences(" ".join(stringify(b) for b in _prepared(tmp_path, style)))
        assert {k: got[k] for k in ("S2", "S3", "S5", "S6", "S9")} == {
            "S2": f"{page} says.", "S3": f"{three} says.", "S5": f"{same_family} agree.",
            "S6": f"{untitled} says.", "S9": f"{followed}."}, style


def test_numeric_style_prints_the_names_pandoc_leaves_out(built):
    """AMA's citations print no names: pandoc leaves the number alone ("¹ says"), the
    handout writes the names before it from the entry."""
    theirs = _pandoc(built, NUMERIC)
    assert theirs["S1"] == "¹ says."
    wanted = {"S1": "Smith and Jones1 says.", "S2": "Smith and Jones1(p4) says.",
              "S3": "Lee et al.2 says.", "S5": "Smith4 and Smith5 agree.",
              "S6": "Guidelines for clinic handouts6 says.", "S7": "Brown7 says.",
              "S8": "Smith and Jones1; Lee et al.2."}
    pdf = _pdf(built, NUMERIC)
    assert {k: pdf[k] for k in wanted} == wanted
    epub = _epub(built, NUMERIC)
    assert {k: epub[k].replace(" ", "") for k in wanted} == {
        k: v.replace(" ", "") for k, v in wanted.items()}


def test_note_style_keeps_the_styles_names_in_the_text(built):
    """Chicago notes: the names as its notes print them stay in the sentence, the rest is
    the footnote; pandoc writes the same names."""
    theirs = {k: re.sub(r"\[\d+\]", "", v) for k, v in _pandoc(built, NOTES).items()}
    pdf = {k: re.sub(r"(?<=[.;a-z])\d+", "", v) for k, v in _pdf(built, NOTES).items()}
    for label in ("S1", "S2", "S3", "S4", "S5", "S7", "S8", "S9", "S10"):
        assert pdf[label] == theirs[label]
    assert pdf["S1"] == "John Smith and Anna Jones says."
    assert pdf["S8"] == "Smith and Jones; Lee et al."  # one period, the note after it
    # a work without an author: pandoc prints nothing before the note, the handout its title
    assert theirs["S6"].strip() == "says."
    assert pdf["S6"] == "Guidelines for clinic handouts says."
    footnotes = " ".join(" ".join(pdf_pages(built / "out" / f"{NOTES}.clinician.pdf")).split())
    assert "“Pain in Clinics,” 4." in footnotes


@pytest.mark.skipif(node_available() is not None,
                    reason=node_available() or "citeproc-js available")
def test_author_only_and_the_rest_match_citeproc_js(tmp_path):
    """Each narrative cite as citeproc-js prints its author-only form, then the rest of the
    citation with the author suppressed.

    citeproc-js's author-only form drops the formatting (a substituted book title
    loses its italics); pandoc keeps it, as the handout does (see the EPUB test).
    """
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    items = load_items([tmp_path / "refs.bib"])
    keys = list(items)
    jobs = [{"style": style_xml(style), "lang": "en-US", "items": list(items.values()),
             "clusters": [[{"id": k, "author-only": True}] for k in keys]
             + [[{"id": k, "suppress-author": True, "locator": "4", "label": "page"}]
                for k in keys]} for style in AUTHOR_DATE]
    for style, result in zip(AUTHOR_DATE, citeproc_js_output(jobs), strict=True):
        names, rest = result["citations"][:len(keys)], result["citations"][len(keys):]
        theirs = [canonical_html(a) + " " + canonical_html(b)
                  for a, b in zip(names, rest, strict=True)]
        blocks = _prepared(tmp_path, style, [f"@{k} [p. 4] says." for k in keys])
        ours = [canonical_inlines(n["c"][1]) for n in walk(blocks)
                if n["t"] == "Span" and "citation" in n["c"][0][1]]
        assert [_untagged(t) for t in ours] == [_untagged(t) for t in theirs], style


def _untagged(text: str) -> str:
    return re.sub(r"</?\w+>", "", text)


def test_a_substituted_title_keeps_its_formatting_in_the_epub(built):
    """APA names an untitled book by its title in italics, in the sentence as in pandoc."""
    csl = resolve_style("apa", built / "apa.md", None)
    theirs = run_pandoc(["--from", "markdown", "--to", "html", "--wrap=none", "--citeproc",
                         "--csl", str(csl), "--bibliography", "refs.bib"],
                        "@noauthor says.", cwd=built).decode("utf-8")
    assert "<em>Guidelines for Clinic Handouts</em> (2022)" in theirs
    xhtml = "".join(etree.tostring(root, encoding="unicode") for root in
                    epub_documents(built / "out" / "apa.clinician.epub").values())
    assert re.search(r"S6: <span[^>]*>(<a [^>]*>)?<em>Guidelines for Clinic Handouts</em> "
                     r"\(2022\)", xhtml)


@pytest.mark.parametrize(("style", "expected"), [
    ("apa", "see Smith & Jones (2020, p. 4); Lee et al. (2019)"),
    ("american-medical-association", "see Smith and Jones1(p4); Lee et al.2"),
])
def test_several_narrative_cites_in_one_citation(tmp_path, style, expected):
    """A citation holding several narrative cites (pandoc's AST allows it, Markdown writes
    them apart): each one's names before its own part, a prefix before the names."""
    manuscript = _written(tmp_path, style)
    problems = Problems()
    entries = load_bibliographies(manuscript.bibliography, problems)
    ast = markdown_to_ast("T: @two [p. 4] and @three.")
    inlines = ast["blocks"][0]["c"]
    first, second = (n for n in inlines if n["t"] == "Cite")
    first["c"][0][0]["citationPrefix"] = [{"t": "Str", "c": "see"}]
    first["c"][0].append(second["c"][0][0])
    inlines[:] = inlines[:inlines.index(first) + 1]
    items = to_csl([entries["two"], entries["three"]], problems)
    cited, _ = format_citations(manuscript, ast, entries, items,
                                load_style(style, manuscript.path, 1), "en-US",
                                i18n.messages("en-US"), problems)
    assert not problems.errors
    assert stringify(cited["blocks"][0]).strip() == f"T: {expected}"


def test_note_style_narrative_cite_inside_a_footnote_is_pandocs(tmp_path):
    """Written in a footnote, a note style's narrative cite is the whole citation in the
    sentence, names first, without the note's final period: pandoc's text."""
    body = ["S1: Text.[^a]", "[^a]: As @two argues, and @two [p. 4] too."]
    notes = [" ".join(stringify(n["c"]).split()) for n in walk(_prepared(tmp_path, NOTES, body))
             if n["t"] == "Note"]
    csl = resolve_style(NOTES, tmp_path / f"{NOTES}.md", None)
    theirs = run_pandoc(["--from", "markdown", "--to", "plain", "--wrap=none", "--citeproc",
                         "--csl", str(csl), "--bibliography", "refs.bib"],
                        "\n\n".join(body), cwd=tmp_path).decode("utf-8")
    wanted = ("As John Smith and Anna Jones, “Pain in Clinics,” J Pain 3 (2020): 1–9 argues, "
              "and Smith and Jones, “Pain in Clinics,” 4 too.")
    assert f"[1] {wanted}" in theirs
    assert notes == [wanted]
