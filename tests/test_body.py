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
