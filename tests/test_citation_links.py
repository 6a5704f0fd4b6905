"""Each work of a citation, marked by the citation stage so that it can link to its entry.

The marks must change nothing a reader sees: a citation with them, once they
are taken out, is the citation without them, in every kind of style.  The
pages and EPUBs that link them are checked in test_web.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.citations import marks_to_inlines
from pipeline.citeproc_engine import format_clusters
from pipeline.citeproc_marks import strip_cite_marks
from pipeline.csl import load_style
from pipeline.model import CiteItem, Cluster
from pipeline.tree import stringify, walk


def _article(key: str, family: str, year: int, title: str) -> dict:
    return {"id": key, "type": "article-journal", "author": [{"family": family, "given": "Ann"}],
            "issued": {"date-parts": [[year]]}, "title": title, "container-title": "J"}


ITEMS = {key: _article(key, *fields) for key, fields in {
    "a": ("Smith", 2020, "Alpha"), "b": ("Smith", 2020, "Beta"), "c": ("Smith", 2020, "Gamma"),
    "d": ("Lee", 2021, "Delta"), "e": ("Smith", 2020, "Epsilon")}.items()}
CITED = [["a", "b", "c", "d", "e"], ["d", "a"], ["b"]]


def _marked_works(style: str) -> list[tuple[str, list[tuple[str, str]]]]:
    xml = load_style(style, Path("handout.md"), None).xml
    clusters = [Cluster(tuple(CiteItem(key) for key in keys)) for keys in CITED]
    marked = format_clusters(xml, ITEMS, clusters, "en-US", mark_cites=True)
    plain = format_clusters(xml, ITEMS, clusters, "en-US")
    out = []
    for text, without, keys in zip(marked.citations, plain.citations, CITED, strict=True):
        assert strip_cite_marks(text) == without
        inlines = marks_to_inlines(text, cites=keys)
        assert stringify(inlines) == stringify(marks_to_inlines(without))
        works = [(dict(n["c"][0][2])["data-cite"], stringify(n["c"][1])) for n in walk(inlines)
                 if n["t"] == "Span" and "cite-item" in n["c"][0][1]]
        out.append((stringify(inlines), works))
    return out


@pytest.mark.parametrize("style, expected", [
    # Smith's works tie in APA's sort: they stay in the order cited, as in citeproc-js
    ("apa", [("(Lee, 2021; Smith, 2020a, 2020b, 2020d, 2020c)",
              [("d", "Lee, 2021"), ("a", "Smith, 2020a"), ("b", "2020b"), ("c", "2020d"),
               ("e", "2020c")])]),
    ("annual-reviews-author-date", [("(Lee 2021; Smith 2020a–d)",  # as citeproc-js
                                     [("d", "Lee 2021"), ("a", "Smith 2020a"), ("e", "d")])]),
    ("elsevier-vancouver", [("[1–5]", [("a", "1"), ("e", "5")])]),
    ("american-medical-association", [("1–5", [("a", "1"), ("e", "5")])]),
    ("ieee", [("[1], [2], [3], [4], [5]", [("a", "[1]"), ("b", "[2]"), ("c", "[3]"),
                                           ("d", "[4]"), ("e", "[5]")])]),
    ("chicago-notes-bibliography", [(
        ("Ann Smith, “Alpha,” J, 2020; Ann Smith, “Beta,” J, 2020; Ann Smith, “Gamma,” J, 2020; "
        "Ann Lee, “Delta,” J, 2021; Ann Smith, “Epsilon,” J, 2020."),
        [("a", "Ann Smith, “Alpha,” J, 2020"), ("b", "Ann Smith, “Beta,” J, 2020"),
         ("c", "Ann Smith, “Gamma,” J, 2020"), ("d", "Ann Lee, “Delta,” J, 2021"),
         ("e", "Ann Smith, “Epsilon,” J, 2020")])]),
])
def test_each_work_is_marked_and_the_text_unchanged(style, expected):
    found = _marked_works(style)
    assert found[:1] == expected
    assert sorted(key for key, _text in found[1][1]) == ["a", "d"]
    assert [key for key, _text in found[2][1]] == ["b"]


def test_strip_cite_marks_keeps_other_formatting():
    from pipeline.citeproc_marks import CLOSE, OPEN, cite_marked

    text = OPEN["sup"] + cite_marked(0, "1") + "," + cite_marked(3, OPEN["emph"] + "4" + CLOSE) \
        + CLOSE
    assert strip_cite_marks(text) == OPEN["sup"] + "1," + OPEN["emph"] + "4" + CLOSE + CLOSE
    assert cite_marked(200, "x") == "x"  # past the marks there are: the work stays unmarked


def test_a_work_inside_a_collapsed_range_points_back_to_the_range():
    from pipeline.notemarks import link_citations

    def work(key: str, text: str) -> dict:
        return {"t": "Span", "c": [["", ["cite-item"], [["data-cite", key]]],
                                   [{"t": "Str", "c": text}]]}

    citation = {"t": "Span", "c": [["", ["citation"], [["data-cites", "a b c"]]],
                                   [work("a", "1"), {"t": "Str", "c": "–"}, work("c", "3")]]}
    entries = [{"t": "Div", "c": [[f"ref-{key}", ["csl-entry"], []],
                                  [{"t": "Plain", "c": [{"t": "Str", "c": key.upper()}]}]]}
               for key in "abc"]
    blocks = link_citations([{"t": "Para", "c": [citation]}, *entries],
                            {"cited_at": "Back to the text", "back_to_citation_n": "place {n}"})
    forward = [(n["c"][0][0], n["c"][2][0]) for n in walk(blocks[0]) if n["t"] == "Link"]
    assert forward == [("cite-a-1", "#ref-a"), ("cite-c-1", "#ref-c")]
    back = {entry["c"][0][0]: [n["c"][2][0] for n in walk(entry) if n["t"] == "Link"]
            for entry in blocks[1:]}
    assert back == {"ref-a": ["#cite-a-1"], "ref-b": ["#cite-a-1"], "ref-c": ["#cite-c-1"]}
