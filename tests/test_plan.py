"""Planning a build: what a build where nothing changed still reads, and what makes it look again.

Each test builds a small project of its own (EPUB only, in-process) and
counts the manuscripts the planner read (``load_manuscript`` calls) and the
outputs the build rendered.  Files are dated a minute in the past, as files
saved before a build are: a file modified within a tenth of a second of
being read is never trusted by its metadata alone.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from helpers import EPOCH, RIVERSIDE_CSL, epub_text

import pipeline.plan
from pipeline import build as build_module
from pipeline.build import BuildOptions, build

BIB = """@article{alpha-2020,
  title = {Alpha trial of platelet-rich plasma},
  journal = {Pain Medicine},
  year = {2020},
  keywords = {Practice Guideline}
}
"""

MANUSCRIPT = """---
title: "{title}"
version: 1.0.0
status: draft
last_updated: 2025-09-18
bibliography: [refs.bib]
{extra}---
## Summary

{body}
"""


def write(path: Path, text: str, age: float = 60.0) -> None:
    """Write ``text`` and date the file ``age`` seconds back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    when = time.time() - age
    os.utime(path, (when, when))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write(tmp_path / "bibliography" / "refs.bib", BIB)
    write(tmp_path / "manuscripts" / "one.md", MANUSCRIPT.format(
        title="Knee injections", extra="colour: blue\n", body="Alpha helps [@alpha-2020]."))
    write(tmp_path / "manuscripts" / "two.md", MANUSCRIPT.format(
        title="Hip injections", extra="", body="Alpha again [@alpha-2020]."))
    return tmp_path


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every manuscript the planner reads."""
    seen: list[str] = []
    real = pipeline.plan.load_manuscript

    def counting(path, bibliography_dir):
        seen.append(path.name)
        return real(path, bibliography_dir)

    monkeypatch.setattr(pipeline.plan, "load_manuscript", counting)
    return seen


def run(project: Path, **options):
    options = {"out": project / "dist", "cache_dir": project / "cache", "jobs": 1,
               "formats": ("epub",), **options}
    return build([project / "manuscripts"], BuildOptions(**options))


def test_a_build_where_nothing_changed_reads_no_manuscript(project, loads):
    first = run(project)
    assert first.ok and first.built == 2
    assert sorted(loads) == ["one.md", "one.md", "two.md", "two.md"]  # planned, then rendered
    loads.clear()
    again = run(project)
    assert again.ok and (again.built, again.reused) == (0, 2)
    assert loads == []
    # what the skipped reading would have found is still reported
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert any(str(p).startswith("manuscripts/one.md:7: warning: unknown field 'colour'")
               for p in again.problems)
    assert [a.to_json() for a in again.artifacts] == [a.to_json() for a in first.artifacts]


def test_an_edited_manuscript_is_read_again_and_only_it(project, loads):
    run(project)
    write(project / "manuscripts" / "two.md", MANUSCRIPT.format(
        title="Hip injections", extra="", body="Alpha once more [@alpha-2020]."), age=30)
    loads.clear()
    report = run(project)
    assert (report.built, report.reused) == (1, 1)
    assert loads == ["two.md", "two.md"]
    assert "Alpha once more" in epub_text(project / "dist" / "two.clinician.epub")


def test_a_file_modified_just_now_is_not_trusted_by_its_metadata(project, loads):
    """A change within the same time stamp as the last read would go unseen: such a
    manuscript is read again at the next build."""
    path = project / "manuscripts" / "one.md"
    write(path, path.read_text(encoding="utf-8"), age=-5)  # dated now (or later)
    run(project)
    loads.clear()
    report = run(project)
    assert report.reused == 2
    assert loads == ["one.md"]


def test_a_bibliography_beside_the_manuscript_that_appears_is_noticed(project, loads):
    """A name in ``bibliography:`` is looked for beside the manuscript first: a file
    that appears there changes the plan although no file it used changed."""
    run(project)
    write(project / "manuscripts" / "refs.bib", BIB.replace("Alpha trial", "Local alpha trial"))
    loads.clear()
    report = run(project)
    assert report.built == 2 and sorted(set(loads)) == ["one.md", "two.md"]
    assert "Local alpha trial" in epub_text(project / "dist" / "one.clinician.epub")


def test_a_manuscript_whose_front_matter_failed_is_not_checked_again_until_it_changes(
        project, monkeypatch):
    broken = project / "manuscripts" / "three.md"
    write(broken, "---\nversion: 1.0.0\nstatus: draft\nlast_updated: 2025-09-18\n"
                  "bibliography: [refs.bib]\n---\n## Summary\n\nSee [@nobody-2020].\n")
    checked: list[str] = []
    real = build_module.check_rest
    monkeypatch.setattr(build_module, "check_rest", lambda m, styles, problems: (
        checked.append(m.path.name), real(m, styles, problems)))
    first = run(project)
    expected = ["manuscripts/three.md:1: required field 'title' is missing",
                "manuscripts/three.md:9: citation '@nobody-2020' has no entry in the bibliography"]
    assert [str(p) for p in first.problems if p.is_error] == expected
    assert checked == ["three.md"] and first.failed == ["manuscripts/three.md"]
    again = run(project)
    assert [str(p) for p in again.problems if p.is_error] == expected
    assert checked == ["three.md"] and again.failed == ["manuscripts/three.md"]
    write(broken, broken.read_text(encoding="utf-8").replace("version:", 'title: "Ankle"\n'
                                                              "version:"), age=30)
    fixed = run(project)
    assert checked == ["three.md"]  # its front matter is valid now: no partial check
    assert [str(p) for p in fixed.problems if p.is_error] == [
        "manuscripts/three.md:10: citation '@nobody-2020' has no entry in the bibliography"]


def git(project: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "e@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "e@example.org"}
    return subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_the_stamp_follows_the_projects_own_styles_in_git(project, loads):
    """With a ``styles/`` of the project laid over the package's, a commit to it is the
    handout's source commit, although the build renders from a merged copy."""
    write(project / "styles" / "disclaimers" / "professional.en.md",
          "# Riverside Clinic Disclaimer\n\nAsk the physiotherapy desk first.\n")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "Handouts")
    first = git(project, "rev-parse", "HEAD")
    report = run(project)
    assert report.ok and [p.code for p in report.problems] == ["unknown-field"], report.problems
    text = epub_text(project / "dist" / "one.clinician.epub")
    assert first[:10] in text and "Riverside Clinic Disclaimer" in text
    write(project / "styles" / "disclaimers" / "professional.en.md",
          "# Riverside Clinic Disclaimer\n\nAsk the front desk first.\n", age=30)
    git(project, "commit", "-qam", "Disclaimer: the front desk")
    second = git(project, "rev-parse", "HEAD")
    loads.clear()
    report = run(project)
    assert report.built == 2 and sorted(set(loads)) == ["one.md", "two.md"]
    text = epub_text(project / "dist" / "one.clinician.epub")
    assert second[:10] in text and first[:10] not in text
    assert "Ask the front desk first." in text


def with_project_styles(project: Path) -> None:
    """A kinds map and a CSL style of the project's own, the manuscript naming the style."""
    write(project / "styles" / "kinds.yaml",
          "keywords:\n  Practice Guideline: Clinic Rule\ntypes:\n  article: Paper\n")
    write(project / "styles" / "csl" / "riverside.csl", RIVERSIDE_CSL)
    path = project / "manuscripts" / "one.md"
    write(path, path.read_text(encoding="utf-8").replace(
        "bibliography:", "csl: riverside\nbibliography:"))


def test_a_projects_kinds_map_and_csl_style_are_used(project):
    """``styles/kinds.yaml`` and ``styles/csl/NAME.csl`` of the project win over the package's."""
    with_project_styles(project)
    report = run(project)
    assert report.ok, [str(p) for p in report.problems]
    text = epub_text(project / "dist" / "one.clinician.epub")
    assert "Riverside list: Alpha trial of platelet-rich plasma" in text
    assert "Clinic Rule" in text and "Guideline" not in text


def test_a_release_names_the_commit_of_the_projects_own_styles(project):
    """A release refuses uncommitted files of the project's styles/ and stamps the commit
    that last changed them (not the merged copy the build renders from)."""
    from pipeline.release import ReleaseOptions, release

    approved = MANUSCRIPT.format(
        title="Knee injections", body="Alpha helps [@alpha-2020].",
        extra="reviewers: [{name: Knee Panel, role: Reviewer, date: 2025-09-17}]\n"
              "next_review: 2099-01-01\n").replace("status: draft", "status: approved")
    write(project / "manuscripts" / "one.md", approved)
    (project / "manuscripts" / "two.md").unlink()
    write(project / "styles" / "disclaimers" / "professional.en.md",
          "# Riverside Clinic Disclaimer\n\nAsk the physiotherapy desk first.\n")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "Handouts")
    write(project / "styles" / "disclaimers" / "professional.en.md",
          "# Riverside Clinic Disclaimer\n\nAsk the front desk first.\n", age=30)
    options = ReleaseOptions(out=project / "dist", cache_dir=project / "cache", jobs=1)
    refused = release([project / "manuscripts"], options)
    assert [str(p) for p in refused.problems] == [(
        "manuscripts/one.md: not released: styles/disclaimers/professional.en.md has "
        "uncommitted changes; a release is built from committed files only: commit it and "
        "release again")]
    git(project, "commit", "-qam", "Disclaimer: the front desk")
    styles_commit = git(project, "rev-parse", "HEAD")
    report = release([project / "manuscripts"], options)
    assert report.ok, [str(p) for p in report.problems]
    text = epub_text(report.folder / "one.clinician.epub")
    assert styles_commit[:10] in text and "Ask the front desk first." in text
