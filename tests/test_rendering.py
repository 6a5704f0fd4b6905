"""Rendering guarantees: the bundled pandoc, and no output without its disclaimer."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import ROOT

from pipeline.build import BuildOptions, build
from pipeline.pandoc import markdown_to_ast, pandoc_path

MANUSCRIPT = """---
title: A handout for both audiences
version: 1.0.0
status: approved
last_updated: 2025-03-01
reviewers: [{name: A Reviewer, role: Pharmacist, date: 2025-02-27}]
audiences: [clinician, patient]
---

## Section

Text for everyone.
"""


def test_a_pandoc_on_the_path_is_never_used(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "pandoc"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\ntouch {tmp_path / 'called'}\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    monkeypatch.setenv("PYPANDOC_PANDOC", str(fake))
    assert pandoc_path() != fake
    assert "site-packages/pypandoc" in pandoc_path().as_posix()
    ast = markdown_to_ast("# Heading\n\nText.\n")
    assert ast["blocks"][0]["t"] == "Header"
    assert not (tmp_path / "called").exists()


def _styles_without(tmp_path: Path, name: str, heading: str | None = None) -> Path:
    styles = tmp_path / "styles"
    shutil.copytree(ROOT / "styles", styles)
    target = styles / "disclaimers" / name
    if heading is None:
        target.unlink()
    else:
        text = target.read_text(encoding="utf-8").split("\n", 1)[1]
        target.write_text(f"# {heading}\n{text}", encoding="utf-8")
    return styles


def test_no_output_without_its_disclaimer(tmp_path):
    (tmp_path / "both.md").write_text(MANUSCRIPT, encoding="utf-8")
    styles = _styles_without(tmp_path, "patient.en.md")
    report = build([tmp_path / "both.md"], BuildOptions(out=tmp_path / "out", styles=styles,
                                                        use_cache=False, jobs=1))
    assert not report.ok
    messages = [str(p) for p in report.problems]
    assert any("no disclaimer 'patient' in language 'en-US'" in m for m in messages), messages
    assert not list((tmp_path / "out").glob("*.pdf")) and not list((tmp_path / "out").glob("*.epub"))


def test_an_english_disclaimer_heading_must_say_disclaimer(tmp_path):
    (tmp_path / "both.md").write_text(MANUSCRIPT, encoding="utf-8")
    styles = _styles_without(tmp_path, "professional.en.md", heading="Please note")
    report = build([tmp_path / "both.md"], BuildOptions(out=tmp_path / "out", styles=styles,
                                                        use_cache=False, jobs=1))
    assert not report.ok
    path = (styles / "disclaimers" / "professional.en.md").as_posix()
    assert [str(p).split(": ", 1)[1] for p in report.problems if path in str(p)] == [
        ("the heading of an English disclaimer must contain the word 'Disclaimer', "
        "found 'Please note'")]


def test_a_retired_handout_says_it_is_withdrawn(tmp_path):
    from helpers import build_fixed, epub_text, pdf_pages

    (tmp_path / "old.md").write_text(MANUSCRIPT.replace("status: approved", "status: retired")
                                     .replace("audiences: [clinician, patient]",
                                              "audiences: [clinician]"), encoding="utf-8")
    out = build_fixed([tmp_path / "old.md"], tmp_path / "out", jobs=1)
    pages = pdf_pages(out / "old.clinician.pdf")
    first = " ".join(pages[0].split())
    assert "Retired: do not use" in first and "This handout has been withdrawn." in first
    assert "pending review" not in first
    assert all("DRAFT" in page for page in pages)  # not approved: watermarked like any other
    assert "Retired: do not use" in epub_text(out / "old.clinician.epub")
