"""Releases: only approved, reviewed, in-date, readable handouts; checksums; clinic zips."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import EPOCH, ROOT
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.errors import display_path
from pipeline.publish import deterministic_zip
from pipeline.release import ReleaseOptions, release, today

GOOD = """---
title: A short handout
version: 1.0.0
status: approved
last_updated: 2025-03-01
next_review: 2026-03-01
authors: [{name: An Author, role: Writer}]
reviewers: [{name: A Reviewer, role: Pharmacist, date: 2025-02-27}]
---

## Section

Text for everyone.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def commit(repo: Path) -> Path:
    """Commit everything in ``repo`` (made a repository first): releases need committed inputs."""
    import os

    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           "GIT_AUTHOR_DATE": "2025-03-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-03-01T12:00:00Z"}
    if not (repo / ".git").exists():
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "Handouts"], cwd=repo,
                   check=True, env=env)
    return repo


def messages(report) -> list[str]:
    return [str(p) for p in report.problems]


def sha256sum_check(folder: Path) -> list[str]:
    proc = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return sorted(line.rsplit(": ", 1)[0] for line in proc.stdout.splitlines())


@pytest.fixture(scope="module")
def example(tmp_path_factory, built, render_cache):
    """The example manuscripts released with distribution.yaml, as of 2025-10-09.

    The A4 files come from the render cache the session's build filled.
    """
    out = tmp_path_factory.mktemp("release")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    options = ReleaseOptions(out=out, distribution=ROOT / "distribution.yaml",
                             skip_refused=True, jobs=2, cache_dir=render_cache)
    try:
        report = release([ROOT / "manuscripts"], options)
    finally:
        mp.undo()
    assert report.written, messages(report)
    return report, options


def test_example_release_checksums_verify(example):
    report, _ = example
    assert report.ok and report.release_id.startswith("2025-10-09-")
    assert report.folder.name == report.release_id
    assert report.folder.parent.name == "release"
    listed = sha256sum_check(report.folder)
    assert listed == sorted(set(report.files) - {"SHA256SUMS"})
    assert listed == sorted([
        "clinics/clinica-del-sur.zip", "clinics/north-valley-spine.zip",
        "clinics/riverside-pain-clinic.zip", "letter/prp-spine-pain.clinician.pdf",
        "letter/prp-spine-pain.patient.pdf", "manifest.json",
        *[f"{slug}.{audience}.{fmt}" for slug in ("prp-columna-es", "prp-spine-pain")
          for audience in ("clinician", "patient") for fmt in ("epub", "pdf")]])
    manifest = json.loads((report.folder / "manifest.json").read_text())
    assert manifest["release"] == report.release_id
    grades = {a["path"]: a.get("reading_grade") for a in manifest["artifacts"]}
    assert grades["prp-columna-es.patient.pdf"] == report.readings["prp-columna-es"].grade
    assert grades["prp-spine-pain.clinician.pdf"] is None


def test_only_approved_manuscripts_are_released_and_the_refused_say_why(example):
    report, _ = example
    assert report.refused == ["manuscripts/regen-pain.md"]
    assert "manuscripts/regen-pain.md:4: warning: not released: status is 'under-review'; only " \
        "approved manuscripts are released" in messages(report)
    manifest = json.loads((report.folder / "manifest.json").read_text())
    assert {a["manuscript"] for a in manifest["artifacts"]} == {"prp-spine-pain", "prp-columna-es"}
    assert {a["status"] for a in manifest["artifacts"]} == {"approved"}


CLINICS = {
    "north-valley-spine": ("letter", ["prp-spine-pain.clinician", "prp-spine-pain.patient"]),
    "riverside-pain-clinic": ("a4", ["prp-columna-es.patient", "prp-spine-pain.patient"]),
    "clinica-del-sur": ("a4", ["prp-columna-es.clinician", "prp-columna-es.patient"]),
}


@pytest.mark.parametrize("clinic", sorted(CLINICS))
def test_each_clinic_zip_has_its_files_manifest_and_checksums(example, clinic, tmp_path):
    report, _ = example
    paper, stems = CLINICS[clinic]
    folder = f"{clinic}-{report.release_id}"
    with zipfile.ZipFile(report.folder / "clinics" / f"{clinic}.zip") as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert {i.date_time for i in infos} == {(2025, 10, 9, 0, 0, 0)}
        expected = sorted([f"{s}.{f}" for s in stems for f in ("epub", "pdf")]
                          + ["SHA256SUMS", "manifest.json"])
        assert names == [f"{folder}/{n}" for n in expected]
        archive.extractall(tmp_path)
    assert sha256sum_check(tmp_path / folder) == sorted(set(expected) - {"SHA256SUMS"})
    manifest = json.loads((tmp_path / folder / "manifest.json").read_text())
    assert manifest["clinic"] == clinic and manifest["release"] == report.release_id
    assert manifest["paper"] == paper
    assert sorted(a["path"] for a in manifest["artifacts"]) == sorted(set(expected) - {
        "SHA256SUMS", "manifest.json"})
    for stem in stems:
        box = PdfReader(tmp_path / folder / f"{stem}.pdf").pages[0].mediabox
        size = (round(float(box.width)), round(float(box.height)))
        assert size == {"letter": (612, 792), "a4": (595, 842)}[paper]


def test_zips_depend_only_on_their_files():
    files = {"b/second.txt": b"2", "a/first.txt": b"1" * 1000}
    one = deterministic_zip(files, dt.date(2025, 10, 9))
    two = deterministic_zip(dict(reversed(list(files.items()))), dt.date(2025, 10, 9))
    assert one == two
    assert zipfile.ZipFile(io.BytesIO(one)).namelist() == ["a/first.txt", "b/second.txt"]


# ---------------------------------------------------------------- refusals

@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def refused(tmp_path: Path, text: str) -> tuple[list[str], Path]:
    path = write(tmp_path / "ms", "m.md", text)
    commit(tmp_path)
    report = release([path], ReleaseOptions(out=tmp_path / "out", jobs=1,
                                            cache_dir=tmp_path / "cache"))
    assert not report.ok and not report.written and report.refused == [display_path(path)]
    assert not (tmp_path / "out").exists()
    return messages(report), path


def test_a_draft_is_refused(tmp_path, epoch):
    found, path = refused(tmp_path, GOOD.replace("status: approved", "status: draft"))
    assert found == [(f"{display_path(path)}:4: not released: status is 'draft'; only approved "
                     "manuscripts are released")]


def test_a_manuscript_reviewed_only_by_its_authors_is_refused(tmp_path, epoch):
    found, path = refused(tmp_path, GOOD.replace("A Reviewer", "an  author"))
    assert found == [(f"{display_path(path)}:8: not released: no reviewer other than its authors "
                     "(reviewers: an  author)")]


def test_an_overdue_manuscript_is_refused(tmp_path, epoch):
    found, path = refused(tmp_path, GOOD.replace("next_review: 2026-03-01",
                                                 "next_review: 2025-10-08"))
    assert found == [(f"{display_path(path)}:6: not released: review overdue: next_review "
                     "2025-10-08 is before today, 2025-10-09 (SOURCE_DATE_EPOCH)")]


def test_today_is_the_real_date_without_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert today() == dt.date.today()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert today() == dt.date(2025, 10, 9)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    found, path = refused(tmp_path, GOOD.replace("next_review: 2026-03-01",
                                                 "next_review: 2025-03-02"))
    assert found == [(f"{display_path(path)}:6: not released: review overdue: next_review "
                     f"2025-03-02 is before today, {dt.date.today().isoformat()} (the real date)")]


def test_a_patient_edition_over_its_grade_limit_is_refused(tmp_path, epoch):
    text = GOOD.replace("---\n\n## Section", "audiences: [clinician, patient]\nmax_grade: 6\n"
                        "---\n\n## Section").replace(
        "Text for everyone.", "Text for everyone.\n\nNotwithstanding considerable interindividual "
        "variability, intra-articular administration demonstrates statistically significant "
        "improvements.")
    found, path = refused(tmp_path, text)
    [message] = found
    assert message.startswith(f"{display_path(path)}:17: not released: the patient edition "
                              "reads at grade ")
    assert "above its limit ('max_grade', default 8); the sentences that raise it most: line " \
        "17: “Notwithstanding considerable interindividual variability" in message


# ---------------------------------------------------------------- command line

def test_a_release_of_nothing_but_refused_manuscripts_says_so(tmp_path, epoch):
    folder = tmp_path / "ms"
    write(folder, "draft.md", GOOD.replace("status: approved", "status: draft"))
    commit(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    assert main(["release", str(folder), "--out", str(tmp_path / "out"), "--skip-refused"],
                out, err) == 1
    assert err.getvalue().endswith(
        "no release written: every manuscript was refused (see above)\n")


def test_release_command_refuses_skips_repeats_and_guards_the_published_bytes(tmp_path, epoch):
    folder = tmp_path / "ms"
    write(folder, "good.md", GOOD)
    write(folder, "draft.md", GOOD.replace("status: approved", "status: draft"))
    commit(tmp_path)
    argv = ["release", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"]

    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out, err) == 1
    draft = display_path(folder / "draft.md")
    assert f"{draft}:4: not released: status is 'draft'" in err.getvalue()
    assert err.getvalue().endswith(
        "no release written: 1 manuscript(s) refused (see above); mend them, or release the "
        "others with --skip-refused\n") and not (tmp_path / "out").exists()

    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--skip-refused"], out, err) == 0, err.getvalue()
    assert f"{draft}:4: warning: not released: status is 'draft'" in err.getvalue()
    [published] = (tmp_path / "out" / "release").iterdir()
    assert f"release {published.name} written: 4 file(s), 0 clinic zip(s)" in out.getvalue()
    # progress counts the PDF and the EPUB a release builds, not a web page it does not
    lines = re.findall(r"\[(\d+)/(\d+)\] [a-z ]+ (\S+)", err.getvalue())
    assert sorted((total, name) for _done, total, name in lines) == [
        ("2", "good.clinician.epub"), ("2", "good.clinician.pdf")]
    assert sha256sum_check(published) == ["good.clinician.epub", "good.clinician.pdf",
                                          "manifest.json"]

    before = {p: p.stat().st_mtime_ns for p in published.rglob("*")}
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--skip-refused"], out, err) == 0, err.getvalue()
    assert f"release {published.name} already published, unchanged" in out.getvalue()
    assert {p: p.stat().st_mtime_ns for p in published.rglob("*")} == before
    assert [p.name for p in (tmp_path / "out" / "release").iterdir()] == [published.name]

    tampered = published / "good.clinician.pdf"
    tampered.write_bytes(tampered.read_bytes() + b"\n")
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--skip-refused"], out, err) == 1
    assert f"{display_path(published)}: release {published.name}: published file(s) no longer " \
        "match its SHA256SUMS (good.clinician.pdf): they were altered or damaged on disk since " \
        "it was published; restore them from a copy (a release is never rewritten)" \
        in err.getvalue()
    assert tampered.read_bytes().endswith(b"\n")

    # Bytes that agree with their own checksums but not with this build (a machine set up
    # otherwise) are another content, not damage.
    sums = published / "SHA256SUMS"
    sums.write_bytes(_resummed(sums.read_bytes(), tampered))
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--skip-refused"], out, err) == 1
    assert f"release {published.name} is already published with other content (different " \
        "bytes: SHA256SUMS, good.clinician.pdf); a release is never rewritten" in err.getvalue()


def _resummed(sums: bytes, path: Path) -> bytes:
    """``sums`` with the line of ``path`` giving its present checksum."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    own = f"  {path.name}\n".encode()
    return b"".join(f"{digest}  {path.name}\n".encode() if line.endswith(own) else line
                    for line in sums.splitlines(keepends=True))


def test_distribution_mistakes_are_located(tmp_path, epoch):
    write(tmp_path / "ms", "good.md", GOOD)
    distribution = write(tmp_path, "distribution.yaml", """clinics:
  north:
    manuscripts: [goood, good]
    audiences: [patients]
    paper: legal
  south:
    manuscript: [good]
""")
    commit(tmp_path)
    report = release([tmp_path / "ms"], ReleaseOptions(out=tmp_path / "out", jobs=1,
                                                       distribution=distribution))
    where = display_path(distribution)
    assert messages(report) == [
        f"{where}:5: clinic 'north': paper must be one of a4, letter, found 'legal'",
        (f"{where}:4: clinic 'north': unknown audience 'patients'; expected one of clinician, "
        "patient (did you mean 'patient'?)"),
        (f"{where}:3: clinic 'north': unknown manuscript 'goood'; the release has: good "
        "(did you mean 'good'?)"),
        f"{where}:7: clinic 'south': unknown field 'manuscript' (did you mean 'manuscripts'?)",
        f"{where}:6: clinic 'south' must list its 'manuscripts' (slugs)",
    ]
    assert not report.ok and not (tmp_path / "out").exists()


def test_invoke_release_task():
    proc = subprocess.run([sys.executable, "-m", "invoke", "--help", "release"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "--distribution" in proc.stdout and "--skip-refused" in proc.stdout


# ---------------------------------------------------------------- committed inputs only

CHART = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
         '<rect width="10" height="10"/></svg>\n')
CITED = GOOD.replace("---\n\n## Section", "bibliography: [refs.bib]\n---\n\n## Section").replace(
    "Text for everyone.", "Text for everyone [@one].\n\n![A black square](chart.svg)")


def test_a_release_refuses_inputs_that_are_not_committed_and_names_them(tmp_path, epoch):
    folder = tmp_path / "ms"
    good = write(folder, "good.md", CITED)
    bib = write(folder, "refs.bib", "@article{one, title = {A study}, journal = {J}, "
                "year = {2020}}\n")
    commit(tmp_path)
    bib.write_text(bib.read_text() + "% edited after the commit\n")
    chart = write(folder, "chart.svg", CHART)
    loose = write(folder, "loose.md", GOOD)
    report = release([folder], ReleaseOptions(out=tmp_path / "out", jobs=1, use_cache=False))
    why = "a release is built from committed files only: commit it and release again"
    assert messages(report) == [
        (f"{display_path(good)}:9: not released: {display_path(bib)} has uncommitted changes; "
        f"{why}"),
        f"{display_path(good)}:16: not released: {display_path(chart)} is not committed; {why}",
        f"{display_path(loose)}: not released: {display_path(loose)} is not committed; {why}",
    ]
    assert report.refused == [display_path(good), display_path(loose)]
    assert not report.written and not (tmp_path / "out").exists()

    commit(tmp_path)
    report = release([folder], ReleaseOptions(out=tmp_path / "out", jobs=1, use_cache=False))
    assert report.written, messages(report)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout.strip()
    for page in PdfReader(report.folder / "good.clinician.pdf").pages:
        assert f"Source {head[:10]}" in " ".join(page.extract_text().split())


def test_a_release_refuses_files_outside_git(tmp_path, epoch, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    good = write(tmp_path / "ms", "good.md", GOOD)
    report = release([good], ReleaseOptions(out=tmp_path / "out", jobs=1, use_cache=False))
    assert messages(report) == [
        (f"{display_path(good)}: not released: {display_path(good)} is outside any git "
        "repository; a release is built from committed files only: make the project a git "
        "repository (git init), commit it and release again")]
    assert not report.written


# ---------------------------------------------------------------- releases of some handouts

def test_a_release_of_some_handouts_gives_each_clinic_those_it_lists(tmp_path, epoch):
    folder = tmp_path / "ms"
    good = write(folder, "good.md", GOOD)
    write(folder, "other.md", GOOD.replace("A short handout", "Another handout"))
    distribution = write(tmp_path, "distribution.yaml", """clinics:
  north:
    manuscripts: [good, other]
  south:
    manuscripts: [other]
""")
    commit(tmp_path)
    report = release([good], ReleaseOptions(out=tmp_path / "out", jobs=1, use_cache=False,
                                            distribution=distribution))
    where = display_path(distribution)
    assert messages(report) == [
        (f"{where}:3: warning: clinic 'north': manuscript 'other' is not in this release and is "
         "left out of this clinic's files"),
        (f"{where}:5: warning: clinic 'south': manuscript 'other' is not in this release and is "
         "left out of this clinic's files"),
        f"{where}:4: warning: clinic 'south' receives no file; no zip is made for it",
    ]
    assert report.ok and report.clinics == ["clinics/north.zip"]
    with zipfile.ZipFile(report.folder / "clinics" / "north.zip") as archive:
        assert sorted(n.split("/", 1)[1] for n in archive.namelist()) == [
            "SHA256SUMS", "good.clinician.epub", "good.clinician.pdf", "manifest.json"]

    whole = release([folder], ReleaseOptions(out=tmp_path / "out2", jobs=1, use_cache=False,
                                             distribution=write(tmp_path, "typo.yaml",
                                                                "clinics:\n  north:\n"
                                                                "    manuscripts: [goood]\n")))
    assert messages(whole) == [
        (f"{display_path(tmp_path / 'typo.yaml')}:3: clinic 'north': unknown manuscript 'goood'; "
        "the release has: good, other (did you mean 'good'?)")]
    assert not whole.written


def test_a_bibliography_linked_from_outside_the_project_is_refused_as_a_link(tmp_path,
                                                                             monkeypatch):
    """Committing the link does not commit the entries: the message says to copy the file."""
    from pipeline import release_gates
    from pipeline.manuscript import load_manuscript
    from pipeline.stamp import GitHistory

    outside = write(tmp_path / "elsewhere", "refs.bib", "@misc{a, title={A}, year={2020}}\n")
    good = write(tmp_path / "project" / "manuscripts", "good.md",
                 GOOD.replace("---\n\n", "bibliography: [refs.bib]\n---\n\n", 1))
    (good.parent / "refs.bib").symlink_to(outside)
    commit(tmp_path / "project")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    manuscript = load_manuscript(good, tmp_path / "project" / "bibliography")[0]
    assert [str(p) for p in release_gates.uncommitted_refusals(
        manuscript, tmp_path / "project" / "styles", GitHistory())] == [
        (f"{display_path(good)}:9: not released: {display_path(good.parent / 'refs.bib')} is a "
         f"link to {display_path(outside)}, which is outside any git repository; a release is "
         "built from committed files only: copy the file into the project and commit it")]


def test_the_styles_of_the_installed_package_need_no_git_but_a_styles_folder_does(
        tmp_path, epoch, monkeypatch):
    """``pip install .`` puts the styles in site-packages, outside the project's git: the
    pipeline's version names them, so a release does not refuse every handout over them."""
    from pipeline import release_gates
    from pipeline.manuscript import load_manuscript
    from pipeline.stamp import GitHistory

    shipped = write(tmp_path / "site-packages" / "pipeline" / "styles", "web.css", "p {}\n")
    other = write(tmp_path / "elsewhere" / "styles", "web.css", "p {}\n")
    good = write(tmp_path / "project" / "manuscripts", "good.md", GOOD)
    commit(tmp_path / "project")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setattr(release_gates, "package_styles", lambda: shipped.parent)
    manuscript = load_manuscript(good, tmp_path / "project" / "bibliography")[0]
    assert release_gates.uncommitted_refusals(manuscript, shipped.parent, GitHistory()) == []
    assert [p.message for p in release_gates.uncommitted_refusals(
        manuscript, other.parent, GitHistory())] == [
        (f"not released: {display_path(other.parent)} is outside any git repository; a release "
         "is built from committed files only: make the project a git repository (git init), "
         "commit it and release again")]


def test_a_version_released_with_other_text_is_refused_until_it_is_given_a_new_one(
        tmp_path, epoch):
    path = write(tmp_path / "ms", "m.md", GOOD)
    commit(tmp_path)
    options = ReleaseOptions(out=tmp_path / "out", jobs=1, cache_dir=tmp_path / "cache")
    first = release([path], options)
    assert first.written, messages(first)
    [entry, *_] = json.loads((first.folder / "manifest.json").read_text())["artifacts"]
    assert len(entry["text_sha256"]) == 64

    # a new review date alone keeps the version: released again, as another release
    write(tmp_path / "ms", "m.md", GOOD.replace("2025-02-27", "2025-02-28"))
    commit(tmp_path)
    again = release([path], options)
    assert again.written and again.release_id != first.release_id, messages(again)

    write(tmp_path / "ms", "m.md", GOOD.replace("Text for everyone.", "Text for all."))
    commit(tmp_path)
    changed = release([path], options)
    assert not changed.written and changed.refused == [display_path(path)]
    [said] = messages(changed)
    assert said in [(f"{display_path(path)}:3: not released: version 1.0.0 was released in "
                     f"{earlier.release_id} with other text; give the changed text a new "
                     "version (and its review)") for earlier in (first, again)]
    assert sorted(p.name for p in (tmp_path / "out" / "release").iterdir()) == sorted(
        [first.release_id, again.release_id])

    write(tmp_path / "ms", "m.md", GOOD.replace("Text for everyone.", "Text for all.")
          .replace("version: 1.0.0", "version: 1.1.0"))
    commit(tmp_path)
    assert release([path], options).written


def test_a_version_released_into_another_folder_of_the_project_is_seen_by_every_release(
        tmp_path, epoch, monkeypatch):
    """Releases are recorded as folders of releases (``dist/release/`` by default): one
    written into the project's dist/ refuses the same version with other text released
    into another --out, inside the project or outside it."""
    project = tmp_path / "project"
    path = write(project / "manuscripts", "m.md", GOOD)
    commit(project)
    monkeypatch.chdir(project)
    cache = tmp_path / "cache"
    first = release(None, ReleaseOptions(out=Path("dist"), jobs=1, cache_dir=cache))
    assert first.written, messages(first)
    write(project / "manuscripts", "m.md", GOOD.replace("Text for everyone.", "Text for all."))
    commit(project)
    for out in (tmp_path / "outside", Path("ci-out")):
        report = release(None, ReleaseOptions(out=out, jobs=1, cache_dir=cache))
        assert not report.written and not out.exists()
        assert messages(report) == [
            (f"manuscripts/m.md:3: not released: version 1.0.0 was released in "
             f"{first.release_id} (in dist/release/) with other text; give the changed text a "
             "new version (and its review)")], out
    write(project / "manuscripts", "m.md", GOOD.replace("Text for everyone.", "Text for all.")
          .replace("version: 1.0.0", "version: 1.1.0"))
    commit(project)
    assert release(None, ReleaseOptions(out=Path("ci-out"), jobs=1, cache_dir=cache)).written
    assert path.exists()
