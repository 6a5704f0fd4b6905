"""Passes over a manuscript's body run only when it holds what they rewrite or check.

A handout without links, formulas, raw HTML or numbered lists leaves those
passes out; one with them gets every one, as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from pipeline import crossrefs, dialects, examples
from pipeline import prepare as prepare_module
from pipeline.manuscript import load_manuscript
from pipeline.model import Stamp
from pipeline.prepare import prepare
from pipeline.tree import kinds, walk, walk_lazily

STAMP = Stamp(version="1.0.0", status="draft", last_updated="2025-06-01",
              build_date="2025-06-01", commit="", dirty=False)
FRONT = """---
title: "Passes"
version: 1.0.0
status: draft
last_updated: 2025-06-01
slug: passes
audiences: [clinician, patient]
lang: en-US
bibliography: []
---

## Dosing

"""
PLAIN = FRONT + """Kidney function is estimated first.

- a bullet item
- another one
"""
RICH = FRONT + """See the [notes](file:///home/me/notes.txt), a [script](javascript:alert(1))
and <a href="#dosing">the section</a>.

$$D = \\frac{w}{10} \\tag{4}$$

1) first step
2) second step

(@first) An example item.

As (@first) shows, the dose follows.

::: {.marginalia audience="patient"}
Only for patients.
:::
"""
GUARDED = ("check_div_classes", "check_audiences", "clean_raw_markup", "unlink_computer_files",
           "check_links", "equation_tags", "mark_list_delimiters", "check_math",
           "select_audience", "renumber_examples", "example_problems", "callouts")


def _prepared(tmp_path: Path, text: str):
    path = tmp_path / "passes.md"
    path.write_text(text, encoding="utf-8")
    manuscript, _ = load_manuscript(path, ROOT / "bibliography")
    documents, problems = prepare(manuscript, STAMP, ROOT / "styles")
    assert not problems.errors, [str(p) for p in problems.errors]
    return documents, problems


def test_kinds_lists_every_element_type_once():
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "a"}, {"t": "Space"},
                                  {"t": "Emph", "c": [{"t": "Math", "c": [
                                      {"t": "InlineMath"}, "x"]}]}]},
              {"t": "Div", "c": [["", [], []], [{"t": "Plain", "c": [{"t": "Str", "c": "b"}]}]]}]
    assert kinds(blocks) == {"Para", "Str", "Space", "Emph", "Math", "InlineMath", "Div",
                             "Plain"}
    assert kinds([]) == frozenset()


def test_a_plain_handout_runs_no_pass_for_links_formulas_lists_or_audiences(tmp_path,
                                                                            monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a pass ran for elements the body does not have")

    for name in GUARDED:
        monkeypatch.setattr(prepare_module, name, refuse)
    documents, problems = _prepared(tmp_path, PLAIN)
    assert [d.audience for d in documents] == ["clinician", "patient"]
    assert not problems.items
    words = [n["c"] for n in walk(documents[0].ast["blocks"]) if n["t"] == "Str"]
    assert words[:3] == ["Dosing", "Kidney", "function"]


def test_a_handout_with_links_formulas_and_lists_gets_every_pass(tmp_path):
    documents, problems = _prepared(tmp_path, RICH)
    blocks = documents[0].ast["blocks"]
    nodes = list(walk(blocks))
    # links to the author's computer and scripts are plain text, each warned
    assert not any(n["t"] == "Link" and n["c"][2][0].startswith(("file:", "javascript:"))
                   for n in nodes)
    assert [p.code for p in problems.items if p.code in ("local-link", "script-link")] == \
        ["local-link", "script-link"]
    # the formula's tag is shown beside it
    assert [n["c"][1][0]["c"] for n in nodes
            if n["t"] == "Span" and "math-tag" in n["c"][0][1]] == ["(4)"]
    # a list numbered "1)" says so
    assert any(n["t"] == "Div" and "list-decimal" in n["c"][0][1] for n in nodes)
    # the example and its reference are numbered in the edition
    assert "(1)" in [n["c"] for n in nodes if n["t"] == "Str"]
    # an unknown box is warned about; the patient's block is in the patient's edition only
    assert [p.line for p in problems.items if p.code == "unknown-class"] == [26]
    patient = [n["c"] for n in walk(documents[1].ast["blocks"]) if n["t"] == "Str"]
    assert "patients." in patient
    assert "patients." not in [n["c"] for n in nodes if n["t"] == "Str"]
    # raw HTML is cleaned: its link to the section is kept
    assert any(n["t"] == "RawInline" and 'href="#dosing"' in n["c"][1] for n in nodes)


def test_numbering_examples_leaves_a_body_without_them_as_it_is():
    blocks = [{"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                         [[{"t": "Plain", "c": [{"t": "Str", "c": "a"}]}]]]}]
    assert examples.renumber_examples(blocks) is blocks


def test_walking_lazily_gives_the_nodes_of_a_walk_in_its_order(tmp_path):
    documents, _ = _prepared(tmp_path, RICH)
    blocks = documents[0].ast["blocks"]
    assert [id(n) for n in walk_lazily(blocks)] == [id(n) for n in walk(blocks)]


def test_numbering_cross_references_leaves_a_body_without_them_as_it_is():
    heading = {"t": "Header", "c": [2, ["dosing", [], []], [{"t": "Str", "c": "Dosing"}]]}
    link = {"t": "Link", "c": [["", [crossrefs.LINK_CLASS], []],
                               [{"t": "Str", "c": "@dosing"}], ["#dosing", ""]]}
    plain = [heading, {"t": "Para", "c": [{"t": "Str", "c": "Text."}]}]
    assert crossrefs.number_cross_references(plain, {}) is plain
    referring = [heading, {"t": "Para", "c": [link]}]
    written = crossrefs.number_cross_references(referring, {})
    assert written[1]["c"][0]["c"][1] == [{"t": "Str", "c": "Dosing"}]


def test_numbering_cross_references_reads_the_walk_of_the_edition_it_is_given(tmp_path,
                                                                              monkeypatch):
    walked = []
    real = crossrefs.walk
    monkeypatch.setattr(crossrefs, "walk", lambda value: walked.append(value) or real(value))
    documents, _ = _prepared(tmp_path, RICH)
    assert len(documents) == 2
    assert len(walked) == 1  # the body's targets, once; each edition's walk is prepare's
    heading = {"t": "Header", "c": [2, ["dosing", [], []], [{"t": "Str", "c": "Dosing"}]]}
    referring = [heading, {"t": "Para", "c": [
        {"t": "Link", "c": [["", [crossrefs.LINK_CLASS], []], [{"t": "Str", "c": "@dosing"}],
                            ["#dosing", ""]]}]}]
    given = crossrefs.number_cross_references(referring, {}, list(real(referring)))
    assert given == crossrefs.number_cross_references(referring, {})
    assert given[1]["c"][0]["c"][1] == [{"t": "Str", "c": "Dosing"}]


@pytest.mark.parametrize("text", ["[[Dose table]] is a wiki link.",
                                  "See [the table][doses] here.",
                                  "As \\@ref(tab:doses) shows."])
def test_a_paragraph_with_a_dialect_construct_is_still_read(tmp_path, text):
    _documents, problems = _prepared(tmp_path, FRONT + text + "\n")
    assert [p.code for p in problems.items] == [{"[": "wiki-link", "S": "undefined-reference",
                                                 "A": "cross-reference"}[text[0]]]


def test_a_paragraph_without_one_is_not_rewritten():
    para = {"t": "Para", "c": [{"t": "Str", "c": "Plain"}, {"t": "Space"},
                               {"t": "Str", "c": "words."}]}
    assert dialects._Reader(None, None).paragraph(para) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "depth"), [
    ("a", 1), ([], 1), ({}, 1), (["a"], 2), ([[]], 2), ({"c": [{"t": "Str", "c": "a"}]}, 4),
    ([[], ["a"]], 3),
])
def test_nesting_is_measured_to_its_innermost_values(value, depth):
    from pipeline.body import _deeper_than

    assert not _deeper_than(value, depth)
    assert _deeper_than(value, depth - 1)

