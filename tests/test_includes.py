"""Quarto's ``{{< include _part.md >}}`` and Marked's ``<<[_part.md]``: the part's text in the
handout, its lines in messages.

One project builds its web page twice with a render cache (the second time after
a part changed) and is checked with parts that are missing, loop or leave it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipeline.build import BuildOptions, build, check

FRONT = """---
title: "Parts"
version: 1.0.0
status: draft
last_updated: 2025-09-01
---

"""
MAIN = """Opening text.

{{< include parts/_methods.md >}}

Closing text [@after].

```
{{< include parts/_nowhere.md >}}
```
"""
METHODS = """## Methods

Method text.

<<[_inner.md]

Method end [@methods].
"""


def _paragraphs(out: Path) -> list[str]:
    page = lxml_html.parse(str(out / "m.clinician.html")).getroot()
    texts = [p.text_content() for p in page.iter("p", "pre")]
    return texts[texts.index("Opening text."):][:6]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("includes")
    (folder / "manuscripts" / "parts").mkdir(parents=True)
    (folder / "manuscripts" / "m.md").write_text(FRONT + MAIN, encoding="utf-8")
    (folder / "manuscripts" / "parts" / "_methods.md").write_text(METHODS, encoding="utf-8")
    (folder / "manuscripts" / "parts" / "_inner.md").write_text("Inner [@inner].\n")
    return folder


@pytest.fixture
def inside(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")
    return project


def _build(folder: Path) -> tuple[list[str], int]:
    report = build([Path("manuscripts")], BuildOptions(out=folder / "out", formats=("html",),
                                                       cache_dir=folder / "cache", jobs=1))
    return sorted(str(p) for p in report.problems), report.built


def test_included_text_is_in_place_and_messages_name_its_file_and_line(inside):
    problems, built = _build(inside)
    no_bib = "has no entry in the bibliography; the front matter names no 'bibliography'"
    assert problems == [
        f"manuscripts/m.md:12: citation '@after' {no_bib}",
        f"manuscripts/parts/_inner.md:1: citation '@inner' {no_bib}",
        f"manuscripts/parts/_methods.md:7: citation '@methods' {no_bib}",
    ]
    assert built == 0  # the parts are no manuscripts of their own; m.md fails


def test_an_edited_part_is_built_again(inside):
    (inside / "manuscripts" / "m.md").write_text(FRONT + MAIN.replace(" [@after]", ""))
    (inside / "manuscripts" / "parts" / "_methods.md").write_text(
        METHODS.replace(" [@methods]", ""))
    (inside / "manuscripts" / "parts" / "_inner.md").write_text("Inner one.\n")
    assert _build(inside) == ([], 1)
    assert _paragraphs(inside / "out") == [
        "Opening text.", "Method text.", "Inner one.", "Method end.", "Closing text.",
        "{{< include parts/_nowhere.md >}}"]
    assert _build(inside) == ([], 0)
    (inside / "manuscripts" / "parts" / "_inner.md").write_text("Inner two.\n")
    assert _build(inside) == ([], 1)
    assert "Inner two." in _paragraphs(inside / "out")


@pytest.mark.parametrize(("inner", "message"), [
    ("{{< include _methods.md >}}",
     ("manuscripts/parts/_inner.md:1: '{{< include _methods.md >}}' includes a file that is "
     "being included (a loop: manuscripts/parts/_methods.md includes "
     "manuscripts/parts/_inner.md includes manuscripts/parts/_methods.md)")),
    ("One.\n\n{{< include \"no such.md\" >}}",
     ("manuscripts/parts/_inner.md:3: '{{< include \"no such.md\" >}}': no such file "
     "(manuscripts/parts/no such.md)")),
    ("{{< include ../../../outside.md >}}",
     ("manuscripts/parts/_inner.md:1: '{{< include ../../../outside.md >}}' names a file "
     "outside the project ({root}): copy it into the project")),
    ("{{< include /etc/hostname >}}",
     ("manuscripts/parts/_inner.md:1: '{{< include /etc/hostname >}}': the path must be "
     "relative to this file's folder")),
    ("Text {{< include x.md >}} here.",
     ("manuscripts/parts/_inner.md:1: warning: '{{< include x.md >}}' is read only on a line "
     "of its own: here it is left out of the handout")),
])
def test_a_part_that_cannot_be_read_is_an_error_at_its_line(inside, inner, message):
    (inside / "manuscripts" / "parts" / "_inner.md").write_text(inner + "\n")
    problems = [str(p) for p in check([Path("manuscripts")], BuildOptions()).problems]
    assert problems == [message.replace("{root}", str(inside.resolve()))]
