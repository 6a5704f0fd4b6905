"""biber's other keys (``ids = {old-key}``): citing one cites the entry, and its edits rebuild.

A thesis keeps citing the keys its entries had before they were renamed;
biber resolves them through ``ids``.  Built as a user builds, the web page
is read back, then built again after the entry changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipeline.build import BuildOptions, build

BIB = """@article{singer2016,
  ids = {Singer16, sepsis3},
  author = {Singer, Mervyn and Deutschman, Clifford S.},
  title = {The third international consensus definitions for sepsis},
  journaltitle = {JAMA},
  date = {2016},
  volume = {315},
  pages = {801--810},
}
@article{sepsis3,
  author = {Other, Ann},
  title = {An entry whose own key wins},
  journaltitle = {BMJ},
  date = {2019},
}
"""

MANUSCRIPT = """---
title: "Aliases"
version: 1.0.0
status: draft
last_updated: 2025-09-01
bibliography: [refs.bib]
---

Sepsis is defined [@Singer16, p. 802] and again [@Singer16]; see also [@sepsis3].
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "m.md").write_text(MANUSCRIPT, encoding="utf-8")
    return tmp_path


def _built(work: Path) -> tuple[list[str], list[str]]:
    report = build([work / "m.md"], BuildOptions(out=work / "dist", cache_dir=work / "cache",
                                                 jobs=1, formats=("html",)))
    assert report.ok, [str(p) for p in report.problems]
    page = lxml_html.parse(str(work / "dist" / "m.clinician.html")).getroot()
    body = " ".join(page.find(".//main//p").text_content().split())
    entries = [" ".join(div.find("div[2]").text_content().split())
               for div in page.find_class("csl-entry")]
    return [body], entries


def test_another_key_of_an_entry_cites_it_and_its_edits_rebuild(work):
    body, entries = _built(work)
    assert body == ["Sepsis is defined1(p802) and again1; see also2."]
    assert len(entries) == 2
    assert entries[0].startswith("Research Singer M, Deutschman CS. The third international "
                                 "consensus definitions for sepsis. JAMA. 2016;315:801-810.")
    assert "An entry whose own key wins" in entries[1]
    (work / "refs.bib").write_text(BIB.replace("{315}", "{316}"),
                                   encoding="utf-8")
    _body, entries = _built(work)
    assert "JAMA. 2016;316:801-810." in entries[0]
