"""Version stamps: the source commit, the build date, and where they are shown."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, epub_text, pdf_pages

from pipeline.build import BuildOptions, build, inputs_of
from pipeline.errors import display_path
from pipeline.manuscript import load_manuscript
from pipeline.stamp import GitHistory, make_stamp

MANUSCRIPT = """---
title: {title}
version: 1.0.0
status: draft
last_updated: 2025-03-01
bibliography: [refs.bib]
---

## Section

A claim [@one].
"""
BIB = "@article{one, title = {A study}, journal = {A journal}, year = {2020}}\n"


def _git(repo: Path, *args: str, when: str = "2025-04-01T12:00:00Z") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.md").write_text(MANUSCRIPT.format(title="First"), encoding="utf-8")
    (tmp_path / "b.md").write_text(MANUSCRIPT.format(title="Second"), encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "Two handouts", when="2025-04-01T12:00:00Z")
    return tmp_path


def _stamp(path: Path):
    manuscript, _ = load_manuscript(path, ROOT / "bibliography")
    return make_stamp(manuscript, inputs_of(manuscript, ROOT / "styles"), GitHistory())


def test_source_commit_is_the_last_change_to_the_handouts_inputs(repo, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = _git(repo, "rev-parse", "HEAD")
    (repo / "b.md").write_text(MANUSCRIPT.format(title="Second, revised"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Revise the second", when="2025-05-02T08:00:00Z")
    second = _git(repo, "rev-parse", "HEAD")
    a, b = _stamp(repo / "a.md"), _stamp(repo / "b.md")
    assert (a.commit, b.commit) == (first, second)  # an unrelated commit leaves a alone
    assert (a.build_date, b.build_date) == (dt.date(2025, 4, 1), dt.date(2025, 5, 2))
    assert not a.dirty and a.short_commit == first[:10]

    (repo / "refs.bib").write_text(BIB.replace("A study", "A larger study"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Fix a title", when="2025-06-03T08:00:00Z")
    assert _stamp(repo / "a.md").commit == _git(repo, "rev-parse", "HEAD")  # its bibliography


def test_uncommitted_changes_are_marked(repo, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (repo / "a.md").write_text(MANUSCRIPT.format(title="First, edited"), encoding="utf-8")
    a, b = _stamp(repo / "a.md"), _stamp(repo / "b.md")
    assert a.dirty and a.short_commit.endswith("+modified")
    assert not b.dirty


def test_source_date_epoch_sets_the_build_date(repo, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    assert _stamp(repo / "a.md").build_date == dt.date(2025, 10, 9)


def test_outside_git_the_commit_is_unknown_and_it_still_builds(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "a.md").write_text(MANUSCRIPT.format(title="Loose file"), encoding="utf-8")
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    stamp = _stamp(tmp_path / "a.md")
    assert stamp.commit == "" and stamp.short_commit == "not committed"
    assert stamp.build_date == dt.date(2025, 3, 1)  # last_updated, still reproducible

    report = build([tmp_path / "a.md"], BuildOptions(out=tmp_path / "out", use_cache=False,
                                                     jobs=1))
    assert report.ok, [str(p) for p in report.problems]
    assert [str(p) for p in report.problems] == []  # a scratch folder: the stamp says it
    for page in pdf_pages(tmp_path / "out" / "a.clinician.pdf"):
        assert "Source not committed" in " ".join(page.split())
    assert "Source not committed" in " ".join(epub_text(tmp_path / "out" /
                                                         "a.clinician.epub").split())


def test_commit_is_printed_on_every_page_and_in_metadata(repo, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    head = _git(repo, "rev-parse", "HEAD")
    report = build([repo / "a.md"], BuildOptions(out=repo / "dist", use_cache=False, jobs=1,
                                                 formats=("pdf",)))
    assert report.ok, [str(p) for p in report.problems]
    pdf = repo / "dist" / "a.clinician.pdf"
    for page in pdf_pages(pdf):
        assert f"Source {head[:10]}" in " ".join(page.split())
    assert PdfReader(pdf).metadata["/handoutsourcecommit"] == head
    assert "/Author" not in PdfReader(pdf).metadata  # no authors listed: none, not ''


def test_a_build_of_modified_files_says_so_on_the_page_and_as_a_warning(repo, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    head = _git(repo, "rev-parse", "HEAD")
    (repo / "refs.bib").write_text(BIB.replace("A study", "A larger study"), encoding="utf-8")
    report = build([repo / "a.md"], BuildOptions(out=repo / "dist", use_cache=False, jobs=1,
                                                 formats=("pdf",)))
    assert report.ok
    assert [str(p) for p in report.problems] == [
        (f"{display_path(repo / 'a.md')}: warning: built from files not committed to git "
        f"({display_path(repo / 'refs.bib')}): the stamp says '+modified'; commit them before "
        "a release")]
    for page in pdf_pages(repo / "dist" / "a.clinician.pdf"):
        assert f"Source {head[:10]}+modified" in " ".join(page.split())


def test_a_shallow_clone_whose_history_stops_at_the_stamps_commit_says_so(repo, tmp_path,
                                                                           monkeypatch):
    """actions/checkout fetches one commit unless told otherwise: a.md, last changed before
    it, would be stamped with that commit and its date, and differ from a full clone's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    (repo / "b.md").write_text(MANUSCRIPT.format(title="Second, revised"), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Revise the second", when="2025-05-02T08:00:00Z")
    for depth, name in ((["--depth", "1"], "shallow"), ([], "full")):
        _git(tmp_path, "clone", "-q", *depth, f"file://{repo}", name)
    found = {}
    for name in ("shallow", "full"):
        clone = tmp_path / name
        report = build([clone / "a.md"], BuildOptions(out=clone / "dist", use_cache=False,
                                                      jobs=1, formats=("html",)))
        assert report.ok
        found[name] = [str(p) for p in report.problems]
    edge = _git(tmp_path / "shallow", "rev-parse", "HEAD")
    assert found == {"full": [], "shallow": [
        (f"{display_path(tmp_path / 'shallow' / 'a.md')}: warning: the checkout is shallow (git "
        f"clone --depth): its history stops at {edge[:10]}, so the commit that last changed "
        "this handout may be older and its stamp (source commit, build date) differ from a "
        "full clone's; fetch the whole history (git fetch --unshallow; actions/checkout's "
        "fetch-depth: 0)")]}
