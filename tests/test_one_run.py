"""Every problem in one run: a mistake of each kind in one manuscript, all reported at once.

Front matter, dates, citations, images, audience blocks, the bibliography,
fonts and the reading grade are each checked even when an earlier one failed.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import EPOCH

from pipeline.cli import main

BIB = """@article{good1,
  title   = {A good study},
  journal = {A journal},
  year    = {2020}
}

@article{broken,
  title = {Unclosed,
  year  = {2021}
}
"""

MANUSCRIPT = """---
title: "Every kind of mistake"
version: 1.0
status: draft
last_updated: 2025-02-30
audiences: [clinician, patient]
bibliography: [refs.bib]
---

## Treatment

A good source [@good1] and a missing one [@nosuchkey].

![](missing.png)

::: {audience="patients"}
A block for an audience that does not exist.
:::

::: {audience="patient"}
The multifactorial pathophysiological characterisation of intervertebral discogenic \
nociception necessitates comprehensive interdisciplinary multimodal evaluation encompassing \
neuroradiological electrophysiological and psychosocial considerations.
:::

A character no font has: \U00012000.
"""


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "m.md").write_text(MANUSCRIPT, encoding="utf-8")
    return tmp_path


def expected() -> list[str]:
    return [
        "m.md:3: 'version' must be a semantic version such as 1.2.0, found '1.0'",
        ("m.md:5: 'last_updated' 2025-02-30 does not exist: February 2025 has no day 30 "
        "(it has 28 days)"),
        "m.md:12: citation '@nosuchkey' has no entry in the bibliography",
        "m.md:14: image 'missing.png' has no alt text: write ![what the image shows](missing.png)",
        "m.md:14: image 'missing.png' not found",
        ("m.md:16: audience block for 'patients', which the front matter does not list "
        "(audiences: clinician, patient) (did you mean 'patient'?)"),
        ("m.md:21: warning: the patient edition reads at grade 21.4 (Flesch-Kincaid grade level; "
        "limit 8), above its limit ('max_grade', default 8); the sentences that raise it most: "
        "line 21: “The multifactorial pathophysiological characterisation of intervertebral "
        "discogenic…” (+19.9)"),
        ("m.md:24: character '\U00012000' (U+12000) at column 26 is in none of the project's "
         "fonts: add a font that has it (a file in styles/fonts/, declared in "
         "styles/css/fonts.css), or write it another way"),
        ("refs.bib:8: warning: entry 'broken' (line 7) is not closed: the value of field "
         "'title' has a '{' that is not closed, so it runs on to line 10"),
    ]


def test_check_reports_a_mistake_of_each_kind_in_one_run(planted):
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "m.md"], out, err) == 1
    assert (out.getvalue(), err.getvalue().splitlines()[1:-1]) == ("", expected())
    assert err.getvalue().splitlines()[-1].startswith(
        "checked 1 manuscript(s) in ") and "7 error(s), 2 warning(s)" in err.getvalue()


def test_build_reports_the_same_in_one_run_and_writes_nothing(planted):
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", "m.md", "--out", "dist", "--jobs", "1", "--no-cache"], out, err) == 1
    lines = [line for line in err.getvalue().splitlines()
             if line.startswith(("m.md", "refs.bib"))]
    assert lines == expected()
    assert (planted / "dist" / "manifest.json").is_file()
    assert sorted((planted / "dist").glob("m.*")) == []  # no edition was written
