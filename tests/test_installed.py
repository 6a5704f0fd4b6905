"""The package installed (not editable) and used from a folder that is not its checkout.

A project folder holds only ``manuscripts/`` and ``bibliography/``: the
styles come from inside the package; a ``styles/`` folder of the project
overrides them file by file.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import EPOCH, epub_text, pdf_pages

MANUSCRIPT = """---
title: "Heat or ice for a sprained ankle"
version: 1.0.0
status: draft
last_updated: 2025-09-18
bibliography: [ankle.bib]
---
## Summary

Ice in the first two days eases swelling [@cold-2019].
"""

BIB = """@article{cold-2019,
  title = {Cold therapy after ankle sprain},
  author = {Vance, Ada},
  journal = {Sports Medicine},
  year = {2019}
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "bibliography").mkdir()
    (tmp_path / "manuscripts" / "ankle.md").write_text(MANUSCRIPT, encoding="utf-8")
    (tmp_path / "bibliography" / "ankle.bib").write_text(BIB, encoding="utf-8")
    return tmp_path


def run(python: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(SOURCE_DATE_EPOCH=EPOCH, HANDOUT_CACHE_DIR=str(folder / "cache"))
    return subprocess.run([str(python), *args], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_installed_package_is_not_the_checkout(installed, project):
    done = run(installed, project, "-c", "import pipeline; print(pipeline.__file__)")
    assert Path(done.stdout.strip()).is_relative_to(installed.parent.parent)


def test_a_project_without_styles_uses_the_styles_inside_the_package(installed, project):
    done = run(installed, project, "-m", "pipeline", "build")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (project / "dist").iterdir()) == [
        "ankle.clinician.epub", "ankle.clinician.html", "ankle.clinician.pdf", "assets",
        "index.html", "manifest.json"]
    text = " ".join(pdf_pages(project / "dist" / "ankle.clinician.pdf"))
    assert "Disclaimer for Healthcare Professionals" in text and "Cold therapy after ankle sprain" in text
    assert "Disclaimer for Healthcare Professionals" in epub_text(project / "dist" / "ankle.clinician.epub")


def test_a_styles_folder_of_the_project_overrides_the_package_file_by_file(installed, project):
    (project / "styles" / "disclaimers").mkdir(parents=True)
    (project / "styles" / "disclaimers" / "professional.en.md").write_text(
        "# Riverside Clinic Disclaimer\n\nAsk the physiotherapy desk before any change.\n",
        encoding="utf-8")
    done = run(installed, project, "-m", "pipeline", "build", "--format", "epub")
    assert done.returncode == 0, done.stderr
    text = epub_text(project / "dist" / "ankle.clinician.epub")
    assert "Riverside Clinic Disclaimer" in text
    assert "Ask the physiotherapy desk before any change." in text
    assert "Disclaimer for Healthcare Professionals" not in text
    # the rest (template, CSS, fonts, locales) still comes from the package
    assert "Cold therapy after ankle sprain" in text


@pytest.mark.slow
def test_an_approved_committed_handout_is_released_with_the_packages_styles(installed, project):
    manuscript = project / "manuscripts" / "ankle.md"
    manuscript.write_text(MANUSCRIPT.replace(
        "status: draft\n", "status: approved\nreviewers: [{name: A Reviewer, role: Nurse, "
        "date: 2025-09-17}]\n"), encoding="utf-8")
    git = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "manuscripts", "bibliography"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Handouts"], cwd=project, check=True)
    done = run(installed, project, "-m", "pipeline", "release")
    assert done.returncode == 0, done.stderr
    [folder] = (project / "dist" / "release").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS", "ankle.clinician.epub", "ankle.clinician.pdf", "manifest.json"]
