"""Walking and rewriting pandoc's JSON AST: the same answers, whatever the shape or depth."""

from __future__ import annotations

import copy
import json

import pytest
from helpers import ROOT

from pipeline.pandoc import markdown_to_ast
from pipeline.tree import _walk_deep, rewrite, transform, walk


@pytest.fixture(scope="module")
def blocks() -> list:
    text = (ROOT / "tests" / "fixtures" / "constructs" / "constructs.md").read_text("utf-8")
    return markdown_to_ast(text)["blocks"]


def test_walk_visits_every_node_in_document_order(blocks):
    found = list(walk(blocks))
    assert [id(n) for n in found] == [id(n) for n in _walk_deep(blocks)]
    assert len(found) > 500
    assert found[0] is blocks[0]  # depth first: a node before its children
    assert sum(n["t"] == "Str" for n in found) == json.dumps(blocks).count('"t": "Str"')


def test_walk_goes_deeper_than_pythons_stack():
    deep = inner = {"t": "BlockQuote", "c": []}
    for _ in range(5000):
        child = {"t": "BlockQuote", "c": []}
        inner["c"].append(child)
        inner = child
    assert len(list(walk([deep]))) == 5001


def _shout(node):
    """Every word in capitals, every emphasis dropped, a mark before each code span."""
    if node["t"] == "Str" and node["c"].islower():
        return {"t": "Str", "c": node["c"].upper()}
    if node["t"] == "Emph":
        return []
    if node["t"] == "Code":
        return [{"t": "Str", "c": "»"}, node]
    return None


@pytest.mark.parametrize("only", [None, ("Str", "Emph", "Code"), ("Emph",)])
def test_rewrite_gives_what_transform_gives_and_changes_nothing(blocks, only):
    before = copy.deepcopy(blocks)
    calls: list[tuple[str, int]] = []

    def fn(node):
        calls.append((node["t"], id(node)))
        return _shout(node)

    copied = transform(blocks, fn, only)
    copied_calls, calls[:] = list(calls), []
    shared = rewrite(blocks, fn, only)
    assert shared == copied
    assert calls == copied_calls  # the same nodes asked, in the same order
    assert blocks == before


def test_rewrite_shares_what_it_did_not_change(blocks):
    assert rewrite(blocks, lambda node: None) is blocks
    header = next(i for i, b in enumerate(blocks) if b["t"] == "Header")
    target = blocks[header]
    level = target["c"][0]
    out = rewrite(blocks, lambda n: {**n, "c": [level + 1, *n["c"][1:]]} if n is target
                  else None, ("Header",))
    assert out is not blocks and out[header]["c"][0] == level + 1 and target["c"][0] == level
    assert all(a is b for i, (a, b) in enumerate(zip(out, blocks, strict=True)) if i != header)
