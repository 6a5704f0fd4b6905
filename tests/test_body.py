"""Body checks that protect the text of each edition."""

from __future__ import annotations

from helpers import ROOT

from pipeline.build import BuildOptions, check

UNCLOSED = """---
title: Unclosed
version: 1.0.0
status: draft
last_updated: 2025-01-01
audiences: [clinician, patient]
---

## One

::: {audience="patient"}
Only patients.

```
::: a fence inside code is text
```

::: note
A closed block inside.
:::

## Another heading

Text every edition needs.
"""


def test_an_unclosed_block_is_an_error_at_its_opening_line(tmp_path):
    path = tmp_path / "u.md"
    path.write_text(UNCLOSED, encoding="utf-8")
    report = check([path], BuildOptions(styles=ROOT / "styles"))
    assert [(p.line, p.message) for p in report.problems if p.is_error] == [
        (11, ("this ':::' block is never closed: add a line ':::' where it ends (otherwise it "
             "runs to the end of the document)"))]


def test_closed_blocks_pass(tmp_path):
    path = tmp_path / "c.md"
    path.write_text(UNCLOSED.replace("Only patients.\n", "Only patients.\n:::\n"),
                    encoding="utf-8")
    report = check([path], BuildOptions(styles=ROOT / "styles"))
    assert not [p for p in report.problems if p.is_error]


def test_two_keys_without_a_semicolon_are_an_error(tmp_path):
    (tmp_path / "refs.bib").write_text(
        "@misc{who2021, title = {A}, year = {2021}}\n@misc{lee2023, title = {B}, year = {2023}}\n",
        encoding="utf-8")
    path = tmp_path / "s.md"
    path.write_text(UNCLOSED.split("## One")[0].replace("audiences: [clinician, patient]\n",
                                                        "bibliography: [refs.bib]\n")
                    + "## One\n\nA claim [@who2021 @lee2023].\n", encoding="utf-8")
    report = check([path], BuildOptions(styles=ROOT / "styles"))
    assert [(p.line, p.message) for p in report.problems if p.is_error] == [
        (11, ("'@lee2023' is inside the citation of '@who2021' as text: separate the keys "
             "with ';' ([@who2021; @lee2023])"))]
