"""Each BibTeX/biblatex entry type is the CSL type pandoc gives it, and prints as pandoc prints it.

``@misc`` (and every type pandoc does not know) has no CSL type in pandoc, so a
style's branches for named types pass it by: Chicago author-date italicises its
title where a "document" would be quoted.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT
from reference_readers import pandoc_items

from pipeline.bibtex import load_bibliographies, to_csl
from pipeline.citations import marks_to_inlines
from pipeline.errors import Problems
from pipeline.pandoc import run_pandoc
from pipeline.tree import stringify, walk

TYPES = ["misc", "online", "software", "dataset", "report", "techreport", "manual",
         "unpublished", "standard", "bibnote", "patent", "electronic", "booklet"]


def _bib(tmp_path: Path) -> Path:
    path = tmp_path / "types.bib"
    path.write_text("\n".join(
        f"@{kind}{{{kind}Entry,\n  author = {{Patel, Ravi}},\n  title = {{Pain Clinic "
        f"Referral Criteria {n}}},\n  year = {{2023}},\n  publisher = {{Pain Network}}\n}}\n"
        for n, kind in enumerate(TYPES, 1)), encoding="utf-8")
    return path


def _ours(bib: Path) -> dict[str, dict]:
    problems = Problems()
    entries = load_bibliographies((bib,), problems)
    items = to_csl(list(entries.values()), problems)
    assert not problems.errors
    return items


def test_entry_types_are_pandocs_csl_types(tmp_path):
    bib = _bib(tmp_path)
    theirs = pandoc_items(bib, "biblatex")
    assert isinstance(theirs, dict), theirs
    ours = _ours(bib)
    assert {k: v["type"] for k, v in ours.items()} == {k: v["type"] for k, v in theirs.items()}
    assert ours["miscEntry"]["type"] == ""
    assert ours["softwareEntry"]["type"] == "software"


def test_a_misc_title_in_chicago_author_date_is_printed_as_pandoc_prints_it(tmp_path):
    from pipeline.csl import resolve_style
    from pipeline.manuscript import load_manuscript
    from pipeline.model import Stamp
    from pipeline.prepare import prepare

    bib = _bib(tmp_path)
    text = ("---\ntitle: Types\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-06-01\n"
            f"bibliography: {bib}\ncsl: chicago-author-date\n---\n\nSee [@miscEntry].\n")
    source = tmp_path / "types.md"
    source.write_text(text, encoding="utf-8")
    manuscript, _ = load_manuscript(source, ROOT / "bibliography")
    stamp = Stamp(version="1.0.0", status="draft", last_updated="2025-06-01",
                  build_date="2025-06-01", commit="", dirty=False)
    documents, problems = prepare(manuscript, stamp, ROOT / "styles")
    assert not problems.errors
    (entry,) = [marks_to_inlines(r.html) for r in documents[0].references]
    style = resolve_style("chicago-author-date", source, None)
    out = json.loads(run_pandoc(["--from", "markdown", "--to", "json", "--citeproc",
                                 "--csl", str(style), "--bibliography", str(bib)],
                                "See [@miscEntry].\n"))
    refs = next(b for b in out["blocks"] if b["t"] == "Div")["c"][1]
    theirs = refs[0]["c"][1][0]["c"]  # the entry's paragraph
    for inlines in (entry, theirs):  # the title in italics, not in quotes
        assert " ".join(stringify(inlines).split()) == (
            "Patel, Ravi. 2023. Pain Clinic Referral Criteria 1. Pain Network.")
        assert [stringify(n["c"]) for n in walk(inlines) if n["t"] == "Emph"] == [
            "Pain Clinic Referral Criteria 1"]
        assert not [n for n in walk(inlines) if n["t"] == "Quoted"]
