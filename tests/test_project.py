"""The project folder: found as git finds its repository, from any folder below it.

A command run inside ``manuscripts/`` (or deeper) reads the project's
``bibliography/`` and ``styles/`` and writes its ``dist/``, says which project
it used, and never falls back to the pipeline's own checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import KNEE_MANUSCRIPT, ROOT, knee_project
from helpers import run_cli as run

BIB = "@article{doe-2020, author={Doe, Jane}, title={A trial}, journal={J}, year={2020}}\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "proj").mkdir()
    folder = knee_project(tmp_path / "proj", monkeypatch, KNEE_MANUSCRIPT, BIB)
    (folder / "manuscripts" / "sub").mkdir()
    return folder


@pytest.mark.parametrize("below", ["manuscripts", "manuscripts/sub"])
def test_a_check_from_a_folder_below_the_project_reads_its_bibliography(project, monkeypatch,
                                                                         below):
    monkeypatch.chdir(project / below)
    status, out, err = run("check")
    said = f"project: {project} (the nearest folder above holding manuscripts/)"
    assert (status, out, err.splitlines()[0]) == (0, "", said)
    assert err.splitlines()[-1].startswith("checked 1 manuscript(s)")


def test_a_missing_bibliography_names_the_projects_folder_never_the_checkouts(project,
                                                                               monkeypatch):
    (project / "bibliography" / "refs.bib").unlink()
    monkeypatch.chdir(project / "manuscripts")
    status, _out, err = run("check", "-q", "knee.md")
    assert status == 1
    assert err.splitlines()[1] == (f"knee.md:6: bibliography file 'refs.bib' not found (looked "
                                   f"in ./ and {project}/bibliography/)")
    assert str(ROOT) not in err


def test_manuscripts_named_from_outside_any_project_read_their_own_projects_bibliography(
        project, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    status, out, err = run("check", str(project / "manuscripts"))
    assert (status, out) == (0, "")
    assert err.splitlines()[-1].startswith("checked 1 manuscript(s)")
    (project / "bibliography" / "refs.bib").unlink()
    status, _out, err = run("check", "-q", str(project / "manuscripts"))
    assert status == 1
    assert err.splitlines()[0].endswith(f"bibliography file 'refs.bib' not found (looked in "
                                        f"{project}/manuscripts/ and bibliography/ and "
                                        f"{project}/bibliography/)")


def test_the_projects_styles_are_read_from_below_it(project, monkeypatch):
    (project / "styles").mkdir()
    (project / "styles" / "kinds.yaml").write_text("keywords: 5\n", encoding="utf-8")
    monkeypatch.chdir(project / "manuscripts" / "sub")
    status, _out, err = run("check", "-q")
    assert status == 1
    assert err.splitlines()[1] == (f"{os.path.join('..', '..', 'styles', 'kinds.yaml')}:1: "
                                   "'keywords' must map names to kinds, such as 'keywords: "
                                   "{guideline: Guideline}'; found '5'")


def test_a_build_from_below_writes_the_projects_dist_with_its_disclaimer(project, monkeypatch):
    (project / "styles" / "disclaimers").mkdir(parents=True)
    (project / "styles" / "disclaimers" / "professional.en.md").write_text(
        "# Riverside Disclaimer\n\nAsk the desk first.\n", encoding="utf-8")
    monkeypatch.chdir(project / "manuscripts")
    status, _out, err = run("build", "--format", "html", "--jobs", "1")
    assert status == 0, err
    assert sorted(p.name for p in (project / "dist").iterdir()) == [
        "assets", "index.html", "knee.clinician.html", "manifest.json"]
    assert "Riverside Disclaimer" in (project / "dist" / "knee.clinician.html").read_text()
    assert not (project / "manuscripts" / "dist").exists()


def test_in_the_project_itself_nothing_is_said_and_paths_stay_relative(project):
    status, _out, err = run("check", "-q")
    assert (status, err) == (0, "")
